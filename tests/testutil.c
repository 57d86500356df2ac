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
#include "audit.h"
#include "store_review.h"
#include "util.h"

#include <math.h>
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

char *test_query_text(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	char *v = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(st->db));
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v ? v : xstrdup("(null)");
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

void test_summary_refresh(struct store *st, int64_t task)
{
	char err[GV_ERR];
	if (store_begin(st, err) || store_summary_refresh(st, task, err) || store_commit(st, err))
		fail_msg("%s", err);
}

struct store *test_lead_project(char path[64], const char *tag)
{
	struct store *st = test_store_create(path, tag);
	struct audit_actor ex1;
	char err[GV_ERR], other[128];
	static const struct {
		int64_t item;
		int label;
		const char *rule;
	} dec[] = {{1, 1, "R2"}, {2, 1, "R1"}, {3, 2, NULL}, {4, 2, "R1"}};

	test_exec(st,
		  "INSERT INTO task(id, name) VALUES (1, 't');"
		  "INSERT INTO label VALUES (1, 0, 'a', 'a', NULL, 0), (1, 1, 'b', 'b', NULL, 1),"
		  " (1, 2, 'c', 'c', NULL, 2);"
		  "INSERT INTO annotator(id, name) VALUES (1, 'x'), (2, 'y'), (3, 'z');"
		  "INSERT INTO item(id, task, external_id) VALUES (1, 1, 'i1'), (2, 1, 'i2'),"
		  " (3, 1, 'i3'), (4, 1, 'i4'), (5, 1, 'i5'), (6, 1, 'i6');"
		  "INSERT INTO vote_rows VALUES (1, 1, 1, 0), (1, 1, 2, 0), (1, 1, 3, 0),"
		  " (1, 2, 1, 0), (1, 2, 2, 0), (1, 2, 3, 1), (1, 3, 1, 1), (1, 3, 2, 2),"
		  " (1, 4, 1, 2), (1, 4, 2, 2), (1, 4, 3, 1), (1, 5, 1, 0),"
		  " (1, 6, 1, 1), (1, 6, 2, 1), (1, 6, 3, 0);"
		  "INSERT INTO expert(name, role, unix_uid, unix_user, added_at) VALUES"
		  " ('ex1', 'expert', 1001, 'u1', ''), ('ex2', 'expert', 1002, 'u2', '');");
	test_summary_refresh(st, 1);
	audit_actor_init(&ex1, "ex1");
	ex1.uid = 1001;
	for (size_t i = 0; i < GV_ARRAY_LEN(dec); i++) {
		struct review_decide_args d;
		int64_t id;
		memset(&d, 0, sizeof d);
		d.item = dec[i].item;
		d.label_code = dec[i].label;
		d.blind_code = -1;
		d.rule = dec[i].rule;
		d.seconds = NAN;
		if (store_review_decide(st, &ex1, &d, &id, other, sizeof other, err))
			fail_msg("%s", err);
	}
	return st;
}

struct test_fx *test_fx_new(const char *tag)
{
	struct test_fx *f = xcalloc(1, sizeof *f);
	f->st = test_store_create(f->path, tag);
	return f;
}

struct test_fx *test_fx_lead(const char *tag)
{
	struct test_fx *f = xcalloc(1, sizeof *f);
	f->st = test_lead_project(f->path, tag);
	return f;
}

int test_fx_teardown(void **state)
{
	struct test_fx *f = *state;
	store_task_free(&f->task);
	test_store_drop(f->st, f->path);
	free(f);
	return 0;
}

struct test_fx *test_fx_disputed(const char *tag, int items)
{
	struct test_fx *f = test_fx_new(tag);
	char sql[256];
	test_exec(f->st, "INSERT INTO task(id, name) VALUES (1, 't');"
			 "INSERT INTO label VALUES (1, 0, 'a', 'a', NULL, 0),"
			 " (1, 1, 'b', 'b', NULL, 1), (1, 2, 'c', 'c', NULL, 2);"
			 "INSERT INTO annotator(id, name) VALUES (1, 'x'), (2, 'y'), (3, 'z');");
	snprintf(sql, sizeof sql,
		 "INSERT INTO expert(name, role, unix_uid, unix_user, added_at)"
		 " VALUES ('me', 'expert', %ld, 'me', '')",
		 (long)getuid());
	test_exec(f->st, sql);
	snprintf(sql, sizeof sql,
		 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
		 " WHERE i < %d) INSERT INTO item(id, task, external_id)"
		 " SELECT i, 1, printf('i%%03d', i) FROM n",
		 items);
	test_exec(f->st, sql);
	test_exec(f->st, "INSERT INTO vote_rows(task, item, annotator, label)"
			 " SELECT 1, id, 1, 0 FROM item;"
			 "INSERT INTO vote_rows(task, item, annotator, label)"
			 " SELECT 1, id, 2, CASE WHEN id % 3 = 0 THEN 0 ELSE 1 END FROM item;"
			 "INSERT INTO vote_rows(task, item, annotator, label)"
			 " SELECT 1, id, 3, id % 3 FROM item;");
	test_summary_refresh(f->st, 1);
	return f;
}
