/*
 * ui_item: the item view's actions: opening an item (claiming it, with
 * drafts and "decided meanwhile" handled), deciding (blind calls, rules
 * checked, a lead's overrule), undo, the reason and the flag, skipping,
 * moving on to the next item that needs a decision, and scrolling the text
 * and the evidence pane. Also the item view's callbacks. No curses here;
 * the layout itself is ui_layout.c's.
 */
#include "config.h"

#include "text.h"
#include "ui_update.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int ui_item_revealed(const struct ui_state *s)
{
	const struct review_decision *cur;
	if (!s->blind || s->blind_call >= 0)
		return 1;
	/* Another expert's decision is a call too: it waits for mine. */
	cur = s->has_item ? store_review_item_current(&s->item) : NULL;
	return cur && cur->label && strcmp(cur->expert, s->me) == 0;
}

void ui_item_text_geom(const struct ui_state *s, size_t *width, size_t *height)
{
	struct ui_item_geom g;
	ui_item_geom(s, &g);
	*width = (size_t)g.text_w;
	*height = (size_t)g.text_h;
}

void ui_labels_in_play(const struct ui_state *s, unsigned char *in_play)
{
	const struct store_task *t = &s->item.task;
	memset(in_play, 0, t->nlabels ? t->nlabels : 1);
	for (size_t i = 0; i < t->nlabels; i++) {
		const char *v = t->labels[i].value;
		for (size_t k = 0; k < s->item.nvotes; k++)
			if (s->item.votes[k].label && strcmp(s->item.votes[k].label, v) == 0)
				in_play[i] = 1;
		for (size_t k = 0; k < s->item.npreds && k < 1; k++)
			for (size_t j = 0; j < s->item.preds[k].nprobs && j < 2; j++)
				if (strcmp(s->item.preds[k].probs[j].label, v) == 0)
					in_play[i] = 1;
	}
}

/* ---- opening and closing an item ---- */

/* Write (or with "" delete) my draft for the open item; -1 when that failed
 * (the message says so). */
int ui_item_save_draft(struct ui_state *s, const char *text)
{
	char err[GV_ERR];
	int rc = 0;
	if (!s->has_item || !s->can_decide || !s->be->draft)
		return 0;
	if (s->be->draft(s->be->ctx, s->item.id, text, err)) {
		ui_message(s, UI_MSG_ERROR, "draft not saved: %s", err);
		rc = -1;
	} else {
		s->draft_at = ui_state_now(s);
	}
	s->draft_dirty = 0;
	return rc;
}

void ui_item_close(struct ui_state *s)
{
	char err[GV_ERR];
	const char *text = NULL;
	if (!s->has_item)
		return;
	if (s->input == UI_INPUT_REASON && s->draft_dirty)
		text = s->inbuf.s ? s->inbuf.s : "";
	/* Draft and claim in one write: on a hang-up every sync counts. */
	if (s->claimed && s->be->leave) {
		if (s->be->leave(s->be->ctx, s->item.id, text, err))
			ui_message(s, UI_MSG_ERROR, "%s", err);
	} else {
		if (text)
			ui_item_save_draft(s, text);
		if (s->claimed && s->be->release && s->be->release(s->be->ctx, s->item.id, err))
			ui_message(s, UI_MSG_ERROR, "%s", err);
	}
	if (s->input == UI_INPUT_REASON)
		ui_input_close(s);
	s->claimed = 0;
	s->holder[0] = 0;
	store_review_item_free(&s->item);
	if (s->has_guide)
		guide_free(&s->guide);
	s->has_guide = 0;
	s->has_item = 0;
	free(s->pending_reason);
	s->pending_reason = NULL;
	ui_queue_refresh_row(s, s->item_row);
}

/*
 * Open row idx. Returns REVIEW_MEANWHILE when another expert decided the
 * item after its row was read (nothing claimed; their name in who),
 * REVIEW_HELD when another expert holds it, -1 when it could not be read
 * (the queue is shown again, with the error), else 0.
 */
static int open_row(struct ui_state *s, size_t idx, char *who, size_t who_len)
{
	char err[GV_ERR];
	const struct review_decision *cur;
	int claim = 0;

	ui_item_close(s);
	if (idx >= s->nq)
		return 0;
	if (s->be->load(s->be->ctx, s->qrows[idx].item, &s->item, &s->guide, &s->has_guide, err)) {
		/* Back to the queue, where Enter tries again; a "saved" just
		 * shown stays in front of the error, so both are seen. */
		char keep[sizeof s->msg],
			*ext = text_clean(s->qrows[idx].external_id ? s->qrows[idx].external_id
								    : "");
		snprintf(keep, sizeof keep, "%s", s->msg_kind == UI_MSG_SAVED ? s->msg : "");
		s->view = UI_QUEUE;
		ui_message(s, UI_MSG_ERROR, "%s%scannot open %s: %s", keep, keep[0] ? "; " : "",
			   ext, err);
		free(ext);
		return -1;
	}
	s->has_item = 1;
	s->item_row = idx;
	s->view = UI_ITEM;
	s->text_top = 0;
	s->pane_top = 0;
	s->blind_call = -1;
	s->overrule = 0;
	s->opened_at = s->renewed_at = ui_state_now(s);
	s->msg[0] = 0;
	cur = store_review_item_current(&s->item);
	if (s->can_decide && s->be->claim) {
		claim = s->be->claim(s->be->ctx, s->item.id, s->qrows[idx].decision, s->holder,
				     sizeof s->holder, err);
		if (claim == 0) {
			s->claimed = 1;
		} else if (claim == REVIEW_HELD) {
			ui_message(s, UI_MSG_INFO, "%s is working on this item; you can read it",
				   s->holder);
		} else if (claim == REVIEW_MEANWHILE) {
			snprintf(who, who_len, "%s", s->holder);
			s->holder[0] = 0;
			ui_message(s, UI_MSG_INFO, "decided by %s meanwhile", who);
		} else {
			ui_message(s, UI_MSG_ERROR, "%s", err);
			claim = 0;
		}
	}
	if (cur && cur->label && strcmp(cur->expert, s->me) != 0) {
		if (ui_item_revealed(s))
			ui_message(s, UI_MSG_INFO, "already decided by %s: %s", cur->expert,
				   cur->label);
		else
			ui_message(s, UI_MSG_INFO,
				   "already decided by %s; their label shows after your blind call",
				   cur->expert);
	}
	if (s->item.draft) {
		s->pending_reason = xstrdup(s->item.draft);
		if (!s->msg[0])
			ui_message(s, UI_MSG_INFO, "your draft reason is back");
	}
	if (claim == REVIEW_MEANWHILE)
		ui_queue_refresh_row(s, idx);
	return claim;
}

static int open_item(struct ui_state *s, size_t idx)
{
	char who[128];
	open_row(s, idx, who, sizeof who);
	return UI_REDRAW;
}

/* Position in order[] of qrows index idx, or the current cursor. */
static size_t order_pos(const struct ui_state *s, size_t idx)
{
	for (size_t i = 0; i < s->qlist.n; i++)
		if (s->order[i] == idx)
			return i;
	return s->qlist.cur;
}

/*
 * Open the next (dir 1) or previous (-1) row; with only_open, the next that
 * still needs a decision, passing items another expert decided or took
 * meanwhile. note (may be NULL) says why the screen moved on.
 */
static int advance_note(struct ui_state *s, int dir, int only_open, const char *note)
{
	size_t pos = order_pos(s, s->item_row);
	size_t h = ui_list_height(s);
	char keep[sizeof s->msg], who[128], why[sizeof s->msg];
	enum ui_msg kind = s->msg_kind;

	memcpy(keep, s->msg, sizeof keep);
	snprintf(why, sizeof why, "%s", note ? note : "");
	for (;;) {
		size_t idx;
		int r;
		if (dir > 0 ? pos + 1 >= s->qlist.n : pos == 0)
			break;
		pos = dir > 0 ? pos + 1 : pos - 1;
		idx = s->order[pos];
		if (only_open) {
			ui_queue_refresh_row(s, idx);
			if (ui_queue_row_done(&s->qrows[idx]) ||
			    s->qrows[idx].status == REVIEW_CLAIMED)
				continue;
		}
		s->qlist.cur = pos;
		ui_list_clamp(&s->qlist, h);
		r = open_row(s, idx, who, sizeof who);
		if (only_open && r == REVIEW_MEANWHILE) {
			char *ext = text_clean(s->qrows[idx].external_id ? s->qrows[idx].external_id
									 : "");
			snprintf(why, sizeof why, "%s was decided by %s meanwhile; moved on", ext,
				 who);
			free(ext);
			continue;
		}
		if (only_open && r == REVIEW_HELD)
			continue;
		if (why[0]) {
			if ((kind == UI_MSG_SAVED || kind == UI_MSG_SAVING) && keep[0])
				ui_message(s, kind, "%s; %s", keep, why);
			else
				ui_message(s, UI_MSG_INFO, "%s", why);
		} else if (!s->msg[0]) {
			memcpy(s->msg, keep, sizeof keep);
			s->msg_kind = kind;
		}
		return UI_REDRAW;
	}
	ui_item_close(s);
	s->view = UI_QUEUE;
	ui_queue_refresh_visible(s);
	memcpy(s->msg, keep, sizeof keep);
	s->msg_kind = kind;
	if (why[0] && (kind == UI_MSG_SAVED || kind == UI_MSG_SAVING) && keep[0])
		ui_message(s, kind, "%s; %s; end of the queue", keep, why);
	else if (why[0])
		ui_message(s, UI_MSG_INFO, "%s; end of the queue", why);
	else if (!s->msg[0] || (s->msg_kind != UI_MSG_SAVED && s->msg_kind != UI_MSG_SAVING))
		ui_message(s, UI_MSG_INFO, dir > 0 ? "end of the queue" : "start of the queue");
	return UI_REDRAW;
}

static int advance(struct ui_state *s, int dir, int only_open)
{
	return advance_note(s, dir, only_open, NULL);
}

/* Another expert decided the open item meanwhile: say so and move on. */
static int moved_on(struct ui_state *s, const char *who)
{
	char note[256], *ext = text_clean(s->item.external_id ? s->item.external_id : "");
	snprintf(note, sizeof note,
		 "%s was decided by %s meanwhile; nothing of yours was written; moved on", ext,
		 who);
	free(ext);
	s->msg[0] = 0;
	s->msg_kind = UI_MSG_INFO;
	ui_queue_refresh_row(s, s->item_row);
	return advance_note(s, 1, 1, note);
}

/* ---- reasons and rules ---- */

/* "#R3 the reason" -> rule "R3" and reason "the reason"; both heap strings. */
static void split_reason(const char *text, char **rule, char **reason)
{
	const char *p = text ? text : "";
	*rule = NULL;
	while (*p == ' ')
		p++;
	if (*p == '#') {
		const char *e = p + 1;
		while (*e && *e != ' ' && *e != ':')
			e++;
		if (e > p + 1)
			*rule = xstrndup(p + 1, (size_t)(e - p - 1));
		p = e;
		while (*p == ' ' || *p == ':')
			p++;
	}
	*reason = xstrdup(p);
}

/*
 * A cited rule must be one of the open item's guideline rules, or a
 * decision would name a rule nobody can look up. *rule (heap, may be NULL)
 * becomes the guideline's own spelling of the id (#r2 cites R2). Returns 0,
 * or -1 with an error message naming the rules there are.
 */
static int check_rule(struct ui_state *s, char **rule)
{
	struct sbuf ids = {0};
	char *want;

	if (!*rule)
		return 0;
	if (s->has_guide) {
		for (size_t i = 0; i < s->guide.nrules; i++) {
			if (strcasecmp(s->guide.rules[i].id, *rule) == 0) {
				free(*rule);
				*rule = xstrdup(s->guide.rules[i].id);
				return 0;
			}
		}
	}
	want = text_clean(*rule);
	if (!s->has_guide) {
		ui_message(s, UI_MSG_ERROR,
			   "#%s cites a rule, but this task has no guideline: leave out the #",
			   want);
	} else if (!s->guide.nrules) {
		ui_message(s, UI_MSG_ERROR, "#%s: guideline %s has no rules; leave out the #", want,
			   s->guide.version ? s->guide.version : "");
	} else {
		for (size_t i = 0; i < s->guide.nrules; i++)
			sbuf_addf(&ids, "%s%s", i ? ", " : "", s->guide.rules[i].id);
		ui_message(s, UI_MSG_ERROR, "no rule %s in guideline %s; its rules: %s", want,
			   s->guide.version ? s->guide.version : "", ids.s);
	}
	free(want);
	sbuf_free(&ids);
	return -1;
}

static const char *label_name(const struct ui_state *s, int idx)
{
	const struct store_label *l = &s->item.task.labels[idx];
	return l->name ? l->name : l->value;
}

/* ---- decisions ---- */

static int decide(struct ui_state *s, int idx)
{
	struct review_decide_args d;
	char err[GV_ERR], other[128] = "", *rule = NULL, *reason = NULL, *clean;
	int64_t id = 0;
	int rc;

	if (!s->can_decide) {
		ui_message(s, UI_MSG_ERROR, "read-only: you cannot decide here");
		return UI_REDRAW;
	}
	if (idx < 0 || (size_t)idx >= s->item.task.nlabels) {
		ui_message(s, UI_MSG_ERROR, "no label %d in this task", idx + 1);
		return UI_REDRAW;
	}
	if (!s->claimed && s->be->claim) {
		/* Whoever held the item may have let it go, or decided it: ask. */
		rc = s->be->claim(s->be->ctx, s->item.id, s->item.current, s->holder,
				  sizeof s->holder, err);
		if (rc == REVIEW_MEANWHILE) {
			snprintf(other, sizeof other, "%s", s->holder);
			s->holder[0] = 0;
			return moved_on(s, other);
		}
		if (rc == REVIEW_HELD) {
			ui_message(s, UI_MSG_ERROR,
				   "%s is working on this item; nothing was written", s->holder);
			return UI_REDRAW;
		}
		if (rc) {
			ui_message(s, UI_MSG_ERROR, "not saved: %s", err);
			return UI_REDRAW;
		}
		s->claimed = 1;
		s->holder[0] = 0;
		s->renewed_at = ui_state_now(s);
	}
	if (s->blind && s->blind_call < 0) {
		s->blind_call = idx;
		clean = text_clean(label_name(s, idx));
		ui_message(
			s, UI_MSG_INFO,
			"blind call: %s. Votes and model shown; press a label to confirm or change",
			clean);
		free(clean);
		return UI_REDRAW;
	}
	split_reason(s->pending_reason, &rule, &reason);
	/* A draft back from a hang-up, or a guideline changed since: the rule
	 * is checked again before anything is written. */
	if (check_rule(s, &rule)) {
		size_t n = strlen(s->msg);
		snprintf(s->msg + n, sizeof s->msg - n, " (r edits the reason)");
		free(rule);
		free(reason);
		return UI_REDRAW;
	}
	memset(&d, 0, sizeof d);
	d.item = s->item.id;
	d.expected = s->item.current;
	d.label_code = s->item.task.labels[idx].code;
	d.blind_code = s->blind_call >= 0 ? s->item.task.labels[s->blind_call].code : -1;
	d.reason = reason;
	d.rule = rule;
	d.seconds = ui_state_now(s) - s->opened_at;
	d.queue = s->queue;
	d.overrule = s->overrule == idx + 1;
	s->overrule = 0;
	rc = s->be->decide(s->be->ctx, &d, &id, other, sizeof other, err);
	free(rule);
	free(reason);
	if (rc == REVIEW_MEANWHILE)
		return moved_on(s, other);
	if (rc == REVIEW_OVERRULE) {
		/* A lead overrules by choosing the same label twice. */
		s->overrule = idx + 1;
		ui_message(s, UI_MSG_INFO,
			   "%s decided this item: press the same label again to overrule it",
			   other);
		return UI_REDRAW;
	}
	if (rc == REVIEW_NOT_LEAD) {
		ui_message(s, UI_MSG_ERROR, "%s decided this item; only a lead may overrule it",
			   other);
		return UI_REDRAW;
	}
	if (rc == REVIEW_HELD) {
		/* Show what the other expert did; nothing of ours was written. */
		char keep[GV_ERR];
		snprintf(keep, sizeof keep, "%s", err);
		open_item(s, s->item_row);
		ui_message(s, UI_MSG_ERROR, "%s", keep);
		return UI_REDRAW;
	}
	if (rc) {
		ui_message(s, UI_MSG_ERROR, "not saved: %s", err);
		return UI_REDRAW;
	}
	s->claimed = 0;
	s->dash.stale = 1;
	free(s->pending_reason);
	s->pending_reason = NULL;
	clean = text_clean(label_name(s, idx));
	{
		char *ext = text_clean(s->item.external_id ? s->item.external_id : "");
		/* Committed; "saved" once it is on the disk too (ui_item_idle). */
		if (s->be->durable) {
			s->saving++;
			snprintf(s->saving_what, sizeof s->saving_what, "%s = %s", ext, clean);
			ui_message(s, UI_MSG_SAVING, "saving: %s", s->saving_what);
		} else {
			ui_message(s, UI_MSG_SAVED, "saved: %s = %s", ext, clean);
		}
		free(ext);
	}
	free(clean);
	ui_queue_refresh_row(s, s->item_row);
	return advance(s, 1, 1);
}

int ui_item_idle(struct ui_state *s, int wait)
{
	char err[GV_ERR], was[sizeof s->msg];
	const char *rest;
	int rc;

	if (!s->saving || !s->be || !s->be->durable)
		return 0;
	rc = s->be->durable(s->be->ctx, wait, err);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		ui_message(s, UI_MSG_ERROR,
			   "NOT saved: the disk did not confirm %s%s (%s); a power failure could "
			   "lose it: press u on it, or decide it again, once the disk is fixed",
			   s->saving_what, s->saving > 1 ? " and the decisions before it" : "",
			   err);
		s->saving = 0;
		return UI_REDRAW;
	}
	/* "saved: ITEM = LABEL" on a line of its own first (what --messages
	 * readers count), then with what was said after "saving" when that
	 * is still shown, or in front of a message said since. */
	snprintf(was, sizeof was, "%s", s->msg);
	rest = NULL;
	if (s->msg_kind == UI_MSG_SAVING) {
		size_t n = strlen(s->saving_what);
		if (strncmp(was, "saving: ", 8) == 0 && strncmp(was + 8, s->saving_what, n) == 0 &&
		    strncmp(was + 8 + n, "; ", 2) == 0)
			rest = was + 8 + n + 2;
	} else if (was[0] && s->msg_kind != UI_MSG_SAVED) {
		rest = was;
	}
	if (s->saving > 1)
		ui_message(s, UI_MSG_SAVED, "saved: %s (and %zu before it)", s->saving_what,
			   s->saving - 1);
	else
		ui_message(s, UI_MSG_SAVED, "saved: %s", s->saving_what);
	if (rest && *rest)
		ui_message(s, UI_MSG_SAVED, "saved: %s; %s", s->saving_what, rest);
	s->saving = 0;
	return UI_REDRAW;
}

static int undo(struct ui_state *s)
{
	char err[GV_ERR];
	size_t idx;
	int rc;

	if (!s->can_decide) {
		ui_message(s, UI_MSG_ERROR, "read-only: you cannot undo here");
		return UI_REDRAW;
	}
	/* In the item view: this item when it carries my decision, otherwise the
	 * row before it (the decision I just made and moved on from). */
	if (s->view == UI_ITEM) {
		const struct review_decision *cur = store_review_item_current(&s->item);
		idx = s->item_row;
		if (!(cur && cur->label && strcmp(cur->expert, s->me) == 0)) {
			size_t pos = order_pos(s, s->item_row);
			idx = pos > 0 ? s->order[pos - 1] : (size_t)-1;
		}
	} else {
		idx = ui_queue_current(s);
	}
	if (idx == (size_t)-1) {
		ui_message(s, UI_MSG_ERROR, "nothing to undo");
		return UI_REDRAW;
	}
	rc = s->be->undo(s->be->ctx, s->qrows[idx].item, err);
	if (rc < 0) {
		ui_message(s, UI_MSG_ERROR, "not saved: %s", err);
		return UI_REDRAW;
	}
	if (rc) {
		/* Refused (another expert's decision is the latest now): the
		 * message says the undo did nothing, and where, before why. */
		char *ext = text_clean(s->qrows[idx].external_id ? s->qrows[idx].external_id : "");
		ui_queue_refresh_row(s, idx);
		ui_message(s, UI_MSG_ERROR, "nothing was undone on %s: %s", ext, err);
		free(ext);
		return UI_REDRAW;
	}
	s->dash.stale = 1;
	s->qlist.cur = order_pos(s, idx);
	ui_list_clamp(&s->qlist, ui_list_height(s));
	open_item(s, idx);
	ui_message(s, UI_MSG_SAVED, "saved: undone");
	return UI_REDRAW;
}

void ui_item_reason_commit(struct ui_state *s)
{
	const struct review_decision *cur = store_review_item_current(&s->item);
	char err[GV_ERR], *text = xstrdup(s->inbuf.s ? s->inbuf.s : "");

	{
		/* A rule that does not exist keeps the editor open, so it can be fixed. */
		char *rule, *reason;
		int bad;
		split_reason(text, &rule, &reason);
		bad = check_rule(s, &rule);
		free(rule);
		free(reason);
		if (bad) {
			free(text);
			return;
		}
	}
	ui_input_close(s);
	if (cur && cur->label && strcmp(cur->expert, s->me) == 0) {
		char *rule, *reason;
		int rc;
		split_reason(text, &rule, &reason);
		check_rule(s, &rule);
		rc = s->be->reason(s->be->ctx, s->item.id, reason, rule, err);
		free(rule);
		free(reason);
		if (rc) {
			ui_message(s, UI_MSG_ERROR, "not saved: %s", err);
			free(s->pending_reason);
			s->pending_reason = text;
			return;
		}
		free(text);
		open_item(s, s->item_row);
		ui_message(s, UI_MSG_SAVED, "saved: reason");
		return;
	}
	free(s->pending_reason);
	s->pending_reason = text;
	ui_item_save_draft(s, text);
	if (s->msg_kind != UI_MSG_ERROR)
		ui_message(s, UI_MSG_INFO, "reason kept; it is saved with your decision");
}

static int simple_write(struct ui_state *s, int (*fn)(void *, int64_t, char *), const char *done)
{
	char err[GV_ERR];
	if (!s->can_decide) {
		ui_message(s, UI_MSG_ERROR, "read-only: nothing can be written here");
		return 0;
	}
	if (fn(s->be->ctx, s->item.id, err)) {
		ui_message(s, UI_MSG_ERROR, "not saved: %s", err);
		return 0;
	}
	ui_message(s, UI_MSG_SAVED, "saved: %s", done);
	return 1;
}

/* f: one flag per expert and item, with a note typed in a prompt. */
static int flag_open(struct ui_state *s)
{
	if (!s->has_item)
		return 0;
	if (!s->can_decide) {
		ui_message(s, UI_MSG_ERROR, "read-only: nothing can be written here");
		return UI_REDRAW;
	}
	if (s->item.my_flag) {
		char *note = text_clean(s->item.my_flag);
		ui_message(s, UI_MSG_INFO, "you flagged this item already%s%s", note[0] ? ": " : "",
			   note);
		free(note);
		return UI_REDRAW;
	}
	ui_input_open(s, UI_INPUT_FLAG, NULL);
	ui_message(s, UI_MSG_INFO,
		   "flag the guideline as unclear: a note (optional), Enter flags, Esc cancels");
	return UI_REDRAW;
}

void ui_item_flag_commit(struct ui_state *s)
{
	char err[GV_ERR], *note = xstrdup(s->inbuf.s ? s->inbuf.s : "");
	int rc;

	ui_input_close(s);
	rc = s->be->flag(s->be->ctx, s->item.id, note, err);
	if (rc < 0) {
		ui_message(s, UI_MSG_ERROR, "not saved: %s", err);
	} else if (rc == 1) {
		ui_message(s, UI_MSG_INFO, "%s", err);
	} else {
		free(s->item.my_flag);
		s->item.my_flag = xstrdup(note);
		s->item.nflags++;
		if (s->item_row < s->nq)
			s->qrows[s->item_row].flags++;
		ui_message(s, UI_MSG_SAVED, "saved: guideline flagged as unclear for this item");
	}
	free(note);
}

/* ---- scrolling the text and the evidence pane ---- */

static size_t text_lines(const struct ui_state *s)
{
	size_t w, h, n;
	char *clean;
	ui_item_text_geom(s, &w, &h);
	clean = text_sanitize(s->item.text ? s->item.text : "",
			      s->item.text ? strlen(s->item.text) : 0, TEXT_MULTI, NULL);
	n = ui_wrap(clean, w, NULL, NULL, 0);
	free(clean);
	return n;
}

static void scroll_text(struct ui_state *s, long delta)
{
	size_t w, h, n = text_lines(s);
	ui_item_text_geom(s, &w, &h);
	if (delta < 0 && (size_t)-delta > s->text_top)
		s->text_top = 0;
	else
		s->text_top = (size_t)((long)s->text_top + delta);
	if (s->text_top + h > n)
		s->text_top = n > h ? n - h : 0;
}

/* Lines of the scrolling evidence pane, and its height on screen. */
static void pane_size(const struct ui_state *s, size_t *n, size_t *h)
{
	struct ui_item_geom g;
	struct ui_lines l;
	int b;
	ui_item_geom(s, &g);
	b = g.b_h > 0;
	ui_item_pane(s, b ? 'b' : 'a', b ? g.b_w : g.a_w, &l);
	*n = l.n;
	*h = ui_pane_rows(l.n, (size_t)(b ? g.b_h : g.a_h));
	ui_lines_free(&l);
}

static void scroll_pane(struct ui_state *s, long delta)
{
	size_t n, h;
	pane_size(s, &n, &h);
	if (delta < 0 && (size_t)-delta > s->pane_top)
		s->pane_top = 0;
	else
		s->pane_top = (size_t)((long)s->pane_top + delta);
	if (s->pane_top + h > n)
		s->pane_top = n > h ? n - h : 0;
}

/* ---- the actions and the view ---- */

int ui_item_do_decide(struct ui_state *s, enum ui_action a, int arg)
{
	return s->has_item ? decide(s, arg) : 0;
}

int ui_item_do_reason(struct ui_state *s, enum ui_action a, int arg)
{
	const struct review_decision *cur = store_review_item_current(&s->item);
	const char *init = s->pending_reason;
	if (!s->can_decide) {
		ui_message(s, UI_MSG_ERROR, "read-only: you cannot give reasons here");
		return UI_REDRAW;
	}
	if (!init && cur && cur->label && strcmp(cur->expert, s->me) == 0)
		init = cur->reason;
	ui_input_open(s, UI_INPUT_REASON, init);
	ui_message(s, UI_MSG_INFO,
		   "reason: #RULE (optional) then text; Enter keeps it, Esc cancels");
	return UI_REDRAW;
}

int ui_item_do_skip(struct ui_state *s, enum ui_action a, int arg)
{
	if (simple_write(s, s->be->skip, "skipped")) {
		s->claimed = 0;
		ui_queue_refresh_row(s, s->item_row);
		return advance(s, 1, 1);
	}
	return UI_REDRAW;
}

int ui_item_do_flag(struct ui_state *s, enum ui_action a, int arg)
{
	return flag_open(s);
}

int ui_item_do_undo(struct ui_state *s, enum ui_action a, int arg)
{
	return undo(s);
}

int ui_item_do_step(struct ui_state *s, enum ui_action a, int arg)
{
	return advance(s, a == ACT_PREV_ITEM ? -1 : 1, 0);
}

int ui_item_do_pane(struct ui_state *s, enum ui_action a, int arg)
{
	size_t n, h;
	long step;
	if (!s->has_item)
		return 0;
	pane_size(s, &n, &h);
	step = (long)(h > 2 ? h - 1 : 1);
	scroll_pane(s, a == ACT_PANE_DOWN ? step : -step);
	return UI_REDRAW;
}

/* The item view has no list: the move actions scroll its text. */
static int item_move(struct ui_state *s, enum ui_action a)
{
	size_t tw, th;
	long page;
	ui_item_text_geom(s, &tw, &th);
	page = (long)(th > 1 ? th - 1 : 1);
	switch (a) {
	case ACT_UP:
		scroll_text(s, -1);
		break;
	case ACT_DOWN:
		scroll_text(s, 1);
		break;
	case ACT_PAGE_UP:
		scroll_text(s, -page);
		break;
	case ACT_PAGE_DOWN:
		scroll_text(s, page);
		break;
	case ACT_TOP:
		s->text_top = 0;
		break;
	default:
		scroll_text(s, 1 << 20);
		break;
	}
	return UI_REDRAW;
}

static int item_back(struct ui_state *s)
{
	ui_item_close(s);
	s->view = UI_QUEUE;
	ui_queue_refresh_visible(s);
	return UI_REDRAW;
}

static void item_fit(struct ui_state *s)
{
	if (s->has_item) {
		scroll_text(s, 0);
		scroll_pane(s, 0);
	}
}

const struct ui_view_def ui_item_view = {
	.name = "item",
	.move = item_move,
	.back = item_back,
	.fit = item_fit,
};

int ui_item_open_current(struct ui_state *s)
{
	char who[128];
	if (!s->qlist.n)
		return 0;
	s->msg[0] = 0;
	if (open_row(s, ui_queue_current(s), who, sizeof who) == REVIEW_MEANWHILE)
		return moved_on(s, who);
	return UI_REDRAW;
}
