/*
 * cmd_import: `gavel import PROJECT.db KIND FILE [options]` brings votes,
 * items, model predictions or existing expert decisions into a project. The
 * whole file is one transaction: a bad record rejects it with
 * "file:line[:col]: what is wrong", exit 1, and the project is unchanged.
 */
#include "config.h"

#include "cli.h"
#include "cmd.h"
#include "import.h"
#include "text.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char import_usage[] =
	"Usage: gavel import PROJECT.db votes FILE [--format FMT] [--task NAME]\n"
	"                    [--scale nominal|ordinal|interval] [--duplicates first|last]\n"
	"                    [--annotator NAME] [--columns LIST] [--new-labels]\n"
	"                    [--dry-run]\n"
	"       gavel import PROJECT.db items FILE [--format FMT] [--task NAME]\n"
	"                    [--duplicates first|last] [--columns LIST] [--dry-run]\n"
	"       gavel import PROJECT.db predictions FILE --model NAME [--format FMT]\n"
	"                    [--task NAME] [--duplicates first|last] [--columns LIST]\n"
	"                    [--new-items] [--dry-run]\n"
	"       gavel import PROJECT.db decisions FILE --expert NAME [--format FMT]\n"
	"                    [--task NAME] [--duplicates first|last] [--columns LIST]\n"
	"                    [--new-labels] [--dry-run]\n"
	"\n"
	"Import a file into a project in one transaction: a bad record rejects the whole\n"
	"file with FILE:LINE[:COL] and the project is left unchanged. FILE may be '-',\n"
	"standard input (named <stdin> in messages), copied to a temporary file in\n"
	"TMPDIR (else beside the project) and read from there like a file.\n"
	"\n"
	"  votes        CSV/TSV item,annotator,label[,at][,comment][,text] (also task,\n"
	"               question, worker, performer, rater, answer, choice, ...), Label\n"
	"               Studio JSON or JSON_MIN, Prodigy JSONL, Argilla records (2.x\n"
	"               to_disk or flattened, 1.x hub layout), or JSONL\n"
	"  items        CSV item,text[,more columns kept as metadata] or JSONL\n"
	"  predictions  CSV item,label,confidence, or item plus one probability column per\n"
	"               label (they must sum to 1), or JSONL, for items the task has\n"
	"  decisions    CSV item,label[,reason][,at]: gold or expert labels, stored as\n"
	"               decisions of --expert with one audit event each\n"
	"\n"
	"The task is --task, else the question the file's records name (Label Studio's\n"
	"from_name, a CSV task column next to an item column, ...), else the project's\n"
	"only task, else a new task named after the file. A file naming several is\n"
	"refused unless --task picks one. A new task takes its labels from the data\n"
	"(numbers in numeric order, then text in byte order); a task with a declared\n"
	"label set rejects others, and one whose labels came from data takes new ones\n"
	"only with --task or --new-labels.\n"
	"\n"
	"A file over an eighth of GAVEL_IMPORT_MEM bytes (default 96M; K, M, G\n"
	"suffixes), of any kind, is sorted by item in runs in an unlinked temporary\n"
	"file in TMPDIR, else beside the project, and merged: memory stays within the\n"
	"budget.\n"
	"\n"
	"Limits, refused at their line and column: ids, annotators, labels, task and\n"
	"model names and times 4 KB; item text, comments, reasons, metadata and any\n"
	"other JSON string or CSV field 4 MB; one record (a JSON line or array element,\n"
	"a CSV row) 16 MB.\n"
	"\n"
	"Options:\n";

/* The rest of the help, after the --format line made from the format table. */
static const char import_usage_options[] =
	"                           (detected from the extension and content when clear)\n"
	"  -t, --task NAME          the task to import into\n"
	"  -s, --scale SCALE        nominal (default), ordinal or interval, for a new task\n"
	"  -d, --duplicates WHICH   keep the first or the last of repeated votes (same\n"
	"                           item and annotator), predictions or decisions, stored\n"
	"                           ones included; without it a repeat rejects the file.\n"
	"                           A decision superseding another expert's needs a lead\n"
	"  -m, --model NAME         the model that made the predictions\n"
	"  -e, --expert NAME        the expert the decisions are recorded under\n"
	"  -c, --columns LIST       the columns of a CSV/TSV file without a header, in\n"
	"                           order, as a header would name them (any order of\n"
	"                           roles: --columns annotator,item,label)\n"
	"  -a, --annotator NAME     votes: the annotator of the whole file, for files\n"
	"                           that name none (most Prodigy datasets, a CSV\n"
	"                           item,label) or name one in a form of their own\n"
	"      --new-labels         let the file add labels to the task it goes to\n"
	"      --new-items          predictions: create the items the task lacks\n"
	"  -n, --dry-run            check everything and report what would change (the\n"
	"                           same summary, \"would import ...\"), writing nothing\n"
	"  -h, --help               show this help\n";

static const char *const import_kinds[] = {
	[IMPORT_VOTES] = "votes",
	[IMPORT_ITEMS] = "items",
	[IMPORT_PREDICTIONS] = "predictions",
	[IMPORT_DECISIONS] = "decisions",
};

/* "s" unless n is 1, for counted nouns in the summary line. */
static const char *plural(long n)
{
	return n == 1 ? "" : "s";
}

/* The summary line. A dry run says the same with "would import", so that its
 * counts read as those of the import it stands for. */
static void import_report(const struct import_opts *o, const struct import_result *r)
{
	char *task = text_clean(r->task);
	const struct import_counts *n = &r->n;
	const char *verb = o->dry_run ? "would import" : "imported";

	switch (o->kind) {
	case IMPORT_VOTES:
		printf("%s %ld vote%s on %ld item%s (%ld label%s, %ld annotator%s) into task '%s'",
		       verb, n->votes, plural(n->votes), n->items_seen, plural(n->items_seen),
		       n->labels, plural(n->labels), n->annotators, plural(n->annotators), task);
		break;
	case IMPORT_ITEMS:
		printf("%s %ld item%s (%ld new, %ld updated) into task '%s'", verb,
		       n->items_added + n->items_updated, plural(n->items_added + n->items_updated),
		       n->items_added, n->items_updated, task);
		break;
	case IMPORT_PREDICTIONS: {
		char *models = text_clean(r->models);
		printf("%s %ld prediction%s of model%s %s on %ld item%s into task '%s'", verb,
		       n->predictions, plural(n->predictions), r->nmodels > 1 ? "s" : "", models,
		       n->items_seen, plural(n->items_seen), task);
		free(models);
		break;
	}
	case IMPORT_DECISIONS: {
		char *expert = text_clean(o->expert);
		printf("%s %ld decision%s by '%s' into task '%s'", verb, n->decisions,
		       plural(n->decisions), expert, task);
		free(expert);
		break;
	}
	}
	if (r->task_created)
		printf(" (new task)");
	if (n->duplicates)
		printf("; %ld duplicate%s dropped", n->duplicates, plural(n->duplicates));
	if (n->labels_created && !r->task_created) {
		char *labels = text_clean(r->new_labels);
		printf("; %ld new label%s (%s)", n->labels_created, plural(n->labels_created),
		       labels);
		free(labels);
	}
	if (r->skipped[0]) {
		char *skipped = text_clean(r->skipped);
		printf("; skipped %s", skipped);
		free(skipped);
	}
	if (o->dry_run)
		printf("; dry run, nothing written");
	putchar('\n');
	free(task);
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"task", required_argument, NULL, 't'},
		{"scale", required_argument, NULL, 's'},
		{"duplicates", required_argument, NULL, 'd'},
		{"model", required_argument, NULL, 'm'},
		{"expert", required_argument, NULL, 'e'},
		{"annotator", required_argument, NULL, 'a'},
		{"columns", required_argument, NULL, 'c'},
		{"new-labels", no_argument, NULL, 'L'},
		{"new-items", no_argument, NULL, 'I'},
		{"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct import_opts o = {0};
	struct import_result res;
	struct store *st;
	char err[GV_ERR];
	const char *kind;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:t:s:d:m:e:a:c:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!import_format_find(optarg))
				return cli_usage_error("import",
						       "unknown format '%s' (formats: %s)", optarg,
						       import_format_names());
			o.format = optarg;
			break;
		case 't':
			if (!*optarg)
				return cli_usage_error("import", "--task needs a name");
			o.task = optarg;
			break;
		case 's':
			if (store_scale_parse(optarg, &o.scale))
				return cli_usage_error("import",
						       "--scale is nominal, ordinal or interval");
			o.scale_set = 1;
			break;
		case 'd':
			if (strcmp(optarg, "first") == 0)
				o.dup = IMPORT_DUP_FIRST;
			else if (strcmp(optarg, "last") == 0)
				o.dup = IMPORT_DUP_LAST;
			else
				return cli_usage_error("import", "--duplicates is first or last");
			break;
		case 'm':
			o.model = optarg;
			break;
		case 'e':
			o.expert = optarg;
			break;
		case 'a':
			if (!*optarg)
				return cli_usage_error("import", "--annotator needs a name");
			o.annotator = optarg;
			break;
		case 'c':
			if (!*optarg)
				return cli_usage_error("import", "--columns needs a list of names");
			o.columns = optarg;
			break;
		case 'L':
			o.new_labels = 1;
			break;
		case 'I':
			o.new_items = 1;
			break;
		case 'n':
			o.dry_run = 1;
			break;
		case 'h':
			fputs(import_usage, stdout);
			printf("  -f, --format FMT         %s\n", import_format_names());
			fputs(import_usage_options, stdout);
			return GV_EXIT_OK;
		default:
			return cli_usage_error("import", "bad option");
		}
	}
	if (argc - optind != 3)
		return cli_usage_error("import", "expected PROJECT.db, a kind and a FILE");
	kind = argv[optind + 1];
	for (c = 0; c < (int)GV_ARRAY_LEN(import_kinds); c++) {
		if (strcmp(kind, import_kinds[c]) == 0)
			break;
	}
	if (c == (int)GV_ARRAY_LEN(import_kinds))
		return cli_usage_error("import",
				       "'%s' is not votes, items, predictions or decisions", kind);
	o.kind = (enum import_kind)c;
	o.file = argv[optind + 2];
	if (o.kind == IMPORT_PREDICTIONS && (!o.model || !*o.model))
		return cli_usage_error("import", "predictions need --model NAME");
	if (o.kind == IMPORT_DECISIONS && (!o.expert || !*o.expert))
		return cli_usage_error("import", "decisions need --expert NAME");
	if (o.new_items && o.kind != IMPORT_PREDICTIONS)
		return cli_usage_error(
			"import", "--new-items is for predictions (other imports create items)");
	if (o.annotator && o.kind != IMPORT_VOTES)
		return cli_usage_error("import", "--annotator names the annotator of a votes file");

	st = cli_open(argv[optind], 0);
	if (!st)
		return GV_EXIT_FAIL;
	rc = import_file(st, &o, &res, err);
	store_close(st);
	if (rc == IMPORT_USAGE)
		return cli_usage_error("import", "%s", err);
	if (rc) {
		cli_error("%s", err);
		return GV_EXIT_FAIL;
	}
	import_report(&o, &res);
	return GV_EXIT_OK;
}
