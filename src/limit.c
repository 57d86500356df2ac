/*
 * limit: every record an import reads, whatever its format, held to the
 * sizes of limit.h before it reaches the database sink.
 */
#include "config.h"

#include "import.h"
#include "limit.h"

#include <string.h>

/* s (of length len, 0 when not known) longer than max: the error naming
 * what it is. Adds s's length to *bytes. */
static int limit_len(const struct rec *r, const char *s, size_t len, size_t max, const char *what,
		     size_t *bytes, char *err)
{
	size_t n = rec_len(s, len);
	*bytes += n;
	if (n <= max)
		return 0;
	return import_errf(err, r->file, r->line, r->col,
			   "the %s is %zu bytes long, more than the limit of %zu bytes", what, n,
			   max);
}

static int limit_over(const struct rec *r, const char *s, size_t max, const char *what,
		      size_t *bytes, char *err)
{
	return limit_len(r, s, 0, max, what, bytes, err);
}

int limit_record(const struct rec *r, size_t *bytes, char *err)
{
	const char *who = r->kind == REC_DECISION ? "expert name" : "annotator name";
	*bytes = 0;
	if (limit_len(r, r->item, r->item_len, LIMIT_NAME, "item id", bytes, err) ||
	    limit_over(r, r->task, LIMIT_NAME, "task name", bytes, err) ||
	    limit_len(r, r->annotator, r->annotator_len, LIMIT_NAME, who, bytes, err) ||
	    limit_len(r, r->label, r->label_len, LIMIT_NAME, "label", bytes, err) ||
	    limit_over(r, r->at, LIMIT_NAME, "time", bytes, err) ||
	    limit_over(r, r->model, LIMIT_NAME, "model name", bytes, err) ||
	    limit_over(r, r->text, LIMIT_TEXT, "item text", bytes, err) ||
	    limit_over(r, r->comment, LIMIT_TEXT, "comment", bytes, err) ||
	    limit_over(r, r->reason, LIMIT_TEXT, "reason", bytes, err) ||
	    limit_over(r, r->meta, LIMIT_TEXT, "item metadata", bytes, err))
		return -1;
	for (size_t i = 0; i < r->nprobs; i++)
		if (limit_over(r, r->prob_labels[i], LIMIT_NAME, "label", bytes, err))
			return -1;
	return 0;
}
