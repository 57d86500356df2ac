/*
 * ui_backend: the review screen's struct ui_backend implemented on the
 * project database (src/store_review.h, src/guide.h) for one expert.
 */
#ifndef GAVEL_UI_BACKEND_H
#define GAVEL_UI_BACKEND_H

#include "audit.h"
#include "store.h"
#include "store_queue.h"
#include "ui.h"

/* A task's estimated label accuracy, read once per session. */
struct ui_db_quality {
	int64_t task;
	double q;
	const char *source;
};

struct ui_db_job;
struct ui_db_sync;

/* Rows a long queue is read in: the first screen and a queue switch read
 * one page, the rest come a page at a time between keys (queue_more). */
#define UI_QUEUE_PAGE 100

struct ui_db {
	struct store *st;
	struct audit_actor actor; /* actor.expert is the expert's name */
	int readonly;             /* --read-only or a viewer: claims are not taken */
	size_t limit;             /* at most this many items per queue (0: all) */
	int all;                  /* include items that already have a decision */
	struct ui_db_quality *q;  /* cache of task_quality; freed by ui_db_free */
	size_t nq, qcap;
	size_t total; /* items in the last loaded queue in all (the rows may be fewer;
		       * (size_t)-1 until ui_db_queue_more counted them) */
	size_t page;  /* rows per page of a queue (0: UI_QUEUE_PAGE) */
	/* Where the last loaded queue's next page starts. */
	struct {
		char *name;		 /* the queue (NULL: the project's first) */
		struct queue_after after; /* after its last row read */
		size_t loaded;		 /* rows read so far */
		int more;		 /* 1 while rows up to the limit may remain */
		int count;		 /* the total is still to count */
	} next;
	struct ui_db_job *job; /* the dashboard's figures computed in the background */
	struct ui_db_sync *sync; /* syncs decisions' commits to the disk on a thread */
	int nosync_thread;	 /* 1: no such thread: each decision is synced as it commits */
};

/* Fill be with functions working on db (which must outlive be). */
void ui_backend_db(struct ui_backend *be, struct ui_db *db);

/*
 * Build queue `name` (NULL: the project's first) with db's limit and
 * include-decided setting as screen rows; *blind gets the queue's blind
 * flag. A queue listed through an index (disputed, needs-votes) with a limit
 * is read one page (db->page rows) at a time: this gives the first, and
 * ui_db_queue_more the ones after it. Free the rows with
 * store_review_rows_free. Returns 0, or -1 with err.
 */
int ui_db_queue_rows(struct ui_db *db, const char *name, struct review_row **rows, size_t *n,
		     int *blind, char *err);

/*
 * The next step of reading the queue ui_db_queue_rows last read: first its
 * total when the first page was full (counted up to UI_COUNT_CAP; no rows),
 * then its next page in queue order (*n may be 0). Returns 1 when more
 * steps follow, 0 when the queue's rows up to the limit are all read and
 * counted, -1 with err filled.
 */
int ui_db_queue_more(struct ui_db *db, struct review_row **rows, size_t *n, char *err);

/* Wait until db's sync and checkpoint threads have nothing left to do:
 * every decision committed so far synced, no checkpoint due or running.
 * Returns at once when there are no such threads. For tests, whose
 * results must not depend on which thread's work came first. */
void ui_db_settle(struct ui_db *db);

/* Free what the backend cached in db. A computation still running in the
 * background is not waited for: it frees itself when it ends. Decisions
 * committed but not yet synced are: their sync finishes first. */
void ui_db_free(struct ui_db *db);

#endif
