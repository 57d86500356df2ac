/*
 * Unit tests of the lead's view (src/lead.c, src/store_lead.c) and of what
 * it is built on: the seeded samplers (src/rng.c), the kinds-of-items
 * bootstrap of Krippendorff's alpha and the Cohen's kappa matrix
 * (src/stats.c).
 *
 * The samplers are checked against the exact binomial distribution (a
 * chi-square goodness-of-fit over 20,000 draws per case); the bootstrap
 * against a plain one that resamples every item; the matrix against
 * stats_cohen_kappa pair by pair. The view is checked on a small project
 * worked by hand: every expected figure is derived in the comment above its
 * assertion.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "audit.h"
#include "lead.h"
#include "rng.h"
#include "stats.h"
#include "store.h"
#include "store_lead.h"
#include "store_review.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define assert_close(a, b, eps)                                                                    \
	do {                                                                                       \
		double a_ = (a), b_ = (b);                                                         \
		if (!(fabs(a_ - b_) <= (eps)))                                                     \
			fail_msg("%s = %.12f, expected %.12f", #a, a_, b_);                        \
	} while (0)

/* Chi-square statistic of draws against Binomial(n, p), tails merged until
 * every cell expects at least 5; *df gets the degrees of freedom. */
static double binomial_chi2(const uint64_t *hist, uint64_t n, double p, size_t draws, int *df)
{
	double chi = 0, exp_acc = 0, obs_acc = 0;
	int cells = 0;
	for (uint64_t k = 0; k <= n; k++) {
		double lp = lgamma((double)n + 1) - lgamma((double)k + 1) -
			    lgamma((double)(n - k) + 1) + (double)k * log(p) +
			    (double)(n - k) * log1p(-p);
		exp_acc += exp(lp) * (double)draws;
		obs_acc += (double)hist[k];
		if (exp_acc >= 5 || k == n) {
			chi += (obs_acc - exp_acc) * (obs_acc - exp_acc) / exp_acc;
			exp_acc = obs_acc = 0;
			cells++;
		}
	}
	*df = cells - 1;
	return chi;
}

static void test_binomial(void **state)
{
	/* both methods (inversion below n p = 30, BTPE above) on both sides
	 * of p = 0.5, near the switch and far from it */
	static const struct {
		uint64_t n;
		double p;
	} cases[] = {{20, 0.3}, {45, 0.5}, {200, 0.2}, {1000, 0.3}, {1000, 0.97}, {100000, 0.6}};
	(void)state;
	for (size_t c = 0; c < GV_ARRAY_LEN(cases); c++) {
		uint64_t n = cases[c].n, seed = 7 + c;
		double p = cases[c].p, sum = 0, sq = 0, chi;
		size_t draws = 20000;
		uint64_t *hist = xcalloc(n + 1, sizeof *hist);
		int df;
		for (size_t d = 0; d < draws; d++) {
			uint64_t x = rng_binomial(&seed, n, p);
			assert_true(x <= n);
			hist[x]++;
			sum += (double)x;
			sq += (double)x * (double)x;
		}
		chi = binomial_chi2(hist, n, p, draws, &df);
		/* about the 0.999 quantile of chi-square with df degrees of freedom */
		if (chi > df + 4.5 * sqrt(2.0 * df) + 10)
			fail_msg("Binomial(%llu, %g): chi-square %.1f on %d df",
				 (unsigned long long)n, p, chi, df);
		/* mean within 5 standard errors of n p */
		assert_close(sum / draws, n * p, 5 * sqrt(n * p * (1 - p) / draws));
		(void)sq;
		free(hist);
	}
	{
		uint64_t seed = 1;
		assert_int_equal(rng_binomial(&seed, 0, 0.5), 0);
		assert_int_equal(rng_binomial(&seed, 10, 0), 0);
		assert_int_equal(rng_binomial(&seed, 10, 1), 10);
	}
}

static void test_multinomial(void **state)
{
	const uint64_t w[5] = {10, 0, 30, 60, 0};
	uint64_t out[5], seed = 3, tot[5] = {0};
	(void)state;
	for (int r = 0; r < 2000; r++) {
		uint64_t s = 0;
		rng_multinomial(&seed, 1000, w, 5, out);
		for (int k = 0; k < 5; k++) {
			s += out[k];
			tot[k] += out[k];
		}
		assert_int_equal(s, 1000);
		assert_int_equal(out[1], 0);
		assert_int_equal(out[4], 0);
	}
	/* each category's mean count is n w_k / sum w */
	assert_close(tot[0] / 2000.0, 100, 0.5);
	assert_close(tot[2] / 2000.0, 300, 0.8);
	assert_close(tot[3] / 2000.0, 600, 0.8);
}

/* Seeded random votes: items x annotators, each vote present with
 * probability 0.6, labels skewed towards a per-item true label. */
static void random_votes(struct stats_votes *v, size_t items, int ann, int K, uint64_t seed)
{
	size_t nv = 0;
	memset(v, 0, sizeof *v);
	v->nitems = items;
	v->nlabels = K;
	v->nannotators = ann;
	v->start = xcalloc(items + 1, sizeof *v->start);
	v->ann = xcalloc(items * (size_t)ann + 1, sizeof *v->ann);
	v->lab = xcalloc(items * (size_t)ann + 1, sizeof *v->lab);
	v->value = xcalloc((size_t)K + 1, sizeof *v->value);
	for (int k = 0; k < K; k++)
		v->value[k] = k + 1;
	for (size_t i = 0; i < items; i++) {
		int truth = (int)(rng_next(&seed) % (uint64_t)K);
		v->start[i] = (uint32_t)nv;
		for (int a = 0; a < ann; a++) {
			double u = rng_uniform(&seed);
			if (rng_uniform(&seed) > 0.6)
				continue;
			v->ann[nv] = (uint32_t)a;
			v->lab[nv] = (uint16_t)(u < 0.6 + 0.03 * a
							? truth
							: (int)(rng_next(&seed) % (uint64_t)K));
			nv++;
		}
	}
	v->start[items] = (uint32_t)nv;
	v->nvotes = nv;
}

static int dbl_cmp(const void *x, const void *y)
{
	double p = *(const double *)x, q = *(const double *)y;
	return (p > q) - (p < q);
}

static double pct(const double *s, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)pos;
	return lo + 1 >= n ? s[n - 1] : s[lo] + (pos - (double)lo) * (s[lo + 1] - s[lo]);
}

/* A plain bootstrap: draw every resampled item and recompute alpha. */
static void naive_bootstrap(const struct stats_votes *v, enum stats_metric m, int reps,
			    uint64_t seed, double *lo, double *hi)
{
	size_t *units = xmalloc((v->nitems + 1) * sizeof *units), nu = 0;
	double *al = xmalloc((size_t)reps * sizeof *al);
	struct stats_votes r = *v;
	r.start = xmalloc((v->nitems + 1) * sizeof *r.start);
	r.ann = xmalloc((v->nvotes + 1) * sizeof *r.ann);
	r.lab = xmalloc((v->nvotes + 1) * sizeof *r.lab);
	for (size_t i = 0; i < v->nitems; i++)
		if (v->start[i + 1] - v->start[i] >= 2)
			units[nu++] = i;
	for (int b = 0; b < reps; b++) {
		size_t nv = 0;
		for (size_t d = 0; d < nu; d++) {
			size_t i = units[rng_next(&seed) % nu];
			r.start[d] = (uint32_t)nv;
			for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++) {
				/* grow when a resample repeats large items */
				if (nv >= v->nvotes) {
					r.ann = xrealloc(r.ann, (nv + 64) * sizeof *r.ann);
					r.lab = xrealloc(r.lab, (nv + 64) * sizeof *r.lab);
				}
				r.ann[nv] = v->ann[j];
				r.lab[nv++] = v->lab[j];
			}
		}
		r.start[nu] = (uint32_t)nv;
		r.nitems = nu;
		r.nvotes = nv;
		al[b] = stats_krippendorff_alpha(&r, m);
	}
	qsort(al, (size_t)reps, sizeof *al, dbl_cmp);
	*lo = pct(al, (size_t)reps, 0.025);
	*hi = pct(al, (size_t)reps, 0.975);
	free(units);
	free(al);
	free(r.start);
	free(r.ann);
	free(r.lab);
}

static void test_bootstrap_kinds(void **state)
{
	struct stats_votes v;
	(void)state;
	random_votes(&v, 300, 6, 4, 11);
	for (int m = STATS_NOMINAL; m <= STATS_INTERVAL; m++) {
		double lo, hi, nlo, nhi, a = stats_krippendorff_alpha(&v, (enum stats_metric)m);
		double lo2, hi2;
		assert_int_equal(stats_alpha_bootstrap(&v, (enum stats_metric)m, 4000, 5, &lo, &hi),
				 4000);
		naive_bootstrap(&v, (enum stats_metric)m, 4000, 99, &nlo, &nhi);
		/* Two Monte Carlo estimates of the same percentiles: with 4000
		 * replicates each, their standard error is about 0.003 here. */
		assert_close(lo, nlo, 0.015);
		assert_close(hi, nhi, 0.015);
		assert_true(lo < a && a < hi);
		/* the same seed gives the same interval, another seed another */
		stats_alpha_bootstrap(&v, (enum stats_metric)m, 4000, 5, &lo2, &hi2);
		assert_true(lo == lo2 && hi == hi2);
		stats_alpha_bootstrap(&v, (enum stats_metric)m, 4000, 6, &lo2, &hi2);
		assert_true(lo != lo2 || hi != hi2);
	}
	{
		/* no replicate asked, or a metric that does not apply */
		double lo, hi;
		assert_int_equal(stats_alpha_bootstrap(&v, STATS_NOMINAL, 0, 1, &lo, &hi), 0);
		assert_true(isnan(lo) && isnan(hi));
		v.value[0] = NAN;
		assert_int_equal(stats_alpha_bootstrap(&v, STATS_INTERVAL, 10, 1, &lo, &hi), 0);
		assert_true(isnan(lo));
	}
	stats_votes_free(&v);
}

static void test_cohen_matrix(void **state)
{
	struct stats_votes v;
	const int sel[5] = {7, 2, 0, 5, 3};
	double kappa[25];
	uint32_t shared[25];
	(void)state;
	random_votes(&v, 400, 9, 3, 21);
	stats_cohen_matrix(&v, sel, 5, 1, kappa, shared);
	for (int x = 0; x < 5; x++) {
		for (int y = 0; y < 5; y++) {
			uint32_t n;
			double k = stats_cohen_kappa(&v, sel[x], sel[y], &n);
			if (x == y) {
				assert_true(isnan(kappa[x * 5 + y]));
				continue;
			}
			assert_int_equal(shared[x * 5 + y], n);
			assert_close(kappa[x * 5 + y], k, 1e-12);
		}
	}
	/* a pair below min_shared has no kappa but keeps its count */
	stats_cohen_matrix(&v, sel, 5, 100000, kappa, shared);
	assert_true(isnan(kappa[1]) && shared[1] > 0);
	stats_votes_free(&v);
}

static void test_parse_day(void **state)
{
	int32_t d;
	(void)state;
	assert_int_equal(store_lead_parse_day("1970-01-01", 10, &d), 0);
	assert_int_equal(d, 0);
	/* 2024-02-29: 19782 days (54 years of 365 days plus 13 leap days, plus 59) */
	assert_int_equal(store_lead_parse_day("2024-02-29T10:00:00Z", 20, &d), 0);
	assert_int_equal(d, 19782);
	assert_int_equal(store_lead_parse_day("1709200800", 10, &d), 0); /* 2024-02-29 10:00 UTC */
	assert_int_equal(d, 19782);
	assert_int_equal(store_lead_parse_day("1709200800000", 13, &d), 0);
	assert_int_equal(d, 19782);
	assert_int_equal(store_lead_parse_day("yesterday", 9, &d), -1);
	assert_int_equal(store_lead_parse_day("2024-13-01", 10, &d), -1);
	assert_int_equal(store_lead_parse_day("12345", 5, &d), -1);
}

/*
 * The hand-worked project: task t, nominal, labels a, b, c; annotators x,
 * y, z; six items:
 *   i1: x a, y a, z a    unanimous a, agreement 1
 *   i2: x a, y a, z b    a 2, b 1: agreement (2*1)/(3*2) = 1/3
 *   i3: x b, y c         b 1, c 1: agreement 0
 *   i4: x c, y c, z b    c 2, b 1: agreement 1/3
 *   i5: x a              one vote: not compared
 *   i6: x b, y b, z a    b 2, a 1: agreement 1/3
 * Decisions: i1 -> b citing R2, i2 -> b citing R1, i3 -> c citing none,
 * i4 -> c citing R1. Flags: i6 with note "#R2 unclear", i2 with "hard".
 */
static int setup(void **state)
{
	struct test_fx *f = test_fx_lead("lead");
	struct audit_actor ex1, ex2;
	char err[GV_ERR];
	audit_actor_init(&ex1, "ex1");
	ex1.uid = 1001;
	audit_actor_init(&ex2, "ex2");
	ex2.uid = 1002;
	if (store_review_flag(f->st, &ex1, 6, "#R2 unclear", err) ||
	    store_review_flag(f->st, &ex2, 2, "hard", err))
		fail_msg("%s", err);
	*state = f;
	return 0;
}

static const struct lead_annotator *annotator(const struct lead_task *t, const char *name)
{
	for (int a = 0; a < t->nannotators; a++)
		if (strcmp(t->annotators[a].name, name) == 0)
			return &t->annotators[a];
	fail_msg("no annotator %s", name);
	return NULL;
}

static void test_hand_worked(void **state)
{
	struct test_fx *f = *state;
	struct lead_opts o;
	struct lead_report r;
	const struct lead_task *t;
	const struct lead_annotator *x, *y, *z;
	char err[GV_ERR];
	struct sbuf b = {0};

	lead_opts_default(&o);
	o.ds = 0;
	o.min_shared = 1;
	o.bootstrap = 200;
	assert_int_equal(lead_build(f->st, NULL, &o, &r, err), 0);
	assert_int_equal(r.ntasks, 1);
	t = &r.tasks[0];

	/* items with a vote 6, compared 5; percent agreement = (1 + 1/3 + 0 +
	 * 1/3 + 1/3) / 5 = 0.4 */
	assert_int_equal(t->res.items, 6);
	assert_int_equal(t->res.items_multi, 5);
	assert_close(t->res.percent_agreement, 0.4, 1e-12);
	assert_true(t->metric == STATS_NOMINAL);
	assert_close(t->alpha, t->res.alpha_nominal, 0);
	assert_true(t->alpha_lo <= t->alpha && t->alpha <= t->alpha_hi);

	/* decided i1..i4; disputed items i2, i3, i4, i6, of which only i6 is
	 * undecided */
	assert_int_equal(t->decided, 4);
	assert_int_equal(t->open, 1);
	assert_false(t->have_ds);

	/* strict majorities: i1 a (3 of 3), i2 a (2 of 3), i4 c (2 of 3); i3
	 * (1-1) has none. Experts: i1 b, i2 b (both overturn a), i4 c. */
	assert_int_equal(t->mve_decided, 3);
	assert_int_equal(t->mve_overturned, 2);
	assert_int_equal(t->majority_expert[0 * 3 + 1], 2); /* majority a, expert b */
	assert_int_equal(t->majority_expert[2 * 3 + 2], 1); /* majority c, expert c */
	assert_int_equal(t->labels[0].majority_decided, 2);
	assert_int_equal(t->labels[0].overturned, 2);
	assert_int_equal(t->labels[1].majority_decided, 0);
	assert_int_equal(t->labels[2].majority_decided, 1);
	assert_int_equal(t->labels[2].overturned, 0);

	/* items per label: a in i1 i2 i5 i6 (4), b in i2 i3 i4 i6 (4), c in i3
	 * i4 (2). Both a and b: i2, i6; b and c: i3, i4; a and c: none. The
	 * diagonal counts unanimous compared items: a: i1. */
	assert_int_equal(t->labels[0].items, 4);
	assert_int_equal(t->labels[1].items, 4);
	assert_int_equal(t->labels[2].items, 2);
	assert_int_equal(t->cooccur[0 * 3 + 1], 2);
	assert_int_equal(t->cooccur[1 * 3 + 0], 2);
	assert_int_equal(t->cooccur[1 * 3 + 2], 2);
	assert_int_equal(t->cooccur[0 * 3 + 2], 0);
	assert_int_equal(t->cooccur[0], 1);
	assert_int_equal(t->cooccur[1 * 3 + 1], 0);
	/* a is confused with b (2 of its 4 items); b with a and c twice each:
	 * the tie goes to a, first in label order; c with b (2 of 2) */
	assert_int_equal(t->labels[0].confused_with, 1);
	assert_int_equal(t->labels[0].confused_items, 2);
	assert_int_equal(t->labels[1].confused_with, 0);
	assert_int_equal(t->labels[2].confused_with, 1);

	/* histogram: i3 in [0, 0.1), i2 i4 i6 in [0.3, 0.4), i1 in [0.9, 1] */
	for (int k = 0; k < LEAD_BINS; k++)
		assert_int_equal(t->bins[k], k == 0 ? 1 : k == 3 ? 3 : k == 9 ? 1 : 0);

	/* rules: R1 cited by i2 (overturn) and i4; R2 by i1 (overturn); i3
	 * cites none and had no majority. Flags: i6's note cites R2; i2's
	 * cites nothing, so it counts for i2's decision's rule, R1. By label:
	 * i6's plurality is b, i2's is a. */
	assert_int_equal(t->nrules, 3);
	assert_string_equal(t->rules[0].rule, "R1");
	assert_int_equal(t->rules[0].decisions, 2);
	assert_int_equal(t->rules[0].majority, 2);
	assert_int_equal(t->rules[0].overturned, 1);
	assert_int_equal(t->rules[0].flags, 1);
	assert_string_equal(t->rules[1].rule, "R2");
	assert_int_equal(t->rules[1].decisions, 1);
	assert_int_equal(t->rules[1].overturned, 1);
	assert_int_equal(t->rules[1].flags, 1);
	assert_null(t->rules[2].rule);
	assert_int_equal(t->rules[2].decisions, 1);
	assert_int_equal(t->rules[2].majority, 0);
	assert_int_equal(t->flags, 2);
	assert_int_equal(t->labels[0].flags, 1);
	assert_int_equal(t->labels[1].flags, 1);

	/* No import event in this project: every item is in one bucket of
	 * other items, with the task's percent agreement. */
	assert_false(t->by_week);
	assert_int_equal(t->nbuckets, 1);
	assert_int_equal(t->buckets[0].items, 6);
	assert_int_equal(t->buckets[0].compared, 5);
	assert_close(t->buckets[0].agreement, 0.4, 1e-12);

	/* Annotators. Agreement with the others, per compared item voted on:
	 * x: i1 1, i2 1/2, i3 0, i4 1/2, i6 1/2 -> 0.5; y: the same values ->
	 * 0.5; z: i1 1, i2 0, i4 0, i6 0 -> 0.25. Against the experts: x right
	 * on i4 only (1 of 4), y on i3 and i4 (2 of 4), z on i2 (1 of 3);
	 * Wilson 95% intervals by the score formula with z = 1.959964. */
	x = annotator(t, "x");
	y = annotator(t, "y");
	z = annotator(t, "z");
	assert_int_equal(x->r.votes, 6);
	assert_close(x->r.agreement, 0.5, 1e-12);
	assert_close(y->r.agreement, 0.5, 1e-12);
	assert_close(z->r.agreement, 0.25, 1e-12);
	assert_int_equal(x->r.decided, 4);
	assert_int_equal(x->r.correct, 1);
	assert_close(x->r.acc_lo, 0.045587, 1e-6);
	assert_close(x->r.acc_hi, 0.699358, 1e-6);
	assert_int_equal(y->r.correct, 2);
	assert_close(y->r.acc_lo, 0.150039, 1e-6);
	assert_int_equal(z->r.decided, 3);
	assert_int_equal(z->r.correct, 1);
	assert_close(z->r.acc_hi, 0.792340, 1e-6);
	assert_close(x->series[0], 0.5, 1e-12);
	assert_close(z->series[0], 0.25, 1e-12);

	/* Pairs. x and y share i1 i2 i3 i4 i6 and agree on 4: p_o = 0.8; x's
	 * labels a2 b2 c1, y's a2 b1 c2, p_e = (4 + 2 + 2) / 25 = 0.32, kappa =
	 * 0.48 / 0.68. x and z share i1 i2 i4 i6 and agree on i1: p_o = 0.25,
	 * p_e = (2*2 + 1*2) / 16 = 0.375, kappa = -0.2; y and z the same. The
	 * order starts at the most active (x) and seats y, the closest, next;
	 * x and y (kappa >= 0.6) form one cluster, z another. */
	assert_int_equal(t->pairs.n, 3);
	assert_string_equal(t->annotators[t->pairs.ann[0]].name, "x");
	assert_string_equal(t->annotators[t->pairs.ann[1]].name, "y");
	assert_string_equal(t->annotators[t->pairs.ann[2]].name, "z");
	assert_close(t->pairs.kappa[0 * 3 + 1], 0.48 / 0.68, 1e-12);
	assert_close(t->pairs.kappa[0 * 3 + 2], -0.2, 1e-12);
	assert_close(t->pairs.kappa[1 * 3 + 2], -0.2, 1e-12);
	assert_int_equal(t->pairs.shared[0 * 3 + 1], 5);
	assert_int_equal(t->pairs.shared[0], 6);
	assert_int_equal(t->pairs.nclusters, 2);
	assert_int_equal(t->pairs.cluster[1], 0);
	assert_int_equal(t->pairs.cluster[2], 1);

	/* The same figures in JSON. */
	lead_task_json(&b, t);
	assert_non_null(strstr(b.s, "\"decided\":4,\"open\":1,\"ds_differs\":null"));
	assert_non_null(strstr(b.s, "\"cooccurrence\":[[1,2,0],[2,0,2],[0,2,0]]"));
	assert_non_null(strstr(b.s, "\"majority_expert\":[[0,2,0],[0,0,0],[0,0,1]]"));
	assert_non_null(strstr(b.s, "\"clusters\":[[\"x\",\"y\"],[\"z\"]]"));
	assert_non_null(strstr(b.s, "{\"rule\":\"R1\",\"decisions\":2,\"majority\":2,"
				    "\"overturned\":1,\"rate\":0.5,\"flags\":1}"));
	assert_non_null(strstr(b.s, "{\"label\":\"a\",\"items\":4,\"confused_with\":{\"label\":"
				    "\"b\",\"items\":2,\"share\":0.5},\"majority_decided\":2,"
				    "\"overturned\":2,\"overturn_rate\":1.0,\"flags\":1}"));
	sbuf_free(&b);
	lead_report_free(&r);

	/* an unknown task is an error naming it */
	assert_int_equal(lead_build(f->st, "nope", &o, &r, err), -1);
	assert_non_null(strstr(err, "no task named 'nope'"));
}

/* The items an expert decided against one annotator's vote. */
static void test_overruled(void **state)
{
	struct test_fx *f = *state;
	struct store_task t;
	struct store_lead_overruled *v;
	size_t n;
	int64_t id;
	char err[GV_ERR];

	assert_int_equal(store_task_get(f->st, "t", &t, err), 1);
	/* x voted a on i1 and i2 (decided b) and b on i3 (decided c); right on i4 */
	assert_int_equal(store_lead_annotator_id(f->st, "x", &id, err), 1);
	assert_int_equal(store_lead_overruled(f->st, &t, id, 0, &v, &n, err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].external_id, "i1");
	assert_int_equal(v[0].vote, 0);
	assert_int_equal(v[0].label, 1);
	assert_string_equal(v[0].rule, "R2");
	assert_string_equal(v[2].external_id, "i3");
	assert_null(v[2].rule);
	store_lead_overruled_free(v, n);
	/* with the agreeing ones: i4 too (x voted c, decided c) */
	assert_int_equal(store_lead_overruled(f->st, &t, id, 1, &v, &n, err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[3].external_id, "i4");
	assert_int_equal(v[3].vote, v[3].label);
	store_lead_overruled_free(v, n);
	assert_int_equal(store_lead_annotator_id(f->st, "nobody", &id, err), 0);
	store_task_free(&t);
}

/*
 * A version 3 project opened by this gavel: read-only, by a user who may
 * write the file, it is migrated first (the open says from which version),
 * and it has version 4's task_tally, counted by the migration (a later
 * open migrates nothing), and the quick figures read it alone: they are
 * the hand-worked ones: items 6, votes 15; compared items i1-i4 and i6 with
 * agreement 1 + 1/3 + 0 + 1/3 + 1/3 = 2, which the tally keeps in units of
 * 2^-24 per item (src/store.h): 1/3 is 5592405 of them (2^24 / 3 rounded),
 * so the sum is (2^24 + 3 * 5592405) / 2^24 = 2 - 2^-24; disputed i2, i3,
 * i4, i6; decided
 * i1-i4, of them disputed i2, i3, i4. Then a vote changed behind the
 * summaries' back and store_summary_refresh: the tally follows (i5 gets a
 * second vote, b against a: compared 6, disputed 5, votes 16).
 */
static void test_migrate_v3(void **state)
{
	struct test_fx *f = *state;
	struct store_lead_quick q;
	struct store_task t;
	struct store *ro = NULL;
	char err[GV_ERR], *row;

	test_exec(f->st, "DROP TABLE task_tally; PRAGMA user_version = 3;");
	store_close(f->st);
	f->st = NULL;
	/* A read-only open by a user who may write the file migrates it. */
	if (store_open(f->path, STORE_READONLY, &ro, err))
		fail_msg("%s", err);
	assert_true(ro->readonly);
	assert_int_equal(ro->migrated_from, 3);
	store_close(ro);
	if (store_open(f->path, 0, &f->st, err))
		fail_msg("%s", err);
	row = test_query_text(f->st,
			      "SELECT (SELECT user_version FROM pragma_user_version) || ' ' ||"
			      " (SELECT group_concat(task || ':' || items || ',' || votes || ','"
			      " || compared || ',' || round(sum_agree, 9) || ',' || disputed)"
			      " FROM task_tally)");
	assert_string_equal(row, "4 1:6,15,5,1.99999994,4");
	free(row);
	assert_int_equal(f->st->migrated_from, 0);
	/* the quick figures come from the tally, not from item_votes */
	test_exec(f->st, "UPDATE task_tally SET items = 60 WHERE task = 1");
	assert_int_equal(store_task_get(f->st, "t", &t, err), 1);
	assert_int_equal(store_lead_quick(f->st, &t, &q, err), 0);
	assert_int_equal(q.items, 60);
	assert_int_equal(q.votes, 15);
	assert_int_equal(q.compared, 5);
	assert_true(q.sum_agree == 2.0 - 1.0 / 16777216);
	assert_int_equal(q.disputed, 4);
	assert_int_equal(q.decided, 4);
	assert_int_equal(q.decided_dis, 3);
	test_exec(f->st, "UPDATE item_votes SET votes = json_array(json_array(1, 0),"
			 " json_array(2, 1)) WHERE item = 5");
	assert_int_equal(store_begin(f->st, err), 0);
	assert_int_equal(store_summary_refresh(f->st, 1, err), 0);
	assert_int_equal(store_commit(f->st, err), 0);
	assert_int_equal(store_lead_quick(f->st, &t, &q, err), 0);
	assert_int_equal(q.items, 6);
	assert_int_equal(q.votes, 16);
	assert_int_equal(q.compared, 6);
	assert_true(q.sum_agree == 2.0 - 1.0 / 16777216);
	assert_int_equal(q.disputed, 5);
	store_task_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binomial),
		cmocka_unit_test(test_multinomial),
		cmocka_unit_test(test_bootstrap_kinds),
		cmocka_unit_test(test_cohen_matrix),
		cmocka_unit_test(test_parse_day),
		cmocka_unit_test_setup_teardown(test_hand_worked, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_overruled, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v3, setup, test_fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
