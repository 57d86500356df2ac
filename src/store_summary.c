/*
 * store_summary: the summary columns of item_votes, computed again from
 * the packed votes of every item of a task (vote count, plurality label,
 * tie, agreement, vote entropy), and the counts per label of one item's
 * packed votes, which are derived when shown rather than stored. Queues,
 * the review screen and exports read them instead of re-counting votes. The
 * importer writes
 * them itself (src/store_import.c) and calls this only when an import moves
 * labels in the label order; it is also the reference the tests hold the
 * importer's rows to.
 *
 * Plurality tie rule: among labels sharing the top count, the one first in
 * the task's label order wins, and `tie` records that there was a tie.
 */
#include "config.h"

#include "store.h"
#include "util.h"
#include "votepack.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct summ {
	struct store *st;
	const struct store_task *task;
	sqlite3_stmt *ins;
	int *count; /* per label index (label order) */
	int *ord_of_code;
	int maxcode;
};

static int summ_flush(struct summ *s, int64_t item, char *err)
{
	size_t k = s->task->nlabels;
	int n = 0, distinct = 0, top = -1, topn = 0, tie = 0;
	double agree_num = 0, ent = 0;

	for (size_t i = 0; i < k; i++) {
		int c = s->count[i];
		n += c;
		if (!c)
			continue;
		distinct++;
		agree_num += (double)c * (c - 1);
		if (c > topn) {
			topn = c;
			top = (int)i;
			tie = 0;
		} else if (c == topn) {
			tie = 1;
		}
	}
	for (size_t i = 0; i < k; i++) {
		if (s->count[i])
			ent -= ((double)s->count[i] / n) * log((double)s->count[i] / n);
	}

	sqlite3_reset(s->ins);
	sqlite3_bind_int64(s->ins, 1, item);
	sqlite3_bind_int64(s->ins, 2, s->task->id);
	sqlite3_bind_int(s->ins, 3, n);
	sqlite3_bind_int(s->ins, 4, distinct);
	if (top >= 0)
		sqlite3_bind_int(s->ins, 5, s->task->labels[top].code);
	else
		sqlite3_bind_null(s->ins, 5);
	sqlite3_bind_int(s->ins, 6, topn);
	sqlite3_bind_int(s->ins, 7, tie);
	if (n >= 2)
		sqlite3_bind_double(s->ins, 8, agree_num / ((double)n * (n - 1)));
	else
		sqlite3_bind_null(s->ins, 8);
	if (n >= 1)
		sqlite3_bind_double(s->ins, 9, k >= 2 ? ent / log((double)k) : 0.0);
	else
		sqlite3_bind_null(s->ins, 9);
	if (sqlite3_step(s->ins) != SQLITE_DONE)
		return store_fail(s->st, err, "item summary");
	memset(s->count, 0, k * sizeof *s->count);
	return 0;
}

/* Count the labels of one packed vote row (src/votepack.h). */
static int summ_count(struct summ *s, sqlite3_stmt *votes, char *err)
{
	struct votepack_iter it;
	struct votepack_vote v;
	int got;

	votepack_begin(&it, (const char *)sqlite3_column_text(votes, 1),
		       (size_t)sqlite3_column_bytes(votes, 1));
	while ((got = votepack_next(&it, &v)) > 0) {
		if (v.label >= 0 && v.label <= s->maxcode && s->ord_of_code[v.label] >= 0)
			s->count[s->ord_of_code[v.label]]++;
	}
	if (got < 0)
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
	for (size_t i = 0; i < task.nlabels; i++)
		if (task.labels[i].code > s.maxcode)
			s.maxcode = task.labels[i].code;
	s.ord_of_code = xmalloc(((size_t)s.maxcode + 1) * sizeof *s.ord_of_code);
	for (int c = 0; c <= s.maxcode; c++)
		s.ord_of_code[c] = -1;
	for (size_t i = 0; i < task.nlabels; i++)
		s.ord_of_code[task.labels[i].code] = (int)i;

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
		goto fail;
	sqlite3_bind_int64(items, 1, task_id);
	while ((rc = sqlite3_step(items)) == SQLITE_ROW) {
		if (sqlite3_column_type(items, 1) != SQLITE_NULL && summ_count(&s, items, err))
			goto fail;
		if (summ_flush(&s, sqlite3_column_int64(items, 0), err))
			goto fail;
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "item summary");
		goto fail;
	}
	found = 0;
fail:
	sqlite3_finalize(s.ins);
	sqlite3_finalize(items);
	free(s.count);
	free(s.ord_of_code);
	store_task_free(&task);
	return found == 0 ? 0 : -1;
}

int store_votes_counts(const struct store_task *t, const char *votes, size_t len, struct sbuf *out)
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
