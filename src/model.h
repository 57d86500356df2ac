/*
 * model: what gavel knows about a model's predictions against the labels:
 * prediction entropy and margin, the task's estimated label accuracy q (from
 * blind audits once there are enough, else percent agreement), effective
 * confidence = stated confidence x q, calibration against expert decisions
 * (10-bin reliability table and expected calibration error), the audit
 * estimate of the label error rate, and how much expert relabeling changed.
 *
 * Pure functions here; the queries that feed them are store_model.h's.
 *
 * Definitions used throughout (and by the report in model_report.h):
 *
 *   current decision  the item's decision row with the highest id; the item
 *                     is "decided" when that row has a label (a row with
 *                     label NULL withdraws an earlier decision).
 *   consensus         the plurality label of the item's votes when it is not
 *                     tied (item_votes.plurality with tie = 0); items with
 *                     no votes or a tied plurality have no consensus.
 *   audited item      a decided item of which at least one decision row
 *                     (the current one or an earlier one in its chain, e.g.
 *                     the row that holds the blind call) was recorded in a
 *                     queue whose rule is `audit` in the project's queues
 *                     (project_queues: the declared ones or the defaults,
 *                     where `audit` is shown blind). Queue names are matched
 *                     against decision.queue; imported decisions carry no
 *                     queue and are never audits.
 *   audits            audited items that have a consensus: the items the
 *                     label error rate is measured on.
 *   label error rate  among the audits, the share whose current expert label
 *                     differs from the consensus.
 */
#ifndef GAVEL_MODEL_H
#define GAVEL_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* Audits needed before q comes from them instead of percent agreement. */
#define MODEL_MIN_AUDITS 30

/* Bins of the reliability table: [0,0.1), [0.1,0.2), ..., [0.9,1.0]. */
#define MODEL_BINS 10

/*
 * Normalised entropy -sum p ln p / ln K of a probability vector of K labels
 * (K >= 2), margin = top1 - top2, and confidence = max p. Returns 0, or -1
 * when the vector does not sum to 1 within 1e-3 or has a negative entry.
 * (Also -1 when k < 2 or an entry is not finite. Within the 1e-3 tolerance
 * the entropy can exceed 1 by a hair; it is clamped to [0, 1].) Any of the
 * output pointers may be NULL.
 */
int model_prediction_stats(const double *p, size_t k, double *entropy, double *margin,
			   double *confidence);

/*
 * Choose q from the counts (pure part of store_model_task_quality): audits >=
 * MODEL_MIN_AUDITS gives 1 - errors/audits and "audit"; else a finite
 * percent agreement gives it and "agreement"; else NaN and "none".
 */
void model_quality_choose(long audits, long errors, double percent_agreement, double *q,
			  const char **source);

/* Stated confidence x q; NaN when either is NaN. */
double model_effective_confidence(double confidence, double q);

/*
 * A proportion k/n with its Wilson 95% interval (truth_wilson). rate, lo and
 * hi are NaN when n is 0.
 */
struct model_rate {
	long n, k;
	double rate, lo, hi;
};

/* Fill r for k out of n. */
void model_rate_set(struct model_rate *r, long k, long n);

/* One bin of the reliability table. confidence and accuracy are NaN when n == 0. */
struct model_bin {
	double lo, hi;	   /* edges: the bin holds lo <= c < hi (the last also c == 1) */
	long n;		   /* predictions in the bin */
	long hits;	   /* of them, the model's label equals the expert's */
	double conf_sum;   /* sum of stated confidence */
	double confidence; /* mean stated confidence (after model_calibration_finish) */
	double accuracy;   /* hits / n (after model_calibration_finish) */
};

/*
 * Reliability table over 10 equal-width bins and the expected calibration
 * error ECE = sum_b (n_b / N) |accuracy_b - confidence_b| (NaN when N == 0).
 */
struct model_calibration {
	struct model_bin bins[MODEL_BINS];
	long n;
	double ece;
};

/* Empty table with the bin edges set. */
void model_calibration_init(struct model_calibration *c);

/*
 * Bin index of a stated confidence: b such that b/10 <= c < (b+1)/10, with
 * c == 1.0 in the last bin; -1 when c is not a number in [0, 1].
 */
int model_calibration_bin(double confidence);

/* Count one prediction (ignored when its confidence has no bin). */
void model_calibration_add(struct model_calibration *c, double confidence, int correct);

/* Compute each bin's mean confidence and accuracy, and the ECE. */
void model_calibration_finish(struct model_calibration *c);

/*
 * A decided item of a task, as the report needs it (see the definitions
 * above). queue is the current decision's queue; when it has none, its
 * origin unless that is "review" (so imported decisions say "import");
 * otherwise NULL.
 */
struct model_decided {
	int64_t item;
	int label;     /* the expert's label code */
	int plurality; /* plurality label code, -1 when the item has no votes */
	int tie;       /* 1 when the plurality is tied */
	int audited;   /* 1 for an audited item */
	char *queue;   /* heap string or NULL */
};

/* Consensus label code of a decided item, or -1 (no votes or a tie). */
int model_decided_consensus(const struct model_decided *d);

#endif
