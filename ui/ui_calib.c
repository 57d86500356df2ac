/*
 * ui_calib: the calibration view's content as plain lines of styled spans,
 * laid out from the figures the backend read (model_report_compute). Per
 * model: its expected calibration error over the decided items, then the
 * ten-bin reliability table, each bin a row with its range, count, mean
 * stated confidence, accuracy against the experts and the gap between them,
 * and a bar of the accuracy with a mark where the mean confidence falls: on
 * a calibrated model the bar ends at the mark. The lines are pure (no
 * curses): the update side counts them to scroll, the draw side renders
 * them, and the update tests read them. Also the calibration view's action
 * (open it for the task at hand) and callbacks.
 */
#include "config.h"

#include "text.h"
#include "ui_update.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Columns of a bin row; the bar takes what is left, up to BAR_MAX. */
#define X_RANGE 2
#define X_N	10
#define X_CONF	17
#define X_ACC	23
#define X_GAP	29
#define X_BAR	37
#define BAR_MAX 90
/* A gap this small counts as calibrated in the bin. */
#define GAP_OK 0.1

/* Cell of a value in [0, 1] on a bar of w cells. */
static int cell(double v, int w)
{
	long c = lround(v * w);
	return (int)(c < 0 ? 0 : c > w ? w : c);
}

static void bin_line(struct ui_lines *out, const struct model_bin *b, int width)
{
	struct ui_line *ln = ui_line_add(out);
	int bw = width - X_BAR - 1, full, mark;
	double gap;
	struct sbuf bar = {0};

	if (bw > BAR_MAX)
		bw = BAR_MAX;
	ui_span_addf(ln, X_RANGE, 7, b->n ? R_NORMAL : R_DIM, "%.1f-%.1f", b->lo, b->hi);
	ui_span_addf(ln, X_N, 5, b->n ? R_NORMAL : R_DIM, "%5ld", b->n);
	if (!b->n || isnan(b->accuracy) || isnan(b->confidence)) {
		ui_span_addf(ln, X_CONF, 5, R_DIM, "%5s", "-");
		ui_span_addf(ln, X_ACC, 5, R_DIM, "%5s", "-");
		ui_span_addf(ln, X_GAP, 6, R_DIM, "%6s", "-");
		return;
	}
	gap = b->accuracy - b->confidence;
	ui_span_addf(ln, X_CONF, 5, R_MODEL, "%5.2f", b->confidence);
	ui_span_addf(ln, X_ACC, 5, R_NORMAL, "%5.2f", b->accuracy);
	ui_span_addf(ln, X_GAP, 6, fabs(gap) <= GAP_OK ? R_AGREE : R_DISPUTED, "%+6.2f", gap);
	if (bw < 4)
		return;
	full = cell(b->accuracy, bw);
	mark = cell(b->confidence, bw);
	if (mark >= bw)
		mark = bw - 1;
	for (int i = 0; i < bw; i++)
		sbuf_add(&bar, i < full ? "\u2588" : "\u00b7");
	ui_span_add(ln, X_BAR, bw, R_AGREE, bar.s);
	ui_span_add(ln, X_BAR + mark, 1, R_KEY, "\u2502");
	sbuf_free(&bar);
}

static void model_lines(struct ui_lines *out, const struct ui_calib_model *m, int width,
			int compact)
{
	struct ui_line *ln = ui_line_add(out);
	int x = 1;

	if (!m->model) {
		ui_span_add(ln, 1, width - 1, R_DIM,
			    "This task has no model predictions: nothing to calibrate.");
		return;
	}
	ui_span_add(ln, x, 6, R_TITLE, "model ");
	x += 6;
	ui_span_add(ln, x, 24, R_MODEL, m->model);
	x += (int)text_width(ln->sp[ln->n - 1].text) < 24 ? (int)text_width(ln->sp[ln->n - 1].text)
							  : 24;
	if (!m->cal.n || isnan(m->cal.ece)) {
		ui_span_addf(ln, x, width - x, R_DIM,
			     "  ECE -: no decided item has a prediction yet (%ld predicted)",
			     m->predictions);
		return;
	}
	ui_span_addf(ln, x, width - x, R_NORMAL,
		     "  ECE %.3f over %ld decided item%s (%ld predicted)%s", m->cal.ece, m->cal.n,
		     m->cal.n == 1 ? "" : "s", m->predictions,
		     compact ? ", empty bins left out" : "");
	ln = ui_line_add(out);
	ui_span_add(ln, X_RANGE, X_N - X_RANGE, R_TITLE, "conf.");
	ui_span_add(ln, X_N, 5, R_TITLE, "    n");
	ui_span_add(ln, X_CONF, 5, R_TITLE, " mean");
	ui_span_add(ln, X_ACC, 5, R_TITLE, "  acc");
	ui_span_add(ln, X_GAP, 6, R_TITLE, "   gap");
	if (width - X_BAR - 1 >= 4)
		ui_span_add(ln, X_BAR, width - X_BAR - 1, R_TITLE,
			    "accuracy vs experts, mean confidence");
	for (int b = 0; b < MODEL_BINS; b++)
		if (!compact || m->cal.bins[b].n)
			bin_line(out, &m->cal.bins[b], width);
}

static void all_lines(const struct ui_state *s, int width, int compact, struct ui_lines *out)
{
	const struct ui_calib *c = &s->calib;
	struct ui_line *ln;

	if (!c->nmodels) {
		ln = ui_line_add(out);
		ui_span_add(ln, 1, width - 1, R_DIM,
			    "This task has no model predictions: nothing to calibrate.");
	}
	for (size_t i = 0; i < c->nmodels; i++) {
		if (i)
			ui_line_add(out);
		model_lines(out, &c->models[i], width, compact);
	}
	ui_line_add(out);
	ln = ui_line_add(out);
	ui_span_add(ln, 1, 2, R_AGREE, "\u2588");
	ui_span_add(ln, 3, 38, R_NORMAL, "accuracy against expert decisions,");
	ui_span_add(ln, 38, 2, R_KEY, "\u2502");
	ui_span_add(ln, 40, width - 40, R_NORMAL, "mean stated confidence: calibrated when");
	ln = ui_line_add(out);
	ui_span_add(ln, 1, width - 1, R_NORMAL,
		    "the bar ends at the mark. gap = acc - mean; ECE = the gaps weighted by n.");
}

void ui_calib_lines(const struct ui_state *s, int width, size_t height, struct ui_lines *out)
{
	memset(out, 0, sizeof *out);
	if (!s->has_calib)
		return;
	all_lines(s, width, 0, out);
	/* Short of room (several models at 80x24): the empty bins go first. */
	if (out->n > height) {
		ui_lines_free(out);
		all_lines(s, width, 1, out);
	}
}

/* ---- the calibration view ---- */

void ui_calib_free(struct ui_calib *c)
{
	for (size_t i = 0; i < c->nmodels; i++)
		free(c->models[i].model);
	free(c->models);
	free(c->task);
	memset(c, 0, sizeof *c);
}

/* The view's line count at this width, with the scroll position kept inside it. */
static void calib_fit(struct ui_state *s)
{
	struct ui_lines l;
	size_t h = ui_list_height(s);
	long max;
	ui_calib_lines(s, s->cols, h, &l);
	s->clist.n = l.n;
	ui_lines_free(&l);
	max = s->clist.n > h ? (long)(s->clist.n - h) : 0;
	if ((long)s->clist.top > max)
		s->clist.top = (size_t)max;
	s->clist.cur = s->clist.top;
}

static void close_calib(struct ui_state *s)
{
	ui_calib_free(&s->calib);
	s->has_calib = 0;
	s->view = s->calib_back;
}

/* The task of the open item, or of the row under the queue cursor. */
static int open_calib(struct ui_state *s)
{
	char err[GV_ERR];
	const char *task = NULL;
	size_t idx;

	if (s->view == UI_ITEM && s->has_item) {
		task = s->item.task.name;
	} else if ((idx = ui_queue_current(s)) != (size_t)-1) {
		task = s->qrows[idx].task;
	} else if (s->nq) {
		task = s->qrows[0].task;
	}
	if (!task) {
		ui_message(s, UI_MSG_INFO, "no task to show: the queue is empty");
		return UI_REDRAW;
	}
	if (!s->be->calibration) {
		ui_message(s, UI_MSG_INFO, "calibration is not available here");
		return UI_REDRAW;
	}
	ui_calib_free(&s->calib);
	s->has_calib = 0;
	if (s->be->calibration(s->be->ctx, task, &s->calib, err)) {
		ui_message(s, UI_MSG_ERROR, "%s", err);
		return UI_REDRAW;
	}
	s->has_calib = 1;
	s->calib_back = s->view;
	s->view = UI_CALIB;
	memset(&s->clist, 0, sizeof s->clist);
	calib_fit(s);
	s->msg[0] = 0;
	return UI_REDRAW;
}

int ui_calib_do_open(struct ui_state *s, enum ui_action a, int arg)
{
	return open_calib(s);
}

static struct ui_list *calib_list(struct ui_state *s)
{
	return &s->clist;
}

static int calib_back(struct ui_state *s)
{
	close_calib(s);
	return UI_REDRAW;
}

static void calib_refit(struct ui_state *s)
{
	if (s->has_calib)
		calib_fit(s);
}

const struct ui_view_def ui_calib_view = {
	.name = "calibration",
	.list = calib_list,
	.pager = 1,
	.back = calib_back,
	.fit = calib_refit,
};
