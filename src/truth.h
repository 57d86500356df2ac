/*
 * truth: turning votes into labels. Dawid-Skene expectation-maximisation
 * estimates, per task, the class priors and one confusion matrix per
 * annotator, and from them a posterior over labels for every item. Expert
 * decisions, where they exist, are treated as known truth: those items'
 * posteriors are fixed to the expert's label in every E-step, so the
 * decisions sharpen every annotator's confusion matrix.
 *
 * Pure computation over a task's votes grouped by item, in the one layout
 * the statistics use (struct stats_votes, src/stats.h); no SQL. The expert
 * labels come beside them: gold[i] is item i's expert label index, or -1
 * (gold NULL: none).
 */
#ifndef GAVEL_TRUTH_H
#define GAVEL_TRUTH_H

#include "stats.h"

#include <stddef.h>
#include <stdint.h>

struct truth_opts {
	int max_iter;     /* iteration cap (default 100) */
	double tol;       /* stop when the log-likelihood gains less than tol per vote (1e-5) */
	double smoothing; /* pseudo-count added to every confusion cell (1e-8) */
};

struct truth_ds {
	int nlabels, nannotators;
	size_t nitems;
	int iterations;
	int converged;
	double loglik;     /* final log-likelihood of the observed votes */
	double *priors;    /* nlabels */
	double *confusion; /* nannotators * nlabels * nlabels: [a][true k][voted l] */
	double *accuracy;  /* nannotators: expected share of the annotator's votes that are right */
	uint32_t *nvotes;  /* nannotators: votes cast */
	/* Per item: the label of the largest posterior (first in label order
	 * on a tie), from the last pass, which ran under the final parameters:
	 * what truth_ds_posterior would give, without recomputing it. */
	uint16_t *label;
	/* What truth_ds_posterior recomputes an item's posterior from: the
	 * votes run on (the caller's arrays, which must outlive d) and the logs
	 * of priors and confusion ([a][voted l][true k]). No per-item table of
	 * posteriors is kept: at ten million items it would be the largest
	 * thing in memory. */
	const uint32_t *start, *ann;
	const uint16_t *lab;
	const int16_t *gold;
	double *logconf;
	double *logprior;
};

/*
 * Check what truth_ds_run relies on without checking in release builds:
 * v->nlabels is 1 to 65535, start[0] is 0 and start never decreases, every
 * ann[] is below nannotators and every lab[] below nlabels, every gold[] is
 * -1 or below nlabels. Dawid-Skene allows an annotator several votes on one
 * item (the annotator order stats_votes_check holds is not needed here).
 * Returns 0, or -1 with err (may be NULL) filled.
 */
int truth_votes_check(const struct stats_votes *v, const int16_t *gold, char *err);

/* Defaults for struct truth_opts. */
void truth_opts_default(struct truth_opts *o);

/*
 * Run Dawid-Skene EM. Initialises posteriors from vote proportions (so the
 * result is deterministic: no random start), then alternates M-step and
 * log-space E-step until the per-vote log-likelihood gain drops below tol or
 * max_iter iterations ran, one pass over the votes per iteration (and one to
 * start; the passes are split by items over up to four threads, combined in
 * a fixed order). Items with no votes keep the priors as posterior. The
 * votes and gold must stay in place while *out is used (truth_ds_posterior
 * reads them).
 * Fills *out (free with truth_ds_free). Returns 0, -1 on bad input.
 */
int truth_ds_run(const struct stats_votes *v, const int16_t *gold, const struct truth_opts *o,
		 struct truth_ds *out);
void truth_ds_free(struct truth_ds *d);

/*
 * Posterior over labels of item i (nlabels values into post), recomputed
 * from the final parameters: the same values the last iteration saw. An
 * item with an expert label has it with certainty; an item with no votes has
 * the priors. Needs the votes d was run on.
 */
void truth_ds_posterior(const struct truth_ds *d, size_t i, double *post);

/* Index of the largest posterior of item i (first in label order on a tie):
 * d->label[i]. */
int truth_ds_label(const struct truth_ds *d, size_t i);

/*
 * Majority vote of item i: the label with most votes; on a tie the label first
 * in label order. Returns -1 for an item with no votes.
 */
int truth_majority(const struct stats_votes *v, size_t i);

/* Wilson score 95% interval for k successes in n trials (z = 1.959964). */
void truth_wilson(long k, long n, double *lo, double *hi);

#endif
