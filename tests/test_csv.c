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

#include <stdlib.h>
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

/* Tokenize s with fields of at most max bytes: the first record that has a
 * longer one fails, at line:col, where that field starts. */
static void expect_too_long(const char *s, size_t len, size_t max, long line, long col)
{
	struct csv c;
	int rc;
	csv_init(&c, s, len, ',');
	c.max_field = max;
	while ((rc = csv_next(&c)) > 0)
		;
	assert_int_equal(rc, -1);
	assert_non_null(strstr(c.what, "longer than"));
	assert_int_equal(c.err_line, line);
	assert_int_equal(c.err_col, col);
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
	expect_too_long(s, sizeof s - 1, 8, 2, 7);
	csv_init(&c, s, sizeof s - 1, ',');
	c.max_fields = 1;
	assert_int_equal(csv_next(&c), -1);
	assert_non_null(strstr(c.what, "more than 1 fields"));
	csv_free(&c);
}

/*
 * Runs of ordinary bytes are scanned eight at a time: put a field of every
 * length from 0 to 19 after a first field of 0 to 8 bytes (so that each
 * byte that ends or breaks the field falls at every place in a word), in a
 * buffer of exactly the text's size (so that a read past its end is caught
 * by the sanitizers), and check where each field ends, which byte stops it,
 * and the column of the stop (its byte offset + 1: the line is ASCII up to
 * there).
 */
static void test_word_boundaries(void **state)
{
	static const char *const stops[] = {",", "\n", "\r\n", "\0", "\xFF", "\xC3\xA9"};
	char text[64];
	for (size_t lead = 0; lead <= 8; lead++) {
		for (size_t len = 0; len < 20; len++) {
			for (size_t k = 0; k < sizeof stops / sizeof *stops; k++) {
				size_t n = 0, slen = k == 3 ? 1 : strlen(stops[k]);
				int accent = k == 5;
				struct csv c;
				char *buf;
				memset(text + n, 'a', lead);
				n += lead;
				text[n++] = ',';
				memset(text + n, 'b', len);
				n += len;
				memcpy(text + n, stops[k], slen);
				n += slen;
				memcpy(text + n, "z", 1);
				n += 1;
				buf = malloc(n);
				memcpy(buf, text, n);
				csv_init(&c, buf, n, ',');
				if (k == 3 || k == 4) {
					/* A NUL or a bad byte: an error at its column. */
					assert_int_equal(csv_next(&c), -1);
					assert_int_equal(c.err_line, 1);
					assert_int_equal(c.err_col, (long)(lead + 1 + len + 1));
				} else {
					assert_int_equal(csv_next(&c), 1);
					assert_int_equal(c.f[0].len, lead);
					assert_int_equal(c.f[1].off, lead + 1);
					assert_int_equal(csv_field_col(&c, &c.f[1]),
							 (long)(lead + 2));
					if (k == 0) {
						/* Three fields; the third's column. */
						assert_int_equal(c.nf, 3);
						assert_int_equal(c.f[1].len, len);
						assert_string_equal(c.f[2].s, "z");
						assert_int_equal(csv_field_col(&c, &c.f[2]),
								 (long)(lead + len + 3));
					} else if (accent) {
						/* "é" goes on the field. */
						assert_int_equal(c.nf, 2);
						assert_int_equal(c.f[1].len, len + 3);
						assert_int_equal(c.f[1].s[len], '\xC3');
						assert_int_equal(csv_field_col(&c, &c.f[1]),
								 (long)(lead + 2));
					} else {
						/* A line end: "z" is the next record. */
						assert_int_equal(c.nf, 2);
						assert_int_equal(c.f[1].len, len);
						assert_int_equal(csv_next(&c), 1);
						assert_int_equal(c.line, 2);
						assert_string_equal(c.f[0].s, "z");
					}
				}
				csv_free(&c);
				free(buf);
			}
		}
	}
}

/* A column after an "é" on the line counts characters, in a record that
 * starts on an ASCII line and goes on, inside quotes, on another. */
static void test_columns_in_characters(void **state)
{
	static const char s[] = "x,\"a\n\xC3\xA9\xC3\xA9\",b,c\nd,e\n";
	struct csv c;
	csv_init(&c, s, sizeof s - 1, ',');
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(c.nf, 4);
	assert_int_equal(csv_field_col(&c, &c.f[1]), 3);
	/* Line 2 is "éé",b,c: b is after 2 characters, a quote and a comma. */
	assert_int_equal(c.f[2].line, 2);
	assert_int_equal(csv_field_col(&c, &c.f[2]), 5);
	assert_int_equal(csv_field_col(&c, &c.f[3]), 7);
	/* The next record is ASCII again. */
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(csv_field_col(&c, &c.f[1]), 3);
	csv_free(&c);
}

/* A quoted field longer than a word, with a doubled quote and a line end
 * in it, and a field of exactly the limit beside one a byte over it. */
static void test_long_runs(void **state)
{
	static const char s[] = "\"abcdefghij\"\"klmnopqrstuv\nwxyz0123456789\",12345678\n";
	static const char over[] = "\"abcdefgh\",123456789\n";
	struct csv c;
	csv_init(&c, s, sizeof s - 1, ',');
	c.max_field = 40;
	expect_fields(&c, 2, "abcdefghij\"klmnopqrstuv\nwxyz0123456789", "12345678");
	csv_free(&c);
	expect_too_long(s, sizeof s - 1, 8, 1, 1);
	expect_too_long(over, sizeof over - 1, 8, 1, 12);
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
		cmocka_unit_test(test_word_boundaries),
		cmocka_unit_test(test_columns_in_characters),
		cmocka_unit_test(test_long_runs),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
