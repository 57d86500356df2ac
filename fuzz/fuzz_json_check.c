/*
 * fuzz_json_check: the JSON syntax checker (src/json_check.h) over any
 * bytes. Checked: asking for element offsets changes no verdict; each
 * element found is itself valid JSON; a tighter nesting limit only ever
 * turns a pass into a failure, and a size limit below the input always
 * fails; errors carry a position inside the buffer and a printable message;
 * whatever json_check accepts (without a byte order mark), SQLite's
 * json_valid accepts too, since the readers hand accepted text to SQLite;
 * the first-record key list is well formed; and the JSON Lines and array
 * walkers hand every record to the callback as valid JSON with its index,
 * stop when it fails, and report their own errors as printable
 * "file:line:col: ..." messages.
 */
#include "config.h"

#include "fuzz.h"

#include "json_check.h"
#include "util.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define T	  "json_check"
#define FILE_NAME "fuzz.json"

/* Elements of a top-level array re-checked one by one, at most. */
#define MAX_ELEMS 64

static sqlite3 *fuzz_db;
static sqlite3_stmt *fuzz_valid;

/* SQLite's verdict on text[0..len): 1 valid, 0 not, -1 no connection. */
static int sqlite_json_valid(const char *text, size_t len)
{
	int v;

	if (!fuzz_db) {
		if (sqlite3_open(":memory:", &fuzz_db) != SQLITE_OK ||
		    sqlite3_prepare_v2(fuzz_db, "SELECT json_valid(?1)", -1, &fuzz_valid, NULL) !=
			    SQLITE_OK)
			fuzz_fail(T, "cannot open SQLite: %s", sqlite3_errmsg(fuzz_db));
	}
	sqlite3_bind_text(fuzz_valid, 1, text, (int)len, SQLITE_STATIC);
	if (sqlite3_step(fuzz_valid) != SQLITE_ROW)
		fuzz_fail(T, "json_valid: %s", sqlite3_errmsg(fuzz_db));
	v = sqlite3_column_int(fuzz_valid, 0);
	sqlite3_reset(fuzz_valid);
	sqlite3_clear_bindings(fuzz_valid);
	return v;
}

static void check_failure(const struct json_check *jc, size_t size)
{
	FUZZ_CHECK(T, jc->err_off <= size);
	FUZZ_CHECK(T, jc->line >= 1);
	FUZZ_CHECK(T, jc->col >= 1);
	FUZZ_CHECK(T, jc->what[0] != 0);
	FUZZ_CHECK(T, jc->elem_off == NULL);
	fuzz_check_safe(T, "json_check message", jc->what, 0);
}

static void check_elems(const char *buf, size_t size, const struct json_check *jc)
{
	if (buf[jc->start] != '[') {
		FUZZ_CHECK(T, jc->nelem == 0);
		return;
	}
	for (size_t k = 0; k < jc->nelem; k++) {
		struct json_check e = {0};
		FUZZ_CHECK(T, jc->elem_off[k] > jc->start);
		FUZZ_CHECK(T, jc->elem_off[k] < jc->elem_end[k]);
		FUZZ_CHECK(T, jc->elem_end[k] <= size);
		FUZZ_CHECK(T, k == 0 || jc->elem_off[k] > jc->elem_end[k - 1]);
		if (k < MAX_ELEMS) {
			FUZZ_CHECK(T, json_check(buf + jc->elem_off[k],
						 jc->elem_end[k] - jc->elem_off[k], &e) == 0);
			json_check_free(&e);
		}
	}
}

static void check_keys(const char *buf, size_t size)
{
	char keys[256];
	int in_array = -1;
	int n = json_check_first_keys(buf, size, size, &in_array, keys, sizeof keys);
	const char *p = keys;

	FUZZ_CHECK(T, n >= -1);
	if (n < 0)
		return;
	FUZZ_CHECK(T, in_array == 0 || in_array == 1);
	for (int i = 0; i < n; i++) {
		size_t kl = strnlen(p, sizeof keys - (size_t)(p - keys));
		FUZZ_CHECK(T, p + kl < keys + sizeof keys);
		FUZZ_CHECK(T, json_check_has_key(keys, n, p));
		p += kl + 1;
	}
}

struct walk {
	size_t next; /* the index the next record must have */
	size_t stop; /* fail at this index (SIZE_MAX: never) */
	int stopped;
};

static int on_record(void *ctx, const char *json, size_t len, long line, long col, size_t index,
		     char *err)
{
	struct walk *w = ctx;
	struct json_check jc = {0};

	FUZZ_CHECK(T, index == w->next);
	FUZZ_CHECK(T, line >= 1 && col >= 1);
	FUZZ_CHECK(T, len >= 2 && json[0] == '{');
	FUZZ_CHECK(T, json_check(json, len, &jc) == 0);
	json_check_free(&jc);
	w->next++;
	if (index == w->stop) {
		w->stopped = 1;
		return err_set(err, "stopped by the callback");
	}
	return 0;
}

static void walk(int (*fn)(const char *, const char *, size_t, json_check_fn, void *, char *),
		 const char *buf, size_t size, size_t stop)
{
	struct walk w = {.stop = stop};
	char err[GV_ERR] = "";
	int rc = fn(FILE_NAME, buf, size, on_record, &w, err);

	FUZZ_CHECK(T, rc == 0 || rc == -1);
	if (w.stopped) {
		FUZZ_CHECK(T, rc == -1);
		FUZZ_CHECK(T, strcmp(err, "stopped by the callback") == 0);
	} else if (rc) {
		FUZZ_CHECK(T, strncmp(err, FILE_NAME ":", strlen(FILE_NAME ":")) == 0);
		fuzz_check_safe(T, "walker error", err, 0);
	}
}

int fuzz_json_check_one(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);
	struct json_check plain = {0}, elems = {.want_elems = 1};
	struct json_check shallow = {.max_depth = 1 + (int)(size % 8)};
	struct json_check small = {.max_bytes = size / 2};
	int rp, re, rs, rb;

	rp = json_check(buf, size, &plain);
	re = json_check(buf, size, &elems);
	FUZZ_CHECK(T, rp == 0 || rp == -1);
	FUZZ_CHECK(T, rp == re);
	if (rp) {
		check_failure(&plain, size);
		check_failure(&elems, size);
		FUZZ_CHECK(T, plain.err_off == elems.err_off);
		FUZZ_CHECK(T, plain.line == elems.line && plain.col == elems.col);
		FUZZ_CHECK(T, strcmp(plain.what, elems.what) == 0);
	} else {
		FUZZ_CHECK(T, plain.start < size);
		FUZZ_CHECK(T, plain.elem_off == NULL);
		check_elems(buf, size, &elems);
		if (json_check_bom(buf, size) == 0)
			FUZZ_CHECK(T, sqlite_json_valid(buf, size) == 1);
	}

	rs = json_check(buf, size, &shallow);
	if (rs == 0)
		FUZZ_CHECK(T, rp == 0);
	else
		check_failure(&shallow, size);
	if (rp)
		FUZZ_CHECK(T, rs == -1);

	rb = json_check(buf, size, &small);
	if (size >= 2)
		FUZZ_CHECK(T, rb == -1);
	if (rb)
		check_failure(&small, size);

	check_keys(buf, size);
	walk(json_check_lines, buf, size, size % 3 == 0 ? 1 : SIZE_MAX);
	walk(json_check_array, buf, size, size % 3 == 1 ? 0 : SIZE_MAX);
	walk(json_check_records, buf, size, SIZE_MAX);

	json_check_free(&plain);
	json_check_free(&elems);
	json_check_free(&shallow);
	json_check_free(&small);
	free(buf);
	return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_json_check_one(data, size);
}
#endif
