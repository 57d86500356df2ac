/*
 * cmd_export: `gavel export PROJECT.db [--task NAME] [--format csv|jsonl] [-o FILE]`.
 */
#include "config.h"

#include "cli.h"
#include "cmd.h"
#include "export.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char export_usage[] =
	"Usage: gavel export PROJECT.db [--task NAME] [--format csv|jsonl] [-o FILE]\n"
	"                    [--weights expert|ds|agreement] [--no-ds]\n"
	"\n"
	"Write the final training label of every labelled item: the expert decision\n"
	"when there is one, otherwise the Dawid-Skene label (expert decisions count\n"
	"in it as known truth), or with --no-ds the plurality of the votes (ties go\n"
	"to the label first in the task's label order). Each row has item, task,\n"
	"label, source (expert, ds or plurality), weight, plurality, majority (empty\n"
	"on a tie), ds_label, ds_posterior (of the final label), votes (label ->\n"
	"count), agreement, n_votes, expert, reason, guideline_version, decided_at.\n"
	"The first line records the project, the time and the audit head hash.\n"
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
	struct store *st;
	FILE *out = stdout;
	char err[GV_ERR];
	long rows, skipped = 0;
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
	if (outpath && !(out = fopen(outpath, "w"))) {
		cli_error("%s: %s", outpath, strerror(errno));
		store_close(st);
		return GV_EXIT_FAIL;
	}
	rows = export_write(st, &eo, out, &skipped, err);
	store_close(st);
	if (out != stdout && fclose(out) != 0 && rows >= 0) {
		snprintf(err, GV_ERR, "%s: %s", outpath, strerror(errno));
		rows = -1;
	}
	if (rows < 0) {
		cli_error("%s", err);
		return GV_EXIT_FAIL;
	}
	if (outpath || skipped)
		fprintf(stderr, "exported %ld items%s", rows, skipped ? "" : "\n");
	if (skipped)
		fprintf(stderr, "; skipped %ld with neither votes nor a decision\n", skipped);
	return GV_EXIT_OK;
}
