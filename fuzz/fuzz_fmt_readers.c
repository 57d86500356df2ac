/*
 * fuzz_fmt_readers: every import format (src/formats.h) over any bytes, for
 * every import kind it can carry: detect, then read into a sink that keeps
 * nothing and checks each record: a known kind and a 1-based line, an item
 * id that is present and not empty, every string present where the kind
 * needs it and valid UTF-8 (read to its end, so a dangling pointer shows up
 * under AddressSanitizer), metadata that is a valid JSON object, and a
 * prediction's probability list complete. The sink stops the reader after a
 * few records on some inputs: the reader must then return -1 with the
 * sink's message. A reader's own error must be a printable
 * "fuzz.in:..." message. import_detect must agree with the formats' own
 * detect functions.
 */
#include "config.h"

#include "fuzz.h"

#include "formats.h"
#include "import.h"
#include "json_check.h"
#include "text.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define T	  "fmt_readers"
#define FILE_NAME "fuzz.in"
#define STOP_MSG  "stopped by the fuzz sink"

struct fuzz_sink {
	const struct fmt *f;
	enum import_kind kind;
	long records;
	long stop; /* stop at this record (0-based); -1: never */
	int stopped;
};

/* An optional string: absent, or valid UTF-8 read to its end. */
static void check_str(const struct fuzz_sink *s, const char *what, const char *v)
{
	if (v && !fuzz_utf8_valid(v, strlen(v)))
		fuzz_fail(T, "%s: record %ld: %s is not valid UTF-8", s->f->name, s->records, what);
}

static void check_need(const struct fuzz_sink *s, const char *what, const char *v)
{
	if (!v)
		fuzz_fail(T, "%s: record %ld: %s is NULL", s->f->name, s->records, what);
	check_str(s, what, v);
}

static int sink_put(void *ctx, const struct rec *r, char *err)
{
	struct fuzz_sink *s = ctx;

	FUZZ_CHECK(T, r->kind == REC_VOTE || r->kind == REC_ITEM || r->kind == REC_PREDICTION ||
			      r->kind == REC_DECISION);
	FUZZ_CHECK(T, r->line >= 1);
	FUZZ_CHECK(T, r->col >= 0);
	check_need(s, "item", r->item);
	if (!r->item[0])
		fuzz_fail(T, "%s: record %ld: empty item id", s->f->name, s->records);
	check_str(s, "file", r->file);
	check_str(s, "task", r->task);
	check_str(s, "at", r->at);
	check_str(s, "comment", r->comment);
	check_str(s, "text", r->text);
	check_str(s, "reason", r->reason);
	check_str(s, "model", r->model);
	check_str(s, "label", r->label);
	check_str(s, "annotator", r->annotator);
	if (r->meta) {
		struct json_check jc = {0};
		check_str(s, "meta", r->meta);
		FUZZ_CHECK(T, json_check(r->meta, strlen(r->meta), &jc) == 0);
		FUZZ_CHECK(T, r->meta[jc.start] == '{');
		json_check_free(&jc);
	}
	switch (r->kind) {
	case REC_VOTE:
		check_need(s, "annotator", r->annotator);
		check_need(s, "label", r->label);
		break;
	case REC_DECISION:
		check_need(s, "label", r->label);
		break;
	case REC_PREDICTION:
		if (r->nprobs == 0) {
			check_need(s, "label", r->label);
			FUZZ_CHECK(T, !isnan(r->confidence));
			break;
		}
		FUZZ_CHECK(T, r->prob_labels && r->probs);
		for (size_t i = 0; i < r->nprobs; i++) {
			check_need(s, "probability label", r->prob_labels[i]);
			FUZZ_CHECK(T, !isnan(r->probs[i]));
		}
		break;
	case REC_ITEM:
		break;
	}
	if (s->records++ == s->stop) {
		s->stopped = 1;
		return err_set(err, STOP_MSG);
	}
	return 0;
}

static void run_format(const struct fmt *f, enum import_kind kind, const char *buf, size_t size,
		       long stop)
{
	struct fuzz_sink s = {.f = f, .kind = kind, .stop = stop};
	struct sink sink = {.ctx = &s, .put = sink_put};
	char err[GV_ERR] = "";
	int rc;

	(void)f->detect(buf, size, kind);
	rc = f->read(FILE_NAME, buf, size, kind, NULL, &sink, err);
	if (rc != 0 && rc != -1)
		fuzz_fail(T, "%s: read returned %d", f->name, rc);
	if (s.stopped) {
		if (rc != -1 || strcmp(err, STOP_MSG) != 0)
			fuzz_fail(T, "%s: the sink stopped the read, which returned %d", f->name,
				  rc);
	} else if (rc) {
		if (strncmp(err, FILE_NAME ":", strlen(FILE_NAME ":")) != 0)
			fuzz_fail(T, "%s: error without the file name", f->name);
		fuzz_check_safe(T, f->name, err, 0);
	}
}

static void check_detect(const char *buf, size_t size, enum import_kind kind)
{
	char err[GV_ERR] = "";
	const struct fmt *d = import_detect(FILE_NAME, buf, size, kind, err);

	if (!d) {
		FUZZ_CHECK(T, err[0] != 0);
		fuzz_check_safe(T, "import_detect error", err, 0);
		return;
	}
	FUZZ_CHECK(T, d->kinds & 1u << kind);
}

int fuzz_fmt_readers_one(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);
	/* Stop the reader at record 0..2 on some inputs, never on most. */
	long stop = size % 4 == 3 ? (long)(size / 4 % 3) : -1;

	for (int kind = IMPORT_VOTES; kind <= IMPORT_DECISIONS; kind++) {
		check_detect(buf, size, (enum import_kind)kind);
		for (size_t i = 0; i < formats_count; i++) {
			if (formats_all[i]->kinds & 1u << kind)
				run_format(formats_all[i], (enum import_kind)kind, buf, size, stop);
		}
	}
	free(buf);
	return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_fmt_readers_one(data, size);
}
#endif
