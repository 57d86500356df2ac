/*
 * Unit tests of confident learning (src/labelerr.h) on a small example
 * worked by hand below: thresholds, confident joint, calibration, the
 * estimated joint, pruning by noise rate and the ranking; the rounding and
 * pruning rules on their own; and the bootstrap interval, seeded and
 * reproducible. tests/ref/labelerr_ref.py recomputes the same example with
 * numpy from the paper's equations. Then the same on a stored task: the
 * current labels (expert, else Dawid-Skene), the label-issues queue, the
 * report with the audit measurement and the queues' precision beside the
 * estimate, and a damaged probability record.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "labelerr.h"
#include "labelerr_report.h"
#include "store_queue.h"
#include "store_labelerr.h"
#include "testutil.h"
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
	/* Each cell of the joint has its own interval, as reproducible. */
	for (int x = 0; x < 9; x++) {
		assert_true(a.joint_lo[x] == b.joint_lo[x] && a.joint_hi[x] == b.joint_hi[x]);
		assert_true(a.joint_lo[x] <= a.joint[x] + 1e-3 &&
			    a.joint[x] <= a.joint_hi[x] + 1e-3);
	}
	assert_true(a.joint_lo[3] < a.joint_hi[3]); /* given 1, true 0: flipped */
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
	labelerr_bootstrap_rates(&d, t, b, 5, 0, plain, NULL);
	labelerr_bootstrap_rates(&d, t, b, 5, 1, fast, NULL);
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

/*
 * A stored task: 30 items, labels a, b and a third whose value carries an
 * escape sequence; two annotators agree on every item. Item i's true label
 * is (i - 1) % 3 and model m1 gives it 0.8 (0.1 each other label), but the
 * votes give items 5 and 14 (true b) label c and item 25 (true a) label b.
 *
 *   given a: 9 items, t_a = 0.8      confident joint  a  9 0  0
 *   given b: 9 items, t_b = 6.5 / 9                   b  1 8  0
 *   given c: 12 items, t_c = 8.2 / 12                 c  0 2 10
 *
 * Rows already sum to the label counts: 3 of 30 labels are estimated wrong,
 * and label-issues lists items 5 and 14 (likely b) and 25 (likely a), all
 * at self-confidence 0.1, in item order.
 */
static int setup_store(void **state)
{
	struct test_fx *f = test_fx_new("labelerr");
	char err[GV_ERR];

	test_exec(f->st,
		  "INSERT INTO task(id, name) VALUES (1, 't');"
		  "INSERT INTO label VALUES (1, 0, 'a', 'a', NULL, 0), (1, 1, 'b', 'b', NULL, 1),"
		  " (1, 2, 'c' || char(27) || '[31m', 'c', NULL, 2);"
		  "INSERT INTO annotator(id, name) VALUES (1, 'x'), (2, 'y');"
		  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)"
		  " INSERT INTO item(id, task, external_id) SELECT i, 1, 'i' || i FROM n;"
		  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)"
		  " INSERT INTO vote_rows(task, item, annotator, label) SELECT 1, i, a,"
		  " CASE WHEN i IN (5, 14, 25) THEN ((i - 1) % 3 + 1) % 3 ELSE (i - 1) % 3 END"
		  " FROM n, (SELECT 1 AS a UNION ALL SELECT 2);"
		  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)"
		  " INSERT INTO prediction(item, model, label, confidence, probs)"
		  " SELECT i, 'm1', (i - 1) % 3, 0.8, json_object('a', iif((i - 1) % 3 = 0, 0.8, "
		  "0.1),"
		  " 'b', iif((i - 1) % 3 = 1, 0.8, 0.1), 'c' || char(27) || '[31m',"
		  " iif((i - 1) % 3 = 2, 0.8, 0.1)) FROM n;");
	test_summary_refresh(f->st, 1);
	if (store_task_get(f->st, "t", &f->task, err) != 1)
		fail_msg("task: %s", err);
	*state = f;
	return 0;
}

static void test_store_queue(void **state)
{
	struct test_fx *f = *state;
	struct queue_entry *v;
	size_t n;
	int blind;
	char err[GV_ERR];

	if (store_queue_build(f->st, "label-issues", 0, 0, &v, &n, &blind, err))
		fail_msg("%s", err);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].external_id, "i5");
	assert_string_equal(v[0].suggested, "b");
	assert_true(fabs(v[0].margin - 0.7) < 1e-9);
	assert_string_equal(v[1].external_id, "i14");
	assert_string_equal(v[2].external_id, "i25");
	assert_string_equal(v[2].suggested, "a");
	assert_string_equal(v[2].reason, "labelled b, likely a: p 0.80 vs 0.10");
	assert_string_equal(v[0].evidence, "suggested by model m1");
	assert_string_equal(v[0].model_label, "b");
	store_queue_free(v, n);
	/* The review screen loads the first rows and says how many there are
	 * in all: label-issues counts them while choosing. */
	{
		size_t total;
		if (store_queue_build_total(f->st, "label-issues", 1, 0, &v, &n, &blind, &total,
					    err))
			fail_msg("%s", err);
		assert_int_equal(n, 1);
		assert_int_equal(total, 3);
		assert_string_equal(v[0].external_id, "i5");
		store_queue_free(v, n);
		if (store_queue_total(f->st, "label-issues", 0, &total, err))
			fail_msg("%s", err);
		assert_int_equal(total, 3);
		if (store_queue_build_total(f->st, "disputed", 1, 0, &v, &n, &blind, &total, err))
			fail_msg("%s", err);
		assert_int_equal(n, 0); /* the votes agree on every item */
		assert_int_equal(total, 0);
		store_queue_free(v, n);
	}
	/* Another queue's entries carry no suggestion. */
	if (store_queue_build(f->st, "disputed", 0, 1, &v, &n, &blind, err))
		fail_msg("%s", err);
	for (size_t i = 0; i < n; i++)
		assert_null(v[i].suggested);
	store_queue_free(v, n);
}

/*
 * Decisions: item 5 b in label-issues (changed from the votes' c), item 14
 * c in label-issues (kept), item 1 a in model-disagrees (kept), item 3 c
 * and item 25 a in the blind audit (one error against the consensus b).
 * The current labels become a 10, b 9, c 11; only item 14 stays off the
 * diagonal (1 of 30), and being decided it leaves the queue.
 */
static void test_store_report(void **state)
{
	struct test_fx *f = *state;
	struct labelerr_report r;
	struct queue_entry *v;
	struct sbuf b = {0};
	char err[GV_ERR];
	size_t n;
	int blind;

	test_exec(f->st, "INSERT INTO decision(item, expert, label, at, queue) VALUES"
			 " (5, 'e', 1, 'T', 'label-issues'), (14, 'e', 2, 'T', 'label-issues'),"
			 " (1, 'e', 0, 'T', 'model-disagrees'), (3, 'e', 2, 'T', 'audit'),"
			 " (25, 'e', 0, 'T', 'audit')");
	if (labelerr_report_compute(f->st, &f->task, NULL, 0, 50, 1, &r, err))
		fail_msg("%s", err);
	assert_null(r.error);
	assert_int_equal(r.from_expert, 5);
	assert_int_equal(r.from_ds, 25);
	assert_int_equal(r.res.errors, 1);
	assert_int_equal(r.issues, 1);
	assert_string_equal(r.src.chosen, "most predictions"); /* no import event */
	assert_int_equal(r.audit.n, 2);
	assert_int_equal(r.audit.k, 1);
	assert_int_equal(r.nprecision, 3);
	for (size_t i = 0; i < r.nprecision; i++) {
		const struct labelerr_precision *p = &r.precision[i];
		if (strcmp(p->queue, "label-issues") == 0) {
			assert_int_equal(p->changed.n, 2);
			assert_int_equal(p->changed.k, 1);
		} else if (strcmp(p->queue, "model-disagrees") == 0) {
			assert_int_equal(p->changed.n, 1);
			assert_int_equal(p->changed.k, 0);
		} else {
			assert_string_equal(p->queue, "uncertain");
			assert_int_equal(p->changed.n, 0);
		}
	}
	labelerr_report_text(&b, &r);
	assert_non_null(strstr(b.s, "confident learning estimates 3.3% ["));
	assert_non_null(strstr(b.s, "; blind audit measured 50.0% ["));
	assert_non_null(strstr(b.s, "] on 2 items\n"));
	assert_non_null(strstr(b.s, "c^[[31m -> b"));
	assert_null(strchr(b.s, '\x1b'));
	sbuf_reset(&b);
	labelerr_report_json(&b, &r);
	assert_non_null(strstr(b.s, "\"pairs\":[{\"given\":\"c\\u001b[31m\",\"true\":\"b\","
				    "\"confident\":1,\"estimated\":1,"));
	assert_non_null(strstr(b.s, "\"audit\":{\"audits\":2,\"errors\":1,\"rate\":0.5,"));
	assert_null(strchr(b.s, '\x1b'));
	sbuf_free(&b);
	labelerr_report_free(&r);
	if (store_queue_build(f->st, "label-issues", 0, 0, &v, &n, &blind, err))
		fail_msg("%s", err);
	assert_int_equal(n, 0);
	store_queue_free(v, n);
	if (store_queue_build(f->st, "label-issues", 0, 1, &v, &n, &blind, err))
		fail_msg("%s", err);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].external_id, "i14");
	assert_true(v[0].decided);
	store_queue_free(v, n);
}

/* A damaged record names its item; a record of the top label only is
 * counted, not used. */
static void test_store_damaged(void **state)
{
	struct test_fx *f = *state;
	struct store_labelerr d;
	char err[GV_ERR];

	test_exec(f->st, "UPDATE prediction SET probs = '{\"a\":0.5}' WHERE item = 2");
	assert_int_equal(store_labelerr_load(f->st, &f->task, "m1", NULL, 0, &d, err), 0);
	assert_int_equal(d.n, 29);
	assert_int_equal(d.no_distribution, 1);
	store_labelerr_free(&d);
	test_exec(f->st, "UPDATE prediction SET probs = '{\"a\":0.5,\"zz\":0.5}' WHERE item = 2");
	assert_int_equal(store_labelerr_load(f->st, &f->task, "m1", NULL, 0, &d, err), -1);
	assert_non_null(strstr(err, "probabilities of model 'm1' on item 2 do not parse"));
	/* In the report the section says so, and the rest of stats goes on. */
	{
		struct labelerr_report r;
		assert_int_equal(labelerr_report_compute(f->st, &f->task, NULL, 0, 0, 1, &r, err),
				 0);
		assert_false(r.have);
		assert_non_null(strstr(r.error, "on item 2 do not parse"));
		labelerr_report_free(&r);
	}
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
		cmocka_unit_test_setup_teardown(test_store_queue, setup_store, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_store_report, setup_store, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_store_damaged, setup_store, test_fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
