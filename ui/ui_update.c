/*
 * ui_update: the review screen's state machine. Declares every action once
 * (ui_actions), binds keys to actions per view (ui_bindings; the help screen
 * and the footer are generated from both tables), and applies actions to
 * struct ui_state. Nothing here draws or includes curses; the database is
 * reached through struct ui_backend, so tests drive it with a fake.
 */
#include "config.h"

#include "text.h"
#include "ui.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ACTION(i, n, h, g, f) [i] = {.id = i, .name = n, .help = h, .group = g, .footer = f}

const struct ui_action_def ui_actions[ACT_COUNT] = {
	ACTION(ACT_NONE, "none", "", "", NULL),
	ACTION(ACT_UP, "move-up", "move up, or scroll the item text up", "move", NULL),
	ACTION(ACT_DOWN, "move-down", "move down, or scroll the item text down", "move", "move"),
	ACTION(ACT_PAGE_UP, "page-up", "one page up", "move", NULL),
	ACTION(ACT_PAGE_DOWN, "page-down", "one page down", "move", NULL),
	ACTION(ACT_TOP, "top", "first row", "move", NULL),
	ACTION(ACT_BOTTOM, "bottom", "last row", "move", NULL),
	ACTION(ACT_OPEN, "open", "open the item under the cursor", "move", "open"),
	ACTION(ACT_BACK, "back", "back to the previous screen", "move", "back"),
	ACTION(ACT_QUIT, "quit", "quit gavel (your draft is kept)", "move", "quit"),
	ACTION(ACT_HELP, "help", "this help", "view", "help"),
	ACTION(ACT_HISTORY, "history", "the item's audit history", "view", "hist"),
	ACTION(ACT_SEARCH, "search",
	       "search the queue: id, task, votes, model, reason, text, metadata, annotators",
	       "queue", "find"),
	ACTION(ACT_SEARCH_NEXT, "search-next", "next match", "queue", NULL),
	ACTION(ACT_SEARCH_PREV, "search-prev", "previous match", "queue", NULL),
	ACTION(ACT_SORT, "sort", "sort by queue order, agreement, model confidence, id", "queue",
	       "sort"),
	ACTION(ACT_FILTER, "filter", "show all, open only, or decided only", "queue", "filter"),
	ACTION(ACT_DECIDE, "decide", "decide the n-th label (or the guideline's key)", "decide",
	       NULL),
	ACTION(ACT_REASON, "reason", "add or edit the reason (#RULE text)", "decide", "reason"),
	ACTION(ACT_SKIP, "skip", "skip this item for now", "decide", "skip"),
	ACTION(ACT_FLAG, "flag", "flag the guideline as unclear for this item (with a note)",
	       "decide", "flag"),
	ACTION(ACT_UNDO, "undo", "undo your last decision (a new superseding one)", "decide",
	       "undo"),
	ACTION(ACT_NEXT_ITEM, "next-item", "next item in the queue", "move", NULL),
	ACTION(ACT_PREV_ITEM, "prev-item", "previous item in the queue", "move", NULL),
	ACTION(ACT_REDRAW, "redraw", "redraw the screen", "view", NULL),
	ACTION(ACT_PANE_DOWN, "pane-down", "scroll the votes, model and guideline pane down",
	       "move", "more"),
	ACTION(ACT_PANE_UP, "pane-up", "scroll the votes, model and guideline pane up", "move",
	       NULL),
	ACTION(ACT_QUEUES, "queues", "switch to another of the project's queues", "queue",
	       "queues"),
	ACTION(ACT_CALIBRATION, "calibration",
	       "model calibration vs expert decisions", "view", "calib"),
	ACTION(ACT_CLAIMS, "claims", "show or fold the claim events in the history", "view",
	       "claims"),
};

#define V_Q (1u << UI_QUEUE)
#define V_I (1u << UI_ITEM)
#define V_H (1u << UI_HISTORY)
#define V_P (1u << UI_HELP)
#define V_K (1u << UI_PICKER)
#define V_C (1u << UI_CALIB)
#define V_ALL (V_Q | V_I | V_H | V_P | V_K | V_C)

const struct ui_binding ui_bindings[] = {
	{V_ALL, 'j', ACT_DOWN, 0},
	{V_ALL, UI_KEY_DOWN, ACT_DOWN, 0},
	{V_ALL, 'k', ACT_UP, 0},
	{V_ALL, UI_KEY_UP, ACT_UP, 0},
	{V_ALL, UI_KEY_PGDN, ACT_PAGE_DOWN, 0},
	{V_ALL, ' ', ACT_PAGE_DOWN, 0},
	{V_ALL, UI_KEY_PGUP, ACT_PAGE_UP, 0},
	{V_ALL, 'g', ACT_TOP, 0},
	{V_ALL, UI_KEY_HOME, ACT_TOP, 0},
	{V_ALL, 'G', ACT_BOTTOM, 0},
	{V_ALL, UI_KEY_END, ACT_BOTTOM, 0},
	{V_Q | V_K, UI_KEY_ENTER, ACT_OPEN, 0},
	{V_Q | V_K, 'l', ACT_OPEN, 0},
	{V_Q | V_K, UI_KEY_RIGHT, ACT_OPEN, 0},
	{V_Q, 'q', ACT_QUIT, 0},
	{V_I | V_H | V_P | V_K | V_C, 'q', ACT_BACK, 0},
	{V_I | V_H | V_P | V_K | V_C, UI_KEY_ESC, ACT_BACK, 0},
	{V_I | V_H | V_P | V_K | V_C, UI_KEY_LEFT, ACT_BACK, 0},
	{V_ALL, UI_KEY_CTRL('c'), ACT_QUIT, 0},
	{V_Q | V_I, 'Q', ACT_QUEUES, 0},
	{V_I, 'J', ACT_PANE_DOWN, 0},
	{V_I, 'K', ACT_PANE_UP, 0},
	{V_Q | V_I | V_H, '?', ACT_HELP, 0},
	{V_Q | V_I, 'h', ACT_HISTORY, 0},
	{V_Q | V_I, 'c', ACT_CALIBRATION, 0},
	{V_H, 'c', ACT_CLAIMS, 0},
	{V_Q, '/', ACT_SEARCH, 0},
	{V_Q, 'n', ACT_SEARCH_NEXT, 0},
	{V_Q, 'N', ACT_SEARCH_PREV, 0},
	{V_Q, 'o', ACT_SORT, 0},
	{V_Q, 'F', ACT_FILTER, 0},
	{V_I, '1', ACT_DECIDE, 0},
	{V_I, '2', ACT_DECIDE, 1},
	{V_I, '3', ACT_DECIDE, 2},
	{V_I, '4', ACT_DECIDE, 3},
	{V_I, '5', ACT_DECIDE, 4},
	{V_I, '6', ACT_DECIDE, 5},
	{V_I, '7', ACT_DECIDE, 6},
	{V_I, '8', ACT_DECIDE, 7},
	{V_I, '9', ACT_DECIDE, 8},
	{V_I, 'r', ACT_REASON, 0},
	{V_I, 's', ACT_SKIP, 0},
	{V_I, 'f', ACT_FLAG, 0},
	{V_Q | V_I, 'u', ACT_UNDO, 0},
	{V_I, 'n', ACT_NEXT_ITEM, 0},
	{V_I, 'p', ACT_PREV_ITEM, 0},
	{V_ALL, UI_KEY_CTRL('l'), ACT_REDRAW, 0},
};
const size_t ui_nbindings = GV_ARRAY_LEN(ui_bindings);

static void utf8_put(struct sbuf *b, int cp);
static void open_input(struct ui_state *s, enum ui_input kind, const char *init);

const char *ui_key_name(int key, char *buf, size_t len)
{
	static const struct {
		int key;
		const char *name;
	} names[] = {
		{UI_KEY_UP, "Up"},       {UI_KEY_DOWN, "Down"},   {UI_KEY_LEFT, "Left"},
		{UI_KEY_RIGHT, "Right"}, {UI_KEY_PGUP, "PgUp"},   {UI_KEY_PGDN, "PgDn"},
		{UI_KEY_HOME, "Home"},   {UI_KEY_END, "End"},     {UI_KEY_ENTER, "Enter"},
		{UI_KEY_ESC, "Esc"},     {UI_KEY_BACKSPACE, "BS"}, {UI_KEY_TAB, "Tab"},
		{UI_KEY_DELETE, "Del"},  {' ', "Space"},
	};
	for (size_t i = 0; i < GV_ARRAY_LEN(names); i++) {
		if (names[i].key == key) {
			snprintf(buf, len, "%s", names[i].name);
			return buf;
		}
	}
	if (key > 0 && key < 0x20) {
		snprintf(buf, len, "C-%c", key + 'a' - 1);
	} else if (key > 0x20 && key < 0x7f) {
		snprintf(buf, len, "%c", key);
	} else if (key >= 0xa0 && key < 0x110000 && len >= 5) {
		/* A character from a keys file, as UTF-8 (the draw side sanitises it). */
		struct sbuf b = {0};
		utf8_put(&b, key);
		snprintf(buf, len, "%s", b.s);
		sbuf_free(&b);
	} else {
		snprintf(buf, len, "U+%04X", (unsigned)key);
	}
	return buf;
}

/* ---- the list widget ---- */

static void list_clamp(struct ui_list *l, size_t height)
{
	if (!height)
		height = 1;
	if (l->n == 0) {
		l->cur = l->top = 0;
		return;
	}
	if (l->cur >= l->n)
		l->cur = l->n - 1;
	if (l->cur < l->top)
		l->top = l->cur;
	if (l->cur >= l->top + height)
		l->top = l->cur - height + 1;
	if (l->top + height > l->n)
		l->top = l->n > height ? l->n - height : 0;
}

void ui_list_move(struct ui_list *l, long delta, size_t height)
{
	if (delta < 0 && (size_t)-delta > l->cur)
		l->cur = 0;
	else
		l->cur = (size_t)((long)l->cur + delta);
	list_clamp(l, height);
}

void ui_list_set(struct ui_list *l, size_t n, size_t height)
{
	l->n = n;
	list_clamp(l, height);
}

size_t ui_list_height(const struct ui_state *s)
{
	return s->rows > 5 ? (size_t)s->rows - 5 : 1;
}

int ui_row_revealed(const struct ui_state *s, const struct review_row *r)
{
	return !s->blind || r->status == REVIEW_MINE;
}

int ui_item_revealed(const struct ui_state *s)
{
	const struct review_decision *cur;
	if (!s->blind || s->blind_call >= 0)
		return 1;
	/* Another expert's decision is a call too: it waits for mine. */
	cur = s->has_item ? review_item_current(&s->item) : NULL;
	return cur && cur->label && strcmp(cur->expert, s->me) == 0;
}

void ui_item_text_geom(const struct ui_state *s, size_t *width, size_t *height)
{
	struct ui_item_geom g;
	ui_item_geom(s, &g);
	*width = (size_t)g.text_w;
	*height = (size_t)g.text_h;
}

/* ---- text wrapping (pure; shared with draw) ---- */

static size_t char_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 1;
}

static size_t char_width(const char *p, size_t n)
{
	char tmp[8];
	memcpy(tmp, p, n);
	tmp[n] = 0;
	return text_width(tmp);
}

size_t ui_wrap(const char *s, size_t width, size_t *starts, size_t *lens, size_t cap)
{
	size_t nlines = 0, i = 0, len = strlen(s);

	if (!width)
		width = 1;
	for (;;) {
		size_t start = i, w = 0, brk = (size_t)-1, end, next;
		while (i < len && s[i] != '\n') {
			size_t cl = char_len((unsigned char)s[i]), cw;
			if (i + cl > len)
				cl = len - i;
			cw = char_width(s + i, cl);
			/* A character wider than the whole line is taken anyway. */
			if (w + cw > width && i > start)
				break;
			if (s[i] == ' ')
				brk = i;
			w += cw;
			i += cl;
		}
		end = next = i;
		if (i < len && s[i] == ' ') {
			next = i + 1;
		} else if (i < len && s[i] != '\n') {
			if (brk != (size_t)-1 && brk > start) {
				end = brk;
				next = brk + 1;
			}
		} else if (i < len) {
			next = i + 1;
		}
		if (starts && nlines < cap) {
			starts[nlines] = start;
			lens[nlines] = end - start;
		}
		nlines++;
		i = next;
		if (i >= len)
			break;
	}
	return nlines;
}

/* ---- help ---- */

static const char *const help_groups[] = {"move", "view", "queue", "decide"};

size_t ui_help_count(void)
{
	return GV_ARRAY_LEN(help_groups) * 2 + ACT_COUNT - 1 + 2;
}

void ui_help_line(const struct ui_keymap *km, size_t i, char *buf, size_t len)
{
	size_t line = 0;
	buf[0] = 0;
	for (size_t g = 0; g < GV_ARRAY_LEN(help_groups); g++) {
		if (line++ == i) {
			snprintf(buf, len, "%s", help_groups[g]);
			return;
		}
		for (int a = 1; a < ACT_COUNT; a++) {
			char keys[64];
			if (strcmp(ui_actions[a].group, help_groups[g]) != 0)
				continue;
			if (line++ != i)
				continue;
			ui_keys_of(km, (enum ui_action)a, V_ALL, keys, sizeof keys);
			if (!keys[0])
				snprintf(keys, sizeof keys, "(no key)");
			snprintf(buf, len, "  %-22s %-12s %s", keys, ui_actions[a].name,
				 ui_actions[a].help);
			return;
		}
		if (line++ == i)
			return;
	}
	if (line++ == i)
		snprintf(buf, len, "In the item view the guideline's own label keys decide too.");
}

/* ---- messages and small helpers ---- */

void ui_message(struct ui_state *s, enum ui_msg kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof s->msg, fmt, ap);
	va_end(ap);
	s->msg_kind = kind;
	s->msg_seq++;
}

static double now(const struct ui_state *s)
{
	return s->be && s->be->now ? s->be->now(s->be->ctx) : 0;
}

size_t ui_queue_current(const struct ui_state *s)
{
	if (!s->qlist.n)
		return (size_t)-1;
	return s->order[s->qlist.cur];
}

static void refresh_row(struct ui_state *s, size_t idx)
{
	char err[GV_ERR];
	if (s->be && s->be->row_status && idx < s->nq &&
	    s->be->row_status(s->be->ctx, &s->qrows[idx], err))
		ui_message(s, UI_MSG_ERROR, "%s", err);
}

static void refresh_visible(struct ui_state *s)
{
	size_t h = ui_list_height(s);
	for (size_t i = s->qlist.top; i < s->qlist.n && i < s->qlist.top + h; i++)
		refresh_row(s, s->order[i]);
}

static const char *const sort_names[UI_NSORTS] = {"queue order", "agreement", "model confidence",
						  "item id"};
static const char *const filter_names[UI_NFILTERS] = {"all items", "open items",
						      "decided items"};

static int cmp_rows(const void *a, const void *b, void *ctx)
{
	const struct ui_state *s = ctx;
	const struct review_row *x = &s->qrows[*(const size_t *)a];
	const struct review_row *y = &s->qrows[*(const size_t *)b];
	double dx = 0, dy = 0;
	int c = 0;

	switch (s->sort) {
	case UI_SORT_AGREEMENT:
		dx = isnan(x->agreement) ? 2 : x->agreement;
		dy = isnan(y->agreement) ? 2 : y->agreement;
		break;
	case UI_SORT_MODEL:
		dx = isnan(x->model_conf) ? 2 : x->model_conf;
		dy = isnan(y->model_conf) ? 2 : y->model_conf;
		break;
	case UI_SORT_ID:
		c = strcmp(x->external_id ? x->external_id : "", y->external_id ? y->external_id : "");
		break;
	default:
		break;
	}
	if (dx != dy)
		return dx < dy ? -1 : 1;
	if (c)
		return c;
	return *(const size_t *)a < *(const size_t *)b ? -1 : *(const size_t *)a > *(const size_t *)b;
}

static int row_done(const struct review_row *r)
{
	return r->status == REVIEW_MINE || r->status == REVIEW_OTHER;
}

/* Rebuild the shown rows after a sort or filter change, keeping the cursor's row. */
static void rebuild_order(struct ui_state *s)
{
	size_t keep = ui_queue_current(s), n = 0;

	if (s->filter != UI_FILTER_ALL) {
		for (size_t i = 0; i < s->nq; i++)
			refresh_row(s, i);
	}
	for (size_t i = 0; i < s->nq; i++) {
		const struct review_row *r = &s->qrows[i];
		if (s->filter == UI_FILTER_OPEN && row_done(r))
			continue;
		if (s->filter == UI_FILTER_DONE && !row_done(r))
			continue;
		s->order[n++] = i;
	}
	if (s->sort != UI_SORT_QUEUE)
		qsort_r(s->order, n, sizeof *s->order, cmp_rows, s);
	s->qlist.n = n;
	s->qlist.cur = 0;
	for (size_t i = 0; i < n; i++) {
		if (s->order[i] == keep) {
			s->qlist.cur = i;
			break;
		}
	}
	list_clamp(&s->qlist, ui_list_height(s));
}

/* ---- opening and closing an item ---- */

/* Write (or with "" delete) my draft for the open item; -1 when that failed
 * (the message says so). */
static int save_draft(struct ui_state *s, const char *text)
{
	char err[GV_ERR];
	int rc = 0;
	if (!s->has_item || !s->can_decide || !s->be->draft)
		return 0;
	if (s->be->draft(s->be->ctx, s->item.id, text, err)) {
		ui_message(s, UI_MSG_ERROR, "draft not saved: %s", err);
		rc = -1;
	} else {
		s->draft_at = now(s);
	}
	s->draft_dirty = 0;
	return rc;
}

static void close_input(struct ui_state *s)
{
	s->input = UI_INPUT_NONE;
	sbuf_reset(&s->inbuf);
	s->incur = 0;
	s->draft_dirty = 0;
	s->draft_written = 0;
	free(s->edit_base);
	s->edit_base = NULL;
}

/*
 * Esc in the reason editor: what was typed is dropped, in the database too.
 * An autosave may already have written it over the draft table's row, which
 * then goes back to the reason accepted before (or away), so that nothing
 * cancelled returns when the item is opened again.
 */
static int cancel_reason(struct ui_state *s)
{
	int rc = 0;
	if (s->draft_written)
		rc = save_draft(s, s->edit_base ? s->edit_base : "");
	close_input(s);
	return rc;
}

static void close_item(struct ui_state *s)
{
	char err[GV_ERR];
	const char *text = NULL;
	if (!s->has_item)
		return;
	if (s->input == UI_INPUT_REASON && s->draft_dirty)
		text = s->inbuf.s ? s->inbuf.s : "";
	/* Draft and claim in one write: on a hang-up every sync counts. */
	if (s->claimed && s->be->leave) {
		if (s->be->leave(s->be->ctx, s->item.id, text, err))
			ui_message(s, UI_MSG_ERROR, "%s", err);
	} else {
		if (text)
			save_draft(s, text);
		if (s->claimed && s->be->release && s->be->release(s->be->ctx, s->item.id, err))
			ui_message(s, UI_MSG_ERROR, "%s", err);
	}
	if (s->input == UI_INPUT_REASON)
		close_input(s);
	s->claimed = 0;
	s->holder[0] = 0;
	review_item_free(&s->item);
	if (s->has_guide)
		guide_free(&s->guide);
	s->has_guide = 0;
	s->has_item = 0;
	free(s->pending_reason);
	s->pending_reason = NULL;
	refresh_row(s, s->item_row);
}

/*
 * Open row idx. Returns REVIEW_MEANWHILE when another expert decided the
 * item after its row was read (nothing claimed; their name in who),
 * REVIEW_HELD when another expert holds it, else 0.
 */
static int open_row(struct ui_state *s, size_t idx, char *who, size_t who_len)
{
	char err[GV_ERR];
	const struct review_decision *cur;
	int claim = 0;

	close_item(s);
	if (idx >= s->nq)
		return 0;
	if (s->be->load(s->be->ctx, s->qrows[idx].item, &s->item, &s->guide, &s->has_guide, err)) {
		ui_message(s, UI_MSG_ERROR, "%s", err);
		return 0;
	}
	s->has_item = 1;
	s->item_row = idx;
	s->view = UI_ITEM;
	s->text_top = 0;
	s->pane_top = 0;
	s->blind_call = -1;
	s->overrule = 0;
	s->opened_at = s->renewed_at = now(s);
	s->msg[0] = 0;
	cur = review_item_current(&s->item);
	if (s->can_decide && s->be->claim) {
		claim = s->be->claim(s->be->ctx, s->item.id, s->qrows[idx].decision, s->holder,
				     sizeof s->holder, err);
		if (claim == 0) {
			s->claimed = 1;
		} else if (claim == REVIEW_HELD) {
			ui_message(s, UI_MSG_INFO, "%s is working on this item; you can read it",
				   s->holder);
		} else if (claim == REVIEW_MEANWHILE) {
			snprintf(who, who_len, "%s", s->holder);
			s->holder[0] = 0;
			ui_message(s, UI_MSG_INFO, "decided by %s meanwhile", who);
		} else {
			ui_message(s, UI_MSG_ERROR, "%s", err);
			claim = 0;
		}
	}
	if (cur && cur->label && strcmp(cur->expert, s->me) != 0) {
		if (ui_item_revealed(s))
			ui_message(s, UI_MSG_INFO, "already decided by %s: %s", cur->expert,
				   cur->label);
		else
			ui_message(s, UI_MSG_INFO,
				   "already decided by %s; their label shows after your blind call",
				   cur->expert);
	}
	if (s->item.draft) {
		s->pending_reason = xstrdup(s->item.draft);
		if (!s->msg[0])
			ui_message(s, UI_MSG_INFO, "your draft reason is back");
	}
	if (claim == REVIEW_MEANWHILE)
		refresh_row(s, idx);
	return claim;
}

static int open_item(struct ui_state *s, size_t idx)
{
	char who[128];
	open_row(s, idx, who, sizeof who);
	return UI_REDRAW;
}

/* Position in order[] of qrows index idx, or the current cursor. */
static size_t order_pos(const struct ui_state *s, size_t idx)
{
	for (size_t i = 0; i < s->qlist.n; i++)
		if (s->order[i] == idx)
			return i;
	return s->qlist.cur;
}

/*
 * Open the next (dir 1) or previous (-1) row; with only_open, the next that
 * still needs a decision, passing items another expert decided or took
 * meanwhile. note (may be NULL) says why the screen moved on.
 */
static int advance_note(struct ui_state *s, int dir, int only_open, const char *note)
{
	size_t pos = order_pos(s, s->item_row);
	size_t h = ui_list_height(s);
	char keep[sizeof s->msg], who[128], why[sizeof s->msg];
	enum ui_msg kind = s->msg_kind;

	memcpy(keep, s->msg, sizeof keep);
	snprintf(why, sizeof why, "%s", note ? note : "");
	for (;;) {
		size_t idx;
		int r;
		if (dir > 0 ? pos + 1 >= s->qlist.n : pos == 0)
			break;
		pos = dir > 0 ? pos + 1 : pos - 1;
		idx = s->order[pos];
		if (only_open) {
			refresh_row(s, idx);
			if (row_done(&s->qrows[idx]) || s->qrows[idx].status == REVIEW_CLAIMED)
				continue;
		}
		s->qlist.cur = pos;
		list_clamp(&s->qlist, h);
		r = open_row(s, idx, who, sizeof who);
		if (only_open && r == REVIEW_MEANWHILE) {
			char *ext = text_clean(s->qrows[idx].external_id ? s->qrows[idx].external_id
									 : "");
			snprintf(why, sizeof why, "%s was decided by %s meanwhile; moved on", ext,
				 who);
			free(ext);
			continue;
		}
		if (only_open && r == REVIEW_HELD)
			continue;
		if (why[0]) {
			if (kind == UI_MSG_SAVED && keep[0])
				ui_message(s, UI_MSG_SAVED, "%s; %s", keep, why);
			else
				ui_message(s, UI_MSG_INFO, "%s", why);
		} else if (!s->msg[0]) {
			memcpy(s->msg, keep, sizeof keep);
			s->msg_kind = kind;
		}
		return UI_REDRAW;
	}
	close_item(s);
	s->view = UI_QUEUE;
	refresh_visible(s);
	memcpy(s->msg, keep, sizeof keep);
	s->msg_kind = kind;
	if (why[0] && kind == UI_MSG_SAVED && keep[0])
		ui_message(s, UI_MSG_SAVED, "%s; %s; end of the queue", keep, why);
	else if (why[0])
		ui_message(s, UI_MSG_INFO, "%s; end of the queue", why);
	else if (!s->msg[0] || s->msg_kind != UI_MSG_SAVED)
		ui_message(s, UI_MSG_INFO, dir > 0 ? "end of the queue" : "start of the queue");
	return UI_REDRAW;
}

static int advance(struct ui_state *s, int dir, int only_open)
{
	return advance_note(s, dir, only_open, NULL);
}

/* Another expert decided the open item meanwhile: say so and move on. */
static int moved_on(struct ui_state *s, const char *who)
{
	char note[256], *ext = text_clean(s->item.external_id ? s->item.external_id : "");
	snprintf(note, sizeof note,
		 "%s was decided by %s meanwhile; nothing of yours was written; moved on", ext,
		 who);
	free(ext);
	s->msg[0] = 0;
	s->msg_kind = UI_MSG_INFO;
	refresh_row(s, s->item_row);
	return advance_note(s, 1, 1, note);
}

/* "#R3 the reason" -> rule "R3" and reason "the reason"; both heap strings. */
static void split_reason(const char *text, char **rule, char **reason)
{
	const char *p = text ? text : "";
	*rule = NULL;
	while (*p == ' ')
		p++;
	if (*p == '#') {
		const char *e = p + 1;
		while (*e && *e != ' ' && *e != ':')
			e++;
		if (e > p + 1)
			*rule = xstrndup(p + 1, (size_t)(e - p - 1));
		p = e;
		while (*p == ' ' || *p == ':')
			p++;
	}
	*reason = xstrdup(p);
}

/*
 * A cited rule must be one of the open item's guideline rules, or a
 * decision would name a rule nobody can look up. *rule (heap, may be NULL)
 * becomes the guideline's own spelling of the id (#r2 cites R2). Returns 0,
 * or -1 with an error message naming the rules there are.
 */
static int check_rule(struct ui_state *s, char **rule)
{
	struct sbuf ids = {0};
	char *want;

	if (!*rule)
		return 0;
	if (s->has_guide) {
		for (size_t i = 0; i < s->guide.nrules; i++) {
			if (strcasecmp(s->guide.rules[i].id, *rule) == 0) {
				free(*rule);
				*rule = xstrdup(s->guide.rules[i].id);
				return 0;
			}
		}
	}
	want = text_clean(*rule);
	if (!s->has_guide) {
		ui_message(s, UI_MSG_ERROR,
			   "#%s cites a rule, but this task has no guideline: leave out the #", want);
	} else if (!s->guide.nrules) {
		ui_message(s, UI_MSG_ERROR, "#%s: guideline %s has no rules; leave out the #", want,
			   s->guide.version ? s->guide.version : "");
	} else {
		for (size_t i = 0; i < s->guide.nrules; i++)
			sbuf_addf(&ids, "%s%s", i ? ", " : "", s->guide.rules[i].id);
		ui_message(s, UI_MSG_ERROR, "no rule %s in guideline %s; its rules: %s", want,
			   s->guide.version ? s->guide.version : "", ids.s);
	}
	free(want);
	sbuf_free(&ids);
	return -1;
}

static const char *label_name(const struct ui_state *s, int idx)
{
	const struct store_label *l = &s->item.task.labels[idx];
	return l->name ? l->name : l->value;
}

/* ---- decisions ---- */

static int decide(struct ui_state *s, int idx)
{
	struct review_decide_args d;
	char err[GV_ERR], other[128] = "", *rule = NULL, *reason = NULL, *clean;
	int64_t id = 0;
	int rc;

	if (!s->can_decide) {
		ui_message(s, UI_MSG_ERROR, "read-only: you cannot decide here");
		return UI_REDRAW;
	}
	if (idx < 0 || (size_t)idx >= s->item.task.nlabels) {
		ui_message(s, UI_MSG_ERROR, "no label %d in this task", idx + 1);
		return UI_REDRAW;
	}
	if (!s->claimed && s->be->claim) {
		/* Whoever held the item may have let it go, or decided it: ask. */
		rc = s->be->claim(s->be->ctx, s->item.id, s->item.current, s->holder,
				  sizeof s->holder, err);
		if (rc == REVIEW_MEANWHILE) {
			snprintf(other, sizeof other, "%s", s->holder);
			s->holder[0] = 0;
			return moved_on(s, other);
		}
		if (rc == REVIEW_HELD) {
			ui_message(s, UI_MSG_ERROR,
				   "%s is working on this item; nothing was written", s->holder);
			return UI_REDRAW;
		}
		if (rc) {
			ui_message(s, UI_MSG_ERROR, "not saved: %s", err);
			return UI_REDRAW;
		}
		s->claimed = 1;
		s->holder[0] = 0;
		s->renewed_at = now(s);
	}
	if (s->blind && s->blind_call < 0) {
		s->blind_call = idx;
		clean = text_clean(label_name(s, idx));
		ui_message(s, UI_MSG_INFO,
			   "blind call: %s. Votes and model shown; press a label to confirm or change",
			   clean);
		free(clean);
		return UI_REDRAW;
	}
	split_reason(s->pending_reason, &rule, &reason);
	/* A draft back from a hang-up, or a guideline changed since: the rule
	 * is checked again before anything is written. */
	if (check_rule(s, &rule)) {
		size_t n = strlen(s->msg);
		snprintf(s->msg + n, sizeof s->msg - n, " (r edits the reason)");
		free(rule);
		free(reason);
		return UI_REDRAW;
	}
	memset(&d, 0, sizeof d);
	d.item = s->item.id;
	d.expected = s->item.current;
	d.label_code = s->item.task.labels[idx].code;
	d.blind_code = s->blind_call >= 0 ? s->item.task.labels[s->blind_call].code : -1;
	d.reason = reason;
	d.rule = rule;
	d.seconds = now(s) - s->opened_at;
	d.queue = s->queue;
	d.overrule = s->overrule == idx + 1;
	s->overrule = 0;
	rc = s->be->decide(s->be->ctx, &d, &id, other, sizeof other, err);
	free(rule);
	free(reason);
	if (rc == REVIEW_MEANWHILE)
		return moved_on(s, other);
	if (rc == REVIEW_OVERRULE) {
		/* A lead overrules by choosing the same label twice. */
		s->overrule = idx + 1;
		ui_message(s, UI_MSG_INFO,
			   "%s decided this item: press the same label again to overrule it",
			   other);
		return UI_REDRAW;
	}
	if (rc == REVIEW_NOT_LEAD) {
		ui_message(s, UI_MSG_ERROR, "%s decided this item; only a lead may overrule it",
			   other);
		return UI_REDRAW;
	}
	if (rc == REVIEW_HELD) {
		/* Show what the other expert did; nothing of ours was written. */
		char keep[GV_ERR];
		snprintf(keep, sizeof keep, "%s", err);
		open_item(s, s->item_row);
		ui_message(s, UI_MSG_ERROR, "%s", keep);
		return UI_REDRAW;
	}
	if (rc) {
		ui_message(s, UI_MSG_ERROR, "not saved: %s", err);
		return UI_REDRAW;
	}
	s->claimed = 0;
	free(s->pending_reason);
	s->pending_reason = NULL;
	clean = text_clean(label_name(s, idx));
	{
		char *ext = text_clean(s->item.external_id ? s->item.external_id : "");
		ui_message(s, UI_MSG_SAVED, "saved: %s = %s", ext, clean);
		free(ext);
	}
	free(clean);
	refresh_row(s, s->item_row);
	return advance(s, 1, 1);
}

static int undo(struct ui_state *s)
{
	char err[GV_ERR];
	size_t idx;
	int rc;

	if (!s->can_decide) {
		ui_message(s, UI_MSG_ERROR, "read-only: you cannot undo here");
		return UI_REDRAW;
	}
	/* In the item view: this item when it carries my decision, otherwise the
	 * row before it (the decision I just made and moved on from). */
	if (s->view == UI_ITEM) {
		const struct review_decision *cur = review_item_current(&s->item);
		idx = s->item_row;
		if (!(cur && cur->label && strcmp(cur->expert, s->me) == 0)) {
			size_t pos = order_pos(s, s->item_row);
			idx = pos > 0 ? s->order[pos - 1] : (size_t)-1;
		}
	} else {
		idx = ui_queue_current(s);
	}
	if (idx == (size_t)-1) {
		ui_message(s, UI_MSG_ERROR, "nothing to undo");
		return UI_REDRAW;
	}
	rc = s->be->undo(s->be->ctx, s->qrows[idx].item, err);
	if (rc) {
		ui_message(s, UI_MSG_ERROR, "%s%s", rc < 0 ? "not saved: " : "", err);
		return UI_REDRAW;
	}
	s->qlist.cur = order_pos(s, idx);
	list_clamp(&s->qlist, ui_list_height(s));
	open_item(s, idx);
	ui_message(s, UI_MSG_SAVED, "saved: undone");
	return UI_REDRAW;
}

static void reason_commit(struct ui_state *s)
{
	const struct review_decision *cur = review_item_current(&s->item);
	char err[GV_ERR], *text = xstrdup(s->inbuf.s ? s->inbuf.s : "");

	{
		/* A rule that does not exist keeps the editor open, so it can be fixed. */
		char *rule, *reason;
		int bad;
		split_reason(text, &rule, &reason);
		bad = check_rule(s, &rule);
		free(rule);
		free(reason);
		if (bad) {
			free(text);
			return;
		}
	}
	close_input(s);
	if (cur && cur->label && strcmp(cur->expert, s->me) == 0) {
		char *rule, *reason;
		int rc;
		split_reason(text, &rule, &reason);
		check_rule(s, &rule);
		rc = s->be->reason(s->be->ctx, s->item.id, reason, rule, err);
		free(rule);
		free(reason);
		if (rc) {
			ui_message(s, UI_MSG_ERROR, "not saved: %s", err);
			free(s->pending_reason);
			s->pending_reason = text;
			return;
		}
		free(text);
		open_item(s, s->item_row);
		ui_message(s, UI_MSG_SAVED, "saved: reason");
		return;
	}
	free(s->pending_reason);
	s->pending_reason = text;
	save_draft(s, text);
	if (s->msg_kind != UI_MSG_ERROR)
		ui_message(s, UI_MSG_INFO, "reason kept; it is saved with your decision");
}

static int simple_write(struct ui_state *s, int (*fn)(void *, int64_t, char *), const char *done)
{
	char err[GV_ERR];
	if (!s->can_decide) {
		ui_message(s, UI_MSG_ERROR, "read-only: nothing can be written here");
		return 0;
	}
	if (fn(s->be->ctx, s->item.id, err)) {
		ui_message(s, UI_MSG_ERROR, "not saved: %s", err);
		return 0;
	}
	ui_message(s, UI_MSG_SAVED, "saved: %s", done);
	return 1;
}

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

/* f: one flag per expert and item, with a note typed in a prompt. */
static int flag_open(struct ui_state *s)
{
	if (!s->has_item)
		return 0;
	if (!s->can_decide) {
		ui_message(s, UI_MSG_ERROR, "read-only: nothing can be written here");
		return UI_REDRAW;
	}
	if (s->item.my_flag) {
		char *note = text_clean(s->item.my_flag);
		ui_message(s, UI_MSG_INFO, "you flagged this item already%s%s", note[0] ? ": " : "",
			   note);
		free(note);
		return UI_REDRAW;
	}
	open_input(s, UI_INPUT_FLAG, NULL);
	ui_message(s, UI_MSG_INFO,
		   "flag the guideline as unclear: a note (optional), Enter flags, Esc cancels");
	return UI_REDRAW;
}

static void flag_commit(struct ui_state *s)
{
	char err[GV_ERR], *note = xstrdup(s->inbuf.s ? s->inbuf.s : "");
	int rc;

	close_input(s);
	rc = s->be->flag(s->be->ctx, s->item.id, note, err);
	if (rc < 0) {
		ui_message(s, UI_MSG_ERROR, "not saved: %s", err);
	} else if (rc == 1) {
		ui_message(s, UI_MSG_INFO, "%s", err);
	} else {
		free(s->item.my_flag);
		s->item.my_flag = xstrdup(note);
		s->item.nflags++;
		if (s->item_row < s->nq)
			s->qrows[s->item_row].flags++;
		ui_message(s, UI_MSG_SAVED, "saved: guideline flagged as unclear for this item");
	}
	free(note);
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
	review_events_free(s->events, s->nevents);
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

/* ---- search ---- */

/* Where a row matched, besides the database's REVIEW_HIT_* bits. */
enum {
	HIT_ID = 1 << 3,
	HIT_TASK = 1 << 4,
	HIT_VOTES = 1 << 5,
	HIT_MODEL = 1 << 6,
	HIT_REASON = 1 << 7
};

/* The database's part of the search (text, metadata, annotators) for every
 * loaded row, asked once per search string. */
static void search_db(struct ui_state *s)
{
	char err[GV_ERR];
	int64_t *ids;

	free(s->shits);
	s->shits = xcalloc(s->nq ? s->nq : 1, 1);
	if (!s->be->search || !s->nq)
		return;
	ids = xcalloc(s->nq, sizeof *ids);
	for (size_t i = 0; i < s->nq; i++)
		ids[i] = s->qrows[i].item;
	/* Blind, who voted on an item is part of its votes. */
	if (s->be->search(s->be->ctx, ids, s->nq, s->search, !s->blind, s->shits, err))
		ui_message(s, UI_MSG_ERROR, "search: %s", err);
	free(ids);
}

/* Where qrows[idx] matches the search: HIT_* and REVIEW_HIT_* bits. */
static unsigned row_hits(const struct ui_state *s, size_t idx)
{
	const struct review_row *r = &s->qrows[idx];
	const char *q = s->search;
	int open = ui_row_revealed(s, r);
	unsigned h = s->shits ? s->shits[idx] : 0;

	if (r->external_id && strcasestr(r->external_id, q))
		h |= HIT_ID;
	if (r->task && strcasestr(r->task, q))
		h |= HIT_TASK;
	/* What blind mode hides cannot be found either: a match would tell. */
	if (open && ((r->votes && strcasestr(r->votes, q)) ||
		     (r->votes_short && strcasestr(r->votes_short, q))))
		h |= HIT_VOTES;
	if (open && r->model_label && strcasestr(r->model_label, q))
		h |= HIT_MODEL;
	if (open && r->reason && strcasestr(r->reason, q))
		h |= HIT_REASON;
	return h;
}

static const char *hit_name(unsigned h)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{HIT_ID, "item id"},	      {HIT_TASK, "task"},
		{HIT_VOTES, "votes"},	      {HIT_MODEL, "model"},
		{HIT_REASON, "reason"},	      {REVIEW_HIT_TEXT, "text"},
		{REVIEW_HIT_META, "metadata"}, {REVIEW_HIT_ANNOTATOR, "annotator names"},
	};
	for (size_t i = 0; i < GV_ARRAY_LEN(names); i++)
		if (h & names[i].bit)
			return names[i].name;
	return "";
}

/* Move to the next (dir 1) or previous (-1) shown row matching the search,
 * wrapping around; the message says which match of how many, and where. */
static int search(struct ui_state *s, int dir)
{
	size_t n = s->qlist.n, total = 0, nth = 0, found = (size_t)-1;
	char *q;

	if (!s->search[0]) {
		ui_message(s, UI_MSG_INFO, "no search yet: press /");
		return UI_REDRAW;
	}
	if (!s->shits)
		search_db(s);
	for (size_t k = 1; k <= n && found == (size_t)-1; k++) {
		size_t pos = dir > 0 ? (s->qlist.cur + k) % n : (s->qlist.cur + n - k % n) % n;
		if (row_hits(s, s->order[pos]))
			found = pos;
	}
	q = text_clean(s->search);
	if (found == (size_t)-1) {
		ui_message(s, UI_MSG_ERROR, "not found: %s", q);
		free(q);
		return UI_REDRAW;
	}
	for (size_t i = 0; i < n; i++) {
		if (!row_hits(s, s->order[i]))
			continue;
		total++;
		if (i == found)
			nth = total;
	}
	ui_message(s, UI_MSG_INFO, "/%s: match %zu of %zu (%s)%s; n/N: next/previous", q, nth,
		   total, hit_name(row_hits(s, s->order[found])),
		   (dir > 0 ? found <= s->qlist.cur : found >= s->qlist.cur) ? ", wrapped" : "");
	free(q);
	s->qlist.cur = found;
	list_clamp(&s->qlist, ui_list_height(s));
	refresh_visible(s);
	return UI_REDRAW;
}

/* ---- text input ---- */

static void utf8_put(struct sbuf *b, int cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	sbuf_addn(b, u, n);
}

/* Byte offset of the character before (dir -1) or after (dir 1) offset i. */
static size_t char_step(const struct sbuf *b, size_t i, int dir)
{
	if (dir < 0) {
		while (i > 0 && ((unsigned char)b->s[--i] & 0xc0) == 0x80)
			;
		return i;
	}
	if (i < b->len)
		i++;
	while (i < b->len && ((unsigned char)b->s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

/* Remove bytes [from, to) of the entry; the cursor ends at from. */
static void entry_cut(struct ui_state *s, size_t from, size_t to)
{
	struct sbuf *b = &s->inbuf;
	if (from >= to)
		return;
	memmove(b->s + from, b->s + to, b->len - to + 1);
	b->len -= to - from;
	s->incur = from;
	s->draft_dirty = 1;
}

static void entry_insert(struct ui_state *s, int cp)
{
	struct sbuf one = {0}, *b = &s->inbuf;
	size_t n;
	utf8_put(&one, cp);
	n = one.len;
	sbuf_addn(b, one.s, n);
	memmove(b->s + s->incur + n, b->s + s->incur, b->len - n - s->incur);
	memcpy(b->s + s->incur, one.s, n);
	s->incur += n;
	sbuf_free(&one);
	s->draft_dirty = 1;
}

/*
 * Editing keys of the one-line prompts (reason, flag note, search), as
 * readline has them: Left/Right (C-b/C-f), Home/End (C-a/C-e), Backspace,
 * Delete (C-d), C-w (the word before the cursor), C-u (everything before
 * it), C-k (everything after it). Returns 1 when key was one of them.
 */
static int entry_edit(struct ui_state *s, int key)
{
	struct sbuf *b = &s->inbuf;
	size_t at = s->incur;

	switch (key) {
	case UI_KEY_LEFT:
	case UI_KEY_CTRL('b'):
		s->incur = b->len ? char_step(b, at, -1) : 0;
		return 1;
	case UI_KEY_RIGHT:
	case UI_KEY_CTRL('f'):
		s->incur = b->len ? char_step(b, at, 1) : 0;
		return 1;
	case UI_KEY_HOME:
	case UI_KEY_CTRL('a'):
		s->incur = 0;
		return 1;
	case UI_KEY_END:
	case UI_KEY_CTRL('e'):
		s->incur = b->len;
		return 1;
	case UI_KEY_BACKSPACE:
		if (at)
			entry_cut(s, char_step(b, at, -1), at);
		return 1;
	case UI_KEY_DELETE:
	case UI_KEY_CTRL('d'):
		if (at < b->len)
			entry_cut(s, at, char_step(b, at, 1));
		return 1;
	case UI_KEY_CTRL('w'): {
		size_t from = at;
		while (from > 0 && b->s[from - 1] == ' ')
			from--;
		while (from > 0 && b->s[from - 1] != ' ')
			from--;
		entry_cut(s, from, at);
		return 1;
	}
	case UI_KEY_CTRL('u'):
		entry_cut(s, 0, at);
		return 1;
	case UI_KEY_CTRL('k'):
		entry_cut(s, at, b->len);
		return 1;
	default:
		return 0;
	}
}

static int input_key(struct ui_state *s, int key)
{
	if (key == UI_KEY_ESC || key == UI_KEY_CTRL('g')) {
		if (s->input != UI_INPUT_REASON) {
			close_input(s);
			ui_message(s, UI_MSG_INFO, "cancelled");
		} else if (cancel_reason(s) == 0) {
			ui_message(s, UI_MSG_INFO, "%s",
				   s->pending_reason ? "cancelled: the reason you kept before stays"
						     : "cancelled: nothing you typed was kept");
		}
		return UI_REDRAW;
	}
	if (key == UI_KEY_CTRL('c')) {
		if (s->input == UI_INPUT_REASON && s->inbuf.len)
			save_draft(s, s->inbuf.s);
		close_input(s);
		return ui_update(s, ACT_QUIT, 0);
	}
	if (key == UI_KEY_ENTER) {
		if (s->input == UI_INPUT_SEARCH) {
			/* An empty search repeats the last one, as in vi. */
			if (s->inbuf.len) {
				snprintf(s->search, sizeof s->search, "%s", s->inbuf.s);
				free(s->shits);
				s->shits = NULL;
			}
			close_input(s);
			return search(s, 1);
		}
		if (s->input == UI_INPUT_FLAG)
			flag_commit(s);
		else
			reason_commit(s);
		return UI_REDRAW;
	}
	if (entry_edit(s, key))
		return UI_REDRAW;
	if (key >= 0x20 && key < 0x110000 && key != 0x7f && !(key >= 0x80 && key < 0xa0) &&
	    !(key >= 0xd800 && key < 0xe000) && s->inbuf.len < 4000) {
		entry_insert(s, key);
		return UI_REDRAW;
	}
	return 0;
}

static void open_input(struct ui_state *s, enum ui_input kind, const char *init)
{
	close_input(s);
	s->input = kind;
	if (init)
		sbuf_add(&s->inbuf, init);
	s->incur = s->inbuf.len;
	if (kind == UI_INPUT_REASON && s->pending_reason)
		s->edit_base = xstrdup(s->pending_reason);
	s->draft_at = now(s);
}

/* ---- keys and actions ---- */

const struct ui_binding *ui_state_bindings(const struct ui_state *s, size_t *n)
{
	if (s->keys) {
		*n = s->keys->n;
		return s->keys->v;
	}
	*n = ui_nbindings;
	return ui_bindings;
}

int ui_decide_key(const struct ui_state *s, int idx)
{
	size_t n;
	const struct ui_binding *v = ui_state_bindings(s, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].action == ACT_DECIDE && v[i].arg == idx && (v[i].views & V_I))
			return v[i].key;
	return 0;
}

enum ui_action ui_key_action(const struct ui_state *s, int key, int *arg)
{
	unsigned mask = 1u << s->view;
	size_t n;
	const struct ui_binding *v = ui_state_bindings(s, &n);
	*arg = 0;
	for (size_t i = 0; i < n; i++) {
		if ((v[i].views & mask) && v[i].key == key) {
			*arg = v[i].arg;
			return v[i].action;
		}
	}
	/* The guideline's own decision keys, when they do not shadow a binding. */
	if (s->view == UI_ITEM && s->has_item && key > 0x20 && key < 0x7f) {
		for (size_t i = 0; i < s->item.task.nlabels; i++) {
			const char *k = s->item.task.labels[i].key;
			if (k && k[0] == key && !k[1]) {
				*arg = (int)i;
				return ACT_DECIDE;
			}
		}
	}
	return ACT_NONE;
}

int ui_update_key(struct ui_state *s, int key)
{
	enum ui_action a;
	int arg;
	if (s->input != UI_INPUT_NONE)
		return input_key(s, key);
	a = ui_key_action(s, key, &arg);
	if (a == ACT_NONE) {
		char k[16];
		if (s->rows < UI_MIN_ROWS || s->cols < UI_MIN_COLS)
			return 0;
		ui_message(s, UI_MSG_INFO, "%s: not bound here; ? shows the keys",
			   ui_key_name(key, k, sizeof k));
		return UI_REDRAW;
	}
	return ui_update(s, a, arg);
}

static size_t text_lines(const struct ui_state *s)
{
	size_t w, h, n;
	char *clean;
	ui_item_text_geom(s, &w, &h);
	clean = text_sanitize(s->item.text ? s->item.text : "",
			      s->item.text ? strlen(s->item.text) : 0, TEXT_MULTI, NULL);
	n = ui_wrap(clean, w, NULL, NULL, 0);
	free(clean);
	return n;
}

static void scroll_text(struct ui_state *s, long delta)
{
	size_t w, h, n = text_lines(s);
	ui_item_text_geom(s, &w, &h);
	if (delta < 0 && (size_t)-delta > s->text_top)
		s->text_top = 0;
	else
		s->text_top = (size_t)((long)s->text_top + delta);
	if (s->text_top + h > n)
		s->text_top = n > h ? n - h : 0;
}

/* Lines of the scrolling evidence pane, and its height on screen. */
static void pane_size(const struct ui_state *s, size_t *n, size_t *h)
{
	struct ui_item_geom g;
	struct ui_lines l;
	int b;
	ui_item_geom(s, &g);
	b = g.b_h > 0;
	ui_item_pane(s, b ? 'b' : 'a', b ? g.b_w : g.a_w, &l);
	*n = l.n;
	*h = ui_pane_rows(l.n, (size_t)(b ? g.b_h : g.a_h));
	ui_lines_free(&l);
}

static void scroll_pane(struct ui_state *s, long delta)
{
	size_t n, h;
	pane_size(s, &n, &h);
	if (delta < 0 && (size_t)-delta > s->pane_top)
		s->pane_top = 0;
	else
		s->pane_top = (size_t)((long)s->pane_top + delta);
	if (s->pane_top + h > n)
		s->pane_top = n > h ? n - h : 0;
}

static struct ui_list *view_list(struct ui_state *s)
{
	switch (s->view) {
	case UI_QUEUE:
		return &s->qlist;
	case UI_HISTORY:
		return &s->hlist;
	case UI_HELP:
		return &s->helplist;
	case UI_PICKER:
		return &s->plist;
	case UI_CALIB:
		return &s->clist;
	default:
		return NULL;
	}
}

static int move(struct ui_state *s, enum ui_action a)
{
	size_t h = ui_list_height(s), tw, th;
	struct ui_list *l = view_list(s);
	long page = (long)(h > 1 ? h - 1 : 1);

	if (!l) {
		ui_item_text_geom(s, &tw, &th);
		page = (long)(th > 1 ? th - 1 : 1);
		switch (a) {
		case ACT_UP: scroll_text(s, -1); break;
		case ACT_DOWN: scroll_text(s, 1); break;
		case ACT_PAGE_UP: scroll_text(s, -page); break;
		case ACT_PAGE_DOWN: scroll_text(s, page); break;
		case ACT_TOP: s->text_top = 0; break;
		default: scroll_text(s, 1 << 20); break;
		}
		return UI_REDRAW;
	}
	if (l == &s->helplist || l == &s->hlist || l == &s->clist) {
		/* Plain scrolling views: the cursor is the first visible line. */
		long max = l->n > h ? (long)(l->n - h) : 0;
		long top = (long)l->top;
		switch (a) {
		case ACT_UP: top--; break;
		case ACT_DOWN: top++; break;
		case ACT_PAGE_UP: top -= page; break;
		case ACT_PAGE_DOWN: top += page; break;
		case ACT_TOP: top = 0; break;
		default: top = max; break;
		}
		l->top = (size_t)(top < 0 ? 0 : top > max ? max : top);
		l->cur = l->top;
		return UI_REDRAW;
	}
	switch (a) {
	case ACT_UP: ui_list_move(l, -1, h); break;
	case ACT_DOWN: ui_list_move(l, 1, h); break;
	case ACT_PAGE_UP: ui_list_move(l, -page, h); break;
	case ACT_PAGE_DOWN: ui_list_move(l, page, h); break;
	case ACT_TOP: ui_list_move(l, -(long)l->n, h); break;
	default: ui_list_move(l, (long)l->n, h); break;
	}
	if (l == &s->qlist)
		refresh_visible(s);
	return UI_REDRAW;
}

/* ---- the queue picker ---- */

void ui_queue_infos_free(struct ui_queue_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].rule);
	}
	free(v);
}

static int open_picker(struct ui_state *s)
{
	char err[GV_ERR];
	if (!s->be->queues || !s->be->queue_load) {
		ui_message(s, UI_MSG_INFO, "no other queue to switch to");
		return UI_REDRAW;
	}
	ui_queue_infos_free(s->queues, s->nqueues);
	s->queues = NULL;
	s->nqueues = 0;
	if (s->be->queues(s->be->ctx, &s->queues, &s->nqueues, err)) {
		ui_message(s, UI_MSG_ERROR, "%s", err);
		return UI_REDRAW;
	}
	if (s->view == UI_ITEM) {
		close_item(s);
		s->view = UI_QUEUE;
	}
	s->back = s->view;
	s->view = UI_PICKER;
	memset(&s->plist, 0, sizeof s->plist);
	ui_list_set(&s->plist, s->nqueues, ui_list_height(s));
	for (size_t i = 0; i < s->nqueues; i++)
		if (s->queue && strcmp(s->queues[i].name, s->queue) == 0)
			s->plist.cur = i;
	list_clamp(&s->plist, ui_list_height(s));
	s->msg[0] = 0;
	return UI_REDRAW;
}

static int pick_queue(struct ui_state *s)
{
	struct review_row *rows = NULL;
	size_t n = 0;
	int blind = 0;
	char err[GV_ERR], *name;

	if (!s->plist.n)
		return 0;
	name = xstrdup(s->queues[s->plist.cur].name);
	if (s->be->queue_load(s->be->ctx, name, &rows, &n, &blind, err)) {
		ui_message(s, UI_MSG_ERROR, "%s", err);
		free(name);
		return UI_REDRAW;
	}
	close_item(s);
	review_rows_free(s->qrows, s->nq);
	free(s->order);
	free(s->queue);
	free(s->shits);
	s->shits = NULL;
	s->queue = name;
	s->qrows = rows;
	s->nq = n;
	s->qtotal = s->be->queue_total ? s->be->queue_total(s->be->ctx) : n;
	s->order = xcalloc(n ? n : 1, sizeof *s->order);
	s->blind = blind || s->force_blind;
	if (s->blind && (s->sort == UI_SORT_AGREEMENT || s->sort == UI_SORT_MODEL))
		s->sort = UI_SORT_QUEUE;
	memset(&s->qlist, 0, sizeof s->qlist);
	s->view = UI_QUEUE;
	rebuild_order(s);
	refresh_visible(s);
	{
		char *clean = text_clean(name);
		ui_message(s, UI_MSG_INFO, "queue %s: %zu items%s", clean, n,
			   s->blind ? ", shown blind" : "");
		free(clean);
	}
	return UI_REDRAW;
}

/* ---- the calibration view ---- */

void ui_calib_free(struct ui_calib *c)
{
	for (size_t i = 0; i < c->nmodels; i++)
		free(c->models[i].model);
	free(c->models);
	free(c->task);
	memset(c, 0, sizeof *c);
}

/* The view's line count at this width, with the scroll position kept inside it. */
static void calib_fit(struct ui_state *s)
{
	struct ui_lines l;
	size_t h = ui_list_height(s);
	long max;
	ui_calib_lines(s, s->cols, h, &l);
	s->clist.n = l.n;
	ui_lines_free(&l);
	max = s->clist.n > h ? (long)(s->clist.n - h) : 0;
	if ((long)s->clist.top > max)
		s->clist.top = (size_t)max;
	s->clist.cur = s->clist.top;
}

static void close_calib(struct ui_state *s)
{
	ui_calib_free(&s->calib);
	s->has_calib = 0;
	s->view = s->calib_back;
}

/* The task of the open item, or of the row under the queue cursor. */
static int open_calib(struct ui_state *s)
{
	char err[GV_ERR];
	const char *task = NULL;
	size_t idx;

	if (s->view == UI_ITEM && s->has_item) {
		task = s->item.task.name;
	} else if ((idx = ui_queue_current(s)) != (size_t)-1) {
		task = s->qrows[idx].task;
	} else if (s->nq) {
		task = s->qrows[0].task;
	}
	if (!task) {
		ui_message(s, UI_MSG_INFO, "no task to show: the queue is empty");
		return UI_REDRAW;
	}
	if (!s->be->calibration) {
		ui_message(s, UI_MSG_INFO, "calibration is not available here");
		return UI_REDRAW;
	}
	ui_calib_free(&s->calib);
	s->has_calib = 0;
	if (s->be->calibration(s->be->ctx, task, &s->calib, err)) {
		ui_message(s, UI_MSG_ERROR, "%s", err);
		return UI_REDRAW;
	}
	s->has_calib = 1;
	s->calib_back = s->view;
	s->view = UI_CALIB;
	memset(&s->clist, 0, sizeof s->clist);
	calib_fit(s);
	s->msg[0] = 0;
	return UI_REDRAW;
}

static int apply(struct ui_state *s, enum ui_action a, int arg)
{
	switch (a) {
	case ACT_UP:
	case ACT_DOWN:
	case ACT_PAGE_UP:
	case ACT_PAGE_DOWN:
	case ACT_TOP:
	case ACT_BOTTOM:
		return move(s, a);
	case ACT_OPEN:
		if (s->view == UI_PICKER)
			return pick_queue(s);
		if (s->view == UI_QUEUE && s->qlist.n) {
			char who[128];
			s->msg[0] = 0;
			if (open_row(s, ui_queue_current(s), who, sizeof who) == REVIEW_MEANWHILE)
				return moved_on(s, who);
			return UI_REDRAW;
		}
		return 0;
	case ACT_BACK:
		if (s->view == UI_CALIB) {
			close_calib(s);
		} else if (s->view == UI_HISTORY || s->view == UI_HELP || s->view == UI_PICKER) {
			s->view = s->back;
		} else if (s->view == UI_ITEM) {
			close_item(s);
			s->view = UI_QUEUE;
			refresh_visible(s);
		} else {
			s->quit = 1;
			return UI_REDRAW | UI_QUIT_NOW;
		}
		return UI_REDRAW;
	case ACT_QUIT:
		close_item(s);
		s->quit = 1;
		return UI_REDRAW | UI_QUIT_NOW;
	case ACT_HELP:
		s->back = s->view;
		s->view = UI_HELP;
		memset(&s->helplist, 0, sizeof s->helplist);
		ui_list_set(&s->helplist, ui_help_count(), ui_list_height(s));
		return UI_REDRAW;
	case ACT_HISTORY:
		return show_history(s);
	case ACT_SEARCH:
		open_input(s, UI_INPUT_SEARCH, NULL);
		return UI_REDRAW;
	case ACT_SEARCH_NEXT:
		return search(s, 1);
	case ACT_SEARCH_PREV:
		return search(s, -1);
	case ACT_SORT:
		s->sort = (enum ui_sort)((s->sort + 1) % UI_NSORTS);
		/* Blind, an order by agreement or model confidence would tell them. */
		while (s->blind && (s->sort == UI_SORT_AGREEMENT || s->sort == UI_SORT_MODEL))
			s->sort = (enum ui_sort)((s->sort + 1) % UI_NSORTS);
		rebuild_order(s);
		refresh_visible(s);
		ui_message(s, UI_MSG_INFO, "sorted by %s", sort_names[s->sort]);
		return UI_REDRAW;
	case ACT_FILTER:
		s->filter = (enum ui_filter)((s->filter + 1) % UI_NFILTERS);
		rebuild_order(s);
		refresh_visible(s);
		ui_message(s, UI_MSG_INFO, "showing %s (%zu)", filter_names[s->filter], s->qlist.n);
		return UI_REDRAW;
	case ACT_DECIDE:
		return s->has_item ? decide(s, arg) : 0;
	case ACT_REASON: {
		const struct review_decision *cur = review_item_current(&s->item);
		const char *init = s->pending_reason;
		if (!s->can_decide) {
			ui_message(s, UI_MSG_ERROR, "read-only: you cannot give reasons here");
			return UI_REDRAW;
		}
		if (!init && cur && cur->label && strcmp(cur->expert, s->me) == 0)
			init = cur->reason;
		open_input(s, UI_INPUT_REASON, init);
		ui_message(s, UI_MSG_INFO,
			   "reason: #RULE (optional) then text; Enter keeps it, Esc cancels");
		return UI_REDRAW;
	}
	case ACT_SKIP:
		if (simple_write(s, s->be->skip, "skipped")) {
			s->claimed = 0;
			refresh_row(s, s->item_row);
			return advance(s, 1, 1);
		}
		return UI_REDRAW;
	case ACT_FLAG:
		return flag_open(s);
	case ACT_UNDO:
		return undo(s);
	case ACT_NEXT_ITEM:
		return advance(s, 1, 0);
	case ACT_PREV_ITEM:
		return advance(s, -1, 0);
	case ACT_REDRAW:
		return UI_REDRAW;
	case ACT_PANE_DOWN:
	case ACT_PANE_UP:
		if (!s->has_item)
			return 0;
		{
			size_t n, h;
			long step;
			pane_size(s, &n, &h);
			step = (long)(h > 2 ? h - 1 : 1);
			scroll_pane(s, a == ACT_PANE_DOWN ? step : -step);
		}
		return UI_REDRAW;
	case ACT_QUEUES:
		return open_picker(s);
	case ACT_CALIBRATION:
		return open_calib(s);
	case ACT_CLAIMS:
		if (s->view != UI_HISTORY)
			return 0;
		s->show_claims = !s->show_claims;
		s->hlist.top = (size_t)-1;
		history_fit(s);
		return UI_REDRAW;
	default:
		return 0;
	}
}

int ui_update(struct ui_state *s, enum ui_action a, int arg)
{
	enum ui_view was = s->view;
	unsigned seq = s->msg_seq;
	int r = apply(s, a, arg);
	/* A message belongs to the screen it was said on: a new view starts
	 * with a clear line unless the action that opened it said something. */
	if (s->view != was && s->msg_seq == seq && s->msg[0]) {
		s->msg[0] = 0;
		r |= UI_REDRAW;
	}
	return r;
}

int ui_update_resize(struct ui_state *s, int cols, int rows)
{
	size_t h;
	s->cols = cols;
	s->rows = rows;
	h = ui_list_height(s);
	list_clamp(&s->qlist, h);
	if (s->nevents)
		history_fit(s);
	if (s->helplist.n)
		list_clamp(&s->helplist, h);
	if (s->plist.n)
		list_clamp(&s->plist, h);
	if (s->has_calib)
		calib_fit(s);
	if (s->has_item) {
		scroll_text(s, 0);
		scroll_pane(s, 0);
	}
	refresh_visible(s);
	return UI_REDRAW;
}

int ui_update_tick(struct ui_state *s)
{
	double t = now(s);
	char err[GV_ERR];
	int r = 0;

	if (s->input == UI_INPUT_REASON && s->draft_dirty && t - s->draft_at >= UI_DRAFT_SECONDS) {
		save_draft(s, s->inbuf.s ? s->inbuf.s : "");
		s->draft_written = 1;
	}
	if (s->has_item && s->claimed && t - s->renewed_at >= UI_RENEW_SECONDS) {
		s->renewed_at = t;
		if (s->be->claim(s->be->ctx, s->item.id, s->item.current, s->holder,
				 sizeof s->holder, err) != 0) {
			s->claimed = 0;
			ui_message(s, UI_MSG_ERROR, "lost the claim on this item");
			r = UI_REDRAW;
		}
	}
	return r;
}

void ui_update_hangup(struct ui_state *s)
{
	if (s->input == UI_INPUT_REASON && s->inbuf.len)
		s->draft_dirty = 1;
	/* Saves the draft and releases the claim in one transaction. */
	close_item(s);
	s->input = UI_INPUT_NONE;
	s->quit = 1;
}

void ui_labels_in_play(const struct ui_state *s, unsigned char *in_play)
{
	const struct store_task *t = &s->item.task;
	memset(in_play, 0, t->nlabels ? t->nlabels : 1);
	for (size_t i = 0; i < t->nlabels; i++) {
		const char *v = t->labels[i].value;
		for (size_t k = 0; k < s->item.nvotes; k++)
			if (s->item.votes[k].label && strcmp(s->item.votes[k].label, v) == 0)
				in_play[i] = 1;
		for (size_t k = 0; k < s->item.npreds && k < 1; k++)
			for (size_t j = 0; j < s->item.preds[k].nprobs && j < 2; j++)
				if (strcmp(s->item.preds[k].probs[j].label, v) == 0)
					in_play[i] = 1;
	}
}

/* ---- life cycle ---- */

void ui_state_init(struct ui_state *s, const struct ui_backend *be, const char *me,
		   int can_decide, int blind, const char *queue, struct review_row *rows,
		   size_t n, int cols, int rows_on_screen)
{
	memset(s, 0, sizeof *s);
	s->be = be;
	snprintf(s->me, sizeof s->me, "%s", me);
	s->can_decide = can_decide;
	s->blind = blind;
	s->queue = queue ? xstrdup(queue) : NULL;
	s->qrows = rows;
	s->nq = n;
	s->qtotal = be && be->queue_total ? be->queue_total(be->ctx) : n;
	s->order = xcalloc(n ? n : 1, sizeof *s->order);
	s->cols = cols;
	s->rows = rows_on_screen;
	s->blind_call = -1;
	s->view = UI_QUEUE;
	rebuild_order(s);
	refresh_visible(s);
	if (!n)
		ui_message(s, UI_MSG_INFO, "the queue is empty: nothing to review");
}

void ui_state_free(struct ui_state *s)
{
	if (s->input == UI_INPUT_REASON && s->draft_dirty)
		save_draft(s, s->inbuf.s ? s->inbuf.s : "");
	close_item(s);
	review_rows_free(s->qrows, s->nq);
	review_events_free(s->events, s->nevents);
	ui_queue_infos_free(s->queues, s->nqueues);
	ui_calib_free(&s->calib);
	free(s->order);
	free(s->queue);
	free(s->pending_reason);
	free(s->edit_base);
	free(s->shits);
	sbuf_free(&s->inbuf);
	memset(s, 0, sizeof *s);
}
