/*
 * model_report: the model section of `gavel stats` for one task: the label
 * accuracy discount q and its source, the audit estimate of the label error
 * rate (split by whether each model agreed with the consensus), each model's
 * accuracy against the consensus beside its accuracy against the experts,
 * the reliability table against expert decisions with its ECE, and the
 * relabel impact of expert decisions per queue and per label. Definitions
 * are in model.h. As text or as stable JSON; every string from data (model,
 * queue and label names) is sanitised or JSON-escaped.
 */
#ifndef GAVEL_MODEL_REPORT_H
#define GAVEL_MODEL_REPORT_H

#include "model.h"
#include "store.h"
#include "util.h"

#include <stddef.h>

/* The figures that depend on one model. */
struct model_section {
	char *model;	  /* model name; NULL in the one section of a task without predictions */
	long predictions; /* items of the task this model predicted */
	struct model_rate agreed;    /* audit errors among audits where the model agreed */
	struct model_rate disagreed; /* ... and where it disagreed with the consensus */
	/* accuracies: k = hits out of n */
	struct model_rate vs_consensus;		/* all predicted items with a consensus */
	struct model_rate vs_expert;		/* decided items with a consensus: vs expert */
	struct model_rate consensus_on_decided; /* the same items: vs consensus */
	struct model_calibration cal;		/* decided items with a prediction */
};

struct model_relabel_queue {
	char *queue; /* decision queue, "import" for imported decisions, NULL for none */
	long changed, decided;
};

struct model_relabel_label {
	char *label; /* the expert's label value */
	long changed;
};

struct model_report {
	char *task;
	double q;		 /* estimated label accuracy (store_model_task_quality) */
	const char *source;	 /* "audit", "agreement" or "none" (static) */
	long audited;		 /* audited items, with or without a consensus */
	struct model_rate audit; /* n = audits, k = label errors among them */
	long decided;		 /* items with a current expert decision */
	long changed;		 /* of them, final label differs from the consensus */
	size_t nqueues;
	struct model_relabel_queue *queues; /* by queue name, NULL last */
	size_t nlabels;
	struct model_relabel_label *labels; /* labels with changed > 0, in label order */
	size_t nsections;
	struct model_section *sections; /* by model name; one with model NULL when none */
};

/*
 * Compute the model report of task t from the store: decided items and
 * their audit status, per-model totals, and each model's predictions on the
 * decided items. Relabel impact counts a decided item as changed when the
 * expert's label differs from the plurality or the plurality is tied (or
 * the item has no votes). Fills *r (free with model_report_free). Returns 0,
 * or -1 with err filled and *r zeroed.
 */
int model_report_compute(struct store *st, const struct store_task *t, struct model_report *r,
			 char *err);
void model_report_free(struct model_report *r);

/*
 * Append the report as a JSON array with one object per section, keys
 * always in this order and null where a figure does not apply:
 * [{"model","predictions","quality":{"q","source","audits"},
 *   "audit":{"items","audits","errors","error_rate","ci":[lo,hi],
 *            "model_agreed":{"items","errors","error_rate","ci"},
 *            "model_disagreed":{...}},
 *   "accuracy":{"vs_consensus":{"n","accuracy"},"vs_expert":{"n","accuracy"},
 *               "consensus_on_decided":{"n","accuracy"}},
 *   "calibration":{"bins":[{"lo","hi","n","confidence","accuracy"}],"ece","n"},
 *   "relabel":{"changed","decided","by_queue":[{"queue","changed","decided"}],
 *              "by_label":[{"label","changed"}]}}]
 * audit.items counts every audited item, audit.audits those with a
 * consensus (the error rate's denominator); model_agreed/disagreed.items
 * are audits where that model predicted and agreed / disagreed with the
 * consensus. No trailing newline.
 */
void model_report_json(struct sbuf *b, const struct model_report *r);

/* Append the report as readable text (a few lines per model, the
 * reliability table, relabel impact), ending with a newline. */
void model_report_text(struct sbuf *b, const struct model_report *r);

#endif
