/*
 * store_votes: one scan of a task's votes into CSR arrays. item_votes holds
 * one row per item, keyed by item id, with the item's votes packed in
 * annotator order (src/votepack.h), so the scan reads the table in item order
 * with no sort and parses four votes per row instead of stepping four rows.
 * Annotator ids are mapped to dense indices through an open-addressing hash
 * (no per-row SQL), label codes to label-order indices through a direct
 * table.
 */
#include "config.h"

#include "store_votes.h"
#include "util.h"
#include "votepack.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* int64 id -> dense index, open addressing; slot value -1 is empty. */
struct id_map {
	int64_t *key;
	int *val;
	size_t cap, used;
};

static size_t id_hash(int64_t id, size_t cap)
{
	return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
}

static void id_map_grow(struct id_map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 256;
	int64_t *nk = xmalloc(ncap * sizeof *nk);
	int *nv = xmalloc(ncap * sizeof *nv);
	for (size_t i = 0; i < ncap; i++)
		nv[i] = -1;
	for (size_t i = 0; i < m->cap; i++) {
		size_t h;
		if (m->val[i] < 0)
			continue;
		h = id_hash(m->key[i], ncap);
		while (nv[h] >= 0)
			h = (h + 1) & (ncap - 1);
		nk[h] = m->key[i];
		nv[h] = m->val[i];
	}
	free(m->key);
	free(m->val);
	m->key = nk;
	m->val = nv;
	m->cap = ncap;
}

/* Index of id, inserting it as `next` when absent; *added says which. */
static int id_map_get(struct id_map *m, int64_t id, int next, int *added)
{
	size_t h;
	if ((m->used + 1) * 2 > m->cap)
		id_map_grow(m);
	h = id_hash(id, m->cap);
	while (m->val[h] >= 0) {
		if (m->key[h] == id) {
			*added = 0;
			return m->val[h];
		}
		h = (h + 1) & (m->cap - 1);
	}
	m->key[h] = id;
	m->val[h] = next;
	m->used++;
	*added = 1;
	return next;
}

/* An annotator's database id and dense index, sorted by id (no global
 * state: the dashboard loads votes on a thread of its own). */
struct id_index {
	int64_t id;
	int index;
};

static int id_index_cmp(const void *x, const void *y)
{
	int64_t p = ((const struct id_index *)x)->id, q = ((const struct id_index *)y)->id;
	return (p > q) - (p < q);
}

/* Renumber annotators so that dense indices follow increasing database ids. */
static void renumber_annotators(struct stats_votes *v)
{
	int A = v->nannotators;
	struct id_index *order = xmalloc(((size_t)A + 1) * sizeof *order);
	int *rank = xmalloc(((size_t)A + 1) * sizeof *rank);
	int64_t *ids = xmalloc(((size_t)A + 1) * sizeof *ids);

	for (int a = 0; a < A; a++) {
		order[a].id = v->annotator_id[a];
		order[a].index = a;
	}
	qsort(order, (size_t)A, sizeof *order, id_index_cmp);
	for (int r = 0; r < A; r++) {
		rank[order[r].index] = r;
		ids[r] = order[r].id;
	}
	for (size_t j = 0; j < v->nvotes; j++)
		v->ann[j] = (uint32_t)rank[v->ann[j]];
	free(v->annotator_id);
	v->annotator_id = ids;
	free(order);
	free(rank);
}

int store_votes_load(struct store *st, const struct store_task *t, struct stats_votes *out,
		     char *err)
{
	struct stats_votes v = {0};
	struct id_map amap = {0};
	sqlite3_stmt *s = NULL;
	int *code_ix = NULL;
	int code_min = 0, code_max = 0, rc;
	size_t cap_items = 0, cap_start = 0, cap_votes = 0, cap_lab = 0, cap_ann_ids = 0;
	int64_t cur_item = 0;

	memset(out, 0, sizeof *out);
	if (t->nlabels > 65535)
		return err_set(err, "task has too many labels (%zu)", t->nlabels);
	v.nlabels = (int)t->nlabels;
	v.value = xmalloc((t->nlabels + 1) * sizeof *v.value);
	for (size_t k = 0; k < t->nlabels; k++) {
		v.value[k] = t->labels[k].number;
		if (k == 0 || t->labels[k].code < code_min)
			code_min = t->labels[k].code;
		if (k == 0 || t->labels[k].code > code_max)
			code_max = t->labels[k].code;
	}
	if (t->nlabels && (int64_t)code_max - code_min > 1 << 20) {
		err_set(err, "task's label codes span too wide a range");
		goto fail;
	}
	code_ix = xmalloc(((size_t)(code_max - code_min) + 1) * sizeof *code_ix);
	for (int c = 0; c <= code_max - code_min; c++)
		code_ix[c] = -1;
	for (size_t k = 0; k < t->nlabels; k++)
		code_ix[t->labels[k].code - code_min] = (int)k;

	/* In rowid (item) order, not through the (task, agreement) index. */
	if (store_prepare(st, "SELECT item, votes FROM item_votes NOT INDEXED WHERE task = ?", &s,
			  err))
		goto fail;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t item = sqlite3_column_int64(s, 0);
		struct votepack_iter it;
		struct votepack_vote pv;
		int got;

		votepack_begin(&it, (const char *)sqlite3_column_text(s, 1),
			       (size_t)sqlite3_column_bytes(s, 1));
		while ((got = votepack_next(&it, &pv)) > 0) {
			int64_t code = pv.label;
			int k = code >= code_min && code <= code_max ? code_ix[code - code_min]
								     : -1;
			int added, a;

			if (k < 0) {
				err_set(err,
					"vote on item %lld has label code %lld, not in the task's "
					"labels",
					(long long)item, (long long)code);
				goto fail;
			}
			if (v.nvotes >= UINT32_MAX) {
				err_set(err, "too many votes in one task");
				goto fail;
			}
			if (v.nitems == 0 || item != cur_item) {
				v.item_id = xgrow(v.item_id, &cap_items, v.nitems + 1,
						  sizeof *v.item_id);
				v.start = xgrow(v.start, &cap_start, v.nitems + 2, sizeof *v.start);
				v.item_id[v.nitems] = item;
				v.start[v.nitems] = (uint32_t)v.nvotes;
				v.nitems++;
				cur_item = item;
			}
			a = id_map_get(&amap, pv.annotator, v.nannotators, &added);
			if (added) {
				v.annotator_id =
					xgrow(v.annotator_id, &cap_ann_ids,
					      (size_t)v.nannotators + 1, sizeof *v.annotator_id);
				v.annotator_id[v.nannotators++] = pv.annotator;
			}
			v.ann = xgrow(v.ann, &cap_votes, v.nvotes + 1, sizeof *v.ann);
			v.lab = xgrow(v.lab, &cap_lab, v.nvotes + 1, sizeof *v.lab);
			v.ann[v.nvotes] = (uint32_t)a;
			v.lab[v.nvotes] = (uint16_t)k;
			v.nvotes++;
		}
		if (got < 0) {
			err_set(err, "the stored votes of item %lld are damaged", (long long)item);
			goto fail;
		}
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "votes");
		goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	v.start = xgrow(v.start, &cap_start, v.nitems + 1, sizeof *v.start);
	v.start[v.nitems] = (uint32_t)v.nvotes;
	renumber_annotators(&v);
	free(code_ix);
	free(amap.key);
	free(amap.val);
	*out = v;
	return 0;
fail:
	sqlite3_finalize(s);
	free(code_ix);
	free(amap.key);
	free(amap.val);
	stats_votes_free(&v);
	return -1;
}

static int id_cmp(const void *x, const void *y)
{
	int64_t p = *(const int64_t *)x, q = *(const int64_t *)y;
	return (p > q) - (p < q);
}

int store_votes_annotator_names(struct store *st, const struct stats_votes *v, char ***names,
				char *err)
{
	char **out = xcalloc((size_t)v->nannotators + 1, sizeof *out);
	sqlite3_stmt *s = NULL;
	int rc;

	if (store_prepare(st, "SELECT id, name FROM annotator", &s, err))
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		const int64_t *hit;
		if (!v->nannotators)
			continue;
		/* annotator_id is sorted: store_votes_load numbers them by id */
		hit = bsearch(&id, v->annotator_id, (size_t)v->nannotators, sizeof id, id_cmp);
		if (hit) {
			const char *name = (const char *)sqlite3_column_text(s, 1);
			out[hit - v->annotator_id] = xstrdup(name ? name : "");
		}
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "annotators");
		goto fail;
	}
	sqlite3_finalize(s);
	for (int a = 0; a < v->nannotators; a++) {
		if (!out[a]) {
			struct sbuf b = {0};
			sbuf_addf(&b, "#%lld", (long long)v->annotator_id[a]);
			out[a] = sbuf_take(&b);
		}
	}
	*names = out;
	return 0;
fail:
	sqlite3_finalize(s);
	store_votes_names_free(out, v->nannotators);
	return -1;
}

void store_votes_names_free(char **names, int n)
{
	if (!names)
		return;
	for (int a = 0; a < n; a++)
		free(names[a]);
	free(names);
}
