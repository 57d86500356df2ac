/*
 * test_ui_update_views: what the review screen's views lay out, without a
 * terminal or a database, over testui's fake backend: the item view (every
 * label in play with its definition and rules, spare rows used before
 * cutting, examples, "majority said X", effective confidence, the
 * label-issues suggestion, the scrolling evidence pane, text wrapping), the
 * history's sentences and the calibration view.
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

static void test_wrap(void **state)
{
	size_t st[16], ln[16], n;
	(void)state;
	n = ui_wrap("hello world foo", 11, st, ln, 16);
	assert_int_equal(n, 2);
	assert_int_equal(ln[0], 11);
	assert_int_equal(st[1], 12);
	/* A word longer than the line is cut. */
	n = ui_wrap("abcdefghij", 4, st, ln, 16);
	assert_int_equal(n, 3);
	assert_int_equal(ln[2], 2);
	/* CJK is two columns a character: four fit in 8 columns, not 8. */
	n = ui_wrap("\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2", 8, st, ln, 16);
	assert_int_equal(n, 2);
	assert_int_equal(ln[0], 12);
	n = ui_wrap("a\n\nb\n", 10, st, ln, 16);
	assert_int_equal(n, 3);
	assert_int_equal(ln[1], 0);
	assert_int_equal(ui_wrap("", 10, NULL, NULL, 0), 1);
}

static void test_item_layout(void **state)
{
	struct ui_state s;
	struct ui_item_geom g;
	struct ui_lines l;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	test_fk.rich = 1;
	test_fk.nrules = 4;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_geom(&s, &g);
	/* 80x24: text on top, one pane below, no right-hand pane. */
	assert_int_equal(g.b_h, 0);
	assert_int_equal(g.text_h, 5);
	assert_int_equal(g.a_y + g.a_h, 21);
	ui_item_pane(&s, 'a', g.a_w, &l);
	/* Votes, with a strict majority beside the summary. */
	assert_true(test_ui_pane_find(&l, "majority said neg") >= 0);
	assert_true(test_ui_pane_find(&l, "neg:1 pos:2") >= 0);
	assert_true(test_ui_pane_find(&l, "3/4  75%") >= 0);
	/* The model: stated, effective (0.6 x q 0.5), entropy and q's source. */
	assert_true(test_ui_pane_find(&l, "stated 0.60") >= 0);
	assert_true(test_ui_pane_find(&l, "effective 0.30") >= 0);
	assert_true(test_ui_pane_find(&l, "entropy 0.80") >= 0);
	assert_true(test_ui_pane_find(&l, "q 0.50 agreement") >= 0);
	/* Votes and model share rows: the model's first line is the votes' first. */
	assert_int_equal(test_ui_pane_find(&l, "m1"), test_ui_pane_find(&l, "Votes 3"));
	/* Every label in play (neg, pos voted; neg, neu the model's top two) has
	 * its definition; each rule about them shows once. */
	assert_true(test_ui_pane_find(&l, "definition of neg") >= 0);
	assert_true(test_ui_pane_find(&l, "definition of neu") >= 0);
	assert_true(test_ui_pane_find(&l, "definition of pos") >= 0);
	assert_int_equal(test_ui_pane_count(&l, "rule 2 text"), 1);
	assert_int_equal(test_ui_pane_count(&l, "rule 1 text"), 1);
	/* A typical item fits the pane at 80x24: nothing to scroll. */
	assert_true(l.n <= (size_t)g.a_h);
	ui_lines_free(&l);
	ui_update_key(&s, 'J');
	assert_int_equal(s.pane_top, 0);

	/* From 120 columns the guideline gets the right half, wrapped. */
	ui_update_resize(&s, 132, 43);
	ui_item_geom(&s, &g);
	assert_true(g.b_h > 0);
	assert_int_equal(g.b_x, 67);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_int_equal(test_ui_pane_find(&l, "definition of"), -1);
	assert_true(test_ui_pane_find(&l, "majority said neg") >= 0);
	ui_lines_free(&l);
	ui_item_pane(&s, 'b', g.b_w, &l);
	assert_true(test_ui_pane_find(&l, "rule 2 text") >= 0);
	assert_true(test_ui_pane_find(&l, "R2 rule 2 text [neg, pos]") >= 0);
	ui_lines_free(&l);
	ui_state_free(&s);
}

static void test_majority(void **state)
{
	struct ui_state s;
	struct ui_item_geom g;
	struct ui_lines l;
	int n = -1;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	test_fk.rich = 1;
	ui_update_key(&s, UI_KEY_ENTER);
	assert_string_equal(ui_majority(&s.item, &n), "neg");
	assert_int_equal(n, 2);
	/* Two of four is not a majority: a tie says "no majority". */
	s.item.votes = xrealloc(s.item.votes, 4 * sizeof *s.item.votes);
	memset(&s.item.votes[3], 0, sizeof s.item.votes[3]);
	s.item.votes[3].annotator = xstrdup("dave");
	s.item.votes[3].label = xstrdup("pos");
	free(s.item.votes[2].label);
	s.item.votes[2].label = xstrdup("pos");
	s.item.nvotes = 4;
	assert_null(ui_majority(&s.item, &n));
	assert_int_equal(n, 0);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_true(test_ui_pane_find(&l, "no majority") >= 0);
	assert_int_equal(test_ui_pane_find(&l, "majority said"), -1);
	ui_lines_free(&l);
	ui_state_free(&s);
}

/* The guideline uses the pane's spare rows: definitions wrapped in full
 * before anything is cut, then examples and counterexamples, one per label
 * in turn; with no room everything is cut to a line and the pane scrolls. */
static void test_guide_uses_spare_rows(void **state)
{
	struct ui_state s;
	struct ui_item_geom g;
	struct ui_lines l;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	test_fk.rich = 1;
	test_fk.long_defs = 1;
	test_fk.nrules = 1;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	/* 80x24: the rows left under votes and model are just enough for the
	 * definitions in full. */
	assert_true(l.n <= (size_t)g.a_h);
	assert_true(test_ui_pane_find(&l, "END-neg") > test_ui_pane_find(&l, "definition of neg"));
	assert_true(test_ui_pane_find(&l, "END-pos") >= 0);
	assert_int_equal(test_ui_pane_find(&l, "e.g."), -1);
	ui_lines_free(&l);
	/* Six rows more: an example for each label, the first under its definition. */
	ui_update_resize(&s, 80, 30);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_true(l.n <= (size_t)g.a_h);
	assert_int_equal(test_ui_pane_find(&l, "e.g. \"example 1 of neg\""),
			 test_ui_pane_find(&l, "END-neg") + 1);
	assert_true(test_ui_pane_find(&l, "e.g. \"example 1 of neu\"") >= 0);
	assert_true(test_ui_pane_find(&l, "e.g. \"example 1 of pos\"") >= 0);
	for (size_t i = 0; i < l.n; i++)
		for (size_t k = 0; k < l.v[i].n; k++)
			assert_true(l.v[i].sp[k].x + (int)text_width(l.v[i].sp[k].text) <= g.a_w);
	ui_lines_free(&l);

	/* The wide layout's own guideline pane: every example and counterexample. */
	ui_update_resize(&s, 132, 43);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'b', g.b_w, &l);
	assert_true(l.n <= (size_t)g.b_h);
	assert_true(test_ui_pane_find(&l, "e.g. \"example 2 of pos\"") >= 0);
	assert_true(test_ui_pane_find(&l, "not: \"counterexample of neu\"") >= 0);
	ui_lines_free(&l);
	ui_update_resize(&s, 80, 24);
	ui_state_free(&s);

	/* No spare rows: one cut line each, no examples, and the pane scrolls. */
	test_ui_start(&s, 3, 1, 0);
	test_fk.rich = 1;
	test_fk.long_defs = 1;
	test_fk.nrules = 12;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_true(l.n > (size_t)g.a_h);
	assert_int_equal(test_ui_pane_find(&l, "e.g."), -1);
	assert_int_equal(test_ui_pane_find(&l, "definition of neg") + 1,
			 test_ui_pane_find(&l, "definition of neu"));
	assert_int_equal(test_ui_pane_find(&l, "definition of neu") + 1,
			 test_ui_pane_find(&l, "definition of pos"));
	{
		/* The one line holds the whole definition in a span narrower than
		 * it: drawing cuts it with an ellipsis. */
		const struct ui_line *ln = &l.v[test_ui_pane_find(&l, "definition of neg")];
		const struct ui_span *sp = &ln->sp[ln->n - 1];
		assert_true(text_width(sp->text) > (size_t)sp->w);
	}
	ui_lines_free(&l);
	ui_state_free(&s);
}

static void test_pane_scroll(void **state)
{
	struct ui_state s;
	struct ui_item_geom g;
	struct ui_lines l;
	size_t max;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	test_fk.rich = 1;
	test_fk.nrules = 20;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_true(l.n > (size_t)g.a_h);
	/* The last row holds the position note, so one row fewer shows. */
	max = l.n - ((size_t)g.a_h - 1);
	assert_int_equal(ui_pane_rows(l.n, (size_t)g.a_h), (size_t)g.a_h - 1);
	assert_true(test_ui_pane_find(&l, "rule 20 text") >= (long)g.a_h);
	ui_lines_free(&l);
	ui_update_key(&s, 'J');
	assert_true(s.pane_top > 0);
	for (int i = 0; i < 10; i++)
		ui_update_key(&s, 'J');
	assert_int_equal(s.pane_top, max);
	/* j/k still scroll the text, not the pane. */
	ui_update_key(&s, 'j');
	assert_int_equal(s.pane_top, max);
	assert_int_equal(s.text_top, 1);
	ui_update_key(&s, 'K');
	assert_true(s.pane_top < max);
	for (int i = 0; i < 10; i++)
		ui_update_key(&s, 'K');
	assert_int_equal(s.pane_top, 0);
	/* The next item starts at the top again. */
	ui_update_key(&s, 'J');
	ui_update_key(&s, 'n');
	assert_int_equal(s.pane_top, 0);
	ui_state_free(&s);
}

/* The label-issues suggestion sits in the model panel with the model and
 * import it comes from; blind, it waits for the call with the rest. */
static void test_suggestion_in_model_panel(void **state)
{
	struct ui_state s;
	struct ui_item_geom g;
	struct ui_lines l;
	(void)state;
	for (int blind = 0; blind < 2; blind++) {
		test_ui_start(&s, 3, 1, blind);
		test_fk.rich = 1;
		s.qrows[0].suggested = xstrdup("neu");
		s.qrows[0].margin = 0.74;
		s.qrows[0].evidence = xstrdup("suggested by model m1 (import event 4, p.csv)");
		ui_update_key(&s, UI_KEY_ENTER);
		ui_item_geom(&s, &g);
		ui_item_pane(&s, 'a', g.a_w, &l);
		if (blind) {
			assert_int_equal(test_ui_pane_find(&l, "likely"), -1);
			assert_int_equal(test_ui_pane_find(&l, "suggested by"), -1);
			ui_lines_free(&l);
			ui_update_key(&s, '2');
			assert_true(ui_item_revealed(&s));
			ui_item_pane(&s, 'a', g.a_w, &l);
		}
		/* Beside the votes, under the model's own line. */
		assert_int_equal(test_ui_pane_find(&l, "likely neu, margin 0.74"),
				 test_ui_pane_find(&l, "m1") + 1);
		assert_true(test_ui_pane_find(&l, "suggested by model m1") >= 0);
		ui_lines_free(&l);
		ui_state_free(&s);
	}
	/* A row of another queue has no suggestion line. */
	test_ui_start(&s, 3, 1, 0);
	test_fk.rich = 1;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_int_equal(test_ui_pane_find(&l, "likely"), -1);
	ui_lines_free(&l);
	ui_state_free(&s);
}

/* h: one readable entry per event (when, who, what changed, why), no raw
 * JSON; claims folded until c; hostile text sanitised; the view starts at
 * the latest event and follows the width. */
static void test_history_readable(void **state)
{
	struct ui_state s;
	struct ui_lines l;
	char buf[512];
	long at;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'h');
	assert_int_equal(s.view, UI_HISTORY);
	assert_int_equal(ui_history_folded(&s), 2);
	ui_history_lines(&s, 79, &l);
	assert_int_equal(s.hlist.n, l.n);
	/* At 80 columns the long ones wrap inside the "what" column. */
	at = test_ui_col_find(&l, "decided neg (blind call: neu), replacing bob's");
	assert_true(at >= 0);
	test_ui_col_text(&l, (size_t)at + 1, buf, sizeof buf);
	assert_string_equal(buf + UI_HISTORY_WHAT_X, "pos in 12 s");
	for (size_t i = 0; i < l.n; i++)
		for (size_t k = 0; k < l.v[i].n; k++)
			assert_true(l.v[i].sp[k].x + (int)text_width(l.v[i].sp[k].text) <= 79);
	ui_lines_free(&l);
	ui_history_lines(&s, 131, &l);
	at = test_ui_col_find(&l, "decided neg (blind call: neu), replacing bob's pos in 12 s");
	assert_true(at >= 0);
	test_ui_col_text(&l, (size_t)at, buf, sizeof buf);
	assert_true(strncmp(buf, "2024-01-01 10:02:33  me", 23) == 0);
	assert_int_equal(test_ui_col_find(&l, "why: rule R1, sarcasm"), at + 1);
	assert_true(test_ui_col_find(&l, "gave the decision neg a new reason (was: #R1 sarcasm)") >=
		    0);
	assert_true(test_ui_col_find(&l, "why: irony, really") >= 0);
	assert_true(test_ui_col_find(&l, "flagged the guideline as unclear") >= 0);
	assert_true(test_ui_col_find(&l, "note: R2 vs R3 ^[[31mred^[[0m") >= 0);
	assert_true(test_ui_col_find(&l, "decided pos, imported from gold.csv") >= 0);
	assert_true(test_ui_col_find(&l, "packet-merge {\"from\":\"laptop\"}") >= 0);
	assert_int_equal(test_ui_col_find(&l, "opened it"), -1);
	assert_int_equal(test_ui_col_find(&l, "{}"), -1);
	for (size_t i = 0; i < l.n; i++)
		for (size_t k = 0; k < l.v[i].n; k++)
			assert_null(strchr(l.v[i].sp[k].text, 0x1b));
	ui_lines_free(&l);
	/* c shows the claims, and folds them again. */
	ui_update_key(&s, 'c');
	assert_int_equal(ui_history_folded(&s), 0);
	ui_history_lines(&s, 79, &l);
	assert_int_equal(test_ui_col_find(&l, "opened it (claim)"), 0);
	assert_int_equal(s.hlist.n, l.n);
	ui_lines_free(&l);
	ui_update_key(&s, 'c');
	assert_int_equal(ui_history_folded(&s), 2);
	/* Narrow and long: the view scrolls and starts at the end. */
	ui_update_resize(&s, 80, 24);
	ui_update_key(&s, 'q');
	ui_update_resize(&s, 80, 8);
	ui_update_key(&s, 'h');
	assert_true(s.hlist.n > ui_list_height(&s));
	assert_int_equal(s.hlist.top, s.hlist.n - ui_list_height(&s));
	ui_update_key(&s, 'g');
	assert_int_equal(s.hlist.top, 0);
	ui_state_free(&s);
}

static void test_calibration(void **state)
{
	struct ui_state s;
	struct ui_lines l;
	char buf[1024];
	int at;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	test_fk.nmodels = 3;
	/* From the queue: the task of the row under the cursor. */
	assert_int_equal(ui_key_action(&s, 'c', &at), ACT_CALIBRATION);
	ui_update_key(&s, 'c');
	assert_int_equal(s.view, UI_CALIB);
	assert_int_equal(test_fk.calibrations, 1);
	assert_string_equal(test_fk.last_task, "sentiment");
	/* 132x43: all ten bins of both models. */
	ui_calib_lines(&s, 132, 39, &l);
	assert_true(test_ui_col_find(&l, "model m1") >= 0);
	assert_true(test_ui_col_find(&l, "ECE ") >= 0);
	/* ECE = (2|0.5-0.55| + 1|1-0.75| + 3|2/3-0.95|) / 6 = (0.1 + 0.25 + 0.85) / 6
	 * = 0.200 */
	assert_true(test_ui_col_find(&l, "ECE 0.200 over 6 decided items (9 predicted)") >= 0);
	assert_true(test_ui_col_find(&l, "m2  ECE 0.850 over 1 decided item (9 predicted)") >= 0);
	assert_true(test_ui_col_find(&l, "m3  ECE -: no decided item") >= 0);
	at = test_ui_col_find(&l, "0.5-0.6");
	assert_true(at >= 0);
	test_ui_col_text(&l, (size_t)at, buf, sizeof buf);
	assert_non_null(strstr(buf, "    2   0.55  0.50  -0.05"));
	/* The bar: accuracy 0.5 fills half of it, the mark sits at the mean 0.55. */
	for (size_t k = 0; k < l.v[at].n; k++) {
		const struct ui_span *sp = &l.v[at].sp[k];
		if (strcmp(sp->text, "\u2502") == 0) {
			int bw = 132 - 37 - 1 > 90 ? 90 : 132 - 37 - 1;
			double c = s.calib.models[0].cal.bins[5].confidence;
			assert_int_equal(sp->x, 37 + (int)lround(c * bw));
		}
	}
	at = test_ui_col_find(&l, "0.0-0.1");
	assert_true(at >= 0);
	test_ui_col_text(&l, (size_t)at, buf, sizeof buf);
	assert_non_null(strstr(buf, "    0      -     -      -"));
	assert_true(l.n <= 39);
	ui_lines_free(&l);
	/* 80x24: too many lines for 20 rows, so the empty bins are left out. */
	ui_calib_lines(&s, 80, 20, &l);
	assert_true(l.n <= 20);
	assert_int_equal(test_ui_col_find(&l, "0.0-0.1"), -1);
	assert_true(test_ui_col_find(&l, "0.9-1.0") >= 0);
	assert_true(test_ui_col_find(&l, "empty bins left out") >= 0);
	for (size_t i = 0; i < l.n; i++)
		for (size_t k = 0; k < l.v[i].n; k++)
			assert_true(l.v[i].sp[k].x + (int)text_width(l.v[i].sp[k].text) <= 80);
	ui_lines_free(&l);
	/* q goes back to the queue. */
	ui_update_key(&s, 'q');
	assert_int_equal(s.view, UI_QUEUE);
	assert_false(s.has_calib);
	/* From the item view: that item's task, and back to the open item. */
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'c');
	assert_int_equal(s.view, UI_CALIB);
	assert_int_equal(test_fk.calibrations, 2);
	ui_update_key(&s, 'j');
	ui_update_key(&s, UI_KEY_ESC);
	assert_int_equal(s.view, UI_ITEM);
	assert_true(s.has_item);
	assert_int_equal(test_fk.releases, 0);
	/* A task without predictions. */
	test_fk.nmodels = 0;
	ui_update_key(&s, 'c');
	ui_calib_lines(&s, 80, 20, &l);
	assert_true(test_ui_col_find(&l, "no model predictions") >= 0);
	ui_lines_free(&l);
	ui_update_key(&s, 'q');
	ui_state_free(&s);

	/* Without the callback the view says so and stays put. */
	{
		struct ui_backend be = test_ui_fake_be;
		be.calibration = NULL;
		memset(&test_fk, 0, sizeof test_fk);
		ui_state_init(&s, &be, "me", 1, 0, "disputed", test_ui_rows(2), 2, 80, 24);
		ui_update_key(&s, 'c');
		assert_int_equal(s.view, UI_QUEUE);
		assert_non_null(strstr(s.msg, "not available"));
		ui_state_free(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_readable),
		cmocka_unit_test(test_suggestion_in_model_panel),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_item_layout),
		cmocka_unit_test(test_majority),
		cmocka_unit_test(test_guide_uses_spare_rows),
		cmocka_unit_test(test_pane_scroll),
		cmocka_unit_test(test_calibration),
	};
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
