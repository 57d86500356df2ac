/*
 * ui_backend: the review screen's struct ui_backend implemented on the
 * project database (src/store_review.h, src/guide.h) for one expert.
 */
#ifndef GAVEL_UI_BACKEND_H
#define GAVEL_UI_BACKEND_H

#include "audit.h"
#include "store.h"
#include "ui.h"

/* A task's estimated label accuracy, read once per session. */
struct ui_db_quality {
	int64_t task;
	double q;
	const char *source;
};

struct ui_db_job;

struct ui_db {
	struct store *st;
	struct audit_actor actor; /* actor.expert is the expert's name */
	int readonly;             /* --read-only or a viewer: claims are not taken */
	size_t limit;             /* at most this many items per queue (0: all) */
	int all;                  /* include items that already have a decision */
	struct ui_db_quality *q;  /* cache of task_quality; freed by ui_db_free */
	size_t nq, qcap;
	size_t total; /* items in the last loaded queue in all (the rows may be fewer) */
	struct ui_db_job *job; /* the dashboard's figures computed in the background */
};

/* Fill be with functions working on db (which must outlive be). */
void ui_backend_db(struct ui_backend *be, struct ui_db *db);

/*
 * Build queue `name` (NULL: the project's first) with db's limit and
 * include-decided setting as screen rows; *blind gets the queue's blind
 * flag. Free the rows with store_review_rows_free. Returns 0, or -1 with err.
 */
int ui_db_queue_rows(struct ui_db *db, const char *name, struct review_row **rows, size_t *n,
		     int *blind, char *err);

/* Free what the backend cached in db. A computation still running in the
 * background is not waited for: it frees itself when it ends. */
void ui_db_free(struct ui_db *db);

#endif
