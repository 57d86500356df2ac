/*
 * Unit tests of who may change the experts of a project (src/expert.h):
 * only a lead, identified by the uid of the caller; a project without a
 * lead takes a lead first; the last lead stays one. A refusal names the
 * rule and writes nothing. The callers' uids are made up except the one
 * the leads are mapped to, which is the uid running the test.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "store_expert.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int setup(void **state)
{
	*state = test_fx_new("expert");
	return 0;
}

static long long count(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	long long n = -1;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(st->db));
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* store_expert_add in its own transaction, as `gavel expert add` runs it; the
 * caller is uid. Returns store_expert_add's answer. */
static int set(struct test_fx *f, long uid, const char *name, enum expert_role role, char *err)
{
	struct audit_actor a;
	int rc;
	audit_actor_init(&a, NULL);
	a.uid = uid;
	if (store_begin(f->st, err))
		fail_msg("%s", err);
	rc = store_expert_add(f->st, &a, name, role, NULL, err);
	if (rc == 0) {
		if (store_commit(f->st, err))
			fail_msg("%s", err);
	} else {
		store_rollback(f->st);
	}
	return rc;
}

static void test_only_a_lead(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR], sql[160];
	long me = (long)getuid(), stranger = me + 4242;
	long long events;

	/* No lead yet: the first one is taken, nothing else. */
	assert_int_equal(set(f, me, "ana", ROLE_EXPERT, err), 1);
	assert_non_null(strstr(err, "no lead"));
	assert_int_equal(set(f, stranger, "boss", ROLE_LEAD, err), 0);
	assert_int_equal(count(f->st, "SELECT count(*) FROM expert WHERE role = 'lead'"), 1);
	/* boss maps to the uid running the test (unix_user NULL), so `me` is
	 * the lead from now on and `stranger` is nobody. */
	assert_int_equal(set(f, me, "ana", ROLE_EXPERT, err), 0);

	events = count(f->st, "SELECT count(*) FROM event");
	assert_int_equal(set(f, stranger, "mallory", ROLE_LEAD, err), 1);
	assert_non_null(strstr(err, "only a lead may add experts or change roles"));
	assert_non_null(strstr(err, "leads: boss"));
	assert_int_equal(set(f, stranger, "boss", ROLE_VIEWER, err), 1);
	assert_int_equal(set(f, stranger, "ana", ROLE_LEAD, err), 1);
	/* An expert is not a lead either. */
	snprintf(sql, sizeof sql,
		 "INSERT INTO expert(name, role, unix_uid, unix_user, added_at)"
		 " VALUES ('eve', 'expert', %ld, 'eve', '')",
		 stranger);
	test_exec(f->st, sql);
	assert_int_equal(set(f, stranger, "eve", ROLE_LEAD, err), 1);
	assert_int_equal(count(f->st, "SELECT count(*) FROM event"), events);
	assert_int_equal(count(f->st, "SELECT count(*) FROM expert WHERE role = 'lead'"), 1);
	assert_int_equal(count(f->st, "SELECT count(*) FROM expert WHERE name = 'mallory'"), 0);
}

static void test_last_lead_stays(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR];
	long me = (long)getuid();

	assert_int_equal(set(f, me, "boss", ROLE_LEAD, err), 0);
	assert_int_equal(set(f, me, "boss", ROLE_EXPERT, err), 1);
	assert_non_null(strstr(err, "last lead"));
	assert_int_equal(count(f->st, "SELECT count(*) FROM expert WHERE role = 'lead'"), 1);
	/* With a second lead, one may step down; then the other is the last. */
	assert_int_equal(set(f, me, "lea", ROLE_LEAD, err), 0);
	assert_int_equal(set(f, me, "boss", ROLE_EXPERT, err), 0);
	assert_int_equal(set(f, me, "lea", ROLE_VIEWER, err), 1);
	assert_non_null(strstr(err, "lea is the project's last lead"));
	/* Remapping the last lead keeps it a lead: allowed. */
	assert_int_equal(set(f, me, "lea", ROLE_LEAD, err), 0);
	assert_int_equal(count(f->st, "SELECT count(*) FROM expert WHERE role = 'lead'"), 1);
	assert_int_equal(count(f->st, "SELECT count(*) FROM event WHERE action = 'expert-set'"),
			 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_only_a_lead, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_last_lead_stays, setup, test_fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
