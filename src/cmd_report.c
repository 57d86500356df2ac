/*
 * cmd_report: `gavel report PROJECT.db [--task T] [--format html|md] [-o FILE]`
 * and `gavel report PROJECT.db --annotator NAME`. Opens the project
 * read-only, computes the lead's view (src/lead.c) and writes it as one
 * self-contained HTML file or as Markdown; with --annotator, that
 * annotator's feedback sheet. A file is written under a temporary name in
 * its directory and renamed when complete, so a failure leaves no partial
 * report (and an older report where it was).
 */
#include "config.h"

#include "cli.h"
#include "cmd.h"
#include "lead.h"
#include "report.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char report_usage[] =
	"Usage: gavel report PROJECT.db [--task NAME] [--format html|md] [-o FILE]\n"
	"                               [--bootstrap N] [--seed S]\n"
	"       gavel report PROJECT.db --annotator NAME [--task NAME] [--format html|md]\n"
	"                               [-o FILE]\n"
	"\n"
	"The lead's report of every task (or one): agreement per task with\n"
	"Krippendorff's alpha at the task's scale and its bootstrap interval,\n"
	"disputed, decided and open items, majority vs expert and Dawid-Skene vs\n"
	"plurality; per label what it is confused with and how often experts\n"
	"overturned it; per annotator their track record and trend; the Cohen's\n"
	"kappa matrix of the most active annotators; label confusion; the\n"
	"distribution of item agreement and agreement per import batch or week; and\n"
	"per guideline rule the decisions, overturns and flags. The same numbers as\n"
	"gavel stats --json --bootstrap 1000. It names the project, the time, gavel's\n"
	"version and the audit head hash (gavel audit verify --head checks it).\n"
	"\n"
	"HTML (the default) is one self-contained file: inline CSS and SVG charts,\n"
	"nothing fetched, no script, printable on A4. Markdown gives the tables for\n"
	"a ticket or a wiki. With --annotator, the annotator's feedback sheet: their\n"
	"record, their votes against the experts' decisions, and every item an\n"
	"expert decided against their vote, with its text, reason and rule.\n"
	"\n"
	"Options:\n"
	"  -t, --task NAME       only this task\n"
	"  -f, --format FMT      html (default) or md\n"
	"  -o, --output FILE     write to FILE (under a temporary name, then renamed);\n"
	"                        - or none: standard output\n"
	"  -a, --annotator NAME  the feedback sheet of this annotator\n"
	"  -b, --bootstrap N     resamples of the alpha interval (default 1000, 0: none)\n"
	"  -s, --seed S          their seed (default 1)\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 success, 1 bad project, unknown task or annotator, or a\n"
	"failed write, 2 usage error.\n";

/* Write buf to path whole or not at all: a temporary file in the same
 * directory, flushed and synced, then renamed over path. */
static int write_whole(const char *path, const char *buf, size_t len, char *err)
{
	char *copy = xstrdup(path), *dir = dirname(copy);
	struct sbuf tmp = {0};
	mode_t mask;
	FILE *f = NULL;
	int fd, rc = -1;

	sbuf_addf(&tmp, "%s/.gavel-report.XXXXXX", dir);
	free(copy);
	if ((fd = mkstemp(tmp.s)) < 0) {
		err_set(err, "%s: cannot create a file in its directory: %s", path,
			strerror(errno));
		goto done;
	}
	/* mkstemp makes the file private; give it the mode a plain create would */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || !(f = fdopen(fd, "w"))) {
		err_set(err, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp.s);
		goto done;
	}
	if (fwrite(buf, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
		err_set(err, "%s: writing failed: %s", path, strerror(errno));
		fclose(f);
		unlink(tmp.s);
		goto done;
	}
	if (fclose(f) != 0 || rename(tmp.s, path) != 0) {
		err_set(err, "%s: %s", path, strerror(errno));
		unlink(tmp.s);
		goto done;
	}
	rc = 0;
done:
	sbuf_free(&tmp);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"task", required_argument, NULL, 't'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"annotator", required_argument, NULL, 'a'},
		{"bootstrap", required_argument, NULL, 'b'},
		{"seed", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *task = NULL, *out = NULL, *annotator = NULL;
	int md = 0, c, rc = GV_EXIT_FAIL;
	long num;
	struct lead_opts o;
	struct store *st;
	struct sbuf doc = {0};
	char err[GV_ERR];

	lead_opts_default(&o);
	o.label_errors = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:f:o:a:b:s:h", lopts, NULL)) != -1) {
		switch (c) {
		case 't':
			task = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0)
				md = 1;
			else if (strcmp(optarg, "html") == 0)
				md = 0;
			else
				return cli_usage_error("report", "--format is html or md, not '%s'",
						       optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'a':
			annotator = optarg;
			break;
		case 'b':
			if (util_parse_long(optarg, 0, 1000000, &num))
				return cli_usage_error(
					"report", "--bootstrap needs a count 0..1000000, not '%s'",
					optarg);
			o.bootstrap = (int)num;
			break;
		case 's':
			if (util_parse_long(optarg, 0, 0x7fffffffL, &num))
				return cli_usage_error(
					"report", "--seed needs a number 0..2147483647, not '%s'",
					optarg);
			o.seed = (uint64_t)num;
			break;
		case 'h':
			fputs(report_usage, stdout);
			return GV_EXIT_OK;
		default:
			return cli_usage_error("report", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("report", "expected one PROJECT.db argument");
	if (!(st = cli_open(argv[optind], STORE_READONLY)))
		return GV_EXIT_FAIL;
	if (annotator) {
		struct lead_feedback f;
		if (lead_feedback_build(st, annotator, task, &o, &f, err)) {
			cli_error("%s", err);
			store_close(st);
			return GV_EXIT_FAIL;
		}
		if (md)
			report_md_feedback(&doc, &f);
		else
			report_html_feedback(&doc, &f);
		lead_feedback_free(&f);
	} else {
		struct lead_report r;
		if (lead_build(st, task, &o, &r, err)) {
			cli_error("%s", err);
			store_close(st);
			return GV_EXIT_FAIL;
		}
		if (md)
			report_md(&doc, &r);
		else
			report_html(&doc, &r);
		lead_report_free(&r);
	}
	store_close(st);
	if (!out || strcmp(out, "-") == 0) {
		if (fwrite(doc.s, 1, doc.len, stdout) != doc.len || fflush(stdout) != 0)
			cli_error("writing the report failed");
		else
			rc = GV_EXIT_OK;
	} else if (write_whole(out, doc.s, doc.len, err)) {
		cli_error("%s", err);
	} else {
		rc = GV_EXIT_OK;
	}
	sbuf_free(&doc);
	return rc;
}
