/*
 * json_check: a strict RFC 8259 syntax checker that says where the first
 * error is, and a thin reader over SQLite's json_each that the format readers
 * use to take already-checked JSON apart. The checker is a recursive descent
 * whose depth is capped, so no input can exhaust the stack, and whose
 * strings and records are held to limit.h as they are scanned, so no input
 * makes it read much past an oversized value; it never allocates except for
 * the optional table of top-level element offsets.
 */
#include "config.h"

#include "json_check.h"
#include "limit.h"
#include "text.h"
#include "utf8.h"
#include "util.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SQLite's own JSON parser gives up somewhat deeper than this. */
#define JSON_CHECK_DEPTH_MAX 1000

struct scan {
	const unsigned char *b;
	size_t len, i;
	int max_depth;
	size_t max_string;
	struct json_check *jc;
	/* Where errors are counted from: a position already known (the start of
	 * the current record), so that an error deep in a large file does not
	 * count lines from its start. */
	struct json_cursor base;
	/* The buffer was cut at len, rec bytes into a record longer than that. */
	int cut;
	size_t rec;
	/* The key whose value is being scanned (b[key_off..+key_len)), if any. */
	size_t key_off, key_len;
	int in_key;
	/* Element offsets of the top-level array, when wanted. */
	int want_elems;
	size_t *elems, *ends, nelem, cap, cap2;
	/* Key collection for json_check_first_keys. */
	char *keys;
	size_t keys_cap, keys_len;
	int nkeys;
};

static int scan_fail(struct scan *s, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int scan_fail(struct scan *s, size_t off, const char *fmt, ...)
{
	va_list ap;
	struct json_check *jc = s->jc;
	struct json_cursor c = s->base;
	/* Within a few bytes of a cut, the error is the cut's. */
	if (s->cut && s->i + 16 >= s->len) {
		off = s->rec;
		snprintf(jc->what, sizeof jc->what, "record longer than the limit of %zu bytes",
			 (size_t)LIMIT_RECORD);
	} else {
		va_start(ap, fmt);
		vsnprintf(jc->what, sizeof jc->what, fmt, ap);
		va_end(ap);
	}
	jc->err_off = off;
	json_check_advance((const char *)s->b, &c, off);
	jc->line = c.line;
	jc->col = c.col;
	return -1;
}

/* A string longer than s->max_string, starting at byte start. */
static int scan_too_long(struct scan *s, size_t start)
{
	char key[48];
	size_t n = s->key_len;
	if (s->in_key || !n)
		return scan_fail(s, start, "%s longer than the limit of %zu bytes",
				 s->in_key ? "a key" : "a string", s->max_string);
	/* Keys are short in practice; name at most 40 bytes of one. */
	if (n > 40)
		n = utf8_cut((const char *)s->b + s->key_off, 40);
	memcpy(key, s->b + s->key_off, n);
	key[n] = 0;
	return scan_fail(s, start, "the string in \"%s%s\" is longer than the limit of %zu bytes",
			 key, n < s->key_len ? "..." : "", s->max_string);
}

/* Report what was expected at s->i, naming the end of input or a NUL byte. */
static int scan_expected(struct scan *s, const char *what)
{
	if (s->i >= s->len)
		return scan_fail(s, s->i, "unexpected end of input, expected %s", what);
	if (s->b[s->i] == 0)
		return scan_fail(s, s->i, "NUL byte");
	return scan_fail(s, s->i, "expected %s", what);
}

static void scan_ws(struct scan *s)
{
	while (s->i < s->len) {
		unsigned char c = s->b[s->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		s->i++;
	}
}

static int hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0;
	for (int k = 0; k < 4; k++) {
		unsigned c = p[k], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* A string starting at the opening quote s->i; on success s->i is past it. */
static int scan_string(struct scan *s)
{
	size_t start = s->i;
	s->i++;
	for (;;) {
		if (s->i >= s->len)
			return scan_fail(s, start, "unterminated string");
		if (s->i - start - 1 > s->max_string)
			return scan_too_long(s, start);
		unsigned char c = s->b[s->i];
		if (c == '"') {
			s->i++;
			return 0;
		}
		if (c == 0)
			return scan_fail(s, s->i, "NUL byte");
		if (c < 0x20)
			return scan_fail(
			    s, s->i, "control character 0x%02X in a string (must be escaped)", c);
		if (c >= 0x80) {
			size_t n = utf8_len(s->b + s->i, s->len - s->i);
			if (!n)
				return scan_fail(s, s->i, "invalid UTF-8 in a string");
			s->i += n;
			continue;
		}
		if (c != '\\') {
			s->i++;
			continue;
		}
		size_t esc = s->i;
		if (s->i + 1 >= s->len)
			return scan_fail(s, start, "unterminated string");
		c = s->b[s->i + 1];
		if (strchr("\"\\/bfnrt", c) && c) {
			s->i += 2;
			continue;
		}
		if (c != 'u') {
			if (c > 0x20 && c < 0x7F)
				return scan_fail(s, esc, "invalid escape '\\%c'", c);
			return scan_fail(s, esc, "invalid escape");
		}
		unsigned cp, lo;
		if (s->len - s->i < 6 || hex4(s->b + s->i + 2, &cp))
			return scan_fail(s, esc, "\\u must be followed by 4 hex digits");
		s->i += 6;
		if (cp == 0)
			return scan_fail(s, esc, "\\u0000 (NUL) is not allowed in a string");
		if (cp >= 0xDC00 && cp <= 0xDFFF)
			return scan_fail(s, esc, "unpaired surrogate \\u%04X", cp);
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (s->len - s->i < 6 || s->b[s->i] != '\\' || s->b[s->i + 1] != 'u' ||
			    hex4(s->b + s->i + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
				return scan_fail(s, esc, "unpaired surrogate \\u%04X", cp);
			s->i += 6;
		}
	}
}

static int is_digit(const struct scan *s)
{
	return s->i < s->len && s->b[s->i] >= '0' && s->b[s->i] <= '9';
}

static int scan_number(struct scan *s)
{
	size_t start = s->i;
	if (s->b[s->i] == '-')
		s->i++;
	if (!is_digit(s))
		return scan_fail(s, start, "invalid number: expected a digit after '-'");
	if (s->b[s->i] == '0') {
		s->i++;
		if (is_digit(s))
			return scan_fail(s, start, "invalid number: leading zero");
	} else {
		while (is_digit(s))
			s->i++;
	}
	if (s->i < s->len && s->b[s->i] == '.') {
		s->i++;
		if (!is_digit(s))
			return scan_fail(s, s->i, "invalid number: expected a digit after '.'");
		while (is_digit(s))
			s->i++;
	}
	if (s->i < s->len && (s->b[s->i] == 'e' || s->b[s->i] == 'E')) {
		s->i++;
		if (s->i < s->len && (s->b[s->i] == '+' || s->b[s->i] == '-'))
			s->i++;
		if (!is_digit(s))
			return scan_fail(s, s->i,
					 "invalid number: expected a digit in the exponent");
		while (is_digit(s))
			s->i++;
	}
	return 0;
}

static int scan_literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);
	if (s->len - s->i < n || memcmp(s->b + s->i, word, n))
		return scan_fail(s, s->i, "invalid literal (expected %s)", word);
	s->i += n;
	return 0;
}

static void scan_add_key(struct scan *s, size_t from, size_t to)
{
	size_t n = to - from;
	if (!s->keys || s->keys_len + n + 1 > s->keys_cap)
		return;
	memcpy(s->keys + s->keys_len, s->b + from, n);
	s->keys[s->keys_len + n] = 0;
	s->keys_len += n + 1;
	s->nkeys++;
}

static int scan_value(struct scan *s, int depth);

static int scan_object(struct scan *s, int depth)
{
	s->i++;
	scan_ws(s);
	if (s->i < s->len && s->b[s->i] == '}') {
		s->i++;
		return 0;
	}
	for (;;) {
		if (s->i >= s->len || s->b[s->i] != '"')
			return scan_expected(s, "a string key");
		size_t k = s->i, kend, key_off = s->key_off, key_len = s->key_len;
		s->in_key = 1;
		if (scan_string(s))
			return -1;
		s->in_key = 0;
		kend = s->i - 1;
		if (depth == 1)
			scan_add_key(s, k + 1, kend);
		scan_ws(s);
		if (s->i >= s->len || s->b[s->i] != ':')
			return scan_expected(s, "':'");
		s->i++;
		scan_ws(s);
		s->key_off = k + 1;
		s->key_len = kend - (k + 1);
		if (scan_value(s, depth))
			return -1;
		s->key_off = key_off;
		s->key_len = key_len;
		scan_ws(s);
		if (s->i < s->len && s->b[s->i] == ',') {
			s->i++;
			scan_ws(s);
			continue;
		}
		if (s->i < s->len && s->b[s->i] == '}') {
			s->i++;
			return 0;
		}
		return scan_expected(s, "',' or '}'");
	}
}

static int scan_array(struct scan *s, int depth)
{
	s->i++;
	scan_ws(s);
	if (s->i < s->len && s->b[s->i] == ']') {
		s->i++;
		return 0;
	}
	for (;;) {
		if (depth == 1 && s->want_elems) {
			s->elems = xgrow(s->elems, &s->cap, s->nelem + 1, sizeof *s->elems);
			s->elems[s->nelem++] = s->i;
		}
		if (scan_value(s, depth))
			return -1;
		if (depth == 1 && s->want_elems) {
			s->ends = xgrow(s->ends, &s->cap2, s->nelem, sizeof *s->ends);
			s->ends[s->nelem - 1] = s->i;
		}
		scan_ws(s);
		if (s->i < s->len && s->b[s->i] == ',') {
			s->i++;
			scan_ws(s);
			continue;
		}
		if (s->i < s->len && s->b[s->i] == ']') {
			s->i++;
			return 0;
		}
		return scan_expected(s, "',' or ']'");
	}
}

/* A value at s->i (whitespace already skipped); depth is its parent's. */
static int scan_value(struct scan *s, int depth)
{
	if (s->i >= s->len)
		return scan_expected(s, "a value");
	unsigned char c = s->b[s->i];
	switch (c) {
	case '{':
	case '[':
		if (depth + 1 > s->max_depth)
			return scan_fail(s, s->i, "nesting deeper than %d levels", s->max_depth);
		return c == '{' ? scan_object(s, depth + 1) : scan_array(s, depth + 1);
	case '"':
		return scan_string(s);
	case 't':
		return scan_literal(s, "true");
	case 'f':
		return scan_literal(s, "false");
	case 'n':
		return scan_literal(s, "null");
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return scan_number(s);
		if (c == 0)
			return scan_fail(s, s->i, "NUL byte");
		if (c > 0x20 && c < 0x7F)
			return scan_fail(s, s->i, "expected a value, found '%c'", c);
		return scan_fail(s, s->i, "expected a value, found byte 0x%02X", c);
	}
}

size_t json_check_bom(const char *buf, size_t len)
{
	if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF)
		return 3;
	return 0;
}

static int clamp_depth(int d)
{
	if (d <= 0)
		return JSON_CHECK_DEPTH;
	return d > JSON_CHECK_DEPTH_MAX ? JSON_CHECK_DEPTH_MAX : d;
}

int json_check(const char *buf, size_t len, struct json_check *jc)
{
	struct scan s = {
	    .b = (const unsigned char *)buf,
	    .len = len,
	    .max_depth = clamp_depth(jc->max_depth),
	    .max_string = jc->max_string ? jc->max_string : LIMIT_TEXT,
	    .jc = jc,
	    .cut = jc->cut,
	    .want_elems = jc->want_elems,
	};
	json_check_cursor(&s.base);
	jc->elem_off = jc->elem_end = NULL;
	jc->nelem = 0;
	jc->what[0] = 0;
	if (jc->max_bytes && len > jc->max_bytes)
		return scan_fail(&s, 0, "input is larger than %zu bytes", jc->max_bytes);
	s.i = json_check_bom(buf, len);
	scan_ws(&s);
	jc->start = s.i;
	if (scan_value(&s, 0))
		goto fail;
	scan_ws(&s);
	if (s.i < len) {
		if (s.b[s.i] == 0)
			scan_fail(&s, s.i, "NUL byte");
		else
			scan_fail(&s, s.i, "unexpected data after the JSON value");
		goto fail;
	}
	jc->elem_off = s.elems;
	jc->elem_end = s.ends;
	jc->nelem = s.nelem;
	return 0;
fail:
	free(s.elems);
	free(s.ends);
	return -1;
}

void json_check_free(struct json_check *jc)
{
	free(jc->elem_off);
	free(jc->elem_end);
	jc->elem_off = jc->elem_end = NULL;
	jc->nelem = 0;
}

void json_check_cursor(struct json_cursor *c)
{
	c->off = 0;
	c->line = 1;
	c->col = 1;
}

void json_check_advance(const char *buf, struct json_cursor *c, size_t off)
{
	if (off < c->off)
		json_check_cursor(c);
	for (size_t i = c->off; i < off; i++) {
		unsigned char b = (unsigned char)buf[i];
		if (b == '\n') {
			c->line++;
			c->col = 1;
		} else if ((b & 0xC0) != 0x80 && !(i == 0 && json_check_bom(buf, off) == 3)) {
			c->col++;
		}
	}
	c->off = off;
}

void json_check_pos(const char *buf, size_t off, long *line, long *col)
{
	struct json_cursor c;
	json_check_cursor(&c);
	json_check_advance(buf, &c, off);
	*line = c.line;
	*col = c.col;
}

int json_check_first_keys(const char *buf, size_t len, size_t limit, int *in_array, char *keys,
			  size_t cap)
{
	struct json_check jc = {0};
	struct scan s = {
	    .b = (const unsigned char *)buf,
	    .len = len < limit ? len : limit,
	    .max_depth = JSON_CHECK_DEPTH,
	    .max_string = LIMIT_TEXT,
	    .jc = &jc,
	    .keys = keys,
	    .keys_cap = cap,
	};
	json_check_cursor(&s.base);
	s.i = json_check_bom(buf, s.len);
	scan_ws(&s);
	*in_array = 0;
	if (s.i < s.len && s.b[s.i] == '[') {
		*in_array = 1;
		s.i++;
		scan_ws(&s);
	}
	if (s.i >= s.len || s.b[s.i] != '{')
		return -1;
	/* Keys are collected at depth 1, i.e. directly in this object. A parse
	 * error past the limit still leaves the keys seen before it. */
	scan_object(&s, 1);
	return s.nkeys;
}

int json_check_has_key(const char *keys, int nkeys, const char *key)
{
	for (int k = 0; k < nkeys; k++, keys += strlen(keys) + 1)
		if (!strcmp(keys, key))
			return 1;
	return 0;
}

int json_check_has_suffix(const char *keys, int nkeys, const char *suffix)
{
	size_t sl = strlen(suffix);
	for (int k = 0; k < nkeys; k++, keys += strlen(keys) + 1) {
		size_t kl = strlen(keys);
		if (kl > sl && !strcmp(keys + kl - sl, suffix))
			return 1;
	}
	return 0;
}

int json_check_lines(const char *file, const char *buf, size_t len, json_check_fn fn, void *ctx,
		     char *err)
{
	size_t at = 0, index = 0;
	long line = 0;
	while (at < len) {
		/* A line is looked for no further than the record limit. */
		size_t room = len - at < LIMIT_RECORD ? len - at : LIMIT_RECORD;
		const char *nl = memchr(buf + at, '\n', room);
		size_t end = nl ? (size_t)(nl - buf) : at + room;
		struct json_check jc = {.cut = !nl && len - at > LIMIT_RECORD};
		size_t k = at + json_check_bom(buf + at, end - at);
		line++;
		while (k < end && (buf[k] == ' ' || buf[k] == '\t' || buf[k] == '\r'))
			k++;
		if (k == end) {
			at = end + 1;
			continue;
		}
		/* The first line keeps its BOM so that json_check skips it and
		 * counts columns as an editor shows them. */
		if (json_check(buf + at, end - at, &jc))
			return json_check_errf(err, file, line, jc.col, "%s", jc.what);
		if (buf[at + jc.start] != '{')
			return json_check_errf(
			    err, file, line,
			    (long)(jc.start - json_check_bom(buf + at, end - at)) + 1,
			    "expected a JSON object on each line");
		if (fn(ctx, buf + at + jc.start, end - at - jc.start, line,
		       (long)(jc.start - json_check_bom(buf + at, end - at)) + 1, index++, err))
			return -1;
		at = end + 1;
	}
	return 0;
}

int json_check_array(const char *file, const char *buf, size_t len, json_check_fn fn, void *ctx,
		     char *err)
{
	struct json_check jc = {0};
	struct scan s = {
	    .b = (const unsigned char *)buf,
	    .len = len,
	    .max_depth = JSON_CHECK_DEPTH,
	    .max_string = LIMIT_TEXT,
	    .jc = &jc,
	};
	size_t k = 0;

	json_check_cursor(&s.base);
	s.i = json_check_bom(buf, len);
	scan_ws(&s);
	if (s.i >= len || buf[s.i] != '[') {
		/* Not an array: say what is wrong with the JSON, if anything. */
		if (json_check(buf, len, &jc))
			return json_check_errf(err, file, jc.line, jc.col, "%s", jc.what);
		json_check_pos(buf, jc.start, &jc.line, &jc.col);
		return json_check_errf(err, file, jc.line, jc.col,
				       "expected a JSON array of records");
	}
	s.i++;
	scan_ws(&s);
	if (s.i < len && buf[s.i] == ']') {
		s.i++;
		goto tail;
	}
	for (;;) {
		size_t at = s.i;
		int rc;
		/* Errors in the element are counted from its start. */
		json_check_advance(buf, &s.base, at);
		s.cut = len - at > LIMIT_RECORD;
		s.rec = at;
		if (s.cut)
			s.len = at + LIMIT_RECORD;
		rc = scan_value(&s, 1);
		s.len = len;
		s.cut = 0;
		if (rc)
			return json_check_errf(err, file, jc.line, jc.col, "%s", jc.what);
		if (buf[at] != '{')
			return json_check_errf(err, file, s.base.line, s.base.col,
					       "record %zu: expected a JSON object", k + 1);
		if (fn(ctx, buf + at, s.i - at, s.base.line, s.base.col, k, err))
			return -1;
		k++;
		scan_ws(&s);
		if (s.i < len && buf[s.i] == ',') {
			s.i++;
			scan_ws(&s);
			continue;
		}
		if (s.i < len && buf[s.i] == ']') {
			s.i++;
			break;
		}
		scan_expected(&s, "',' or ']'");
		return json_check_errf(err, file, jc.line, jc.col, "%s", jc.what);
	}
tail:
	scan_ws(&s);
	if (s.i < len) {
		if (buf[s.i] == 0)
			scan_fail(&s, s.i, "NUL byte");
		else
			scan_fail(&s, s.i, "unexpected data after the JSON value");
		return json_check_errf(err, file, jc.line, jc.col, "%s", jc.what);
	}
	return 0;
}

int json_check_records(const char *file, const char *buf, size_t len, json_check_fn fn, void *ctx,
		       char *err)
{
	size_t i = json_check_bom(buf, len);
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	if (i < len && buf[i] == '[')
		return json_check_array(file, buf, len, fn, ctx, err);
	return json_check_lines(file, buf, len, fn, ctx, err);
}

/* ---- the SQLite side ---- */

struct json_reader {
	sqlite3 *db;
	sqlite3_stmt *each;
};

int json_check_open(struct json_reader **out, char *err)
{
	struct json_reader *r = xcalloc(1, sizeof *r);
	/* The value as JSON text: SQLite hands back strings unescaped and the
	 * literals as integers, so rebuild the JSON form by type. */
	static const char sql[] =
	    "SELECT key, type, value, CASE type WHEN 'text' THEN json_quote(value)"
	    " WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null'"
	    " ELSE value END FROM json_each(?1)";
	if (sqlite3_open_v2(":memory:", &r->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		err_set(err, "cannot open an in-memory database: %s",
			r->db ? sqlite3_errmsg(r->db) : "out of memory");
		goto fail;
	}
	if (sqlite3_prepare_v2(r->db, sql, -1, &r->each, NULL) != SQLITE_OK) {
		err_set(err, "SQLite JSON functions: %s", sqlite3_errmsg(r->db));
		goto fail;
	}
	*out = r;
	return 0;
fail:
	json_check_close(r);
	return -1;
}

void json_check_close(struct json_reader *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->each);
	sqlite3_close(r->db);
	free(r);
}

static enum json_type type_of(const char *t)
{
	static const struct {
		const char *name;
		enum json_type type;
	} map[] = {
	    {"null", JSON_NULL},   {"false", JSON_FALSE},   {"true", JSON_TRUE},
	    {"integer", JSON_INT}, {"real", JSON_REAL},	    {"text", JSON_TEXT},
	    {"array", JSON_ARRAY}, {"object", JSON_OBJECT},
	};
	for (size_t k = 0; k < GV_ARRAY_LEN(map); k++)
		if (t && !strcmp(t, map[k].name))
			return map[k].type;
	return JSON_NULL;
}

static char *col_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return xstrdup(t ? (const char *)t : "");
}

int json_check_members(struct json_reader *r, const char *json, size_t len, struct json_list *l,
		       char *err)
{
	size_t i = 0;
	int rc;
	json_check_list_free(l);
	while (i < len && strchr(" \t\r\n", json[i]) && json[i])
		i++;
	if (i >= len || (json[i] != '{' && json[i] != '['))
		return err_set(err, "expected an object or an array");
	sqlite3_reset(r->each);
	if (sqlite3_bind_text64(r->each, 1, json, len, SQLITE_STATIC, SQLITE_UTF8) != SQLITE_OK)
		return err_set(err, "JSON value too large for SQLite");
	while ((rc = sqlite3_step(r->each)) == SQLITE_ROW) {
		struct json_val *v;
		l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
		v = &l->v[l->n++];
		memset(v, 0, sizeof *v);
		if (sqlite3_column_type(r->each, 0) == SQLITE_TEXT)
			v->key = col_dup(r->each, 0);
		v->type = type_of((const char *)sqlite3_column_text(r->each, 1));
		switch (v->type) {
		case JSON_TRUE:
			v->text = xstrdup("true");
			break;
		case JSON_FALSE:
			v->text = xstrdup("false");
			break;
		case JSON_NULL:
			v->text = xstrdup("null");
			break;
		default:
			v->text = col_dup(r->each, 2);
			break;
		}
		v->json = col_dup(r->each, 3);
		if (v->type == JSON_INT || v->type == JSON_REAL)
			v->num = sqlite3_column_double(r->each, 2);
	}
	sqlite3_reset(r->each);
	sqlite3_clear_bindings(r->each);
	if (rc != SQLITE_DONE) {
		err_set(err, "SQLite could not read the JSON: %s", sqlite3_errmsg(r->db));
		json_check_list_free(l);
		return -1;
	}
	return 0;
}

const struct json_val *json_check_get(const struct json_list *l, const char *key)
{
	for (size_t k = 0; k < l->n; k++)
		if (l->v[k].key && !strcmp(l->v[k].key, key))
			return &l->v[k];
	return NULL;
}

const char *json_check_scalar(const struct json_val *v)
{
	if (v && (v->type == JSON_TEXT || v->type == JSON_INT || v->type == JSON_REAL))
		return v->text;
	return NULL;
}

char *json_check_meta(const struct json_list *l, const char *const *skip)
{
	struct sbuf b = {0};
	for (size_t k = 0; k < l->n; k++) {
		const struct json_val *v = &l->v[k];
		int skipped = !v->key;
		for (const char *const *s = skip; !skipped && s && *s; s++)
			skipped = !strcmp(v->key, *s);
		if (skipped)
			continue;
		sbuf_addc(&b, b.len ? ',' : '{');
		sbuf_add_json_str(&b, v->key);
		sbuf_addc(&b, ':');
		sbuf_add(&b, v->json);
	}
	if (!b.len)
		return NULL;
	sbuf_addc(&b, '}');
	return sbuf_take(&b);
}

void json_check_list_free(struct json_list *l)
{
	for (size_t k = 0; k < l->n; k++) {
		free(l->v[k].key);
		free(l->v[k].text);
		free(l->v[k].json);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

const char *json_check_type_name(enum json_type t)
{
	switch (t) {
	case JSON_NULL:
		return "null";
	case JSON_FALSE:
	case JSON_TRUE:
		return "a boolean";
	case JSON_INT:
	case JSON_REAL:
		return "a number";
	case JSON_TEXT:
		return "a string";
	case JSON_ARRAY:
		return "an array";
	case JSON_OBJECT:
		return "an object";
	}
	return "a value";
}

int json_check_errf(char *err, const char *file, long line, long col, const char *fmt, ...)
{
	char msg[GV_ERR];
	char *clean;
	va_list ap;
	int n = snprintf(msg, sizeof msg, "%s:%ld:%ld: ", file, line, col);
	if (n < 0 || (size_t)n >= sizeof msg)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - n, fmt, ap);
	va_end(ap);
	clean = text_clean(msg);
	err_set(err, "%s", clean);
	free(clean);
	return -1;
}
