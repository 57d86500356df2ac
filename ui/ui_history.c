/*
 * ui_history: the history view's lines. Each audit event of the open (or
 * selected) item becomes one readable entry: when (UTC), who, what changed
 * and why, from the fields store_review read out of the event's JSON, so
 * nobody has to read the JSON. Claims (an expert opening the item) are many
 * and say little, so they are folded into a count until asked for. The
 * lines are pure: the update side counts them to scroll, the draw side
 * renders them, and the update tests read them. Also the history view's
 * actions (open it, show or fold the claims) and callbacks.
 */
#include "config.h"

#include "text.h"
#include "ui_update.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIME_W 19
#define WHO_X  UI_HISTORY_WHO_X
#define WHO_W  (UI_HISTORY_WHAT_X - UI_HISTORY_WHO_X - 1)
#define WHAT_X UI_HISTORY_WHAT_X

static int is_claim(const struct review_event *e)
{
	return e->action && strcmp(e->action, "claim") == 0;
}

size_t ui_history_folded(const struct ui_state *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nevents; i++)
		n += is_claim(&s->events[i]);
	return s->show_claims ? 0 : n;
}

/* "2024-05-01T10:02:33.120Z" -> "2024-05-01 10:02:33" (the title says UTC). */
static void when(const char *at, char *buf, size_t len)
{
	snprintf(buf, len, "%.19s", at ? at : "");
	if (strlen(buf) > 10 && buf[10] == 'T')
		buf[10] = ' ';
}

/* A label value as the entry shows it; "no decision" for none. */
static const char *lab(const char *v)
{
	return v ? v : "no decision";
}

/* What the event changed, as a sentence fragment, into b. */
static void what(const struct review_event *e, struct sbuf *b)
{
	const char *a = e->action ? e->action : "";

	if (strcmp(a, "decide") == 0) {
		sbuf_addf(b, "decided %s", lab(e->label));
		if (e->blind_label && e->label && strcmp(e->blind_label, e->label) != 0)
			sbuf_addf(b, " (blind call: %s)", e->blind_label);
		else if (e->blind_label)
			sbuf_add(b, " (same as the blind call)");
		if (e->before_label)
			sbuf_addf(b, ", replacing %s%s%s", e->before_expert ? e->before_expert : "",
				  e->before_expert ? "'s " : "", e->before_label);
		if (!isnan(e->seconds) && e->seconds >= 0)
			sbuf_addf(b, " in %.0f s", e->seconds);
		if (e->origin && strcmp(e->origin, "import") == 0)
			sbuf_addf(b, ", imported%s%s", e->file ? " from " : "",
				  e->file ? e->file : "");
	} else if (strcmp(a, "undo") == 0) {
		sbuf_addf(b, "undid the decision %s: back to %s", lab(e->before_label),
			  lab(e->label));
	} else if (strcmp(a, "reason") == 0) {
		sbuf_addf(b, "gave the decision %s a new reason", lab(e->label));
		if (e->before_reason || e->before_rule)
			sbuf_addf(b, " (was: %s%s%s%s)", e->before_rule ? "#" : "",
				  e->before_rule ? e->before_rule : "",
				  e->before_rule && e->before_reason ? " " : "",
				  e->before_reason ? e->before_reason : "");
	} else if (strcmp(a, "flag") == 0) {
		sbuf_add(b, "flagged the guideline as unclear for this item");
	} else if (strcmp(a, "skip") == 0) {
		sbuf_add(b, "skipped it");
	} else if (strcmp(a, "claim") == 0) {
		sbuf_add(b, "opened it (claim)");
	} else {
		/* An action this screen does not know: name it, and show its detail. */
		sbuf_addf(b, "%s %s", a, e->detail ? e->detail : "");
	}
}

/* Why, when the event says: the reason with the rule it cites, or a flag's note. */
static void why(const struct review_event *e, struct sbuf *b)
{
	const char *a = e->action ? e->action : "";
	if (strcmp(a, "undo") == 0)
		return;
	if (strcmp(a, "flag") == 0) {
		if (e->reason)
			sbuf_addf(b, "note: %s", e->reason);
		return;
	}
	if (!e->reason && !e->rule)
		return;
	sbuf_add(b, "why: ");
	if (e->rule)
		sbuf_addf(b, "rule %s%s", e->rule, e->reason ? ", " : "");
	if (e->reason)
		sbuf_add(b, e->reason);
}

/* Append raw text sanitised and wrapped to the what column, the first part
 * on line `first`; role r. */
static void wrapped(struct ui_lines *out, struct ui_line *first, int width, enum ui_role r,
		    const char *raw)
{
	char *clean = text_clean(raw);
	int w = width - WHAT_X;
	size_t starts[64], lens[64], n;

	if (w < 8)
		w = 8;
	n = ui_wrap(clean, (size_t)w, starts, lens, GV_ARRAY_LEN(starts));
	for (size_t i = 0; i < n && i < GV_ARRAY_LEN(starts); i++) {
		struct ui_line *ln = i ? ui_line_add(out) : first;
		char *part = xstrndup(clean + starts[i], lens[i]);
		ui_span_add(ln, WHAT_X, w, r, part);
		free(part);
	}
	free(clean);
}

void ui_history_lines(const struct ui_state *s, int width, struct ui_lines *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < s->nevents; i++) {
		const struct review_event *e = &s->events[i];
		struct sbuf w = {0}, y = {0};
		struct ui_line *ln;
		char t[32];

		if (is_claim(e) && !s->show_claims)
			continue;
		ln = ui_line_add(out);
		when(e->at, t, sizeof t);
		ui_span_add(ln, 0, TIME_W, R_DIM, t);
		ui_span_add(ln, WHO_X, WHO_W, R_KEY, e->actor);
		what(e, &w);
		wrapped(out, ln, width, is_claim(e) ? R_DIM : R_NORMAL, w.s ? w.s : "");
		why(e, &y);
		if (y.len)
			wrapped(out, ui_line_add(out), width, R_DIM, y.s);
		sbuf_free(&w);
		sbuf_free(&y);
	}
}

/* ---- the history view ---- */

/* The history's line count at this width, with the scroll position kept in it. */
static void history_fit(struct ui_state *s)
{
	struct ui_lines l;
	size_t h = ui_list_height(s);
	/* One column of margin on the left, as drawn. */
	ui_history_lines(s, s->cols - 1, &l);
	s->hlist.n = l.n;
	ui_lines_free(&l);
	if (s->hlist.top > (s->hlist.n > h ? s->hlist.n - h : 0))
		s->hlist.top = s->hlist.n > h ? s->hlist.n - h : 0;
	s->hlist.cur = s->hlist.top;
}

static int show_history(struct ui_state *s)
{
	char err[GV_ERR];
	size_t idx = s->view == UI_ITEM ? s->item_row : ui_queue_current(s);
	if (idx == (size_t)-1)
		return UI_REDRAW;
	/* The trail holds other experts' labels: blind, it waits for my call. */
	if (s->view == UI_ITEM ? !ui_item_revealed(s) : !ui_row_revealed(s, &s->qrows[idx])) {
		ui_message(s, UI_MSG_INFO, "blind: the history shows after your call on this item");
		return UI_REDRAW;
	}
	store_review_events_free(s->events, s->nevents);
	s->events = NULL;
	s->nevents = 0;
	if (s->be->events(s->be->ctx, s->qrows[idx].item, &s->events, &s->nevents, err)) {
		ui_message(s, UI_MSG_ERROR, "%s", err);
		return UI_REDRAW;
	}
	s->back = s->view;
	s->view = UI_HISTORY;
	memset(&s->hlist, 0, sizeof s->hlist);
	/* The latest events matter most: start at the end. */
	s->hlist.top = (size_t)-1;
	history_fit(s);
	return UI_REDRAW;
}

int ui_history_do_open(struct ui_state *s, enum ui_action a, int arg)
{
	return show_history(s);
}

int ui_history_do_claims(struct ui_state *s, enum ui_action a, int arg)
{
	if (s->view != UI_HISTORY)
		return 0;
	s->show_claims = !s->show_claims;
	s->hlist.top = (size_t)-1;
	history_fit(s);
	return UI_REDRAW;
}

static struct ui_list *history_list(struct ui_state *s)
{
	return &s->hlist;
}

static void history_refit(struct ui_state *s)
{
	if (s->nevents)
		history_fit(s);
}

const struct ui_view_def ui_history_view = {
	.name = "history",
	.list = history_list,
	.pager = 1,
	.back = ui_update_return,
	.fit = history_refit,
};
