/*
 * stats_report: the agreement report of `gavel stats`, as readable text
 * tables or as stable JSON. It formats what stats_compute measured; every
 * string that comes from data (task, label and annotator names) is
 * sanitised in the text form and escaped as \uXXXX in the JSON form, so
 * neither carries an escape sequence to a terminal and JSON readers get the
 * names back unchanged.
 */
#ifndef GAVEL_STATS_REPORT_H
#define GAVEL_STATS_REPORT_H

#include "stats.h"
#include "store.h"
#include "store_truth.h"
#include "util.h"

/* One task's figures and what is needed to name them. */
struct stats_report_task {
	const struct store_task *task;
	const struct stats_result *res;
	char *const *annotators; /* name of dense annotator a, unsanitised */
	int nannotators;
	uint64_t seed; /* bootstrap seed used (reported with the interval) */
	const struct store_truth *truth; /* Dawid-Skene run, or NULL when not run */
	const struct mve_row *mve;       /* majority vs expert per rule */
	size_t nmve;
	const char *model_json; /* rendered JSON array of model reports, or NULL */
	const char *model_text; /* rendered text of model reports, or NULL */
	const char *labelerr_json; /* rendered label_errors object, or NULL */
	const char *labelerr_text; /* rendered text of the label-error section, or NULL */
	const char *lead_json;  /* rendered lead view (lead_task_json), or NULL */
	const char *lead_text;  /* its text lines (lead_task_text), or NULL */
};

/*
 * Append the JSON report of n tasks to b:
 * {"audit_head":..., "tasks":[{"task","scale","items","votes",
 * "votes_per_item":{"min","mean","max"}, "items_compared", "annotators",
 * "percent_agreement","expected_agreement","fleiss_kappa","fleiss_varying_n",
 * "krippendorff_alpha":{"nominal","ordinal","interval"},
 * "krippendorff_alpha_ci", "cohen_kappa":[{"a","b","n","kappa"}],
 * "labels":[{"label","name","count","specific_agreement","kappa"}],
 * "disputed","flagged","threshold", "ds":{"iterations","converged","max_iter",
 * "tolerance","decided_items","priors":{label:p}} | null,
 * "majority_vs_expert":{"decided","overturned","rate","by_rule":[{"rule",
 * "decided","overturned","rate"}]}, "models":[...] | null,
 * "label_errors":{...} | null (labelerr_report.h), "lead":{...} (when lead_json
 * is set: src/lead.h)}]} with keys always in this order, every
 * figure that does not apply as null, and a trailing newline. audit_head may
 * be NULL (then null).
 */
void stats_report_json(struct sbuf *b, const struct stats_report_task *t, size_t n,
		       const char *audit_head);

/*
 * Append the text report: per task a summary, the label table, the Cohen
 * pairs (all of them up to max_pairs, else a summary and the max_pairs pairs
 * with the lowest kappa) and the flags.
 */
void stats_report_text(struct sbuf *b, const struct stats_report_task *t, size_t n,
		       const char *audit_head, size_t max_pairs);

#endif
