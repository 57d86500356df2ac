/*
 * The review screen's statements read through indexes, never a scan of the
 * task: the queue's first screen, opening an item, a decision's commit, the
 * queue refresh after it, back to the queue, sort and filter, each driven
 * through the real screen state (ui_update_key) on the database backend.
 * Every statement they run is logged (store_trace_start), then the query
 * plan of each is read (store_trace_plan) and must not SCAN a table that
 * grows with the task: item, item_votes, prediction, decision, event, claim,
 * draft, packet_item. SQLite plans without statistics from the schema
 * alone, so a small project gets the plans a ten-million-item one does.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testui.h"
#include "testutil.h"

#include "store_queue.h"
#include "store_review.h"
#include "store_summary.h"
#include "store_trace.h"
#include "ui.h"
#include "ui_backend.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The disputed project of test_fx_disputed, 300 items. */
static int setup(void **state)
{
	*state = test_fx_disputed("plan", 300);
	return 0;
}

/* The tables that grow with the task or with the work done on it. */
static const char *const big[] = {"item",  "item_votes", "prediction", "decision",
				  "event", "claim",	 "draft",      "packet_item"};

/* A plan line that reads a whole big table: "SCAN item_votes", "SCAN d"
 * where d is an alias of one (the statement names it "decision d"). */
static const char *scans_big(const char *sql, const char *line)
{
	const char *p = strstr(line, "SCAN ");
	char name[64];
	size_t n = 0;
	if (!p)
		return NULL;
	p += 5;
	while (p[n] && p[n] != ' ' && p[n] != '\n' && n + 1 < sizeof name) {
		name[n] = p[n];
		n++;
	}
	name[n] = 0;
	for (size_t i = 0; i < GV_ARRAY_LEN(big); i++) {
		char alias[80];
		if (strcmp(name, big[i]) == 0)
			return big[i];
		/* "FROM decision d", "JOIN item i", "item_votes s," */
		snprintf(alias, sizeof alias, "%s %s ", big[i], name);
		if (strstr(sql, alias))
			return big[i];
		snprintf(alias, sizeof alias, "%s %s,", big[i], name);
		if (strstr(sql, alias))
			return big[i];
	}
	return NULL;
}

/*
 * Two reads that go through every current decision of the task: the item
 * view's annotator records (each annotator's record against the expert
 * decisions, on every item opened) and q's audits (store_model_decided_load,
 * once per task and session). They grow with the decisions made, not with
 * the task, and are left as they are; every other statement is held to the
 * rule.
 */
static int known_decision_scan(const char *sql)
{
	static const char *const known[] = {"WITH mine AS (SELECT j.value->>0 AS annotator",
					    "WITH cur AS (SELECT d.id, d.item, d.label, d.queue"};
	for (size_t i = 0; i < GV_ARRAY_LEN(known); i++)
		if (strncmp(sql, known[i], strlen(known[i])) == 0)
			return 1;
	return 0;
}

/* A statement that reads the first row of a table in the order the table
 * keeps and stops ("SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1",
 * the audit chain's head): its plan says SCAN, but no row is filtered out
 * and nothing is sorted, so one row is read. */
static int reads_one_row(const char *sql, const char *plan)
{
	size_t n = strlen(sql);
	return !strstr(sql, " WHERE ") && !strstr(sql, " JOIN ") && n > 8 &&
	       strcmp(sql + n - 8, " LIMIT 1") == 0 && !strstr(plan, "TEMP B-TREE");
}

/* The statements logged in f, each planned; fails the test on a scan of a
 * big table, naming the statement. Returns how many were planned. */
static size_t check_plans(struct store *st, FILE *log, const char *what)
{
	char *line = NULL, err[GV_ERR];
	size_t cap = 0, planned = 0;
	ssize_t len;

	/* The plans' own statements stay out of the log being read. */
	store_trace_start(st, NULL);
	fflush(log);
	rewind(log);
	while ((len = getline(&line, &cap, log)) > 0) {
		struct sbuf plan = {0};
		char *sql = strchr(line, '\t'), *at;
		if (!sql)
			continue;
		sql++;
		if (line[len - 1] == '\n')
			line[len - 1] = 0;
		/* Transaction control has no plan. */
		if (strncmp(sql, "BEGIN", 5) == 0 || strncmp(sql, "COMMIT", 6) == 0 ||
		    strncmp(sql, "ROLLBACK", 8) == 0 || strncmp(sql, "PRAGMA", 6) == 0 ||
		    strncmp(sql, "SAVEPOINT", 9) == 0 || strncmp(sql, "RELEASE", 7) == 0)
			continue;
		if (known_decision_scan(sql))
			continue;
		if (store_trace_plan(st, sql, &plan, err))
			fail_msg("%s: cannot plan %s: %s", what, sql, err);
		planned++;
		if (reads_one_row(sql, plan.s)) {
			sbuf_free(&plan);
			continue;
		}
		for (char *l = plan.s; l && *l; l = at + 1) {
			const char *t;
			at = strchr(l, '\n');
			*at = 0;
			if ((t = scans_big(sql, l)) != NULL)
				fail_msg("%s scans %s (%s): %s", what, t, l, sql);
			/* An index that gives only the first keys of the order makes
			 * SQLite read every row tied on them before the limit applies
			 * (370,000 items at agreement 0 in a 10M-item task). */
			if (strstr(l, "RIGHT PART OF ORDER BY"))
				fail_msg("%s sorts whole ties (%s): %s", what, l, sql);
		}
		sbuf_free(&plan);
	}
	free(line);
	return planned;
}

/* The database backend's state as review sets it up for expert me: at
 * most limit rows of a queue, page rows a page (0: the screen's default). */
static void db_init(struct ui_db *db, struct store *st, size_t limit, size_t page)
{
	memset(db, 0, sizeof *db);
	db->st = st;
	db->limit = limit;
	db->page = page;
	audit_actor_init(&db->actor, "me");
}

/* The screen on the disputed queue through db, as review opens it.
 * Returns how many rows the first read gave. */
static size_t screen_open(struct ui_db *db, struct ui_backend *be, struct ui_state *s)
{
	struct review_row *rows = NULL;
	size_t n = 0;
	int blind = 0;
	char err[GV_ERR];

	ui_backend_db(be, db);
	if (ui_db_queue_rows(db, "disputed", &rows, &n, &blind, err))
		fail_msg("%s", err);
	ui_state_init(s, be, "me", 1, 0, "disputed", rows, n, 80, 24);
	return n;
}

static void test_decide_and_refresh_use_indexes(void **state)
{
	struct test_fx *f = *state;
	struct ui_db db;
	struct ui_backend be;
	struct ui_state s;
	struct review_row *rows = NULL;
	size_t n = 0;
	int64_t first;
	int blind = 0;
	char err[GV_ERR];
	FILE *log = tmpfile();

	assert_non_null(log);
	db_init(&db, f->st, 50, 0);
	if (store_review_session_init(f->st, err))
		fail_msg("%s", err);

	/* The first screen: the queue's first page, the rows' status. */
	store_trace_start(f->st, log);
	assert_int_equal(screen_open(&db, &be, &s), 50);
	assert_true(check_plans(f->st, log, "the first screen") > 3);

	/* Open, decide (the commit, then the next item opened), back to the
	 * queue, its refresh, sort and filter. */
	assert_int_equal(ftruncate(fileno(log), 0), 0);
	rewind(log);
	store_trace_start(f->st, log);
	first = s.qrows[0].item;
	test_ui_keys(&s, "\n1q");
	assert_string_equal(s.qrows[0].decided_label, "a");
	test_ui_keys(&s, "ooooFFFjk");
	rows = NULL;
	if (ui_db_queue_rows(&db, "disputed", &rows, &n, &blind, err))
		fail_msg("%s", err);
	store_trace_start(f->st, NULL);
	/* The decided item has left the refreshed queue. */
	assert_int_equal(n, 50);
	assert_true(rows[0].item != first);
	store_review_rows_free(rows, n);
	assert_true(check_plans(f->st, log, "open, decide, back, sort, filter, refresh") > 10);

	ui_state_free(&s);
	ui_db_free(&db);
	fclose(log);
}

/* How many logged statements count the task's items ("count(" over
 * item_votes) and, of those, how many have no LIMIT, that is count the
 * whole queue. (The flag count per item reads the flag table, which holds
 * a row per flag, not per item.) */
static size_t counts_in(FILE *log, size_t *unbounded)
{
	char *line = NULL;
	size_t cap = 0, n = 0;

	*unbounded = 0;
	fflush(log);
	rewind(log);
	while (getline(&line, &cap, log) > 0) {
		if (!strstr(line, "count(") || !strstr(line, "item_votes"))
			continue;
		n++;
		if (!strstr(line, " LIMIT "))
			(*unbounded)++;
	}
	free(line);
	return n;
}

/*
 * The first screen reads one page and counts nothing: the total is counted
 * after it (the first step of ui_db_queue_more), through the index and only
 * up to UI_COUNT_CAP. A COUNT back on the first screen, or a count without
 * its cap, fails here.
 */
static void test_first_screen_counts_nothing(void **state)
{
	struct test_fx *f = *state;
	struct ui_db db;
	struct ui_backend be;
	struct ui_state s;
	size_t unbounded;
	FILE *log = tmpfile();

	assert_non_null(log);
	db_init(&db, f->st, 150, 20);
	store_trace_start(f->st, log);
	assert_int_equal(screen_open(&db, &be, &s), 20);
	assert_int_equal(counts_in(log, &unbounded), 0);
	/* Until the count comes the header says so. */
	assert_true(s.qtotal == (size_t)-1);
	assert_true(ui_update_busy(&s) > 1);

	/* Then the count, capped, and the pages up to the limit. */
	assert_int_equal(ftruncate(fileno(log), 0), 0);
	rewind(log);
	assert_int_equal(ui_queue_idle(&s, 1), UI_REDRAW);
	store_trace_start(f->st, NULL);
	assert_int_equal(counts_in(log, &unbounded), 1);
	assert_int_equal(unbounded, 0);
	/* 200 of the 300 items are disputed. */
	assert_int_equal(s.qtotal, 200);
	assert_int_equal(s.nq, 150);
	assert_int_equal(s.qlist.n, 150);
	assert_false(ui_update_busy(&s));
	assert_true(check_plans(f->st, log, "the pages after the first") > 5);

	ui_state_free(&s);
	ui_db_free(&db);
	fclose(log);
}

/*
 * Read a page at a time, the queue has the rows, in the order, that one
 * read of it gives: page boundaries fall inside ties of agreement (items at
 * 0 and at 1/3), and the next page starts after the last row's (agreement,
 * item). A sort chosen before the rest came applies to it too, and the
 * cursor stays on its row.
 */
static void test_pages_are_the_queue(void **state)
{
	struct test_fx *f = *state;
	struct ui_db db;
	struct ui_backend be;
	struct ui_state s;
	struct review_row *rows = NULL;
	struct queue_entry *whole = NULL;
	size_t n = 0, nwhole = 0, k = 0;
	int blind = 0;
	int64_t at;
	char err[GV_ERR];

	if (store_queue_build(f->st, "disputed", 0, 0, &whole, &nwhole, &blind, err))
		fail_msg("%s", err);
	assert_int_equal(nwhole, 200);
	for (size_t page = 1; page <= 13; page += 6) {
		db_init(&db, f->st, 190, page);
		if (ui_db_queue_rows(&db, "disputed", &rows, &n, &blind, err))
			fail_msg("%s", err);
		for (;;) {
			int more;
			for (size_t i = 0; i < n; i++, k++) {
				assert_true(k < 190);
				assert_int_equal(rows[i].item, whole[k].item);
			}
			store_review_rows_free(rows, n);
			more = ui_db_queue_more(&db, &rows, &n, err);
			assert_true(more >= 0);
			if (!more && !n)
				break;
		}
		assert_int_equal(k, 190);
		assert_int_equal(db.total, 200);
		k = 0;
		ui_db_free(&db);
	}

	/* On the screen: sorted by item id while the first page was shown. */
	db_init(&db, f->st, 190, 16);
	screen_open(&db, &be, &s);
	test_ui_keys(&s, "jjj");
	at = s.qrows[ui_queue_current(&s)].item;
	test_ui_keys(&s, "ooo"); /* queue order -> agreement -> model -> item id */
	assert_int_equal(s.sort, UI_SORT_ID);
	ui_queue_idle(&s, 1);
	assert_int_equal(s.nq, 190);
	assert_int_equal(s.qrows[ui_queue_current(&s)].item, at);
	for (size_t i = 0; i < s.nq; i++)
		assert_int_equal(s.qrows[i].item, whole[i].item);
	for (size_t i = 1; i < s.qlist.n; i++)
		assert_true(strcmp(s.qrows[s.order[i - 1]].external_id,
				   s.qrows[s.order[i]].external_id) < 0);
	ui_state_free(&s);
	ui_db_free(&db);
	store_queue_free(whole, nwhole);
}

/* The check itself: a statement that reads the task without an index is
 * caught, so a plan change that loses the index cannot pass unnoticed. */
static void test_a_scan_is_caught(void **state)
{
	struct test_fx *f = *state;
	struct sbuf plan = {0};
	char err[GV_ERR];
	assert_int_equal(store_trace_plan(f->st,
					  "SELECT avg(agreement) FROM item_votes WHERE task = 1",
					  &plan, err),
			 0);
	assert_non_null(scans_big("SELECT avg(agreement) FROM item_votes WHERE task = 1", plan.s));
	sbuf_free(&plan);
	assert_int_equal(
		store_trace_plan(f->st, "SELECT d.id FROM decision d JOIN item i ON i.id = d.item",
				 &plan, err),
		0);
	assert_non_null(
		scans_big("SELECT d.id FROM decision d JOIN item i ON i.id = d.item", plan.s));
	sbuf_free(&plan);
}

/* The batch status read says what the one-row read says, row by row. */
static void test_rows_status_batch(void **state)
{
	struct test_fx *f = *state;
	struct ui_db db;
	struct review_row *rows = NULL, *one = NULL, **v;
	size_t n = 0, n1 = 0;
	int blind = 0;
	char err[GV_ERR], holder[64];
	struct review_decide_args d;
	struct audit_actor other;
	int64_t id;

	db_init(&db, f->st, 10, 0);
	db.all = 1;
	test_exec(f->st, "INSERT INTO expert(name, role, added_at) VALUES ('ex2', 'expert', '')");
	audit_actor_init(&other, "ex2");
	/* me decides the first item, ex2 claims the second, me skips the third. */
	if (ui_db_queue_rows(&db, "disputed", &rows, &n, &blind, err))
		fail_msg("%s", err);
	memset(&d, 0, sizeof d);
	d.item = rows[0].item;
	d.label_code = 2;
	d.blind_code = -1;
	assert_int_equal(store_review_decide(f->st, &db.actor, &d, &id, holder, sizeof holder, err),
			 0);
	assert_int_equal(
		store_review_claim(f->st, &other, rows[1].item, 0, holder, sizeof holder, err), 0);
	assert_int_equal(store_review_skip(f->st, &db.actor, rows[2].item, err), 0);
	if (ui_db_queue_rows(&db, "disputed", &one, &n1, &blind, err))
		fail_msg("%s", err);
	assert_int_equal(n1, n);
	v = xcalloc(n, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = &rows[i];
	assert_int_equal(store_review_rows_status(f->st, "me", v, n, err), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(store_review_row_status(f->st, "me", &one[i], err), 0);
		assert_int_equal(rows[i].status, one[i].status);
		assert_int_equal(rows[i].decision, one[i].decision);
	}
	assert_int_equal(rows[0].status, REVIEW_MINE);
	assert_string_equal(rows[0].decided_label, "c");
	assert_int_equal(rows[1].status, REVIEW_CLAIMED);
	assert_string_equal(rows[1].status_by, "ex2");
	assert_int_equal(rows[2].status, REVIEW_SKIPPED);
	assert_int_equal(rows[3].status, REVIEW_OPEN);
	free(v);
	store_review_rows_free(rows, n);
	store_review_rows_free(one, n1);
	ui_db_free(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_decide_and_refresh_use_indexes, setup,
						test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_a_scan_is_caught, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_first_screen_counts_nothing, setup,
						test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_pages_are_the_queue, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_rows_status_batch, setup, test_fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
