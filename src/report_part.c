/*
 * report_part: the parts both report formats share (see report_part.h).
 * Each walks the lead's view once and leaves escaping and markup to the
 * format's struct report_markup, so a new row or column is written here,
 * once, and both reports carry it.
 */
#include "config.h"

#include "report_part.h"

#include <math.h>
#include <stdio.h>

int report_part_entity(struct sbuf *b, char c)
{
	switch (c) {
	case '<':
		sbuf_add(b, "&lt;");
		return 1;
	case '>':
		sbuf_add(b, "&gt;");
		return 1;
	case '&':
		sbuf_add(b, "&amp;");
		return 1;
	default:
		return 0;
	}
}

void report_part_num(struct sbuf *b, double v, int decimals)
{
	if (isfinite(v))
		sbuf_addf(b, "%.*f", decimals, v);
	else
		sbuf_add(b, "–");
}

/* k of n with three decimals, or a dash when n is 0. */
static void rate(struct sbuf *b, long k, long n)
{
	report_part_num(b, n ? (double)k / (double)n : NAN, 3);
}

/* Label k of the task through m->text, or a dash when k is none. */
static void label(const struct report_markup *m, struct sbuf *b, const struct lead_task *t, int k)
{
	if (k >= 0 && (size_t)k < t->task.nlabels)
		m->text(b, t->task.labels[k].value);
	else
		sbuf_add(b, "–");
}

/* The date of a time ("2024-06-01T10:00:00Z" -> "2024-06-01") through
 * m->text; an empty string when at is NULL. */
static void day(const struct report_markup *m, struct sbuf *b, const char *at)
{
	char d[11];
	snprintf(d, sizeof d, "%s", at ? at : "");
	m->text(b, d);
}

static void row(const struct report_markup *m, struct sbuf *b, enum report_cell first)
{
	sbuf_add(b, m->row[first]);
}

static void cell(const struct report_markup *m, struct sbuf *b, enum report_cell next)
{
	sbuf_add(b, m->cell[next]);
}

/* The last three columns of a table of overturns: with a strict majority,
 * overturned, their rate, then the flags. */
static void overturns(const struct report_markup *m, struct sbuf *b, long majority, long overturned,
		      long flags)
{
	cell(m, b, REPORT_CELL_NUM);
	sbuf_addf(b, "%ld", majority);
	cell(m, b, REPORT_CELL_NUM);
	sbuf_addf(b, "%ld", overturned);
	cell(m, b, REPORT_CELL_NUM);
	rate(b, overturned, majority);
	cell(m, b, REPORT_CELL_NUM);
	sbuf_addf(b, "%ld", flags);
}

void report_part_overturned(struct sbuf *b, const struct lead_task *t)
{
	if (t->mve_decided)
		sbuf_addf(b, "%ld of %ld (%.1f%%)", t->mve_overturned, t->mve_decided,
			  100.0 * (double)t->mve_overturned / (double)t->mve_decided);
	else
		sbuf_add(b, "–");
}

void report_part_ds_differs(struct sbuf *b, const struct lead_task *t)
{
	if (t->have_ds)
		sbuf_addf(b, "%zu", t->ds_differs);
	else
		sbuf_add(b, "–");
}

void report_part_record(const struct report_markup *m, struct sbuf *b, const struct lead_task *t,
			const struct lead_annotator *x)
{
	sbuf_addf(b, "%u", x->r.votes);
	cell(m, b, REPORT_CELL_NUM);
	report_part_num(b, x->r.agreement, 3);
	cell(m, b, REPORT_CELL_NUM);
	rate(b, (long)x->r.correct, (long)x->r.decided);
	cell(m, b, REPORT_CELL_NUM);
	sbuf_addf(b, "%u", x->r.decided);
	cell(m, b, REPORT_CELL_NUM);
	if (x->r.decided)
		sbuf_addf(b, "%.3f–%.3f", x->r.acc_lo, x->r.acc_hi);
	else
		sbuf_add(b, "–");
	cell(m, b, REPORT_CELL_NUM);
	report_part_num(b, t->have_ds ? x->r.ds_accuracy : NAN, 3);
	cell(m, b, REPORT_CELL_TEXT);
	if (x->r.overused >= 0) {
		label(m, b, t, x->r.overused);
		sbuf_addf(b, " (+%.1f pts)", 100 * x->r.overuse);
	} else {
		sbuf_add(b, "–");
	}
}

void report_part_labels(const struct report_markup *m, struct sbuf *b, const struct lead_task *t)
{
	static const char *const cols[] = {
		"label", "votes", "specific agreement",	     "kappa",	   "confused with",
		"items", "share", "decided with a majority", "overturned", "rate",
		"flags", NULL};
	m->head(b, cols, "tnnntnnnnnn");
	for (size_t k = 0; k < t->task.nlabels; k++) {
		const struct lead_label *l = &t->labels[k];
		const struct stats_label *s = &t->res.labels[k];
		row(m, b, REPORT_CELL_TEXT);
		label(m, b, t, (int)k);
		cell(m, b, REPORT_CELL_NUM);
		sbuf_addf(b, "%llu", (unsigned long long)s->count);
		cell(m, b, REPORT_CELL_NUM);
		report_part_num(b, s->specific_agreement, 3);
		cell(m, b, REPORT_CELL_NUM);
		report_part_num(b, s->kappa, 3);
		cell(m, b, REPORT_CELL_TEXT);
		label(m, b, t, l->confused_with);
		cell(m, b, REPORT_CELL_NUM);
		if (l->confused_with >= 0)
			sbuf_addf(b, "%llu", (unsigned long long)l->confused_items);
		else
			sbuf_add(b, "–");
		cell(m, b, REPORT_CELL_NUM);
		if (l->confused_with >= 0)
			sbuf_addf(b, "%.3f", (double)l->confused_items / (double)l->items);
		else
			sbuf_add(b, "–");
		overturns(m, b, l->majority_decided, l->overturned, l->flags);
		sbuf_add(b, m->row_end);
	}
	sbuf_add(b, m->table_end);
}

void report_part_annotators(const struct report_markup *m, struct sbuf *b,
			    const struct lead_task *t, const char *const *cols, const char *align)
{
	m->head(b, cols, align);
	for (int a = 0; a < t->nannotators; a++) {
		const struct lead_annotator *x = &t->annotators[a];
		row(m, b, REPORT_CELL_TEXT);
		m->text(b, x->name);
		cell(m, b, REPORT_CELL_NUM);
		report_part_record(m, b, t, x);
		cell(m, b, REPORT_CELL_TEXT);
		m->trend(b, x->series, t->nbuckets);
		sbuf_add(b, m->row_end);
	}
	sbuf_add(b, m->table_end);
}

void report_part_buckets(const struct report_markup *m, struct sbuf *b, const struct lead_task *t,
			 const char *const *cols)
{
	m->head(b, cols, "ttnnn");
	for (size_t k = 0; k < t->nbuckets; k++) {
		const struct lead_bucket *x = &t->buckets[k];
		row(m, b, REPORT_CELL_TEXT);
		m->text(b, x->name);
		cell(m, b, REPORT_CELL_TEXT);
		m->text(b, x->at ? x->at : "–");
		cell(m, b, REPORT_CELL_NUM);
		sbuf_addf(b, "%zu", x->items);
		cell(m, b, REPORT_CELL_NUM);
		sbuf_addf(b, "%zu", x->compared);
		cell(m, b, REPORT_CELL_NUM);
		report_part_num(b, x->agreement, 3);
		sbuf_add(b, m->row_end);
	}
	sbuf_add(b, m->table_end);
}

void report_part_rules(const struct report_markup *m, struct sbuf *b, const struct lead_task *t)
{
	static const char *const cols[] = {
		"rule", "decisions", "with a majority", "overturned", "rate", "flags", NULL};
	m->head(b, cols, "tnnnnn");
	for (size_t r = 0; r < t->nrules; r++) {
		const struct lead_rule *x = &t->rules[r];
		row(m, b, REPORT_CELL_TEXT);
		if (x->rule)
			m->text(b, x->rule);
		else
			sbuf_addf(b, "%s(none cited)%s", m->aside[0], m->aside[1]);
		cell(m, b, REPORT_CELL_NUM);
		sbuf_addf(b, "%ld", x->decisions);
		overturns(m, b, x->majority, x->overturned, x->flags);
		sbuf_add(b, m->row_end);
	}
	sbuf_add(b, m->table_end);
}

void report_part_overruled(const struct report_markup *m, struct sbuf *b,
			   const struct lead_feedback_task *ft)
{
	static const char *const cols[] = {"item",	     "text",	"your label",
					   "expert's label", "reason",	"rule",
					   "expert",	     "decided", NULL};
	const struct lead_task *t = &ft->view;
	m->head(b, cols, "tttttttt");
	for (size_t k = 0; k < ft->noverruled; k++) {
		const struct store_lead_overruled *o = &ft->overruled[k];
		row(m, b, REPORT_CELL_TEXT);
		m->text(b, o->external_id);
		cell(m, b, REPORT_CELL_PARA);
		m->long_text(b, o->text ? o->text : "–");
		cell(m, b, REPORT_CELL_TEXT);
		label(m, b, t, o->vote);
		cell(m, b, REPORT_CELL_TEXT);
		sbuf_add(b, m->pick[0]);
		label(m, b, t, o->label);
		sbuf_add(b, m->pick[1]);
		cell(m, b, REPORT_CELL_TEXT);
		m->text(b, o->reason ? o->reason : "–");
		cell(m, b, REPORT_CELL_TEXT);
		m->text(b, o->rule ? o->rule : "–");
		cell(m, b, REPORT_CELL_TEXT);
		m->text(b, o->expert);
		cell(m, b, REPORT_CELL_NUM);
		day(m, b, o->at);
		sbuf_add(b, m->row_end);
	}
	sbuf_add(b, m->table_end);
}

void report_part_labelerr(const struct report_markup *m, struct sbuf *b, const struct lead_task *t)
{
	struct sbuf le = {0};
	if (!t->have_labelerr)
		return;
	m->para_open(b, "labelerr");
	sbuf_addf(b, "%sLabel errors%s: ", m->strong[0], m->strong[1]);
	labelerr_report_headline(&le, &t->labelerr);
	m->text(b, le.s);
	le.len = 0;
	labelerr_report_precision(&le, &t->labelerr);
	if (le.len) {
		sbuf_add(b, ". Queues that look for them, ");
		m->text(b, le.s);
	}
	sbuf_addf(b, ".%s", m->para_end);
	sbuf_free(&le);
}

void report_part_clusters(const struct report_markup *m, struct sbuf *b, const struct lead_task *t)
{
	const struct lead_pairs *p = &t->pairs;
	for (size_t x = 0; x < (size_t)p->n; x++) {
		if (x && p->cluster[x] != p->cluster[x - 1])
			sbuf_add(b, "; ");
		else if (x)
			sbuf_add(b, ", ");
		m->text(b, t->annotators[p->ann[x]].name);
	}
}
