/*
 * fuzz_util: what every fuzz target shares: failing loudly, exact-size
 * copies of the input, and the checks that a string is valid UTF-8 and safe
 * to print, written independently of src/text.c so that they can catch it.
 */
#include "fuzz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_fail(const char *target, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: %s: ", target);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

char *fuzz_copy(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1);

	if (!p)
		fuzz_fail("fuzz", "out of memory");
	if (size)
		memcpy(p, data, size);
	else
		p[0] = 0;
	return p;
}

char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *p = malloc(size + 1);

	if (!p)
		fuzz_fail("fuzz", "out of memory");
	if (size)
		memcpy(p, data, size);
	p[size] = 0;
	return p;
}

/* Decode one strictly valid UTF-8 sequence at p[0..n): its code point and
 * *used bytes, or -1 when the bytes there are not one. */
static long utf8_next(const unsigned char *p, size_t n, size_t *used)
{
	unsigned long cp;
	size_t need;

	if (p[0] < 0x80) {
		*used = 1;
		return p[0];
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		need = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 4;
		cp = p[0] & 0x07;
	} else {
		return -1;
	}
	if (n < need)
		return -1;
	for (size_t i = 1; i < need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*used = need;
	return (long)cp;
}

int fuzz_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, used;

	while (i < len) {
		if (utf8_next(p + i, len - i, &used) < 0)
			return 0;
		i += used;
	}
	return 1;
}

static int is_bidi(long cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

const char *fuzz_unsafe(const char *s, int allow_newline)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, used;

	while (i < len) {
		long cp = utf8_next(p + i, len - i, &used);
		if (cp < 0 || (cp < 0x20 && !(cp == '\n' && allow_newline)) || cp == 0x7f ||
		    (cp >= 0x80 && cp <= 0x9f) || is_bidi(cp))
			return s + i;
		i += used;
	}
	return NULL;
}

void fuzz_check_safe(const char *target, const char *what, const char *s, int allow_newline)
{
	const char *bad;

	if (!s)
		fuzz_fail(target, "%s is NULL", what);
	bad = fuzz_unsafe(s, allow_newline);
	if (bad)
		fuzz_fail(target, "%s holds an unsafe byte 0x%02x at offset %zu", what,
			  (unsigned char)*bad, (size_t)(bad - s));
}
