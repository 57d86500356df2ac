/*
 * store_votes: one scan of a task's votes into CSR arrays. item_votes holds
 * one row per item, keyed by item id, with the item's votes packed in
 * annotator order (src/votepack.h), so the scan reads the table in item order
 * with no sort and parses four votes per row instead of stepping four rows.
 * Each row is parsed straight into the arrays: the shape the importer writes
 * ([[a,l],...] without spaces) by a loop with no call per vote, anything
 * else votepack_next accepts through it. Annotator ids become dense indices
 * through a direct table (ids are the annotator table's small rowids; an
 * open-addressing hash takes any beyond it), label codes label-order
 * indices through another; the arrays grow once per row, not per vote.
 */
#include "config.h"

#include "store_votes.h"
#include "util.h"
#include "votepack.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Annotator ids below this go through the direct table (4 bytes each). */
#define DIRECT_MAX (1 << 22)

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

/* The scan's state: the arrays being filled and the two lookup tables. */
struct load {
	struct stats_votes v;
	size_t cap_items, cap_votes, cap_ann_ids;
	const int *code_ix; /* label code - code_min -> label index, or -1 */
	int code_min, code_max;
	uint32_t *direct; /* annotator id -> dense index + 1, 0 when not seen */
	size_t ndirect;
	struct id_map amap; /* annotator ids from DIRECT_MAX on, and negative ones */
};

/* Dense index of annotator id, numbering it when it is new. */
static uint32_t ann_new(struct load *L, int64_t id)
{
	int a = L->v.nannotators, added = 1;

	if (id >= 0 && id < DIRECT_MAX) {
		if ((size_t)id >= L->ndirect) {
			size_t n = L->ndirect ? L->ndirect : 1024;
			while (n <= (size_t)id)
				n *= 2;
			L->direct = xrealloc(L->direct, n * sizeof *L->direct);
			memset(L->direct + L->ndirect, 0, (n - L->ndirect) * sizeof *L->direct);
			L->ndirect = n;
		}
		if (L->direct[id])
			return L->direct[id] - 1;
		L->direct[id] = (uint32_t)a + 1;
	} else {
		a = id_map_get(&L->amap, id, a, &added);
		if (!added)
			return (uint32_t)a;
	}
	L->v.annotator_id =
		xgrow(L->v.annotator_id, &L->cap_ann_ids, (size_t)a + 1, sizeof *L->v.annotator_id);
	L->v.annotator_id[a] = id;
	L->v.nannotators++;
	return (uint32_t)a;
}

static inline uint32_t ann_index(struct load *L, int64_t id)
{
	if (id >= 0 && (uint64_t)id < L->ndirect && L->direct[id])
		return L->direct[id] - 1;
	return ann_new(L, id);
}

/* Label index of code, or -1 when the task has no such label. */
static inline int label_index(const struct load *L, int64_t code)
{
	return code >= L->code_min && code <= L->code_max ? L->code_ix[code - L->code_min] : -1;
}

/*
 * The row's votes in the importer's shape, [[a,l],[a,l],...] with plain
 * non-negative integers and nothing else, appended at L->v.nvotes (room
 * made by the caller). Returns 1 when read, 0 when the row has some other
 * shape (the caller reads it with votepack_next), -1 with *bad set to the
 * code of a vote whose label the task lacks.
 */
static int row_fast(struct load *L, const unsigned char *p, const unsigned char *e, int64_t *bad)
{
	uint32_t *ann = L->v.ann;
	uint16_t *lab = L->v.lab;
	size_t nv = L->v.nvotes;

	if (p == e || *p++ != '[')
		return 0;
	if (p < e && *p == ']')
		return p + 1 == e;
	for (;;) {
		int64_t a = 0, l = 0;
		int digits = 0, k;

		if (e - p < 5 || *p++ != '[')
			return 0;
		for (; p < e && *p >= '0' && *p <= '9' && digits < 18; p++, digits++)
			a = a * 10 + (*p - '0');
		if (!digits || p >= e || *p++ != ',')
			return 0;
		for (digits = 0; p < e && *p >= '0' && *p <= '9' && digits < 18; p++, digits++)
			l = l * 10 + (*p - '0');
		if (!digits || p >= e || *p++ != ']')
			return 0;
		k = label_index(L, l);
		if (k < 0) {
			*bad = l;
			return -1;
		}
		ann[nv] = ann_index(L, a);
		lab[nv] = (uint16_t)k;
		nv++;
		if (p < e && *p == ',') {
			p++;
			continue;
		}
		if (p < e && *p == ']' && p + 1 == e)
			break;
		return 0;
	}
	L->v.nvotes = nv;
	return 1;
}

/* The same through votepack_next, for any shape it reads: 1, 0 when the
 * text is not a vote array, -1 with *bad as row_fast. */
static int row_slow(struct load *L, const unsigned char *p, size_t n, int64_t *bad)
{
	struct votepack_iter it;
	struct votepack_vote pv;
	int got;

	votepack_begin(&it, (const char *)p, n);
	while ((got = votepack_next(&it, &pv)) > 0) {
		int k = label_index(L, pv.label);
		if (k < 0) {
			*bad = pv.label;
			return -1;
		}
		L->v.ann[L->v.nvotes] = ann_index(L, pv.annotator);
		L->v.lab[L->v.nvotes] = (uint16_t)k;
		L->v.nvotes++;
	}
	return got == 0;
}

/* Room for need votes; the arrays are asked for huge pages as they grow
 * (they reach tens of MB at a million items). */
static void grow_votes(struct load *L, size_t need)
{
	size_t c = L->cap_votes;
	L->v.ann = xgrow(L->v.ann, &c, need, sizeof *L->v.ann);
	L->v.lab = xgrow(L->v.lab, &L->cap_votes, need, sizeof *L->v.lab);
	xhuge(L->v.ann, c * sizeof *L->v.ann);
	xhuge(L->v.lab, c * sizeof *L->v.lab);
}

/* Room for need items (and the final offset). */
static void grow_items(struct load *L, size_t need)
{
	size_t c = L->cap_items;
	L->v.item_id = xgrow(L->v.item_id, &c, need, sizeof *L->v.item_id);
	L->v.start = xgrow(L->v.start, &L->cap_items, need, sizeof *L->v.start);
	xhuge(L->v.item_id, c * sizeof *L->v.item_id);
	xhuge(L->v.start, c * sizeof *L->v.start);
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

/* Renumber annotators so that dense indices follow increasing database ids
 * (nothing to do when they were met in that order). */
static void renumber_annotators(struct stats_votes *v)
{
	int A = v->nannotators, sorted = 1;
	struct id_index *order;
	int *rank;
	int64_t *ids;

	for (int a = 1; a < A && sorted; a++)
		sorted = v->annotator_id[a - 1] < v->annotator_id[a];
	if (sorted)
		return;
	order = xmalloc(((size_t)A + 1) * sizeof *order);
	rank = xmalloc(((size_t)A + 1) * sizeof *rank);
	ids = xmalloc(((size_t)A + 1) * sizeof *ids);
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
	struct load L = {0};
	sqlite3_stmt *s = NULL;
	int *code_ix = NULL;
	int code_min = 0, code_max = 0, rc;
	int64_t cache = 0;

	memset(out, 0, sizeof *out);
	if (t->nlabels > 65535)
		return err_set(err, "task has too many labels (%zu)", t->nlabels);
	L.v.nlabels = (int)t->nlabels;
	L.v.value = xmalloc((t->nlabels + 1) * sizeof *L.v.value);
	for (size_t k = 0; k < t->nlabels; k++) {
		L.v.value[k] = t->labels[k].number;
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
	L.code_ix = code_ix;
	L.code_min = code_min;
	L.code_max = t->nlabels ? code_max : code_min - 1;

	/* In rowid (item) order, not through the (task, agreement) index;
	 * each page is read once. */
	cache = store_scan_begin(st);
	if (store_prepare(st, "SELECT item, votes FROM item_votes NOT INDEXED WHERE task = ?", &s,
			  err))
		goto fail;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t item = sqlite3_column_int64(s, 0), bad = 0;
		const unsigned char *p = sqlite3_column_text(s, 1);
		size_t n = (size_t)sqlite3_column_bytes(s, 1), first = L.v.nvotes;
		int got;

		/* A vote takes 5 bytes at least ("[a,l]"): room for the row's. */
		if (L.v.nvotes + n / 5 + 1 > L.cap_votes)
			grow_votes(&L, L.v.nvotes + n / 5 + 1);
		if (L.v.nitems + 2 > L.cap_items)
			grow_items(&L, L.v.nitems + 2);
		got = p ? row_fast(&L, p, p + n, &bad) : 0;
		if (got == 0) {
			L.v.nvotes = first;
			got = row_slow(&L, p ? p : (const unsigned char *)"", n, &bad);
		}
		if (got < 0) {
			err_set(err,
				"vote on item %lld has label code %lld, not in the task's labels",
				(long long)item, (long long)bad);
			goto fail;
		}
		if (got == 0) {
			err_set(err, "the stored votes of item %lld are damaged", (long long)item);
			goto fail;
		}
		if (L.v.nvotes > UINT32_MAX) {
			err_set(err, "too many votes in one task");
			goto fail;
		}
		if (L.v.nvotes > first) {
			L.v.item_id[L.v.nitems] = item;
			L.v.start[L.v.nitems] = (uint32_t)first;
			L.v.nitems++;
		}
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "votes");
		goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	store_scan_end(st, cache);
	L.v.start = xgrow(L.v.start, &L.cap_items, L.v.nitems + 1, sizeof *L.v.start);
	L.v.start[L.v.nitems] = (uint32_t)L.v.nvotes;
	renumber_annotators(&L.v);
	free(code_ix);
	free(L.direct);
	free(L.amap.key);
	free(L.amap.val);
	*out = L.v;
	return 0;
fail:
	sqlite3_finalize(s);
	store_scan_end(st, cache);
	free(code_ix);
	free(L.direct);
	free(L.amap.key);
	free(L.amap.val);
	stats_votes_free(&L.v);
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
