/*
 * cmd_queue: `gavel queue PROJECT.db [--queue NAME] [--limit N] [--json]`
 * lists the items a review queue holds, in order, each with its reason. On
 * a terminal the table fits its width, cutting the widest columns first;
 * piped, every value is written whole, so nothing is lost to a file or a
 * grep.
 */
#include "config.h"

#include "cli.h"
#include "store_expert.h"
#include "cmd.h"
#include "store_queue.h"
#include "store_drill.h"
#include "text.h"
#include "util.h"

#include "project.h"

#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const char queue_usage[] =
	"Usage: gavel queue PROJECT.db [--queue NAME] [--limit N] [--all] [--json] [--reveal]\n"
	"       gavel queue PROJECT.db [--task NAME] --pair A,B | --confused L1,L2 |\n"
	"                   --agreement LO-HI | --rule R | --annotator A --overruled |\n"
	"                   --majority L1,L2 | --batch SEQ [--limit N] [--all] [--json]\n"
	"\n"
	"List the items a review queue holds, in queue order, with the reason each is\n"
	"there. Queues come from the project YAML; without any, the defaults are\n"
	"disputed (votes not unanimous, most disputed first), needs-votes (fewer than\n"
	"3 votes), uncertain (top 5% by model entropy), audit (a seeded sample of up to\n"
	"500 items the model is >= 0.95 sure of, shown blind), model-disagrees\n"
	"(model >= 0.9 sure of a label other than the plurality) and label-issues\n"
	"(confident learning: the items whose current label the latest imported\n"
	"model's out-of-sample probabilities say is likely wrong, least likely label\n"
	"first, each with the label it likely has).\n"
	"With --json each item also has suggested_label and margin (the model's\n"
	"probability of the suggested label minus that of the current label;\n"
	"null outside label-issues).\n"
	"\n"
	"The second form lists the items behind one of the lead's figures, titled with\n"
	"what they are and how many (\"alice vs bob: 37 disagreements\"), lowest\n"
	"agreement first: --pair, the items both annotators voted on with different\n"
	"labels; --confused, the items with votes for both labels; --agreement, the\n"
	"items whose agreement is in [LO, HI) (up to 1 included when HI is 1);\n"
	"--rule, the decided items citing guideline rule R whose expert overturned a\n"
	"strict majority; --annotator A --overruled, the items where an expert\n"
	"decided against A's vote; --majority, the decided items whose votes' strict\n"
	"majority was L1 and whose expert decided L2; --batch, the items with votes\n"
	"that import SEQ (its audit event, as gavel audit log shows it; 0: items no\n"
	"recorded import added) brought in. --rule, --overruled and --majority list\n"
	"decided items by definition.\n"
	"An unknown task, annotator, label or rule is an error naming it.\n"
	"\n"
	"On a terminal the table fits the window, cutting the widest columns with\n"
	"an ellipsis; piped or redirected, every value is written in full.\n"
	"\n"
	"Options:\n"
	"  -q, --queue NAME   the queue (default: the project's first queue)\n"
	"  -n, --limit N      at most N items\n"
	"  -a, --all          include items that already have an expert decision\n"
	"  -j, --json         JSON output, naming the queue listed\n"
	"  -r, --reveal       (a lead) show a blind queue's votes, agreement, model and\n"
	"                     reasons; without it they are hidden, as in the review screen\n"
	"  -t, --task NAME    the task of a drill-down (needed when the project has several)\n"
	"      --pair A,B     annotators A and B's disagreements\n"
	"      --confused L1,L2\n"
	"                     the items with votes for labels L1 and L2\n"
	"      --agreement LO-HI\n"
	"                     the items with agreement in [LO, HI), e.g. 0.2-0.3\n"
	"      --rule R       the strict majorities overturned by decisions citing R\n"
	"      --annotator A  with --overruled: the items where experts decided\n"
	"      --overruled    against annotator A's vote\n"
	"      --majority L1,L2\n"
	"                     the decided items whose majority said L1, the expert L2\n"
	"      --batch SEQ    the items import event SEQ added\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: 0 success, 1 bad project or unknown name, 2 usage error.\n";

enum { COL_ITEM, COL_TASK, COL_VOTES, COL_AGREE, COL_MODEL, COL_REASON, NCOLS };

static const struct {
	const char *title;
	size_t min; /* never cut below this many columns to fit a terminal */
	int right;  /* right-aligned */
} cols[NCOLS] = {
	[COL_ITEM] = {"ITEM", 8, 0},   [COL_TASK] = {"TASK", 6, 0},
	[COL_VOTES] = {"VOTES", 9, 0}, [COL_AGREE] = {"AGREE", 5, 1},
	[COL_MODEL] = {"MODEL", 6, 0}, [COL_REASON] = {"REASON", 9, 0},
};

/* The terminal's width when standard output is one, else 0 (no limit). */
static size_t term_cols(void)
{
	struct winsize ws;
	const char *env;
	long n;
	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	env = getenv("COLUMNS");
	if (env && util_parse_long(env, 1, 100000, &n) == 0)
		return (size_t)n;
	return 80;
}

/*
 * Narrow the columns until a line (cells and the one-space gaps) fits in
 * limit: always the widest column above its minimum, so a long reason or
 * vote list gives way before a short item id.
 */
static void fit_widths(size_t w[NCOLS], size_t limit)
{
	size_t total = NCOLS - 1;
	for (int c = 0; c < NCOLS; c++)
		total += w[c];
	while (total > limit) {
		int widest = -1;
		for (int c = 0; c < NCOLS; c++)
			if (w[c] > cols[c].min && (widest < 0 || w[c] > w[widest]))
				widest = c;
		if (widest < 0)
			break;
		w[widest]--;
		total--;
	}
}

/* One cell: the sanitised value cut to width (when it is wider), padded
 * unless it ends the line. */
static void put_cell(struct sbuf *b, const char *clean, size_t have, size_t width, int right,
		     int last)
{
	char *cut = NULL;
	if (have > width) {
		cut = text_fit(clean, width, &have);
		clean = cut;
	}
	if (right)
		for (size_t i = have; i < width; i++)
			sbuf_addc(b, ' ');
	sbuf_add(b, clean);
	if (!right && !last)
		for (size_t i = have; i < width; i++)
			sbuf_addc(b, ' ');
	free(cut);
}

/* The 4 hex digits at p as a number, or -1. */
static long hex4(const char *p)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int c = (unsigned char)p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/*
 * The JSON escape at p (just after the backslash) decoded into b; returns
 * how many bytes of p it used. A lone surrogate becomes U+FFFD.
 */
static size_t add_escape(struct sbuf *b, const char *p)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k = *p ? strchr(from, *p) : NULL;
	long cp, lo;
	if (k) {
		sbuf_addc(b, to[k - from]);
		return 1;
	}
	if (*p != 'u' || (cp = hex4(p + 1)) < 0) {
		sbuf_addc(b, '\\');
		return 0;
	}
	if (cp >= 0xd800 && cp <= 0xdbff && p[5] == '\\' && p[6] == 'u' &&
	    (lo = hex4(p + 7)) >= 0xdc00 && lo <= 0xdfff) {
		sbuf_add_utf8(b, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
		return 11;
	}
	sbuf_add_utf8(b, cp); /* a lone surrogate becomes U+FFFD */
	return 5;
}

/*
 * {"neg":2,"pos":1} -> "neg:2 pos:1" for the text listing, label names
 * decoded from their JSON escapes (the caller sanitises the result).
 */
static char *counts_short(const char *json)
{
	struct sbuf b = {0};
	int in_str = 0;
	for (const char *p = json ? json : ""; *p; p++) {
		if (in_str && *p == '\\') {
			p += add_escape(&b, p + 1);
			continue;
		}
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
		sbuf_addc(&b, *p);
	}
	if (!b.s)
		sbuf_add(&b, "");
	return sbuf_take(&b);
}

/*
 * A blind queue's rows, as a non-lead sees them: the item and task only. The
 * votes, agreement, plurality, model and the reason (which quotes the model)
 * would be exactly what the blind call is meant to be made without.
 */
static void print_json(const char *name, const struct queue_entry *v, size_t n, int blind,
		       int hidden, const char *title, size_t total)
{
	struct sbuf b = {0};
	sbuf_add(&b, "{\"queue\":");
	if (name)
		sbuf_add_json_str(&b, name);
	else
		sbuf_add(&b, "null");
	if (title) {
		/* a drill-down: what it is and how many items it holds in all */
		sbuf_add(&b, ",\"title\":");
		sbuf_add_json_str(&b, title);
		sbuf_addf(&b, ",\"total\":%zu", total);
	}
	sbuf_addf(&b, ",\"blind\":%s,\"hidden\":%s,\"count\":%zu,\"items\":[",
		  blind ? "true" : "false", hidden ? "true" : "false", n);
	for (size_t i = 0; i < n; i++) {
		const struct queue_entry *e = &v[i];
		sbuf_add(&b, i ? ",\n{\"item\":" : "\n{\"item\":");
		sbuf_add_json_str(&b, e->external_id);
		sbuf_add(&b, ",\"task\":");
		sbuf_add_json_str(&b, e->task);
		if (hidden) {
			sbuf_addf(&b, ",\"decided\":%s}", e->decided ? "true" : "false");
			continue;
		}
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
		sbuf_add(&b, ",\"suggested_label\":");
		if (e->suggested)
			sbuf_add_json_str(&b, e->suggested);
		else
			sbuf_add(&b, "null");
		sbuf_add(&b, ",\"margin\":");
		sbuf_add_json_num(&b, e->margin);
		sbuf_addc(&b, '}');
	}
	sbuf_add(&b, "]}\n");
	fputs(b.s, stdout);
	sbuf_free(&b);
}

static void print_text(const struct queue_entry *v, size_t n, int blind, int hidden)
{
	char *(*cell)[NCOLS] = xmalloc((n + 1) * sizeof *cell);
	size_t(*width)[NCOLS] = xmalloc((n + 1) * sizeof *width);
	size_t w[NCOLS] = {0}, limit = term_cols();
	struct sbuf line = {0};

	for (int c = 0; c < NCOLS; c++)
		cell[0][c] = xstrdup(cols[c].title);
	for (size_t i = 0; i < n; i++) {
		const struct queue_entry *e = &v[i];
		char *counts = counts_short(e->counts), num[64];
		struct sbuf model = {0};
		char **r = cell[i + 1];
		r[COL_ITEM] = text_clean(e->external_id);
		r[COL_TASK] = text_clean(e->task);
		r[COL_VOTES] = text_clean(hidden ? "(blind)" : counts);
		if (isnan(e->agreement) || hidden)
			snprintf(num, sizeof num, "-");
		else
			snprintf(num, sizeof num, "%.2f", e->agreement);
		r[COL_AGREE] = xstrdup(num);
		if (e->model_label && !blind)
			sbuf_addf(&model, "%s %.2f", e->model_label, e->model_conf);
		else
			sbuf_add(&model, blind ? "(blind)" : "-");
		r[COL_MODEL] = text_clean(model.s);
		r[COL_REASON] = text_clean(hidden ? "(hidden)" : e->reason);
		sbuf_free(&model);
		free(counts);
	}
	for (size_t i = 0; i <= n; i++) {
		for (int c = 0; c < NCOLS; c++) {
			width[i][c] = text_width(cell[i][c]);
			if (width[i][c] > w[c])
				w[c] = width[i][c];
		}
	}
	if (limit)
		fit_widths(w, limit);
	for (size_t i = 0; i <= n; i++) {
		sbuf_reset(&line);
		for (int c = 0; c < NCOLS; c++) {
			if (c)
				sbuf_addc(&line, ' ');
			put_cell(&line, cell[i][c], width[i][c], w[c], cols[c].right,
				 c == NCOLS - 1);
			free(cell[i][c]);
		}
		sbuf_addc(&line, '\n');
		fputs(line.s, stdout);
	}
	sbuf_free(&line);
	free(cell);
	free(width);
}

/* The queue listed when none is named: the project's first. */
static int default_queue(struct store *st, char **name, char *err)
{
	struct queue_def *defs;
	size_t n;
	if (project_queues(st, &defs, &n, err))
		return -1;
	if (!n) {
		project_queues_free(defs, n);
		return err_set(err, "the project has no queues");
	}
	*name = xstrdup(defs[0].name);
	project_queues_free(defs, n);
	return 0;
}

/* "A,B" into two heap strings; the comma is the first one. */
static int split_two(const char *arg, char **a, char **b)
{
	const char *c = strchr(arg, ',');
	if (!c || c == arg || !c[1])
		return -1;
	*a = xstrndup(arg, (size_t)(c - arg));
	*b = xstrdup(c + 1);
	return 0;
}

/* "LO-HI" into a band; the dash is the one after LO's first character. */
static int parse_band(const char *arg, double *lo, double *hi)
{
	const char *dash = *arg ? strchr(arg + 1, '-') : NULL;
	char *first;
	int rc;
	if (!dash)
		return -1;
	first = xstrndup(arg, (size_t)(dash - arg));
	rc = util_parse_double(first, lo) || util_parse_double(dash + 1, hi);
	free(first);
	return rc || !(*lo >= 0 && *lo < *hi && *hi <= 1) ? -1 : 0;
}

/* A drill-down: build it and print it like a queue, under its title. */
static int drill(struct store *st, const struct store_drill *d, size_t limit, int all, int json)
{
	struct queue_entry *v;
	size_t n, total;
	char *title, err[GV_ERR];

	if (store_drill_build(st, d, limit, all, &v, &n, &total, &title, err)) {
		cli_error("%s", err);
		store_close(st);
		return GV_EXIT_FAIL;
	}
	store_close(st);
	if (json) {
		print_json(NULL, v, n, 0, 0, title, total);
	} else {
		char *t = text_clean(title);
		if (n < total)
			printf("%s (the first %zu)\n", t, n);
		else
			printf("%s\n", t);
		free(t);
		print_text(v, n, 0, 0);
	}
	free(title);
	store_queue_free(v, n);
	return fflush(stdout) == 0 ? GV_EXIT_OK : GV_EXIT_FAIL;
}

int cmd_queue(int argc, char **argv)
{
	enum {
		OPT_PAIR = 256,
		OPT_CONFUSED,
		OPT_AGREEMENT,
		OPT_RULE,
		OPT_ANNOTATOR,
		OPT_OVERRULED,
		OPT_MAJORITY,
		OPT_BATCH
	};
	static const struct option opts[] = {
		{"queue", required_argument, NULL, 'q'},
		{"limit", required_argument, NULL, 'n'},
		{"all", no_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'},
		{"reveal", no_argument, NULL, 'r'},
		{"task", required_argument, NULL, 't'},
		{"pair", required_argument, NULL, OPT_PAIR},
		{"confused", required_argument, NULL, OPT_CONFUSED},
		{"agreement", required_argument, NULL, OPT_AGREEMENT},
		{"rule", required_argument, NULL, OPT_RULE},
		{"annotator", required_argument, NULL, OPT_ANNOTATOR},
		{"overruled", no_argument, NULL, OPT_OVERRULED},
		{"majority", required_argument, NULL, OPT_MAJORITY},
		{"batch", required_argument, NULL, OPT_BATCH},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *name = NULL;
	char *dflt = NULL, *x = NULL, *y = NULL;
	long limit = 0;
	int json = 0, all = 0, c, blind = 0, reveal = 0, hidden = 0, drills = 0, overruled = 0;
	int rc;
	struct store *st;
	struct queue_entry *v;
	struct store_drill d;
	size_t n;
	char err[GV_ERR];

	memset(&d, 0, sizeof d);
	optind = 1;
	while ((c = getopt_long(argc, argv, "q:n:ajrt:h", opts, NULL)) != -1) {
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
		case 'r':
			reveal = 1;
			break;
		case 't':
			d.task = optarg;
			break;
		case OPT_PAIR:
		case OPT_CONFUSED:
		case OPT_MAJORITY:
			free(x);
			free(y);
			x = y = NULL;
			if (split_two(optarg, &x, &y))
				return cli_usage_error("queue", "--%s needs two names as A,B, not '%s'",
						       c == OPT_PAIR	    ? "pair"
						       : c == OPT_CONFUSED ? "confused"
									   : "majority",
						       optarg);
			d.kind = c == OPT_PAIR	     ? DRILL_PAIR
				 : c == OPT_CONFUSED ? DRILL_CONFUSED
						     : DRILL_MAJORITY;
			d.a = x;
			d.b = y;
			drills++;
			break;
		case OPT_AGREEMENT:
			if (parse_band(optarg, &d.lo, &d.hi))
				return cli_usage_error(
					"queue", "--agreement needs LO-HI with 0 <= LO < HI <= 1, not '%s'",
					optarg);
			d.kind = DRILL_AGREEMENT;
			drills++;
			break;
		case OPT_RULE:
			d.kind = DRILL_RULE;
			d.rule = optarg;
			drills++;
			break;
		case OPT_ANNOTATOR:
			d.kind = DRILL_OVERRULED;
			free(x);
			x = xstrdup(optarg);
			d.a = x;
			drills++;
			break;
		case OPT_OVERRULED:
			overruled = 1;
			break;
		case OPT_BATCH: {
			long seq;
			if (util_parse_long(optarg, 0, LONG_MAX, &seq))
				return cli_usage_error("queue",
						       "--batch needs an import's event number, not '%s'",
						       optarg);
			d.kind = DRILL_BATCH;
			d.batch = seq;
			drills++;
			break;
		}
		case 'h':
			fputs(queue_usage, stdout);
			return GV_EXIT_OK;
		default:
			return cli_usage_error("queue", "bad option");
		}
	}
	rc = GV_EXIT_USAGE;
	if (argc - optind != 1)
		cli_usage_error("queue", "expected one PROJECT.db argument");
	else if (drills > 1)
		cli_usage_error("queue", "one of --pair, --confused, --agreement, --rule,"
					 " --annotator, --majority and --batch at a time");
	else if (overruled != (drills && d.kind == DRILL_OVERRULED))
		cli_usage_error("queue", "--annotator and --overruled go together");
	else if (drills && (name || reveal))
		cli_usage_error("queue", "%s does not go with a drill-down", name ? "--queue" : "--reveal");
	else if (!drills && d.task)
		cli_usage_error("queue", "--task goes with a drill-down (--pair, --confused, ...)");
	else
		rc = GV_EXIT_OK;
	if (rc != GV_EXIT_OK)
		goto out;
	if (!(st = cli_open(argv[optind], STORE_READONLY))) {
		rc = GV_EXIT_FAIL;
		goto out;
	}
	if (drills) {
		rc = drill(st, &d, (size_t)limit, all, json);
		goto out;
	}
	rc = GV_EXIT_FAIL;
	if ((!name && default_queue(st, &dflt, err)) ||
	    store_queue_build(st, name ? name : dflt, (size_t)limit, all, &v, &n, &blind, err)) {
		cli_error("%s", err);
		store_close(st);
		goto out;
	}
	if (blind && !reveal) {
		hidden = 1;
	} else if (blind) {
		char lead[128];
		int r = store_expert_lead_for_uid(st, (long)getuid(), lead, sizeof lead, err);
		if (r <= 0) {
			if (r < 0)
				cli_error("%s", err);
			else
				cli_error("--reveal shows a blind queue's votes and model: only a "
					  "lead may (your OS user maps to no lead)");
			store_queue_free(v, n);
			store_close(st);
			goto out;
		}
	}
	store_close(st);
	if (!name)
		name = dflt;
	if (hidden)
		fprintf(stderr, "gavel: queue %s is blind: votes, agreement, model and reasons "
				"are hidden (a lead may add --reveal)\n",
			name);
	if (json)
		print_json(name, v, n, blind, hidden, NULL, 0);
	else
		print_text(v, n, blind, hidden);
	store_queue_free(v, n);
	rc = GV_EXIT_OK;
out:
	free(dflt);
	free(x);
	free(y);
	return rc;
}
