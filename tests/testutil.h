/*
 * testutil: what the cmocka tests share: a new project database in a
 * temporary file, its removal, SQL that must succeed, and the paths of
 * source files and fixtures. Each helper fails the running test on error.
 */
#ifndef GAVEL_TESTUTIL_H
#define GAVEL_TESTUTIL_H

#include "audit.h"
#include "store.h"

/* Create a new project in a fresh /tmp/gavel-TAG-XXXXXX file; path gets its name.
 * Tests see its votes one per row in the view vote_rows(task, item,
 * annotator, label), and fixtures add them with INSERT INTO vote_rows. */
struct store *test_store_create(char path[64], const char *tag);

/* Close st and remove the project file with its -wal and -shm companions. */
void test_store_drop(struct store *st, const char *path);

/* Run SQL that must succeed (fixtures, tampering). */
void test_exec(struct store *st, const char *sql);

/* Recompute task's per-item summaries in a transaction of their own; the
 * test fails on an error. */
void test_summary_refresh(struct store *st, int64_t task);

/*
 * The lead's hand-worked project (tests/test_lead.c works its figures out)
 * in a fresh file as test_store_create makes it: task t, nominal, labels a,
 * b, c; annotators x, y, z; experts ex1 (uid 1001) and ex2 (uid 1002); six
 * items with their summaries:
 *   i1: x a, y a, z a    i2: x a, y a, z b    i3: x b, y c
 *   i4: x c, y c, z b    i5: x a              i6: x b, y b, z a
 * and decisions by ex1: i1 -> b citing R2, i2 -> b citing R1, i3 -> c
 * citing none, i4 -> c citing R1.
 */
struct store *test_lead_project(char path[64], const char *tag);

/* A test's project for cmocka's setup and teardown: the file and its
 * connection, and what tests of it often keep beside them: the actor its
 * writes are by (set by the setup that needs one) and a task read with
 * store_task_get (freed by test_fx_teardown; all zero when unused). */
struct test_fx {
	char path[64];
	struct store *st;
	struct audit_actor actor;
	struct store_task task;
};

/* A fixture over a new empty project (test_store_create) or over the lead's
 * project (test_lead_project), for a setup to return in *state. */
struct test_fx *test_fx_new(const char *tag);
struct test_fx *test_fx_lead(const char *tag);
/* A fixture over a project with task t (labels a, b, c) and `items` items,
 * each with three votes: items whose id is a multiple of 3 unanimous, the
 * rest disputed (2 to 1 or all different); one expert, "me", mapped to the
 * caller's uid. */
struct test_fx *test_fx_disputed(const char *tag, int items);

/* cmocka teardown of the struct test_fx in *state: frees its task, closes
 * the project, removes its files and frees the fixture. */
int test_fx_teardown(void **state);

/* The first column of SQL's first row as a heap string ("(null)" for NULL
 * or no row); SQL that fails fails the test. */
char *test_query_text(struct store *st, const char *sql);

/* The counts per label of an item's stored votes, as store_summary_votes_counts
 * gives them ("{}" for an item without a row); caller frees. */
char *test_item_counts(struct store *st, int64_t item);

/* $top_srcdir/REL as a heap string (the source tree, also under distcheck). */
char *test_srcfile(const char *rel);

/* $top_srcdir/tests/data/NAME as a heap string. */
char *test_fixture(const char *name);

#endif
