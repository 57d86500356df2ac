/*
 * test_ui_update_queue: the review screen's queue without a terminal or a
 * database, over testui's fake backend: moving through the list, messages
 * cleared with the view, search (through the database too, finished
 * between keys), sorting and filtering, what blind mode hides from search
 * and sort, the queue picker and its blind queues, and resizing.
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

static void test_list_moves(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 50, 1, 0);
	/* 24 rows: header, titles, the legend line, message and footer leave 19. */
	assert_int_equal(ui_list_height(&s), 19);
	test_ui_keys(&s, "kkk");
	assert_int_equal(s.qlist.cur, 0);
	test_ui_keys(&s, "jj");
	assert_int_equal(s.qlist.cur, 2);
	ui_update_key(&s, 'G');
	assert_int_equal(s.qlist.cur, 49);
	assert_int_equal(s.qlist.top, 31);
	ui_update_key(&s, UI_KEY_PGUP);
	assert_int_equal(s.qlist.cur, 31);
	assert_int_equal(s.qlist.top, 31);
	ui_update_key(&s, 'k');
	assert_int_equal(s.qlist.top, 30);
	ui_update_key(&s, 'g');
	assert_int_equal(s.qlist.cur, 0);
	assert_int_equal(s.qlist.top, 0);
	/* Visible rows get their status from the database as they scroll in. */
	assert_true(test_fk.statuses >= 19);
	ui_state_free(&s);
}

/* A message belongs to its screen: changing views clears it, unless the
 * action that changed the view said something. */
static void test_message_clears_on_view_change(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, 'o');
	assert_non_null(strstr(s.msg, "sorted"));
	ui_update_key(&s, '?');
	assert_int_equal(s.view, UI_HELP);
	assert_string_equal(s.msg, "");
	ui_update_key(&s, 'q');
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'x');
	assert_non_null(strstr(s.msg, "not bound"));
	ui_update_key(&s, 'q');
	assert_int_equal(s.view, UI_QUEUE);
	assert_string_equal(s.msg, "");
	/* Deciding the last item goes back to the queue saying "saved". */
	ui_update_key(&s, 'G');
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, '1');
	assert_int_equal(s.view, UI_QUEUE);
	assert_non_null(strstr(s.msg, "saved"));
	ui_state_free(&s);
}

static void test_search_sort_filter(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, '/');
	test_ui_keys(&s, "C3");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.qlist.cur, 2);
	ui_update_key(&s, '/');
	test_ui_keys(&s, "neg:1");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.qlist.cur, 0);
	ui_update_key(&s, 'n');
	assert_int_equal(s.qlist.cur, 2);
	ui_update_key(&s, 'N');
	assert_int_equal(s.qlist.cur, 0);
	/* Sort by agreement: c3 (0.1) first; the cursor stays on its row. */
	ui_update_key(&s, 'o');
	assert_int_equal(s.order[0], 2);
	assert_int_equal(ui_queue_current(&s), 0);
	ui_update_key(&s, 'o');
	ui_update_key(&s, 'o');
	ui_update_key(&s, 'o');
	assert_int_equal(s.sort, UI_SORT_QUEUE);
	test_fk.decided[2] = 11;
	ui_update_key(&s, 'F');
	assert_int_equal(s.qlist.n, 2);
	ui_update_key(&s, 'F');
	assert_int_equal(s.qlist.n, 1);
	assert_int_equal(ui_queue_current(&s), 1);
	ui_state_free(&s);
}

/* / finds item text, metadata and annotator names through the database,
 * once per search string; n/N repeat; an empty / repeats the last search. */
static void test_search_text_meta_annotators(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	ui_update_key(&s, '/');
	test_ui_keys(&s, "ZOE");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.qlist.cur, 2);
	assert_true(test_fk.search_annotators);
	assert_non_null(strstr(s.msg, "match 1 of 1 (annotator names)"));
	ui_update_key(&s, '/');
	test_ui_keys(&s, "web");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.qlist.cur, 1);
	assert_non_null(strstr(s.msg, "(metadata)"));
	assert_int_equal(test_fk.searches, 2);
	ui_update_key(&s, '/');
	test_ui_keys(&s, "paragraph");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.qlist.cur, 2);
	assert_non_null(strstr(s.msg, "match 3 of 3 (text)"));
	ui_update_key(&s, 'n');
	assert_int_equal(s.qlist.cur, 0);
	assert_non_null(strstr(s.msg, "wrapped"));
	ui_update_key(&s, 'n');
	assert_int_equal(s.qlist.cur, 1);
	ui_update_key(&s, 'N');
	assert_int_equal(s.qlist.cur, 0);
	assert_int_equal(test_fk.searches, 3); /* n and N ask nothing new */
	ui_update_key(&s, '/');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.qlist.cur, 1);
	assert_string_equal(s.search, "paragraph");
	ui_update_key(&s, '/');
	test_ui_keys(&s, "nowhere");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.qlist.cur, 1);
	assert_non_null(strstr(s.msg, "not found: nowhere"));
	ui_state_free(&s);
}

/* A search asks the database about 250 rows per key at most: the rest is
 * asked between keys (ui_update_idle), which then finishes the search; a key
 * pressed meanwhile drops it. */
static void test_search_goes_on_between_keys(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 1000, 1, 0);
	ui_update_key(&s, '/');
	test_ui_keys(&s, "ZOE");
	ui_update_key(&s, UI_KEY_ENTER);
	/* Found in the first 250 rows after the cursor, counted later. */
	assert_int_equal(s.qlist.cur, 2);
	assert_int_equal(test_fk.searches, 1);
	assert_non_null(strstr(s.msg, "match (annotator names), counting the others"));
	assert_true(ui_update_busy(&s) > 0);
	assert_int_equal(ui_update_idle(&s, 0), 0);
	assert_int_equal(test_fk.searches, 2);
	assert_int_equal(ui_update_idle(&s, 1), UI_REDRAW);
	assert_int_equal(test_fk.searches, 4);
	assert_non_null(strstr(s.msg, "match 1 of 1 (annotator names)"));
	assert_false(ui_update_busy(&s));

	/* Nothing in the first 250: the key says so and the rest goes on. */
	ui_update_key(&s, '/');
	test_ui_keys(&s, "nowhere");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(test_fk.searches, 5);
	assert_non_null(strstr(s.msg, "searching..."));
	ui_update_key(&s, 'j'); /* another key: the search is dropped */
	assert_int_equal(ui_update_idle(&s, 1), 0);
	assert_int_equal(test_fk.searches, 5);
	ui_update_key(&s, 'n');
	assert_int_equal(ui_update_idle(&s, 1), UI_REDRAW);
	assert_non_null(strstr(s.msg, "not found: nowhere"));
	/* 250 asked by the Enter, 250 by n, the last 500 between keys */
	assert_int_equal(test_fk.searches, 8);
	ui_state_free(&s);
}

/* Blind: no vote, agreement, model figure or reason derived from them is
 * found, sorted by or shown; annotator names are not searched; another
 * expert's decision waits for the call too. */
static void test_blind_hides_everywhere(void **state)
{
	struct ui_state s;
	struct ui_item_geom g;
	struct ui_lines l;
	(void)state;
	test_ui_start(&s, 3, 1, 1);
	s.qrows[2].model_label = xstrdup("neg");
	s.qrows[2].model_conf = 0.97;
	free(s.qrows[2].reason);
	s.qrows[2].reason = xstrdup("audit: model 0.97");
	assert_false(ui_row_revealed(&s, &s.qrows[0]));
	const char *hidden[] = {"neg:2", "agree", "unanimous", "audit", "0.97"};
	for (size_t i = 0; i < GV_ARRAY_LEN(hidden); i++) {
		ui_update_key(&s, '/');
		test_ui_keys(&s, hidden[i]);
		ui_update_key(&s, UI_KEY_ENTER);
		assert_int_equal(s.qlist.cur, 0);
		assert_non_null(strstr(s.msg, "not found"));
	}
	ui_update_key(&s, '/');
	test_ui_keys(&s, "zoe");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_false(test_fk.search_annotators);
	assert_int_equal(s.qlist.cur, 0);
	/* The item id and the text are still found. */
	ui_update_key(&s, '/');
	test_ui_keys(&s, "c3");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.qlist.cur, 2);
	ui_update_key(&s, '/');
	test_ui_keys(&s, "paragraph");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.qlist.cur, 0);
	/* Sorting by agreement or model confidence would tell: only queue
	 * order and item id are offered. */
	ui_update_key(&s, 'o');
	assert_int_equal(s.sort, UI_SORT_ID);
	ui_update_key(&s, 'o');
	assert_int_equal(s.sort, UI_SORT_QUEUE);
	/* Decided by bob: neither his label nor the history before my call. */
	test_fk.decided[1] = -11;
	test_fk.rich = 1;
	ui_update_key(&s, 'g');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_false(ui_item_revealed(&s));
	assert_non_null(strstr(s.msg, "bob"));
	assert_null(strstr(s.msg, "neg"));
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_int_equal(test_ui_pane_find(&l, "alice"), -1);
	assert_int_equal(test_ui_pane_find(&l, "majority"), -1);
	ui_lines_free(&l);
	ui_update_key(&s, 'h');
	assert_int_equal(s.view, UI_ITEM);
	assert_non_null(strstr(s.msg, "after your call"));
	ui_update_key(&s, '2');
	assert_true(ui_item_revealed(&s));
	ui_update_key(&s, 'h');
	assert_int_equal(s.view, UI_HISTORY);
	ui_state_free(&s);
}

static void test_queue_picker(void **state)
{
	struct ui_state s;
	struct ui_item_geom g;
	struct ui_lines l;
	int arg;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	assert_int_equal(ui_key_action(&s, 'Q', &arg), ACT_QUEUES);
	ui_update_key(&s, UI_KEY_ENTER);
	/* From an item: the item is closed (claim released) and the picker opens. */
	ui_update_key(&s, 'Q');
	assert_int_equal(s.view, UI_PICKER);
	assert_false(s.has_item);
	assert_int_equal(test_fk.releases, 1);
	assert_int_equal(s.nqueues, 2);
	assert_int_equal(s.plist.cur, 0); /* on the current queue */
	/* q leaves the picker without switching. */
	ui_update_key(&s, 'q');
	assert_int_equal(s.view, UI_QUEUE);
	assert_int_equal(test_fk.queue_loads, 0);
	/* Sorted by agreement here; the blind queue must not keep that order. */
	ui_update_key(&s, 'o');
	assert_int_equal(s.sort, UI_SORT_AGREEMENT);
	ui_update_key(&s, 'Q');
	ui_update_key(&s, 'j');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.sort, UI_SORT_QUEUE);
	assert_int_equal(test_fk.queue_loads, 1);
	assert_string_equal(test_fk.last_queue, "audit");
	assert_string_equal(s.queue, "audit");
	assert_int_equal(s.view, UI_QUEUE);
	assert_int_equal(s.nq, 2);
	assert_int_equal(s.qlist.n, 2);
	assert_string_equal(s.msg, "queue audit: 2 items, shown blind");
	/* The audit queue is blind: votes and model hidden until the call. */
	assert_true(s.blind);
	test_fk.rich = 1;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_true(test_ui_pane_find(&l, "hidden") >= 0);
	assert_int_equal(test_ui_pane_find(&l, "alice"), -1);
	assert_int_equal(test_ui_pane_find(&l, "stated"), -1);
	assert_int_equal(test_ui_pane_find(&l, "majority"), -1);
	/* Blind, the guideline shows every label, not only those in play. */
	assert_true(test_ui_pane_find(&l, "definition of neu") >= 0);
	ui_lines_free(&l);
	ui_update_key(&s, '1');
	assert_int_equal(test_fk.decides, 0);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_true(test_ui_pane_find(&l, "alice") >= 0);
	assert_true(test_ui_pane_find(&l, "effective 0.30") >= 0);
	ui_lines_free(&l);
	ui_update_key(&s, '1');
	assert_int_equal(test_fk.decides, 1);
	assert_int_equal(test_fk.last.blind_code, 10);
	assert_string_equal(test_fk.last.queue, "audit");
	/* Back to a queue that is not blind: nothing hidden any more. */
	ui_update_key(&s, 'Q');
	ui_update_key(&s, 'k');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_string_equal(s.queue, "disputed");
	assert_false(s.blind);
	/* --blind keeps every queue blind. */
	s.force_blind = 1;
	ui_update_key(&s, 'Q');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_true(s.blind);
	ui_state_free(&s);
}

/* A count of one reads in the singular. */
static void test_one_item(void **state)
{
	struct ui_state s;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	test_fk.queue_rows = 1;
	ui_update_key(&s, 'Q');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.nq, 1);
	assert_string_equal(s.msg, "queue disputed: 1 item");
	ui_state_free(&s);
}

static void test_resize_and_scroll(void **state)
{
	struct ui_state s;
	size_t w, h;
	(void)state;
	test_ui_start(&s, 40, 1, 0);
	ui_update_key(&s, 'G');
	ui_update_resize(&s, 132, 43);
	assert_int_equal(ui_list_height(&s), 38);
	assert_int_equal(s.qlist.top, 2);
	ui_update_resize(&s, 80, 24);
	assert_int_equal(s.qlist.top, 21);
	ui_update_key(&s, 'g');
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_text_geom(&s, &w, &h);
	assert_int_equal(w, 78);
	assert_int_equal(h, 5);
	/* The text has 9 wrapped lines at 78 columns: scrolling stops at 4. */
	for (int i = 0; i < 10; i++)
		ui_update_key(&s, 'j');
	assert_int_equal(s.text_top, 4);
	ui_update_key(&s, 'k');
	assert_int_equal(s.text_top, 3);
	/* Too small: unbound keys do nothing, but Q still quits. */
	ui_update_resize(&s, 60, 20);
	assert_int_equal(ui_update_key(&s, 'x'), 0);
	assert_int_equal(ui_update_key(&s, UI_KEY_CTRL('c')) & UI_QUIT_NOW, UI_QUIT_NOW);
	ui_state_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_moves),
		cmocka_unit_test(test_message_clears_on_view_change),
		cmocka_unit_test(test_search_sort_filter),
		cmocka_unit_test(test_search_text_meta_annotators),
		cmocka_unit_test(test_search_goes_on_between_keys),
		cmocka_unit_test(test_blind_hides_everywhere),
		cmocka_unit_test(test_resize_and_scroll),
		cmocka_unit_test(test_queue_picker),
		cmocka_unit_test(test_one_item),
	};
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
