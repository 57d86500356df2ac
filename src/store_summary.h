/*
 * store_summary: what the writers of item_votes share to fill its summary
 * columns (vote count, distinct labels, plurality label and count, tie,
 * agreement, entropy): the table from label codes to positions in a task's
 * label order, the count of one item's packed votes per position, and the
 * columns' values from those counts (stats_item_compute, src/stats.h). The
 * importer (src/store_import_votes.c) and store_summary_refresh both write
 * through them, so their rows cannot differ.
 */
#ifndef GAVEL_STORE_SUMMARY_H
#define GAVEL_STORE_SUMMARY_H

#include "stats.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

/* Label code -> position in the task's label order (t->labels), built once
 * per task so that counting a vote is one array index. */
struct store_summary_order {
	int *pos; /* [0..maxcode]: position, or -1 for a code the task lacks */
	int maxcode;
};

/* Build o for t's labels as they are now. Free with store_summary_order_free. */
void store_summary_order_init(struct store_summary_order *o, const struct store_task *t);
/* Free o's table and zero it. A zeroed struct is allowed. */
void store_summary_order_free(struct store_summary_order *o);

/* Count a vote for label code into counts (one per position in the label
 * order); a code the task lacks is not counted. */
static inline void store_summary_order_count(const struct store_summary_order *o, int64_t code,
					     uint32_t *counts)
{
	if (code >= 0 && code <= o->maxcode && o->pos[code] >= 0)
		counts[o->pos[code]]++;
}

/*
 * Add the votes of one item's packed votes (src/votepack.h), len bytes at
 * votes, to counts. Returns 0, or -1 when they do not parse (the votes
 * counted up to there stay counted).
 */
int store_summary_count(const struct store_summary_order *o, const char *votes, size_t len,
			uint32_t *counts);

/*
 * What some item_votes rows add to their task's row of task_tally, in the
 * units of STORE_SUMMARY_TALLY_SELECT (src/store.h): a writer that changes
 * a few rows of a large task takes each old row's share away and adds the
 * new row's (store_summary_tally_row) and applies the sum
 * (store_summary_tally_apply) instead of recounting every row.
 */
struct store_summary_tally {
	int64_t items, votes, compared, disputed;
	int64_t agree; /* sum of agreement in units of 1/STORE_TALLY_AGREE_UNIT */
};

/* Add (sign 1) or take away (sign -1) the share of an item_votes row with n
 * votes, distinct labels and agreement (NaN for NULL) to *t. */
void store_summary_tally_row(struct store_summary_tally *t, int64_t n, int64_t distinct,
			     double agreement, int sign);

/*
 * Add *d to task's row of task_tally (inserted for a task that had none,
 * deleted when no item of the task has a vote any more), inside the
 * caller's transaction. A row that cannot be the sum of the current rows
 * without d (a count that would go below zero, or a sum of agreement that is
 * not in the tally's units, as a project tallied before them has) is
 * recounted instead (store_summary_tally). Returns 0, or -1 with err.
 */
int store_summary_tally_apply(struct store *st, int64_t task, const struct store_summary_tally *d,
			      char *err);

#endif
