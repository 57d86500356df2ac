/*
 * test_keys: clashes between keys, found before the review screen starts. A
 * keys file may not give an action a key that another action keeps (it used
 * to take it away silently), and no label's decision key may be a key the
 * item view binds to an action, whether the binding is built in or comes
 * from a keys file: each error names both uses and the file, line and column
 * of the one a file gave.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "guide.h"
#include "ui.h"

#include <stdlib.h>
#include <string.h>

static int keymap_parse(struct ui_keymap *km, const char *yaml, char *err)
{
	return ui_keymap_parse(km, "keys.yaml", yaml, strlen(yaml), err);
}

/* The action key is bound to in view v of km, or ACT_NONE. */
static enum ui_action action_of(const struct ui_keymap *km, int key, enum ui_view v)
{
	for (size_t i = 0; i < km->n; i++)
		if (km->v[i].key == key && (km->v[i].views & (1u << v)))
			return km->v[i].action;
	return ACT_NONE;
}

static void test_keys_file_clash(void **state)
{
	struct ui_keymap km;
	char err[GV_ERR];
	size_t n0;
	(void)state;

	ui_keymap_init(&km);
	n0 = km.n;
	/* history: [s] would silently leave skip without its key. */
	assert_int_equal(keymap_parse(&km, "keys:\n  history: [s]\n", err), -1);
	assert_string_equal(err, "keys.yaml:2:13: key 's' for history is skip's key in the item "
				 "view; give skip another key too (skip: [KEY], or [] for none)");
	assert_int_equal(km.n, n0);
	assert_memory_equal(km.v, ui_bindings, n0 * sizeof *km.v);
	/* A clash in another view names that view. */
	assert_int_equal(keymap_parse(&km, "keys:\n  history: o\n", err), -1);
	assert_string_equal(err, "keys.yaml:2:12: key 'o' for history is sort's key in the queue "
				 "view; give sort another key too (sort: [KEY], or [] for none)");
	/* A key bound where the action is not is no clash: o sorts only the queue. */
	assert_int_equal(keymap_parse(&km, "keys:\n  flag: o\n", err), 0);
	assert_int_equal(action_of(&km, 'o', UI_ITEM), ACT_FLAG);
	assert_int_equal(action_of(&km, 'o', UI_QUEUE), ACT_SORT);
	ui_keymap_free(&km);

	/* Rebinding both is what the message asks for, in any order. */
	ui_keymap_init(&km);
	assert_int_equal(keymap_parse(&km, "keys:\n  history: [s]\n  skip: [S]\n", err), 0);
	assert_int_equal(action_of(&km, 's', UI_ITEM), ACT_HISTORY);
	assert_int_equal(action_of(&km, 'S', UI_ITEM), ACT_SKIP);
	assert_int_equal(action_of(&km, 'h', UI_ITEM), ACT_NONE);
	ui_keymap_free(&km);
	ui_keymap_init(&km);
	assert_int_equal(keymap_parse(&km, "keys:\n  skip: []\n  history: [s]\n", err), 0);
	assert_int_equal(action_of(&km, 's', UI_ITEM), ACT_HISTORY);
	ui_keymap_free(&km);
}

static void test_label_keys(void **state)
{
	struct ui_keymap km;
	char err[GV_ERR];
	struct guide_key k[] = {
		{.task = "moderation",
		 .label = "ok",
		 .index = 0,
		 .key = 'o',
		 .file = "p.yaml",
		 .line = 9,
		 .col = 39},
		{.task = "moderation",
		 .label = "self-harm",
		 .index = 4,
		 .key = 's',
		 .file = "p.yaml",
		 .line = 13,
		 .col = 51},
	};
	struct guide_key stored = {.task = "moderation", .label = "hate", .index = 2, .key = 't'};
	(void)state;

	/* With the built-in keys: s is skip in the item view. */
	assert_int_equal(ui_keys_check_labels(NULL, k, 1, "p.db", err), 0);
	assert_int_equal(ui_keys_check_labels(NULL, k, 2, "p.db", err), -1);
	assert_string_equal(err, "p.yaml:13:51: key 's' of label 'self-harm' (task 'moderation') "
				 "is the review screen's key for skip in the item view, so it "
				 "could never decide; choose another key (free: a b d e i l m t v "
				 "w x y z)");
	/* A key stored in a project has no file: the project is named. */
	stored.key = 'h';
	assert_int_equal(ui_keys_check_labels(NULL, &stored, 1, "p.db", err), -1);
	assert_string_equal(err,
			    "p.db: key 'h' of label 'hate' (task 'moderation') is the review "
			    "screen's key for history in the item view, so it could never "
			    "decide; give the label another key in its guideline (key: under "
			    "the label, then gavel guide load), or give history another key in "
			    "your keys.yaml");

	/* A keys file that takes a label's key is named at its own place. */
	ui_keymap_init(&km);
	assert_int_equal(keymap_parse(&km, "keys:\n  history: [t]\n", err), 0);
	stored.key = 't';
	assert_int_equal(ui_keys_check_labels(&km, &stored, 1, "p.db", err), -1);
	assert_string_equal(err, "keys.yaml:2:13: key 't' for history is the decision key of label "
				 "'hate' of task 'moderation' (in p.db); choose another key for it "
				 "here");
	assert_int_equal(ui_keys_check_labels(&km, k, 1, "p.db", err), 0);
	ui_keymap_free(&km);

	/* decide keys choose by position: the label's own is no clash, another's is. */
	ui_keymap_init(&km);
	assert_int_equal(keymap_parse(&km, "keys:\n  decide: [o, a, b]\n", err), 0);
	assert_int_equal(ui_keys_check_labels(&km, k, 1, "p.db", err), 0);
	k[0].index = 1;
	assert_int_equal(ui_keys_check_labels(&km, k, 1, "p.db", err), -1);
	assert_string_equal(err, "keys.yaml:2:12: key 'o' for decide (label 1) is the decision key "
				 "of label 'ok' of task 'moderation' (p.yaml:9:39); choose another "
				 "key for it here");
	ui_keymap_free(&km);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_file_clash),
		cmocka_unit_test(test_label_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
