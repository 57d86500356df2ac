/*
 * store_labelerr: what confident learning (labelerr.h) needs of one stored
 * task: which model's probabilities to use and which import brought them,
 * each predicted item's current label (the label `gavel export` gives: the
 * expert decision, else the Dawid-Skene label, else the plurality of the
 * votes) and the model's probability of every label.
 */
#ifndef GAVEL_STORE_LABELERR_H
#define GAVEL_STORE_LABELERR_H

#include "labelerr.h"
#include "store.h"
#include "store_truth.h"

#include <stddef.h>
#include <stdint.h>

/* Which model and import the figures come from. */
struct store_labelerr_src {
	char *model;	    /* NULL when the task has no predictions */
	const char *chosen; /* "project" (the queue in the project YAML names it),
			     * "latest import" or "most predictions" (static) */
	long import_seq;    /* the audit event of the import that brought the
			     * model's predictions, 0 when none names it */
	char *import_at;    /* that event's time (UTC), or NULL */
	char *import_file;  /* the file it imported, or NULL */
};

void store_labelerr_src_free(struct store_labelerr_src *s);

/*
 * The model confident learning uses on task t: `want` when given, else the
 * model of the latest import of predictions into t (by the audit trail),
 * else, when no import event names one (predictions brought inside a votes
 * file), the model with the most predictions in t. Returns 0 with *src
 * filled, 1 when t has no predictions at all, 2 when `want` has none in t
 * (err says so, naming the models that do; *src->model NULL both times),
 * -1 with err filled.
 */
int store_labelerr_source(struct store *st, const struct store_task *t, const char *want,
			  struct store_labelerr_src *src, char *err);

/* One task's confident-learning input: the arrays of struct labelerr_data. */
struct store_labelerr {
	size_t n;
	int k;
	int64_t *item;		/* n item ids, increasing */
	uint16_t *given;	/* n current labels (indexes into the task's labels) */
	unsigned char *decided; /* n: 1 when the label is an expert decision */
	double *p;		/* n * k probabilities, label order */
	long predictions;	/* the model's predictions in the task */
	long from_expert;	/* items whose current label is an expert decision */
	long from_ds;		/* ... the Dawid-Skene label */
	long from_plurality;	/* ... the plurality of the votes */
	long no_label;		/* predicted items without votes or decision */
	long no_distribution;	/* predictions that are not a probability per label
				 * summing to 1 (a top label's confidence only) */
};

/*
 * Load task t's items that `model` predicted, with their current label.
 * tr: the task's Dawid-Skene run (store_truth_run) when the caller has one;
 * NULL runs it here, unless no_ds, where labels come from decisions and
 * the plurality only (as `gavel export --no-ds`). Missing labels in a
 * prediction count as probability 0. Fills *out (free with
 * store_labelerr_free). Returns 0, or -1 with err filled (a damaged
 * probability record names its item).
 */
int store_labelerr_load(struct store *st, const struct store_task *t, const char *model,
			const struct store_truth *tr, int no_ds, struct store_labelerr *out,
			char *err);
void store_labelerr_free(struct store_labelerr *d);

/* The loaded arrays as labelerr.h's input (pointers into d). */
struct labelerr_data store_labelerr_data(const struct store_labelerr *d);

/* One item of the label-issues queue. */
struct store_labelerr_issue {
	int64_t item;
	int given, suggested; /* label indexes */
	double self_confidence, p_suggested, margin;
};

/*
 * The label-issues queue of task t: confident learning on `model`'s
 * probabilities (NULL: as store_labelerr_source chooses), the flagged items
 * by self-confidence, lowest first, without the items whose current label
 * is an expert decision unless include_decided, at most limit (0: all);
 * *total (may be NULL) gets how many there are without the limit.
 * A task without predictions or without enough items per label
 * (labelerr_usable) has none. *src names the model and import (free with
 * store_labelerr_src_free; model NULL when there were no predictions).
 * Fills *out (free()) and *n. Returns 0, or -1 with err filled.
 */
int store_labelerr_queue(struct store *st, const struct store_task *t, const char *model,
			 int include_decided, size_t limit, struct store_labelerr_issue **out,
			 size_t *n, size_t *total, struct store_labelerr_src *src, char *err);

#endif
