/*
 * audit: the append-only, hash-chained event log. Each event's canonical
 * form is one JSON object with its fields in a fixed order:
 *
 *   {"seq":N,"at":"...","actor":"...","uid":N,"host":"...","ssh":"...",
 *    "action":"...","item":N|null,"detail":DETAIL}
 *
 * where DETAIL is the stored detail text byte for byte, and
 * hash = hex SHA-256(prev_hash_hex || canonical). The first event's
 * prev_hash is audit_genesis. Triggers in the schema forbid UPDATE and
 * DELETE, but verification never relies on them: someone with the file can
 * drop triggers, so the chain itself must reveal an edit, a removal or a
 * reordering, and a recorded head reveals a truncation or a rewrite.
 */
#include "config.h"

#include "audit.h"
#include "audit_priv.h"
#include "sign.h"
#include "text.h"
#include "utf8.h"
#include "util.h"

#include <ctype.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char audit_genesis[65] = "0000000000000000000000000000000000000000000000000000000000000000";

/* Copy sanitised src into dst (size bytes), cutting at a character boundary. */
static void copy_clean(char *dst, size_t size, const char *src)
{
	char *c = text_clean(src ? src : "");
	size_t n = strlen(c);
	if (n >= size) {
		n = utf8_cut(c, size - 1);
	}
	memcpy(dst, c, n);
	dst[n] = '\0';
	free(c);
}

/* "addr port" from an SSH_CLIENT ("addr port lport") or SSH_CONNECTION
 * ("caddr cport saddr sport") value: the client's end. */
static void ssh_client(char *dst, size_t size, const char *v)
{
	char buf[256];
	size_t n = 0;
	int fields = 0;

	dst[0] = '\0';
	if (!v)
		return;
	while (*v == ' ')
		v++;
	for (; *v && n < sizeof buf - 1; v++) {
		if (*v == ' ') {
			if (++fields == 2)
				break;
			while (v[1] == ' ')
				v++;
		}
		buf[n++] = *v;
	}
	buf[n] = '\0';
	copy_clean(dst, size, buf);
}

void audit_actor_init(struct audit_actor *a, const char *expert)
{
	struct passwd pw, *res = NULL;
	char pwbuf[4096];
	char host[256];
	const char *ssh;

	memset(a, 0, sizeof *a);
	a->uid = (long)getuid();
	if (expert) {
		copy_clean(a->expert, sizeof a->expert, expert);
	} else if (getpwuid_r((uid_t)a->uid, &pw, pwbuf, sizeof pwbuf, &res) == 0 && res) {
		copy_clean(a->expert, sizeof a->expert, res->pw_name);
	} else {
		snprintf(a->expert, sizeof a->expert, "uid%ld", a->uid);
	}
	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "unknown");
	host[sizeof host - 1] = '\0';
	copy_clean(a->host, sizeof a->host, host);
	ssh = getenv("SSH_CLIENT");
	if (!ssh || !*ssh)
		ssh = getenv("SSH_CONNECTION");
	ssh_client(a->ssh, sizeof a->ssh, ssh);
}

/* UTC with milliseconds: "2026-11-28T03:24:26.123Z". */
static void now_ms(char out[48])
{
	struct timespec ts;
	struct tm tm;
	char base[24];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 48, "%s.%03dZ", base, (int)(ts.tv_nsec / 1000000L) % 1000);
}

struct event {
	int64_t seq;
	const char *at, *actor, *host, *ssh, *action, *detail, *prev_hash, *hash;
	int64_t uid;
	int64_t item; /* 0 when the event concerns no item */
};

/* hex SHA-256(prev_hash || canonical(e)) into out. */
static void event_hash(const struct event *e, char out[65])
{
	struct sbuf b = {0};
	sbuf_add(&b, e->prev_hash);
	sbuf_addf(&b, "{\"seq\":%lld,\"at\":", (long long)e->seq);
	sbuf_add_json_str(&b, e->at);
	sbuf_add(&b, ",\"actor\":");
	sbuf_add_json_str(&b, e->actor);
	sbuf_addf(&b, ",\"uid\":%lld,\"host\":", (long long)e->uid);
	sbuf_add_json_str(&b, e->host);
	sbuf_add(&b, ",\"ssh\":");
	sbuf_add_json_str(&b, e->ssh);
	sbuf_add(&b, ",\"action\":");
	sbuf_add_json_str(&b, e->action);
	if (e->item)
		sbuf_addf(&b, ",\"item\":%lld", (long long)e->item);
	else
		sbuf_add(&b, ",\"item\":null");
	sbuf_add(&b, ",\"detail\":");
	sbuf_add(&b, e->detail);
	sbuf_addc(&b, '}');
	util_sha256_hex(b.s, b.len, out);
	sbuf_free(&b);
}

/* The last event's seq and hash; seq 0 and the genesis hash when empty. */
static int chain_head(struct store *st, int64_t *seq, char out[65], char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st, "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1", &s, err))
		return -1;
	/* A packet's chain continues from the project's head at its making. */
	*seq = st->packet ? st->base_seq : 0;
	memcpy(out, st->packet ? st->base_hash : audit_genesis, 65);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *h = NULL;
		/* A head unread would start a broken chain: fail instead. */
		if (store_col_text(s, 1, &h, err)) {
			sqlite3_finalize(s);
			return -1;
		}
		*seq = sqlite3_column_int64(s, 0);
		snprintf(out, 65, "%s", h ? h : "");
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "audit head");
	return 0;
}

int audit_head(struct store *st, char out[65], char *err)
{
	int64_t seq;
	return chain_head(st, &seq, out, err);
}

/*
 * 1 when detail is a JSON object, 0 when not, -1 on error. json_type fails
 * with SQLITE_ERROR ("malformed JSON") on text that is not JSON and with
 * SQLITE_NOMEM when memory runs out; json_valid (3.40) answers 0 for both,
 * which would refuse an event as "not a JSON object" for want of memory.
 */
static int detail_is_object(struct store *st, const char *detail, char *err)
{
	sqlite3_stmt *s;
	int rc, ok = 0;
	if (store_prepare(st, "SELECT json_type(?1) = 'object'", &s, err))
		return -1;
	sqlite3_bind_text(s, 1, detail, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		ok = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc == SQLITE_ERROR)
		return 0;
	if (rc != SQLITE_ROW)
		return store_fail(st, err, "audit detail");
	return ok;
}

int audit_append(struct store *st, const struct audit_actor *a, const char *action, int64_t item,
		 const char *detail, int64_t *seq, char *err)
{
	sqlite3_stmt *s = NULL;
	struct event e = {0};
	char prev[65], hash[65], at[48], sig[SIGN_SIG_LEN];
	int64_t last;
	int rc;

	if (sqlite3_get_autocommit(st->db))
		return err_set(err, "audit: an event must be appended inside a write transaction");
	if (!action || !*action)
		return err_set(err, "audit: an event needs an action");
	if (!detail)
		return err_set(err, "audit: an event needs a detail object");
	rc = detail_is_object(st, detail, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(err, "audit: event detail must be a JSON object");
	if (chain_head(st, &last, prev, err))
		return -1;
	now_ms(at);
	e.seq = last + 1;
	e.at = at;
	e.actor = a->expert;
	e.uid = a->uid;
	e.host = a->host;
	e.ssh = a->ssh;
	e.action = action;
	e.item = item > 0 ? item : 0;
	e.detail = detail;
	e.prev_hash = prev;
	event_hash(&e, hash);
	/* Every event written into a packet is signed by whoever writes it. */
	if (st->packet && !st->key) {
		st->key = xmalloc(sizeof *st->key);
		if (sign_load(st->key, 1, NULL, err)) {
			free(st->key);
			st->key = NULL;
			return -1;
		}
	}
	if (st->packet)
		sign_message(st->key, hash, 64, sig);
	if (store_prepare(st,
			  "INSERT INTO event(seq, at, actor, uid, host, ssh, action, item, detail,"
			  " prev_hash, hash, signer, sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  &s, err))
		return -1;
	if (st->packet) {
		sqlite3_bind_text(s, 12, st->key->pub, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 13, sig, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(s, 1, e.seq);
	sqlite3_bind_text(s, 2, e.at, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, e.actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, e.uid);
	sqlite3_bind_text(s, 5, e.host, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, e.ssh, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, e.action, -1, SQLITE_STATIC);
	if (e.item)
		sqlite3_bind_int64(s, 8, e.item);
	else
		sqlite3_bind_null(s, 8);
	sqlite3_bind_text(s, 9, e.detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, e.prev_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "audit event");
	if (seq)
		*seq = e.seq;
	return 0;
}

/* A value that could not be read (out of memory) is "" too, and noted: see
 * audit_unread_check. */
static const char *col_str(sqlite3_stmt *s, int i)
{
	const char *v = audit_col(s, i);
	return v ? v : "";
}

/* Accept 64 hex digits in either case; out gets them in lowercase. */
static int head_parse(const char *head, char out[65])
{
	size_t i;
	for (i = 0; head[i] && i < 64; i++) {
		if (!isxdigit((unsigned char)head[i]))
			return -1;
		out[i] = (char)tolower((unsigned char)head[i]);
	}
	if (i != 64 || head[i])
		return -1;
	out[64] = '\0';
	return 0;
}

static int verify_bad(struct audit_result *r, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int verify_bad(struct audit_result *r, int64_t seq, const char *fmt, ...)
{
	va_list ap;
	r->bad_seq = seq;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof r->reason, fmt, ap);
	va_end(ap);
	return 1;
}

static int chain_verify(struct store *st, const char *head, struct audit_result *r, char *err)
{
	sqlite3_stmt *s = NULL;
	char want[65], prev[65], calc[65];
	int64_t base = st->packet ? st->base_seq : 0, expect = base + 1, found_at = -1, sig_bad;
	/* A packet's signatures are checked on a second thread as the chain is read. */
	struct sign_batch *batch = NULL;
	int rc, bad = 0;

	if (head && head_parse(head, want))
		return err_set(err, "--head must be 64 hexadecimal digits (a SHA-256 hash)");
	memcpy(prev, st->packet ? st->base_hash : audit_genesis, 65);
	if (head && strcmp(want, prev) == 0)
		found_at = base;
	if (store_prepare(st,
			  "SELECT seq, at, actor, uid, host, ssh, action, item, detail, prev_hash,"
			  " hash, typeof(uid), typeof(item), signer, sig FROM event ORDER BY seq",
			  &s, err))
		return -1;
	if (st->packet)
		batch = sign_batch_start();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct event e;
		e.seq = sqlite3_column_int64(s, 0);
		e.at = col_str(s, 1);
		e.actor = col_str(s, 2);
		e.uid = sqlite3_column_int64(s, 3);
		e.host = col_str(s, 4);
		e.ssh = col_str(s, 5);
		e.action = col_str(s, 6);
		e.item = sqlite3_column_int64(s, 7);
		e.detail = col_str(s, 8);
		e.prev_hash = col_str(s, 9);
		e.hash = col_str(s, 10);
		if (e.seq != expect) {
			if (e.seq > expect && expect > 1)
				bad = verify_bad(r, e.seq,
						 "sequence gap: events %lld to %lld after event "
						 "%lld are missing",
						 (long long)expect, (long long)e.seq - 1,
						 (long long)expect - 1);
			else if (e.seq > expect)
				bad = verify_bad(r, e.seq,
						 "sequence gap: the chain starts at %lld, events "
						 "%lld to %lld are missing",
						 (long long)e.seq, (long long)expect,
						 (long long)e.seq - 1);
			else
				bad = verify_bad(r, e.seq,
						 "sequence number out of order (expected %lld)",
						 (long long)expect);
			break;
		}
		if (strcmp(col_str(s, 11), "integer") != 0 ||
		    (sqlite3_column_type(s, 7) != SQLITE_NULL &&
		     strcmp(col_str(s, 12), "integer") != 0)) {
			bad = verify_bad(r, e.seq,
					 "uid or item is not an integer: the event was edited");
			break;
		}
		if (e.item == 0 && sqlite3_column_type(s, 7) != SQLITE_NULL) {
			bad = verify_bad(r, e.seq,
					 "item 0 is not a valid item: the event was edited");
			break;
		}
		if (strcmp(e.prev_hash, prev) != 0) {
			if (e.seq == base + 1)
				bad = verify_bad(r, e.seq, "%s",
						 st->packet ? "prev_hash is not the project's head "
							      "the packet was made at"
							    : "prev_hash is not the genesis hash");
			else
				bad = verify_bad(r, e.seq,
						 "prev_hash does not match the hash of event %lld: "
						 "the chain was altered before this event",
						 (long long)e.seq - 1);
			break;
		}
		e.prev_hash = prev;
		event_hash(&e, calc);
		if (strcmp(calc, e.hash) != 0) {
			bad = verify_bad(r, e.seq,
					 "hash mismatch: the event's content was changed after it "
					 "was written");
			break;
		}
		if (batch)
			sign_batch_add(batch, col_str(s, 13), calc, col_str(s, 14), e.seq);
		memcpy(prev, calc, 65);
		r->events++;
		if (head && found_at < 0 && strcmp(calc, want) == 0)
			found_at = e.seq;
		expect++;
	}
	/* A bad signature comes before any break above: only the events
	 * before it were queued. */
	if (batch && (sig_bad = sign_batch_finish(batch)) != 0)
		bad = verify_bad(r, sig_bad,
				 "bad signature: the event was not signed by the key it names");
	if (!bad && rc != SQLITE_DONE) {
		store_fail(st, err, "audit events");
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	if (audit_head(st, r->head, err))
		return -1;
	if (bad)
		return 1;
	if (head) {
		if (found_at < 0)
			return verify_bad(
			    r, 0, "head %s not found: the chain was truncated or rewritten", want);
		r->after_head = base + r->events - found_at;
	}
	return 0;
}

int audit_verify(struct store *st, const char *head, struct audit_result *r, char *err)
{
	int own = sqlite3_get_autocommit(st->db), rc;

	memset(r, 0, sizeof *r);
	if (own && store_exec(st, "BEGIN", err))
		return -1;
	audit_unread_reset();
	rc = audit_unread_check(chain_verify(st, head, r, err), err);
	if (rc == 0)
		rc = audit_state_verify(st, r, err);
	if (own)
		store_exec(st, "COMMIT", NULL);
	return rc;
}

int audit_log(struct store *st, int64_t item, audit_row_fn row, void *ctx, char *err)
{
	sqlite3_stmt *s;
	int rc;

	/* A value not read for want of memory fails the log rather than show
	 * as empty, and detail is asked of audit_json_valid too, rather than
	 * shown as a string because json_valid ran out of memory. */
	audit_unread_reset();
	if (audit_json_register(st, err))
		return -1;
	if (store_prepare(st,
			  "SELECT e.seq, e.at, e.actor, e.uid, e.host, e.ssh, e.action, e.item,"
			  " e.detail, e.prev_hash, e.hash, i.external_id, t.name,"
			  " CASE WHEN json_valid(e.detail) OR audit_json_valid(e.detail)"
			  "  THEN json(e.detail) END"
			  " FROM event e LEFT JOIN item i ON i.id = e.item"
			  " LEFT JOIN task t ON t.id = i.task"
			  " WHERE ?1 = 0 OR e.item = ?1 ORDER BY e.seq",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct audit_row r = {
			.seq = sqlite3_column_int64(s, 0),
			.at = col_str(s, 1),
			.actor = col_str(s, 2),
			.uid = sqlite3_column_int64(s, 3),
			.host = col_str(s, 4),
			.ssh = col_str(s, 5),
			.action = col_str(s, 6),
			.item = sqlite3_column_int64(s, 7),
			.detail = col_str(s, 8),
			.prev_hash = col_str(s, 9),
			.hash = col_str(s, 10),
		};
		if (r.item && sqlite3_column_type(s, 11) != SQLITE_NULL) {
			r.item_ext = col_str(s, 11);
			r.task = col_str(s, 12);
		}
		if (sqlite3_column_type(s, 13) != SQLITE_NULL)
			r.detail_json = col_str(s, 13);
		if (audit_unread_check(0, err) || row(ctx, &r, err))
			goto fail;
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "audit events");
		goto fail;
	}
	sqlite3_finalize(s);
	return 0;
fail:
	sqlite3_finalize(s);
	return -1;
}
