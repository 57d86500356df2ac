/*
 * test_ui_dashkey: which key opens the lead's dashboard from the item view,
 * without a terminal or a database. d opens it in every view of review,
 * the item view too, unless the open item's guideline gives d to a label
 * (or a keys file gives d to another action there): then d decides (or
 * runs that action) and never opens the dashboard, and D opens it. The
 * help screen's last line says which key does it on the open item, and a
 * keys file that rebinds the dashboard still wins. A fake backend serves
 * two tasks: item 1 of "emotion", whose guideline gives d to disgust, and
 * item 2 of "sentiment", which has no label keys.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testui.h"

#include "guide.h"
#include "text.h"
#include "ui.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fake {
	int decides, dashboards;
	struct review_decide_args last;
};

static struct fake fk;

static int f_load(void *ctx, int64_t item, struct review_item *it, struct guide *g, int *has_guide,
		  char *err)
{
	static const char *const emotion[] = {"anger", "disgust", "joy"};
	static const char *const sentiment[] = {"neg", "neu", "pos"};
	const char *const *values = item == 1 ? emotion : sentiment;
	(void)ctx;
	(void)g;
	(void)err;
	memset(it, 0, sizeof *it);
	it->id = item;
	it->external_id = xstrdup(item == 1 ? "e1" : "s2");
	it->text = xstrdup("some text");
	test_ui_task(&it->task, item, item == 1 ? "emotion" : "sentiment", values);
	if (item == 1)
		it->task.labels[1].key = xstrdup("d");
	it->agreement = NAN;
	it->quality = NAN;
	it->quality_source = "none";
	*has_guide = 0;
	return 0;
}

static int f_decide(void *ctx, const struct review_decide_args *d, int64_t *id, char *other,
		    size_t len, char *err)
{
	(void)ctx;
	(void)other;
	(void)len;
	(void)err;
	fk.decides++;
	fk.last = *d;
	*id = 100 + d->item;
	return 0;
}

static int f_dashboard(void *ctx, const char *task, struct lead_report *out, char *err)
{
	(void)ctx;
	(void)task;
	(void)err;
	fk.dashboards++;
	memset(out, 0, sizeof *out);
	out->project = xstrdup("p");
	return 0;
}

static const struct ui_backend fake_be = {
	.load = f_load,
	.row_status = test_ui_open_status,
	.claim = test_ui_claim_ok,
	.release = test_ui_release_ok,
	.decide = f_decide,
	.dashboard = f_dashboard,
	.now = test_ui_now,
};

/* A queue of item 1 (emotion) then item 2 (sentiment). */
static void start(struct ui_state *s, const struct ui_keymap *km)
{
	struct review_row *v = xcalloc(2, sizeof *v);
	memset(&fk, 0, sizeof fk);
	test_ui_row(&v[0], 1, "e1", "emotion", "a:1 b:1", 0);
	test_ui_row(&v[1], 2, "s2", "sentiment", "a:1 b:1", 0);
	ui_state_init(s, &fake_be, "me", 1, 0, "disputed", v, 2, 80, 24);
	s->keys = km;
}

/* Open queue row idx in the item view. */
static void open_row(struct ui_state *s, size_t idx)
{
	test_ui_keys(s, "g");
	for (size_t i = 0; i < idx; i++)
		test_ui_keys(s, "j");
	test_ui_keys(s, "\n");
	assert_int_equal(s->view, UI_ITEM);
	assert_int_equal(s->item.id, (int64_t)idx + 1);
}

/* The help screen's line that names the dashboard's key in the item view. */
static void help_note(const struct ui_state *s, char *buf, size_t len)
{
	for (size_t i = 0; i < ui_help_count(); i++) {
		ui_help_line(s, i, buf, len);
		if (strncmp(buf, "On this item", 12) == 0 || strncmp(buf, "In the item", 11) == 0)
			return;
	}
	buf[0] = 0;
}

static void test_d_opens_where_no_label_has_it(void **state)
{
	struct ui_state s;
	char buf[256];
	int arg;
	(void)state;
	start(&s, NULL);
	assert_int_equal(ui_key_action(&s, 'd', &arg), ACT_DASHBOARD);
	/* sentiment has no label keys: d opens the dashboard from its item */
	open_row(&s, 1);
	assert_int_equal(ui_key_action(&s, 'd', &arg), ACT_DASHBOARD);
	assert_int_equal(ui_key_action(&s, 'D', &arg), ACT_DASHBOARD);
	help_note(&s, buf, sizeof buf);
	assert_string_equal(buf, "On this item d opens the dashboard (D too).");
	ui_update_key(&s, 'd');
	assert_int_equal(s.view, UI_DASH);
	assert_int_equal(fk.dashboards, 1);
	assert_int_equal(fk.decides, 0);
	/* q goes back to the item it was opened over */
	ui_update_key(&s, 'q');
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(s.item.id, 2);
	ui_state_free(&s);
}

static void test_label_d_decides_and_D_opens(void **state)
{
	struct ui_state s;
	char buf[256];
	int arg;
	(void)state;
	start(&s, NULL);
	open_row(&s, 0);
	/* emotion's guideline gives d to disgust: d decides it, D opens the
	 * dashboard, and the help says so on this item */
	assert_int_equal(ui_key_action(&s, 'd', &arg), ACT_DECIDE);
	assert_int_equal(arg, 1);
	assert_int_equal(ui_label_key(&s, 1), 'd');
	assert_int_equal(ui_key_action(&s, 'D', &arg), ACT_DASHBOARD);
	help_note(&s, buf, sizeof buf);
	assert_string_equal(buf, "On this item d decides label disgust (its guideline's key), so D "
				 "opens the dashboard.");
	ui_update_key(&s, 'D');
	assert_int_equal(s.view, UI_DASH);
	assert_int_equal(fk.decides, 0);
	ui_update_key(&s, 'q');
	assert_int_equal(s.view, UI_ITEM);
	ui_update_key(&s, 'd');
	assert_int_equal(fk.decides, 1);
	assert_int_equal(fk.last.item, 1);
	assert_int_equal(fk.last.label_code, 11);
	assert_int_equal(fk.dashboards, 1);
	assert_false(s.dash.have && s.view == UI_DASH);
	/* the decision moved on to item 2 (sentiment): there d opens it again */
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(s.item.id, 2);
	assert_int_equal(ui_key_action(&s, 'd', &arg), ACT_DASHBOARD);
	/* the queue keeps d */
	ui_update_key(&s, 'q');
	assert_int_equal(s.view, UI_QUEUE);
	assert_int_equal(ui_key_action(&s, 'd', &arg), ACT_DASHBOARD);
	help_note(&s, buf, sizeof buf);
	assert_string_equal(buf, "In the item view d opens the dashboard unless the item's "
				 "guideline gives d to a label; D always does.");
	ui_state_free(&s);
}

/* A guideline may give d to a label: d in the item view gives way to it. */
static void test_label_d_is_no_clash(void **state)
{
	struct guide_key k = {.task = "emotion", .label = "disgust", .index = 1, .key = 'd'};
	struct guide_key big = {.task = "emotion", .label = "disgust", .index = 1, .key = 'D'};
	char err[GV_ERR];
	(void)state;
	assert_int_equal(ui_keys_check_labels(NULL, &k, 1, "p.db", err), 0);
	/* D stays the item view's dashboard key, which no label can take */
	assert_int_equal(ui_keys_check_labels(NULL, &big, 1, "p.db", err), -1);
	assert_non_null(strstr(err, "review screen's key for dashboard"));
}

static int keymap(struct ui_keymap *km, const char *yaml)
{
	char err[GV_ERR];
	ui_keymap_init(km);
	if (ui_keymap_parse(km, "keys.yaml", yaml, strlen(yaml), err)) {
		fail_msg("%s", err);
		return -1;
	}
	return 0;
}

static void test_keys_file(void **state)
{
	struct ui_keymap km;
	struct ui_state s;
	char buf[256];
	int arg;
	(void)state;

	/* A keys file that gives d to flag in the item view: d flags there
	 * (d is no longer free for it to clash with), D opens the dashboard,
	 * and the queue keeps d */
	keymap(&km, "keys:\n  flag: d\n");
	start(&s, &km);
	assert_int_equal(ui_key_action(&s, 'd', &arg), ACT_DASHBOARD);
	open_row(&s, 1);
	assert_int_equal(ui_key_action(&s, 'd', &arg), ACT_FLAG);
	assert_int_equal(ui_key_action(&s, 'D', &arg), ACT_DASHBOARD);
	help_note(&s, buf, sizeof buf);
	assert_string_equal(buf, "In the item view d is flag (your keys file), so D opens the "
				 "dashboard there.");
	ui_state_free(&s);
	ui_keymap_free(&km);

	/* One that gives d to the third label: it decides, never the dashboard */
	keymap(&km, "keys:\n  decide: [a, b, d]\n");
	start(&s, &km);
	open_row(&s, 1);
	assert_int_equal(ui_key_action(&s, 'd', &arg), ACT_DECIDE);
	assert_int_equal(arg, 2);
	ui_update_key(&s, 'd');
	assert_int_equal(fk.decides, 1);
	assert_int_equal(fk.last.label_code, 12);
	assert_int_equal(fk.dashboards, 0);
	ui_state_free(&s);
	ui_keymap_free(&km);

	/* One that rebinds the dashboard: its key everywhere, d nowhere */
	keymap(&km, "keys:\n  dashboard: [x]\n");
	start(&s, &km);
	assert_int_equal(ui_key_action(&s, 'x', &arg), ACT_DASHBOARD);
	assert_int_equal(ui_key_action(&s, 'd', &arg), ACT_NONE);
	open_row(&s, 1);
	assert_int_equal(ui_key_action(&s, 'x', &arg), ACT_DASHBOARD);
	assert_int_equal(ui_key_action(&s, 'd', &arg), ACT_NONE);
	assert_int_equal(ui_key_action(&s, 'D', &arg), ACT_NONE);
	ui_update_key(&s, 'x');
	assert_int_equal(s.view, UI_DASH);
	ui_state_free(&s);
	ui_keymap_free(&km);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_d_opens_where_no_label_has_it),
		cmocka_unit_test(test_label_d_decides_and_D_opens),
		cmocka_unit_test(test_label_d_is_no_clash),
		cmocka_unit_test(test_keys_file),
	};
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
