/*
 * Unit tests of the audit trail on a real project file: an intact chain
 * verifies; tampering done the way an attacker would (plain sqlite3, triggers
 * dropped) is caught and the first bad event named: an edited detail, a
 * recomputed hash that breaks the next link, a deleted middle event, a
 * truncated or rewritten chain against a recorded head. Also: a detail that is
 * not a JSON object is refused, appends outside a transaction are refused,
 * and while the triggers exist events and decisions cannot be changed.
 * The state held to the trail is tested end to end in tests/cli/audit_state.sh;
 * here, imported decisions with and without a recorded time.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "audit.h"
#include "sign.h"
#include "store.h"
#include "store_item.h"
#include "text.h"
#include "util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The chain's head after the first three events (setup sets it). */
static char head3[65];

static void append_ok(struct test_fx *f, const char *action, int64_t item, const char *detail,
		      int64_t want_seq)
{
	char err[GV_ERR];
	int64_t seq = -1;
	if (store_begin(f->st, err) ||
	    audit_append(f->st, &f->actor, action, item, detail, &seq, err) ||
	    store_commit(f->st, err))
		fail_msg("append %s: %s", action, err);
	assert_int_equal(seq, want_seq);
}

static int setup(void **state)
{
	struct test_fx *f = test_fx_new("audit");
	char err[GV_ERR];

	test_exec(f->st,
		"INSERT INTO task(id, name) VALUES (1, 't');"
		"INSERT INTO item(id, task, external_id) VALUES (1, 1, 'i1'), (2, 1, 'i2');");
	audit_actor_init(&f->actor, "alice");
	append_ok(f, "import", 0, "{\"file\":\"votes.csv\",\"rows\":3}", 1);
	append_ok(f, "decide", 1, "{\"before\":null,\"after\":{\"label\":\"a\"}}", 2);
	append_ok(f, "reason", 1, "{\"why\":\"rule 3\"}", 3);
	if (audit_head(f->st, head3, err))
		fail_msg("%s", err);
	*state = f;
	return 0;
}

/* Run SQL on the file with a plain connection, as an attacker would. */
static void tamper(struct test_fx *f, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	char err[GV_ERR];
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
	if (store_open(f->path, 0, &f->st, err))
		fail_msg("%s", err);
}

#define DROP_TRIGGERS "DROP TRIGGER event_no_update; DROP TRIGGER event_no_delete;"

static int verify(struct test_fx *f, const char *head, struct audit_result *r)
{
	char err[GV_ERR];
	int rc = audit_verify(f->st, head, r, err);
	if (rc < 0)
		fail_msg("verify: %s", err);
	return rc;
}

static void test_intact(void **state)
{
	struct test_fx *f = *state;
	struct audit_result r;
	char head[65];
	char err[GV_ERR];

	assert_int_equal(verify(f, NULL, &r), 0);
	assert_int_equal(r.events, 3);
	assert_int_equal(r.bad_seq, 0);
	assert_string_equal(r.head, head3);
	assert_int_equal(strlen(r.head), 64);
	assert_string_not_equal(r.head, audit_genesis);
	/* The head is found in the chain and events after it are counted. */
	append_ok(f, "flag", 2, "{}", 4);
	append_ok(f, "decide", 2, "{\"after\":{\"label\":\"b\"}}", 5);
	assert_int_equal(verify(f, head3, &r), 0);
	assert_int_equal(r.events, 5);
	assert_int_equal(r.after_head, 2);
	/* The genesis hash is every chain's first head; upper case is accepted. */
	assert_int_equal(verify(f, audit_genesis, &r), 0);
	assert_int_equal(r.after_head, 5);
	assert_int_equal(audit_head(f->st, head, err), 0);
	for (char *p = head; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
	assert_int_equal(verify(f, head, &r), 0);
	assert_int_equal(r.after_head, 0);
	/* A malformed head is an error, not a verdict. */
	assert_int_equal(audit_verify(f->st, "abc", &r, err), -1);
}

static void test_first_hash(void **state)
{
	struct test_fx *f = *state;
	sqlite3_stmt *s;
	char err[GV_ERR];
	struct sbuf b = {0};
	char want[65];

	/* Recompute event 1's hash from its stored fields by the documented
	 * canonical form, independently of audit.c. */
	assert_int_equal(
	    store_prepare(f->st,
			  "SELECT at, actor, uid, host, ssh, prev_hash, hash FROM event"
			  " WHERE seq = 1",
			  &s, err),
	    0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 5), audit_genesis);
	assert_string_equal((const char *)sqlite3_column_text(s, 1), "alice");
	sbuf_add(&b, audit_genesis);
	sbuf_addf(&b,
		  "{\"seq\":1,\"at\":\"%s\",\"actor\":\"alice\",\"uid\":%lld,\"host\":\"%s\","
		  "\"ssh\":\"%s\",\"action\":\"import\",\"item\":null,"
		  "\"detail\":{\"file\":\"votes.csv\",\"rows\":3}}",
		  sqlite3_column_text(s, 0), (long long)sqlite3_column_int64(s, 2),
		  sqlite3_column_text(s, 3), sqlite3_column_text(s, 4));
	util_sha256_hex(b.s, b.len, want);
	assert_string_equal((const char *)sqlite3_column_text(s, 6), want);
	/* at is UTC with milliseconds. */
	assert_int_equal(strlen((const char *)sqlite3_column_text(s, 0)), 24);
	assert_int_equal(sqlite3_column_text(s, 0)[23], 'Z');
	sqlite3_finalize(s);
	sbuf_free(&b);
}

static void test_edit_detail(void **state)
{
	struct test_fx *f = *state;
	struct audit_result r;
	tamper(f, DROP_TRIGGERS "UPDATE event SET detail = '{\"why\":\"rule 4\"}' WHERE seq = 2");
	assert_int_equal(verify(f, NULL, &r), 1);
	assert_int_equal(r.bad_seq, 2);
	assert_non_null(strstr(r.reason, "hash mismatch"));
	assert_int_equal(r.events, 1);
}

static void test_edit_actor(void **state)
{
	struct test_fx *f = *state;
	struct audit_result r;
	tamper(f, DROP_TRIGGERS "UPDATE event SET actor = 'mallory' WHERE seq = 3");
	assert_int_equal(verify(f, NULL, &r), 1);
	assert_int_equal(r.bad_seq, 3);
}

static void test_rehash_breaks_link(void **state)
{
	struct test_fx *f = *state;
	struct audit_result r;
	sqlite3_stmt *s;
	struct sbuf b = {0}, sql = {0};
	char err[GV_ERR], forged[65];

	/* A careful attacker edits event 1 and gives it the right new hash:
	 * event 1 now checks out on its own, and event 2's link breaks. */
	assert_int_equal(
	    store_prepare(f->st, "SELECT at, uid, host, ssh FROM event WHERE seq = 1", &s, err), 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	sbuf_add(&b, audit_genesis);
	sbuf_addf(&b,
		  "{\"seq\":1,\"at\":\"%s\",\"actor\":\"alice\",\"uid\":%lld,\"host\":\"%s\","
		  "\"ssh\":\"%s\",\"action\":\"import\",\"item\":null,"
		  "\"detail\":{\"file\":\"forged.csv\",\"rows\":3}}",
		  sqlite3_column_text(s, 0), (long long)sqlite3_column_int64(s, 1),
		  sqlite3_column_text(s, 2), sqlite3_column_text(s, 3));
	sqlite3_finalize(s);
	util_sha256_hex(b.s, b.len, forged);
	sbuf_addf(&sql,
		  DROP_TRIGGERS "UPDATE event SET detail = '{\"file\":\"forged.csv\",\"rows\":3}',"
				" hash = '%s' WHERE seq = 1",
		  forged);
	tamper(f, sql.s);
	assert_int_equal(verify(f, NULL, &r), 1);
	assert_int_equal(r.bad_seq, 2);
	assert_non_null(strstr(r.reason, "prev_hash does not match the hash of event 1"));
	assert_int_equal(r.events, 1);
	sbuf_free(&b);
	sbuf_free(&sql);
}

static void test_bad_link(void **state)
{
	struct test_fx *f = *state;
	struct audit_result r;
	tamper(f, DROP_TRIGGERS "UPDATE event SET prev_hash = "
				"'2222222222222222222222222222222222222222222222222222222222222222'"
				" WHERE seq = 3");
	assert_int_equal(verify(f, NULL, &r), 1);
	assert_int_equal(r.bad_seq, 3);
	assert_non_null(strstr(r.reason, "prev_hash"));
}

static void test_delete_middle(void **state)
{
	struct test_fx *f = *state;
	struct audit_result r;
	tamper(f, DROP_TRIGGERS "DELETE FROM event WHERE seq = 2");
	assert_int_equal(verify(f, NULL, &r), 1);
	assert_int_equal(r.bad_seq, 3);
	assert_non_null(strstr(r.reason, "gap"));
	assert_non_null(strstr(r.reason, "2"));
}

static void test_delete_first(void **state)
{
	struct test_fx *f = *state;
	struct audit_result r;
	tamper(f, DROP_TRIGGERS "DELETE FROM event WHERE seq = 1");
	assert_int_equal(verify(f, NULL, &r), 1);
	assert_int_equal(r.bad_seq, 2);
}

static void test_renumber(void **state)
{
	struct test_fx *f = *state;
	struct audit_result r;
	/* Deleting event 2 and renumbering 3 to close the gap breaks event 3's hash. */
	tamper(f, DROP_TRIGGERS "DELETE FROM event WHERE seq = 2;"
				"UPDATE event SET seq = 2 WHERE seq = 3");
	assert_int_equal(verify(f, NULL, &r), 1);
	assert_int_equal(r.bad_seq, 2);
}

static void test_truncated(void **state)
{
	struct test_fx *f = *state;
	struct audit_result r;
	char head5[65], err[GV_ERR];

	append_ok(f, "flag", 2, "{}", 4);
	append_ok(f, "decide", 2, "{}", 5);
	assert_int_equal(audit_head(f->st, head5, err), 0);
	/* Dropping the last events leaves a chain that verifies on its own ... */
	tamper(f, DROP_TRIGGERS "DELETE FROM event WHERE seq >= 4");
	assert_int_equal(verify(f, NULL, &r), 0);
	assert_int_equal(r.events, 3);
	/* ... but not against the head recorded before. */
	assert_int_equal(verify(f, head5, &r), 1);
	assert_int_equal(r.bad_seq, 0);
	assert_non_null(strstr(r.reason, "head"));
	assert_non_null(strstr(r.reason, "truncated or rewritten"));
	/* An older head is still found. */
	assert_int_equal(verify(f, head3, &r), 0);
	assert_int_equal(r.after_head, 0);
}

static void test_rewritten(void **state)
{
	struct test_fx *f = *state;
	struct audit_result r;
	/* A chain rebuilt from scratch is internally consistent: emptying the
	 * table and appending new events must still fail the recorded head. */
	tamper(f, DROP_TRIGGERS "DELETE FROM event");
	append_ok(f, "import", 0, "{\"file\":\"other.csv\"}", 1);
	assert_int_equal(verify(f, NULL, &r), 0);
	assert_int_equal(verify(f, head3, &r), 1);
	assert_int_equal(r.bad_seq, 0);
}

static void test_bad_detail(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR];
	static const char *const bad[] = {"[1,2]",   "\"text\"", "42",	   "null",
					  "{\"a\":", "",	 "{'a':1}"};
	struct audit_result r;

	assert_int_equal(store_begin(f->st, err), 0);
	for (size_t i = 0; i < GV_ARRAY_LEN(bad); i++) {
		err[0] = '\0';
		assert_int_equal(audit_append(f->st, &f->actor, "x", 0, bad[i], NULL, err), -1);
		assert_non_null(strstr(err, "JSON object"));
	}
	assert_int_equal(audit_append(f->st, &f->actor, "x", 0, NULL, NULL, err), -1);
	assert_int_equal(audit_append(f->st, &f->actor, "", 0, "{}", NULL, err), -1);
	store_rollback(f->st);
	/* Outside a transaction the append is refused. */
	assert_int_equal(audit_append(f->st, &f->actor, "x", 0, "{}", NULL, err), -1);
	assert_non_null(strstr(err, "transaction"));
	assert_int_equal(verify(f, NULL, &r), 0);
	assert_int_equal(r.events, 3);
}

/*
 * Imported decisions: a row is held to its event's expert, label, reason and
 * supersedes, and to its time when the event records one; events written
 * before imports recorded the time leave it unchecked. Events that merely
 * mention a label (no decision id) are not decisions.
 */
static void test_state_import(void **state)
{
	struct test_fx *f = *state;
	struct audit_result r;

	test_exec(f->st,
		  "INSERT INTO label(task, code, value, name, ord) VALUES (1, 0, 'a', 'a', 0),"
		  " (1, 1, 'b', 'b', 1);"
		  "INSERT INTO decision(id, item, expert, label, at, origin)"
		  " VALUES (1, 1, 'olga', 0, '2001-01-01T00:00:00Z', 'import');");
	append_ok(f, "decide", 1,
		  "{\"decision\":1,\"origin\":\"import\",\"expert\":\"olga\",\"label\":\"a\","
		  "\"reason\":null,\"supersedes\":null,\"file\":\"d.csv\"}",
		  4);
	assert_int_equal(verify(f, NULL, &r), 0);
	assert_int_equal(r.decisions, 1);
	assert_int_equal(r.state_bad, 0);

	test_exec(f->st, "INSERT INTO decision(id, item, expert, label, reason, at, supersedes,"
			 " origin) VALUES (2, 1, 'olga', 1, 'why', '2001-01-02T00:00:00Z', 1,"
			 " 'import')");
	append_ok(f, "decide", 1,
		  "{\"decision\":2,\"origin\":\"import\",\"expert\":\"olga\",\"label\":\"b\","
		  "\"reason\":\"why\",\"supersedes\":1,\"at\":\"2001-01-03T00:00:00Z\","
		  "\"file\":\"d.csv\"}",
		  5);
	assert_int_equal(verify(f, NULL, &r), 1);
	assert_int_equal(r.bad_seq, 0);
	assert_int_equal(r.state_bad, 1);
	assert_string_equal(r.reason, "decision 2 (item i1): decided_at is '2001-01-02T00:00:00Z'"
				      " but event 5 recorded '2001-01-03T00:00:00Z'");
	assert_int_equal(r.decisions, 1);
}

static void test_append_only(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR];
	static const char *const forbidden[] = {
	    "UPDATE event SET detail = '{}' WHERE seq = 2",
	    "DELETE FROM event WHERE seq = 3",
	    "UPDATE decision SET label = 1",
	    "DELETE FROM decision",
	};
	test_exec(f->st,
		"INSERT INTO decision(item, expert, label, at) VALUES (1, 'alice', 0, 'now')");
	for (size_t i = 0; i < GV_ARRAY_LEN(forbidden); i++) {
		err[0] = '\0';
		assert_int_equal(store_exec(f->st, forbidden[i], err), -1);
		assert_non_null(strstr(err, "append-only"));
	}
}

static void test_actor(void **state)
{
	struct audit_actor a;
	const char *old = getenv("SSH_CLIENT");
	char *saved = old ? xstrdup(old) : NULL;

	setenv("SSH_CLIENT", "192.0.2.7 52144 22", 1);
	setenv("USER", "not-me", 1);
	audit_actor_init(&a, NULL);
	assert_string_equal(a.ssh, "192.0.2.7 52144");
	assert_int_equal(a.uid, (long)getuid());
	assert_string_not_equal(a.expert, "not-me");
	assert_true(a.host[0] != '\0');
	/* Names from outside are sanitised. */
	setenv("SSH_CLIENT", "\x1b[31m 1 2", 1);
	audit_actor_init(&a, "ev\x1bil\xe2\x80\xae");
	assert_string_equal(a.expert, "ev^[il<RLO>");
	assert_string_equal(a.ssh, "^[[31m 1");
	unsetenv("SSH_CLIENT");
	unsetenv("SSH_CONNECTION");
	audit_actor_init(&a, NULL);
	assert_string_equal(a.ssh, "");
	if (saved) {
		setenv("SSH_CLIENT", saved, 1);
		free(saved);
	}
}

/* The rows audit_log handed over, copied. */
struct rows {
	int n, stop_at; /* stop_at: the callback fails on this row (0: never) */
	int64_t seq[8], item[8];
	char *item_ext[8], *task[8], *action[8], *detail[8], *detail_json[8];
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int collect(void *ctx, const struct audit_row *r, char *err)
{
	struct rows *rows = ctx;
	int i = rows->n;
	if (rows->stop_at && i + 1 == rows->stop_at)
		return err_set(err, "stopped at %lld", (long long)r->seq);
	assert_true(i < 8);
	rows->seq[i] = r->seq;
	rows->item[i] = r->item;
	rows->item_ext[i] = dup_or_null(r->item_ext);
	rows->task[i] = dup_or_null(r->task);
	rows->action[i] = xstrdup(r->action);
	rows->detail[i] = xstrdup(r->detail);
	rows->detail_json[i] = dup_or_null(r->detail_json);
	assert_string_equal(r->actor, "alice");
	assert_int_equal(strlen(r->hash), 64);
	assert_int_equal(strlen(r->prev_hash), 64);
	rows->n++;
	return 0;
}

static void rows_free(struct rows *rows)
{
	for (int i = 0; i < rows->n; i++) {
		free(rows->item_ext[i]);
		free(rows->task[i]);
		free(rows->action[i]);
		free(rows->detail[i]);
		free(rows->detail_json[i]);
	}
	memset(rows, 0, sizeof *rows);
}

static void test_log(void **state)
{
	struct test_fx *f = *state;
	struct rows rows = {0};
	char err[GV_ERR];
	int64_t id;
	/* Stored as written: the escape as JSON's \u001b, the bidi override
	 * (U+202E) raw; audit_log hands both over unsanitised. */
	const char *evil = "{\"why\": \"\\u001b[31m evil \xe2\x80\xae\"}";

	append_ok(f, "reason", 2, evil, 4);
	assert_int_equal(audit_log(f->st, 0, collect, &rows, err), 0);
	assert_int_equal(rows.n, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(rows.seq[i], i + 1);
	/* The import names no item. */
	assert_int_equal(rows.item[0], 0);
	assert_null(rows.item_ext[0]);
	assert_null(rows.task[0]);
	assert_string_equal(rows.action[0], "import");
	assert_int_equal(rows.item[1], 1);
	assert_string_equal(rows.item_ext[1], "i1");
	assert_string_equal(rows.task[1], "t");
	assert_string_equal(rows.action[1], "decide");
	/* The detail as stored, and minified by json(). */
	assert_string_equal(rows.detail[3], evil);
	assert_string_equal(rows.detail_json[3], "{\"why\":\"\\u001b[31m evil \xe2\x80\xae\"}");
	rows_free(&rows);

	/* One item's events, by rowid. */
	assert_int_equal(audit_log(f->st, 2, collect, &rows, err), 0);
	assert_int_equal(rows.n, 1);
	assert_int_equal(rows.seq[0], 4);
	assert_string_equal(rows.item_ext[0], "i2");
	rows_free(&rows);

	/* A callback that fails stops the log with its message. */
	rows.stop_at = 2;
	assert_int_equal(audit_log(f->st, 0, collect, &rows, err), -1);
	assert_int_equal(rows.n, 1);
	assert_string_equal(err, "stopped at 2");
	rows_free(&rows);

	/* External ids resolve to rowids in the store, within a task when asked. */
	assert_int_equal(store_item_find(f->st, "i1", NULL, &id, err), 0);
	assert_int_equal(id, 1);
	assert_int_equal(store_item_find(f->st, "nope", NULL, &id, err), -1);
	assert_string_equal(err, "no item 'nope'");
	assert_int_equal(store_item_find(f->st, "nope", "t", &id, err), -1);
	assert_string_equal(err, "no item 'nope' in task 't'");
	test_exec(f->st, "INSERT INTO task(id, name) VALUES (2, 'u');"
			 "INSERT INTO item(id, task, external_id) VALUES (3, 2, 'i1');");
	assert_int_equal(store_item_find(f->st, "i1", NULL, &id, err), -1);
	assert_non_null(strstr(err, "several tasks (t, u)"));
	assert_int_equal(store_item_find(f->st, "i1", "u", &id, err), 0);
	assert_int_equal(id, 3);
	/* Names from data are sanitised in the message. */
	assert_int_equal(store_item_find(f->st, "\x1b[2J", NULL, &id, err), -1);
	assert_null(strchr(err, '\x1b'));
}

/* Signatures checked on the second thread: every good one holds, and the
 * smallest tag of a forged, misattributed or over-long one is reported
 * whatever order the two threads took them in. */
static void test_sign_batch(void **state)
{
	unsigned char pk[32], sk[64], pk2[32], sk2[64], sig[64];
	char pub[SIGN_PUB_LEN], pub2[SIGN_PUB_LEN], b64[SIGN_SIG_LEN], msg[65];
	enum { N = 300 };
	static char sigs[N][SIGN_SIG_LEN];
	struct sign_batch *b;
	(void)state;
	assert_true(sodium_init() >= 0);
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	sodium_bin2base64(pub, sizeof pub, pk, 32, sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(pub2, sizeof pub2, pk2, 32, sodium_base64_VARIANT_ORIGINAL);
	for (int i = 0; i < N; i++) {
		snprintf(msg, sizeof msg, "%064d", i);
		crypto_sign_detached(sig, NULL, (unsigned char *)msg, 64, sk);
		sodium_bin2base64(sigs[i], SIGN_SIG_LEN, sig, 64, sodium_base64_VARIANT_ORIGINAL);
	}
	b = sign_batch_start();
	for (int i = 0; i < N; i++) {
		snprintf(msg, sizeof msg, "%064d", i);
		sign_batch_add(b, pub, msg, sigs[i], i + 1);
	}
	assert_int_equal(sign_batch_finish(b), 0);
	/* Forged at 251 (another message's signature), signed by the other key
	 * at 151, an over-long signature at 201: 151 is reported. */
	b = sign_batch_start();
	for (int i = 0; i < N; i++) {
		snprintf(msg, sizeof msg, "%064d", i);
		memcpy(b64, sigs[i == 250 ? 0 : i], SIGN_SIG_LEN);
		if (i == 200)
			sign_batch_add(b, pub, msg, "AAAA" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", i + 1);
		else
			sign_batch_add(b, i == 150 ? pub2 : pub, msg, b64, i + 1);
	}
	assert_int_equal(sign_batch_finish(b), 151);
	b = sign_batch_start();
	assert_int_equal(sign_batch_finish(b), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_intact, setup, test_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_first_hash, setup, test_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_edit_detail, setup, test_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_edit_actor, setup, test_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_rehash_breaks_link, setup, test_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_link, setup, test_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_delete_middle, setup, test_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_delete_first, setup, test_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_renumber, setup, test_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_truncated, setup, test_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_rewritten, setup, test_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_detail, setup, test_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_state_import, setup, test_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_append_only, setup, test_fx_teardown),
	    cmocka_unit_test(test_actor),
	    cmocka_unit_test(test_sign_batch),
	    cmocka_unit_test_setup_teardown(test_log, setup, test_fx_teardown),
	};
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
