/*
 * limit: the sizes an imported file's strings are held to, in every format.
 * The JSON scanner and the CSV tokenizer check the larger ones while they
 * scan, so that an oversized value is an error with its line and column
 * after at most that many bytes of it, never after the whole value (or the
 * whole file) has been read; the names are checked on each record
 * (limit_record). A value a few kilobytes long is not a name, and no
 * adjudicator reads an item of more than a few megabytes.
 */
#ifndef GAVEL_LIMIT_H
#define GAVEL_LIMIT_H

#include "record.h"

/* Bytes in an item id, annotator, label, task, model or expert name, or a time. */
#define LIMIT_NAME ((size_t)4 << 10)
/* Bytes in an item's text, a comment or a reason, any other JSON string or
 * CSV field, and an item's metadata as a whole. */
#define LIMIT_TEXT ((size_t)4 << 20)
/* Bytes in one record: a JSON Lines line, an element of a JSON array, a CSV
 * row with all its fields. */
#define LIMIT_RECORD ((size_t)16 << 20)

/*
 * Hold a record's fields to the limits above: 0, or -1 with err filled with
 * "file:line:col: the label is 5000 bytes long, more than the limit of 4096
 * bytes" at the record's position (r->line, r->col). Sets *bytes to the
 * length of its strings, all told.
 */
int limit_record(const struct rec *r, size_t *bytes, char *err);

#endif
