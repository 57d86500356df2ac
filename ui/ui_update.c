/*
 * ui_update: the review screen's state machine, the part every view
 * shares. It holds the action table (generated from the list in ui.h) and
 * the views table, turns a key into its bound action (or into text for an
 * open prompt), calls the action's handler, and runs the life cycle: set-up,
 * resize, the periodic tick, hang-up and tear-down. The handlers live with
 * what they change: ui_list.c (moving), ui_item.c (the open item),
 * ui_queue.c (search, sort, filter, the queue picker), ui_history.c,
 * ui_calib.c and ui_keys.c (help); ui_input.c edits the prompts. Nothing
 * here draws or includes curses; the database is reached through struct
 * ui_backend, so tests drive it with a fake.
 */
#include "config.h"

#include "ui_update.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
const char *const ui_group_names[UI_NGROUPS] = {
	[UI_GROUP_NONE] = "",
	[UI_GROUP_MOVE] = "move",
	[UI_GROUP_VIEW] = "view",
	[UI_GROUP_QUEUE] = "queue",
	[UI_GROUP_DECIDE] = "decide",
};

#define UI_ACTION_DEF(i, n, g, f, fn, h) \
	[i] = {.id = i, .name = n, .help = h, .group = UI_GROUP_##g, .footer = f, .handler = fn},

const struct ui_action_def ui_actions[ACT_COUNT] = {
	[ACT_NONE] = {.id = ACT_NONE, .name = "none", .help = "", .group = UI_GROUP_NONE},
	UI_ACTIONS(UI_ACTION_DEF)
};
#undef UI_ACTION_DEF

const struct ui_view_def *const ui_views[UI_NVIEWS] = {
	[UI_QUEUE] = &ui_queue_view,
	[UI_ITEM] = &ui_item_view,
	[UI_HISTORY] = &ui_history_view,
	[UI_HELP] = &ui_help_view,
	[UI_PICKER] = &ui_picker_view,
	[UI_CALIB] = &ui_calib_view,
	[UI_DASH] = &ui_dash_view,
};
/* clang-format on */

/* ---- messages ---- */

void ui_message(struct ui_state *s, enum ui_msg kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof s->msg, fmt, ap);
	va_end(ap);
	s->msg_kind = kind;
	s->msg_seq++;
	if (s->on_message)
		s->on_message(s->on_message_arg, kind, s->msg);
}

double ui_state_now(const struct ui_state *s)
{
	return s->be && s->be->now ? s->be->now(s->be->ctx) : 0;
}

/* ---- actions every view has ---- */

int ui_update_do_open(struct ui_state *s, enum ui_action a, int arg)
{
	const struct ui_view_def *v = ui_views[s->view];
	return v->open ? v->open(s) : 0;
}

int ui_update_do_back(struct ui_state *s, enum ui_action a, int arg)
{
	return ui_views[s->view]->back(s);
}

int ui_update_return(struct ui_state *s)
{
	s->view = s->back;
	return UI_REDRAW;
}

int ui_update_do_quit(struct ui_state *s, enum ui_action a, int arg)
{
	/* q (arg 1) in a drill-down queue leaves it, not gavel */
	if (arg == 1 && s->view == UI_QUEUE && s->dash.drilled)
		return ui_dash_drill_close(s);
	ui_item_close(s);
	s->quit = 1;
	return UI_REDRAW | UI_QUIT_NOW;
}

int ui_update_idle(struct ui_state *s, int wait)
{
	return ui_item_idle(s, wait) | ui_dash_idle(s, wait) | ui_queue_idle(s, wait);
}

int ui_update_busy(const struct ui_state *s)
{
	if (ui_queue_busy(s))
		return 2;
	return s->saving || ui_dash_busy(s);
}

int ui_update_do_redraw(struct ui_state *s, enum ui_action a, int arg)
{
	return UI_REDRAW;
}

/* ---- keys and actions ---- */

int ui_update_key(struct ui_state *s, int key)
{
	enum ui_action a;
	int arg;
	if (s->input != UI_INPUT_NONE)
		return ui_input_key(s, key);
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

int ui_update(struct ui_state *s, enum ui_action a, int arg)
{
	enum ui_view was = s->view;
	unsigned seq = s->msg_seq;
	int r = 0;
	if (a > ACT_NONE && a < ACT_COUNT && ui_actions[a].handler)
		r = ui_actions[a].handler(s, a, arg);
	/* A message belongs to the screen it was said on: a new view starts
	 * with a clear line unless the action that opened it said something. */
	if (s->view != was && s->msg_seq == seq && s->msg[0]) {
		s->msg[0] = 0;
		r |= UI_REDRAW;
	}
	return r;
}

/* ---- the life cycle ---- */

int ui_update_resize(struct ui_state *s, int cols, int rows)
{
	s->cols = cols;
	s->rows = rows;
	/* Every view refits, shown or not: help and history return to the
	 * view under them, which must still fit. */
	for (int v = 0; v < UI_NVIEWS; v++)
		if (ui_views[v]->fit)
			ui_views[v]->fit(s);
	return UI_REDRAW;
}

int ui_update_tick(struct ui_state *s)
{
	double t = ui_state_now(s);
	char err[GV_ERR];
	int r = 0;

	if (s->input == UI_INPUT_REASON && s->draft_dirty && t - s->draft_at >= UI_DRAFT_SECONDS) {
		ui_item_save_draft(s, s->inbuf.s ? s->inbuf.s : "");
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
	ui_item_close(s);
	s->input = UI_INPUT_NONE;
	s->quit = 1;
}

void ui_state_init(struct ui_state *s, const struct ui_backend *be, const char *me, int can_decide,
		   int blind, const char *queue, struct review_row *rows, size_t n, int cols,
		   int rows_on_screen)
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
	s->qmore = be && be->queue_more;
	s->qmore_of = rows;
	s->order = xcalloc(n ? n : 1, sizeof *s->order);
	s->cols = cols;
	s->rows = rows_on_screen;
	s->blind_call = -1;
	s->view = UI_QUEUE;
	ui_queue_rebuild(s);
	ui_queue_refresh_visible(s);
	if (!n)
		ui_message(s, UI_MSG_INFO, "the queue is empty: nothing to review");
}

void ui_state_free(struct ui_state *s)
{
	if (s->input == UI_INPUT_REASON && s->draft_dirty)
		ui_item_save_draft(s, s->inbuf.s ? s->inbuf.s : "");
	ui_item_close(s);
	store_review_rows_free(s->qrows, s->nq);
	store_review_events_free(s->events, s->nevents);
	ui_queue_infos_free(s->queues, s->nqueues);
	ui_calib_free(&s->calib);
	ui_dash_state_free(s);
	free(s->order);
	free(s->queue);
	free(s->pending_reason);
	free(s->edit_base);
	free(s->shits);
	sbuf_free(&s->inbuf);
	memset(s, 0, sizeof *s);
}
