/*
 * test_ui_dash: the dashboard view's state machine on a real project (the
 * database backend of ui_backend.c over a small project built here), with
 * no terminal: Tab and Shift-Tab through the sections, the row and cell
 * cursors and what the status line says about the selected pair, sorting
 * the annotators by a column and reversing it, a drill-down that opens the
 * queue behind a figure (its title and item count equal to the figure) and
 * q back to the same cell with the review queue restored, and the lines:
 * shading without colour, the colour ramp with it, a legend on every chart.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "audit.h"
#include "lead.h"
#include "store_review.h"
#include "store_summary.h"
#include "testutil.h"
#include "text.h"
#include "ui.h"
#include "ui_backend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fx {
	char path[64];
	struct store *st;
	struct ui_db db;
	struct ui_backend be;
	struct ui_state s;
};

/*
 * test_lead_project (testutil.h): task t, labels a b c, annotators x y z;
 * items 1-6 (votes: 1 aaa, 2 aab, 3 bc, 4 ccb, 5 a, 6 bba), decisions 1=b
 * (rule R2), 2=b (R1), 3=c, 4=c (R1) by ex1; and a review queue of two rows
 * (items 3 and 4) standing for the queue a drill-down puts aside.
 */
static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	struct audit_actor ex1;
	struct review_row *rows;

	f->st = test_lead_project(f->path, "dash");
	audit_actor_init(&ex1, "ex1");
	ex1.uid = 1001;
	f->db.st = f->st;
	f->db.readonly = 1;
	f->db.actor = ex1;
	ui_backend_db(&f->be, &f->db);
	rows = xcalloc(2, sizeof *rows);
	rows[0].item = 3;
	rows[0].external_id = xstrdup("i3");
	rows[0].task = xstrdup("t");
	rows[1].item = 4;
	rows[1].external_id = xstrdup("i4");
	rows[1].task = xstrdup("t");
	ui_state_init(&f->s, &f->be, "ex1", 0, 0, "disputed", rows, 2, 80, 24);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	ui_state_free(&f->s);
	ui_db_free(&f->db);
	test_store_drop(f->st, f->path);
	free(f);
	return 0;
}

/* d, as review's screen loop sees it: the quick figures, then (a headless
 * script waits for them before its next key) the rest. */
static void open_dash(struct ui_state *s)
{
	ui_update_key(s, 'd');
	assert_true(s->dash.have);
	assert_true(s->dash.rep.quick);
	assert_int_equal(ui_update_idle(s, 1), UI_REDRAW);
	assert_false(s->dash.rep.quick);
}

/* The text of the section's lines, each line's spans joined by a space. */
static char *section_text(const struct ui_state *s, int width, int height)
{
	struct ui_dash_screen sc;
	struct sbuf b = {0};
	const struct ui_lines *parts[3];
	ui_dash_lines(s, width, height, &sc);
	parts[0] = &sc.head;
	parts[1] = &sc.rows;
	parts[2] = &sc.foot;
	for (int p = 0; p < 3; p++)
		for (size_t i = 0; i < parts[p]->n; i++) {
			for (size_t j = 0; j < parts[p]->v[i].n; j++)
				sbuf_addf(&b, "%s ", parts[p]->v[i].sp[j].text);
			sbuf_addc(&b, '\n');
		}
	ui_dash_screen_free(&sc);
	return b.s ? b.s : xstrdup("");
}

/*
 * A task's items are all its items, those without votes too: item 7 of t
 * has no votes (t: 7 items, 6 voted), and task u has two items and no vote
 * at all. The quick first screen (from task_tally, which counts voted items
 * only) and the full build say the same; u's row says "no votes yet" where
 * its other figures would be, and its report section counts its items.
 */
static void test_items_without_votes(void **state)
{
	struct fx *f = *state;
	struct ui_state *s = &f->s;
	struct lead_opts o;
	struct lead_report full;
	struct sbuf b = {0};
	char err[GV_ERR], *text;

	/* Every item has an item_votes row; the refresh writes the empty ones. */
	test_exec(f->st,
		  "INSERT INTO item(id, task, external_id) VALUES (7, 1, 'i7');"
		  "INSERT INTO task(id, name) VALUES (2, 'u');"
		  "INSERT INTO item(id, task, external_id) VALUES (8, 2, 'u1'), (9, 2, 'u2');");
	test_summary_refresh(f->st, 1);
	test_summary_refresh(f->st, 2);
	s->view = UI_DASH;
	s->dash.back = UI_DASH;
	ui_dash_open_quick(s, NULL);
	assert_true(s->dash.rep.quick);
	assert_int_equal(s->dash.rep.ntasks, 2);
	assert_int_equal(s->dash.rep.tasks[0].items, 7);
	assert_int_equal(s->dash.rep.tasks[0].unvoted, 1);
	assert_int_equal(s->dash.rep.tasks[0].res.items, 6);
	assert_int_equal(s->dash.rep.tasks[1].items, 2);
	assert_int_equal(s->dash.rep.tasks[1].unvoted, 2);
	assert_int_equal(s->dash.rep.tasks[1].res.votes, 0);
	text = section_text(s, 80, 24);
	assert_non_null(strstr(text, "      7        15  ...  0.40"));
	assert_non_null(strstr(text, "u "));
	assert_non_null(strstr(text, "      2         0  no votes yet"));
	free(text);

	lead_opts_default(&o);
	assert_int_equal(lead_build(f->st, NULL, &o, &full, err), 0);
	assert_int_equal(full.ntasks, 2);
	assert_int_equal(full.tasks[0].items, 7);
	assert_int_equal(full.tasks[0].unvoted, 1);
	assert_int_equal(full.tasks[1].items, 2);
	assert_int_equal(full.tasks[1].unvoted, 2);
	lead_task_json(&b, &full.tasks[1]);
	assert_non_null(strstr(b.s, "\"items\":2,\"unvoted\":2,\"decided\":0"));
	sbuf_reset(&b);
	lead_task_text(&b, &full.tasks[1]);
	assert_non_null(strstr(b.s, "items in the task 2, of them 2 with no votes yet"));
	sbuf_free(&b);
	lead_report_free(&full);
}

static void test_sections(void **state)
{
	struct fx *f = *state;
	struct ui_state *s = &f->s;

	/* d opens it on the Tasks section, over the queue */
	open_dash(s);
	assert_int_equal(s->view, UI_DASH);
	assert_int_equal(s->dash.sec, UI_DASH_TASKS);
	assert_int_equal(s->dash.rep.ntasks, 1);
	/* Tab walks every section in order and wraps; Shift-Tab walks back */
	for (int i = 1; i <= UI_DASH_NSECTIONS; i++) {
		ui_update_key(s, UI_KEY_TAB);
		assert_int_equal(s->dash.sec, i % UI_DASH_NSECTIONS);
	}
	ui_update_key(s, UI_KEY_BTAB);
	assert_int_equal(s->dash.sec, UI_DASH_RULES);
	ui_update_key(s, UI_KEY_BTAB);
	assert_int_equal(s->dash.sec, UI_DASH_DISTRIBUTION);
	/* q goes back to the view it was opened from */
	ui_update_key(s, 'q');
	assert_int_equal(s->view, UI_QUEUE);
	assert_int_equal(s->quit, 0);
}

/*
 * gavel dashboard's first screen: the quick figures from the summaries,
 * then the rest computed by ui_update_idle. Hand-worked from the fixture:
 * items 6, votes 15; compared items 1 (aaa, A=1), 2 (aab, 1/3), 3 (bc, 0),
 * 4 (ccb, 1/3), 6 (bba, 1/3): agreement 2/5; disputed 2, 3, 4, 6; decided
 * 1-4; open: item 6. Each also equals the full build's.
 */
static void test_quick_first_screen(void **state)
{
	struct fx *f = *state;
	struct ui_state *s = &f->s;
	const struct lead_task *t;
	char *text;

	s->view = UI_DASH;
	s->dash.back = UI_DASH;
	ui_dash_open_quick(s, NULL);
	assert_true(s->dash.have);
	assert_true(s->dash.rep.quick);
	t = &s->dash.rep.tasks[0];
	assert_int_equal(t->res.items, 6);
	assert_int_equal(t->res.votes, 15);
	/* 2 as the tally keeps it, each item's agreement in units of 2^-24
	 * (src/store.h): the 1/3s round to 5592405 units, 2 - 2^-24 in all;
	 * the full build below has 2/5 exactly. */
	assert_true(t->res.percent_agreement == (2.0 - 1.0 / 16777216) / 5);
	assert_int_equal(t->res.disputed, 4);
	assert_int_equal(t->decided, 4);
	assert_int_equal(t->open, 1);
	assert_true(isnan(t->res.fleiss_kappa));
	text = section_text(s, 80, 24);
	assert_non_null(
		strstr(text, "      6        15  ...  0.40    ...    ...         4       1"));
	assert_non_null(strstr(text, "disputed 4, decided 4, open 1"));
	assert_non_null(strstr(text, "computing kappa"));
	free(text);
	/* the other sections wait for the figures, and open nothing */
	ui_update_key(s, UI_KEY_TAB);
	assert_int_equal(s->dash.sec, UI_DASH_LABELS);
	text = section_text(s, 80, 24);
	assert_non_null(strstr(text, "computing the figures"));
	free(text);
	ui_update_key(s, UI_KEY_ENTER);
	assert_int_equal(s->view, UI_DASH);
	assert_non_null(strstr(s->msg, "still computing"));
	/* the deferred work starts in the background and brings the rest, on
	 * the same section; until it is in, the loop is told to look again */
	if (ui_update_idle(s, 0) == 0) {
		assert_true(s->dash.rep.quick);
		assert_int_equal(s->dash.pending, 1);
		assert_true(ui_update_busy(s));
		assert_int_equal(ui_update_idle(s, 1), UI_REDRAW);
	}
	assert_false(ui_update_busy(s));
	assert_int_equal(s->dash.pending, 0);
	assert_false(s->dash.rep.quick);
	assert_int_equal(s->dash.sec, UI_DASH_LABELS);
	t = &s->dash.rep.tasks[0];
	assert_int_equal(t->res.items, 6);
	assert_int_equal(t->res.votes, 15);
	assert_true(fabs(t->res.percent_agreement - 0.4) < 1e-12);
	assert_int_equal(t->res.disputed, 4);
	assert_int_equal(t->decided, 4);
	assert_int_equal(t->open, 1);
	assert_int_equal(t->nannotators, 3);
	assert_false(isnan(t->res.fleiss_kappa));
	text = section_text(s, 80, 24);
	assert_null(strstr(text, "computing"));
	free(text);
	/* nothing left to do */
	assert_int_equal(ui_update_idle(s, 0), 0);
	assert_int_equal(ui_update_idle(s, 1), 0);
}

static void test_pair_cell(void **state)
{
	struct fx *f = *state;
	struct ui_state *s = &f->s;
	const struct lead_pairs *p;
	char want[128];

	open_dash(s);
	for (int i = 0; i < UI_DASH_PAIRS; i++)
		ui_update_key(s, UI_KEY_TAB);
	p = &s->dash.rep.tasks[0].pairs;
	assert_int_equal(p->n, 3);
	/* row 0, column 0 to column 1: the status line names the pair, with
	 * the shared items the figures hold (fewer than min_shared: no kappa) */
	ui_update_key(s, UI_KEY_RIGHT);
	assert_int_equal(s->dash.col[UI_DASH_PAIRS], 1);
	snprintf(want, sizeof want, "%s vs %s: %u shared items",
		 s->dash.rep.tasks[0].annotators[p->ann[0]].name,
		 s->dash.rep.tasks[0].annotators[p->ann[1]].name, p->shared[1]);
	assert_non_null(strstr(s->msg, want));
	/* the column cursor stops at the last column and the first */
	for (int i = 0; i < 5; i++)
		ui_update_key(s, UI_KEY_RIGHT);
	assert_int_equal(s->dash.col[UI_DASH_PAIRS], 2);
	for (int i = 0; i < 5; i++)
		ui_update_key(s, 'h');
	assert_int_equal(s->dash.col[UI_DASH_PAIRS], 0);
	ui_update_key(s, 'j');
	assert_int_equal(s->dash.list[UI_DASH_PAIRS].cur, 1);
	/* the diagonal opens nothing, and says why */
	ui_update_key(s, UI_KEY_RIGHT);
	ui_update_key(s, UI_KEY_ENTER);
	assert_int_equal(s->view, UI_DASH);
	assert_non_null(strstr(s->msg, "off the diagonal"));
}

static void test_sort(void **state)
{
	struct fx *f = *state;
	struct ui_state *s = &f->s;
	const struct lead_task *t;

	open_dash(s);
	ui_update_key(s, UI_KEY_TAB);
	ui_update_key(s, UI_KEY_TAB);
	assert_int_equal(s->dash.sec, UI_DASH_ANNOTATORS);
	t = &s->dash.rep.tasks[0];
	/* by votes, largest first, by default: x 6, y 5, z 4 */
	assert_string_equal(t->annotators[s->dash.aorder[0]].name, "x");
	assert_string_equal(t->annotators[s->dash.aorder[2]].name, "z");
	/* o on the votes column again: smallest first */
	ui_update_key(s, UI_KEY_RIGHT);
	ui_update_key(s, 'o');
	assert_int_equal(s->dash.sort, UI_ACOL_VOTES);
	assert_int_equal(s->dash.sort_desc, 0);
	assert_string_equal(t->annotators[s->dash.aorder[0]].name, "z");
	assert_string_equal(t->annotators[s->dash.aorder[2]].name, "x");
	/* name column: A to Z; every order is a permutation */
	ui_update_key(s, UI_KEY_LEFT);
	ui_update_key(s, 'o');
	assert_int_equal(s->dash.sort, UI_ACOL_NAME);
	for (int i = 0; i < 3; i++)
		assert_string_equal(t->annotators[s->dash.aorder[i]].name, i == 0   ? "x"
									   : i == 1 ? "y"
										    : "z");
	/* every column sorts: values in order, NaN last */
	for (int c = UI_ACOL_AGREEMENT; c < UI_NACOLS; c++) {
		s->dash.col[UI_DASH_ANNOTATORS] = c;
		ui_update_key(s, 'o');
		assert_int_equal(s->dash.sort, c);
	}
	/* o elsewhere says where it works */
	ui_update_key(s, UI_KEY_TAB);
	ui_update_key(s, 'o');
	assert_non_null(strstr(s->msg, "Annotators"));
}

/* The backend's synchronous dashboard, counted: returning from a
 * drill-down must not call it. */
static int (*real_dashboard)(void *, const char *, struct lead_report *, char *);
static int sync_builds;

static int counting_dashboard(void *ctx, const char *task, struct lead_report *out, char *err)
{
	sync_builds++;
	return real_dashboard(ctx, task, out, err);
}

static void test_drill_and_back(void **state)
{
	struct fx *f = *state;
	struct ui_state *s = &f->s;
	const struct lead_task *t;
	char want[128];
	int64_t first;

	open_dash(s);
	ui_update_key(s, UI_KEY_TAB);
	assert_int_equal(s->dash.sec, UI_DASH_LABELS);
	t = &s->dash.rep.tasks[0];
	/* label a is most often confused with another: Enter opens those items */
	ui_update_key(s, 'j');
	assert_int_equal(s->dash.list[UI_DASH_LABELS].cur, 1);
	assert_true(t->labels[1].confused_with >= 0);
	ui_update_key(s, UI_KEY_ENTER);
	assert_int_equal(s->view, UI_QUEUE);
	assert_true(s->dash.drilled);
	snprintf(want, sizeof want, "b / %s: %llu items",
		 t->task.labels[t->labels[1].confused_with].value,
		 (unsigned long long)t->labels[1].confused_items);
	assert_string_equal(s->queue, want);
	assert_int_equal(s->nq, t->labels[1].confused_items);
	first = s->qrows[0].item;
	assert_true(first >= 1 && first <= 6);
	/* an item opens from it as from any queue */
	ui_update_key(s, UI_KEY_ENTER);
	assert_int_equal(s->view, UI_ITEM);
	assert_int_equal(s->item.id, first);
	ui_update_key(s, 'q');
	assert_int_equal(s->view, UI_QUEUE);
	/* q puts the review queue back and returns to the same cell */
	ui_update_key(s, 'q');
	assert_int_equal(s->quit, 0);
	assert_int_equal(s->view, UI_DASH);
	assert_int_equal(s->dash.sec, UI_DASH_LABELS);
	assert_int_equal(s->dash.list[UI_DASH_LABELS].cur, 1);
	assert_false(s->dash.drilled);
	assert_string_equal(s->queue, "disputed");
	assert_int_equal(s->nq, 2);
	assert_int_equal(s->qrows[0].item, 3);
	/* a band of agreement: its title counts the histogram's items */
	ui_update_key(s, UI_KEY_TAB);
	ui_update_key(s, UI_KEY_TAB);
	ui_update_key(s, UI_KEY_TAB);
	ui_update_key(s, UI_KEY_TAB);
	assert_int_equal(s->dash.sec, UI_DASH_DISTRIBUTION);
	for (int i = 0; i < 6; i++)
		ui_update_key(s, 'j');
	ui_update_key(s, UI_KEY_ENTER);
	snprintf(want, sizeof want, "agreement 0.6-0.7: %zu items", t->bins[6]);
	assert_string_equal(s->queue, want);
	ui_update_key(s, 'q');
	assert_int_equal(s->view, UI_DASH);
	assert_int_equal(s->dash.list[UI_DASH_DISTRIBUTION].cur, 6);
	/* a rule: its overturns */
	ui_update_key(s, UI_KEY_TAB);
	assert_int_equal(s->dash.sec, UI_DASH_RULES);
	assert_string_equal(t->rules[0].rule, "R1");
	ui_update_key(s, UI_KEY_ENTER);
	snprintf(want, sizeof want, "rule R1: %ld overturn%s", t->rules[0].overturned,
		 t->rules[0].overturned == 1 ? "" : "s");
	assert_string_equal(s->queue, want);
	/* no decision in the drill-down: the figures are not recomputed */
	{
		const struct lead_task *before = s->dash.rep.tasks;
		ui_update_key(s, 'q');
		assert_ptr_equal(s->dash.rep.tasks, before);
		assert_int_equal(s->dash.rep.tasks[0].decided, 4);
		ui_update_key(s, UI_KEY_ENTER);
	}
	/* a decision saved in the drill-down (item 6, votes bba, decided a:
	 * store_review_decide here as the item view's decide does, which marks the
	 * figures stale): back on the dashboard they count 5 decisions, the
	 * expert overturning b's majority once more, on the same cell */
	{
		struct review_decide_args da;
		char other[128], err[GV_ERR];
		int64_t id;
		memset(&da, 0, sizeof da);
		da.item = 6;
		da.label_code = 0;
		da.blind_code = -1;
		da.rule = "R1";
		da.seconds = NAN;
		if (store_review_decide(f->st, &f->db.actor, &da, &id, other, sizeof other, err))
			fail_msg("%s", err);
		s->dash.stale = 1;
		/* q is back on the same cell at once: nothing computed in place,
		 * the old figures shown marked as updating */
		sync_builds = 0;
		real_dashboard = f->be.dashboard;
		f->be.dashboard = counting_dashboard;
		ui_update_key(s, 'q');
		assert_int_equal(s->view, UI_DASH);
		assert_int_equal(s->dash.sec, UI_DASH_RULES);
		assert_int_equal(s->dash.list[UI_DASH_RULES].cur, 0);
		assert_int_equal(sync_builds, 0);
		assert_int_equal(s->dash.rep.tasks[0].decided, 4);
		assert_true(s->dash.refresh);
		assert_true(ui_update_busy(s));
		ui_dash_title(s, want, sizeof want);
		assert_non_null(strstr(want, "Rules (updating"));
		/* the background computation brings the new figures, on the same cell */
		assert_int_equal(ui_update_idle(s, 1), UI_REDRAW);
		assert_int_equal(sync_builds, 0);
		assert_false(s->dash.refresh);
		assert_false(s->dash.stale);
		assert_false(ui_update_busy(s));
		ui_dash_title(s, want, sizeof want);
		assert_null(strstr(want, "updating"));
		assert_int_equal(s->dash.sec, UI_DASH_RULES);
		assert_int_equal(s->dash.list[UI_DASH_RULES].cur, 0);
		t = &s->dash.rep.tasks[0];
		assert_int_equal(t->decided, 5);
		assert_string_equal(t->rules[0].rule, "R1");
		/* R1 before: items 2 (majority a, decided b) and 4 (c, c): 1 overturn;
		 * now also item 6 (majority b, decided a): 2 */
		assert_int_equal(t->rules[0].decisions, 3);
		assert_int_equal(t->rules[0].overturned, 2);
		ui_update_key(s, UI_KEY_ENTER);
	}
	/* C-c still quits from a drill-down queue */
	ui_update_key(s, UI_KEY_CTRL('c'));
	assert_int_equal(s->quit, 1);
}

static void test_lines(void **state)
{
	struct fx *f = *state;
	struct ui_state *s = &f->s;
	char *text;

	open_dash(s);
	for (int sec = 0; sec < UI_DASH_NSECTIONS; sec++) {
		/* every section fits 80x24 and 132x43, and every chart has a legend */
		for (int big = 0; big < 2; big++) {
			struct ui_dash_screen sc;
			ui_dash_lines(s, big ? 132 : 80, big ? 43 : 24, &sc);
			assert_true(sc.head.n + sc.height + sc.foot.n + 4 <=
				    (size_t)(big ? 43 : 24));
			ui_dash_screen_free(&sc);
		}
		text = section_text(s, 80, 24);
		if (sec == UI_DASH_PAIRS || sec == UI_DASH_CONFUSION || sec == UI_DASH_DISTRIBUTION)
			assert_true(strstr(text, ">=0.8") || strstr(text, ">=80%"));
		free(text);
		ui_update_key(s, UI_KEY_TAB);
	}
	/* the distribution's bars: shading without colour, none with it (the
	 * colour ramp carries it) */
	s->dash.sec = UI_DASH_DISTRIBUTION;
	s->colour = 0;
	text = section_text(s, 80, 24);
	assert_non_null(strstr(text, "\u2588"));
	free(text);
	s->colour = 1;
	text = section_text(s, 80, 24);
	assert_null(strstr(text, "\u2588\u2588"));
	free(text);
	/* the Pairs cells are as wide as each other, the diagonal's two-byte
	 * "\u00b7" too (padded by columns, not bytes), with and without colour */
	s->dash.sec = UI_DASH_PAIRS;
	for (int colour = 0; colour < 2; colour++) {
		struct ui_dash_screen sc;
		int diag = 0;
		s->colour = colour;
		ui_dash_lines(s, 80, 24, &sc);
		for (size_t i = 0; i < sc.rows.n; i++)
			for (size_t j = 1; j < sc.rows.v[i].n; j++) {
				const struct ui_span *sp = &sc.rows.v[i].sp[j];
				if (sp->x < 12)
					continue;
				assert_int_equal(text_width(sp->text), (size_t)sp->w);
				diag += strstr(sp->text, "\u00b7") != NULL;
			}
		assert_int_equal(diag, 3);
		ui_dash_screen_free(&sc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quick_first_screen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_items_without_votes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pair_cell, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drill_and_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lines, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
