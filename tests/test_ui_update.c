/*
 * test_ui_update: the review screen's state machine without a terminal or a
 * database. A fake backend records what the screen asked the database to do
 * and answers as a real one would (including "decided by someone else"), so
 * these tests pin down key bindings, list movement, deciding and moving on,
 * blind calls, reasons and drafts, undo, search, resize and hang-up.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "text.h"
#include "ui.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct fake {
	double clock;
	int loads, claims, releases, decides, undos, reasons, flags, skips, drafts, statuses;
	int claim_answer;  /* what claim returns: 0 mine, 1 held by "bob" */
	int decide_answer; /* 0 ok, 1 conflict, -1 error */
	struct review_decide_args last;
	char last_reason[256], last_rule[64], last_draft[256];
	int64_t last_item, undo_item;
	int64_t decided[16]; /* item -> label code + 1 */
};

static struct fake fk;

static int f_load(void *ctx, int64_t item, struct review_item *it, struct guide *g, int *has_guide,
		  char *err)
{
	static const char *const values[] = {"neg", "neu", "pos"};
	(void)ctx;
	(void)g;
	(void)err;
	fk.loads++;
	memset(it, 0, sizeof *it);
	it->id = item;
	it->external_id = xstrdup(item == 1 ? "a1" : item == 2 ? "b2" : "c3");
	it->text = xstrdup("one two three four five six seven eight nine ten eleven twelve "
			   "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty "
			   "and a good deal more text so that it wraps onto several lines at eighty "
			   "columns wide, which is what the scroll test needs to see happen here.\n"
			   "second paragraph\nthird\nfourth\nfifth\nsixth");
	it->task.id = 1;
	it->task.name = xstrdup("sentiment");
	it->task.nlabels = 3;
	it->task.labels = xcalloc(3, sizeof *it->task.labels);
	for (int i = 0; i < 3; i++) {
		it->task.labels[i].code = 10 + i;
		it->task.labels[i].value = xstrdup(values[i]);
		it->task.labels[i].name = xstrdup(values[i]);
		it->task.labels[i].ord = i;
	}
	it->task.labels[2].key = xstrdup("P");
	it->vote_summary = xstrdup("neg:1 pos:2");
	it->agreement = 1.0 / 3;
	if (fk.decided[item]) {
		it->history = xcalloc(1, sizeof *it->history);
		it->nhistory = 1;
		it->history[0].id = 100 + item;
		it->history[0].expert = xstrdup(fk.decided[item] > 0 ? "me" : "bob");
		it->history[0].label = xstrdup(values[abs((int)fk.decided[item]) - 11]);
		it->current = 100 + item;
	}
	*has_guide = 0;
	return 0;
}

static int f_status(void *ctx, struct review_row *r, char *err)
{
	(void)ctx;
	(void)err;
	fk.statuses++;
	r->status = fk.decided[r->item] > 0   ? REVIEW_MINE
		    : fk.decided[r->item] < 0 ? REVIEW_OTHER
					      : REVIEW_OPEN;
	return 0;
}

static int f_claim(void *ctx, int64_t item, char *holder, size_t len, char *err)
{
	(void)ctx;
	(void)item;
	(void)err;
	fk.claims++;
	if (fk.claim_answer == 1)
		snprintf(holder, len, "bob");
	return fk.claim_answer;
}

static int f_release(void *ctx, int64_t item, char *err)
{
	(void)ctx;
	(void)item;
	(void)err;
	fk.releases++;
	return 0;
}

static int f_decide(void *ctx, const struct review_decide_args *d, int64_t *id, char *other,
		    size_t len, char *err)
{
	(void)ctx;
	fk.decides++;
	fk.last = *d;
	snprintf(fk.last_reason, sizeof fk.last_reason, "%s", d->reason ? d->reason : "");
	snprintf(fk.last_rule, sizeof fk.last_rule, "%s", d->rule ? d->rule : "");
	fk.last.reason = fk.last_reason;
	fk.last.rule = fk.last_rule;
	if (fk.decide_answer == 1) {
		snprintf(other, len, "bob");
		fk.decided[d->item] = -11;
		snprintf(err, GV_ERR, "decided by bob meanwhile; nothing was overwritten");
		return 1;
	}
	if (fk.decide_answer < 0) {
		snprintf(err, GV_ERR, "disk full");
		return -1;
	}
	fk.decided[d->item] = d->label_code + 1;
	*id = 100 + d->item;
	return 0;
}

static int f_undo(void *ctx, int64_t item, char *err)
{
	(void)ctx;
	(void)err;
	fk.undos++;
	fk.undo_item = item;
	fk.decided[item] = 0;
	return 0;
}

static int f_reason(void *ctx, int64_t item, const char *reason, const char *rule, char *err)
{
	(void)ctx;
	(void)err;
	fk.reasons++;
	fk.last_item = item;
	snprintf(fk.last_reason, sizeof fk.last_reason, "%s", reason ? reason : "");
	snprintf(fk.last_rule, sizeof fk.last_rule, "%s", rule ? rule : "");
	return 0;
}

static int f_flag(void *ctx, int64_t item, char *err)
{
	(void)ctx;
	(void)err;
	fk.flags++;
	fk.last_item = item;
	return 0;
}

static int f_skip(void *ctx, int64_t item, char *err)
{
	(void)ctx;
	(void)err;
	fk.skips++;
	fk.last_item = item;
	return 0;
}

static int f_draft(void *ctx, int64_t item, const char *text, char *err)
{
	(void)ctx;
	(void)err;
	fk.drafts++;
	fk.last_item = item;
	snprintf(fk.last_draft, sizeof fk.last_draft, "%s", text ? text : "");
	return 0;
}

static int f_events(void *ctx, int64_t item, struct review_event **ev, size_t *n, char *err)
{
	(void)ctx;
	(void)err;
	*ev = xcalloc(2, sizeof **ev);
	for (int i = 0; i < 2; i++) {
		(*ev)[i].seq = item * 10 + i;
		(*ev)[i].at = xstrdup("2024-01-01T00:00:00Z");
		(*ev)[i].actor = xstrdup("me");
		(*ev)[i].action = xstrdup(i ? "decide" : "claim");
		(*ev)[i].detail = xstrdup("{}");
	}
	*n = 2;
	return 0;
}

static double f_now(void *ctx)
{
	(void)ctx;
	return fk.clock;
}

static const struct ui_backend fake_be = {
	.load = f_load,
	.row_status = f_status,
	.claim = f_claim,
	.release = f_release,
	.decide = f_decide,
	.undo = f_undo,
	.reason = f_reason,
	.flag = f_flag,
	.skip = f_skip,
	.draft = f_draft,
	.events = f_events,
	.now = f_now,
};

static struct review_row *make_rows(size_t n)
{
	static const char *const ids[] = {"a1", "b2", "c3"};
	struct review_row *v = xcalloc(n, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		v[i].item = (int64_t)i + 1;
		v[i].external_id = xstrdup(i < 3 ? ids[i] : "zz");
		v[i].task = xstrdup("sentiment");
		v[i].votes = xstrdup(i == 1 ? "neg:2 pos:1" : "neg:1 pos:2");
		v[i].agreement = i == 2 ? 0.1 : 1.0 / 3;
		v[i].model_conf = NAN;
		v[i].reason = xstrdup("not unanimous");
	}
	return v;
}

static void start(struct ui_state *s, size_t n, int can_decide, int blind)
{
	memset(&fk, 0, sizeof fk);
	fk.clock = 1000;
	ui_state_init(s, &fake_be, "me", can_decide, blind, "disputed", make_rows(n), n, 80, 24);
}

static void keys(struct ui_state *s, const char *k)
{
	for (; *k; k++)
		ui_update_key(s, (unsigned char)*k);
}

static void test_bindings(void **state)
{
	struct ui_state s;
	int arg;
	(void)state;
	start(&s, 3, 1, 0);
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
	/* Every action but ACT_NONE is reachable from some key. */
	for (int a = 1; a < ACT_COUNT; a++) {
		int found = 0;
		for (size_t i = 0; i < ui_nbindings; i++)
			found |= ui_bindings[i].action == (enum ui_action)a;
		assert_true(found);
		assert_non_null(ui_actions[a].name);
		assert_int_equal(ui_actions[a].id, a);
	}
	ui_state_free(&s);
}

static void test_list_moves(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 50, 1, 0);
	assert_int_equal(ui_list_height(&s), 20);
	keys(&s, "kkk");
	assert_int_equal(s.qlist.cur, 0);
	keys(&s, "jj");
	assert_int_equal(s.qlist.cur, 2);
	ui_update_key(&s, 'G');
	assert_int_equal(s.qlist.cur, 49);
	assert_int_equal(s.qlist.top, 30);
	ui_update_key(&s, UI_KEY_PGUP);
	assert_int_equal(s.qlist.cur, 30);
	assert_int_equal(s.qlist.top, 30);
	ui_update_key(&s, 'k');
	assert_int_equal(s.qlist.top, 29);
	ui_update_key(&s, 'g');
	assert_int_equal(s.qlist.cur, 0);
	assert_int_equal(s.qlist.top, 0);
	/* Visible rows get their status from the database as they scroll in. */
	assert_true(fk.statuses >= 20);
	ui_state_free(&s);
}

static void test_open_back_claims(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	ui_update_key(&s, 'j');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(s.item.id, 2);
	assert_int_equal(fk.claims, 1);
	assert_true(s.claimed);
	ui_update_key(&s, 'q');
	assert_int_equal(s.view, UI_QUEUE);
	assert_int_equal(fk.releases, 1);
	assert_false(s.has_item);
	assert_int_equal(ui_update_key(&s, 'q') & UI_QUIT_NOW, UI_QUIT_NOW);
	ui_state_free(&s);
}

static void test_decide_moves_on(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	fk.clock += 12.5;
	ui_update_key(&s, '3');
	assert_int_equal(fk.decides, 1);
	assert_int_equal(fk.last.item, 1);
	assert_int_equal(fk.last.label_code, 12);
	assert_int_equal(fk.last.blind_code, -1);
	assert_int_equal(fk.last.expected, 0);
	assert_true(fabs(fk.last.seconds - 12.5) < 1e-9);
	assert_string_equal(fk.last.queue, "disputed");
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	assert_non_null(strstr(s.msg, "saved"));
	/* On to the next item, which is claimed in turn. */
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(s.item.id, 2);
	assert_int_equal(s.qlist.cur, 1);
	assert_int_equal(fk.claims, 2);
	assert_int_equal(s.qrows[0].status, REVIEW_MINE);
	/* A label number beyond the task's labels writes nothing. */
	ui_update_key(&s, '7');
	assert_int_equal(fk.decides, 1);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	ui_update_key(&s, '1');
	ui_update_key(&s, '2');
	/* The last item decided: back to the queue, the "saved" message kept. */
	assert_int_equal(fk.decides, 3);
	assert_int_equal(s.view, UI_QUEUE);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	ui_state_free(&s);
}

static void test_decide_failures(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	fk.decide_answer = -1;
	ui_update_key(&s, '1');
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	assert_true(strncmp(s.msg, "not saved", 9) == 0);
	assert_int_equal(s.item.id, 1);
	/* Someone else decided meanwhile: shown, nothing overwritten, no move. */
	fk.decide_answer = 1;
	ui_update_key(&s, '1');
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	assert_non_null(strstr(s.msg, "bob"));
	assert_int_equal(s.item.id, 1);
	assert_int_equal(s.item.nhistory, 1);
	assert_string_equal(s.item.history[0].expert, "bob");
	ui_state_free(&s);
}

static void test_claimed_by_other_and_viewer(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	fk.claim_answer = 1;
	ui_update_key(&s, UI_KEY_ENTER);
	assert_false(s.claimed);
	assert_non_null(strstr(s.msg, "bob"));
	ui_update_key(&s, '1');
	assert_int_equal(fk.decides, 0);
	ui_update_key(&s, 'q');
	assert_int_equal(fk.releases, 0);
	ui_state_free(&s);

	start(&s, 3, 0, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(fk.claims, 0);
	keys(&s, "1rsfu");
	assert_int_equal(fk.decides + fk.reasons + fk.skips + fk.flags + fk.undos, 0);
	assert_int_equal(s.input, UI_INPUT_NONE);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	ui_state_free(&s);
}

static void test_blind(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 1);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, '1');
	assert_int_equal(fk.decides, 0);
	assert_int_equal(s.blind_call, 0);
	ui_update_key(&s, '3');
	assert_int_equal(fk.decides, 1);
	assert_int_equal(fk.last.label_code, 12);
	assert_int_equal(fk.last.blind_code, 10);
	/* The next item starts blind again. */
	assert_int_equal(s.item.id, 2);
	assert_int_equal(s.blind_call, -1);
	ui_state_free(&s);
}

static void test_reason_then_decide(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	assert_int_equal(s.input, UI_INPUT_REASON);
	/* While typing, keys are text: '1' does not decide. */
	keys(&s, "#R2 sarcasm1x");
	ui_update_key(&s, UI_KEY_BACKSPACE);
	assert_int_equal(fk.decides, 0);
	assert_string_equal(s.inbuf.s, "#R2 sarcasm1");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.input, UI_INPUT_NONE);
	assert_string_equal(s.pending_reason, "#R2 sarcasm1");
	assert_int_equal(fk.drafts, 1);
	assert_string_equal(fk.last_draft, "#R2 sarcasm1");
	ui_update_key(&s, '2');
	assert_int_equal(fk.decides, 1);
	assert_string_equal(fk.last_reason, "sarcasm1");
	assert_string_equal(fk.last_rule, "R2");
	ui_state_free(&s);
}

static void test_reason_after_decision(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	fk.decided[1] = 11; /* already mine: neg */
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	keys(&s, "clearer now");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(fk.reasons, 1);
	assert_int_equal(fk.last_item, 1);
	assert_string_equal(fk.last_reason, "clearer now");
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	ui_state_free(&s);
}

static void test_undo_goes_back(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, '1');
	assert_int_equal(s.item.id, 2);
	ui_update_key(&s, 'u');
	assert_int_equal(fk.undos, 1);
	assert_int_equal(fk.undo_item, 1);
	assert_int_equal(s.item.id, 1);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	ui_state_free(&s);
}

static void test_skip_flag_history(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'f');
	assert_int_equal(fk.flags, 1);
	assert_int_equal(s.item.id, 1);
	ui_update_key(&s, 's');
	assert_int_equal(fk.skips, 1);
	assert_int_equal(fk.last_item, 1);
	assert_int_equal(s.item.id, 2);
	ui_update_key(&s, 'h');
	assert_int_equal(s.view, UI_HISTORY);
	assert_int_equal(s.nevents, 2);
	assert_int_equal(s.events[0].seq, 20);
	ui_update_key(&s, 'q');
	assert_int_equal(s.view, UI_ITEM);
	ui_update_key(&s, '?');
	assert_int_equal(s.view, UI_HELP);
	ui_update_key(&s, UI_KEY_ESC);
	assert_int_equal(s.view, UI_ITEM);
	ui_state_free(&s);
}

static void test_search_sort_filter(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	ui_update_key(&s, '/');
	keys(&s, "C3");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.qlist.cur, 2);
	ui_update_key(&s, '/');
	keys(&s, "neg:1");
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
	fk.decided[2] = 11;
	ui_update_key(&s, 'F');
	assert_int_equal(s.qlist.n, 2);
	ui_update_key(&s, 'F');
	assert_int_equal(s.qlist.n, 1);
	assert_int_equal(ui_queue_current(&s), 1);
	ui_state_free(&s);
}

static void test_drafts_tick_and_hangup(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	keys(&s, "half a thought");
	ui_update_tick(&s);
	assert_int_equal(fk.drafts, 0);
	fk.clock += UI_DRAFT_SECONDS;
	ui_update_tick(&s);
	assert_int_equal(fk.drafts, 1);
	assert_string_equal(fk.last_draft, "half a thought");
	ui_update_tick(&s);
	assert_int_equal(fk.drafts, 1); /* nothing new to save */
	keys(&s, " more");
	ui_update_hangup(&s);
	assert_int_equal(fk.drafts, 2);
	assert_string_equal(fk.last_draft, "half a thought more");
	assert_true(s.quit);
	ui_state_free(&s);
}

static void test_claim_renewal(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(fk.claims, 1);
	fk.clock += UI_RENEW_SECONDS;
	ui_update_tick(&s);
	assert_int_equal(fk.claims, 2);
	fk.claim_answer = 1;
	fk.clock += UI_RENEW_SECONDS;
	ui_update_tick(&s);
	assert_false(s.claimed);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	ui_state_free(&s);
}

static void test_resize_and_scroll(void **state)
{
	struct ui_state s;
	size_t w, h;
	(void)state;
	start(&s, 40, 1, 0);
	ui_update_key(&s, 'G');
	ui_update_resize(&s, 132, 43);
	assert_int_equal(ui_list_height(&s), 39);
	assert_int_equal(s.qlist.top, 1);
	ui_update_resize(&s, 80, 24);
	assert_int_equal(s.qlist.top, 20);
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
	assert_int_equal(ui_update_key(&s, 'Q') & UI_QUIT_NOW, UI_QUIT_NOW);
	ui_state_free(&s);
}

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

static void test_help_from_tables(void **state)
{
	char buf[256];
	int saw_decide = 0, saw_undo = 0;
	(void)state;
	for (size_t i = 0; i < ui_help_count(); i++) {
		ui_help_line(i, buf, sizeof buf);
		saw_decide |= strstr(buf, "1-9") && strstr(buf, "decide");
		saw_undo |= strstr(buf, "undo") && strchr(buf, 'u');
	}
	assert_true(saw_decide);
	assert_true(saw_undo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bindings),
		cmocka_unit_test(test_list_moves),
		cmocka_unit_test(test_open_back_claims),
		cmocka_unit_test(test_decide_moves_on),
		cmocka_unit_test(test_decide_failures),
		cmocka_unit_test(test_claimed_by_other_and_viewer),
		cmocka_unit_test(test_blind),
		cmocka_unit_test(test_reason_then_decide),
		cmocka_unit_test(test_reason_after_decision),
		cmocka_unit_test(test_undo_goes_back),
		cmocka_unit_test(test_skip_flag_history),
		cmocka_unit_test(test_search_sort_filter),
		cmocka_unit_test(test_drafts_tick_and_hangup),
		cmocka_unit_test(test_claim_renewal),
		cmocka_unit_test(test_resize_and_scroll),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_help_from_tables),
	};
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
