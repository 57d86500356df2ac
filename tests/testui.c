/*
 * testui: shared helpers of the review screen's state tests (see testui.h).
 */
#include "config.h"

#include "testui.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void test_ui_keys(struct ui_state *s, const char *keys)
{
	for (const char *k = keys; *k; k++)
		ui_update_key(s, *k == '\n' ? UI_KEY_ENTER : (unsigned char)*k);
}

void test_ui_row(struct review_row *r, int64_t item, const char *external_id, const char *task,
		 const char *votes, double agreement)
{
	r->item = item;
	r->external_id = xstrdup(external_id);
	r->task = xstrdup(task);
	r->votes = xstrdup(votes);
	r->agreement = agreement;
	r->model_conf = NAN;
	r->reason = xstrdup("not unanimous");
}

int test_ui_open_status(void *ctx, struct review_row *r, char *err)
{
	(void)ctx;
	(void)err;
	r->status = REVIEW_OPEN;
	return 0;
}

int test_ui_claim_ok(void *ctx, int64_t item, int64_t seen, char *holder, size_t len, char *err)
{
	(void)ctx;
	(void)item;
	(void)seen;
	(void)holder;
	(void)len;
	(void)err;
	return 0;
}

int test_ui_release_ok(void *ctx, int64_t item, char *err)
{
	(void)ctx;
	(void)item;
	(void)err;
	return 0;
}

double test_ui_now(void *ctx)
{
	(void)ctx;
	return 1000;
}

void test_ui_task(struct store_task *t, int64_t id, const char *name, const char *const values[3])
{
	t->id = id;
	t->name = xstrdup(name);
	t->nlabels = 3;
	t->labels = xcalloc(3, sizeof *t->labels);
	for (int i = 0; i < 3; i++) {
		t->labels[i].code = 10 + i;
		t->labels[i].value = xstrdup(values[i]);
		t->labels[i].name = xstrdup(values[i]);
		t->labels[i].ord = i;
	}
}

struct test_ui_fake test_fk;

/* Fill decision d of an item's history: its id, expert, label, reason and
 * time. */
static void decision(struct review_decision *d, int64_t id, const char *expert, const char *label,
		     const char *reason, const char *at)
{
	d->id = id;
	d->expert = xstrdup(expert);
	d->label = xstrdup(label);
	d->reason = xstrdup(reason);
	d->at = xstrdup(at);
}

static int f_load(void *ctx, int64_t item, struct review_item *it, struct guide *g, int *has_guide,
		  char *err)
{
	static const char *const values[] = {"neg", "neu", "pos"};
	(void)ctx;
	(void)g;
	(void)err;
	test_fk.loads++;
	memset(it, 0, sizeof *it);
	it->id = item;
	it->external_id = xstrdup(item == 1 ? "a1" : item == 2 ? "b2" : "c3");
	it->text =
		xstrdup("one two three four five six seven eight nine ten eleven twelve "
			"thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty "
			"and a good deal more text so that it wraps onto several lines at eighty "
			"columns wide, which is what the scroll test needs to see happen here.\n"
			"second paragraph\nthird\nfourth\nfifth\nsixth");
	test_ui_task(&it->task, 1, "sentiment", values);
	it->task.labels[2].key = xstrdup("P");
	it->vote_summary = xstrdup("neg:1 pos:2");
	it->agreement = 1.0 / 3;
	if (test_fk.decided[item]) {
		it->history = xcalloc(1, sizeof *it->history);
		it->nhistory = 1;
		it->history[0].id = 100 + item;
		it->history[0].expert = xstrdup(test_fk.decided[item] > 0 ? "me" : "bob");
		it->history[0].label = xstrdup(values[abs((int)test_fk.decided[item]) - 11]);
		it->current = 100 + item;
	}
	if (test_fk.conflict_item == item) {
		/* Two decisions in conflict, each with hostile text. */
		free(it->history);
		it->history = xcalloc(2, sizeof *it->history);
		it->nhistory = 2;
		decision(&it->history[0], 201, "lee", "neg", "here \033[31mred\033[0m",
			 "2026-12-03T05:00:00Z");
		it->history[0].rule = xstrdup("R1");
		decision(&it->history[1], 202, "alice\033]0;x\007", "pos",
			 "offline \xe2\x80\xaereversed", "2026-12-03T04:00:00Z");
		it->history[1].blind_label = xstrdup("neu");
		it->current = 202;
		it->conflict[0] = 201;
		it->conflict[1] = 202;
		it->conflict_packet = xstrdup("p-0123456789ab");
	}
	if (item >= 0 && item < 8 && test_fk.draft_of[item][0])
		it->draft = xstrdup(test_fk.draft_of[item]);
	*has_guide = 0;
	it->quality = NAN;
	it->quality_source = "none";
	if (test_fk.rich) {
		static const char *const who[] = {"alice", "bob", "carol"};
		it->nvotes = 3;
		it->votes = xcalloc(3, sizeof *it->votes);
		for (int i = 0; i < 3; i++) {
			it->votes[i].annotator = xstrdup(who[i]);
			it->votes[i].label = xstrdup(i < 2	     ? "neg"
						     : test_fk.vote3 ? test_fk.vote3
								     : "pos");
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
			if (test_fk.long_defs)
				snprintf(def, sizeof def,
					 "definition of %s, long enough that at eighty columns it "
					 "takes two lines and a bit, which is what the test of "
					 "spare "
					 "rows needs, END-%s",
					 values[i], values[i]);
			else
				snprintf(def, sizeof def, "definition of %s", values[i]);
			g->labels[i].value = xstrdup(values[i]);
			g->labels[i].definition = xstrdup(def);
			if (test_fk.long_defs) {
				char ex[64];
				g->labels[i].nexamples = 2;
				g->labels[i].examples = xcalloc(2, sizeof(char *));
				for (int k = 0; k < 2; k++) {
					snprintf(ex, sizeof ex, "example %d of %s", k + 1,
						 values[i]);
					g->labels[i].examples[k] = xstrdup(ex);
				}
				snprintf(ex, sizeof ex, "counterexample of %s", values[i]);
				g->labels[i].ncounterexamples = 1;
				g->labels[i].counterexamples = xcalloc(1, sizeof(char *));
				g->labels[i].counterexamples[0] = xstrdup(ex);
			}
		}
		g->nrules = (size_t)test_fk.nrules;
		g->rules = xcalloc((size_t)test_fk.nrules + 1, sizeof *g->rules);
		for (int r = 0; r < test_fk.nrules; r++) {
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
	test_fk.statuses++;
	r->status = test_fk.decided[r->item] > 0   ? REVIEW_MINE
		    : test_fk.decided[r->item] < 0 ? REVIEW_OTHER
						   : REVIEW_OPEN;
	return 0;
}

static int f_claim(void *ctx, int64_t item, int64_t seen, char *holder, size_t len, char *err)
{
	(void)ctx;
	(void)item;
	(void)seen;
	(void)err;
	test_fk.claims++;
	if (item == test_fk.meanwhile_item) {
		test_fk.decided[item] = -11;
		snprintf(holder, len, "bob");
		return REVIEW_MEANWHILE;
	}
	if (test_fk.claim_answer > 0)
		snprintf(holder, len, "bob");
	return test_fk.claim_answer;
}

static int f_release(void *ctx, int64_t item, char *err)
{
	(void)ctx;
	(void)item;
	(void)err;
	test_fk.releases++;
	return 0;
}

static int f_decide(void *ctx, const struct review_decide_args *d, int64_t *id, char *other,
		    size_t len, char *err)
{
	(void)ctx;
	test_fk.decides++;
	test_fk.last = *d;
	snprintf(test_fk.last_reason, sizeof test_fk.last_reason, "%s", d->reason ? d->reason : "");
	snprintf(test_fk.last_rule, sizeof test_fk.last_rule, "%s", d->rule ? d->rule : "");
	test_fk.last.reason = test_fk.last_reason;
	test_fk.last.rule = test_fk.last_rule;
	if (test_fk.decide_answer == REVIEW_MEANWHILE) {
		snprintf(other, len, "bob");
		test_fk.decided[d->item] = -11;
		snprintf(err, GV_ERR, "decided by bob meanwhile; nothing was overwritten");
		return REVIEW_MEANWHILE;
	}
	if (test_fk.decide_answer == REVIEW_NOT_LEAD ||
	    (test_fk.decide_answer == REVIEW_OVERRULE && !d->overrule)) {
		snprintf(other, len, "bob");
		snprintf(err, GV_ERR, "bob decided this item; %s",
			 test_fk.decide_answer == REVIEW_NOT_LEAD
				 ? "only a lead may overrule"
				 : "as a lead you may overrule it");
		return test_fk.decide_answer;
	}
	if (test_fk.decide_answer < 0) {
		snprintf(err, GV_ERR, "disk full");
		return -1;
	}
	test_fk.decided[d->item] = d->label_code + 1;
	*id = 100 + d->item;
	return 0;
}

static int f_undo(void *ctx, int64_t item, char *err)
{
	(void)ctx;
	test_fk.undos++;
	test_fk.undo_item = item;
	if (test_fk.undo_answer) {
		snprintf(err, GV_ERR, "the latest decision is bob's, not yours");
		return test_fk.undo_answer;
	}
	test_fk.decided[item] = 0;
	return 0;
}

static int f_reason(void *ctx, int64_t item, const char *reason, const char *rule, char *err)
{
	(void)ctx;
	(void)err;
	test_fk.reasons++;
	test_fk.last_item = item;
	snprintf(test_fk.last_reason, sizeof test_fk.last_reason, "%s", reason ? reason : "");
	snprintf(test_fk.last_rule, sizeof test_fk.last_rule, "%s", rule ? rule : "");
	return 0;
}

static int f_flag(void *ctx, int64_t item, const char *note, char *err)
{
	(void)ctx;
	test_fk.flags++;
	test_fk.last_item = item;
	snprintf(test_fk.last_note, sizeof test_fk.last_note, "%s", note ? note : "");
	if (test_fk.flag_answer == 1)
		snprintf(err, GV_ERR, "you flagged this item already");
	return test_fk.flag_answer;
}

static int f_skip(void *ctx, int64_t item, char *err)
{
	(void)ctx;
	(void)err;
	test_fk.skips++;
	test_fk.last_item = item;
	return 0;
}

static int f_draft(void *ctx, int64_t item, const char *text, char *err)
{
	(void)ctx;
	(void)err;
	test_fk.drafts++;
	test_fk.last_item = item;
	snprintf(test_fk.last_draft, sizeof test_fk.last_draft, "%s", text ? text : "");
	if (item >= 0 && item < 8)
		snprintf(test_fk.draft_of[item], sizeof test_fk.draft_of[item], "%s",
			 text ? text : "");
	return 0;
}

/* An item's trail: a claim, a blind decision replacing bob's, a new
 * reason, a flag with hostile text in its note, an imported decision, a
 * second claim and an action the screen does not know. */
static int f_events(void *ctx, int64_t item, struct review_event **ev, size_t *n, char *err)
{
	static const char *const actions[] = {"claim",	"decide", "reason",	 "flag",
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
	test_fk.searches++;
	test_fk.search_annotators = annotators;
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
	return test_fk.clock;
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

static int f_queue_load(void *ctx, const char *name, struct review_row **rows, size_t *n,
			int *blind, char *err)
{
	(void)ctx;
	(void)err;
	test_fk.queue_loads++;
	snprintf(test_fk.last_queue, sizeof test_fk.last_queue, "%s", name);
	*n = test_fk.queue_rows ? test_fk.queue_rows : strcmp(name, "audit") == 0 ? 2 : 3;
	*rows = test_ui_rows(*n);
	*blind = strcmp(name, "audit") == 0;
	return 0;
}

/* Up to three models: m1 with three filled bins, m2 with one, m3 with no
 * decided prediction. */
static int f_calibration(void *ctx, const char *task, struct ui_calib *out, char *err)
{
	(void)ctx;
	(void)err;
	test_fk.calibrations++;
	snprintf(test_fk.last_task, sizeof test_fk.last_task, "%s", task);
	memset(out, 0, sizeof *out);
	out->task = xstrdup(task);
	out->q = 0.8;
	out->source = "agreement";
	out->decided = 6;
	out->nmodels = (size_t)test_fk.nmodels;
	out->models = xcalloc((size_t)test_fk.nmodels + 1, sizeof *out->models);
	for (int m = 0; m < test_fk.nmodels; m++) {
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
int test_ui_fake_durable(void *ctx, int wait, char *err)
{
	(void)ctx;
	test_fk.durable_polls++;
	if (wait) {
		test_fk.durable_waits++;
		if (test_fk.durable_answer == 0)
			test_fk.durable_answer = 1;
	}
	if (test_fk.durable_answer < 0)
		snprintf(err, GV_ERR, "syncing the write-ahead log failed: disk I/O error");
	return test_fk.durable_answer;
}

const struct ui_backend test_ui_fake_be = {
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

struct review_row *test_ui_rows(size_t n)
{
	static const char *const ids[] = {"a1", "b2", "c3"};
	struct review_row *v = xcalloc(n, sizeof *v);
	for (size_t i = 0; i < n; i++)
		test_ui_row(&v[i], (int64_t)i + 1, i < 3 ? ids[i] : "zz", "sentiment",
			    i == 1 ? "neg:2 pos:1" : "neg:1 pos:2", i == 2 ? 0.1 : 1.0 / 3);
	return v;
}

void test_ui_start(struct ui_state *s, size_t n, int can_decide, int blind)
{
	memset(&test_fk, 0, sizeof test_fk);
	test_fk.clock = 1000;
	ui_state_init(s, &test_ui_fake_be, "me", can_decide, blind, "disputed", test_ui_rows(n), n,
		      80, 24);
}

/* The text of pane line i, spans joined with single spaces. */
void test_ui_pane_line(const struct ui_lines *l, size_t i, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = 0;
	for (size_t k = 0; i < l->n && k < l->v[i].n; k++)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 k ? " " : "", l->v[i].sp[k].text);
}

/* The text of line i of l, each span at its column, trailing blanks cut. */
void test_ui_col_text(const struct ui_lines *l, size_t i, char *buf, size_t len)
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

/* How many lines of l, read by text, hold needle; *first gets the index of
 * the first (-1 for none). */
static long lines_with(const struct ui_lines *l, const char *needle,
		       void (*text)(const struct ui_lines *, size_t, char *, size_t), long *first)
{
	char buf[1024];
	long n = 0;
	*first = -1;
	for (size_t i = 0; i < l->n; i++) {
		text(l, i, buf, sizeof buf);
		if (strstr(buf, needle) && n++ == 0)
			*first = (long)i;
	}
	return n;
}

long test_ui_pane_find(const struct ui_lines *l, const char *needle)
{
	long first;
	lines_with(l, needle, test_ui_pane_line, &first);
	return first;
}

long test_ui_pane_count(const struct ui_lines *l, const char *needle)
{
	long first;
	return lines_with(l, needle, test_ui_pane_line, &first);
}

long test_ui_col_find(const struct ui_lines *l, const char *needle)
{
	long first;
	lines_with(l, needle, test_ui_col_text, &first);
	return first;
}
