/*
 * store_import_priv: what the files of the import's database sink share and
 * nothing outside them includes (the sink's interface is
 * src/store_import.h): the state collected from a file (struct store_import
 * and its records), the string arena, and the steps of the commit each file
 * implements.
 */
#ifndef GAVEL_STORE_IMPORT_PRIV_H
#define GAVEL_STORE_IMPORT_PRIV_H

#include "audit.h"
#include "intern.h"
#include "store_import.h"
#include "store_summary.h"
#include "text.h"
#include "util.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NONE ((size_t)-1)

/* One vote: intern ids while reading, database ids after resolving. */
struct ivote {
	uint32_t item, ann, label, idx; /* idx: the vote's order in the file */
};

struct si_spill;   /* src/store_import_spill.c */
struct si_pstream; /* src/store_import_pstream.c */

/*
 * A record of a streamed import (src/store_import_spill.c), 4-byte aligned:
 * this head, the item's external id with its NUL, a byte saying which of
 * the SREC_NOPT optional strings follow, and those, each with its NUL.
 * An item record has ann SREC_NONE and its column in label.
 */
struct srec {
	uint32_t size; /* bytes, head included */
	uint32_t line, ann, label;
};

#define SREC_NONE UINT32_MAX
/* A prediction or a decision (src/store_import_pstream.c): not a vote, and
 * not the item's own record. */
#define SREC_KEYED (UINT32_MAX - 1)
enum { SREC_AT, SREC_COMMENT, SREC_TEXT, SREC_META, SREC_NOPT };

static inline const char *srec_id(const struct srec *r)
{
	return (const char *)(r + 1);
}

struct ipred {
	uint32_t item, model; /* intern ids */
	long line, col;
	size_t seq;	 /* the record's place in the file */
	int label;	 /* label intern id of the top label */
	double conf;	 /* top probability */
	double plogp;	 /* -sum p ln p, or NAN when only the top label is known */
	double margin;	 /* top1 - top2, or NAN */
	size_t probs;	 /* arena offset of the probabilities as a JSON object */
	int64_t db_item; /* the item's database id, once resolved */
};

struct idec {
	uint32_t item, label; /* intern ids */
	long line, col;
	size_t seq;	   /* the record's place in the file */
	size_t reason, at; /* arena offsets or NONE */
	int64_t db_item;   /* the item's database id, once resolved */
};

/* What the reader passed over, counted per (question, what). */
#define SI_MAX_SKIPS 32

struct si_skip {
	char *task; /* NULL when the reader did not know the question */
	char *what;
	long n;
};

/* Strings given for some of the votes or items only: per index, an arena
 * offset or NONE; off stays NULL until the first one is given. */
struct si_strings {
	size_t *off;
	size_t cap;
};

struct store_import {
	struct store *st;
	struct store_import_opts o;
	int open;
	char *task_name;
	struct store_task task;
	int task_exists;

	struct intern items, anns, labels, models;
	int *label_index; /* per label: index in task.labels, or -1 when new */
	size_t label_index_cap;
	int *label_code; /* per label: code, after resolving */

	struct ivote *votes; /* in file order, then sorted by (item, annotator) */
	size_t nvotes, votes_cap;
	size_t nvotes_kept; /* sorted votes left after dropping duplicates */
	/* A file larger than the budget allows (stream): its votes and item
	 * records go to sorted runs instead (src/store_import_spill.c) and no
	 * item is interned; stream_item is the external id of the item being
	 * written, for messages. */
	int stream;
	struct si_spill *spill;
	const char *stream_item;

	/* per vote in file order (ivote.idx): its time, comment and line; when
	 * streamed, per vote of the item being written */
	uint32_t *vote_line;
	size_t vote_line_cap;
	struct si_strings vote_at, vote_comment;

	/* per item (intern id): text, metadata, the line of its item record (0
	 * when none) and its database id */
	struct si_strings item_text, item_meta;
	uint32_t *item_line;
	size_t item_line_cap;
	int64_t *item_id;

	int64_t *ann_id; /* per annotator (intern id): database id */

	/* predictions and decisions: in memory, or, streamed, counted here and
	 * spooled by item id (src/store_import_pstream.c) */
	struct si_pstream *pstream;
	struct ipred *preds;
	size_t npreds, preds_cap;
	struct idec *decs;
	size_t ndecs, decs_cap;

	struct sbuf arena;   /* NUL-separated strings: times, comments, texts, metadata */
	uint32_t *new_items; /* the new items (intern ids) in id order */
	size_t nnew;
	uint32_t last_item; /* intern id + 1 of the item named last, 0 for none */
	int ord_changed;    /* this import moved existing labels in the label order */
	int64_t item_maxid; /* largest item id before this import: larger ids are new */
	int64_t cache_was;  /* store_scan_begin's: the cache_size to give back */
	long records, duplicates;
	char *file_annotator;	  /* with --annotator: the first annotator the file names */
	long file_annotator_line; /* and where */
	struct si_skip skips[SI_MAX_SKIPS]; /* in the order first seen */
	size_t nskips;
	long skips_more; /* passed-over parts beyond SI_MAX_SKIPS kinds */
};

/* Copy s into the arena; returns its offset. */
size_t store_import_str(struct store_import *si, const char *s);

/* The string at arena offset off, or NULL for NONE. */
static inline const char *store_import_at(const struct store_import *si, size_t off)
{
	return off == NONE ? NULL : si->arena.s + off;
}

/* Set s's string i to a copy of str (none when str is NULL). */
void store_import_strings_set(struct store_import *si, struct si_strings *s, size_t i,
			      const char *str);

/* s's string i, or NULL when none was given. Inline because the item rows
 * ask for every vote's time and comment. */
static inline const char *store_import_strings_get(const struct store_import *si,
						   const struct si_strings *s, size_t i)
{
	return i < s->cap ? store_import_at(si, s->off[i]) : NULL;
}

/* The external id of the item with database id id, for a message; "?" when
 * the file names no such item. A linear search: for errors only. */
const char *store_import_item_name(const struct store_import *si, int64_t id);

/* A radix sort key: 8 bytes of a string, big-endian, zero-padded, and what
 * the string belongs to (an intern id, a record's offset). */
struct sort_key {
	uint64_t key;
	uint64_t ref;
};

/*
 * Sort a[0..n) by the byte order of the NUL-terminated strings str(ctx, ref)
 * gives for their refs, equal strings in their order in a. tmp has room for
 * n keys, which the sort overwrites, as it does the key members of a.
 */
void store_import_sort_strings(struct sort_key *a, struct sort_key *tmp, size_t n,
			       const char *(*str)(const void *ctx, uint64_t ref), const void *ctx);

/* Sort ids[0..n) by the byte order of their strings in t. */
void store_import_sort_names(const struct intern *t, uint32_t *ids, size_t n);

/* Sort a[0..n) by (item, annotator), keeping file order among equal keys.
 * Returns the sorted array: a, or a new one that replaces a (a is freed). */
struct ivote *store_import_sort_votes(struct ivote *a, size_t n);

/* The line of vote v, which is in si->votes. */
static inline uint32_t store_import_vote_line(const struct store_import *si, const struct ivote *v)
{
	return si->vote_line[v->idx];
}

/* Resolve votes v[0..n) from intern ids to database ids and label codes.
 * Returns 0 or -1 with err filled. */
int store_import_map_votes(struct store_import *si, struct ivote *v, size_t n, char *err);

/*
 * Drop or refuse (as --duplicates says) the duplicates among v[0..n), sorted
 * by (item, annotator) with equal keys in file order; line, when not NULL, is
 * parallel to v (else lines are looked up by ivote.idx). Keeps the rest at the
 * front (line too), sets *kept and adds the dropped ones to *dups. Returns 0
 * or -1 with err filled.
 */
int store_import_dedup(struct store_import *si, struct ivote *v, uint32_t *line, size_t n,
		       size_t *kept, long *dups, char *err);

/* An unlinked temporary file in TMPDIR or beside the project; and writing
 * and reading it at an offset. Each returns 0 or -1 with err filled. */
int store_import_spill_open(const struct store_import *si, int *fd, char *err);
int store_import_spill_write(int fd, const void *p, size_t len, off_t at, char *err);
int store_import_spill_read(int fd, void *p, size_t len, off_t at, char *err);

/* A window over records written one after another to a file, each
 * starting with its size in bytes (a uint32_t, the size included). */
struct si_window {
	char *buf;
	size_t len, pos, cap; /* cap: the window's size, grown for a larger record */
	off_t at;	      /* the next byte to read */
	size_t left;	      /* bytes not yet read */
};

/* Step *top (NULL: not started) to the next record of w in fd, NULL at the
 * end; *top stays valid until the next call. Returns 0 or -1 with err. */
int store_import_window_next(int fd, struct si_window *w, const void **top, char *err);

/* Add a record on item (idlen bytes; an item record when ann is SREC_NONE) with the
 * optional strings opt (NULL for none), sorting the records into a run on
 * disk when they reach the budget. Returns 0 or -1 with err filled. */
int store_import_spill_put(struct store_import *si, const char *item, size_t idlen, uint32_t ann,
			   uint32_t label, long line, const char *const opt[SREC_NOPT], char *err);

/* The optional strings of r, each NULL when not given. */
void srec_opts(const struct srec *r, const char *opt[SREC_NOPT]);

/* Start merging the runs. Returns 0 or -1 with err filled. */
int store_import_spill_start(struct store_import *si, char *err);

/* The next item's records, in file order, copied into out (*n of them,
 * 0 at the end); items come in byte order of their ids. Returns 0 or -1
 * with err filled. */
int store_import_spill_group(struct store_import *si, struct sbuf *out, size_t *n, char *err);

/* Close the spill's files (already unlinked) and free it (NULL is fine). */
void store_import_spill_free(struct si_spill *sp);

/*
 * Resolve the file's items to database ids (si->item_id): existing ones by
 * one scan of the task's items, new ones numbered after the largest id in
 * the byte order of their external ids (si->new_items). Refuses a
 * predictions file naming an unknown item unless --new-items. Writes
 * nothing. Returns 0 or -1 with err filled.
 */
int store_import_items_assign(struct store_import *si, char *err);

/* Write what store_import_items_assign resolved: the text and metadata the
 * file gives existing items, and the new items in id order. Returns 0 or -1
 * with err filled. */
int store_import_items_insert(struct store_import *si, struct import_result *res, char *err);

/*
 * Write the annotators, the items (store_import_items_*) and one item_votes
 * row per item the file names: its votes, sorted, de-duplicated as --duplicates
 * says and merged with the votes it had, and their summary. Returns 0 or -1
 * with err filled.
 */
int store_import_votes_write(struct store_import *si, struct import_result *res, char *err);

/*
 * The item_votes row of item (its database id) from its file votes
 * si->votes[0..n) (sorted by annotator, de-duplicated, times and comments
 * looked up by ivote.idx), merged with its stored row when it existed
 * (q: SELECT votes, n, distinct_labels, agreement FROM item_votes WHERE
 * item = ?1), into out, with its summary in *sum (count: nlabels + 1
 * counters of scratch). A row to be written moves *tally by its change:
 * the stored row's share taken away, the new row's added. Returns 1 when
 * the row is to be written, 0 when the item keeps its stored row, -1 on error.
 */
int store_import_votes_row(struct store_import *si, sqlite3_stmt *q,
			   const struct store_summary_order *order, int nlabels, int64_t item,
			   int existing, size_t n, long *written, struct sbuf *m, struct sbuf *out,
			   uint32_t *count, struct stats_item *sum,
			   struct store_summary_tally *tally, char *err);

/* A streamed import's items and item_votes rows, from the merged runs
 * (src/store_import_stream.c), and in *tally what the rows change in the
 * task's tally. Returns 0 or -1 with err filled. */
int store_import_stream_write(struct store_import *si, struct import_result *res,
			      struct store_summary_tally *tally, char *err);

/* The numbers of a streamed prediction or decision (SREC_KEYED), beside
 * its item's external id, line and model or label intern id. */
struct si_keyed {
	uint64_t seq; /* its place in the file */
	uint32_t col;
	uint32_t label; /* a prediction's top label (intern id) */
	double conf, plogp, margin;
};

/* Put a prediction (what: its model; str: its probabilities as JSON; text
 * and meta: its item's, or NULL) or a decision (what: its label; str: its
 * reason, at: its time, or NULL) into the runs. Returns 0 or -1 with err. */
int store_import_keyed_put(struct store_import *si, const char *item, uint32_t what, long line,
			   const struct si_keyed *k, const char *str, const char *at,
			   const char *text, const char *meta, char *err);

/* Once the stream has written the items (nitems of them in the file):
 * refuse a predictions file's unknown items (unless --new-items) and start
 * reading the records back by item id. Returns 0 or -1 with err filled. */
int store_import_keyed_start(struct store_import *si, size_t nitems, char *err);

/* The next item's records (in ascending id order, each item's in file
 * order) copied into out, *n of them, 0 at the end. Returns 0 or -1. */
int store_import_keyed_group(struct store_import *si, struct sbuf *out, size_t *n, char *err);

/* A record of store_import_keyed_group: its numbers, its probabilities or
 * reason (str), its time (at, NULL when none), its item's external id and
 * database id. */
void store_import_keyed_decode(const struct srec *r, struct si_keyed *k, const char **str,
			       const char **at, const char **ext, int64_t *id);

/* Close the spool and free ps (NULL is fine). */
void store_import_keyed_free(struct si_pstream *ps);

/*
 * One kind of keyed record (struct ipred, struct idec) for
 * store_import_keyed_write: its size, where its item's intern id (uint32_t)
 * and database id (int64_t) are, its order within an item (the database id
 * first), how a spooled record fills one, and what is done with one item's
 * records, sorted.
 */
struct si_keyed_kind {
	size_t size, item_off, db_off;
	int (*cmp)(const void *a, const void *b);
	void (*fill)(struct store_import *si, void *rec, const struct srec *r,
		     const struct si_keyed *k, const char *str, const char *when);
	int (*item)(struct store_import *si, void *w, void *recs, size_t n,
		    struct import_result *res, char *err);
};

/* The file's records of a kind, item by item in item-id order, handed to
 * kind->item with the writer w: recs[0..n) of the in-memory import, or,
 * for a streamed file, read back from the spool. Returns 0 or -1 with err. */
int store_import_keyed_write(struct store_import *si, const struct si_keyed_kind *kind, void *w,
			     void *recs, size_t n, struct import_result *res, char *err);

/* The SREC_KEYED records among an item's n records in group (in file
 * order), once the stream resolved the item to id (new: numbered by this
 * import): spooled for store_import_keyed_group. Returns 0 or -1 with err. */
int store_import_keyed_item(struct store_import *si, const char *group, size_t n, int64_t id,
			    int is_new, char *err);

/* Write the predictions, one per (item, model) as --duplicates says, with
 * their entropy over the task's labels as they are after this import.
 * Returns 0 or -1 with err filled. */
int store_import_predictions_write(struct store_import *si, struct import_result *res, char *err);

/* Write the decisions, one per item as --duplicates says (last supersedes
 * the stored one), each with its "decide" audit event by actor. Returns 0
 * or -1 with err filled. */
int store_import_decisions_write(struct store_import *si, const struct audit_actor *actor,
				 struct import_result *res, char *err);

#endif
