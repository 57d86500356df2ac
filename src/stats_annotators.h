/*
 * stats_annotators: each annotator's track record, for `gavel stats
 * --annotators`: votes cast, agreement with the other annotators, accuracy
 * against expert decisions (with count and Wilson 95% interval), Dawid-Skene
 * estimated accuracy, and the label they over-use.
 */
#ifndef GAVEL_STATS_ANNOTATORS_H
#define GAVEL_STATS_ANNOTATORS_H

#include "store.h"
#include "store_truth.h"
#include "util.h"

struct annotator_record {
	int index;          /* dense annotator index in the task's votes */
	uint32_t votes;     /* votes cast */
	double agreement;   /* mean over their votes on items with >= 2 votes of the share of
			       the other votes that chose the same label; NaN when none */
	uint32_t decided;   /* their votes on items with a current expert decision */
	uint32_t correct;   /* ... that matched the decision */
	double acc_lo, acc_hi; /* Wilson 95% interval of correct / decided */
	double ds_accuracy; /* DS expected accuracy of their votes */
	int overused;       /* label index whose share in their votes most exceeds its share
			       in all votes, -1 when none exceeds it */
	double overuse;     /* that excess, in share points (0.12 = 12 points) */
};

/*
 * Compute the records of every annotator of a task from its truth run
 * (votes, current decisions, DS). Fills *out (nannotators entries; free()).
 */
void stats_annotators_compute(const struct store_truth *tr, struct annotator_record **out);

/*
 * One annotator's record as the JSON object's fields (no braces): "name"
 * (null when name is NULL), "votes", "agreement", "expert":{"n","correct",
 * "accuracy","ci":[lo,hi] or null}, "ds_accuracy" (null unless have_ds),
 * "overused":{"label","points"} or null, labels from t. The one writer of
 * them, for `gavel stats --annotators` and the lead's view.
 */
void stats_annotators_json(struct sbuf *b, const struct store_task *t, const char *name,
			   const struct annotator_record *x, int have_ds);

/*
 * The `gavel stats --annotators` report for one task or all (task NULL), as
 * text tables or JSON {"tasks":[{"task", "annotators":[{"name","votes",
 * "agreement","expert":{"n","correct","accuracy","ci":[lo,hi]},"ds_accuracy",
 * "overused":{"label","points"}}]}]}. Returns 0, or -1 with err filled.
 */
int stats_annotators_report(struct store *st, const char *task, int json, struct sbuf *out,
			    char *err);

#endif
