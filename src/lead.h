/*
 * lead: the lead's view of a project, computed once into one struct that
 * the dashboard, `gavel report` and `gavel stats --json` all read, so that
 * every figure they show is the same number: per task the agreement
 * figures, Krippendorff's alpha at the task's scale with a seeded bootstrap
 * interval, disputed / decided / open items, majority vs expert and
 * Dawid-Skene vs plurality; per label the "confused with" figures and the
 * experts' overturns; per annotator the track record with an agreement
 * series over time; the Cohen's kappa matrix of the most active annotators
 * in an order that seats similar annotators together; label co-occurrence
 * and "majority said / expert decided" matrices; the histogram of item
 * agreement and the agreement per import batch or week; and per guideline
 * rule the decisions, overturns and "unclear guideline" flags.
 *
 * Every definition is at its field below. No curses and no SQL here: the
 * store modules load, this module computes and formats (JSON and text).
 */
#ifndef GAVEL_LEAD_H
#define GAVEL_LEAD_H

#include "labelerr_report.h"
#include "stats.h"
#include "stats_annotators.h"
#include "store.h"
#include "store_lead.h"
#include "truth.h"
#include "util.h"

#include <stddef.h>
#include <stdint.h>

/* Bins of the item-agreement histogram: [0, 0.1), ..., [0.9, 1.0]. */
#define LEAD_BINS 10

/* Neighbours in the pair order whose kappa is at least this share a cluster
 * (Landis and Koch's "substantial" agreement). */
#define LEAD_CLUSTER_KAPPA 0.6

struct lead_opts {
	int bootstrap;	     /* bootstrap replicates of the alpha interval, 0 for none */
	uint64_t seed;	     /* their seed */
	int ds;		     /* run Dawid-Skene (its figures are absent otherwise) */
	int pair_annotators; /* the pair matrix holds this many most active annotators */
	uint32_t min_shared; /* a pair's kappa needs this many shared items */
	int label_errors;    /* lead_build adds each task's label-error section */
};

/* Defaults: 1000 replicates, seed 1, Dawid-Skene on, 40 annotators, 10 shared items. */
void lead_opts_default(struct lead_opts *o);

struct lead_label {
	uint64_t items;		 /* items with at least one vote for the label */
	int confused_with;	 /* the other label given most often to the same items
				    (first in label order on a tie), -1 when none */
	uint64_t confused_items; /* items with votes for both */
	long majority_decided;	 /* decided items whose votes' strict majority was this label */
	long overturned;	 /* ... that the expert decided otherwise */
	long flags; /* unclear-guideline flags on items whose plurality is this label */
};

struct lead_annotator {
	char *name;		   /* unsanitised data */
	struct annotator_record r; /* votes, agreement, accuracy vs experts, DS, over-use */
	double *series;		   /* per bucket (lead_task.buckets): their mean agreement with
				      the others over their votes there; NaN where they have none */
};

struct lead_pairs {
	int n;	       /* annotators in the matrix: the most active, at most opts.pair_annotators */
	int *ann;      /* n annotator indices (into lead_task.annotators), in display order */
	double *kappa; /* n x n in display order; NaN on the diagonal and where the pair
			  shares fewer than min_shared items */
	uint32_t *shared; /* n x n items both labelled; the diagonal counts each one's items */
	int *cluster;	  /* n: cluster number of each row, 0, 1, ... in display order */
	int nclusters;
	uint32_t min_shared;
};

/*
 * An import batch (the items an import first brought in; votes added later
 * to those items count with them) or a week (items by the week of their
 * latest vote; an annotator's votes by their own week).
 */
struct lead_bucket {
	char *name;	  /* the file imported, or the ISO week "2024-W07" */
	int64_t event;	  /* the import's audit event, 0 for a week */
	char *at;	  /* the import's time, or the week's Monday (YYYY-MM-DD) */
	size_t items;	  /* items with a vote */
	size_t compared;  /* of them, items with two votes or more */
	double agreement; /* mean item agreement over the compared items, NaN when none */
};

struct lead_rule {
	char *rule;	 /* NULL: decisions citing no rule */
	long decisions;	 /* current decisions citing it */
	long majority;	 /* ... on items whose votes had a strict majority */
	long overturned; /* ... where the expert's label differs from that majority */
	long flags;	 /* unclear-guideline flags citing it (a note "#R2 ..."), or on items whose
			    decision cites it when the note cites none */
};

struct lead_task {
	struct store_task task;	 /* a copy */
	struct stats_result res; /* every agreement figure of `gavel stats` (a copy) */
	int nannotators;
	struct lead_annotator *annotators; /* by dense annotator index */

	enum stats_metric metric;  /* the task's scale: nominal, ordinal or interval */
	double alpha;		   /* Krippendorff's alpha with that metric */
	double alpha_lo, alpha_hi; /* seeded percentile bootstrap 95% interval, NaN when none */
	int bootstrap;		   /* replicates run */
	uint64_t seed;

	size_t items;	/* the task's items, with votes or not (res.items counts those
			   with votes) */
	size_t unvoted; /* of them, items with no votes yet */
	size_t decided; /* items with a current expert decision */
	size_t open;	/* disputed items (2+ votes, not unanimous) without one */
	int have_ds;	/* Dawid-Skene ran */
	int ds_iterations, ds_converged;
	size_t ds_differs;   /* undecided items with votes whose DS label is not their
				plurality (decided items take the expert's label in DS) */
	long mve_decided;    /* decided items with a strict majority */
	long mve_overturned; /* ... decided otherwise */

	struct lead_label *labels; /* task.nlabels */
	struct lead_pairs pairs;
	uint64_t *cooccur;	/* K x K: [k][l], k != l: items with votes for both; [k][k]:
				   items with 2+ votes, all for k */
	long *majority_expert;	/* K x K: [majority][expert]: decided items by their votes'
				   strict majority and the expert's label */
	size_t bins[LEAD_BINS]; /* compared items by agreement: bin b holds [b/10, (b+1)/10),
				   the last also 1 */
	int by_week;		/* buckets are weeks (every vote dated), else import batches */
	size_t nbuckets;
	struct lead_bucket *buckets;
	size_t nrules;
	struct lead_rule *rules;	 /* by rule name, the NULL rule last */
	long flags;			 /* unclear-guideline flags on the task's items */
	int have_labelerr;		 /* lead_build ran with opts.label_errors: */
	struct labelerr_report labelerr; /* the label-error section `gavel stats` shows
					    (LABELERR_BOOTSTRAP resamples, opts.seed) */
};

/*
 * Everything for task t from votes already loaded (store_votes_load), their
 * statistics (stats_compute with the same min_shared) and, when ds is not
 * NULL, the Dawid-Skene run on them (with the current decisions as known
 * labels); names[a] is dense annotator a's name. What else it needs it
 * reads from the store. Fills *out (free with lead_task_free). Returns 0, or
 * -1 with err filled.
 */
int lead_task_compute(struct store *st, const struct store_task *t, const struct stats_votes *v,
		      const struct stats_result *res, const struct truth_ds *ds, char *const *names,
		      const struct lead_opts *o, struct lead_task *out, char *err);
void lead_task_free(struct lead_task *t);

/* The whole view of a project (or of one task). */
struct lead_report {
	char *project; /* the project's name */
	char at[21];   /* when it was computed, UTC */
	char head[65]; /* the audit head hash, "" when the trail is empty */
	size_t ntasks;
	struct lead_task *tasks;
	int quick; /* lead_build_quick: only the cheap figures, the rest NaN or empty */
};

/*
 * Compute the view of every task, or of the task named `task`: loads each
 * task's votes, computes its statistics and Dawid-Skene as `gavel stats`
 * does, then lead_task_compute, and with o->label_errors the label-error
 * section as `gavel stats` computes it (labelerr_report_compute on the same
 * Dawid-Skene run). An unknown task is an error naming the
 * project's tasks. Fills *out (free with lead_report_free). Returns 0, or -1
 * with err filled.
 */
int lead_build(struct store *st, const char *task, const struct lead_opts *o,
	       struct lead_report *out, char *err);
void lead_report_free(struct lead_report *r);

/*
 * The first look at every task (or the task named `task`), from the item
 * summaries without reading the votes (store_lead_quick): items, votes,
 * percent agreement and its flag, disputed, decided and open, each equal
 * to lead_build's. Kappa, alpha, the annotator count and everything past
 * them are NaN, 0 or empty, and out->quick is set. Returns 0, or -1 with
 * err filled (an unknown task included).
 */
int lead_build_quick(struct store *st, const char *task, const struct lead_opts *o,
		     struct lead_report *out, char *err);

/*
 * Append the task's view as one JSON object (no trailing newline), keys
 * always in this order, figures that do not apply as null:
 * {"alpha":{"metric","value","ci":[lo,hi]|null,"replicates","seed"},
 *  "decided","open","ds_differs"|null,
 *  "labels":[{"label","items","confused_with":{"label","items","share"}|null,
 *             "majority_decided","overturned","overturn_rate","flags"}],
 *  "annotators":[{"name","votes","agreement","expert":{"n","correct","accuracy",
 *                 "ci"},"ds_accuracy","overused":{"label","points"}|null,"series":[]}],
 *  "pairs":{"annotators":[],"kappa":[[]],"shared":[[]],"clusters":[[]],"min_shared"},
 *  "confusion":{"labels":[],"cooccurrence":[[]],"majority_expert":[[]]},
 *  "distribution":{"bins":[{"lo","hi","items"}],"by":"import"|"week",
 *                  "buckets":[{"name","event","at","items","compared","agreement"}]},
 *  "rules":[{"rule","decisions","majority","overturned","rate","flags"}],
 *  "flags"}
 * Names and labels are JSON-escaped as stats_report does (\uXXXX for what
 * the sanitiser would replace).
 */
void lead_task_json(struct sbuf *b, const struct lead_task *t);

/*
 * Append the lines the text report of `gavel stats` adds for the task:
 * alpha at the task's scale with its interval, decided and open items,
 * Dawid-Skene vs plurality, the most confused label pairs and the rules.
 * Data is sanitised.
 */
void lead_task_text(struct sbuf *b, const struct lead_task *t);

/* One task of an annotator's feedback sheet. */
struct lead_feedback_task {
	struct lead_task view; /* the task's view (no bootstrap, no pair matrix) */
	int annotator;	       /* the annotator's index in view.annotators, -1: no votes here */
	long *confusion;       /* K x K: [their vote][the expert's label] over decided items */
	size_t noverruled;
	struct store_lead_overruled *overruled; /* items an expert decided against their vote */
};

/* An annotator's feedback sheet: their record in every task they voted in. */
struct lead_feedback {
	char *annotator; /* unsanitised data */
	char *project;
	char at[21];
	char head[65];
	size_t ntasks;
	struct lead_feedback_task *tasks;
};

/*
 * The feedback sheet of the annotator called name, over every task (or the
 * task named `task`): their track record as lead_task_compute has it, their
 * votes against the expert decisions as a K x K matrix, and every item where
 * the current decision differs from their vote, with its text, the expert,
 * reason and rule. Tasks they cast no vote in are listed only when named.
 * An unknown annotator or task is an error naming it. Fills *out (free with
 * lead_feedback_free). Returns 0, or -1 with err filled.
 */
int lead_feedback_build(struct store *st, const char *name, const char *task,
			const struct lead_opts *o, struct lead_feedback *out, char *err);
void lead_feedback_free(struct lead_feedback *f);

/* The metric's name: "nominal", "ordinal" or "interval". */
const char *lead_metric_name(enum stats_metric m);

#endif
