/*
 * cmd_queue: `gavel queue PROJECT.db [--queue NAME] [--limit N] [--json]`
 * lists the items a review queue holds, in order, each with its reason.
 */
#include "config.h"

#include "cli.h"
#include "cmd.h"
#include "queue.h"
#include "text.h"
#include "util.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char queue_usage[] =
	"Usage: gavel queue PROJECT.db [--queue NAME] [--limit N] [--all] [--json]\n"
	"\n"
	"List the items a review queue holds, in queue order, with the reason each is\n"
	"there. Queues come from the project YAML; without any, the defaults are\n"
	"disputed (votes not unanimous, most disputed first), needs-votes (fewer than\n"
	"3 votes), uncertain (top 5% by model entropy), audit (a seeded sample of up to\n"
	"500 items the model is >= 0.95 sure of, shown blind) and model-disagrees\n"
	"(model >= 0.9 sure of a label other than the plurality).\n"
	"\n"
	"Options:\n"
	"  -q, --queue NAME   the queue (default: the project's first queue)\n"
	"  -n, --limit N      at most N items\n"
	"  -a, --all          include items that already have an expert decision\n"
	"  -j, --json         JSON output\n"
	"  -h, --help         show this help\n";

static void print_text_cell(const char *s, size_t cols)
{
	struct sbuf b = {0};
	text_cell(&b, s, cols);
	fputs(b.s, stdout);
	sbuf_free(&b);
}

/* {"neg":2,"pos":1} -> "neg:2 pos:1" for the text listing. */
static char *counts_short(const char *json)
{
	struct sbuf b = {0};
	int in_str = 0;
	for (const char *p = json ? json : ""; *p; p++) {
		if (*p == '"') {
			in_str = !in_str;
			continue;
		}
		if (!in_str && (*p == '{' || *p == '}'))
			continue;
		if (!in_str && *p == ',') {
			sbuf_addc(&b, ' ');
			continue;
		}
		if (*p == '\\' && p[1]) {
			p++;
		}
		sbuf_addc(&b, *p);
	}
	return sbuf_take(&b);
}

static void print_json(const char *name, const struct queue_entry *v, size_t n, int blind)
{
	struct sbuf b = {0};
	sbuf_add(&b, "{\"queue\":");
	sbuf_add_json_str(&b, name);
	sbuf_addf(&b, ",\"blind\":%s,\"count\":%zu,\"items\":[", blind ? "true" : "false", n);
	for (size_t i = 0; i < n; i++) {
		const struct queue_entry *e = &v[i];
		sbuf_add(&b, i ? ",\n{\"item\":" : "\n{\"item\":");
		sbuf_add_json_str(&b, e->external_id);
		sbuf_add(&b, ",\"task\":");
		sbuf_add_json_str(&b, e->task);
		sbuf_addf(&b, ",\"n_votes\":%d,\"votes\":%s,\"agreement\":", e->nvotes,
			  e->counts ? e->counts : "{}");
		sbuf_add_json_num(&b, e->agreement);
		sbuf_add(&b, ",\"plurality\":");
		if (e->plurality)
			sbuf_add_json_str(&b, e->plurality);
		else
			sbuf_add(&b, "null");
		sbuf_add(&b, ",\"model\":");
		if (e->model_label) {
			sbuf_add(&b, "{\"label\":");
			sbuf_add_json_str(&b, e->model_label);
			sbuf_add(&b, ",\"confidence\":");
			sbuf_add_json_num(&b, e->model_conf);
			sbuf_add(&b, ",\"entropy\":");
			sbuf_add_json_num(&b, e->entropy);
			sbuf_addc(&b, '}');
		} else {
			sbuf_add(&b, "null");
		}
		sbuf_addf(&b, ",\"decided\":%s,\"reason\":", e->decided ? "true" : "false");
		sbuf_add_json_str(&b, e->reason);
		sbuf_addc(&b, '}');
	}
	sbuf_add(&b, "]}\n");
	fputs(b.s, stdout);
	sbuf_free(&b);
}

int cmd_queue(int argc, char **argv)
{
	static const struct option opts[] = {
		{"queue", required_argument, NULL, 'q'},
		{"limit", required_argument, NULL, 'n'},
		{"all", no_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *name = NULL;
	long limit = 0;
	int json = 0, all = 0, c, blind = 0;
	struct store *st;
	struct queue_entry *v;
	size_t n;
	char err[GV_ERR];

	optind = 1;
	while ((c = getopt_long(argc, argv, "q:n:ajh", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			name = optarg;
			break;
		case 'n':
			if (util_parse_long(optarg, 0, 1L << 40, &limit))
				return cli_usage_error("queue", "--limit needs a number, got '%s'",
						       optarg);
			break;
		case 'a':
			all = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(queue_usage, stdout);
			return GV_EXIT_OK;
		default:
			return cli_usage_error("queue", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("queue", "expected one PROJECT.db argument");
	if (!(st = cli_open(argv[optind], STORE_READONLY)))
		return GV_EXIT_FAIL;
	if (queue_build(st, name, (size_t)limit, all, &v, &n, &blind, err)) {
		cli_error("%s", err);
		store_close(st);
		return GV_EXIT_FAIL;
	}
	store_close(st);
	if (json) {
		print_json(name ? name : "", v, n, blind);
	} else {
		printf("%-14s %-12s %-22s %5s %-16s %s\n", "ITEM", "TASK", "VOTES", "AGREE",
		       "MODEL", "REASON");
		for (size_t i = 0; i < n; i++) {
			const struct queue_entry *e = &v[i];
			char *counts = counts_short(e->counts);
			char model[64];
			print_text_cell(e->external_id, 14);
			putchar(' ');
			print_text_cell(e->task, 12);
			putchar(' ');
			print_text_cell(counts, 22);
			if (isnan(e->agreement))
				printf("     - ");
			else
				printf(" %5.2f ", e->agreement);
			if (e->model_label && !blind)
				snprintf(model, sizeof model, "%s %.2f", e->model_label,
					 e->model_conf);
			else
				snprintf(model, sizeof model, "%s", blind ? "(blind)" : "-");
			print_text_cell(model, 16);
			putchar(' ');
			print_text_cell(e->reason, 60);
			putchar('\n');
			free(counts);
		}
	}
	queue_free(v, n);
	return GV_EXIT_OK;
}
