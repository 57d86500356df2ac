/*
 * cmd_guide: `gavel guide check|load|show`. check validates guideline files
 * without a project (for an editor loop or CI); load stores a new guideline
 * version in a project in one transaction; show prints a stored version as
 * readable, sanitised text.
 */
#include "config.h"

#include "audit.h"
#include "cli.h"
#include "cmd.h"
#include "store_guide.h"
#include "text.h"
#include "ui.h"
#include "util.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char guide_usage[] =
	"Usage: gavel guide check FILE.yaml...\n"
	"       gavel guide load PROJECT.db FILE.yaml\n"
	"       gavel guide show PROJECT.db --task NAME [--version N]\n"
	"\n"
	"Labelling guidelines: per task, a definition with examples and counterexamples\n"
	"for each label and numbered rules (see guidelines/README.md for the format).\n"
	"\n"
	"  check  validate guideline files; errors are FILE:LINE:COL: what is wrong\n"
	"  load   store the file as a new guideline version of its task (older versions\n"
	"         are kept); every label it defines must be a label of the task\n"
	"  show   print the latest (or --version N) stored guideline of a task\n"
	"\n"
	"Options:\n"
	"  -t, --task NAME     the task whose guideline to show\n"
	"  -V, --version N     the stored version to show (default: the latest)\n"
	"  -h, --help          show this help\n"
	"\n"
	"Exit status: 0 success, 1 invalid guideline or failed load, 2 usage error.\n";

/* Parse getopt options shared by the subcommands; returns -1 after having
 * printed help (exit 0) or a usage error (*rc set). */
static int guide_opts(int argc, char **argv, const char **task, long *version, int *rc)
{
	static const struct option opts[] = {
		{"task", required_argument, NULL, 't'},
		{"version", required_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:V:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!task) {
				*rc = cli_usage_error("guide", "--task applies only to show");
				return -1;
			}
			*task = optarg;
			break;
		case 'V':
			if (!version || util_parse_long(optarg, 1, LONG_MAX, version)) {
				*rc = cli_usage_error("guide", "--version needs a version number "
							       "(show only)");
				return -1;
			}
			break;
		case 'h':
			fputs(guide_usage, stdout);
			*rc = GV_EXIT_OK;
			return -1;
		default:
			*rc = cli_usage_error("guide", "bad option");
			return -1;
		}
	}
	return 0;
}

/* The keys a guideline gives must be free in the review screen's item view
 * (with the built-in keys), or they could never decide. */
static int check_keys(const struct guide *g, const char *file, char *err)
{
	struct guide_key *keys = NULL;
	size_t n = 0, cap = 0;
	int rc;
	for (size_t i = 0; i < g->nlabels; i++) {
		const struct guide_label *l = &g->labels[i];
		struct guide_key k = {.task = g->task, .label = l->value, .index = -1};
		if (!l->key)
			continue;
		k.key = (unsigned char)l->key[0];
		k.file = (char *)file;
		k.line = l->key_line;
		k.col = l->key_col;
		guide_keys_add(&keys, &n, &cap, &k);
	}
	rc = ui_keys_check_labels(NULL, keys, n, file, err);
	guide_keys_free(keys, n);
	return rc;
}

static int guide_check(int argc, char **argv)
{
	int rc = GV_EXIT_OK;
	if (guide_opts(argc, argv, NULL, NULL, &rc))
		return rc;
	if (optind >= argc)
		return cli_usage_error("guide", "check needs at least one FILE.yaml");
	for (int i = optind; i < argc; i++) {
		char err[GV_ERR], *buf = NULL;
		size_t len = 0;
		struct guide g;
		if (util_read_file(argv[i], GUIDE_MAX_BYTES, &buf, &len, err) ||
		    guide_parse(argv[i], buf, len, &g, err)) {
			cli_error("%s", err);
			rc = GV_EXIT_FAIL;
		} else if (check_keys(&g, argv[i], err)) {
			cli_error("%s", err);
			rc = GV_EXIT_FAIL;
			guide_free(&g);
		} else {
			char *f = text_clean(argv[i]), *t = text_clean(g.task);
			char *v = text_clean(g.version);
			printf("%s: ok (task %s, version %s, %zu label%s, %zu rule%s)\n", f, t, v,
			       g.nlabels, g.nlabels == 1 ? "" : "s", g.nrules,
			       g.nrules == 1 ? "" : "s");
			free(f);
			free(t);
			free(v);
			guide_free(&g);
		}
		free(buf);
	}
	return rc;
}

static int guide_load_cmd(int argc, char **argv)
{
	struct store *st = NULL;
	struct audit_actor actor;
	struct guide g = {0};
	char err[GV_ERR], sha[65], *buf = NULL;
	size_t len = 0;
	int64_t version = 0;
	int rc = GV_EXIT_OK, parsed = 0;

	if (guide_opts(argc, argv, NULL, NULL, &rc))
		return rc;
	if (argc - optind != 2)
		return cli_usage_error("guide", "load needs PROJECT.db FILE.yaml");
	rc = GV_EXIT_FAIL;
	/* Check the file before touching the project. */
	if (util_read_file(argv[optind + 1], GUIDE_MAX_BYTES, &buf, &len, err) ||
	    guide_parse(argv[optind + 1], buf, len, &g, err)) {
		cli_error("%s", err);
		goto out;
	}
	parsed = 1;
	if (check_keys(&g, argv[optind + 1], err)) {
		cli_error("%s", err);
		goto out;
	}
	st = cli_open(argv[optind], 0);
	if (!st)
		goto out;
	audit_actor_init(&actor, NULL);
	if (store_begin(st, err))
		goto fail;
	if (guide_load_buffer(st, &actor, argv[optind + 1], buf, len, &version, sha, err))
		goto fail;
	if (store_commit(st, err))
		goto fail;
	{
		char *t = text_clean(g.task);
		printf("loaded guideline version %lld for task %s (sha256 %s)\n",
		       (long long)version, t, sha);
		free(t);
	}
	rc = GV_EXIT_OK;
	goto out;
fail:
	cli_error("%s", err);
	store_rollback(st);
out:
	store_close(st);
	if (parsed)
		guide_free(&g);
	free(buf);
	return rc;
}

/* Width show wraps its text to: the 80-column terminal the experts use. */
#define SHOW_COLS 80

/*
 * Print text (which may span lines) sanitised, after indent + first, with
 * continuation lines aligned under the text and words wrapped to SHOW_COLS
 * columns (measured in display columns; a word wider than the line is
 * printed whole). The text's own line breaks are kept.
 */
static void print_block(const char *indent, const char *first, const char *s)
{
	char *clean = text_sanitize(s, strlen(s), TEXT_MULTI, NULL);
	size_t len = strlen(clean), margin = text_width(indent) + text_width(first);
	size_t col = margin;
	char *p = clean;
	int line_empty = 1;

	/* Block scalars end in a newline; do not print an empty last line. */
	while (len && clean[len - 1] == '\n')
		clean[--len] = '\0';
	fputs(indent, stdout);
	fputs(first, stdout);
	while (*p) {
		size_t n = strcspn(p, " \n"), w;
		char save = p[n];
		p[n] = '\0';
		w = text_width(p);
		if (!line_empty && col + 1 + w > SHOW_COLS) {
			printf("\n%*s", (int)margin, "");
			col = margin;
			line_empty = 1;
		}
		if (n) {
			printf("%s%s", line_empty ? "" : " ", p);
			col += w + !line_empty;
			line_empty = 0;
		}
		p[n] = save;
		p += n;
		if (*p == '\n') {
			printf("\n%*s", (int)margin, "");
			col = margin;
			line_empty = 1;
		}
		if (*p)
			p++;
	}
	putchar('\n');
	free(clean);
}

static void print_guide(const struct store_task *task, const struct guide_row *row,
			int64_t latest, const struct guide *g)
{
	char *tn = text_clean(task->name), *dv = text_clean(g->version);
	char *path = row->path ? text_clean(row->path) : NULL;
	int missing = 0;

	printf("Guideline for task %s: version %lld of %lld (declared \"%s\")\n", tn,
	       (long long)row->version, (long long)latest, dv);
	printf("sha256 %s, loaded %s%s%s\n", row->sha256, row->loaded_at ? row->loaded_at : "?",
	       path ? " from " : "", path ? path : "");
	if (g->summary) {
		puts("\nSummary");
		print_block("  ", "", g->summary);
	}
	puts("\nLabels");
	for (size_t i = 0; i < g->nlabels; i++) {
		const struct guide_label *l = &g->labels[i];
		int idx = store_task_label_index(task, l->value);
		char *v = text_clean(l->value), *k = l->key ? text_clean(l->key) : NULL;
		if (idx >= 0 && strcmp(task->labels[idx].name, l->value) != 0) {
			char *n = text_clean(task->labels[idx].name);
			printf("  %s (%s)", v, n);
			free(n);
		} else {
			printf("  %s", v);
		}
		if (k)
			printf(", key %s", k);
		putchar('\n');
		free(v);
		free(k);
		print_block("    ", "", l->definition);
		if (l->nexamples)
			puts("    Examples:");
		for (size_t j = 0; j < l->nexamples; j++)
			print_block("      ", "+ ", l->examples[j]);
		if (l->ncounterexamples)
			puts("    Counterexamples:");
		for (size_t j = 0; j < l->ncounterexamples; j++)
			print_block("      ", "- ", l->counterexamples[j]);
	}
	if (g->nrules)
		puts("\nRules");
	for (size_t i = 0; i < g->nrules; i++) {
		const struct guide_rule *r = &g->rules[i];
		char *id = text_clean(r->id);
		struct sbuf first = {0};
		sbuf_addf(&first, "%s  ", id);
		print_block("  ", first.s, r->text);
		if (r->nlabels) {
			struct sbuf b = {0};
			char *labels;
			for (size_t j = 0; j < r->nlabels; j++)
				sbuf_addf(&b, "%s%s", j ? ", " : "", r->labels[j]);
			labels = text_clean(b.s);
			printf("  %*s(labels: %s)\n", (int)strlen(first.s), "", labels);
			free(labels);
			sbuf_free(&b);
		}
		sbuf_free(&first);
		free(id);
	}
	for (size_t i = 0; i < task->nlabels; i++) {
		int defined = 0;
		for (size_t j = 0; j < g->nlabels && !defined; j++)
			defined = strcmp(g->labels[j].value, task->labels[i].value) == 0;
		if (!defined) {
			char *v = text_clean(task->labels[i].value);
			printf("%s%s", missing++ ? ", " : "\nNot defined by this guideline: ", v);
			free(v);
		}
	}
	if (missing)
		putchar('\n');
	free(tn);
	free(dv);
	free(path);
}

static int guide_show(int argc, char **argv)
{
	const char *task_name = NULL;
	long version = 0;
	struct store *st = NULL;
	struct store_task task = {0};
	struct guide_row row = {0};
	struct guide g = {0};
	char err[GV_ERR], name[64];
	int64_t latest = 0;
	int rc = GV_EXIT_OK, found, have_task = 0, have_row = 0, have_guide = 0;

	if (guide_opts(argc, argv, &task_name, &version, &rc))
		return rc;
	if (argc - optind != 1)
		return cli_usage_error("guide", "show needs PROJECT.db");
	if (!task_name)
		return cli_usage_error("guide", "show needs --task NAME");
	rc = GV_EXIT_FAIL;
	st = cli_open(argv[optind], STORE_READONLY);
	if (!st)
		goto out;
	found = store_task_get(st, task_name, &task, err);
	if (found < 0)
		goto fail;
	if (found == 0) {
		cli_task_missing(st, task_name, err);
		cli_error("%s: %s", argv[optind], err);
		goto out;
	}
	have_task = 1;
	if (store_guide_count(st, task.id, &latest, err))
		goto fail;
	found = store_guide_get(st, task.id, version, &row, err);
	if (found < 0)
		goto fail;
	if (found == 1) {
		if (version)
			cli_error("task '%s' has no guideline version %ld (latest: %lld)",
				  task_name, version, (long long)latest);
		else
			cli_error("task '%s' has no guideline (load one with gavel guide load)",
				  task_name);
		goto out;
	}
	have_row = 1;
	snprintf(name, sizeof name, "guideline version %lld", (long long)row.version);
	if (guide_parse(name, row.yaml, row.len, &g, err))
		goto fail;
	have_guide = 1;
	print_guide(&task, &row, latest, &g);
	rc = GV_EXIT_OK;
	goto out;
fail:
	cli_error("%s", err);
out:
	if (have_guide)
		guide_free(&g);
	if (have_row)
		guide_row_free(&row);
	if (have_task)
		store_task_free(&task);
	store_close(st);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} guide_cmds[] = {
	{"check", guide_check},
	{"load", guide_load_cmd},
	{"show", guide_show},
};

int cmd_guide(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("guide", "expected check, load or show");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(guide_usage, stdout);
		return GV_EXIT_OK;
	}
	for (size_t i = 0; i < GV_ARRAY_LEN(guide_cmds); i++) {
		if (strcmp(argv[1], guide_cmds[i].name) == 0)
			return guide_cmds[i].run(argc - 1, argv + 1);
	}
	if (argv[1][0] == '-')
		return cli_usage_error("guide",
				       "unknown option '%s' (options come after check, "
				       "load or show)",
				       argv[1]);
	{
		const char *names[GV_ARRAY_LEN(guide_cmds)], *hint;
		for (size_t i = 0; i < GV_ARRAY_LEN(guide_cmds); i++)
			names[i] = guide_cmds[i].name;
		hint = cli_suggest(argv[1], names, GV_ARRAY_LEN(guide_cmds));
		if (hint)
			return cli_usage_error("guide",
					       "unknown subcommand '%s'; did you mean '%s'?",
					       argv[1], hint);
	}
	return cli_usage_error("guide", "unknown subcommand '%s' (expected check, load or show)",
			       argv[1]);
}
