/*
 * votepack: the stored form of one item's votes.
 *
 * item_votes holds one row per item: its task, its votes and their summary
 * (src/store_summary.c), where votes is a JSON array with one element per
 * vote, sorted by annotator id:
 *
 *     [[annotator, label], [annotator, label, at, comment], ...]
 *
 * annotator is the annotator's id and label the label's code (integers); at
 * and comment are JSON strings or null and are left out when both are null
 * (comment alone is written as [a, l, null, "..."]). A million items with
 * four votes each are a million B-tree rows instead of four million plus a
 * million summaries. SQL reads the
 * votes with json_each; the statistics read them with votepack_next, which
 * parses only the integers and skips the strings.
 */
#ifndef GAVEL_VOTEPACK_H
#define GAVEL_VOTEPACK_H

#include "util.h"

#include <stddef.h>
#include <stdint.h>

/* One element as parsed: ids, and the element's own text in the array. */
struct votepack_vote {
	int64_t annotator;
	int64_t label;
	const char *elem; /* the element, from '[' to its ']' */
	size_t elen;
	int extra; /* the element has an at or comment part */
};

struct votepack_iter {
	const char *p, *end;
	int started;
};

/* Start reading the array s of n bytes (not NUL-terminated necessarily). */
void votepack_begin(struct votepack_iter *it, const char *s, size_t n);

/* The next vote: 1 with *v filled, 0 at the end, -1 when the text is not a
 * vote array as described above. */
int votepack_next(struct votepack_iter *it, struct votepack_vote *v);

/* Append one element to b (the caller writes the '[' ... ']' around the
 * array and the commas between elements); at and comment may be NULL. */
void votepack_add(struct sbuf *b, int64_t annotator, int64_t label, const char *at,
		  const char *comment);

#endif
