/*
 * test_ui_update_input: what the expert types on the review screen, without
 * a terminal or a database, over testui's fake backend: reasons given
 * before and after a decision (a cited rule must exist in the guideline),
 * drafts saved as time passes and on a hang-up, a cancelled reason gone
 * also when an autosave had written it, flags with a note once per item,
 * skips, and the prompt's editing keys.
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

static void test_reason_then_decide(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	test_fk.rich = 1;
	test_fk.nrules = 2;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	assert_int_equal(s.input, UI_INPUT_REASON);
	/* While typing, keys are text: '1' does not decide. */
	test_ui_keys(&s, "#R2 sarcasm1x");
	ui_update_key(&s, UI_KEY_BACKSPACE);
	assert_int_equal(test_fk.decides, 0);
	assert_string_equal(s.inbuf.s, "#R2 sarcasm1");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.input, UI_INPUT_NONE);
	assert_string_equal(s.pending_reason, "#R2 sarcasm1");
	assert_int_equal(test_fk.drafts, 1);
	assert_string_equal(test_fk.last_draft, "#R2 sarcasm1");
	ui_update_key(&s, '2');
	assert_int_equal(test_fk.decides, 1);
	assert_string_equal(test_fk.last_reason, "sarcasm1");
	assert_string_equal(test_fk.last_rule, "R2");
	ui_state_free(&s);
}

/* #R99 is refused in the editor, which stays open and lists the rules; the
 * guideline's spelling is stored; a draft citing a missing rule cannot be
 * decided with; without a guideline no rule can be cited. */
static void test_reason_unknown_rule(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	test_fk.rich = 1;
	test_fk.nrules = 3;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	test_ui_keys(&s, "#R99 no such rule");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.input, UI_INPUT_REASON);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	assert_non_null(strstr(s.msg, "no rule R99 in guideline 7; its rules: R1, R2, R3"));
	assert_null(s.pending_reason);
	assert_int_equal(test_fk.drafts, 0);
	ui_update_key(&s, UI_KEY_CTRL('u'));
	test_ui_keys(&s, "#r2 fine");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.input, UI_INPUT_NONE);
	ui_update_key(&s, '1');
	assert_int_equal(test_fk.decides, 1);
	assert_string_equal(test_fk.last_rule, "R2");
	assert_string_equal(test_fk.last_reason, "fine");

	/* A draft from before (a hang-up) that cites a rule the guideline lacks. */
	snprintf(test_fk.draft_of[3], sizeof test_fk.draft_of[3], "#R7 from before");
	ui_update_key(&s, 'n');
	assert_int_equal(s.item.id, 3);
	assert_string_equal(s.pending_reason, "#R7 from before");
	ui_update_key(&s, '2');
	assert_int_equal(test_fk.decides, 1);
	assert_non_null(strstr(s.msg, "no rule R7"));
	ui_state_free(&s);

	/* No guideline: nothing to cite. */
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	test_ui_keys(&s, "#R1 x");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.input, UI_INPUT_REASON);
	assert_non_null(strstr(s.msg, "no guideline"));
	ui_state_free(&s);
}

static void test_reason_after_decision(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	test_fk.decided[1] = 11; /* already mine: neg */
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	test_ui_keys(&s, "clearer now");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(test_fk.reasons, 1);
	assert_int_equal(test_fk.last_item, 1);
	assert_string_equal(test_fk.last_reason, "clearer now");
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	ui_state_free(&s);
}

static void test_skip_flag_history(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'f');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(test_fk.flags, 1);
	assert_int_equal(s.item.id, 1);
	ui_update_key(&s, 's');
	assert_int_equal(test_fk.skips, 1);
	assert_int_equal(test_fk.last_item, 1);
	assert_int_equal(s.item.id, 2);
	ui_update_key(&s, 'h');
	assert_int_equal(s.view, UI_HISTORY);
	assert_int_equal(s.nevents, 7);
	assert_int_equal(s.events[0].seq, 20);
	ui_update_key(&s, 'q');
	assert_int_equal(s.view, UI_ITEM);
	ui_update_key(&s, '?');
	assert_int_equal(s.view, UI_HELP);
	ui_update_key(&s, UI_KEY_ESC);
	assert_int_equal(s.view, UI_ITEM);
	ui_state_free(&s);
}

/* f asks for a note and flags once; a second f says so and writes nothing;
 * Esc flags nothing; the queue row counts the flag. */
static void test_flag_once_with_note(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'f');
	assert_int_equal(s.input, UI_INPUT_FLAG);
	ui_update_key(&s, UI_KEY_ESC);
	assert_int_equal(test_fk.flags, 0);
	ui_update_key(&s, 'f');
	test_ui_keys(&s, "R2 and R3 disagree");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(test_fk.flags, 1);
	assert_string_equal(test_fk.last_note, "R2 and R3 disagree");
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	assert_string_equal(s.item.my_flag, "R2 and R3 disagree");
	assert_int_equal(s.qrows[0].flags, 1);
	ui_update_key(&s, 'f');
	assert_int_equal(s.input, UI_INPUT_NONE);
	assert_int_equal(test_fk.flags, 1);
	assert_non_null(strstr(s.msg, "flagged this item already: R2 and R3 disagree"));
	/* Another session flagged it meanwhile: the database says no. */
	ui_update_key(&s, 'n');
	test_fk.flag_answer = 1;
	ui_update_key(&s, 'f');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(test_fk.flags, 2);
	assert_int_equal(s.qrows[1].flags, 0);
	assert_non_null(strstr(s.msg, "already"));
	ui_state_free(&s);

	/* Viewers cannot flag. */
	test_ui_start(&s, 3, 0, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'f');
	assert_int_equal(s.input, UI_INPUT_NONE);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	ui_state_free(&s);
}

/* The prompt's readline keys: Left/Right, Home/End, C-a, C-e, C-w, C-u,
 * C-k, Delete, with multi-byte characters kept whole. */
static void test_entry_keys(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	test_ui_keys(&s, "the quick fox");
	assert_int_equal(s.incur, 13);
	ui_update_key(&s, UI_KEY_LEFT);
	ui_update_key(&s, UI_KEY_LEFT);
	ui_update_key(&s, UI_KEY_LEFT);
	test_ui_keys(&s, "brown ");
	assert_string_equal(s.inbuf.s, "the quick brown fox");
	ui_update_key(&s, UI_KEY_CTRL('a'));
	assert_int_equal(s.incur, 0);
	test_ui_keys(&s, "#R1 ");
	ui_update_key(&s, UI_KEY_END);
	ui_update_key(&s, UI_KEY_CTRL('w'));
	assert_string_equal(s.inbuf.s, "#R1 the quick brown ");
	ui_update_key(&s, UI_KEY_CTRL('w'));
	assert_string_equal(s.inbuf.s, "#R1 the quick ");
	ui_update_key(&s, UI_KEY_HOME);
	ui_update_key(&s, UI_KEY_RIGHT);
	ui_update_key(&s, UI_KEY_RIGHT);
	ui_update_key(&s, UI_KEY_RIGHT);
	ui_update_key(&s, UI_KEY_CTRL('k'));
	assert_string_equal(s.inbuf.s, "#R1");
	ui_update_key(&s, UI_KEY_CTRL('e'));
	test_ui_keys(&s, " x");
	ui_update_key(&s, 0x6f22); /* a CJK character: three bytes, one step */
	test_ui_keys(&s, "y");
	ui_update_key(&s, UI_KEY_LEFT);
	ui_update_key(&s, UI_KEY_LEFT);
	ui_update_key(&s, UI_KEY_DELETE);
	assert_string_equal(s.inbuf.s, "#R1 xy");
	ui_update_key(&s, UI_KEY_BACKSPACE);
	assert_string_equal(s.inbuf.s, "#R1 y");
	ui_update_key(&s, UI_KEY_CTRL('u'));
	assert_string_equal(s.inbuf.s, "y");
	assert_int_equal(s.incur, 0);
	/* Nothing moves past either end. */
	ui_update_key(&s, UI_KEY_LEFT);
	assert_int_equal(s.incur, 0);
	ui_update_key(&s, UI_KEY_RIGHT);
	ui_update_key(&s, UI_KEY_RIGHT);
	assert_int_equal(s.incur, 1);
	assert_true(s.draft_dirty);
	ui_state_free(&s);
}

static void test_drafts_tick_and_hangup(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	test_ui_keys(&s, "half a thought");
	ui_update_tick(&s);
	assert_int_equal(test_fk.drafts, 0);
	test_fk.clock += UI_DRAFT_SECONDS;
	ui_update_tick(&s);
	assert_int_equal(test_fk.drafts, 1);
	assert_string_equal(test_fk.last_draft, "half a thought");
	ui_update_tick(&s);
	assert_int_equal(test_fk.drafts, 1); /* nothing new to save */
	test_ui_keys(&s, " more");
	ui_update_hangup(&s);
	assert_int_equal(test_fk.drafts, 2);
	assert_string_equal(test_fk.last_draft, "half a thought more");
	assert_true(s.quit);
	ui_state_free(&s);
}

/* Esc in the reason editor drops what was typed, also when an autosave had
 * already written it: leaving and coming back brings nothing back, and the
 * next decision carries no reason. A reason accepted before with Enter stays. */
static void test_cancelled_reason_not_kept(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	test_ui_keys(&s, "WRONG ITEM REASON");
	test_fk.clock += UI_DRAFT_SECONDS;
	ui_update_tick(&s);
	assert_string_equal(test_fk.draft_of[1], "WRONG ITEM REASON");
	ui_update_key(&s, UI_KEY_ESC);
	assert_int_equal(s.input, UI_INPUT_NONE);
	assert_string_equal(test_fk.draft_of[1], "");
	assert_null(s.pending_reason);
	assert_non_null(strstr(s.msg, "cancelled"));
	ui_update_key(&s, 'q');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.item.id, 1);
	assert_null(s.pending_reason);
	assert_null(strstr(s.msg, "draft"));
	ui_update_key(&s, '1');
	assert_int_equal(test_fk.decides, 1);
	assert_string_equal(test_fk.last_reason, "");
	assert_string_equal(test_fk.last_rule, "");

	/* Without an autosave Esc writes nothing at all. */
	test_fk.drafts = 0;
	ui_update_key(&s, 'r');
	test_ui_keys(&s, "never mind");
	ui_update_key(&s, UI_KEY_ESC);
	assert_int_equal(test_fk.drafts, 0);
	assert_null(s.pending_reason);

	/* A reason kept with Enter survives an edit that is cancelled. */
	ui_update_key(&s, 'r');
	test_ui_keys(&s, "kept");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_string_equal(s.pending_reason, "kept");
	assert_string_equal(test_fk.draft_of[2], "kept");
	ui_update_key(&s, 'r');
	test_ui_keys(&s, " and then some");
	test_fk.clock += UI_DRAFT_SECONDS;
	ui_update_tick(&s);
	assert_string_equal(test_fk.draft_of[2], "kept and then some");
	ui_update_key(&s, UI_KEY_ESC);
	assert_string_equal(test_fk.draft_of[2], "kept");
	assert_string_equal(s.pending_reason, "kept");
	ui_state_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_then_decide),
		cmocka_unit_test(test_reason_unknown_rule),
		cmocka_unit_test(test_reason_after_decision),
		cmocka_unit_test(test_skip_flag_history),
		cmocka_unit_test(test_flag_once_with_note),
		cmocka_unit_test(test_entry_keys),
		cmocka_unit_test(test_drafts_tick_and_hangup),
		cmocka_unit_test(test_cancelled_reason_not_kept),
	};
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
