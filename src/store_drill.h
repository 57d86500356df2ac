/*
 * store_drill: the queues behind the lead's figures, so that a number on
 * the dashboard or in a report opens as a normal queue of the items it
 * counts: an annotator pair's disagreements, the items holding votes for two
 * labels, a band of item agreement, the majorities a guideline rule
 * overturned, the items where experts overruled an annotator, the decided
 * items by their majority and the expert's label, an import batch's items.
 * Each returns
 * the same queue entries as the review queues (src/store_queue.h), in queue order,
 * with a title that says what they are ("alice vs bob: 37 disagreements").
 */
#ifndef GAVEL_STORE_DRILL_H
#define GAVEL_STORE_DRILL_H

#include "store_queue.h"
#include "store.h"

#include <stddef.h>

enum store_drill_kind {
	DRILL_PAIR,	 /* items both a and b voted on, with different labels */
	DRILL_CONFUSED,	 /* items with votes for label a and for label b */
	DRILL_AGREEMENT, /* items with 2+ votes and agreement in [lo, hi) (hi >= 1: [lo, 1]) */
	DRILL_RULE,	 /* decided items citing rule whose expert overturned a strict majority */
	DRILL_OVERRULED, /* decided items whose expert's label differs from annotator a's vote */
	DRILL_MAJORITY,	 /* decided items whose votes' strict majority is label a and whose
			    expert decided label b */
	DRILL_BATCH,	 /* items with votes that import event batch added (0: items no
			    recorded import added) */
};

struct store_drill {
	enum store_drill_kind kind;
	const char *task;  /* task name; NULL: the project's only task */
	const char *a, *b; /* annotator names (pair, overruled) or label values (confused,
			      majority) */
	double lo, hi;	   /* agreement band */
	const char *rule;
	int64_t batch; /* the import's audit event (its seq) */
};

/*
 * Resolve drill-down d into queue entries, most disputed first (lowest
 * agreement, then by item), at most limit of them (0: all). Items with a current expert decision
 * are left out unless include_decided, except for DRILL_RULE, DRILL_OVERRULED and DRILL_MAJORITY,
 * whose items are decided by definition. *total gets how many items the queue holds in all, and
 * *title (heap) what it is, counting them: "alice vs bob: 37 disagreements", "negative / neutral:
 * 112 items", "agreement 0.2-0.3: 450 items", "rule R2: 9 overturns", "alice overruled: 12 items",
 * "majority negative / expert neutral: 7 items", "import 12 (votes.csv): 450 items". Each entry's
 * reason says what put it there.
 *
 * Errors (-1, err filled, naming what was asked for): an unknown task (or
 * none named in a project of several), annotator or label; a pair of one
 * annotator, or of two who share no item of the task; the same label twice;
 * a rule that no decision of the task cites and its guideline lacks; a band
 * outside [0, 1] or empty; an import event that is not one. Otherwise 0 with *out (free with
 * store_queue_free).
 */
int store_drill_build(struct store *st, const struct store_drill *d, size_t limit,
		      int include_decided, struct queue_entry **out, size_t *n, size_t *total,
		      char **title, char *err);

#endif
