/*
 * votepack: reading and writing the packed vote array (see votepack.h).
 * The reader is the hot loop of every statistic, so it parses by hand the
 * one shape the writer produces (SQLite's json_group_array writes the same
 * shape, and whitespace between tokens is allowed) instead of building a
 * JSON tree per row.
 */
#include "config.h"

#include "votepack.h"
#include "text.h"

static void skip_ws(struct votepack_iter *it)
{
	while (it->p < it->end &&
	       (*it->p == ' ' || *it->p == '\t' || *it->p == '\n' || *it->p == '\r'))
		it->p++;
}

static int eat(struct votepack_iter *it, char c)
{
	skip_ws(it);
	if (it->p < it->end && *it->p == c) {
		it->p++;
		return 1;
	}
	return 0;
}

static int read_int(struct votepack_iter *it, int64_t *out)
{
	int neg = 0, digits = 0;
	uint64_t v = 0;

	skip_ws(it);
	if (it->p < it->end && *it->p == '-') {
		neg = 1;
		it->p++;
	}
	while (it->p < it->end && *it->p >= '0' && *it->p <= '9') {
		if (v > (uint64_t)INT64_MAX / 10)
			return -1;
		v = v * 10 + (uint64_t)(*it->p++ - '0');
		digits++;
	}
	if (!digits || v > (uint64_t)INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

/* A JSON string (escapes are skipped, not decoded) or null. */
static int skip_value(struct votepack_iter *it)
{
	skip_ws(it);
	if (it->end - it->p >= 4 && it->p[0] == 'n' && it->p[1] == 'u' && it->p[2] == 'l' &&
	    it->p[3] == 'l') {
		it->p += 4;
		return 0;
	}
	if (it->p >= it->end || *it->p != '"')
		return -1;
	for (it->p++; it->p < it->end; it->p++) {
		if (*it->p == '\\') {
			it->p++;
		} else if (*it->p == '"') {
			it->p++;
			return 0;
		}
	}
	return -1;
}

void votepack_begin(struct votepack_iter *it, const char *s, size_t n)
{
	it->p = s;
	it->end = s + n;
	it->started = 0;
}

int votepack_next(struct votepack_iter *it, struct votepack_vote *v)
{
	if (!it->started) {
		it->started = 1;
		if (!eat(it, '['))
			return -1;
		if (eat(it, ']'))
			goto end;
	} else {
		if (eat(it, ']'))
			goto end;
		if (!eat(it, ','))
			return -1;
	}
	if (!eat(it, '['))
		return -1;
	v->elem = it->p - 1;
	v->extra = 0;
	if (read_int(it, &v->annotator) || !eat(it, ',') || read_int(it, &v->label))
		return -1;
	for (int k = 0; k < 2 && eat(it, ','); k++) {
		if (skip_value(it))
			return -1;
		v->extra = 1;
	}
	if (!eat(it, ']'))
		return -1;
	v->elen = (size_t)(it->p - v->elem);
	return 1;
end:
	skip_ws(it);
	return it->p == it->end ? 0 : -1;
}

void votepack_add(struct sbuf *b, int64_t annotator, int64_t label, const char *at,
		  const char *comment)
{
	sbuf_addc(b, '[');
	sbuf_add_int(b, annotator);
	sbuf_addc(b, ',');
	sbuf_add_int(b, label);
	if (at || comment) {
		sbuf_addc(b, ',');
		if (at)
			sbuf_add_json_str(b, at);
		else
			sbuf_add(b, "null");
	}
	if (comment) {
		sbuf_addc(b, ',');
		sbuf_add_json_str(b, comment);
	}
	sbuf_addc(b, ']');
}
