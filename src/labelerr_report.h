/*
 * labelerr_report: the label-error section of `gavel stats` for one task:
 * confident learning's estimate of how many current labels are wrong, with
 * its bootstrap interval and the estimated count per pair of given and
 * likely true label, beside the blind-audit measurement when audits exist,
 * how many items the label-issues queue holds, and the precision so far of
 * each queue that looks for wrong labels (label-issues, model-disagrees,
 * uncertain). It names the model and the import the figures come from,
 * since gavel cannot tell whether the probabilities were out of sample.
 * As text or stable JSON; strings from data are sanitised or JSON-escaped.
 */
#ifndef GAVEL_LABELERR_REPORT_H
#define GAVEL_LABELERR_REPORT_H

#include "labelerr.h"
#include "model.h"
#include "store.h"
#include "store_labelerr.h"
#include "store_truth.h"
#include "util.h"

#include <stddef.h>
#include <stdint.h>

/* A queue that looks for wrong labels, and what its decisions changed. */
struct labelerr_precision {
	char *queue;
	char *rule;
	struct model_rate changed; /* n decided in the queue, k whose label the expert changed */
};

struct labelerr_report {
	char *task;
	int k;
	char **labels; /* the task's label values, k */
	int no_ds;     /* labels from decisions and the plurality only */
	char *error;   /* why there is no figure (in words, with the numbers), or NULL */
	struct store_labelerr_src src;
	long predictions, items, from_expert, from_ds, from_plurality, no_label, no_distribution;
	int have;		    /* res and issues hold a figure */
	struct labelerr_result res; /* when have */
	long issues;		    /* items the label-issues rule flags (decided or not) */
	struct model_rate audit;    /* n audits, k label errors among them */
	struct labelerr_precision *precision;
	size_t nprecision;
};

/*
 * Compute the section for task t. tr: the task's Dawid-Skene run when the
 * caller has one (NULL runs it, unless no_ds). The model is the one the
 * first label-issues queue covering t names, else the latest import's (see
 * store_labelerr_source). A task without predictions, or with fewer than
 * LABELERR_MIN_ITEMS items of a label in use, or whose probabilities do
 * not load (a damaged record), gets no figure: r->error says why. bootstrap resamples with seed
 * give the interval. Fills *r (free with labelerr_report_free). Returns 0, or -1 with err filled.
 */
int labelerr_report_compute(struct store *st, const struct store_task *t,
			    const struct store_truth *tr, int no_ds, int bootstrap, uint64_t seed,
			    struct labelerr_report *r, char *err);
void labelerr_report_free(struct labelerr_report *r);

/*
 * The model named by the first label-issues queue of the project that
 * covers task `task`, as a heap string, or NULL (the latest import's is
 * used then). Returns 0, or -1 with err filled.
 */
int labelerr_queue_model(struct store *st, const char *task, char **model, char *err);

/*
 * Append the section as one JSON object, keys always in this order, null
 * where a figure does not apply:
 * {"method","model","model_chosen","import":{"event","at","file"}|null,
 *  "labels_from","predictions","items","from_expert","from_ds",
 *  "from_plurality","no_label","no_distribution","estimated_errors",
 *  "estimated_rate","ci":[lo,hi],"bootstrap","seed","thresholds":{label:t},
 *  "pairs":[{"given","true","confident","estimated","share","ci"}],"issues",
 *  "audit":{"audits","errors","rate","ci"},
 *  "queue_precision":[{"queue","rule","decided","changed","precision","ci"}],
 *  "error"}
 * pairs lists every off-diagonal pair with a confident or estimated count,
 * most estimated first; share is the estimated joint (estimated / items)
 * and ci its bootstrap interval.
 */
void labelerr_report_json(struct sbuf *b, const struct labelerr_report *r);

/*
 * The section in one sentence, for the dashboard and the reports: the
 * estimate with its interval (or why there is none), the blind-audit
 * measurement beside it when audits exist, and the model and import the
 * figures come from (the file's name without its directory). Unsanitised:
 * data goes in as it is, for the caller to sanitise or escape. No newline.
 */
void labelerr_report_headline(struct sbuf *b, const struct labelerr_report *r);

/* Each error-finding queue's precision so far, "precision so far (changed /
 * decided): label-issues 3/8 (38%), ..." (nothing when there is none).
 * Unsanitised, no newline. */
void labelerr_report_precision(struct sbuf *b, const struct labelerr_report *r);

/* Append the section as readable text, ending with a newline. */
void labelerr_report_text(struct sbuf *b, const struct labelerr_report *r);

/*
 * `gavel stats --label-errors`: the section alone for every task (or the
 * one named: an unknown name is an error listing the tasks), each computed
 * as labelerr_report_compute does with its own Dawid-Skene run (none with
 * no_ds). JSON: {"tasks":[{"task":NAME,"label_errors":{...}}]} and a
 * newline; text: the sections one after another. Returns 0, or -1 with err
 * filled.
 */
int labelerr_report_all(struct store *st, const char *task, int no_ds, int bootstrap, uint64_t seed,
			int json, struct sbuf *out, char *err);

#endif
