/*
 * Unit tests of confident learning (src/labelerr.h) on a small example
 * worked by hand below: thresholds, confident joint, calibration, the
 * estimated joint, pruning by noise rate and the ranking; the rounding and
 * pruning rules on their own; and the bootstrap interval, seeded and
 * reproducible. tests/ref/labelerr_ref.py recomputes the same example with
 * numpy from the paper's equations.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "labelerr.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * The worked example: 12 items, 3 labels (0 negative, 1 neutral, 2
 * positive), four items given each label.
 *
 *   item given  p0    p1    p2     confident labels          -> C[given][true]
 *    0    0    0.90  0.05  0.05    0                            C[0][0]
 *    1    0    0.80  0.10  0.10    0                            C[0][0]
 *    2    0    0.10  0.20  0.70    2 (0.70 >= 0.575)            C[0][2]
 *    3    0    0.60  0.40  0.00    0 and 1: largest p, 0        C[0][0]
 *    4    1    0.30  0.50  0.20    1                            C[1][1]
 *    5    1    0.25  0.45  0.30    1                            C[1][1]
 *    6    1    0.80  0.10  0.10    0                            C[1][0]
 *    7    1    0.10  0.35  0.55    1 (0.35 >= 0.35 - 1e-6)      C[1][1]
 *    8    2    0.05  0.05  0.90    2                            C[2][2]
 *    9    2    0.10  0.10  0.80    2                            C[2][2]
 *   10    2    0.30  0.40  0.30    1                            C[2][1]
 *   11    2    0.40  0.30  0.30    none: not counted
 *
 * Thresholds, the mean p of each label over the items given it:
 *   t0 = (0.90 + 0.80 + 0.10 + 0.60) / 4 = 0.600 (item 3's 0.60 counts only
 *        through the 1e-6 tolerance: in doubles the mean is 0.6000000000000001)
 *   t1 = (0.50 + 0.45 + 0.10 + 0.35) / 4 = 0.350
 *   t2 = (0.90 + 0.80 + 0.30 + 0.30) / 4 = 0.575
 *
 * Confident joint (rows given, columns true):   Calibrated (rows to 4 each):
 *   3 0 1                                          3 0 1
 *   1 3 0                                          1 3 0
 *   0 1 2   (row sum 3: x 4/3 = 0 1.33 2.67)       0 1 3   (rounded, sum 4)
 *
 * Estimated joint = calibrated / 12; trace 9 of 12, so 3 labels (25%) are
 * estimated wrong: one negative that is positive, one neutral that is
 * negative, one positive that is neutral.
 *
 * Pruning: one item per off-diagonal pair, the largest margin p_true -
 * p_given among the items given that label:
 *   given 0, true 2: margins -0.85 -0.70 +0.60 -0.60 -> item 2
 *   given 1, true 0: margins -0.20 -0.20 +0.70 -0.25 -> item 6
 *   given 2, true 1: margins -0.85 -0.70 +0.10  0.00 -> item 10
 * None of them has its largest p on the given label, so all three stay.
 * By self-confidence: item 2 (0.10), item 6 (0.10, later in input order),
 * item 10 (0.30).
 */
static const uint16_t ex_given[12] = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
static const double ex_p[12 * 3] = {
	0.90, 0.05, 0.05, 0.80, 0.10, 0.10, 0.10, 0.20, 0.70, 0.60, 0.40, 0.00,
	0.30, 0.50, 0.20, 0.25, 0.45, 0.30, 0.80, 0.10, 0.10, 0.10, 0.35, 0.55,
	0.05, 0.05, 0.90, 0.10, 0.10, 0.80, 0.30, 0.40, 0.30, 0.40, 0.30, 0.30,
};

static struct labelerr_data example(void)
{
	struct labelerr_data d = {12, 3, ex_given, ex_p};
	return d;
}

static void test_thresholds(void **state)
{
	struct labelerr_data d = example();
	long counts[3];
	double t[3];
	uint32_t w[12] = {0, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0};

	(void)state;
	labelerr_thresholds(&d, NULL, counts, t);
	assert_int_equal(counts[0], 4);
	assert_int_equal(counts[1], 4);
	assert_int_equal(counts[2], 4);
	assert_true(fabs(t[0] - 0.600) < 1e-12);
	assert_true(fabs(t[1] - 0.350) < 1e-12);
	assert_true(fabs(t[2] - 0.575) < 1e-12);
	/* Weighted, as a resample: item 1 twice, items 0 and 8-11 left out.
	 * t0 = (2 x 0.80 + 0.10 + 0.60) / 4; no item is given label 2, so its
	 * threshold is 2 and nothing is counted into it. */
	labelerr_thresholds(&d, w, counts, t);
	assert_int_equal(counts[0], 4);
	assert_int_equal(counts[2], 0);
	assert_true(fabs(t[0] - 2.3 / 4) < 1e-12);
	assert_true(t[2] == 2.0);
}

static void test_confident_joint(void **state)
{
	struct labelerr_data d = example();
	long counts[3], c[9];
	double t[3];
	static const long want[9] = {3, 0, 1, 1, 3, 0, 0, 1, 2};

	(void)state;
	labelerr_thresholds(&d, NULL, counts, t);
	labelerr_confident_joint(&d, NULL, t, c);
	assert_memory_equal(c, want, sizeof want);
}

static void test_estimate(void **state)
{
	struct labelerr_data d = example();
	struct labelerr_result r;
	char err[GV_ERR];
	static const long want_cal[9] = {3, 0, 1, 1, 3, 0, 0, 1, 3};

	(void)state;
	assert_int_equal(labelerr_estimate(&d, 0, 1, &r, err), 0);
	assert_memory_equal(r.calibrated, want_cal, sizeof want_cal);
	assert_int_equal(r.errors, 3);
	assert_true(fabs(r.rate - 0.25) < 1e-15);
	assert_true(fabs(r.joint[2] - 1.0 / 12) < 1e-15);
	assert_true(fabs(r.joint[8] - 3.0 / 12) < 1e-15);
	assert_true(isnan(r.lo) && isnan(r.hi));
	labelerr_result_free(&r);
}

static void test_issues(void **state)
{
	struct labelerr_data d = example();
	struct labelerr_result r;
	struct labelerr_issue *v;
	char err[GV_ERR];
	size_t n;

	(void)state;
	assert_int_equal(labelerr_estimate(&d, 0, 1, &r, err), 0);
	n = labelerr_issues(&d, &r, &v);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].index, 2);
	assert_int_equal(v[0].given, 0);
	assert_int_equal(v[0].suggested, 2);
	assert_true(fabs(v[0].margin - 0.60) < 1e-12);
	assert_int_equal(v[1].index, 6);
	assert_int_equal(v[1].suggested, 0);
	assert_int_equal(v[2].index, 10);
	assert_int_equal(v[2].suggested, 1);
	assert_true(fabs(v[2].self_confidence - 0.30) < 1e-12);
	assert_true(fabs(v[2].p_suggested - 0.40) < 1e-12);
	free(v);
	labelerr_result_free(&r);
}

/*
 * An item chosen by pruning whose largest p is still its given label is no
 * issue. Two labels, all four items given 0, and a calibrated joint that
 * says two of them are 1: the two largest margins p1 - p0 are item 0 (0.20)
 * and item 3 (0.00, a tie at 0.50, where the first largest p is label 0):
 * item 3 is dropped. Item 1's margin (-0.10) is not among the two.
 */
static void test_issues_argmax_given(void **state)
{
	static const uint16_t given[4] = {0, 0, 0, 0};
	static const double p[8] = {0.40, 0.60, 0.55, 0.45, 0.90, 0.10, 0.50, 0.50};
	struct labelerr_data d = {4, 2, given, p};
	long cal[4] = {2, 2, 0, 0};
	struct labelerr_result r = {.k = 2, .n = 4, .calibrated = cal};
	struct labelerr_issue *v;
	size_t n;

	(void)state;
	n = labelerr_issues(&d, &r, &v);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].index, 0);
	assert_int_equal(v[0].suggested, 1);
	free(v);
}

/*
 * cleanlab's round_preserving_sum, worked by hand:
 *   [0.5 1.5 2.5 0.5]: half to even gives [0 2 2 0] (sum 4), the sum is 5;
 *   one cell goes up: residuals [0.5 -0.5 0.5 0.5], the largest three tie
 *   and the reversed stable order takes the last, index 3 -> [0 2 2 1].
 *   [1.5 1.5 1.4 0.0]: [2 2 1 0] (sum 5), the sum 4.4 rounds to 4; one cell
 *   goes down: residuals [-0.5 -0.5 0.4 0], the smallest two tie and the
 *   stable order takes the first, index 0 -> [1 2 1 0].
 */
static void test_round_row(void **state)
{
	static const double a[4] = {0.5, 1.5, 2.5, 0.5}, b[4] = {1.5, 1.5, 1.4, 0.0};
	static const long wa[4] = {0, 2, 2, 1}, wb[4] = {1, 2, 1, 0};
	long out[4];

	(void)state;
	labelerr_round_row(a, 4, out);
	assert_memory_equal(out, wa, sizeof wa);
	labelerr_round_row(b, 4, out);
	assert_memory_equal(out, wb, sizeof wb);
}

/*
 * A calibrated row with nothing on its diagonal: the diagonal is raised to
 * 1 and the rise (1) divided by the row's non-zero cells less one (2 - 1)
 * is taken from each non-zero off-diagonal cell, as cleanlab's
 * _keep_at_least_n_per_class does: [0 3 2] -> [1 2 1].
 */
static void test_prune_counts(void **state)
{
	static const long cal[9] = {0, 3, 2, 0, 4, 0, 1, 0, 5};
	static const long want[9] = {1, 2, 1, 0, 4, 0, 1, 0, 5};
	long prune[9];

	(void)state;
	labelerr_prune_counts(cal, 3, prune);
	assert_memory_equal(prune, want, sizeof want);
}

/* n items with a known share of wrong given labels and a model that mostly
 * sees through them, for the bootstrap tests. */
static void synth(size_t n, uint16_t *given, double *p)
{
	uint64_t s = 7;
	for (size_t i = 0; i < n; i++) {
		int truth = (int)(i % 3), g = truth;
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		if ((s >> 33) % 10 == 0)
			g = (truth + 1) % 3;
		given[i] = (uint16_t)g;
		for (int j = 0; j < 3; j++)
			p[i * 3 + (size_t)j] = j == truth ? 0.7 : 0.15;
		if ((s >> 40) % 7 == 0) {
			p[i * 3 + (size_t)truth] = 0.4;
			p[i * 3 + (size_t)g] += 0.3;
		}
	}
}

static void test_bootstrap_seeded(void **state)
{
	size_t n = 3000;
	uint16_t *given = xmalloc(n * sizeof *given);
	double *p = xmalloc(n * 3 * sizeof *p);
	struct labelerr_data d = {n, 3, given, p};
	struct labelerr_result a, b, c;
	char err[GV_ERR];

	(void)state;
	synth(n, given, p);
	assert_int_equal(labelerr_estimate(&d, 200, 1, &a, err), 0);
	assert_int_equal(labelerr_estimate(&d, 200, 1, &b, err), 0);
	assert_int_equal(labelerr_estimate(&d, 200, 2, &c, err), 0);
	/* The same seed, the same interval to the last bit; another seed, a
	 * different one around the same estimate. */
	assert_true(a.lo == b.lo && a.hi == b.hi);
	assert_true(a.lo != c.lo || a.hi != c.hi);
	assert_true(a.lo < a.rate && a.rate < a.hi);
	assert_true(c.lo < c.rate && c.rate < c.hi);
	assert_true(a.hi - a.lo < 0.05);
	labelerr_result_free(&a);
	labelerr_result_free(&b);
	labelerr_result_free(&c);
	free(given);
	free(p);
}

/*
 * The fast resampling path of large data sets gives the plain path's rates:
 * the same draws, the same thresholds, the same confident labels.
 */
static void test_bootstrap_fast_path(void **state)
{
	size_t n = 30000;
	int b = 24;
	uint16_t *given = xmalloc(n * sizeof *given);
	double *p = xmalloc(n * 3 * sizeof *p), *plain = xmalloc((size_t)b * sizeof *plain);
	double *fast = xmalloc((size_t)b * sizeof *fast), t[3];
	struct labelerr_data d = {n, 3, given, p};
	long counts[3];

	(void)state;
	synth(n, given, p);
	/* Spread the probabilities so that items sit near the thresholds. */
	for (size_t i = 0; i < n; i++) {
		double shift = (double)(i % 97) / 970.0;
		int g = given[i];
		p[i * 3 + (size_t)g] -= shift * p[i * 3 + (size_t)g];
		p[i * 3 + (size_t)((g + 2) % 3)] += shift * (1 - p[i * 3 + (size_t)((g + 2) % 3)]);
	}
	labelerr_thresholds(&d, NULL, counts, t);
	labelerr_bootstrap_rates(&d, t, b, 5, 0, plain);
	labelerr_bootstrap_rates(&d, t, b, 5, 1, fast);
	for (int i = 0; i < b; i++)
		assert_true(plain[i] == fast[i]);
	assert_true(plain[0] != plain[1]);
	free(given);
	free(p);
	free(plain);
	free(fast);
}

static void test_bad_input(void **state)
{
	struct labelerr_data d = example();
	struct labelerr_result r;
	char err[GV_ERR];

	(void)state;
	d.n = 0;
	assert_int_equal(labelerr_estimate(&d, 0, 1, &r, err), -1);
	assert_non_null(strstr(err, "at least one item"));
	d = example();
	d.k = 1;
	assert_int_equal(labelerr_estimate(&d, 0, 1, &r, err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_confident_joint),
		cmocka_unit_test(test_estimate),
		cmocka_unit_test(test_issues),
		cmocka_unit_test(test_issues_argmax_given),
		cmocka_unit_test(test_round_row),
		cmocka_unit_test(test_prune_counts),
		cmocka_unit_test(test_bootstrap_seeded),
		cmocka_unit_test(test_bootstrap_fast_path),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
