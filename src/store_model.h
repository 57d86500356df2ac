/*
 * store_model: the queries behind model.h's figures: the task's estimated
 * label accuracy q, its decided items, each model's totals and predictions,
 * and percent agreement from the item summaries (the definitions are in
 * model.h).
 */
#ifndef GAVEL_STORE_MODEL_H
#define GAVEL_STORE_MODEL_H

#include "model.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

/*
 * The task's estimated label accuracy q and where it came from: with at
 * least MODEL_MIN_AUDITS audited items (items decided by an expert in a
 * blind audit queue), q = 1 - the audit label error rate and *source =
 * "audit"; otherwise q = the task's percent agreement and *source =
 * "agreement" (q = NaN and "none" when no item has two votes). *source is a
 * static string. Returns 0, or -1 with err filled.
 *
 * "Audited items" here are the audits defined above (audited items with a
 * consensus), so that q is always 1 - errors/audits over the same items.
 * Percent agreement is Fleiss' P-bar: the mean item agreement over the
 * task's items with at least two votes (as stats_compute measures it).
 *
 * Effective confidence of an item (the export's `effective_confidence`):
 * call this once per task, then for each item
 * model_effective_confidence(c, q) where c is the item's top prediction
 * confidence over all models (the most confident model, as the queues use).
 */
int store_model_task_quality(struct store *st, int64_t task, double *q, const char **source,
			     char *err);

/*
 * Like store_model_task_quality, also giving the audit counts: *audits (audited
 * items with a consensus) and *errors (those whose expert label differs).
 * Either pointer may be NULL.
 */
int store_model_task_quality_ex(struct store *st, int64_t task, double *q, const char **source,
				long *audits, long *errors, char *err);

/*
 * store_model_task_quality for a screen: when q falls back on percent
 * agreement, that is the mean over the task's first `cap` items (by
 * external id, through the task's index) instead of all of them, and
 * *source says "agreement (sample)" when the task has more. A task of ten
 * million items costs a read of `cap` rows instead of ten million.
 */
int store_model_task_quality_upto(struct store *st, int64_t task, size_t cap, double *q,
				  const char **source, char *err);

/*
 * The task's decided items in item order. Returns 0 with *out (free with
 * store_model_decided_free) and *n filled, or -1 with err filled.
 */
int store_model_decided_load(struct store *st, int64_t task, struct model_decided **out, size_t *n,
			     char *err);
void store_model_decided_free(struct model_decided *v, size_t n);

/* One model's predictions over a task, counted against the consensus. */
struct model_totals {
	char *model;
	long predictions; /* items of the task with a prediction of this model */
	long compared;	  /* of them, items with a consensus */
	long agree;	  /* of those, the model's label equals the consensus */
};

/*
 * Per model (in model name order) counts over the task. Returns 0 with
 * *out (free with store_model_totals_free) and *n filled, or -1 with err filled.
 */
int store_model_totals_load(struct store *st, int64_t task, struct model_totals **out, size_t *n,
			    char *err);
void store_model_totals_free(struct model_totals *v, size_t n);

/* A prediction of one model on a decided item. */
struct model_pred {
	int64_t item;
	int label; /* the model's top label code */
	double confidence;
};

/*
 * The predictions of `model` on the task's decided items, in item order.
 * Returns 0 with *out (free()) and *n filled, or -1 with err filled.
 */
int store_model_decided_predictions(struct store *st, int64_t task, const char *model,
				    struct model_pred **out, size_t *n, char *err);

/*
 * Percent agreement (Fleiss' P-bar) of the task from the item summaries:
 * the mean item agreement over items with at least two votes; NaN when
 * there is none. Returns 0, or -1 with err filled.
 */
int store_model_percent_agreement(struct store *st, int64_t task, double *out, char *err);

/*
 * The same over the task's first `cap` items by external id (0: all of
 * them); *sampled is 1 when the task has more items than were read.
 */
int store_model_percent_agreement_upto(struct store *st, int64_t task, size_t cap, double *out,
				       int *sampled, char *err);

#endif
