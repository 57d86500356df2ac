/*
 * report_md: the lead's report and the feedback sheet as Markdown (see
 * report.h): one heading per task and section, GitHub-style pipe tables,
 * trends as block-character sparklines. Every string from data is
 * sanitised and then escaped, for Markdown (so that a name cannot open a
 * link, emphasis or a new cell) and for the HTML that Markdown renderers
 * pass through (so that it cannot open a tag). The tables and paragraphs
 * the HTML report has too are written once, in report_part.c, through the
 * markup table `md`.
 */
#include "config.h"

#include "report.h"
#include "report_part.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A string from data, on one line, safe in a table cell. */
static void md_text(struct sbuf *b, const char *s)
{
	char *line = xstrdup(s ? s : ""), *c;
	/* line breaks in an item's text become spaces, not visible tokens */
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	c = text_clean(line);
	free(line);
	for (const char *p = c; *p; p++) {
		if (report_part_entity(b, *p))
			continue;
		if (strchr("\\|*_`[]#~", *p))
			sbuf_addc(b, '\\');
		sbuf_addc(b, *p);
	}
	free(c);
}

/* A series in [0, 1] as block characters, "·" where it has no value. */
static void md_spark(struct sbuf *b, const double *v, size_t n)
{
	static const char *const blocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
	for (size_t i = 0; i < n && v; i++) {
		if (!isfinite(v[i])) {
			sbuf_add(b, "·");
			continue;
		}
		{
			int k = (int)(v[i] * 8);
			sbuf_add(b, blocks[k < 0 ? 0 : k > 7 ? 7 : k]);
		}
	}
}

/* A table's head: the names, then each column's alignment. */
static void md_head(struct sbuf *b, const char *const *cols, const char *align)
{
	sbuf_add(b, "\n|");
	for (size_t i = 0; cols[i]; i++)
		sbuf_addf(b, " %s |", cols[i]);
	sbuf_add(b, "\n|");
	for (size_t i = 0; cols[i]; i++)
		sbuf_add(b, align[i] == 'n' ? "---:|" : "---|");
	sbuf_addc(b, '\n');
}

static void md_para_open(struct sbuf *b, const char *cls)
{
	(void)cls;
	sbuf_addc(b, '\n');
}

/* Markdown's markup for the shared parts: a paragraph is set off by blank
 * lines, and an item's line breaks are folded (md_text). */
static const struct report_markup md = {
	.text = md_text,
	.long_text = md_text,
	.head = md_head,
	.para_open = md_para_open,
	.trend = md_spark,
	.row = {"| ", "| ", "| "},
	.cell = {" | ", " | ", " | "},
	.row_end = " |\n",
	.table_end = "",
	.para_end = "\n",
	.strong = {"**", "**"},
	.pick = {"", ""},
	.aside = {"", ""},
};

static void md_header(struct sbuf *b, const char *title, const char *project, const char *at,
		      const char *head)
{
	sbuf_addf(b, "# %s: ", title);
	md_text(b, project);
	sbuf_addf(b,
		  "\n\nMade %s by gavel %s. Audit head `%s`: `gavel audit verify PROJECT.db "
		  "--head %s` proves the trail still holds what this reports on.\n",
		  at, PACKAGE_VERSION, head, head);
}

static void md_task_summary(struct sbuf *b, const struct lead_task *t)
{
	const struct stats_result *r = &t->res;
	sbuf_add(b, "\n| items | votes | annotators | percent agreement | Fleiss' kappa | ");
	sbuf_addf(b,
		  "alpha (%s) | alpha 95%% CI | disputed | decided | open | majority overturned | "
		  "DS vs plurality |\n",
		  lead_metric_name(t->metric));
	sbuf_add(b, "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n");
	sbuf_addf(b, "| %zu | %zu | %d | ", t->items, r->votes, t->nannotators);
	report_part_num(b, r->percent_agreement, 3);
	sbuf_add(b, " | ");
	report_part_num(b, r->fleiss_kappa, 3);
	sbuf_add(b, " | ");
	report_part_num(b, t->alpha, 3);
	sbuf_add(b, " | ");
	if (t->bootstrap > 0 && isfinite(t->alpha_lo))
		sbuf_addf(b, "%.3f–%.3f", t->alpha_lo, t->alpha_hi);
	else
		sbuf_add(b, "–");
	sbuf_addf(b, " | %zu | %zu | %zu | ", r->disputed, t->decided, t->open);
	report_part_overturned(b, t);
	sbuf_add(b, " | ");
	report_part_ds_differs(b, t);
	sbuf_add(b, " |\n");
	if (t->bootstrap > 0)
		sbuf_addf(
			b,
			"\nThe alpha interval is a percentile bootstrap over items (%d resamples, "
			"seed %llu).\n",
			t->bootstrap, (unsigned long long)t->seed);
}

static void md_labels(struct sbuf *b, const struct lead_task *t)
{
	sbuf_add(b, "\n### Labels\n");
	report_part_labels(&md, b, t);
}

static void md_annotators(struct sbuf *b, const struct lead_task *t)
{
	static const char *const cols[] = {"annotator", "votes",  "agreement",	 "vs experts",
					   "n",		"95% CI", "DS accuracy", "over-uses",
					   "trend",	NULL};
	sbuf_addf(b,
		  "\n### Annotators\n\nTrend: agreement with the others per %s, oldest first "
		  "(▁ 0 … █ 1, · no votes).\n",
		  t->by_week ? "week" : "import");
	report_part_annotators(&md, b, t, cols, "tnnnntntt");
}

/*
 * A square table of n rows and columns named by name(ctx, i), row names in
 * bold; cell(b, ctx, x, y) writes each cell with the bar that closes it.
 * corner says what the cells are.
 */
static void md_square(struct sbuf *b, const char *corner, size_t n,
		      const char *(*name)(const void *ctx, size_t i),
		      void (*cell)(struct sbuf *b, const void *ctx, size_t x, size_t y),
		      const void *ctx)
{
	sbuf_addf(b, "\n| %s |", corner);
	for (size_t y = 0; y < n; y++) {
		sbuf_addc(b, ' ');
		md_text(b, name(ctx, y));
		sbuf_add(b, " |");
	}
	sbuf_add(b, "\n|---|");
	for (size_t y = 0; y < n; y++)
		sbuf_add(b, "---:|");
	for (size_t x = 0; x < n; x++) {
		sbuf_add(b, "\n| **");
		md_text(b, name(ctx, x));
		sbuf_add(b, "** |");
		for (size_t y = 0; y < n; y++)
			cell(b, ctx, x, y);
	}
}

static const char *pair_name(const void *ctx, size_t i)
{
	const struct lead_task *t = ctx;
	return t->annotators[t->pairs.ann[i]].name;
}

static void pair_cell(struct sbuf *b, const void *ctx, size_t x, size_t y)
{
	const struct lead_task *t = ctx;
	double k = t->pairs.kappa[x * (size_t)t->pairs.n + y];
	if (x == y)
		sbuf_add(b, " |");
	else if (isfinite(k))
		sbuf_addf(b, " %.2f |", k);
	else
		sbuf_add(b, " – |");
}

static void md_pairs(struct sbuf *b, const struct lead_task *t)
{
	const struct lead_pairs *p = &t->pairs;
	size_t n = (size_t)p->n;
	sbuf_addf(b,
		  "\n### Pairs\n\nCohen's kappa between the %zu most active annotators (from %u "
		  "shared items), ordered so that similar annotators sit together; the shared "
		  "items are in the JSON of `gavel stats --json`.\n",
		  n, p->min_shared);
	if (n < 2) {
		sbuf_add(b, "\n|  |\nFewer than two annotators: no pair to compare.\n");
		return;
	}
	md_square(b, "", n, pair_name, pair_cell, t);
	sbuf_addf(b, "\n\nClusters (neighbours with kappa >= %.1f): ", LEAD_CLUSTER_KAPPA);
	report_part_clusters(&md, b, t);
	sbuf_add(b, ".\n");
}

/* A count per pair of labels: from u, else from l. */
struct md_counts {
	const struct lead_task *t;
	const uint64_t *u;
	const long *l;
};

static const char *counts_name(const void *ctx, size_t i)
{
	const struct md_counts *c = ctx;
	return c->t->task.labels[i].value;
}

static void counts_cell(struct sbuf *b, const void *ctx, size_t x, size_t y)
{
	const struct md_counts *c = ctx;
	size_t K = c->t->task.nlabels;
	if (c->u)
		sbuf_addf(b, " %llu |", (unsigned long long)c->u[x * K + y]);
	else
		sbuf_addf(b, " %ld |", c->l[x * K + y]);
}

static void md_matrix(struct sbuf *b, const struct lead_task *t, const char *corner,
		      const uint64_t *u, const long *l)
{
	struct md_counts c = {t, u, l};
	md_square(b, corner, t->task.nlabels, counts_name, counts_cell, &c);
	sbuf_addc(b, '\n');
}

static void md_confusion(struct sbuf *b, const struct lead_task *t)
{
	sbuf_add(b, "\n### Confusion\n\nItems holding votes for both labels (on the diagonal: "
		    "items with two or more votes, all for that label):\n");
	md_matrix(b, t, "", t->cooccur, NULL);
	if (t->mve_decided) {
		sbuf_add(b,
			 "\nDecided items whose votes had a strict majority, by what the majority "
			 "said (rows) and what the expert decided (columns):\n");
		md_matrix(b, t, "majority \\\\ expert", NULL, t->majority_expert);
	} else {
		sbuf_add(b, "\nNo expert has decided an item that had a strict majority yet.\n");
	}
}

static void md_distribution(struct sbuf *b, const struct lead_task *t)
{
	const char *const cols[] = {t->by_week ? "week" : "import",
				    t->by_week ? "from" : "at",
				    "items",
				    "compared",
				    "agreement",
				    NULL};
	size_t most = 1;
	for (int i = 0; i < LEAD_BINS; i++)
		if (t->bins[i] > most)
			most = t->bins[i];
	sbuf_add(b, "\n### Distribution\n\nItems with two or more votes by item agreement:\n\n"
		    "| agreement | items | |\n|---|---:|---|\n");
	for (int i = 0; i < LEAD_BINS; i++) {
		size_t w = (t->bins[i] * 30 + most - 1) / most;
		sbuf_addf(b, "| %.1f–%.1f%s | %zu | ", (double)i / LEAD_BINS,
			  (double)(i + 1) / LEAD_BINS, i == LEAD_BINS - 1 ? " (1 included)" : "",
			  t->bins[i]);
		for (size_t k = 0; k < w; k++)
			sbuf_add(b, "█");
		sbuf_add(b, " |\n");
	}
	sbuf_addf(b, "\nMean item agreement per %s:\n",
		  t->by_week ? "ISO week (items by their latest vote)"
			     : "import (the items each import first brought in)");
	report_part_buckets(&md, b, t, cols);
}

static void md_rules(struct sbuf *b, const struct lead_task *t)
{
	sbuf_add(b, "\n### Rules\n\n");
	if (!t->nrules) {
		sbuf_add(b, "No expert decision and no flag yet.\n");
		return;
	}
	sbuf_add(b, "Guideline rules cited by the current decisions: how many, how many had a "
		    "strict majority, how often the expert overturned it, and the \"unclear "
		    "guideline\" flags.\n");
	report_part_rules(&md, b, t);
}

static void md_task(struct sbuf *b, const struct lead_task *t)
{
	sbuf_add(b, "\n## Task ");
	md_text(b, t->task.name);
	sbuf_addf(b, " (%s, %zu label%s)\n", store_scale_name(t->task.scale), t->task.nlabels,
		  t->task.nlabels == 1 ? "" : "s");
	if (!t->res.votes) {
		sbuf_addf(b, "\n%zu item%s, no votes yet: there is nothing to measure.\n", t->items,
			  t->items == 1 ? "" : "s");
		return;
	}
	if (t->res.flagged)
		sbuf_addf(b,
			  "\n**GUIDELINES NEED WORK**: percent agreement %.3f is below the "
			  "threshold %.3f.\n",
			  t->res.percent_agreement, t->res.threshold);
	else if (!t->res.items_multi)
		sbuf_add(b, "\nNo item has two votes: agreement cannot be measured yet.\n");
	md_task_summary(b, t);
	report_part_labelerr(&md, b, t);
	md_labels(b, t);
	md_annotators(b, t);
	md_pairs(b, t);
	md_confusion(b, t);
	md_distribution(b, t);
	md_rules(b, t);
}

void report_md(struct sbuf *b, const struct lead_report *r)
{
	md_header(b, "gavel report", r->project, r->at, r->head);
	if (!r->ntasks)
		sbuf_add(b, "\nThis project has no tasks yet: import votes first.\n");
	for (size_t i = 0; i < r->ntasks; i++)
		md_task(b, &r->tasks[i]);
}

void report_md_feedback(struct sbuf *b, const struct lead_feedback *f)
{
	static const char *const record_cols[] = {"votes",	"agreement with the others",
						  "vs experts", "decided",
						  "95% CI",	"DS accuracy",
						  "over-uses",	NULL};
	sbuf_add(b, "# Feedback for ");
	md_text(b, f->annotator);
	sbuf_add(b, " (");
	md_text(b, f->project);
	sbuf_addf(b, ")\n\nMade %s by gavel %s. Audit head `%s`.\n", f->at, PACKAGE_VERSION,
		  f->head);
	if (!f->ntasks)
		sbuf_add(b, "\nNo votes by this annotator yet.\n");
	for (size_t i = 0; i < f->ntasks; i++) {
		const struct lead_feedback_task *ft = &f->tasks[i];
		const struct lead_task *t = &ft->view;
		const struct lead_annotator *x;
		sbuf_add(b, "\n## Task ");
		md_text(b, t->task.name);
		sbuf_addc(b, '\n');
		if (ft->annotator < 0) {
			sbuf_add(b, "\nNo votes in this task.\n");
			continue;
		}
		x = &t->annotators[ft->annotator];
		md_head(b, record_cols, "nnnntnt");
		sbuf_add(b, md.row[REPORT_CELL_NUM]);
		report_part_record(&md, b, t, x);
		sbuf_add(b, md.row_end);
		if (!x->r.decided) {
			sbuf_add(b, "\nNo expert has decided an item you voted on yet.\n");
			continue;
		}
		sbuf_add(b, "\nYour votes (rows) against the experts' decisions (columns):\n");
		md_matrix(b, t, "you \\\\ expert", NULL, ft->confusion);
		sbuf_addf(b, "\n### Decided against your vote (%zu)\n", ft->noverruled);
		if (!ft->noverruled) {
			sbuf_add(b, "\nNone: every expert decision matched your vote.\n");
			continue;
		}
		report_part_overruled(&md, b, ft);
	}
}
