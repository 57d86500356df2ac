/*
 * Unit tests of util: each contract util.h states, checked on the code, so
 * that the header and the behaviour cannot drift apart again (the JSON
 * number writer's rounding, a zeroed sbuf, xstrndup's exact copy, xgrow's
 * capacities, err_set's cut at a character boundary, what the number
 * parsers accept, util_read_file's errors).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "text.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void assert_json_num(double v, const char *want)
{
	struct sbuf b = {0};
	sbuf_add_json_num(&b, v);
	assert_string_equal(b.s, want);
	sbuf_free(&b);
}

static void test_json_num_six_decimals(void **state)
{
	assert_json_num(0.5, "0.5");
	assert_json_num(1, "1.0");
	assert_json_num(1.0 / 3, "0.333333");
	assert_json_num(2.0 / 3, "0.666667");
	assert_json_num(-0.0, "0.0");
	assert_json_num(-1e-9, "0.0");
	assert_json_num(1e-7, "0.0");
	assert_json_num(-2.25, "-2.25");
	assert_json_num(2500000, "2500000.0");
	assert_json_num(NAN, "null");
	assert_json_num(INFINITY, "null");
	assert_json_num(-INFINITY, "null");
}

static void assert_json_str(const char *s, const char *want)
{
	struct sbuf b = {0};
	sbuf_add_json_str(&b, s);
	assert_string_equal(b.s, want);
	sbuf_free(&b);
}

static void test_json_str_escapes(void **state)
{
	assert_json_str("", "\"\"");
	assert_json_str("a\"b\\c\n\r\t", "\"a\\\"b\\\\c\\n\\r\\t\"");
	assert_json_str("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	/* Non-ASCII text passes; C1, bidi and invalid bytes are escaped. */
	assert_json_str("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	assert_json_str("a\xc2\x9b"
			"b",
			"\"a\\u009bb\"");
	assert_json_str("\xe2\x80\xae"
			"x",
			"\"\\u202ex\"");
	assert_json_str("\xff"
			"x\xc3\xa9",
			"\"\\ufffdx\xc3\xa9\"");
}

static void test_sbuf_zeroed_and_appends(void **state)
{
	struct sbuf b = {0};
	char *s;
	/* A zeroed buffer is empty with s still NULL. */
	assert_null(b.s);
	assert_int_equal(b.len, 0);
	s = sbuf_take(&b);
	assert_string_equal(s, "");
	free(s);
	assert_null(b.s);
	sbuf_addn(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.s, "a\0b", 4);
	sbuf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_non_null(b.s);
	assert_string_equal(b.s, "");
	sbuf_add(&b, "x=");
	sbuf_addf(&b, "%d/%s", 42, "y");
	sbuf_addc(&b, '!');
	assert_string_equal(b.s, "x=42/y!");
	assert_int_equal(b.len, 7);
	s = sbuf_take(&b);
	assert_string_equal(s, "x=42/y!");
	free(s);
	assert_null(b.s);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	sbuf_add_int(&b, 0);
	sbuf_addc(&b, ' ');
	sbuf_add_int(&b, -5);
	sbuf_addc(&b, ' ');
	sbuf_add_int(&b, INT64_MIN);
	sbuf_addc(&b, ' ');
	sbuf_add_int(&b, INT64_MAX);
	assert_string_equal(b.s, "0 -5 -9223372036854775808 9223372036854775807");
	sbuf_free(&b);
	assert_null(b.s);
	assert_int_equal(b.cap, 0);
}

static void test_xstrndup_xgrow(void **state)
{
	size_t cap = 0;
	int *a = NULL, *p;
	char *s = xstrndup("a\0bc", 3);
	/* Exactly n bytes, NUL included, then a terminator. */
	assert_memory_equal(s, "a\0b\0", 4);
	free(s);
	a = xgrow(a, &cap, 1, sizeof *a);
	assert_int_equal(cap, 16);
	p = xgrow(a, &cap, 16, sizeof *a);
	assert_ptr_equal(p, a);
	assert_int_equal(cap, 16);
	a = xgrow(a, &cap, 17, sizeof *a);
	assert_int_equal(cap, 32);
	a = xgrow(a, &cap, 100, sizeof *a);
	assert_int_equal(cap, 128);
	free(a);
	free(xmalloc(0));
	free(xcalloc(0, 0));
}

static void test_err_set_cuts_at_char(void **state)
{
	char err[GV_ERR], big[GV_ERR + 8];
	assert_int_equal(err_set(NULL, "x %d", 1), -1);
	assert_int_equal(err_set(err, "x %d", 1), -1);
	assert_string_equal(err, "x 1");
	/* 1021 ASCII bytes, then a 3-byte character that would not fit whole:
	 * it is left out rather than cut in half. */
	memset(big, 'a', GV_ERR - 3);
	memcpy(big + GV_ERR - 3, "\xe2\x82\xac", 4);
	err_set(err, "%s", big);
	assert_int_equal(strlen(err), GV_ERR - 3);
	/* 1022 bytes and the same character: it still does not fit. */
	memset(big, 'a', GV_ERR - 2);
	memcpy(big + GV_ERR - 2, "\xe2\x82\xac", 4);
	err_set(err, "%s", big);
	assert_int_equal(strlen(err), GV_ERR - 2);
	/* 1020 bytes: it fits exactly in the last three bytes. */
	memset(big, 'a', GV_ERR - 4);
	memcpy(big + GV_ERR - 4, "\xe2\x82\xac", 4);
	err_set(err, "%s", big);
	assert_int_equal(strlen(err), GV_ERR - 1);
}

static void test_parse_numbers(void **state)
{
	double d = 7;
	long l = 7;
	assert_int_equal(util_parse_double("1.5", &d), 0);
	assert_true(d == 1.5);
	assert_int_equal(util_parse_double(" 2", &d), 0);
	assert_true(d == 2);
	d = 7;
	assert_int_equal(util_parse_double("1.5 ", &d), -1);
	assert_int_equal(util_parse_double("", &d), -1);
	assert_int_equal(util_parse_double("inf", &d), -1);
	assert_int_equal(util_parse_double("nan", &d), -1);
	assert_int_equal(util_parse_double("1e400", &d), -1);
	assert_true(d == 7);
	assert_int_equal(util_parse_long("-3", -5, 5, &l), 0);
	assert_int_equal(l, -3);
	assert_int_equal(util_parse_long(" 4", -5, 5, &l), 0);
	assert_int_equal(l, 4);
	l = 7;
	assert_int_equal(util_parse_long("6", -5, 5, &l), -1);
	assert_int_equal(util_parse_long("0x3", -5, 5, &l), -1);
	assert_int_equal(util_parse_long("3 ", -5, 5, &l), -1);
	assert_int_equal(util_parse_long("", -5, 5, &l), -1);
	assert_int_equal(l, 7);
}

static void test_read_file_limits(void **state)
{
	char path[] = "/tmp/gavel-util-XXXXXX", err[GV_ERR], *buf = NULL;
	size_t len = 0;
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "ab\0cd", 5), 5);
	close(fd);
	assert_int_equal(util_read_file(path, 5, &buf, &len, err), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "ab\0cd", 6);
	free(buf);
	buf = NULL;
	assert_int_equal(util_read_file(path, 4, &buf, &len, err), -1);
	assert_null(buf);
	assert_non_null(strstr(err, "larger than the limit of 4 bytes"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	unlink(path);
	assert_int_equal(util_read_file(path, 5, &buf, &len, err), -1);
	assert_null(buf);
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
}

static void test_sha256_utc_now(void **state)
{
	char hex[65], now[21];
	util_sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	util_utc_now(now);
	assert_int_equal(strlen(now), 20);
	assert_int_equal(now[4], '-');
	assert_int_equal(now[10], 'T');
	assert_int_equal(now[19], 'Z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_num_six_decimals),
		cmocka_unit_test(test_json_str_escapes),
		cmocka_unit_test(test_sbuf_zeroed_and_appends),
		cmocka_unit_test(test_xstrndup_xgrow),
		cmocka_unit_test(test_err_set_cuts_at_char),
		cmocka_unit_test(test_parse_numbers),
		cmocka_unit_test(test_read_file_limits),
		cmocka_unit_test(test_sha256_utc_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
