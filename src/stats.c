/*
 * stats: agreement statistics over a task's votes grouped by item. One pass
 * over the CSR arrays accumulates everything Fleiss, specific agreement and
 * Krippendorff need (label totals, A_i, the K x K coincidence matrix); a
 * second pass over the pairs of votes within each item fills, per annotator
 * pair, the counts Cohen's kappa needs (shared items, agreements and the two
 * marginals, 2K + 2 counters, never a K x K table). Pairs live in an open-
 * addressing hash so that memory follows the pairs that actually met, not
 * the square of the number of annotators.
 */
#include "config.h"

#include "rng.h"
#include "stats.h"
#include "util.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Below this many votes the pair counting stays on the calling thread. */
#define STATS_THREAD_MIN 200000

void stats_votes_free(struct stats_votes *v)
{
	if (!v)
		return;
	free(v->start);
	free(v->ann);
	free(v->lab);
	free(v->value);
	free(v->item_id);
	free(v->annotator_id);
	memset(v, 0, sizeof *v);
}

int stats_votes_check(const struct stats_votes *v, char *err)
{
	if (v->nlabels < 0 || v->nlabels > 65535 || v->nannotators < 0)
		return err_set(err, "votes: bad label or annotator count");
	if (v->nvotes > UINT32_MAX)
		return err_set(err, "votes: too many votes in one task (%zu)", v->nvotes);
	if (v->nitems == 0)
		return v->nvotes == 0 ? 0 : err_set(err, "votes: votes without items");
	if (!v->start || v->start[0] != 0 || v->start[v->nitems] != v->nvotes)
		return err_set(err, "votes: item offsets do not cover the votes");
	for (size_t i = 0; i < v->nitems; i++) {
		if (v->start[i + 1] < v->start[i])
			return err_set(err, "votes: item offsets go backwards at item %zu", i);
		for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++) {
			if (v->ann[j] >= (uint32_t)v->nannotators)
				return err_set(err,
					       "votes: annotator index out of range at vote %u", j);
			if (v->lab[j] >= v->nlabels)
				return err_set(err, "votes: label index out of range at vote %u",
					       j);
			if (j > v->start[i] && v->ann[j] <= v->ann[j - 1])
				return err_set(
					err,
					"votes: annotators not strictly increasing in item %zu", i);
		}
	}
	return 0;
}

void stats_opts_default(struct stats_opts *o)
{
	memset(o, 0, sizeof *o);
	o->min_shared = 10;
	o->threshold = 0.70;
	o->seed = 1;
}

void stats_result_free(struct stats_result *r)
{
	if (!r)
		return;
	free(r->labels);
	free(r->pairs);
	memset(r, 0, sizeof *r);
}

/*
 * Add unit (item) i's contribution to the coincidence matrix o (K x K):
 * every ordered pair of values from different coders in the unit, weighted
 * 1/(m_u - 1) (Krippendorff 2011, section C). counts/touched describe the
 * unit's label counts.
 */
static void coincidence_add(double *o, int K, const uint32_t *counts, const int *touched, int nt,
			    uint32_t m)
{
	double w = 1.0 / (double)(m - 1);
	for (int x = 0; x < nt; x++) {
		int c = touched[x];
		for (int y = 0; y < nt; y++) {
			int k = touched[y];
			double nk = c == k ? (double)counts[k] - 1 : (double)counts[k];
			o[(size_t)c * K + k] += (double)counts[c] * nk * w;
		}
	}
}

/* Alpha from a coincidence matrix: 1 - (n - 1) sum o_ck d_ck / sum n_c n_k d_ck. */
static double alpha_from_coincidence(const double *o, int K, enum stats_metric metric,
				     const double *value)
{
	double *nc = xcalloc(K ? (size_t)K : 1, sizeof *nc);
	double n = 0, dobs = 0, dexp = 0, alpha = NAN;

	for (int c = 0; c < K; c++) {
		for (int k = 0; k < K; k++)
			nc[c] += o[(size_t)c * K + k];
		n += nc[c];
	}
	if (n < 2)
		goto done;
	for (int c = 0; c < K; c++) {
		for (int k = 0; k < K; k++) {
			double d;
			if (c == k)
				continue;
			if (metric == STATS_NOMINAL) {
				d = 1.0;
			} else if (metric == STATS_ORDINAL) {
				/* Krippendorff 2011: (sum_{g=c..k} n_g - (n_c + n_k)/2)^2 */
				int lo = c < k ? c : k, hi = c < k ? k : c;
				double s = 0;
				for (int g = lo; g <= hi; g++)
					s += nc[g];
				s -= (nc[c] + nc[k]) / 2;
				d = s * s;
			} else {
				d = (value[c] - value[k]) * (value[c] - value[k]);
			}
			dobs += o[(size_t)c * K + k] * d;
			dexp += nc[c] * nc[k] * d;
		}
	}
	if (dexp > 0)
		alpha = 1.0 - (n - 1) * dobs / dexp;
done:
	free(nc);
	return alpha;
}

static int all_numeric(const struct stats_votes *v)
{
	if (!v->value || v->nlabels == 0)
		return 0;
	for (int k = 0; k < v->nlabels; k++) {
		if (!isfinite(v->value[k]))
			return 0;
	}
	return 1;
}

/* Label counts of item i into counts (zeroed on entry), touched labels into touched. */
static int item_counts(const struct stats_votes *v, size_t i, uint32_t *counts, int *touched)
{
	int nt = 0;
	for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++) {
		int k = v->lab[j];
		if (counts[k]++ == 0)
			touched[nt++] = k;
	}
	return nt;
}

static void item_counts_clear(uint32_t *counts, const int *touched, int nt)
{
	for (int x = 0; x < nt; x++)
		counts[touched[x]] = 0;
}

static double *coincidence_build(const struct stats_votes *v)
{
	int K = v->nlabels;
	double *o = xcalloc((size_t)K * K + 1, sizeof *o);
	uint32_t *counts = xcalloc((size_t)K + 1, sizeof *counts);
	int *touched = xcalloc((size_t)K + 1, sizeof *touched);

	for (size_t i = 0; i < v->nitems; i++) {
		uint32_t m = v->start[i + 1] - v->start[i];
		int nt;
		if (m < 2)
			continue;
		nt = item_counts(v, i, counts, touched);
		coincidence_add(o, K, counts, touched, nt, m);
		item_counts_clear(counts, touched, nt);
	}
	free(counts);
	free(touched);
	return o;
}

double stats_krippendorff_alpha(const struct stats_votes *v, enum stats_metric metric)
{
	double *o, a;
	if (metric == STATS_INTERVAL && !all_numeric(v))
		return NAN;
	if (v->nlabels == 0)
		return NAN;
	o = coincidence_build(v);
	a = alpha_from_coincidence(o, v->nlabels, metric, v->value);
	free(o);
	return a;
}

double stats_fleiss_kappa(const struct stats_votes *v)
{
	struct stats_opts o;
	struct stats_result r;
	double k;
	stats_opts_default(&o);
	o.min_shared = UINT32_MAX; /* skip the pairs */
	if (stats_compute(v, &o, &r, NULL))
		return NAN;
	k = r.fleiss_kappa;
	stats_result_free(&r);
	return k;
}

/* Cohen's kappa from shared count n, agreements and the two marginals. As
 * sklearn: 1 - sum(w O) / sum(w E), w = 1 - I, E = outer(row, col) / n. */
static double cohen_from_counts(uint32_t n, uint32_t agree, const uint32_t *row,
				const uint32_t *col, int K)
{
	double rc = 0, dis_exp;
	if (n == 0)
		return NAN;
	for (int k = 0; k < K; k++)
		rc += (double)row[k] * (double)col[k];
	dis_exp = (double)n - rc / (double)n;
	if (dis_exp <= 0)
		return NAN;
	return 1.0 - ((double)n - (double)agree) / dis_exp;
}

double stats_cohen_kappa(const struct stats_votes *v, int a, int b, uint32_t *n)
{
	int K = v->nlabels;
	uint32_t *row = xcalloc((size_t)K + 1, sizeof *row);
	uint32_t *col = xcalloc((size_t)K + 1, sizeof *col);
	uint32_t shared = 0, agree = 0;
	double kappa;

	for (size_t i = 0; i < v->nitems; i++) {
		int la = -1, lb = -1;
		for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++) {
			if ((int)v->ann[j] == a)
				la = v->lab[j];
			else if ((int)v->ann[j] == b)
				lb = v->lab[j];
		}
		if (la < 0 || lb < 0)
			continue;
		shared++;
		agree += la == lb;
		row[la]++;
		col[lb]++;
	}
	kappa = cohen_from_counts(shared, agree, row, col, K);
	if (n)
		*n = shared;
	free(row);
	free(col);
	return kappa;
}

void stats_cohen_matrix(const struct stats_votes *v, const int *sel, int m, uint32_t min_shared,
			double *kappa, uint32_t *shared)
{
	size_t K = (size_t)v->nlabels, stride = 2 + 2 * K, M = m > 0 ? (size_t)m : 0;
	int *pos = xmalloc(((size_t)v->nannotators + 1) * sizeof *pos);
	uint32_t *c = xcalloc(M * M * stride + 1, sizeof *c);
	uint32_t *own = xcalloc(M + 1, sizeof *own);
	int *vp = xmalloc((M + 1) * sizeof *vp), *vl = xmalloc((M + 1) * sizeof *vl);

	for (int a = 0; a < v->nannotators; a++)
		pos[a] = -1;
	for (size_t i = 0; i < M; i++)
		pos[sel[i]] = (int)i;
	for (size_t i = 0; i < v->nitems; i++) {
		size_t nv = 0;
		for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++) {
			int p = pos[v->ann[j]];
			if (p < 0)
				continue;
			vp[nv] = p;
			vl[nv++] = v->lab[j];
			own[p]++;
		}
		for (size_t x = 0; x < nv; x++) {
			for (size_t y = 0; y < nv; y++) {
				uint32_t *q;
				if (x == y)
					continue;
				/* row annotator vp[x], column annotator vp[y] */
				q = c + ((size_t)vp[x] * M + (size_t)vp[y]) * stride;
				q[0]++;
				q[1] += vl[x] == vl[y];
				q[2 + vl[x]]++;
				q[2 + K + vl[y]]++;
			}
		}
	}
	for (size_t x = 0; x < M; x++) {
		for (size_t y = 0; y < M; y++) {
			const uint32_t *q = c + (x * M + y) * stride;
			if (x == y) {
				shared[x * M + y] = own[x];
				kappa[x * M + y] = NAN;
				continue;
			}
			shared[x * M + y] = q[0];
			kappa[x * M + y] =
				q[0] >= (min_shared ? min_shared : 1)
					? cohen_from_counts(q[0], q[1], q + 2, q + 2 + K, (int)K)
					: NAN;
		}
	}
	free(pos);
	free(c);
	free(own);
	free(vp);
	free(vl);
}

/*
 * Pair counters: for each annotator pair that met, n, agreements and the two
 * marginals (2K + 2 counters, one cache line for K = 7) in one pool, found
 * through a dense A x A index when that is small (up to 4096 annotators,
 * 64 MB at most; 1 MB for 500), else through an open-addressing hash on
 * key a * A + b + 1 (0 is empty).
 */
#define PAIR_DENSE_MAX 4096

struct pair_slot {
	uint64_t key;
	size_t off;
};

struct pair_table {
	uint32_t *dense; /* A x A: pool offset / stride + 1, 0 when unseen */
	struct pair_slot *slot;
	size_t cap, used;
	uint32_t *pool;
	size_t pool_len, pool_cap, stride;
	uint64_t A;
};

static size_t pair_hash(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

static void pair_table_grow(struct pair_table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 1024;
	struct pair_slot *ns = xcalloc(ncap, sizeof *ns);
	for (size_t i = 0; i < t->cap; i++) {
		size_t h;
		if (!t->slot[i].key)
			continue;
		h = pair_hash(t->slot[i].key, ncap);
		while (ns[h].key)
			h = (h + 1) & (ncap - 1);
		ns[h] = t->slot[i];
	}
	free(t->slot);
	t->slot = ns;
	t->cap = ncap;
}

static size_t pair_new(struct pair_table *t)
{
	size_t off = t->pool_len;
	t->pool = xgrow(t->pool, &t->pool_cap, off + t->stride, sizeof *t->pool);
	memset(t->pool + off, 0, t->stride * sizeof *t->pool);
	t->pool_len = off + t->stride;
	return off;
}

/* Counters of pair (a, b), a < b: [0] n, [1] agreements, [2..2+K) a's
 * labels, [2+K..2+2K) b's labels. */
static uint32_t *pair_counters(struct pair_table *t, uint32_t a, uint32_t b)
{
	uint64_t key = a * t->A + b;
	size_t h;
	if (t->dense) {
		uint32_t ix = t->dense[key];
		if (!ix) {
			size_t off = pair_new(t);
			t->dense[key] = ix = (uint32_t)(off / t->stride + 1);
		}
		return t->pool + (size_t)(ix - 1) * t->stride;
	}
	key++;
	if ((t->used + 1) * 2 > t->cap)
		pair_table_grow(t);
	h = pair_hash(key, t->cap);
	while (t->slot[h].key && t->slot[h].key != key)
		h = (h + 1) & (t->cap - 1);
	if (!t->slot[h].key) {
		t->slot[h].key = key;
		t->slot[h].off = pair_new(t);
		t->used++;
	}
	return t->pool + t->slot[h].off;
}

static int pair_cmp(const void *x, const void *y)
{
	const struct stats_pair *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

static void pair_emit(int a, int b, const uint32_t *c, int K, uint32_t min_shared,
		      struct stats_result *r, size_t *cap)
{
	struct stats_pair *p;
	if (c[0] < min_shared)
		return;
	r->pairs = xgrow(r->pairs, cap, r->npairs + 1, sizeof *r->pairs);
	p = &r->pairs[r->npairs++];
	p->a = a;
	p->b = b;
	p->n = c[0];
	p->kappa = cohen_from_counts(c[0], c[1], c + 2, c + 2 + K, K);
}

/*
 * Cohen's kappa counting, split in two: the pairs of the votes of items
 * [from, to) go into the job's own table. stats_compute runs one job in a
 * second thread while it makes its main pass, then merges the tables, so the
 * costliest statistic (random access to every pair's counters) uses both cores.
 */
struct cohen_job {
	const struct stats_votes *v;
	size_t from, to;
	struct pair_table t;
};

static void cohen_job_init(struct cohen_job *j, const struct stats_votes *v, size_t from, size_t to)
{
	memset(j, 0, sizeof *j);
	j->v = v;
	j->from = from;
	j->to = to;
	j->t.A = (uint64_t)v->nannotators;
	j->t.stride = 2 + 2 * (size_t)v->nlabels;
	if (v->nannotators <= PAIR_DENSE_MAX)
		j->t.dense = xcalloc((size_t)v->nannotators * (size_t)v->nannotators,
				     sizeof *j->t.dense);
}

static void cohen_job_free(struct cohen_job *j)
{
	free(j->t.dense);
	free(j->t.slot);
	free(j->t.pool);
}

static void *cohen_job_run(void *arg)
{
	struct cohen_job *j = arg;
	const struct stats_votes *v = j->v;
	int K = v->nlabels;

	for (size_t i = j->from; i < j->to; i++) {
		for (uint32_t x = v->start[i]; x < v->start[i + 1]; x++) {
			for (uint32_t y = x + 1; y < v->start[i + 1]; y++) {
				/* annotators increase within an item, so ann[x] < ann[y] */
				uint32_t *c = pair_counters(&j->t, v->ann[x], v->ann[y]);
				c[0]++;
				c[1] += v->lab[x] == v->lab[y];
				c[2 + v->lab[x]]++;
				c[2 + K + v->lab[y]]++;
			}
		}
	}
	return NULL;
}

/* Add the counters of every pair in table `from` to table `into`. */
static void pair_table_merge(struct pair_table *into, const struct pair_table *from)
{
	for (size_t p = 0; p < (from->dense ? from->A * from->A : from->cap); p++) {
		uint64_t key;
		const uint32_t *src;
		uint32_t *dst;
		if (from->dense) {
			if (!from->dense[p])
				continue;
			key = p;
			src = from->pool + (size_t)(from->dense[p] - 1) * from->stride;
		} else {
			if (!from->slot[p].key)
				continue;
			key = from->slot[p].key - 1;
			src = from->pool + from->slot[p].off;
		}
		dst = pair_counters(into, (uint32_t)(key / from->A), (uint32_t)(key % from->A));
		for (size_t c = 0; c < from->stride; c++)
			dst[c] += src[c];
	}
}

static void cohen_emit(const struct pair_table *t, int K, uint32_t min_shared,
		       struct stats_result *r)
{
	size_t cap = 0;
	if (t->dense) {
		for (uint64_t key = 0; key < t->A * t->A; key++) {
			if (t->dense[key])
				pair_emit((int)(key / t->A), (int)(key % t->A),
					  t->pool + (size_t)(t->dense[key] - 1) * t->stride, K,
					  min_shared, r, &cap);
		}
	} else {
		for (size_t h = 0; h < t->cap; h++) {
			uint64_t key = t->slot[h].key;
			if (key)
				pair_emit((int)((key - 1) / t->A), (int)((key - 1) % t->A),
					  t->pool + t->slot[h].off, K, min_shared, r, &cap);
		}
	}
	if (r->npairs)
		qsort(r->pairs, r->npairs, sizeof *r->pairs, pair_cmp);
}

static int double_cmp(const void *x, const void *y)
{
	double p = *(const double *)x, q = *(const double *)y;
	return (p > q) - (p < q);
}

/* Linear interpolation between order statistics (numpy's default percentile). */
static double quantile(const double *sorted, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)pos;
	double f = pos - (double)lo;
	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + f * (sorted[lo + 1] - sorted[lo]);
}

/*
 * The kinds of compared items for the bootstrap: items with the same label
 * counts add the same cells to the coincidence matrix, so a resample is
 * fully described by how often each kind was drawn. A kind is its sorted
 * (label, count) pairs; cell[] holds its contributions as (index into the
 * K x K matrix, value) for every ordered label pair of the item.
 */
struct boot_kinds {
	size_t n, cap;
	uint64_t *items; /* items of each kind */
	size_t *key_off; /* kind i's key: key[key_off[i] .. key_off[i + 1]) */
	uint32_t *key;	 /* label, count, label, count, ... */
	size_t key_len, key_cap;
	size_t *slot; /* open addressing: kind index + 1, 0 empty */
	size_t nslot;
};

static uint64_t kind_hash(const uint32_t *k, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ k[i]) * 1099511628211ull;
	return h;
}

static void kinds_rehash(struct boot_kinds *b)
{
	size_t ns = b->nslot ? b->nslot * 2 : 1024;
	free(b->slot);
	b->slot = xcalloc(ns, sizeof *b->slot);
	b->nslot = ns;
	for (size_t i = 0; i < b->n; i++) {
		const uint32_t *k = b->key + b->key_off[i];
		size_t h = kind_hash(k, b->key_off[i + 1] - b->key_off[i]) & (ns - 1);
		while (b->slot[h])
			h = (h + 1) & (ns - 1);
		b->slot[h] = i + 1;
	}
}

/* Count one item whose sorted (label, count) pairs are k[0..len). */
static void kinds_add(struct boot_kinds *b, const uint32_t *k, size_t len)
{
	size_t h;
	if ((b->n + 1) * 2 > b->nslot)
		kinds_rehash(b);
	h = kind_hash(k, len) & (b->nslot - 1);
	while (b->slot[h]) {
		size_t i = b->slot[h] - 1, l = b->key_off[i + 1] - b->key_off[i];
		if (l == len && memcmp(b->key + b->key_off[i], k, len * sizeof *k) == 0) {
			b->items[i]++;
			return;
		}
		h = (h + 1) & (b->nslot - 1);
	}
	b->items = xgrow(b->items, &b->cap, b->n + 1, sizeof *b->items);
	b->key_off = xrealloc(b->key_off, (b->cap + 1) * sizeof *b->key_off);
	if (b->n == 0)
		b->key_off[0] = 0;
	b->key = xgrow(b->key, &b->key_cap, b->key_len + len, sizeof *b->key);
	memcpy(b->key + b->key_len, k, len * sizeof *k);
	b->key_len += len;
	b->items[b->n] = 1;
	b->key_off[b->n + 1] = b->key_len;
	b->slot[h] = ++b->n;
}

static int u32_cmp(const void *x, const void *y)
{
	uint32_t p = *(const uint32_t *)x, q = *(const uint32_t *)y;
	return (p > q) - (p < q);
}

int stats_alpha_bootstrap(const struct stats_votes *v, enum stats_metric metric, int replicates,
			  uint64_t seed, double *lo, double *hi)
{
	int K = v->nlabels, good = 0;
	size_t nu = 0, ncell = 0, cell_cap = 0;
	struct boot_kinds b;
	uint32_t *counts, *pairs;
	int *touched;
	size_t *cell_off = NULL, *cell_ix = NULL;
	double *cell_v = NULL, *o = NULL, *alphas = NULL;
	uint64_t *draw = NULL;

	*lo = *hi = NAN;
	if (replicates <= 0 || K == 0 || (metric == STATS_INTERVAL && !all_numeric(v)))
		return 0;
	memset(&b, 0, sizeof b);
	counts = xcalloc((size_t)K + 1, sizeof *counts);
	touched = xcalloc((size_t)K + 1, sizeof *touched);
	pairs = xcalloc(2 * (size_t)K + 2, sizeof *pairs);
	for (size_t i = 0; i < v->nitems; i++) {
		uint32_t m = v->start[i + 1] - v->start[i];
		int nt;
		if (m < 2)
			continue;
		nt = item_counts(v, i, counts, touched);
		for (int x = 0; x < nt; x++)
			pairs[x] = (uint32_t)touched[x];
		qsort(pairs, (size_t)nt, sizeof *pairs, u32_cmp);
		for (int x = nt - 1; x >= 0; x--) {
			pairs[2 * x] = pairs[x];
			pairs[2 * x + 1] = counts[pairs[x]];
		}
		kinds_add(&b, pairs, 2 * (size_t)nt);
		item_counts_clear(counts, touched, nt);
		nu++;
	}
	if (!nu)
		goto done;
	/* Each kind's cells: every ordered pair of its labels, weighted as in
	 * coincidence_add. */
	cell_off = xmalloc((b.n + 1) * sizeof *cell_off);
	for (size_t k = 0; k < b.n; k++) {
		const uint32_t *key = b.key + b.key_off[k];
		size_t len = (b.key_off[k + 1] - b.key_off[k]) / 2;
		double m = 0;
		cell_off[k] = ncell;
		for (size_t x = 0; x < len; x++)
			m += key[2 * x + 1];
		for (size_t x = 0; x < len; x++) {
			for (size_t y = 0; y < len; y++) {
				double nk = key[2 * y + 1] - (x == y ? 1.0 : 0.0);
				if (nk <= 0)
					continue;
				cell_ix = xgrow(cell_ix, &cell_cap, ncell + 1, sizeof *cell_ix);
				cell_v = xrealloc(cell_v, cell_cap * sizeof *cell_v);
				cell_ix[ncell] = (size_t)key[2 * x] * (size_t)K + key[2 * y];
				cell_v[ncell++] = key[2 * x + 1] * nk / (m - 1);
			}
		}
	}
	cell_off[b.n] = ncell;
	o = xmalloc(((size_t)K * K + 1) * sizeof *o);
	alphas = xmalloc((size_t)replicates * sizeof *alphas);
	draw = xmalloc((b.n + 1) * sizeof *draw);
	for (int r = 0; r < replicates; r++) {
		double a;
		rng_multinomial(&seed, nu, b.items, b.n, draw);
		memset(o, 0, (size_t)K * K * sizeof *o);
		for (size_t k = 0; k < b.n; k++) {
			double w = (double)draw[k];
			if (!draw[k])
				continue;
			for (size_t c = cell_off[k]; c < cell_off[k + 1]; c++)
				o[cell_ix[c]] += w * cell_v[c];
		}
		a = alpha_from_coincidence(o, K, metric, v->value);
		if (isfinite(a))
			alphas[good++] = a;
	}
	if (good) {
		qsort(alphas, (size_t)good, sizeof *alphas, double_cmp);
		*lo = quantile(alphas, (size_t)good, 0.025);
		*hi = quantile(alphas, (size_t)good, 0.975);
	}
done:
	free(counts);
	free(touched);
	free(pairs);
	free(b.items);
	free(b.key_off);
	free(b.key);
	free(b.slot);
	free(cell_off);
	free(cell_ix);
	free(cell_v);
	free(o);
	free(alphas);
	free(draw);
	return good;
}

int stats_compute(const struct stats_votes *v, const struct stats_opts *opts,
		  struct stats_result *out, char *err)
{
	int K = v->nlabels;
	size_t Kz = (size_t)K + 1;
	uint32_t *counts = NULL;
	int *touched = NULL;
	double *o = NULL, *tot = NULL, *ps_num = NULL, *ps_den = NULL, *cat_num = NULL;
	double sum_a = 0, sum_n = 0, n_all = 0;
	uint32_t first_n = 0;
	struct stats_result r;
	struct cohen_job jobs[2];
	pthread_t thread;
	int pairs = opts->min_shared != UINT32_MAX && v->nannotators > 1, threaded = 0;

	/* Every pass below indexes counts and pair tables by ann[] and lab[]
	 * without a bound check; a caller's broken layout must stop a debug
	 * build here rather than corrupt memory. */
	assert(stats_votes_check(v, NULL) == 0);
	memset(&r, 0, sizeof r);
	memset(out, 0, sizeof *out);
	if (K < 0 || (v->nitems && !v->start))
		return err_set(err, "votes: inconsistent input");
	counts = xcalloc(Kz, sizeof *counts);
	touched = xcalloc(Kz, sizeof *touched);
	o = xcalloc((size_t)K * K + 1, sizeof *o);
	tot = xcalloc(Kz, sizeof *tot);
	ps_num = xcalloc(Kz, sizeof *ps_num);
	ps_den = xcalloc(Kz, sizeof *ps_den);
	cat_num = xcalloc(Kz, sizeof *cat_num);
	r.nlabels = K;
	r.labels = xcalloc(Kz, sizeof *r.labels);
	r.threshold = opts->threshold;

	if (pairs) {
		/* the first job takes a little more than half the votes: the
		 * calling thread also makes the main pass */
		size_t mid = 0;
		uint64_t half = (uint64_t)v->nvotes * 11 / 20;
		while (mid < v->nitems && v->start[mid] < half)
			mid++;
		cohen_job_init(&jobs[0], v, 0, mid);
		cohen_job_init(&jobs[1], v, mid, v->nitems);
		threaded = v->nvotes >= STATS_THREAD_MIN &&
			   pthread_create(&thread, NULL, cohen_job_run, &jobs[0]) == 0;
	}
	for (size_t i = 0; i < v->nitems; i++) {
		uint32_t m = v->start[i + 1] - v->start[i];
		double same = 0;
		int nt;
		if (m == 0)
			continue;
		r.items++;
		r.votes += m;
		n_all += m;
		if (r.items == 1 || m < r.n_min)
			r.n_min = m;
		if (m > r.n_max)
			r.n_max = m;
		nt = item_counts(v, i, counts, touched);
		for (int x = 0; x < nt; x++)
			r.labels[touched[x]].count += counts[touched[x]];
		if (m >= 2) {
			if (r.items_multi == 0)
				first_n = m;
			else if (m != first_n)
				r.varying_n = 1;
			r.items_multi++;
			sum_n += m;
			for (int x = 0; x < nt; x++) {
				int k = touched[x];
				double c = counts[k];
				same += c * (c - 1);
				tot[k] += c;
				ps_num[k] += c * (c - 1);
				ps_den[k] += c * (m - 1);
				cat_num[k] += c * (m - c) / (m - 1);
			}
			sum_a += same / ((double)m * (m - 1));
			if (nt > 1)
				r.disputed++;
			coincidence_add(o, K, counts, touched, nt, m);
		}
		item_counts_clear(counts, touched, nt);
	}
	r.n_mean = r.items ? n_all / (double)r.items : NAN;
	r.percent_agreement = r.expected_agreement = r.fleiss_kappa = NAN;
	r.alpha_nominal = r.alpha_ordinal = r.alpha_interval = NAN;
	r.alpha_lo = r.alpha_hi = NAN;
	for (int k = 0; k < K; k++) {
		r.labels[k].specific_agreement = ps_den[k] > 0 ? ps_num[k] / ps_den[k] : NAN;
		r.labels[k].kappa = NAN;
	}
	if (r.items_multi) {
		double pe = 0;
		r.percent_agreement = sum_a / (double)r.items_multi;
		for (int k = 0; k < K; k++) {
			double p = tot[k] / sum_n, pq = p * (1 - p);
			pe += p * p;
			if (pq > 0)
				r.labels[k].kappa = 1.0 - cat_num[k] / (sum_n * pq);
		}
		r.expected_agreement = pe;
		/* P_e = 1: every compared vote has one label, kappa is 0/0. */
		if (1 - pe > 1e-12)
			r.fleiss_kappa = (r.percent_agreement - pe) / (1 - pe);
		r.alpha_nominal = alpha_from_coincidence(o, K, STATS_NOMINAL, v->value);
		if (opts->ordinal)
			r.alpha_ordinal = alpha_from_coincidence(o, K, STATS_ORDINAL, v->value);
		if (all_numeric(v))
			r.alpha_interval = alpha_from_coincidence(o, K, STATS_INTERVAL, v->value);
	}
	r.flagged = isfinite(r.percent_agreement) && r.percent_agreement < opts->threshold;
	if (pairs) {
		cohen_job_run(&jobs[1]);
		if (threaded)
			pthread_join(thread, NULL);
		else
			cohen_job_run(&jobs[0]);
		pair_table_merge(&jobs[0].t, &jobs[1].t);
		cohen_emit(&jobs[0].t, K, opts->min_shared ? opts->min_shared : 1, &r);
		cohen_job_free(&jobs[0]);
		cohen_job_free(&jobs[1]);
	}
	if (opts->bootstrap > 0) {
		r.bootstrap = opts->bootstrap;
		stats_alpha_bootstrap(v, STATS_NOMINAL, opts->bootstrap, opts->seed, &r.alpha_lo,
				      &r.alpha_hi);
	}

	free(counts);
	free(touched);
	free(o);
	free(tot);
	free(ps_num);
	free(ps_den);
	free(cat_num);
	*out = r;
	return 0;
}
