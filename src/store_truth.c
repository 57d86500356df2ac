/*
 * store_truth: runs Dawid-Skene on a stored task with its expert decisions
 * clamped as known truth (see src/truth.h for why).
 */
#include "config.h"

#include "store_truth.h"
#include "store_votes.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

long store_truth_find(const struct store_truth *tr, int64_t item)
{
	size_t lo = 0, hi = tr->votes.nitems;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tr->votes.item_id[mid] < item)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < tr->votes.nitems && tr->votes.item_id[lo] == item ? (long)lo : -1;
}

int store_truth_run(struct store *st, const struct store_task *t, struct store_truth *out,
		    char *err)
{
	sqlite3_stmt *s = NULL;
	struct truth_votes tv;
	int rc;

	memset(out, 0, sizeof *out);
	if (store_votes_load(st, t, &out->votes, err))
		return -1;
	out->gold = xmalloc((out->votes.nitems + 1) * sizeof *out->gold);
	for (size_t i = 0; i < out->votes.nitems; i++)
		out->gold[i] = -1;
	if (store_prepare(st,
			  "SELECT d.item, d.label FROM decision d JOIN item i ON i.id = d.item"
			  " WHERE i.task = ? AND d.label IS NOT NULL AND d.id ="
			  " (SELECT max(x.id) FROM decision x WHERE x.item = d.item)",
			  &s, err))
		goto fail;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		long i = store_truth_find(out, sqlite3_column_int64(s, 0));
		int k = store_task_code_index(t, sqlite3_column_int(s, 1));
		if (i >= 0 && k >= 0) {
			out->gold[i] = (int16_t)k;
			out->ngold++;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "decisions");
		goto fail;
	}
	if (t->nlabels == 0)
		return 0; /* a task with no labels yet has no votes either */
	tv.nitems = out->votes.nitems;
	tv.nlabels = out->votes.nlabels;
	tv.nannotators = out->votes.nannotators;
	tv.start = out->votes.start;
	tv.ann = out->votes.ann;
	tv.lab = out->votes.lab;
	tv.gold = out->gold;
	if (truth_ds_run(&tv, NULL, &out->ds)) {
		err_set(err, "task '%s': Dawid-Skene needs 1 to 65535 labels", t->name);
		goto fail;
	}
	return 0;
fail:
	store_truth_free(out);
	return -1;
}

void store_truth_free(struct store_truth *tr)
{
	stats_votes_free(&tr->votes);
	free(tr->gold);
	truth_ds_free(&tr->ds);
	memset(tr, 0, sizeof *tr);
}
