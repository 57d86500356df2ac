/*
 * stats: agreement statistics of one task's votes, each defined where its
 * field or function is declared below: item agreement, plurality share and
 * vote entropy; percent agreement (Fleiss' P-bar); Fleiss' kappa overall and
 * per category; specific agreement per label; Cohen's kappa for every
 * annotator pair; Krippendorff's alpha (nominal, ordinal, interval) from the
 * coincidence matrix, with an optional seeded bootstrap interval over items.
 *
 * Pure computation over a task's votes grouped by item (CSR layout, shared
 * with truth inference); no SQL. Figures that do not apply (no item with two
 * votes, a chance agreement of 1, a label set that is not numeric) are NaN,
 * which the report prints as null.
 */
#ifndef GAVEL_STATS_H
#define GAVEL_STATS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A task's votes grouped by item: item i's votes are [start[i], start[i+1])
 * in ann[] (dense annotator index 0..nannotators-1) and lab[] (label index
 * 0..nlabels-1 in the task's label order). Within an item the votes are in
 * annotator order and an annotator votes at most once per item. value[k] is
 * label k's number for the interval metric, NaN when the label is not
 * numeric. item_id[i] and annotator_id[a] are the database ids (either may be
 * NULL for data built in memory); from store_votes_load both increase, so
 * dense annotator order is id order. All arrays are heap-owned by the struct
 * when it comes from store_votes_load; free with stats_votes_free.
 */
struct stats_votes {
	size_t nitems, nvotes;
	int nlabels, nannotators;
	uint32_t *start;
	uint32_t *ann;
	uint16_t *lab;
	double *value;
	int64_t *item_id;
	int64_t *annotator_id;
};

/* Free the arrays of v and zero it. A zeroed struct is allowed. */
void stats_votes_free(struct stats_votes *v);

/*
 * Check the invariants above (start monotone from 0 to nvotes, indices in
 * range, annotators strictly increasing within an item). Returns 0, or -1
 * with err filled. Callers that build votes from outside data run it once.
 */
int stats_votes_check(const struct stats_votes *v, char *err);

/*
 * Per-item figures from the label counts n_k of one item (K labels, in the
 * task's label order): the one definition the item_votes summary columns
 * (written by the importer and store_summary_refresh) and the statistics
 * share, so that a queue's order and a report cannot disagree about an item.
 * The plurality share is plurality_n / n.
 */
struct stats_item {
	uint32_t n;	      /* votes on the item */
	uint32_t plurality_n; /* votes for plurality_label, 0 when n == 0 */
	int plurality_label;  /* first label in order with the largest count, -1 when n == 0 */
	int tie;	      /* another label has plurality_n votes too */
	int distinct;	      /* labels with at least one vote */
	double agreement;     /* A_i = sum n_k(n_k-1) / (n(n-1)); NaN when n < 2 */
	double entropy;	      /* -sum p_k log p_k / log K; 0 when one label has every vote;
			       * NaN when n == 0 */
};

/*
 * Compute the per-item figures from counts[0..K). Inline and allocation-free
 * because the importer runs it once per item row it writes; a logarithm is
 * taken only for an item whose votes disagree. Sums run in label order, so
 * the figures are the same bits whoever computes them.
 */
static inline void stats_item_compute(const uint32_t *counts, int K, struct stats_item *out)
{
	uint64_t n = 0, same = 0;
	uint32_t best = 0;
	int top = -1, tie = 0, distinct = 0;
	double h = 0;

	for (int k = 0; k < K; k++) {
		uint32_t c = counts[k];
		if (!c)
			continue;
		n += c;
		same += (uint64_t)c * (c - 1);
		distinct++;
		if (c > best) {
			best = c;
			top = k;
			tie = 0;
		} else if (c == best) {
			tie = 1;
		}
	}
	out->n = (uint32_t)n;
	out->plurality_n = best;
	out->plurality_label = top;
	out->tie = tie;
	out->distinct = distinct;
	out->agreement = n >= 2 ? (double)same / ((double)n * (double)(n - 1)) : NAN;
	if (distinct < 2) {
		out->entropy = n ? 0.0 : NAN;
		return;
	}
	for (int k = 0; k < K; k++) {
		if (counts[k]) {
			double p = (double)counts[k] / (double)n;
			h -= p * log(p);
		}
	}
	out->entropy = h / log((double)K);
}

/* Per label k, over items i with n_i >= 2: specific agreement
 * PS_k = sum_i n_ik(n_ik-1) / sum_i n_ik(n_i-1). */
struct stats_label {
	uint64_t count;		   /* votes for the label (all items) */
	double specific_agreement; /* PS_k; NaN when no item with n >= 2 holds the label */
	double kappa;		   /* Fleiss' per-category kappa; NaN when p_k is 0 or 1 */
};

struct stats_pair {
	int a, b;     /* dense annotator indices, a < b */
	uint32_t n;   /* items both labelled */
	double kappa; /* Cohen's kappa on those items; NaN when chance agreement is 1 */
};

struct stats_opts {
	int ordinal;	     /* compute ordinal alpha (ordinal task or numeric labels) */
	uint32_t min_shared; /* Cohen pairs need at least this many shared items (10) */
	int bootstrap;	     /* bootstrap replicates for the alpha interval, 0 for none */
	uint64_t seed;	     /* bootstrap seed (deterministic) */
	double threshold;    /* percent agreement below this flags the task */
};

struct stats_result {
	size_t items;	       /* items with at least one vote */
	size_t votes;	       /* votes */
	size_t items_multi;    /* items with at least two votes (the ones compared) */
	uint32_t n_min, n_max; /* votes per item over items with a vote */
	double n_mean;
	int varying_n;		   /* 1 when the compared items have different vote counts */
	double percent_agreement;  /* P-bar over items with n >= 2 */
	double expected_agreement; /* P_e = sum_k p_k^2 */
	double fleiss_kappa;
	double alpha_nominal, alpha_ordinal, alpha_interval;
	int bootstrap;		   /* replicates run (0 when none) */
	double alpha_lo, alpha_hi; /* percentile 95% interval of nominal alpha */
	size_t disputed;	   /* items with n >= 2 whose votes are not unanimous */
	int flagged;		   /* percent agreement below threshold: guidelines need work */
	double threshold;
	int nlabels;
	struct stats_label *labels; /* nlabels */
	size_t npairs;
	struct stats_pair *pairs; /* sorted by (a, b) */
};

/* Defaults: min_shared 10, threshold 0.70, no bootstrap, seed 1. */
void stats_opts_default(struct stats_opts *o);

/*
 * Compute every statistic of the task in one pass over v (plus one pass per
 * bootstrap replicate). Items with fewer than two votes count towards items,
 * votes and votes per item but are left out of every agreement figure.
 *
 * Fleiss' kappa with varying vote counts: P-bar is the mean of A_i over the
 * compared items and p_k = sum_i n_ik / sum_i n_i over the same items; this is
 * Fleiss' formula unchanged when every item has the same n (then it equals
 * statsmodels' fleiss_kappa), and its natural generalisation otherwise
 * (result.varying_n says which applied). The per-category kappa generalises
 * the same way: 1 - sum_i n_ik(n_i-n_ik)/(n_i-1) / (sum_i n_i p_k q_k).
 *
 * The interval alpha is computed only when every label has a numeric value;
 * the ordinal alpha only when opts->ordinal is set. Fills *out (free with
 * stats_result_free). Returns 0, or -1 with err filled on a negative label
 * count or missing item offsets. Every other invariant of struct stats_votes
 * is the caller's: a debug build asserts stats_votes_check, a release build
 * trusts it.
 */
int stats_compute(const struct stats_votes *v, const struct stats_opts *opts,
		  struct stats_result *out, char *err);
void stats_result_free(struct stats_result *r);

/*
 * Krippendorff's alpha of the votes with one metric. Units with fewer than two
 * votes are dropped. Returns NaN when fewer than two pairable values remain or
 * the expected disagreement is 0. For STATS_INTERVAL every label needs a
 * numeric value in v->value.
 */
enum stats_metric { STATS_NOMINAL = 0, STATS_ORDINAL = 1, STATS_INTERVAL = 2 };
double stats_krippendorff_alpha(const struct stats_votes *v, enum stats_metric metric);

/* Fleiss' kappa alone (same definition as stats_compute). */
double stats_fleiss_kappa(const struct stats_votes *v);

/*
 * Cohen's kappa between annotators a and b on the items both labelled; *n
 * (may be NULL) gets that count. NaN when n is 0 or chance agreement is 1.
 */
double stats_cohen_kappa(const struct stats_votes *v, int a, int b, uint32_t *n);

/*
 * Cohen's kappa and shared items for every pair among m chosen annotators
 * (dense indices sel[0..m), all different), in one pass over the votes:
 * kappa[x * m + y] and shared[x * m + y] for annotators sel[x] and sel[y]
 * (symmetric). A kappa is NaN when the pair shares fewer than min_shared
 * items (at least 1) or chance agreement is 1; on the diagonal the kappa is
 * NaN and shared counts the annotator's own items. Each pair's kappa equals
 * stats_cohen_kappa's.
 */
void stats_cohen_matrix(const struct stats_votes *v, const int *sel, int m, uint32_t min_shared,
			double *kappa, uint32_t *shared);

/*
 * Seeded percentile bootstrap 95% interval of Krippendorff's alpha with the
 * given metric: `replicates` resamples of the compared items (two or more
 * votes) with replacement, each item drawn with equal probability, and the
 * 2.5th and 97.5th percentiles of the replicates' alphas (linear
 * interpolation, as numpy's percentile). Items with the same label counts
 * add the same cells to the coincidence matrix, so a replicate draws how
 * often each such kind of item was picked (a multinomial over the kinds)
 * rather than every item: the same distribution, at a cost that follows the
 * number of kinds. The same votes, metric, replicates and seed give the same
 * interval. *lo and *hi are NaN when no replicate had a defined alpha (or the
 * metric does not apply). Returns the number of replicates with one.
 */
int stats_alpha_bootstrap(const struct stats_votes *v, enum stats_metric metric, int replicates,
			  uint64_t seed, double *lo, double *hi);

#endif
