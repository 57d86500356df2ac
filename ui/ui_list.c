/*
 * ui_list: the one list widget every list view moves on (the queue, the
 * queue picker, and the help, history and calibration views, which scroll
 * it as a pager), the move actions that drive it through the view's
 * callbacks, and text wrapping, shared by the item view's update side
 * (how far the text scrolls) and its draw side. No curses here.
 */
#include "config.h"

#include "text.h"
#include "ui_update.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* ---- the list widget ---- */

void ui_list_clamp(struct ui_list *l, size_t height)
{
	if (!height)
		height = 1;
	if (l->n == 0) {
		l->cur = l->top = 0;
		return;
	}
	if (l->cur >= l->n)
		l->cur = l->n - 1;
	if (l->cur < l->top)
		l->top = l->cur;
	if (l->cur >= l->top + height)
		l->top = l->cur - height + 1;
	if (l->top + height > l->n)
		l->top = l->n > height ? l->n - height : 0;
}

void ui_list_move(struct ui_list *l, long delta, size_t height)
{
	if (delta < 0 && (size_t)-delta > l->cur)
		l->cur = 0;
	else
		l->cur = (size_t)((long)l->cur + delta);
	ui_list_clamp(l, height);
}

void ui_list_set(struct ui_list *l, size_t n, size_t height)
{
	l->n = n;
	ui_list_clamp(l, height);
}

size_t ui_list_height(const struct ui_state *s)
{
	return s->rows > 5 ? (size_t)s->rows - 5 : 1;
}

int ui_list_do_move(struct ui_state *s, enum ui_action a, int arg)
{
	const struct ui_view_def *v = ui_views[s->view];
	struct ui_list *l = v->list ? v->list(s) : NULL;
	size_t h = ui_list_height(s);
	long page = (long)(h > 1 ? h - 1 : 1);

	if (!l)
		return v->move ? v->move(s, a) : 0;
	if (v->pager) {
		/* Plain scrolling views: the cursor is the first visible line. */
		long max = l->n > h ? (long)(l->n - h) : 0;
		long top = (long)l->top;
		switch (a) {
		case ACT_UP:
			top--;
			break;
		case ACT_DOWN:
			top++;
			break;
		case ACT_PAGE_UP:
			top -= page;
			break;
		case ACT_PAGE_DOWN:
			top += page;
			break;
		case ACT_TOP:
			top = 0;
			break;
		default:
			top = max;
			break;
		}
		l->top = (size_t)(top < 0 ? 0 : top > max ? max : top);
		l->cur = l->top;
		return UI_REDRAW;
	}
	ui_list_act(l, a, h);
	if (v->moved)
		v->moved(s);
	return UI_REDRAW;
}

void ui_list_act(struct ui_list *l, enum ui_action a, size_t height)
{
	long page = (long)(height > 1 ? height - 1 : 1);
	switch (a) {
	case ACT_UP:
		ui_list_move(l, -1, height);
		break;
	case ACT_DOWN:
		ui_list_move(l, 1, height);
		break;
	case ACT_PAGE_UP:
		ui_list_move(l, -page, height);
		break;
	case ACT_PAGE_DOWN:
		ui_list_move(l, page, height);
		break;
	case ACT_TOP:
		ui_list_move(l, -(long)l->n, height);
		break;
	default:
		ui_list_move(l, (long)l->n, height);
		break;
	}
}

/* ---- text wrapping (pure; shared with draw) ---- */

static size_t char_width(const char *p, size_t n)
{
	char tmp[8];
	memcpy(tmp, p, n);
	tmp[n] = 0;
	return text_width(tmp);
}

size_t ui_wrap(const char *s, size_t width, size_t *starts, size_t *lens, size_t cap)
{
	size_t nlines = 0, i = 0, len = strlen(s);

	if (!width)
		width = 1;
	for (;;) {
		size_t start = i, w = 0, brk = (size_t)-1, end, next;
		while (i < len && s[i] != '\n') {
			size_t cl = utf8_next(s, i, len) - i, cw;
			cw = char_width(s + i, cl);
			/* A character wider than the whole line is taken anyway. */
			if (w + cw > width && i > start)
				break;
			if (s[i] == ' ')
				brk = i;
			w += cw;
			i += cl;
		}
		end = next = i;
		if (i < len && s[i] == ' ') {
			next = i + 1;
		} else if (i < len && s[i] != '\n') {
			if (brk != (size_t)-1 && brk > start) {
				end = brk;
				next = brk + 1;
			}
		} else if (i < len) {
			next = i + 1;
		}
		if (starts && nlines < cap) {
			starts[nlines] = start;
			lens[nlines] = end - start;
		}
		nlines++;
		i = next;
		if (i >= len)
			break;
	}
	return nlines;
}
