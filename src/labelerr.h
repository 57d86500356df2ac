/*
 * labelerr: confident learning (Northcutt, Jiang and Chuang, "Confident
 * Learning: Estimating Uncertainty in Dataset Labels", JAIR 70, 2021), the
 * method behind cleanlab's find_label_issues: from a model's out-of-sample
 * probabilities and each item's given label, how many given labels are
 * probably wrong, between which labels, and which items they are.
 *
 * Pure functions over plain arrays, no SQL (store_labelerr.c loads them).
 * Each step follows cleanlab 2.x (count.py, filter.py) to the detail, so that
 * the same data gives the same figures and the same items:
 *
 *   thresholds   t_j = mean of p_j over the items given label j (2 for a
 *                label no item has, so nothing is confidently counted into
 *                it), clipped below at 2e-6.
 *   confident    C[i][j] counts the items given i whose confident label is
 *   joint        j: the labels l with p_l >= t_l - 1e-6 are the confident
 *                ones; with one, it is that label; with several, the label
 *                of the item's largest probability over all labels (the
 *                first on a tie), as cleanlab does (the paper takes the
 *                largest among the confident labels: they differ only when
 *                that label is not itself confident). Items with no
 *                confident label are not counted. The diagonal is raised to
 *                at least 1.
 *   calibration  each row scaled to the number of items given that label,
 *                then rounded to integers that keep each row's total
 *                (cleanlab's round_preserving_row_totals: round half to
 *                even, then move the remainder onto the cells whose
 *                rounding lost or gained the most).
 *   joint        Q[i][j] = calibrated[i][j] / n: the estimated joint
 *                distribution of given label i and true label j. The
 *                estimated share of wrong labels is 1 - trace(Q), the
 *                number n - trace(calibrated).
 *   issues       prune by noise rate: for each given label i with more
 *                than one item and each j != i, the calibrated count
 *                (made to leave at least one item on the diagonal) of the
 *                items given i with the largest margin p_j - p_i; then
 *                drop the items whose largest probability is their given
 *                label. Ties in the margin go to the item first in input
 *                order (cleanlab's sort leaves them unspecified).
 *   ranking      by self-confidence p_given, lowest first (ties: input
 *                order); the suggested label of an issue is, among the
 *                pairs that chose it, the label j with the largest p_j.
 *
 * The interval is a percentile bootstrap over items: each resample draws n
 * items with replacement (as a weight per item) and recomputes thresholds,
 * confident joint and calibration on it. Resample b draws from SplitMix64
 * started at seed + (b + 1) * 0xD1B54A32D192ED03 and maps a draw x to item
 * (x * n) >> 64, so every resample is reproducible on its own whatever the
 * number of threads; the bounds interpolate between order statistics as
 * numpy's percentile does.
 */
#ifndef GAVEL_LABELERR_H
#define GAVEL_LABELERR_H

#include <stddef.h>
#include <stdint.h>

/* Resamples of the bootstrap interval unless the caller asks otherwise. */
#define LABELERR_BOOTSTRAP 200

/* From this many items on, resamples take the fast path (labelerr.c). */
#define LABELERR_FAST_MIN 20000

/* A label in use needs this many items before a figure is given. */
#define LABELERR_MIN_ITEMS 5

/* Labels at most: the joint and its resampled copies hold k * k counts. */
#define LABELERR_MAX_LABELS 1000

/* The input: n items, k labels (2 <= k <= LABELERR_MAX_LABELS). */
struct labelerr_data {
	size_t n;
	int k;
	const uint16_t *given; /* per item: the given label, 0..k-1 */
	const double *p;       /* n * k probabilities, item-major */
};

struct labelerr_result {
	int k;
	size_t n;
	long *counts;	    /* k: items given each label */
	double *thresholds; /* k */
	long *confident;    /* k * k confident joint, [given][true] */
	long *calibrated;   /* k * k calibrated counts, rows sum to counts */
	double *joint;	    /* k * k calibrated / n */
	double *joint_lo;   /* k * k: 95% percentile interval of each cell of joint */
	double *joint_hi;   /* over the resamples; NaN without resamples */
	long errors;	    /* n - trace(calibrated) */
	double rate;	    /* errors / n */
	int bootstrap;	    /* resamples asked for */
	uint64_t seed;
	double lo, hi; /* 95% percentile interval of rate; NaN without resamples */
};

/* One item that prune-by-noise-rate finds. */
struct labelerr_issue {
	size_t index;		/* the item's position in the input */
	int given, suggested;	/* label indexes */
	double self_confidence; /* p of the given label */
	double p_suggested;
	double margin; /* p_suggested - self_confidence */
};

/*
 * Per-label thresholds and item counts over the items, each counted w[i]
 * times (w NULL: once). counts and t have k entries.
 */
void labelerr_thresholds(const struct labelerr_data *d, const uint32_t *w, long *counts, double *t);

/*
 * The confident joint C (k * k, [given][true]) of the items weighted by w
 * (NULL: once each) under thresholds t, diagonal raised to at least 1.
 */
void labelerr_confident_joint(const struct labelerr_data *d, const uint32_t *w, const double *t,
			      long *c);

/*
 * Round x[0..k) to integers whose sum is x's sum rounded (cleanlab's
 * round_preserving_sum), into out.
 */
void labelerr_round_row(const double *x, int k, long *out);

/* Calibrate confident joint c to the label counts: cal rows sum to counts. */
void labelerr_calibrate(const long *c, const long *counts, int k, long *cal);

/*
 * How many items of each pair to flag ([given][true], k * k): the
 * calibrated counts with each diagonal raised to at least 1, the rise taken
 * evenly from the row's other non-zero cells and truncated to integers.
 */
void labelerr_prune_counts(const long *cal, int k, long *prune);

/*
 * The whole estimate with its bootstrap interval (bootstrap resamples; 0:
 * none, lo and hi NaN). Fills *out (free with labelerr_result_free).
 * Returns 0, or -1 with err filled when there are no items or k < 2.
 */
int labelerr_estimate(const struct labelerr_data *d, int bootstrap, uint64_t seed,
		      struct labelerr_result *out, char *err);
void labelerr_result_free(struct labelerr_result *r);

/*
 * The error rate of each of `bootstrap` resamples (rates[b] for resample b)
 * and, when pairs is not NULL, its estimated joint (pairs[b * k * k + x],
 * calibrated count / n), with t the full sample's thresholds, on up to 4
 * threads; fast picks the path for large n that labelerr_estimate takes
 * from LABELERR_FAST_MIN items on (both give the same rates: the tests
 * hold them to it).
 */
void labelerr_bootstrap_rates(const struct labelerr_data *d, const double *t, int bootstrap,
			      uint64_t seed, int fast, double *rates, double *pairs);

/*
 * Whether the data can give a figure: at least two labels in use and
 * LABELERR_MIN_ITEMS items of each label in use. counts (k entries, may be
 * NULL) gets the items per label.
 */
int labelerr_usable(const struct labelerr_data *d, long *counts);

/*
 * The items prune-by-noise-rate flags, by self-confidence (lowest first),
 * from an estimate r of the same data. Returns the count, with *out (free())
 * holding them.
 */
size_t labelerr_issues(const struct labelerr_data *d, const struct labelerr_result *r,
		       struct labelerr_issue **out);

#endif
