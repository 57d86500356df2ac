/*
 * ui_dash: the lead's dashboard laid out as lines of styled spans, one
 * section at a time, from the figures lead_build computed (the same numbers
 * `gavel stats --json` prints under "lead"): Tasks, Labels, Annotators,
 * Pairs (a heatmap of Cohen's kappa), Confusion (label co-occurrence and
 * "majority said / expert decided" heatmaps), Distribution (a histogram of
 * item agreement and agreement per import batch or week) and Rules. Each
 * section is a head (column titles), one line per selectable row and a foot
 * (legends, the selected row's details). Charts use the R_HEAT colour ramp
 * when colours are shown and the shading characters " ░▒▓█" otherwise.
 * Pure: the update side counts and selects, the draw side renders, the
 * tests read the same lines. The view's state and actions are ui_dash_view.c.
 */
#include "config.h"

#include "text.h"
#include "ui_update.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
const char *const ui_dash_section_names[UI_DASH_NSECTIONS] = {
	[UI_DASH_TASKS] = "Tasks",
	[UI_DASH_LABELS] = "Labels",
	[UI_DASH_ANNOTATORS] = "Annotators",
	[UI_DASH_PAIRS] = "Pairs",
	[UI_DASH_CONFUSION] = "Confusion",
	[UI_DASH_DISTRIBUTION] = "Distribution",
	[UI_DASH_RULES] = "Rules",
};
/* clang-format on */

/* Shading of the five heat levels, lowest first. */
static const char *const shades[5] = {" ", "\u2591", "\u2592", "\u2593", "\u2588"};
/* Sparkline steps of an annotator's agreement over time. */
static const char *const sparks[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
				      "\u2585", "\u2586", "\u2587", "\u2588"};

/* Column where the cells of a heatmap start, after the row names. */
#define NAME_W 12

static const struct lead_task *cur_task(const struct ui_state *s)
{
	const struct ui_dash *d = &s->dash;
	if (!d->have || d->rep.quick || d->task >= d->rep.ntasks)
		return NULL;
	return &d->rep.tasks[d->task];
}

/* Heat level 0..4 of v in [0, 1] (below 0: 0), -1 for NaN. */
static int heat(double v)
{
	int l;
	if (isnan(v))
		return -1;
	l = (int)floor(v * 5);
	return l < 0 ? 0 : l > 4 ? 4 : l;
}

/* A heat cell of w columns: in colour the text on the level's colour, else
 * the level's shade then the text, right-aligned by columns (printf pads
 * bytes, and the diagonal's "\u00b7" is two). */
static void heat_cell(const struct ui_state *s, struct ui_line *ln, int x, int w, int level,
		      int selected, const char *text)
{
	char buf[64];
	int pad = w - 1 - (int)text_width(text);
	if (pad < 0)
		pad = 0;
	if (selected) {
		snprintf(buf, sizeof buf, "%s%*s%s", level >= 0 && !s->colour ? shades[level] : " ",
			 pad, "", text);
		ui_span_add(ln, x, w, R_CURSOR, buf);
		return;
	}
	if (level < 0) {
		ui_span_addf(ln, x, w, R_DIM, "%*s%s", pad + 1, "", text);
		return;
	}
	if (s->colour) {
		ui_span_addf(ln, x, w, (enum ui_role)(R_HEAT0 + level), "%*s%s", pad + 1, "", text);
		return;
	}
	snprintf(buf, sizeof buf, "%s%*s%s", shades[level], pad, "", text);
	ui_span_add(ln, x, w, R_NORMAL, buf);
}

/* Raw (data) text right-aligned in w columns at x, cut with "\u2026" to fit
 * (printf's "%7.7s" would count and cut bytes, splitting a character). */
static void span_right(struct ui_line *ln, int x, int w, enum ui_role r, const char *raw)
{
	char *clean = text_clean(raw ? raw : ""), *fit;
	size_t cw;
	fit = text_fit(clean, (size_t)w, &cw);
	ui_span_addf(ln, x, w, r, "%*s%s", w - (int)cw, "", fit);
	free(fit);
	free(clean);
}

/* The legend of a heatmap: each level's look and its range. */
static void heat_legend(const struct ui_state *s, struct ui_lines *out, const char *what,
			const char *const ranges[5])
{
	struct ui_line *ln = ui_line_add(out);
	int x = 1;
	x += ui_span_add(ln, x, 40, R_DIM, what);
	x++;
	for (int l = 0; l < 5; l++) {
		if (s->colour)
			ui_span_add(ln, x, 2, (enum ui_role)(R_HEAT0 + l), "  ");
		else
			ui_span_addf(ln, x, 2, R_NORMAL, "%s%s", shades[l], shades[l]);
		x += 3;
		x += ui_span_add(ln, x, 12, R_NORMAL, ranges[l]) + 1;
	}
}

/* A figure with the given decimals, "-" when it does not apply. */
static void fig(char *buf, size_t len, double v, int decimals)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.*f", decimals, v);
}

static void message_line(struct ui_lines *out, int width, const char *text)
{
	struct ui_line *ln = ui_line_add(out);
	ui_span_add(ln, 1, width - 1, R_DIM, text);
}

/* Wrapped text (data sanitised) as foot lines, indented by 1. */
static void wrapped(struct ui_lines *out, int width, enum ui_role r, const char *raw)
{
	char *clean = text_clean(raw);
	size_t starts[32], lens[32], n = ui_wrap(clean, (size_t)(width - 2), starts, lens, 32);
	for (size_t i = 0; i < n && i < 32; i++) {
		char *part = xstrndup(clean + starts[i], lens[i]);
		ui_span_add(ui_line_add(out), 1, width - 1, r, part);
		free(part);
	}
	free(clean);
}

static const char *label_of(const struct lead_task *t, int k)
{
	if (k < 0 || (size_t)k >= t->task.nlabels)
		return "-";
	return t->task.labels[k].value;
}

/* ---- Tasks ---- */

/* The selected task's figures in words: alpha, disputed / decided / open,
 * majority vs expert, Dawid-Skene vs plurality, the flag, label errors. */
static void task_details(const struct ui_state *s, const struct lead_task *t, int width,
			 struct ui_lines *out)
{
	struct sbuf b = {0};
	char a[32], lo[32], hi[32];
	const struct labelerr_report *le = &t->labelerr;

	if (s->dash.rep.quick) {
		sbuf_addf(&b, "disputed %zu, decided %zu, open %zu", t->res.disputed, t->decided,
			  t->open);
		wrapped(out, width, R_NORMAL, b.s);
		wrapped(out, width, R_DIM,
			"computing kappa, alpha and its interval, Dawid-Skene, the other "
			"sections and the label errors\u2026");
		sbuf_free(&b);
		return;
	}
	fig(a, sizeof a, t->alpha, 3);
	fig(lo, sizeof lo, t->alpha_lo, 3);
	fig(hi, sizeof hi, t->alpha_hi, 3);
	sbuf_addf(&b, "Krippendorff alpha (%s) %s", lead_metric_name(t->metric), a);
	if (t->bootstrap && !isnan(t->alpha_lo))
		sbuf_addf(&b, " [%s, %s], %d resamples, seed %llu", lo, hi, t->bootstrap,
			  (unsigned long long)t->seed);
	sbuf_addf(&b, "; disputed %zu, decided %zu, open %zu", t->res.disputed, t->decided,
		  t->open);
	wrapped(out, width, R_NORMAL, b.s);
	b.len = 0;
	if (t->mve_decided)
		sbuf_addf(&b,
			  "majority vs expert: %ld of %ld decided majorities overturned (%.1f%%)",
			  t->mve_overturned, t->mve_decided,
			  100.0 * (double)t->mve_overturned / (double)t->mve_decided);
	else
		sbuf_add(&b, "majority vs expert: no decided item had a strict majority");
	if (t->have_ds)
		sbuf_addf(&b, "; Dawid-Skene differs from the plurality on %zu undecided items",
			  t->ds_differs);
	wrapped(out, width, R_NORMAL, b.s);
	if (t->res.flagged) {
		b.len = 0;
		sbuf_addf(&b, "! guidelines need work: agreement %.3f is below %.2f",
			  t->res.percent_agreement, t->res.threshold);
		wrapped(out, width, R_DISPUTED, b.s);
	}
	if (t->have_labelerr) {
		b.len = 0;
		sbuf_add(&b, "label errors: ");
		labelerr_report_headline(&b, le);
		wrapped(out, width, le->have ? R_MODEL : R_DIM, b.s);
		b.len = 0;
		labelerr_report_precision(&b, le);
		if (b.len)
			wrapped(out, width, R_NORMAL, b.s);
	}
	sbuf_free(&b);
}

static void tasks_section(const struct ui_state *s, int width, struct ui_dash_screen *o)
{
	const struct ui_dash *d = &s->dash;
	const struct ui_list *l = &d->list[UI_DASH_TASKS];
	struct ui_line *ln = ui_line_add(&o->head);

	ui_span_add(ln, 2, NAME_W + 2, R_TITLE, "task");
	ui_span_add(ln, 17, width - 17, R_TITLE,
		    "    items     votes  ann   agr  kappa  alpha  disputed    open");
	for (size_t i = 0; i < d->rep.ntasks; i++) {
		const struct lead_task *t = &d->rep.tasks[i];
		int sel = i == l->cur;
		enum ui_role r = sel ? R_CURSOR : R_NORMAL;
		char agr[16], kap[16], alp[16], ann[16];
		ln = ui_line_add(&o->rows);
		fig(agr, sizeof agr, t->res.percent_agreement, 2);
		fig(kap, sizeof kap, t->res.fleiss_kappa, 2);
		fig(alp, sizeof alp, t->alpha, 2);
		snprintf(ann, sizeof ann, "%d", t->nannotators);
		if (d->rep.quick) { /* still computing them (printf pads bytes: ASCII) */
			snprintf(kap, sizeof kap, "...");
			snprintf(alp, sizeof alp, "...");
			snprintf(ann, sizeof ann, "...");
		}
		if (sel)
			ui_span_addf(ln, 0, width, R_CURSOR, "%*s", width, "");
		ui_span_add(ln, 0, 2, t->res.flagged ? (sel ? r : R_DISPUTED) : r,
			    t->res.flagged ? "! " : "  ");
		ui_span_add(ln, 2, 14, r, t->task.name);
		if (!t->res.votes) /* the figures after votes need votes */
			ui_span_addf(ln, 17, width - 17, r, "%9zu %9zu  no votes yet", t->items,
				     t->res.votes);
		else
			ui_span_addf(ln, 17, width - 17, r, "%9zu %9zu %4s %5s %6s %6s %9zu %7zu",
				     t->items, t->res.votes, ann, agr, kap, alp, t->res.disputed,
				     t->open);
	}
	if (d->rep.ntasks && l->cur < d->rep.ntasks && !d->rep.tasks[l->cur].res.votes) {
		ui_line_add(&o->foot);
		wrapped(&o->foot, width, R_DIM,
			"This task has no votes yet: nothing to chart. Import votes with gavel "
			"import PROJECT.db votes FILE.");
	} else if (d->rep.ntasks && l->cur < d->rep.ntasks) {
		ui_line_add(&o->foot);
		task_details(s, &d->rep.tasks[l->cur], width, &o->foot);
		if (!d->rep.tasks[l->cur].decided)
			wrapped(&o->foot, width, R_DIM,
				"No expert decisions yet: the figures against experts are empty.");
		message_line(&o->foot, width,
			     "! agreement below the task's threshold. Enter: the task's sections");
	}
}

/* ---- Labels ---- */

static void labels_section(const struct ui_state *s, const struct lead_task *t, int width,
			   struct ui_dash_screen *o)
{
	const struct ui_list *l = &s->dash.list[UI_DASH_LABELS];
	struct ui_line *ln = ui_line_add(&o->head);
	ui_span_add(
		ln, 1, width - 1, R_TITLE,
		"label          votes  spec  kappa  confused with        items overturned  flags");
	for (size_t k = 0; k < t->task.nlabels; k++) {
		const struct lead_label *lb = &t->labels[k];
		const struct stats_label *sl =
			k < (size_t)t->res.nlabels ? &t->res.labels[k] : NULL;
		int sel = k == l->cur;
		enum ui_role r = sel ? R_CURSOR : R_NORMAL;
		char ps[16], kap[16], ov[32];
		ln = ui_line_add(&o->rows);
		if (sel)
			ui_span_addf(ln, 0, width, R_CURSOR, "%*s", width, "");
		fig(ps, sizeof ps, sl ? sl->specific_agreement : NAN, 2);
		fig(kap, sizeof kap, sl ? sl->kappa : NAN, 2);
		if (lb->majority_decided)
			snprintf(ov, sizeof ov, "%ld/%ld", lb->overturned, lb->majority_decided);
		else
			snprintf(ov, sizeof ov, "-");
		ui_span_add(ln, 1, 13, r, t->task.labels[k].value);
		ui_span_addf(ln, 14, 20, r, "%7llu %5s %6s",
			     (unsigned long long)(sl ? sl->count : 0), ps, kap);
		ui_span_add(ln, 35, 19, lb->confused_with >= 0 ? r : (sel ? r : R_DIM),
			    lb->confused_with >= 0 ? label_of(t, lb->confused_with) : "-");
		ui_span_addf(ln, 54, width - 54, r, "%7llu %10s %6ld",
			     (unsigned long long)lb->confused_items, ov, lb->flags);
	}
	message_line(&o->foot, width,
		     "spec: specific agreement; kappa: per category; overturned: decided "
		     "majorities of the label the expert changed. Enter: the items with votes "
		     "for both labels");
}

/* ---- Annotators ---- */

static const char *const acol_names[UI_NACOLS] = {"name", "votes",    "agr", "accuracy vs experts",
						  "DS",	  "over-uses"};
static const int acol_x[UI_NACOLS] = {1, 14, 21, 27, 50, 56};
static const int acol_w[UI_NACOLS] = {12, 6, 5, 22, 5, 14};

static void spark(const struct lead_task *t, const struct lead_annotator *a, struct sbuf *b,
		  size_t w)
{
	size_t n = t->nbuckets, from = n > w ? n - w : 0;
	if (!a->series)
		return;
	for (size_t i = from; i < n; i++) {
		double v = a->series[i];
		int k;
		if (isnan(v)) {
			sbuf_add(b, " ");
			continue;
		}
		k = (int)floor(v * 8);
		sbuf_add(b, sparks[k < 0 ? 0 : k > 7 ? 7 : k]);
	}
}

static void annotators_section(const struct ui_state *s, const struct lead_task *t, int width,
			       struct ui_dash_screen *o)
{
	const struct ui_dash *d = &s->dash;
	const struct ui_list *l = &d->list[UI_DASH_ANNOTATORS];
	int col = d->col[UI_DASH_ANNOTATORS], sx = 71;
	struct ui_line *ln = ui_line_add(&o->head);

	for (int c = 0; c < UI_NACOLS; c++) {
		char h[48];
		snprintf(h, sizeof h, "%s%s", acol_names[c],
			 d->sort == (enum ui_dash_acol)c ? (d->sort_desc ? "\u2193" : "\u2191")
							 : "");
		ui_span_add(ln, acol_x[c], acol_w[c], c == col ? R_CURSOR : R_TITLE, h);
	}
	if (width - sx > 4)
		ui_span_add(ln, sx, width - sx, R_TITLE, "over time");
	for (size_t i = 0; i < (size_t)t->nannotators; i++) {
		const struct lead_annotator *a = &t->annotators[d->aorder ? d->aorder[i] : i];
		const struct annotator_record *r = &a->r;
		int sel = i == l->cur;
		enum ui_role role = sel ? R_CURSOR : R_NORMAL;
		char agr[16], acc[64], ds[16], over[64];
		struct sbuf sp = {0};
		ln = ui_line_add(&o->rows);
		if (sel)
			ui_span_addf(ln, 0, width, R_CURSOR, "%*s", width, "");
		fig(agr, sizeof agr, r->agreement, 2);
		fig(ds, sizeof ds, r->ds_accuracy, 2);
		if (r->decided)
			snprintf(acc, sizeof acc, "%.2f [%.2f,%.2f] %u",
				 (double)r->correct / r->decided, r->acc_lo, r->acc_hi, r->decided);
		else
			snprintf(acc, sizeof acc, "-");
		if (r->overused >= 0)
			snprintf(over, sizeof over, "%s +%.1f", label_of(t, r->overused),
				 100 * r->overuse);
		else
			snprintf(over, sizeof over, "-");
		ui_span_add(ln, acol_x[0], acol_w[0], role, a->name);
		ui_span_addf(ln, acol_x[1], acol_w[1], role, "%6u", r->votes);
		ui_span_addf(ln, acol_x[2], acol_w[2], role, "%5s", agr);
		ui_span_add(ln, acol_x[3], acol_w[3], role, acc);
		ui_span_addf(ln, acol_x[4], acol_w[4], role, "%5s", ds);
		ui_span_add(ln, acol_x[5], acol_w[5], role, over);
		if (width - sx > 4) {
			spark(t, a, &sp, (size_t)(width - sx - 1));
			ui_span_add(ln, sx, width - sx, sel ? role : R_AGREE, sp.s ? sp.s : "");
		}
		sbuf_free(&sp);
	}
	message_line(&o->foot, width,
		     "agr: agreement with the others; accuracy against expert decisions "
		     "[Wilson 95%] and decided votes; DS: Dawid-Skene accuracy; over-uses: "
		     "excess share points. Left/Right pick a column, o sorts by it; Enter: "
		     "items experts decided against the annotator");
}

/* ---- Pairs ---- */

/* Cells of CELL_W columns (one more between them) that fit after the names. */
#define CELL_W 6
static int cells_fit(int width)
{
	int n = (width - NAME_W - 2) / (CELL_W + 1);
	return n < 1 ? 1 : n;
}

static void pairs_section(const struct ui_state *s, const struct lead_task *t, int width,
			  struct ui_dash_screen *o)
{
	const struct ui_dash *d = &s->dash;
	const struct lead_pairs *p = &t->pairs;
	const struct ui_list *l = &d->list[UI_DASH_PAIRS];
	int col = d->col[UI_DASH_PAIRS], fit = cells_fit(width);
	int first = col / fit * fit; /* the page of columns the cursor is on */
	struct ui_line *ln;
	static const char *const ranges[5] = {"<0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8", ">=0.8"};

	if (p->n < 2) {
		message_line(&o->head, width,
			     "fewer than two annotators share items: no pair to compare");
		return;
	}
	ln = ui_line_add(&o->head);
	ui_span_addf(ln, 1, NAME_W, R_TITLE, "%s", first ? "\u2190 more" : "");
	for (int c = first; c < p->n && c < first + fit; c++)
		span_right(ln, NAME_W + 2 + (c - first) * (CELL_W + 1), CELL_W,
			   c == col ? R_CURSOR : R_TITLE, t->annotators[p->ann[c]].name);
	if (first + fit < p->n)
		ui_span_add(ln, NAME_W + 2 + fit * (CELL_W + 1), 7, R_TITLE, "more \u2192");
	for (int r = 0; r < p->n; r++) {
		const char *name = t->annotators[p->ann[r]].name;
		ln = ui_line_add(&o->rows);
		ui_span_addf(ln, 0, 2, R_DIM, "%c", 'A' + p->cluster[r] % 26);
		ui_span_add(ln, 2, NAME_W - 1, (size_t)r == l->cur ? R_CURSOR : R_NORMAL, name);
		for (int c = first; c < p->n && c < first + fit; c++) {
			double k = p->kappa[(size_t)r * (size_t)p->n + (size_t)c];
			char v[16];
			int x = NAME_W + 2 + (c - first) * (CELL_W + 1);
			if (r == c)
				snprintf(v, sizeof v, "\u00b7");
			else
				fig(v, sizeof v, k, 2);
			heat_cell(s, ln, x, CELL_W, r == c ? -1 : heat(k),
				  (size_t)r == l->cur && c == col, v);
		}
	}
	heat_legend(s, &o->foot, "Cohen's kappa:", ranges);
	message_line(&o->foot, width,
		     "the most active annotators; similar ones sit together (letters: clusters). "
		     "Arrows pick a cell; Enter: the pair's disagreements");
}

/* ---- Confusion ---- */

static void confusion_section(const struct ui_state *s, const struct lead_task *t, int width,
			      struct ui_dash_screen *o)
{
	const struct ui_dash *d = &s->dash;
	const struct ui_list *l = &d->list[UI_DASH_CONFUSION];
	size_t K = t->task.nlabels;
	int col = d->col[UI_DASH_CONFUSION], fit = (width - NAME_W - 2) / 8, first;
	uint64_t cmax = 0;
	long mmax = 0;
	struct ui_line *ln;
	static const char *const ranges[5] = {"<20%", "20-40%", "40-60%", "60-80%", ">=80% of max"};

	if (fit < 1)
		fit = 1;
	first = col / fit * fit;
	for (size_t a = 0; a < K; a++)
		for (size_t b = 0; b < K; b++) {
			if (a != b && t->cooccur[a * K + b] > cmax)
				cmax = t->cooccur[a * K + b];
			if (t->majority_expert[a * K + b] > mmax)
				mmax = t->majority_expert[a * K + b];
		}
	ln = ui_line_add(&o->head);
	ui_span_add(ln, 1, NAME_W, R_TITLE, "items with");
	for (int c = first; c < (int)K && c < first + fit; c++)
		span_right(ln, NAME_W + 2 + (c - first) * 8, 7, c == col ? R_CURSOR : R_TITLE,
			   t->task.labels[c].value);
	for (size_t m = 0; m < 2; m++) {
		if (m == 1) {
			ln = ui_line_add(&o->rows);
			ui_span_add(ln, 1, width - 1, R_TITLE,
				    mmax ? "majority said (rows) / expert decided (columns):"
					 : "majority said / expert decided: no decided item with a "
					   "strict majority yet");
		}
		for (size_t a = 0; a < K; a++) {
			size_t row = m * (K + 1) + a;
			ln = ui_line_add(&o->rows);
			ui_span_add(ln, 1, NAME_W, row == l->cur ? R_CURSOR : R_NORMAL,
				    t->task.labels[a].value);
			for (int c = first; c < (int)K && c < first + fit; c++) {
				double v, mx = m ? (double)mmax : (double)cmax;
				char buf[24];
				int diag = (size_t)c == a;
				if (m == 0)
					v = (double)t->cooccur[a * K + (size_t)c];
				else
					v = (double)t->majority_expert[a * K + (size_t)c];
				snprintf(buf, sizeof buf, "%.0f", v);
				heat_cell(s, ln, NAME_W + 2 + (c - first) * 8, 7,
					  (diag && m == 0) || mx <= 0 ? -1 : heat(v / mx),
					  row == l->cur && c == col, buf);
			}
		}
	}
	heat_legend(s, &o->foot, "count:", ranges);
	message_line(&o->foot, width,
		     "top: items holding votes for both labels (diagonal: unanimous items); "
		     "Enter on a cell: its items");
}

/* ---- Distribution ---- */

static void distribution_section(const struct ui_state *s, const struct lead_task *t, int width,
				 struct ui_dash_screen *o)
{
	const struct ui_list *l = &s->dash.list[UI_DASH_DISTRIBUTION];
	size_t bmax = 0;
	int bw = width - 26;
	struct ui_line *ln = ui_line_add(&o->head);
	static const char *const ranges[5] = {"<0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8", ">=0.8"};

	ui_span_add(ln, 1, width - 1, R_TITLE, "item agreement      items");
	for (int b = 0; b < LEAD_BINS; b++)
		if (t->bins[b] > bmax)
			bmax = t->bins[b];
	if (bw > 100)
		bw = 100;
	for (int b = 0; b < LEAD_BINS; b++) {
		int sel = (size_t)b == l->cur, cells;
		struct sbuf bar = {0};
		int level = heat((b + 0.5) / LEAD_BINS);
		ln = ui_line_add(&o->rows);
		ui_span_addf(ln, 1, 16, sel ? R_CURSOR : R_NORMAL, "%.1f-%.1f%s", b / 10.0,
			     (b + 1) / 10.0, b == LEAD_BINS - 1 ? " incl. 1" : "");
		ui_span_addf(ln, 17, 8, sel ? R_CURSOR : R_NORMAL, "%8zu", t->bins[b]);
		cells = bmax ? (int)lround((double)t->bins[b] / (double)bmax * bw) : 0;
		for (int i = 0; i < cells; i++)
			sbuf_add(&bar, s->colour ? " " : shades[level > 0 ? level : 1]);
		if (cells)
			ui_span_add(ln, 26, cells,
				    s->colour ? (enum ui_role)(R_HEAT0 + level) : R_NORMAL, bar.s);
		sbuf_free(&bar);
	}
	ln = ui_line_add(&o->rows);
	ui_span_addf(ln, 1, width - 1, R_TITLE, "%s                 items  compared  agreement",
		     t->by_week ? "week      " : "import batch");
	for (size_t i = 0; i < t->nbuckets; i++) {
		const struct lead_bucket *bk = &t->buckets[i];
		size_t row = LEAD_BINS + 1 + i;
		enum ui_role r = row == l->cur ? R_CURSOR : R_NORMAL;
		char agr[16];
		int x = 58;
		ln = ui_line_add(&o->rows);
		fig(agr, sizeof agr, bk->agreement, 3);
		/* imports record the path they were given */
		ui_span_add(ln, 1, 22, r, util_base_name(bk->name));
		ui_span_addf(ln, 24, 33, r, "%8zu %9zu %10s", bk->items, bk->compared, agr);
		if (width - x > 4 && !isnan(bk->agreement)) {
			char cellv[8];
			snprintf(cellv, sizeof cellv, "%s", "");
			heat_cell(s, ln, x, 3, heat(bk->agreement), 0, cellv);
		}
	}
	heat_legend(s, &o->foot, "agreement:", ranges);
	message_line(
		&o->foot, width,
		t->by_week ? "bars: items with 2+ votes by agreement. Enter on a band: its items"
			   : "bars: items with 2+ votes by agreement. Enter on a band or a batch: "
			     "its items");
}

/* ---- Rules ---- */

static void rules_section(const struct ui_state *s, const struct lead_task *t, int width,
			  struct ui_dash_screen *o)
{
	const struct ui_list *l = &s->dash.list[UI_DASH_RULES];
	struct ui_line *ln = ui_line_add(&o->head);
	ui_span_add(ln, 1, width - 1, R_TITLE,
		    "rule               decisions  majority  overturned   rate  flags");
	for (size_t i = 0; i < t->nrules; i++) {
		const struct lead_rule *r = &t->rules[i];
		enum ui_role role = i == l->cur ? R_CURSOR : R_NORMAL;
		char rate[16];
		ln = ui_line_add(&o->rows);
		if (i == l->cur)
			ui_span_addf(ln, 0, width, R_CURSOR, "%*s", width, "");
		fig(rate, sizeof rate,
		    r->majority ? (double)r->overturned / (double)r->majority : NAN, 2);
		ui_span_add(ln, 1, 18, r->rule ? role : (i == l->cur ? role : R_DIM),
			    r->rule ? r->rule : "(no rule)");
		ui_span_addf(ln, 20, width - 20, role, "%9ld %9ld %11ld %6s %6ld", r->decisions,
			     r->majority, r->overturned, rate, r->flags);
	}
	if (!t->nrules)
		message_line(&o->head, width, "no expert decision cites a rule yet");
	message_line(&o->foot, width,
		     "rate: overturned / decided items with a strict majority; flags: unclear "
		     "guideline flags citing the rule. Enter: the rule's overturns");
}

/* ---- the section ---- */

void ui_dash_title(const struct ui_state *s, char *buf, size_t len)
{
	const struct lead_task *t = cur_task(s);
	const struct ui_dash *d = &s->dash;
	/* figures from before a decision, until the new ones are in */
	const char *when = !d->refresh	    ? ""
			   : d->pending < 0 ? " (out of date)"
					    : " (updating\u2026)";
	if (d->sec == UI_DASH_TASKS || !t) {
		snprintf(buf, len, "Tasks%s: %zu in project %s", when, d->rep.ntasks,
			 d->rep.project ? d->rep.project : "");
		return;
	}
	{
		char agr[16];
		fig(agr, sizeof agr, t->res.percent_agreement, 3);
		snprintf(buf, len, "%s%s: task %s, %zu items, %zu votes, agreement %s%s",
			 ui_dash_section_names[d->sec], when, t->task.name, t->items, t->res.votes,
			 agr, t->res.flagged ? " (! below threshold)" : "");
	}
}

void ui_dash_lines(const struct ui_state *s, int width, int height, struct ui_dash_screen *out)
{
	const struct lead_task *t = cur_task(s);
	const struct ui_dash *d = &s->dash;
	long room;

	memset(out, 0, sizeof *out);
	if (!d->have) {
		out->height = 1;
		return;
	}
	if (!d->rep.ntasks) {
		message_line(&out->head, width,
			     "This project has no tasks yet: import votes (gavel import) first.");
	} else if (d->sec == UI_DASH_TASKS) {
		tasks_section(s, width, out);
	} else if (!t) {
		message_line(&out->head, width, "computing the figures\u2026");
	} else if (!t->res.votes) {
		message_line(&out->head, width,
			     "This task has no votes yet: nothing to chart. Import votes with "
			     "gavel import PROJECT.db votes FILE.");
	} else {
		/* Room to spare: the task's figures stay in sight above the section. */
		if (height >= 40 && width >= 120) {
			task_details(s, t, width, &out->head);
			ui_line_add(&out->head);
		}
		switch (d->sec) {
		case UI_DASH_LABELS:
			labels_section(s, t, width, out);
			break;
		case UI_DASH_ANNOTATORS:
			annotators_section(s, t, width, out);
			break;
		case UI_DASH_PAIRS:
			pairs_section(s, t, width, out);
			break;
		case UI_DASH_CONFUSION:
			confusion_section(s, t, width, out);
			break;
		case UI_DASH_DISTRIBUTION:
			distribution_section(s, t, width, out);
			break;
		default:
			rules_section(s, t, width, out);
			break;
		}
		if (d->sec == UI_DASH_RULES || d->sec == UI_DASH_CONFUSION) {
			if (!t->decided)
				message_line(
					&out->foot, width,
					"No expert decisions yet: decide items in gavel review.");
		}
	}
	/* header, title, message line and footer take 4 rows; the rows get at
	 * least 3, the foot gives way first */
	room = (long)height - 4 - (long)out->head.n - (long)out->foot.n;
	while (room < 3 && out->foot.n) {
		struct ui_line *ln = &out->foot.v[--out->foot.n];
		for (size_t j = 0; j < ln->n; j++)
			free(ln->sp[j].text);
		room++;
	}
	out->height = room < 1 ? 1 : (size_t)room;
}

void ui_dash_screen_free(struct ui_dash_screen *d)
{
	ui_lines_free(&d->head);
	ui_lines_free(&d->rows);
	ui_lines_free(&d->foot);
}
