/*
 * Unit tests of the agreement statistics (src/stats.c), the vote loader
 * (src/store_votes.c) and the JSON report (src/stats_report.c).
 *
 * Expected values come from independent implementations, printed by
 * tests/ref/stats_ref.py (run `/usr/bin/python3 tests/ref/stats_ref.py`; it
 * holds the same matrices as this file): statsmodels 0.13.5
 * stats.inter_rater.fleiss_kappa, NLTK 3.8 metrics.agreement.AnnotationTask
 * .alpha() (nominal, and with distance=interval_distance), scikit-learn 1.2.1
 * metrics.cohen_kappa_score, and Krippendorff's published worked example
 * (K. Krippendorff, "Computing Krippendorff's Alpha-Reliability", 2011,
 * section C: 4 observers x 12 units with missing values; nominal 0.743,
 * ordinal 0.815, interval 0.849).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "stats.h"
#include "stats_report.h"
#include "store.h"
#include "store_votes.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EPS 1e-9

#define assert_close(a, b, eps)                                                                    \
	do {                                                                                       \
		double a_ = (a), b_ = (b);                                                         \
		if (!(fabs(a_ - b_) <= (eps)))                                                     \
			fail_msg("%s = %.12f, expected %.12f", #a, a_, b_);                        \
	} while (0)

#define assert_nan(a)                                                                              \
	do {                                                                                       \
		double a_ = (a);                                                                   \
		if (!isnan(a_))                                                                    \
			fail_msg("%s = %.12f, expected NaN (not applicable)", #a, a_);             \
	} while (0)

/*
 * Build CSR votes from a matrix: rows are items, columns annotators, cell
 * value v in 1..K is label v-1 (numeric value v), 0 is no vote.
 */
static void votes_from_matrix(struct stats_votes *v, const int *m, size_t rows, int cols, int K)
{
	size_t nv = 0;
	memset(v, 0, sizeof *v);
	v->nitems = rows;
	v->nlabels = K;
	v->nannotators = cols;
	v->start = xcalloc(rows + 1, sizeof *v->start);
	v->ann = xcalloc(rows * (size_t)cols + 1, sizeof *v->ann);
	v->lab = xcalloc(rows * (size_t)cols + 1, sizeof *v->lab);
	v->value = xcalloc((size_t)K + 1, sizeof *v->value);
	for (int k = 0; k < K; k++)
		v->value[k] = k + 1;
	for (size_t i = 0; i < rows; i++) {
		v->start[i] = (uint32_t)nv;
		for (int a = 0; a < cols; a++) {
			int x = m[i * (size_t)cols + (size_t)a];
			if (!x)
				continue;
			v->ann[nv] = (uint32_t)a;
			v->lab[nv] = (uint16_t)(x - 1);
			nv++;
		}
	}
	v->start[rows] = (uint32_t)nv;
	v->nvotes = nv;
}

static void compute(const struct stats_votes *v, int ordinal, struct stats_result *r)
{
	struct stats_opts o;
	char err[GV_ERR];
	stats_opts_default(&o);
	o.ordinal = ordinal;
	if (stats_votes_check(v, err))
		fail_msg("%s", err);
	if (stats_compute(v, &o, r, err))
		fail_msg("%s", err);
}

static const struct stats_pair *find_pair(const struct stats_result *r, int a, int b)
{
	for (size_t p = 0; p < r->npairs; p++) {
		if (r->pairs[p].a == a && r->pairs[p].b == b)
			return &r->pairs[p];
	}
	return NULL;
}

/* Fleiss (1971) diagnoses, 30 patients x 6 raters, categories 1-5 (R irr's
 * `diagnoses`). */
static const int fleiss1971[30][6] = {
	{4, 4, 4, 4, 4, 4}, {2, 2, 2, 5, 5, 5}, {2, 3, 3, 3, 3, 5}, {5, 5, 5, 5, 5, 5},
	{2, 2, 2, 4, 4, 4}, {1, 1, 3, 3, 3, 3}, {3, 3, 3, 3, 5, 5}, {1, 1, 3, 3, 3, 4},
	{1, 1, 4, 4, 4, 4}, {5, 5, 5, 5, 5, 5}, {1, 4, 4, 4, 4, 4}, {1, 2, 4, 4, 4, 4},
	{2, 2, 2, 3, 3, 3}, {1, 4, 4, 4, 4, 4}, {2, 2, 4, 4, 4, 5}, {3, 3, 3, 3, 3, 5},
	{1, 1, 1, 4, 5, 5}, {1, 1, 1, 1, 1, 2}, {2, 2, 4, 4, 4, 4}, {1, 3, 3, 5, 5, 5},
	{5, 5, 5, 5, 5, 5}, {2, 4, 4, 4, 4, 4}, {2, 2, 4, 5, 5, 5}, {1, 1, 4, 4, 4, 4},
	{1, 4, 4, 4, 4, 5}, {2, 2, 2, 2, 2, 4}, {1, 1, 1, 1, 5, 5}, {2, 2, 4, 4, 4, 4},
	{1, 3, 3, 3, 3, 3}, {5, 5, 5, 5, 5, 5},
};

static void test_fleiss1971(void **state)
{
	struct stats_votes v;
	struct stats_result r;
	/* Fleiss' per-category kappa and specific agreement: Fleiss 1971's
	 * kappa_j formula and PS_k of struct stats_label, evaluated with numpy in
	 * stats_ref.py (per_category); the kappas are the paper's .245 .245 .520
	 * .471 .566. */
	static const double ps[5] = {0.3538461538, 0.3538461538, 0.6000000000, 0.6327272727,
				     0.6697674419};
	static const double kap[5] = {0.2447552448, 0.2447552448, 0.5200000000, 0.4711272727,
				      0.5661178068};
	(void)state;
	votes_from_matrix(&v, &fleiss1971[0][0], 30, 6, 5);
	compute(&v, 1, &r);
	assert_int_equal(r.items, 30);
	assert_int_equal(r.votes, 180);
	assert_int_equal(r.items_multi, 30);
	assert_int_equal(r.n_min, 6);
	assert_int_equal(r.n_max, 6);
	assert_int_equal(r.varying_n, 0);
	/* statsmodels fleiss_kappa(aggregate_raters(diagnoses)[0]) = 0.4302445201
	 * (R irr kappam.fleiss: 0.430) */
	assert_close(r.fleiss_kappa, 0.4302445201, EPS);
	assert_close(stats_fleiss_kappa(&v), 0.4302445201, EPS);
	/* P-bar, numpy mean of A_i in stats_ref.py */
	assert_close(r.percent_agreement, 0.5555555556, EPS);
	/* nltk AnnotationTask(triples).alpha() */
	assert_close(r.alpha_nominal, 0.4334098283, EPS);
	/* nltk AnnotationTask(triples, distance=interval_distance).alpha() */
	assert_close(r.alpha_interval, 0.2880496260, EPS);
	/* pairwise_alpha with Krippendorff's ordinal metric in stats_ref.py (the
	 * krippendorff package gives 0.335858) */
	assert_close(r.alpha_ordinal, 0.3358575222, EPS);
	for (int k = 0; k < 5; k++) {
		assert_close(r.labels[k].specific_agreement, ps[k], EPS);
		assert_close(r.labels[k].kappa, kap[k], EPS);
	}
	/* statsmodels' own test asserts the category totals 26, 26, 30, 55, 43 */
	assert_int_equal(r.labels[0].count, 26);
	assert_int_equal(r.labels[3].count, 55);
	assert_int_equal(r.labels[4].count, 43);
	/* 15 pairs, each with all 30 items shared */
	assert_int_equal(r.npairs, 15);
	assert_int_equal(r.pairs[0].n, 30);
	/* sklearn cohen_kappa_score(rater1, rater2) = 0.6511627907 (irr kappa2: 0.651) */
	assert_non_null(find_pair(&r, 0, 1));
	assert_close(find_pair(&r, 0, 1)->kappa, 0.6511627907, EPS);
	assert_close(stats_cohen_kappa(&v, 0, 1, NULL), 0.6511627907, EPS);
	/* 5 of 30 patients are unanimous (row 1 all 4; rows 4, 10, 21, 30 all 5) */
	assert_int_equal(r.disputed, 30 - 5);
	/* P-bar 0.556 < 0.70 */
	assert_true(r.flagged);
	stats_result_free(&r);
	stats_votes_free(&v);
}

/* Krippendorff (2011), section C, observers A-D as columns, 0 = missing. */
static const int kripp2011[12][4] = {
	{1, 1, 0, 1}, {2, 2, 3, 2}, {3, 3, 3, 3}, {3, 3, 3, 3}, {2, 2, 2, 2}, {1, 2, 3, 4},
	{4, 4, 4, 4}, {1, 1, 2, 1}, {2, 2, 2, 2}, {0, 5, 5, 5}, {0, 0, 1, 1}, {0, 0, 3, 0},
};

static void test_krippendorff2011(void **state)
{
	struct stats_votes v;
	struct stats_result r;
	(void)state;
	votes_from_matrix(&v, &kripp2011[0][0], 12, 4, 5);
	compute(&v, 1, &r);
	/* Published: nominal 0.743, ordinal 0.815, interval 0.849 (to 3 decimals). */
	assert_close(r.alpha_nominal, 0.743, 0.0005);
	assert_close(r.alpha_ordinal, 0.815, 0.0005);
	assert_close(r.alpha_interval, 0.849, 0.0005);
	/* Full precision: nltk AnnotationTask alpha() nominal and interval_distance;
	 * ordinal from stats_ref.py's pairwise definition. */
	assert_close(r.alpha_nominal, 0.7434210526, EPS);
	assert_close(r.alpha_interval, 0.8491071429, EPS);
	assert_close(r.alpha_ordinal, 0.8153875038, EPS);
	assert_close(stats_krippendorff_alpha(&v, STATS_NOMINAL), 0.7434210526, EPS);
	assert_close(stats_krippendorff_alpha(&v, STATS_ORDINAL), 0.8153875038, EPS);
	assert_close(stats_krippendorff_alpha(&v, STATS_INTERVAL), 0.8491071429, EPS);
	/* unit 12 has one value: counted, not compared */
	assert_int_equal(r.items, 12);
	assert_int_equal(r.items_multi, 11);
	assert_int_equal(r.votes, 41);
	assert_int_equal(r.n_min, 1);
	assert_int_equal(r.n_max, 4);
	assert_close(r.n_mean, 41.0 / 12, EPS);
	assert_int_equal(r.varying_n, 1);
	stats_result_free(&r);
	stats_votes_free(&v);
}

/* Seeded random data from stats_ref.py (RANDOM): 5 annotators, labels 1-3. */
static const int random26[26][5] = {
	{2, 0, 3, 1, 3}, {0, 2, 1, 2, 2}, {3, 0, 3, 3, 3}, {0, 0, 0, 1, 1}, {0, 0, 2, 2, 2},
	{3, 3, 3, 3, 0}, {3, 2, 3, 2, 2}, {1, 1, 2, 1, 1}, {0, 1, 0, 1, 1}, {1, 0, 1, 1, 1},
	{0, 0, 2, 3, 3}, {1, 2, 1, 1, 2}, {3, 1, 1, 0, 1}, {3, 1, 1, 1, 2}, {3, 3, 3, 3, 3},
	{1, 3, 3, 0, 0}, {1, 0, 2, 2, 2}, {1, 0, 0, 3, 1}, {3, 3, 0, 0, 0}, {0, 0, 1, 1, 1},
	{3, 2, 1, 1, 3}, {0, 3, 0, 1, 1}, {1, 0, 1, 1, 1}, {3, 3, 3, 0, 3}, {0, 0, 0, 2, 0},
	{0, 3, 0, 0, 0},
};

static void test_random_missing(void **state)
{
	struct stats_votes v;
	struct stats_result r;
	/* sklearn cohen_kappa_score on each pair's shared items (all 10 pairs
	 * share >= 10 items) */
	static const struct {
		int a, b;
		uint32_t n;
		double kappa;
	} pairs[] = {
		{0, 1, 11, 0.0833333333}, {0, 2, 15, 0.1984732824}, {0, 3, 13, 0.2277227723},
		{0, 4, 14, 0.3385826772}, {1, 2, 11, 0.3292682927}, {1, 3, 10, 0.5588235294},
		{1, 4, 11, 0.5875000000}, {2, 3, 16, 0.5121951220}, {2, 4, 17, 0.3897435897},
		{3, 4, 19, 0.5851528384},
	};
	/* numpy per_category in stats_ref.py */
	static const double ps[3] = {0.6491228070, 0.4262295082, 0.6868686869};
	static const double kap[3] = {0.4391025641, 0.3347953216, 0.5087077673};
	(void)state;
	votes_from_matrix(&v, &random26[0][0], 26, 5, 3);
	compute(&v, 1, &r);
	/* nltk AnnotationTask alpha(): nominal, interval_distance */
	assert_close(r.alpha_nominal, 0.4435028249, EPS);
	assert_close(r.alpha_interval, 0.5073664825, EPS);
	/* stats_ref.py pairwise_alpha, ordinal metric */
	assert_close(r.alpha_ordinal, 0.5049449335, EPS);
	/* generalised Fleiss (numpy fleiss_generalised in stats_ref.py): no
	 * independent library takes varying n */
	assert_int_equal(r.varying_n, 1);
	assert_close(r.fleiss_kappa, 0.4736652542, EPS);
	assert_close(r.percent_agreement, 0.6625, EPS);
	for (int k = 0; k < 3; k++) {
		assert_close(r.labels[k].specific_agreement, ps[k], EPS);
		assert_close(r.labels[k].kappa, kap[k], EPS);
	}
	assert_int_equal(r.items, 26);
	assert_int_equal(r.items_multi, 24);
	assert_int_equal(r.disputed, 13);
	assert_int_equal(r.npairs, GV_ARRAY_LEN(pairs));
	for (size_t p = 0; p < GV_ARRAY_LEN(pairs); p++) {
		const struct stats_pair *q = find_pair(&r, pairs[p].a, pairs[p].b);
		assert_non_null(q);
		assert_int_equal(q->n, pairs[p].n);
		assert_close(q->kappa, pairs[p].kappa, EPS);
	}
	/* sorted by pair */
	for (size_t p = 1; p < r.npairs; p++)
		assert_true(r.pairs[p - 1].a < r.pairs[p].a ||
			    (r.pairs[p - 1].a == r.pairs[p].a && r.pairs[p - 1].b < r.pairs[p].b));
	stats_result_free(&r);
	stats_votes_free(&v);
}

static void test_min_shared(void **state)
{
	struct stats_votes v;
	struct stats_result r;
	struct stats_opts o;
	char err[GV_ERR];
	(void)state;
	votes_from_matrix(&v, &random26[0][0], 26, 5, 3);
	/* pair (1, 3) shares exactly 10 items; with 11 required it goes, and
	 * the pairs at 11 stay */
	stats_opts_default(&o);
	o.min_shared = 11;
	assert_int_equal(stats_compute(&v, &o, &r, err), 0);
	assert_null(find_pair(&r, 1, 3));
	assert_non_null(find_pair(&r, 0, 1));
	assert_int_equal(r.npairs, 9);
	/* ordinal not asked for: null */
	assert_nan(r.alpha_ordinal);
	stats_result_free(&r);
	stats_votes_free(&v);
}

static void test_fixed_n_statsmodels(void **state)
{
	/* The 6 complete rows of random26: statsmodels fleiss_kappa = 0.2145270270 */
	int m[6][5];
	size_t rows = 0;
	struct stats_votes v;
	struct stats_result r;
	(void)state;
	for (size_t i = 0; i < 26; i++) {
		int full = 1;
		for (int a = 0; a < 5; a++)
			full = full && random26[i][a];
		if (full)
			memcpy(m[rows++], random26[i], sizeof m[0]);
	}
	assert_int_equal(rows, 6);
	votes_from_matrix(&v, &m[0][0], rows, 5, 3);
	compute(&v, 0, &r);
	assert_int_equal(r.varying_n, 0);
	assert_close(r.fleiss_kappa, 0.2145270270, EPS);
	stats_result_free(&r);
	stats_votes_free(&v);
}

/* Krippendorff's binary example (3 x 12), labels 0/1 written 1/2. */
static const int binary[12][3] = {
	{1, 1, 1}, {2, 2, 2}, {1, 1, 2}, {2, 2, 1}, {2, 1, 1}, {1, 1, 2},
	{1, 1, 1}, {1, 1, 1}, {2, 2, 2}, {2, 2, 1}, {2, 1, 1}, {2, 2, 1},
};

static void test_two_labels(void **state)
{
	struct stats_votes v;
	struct stats_result r;
	(void)state;
	votes_from_matrix(&v, &binary[0][0], 12, 3, 2);
	compute(&v, 0, &r);
	/* statsmodels fleiss_kappa 0.2125; nltk alpha 0.234375 (published 0.2343) */
	assert_close(r.fleiss_kappa, 0.2125, EPS);
	assert_close(r.alpha_nominal, 0.234375, EPS);
	/* with two labels every metric gives the same alpha */
	assert_close(r.alpha_interval, 0.234375, EPS);
	/* sklearn cohen_kappa_score per pair */
	assert_close(find_pair(&r, 0, 1)->kappa, 0.6756756757, EPS);
	assert_close(find_pair(&r, 0, 2)->kappa, -0.1052631579, EPS);
	assert_close(find_pair(&r, 1, 2)->kappa, 0.1176470588, EPS);
	/* with two labels Fleiss' per-category kappas both equal the overall one */
	assert_close(r.labels[0].kappa, 0.2125, EPS);
	assert_close(r.labels[1].kappa, 0.2125, EPS);
	stats_result_free(&r);
	stats_votes_free(&v);
}

static void test_unanimous(void **state)
{
	/* Every item unanimous, two labels used: observed agreement 1, kappa 1,
	 * alpha 1. Then one label only: P_e = 1, kappa and alpha are 0/0 (null). */
	static const int two[4][3] = {{1, 1, 1}, {2, 2, 2}, {1, 1, 1}, {2, 2, 0}};
	static const int one[4][3] = {{1, 1, 1}, {1, 1, 1}, {1, 1, 0}, {0, 1, 0}};
	struct stats_votes v;
	struct stats_result r;
	(void)state;
	votes_from_matrix(&v, &two[0][0], 4, 3, 2);
	compute(&v, 1, &r);
	assert_close(r.percent_agreement, 1.0, EPS);
	assert_close(r.fleiss_kappa, 1.0, EPS);
	assert_close(r.alpha_nominal, 1.0, EPS);
	assert_int_equal(r.disputed, 0);
	assert_false(r.flagged);
	stats_result_free(&r);
	stats_votes_free(&v);

	votes_from_matrix(&v, &one[0][0], 4, 3, 2);
	compute(&v, 1, &r);
	assert_close(r.percent_agreement, 1.0, EPS);
	assert_close(r.expected_agreement, 1.0, EPS);
	assert_nan(r.fleiss_kappa);
	assert_nan(r.alpha_nominal);
	assert_nan(r.alpha_ordinal);
	assert_nan(r.alpha_interval);
	assert_close(r.labels[0].specific_agreement, 1.0, EPS);
	assert_nan(r.labels[0].kappa);
	/* a label nobody used: no specific agreement, no kappa */
	assert_nan(r.labels[1].specific_agreement);
	assert_nan(r.labels[1].kappa);
	assert_int_equal(r.labels[1].count, 0);
	/* single-vote item 4 counted in items, not compared */
	assert_int_equal(r.items, 4);
	assert_int_equal(r.items_multi, 3);
	stats_result_free(&r);
	stats_votes_free(&v);

	/* K = 1: a one-label task */
	votes_from_matrix(&v, &one[0][0], 4, 3, 1);
	compute(&v, 1, &r);
	assert_nan(r.fleiss_kappa);
	assert_nan(r.alpha_nominal);
	assert_close(r.percent_agreement, 1.0, EPS);
	stats_result_free(&r);
	stats_votes_free(&v);
}

static void test_single_votes_dropped(void **state)
{
	/* Adding single-vote items to the Fleiss data changes no agreement
	 * figure, only the counts. */
	int m[34][6];
	struct stats_votes v;
	struct stats_result r;
	(void)state;
	memset(m, 0, sizeof m);
	memcpy(m, fleiss1971, sizeof fleiss1971);
	m[30][0] = 1;
	m[31][3] = 2;
	m[32][5] = 5;
	m[33][2] = 3;
	votes_from_matrix(&v, &m[0][0], 34, 6, 5);
	compute(&v, 1, &r);
	assert_int_equal(r.items, 34);
	assert_int_equal(r.items_multi, 30);
	assert_int_equal(r.votes, 184);
	assert_int_equal(r.varying_n, 0);
	assert_close(r.fleiss_kappa, 0.4302445201, EPS);
	assert_close(r.alpha_nominal, 0.4334098283, EPS);
	assert_close(r.alpha_interval, 0.2880496260, EPS);
	assert_close(r.labels[0].kappa, 0.2447552448, EPS);
	/* counts include every vote */
	assert_int_equal(r.labels[0].count, 27);
	stats_result_free(&r);
	stats_votes_free(&v);

	/* nothing comparable at all */
	votes_from_matrix(&v, &m[30][0], 4, 6, 5);
	compute(&v, 1, &r);
	assert_int_equal(r.items_multi, 0);
	assert_nan(r.percent_agreement);
	assert_nan(r.fleiss_kappa);
	assert_nan(r.alpha_nominal);
	assert_false(r.flagged);
	assert_int_equal(r.npairs, 0);
	stats_result_free(&r);
	stats_votes_free(&v);
}

static void test_pairs_large(void **state)
{
	/* 80000 items x 3-4 of 30 annotators, 4 labels: above the size where the
	 * pair counting is split over two threads. Every pair must equal the
	 * plain one-pair computation (checked against sklearn above). */
	const size_t N = 80000;
	const int A = 30, K = 4;
	struct stats_votes v = {0};
	struct stats_result r;
	uint64_t s = 99;
	size_t nv = 0, npairs = 0;
	(void)state;
	v.nitems = N;
	v.nlabels = K;
	v.nannotators = A;
	v.start = xcalloc(N + 1, sizeof *v.start);
	v.ann = xcalloc(N * 4, sizeof *v.ann);
	v.lab = xcalloc(N * 4, sizeof *v.lab);
	v.value = xcalloc((size_t)K, sizeof *v.value);
	for (size_t i = 0; i < N; i++) {
		int m, truth, first, step;
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		m = 3 + (int)((s >> 33) % 2);
		truth = (int)((s >> 40) % (uint64_t)K);
		first = (int)((s >> 45) % (uint64_t)(A - 6));
		step = 1 + (int)((s >> 56) % 2);
		v.start[i] = (uint32_t)nv;
		for (int j = 0; j < m; j++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			v.ann[nv] = (uint32_t)(first + j * step);
			v.lab[nv] = (uint16_t)((s >> 33) % 100 < 60 ? truth : (int)((s >> 40) % 4));
			nv++;
		}
	}
	v.start[N] = (uint32_t)nv;
	v.nvotes = nv;
	assert_true(nv >= 200000);
	compute(&v, 0, &r);
	for (int a = 0; a < A; a++) {
		for (int b = a + 1; b < A; b++) {
			uint32_t n;
			double k = stats_cohen_kappa(&v, a, b, &n);
			const struct stats_pair *p = find_pair(&r, a, b);
			if (n < 10) {
				assert_null(p);
				continue;
			}
			npairs++;
			assert_non_null(p);
			assert_int_equal(p->n, n);
			assert_close(p->kappa, k, 1e-12);
		}
	}
	assert_int_equal(r.npairs, npairs);
	assert_true(npairs > 50);

	/* The same votes with annotator indices spread over 6000 annotators:
	 * too many for the dense pair index, so the hash table path runs and
	 * must give the same pairs. */
	{
		struct stats_result h;
		for (size_t j = 0; j < nv; j++)
			v.ann[j] *= 200;
		v.nannotators = 6000;
		compute(&v, 0, &h);
		assert_int_equal(h.npairs, r.npairs);
		for (size_t p = 0; p < h.npairs; p++) {
			assert_int_equal(h.pairs[p].a, r.pairs[p].a * 200);
			assert_int_equal(h.pairs[p].b, r.pairs[p].b * 200);
			assert_int_equal(h.pairs[p].n, r.pairs[p].n);
			assert_close(h.pairs[p].kappa, r.pairs[p].kappa, 1e-12);
		}
		stats_result_free(&h);
	}
	stats_result_free(&r);
	stats_votes_free(&v);
}

static void test_item_compute(void **state)
{
	struct stats_item it;
	uint32_t c1[3] = {3, 1, 0}, c2[3] = {0, 0, 0}, c3[3] = {1, 1, 1}, c4[3] = {0, 2, 2};
	uint32_t c5[4] = {0, 5, 0, 0}, c6[4] = {1, 3, 3, 1};
	(void)state;
	stats_item_compute(c1, 3, &it);
	assert_int_equal(it.n, 4);
	/* A = (3*2 + 0) / (4*3) */
	assert_close(it.agreement, 0.5, EPS);
	assert_int_equal(it.plurality_n, 3);
	assert_close(it.entropy, -(0.75 * log(0.75) + 0.25 * log(0.25)) / log(3), EPS);
	assert_int_equal(it.plurality_label, 0);
	assert_int_equal(it.distinct, 2);
	assert_int_equal(it.tie, 0);
	stats_item_compute(c2, 3, &it);
	assert_int_equal(it.n, 0);
	assert_nan(it.agreement);
	assert_nan(it.entropy);
	assert_int_equal(it.plurality_label, -1);
	assert_int_equal(it.plurality_n, 0);
	assert_int_equal(it.distinct, 0);
	assert_int_equal(it.tie, 0);
	stats_item_compute(c3, 3, &it);
	assert_close(it.agreement, 0.0, EPS);
	assert_close(it.entropy, 1.0, EPS);
	assert_int_equal(it.tie, 1);
	assert_int_equal(it.distinct, 3);
	/* a tie goes to the label first in order */
	stats_item_compute(c4, 3, &it);
	assert_int_equal(it.plurality_label, 1);
	assert_int_equal(it.plurality_n, 2);
	assert_int_equal(it.tie, 1);
	assert_close(it.agreement, 4.0 / 12, EPS);
	stats_item_compute(c1, 1, &it);
	assert_close(it.entropy, 0.0, EPS);
	assert_close(it.agreement, 1.0, EPS);
	/* unanimous: entropy exactly 0 (never -0), agreement 1 */
	stats_item_compute(c5, 4, &it);
	assert_int_equal(it.n, 5);
	assert_int_equal(it.plurality_label, 1);
	assert_int_equal(it.distinct, 1);
	assert_int_equal(it.tie, 0);
	assert_true(it.entropy == 0.0 && !signbit(it.entropy));
	assert_close(it.agreement, 1.0, EPS);
	/* a tie below the top is no tie; a tie after the top is one */
	stats_item_compute(c6, 4, &it);
	assert_int_equal(it.plurality_label, 1);
	assert_int_equal(it.tie, 1);
	c6[2] = 2;
	stats_item_compute(c6, 4, &it);
	assert_int_equal(it.tie, 0);
	assert_int_equal(it.distinct, 4);
	/* one vote: agreement undefined, entropy 0 */
	c5[1] = 1;
	stats_item_compute(c5, 4, &it);
	assert_nan(it.agreement);
	assert_close(it.entropy, 0.0, EPS);
}

static void test_bootstrap(void **state)
{
	struct stats_votes v;
	struct stats_result r1, r2, r3;
	struct stats_opts o;
	char err[GV_ERR];
	(void)state;
	votes_from_matrix(&v, &fleiss1971[0][0], 30, 6, 5);
	stats_opts_default(&o);
	o.bootstrap = 500;
	o.seed = 42;
	assert_int_equal(stats_compute(&v, &o, &r1, err), 0);
	assert_int_equal(stats_compute(&v, &o, &r2, err), 0);
	o.seed = 43;
	assert_int_equal(stats_compute(&v, &o, &r3, err), 0);
	assert_int_equal(r1.bootstrap, 500);
	/* deterministic for a seed, different for another */
	assert_true(r1.alpha_lo == r2.alpha_lo && r1.alpha_hi == r2.alpha_hi);
	assert_true(r1.alpha_lo != r3.alpha_lo || r1.alpha_hi != r3.alpha_hi);
	/* a sensible interval around the estimate, inside [-1, 1] */
	assert_true(r1.alpha_lo < r1.alpha_nominal && r1.alpha_nominal < r1.alpha_hi);
	assert_true(r1.alpha_lo > -1 && r1.alpha_hi <= 1);
	assert_true(r1.alpha_hi - r1.alpha_lo > 0.05 && r1.alpha_hi - r1.alpha_lo < 0.6);
	stats_result_free(&r1);
	stats_result_free(&r2);
	stats_result_free(&r3);
	/* no replicates asked: no interval */
	o.bootstrap = 0;
	assert_int_equal(stats_compute(&v, &o, &r1, err), 0);
	assert_int_equal(r1.bootstrap, 0);
	assert_nan(r1.alpha_lo);
	stats_result_free(&r1);
	stats_votes_free(&v);
}

static void test_check(void **state)
{
	struct stats_votes v;
	char err[GV_ERR];
	(void)state;
	votes_from_matrix(&v, &kripp2011[0][0], 12, 4, 5);
	assert_int_equal(stats_votes_check(&v, err), 0);
	v.lab[3] = 5;
	assert_int_equal(stats_votes_check(&v, err), -1);
	assert_non_null(strstr(err, "label"));
	v.lab[3] = 0;
	v.ann[1] = 0; /* item 0: annotators 0, 0, 3 */
	assert_int_equal(stats_votes_check(&v, err), -1);
	v.ann[1] = 1;
	v.start[12] = 40;
	assert_int_equal(stats_votes_check(&v, err), -1);
	stats_votes_free(&v);
}

/* --- the loader, on a real project database --- */

static void test_store_votes_load(void **state)
{
	char path[64], err[GV_ERR];
	struct store *st = test_store_create(path, "stats");
	struct store_task t;
	struct stats_votes v;
	char **names;
	(void)state;
	/* Task 'r': labels with codes out of order and numeric values, so that
	 * label index follows ord, not code. Annotator ids are sparse and were
	 * created in an order unlike their ids. Task 'other' shares the tables. */
	test_exec(st, "INSERT INTO task(id, name, scale) VALUES (1, 'r', 'ordinal'), (2, 'other', "
		    "'nominal');"
		    "INSERT INTO label VALUES (1, 7, '3', '3', NULL, 2), (1, 3, '1', '1', NULL, 0),"
		    " (1, 5, '2', '2', NULL, 1), (2, 0, 'x', 'x', NULL, 0);"
		    "INSERT INTO item(id, task, external_id) VALUES (10, 1, 'a'), (11, 1, 'b'),"
		    " (12, 1, 'c'), (13, 2, 'z');"
		    "INSERT INTO annotator(id, name) VALUES (900, 'zed'), (5, 'amy'), (70, 'bob');"
		    "INSERT INTO vote_rows(task, item, annotator, label) VALUES"
		    " (1, 10, 900, 7), (1, 10, 5, 3), (1, 11, 70, 5), (1, 11, 900, 5),"
		    " (1, 12, 5, 7), (2, 13, 5, 0);");
	assert_int_equal(store_task_get(st, "r", &t, err), 1);
	if (store_votes_load(st, &t, &v, err))
		fail_msg("%s", err);
	assert_int_equal(stats_votes_check(&v, err), 0);
	assert_int_equal(v.nitems, 3);
	assert_int_equal(v.nvotes, 5);
	assert_int_equal(v.nlabels, 3);
	assert_int_equal(v.nannotators, 3);
	/* dense annotators by id: 5 amy, 70 bob, 900 zed */
	assert_int_equal(v.annotator_id[0], 5);
	assert_int_equal(v.annotator_id[1], 70);
	assert_int_equal(v.annotator_id[2], 900);
	assert_int_equal(v.item_id[0], 10);
	assert_int_equal(v.item_id[2], 12);
	assert_int_equal(v.start[1], 2);
	assert_int_equal(v.start[2], 4);
	/* item 10: amy code 3 -> '1' (index 0), zed code 7 -> '3' (index 2) */
	assert_int_equal(v.ann[0], 0);
	assert_int_equal(v.lab[0], 0);
	assert_int_equal(v.ann[1], 2);
	assert_int_equal(v.lab[1], 2);
	/* item 11: bob and zed, code 5 -> index 1 */
	assert_int_equal(v.ann[2], 1);
	assert_int_equal(v.lab[2], 1);
	assert_int_equal(v.ann[3], 2);
	assert_close(v.value[0], 1.0, EPS);
	assert_close(v.value[2], 3.0, EPS);
	assert_int_equal(store_votes_annotator_names(st, &v, &names, err), 0);
	assert_string_equal(names[0], "amy");
	assert_string_equal(names[1], "bob");
	assert_string_equal(names[2], "zed");
	store_votes_names_free(names, v.nannotators);
	stats_votes_free(&v);

	/* a vote whose code is not in the label set is an error */
	test_exec(st, "INSERT INTO vote_rows(task, item, annotator, label) VALUES (1, 12, 70, 99)");
	assert_int_equal(store_votes_load(st, &t, &v, err), -1);
	assert_non_null(strstr(err, "99"));
	assert_int_equal(v.nitems, 0);
	store_task_free(&t);

	/* a task without votes */
	test_exec(st, "INSERT INTO task(id, name) VALUES (3, 'empty')");
	assert_int_equal(store_task_get(st, "empty", &t, err), 1);
	assert_int_equal(store_votes_load(st, &t, &v, err), 0);
	assert_int_equal(v.nitems, 0);
	assert_int_equal(v.nvotes, 0);
	stats_votes_free(&v);
	store_task_free(&t);
	test_store_drop(st, path);
}

/* Stored vote arrays in every shape votepack_next reads, and damaged ones:
 * the loader's fast path takes the importer's shape, the general reader
 * the rest, and both give the same arrays. */
static void test_store_votes_load_shapes(void **state)
{
	char path[64], err[GV_ERR];
	struct store *st = test_store_create(path, "shapes");
	struct store_task t;
	struct stats_votes v;
	(void)state;
	test_exec(st, "INSERT INTO task(id, name) VALUES (1, 'r');"
		      "INSERT INTO label VALUES (1, 3, 'a', 'a', NULL, 0), (1, 5, 'b', 'b', NULL, 1);"
		      "INSERT INTO item(id, task, external_id) VALUES (10, 1, 'a'), (11, 1, 'b'),"
		      " (12, 1, 'c'), (13, 1, 'd'), (14, 1, 'e'), (15, 1, 'f');"
		      /* the importer's shape; spaces, a time and a comment; an id
		       * past the direct table and a negative one; no votes */
		      "INSERT INTO item_votes(item, task, votes, n, distinct_labels, plurality_n,"
		      " tie) VALUES (10, 1, '[[70,3],[900,5]]', 2, 2, 1, 1),"
		      " (11, 1, ' [ [5 , 5] ,[70,3,\"2026-01-02T03:04:05Z\",\"x]\"] ] ', 2, 2, 1, 1),"
		      " (12, 1, '[[5,3,null,\"c\"],[900,3]]', 2, 1, 2, 0),"
		      " (13, 1, '[[-4,3],[99999999999,5]]', 2, 2, 1, 1),"
		      " (14, 1, '[]', 0, 0, 0, 0), (15, 1, '[[007,05]]', 1, 1, 1, 0)");
	assert_int_equal(store_task_get(st, "r", &t, err), 1);
	if (store_votes_load(st, &t, &v, err))
		fail_msg("%s", err);
	assert_int_equal(stats_votes_check(&v, err), 0);
	/* item 14 has no votes, so it is not listed */
	assert_int_equal(v.nitems, 5);
	assert_int_equal(v.nvotes, 9);
	assert_int_equal(v.item_id[4], 15);
	/* dense annotators in id order: -4, 5, 7, 70, 900, 99999999999 */
	assert_int_equal(v.nannotators, 6);
	assert_true(v.annotator_id[0] == -4 && v.annotator_id[1] == 5 &&
		    v.annotator_id[2] == 7 && v.annotator_id[3] == 70 &&
		    v.annotator_id[4] == 900 && v.annotator_id[5] == 99999999999LL);
	{
		static const uint32_t start[6] = {0, 2, 4, 6, 8, 9};
		static const uint32_t ann[9] = {3, 4, 1, 3, 1, 4, 0, 5, 2};
		static const uint16_t lab[9] = {0, 1, 1, 0, 0, 0, 0, 1, 1};
		for (int i = 0; i < 6; i++)
			assert_int_equal(v.start[i], start[i]);
		for (int j = 0; j < 9; j++) {
			assert_int_equal(v.ann[j], ann[j]);
			assert_int_equal(v.lab[j], lab[j]);
		}
	}
	stats_votes_free(&v);
	/* an unknown label code, in the importer's shape and in another one */
	test_exec(st, "UPDATE item_votes SET votes = '[[70,3],[900,4]]' WHERE item = 12");
	assert_int_equal(store_votes_load(st, &t, &v, err), -1);
	assert_string_equal(err, "vote on item 12 has label code 4, not in the task's labels");
	test_exec(st, "UPDATE item_votes SET votes = '[[70,3], [900,8]]' WHERE item = 12");
	assert_int_equal(store_votes_load(st, &t, &v, err), -1);
	assert_string_equal(err, "vote on item 12 has label code 8, not in the task's labels");
	/* damaged arrays */
	test_exec(st, "UPDATE item_votes SET votes = '[[70,3],[900,5]' WHERE item = 12");
	assert_int_equal(store_votes_load(st, &t, &v, err), -1);
	assert_string_equal(err, "the stored votes of item 12 are damaged");
	test_exec(st, "UPDATE item_votes SET votes = '[[70,3],[12345678901234567890,5]]'"
		      " WHERE item = 12");
	assert_int_equal(store_votes_load(st, &t, &v, err), -1);
	assert_string_equal(err, "the stored votes of item 12 are damaged");
	assert_int_equal(v.nitems, 0);
	store_task_free(&t);
	test_store_drop(st, path);
}

static void test_report_json(void **state)
{
	struct stats_votes v;
	struct stats_result r;
	struct store_task task = {0};
	struct store_label labels[2] = {
		{.code = 0, .value = "no", .name = "No", .ord = 0, .number = NAN},
		{.code = 1, .value = "y\x1b[31mes", .name = "Yes", .ord = 1, .number = NAN},
	};
	char *names[3] = {"ann", "bo\"b", "cy"};
	struct stats_report_task rt;
	struct sbuf b = {0};
	(void)state;
	votes_from_matrix(&v, &binary[0][0], 12, 3, 2);
	compute(&v, 0, &r);
	task.name = "t1";
	task.nlabels = 2;
	task.labels = labels;
	rt = (struct stats_report_task){
		.task = &task, .res = &r, .annotators = names, .nannotators = 3, .seed = 1};
	stats_report_json(&b, &rt, 1, NULL);
	assert_non_null(strstr(b.s, "{\"audit_head\":null,\"tasks\":[{\"task\":\"t1\",\"scale\":"
				    "\"nominal\",\"items\":12,\"votes\":36,"));
	assert_non_null(strstr(b.s, "\"votes_per_item\":{\"min\":3,\"mean\":3.0,\"max\":3}"));
	assert_non_null(strstr(b.s, "\"fleiss_kappa\":0.2125"));
	assert_non_null(strstr(b.s, "\"ordinal\":null"));
	assert_non_null(strstr(b.s, "\"krippendorff_alpha_ci\":null"));
	assert_non_null(strstr(b.s, "{\"a\":\"ann\",\"b\":\"bo\\\"b\",\"n\":12,\"kappa\":"));
	assert_non_null(strstr(b.s, "\"flagged\":true,\"threshold\":0.7,\"ds\":null,"
				    "\"majority_vs_expert\":{\"decided\":0,\"overturned\":0,"
				    "\"rate\":null,\"by_rule\":[]},\"models\":null,"
				    "\"label_errors\":null}]}\n"));
	/* no raw escape byte reaches the output */
	assert_null(strchr(b.s, '\x1b'));
	sbuf_reset(&b);
	stats_report_text(&b, &rt, 1, "abc", 45);
	assert_null(strchr(b.s, '\x1b'));
	assert_non_null(strstr(b.s, "GUIDELINES NEED WORK"));
	assert_non_null(strstr(b.s, "audit head abc"));
	sbuf_free(&b);
	stats_result_free(&r);
	stats_votes_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fleiss1971),
		cmocka_unit_test(test_krippendorff2011),
		cmocka_unit_test(test_random_missing),
		cmocka_unit_test(test_min_shared),
		cmocka_unit_test(test_fixed_n_statsmodels),
		cmocka_unit_test(test_two_labels),
		cmocka_unit_test(test_unanimous),
		cmocka_unit_test(test_single_votes_dropped),
		cmocka_unit_test(test_pairs_large),
		cmocka_unit_test(test_item_compute),
		cmocka_unit_test(test_bootstrap),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_store_votes_load),
		cmocka_unit_test(test_store_votes_load_shapes),
		cmocka_unit_test(test_report_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
