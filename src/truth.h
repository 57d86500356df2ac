/*
 * truth: turning votes into labels. Dawid-Skene expectation-maximisation
 * estimates, per task, the class priors and one confusion matrix per
 * annotator, and from them a posterior over labels for every item. Expert
 * decisions, where they exist, are treated as known truth: those items'
 * posteriors are fixed to the expert's label in every E-step, so the
 * decisions sharpen every annotator's confusion matrix.
 *
 * Pure computation over a task's votes grouped by item; no SQL.
 */
#ifndef GAVEL_TRUTH_H
#define GAVEL_TRUTH_H

#include <stddef.h>
#include <stdint.h>

/* A task's votes grouped by item (CSR): item i's votes are
 * [start[i], start[i+1]) in ann[] and lab[]. Labels are 0..nlabels-1. */
struct truth_votes {
	size_t nitems;
	int nlabels, nannotators;
	const uint32_t *start;
	const uint32_t *ann;
	const uint16_t *lab;
	const int16_t *gold; /* per item: expert label, or -1; NULL for none */
};

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
	/* What truth_ds_posterior recomputes an item's posterior from: the
	 * votes run on (the caller's arrays, which must outlive d) and the logs
	 * of priors and confusion ([a][voted l][true k]). No per-item table is
	 * kept: at ten million items it would be the largest thing in memory. */
	struct truth_votes votes;
	double *logconf;
	double *logprior;
};

/*
 * Check the layout above: start[0] is 0 and start never decreases, every
 * ann[] is below nannotators and every lab[] below nlabels, every gold[] is
 * -1 or below nlabels. Returns 0, or -1 with err (may be NULL) filled.
 * truth_ds_run relies on it without checking in release builds.
 */
int truth_votes_check(const struct truth_votes *v, char *err);

/* Defaults for struct truth_opts. */
void truth_opts_default(struct truth_opts *o);

/*
 * Run Dawid-Skene EM. Initialises posteriors from vote proportions (so the
 * result is deterministic: no random start), then alternates M-step and
 * log-space E-step until the per-vote log-likelihood gain drops below tol or
 * max_iter iterations ran, one pass over the votes per iteration (and one to
 * start). Items with no votes keep the priors as posterior. The votes must
 * stay in place while *out is used (truth_ds_posterior reads them).
 * Fills *out (free with truth_ds_free). Returns 0, -1 on bad input.
 */
int truth_ds_run(const struct truth_votes *v, const struct truth_opts *o, struct truth_ds *out);
void truth_ds_free(struct truth_ds *d);

/*
 * Posterior over labels of item i (nlabels values into post), recomputed
 * from the final parameters: the same values the last iteration saw. An
 * item with an expert label has it with certainty; an item with no votes has
 * the priors. Needs the votes d was run on.
 */
void truth_ds_posterior(const struct truth_ds *d, size_t i, double *post);

/* Index of the largest posterior of item i (first in label order on a tie). */
int truth_ds_label(const struct truth_ds *d, size_t i);

/*
 * Majority vote of item i: the label with most votes; on a tie the label first
 * in label order. Returns -1 for an item with no votes.
 */
int truth_majority(const struct truth_votes *v, size_t i);

/* Wilson score 95% interval for k successes in n trials (z = 1.959964). */
void truth_wilson(long k, long n, double *lo, double *hi);

#endif
