/*
 * Unit tests of truth inference: Dawid-Skene on Dawid & Skene's own worked
 * example and on small synthetic cases whose answer is known by
 * construction (a perfect annotator among spammers, a biased annotator),
 * expert labels clamping posteriors, majority vote's tie rule, and the
 * Wilson interval.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "truth.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A growable CSR vote set for building cases. */
struct build {
	struct stats_votes v;
	uint32_t *start, *ann;
	uint16_t *lab;
	size_t nv, cap, ni, icap;
};

static void b_item(struct build *b)
{
	b->start = xgrow(b->start, &b->icap, b->ni + 2, sizeof *b->start);
	b->start[b->ni] = (uint32_t)b->nv;
	b->ni++;
	b->start[b->ni] = (uint32_t)b->nv;
}

static void b_vote(struct build *b, int a, int l)
{
	size_t c = b->cap;
	b->ann = xgrow(b->ann, &c, b->nv + 1, sizeof *b->ann);
	b->lab = xgrow(b->lab, &b->cap, b->nv + 1, sizeof *b->lab);
	b->ann[b->nv] = (uint32_t)a;
	b->lab[b->nv] = (uint16_t)l;
	b->nv++;
	b->start[b->ni] = (uint32_t)b->nv;
}

static const struct stats_votes *b_done(struct build *b, int K, int A)
{
	b->v.nitems = b->ni;
	b->v.nvotes = b->nv;
	b->v.nlabels = K;
	b->v.nannotators = A;
	b->v.start = b->start;
	b->v.ann = b->ann;
	b->v.lab = b->lab;
	return &b->v;
}

static void b_free(struct build *b)
{
	free(b->start);
	free(b->ann);
	free(b->lab);
}

/* A fixed linear congruential generator so the cases are the same everywhere. */
static uint32_t rng(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/*
 * Dawid & Skene (1979), Table 1: 45 patients, 5 observers, 4 classes;
 * observer 1 rated each patient three times. Each string is one patient:
 * observer 1's three ratings, then observers 2-5.
 */
static const char *const ds1979[45] = {
	"1111111", "3334334", "1122122", "2223121", "2223222", "2223322", "1222111",
	"3333433", "2222223", "2322223", "4444444", "2223343", "1111111", "2223212",
	"1211111", "1112111", "1111111", "1111111", "2222221", "2221322", "2222222",
	"2222221", "2223222", "2212222", "1111111", "1111111", "2322222", "1111111",
	"1111111", "1121121", "1111111", "3333233", "1111111", "2222222", "2223232",
	"4334343", "2212232", "2323233", "3333432", "1111111", "1111111", "1212111",
	"2322222", "1211111", "2222222",
};

static void test_dawid_skene_1979(void **state)
{
	/* Most probable class per patient and class priors from crowd-kit 1.4.1
	 * DawidSkene(n_iter=100, tol=1e-5) on the same table. */
	static const char want[] = "142222132243121111222222112111131224233111212";
	static const double priors[] = {0.399732, 0.422382, 0.111219, 0.066667};
	static const int observer[7] = {0, 0, 0, 1, 2, 3, 4};
	struct build b = {0};
	struct truth_ds d;
	for (int i = 0; i < 45; i++) {
		b_item(&b);
		for (int j = 0; j < 7; j++)
			b_vote(&b, observer[j], ds1979[i][j] - '1');
	}
	assert_int_equal(truth_ds_run(b_done(&b, 4, 5), NULL, NULL, &d), 0);
	assert_true(d.converged);
	for (int i = 0; i < 45; i++)
		assert_int_equal(truth_ds_label(&d, (size_t)i) + '1', want[i]);
	for (int k = 0; k < 4; k++)
		assert_float_equal(d.priors[k], priors[k], 1e-3);
	/* Majority vote differs from D&S on patients 2 and 36 (MV 3, D&S 4) and
	 * on patient 12, a 3-3 tie between 2 and 3 that goes to 2 (first in
	 * label order), as crowd-kit 1.4.1's MajorityVote (ties to the smallest)
	 * and DawidSkene give them. */
	assert_int_equal(truth_majority(&b.v, 1), 2);
	assert_int_equal(truth_majority(&b.v, 11), 1);
	assert_int_equal(truth_majority(&b.v, 35), 2);
	truth_ds_free(&d);
	b_free(&b);
}

static void test_perfect_among_spammers(void **state)
{
	/* 300 items, K = 3. Annotator 0 is always right; annotators 1-3 answer
	 * uniformly at random; annotator 4 is right 60% of the time. Majority
	 * vote is often fooled when spammers agree; DS learns that annotator 0
	 * is perfect and follows it. */
	struct build b = {0};
	struct truth_ds d;
	uint64_t s = 7;
	int truth[300], ds_right = 0, mv_right = 0;
	for (int i = 0; i < 300; i++) {
		truth[i] = (int)(rng(&s) % 3);
		b_item(&b);
		b_vote(&b, 0, truth[i]);
		for (int a = 1; a <= 3; a++)
			b_vote(&b, a, (int)(rng(&s) % 3));
		b_vote(&b, 4, rng(&s) % 100 < 60 ? truth[i] : (truth[i] + 1) % 3);
	}
	assert_int_equal(truth_ds_run(b_done(&b, 3, 5), NULL, NULL, &d), 0);
	for (int i = 0; i < 300; i++) {
		ds_right += truth_ds_label(&d, (size_t)i) == truth[i];
		mv_right += truth_majority(&b.v, (size_t)i) == truth[i];
	}
	assert_int_equal(ds_right, 300);
	assert_true(mv_right < 280);
	assert_true(d.accuracy[0] > 0.99);
	for (int a = 1; a <= 3; a++)
		assert_true(fabs(d.accuracy[a] - 1.0 / 3) < 0.1);
	assert_true(fabs(d.accuracy[4] - 0.6) < 0.1);
	truth_ds_free(&d);
	b_free(&b);
}

static void test_biased_annotator(void **state)
{
	/* K = 2, 400 items. Annotators 0-2 are right 85% of the time; annotator
	 * 3 says 1 whenever the truth is 0 and is right when it is 1. DS must
	 * find the bias in annotator 3's confusion matrix: P(says 1 | true 0)
	 * close to 1, P(says 1 | true 1) close to 1. */
	struct build b = {0};
	struct truth_ds d;
	uint64_t s = 11;
	for (int i = 0; i < 400; i++) {
		int t = (int)(rng(&s) % 2);
		b_item(&b);
		for (int a = 0; a < 3; a++)
			b_vote(&b, a, rng(&s) % 100 < 85 ? t : 1 - t);
		b_vote(&b, 3, 1);
	}
	assert_int_equal(truth_ds_run(b_done(&b, 2, 4), NULL, NULL, &d), 0);
	/* confusion is [a][true k][voted l] */
	assert_true(d.confusion[(3 * 2 + 0) * 2 + 1] > 0.95);
	assert_true(d.confusion[(3 * 2 + 1) * 2 + 1] > 0.95);
	for (int a = 0; a < 3; a++)
		assert_true(fabs(d.confusion[(a * 2 + 0) * 2 + 0] - 0.85) < 0.06);
	truth_ds_free(&d);
	b_free(&b);
}

static void test_gold_informs(void **state)
{
	/* K = 2, 60 items, three annotators. On items 0-29 all agree. On items
	 * 30-59 annotators 0 and 1 agree with each other and annotator 2 says
	 * the other label. Votes alone side with the pair. Expert decisions on
	 * items 30-49 side with annotator 2: those posteriors become the
	 * expert's label with certainty, annotator 2's estimated accuracy rises
	 * above the pair's, and DS then sides with annotator 2 on the undecided
	 * items 50-59 as well. */
	struct build b = {0};
	struct truth_ds d;
	int16_t gold[60];
	for (int i = 0; i < 60; i++) {
		int x = i % 2;
		b_item(&b);
		b_vote(&b, 0, x);
		b_vote(&b, 1, x);
		b_vote(&b, 2, i < 30 ? x : 1 - x);
		gold[i] = i >= 30 && i < 50 ? (int16_t)(1 - x) : -1;
	}
	b_done(&b, 2, 3);
	assert_int_equal(truth_ds_run(&b.v, NULL, NULL, &d), 0);
	for (size_t i = 50; i < 60; i++)
		assert_int_equal(truth_ds_label(&d, i), (int)(i % 2));
	assert_true(d.accuracy[2] < d.accuracy[0]);
	truth_ds_free(&d);
	assert_int_equal(truth_ds_run(&b.v, gold, NULL, &d), 0);
	for (size_t i = 30; i < 50; i++) {
		double post[2];
		truth_ds_posterior(&d, i, post);
		assert_float_equal(post[1 - i % 2], 1.0, 1e-12);
	}
	for (size_t i = 50; i < 60; i++)
		assert_int_equal(truth_ds_label(&d, i), (int)(1 - i % 2));
	assert_true(d.accuracy[2] > d.accuracy[0]);
	truth_ds_free(&d);
	b_free(&b);
}

/* The largest of post[0..K), the first on a tie: the label rule of
 * truth_ds_label, written out here. */
static int argmax_post(const double *post, int K)
{
	int best = 0;
	for (int k = 1; k < K; k++)
		if (post[k] > post[best])
			best = k;
	return best;
}

static void test_labels_of_last_pass(void **state)
{
	/* truth_ds_label reads the labels the last pass wrote down; they must
	 * be the argmax of the posteriors recomputed from the final parameters,
	 * item by item, on a task large enough to be split over threads
	 * (250,000 votes), with items without votes (the priors' label) and
	 * expert labels (that label, whatever the votes say). */
	struct build b = {0};
	struct truth_ds d;
	uint64_t s = 5;
	size_t n = 70000, gold_n = 0;
	int16_t *gold = xmalloc(n * sizeof *gold);
	double post[4];
	for (size_t i = 0; i < n; i++) {
		int t = (int)(rng(&s) % 4), votes = i % 97 == 0 ? 0 : 3 + (int)(i % 2);
		b_item(&b);
		for (int a = 0; a < votes; a++) {
			int who = (int)((i + (size_t)a * 7) % 30);
			b_vote(&b, who, (int)(rng(&s) % 100) < 55 + who ? t : (int)(rng(&s) % 4));
		}
		gold[i] = i % 11 == 3 ? (int16_t)((t + 1) % 4) : -1;
		gold_n += gold[i] >= 0;
	}
	assert_true(b.nv > 200000);
	assert_int_equal(truth_ds_run(b_done(&b, 4, 30), gold, NULL, &d), 0);
	for (size_t i = 0; i < n; i++) {
		truth_ds_posterior(&d, i, post);
		assert_int_equal(truth_ds_label(&d, i), argmax_post(post, 4));
		if (gold[i] >= 0)
			assert_int_equal(truth_ds_label(&d, i), gold[i]);
		if (gold[i] < 0 && b.start[i] == b.start[i + 1])
			assert_int_equal(truth_ds_label(&d, i), argmax_post(d.priors, 4));
	}
	assert_true(gold_n > 6000);
	truth_ds_free(&d);
	free(gold);
	b_free(&b);
}

static void test_wilson(void **state)
{
	/* Expected values from statsmodels 0.13.5:
	 * proportion_confint(k, n, method='wilson'). */
	double lo, hi;
	truth_wilson(8, 10, &lo, &hi);
	assert_float_equal(lo, 0.49016247153664183, 1e-9);
	assert_float_equal(hi, 0.9433178485456247, 1e-9);
	truth_wilson(0, 20, &lo, &hi);
	assert_float_equal(lo, 0.0, 1e-12);
	assert_float_equal(hi, 0.1611251580528194, 1e-9);
	truth_wilson(45, 50, &lo, &hi);
	assert_float_equal(lo, 0.7863976856252034, 1e-9);
	assert_float_equal(hi, 0.9565242350681095, 1e-9);
	truth_wilson(0, 0, &lo, &hi);
	assert_true(isnan(lo) && isnan(hi));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dawid_skene_1979),
		cmocka_unit_test(test_perfect_among_spammers),
		cmocka_unit_test(test_biased_annotator),
		cmocka_unit_test(test_gold_informs),
		cmocka_unit_test(test_labels_of_last_pass),
		cmocka_unit_test(test_wilson),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
