/*
 * Unit tests of task_tally kept by differences. An import that writes some
 * of a task's item_votes rows moves the task's row of task_tally by what
 * those rows changed (store_summary_tally_apply) instead of recounting the
 * task; these tests hold that row, after each step of a project's life, to
 * the recount (store_summary_tally, run in a transaction that is rolled
 * back) to the last bit: new items, votes added to stored items,
 * --duplicates last and first, a new label that reorders the labels (the
 * refresh path), spilled votes, items and predictions imports, a second
 * task, a rejected file, and random imports into a random project. Some
 * rows are also worked by hand. A tally changed behind gavel's back shows
 * that the import does not recount, in memory or streamed, and a row in the units of an older
 * gavel (or one that cannot be right) is recounted.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
	*state = test_fx_new("tally");
	return 0;
}

static int import_as(struct store *st, enum import_kind kind, const char *task, const char *csv,
		     enum import_dup dup)
{
	struct import_opts o = {0};
	struct import_result res;
	char err[GV_ERR];
	int rc;
	o.kind = kind;
	o.model = kind == IMPORT_PREDICTIONS ? "m" : NULL;
	o.file = "t.csv";
	o.format = "csv";
	o.task = task;
	o.dup = dup;
	rc = import_buffer(st, &o, csv, strlen(csv), &res, err);
	if (rc)
		print_message("import: %s\n", err);
	return rc;
}

static void import_ok(struct store *st, const char *csv, enum import_dup dup)
{
	assert_int_equal(import_as(st, IMPORT_VOTES, "t", csv, dup), 0);
}

/* import_ok over a memory budget of 1 KB, which streams any file over 128
 * bytes. */
static void import_streamed(struct store *st, const char *csv, enum import_dup dup)
{
	setenv("GAVEL_IMPORT_MEM", "1K", 1);
	import_ok(st, csv, dup);
	unsetenv("GAVEL_IMPORT_MEM");
}

/* Every row of task_tally as text, the sum of agreement with all its digits. */
static char *tally(struct store *st)
{
	struct sbuf b = {0};
	sqlite3_stmt *s;
	assert_int_equal(
		sqlite3_prepare_v2(st->db,
				   "SELECT task, items, votes, compared, sum_agree, disputed"
				   " FROM task_tally ORDER BY task",
				   -1, &s, NULL),
		SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		sbuf_addf(&b, "%lld:%lld,%lld,%lld,%.17g,%lld;",
			  (long long)sqlite3_column_int64(s, 0),
			  (long long)sqlite3_column_int64(s, 1),
			  (long long)sqlite3_column_int64(s, 2),
			  (long long)sqlite3_column_int64(s, 3), sqlite3_column_double(s, 4),
			  (long long)sqlite3_column_int64(s, 5));
	sqlite3_finalize(s);
	sbuf_addc(&b, '.');
	return sbuf_take(&b);
}

/* task_tally as a recount of every task from item_votes gives it. */
static char *recount(struct store *st)
{
	char err[GV_ERR], *t;
	sqlite3_stmt *s;
	if (store_begin(st, err))
		fail_msg("%s", err);
	assert_int_equal(sqlite3_prepare_v2(st->db, "SELECT id FROM task", -1, &s, NULL),
			 SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (store_summary_tally(st, sqlite3_column_int64(s, 0), err))
			fail_msg("%s", err);
	}
	sqlite3_finalize(s);
	t = tally(st);
	store_rollback(st);
	return t;
}

/* The tally the imports kept is the recount's, bit for bit; returns it. */
static char *assert_recounts(struct store *st)
{
	char *mine = tally(st), *ref = recount(st);
	if (strcmp(mine, ref) != 0)
		fail_msg("kept tally %s, recount %s", mine, ref);
	free(ref);
	return mine;
}

static void assert_tally(struct store *st, const char *want)
{
	char *got = assert_recounts(st);
	assert_string_equal(got, want);
	free(got);
}

/*
 * The hand-worked steps. Agreement is kept in units of 2^-24 per item
 * (src/store.h): 1/3 is 5592405 of them (16777216 / 3 = 5592405.33,
 * rounded), 1 is 16777216; "%.17g" of the sums below was computed by
 * python3 (e.g. (16777216 + 5592405) / 16777216 = 1.3333333134651184).
 */
static void test_steps(void **state)
{
	struct test_fx *f = *state;
	char *ord;

	/* New task, new items. i1: a a a (agreement 1); i2: a a b (1/3);
	 * i3: a b c (0); i4: b a (0); i5: c (one vote, not compared).
	 * items 5, votes 12, compared 4, sum 1 + 1/3, disputed i2, i3, i4. */
	import_ok(f->st,
		  "item,annotator,label\n"
		  "i2,x,a\ni1,x,a\ni3,x,a\ni1,y,a\ni2,y,a\ni3,y,b\ni4,x,b\ni1,z,a\n"
		  "i2,z,b\ni3,z,c\ni4,y,a\ni5,x,c\n",
		  IMPORT_DUP_ERROR);
	assert_tally(f->st, "1:5,12,4,1.3333333134651184,3;.");

	/* Votes added to stored items (i5 gets a second c: agreement 1; i4 a
	 * third vote b: b b a, 1/3) and a new item i6 with one vote: items 6,
	 * votes 15, compared 5, sum 1 + 1/3 + 1 + 1/3, disputed 3. */
	import_ok(f->st, "item,annotator,label\ni5,y,c\ni6,x,a\ni4,z,b\n", IMPORT_DUP_ERROR);
	assert_tally(f->st, "1:6,15,5,2.6666666269302368,3;.");

	/* --duplicates last: z on i2 b -> a makes i2 unanimous (1/3 -> 1,
	 * disputed i3, i4); the file's own repeat (y on i6) keeps its last
	 * vote, a like x's (agreement 1). */
	import_ok(f->st, "item,annotator,label\ni2,z,a\ni6,y,b\ni6,y,a\n", IMPORT_DUP_LAST);
	assert_tally(f->st, "1:6,16,6,4.3333333134651184,2;.");

	/* --duplicates first keeps the stored votes: the rows are written
	 * again, the tally stays. */
	import_ok(f->st, "item,annotator,label\ni1,x,b\ni6,x,c\n", IMPORT_DUP_FIRST);
	assert_tally(f->st, "1:6,16,6,4.3333333134651184,2;.");

	/* A new label "0" sorts before a, b, c (numbers first): every item's
	 * tie rule moves, the rows are refreshed and the tally recounted. i7:
	 * 0 0 (agreement 1). */
	import_ok(f->st, "item,annotator,label\ni7,x,0\ni7,y,0\n", IMPORT_DUP_ERROR);
	ord = test_query_text(f->st, "SELECT ord FROM label WHERE value = '0'");
	assert_string_equal(ord, "0");
	free(ord);
	assert_tally(f->st, "1:7,18,7,5.3333333134651184,2;.");

	/* Spilled votes (a budget of 1 KB: 28 votes a chunk) take the
	 * importer's other path to the same rows. i8..i27: two votes each,
	 * x a and y b (agreement 0, disputed), and a third vote on i1 (a). */
	{
		struct sbuf csv = {0};
		sbuf_add(&csv, "item,annotator,label\ni1,w,a\n");
		for (int i = 8; i < 28; i++)
			sbuf_addf(&csv, "i%d,x,a\ni%d,y,b\n", i, i);
		import_streamed(f->st, csv.s, IMPORT_DUP_ERROR);
		sbuf_free(&csv);
	}
	assert_tally(f->st, "1:27,59,27,5.3333333134651184,22;.");

	/* Items and predictions write no votes: the tally stays. */
	assert_int_equal(import_as(f->st, IMPORT_ITEMS, "t", "item,text\ni1,hello\ni99,new\n",
				   IMPORT_DUP_ERROR),
			 0);
	assert_int_equal(import_as(f->st, IMPORT_PREDICTIONS, "t",
				   "item,label,confidence\ni1,a,0.9\n", IMPORT_DUP_ERROR),
			 0);
	assert_tally(f->st, "1:27,59,27,5.3333333134651184,22;.");

	/* A second task has its own row; the first's stays. */
	assert_int_equal(import_as(f->st, IMPORT_VOTES, "u",
				   "item,annotator,label\nj1,x,p\nj1,y,p\n", IMPORT_DUP_ERROR),
			 0);
	assert_tally(f->st, "1:27,59,27,5.3333333134651184,22;2:1,2,1,1,0;.");

	/* A rejected file changes nothing. */
	assert_int_not_equal(import_as(f->st, IMPORT_VOTES, "t",
				       "item,annotator,label\ni1,q,a\ni1,x,c\n", IMPORT_DUP_ERROR),
			     0);
	assert_tally(f->st, "1:27,59,27,5.3333333134651184,22;2:1,2,1,1,0;.");
}

/*
 * i1 x a, i1 y a and i2 x b stored, the tally changed behind gavel's back
 * (1000 more items and votes than there are, still a possible row), then
 * csv imported by import (import_ok or import_streamed): the tally kept
 * must be want_kept, which holds the offset only if the import moved the
 * tally by its rows' difference, and the recount want_recount.
 */
static void offset_kept(struct store *st,
			void (*import)(struct store *, const char *, enum import_dup),
			const char *csv, enum import_dup dup, const char *want_kept,
			const char *want_recount)
{
	char *got;
	import_ok(st, "item,annotator,label\ni1,x,a\ni1,y,a\ni2,x,b\n", IMPORT_DUP_ERROR);
	assert_tally(st, "1:2,3,1,1,0;.");
	test_exec(st, "UPDATE task_tally SET items = items + 1000, votes = votes + 1000");
	import(st, csv, dup);
	got = tally(st);
	assert_string_equal(got, want_kept);
	free(got);
	got = recount(st);
	assert_string_equal(got, want_recount);
	free(got);
}

/*
 * The import moves the tally by its rows' difference: the offset survives
 * an import, where a recount would have lost it. Then the recount puts it
 * right. i2 gets y a (disputed, agreement 0), i3 is new.
 */
static void test_import_does_not_recount(void **state)
{
	struct test_fx *f = *state;
	offset_kept(f->st, import_ok, "item,annotator,label\ni2,y,a\ni3,x,a\n", IMPORT_DUP_ERROR,
		    "1:1003,1005,2,1,1;.", "1:3,5,2,1,1;.");
}

/*
 * The streamed import (a file past the memory budget's share, merged from
 * sorted runs) moves the tally by its rows too: the offset survives it,
 * and the stored rows it replaces lose their share. The streamed file
 * (--duplicates last) turns y's vote on i1 into b (i1: a b, agreement 0,
 * disputed), gives i2 a second vote y a (b a, agreement 0, disputed) and
 * adds i3..i20 with one vote each: items 20, votes 3 + 1 + 18 = 22,
 * compared 2, sum 0, disputed 2. A streamed path that recounted would lose
 * the 1000; one that kept the replaced rows' shares would count i1 and i2
 * twice.
 */
static void test_streamed_import_does_not_recount(void **state)
{
	struct test_fx *f = *state;
	struct sbuf csv = {0};
	sbuf_add(&csv, "item,annotator,label\ni1,y,b\ni2,y,a\n");
	for (int i = 3; i <= 20; i++)
		sbuf_addf(&csv, "i%d,x,a\n", i);
	offset_kept(f->st, import_streamed, csv.s, IMPORT_DUP_LAST, "1:1020,1022,2,0,2;.",
		    "1:20,22,2,0,2;.");
	sbuf_free(&csv);
}

/*
 * A tally that cannot be the sum of the rows is recounted by the next import
 * that changes the task: a sum of agreement outside the tally's units (as
 * an older gavel summed it: 1/3 as a double), a count that would go below
 * zero, and no row at all for a task whose stored rows the import replaces.
 */
static void test_impossible_tally_recounted(void **state)
{
	struct test_fx *f = *state;
	import_ok(f->st, "item,annotator,label\ni1,x,a\ni1,y,a\ni1,z,b\ni2,x,b\n",
		  IMPORT_DUP_ERROR);
	assert_tally(f->st, "1:2,4,1,0.33333331346511841,1;.");
	test_exec(f->st, "UPDATE task_tally SET sum_agree = 1.0 / 3");
	import_ok(f->st, "item,annotator,label\ni3,x,a\n", IMPORT_DUP_ERROR);
	assert_tally(f->st, "1:3,5,1,0.33333331346511841,1;.");
	/* z on i1 b -> a: one disputed item fewer than the tally's none. */
	test_exec(f->st, "UPDATE task_tally SET disputed = 0");
	import_ok(f->st, "item,annotator,label\ni1,z,a\n", IMPORT_DUP_LAST);
	assert_tally(f->st, "1:3,5,1,1,0;.");
	/* i2's stored row (one vote) is replaced: there is no row to take it
	 * from. */
	test_exec(f->st, "DELETE FROM task_tally");
	import_ok(f->st, "item,annotator,label\ni2,y,b\n", IMPORT_DUP_ERROR);
	assert_tally(f->st, "1:3,6,2,2,0;.");
}

/* A small linear congruential generator: the same project on every run. */
static uint32_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/* Random imports into a random project: each adds items and votes on stored
 * items, with repeats that --duplicates last or first settle. */
static void test_random_imports(void **state)
{
	struct test_fx *f = *state;
	uint64_t s = 7;
	char *t;
	for (int round = 0; round < 12; round++) {
		struct sbuf b = {0};
		int nitems = round == 0 ? 2000 : 150;
		sbuf_add(&b, "item,annotator,label\n");
		for (int k = 0; k < nitems; k++) {
			int it = (int)(lcg(&s) % (uint32_t)(2000 + 100 * round));
			int nv = 1 + (int)(lcg(&s) % 4);
			for (int v = 0; v < nv; v++)
				sbuf_addf(&b, "it%d,ann%u,l%u\n", it, lcg(&s) % 30, lcg(&s) % 3);
		}
		/* Every fourth file is streamed. */
		(round % 4 == 3 ? import_streamed : import_ok)(
			f->st, b.s, round % 3 == 2 ? IMPORT_DUP_FIRST : IMPORT_DUP_LAST);
		sbuf_free(&b);
		t = assert_recounts(f->st);
		free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_steps, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_import_does_not_recount, setup,
						test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_streamed_import_does_not_recount, setup,
						test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_impossible_tally_recounted, setup,
						test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_random_imports, setup, test_fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
