/*
 * ui_dash_view: the dashboard view's state and actions: opening it (d from
 * any view of review, or as `gavel dashboard`), Tab / Shift-Tab between
 * sections, a row and column cursor per section, sorting the Annotators
 * section by any column, and the drill-down: Enter on a row or cell turns
 * the figure into its store_drill queue, which replaces the review queue
 * (kept aside) until q puts it back and returns to the same cell. The
 * status line says what the selection holds. Its lines are ui_dash.c's.
 * No curses here.
 */
#include "config.h"

#include "text.h"
#include "ui_update.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ui_dash_free(struct ui_dash *d)
{
	if (d->have)
		lead_report_free(&d->rep);
	free(d->aorder);
	free(d->title);
	d->have = 0;
	d->aorder = NULL;
	d->title = NULL;
}

/* The task the sections show; NULL while only the quick figures are in. */
static const struct lead_task *task_of(const struct ui_state *s)
{
	const struct ui_dash *d = &s->dash;
	return d->have && !d->rep.quick && d->task < d->rep.ntasks ? &d->rep.tasks[d->task] : NULL;
}

/* Rows of the current section (as ui_dash_lines lays them out) and how many show. */
static size_t section_rows(const struct ui_state *s, size_t *height)
{
	struct ui_dash_screen sc;
	size_t n;
	ui_dash_lines(s, s->cols, s->rows, &sc);
	n = sc.rows.n;
	*height = sc.height;
	ui_dash_screen_free(&sc);
	return n;
}

/* Columns of the current section the column cursor moves over. */
static int section_cols(const struct ui_state *s)
{
	const struct lead_task *t = task_of(s);
	if (!t)
		return 0;
	switch (s->dash.sec) {
	case UI_DASH_ANNOTATORS:
		return UI_NACOLS;
	case UI_DASH_PAIRS:
		return t->pairs.n;
	case UI_DASH_CONFUSION:
		return (int)t->task.nlabels;
	default:
		return 0;
	}
}

/* ---- the Annotators order ---- */

static const struct lead_task *sort_task;
static enum ui_dash_acol sort_col;
static int sort_desc;

static double acol_value(const struct lead_annotator *a, enum ui_dash_acol c)
{
	const struct annotator_record *r = &a->r;
	switch (c) {
	case UI_ACOL_VOTES:
		return r->votes;
	case UI_ACOL_AGREEMENT:
		return r->agreement;
	case UI_ACOL_ACCURACY:
		return r->decided ? (double)r->correct / r->decided : NAN;
	case UI_ACOL_DS:
		return r->ds_accuracy;
	case UI_ACOL_OVERUSED:
		return r->overused >= 0 ? r->overuse : NAN;
	default:
		return NAN;
	}
}

/* By the column, NaN last whichever the direction, then by name. */
static int cmp_annotators(const void *x, const void *y)
{
	const struct lead_annotator *a = &sort_task->annotators[*(const size_t *)x];
	const struct lead_annotator *b = &sort_task->annotators[*(const size_t *)y];
	int c = 0;
	if (sort_col == UI_ACOL_NAME || sort_col == UI_ACOL_OVERUSED) {
		if (sort_col == UI_ACOL_OVERUSED) {
			double va = acol_value(a, sort_col), vb = acol_value(b, sort_col);
			if (isnan(va) != isnan(vb))
				return isnan(va) ? 1 : -1;
			c = va < vb ? -1 : va > vb;
		} else {
			c = strcmp(a->name, b->name);
		}
	} else {
		double va = acol_value(a, sort_col), vb = acol_value(b, sort_col);
		if (isnan(va) != isnan(vb))
			return isnan(va) ? 1 : -1;
		c = va < vb ? -1 : va > vb;
	}
	if (sort_desc)
		c = -c;
	return c ? c : strcmp(a->name, b->name);
}

static void sort_annotators(struct ui_state *s)
{
	const struct lead_task *t = task_of(s);
	struct ui_dash *d = &s->dash;
	free(d->aorder);
	d->aorder = NULL;
	if (!t || !t->nannotators)
		return;
	d->aorder = xcalloc((size_t)t->nannotators, sizeof *d->aorder);
	for (int i = 0; i < t->nannotators; i++)
		d->aorder[i] = (size_t)i;
	sort_task = t;
	sort_col = d->sort;
	sort_desc = d->sort_desc;
	qsort(d->aorder, (size_t)t->nannotators, sizeof *d->aorder, cmp_annotators);
}

/* ---- the status line ---- */

/* Say what the selection holds; Pairs: the cell's kappa and shared items. */
static void status(struct ui_state *s)
{
	const struct lead_task *t = task_of(s);
	const struct ui_dash *d = &s->dash;
	size_t r = d->list[d->sec].cur;
	int c = d->col[d->sec];

	s->msg[0] = 0;
	if (!t)
		return;
	if (d->sec == UI_DASH_PAIRS && t->pairs.n >= 2 && r < (size_t)t->pairs.n) {
		const struct lead_pairs *p = &t->pairs;
		size_t cell = r * (size_t)p->n + (size_t)c;
		const char *a = t->annotators[p->ann[r]].name, *b = t->annotators[p->ann[c]].name;
		if ((int)r == c)
			ui_message(s, UI_MSG_INFO, "%s: %u items voted on", a, p->shared[cell]);
		else if (isnan(p->kappa[cell]))
			ui_message(s, UI_MSG_INFO, "%s vs %s: %u shared items (kappa needs %u)", a,
				   b, p->shared[cell], p->min_shared);
		else
			ui_message(s, UI_MSG_INFO, "%s vs %s: kappa %.3f on %u shared items", a, b,
				   p->kappa[cell], p->shared[cell]);
	} else if (d->sec == UI_DASH_CONFUSION && r < t->task.nlabels) {
		size_t K = t->task.nlabels;
		ui_message(s, UI_MSG_INFO, "%s / %s: %llu items", t->task.labels[r].value,
			   t->task.labels[c].value,
			   (unsigned long long)t->cooccur[r * K + (size_t)c]);
	} else if (d->sec == UI_DASH_CONFUSION && r > t->task.nlabels &&
		   r - t->task.nlabels - 1 < t->task.nlabels) {
		size_t K = t->task.nlabels, m = r - K - 1;
		ui_message(s, UI_MSG_INFO, "majority %s, expert decided %s: %ld items",
			   t->task.labels[m].value, t->task.labels[c].value,
			   t->majority_expert[m * K + (size_t)c]);
	}
}

/* ---- moving ---- */

static void fit_section(struct ui_state *s, enum ui_dash_section sec)
{
	struct ui_dash *d = &s->dash;
	enum ui_dash_section was = d->sec;
	size_t h, n;
	int cols;
	d->sec = sec;
	n = section_rows(s, &h);
	ui_list_set(&d->list[sec], n, h);
	cols = section_cols(s);
	if (d->col[sec] >= cols)
		d->col[sec] = cols > 0 ? cols - 1 : 0;
	d->sec = was;
}

static void dash_fit(struct ui_state *s)
{
	if (!s->dash.have)
		return;
	for (int i = 0; i < UI_DASH_NSECTIONS; i++)
		fit_section(s, (enum ui_dash_section)i);
}

static int dash_move(struct ui_state *s, enum ui_action a)
{
	struct ui_dash *d = &s->dash;
	struct ui_list *l = &d->list[d->sec];
	size_t h, n = section_rows(s, &h);

	l->n = n;
	ui_list_act(l, a, h);
	if (d->sec == UI_DASH_TASKS && d->task != l->cur && l->cur < d->rep.ntasks) {
		d->task = l->cur;
		sort_annotators(s);
		dash_fit(s);
	}
	status(s);
	return UI_REDRAW;
}

int ui_dash_do_cell(struct ui_state *s, enum ui_action a, int arg)
{
	struct ui_dash *d = &s->dash;
	int n = section_cols(s);
	if (!n)
		return 0;
	d->col[d->sec] += a == ACT_CELL_LEFT ? -1 : 1;
	if (d->col[d->sec] < 0)
		d->col[d->sec] = 0;
	if (d->col[d->sec] >= n)
		d->col[d->sec] = n - 1;
	status(s);
	return UI_REDRAW;
}

int ui_dash_do_section(struct ui_state *s, enum ui_action a, int arg)
{
	struct ui_dash *d = &s->dash;
	int step = a == ACT_SECTION_PREV ? UI_DASH_NSECTIONS - 1 : 1;
	d->sec = (enum ui_dash_section)((d->sec + step) % UI_DASH_NSECTIONS);
	fit_section(s, d->sec);
	status(s);
	return UI_REDRAW;
}

int ui_dash_do_sort(struct ui_state *s, enum ui_action a, int arg)
{
	struct ui_dash *d = &s->dash;
	enum ui_dash_acol c = (enum ui_dash_acol)d->col[UI_DASH_ANNOTATORS];
	if (d->sec != UI_DASH_ANNOTATORS) {
		ui_message(s, UI_MSG_INFO, "only the Annotators section sorts (Tab to it)");
		return UI_REDRAW;
	}
	if (d->sort == c)
		d->sort_desc = !d->sort_desc;
	else {
		d->sort = c;
		/* names read best A to Z, figures largest first */
		d->sort_desc = c != UI_ACOL_NAME;
	}
	sort_annotators(s);
	ui_message(s, UI_MSG_INFO, "annotators sorted by %s, %s",
		   c == UI_ACOL_NAME	    ? "name"
		   : c == UI_ACOL_VOTES	    ? "votes"
		   : c == UI_ACOL_AGREEMENT ? "agreement"
		   : c == UI_ACOL_ACCURACY  ? "accuracy against experts"
		   : c == UI_ACOL_DS	    ? "Dawid-Skene accuracy"
					    : "over-use",
		   d->sort_desc ? "largest first" : "smallest first");
	return UI_REDRAW;
}

/* ---- opening and leaving ---- */

/* Compute the figures and show the Tasks section (or, from an open item or
 * a queue row, that task's). */
static int open_with(struct ui_state *s, const char *task, int quick)
{
	char err[GV_ERR];
	struct ui_dash *d = &s->dash;
	struct lead_report rep;
	int (*build)(void *, const char *, struct lead_report *, char *) =
		quick && s->be->dashboard_quick ? s->be->dashboard_quick : s->be->dashboard;

	if (!build) {
		ui_message(s, UI_MSG_INFO, "the dashboard is not available here");
		return UI_REDRAW;
	}
	if (build(s->be->ctx, NULL, &rep, err)) {
		ui_message(s, UI_MSG_ERROR, "%s", err);
		return UI_REDRAW;
	}
	ui_dash_free(d);
	d->rep = rep;
	d->have = 1;
	d->stale = 0;
	d->refresh = 0;
	d->pending = d->pending > 0; /* one still running delivers; a failure is retried */
	d->task = 0;
	for (size_t i = 0; task && i < rep.ntasks; i++)
		if (strcmp(rep.tasks[i].task.name, task) == 0)
			d->task = i;
	memset(d->list, 0, sizeof d->list);
	memset(d->col, 0, sizeof d->col);
	d->list[UI_DASH_TASKS].cur = d->task;
	d->sec = UI_DASH_TASKS;
	d->sort = UI_ACOL_VOTES;
	d->sort_desc = 1;
	sort_annotators(s);
	if (s->view != UI_DASH)
		d->back = s->view;
	s->view = UI_DASH;
	dash_fit(s);
	status(s);
	if (!rep.ntasks)
		ui_message(s, UI_MSG_INFO, "this project has no tasks yet");
	return UI_REDRAW;
}

int ui_dash_open(struct ui_state *s, const char *task)
{
	return open_with(s, task, 0);
}

int ui_dash_open_quick(struct ui_state *s, const char *task)
{
	return open_with(s, task, 1);
}

int ui_dash_do_open(struct ui_state *s, enum ui_action a, int arg)
{
	const char *task = NULL;
	size_t idx;
	if (s->view == UI_ITEM && s->has_item)
		task = s->item.task.name;
	else if (s->view == UI_QUEUE && (idx = ui_queue_current(s)) != (size_t)-1)
		task = s->qrows[idx].task;
	return ui_dash_open_quick(s, task);
}

static int dash_back(struct ui_state *s)
{
	if (s->dash.back == UI_DASH) {
		s->quit = 1;
		return UI_REDRAW | UI_QUIT_NOW;
	}
	s->view = s->dash.back;
	/* a drill-down closed the item the dashboard was opened over */
	if (s->view == UI_ITEM && !s->has_item)
		s->view = UI_QUEUE;
	return UI_REDRAW;
}

int ui_dash_drill_of(const struct ui_state *s, struct store_drill *dr, const char **why)
{
	const struct lead_task *t = task_of(s);
	const struct ui_dash *d = &s->dash;
	size_t r = d->list[d->sec].cur, K;
	int c = d->col[d->sec];

	memset(dr, 0, sizeof *dr);
	*why = d->rep.quick ? "still computing the figures" : "nothing to open here";
	if (!t)
		return -1;
	K = t->task.nlabels;
	dr->task = t->task.name;
	switch (d->sec) {
	case UI_DASH_LABELS:
		if (r >= K || t->labels[r].confused_with < 0) {
			*why = "no other label is given to this label's items";
			return -1;
		}
		dr->kind = DRILL_CONFUSED;
		dr->a = t->task.labels[r].value;
		dr->b = t->task.labels[t->labels[r].confused_with].value;
		return 0;
	case UI_DASH_ANNOTATORS:
		if (r >= (size_t)t->nannotators)
			return -1;
		dr->kind = DRILL_OVERRULED;
		dr->a = t->annotators[d->aorder ? d->aorder[r] : r].name;
		return 0;
	case UI_DASH_PAIRS:
		if (t->pairs.n < 2 || r >= (size_t)t->pairs.n || (int)r == c) {
			*why = "pick a cell off the diagonal: a pair of annotators";
			return -1;
		}
		dr->kind = DRILL_PAIR;
		dr->a = t->annotators[t->pairs.ann[r]].name;
		dr->b = t->annotators[t->pairs.ann[c]].name;
		return 0;
	case UI_DASH_CONFUSION:
		/* rows 0..K-1 the top matrix, K its title, K+1..2K majority / expert */
		if (r > K && r <= 2 * K && (size_t)c < K) {
			dr->kind = DRILL_MAJORITY;
			dr->a = t->task.labels[r - K - 1].value;
			dr->b = t->task.labels[c].value;
			return 0;
		}
		if (r >= K || (size_t)c == r) {
			*why = "pick a cell off the diagonal of the top matrix, or a cell of "
			       "majority / expert";
			return -1;
		}
		dr->kind = DRILL_CONFUSED;
		dr->a = t->task.labels[r].value;
		dr->b = t->task.labels[c].value;
		return 0;
	case UI_DASH_DISTRIBUTION:
		/* rows 0..LEAD_BINS-1 the bands, LEAD_BINS a title, then the buckets */
		if (r > LEAD_BINS && r - LEAD_BINS - 1 < t->nbuckets && !t->by_week) {
			dr->kind = DRILL_BATCH;
			dr->batch = t->buckets[r - LEAD_BINS - 1].event;
			return 0;
		}
		if (r >= LEAD_BINS) {
			*why = t->by_week
				       ? "a week's items are not a queue; pick a band of agreement"
				       : "pick a band of agreement or an import batch";
			return -1;
		}
		dr->kind = DRILL_AGREEMENT;
		dr->lo = (double)r / LEAD_BINS;
		dr->hi = (double)(r + 1) / LEAD_BINS;
		return 0;
	case UI_DASH_RULES:
		if (r >= t->nrules || !t->rules[r].rule) {
			*why = "decisions citing no rule are not a queue; pick a rule";
			return -1;
		}
		dr->kind = DRILL_RULE;
		dr->rule = t->rules[r].rule;
		return 0;
	default:
		return -1;
	}
}

/* Put the drill-down queue's rows in place of the queue, which is kept. */
static void stash_queue(struct ui_state *s)
{
	struct ui_queue_stash *k = &s->dash.stash;
	k->queue = s->queue;
	k->qrows = s->qrows;
	k->nq = s->nq;
	k->qtotal = s->qtotal;
	k->order = s->order;
	k->qlist = s->qlist;
	k->sort = s->sort;
	k->filter = s->filter;
	k->blind = s->blind;
	k->shits = s->shits;
	memcpy(k->search, s->search, sizeof k->search);
}

static void unstash_queue(struct ui_state *s)
{
	struct ui_queue_stash *k = &s->dash.stash;
	store_review_rows_free(s->qrows, s->nq);
	free(s->order);
	free(s->queue);
	free(s->shits);
	s->queue = k->queue;
	s->qrows = k->qrows;
	s->nq = k->nq;
	s->qtotal = k->qtotal;
	s->order = k->order;
	s->qlist = k->qlist;
	s->sort = k->sort;
	s->filter = k->filter;
	s->blind = k->blind;
	s->shits = k->shits;
	memcpy(s->search, k->search, sizeof s->search);
	memset(k, 0, sizeof *k);
}

static int dash_open(struct ui_state *s)
{
	struct ui_dash *d = &s->dash;
	struct store_drill dr;
	struct review_row *rows = NULL;
	size_t n = 0, total = 0;
	char *title = NULL, err[GV_ERR];
	const char *why;

	if (d->sec == UI_DASH_TASKS) {
		if (!d->rep.ntasks)
			return 0;
		d->sec = UI_DASH_LABELS;
		fit_section(s, d->sec);
		status(s);
		return UI_REDRAW;
	}
	if (ui_dash_drill_of(s, &dr, &why)) {
		ui_message(s, UI_MSG_INFO, "%s", why);
		return UI_REDRAW;
	}
	if (!s->be->drill) {
		ui_message(s, UI_MSG_INFO, "drill-down is not available here");
		return UI_REDRAW;
	}
	if (s->be->drill(s->be->ctx, &dr, &rows, &n, &total, &title, err)) {
		ui_message(s, UI_MSG_ERROR, "%s", err);
		return UI_REDRAW;
	}
	ui_item_close(s);
	if (d->drilled)
		unstash_queue(s);
	stash_queue(s);
	d->drilled = 1;
	s->queue = title;
	s->qrows = rows;
	s->nq = n;
	s->qtotal = total > n ? total : n;
	s->order = xcalloc(n ? n : 1, sizeof *s->order);
	s->shits = NULL;
	s->search[0] = 0;
	s->sort = UI_SORT_QUEUE;
	s->filter = UI_FILTER_ALL;
	s->blind = s->force_blind;
	memset(&s->qlist, 0, sizeof s->qlist);
	s->view = UI_QUEUE;
	ui_queue_rebuild(s);
	ui_queue_refresh_visible(s);
	{
		char *clean = text_clean(title);
		ui_message(s, UI_MSG_INFO, "%s (q: back to the dashboard)", clean);
		free(clean);
	}
	return UI_REDRAW;
}

/* Show newly computed figures, keeping the section, the task and the
 * cursors (clamped to the new rows by dash_fit); they are up to date
 * unless a decision was saved after their computation started. */
static void dash_install(struct ui_state *s, struct lead_report *rep)
{
	struct ui_dash *d = &s->dash;
	lead_report_free(&d->rep);
	d->rep = *rep;
	if (!d->stale)
		d->refresh = 0;
	if (d->task >= rep->ntasks)
		d->task = rep->ntasks ? rep->ntasks - 1 : 0;
	sort_annotators(s);
}

/* Compute the figures here, for a backend without a thread of its own. */
static int dash_refresh(struct ui_state *s)
{
	struct lead_report rep;
	char err[GV_ERR];

	s->dash.stale = 0;
	if (!s->be->dashboard || s->be->dashboard(s->be->ctx, NULL, &rep, err)) {
		ui_message(s, UI_MSG_ERROR, "the figures are out of date: %s",
			   s->be->dashboard ? err : "the dashboard is not available here");
		return -1;
	}
	dash_install(s, &rep);
	return 0;
}

/* Back on the same cell at once: figures that decisions in the drill-down
 * changed are shown as they were, marked as updating, while ui_dash_idle
 * recomputes them in the background. */
int ui_dash_drill_close(struct ui_state *s)
{
	struct ui_dash *d = &s->dash;
	if (!d->drilled)
		return 0;
	ui_item_close(s);
	unstash_queue(s);
	d->drilled = 0;
	s->view = UI_DASH;
	if (d->stale && d->have) {
		d->refresh = 1;
		if (d->pending < 0)
			d->pending = 0; /* an earlier failure is tried again */
	}
	dash_fit(s);
	status(s);
	return UI_REDRAW;
}

/* Figures to compute: the quick ones shown, or out of date and the
 * dashboard in sight (not while a drill-down is open, where every decision
 * would start another computation). */
static int wants_figures(const struct ui_dash *d)
{
	return d->have && d->pending >= 0 && (d->rep.quick || (d->refresh && !d->drilled));
}

int ui_dash_busy(const struct ui_state *s)
{
	const struct ui_dash *d = &s->dash;
	return d->pending > 0 || wants_figures(d);
}

int ui_dash_idle(struct ui_state *s, int wait)
{
	struct ui_dash *d = &s->dash;
	struct lead_report rep;
	char err[GV_ERR];
	int rc;

	if (!d->have || (d->pending <= 0 && !wants_figures(d)))
		return 0;
	if (!s->be->dashboard_start || !s->be->dashboard_poll) {
		if (dash_refresh(s)) {
			d->pending = -1; /* said once; reopening tries again */
			return UI_REDRAW;
		}
	} else {
		if (!d->pending) {
			if (s->be->dashboard_start(s->be->ctx, err)) {
				ui_message(s, UI_MSG_ERROR, "%s", err);
				d->pending = -1;
				return UI_REDRAW;
			}
			d->stale = 0; /* a decision from now on is not in these figures */
			d->pending = 1;
		}
		rc = s->be->dashboard_poll(s->be->ctx, wait, &rep, err);
		if (rc == 0)
			return 0;
		if (rc < 0) {
			ui_message(s, UI_MSG_ERROR, "the figures could not be computed: %s", err);
			d->pending = -1;
			return UI_REDRAW;
		}
		d->pending = 0;
		dash_install(s, &rep);
	}
	dash_fit(s);
	if (s->view == UI_DASH)
		status(s); /* the status line is the dashboard's only when it shows */
	return UI_REDRAW;
}

void ui_dash_state_free(struct ui_state *s)
{
	if (s->dash.drilled) {
		/* the queue shown is the drill-down's: free the one put aside */
		struct ui_queue_stash *k = &s->dash.stash;
		store_review_rows_free(k->qrows, k->nq);
		free(k->order);
		free(k->queue);
		free(k->shits);
		memset(k, 0, sizeof *k);
		s->dash.drilled = 0;
	}
	ui_dash_free(&s->dash);
}

const struct ui_view_def ui_dash_view = {
	.name = "dashboard",
	.move = dash_move,
	.open = dash_open,
	.back = dash_back,
	.fit = dash_fit,
};
