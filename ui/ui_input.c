/*
 * ui_input: the one-line prompts (search, reason, flag note): opening and
 * closing them, and the keys typed into them, with readline's editing keys.
 * Enter hands the text to the module that asked (ui_queue.c searches,
 * ui_item.c keeps a reason or flags); Esc cancels, and a cancelled reason
 * is gone from the draft table too. No curses here.
 */
#include "config.h"

#include "text.h"
#include "ui_update.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ui_input_close(struct ui_state *s)
{
	s->input = UI_INPUT_NONE;
	sbuf_reset(&s->inbuf);
	s->incur = 0;
	s->draft_dirty = 0;
	s->draft_written = 0;
	free(s->edit_base);
	s->edit_base = NULL;
}

/*
 * Esc in the reason editor: what was typed is dropped, in the database too.
 * An autosave may already have written it over the draft table's row, which
 * then goes back to the reason accepted before (or away), so that nothing
 * cancelled returns when the item is opened again.
 */
static int cancel_reason(struct ui_state *s)
{
	int rc = 0;
	if (s->draft_written)
		rc = ui_item_save_draft(s, s->edit_base ? s->edit_base : "");
	ui_input_close(s);
	return rc;
}

/* Byte offset of the character before (dir -1) or after (dir 1) offset i. */
static size_t char_step(const struct sbuf *b, size_t i, int dir)
{
	return dir < 0 ? utf8_prev(b->s, i) : utf8_next(b->s, i, b->len);
}

/* Remove bytes [from, to) of the entry; the cursor ends at from. */
static void entry_cut(struct ui_state *s, size_t from, size_t to)
{
	struct sbuf *b = &s->inbuf;
	if (from >= to)
		return;
	memmove(b->s + from, b->s + to, b->len - to + 1);
	b->len -= to - from;
	s->incur = from;
	s->draft_dirty = 1;
}

static void entry_insert(struct ui_state *s, int cp)
{
	struct sbuf *b = &s->inbuf;
	char one[UTF8_MAX];
	size_t n = utf8_encode(cp, one);
	sbuf_addn(b, one, n);
	memmove(b->s + s->incur + n, b->s + s->incur, b->len - n - s->incur);
	memcpy(b->s + s->incur, one, n);
	s->incur += n;
	s->draft_dirty = 1;
}

/*
 * Editing keys of the one-line prompts (reason, flag note, search), as
 * readline has them: Left/Right (C-b/C-f), Home/End (C-a/C-e), Backspace,
 * Delete (C-d), C-w (the word before the cursor), C-u (everything before
 * it), C-k (everything after it). Returns 1 when key was one of them.
 */
static int entry_edit(struct ui_state *s, int key)
{
	struct sbuf *b = &s->inbuf;
	size_t at = s->incur;

	switch (key) {
	case UI_KEY_LEFT:
	case UI_KEY_CTRL('b'):
		s->incur = b->len ? char_step(b, at, -1) : 0;
		return 1;
	case UI_KEY_RIGHT:
	case UI_KEY_CTRL('f'):
		s->incur = b->len ? char_step(b, at, 1) : 0;
		return 1;
	case UI_KEY_HOME:
	case UI_KEY_CTRL('a'):
		s->incur = 0;
		return 1;
	case UI_KEY_END:
	case UI_KEY_CTRL('e'):
		s->incur = b->len;
		return 1;
	case UI_KEY_BACKSPACE:
		if (at)
			entry_cut(s, char_step(b, at, -1), at);
		return 1;
	case UI_KEY_DELETE:
	case UI_KEY_CTRL('d'):
		if (at < b->len)
			entry_cut(s, at, char_step(b, at, 1));
		return 1;
	case UI_KEY_CTRL('w'): {
		size_t from = at;
		while (from > 0 && b->s[from - 1] == ' ')
			from--;
		while (from > 0 && b->s[from - 1] != ' ')
			from--;
		entry_cut(s, from, at);
		return 1;
	}
	case UI_KEY_CTRL('u'):
		entry_cut(s, 0, at);
		return 1;
	case UI_KEY_CTRL('k'):
		entry_cut(s, at, b->len);
		return 1;
	default:
		return 0;
	}
}

int ui_input_key(struct ui_state *s, int key)
{
	if (key == UI_KEY_ESC || key == UI_KEY_CTRL('g')) {
		if (s->input != UI_INPUT_REASON) {
			ui_input_close(s);
			ui_message(s, UI_MSG_INFO, "cancelled");
		} else if (cancel_reason(s) == 0) {
			ui_message(s, UI_MSG_INFO, "%s",
				   s->pending_reason ? "cancelled: the reason you kept before stays"
						     : "cancelled: nothing you typed was kept");
		}
		return UI_REDRAW;
	}
	if (key == UI_KEY_CTRL('c')) {
		if (s->input == UI_INPUT_REASON && s->inbuf.len)
			ui_item_save_draft(s, s->inbuf.s);
		ui_input_close(s);
		return ui_update(s, ACT_QUIT, 0);
	}
	if (key == UI_KEY_ENTER) {
		if (s->input == UI_INPUT_SEARCH) {
			/* An empty search repeats the last one, as in vi. */
			if (s->inbuf.len) {
				snprintf(s->search, sizeof s->search, "%s", s->inbuf.s);
				free(s->shits);
				s->shits = NULL;
			}
			ui_input_close(s);
			return ui_queue_search(s, 1);
		}
		if (s->input == UI_INPUT_FLAG)
			ui_item_flag_commit(s);
		else
			ui_item_reason_commit(s);
		return UI_REDRAW;
	}
	if (entry_edit(s, key))
		return UI_REDRAW;
	if (key >= 0x20 && key < 0x110000 && key != 0x7f && !(key >= 0x80 && key < 0xa0) &&
	    !(key >= 0xd800 && key < 0xe000) && s->inbuf.len < 4000) {
		entry_insert(s, key);
		return UI_REDRAW;
	}
	return 0;
}

void ui_input_open(struct ui_state *s, enum ui_input kind, const char *init)
{
	ui_input_close(s);
	s->input = kind;
	if (init)
		sbuf_add(&s->inbuf, init);
	s->incur = s->inbuf.len;
	if (kind == UI_INPUT_REASON && s->pending_reason)
		s->edit_base = xstrdup(s->pending_reason);
	s->draft_at = ui_state_now(s);
}
