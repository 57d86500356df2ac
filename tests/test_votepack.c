/*
 * test_votepack: the packed vote rows (src/votepack.h). The reader against
 * rows written by votepack_add and by SQLite's own JSON functions (the
 * schema migration and the test fixtures build rows that way), damaged rows,
 * and the migration of a version 1 project, whose vote table had one row per
 * vote, to packed rows.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store.h"
#include "testutil.h"
#include "votepack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* All votes of a row as "a:l" (with a * when at or comment is present);
 * returns what votepack_next returned last. */
static int unpack(const char *row, char *out, size_t cap)
{
	struct votepack_iter it;
	struct votepack_vote v;
	struct sbuf b = {0};
	int got;

	votepack_begin(&it, row, strlen(row));
	while ((got = votepack_next(&it, &v)) > 0)
		sbuf_addf(&b, "%s%lld:%lld%s", b.len ? " " : "", (long long)v.annotator,
			  (long long)v.label, v.extra ? "*" : "");
	snprintf(out, cap, "%s", b.s ? b.s : "");
	sbuf_free(&b);
	return got;
}

static void test_read(void **state)
{
	char out[256];
	(void)state;

	assert_int_equal(unpack("[]", out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(unpack("[[3,1],[10,0],[11,2]]", out, sizeof out), 0);
	assert_string_equal(out, "3:1 10:0 11:2");
	/* Times and comments, with escapes that look like the end of a string. */
	assert_int_equal(unpack("[[1,0,\"2024-01-01\"],[2,1,null,\"a \\\"], [9,9]\\\\\"],"
				"[3,4,\"t\",\"c\"]]",
				out, sizeof out),
			 0);
	assert_string_equal(out, "1:0* 2:1* 3:4*");
	/* Whitespace between tokens, and large and negative numbers. */
	assert_int_equal(unpack(" [ [ 9223372036854775807 , -2 ] ,\n[1,0] ] ", out, sizeof out), 0);
	assert_string_equal(out, "9223372036854775807:-2 1:0");

	/* Damaged rows: every one is an error, after the votes read before it. */
	const char *bad[] = {
		"",
		"[",
		"[[1,2]",
		"[[1,2],]",
		"[[1,2]]x",
		"[[1]]",
		"[[1,]]",
		"[[a,1]]",
		"[[1,2,3]]",
		"[[1,2,\"x]]",
		"[[1.5,2]]",
		"[[1,2] [3,4]]",
		"[[1,2,\"a\",\"b\",\"c\"]]",
		"{}",
		"[[99999999999999999999,1]]",
		"[[1,2,nul]]",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (unpack(bad[i], out, sizeof out) != -1)
			fail_msg("'%s' was read as '%s'", bad[i], out);
	}
}

static void test_write(void **state)
{
	struct sbuf b = {0};
	char out[256];
	(void)state;

	sbuf_addc(&b, '[');
	votepack_add(&b, 7, 0, NULL, NULL);
	sbuf_addc(&b, ',');
	votepack_add(&b, 12, 3, "2024-05-06T07:08:09Z", NULL);
	sbuf_addc(&b, ',');
	votepack_add(&b, 40, -1, NULL, "say \"no\"\n\\");
	sbuf_addc(&b, ']');
	assert_string_equal(b.s, "[[7,0],[12,3,\"2024-05-06T07:08:09Z\"],"
				 "[40,-1,null,\"say \\\"no\\\"\\n\\\\\"]]");
	assert_int_equal(unpack(b.s, out, sizeof out), 0);
	assert_string_equal(out, "7:0 12:3* 40:-1*");
	sbuf_free(&b);
}

/* SQLite's JSON text of a row must read the same as ours. */
static void test_sqlite_rows(void **state)
{
	char path[64], out[256];
	struct store *st = test_store_create(path, "votepack");
	char *row;
	(void)state;

	row = test_query_text(st,
			      "SELECT json_array(json_array(5, 1), json_array(6, 0, 'x\"y', NULL),"
			      " json_array(8, 2, NULL, 'c'))");
	assert_int_equal(unpack(row, out, sizeof out), 0);
	assert_string_equal(out, "5:1 6:0* 8:2*");
	free(row);
	test_store_drop(st, path);
}

/*
 * A version 1 project (one vote per row, with times and comments, and a
 * separate summary table) opened by this gavel: the migration packs each
 * item's votes in annotator order next to its summary, keeps the strings,
 * keeps items that had a summary but no votes, and the summaries match what
 * store_summary_refresh computes from the packed votes.
 */
static void test_migrate_v1(void **state)
{
	char path[64], err[GV_ERR];
	struct store *st = test_store_create(path, "migrate");
	char *row;
	(void)state;

	test_exec(
		st,
		"INSERT INTO task(id, name, scale) VALUES (1, 't', 'nominal');"
		"INSERT INTO label(task, code, value, name, ord) VALUES (1, 0, 'a', 'a', 0),"
		" (1, 1, 'b', 'b', 1);"
		"INSERT INTO item(id, task, external_id) VALUES (1, 1, 'i1'), (2, 1, 'i2'),"
		" (3, 1, 'i3');"
		"INSERT INTO annotator(id, name) VALUES (3, 'x'), (4, 'y'), (9, 'z');"
		"DROP TABLE item_votes;"
		/* what version 3 added, which the migration adds again */
		"DROP TABLE event; CREATE TABLE event(seq INTEGER PRIMARY KEY, at TEXT NOT NULL,"
		" actor TEXT NOT NULL, uid INTEGER NOT NULL, host TEXT NOT NULL, ssh TEXT,"
		" action TEXT NOT NULL, item INTEGER, detail TEXT NOT NULL,"
		" prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
		"DROP TABLE expert_key; DROP TABLE packet; DROP TABLE packet_item;"
		"DROP TABLE conflict;"
		/* and what version 4 added */
		"DROP TABLE task_tally;"
		"CREATE TABLE vote(task INTEGER NOT NULL, item INTEGER NOT NULL,"
		" annotator INTEGER NOT NULL, label INTEGER NOT NULL, at TEXT, comment TEXT,"
		" source INTEGER, PRIMARY KEY (task, item, annotator)) WITHOUT ROWID;"
		"INSERT INTO vote(task, item, annotator, label, at, comment) VALUES"
		" (1, 1, 9, 1, NULL, 'late \"one\"'), (1, 1, 3, 0, '2024-01-01', NULL),"
		" (1, 1, 4, 0, NULL, NULL), (1, 2, 4, 1, 't', 'c');"
		"CREATE TABLE item_summary(item INTEGER PRIMARY KEY, task INTEGER NOT NULL,"
		" n INTEGER NOT NULL, distinct_labels INTEGER NOT NULL, plurality INTEGER,"
		" plurality_n INTEGER NOT NULL, tie INTEGER NOT NULL, agreement REAL,"
		" entropy REAL, counts TEXT NOT NULL);"
		"CREATE INDEX summary_task_agreement ON item_summary(task, agreement, item);"
		"INSERT INTO item_summary VALUES"
		" (1, 1, 3, 2, 0, 2, 0, 0.333333333333333, 0.918295834054489, '{\"a\":2,\"b\":1}'),"
		" (2, 1, 1, 1, 1, 1, 0, NULL, 0.0, '{\"b\":1}'),"
		" (3, 1, 0, 0, NULL, 0, 0, NULL, NULL, '{}');"
		"PRAGMA user_version = 1;");
	store_close(st);
	if (store_open(path, 0, &st, err))
		fail_msg("%s", err);
	row = test_query_text(st, "PRAGMA user_version");
	assert_string_equal(row, "4");
	free(row);
	row = test_query_text(st,
			      "SELECT group_concat(item || ' ' || votes || ' ' || n || ' ' || tie,"
			      " '; ') FROM (SELECT * FROM item_votes ORDER BY item)");
	assert_string_equal(row, "1 [[3,0,\"2024-01-01\"],[4,0],[9,1,null,\"late \\\"one\\\"\"]] 3"
				 " 0; 2 [[4,1,\"t\",\"c\"]] 1 0; 3 [] 0 0");
	free(row);
	row = test_item_counts(st, 1);
	assert_string_equal(row, "{\"a\":2,\"b\":1}");
	free(row);
	row = test_query_text(
		st, "SELECT count(*) FROM sqlite_schema WHERE name IN ('vote', 'item_summary',"
		    " 'summary_task_agreement')");
	assert_string_equal(row, "0");
	free(row);
	row = test_query_text(st, "SELECT group_concat(COALESCE(round(agreement, 6), 'null'), ' ')"
				  " FROM (SELECT agreement FROM item_votes ORDER BY item)");
	assert_string_equal(row, "0.333333 null null");
	free(row);
	test_summary_refresh(st, 1);
	row = test_query_text(
		st, "SELECT group_concat(n || ' ' || plurality || ' ' || printf('%.6f', entropy),"
		    " '; ') FROM item_votes WHERE n > 0");
	assert_string_equal(row, "3 0 0.918296; 1 1 0.000000");
	free(row);
	test_store_drop(st, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_sqlite_rows),
		cmocka_unit_test(test_migrate_v1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
