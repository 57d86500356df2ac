/*
 * store_votes: loading one task's votes from the project database into the
 * CSR layout of struct stats_votes (src/stats.h), which the statistics and
 * truth inference share, and the annotator names that go with it.
 */
#ifndef GAVEL_STORE_VOTES_H
#define GAVEL_STORE_VOTES_H

#include "stats.h"
#include "store.h"

/*
 * Load every vote of task t with one scan of item_votes in (item,
 * annotator) order. Labels become indices into t->labels (label order),
 * annotators dense indices in increasing id order, value[] the labels'
 * numeric values (NaN when not numeric). Items without votes are not listed.
 * A vote whose label code is not in t's label set is an error. Fills *out
 * (free with stats_votes_free) and returns 0, or -1 with err filled and *out
 * zeroed.
 */
int store_votes_load(struct store *st, const struct store_task *t, struct stats_votes *out,
		     char *err);

/*
 * Names of v's annotators: (*names)[a] is the name of dense annotator a (heap
 * strings, unsanitised data). Free with store_votes_names_free(names, n).
 * Returns 0, or -1 with err filled.
 */
int store_votes_annotator_names(struct store *st, const struct stats_votes *v, char ***names,
				char *err);
void store_votes_names_free(char **names, int n);

#endif
