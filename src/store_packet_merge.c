/*
 * store_packet_merge: checking a packet and merging its decisions back into
 * the project (see packet.h).
 *
 * The packet is opened read-only, in defensive mode, with trusted_schema
 * off, and its schema is compared with the project's before any of its
 * tables is read, so a trigger, view or changed table in a hostile file
 * never runs and never passes. Then: the project's id and the head the
 * project recorded for the packet, the chain from that head, each event's
 * signature by the key it names (audit_verify), each key trusted for the
 * expert the event names (expert_key), and the packet's own decisions held
 * to their events (audit_state_verify). Only then is the project written,
 * in one transaction: each decision as a new row of origin "packet" with
 * its original time and a decide event that records it whole with the
 * signer's fingerprint and the hash of the signed event it came from.
 *
 * A packet is refused only for what it holds. When memory, the disk or a
 * read fails on the way, the merge fails with that error instead (exit 1
 * all the same, the project unchanged), so that a good packet is never
 * called a bad one; every value read is checked (store_col_text), so that
 * a failed read never becomes a null label or a missed conflict.
 */
#include "config.h"

#include "store_expert.h"
#include "packet.h"
#include "sign.h"
#include "text.h"
#include "util.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The oldest packet schema a merge takes besides the current one: version
 * 3 differs from 4 only by the table task_tally (see schema_check). */
#define PACKET_OLDEST_VERSION 3

static int refuse(char *reason, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(char *reason, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, len, fmt, ap);
	va_end(ap);
	return 1;
}

/* 1 when rc is a failure of the machine (memory, the disk) rather than of
 * the file being read. */
static int machine_rc(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_NOMEM || rc == SQLITE_IOERR || rc == SQLITE_FULL;
}

/* 1 when err, filled from SQLite's message, tells such a failure: SQLite's
 * own words for those codes. */
static int machine_err(const char *err)
{
	static const int codes[] = {SQLITE_NOMEM, SQLITE_IOERR, SQLITE_FULL};
	for (size_t i = 0; i < GV_ARRAY_LEN(codes); i++)
		if (strstr(err, sqlite3_errstr(codes[i])))
			return 1;
	return 0;
}

/* The error for a packet that could not be read: -1. */
static int unreadable(const char *path, const char *why, char *err)
{
	char *c = text_clean(path);
	err_set(err, "%s: cannot read the packet: %s", c, why);
	free(c);
	return -1;
}

/* The first n columns of the current row of s as text in v, none NULL
 * (SQL NULL as ""): 0, or -1 when a value could not be read. */
static int row_text(sqlite3_stmt *s, const char **v, int n, char *err)
{
	for (int i = 0; i < n; i++) {
		if (store_col_text(s, i, &v[i], err))
			return -1;
		if (!v[i])
			v[i] = "";
	}
	return 0;
}

/* Open path as a packet: 0 with *out, 1 refused (reason), -1 on error. */
static int open_packet(const char *path, struct store **out, char *reason, size_t len, char *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	struct store *st;
	char *c = text_clean(path);
	int rc, q, v = -1;

	if (access(path, R_OK) != 0) {
		err_set(err, "%s: cannot read it", c);
		free(c);
		return -1;
	}
	free(c);
	if ((q = store_packet_open_ro(path, &db)) != SQLITE_OK) {
		rc = !db || machine_rc(q)
			     ? unreadable(path, sqlite3_errstr(q), err)
			     : refuse(reason, len, "not a packet: %s", sqlite3_errmsg(db));
		sqlite3_close(db);
		return rc;
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if ((q = sqlite3_exec(db, "PRAGMA trusted_schema = OFF; PRAGMA query_only = ON", NULL, NULL,
			      NULL)) == SQLITE_OK &&
	    (q = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL)) == SQLITE_OK &&
	    (q = sqlite3_step(s)) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (v < 0) {
		rc = machine_rc(q) ? unreadable(path, sqlite3_errmsg(db), err)
				   : refuse(reason, len, "not a packet: %s", sqlite3_errmsg(db));
		sqlite3_close(db);
		return rc;
	}
	if (v != STORE_SCHEMA_VERSION && v != PACKET_OLDEST_VERSION) {
		sqlite3_close(db);
		return refuse(reason, len,
			      "schema version %d, where this gavel writes and reads %d", v,
			      STORE_SCHEMA_VERSION);
	}
	st = xcalloc(1, sizeof *st);
	st->db = db;
	st->path = xstrdup(path);
	st->readonly = 1;
	*out = st;
	return 0;
}

/* The schema rows compared: all but SQLite's statistics tables. */
static const char schema_rows[] =
	"SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema"
	" WHERE name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\' ORDER BY type, name";

/*
 * The packet's schema must be ref's exactly: 0, 1 refused, -1 error. A
 * packet made before version 4 (created by the previous release, and
 * perhaps reviewed offline with it) lacks only task_tally, which the
 * project has and a merge never reads, so those rows of ref are passed
 * over for it.
 */
static int schema_check(struct store *ref, struct store *pk, char *reason, size_t len, char *err)
{
	sqlite3_stmt *a = NULL, *b = NULL;
	int ra, rb, rc = -1, old = 0;

	if (sqlite3_prepare_v2(pk->db, "PRAGMA user_version", -1, &b, NULL) == SQLITE_OK &&
	    sqlite3_step(b) == SQLITE_ROW)
		old = sqlite3_column_int(b, 0) == PACKET_OLDEST_VERSION;
	sqlite3_finalize(b);
	b = NULL;
	if (store_prepare(ref, schema_rows, &a, err))
		return -1;
	if ((rb = sqlite3_prepare_v2(pk->db, schema_rows, -1, &b, NULL)) != SQLITE_OK) {
		rc = machine_rc(rb)
			     ? unreadable(pk->path, sqlite3_errmsg(pk->db), err)
			     : refuse(reason, len, "not a packet: %s", sqlite3_errmsg(pk->db));
		goto out;
	}
	for (;;) {
		const char *va[4] = {"", "", "", ""}, *vb[4] = {"", "", "", ""};
		int cmp;
		char *what, *name;
		do {
			ra = sqlite3_step(a);
			if (ra == SQLITE_ROW && row_text(a, va, 4, err))
				ra = SQLITE_NOMEM;
		} while (old && ra == SQLITE_ROW && strcmp(va[2], "task_tally") == 0);
		rb = sqlite3_step(b);
		if (rb == SQLITE_ROW && row_text(b, vb, 4, err))
			rb = SQLITE_NOMEM;
		if (rb != SQLITE_ROW && rb != SQLITE_DONE) {
			rc = machine_rc(rb) ? unreadable(pk->path, sqlite3_errstr(rb), err)
					    : refuse(reason, len, "unreadable schema: %s",
						     sqlite3_errmsg(pk->db));
			goto out;
		}
		if (ra != SQLITE_ROW && ra != SQLITE_DONE) {
			err_set(err, "schema: %s", sqlite3_errstr(ra));
			goto out;
		}
		if (ra == SQLITE_DONE && rb == SQLITE_DONE)
			break;
		cmp = ra == SQLITE_DONE	     ? 1
		      : rb == SQLITE_DONE    ? -1
		      : strcmp(va[0], vb[0]) ? strcmp(va[0], vb[0])
					     : strcmp(va[1], vb[1]);
		if (cmp == 0 && strcmp(va[2], vb[2]) == 0 && strcmp(va[3], vb[3]) == 0)
			continue;
		what = text_clean(cmp > 0 ? vb[0] : va[0]);
		name = text_clean(cmp > 0 ? vb[1] : va[1]);
		if (cmp > 0)
			rc = refuse(reason, len,
				    "unexpected schema: %s '%s', which a project has not", what,
				    name);
		else if (cmp < 0)
			rc = refuse(reason, len, "unexpected schema: %s '%s' is missing", what,
				    name);
		else
			rc = refuse(reason, len,
				    "unexpected schema: %s '%s' is not defined as in a project",
				    what, name);
		free(what);
		free(name);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	return rc;
}

/*
 * Whether the packet holds its four recorded keys, well formed: 1, 0, or
 * -1 when they cannot be read. store_packet_base reads a key that cannot
 * be read as a missing one; this tells the two apart.
 */
static int base_keys(struct store *pk, char *err)
{
	sqlite3_stmt *s;
	int rc, n = 0;
	if (store_prepare(pk,
			  "SELECT count(*) FROM project WHERE key = 'packet'"
			  " OR (key = 'packet_head' AND length(value) = 64)"
			  " OR (key IN ('packet_head_seq', 'packet_base_decision')"
			  " AND value GLOB '[0-9]*' AND value NOT GLOB '*[^0-9]*')",
			  &s, err))
		return -1;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_fail(pk, err, "packet");
	return n == 4;
}

/* Chain, signatures and decisions of an open packet: 0, 1, -1. */
static int chain_check(struct store *pk, char *reason, size_t len, char *err)
{
	struct audit_result ar;
	int rc, base = store_packet_base(pk, err);
	if (base || !pk->packet) {
		char why[GV_ERR];
		int keys = base_keys(pk, why);
		if (keys < 0)
			return unreadable(pk->path, why, err);
		if (keys == 1)
			return unreadable(pk->path, "its recorded head could not be read", err);
		if (base)
			return refuse(reason, len, "not a packet: %s", err);
		return refuse(reason, len, "not a packet: a project (or another database)");
	}
	rc = audit_verify(pk, NULL, &ar, err);
	if (rc == 1 || (rc < 0 && !machine_err(err))) {
		/* The packet is read-only and its check reads the same bytes each
		 * time, so a second check that passes proves that the first one
		 * failed for the machine, not the packet: SQLite's json_valid
		 * (3.40) reads an event it could not parse for want of memory as
		 * no JSON at all (the check then finds a decision without its
		 * event), and a value SQLite could not give for want of memory
		 * fails the check with a message that does not say so. */
		struct audit_result again;
		char why[GV_ERR];
		int rc2 = audit_verify(pk, NULL, &again, why);
		if (rc2 == 0 || (rc2 < 0 && machine_err(why)))
			return unreadable(pk->path,
					  rc2 == 0 ? "its check failed once and passed when run "
						     "again (memory or the disk failed while "
						     "reading it)"
						   : why,
					  err);
	}
	if (rc < 0 && machine_err(err)) {
		char why[GV_ERR];
		snprintf(why, sizeof why, "%s", err);
		return unreadable(pk->path, why, err);
	}
	if (rc < 0)
		return refuse(reason, len, "unreadable: %s", err);
	if (rc == 1) {
		if (ar.bad_seq)
			return refuse(reason, len, "event %lld: %s", (long long)ar.bad_seq,
				      ar.reason);
		return refuse(reason, len, "%s", ar.reason);
	}
	return 0;
}

int packet_check_file(const char *path, char *reason, size_t len, char *err)
{
	struct store *pk = NULL, *ref = NULL;
	int rc = open_packet(path, &pk, reason, len, err);
	if (rc)
		return rc;
	rc = store_open(":memory:", STORE_CREATE, &ref, err);
	if (rc == 0)
		rc = schema_check(ref, pk, reason, len, err);
	if (rc == 0)
		rc = chain_check(pk, reason, len, err);
	store_close(ref);
	store_close(pk);
	return rc;
}

/* ---- Against the project ---- */

struct recorded {
	char *state, *head, *merged_head;
	int64_t head_seq, base_decision;
};

static int project_checks(struct store *st, struct store *pk, struct recorded *p, char *reason,
			  size_t len, char *err)
{
	static const char id_sql[] = "SELECT value FROM project WHERE key = 'id'";
	char *mine, *theirs;
	sqlite3_stmt *s;
	int rc, same;

	if (packet_query_text(st, id_sql, NULL, NULL, &mine, err))
		return -1;
	if (packet_query_text(pk, id_sql, NULL, NULL, &theirs, err)) {
		char why[GV_ERR];
		snprintf(why, sizeof why, "%s", err);
		free(mine);
		return unreadable(pk->path, why, err);
	}
	same = mine && theirs && strcmp(mine, theirs) == 0;
	free(mine);
	free(theirs);
	if (!same)
		return refuse(reason, len, "the packet belongs to another project");
	if (store_prepare(st,
			  "SELECT state, head, merged_head, head_seq, base_decision FROM packet"
			  " WHERE id = ?",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, pk->packet, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *v[3];
		if (row_text(s, v, 3, err)) {
			sqlite3_finalize(s);
			return -1;
		}
		p->state = xstrdup(v[0]);
		p->head = xstrdup(v[1]);
		p->merged_head = sqlite3_column_type(s, 2) != SQLITE_NULL ? xstrdup(v[2]) : NULL;
		p->head_seq = sqlite3_column_int64(s, 3);
		p->base_decision = sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "packets");
	if (rc == SQLITE_DONE) {
		char *c = text_clean(pk->packet);
		rc = refuse(reason, len, "the project never made a packet %s", c);
		free(c);
		return rc;
	}
	if (strcmp(p->head, pk->base_hash) != 0 || p->head_seq != pk->base_seq ||
	    p->base_decision != pk->base_decision)
		return refuse(reason, len,
			      "the packet's recorded head (event %lld, %.12s...) is not the one "
			      "the project recorded when it made it (event %lld, %.12s...)",
			      (long long)pk->base_seq, pk->base_hash, (long long)p->head_seq,
			      p->head);
	if (strcmp(p->state, "cancelled") == 0)
		return refuse(reason, len,
			      "packet %s was cancelled; its items went back to the "
			      "queues",
			      pk->packet);
	return 0;
}

/*
 * Every signer must be trusted for the expert its events name. Keys not yet
 * trusted are trusted now when trust is set (packet_key_trust: a lead's act,
 * in the caller's transaction). 0, 1 refused, -1 error.
 */
static int keys_check(struct store *st, struct store *pk, const struct audit_actor *a, int trust,
		      const char *file, char *reason, size_t len, char *err)
{
	sqlite3_stmt *s, *k = NULL;
	int rc, ret = -1;

	if (store_prepare(pk,
			  "SELECT actor, signer, min(seq) FROM event GROUP BY actor, signer"
			  " ORDER BY 3",
			  &s, err))
		return -1;
	if (store_prepare(st, "SELECT expert FROM expert_key WHERE pubkey = ?", &k, err))
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *v[2], *owner_name = NULL;
		char fp[SIGN_FP_LEN] = "?", *ca;
		int known;
		if (row_text(s, v, 2, err))
			goto out;
		sign_fingerprint(v[1], fp);
		sqlite3_reset(k);
		sqlite3_bind_text(k, 1, v[1], -1, SQLITE_STATIC);
		known = sqlite3_step(k);
		if (known != SQLITE_ROW && known != SQLITE_DONE) {
			store_fail(st, err, "trusted keys");
			goto out;
		}
		known = known == SQLITE_ROW;
		if (known && row_text(k, &owner_name, 1, err))
			goto out;
		ca = text_clean(v[0]);
		if (known && strcmp(owner_name, v[0]) != 0) {
			char *owner = text_clean(owner_name);
			ret = refuse(reason, len,
				     "event %lld names %s but is signed with %s's key %s",
				     (long long)sqlite3_column_int64(s, 2), ca, owner, fp);
			free(owner);
			free(ca);
			goto out;
		}
		if (!known && !trust) {
			char *f = text_clean(file);
			ret = refuse(
				reason, len,
				"event %lld is signed by %s with key %s, which this project "
				"does not trust. If that is %s's key (they see it with "
				"'gavel expert key'), a lead trusts it with: gavel packet merge "
				"%s %s --trust-new-key",
				(long long)sqlite3_column_int64(s, 2), ca, fp, ca, st->path, f);
			free(f);
			free(ca);
			goto out;
		}
		free(ca);
		if (!known) {
			char why[GV_ERR];
			int t = packet_key_trust(st, a, v[0], v[1], why);
			if (t < 0) {
				err_set(err, "%s", why);
				goto out;
			}
			if (t == 1) {
				ret = refuse(reason, len, "key %s not trusted: %s", fp, why);
				goto out;
			}
		}
	}
	if (rc != SQLITE_DONE) {
		store_fail(pk, err, "packet events");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(s);
	sqlite3_finalize(k);
	return ret;
}

/* The packet's decisions and the events that recorded them, zipped in order
 * (audit_state_verify proved them one to one). */
enum {
	P_ID,
	P_ITEM,
	P_EXT,
	P_TASK,
	P_EXPERT,
	P_LABEL,
	P_REASON,
	P_RULE,
	P_GV,
	P_BLIND,
	P_SECONDS,
	P_AT,
	P_SUPERSEDES,
	P_QUEUE
};
static const char pk_decisions[] =
	"SELECT d.id, d.item, i.external_id, t.name, d.expert, l.value, d.reason, d.rule,"
	" d.guideline_version, b.value, d.seconds, d.at, d.supersedes, d.queue"
	" FROM decision d JOIN item i ON i.id = d.item JOIN task t ON t.id = i.task"
	" LEFT JOIN label l ON l.task = i.task AND l.code = d.label"
	" LEFT JOIN label b ON b.task = i.task AND b.code = d.blind_label"
	" WHERE d.id > ? ORDER BY d.id";
static const char pk_events[] =
	"SELECT hash, signer, action FROM event WHERE json_valid(detail)"
	" AND json_type(detail, '$.after.decision') = 'integer' ORDER BY seq";

struct idmap {
	int64_t *from, *to;
	size_t n, cap;
};

static int64_t map_get(const struct idmap *m, int64_t id)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->from[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->from[lo] == id ? m->to[lo] : id;
}

struct merge_ctx {
	struct store *st, *pk;
	const struct audit_actor *a;
	sqlite3_stmt *item, *label, *since, *ins, *cupd, *cins;
	struct idmap map;
	int64_t max_before, base;
	long kill_after;
};

static void add_opt_str(struct sbuf *b, const char *key, const char *v)
{
	sbuf_addf(b, ",\"%s\":", key);
	if (v)
		sbuf_add_json_str(b, v);
	else
		sbuf_add(b, "null");
}

/* The project's code of label value v of task id task; -1 when none, -2
 * with err filled when it could not be read. */
static int label_code(struct merge_ctx *c, int64_t task, const char *v, char *err)
{
	int code = -1, rc;
	if (!v)
		return -1;
	sqlite3_reset(c->label);
	sqlite3_bind_int64(c->label, 1, task);
	sqlite3_bind_text(c->label, 2, v, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(c->label)) == SQLITE_ROW)
		code = sqlite3_column_int(c->label, 0);
	else if (rc != SQLITE_DONE)
		code = store_fail(c->st, err, "labels") - 1;
	return code;
}

/* The text columns of a packet decision, read once and checked. */
static const int text_cols[] = {P_EXT,	P_TASK,	 P_EXPERT, P_LABEL, P_REASON,
				P_RULE, P_BLIND, P_AT,	   P_QUEUE};

/* Bring one decision in: 0, 1 refused, -1 error. *conflict set when the
 * item was decided in the project since the packet was made. */
static int merge_one(struct merge_ctx *c, sqlite3_stmt *d, sqlite3_stmt *e, int *conflict,
		     struct packet_merge_result *r, char *err)
{
	int64_t item = sqlite3_column_int64(d, P_ITEM), task, nid, other = 0, sup = 0;
	int label = -1, blind = -1;
	char fp[SIGN_FP_LEN] = "?";
	const char *t[P_QUEUE + 1] = {0}, *ev[3];
	struct sbuf det = {0};
	int rc, b;

	for (size_t i = 0; i < GV_ARRAY_LEN(text_cols); i++)
		if (store_col_text(d, text_cols[i], &t[text_cols[i]], err))
			return -1;
	if (row_text(e, ev, 3, err))
		return -1;
	sqlite3_reset(c->item);
	sqlite3_bind_int64(c->item, 1, item);
	sqlite3_bind_text(c->item, 2, t[P_EXT], -1, SQLITE_STATIC);
	sqlite3_bind_text(c->item, 3, t[P_TASK], -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(c->item)) != SQLITE_ROW) {
		char *x;
		if (rc != SQLITE_DONE)
			return store_fail(c->st, err, "items");
		x = text_clean(t[P_EXT] ? t[P_EXT] : "");
		rc = refuse(r->reason, sizeof r->reason,
			    "decision %lld: item %s is not this project's item %lld",
			    (long long)sqlite3_column_int64(d, P_ID), x, (long long)item);
		free(x);
		return rc;
	}
	task = sqlite3_column_int64(c->item, 0);
	if (t[P_LABEL] && (label = label_code(c, task, t[P_LABEL], err)) < 0)
		return label < -1 ? -1
				  : refuse(r->reason, sizeof r->reason,
					   "decision %lld: its label is not one of the project's",
					   (long long)sqlite3_column_int64(d, P_ID));
	if (t[P_BLIND] && (blind = label_code(c, task, t[P_BLIND], err)) < 0)
		return blind < -1 ? -1
				  : refuse(r->reason, sizeof r->reason,
					   "decision %lld: its blind call is not one of the "
					   "project's labels",
					   (long long)sqlite3_column_int64(d, P_ID));
	sqlite3_reset(c->since);
	sqlite3_bind_int64(c->since, 1, item);
	sqlite3_bind_int64(c->since, 2, c->base);
	sqlite3_bind_int64(c->since, 3, c->max_before);
	if ((rc = sqlite3_step(c->since)) == SQLITE_ROW)
		other = sqlite3_column_int64(c->since, 0);
	else if (rc != SQLITE_DONE)
		return store_fail(c->st, err, "decisions since the packet");
	if (sqlite3_column_type(d, P_SUPERSEDES) != SQLITE_NULL)
		sup = map_get(&c->map, sqlite3_column_int64(d, P_SUPERSEDES));
	sqlite3_reset(c->ins);
	sqlite3_clear_bindings(c->ins);
	/* Binding a value copies it: that can fail for want of memory. */
	b = sqlite3_bind_int64(c->ins, 1, item);
	b |= sqlite3_bind_text(c->ins, 2, t[P_EXPERT], -1, SQLITE_STATIC);
	if (label >= 0)
		b |= sqlite3_bind_int(c->ins, 3, label);
	b |= sqlite3_bind_value(c->ins, 4, sqlite3_column_value(d, P_REASON));
	b |= sqlite3_bind_value(c->ins, 5, sqlite3_column_value(d, P_RULE));
	b |= sqlite3_bind_value(c->ins, 6, sqlite3_column_value(d, P_GV));
	if (blind >= 0)
		b |= sqlite3_bind_int(c->ins, 7, blind);
	b |= sqlite3_bind_value(c->ins, 8, sqlite3_column_value(d, P_SECONDS));
	b |= sqlite3_bind_text(c->ins, 9, t[P_AT], -1, SQLITE_STATIC);
	if (sup)
		b |= sqlite3_bind_int64(c->ins, 10, sup);
	b |= sqlite3_bind_value(c->ins, 11, sqlite3_column_value(d, P_QUEUE));
	if (b != SQLITE_OK)
		return err_set(err, "merge decision: %s", sqlite3_errstr(SQLITE_NOMEM));
	if (sqlite3_step(c->ins) != SQLITE_DONE)
		return store_fail(c->st, err, "merge decision");
	nid = sqlite3_last_insert_rowid(c->st->db);
	c->map.from = xgrow(c->map.from, &c->map.cap, c->map.n + 1, sizeof *c->map.from);
	c->map.to = xrealloc(c->map.to, c->map.cap * sizeof *c->map.to);
	c->map.from[c->map.n] = sqlite3_column_int64(d, P_ID);
	c->map.to[c->map.n++] = nid;
	if (other) {
		sqlite3_stmt *u = c->cupd;
		sqlite3_reset(u);
		sqlite3_bind_int64(u, 1, nid);
		sqlite3_bind_int64(u, 2, item);
		sqlite3_bind_text(u, 3, c->pk->packet, -1, SQLITE_STATIC);
		if (sqlite3_step(u) != SQLITE_DONE)
			return store_fail(c->st, err, "conflict");
		if (sqlite3_changes(c->st->db) == 0) {
			u = c->cins;
			sqlite3_reset(u);
			sqlite3_bind_int64(u, 1, item);
			sqlite3_bind_text(u, 2, c->pk->packet, -1, SQLITE_STATIC);
			sqlite3_bind_int64(u, 3, other);
			sqlite3_bind_int64(u, 4, nid);
			if (sqlite3_step(u) != SQLITE_DONE)
				return store_fail(c->st, err, "conflict");
			*conflict = 1;
		}
	}
	sign_fingerprint(ev[1], fp);
	sbuf_addf(&det, "{\"decision\":%lld,\"origin\":\"packet\",\"packet\":", (long long)nid);
	sbuf_add_json_str(&det, c->pk->packet);
	/* What the offline review did: decide, undo (a decision back to the one
	 * before it) or reason (a reason given to a decision). */
	add_opt_str(&det, "kind", ev[2]);
	add_opt_str(&det, "expert", t[P_EXPERT]);
	add_opt_str(&det, "label", t[P_LABEL]);
	add_opt_str(&det, "reason", t[P_REASON]);
	add_opt_str(&det, "rule", t[P_RULE]);
	add_opt_str(&det, "at", t[P_AT]);
	if (sup)
		sbuf_addf(&det, ",\"supersedes\":%lld", (long long)sup);
	else
		sbuf_add(&det, ",\"supersedes\":null");
	if (t[P_BLIND])
		add_opt_str(&det, "blind_label", t[P_BLIND]);
	if (sqlite3_column_type(d, P_SECONDS) != SQLITE_NULL) {
		sbuf_add(&det, ",\"seconds\":");
		sbuf_add_json_num(&det, sqlite3_column_double(d, P_SECONDS));
	}
	if (t[P_QUEUE])
		add_opt_str(&det, "queue", t[P_QUEUE]);
	if (sqlite3_column_type(d, P_GV) != SQLITE_NULL)
		sbuf_addf(&det, ",\"guideline_version\":%lld",
			  (long long)sqlite3_column_int64(d, P_GV));
	sbuf_addf(&det, ",\"signer\":\"%s\",\"signed_event\":", fp);
	sbuf_add_json_str(&det, ev[0]);
	if (other)
		sbuf_addf(&det, ",\"conflict_with\":%lld}", (long long)other);
	else
		sbuf_add(&det, ",\"conflict_with\":null}");
	rc = audit_append(c->st, c->a, "decide", item, det.s, NULL, err);
	sbuf_free(&det);
	return rc;
}

static int merge_all(struct merge_ctx *c, struct packet_merge_result *r, char *err)
{
	sqlite3_stmt *d = NULL, *e = NULL;
	int rc = -1, rd;

	{
		sqlite3_stmt *s;
		if (store_prepare(c->st, "SELECT coalesce(max(id), 0) FROM decision", &s, err))
			return -1;
		rd = sqlite3_step(s);
		c->max_before = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		if (rd != SQLITE_ROW)
			return store_fail(c->st, err, "decisions");
	}
	if (store_prepare(c->st,
			  "SELECT i.task FROM item i JOIN task t ON t.id = i.task"
			  " WHERE i.id = ? AND i.external_id = ? AND t.name = ?",
			  &c->item, err) ||
	    store_prepare(c->st, "SELECT code FROM label WHERE task = ? AND value = ?", &c->label,
			  err) ||
	    store_prepare(c->st,
			  "SELECT max(id) FROM decision WHERE item = ?1 AND id > ?2 AND id <= ?3"
			  " HAVING max(id) IS NOT NULL",
			  &c->since, err) ||
	    store_prepare(
		    c->st,
		    "INSERT INTO decision(item, expert, label, reason, rule, guideline_version,"
		    " blind_label, seconds, at, supersedes, queue, origin)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'packet')",
		    &c->ins, err) ||
	    store_prepare(c->st,
			  "UPDATE conflict SET packet_decision = ?1 WHERE item = ?2 AND packet = ?3"
			  " AND settled_by IS NULL",
			  &c->cupd, err) ||
	    store_prepare(c->st,
			  "INSERT INTO conflict(item, packet, project_decision, packet_decision)"
			  " VALUES (?, ?, ?, ?)",
			  &c->cins, err) ||
	    store_prepare(c->pk, pk_decisions, &d, err) || store_prepare(c->pk, pk_events, &e, err))
		goto out;
	sqlite3_bind_int64(d, 1, c->pk->base_decision);
	while ((rd = sqlite3_step(d)) == SQLITE_ROW) {
		int conflict = 0, re = sqlite3_step(e);
		if (re != SQLITE_ROW) {
			/* The check proved decisions and events one to one, so a
			 * decision without its event now is a read that failed
			 * (json_valid's answer when memory runs out) or a file
			 * that changed since: an error, not the packet's fault. */
			if (re == SQLITE_DONE)
				unreadable(c->pk->path,
					   "a decision's event could not be read again (memory "
					   "failed, or the file changed during the merge)",
					   err);
			else
				store_fail(c->pk, err, "packet events");
			goto out;
		}
		if ((rc = merge_one(c, d, e, &conflict, r, err)) != 0)
			goto out;
		r->decisions++;
		r->conflicts += conflict;
		if (c->kill_after > 0 && r->decisions == c->kill_after)
			raise(SIGKILL); /* tests: a merge killed halfway */
		rc = -1;
	}
	if (rd != SQLITE_DONE) {
		store_fail(c->pk, err, "packet decisions");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(d);
	sqlite3_finalize(e);
	return rc;
}

static int close_packet(struct merge_ctx *c, struct packet_merge_result *r, const char *file,
			char *err)
{
	sqlite3_stmt *s;
	struct sbuf det = {0};
	char now[21];
	int rc;

	util_utc_now(now);
	if (store_prepare(c->st, "DELETE FROM packet_item WHERE packet = ?", &s, err))
		return -1;
	sqlite3_bind_text(s, 1, c->pk->packet, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(c->st, err, "packet items");
	if (store_prepare(c->st,
			  "UPDATE packet SET state = 'merged', closed_at = ?, merged_head = ?,"
			  " decisions = ?, conflicts = ? WHERE id = ?",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, r->head, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, r->decisions);
	sqlite3_bind_int64(s, 4, r->conflicts);
	sqlite3_bind_text(s, 5, c->pk->packet, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(c->st, err, "packet");
	sbuf_add(&det, "{\"packet\":");
	sbuf_add_json_str(&det, c->pk->packet);
	sbuf_addf(&det, ",\"head\":\"%s\",\"decisions\":%lld,\"conflicts\":%lld,\"file\":", r->head,
		  (long long)r->decisions, (long long)r->conflicts);
	sbuf_add_json_str(&det, file);
	sbuf_addc(&det, '}');
	rc = audit_append(c->st, c->a, "packet-merge", 0, det.s, NULL, err);
	sbuf_free(&det);
	return rc;
}

int packet_merge(struct store *st, const struct audit_actor *a, const char *path, int trust_new_key,
		 struct packet_merge_result *r, char *err)
{
	struct store *pk = NULL;
	struct recorded p = {0};
	struct merge_ctx c = {.st = st, .a = a};
	const char *kill = getenv("GAVEL_TEST_MERGE_KILL");
	char lead[128];
	int rc;

	memset(r, 0, sizeof *r);
	if (st->packet)
		return refuse(r->reason, sizeof r->reason,
			      "%s is itself a packet: merge into the project", st->path);
	rc = store_expert_lead_for_uid(st, a->uid, lead, sizeof lead, err);
	if (rc <= 0)
		return rc < 0 ? -1
			      : refuse(r->reason, sizeof r->reason,
				       "only a lead may merge packets; your OS user (uid %ld) is "
				       "not mapped to a lead",
				       a->uid);
	rc = open_packet(path, &pk, r->reason, sizeof r->reason, err);
	if (rc)
		return rc;
	if ((rc = schema_check(st, pk, r->reason, sizeof r->reason, err)) != 0 ||
	    (rc = chain_check(pk, r->reason, sizeof r->reason, err)) != 0)
		goto out;
	snprintf(r->id, sizeof r->id, "%s", pk->packet);
	if ((rc = audit_head(pk, r->head, err)) != 0)
		goto out;
	/* Read inside the write lock: two merges of one packet cannot both run. */
	if ((rc = store_begin(st, err)) != 0)
		goto out;
	if ((rc = project_checks(st, pk, &p, r->reason, sizeof r->reason, err)) != 0)
		goto out;
	if (strcmp(p.state, "merged") == 0) {
		if (p.merged_head && strcmp(p.merged_head, r->head) == 0) {
			r->already = 1;
			rc = 0;
		} else {
			rc = refuse(r->reason, sizeof r->reason,
				    "packet %s was merged at head %.12s...; this file has gone on "
				    "to %.12s...",
				    pk->packet, p.merged_head ? p.merged_head : "?", r->head);
		}
		goto out;
	}
	if ((rc = keys_check(st, pk, a, trust_new_key, path, r->reason, sizeof r->reason, err)) !=
	    0)
		goto out;
	c.pk = pk;
	c.base = p.base_decision;
	c.kill_after = kill ? strtol(kill, NULL, 10) : 0;
	if ((rc = merge_all(&c, r, err)) != 0 || (rc = close_packet(&c, r, path, err)) != 0)
		goto out;
	if (c.kill_after < 0)
		raise(SIGKILL); /* tests: killed just before the commit */
	rc = store_commit(st, err);
out:
	store_rollback(st);
	sqlite3_finalize(c.item);
	sqlite3_finalize(c.label);
	sqlite3_finalize(c.since);
	sqlite3_finalize(c.ins);
	sqlite3_finalize(c.cupd);
	sqlite3_finalize(c.cins);
	free(c.map.from);
	free(c.map.to);
	free(p.state);
	free(p.head);
	free(p.merged_head);
	store_close(pk);
	return rc;
}
