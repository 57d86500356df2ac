/*
 * The CSV export's spreadsheet guard as a property (src/store_export.h): 100,000
 * seeded random cells, biased towards what spreadsheets and CSV readers treat
 * specially (= + - @ tab CR LF , " ' and numbers), are written by the export's
 * cell writer and read back by gavel's own CSV reader (src/csv.h). No text
 * cell may start with a character a spreadsheet runs as a formula, and every
 * cell, with the documented guard undone, must equal what was written. The
 * negative control writes the same cells with the guard off and the same
 * check must count every dangerous one.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "csv.h"
#include "store_export.h"
#include "rng.h"
#include "util.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#define NCELLS	 100000
#define PER_ROW	 10
#define MAX_CELL 24

/*
 * A plain decimal number, written here as a regular expression independently
 * of the exporter's own check: the only cells allowed to start with + or -.
 */
static regex_t number_re;

static int is_number(const char *s)
{
	return regexec(&number_re, s, 0, NULL, 0) == 0;
}

/* The undo a reader applies (store_export.h): drop a ' that precedes = + - @ tab CR '. */
static const char *unguard(const char *s)
{
	if (s[0] == '\'' && s[1] && strchr("=+-@\t\r'", s[1]))
		return s + 1;
	return s;
}

/* Pieces a random cell is made of: single bytes and whole UTF-8 characters. */
static const char *const pieces[] = {
	"=",
	"+",
	"-",
	"@",
	"\t",
	"\r",
	"\n",
	"\r\n",
	",",
	"\"",
	"'",
	" ",
	"0",
	"1",
	"9",
	".",
	"e",
	"E",
	"a",
	"Z",
	"SUM(A1)",
	"cmd|",
	"\xc3\xa9",
	"\xe2\x80\xae",
	"\xef\xbb\xbf",
	"\xe4\xb8\xad",
	"\xf0\x9f\x98\x80",
	"\x1b",
	"\x7f",
	";",
	"|",
	"!",
};

/* Fill cell (MAX_CELL * 4 + 1 bytes) with a random string; some are numbers. */
static void random_cell(uint64_t *seed, char *cell)
{
	uint64_t r = rng_next(seed);
	size_t n, len = 0;
	if (r % 8 == 0) {
		/* A number, signed or not, sometimes with a fraction or exponent. */
		const char *sign[] = {"", "-", "+"};
		snprintf(cell, MAX_CELL * 4 + 1, "%s%u%s%s", sign[(r >> 3) % 3],
			 (unsigned)((r >> 8) % 100000), (r >> 30) % 2 ? ".25" : "",
			 (r >> 31) % 4 == 0 ? "e-3" : "");
		return;
	}
	n = (size_t)((r >> 3) % (MAX_CELL + 1));
	for (size_t i = 0; i < n; i++) {
		const char *p = pieces[rng_next(seed) % GV_ARRAY_LEN(pieces)];
		size_t pl = strlen(p);
		if (len + pl > MAX_CELL * 4)
			break;
		memcpy(cell + len, p, pl);
		len += pl;
	}
	cell[len] = '\0';
}

/*
 * The negative control's writer: RFC 4180 quoting and nothing else (the
 * export's writer with its guard taken out), so that the property's check is
 * seen to fail on what the guard is for.
 */
static void plain_csv_cell(struct sbuf *b, const char *s)
{
	int quote = strpbrk(s, ",\"\n\r") != NULL;
	if (quote)
		sbuf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			sbuf_addc(b, '"');
		sbuf_addc(b, *s);
	}
	if (quote)
		sbuf_addc(b, '"');
}

struct cells_check {
	size_t formula;	 /* text cells read back starting with = + - @ tab or CR */
	size_t mismatch; /* cells that did not read back as written (guard undone) */
	size_t cells;	 /* cells read back */
};

/*
 * Write the cells with WRITE, NCELLS in rows of PER_ROW after a header row,
 * read them back with gavel's CSV reader and count what the property forbids.
 * UNDO is applied to each cell read before comparing it with what was written.
 */
static struct cells_check check_cells(char (*cells)[MAX_CELL * 4 + 1],
				      void (*write)(struct sbuf *, const char *),
				      const char *(*undo)(const char *))
{
	struct cells_check r = {0};
	struct sbuf b = {0};
	struct csv c;
	int rc;

	/* A header row first, as the export writes: a reader drops a BOM at the start. */
	for (size_t i = 0; i < PER_ROW; i++)
		sbuf_addf(&b, "h%zu%s", i, i + 1 < PER_ROW ? "," : "\r\n");
	for (size_t i = 0; i < NCELLS; i++) {
		write(&b, cells[i]);
		sbuf_add(&b, (i + 1) % PER_ROW ? "," : "\r\n");
	}
	csv_init(&c, b.s, b.len, ',');
	c.want = PER_ROW;
	assert_int_equal(csv_next(&c), 1);
	while ((rc = csv_next(&c)) > 0) {
		for (size_t f = 0; f < c.nf; f++, r.cells++) {
			const char *got = c.f[f].s;
			assert_true(r.cells < NCELLS);
			if (got[0] && strchr("=+-@\t\r", got[0]) && !is_number(got))
				r.formula++;
			if (strlen(got) != c.f[f].len || strcmp(undo(got), cells[r.cells]) != 0)
				r.mismatch++;
		}
	}
	if (rc < 0)
		fail_msg("reader: %ld:%ld: %s", c.err_line, c.err_col, c.what);
	csv_free(&c);
	sbuf_free(&b);
	return r;
}

static const char *as_read(const char *s)
{
	return s;
}

static void property_100k_cells(void **state)
{
	char(*cells)[MAX_CELL * 4 + 1] = xmalloc(sizeof(*cells) * NCELLS);
	uint64_t seed = 20261203;
	size_t guarded = 0, dangerous_in = 0;
	struct cells_check r;
	(void)state;

	for (size_t i = 0; i < NCELLS; i++) {
		random_cell(&seed, cells[i]);
		if (cells[i][0] && strchr("=+-@\t\r", cells[i][0]) && !is_number(cells[i]))
			dangerous_in++;
		guarded += (size_t)export_csv_guarded(cells[i]);
	}
	/* The generator does produce what the guard is for, and numbers. */
	assert_true(dangerous_in > NCELLS / 10);
	assert_true(guarded >= dangerous_in);

	/* Exported text cells starting with = + - @ tab or CR: 0; the CSV
	 * round-trips exactly once the guard is undone. */
	r = check_cells(cells, export_csv_cell, unguard);
	assert_int_equal(r.cells, NCELLS);
	assert_int_equal(r.formula, 0);
	assert_int_equal(r.mismatch, 0);

	/* Negative control: the same cells and the same check with the guard off
	 * count every dangerous cell (the reader hands them back as written),
	 * while the plain quoting alone still round-trips. */
	r = check_cells(cells, plain_csv_cell, as_read);
	assert_int_equal(r.cells, NCELLS);
	assert_int_equal(r.formula, dangerous_in);
	assert_int_equal(r.mismatch, 0);
	print_message("guard on: 0 formula cells of %d; guard off: %zu\n", NCELLS, r.formula);
	free(cells);
}

/* Hand-picked cells: what the guard must and must not touch. */
static void guard_examples(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"=SUM(A1)", "\"'=SUM(A1)\""},
		{"+1+1", "\"'+1+1\""},
		{"-2+3", "\"'-2+3\""},
		{"@cmd", "\"'@cmd\""},
		{"\t5", "\"'\t5\""},   /* strtod takes "\t5" as a number; a spreadsheet cell starts
					  with tab */
		{"\r-1", "\"'\r-1\""}, /* likewise */
		{"-0x1A", "\"'-0x1A\""},
		{"-inf", "\"'-inf\""},
		{"-1", "-1"},
		{"+2.5e3", "+2.5e3"},
		{"-.5", "-.5"},
		{"'=x", "\"''=x\""},
		{"''", "\"'''\""},
		{"'-3", "\"''-3\""},
		{"'x", "'x"},
		{"'", "'"},
		{"a,b", "\"a,b\""},
		{"say \"hi\"", "\"say \"\"hi\"\"\""},
		{"", ""},
	};
	(void)state;
	for (size_t i = 0; i < GV_ARRAY_LEN(cases); i++) {
		struct sbuf b = {0};
		export_csv_cell(&b, cases[i].in);
		if (strcmp(b.s ? b.s : "", cases[i].out) != 0)
			fail_msg("cell '%s': wrote '%s', wanted '%s'", cases[i].in, b.s ? b.s : "",
				 cases[i].out);
		sbuf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guard_examples),
		cmocka_unit_test(property_100k_cells),
	};
	int rc;
	if (regcomp(&number_re, "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?$",
		    REG_EXTENDED | REG_NOSUB) != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	regfree(&number_re);
	return rc;
}
