/*
 * fuzz_csv: the CSV tokenizer (src/csv.h) over any bytes, with ',' and '\t'.
 * Besides running clean under the sanitizers, every record must keep the
 * contract: fields are NUL-terminated valid UTF-8 of their stated length
 * with positions inside the buffer, errors have a position and a message,
 * and an error sticks. Three differential checks tie the options together:
 * the expected width (want) and smaller limits reject exactly the records
 * that break them and change nothing else, and writing the records back
 * out fully quoted and tokenizing that gives the same records again.
 */
#include "config.h"

#include "fuzz.h"

#include "csv.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define T "csv"

/* Limits of the differential run with small limits. */
#define SMALL_FIELD  8
#define SMALL_FIELDS 4

/* The record's own invariants. */
static void check_record(const struct csv *c, size_t size)
{
	FUZZ_CHECK(T, c->nf >= 1);
	FUZZ_CHECK(T, c->line >= 1);
	for (size_t i = 0; i < c->nf; i++) {
		const struct csv_field *f = &c->f[i];
		FUZZ_CHECK(T, f->s != NULL);
		FUZZ_CHECK(T, strlen(f->s) == f->len);
		FUZZ_CHECK(T, f->len <= c->max_field);
		FUZZ_CHECK(T, fuzz_utf8_valid(f->s, f->len));
		FUZZ_CHECK(T, f->line >= c->line);
		FUZZ_CHECK(T, f->off <= size);
		FUZZ_CHECK(T, f->line_off <= f->off);
		FUZZ_CHECK(T, i == 0 || f->off > c->f[i - 1].off);
		FUZZ_CHECK(T, csv_field_col(c, f) >= 1);
	}
}

static void check_error(struct csv *c)
{
	FUZZ_CHECK(T, c->err_line >= 1);
	FUZZ_CHECK(T, c->err_col >= 1);
	FUZZ_CHECK(T, c->what[0] != 0);
	fuzz_check_safe(T, "error message", c->what, 0);
	/* An error sticks. */
	FUZZ_CHECK(T, csv_next(c) == -1);
}

static int same_record(const struct csv *a, const struct csv *b)
{
	if (a->nf != b->nf)
		return 0;
	for (size_t i = 0; i < a->nf; i++) {
		if (a->f[i].len != b->f[i].len || memcmp(a->f[i].s, b->f[i].s, a->f[i].len) != 0)
			return 0;
	}
	return 1;
}

static int within_small_limits(const struct csv *c)
{
	if (c->nf > SMALL_FIELDS)
		return 0;
	for (size_t i = 0; i < c->nf; i++) {
		if (c->f[i].len > SMALL_FIELD)
			return 0;
	}
	return 1;
}

/* Append the current record fully quoted, as a writer would. */
static void write_record(struct sbuf *out, const struct csv *c)
{
	for (size_t i = 0; i < c->nf; i++) {
		if (i)
			sbuf_addc(out, ',');
		sbuf_addc(out, '"');
		for (size_t j = 0; j < c->f[i].len; j++) {
			if (c->f[i].s[j] == '"')
				sbuf_addc(out, '"');
			sbuf_addc(out, c->f[i].s[j]);
		}
		sbuf_addc(out, '"');
	}
	sbuf_addc(out, '\n');
}

/*
 * Tokenize buf with sep, in lockstep with the same tokenizer given the
 * expected width of the first record and with small limits. With sep ','
 * and no error, also check the fully quoted round trip.
 */
static void run(const char *buf, size_t size, char sep)
{
	struct csv c, w, s;
	struct sbuf out = {0};
	int rc, rw, rs, w_on = 1, s_on = 1, ok = 0;

	csv_init(&c, buf, size, sep);
	csv_init(&w, buf, size, sep);
	csv_init(&s, buf, size, sep);
	s.max_field = SMALL_FIELD;
	s.max_fields = SMALL_FIELDS;
	for (long n = 0;; n++) {
		rc = csv_next(&c);
		FUZZ_CHECK(T, rc == 1 || rc == 0 || rc == -1);
		if (rc == 1 && n == 0)
			w.want = c.nf;
		rw = w_on ? csv_next(&w) : -2;
		rs = s_on ? csv_next(&s) : -2;
		if (rc == 0) {
			FUZZ_CHECK(T, rw == 0 || rw == -2);
			FUZZ_CHECK(T, rs == 0 || rs == -2);
			ok = 1;
			break;
		}
		if (rc < 0) {
			check_error(&c);
			FUZZ_CHECK(T, rw == -1 || rw == -2);
			FUZZ_CHECK(T, rs == -1 || rs == -2);
			break;
		}
		check_record(&c, size);
		if (sep == ',')
			write_record(&out, &c);
		if (w_on) {
			if (c.nf == w.want) {
				FUZZ_CHECK(T, rw == 1);
				FUZZ_CHECK(T, same_record(&c, &w));
			} else {
				FUZZ_CHECK(T, rw == -1);
				check_error(&w);
				w_on = 0;
			}
		}
		if (s_on) {
			if (within_small_limits(&c)) {
				FUZZ_CHECK(T, rs == 1);
				FUZZ_CHECK(T, same_record(&c, &s));
				check_record(&s, size);
			} else {
				FUZZ_CHECK(T, rs == -1);
				check_error(&s);
				s_on = 0;
			}
		}
	}
	csv_free(&s);
	csv_free(&w);

	if (ok && sep == ',' && out.len) {
		struct csv r;
		/* The records written back read the same, one for one. */
		csv_free(&c);
		csv_init(&c, buf, size, sep);
		csv_init(&r, out.s, out.len, ',');
		for (;;) {
			int a = csv_next(&c), b = csv_next(&r);
			FUZZ_CHECK(T, a == b);
			if (a != 1)
				break;
			FUZZ_CHECK(T, same_record(&c, &r));
		}
		csv_free(&r);
	}
	csv_free(&c);
	sbuf_free(&out);
}

int fuzz_csv_one(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);

	run(buf, size, ',');
	run(buf, size, '\t');
	free(buf);
	return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_csv_one(data, size);
}
#endif
