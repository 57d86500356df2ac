/*
 * Tests that the invariants the pure computations state are asserted in a
 * debug build: stats_compute and truth_ds_run abort on votes that break
 * their layout instead of computing from them. Each case runs in a child
 * process, since an assertion ends the process. In a release build (NDEBUG)
 * the asserts are compiled out and the cases are skipped.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats.h"
#include "truth.h"
#include "util.h"

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run fn(arg) in a child with stderr silenced; return its wait status. */
static int run_child(void (*fn)(const void *), const void *arg)
{
	int status;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);
		fn(arg);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void assert_aborted(int status)
{
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void assert_exited_0(int status)
{
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Two items of two votes each; ann and lab are filled by the cases. */
static uint32_t s_start[3] = {0, 2, 4};
static const double s_value[2] = {NAN, NAN};

static void stats_child(const void *arg)
{
	const struct stats_votes *v = arg;
	struct stats_opts o;
	struct stats_result r;
	char err[GV_ERR];
	stats_opts_default(&o);
	if (stats_compute(v, &o, &r, err))
		_exit(3);
	stats_result_free(&r);
}

static void test_stats_compute_asserts_layout(void **state)
{
	uint32_t ok_ann[4] = {0, 1, 0, 1}, dup_ann[4] = {0, 1, 1, 1};
	uint16_t lab[4] = {0, 1, 1, 1};
	struct stats_votes v = {.nitems = 2,
				.nvotes = 4,
				.nlabels = 2,
				.nannotators = 2,
				.start = s_start,
				.ann = ok_ann,
				.lab = lab,
				.value = (double *)s_value};
#ifdef NDEBUG
	skip();
#endif
	assert_exited_0(run_child(stats_child, &v));
	/* Annotator 1 votes twice on the second item: the layout is broken
	 * but every index stays in range, so only the assert can stop it. */
	v.ann = dup_ann;
	assert_aborted(run_child(stats_child, &v));
}

/* Dawid-Skene's input: the votes and the expert labels beside them. */
struct truth_in {
	const struct stats_votes *v;
	const int16_t *gold;
};

static void truth_child(const void *arg)
{
	const struct truth_in *in = arg;
	struct truth_ds d;
	if (truth_ds_run(in->v, in->gold, NULL, &d))
		_exit(3);
	truth_ds_free(&d);
}

static void test_truth_ds_run_asserts_layout(void **state)
{
	uint32_t ann[4] = {0, 1, 0, 1};
	uint16_t lab[4] = {0, 0, 1, 1};
	int16_t gold[2] = {-1, 1};
	struct stats_votes v = {.nitems = 2,
				.nvotes = 4,
				.nlabels = 2,
				.nannotators = 2,
				.start = s_start,
				.ann = ann,
				.lab = lab};
	struct truth_in in = {&v, gold};
#ifdef NDEBUG
	skip();
#endif
	assert_exited_0(run_child(truth_child, &in));
	/* An expert label one past the label set: item 0's slot 2 is item 1's
	 * slot 0 in the posteriors, so without the assert it runs on. */
	gold[0] = 2;
	assert_aborted(run_child(truth_child, &in));
}

/* truth_votes_check names each broken invariant, in any build. */
static void test_truth_votes_check(void **state)
{
	uint32_t start[3] = {0, 2, 4}, ann[4] = {0, 1, 0, 1};
	uint16_t lab[4] = {0, 0, 1, 1};
	int16_t gold[2] = {-1, 1};
	struct stats_votes v = {.nitems = 2,
				.nvotes = 4,
				.nlabels = 2,
				.nannotators = 2,
				.start = start,
				.ann = ann,
				.lab = lab};
	char err[GV_ERR];
	assert_int_equal(truth_votes_check(&v, gold, err), 0);
	assert_int_equal(truth_votes_check(&v, NULL, err), 0);
	gold[1] = 2;
	assert_int_equal(truth_votes_check(&v, gold, err), -1);
	assert_string_equal(err, "votes: expert label out of range at item 1");
	gold[1] = -2;
	assert_int_equal(truth_votes_check(&v, gold, err), -1);
	gold[1] = 1;
	lab[3] = 2;
	assert_int_equal(truth_votes_check(&v, gold, err), -1);
	assert_string_equal(err, "votes: label index out of range at vote 3");
	lab[3] = 1;
	ann[2] = 2;
	assert_int_equal(truth_votes_check(&v, gold, err), -1);
	assert_string_equal(err, "votes: annotator index out of range at vote 2");
	ann[2] = 0;
	start[2] = 1;
	assert_int_equal(truth_votes_check(&v, gold, err), -1);
	assert_string_equal(err, "votes: item offsets go backwards at item 1");
	start[2] = 4;
	start[0] = 1;
	assert_int_equal(truth_votes_check(&v, gold, err), -1);
	assert_string_equal(err, "votes: item offsets do not start at 0");
	start[0] = 0;
	v.nlabels = 0;
	assert_int_equal(truth_votes_check(&v, gold, err), -1);
	assert_string_equal(err, "votes: bad label or annotator count");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_compute_asserts_layout),
		cmocka_unit_test(test_truth_ds_run_asserts_layout),
		cmocka_unit_test(test_truth_votes_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
