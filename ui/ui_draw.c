/*
 * ui_draw: the review screen's views as draw callbacks over one state. Each
 * view (queue, item, history, help, picker, calibration, and "too small") is
 * one function in the views table (the update side's callbacks are
 * ui_views[]); the queue, help and picker share one list renderer, and the
 * history, calibration and item panes one renderer of the lines their
 * layout modules (ui_history.c, ui_calib.c, ui_layout.c) give them. Every
 * string that came from data goes through text_clean/text_sanitize and is
 * cut to its cell with text_fit, so widths are columns, never bytes.
 */
#include "config.h"

#include "text.h"
#include "ui_draw.h"
#include "utf8.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Colour roles: a colour pair where colours exist, attributes otherwise. */
static const struct {
	const char *name;
	short fg, bg;
	attr_t colour_attr, mono_attr;
} roles[R_NROLES] = {
	[R_NORMAL] = {"NORMAL", -1, -1, A_NORMAL, A_NORMAL},
	[R_HEADER] = {"HEADER", COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE},
	[R_CURSOR] = {"CURSOR", COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
	[R_TITLE] = {"TITLE", COLOR_CYAN, -1, A_BOLD, A_BOLD},
	[R_AGREE] = {"AGREE", COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
	[R_DISPUTED] = {"DISPUTED", COLOR_YELLOW, -1, A_BOLD, A_BOLD},
	[R_DECIDED] = {"DECIDED", COLOR_GREEN, -1, A_BOLD, A_UNDERLINE},
	[R_CLAIMED] = {"CLAIMED", COLOR_MAGENTA, -1, A_NORMAL, A_DIM},
	[R_MODEL] = {"MODEL", COLOR_BLUE, -1, A_BOLD, A_NORMAL},
	[R_SAVED] = {"SAVED", COLOR_GREEN, -1, A_BOLD, A_BOLD},
	[R_ERROR] = {"ERROR", COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE},
	[R_DIM] = {"DIM", -1, -1, A_DIM, A_DIM},
	[R_HIDDEN] = {"HIDDEN", COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE},
	[R_KEY] = {"KEY", COLOR_CYAN, -1, A_BOLD, A_BOLD},
	/* the heat ramp: without colour the dashboard draws shading instead */
	[R_HEAT0] = {"HEAT0", COLOR_WHITE, COLOR_RED, A_NORMAL, A_NORMAL},
	[R_HEAT1] = {"HEAT1", COLOR_BLACK, COLOR_MAGENTA, A_NORMAL, A_NORMAL},
	[R_HEAT2] = {"HEAT2", COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_NORMAL},
	[R_HEAT3] = {"HEAT3", COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_NORMAL},
	[R_HEAT4] = {"HEAT4", COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_NORMAL},
};

static int use_colour;

int ui_draw_init(int colour)
{
	use_colour = colour && has_colors();
	if (!use_colour)
		return 0;
	start_color();
	use_default_colors();
	for (short r = 1; r < R_NROLES; r++)
		init_pair(r, roles[r].fg, roles[r].bg);
	return 1;
}

static attr_t role_attr(enum ui_role r)
{
	if (use_colour)
		return COLOR_PAIR(r) | roles[r].colour_attr;
	return roles[r].mono_attr;
}

/* Print already sanitised text at (y, x) cut to w columns; returns columns used. */
static int put_clean(int y, int x, int w, const char *clean, enum ui_role r)
{
	size_t used = 0;
	char *fit;
	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	fit = text_fit(clean, (size_t)w, &used);
	attrset(role_attr(r));
	mvaddstr(y, x, fit);
	attrset(A_NORMAL);
	free(fit);
	return (int)used;
}

/* Sanitise data text (one line) and print it. */
static int put(int y, int x, int w, const char *raw, enum ui_role r)
{
	char *clean = text_clean(raw ? raw : "");
	int n = put_clean(y, x, w, clean, r);
	free(clean);
	return n;
}

static int putf(int y, int x, int w, enum ui_role r, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int putf(int y, int x, int w, enum ui_role r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return put(y, x, w, buf, r);
}

static void fill_line(int y, enum ui_role r)
{
	attrset(role_attr(r));
	mvhline(y, 0, ' ', COLS);
	attrset(A_NORMAL);
}

static enum ui_role agreement_role(double a)
{
	if (isnan(a))
		return R_DIM;
	return a >= 0.7 ? R_AGREE : R_DISPUTED;
}

/* ---- header, message line and footer (shared by every view) ---- */

static void draw_header(const struct ui_state *s, const char *what)
{
	char left[512];
	int x;
	fill_line(0, R_HEADER);
	if (s->view == UI_DASH)
		snprintf(left, sizeof left, " gavel dashboard | project %s%s",
			 s->dash.rep.project ? s->dash.rep.project : "",
			 s->can_decide ? "" : " | read-only");
	else
		snprintf(left, sizeof left, " gavel review | queue %s | %s%s%s",
			 s->queue ? s->queue : "-", s->me, s->can_decide ? "" : " (read-only)",
			 s->blind ? " | blind" : "");
	x = put(0, 0, COLS, left, R_HEADER);
	if (what && x + 3 < COLS) {
		size_t w = text_width(what);
		char *clean = text_clean(what);
		int at = COLS - (int)w - 1;
		if (at < x + 2)
			at = x + 2;
		put_clean(0, at, COLS - at, clean, R_HEADER);
		free(clean);
	}
}

/* Drop leading characters of clean text until it is at most w columns wide. */
static const char *tail_fit(const char *clean, size_t w)
{
	size_t have = text_width(clean);
	while (have > w && *clean) {
		char one[8];
		size_t cl = utf8_next(clean, 0, strnlen(clean, UTF8_MAX));
		memcpy(one, clean, cl);
		one[cl] = 0;
		have -= text_width(one);
		clean += cl;
	}
	return clean;
}

/* The message line, or the open prompt with its entry; returns the column of
 * the prompt's cursor, or -1 when no prompt is open. */
static int draw_message(const struct ui_state *s)
{
	int y = LINES - 2;
	static const enum ui_role kinds[] = {R_NORMAL, R_SAVED, R_ERROR, R_NORMAL};
	move(y, 0);
	clrtoeol();
	if (s->input != UI_INPUT_NONE) {
		const char *prompt = s->input == UI_INPUT_SEARCH ? "/"
				     : s->input == UI_INPUT_FLAG ? "flag note: "
								 : "reason: ";
		const char *raw = s->inbuf.s ? s->inbuf.s : "";
		size_t at = s->incur <= s->inbuf.len ? s->incur : s->inbuf.len;
		char *head = xstrndup(raw, at), *chead = text_clean(head);
		char *ctail = text_clean(raw + at);
		size_t pw = text_width(prompt), room = (size_t)COLS - pw - 1;
		/* Keep the cursor in sight: what is left of it scrolls off to the left. */
		const char *shown = tail_fit(chead, room > 8 ? room - 8 : room);
		int x = (int)pw, cx;

		if (text_width(chead) <= room)
			shown = chead;
		put_clean(y, 0, (int)pw, prompt, R_KEY);
		x += put_clean(y, x, (int)room, shown, R_NORMAL);
		cx = x;
		put_clean(y, x, (int)pw + (int)room - x, ctail, R_NORMAL);
		free(head);
		free(chead);
		free(ctail);
		/* The prompt takes the message line: a hint or a refusal goes above it. */
		if (s->msg[0]) {
			move(y - 1, 0);
			clrtoeol();
			put(y - 1, 0, COLS, s->msg, kinds[s->msg_kind]);
		}
		return cx;
	}
	if (s->msg[0])
		put(y, 0, COLS, s->msg, kinds[s->msg_kind]);
	return -1;
}

/* Print "key:word" for action a's first key in this view; returns columns used or -1 when full. */
static int footer_action(const struct ui_state *s, int y, int x, enum ui_action a)
{
	unsigned mask = 1u << s->view;
	size_t n;
	const struct ui_binding *v = ui_state_bindings(s, &n);
	for (size_t i = 0; i < n; i++) {
		char k[16], word[64];
		const struct ui_binding *b = &v[i];
		int x0 = x, arg;
		if (b->action != a || !(b->views & mask))
			continue;
		/* a key taken here by an earlier binding or a label is not this action's */
		if (ui_key_action(s, b->key, &arg) != a || arg != b->arg)
			continue;
		ui_key_name(b->key, k, sizeof k);
		/* q in a drill-down queue goes back to the dashboard, not out; on
		 * gavel dashboard's own screen it has nothing to go back to */
		snprintf(word, sizeof word, "%s",
			 a == ACT_QUIT && s->view == UI_QUEUE && s->dash.drilled ? "back"
			 : a == ACT_BACK && s->view == UI_DASH && s->dash.back == UI_DASH
				 ? "quit"
				 : ui_actions[a].footer);
		/* Whole or not at all; the space after it may fall off the edge. */
		if (x + (int)text_width(k) + 1 + (int)strlen(word) > COLS)
			return -1;
		x += put(y, x, COLS - x, k, R_KEY);
		x += put_clean(y, x, COLS - x, ":", R_DIM);
		x += put_clean(y, x, COLS - x, word, R_NORMAL);
		x += put_clean(y, x, COLS - x, " ", R_NORMAL);
		return x - x0;
	}
	return 0;
}

/* The key the footer shows for label i: its own key when it has one, which
 * is easier to remember than its number; else its decide key, or 0. */
static int footer_label_key(const struct ui_state *s, size_t i)
{
	int own = ui_label_key(s, i);
	return own ? own : ui_decide_key(s, (int)i);
}

/* Every label with a key, as "key:name", names cut alike (to 10 columns,
 * less when that is too wide) until all of them fit the line. Returns the
 * columns used. */
static int footer_labels(const struct ui_state *s, int y)
{
	const struct store_task *t = &s->item.task;
	int cap = 10, x = 0;

	for (; cap > 1; cap--) {
		int total = 0;
		for (size_t i = 0; i < t->nlabels; i++) {
			char k[16], *name;
			int w;
			if (!footer_label_key(s, i))
				continue;
			ui_key_name(footer_label_key(s, i), k, sizeof k);
			name = text_clean(t->labels[i].name ? t->labels[i].name : t->labels[i].value);
			w = (int)text_width(name);
			free(name);
			total += (int)text_width(k) + 1 + (w < cap ? w : cap) + 1;
		}
		if (total <= COLS)
			break;
	}
	for (size_t i = 0; i < t->nlabels && x < COLS; i++) {
		char k[16];
		const struct store_label *l = &t->labels[i];
		int key = footer_label_key(s, i);
		if (!key)
			continue;
		ui_key_name(key, k, sizeof k);
		x += put(y, x, COLS - x, k, R_KEY);
		x += put_clean(y, x, 1, ":", R_DIM);
		x += put(y, x, cap, l->name ? l->name : l->value, R_NORMAL);
		x += put_clean(y, x, COLS - x, " ", R_NORMAL);
	}
	return x;
}

/* The dashboard's sections, the current one marked, after the key that
 * switches them. Returns the columns used. */
static int footer_sections(const struct ui_state *s, int y)
{
	char k[16];
	int x = 0;
	ui_keys_of(s->keys, ACT_SECTION_NEXT, 1u << UI_DASH, k, sizeof k);
	if (k[0]) {
		char *slash = strchr(k, '/');
		if (slash)
			*slash = 0;
		x += put(y, x, COLS - x, k, R_KEY);
		x += put_clean(y, x, COLS - x, ":", R_DIM);
	}
	for (int i = 0; i < UI_DASH_NSECTIONS; i++) {
		int cur = s->dash.sec == (enum ui_dash_section)i;
		/* at 80 columns the names after the current one are cut to fit */
		int w = COLS < 100 && !cur ? 5 : 12;
		x += put_clean(y, x, w, ui_dash_section_names[i], cur ? R_CURSOR : R_NORMAL);
		x += put_clean(y, x, 1, " ", R_NORMAL);
	}
	return x + 1;
}

/* Footer from the key table: the first key of each footer action in this view;
 * in the item view the label keys and the deciding actions come first. */
static void draw_footer(const struct ui_state *s)
{
	int y = LINES - 1, x = 0;
	move(y, 0);
	clrtoeol();
	/* Viewers and --read-only cannot decide: their footer offers no such key. */
	if (s->view == UI_ITEM && s->has_item && s->can_decide)
		x = footer_labels(s, y);
	if (s->view == UI_DASH)
		x = footer_sections(s, y);
	for (int pass = 0; pass < 2; pass++) {
		for (int a = 1; a < ACT_COUNT; a++) {
			int decide = ui_actions[a].group == UI_GROUP_DECIDE, n;
			if (!ui_actions[a].footer || (s->view == UI_ITEM && decide != (pass == 0)))
				continue;
			if (decide && !s->can_decide)
				continue;
			if (s->view != UI_ITEM && pass == 1)
				return;
			if (s->view == UI_QUEUE && a == ACT_UNDO)
				continue;
			n = footer_action(s, y, x, (enum ui_action)a);
			if (n < 0)
				return;
			x += n;
		}
	}
}

/* ---- the one list widget ---- */

typedef void (*row_fn)(const struct ui_state *s, size_t i, int y, int selected);

static void draw_list(const struct ui_state *s, const struct ui_list *l, int y0, size_t h,
		      row_fn row, int show_cursor)
{
	for (size_t k = 0; k < h; k++) {
		size_t i = l->top + k;
		int y = y0 + (int)k;
		move(y, 0);
		clrtoeol();
		if (i >= l->n)
			continue;
		if (show_cursor && i == l->cur)
			fill_line(y, R_CURSOR);
		row(s, i, y, show_cursor && i == l->cur);
	}
}

/* Lines of styled spans (the history, calibration and item panes build
 * them): rows of them from line top, at (x0, y0), each span cut to the
 * box's width w. */
static void draw_lines(const struct ui_lines *l, size_t top, int x0, int y0, int w, int rows)
{
	for (int k = 0; k < rows; k++) {
		size_t i = top + (size_t)k;
		if (i >= l->n)
			break;
		for (size_t j = 0; j < l->v[i].n; j++) {
			const struct ui_span *sp = &l->v[i].sp[j];
			int cw = sp->w;
			if (sp->x >= w)
				continue;
			if (sp->x + cw > w)
				cw = w - sp->x;
			put_clean(y0 + k, x0 + sp->x, cw, sp->text, sp->role);
		}
	}
}

/* ---- queue view ---- */

struct qcols {
	int id, task, votes, agr, model, status, reason;
};

/* The columns' sum with the one-column gaps, the cursor and the flag mark. */
static int qcols_used(const struct qcols *c)
{
	return 2 + c->id + 1 + c->task + 1 + c->votes + 1 + c->agr + 1 + c->model + 1 + c->status +
	       1;
}

/* Column widths: at 80 columns the compact vote summary (REVIEW_VOTES_SHORT)
 * leaves the reason 16; wider screens grow id, votes, model and task. */
static struct qcols queue_cols(void)
{
	struct qcols c = {8, 9, REVIEW_VOTES_SHORT, 4, 13, 8, 0};
	int extra = COLS - qcols_used(&c);
	if (extra > 46) {
		int more = (extra - 36) / 3;
		c.id += more;
		c.votes += more;
		c.model += more / 2;
		c.task += more / 2;
		extra = COLS - qcols_used(&c);
	}
	c.reason = extra > 1 ? extra : 1;
	return c;
}

static void status_text(const struct review_row *r, char *buf, size_t len, enum ui_role *role)
{
	switch (r->status) {
	case REVIEW_MINE:
		snprintf(buf, len, "done %s", r->decided_label ? r->decided_label : "");
		*role = R_DECIDED;
		break;
	case REVIEW_OTHER:
		snprintf(buf, len, "by %s", r->status_by ? r->status_by : "other");
		*role = R_DECIDED;
		break;
	case REVIEW_CLAIMED:
		snprintf(buf, len, "@%s", r->status_by ? r->status_by : "other");
		*role = R_CLAIMED;
		break;
	case REVIEW_SKIPPED:
		snprintf(buf, len, "skipped");
		*role = R_DIM;
		break;
	default:
		snprintf(buf, len, "open");
		*role = R_NORMAL;
		break;
	}
}

/* The full vote summaries ("negative:2 positive:1") when every visible row's
 * fits its column, else the compact ones for all rows, so the column reads
 * one way. */
static int full_votes; /* set by draw_queue for its rows */

static int votes_full(const struct ui_state *s, int width)
{
	size_t h = ui_list_height(s);
	for (size_t k = s->qlist.top; k < s->qlist.n && k < s->qlist.top + h; k++) {
		const struct review_row *r = &s->qrows[s->order[k]];
		char *clean;
		size_t w;
		if (!ui_row_revealed(s, r))
			continue;
		clean = text_clean(r->votes ? r->votes : "");
		w = text_width(clean);
		free(clean);
		if (w > (size_t)width)
			return 0;
	}
	return 1;
}

static void queue_row(const struct ui_state *s, size_t i, int y, int selected)
{
	const struct review_row *r = &s->qrows[s->order[i]];
	struct qcols c = queue_cols();
	enum ui_role base = selected ? R_CURSOR : R_NORMAL, sr;
	char buf[256];
	int x = 0;

	put_clean(y, x, 1, selected ? ">" : " ", base);
	put_clean(y, x + 1, 1, r->flags ? "!" : " ", selected ? base : R_DISPUTED);
	x += 2;
	put(y, x, c.id, r->external_id, base);
	x += c.id + 1;
	put(y, x, c.task, r->task, base);
	x += c.task + 1;
	if (!ui_row_revealed(s, r)) {
		/* Blind: nothing that comes from the votes or the model, the
		 * queue's reason included, before this expert's own call. */
		put_clean(y, x, c.votes + 1 + c.agr + 1 + c.model, "hidden until your blind call",
			  selected ? base : R_DIM);
		x += c.votes + 1 + c.agr + 1 + c.model + 1;
		status_text(r, buf, sizeof buf, &sr);
		put(y, x, c.status, buf, selected ? base : sr);
		x += c.status + 1;
		put_clean(y, x, COLS - x, "(hidden)", selected ? base : R_DIM);
		return;
	}
	put(y, x, c.votes, full_votes || !r->votes_short ? r->votes : r->votes_short, base);
	x += c.votes + 1;
	if (isnan(r->agreement))
		snprintf(buf, sizeof buf, "  - ");
	else
		snprintf(buf, sizeof buf, "%4.2f", r->agreement);
	put(y, x, c.agr, buf, selected ? base : agreement_role(r->agreement));
	x += c.agr + 1;
	if (r->model_label) {
		char *lab = text_clean(r->model_label);
		char *fit = text_fit(lab, (size_t)(c.model > 5 ? c.model - 5 : 1), NULL);
		snprintf(buf, sizeof buf, "%s %4.2f", fit, r->model_conf);
		free(fit);
		free(lab);
		put_clean(y, x, c.model, buf, selected ? base : R_MODEL);
	} else {
		put_clean(y, x, c.model, "-", base);
	}
	x += c.model + 1;
	status_text(r, buf, sizeof buf, &sr);
	put(y, x, c.status, buf, selected ? base : sr);
	x += c.status + 1;
	put(y, x, COLS - x, r->reason, selected ? base : R_DIM);
}

/*
 * The line under the list: what the compact vote summaries on screen stand
 * for (the cursor row's first; a task whose summaries are too wide for
 * names uses bare counts, so two forms can show at once), and what the flag
 * mark means, when rows on screen use them.
 */
static void draw_queue_legend(const struct ui_state *s, int y)
{
	size_t h = ui_list_height(s), nleg = 0;
	const struct review_row *leg[4];
	int flagged = 0, tasks = 0;
	const char *task = NULL;
	struct sbuf b = {0};

	if (s->qlist.n) {
		const struct review_row *cur = &s->qrows[ui_queue_current(s)];
		if (cur->legend && ui_row_revealed(s, cur))
			leg[nleg++] = cur;
	}
	for (size_t k = s->qlist.top; k < s->qlist.n && k < s->qlist.top + h; k++) {
		const struct review_row *r = &s->qrows[s->order[k]];
		int seen = 0;
		flagged |= r->flags > 0;
		if (!task || (r->task && strcmp(task, r->task) != 0))
			tasks++;
		task = r->task;
		if (!r->legend || !ui_row_revealed(s, r))
			continue;
		for (size_t i = 0; i < nleg; i++)
			seen |= strcmp(leg[i]->legend, r->legend) == 0;
		if (!seen && nleg < GV_ARRAY_LEN(leg))
			leg[nleg++] = r;
	}
	for (size_t i = 0; i < nleg && !full_votes; i++) {
		sbuf_add(&b, i ? "; " : "votes: ");
		if (tasks > 1 && leg[i]->task)
			sbuf_addf(&b, "%s ", leg[i]->task);
		sbuf_add(&b, leg[i]->legend);
	}
	if (flagged)
		sbuf_addf(&b, "%s! guideline flagged", b.len ? "   " : "");
	move(y, 0);
	clrtoeol();
	if (b.len)
		put(y, 1, COLS - 1, b.s, R_DIM);
	sbuf_free(&b);
}

static void draw_queue(const struct ui_state *s)
{
	struct qcols c = queue_cols();
	char what[96];
	int x = 2;

	if (s->qtotal == (size_t)-1)
		snprintf(what, sizeof what, "%zu of %zu loaded, counting... ", s->qlist.n, s->nq);
	else if (s->qtotal == UI_COUNT_CAP + 1 && s->qtotal > s->nq)
		snprintf(what, sizeof what, "%zu of %zu loaded, %d,%03d+ in queue ", s->qlist.n,
			 s->nq, UI_COUNT_CAP / 1000, UI_COUNT_CAP % 1000);
	else if (s->qtotal > s->nq)
		snprintf(what, sizeof what, "%zu of %zu loaded, %zu in queue ", s->qlist.n, s->nq,
			 s->qtotal);
	else
		snprintf(what, sizeof what, "%zu of %zu item%s ", s->qlist.n, s->nq,
			 s->nq == 1 ? "" : "s");
	draw_header(s, what);
	move(1, 0);
	clrtoeol();
	put_clean(1, x, c.id, "item", R_TITLE);
	x += c.id + 1;
	put_clean(1, x, c.task, "task", R_TITLE);
	x += c.task + 1;
	put_clean(1, x, c.votes, "votes", R_TITLE);
	x += c.votes + 1;
	put_clean(1, x, c.agr, "agr", R_TITLE);
	x += c.agr + 1;
	put_clean(1, x, c.model, "model", R_TITLE);
	x += c.model + 1;
	put_clean(1, x, c.status, "status", R_TITLE);
	x += c.status + 1;
	put_clean(1, x, COLS - x, "reason", R_TITLE);
	full_votes = votes_full(s, c.votes);
	draw_list(s, &s->qlist, 2, ui_list_height(s), queue_row, 1);
	if (!s->qlist.n)
		put_clean(3, 2, COLS - 4,
			  s->nq ? "no items match the filter (F changes it)" : "the queue is empty",
			  R_DIM);
	draw_queue_legend(s, 2 + (int)ui_list_height(s));
}

/* ---- item view ---- */

/* Draw the wrapped item text from line text_top, with a position note when it scrolls. */
static void draw_text(const struct ui_state *s, const struct ui_item_geom *g, char *clean)
{
	size_t w = (size_t)g->text_w, h = (size_t)g->text_h, n, starts[512], lens[512];
	n = ui_wrap(clean, w, starts, lens, GV_ARRAY_LEN(starts));
	for (size_t k = 0; k < h; k++) {
		size_t i = s->text_top + k;
		char *line;
		if (i >= n || i >= GV_ARRAY_LEN(starts))
			break;
		line = xstrndup(clean + starts[i], lens[i]);
		put_clean(g->text_y + (int)k, g->text_x, (int)w, line, R_NORMAL);
		free(line);
	}
	if (n > h) {
		char more[64];
		snprintf(more, sizeof more, " lines %zu-%zu of %zu (j/k) ", s->text_top + 1,
			 s->text_top + h < n ? s->text_top + h : n, n);
		put_clean(g->text_y + (int)h - 1, g->text_x + (int)w - (int)strlen(more),
			  (int)strlen(more), more, R_DIM);
	}
}

/* Draw pane lines from `top` into the box; a note on the last row when more lines follow. */
static void draw_pane(const struct ui_lines *l, size_t top, int x0, int y0, int w, int h,
		      int scrolls)
{
	int rows = scrolls ? (int)ui_pane_rows(l->n, (size_t)h) : h;
	draw_lines(l, scrolls ? top : 0, x0, y0, w, rows);
	if (scrolls && l->n > (size_t)h) {
		char more[64];
		size_t last = top + (size_t)rows < l->n ? top + (size_t)rows : l->n;
		snprintf(more, sizeof more, " %zu-%zu of %zu (J/K) ", top + 1, last, l->n);
		put_clean(y0 + h - 1, x0 + w - (int)strlen(more), (int)strlen(more), more, R_DIM);
	}
}

static void draw_decision(const struct ui_state *s, int y)
{
	const struct review_decision *cur = store_review_item_current(&s->item);
	char buf[512];
	move(y, 0);
	clrtoeol();
	if (cur && cur->label && !ui_item_revealed(s)) {
		snprintf(buf, sizeof buf, "Decision: by %s, shown after your blind call",
			 cur->expert);
		put(y, 0, COLS, buf, R_DIM);
	} else if (s->blind && s->blind_call >= 0) {
		const struct store_label *l = &s->item.task.labels[s->blind_call];
		snprintf(buf, sizeof buf,
			 "Blind call: %s  (a label key confirms or changes it)%s%s%s%s",
			 l->name ? l->name : l->value, cur && cur->label ? "  decided by " : "",
			 cur && cur->label ? cur->expert : "", cur && cur->label ? ": " : "",
			 cur && cur->label ? cur->label : "");
		put(y, 0, COLS, buf, R_DISPUTED);
	} else if (cur && cur->label) {
		snprintf(buf, sizeof buf, "Decision: %s by %s%s%s%s%s", cur->label, cur->expert,
			 cur->rule ? "  rule " : "", cur->rule ? cur->rule : "",
			 cur->reason ? "  reason: " : "", cur->reason ? cur->reason : "");
		put(y, 0, COLS, buf, R_DECIDED);
	} else {
		snprintf(buf, sizeof buf, "Decision: none%s%s", s->pending_reason ? "  reason: " : "",
			 s->pending_reason ? s->pending_reason : "");
		put(y, 0, COLS, buf, R_DIM);
	}
}

static void draw_item(const struct ui_state *s)
{
	const struct review_item *it = &s->item;
	struct ui_item_geom g;
	struct ui_lines a, b;
	char what[256];
	int flags = 0;
	char *clean;

	if (!s->has_item) {
		draw_header(s, "");
		return;
	}
	clean = text_sanitize(it->text ? it->text : "", it->text ? strlen(it->text) : 0, TEXT_MULTI,
			      &flags);
	snprintf(what, sizeof what, "%s | %s | %zu/%zu ", it->external_id ? it->external_id : "",
		 it->task.name, s->qlist.cur + 1, s->qlist.n);
	draw_header(s, what);
	if (flags & (TEXT_HAD_HIDDEN | TEXT_HAD_CONTROL | TEXT_HAD_INVALID))
		put_clean(1, 0, COLS, " hidden characters in this text are shown as <...> ^X tokens ",
			  R_HIDDEN);
	else if (!s->claimed && s->holder[0])
		putf(1, 0, COLS, R_CLAIMED, "%s is working on this item", s->holder);
	else if (it->out_in)
		putf(1, 0, COLS, R_CLAIMED, "%s", it->out_in);
	else if (it->conflict[0])
		putf(1, 0, COLS, R_DISPUTED,
		     "conflict: decisions %lld (here) and %lld (packet %s), both in the history",
		     (long long)it->conflict[0], (long long)it->conflict[1],
		     it->conflict_packet ? it->conflict_packet : "?");
	else {
		int x = 1;
		if (it->my_flag)
			x += putf(1, x, COLS - x, R_DISPUTED, "! you flagged the guideline here%s%s",
				  it->my_flag[0] ? ": " : "", it->my_flag);
		else if (it->nflags)
			x += putf(1, x, COLS - x, R_DISPUTED,
				  "! guideline flagged here by %d expert%s", it->nflags,
				  it->nflags == 1 ? "" : "s");
		x = x > 1 ? x + 2 : 0;
		if (it->meta && it->meta[0] && strcmp(it->meta, "{}") != 0 && x < COLS)
			putf(1, x, COLS - x, R_DIM, "meta %s", it->meta);
	}
	ui_item_geom(s, &g);
	draw_text(s, &g, clean);
	ui_item_pane(s, 'a', g.a_w, &a);
	draw_pane(&a, s->pane_top, g.a_x, g.a_y, g.a_w, g.a_h, g.b_h == 0);
	ui_lines_free(&a);
	if (g.b_h > 0) {
		ui_item_pane(s, 'b', g.b_w, &b);
		draw_pane(&b, s->pane_top, g.b_x, g.b_y, g.b_w, g.b_h, 1);
		ui_lines_free(&b);
	}
	draw_decision(s, LINES - 3);
	free(clean);
}

/* ---- history and help ---- */

static void draw_history(const struct ui_state *s)
{
	struct ui_lines l;
	size_t h = ui_list_height(s), folded = ui_history_folded(s), claims = 0;
	char note[128];

	draw_header(s, "history ");
	move(1, 0);
	clrtoeol();
	put_clean(1, 1, COLS - 1, "when (UTC)", R_TITLE);
	put_clean(1, 1 + UI_HISTORY_WHO_X, COLS - 1 - UI_HISTORY_WHO_X, "who", R_TITLE);
	put_clean(1, 1 + UI_HISTORY_WHAT_X, COLS - 1 - UI_HISTORY_WHAT_X, "what changed, and why",
		  R_TITLE);
	ui_history_lines(s, COLS - 1, &l);
	draw_lines(&l, s->hlist.top, 1, 2, COLS - 1, (int)h);
	if (!l.n)
		put_clean(3, 2, COLS - 4,
			  s->nevents ? "only claims so far (c shows them)"
				     : "no events for this item yet",
			  R_DIM);
	/* The line under the list: the folded claims, and the position. */
	for (size_t i = 0; i < s->nevents; i++)
		claims += strcmp(s->events[i].action ? s->events[i].action : "", "claim") == 0;
	note[0] = 0;
	if (folded)
		snprintf(note, sizeof note, "%zu claim%s folded (c shows them)", folded,
			 folded == 1 ? "" : "s");
	else if (claims)
		snprintf(note, sizeof note, "claims shown (c folds them)");
	put_clean(2 + (int)h, 1, COLS - 1, note, R_DIM);
	if (l.n > h) {
		char more[64];
		size_t last = s->hlist.top + h < l.n ? s->hlist.top + h : l.n;
		snprintf(more, sizeof more, " lines %zu-%zu of %zu (j/k) ", s->hlist.top + 1, last,
			 l.n);
		put_clean(2 + (int)h, COLS - (int)strlen(more), (int)strlen(more), more, R_DIM);
	}
	ui_lines_free(&l);
}

static void help_row(const struct ui_state *s, size_t i, int y, int selected)
{
	char buf[256];
	size_t n = ui_help_count();
	(void)selected;
	if (i < n)
		ui_help_line(s, i, buf, sizeof buf);
	else
		ui_help_label_line(s, i - n, buf, sizeof buf);
	put(y, 1, COLS - 1, buf, buf[0] && buf[0] != ' ' ? R_TITLE : R_NORMAL);
}

static void draw_help(const struct ui_state *s)
{
	draw_header(s, "help ");
	move(1, 0);
	clrtoeol();
	put_clean(1, 1, COLS - 1, "Keys (q or Esc goes back)", R_TITLE);
	draw_list(s, &s->helplist, 2, ui_list_height(s), help_row, 0);
}

static void picker_row(const struct ui_state *s, size_t i, int y, int selected)
{
	const struct ui_queue_info *q = &s->queues[i];
	enum ui_role r = selected ? R_CURSOR : R_NORMAL;
	int cur = s->queue && strcmp(q->name, s->queue) == 0;
	put_clean(y, 0, 2, selected ? "> " : "  ", r);
	put(y, 2, 20, q->name, r);
	put(y, 23, 16, q->rule, selected ? r : R_DIM);
	put_clean(y, 40, 7, q->blind ? "blind" : "", selected ? r : R_DISPUTED);
	put_clean(y, 48, 10, cur ? "(current)" : "", selected ? r : R_KEY);
}

static void draw_picker(const struct ui_state *s)
{
	draw_header(s, "switch queue ");
	move(1, 0);
	clrtoeol();
	put_clean(1, 2, COLS - 2, "queue                rule             shown", R_TITLE);
	draw_list(s, &s->plist, 2, ui_list_height(s), picker_row, 1);
	if (!s->nqueues)
		put_clean(3, 2, COLS - 4, "this project declares no queues", R_DIM);
}

static void draw_calib(const struct ui_state *s)
{
	struct ui_lines l;
	size_t h = ui_list_height(s);
	const struct ui_calib *c = &s->calib;
	char title[256];

	draw_header(s, "calibration ");
	move(1, 0);
	clrtoeol();
	if (isnan(c->q))
		snprintf(title, sizeof title,
			 "Calibration: task %s, %ld decided, label accuracy q unknown",
			 c->task ? c->task : "", c->decided);
	else
		snprintf(title, sizeof title,
			 "Calibration: task %s, %ld decided, label accuracy q %.2f (%s)",
			 c->task ? c->task : "", c->decided, c->q, c->source ? c->source : "none");
	put(1, 1, COLS - 1, title, R_TITLE);
	ui_calib_lines(s, COLS, h, &l);
	draw_lines(&l, s->clist.top, 0, 2, COLS, (int)h);
	if (l.n > h) {
		char more[64];
		size_t last = s->clist.top + h < l.n ? s->clist.top + h : l.n;
		snprintf(more, sizeof more, " %zu-%zu of %zu (j/k) ", s->clist.top + 1, last, l.n);
		put_clean(1 + (int)h, COLS - (int)strlen(more), (int)strlen(more), more, R_DIM);
	}
	ui_lines_free(&l);
}

static void draw_dash(const struct ui_state *s)
{
	struct ui_dash_screen sc;
	const struct ui_list *l = &s->dash.list[s->dash.sec];
	char title[512];
	int y = 2;

	draw_header(s, s->dash.sec < UI_DASH_NSECTIONS ? ui_dash_section_names[s->dash.sec] : "");
	ui_dash_title(s, title, sizeof title);
	put(1, 1, COLS - 1, title, R_TITLE);
	ui_dash_lines(s, COLS, LINES, &sc);
	draw_lines(&sc.head, 0, 0, y, COLS, (int)sc.head.n);
	y += (int)sc.head.n;
	draw_lines(&sc.rows, l->top, 0, y, COLS, (int)sc.height);
	if (sc.rows.n > sc.height) {
		char more[64];
		size_t last = l->top + sc.height < sc.rows.n ? l->top + sc.height : sc.rows.n;
		snprintf(more, sizeof more, " %zu-%zu of %zu (j/k) ", l->top + 1, last,
			 sc.rows.n);
		put_clean(y + (int)sc.height - 1, COLS - (int)strlen(more), (int)strlen(more),
			  more, R_DIM);
	}
	y += (int)sc.height;
	draw_lines(&sc.foot, 0, 0, y, COLS, (int)sc.foot.n);
	ui_dash_screen_free(&sc);
}

static void draw_too_small(const struct ui_state *s)
{
	char buf[128];
	(void)s;
	erase();
	snprintf(buf, sizeof buf, "gavel needs at least %dx%d; this terminal is %dx%d.", UI_MIN_COLS,
		 UI_MIN_ROWS, COLS, LINES);
	put_clean(LINES / 2 - 1 > 0 ? LINES / 2 - 1 : 0, 0, COLS, buf, R_ERROR);
	put_clean(LINES / 2 > 0 ? LINES / 2 : 0, 0, COLS, "Enlarge the window, or press C-c to quit.",
		  R_NORMAL);
}

static void (*const views[UI_NVIEWS])(const struct ui_state *) = {
	[UI_QUEUE] = draw_queue,
	[UI_ITEM] = draw_item,
	[UI_HISTORY] = draw_history,
	[UI_HELP] = draw_help,
	[UI_PICKER] = draw_picker,
	[UI_CALIB] = draw_calib,
	[UI_DASH] = draw_dash,
};

void ui_draw(const struct ui_state *s)
{
	int cx;
	if (COLS < UI_MIN_COLS || LINES < UI_MIN_ROWS) {
		draw_too_small(s);
		return;
	}
	erase();
	views[s->view](s);
	cx = draw_message(s);
	draw_footer(s);
	if (cx >= 0) {
		move(LINES - 2, cx < COLS ? cx : COLS - 1);
		curs_set(1);
	} else {
		curs_set(0);
	}
}
