/*
 * audit_state: the state that exports and statistics read, held against the
 * audit trail. The hash chain proves the events were not changed; this
 * proves the tables were not changed around them (triggers dropped, plain
 * sqlite3): every decision row must be what the event that wrote it
 * recorded, every such event must still have its row, and the same for the
 * experts' roles and the guideline versions.
 *
 * What each event records, and so what a row is held to:
 *
 *   review decisions (decide, undo, reason, and any event whose detail has
 *   after.decision): the row after.decision, on the event's item, by the
 *   event's actor, label after.label, superseding before.decision, reason
 *   and rule why.reason and why.rule, blind call after.blind_label, time
 *   spent after.seconds and queue after.queue (NULL when not recorded), the
 *   guideline version current for the item's task when the event was
 *   written (counted from the guideline-load events before it), decided
 *   within CLOCK_SLACK seconds of the event's time. An undo restores
 *   the label, reason, rule and blind call of the decision its superseded
 *   one had superseded; a reason keeps its superseded decision's blind call.
 *   Both rows are held to those earlier rows, which are checked first.
 *
 *   imported decisions (decide with origin "import"): the row `decision`,
 *   with expert, label, reason, supersedes and, when recorded, `at` as the
 *   event has them, and no rule, blind call, time spent, queue or
 *   guideline version.
 *
 *   experts: the `after` of the last expert-* event naming the expert
 *   (role, uid, unix_user), or no row when it is null.
 *
 *   guidelines: one row per guideline-load event (task, version) with the
 *   recorded declared version, SHA-256 and path; the YAML must still hash to
 *   that SHA-256; loaded within CLOCK_SLACK seconds of the event's time.
 *
 * Decisions are checked in one pass: the events in seq order against the
 * rows in id order (ids only grow, and each decision and its event are
 * written in one transaction), so memory stays small whatever the size of
 * the project.
 */
#include "config.h"

#include "audit.h"
#include "audit_priv.h"
#include "text.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Set when audit_col met a value it could not read (see audit_priv.h). */
static _Thread_local int unread;

const char *audit_col(sqlite3_stmt *s, int i)
{
	/* The type first: a failed conversion may leave the value NULL. */
	int null = sqlite3_column_type(s, i) == SQLITE_NULL;
	const char *v = (const char *)sqlite3_column_text(s, i);
	if (!v && !null)
		unread = 1;
	return v;
}

void audit_unread_reset(void)
{
	unread = 0;
}

int audit_unread_check(int rc, char *err)
{
	if (rc >= 0 && unread)
		return store_nomem(err);
	return rc;
}

static const char *col(sqlite3_stmt *s, int i)
{
	return audit_col(s, i);
}

/* audit_json_valid(X) (see audit_json_register): SQLite's json() on X, in
 * a statement of its own, tells valid (a row) from malformed (an error)
 * from out of memory. Called only for the rows json_valid said no to. */
static void json_valid_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sqlite3_stmt *s = NULL;
	int rc;
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	rc = sqlite3_prepare_v2(sqlite3_context_db_handle(ctx), "SELECT json(?1)", -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_value(s, 1, argv[0]);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		sqlite3_result_int(ctx, 1);
	else if ((rc & 0xff) == SQLITE_NOMEM)
		sqlite3_result_error_nomem(ctx);
	else if (rc == SQLITE_ERROR)
		sqlite3_result_int(ctx, 0); /* malformed JSON */
	else
		sqlite3_result_error_code(ctx, rc);
}

int audit_json_register(struct store *st, char *err)
{
	int rc = sqlite3_create_function_v2(st->db, "audit_json_valid", 1,
					    SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL, json_valid_fn,
					    NULL, NULL, NULL);
	/* BUSY: registered before, and a statement of the caller is running. */
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return store_fail(st, err, "database");
	return 0;
}

static int is_null(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL;
}

static int str_eq(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

/* 1 when column ia of a (a canonical time in Unix seconds, NULL when the
 * text was not canonical) is within CLOCK_SLACK of column ib of b. */
static int near(sqlite3_stmt *a, int ia, sqlite3_stmt *b, int ib)
{
	int64_t d;
	if (is_null(a, ia) || is_null(b, ib))
		return 0;
	d = sqlite3_column_int64(a, ia) - sqlite3_column_int64(b, ib);
	return d >= -CLOCK_SLACK && d <= CLOCK_SLACK;
}

/* A value for a message: 'text' cut at 64 columns (a hash is whole), or null. */
static void quote(struct sbuf *b, const char *v)
{
	char *c, *cut;
	if (!v) {
		sbuf_add(b, "null");
		return;
	}
	c = text_clean(v);
	cut = text_fit(c, 64, NULL);
	sbuf_addf(b, "'%s'", cut);
	free(cut);
	free(c);
}

int audit_state_bad(struct audit_result *r, const char *fmt, ...)
{
	va_list ap;
	r->bad_seq = 0;
	r->state_bad = 1;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof r->reason, fmt, ap);
	va_end(ap);
	return 1;
}

int audit_state_differs(struct audit_result *r, const char *row, const char *what, const char *have,
			const char *want, const char *who)
{
	struct sbuf b = {0};
	sbuf_addf(&b, "%s: %s is ", row, what);
	quote(&b, have);
	sbuf_addf(&b, " but %s ", who);
	quote(&b, want);
	audit_state_bad(r, "%s", b.s);
	sbuf_free(&b);
	return 1;
}

/* ---- Decisions ---- */

/* Columns of the decision rows, in id order. */
enum {
	D_ID,
	D_ITEM,
	D_EXT,
	D_TASK,
	D_EXPERT,
	D_LABEL,
	D_LABEL_VALUE,
	D_REASON,
	D_RULE,
	D_GV,
	D_BLIND,
	D_BLIND_VALUE,
	D_SECONDS,
	D_AT,
	D_SUPERSEDES,
	D_QUEUE,
	D_ORIGIN,
	D_AT_UNIX
};
static const char rows_sql[] =
	"SELECT d.id, d.item, i.external_id, t.name, d.expert, d.label, l.value, d.reason,"
	" d.rule, d.guideline_version, d.blind_label, b.value, d.seconds, d.at, d.supersedes,"
	" d.queue, d.origin, CASE WHEN d.at = strftime('%Y-%m-%dT%H:%M:%SZ', d.at)"
	"  THEN CAST(strftime('%s', d.at) AS INTEGER) END"
	" FROM decision d LEFT JOIN item i ON i.id = d.item LEFT JOIN task t ON t.id = i.task"
	" LEFT JOIN label l ON l.task = i.task AND l.code = d.label"
	" LEFT JOIN label b ON b.task = i.task AND b.code = d.blind_label"
	" WHERE d.id > ?1 ORDER BY d.id";

/* Columns of the events that wrote decisions or loaded guidelines, in seq
 * order, with what they recorded (see the top of this file). */
enum {
	E_SEQ,
	E_AT_S,
	E_AT_UNIX,
	E_ACTION,
	E_ITEM,
	E_DID,
	E_IMPORTED,
	E_GTASK,
	E_GVERSION,
	E_EXPERT,
	E_LABEL,
	E_REASON,
	E_RULE,
	E_SUPERSEDES,
	E_REC_AT,
	E_BLIND_SET,
	E_BLIND,
	E_SECONDS_SET,
	E_SECONDS,
	E_QUEUE_SET,
	E_QUEUE,
	E_ORIGIN,
	E_GV_REC
};
static const char events_sql[] =
	"WITH ev AS (SELECT seq, at, actor, action, item,"
	"   CASE WHEN json_valid(detail) OR audit_json_valid(detail) THEN detail END AS j"
	"   FROM event),"
	" x AS (SELECT *, CASE"
	"   WHEN json_type(j, '$.after.decision') = 'integer' THEN j ->> '$.after.decision'"
	"   WHEN action = 'decide' AND j ->> '$.origin' IN ('import', 'packet')"
	"    AND json_type(j, '$.decision') = 'integer' THEN j ->> '$.decision' END AS did,"
	"   coalesce(json_type(j, '$.after.decision') IS NOT 'integer'"
	"    AND j ->> '$.origin' IN ('import', 'packet'), 0) AS imp FROM ev),"
	" y AS (SELECT *, CASE WHEN imp THEN '$.' ELSE '$.after.' END AS a FROM x)"
	" SELECT seq, strftime('%Y-%m-%dT%H:%M:%SZ', at),"
	"  CAST(strftime('%s', at) AS INTEGER), action, item, did, imp,"
	"  j ->> '$.task', j ->> '$.version',"
	"  CASE WHEN imp THEN j ->> '$.expert' ELSE actor END,"
	"  CASE WHEN imp THEN j ->> '$.label' ELSE j ->> '$.after.label' END,"
	"  CASE WHEN imp THEN j ->> '$.reason' ELSE j ->> '$.why.reason' END,"
	"  CASE WHEN imp THEN j ->> '$.rule' ELSE j ->> '$.why.rule' END,"
	"  CASE WHEN imp THEN j ->> '$.supersedes' ELSE j ->> '$.before.decision' END,"
	"  CASE WHEN imp THEN j ->> '$.at' END,"
	"  json_type(j, a || 'blind_label') IS NOT NULL, j ->> (a || 'blind_label'),"
	"  json_type(j, a || 'seconds') IS NOT NULL, j -> (a || 'seconds'),"
	"  json_type(j, a || 'queue') IS NOT NULL, j ->> (a || 'queue'),"
	"  CASE WHEN imp THEN j ->> '$.origin' END, j ->> '$.guideline_version'"
	" FROM y WHERE did IS NOT NULL OR (action = 'guideline-load' AND j IS NOT NULL)"
	" ORDER BY seq";

/* The guideline version current for each task, as the events say. */
struct gv {
	char *task;
	int64_t version;
};

struct dcheck {
	struct store *st;
	struct audit_result *r;
	sqlite3_stmt *prior; /* supersedes, reason, rule, blind_label of a decision */
	struct gv *gv;
	size_t ngv, capgv;
	char row[192]; /* "decision N (item X)" for messages */
	char who[64];  /* "event N" */
};

static void gv_set(struct dcheck *c, const char *task, int64_t version)
{
	for (size_t i = 0; i < c->ngv; i++) {
		if (strcmp(c->gv[i].task, task) == 0) {
			if (version > c->gv[i].version)
				c->gv[i].version = version;
			return;
		}
	}
	c->gv = xgrow(c->gv, &c->capgv, c->ngv + 1, sizeof *c->gv);
	c->gv[c->ngv].task = xstrdup(task);
	c->gv[c->ngv++].version = version;
}

static int64_t gv_get(const struct dcheck *c, const char *task)
{
	for (size_t i = 0; task && i < c->ngv; i++)
		if (strcmp(c->gv[i].task, task) == 0)
			return c->gv[i].version;
	return 0;
}

/* What an earlier decision row holds; 0 when found, 1 when not, -1 on error. */
struct prior {
	int64_t supersedes; /* 0 when none */
	char *reason, *rule;
	int64_t blind; /* -1 when none */
};

static int prior_get(struct dcheck *c, int64_t id, struct prior *p, char *err)
{
	int rc;
	memset(p, 0, sizeof *p);
	p->blind = -1;
	sqlite3_reset(c->prior);
	sqlite3_bind_int64(c->prior, 1, id);
	rc = sqlite3_step(c->prior);
	if (rc == SQLITE_ROW) {
		p->supersedes = sqlite3_column_int64(c->prior, 0);
		p->reason = col(c->prior, 1) ? xstrdup(col(c->prior, 1)) : NULL;
		p->rule = col(c->prior, 2) ? xstrdup(col(c->prior, 2)) : NULL;
		if (!is_null(c->prior, 3))
			p->blind = sqlite3_column_int64(c->prior, 3);
		return 0;
	}
	if (rc != SQLITE_DONE)
		return store_fail(c->st, err, "decision");
	return 1;
}

static void prior_free(struct prior *p)
{
	free(p->reason);
	free(p->rule);
}

static void fmt_int(char *buf, size_t size, sqlite3_stmt *s, int i)
{
	if (is_null(s, i))
		buf[0] = '\0';
	else
		snprintf(buf, size, "%lld", (long long)sqlite3_column_int64(s, i));
}

/* The external id of an item for a message, "?" when it is gone. A query
 * that failed (out of memory) is noted as a value not read, so that the
 * verdict it would name becomes an error (audit_unread_check). */
static void item_name(struct store *st, int64_t item, char *out, size_t size)
{
	sqlite3_stmt *s;
	int rc;
	snprintf(out, size, "?");
	if (store_prepare(st, "SELECT external_id FROM item WHERE id = ?", &s, NULL)) {
		unread = 1;
		return;
	}
	sqlite3_bind_int64(s, 1, item);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && col(s, 0)) {
		char *c = text_clean(col(s, 0)), *cut = text_fit(c, 60, NULL);
		snprintf(out, size, "%s", cut);
		free(cut);
		free(c);
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		unread = 1;
	}
	sqlite3_finalize(s);
}

/* Hold the row at d to the event at e. Returns 0 when it matches, 1 when not
 * (r filled), -1 on error. */
static int decision_check(struct dcheck *c, sqlite3_stmt *d, sqlite3_stmt *e, char *err)
{
	struct audit_result *r = c->r;
	const char *action = col(e, E_ACTION);
	int imported = sqlite3_column_int(e, E_IMPORTED);
	/* A decision a packet brought in records everything a review does. */
	int merged = imported && str_eq(col(e, E_ORIGIN), "packet");
	const char *origin = merged ? "packet" : imported ? "import" : "review";
	int undo = !imported && str_eq(action, "undo");
	int keep_blind = !imported && str_eq(action, "reason");
	char have[32], want[32];
	struct prior p1 = {.blind = -1}, p2 = {.blind = -1};
	int rc = 1;

	snprintf(c->who, sizeof c->who, "event %lld recorded",
		 (long long)sqlite3_column_int64(e, E_SEQ));
	if (sqlite3_column_int64(d, D_ITEM) != sqlite3_column_int64(e, E_ITEM)) {
		char was[96];
		item_name(c->st, sqlite3_column_int64(e, E_ITEM), was, sizeof was);
		return audit_state_differs(r, c->row, "item", col(d, D_EXT) ? col(d, D_EXT) : "?",
					   was, c->who);
	}
	if (!str_eq(col(d, D_EXPERT), col(e, E_EXPERT)))
		return audit_state_differs(r, c->row, "expert", col(d, D_EXPERT), col(e, E_EXPERT),
					   c->who);
	if (!is_null(d, D_LABEL) && is_null(d, D_LABEL_VALUE)) {
		fmt_int(have, sizeof have, d, D_LABEL);
		return audit_state_bad(r, "%s: label code %s is not a label of its task", c->row,
				       have);
	}
	if (!str_eq(col(d, D_LABEL_VALUE), col(e, E_LABEL)))
		return audit_state_differs(r, c->row, "label", col(d, D_LABEL_VALUE),
					   col(e, E_LABEL), c->who);
	if (sqlite3_column_int64(d, D_SUPERSEDES) != sqlite3_column_int64(e, E_SUPERSEDES) ||
	    is_null(d, D_SUPERSEDES) != is_null(e, E_SUPERSEDES)) {
		fmt_int(have, sizeof have, d, D_SUPERSEDES);
		fmt_int(want, sizeof want, e, E_SUPERSEDES);
		return audit_state_differs(r, c->row, "supersedes", *have ? have : NULL,
					   *want ? want : NULL, c->who);
	}
	/* An undo restores the decision before the one it undoes (p2); a reason
	 * keeps the blind call of the decision it amends (p1). Those rows come
	 * first in id order, so they have been held to their own events. */
	if (undo || keep_blind) {
		int64_t sup = sqlite3_column_int64(d, D_SUPERSEDES);
		int found = sup ? prior_get(c, sup, &p1, err) : 1;
		if (found < 0 || (undo && found == 0 && p1.supersedes &&
				  prior_get(c, p1.supersedes, &p2, err) < 0)) {
			rc = -1;
			goto out;
		}
	}
	if (undo) {
		snprintf(c->who, sizeof c->who, "the undo restores");
		if (!str_eq(col(d, D_REASON), p2.reason)) {
			audit_state_differs(r, c->row, "reason", col(d, D_REASON), p2.reason,
					    c->who);
			goto out;
		}
		if (!str_eq(col(d, D_RULE), p2.rule)) {
			audit_state_differs(r, c->row, "rule", col(d, D_RULE), p2.rule, c->who);
			goto out;
		}
		snprintf(c->who, sizeof c->who, "event %lld recorded",
			 (long long)sqlite3_column_int64(e, E_SEQ));
	} else {
		if (!str_eq(col(d, D_REASON), col(e, E_REASON))) {
			audit_state_differs(r, c->row, "reason", col(d, D_REASON), col(e, E_REASON),
					    c->who);
			goto out;
		}
		if (!str_eq(col(d, D_RULE), col(e, E_RULE))) {
			audit_state_differs(r, c->row, "rule", col(d, D_RULE), col(e, E_RULE),
					    c->who);
			goto out;
		}
	}
	if (imported) {
		if (!is_null(e, E_REC_AT) && !str_eq(col(d, D_AT), col(e, E_REC_AT))) {
			audit_state_differs(r, c->row, "decided_at", col(d, D_AT), col(e, E_REC_AT),
					    c->who);
			goto out;
		}
	} else if (!near(d, D_AT_UNIX, e, E_AT_UNIX)) {
		snprintf(c->who, sizeof c->who, "event %lld was written at",
			 (long long)sqlite3_column_int64(e, E_SEQ));
		audit_state_differs(r, c->row, "decided_at", col(d, D_AT), col(e, E_AT_S), c->who);
		goto out;
	}
	{
		int64_t gv = merged	? sqlite3_column_int64(e, E_GV_REC)
			     : imported ? 0
					: gv_get(c, col(d, D_TASK));
		if (sqlite3_column_int64(d, D_GV) != gv || is_null(d, D_GV) != !gv) {
			fmt_int(have, sizeof have, d, D_GV);
			audit_state_bad(r,
					"%s: guideline_version is %s but the task's guideline was "
					"at version "
					"%lld when event %lld was written",
					c->row, *have ? have : "null", (long long)gv,
					(long long)sqlite3_column_int64(e, E_SEQ));
			goto out;
		}
	}
	if (sqlite3_column_int(e, E_BLIND_SET)) {
		if (!is_null(d, D_BLIND) && is_null(d, D_BLIND_VALUE)) {
			fmt_int(have, sizeof have, d, D_BLIND);
			audit_state_bad(r, "%s: blind label code %s is not a label of its task",
					c->row, have);
			goto out;
		}
		if (!str_eq(col(d, D_BLIND_VALUE), col(e, E_BLIND))) {
			audit_state_differs(r, c->row, "blind_label", col(d, D_BLIND_VALUE),
					    col(e, E_BLIND), c->who);
			goto out;
		}
	} else {
		int64_t want_code = undo ? p2.blind : keep_blind ? p1.blind : -1;
		int64_t have_code = is_null(d, D_BLIND) ? -1 : sqlite3_column_int64(d, D_BLIND);
		if (have_code != want_code) {
			if (undo)
				snprintf(c->who, sizeof c->who, "the undo restores");
			else if (keep_blind)
				snprintf(c->who, sizeof c->who, "the decision it amends has");
			snprintf(have, sizeof have, "%lld", (long long)have_code);
			snprintf(want, sizeof want, "%lld", (long long)want_code);
			audit_state_differs(r, c->row, "blind label code",
					    have_code < 0 ? NULL : have,
					    want_code < 0 ? NULL : want, c->who);
			goto out;
		}
	}
	{
		struct sbuf sec = {0};
		const char *want_sec =
			sqlite3_column_int(e, E_SECONDS_SET) ? col(e, E_SECONDS) : NULL;
		if (!is_null(d, D_SECONDS))
			sbuf_add_json_num(&sec, sqlite3_column_double(d, D_SECONDS));
		if (str_eq(want_sec, "null"))
			want_sec = NULL;
		if (!str_eq(sec.s, want_sec)) {
			audit_state_differs(r, c->row, "seconds", sec.s, want_sec, c->who);
			sbuf_free(&sec);
			goto out;
		}
		sbuf_free(&sec);
	}
	if (!str_eq(col(d, D_QUEUE), sqlite3_column_int(e, E_QUEUE_SET) ? col(e, E_QUEUE) : NULL)) {
		audit_state_differs(r, c->row, "queue", col(d, D_QUEUE), col(e, E_QUEUE), c->who);
		goto out;
	}
	if (!str_eq(col(d, D_ORIGIN), origin)) {
		audit_state_differs(r, c->row, "origin", col(d, D_ORIGIN), origin, c->who);
		goto out;
	}
	rc = 0;
out:
	prior_free(&p1);
	prior_free(&p2);
	return rc;
}

/* The guideline version of each task in a packet, as it was made. */
static int packet_versions(struct dcheck *c, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(c->st,
			  "SELECT t.name, max(g.version) FROM guideline g JOIN task t ON t.id = g.task"
			  " GROUP BY t.name",
			  &s, err))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *task = col(s, 0);
		/* A name not read (out of memory) is noted by col: no verdict
		 * stands (audit_unread_check). */
		if (task)
			gv_set(c, task, sqlite3_column_int64(s, 1));
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(c->st, err, "guidelines");
}

static void row_name(char *out, size_t size, int64_t id, const char *ext)
{
	char *c = text_clean(ext ? ext : "?"), *cut = text_fit(c, 60, NULL);
	snprintf(out, size, "decision %lld (item %s)", (long long)id, cut);
	free(cut);
	free(c);
}

static int decisions_verify(struct store *st, struct audit_result *r, char *err)
{
	struct dcheck c = {.st = st, .r = r};
	sqlite3_stmt *d = NULL, *e = NULL;
	int64_t last = 0, last_seq = 0;
	int rd, re, rc = -1;
	char name[96];

	if (store_prepare(st, rows_sql, &d, err) || store_prepare(st, events_sql, &e, err) ||
	    store_prepare(st,
			  "SELECT supersedes, reason, rule, blind_label FROM decision WHERE id = ?",
			  &c.prior, err))
		goto out;
	/* A packet holds the project's decisions up to base_decision without
	 * the events that wrote them: only its own are held to its trail, with
	 * the guideline versions it was made with. */
	sqlite3_bind_int64(d, 1, st->packet ? st->base_decision : 0);
	if (st->packet && packet_versions(&c, err))
		goto out;
	rd = sqlite3_step(d);
	while ((re = sqlite3_step(e)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(e, E_SEQ), did;
		if (is_null(e, E_DID)) {
			if (col(e, E_GTASK) && sqlite3_column_type(e, E_GVERSION) == SQLITE_INTEGER)
				gv_set(&c, col(e, E_GTASK), sqlite3_column_int64(e, E_GVERSION));
			continue;
		}
		did = sqlite3_column_int64(e, E_DID);
		if (did <= last) {
			rc = audit_state_bad(
				r,
				"event %lld records decision %lld after event %lld recorded "
				"decision "
				"%lld: a decision was deleted and its id used again",
				(long long)seq, (long long)did, (long long)last_seq,
				(long long)last);
			goto out;
		}
		for (; rd == SQLITE_ROW && sqlite3_column_int64(d, D_ID) < did;
		     rd = sqlite3_step(d)) {
			row_name(c.row, sizeof c.row, sqlite3_column_int64(d, D_ID), col(d, D_EXT));
			rc = audit_state_bad(
				r, "%s has no event in the trail: it was written around gavel",
				c.row);
			goto out;
		}
		if (rd != SQLITE_ROW && rd != SQLITE_DONE) {
			/* Its own code: the events' step since then has reset the
			 * connection's message. */
			rc = err_set(err, "decisions: %s", sqlite3_errstr(rd));
			goto out;
		}
		if (rd != SQLITE_ROW || sqlite3_column_int64(d, D_ID) != did) {
			item_name(st, sqlite3_column_int64(e, E_ITEM), name, sizeof name);
			rc = audit_state_bad(
				r,
				"event %lld recorded decision %lld (item %s), which is missing: "
				"it was "
				"deleted around gavel",
				(long long)seq, (long long)did, name);
			goto out;
		}
		row_name(c.row, sizeof c.row, did, col(d, D_EXT));
		if ((rc = decision_check(&c, d, e, err)) != 0)
			goto out;
		r->decisions++;
		last = did;
		last_seq = seq;
		rd = sqlite3_step(d);
	}
	if (re != SQLITE_DONE) {
		rc = store_fail(st, err, "audit events");
		goto out;
	}
	if (rd == SQLITE_ROW) {
		row_name(c.row, sizeof c.row, sqlite3_column_int64(d, D_ID), col(d, D_EXT));
		rc = audit_state_bad(r, "%s has no event in the trail: it was written around gavel",
				     c.row);
		goto out;
	}
	if (rd != SQLITE_DONE) {
		rc = err_set(err, "decisions: %s", sqlite3_errstr(rd));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(d);
	sqlite3_finalize(e);
	sqlite3_finalize(c.prior);
	for (size_t i = 0; i < c.ngv; i++)
		free(c.gv[i].task);
	free(c.gv);
	return rc;
}

/* ---- Experts ---- */

static int experts_verify(struct store *st, struct audit_result *r, char *err)
{
	sqlite3_stmt *s;
	int rc, ret = -1;
	char who[64], have[32], want[32];

	/* Each expert's rows against the last expert-* event naming it; then
	 * the experts whose last event leaves a row that is not there. */
	if (store_prepare(
		    st,
		    "WITH ev AS (SELECT seq, CASE WHEN json_valid(detail) OR audit_json_valid(detail)"
		    "   THEN detail END AS j"
		    "   FROM event WHERE action LIKE 'expert-%'),"
		    " last AS (SELECT j ->> '$.expert' AS name, seq, j -> '$.after' AS after,"
		    "   row_number() OVER (PARTITION BY j ->> '$.expert' ORDER BY seq DESC) AS rn"
		    "   FROM ev WHERE json_type(j, '$.expert') = 'text')"
		    " SELECT 0, x.name, x.role, x.unix_uid, x.unix_user, l.seq, json_type(l.after),"
		    "   l.after ->> '$.role', l.after ->> '$.uid', l.after ->> '$.unix_user'"
		    " FROM expert x LEFT JOIN last l ON l.name = x.name AND l.rn = 1"
		    " UNION ALL"
		    " SELECT 1, l.name, NULL, NULL, NULL, l.seq, json_type(l.after),"
		    "   l.after ->> '$.role', NULL, NULL"
		    " FROM last l WHERE l.rn = 1 AND json_type(l.after) = 'object'"
		    "   AND NOT EXISTS (SELECT 1 FROM expert x WHERE x.name = l.name)"
		    " ORDER BY 1, 2",
		    &s, err))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char row[192];
		char *c = text_clean(col(s, 1) ? col(s, 1) : "?"), *cut = text_fit(c, 60, NULL);
		snprintf(row, sizeof row, "expert '%s'", cut);
		free(cut);
		free(c);
		snprintf(who, sizeof who, "event %lld recorded",
			 (long long)sqlite3_column_int64(s, 5));
		if (sqlite3_column_int(s, 0) == 1) {
			struct sbuf b = {0};
			quote(&b, col(s, 7));
			ret = audit_state_bad(
				r,
				"%s is missing: event %lld recorded role %s, and no later event "
				"removed it",
				row, (long long)sqlite3_column_int64(s, 5), b.s);
			sbuf_free(&b);
			goto out;
		}
		if (is_null(s, 5)) {
			ret = audit_state_bad(
				r, "%s has no event in the trail: it was written around gavel",
				row);
			goto out;
		}
		if (!str_eq(col(s, 6), "object")) {
			ret = audit_state_bad(r,
					      "%s is there but event %lld, its last, left no row",
					      row, (long long)sqlite3_column_int64(s, 5));
			goto out;
		}
		if (!str_eq(col(s, 2), col(s, 7))) {
			ret = audit_state_differs(r, row, "role", col(s, 2), col(s, 7), who);
			goto out;
		}
		fmt_int(have, sizeof have, s, 3);
		fmt_int(want, sizeof want, s, 8);
		if (!str_eq(have, want)) {
			ret = audit_state_differs(r, row, "uid", *have ? have : NULL,
						  *want ? want : NULL, who);
			goto out;
		}
		if (!str_eq(col(s, 4), col(s, 9))) {
			ret = audit_state_differs(r, row, "unix_user", col(s, 4), col(s, 9), who);
			goto out;
		}
		r->experts++;
	}
	if (rc != SQLITE_DONE) {
		ret = store_fail(st, err, "experts");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(s);
	return ret;
}

/* ---- Guideline versions ---- */

static int guidelines_verify(struct store *st, struct audit_result *r, char *err)
{
	sqlite3_stmt *s;
	char prev_task[128] = "", row[192], who[64], sha[65];
	int64_t prev_version = -1, prev_seq = 0;
	int rc, ret = -1;

	/* Rows joined to their events by (task, version), then events without
	 * a row; a row with two events shows up twice in a row. */
	if (store_prepare(
		    st,
		    "WITH ev AS (SELECT seq, at, CASE WHEN json_valid(detail)"
		    "   OR audit_json_valid(detail) THEN detail END AS j"
		    "   FROM event WHERE action = 'guideline-load')"
		    " SELECT 0, t.name, g.version, g.declared_version, g.sha256, g.yaml, g.path,"
		    "   g.loaded_at, e.seq, e.j ->> '$.declared_version', e.j ->> '$.sha256',"
		    "   e.j ->> '$.path', strftime('%Y-%m-%dT%H:%M:%SZ', e.at),"
		    "   CAST(strftime('%s', e.at) AS INTEGER),"
		    "   CASE WHEN g.loaded_at = strftime('%Y-%m-%dT%H:%M:%SZ', g.loaded_at)"
		    "    THEN CAST(strftime('%s', g.loaded_at) AS INTEGER) END"
		    " FROM guideline g LEFT JOIN task t ON t.id = g.task"
		    " LEFT JOIN ev e ON e.j ->> '$.task' = t.name AND e.j ->> '$.version' = "
		    "g.version"
		    " UNION ALL"
		    " SELECT 1, e.j ->> '$.task', e.j ->> '$.version', NULL, NULL, NULL, NULL, "
		    "NULL,"
		    "   e.seq, NULL, NULL, NULL, NULL, NULL, NULL"
		    " FROM ev e WHERE NOT EXISTS (SELECT 1 FROM guideline g JOIN task t ON t.id = "
		    "g.task"
		    "   WHERE t.name = e.j ->> '$.task' AND g.version = e.j ->> '$.version')"
		    " ORDER BY 1, 2, 3, 9",
		    &s, err))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *task = col(s, 1);
		int64_t version = sqlite3_column_int64(s, 2), seq = sqlite3_column_int64(s, 8);
		char *c = text_clean(task ? task : "?"), *cut = text_fit(c, 60, NULL);
		snprintf(row, sizeof row, "guideline version %lld of task '%s'", (long long)version,
			 cut);
		free(cut);
		free(c);
		snprintf(who, sizeof who, "event %lld recorded", (long long)seq);
		if (sqlite3_column_int(s, 0) == 1) {
			ret = audit_state_bad(r, "%s is missing: event %lld loaded it", row,
					      (long long)seq);
			goto out;
		}
		if (is_null(s, 8)) {
			ret = audit_state_bad(
				r, "%s has no event in the trail: it was written around gavel",
				row);
			goto out;
		}
		if (task && strcmp(task, prev_task) == 0 && version == prev_version) {
			ret = audit_state_bad(r, "%s was loaded by two events, %lld and %lld", row,
					      (long long)prev_seq, (long long)seq);
			goto out;
		}
		snprintf(prev_task, sizeof prev_task, "%s", task ? task : "");
		prev_version = version;
		prev_seq = seq;
		{
			const void *yaml = sqlite3_column_blob(s, 5);
			int n = sqlite3_column_bytes(s, 5);
			if (!yaml && n > 0) {
				ret = err_set(err, "guidelines: %s",
					      sqlite3_errstr(SQLITE_NOMEM));
				goto out;
			}
			util_sha256_hex(yaml, (size_t)n, sha);
		}
		if (!str_eq(col(s, 4), sha)) {
			ret = audit_state_bad(
				r,
				"%s: its text no longer hashes to its sha256: the YAML was changed",
				row);
			goto out;
		}
		if (!str_eq(col(s, 4), col(s, 10))) {
			ret = audit_state_differs(r, row, "sha256", col(s, 4), col(s, 10), who);
			goto out;
		}
		if (!str_eq(col(s, 3), col(s, 9))) {
			ret = audit_state_differs(r, row, "declared version", col(s, 3), col(s, 9),
						  who);
			goto out;
		}
		if (!str_eq(col(s, 6), col(s, 11))) {
			ret = audit_state_differs(r, row, "path", col(s, 6), col(s, 11), who);
			goto out;
		}
		if (!near(s, 14, s, 13)) {
			snprintf(who, sizeof who, "event %lld was written at", (long long)seq);
			ret = audit_state_differs(r, row, "loaded_at", col(s, 7), col(s, 12), who);
			goto out;
		}
		r->guidelines++;
	}
	if (rc != SQLITE_DONE) {
		ret = store_fail(st, err, "guidelines");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(s);
	return ret;
}

static int state_verify(struct store *st, struct audit_result *r, char *err)
{
	int rc;
	if ((rc = decisions_verify(st, r, err)) != 0)
		return rc;
	/* A packet's experts and guidelines came from the project, whose
	 * trail holds them; a merge takes neither. */
	if (st->packet)
		return 0;
	if ((rc = experts_verify(st, r, err)) != 0)
		return rc;
	if ((rc = guidelines_verify(st, r, err)) != 0)
		return rc;
	return audit_packet_verify(st, r, err);
}

int audit_state_verify(struct store *st, struct audit_result *r, char *err)
{
	r->decisions = r->experts = r->guidelines = 0;
	r->state_bad = 0;
	audit_unread_reset();
	if (audit_json_register(st, err))
		return -1;
	return audit_unread_check(state_verify(st, r, err), err);
}
