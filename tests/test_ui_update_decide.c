/*
 * test_ui_update_decide: deciding on the review screen without a terminal
 * or a database, over testui's fake backend: opening an item claims it and
 * leaving releases it; a decision moves on to the next item; "saving" until
 * the sync says "saved", or an error naming the decision; a decision made
 * meanwhile by someone else, a lead's overrule, a conflict with a packet's
 * decision shown with its hostile text as tokens; items held by others and
 * viewers who may not decide; blind calls; undo, also refused; the claim
 * renewed as time passes.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testui.h"

#include "text.h"
#include "ui.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_open_back_claims(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, 'j');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(s.item.id, 2);
	assert_int_equal(test_fk.claims, 1);
	assert_true(s.claimed);
	ui_update_key(&s, 'q');
	assert_int_equal(s.view, UI_QUEUE);
	assert_int_equal(test_fk.releases, 1);
	assert_false(s.has_item);
	assert_int_equal(ui_update_key(&s, 'q') & UI_QUIT_NOW, UI_QUIT_NOW);
	ui_state_free(&s);
}

static void test_decide_moves_on(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	test_fk.clock += 12.5;
	ui_update_key(&s, '3');
	assert_int_equal(test_fk.decides, 1);
	assert_int_equal(test_fk.last.item, 1);
	assert_int_equal(test_fk.last.label_code, 12);
	assert_int_equal(test_fk.last.blind_code, -1);
	assert_int_equal(test_fk.last.expected, 0);
	assert_true(fabs(test_fk.last.seconds - 12.5) < 1e-9);
	assert_string_equal(test_fk.last.queue, "disputed");
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	assert_non_null(strstr(s.msg, "saved"));
	/* On to the next item, which is claimed in turn. */
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(s.item.id, 2);
	assert_int_equal(s.qlist.cur, 1);
	assert_int_equal(test_fk.claims, 2);
	assert_int_equal(s.qrows[0].status, REVIEW_MINE);
	/* A label number beyond the task's labels writes nothing. */
	ui_update_key(&s, '7');
	assert_int_equal(test_fk.decides, 1);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	ui_update_key(&s, '1');
	ui_update_key(&s, '2');
	/* The last item decided: back to the queue, the "saved" message kept. */
	assert_int_equal(test_fk.decides, 3);
	assert_int_equal(s.view, UI_QUEUE);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	ui_state_free(&s);
}

static char said[16][512];
static int nsaid;

static void on_said(void *arg, enum ui_msg kind, const char *msg)
{
	(void)arg;
	if (nsaid < 16)
		snprintf(said[nsaid++], sizeof said[0], "%s %s",
			 kind == UI_MSG_SAVED	 ? "saved"
			 : kind == UI_MSG_SAVING ? "saving"
			 : kind == UI_MSG_ERROR	 ? "error"
						 : "info",
			 msg);
}

/* A decision whose sync is slow: "saving" at once and the screen moves on
 * without waiting; "saved" only once the backend says it is on the disk;
 * a failed sync is an error naming the decision; quitting waits. */
static void test_saving(void **state)
{
	struct ui_backend be = test_ui_fake_be;
	struct ui_state s;
	(void)state;
	be.durable = test_ui_fake_durable;
	memset(&test_fk, 0, sizeof test_fk);
	test_fk.clock = 1000;
	nsaid = 0;
	ui_state_init(&s, &be, "me", 1, 0, "disputed", test_ui_rows(3), 3, 80, 24);
	s.on_message = on_said;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, '3');
	assert_int_equal(test_fk.decides, 1);
	/* Committed, not yet on the disk: not "saved", and on to the next item. */
	assert_int_equal(s.msg_kind, UI_MSG_SAVING);
	assert_string_equal(s.msg, "saving: a1 = pos");
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(s.item.id, 2);
	assert_int_equal(test_fk.durable_waits, 0);
	assert_true(ui_update_busy(&s) >= 1);
	/* Polled between keys while the sync runs: nothing changes. */
	assert_int_equal(ui_update_idle(&s, 0) & UI_REDRAW, 0);
	assert_int_equal(s.msg_kind, UI_MSG_SAVING);
	/* The sync returns: "saved", once, and the screen rests. */
	test_fk.durable_answer = 1;
	assert_int_equal(ui_update_idle(&s, 0) & UI_REDRAW, UI_REDRAW);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	assert_string_equal(s.msg, "saved: a1 = pos");
	assert_int_equal(ui_update_busy(&s), 0);
	assert_int_equal(ui_update_idle(&s, 0), 0);
	for (int i = 0; i < nsaid; i++)
		if (strncmp(said[i], "saved ", 6) == 0)
			assert_string_equal(said[i], "saved saved: a1 = pos");
	/* The next one's sync fails: an error naming it, never "saved". */
	test_fk.durable_answer = 0;
	nsaid = 0;
	ui_update_key(&s, '1');
	assert_int_equal(s.msg_kind, UI_MSG_SAVING);
	test_fk.durable_answer = -1;
	ui_update_idle(&s, 0);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	assert_non_null(strstr(s.msg, "NOT saved"));
	assert_non_null(strstr(s.msg, "b2 = neg"));
	assert_non_null(strstr(s.msg, "disk I/O error"));
	for (int i = 0; i < nsaid; i++)
		assert_true(strncmp(said[i], "saved ", 6) != 0);
	assert_int_equal(ui_update_busy(&s), 0);
	/* Quit with a sync in flight: the loop's last idle waits for it. */
	test_fk.durable_answer = 0;
	nsaid = 0;
	ui_update_key(&s, '2');
	assert_int_equal(s.msg_kind, UI_MSG_SAVING);
	assert_int_equal(s.view, UI_QUEUE); /* the last item: back to the queue */
	assert_int_equal(ui_update_key(&s, 'q') & UI_QUIT_NOW, UI_QUIT_NOW);
	assert_int_equal(test_fk.durable_waits, 0);
	assert_int_equal(ui_item_idle(&s, 1) & UI_REDRAW, UI_REDRAW);
	assert_int_equal(test_fk.durable_waits, 1);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	assert_string_equal(said[nsaid - 1], "saved saved: c3 = neu");
	ui_state_free(&s);
}

static void test_decide_failures(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	test_fk.decide_answer = -1;
	ui_update_key(&s, '1');
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	assert_true(strncmp(s.msg, "not saved", 9) == 0);
	assert_int_equal(s.item.id, 1);
	/* Someone else decided meanwhile: said so, nothing overwritten, on to
	 * the next open item. */
	test_fk.decide_answer = REVIEW_MEANWHILE;
	ui_update_key(&s, '1');
	assert_non_null(strstr(s.msg, "a1 was decided by bob meanwhile"));
	assert_non_null(strstr(s.msg, "moved on"));
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(s.item.id, 2);
	assert_int_equal(s.qrows[0].status, REVIEW_OTHER);
	ui_state_free(&s);
}

static void test_decided_meanwhile_moves_on(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	/* a1 is decided by bob between the queue's load and my claim: the
	 * screen says so and opens the next item instead. */
	test_fk.meanwhile_item = 1;
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(s.item.id, 2);
	assert_true(s.claimed);
	assert_non_null(strstr(s.msg, "a1 was decided by bob meanwhile"));
	/* After my decision on b2, c3 turns out decided meanwhile too. */
	test_fk.meanwhile_item = 3;
	ui_update_key(&s, '1');
	assert_int_equal(test_fk.decides, 1);
	assert_int_equal(s.view, UI_QUEUE);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	assert_non_null(strstr(s.msg, "saved: b2"));
	assert_non_null(strstr(s.msg, "c3 was decided by bob meanwhile"));
	ui_state_free(&s);

	/* bob held a1 when I opened it, then decided it: my key finds out and
	 * moves on without writing. */
	test_ui_start(&s, 3, 1, 0);
	test_fk.claim_answer = REVIEW_HELD;
	ui_update_key(&s, UI_KEY_ENTER);
	assert_false(s.claimed);
	ui_update_key(&s, '1');
	assert_int_equal(test_fk.decides, 0);
	assert_int_equal(s.item.id, 1);
	test_fk.claim_answer = 0;
	test_fk.meanwhile_item = 1;
	ui_update_key(&s, '1');
	assert_int_equal(test_fk.decides, 0);
	assert_int_equal(s.item.id, 2);
	assert_non_null(strstr(s.msg, "a1 was decided by bob meanwhile"));
	ui_state_free(&s);
}

static void test_overrule(void **state)
{
	struct ui_state s;
	(void)state;
	/* A lead overrules bob's decision by choosing the same label twice. */
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	test_fk.decide_answer = REVIEW_OVERRULE;
	ui_update_key(&s, '2');
	assert_int_equal(test_fk.decides, 1);
	assert_false(test_fk.last.overrule);
	assert_int_equal(s.item.id, 1);
	assert_non_null(strstr(s.msg, "press the same label again"));
	ui_update_key(&s, '3');
	assert_int_equal(test_fk.decides, 2);
	assert_false(test_fk.last.overrule);
	assert_int_equal(s.item.id, 1);
	ui_update_key(&s, '3');
	assert_int_equal(test_fk.decides, 3);
	assert_true(test_fk.last.overrule);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	assert_int_equal(s.item.id, 2);
	ui_state_free(&s);

	/* An expert who is not a lead is told the rule and stays. */
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	test_fk.decide_answer = REVIEW_NOT_LEAD;
	ui_update_key(&s, '2');
	ui_update_key(&s, '2');
	assert_int_equal(test_fk.decides, 2);
	assert_false(test_fk.last.overrule);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	assert_non_null(strstr(s.msg, "only a lead"));
	assert_int_equal(s.item.id, 1);
	ui_state_free(&s);
}

/* No span of l holds an escape character. */
static int pane_clean(const struct ui_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; k < l->v[i].n; k++)
			if (strchr(l->v[i].sp[k].text, '\033'))
				return 0;
	return 1;
}

static void test_conflict(void **state)
{
	struct ui_state s;
	struct ui_lines l;
	char buf[1024];
	long here, pk, who;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	test_fk.conflict_item = 1;
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.item.id, 1);
	/* 80 columns: a title, then each decision on its line with its reason
	 * under it, above the votes; hostile text shown as tokens. */
	ui_item_pane(&s, 'a', 80, &l);
	assert_int_equal(test_ui_pane_find(&l, "Conflict: a lead's decision settles both"), 0);
	here = test_ui_pane_find(&l, "here ");
	pk = test_ui_pane_find(&l, "packet ");
	assert_int_equal(here, 1);
	assert_int_equal(pk, 3);
	test_ui_pane_line(&l, (size_t)here, buf, sizeof buf);
	assert_non_null(strstr(buf, "201 lee 2026-12-03 05:00 neg blind - rule R1"));
	test_ui_pane_line(&l, (size_t)pk, buf, sizeof buf);
	assert_non_null(strstr(buf, "202 alice^[]0;x^G 2026-12-03 04:00 pos blind neu rule -"));
	test_ui_pane_line(&l, (size_t)here + 1, buf, sizeof buf);
	assert_non_null(strstr(buf, "reason here ^[[31mred^[[0m"));
	test_ui_pane_line(&l, (size_t)pk + 1, buf, sizeof buf);
	assert_non_null(strstr(buf, "offline <RLO>reversed"));
	assert_true(test_ui_pane_find(&l, "Votes") > pk);
	assert_true(pane_clean(&l));
	ui_lines_free(&l);
	/* From 100 columns: side by side, one field a row. */
	ui_update_resize(&s, 132, 43);
	ui_item_pane(&s, 'a', 64, &l);
	assert_int_equal(test_ui_pane_find(&l, "here: decision 201"), 1);
	assert_int_equal(test_ui_pane_find(&l, "packet: decision 202"), 1);
	who = test_ui_pane_find(&l, "who");
	assert_int_equal(who, 2);
	test_ui_pane_line(&l, (size_t)who, buf, sizeof buf);
	assert_non_null(strstr(buf, "lee"));
	assert_non_null(strstr(buf, "alice^[]0;x^G"));
	test_ui_pane_line(&l, (size_t)test_ui_pane_find(&l, "blind call"), buf, sizeof buf);
	assert_non_null(strstr(buf, "neu"));
	assert_true(pane_clean(&l));
	ui_lines_free(&l);
	/* A lead settles it with a decision (asked twice: it overrules). */
	test_fk.decide_answer = REVIEW_OVERRULE;
	ui_update_key(&s, '1');
	assert_false(test_fk.last.overrule);
	ui_update_key(&s, '1');
	assert_int_equal(test_fk.decides, 2);
	assert_true(test_fk.last.overrule);
	assert_int_equal(test_fk.last.item, 1);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	ui_state_free(&s);

	/* No conflict: no block. */
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_pane(&s, 'a', 80, &l);
	assert_int_equal(test_ui_pane_find(&l, "Conflict"), -1);
	ui_lines_free(&l);
	ui_state_free(&s);
}

static void test_claimed_by_other_and_viewer(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	test_fk.claim_answer = 1;
	ui_update_key(&s, UI_KEY_ENTER);
	assert_false(s.claimed);
	assert_non_null(strstr(s.msg, "bob"));
	ui_update_key(&s, '1');
	assert_int_equal(test_fk.decides, 0);
	ui_update_key(&s, 'q');
	assert_int_equal(test_fk.releases, 0);
	ui_state_free(&s);

	test_ui_start(&s, 3, 0, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(test_fk.claims, 0);
	test_ui_keys(&s, "1rsfu");
	assert_int_equal(test_fk.decides + test_fk.reasons + test_fk.skips + test_fk.flags +
				 test_fk.undos,
			 0);
	assert_int_equal(s.input, UI_INPUT_NONE);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	ui_state_free(&s);
}

static void test_blind(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 1);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, '1');
	assert_int_equal(test_fk.decides, 0);
	assert_int_equal(s.blind_call, 0);
	ui_update_key(&s, '3');
	assert_int_equal(test_fk.decides, 1);
	assert_int_equal(test_fk.last.label_code, 12);
	assert_int_equal(test_fk.last.blind_code, 10);
	/* The next item starts blind again. */
	assert_int_equal(s.item.id, 2);
	assert_int_equal(s.blind_call, -1);
	ui_state_free(&s);
}

static void test_undo_goes_back(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, '1');
	assert_int_equal(s.item.id, 2);
	ui_update_key(&s, 'u');
	assert_int_equal(test_fk.undos, 1);
	assert_int_equal(test_fk.undo_item, 1);
	assert_int_equal(s.item.id, 1);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	ui_state_free(&s);
}

/* A lead overruled my decision on a1 meanwhile: u refuses, says that nothing
 * was undone and where, and the queue row shows the other decision. */
static void test_undo_refused(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, '1');
	assert_int_equal(s.item.id, 2);
	test_fk.decided[1] = -1;
	test_fk.undo_answer = 1;
	ui_update_key(&s, 'u');
	assert_int_equal(test_fk.undos, 1);
	assert_int_equal(test_fk.undo_item, 1);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	assert_string_equal(s.msg,
			    "nothing was undone on a1: the latest decision is bob's, not yours");
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(s.item.id, 2);
	assert_int_equal(s.qrows[0].status, REVIEW_OTHER);
	ui_state_free(&s);
}

static void test_claim_renewal(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(test_fk.claims, 1);
	test_fk.clock += UI_RENEW_SECONDS;
	ui_update_tick(&s);
	assert_int_equal(test_fk.claims, 2);
	test_fk.claim_answer = 1;
	test_fk.clock += UI_RENEW_SECONDS;
	ui_update_tick(&s);
	assert_false(s.claimed);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	ui_state_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_back_claims),
		cmocka_unit_test(test_decide_moves_on),
		cmocka_unit_test(test_decide_failures),
		cmocka_unit_test(test_saving),
		cmocka_unit_test(test_decided_meanwhile_moves_on),
		cmocka_unit_test(test_overrule),
		cmocka_unit_test(test_conflict),
		cmocka_unit_test(test_claimed_by_other_and_viewer),
		cmocka_unit_test(test_blind),
		cmocka_unit_test(test_undo_goes_back),
		cmocka_unit_test(test_undo_refused),
		cmocka_unit_test(test_claim_renewal),
	};
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
