/*
 * store_lead: what the lead's report reads from the project besides the
 * votes: the current expert decisions with the vote summary they overrode,
 * the import batches (from the audit trail) with the item ids each one
 * added, the time of every vote when the votes carry one, the "unclear
 * guideline" flags, and the items where experts decided against one
 * annotator's vote. The figures themselves are computed in src/lead.c.
 */
#ifndef GAVEL_STORE_LEAD_H
#define GAVEL_STORE_LEAD_H

#include "stats.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

/* A current expert decision on an item of the task. */
struct store_lead_decision {
	int64_t item;
	int label;    /* the expert's label, index into the task's labels */
	char *rule;   /* guideline rule cited, or NULL */
	int majority; /* the votes' strict majority (top count > n / 2), label index or -1 */
};

/*
 * The task's current decisions (each item's latest decision row, when it
 * gives a label), in item order. A decision on a label the task lacks is
 * left out. Fills *out (free with store_lead_decisions_free). Returns 0, or
 * -1 with err filled.
 */
int store_lead_decisions(struct store *st, const struct store_task *t,
			 struct store_lead_decision **out, size_t *n, char *err);
void store_lead_decisions_free(struct store_lead_decision *v, size_t n);

/* A task's cheap figures, from the per-item summaries alone. */
struct store_lead_quick {
	size_t items;	    /* items with at least one vote */
	size_t votes;	    /* votes */
	size_t compared;    /* items with at least two votes */
	double sum_agree;   /* the sum of their item agreement */
	size_t disputed;    /* compared items whose votes are not unanimous */
	size_t decided;	    /* current decisions (as store_lead_decisions counts them) */
	size_t decided_dis; /* of them, on disputed items */
};

/*
 * Fill *q for task t from its row of task_tally (store_summary_tally; no
 * item is read) and one pass over the decisions.
 * Returns 0, or -1 with err filled.
 */
int store_lead_quick(struct store *st, const struct store_task *t, struct store_lead_quick *q,
		     char *err);

/*
 * How many of task's items have no votes yet: their item_votes rows at
 * n = 0 (every item has a row; an items import writes it empty), counted
 * through the partial index of the items with few votes, so the count reads
 * those items only. Returns 0, or -1 with err filled.
 */
int store_lead_unvoted(struct store *st, int64_t task, size_t *n, char *err);

/*
 * An import, as its audit event recorded it, with the item ids it added:
 * (first, last], empty when it added none. New items take the next free ids
 * in order, so the imports' items_added counts, summed in event order, give
 * each import's range.
 */
struct store_lead_batch {
	int64_t seq;	     /* the import event */
	char *at;	     /* its UTC time */
	char *file;	     /* the file imported */
	int64_t first, last; /* items (first, last] */
};

/*
 * Every import of the project in event order. Fills *out (free with
 * store_lead_batches_free). Returns 0, or -1 with err filled.
 */
int store_lead_batches(struct store *st, struct store_lead_batch **out, size_t *n, char *err);
void store_lead_batches_free(struct store_lead_batch *v, size_t n);

/*
 * The day of every vote of v (loaded by store_votes_load from task t), as
 * days since 1970-01-01, in v's vote order. A vote time is read when it
 * starts with an ISO date (YYYY-MM-DD...) or is a Unix time in seconds or
 * milliseconds. *days is set to NULL (and 0 returned) when any vote has no
 * time gavel can read: the votes are then not dated. Otherwise the caller
 * frees *days. Returns -1 with err filled on a database error or when the
 * votes changed since v was loaded.
 */
int store_lead_vote_days(struct store *st, const struct store_task *t, const struct stats_votes *v,
			 int32_t **days, char *err);

/* An "unclear guideline" flag on an item of the task. */
struct store_lead_flag {
	int64_t item;
	char *rule; /* the rule the note cites ("#R2 ..."), else NULL */
};

/* The task's flags in item order (free with store_lead_flags_free). */
int store_lead_flags(struct store *st, const struct store_task *t, struct store_lead_flag **out,
		     size_t *n, char *err);
void store_lead_flags_free(struct store_lead_flag *v, size_t n);

/* An item where the current expert decision differs from an annotator's vote. */
struct store_lead_overruled {
	int64_t item;
	char *external_id;
	char *text; /* the item's text, or NULL */
	int vote;   /* the annotator's label index */
	int label;  /* the expert's label index */
	char *expert;
	char *reason; /* or NULL */
	char *rule;   /* or NULL */
	char *at;     /* when the decision was made */
};

/*
 * Items of task t where the current decision's label differs from the vote
 * of the annotator with id `annotator`, in item order; with agreeing set,
 * every decided item the annotator voted on. Fills *out (free with
 * store_lead_overruled_free). Returns 0, or -1 with err filled.
 */
int store_lead_overruled(struct store *st, const struct store_task *t, int64_t annotator,
			 int agreeing, struct store_lead_overruled **out, size_t *n, char *err);
void store_lead_overruled_free(struct store_lead_overruled *v, size_t n);

/*
 * The id of the annotator called name: 1 with *id set, 0 when no annotator
 * has that name, -1 with err filled on a database error.
 */
int store_lead_annotator_id(struct store *st, const char *name, int64_t *id, char *err);

/* Parse a leading "#RULE" of a note or reason into a heap string, else NULL. */
char *store_lead_note_rule(const char *note);

/*
 * Days since 1970-01-01 of a vote time (ISO date prefix, or Unix seconds or
 * milliseconds), s[0..len). Returns 0 with *day set, or -1 when unreadable.
 */
int store_lead_parse_day(const char *s, size_t len, int32_t *day);

#endif
