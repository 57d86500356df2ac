/*
 * testui: what the tests of the review screen's state share: keys typed as
 * a string, queue rows, the backend callbacks of a fake that always grants
 * (a row is open, a claim is taken, a release done, a fixed clock), the
 * fuller fake backend the test_ui_update_* tests drive the screen with,
 * and the text of a view's lines. No terminal and no database.
 */
#ifndef GAVEL_TESTUI_H
#define GAVEL_TESTUI_H

#include "ui.h"

/* Type keys into the screen's state, one byte a key, '\n' as Enter. */
void test_ui_keys(struct ui_state *s, const char *keys);

/* Fill queue row r: item, its external id and task, the vote summary and
 * the agreement; no model prediction, reason "not unanimous". */
void test_ui_row(struct review_row *r, int64_t item, const char *external_id, const char *task,
		 const char *votes, double agreement);

/* Backend callbacks that always grant: every row open, every claim taken,
 * every release done, and the clock at 1000 s. */
int test_ui_open_status(void *ctx, struct review_row *r, char *err);
int test_ui_claim_ok(void *ctx, int64_t item, int64_t seen, char *holder, size_t len, char *err);
int test_ui_release_ok(void *ctx, int64_t item, char *err);
double test_ui_now(void *ctx);

/* Give task t its id, name and the three labels values[0..2] (value and
 * name alike), codes 10, 11 and 12 in that order. */
void test_ui_task(struct store_task *t, int64_t id, const char *name, const char *const values[3]);

/*
 * The fake backend test_ui_fake_be: it records in test_fk what the screen
 * asked the database to do and answers as a real one would (including
 * "decided by someone else"). Its items 1, 2, 3 are a1, b2, c3 of task
 * sentiment (neg, neu, pos; pos has the guideline's key P) with a long text;
 * the fields below set its answers and count its calls.
 */
struct test_ui_fake {
	double clock;
	int loads, claims, releases, decides, undos, reasons, flags, skips, drafts, statuses;
	int claim_answer;	/* what claim returns: 0 mine, REVIEW_HELD by "bob" */
	int64_t meanwhile_item; /* bob decides this item just before my claim */
	int decide_answer;	/* 0 ok, a review_refusal, -1 error */
	struct review_decide_args last;
	char last_reason[256], last_rule[64], last_draft[256];
	int64_t last_item, undo_item;
	int undo_answer;      /* 1: undo refused, another expert's decision is the latest */
	int64_t decided[256]; /* item -> label code + 1 (tests use at most 50 rows) */
	int rich;	      /* load votes, a prediction and a guideline */
	int nrules;	      /* rules in the fake guideline (rich) */
	const char *vote3;    /* the third vote's label (rich), "pos" by default */
	int queue_loads, blind_queue;
	size_t queue_rows; /* rows queue_load gives (0: 2 for audit, else 3) */
	char last_queue[64];
	int calibrations, nmodels; /* models in the fake calibration */
	char last_task[64];
	char draft_of[8][64]; /* the draft table: item -> text ("" when none) */
	char last_note[64];   /* the last flag's note */
	int flag_answer;      /* what flag returns: 0 flagged, 1 flagged already */
	int searches, search_annotators;
	int long_defs;	       /* long definitions, with examples and counterexamples (rich) */
	int64_t conflict_item; /* this item was decided here and offline (a packet) */
	/* What test_ui_fake_durable answers: 0 the sync still pending, 1
	 * done, -1 it failed; waits counts the calls that blocked, polls all. */
	int durable_answer, durable_waits, durable_polls;
};

extern struct test_ui_fake test_fk;
extern const struct ui_backend test_ui_fake_be;

/* The fake's durable, which test_ui_fake_be leaves out: it answers
 * test_fk.durable_answer, and a call told to wait turns a pending sync (0)
 * into a done one (1). */
int test_ui_fake_durable(void *ctx, int wait, char *err);

/* n queue rows: items 1..n, a1, b2, c3 then zz, of task sentiment. */
struct review_row *test_ui_rows(size_t n);

/* Clear test_fk (its clock at 1000 s) and start s over test_ui_fake_be on
 * test_ui_rows(n) of queue "disputed" at 80x24, as expert "me". */
void test_ui_start(struct ui_state *s, size_t n, int can_decide, int blind);

/* The text of line i of l, its spans joined with single spaces (empty past
 * the last line). */
void test_ui_pane_line(const struct ui_lines *l, size_t i, char *buf, size_t len);

/* Index of the first line of l whose text holds needle, or -1; and how
 * many lines hold it. */
long test_ui_pane_find(const struct ui_lines *l, const char *needle);
long test_ui_pane_count(const struct ui_lines *l, const char *needle);

/* The text of line i of l with each span at its column, trailing blanks
 * cut (as the history and calibration views place them); and the index of
 * the first line whose text so read holds needle, or -1. */
void test_ui_col_text(const struct ui_lines *l, size_t i, char *buf, size_t len);
long test_ui_col_find(const struct ui_lines *l, const char *needle);

#endif
