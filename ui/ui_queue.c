/*
 * ui_queue: the queue view's actions: the rows shown after sort and filter,
 * their status refreshed from the database as they come into sight, search
 * (the row's own columns here, text, metadata and annotators through the
 * backend; nothing blind mode hides can be found), and the queue picker
 * that switches to another of the project's queues. Also the queue and
 * picker views' callbacks. No curses here.
 */
#include "config.h"

#include "text.h"
#include "ui_update.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- rows ---- */

int ui_row_revealed(const struct ui_state *s, const struct review_row *r)
{
	return !s->blind || r->status == REVIEW_MINE;
}

size_t ui_queue_current(const struct ui_state *s)
{
	if (!s->qlist.n)
		return (size_t)-1;
	return s->order[s->qlist.cur];
}

void ui_queue_refresh_row(struct ui_state *s, size_t idx)
{
	char err[GV_ERR];
	if (s->be && s->be->row_status && idx < s->nq &&
	    s->be->row_status(s->be->ctx, &s->qrows[idx], err))
		ui_message(s, UI_MSG_ERROR, "%s", err);
}

void ui_queue_refresh_visible(struct ui_state *s)
{
	size_t h = ui_list_height(s), n = 0;
	struct review_row **v;
	char err[GV_ERR];

	if (!s->be || !s->be->rows_status) {
		for (size_t i = s->qlist.top; i < s->qlist.n && i < s->qlist.top + h; i++)
			ui_queue_refresh_row(s, s->order[i]);
		return;
	}
	/* One statement for the rows in sight, not one per row. */
	v = xcalloc(h ? h : 1, sizeof *v);
	for (size_t i = s->qlist.top; i < s->qlist.n && i < s->qlist.top + h; i++)
		v[n++] = &s->qrows[s->order[i]];
	if (n && s->be->rows_status(s->be->ctx, v, n, err))
		ui_message(s, UI_MSG_ERROR, "%s", err);
	free(v);
}

/* ---- sort and filter ---- */

static const char *const sort_names[UI_NSORTS] = {"queue order", "agreement", "model confidence",
						  "item id"};
static const char *const filter_names[UI_NFILTERS] = {"all items", "open items", "decided items"};

static int cmp_rows(const void *a, const void *b, void *ctx)
{
	const struct ui_state *s = ctx;
	const struct review_row *x = &s->qrows[*(const size_t *)a];
	const struct review_row *y = &s->qrows[*(const size_t *)b];
	double dx = 0, dy = 0;
	int c = 0;

	switch (s->sort) {
	case UI_SORT_AGREEMENT:
		dx = isnan(x->agreement) ? 2 : x->agreement;
		dy = isnan(y->agreement) ? 2 : y->agreement;
		break;
	case UI_SORT_MODEL:
		dx = isnan(x->model_conf) ? 2 : x->model_conf;
		dy = isnan(y->model_conf) ? 2 : y->model_conf;
		break;
	case UI_SORT_ID:
		c = strcmp(x->external_id ? x->external_id : "",
			   y->external_id ? y->external_id : "");
		break;
	default:
		break;
	}
	if (dx != dy)
		return dx < dy ? -1 : 1;
	if (c)
		return c;
	return *(const size_t *)a < *(const size_t *)b ? -1
						       : *(const size_t *)a > *(const size_t *)b;
}

int ui_queue_row_done(const struct review_row *r)
{
	return r->status == REVIEW_MINE || r->status == REVIEW_OTHER;
}

/* Rebuild the shown rows after a sort or filter change, keeping the cursor's row. */
void ui_queue_rebuild(struct ui_state *s)
{
	size_t keep = ui_queue_current(s), n = 0;

	if (s->filter != UI_FILTER_ALL && s->be && s->be->rows_status && s->nq) {
		/* One query for the loaded rows: per row, a filter of 2,000 rows
		 * took 400 ms on a ten-million-item project. */
		struct review_row **v = xcalloc(s->nq, sizeof *v);
		char err[GV_ERR];
		for (size_t i = 0; i < s->nq; i++)
			v[i] = &s->qrows[i];
		if (s->be->rows_status(s->be->ctx, v, s->nq, err))
			ui_message(s, UI_MSG_ERROR, "%s", err);
		free(v);
	} else if (s->filter != UI_FILTER_ALL) {
		for (size_t i = 0; i < s->nq; i++)
			ui_queue_refresh_row(s, i);
	}
	for (size_t i = 0; i < s->nq; i++) {
		const struct review_row *r = &s->qrows[i];
		if (s->filter == UI_FILTER_OPEN && ui_queue_row_done(r))
			continue;
		if (s->filter == UI_FILTER_DONE && !ui_queue_row_done(r))
			continue;
		s->order[n++] = i;
	}
	if (s->sort != UI_SORT_QUEUE)
		qsort_r(s->order, n, sizeof *s->order, cmp_rows, s);
	s->qlist.n = n;
	s->qlist.cur = 0;
	for (size_t i = 0; i < n; i++) {
		if (s->order[i] == keep) {
			s->qlist.cur = i;
			break;
		}
	}
	ui_list_clamp(&s->qlist, ui_list_height(s));
}

/* ---- search ---- */

/* Where a row matched, besides the database's REVIEW_HIT_* bits. */
enum {
	HIT_ID = 1 << 3,
	HIT_TASK = 1 << 4,
	HIT_VOTES = 1 << 5,
	HIT_MODEL = 1 << 6,
	HIT_REASON = 1 << 7
};

/* shits[i]: the REVIEW_HIT_* bits of qrows[i], and whether the database was
 * asked about it yet. */
#define SEARCH_ASKED 0x40
#define SEARCH_HITS  (REVIEW_HIT_TEXT | REVIEW_HIT_META | REVIEW_HIT_ANNOTATOR)
/* Rows the database is asked about at once: what one key or one idle step
 * costs (the whole 2,000 took 25 to 40 ms on a ten-million-item project). */
#define SEARCH_CHUNK 250

/* Ask the database (text, metadata, annotators) about rows idx[0..n). */
static void search_ask(struct ui_state *s, const size_t *idx, size_t n)
{
	char err[GV_ERR];
	int64_t *ids;
	unsigned char *hits;

	for (size_t i = 0; i < n; i++)
		s->shits[idx[i]] = SEARCH_ASKED;
	if (!s->be->search || !n)
		return;
	ids = xcalloc(n, sizeof *ids);
	hits = xcalloc(n, 1);
	for (size_t i = 0; i < n; i++)
		ids[i] = s->qrows[idx[i]].item;
	/* Blind, who voted on an item is part of its votes. */
	if (s->be->search(s->be->ctx, ids, n, s->search, !s->blind, hits, err))
		ui_message(s, UI_MSG_ERROR, "search: %s", err);
	for (size_t i = 0; i < n; i++)
		s->shits[idx[i]] |= hits[i] & SEARCH_HITS;
	free(hits);
	free(ids);
}

/* Make room for every loaded row in shits (new rows: not asked yet). */
static void search_grow(struct ui_state *s, size_t from)
{
	s->shits = xrealloc(s->shits, s->nq ? s->nq : 1);
	if (s->nq > from)
		memset(s->shits + from, 0, s->nq - from);
}

/* Ask about up to SEARCH_CHUNK rows not asked yet, in shown order from
 * position pos in direction dir. */
static void search_chunk(struct ui_state *s, size_t pos, int dir)
{
	size_t n = s->qlist.n, m = 0, idx[SEARCH_CHUNK];
	for (size_t k = 0; k < n && m < SEARCH_CHUNK; k++) {
		size_t p = dir > 0 ? (pos + k) % n : (pos + n - k % n) % n;
		if (!(s->shits[s->order[p]] & SEARCH_ASKED))
			idx[m++] = s->order[p];
	}
	search_ask(s, idx, m);
}

/* Ask about up to SEARCH_CHUNK loaded rows not asked yet (shown or not).
 * Returns 1 when rows remain. */
static int search_rest(struct ui_state *s)
{
	size_t m = 0, idx[SEARCH_CHUNK], i;
	for (i = 0; i < s->nq && m < SEARCH_CHUNK; i++)
		if (!(s->shits[i] & SEARCH_ASKED))
			idx[m++] = i;
	search_ask(s, idx, m);
	for (; i < s->nq; i++)
		if (!(s->shits[i] & SEARCH_ASKED))
			return 1;
	return 0;
}

/* Where qrows[idx] matches the search: HIT_* and REVIEW_HIT_* bits. */
static unsigned row_hits(const struct ui_state *s, size_t idx)
{
	const struct review_row *r = &s->qrows[idx];
	const char *q = s->search;
	int open = ui_row_revealed(s, r);
	unsigned h = s->shits ? s->shits[idx] & SEARCH_HITS : 0;

	if (r->external_id && strcasestr(r->external_id, q))
		h |= HIT_ID;
	if (r->task && strcasestr(r->task, q))
		h |= HIT_TASK;
	/* What blind mode hides cannot be found either: a match would tell. */
	if (open && ((r->votes && strcasestr(r->votes, q)) ||
		     (r->votes_short && strcasestr(r->votes_short, q))))
		h |= HIT_VOTES;
	if (open && r->model_label && strcasestr(r->model_label, q))
		h |= HIT_MODEL;
	if (open && r->reason && strcasestr(r->reason, q))
		h |= HIT_REASON;
	return h;
}

static const char *hit_name(unsigned h)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{HIT_ID, "item id"},	       {HIT_TASK, "task"},
		{HIT_VOTES, "votes"},	       {HIT_MODEL, "model"},
		{HIT_REASON, "reason"},	       {REVIEW_HIT_TEXT, "text"},
		{REVIEW_HIT_META, "metadata"}, {REVIEW_HIT_ANNOTATOR, "annotator names"},
	};
	for (size_t i = 0; i < GV_ARRAY_LEN(names); i++)
		if (h & names[i].bit)
			return names[i].name;
	return "";
}

/* The final word on a search whose rows are all asked: which match of how
 * many, and where (found: a position in the shown rows). */
static void search_said(struct ui_state *s, size_t found, int wrapped)
{
	size_t total = 0, nth = 0;
	char *q = text_clean(s->search);
	for (size_t i = 0; i < s->qlist.n; i++) {
		if (!row_hits(s, s->order[i]))
			continue;
		total++;
		if (i == found)
			nth = total;
	}
	ui_message(s, UI_MSG_INFO, "/%s: match %zu of %zu (%s)%s; n/N: next/previous", q, nth,
		   total, hit_name(row_hits(s, s->order[found])), wrapped ? ", wrapped" : "");
	free(q);
}

/* Move to the next (dir 1) or previous (-1) shown row matching the search,
 * wrapping around; the message says which match of how many, and where.
 * The database is asked about SEARCH_CHUNK rows at most per key: what is
 * left is asked between keys (ui_queue_idle), which then finishes the
 * search (moves to the match, or counts the matches) unless another key
 * came first. */
int ui_queue_search(struct ui_state *s, int dir)
{
	size_t n = s->qlist.n, found = (size_t)-1, asked = 0;
	int rest = 0;
	char *q;

	s->spending = 0;
	if (!s->search[0]) {
		ui_message(s, UI_MSG_INFO, "no search yet: press /");
		return UI_REDRAW;
	}
	if (!s->shits)
		search_grow(s, 0);
	for (size_t k = 1; k <= n && found == (size_t)-1; k++) {
		size_t pos = dir > 0 ? (s->qlist.cur + k) % n : (s->qlist.cur + n - k % n) % n;
		if (!(s->shits[s->order[pos]] & SEARCH_ASKED)) {
			if (asked++) {
				rest = 1;
				break;
			}
			search_chunk(s, pos, dir);
		}
		if (row_hits(s, s->order[pos]))
			found = pos;
	}
	for (size_t i = 0; i < s->nq && !rest; i++)
		rest = !(s->shits[i] & SEARCH_ASKED);
	q = text_clean(s->search);
	if (found == (size_t)-1 && rest) {
		ui_message(s, UI_MSG_INFO, "/%s: searching...", q);
		s->spending = dir;
	} else if (found == (size_t)-1) {
		ui_message(s, UI_MSG_ERROR, "not found: %s", q);
	} else {
		int wrapped = dir > 0 ? found <= s->qlist.cur : found >= s->qlist.cur;
		s->qlist.cur = found;
		ui_list_clamp(&s->qlist, ui_list_height(s));
		ui_queue_refresh_visible(s);
		if (rest) {
			ui_message(s, UI_MSG_INFO, "/%s: match (%s)%s, counting the others...", q,
				   hit_name(row_hits(s, s->order[found])),
				   wrapped ? ", wrapped" : "");
			s->spending = 2 * dir;
			s->swrapped = wrapped;
		} else {
			search_said(s, found, wrapped);
		}
	}
	free(q);
	s->sseq = s->msg_seq;
	s->scur = s->qlist.cur;
	return UI_REDRAW;
}

/* The search's deferred part: ask about the rows left and, once all are
 * asked, finish what the key began, unless a key since changed the message
 * or moved the cursor. */
static int search_idle(struct ui_state *s, int wait)
{
	int dir = s->spending;
	if (!dir || !s->shits)
		return 0;
	if (s->msg_seq != s->sseq || s->qlist.cur != s->scur) {
		s->spending = 0;
		return 0;
	}
	while (search_rest(s))
		if (!wait)
			return 0;
	s->spending = 0;
	if (dir == 1 || dir == -1)
		ui_queue_search(s, dir);
	else
		search_said(s, s->qlist.cur, s->swrapped);
	return UI_REDRAW;
}

/* ---- the rest of a long queue ---- */

/* Add rows (the queue's next page, owned by the screen from now on) after
 * the loaded ones, keeping the sort, the filter, the search and the
 * cursor's row. */
static void queue_append(struct ui_state *s, struct review_row *rows, size_t n)
{
	size_t old = s->nq;

	s->qrows = xrealloc(s->qrows, (old + n) * sizeof *s->qrows);
	memcpy(s->qrows + old, rows, n * sizeof *rows);
	free(rows);
	s->nq += n;
	s->qmore_of = s->qrows;
	s->order = xrealloc(s->order, s->nq * sizeof *s->order);
	if (s->shits) {
		search_grow(s, old);
		for (size_t i = old; i < s->nq; i += SEARCH_CHUNK) {
			size_t idx[SEARCH_CHUNK], m = 0;
			for (size_t j = i; j < s->nq && m < SEARCH_CHUNK; j++)
				idx[m++] = j;
			search_ask(s, idx, m);
		}
	}
	if (s->sort == UI_SORT_QUEUE && s->filter == UI_FILTER_ALL && s->qlist.n == old) {
		for (size_t i = old; i < s->nq; i++)
			s->order[s->qlist.n++] = i;
		ui_list_clamp(&s->qlist, ui_list_height(s));
	} else {
		ui_queue_rebuild(s);
	}
	ui_queue_refresh_visible(s);
}

int ui_queue_idle(struct ui_state *s, int wait)
{
	int changed = search_idle(s, wait);

	while (s->qmore) {
		struct review_row *rows = NULL;
		size_t n = 0;
		char err[GV_ERR];
		int rc;
		/* Only into the list they belong to: a drill-down shown over the
		 * queue waits until the queue is back. */
		if (!s->be || !s->be->queue_more || s->qrows != s->qmore_of)
			break;
		rc = s->be->queue_more(s->be->ctx, &rows, &n, err);
		if (rc < 0) {
			ui_message(s, UI_MSG_ERROR, "%s", err);
			s->qmore = 0;
			return UI_REDRAW;
		}
		s->qmore = rc > 0;
		if (s->be->queue_total) {
			size_t total = s->be->queue_total(s->be->ctx);
			changed |= total != s->qtotal ? UI_REDRAW : 0;
			s->qtotal = total;
		}
		if (n) {
			queue_append(s, rows, n);
			changed = UI_REDRAW;
		} else {
			store_review_rows_free(rows, n);
		}
		if (!wait)
			break;
	}
	return changed;
}

int ui_queue_busy(const struct ui_state *s)
{
	if (s->spending && s->msg_seq == s->sseq && s->qlist.cur == s->scur)
		return 1;
	return s->qmore && s->be && s->be->queue_more && s->qrows == s->qmore_of;
}

/* ---- the queue picker ---- */

void ui_queue_infos_free(struct ui_queue_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].rule);
	}
	free(v);
}

static int open_picker(struct ui_state *s)
{
	char err[GV_ERR];
	if (!s->be->queues || !s->be->queue_load) {
		ui_message(s, UI_MSG_INFO, "no other queue to switch to");
		return UI_REDRAW;
	}
	ui_queue_infos_free(s->queues, s->nqueues);
	s->queues = NULL;
	s->nqueues = 0;
	if (s->be->queues(s->be->ctx, &s->queues, &s->nqueues, err)) {
		ui_message(s, UI_MSG_ERROR, "%s", err);
		return UI_REDRAW;
	}
	if (s->view == UI_ITEM) {
		ui_item_close(s);
		s->view = UI_QUEUE;
	}
	s->back = s->view;
	s->view = UI_PICKER;
	memset(&s->plist, 0, sizeof s->plist);
	ui_list_set(&s->plist, s->nqueues, ui_list_height(s));
	for (size_t i = 0; i < s->nqueues; i++)
		if (s->queue && strcmp(s->queues[i].name, s->queue) == 0)
			s->plist.cur = i;
	ui_list_clamp(&s->plist, ui_list_height(s));
	s->msg[0] = 0;
	return UI_REDRAW;
}

static int pick_queue(struct ui_state *s)
{
	struct review_row *rows = NULL;
	size_t n = 0;
	int blind = 0;
	char err[GV_ERR], *name;

	if (!s->plist.n)
		return 0;
	name = xstrdup(s->queues[s->plist.cur].name);
	if (s->be->queue_load(s->be->ctx, name, &rows, &n, &blind, err)) {
		ui_message(s, UI_MSG_ERROR, "%s", err);
		free(name);
		return UI_REDRAW;
	}
	ui_item_close(s);
	store_review_rows_free(s->qrows, s->nq);
	free(s->order);
	free(s->queue);
	free(s->shits);
	s->shits = NULL;
	s->queue = name;
	s->qrows = rows;
	s->nq = n;
	s->qtotal = s->be->queue_total ? s->be->queue_total(s->be->ctx) : n;
	s->qmore = s->be->queue_more != NULL;
	s->qmore_of = s->qrows;
	s->order = xcalloc(n ? n : 1, sizeof *s->order);
	s->blind = blind || s->force_blind;
	if (s->blind && (s->sort == UI_SORT_AGREEMENT || s->sort == UI_SORT_MODEL))
		s->sort = UI_SORT_QUEUE;
	memset(&s->qlist, 0, sizeof s->qlist);
	s->view = UI_QUEUE;
	ui_queue_rebuild(s);
	ui_queue_refresh_visible(s);
	{
		char *clean = text_clean(name);
		/* A queue of more than a page is counted after its first
		 * screen; the header shows the count when it comes. */
		if (s->qtotal == (size_t)-1)
			ui_message(s, UI_MSG_INFO, "queue %s%s: counting its items", clean,
				   s->blind ? ", shown blind" : "");
		else
			ui_message(s, UI_MSG_INFO, "queue %s: %zu item%s%s", clean, n,
				   n == 1 ? "" : "s", s->blind ? ", shown blind" : "");
		free(clean);
	}
	return UI_REDRAW;
}

/* ---- the actions and the views ---- */

int ui_queue_do_search(struct ui_state *s, enum ui_action a, int arg)
{
	ui_input_open(s, UI_INPUT_SEARCH, NULL);
	return UI_REDRAW;
}

int ui_queue_do_search_step(struct ui_state *s, enum ui_action a, int arg)
{
	return ui_queue_search(s, a == ACT_SEARCH_PREV ? -1 : 1);
}

int ui_queue_do_sort(struct ui_state *s, enum ui_action a, int arg)
{
	s->sort = (enum ui_sort)((s->sort + 1) % UI_NSORTS);
	/* Blind, an order by agreement or model confidence would tell them. */
	while (s->blind && (s->sort == UI_SORT_AGREEMENT || s->sort == UI_SORT_MODEL))
		s->sort = (enum ui_sort)((s->sort + 1) % UI_NSORTS);
	ui_queue_rebuild(s);
	ui_queue_refresh_visible(s);
	ui_message(s, UI_MSG_INFO, "sorted by %s", sort_names[s->sort]);
	return UI_REDRAW;
}

int ui_queue_do_filter(struct ui_state *s, enum ui_action a, int arg)
{
	s->filter = (enum ui_filter)((s->filter + 1) % UI_NFILTERS);
	ui_queue_rebuild(s);
	ui_queue_refresh_visible(s);
	ui_message(s, UI_MSG_INFO, "showing %s (%zu)", filter_names[s->filter], s->qlist.n);
	return UI_REDRAW;
}

int ui_queue_do_picker(struct ui_state *s, enum ui_action a, int arg)
{
	return open_picker(s);
}

static struct ui_list *queue_list(struct ui_state *s)
{
	return &s->qlist;
}

/* Leaving the queue leaves gavel. */
static int queue_back(struct ui_state *s)
{
	s->quit = 1;
	return UI_REDRAW | UI_QUIT_NOW;
}

static void queue_fit(struct ui_state *s)
{
	ui_list_clamp(&s->qlist, ui_list_height(s));
	ui_queue_refresh_visible(s);
}

const struct ui_view_def ui_queue_view = {
	.name = "queue",
	.list = queue_list,
	.moved = ui_queue_refresh_visible,
	.open = ui_item_open_current,
	.back = queue_back,
	.fit = queue_fit,
};

static struct ui_list *picker_list(struct ui_state *s)
{
	return &s->plist;
}

static void picker_fit(struct ui_state *s)
{
	if (s->plist.n)
		ui_list_clamp(&s->plist, ui_list_height(s));
}

const struct ui_view_def ui_picker_view = {
	.name = "queue picker",
	.list = picker_list,
	.open = pick_queue,
	.back = ui_update_return,
	.fit = picker_fit,
};
