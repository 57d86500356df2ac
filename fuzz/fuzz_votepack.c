/*
 * fuzz_votepack: the packed vote reader (src/votepack.h) over any bytes.
 * It must stay inside the buffer and end. When it reads a whole row, every
 * element it reports is bracketed text inside the row; writing the ids back
 * with votepack_add, or joining the element texts it reported, gives a row
 * that reads as the same ids again, and the written row is JSON to SQLite's
 * json_valid. (The reader is lenient about what it skips inside strings and
 * numbers: rows come from gavel or SQLite, not from users.)
 */
#include "config.h"

#include "fuzz.h"

#include "util.h"
#include "votepack.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define T "votepack"

struct ids {
	int64_t *v;
	size_t n, cap;
};

/* Read a whole row; returns votepack_next's last result. Element texts are
 * appended to elems (comma-joined in brackets) when elems is not NULL. */
static int read_row(const char *s, size_t n, struct ids *ids, struct sbuf *elems)
{
	struct votepack_iter it;
	struct votepack_vote v;
	int got;

	votepack_begin(&it, s, n);
	if (elems)
		sbuf_addc(elems, '[');
	while ((got = votepack_next(&it, &v)) > 0) {
		FUZZ_CHECK(T, v.elem >= s && v.elem + v.elen <= s + n);
		FUZZ_CHECK(T, v.elen >= 5 && v.elem[0] == '[' && v.elem[v.elen - 1] == ']');
		ids->v = xgrow(ids->v, &ids->cap, ids->n + 2, sizeof *ids->v);
		ids->v[ids->n++] = v.annotator;
		ids->v[ids->n++] = v.label;
		if (elems) {
			if (elems->len > 1)
				sbuf_addc(elems, ',');
			sbuf_addn(elems, v.elem, v.elen);
		}
	}
	if (elems)
		sbuf_addc(elems, ']');
	return got;
}

static int json_valid(const char *s)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int ok = 0;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		fuzz_fail(T, "sqlite3_open failed");
	if (sqlite3_prepare_v2(db, "SELECT json_valid(?)", -1, &q, NULL) != SQLITE_OK)
		fuzz_fail(T, "prepare failed");
	sqlite3_bind_text(q, 1, s, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		ok = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return ok;
}

int fuzz_votepack_one(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);
	struct ids a = {0}, b = {0}, c = {0};
	struct sbuf joined = {0}, written = {0};

	if (read_row(buf, size, &a, &joined) == 0) {
		sbuf_addc(&written, '[');
		for (size_t i = 0; i < a.n; i += 2) {
			if (i)
				sbuf_addc(&written, ',');
			votepack_add(&written, a.v[i], a.v[i + 1], i % 4 ? "t" : NULL,
				     i % 6 ? NULL : "c\"\\\n");
		}
		sbuf_addc(&written, ']');
		FUZZ_CHECK(T, read_row(written.s, written.len, &b, NULL) == 0);
		FUZZ_CHECK(T, b.n == a.n && (!a.n || memcmp(a.v, b.v, a.n * sizeof *a.v) == 0));
		FUZZ_CHECK(T, read_row(joined.s, joined.len, &c, NULL) == 0);
		FUZZ_CHECK(T, c.n == a.n && (!a.n || memcmp(a.v, c.v, a.n * sizeof *a.v) == 0));
		FUZZ_CHECK(T, json_valid(written.s));
	}
	free(a.v);
	free(b.v);
	free(c.v);
	sbuf_free(&joined);
	sbuf_free(&written);
	free(buf);
	return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_votepack_one(data, size);
}
#endif
