/*
 * Unit tests of the review writes between experts (src/store_review.h):
 * a claim or a decision never lands on an item another expert decided
 * since the screen read it, and only a lead, asking for it, supersedes
 * another expert's decision. Experts ex1 and ex2 and the lead boss are
 * mapped to made-up uids, so the tests do not depend on who runs them.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "store_review.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The experts the tests act as (setup sets them). */
static struct audit_actor ex1, ex2, boss;

static void actor(struct audit_actor *a, const char *name, long uid)
{
	audit_actor_init(a, name);
	a->uid = uid;
}

static int setup(void **state)
{
	struct test_fx *f = test_fx_new("review");
	test_exec(f->st,
		  "INSERT INTO task(id, name) VALUES (1, 't');"
		  "INSERT INTO label VALUES (1, 0, 'a', 'a', NULL, 0), (1, 1, 'b', 'b', NULL, 1);"
		  "INSERT INTO item(id, task, external_id) VALUES (1, 1, 'i1'), (2, 1, 'i2'),"
		  " (3, 1, 'i3');"
		  "INSERT INTO expert(name, role, unix_uid, unix_user, added_at) VALUES"
		  " ('ex1', 'expert', 1001, 'u1', ''), ('ex2', 'expert', 1002, 'u2', ''),"
		  " ('boss', 'lead', 1003, 'u3', '');");
	actor(&ex1, "ex1", 1001);
	actor(&ex2, "ex2", 1002);
	actor(&boss, "boss", 1003);
	*state = f;
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

static int decide(struct test_fx *f, const struct audit_actor *a, int64_t item, int64_t expected,
		  int label, int overrule, int64_t *id, char *other, char *err)
{
	struct review_decide_args d;
	memset(&d, 0, sizeof d);
	d.item = item;
	d.expected = expected;
	d.label_code = label;
	d.blind_code = -1;
	d.seconds = NAN;
	d.overrule = overrule;
	other[0] = 0;
	return store_review_decide(f->st, a, &d, id, other, 128, err);
}

/* ex2 read item 1 open; ex1 decided it before ex2's claim or key. */
static void test_decided_meanwhile(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR], holder[128];
	int64_t d1 = 0, id = 0;

	assert_int_equal(store_review_claim(f->st, &ex1, 1, 0, holder, sizeof holder, err), 0);
	assert_int_equal(decide(f, &ex1, 1, 0, 0, 0, &d1, holder, err), 0);
	assert_true(d1 > 0);

	/* The claim compares with what ex2's queue showed: nothing. */
	assert_int_equal(store_review_claim(f->st, &ex2, 1, 0, holder, sizeof holder, err),
			 REVIEW_MEANWHILE);
	assert_string_equal(holder, "ex1");
	assert_non_null(strstr(err, "decided by ex1 meanwhile"));
	assert_int_equal(count(f->st, "SELECT count(*) FROM claim"), 0);

	/* A key pressed on the stale screen writes nothing either. */
	assert_int_equal(decide(f, &ex2, 1, 0, 1, 0, &id, holder, err), REVIEW_MEANWHILE);
	assert_string_equal(holder, "ex1");
	assert_int_equal(count(f->st, "SELECT count(*) FROM decision"), 1);

	/* Nor when ex2's screen had loaded ex1's decision: superseding it is
	 * not an expert's to do, with or without asking. */
	assert_int_equal(decide(f, &ex2, 1, d1, 1, 0, &id, holder, err), REVIEW_NOT_LEAD);
	assert_non_null(strstr(err, "only a lead may overrule"));
	assert_int_equal(decide(f, &ex2, 1, d1, 1, 1, &id, holder, err), REVIEW_NOT_LEAD);
	assert_int_equal(count(f->st, "SELECT count(*) FROM decision"), 1);
	assert_int_equal(count(f->st, "SELECT count(*) FROM event WHERE action = 'decide'"), 1);

	/* A claim by someone who saw the decision is not "meanwhile". */
	assert_int_equal(store_review_claim(f->st, &ex2, 1, d1, holder, sizeof holder, err), 0);
	assert_int_equal(store_review_release(f->st, &ex2, 1, err), 0);

	/* ex1 may change their own decision. */
	assert_int_equal(decide(f, &ex1, 1, d1, 1, 0, &id, holder, err), 0);
	assert_int_equal(count(f->st, "SELECT count(*) FROM decision WHERE expert = 'ex1'"), 2);
}

static void test_lead_overrules_by_asking(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR], other[128];
	int64_t d1 = 0, d2 = 0, id = 0;

	assert_int_equal(decide(f, &ex1, 2, 0, 0, 0, &d1, other, err), 0);
	/* A lead whose screen is stale is told, like anyone else. */
	assert_int_equal(decide(f, &boss, 2, 0, 1, 1, &id, other, err), REVIEW_MEANWHILE);
	/* A lead who saw it must ask. */
	assert_int_equal(decide(f, &boss, 2, d1, 1, 0, &id, other, err), REVIEW_OVERRULE);
	assert_string_equal(other, "ex1");
	assert_int_equal(count(f->st, "SELECT count(*) FROM decision"), 1);
	/* The role counts only for the uid it is mapped to. */
	{
		struct audit_actor fake;
		actor(&fake, "boss", 1001);
		assert_int_equal(decide(f, &fake, 2, d1, 1, 1, &id, other, err),
				 REVIEW_NOT_LEAD);
	}
	assert_int_equal(decide(f, &boss, 2, d1, 1, 1, &d2, other, err), 0);
	assert_int_equal(count(f->st, "SELECT count(*) FROM decision"), 2);
	{
		char sql[256];
		snprintf(sql, sizeof sql,
			 "SELECT count(*) FROM decision WHERE id = %lld AND supersedes = %lld"
			 " AND expert = 'boss' AND label = 1",
			 (long long)d2, (long long)d1);
		assert_int_equal(count(f->st, sql), 1);
	}
	/* The trail says it was an overrule, and whose decision it replaced. */
	assert_int_equal(count(f->st, "SELECT count(*) FROM event WHERE action = 'decide'"
				      " AND actor = 'boss' AND detail->>'overrule' = 1"
				      " AND detail->'before'->>'expert' = 'ex1'"),
			 1);
	assert_int_equal(count(f->st, "SELECT count(*) FROM event WHERE action = 'decide'"
				      " AND detail->>'overrule' IS NOT NULL"),
			 1);
	/* ex1 cannot take it back now: it is the lead's call. */
	assert_int_equal(store_review_undo(f->st, &ex1, 2, err), 1);
}

static void test_claims_between_experts(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR], holder[128];
	int64_t id = 0;

	assert_int_equal(store_review_claim(f->st, &ex1, 3, 0, holder, sizeof holder, err), 0);
	assert_int_equal(store_review_claim(f->st, &ex2, 3, 0, holder, sizeof holder, err),
			 REVIEW_HELD);
	assert_string_equal(holder, "ex1");
	assert_int_equal(decide(f, &ex2, 3, 0, 1, 0, &id, holder, err), REVIEW_HELD);
	assert_int_equal(count(f->st, "SELECT count(*) FROM decision"), 0);
	/* An undo leaves the item open again: claiming it then is fine. */
	assert_int_equal(decide(f, &ex1, 3, 0, 0, 0, &id, holder, err), 0);
	assert_int_equal(store_review_undo(f->st, &ex1, 3, err), 0);
	assert_int_equal(store_review_claim(f->st, &ex2, 3, 0, holder, sizeof holder, err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_decided_meanwhile, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_lead_overrules_by_asking, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_claims_between_experts, setup, test_fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
