/*
 * cmd_export: `gavel export PROJECT.db [--task NAME] [--format csv|jsonl] [-o FILE]`.
 * The data holds rows only; the provenance goes to standard error and, with
 * -o, to a sidecar FILE.meta.json. Files are written whole or not at all.
 */
#include "config.h"

#include "cli.h"
#include "cmd.h"
#include "store_export.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A file written under a temporary name in its final directory and renamed
 * over path only once it is complete and synced. */
struct out_file {
	const char *path;
	char *tmp;
	FILE *f;
};

static int out_open(struct out_file *o, const char *path, char *err)
{
	char *copy = xstrdup(path), *dir = dirname(copy);
	struct sbuf b = {0};
	mode_t mask;
	int fd;

	o->path = path;
	o->f = NULL;
	sbuf_addf(&b, "%s/.gavel-export.XXXXXX", dir);
	free(copy);
	o->tmp = sbuf_take(&b);
	if ((fd = mkstemp(o->tmp)) < 0) {
		err_set(err, "%s: cannot create a file in its directory: %s", path,
			strerror(errno));
		goto fail;
	}
	/* Should memory run out from here (xmalloc exits), the temporary goes. */
	util_tmp_register(o->tmp);
	/* mkstemp makes the file private; give it the mode a plain create would. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || !(o->f = fdopen(fd, "w"))) {
		err_set(err, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		util_tmp_forget(o->tmp);
		goto fail;
	}
	return 0;
fail:
	free(o->tmp);
	o->tmp = NULL;
	return -1;
}

/* Remove the temporary file, if there is one still. */
static void out_discard(struct out_file *o)
{
	if (!o->tmp)
		return;
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	unlink(o->tmp);
	util_tmp_forget(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
}

/* Flush, sync and close the temporary file when ok; otherwise (or when one
 * of those fails) remove it. Returns 0, or -1 with err filled if it was ok. */
static int out_finish(struct out_file *o, int ok, char *err)
{
	int e = 0;
	if (!o->tmp)
		return ok ? 0 : -1;
	if (ok && (fflush(o->f) != 0 || fsync(fileno(o->f)) != 0))
		e = errno;
	if (fclose(o->f) != 0 && !e)
		e = errno;
	o->f = NULL;
	if (ok && e) {
		err_set(err, "%s: %s", o->path, strerror(e));
		ok = 0;
	}
	if (!ok) {
		out_discard(o);
		return -1;
	}
	return 0;
}

/* Rename the finished temporary over its path; on failure remove it. */
static int out_rename(struct out_file *o, char *err)
{
	if (rename(o->tmp, o->path) != 0) {
		err_set(err, "%s: %s", o->path, strerror(errno));
		out_discard(o);
		return -1;
	}
	util_tmp_forget(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

/*
 * Sync dir, the directory of path, so that the renames into it last. A
 * failure here comes after the file is in place: it is complete, but
 * whether it would survive a power failure is unknown, and err says so.
 * Allocates nothing, so that running out of memory cannot end the program
 * once the file is in place.
 */
static int sync_dir(const char *dir, const char *path, char *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;
	if (fd < 0 || fsync(fd) != 0) {
		err_set(err,
			"%s: written whole, but syncing its directory failed (%s): the file is "
			"complete, but may not survive a power failure; export again to be sure",
			path, strerror(errno));
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

static const char export_usage[] =
	"Usage: gavel export PROJECT.db [--task NAME] [--format csv|jsonl] [-o FILE]\n"
	"                    [--weights expert|ds|agreement] [--no-ds]\n"
	"\n"
	"Write the final training label of every labelled item: the expert decision\n"
	"when there is one, otherwise the Dawid-Skene label (expert decisions count\n"
	"in it as known truth), or with --no-ds the plurality of the votes (ties go\n"
	"to the label first in the task's label order). Each row has item, task,\n"
	"label, source (expert, ds or plurality), weight, plurality, majority (empty\n"
	"on a tie), ds_label, ds_posterior (of the final label), model_confidence,\n"
	"effective_confidence, votes (label -> count), agreement, n_votes, expert,\n"
	"reason, guideline_version, decided_at.\n"
	"The CSV starts with its header row and JSONL holds only rows, so both load\n"
	"unchanged in csv readers, spreadsheets and pandas. Where the labels came\n"
	"from (project, time, audit head hash) goes to standard error and, with -o,\n"
	"to FILE.meta.json beside FILE with the file's SHA-256; FILE is written\n"
	"under a temporary name and renamed, so a failed export leaves no partial\n"
	"file. On a terminal, control and invisible characters from the data are\n"
	"shown as visible tokens; a pipe or file gets the exact bytes.\n"
	"\n"
	"Options:\n"
	"  -t, --task NAME       only this task\n"
	"  -f, --format FORMAT   csv (default; spreadsheet-safe) or jsonl\n"
	"  -o, --output FILE     write to FILE instead of standard output\n"
	"  -w, --weights MODE    expert (default): decisions weigh the project's expert\n"
	"                        weight (1), other labels their DS posterior;\n"
	"                        ds: the DS posterior of every final label;\n"
	"                        agreement: the share of votes for the final label\n"
	"      --no-ds           final labels from plurality, not Dawid-Skene\n"
	"  -h, --help            show this help\n";

/* Write the sidecar of the export written to path into f's temporary
 * file, finished (synced) but not yet renamed. */
static int write_meta(const struct export_meta *m, const struct export_opts *o, const char *path,
		      struct out_file *f, const char *metapath, char *err)
{
	struct sbuf b = {0};
	int ok;

	if (out_open(f, metapath, err))
		return -1;
	store_export_meta_json(&b, m, o, path);
	fwrite(b.s, 1, b.len, f->f);
	sbuf_free(&b);
	ok = !ferror(f->f);
	if (!ok)
		err_set(err, "%s: write error", metapath);
	return out_finish(f, ok, err);
}

/*
 * The same summary whether the labels went to a file or to standard output,
 * for standard error, so that it never mixes with the data. Made before a
 * file is renamed into place, so that nothing after that allocates.
 */
static void summary(struct sbuf *b, const struct export_meta *m, const char *path,
		    const char *metapath)
{
	char *project = text_clean(m->project ? m->project : "");
	sbuf_addf(b, "exported %ld item%s", m->rows, m->rows == 1 ? "" : "s");
	if (path) {
		char *p = text_clean(path), *mp = text_clean(metapath);
		sbuf_addf(b, " to %s (provenance in %s)", p, mp);
		free(p);
		free(mp);
	}
	if (m->skipped)
		sbuf_addf(b, "; skipped %ld with neither votes nor a decision", m->skipped);
	sbuf_addf(b, "\nproject '%s', exported %s, audit head %s\n", project, m->exported_at,
		  m->audit_head);
	free(project);
}

/*
 * An export written to a terminal is read by a person, not a program: the
 * text from data in it passes the sanitiser (escape sequences shown as ^[,
 * bidi and invisible characters as tokens), so that no label, reason or item
 * id can drive the terminal. Files and pipes get the exact bytes.
 */
static long export_to_terminal(struct store *st, const struct export_opts *o,
			       struct export_meta *m, char *err)
{
	char *buf = NULL, *clean;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	long rows;
	if (!mem) {
		snprintf(err, GV_ERR, "out of memory");
		return -1;
	}
	rows = store_export_write(st, o, mem, m, err);
	if (fclose(mem) != 0 && rows >= 0) {
		snprintf(err, GV_ERR, "out of memory");
		rows = -1;
	}
	if (rows >= 0) {
		clean = text_sanitize(buf ? buf : "", len, TEXT_MULTI, NULL);
		fputs(clean, stdout);
		free(clean);
	}
	free(buf);
	return rows;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{"task", required_argument, NULL, 't'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"weights", required_argument, NULL, 'w'},
		{"no-ds", no_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *task = NULL, *outpath = NULL;
	struct export_opts eo = {.format = EXPORT_CSV, .weights = WEIGHTS_EXPERT};
	struct export_meta m;
	struct out_file data = {0};
	struct store *st;
	struct sbuf sum = {0};
	char err[GV_ERR], *metapath = NULL, *dircopy = NULL;
	long rows;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:f:o:w:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			task = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "csv") == 0)
				eo.format = EXPORT_CSV;
			else if (strcmp(optarg, "jsonl") == 0)
				eo.format = EXPORT_JSONL;
			else
				return cli_usage_error("export", "unknown format '%s' (csv or jsonl)",
						       optarg);
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'w':
			if (strcmp(optarg, "expert") == 0)
				eo.weights = WEIGHTS_EXPERT;
			else if (strcmp(optarg, "ds") == 0)
				eo.weights = WEIGHTS_DS;
			else if (strcmp(optarg, "agreement") == 0)
				eo.weights = WEIGHTS_AGREEMENT;
			else
				return cli_usage_error("export",
						       "unknown weights '%s' (expert, ds or agreement)",
						       optarg);
			break;
		case 'D':
			eo.no_ds = 1;
			break;
		case 'h':
			fputs(export_usage, stdout);
			return GV_EXIT_OK;
		default:
			return cli_usage_error("export", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("export", "expected one PROJECT.db argument");
	if (eo.no_ds && eo.weights == WEIGHTS_DS)
		return cli_usage_error("export", "--weights ds needs Dawid-Skene; drop --no-ds");
	eo.task = task;
	if (!(st = cli_open(argv[optind], STORE_READONLY)))
		return GV_EXIT_FAIL;
	if (task) {
		struct store_task t;
		int found = store_task_get(st, task, &t, err);
		if (found != 1) {
			if (found == 0)
				cli_task_missing(st, task, err);
			cli_error("%s", err);
			store_close(st);
			return GV_EXIT_FAIL;
		}
		store_task_free(&t);
	}
	if (outpath && out_open(&data, outpath, err)) {
		cli_error("%s", err);
		store_close(st);
		return GV_EXIT_FAIL;
	}
	if (!outpath && isatty(STDOUT_FILENO))
		rows = export_to_terminal(st, &eo, &m, err);
	else
		rows = store_export_write(st, &eo, outpath ? data.f : stdout, &m, err);
	store_close(st);
	if (outpath) {
		/* Both files are synced before either is renamed, the data file
		 * last, then the directory: a failure before the renames leaves
		 * neither file. */
		struct out_file meta = {0};
		if (out_finish(&data, rows >= 0, err))
			rows = -1;
		if (rows >= 0) {
			metapath = xmalloc(strlen(outpath) + sizeof ".meta.json");
			sprintf(metapath, "%s.meta.json", outpath);
			if (write_meta(&m, &eo, outpath, &meta, metapath, err)) {
				out_discard(&data);
				rows = -1;
			}
		}
		if (rows >= 0) {
			summary(&sum, &m, outpath, metapath);
			dircopy = xstrdup(outpath);
		}
		if (rows >= 0 && out_rename(&meta, err)) {
			out_discard(&data);
			rows = -1;
		}
		if (rows >= 0 && out_rename(&data, err)) {
			unlink(metapath);
			rows = -1;
		}
		if (rows >= 0 && sync_dir(dirname(dircopy), outpath, err))
			rows = -1;
	} else if (rows >= 0 && fflush(stdout) != 0) {
		snprintf(err, GV_ERR, "write failed: %s", strerror(errno));
		rows = -1;
	}
	if (rows >= 0 && !outpath)
		summary(&sum, &m, NULL, NULL);
	if (rows < 0)
		cli_error("%s", err);
	else
		fputs(sum.s, stderr);
	sbuf_free(&sum);
	free(dircopy);
	free(metapath);
	store_export_meta_free(&m);
	return rows < 0 ? GV_EXIT_FAIL : GV_EXIT_OK;
}
