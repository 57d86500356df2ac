/*
 * store_review_write: the review screen's writes (src/store_review.h):
 * claims, decisions, undo, reasons, flags, skips and drafts. Each is BEGIN
 * IMMEDIATE, checks what it depends on inside the write lock (the decision
 * the expert saw is still the latest one; nobody else holds a live claim),
 * writes, appends its audit event and commits.
 */
#include "config.h"

#include "store_review.h"
#include "store_review_priv.h"
#include "packet.h"
#include "store_expert.h"
#include "text.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * tests/reliability builds this file once more with REVIEW_UNSAFE defined,
 * into a copy of gavel (tests/reliability/gavel_unsafe) whose checks of
 * other experts' claims and decisions can be switched off by name
 * (GAVEL_UNSAFE_OFF=claim,meanwhile,lead), to show that its harness counts
 * two experts deciding one item when they are gone. gavel always checks.
 */
#ifdef REVIEW_UNSAFE
static int check_on(const char *which)
{
	const char *off = getenv("GAVEL_UNSAFE_OFF");
	return !off || !strstr(off, which);
}
#else
#define check_on(which) 1
#endif

/* ---- writes ---- */

/* The latest decision of an item, read inside the caller's write transaction. */
struct latest {
	int64_t id;
	char expert[128];
	int has_label;
	int label;
	int64_t supersedes;
};

static int latest_decision(struct store *st, int64_t item, struct latest *l, char *err)
{
	sqlite3_stmt *s = NULL;
	const char *expert;
	int rc;

	memset(l, 0, sizeof *l);
	if (store_prepare(st,
			  "SELECT id, expert, label, supersedes FROM decision WHERE item = ?"
			  " ORDER BY id DESC LIMIT 1",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (store_col_text(s, 1, &expert, err)) {
			sqlite3_finalize(s);
			return -1;
		}
		l->id = sqlite3_column_int64(s, 0);
		snprintf(l->expert, sizeof l->expert, "%s", expert ? expert : "");
		l->has_label = sqlite3_column_type(s, 2) != SQLITE_NULL;
		l->label = sqlite3_column_int(s, 2);
		l->supersedes = sqlite3_column_int64(s, 3);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "decision");
	return 0;
}

/*
 * Append the label value of code (in item's task) as a JSON string, or null
 * when there is no label (has 0). Returns 0, or -1 with err filled when the
 * value could not be read (out of memory, say): the event would otherwise
 * record null for a label, so the caller's transaction must fail.
 */
static int add_label_json(struct store *st, struct sbuf *b, int64_t item, int has, int code,
			  char *err)
{
	sqlite3_stmt *s = NULL;
	const char *v = NULL;
	int rc;
	if (!has) {
		sbuf_add(b, "null");
		return 0;
	}
	if (store_prepare(st,
			  "SELECT l.value FROM label l JOIN item i ON i.task = l.task"
			  " WHERE i.id = ? AND l.code = ?",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_int(s, 2, code);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (store_col_text(s, 0, &v, err) == 0 && !v)
			err_set(err, "decision: label code %d has no value", code);
		if (v)
			sbuf_add_json_str(b, v);
	} else if (rc == SQLITE_DONE) {
		sbuf_add(b, "null");
	} else {
		store_fail(st, err, "label");
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE || (rc == SQLITE_ROW && v) ? 0 : -1;
}

static void add_str_json(struct sbuf *b, const char *s)
{
	if (s)
		sbuf_add_json_str(b, s);
	else
		sbuf_add(b, "null");
}

static int add_before_json(struct store *st, struct sbuf *b, int64_t item,
			   const struct latest *l, char *err)
{
	if (!l->id) {
		sbuf_add(b, "null");
		return 0;
	}
	sbuf_addf(b, "{\"decision\":%lld,\"expert\":", (long long)l->id);
	sbuf_add_json_str(b, l->expert);
	sbuf_add(b, ",\"label\":");
	if (add_label_json(st, b, item, l->has_label, l->label, err))
		return -1;
	sbuf_addc(b, '}');
	return 0;
}

/*
 * Another expert's live claim on item, copied into holder: 1 when there is
 * one, 0 when not, -1 with err filled when it could not be read (a claim
 * unread is never taken for no claim).
 */
static int other_claim(struct store *st, int64_t item, const char *me, char *holder, size_t len,
		       char *err)
{
	sqlite3_stmt *s = NULL;
	const char *who = NULL;
	int rc;
	if (store_prepare(st,
			  "SELECT expert FROM claim WHERE item = ? AND expert <> ? AND expires > " NOW_SQL,
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && store_col_text(s, 0, &who, err)) {
		sqlite3_finalize(s);
		return -1;
	}
	if (rc == SQLITE_ROW && holder)
		snprintf(holder, len, "%s", who ? who : "");
	else if (rc != SQLITE_DONE)
		store_fail(st, err, "claim");
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int run_bound(struct store *st, sqlite3_stmt *s, const char *what, char *err)
{
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, what);
	return 0;
}

/* Whether the latest decision l is another expert's that was made after `seen`. */
static int changed_meanwhile(const struct latest *l, const char *me, int64_t seen)
{
	return l->id && l->id != seen && strcmp(l->expert, me) != 0;
}

/* Fill err for a decision by someone else made meanwhile. */
static int meanwhile_err(const struct latest *l, char *other, size_t other_len, char *err)
{
	snprintf(other, other_len, "%s", l->expert);
	err_set(err,
		l->has_label ? "decided by %s meanwhile; nothing was overwritten"
			     : "undone by %s meanwhile; nothing was overwritten",
		l->expert);
	return REVIEW_MEANWHILE;
}

int store_review_claim(struct store *st, const struct audit_actor *a, int64_t item, int64_t seen,
		 char *holder, size_t holder_len, char *err)
{
	sqlite3_stmt *s = NULL;
	struct sbuf detail = {0};
	struct latest l;
	char mod[32];
	int mine = 0, rc;

	if (store_begin_nosync(st, err))
		return -1;
	if (latest_decision(st, item, &l, err))
		goto fail;
	/* An undo meanwhile leaves the item open: claiming it is fine. */
	if (check_on("meanwhile") && changed_meanwhile(&l, a->expert, seen) && l.has_label) {
		store_rollback(st);
		return meanwhile_err(&l, holder, holder_len, err);
	}
	if (check_on("claim") && (rc = other_claim(st, item, a->expert, holder, holder_len, err))) {
		if (rc < 0)
			goto fail;
		store_rollback(st);
		err_set(err, "claimed by %s", holder);
		return REVIEW_HELD;
	}
	if (store_prepare(st, "SELECT 1 FROM claim WHERE item = ? AND expert = ? AND expires > " NOW_SQL,
			  &s, err))
		goto fail;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, a->expert, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	mine = rc == SQLITE_ROW;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(st, err, "claim");
		goto fail;
	}
	if (store_prepare(st,
			  "INSERT OR REPLACE INTO claim(item, expert, expires) VALUES (?, ?,"
			  " strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?))",
			  &s, err))
		goto fail;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, a->expert, -1, SQLITE_STATIC);
	snprintf(mod, sizeof mod, "+%d seconds", REVIEW_CLAIM_SECONDS);
	sqlite3_bind_text(s, 3, mod, -1, SQLITE_STATIC);
	if (run_bound(st, s, "claim", err))
		goto fail;
	if (!mine) {
		sbuf_addf(&detail, "{\"after\":{\"claim\":");
		sbuf_add_json_str(&detail, a->expert);
		sbuf_addf(&detail, ",\"seconds\":%d}}", REVIEW_CLAIM_SECONDS);
		if (audit_append(st, a, "claim", item, detail.s, NULL, err))
			goto fail;
	}
	rc = store_commit(st, err);
	sbuf_free(&detail);
	return rc;
fail:
	store_rollback(st);
	sbuf_free(&detail);
	return -1;
}

int store_review_release(struct store *st, const struct audit_actor *a, int64_t item, char *err)
{
	sqlite3_stmt *s = NULL;
	if (store_begin_nosync(st, err))
		return -1;
	if (store_prepare(st, "DELETE FROM claim WHERE item = ? AND expert = ?", &s, err))
		goto fail;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, a->expert, -1, SQLITE_STATIC);
	if (run_bound(st, s, "release claim", err))
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

/* Delete my claim and my draft on item, inside the caller's transaction. */
static int clear_mine(struct store *st, const char *me, int64_t item, int draft, char *err)
{
	sqlite3_stmt *s = NULL;
	if (store_prepare(st, "DELETE FROM claim WHERE item = ? AND expert = ?", &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	if (run_bound(st, s, "release claim", err))
		return -1;
	if (!draft)
		return 0;
	if (store_prepare(st, "DELETE FROM draft WHERE item = ? AND expert = ?", &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	return run_bound(st, s, "draft", err);
}

/* Insert a decision row inside the caller's transaction. */
static int insert_decision(struct store *st, const char *me, int64_t item, int has_label, int label,
			   int blind, const char *reason, const char *rule, double seconds,
			   int64_t supersedes, const char *queue, int64_t *id, char *err)
{
	sqlite3_stmt *s = NULL;
	if (store_prepare(st,
			  "INSERT INTO decision(id, item, expert, label, reason, rule,"
			  " guideline_version, blind_label, seconds, at, supersedes, queue) VALUES"
			  " ((SELECT max(coalesce(max(id), 0), ?10) + 1 FROM decision), ?1, ?2, ?3,"
			  " ?4, ?5, (SELECT max(g.version) FROM guideline g JOIN item i"
			  "  ON i.task = g.task WHERE i.id = ?1), ?6, ?7, " NOW_SQL ", ?8, ?9)",
			  &s, err))
		return -1;
	/* A packet holds only its items' decisions, so its highest id can be
	 * below the project's last one when it was made: ids written offline
	 * start above that, where the merge and audit verify look for them. */
	sqlite3_bind_int64(s, 10, st->packet ? st->base_decision : 0);
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	if (has_label)
		sqlite3_bind_int(s, 3, label);
	if (reason && *reason)
		sqlite3_bind_text(s, 4, reason, -1, SQLITE_STATIC);
	if (rule && *rule)
		sqlite3_bind_text(s, 5, rule, -1, SQLITE_STATIC);
	if (blind >= 0)
		sqlite3_bind_int(s, 6, blind);
	if (isfinite(seconds))
		sqlite3_bind_double(s, 7, seconds);
	if (supersedes)
		sqlite3_bind_int64(s, 8, supersedes);
	if (queue)
		sqlite3_bind_text(s, 9, queue, -1, SQLITE_STATIC);
	if (run_bound(st, s, "decision", err))
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_review_decide(struct store *st, const struct audit_actor *a, const struct review_decide_args *d,
		  int64_t *id, char *other, size_t other_len, char *err)
{
	struct latest l;
	struct sbuf detail = {0}, settles = {0};
	int64_t nid = 0, pair[2];
	int overrule, conflict = 0, held, lead;
	const char *reason = d->reason;

	if ((d->defer_sync ? store_begin_nosync(st, err) : store_begin(st, err)))
		return -1;
	if (latest_decision(st, d->item, &l, err))
		goto fail;
	if (check_on("meanwhile") && changed_meanwhile(&l, a->expert, d->expected)) {
		store_rollback(st);
		return meanwhile_err(&l, other, other_len, err);
	}
	/* The current decision is someone else's: superseding it is a lead's
	 * call, asked for in so many words, never a side effect of a key. */
	overrule = check_on("lead") && l.id && l.has_label && strcmp(l.expert, a->expert) != 0;
	/* The role is read only where it decides something (read here, in
	 * the write lock, it is never stale): an overrule, or a conflict. */
	if ((conflict = packet_conflict_open(st, d->item, pair, NULL, err)) < 0)
		goto fail;
	lead = overrule || conflict == 1 ? store_expert_is_lead(st, a->expert, a->uid, err) : 0;
	if (lead < 0)
		goto fail;
	if (overrule) {
		if (!lead || !d->overrule) {
			snprintf(other, other_len, "%s", l.expert);
			store_rollback(st);
			if (!lead) {
				err_set(err,
					"%s decided this item; only a lead may overrule another "
					"expert's decision, so nothing was written",
					l.expert);
				return REVIEW_NOT_LEAD;
			}
			err_set(err, "%s decided this item; as a lead you may overrule it",
				l.expert);
			return REVIEW_OVERRULE;
		}
	}
	if (check_on("claim") &&
	    (held = other_claim(st, d->item, a->expert, other, other_len, err))) {
		if (held < 0)
			goto fail;
		err_set(err, "claimed by %s; nothing was written", other);
		store_rollback(st);
		return REVIEW_HELD;
	}
	/* A lead's decision on an item left in conflict by a packet settles
	 * both decisions, and its reason names them. */
	if (!lead)
		conflict = 0;
	if (conflict == 1) {
		sbuf_addf(&settles, "settles decisions %lld and %lld", (long long)pair[0],
			  (long long)pair[1]);
		if (d->reason && *d->reason)
			sbuf_addf(&settles, ": %s", d->reason);
		reason = settles.s;
	}
	if (insert_decision(st, a->expert, d->item, 1, d->label_code, d->blind_code, reason,
			    d->rule, d->seconds, l.id, d->queue, &nid, err))
		goto fail;
	if (conflict == 1 && packet_conflict_settle(st, d->item, nid, err))
		goto fail;
	if (clear_mine(st, a->expert, d->item, 1, err))
		goto fail;
	sbuf_add(&detail, "{\"before\":");
	if (add_before_json(st, &detail, d->item, &l, err))
		goto fail;
	if (overrule)
		sbuf_add(&detail, ",\"overrule\":true");
	if (conflict == 1)
		sbuf_addf(&detail, ",\"settles\":[%lld,%lld]", (long long)pair[0],
			  (long long)pair[1]);
	sbuf_addf(&detail, ",\"after\":{\"decision\":%lld,\"label\":", (long long)nid);
	if (add_label_json(st, &detail, d->item, 1, d->label_code, err))
		goto fail;
	sbuf_add(&detail, ",\"blind_label\":");
	if (add_label_json(st, &detail, d->item, d->blind_code >= 0, d->blind_code, err))
		goto fail;
	sbuf_add(&detail, ",\"seconds\":");
	sbuf_add_json_num(&detail, d->seconds);
	sbuf_add(&detail, ",\"queue\":");
	add_str_json(&detail, d->queue);
	sbuf_add(&detail, "},\"why\":{\"reason\":");
	add_str_json(&detail, reason && *reason ? reason : NULL);
	sbuf_add(&detail, ",\"rule\":");
	add_str_json(&detail, d->rule && *d->rule ? d->rule : NULL);
	sbuf_add(&detail, "}}");
	if (audit_append(st, a, "decide", d->item, detail.s, NULL, err))
		goto fail;
	if (store_commit(st, err))
		goto fail_nocommit;
	sbuf_free(&detail);
	sbuf_free(&settles);
	if (id)
		*id = nid;
	return 0;
fail:
	store_rollback(st);
fail_nocommit:
	sbuf_free(&detail);
	sbuf_free(&settles);
	return -1;
}

/* Fetch a decision's label, reason, rule and blind call inside a transaction. */
static int decision_fields(struct store *st, int64_t id, int *has_label, int *label, int *blind,
			   char **reason, char **rule, char *err)
{
	sqlite3_stmt *s = NULL;
	const char *r = NULL, *u = NULL;
	int rc;
	if (store_prepare(st, "SELECT label, blind_label, reason, rule FROM decision WHERE id = ?",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		/* A reason unread must not become no reason in the new row. */
		if (store_col_text(s, 2, &r, err) || store_col_text(s, 3, &u, err)) {
			sqlite3_finalize(s);
			return -1;
		}
		*has_label = sqlite3_column_type(s, 0) != SQLITE_NULL;
		*label = sqlite3_column_int(s, 0);
		*blind = sqlite3_column_type(s, 1) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 1);
		*reason = r ? xstrdup(r) : NULL;
		*rule = u ? xstrdup(u) : NULL;
	}
	if (rc != SQLITE_ROW)
		store_fail(st, err, "decision");
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

int store_review_undo(struct store *st, const struct audit_actor *a, int64_t item, char *err)
{
	struct latest l;
	struct sbuf detail = {0};
	int has = 0, label = 0, blind = -1;
	char *reason = NULL, *rule = NULL;
	int64_t nid;

	if (store_begin(st, err))
		return -1;
	if (latest_decision(st, item, &l, err))
		goto fail;
	if (!l.id || strcmp(l.expert, a->expert) != 0) {
		err_set(err, l.id ? "the latest decision is %s's, not yours" : "nothing to undo%s",
			l.id ? l.expert : "");
		store_rollback(st);
		return 1;
	}
	if (l.supersedes &&
	    decision_fields(st, l.supersedes, &has, &label, &blind, &reason, &rule, err))
		goto fail;
	if (insert_decision(st, a->expert, item, has, label, blind, reason, rule, NAN, l.id, NULL,
			    &nid, err))
		goto fail;
	sbuf_add(&detail, "{\"before\":");
	if (add_before_json(st, &detail, item, &l, err))
		goto fail;
	sbuf_addf(&detail, ",\"after\":{\"decision\":%lld,\"label\":", (long long)nid);
	if (add_label_json(st, &detail, item, has, label, err))
		goto fail;
	sbuf_add(&detail, "},\"why\":{\"reason\":\"undo\"}}");
	if (audit_append(st, a, "undo", item, detail.s, NULL, err))
		goto fail;
	if (store_commit(st, err))
		goto fail_nocommit;
	free(reason);
	free(rule);
	sbuf_free(&detail);
	return 0;
fail:
	store_rollback(st);
fail_nocommit:
	free(reason);
	free(rule);
	sbuf_free(&detail);
	return -1;
}

int store_review_reason(struct store *st, const struct audit_actor *a, int64_t item, const char *reason,
		  const char *rule, char *err)
{
	struct latest l;
	struct sbuf detail = {0};
	int has = 0, label = 0, blind = -1;
	char *old_reason = NULL, *old_rule = NULL;
	int64_t nid;

	if (store_begin(st, err))
		return -1;
	if (latest_decision(st, item, &l, err))
		goto fail;
	if (!l.id || !l.has_label || strcmp(l.expert, a->expert) != 0) {
		err_set(err, "no decision of yours to give a reason to");
		store_rollback(st);
		return 1;
	}
	if (decision_fields(st, l.id, &has, &label, &blind, &old_reason, &old_rule, err))
		goto fail;
	if (insert_decision(st, a->expert, item, has, label, blind, reason, rule, NAN, l.id, NULL,
			    &nid, err))
		goto fail;
	if (clear_mine(st, a->expert, item, 1, err))
		goto fail;
	sbuf_addf(&detail, "{\"before\":{\"decision\":%lld,\"reason\":", (long long)l.id);
	add_str_json(&detail, old_reason);
	sbuf_add(&detail, ",\"rule\":");
	add_str_json(&detail, old_rule);
	sbuf_addf(&detail, "},\"after\":{\"decision\":%lld,\"label\":", (long long)nid);
	if (add_label_json(st, &detail, item, has, label, err))
		goto fail;
	sbuf_add(&detail, "},\"why\":{\"reason\":");
	add_str_json(&detail, reason && *reason ? reason : NULL);
	sbuf_add(&detail, ",\"rule\":");
	add_str_json(&detail, rule && *rule ? rule : NULL);
	sbuf_add(&detail, "}}");
	if (audit_append(st, a, "reason", item, detail.s, NULL, err))
		goto fail;
	if (store_commit(st, err))
		goto fail_nocommit;
	free(old_reason);
	free(old_rule);
	sbuf_free(&detail);
	return 0;
fail:
	store_rollback(st);
fail_nocommit:
	free(old_reason);
	free(old_rule);
	sbuf_free(&detail);
	return -1;
}

int store_review_flag(struct store *st, const struct audit_actor *a, int64_t item, const char *note,
		char *err)
{
	sqlite3_stmt *s = NULL;
	struct sbuf detail = {0};
	int rc;

	if (store_begin(st, err))
		return -1;
	/* Checked inside the write lock, so two sessions of one expert cannot
	 * both add a flag. */
	if (store_prepare(st, "SELECT 1 FROM flag WHERE item = ? AND expert = ? LIMIT 1", &s, err))
		goto fail;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, a->expert, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	s = NULL;
	if (rc == SQLITE_ROW) {
		store_rollback(st);
		err_set(err, "you flagged this item already");
		return 1;
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "flag");
		goto fail;
	}
	if (store_prepare(st, "INSERT INTO flag(item, expert, note, at) VALUES (?, ?, ?, " NOW_SQL ")",
			  &s, err))
		goto fail;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, a->expert, -1, SQLITE_STATIC);
	if (note && *note)
		sqlite3_bind_text(s, 3, note, -1, SQLITE_STATIC);
	if (run_bound(st, s, "flag", err))
		goto fail;
	sbuf_addf(&detail, "{\"after\":{\"flag\":%lld},\"why\":{\"reason\":",
		  (long long)sqlite3_last_insert_rowid(st->db));
	add_str_json(&detail, note && *note ? note : "guideline unclear for this item");
	sbuf_add(&detail, "}}");
	if (audit_append(st, a, "flag", item, detail.s, NULL, err))
		goto fail;
	sbuf_free(&detail);
	return store_commit(st, err);
fail:
	store_rollback(st);
	sbuf_free(&detail);
	return -1;
}

int store_review_skip(struct store *st, const struct audit_actor *a, int64_t item, char *err)
{
	if (store_begin(st, err))
		return -1;
	if (clear_mine(st, a->expert, item, 0, err))
		goto fail;
	if (audit_append(st, a, "skip", item, "{\"after\":{\"claim\":null}}", NULL, err))
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

/* Store the draft (a non-empty text) or delete it, inside a transaction. */
static int draft_write(struct store *st, const char *me, int64_t item, const char *text,
		       char *err)
{
	sqlite3_stmt *s = NULL;
	if (text && *text) {
		if (store_prepare(st,
				  "INSERT OR REPLACE INTO draft(expert, item, text, at)"
				  " VALUES (?, ?, ?, " NOW_SQL ")",
				  &s, err))
			return -1;
		sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
	} else if (store_prepare(st, "DELETE FROM draft WHERE expert = ? AND item = ?", &s, err)) {
		return -1;
	}
	sqlite3_bind_text(s, 1, me, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, item);
	return run_bound(st, s, "draft", err);
}

int store_review_draft_save(struct store *st, const char *me, int64_t item, const char *text, char *err)
{
	if (store_begin(st, err))
		return -1;
	if (draft_write(st, me, item, text, err))
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

int store_review_leave(struct store *st, const char *me, int64_t item, const char *text, char *err)
{
	/* A draft is typed work: its write is synced. */
	if ((text ? store_begin(st, err) : store_begin_nosync(st, err)))
		return -1;
	if (text && *text) {
		if (draft_write(st, me, item, text, err))
			goto fail;
		if (clear_mine(st, me, item, 0, err))
			goto fail;
	} else if (clear_mine(st, me, item, text != NULL, err)) {
		goto fail;
	}
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

