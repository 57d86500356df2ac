/*
 * utf8: strict UTF-8 decoding and encoding, and character boundaries
 * (src/utf8.h).
 */
#include "config.h"

#include "utf8.h"

/* Is c a continuation byte (10xxxxxx)? */
static int utf8_is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

uint32_t utf8_decode(const unsigned char *p, size_t n, size_t *used)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;
	uint32_t cp;

	*used = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0; /* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates U+D800-U+DFFF */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90; /* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f; /* beyond U+10FFFF */
	} else {
		return UTF8_BAD; /* a continuation byte, 0xc0/0xc1 (overlong) or 0xf5-0xff */
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return UTF8_BAD;
	cp = (cp << 6) | (p[1] & 0x3f);
	for (size_t i = 2; i < len; i++) {
		if (!utf8_is_cont(p[i]))
			return UTF8_BAD;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	*used = len;
	return cp;
}

size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t used;
	if (!n || utf8_decode(p, n, &used) == UTF8_BAD)
		return 0;
	return used;
}

size_t utf8_encode(long cp, char out[UTF8_MAX])
{
	if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t utf8_cut(const char *s, size_t n)
{
	while (n > 0 && utf8_is_cont((unsigned char)s[n]))
		n--;
	return n;
}

size_t utf8_trim(const char *s, size_t len)
{
	size_t last = utf8_prev(s, len);
	return utf8_len((const unsigned char *)s + last, len - last) == len - last ? len : last;
}

size_t utf8_next(const char *s, size_t i, size_t len)
{
	if (i >= len)
		return len;
	i++;
	while (i < len && utf8_is_cont((unsigned char)s[i]))
		i++;
	return i;
}

size_t utf8_prev(const char *s, size_t i)
{
	while (i > 0 && utf8_is_cont((unsigned char)s[--i]))
		;
	return i;
}
