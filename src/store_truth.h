/*
 * store_truth: Dawid-Skene for one stored task, with the task's current
 * expert decisions as known labels. Shared by stats and export so both
 * report the same posteriors.
 */
#ifndef GAVEL_STORE_TRUTH_H
#define GAVEL_STORE_TRUTH_H

#include "stats.h"
#include "store.h"
#include "truth.h"

struct store_truth {
	struct stats_votes votes; /* the task's votes; item i of the posteriors is votes.item_id[i] */
	int16_t *gold;            /* per item: current expert label index, or -1 */
	size_t ngold;             /* items with a current expert decision among them */
	struct truth_ds ds;
};

/*
 * Load task t's votes and current decisions and run Dawid-Skene (default
 * options). Returns 0 with *out filled (free with store_truth_free), or -1
 * with err filled.
 */
int store_truth_run(struct store *st, const struct store_task *t, struct store_truth *out,
		    char *err);
/* The same from votes already loaded: takes ownership of *v (left zeroed). */
int store_truth_from_votes(struct store *st, const struct store_task *t, struct stats_votes *v,
			   struct store_truth *out, char *err);
/*
 * store_truth_from_votes in two halves: store_truth_prepare takes over *v
 * and loads the current decisions (out->gold), store_truth_compute runs
 * Dawid-Skene on them without touching the database, so that it may run on
 * another thread while the connection reads something else. prepare fills
 * *out (free with store_truth_free, also after compute failed); both
 * return 0, or -1 with err filled (prepare frees *out then).
 */
int store_truth_prepare(struct store *st, const struct store_task *t, struct stats_votes *v,
			struct store_truth *out, char *err);
int store_truth_compute(struct store_truth *tr, const struct store_task *t, char *err);
void store_truth_free(struct store_truth *tr);

/*
 * Majority vs expert: among items with a current expert decision whose votes
 * had a strict majority (top count > n / 2), how many the expert decided
 * differently, one row per guideline rule cited (rule NULL: none cited).
 */
struct mve_row {
	char *rule;
	long decided;    /* decided items that had a strict majority */
	long overturned; /* ... where the expert's label differs from it */
};
int store_truth_majority_vs_expert(struct store *st, int64_t task, struct mve_row **out, size_t *n,
			     char *err);
void store_truth_mve_free(struct mve_row *v, size_t n);

/* Index of item id in tr->votes (binary search), or -1 when it has no votes. */
long store_truth_find(const struct store_truth *tr, int64_t item);

#endif
