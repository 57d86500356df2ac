/*
 * Unit tests of the item summaries an import writes. The importer computes
 * item_votes rows from the votes it holds in memory (and, for items that
 * already had votes, from the stored ones) instead of re-reading the whole
 * task; these tests check that every row it writes is exactly what the
 * reference store_summary_refresh computes from the database, after a first
 * import, after imports that add to, replace in and reorder an existing
 * task, after an items-only import and on a larger random project (and the
 * task's tally, task_tally, with them). They also
 * check a few rows by hand, the byte order of new item ids, and that the
 * needs-votes index is the one the planner picks.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "import.h"
#include "store.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int setup(void **state)
{
	*state = test_fx_new("isum");
	return 0;
}

static int import_kind(struct store *st, enum import_kind kind, const char *csv,
		       enum import_dup dup, struct import_result *res)
{
	struct import_opts o = {0};
	char err[GV_ERR];
	int rc;
	o.kind = kind;
	o.file = "t.csv";
	o.format = "csv";
	o.task = "t";
	o.dup = dup;
	rc = import_buffer(st, &o, csv, strlen(csv), res, err);
	if (rc)
		print_message("import: %s\n", err);
	return rc;
}

static void import_ok(struct store *st, const char *csv, enum import_dup dup)
{
	struct import_result res;
	assert_int_equal(import_kind(st, IMPORT_VOTES, csv, dup, &res), 0);
}

/* Every item_votes row as text, doubles with all their digits. */
/* The item_votes rows, then the task's tally (task_tally, which the
 * dashboard's first screen reads). */
static char *snapshot(struct store *st)
{
	static const char *const sql[] = {
		"SELECT item, task, n, distinct_labels, plurality, plurality_n, tie, agreement,"
		" entropy, votes FROM item_votes ORDER BY item",
		"SELECT 'tally', task, items, votes, compared, sum_agree, disputed"
		" FROM task_tally ORDER BY task",
	};
	struct sbuf b = {0};
	sqlite3_stmt *s;
	for (size_t q = 0; q < GV_ARRAY_LEN(sql); q++) {
		int nc;
		assert_int_equal(sqlite3_prepare_v2(st->db, sql[q], -1, &s, NULL), SQLITE_OK);
		nc = sqlite3_column_count(s);
		while (sqlite3_step(s) == SQLITE_ROW) {
			for (int c = 0; c < nc; c++) {
				int t = sqlite3_column_type(s, c);
				if (t == SQLITE_NULL)
					sbuf_add(&b, "NULL");
				else if (t == SQLITE_FLOAT)
					sbuf_addf(&b, "%.17g", sqlite3_column_double(s, c));
				else
					sbuf_add(&b, (const char *)sqlite3_column_text(s, c));
				sbuf_addc(&b, c == nc - 1 ? '\n' : '|');
			}
		}
		sqlite3_finalize(s);
	}
	return sbuf_take(&b);
}

/* The summaries as imported must equal a full refresh from the database. */
static void assert_matches_refresh(struct store *st)
{
	char err[GV_ERR];
	char *mine = snapshot(st), *ref;
	if (store_begin(st, err) || store_summary_refresh(st, 1, err))
		fail_msg("%s", err);
	ref = snapshot(st);
	store_rollback(st);
	if (strcmp(mine, ref) != 0)
		fail_msg("imported summaries differ from a refresh:\n%s\n-- refresh --\n%s", mine,
			 ref);
	free(mine);
	free(ref);
}

static int64_t q_int(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -999;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(st->db));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_type(s, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

#define ROW(st, ext, col)                                                                          \
	q_int(st, "SELECT " col " FROM item_votes s JOIN item i ON i.id = s.item"                  \
		  " WHERE i.external_id = '" ext "'")

static void test_first_import(void **state)
{
	struct test_fx *f = *state;
	char *counts;
	/* i1: a a a (unanimous); i2: a a b (agreement 1/3); i3: a b c (entropy 1);
	 * i4: b a (tie, plurality a: first in label order); i5: c (one vote). */
	import_ok(f->st,
		  "item,annotator,label\n"
		  "i2,x,a\ni1,x,a\ni3,x,a\ni1,y,a\ni2,y,a\ni3,y,b\ni4,x,b\ni1,z,a\n"
		  "i2,z,b\ni3,z,c\ni4,y,a\ni5,x,c\n",
		  IMPORT_DUP_ERROR);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM item_votes"), 5);
	assert_int_equal(ROW(f->st, "i1", "n"), 3);
	assert_int_equal(ROW(f->st, "i1", "agreement"), 1);
	assert_int_equal(ROW(f->st, "i2", "plurality_n"), 2);
	assert_int_equal(ROW(f->st, "i2", "round(agreement * 3, 9)"), 1);
	assert_int_equal(ROW(f->st, "i3", "round(entropy, 9)"), 1);
	assert_int_equal(ROW(f->st, "i3", "distinct_labels"), 3);
	assert_int_equal(ROW(f->st, "i4", "tie"), 1);
	assert_int_equal(ROW(f->st, "i4", "plurality"),
			 q_int(f->st, "SELECT code FROM label WHERE value = 'a'"));
	assert_int_equal(ROW(f->st, "i5", "agreement"), -1); /* NULL: one vote */
	counts = test_item_counts(f->st,
				  q_int(f->st, "SELECT id FROM item WHERE external_id = 'i2'"));
	assert_string_equal(counts, "{\"a\":2,\"b\":1}");
	free(counts);
	assert_matches_refresh(f->st);
}

static void test_add_to_existing_task(void **state)
{
	struct test_fx *f = *state;
	import_ok(f->st, "item,annotator,label\ni1,x,a\ni1,y,b\ni2,x,b\ni3,x,a\n",
		  IMPORT_DUP_ERROR);
	/* More votes on stored items (i1 gains a third vote), a replaced vote
	 * (x on i2: b -> a), and a new item. */
	import_ok(f->st, "item,annotator,label\ni2,x,a\ni1,z,a\ni9,y,b\ni9,z,b\n", IMPORT_DUP_LAST);
	assert_int_equal(ROW(f->st, "i1", "n"), 3);
	assert_int_equal(ROW(f->st, "i1", "plurality_n"), 2);
	assert_int_equal(ROW(f->st, "i2", "n"), 1);
	assert_int_equal(ROW(f->st, "i2", "plurality"),
			 q_int(f->st, "SELECT code FROM label WHERE value = 'a'"));
	assert_int_equal(ROW(f->st, "i9", "agreement"), 1);
	assert_int_equal(ROW(f->st, "i3", "n"), 1); /* untouched */
	assert_matches_refresh(f->st);
	/* --duplicates first keeps the stored vote: nothing changes. */
	import_ok(f->st, "item,annotator,label\ni2,x,b\n", IMPORT_DUP_FIRST);
	assert_int_equal(ROW(f->st, "i2", "plurality"),
			 q_int(f->st, "SELECT code FROM label WHERE value = 'a'"));
	assert_matches_refresh(f->st);
}

static void test_new_label_reorders(void **state)
{
	struct test_fx *f = *state;
	char *counts;
	/* b and c tie on i1: b wins, being first. Then a new label "a" sorts
	 * before both, so every stored item's counts text and tie rule is
	 * rebuilt in the new order. */
	import_ok(f->st, "item,annotator,label\ni1,x,c\ni1,y,b\ni2,x,c\n", IMPORT_DUP_ERROR);
	assert_int_equal(ROW(f->st, "i1", "plurality"),
			 q_int(f->st, "SELECT code FROM label WHERE value = 'b'"));
	import_ok(f->st, "item,annotator,label\ni2,y,a\ni1,z,a\n", IMPORT_DUP_ERROR);
	assert_int_equal(ROW(f->st, "i1", "plurality"),
			 q_int(f->st, "SELECT code FROM label WHERE value = 'a'"));
	counts = test_item_counts(f->st,
				  q_int(f->st, "SELECT id FROM item WHERE external_id = 'i1'"));
	assert_string_equal(counts, "{\"a\":1,\"b\":1,\"c\":1}");
	free(counts);
	assert_matches_refresh(f->st);
}

static void test_items_import_keeps_votes(void **state)
{
	struct test_fx *f = *state;
	struct import_result res;
	import_ok(f->st, "item,annotator,label\ni1,x,a\ni1,y,a\n", IMPORT_DUP_ERROR);
	assert_int_equal(import_kind(f->st, IMPORT_ITEMS, "item,text\ni1,hello\ni7,new\n",
				     IMPORT_DUP_ERROR, &res),
			 0);
	assert_int_equal(ROW(f->st, "i1", "n"), 2); /* its votes still count */
	assert_int_equal(ROW(f->st, "i7", "n"), 0); /* a new item: a row with no votes */
	assert_int_equal(ROW(f->st, "i7", "plurality"), -1);
	assert_matches_refresh(f->st);
}

/* A small linear congruential generator: the same project on every run. */
static uint32_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

static char *random_votes(uint64_t seed, int items, int from, int anns, int labels)
{
	struct sbuf b = {0};
	uint64_t s = seed;
	sbuf_add(&b, "item,annotator,label\n");
	for (int k = 0; k < items; k++) {
		/* Items out of order, ids of several lengths sharing prefixes. */
		int it = from + (int)(lcg(&s) % (uint32_t)items);
		int nv = 1 + (int)(lcg(&s) % 5);
		int a0 = (int)(lcg(&s) % (uint32_t)anns);
		for (int v = 0; v < nv; v++)
			sbuf_addf(&b, "item-%d,ann%d,lab%u\n", it, (a0 + v * 7) % anns,
				  lcg(&s) % (uint32_t)labels);
	}
	return sbuf_take(&b);
}

static void test_random_project(void **state)
{
	struct test_fx *f = *state;
	char *a = random_votes(1, 3000, 0, 40, 4);
	char *b = random_votes(2, 3000, 1500, 40, 4);
	char *prev = NULL;
	sqlite3_stmt *s;
	/* Repeated (item, annotator) pairs inside a file: keep the last. */
	import_ok(f->st, a, IMPORT_DUP_LAST);
	assert_matches_refresh(f->st);
	/* All items were new: their ids follow the byte order of their names
	 * ("item-10" before "item-2"), so the (task, external_id) index is
	 * appended to in order. */
	assert_int_equal(sqlite3_prepare_v2(f->st->db, "SELECT external_id FROM item ORDER BY id",
					    -1, &s, NULL),
			 SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *cur = (const char *)sqlite3_column_text(s, 0);
		if (prev && strcmp(prev, cur) >= 0)
			fail_msg("item ids not in byte order: '%s' before '%s'", prev, cur);
		free(prev);
		prev = xstrdup(cur);
	}
	free(prev);
	sqlite3_finalize(s);
	/* Half the second file's items exist, half are new. */
	import_ok(f->st, b, IMPORT_DUP_LAST);
	assert_matches_refresh(f->st);
	free(a);
	free(b);
}

static void test_rejected_file_keeps_summaries(void **state)
{
	struct test_fx *f = *state;
	struct import_result res;
	char *before, *after;
	import_ok(f->st, "item,annotator,label\ni1,x,a\ni1,y,b\n", IMPORT_DUP_ERROR);
	before = snapshot(f->st);
	assert_int_not_equal(import_kind(f->st, IMPORT_VOTES,
					 "item,annotator,label\ni1,z,a\ni2,x,b\ni2,x,a\n",
					 IMPORT_DUP_ERROR, &res),
			     0);
	after = snapshot(f->st);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_needs_votes_index(void **state)
{
	struct test_fx *f = *state;
	sqlite3_stmt *s;
	struct sbuf plan = {0};
	import_ok(f->st, "item,annotator,label\ni1,x,a\n", IMPORT_DUP_ERROR);
	/* The bound limit 3 matches the partial index's condition. */
	assert_int_equal(sqlite3_prepare_v2(f->st->db,
					    "EXPLAIN QUERY PLAN SELECT item FROM item_votes"
					    " WHERE task = ?1 AND n < ?2 ORDER BY n, item",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_int(s, 1, 1);
	sqlite3_bind_int(s, 2, 3);
	while (sqlite3_step(s) == SQLITE_ROW)
		sbuf_add(&plan, (const char *)sqlite3_column_text(s, 3));
	sqlite3_finalize(s);
	if (!plan.s || !strstr(plan.s, "item_votes_needs"))
		fail_msg("needs-votes query does not use its index: %s", plan.s ? plan.s : "");
	sbuf_free(&plan);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM item_votes INDEXED BY"
				      " item_votes_needs WHERE task = 1 AND n < 3"),
			 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_import, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_add_to_existing_task, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_new_label_reorders, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_items_import_keeps_votes, setup,
						test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_random_project, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_rejected_file_keeps_summaries, setup,
						test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_needs_votes_index, setup, test_fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
