/*
 * lead: the lead's view (see lead.h). One pass over a task's votes fills the
 * per-item figures (co-occurrence, the agreement histogram, the buckets, the
 * annotators' series, Dawid-Skene vs plurality); the decisions and flags,
 * far fewer, are matched to items by binary search on the item ids. The
 * pair matrix is one more pass restricted to the most active annotators,
 * ordered by a deterministic seriation.
 */
#include "config.h"

#include "lead.h"
#include "audit.h"
#include "cli.h"
#include "store_lead.h"
#include "store_truth.h"
#include "store_votes.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Annotator series are kept while annotators x buckets stays below this. */
#define LEAD_SERIES_MAX (8u << 20)

void lead_opts_default(struct lead_opts *o)
{
	memset(o, 0, sizeof *o);
	o->bootstrap = 1000;
	o->seed = 1;
	o->ds = 1;
	o->pair_annotators = 40;
	o->min_shared = 10;
}

const char *lead_metric_name(enum stats_metric m)
{
	return m == STATS_INTERVAL ? "interval" : m == STATS_ORDINAL ? "ordinal" : "nominal";
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void task_copy(struct store_task *to, const struct store_task *from)
{
	*to = *from;
	to->name = dup_or_null(from->name);
	to->labels = xcalloc(from->nlabels + 1, sizeof *to->labels);
	for (size_t k = 0; k < from->nlabels; k++) {
		to->labels[k] = from->labels[k];
		to->labels[k].value = dup_or_null(from->labels[k].value);
		to->labels[k].name = dup_or_null(from->labels[k].name);
		to->labels[k].key = dup_or_null(from->labels[k].key);
	}
}

static void result_copy(struct stats_result *to, const struct stats_result *from)
{
	*to = *from;
	to->labels = xcalloc((size_t)from->nlabels + 1, sizeof *to->labels);
	if (from->nlabels > 0)
		memcpy(to->labels, from->labels, (size_t)from->nlabels * sizeof *to->labels);
	to->pairs = xcalloc(from->npairs + 1, sizeof *to->pairs);
	if (from->npairs)
		memcpy(to->pairs, from->pairs, from->npairs * sizeof *to->pairs);
}

/* Index of item id among v's items, or -1. */
static long item_index(const struct stats_votes *v, int64_t id)
{
	size_t lo = 0, hi = v->nitems;
	if (!v->item_id)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->item_id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->nitems && v->item_id[lo] == id ? (long)lo : -1;
}

/* The plurality of item i: most votes, first in label order on a tie; -1 without votes. */
static int item_plurality(const struct stats_votes *v, size_t i, uint32_t *counts)
{
	int best = -1;
	for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++)
		counts[v->lab[j]]++;
	for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++) {
		int k = v->lab[j];
		if (best < 0 || counts[k] > counts[best] || (counts[k] == counts[best] && k < best))
			best = k;
	}
	for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++)
		counts[v->lab[j]] = 0;
	return best;
}

/* The histogram bin of an item agreement: b with b/10 <= a < (b+1)/10, the
 * last bin closed; the edges are the doubles nearest to b/10, as SQL has them. */
static int agreement_bin(double a)
{
	int b = (int)(a * LEAD_BINS);
	if (b < 0)
		b = 0;
	if (b > LEAD_BINS - 1)
		b = LEAD_BINS - 1;
	while (b > 0 && a < (double)b / LEAD_BINS)
		b--;
	while (b < LEAD_BINS - 1 && a >= (double)(b + 1) / LEAD_BINS)
		b++;
	return b;
}

static int rule_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

/* The row of rule r (NULL: no rule), added in order when new. */
static struct lead_rule *rule_row(struct lead_task *t, size_t *cap, const char *r)
{
	size_t lo = 0, hi = t->nrules;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = rule_cmp(t->rules[mid].rule, r);
		if (c == 0)
			return &t->rules[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	t->rules = xgrow(t->rules, cap, t->nrules + 1, sizeof *t->rules);
	memmove(&t->rules[lo + 1], &t->rules[lo], (t->nrules - lo) * sizeof *t->rules);
	memset(&t->rules[lo], 0, sizeof *t->rules);
	t->rules[lo].rule = dup_or_null(r);
	t->nrules++;
	return &t->rules[lo];
}

/* Civil date of a day number (days since 1970-01-01). */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

/* The Monday starting day's ISO week (1970-01-01 was a Thursday). */
static int32_t week_monday(int32_t day)
{
	int32_t r = (int32_t)(((int64_t)day + 3) % 7);
	if (r < 0)
		r += 7;
	return day - r;
}

/* "2024-W07" and the Monday "2024-02-12" of the ISO week starting on monday. */
static void week_names(int32_t monday, char **name, char **at)
{
	int y, ty;
	unsigned m, d, tm, td;
	int32_t jan1 = 0;
	char iso[16];
	struct sbuf b = {0};

	civil_from_days(monday, &y, &m, &d);
	/* the ISO year and week are those of the week's Thursday */
	civil_from_days((int64_t)monday + 3, &ty, &tm, &td);
	snprintf(iso, sizeof iso, "%04d-01-01", ty);
	store_lead_parse_day(iso, strlen(iso), &jan1);
	sbuf_addf(&b, "%04d-W%02d", ty, (int)(((int64_t)monday + 3 - jan1) / 7 + 1));
	*name = sbuf_take(&b);
	sbuf_addf(&b, "%04d-%02u-%02u", y, m, d);
	*at = sbuf_take(&b);
}

static int i32_cmp(const void *x, const void *y)
{
	int32_t p = *(const int32_t *)x, q = *(const int32_t *)y;
	return (p > q) - (p < q);
}

static long find_i32(const int32_t *v, size_t n, int32_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == x ? (long)lo : -1;
}

/*
 * Buckets of a task: weeks when every vote is dated, else import batches.
 * Fills t->buckets, item_b (bucket of each item) and vote_b (bucket of each
 * vote; NULL in batch mode, where a vote's bucket is its item's).
 */
static int buckets_build(struct store *st, const struct store_task *task,
			 const struct stats_votes *v, struct lead_task *t, uint32_t *item_b,
			 uint32_t **vote_b, char *err)
{
	int32_t *days = NULL;
	*vote_b = NULL;
	if (store_lead_vote_days(st, task, v, &days, err))
		return -1;
	if (days) {
		int32_t *mondays = xmalloc((v->nvotes + 1) * sizeof *mondays);
		size_t nw = 0;
		uint32_t *vb = xmalloc((v->nvotes + 1) * sizeof *vb);
		for (size_t j = 0; j < v->nvotes; j++)
			mondays[j] = week_monday(days[j]);
		memcpy(vb, mondays, v->nvotes * sizeof *mondays);
		qsort(mondays, v->nvotes, sizeof *mondays, i32_cmp);
		for (size_t j = 0; j < v->nvotes; j++)
			if (!nw || mondays[nw - 1] != mondays[j])
				mondays[nw++] = mondays[j];
		for (size_t j = 0; j < v->nvotes; j++)
			vb[j] = (uint32_t)find_i32(mondays, nw, (int32_t)vb[j]);
		for (size_t i = 0; i < v->nitems; i++) {
			int32_t last = INT32_MIN;
			for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++)
				if (days[j] > last)
					last = days[j];
			item_b[i] = (uint32_t)find_i32(mondays, nw, week_monday(last));
		}
		t->by_week = 1;
		t->nbuckets = nw;
		t->buckets = xcalloc(nw + 1, sizeof *t->buckets);
		for (size_t w = 0; w < nw; w++)
			week_names(mondays[w], &t->buckets[w].name, &t->buckets[w].at);
		free(mondays);
		free(days);
		*vote_b = vb;
		return 0;
	}
	{
		struct store_lead_batch *bt;
		size_t nb, other = 0;
		long *map;
		if (store_lead_batches(st, &bt, &nb, err))
			return -1;
		map = xmalloc((nb + 1) * sizeof *map);
		for (size_t b = 0; b <= nb; b++)
			map[b] = -1;
		/* item ids and batch ranges both increase: walk them together */
		for (size_t i = 0, b = 0; i < v->nitems; i++) {
			int64_t id = v->item_id ? v->item_id[i] : (int64_t)i + 1;
			while (b < nb && bt[b].last < id)
				b++;
			if (b < nb && bt[b].first < id) {
				item_b[i] = (uint32_t)b;
			} else {
				item_b[i] = (uint32_t)nb;
				other = 1;
			}
			map[item_b[i]] = 0;
		}
		for (size_t b = 0; b <= nb; b++) {
			if (map[b] < 0)
				continue;
			map[b] = (long)t->nbuckets++;
		}
		t->buckets = xcalloc(t->nbuckets + 1, sizeof *t->buckets);
		for (size_t b = 0; b < nb; b++) {
			struct lead_bucket *k;
			if (map[b] < 0)
				continue;
			k = &t->buckets[map[b]];
			k->name = xstrdup(bt[b].file ? bt[b].file : "?");
			k->event = bt[b].seq;
			k->at = dup_or_null(bt[b].at);
		}
		if (other) {
			/* items no recorded import added (made outside gavel) */
			t->buckets[map[nb]].name = xstrdup("(other items)");
		}
		for (size_t i = 0; i < v->nitems; i++)
			item_b[i] = (uint32_t)map[item_b[i]];
		free(map);
		store_lead_batches_free(bt, nb);
	}
	return 0;
}

/* Distance between two annotators for the seriation: 1 - kappa, an
 * undefined kappa counted as chance (distance 1). */
static double pair_dist(const double *kappa, int m, int x, int y)
{
	double k = kappa[(size_t)x * (size_t)m + (size_t)y];
	return isfinite(k) ? 1.0 - k : 1.0;
}

/*
 * A path through the m annotators with small total distance between
 * neighbours: the best greedy nearest-neighbour path over every start,
 * then 2-opt segment reversals while one shortens it. No randomness: ties
 * go to the lower index, so the order is the same on every run.
 */
static void seriate(const double *kappa, int m, int *order)
{
	int *path = xmalloc(((size_t)m + 1) * sizeof *path);
	char *used = xmalloc((size_t)m + 1);
	double best = INFINITY;

	for (int s = 0; s < m; s++) {
		double cost = 0;
		memset(used, 0, (size_t)m);
		path[0] = s;
		used[s] = 1;
		for (int p = 1; p < m; p++) {
			int next = -1;
			double nd = INFINITY;
			for (int c = 0; c < m; c++) {
				double d;
				if (used[c])
					continue;
				d = pair_dist(kappa, m, path[p - 1], c);
				if (d < nd - 1e-12) {
					nd = d;
					next = c;
				}
			}
			path[p] = next;
			used[next] = 1;
			cost += nd;
		}
		if (cost < best - 1e-12) {
			best = cost;
			memcpy(order, path, (size_t)m * sizeof *order);
		}
	}
	for (int pass = 0; pass < 100; pass++) {
		int improved = 0;
		for (int i = 1; i < m - 1; i++) {
			for (int j = i + 1; j < m; j++) {
				double before = pair_dist(kappa, m, order[i - 1], order[i]);
				double after = pair_dist(kappa, m, order[i - 1], order[j]);
				if (j + 1 < m) {
					before += pair_dist(kappa, m, order[j], order[j + 1]);
					after += pair_dist(kappa, m, order[i], order[j + 1]);
				}
				if (after < before - 1e-12) {
					for (int a = i, b = j; a < b; a++, b--) {
						int x = order[a];
						order[a] = order[b];
						order[b] = x;
					}
					improved = 1;
				}
			}
		}
		if (!improved)
			break;
	}
	free(path);
	free(used);
}

static void pairs_build(const struct stats_votes *v, const struct lead_task *t,
			const struct lead_opts *o, struct lead_pairs *p)
{
	int A = t->nannotators, m = A < o->pair_annotators ? A : o->pair_annotators;
	int *sel, *order;
	double *k;
	uint32_t *sh;

	memset(p, 0, sizeof *p);
	p->min_shared = o->min_shared;
	if (m <= 0)
		return;
	/* the m annotators with most votes, ties to the lower index */
	sel = xmalloc((size_t)A * sizeof *sel);
	for (int a = 0; a < A; a++)
		sel[a] = a;
	for (int x = 0; x < m; x++) {
		int best = x;
		for (int y = x + 1; y < A; y++) {
			uint32_t vy = t->annotators[sel[y]].r.votes,
				 vb = t->annotators[sel[best]].r.votes;
			if (vy > vb || (vy == vb && sel[y] < sel[best]))
				best = y;
		}
		if (best != x) {
			int s = sel[x];
			sel[x] = sel[best];
			sel[best] = s;
		}
	}
	k = xmalloc((size_t)m * (size_t)m * sizeof *k);
	sh = xmalloc((size_t)m * (size_t)m * sizeof *sh);
	stats_cohen_matrix(v, sel, m, o->min_shared, k, sh);
	order = xmalloc((size_t)m * sizeof *order);
	seriate(k, m, order);
	p->n = m;
	p->ann = xmalloc((size_t)m * sizeof *p->ann);
	p->kappa = xmalloc((size_t)m * (size_t)m * sizeof *p->kappa);
	p->shared = xmalloc((size_t)m * (size_t)m * sizeof *p->shared);
	p->cluster = xmalloc((size_t)m * sizeof *p->cluster);
	for (int x = 0; x < m; x++) {
		p->ann[x] = sel[order[x]];
		for (int y = 0; y < m; y++) {
			size_t from = (size_t)order[x] * (size_t)m + (size_t)order[y];
			p->kappa[(size_t)x * (size_t)m + (size_t)y] = k[from];
			p->shared[(size_t)x * (size_t)m + (size_t)y] = sh[from];
		}
		if (x == 0) {
			p->cluster[x] = 0;
		} else {
			double kn = p->kappa[(size_t)(x - 1) * (size_t)m + (size_t)x];
			p->cluster[x] =
				p->cluster[x - 1] + !(isfinite(kn) && kn >= LEAD_CLUSTER_KAPPA);
		}
	}
	p->nclusters = p->cluster[m - 1] + 1;
	free(sel);
	free(order);
	free(k);
	free(sh);
}

int lead_task_compute(struct store *st, const struct store_task *task, const struct stats_votes *v,
		      const struct stats_result *res, const struct truth_ds *ds, char *const *names,
		      const struct lead_opts *o, struct lead_task *out, char *err)
{
	struct lead_task *t = out;
	size_t K = task->nlabels, ndec = 0, nflags = 0, rcap = 0, B, unvoted;
	struct store_lead_decision *dec = NULL;
	struct store_lead_flag *flags = NULL;
	int16_t *gold = NULL;
	uint32_t *item_b = NULL, *vote_b = NULL, *counts = NULL, *ser_n = NULL;
	int *touched = NULL;
	double *bucket_sum = NULL, *ser_sum = NULL;
	struct annotator_record *rec = NULL;
	int A = v->nannotators, rc = -1;

	if (store_lead_unvoted(st, task->id, &unvoted, err))
		return -1;
	memset(t, 0, sizeof *t);
	task_copy(&t->task, task);
	result_copy(&t->res, res);
	t->nannotators = A;
	t->unvoted = unvoted;
	t->items = res->items + unvoted;
	t->labels = xcalloc(K + 1, sizeof *t->labels);
	t->cooccur = xcalloc(K * K + 1, sizeof *t->cooccur);
	t->majority_expert = xcalloc(K * K + 1, sizeof *t->majority_expert);
	for (size_t k = 0; k < K; k++)
		t->labels[k].confused_with = -1;

	/* Alpha at the task's scale and its interval (nominal: the one
	 * stats_compute drew with the same replicates and seed). */
	t->metric = task->scale == SCALE_INTERVAL  ? STATS_INTERVAL
		    : task->scale == SCALE_ORDINAL ? STATS_ORDINAL
						   : STATS_NOMINAL;
	t->alpha = t->metric == STATS_INTERVAL	? res->alpha_interval
		   : t->metric == STATS_ORDINAL ? res->alpha_ordinal
						: res->alpha_nominal;
	t->alpha_lo = t->alpha_hi = NAN;
	t->seed = o->seed;
	if (o->bootstrap > 0) {
		t->bootstrap = o->bootstrap;
		if (t->metric == STATS_NOMINAL && res->bootstrap == o->bootstrap) {
			t->alpha_lo = res->alpha_lo;
			t->alpha_hi = res->alpha_hi;
		} else {
			stats_alpha_bootstrap(v, t->metric, o->bootstrap, o->seed, &t->alpha_lo,
					      &t->alpha_hi);
		}
	}

	/* Decisions: known labels per item, majority vs expert, rules. */
	if (store_lead_decisions(st, task, &dec, &ndec, err))
		goto out;
	gold = xmalloc((v->nitems + 1) * sizeof *gold);
	for (size_t i = 0; i < v->nitems; i++)
		gold[i] = -1;
	t->decided = ndec;
	for (size_t d = 0; d < ndec; d++) {
		long i = item_index(v, dec[d].item);
		struct lead_rule *r = rule_row(t, &rcap, dec[d].rule);
		int maj = dec[d].majority;
		if (i >= 0)
			gold[i] = (int16_t)dec[d].label;
		r->decisions++;
		if (maj < 0)
			continue;
		r->majority++;
		t->mve_decided++;
		t->labels[maj].majority_decided++;
		t->majority_expert[(size_t)maj * K + (size_t)dec[d].label]++;
		if (maj != dec[d].label) {
			r->overturned++;
			t->mve_overturned++;
			t->labels[maj].overturned++;
		}
	}

	/* Flags: by the flagged item's plurality and by the rule they cite. */
	if (store_lead_flags(st, task, &flags, &nflags, err))
		goto out;
	counts = xcalloc(K + 1, sizeof *counts);
	touched = xcalloc(K + 1, sizeof *touched);
	for (size_t f = 0; f < nflags; f++) {
		long i = item_index(v, flags[f].item);
		const char *rule = flags[f].rule;
		t->flags++;
		if (i >= 0) {
			int p = item_plurality(v, (size_t)i, counts);
			if (p >= 0)
				t->labels[p].flags++;
		}
		if (!rule) {
			size_t lo = 0, hi = ndec;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (dec[mid].item < flags[f].item)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < ndec && dec[lo].item == flags[f].item)
				rule = dec[lo].rule;
		}
		rule_row(t, &rcap, rule)->flags++;
	}

	/* Buckets, then the one pass over the items. */
	item_b = xmalloc((v->nitems + 1) * sizeof *item_b);
	if (buckets_build(st, task, v, t, item_b, &vote_b, err))
		goto out;
	B = t->nbuckets;
	bucket_sum = xcalloc(B + 1, sizeof *bucket_sum);
	if ((uint64_t)A * (uint64_t)B <= LEAD_SERIES_MAX) {
		ser_sum = xcalloc((size_t)A * B + 1, sizeof *ser_sum);
		ser_n = xcalloc((size_t)A * B + 1, sizeof *ser_n);
	}
	t->have_ds = ds && ds->logconf;
	if (t->have_ds) {
		t->ds_iterations = ds->iterations;
		t->ds_converged = ds->converged;
	}
	for (size_t i = 0; i < v->nitems; i++) {
		uint32_t m = v->start[i + 1] - v->start[i];
		int nt = 0, plur = -1;
		double a = NAN;
		struct lead_bucket *bk = B ? &t->buckets[item_b[i]] : NULL;
		for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++)
			if (counts[v->lab[j]]++ == 0)
				touched[nt++] = v->lab[j];
		for (int x = 0; x < nt; x++) {
			int k = touched[x];
			t->labels[k].items++;
			if (plur < 0 || counts[k] > counts[plur] ||
			    (counts[k] == counts[plur] && k < plur))
				plur = k;
			for (int y = 0; y < nt; y++)
				if (y != x)
					t->cooccur[(size_t)k * K + (size_t)touched[y]]++;
		}
		if (m >= 2) {
			double same = 0;
			for (int x = 0; x < nt; x++)
				same += (double)counts[touched[x]] * (counts[touched[x]] - 1);
			a = same / ((double)m * (m - 1));
			t->bins[agreement_bin(a)]++;
			if (nt == 1)
				t->cooccur[(size_t)touched[0] * K + (size_t)touched[0]]++;
			if (nt > 1 && gold[i] < 0)
				t->open++;
		}
		if (bk) {
			bk->items++;
			if (m >= 2) {
				bk->compared++;
				bucket_sum[item_b[i]] += a;
			}
		}
		if (t->have_ds && gold[i] < 0 && plur >= 0 && (size_t)i < ds->nitems &&
		    truth_ds_label(ds, i) != plur)
			t->ds_differs++;
		if (ser_sum && m >= 2) {
			for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++) {
				size_t cell =
					(size_t)v->ann[j] * B + (vote_b ? vote_b[j] : item_b[i]);
				ser_sum[cell] += (double)(counts[v->lab[j]] - 1) / (m - 1);
				ser_n[cell]++;
			}
		}
		for (int x = 0; x < nt; x++)
			counts[touched[x]] = 0;
	}
	for (size_t b = 0; b < B; b++)
		t->buckets[b].agreement = t->buckets[b].compared
						  ? bucket_sum[b] / (double)t->buckets[b].compared
						  : NAN;
	for (size_t k = 0; k < K; k++) {
		for (size_t l = 0; l < K; l++) {
			uint64_t c = t->cooccur[k * K + l];
			if (l == k || c == 0)
				continue;
			if (t->labels[k].confused_with < 0 || c > t->labels[k].confused_items) {
				t->labels[k].confused_with = (int)l;
				t->labels[k].confused_items = c;
			}
		}
	}

	/* Annotators: the track record of `gavel stats --annotators`. */
	{
		struct store_truth view;
		memset(&view, 0, sizeof view);
		view.votes = *v;
		view.gold = gold;
		view.ngold = ndec;
		if (ds)
			view.ds = *ds;
		stats_annotators_compute(&view, &rec);
	}
	t->annotators = xcalloc((size_t)A + 1, sizeof *t->annotators);
	for (int x = 0; x < A; x++) {
		struct lead_annotator *an = &t->annotators[x];
		an->name = xstrdup(names && names[x] ? names[x] : "?");
		an->r = rec[x];
		if (!ser_sum)
			continue;
		an->series = xmalloc((B + 1) * sizeof *an->series);
		for (size_t b = 0; b < B; b++) {
			size_t cell = (size_t)x * B + b;
			an->series[b] = ser_n[cell] ? ser_sum[cell] / ser_n[cell] : NAN;
		}
	}
	pairs_build(v, t, o, &t->pairs);
	rc = 0;
out:
	store_lead_decisions_free(dec, ndec);
	store_lead_flags_free(flags, nflags);
	free(gold);
	free(item_b);
	free(vote_b);
	free(counts);
	free(touched);
	free(bucket_sum);
	free(ser_sum);
	free(ser_n);
	free(rec);
	if (rc)
		lead_task_free(t);
	return rc;
}

void lead_task_free(struct lead_task *t)
{
	if (!t)
		return;
	store_task_free(&t->task);
	stats_result_free(&t->res);
	for (int a = 0; a < t->nannotators && t->annotators; a++) {
		free(t->annotators[a].name);
		free(t->annotators[a].series);
	}
	free(t->annotators);
	free(t->labels);
	free(t->pairs.ann);
	free(t->pairs.kappa);
	free(t->pairs.shared);
	free(t->pairs.cluster);
	free(t->cooccur);
	free(t->majority_expert);
	for (size_t b = 0; b < t->nbuckets; b++) {
		free(t->buckets[b].name);
		free(t->buckets[b].at);
	}
	free(t->buckets);
	for (size_t r = 0; r < t->nrules; r++)
		free(t->rules[r].rule);
	free(t->rules);
	if (t->have_labelerr)
		labelerr_report_free(&t->labelerr);
	memset(t, 0, sizeof *t);
}

/* One task as `gavel stats` computes it, then its view. */
static int build_task(struct store *st, const struct store_task *task, const struct lead_opts *o,
		      struct lead_task *out, char *err)
{
	struct stats_votes v;
	struct stats_opts so;
	struct stats_result res;
	struct store_truth tr;
	char **names = NULL;
	int numeric = task->nlabels > 0, rc = -1, nann = 0;
	const struct stats_votes *vp = &v;

	memset(&res, 0, sizeof res);
	memset(&tr, 0, sizeof tr);
	if (store_votes_load(st, task, &v, err))
		return -1;
	stats_opts_default(&so);
	for (size_t k = 0; k < task->nlabels; k++)
		numeric = numeric && isfinite(task->labels[k].number);
	so.ordinal = task->scale != SCALE_NOMINAL || numeric;
	so.threshold = task->threshold;
	so.min_shared = o->min_shared;
	so.bootstrap = o->bootstrap;
	so.seed = o->seed;
	if (stats_compute(&v, &so, &res, err))
		goto out;
	if (store_votes_annotator_names(st, &v, &names, err))
		goto out;
	nann = v.nannotators;
	if (o->ds && task->nlabels > 0) {
		if (store_truth_from_votes(st, task, &v, &tr, err))
			goto out;
		vp = &tr.votes;
	}
	rc = lead_task_compute(st, task, vp, &res, o->ds && task->nlabels > 0 ? &tr.ds : NULL,
			       names, o, out, err);
	if (!rc && o->label_errors) {
		int with_ds = o->ds && task->nlabels > 0;
		rc = labelerr_report_compute(st, task, with_ds ? &tr : NULL, !with_ds,
					     LABELERR_BOOTSTRAP, o->seed, &out->labelerr, err);
		if (rc)
			lead_task_free(out);
		else
			out->have_labelerr = 1;
	}
out:
	store_votes_names_free(names, nann);
	stats_votes_free(&v);
	stats_result_free(&res);
	store_truth_free(&tr);
	return rc;
}

/* One task's cheap figures (lead_build_quick). */
static int quick_task(struct store *st, const struct store_task *task, struct lead_task *t,
		      char *err)
{
	struct store_lead_quick q;
	if (store_lead_quick(st, task, &q, err))
		return -1;
	memset(t, 0, sizeof *t);
	if (store_lead_unvoted(st, task->id, &t->unvoted, err))
		return -1;
	task_copy(&t->task, task);
	t->items = q.items + t->unvoted;
	t->res.items = q.items;
	t->res.votes = q.votes;
	t->res.items_multi = q.compared;
	t->res.disputed = q.disputed;
	t->res.threshold = task->threshold;
	t->res.percent_agreement = q.compared ? q.sum_agree / (double)q.compared : NAN;
	t->res.flagged =
		isfinite(t->res.percent_agreement) && t->res.percent_agreement < task->threshold;
	t->res.fleiss_kappa = t->res.expected_agreement = NAN;
	t->res.alpha_nominal = t->res.alpha_ordinal = t->res.alpha_interval = NAN;
	t->res.alpha_lo = t->res.alpha_hi = NAN;
	t->alpha = t->alpha_lo = t->alpha_hi = NAN;
	t->decided = q.decided;
	t->open = q.disputed - q.decided_dis;
	return 0;
}

static int build(struct store *st, const char *task, const struct lead_opts *o, int quick,
		 struct lead_report *out, char *err)
{
	struct store_task *tasks = NULL;
	size_t ntasks = 0;
	int found = 0;

	memset(out, 0, sizeof *out);
	if (store_task_list(st, &tasks, &ntasks, err))
		return -1;
	if (task) {
		for (size_t i = 0; i < ntasks; i++)
			found |= strcmp(tasks[i].name, task) == 0;
		if (!found) {
			cli_task_missing(st, task, err);
			goto fail;
		}
	}
	out->project = store_meta_get(st, "name");
	if (!out->project)
		out->project = xstrdup("");
	util_utc_now(out->at);
	if (audit_head(st, out->head, err))
		goto fail;
	out->tasks = xcalloc(ntasks + 1, sizeof *out->tasks);
	for (size_t i = 0; i < ntasks; i++) {
		if (task && strcmp(tasks[i].name, task) != 0)
			continue;
		if (quick ? quick_task(st, &tasks[i], &out->tasks[out->ntasks], err)
			  : build_task(st, &tasks[i], o, &out->tasks[out->ntasks], err))
			goto fail;
		out->ntasks++;
	}
	for (size_t i = 0; i < ntasks; i++)
		store_task_free(&tasks[i]);
	free(tasks);
	out->quick = quick;
	return 0;
fail:
	for (size_t i = 0; i < ntasks; i++)
		store_task_free(&tasks[i]);
	free(tasks);
	lead_report_free(out);
	return -1;
}

int lead_build(struct store *st, const char *task, const struct lead_opts *o,
	       struct lead_report *out, char *err)
{
	return build(st, task, o, 0, out, err);
}

int lead_build_quick(struct store *st, const char *task, const struct lead_opts *o,
		     struct lead_report *out, char *err)
{
	return build(st, task, o, 1, out, err);
}

void lead_report_free(struct lead_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ntasks; i++)
		lead_task_free(&r->tasks[i]);
	free(r->tasks);
	free(r->project);
	memset(r, 0, sizeof *r);
}

int lead_feedback_build(struct store *st, const char *name, const char *task,
			const struct lead_opts *o, struct lead_feedback *out, char *err)
{
	struct store_task *tasks = NULL;
	size_t ntasks = 0;
	struct lead_opts fo = *o;
	int64_t id;
	int found = 0, rc;

	memset(out, 0, sizeof *out);
	rc = store_lead_annotator_id(st, name, &id, err);
	if (rc <= 0)
		return rc < 0 ? -1 : err_set(err, "no annotator named '%s'", name);
	if (store_task_list(st, &tasks, &ntasks, err))
		return -1;
	if (task) {
		for (size_t i = 0; i < ntasks; i++)
			found |= strcmp(tasks[i].name, task) == 0;
		if (!found) {
			cli_task_missing(st, task, err);
			goto fail;
		}
	}
	out->annotator = xstrdup(name);
	out->project = store_meta_get(st, "name");
	if (!out->project)
		out->project = xstrdup("");
	util_utc_now(out->at);
	if (audit_head(st, out->head, err))
		goto fail;
	/* the record needs neither an interval nor the pair matrix */
	fo.bootstrap = 0;
	fo.pair_annotators = 0;
	fo.label_errors = 0;
	out->tasks = xcalloc(ntasks + 1, sizeof *out->tasks);
	for (size_t i = 0; i < ntasks; i++) {
		struct lead_feedback_task *ft = &out->tasks[out->ntasks];
		struct store_lead_overruled *all = NULL;
		size_t nall = 0, K = tasks[i].nlabels;
		if (task && strcmp(tasks[i].name, task) != 0)
			continue;
		if (build_task(st, &tasks[i], &fo, &ft->view, err))
			goto fail;
		out->ntasks++;
		ft->annotator = -1;
		for (int a = 0; a < ft->view.nannotators; a++)
			if (strcmp(ft->view.annotators[a].name, name) == 0)
				ft->annotator = a;
		if (ft->annotator < 0 && !task) {
			/* not theirs: leave it out of the sheet */
			lead_task_free(&ft->view);
			out->ntasks--;
			continue;
		}
		ft->confusion = xcalloc(K * K + 1, sizeof *ft->confusion);
		if (store_lead_overruled(st, &tasks[i], id, 1, &all, &nall, err))
			goto fail;
		ft->overruled = xcalloc(nall + 1, sizeof *ft->overruled);
		for (size_t k = 0; k < nall; k++) {
			ft->confusion[(size_t)all[k].vote * K + (size_t)all[k].label]++;
			if (all[k].vote == all[k].label) {
				free(all[k].external_id);
				free(all[k].text);
				free(all[k].expert);
				free(all[k].reason);
				free(all[k].rule);
				free(all[k].at);
				continue;
			}
			ft->overruled[ft->noverruled++] = all[k];
		}
		free(all);
	}
	for (size_t i = 0; i < ntasks; i++)
		store_task_free(&tasks[i]);
	free(tasks);
	return 0;
fail:
	for (size_t i = 0; i < ntasks; i++)
		store_task_free(&tasks[i]);
	free(tasks);
	lead_feedback_free(out);
	return -1;
}

void lead_feedback_free(struct lead_feedback *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->ntasks; i++) {
		lead_task_free(&f->tasks[i].view);
		free(f->tasks[i].confusion);
		store_lead_overruled_free(f->tasks[i].overruled, f->tasks[i].noverruled);
	}
	free(f->tasks);
	free(f->annotator);
	free(f->project);
	memset(f, 0, sizeof *f);
}
