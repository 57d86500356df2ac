/*
 * testui: what the tests of the review screen's state share: keys typed as
 * a string, queue rows, and the backend callbacks of a fake that always
 * grants (a row is open, a claim is taken, a release done, a fixed clock).
 * No terminal and no database.
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

#endif
