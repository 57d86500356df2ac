/*
 * Unit tests of the import pipeline and its database sink on temporary
 * projects: tasks created from the data (numeric labels in numeric order,
 * stable codes), declared label sets, duplicates (error, first, last, within
 * the file and against stored votes), predictions (sum check, entropy,
 * margin), item metadata, decisions, the audit event, and that a rejected
 * file leaves the database byte-for-byte the same in content.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "formats.h"
#include "import.h"
#include "store.h"
#include "store_import_priv.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int setup(void **state)
{
	*state = test_fx_new("import");
	return 0;
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

static double q_num(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	double v = NAN;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(st->db));
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_double(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* The text of the first row's first column ("(null)" for NULL); caller frees. */
static char *q_text(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	char *v = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(st->db));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = xstrdup(sqlite3_column_type(s, 0) == SQLITE_NULL
				    ? "(null)"
				    : (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v ? v : xstrdup("(no row)");
}

static void expect_text(struct store *st, const char *sql, const char *want)
{
	char *got = q_text(st, sql);
	if (strcmp(got, want) != 0)
		fail_msg("%s\n  got:  %s\n  want: %s", sql, got, want);
	free(got);
}

/* SHA-256 over every row of every table (schema included), in a fixed order. */
static void checksum(struct store *st, char out[65])
{
	struct sbuf all = {0}, sql = {0};
	sqlite3_stmt *t, *s;
	if (sqlite3_prepare_v2(
		    st->db,
		    "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name", -1,
		    &t, NULL) != SQLITE_OK)
		fail_msg("%s", sqlite3_errmsg(st->db));
	while (sqlite3_step(t) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(t, 0);
		sbuf_addf(&all, "table %s %s\n", name, sqlite3_column_text(t, 1));
		int ncol;
		sbuf_reset(&sql);
		sbuf_addf(&sql, "SELECT * FROM \"%s\"", name);
		if (sqlite3_prepare_v2(st->db, sql.s, -1, &s, NULL) != SQLITE_OK)
			fail_msg("%s", sqlite3_errmsg(st->db));
		ncol = sqlite3_column_count(s);
		sqlite3_finalize(s);
		sbuf_add(&sql, " ORDER BY 1");
		for (int i = 2; i <= ncol; i++)
			sbuf_addf(&sql, ", %d", i);
		if (sqlite3_prepare_v2(st->db, sql.s, -1, &s, NULL) != SQLITE_OK)
			fail_msg("%s", sqlite3_errmsg(st->db));
		while (sqlite3_step(s) == SQLITE_ROW) {
			for (int i = 0; i < sqlite3_column_count(s); i++) {
				const unsigned char *v = sqlite3_column_text(s, i);
				sbuf_addf(&all, "%s\x1f", v ? (const char *)v : "\x01NULL");
			}
			sbuf_addc(&all, '\n');
		}
		sqlite3_finalize(s);
	}
	sqlite3_finalize(t);
	util_sha256_hex(all.s ? all.s : "", all.len, out);
	sbuf_free(&all);
	sbuf_free(&sql);
}

static int run(struct test_fx *f, enum import_kind kind, const char *file, const char *data,
	       const char *task, enum import_dup dup, struct import_result *res, char *err)
{
	struct import_opts o = {0};
	o.kind = kind;
	o.file = file;
	o.task = task;
	o.dup = dup;
	o.model = "m1";
	o.expert = "gold";
	return import_buffer(f->st, &o, data, strlen(data), res, err);
}

static void run_ok(struct test_fx *f, enum import_kind kind, const char *file, const char *data,
		   const char *task, enum import_dup dup, struct import_result *res)
{
	char err[GV_ERR];
	if (run(f, kind, file, data, task, dup, res, err))
		fail_msg("import of %s failed: %s", file, err);
}

/* The import must fail with a message starting with want_pos and holding want,
 * and leave the database content exactly as it was. */
static void run_bad(struct test_fx *f, enum import_kind kind, const char *file, const char *data,
		    const char *task, const char *want_pos, const char *want)
{
	struct import_result res;
	char err[GV_ERR], before[65], after[65];
	checksum(f->st, before);
	if (run(f, kind, file, data, task, IMPORT_DUP_ERROR, &res, err) == 0)
		fail_msg("import of %s succeeded, wanted '%s'", file, want);
	if (strncmp(err, want_pos, strlen(want_pos)) != 0 || !strstr(err, want))
		fail_msg("error '%s'\n  wanted it to start with '%s' and mention '%s'", err,
			 want_pos, want);
	checksum(f->st, after);
	assert_string_equal(before, after);
}

static void test_task_from_data(void **state)
{
	struct test_fx *f = *state;
	struct import_result r;
	run_ok(f, IMPORT_VOTES, "data/sentiment.csv",
	       "item,annotator,label\n"
	       "i1,ann1,10\n"
	       "i1,ann2,2\n"
	       "i2,ann1,b\n"
	       "i2,ann3,1\n"
	       "i3,ann2,a\n",
	       NULL, IMPORT_DUP_ERROR, &r);
	/* No task anywhere: named after the file stem, created nominal. */
	assert_string_equal(r.task, "sentiment");
	assert_int_equal(r.task_created, 1);
	assert_int_equal(r.n.votes, 5);
	assert_int_equal(r.n.items_seen, 3);
	assert_int_equal(r.n.annotators, 3);
	assert_int_equal(r.n.labels, 5);
	assert_string_equal(r.format, "csv");
	expect_text(f->st, "SELECT scale || declared FROM task WHERE name = 'sentiment'",
		    "nominal0");
	/* Numbers first in numeric order (1 < 2 < 10), then text in byte order. */
	expect_text(f->st,
		    "SELECT group_concat(value || '=' || code, ' ') FROM"
		    " (SELECT value, code FROM label ORDER BY ord)",
		    "1=0 2=1 10=2 a=3 b=4");
	/* A second file brings new labels: without --task it needs new_labels
	 * (the file may be another task's); then old codes stay and ord is
	 * recomputed. */
	run_bad(f, IMPORT_VOTES, "more.csv", "item,annotator,label\ni4,ann1,1.5\ni4,ann4,0\n", NULL,
		"more.csv: ",
		"brings 2 new labels ('0', '1.5') to task 'sentiment', whose 5 labels came from "
		"earlier imports");
	{
		static const char more[] = "item,annotator,label\ni4,ann1,1.5\ni4,ann4,0\n";
		struct import_opts o = {.kind = IMPORT_VOTES, .file = "more.csv", .new_labels = 1};
		char err[GV_ERR];
		if (import_buffer(f->st, &o, more, sizeof more - 1, &r, err))
			fail_msg("%s", err);
		assert_string_equal(r.new_labels, "0, 1.5");
	}
	assert_string_equal(r.task, "sentiment"); /* the only task */
	assert_int_equal(r.n.labels_created, 2);
	assert_int_equal(r.n.annotators_added, 1);
	expect_text(f->st,
		    "SELECT group_concat(value || '=' || code, ' ') FROM"
		    " (SELECT value, code FROM label ORDER BY ord)",
		    "0=5 1=0 1.5=6 2=1 10=2 a=3 b=4");
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM vote_rows"), 7);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM item WHERE text IS NULL"), 4);
	/* Votes point at the right rows. */
	expect_text(f->st,
		    "SELECT l.value FROM vote_rows v JOIN item i ON i.id = v.item"
		    " JOIN annotator a ON a.id = v.annotator"
		    " JOIN label l ON l.task = v.task AND l.code = v.label"
		    " WHERE i.external_id = 'i2' AND a.name = 'ann3'",
		    "1");
	/* Summaries were refreshed in the same transaction. */
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM item_votes"), 4);
	assert_int_equal(q_int(f->st, "SELECT n FROM item_votes s JOIN item i ON i.id = s.item"
				      " WHERE i.external_id = 'i1'"),
			 2);
}

static void test_audit_event(void **state)
{
	struct test_fx *f = *state;
	struct import_result r;
	static const char data[] = "worker,task,answer\nw1,x,pos\nw2,x,neg\n";
	char sha[65], *detail;
	run_ok(f, IMPORT_VOTES, "crowd.csv", data, "t", IMPORT_DUP_ERROR, &r);
	util_sha256_hex(data, sizeof data - 1, sha);
	assert_string_equal(r.sha256, sha);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM event WHERE action = 'import'"), 1);
	detail = q_text(f->st, "SELECT detail FROM event WHERE action = 'import'");
	if (!strstr(detail, sha) || !strstr(detail, "\"file\":\"crowd.csv\"") ||
	    !strstr(detail, "\"votes\":2") || !strstr(detail, "\"kind\":\"votes\"") ||
	    !strstr(detail, "\"task\":\"t\"") || !strstr(detail, "\"labels_created\":2"))
		fail_msg("import event detail: %s", detail);
	free(detail);
	/* The crowd-kit aliases task/worker/answer were understood. */
	expect_text(f->st, "SELECT external_id FROM item", "x");

	/* A file of over 1 MiB is hashed on another thread while the rows are
	 * written: the event still names its hash. */
	{
		struct sbuf big = {0};
		sbuf_add(&big, "item,annotator,label\n");
		for (int i = 0; big.len <= (1u << 20) + 100; i++)
			sbuf_addf(&big, "item-%07d,a%d,%s\n", i, i % 7, i % 3 ? "pos" : "neg");
		run_ok(f, IMPORT_VOTES, "big.csv", big.s, "t", IMPORT_DUP_ERROR, &r);
		util_sha256_hex(big.s, big.len, sha);
		assert_string_equal(r.sha256, sha);
		detail = q_text(f->st, "SELECT detail FROM event WHERE action = 'import'"
				       " ORDER BY seq DESC LIMIT 1");
		if (!strstr(detail, sha) || !strstr(detail, "\"file\":\"big.csv\""))
			fail_msg("import event detail: %s", detail);
		free(detail);
		sbuf_free(&big);
	}
}

static void test_declared_labels(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR];
	int64_t t;
	struct import_result r;
	if (store_begin(f->st, err))
		fail_msg("%s", err);
	t = store_task_create(f->st, "mod", SCALE_NOMINAL, 0.7, 1, err);
	assert_true(t > 0);
	if (store_label_add(f->st, t, 0, "ok", "OK", "o", 0, err) ||
	    store_label_add(f->st, t, 1, "spam", "Spam", "s", 1, err) || store_commit(f->st, err))
		fail_msg("%s", err);
	/* Line 3 "i2,bb,toxic": the label field starts at column 7. */
	run_bad(f, IMPORT_VOTES, "m.csv", "item,annotator,label\ni1,a,ok\ni2,bb,toxic\n", "mod",
		"m.csv:3:7: ", "unknown label 'toxic'");
	run_ok(f, IMPORT_VOTES, "m.csv", "item,annotator,label\ni1,a,ok\ni2,bb,spam\n", "mod",
	       IMPORT_DUP_ERROR, &r);
	assert_int_equal(r.n.labels_created, 0);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM label"), 2);

	/*
	 * Long files: the first error in the file is the one reported,
	 * whether the database side (an unknown label) or the reader (a
	 * ragged row) finds it, wherever it stands.
	 */
	{
		struct sbuf a = {0}, b = {0};
		sbuf_add(&a, "item,annotator,label\n");
		sbuf_add(&b, "item,annotator,label\n");
		for (int i = 1; i <= 20000; i++) {
			sbuf_addf(&a, "x%d,a,%s\n", i, i == 9000 ? "toxic" : "ok");
			if (i == 15000)
				sbuf_addf(&a, "x%d,a\n", i);
			if (i == 5000)
				sbuf_addf(&b, "x%d,a\n", i);
			else
				sbuf_addf(&b, "x%d,a,%s\n", i, i == 17000 ? "toxic" : "ok");
		}
		run_bad(f, IMPORT_VOTES, "long.csv", a.s, "mod", "long.csv:9001:", "unknown label");
		run_bad(f, IMPORT_VOTES, "long.csv", b.s, "mod", "long.csv:5001:",
			"expected 3 fields");
		sbuf_free(&a);
		sbuf_free(&b);
	}
}

static void test_duplicates(void **state)
{
	struct test_fx *f = *state;
	struct import_result r;
	static const char dup[] = "item,annotator,label\n"
				  "i1,a,x\n"
				  "i2,a,x\n"
				  "i1,a,y\n"
				  "i1,b,y\n";
	const char *label_sql = "SELECT l.value FROM vote_rows v JOIN item i ON i.id = v.item"
				" JOIN annotator a ON a.id = v.annotator"
				" JOIN label l ON l.task = v.task AND l.code = v.label"
				" WHERE i.external_id = 'i1' AND a.name = 'a'";

	run_bad(f, IMPORT_VOTES, "d.csv", dup, "t", "d.csv:4: ", "first at line 2");
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM task"), 0);

	run_ok(f, IMPORT_VOTES, "d.csv", dup, "t", IMPORT_DUP_FIRST, &r);
	assert_int_equal(r.n.votes, 3);
	assert_int_equal(r.n.duplicates, 1);
	expect_text(f->st, label_sql, "x");

	/* The same vote again, now against the stored one. */
	run_bad(f, IMPORT_VOTES, "again.csv", "item,annotator,label\ni1,a,y\n", "t",
		"again.csv:2: ", "already has a vote");
	run_ok(f, IMPORT_VOTES, "again.csv", "item,annotator,label\ni1,a,y\n", "t",
	       IMPORT_DUP_FIRST, &r);
	assert_int_equal(r.n.votes, 0);
	assert_int_equal(r.n.duplicates, 1);
	expect_text(f->st, label_sql, "x");
	run_ok(f, IMPORT_VOTES, "again.csv", "item,annotator,label\ni1,a,y\ni1,a,x\ni1,a,y\n", "t",
	       IMPORT_DUP_LAST, &r);
	assert_int_equal(r.n.duplicates, 2);
	expect_text(f->st, label_sql, "y");
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM vote_rows"), 3);
}

/* Votes with times and comments, merged into items that already have votes:
 * each item's packed row keeps every vote in annotator order, the strings
 * intact, and the stored votes untouched by a later file. */
static void test_packed_merge(void **state)
{
	struct test_fx *f = *state;
	struct import_result r;

	run_ok(f, IMPORT_VOTES, "a.csv",
	       "item,annotator,label,at,comment\n"
	       "i1,bo,x,2024-01-02T03:04:05Z,\"hm, \"\"quoted\"\"\nline\"\n"
	       "i1,al,y,,\n"
	       "i2,cy,x,,only a comment\n",
	       "t", IMPORT_DUP_ERROR, &r);
	assert_int_equal(r.n.votes, 3);
	/* New annotators are numbered in the byte order of their names, not in
	 * the file's order: al 1, bo 2, cy 3. */
	expect_text(f->st, "SELECT votes FROM item_votes WHERE item = 1",
		    "[[1,1],[2,0,\"2024-01-02T03:04:05Z\",\"hm, \\\"quoted\\\"\\nline\"]]");
	expect_text(f->st, "SELECT votes FROM item_votes WHERE item = 2", "[[3,0,null,\"only a comment\"]]");
	expect_text(f->st,
		    "SELECT j.value->>3 FROM item_votes v, json_each(v.votes) j WHERE v.item = 1"
		    " AND j.value->>0 = 2",
		    "hm, \"quoted\"\nline");

	/* A second file: az and dee, numbered 4 and 5, after the stored ones. */
	run_ok(f, IMPORT_VOTES, "b.csv",
	       "item,annotator,label,at,comment\n"
	       "i1,az,x,,second file\n"
	       "i1,dee,y,,\n",
	       "t", IMPORT_DUP_ERROR, &r);
	assert_int_equal(r.n.votes, 2);
	expect_text(f->st, "SELECT group_concat(a.name || '=' || l.value, ' ') FROM"
			   " (SELECT j.value->>0 AS ann, j.value->>1 AS code, j.key AS k"
			   "  FROM item_votes v, json_each(v.votes) j WHERE v.item = 1) x"
			   " JOIN annotator a ON a.id = x.ann JOIN label l ON l.code = x.code"
			   " ORDER BY x.k",
		    "al=y bo=x az=x dee=y");
	expect_text(f->st, "SELECT votes FROM item_votes WHERE item = 1",
		    "[[1,1],[2,0,\"2024-01-02T03:04:05Z\",\"hm, \\\"quoted\\\"\\nline\"],"
		    "[4,0,null,\"second file\"],[5,1]]");
	assert_int_equal(q_int(f->st, "SELECT n FROM item_votes WHERE item = 1"), 4);

	/* --duplicates last replaces bo's vote (and its comment); first keeps al's. */
	run_ok(f, IMPORT_VOTES, "c.csv", "item,annotator,label\ni1,bo,y\n", "t", IMPORT_DUP_LAST,
	       &r);
	assert_int_equal(r.n.votes, 1);
	run_ok(f, IMPORT_VOTES, "d.csv", "item,annotator,label\ni1,al,x\n", "t", IMPORT_DUP_FIRST,
	       &r);
	assert_int_equal(r.n.votes, 0);
	assert_int_equal(r.n.duplicates, 1);
	expect_text(f->st, "SELECT votes FROM item_votes WHERE item = 1",
		    "[[1,1],[2,1],[4,0,null,\"second file\"],[5,1]]");
	{
		char *counts = test_item_counts(f->st, 1);
		assert_string_equal(counts, "{\"x\":1,\"y\":3}");
		free(counts);
	}

	/* A damaged stored row is reported, not misread. */
	test_exec(f->st, "UPDATE item_votes SET votes = '[[3,1],[4' WHERE item = 2");
	run_bad(f, IMPORT_VOTES, "e.csv", "item,annotator,label\ni2,al,x\n", "t", "",
		"stored votes of item 'i2' are damaged");
}

/* A small file into a larger task finds its items one by one through the
 * (task, external_id) index, a large one reads the task's items in one pass:
 * both must find the same stored items and create only the new ones. */
static void test_item_lookup(void **state)
{
	struct test_fx *f = *state;
	struct import_result r;
	struct sbuf csv = {0};

	sbuf_add(&csv, "item,annotator,label\n");
	for (int i = 1; i <= 40; i++)
		sbuf_addf(&csv, "i%d,al,x\n", i);
	run_ok(f, IMPORT_VOTES, "a.csv", csv.s, "t", IMPORT_DUP_ERROR, &r);
	assert_int_equal(r.n.items_added, 40);
	/* 2 items against 40 stored: looked up one by one. */
	run_ok(f, IMPORT_VOTES, "b.csv", "item,annotator,label\ni7,bo,y\ni41,bo,x\n", "t",
	       IMPORT_DUP_ERROR, &r);
	assert_int_equal(r.n.items_added, 1);
	assert_int_equal(q_int(f->st, "SELECT n FROM item_votes v JOIN item i ON i.id = v.item"
				      " WHERE i.external_id = 'i7'"),
			 2);
	/* 30 items against 41 stored: one pass over the task. */
	sbuf_reset(&csv);
	sbuf_add(&csv, "item,annotator,label\n");
	for (int i = 12; i <= 41; i++)
		sbuf_addf(&csv, "i%d,cy,y\n", i);
	run_ok(f, IMPORT_VOTES, "c.csv", csv.s, "t", IMPORT_DUP_ERROR, &r);
	assert_int_equal(r.n.items_added, 0);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM item"), 41);
	assert_int_equal(q_int(f->st, "SELECT sum(n) FROM item_votes"), 40 + 2 + 30);
	sbuf_free(&csv);
}

static void test_predictions(void **state)
{
	struct test_fx *f = *state;
	struct import_result r;
	run_ok(f, IMPORT_VOTES, "v.csv", "item,annotator,label\ni1,a,a\ni1,b,b\ni2,a,c\n", "t",
	       IMPORT_DUP_ERROR, &r);
	/* A distribution that does not sum to 1: line 3, the first probability
	 * column starts at column 4. */
	run_bad(f, IMPORT_PREDICTIONS, "p.csv", "item,a,b,c\ni1,0.7,0.2,0.1\ni2,0.5,0.2,0.1\n", "t",
		"p.csv:3:4: ", "sum to 0.8");
	run_bad(f, IMPORT_PREDICTIONS, "p.csv", "item,a,b,d\ni1,0.7,0.2,0.1\n", "t",
		"p.csv:2:4: ", "unknown label 'd'");
	run_bad(f, IMPORT_PREDICTIONS, "p.csv", "item,a,b,c\ni1,0.7,x,0.1\n", "t",
		"p.csv:2:8: ", "not a probability");
	/* i9 is not an item of the task: refused at its line, unless new_items
	 * asks for it to be created (with no text). */
	run_bad(f, IMPORT_PREDICTIONS, "p.csv",
		"item,a,b,c\ni1,0.7,0.2,0.1\ni2,0.25,0.25,0.5\ni9,0.3333,0.3333,0.3334\n", "t",
		"p.csv:4:4: ",
		"prediction for item 'i9', which task 't' does not have (1 of the file's 3 items "
		"are unknown)");
	{
		static const char preds[] =
			"item,a,b,c\ni1,0.7,0.2,0.1\ni2,0.25,0.25,0.5\ni9,0.3333,0.3333,0.3334\n";
		struct import_opts o = {.kind = IMPORT_PREDICTIONS,
					.file = "p.csv",
					.task = "t",
					.model = "m1",
					.new_items = 1};
		char err[GV_ERR];
		if (import_buffer(f->st, &o, preds, sizeof preds - 1, &r, err))
			fail_msg("%s", err);
	}
	assert_int_equal(r.n.predictions, 3);
	assert_int_equal(r.n.items_added, 1);
	expect_text(f->st,
		    "SELECT l.value FROM prediction p JOIN item i ON i.id = p.item"
		    " JOIN label l ON l.task = i.task AND l.code = p.label"
		    " WHERE i.external_id = 'i1' AND p.model = 'm1'",
		    "a");
	/* Entropy -sum p ln p / ln 3, from Python: 0.7298466991620974 and
	 * 0.946394630357186; margins 0.7 - 0.2 and 0.5 - 0.25. */
	assert_true(fabs(q_num(f->st, "SELECT entropy FROM prediction p JOIN item i ON i.id ="
				      " p.item WHERE external_id = 'i1'") -
			 0.7298466991620974) < 1e-12);
	assert_true(fabs(q_num(f->st, "SELECT entropy FROM prediction p JOIN item i ON i.id ="
				      " p.item WHERE external_id = 'i2'") -
			 0.946394630357186) < 1e-12);
	assert_true(fabs(q_num(f->st, "SELECT margin FROM prediction p JOIN item i ON i.id ="
				      " p.item WHERE external_id = 'i1'") -
			 0.5) < 1e-12);
	assert_true(fabs(q_num(f->st, "SELECT confidence FROM prediction p JOIN item i ON i.id ="
				      " p.item WHERE external_id = 'i2'") -
			 0.5) < 1e-12);
	expect_text(f->st,
		    "SELECT json_extract(probs, '$.b') FROM prediction p JOIN item i ON"
		    " i.id = p.item WHERE external_id = 'i2'",
		    "0.25");
	/* Top label with confidence only: entropy and margin unknown. A second
	 * prediction of the same model needs --duplicates. */
	run_bad(f, IMPORT_PREDICTIONS, "top.csv", "item,label,confidence\ni1,b,0.9\n", "t",
		"top.csv:2:4: ", "already has a prediction");
	run_ok(f, IMPORT_PREDICTIONS, "top.csv", "item,label,confidence\ni1,b,0.9\n", "t",
	       IMPORT_DUP_LAST, &r);
	expect_text(f->st,
		    "SELECT coalesce(entropy, 'null') || ' ' || coalesce(margin, 'null')"
		    " || ' ' || confidence || ' ' || probs FROM prediction p JOIN item i ON"
		    " i.id = p.item WHERE external_id = 'i1'",
		    "null null 0.9 {\"b\":0.9}");
}

static void test_items(void **state)
{
	struct test_fx *f = *state;
	struct import_result r;
	run_ok(f, IMPORT_VOTES, "v.csv", "item,annotator,label\ni1,a,x\n", "t", IMPORT_DUP_ERROR,
	       &r);
	run_ok(f, IMPORT_ITEMS, "items.csv",
	       "item,text,source,lang\n"
	       "i1,\"Great, really \"\"great\"\"\",web,en\n"
	       "i2,\"two\nlines\",app,\"d\xC3\xA9\"\n",
	       "t", IMPORT_DUP_ERROR, &r);
	assert_int_equal(r.n.items_added, 1);
	assert_int_equal(r.n.items_updated, 1);
	expect_text(f->st, "SELECT text FROM item WHERE external_id = 'i1'",
		    "Great, really \"great\"");
	expect_text(f->st, "SELECT text FROM item WHERE external_id = 'i2'", "two\nlines");
	expect_text(f->st, "SELECT meta FROM item WHERE external_id = 'i1'",
		    "{\"source\":\"web\",\"lang\":\"en\"}");
	expect_text(f->st, "SELECT json_extract(meta, '$.lang') FROM item WHERE external_id = 'i2'",
		    "d\xC3\xA9");
	run_bad(f, IMPORT_ITEMS, "items.csv", "item,text\ni3,a\ni3,b\n", "t",
		"items.csv:3:1: ", "given again (first at line 2)");
	/* TSV with a BOM and CRLF line ends. */
	run_ok(f, IMPORT_ITEMS, "items.tsv", "\xEF\xBB\xBFid\ttext\r\ni3\tthree\r\n", "t",
	       IMPORT_DUP_ERROR, &r);
	assert_string_equal(r.format, "tsv");
	expect_text(f->st,
		    "SELECT coalesce(meta, 'none') || text FROM item WHERE external_id = 'i3'",
		    "nonethree");
}

static void test_bad_files(void **state)
{
	struct test_fx *f = *state;
	struct import_result r;
	run_ok(f, IMPORT_VOTES, "v.csv", "item,annotator,label\ni1,a,x\n", "t", IMPORT_DUP_ERROR,
	       &r);
	run_bad(f, IMPORT_VOTES, "b.csv", "item,annotator,label\ni2,a,x\ni3,b\n", "t",
		"b.csv:3:5: ", "expected 3 fields");
	run_bad(f, IMPORT_VOTES, "b.csv", "item,annotator,label\ni2,a,\"x\n", "t",
		"b.csv:2:6: ", "unterminated");
	run_bad(f, IMPORT_VOTES, "b.csv", "item,annotator,label\ni2,a,x\xFF\n", "t",
		"b.csv:2:7: ", "invalid UTF-8");
	run_bad(f, IMPORT_VOTES, "b.csv", "item,annotator,label\ni2,,x\n", "t",
		"b.csv:2:4: ", "empty annotator");
	run_bad(f, IMPORT_VOTES, "b.csv", "item,annotator,label\n,a,x\n", "t",
		"b.csv:2:1: ", "empty item");
	run_bad(f, IMPORT_VOTES, "b.csv", "item,annotator,label\ni2,a,\n", "t",
		"b.csv:2:6: ", "empty label");
	run_bad(f, IMPORT_VOTES, "b.csv", "item,who,label\ni2,a,x\n", "t",
		"b.csv:1: ", "the header (item, who, label) has no annotator column");
	run_bad(f, IMPORT_VOTES, "b.csv", "item,annotator,label\n", "t", "b.csv: ",
		"no votes to import into task 't': gavel reads one vote per row");
	run_bad(f, IMPORT_VOTES, "b.csv", "", "t", "b.csv: ", "empty file");
	/* An escape sequence in a bad label is made visible, never kept raw. */
	{
		char err[GV_ERR];
		struct store_task unused;
		(void)unused;
		store_exec(f->st, "UPDATE task SET declared = 1", err);
		run_bad(f, IMPORT_VOTES, "b.csv", "item,annotator,label\ni2,a,\x1b]0;owned\x07x\n",
			"t", "b.csv:2:6: ", "unknown label");
		if (run(f, IMPORT_VOTES, "b.csv", "item,annotator,label\ni2,a,\x1b[31mred\n", "t",
			IMPORT_DUP_ERROR, &r, err) == 0)
			fail_msg("accepted an unknown label");
		assert_null(strchr(err, '\x1b'));
		assert_null(strchr(err, '\x07'));
	}
}

static void test_nul_byte(void **state)
{
	struct test_fx *f = *state;
	struct import_result r;
	char err[GV_ERR], before[65], after[65];
	static const char data[] = "item,annotator,label\ni1,a,x\ni2,a,x\0y\n";
	struct import_opts o = {.kind = IMPORT_VOTES, .file = "n.csv", .task = "t"};
	checksum(f->st, before);
	assert_int_equal(import_buffer(f->st, &o, data, sizeof data - 1, &r, err), IMPORT_FAIL);
	if (strncmp(err, "n.csv:3:7: NUL byte", 19) != 0)
		fail_msg("%s", err);
	checksum(f->st, after);
	assert_string_equal(before, after);
}

static void test_decisions(void **state)
{
	struct test_fx *f = *state;
	struct import_result r;
	run_ok(f, IMPORT_VOTES, "v.csv", "item,annotator,label\ni1,a,x\ni2,a,y\n", "t",
	       IMPORT_DUP_ERROR, &r);
	run_ok(f, IMPORT_DECISIONS, "gold.csv", "item,label,reason\ni1,y,rule 3\ni2,y,\n", "t",
	       IMPORT_DUP_ERROR, &r);
	assert_int_equal(r.n.decisions, 2);
	expect_text(f->st,
		    "SELECT group_concat(expert || ':' || origin || ':' ||"
		    " coalesce(reason, '-'), ' ') FROM (SELECT * FROM decision ORDER BY id)",
		    "gold:import:rule 3 gold:import:-");
	/* One event per decision, one for the file. */
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM event WHERE action = 'decide'"), 2);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM event WHERE action = 'import'"), 2);
	run_bad(f, IMPORT_DECISIONS, "gold2.csv", "item,label\ni1,x\n", "t",
		"gold2.csv:2: ", "already has a decision");
	run_ok(f, IMPORT_DECISIONS, "gold2.csv", "item,label\ni1,x\n", "t", IMPORT_DUP_LAST, &r);
	assert_int_equal(q_int(f->st, "SELECT count(*) FROM decision WHERE supersedes IS NOT NULL"),
			 1);
}

/* import_detect picks the format called want (NULL: none) for this file. */
static void detects(const char *file, const char *buf, enum import_kind kind, const char *want)
{
	char err[GV_ERR];
	const struct fmt *fm = import_detect(file, buf, strlen(buf), kind, err);
	if (!want) {
		assert_null(fm);
		assert_non_null(strstr(err, "--format"));
		return;
	}
	if (!fm)
		fail_msg("%s: no format (%s), wanted %s", file, err, want);
	assert_string_equal(fm->name, want);
}

static void test_detection(void **state)
{
	char err[GV_ERR];
	detects("x.txt", "item\tannotator\tlabel\n", IMPORT_VOTES, "tsv");
	detects("x.txt", "item,annotator,label\n", IMPORT_VOTES, "csv");
	/* A one-column file says nothing; the extension decides. */
	detects("x.csv", "item\n", IMPORT_ITEMS, "csv");
	detects("x.dat", "item\n", IMPORT_ITEMS, NULL);
	/* Each format's own extensions, in any case: tsv's second one, and
	 * jsonl's ndjson, which prodigy shares but only jsonl (FMT_BY_EXT) is
	 * picked by when no detector accepts the content. */
	detects("dir.v2/x.TAB", "item\n", IMPORT_ITEMS, "tsv");
	detects("x.ndjson", "item\n", IMPORT_VOTES, "jsonl");
	/* .json names three formats, none of them picked by extension alone. */
	detects("x.json", "item\n", IMPORT_VOTES, NULL);
	assert_null(import_detect("x.json", "item\n", 5, IMPORT_VOTES, err));
	assert_non_null(strstr(err, "cannot tell the format of the votes"));
	/* --format's names come from the table, in its order. */
	assert_string_equal(import_format_names(),
			    "csv|tsv|jsonl|labelstudio|labelstudio-min|prodigy|argilla");
	assert_ptr_equal(import_format_find("labelstudio-min"), &fmt_labelstudio_min);
	assert_null(import_format_find("json"));
}

static const char *sort_test_str(const void *ctx, uint64_t ref)
{
	return ((const char *const *)ctx)[ref];
}

/*
 * store_import_sort_strings against the order strcmp gives: 6,000 strings
 * of 0 to 40 letters from {a, b} after prefixes that make many tie on the
 * 8 bytes a radix pass reads, some ending there and some going on, and
 * sets small enough for the insertion sort. Each set must come out in
 * strcmp's order, equal strings in their first order (the refs ascending).
 */
static void test_sort_strings(void **state)
{
	static const char *const prefixes[] = {"", "item-000", "abcdefgh", "abcdefghabcdefgh"};
	static const size_t sizes[] = {6000, 100, 15, 2};
	unsigned long seed = 7;
	char **s = calloc(6000, sizeof *s);
	struct sort_key *a = calloc(6000, sizeof *a), *tmp = calloc(6000, sizeof *tmp);
	(void)state;
	for (size_t i = 0; i < 6000; i++) {
		char buf[80];
		size_t len, at;
		seed = seed * 6364136223846793005ul + 1442695040888963407ul;
		at = (size_t)snprintf(buf, sizeof buf, "%s", prefixes[(seed >> 33) % 4]);
		len = (seed >> 40) % 41;
		for (size_t k = 0; k < len; k++) {
			seed = seed * 6364136223846793005ul + 1442695040888963407ul;
			buf[at++] = (seed >> 45) % 8 ? 'a' : 'b';
		}
		buf[at] = '\0';
		s[i] = strdup(buf);
	}
	for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++) {
		size_t n = sizes[z];
		for (size_t i = 0; i < n; i++)
			a[i].ref = i;
		store_import_sort_strings(a, tmp, n, sort_test_str, s);
		for (size_t i = 1; i < n; i++) {
			int c = strcmp(s[a[i - 1].ref], s[a[i].ref]);
			if (c > 0 || (c == 0 && a[i - 1].ref > a[i].ref))
				fail_msg("%zu strings: '%s' (%u) before '%s' (%u)", n,
					 s[a[i - 1].ref], (unsigned)a[i - 1].ref, s[a[i].ref],
					 (unsigned)a[i].ref);
		}
	}
	for (size_t i = 0; i < 6000; i++)
		free(s[i]);
	free(s);
	free(a);
	free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_task_from_data, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_audit_event, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_declared_labels, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_packed_merge, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_item_lookup, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_predictions, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_items, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_files, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_nul_byte, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_decisions, setup, test_fx_teardown),
		cmocka_unit_test(test_detection),
		cmocka_unit_test(test_sort_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
