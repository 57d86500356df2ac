/*
 * model: what gavel knows about a model's predictions against the labels:
 * prediction entropy and margin, the task's estimated label accuracy q (from
 * blind audits once there are enough, else percent agreement), effective
 * confidence = stated confidence x q, calibration against expert decisions
 * (10-bin reliability table and expected calibration error), the audit
 * estimate of the label error rate, and how much expert relabeling changed.
 *
 * Pure functions here; the queries that feed them live in store_model.c.
 */
#ifndef GAVEL_MODEL_H
#define GAVEL_MODEL_H

#include "store.h"

#include <stddef.h>
#include <stdint.h>

/* Audits needed before q comes from them instead of percent agreement. */
#define MODEL_MIN_AUDITS 30

/*
 * Normalised entropy -sum p ln p / ln K of a probability vector of K labels
 * (K >= 2), margin = top1 - top2, and confidence = max p. Returns 0, or -1
 * when the vector does not sum to 1 within 1e-3 or has a negative entry.
 */
int model_prediction_stats(const double *p, size_t k, double *entropy, double *margin,
			   double *confidence);

/*
 * The task's estimated label accuracy q and where it came from: with at
 * least MODEL_MIN_AUDITS audited items (items decided by an expert in a
 * blind audit queue), q = 1 - the audit label error rate and *source =
 * "audit"; otherwise q = the task's percent agreement and *source =
 * "agreement" (q = NaN and "none" when no item has two votes). *source is a
 * static string. Returns 0, or -1 with err filled.
 */
int model_task_quality(struct store *st, int64_t task, double *q, const char **source,
		       char *err);

#endif
