/*
 * ui_update.h: what the review screen's update modules share and nothing
 * else includes: the action handlers' prototypes (generated from the action
 * list in ui.h, so that each handler is checked against ui_handler where it
 * is defined), each view's callbacks, and the helpers more than one update
 * module calls.
 */
#ifndef GAVEL_UI_UPDATE_H
#define GAVEL_UI_UPDATE_H

#include "ui.h"

#define UI_HANDLER_DECL(id, name, group, footer, handler, help) ui_handler handler;
UI_ACTIONS(UI_HANDLER_DECL)
#undef UI_HANDLER_DECL

/* The views' callbacks, gathered in ui_views[] (ui_update.c). */
extern const struct ui_view_def ui_queue_view;	 /* ui_queue.c */
extern const struct ui_view_def ui_picker_view;	 /* ui_queue.c */
extern const struct ui_view_def ui_item_view;	 /* ui_item.c */
extern const struct ui_view_def ui_history_view; /* ui_history.c */
extern const struct ui_view_def ui_help_view;	 /* ui_keys.c */
extern const struct ui_view_def ui_calib_view;	 /* ui_calib.c */
extern const struct ui_view_def ui_dash_view;	 /* ui_dash_view.c */

/* ---- ui_update.c ---- */

/* The backend's monotonic clock in seconds (0 without one). */
double ui_state_now(const struct ui_state *s);

/* Back to the view this one was opened over (s->back): the back callback of
 * views opened over another (help, history, the queue picker). */
int ui_update_return(struct ui_state *s);

/* ---- ui_input.c ---- */

/* Open prompt kind with init (NULL: empty) as its text, the cursor at its
 * end; a reason prompt remembers the pending reason, for Esc. */
void ui_input_open(struct ui_state *s, enum ui_input kind, const char *init);
/* Close the prompt and forget what it held (nothing is saved). */
void ui_input_close(struct ui_state *s);
/* A key while a prompt is open: edit, Enter (commit), Esc (cancel) or C-c
 * (quit, keeping a reason's text as the draft). Returns enum ui_result. */
int ui_input_key(struct ui_state *s, int key);

/* ---- ui_queue.c ---- */

/* Read queue row idx's status again from the database (a failure is shown
 * as the message). */
void ui_queue_refresh_row(struct ui_state *s, size_t idx);
/* ui_queue_refresh_row on every row the queue view shows. */
void ui_queue_refresh_visible(struct ui_state *s);
/* Whether row r carries a decision (mine or another expert's). */
int ui_queue_row_done(const struct review_row *r);
/* Rebuild the shown rows after a sort or filter change, keeping the cursor's row. */
void ui_queue_rebuild(struct ui_state *s);
/* Move to the next (dir 1) or previous (-1) shown row matching s->search,
 * wrapping around; the message says which match of how many, and where. */
int ui_queue_search(struct ui_state *s, int dir);

/* ---- ui_dash_view.c ---- */

/* In a drill-down queue: put the review queue back and return to the
 * dashboard's cell (0 when no drill-down is open). */
int ui_dash_drill_close(struct ui_state *s);
/* Free the dashboard and a queue a drill-down put aside. */
void ui_dash_state_free(struct ui_state *s);

/* ---- ui_item.c ---- */

/* Release the open item (saving an edited reason as the draft) and free it;
 * nothing when no item is open. */
void ui_item_close(struct ui_state *s);
/* Write (or with "" delete) my draft for the open item; -1 when that failed
 * (the message says so). */
int ui_item_save_draft(struct ui_state *s, const char *text);
/* Enter in the reason prompt: keep the reason for the decision, or save it
 * on my decision; a rule that does not exist keeps the prompt open. */
void ui_item_reason_commit(struct ui_state *s);
/* Enter in the flag prompt: flag the guideline for the open item. */
void ui_item_flag_commit(struct ui_state *s);
/* The queue view's open: open the item under the cursor, moving on when
 * another expert decided it meanwhile. */
int ui_item_open_current(struct ui_state *s);

#endif
