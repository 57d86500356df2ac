/*
 * ui: the review screen's state, actions, key tables and update functions.
 * Nothing here includes curses: the terminal layer (ui_term.c) turns input
 * into enum ui_key values, ui_update calls the bound action's handler
 * (ui_actions[], generated from UI_ACTIONS) on struct ui_state, each view
 * being a set of callbacks (ui_views[]), and the draw layer (ui_draw.c)
 * renders the state without changing it. The database is reached only through struct ui_backend, so the
 * update tests drive the real state machine with a fake backend.
 */
#ifndef GAVEL_UI_H
#define GAVEL_UI_H

#include "guide.h"
#include "lead.h"
#include "model.h"
#include "store_drill.h"
#include "store_review.h"
#include "util.h"

#include <stddef.h>
#include <stdint.h>

/* The screen needs at least this much room; below it shows "too small". */
#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24
/* A draft reason is written to the database at most this often while typing. */
#define UI_DRAFT_SECONDS 3.0
/* A queue's items are counted up to this many; past it the header says
 * "10,000+ in queue" (qtotal is then UI_COUNT_CAP + 1), so a refresh never
 * counts millions of rows. */
#define UI_COUNT_CAP 10000
/* The item view's q, when percent agreement gives it, is the mean over at
 * most this many of the task's items ("agreement (sample)" past it). */
#define UI_Q_SAMPLE 10000
/* An open item's claim is renewed when it is older than this. */
#define UI_RENEW_SECONDS 120.0

/* Keys: Unicode code points for text, and these for everything else. */
enum ui_key {
	UI_KEY_NONE = 0,
	UI_KEY_UP = 0x110001,
	UI_KEY_DOWN,
	UI_KEY_LEFT,
	UI_KEY_RIGHT,
	UI_KEY_PGUP,
	UI_KEY_PGDN,
	UI_KEY_HOME,
	UI_KEY_END,
	UI_KEY_ENTER,
	UI_KEY_ESC,
	UI_KEY_BACKSPACE,
	UI_KEY_TAB,
	UI_KEY_RESIZE,
	UI_KEY_DELETE,
	UI_KEY_BTAB, /* Shift-Tab */
};
#define UI_KEY_CTRL(c) ((c) & 0x1f)

struct ui_state;

/*
 * Every user action, declared once, as X(id, name, group, footer, handler,
 * help): the stable name keys files and the help screen use, its help
 * group, the short word the footer shows (NULL: not on the footer), the
 * function ui_update calls for it (a ui_handler) and one line of help. The
 * list generates enum ui_action, the handlers' prototypes and ui_actions[];
 * its order is the help screen's and the footer's. A new action is one
 * entry here and one handler (plus its keys in ui_bindings).
 */
#define UI_ACTIONS(X)                                                                              \
	X(ACT_UP, "move-up", MOVE, NULL, ui_list_do_move, "move up, or scroll the item text up")   \
	X(ACT_DOWN, "move-down", MOVE, "move", ui_list_do_move,                                    \
	  "move down, or scroll the item text down")                                               \
	X(ACT_PAGE_UP, "page-up", MOVE, NULL, ui_list_do_move, "one page up")                      \
	X(ACT_PAGE_DOWN, "page-down", MOVE, NULL, ui_list_do_move, "one page down")                \
	X(ACT_TOP, "top", MOVE, NULL, ui_list_do_move, "first row")                                \
	X(ACT_BOTTOM, "bottom", MOVE, NULL, ui_list_do_move, "last row")                           \
	X(ACT_OPEN, "open", MOVE, "open", ui_update_do_open, "open the item under the cursor")     \
	X(ACT_BACK, "back", MOVE, "back", ui_update_do_back, "back to the previous screen")        \
	X(ACT_QUIT, "quit", MOVE, "quit", ui_update_do_quit,                                       \
	  "quit gavel (your draft is kept); q in a drill-down queue goes back to the dashboard")   \
	X(ACT_HELP, "help", VIEW, "help", ui_help_do_open, "this help")                            \
	X(ACT_HISTORY, "history", VIEW, "hist", ui_history_do_open, "the item's audit history")    \
	X(ACT_SEARCH, "search", QUEUE, "find", ui_queue_do_search,                                 \
	  "search the queue: id, task, votes, model, reason, text, metadata, annotators")          \
	X(ACT_SEARCH_NEXT, "search-next", QUEUE, NULL, ui_queue_do_search_step, "next match")      \
	X(ACT_SEARCH_PREV, "search-prev", QUEUE, NULL, ui_queue_do_search_step, "previous match")  \
	X(ACT_SORT, "sort", QUEUE, "sort", ui_queue_do_sort,                                       \
	  "sort by queue order, agreement, model confidence, id")                                  \
	X(ACT_FILTER, "filter", QUEUE, "filter", ui_queue_do_filter,                               \
	  "show all, open only, or decided only")                                                  \
	X(ACT_DECIDE, "decide", DECIDE, NULL, ui_item_do_decide,                                   \
	  "decide the n-th label (or the guideline's key)")                                        \
	X(ACT_REASON, "reason", DECIDE, "reason", ui_item_do_reason,                               \
	  "add or edit the reason (#RULE text)")                                                   \
	X(ACT_SKIP, "skip", DECIDE, "skip", ui_item_do_skip, "skip this item for now")             \
	X(ACT_FLAG, "flag", DECIDE, "flag", ui_item_do_flag,                                       \
	  "flag the guideline as unclear for this item (with a note)")                             \
	X(ACT_UNDO, "undo", DECIDE, "undo", ui_item_do_undo,                                       \
	  "undo your last decision (a new superseding one)")                                       \
	X(ACT_NEXT_ITEM, "next-item", MOVE, NULL, ui_item_do_step, "next item in the queue")       \
	X(ACT_PREV_ITEM, "prev-item", MOVE, NULL, ui_item_do_step, "previous item in the queue")   \
	X(ACT_REDRAW, "redraw", VIEW, NULL, ui_update_do_redraw, "redraw the screen")              \
	X(ACT_PANE_DOWN, "pane-down", MOVE, "more", ui_item_do_pane,                               \
	  "scroll the votes, model and guideline pane down")                                       \
	X(ACT_PANE_UP, "pane-up", MOVE, NULL, ui_item_do_pane,                                     \
	  "scroll the votes, model and guideline pane up")                                         \
	X(ACT_QUEUES, "queues", QUEUE, "queues", ui_queue_do_picker,                               \
	  "switch to another of the project's queues")                                             \
	X(ACT_CALIBRATION, "calibration", VIEW, "calib", ui_calib_do_open,                         \
	  "model calibration vs expert decisions")                                                 \
	X(ACT_CLAIMS, "claims", VIEW, "claims", ui_history_do_claims,                              \
	  "show or fold the claim events in the history")                                          \
	X(ACT_DASHBOARD, "dashboard", VIEW, "dash", ui_dash_do_open,                               \
	  "the lead's dashboard: agreement by task, label, annotator, pair, rule")                 \
	X(ACT_SECTION_NEXT, "next-section", VIEW, NULL, ui_dash_do_section,                        \
	  "the dashboard's next section")                                                          \
	X(ACT_SECTION_PREV, "prev-section", VIEW, NULL, ui_dash_do_section,                        \
	  "the dashboard's previous section")                                                      \
	X(ACT_CELL_LEFT, "cell-left", MOVE, NULL, ui_dash_do_cell, "the dashboard: cell or column left") \
	X(ACT_CELL_RIGHT, "cell-right", MOVE, NULL, ui_dash_do_cell,                               \
	  "the dashboard: cell or column right")                                                   \
	X(ACT_SORT_COLUMN, "sort-column", VIEW, "sort", ui_dash_do_sort,                           \
	  "the dashboard: sort annotators by the selected column (again: reverse)")

#define UI_ACTION_ID(id, name, group, footer, handler, help) id,
enum ui_action { ACT_NONE = 0, UI_ACTIONS(UI_ACTION_ID) ACT_COUNT };
#undef UI_ACTION_ID

/* The help screen's groups of actions, in the help screen's order. */
enum ui_group {
	UI_GROUP_NONE = 0,
	UI_GROUP_MOVE,
	UI_GROUP_VIEW,
	UI_GROUP_QUEUE,
	UI_GROUP_DECIDE,
	UI_NGROUPS
};

/* Group names as the help screen shows them, indexed by enum ui_group. */
extern const char *const ui_group_names[UI_NGROUPS];

/*
 * An action's handler: apply action a (its binding's arg, e.g. the label
 * index for decide) to the state. Returns enum ui_result flags.
 */
typedef int ui_handler(struct ui_state *s, enum ui_action a, int arg);

struct ui_action_def {
	enum ui_action id;
	const char *name;    /* stable name, used by the help screen and key overrides */
	const char *help;    /* one line for the help screen */
	enum ui_group group; /* where the help screen lists it */
	const char *footer;  /* short footer word, NULL to leave it off the footer */
	ui_handler *handler; /* NULL only for ACT_NONE */
};

/* The action table, indexed by enum ui_action (generated from UI_ACTIONS). */
extern const struct ui_action_def ui_actions[ACT_COUNT];

enum ui_view { UI_QUEUE = 0, UI_ITEM, UI_HISTORY, UI_HELP, UI_PICKER, UI_CALIB, UI_DASH, UI_NVIEWS };

struct ui_list;

/*
 * A view, as the update side sees it: a small set of callbacks, so that the
 * actions every view has (move, open, back) and a resize need no switch on
 * the view. The draw side's callbacks are ui_draw.c's. A view with a list
 * uses the one list widget: the move actions move its cursor, or scroll it
 * as a pager; a view without one moves itself.
 */
struct ui_view_def {
	const char *name; /* in messages: "queue", "item", ... */
	/* The view's list, or NULL when it has none. */
	struct ui_list *(*list)(struct ui_state *s);
	int pager; /* the list is read, not chosen from: moving scrolls it */
	/* The move actions in a view without a list (NULL: they do nothing). */
	int (*move)(struct ui_state *s, enum ui_action a);
	/* After the list's cursor moved (NULL: nothing to do). */
	void (*moved)(struct ui_state *s);
	/* ACT_OPEN: open what the cursor is on (NULL: nothing to open). */
	int (*open)(struct ui_state *s);
	/* ACT_BACK: leave the view (never NULL). */
	int (*back)(struct ui_state *s);
	/* The screen changed size: keep positions inside what fits. Called for
	 * every view, shown or not (NULL: nothing to keep). */
	void (*fit)(struct ui_state *s);
};

/* The views, indexed by enum ui_view. */
extern const struct ui_view_def *const ui_views[UI_NVIEWS];

/* A key bound to an action in the views of `views` (a mask of 1 << enum ui_view).
 * With UI_YIELDS in views the binding gives way to the open item's label
 * keys and to every other binding of its key, wherever it stands in the
 * table: d opens the dashboard in the item view unless the item's
 * guideline or the keys file gives d to something else there. */
struct ui_binding {
	unsigned views;
	int key;
	enum ui_action action;
	int arg;
};
#define UI_YIELDS (1u << 31)

/* The built-in key table; a user's keys file changes a copy (struct ui_keymap). */
extern const struct ui_binding ui_bindings[];
extern const size_t ui_nbindings;

/* Name of a key for help and footer ("j", "Enter", "C-l"), into buf. */
const char *ui_key_name(int key, char *buf, size_t len);

/*
 * Parse a key name as keys files and headless scripts spell it: one
 * character ("j", "?", "é"), or <Name> with Name one of Enter, Esc, Up, Down,
 * Left, Right, PgUp, PgDn, Home, End, BS, Backspace, Tab, Space, or <C-x>
 * with x a letter. Returns the key, or -1 when the name is not one.
 */
int ui_key_parse(const char *name);

/* Where a keys file gave a binding: line 0 for a built-in one. */
struct ui_key_from {
	int line, col;
};

/* The bindings in force: the built-in table with a user's overrides applied. */
struct ui_keymap {
	struct ui_binding *v; /* looked up first match first */
	size_t n, cap;
	struct ui_key_from *from; /* per binding, or NULL: all built in */
	char *file;		  /* the keys file applied, or NULL */
};

/* A keymap holding the built-in table. Free with ui_keymap_free. */
void ui_keymap_init(struct ui_keymap *km);
void ui_keymap_free(struct ui_keymap *km);

/*
 * Apply the overrides in a keys file (YAML in buf[0..len), named file in
 * messages) to km:
 *
 *   keys:
 *     move-down: [j, <Down>, <C-n>]
 *     quit: Q
 *
 * Each listed action's keys become exactly the given ones, in the views
 * where the action had keys before; for `decide` the n-th key decides the
 * n-th label (at most 9). A key that another action keeps in one of those
 * views (because the file does not rebind that one too) is a clash. A clash,
 * an unknown action, an unknown key name, a key given twice, or any other
 * shape is an error "file:line:col: what is wrong" that names both uses, and
 * km is left unchanged. Returns 0 or -1.
 */
int ui_keymap_parse(struct ui_keymap *km, const char *file, const char *buf, size_t len,
		    char *err);

/*
 * Read the keys file at path and apply it (ui_keymap_parse). Returns 0 when
 * applied, 1 when the file does not exist (km unchanged), -1 with err filled
 * (unreadable, too large, or a bad file).
 */
int ui_keymap_load(struct ui_keymap *km, const char *path, char *err);

/*
 * The user's keys file: $XDG_CONFIG_HOME/gavel/keys.yaml when that variable
 * is an absolute path, else $HOME/.config/gavel/keys.yaml. Returns 0 with
 * the path in buf, or -1 when neither variable gives one (or buf is short).
 */
int ui_keymap_path(char *buf, size_t len);

/*
 * Check that no label's decision key is a key the item view binds to an
 * action in km (NULL: the built-in table): pressing it would run the action,
 * never decide. A decide binding for the label's own position is no clash.
 * The error names both uses and the place of the one a file gave:
 * "file:line:col: ..." of the label's key, or of the keys file's binding,
 * or `where` (the project) for a key stored in a project. Returns 0 or -1.
 */
int ui_keys_check_labels(const struct ui_keymap *km, const struct guide_key *v, size_t n,
			 const char *where, char *err);

/* ui_keys_check_labels on every label key of the project st (named `where`
 * in messages). Returns 0 or -1 with err filled. */
int ui_keys_check_project(const struct ui_keymap *km, struct store *st, const char *where,
			  char *err);

/* Keys bound to action a in any of the views in mask, by name joined with
 * "/", into buf ("" when none; decide keys 1..9 read "1-9"). */
void ui_keys_of(const struct ui_keymap *km, enum ui_action a, unsigned views, char *buf,
		size_t len);

/* The one list widget's state: n rows, a cursor and the first visible row. */
struct ui_list {
	size_t n, cur, top;
};

/* Keep the cursor inside the rows and the window of height rows around it. */
void ui_list_clamp(struct ui_list *l, size_t height);
/* Move the cursor by delta (clamped) and keep it inside a window of height rows. */
void ui_list_move(struct ui_list *l, long delta, size_t height);
/* Move l's cursor as move action a (up, down, page up and down, top,
 * bottom) asks, for a view showing height rows of it. */
void ui_list_act(struct ui_list *l, enum ui_action a, size_t height);
/* Set the row count, clamping cursor and top. */
void ui_list_set(struct ui_list *l, size_t n, size_t height);

/* One queue of the project, for the queue picker. */
struct ui_queue_info {
	char *name;
	char *rule;
	int blind;
};

void ui_queue_infos_free(struct ui_queue_info *v, size_t n);

/* Calibration of one model against expert decisions (model_report.h). */
struct ui_calib_model {
	char *model;	  /* NULL: the task has no predictions */
	long predictions; /* items of the task this model predicted */
	struct model_calibration cal;
};

/* The calibration view's figures for one task. */
struct ui_calib {
	char *task;
	double q;	    /* the task's estimated label accuracy */
	const char *source; /* "audit", "agreement" or "none" (static) */
	long decided;	    /* items with a current expert decision */
	struct ui_calib_model *models;
	size_t nmodels;
};

void ui_calib_free(struct ui_calib *c);

enum ui_input { UI_INPUT_NONE = 0, UI_INPUT_SEARCH, UI_INPUT_REASON, UI_INPUT_FLAG };
/* UI_MSG_SAVING: a decision is committed, its sync to the disk pending
 * (backend durable); "saved" replaces it once the sync returned. */
enum ui_msg { UI_MSG_INFO = 0, UI_MSG_SAVED, UI_MSG_ERROR, UI_MSG_SAVING };
enum ui_sort { UI_SORT_QUEUE = 0, UI_SORT_AGREEMENT, UI_SORT_MODEL, UI_SORT_ID, UI_NSORTS };
enum ui_filter { UI_FILTER_ALL = 0, UI_FILTER_OPEN, UI_FILTER_DONE, UI_NFILTERS };

/* The dashboard's sections, in Tab order. */
enum ui_dash_section {
	UI_DASH_TASKS = 0,
	UI_DASH_LABELS,
	UI_DASH_ANNOTATORS,
	UI_DASH_PAIRS,
	UI_DASH_CONFUSION,
	UI_DASH_DISTRIBUTION,
	UI_DASH_RULES,
	UI_DASH_NSECTIONS
};

/* Section names as the footer and the title show them. */
extern const char *const ui_dash_section_names[UI_DASH_NSECTIONS];

/* Columns of the Annotators section, which it can be sorted by. */
enum ui_dash_acol {
	UI_ACOL_NAME = 0,
	UI_ACOL_VOTES,
	UI_ACOL_AGREEMENT,
	UI_ACOL_ACCURACY,
	UI_ACOL_DS,
	UI_ACOL_OVERUSED,
	UI_NACOLS
};

/* The queue a drill-down replaced, kept to be put back when it closes. */
struct ui_queue_stash {
	char *queue;
	struct review_row *qrows;
	size_t nq, qtotal, *order;
	struct ui_list qlist;
	enum ui_sort sort;
	enum ui_filter filter;
	int blind;
	unsigned char *shits;
	char search[256];
};

/* The dashboard's figures and where its cursors are. */
struct ui_dash {
	int have;
	struct lead_report rep; /* the figures (lead_build), one task or all */
	size_t task;		/* the task the sections after Tasks show (index into rep.tasks) */
	enum ui_dash_section sec;
	struct ui_list list[UI_DASH_NSECTIONS]; /* the row cursor of each section */
	int col[UI_DASH_NSECTIONS];		/* the column cursor (cells, sort column) */
	enum ui_dash_acol sort;			/* the Annotators section's order */
	int sort_desc;
	size_t *aorder;		/* annotator indices in that order (rep.tasks[task]) */
	enum ui_view back;	/* where q goes back to; UI_DASH: q quits (gavel dashboard) */
	int drilled;		/* a drill-down queue is shown; q puts stash back */
	int stale;   /* a decision or undo was saved since the figures were computed (or
		      * since the computation running now started) */
	int refresh; /* the figures shown are out of date: recomputed in the background,
		      * shown meanwhile marked as updating */
	int pending; /* the backend computes the figures in the background; -1: it failed */
	struct ui_queue_stash stash;
	char *title;		/* the drill-down queue's title */
};

/* The database as the screen sees it; ui_backend.c implements it on store_review. */
struct ui_backend {
	void *ctx;
	int (*load)(void *ctx, int64_t item, struct review_item *it, struct guide *g,
		    int *has_guide, char *err);
	int (*row_status)(void *ctx, struct review_row *r, char *err);
	/* row_status for n rows at once (NULL: row_status one by one). */
	int (*rows_status)(void *ctx, struct review_row *const *v, size_t n, char *err);
	/* store_review_claim: seen is the latest decision the screen knows of. */
	int (*claim)(void *ctx, int64_t item, int64_t seen, char *holder, size_t len, char *err);
	int (*release)(void *ctx, int64_t item, char *err);
	int (*decide)(void *ctx, const struct review_decide_args *d, int64_t *id, char *other,
		      size_t len, char *err);
	/* Whether every decision committed so far is on the disk (NULL: decide
	 * returns only once it is): 1 yes, 0 not yet (wait: block until it
	 * is), -1 the disk did not confirm them (err filled; said once). The
	 * screen says "saving" after decide and "saved" only after this. */
	int (*durable)(void *ctx, int wait, char *err);
	int (*undo)(void *ctx, int64_t item, char *err);
	int (*reason)(void *ctx, int64_t item, const char *reason, const char *rule, char *err);
	/* 0 flagged, 1 flagged by me already (nothing written), -1 error. */
	int (*flag)(void *ctx, int64_t item, const char *note, char *err);
	int (*skip)(void *ctx, int64_t item, char *err);
	int (*draft)(void *ctx, int64_t item, const char *text, char *err);
	/* Save the draft (NULL: keep it) and release the claim in one write. */
	int (*leave)(void *ctx, int64_t item, const char *text, char *err);
	int (*events)(void *ctx, int64_t item, struct review_event **ev, size_t *n, char *err);
	/* store_review_search over items[0..n) (NULL: search the queue's own columns only). */
	int (*search)(void *ctx, const int64_t *items, size_t n, const char *query, int annotators,
		      unsigned char *hits, char *err);
	double (*now)(void *ctx); /* monotonic seconds */
	/* The project's queues (NULL: the picker says there is no choice). */
	int (*queues)(void *ctx, struct ui_queue_info **v, size_t *n, char *err);
	/* Build queue `name` as screen rows; *blind gets the queue's blind flag. */
	int (*queue_load)(void *ctx, const char *name, struct review_row **rows, size_t *n,
			  int *blind, char *err);
	/* The next page of the last loaded queue (NULL: queue_load read it
	 * whole): 1 when more may follow, 0 when it is complete, -1 on error. */
	int (*queue_more)(void *ctx, struct review_row **rows, size_t *n, char *err);
	/* Items the last loaded queue holds in all (NULL: as many as loaded). */
	size_t (*queue_total)(void *ctx);
	/* Calibration of every model of task `task` against expert decisions
	 * (NULL: the view says it is not available). */
	int (*calibration)(void *ctx, const char *task, struct ui_calib *out, char *err);
	/* The lead's figures of every task (task NULL) or one (lead_build;
	 * NULL: the dashboard is not available). */
	int (*dashboard)(void *ctx, const char *task, struct lead_report *out, char *err);
	/* The same as lead_build_quick computes it (NULL: none). */
	int (*dashboard_quick)(void *ctx, const char *task, struct lead_report *out, char *err);
	/* Start computing what dashboard computes on a thread of its own, with
	 * its own read connection (NULL: the screen computes it in place).
	 * Nothing is started while an earlier computation is unfinished.
	 * Returns 0, or -1 with err filled. */
	int (*dashboard_start)(void *ctx, char *err);
	/* The started computation's result: 1 with *out filled (the caller
	 * frees it with lead_report_free), 0 while it is still running (wait:
	 * block until it is done), -1 with err filled when it failed. */
	int (*dashboard_poll)(void *ctx, int wait, struct lead_report *out, char *err);
	/* The queue behind a dashboard figure as screen rows (store_drill_build
	 * with the backend's limit); *total gets its size, *title what it is. */
	int (*drill)(void *ctx, const struct store_drill *d, struct review_row **rows, size_t *n,
		     size_t *total, char **title, char *err);
};


/* Flags ui_update returns to the loop. */
enum ui_result { UI_REDRAW = 1 << 0, UI_QUIT_NOW = 1 << 1 };

struct ui_state {
	int cols, rows;
	enum ui_view view, back; /* back: where help and history return to */
	const struct ui_backend *be;
	const struct ui_keymap *keys; /* NULL: the built-in table */
	char me[128];
	int can_decide; /* 0 for viewers and --read-only */
	int blind;      /* blind-first mode (the queue's flag or --blind) */
	int force_blind; /* --blind: every queue is shown blind */
	char *queue;    /* queue name */

	struct review_row *qrows; /* the queue, in queue order */
	size_t nq;
	size_t qtotal; /* items in the queue in all; nq may be fewer (--limit) */
	size_t *order; /* rows shown after sort and filter: indexes into qrows */
	int qmore;     /* the backend has more of this queue's rows (queue_more) */
	const struct review_row *qmore_of; /* the qrows they extend: while another
					    * list is shown (a drill-down) none come */
	struct ui_list qlist;
	enum ui_sort sort;
	enum ui_filter filter;

	int has_item;
	size_t item_row; /* index into qrows of the open item */
	struct review_item item;
	struct guide guide;
	int has_guide;
	int claimed;          /* 1 when I hold the claim */
	char holder[128];     /* who else holds it, when not */
	double opened_at;     /* when the item was opened: time spent */
	double renewed_at;
	int blind_call;       /* label index of the blind call, -1 before it */
	int overrule;         /* label index + 1 a lead pressed over another's decision */
	size_t text_top;      /* first line of the item text shown */
	size_t pane_top;      /* first line of the evidence pane shown (J/K scroll it) */
	char *pending_reason; /* reason typed before deciding */

	struct review_event *events;
	size_t nevents;
	int show_claims;      /* the history shows claim events too */
	struct ui_list hlist; /* over the history's lines */
	struct ui_list helplist;
	struct ui_queue_info *queues; /* the queue picker's rows */
	size_t nqueues;
	struct ui_list plist;
	struct ui_calib calib; /* the calibration view's figures */
	int has_calib;
	struct ui_list clist;
	enum ui_view calib_back;
	struct ui_dash dash; /* the dashboard */
	int colour;	     /* colours are shown: charts use a colour ramp, else shading */

	enum ui_input input;
	struct sbuf inbuf;
	size_t incur; /* the prompt's cursor: a byte offset into inbuf, on a character */
	int draft_dirty;
	double draft_at;
	char *edit_base;   /* the pending reason when the editor opened: Esc restores it */
	int draft_written; /* this edit reached the draft table (autosave): Esc undoes that */
	char search[256];
	unsigned char *shits; /* per qrows row: where the database found search (REVIEW_HIT_*)
			       * and whether it was asked yet; NULL until a search */
	int spending;	      /* a search goes on between keys: 1/-1 still looking in that
			       * direction, 2/-2 found, counting the matches */
	unsigned sseq;	      /* the search's message (msg_seq) and cursor: another key */
	size_t scur;	      /* since then drops what is pending */
	int swrapped;	      /* the match found wrapped around */

	size_t saving;	       /* decisions committed, their sync still pending */
	char saving_what[256]; /* the last of them, "ITEM = LABEL" */

	char msg[512];
	enum ui_msg msg_kind;
	unsigned msg_seq; /* counts ui_message calls */
	/* Called by ui_message with each message as it is set (NULL: nobody
	 * listens); headless --messages prints them, so a test sees every
	 * "saved" the screen showed, even one a later message replaced. */
	void (*on_message)(void *arg, enum ui_msg kind, const char *msg);
	void *on_message_arg;
	int quit;
};

/*
 * Set up the state for a queue: takes ownership of rows (freed by
 * ui_state_free), refreshes their status and shows the queue view.
 */
void ui_state_init(struct ui_state *s, const struct ui_backend *be, const char *me,
		   int can_decide, int blind, const char *queue, struct review_row *rows,
		   size_t n, int cols, int rows_on_screen);
/* Save the draft, release the claim and free everything. */
void ui_state_free(struct ui_state *s);

/* The bindings in force (s->keys or the built-in table); *n gets their count. */
const struct ui_binding *ui_state_bindings(const struct ui_state *s, size_t *n);

/* The key that decides label idx in the item view, or 0 when none does. */
int ui_decide_key(const struct ui_state *s, int idx);

/* The action bound to key in the current view (arg gets its argument), or ACT_NONE. */
enum ui_action ui_key_action(const struct ui_state *s, int key, int *arg);

/* The open item's label idx's own key (the guideline's or the project's
 * key:) when it decides that label in the item view, else 0 (none, or a
 * binding of the item view shadows it). */
int ui_label_key(const struct ui_state *s, size_t idx);

/* Handle one key: text input when a prompt is open, else its bound action. */
int ui_update_key(struct ui_state *s, int key);
/* Apply an action. Returns enum ui_result flags. */
int ui_update(struct ui_state *s, enum ui_action a, int arg);
/* The terminal changed size. */
int ui_update_resize(struct ui_state *s, int cols, int rows);
/* Periodic work (draft autosave, claim renewal); call about once a second. */
int ui_update_tick(struct ui_state *s);
/* Deferred work, run by the loop after a screen was painted and whenever it
 * waited for a key in vain (the dashboard's figures past its first screen,
 * computed in the background where the backend can). wait: block until the
 * work is done (headless scripts, so that what a key sees never depends on
 * timing). Returns UI_REDRAW when the screen changed. */
int ui_update_idle(struct ui_state *s, int wait);
/* Deferred work is under way: the loop should look again soon (1), or at
 * once when no key is waiting (2: the rest of a queue being read a page at
 * a time). */
int ui_update_busy(const struct ui_state *s);
/* Hang-up or termination: save the draft now and ask the loop to end. */
void ui_update_hangup(struct ui_state *s);

/* Rows of the list views (queue, history, help, picker, calibration) that
 * fit the current size: all but the header, the column titles, a note line
 * under the list, the message line and the footer. */
size_t ui_list_height(const struct ui_state *s);

/*
 * Whether the queue may show what row r says about votes, agreement and the
 * model (and the reason derived from them): always, except in blind mode,
 * where only items that carry my own decision are shown.
 */
int ui_row_revealed(const struct ui_state *s, const struct review_row *r);

/* Whether the open item's votes, model and decisions may be shown: not in
 * blind mode until my blind call, or a decision of mine, is on record. */
int ui_item_revealed(const struct ui_state *s);

/* The index into qrows of the row under the queue cursor, or (size_t)-1. */
size_t ui_queue_current(const struct ui_state *s);

/* Set the one-line message shown above the footer. */
void ui_message(struct ui_state *s, enum ui_msg kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Wrap sanitised UTF-8 text (TEXT_MULTI: may hold '\n') into lines of at most
 * width columns, breaking at spaces where possible and inside words when a
 * word is wider than the line. Returns the line count; when starts/lens are
 * non-NULL they receive byte offsets and lengths (capacity cap entries).
 */
size_t ui_wrap(const char *s, size_t width, size_t *starts, size_t *lens, size_t cap);

/* Width and height of the item text area at the current size (shared by
 * update, which clamps scrolling, and draw, which renders it). */
void ui_item_text_geom(const struct ui_state *s, size_t *width, size_t *height);

/* The help screen, generated from the action table and the keymap in
 * force (s->keys; s NULL: the built-in keys, no item open): line count, and
 * line i into buf (unsanitised: the last line, which says which key opens
 * the dashboard on the open item, may name a label from data). */
size_t ui_help_count(void);
void ui_help_line(const struct ui_state *s, size_t i, char *buf, size_t len);

/* The lines the help screen adds after ui_help_count() when an item is open
 * and a label of its task has its own key: a blank line, a title, and per
 * label its keys (own key, then number), value and name; 0 otherwise. Line
 * i (unsanitised: label values come from data) into buf. */
size_t ui_help_labels(const struct ui_state *s);
void ui_help_label_line(const struct ui_state *s, size_t i, char *buf, size_t len);

/* Labels "in play" on the open item: voted or predicted. Fills flags per label index. */
void ui_labels_in_play(const struct ui_state *s, unsigned char *in_play);

/*
 * The strict majority label value of the item's votes (more than half of
 * them), or NULL when there is none (a tie, or a plurality short of half).
 * *count gets its vote count when count is non-NULL.
 */
const char *ui_majority(const struct review_item *it, int *count);

/* ---- item view layout (pure: shared by update, which scrolls, and draw) ---- */

/* Named colour roles; ui_draw.c maps them to colours or attributes. */
enum ui_role {
	R_NORMAL = 0,
	R_HEADER,
	R_CURSOR,
	R_TITLE,
	R_AGREE,
	R_DISPUTED,
	R_DECIDED,
	R_CLAIMED,
	R_MODEL,
	R_SAVED,
	R_ERROR,
	R_DIM,
	R_HIDDEN,
	R_KEY,
	R_HEAT0, /* the colour ramp of heatmaps and histograms, low to high */
	R_HEAT1,
	R_HEAT2,
	R_HEAT3,
	R_HEAT4,
	R_NROLES
};

/* One piece of a pane line: sanitised text drawn at column x, cut to w columns. */
struct ui_span {
	int x, w;
	enum ui_role role;
	char *text;
};

#define UI_LINE_SPANS 48
struct ui_line {
	struct ui_span sp[UI_LINE_SPANS];
	size_t n;
};

struct ui_lines {
	struct ui_line *v;
	size_t n, cap;
};

void ui_lines_free(struct ui_lines *l);

/* A new empty line at the end of l. */
struct ui_line *ui_line_add(struct ui_lines *l);

/* Add raw (data) text, sanitised, at column x of ln, to be cut to w
 * columns (ignored when the line holds UI_LINE_SPANS); returns its width. */
int ui_span_add(struct ui_line *ln, int x, int w, enum ui_role r, const char *raw);
/* ui_span_add of printf-formatted text. */
int ui_span_addf(struct ui_line *ln, int x, int w, enum ui_role r, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Columns of a history entry: the time at 0, who, then what and why. */
#define UI_HISTORY_WHO_X  21
#define UI_HISTORY_WHAT_X 32

/*
 * The history view's lines at this width from s->events: per event the time
 * (UTC), the expert, what changed in words (decided X, replacing Y's Z, the
 * blind call, time spent; undo; a new reason; a flag; a skip) and, on the
 * next lines, why (the rule and reason, or the flag's note), wrapped. Claim
 * events are left out unless s->show_claims. Pure; spans are sanitised.
 */
void ui_history_lines(const struct ui_state *s, int width, struct ui_lines *out);

/* How many claim events ui_history_lines leaves out (0 when shown). */
size_t ui_history_folded(const struct ui_state *s);

/*
 * Where the item view's parts go at the current size. Below 120 columns the
 * text sits on top and one pane below it holds votes, model and guideline
 * (pane_b empty). From 120 columns the text and the votes and model share
 * the left half and the guideline, wrapped in full, fills the right half.
 * The scrolling pane is pane_b when it is used, else pane_a.
 */
struct ui_item_geom {
	int text_x, text_y, text_w, text_h;
	int a_x, a_y, a_w, a_h; /* votes and model (and the guideline when narrow) */
	int b_x, b_y, b_w, b_h; /* the guideline when wide; b_h 0 otherwise */
};

void ui_item_geom(const struct ui_state *s, struct ui_item_geom *g);

/*
 * Lay the open item's evidence out as lines for the given pane: which 'a'
 * (votes and model, plus the guideline when the view is narrow) or 'b' (the
 * guideline alone, wrapped). Every span's text is sanitised.
 */
void ui_item_pane(const struct ui_state *s, int which, int width, struct ui_lines *out);

/* From this many columns the conflict block sets the two decisions side by side. */
#define UI_CONFLICT_COLS 100

/*
 * The open conflict on the item (it->conflict) as lines at this width, for
 * the top of the item view's votes-and-model pane: a title saying how a
 * lead settles it, then the project's and the packet's decision (who, when,
 * label, reason, rule, blind call), in two columns from UI_CONFLICT_COLS
 * columns, one under the other below that; only a title until the blind
 * call is made. Nothing when there is no conflict. Pure; spans sanitised.
 */
void ui_conflict_block(const struct ui_state *s, int width, struct ui_lines *out);

/*
 * The calibration view's lines at this width from s->calib: per model a
 * title (ECE, decided items), a column heading and the ten bins (range,
 * count, mean confidence, accuracy, gap, and a bar of the accuracy with a
 * mark at the mean confidence), then a legend. When that is more than
 * height lines, bins holding no prediction are left out (the title says
 * so). Pure; spans are sanitised.
 */
void ui_calib_lines(const struct ui_state *s, int width, size_t height, struct ui_lines *out);

/* The dashboard's section as lines: head (above the rows, fixed), one
 * line per selectable row (rows, scrolled by the section's list), and foot
 * (legends and the selected row's details, below). */
struct ui_dash_screen {
	struct ui_lines head, rows, foot;
	size_t height; /* rows shown at once */
};

/*
 * Lay the dashboard's current section out for this width and height of
 * screen (all of it: header, message line and footer are taken off), from
 * s->dash. The selected row or cell carries R_CURSOR; charts use the
 * R_HEAT roles when s->colour, else shading characters (" ░▒▓█"); every
 * chart has a legend. Pure; spans are sanitised.
 */
void ui_dash_lines(const struct ui_state *s, int width, int height, struct ui_dash_screen *out);
void ui_dash_screen_free(struct ui_dash_screen *d);

/* The section's title line (task, section, order) into buf. */
void ui_dash_title(const struct ui_state *s, char *buf, size_t len);

/*
 * What Enter on the selection opens, as a drill-down (0), or -1 when it
 * opens none (*why gets the reason, static text).
 */
int ui_dash_drill_of(const struct ui_state *s, struct store_drill *d, const char **why);

void ui_dash_free(struct ui_dash *d);

/* Open the dashboard (the backend's figures) on its Tasks section, the
 * cursor on task `task` (NULL: the first); q goes back to the view it was
 * opened from, or quits when dash.back is UI_DASH (gavel dashboard). On
 * failure the message line says why and dash.have stays 0. */
int ui_dash_open(struct ui_state *s, const char *task);
/* The same from the backend's quick figures (dashboard_quick: the Tasks
 * section's cheap ones), so that the first screen shows at once; the other
 * sections say they are computing until ui_update_idle computes the rest.
 * Without dashboard_quick, ui_dash_open. */
int ui_dash_open_quick(struct ui_state *s, const char *task);
/* The dashboard's deferred work: with quick figures shown, or figures out
 * of date after decisions made in a drill-down (dash.refresh, once back on
 * the dashboard), start computing all of them in the background (the
 * backend's dashboard_start; without it, compute them here), and once they
 * are in (wait: block for them) show them, keeping the section and
 * cursors, and return UI_REDRAW; else 0. */
int ui_dash_idle(struct ui_state *s, int wait);
/* Whether ui_dash_idle has work started or to start (the loop looks again soon). */
int ui_dash_busy(const struct ui_state *s);

/* The queue's deferred work: the backend's next page of a long queue
 * (queue_more) added to the loaded rows, keeping sort, filter, search and
 * cursor; one page, or with wait every page left. Returns UI_REDRAW when
 * rows came, else 0. */
int ui_queue_idle(struct ui_state *s, int wait);
/* More of the queue's rows are to come (ui_queue_idle). */
int ui_queue_busy(const struct ui_state *s);

/* The decisions' syncs (backend durable): "saving" becomes "saved" once
 * they are on the disk, or an error says they may not be. With wait, block
 * until then. Returns UI_REDRAW when the message changed, else 0. */
int ui_item_idle(struct ui_state *s, int wait);

/* Content rows a scrolling pane of height h shows for n lines: one fewer
 * when it does not fit, for the "J/K" position note on its last row. */
size_t ui_pane_rows(size_t n, size_t h);

#endif
