/*
 * A few votes imported into a large task cost pages in proportion to the
 * items they name, not to the task: the import reads no other item's row
 * (no pass over item, item_votes or their indexes, no recount of the task's
 * tally, no read of every annotator) and rewrites none. SQLite counts the
 * pages its connection reads from the file and writes to the log
 * (sqlite3_db_status), so the test counts them on a connection opened for
 * the import, with nothing cached, and holds them to a bound per item that
 * a pass over any of those tables would exceed many times over.
 *
 * Pages alone could miss a pass over an index whose pages the cache
 * already holds, so the tests also count what the import's statements did
 * (sqlite3_stmt_status, summed over every statement as it finishes):
 * virtual-machine steps, which a pass over the task's 100,000 rows would
 * take at least one per row, and steps of full table scans, of which there
 * are none. The same holds for a file of new items.
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

/* The task: NITEMS items with two votes each; the file adds NADD votes by
 * a new annotator, on items spread over the task. */
#define NITEMS 100000
#define NADD   8

static int import_csv(struct store *st, const char *csv)
{
	struct import_opts o = {0};
	struct import_result res;
	char err[GV_ERR];
	int rc;
	o.kind = IMPORT_VOTES;
	o.file = "t.csv";
	o.format = "csv";
	o.task = "t";
	rc = import_buffer(st, &o, csv, strlen(csv), &res, err);
	if (rc)
		print_message("import: %s\n", err);
	return rc;
}

static int setup(void **state)
{
	struct test_fx *f = test_fx_new("pages");
	struct sbuf csv = {0};
	char err[GV_ERR];

	sbuf_addf(&csv, "item,annotator,label\n");
	for (int i = 1; i <= NITEMS; i++)
		sbuf_addf(&csv, "i%06d,a,l%d\ni%06d,b,l%d\n", i, i % 3, i, i % 5 % 3);
	assert_int_equal(import_csv(f->st, csv.s), 0);
	sbuf_free(&csv);
	/* A new connection: nothing of the task in its cache. */
	store_close(f->st);
	if (store_open(f->path, 0, &f->st, err))
		fail_msg("%s", err);
	*state = f;
	return 0;
}

static int db_status(struct store *st, int op)
{
	int cur = 0, hi = 0;
	assert_int_equal(sqlite3_db_status(st->db, op, &cur, &hi, 1), SQLITE_OK);
	return cur;
}

/* What the statements of a connection did, summed as each finishes. */
struct steps {
	long vm, fullscan, statements;
};

static int steps_count(unsigned type, void *ctx, void *p, void *x)
{
	struct steps *s = ctx;
	sqlite3_stmt *stmt = p;
	(void)x;
	if (type == SQLITE_TRACE_PROFILE) {
		/* Read and reset: a statement run again counts only its new steps. */
		s->vm += sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_VM_STEP, 1);
		s->fullscan += sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
		s->statements++;
	}
	return 0;
}

static int64_t query_int(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(st->db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/*
 * Bounds per item named: the import looks the item up (a leaf of the
 * (task, external_id) index), reads and rewrites its item_votes row (one
 * leaf, which may split) and moves its entry in item_votes_agreement (the
 * leaf it leaves and the one it joins). Measured on this project (612
 * pages): 18 pages read and 8 written for one item, 48 and 35 for 8, 140
 * and 109 for 30, so about 4 read and 3.5 written per item; the interior
 * pages, the schema, the label and annotator rows, task_tally and the
 * audit event come once. A pass over item_votes alone reads a third of the
 * file.
 */
#define READ_PER_ITEM  5
#define WRITE_PER_ITEM 5
#define ONCE	       20

/*
 * Steps, measured with SQLite 3.40 on this project: 378 for one existing
 * item, 970 for 8, 2,832 for 30 (about 85 per item: its lookup, the read
 * of its row, the UPDATE with its two index entries); new items 410, 1,033
 * and 2,991. The annotator, the tally and the audit event come once. A
 * pass over the task's items takes at least one step per item, 100,000.
 */
#define STEPS_PER_ITEM 150
#define STEPS_ONCE     600

/*
 * Import csv on a new connection (nothing cached: only the import's own
 * reads and writes are counted) and count its pages read and written and
 * its statements' steps.
 */
static void import_counted(struct test_fx *f, const char *csv, int *read, int *written,
			   struct steps *steps)
{
	char err[GV_ERR];
	store_close(f->st);
	if (store_open(f->path, 0, &f->st, err))
		fail_msg("%s", err);
	memset(steps, 0, sizeof *steps);
	assert_int_equal(sqlite3_trace_v2(f->st->db, SQLITE_TRACE_PROFILE, steps_count, steps),
			 SQLITE_OK);
	db_status(f->st, SQLITE_DBSTATUS_CACHE_MISS);
	db_status(f->st, SQLITE_DBSTATUS_CACHE_WRITE);
	assert_int_equal(import_csv(f->st, csv), 0);
	*read = db_status(f->st, SQLITE_DBSTATUS_CACHE_MISS);
	*written = db_status(f->st, SQLITE_DBSTATUS_CACHE_WRITE);
	sqlite3_trace_v2(f->st->db, 0, NULL, NULL);
}

static void test_few_votes_few_pages(void **state)
{
	struct test_fx *f = *state;
	struct sbuf csv = {0}, untouched = {0};
	int64_t pages = query_int(f->st, "PRAGMA page_count");
	int64_t before, after;
	char *was, *now;
	int read, written;
	struct steps steps;

	sbuf_addf(&csv, "item,annotator,label\n");
	sbuf_addf(&untouched, "SELECT count(*) || ' ' || total(n) || ' ' || total(agreement)"
			      " || ' ' || total(length(votes)) || ' ' || total(entropy)"
			      " FROM item_votes WHERE item NOT IN (");
	for (int k = 0; k < NADD; k++) {
		int i = 1 + k * (NITEMS / NADD) + 7;
		sbuf_addf(&csv, "i%06d,c,l%d\n", i, k % 3);
		sbuf_addf(&untouched, "%s(SELECT id FROM item WHERE external_id = 'i%06d')",
			  k ? ", " : "", i);
	}
	sbuf_addc(&untouched, ')');
	before = query_int(f->st, "SELECT sum(length(votes)) FROM item_votes");
	was = test_query_text(f->st, untouched.s);
	import_counted(f, csv.s, &read, &written, &steps);
	print_message("pages: %d read, %d written, of %lld; %ld steps, %ld of scans\n", read,
		      written, (long long)pages, steps.vm, steps.fullscan);
	assert_true(read <= READ_PER_ITEM * NADD + ONCE);
	assert_true(written <= WRITE_PER_ITEM * NADD + ONCE);
	/* A pass over the task would not fit in the bounds. */
	assert_true(pages > 4 * (READ_PER_ITEM * NADD + ONCE));
	assert_true(steps.statements > 0);
	assert_int_equal(steps.fullscan, 0);
	assert_true(steps.vm <= STEPS_PER_ITEM * NADD + STEPS_ONCE);
	assert_true(NITEMS > 4 * (STEPS_PER_ITEM * NADD + STEPS_ONCE));

	/* The votes did land: one more vote on each item named. */
	after = query_int(f->st, "SELECT sum(length(votes)) FROM item_votes");
	assert_true(after > before);
	assert_int_equal(query_int(f->st, "SELECT count(*) FROM item_votes WHERE n = 3"), NADD);
	/* The other items' rows are as they were. */
	now = test_query_text(f->st, untouched.s);
	assert_string_equal(now, was);
	free(now);
	free(was);
	sbuf_free(&csv);
	sbuf_free(&untouched);
}

/*
 * A file of NADD new items, one vote each, into the same task: the items
 * and their rows are appended after the largest id, and nothing reads the
 * task's other rows either.
 */
static void test_new_items_few_pages(void **state)
{
	struct test_fx *f = *state;
	struct sbuf csv = {0};
	int64_t pages = query_int(f->st, "PRAGMA page_count");
	int read, written;
	struct steps steps;

	sbuf_addf(&csv, "item,annotator,label\n");
	for (int k = 0; k < NADD; k++)
		sbuf_addf(&csv, "new%03d,c,l%d\n", k, k % 3);
	import_counted(f, csv.s, &read, &written, &steps);
	print_message("pages: %d read, %d written, of %lld; %ld steps, %ld of scans\n", read,
		      written, (long long)pages, steps.vm, steps.fullscan);
	assert_true(read <= READ_PER_ITEM * NADD + ONCE);
	assert_true(written <= WRITE_PER_ITEM * NADD + ONCE);
	assert_int_equal(steps.fullscan, 0);
	assert_true(steps.vm <= STEPS_PER_ITEM * NADD + STEPS_ONCE);
	/* They are there, each with its vote. */
	assert_int_equal(
		query_int(f->st, "SELECT count(*) FROM item WHERE external_id LIKE 'new%'"), NADD);
	assert_int_equal(query_int(f->st, "SELECT count(*) FROM item_votes WHERE item IN"
					  " (SELECT id FROM item WHERE external_id LIKE 'new%')"
					  " AND n = 1"),
			 NADD);
	assert_int_equal(query_int(f->st, "SELECT items FROM task_tally"), NITEMS + NADD);
	sbuf_free(&csv);
}

/*
 * An existing item whose item_votes row is missing (every writer makes
 * one, so only a hand-edited file lacks it) gets its row inserted, with
 * the tally moved by it, instead of an update that finds nothing.
 */
static void test_missing_row_inserted(void **state)
{
	struct test_fx *f = *state;
	char *err = NULL;
	int64_t items = query_int(f->st, "SELECT items FROM task_tally");
	assert_int_equal(sqlite3_exec(f->st->db,
				      "DELETE FROM item_votes WHERE item ="
				      " (SELECT id FROM item WHERE external_id = 'i000042');"
				      "UPDATE task_tally SET items = items - 1, votes = votes - 2,"
				      " compared = compared - 1, disputed = disputed - 1",
				      NULL, NULL, &err),
			 SQLITE_OK);
	sqlite3_free(err);
	assert_int_equal(import_csv(f->st, "item,annotator,label\ni000042,c,l1\ni000043,c,l1\n"),
			 0);
	assert_int_equal(query_int(f->st, "SELECT n FROM item_votes WHERE item ="
					  " (SELECT id FROM item WHERE external_id = 'i000042')"),
			 1);
	assert_int_equal(query_int(f->st, "SELECT n FROM item_votes WHERE item ="
					  " (SELECT id FROM item WHERE external_id = 'i000043')"),
			 3);
	assert_int_equal(query_int(f->st, "SELECT items FROM task_tally"), items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_few_votes_few_pages, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_new_items_few_pages, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_missing_row_inserted, setup, test_fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
