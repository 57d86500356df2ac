/*
 * csv: RFC 4180 tokenizer over a buffer. One pass: the runs of ordinary
 * bytes between separators, quotes and line ends are found eight bytes at a
 * time (csv_scan: a word holding none of the bytes that end a run is passed
 * over whole, which is most of a field), UTF-8 is validated where a byte of
 * 0x80 or more stops a run, and fields are unescaped into a per-record
 * scratch buffer. Positions in errors are 1-based lines and columns counted
 * in characters, so that an editor's "go to line:col" lands on the byte.
 */
#include "config.h"

#include "csv.h"
#include "utf8.h"
#include "util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_init(struct csv *c, const char *buf, size_t len, char sep)
{
	memset(c, 0, sizeof *c);
	c->buf = buf;
	c->len = len;
	c->sep = sep;
	c->max_field = CSV_MAX_FIELD;
	c->max_record = CSV_MAX_RECORD;
	c->max_fields = CSV_MAX_FIELDS;
	c->lineno = 1;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		c->pos = c->line_off = 3;
}

void csv_free(struct csv *c)
{
	free(c->f);
	free(c->scratch);
	c->f = NULL;
	c->scratch = NULL;
	c->fcap = c->scap = c->nf = c->slen = 0;
}

#define CSV_ONES  0x0101010101010101ull
#define CSV_HIGHS 0x8080808080808080ull

/* The high bit of each byte of x that is zero. Bytes above the lowest zero
 * byte may be flagged too (a borrow), so only the lowest flag is exact. */
static inline uint64_t csv_zero(uint64_t x)
{
	return (x - CSV_ONES) & ~x & CSV_HIGHS;
}

/*
 * The first position in b[pos..end) holding a NUL, a byte of 0x80 or more,
 * or the byte repeated in r1, r2 or r3 (a byte times CSV_ONES); end when
 * none does. The lowest flag of each csv_zero is exact, so the lowest of
 * their union is too.
 */
static inline size_t csv_scan(const unsigned char *b, size_t pos, size_t end, uint64_t r1,
			      uint64_t r2, uint64_t r3)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (end - pos >= 8) {
		uint64_t x, m;
		memcpy(&x, b + pos, 8);
		m = csv_zero(x) | csv_zero(x ^ r1) | csv_zero(x ^ r2) | csv_zero(x ^ r3) |
		    (x & CSV_HIGHS);
		if (m)
			return pos + (size_t)(__builtin_ctzll(m) >> 3);
		pos += 8;
	}
#endif
	for (; pos < end; pos++) {
		unsigned char ch = b[pos];
		if (ch == 0 || ch >= 0x80 || ch == (unsigned char)r1 || ch == (unsigned char)r2 ||
		    ch == (unsigned char)r3)
			break;
	}
	return pos;
}

/* Room for n more bytes in the scratch buffer. */
static inline void csv_room(struct csv *c, size_t n)
{
	if (c->scap - c->slen < n)
		c->scratch = xgrow(c->scratch, &c->scap, c->slen + n, 1);
}

/* Column of byte off on the line starting at line_off: characters before it + 1. */
static long csv_col(const char *buf, size_t line_off, size_t off)
{
	long col = 1;
	for (size_t i = line_off; i < off; i++) {
		if (((unsigned char)buf[i] & 0xC0) != 0x80)
			col++;
	}
	return col;
}

long csv_field_col(const struct csv *c, const struct csv_field *f)
{
	/* A record of ASCII only (most of them) counts bytes. */
	if (c->ascii)
		return (long)(f->off - f->line_off) + 1;
	return csv_col(c->buf, f->line_off, f->off);
}

static int csv_fail(struct csv *c, long line, size_t line_off, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int csv_fail(struct csv *c, long line, size_t line_off, size_t off, const char *fmt, ...)
{
	va_list ap;
	c->err_line = line;
	c->err_col = csv_col(c->buf, line_off, off);
	c->err_field = c->nf;
	va_start(ap, fmt);
	vsnprintf(c->what, sizeof c->what, fmt, ap);
	va_end(ap);
	c->pos = c->len;
	c->ascii = 0;
	c->lineno = -1; /* marks the tokenizer as failed: later calls return -1 */
	return -1;
}

/* The field starting at off is longer than the limit. */
static int csv_too_long(struct csv *c, long line, size_t line_off, size_t off)
{
	return csv_fail(c, line, line_off, off, "field longer than the limit of %zu bytes",
			c->max_field);
}

static void csv_add(struct csv *c, const char *s, size_t n)
{
	csv_room(c, n + 1);
	memcpy(c->scratch + c->slen, s, n);
	c->slen += n;
}

static void csv_newline(struct csv *c)
{
	c->lineno++;
	c->line_off = c->pos;
}

/* csv_plain's result after an error. */
#define CSV_FAILED ((size_t)-1)

/*
 * Scan an unquoted field from pos to the next separator (repeated in rsep),
 * line end or the end of the buffer, checking every byte, and copy it to the
 * scratch buffer. Returns where it ends, or CSV_FAILED. A field is too long
 * when more than max_field bytes come before whatever ends or breaks it,
 * which is found within max_field + 1 bytes of its start. (The position
 * stays in a register: stored into c->pos field after field, it was loaded
 * back with the next line_off as one wide load, which the store could not
 * be forwarded to.)
 */
static size_t csv_plain(struct csv *c, size_t pos, uint64_t rsep)
{
	const unsigned char *b = (const unsigned char *)c->buf;
	size_t start = pos, n;
	size_t stop = c->len - pos > c->max_field ? pos + c->max_field + 1 : c->len;

	for (;;) {
		unsigned char ch;
		if (pos - start > c->max_field)
			return csv_too_long(c, c->lineno, c->line_off, start), CSV_FAILED;
		pos = csv_scan(b, pos, stop, rsep, CSV_ONES * '\n', CSV_ONES * '\r');
		if (pos - start > c->max_field)
			return csv_too_long(c, c->lineno, c->line_off, start), CSV_FAILED;
		if (pos >= c->len)
			break;
		ch = b[pos];
		if (ch >= 0x80) {
			size_t k = utf8_len(b + pos, c->len - pos);
			if (!k)
				return csv_fail(c, c->lineno, c->line_off, pos, "invalid UTF-8"),
				       CSV_FAILED;
			c->ascii = 0;
			pos += k;
			continue;
		}
		if (ch == 0)
			return csv_fail(c, c->lineno, c->line_off, pos, "NUL byte"), CSV_FAILED;
		break; /* the separator or a line end */
	}
	/* A short field (most are) is copied as one word. */
	n = pos - start;
	csv_room(c, n + 8);
	if (n <= 8 && c->len - start >= 8)
		memcpy(c->scratch + c->slen, c->buf + start, 8);
	else
		memcpy(c->scratch + c->slen, c->buf + start, n);
	c->slen += n;
	return pos;
}

/* Scan a quoted field; c->pos is on the opening quote. */
static int csv_quoted(struct csv *c)
{
	const unsigned char *b = (const unsigned char *)c->buf;
	long qline = c->lineno;
	size_t qoff = c->pos, qline_off = c->line_off;
	size_t pos = c->pos + 1;

	for (;;) {
		size_t run = pos, stop;
		unsigned char ch;
		if (c->slen - c->fstart > c->max_field)
			return csv_too_long(c, qline, qline_off, qoff);
		/* Copy runs of ordinary ASCII in one go, no further than the limit. */
		stop = c->len - pos > c->max_field ? pos + c->max_field + 1 : c->len;
		pos = csv_scan(b, pos, stop, CSV_ONES * '"', CSV_ONES * '\n', CSV_ONES * '\n');
		csv_add(c, c->buf + run, pos - run);
		if (pos < c->len && pos == stop)
			continue;
		if (pos >= c->len)
			return csv_fail(c, qline, qline_off, qoff,
					"unterminated quoted field (the quote opened here is never "
					"closed)");
		ch = b[pos];
		if (ch == '"') {
			if (pos + 1 < c->len && b[pos + 1] == '"') {
				csv_add(c, "\"", 1);
				pos += 2;
				continue;
			}
			pos++;
			break;
		}
		if (ch == '\n') {
			csv_add(c, "\n", 1);
			c->pos = ++pos;
			csv_newline(c);
			continue;
		}
		if (ch == 0)
			return csv_fail(c, c->lineno, c->line_off, pos, "NUL byte");
		{
			size_t n = utf8_len(b + pos, c->len - pos);
			if (!n)
				return csv_fail(c, c->lineno, c->line_off, pos, "invalid UTF-8");
			c->ascii = 0;
			csv_add(c, c->buf + pos, n);
			pos += n;
		}
	}
	c->pos = pos;
	if (pos < c->len && b[pos] != (unsigned char)c->sep && b[pos] != '\n' && b[pos] != '\r')
		return csv_fail(c, c->lineno, c->line_off, pos,
				"unexpected text after a closing quote (a quote inside a quoted "
				"field is written \"\")");
	return 0;
}

int csv_next(struct csv *c)
{
	const char *b = c->buf;
	size_t end = 0, pos;
	uint64_t rsep = CSV_ONES * (unsigned char)c->sep;

	if (c->lineno < 0)
		return -1;
	/* Skip entirely empty lines. */
	for (;;) {
		if (c->pos >= c->len)
			return 0;
		if (b[c->pos] == '\n') {
			c->pos++;
		} else if (b[c->pos] == '\r') {
			c->pos++;
			if (c->pos < c->len && b[c->pos] == '\n')
				c->pos++;
		} else {
			break;
		}
		csv_newline(c);
	}
	c->nf = 0;
	c->slen = 0;
	c->line = c->lineno;
	c->ascii = 1;
	pos = c->pos;
	for (;;) {
		struct csv_field *f;
		size_t s0 = c->slen;
		if (c->nf == c->max_fields)
			return csv_fail(c, c->lineno, c->line_off, pos,
					"more than %zu fields in one record", c->max_fields);
		if (c->nf == c->fcap)
			c->f = xgrow(c->f, &c->fcap, c->nf + 1, sizeof *c->f);
		f = &c->f[c->nf];
		f->line = c->lineno;
		f->off = pos;
		f->line_off = c->line_off;
		c->fstart = c->slen;
		if (pos < c->len && b[pos] == '"') {
			c->pos = pos;
			if (csv_quoted(c))
				return -1;
			pos = c->pos;
		} else if ((pos = csv_plain(c, pos, rsep)) == CSV_FAILED) {
			return -1;
		}
		f->len = c->slen - s0;
		if (f->len > c->max_field)
			return csv_too_long(c, f->line, f->line_off, f->off);
		if (c->slen > c->max_record)
			return csv_fail(c, c->line, c->f[0].line_off, c->f[0].off,
					"record longer than the limit of %zu bytes", c->max_record);
		csv_room(c, 1);
		c->scratch[c->slen++] = '\0';
		c->nf++;
		end = pos;
		if (pos >= c->len)
			break;
		if (b[pos] == c->sep) {
			pos++;
			continue;
		}
		if (b[pos] == '\r') {
			pos++;
			if (pos < c->len && b[pos] == '\n')
				pos++;
		} else {
			pos++; /* '\n' */
		}
		c->pos = pos;
		csv_newline(c);
		break;
	}
	c->pos = pos;
	/* The scratch buffer may have moved while growing: point fields now. */
	{
		size_t off = 0;
		for (size_t i = 0; i < c->nf; i++) {
			c->f[i].s = c->scratch + off;
			off += c->f[i].len + 1;
		}
	}
	if (c->want && c->nf != c->want) {
		if (c->nf > c->want) {
			const struct csv_field *x = &c->f[c->want];
			return csv_fail(c, x->line, x->line_off, x->off,
					"expected %zu fields as in the header, found %zu", c->want,
					c->nf);
		}
		{
			const struct csv_field *x = &c->f[c->nf - 1];
			/* Point just past the last field, where the missing ones belong. */
			return csv_fail(c, x->line, x->line_off, end,
					"expected %zu fields as in the header, found %zu", c->want,
					c->nf);
		}
	}
	return 1;
}
