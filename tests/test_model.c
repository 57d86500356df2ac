/*
 * Unit tests of model-aware review (src/model.h, src/model_report.h):
 * prediction entropy and margin, the reliability table and ECE, Wilson
 * intervals against statsmodels, the label-accuracy discount q from
 * agreement and from audits, and the whole model report (audit estimate
 * split by model agreement, accuracies, calibration, relabel impact) on a
 * small database whose answers are worked out by hand in the comments.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "store_model.h"
#include "model_report.h"
#include "store.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EPS 1e-9

static void refresh(struct test_fx *f)
{
	test_summary_refresh(f->st, 1);
}

/* An empty project with task t (labels a, b, c = codes 0, 1, 2) and
 * annotators x, y, z; the queues are the defaults (audit is named audit). */
static int setup_empty(void **state)
{
	struct test_fx *f = test_fx_new("model");
	test_exec(f->st, "INSERT INTO task(id, name) VALUES (1, 't');"
		       "INSERT INTO label VALUES (1, 0, 'a', 'a', NULL, 0),"
		       " (1, 1, 'b', 'b', NULL, 1), (1, 2, 'c', 'c', NULL, 2);"
		       "INSERT INTO annotator(id, name) VALUES (1, 'x'), (2, 'y'), (3, 'z');");
	*state = f;
	return 0;
}

/*
 * The report fixture. Votes (x, y, z), prediction of model m1 (label,
 * confidence), current decision (label, queue):
 *
 *  item votes  consensus  m1         decision             notes
 *   1   a a a  a          a  0.95    a  audit             audited, right
 *   2   a a b  a          b  0.97    b  audit             audited, error, model disagreed
 *   3   b b c  b          b  0.99    c  audit             audited, error, model agreed
 *   4   a b    (tie)      a  0.96    a  audit             audited, no consensus
 *   5   c c    c          c  0.62    c  disputed
 *   6   a b b  b          a  0.35    a  disputed          changed
 *   7   c c a  c          b  0.65    b  imported          changed, queue "import"
 *   8   a a    a          a  0.30    a audit, withdrawn   not decided
 *   9   b b b  b          b  1.00    -
 *  10   a a c  a          c  0.50    -
 *  11   b b    b          -          a  audit             audited, error, no prediction
 *  12   -      (none)     a  0.80    a  no queue          changed (no votes)
 *  13   a a a  a          -          b audit (blind) then a disputed: audited, right
 *
 * Model m2 predicts only item 1 (a 0.55).
 */
static int setup_report(void **state)
{
	struct test_fx *f;
	char err[GV_ERR];
	setup_empty(state);
	f = *state;
	test_exec(f->st,
		"INSERT INTO item(id, task, external_id) VALUES (1, 1, 'i1'), (2, 1, 'i2'),"
		" (3, 1, 'i3'), (4, 1, 'i4'), (5, 1, 'i5'), (6, 1, 'i6'), (7, 1, 'i7'),"
		" (8, 1, 'i8'), (9, 1, 'i9'), (10, 1, 'i10'), (11, 1, 'i11'), (12, 1, 'i12'),"
		" (13, 1, 'i13');"
		"INSERT INTO vote_rows(task, item, annotator, label) VALUES"
		" (1, 1, 1, 0), (1, 1, 2, 0), (1, 1, 3, 0),"
		" (1, 2, 1, 0), (1, 2, 2, 0), (1, 2, 3, 1),"
		" (1, 3, 1, 1), (1, 3, 2, 1), (1, 3, 3, 2),"
		" (1, 4, 1, 0), (1, 4, 2, 1),"
		" (1, 5, 1, 2), (1, 5, 2, 2),"
		" (1, 6, 1, 0), (1, 6, 2, 1), (1, 6, 3, 1),"
		" (1, 7, 1, 2), (1, 7, 2, 2), (1, 7, 3, 0),"
		" (1, 8, 1, 0), (1, 8, 2, 0),"
		" (1, 9, 1, 1), (1, 9, 2, 1), (1, 9, 3, 1),"
		" (1, 10, 1, 0), (1, 10, 2, 0), (1, 10, 3, 2),"
		" (1, 11, 1, 1), (1, 11, 2, 1),"
		" (1, 13, 1, 0), (1, 13, 2, 0), (1, 13, 3, 0);"
		"INSERT INTO prediction(item, model, label, confidence, probs) VALUES"
		" (1, 'm1', 0, 0.95, '{}'), (2, 'm1', 1, 0.97, '{}'), (3, 'm1', 1, 0.99, '{}'),"
		" (4, 'm1', 0, 0.96, '{}'), (5, 'm1', 2, 0.62, '{}'), (6, 'm1', 0, 0.35, '{}'),"
		" (7, 'm1', 1, 0.65, '{}'), (8, 'm1', 0, 0.30, '{}'), (9, 'm1', 1, 1.0, '{}'),"
		" (10, 'm1', 2, 0.50, '{}'), (12, 'm1', 0, 0.80, '{}'),"
		" (1, 'm2', 0, 0.55, '{}');"
		"INSERT INTO decision(id, item, expert, label, at, queue, origin, blind_label,"
		" supersedes) VALUES"
		" (1, 1, 'e', 0, 'T', 'audit', 'review', 0, NULL),"
		" (2, 2, 'e', 1, 'T', 'audit', 'review', 1, NULL),"
		" (3, 3, 'e', 2, 'T', 'audit', 'review', 2, NULL),"
		" (4, 4, 'e', 0, 'T', 'audit', 'review', 0, NULL),"
		" (5, 5, 'e', 2, 'T', 'disputed', 'review', NULL, NULL),"
		" (6, 6, 'e', 0, 'T', 'disputed', 'review', NULL, NULL),"
		" (7, 7, 'e', 1, 'T', NULL, 'import', NULL, NULL),"
		" (8, 8, 'e', 0, 'T', 'audit', 'review', 0, NULL),"
		" (9, 8, 'e', NULL, 'T', 'audit', 'review', NULL, 8),"
		" (10, 11, 'e', 0, 'T', 'audit', 'review', 0, NULL),"
		" (11, 12, 'e', 0, 'T', NULL, 'review', NULL, NULL),"
		" (12, 13, 'e', 1, 'T', 'audit', 'review', 1, NULL),"
		" (13, 13, 'e', 0, 'T', 'disputed', 'review', NULL, 12);");
	refresh(f);
	if (store_task_get(f->st, "t", &f->task, err) != 1)
		fail_msg("task: %s", err);
	return 0;
}

static void test_prediction_stats(void **state)
{
	double h, m, c;
	(void)state;

	/* Uniform over 4: entropy ln4/ln4 = 1, margin 0, confidence 0.25. */
	{
		const double p[] = {0.25, 0.25, 0.25, 0.25};
		assert_int_equal(model_prediction_stats(p, 4, &h, &m, &c), 0);
		assert_float_equal(h, 1.0, EPS);
		assert_float_equal(m, 0.0, EPS);
		assert_float_equal(c, 0.25, EPS);
	}
	/* (0.7, 0.2, 0.1): -(0.7 ln 0.7 + 0.2 ln 0.2 + 0.1 ln 0.1) / ln 3 =
	 * 0.729846699162 (Python math), margin 0.5, confidence 0.7. The order of
	 * the entries does not matter. */
	{
		const double p[] = {0.2, 0.7, 0.1};
		assert_int_equal(model_prediction_stats(p, 3, &h, &m, &c), 0);
		assert_float_equal(h, 0.729846699162, 1e-11);
		assert_float_equal(m, 0.5, EPS);
		assert_float_equal(c, 0.7, EPS);
	}
	/* Certain: entropy 0, margin 1. A tie at the top: margin 0. */
	{
		const double p[] = {0.0, 1.0};
		const double t[] = {0.4, 0.4, 0.2};
		assert_int_equal(model_prediction_stats(p, 2, &h, &m, &c), 0);
		assert_float_equal(h, 0.0, EPS);
		assert_float_equal(m, 1.0, EPS);
		assert_int_equal(model_prediction_stats(t, 3, NULL, &m, &c), 0);
		assert_float_equal(m, 0.0, EPS);
		assert_float_equal(c, 0.4, EPS);
	}
	/* The sum check: within 1e-3 passes, beyond fails; negative, NaN and
	 * a single label fail. */
	{
		const double ok[] = {0.5005, 0.5004};
		const double lo[] = {0.5, 0.4};
		const double hi[] = {0.6, 0.4011};
		const double neg[] = {1.1, -0.1};
		const double nan_[] = {NAN, 1.0};
		const double one[] = {1.0};
		assert_int_equal(model_prediction_stats(ok, 2, &h, NULL, NULL), 0);
		assert_true(h <= 1.0);
		assert_int_equal(model_prediction_stats(lo, 2, &h, &m, &c), -1);
		assert_int_equal(model_prediction_stats(hi, 2, &h, &m, &c), -1);
		assert_int_equal(model_prediction_stats(neg, 2, &h, &m, &c), -1);
		assert_int_equal(model_prediction_stats(nan_, 2, &h, &m, &c), -1);
		assert_int_equal(model_prediction_stats(one, 1, &h, &m, &c), -1);
	}
}

static void test_calibration_bins(void **state)
{
	struct model_calibration cal;
	(void)state;

	/* Every edge b/10 opens bin b; the double just below it is in bin b-1. */
	for (int b = 0; b < MODEL_BINS; b++) {
		double e = b / 10.0;
		assert_int_equal(model_calibration_bin(e), b);
		if (b)
			assert_int_equal(model_calibration_bin(nextafter(e, 0)), b - 1);
	}
	assert_int_equal(model_calibration_bin(0.3), 3);
	assert_int_equal(model_calibration_bin(0.7), 7);
	assert_int_equal(model_calibration_bin(0.95), 9);
	assert_int_equal(model_calibration_bin(1.0), 9); /* the last bin is closed */
	assert_int_equal(model_calibration_bin(-0.01), -1);
	assert_int_equal(model_calibration_bin(1.01), -1);
	assert_int_equal(model_calibration_bin(NAN), -1);

	/* Hand-made set:
	 *   bin 9: 0.95 right, 0.95 right, 1.0 wrong, 0.92 right: n 4, mean
	 *          confidence 3.82/4 = 0.955, accuracy 0.75, gap 0.205
	 *   bin 6: 0.65 right, 0.62 wrong: n 2, confidence 0.635, accuracy 0.5,
	 *          gap 0.135
	 *   bin 3: 0.35 wrong, 0.30 wrong: n 2, confidence 0.325, accuracy 0,
	 *          gap 0.325
	 * ECE = 4/8 * 0.205 + 2/8 * 0.135 + 2/8 * 0.325 = 0.2175. */
	model_calibration_init(&cal);
	model_calibration_add(&cal, 0.95, 1);
	model_calibration_add(&cal, 0.95, 1);
	model_calibration_add(&cal, 1.0, 0);
	model_calibration_add(&cal, 0.92, 1);
	model_calibration_add(&cal, 0.65, 1);
	model_calibration_add(&cal, 0.62, 0);
	model_calibration_add(&cal, 0.35, 0);
	model_calibration_add(&cal, 0.30, 0);
	model_calibration_add(&cal, 1.5, 1); /* no bin: ignored */
	model_calibration_finish(&cal);
	assert_int_equal(cal.n, 8);
	assert_int_equal(cal.bins[9].n, 4);
	assert_float_equal(cal.bins[9].confidence, 0.955, EPS);
	assert_float_equal(cal.bins[9].accuracy, 0.75, EPS);
	assert_int_equal(cal.bins[6].n, 2);
	assert_float_equal(cal.bins[6].confidence, 0.635, EPS);
	assert_float_equal(cal.bins[6].accuracy, 0.5, EPS);
	assert_int_equal(cal.bins[3].n, 2);
	assert_float_equal(cal.bins[3].accuracy, 0.0, EPS);
	assert_int_equal(cal.bins[0].n, 0);
	assert_true(isnan(cal.bins[0].confidence) && isnan(cal.bins[0].accuracy));
	assert_float_equal(cal.bins[0].lo, 0.0, EPS);
	assert_float_equal(cal.bins[0].hi, 0.1, EPS);
	assert_float_equal(cal.bins[9].lo, 0.9, EPS);
	assert_float_equal(cal.bins[9].hi, 1.0, EPS);
	assert_float_equal(cal.ece, 0.2175, EPS);

	/* No predictions: ECE does not apply. */
	model_calibration_init(&cal);
	model_calibration_finish(&cal);
	assert_true(isnan(cal.ece));
}

static void test_wilson(void **state)
{
	/* Expected values: statsmodels proportion_confint(k, n, method='wilson')
	 * with Debian's /usr/bin/python3, printed to 12 decimals. */
	static const struct {
		long k, n;
		double lo, hi;
	} cases[] = {
		{3, 5, 0.230724281276, 0.882379225767},
		{1, 2, 0.094531205734, 0.905468794266},
		{1, 1, 0.206549314377, 1.0},
		{0, 10, 0.0, 0.277532799863},
		{4, 40, 0.039579528683, 0.230517752275},
		{30, 30, 0.886486606826, 1.0},
	};
	struct model_rate r;
	(void)state;

	for (size_t i = 0; i < GV_ARRAY_LEN(cases); i++) {
		model_rate_set(&r, cases[i].k, cases[i].n);
		assert_int_equal(r.n, cases[i].n);
		assert_int_equal(r.k, cases[i].k);
		assert_float_equal(r.rate, (double)cases[i].k / cases[i].n, EPS);
		assert_float_equal(r.lo, cases[i].lo, 1e-10);
		assert_float_equal(r.hi, cases[i].hi, 1e-10);
	}
	model_rate_set(&r, 0, 0);
	assert_true(isnan(r.rate) && isnan(r.lo) && isnan(r.hi));
}

static void test_quality_choose(void **state)
{
	double q;
	const char *src;
	(void)state;

	model_quality_choose(29, 3, 0.8, &q, &src);
	assert_string_equal(src, "agreement");
	assert_float_equal(q, 0.8, EPS);
	model_quality_choose(30, 3, 0.8, &q, &src);
	assert_string_equal(src, "audit");
	assert_float_equal(q, 0.9, EPS);
	model_quality_choose(0, 0, NAN, &q, &src);
	assert_string_equal(src, "none");
	assert_true(isnan(q));
	assert_float_equal(model_effective_confidence(0.9, 0.8), 0.72, EPS);
	assert_true(isnan(model_effective_confidence(NAN, 0.8)));
	assert_true(isnan(model_effective_confidence(0.9, NAN)));
}

/* Add item `id` with votes a a (consensus a) and a decision in `queue`. */
static void add_audit(struct test_fx *f, int id, int label, const char *queue)
{
	char sql[512];
	snprintf(sql, sizeof sql,
		 "INSERT INTO item(id, task, external_id) VALUES (%d, 1, 'i%d');"
		 "INSERT INTO vote_rows(task, item, annotator, label)"
		 " VALUES (1, %d, 1, 0), (1, %d, 2, 0);"
		 "INSERT INTO decision(item, expert, label, at, queue)"
		 " VALUES (%d, 'e', %d, 'T', '%s');",
		 id, id, id, id, id, label, queue);
	test_exec(f->st, sql);
}

static void test_quality_from_store(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR];
	double q;
	const char *src;
	long audits, errors;

	/* No item with two votes: q does not apply. */
	test_exec(f->st, "INSERT INTO item(id, task, external_id) VALUES (1000, 1, 'solo');"
		       "INSERT INTO vote_rows(task, item, annotator, label) VALUES (1, 1000, 1, 0);");
	refresh(f);
	assert_int_equal(store_model_task_quality(f->st, 1, &q, &src, err), 0);
	assert_string_equal(src, "none");
	assert_true(isnan(q));

	/* 29 audits (items with votes a a), 3 of them relabelled b, plus one
	 * disagreeing item 2000 (a b, agreement 0) that is not audited. Percent
	 * agreement = (29 * 1 + 0) / 30 = 0.966667; 29 < 30 audits, so q comes
	 * from agreement. */
	for (int i = 1; i <= 29; i++)
		add_audit(f, i, i <= 3 ? 1 : 0, "audit");
	test_exec(f->st, "INSERT INTO item(id, task, external_id) VALUES (2000, 1, 'd');"
		       "INSERT INTO vote_rows(task, item, annotator, label) VALUES (1, 2000, 1, 0),"
		       " (1, 2000, 2, 1);");
	refresh(f);
	assert_int_equal(store_model_task_quality_ex(f->st, 1, &q, &src, &audits, &errors, err), 0);
	assert_string_equal(src, "agreement");
	assert_float_equal(q, 29.0 / 30.0, EPS);
	assert_int_equal(audits, 29);
	assert_int_equal(errors, 3);

	/* The review screen's q reads the task's first `cap` items by external
	 * id: 'd' (agreement 0), 'i1'..'i29' (1), 'solo' (one vote, none). Cap
	 * 31 reads all 31 items: the same 29/30, not a sample. Cap 30 leaves out
	 * 'solo' alone: still 29/30, but a sample. Cap 2 reads 'd' and 'i1':
	 * (0 + 1) / 2 = 0.5. */
	assert_int_equal(store_model_task_quality_upto(f->st, 1, 31, &q, &src, err), 0);
	assert_string_equal(src, "agreement");
	assert_float_equal(q, 29.0 / 30.0, EPS);
	assert_int_equal(store_model_task_quality_upto(f->st, 1, 30, &q, &src, err), 0);
	assert_string_equal(src, "agreement (sample)");
	assert_float_equal(q, 29.0 / 30.0, EPS);
	assert_int_equal(store_model_task_quality_upto(f->st, 1, 2, &q, &src, err), 0);
	assert_string_equal(src, "agreement (sample)");
	assert_float_equal(q, 0.5, EPS);

	/* A decision in a non-audit queue does not count as an audit. */
	add_audit(f, 30, 1, "disputed");
	refresh(f);
	assert_int_equal(store_model_task_quality_ex(f->st, 1, &q, &src, &audits, &errors, err), 0);
	assert_string_equal(src, "agreement");
	assert_int_equal(audits, 29);

	/* The 30th audit (right): q = 1 - 3/30 = 0.9 from the audits. */
	add_audit(f, 31, 0, "audit");
	refresh(f);
	assert_int_equal(store_model_task_quality_ex(f->st, 1, &q, &src, &audits, &errors, err), 0);
	assert_string_equal(src, "audit");
	assert_int_equal(audits, 30);
	assert_int_equal(errors, 3);
	assert_float_equal(q, 0.9, EPS);
	assert_int_equal(store_model_task_quality(f->st, 1, &q, &src, err), 0);
	assert_float_equal(q, 0.9, EPS);

	/* Withdrawing one erroneous audit (label NULL supersedes it) leaves 29
	 * audits: back to agreement. */
	test_exec(f->st, "INSERT INTO decision(item, expert, label, at, queue, supersedes)"
		       " VALUES (1, 'e', NULL, 'T', 'audit',"
		       " (SELECT max(id) FROM decision WHERE item = 1));");
	assert_int_equal(store_model_task_quality_ex(f->st, 1, &q, &src, &audits, &errors, err), 0);
	assert_string_equal(src, "agreement");
	assert_int_equal(audits, 29);
	assert_int_equal(errors, 2);
}

static void test_audit_by_rule(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR];
	struct model_decided *d;
	size_t n;

	/* Queues are mapped to rules by the project's declarations: here the
	 * queue named "audit" is a disputed queue and "spot" is the audit. */
	add_audit(f, 1, 0, "audit");
	add_audit(f, 2, 1, "spot");
	add_audit(f, 3, 0, "elsewhere");
	test_exec(f->st, "INSERT INTO project(key, value) VALUES ('queues',"
		       " '[{\"name\":\"audit\",\"rule\":\"disputed\"},"
		       "{\"name\":\"spot\",\"rule\":\"audit\",\"blind\":1}]');");
	refresh(f);
	assert_int_equal(store_model_decided_load(f->st, 1, &d, &n, err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(d[0].item, 1);
	assert_false(d[0].audited);
	assert_string_equal(d[0].queue, "audit");
	assert_int_equal(d[1].item, 2);
	assert_true(d[1].audited);
	assert_int_equal(d[1].label, 1);
	assert_int_equal(d[1].plurality, 0);
	assert_int_equal(model_decided_consensus(&d[1]), 0);
	assert_false(d[2].audited);
	store_model_decided_free(d, n);
}

static void test_report(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR];
	struct model_report r;
	const struct model_section *s;

	if (model_report_compute(f->st, &f->task, &r, err))
		fail_msg("%s", err);

	/* Audited: items 1, 2, 3, 4, 11, 13 (8 was withdrawn) = 6; with a
	 * consensus (4 is tied): 1, 2, 3, 11, 13 = 5 audits; errors 2, 3, 11 =
	 * 3: rate 0.6, Wilson (statsmodels) [0.230724281276, 0.882379225767]. */
	assert_int_equal(r.audited, 6);
	assert_int_equal(r.audit.n, 5);
	assert_int_equal(r.audit.k, 3);
	assert_float_equal(r.audit.rate, 0.6, EPS);
	assert_float_equal(r.audit.lo, 0.230724281276, 1e-10);
	assert_float_equal(r.audit.hi, 0.882379225767, 1e-10);

	/* 5 audits < 30: q = percent agreement over the 12 items with two or
	 * more votes: A_i = 1, 1/3, 1/3, 0, 1, 1/3, 1/3, 1, 1, 1/3, 1, 1
	 * (items 1-11, 13): six 1s and five 1/3s sum to 23/3, mean 23/36 =
	 * 0.638889. */
	assert_string_equal(r.source, "agreement");
	assert_float_equal(r.q, 23.0 / 36.0, EPS);

	/* Relabel: decided 1-7, 11, 12, 13 = 10; changed 2 (b vs a), 3 (c vs
	 * b), 4 (tie), 6 (a vs b), 7 (b vs c), 11 (a vs b), 12 (no votes) = 7.
	 * By queue: audit 1, 2, 3, 4, 11: 4 of 5; disputed 5, 6, 13: 1 of 3;
	 * import 7: 1 of 1; no queue 12: 1 of 1. By the expert's label: a 4
	 * (4, 6, 11, 12), b 2 (2, 7), c 1 (3). */
	assert_int_equal(r.decided, 10);
	assert_int_equal(r.changed, 7);
	assert_int_equal(r.nqueues, 4);
	assert_string_equal(r.queues[0].queue, "audit");
	assert_int_equal(r.queues[0].changed, 4);
	assert_int_equal(r.queues[0].decided, 5);
	assert_string_equal(r.queues[1].queue, "disputed");
	assert_int_equal(r.queues[1].changed, 1);
	assert_int_equal(r.queues[1].decided, 3);
	assert_string_equal(r.queues[2].queue, "import");
	assert_int_equal(r.queues[2].changed, 1);
	assert_int_equal(r.queues[2].decided, 1);
	assert_null(r.queues[3].queue);
	assert_int_equal(r.queues[3].changed, 1);
	assert_int_equal(r.nlabels, 3);
	assert_string_equal(r.labels[0].label, "a");
	assert_int_equal(r.labels[0].changed, 4);
	assert_string_equal(r.labels[1].label, "b");
	assert_int_equal(r.labels[1].changed, 2);
	assert_string_equal(r.labels[2].label, "c");
	assert_int_equal(r.labels[2].changed, 1);

	assert_int_equal(r.nsections, 2);
	s = &r.sections[0];
	assert_string_equal(s->model, "m1");
	assert_int_equal(s->predictions, 11);
	/* Audits split by m1: item 1 agreed (right), 3 agreed (error), 2
	 * disagreed (error); 11 and 13 have no m1 prediction. */
	assert_int_equal(s->agreed.n, 2);
	assert_int_equal(s->agreed.k, 1);
	assert_float_equal(s->agreed.rate, 0.5, EPS);
	assert_float_equal(s->agreed.lo, 0.094531205734, 1e-10);
	assert_int_equal(s->disagreed.n, 1);
	assert_int_equal(s->disagreed.k, 1);
	assert_float_equal(s->disagreed.rate, 1.0, EPS);
	assert_float_equal(s->disagreed.lo, 0.206549314377, 1e-10);
	/* vs consensus over predicted items with a consensus (not 4, 12): 1 2 3
	 * 5 6 7 8 9 10 = 9; right 1, 3, 5, 8, 9 = 5/9. */
	assert_int_equal(s->vs_consensus.n, 9);
	assert_int_equal(s->vs_consensus.k, 5);
	/* Decided, predicted, with consensus: 1 2 3 5 6 7. vs expert: right 1, 2,
	 * 5, 6, 7 = 5/6; vs consensus on the same: 1, 3, 5 = 3/6. */
	assert_int_equal(s->vs_expert.n, 6);
	assert_int_equal(s->vs_expert.k, 5);
	assert_int_equal(s->consensus_on_decided.n, 6);
	assert_int_equal(s->consensus_on_decided.k, 3);
	assert_float_equal(s->consensus_on_decided.rate, 0.5, EPS);
	/* Calibration over decided items with a prediction: 1 2 3 4 5 6 7 12.
	 *   bin 9: 0.95 r, 0.97 r, 0.99 w, 0.96 r: conf 3.87/4 = 0.9675, acc 0.75
	 *   bin 6: 0.62 r, 0.65 r: conf 0.635, acc 1
	 *   bin 3: 0.35 r; bin 8: 0.80 r
	 * ECE = 4/8*0.2175 + 2/8*0.365 + 1/8*0.65 + 1/8*0.2 = 0.30625. */
	assert_int_equal(s->cal.n, 8);
	assert_int_equal(s->cal.bins[9].n, 4);
	assert_float_equal(s->cal.bins[9].confidence, 0.9675, EPS);
	assert_float_equal(s->cal.bins[9].accuracy, 0.75, EPS);
	assert_int_equal(s->cal.bins[6].n, 2);
	assert_float_equal(s->cal.bins[6].accuracy, 1.0, EPS);
	assert_int_equal(s->cal.bins[3].n, 1);
	assert_int_equal(s->cal.bins[8].n, 1);
	assert_float_equal(s->cal.ece, 0.30625, EPS);

	/* m2 predicted item 1 only (a, 0.55): audit split 1 agreed right. */
	s = &r.sections[1];
	assert_string_equal(s->model, "m2");
	assert_int_equal(s->predictions, 1);
	assert_int_equal(s->agreed.n, 1);
	assert_int_equal(s->agreed.k, 0);
	assert_int_equal(s->disagreed.n, 0);
	assert_true(isnan(s->disagreed.rate));
	assert_int_equal(s->cal.bins[5].n, 1);
	assert_float_equal(s->cal.ece, 0.45, EPS);
	model_report_free(&r);
}

/* Pull the text of `key`'s value out of one JSON text, by SQLite. */
static char *json_get(struct store *st, const char *json, const char *path)
{
	sqlite3_stmt *s;
	char *v = NULL;
	assert_int_equal(sqlite3_prepare_v2(st->db, "SELECT json_extract(?1, ?2), json_valid(?1)",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(s, 1, json, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 1), 1);
	v = xstrdup(sqlite3_column_type(s, 0) == SQLITE_NULL
			    ? "null"
			    : (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

static void expect_json(struct store *st, const char *json, const char *path, const char *want)
{
	char *v = json_get(st, json, path);
	if (strcmp(v, want) != 0)
		fail_msg("%s: got %s, want %s", path, v, want);
	free(v);
}

static void test_report_json(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR];
	struct model_report r;
	struct sbuf b = {0};

	if (model_report_compute(f->st, &f->task, &r, err))
		fail_msg("%s", err);
	model_report_json(&b, &r);
	expect_json(f->st, b.s, "$[0].model", "m1");
	expect_json(f->st, b.s, "$[0].predictions", "11");
	expect_json(f->st, b.s, "$[0].quality.source", "agreement");
	expect_json(f->st, b.s, "$[0].quality.audits", "5");
	expect_json(f->st, b.s, "$[0].audit.items", "6");
	expect_json(f->st, b.s, "$[0].audit.error_rate", "0.6");
	expect_json(f->st, b.s, "$[0].audit.model_agreed.items", "2");
	expect_json(f->st, b.s, "$[0].audit.model_disagreed.error_rate", "1.0");
	expect_json(f->st, b.s, "$[1].audit.model_disagreed.error_rate", "null");
	expect_json(f->st, b.s, "$[1].audit.model_disagreed.ci", "null");
	expect_json(f->st, b.s, "$[0].accuracy.vs_expert.n", "6");
	expect_json(f->st, b.s, "$[0].accuracy.consensus_on_decided.accuracy", "0.5");
	expect_json(f->st, b.s, "$[0].calibration.bins[9].n", "4");
	expect_json(f->st, b.s, "$[0].calibration.bins[9].hi", "1.0");
	expect_json(f->st, b.s, "$[0].calibration.bins[0].accuracy", "null");
	expect_json(f->st, b.s, "$[0].calibration.n", "8");
	expect_json(f->st, b.s, "$[0].relabel.changed", "7");
	expect_json(f->st, b.s, "$[0].relabel.by_queue[3].queue", "null");
	expect_json(f->st, b.s, "$[0].relabel.by_queue[2].queue", "import");
	expect_json(f->st, b.s, "$[0].relabel.by_label[0].label", "a");
	expect_json(f->st, b.s, "$[0].relabel.by_label[0].changed", "4");
	{
		/* JSON numbers carry six decimals (sbuf_add_json_num). */
		char *ci = json_get(f->st, b.s, "$[0].audit.ci");
		double lo, hi;
		if (sscanf(ci, "[%lf,%lf]", &lo, &hi) != 2)
			fail_msg("ci: %s", ci);
		if (fabs(lo - 0.230724281276) > 5e-7 || fabs(hi - 0.882379225767) > 5e-7)
			fail_msg("ci: %s", ci);
		free(ci);
	}
	sbuf_reset(&b);
	model_report_text(&b, &r);
	assert_non_null(strstr(b.s, "source: agreement"));
	assert_non_null(strstr(b.s, "model m1: 11 predictions"));
	assert_non_null(strstr(b.s, "7 of 10 decided items changed"));
	assert_non_null(strstr(b.s, "[0.9,1.0]"));
	sbuf_free(&b);
	model_report_free(&r);
}

static void test_report_no_model(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR];
	struct model_report r;
	struct sbuf b = {0};

	/* A task without predictions: one section with model null; an escape in
	 * a queue name never reaches the text report. */
	add_audit(f, 1, 1, "\x1b[31mred");
	refresh(f);
	store_task_get(f->st, "t", &f->task, err);
	if (model_report_compute(f->st, &f->task, &r, err))
		fail_msg("%s", err);
	assert_int_equal(r.nsections, 1);
	assert_null(r.sections[0].model);
	assert_int_equal(r.decided, 1);
	assert_int_equal(r.changed, 1);
	model_report_json(&b, &r);
	expect_json(f->st, b.s, "$[0].model", "null");
	expect_json(f->st, b.s, "$[0].audit.model_agreed", "null");
	expect_json(f->st, b.s, "$[0].calibration.ece", "null");
	expect_json(f->st, b.s, "$[0].quality.q", "1.0");
	assert_null(strchr(b.s, '\x1b'));
	sbuf_reset(&b);
	model_report_text(&b, &r);
	assert_null(strchr(b.s, '\x1b'));
	assert_non_null(strstr(b.s, "no model predictions"));
	sbuf_free(&b);
	model_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prediction_stats),
		cmocka_unit_test(test_calibration_bins),
		cmocka_unit_test(test_wilson),
		cmocka_unit_test(test_quality_choose),
		cmocka_unit_test_setup_teardown(test_quality_from_store, setup_empty, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_audit_by_rule, setup_empty, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_report, setup_report, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_report_json, setup_report, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_report_no_model, setup_empty, test_fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
