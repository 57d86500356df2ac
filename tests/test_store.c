/*
 * Unit tests of the store: schema rules (append-only decisions and events),
 * the per-item summaries, and queue resolution for every rule, on small
 * databases whose answers are worked out by hand in the comments.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "store_queue.h"
#include "store.h"
#include "store_trace.h"
#include "util.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int setup(void **state)
{
	struct test_fx *f = test_fx_new("store");
	/* Task t: labels a < b < c (codes 0, 1, 2). Votes:
	 *   item 1: a a a   unanimous
	 *   item 2: a a b   agreement 1/3, plurality a
	 *   item 3: a b c   agreement 0, entropy ln3/ln3 = 1
	 *   item 4: b a     tie: plurality a (first in label order), agreement 0
	 *   item 5: c       one vote: no agreement
	 *   item 6: (none)  no votes */
	test_exec(f->st,
		  "INSERT INTO task(id, name) VALUES (1, 't');"
		  "INSERT INTO label VALUES (1, 0, 'a', 'a', NULL, 0), (1, 1, 'b', 'b', NULL, 1),"
		  " (1, 2, 'c', 'c', NULL, 2);"
		  "INSERT INTO item(id, task, external_id) VALUES (1, 1, 'i1'), (2, 1, 'i2'),"
		  " (3, 1, 'i3'), (4, 1, 'i4'), (5, 1, 'i5'), (6, 1, 'i6');"
		  "INSERT INTO annotator(id, name) VALUES (1, 'x'), (2, 'y'), (3, 'z');"
		  "INSERT INTO vote_rows(task, item, annotator, label) VALUES"
		  " (1, 1, 1, 0), (1, 1, 2, 0), (1, 1, 3, 0),"
		  " (1, 2, 1, 0), (1, 2, 2, 0), (1, 2, 3, 1),"
		  " (1, 3, 1, 0), (1, 3, 2, 1), (1, 3, 3, 2),"
		  " (1, 4, 1, 1), (1, 4, 2, 0),"
		  " (1, 5, 1, 2);");
	test_summary_refresh(f->st, 1);
	*state = f;
	return 0;
}

static void test_summary(void **state)
{
	struct test_fx *f = *state;
	sqlite3_stmt *s;
	/* n, plurality, plurality_n, tie, agreement, entropy; counts derived */
	static const struct {
		int n, plur, topn, tie;
		double agree, ent;
		const char *counts;
	} want[] = {
		{3, 0, 3, 0, 1.0, 0.0, "{\"a\":3}"},
		{3, 0, 2, 0, 1.0 / 3, 0.57938,
		 "{\"a\":2,\"b\":1}"}, /* -(2/3 ln 2/3 + 1/3 ln 1/3)/ln 3 */
		{3, 0, 1, 1, 0.0, 1.0, "{\"a\":1,\"b\":1,\"c\":1}"},
		{2, 0, 1, 1, 0.0, 0.63093, "{\"a\":1,\"b\":1}"}, /* ln 2 / ln 3 */
		{1, 2, 1, 0, NAN, 0.0, "{\"c\":1}"},
		{0, -1, 0, 0, NAN, NAN, "{}"},
	};
	assert_int_equal(
		sqlite3_prepare_v2(f->st->db,
				   "SELECT n, coalesce(plurality, -1), plurality_n, tie,"
				   " agreement, entropy, item FROM item_votes ORDER BY item",
				   -1, &s, NULL),
		SQLITE_OK);
	for (size_t i = 0; i < GV_ARRAY_LEN(want); i++) {
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(s, 0), want[i].n);
		assert_int_equal(sqlite3_column_int(s, 1), want[i].plur);
		assert_int_equal(sqlite3_column_int(s, 2), want[i].topn);
		assert_int_equal(sqlite3_column_int(s, 3), want[i].tie);
		if (isnan(want[i].agree))
			assert_int_equal(sqlite3_column_type(s, 4), SQLITE_NULL);
		else
			assert_float_equal(sqlite3_column_double(s, 4), want[i].agree, 1e-9);
		if (isnan(want[i].ent))
			assert_int_equal(sqlite3_column_type(s, 5), SQLITE_NULL);
		else
			assert_float_equal(sqlite3_column_double(s, 5), want[i].ent, 1e-5);
		{
			char *counts = test_item_counts(f->st, sqlite3_column_int64(s, 6));
			assert_string_equal(counts, want[i].counts);
			free(counts);
		}
	}
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

static void test_append_only(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR];
	test_exec(f->st, "INSERT INTO decision(item, expert, label, at) VALUES (2, 'e', 1, 'now')");
	assert_int_equal(store_exec(f->st, "UPDATE decision SET label = 0", err), -1);
	assert_non_null(strstr(err, "append-only"));
	assert_int_equal(store_exec(f->st, "DELETE FROM decision", err), -1);
	assert_int_equal(
		store_exec(f->st,
			   "INSERT INTO event(at, actor, uid, host, action, detail,"
			   " prev_hash, hash) VALUES ('t', 'a', 0, 'h', 'x', '{}', 'p', 'h')",
			   err),
		0);
	assert_int_equal(store_exec(f->st, "UPDATE event SET actor = 'b'", err), -1);
	assert_int_equal(store_exec(f->st, "DELETE FROM event", err), -1);
}

static char *order_of(struct store *st, const char *queue, int include_decided)
{
	struct queue_entry *v;
	size_t n;
	char err[GV_ERR];
	struct sbuf b = {0};
	if (store_queue_build(st, queue, 0, include_decided, &v, &n, NULL, err))
		fail_msg("%s", err);
	for (size_t i = 0; i < n; i++) {
		sbuf_add(&b, v[i].external_id);
		sbuf_addc(&b, ' ');
	}
	store_queue_free(v, n);
	return sbuf_take(&b);
}

static void test_queue_votes(void **state)
{
	struct test_fx *f = *state;
	char *o;
	/* disputed: agreement 0 first, in item order (i3, i4: the index order, not
	 * entropy, breaks the tie), then i2. */
	o = order_of(f->st, "disputed", 0);
	assert_string_equal(o, "i3 i4 i2 ");
	free(o);
	/* needs-votes: fewer than 3 votes, fewest first. */
	o = order_of(f->st, "needs-votes", 0);
	assert_string_equal(o, "i6 i5 i4 ");
	free(o);
	/* A decision removes the item; an undo (a withdrawing decision) brings it back. */
	test_exec(f->st,
		  "INSERT INTO decision(id, item, expert, label, at) VALUES (1, 3, 'e', 2, 'n')");
	o = order_of(f->st, "disputed", 0);
	assert_string_equal(o, "i4 i2 ");
	free(o);
	o = order_of(f->st, "disputed", 1);
	assert_string_equal(o, "i3 i4 i2 ");
	free(o);
	test_exec(f->st, "INSERT INTO decision(item, expert, label, at, supersedes)"
			 " VALUES (3, 'e', NULL, 'n', 1)");
	o = order_of(f->st, "disputed", 0);
	assert_string_equal(o, "i3 i4 i2 ");
	free(o);
}

static void test_queue_total(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR];
	size_t n = 0;
	struct queue_entry *v;
	/* The totals are what an unlimited store_queue_build lists, whatever the
	 * limit: disputed i2 i3 i4, needs-votes i4 i5 i6. */
	assert_int_equal(store_queue_build(f->st, "disputed", 1, 0, &v, &n, NULL, err), 0);
	assert_int_equal(n, 1);
	store_queue_free(v, n);
	assert_int_equal(store_queue_total(f->st, "disputed", 0, &n, err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(store_queue_total(f->st, "needs-votes", 0, &n, err), 0);
	assert_int_equal(n, 3);
	/* A current decision takes i3 out; a withdrawn one would put it back. */
	test_exec(f->st,
		  "INSERT INTO decision(id, item, expert, label, at) VALUES (1, 3, 'e', 2, 'n')");
	assert_int_equal(store_queue_total(f->st, "disputed", 0, &n, err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_queue_total(f->st, "disputed", 1, &n, err), 0);
	assert_int_equal(n, 3);
	/* Capped counts (the review screen's): past the cap the total is cap + 1;
	 * at or under it, the exact count, decided items still left out. */
	assert_int_equal(store_queue_total_upto(f->st, "disputed", 1, 2, &n, err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(store_queue_total_upto(f->st, "disputed", 1, 1, &n, err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_queue_total_upto(f->st, "disputed", 0, 2, &n, err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_queue_total_upto(f->st, "disputed", 0, 1, &n, err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_queue_total_upto(f->st, "needs-votes", 0, 5, &n, err), 0);
	assert_int_equal(n, 3);
	/* Undoing the decision (a withdrawal) puts i3 back in the capped count. */
	test_exec(f->st, "INSERT INTO decision(id, item, expert, label, at, supersedes)"
			 " VALUES (2, 3, 'e', NULL, 'n', 1)");
	assert_int_equal(store_queue_total_upto(f->st, "disputed", 0, 5, &n, err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(store_queue_total(f->st, "nonesuch", 0, &n, err), -1);
}

static void test_queue_model(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR];
	struct queue_entry *v;
	size_t n;
	int blind = 0;
	char *o;
	/* Predictions: entropies 0.9 (i1), 0.2 (i2), 0.5 (i3), 0.1 (i4), 0.8 (i5).
	 * i2: model says b at 0.96 while the plurality is a (p(a) = 0.03).
	 * i1: model says c at 0.92, plurality a with p(a) = 0.05. */
	test_exec(f->st,
		  "INSERT INTO prediction(item, model, label, confidence, entropy, margin, probs)"
		  " VALUES (1, 'm', 2, 0.92, 0.9, 0.8, '{\"a\":0.05,\"b\":0.03,\"c\":0.92}'),"
		  " (2, 'm', 1, 0.96, 0.2, 0.9, '{\"a\":0.03,\"b\":0.96,\"c\":0.01}'),"
		  " (3, 'm', 0, 0.60, 0.5, 0.3, '{\"a\":0.6,\"b\":0.3,\"c\":0.1}'),"
		  " (4, 'm', 0, 0.99, 0.1, 0.98, '{\"a\":0.99,\"b\":0.005,\"c\":0.005}'),"
		  " (5, 'm', 2, 0.97, 0.8, 0.95, '{\"a\":0.01,\"b\":0.02,\"c\":0.97}');");
	/* uncertain: top 5% of 5 predicted items is ceil(0.25) = 1 item: i1.
	 * The default queues apply (this project declares none). */
	o = order_of(f->st, "uncertain", 0);
	assert_string_equal(o, "i1 ");
	free(o);
	/* model-disagrees: confidence >= 0.9, untied plurality differs:
	 * i2 (p(a)=0.03) before i1 (p(a)=0.05); i4 has a tie, i5 agrees. */
	o = order_of(f->st, "model-disagrees", 0);
	assert_string_equal(o, "i2 i1 ");
	free(o);
	/* audit: every item with confidence >= 0.95 (i2, i4, i5) since the
	 * sample (500) is larger; blind; the same order on every run. */
	if (store_queue_build(f->st, "audit", 0, 0, &v, &n, &blind, err))
		fail_msg("%s", err);
	assert_int_equal(n, 3);
	assert_int_equal(blind, 1);
	o = order_of(f->st, "audit", 0);
	{
		char *again = order_of(f->st, "audit", 0);
		assert_string_equal(o, again);
		free(again);
	}
	assert_non_null(strstr(o, "i2 "));
	assert_non_null(strstr(o, "i4 "));
	assert_non_null(strstr(o, "i5 "));
	free(o);
	store_queue_free(v, n);
	assert_int_equal(store_queue_build(f->st, "nonesuch", 0, 0, &v, &n, NULL, err), -1);
	assert_non_null(strstr(err, "disputed"));
}

/* Holds another connection's write lock for a while, then commits. */
static void *hold_then_commit(void *arg)
{
	struct store *other = arg;
	char err[GV_ERR];
	struct timespec d = {0, 200000000};
	nanosleep(&d, NULL);
	if (store_commit(other, err))
		fail_msg("%s", err);
	return NULL;
}

/* A write that meets another connection's write lock waits for it (store_open's busy
 * handler) instead of failing with "database is locked" at once. */
static void test_busy_waits(void **state)
{
	struct test_fx *f = *state;
	struct store *other = NULL;
	pthread_t t;
	char err[GV_ERR];

	assert_int_equal(store_open(f->path, 0, &other, err), 0);
	assert_int_equal(store_begin(other, err), 0);
	assert_int_equal(pthread_create(&t, NULL, hold_then_commit, other), 0);
	if (store_begin(f->st, err))
		fail_msg("store_begin did not wait for the other connection: %s", err);
	store_rollback(f->st);
	pthread_join(t, NULL);
	store_close(other);
}

/*
 * The deployment guard: a project on a network filesystem is refused at
 * open (simulated with GAVEL_TEST_FS_MAGIC, since this machine's disks are
 * local), and a connection whose rules did not all take is refused too.
 */
static void test_deploy_guard(void **state)
{
	struct test_fx *f = *state;
	static const char *const magics[][2] = {{"0x6969", "NFS"},
						{"0x517B", "SMB"},
						{"0xFF534D42", "CIFS"},
						{"0xFE534D42", "SMB2"}};
	struct store *st = NULL;
	char err[GV_ERR];

	/* Alone on the file, so that the journal mode can be switched below. */
	store_close(f->st);
	f->st = NULL;
	for (size_t i = 0; i < GV_ARRAY_LEN(magics); i++) {
		setenv("GAVEL_TEST_FS_MAGIC", magics[i][0], 1);
		assert_int_equal(store_open(f->path, 0, &st, err), -1);
		assert_null(st);
		assert_non_null(strstr(err, magics[i][1]));
		assert_non_null(strstr(err, "network filesystem"));
		assert_int_equal(store_open(f->path, STORE_READONLY, &st, err), -1);
	}
	/* ext4's magic is a local disk. */
	setenv("GAVEL_TEST_FS_MAGIC", "0xEF53", 1);
	if (store_open(f->path, 0, &st, err))
		fail_msg("%s", err);
	unsetenv("GAVEL_TEST_FS_MAGIC");
	assert_int_equal(store_check_rules(st, err), 0);
	/* Each rule, undone behind store_open's back, is caught. */
	test_exec(st, "PRAGMA synchronous = NORMAL");
	assert_int_equal(store_check_rules(st, err), -1);
	assert_non_null(strstr(err, "synchronous"));
	test_exec(st, "PRAGMA synchronous = FULL; PRAGMA trusted_schema = ON");
	assert_int_equal(store_check_rules(st, err), -1);
	assert_non_null(strstr(err, "trusted_schema"));
	test_exec(st, "PRAGMA trusted_schema = OFF; PRAGMA foreign_keys = OFF");
	assert_int_equal(store_check_rules(st, err), -1);
	assert_non_null(strstr(err, "foreign keys"));
	test_exec(st, "PRAGMA foreign_keys = ON");
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
	assert_int_equal(store_check_rules(st, err), -1);
	assert_non_null(strstr(err, "defensive"));
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	/* The wait for locks, as store_open notes it installed it. */
	assert_int_equal(st->busy_handler, 1);
	st->busy_handler = 0;
	assert_int_equal(store_check_rules(st, err), -1);
	assert_non_null(strstr(err, "wait for other sessions' locks"));
	st->busy_handler = 1;
	test_exec(st, "PRAGMA journal_mode = DELETE");
	assert_int_equal(store_check_rules(st, err), -1);
	assert_non_null(strstr(err, "not WAL"));
	test_exec(st, "PRAGMA journal_mode = WAL");
	assert_int_equal(store_check_rules(st, err), 0);
	store_close(st);
}

/*
 * A task's labels come in their order (ord), and reading them sorts no rows
 * in SQLite: its sorter copies each row whole, and a label of tens of
 * megabytes stored before the import limits made every import into its task
 * take seconds (measured: 40 MB, 7.8 s against 0.1 s; half of it the sort).
 */
static void test_labels_unsorted_read(void **state)
{
	struct test_fx *f = *state;
	struct store_task t;
	char err[GV_ERR], *line = NULL;
	size_t cap = 0;
	int statements = 0;
	FILE *log = tmpfile();

	assert_non_null(log);
	/* c, a, b by ord */
	test_exec(f->st, "UPDATE label SET ord = CASE code WHEN 2 THEN 0 WHEN 0 THEN 1 ELSE 2 END");
	store_trace_start(f->st, log);
	assert_int_equal(store_task_get(f->st, "t", &t, err), 1);
	store_trace_start(f->st, NULL);
	assert_int_equal(t.nlabels, 3);
	assert_string_equal(t.labels[0].value, "c");
	assert_string_equal(t.labels[1].value, "a");
	assert_string_equal(t.labels[2].value, "b");
	store_task_free(&t);
	rewind(log);
	while (getline(&line, &cap, log) > 0) {
		struct sbuf plan = {0};
		char *sql = strchr(line, '\t'), *nl;
		if (!sql)
			continue;
		sql++;
		if ((nl = strchr(sql, '\n')) != NULL)
			*nl = 0;
		if (store_trace_plan(f->st, sql, &plan, err))
			fail_msg("%s: %s", sql, err);
		if (strstr(plan.s ? plan.s : "", "TEMP B-TREE"))
			fail_msg("sorts in SQLite: %s: %s", sql, plan.s);
		sbuf_free(&plan);
		statements++;
	}
	assert_true(statements >= 2);
	free(line);
	fclose(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_summary, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_labels_unsorted_read, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_append_only, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_queue_votes, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_queue_model, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_queue_total, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_busy_waits, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_deploy_guard, setup, test_fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
