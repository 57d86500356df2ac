/*
 * The audit trail when SQLite runs out of memory: an allocation that fails
 * is an error ("out of memory"), never a verdict and never a wrong answer.
 * SQLite's allocator is wrapped (SQLITE_CONFIG_MALLOC, before SQLite starts)
 * so that exactly the K-th allocation fails, and each operation runs for
 * every K until it meets no fault:
 *
 * - the packet tables held to the trail (audit_packet_verify) on a project
 *   with three packets, two trusted keys and two conflicts: the counts are
 *   3, 2 and 2, or the check fails with out of memory. Before the fix, a
 *   step of the packet rows that failed after a row had matched left the
 *   check's result at that row's 0, so the rows not read passed as checked
 *   ("2 packets" of 3, exit 0: tests/cli/audit_faults.sh once saw it);
 * - audit_append: an object detail is never refused as "not a JSON object"
 *   because SQLite's json_valid (3.40) answered 0 when it ran out of memory;
 * - audit_log: the rows are those of a run without a fault (a detail shown
 *   as a JSON object, no field read as empty), or out of memory.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testoom.h"
#include "testutil.h"

#include "audit.h"
#include "audit_priv.h"
#include "store.h"
#include "text.h"
#include "util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An error that is the failure it is: out of memory. */
static void assert_oom(const char *what, long k, const char *err)
{
	if (!strstr(err, "out of memory"))
		fail_msg("%s, allocation %ld failed: not an out-of-memory error: %s", what, k, err);
}

/* ---- a project with packets, keys and conflicts ---- */

struct fx {
	char dir[64];
	char path[96];
	struct store *st;
	struct audit_actor actor;
};

static void append(struct fx *f, const char *action, int64_t item, const char *detail)
{
	char err[GV_ERR];
	if (audit_append(f->st, &f->actor, action, item, detail, NULL, err))
		fail_msg("append %s: %s", action, err);
}

/* The SHA-256 of no items: what a packet-create event of 0 items records. */
#define EMPTY_SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/*
 * Three open packets of no items (a packet-create event each, the packet
 * rows as store_packet.c writes them: head_seq the event before, no
 * decision before them), two trusted keys (key-trust events and their
 * expert_key rows) and two conflicts (decide events of origin packet with
 * conflict_with, and their conflict rows), as src/audit_packet.c lists what
 * each event records.
 */
static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	char err[GV_ERR], sql[1024], detail[512];
	static const char *const ids[] = {"p-0a0a0a0a0a0a", "p-1b1b1b1b1b1b", "p-2c2c2c2c2c2c"};

	snprintf(f->dir, sizeof f->dir, "/tmp/gavel-auditoom-XXXXXX");
	if (!mkdtemp(f->dir))
		fail_msg("mkdtemp failed");
	snprintf(f->path, sizeof f->path, "%s/p.db", f->dir);
	if (store_open(f->path, STORE_CREATE, &f->st, err))
		fail_msg("%s", err);
	audit_actor_init(&f->actor, "lea");
	test_exec(f->st,
		  "INSERT INTO task(id, name) VALUES (1, 't');"
		  "INSERT INTO item(id, task, external_id) VALUES (1, 1, 'i1'), (2, 1, 'i2');");
	if (store_begin(f->st, err))
		fail_msg("%s", err);
	for (int i = 0; i < 3; i++) {
		char head[65];
		if (audit_head(f->st, head, err))
			fail_msg("%s", err);
		snprintf(detail, sizeof detail,
			 "{\"packet\":\"%s\",\"expert\":\"ben\",\"queue\":\"disputed\",\"items\":0,"
			 "\"items_sha256\":\"" EMPTY_SHA "\",\"head\":\"%s\"}",
			 ids[i], head);
		append(f, "packet-create", 0, detail);
		snprintf(sql, sizeof sql,
			 "INSERT INTO packet(id, expert, queue, created, state, items, head,"
			 " head_seq, base_decision) VALUES ('%s', 'ben', 'disputed',"
			 " strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now'), 'out', 0, '%s',"
			 " (SELECT max(seq) - 1 FROM event), 0)",
			 ids[i], head);
		test_exec(f->st, sql);
	}
	for (int i = 0; i < 2; i++) {
		snprintf(detail, sizeof detail,
			 "{\"key\":\"key%d\",\"expert\":\"ben\",\"fingerprint\":\"fp%d\"}", i, i);
		append(f, "key-trust", 0, detail);
		snprintf(sql, sizeof sql,
			 "INSERT INTO expert_key(pubkey, expert, fingerprint, added_at)"
			 " VALUES ('key%d', 'ben', 'fp%d', strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', "
			 "'now'))",
			 i, i);
		test_exec(f->st, sql);
	}
	for (int i = 1; i <= 2; i++) {
		snprintf(detail, sizeof detail,
			 "{\"origin\":\"packet\",\"packet\":\"%s\",\"decision\":%d,"
			 "\"conflict_with\":%d}",
			 ids[0], 10 + i, i);
		append(f, "decide", i, detail);
		snprintf(sql, sizeof sql,
			 "INSERT INTO conflict(item, packet, project_decision, packet_decision)"
			 " VALUES (%d, '%s', %d, %d)",
			 i, ids[0], i, 10 + i);
		test_exec(f->st, sql);
	}
	if (store_commit(f->st, err))
		fail_msg("%s", err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	test_store_drop(f->st, f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* audit_packet_verify as audit_state_verify runs it. */
static int packets_verify(struct store *st, struct audit_result *r, char *err)
{
	memset(r, 0, sizeof *r);
	if (audit_json_register(st, err))
		return -1;
	audit_unread_reset();
	return audit_unread_check(audit_packet_verify(st, r, err), err);
}

static void test_packets(void **state)
{
	struct fx *f = *state;
	struct audit_result r;
	char err[GV_ERR] = "";
	long k, ooms = 0;

	/* Without a fault, everything matches and is counted. */
	if (packets_verify(f->st, &r, err) != 0)
		fail_msg("the fixture does not verify: %s%s", err, r.reason);
	assert_int_equal(r.packets, 3);
	assert_int_equal(r.keys, 2);
	assert_int_equal(r.conflicts, 2);
	for (k = 1;; k++) {
		int rc, met;
		err[0] = '\0';
		testoom_arm(k);
		rc = packets_verify(f->st, &r, err);
		met = testoom_disarm();
		if (rc < 0) {
			assert_oom("audit_packet_verify", k, err);
			ooms++;
		} else if (rc > 0) {
			fail_msg("allocation %ld failed: a verdict: %s", k, r.reason);
		} else if (r.packets != 3 || r.keys != 2 || r.conflicts != 2) {
			fail_msg("allocation %ld failed: intact with %lld packets, %lld keys, %lld "
				 "conflicts (3, 2, 2 there)",
				 k, (long long)r.packets, (long long)r.keys,
				 (long long)r.conflicts);
		}
		if (!met)
			break;
	}
	print_message("audit_packet_verify: %ld allocations failed in turn, %ld out of memory\n",
		      k - 1, ooms);
	assert_true(k > 100);
	assert_true(ooms > 0);
	/* The check does check: a packet row deleted is a verdict. */
	test_exec(f->st, "DELETE FROM packet WHERE id = 'p-1b1b1b1b1b1b'");
	assert_int_equal(packets_verify(f->st, &r, err), 1);
	assert_non_null(strstr(r.reason, "p-1b1b1b1b1b1b, which is missing"));
}

static void test_append(void **state)
{
	struct fx *f = *state;
	char err[GV_ERR];
	long k, ooms = 0;

	for (k = 1;; k++) {
		int rc, met;
		err[0] = '\0';
		testoom_arm(k);
		rc = store_begin(f->st, err);
		if (rc == 0)
			rc = audit_append(f->st, &f->actor, "reason", 1,
					  "{\"why\":{\"reason\":\"checked twice\",\"rule\":null}}",
					  NULL, err);
		if (rc == 0)
			rc = store_commit(f->st, err);
		met = testoom_disarm();
		if (rc) {
			assert_oom("audit_append", k, err);
			ooms++;
			store_rollback(f->st);
		}
		if (!met)
			break;
	}
	print_message("audit_append: %ld allocations failed in turn, %ld out of memory\n", k - 1,
		      ooms);
	assert_true(ooms > 0);
	/* Not JSON, or not an object, is still refused. */
	assert_int_equal(store_begin(f->st, err), 0);
	assert_int_equal(audit_append(f->st, &f->actor, "reason", 1, "{\"why\":", NULL, err), -1);
	assert_non_null(strstr(err, "must be a JSON object"));
	assert_int_equal(audit_append(f->st, &f->actor, "reason", 1, "[1]", NULL, err), -1);
	assert_non_null(strstr(err, "must be a JSON object"));
	store_rollback(f->st);
}

/* Every field of every row, one line each. */
static int log_row(void *ctx, const struct audit_row *r, char *err)
{
	(void)err;
	sbuf_addf(ctx, "%lld|%s|%s|%lld|%s|%s|%s|%lld|%s|%s|%s|%s|%s|%s\n", (long long)r->seq,
		  r->at, r->actor, (long long)r->uid, r->host, r->ssh, r->action,
		  (long long)r->item, r->item_ext ? r->item_ext : "-", r->task ? r->task : "-",
		  r->detail, r->detail_json ? r->detail_json : "(not JSON)", r->prev_hash, r->hash);
	return 0;
}

static void test_log(void **state)
{
	struct fx *f = *state;
	struct sbuf want = {0}, got = {0};
	char err[GV_ERR];
	long k, ooms = 0;

	if (audit_log(f->st, 0, log_row, &want, err))
		fail_msg("%s", err);
	assert_null(strstr(want.s, "(not JSON)"));
	for (k = 1;; k++) {
		int rc, met;
		err[0] = '\0';
		got.len = 0;
		if (got.s)
			got.s[0] = '\0';
		testoom_arm(k);
		rc = audit_log(f->st, 0, log_row, &got, err);
		met = testoom_disarm();
		if (rc) {
			assert_oom("audit_log", k, err);
			ooms++;
		} else if (strcmp(got.s ? got.s : "", want.s) != 0) {
			fail_msg(
				"allocation %ld failed: the log differs:\n%s\nwithout a fault:\n%s",
				k, got.s ? got.s : "", want.s);
		}
		if (!met)
			break;
	}
	print_message("audit_log: %ld allocations failed in turn, %ld out of memory\n", k - 1,
		      ooms);
	assert_true(ooms > 0);
	sbuf_free(&want);
	sbuf_free(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_packets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log, setup, teardown),
	};

	/* Before anything starts SQLite. */
	if (testoom_install())
		return 1;
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
