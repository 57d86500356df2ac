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
	struct stats_votes v;
	if (store_votes_load(st, t, &v, err))
		return -1;
	return store_truth_from_votes(st, t, &v, out, err);
}

int store_truth_from_votes(struct store *st, const struct store_task *t, struct stats_votes *v,
			   struct store_truth *out, char *err)
{
	if (store_truth_prepare(st, t, v, out, err))
		return -1;
	if (store_truth_compute(out, t, err)) {
		store_truth_free(out);
		return -1;
	}
	return 0;
}

int store_truth_prepare(struct store *st, const struct store_task *t, struct stats_votes *v,
			struct store_truth *out, char *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	out->votes = *v;
	memset(v, 0, sizeof *v);
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
	return 0;
fail:
	store_truth_free(out);
	return -1;
}

int store_truth_compute(struct store_truth *tr, const struct store_task *t, char *err)
{
	if (t->nlabels == 0)
		return 0; /* a task with no labels yet has no votes either */
	if (truth_ds_run(&tr->votes, tr->gold, NULL, &tr->ds))
		return err_set(err, "task '%s': Dawid-Skene needs 1 to 65535 labels", t->name);
	return 0;
}

void store_truth_free(struct store_truth *tr)
{
	stats_votes_free(&tr->votes);
	free(tr->gold);
	truth_ds_free(&tr->ds);
	memset(tr, 0, sizeof *tr);
}

int store_truth_majority_vs_expert(struct store *st, int64_t task, struct mve_row **out, size_t *n,
				   char *err)
{
	sqlite3_stmt *s;
	struct mve_row *v = NULL;
	size_t cap = 0, cnt = 0;
	int rc;

	/* Current decisions (the latest row per item, not withdrawn) on items
	 * whose votes had a strict majority: n_top > n / 2. */
	if (store_prepare(st,
			  "SELECT d.rule, count(*), sum(d.label <> s.plurality)"
			  " FROM decision d JOIN item i ON i.id = d.item"
			  " JOIN item_votes s ON s.item = d.item"
			  " WHERE i.task = ? AND d.label IS NOT NULL AND s.plurality_n * 2 > s.n"
			  " AND d.id = (SELECT max(x.id) FROM decision x WHERE x.item = d.item)"
			  " GROUP BY d.rule ORDER BY d.rule",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *rule = sqlite3_column_text(s, 0);
		v = xgrow(v, &cap, cnt + 1, sizeof *v);
		v[cnt].rule = rule ? xstrdup((const char *)rule) : NULL;
		v[cnt].decided = sqlite3_column_int64(s, 1);
		v[cnt].overturned = sqlite3_column_int64(s, 2);
		cnt++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_truth_mve_free(v, cnt);
		return store_fail(st, err, "majority vs expert");
	}
	*out = v;
	*n = cnt;
	return 0;
}

void store_truth_mve_free(struct mve_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].rule);
	free(v);
}
