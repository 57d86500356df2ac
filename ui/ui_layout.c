/*
 * ui_layout: where the item view's parts go and what its evidence panes
 * say, as plain lines of styled spans. It is pure (no curses, no database):
 * the update side uses it to know how far the evidence pane can scroll, the
 * draw side renders the same lines, and the update tests read them to check
 * that every label in play shows its definition and the rules about it.
 *
 * At 80x24 the pane under the text holds, in this order: the votes (summary,
 * agreement, "majority said X", one row per annotator with their record) to
 * the left of the model panel (stated and effective confidence, entropy,
 * probability bars), then one definition line per label in play and each
 * rule that mentions one of them, once. From 120 columns the guideline gets
 * the right half of the screen and is wrapped instead of cut.
 */
#include "config.h"

#include "text.h"
#include "ui.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Widths of the side-by-side votes and model blocks on a narrow screen. */
#define MODEL_MIN_W 30
#define WIDE_COLS 120

void ui_lines_free(struct ui_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; k < l->v[i].n; k++)
			free(l->v[i].sp[k].text);
	free(l->v);
	memset(l, 0, sizeof *l);
}

struct ui_line *ui_line_add(struct ui_lines *l)
{
	struct ui_line *ln;
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	ln = &l->v[l->n++];
	memset(ln, 0, sizeof *ln);
	return ln;
}

int ui_span_add(struct ui_line *ln, int x, int w, enum ui_role r, const char *raw)
{
	struct ui_span *sp;
	size_t width;
	if (ln->n >= UI_LINE_SPANS || w <= 0)
		return 0;
	sp = &ln->sp[ln->n++];
	sp->x = x;
	sp->w = w;
	sp->role = r;
	sp->text = text_clean(raw ? raw : "");
	width = text_width(sp->text);
	return width < (size_t)w ? (int)width : w;
}

int ui_span_addf(struct ui_line *ln, int x, int w, enum ui_role r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return ui_span_add(ln, x, w, r, buf);
}

/* A bar of w cells for probability p (full blocks, then dots). */
static void bar_span(struct ui_line *ln, int x, int w, double p)
{
	struct sbuf b = {0};
	int full = (int)lround(p * w);
	if (w <= 0)
		return;
	if (full < 0)
		full = 0;
	if (full > w)
		full = w;
	for (int i = 0; i < w; i++)
		sbuf_add(&b, i < full ? "\u2588" : "\u00b7");
	ui_span_add(ln, x, w, R_MODEL, b.s);
	sbuf_free(&b);
}

/* Append the lines of src to dst with their spans moved dx columns right,
 * starting at dst line `row` (dst grows as needed). */
static void merge(struct ui_lines *dst, size_t row, const struct ui_lines *src, int dx)
{
	for (size_t i = 0; i < src->n; i++) {
		struct ui_line *d;
		while (dst->n <= row + i)
			ui_line_add(dst);
		d = &dst->v[row + i];
		for (size_t k = 0; k < src->v[i].n && d->n < UI_LINE_SPANS; k++) {
			d->sp[d->n] = src->v[i].sp[k];
			d->sp[d->n].x += dx;
			d->sp[d->n].text = xstrdup(src->v[i].sp[k].text);
			d->n++;
		}
	}
}

const char *ui_majority(const struct review_item *it, int *count)
{
	for (size_t i = 0; i < it->nvotes; i++) {
		const char *v = it->votes[i].label;
		int n = 0;
		if (!v)
			continue;
		for (size_t k = 0; k < it->nvotes; k++)
			n += it->votes[k].label && strcmp(it->votes[k].label, v) == 0;
		if (2 * (size_t)n > it->nvotes) {
			if (count)
				*count = n;
			return v;
		}
	}
	if (count)
		*count = 0;
	return NULL;
}

/* ---- votes ---- */

static void votes_block(const struct ui_state *s, int w, struct ui_lines *out)
{
	const struct review_item *it = &s->item;
	struct ui_line *ln = ui_line_add(out);
	char agr[32];
	const char *maj;
	int x, cnt = 0, name_w = w >= 60 ? 16 : 12, label_w = w >= 60 ? 14 : 11, rec_w = 10;

	if (isnan(it->agreement))
		snprintf(agr, sizeof agr, "-");
	else
		snprintf(agr, sizeof agr, "%.2f", it->agreement);
	x = ui_span_addf(ln, 0, w, R_TITLE, "Votes %zu", it->nvotes);
	x += 2;
	ui_span_addf(ln, x, w - x, isnan(it->agreement) ? R_DIM
			   : it->agreement >= 0.7 ? R_AGREE
						  : R_DISPUTED,
	      "agreement %s", agr);
	/* The summary, and beside it what a majority vote would have said. */
	maj = ui_majority(it, &cnt);
	{
		char said[256];
		char *c;
		int sw;
		if (maj)
			snprintf(said, sizeof said, "majority said %s", maj);
		else
			snprintf(said, sizeof said, "%s", it->nvotes ? "no majority" : "no votes");
		c = text_clean(said);
		sw = (int)text_width(c);
		free(c);
		if (sw > w / 2)
			sw = w / 2;
		ln = ui_line_add(out);
		x = ui_span_add(ln, 0, w - sw - 2, R_NORMAL,
				it->vote_summary && *it->vote_summary ? it->vote_summary : "-");
		x += 2;
		ui_span_add(ln, x, w - x, maj ? R_KEY : R_DISPUTED, said);
	}
	for (size_t i = 0; i < it->nvotes; i++) {
		const struct review_vote *v = &it->votes[i];
		char rec[48];
		int cx = 2;
		ln = ui_line_add(out);
		if (v->record_n)
			snprintf(rec, sizeof rec, "%d/%d %3.0f%%", v->record_ok, v->record_n,
				 100.0 * v->record_ok / v->record_n);
		else
			snprintf(rec, sizeof rec, "no record");
		ui_span_add(ln, cx, name_w - 1, R_NORMAL, v->annotator);
		cx += name_w;
		ui_span_add(ln, cx, label_w - 1,
			    maj && v->label && strcmp(v->label, maj) == 0 ? R_NORMAL : R_DISPUTED,
			    v->label ? v->label : "?");
		cx += label_w;
		ui_span_add(ln, cx, rec_w, R_DIM, rec);
		cx += rec_w + 1;
		if (v->comment && cx < w)
			ui_span_add(ln, cx, w - cx, R_DIM, v->comment);
	}
}

/* ---- model ---- */

/*
 * The label-issues queue's suggestion for the open item, with the model
 * and import it comes from (which need not be the most confident model
 * shown above it). The pane is hidden as a whole before a blind call.
 */
static void suggestion(const struct ui_state *s, int w, struct ui_lines *out)
{
	const struct review_row *r;
	struct sbuf b = {0};

	if (s->item_row >= s->nq || s->qrows[s->item_row].item != s->item.id ||
	    !s->qrows[s->item_row].suggested)
		return;
	r = &s->qrows[s->item_row];
	/* One span, sanitised whole: the label comes from data. */
	sbuf_addf(&b, "likely %s", r->suggested);
	if (!isnan(r->margin))
		sbuf_addf(&b, ", margin %.2f", r->margin);
	ui_span_add(ui_line_add(out), 0, w, R_KEY, b.s);
	sbuf_free(&b);
	if (r->evidence)
		ui_span_add(ui_line_add(out), 0, w, R_DIM, r->evidence);
}

static void model_block(const struct ui_state *s, int w, struct ui_lines *out)
{
	const struct review_item *it = &s->item;
	const struct review_pred *p;
	struct ui_line *ln;
	int x, lw, bw;

	if (!it->npreds) {
		ui_span_add(ui_line_add(out), 0, w, R_DIM, "Model: no prediction");
		return;
	}
	p = &it->preds[0];
	ln = ui_line_add(out);
	x = ui_span_add(ln, 0, w / 2 + 4, R_MODEL, p->model);
	x += ui_span_add(ln, x, 2, R_MODEL, ": ");
	ui_span_add(ln, x, w - x, R_MODEL, p->label ? p->label : "?");
	suggestion(s, w, out);
	ln = ui_line_add(out);
	x = ui_span_addf(ln, 0, w, R_NORMAL, "stated %.2f", p->confidence);
	x += 2;
	if (!isnan(it->quality))
		ui_span_addf(ln, x, w - x, R_KEY, "effective %.2f", p->confidence * it->quality);
	else
		ui_span_add(ln, x, w - x, R_DIM, "effective -");
	ln = ui_line_add(out);
	x = 0;
	if (!isnan(p->entropy))
		x = ui_span_addf(ln, 0, w, R_NORMAL, "entropy %.2f", p->entropy) + 2;
	if (!isnan(it->quality))
		ui_span_addf(ln, x, w - x, R_DIM, "q %.2f %s", it->quality,
		      it->quality_source ? it->quality_source : "");
	else
		ui_span_add(ln, x, w - x, R_DIM, "q unknown");
	lw = w >= 40 ? 12 : 9;
	bw = w - lw - 6;
	if (bw > 30)
		bw = 30;
	for (size_t k = 0; k < p->nprobs && k < 3; k++) {
		ln = ui_line_add(out);
		ui_span_add(ln, 0, lw - 1, R_NORMAL, p->probs[k].label);
		ui_span_addf(ln, lw, 5, R_NORMAL, "%4.2f", p->probs[k].p);
		bar_span(ln, lw + 5, bw, p->probs[k].p);
	}
	if (it->npreds > 1) {
		ln = ui_line_add(out);
		ui_span_addf(ln, 0, w, R_DIM, "%zu more model%s", it->npreds - 1, it->npreds > 2 ? "s" : "");
	}
}

/* ---- guideline ---- */

/*
 * Guideline prose as one paragraph: YAML block scalars keep their line
 * breaks and a final newline, which on one screen line would only show as
 * ^J tokens. Other control characters are left for the sanitiser to mark.
 */
static char *prose(const char *raw)
{
	char *p = xstrdup(raw ? raw : "");
	size_t n;
	for (char *c = p; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	n = strlen(p);
	while (n && p[n - 1] == ' ')
		p[--n] = 0;
	return p;
}

/* Lines the guideline prose raw takes wrapped at w columns. */
static size_t prose_lines(const char *raw, int w)
{
	char *flat = prose(raw), *clean = text_clean(flat);
	size_t n = ui_wrap(clean, (size_t)(w > 1 ? w : 1), NULL, NULL, 0);
	free(flat);
	free(clean);
	return n;
}

/* Wrapped (wrap != 0) or cut guideline text after a prefix span. */
static void text_lines(struct ui_lines *out, int indent, int w, enum ui_role r, const char *raw,
		       int wrap, struct ui_line *first)
{
	char *flat = prose(raw);
	char *clean = text_clean(flat);
	free(flat);
	size_t starts[64], lens[64], n;
	if (!wrap || w - indent < 10) {
		ui_span_add(first, indent, w - indent, r, clean);
		free(clean);
		return;
	}
	n = ui_wrap(clean, (size_t)(w - indent), starts, lens, GV_ARRAY_LEN(starts));
	for (size_t i = 0; i < n && i < GV_ARRAY_LEN(starts); i++) {
		struct ui_line *ln = i ? ui_line_add(out) : first;
		char *part = xstrndup(clean + starts[i], lens[i]);
		ui_span_add(ln, indent, w - indent, r, part);
		free(part);
	}
	free(clean);
}

static int rule_about(const struct guide_rule *ru, const struct store_task *t,
		      const unsigned char *in_play, int revealed)
{
	for (size_t k = 0; k < ru->nlabels; k++) {
		int idx = store_task_label_index(t, ru->labels[k]);
		if (idx >= 0 && (!revealed || in_play[idx]))
			return 1;
	}
	return 0;
}

/* A rule's text as shown: with room to wrap, the labels it is about too. */
static char *rule_text(const struct guide_rule *ru, int wrap)
{
	struct sbuf text = {0};
	char *flat = prose(ru->text);
	sbuf_add(&text, flat);
	free(flat);
	if (wrap) {
		for (size_t k = 0; k < ru->nlabels; k++)
			sbuf_addf(&text, "%s%s", k ? ", " : " [", ru->labels[k]);
		if (ru->nlabels)
			sbuf_addc(&text, ']');
	}
	return sbuf_take(&text);
}

/* Where a rule's text starts: after its id, cut to 6 columns, and a space. */
static int id_cols(const char *id)
{
	char *c = text_clean(id);
	size_t n = text_width(c);
	free(c);
	return (n < 6 ? (int)n : 6) + 1;
}

/* The guideline entry of label value v, or NULL. */
static const struct guide_label *guide_label_of(const struct guide *g, const char *v)
{
	for (size_t i = 0; i < g->nlabels; i++)
		if (strcmp(g->labels[i].value, v) == 0)
			return &g->labels[i];
	return NULL;
}

/* Example k of a label (its examples, then its counterexamples) as shown. */
static char *example_text(const struct guide_label *gl, size_t k)
{
	int counter = k >= gl->nexamples;
	char *flat = prose(counter ? gl->counterexamples[k - gl->nexamples] : gl->examples[k]);
	struct sbuf b = {0};
	sbuf_addf(&b, "%s \"%s\"", counter ? "not:" : "e.g.", flat);
	free(flat);
	return sbuf_take(&b);
}

/* What the guideline part shows, decided before any line is laid out. */
struct guide_plan {
	unsigned char show[256];   /* label index: its definition is shown */
	unsigned char wrap[256];   /* ... wrapped, not cut */
	unsigned char nex[256];    /* ... with this many examples and counterexamples */
	unsigned char *rwrap;      /* per rule: wrapped */
	unsigned char *rshow;      /* per rule: shown */
};

/*
 * Fit the guideline into `rows` rows: the title, one line per definition
 * and per rule, cut with "…" (wrapped throughout when wrap_all). Spare rows
 * go first to wrapping the definitions in full, then the rules, then to
 * examples and counterexamples, one per label in turn. When even the cut
 * lines do not fit, nothing is added: the pane scrolls.
 */
static void guide_plan(const struct ui_state *s, int w, int lw, int wrap_all, long rows,
		       const unsigned char *in_play, int revealed, struct guide_plan *p)
{
	const struct store_task *t = &s->item.task;
	size_t nl = t->nlabels < 256 ? t->nlabels : 256;
	long need = 1, spare;
	int more = 1;

	for (size_t i = 0; i < nl; i++) {
		const struct guide_label *gl;
		if (revealed && !in_play[i])
			continue;
		gl = guide_label_of(&s->guide, t->labels[i].value);
		if (!gl)
			continue;
		p->show[i] = 1;
		p->wrap[i] = (unsigned char)wrap_all;
		need += wrap_all ? (long)prose_lines(gl->definition, w - lw - 1) : 1;
	}
	for (size_t r = 0; r < s->guide.nrules; r++) {
		const struct guide_rule *ru = &s->guide.rules[r];
		char *txt;
		int x;
		if (!rule_about(ru, t, in_play, revealed))
			continue;
		p->rshow[r] = 1;
		p->rwrap[r] = (unsigned char)wrap_all;
		txt = wrap_all ? rule_text(ru, 1) : NULL;
		x = id_cols(ru->id);
		need += wrap_all ? (long)prose_lines(txt, w - x) : 1;
		free(txt);
	}
	spare = rows - need;
	if (spare <= 0 || w < 20)
		return;
	for (size_t i = 0; i < nl && !wrap_all; i++) {
		long extra;
		if (!p->show[i])
			continue;
		extra = (long)prose_lines(guide_label_of(&s->guide, t->labels[i].value)->definition,
					  w - lw - 1) -
			1;
		if (extra <= spare) {
			p->wrap[i] = 1;
			spare -= extra;
		}
	}
	for (size_t r = 0; r < s->guide.nrules && !wrap_all; r++) {
		const struct guide_rule *ru = &s->guide.rules[r];
		char *txt;
		int x;
		long extra;
		if (!p->rshow[r])
			continue;
		/* Cut rules leave their labels out; so do the ones wrapped here. */
		txt = rule_text(ru, 0);
		x = id_cols(ru->id);
		extra = (long)prose_lines(txt, w - x) - 1;
		free(txt);
		if (extra <= spare) {
			p->rwrap[r] = 1;
			spare -= extra;
		}
	}
	/* Examples, one per label in turn: a line each, or wrapped in the wide
	 * layout's own pane. */
	while (spare > 0 && more) {
		more = 0;
		for (size_t i = 0; i < nl && spare > 0; i++) {
			const struct guide_label *gl;
			long cost = 1;
			if (!p->show[i])
				continue;
			gl = guide_label_of(&s->guide, t->labels[i].value);
			if (p->nex[i] >= gl->nexamples + gl->ncounterexamples || p->nex[i] == 255)
				continue;
			if (wrap_all) {
				char *ex = example_text(gl, p->nex[i]);
				cost = (long)prose_lines(ex, w - lw - 1);
				free(ex);
			}
			if (cost > spare)
				continue;
			p->nex[i]++;
			spare -= cost;
			more = 1;
		}
	}
}

/*
 * The guideline part of the pane in at most `rows` rows when it can be made
 * to fit (see guide_plan); wrap_all wraps every definition and rule (the
 * wide layout's own pane).
 */
static void guide_block(const struct ui_state *s, int w, int wrap_all, long rows,
			struct ui_lines *out)
{
	const struct review_item *it = &s->item;
	const struct store_task *t = &it->task;
	unsigned char in_play[256] = {0};
	int revealed = ui_item_revealed(s), lw = 0;
	struct guide_plan p;
	struct ui_line *ln;

	if (!s->has_guide) {
		ui_span_add(ui_line_add(out), 0, w, R_DIM, "Guideline: none loaded for this task");
		return;
	}
	if (revealed)
		ui_labels_in_play(s, in_play);
	ln = ui_line_add(out);
	ui_span_addf(ln, 0, w, R_TITLE, "Guideline %s: %s", s->guide.version ? s->guide.version : "",
	      revealed ? "the labels in play" : "every label");
	for (size_t i = 0; i < t->nlabels && i < sizeof in_play; i++) {
		size_t lwid;
		char *c;
		if (revealed && !in_play[i])
			continue;
		c = text_clean(t->labels[i].value);
		lwid = text_width(c);
		free(c);
		if ((int)lwid > lw)
			lw = (int)lwid;
	}
	lw = lw > 14 ? 14 : lw;
	memset(&p, 0, sizeof p);
	p.rshow = xcalloc(s->guide.nrules + 1, 1);
	p.rwrap = xcalloc(s->guide.nrules + 1, 1);
	guide_plan(s, w, lw, wrap_all, rows, in_play, revealed, &p);
	for (size_t i = 0; i < t->nlabels && i < sizeof in_play; i++) {
		const struct guide_label *gl = guide_label_of(&s->guide, t->labels[i].value);
		if (!p.show[i] || !gl)
			continue;
		ln = ui_line_add(out);
		ui_span_add(ln, 0, lw, R_KEY, gl->value);
		text_lines(out, lw + 1, w, R_NORMAL, gl->definition, p.wrap[i], ln);
		for (size_t k = 0; k < p.nex[i]; k++) {
			char *ex = example_text(gl, k);
			text_lines(out, lw + 1, w, R_DIM, ex, wrap_all, ui_line_add(out));
			free(ex);
		}
	}
	for (size_t r = 0; r < s->guide.nrules; r++) {
		const struct guide_rule *ru = &s->guide.rules[r];
		char *text;
		int x;
		if (!p.rshow[r])
			continue;
		ln = ui_line_add(out);
		x = ui_span_add(ln, 0, 6, R_KEY, ru->id) + 1;
		text = rule_text(ru, wrap_all);
		text_lines(out, x, w, R_NORMAL, text, p.rwrap[r], ln);
		free(text);
	}
	free(p.rshow);
	free(p.rwrap);
}

/* ---- geometry and panes ---- */

size_t ui_pane_rows(size_t n, size_t h)
{
	return n > h && h > 1 ? h - 1 : h;
}

/* Wrapped line count of the item text at width w. */
static size_t item_text_lines(const struct ui_state *s, size_t w)
{
	char *clean = text_sanitize(s->item.text ? s->item.text : "",
				    s->item.text ? strlen(s->item.text) : 0, TEXT_MULTI, NULL);
	size_t n = ui_wrap(clean, w, NULL, NULL, 0);
	free(clean);
	return n;
}

void ui_item_geom(const struct ui_state *s, struct ui_item_geom *g)
{
	int body = s->rows - 5; /* rows between the badge line and the decision line */
	size_t n;
	int max;

	memset(g, 0, sizeof *g);
	if (body < 1)
		body = 1;
	if (s->cols >= WIDE_COLS) {
		int half = s->cols / 2;
		g->text_x = 1;
		g->text_y = 2;
		g->text_w = half - 2;
		max = body / 2 > 3 ? body / 2 : 3;
		n = s->has_item ? item_text_lines(s, (size_t)g->text_w) : 1;
		g->text_h = (int)n < max ? (int)n : max;
		g->a_x = 1;
		g->a_y = g->text_y + g->text_h + 1;
		g->a_w = half - 2;
		g->a_h = 2 + body - (g->a_y - 1) - 1;
		g->b_x = half + 1;
		g->b_y = 2;
		g->b_w = s->cols - half - 2;
		g->b_h = body;
	} else {
		g->text_x = 1;
		g->text_y = 2;
		g->text_w = s->cols > 4 ? s->cols - 2 : 1;
		max = s->rows >= 40 ? s->rows / 4 : 5;
		n = s->has_item ? item_text_lines(s, (size_t)g->text_w) : 1;
		g->text_h = (int)n < max ? (int)n : max;
		g->a_x = 0;
		g->a_y = g->text_y + g->text_h;
		g->a_w = s->cols;
		g->a_h = 2 + body - g->a_y;
	}
	if (g->text_h < 1)
		g->text_h = 1;
	if (g->a_h < 1)
		g->a_h = 1;
}

void ui_item_pane(const struct ui_state *s, int which, int width, struct ui_lines *out)
{
	const struct review_item *it = &s->item;
	int revealed = ui_item_revealed(s);
	int wide = s->cols >= WIDE_COLS;
	struct ui_item_geom g;

	memset(out, 0, sizeof *out);
	if (!s->has_item)
		return;
	ui_item_geom(s, &g);
	if (which == 'b') {
		guide_block(s, width, 1, g.b_h, out);
		return;
	}
	ui_conflict_block(s, width, out);
	if (!revealed) {
		struct ui_line *ln = ui_line_add(out);
		ui_span_addf(ln, 0, width, R_DISPUTED,
		      "Votes and model hidden: make your blind call first (1-%zu)",
		      it->task.nlabels < 9 ? it->task.nlabels : 9);
	} else if (!wide && width >= 70) {
		/* Votes on the left, the model beside them. */
		struct ui_lines l = {0}, r = {0};
		int mw = width * 2 / 5 > MODEL_MIN_W ? width * 2 / 5 : MODEL_MIN_W;
		size_t top = out->n;
		votes_block(s, width - mw - 2, &l);
		model_block(s, mw, &r);
		merge(out, top, &l, 0);
		merge(out, top, &r, width - mw);
		ui_lines_free(&l);
		ui_lines_free(&r);
	} else {
		votes_block(s, width, out);
		model_block(s, width, out);
	}
	/* Narrow, the guideline gets the pane's rows the evidence left. */
	if (!wide)
		guide_block(s, width, 0, (long)g.a_h - (long)out->n, out);
}
