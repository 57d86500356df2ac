/*
 * test_ui_update_keys: the review screen's keys without a terminal or a
 * database: the default bindings (every action reachable, handled and in
 * the help), a guideline's own label keys, users' keys files (errors with
 * file, line and column; overrides read by the help screen), where that
 * file is looked for, and help made from the tables.
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

static void test_bindings(void **state)
{
	struct ui_state s;
	int arg;
	(void)state;
	test_ui_start(&s, 3, 1, 0);
	assert_int_equal(ui_key_action(&s, 'j', &arg), ACT_DOWN);
	assert_int_equal(ui_key_action(&s, UI_KEY_DOWN, &arg), ACT_DOWN);
	assert_int_equal(ui_key_action(&s, 'q', &arg), ACT_QUIT);
	assert_int_equal(ui_key_action(&s, '1', &arg), ACT_NONE);
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(ui_key_action(&s, '3', &arg), ACT_DECIDE);
	assert_int_equal(arg, 2);
	assert_int_equal(ui_key_action(&s, 'q', &arg), ACT_BACK);
	/* The guideline's own key for "pos". */
	assert_int_equal(ui_key_action(&s, 'P', &arg), ACT_DECIDE);
	assert_int_equal(arg, 2);
	/* It is the key the footer and the help name for that label; the
	 * others have only their numbers. */
	assert_int_equal(ui_label_key(&s, 2), 'P');
	assert_int_equal(ui_label_key(&s, 0), 0);
	assert_int_equal(ui_help_labels(&s), 2 + 3);
	{
		char buf[256];
		ui_help_label_line(&s, 1, buf, sizeof buf);
		assert_string_equal(buf, "labels of task sentiment");
		ui_help_label_line(&s, 4, buf, sizeof buf);
		assert_non_null(strstr(buf, "P/3"));
		ui_help_label_line(&s, 2, buf, sizeof buf);
		assert_non_null(strstr(buf, "  1 "));
	}
	/* Every action but ACT_NONE is reachable from some key, has a
	 * handler and is listed under one of the help screen's groups. */
	for (int a = 1; a < ACT_COUNT; a++) {
		int found = 0;
		for (size_t i = 0; i < ui_nbindings; i++)
			found |= ui_bindings[i].action == (enum ui_action)a;
		assert_true(found);
		assert_non_null(ui_actions[a].name);
		assert_int_equal(ui_actions[a].id, a);
		assert_non_null(ui_actions[a].handler);
		assert_true(ui_actions[a].group > UI_GROUP_NONE &&
			    ui_actions[a].group < UI_NGROUPS);
	}
	/* Every view can be left, and moves on a list or by itself. */
	for (int v = 0; v < UI_NVIEWS; v++) {
		assert_non_null(ui_views[v]);
		assert_non_null(ui_views[v]->name);
		assert_non_null(ui_views[v]->back);
		assert_true(ui_views[v]->list || ui_views[v]->move);
	}
	/* ACT_NONE and out-of-range actions do nothing. */
	assert_int_equal(ui_update(&s, ACT_NONE, 0), 0);
	assert_int_equal(ui_update(&s, ACT_COUNT, 0), 0);
	assert_int_equal(s.view, UI_ITEM);
	ui_state_free(&s);
}

static void test_help_from_tables(void **state)
{
	char buf[256];
	int saw_decide = 0, saw_undo = 0;
	(void)state;
	for (size_t i = 0; i < ui_help_count(); i++) {
		ui_help_line(NULL, i, buf, sizeof buf);
		saw_decide |= strstr(buf, "1-9") && strstr(buf, "decide");
		saw_undo |= strstr(buf, "undo") && strchr(buf, 'u');
	}
	assert_true(saw_decide);
	assert_true(saw_undo);
}

static int keymap_parse(struct ui_keymap *km, const char *yaml, char *err)
{
	return ui_keymap_parse(km, "keys.yaml", yaml, strlen(yaml), err);
}

static void test_keymap(void **state)
{
	struct ui_keymap km;
	struct ui_state s;
	char err[GV_ERR], buf[256];
	int arg, saw_down = 0, saw_decide = 0, saw_skip = 0;
	size_t n0;
	(void)state;

	assert_int_equal(ui_key_parse("j"), 'j');
	assert_int_equal(ui_key_parse("<Down>"), UI_KEY_DOWN);
	assert_int_equal(ui_key_parse("<C-n>"), UI_KEY_CTRL('n'));
	assert_int_equal(ui_key_parse("<Enter>"), UI_KEY_ENTER);
	assert_int_equal(ui_key_parse("<Space>"), ' ');
	assert_int_equal(ui_key_parse("\xc3\xa9"), 0xe9);
	assert_int_equal(ui_key_parse("<Dwn>"), -1);
	assert_int_equal(ui_key_parse("<C-1>"), -1);
	assert_int_equal(ui_key_parse("jk"), -1);
	assert_int_equal(ui_key_parse(""), -1);
	assert_int_equal(ui_key_parse("\x1b"), -1);
	assert_int_equal(ui_key_parse("\xc3"), -1);

	ui_keymap_init(&km);
	n0 = km.n;
	assert_int_equal(n0, ui_nbindings);
	/* Errors name file, line and column, and leave the keymap alone. */
	assert_int_equal(keymap_parse(&km, "keys:\n  jump: j\n", err), -1);
	assert_non_null(strstr(err, "keys.yaml:2:3: unknown action 'jump'"));
	assert_int_equal(keymap_parse(&km, "keys:\n  move-down: [j, <Dwn>]\n", err), -1);
	assert_non_null(strstr(err, "keys.yaml:2:18: unknown key name '<Dwn>'"));
	assert_int_equal(keymap_parse(&km, "keys:\n  move-down: x\n  open: x\n", err), -1);
	assert_non_null(strstr(err, "keys.yaml:3:9: key 'x' is given to move-down already"));
	assert_int_equal(keymap_parse(&km, "keys:\n  help: {a: b}\n", err), -1);
	assert_non_null(strstr(err, "keys.yaml:2:9:"));
	assert_int_equal(keymap_parse(&km, "keys: [j]\n", err), -1);
	assert_non_null(strstr(err, "keys.yaml:1:7:"));
	assert_int_equal(keymap_parse(&km, "other: 1\n", err), -1);
	assert_non_null(strstr(err, "keys.yaml:1:1:"));
	assert_int_equal(
		keymap_parse(&km, "keys:\n  decide: [a, b, c, d, e, f, g, h, i, j]\n", err), -1);
	assert_int_equal(km.n, n0);
	assert_memory_equal(km.v, ui_bindings, n0 * sizeof *km.v);
	/* An empty section changes nothing. */
	assert_int_equal(keymap_parse(&km, "keys:\n", err), 0);
	assert_int_equal(km.n, n0);

	assert_int_equal(keymap_parse(&km,
				      "keys:\n"
				      "  move-down: [x, <Down>]\n"
				      "  decide: [a, s, d]\n"
				      "  skip: []\n"
				      "  calibration: <C-k>\n",
				      err),
			 0);
	test_ui_start(&s, 3, 1, 0);
	s.keys = &km;
	assert_int_equal(ui_key_action(&s, 'x', &arg), ACT_DOWN);
	assert_int_equal(ui_key_action(&s, UI_KEY_DOWN, &arg), ACT_DOWN);
	assert_int_equal(ui_key_action(&s, 'j', &arg), ACT_NONE);
	assert_int_equal(ui_key_action(&s, 'c', &arg), ACT_NONE);
	assert_int_equal(ui_key_action(&s, UI_KEY_CTRL('k'), &arg), ACT_CALIBRATION);
	ui_update_key(&s, 'x');
	assert_int_equal(s.qlist.cur, 1);
	ui_update_key(&s, 'j');
	assert_int_equal(s.qlist.cur, 1);
	assert_non_null(strstr(s.msg, "not bound"));
	ui_update_key(&s, UI_KEY_ENTER);
	/* The n-th decide key decides the n-th label; s is no longer skip. */
	assert_int_equal(ui_key_action(&s, 's', &arg), ACT_DECIDE);
	assert_int_equal(arg, 1);
	assert_int_equal(ui_key_action(&s, '1', &arg), ACT_NONE);
	assert_int_equal(ui_decide_key(&s, 2), 'd');
	assert_int_equal(ui_decide_key(&s, 3), 0);
	/* Keys the file did not touch still work. */
	assert_int_equal(ui_key_action(&s, 'r', &arg), ACT_REASON);
	assert_int_equal(ui_key_action(&s, 'q', &arg), ACT_BACK);
	ui_update_key(&s, 'd');
	assert_int_equal(test_fk.decides, 1);
	assert_int_equal(test_fk.last.label_code, 12);
	ui_state_free(&s);

	/* The help screen reads the keymap. */
	s.keys = &km;
	for (size_t i = 0; i < ui_help_count(); i++) {
		ui_help_line(&s, i, buf, sizeof buf);
		saw_down |= strstr(buf, "x/Down") && strstr(buf, "move-down");
		saw_decide |= strstr(buf, "a/s/d") && strstr(buf, "decide");
		saw_skip |= strstr(buf, "(no key)") && strstr(buf, "skip");
	}
	assert_true(saw_down);
	assert_true(saw_decide);
	assert_true(saw_skip);
	ui_keys_of(&km, ACT_CALIBRATION, ~0u, buf, sizeof buf);
	assert_string_equal(buf, "C-k");
	ui_keys_of(NULL, ACT_DECIDE, ~0u, buf, sizeof buf);
	assert_string_equal(buf, "1-9");
	ui_keymap_free(&km);
}

static void test_keymap_path(void **state)
{
	char buf[256];
	(void)state;
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(ui_keymap_path(buf, sizeof buf), 0);
	assert_string_equal(buf, "/cfg/gavel/keys.yaml");
	/* A relative XDG_CONFIG_HOME is ignored, as the spec says. */
	setenv("XDG_CONFIG_HOME", "rel", 1);
	assert_int_equal(ui_keymap_path(buf, sizeof buf), 0);
	assert_string_equal(buf, "/home/u/.config/gavel/keys.yaml");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_int_equal(ui_keymap_path(buf, sizeof buf), -1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(ui_keymap_path(buf, 8), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bindings),
		cmocka_unit_test(test_help_from_tables),
		cmocka_unit_test(test_keymap),
		cmocka_unit_test(test_keymap_path),
	};
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
