/*
 * audit_packet: a project's packet tables held against the audit trail, so
 * that a quiet edit around gavel (an out packet marked merged so that its
 * file merges twice, a merged one reopened, items returned to the queues
 * while still out, a key trusted with no lead's act, a conflict deleted or
 * marked settled so that it leaves the conflicts queue) is caught by
 * `gavel audit verify`.
 *
 * What each event records, and so what the rows are held to (the events in
 * seq order replayed):
 *
 *   packet-create: a packet row with its id, expert, queue, item count and
 *   head; head_seq the event before it, base_decision the last decision id
 *   recorded before it, created within CLOCK_SLACK of the event, state out.
 *   While it is out its packet_item rows are that many, and their ids hash
 *   to the recorded items_sha256 (packet_items_digest).
 *   packet-cancel: state cancelled, closed_at set, no packet_item rows.
 *   packet-merge: state merged with the recorded head, decisions and
 *   conflicts, closed_at set, no packet_item rows.
 *   key-trust: an expert_key row with the key, expert and fingerprint,
 *   added within CLOCK_SLACK of the event.
 *   decide of origin packet with conflict_with: the item's unsettled
 *   conflict from that packet now pairs the merged decision, or a new
 *   conflict row (in id order) pairs conflict_with and it.
 *   decide with settles (or, as written before it was recorded, a reason
 *   beginning "settles decisions A and B"): every unsettled conflict on the
 *   item is settled by after.decision.
 *
 * Packets, keys and conflicts are few next to decisions, so they are held
 * in memory.
 */
#include "config.h"

#include "audit.h"
#include "audit_priv.h"
#include "packet.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OUT, MERGED, CANCELLED };
static const char *const state_names[] = {"out", "merged", "cancelled"};

struct xpacket {
	char *id, *expert, *queue, *digest, *head, *merged_head;
	int64_t seq, items, head_seq, base, at, closed, decisions, conflicts;
	int state;
};

struct xkey {
	char *pub, *expert, *fp;
	int64_t seq, at;
};

struct xconflict {
	char *packet;
	int64_t item, project_decision, packet_decision, settled_by, seq;
};

struct replay {
	struct xpacket *p;
	struct xkey *k;
	struct xconflict *c;
	size_t np, capp, nk, capk, nc, capc;
};

static char *dup_col(sqlite3_stmt *s, int i)
{
	const char *t = audit_col(s, i);
	return t ? xstrdup(t) : NULL;
}

static struct xpacket *find_packet(struct replay *x, const char *id)
{
	for (size_t i = 0; id && i < x->np; i++)
		if (strcmp(x->p[i].id, id) == 0)
			return &x->p[i];
	return NULL;
}

/* Columns of the replayed events. */
enum {
	V_SEQ,
	V_ACTION,
	V_ITEM,
	V_AT,
	V_PACKET,
	V_EXPERT,
	V_QUEUE,
	V_ITEMS,
	V_DIGEST,
	V_HEAD,
	V_DECISIONS,
	V_CONFLICTS,
	V_KEY,
	V_FP,
	V_DECISION,
	V_CONFLICT_WITH,
	V_ORIGIN,
	V_SETTLES,
	V_AFTER,
	V_REASON
};
/* The instr() filters keep the JSON of the many plain decisions unread. */
static const char events_sql[] =
	"WITH ev AS (SELECT seq, action, item, at, detail FROM event"
	"  WHERE action IN ('packet-create', 'packet-cancel', 'packet-merge', 'key-trust')"
	"   OR (action = 'decide' AND (instr(detail, '\"origin\":\"packet\"')"
	"    OR instr(detail, '\"settles') OR instr(detail, 'settles decisions')))),"
	" j AS (SELECT seq, action, item, at,"
	"  CASE WHEN json_valid(detail) OR audit_json_valid(detail) THEN detail END AS d FROM ev)"
	" SELECT seq, action, item, CAST(strftime('%s', at) AS INTEGER), d ->> '$.packet',"
	"  d ->> '$.expert', d ->> '$.queue', d ->> '$.items', d ->> '$.items_sha256',"
	"  d ->> '$.head', d ->> '$.decisions', d ->> '$.conflicts', d ->> '$.key',"
	"  d ->> '$.fingerprint', d ->> '$.decision', d ->> '$.conflict_with', d ->> '$.origin',"
	"  json_type(d, '$.settles') = 'array', d ->> '$.after.decision', d ->> '$.why.reason'"
	" FROM j WHERE d IS NOT NULL ORDER BY seq";

/* The last decision id recorded by an event before seq (ids only grow). */
static const char base_sql[] =
	"SELECT coalesce(detail ->> '$.after.decision', detail ->> '$.decision') FROM event"
	" WHERE seq < ? AND (json_valid(detail) OR audit_json_valid(detail))"
	" AND (json_type(detail, '$.after.decision') = "
	"'integer'"
	"  OR (action = 'decide' AND json_type(detail, '$.decision') = 'integer'))"
	" ORDER BY seq DESC LIMIT 1";

static int replay_create(struct replay *x, sqlite3_stmt *e, sqlite3_stmt *b, char *err)
{
	struct xpacket *p;
	x->p = xgrow(x->p, &x->capp, x->np + 1, sizeof *x->p);
	p = &x->p[x->np++];
	memset(p, 0, sizeof *p);
	p->seq = sqlite3_column_int64(e, V_SEQ);
	p->id = dup_col(e, V_PACKET);
	p->expert = dup_col(e, V_EXPERT);
	p->queue = dup_col(e, V_QUEUE);
	p->digest = dup_col(e, V_DIGEST);
	p->head = dup_col(e, V_HEAD);
	p->items = sqlite3_column_int64(e, V_ITEMS);
	p->at = sqlite3_column_int64(e, V_AT);
	p->head_seq = p->seq - 1;
	p->state = OUT;
	if (!p->id)
		p->id = xstrdup("?");
	sqlite3_reset(b);
	sqlite3_bind_int64(b, 1, p->seq);
	switch (sqlite3_step(b)) {
	case SQLITE_ROW:
		p->base = sqlite3_column_int64(b, 0);
		return 0;
	case SQLITE_DONE:
		return 0;
	default:
		return err_set(err, "database: %s", sqlite3_errmsg(sqlite3_db_handle(b)));
	}
}

static void replay_conflict(struct replay *x, sqlite3_stmt *e)
{
	int64_t item = sqlite3_column_int64(e, V_ITEM);
	const char *pk = audit_col(e, V_PACKET);
	struct xconflict *c;
	for (size_t i = 0; pk && i < x->nc; i++) {
		c = &x->c[i];
		if (c->item == item && !c->settled_by && strcmp(c->packet, pk) == 0) {
			c->packet_decision = sqlite3_column_int64(e, V_DECISION);
			c->seq = sqlite3_column_int64(e, V_SEQ);
			return;
		}
	}
	x->c = xgrow(x->c, &x->capc, x->nc + 1, sizeof *x->c);
	c = &x->c[x->nc++];
	c->packet = xstrdup(pk ? pk : "?");
	c->item = item;
	c->project_decision = sqlite3_column_int64(e, V_CONFLICT_WITH);
	c->packet_decision = sqlite3_column_int64(e, V_DECISION);
	c->settled_by = 0;
	c->seq = sqlite3_column_int64(e, V_SEQ);
}

static void replay_settle(struct replay *x, sqlite3_stmt *e)
{
	int64_t item = sqlite3_column_int64(e, V_ITEM);
	const char *reason = audit_col(e, V_REASON);
	long long a, b;
	if (!sqlite3_column_int(e, V_SETTLES) &&
	    !(reason && sscanf(reason, "settles decisions %lld and %lld", &a, &b) == 2))
		return;
	for (size_t i = 0; i < x->nc; i++)
		if (x->c[i].item == item && !x->c[i].settled_by) {
			x->c[i].settled_by = sqlite3_column_int64(e, V_AFTER);
			x->c[i].seq = sqlite3_column_int64(e, V_SEQ);
		}
}

static int replay_events(struct store *st, struct replay *x, char *err)
{
	sqlite3_stmt *e = NULL, *b = NULL;
	int rc, ret = -1;

	if (store_prepare(st, events_sql, &e, err) || store_prepare(st, base_sql, &b, err))
		goto out;
	while ((rc = sqlite3_step(e)) == SQLITE_ROW) {
		const char *action = audit_col(e, V_ACTION), *origin;
		struct xpacket *p;
		if (!action)
			action = ""; /* unread: no verdict will stand (audit_unread_check) */
		if (strcmp(action, "packet-create") == 0) {
			if (replay_create(x, e, b, err))
				goto out;
		} else if (strcmp(action, "packet-cancel") == 0 ||
			   strcmp(action, "packet-merge") == 0) {
			p = find_packet(x, audit_col(e, V_PACKET));
			if (!p)
				continue; /* its create event is missing: the row check says so */
			p->state = action[7] == 'c' ? CANCELLED : MERGED;
			p->closed = sqlite3_column_int64(e, V_AT);
			p->seq = sqlite3_column_int64(e, V_SEQ);
			if (p->state == MERGED) {
				free(p->merged_head);
				p->merged_head = dup_col(e, V_HEAD);
				p->decisions = sqlite3_column_int64(e, V_DECISIONS);
				p->conflicts = sqlite3_column_int64(e, V_CONFLICTS);
			}
		} else if (strcmp(action, "key-trust") == 0) {
			struct xkey *k;
			x->k = xgrow(x->k, &x->capk, x->nk + 1, sizeof *x->k);
			k = &x->k[x->nk++];
			k->pub = dup_col(e, V_KEY);
			k->expert = dup_col(e, V_EXPERT);
			k->fp = dup_col(e, V_FP);
			k->seq = sqlite3_column_int64(e, V_SEQ);
			k->at = sqlite3_column_int64(e, V_AT);
			if (!k->pub)
				k->pub = xstrdup("?");
		} else if ((origin = audit_col(e, V_ORIGIN)) && strcmp(origin, "packet") == 0) {
			if (sqlite3_column_type(e, V_CONFLICT_WITH) != SQLITE_NULL)
				replay_conflict(x, e);
		} else {
			replay_settle(x, e);
		}
	}
	if (rc != SQLITE_DONE) {
		ret = store_fail(st, err, "events");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(e);
	sqlite3_finalize(b);
	return ret;
}

static void replay_free(struct replay *x)
{
	for (size_t i = 0; i < x->np; i++) {
		free(x->p[i].id);
		free(x->p[i].expert);
		free(x->p[i].queue);
		free(x->p[i].digest);
		free(x->p[i].head);
		free(x->p[i].merged_head);
	}
	for (size_t i = 0; i < x->nk; i++) {
		free(x->k[i].pub);
		free(x->k[i].expert);
		free(x->k[i].fp);
	}
	for (size_t i = 0; i < x->nc; i++)
		free(x->c[i].packet);
	free(x->p);
	free(x->k);
	free(x->c);
}

static int cmp_packet(const void *a, const void *b)
{
	return strcmp(((const struct xpacket *)a)->id, ((const struct xpacket *)b)->id);
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct xkey *)a)->pub, ((const struct xkey *)b)->pub);
}

/* An integer column as text for a message ("null" when NULL). */
static const char *num(sqlite3_stmt *s, int i, char *buf, size_t len)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	snprintf(buf, len, "%lld", (long long)sqlite3_column_int64(s, i));
	return buf;
}

/* Compare an integer column with want (0 meaning NULL when nullable). */
static int int_differs(struct audit_result *r, const char *row, const char *what, sqlite3_stmt *s,
		       int i, int64_t want, int nullable, const char *who)
{
	char have[32], w[32];
	const char *h = num(s, i, have, sizeof have);
	if (nullable && want == 0 ? h == NULL : h && sqlite3_column_int64(s, i) == want)
		return 0;
	snprintf(w, sizeof w, "%lld", (long long)want);
	return audit_state_differs(r, row, what, h, nullable && want == 0 ? NULL : w, who);
}

static int str_differs(struct audit_result *r, const char *row, const char *what, sqlite3_stmt *s,
		       int i, const char *want, const char *who)
{
	const char *h = audit_col(s, i);
	if (h && want ? strcmp(h, want) == 0 : h == want)
		return 0;
	return audit_state_differs(r, row, what, h, want, who);
}

static int near(sqlite3_stmt *s, int i, int64_t at)
{
	int64_t d = sqlite3_column_int64(s, i) - at;
	return sqlite3_column_type(s, i) != SQLITE_NULL && d >= -CLOCK_SLACK && d <= CLOCK_SLACK;
}

enum {
	R_ID,
	R_EXPERT,
	R_QUEUE,
	R_CREATED,
	R_STATE,
	R_ITEMS,
	R_HEAD,
	R_HEAD_SEQ,
	R_BASE,
	R_CLOSED,
	R_MERGED_HEAD,
	R_DECISIONS,
	R_CONFLICTS
};

/* One packet row against its replayed events: 0 or 1. */
static int packet_row(struct store *st, struct audit_result *r, sqlite3_stmt *s,
		      const struct xpacket *p, char *err)
{
	char row[64], who[48], digest[65];
	int64_t n = 0;
	int out = p->state == OUT;

	snprintf(row, sizeof row, "packet %.20s", p->id);
	snprintf(who, sizeof who, "event %lld recorded", (long long)p->seq);
	if (str_differs(r, row, "state", s, R_STATE, state_names[p->state], who) ||
	    str_differs(r, row, "expert", s, R_EXPERT, p->expert, who) ||
	    str_differs(r, row, "queue", s, R_QUEUE, p->queue, who) ||
	    int_differs(r, row, "items", s, R_ITEMS, p->items, 0, who) ||
	    str_differs(r, row, "head", s, R_HEAD, p->head, who) ||
	    int_differs(r, row, "head_seq", s, R_HEAD_SEQ, p->head_seq, 0, who) ||
	    int_differs(r, row, "base_decision", s, R_BASE, p->base, 0, who) ||
	    str_differs(r, row, "merged_head", s, R_MERGED_HEAD, p->merged_head, who) ||
	    int_differs(r, row, "decisions", s, R_DECISIONS, p->decisions, !p->merged_head, who) ||
	    int_differs(r, row, "conflicts", s, R_CONFLICTS, p->conflicts, !p->merged_head, who))
		return 1;
	if (!near(s, R_CREATED, p->at))
		return audit_state_bad(r,
				       "%s: created is not the time its packet-create event "
				       "recorded",
				       row);
	if (out ? sqlite3_column_type(s, R_CLOSED) != SQLITE_NULL : !near(s, R_CLOSED, p->closed))
		return audit_state_bad(r, "%s: closed_at is not the time %s", row, who);
	if (packet_items_digest(st, p->id, digest, &n, err))
		return -1;
	if (n != (out ? p->items : 0))
		return audit_state_bad(r, "%s: %lld items are out in it, but %s %lld", row,
				       (long long)n, who, (long long)(out ? p->items : 0));
	if (out && p->digest && strcmp(digest, p->digest) != 0)
		return audit_state_bad(r,
				       "%s: the items out in it are not the ones event %lld "
				       "recorded",
				       row, (long long)p->seq);
	return 0;
}

static int packets_check(struct store *st, struct audit_result *r, struct replay *x, char *err)
{
	sqlite3_stmt *s;
	size_t i = 0;
	int rc, ret = -1;

	if (x->np > 1)
		qsort(x->p, x->np, sizeof *x->p, cmp_packet);
	if (store_prepare(
		    st,
		    "SELECT id, expert, queue, CAST(strftime('%s', created) AS INTEGER), state,"
		    " items, head, head_seq, base_decision,"
		    " CAST(strftime('%s', closed_at) AS INTEGER), merged_head, decisions,"
		    " conflicts FROM packet ORDER BY id",
		    &s, err))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = audit_col(s, R_ID);
		int c;
		if (!id)
			id = "";
		c = i < x->np ? strcmp(id, x->p[i].id) : -1;
		if (c < 0) {
			ret = audit_state_bad(r,
					      "packet %.20s has no packet-create event: it was "
					      "added around gavel",
					      id);
			goto out;
		}
		if (c > 0)
			break;
		if ((ret = packet_row(st, r, s, &x->p[i], err)) != 0)
			goto out;
		i++;
		r->packets++;
	}
	/* ret is 0 here when a row matched: a failed step (out of memory after
	 * two of three packets, say) must not leave it so, or the rows not
	 * read would pass as checked. */
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		ret = store_fail(st, err, "packets");
		goto out;
	}
	if (i < x->np) {
		ret = audit_state_bad(r,
				      "event %lld recorded packet %.20s, which is missing: it was "
				      "deleted around gavel",
				      (long long)x->p[i].seq, x->p[i].id);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(s);
	if (ret == 0) {
		int64_t stray = 0;
		if (store_prepare(st,
				  "SELECT count(*) FROM packet_item"
				  " WHERE packet NOT IN (SELECT id FROM packet)",
				  &s, err))
			return -1;
		if ((rc = sqlite3_step(s)) == SQLITE_ROW)
			stray = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		if (rc != SQLITE_ROW)
			return err_set(err, "packets: %s", sqlite3_errstr(rc));
		if (stray)
			return audit_state_bad(r,
					       "%lld items are out in packets no event made: they "
					       "were taken out around gavel",
					       (long long)stray);
	}
	return ret;
}

static int keys_check(struct store *st, struct audit_result *r, struct replay *x, char *err)
{
	sqlite3_stmt *s;
	size_t i = 0;
	int rc, ret = -1;

	if (x->nk > 1)
		qsort(x->k, x->nk, sizeof *x->k, cmp_key);
	if (store_prepare(st,
			  "SELECT pubkey, expert, fingerprint,"
			  " CAST(strftime('%s', added_at) AS INTEGER) FROM expert_key"
			  " ORDER BY pubkey",
			  &s, err))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *pub = audit_col(s, 0);
		char row[96], who[48];
		if (!pub)
			pub = "";
		if (i >= x->nk || strcmp(pub, x->k[i].pub) != 0) {
			ret = audit_state_bad(
				r, "trusted key %.44s has %s: it was %s around gavel", pub,
				i < x->nk && strcmp(pub, x->k[i].pub) > 0
					? "a key-trust event but no row"
					: "no key-trust event",
				i < x->nk && strcmp(pub, x->k[i].pub) > 0 ? "deleted" : "added");
			goto out;
		}
		snprintf(row, sizeof row, "trusted key %.44s", pub);
		snprintf(who, sizeof who, "event %lld recorded", (long long)x->k[i].seq);
		if ((ret = str_differs(r, row, "expert", s, 1, x->k[i].expert, who)) != 0 ||
		    (ret = str_differs(r, row, "fingerprint", s, 2, x->k[i].fp, who)) != 0)
			goto out;
		if (!near(s, 3, x->k[i].at)) {
			ret = audit_state_bad(r, "%s: added_at is not the time %s", row, who);
			goto out;
		}
		i++;
		r->keys++;
	}
	if (rc != SQLITE_DONE) {
		ret = store_fail(st, err, "trusted keys");
		goto out;
	}
	if (i < x->nk) {
		ret = audit_state_bad(r,
				      "event %lld trusted key %.44s, which is missing: it was "
				      "deleted around gavel",
				      (long long)x->k[i].seq, x->k[i].pub);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(s);
	return ret;
}

static int conflicts_check(struct store *st, struct audit_result *r, struct replay *x, char *err)
{
	sqlite3_stmt *s;
	size_t i = 0;
	int rc, ret = -1;

	if (store_prepare(st,
			  "SELECT id, item, packet, project_decision, packet_decision, settled_by"
			  " FROM conflict ORDER BY id",
			  &s, err))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const struct xconflict *c = i < x->nc ? &x->c[i] : NULL;
		char row[64], who[48];
		snprintf(row, sizeof row, "conflict %lld", (long long)sqlite3_column_int64(s, 0));
		if (!c) {
			ret = audit_state_bad(r,
					      "%s has no merge event that made it: it was added "
					      "around gavel",
					      row);
			goto out;
		}
		snprintf(who, sizeof who, "event %lld recorded", (long long)c->seq);
		if ((ret = int_differs(r, row, "item", s, 1, c->item, 0, who)) != 0 ||
		    (ret = str_differs(r, row, "packet", s, 2, c->packet, who)) != 0 ||
		    (ret = int_differs(r, row, "project_decision", s, 3, c->project_decision, 0,
				       who)) != 0 ||
		    (ret = int_differs(r, row, "packet_decision", s, 4, c->packet_decision, 0,
				       who)) != 0 ||
		    (ret = int_differs(r, row, "settled_by", s, 5, c->settled_by, 1, who)) != 0)
			goto out;
		i++;
		r->conflicts++;
	}
	if (rc != SQLITE_DONE) {
		ret = store_fail(st, err, "conflicts");
		goto out;
	}
	if (i < x->nc) {
		ret = audit_state_bad(r,
				      "event %lld recorded a conflict on item %lld, which is "
				      "missing: it was deleted around gavel",
				      (long long)x->c[i].seq, (long long)x->c[i].item);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(s);
	return ret;
}

int audit_packet_verify(struct store *st, struct audit_result *r, char *err)
{
	struct replay x = {0};
	int rc;

	r->packets = r->keys = r->conflicts = 0;
	rc = replay_events(st, &x, err);
	if (rc == 0)
		rc = packets_check(st, r, &x, err);
	if (rc == 0)
		rc = keys_check(st, r, &x, err);
	if (rc == 0)
		rc = conflicts_check(st, r, &x, err);
	replay_free(&x);
	return rc;
}
