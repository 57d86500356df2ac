/*
 * The item screen's read when SQLite runs out of memory: the item is
 * either read whole, as a run without a fault reads it, or not at all with
 * an out-of-memory error; never shown with a field missing and never with
 * an empty error. SQLite's allocator is wrapped (SQLITE_CONFIG_MALLOC,
 * before SQLite starts) so that exactly the K-th allocation fails, and
 * store_review_item_load runs for every K until it meets no fault.
 *
 * The item has votes with comments, two models' predictions (probabilities
 * by label name and in label order), decisions with reasons and rules, a
 * draft and a flag of the reader's, and another expert's live claim. The
 * read once failed with no message ("cannot open it01: ", a vote summary
 * whose failure set no error) and, where a step's failure was taken for
 * "no row", went on to a COMMIT SQLite had already rolled back ("cannot
 * commit - no transaction is active"); tests/reliability/h_40_faults.sh's
 * decide loop found both.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testoom.h"
#include "testutil.h"

#include "store.h"
#include "store_review.h"
#include "text.h"
#include "util.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the item, as text ---- */

static void add_str(struct sbuf *b, const char *name, const char *v)
{
	sbuf_addf(b, "%s=%s\n", name, v ? v : "(null)");
}

/* Every field the item screen shows, one per line. */
static char *item_text(const struct review_item *it)
{
	struct sbuf b = {0};
	add_str(&b, "id", it->external_id);
	add_str(&b, "text", it->text);
	add_str(&b, "meta", it->meta);
	add_str(&b, "task", it->task.name);
	sbuf_addf(&b, "labels=%zu\n", it->task.nlabels);
	for (size_t i = 0; i < it->nvotes; i++) {
		const struct review_vote *v = &it->votes[i];
		sbuf_addf(&b, "vote %s %s %s %d/%d\n", v->annotator ? v->annotator : "(null)",
			  v->label ? v->label : "(null)", v->comment ? v->comment : "(null)",
			  v->record_ok, v->record_n);
	}
	for (size_t i = 0; i < it->npreds; i++) {
		const struct review_pred *p = &it->preds[i];
		sbuf_addf(&b, "pred %s %s %.3f", p->model ? p->model : "(null)",
			  p->label ? p->label : "(null)", p->confidence);
		for (size_t k = 0; k < p->nprobs; k++)
			sbuf_addf(&b, " %s:%.3f", p->probs[k].label, p->probs[k].p);
		sbuf_addc(&b, '\n');
	}
	for (size_t i = 0; i < it->nhistory; i++) {
		const struct review_decision *d = &it->history[i];
		sbuf_addf(&b, "decision %s %s %s %s %s\n", d->expert ? d->expert : "(null)",
			  d->label ? d->label : "(null)", d->reason ? d->reason : "(null)",
			  d->rule ? d->rule : "(null)", d->at ? d->at : "(null)");
	}
	add_str(&b, "summary", it->vote_summary);
	add_str(&b, "plurality", it->plurality);
	sbuf_addf(&b, "agreement=%.4f tie=%d\n", it->agreement, it->tie);
	add_str(&b, "draft", it->draft);
	add_str(&b, "flag", it->my_flag);
	sbuf_addf(&b, "flags=%d\n", it->nflags);
	add_str(&b, "claimed", it->claimed_by);
	add_str(&b, "out", it->out_in);
	return sbuf_take(&b);
}

static int setup(void **state)
{
	struct test_fx *f = test_fx_lead("review-oom");
	test_exec(f->st,
		  "UPDATE item SET text = 'the item''s text', meta = '{\"src\":\"web\"}'"
		  " WHERE external_id = 'i2';"
		  "INSERT INTO prediction(item, model, label, confidence, entropy, probs)"
		  " SELECT id, 'm1', 1, 0.7, 0.8, '{\"a\":0.2,\"b\":0.7,\"c\":0.1}' FROM item"
		  " WHERE external_id = 'i2';"
		  "INSERT INTO prediction(item, model, label, confidence, entropy, probs)"
		  " SELECT id, 'm2', 2, 0.6, NULL, '[0.1,0.3,0.6]' FROM item"
		  " WHERE external_id = 'i2';"
		  "INSERT INTO draft(expert, item, text, at) SELECT 'ex1', id, 'a draft reason',"
		  " '2026-12-03T10:00:00Z' FROM item WHERE external_id = 'i2';"
		  "INSERT INTO flag(item, expert, note, at) SELECT id, 'ex1', 'unclear guideline',"
		  " '2026-12-03T10:00:00Z' FROM item WHERE external_id = 'i2';"
		  "INSERT INTO claim(item, expert, expires) SELECT id, 'ex2',"
		  " '9999-12-31T00:00:00Z' FROM item WHERE external_id = 'i2';");
	*state = f;
	return 0;
}

static void test_item_load(void **state)
{
	struct test_fx *f = *state;
	struct review_item it;
	char err[GV_ERR], *want, *id_s;
	int64_t item;
	long k, failed = 0;

	id_s = test_query_text(f->st, "SELECT id FROM item WHERE external_id = 'i2'");
	item = strtoll(id_s, NULL, 10);
	free(id_s);
	if (store_review_item_load(f->st, item, "ex1", &it, err))
		fail_msg("the item does not load: %s", err);
	want = item_text(&it);
	store_review_item_free(&it);
	/* The fixture has what each read is for. */
	assert_non_null(strstr(want, "pred m1 b 0.700 b:0.700 a:0.200 c:0.100"));
	assert_non_null(strstr(want, "pred m2 c 0.600 c:0.600 b:0.300 a:0.100"));
	assert_non_null(strstr(want, "draft=a draft reason"));
	assert_non_null(strstr(want, "flag=unclear guideline"));
	assert_non_null(strstr(want, "claimed=ex2"));
	assert_non_null(strstr(want, "decision ex1 b"));

	for (k = 1;; k++) {
		int rc, met;
		err[0] = '\0';
		testoom_arm(k);
		rc = store_review_item_load(f->st, item, "ex1", &it, err);
		met = testoom_disarm();
		if (rc == 0) {
			char *got = item_text(&it);
			store_review_item_free(&it);
			if (strcmp(got, want) != 0)
				fail_msg("allocation %ld failed and the item was read "
					 "as\n%s\nnot\n%s",
					 k, got, want);
			free(got);
		} else {
			failed++;
			if (!strstr(err, "out of memory"))
				fail_msg("allocation %ld failed: not an out-of-memory error: '%s'",
					 k, err);
		}
		if (!met)
			break;
	}
	/* Every allocation of the read was failed once, and most failed it. */
	assert_true(k > 50);
	assert_true(failed > k / 2);
	print_message("item read: %ld allocations failed in turn, %ld reads refused\n", k - 1,
		      failed);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_item_load, setup, test_fx_teardown),
	};

	/* Before anything starts SQLite. */
	if (testoom_install())
		return 1;
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
