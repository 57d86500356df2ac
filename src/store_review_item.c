/*
 * store_review_item: what the item screen reads (src/store_review.h): an
 * item with its votes, the model's predictions, its decisions, flags and
 * claim, in one short read transaction; the session's connection setup;
 * and an item's audit events for the history view.
 */
#include "config.h"

#include "store_review.h"
#include "store_review_priv.h"
#include "packet.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- item detail ---- */

/*
 * Column i of s as a heap string, NULL for SQL NULL. A value SQLite could
 * not give (out of memory) sets *unread, so that the read fails instead of
 * showing the item with a field missing.
 */
static char *col_dup(sqlite3_stmt *s, int i, int *unread)
{
	const char *v;
	if (store_col_text(s, i, &v, NULL)) {
		*unread = 1;
		return NULL;
	}
	return v ? xstrdup(v) : NULL;
}

static int load_votes(struct store *st, struct review_item *it, char *err)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0;
	int rc, unread = 0;

	/* The track record walks the (few) decided items and unpacks their
	 * vote rows (src/votepack.h), instead of scanning every vote of the
	 * task; CROSS JOIN pins that order. */
	if (store_prepare(
		    st,
		    "WITH mine AS (SELECT j.value->>0 AS annotator, j.value->>1 AS label,"
		    "   j.value->>3 AS comment FROM item_votes v, json_each(v.votes) j"
		    "   WHERE v.item = ?2),"
		    " decided AS (SELECT d.item, d.label FROM decision d"
		    "   WHERE d.id = (SELECT max(id) FROM decision e WHERE e.item = d.item)"
		    "   AND d.label IS NOT NULL AND d.item <> ?2),"
		    " theirs AS (SELECT j.value->>0 AS annotator, j.value->>1 = x.label AS ok"
		    "   FROM decided x CROSS JOIN item_votes w ON w.item = x.item AND w.task = ?1,"
		    "   json_each(w.votes) j)"
		    " SELECT a.name, l.value, m.comment,"
		    " (SELECT count(*) FROM theirs t WHERE t.annotator = m.annotator),"
		    " (SELECT count(*) FROM theirs t WHERE t.annotator = m.annotator AND t.ok)"
		    " FROM mine m JOIN annotator a ON a.id = m.annotator"
		    " LEFT JOIN label l ON l.task = ?1 AND l.code = m.label ORDER BY a.name",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, it->task.id);
	sqlite3_bind_int64(s, 2, it->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct review_vote *v;
		it->votes = xgrow(it->votes, &cap, it->nvotes + 1, sizeof *it->votes);
		v = &it->votes[it->nvotes++];
		v->annotator = col_dup(s, 0, &unread);
		v->label = col_dup(s, 1, &unread);
		v->comment = col_dup(s, 2, &unread);
		v->record_n = sqlite3_column_int(s, 3);
		v->record_ok = sqlite3_column_int(s, 4);
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "votes");
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return unread ? store_nomem(err) : 0;
}

static int cmp_prob(const void *a, const void *b)
{
	const struct review_prob *x = a, *y = b;
	if (x->p != y->p)
		return x->p < y->p ? 1 : -1;
	return strcmp(x->label, y->label);
}

static int load_preds(struct store *st, struct review_item *it, char *err)
{
	sqlite3_stmt *s = NULL, *j = NULL;
	size_t cap = 0;
	int rc, jrc, unread = 0;

	if (store_prepare(
		    st,
		    "SELECT p.model, l.value, p.confidence, p.entropy, p.probs FROM prediction p"
		    " LEFT JOIN label l ON l.task = ? AND l.code = p.label"
		    " WHERE p.item = ? ORDER BY p.confidence DESC, p.model",
		    &s, err))
		return -1;
	if (store_prepare(st, "SELECT key, value FROM json_each(?)", &j, err))
		goto fail;
	sqlite3_bind_int64(s, 1, it->task.id);
	sqlite3_bind_int64(s, 2, it->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct review_pred *p;
		const char *probs;
		size_t pcap = 0;
		it->preds = xgrow(it->preds, &cap, it->npreds + 1, sizeof *it->preds);
		p = &it->preds[it->npreds++];
		memset(p, 0, sizeof *p);
		p->model = col_dup(s, 0, &unread);
		p->label = col_dup(s, 1, &unread);
		p->confidence = col_dbl(s, 2);
		p->entropy = col_dbl(s, 3);
		sqlite3_reset(j);
		if (store_col_text(s, 4, &probs, NULL))
			unread = 1;
		if (sqlite3_bind_text(j, 1, probs, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
			store_fail(st, err, "predictions");
			goto fail;
		}
		while ((jrc = sqlite3_step(j)) == SQLITE_ROW) {
			struct review_prob *pr;
			p->probs = xgrow(p->probs, &pcap, p->nprobs + 1, sizeof *p->probs);
			pr = &p->probs[p->nprobs++];
			if (sqlite3_column_type(j, 0) == SQLITE_INTEGER) {
				/* An array of probabilities in label order. */
				long k = (long)sqlite3_column_int64(j, 0);
				pr->label = xstrdup(k >= 0 && (size_t)k < it->task.nlabels
							    ? it->task.labels[k].value
							    : "?");
			} else {
				pr->label = col_dup(j, 0, &unread);
				if (!pr->label)
					pr->label = xstrdup("?");
			}
			pr->p = sqlite3_column_double(j, 1);
		}
		if (jrc != SQLITE_DONE) {
			store_fail(st, err, "predictions");
			goto fail;
		}
		if (p->nprobs)
			qsort(p->probs, p->nprobs, sizeof *p->probs, cmp_prob);
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "predictions");
		goto fail;
	}
	if (unread) {
		store_nomem(err);
		goto fail;
	}
	sqlite3_finalize(j);
	sqlite3_finalize(s);
	return 0;
fail:
	sqlite3_finalize(j);
	sqlite3_finalize(s);
	return -1;
}

static int load_history(struct store *st, struct review_item *it, char *err)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0;
	int rc, unread = 0;

	if (store_prepare(
		    st,
		    "SELECT d.id, d.expert, l.value, b.value, d.reason, d.rule, d.at, d.seconds,"
		    " d.supersedes FROM decision d"
		    " LEFT JOIN label l ON l.task = ?1 AND l.code = d.label"
		    " LEFT JOIN label b ON b.task = ?1 AND b.code = d.blind_label"
		    " WHERE d.item = ?2 ORDER BY d.id",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, it->task.id);
	sqlite3_bind_int64(s, 2, it->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct review_decision *d;
		it->history = xgrow(it->history, &cap, it->nhistory + 1, sizeof *it->history);
		d = &it->history[it->nhistory++];
		d->id = sqlite3_column_int64(s, 0);
		d->expert = col_dup(s, 1, &unread);
		d->label = col_dup(s, 2, &unread);
		d->blind_label = col_dup(s, 3, &unread);
		d->reason = col_dup(s, 4, &unread);
		d->rule = col_dup(s, 5, &unread);
		d->at = col_dup(s, 6, &unread);
		d->seconds = col_dbl(s, 7);
		d->supersedes = sqlite3_column_int64(s, 8);
		it->current = d->id;
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "decisions");
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return unread ? store_nomem(err) : 0;
}

/* The item's flags: how many, and my own one's note. */
static int load_flags(struct store *st, struct review_item *it, const char *me, char *err)
{
	sqlite3_stmt *s = NULL;
	int rc, unread = 0;

	if (store_prepare(st,
			  "SELECT count(*), max(CASE WHEN expert = ?2 THEN COALESCE(note, '') END)"
			  " FROM flag WHERE item = ?1",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, it->id);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		store_fail(st, err, "flags");
		sqlite3_finalize(s);
		return -1;
	}
	it->nflags = sqlite3_column_int(s, 0);
	it->my_flag = col_dup(s, 1, &unread);
	sqlite3_finalize(s);
	return unread ? store_nomem(err) : 0;
}

/*
 * Step s, a query of at most one row, and finalize it: its first column
 * into *out (NULL when there is no row). A failed step or a value that
 * could not be read is an error.
 */
static int step_dup(struct store *st, sqlite3_stmt *s, char **out, const char *what, char *err)
{
	int rc = sqlite3_step(s), unread = 0;
	if (rc == SQLITE_ROW)
		*out = col_dup(s, 0, &unread);
	else if (rc != SQLITE_DONE)
		store_fail(st, err, what);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return unread ? store_nomem(err) : 0;
}

static int load_core(struct store *st, struct review_item *it, const char *me, char *err)
{
	sqlite3_stmt *s = NULL;
	char *task = NULL;
	int rc, unread = 0;

	if (store_prepare(st,
			  "SELECT i.external_id, i.text, i.meta, t.name FROM item i"
			  " JOIN task t ON t.id = i.task WHERE i.id = ?",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, it->id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		if (rc == SQLITE_DONE)
			return err_set(err, "item %lld: no such item", (long long)it->id);
		return store_fail(st, err, "item");
	}
	it->external_id = col_dup(s, 0, &unread);
	it->text = col_dup(s, 1, &unread);
	it->meta = col_dup(s, 2, &unread);
	task = col_dup(s, 3, &unread);
	sqlite3_finalize(s);
	if (unread || !it->external_id || !task) {
		free(task);
		return store_nomem(err);
	}
	rc = store_task_get(st, task, &it->task, err);
	free(task);
	if (rc != 1)
		return rc == 0 ? err_set(err, "item %lld: task vanished", (long long)it->id) : -1;

	if (store_prepare(st,
			  "SELECT s.votes, s.agreement, l.value, s.tie FROM item_votes s"
			  " LEFT JOIN label l ON l.task = s.task AND l.code = s.plurality"
			  " WHERE s.item = ?",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, it->id);
	it->agreement = NAN;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(st, err, "votes");
		sqlite3_finalize(s);
		return -1;
	}
	if (rc == SQLITE_ROW) {
		struct sbuf cb = {0};
		char *counts;
		sqlite3_stmt *c = NULL;
		if (store_summary_votes_counts(&it->task, (const char *)sqlite3_column_text(s, 0),
					       (size_t)sqlite3_column_bytes(s, 0), &cb)) {
			sbuf_free(&cb);
			sqlite3_finalize(s);
			return err_set(err, "the stored votes of item %lld are damaged",
				       (long long)it->id);
		}
		counts = sbuf_take(&cb);
		it->agreement = col_dbl(s, 1);
		it->plurality = col_dup(s, 2, &unread);
		it->tie = sqlite3_column_int(s, 3);
		if (store_prepare(st, COUNTS_SQL, &c, err) == 0) {
			rc = counts_summary(c, counts, &it->vote_summary);
			if (rc)
				store_fail(st, err, "vote summary");
			sqlite3_finalize(c);
		} else {
			rc = -1;
		}
		free(counts);
		if (rc) {
			sqlite3_finalize(s);
			return -1;
		}
	}
	sqlite3_finalize(s);
	if (unread)
		return store_nomem(err);
	if (!it->vote_summary)
		it->vote_summary = xstrdup("");

	if (store_prepare(st, "SELECT text FROM draft WHERE expert = ? AND item = ?", &s, err))
		return -1;
	sqlite3_bind_text(s, 1, me, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, it->id);
	if (step_dup(st, s, &it->draft, "draft", err))
		return -1;

	if (store_prepare(st,
			  "SELECT expert FROM claim WHERE item = ? AND expert <> ? AND expires "
			  "> " NOW_SQL,
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, it->id);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	if (step_dup(st, s, &it->claimed_by, "claim", err))
		return -1;
	{
		char out[256];
		int out_rc = packet_item_out(st, it->id, out, sizeof out, err);
		char pk[PACKET_ID_LEN];
		int c_rc =
			out_rc < 0 ? -1 : packet_conflict_open(st, it->id, it->conflict, pk, err);
		if (c_rc < 0)
			return -1;
		if (c_rc == 1)
			it->conflict_packet = xstrdup(pk);
		if (out_rc == 1)
			it->out_in = xstrdup(out);
	}
	return 0;
}

int store_review_item_load(struct store *st, int64_t item, const char *me, struct review_item *out,
			   char *err)
{
	struct review_item it;

	memset(&it, 0, sizeof it);
	it.id = item;
	it.quality = NAN;
	it.quality_source = "none";
	/* One snapshot for all the reads; released before returning. */
	if (store_exec(st, "BEGIN", err))
		return -1;
	if (load_core(st, &it, me, err) || load_votes(st, &it, err) || load_preds(st, &it, err) ||
	    load_history(st, &it, err) || load_flags(st, &it, me, err))
		goto fail;
	if (store_exec(st, "COMMIT", err))
		goto fail;
	*out = it;
	return 0;
fail:
	store_rollback(st);
	store_review_item_free(&it);
	return -1;
}

void store_review_item_free(struct review_item *it)
{
	if (!it)
		return;
	free(it->external_id);
	free(it->text);
	free(it->meta);
	free(it->conflict_packet);
	if (it->task.name)
		store_task_free(&it->task);
	for (size_t i = 0; i < it->nvotes; i++) {
		free(it->votes[i].annotator);
		free(it->votes[i].label);
		free(it->votes[i].comment);
	}
	free(it->votes);
	for (size_t i = 0; i < it->npreds; i++) {
		free(it->preds[i].model);
		free(it->preds[i].label);
		for (size_t k = 0; k < it->preds[i].nprobs; k++)
			free(it->preds[i].probs[k].label);
		free(it->preds[i].probs);
	}
	free(it->preds);
	for (size_t i = 0; i < it->nhistory; i++) {
		struct review_decision *d = &it->history[i];
		free(d->expert);
		free(d->label);
		free(d->blind_label);
		free(d->reason);
		free(d->rule);
		free(d->at);
	}
	free(it->history);
	free(it->vote_summary);
	free(it->plurality);
	free(it->draft);
	free(it->my_flag);
	free(it->claimed_by);
	free(it->out_in);
	memset(it, 0, sizeof *it);
}

const struct review_decision *store_review_item_current(const struct review_item *it)
{
	return it->nhistory ? &it->history[it->nhistory - 1] : NULL;
}

int store_review_session_init(struct store *st, char *err)
{
	/* The screen reads a few rows per key through indexes; a small page
	 * cache keeps a session on a million-item project well under 64 MB. */
	return store_exec(st, "PRAGMA cache_size = -" GV_STR(REVIEW_CACHE_KB), err);
}

static int ckpt_due(void *arg, sqlite3 *db, const char *name, int frames)
{
	const struct review_ckpt *c = arg;
	(void)db;
	(void)name;
	if (frames >= REVIEW_WAL_FRAMES)
		c->due(c->arg);
	return SQLITE_OK;
}

void store_review_checkpoint_elsewhere(struct store *st, struct review_ckpt *c)
{
	if (c)
		sqlite3_wal_hook(st->db, ckpt_due, c);
	else
		sqlite3_wal_autocheckpoint(st->db, REVIEW_WAL_FRAMES);
}

/* The log's length in frames after a commit (a wal hook). */
static int note_frames(void *arg, sqlite3 *db, const char *name, int frames)
{
	(void)db;
	(void)name;
	*(int *)arg = frames;
	return SQLITE_OK;
}

/*
 * After a checkpoint that copied the whole log, the next write on any
 * connection starts the log again from its beginning, and SQLite syncs the
 * log's new header before writing over the old frames (else a power
 * failure could leave old frames, copied long ago, that read as current).
 * That sync is the writer's, whatever its synchronous setting short of
 * OFF, and holds the write lock: here it is a commit of ours that rewrites
 * the database header's user_version as it was, not a key's. The commit
 * itself needs no sync (it changes nothing). *frames gets the log's length
 * after it: 1 when this commit started the log again.
 */
static int wal_restart(struct store *st, int *frames, char *err)
{
	char sql[64];
	int v = 0, rc;

	*frames = -1;
	if (store_begin_nosync(st, err))
		return -1;
	if (store_user_version(st, &v, err))
		goto fail;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
	if (store_exec(st, sql, err))
		goto fail;
	sqlite3_wal_hook(st->db, note_frames, frames);
	rc = store_commit(st, err);
	sqlite3_wal_autocheckpoint(st->db, REVIEW_WAL_FRAMES);
	return rc;
fail:
	store_rollback(st);
	return -1;
}

int store_review_checkpoint(struct store *st, char *err)
{
	/* Another connection may write between the checkpoint and our
	 * commit, which then only adds a frame: copy that too and try again. */
	for (int tries = 0; tries < 3; tries++) {
		int log = -1, copied = -1, frames;
		int rc = sqlite3_wal_checkpoint_v2(st->db, "main", SQLITE_CHECKPOINT_PASSIVE, &log,
						   &copied);
		if (rc == SQLITE_BUSY)
			return 0;
		if (rc != SQLITE_OK)
			return store_fail(st, err, "checkpoint");
		/* A reader still needs part of the log: no restart is due. */
		if (log < 0 || log != copied)
			return 0;
		if (wal_restart(st, &frames, err))
			return -1;
		if (frames <= 1)
			return 0;
	}
	return 0;
}

int store_review_events(struct store *st, int64_t item, struct review_event **out, size_t *n,
			char *err)
{
	sqlite3_stmt *s = NULL;
	struct review_event *v = NULL;
	size_t cap = 0, k = 0;
	int rc;

	/* The review screen writes {before, after, why}; gavel import writes
	 * its decisions flat ({label, reason, origin, file}): both read here.
	 * A detail that is not JSON reads as no fields, not as an error. */
	if (store_prepare(st,
			  "SELECT seq, at, actor, uid, host, ssh, action, detail,"
			  " COALESCE(json_extract(d, '$.after.label'), json_extract(d, '$.label')),"
			  " json_extract(d, '$.after.blind_label'),"
			  " json_extract(d, '$.before.label'), json_extract(d, '$.before.expert'),"
			  " json_extract(d, '$.before.reason'), json_extract(d, '$.before.rule'),"
			  " COALESCE(json_extract(d, '$.why.reason'), json_extract(d, '$.reason')),"
			  " COALESCE(json_extract(d, '$.why.rule'), json_extract(d, '$.rule')),"
			  " json_extract(d, '$.origin'), json_extract(d, '$.file'),"
			  " json_extract(d, '$.after.seconds')"
			  " FROM (SELECT *, CASE WHEN json_valid(detail) THEN detail END AS d"
			  " FROM event WHERE item = ?) ORDER BY seq",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct review_event *e;
		v = xgrow(v, &cap, k + 1, sizeof *v);
		e = &v[k++];
		memset(e, 0, sizeof *e);
		e->seq = sqlite3_column_int64(s, 0);
		e->at = store_col_dup(s, 1);
		e->actor = store_col_dup(s, 2);
		e->uid = sqlite3_column_int64(s, 3);
		e->host = store_col_dup(s, 4);
		e->ssh = store_col_dup(s, 5);
		e->action = store_col_dup(s, 6);
		e->detail = store_col_dup(s, 7);
		e->label = store_col_dup(s, 8);
		e->blind_label = store_col_dup(s, 9);
		e->before_label = store_col_dup(s, 10);
		e->before_expert = store_col_dup(s, 11);
		e->before_reason = store_col_dup(s, 12);
		e->before_rule = store_col_dup(s, 13);
		e->reason = store_col_dup(s, 14);
		e->rule = store_col_dup(s, 15);
		e->origin = store_col_dup(s, 16);
		e->file = store_col_dup(s, 17);
		e->seconds = col_dbl(s, 18);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_review_events_free(v, k);
		return store_fail(st, err, "events");
	}
	*out = v;
	*n = k;
	return 0;
}

void store_review_events_free(struct review_event *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct review_event *e = &v[i];
		char *strs[] = {e->at,		 e->actor,	   e->host,	     e->ssh,
				e->action,	 e->detail,	   e->label,	     e->blind_label,
				e->before_label, e->before_expert, e->before_reason, e->before_rule,
				e->reason,	 e->rule,	   e->origin,	     e->file};
		for (size_t k = 0; k < GV_ARRAY_LEN(strs); k++)
			free(strs[k]);
	}
	free(v);
}
