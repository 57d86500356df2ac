/*
 * ui_backend: connects the screen's state machine to the project database.
 * Each function is one short read or one short write transaction in
 * store_review.c; nothing is held open between keys. The dashboard's full
 * figures are computed on a thread of their own with its own read-only
 * connection, so that the screen answers keys meanwhile.
 */
#include "config.h"

#include "store_model.h"
#include "lead.h"
#include "model_report.h"
#include "project.h"
#include "store_queue.h"
#include "store_review.h"
#include "ui_backend.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * The task's estimated label accuracy q for effective confidence, read once
 * per task and session: it is a whole-task figure, and reading it on every
 * item would cost a scan of the task's summaries per key. When it comes
 * from percent agreement, that is over the task's first UI_Q_SAMPLE items:
 * the mean of all ten million took 2.2 s on the first item opened.
 */
static int task_quality(struct ui_db *db, int64_t task, double *q, const char **source,
			char *err)
{
	for (size_t i = 0; i < db->nq; i++) {
		if (db->q[i].task == task) {
			*q = db->q[i].q;
			*source = db->q[i].source;
			return 0;
		}
	}
	if (store_model_task_quality_upto(db->st, task, UI_Q_SAMPLE, q, source, err))
		return -1;
	db->q = xgrow(db->q, &db->qcap, db->nq + 1, sizeof *db->q);
	db->q[db->nq].task = task;
	db->q[db->nq].q = *q;
	db->q[db->nq].source = *source;
	db->nq++;
	return 0;
}

static int db_load(void *ctx, int64_t item, struct review_item *it, struct guide *g,
		   int *has_guide, char *err)
{
	struct ui_db *db = ctx;
	int rc;
	if (store_review_item_load(db->st, item, db->actor.expert, it, err))
		return -1;
	rc = guide_current(db->st, it->task.id, g, NULL, err);
	if (rc < 0) {
		store_review_item_free(it);
		return -1;
	}
	*has_guide = rc == 0;
	if (task_quality(db, it->task.id, &it->quality, &it->quality_source, err)) {
		store_review_item_free(it);
		if (*has_guide)
			guide_free(g);
		*has_guide = 0;
		return -1;
	}
	return 0;
}

static int db_row_status(void *ctx, struct review_row *r, char *err)
{
	struct ui_db *db = ctx;
	return store_review_row_status(db->st, db->actor.expert, r, err);
}

static int db_rows_status(void *ctx, struct review_row *const *v, size_t n, char *err)
{
	struct ui_db *db = ctx;
	return store_review_rows_status(db->st, db->actor.expert, v, n, err);
}

static int db_claim(void *ctx, int64_t item, int64_t seen, char *holder, size_t len, char *err)
{
	struct ui_db *db = ctx;
	if (db->readonly)
		return -1;
	return store_review_claim(db->st, &db->actor, item, seen, holder, len, err);
}

static int db_release(void *ctx, int64_t item, char *err)
{
	struct ui_db *db = ctx;
	return db->readonly ? 0 : store_review_release(db->st, &db->actor, item, err);
}

/*
 * The decisions' syncs and the log's checkpoints, each on a thread of its
 * own with a connection of its own, both opened on the sync thread as the
 * session starts (the first screen does not wait for them). A decision
 * commits on the screen's connection without waiting for the disk (the
 * write lock is held for the writing only, not for the 10 to 20 ms of
 * fdatasync), and the sync thread then syncs the write-ahead log, holding
 * no lock: the next key goes on meanwhile and the screen says "saved" once
 * db_durable reports the sync done. One sync covers every commit made
 * before it, so decisions made faster than the disk share syncs. The
 * checkpoints (the log copied into the database when it passes
 * REVIEW_WAL_FRAMES, and the log's restart after it, which syncs the log's
 * header: see store_review_checkpoint) run on the other thread, so that
 * neither a key nor a decision's "saved" waits behind one.
 */
struct ui_db_sync {
	pthread_t thread, ckpt_thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *path;
	struct store *st, *cst; /* the sync thread's and the checkpoint thread's */
	int ready;		/* 0 while opening, 1 open, -1 could not be opened */
	uint64_t asked, done;	/* commits to sync, and synced */
	int stop, failed;
	int ckpt;		 /* a checkpoint is due (and one at the start) */
	int ckpt_busy;		 /* one is running */
	struct review_ckpt hook; /* the screen's connection says so (ckpt_due) */
	char err[GV_ERR];
};

static void *sync_run(void *arg)
{
	struct ui_db_sync *y = arg;
	char err[GV_ERR];
	int ok = store_open(y->path, 0, &y->st, err) == 0 &&
		 store_open(y->path, 0, &y->cst, err) == 0;

	pthread_mutex_lock(&y->mu);
	y->ready = ok ? 1 : -1;
	pthread_cond_broadcast(&y->cv);
	while (ok) {
		uint64_t target;
		int rc;
		while (!y->stop && y->done >= y->asked)
			pthread_cond_wait(&y->cv, &y->mu);
		if (y->done >= y->asked)
			break;
		target = y->asked;
		pthread_mutex_unlock(&y->mu);
		rc = store_sync(y->st, err);
		pthread_mutex_lock(&y->mu);
		if (rc && !y->failed) {
			y->failed = 1;
			snprintf(y->err, sizeof y->err, "%s", err);
		}
		y->done = target;
		pthread_cond_broadcast(&y->cv);
	}
	pthread_mutex_unlock(&y->mu);
	return NULL;
}

static void *ckpt_run(void *arg)
{
	struct ui_db_sync *y = arg;
	char err[GV_ERR];

	pthread_mutex_lock(&y->mu);
	while (!y->ready)
		pthread_cond_wait(&y->cv, &y->mu);
	while (y->ready > 0) {
		while (!y->stop && !y->ckpt)
			pthread_cond_wait(&y->cv, &y->mu);
		if (y->stop)
			break;
		y->ckpt = 0;
		y->ckpt_busy = 1;
		pthread_mutex_unlock(&y->mu);
		/* A failed checkpoint is tried again when the next one is due. */
		store_review_checkpoint(y->cst, err);
		pthread_mutex_lock(&y->mu);
		y->ckpt_busy = 0;
		pthread_cond_broadcast(&y->cv);
	}
	pthread_mutex_unlock(&y->mu);
	return NULL;
}

/* The screen's connection passed REVIEW_WAL_FRAMES: checkpoint there. */
static void ckpt_due(void *arg)
{
	struct ui_db_sync *y = arg;
	pthread_mutex_lock(&y->mu);
	y->ckpt = 1;
	pthread_cond_broadcast(&y->cv);
	pthread_mutex_unlock(&y->mu);
}

/* Start the threads for a session that may write (nothing happens when
 * they cannot be: decisions are then synced as they commit). The first
 * checkpoint runs at once: it takes the log's restart that the session's
 * first write would otherwise wait for. */
static void sync_start(struct ui_db *db)
{
	struct ui_db_sync *y = xcalloc(1, sizeof *y);

	y->path = xstrdup(db->st->path);
	y->ckpt = 1;
	pthread_mutex_init(&y->mu, NULL);
	pthread_cond_init(&y->cv, NULL);
	if (pthread_create(&y->thread, NULL, sync_run, y) != 0)
		goto fail;
	if (pthread_create(&y->ckpt_thread, NULL, ckpt_run, y) != 0) {
		pthread_mutex_lock(&y->mu);
		y->stop = 1;
		pthread_cond_broadcast(&y->cv);
		pthread_mutex_unlock(&y->mu);
		pthread_join(y->thread, NULL);
		store_close(y->st);
		store_close(y->cst);
		goto fail;
	}
	y->hook.due = ckpt_due;
	y->hook.arg = y;
	store_review_checkpoint_elsewhere(db->st, &y->hook);
	db->sync = y;
	return;
fail:
	pthread_mutex_destroy(&y->mu);
	pthread_cond_destroy(&y->cv);
	free(y->path);
	free(y);
	db->nosync_thread = 1;
}

static void sync_stop(struct ui_db *db)
{
	struct ui_db_sync *y = db->sync;
	if (!y)
		return;
	store_review_checkpoint_elsewhere(db->st, NULL);
	pthread_mutex_lock(&y->mu);
	y->stop = 1;
	pthread_cond_broadcast(&y->cv);
	pthread_mutex_unlock(&y->mu);
	pthread_join(y->thread, NULL);
	pthread_join(y->ckpt_thread, NULL);
	pthread_mutex_destroy(&y->mu);
	pthread_cond_destroy(&y->cv);
	store_close(y->st);
	store_close(y->cst);
	free(y->path);
	free(y);
	db->sync = NULL;
}

/* The sync thread once its connections are open; NULL when there is none
 * (then decisions are synced as they commit). */
static struct ui_db_sync *sync_get(struct ui_db *db)
{
	struct ui_db_sync *y = db->sync;
	int ready;

	if (!y)
		return NULL;
	pthread_mutex_lock(&y->mu);
	while (!y->ready)
		pthread_cond_wait(&y->cv, &y->mu);
	ready = y->ready;
	pthread_mutex_unlock(&y->mu);
	if (ready > 0)
		return y;
	sync_stop(db);
	db->nosync_thread = 1;
	return NULL;
}

void ui_db_settle(struct ui_db *db)
{
	struct ui_db_sync *y = sync_get(db);
	if (!y)
		return;
	pthread_mutex_lock(&y->mu);
	while (y->done < y->asked || y->ckpt || y->ckpt_busy)
		pthread_cond_wait(&y->cv, &y->mu);
	pthread_mutex_unlock(&y->mu);
}

static int db_decide(void *ctx, const struct review_decide_args *d, int64_t *id, char *other,
		     size_t len, char *err)
{
	struct ui_db *db = ctx;
	struct ui_db_sync *y = sync_get(db);
	struct review_decide_args dd = *d;
	int rc;

	dd.defer_sync = y != NULL;
	rc = store_review_decide(db->st, &db->actor, &dd, id, other, len, err);
	if (rc == 0 && y) {
		pthread_mutex_lock(&y->mu);
		y->asked++;
		pthread_cond_broadcast(&y->cv);
		pthread_mutex_unlock(&y->mu);
	}
	return rc;
}

static int db_durable(void *ctx, int wait, char *err)
{
	struct ui_db *db = ctx;
	struct ui_db_sync *y = db->sync;
	int rc;

	if (!y)
		return 1;
	pthread_mutex_lock(&y->mu);
	while (wait && y->done < y->asked)
		pthread_cond_wait(&y->cv, &y->mu);
	rc = y->done < y->asked ? 0 : 1;
	if (rc == 1 && y->failed) {
		snprintf(err, GV_ERR, "%s", y->err);
		y->failed = 0;
		rc = -1;
	}
	pthread_mutex_unlock(&y->mu);
	return rc;
}

static int db_undo(void *ctx, int64_t item, char *err)
{
	struct ui_db *db = ctx;
	return store_review_undo(db->st, &db->actor, item, err);
}

static int db_reason(void *ctx, int64_t item, const char *reason, const char *rule, char *err)
{
	struct ui_db *db = ctx;
	return store_review_reason(db->st, &db->actor, item, reason, rule, err);
}

static int db_flag(void *ctx, int64_t item, const char *note, char *err)
{
	struct ui_db *db = ctx;
	return store_review_flag(db->st, &db->actor, item, note, err);
}

static int db_skip(void *ctx, int64_t item, char *err)
{
	struct ui_db *db = ctx;
	return store_review_skip(db->st, &db->actor, item, err);
}

static int db_draft(void *ctx, int64_t item, const char *text, char *err)
{
	struct ui_db *db = ctx;
	return db->readonly ? 0 : store_review_draft_save(db->st, db->actor.expert, item, text, err);
}

static int db_leave(void *ctx, int64_t item, const char *text, char *err)
{
	struct ui_db *db = ctx;
	return db->readonly ? 0 : store_review_leave(db->st, db->actor.expert, item, text, err);
}

static int db_events(void *ctx, int64_t item, struct review_event **ev, size_t *n, char *err)
{
	struct ui_db *db = ctx;
	return store_review_events(db->st, item, ev, n, err);
}

static int db_search(void *ctx, const int64_t *items, size_t n, const char *query, int annotators,
		     unsigned char *hits, char *err)
{
	struct ui_db *db = ctx;
	return store_review_search(db->st, items, n, query, annotators, hits, err);
}

static int db_queues(void *ctx, struct ui_queue_info **out, size_t *n, char *err)
{
	struct ui_db *db = ctx;
	struct queue_def *defs = NULL;
	size_t nd = 0;
	struct ui_queue_info *v;

	if (project_queues(db->st, &defs, &nd, err))
		return -1;
	v = xcalloc(nd ? nd : 1, sizeof *v);
	for (size_t i = 0; i < nd; i++) {
		v[i].name = xstrdup(defs[i].name);
		v[i].rule = xstrdup(defs[i].rule);
		v[i].blind = defs[i].blind;
	}
	project_queues_free(defs, nd);
	*out = v;
	*n = nd;
	return 0;
}

/* Read up to `ask` rows of queue db->next.name after db->next.after (from
 * the start when first), in one read transaction: one shared lock instead of
 * one per statement, and one consistent snapshot. It ends before the screen
 * waits for a key. */
static int queue_page(struct ui_db *db, int first, size_t ask, struct review_row **rows,
		      size_t *n, int *blind, char *err)
{
	struct queue_entry *q = NULL;
	size_t nq = 0, total = (size_t)-1;
	int rc, pageable = 0;

	*rows = NULL;
	*n = 0;
	if (store_exec(db->st, "BEGIN", err))
		return -1;
	rc = store_queue_build_page(db->st, db->next.name, ask, db->all,
				    first ? NULL : &db->next.after, &q, &nq, blind,
				    first ? &total : NULL, &pageable, err);
	if (!rc)
		rc = store_review_rows_from_queue(db->st, q, nq, rows, err);
	if (!rc && store_review_rows_flags(db->st, *rows, nq, err)) {
		store_review_rows_free(*rows, nq);
		*rows = NULL;
		rc = -1;
	}
	if (first) {
		db->total = total != (size_t)-1 ? total : nq;
		/* A full page leaves the total to count, after the first screen
		 * (ui_db_queue_more). */
		db->next.count = !rc && ask && nq == ask && total == (size_t)-1;
		if (db->next.count)
			db->total = (size_t)-1;
	}
	store_exec(db->st, "COMMIT", NULL);
	if (!rc) {
		db->next.loaded += nq;
		db->next.more = pageable && db->limit && nq == ask && db->next.loaded < db->limit;
		if (nq) {
			db->next.after.score = q[nq - 1].score;
			db->next.after.item = q[nq - 1].item;
		}
	}
	store_queue_free(q, nq);
	if (rc) {
		db->next.more = 0;
		return -1;
	}
	*n = nq;
	return 0;
}

int ui_db_queue_rows(struct ui_db *db, const char *name, struct review_row **rows, size_t *n,
		     int *blind, char *err)
{
	size_t page = db->page ? db->page : UI_QUEUE_PAGE;

	free(db->next.name);
	db->next.name = name ? xstrdup(name) : NULL;
	db->next.loaded = 0;
	db->next.more = 0;
	db->next.count = 0;
	/* Without a limit the whole queue is asked for at once: pages would
	 * each seek past the rows tied with the last one read. */
	return queue_page(db, 1, db->limit && db->limit > page ? page : db->limit, rows, n,
			  blind, err);
}

int ui_db_queue_more(struct ui_db *db, struct review_row **rows, size_t *n, char *err)
{
	size_t page = db->page ? db->page : UI_QUEUE_PAGE, left;

	*rows = NULL;
	*n = 0;
	if (db->next.count) {
		/* Through the index and only up to UI_COUNT_CAP: the header
		 * says "10,000+" rather than count millions. */
		db->next.count = 0;
		if (store_queue_total_upto(db->st, db->next.name, db->all,
					   db->limit < UI_COUNT_CAP ? UI_COUNT_CAP : 0, &db->total,
					   err)) {
			db->next.more = 0;
			return -1;
		}
		return db->next.more;
	}
	if (!db->next.more)
		return 0;
	left = db->limit - db->next.loaded;
	if (queue_page(db, 0, left < page ? left : page, rows, n, NULL, err))
		return -1;
	return db->next.more;
}

static int db_queue_load(void *ctx, const char *name, struct review_row **rows, size_t *n,
			 int *blind, char *err)
{
	return ui_db_queue_rows(ctx, name, rows, n, blind, err);
}

static int db_queue_more(void *ctx, struct review_row **rows, size_t *n, char *err)
{
	return ui_db_queue_more(ctx, rows, n, err);
}

static size_t db_queue_total(void *ctx)
{
	return ((struct ui_db *)ctx)->total;
}

/*
 * The calibration view's figures: the task's model report (the same
 * numbers `gavel stats` prints), of which the screen keeps q, the decided
 * count and each model's reliability table. Computed when the view opens,
 * so it includes the decisions made a moment ago.
 */
static int db_calibration(void *ctx, const char *task, struct ui_calib *out, char *err)
{
	struct ui_db *db = ctx;
	struct store_task t;
	struct model_report r;
	int rc;

	memset(out, 0, sizeof *out);
	memset(&t, 0, sizeof t);
	rc = store_task_get(db->st, task, &t, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(err, "no task named %s", task);
	if (model_report_compute(db->st, &t, &r, err)) {
		store_task_free(&t);
		return -1;
	}
	out->task = xstrdup(task);
	out->q = r.q;
	out->source = r.source;
	out->decided = r.decided;
	out->nmodels = r.nsections;
	out->models = xcalloc(r.nsections ? r.nsections : 1, sizeof *out->models);
	for (size_t i = 0; i < r.nsections; i++) {
		out->models[i].model = r.sections[i].model ? xstrdup(r.sections[i].model) : NULL;
		out->models[i].predictions = r.sections[i].predictions;
		out->models[i].cal = r.sections[i].cal;
	}
	model_report_free(&r);
	store_task_free(&t);
	return 0;
}

/* The lead's figures as `gavel report` computes them (1000 bootstrap
 * resamples, seed 1), with each task's label-error section. */
static int dashboard_build(struct store *st, const char *task, struct lead_report *out,
			   char *err)
{
	struct lead_opts o;
	lead_opts_default(&o);
	o.label_errors = 1;
	return lead_build(st, task, &o, out, err);
}

static int db_dashboard(void *ctx, const char *task, struct lead_report *out, char *err)
{
	struct ui_db *db = ctx;
	return dashboard_build(db->st, task, out, err);
}

/* The dashboard's figures being computed in the background. */
enum { JOB_RUNNING, JOB_DONE, JOB_ABANDONED };

struct ui_db_job {
	pthread_t thread;
	char *path;
	struct lead_report rep;
	int rc;
	char err[GV_ERR];
	atomic_int state; /* JOB_*: whoever moves it last frees the job */
};

static void job_free(struct ui_db_job *j)
{
	if (!j->rc)
		lead_report_free(&j->rep);
	free(j->path);
	free(j);
}

static void *job_run(void *arg)
{
	struct ui_db_job *j = arg;
	struct store *st = NULL;
	j->rc = store_open(j->path, STORE_READONLY, &st, j->err);
	if (!j->rc) {
		j->rc = dashboard_build(st, NULL, &j->rep, j->err);
		store_close(st);
	}
	/* the screen went away meanwhile: nobody will collect the figures */
	if (atomic_exchange(&j->state, JOB_DONE) == JOB_ABANDONED)
		job_free(j);
	return NULL;
}

static int db_dashboard_start(void *ctx, char *err)
{
	struct ui_db *db = ctx;
	struct ui_db_job *j;
	if (db->job)
		return 0;
	j = xcalloc(1, sizeof *j);
	j->path = xstrdup(db->st->path);
	atomic_init(&j->state, JOB_RUNNING);
	if (pthread_create(&j->thread, NULL, job_run, j) != 0) {
		free(j->path);
		free(j);
		return err_set(err, "cannot start a thread for the dashboard's figures");
	}
	db->job = j;
	return 0;
}

static int db_dashboard_poll(void *ctx, int wait, struct lead_report *out, char *err)
{
	struct ui_db *db = ctx;
	struct ui_db_job *j = db->job;
	int rc;
	if (!j)
		return err_set(err, "the dashboard's figures were not started");
	if (!wait && atomic_load(&j->state) != JOB_DONE)
		return 0;
	pthread_join(j->thread, NULL);
	rc = j->rc;
	if (rc)
		snprintf(err, GV_ERR, "%s", j->err);
	else
		*out = j->rep;
	free(j->path);
	free(j);
	db->job = NULL;
	return rc ? -1 : 1;
}

/* The Tasks section's cheap figures, for the dashboard's first screen. */
static int db_dashboard_quick(void *ctx, const char *task, struct lead_report *out, char *err)
{
	struct ui_db *db = ctx;
	struct lead_opts o;
	lead_opts_default(&o);
	return lead_build_quick(db->st, task, &o, out, err);
}

/* A drill-down queue as screen rows, read in one snapshot like a queue. */
static int db_drill(void *ctx, const struct store_drill *d, struct review_row **rows, size_t *n,
		    size_t *total, char **title, char *err)
{
	struct ui_db *db = ctx;
	struct queue_entry *q = NULL;
	size_t nq = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	*title = NULL;
	if (store_exec(db->st, "BEGIN", err))
		return -1;
	rc = store_drill_build(db->st, d, db->limit, 1, &q, &nq, total, title, err);
	if (!rc)
		rc = store_review_rows_from_queue(db->st, q, nq, rows, err);
	if (!rc && store_review_rows_flags(db->st, *rows, nq, err)) {
		store_review_rows_free(*rows, nq);
		*rows = NULL;
		rc = -1;
	}
	store_exec(db->st, "COMMIT", NULL);
	store_queue_free(q, nq);
	if (rc) {
		free(*title);
		*title = NULL;
		return -1;
	}
	*n = nq;
	return 0;
}

static double db_now(void *ctx)
{
	struct timespec ts;
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void ui_backend_db(struct ui_backend *be, struct ui_db *db)
{
	memset(be, 0, sizeof *be);
	if (!db->readonly && !db->sync && !db->nosync_thread)
		sync_start(db);
	be->ctx = db;
	be->load = db_load;
	be->row_status = db_row_status;
	be->rows_status = db_rows_status;
	be->claim = db_claim;
	be->release = db_release;
	be->decide = db_decide;
	be->durable = db_durable;
	be->undo = db_undo;
	be->reason = db_reason;
	be->flag = db_flag;
	be->skip = db_skip;
	be->draft = db_draft;
	be->leave = db_leave;
	be->events = db_events;
	be->search = db_search;
	be->now = db_now;
	be->queues = db_queues;
	be->queue_load = db_queue_load;
	be->queue_more = db_queue_more;
	be->queue_total = db_queue_total;
	be->calibration = db_calibration;
	be->dashboard = db_dashboard;
	be->dashboard_quick = db_dashboard_quick;
	be->dashboard_start = db_dashboard_start;
	be->dashboard_poll = db_dashboard_poll;
	be->drill = db_drill;
}

void ui_db_free(struct ui_db *db)
{
	/* Decisions said "saving" are synced before the program ends. */
	sync_stop(db);
	/* A computation still running is left to finish (or to end with the
	 * program) on its own, so that quitting never waits for it. */
	if (db->job) {
		if (atomic_exchange(&db->job->state, JOB_ABANDONED) == JOB_DONE) {
			pthread_join(db->job->thread, NULL);
			job_free(db->job);
		} else {
			pthread_detach(db->job->thread);
		}
		db->job = NULL;
	}
	free(db->q);
	db->q = NULL;
	db->nq = db->qcap = 0;
	free(db->next.name);
	db->next.name = NULL;
	db->next.more = 0;
}
