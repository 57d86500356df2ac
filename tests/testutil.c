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
	" INSERT INTO item_votes(item, task, votes, n, distinct_labels, plurality_n, tie, counts)"
	"  VALUES (NEW.item, NEW.task, json_array(json_array(NEW.annotator, NEW.label)),"
	"   0, 0, 0, 0, '{}')"
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
