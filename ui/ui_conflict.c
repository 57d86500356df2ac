/*
 * ui_conflict: the item view's conflict block. An item a merged packet left
 * in conflict (a decision made here and one made offline since the packet
 * was made) shows, above its votes and model, both decisions: who, when,
 * label, reason, guideline rule and blind call, side by side from
 * UI_CONFLICT_COLS columns and one under the other below that, and how a
 * lead settles them. Both decisions are in the item's history, which the
 * block reads; the votes and the model follow it as in every item view.
 * Pure: the lines come from the state, every span sanitised.
 */
#include "config.h"

#include "text.h"
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A reason takes at most this many lines; the last is cut with an ellipsis. */
#define REASON_LINES 4

static const struct review_decision *find(const struct review_item *it, int64_t id)
{
	for (size_t i = 0; i < it->nhistory; i++)
		if (it->history[i].id == id)
			return &it->history[i];
	return NULL;
}

static const char *or_none(const char *v)
{
	return v && *v ? v : "-";
}

/* "2026-12-03 06:34" from a stored UTC time, or the text as it is. */
static void when(const char *at, char *buf, size_t len)
{
	if (at && strlen(at) >= 16 && at[10] == 'T')
		snprintf(buf, len, "%.10s %.5s", at, at + 11);
	else
		snprintf(buf, len, "%s", or_none(at));
}

static const char *label_of(const struct review_decision *d)
{
	return !d ? "?" : d->label ? d->label : "(undone: no decision)";
}

/* The two sides: what each field reads, by row. */
enum { F_WHO, F_WHEN, F_LABEL, F_REASON, F_RULE, F_BLIND, NFIELDS };
static const char *const field_names[NFIELDS] = {"who",	   "when", "label",
						 "reason", "rule", "blind call"};

static const char *field(const struct review_decision *d, int f, char *buf, size_t len)
{
	if (!d)
		return "?";
	switch (f) {
	case F_WHO:
		return or_none(d->expert);
	case F_WHEN:
		when(d->at, buf, len);
		return buf;
	case F_LABEL:
		return label_of(d);
	case F_REASON:
		return or_none(d->reason);
	case F_RULE:
		return or_none(d->rule);
	default:
		return or_none(d->blind_label);
	}
}

/* Text wrapped at w columns: its pieces in piece[], at most REASON_LINES,
 * the last holding the rest (cut when drawn). Returns how many. */
static size_t pieces(const char *raw, int w, char *piece[REASON_LINES])
{
	char *clean = text_clean(raw);
	size_t starts[REASON_LINES + 1], lens[REASON_LINES + 1];
	size_t n = ui_wrap(clean, (size_t)(w > 1 ? w : 1), starts, lens, REASON_LINES + 1);
	if (n == 0) {
		piece[0] = xstrdup("");
		n = 1;
	} else {
		if (n > REASON_LINES)
			n = REASON_LINES;
		for (size_t i = 0; i < n; i++)
			piece[i] = i + 1 == n ? xstrdup(clean + starts[i])
					      : xstrndup(clean + starts[i], lens[i]);
	}
	free(clean);
	return n;
}

static void side_by_side(const struct review_item *it, const struct review_decision *d[2],
			 int width, struct ui_lines *out)
{
	int kw = 11, sw = (width - kw - 3) / 2, x2 = kw + sw + 3;
	struct ui_line *ln = ui_line_add(out);
	char b0[32], b1[32];

	ui_span_addf(ln, kw, sw, R_TITLE, "here: decision %lld", (long long)it->conflict[0]);
	ui_span_add(ln, kw + sw + 1, 1, R_DIM, "|");
	ui_span_addf(ln, x2, sw, R_TITLE, "packet: decision %lld", (long long)it->conflict[1]);
	for (int f = 0; f < NFIELDS; f++) {
		enum ui_role r = f == F_LABEL ? R_DECIDED : R_NORMAL;
		char *p0[REASON_LINES] = {0}, *p1[REASON_LINES] = {0};
		size_t n0 = 1, n1 = 1, n;
		if (f == F_REASON) {
			n0 = pieces(field(d[0], f, b0, sizeof b0), sw, p0);
			n1 = pieces(field(d[1], f, b1, sizeof b1), sw, p1);
		} else {
			p0[0] = xstrdup(field(d[0], f, b0, sizeof b0));
			p1[0] = xstrdup(field(d[1], f, b1, sizeof b1));
		}
		n = n0 > n1 ? n0 : n1;
		for (size_t i = 0; i < n; i++) {
			ln = ui_line_add(out);
			if (i == 0)
				ui_span_add(ln, 0, kw - 1, R_DIM, field_names[f]);
			if (i < n0)
				ui_span_add(ln, kw, sw, r, p0[i]);
			ui_span_add(ln, kw + sw + 1, 1, R_DIM, "|");
			if (i < n1)
				ui_span_add(ln, x2, sw, r, p1[i]);
		}
		for (size_t i = 0; i < REASON_LINES; i++) {
			free(p0[i]);
			free(p1[i]);
		}
	}
}

static void stacked(const struct review_item *it, const struct review_decision *d[2], int width,
		    struct ui_lines *out)
{
	for (int i = 0; i < 2; i++) {
		struct ui_line *ln = ui_line_add(out);
		char at[32];
		int x;
		x = ui_span_add(ln, 0, width, R_TITLE, i == 0 ? "here  " : "packet");
		x += 1 + ui_span_addf(ln, x + 1, width - x - 1, R_DIM, "%lld",
				      (long long)it->conflict[i]);
		x += 1 + ui_span_add(ln, x + 1, width - x - 1, R_NORMAL, field(d[i], F_WHO, at, 0));
		x += 1 + ui_span_add(ln, x + 1, width - x - 1, R_DIM,
				     field(d[i], F_WHEN, at, sizeof at));
		x += 2 + ui_span_add(ln, x + 2, width - x - 2, R_DECIDED, label_of(d[i]));
		x += 2 + ui_span_addf(ln, x + 2, width - x - 2, R_DIM, "blind %s",
				      d[i] ? or_none(d[i]->blind_label) : "?");
		ui_span_addf(ln, x + 2, width - x - 2, R_DIM, "rule %s",
			     d[i] ? or_none(d[i]->rule) : "?");
		{
			char *p[REASON_LINES] = {0};
			size_t n = pieces(d[i] ? or_none(d[i]->reason) : "?", width - 15, p);
			for (size_t k = 0; k < n; k++) {
				ln = ui_line_add(out);
				if (k == 0)
					ui_span_add(ln, 7, 7, R_DIM, "reason");
				ui_span_add(ln, 15, width - 15, R_NORMAL, p[k]);
				free(p[k]);
			}
		}
	}
}

void ui_conflict_block(const struct ui_state *s, int width, struct ui_lines *out)
{
	const struct review_item *it = &s->item;
	const struct review_decision *d[2];
	struct ui_line *ln;

	if (!s->has_item || !it->conflict[0])
		return;
	ln = ui_line_add(out);
	if (!ui_item_revealed(s)) {
		ui_span_add(ln, 0, width, R_DISPUTED,
			    "Conflict: both decisions are shown after your blind call");
		return;
	}
	d[0] = find(it, it->conflict[0]);
	d[1] = find(it, it->conflict[1]);
	ui_span_add(ln, 0, width, R_DISPUTED, "Conflict: a lead's decision settles both");
	if (s->cols >= UI_CONFLICT_COLS)
		side_by_side(it, d, width, out);
	else
		stacked(it, d, width, out);
	ui_line_add(out);
}
