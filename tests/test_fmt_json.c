/*
 * Unit tests of the JSON import formats: the json_check syntax checker, and
 * the readers for gavel JSONL, Label Studio (JSON and JSON_MIN), Prodigy and
 * Argilla. Each reader runs over a fixture in tests/data/fmt_* (written by
 * hand in the shape each tool documents) into a sink that writes every
 * record as one text line, so that a test states exactly which records, in
 * which order, with which fields a file must give.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "formats.h"
#include "json_check.h"
#include "limit.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

/* ---- a sink that writes each record as a line ---- */

struct cap {
	struct sbuf out;
	struct sbuf skips; /* "S task what" per skip the reader reported */
	size_t n;
};

static void field(struct sbuf *b, const char *name, const char *v)
{
	if (v)
		sbuf_addf(b, " %s=%s", name, v);
}

static int cap_put(void *ctx, const struct rec *r, char *err)
{
	static const char kinds[] = {
	    [REC_VOTE] = 'V', [REC_ITEM] = 'I', [REC_PREDICTION] = 'P', [REC_DECISION] = 'D'};
	struct cap *c = ctx;
	struct sbuf *b = &c->out;
	assert_non_null(r->item);
	sbuf_addf(b, "%c %ld:%ld %s", kinds[r->kind], r->line, r->col, r->item);
	field(b, "task", r->task);
	field(b, "ann", r->annotator);
	field(b, "label", r->label);
	field(b, "text", r->text);
	field(b, "meta", r->meta);
	field(b, "at", r->at);
	field(b, "comment", r->comment);
	field(b, "reason", r->reason);
	field(b, "model", r->model);
	if (r->kind == REC_PREDICTION)
		sbuf_addf(b, " conf=%.3g", r->confidence);
	for (size_t k = 0; k < r->nprobs; k++)
		sbuf_addf(b, "%s%s:%.3g", k ? "," : " probs=", r->prob_labels[k], r->probs[k]);
	sbuf_addc(b, '\n');
	c->n++;
	return 0;
}

static void cap_skip(void *ctx, const char *task, const char *what)
{
	struct cap *c = ctx;
	sbuf_addf(&c->skips, "S %s %s\n", task ? task : "-", what);
}

/* Options and skips of the next run (test_* functions set them). */
static const struct fmt_opts *run_opts;
static char *run_skips; /* what the last run's skips were, "" for none */

/* Run a reader over buf; returns what the sink got ("" when nothing), and
 * the reader's status in *rc and message in err. */
static char *run(const struct fmt *f, const char *file, const char *buf, size_t len,
		 enum import_kind kind, int *rc, char *err)
{
	struct cap c = {0};
	struct sink s = {.ctx = &c, .put = cap_put, .passed_over = cap_skip};
	err[0] = 0;
	*rc = f->read(file, buf, len, kind, run_opts, &s, err);
	free(run_skips);
	run_skips = sbuf_take(&c.skips);
	if (!run_skips)
		run_skips = xstrdup("");
	return sbuf_take(&c.out);
}

static char *run_str(const struct fmt *f, const char *buf, enum import_kind kind, int *rc,
		     char *err)
{
	return run(f, "t.json", buf, strlen(buf), kind, rc, err);
}

static char *load(const char *name, size_t *len)
{
	char path[512], err[GV_ERR], *buf;
	const char *top = getenv("top_srcdir");
	snprintf(path, sizeof path, "%s/tests/data/%s", top ? top : TOP_SRCDIR, name);
	if (util_read_file(path, 1 << 20, &buf, len, err))
		fail_msg("%s", err);
	return buf;
}

static char *run_file(const struct fmt *f, const char *name, enum import_kind kind, int *rc,
		      char *err)
{
	size_t len;
	char *buf = load(name, &len), *out;
	out = run(f, name, buf, len, kind, rc, err);
	free(buf);
	return out;
}

/* Expect the reader to succeed and give exactly `want`. */
static void expect_ok(const struct fmt *f, const char *buf, enum import_kind kind, const char *want)
{
	char err[GV_ERR];
	int rc;
	char *got = run_str(f, buf, kind, &rc, err);
	if (rc)
		fail_msg("unexpected error: %s", err);
	assert_string_equal(got, want);
	free(got);
}

/* Expect the reader to fail with exactly the message `want`. */
static void expect_err(const struct fmt *f, const char *buf, size_t len, enum import_kind kind,
		       const char *want)
{
	char err[GV_ERR];
	int rc;
	char *got = run(f, "t.json", buf, len ? len : strlen(buf), kind, &rc, err);
	assert_int_equal(rc, -1);
	assert_string_equal(err, want);
	free(got);
}

/* ---- json_check ---- */

static void check_bad(const char *buf, size_t len, long line, long col, const char *what)
{
	struct json_check jc = {0};
	if (json_check(buf, len ? len : strlen(buf), &jc) == 0)
		fail_msg("accepted: %s", buf);
	if (jc.line != line || jc.col != col || strcmp(jc.what, what))
		fail_msg("%s: got %ld:%ld %s, want %ld:%ld %s", buf, jc.line, jc.col, jc.what, line,
			 col, what);
}

static void check_good(const char *buf)
{
	struct json_check jc = {0};
	if (json_check(buf, strlen(buf), &jc))
		fail_msg("%s: rejected at %ld:%ld: %s", buf, jc.line, jc.col, jc.what);
	json_check_free(&jc);
}

static void test_check_valid(void **state)
{
	check_good("{}");
	check_good("[]");
	check_good(" \t\r\n 0 \n");
	check_good("-0.5e+10");
	check_good("1E-2");
	check_good("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"");
	check_good("\"\\ud83d\\ude00 caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	check_good("\xef\xbb\xbf{\"a\": [true, false, null, 1, {\"b\": []}]}");
	check_good("[[[[[[[[[[1]]]]]]]]]]");
}

static void test_check_errors(void **state)
{
	check_bad("{\"a\": 1 \"b\": 2}", 0, 1, 9, "expected ',' or '}'");
	check_bad("{\"a\": 1,\n \"b\" 2}", 0, 2, 6, "expected ':'");
	check_bad("[1, 2\n", 0, 2, 1, "unexpected end of input, expected ',' or ']'");
	check_bad("{\"a\": 1,}", 0, 1, 9, "expected a string key");
	check_bad("[1,]", 0, 1, 4, "expected a value, found ']'");
	check_bad("", 0, 1, 1, "unexpected end of input, expected a value");
	check_bad("{} x", 0, 1, 4, "unexpected data after the JSON value");
	check_bad("{}{}", 0, 1, 3, "unexpected data after the JSON value");
	check_bad("[tru]", 0, 1, 2, "invalid literal (expected true)");
	check_bad("{'a': 1}", 0, 1, 2, "expected a string key");
	/* Column counts characters: "é" is one column although two bytes. */
	check_bad("[\"\xc3\xa9\", x]", 0, 1, 7, "expected a value, found 'x'");
}

static void test_check_numbers(void **state)
{
	check_bad("01", 0, 1, 1, "invalid number: leading zero");
	check_bad("-", 0, 1, 1, "invalid number: expected a digit after '-'");
	check_bad("[1.]", 0, 1, 4, "invalid number: expected a digit after '.'");
	check_bad("[1e]", 0, 1, 4, "invalid number: expected a digit in the exponent");
	check_bad("+1", 0, 1, 1, "expected a value, found '+'");
	check_bad(".5", 0, 1, 1, "expected a value, found '.'");
	check_bad("[NaN]", 0, 1, 2, "expected a value, found 'N'");
}

static void test_check_strings(void **state)
{
	check_bad("[\"ab", 0, 1, 2, "unterminated string");
	check_bad("\"a\\x\"", 0, 1, 3, "invalid escape '\\x'");
	check_bad("\"\\u12G4\"", 0, 1, 2, "\\u must be followed by 4 hex digits");
	check_bad("\"\\ud83d\"", 0, 1, 2, "unpaired surrogate \\uD83D");
	check_bad("\"\\ud83d\\u0041\"", 0, 1, 2, "unpaired surrogate \\uD83D");
	check_bad("\"\\ude00\"", 0, 1, 2, "unpaired surrogate \\uDE00");
	check_bad("\"a\\u0000\"", 0, 1, 3, "\\u0000 (NUL) is not allowed in a string");
	check_bad("\"a\tb\"", 0, 1, 3, "control character 0x09 in a string (must be escaped)");
	check_bad("\"a\x1b[31mb\"", 0, 1, 3,
		  "control character 0x1B in a string (must be escaped)");
	/* Invalid UTF-8: a lone continuation byte, an overlong '/', an encoded
	 * surrogate, a truncated sequence. */
	check_bad("[\"ok\", \"a\x80\"]", 0, 1, 10, "invalid UTF-8 in a string");
	check_bad("\"\xc0\xaf\"", 0, 1, 2, "invalid UTF-8 in a string");
	check_bad("\"\xed\xa0\x80\"", 0, 1, 2, "invalid UTF-8 in a string");
	check_bad("\"\xe2\x82\"", 0, 1, 2, "invalid UTF-8 in a string");
	check_bad("\xff", 0, 1, 1, "expected a value, found byte 0xFF");
}

static void test_check_nul(void **state)
{
	static const char in_string[] = "{\"a\": \"x\0y\"}";
	static const char between[] = "[1,\n \0 2]";
	static const char after[] = "{}\n\0";
	check_bad(in_string, sizeof in_string - 1, 1, 9, "NUL byte");
	check_bad(between, sizeof between - 1, 2, 2, "NUL byte");
	check_bad(after, sizeof after - 1, 2, 1, "NUL byte");
}

static void test_check_limits(void **state)
{
	char deep[200];
	struct json_check jc = {.max_depth = 5};
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	/* Five levels pass, six do not; the default limit is JSON_CHECK_DEPTH. */
	assert_int_equal(json_check(deep + 95, 10, &jc), 0);
	assert_int_equal(json_check(deep + 94, 12, &jc), -1);
	assert_string_equal(jc.what, "nesting deeper than 5 levels");
	assert_int_equal(jc.col, 6);
	memset(&jc, 0, sizeof jc);
	assert_int_equal(json_check(deep + 100 - JSON_CHECK_DEPTH, 2 * JSON_CHECK_DEPTH, &jc), 0);
	assert_int_equal(json_check(deep + 99 - JSON_CHECK_DEPTH, 2 * JSON_CHECK_DEPTH + 2, &jc),
			 -1);
	memset(&jc, 0, sizeof jc);
	jc.max_bytes = 4;
	assert_int_equal(json_check("[1,2]", 5, &jc), -1);
	assert_string_equal(jc.what, "input is larger than 4 bytes");
}

static int jcheck(const char *text, struct json_check *jc)
{
	return json_check(text, strlen(text), jc);
}

/* Strings are held to max_string bytes (as written, escapes included) while
 * they are scanned, and named by their key. */
static void test_check_string_limit(void **state)
{
	struct json_check jc = {.max_string = 8};
	(void)state;
	assert_int_equal(jcheck("{\"label\":\"12345678\"}", &jc), 0);
	assert_int_equal(jcheck("{\"label\":\"123456789\"}", &jc), -1);
	assert_string_equal(jc.what, "the string in \"label\" is longer than the limit of 8 bytes");
	assert_int_equal(jc.col, 10);
	assert_int_equal(jcheck("{\"c\":[\"a\",\n\"123456789\"]}", &jc), -1);
	assert_string_equal(jc.what, "the string in \"c\" is longer than the limit of 8 bytes");
	assert_int_equal(jc.line, 2);
	assert_int_equal(jc.col, 1);
	assert_int_equal(jcheck("{\"123456789\":1}", &jc), -1);
	assert_string_equal(jc.what, "a key longer than the limit of 8 bytes");
	assert_int_equal(jc.col, 2);
	assert_int_equal(jcheck("[\"123456789\"]", &jc), -1);
	assert_string_equal(jc.what, "a string longer than the limit of 8 bytes");
}

static int count_elem(void *ctx, const char *json, size_t len, long line, long col, size_t index,
		      char *err)
{
	(void)json, (void)len, (void)line, (void)col, (void)index, (void)err;
	++*(int *)ctx;
	return 0;
}

/* An array is read element by element: the elements before a syntax error
 * are handed over, and an error in a later element has its own line and
 * column. */
static void test_check_array_stream(void **state)
{
	char err[GV_ERR];
	int n = 0;
	(void)state;
	assert_int_equal(json_check_array("a.json", "[{},{},x]", 9, count_elem, &n, err), -1);
	assert_int_equal(n, 2);
	assert_string_equal(err, "a.json:1:8: expected a value, found 'x'");
	n = 0;
	assert_int_equal(json_check_array("a.json", "[\n{},\n{\"a\":\"\\u0000\"}]", 20,
					  count_elem, &n, err),
			 -1);
	assert_int_equal(n, 1);
	assert_string_equal(err, "a.json:3:7: \\u0000 (NUL) is not allowed in a string");
	n = 0;
	assert_int_equal(json_check_array("a.json", "[{}, {}] x", 10, count_elem, &n, err), -1);
	assert_string_equal(err, "a.json:1:10: unexpected data after the JSON value");
	assert_int_equal(json_check_array("a.json", " {}", 3, count_elem, &n, err), -1);
	assert_string_equal(err, "a.json:1:2: expected a JSON array of records");
}

/* The limits of limit.h: a string of LIMIT_TEXT bytes passes, one more does
 * not; a JSON Lines line over LIMIT_RECORD bytes (of short strings) is
 * refused at its start, whether it is a line or an array element. */
static void test_check_default_limits(void **state)
{
	size_t n = LIMIT_RECORD + 64, at;
	char *buf = xmalloc(n + 1), err[GV_ERR];
	int count = 0;
	struct json_check jc = {0};
	(void)state;
	memset(buf, 'x', LIMIT_TEXT + 3);
	buf[0] = '"';
	buf[LIMIT_TEXT + 1] = '"';
	assert_int_equal(json_check(buf, LIMIT_TEXT + 2, &jc), 0);
	buf[LIMIT_TEXT + 1] = 'x';
	buf[LIMIT_TEXT + 2] = '"';
	assert_int_equal(json_check(buf, LIMIT_TEXT + 3, &jc), -1);
	assert_string_equal(jc.what, "a string longer than the limit of 4194304 bytes");
	/* {}\n then [1,1,1,...,1]} past the record limit. */
	memcpy(buf, "{}\n{\"a\":[", 9);
	for (at = 9; at + 2 < n; at += 2)
		memcpy(buf + at, "1,", 2);
	memcpy(buf + at, "]}", 2);
	buf[n] = 0;
	assert_int_equal(json_check_lines("l.jsonl", buf, n, count_elem, &count, err), -1);
	assert_int_equal(count, 1);
	assert_string_equal(err, "l.jsonl:2:1: record longer than the limit of 16777216 bytes");
	buf[2] = ',';
	memmove(buf + 1, buf, n - 1);
	buf[0] = '[';
	buf[n - 1] = ']';
	count = 0;
	assert_int_equal(json_check_array("a.json", buf, n, count_elem, &count, err), -1);
	assert_int_equal(count, 1);
	assert_string_equal(err, "a.json:1:5: record longer than the limit of 16777216 bytes");
	free(buf);
}

static void test_check_elems(void **state)
{
	static const char buf[] = "[\n  {\"a\": 1},\n  {\"b\": [2, 3]} ,\n\t7\n]";
	struct json_check jc = {.want_elems = 1};
	long line, col;
	assert_int_equal(json_check(buf, sizeof buf - 1, &jc), 0);
	assert_int_equal(jc.nelem, 3);
	assert_int_equal(jc.start, 0);
	assert_memory_equal(buf + jc.elem_off[0], "{\"a\": 1}", 8);
	assert_int_equal(jc.elem_end[0] - jc.elem_off[0], 8);
	assert_int_equal(jc.elem_end[1] - jc.elem_off[1], 13);
	assert_int_equal(buf[jc.elem_off[2]], '7');
	json_check_pos(buf, jc.elem_off[1], &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 3);
	json_check_free(&jc);
}

static void test_first_keys(void **state)
{
	char keys[256];
	int in_array, n;
	n = json_check_first_keys(
	    "\xef\xbb\xbf [ {\"id\": 1, \"data\": {\"x\": 2}, \"q.responses\": []}", 100, 1000,
	    &in_array, keys, sizeof keys);
	assert_int_equal(n, 3);
	assert_int_equal(in_array, 1);
	assert_true(json_check_has_key(keys, n, "data"));
	assert_false(json_check_has_key(keys, n, "x"));
	assert_true(json_check_has_suffix(keys, n, ".responses"));
	/* A first line cut by the limit still gives the keys before the cut. */
	n = json_check_first_keys("{\"item\": 1, \"text\": \"long...\"}\n{}", 30, 14, &in_array,
				  keys, sizeof keys);
	assert_int_equal(n, 1);
	assert_int_equal(in_array, 0);
	assert_int_equal(json_check_first_keys("42", 2, 100, &in_array, keys, sizeof keys), -1);
}

/* ---- gavel JSONL ---- */

static void test_jsonl_kinds(void **state)
{
	expect_ok(&fmt_jsonl,
		  "{\"item\": \"a1\", \"text\": \"Good.\", \"lang\": \"en\", \"n\": 2}\r\n"
		  "\n"
		  "{\"item\": 7, \"text\": \"Bad.\", \"task\": \"t\"}\n",
		  IMPORT_ITEMS,
		  "I 1:1 a1 text=Good. meta={\"lang\":\"en\",\"n\":2}\n"
		  "I 3:1 7 task=t text=Bad.\n");
	expect_ok(
	    &fmt_jsonl,
	    "\xef\xbb\xbf{\"item\": \"a1\", \"annotator\": 5, \"label\": \"pos\"}\n"
	    "  {\"item\": \"a1\", \"annotator\": \"bo\", \"label\": 3, \"at\": \"2024-01-01\","
	    " \"comment\": \"hm\"}",
	    IMPORT_VOTES,
	    "V 1:1 a1 ann=5 label=pos\n"
	    "V 2:3 a1 ann=bo label=3 at=2024-01-01 comment=hm\n");
	expect_ok(
	    &fmt_jsonl,
	    "{\"item\": \"a1\", \"probs\": {\"pos\": 0.25, \"neg\": 0.75}, \"model\": \"m\"}\n"
	    "{\"item\": \"a2\", \"label\": \"pos\", \"confidence\": 1}\n",
	    IMPORT_PREDICTIONS,
	    "P 1:1 a1 label=neg model=m conf=0.75 probs=pos:0.25,neg:0.75\n"
	    "P 2:1 a2 label=pos conf=1\n");
	expect_ok(
	    &fmt_jsonl,
	    "{\"item\": \"a1\", \"label\": \"neg\", \"reason\": \"rule 3\", \"expert\": \"kim\"}\n",
	    IMPORT_DECISIONS, "D 1:1 a1 ann=kim label=neg reason=rule 3\n");
}

static void test_jsonl_errors(void **state)
{
	static const char nul[] =
	    "{\"item\": 1, \"annotator\": 2, \"label\": \"a\"}\n{\"item\": \0}\n";
	expect_err(&fmt_jsonl, "{\"item\": 1, \"annotator\": 2, \"label\": \"a\"}\n{\"item\" 2}\n",
		   0, IMPORT_VOTES, "t.json:2:9: expected ':'");
	expect_err(&fmt_jsonl, nul, sizeof nul - 1, IMPORT_VOTES, "t.json:2:10: NUL byte");
	expect_err(&fmt_jsonl, "{\"item\": 1, \"label\": \"a\"}", 0, IMPORT_VOTES,
		   "t.json:1:1: missing \"annotator\"");
	expect_err(&fmt_jsonl, "{\"item\": [1], \"annotator\": 2, \"label\": \"a\"}", 0,
		   IMPORT_VOTES, "t.json:1:1: \"item\" must be a string or a number, not an array");
	expect_err(&fmt_jsonl, "{\"item\": 1, \"annotator\": 2, \"label\": true}", 0, IMPORT_VOTES,
		   "t.json:1:1: \"label\" must be a string or a number, not a boolean");
	expect_err(&fmt_jsonl, "[{\"item\": 1}]", 0, IMPORT_VOTES,
		   "t.json:1:1: expected a JSON object on each line");
	expect_err(&fmt_jsonl, "{\"item\": 1, \"probs\": {\"a\": 1.5}}", 0, IMPORT_PREDICTIONS,
		   "t.json:1:1: probability of \"a\" must be between 0 and 1, not 1.5");
	expect_err(&fmt_jsonl, "{\"item\": 1, \"probs\": [0.5]}", 0, IMPORT_PREDICTIONS,
		   "t.json:1:1: \"probs\" must be an object of label: probability, not an array");
	expect_err(&fmt_jsonl, "{\"item\": 1, \"text\": 5}", 0, IMPORT_ITEMS,
		   "t.json:1:1: \"text\" must be a string, not a number");
	/* Data in messages is sanitised: an escape sequence in a label name
	 * comes out as visible text, never as ESC. */
	expect_err(&fmt_jsonl, "{\"item\": 1, \"probs\": {\"\\u001b[2J\": 2}}", 0,
		   IMPORT_PREDICTIONS,
		   "t.json:1:1: probability of \"^[[2J\" must be between 0 and 1, not 2");
}

/* ---- Label Studio ---- */

static void test_labelstudio_votes(void **state)
{
	char err[GV_ERR];
	int rc;
	char *got = run_file(&fmt_labelstudio, "fmt_labelstudio.json", IMPORT_VOTES, &rc, err);
	if (rc)
		fail_msg("%s", err);
	assert_string_equal(
	    got,
	    "I 2:3 101 text=The battery lasts all day. meta={\"source\":\"web\"}\n"
	    "V 2:3 101 task=sentiment ann=user3 label=positive at=2024-05-01T10:00:00.000000Z\n"
	    "V 2:3 101 task=sentiment ann=bo@example.com label=neutral "
	    "at=2024-05-01T11:00:00.000000Z\n"
	    "I 54:3 r-102 text=Arrived broken.\n"
	    "V 54:3 r-102 task=sentiment ann=user6 label=negative\n"
	    "V 54:3 r-102 task=sentiment ann=user3 label=negative "
	    "at=2024-05-02T08:00:00.000000Z\n");
	free(got);
}

static void test_labelstudio_items_predictions(void **state)
{
	char err[GV_ERR];
	int rc;
	char *got =
	    run_file(&fmt_labelstudio, "fmt_labelstudio.json", IMPORT_PREDICTIONS, &rc, err);
	if (rc)
		fail_msg("%s", err);
	assert_string_equal(got,
			    "P 2:3 101 task=sentiment label=positive model=clf-v2 conf=0.81\n");
	free(got);
	got = run_file(&fmt_labelstudio, "fmt_labelstudio.json", IMPORT_ITEMS, &rc, err);
	assert_int_equal(rc, 0);
	assert_string_equal(got,
			    "I 2:3 101 text=The battery lasts all day. meta={\"source\":\"web\"}\n"
			    "I 54:3 r-102 text=Arrived broken.\n");
	free(got);
}

static void test_labelstudio_errors(void **state)
{
	expect_err(
	    &fmt_labelstudio,
	    "[{\"id\": 1, \"data\": {\"text\": \"x\"}, \"annotations\": []},\n"
	    " {\"id\": 2, \"data\": {\"text\": \"y\"}, \"annotations\": [{\"completed_by\": 1,"
	    " \"result\": [{\"from_name\": \"s\", \"type\": \"choices\","
	    " \"value\": {\"choices\": [\"a\", \"b\"]}}]}]}]",
	    0, IMPORT_VOTES,
	    "t.json:2:2: task 2 (id 2): annotation 1 has 2 choices for \"s\": gavel votes "
	    "are single-label");
	expect_err(
	    &fmt_labelstudio,
	    "[{\"id\": 1, \"data\": {\"text\": \"x\"}, \"annotations\": [{\"result\": []}]}]", 0,
	    IMPORT_VOTES,
	    "t.json:1:2: task 1 (id 1): annotation 1 has no completed_by (name the annotator with "
	    "--annotator)");
	expect_err(&fmt_labelstudio, "[{\"id\": 1, \"data\": \"x\"}]", 0, IMPORT_VOTES,
		   "t.json:1:2: task 1 (id 1): \"data\" must be an object, not a string");
	expect_err(&fmt_labelstudio, "[{\"id\": 1, \"data\": {}, \"annotations\": {}}]", 0,
		   IMPORT_VOTES,
		   "t.json:1:2: task 1 (id 1): \"annotations\" must be an array, not an object");
	expect_err(&fmt_labelstudio, "[{\"id\": 1, \"data\": {\"text\": \"x\"}},\n  [2]]", 0,
		   IMPORT_VOTES, "t.json:2:3: record 2: expected a JSON object");
	expect_err(&fmt_labelstudio, "{\"id\": 1}", 0, IMPORT_VOTES,
		   "t.json:1:1: expected a JSON array of records");
	expect_err(&fmt_labelstudio, "[{\"id\": 1, \"data\": {\"text\": \"caf\xc3\"}}]", 0,
		   IMPORT_VOTES, "t.json:1:33: invalid UTF-8 in a string");
	expect_err(&fmt_labelstudio,
		   "[{\"id\": 1, \"data\": {\"text\": \"x\"}, \"predictions\": [{\"result\":"
		   " [{\"type\": \"choices\", \"value\": {\"choices\": [\"a\"]}}]}]}]",
		   0, IMPORT_PREDICTIONS,
		   "t.json:1:2: task 1 (id 1): prediction 1 has no numeric score to use as its "
		   "confidence");
}

/* Spans, taxonomies and boxes give no vote, and the sink hears of each. */
static void test_labelstudio_passed_over(void **state)
{
	char err[GV_ERR];
	int rc;
	char *got = run_file(&fmt_labelstudio, "ls_spans_taxonomy.json", IMPORT_VOTES, &rc, err);
	if (rc)
		fail_msg("%s", err);
	assert_string_equal(got, "I 2:3 4101 text=Apple unveils a cheaper iPhone for emerging "
				 "markets.\n"
				 "I 73:3 4102 text=Coalition talks collapse in Berlin.\n");
	assert_string_equal(run_skips, "S label labels result\n"
				       "S topic taxonomy result\n"
				       "S topic taxonomy result\n"
				       "S label labels result\n"
				       "S topic taxonomy result\n"
				       "S - cancelled annotation\n");
	free(got);
	got = run_file(&fmt_labelstudio, "ls_boxes.json", IMPORT_VOTES, &rc, err);
	assert_int_equal(rc, 0);
	assert_string_equal(run_skips, "S label rectanglelabels result\n"
				       "S label rectanglelabels result\n");
	free(got);
}

static void test_labelstudio_min(void **state)
{
	char err[GV_ERR];
	int rc;
	char *got =
	    run_file(&fmt_labelstudio_min, "fmt_labelstudio_min.json", IMPORT_VOTES, &rc, err);
	if (rc)
		fail_msg("%s", err);
	assert_string_equal(got,
			    "V 2:3 101 task=sentiment ann=user3 label=positive text=The battery "
			    "lasts all day. at=2024-05-01T10:00:00.000000Z\n"
			    "V 12:3 101 task=sentiment ann=bo@example.com label=neutral text=The "
			    "battery lasts all day. at=2024-05-01T11:00:00.000000Z\n"
			    "V 22:3 102 task=sentiment ann=user6 label=negative text=Arrived "
			    "broken. at=2024-05-02T07:00:00.000000Z\n"
			    "V 41:3 103 task=sentiment ann=user3 label=neutral text=Fine, I guess. "
			    "at=2024-05-02T09:00:00.000000Z\n");
	free(got);
	expect_err(&fmt_labelstudio_min,
		   "[{\"id\": 1, \"text\": \"x\", \"topic\": \"a\", \"sentiment\": \"b\", "
		   "\"annotator\": 1, \"annotation_id\": 1}]",
		   0, IMPORT_VOTES,
		   "t.json:1:2: row 1: cannot tell the label column among \"topic\" and "
		   "\"sentiment\": name it with --task (or use Label Studio's full JSON export)");
	expect_err(&fmt_labelstudio_min,
		   "[{\"id\": 1, \"s\": [\"a\", \"b\"], \"annotator\": 1, \"annotation_id\": 1}]",
		   0, IMPORT_VOTES,
		   "t.json:1:2: row 1: \"s\" has 2 choices: gavel votes are single-label");
	expect_err(&fmt_labelstudio_min,
		   "[{\"id\": 1, \"s\": \"a\", \"annotator\": [1], \"annotation_id\": 1}]", 0,
		   IMPORT_VOTES,
		   "t.json:1:2: row 1: \"annotator\" must be a user id or an email, not an array");
}

/* JSON_MIN rows carry the task's data next to the label: --task names the
 * label column, and rows without it are unlabelled. */
static void test_labelstudio_min_task(void **state)
{
	static const struct fmt_opts label = {.task = "label"}, other = {.task = "animal"};
	char err[GV_ERR];
	int rc;
	char *got = run_file(&fmt_labelstudio_min, "ls_min_image.json", IMPORT_VOTES, &rc, err);
	assert_int_equal(rc, -1);
	assert_string_equal(err, "ls_min_image.json:2:3: row 1: cannot tell the label column among "
				 "\"image\" and \"label\": name it with --task (or use Label "
				 "Studio's full JSON export)");
	free(got);
	run_opts = &label;
	got = run_file(&fmt_labelstudio_min, "ls_min_image.json", IMPORT_VOTES, &rc, err);
	run_opts = NULL;
	if (rc)
		fail_msg("%s", err);
	assert_string_equal(got, "V 2:3 512 task=label ann=user4 label=Cat "
				 "at=2024-06-03T08:15:22.481920Z\n"
				 "V 12:3 512 task=label ann=user9 label=Dog "
				 "at=2024-06-03T09:40:11.002318Z\n"
				 "V 22:3 513 task=label ann=user4 label=Dog "
				 "at=2024-06-03T08:15:40.770193Z\n");
	assert_string_equal(run_skips, "S label unlabelled row\n");
	free(got);
	/* A --task no row has picks nothing: still ambiguous. */
	run_opts = &other;
	got = run_file(&fmt_labelstudio_min, "ls_min_image.json", IMPORT_VOTES, &rc, err);
	run_opts = NULL;
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "cannot tell the label column"));
	free(got);
}

/* ---- Prodigy ---- */

static void test_prodigy(void **state)
{
	char err[GV_ERR];
	int rc;
	char *got = run_file(&fmt_prodigy, "fmt_prodigy.jsonl", IMPORT_VOTES, &rc, err);
	if (rc)
		fail_msg("%s", err);
	assert_string_equal(got,
			    "V 1:1 -1821528064 task=SPORTS ann=news-alice label=accept text=Late "
			    "goal seals the derby. at=2023-11-14T22:13:20Z\n"
			    "V 2:1 -1821528064 task=SPORTS ann=news-bob label=reject text=Late "
			    "goal seals the derby. at=2023-11-14T22:14:20Z\n"
			    "V 5:1 rev-7 ann=reviews-dave label=MIX text=Loved the hotel, hated "
			    "the food.\n"
			    "V 7:1 -807380125 ann=reviews-dave label=3 text=Three stars.\n");
	free(got);
	got = run_file(&fmt_prodigy, "fmt_prodigy.jsonl", IMPORT_ITEMS, &rc, err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(got, "I 1:1 -1821528064 text=Late goal seals the derby. "
				    "meta={\"source\":\"feed\"}\n"));
	assert_non_null(strstr(got, "I 7:1 -807380125 text=Three stars.\n"));
	free(got);
}

static void test_prodigy_errors(void **state)
{
	expect_err(&fmt_prodigy,
		   "{\"text\": \"x\", \"options\": [{\"id\": \"A\"}, {\"id\": \"B\"}], \"accept\": "
		   "[\"A\", "
		   "\"B\"], \"answer\": \"accept\", \"_input_hash\": 1, \"_session_id\": \"s\"}",
		   0, IMPORT_VOTES,
		   "t.json:1:1: 2 options accepted: gavel votes are single-label, one accepted "
		   "option is needed");
	expect_err(&fmt_prodigy,
		   "{\"text\": \"x\", \"label\": \"L\", \"answer\": \"maybe\", \"_input_hash\": 1}",
		   0, IMPORT_VOTES,
		   "t.json:1:1: unknown answer \"maybe\" (expected accept, reject or ignore)");
	expect_err(&fmt_prodigy,
		   "{\"text\": \"x\", \"label\": \"L\", \"answer\": \"accept\", "
		   "\"_input_hash\": 1}",
		   0, IMPORT_VOTES,
		   "t.json:1:1: no \"_annotator_id\" or \"_session_id\" names the annotator (name it "
		   "with --annotator)");
	expect_err(&fmt_prodigy, "{\"text\": \"x\", \"answer\": \"accept\", \"_input_hash\": {}}",
		   0, IMPORT_VOTES,
		   "t.json:1:1: \"_input_hash\" must be a number or a string, not an object");
}

/* Span annotations are passed over, saying spans are not supported; a
 * single-annotator dataset needs --annotator. */
static void test_prodigy_spans_and_annotator(void **state)
{
	static const struct fmt_opts alice = {.annotator = "alice"};
	char err[GV_ERR];
	int rc;
	char *got = run_file(&fmt_prodigy, "prodigy_ner.jsonl", IMPORT_VOTES, &rc, err);
	if (rc)
		fail_msg("%s", err);
	assert_string_equal(got, "");
	assert_string_equal(run_skips, "S - span annotation (spans are not supported)\n"
				       "S - span annotation (spans are not supported)\n"
				       "S - span annotation (spans are not supported)\n");
	free(got);
	got = run_file(&fmt_prodigy, "prodigy_single.jsonl", IMPORT_VOTES, &rc, err);
	assert_int_equal(rc, -1);
	assert_string_equal(err, "prodigy_single.jsonl:1:1: no \"_annotator_id\" or \"_session_id\" "
				 "names the annotator (name it with --annotator)");
	free(got);
	run_opts = &alice;
	got = run_file(&fmt_prodigy, "prodigy_single.jsonl", IMPORT_VOTES, &rc, err);
	run_opts = NULL;
	if (rc)
		fail_msg("%s", err);
	/* The reader leaves the annotator to the sink, which applies --annotator. */
	assert_string_equal(got, "V 1:1 -1350463873 label=NEGATIVE text=The update broke my "
				 "phone's battery life. at=2021-03-29T10:05:45Z\n"
				 "V 2:1 1093187762 label=NEUTRAL text=Delivery was on time. "
				 "at=2021-03-29T10:06:11Z\n"
				 "V 3:1 -520994140 label=POSITIVE text=Best headphones I have owned. "
				 "at=2021-03-29T10:06:30Z\n");
	assert_string_equal(run_skips, "S - ignored answer\n");
	free(got);
}

/* ---- Argilla ---- */

static void test_argilla(void **state)
{
	static const char *const want =
	    "I 2:3 r1 text=Great value for the price. meta={\"source\":\"web\"}\n"
	    "V 2:3 r1 task=sentiment ann=5e0c1a2b-0000-4000-8000-000000000001 label=positive\n"
	    "V 2:3 r1 task=sentiment ann=5e0c1a2b-0000-4000-8000-000000000003 label=negative\n"
	    "I 17:3 r2 text=Meh. meta={\"source\":\"app\"}\n"
	    "I 27:3 r3 text=Would not buy again. meta={\"source\":\"web\"}\n"
	    "V 27:3 r3 task=sentiment ann=5e0c1a2b-0000-4000-8000-000000000002 label=negative\n";
	char err[GV_ERR];
	int rc;
	char *got = run_file(&fmt_argilla, "fmt_argilla.json", IMPORT_VOTES, &rc, err);
	if (rc)
		fail_msg("%s", err);
	assert_string_equal(got, want);
	free(got);
	got = run_file(&fmt_argilla, "fmt_argilla.json", IMPORT_PREDICTIONS, &rc, err);
	assert_int_equal(rc, 0);
	assert_string_equal(got, "P 2:3 r1 task=sentiment label=positive model=clf-v2 conf=0.9\n");
	free(got);
}

static void test_argilla_jsonl_and_hub(void **state)
{
	expect_ok(&fmt_argilla,
		  "{\"id\": 1, \"body\": \"x\", \"q.responses\": [[\"a\"], null],"
		  " \"q.responses.users\": [\"u1\", \"u2\"],"
		  " \"q.responses.status\": [\"submitted\", \"submitted\"]}\n",
		  IMPORT_VOTES,
		  "I 1:1 1 text=x\n"
		  "V 1:1 1 task=q ann=u1 label=a\n");
	expect_ok(
	    &fmt_argilla,
	    "[{\"external_id\": \"e1\", \"text\": \"x\", \"metadata\": null,"
	    " \"label\": [{\"user_id\": \"u1\", \"value\": \"pos\", \"status\": \"submitted\"},"
	    " {\"user_id\": \"u2\", \"value\": \"neg\", \"status\": \"discarded\"}]}]",
	    IMPORT_VOTES,
	    "I 1:2 e1 text=x\n"
	    "V 1:2 e1 task=label ann=u1 label=pos\n");
}

/* The three layouts as Argilla writes them (fixtures made by json.dump and
 * datasets' to_json in the writers' shapes). */
static void test_argilla_layouts(void **state)
{
	static const char u0[] = "5e0c1a2b-7d4f-4a61-9b2e-3f8d6c1a0e11",
			  u1[] = "a71f3c9d-2b8e-4f05-8c6a-1d9e7b4f2a22",
			  u2[] = "c3d9e8f1-6a2b-4c7d-9e0f-5b1a2c3d4e33";
	char err[GV_ERR], want[2048];
	int rc;
	/* Argilla 2.x to_disk / records.to_json: nested, one line. */
	char *got = run_file(&fmt_argilla, "argilla_records.json", IMPORT_VOTES, &rc, err);
	if (rc)
		fail_msg("%s", err);
	snprintf(want, sizeof want,
		 "I 1:2 rev-001 text=Great value for the price. meta={\"source\":\"web\"}\n"
		 "V 1:2 rev-001 task=sentiment ann=%s label=positive\n"
		 "V 1:2 rev-001 task=sentiment ann=%s label=positive\n"
		 "I 1:%d rev-002 text=Arrived broken, support never answered. "
		 "meta={\"source\":\"app\"}\n"
		 "V 1:%d rev-002 task=sentiment ann=%s label=negative\n"
		 "I 1:%d rev-003 text=Fine, I guess.\n",
		 u0, u2, 855, 855, u1, 1431);
	assert_string_equal(got, want);
	assert_string_equal(run_skips, "S sentiment draft response\n"
				       "S spans span or ranking response\n"
				       "S sentiment discarded response\n");
	free(got);
	got = run_file(&fmt_argilla, "argilla_records.json", IMPORT_PREDICTIONS, &rc, err);
	assert_int_equal(rc, 0);
	assert_string_equal(got, "P 1:2 rev-001 task=sentiment label=positive model=clf-v2 conf=0.91\n"
				 "P 1:855 rev-002 task=sentiment label=negative model=clf-v2 "
				 "conf=0.77\n");
	free(got);

	/* The 1.x hub layout with external_id null: records by position, and
	 * the metadata JSON text kept. */
	got = run_file(&fmt_argilla, "argilla_hub.jsonl", IMPORT_VOTES, &rc, err);
	if (rc)
		fail_msg("%s", err);
	snprintf(want, sizeof want,
		 "I 1:1 1 text=Great value for the price. meta={\"source\":\"web\"}\n"
		 "V 1:1 1 task=sentiment ann=%s label=positive\n"
		 "V 1:1 1 task=sentiment ann=%s label=positive\n"
		 "I 2:1 2 text=Caf\xc3\xa9 was closed.\n"
		 "V 2:1 2 task=sentiment ann=%s label=negative\n"
		 "I 3:1 3 text=Fine, I guess.\n",
		 u0, u1, u0);
	assert_string_equal(got, want);
	assert_string_equal(run_skips, "S sentiment discarded response\n");
	free(got);
	got = run_file(&fmt_argilla, "argilla_hub.jsonl", IMPORT_PREDICTIONS, &rc, err);
	assert_int_equal(rc, 0);
	assert_string_equal(got,
			    "P 1:1 1 task=sentiment label=positive model=distilbert-sst2 conf=0.98\n"
			    "P 2:1 2 task=sentiment label=negative model=distilbert-sst2 conf=0.64\n");
	free(got);

	/* Flattened, with nulls and a null status: skipped, not an error. */
	got = run_file(&fmt_argilla, "argilla_flat.jsonl", IMPORT_VOTES, &rc, err);
	if (rc)
		fail_msg("%s", err);
	snprintf(want, sizeof want,
		 "I 1:1 rev-001 text=Great value for the price. meta={\"source\":\"web\"}\n"
		 "V 1:1 rev-001 task=sentiment ann=%s label=positive\n"
		 "I 2:1 rev-002 text=Arrived broken. meta={\"source\":\"app\"}\n",
		 u0);
	assert_string_equal(got, want);
	assert_string_equal(run_skips, "S sentiment draft response\n"
				       "S sentiment null-status response\n");
	free(got);
}

static void test_argilla_errors(void **state)
{
	expect_err(&fmt_argilla,
		   "{\"id\": 1, \"q.responses\": [\"a\"], \"q.responses.users\": [\"u1\", \"u2\"],"
		   " \"q.responses.status\": [\"submitted\"]}",
		   0, IMPORT_VOTES,
		   "t.json:1:1: record 1: \"q.responses\" has 1 responses but 2 users and 1 "
		   "statuses");
	expect_err(&fmt_argilla,
		   "{\"id\": 1, \"q.responses\": [[\"a\", \"b\"]], \"q.responses.users\": [\"u1\"],"
		   " \"q.responses.status\": [\"submitted\"]}",
		   0, IMPORT_VOTES,
		   "t.json:1:1: record 1: a response to \"q\" has 2 labels: gavel votes are "
		   "single-label");
	expect_err(&fmt_argilla,
		   "{\"id\": 1, \"q.responses\": [\"a\"], \"q.responses.users\": [\"u\"]}", 0,
		   IMPORT_VOTES,
		   "t.json:1:1: record 1: \"q.responses.status\" is missing: cannot tell "
		   "submitted responses");
	expect_err(&fmt_argilla, "{\"text\": \"x\", \"q.responses\": []}", 0, IMPORT_VOTES,
		   "t.json:1:1: record 1: no \"id\" names the record");
}

/* ---- detection ---- */

static void test_detect(void **state)
{
	static const struct {
		const char *file;
		enum import_kind kind;
		const struct fmt *want;
	} cases[] = {
	    {"fmt_labelstudio.json", IMPORT_VOTES, &fmt_labelstudio},
	    {"fmt_labelstudio.json", IMPORT_PREDICTIONS, &fmt_labelstudio},
	    {"fmt_labelstudio_min.json", IMPORT_VOTES, &fmt_labelstudio_min},
	    {"ls_min_image.json", IMPORT_VOTES, &fmt_labelstudio_min},
	    {"fmt_prodigy.jsonl", IMPORT_VOTES, &fmt_prodigy},
	    {"prodigy_single.jsonl", IMPORT_VOTES, &fmt_prodigy},
	    {"prodigy_ner.jsonl", IMPORT_VOTES, &fmt_prodigy},
	    {"fmt_argilla.json", IMPORT_VOTES, &fmt_argilla},
	    {"fmt_argilla.json", IMPORT_PREDICTIONS, &fmt_argilla},
	    {"argilla_records.json", IMPORT_VOTES, &fmt_argilla},
	    {"argilla_records.json", IMPORT_PREDICTIONS, &fmt_argilla},
	    {"argilla_hub.jsonl", IMPORT_VOTES, &fmt_argilla},
	    {"argilla_hub.jsonl", IMPORT_PREDICTIONS, &fmt_argilla},
	    {"argilla_flat.jsonl", IMPORT_VOTES, &fmt_argilla},
	};
	const struct fmt *all[] = {&fmt_jsonl, &fmt_labelstudio, &fmt_labelstudio_min, &fmt_prodigy,
				   &fmt_argilla};
	for (size_t c = 0; c < GV_ARRAY_LEN(cases); c++) {
		size_t len;
		char *buf = load(cases[c].file, &len);
		for (size_t f = 0; f < GV_ARRAY_LEN(all); f++) {
			int got = all[f]->detect(buf, len, cases[c].kind) != 0;
			if (got != (all[f] == cases[c].want))
				fail_msg("%s as %d: %s detect gave %d", cases[c].file,
					 cases[c].kind, all[f]->name, got);
		}
		free(buf);
	}
	static const char votes[] = "{\"item\": 1, \"annotator\": \"a\", \"label\": \"x\"}\n";
	static const char preds[] = "{\"item\": 1, \"probs\": {\"x\": 1}}\n";
	for (size_t f = 0; f < GV_ARRAY_LEN(all); f++) {
		assert_int_equal(all[f]->detect(votes, sizeof votes - 0, IMPORT_VOTES) != 0,
				 all[f] == &fmt_jsonl);
		assert_int_equal(all[f]->detect(preds, sizeof preds - 0, IMPORT_PREDICTIONS) != 0,
				 all[f] == &fmt_jsonl);
		/* A JSONL votes file is not a predictions file, nor is CSV JSON. */
		assert_false(all[f]->detect(votes, sizeof votes - 0, IMPORT_PREDICTIONS));
		assert_false(all[f]->detect("item,annotator,label\n1,a,x\n", 0, IMPORT_VOTES));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_valid),
	    cmocka_unit_test(test_check_errors),
	    cmocka_unit_test(test_check_numbers),
	    cmocka_unit_test(test_check_strings),
	    cmocka_unit_test(test_check_nul),
	    cmocka_unit_test(test_check_limits),
	    cmocka_unit_test(test_check_string_limit),
	    cmocka_unit_test(test_check_array_stream),
	    cmocka_unit_test(test_check_default_limits),
	    cmocka_unit_test(test_check_elems),
	    cmocka_unit_test(test_first_keys),
	    cmocka_unit_test(test_jsonl_kinds),
	    cmocka_unit_test(test_jsonl_errors),
	    cmocka_unit_test(test_labelstudio_votes),
	    cmocka_unit_test(test_labelstudio_items_predictions),
	    cmocka_unit_test(test_labelstudio_errors),
	    cmocka_unit_test(test_labelstudio_passed_over),
	    cmocka_unit_test(test_labelstudio_min),
	    cmocka_unit_test(test_labelstudio_min_task),
	    cmocka_unit_test(test_prodigy),
	    cmocka_unit_test(test_prodigy_errors),
	    cmocka_unit_test(test_prodigy_spans_and_annotator),
	    cmocka_unit_test(test_argilla),
	    cmocka_unit_test(test_argilla_jsonl_and_hub),
	    cmocka_unit_test(test_argilla_layouts),
	    cmocka_unit_test(test_argilla_errors),
	    cmocka_unit_test(test_detect),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(run_skips);
	return rc;
}
