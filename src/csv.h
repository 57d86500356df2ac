/*
 * csv: an RFC 4180 tokenizer as a pure function over a buffer, with limits,
 * shared by the CSV/TSV readers, the tests and any fuzz target. It accepts a
 * UTF-8 byte order mark, CRLF or LF line ends, and quoted fields holding
 * separators, newlines and doubled quotes; it rejects unterminated quotes,
 * stray text after a closing quote, invalid UTF-8, NUL bytes, over-long
 * fields and (when told the expected width) ragged rows, each with the
 * 1-based line and column (in characters) where the problem starts.
 *
 * Fields are copied, unescaped and NUL-terminated into one scratch buffer per
 * record that is reused for the next record: no allocation per field.
 * Entirely empty lines are skipped. A quote inside an unquoted field is kept
 * as a literal character, as most CSV writers and readers do.
 */
#ifndef GAVEL_CSV_H
#define GAVEL_CSV_H

#include "limit.h"

#include <stddef.h>

#define CSV_MAX_FIELD  LIMIT_TEXT   /* bytes in one field */
#define CSV_MAX_RECORD LIMIT_RECORD /* bytes in one record's fields */
#define CSV_MAX_FIELDS 4096	    /* fields in one record */

struct csv_field {
	const char *s; /* unescaped, NUL-terminated; valid until the next csv_next */
	size_t len;
	long line;	 /* 1-based line where the field starts */
	size_t off;	 /* byte offset of its first byte in the buffer */
	size_t line_off; /* byte offset of the start of that line */
};

struct csv {
	/* In (set by csv_init, may be changed before the first csv_next). */
	const char *buf;
	size_t len;
	char sep;
	size_t max_field;  /* bytes per field, checked as the field is scanned */
	size_t max_record; /* bytes in all the fields of a record */
	size_t max_fields; /* fields per record */
	size_t want;	   /* expected fields per record, 0 for any: else ragged is an error */

	/* Out: the current record. */
	struct csv_field *f;
	size_t nf;
	long line; /* line where the record starts */

	/* Out, after csv_next returned -1: where, what, and the index of the
	 * field in its record (0-based). */
	long err_line, err_col;
	char what[128];
	size_t err_field;

	/* Private state. */
	size_t pos, line_off, fcap;
	int ascii; /* no byte of the record so far is 0x80 or more */
	long lineno;
	char *scratch;
	size_t slen, scap, fstart;
};

/* Start tokenizing buf[0..len) (may hold NUL bytes) with separator sep. */
void csv_init(struct csv *c, const char *buf, size_t len, char sep);

/*
 * Read the next record into c->f[0..c->nf). Returns 1 for a record, 0 at the
 * end of the buffer, -1 on an error with err_line, err_col and what filled
 * (after an error, further calls return -1 again).
 */
int csv_next(struct csv *c);

/* 1-based column, in characters, of field f of the current record. */
long csv_field_col(const struct csv *c, const struct csv_field *f);

/* Free the scratch buffers (the struct may then be csv_init'ed again). */
void csv_free(struct csv *c);

#endif
