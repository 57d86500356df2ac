/*
 * Unit tests of utf8: strict decoding (overlong forms, surrogates, code
 * points past U+10FFFF, truncated sequences and stray continuation bytes
 * are refused one byte at a time), encoding (every length, and U+FFFD for
 * what has no UTF-8 form), and cutting and stepping at character
 * boundaries. Each byte sequence's verdict agrees with Python's strict
 * decoder (bytes.decode("utf-8")), which follows RFC 3629; code points and
 * encodings are those of the Unicode charts (é U+00E9 = c3 a9, € U+20AC =
 * e2 82 ac, 😀 U+1F600 = f0 9f 98 80).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "utf8.h"

#include <string.h>

/* Decode s (n bytes) and check the code point and length. */
static void decodes(const char *s, size_t n, uint32_t cp, size_t used)
{
	size_t got_used = 99;
	uint32_t got = utf8_decode((const unsigned char *)s, n, &got_used);
	assert_int_equal(got, cp);
	assert_int_equal(got_used, used);
	assert_int_equal(utf8_len((const unsigned char *)s, n), cp == UTF8_BAD ? 0 : used);
}

static void test_decode_valid(void **state)
{
	(void)state;
	decodes("A", 1, 'A', 1);
	decodes("\x7f", 1, 0x7f, 1);
	decodes("\xc2\x80", 2, 0x80, 2);       /* the first two-byte code point */
	decodes("\xc3\xa9z", 3, 0xe9, 2);      /* é, and the byte after is not taken */
	decodes("\xdf\xbf", 2, 0x7ff, 2);      /* the last two-byte one */
	decodes("\xe0\xa0\x80", 3, 0x800, 3);  /* the first three-byte one */
	decodes("\xe2\x82\xac", 3, 0x20ac, 3); /* € */
	decodes("\xed\x9f\xbf", 3, 0xd7ff, 3); /* just below the surrogates */
	decodes("\xee\x80\x80", 3, 0xe000, 3); /* just above them */
	decodes("\xef\xbf\xbf", 3, 0xffff, 3);
	decodes("\xf0\x90\x80\x80", 4, 0x10000, 4);
	decodes("\xf0\x9f\x98\x80", 4, 0x1f600, 4);  /* 😀 */
	decodes("\xf4\x8f\xbf\xbf", 4, 0x10ffff, 4); /* the last code point */
	assert_int_equal(utf8_len((const unsigned char *)"x", 0), 0);
}

static void test_decode_overlong(void **state)
{
	(void)state;
	/* '/' and U+0000 spelt in more bytes than they need. */
	decodes("\xc0\xaf", 2, UTF8_BAD, 1);
	decodes("\xc1\xbf", 2, UTF8_BAD, 1);
	decodes("\xc0\x80", 2, UTF8_BAD, 1);
	decodes("\xe0\x80\xaf", 3, UTF8_BAD, 1);
	decodes("\xe0\x9f\xbf", 3, UTF8_BAD, 1); /* U+07FF in three bytes */
	decodes("\xf0\x80\x80\xaf", 4, UTF8_BAD, 1);
	decodes("\xf0\x8f\xbf\xbf", 4, UTF8_BAD, 1); /* U+FFFF in four bytes */
}

static void test_decode_surrogates(void **state)
{
	(void)state;
	decodes("\xed\xa0\x80", 3, UTF8_BAD, 1); /* U+D800 */
	decodes("\xed\xad\xbf", 3, UTF8_BAD, 1); /* U+DB7F */
	decodes("\xed\xbf\xbf", 3, UTF8_BAD, 1); /* U+DFFF */
	/* A pair encoded one half at a time (CESU-8) is two bad starts. */
	decodes("\xed\xa0\xbd\xed\xb8\x80", 6, UTF8_BAD, 1);
}

static void test_decode_beyond(void **state)
{
	(void)state;
	decodes("\xf4\x90\x80\x80", 4, UTF8_BAD, 1); /* U+110000 */
	decodes("\xf5\x80\x80\x80", 4, UTF8_BAD, 1);
	decodes("\xf7\xbf\xbf\xbf", 4, UTF8_BAD, 1);	 /* U+1FFFFF */
	decodes("\xf8\x88\x80\x80\x80", 5, UTF8_BAD, 1); /* old five-byte form */
	decodes("\xfe", 1, UTF8_BAD, 1);
	decodes("\xff", 1, UTF8_BAD, 1);
}

static void test_decode_truncated(void **state)
{
	(void)state;
	/* Cut short by the buffer's end... */
	decodes("\xc3\xa9", 1, UTF8_BAD, 1);
	decodes("\xe2\x82\xac", 2, UTF8_BAD, 1);
	decodes("\xf0\x9f\x98\x80", 3, UTF8_BAD, 1);
	/* ... or by a byte that does not continue it. */
	decodes("\xc3"
		"A",
		2, UTF8_BAD, 1);
	decodes("\xe2\x82"
		"A",
		3, UTF8_BAD, 1);
	decodes("\xf0\x9f\x98"
		"A",
		4, UTF8_BAD, 1);
	decodes("\xe2\xc3\xa9", 3, UTF8_BAD, 1);
	/* A continuation byte starts nothing. */
	decodes("\x80", 1, UTF8_BAD, 1);
	decodes("\xbf\xbf", 2, UTF8_BAD, 1);
}

/* Encode cp and compare the bytes. */
static void encodes(long cp, const char *want)
{
	char out[UTF8_MAX];
	size_t n = utf8_encode(cp, out);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
}

static void test_encode(void **state)
{
	(void)state;
	encodes('A', "A");
	encodes(0x7f, "\x7f");
	encodes(0x80, "\xc2\x80");
	encodes(0xe9, "\xc3\xa9");
	encodes(0x7ff, "\xdf\xbf");
	encodes(0x800, "\xe0\xa0\x80");
	encodes(0x20ac, "\xe2\x82\xac");
	encodes(0xffff, "\xef\xbf\xbf");
	encodes(0x10000, "\xf0\x90\x80\x80");
	encodes(0x1f600, "\xf0\x9f\x98\x80");
	encodes(0x10ffff, "\xf4\x8f\xbf\xbf");
	/* No UTF-8 form: U+FFFD (ef bf bd) instead. */
	encodes(0xd800, "\xef\xbf\xbd");
	encodes(0xdfff, "\xef\xbf\xbd");
	encodes(0x110000, "\xef\xbf\xbd");
	encodes(-1, "\xef\xbf\xbd");
	/* Every code point round-trips through decode. */
	for (long cp = 0; cp <= 0x10ffff; cp += cp < 0x1000 ? 1 : 97) {
		char out[UTF8_MAX];
		size_t n = utf8_encode(cp, out), used;
		uint32_t back = utf8_decode((const unsigned char *)out, n, &used);
		if (cp >= 0xd800 && cp <= 0xdfff)
			assert_int_equal(back, 0xfffd);
		else
			assert_int_equal(back, (uint32_t)cp);
		assert_int_equal(used, n);
	}
}

static void test_cut(void **state)
{
	/* "aé€😀b": a at 0, é at 1-2, € at 3-5, 😀 at 6-9, b at 10. */
	const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
			"b";
	static const size_t want[] = {0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 11};
	(void)state;
	for (size_t n = 0; n < sizeof want / sizeof want[0]; n++)
		assert_int_equal(utf8_cut(s, n), want[n]);
}

static void test_step(void **state)
{
	const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
			"b";
	size_t len = strlen(s);
	static const size_t starts[] = {0, 1, 3, 6, 10, 11};
	(void)state;
	for (size_t k = 0; k + 1 < sizeof starts / sizeof starts[0]; k++) {
		assert_int_equal(utf8_next(s, starts[k], len), starts[k + 1]);
		assert_int_equal(utf8_prev(s, starts[k + 1]), starts[k]);
	}
	assert_int_equal(utf8_next(s, len, len), len);
	assert_int_equal(utf8_prev(s, 0), 0);
	/* The end of a buffer stops a step inside a character. */
	assert_int_equal(utf8_next(s, 6, 8), 8);
}

static void test_trim(void **state)
{
	const char *s = "a\xc3\xa9\xe2\x82\xac";
	(void)state;
	/* Whole characters stay; a last one lacking bytes goes. */
	assert_int_equal(utf8_trim(s, 6), 6);
	assert_int_equal(utf8_trim(s, 5), 3);
	assert_int_equal(utf8_trim(s, 4), 3);
	assert_int_equal(utf8_trim(s, 3), 3);
	assert_int_equal(utf8_trim(s, 2), 1);
	assert_int_equal(utf8_trim(s, 1), 1);
	assert_int_equal(utf8_trim(s, 0), 0);
	/* An invalid last byte goes too. */
	assert_int_equal(utf8_trim("ab\xff", 3), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_valid),
		cmocka_unit_test(test_decode_overlong),
		cmocka_unit_test(test_decode_surrogates),
		cmocka_unit_test(test_decode_beyond),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_step),
		cmocka_unit_test(test_trim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
