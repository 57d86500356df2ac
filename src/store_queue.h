/*
 * store_queue: the review queues. A queue is declared in the project YAML (or is
 * one of the defaults) and resolves to an ordered list of items, each with
 * the reason it is there and what the queue screen shows about it.
 */
#ifndef GAVEL_STORE_QUEUE_H
#define GAVEL_STORE_QUEUE_H

#include "store.h"

#include <stddef.h>
#include <stdint.h>

struct queue_entry {
	int64_t item;      /* item id */
	char *external_id; /* the item's id in the data */
	char *task;        /* task name */
	int nvotes;
	double agreement;  /* NAN when fewer than 2 votes */
	char *counts;      /* JSON object label -> votes, in label order */
	char *plurality;   /* plurality label value (first in label order on a tie), or NULL */
	char *model_label; /* top label of the most confident model, or NULL */
	double model_conf; /* its probability, NAN when there is no prediction */
	double entropy;    /* the model's normalised entropy, NAN when unknown */
	int decided;       /* 1 when the item has a current expert decision */
	double score;      /* the ordering key (lower agreement, higher entropy, ...) */
	char reason[96];   /* why the item is in the queue, e.g. "2/3 agree (tie)" */
	char *suggested;   /* label-issues: the likely true label's value, else NULL */
	double margin;     /* label-issues: p(suggested) - p(current label), else NAN */
	char *evidence;    /* label-issues: the model and import the suggestion comes from,
			    * "suggested by model m1 (import event 4, preds.csv)", else NULL */
};

/*
 * Resolve the named queue (NULL: the first declared queue, "disputed" by
 * default) into entries in queue order, skipping items that already have a
 * current decision unless include_decided is set. limit 0 means no limit.
 * *blind gets 1 when the queue is shown blind. Free with store_queue_free.
 * Returns 0, or -1 with err filled (an unknown queue name is an error
 * naming the queues that exist).
 */
int store_queue_build(struct store *st, const char *name, size_t limit, int include_decided,
		struct queue_entry **out, size_t *n, int *blind, char *err);

/*
 * store_queue_build that also says how many items the queue holds in all, when
 * that comes for free: *total is the count without the limit when the list
 * was not cut by it or the rule counts everything anyway (label-issues,
 * which must look at every item to choose any), else (size_t)-1 and
 * store_queue_total has to count.
 */
int store_queue_build_total(struct store *st, const char *name, size_t limit, int include_decided,
		      struct queue_entry **out, size_t *n, int *blind, size_t *total, char *err);
void store_queue_free(struct queue_entry *v, size_t n);

/* Where a page of a queue starts: after the entry with this score and item
 * (the queue's order is score, then item id). */
struct queue_after {
	double score;
	int64_t item;
};

/*
 * store_queue_build_total for one page: the first `limit` entries that come
 * after *after in queue order (after NULL: from the start). Only rules that
 * list their items through an index in (score, item) order can start in the
 * middle (disputed, needs-votes); *pageable (when not NULL) says whether the
 * queue is one. Asking a page after an entry of another rule is an error.
 * The next page starts after the score and item of this page's last entry,
 * so a queue of millions is read a page at a time, each page through the
 * index from its own start (no OFFSET). *total as store_queue_build_total
 * gives it, for the rows from after on.
 */
int store_queue_build_page(struct store *st, const char *name, size_t limit, int include_decided,
			   const struct queue_after *after, struct queue_entry **out, size_t *n,
			   int *blind, size_t *total, int *pageable, char *err);

/*
 * How many items the named queue holds in all: what store_queue_build would list
 * with no limit. For disputed and needs-votes this is two indexed counts,
 * so the review screen can say "20 of 668411" without listing them all.
 */
int store_queue_total(struct store *st, const char *name, int include_decided, size_t *total,
		char *err);

/*
 * store_queue_total that stops counting disputed and needs-votes items past cap
 * (0: no cap): *total is then cap + 1, meaning "more than cap". The review
 * screen counts this way, so opening or refreshing a queue of millions
 * reads cap + 1 index entries instead of every disputed item.
 */
int store_queue_total_upto(struct store *st, const char *name, int include_decided, size_t cap,
		     size_t *total, char *err);

/*
 * The queue entries of items (ids of task t's items with a row in
 * item_votes), in the order given, with an empty reason and a score of 0
 * for the caller to fill: what a queue built elsewhere (src/store_drill.h)
 * shows. Fills *out (n entries; free with store_queue_free). Returns 0, or -1 with
 * err filled.
 */
int store_queue_entries_load(struct store *st, const struct store_task *t, const int64_t *items, size_t n,
		       struct queue_entry **out, char *err);

/* Comma-separated names of the project's queues into a heap string. */
char *store_queue_names(struct store *st);

#endif
