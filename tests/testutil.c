/*
 * testutil: shared helpers of the cmocka tests (see testutil.h).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Tests read and write votes one per row through the temporary view
 * vote_rows; its trigger merges each vote written into the item's packed row
 * (src/votepack.h) in annotator order, as the importer would. The summary
 * columns are left at zero: tests that need them call store_summary_refresh.
 */
static const char vote_rows_sql[] =
	"CREATE TEMP VIEW vote_rows(task, item, annotator, label) AS"
	" SELECT v.task, v.item, j.value->>0, j.value->>1 FROM item_votes v,"
	" json_each(v.votes) j;"
	"CREATE TEMP TRIGGER vote_rows_insert INSTEAD OF INSERT ON vote_rows BEGIN"
	" INSERT INTO item_votes(item, task, votes, n, distinct_labels, plurality_n, tie)"
	"  VALUES (NEW.item, NEW.task, json_array(json_array(NEW.annotator, NEW.label)),"
	"   0, 0, 0, 0)"
	"  ON CONFLICT (item) DO UPDATE SET votes = (SELECT json_group_array(json(e))"
	"   FROM (SELECT value AS e, value->>0 AS a FROM json_each(votes) UNION ALL"
	"   SELECT json_array(NEW.annotator, NEW.label), NEW.annotator ORDER BY a));"
	" END;";

void test_exec(struct store *st, const char *sql);

struct store *test_store_create(char path[64], const char *tag)
{
	struct store *st;
	char err[GV_ERR];
	int fd;

	snprintf(path, 64, "/tmp/gavel-%s-XXXXXX", tag);
	fd = mkstemp(path);
	if (fd < 0)
		fail_msg("mkstemp %s failed", path);
	close(fd);
	unlink(path); /* store_open creates the project and refuses an existing file */
	if (store_open(path, STORE_CREATE, &st, err))
		fail_msg("%s", err);
	test_exec(st, vote_rows_sql);
	return st;
}

void test_store_drop(struct store *st, const char *path)
{
	store_close(st);
	store_remove(path);
}

void test_exec(struct store *st, const char *sql)
{
	char err[GV_ERR];
	if (store_exec(st, sql, err))
		fail_msg("%s: %s", sql, err);
}

char *test_item_counts(struct store *st, int64_t item)
{
	struct store_task t = {0};
	struct sbuf b = {0};
	sqlite3_stmt *s;
	char err[GV_ERR], *name = NULL, *votes = NULL;

	if (sqlite3_prepare_v2(st->db,
			       "SELECT t.name, v.votes FROM item i JOIN task t ON t.id = i.task"
			       " LEFT JOIN item_votes v ON v.item = i.id WHERE i.id = ?",
			       -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s", sqlite3_errmsg(st->db));
	sqlite3_bind_int64(s, 1, item);
	if (sqlite3_step(s) != SQLITE_ROW)
		fail_msg("no item %lld", (long long)item);
	name = xstrdup((const char *)sqlite3_column_text(s, 0));
	if (sqlite3_column_type(s, 1) != SQLITE_NULL)
		votes = xstrdup((const char *)sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
	if (store_task_get(st, name, &t, err) != 1)
		fail_msg("task %s: %s", name, err);
	if (store_summary_votes_counts(&t, votes, votes ? strlen(votes) : 0, &b))
		fail_msg("item %lld: damaged votes", (long long)item);
	store_task_free(&t);
	free(name);
	free(votes);
	return sbuf_take(&b);
}

char *test_srcfile(const char *rel)
{
	const char *d = getenv("top_srcdir");
	struct sbuf b = {0};
	sbuf_addf(&b, "%s/%s", d && *d ? d : ".", rel);
	return sbuf_take(&b);
}

char *test_fixture(const char *name)
{
	struct sbuf rel = {0};
	char *path;
	sbuf_addf(&rel, "tests/data/%s", name);
	path = test_srcfile(rel.s);
	sbuf_free(&rel);
	return path;
}
