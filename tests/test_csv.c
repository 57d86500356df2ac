/*
 * Unit tests of the CSV tokenizer (src/csv.h): what it accepts (BOM, CRLF,
 * quoted separators and newlines, doubled quotes, empty fields, a last line
 * without a newline) and what it rejects, each with the line and column
 * (in characters) an editor would jump to.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "csv.h"

#include <string.h>

/* Tokenize s (len bytes) and expect one error at line:col whose text holds what. */
static void expect_error(const char *s, size_t len, size_t want, long line, long col,
			 const char *what)
{
	struct csv c;
	int rc;
	csv_init(&c, s, len, ',');
	c.want = want;
	while ((rc = csv_next(&c)) > 0)
		;
	assert_int_equal(rc, -1);
	if (!strstr(c.what, what))
		fail_msg("error '%s' does not mention '%s'", c.what, what);
	assert_int_equal(c.err_line, line);
	assert_int_equal(c.err_col, col);
	/* The error sticks. */
	assert_int_equal(csv_next(&c), -1);
	csv_free(&c);
}

static void expect_fields(struct csv *c, size_t n, ...)
{
	va_list ap;
	assert_int_equal(csv_next(c), 1);
	assert_int_equal(c->nf, n);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		const char *want = va_arg(ap, const char *);
		assert_string_equal(c->f[i].s, want);
		assert_int_equal(c->f[i].len, strlen(want));
	}
	va_end(ap);
}

static void test_plain(void **state)
{
	static const char s[] = "item,annotator,label\ni1,a,pos\ni2,b,\n";
	struct csv c;
	csv_init(&c, s, sizeof s - 1, ',');
	expect_fields(&c, 3, "item", "annotator", "label");
	assert_int_equal(c.line, 1);
	expect_fields(&c, 3, "i1", "a", "pos");
	assert_int_equal(c.line, 2);
	assert_int_equal(csv_field_col(&c, &c.f[2]), 6);
	expect_fields(&c, 3, "i2", "b", "");
	assert_int_equal(csv_next(&c), 0);
	assert_int_equal(csv_next(&c), 0);
	csv_free(&c);
}

static void test_bom_crlf_no_final_newline(void **state)
{
	static const char s[] = "\xEF\xBB\xBFitem,label\r\ni1,x\r\n\r\ni2,y";
	struct csv c;
	csv_init(&c, s, sizeof s - 1, ',');
	expect_fields(&c, 2, "item", "label");
	/* The BOM is not part of the first field, nor counted as a column. */
	assert_int_equal(csv_field_col(&c, &c.f[0]), 1);
	expect_fields(&c, 2, "i1", "x");
	/* The empty CRLF line is skipped; line numbers still count it. */
	expect_fields(&c, 2, "i2", "y");
	assert_int_equal(c.line, 4);
	assert_int_equal(csv_next(&c), 0);
	csv_free(&c);
}

static void test_quotes(void **state)
{
	static const char s[] = "item,text\n"
				"i1,\"say \"\"hi\"\", then\nleave\"\n"
				"\"i,2\",\"\"\n"
				"i3,5\"screen\n";
	struct csv c;
	csv_init(&c, s, sizeof s - 1, ',');
	c.want = 2;
	expect_fields(&c, 2, "item", "text");
	expect_fields(&c, 2, "i1", "say \"hi\", then\nleave");
	assert_int_equal(c.line, 2);
	expect_fields(&c, 2, "i,2", "");
	/* The quoted newline moved the line count on. */
	assert_int_equal(c.line, 4);
	/* A quote inside an unquoted field is a literal character. */
	expect_fields(&c, 2, "i3", "5\"screen");
	assert_int_equal(csv_next(&c), 0);
	csv_free(&c);
}

static void test_tab_separator(void **state)
{
	static const char s[] = "item\tlabel\ni,1\t\"a\tb\"\n";
	struct csv c;
	csv_init(&c, s, sizeof s - 1, '\t');
	expect_fields(&c, 2, "item", "label");
	expect_fields(&c, 2, "i,1", "a\tb");
	csv_free(&c);
}

static void test_ragged(void **state)
{
	static const char more[] = "a,b,c\n1,2,3\n1,2,3,4\n";
	static const char fewer[] = "a,b,c\n1,2\n";
	/* The first surplus field starts at line 3, column 7. */
	expect_error(more, sizeof more - 1, 3, 3, 7, "expected 3 fields");
	/* The missing field belongs right after "1,2": column 4. */
	expect_error(fewer, sizeof fewer - 1, 3, 2, 4, "found 2");
}

static void test_unterminated_quote(void **state)
{
	static const char s[] = "item,text\ni1,ok\ni2,\"never\nclosed,at all\n";
	/* Reported where the quote opened: line 3, column 4. */
	expect_error(s, sizeof s - 1, 0, 3, 4, "unterminated quoted field");
}

static void test_text_after_quote(void **state)
{
	static const char s[] = "a,b\n\"x\"y,2\n";
	expect_error(s, sizeof s - 1, 0, 2, 4, "after a closing quote");
}

static void test_nul(void **state)
{
	static const char s[] = "a,b\nxy,z\0z\n";
	expect_error(s, sizeof s - 1, 0, 2, 5, "NUL byte");
}

static void test_invalid_utf8(void **state)
{
	/* "é" is two bytes but one column: the bad byte 0xFF is at column 6 of line 2. */
	static const char s[] = "a,b\n\xC3\xA9t\xC3\xA9,x\xFFy\n";
	static const char overlong[] = "a\n\xC0\xAF\n";
	static const char surrogate[] = "a\n\"ok\xED\xA0\x80\"\n";
	static const char truncated[] = "a,b\n1,\xE2\x82";
	expect_error(s, sizeof s - 1, 0, 2, 6, "invalid UTF-8");
	expect_error(overlong, sizeof overlong - 1, 0, 2, 1, "invalid UTF-8");
	expect_error(surrogate, sizeof surrogate - 1, 0, 2, 4, "invalid UTF-8");
	expect_error(truncated, sizeof truncated - 1, 0, 2, 3, "invalid UTF-8");
}

static void test_valid_utf8_kept(void **state)
{
	static const char s[] = "\xE6\x84\x9F\xE6\x83\x85,\xF0\x9F\x98\x80\n";
	struct csv c;
	csv_init(&c, s, sizeof s - 1, ',');
	expect_fields(&c, 2, "\xE6\x84\x9F\xE6\x83\x85", "\xF0\x9F\x98\x80");
	/* Two CJK characters before the comma: the second field is column 4. */
	assert_int_equal(csv_field_col(&c, &c.f[1]), 4);
	csv_free(&c);
}

static void test_limits(void **state)
{
	static const char s[] = "a,b\nshort,much-too-long\n";
	struct csv c;
	csv_init(&c, s, sizeof s - 1, ',');
	c.max_field = 8;
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(csv_next(&c), -1);
	assert_non_null(strstr(c.what, "longer than"));
	assert_int_equal(c.err_line, 2);
	assert_int_equal(c.err_col, 7);
	csv_free(&c);

	csv_init(&c, s, sizeof s - 1, ',');
	c.max_fields = 1;
	assert_int_equal(csv_next(&c), -1);
	assert_non_null(strstr(c.what, "more than 1 fields"));
	csv_free(&c);
}

static void test_empty(void **state)
{
	struct csv c;
	csv_init(&c, "", 0, ',');
	assert_int_equal(csv_next(&c), 0);
	csv_free(&c);
	csv_init(&c, "\xEF\xBB\xBF\r\n\n", 5, ',');
	assert_int_equal(csv_next(&c), 0);
	csv_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_bom_crlf_no_final_newline),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_tab_separator),
		cmocka_unit_test(test_ragged),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_text_after_quote),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_valid_utf8_kept),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
