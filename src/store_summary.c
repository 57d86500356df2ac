/*
 * store_summary: the summary columns of item_votes (vote count, distinct
 * labels, plurality label and count, tie, agreement, vote entropy), what
 * every writer of them shares (src/store_summary.h), their recomputation
 * from the packed votes of every item of a task, and the counts per label of
 * one item's packed votes, which are derived when shown rather than stored.
 * Queues, the review screen and exports read the columns instead of
 * re-counting votes. The importer writes them itself
 * (src/store_import.c), from the votes it holds, and calls
 * store_summary_refresh only when an import moves labels in the label
 * order; the tests hold the importer's rows to the refresh's.
 *
 * The task's row of task_tally (src/store.h) is recounted here from every
 * row (store_summary_tally), or moved by what a writer's rows changed
 * (store_summary_tally_apply), as an import of a few votes into a large
 * task does: the two give the same bits.
 *
 * Plurality tie rule: among labels sharing the top count, the one first in
 * the task's label order wins, and `tie` records that there was a tie.
 */
#include "config.h"

#include "store_summary.h"
#include "text.h"
#include "util.h"
#include "votepack.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct summ {
	struct store *st;
	const struct store_task *task;
	sqlite3_stmt *ins;
	uint32_t *count; /* per label index (label order) */
	struct store_summary_order order;
};

void store_summary_order_init(struct store_summary_order *o, const struct store_task *t)
{
	o->maxcode = 0;
	for (size_t i = 0; i < t->nlabels; i++)
		if (t->labels[i].code > o->maxcode)
			o->maxcode = t->labels[i].code;
	o->pos = xmalloc(((size_t)o->maxcode + 1) * sizeof *o->pos);
	for (int c = 0; c <= o->maxcode; c++)
		o->pos[c] = -1;
	for (size_t i = 0; i < t->nlabels; i++)
		o->pos[t->labels[i].code] = (int)i;
}

void store_summary_order_free(struct store_summary_order *o)
{
	free(o->pos);
	memset(o, 0, sizeof *o);
}

int store_summary_count(const struct store_summary_order *o, const char *votes, size_t len,
			uint32_t *counts)
{
	struct votepack_iter it;
	struct votepack_vote v;
	int got;

	votepack_begin(&it, votes, len);
	while ((got = votepack_next(&it, &v)) > 0)
		store_summary_order_count(o, v.label, counts);
	return got < 0 ? -1 : 0;
}

static int summ_flush(struct summ *s, int64_t item, char *err)
{
	struct stats_item sum;

	stats_item_compute(s->count, (int)s->task->nlabels, &sum);
	sqlite3_reset(s->ins);
	sqlite3_bind_int64(s->ins, 1, item);
	sqlite3_bind_int64(s->ins, 2, s->task->id);
	sqlite3_bind_int(s->ins, 3, (int)sum.n);
	sqlite3_bind_int(s->ins, 4, sum.distinct);
	if (sum.plurality_label >= 0)
		sqlite3_bind_int(s->ins, 5, s->task->labels[sum.plurality_label].code);
	else
		sqlite3_bind_null(s->ins, 5);
	sqlite3_bind_int(s->ins, 6, (int)sum.plurality_n);
	sqlite3_bind_int(s->ins, 7, sum.tie);
	if (isnan(sum.agreement))
		sqlite3_bind_null(s->ins, 8);
	else
		sqlite3_bind_double(s->ins, 8, sum.agreement);
	if (isnan(sum.entropy))
		sqlite3_bind_null(s->ins, 9);
	else
		sqlite3_bind_double(s->ins, 9, sum.entropy);
	if (sqlite3_step(s->ins) != SQLITE_DONE)
		return store_fail(s->st, err, "item summary");
	memset(s->count, 0, s->task->nlabels * sizeof *s->count);
	return 0;
}

/* Count the labels of one packed vote row (src/votepack.h). */
static int summ_count(struct summ *s, sqlite3_stmt *votes, char *err)
{
	if (store_summary_count(&s->order, (const char *)sqlite3_column_text(votes, 1),
				(size_t)sqlite3_column_bytes(votes, 1), s->count))
		return err_set(err, "the stored votes of item %lld are damaged",
			       (long long)sqlite3_column_int64(votes, 0));
	return 0;
}

int store_summary_refresh(struct store *st, int64_t task_id, char *err)
{
	struct store_task task = {0};
	struct summ s = {0};
	sqlite3_stmt *items = NULL;
	int rc, found = -1;
	char *name = NULL;

	{
		/* Find the task by id through its name so labels come in order. */
		sqlite3_stmt *q;
		if (store_prepare(st, "SELECT name FROM task WHERE id = ?", &q, err))
			return -1;
		sqlite3_bind_int64(q, 1, task_id);
		if (sqlite3_step(q) == SQLITE_ROW)
			name = xstrdup((const char *)sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
		if (!name)
			return err_set(err, "item summary: no task with id %lld",
				       (long long)task_id);
		found = store_task_get(st, name, &task, err);
		free(name);
		if (found != 1)
			return found < 0 ? -1 : err_set(err, "item summary: task vanished");
	}
	s.st = st;
	s.task = &task;
	s.count = xcalloc(task.nlabels + 1, sizeof *s.count);
	store_summary_order_init(&s.order, &task);

	/* Every item of the task, with its packed votes when it has a row; the
	 * upsert rewrites the summary and leaves the votes as they are. */
	if (store_prepare(
		    st,
		    "INSERT INTO item_votes(item, task, votes, n, distinct_labels, plurality,"
		    " plurality_n, tie, agreement, entropy)"
		    " VALUES (?1, ?2, '[]', ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		    " ON CONFLICT (item) DO UPDATE SET n = excluded.n,"
		    " distinct_labels = excluded.distinct_labels, plurality = excluded.plurality,"
		    " plurality_n = excluded.plurality_n, tie = excluded.tie,"
		    " agreement = excluded.agreement, entropy = excluded.entropy",
		    &s.ins, err) ||
	    store_prepare(st,
			  "SELECT i.id, v.votes FROM item i NOT INDEXED"
			  " LEFT JOIN item_votes v ON v.item = i.id WHERE i.task = ? ORDER BY i.id",
			  &items, err))
		goto out;
	sqlite3_bind_int64(items, 1, task_id);
	while ((rc = sqlite3_step(items)) == SQLITE_ROW) {
		if (sqlite3_column_type(items, 1) != SQLITE_NULL && summ_count(&s, items, err))
			goto out;
		if (summ_flush(&s, sqlite3_column_int64(items, 0), err))
			goto out;
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "item summary");
		goto out;
	}
	found = store_summary_tally(st, task_id, err);
out:
	sqlite3_finalize(s.ins);
	sqlite3_finalize(items);
	free(s.count);
	store_summary_order_free(&s.order);
	store_task_free(&task);
	return found == 0 ? 0 : -1;
}

int store_summary_tally(struct store *st, int64_t task, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st, "DELETE FROM task_tally WHERE task = ?", &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "task tally");
	if (store_prepare(st,
			  "INSERT INTO task_tally " STORE_SUMMARY_TALLY_SELECT
			  " AND task = ? GROUP BY task",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "task tally");
}

void store_summary_tally_row(struct store_summary_tally *t, int64_t n, int64_t distinct,
			     double agreement, int sign)
{
	if (n <= 0)
		return;
	t->items += sign;
	t->votes += sign * n;
	if (n < 2)
		return;
	t->compared += sign;
	t->disputed += sign * (distinct > 1);
	/* As the tally's SQL rounds it: agreement * 2^24 is exact, so the two
	 * agree to the bit whether or not the addition is fused. */
	if (!isnan(agreement))
		t->agree += sign * (int64_t)(agreement * STORE_TALLY_AGREE_UNIT + 0.5);
}

/* The largest integer a double holds exactly: the tally's sum of agreement,
 * in its units, must stay below it to be read back as it was written. */
#define TALLY_EXACT ((int64_t)1 << 53)

int store_summary_tally_apply(struct store *st, int64_t task, const struct store_summary_tally *d,
			      char *err)
{
	struct store_summary_tally t = {0};
	sqlite3_stmt *s;
	int rc, recount = 0;

	if (!d->items && !d->votes && !d->compared && !d->disputed && !d->agree)
		return 0;
	if (store_prepare(st,
			  "SELECT items, votes, compared, sum_agree, disputed FROM task_tally"
			  " WHERE task = ?",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		double units = sqlite3_column_double(s, 3) * STORE_TALLY_AGREE_UNIT;
		t.items = sqlite3_column_int64(s, 0);
		t.votes = sqlite3_column_int64(s, 1);
		t.compared = sqlite3_column_int64(s, 2);
		t.disputed = sqlite3_column_int64(s, 4);
		recount = !(units >= 0 && units < (double)TALLY_EXACT && units == floor(units));
		t.agree = recount ? 0 : (int64_t)units;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "task tally");
	t.items += d->items;
	t.votes += d->votes;
	t.compared += d->compared;
	t.disputed += d->disputed;
	t.agree += d->agree;
	if (recount || t.items < 0 || t.votes < 0 || t.compared < 0 || t.disputed < 0 ||
	    t.agree < 0 || t.agree >= TALLY_EXACT || t.compared > t.items ||
	    t.disputed > t.compared || t.votes < t.items || (t.items == 0) != (t.votes == 0))
		return store_summary_tally(st, task, err);
	if (!t.items) {
		if (store_prepare(st, "DELETE FROM task_tally WHERE task = ?1", &s, err))
			return -1;
	} else if (store_prepare(st,
				 "INSERT OR REPLACE INTO task_tally(task, items, votes, compared,"
				 " sum_agree, disputed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
				 &s, err)) {
		return -1;
	}
	sqlite3_bind_int64(s, 1, task);
	if (t.items) {
		sqlite3_bind_int64(s, 2, t.items);
		sqlite3_bind_int64(s, 3, t.votes);
		sqlite3_bind_int64(s, 4, t.compared);
		sqlite3_bind_double(s, 5, (double)t.agree / STORE_TALLY_AGREE_UNIT);
		sqlite3_bind_int64(s, 6, t.disputed);
	}
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "task tally");
}

int store_summary_votes_counts(const struct store_task *t, const char *votes, size_t len,
			       struct sbuf *out)
{
	struct votepack_iter it;
	struct votepack_vote v;
	long small[16], *count = t->nlabels <= 16 ? small : xcalloc(t->nlabels, sizeof *count);
	int got, first = 1;

	memset(count, 0, (t->nlabels <= 16 ? 16 : t->nlabels) * sizeof *count);
	votepack_begin(&it, votes ? votes : "[]", votes ? len : 2);
	while ((got = votepack_next(&it, &v)) > 0) {
		int k = v.label >= INT32_MIN && v.label <= INT32_MAX
				? store_task_code_index(t, (int)v.label)
				: -1;
		if (k >= 0)
			count[k]++;
	}
	sbuf_addc(out, '{');
	for (size_t i = 0; got == 0 && i < t->nlabels; i++) {
		if (!count[i])
			continue;
		if (!first)
			sbuf_addc(out, ',');
		first = 0;
		sbuf_add_json_str(out, t->labels[i].value);
		sbuf_addc(out, ':');
		sbuf_add_int(out, count[i]);
	}
	sbuf_addc(out, '}');
	if (count != small)
		free(count);
	return got < 0 ? -1 : 0;
}
