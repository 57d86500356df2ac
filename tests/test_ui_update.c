/*
 * test_ui_update: the review screen's state machine without a terminal or a
 * database. A fake backend records what the screen asked the database to do
 * and answers as a real one would (including "decided by someone else"), so
 * these tests pin down key bindings, list movement, deciding and moving on,
 * blind calls and what blind mode hides, reasons and drafts (a cancelled one
 * is gone, a cited rule must exist), the prompt's editing keys, flags, undo,
 * search (also through the database), resize and hang-up, messages across
 * views, the item view's layout (every label in play with its definition and
 * rules, spare rows used before cutting, examples, "majority said X",
 * effective confidence, the scrolling evidence pane), the history's
 * sentences, the queue picker, the calibration view and key overrides.
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

struct fake {
	double clock;
	int loads, claims, releases, decides, undos, reasons, flags, skips, drafts, statuses;
	int claim_answer;       /* what claim returns: 0 mine, REVIEW_HELD by "bob" */
	int64_t meanwhile_item; /* bob decides this item just before my claim */
	int decide_answer;      /* 0 ok, a review_refusal, -1 error */
	struct review_decide_args last;
	char last_reason[256], last_rule[64], last_draft[256];
	int64_t last_item, undo_item;
	int undo_answer; /* 1: undo refused, another expert's decision is the latest */
	int64_t decided[256]; /* item -> label code + 1 (tests use at most 50 rows) */
	int rich;            /* load votes, a prediction and a guideline */
	int nrules;          /* rules in the fake guideline (rich) */
	const char *vote3;   /* the third vote's label (rich), "pos" by default */
	int queue_loads, blind_queue;
	size_t queue_rows; /* rows queue_load gives (0: 2 for audit, else 3) */
	char last_queue[64];
	int calibrations, nmodels; /* models in the fake calibration */
	char last_task[64];
	char draft_of[8][64]; /* the draft table: item -> text ("" when none) */
	char last_note[64];   /* the last flag's note */
	int flag_answer;      /* what flag returns: 0 flagged, 1 flagged already */
	int searches, search_annotators;
	int long_defs; /* long definitions, with examples and counterexamples (rich) */
	int64_t conflict_item; /* this item was decided here and offline (a packet) */
	/* The backend's durable (test_saving): 0 the sync still pending, 1
	 * done, -1 it failed; waits counts the calls that blocked, polls all. */
	int durable_answer, durable_waits, durable_polls;
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
	if (fk.conflict_item == item) {
		/* Two decisions in conflict, each with hostile text. */
		free(it->history);
		it->history = xcalloc(2, sizeof *it->history);
		it->nhistory = 2;
		it->history[0].id = 201;
		it->history[0].expert = xstrdup("lee");
		it->history[0].label = xstrdup("neg");
		it->history[0].reason = xstrdup("here \033[31mred\033[0m");
		it->history[0].rule = xstrdup("R1");
		it->history[0].at = xstrdup("2026-12-03T05:00:00Z");
		it->history[1].id = 202;
		it->history[1].expert = xstrdup("alice\033]0;x\007");
		it->history[1].label = xstrdup("pos");
		it->history[1].blind_label = xstrdup("neu");
		it->history[1].reason = xstrdup("offline \xe2\x80\xaereversed");
		it->history[1].at = xstrdup("2026-12-03T04:00:00Z");
		it->history[1].supersedes = 0;
		it->current = 202;
		it->conflict[0] = 201;
		it->conflict[1] = 202;
		it->conflict_packet = xstrdup("p-0123456789ab");
	}
	if (item >= 0 && item < 8 && fk.draft_of[item][0])
		it->draft = xstrdup(fk.draft_of[item]);
	*has_guide = 0;
	it->quality = NAN;
	it->quality_source = "none";
	if (fk.rich) {
		static const char *const who[] = {"alice", "bob", "carol"};
		it->nvotes = 3;
		it->votes = xcalloc(3, sizeof *it->votes);
		for (int i = 0; i < 3; i++) {
			it->votes[i].annotator = xstrdup(who[i]);
			it->votes[i].label = xstrdup(i < 2 ? "neg" : fk.vote3 ? fk.vote3 : "pos");
		}
		it->votes[0].record_n = 4;
		it->votes[0].record_ok = 3;
		it->npreds = 1;
		it->preds = xcalloc(1, sizeof *it->preds);
		it->preds[0].model = xstrdup("m1");
		it->preds[0].label = xstrdup("neg");
		it->preds[0].confidence = 0.6;
		it->preds[0].entropy = 0.8;
		it->preds[0].nprobs = 3;
		it->preds[0].probs = xcalloc(3, sizeof *it->preds[0].probs);
		for (int i = 0; i < 3; i++) {
			it->preds[0].probs[i].label = xstrdup(values[i]);
			it->preds[0].probs[i].p = i == 0 ? 0.6 : i == 1 ? 0.3 : 0.1;
		}
		it->quality = 0.5;
		it->quality_source = "agreement";
		memset(g, 0, sizeof *g);
		g->version = xstrdup("7");
		g->nlabels = 3;
		g->labels = xcalloc(3, sizeof *g->labels);
		for (int i = 0; i < 3; i++) {
			char def[256];
			if (fk.long_defs)
				snprintf(def, sizeof def,
					 "definition of %s, long enough that at eighty columns it "
					 "takes two lines and a bit, which is what the test of spare "
					 "rows needs, END-%s",
					 values[i], values[i]);
			else
				snprintf(def, sizeof def, "definition of %s", values[i]);
			g->labels[i].value = xstrdup(values[i]);
			g->labels[i].definition = xstrdup(def);
			if (fk.long_defs) {
				char ex[64];
				g->labels[i].nexamples = 2;
				g->labels[i].examples = xcalloc(2, sizeof(char *));
				for (int k = 0; k < 2; k++) {
					snprintf(ex, sizeof ex, "example %d of %s", k + 1, values[i]);
					g->labels[i].examples[k] = xstrdup(ex);
				}
				snprintf(ex, sizeof ex, "counterexample of %s", values[i]);
				g->labels[i].ncounterexamples = 1;
				g->labels[i].counterexamples = xcalloc(1, sizeof(char *));
				g->labels[i].counterexamples[0] = xstrdup(ex);
			}
		}
		g->nrules = (size_t)fk.nrules;
		g->rules = xcalloc((size_t)fk.nrules + 1, sizeof *g->rules);
		for (int r = 0; r < fk.nrules; r++) {
			char id[16], text[64];
			snprintf(id, sizeof id, "R%d", r + 1);
			/* R1 is about neu only; the others about neg and pos. */
			snprintf(text, sizeof text, "rule %d text", r + 1);
			g->rules[r].id = xstrdup(id);
			g->rules[r].text = xstrdup(text);
			g->rules[r].nlabels = r == 0 ? 1 : 2;
			g->rules[r].labels = xcalloc(2, sizeof(char *));
			g->rules[r].labels[0] = xstrdup(r == 0 ? "neu" : "neg");
			if (r)
				g->rules[r].labels[1] = xstrdup("pos");
		}
		*has_guide = 1;
	}
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

static int f_claim(void *ctx, int64_t item, int64_t seen, char *holder, size_t len, char *err)
{
	(void)ctx;
	(void)item;
	(void)seen;
	(void)err;
	fk.claims++;
	if (item == fk.meanwhile_item) {
		fk.decided[item] = -11;
		snprintf(holder, len, "bob");
		return REVIEW_MEANWHILE;
	}
	if (fk.claim_answer > 0)
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
	if (fk.decide_answer == REVIEW_MEANWHILE) {
		snprintf(other, len, "bob");
		fk.decided[d->item] = -11;
		snprintf(err, GV_ERR, "decided by bob meanwhile; nothing was overwritten");
		return REVIEW_MEANWHILE;
	}
	if (fk.decide_answer == REVIEW_NOT_LEAD ||
	    (fk.decide_answer == REVIEW_OVERRULE && !d->overrule)) {
		snprintf(other, len, "bob");
		snprintf(err, GV_ERR, "bob decided this item; %s",
			 fk.decide_answer == REVIEW_NOT_LEAD ? "only a lead may overrule"
							     : "as a lead you may overrule it");
		return fk.decide_answer;
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
	fk.undos++;
	fk.undo_item = item;
	if (fk.undo_answer) {
		snprintf(err, GV_ERR, "the latest decision is bob's, not yours");
		return fk.undo_answer;
	}
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

static int f_flag(void *ctx, int64_t item, const char *note, char *err)
{
	(void)ctx;
	fk.flags++;
	fk.last_item = item;
	snprintf(fk.last_note, sizeof fk.last_note, "%s", note ? note : "");
	if (fk.flag_answer == 1)
		snprintf(err, GV_ERR, "you flagged this item already");
	return fk.flag_answer;
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
	if (item >= 0 && item < 8)
		snprintf(fk.draft_of[item], sizeof fk.draft_of[item], "%s", text ? text : "");
	return 0;
}

/* An item's trail: a claim, a blind decision replacing bob's, a new
 * reason, a flag with hostile text in its note, an imported decision, a
 * second claim and an action the screen does not know. */
static int f_events(void *ctx, int64_t item, struct review_event **ev, size_t *n, char *err)
{
	static const char *const actions[] = {"claim", "decide", "reason", "flag",
					      "decide", "claim",  "packet-merge"};
	struct review_event *e;
	(void)ctx;
	(void)err;
	*n = GV_ARRAY_LEN(actions);
	*ev = e = xcalloc(*n, sizeof **ev);
	for (size_t i = 0; i < *n; i++) {
		e[i].seq = item * 10 + (int64_t)i;
		e[i].at = xstrdup("2024-01-01T10:02:33.120Z");
		e[i].actor = xstrdup("me");
		e[i].action = xstrdup(actions[i]);
		e[i].detail = xstrdup("{}");
		e[i].seconds = NAN;
	}
	e[1].label = xstrdup("neg");
	e[1].blind_label = xstrdup("neu");
	e[1].before_label = xstrdup("pos");
	e[1].before_expert = xstrdup("bob");
	e[1].reason = xstrdup("sarcasm");
	e[1].rule = xstrdup("R1");
	e[1].seconds = 12.4;
	e[2].label = xstrdup("neg");
	e[2].before_reason = xstrdup("sarcasm");
	e[2].before_rule = xstrdup("R1");
	e[2].reason = xstrdup("irony, really");
	e[3].reason = xstrdup("R2 vs R3 \x1b[31mred\x1b[0m");
	e[4].label = xstrdup("pos");
	e[4].origin = xstrdup("import");
	e[4].file = xstrdup("gold.csv");
	free(e[6].detail);
	e[6].detail = xstrdup("{\"from\":\"laptop\"}");
	return 0;
}

/* The fake database: every item's text says "paragraph", item 2's metadata
 * says "web", and annotator "zoe" voted on item 3. */
static int f_search(void *ctx, const int64_t *items, size_t n, const char *q, int annotators,
		    unsigned char *hits, char *err)
{
	(void)ctx;
	(void)err;
	fk.searches++;
	fk.search_annotators = annotators;
	for (size_t i = 0; i < n; i++) {
		hits[i] = 0;
		if (strcasestr("second paragraph", q))
			hits[i] |= REVIEW_HIT_TEXT;
		if (items[i] == 2 && strcasestr("{\"source\": \"web\"}", q))
			hits[i] |= REVIEW_HIT_META;
		if (items[i] == 3 && annotators && strcasestr("zoe", q))
			hits[i] |= REVIEW_HIT_ANNOTATOR;
	}
	return 0;
}

static double f_now(void *ctx)
{
	(void)ctx;
	return fk.clock;
}

static int f_queues(void *ctx, struct ui_queue_info **v, size_t *n, char *err)
{
	(void)ctx;
	(void)err;
	*v = xcalloc(2, sizeof **v);
	(*v)[0].name = xstrdup("disputed");
	(*v)[0].rule = xstrdup("disputed");
	(*v)[1].name = xstrdup("audit");
	(*v)[1].rule = xstrdup("audit");
	(*v)[1].blind = 1;
	*n = 2;
	return 0;
}

static struct review_row *make_rows(size_t n);

static int f_queue_load(void *ctx, const char *name, struct review_row **rows, size_t *n,
			int *blind, char *err)
{
	(void)ctx;
	(void)err;
	fk.queue_loads++;
	snprintf(fk.last_queue, sizeof fk.last_queue, "%s", name);
	*n = fk.queue_rows ? fk.queue_rows : strcmp(name, "audit") == 0 ? 2 : 3;
	*rows = make_rows(*n);
	*blind = strcmp(name, "audit") == 0;
	return 0;
}

/* Up to three models: m1 with three filled bins, m2 with one, m3 with no
 * decided prediction. */
static int f_calibration(void *ctx, const char *task, struct ui_calib *out, char *err)
{
	(void)ctx;
	(void)err;
	fk.calibrations++;
	snprintf(fk.last_task, sizeof fk.last_task, "%s", task);
	memset(out, 0, sizeof *out);
	out->task = xstrdup(task);
	out->q = 0.8;
	out->source = "agreement";
	out->decided = 6;
	out->nmodels = (size_t)fk.nmodels;
	out->models = xcalloc((size_t)fk.nmodels + 1, sizeof *out->models);
	for (int m = 0; m < fk.nmodels; m++) {
		struct ui_calib_model *cm = &out->models[m];
		cm->model = xstrdup(m == 0 ? "m1" : m == 1 ? "m2" : "m3");
		cm->predictions = 9;
		model_calibration_init(&cm->cal);
		if (m == 0) {
			/* 0.52 and 0.58 (one right), 0.75 (right), 0.95 x3 (two right). */
			model_calibration_add(&cm->cal, 0.52, 1);
			model_calibration_add(&cm->cal, 0.58, 0);
			model_calibration_add(&cm->cal, 0.75, 1);
			model_calibration_add(&cm->cal, 0.95, 1);
			model_calibration_add(&cm->cal, 0.95, 1);
			model_calibration_add(&cm->cal, 0.95, 0);
		} else if (m == 1) {
			model_calibration_add(&cm->cal, 0.85, 0);
		}
		model_calibration_finish(&cm->cal);
	}
	return 0;
}

/* A sync that takes as long as the test says: pending until durable_answer
 * changes; a call told to wait gets it done (or failed). */
static int f_durable(void *ctx, int wait, char *err)
{
	(void)ctx;
	fk.durable_polls++;
	if (wait) {
		fk.durable_waits++;
		if (fk.durable_answer == 0)
			fk.durable_answer = 1;
	}
	if (fk.durable_answer < 0)
		snprintf(err, GV_ERR, "syncing the write-ahead log failed: disk I/O error");
	return fk.durable_answer;
}

static const struct ui_backend fake_be = {
	.calibration = f_calibration,
	.queues = f_queues,
	.queue_load = f_queue_load,
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
	.search = f_search,
	.now = f_now,
};

static struct review_row *make_rows(size_t n)
{
	static const char *const ids[] = {"a1", "b2", "c3"};
	struct review_row *v = xcalloc(n, sizeof *v);
	for (size_t i = 0; i < n; i++)
		test_ui_row(&v[i], (int64_t)i + 1, i < 3 ? ids[i] : "zz", "sentiment",
			    i == 1 ? "neg:2 pos:1" : "neg:1 pos:2", i == 2 ? 0.1 : 1.0 / 3);
	return v;
}

static void start(struct ui_state *s, size_t n, int can_decide, int blind)
{
	memset(&fk, 0, sizeof fk);
	fk.clock = 1000;
	ui_state_init(s, &fake_be, "me", can_decide, blind, "disputed", make_rows(n), n, 80, 24);
}

static long pane_find(const struct ui_lines *l, const char *needle);

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
		assert_true(ui_actions[a].group > UI_GROUP_NONE && ui_actions[a].group < UI_NGROUPS);
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

static void test_list_moves(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 50, 1, 0);
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
	assert_true(fk.statuses >= 19);
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

/* Every message said, as headless --messages prints them. */
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
	struct ui_backend be = fake_be;
	struct ui_state s;
	(void)state;
	be.durable = f_durable;
	memset(&fk, 0, sizeof fk);
	fk.clock = 1000;
	nsaid = 0;
	ui_state_init(&s, &be, "me", 1, 0, "disputed", make_rows(3), 3, 80, 24);
	s.on_message = on_said;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, '3');
	assert_int_equal(fk.decides, 1);
	/* Committed, not yet on the disk: not "saved", and on to the next item. */
	assert_int_equal(s.msg_kind, UI_MSG_SAVING);
	assert_string_equal(s.msg, "saving: a1 = pos");
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(s.item.id, 2);
	assert_int_equal(fk.durable_waits, 0);
	assert_true(ui_update_busy(&s) >= 1);
	/* Polled between keys while the sync runs: nothing changes. */
	assert_int_equal(ui_update_idle(&s, 0) & UI_REDRAW, 0);
	assert_int_equal(s.msg_kind, UI_MSG_SAVING);
	/* The sync returns: "saved", once, and the screen rests. */
	fk.durable_answer = 1;
	assert_int_equal(ui_update_idle(&s, 0) & UI_REDRAW, UI_REDRAW);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	assert_string_equal(s.msg, "saved: a1 = pos");
	assert_int_equal(ui_update_busy(&s), 0);
	assert_int_equal(ui_update_idle(&s, 0), 0);
	for (int i = 0; i < nsaid; i++)
		if (strncmp(said[i], "saved ", 6) == 0)
			assert_string_equal(said[i], "saved saved: a1 = pos");
	/* The next one's sync fails: an error naming it, never "saved". */
	fk.durable_answer = 0;
	nsaid = 0;
	ui_update_key(&s, '1');
	assert_int_equal(s.msg_kind, UI_MSG_SAVING);
	fk.durable_answer = -1;
	ui_update_idle(&s, 0);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	assert_non_null(strstr(s.msg, "NOT saved"));
	assert_non_null(strstr(s.msg, "b2 = neg"));
	assert_non_null(strstr(s.msg, "disk I/O error"));
	for (int i = 0; i < nsaid; i++)
		assert_true(strncmp(said[i], "saved ", 6) != 0);
	assert_int_equal(ui_update_busy(&s), 0);
	/* Quit with a sync in flight: the loop's last idle waits for it. */
	fk.durable_answer = 0;
	nsaid = 0;
	ui_update_key(&s, '2');
	assert_int_equal(s.msg_kind, UI_MSG_SAVING);
	assert_int_equal(s.view, UI_QUEUE); /* the last item: back to the queue */
	assert_int_equal(ui_update_key(&s, 'q') & UI_QUIT_NOW, UI_QUIT_NOW);
	assert_int_equal(fk.durable_waits, 0);
	assert_int_equal(ui_item_idle(&s, 1) & UI_REDRAW, UI_REDRAW);
	assert_int_equal(fk.durable_waits, 1);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	assert_string_equal(said[nsaid - 1], "saved saved: c3 = neu");
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
	/* Someone else decided meanwhile: said so, nothing overwritten, on to
	 * the next open item. */
	fk.decide_answer = REVIEW_MEANWHILE;
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
	start(&s, 3, 1, 0);
	/* a1 is decided by bob between the queue's load and my claim: the
	 * screen says so and opens the next item instead. */
	fk.meanwhile_item = 1;
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(s.item.id, 2);
	assert_true(s.claimed);
	assert_non_null(strstr(s.msg, "a1 was decided by bob meanwhile"));
	/* After my decision on b2, c3 turns out decided meanwhile too. */
	fk.meanwhile_item = 3;
	ui_update_key(&s, '1');
	assert_int_equal(fk.decides, 1);
	assert_int_equal(s.view, UI_QUEUE);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	assert_non_null(strstr(s.msg, "saved: b2"));
	assert_non_null(strstr(s.msg, "c3 was decided by bob meanwhile"));
	ui_state_free(&s);

	/* bob held a1 when I opened it, then decided it: my key finds out and
	 * moves on without writing. */
	start(&s, 3, 1, 0);
	fk.claim_answer = REVIEW_HELD;
	ui_update_key(&s, UI_KEY_ENTER);
	assert_false(s.claimed);
	ui_update_key(&s, '1');
	assert_int_equal(fk.decides, 0);
	assert_int_equal(s.item.id, 1);
	fk.claim_answer = 0;
	fk.meanwhile_item = 1;
	ui_update_key(&s, '1');
	assert_int_equal(fk.decides, 0);
	assert_int_equal(s.item.id, 2);
	assert_non_null(strstr(s.msg, "a1 was decided by bob meanwhile"));
	ui_state_free(&s);
}

static void test_overrule(void **state)
{
	struct ui_state s;
	(void)state;
	/* A lead overrules bob's decision by choosing the same label twice. */
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	fk.decide_answer = REVIEW_OVERRULE;
	ui_update_key(&s, '2');
	assert_int_equal(fk.decides, 1);
	assert_false(fk.last.overrule);
	assert_int_equal(s.item.id, 1);
	assert_non_null(strstr(s.msg, "press the same label again"));
	ui_update_key(&s, '3');
	assert_int_equal(fk.decides, 2);
	assert_false(fk.last.overrule);
	assert_int_equal(s.item.id, 1);
	ui_update_key(&s, '3');
	assert_int_equal(fk.decides, 3);
	assert_true(fk.last.overrule);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	assert_int_equal(s.item.id, 2);
	ui_state_free(&s);

	/* An expert who is not a lead is told the rule and stays. */
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	fk.decide_answer = REVIEW_NOT_LEAD;
	ui_update_key(&s, '2');
	ui_update_key(&s, '2');
	assert_int_equal(fk.decides, 2);
	assert_false(fk.last.overrule);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	assert_non_null(strstr(s.msg, "only a lead"));
	assert_int_equal(s.item.id, 1);
	ui_state_free(&s);
}

static void pane_line(const struct ui_lines *l, size_t i, char *buf, size_t len);

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
	start(&s, 3, 1, 0);
	fk.conflict_item = 1;
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.item.id, 1);
	/* 80 columns: a title, then each decision on its line with its reason
	 * under it, above the votes; hostile text shown as tokens. */
	ui_item_pane(&s, 'a', 80, &l);
	assert_int_equal(pane_find(&l, "Conflict: a lead's decision settles both"), 0);
	here = pane_find(&l, "here ");
	pk = pane_find(&l, "packet ");
	assert_int_equal(here, 1);
	assert_int_equal(pk, 3);
	pane_line(&l, (size_t)here, buf, sizeof buf);
	assert_non_null(strstr(buf, "201 lee 2026-12-03 05:00 neg blind - rule R1"));
	pane_line(&l, (size_t)pk, buf, sizeof buf);
	assert_non_null(strstr(buf, "202 alice^[]0;x^G 2026-12-03 04:00 pos blind neu rule -"));
	pane_line(&l, (size_t)here + 1, buf, sizeof buf);
	assert_non_null(strstr(buf, "reason here ^[[31mred^[[0m"));
	pane_line(&l, (size_t)pk + 1, buf, sizeof buf);
	assert_non_null(strstr(buf, "offline <RLO>reversed"));
	assert_true(pane_find(&l, "Votes") > pk);
	assert_true(pane_clean(&l));
	ui_lines_free(&l);
	/* From 100 columns: side by side, one field a row. */
	ui_update_resize(&s, 132, 43);
	ui_item_pane(&s, 'a', 64, &l);
	assert_int_equal(pane_find(&l, "here: decision 201"), 1);
	assert_int_equal(pane_find(&l, "packet: decision 202"), 1);
	who = pane_find(&l, "who");
	assert_int_equal(who, 2);
	pane_line(&l, (size_t)who, buf, sizeof buf);
	assert_non_null(strstr(buf, "lee"));
	assert_non_null(strstr(buf, "alice^[]0;x^G"));
	pane_line(&l, (size_t)pane_find(&l, "blind call"), buf, sizeof buf);
	assert_non_null(strstr(buf, "neu"));
	assert_true(pane_clean(&l));
	ui_lines_free(&l);
	/* A lead settles it with a decision (asked twice: it overrules). */
	fk.decide_answer = REVIEW_OVERRULE;
	ui_update_key(&s, '1');
	assert_false(fk.last.overrule);
	ui_update_key(&s, '1');
	assert_int_equal(fk.decides, 2);
	assert_true(fk.last.overrule);
	assert_int_equal(fk.last.item, 1);
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	ui_state_free(&s);

	/* No conflict: no block. */
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_pane(&s, 'a', 80, &l);
	assert_int_equal(pane_find(&l, "Conflict"), -1);
	ui_lines_free(&l);
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
	test_ui_keys(&s, "1rsfu");
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
	fk.rich = 1;
	fk.nrules = 2;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	assert_int_equal(s.input, UI_INPUT_REASON);
	/* While typing, keys are text: '1' does not decide. */
	test_ui_keys(&s, "#R2 sarcasm1x");
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

/* #R99 is refused in the editor, which stays open and lists the rules; the
 * guideline's spelling is stored; a draft citing a missing rule cannot be
 * decided with; without a guideline no rule can be cited. */
static void test_reason_unknown_rule(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	fk.rich = 1;
	fk.nrules = 3;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	test_ui_keys(&s, "#R99 no such rule");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.input, UI_INPUT_REASON);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	assert_non_null(strstr(s.msg, "no rule R99 in guideline 7; its rules: R1, R2, R3"));
	assert_null(s.pending_reason);
	assert_int_equal(fk.drafts, 0);
	ui_update_key(&s, UI_KEY_CTRL('u'));
	test_ui_keys(&s, "#r2 fine");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.input, UI_INPUT_NONE);
	ui_update_key(&s, '1');
	assert_int_equal(fk.decides, 1);
	assert_string_equal(fk.last_rule, "R2");
	assert_string_equal(fk.last_reason, "fine");

	/* A draft from before (a hang-up) that cites a rule the guideline lacks. */
	snprintf(fk.draft_of[3], sizeof fk.draft_of[3], "#R7 from before");
	ui_update_key(&s, 'n');
	assert_int_equal(s.item.id, 3);
	assert_string_equal(s.pending_reason, "#R7 from before");
	ui_update_key(&s, '2');
	assert_int_equal(fk.decides, 1);
	assert_non_null(strstr(s.msg, "no rule R7"));
	ui_state_free(&s);

	/* No guideline: nothing to cite. */
	start(&s, 3, 1, 0);
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
	start(&s, 3, 1, 0);
	fk.decided[1] = 11; /* already mine: neg */
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	test_ui_keys(&s, "clearer now");
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

/* A lead overruled my decision on a1 meanwhile: u refuses, says that nothing
 * was undone and where, and the queue row shows the other decision. */
static void test_undo_refused(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, '1');
	assert_int_equal(s.item.id, 2);
	fk.decided[1] = -1;
	fk.undo_answer = 1;
	ui_update_key(&s, 'u');
	assert_int_equal(fk.undos, 1);
	assert_int_equal(fk.undo_item, 1);
	assert_int_equal(s.msg_kind, UI_MSG_ERROR);
	assert_string_equal(s.msg,
			    "nothing was undone on a1: the latest decision is bob's, not yours");
	assert_int_equal(s.view, UI_ITEM);
	assert_int_equal(s.item.id, 2);
	assert_int_equal(s.qrows[0].status, REVIEW_OTHER);
	ui_state_free(&s);
}

static void test_skip_flag_history(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'f');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(fk.flags, 1);
	assert_int_equal(s.item.id, 1);
	ui_update_key(&s, 's');
	assert_int_equal(fk.skips, 1);
	assert_int_equal(fk.last_item, 1);
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
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'f');
	assert_int_equal(s.input, UI_INPUT_FLAG);
	ui_update_key(&s, UI_KEY_ESC);
	assert_int_equal(fk.flags, 0);
	ui_update_key(&s, 'f');
	test_ui_keys(&s, "R2 and R3 disagree");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(fk.flags, 1);
	assert_string_equal(fk.last_note, "R2 and R3 disagree");
	assert_int_equal(s.msg_kind, UI_MSG_SAVED);
	assert_string_equal(s.item.my_flag, "R2 and R3 disagree");
	assert_int_equal(s.qrows[0].flags, 1);
	ui_update_key(&s, 'f');
	assert_int_equal(s.input, UI_INPUT_NONE);
	assert_int_equal(fk.flags, 1);
	assert_non_null(strstr(s.msg, "flagged this item already: R2 and R3 disagree"));
	/* Another session flagged it meanwhile: the database says no. */
	ui_update_key(&s, 'n');
	fk.flag_answer = 1;
	ui_update_key(&s, 'f');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(fk.flags, 2);
	assert_int_equal(s.qrows[1].flags, 0);
	assert_non_null(strstr(s.msg, "already"));
	ui_state_free(&s);

	/* Viewers cannot flag. */
	start(&s, 3, 0, 0);
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
	start(&s, 3, 1, 0);
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

/* A message belongs to its screen: changing views clears it, unless the
 * action that changed the view said something. */
static void test_message_clears_on_view_change(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
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

/* / finds item text, metadata and annotator names through the database,
 * once per search string; n/N repeat; an empty / repeats the last search. */
static void test_search_text_meta_annotators(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	ui_update_key(&s, '/');
	test_ui_keys(&s, "ZOE");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.qlist.cur, 2);
	assert_true(fk.search_annotators);
	assert_non_null(strstr(s.msg, "match 1 of 1 (annotator names)"));
	ui_update_key(&s, '/');
	test_ui_keys(&s, "web");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.qlist.cur, 1);
	assert_non_null(strstr(s.msg, "(metadata)"));
	assert_int_equal(fk.searches, 2);
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
	assert_int_equal(fk.searches, 3); /* n and N ask nothing new */
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
	start(&s, 1000, 1, 0);
	ui_update_key(&s, '/');
	test_ui_keys(&s, "ZOE");
	ui_update_key(&s, UI_KEY_ENTER);
	/* Found in the first 250 rows after the cursor, counted later. */
	assert_int_equal(s.qlist.cur, 2);
	assert_int_equal(fk.searches, 1);
	assert_non_null(strstr(s.msg, "match (annotator names), counting the others"));
	assert_true(ui_update_busy(&s) > 0);
	assert_int_equal(ui_update_idle(&s, 0), 0);
	assert_int_equal(fk.searches, 2);
	assert_int_equal(ui_update_idle(&s, 1), UI_REDRAW);
	assert_int_equal(fk.searches, 4);
	assert_non_null(strstr(s.msg, "match 1 of 1 (annotator names)"));
	assert_false(ui_update_busy(&s));

	/* Nothing in the first 250: the key says so and the rest goes on. */
	ui_update_key(&s, '/');
	test_ui_keys(&s, "nowhere");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(fk.searches, 5);
	assert_non_null(strstr(s.msg, "searching..."));
	ui_update_key(&s, 'j'); /* another key: the search is dropped */
	assert_int_equal(ui_update_idle(&s, 1), 0);
	assert_int_equal(fk.searches, 5);
	ui_update_key(&s, 'n');
	assert_int_equal(ui_update_idle(&s, 1), UI_REDRAW);
	assert_non_null(strstr(s.msg, "not found: nowhere"));
	/* 250 asked by the Enter, 250 by n, the last 500 between keys */
	assert_int_equal(fk.searches, 8);
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
	start(&s, 3, 1, 1);
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
	assert_false(fk.search_annotators);
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
	fk.decided[1] = -11;
	fk.rich = 1;
	ui_update_key(&s, 'g');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_false(ui_item_revealed(&s));
	assert_non_null(strstr(s.msg, "bob"));
	assert_null(strstr(s.msg, "neg"));
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_int_equal(pane_find(&l, "alice"), -1);
	assert_int_equal(pane_find(&l, "majority"), -1);
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

/* The label-issues suggestion sits in the model panel with the model and
 * import it comes from; blind, it waits for the call with the rest. */
static void test_suggestion_in_model_panel(void **state)
{
	struct ui_state s;
	struct ui_item_geom g;
	struct ui_lines l;
	(void)state;
	for (int blind = 0; blind < 2; blind++) {
		start(&s, 3, 1, blind);
		fk.rich = 1;
		s.qrows[0].suggested = xstrdup("neu");
		s.qrows[0].margin = 0.74;
		s.qrows[0].evidence = xstrdup("suggested by model m1 (import event 4, p.csv)");
		ui_update_key(&s, UI_KEY_ENTER);
		ui_item_geom(&s, &g);
		ui_item_pane(&s, 'a', g.a_w, &l);
		if (blind) {
			assert_int_equal(pane_find(&l, "likely"), -1);
			assert_int_equal(pane_find(&l, "suggested by"), -1);
			ui_lines_free(&l);
			ui_update_key(&s, '2');
			assert_true(ui_item_revealed(&s));
			ui_item_pane(&s, 'a', g.a_w, &l);
		}
		/* Beside the votes, under the model's own line. */
		assert_int_equal(pane_find(&l, "likely neu, margin 0.74"), pane_find(&l, "m1") + 1);
		assert_true(pane_find(&l, "suggested by model m1") >= 0);
		ui_lines_free(&l);
		ui_state_free(&s);
	}
	/* A row of another queue has no suggestion line. */
	start(&s, 3, 1, 0);
	fk.rich = 1;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_int_equal(pane_find(&l, "likely"), -1);
	ui_lines_free(&l);
	ui_state_free(&s);
}

/* The text of history line i, spans joined by their columns. */
static void hist_text(const struct ui_lines *l, size_t i, char *buf, size_t len)
{
	memset(buf, ' ', len - 1);
	buf[len - 1] = 0;
	for (size_t k = 0; k < l->v[i].n; k++) {
		const struct ui_span *sp = &l->v[i].sp[k];
		size_t n = strlen(sp->text);
		if ((size_t)sp->x + n < len - 1)
			memcpy(buf + sp->x, sp->text, n);
	}
	for (size_t n = strlen(buf); n && buf[n - 1] == ' '; n--)
		buf[n - 1] = 0;
}

static long hist_find(const struct ui_lines *l, const char *what)
{
	char buf[512];
	for (size_t i = 0; i < l->n; i++) {
		hist_text(l, i, buf, sizeof buf);
		if (strstr(buf, what))
			return (long)i;
	}
	return -1;
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
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'h');
	assert_int_equal(s.view, UI_HISTORY);
	assert_int_equal(ui_history_folded(&s), 2);
	ui_history_lines(&s, 79, &l);
	assert_int_equal(s.hlist.n, l.n);
	/* At 80 columns the long ones wrap inside the "what" column. */
	at = hist_find(&l, "decided neg (blind call: neu), replacing bob's");
	assert_true(at >= 0);
	hist_text(&l, (size_t)at + 1, buf, sizeof buf);
	assert_string_equal(buf + UI_HISTORY_WHAT_X, "pos in 12 s");
	for (size_t i = 0; i < l.n; i++)
		for (size_t k = 0; k < l.v[i].n; k++)
			assert_true(l.v[i].sp[k].x + (int)text_width(l.v[i].sp[k].text) <= 79);
	ui_lines_free(&l);
	ui_history_lines(&s, 131, &l);
	at = hist_find(&l, "decided neg (blind call: neu), replacing bob's pos in 12 s");
	assert_true(at >= 0);
	hist_text(&l, (size_t)at, buf, sizeof buf);
	assert_true(strncmp(buf, "2024-01-01 10:02:33  me", 23) == 0);
	assert_int_equal(hist_find(&l, "why: rule R1, sarcasm"), at + 1);
	assert_true(hist_find(&l, "gave the decision neg a new reason (was: #R1 sarcasm)") >= 0);
	assert_true(hist_find(&l, "why: irony, really") >= 0);
	assert_true(hist_find(&l, "flagged the guideline as unclear") >= 0);
	assert_true(hist_find(&l, "note: R2 vs R3 ^[[31mred^[[0m") >= 0);
	assert_true(hist_find(&l, "decided pos, imported from gold.csv") >= 0);
	assert_true(hist_find(&l, "packet-merge {\"from\":\"laptop\"}") >= 0);
	assert_int_equal(hist_find(&l, "opened it"), -1);
	assert_int_equal(hist_find(&l, "{}"), -1);
	for (size_t i = 0; i < l.n; i++)
		for (size_t k = 0; k < l.v[i].n; k++)
			assert_null(strchr(l.v[i].sp[k].text, 0x1b));
	ui_lines_free(&l);
	/* c shows the claims, and folds them again. */
	ui_update_key(&s, 'c');
	assert_int_equal(ui_history_folded(&s), 0);
	ui_history_lines(&s, 79, &l);
	assert_int_equal(hist_find(&l, "opened it (claim)"), 0);
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

static void test_search_sort_filter(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
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
	test_ui_keys(&s, "half a thought");
	ui_update_tick(&s);
	assert_int_equal(fk.drafts, 0);
	fk.clock += UI_DRAFT_SECONDS;
	ui_update_tick(&s);
	assert_int_equal(fk.drafts, 1);
	assert_string_equal(fk.last_draft, "half a thought");
	ui_update_tick(&s);
	assert_int_equal(fk.drafts, 1); /* nothing new to save */
	test_ui_keys(&s, " more");
	ui_update_hangup(&s);
	assert_int_equal(fk.drafts, 2);
	assert_string_equal(fk.last_draft, "half a thought more");
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
	start(&s, 3, 1, 0);
	ui_update_key(&s, UI_KEY_ENTER);
	ui_update_key(&s, 'r');
	test_ui_keys(&s, "WRONG ITEM REASON");
	fk.clock += UI_DRAFT_SECONDS;
	ui_update_tick(&s);
	assert_string_equal(fk.draft_of[1], "WRONG ITEM REASON");
	ui_update_key(&s, UI_KEY_ESC);
	assert_int_equal(s.input, UI_INPUT_NONE);
	assert_string_equal(fk.draft_of[1], "");
	assert_null(s.pending_reason);
	assert_non_null(strstr(s.msg, "cancelled"));
	ui_update_key(&s, 'q');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.item.id, 1);
	assert_null(s.pending_reason);
	assert_null(strstr(s.msg, "draft"));
	ui_update_key(&s, '1');
	assert_int_equal(fk.decides, 1);
	assert_string_equal(fk.last_reason, "");
	assert_string_equal(fk.last_rule, "");

	/* Without an autosave Esc writes nothing at all. */
	fk.drafts = 0;
	ui_update_key(&s, 'r');
	test_ui_keys(&s, "never mind");
	ui_update_key(&s, UI_KEY_ESC);
	assert_int_equal(fk.drafts, 0);
	assert_null(s.pending_reason);

	/* A reason kept with Enter survives an edit that is cancelled. */
	ui_update_key(&s, 'r');
	test_ui_keys(&s, "kept");
	ui_update_key(&s, UI_KEY_ENTER);
	assert_string_equal(s.pending_reason, "kept");
	assert_string_equal(fk.draft_of[2], "kept");
	ui_update_key(&s, 'r');
	test_ui_keys(&s, " and then some");
	fk.clock += UI_DRAFT_SECONDS;
	ui_update_tick(&s);
	assert_string_equal(fk.draft_of[2], "kept and then some");
	ui_update_key(&s, UI_KEY_ESC);
	assert_string_equal(fk.draft_of[2], "kept");
	assert_string_equal(s.pending_reason, "kept");
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

/* The text of pane line i, spans joined with single spaces. */
static void pane_line(const struct ui_lines *l, size_t i, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = 0;
	for (size_t k = 0; i < l->n && k < l->v[i].n; k++)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 k ? " " : "", l->v[i].sp[k].text);
}

/* Index of the first pane line containing needle, or -1. */
static long pane_find(const struct ui_lines *l, const char *needle)
{
	char buf[1024];
	for (size_t i = 0; i < l->n; i++) {
		pane_line(l, i, buf, sizeof buf);
		if (strstr(buf, needle))
			return (long)i;
	}
	return -1;
}

static long pane_count(const struct ui_lines *l, const char *needle)
{
	char buf[1024];
	long n = 0;
	for (size_t i = 0; i < l->n; i++) {
		pane_line(l, i, buf, sizeof buf);
		n += strstr(buf, needle) != NULL;
	}
	return n;
}

static void test_item_layout(void **state)
{
	struct ui_state s;
	struct ui_item_geom g;
	struct ui_lines l;
	(void)state;
	start(&s, 3, 1, 0);
	fk.rich = 1;
	fk.nrules = 4;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_geom(&s, &g);
	/* 80x24: text on top, one pane below, no right-hand pane. */
	assert_int_equal(g.b_h, 0);
	assert_int_equal(g.text_h, 5);
	assert_int_equal(g.a_y + g.a_h, 21);
	ui_item_pane(&s, 'a', g.a_w, &l);
	/* Votes, with a strict majority beside the summary. */
	assert_true(pane_find(&l, "majority said neg") >= 0);
	assert_true(pane_find(&l, "neg:1 pos:2") >= 0);
	assert_true(pane_find(&l, "3/4  75%") >= 0);
	/* The model: stated, effective (0.6 x q 0.5), entropy and q's source. */
	assert_true(pane_find(&l, "stated 0.60") >= 0);
	assert_true(pane_find(&l, "effective 0.30") >= 0);
	assert_true(pane_find(&l, "entropy 0.80") >= 0);
	assert_true(pane_find(&l, "q 0.50 agreement") >= 0);
	/* Votes and model share rows: the model's first line is the votes' first. */
	assert_int_equal(pane_find(&l, "m1"), pane_find(&l, "Votes 3"));
	/* Every label in play (neg, pos voted; neg, neu the model's top two) has
	 * its definition; each rule about them shows once. */
	assert_true(pane_find(&l, "definition of neg") >= 0);
	assert_true(pane_find(&l, "definition of neu") >= 0);
	assert_true(pane_find(&l, "definition of pos") >= 0);
	assert_int_equal(pane_count(&l, "rule 2 text"), 1);
	assert_int_equal(pane_count(&l, "rule 1 text"), 1);
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
	assert_int_equal(pane_find(&l, "definition of"), -1);
	assert_true(pane_find(&l, "majority said neg") >= 0);
	ui_lines_free(&l);
	ui_item_pane(&s, 'b', g.b_w, &l);
	assert_true(pane_find(&l, "rule 2 text") >= 0);
	assert_true(pane_find(&l, "R2 rule 2 text [neg, pos]") >= 0);
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
	start(&s, 3, 1, 0);
	fk.rich = 1;
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
	assert_true(pane_find(&l, "no majority") >= 0);
	assert_int_equal(pane_find(&l, "majority said"), -1);
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
	start(&s, 3, 1, 0);
	fk.rich = 1;
	fk.long_defs = 1;
	fk.nrules = 1;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	/* 80x24: the rows left under votes and model are just enough for the
	 * definitions in full. */
	assert_true(l.n <= (size_t)g.a_h);
	assert_true(pane_find(&l, "END-neg") > pane_find(&l, "definition of neg"));
	assert_true(pane_find(&l, "END-pos") >= 0);
	assert_int_equal(pane_find(&l, "e.g."), -1);
	ui_lines_free(&l);
	/* Six rows more: an example for each label, the first under its definition. */
	ui_update_resize(&s, 80, 30);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_true(l.n <= (size_t)g.a_h);
	assert_int_equal(pane_find(&l, "e.g. \"example 1 of neg\""), pane_find(&l, "END-neg") + 1);
	assert_true(pane_find(&l, "e.g. \"example 1 of neu\"") >= 0);
	assert_true(pane_find(&l, "e.g. \"example 1 of pos\"") >= 0);
	for (size_t i = 0; i < l.n; i++)
		for (size_t k = 0; k < l.v[i].n; k++)
			assert_true(l.v[i].sp[k].x + (int)text_width(l.v[i].sp[k].text) <= g.a_w);
	ui_lines_free(&l);

	/* The wide layout's own guideline pane: every example and counterexample. */
	ui_update_resize(&s, 132, 43);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'b', g.b_w, &l);
	assert_true(l.n <= (size_t)g.b_h);
	assert_true(pane_find(&l, "e.g. \"example 2 of pos\"") >= 0);
	assert_true(pane_find(&l, "not: \"counterexample of neu\"") >= 0);
	ui_lines_free(&l);
	ui_update_resize(&s, 80, 24);
	ui_state_free(&s);

	/* No spare rows: one cut line each, no examples, and the pane scrolls. */
	start(&s, 3, 1, 0);
	fk.rich = 1;
	fk.long_defs = 1;
	fk.nrules = 12;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_true(l.n > (size_t)g.a_h);
	assert_int_equal(pane_find(&l, "e.g."), -1);
	assert_int_equal(pane_find(&l, "definition of neg") + 1, pane_find(&l, "definition of neu"));
	assert_int_equal(pane_find(&l, "definition of neu") + 1, pane_find(&l, "definition of pos"));
	{
		/* The one line holds the whole definition in a span narrower than
		 * it: drawing cuts it with an ellipsis. */
		const struct ui_line *ln = &l.v[pane_find(&l, "definition of neg")];
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
	start(&s, 3, 1, 0);
	fk.rich = 1;
	fk.nrules = 20;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_true(l.n > (size_t)g.a_h);
	/* The last row holds the position note, so one row fewer shows. */
	max = l.n - ((size_t)g.a_h - 1);
	assert_int_equal(ui_pane_rows(l.n, (size_t)g.a_h), (size_t)g.a_h - 1);
	assert_true(pane_find(&l, "rule 20 text") >= (long)g.a_h);
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

/* A count of one reads in the singular. */
static void test_one_item(void **state)
{
	struct ui_state s;
	(void)state;
	start(&s, 3, 1, 0);
	fk.queue_rows = 1;
	ui_update_key(&s, 'Q');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.nq, 1);
	assert_string_equal(s.msg, "queue disputed: 1 item");
	ui_state_free(&s);
}

static void test_queue_picker(void **state)
{
	struct ui_state s;
	struct ui_item_geom g;
	struct ui_lines l;
	int arg;
	(void)state;
	start(&s, 3, 1, 0);
	assert_int_equal(ui_key_action(&s, 'Q', &arg), ACT_QUEUES);
	ui_update_key(&s, UI_KEY_ENTER);
	/* From an item: the item is closed (claim released) and the picker opens. */
	ui_update_key(&s, 'Q');
	assert_int_equal(s.view, UI_PICKER);
	assert_false(s.has_item);
	assert_int_equal(fk.releases, 1);
	assert_int_equal(s.nqueues, 2);
	assert_int_equal(s.plist.cur, 0); /* on the current queue */
	/* q leaves the picker without switching. */
	ui_update_key(&s, 'q');
	assert_int_equal(s.view, UI_QUEUE);
	assert_int_equal(fk.queue_loads, 0);
	/* Sorted by agreement here; the blind queue must not keep that order. */
	ui_update_key(&s, 'o');
	assert_int_equal(s.sort, UI_SORT_AGREEMENT);
	ui_update_key(&s, 'Q');
	ui_update_key(&s, 'j');
	ui_update_key(&s, UI_KEY_ENTER);
	assert_int_equal(s.sort, UI_SORT_QUEUE);
	assert_int_equal(fk.queue_loads, 1);
	assert_string_equal(fk.last_queue, "audit");
	assert_string_equal(s.queue, "audit");
	assert_int_equal(s.view, UI_QUEUE);
	assert_int_equal(s.nq, 2);
	assert_int_equal(s.qlist.n, 2);
	assert_string_equal(s.msg, "queue audit: 2 items, shown blind");
	/* The audit queue is blind: votes and model hidden until the call. */
	assert_true(s.blind);
	fk.rich = 1;
	ui_update_key(&s, UI_KEY_ENTER);
	ui_item_geom(&s, &g);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_true(pane_find(&l, "hidden") >= 0);
	assert_int_equal(pane_find(&l, "alice"), -1);
	assert_int_equal(pane_find(&l, "stated"), -1);
	assert_int_equal(pane_find(&l, "majority"), -1);
	/* Blind, the guideline shows every label, not only those in play. */
	assert_true(pane_find(&l, "definition of neu") >= 0);
	ui_lines_free(&l);
	ui_update_key(&s, '1');
	assert_int_equal(fk.decides, 0);
	ui_item_pane(&s, 'a', g.a_w, &l);
	assert_true(pane_find(&l, "alice") >= 0);
	assert_true(pane_find(&l, "effective 0.30") >= 0);
	ui_lines_free(&l);
	ui_update_key(&s, '1');
	assert_int_equal(fk.decides, 1);
	assert_int_equal(fk.last.blind_code, 10);
	assert_string_equal(fk.last.queue, "audit");
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

/* The text of line i of the calibration view, spans joined by their x. */
static void calib_text(const struct ui_lines *l, size_t i, char *buf, size_t len)
{
	memset(buf, ' ', len - 1);
	buf[len - 1] = 0;
	for (size_t k = 0; k < l->v[i].n; k++) {
		const struct ui_span *sp = &l->v[i].sp[k];
		size_t n = strlen(sp->text);
		if ((size_t)sp->x + n < len - 1)
			memcpy(buf + sp->x, sp->text, n);
	}
}

static int calib_find(const struct ui_lines *l, const char *what)
{
	char buf[1024];
	for (size_t i = 0; i < l->n; i++) {
		calib_text(l, i, buf, sizeof buf);
		if (strstr(buf, what))
			return (int)i;
	}
	return -1;
}

static void test_calibration(void **state)
{
	struct ui_state s;
	struct ui_lines l;
	char buf[1024];
	int at;
	(void)state;
	start(&s, 3, 1, 0);
	fk.nmodels = 3;
	/* From the queue: the task of the row under the cursor. */
	assert_int_equal(ui_key_action(&s, 'c', &at), ACT_CALIBRATION);
	ui_update_key(&s, 'c');
	assert_int_equal(s.view, UI_CALIB);
	assert_int_equal(fk.calibrations, 1);
	assert_string_equal(fk.last_task, "sentiment");
	/* 132x43: all ten bins of both models. */
	ui_calib_lines(&s, 132, 39, &l);
	assert_true(calib_find(&l, "model m1") >= 0);
	assert_true(calib_find(&l, "ECE ") >= 0);
	/* ECE = (2|0.5-0.55| + 1|1-0.75| + 3|2/3-0.95|) / 6 = (0.1 + 0.25 + 0.85) / 6
	 * = 0.200 */
	assert_true(calib_find(&l, "ECE 0.200 over 6 decided items (9 predicted)") >= 0);
	assert_true(calib_find(&l, "m2  ECE 0.850 over 1 decided item (9 predicted)") >= 0);
	assert_true(calib_find(&l, "m3  ECE -: no decided item") >= 0);
	at = calib_find(&l, "0.5-0.6");
	assert_true(at >= 0);
	calib_text(&l, (size_t)at, buf, sizeof buf);
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
	at = calib_find(&l, "0.0-0.1");
	assert_true(at >= 0);
	calib_text(&l, (size_t)at, buf, sizeof buf);
	assert_non_null(strstr(buf, "    0      -     -      -"));
	assert_true(l.n <= 39);
	ui_lines_free(&l);
	/* 80x24: too many lines for 20 rows, so the empty bins are left out. */
	ui_calib_lines(&s, 80, 20, &l);
	assert_true(l.n <= 20);
	assert_int_equal(calib_find(&l, "0.0-0.1"), -1);
	assert_true(calib_find(&l, "0.9-1.0") >= 0);
	assert_true(calib_find(&l, "empty bins left out") >= 0);
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
	assert_int_equal(fk.calibrations, 2);
	ui_update_key(&s, 'j');
	ui_update_key(&s, UI_KEY_ESC);
	assert_int_equal(s.view, UI_ITEM);
	assert_true(s.has_item);
	assert_int_equal(fk.releases, 0);
	/* A task without predictions. */
	fk.nmodels = 0;
	ui_update_key(&s, 'c');
	ui_calib_lines(&s, 80, 20, &l);
	assert_true(calib_find(&l, "no model predictions") >= 0);
	ui_lines_free(&l);
	ui_update_key(&s, 'q');
	ui_state_free(&s);

	/* Without the callback the view says so and stays put. */
	{
		struct ui_backend be = fake_be;
		be.calibration = NULL;
		memset(&fk, 0, sizeof fk);
		ui_state_init(&s, &be, "me", 1, 0, "disputed", make_rows(2), 2, 80, 24);
		ui_update_key(&s, 'c');
		assert_int_equal(s.view, UI_QUEUE);
		assert_non_null(strstr(s.msg, "not available"));
		ui_state_free(&s);
	}
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
	assert_int_equal(keymap_parse(&km, "keys:\n  decide: [a, b, c, d, e, f, g, h, i, j]\n",
					err), -1);
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
	start(&s, 3, 1, 0);
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
	assert_int_equal(fk.decides, 1);
	assert_int_equal(fk.last.label_code, 12);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bindings),
		cmocka_unit_test(test_list_moves),
		cmocka_unit_test(test_open_back_claims),
		cmocka_unit_test(test_decide_moves_on),
		cmocka_unit_test(test_decide_failures),
		cmocka_unit_test(test_saving),
		cmocka_unit_test(test_decided_meanwhile_moves_on),
		cmocka_unit_test(test_overrule),
		cmocka_unit_test(test_conflict),
		cmocka_unit_test(test_claimed_by_other_and_viewer),
		cmocka_unit_test(test_blind),
		cmocka_unit_test(test_reason_then_decide),
		cmocka_unit_test(test_reason_unknown_rule),
		cmocka_unit_test(test_reason_after_decision),
		cmocka_unit_test(test_undo_goes_back),
		cmocka_unit_test(test_undo_refused),
		cmocka_unit_test(test_skip_flag_history),
		cmocka_unit_test(test_flag_once_with_note),
		cmocka_unit_test(test_entry_keys),
		cmocka_unit_test(test_message_clears_on_view_change),
		cmocka_unit_test(test_search_sort_filter),
		cmocka_unit_test(test_search_text_meta_annotators),
		cmocka_unit_test(test_search_goes_on_between_keys),
		cmocka_unit_test(test_history_readable),
		cmocka_unit_test(test_blind_hides_everywhere),
		cmocka_unit_test(test_suggestion_in_model_panel),
		cmocka_unit_test(test_drafts_tick_and_hangup),
		cmocka_unit_test(test_cancelled_reason_not_kept),
		cmocka_unit_test(test_claim_renewal),
		cmocka_unit_test(test_resize_and_scroll),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_help_from_tables),
		cmocka_unit_test(test_item_layout),
		cmocka_unit_test(test_majority),
		cmocka_unit_test(test_guide_uses_spare_rows),
		cmocka_unit_test(test_pane_scroll),
		cmocka_unit_test(test_queue_picker),
		cmocka_unit_test(test_one_item),
		cmocka_unit_test(test_calibration),
		cmocka_unit_test(test_keymap),
		cmocka_unit_test(test_keymap_path),
	};
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
