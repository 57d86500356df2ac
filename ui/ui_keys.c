/*
 * ui_keys: the built-in key bindings (ui_bindings: per view, a key and the
 * action it runs), key names, the keymap in force and the help screen. A
 * user's keys file ($XDG_CONFIG_HOME/gavel/keys.yaml) rebinds actions by
 * name, read with yamltree so that every mistake is reported as
 * file:line:col before the screen starts. The help screen and the footer
 * read the resulting table, so they always show the keys that work. No
 * curses here: the update tests use it too.
 */
#include "config.h"

#include "text.h"
#include "ui_update.h"
#include "utf8.h"
#include "yamltree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the built-in bindings ---- */

#define V_Q   (1u << UI_QUEUE)
#define V_I   (1u << UI_ITEM)
#define V_H   (1u << UI_HISTORY)
#define V_P   (1u << UI_HELP)
#define V_K   (1u << UI_PICKER)
#define V_C   (1u << UI_CALIB)
#define V_D   (1u << UI_DASH)
#define V_ALL (V_Q | V_I | V_H | V_P | V_K | V_C | V_D)

const struct ui_binding ui_bindings[] = {
	{V_ALL, 'j', ACT_DOWN, 0},
	{V_ALL, UI_KEY_DOWN, ACT_DOWN, 0},
	{V_ALL, 'k', ACT_UP, 0},
	{V_ALL, UI_KEY_UP, ACT_UP, 0},
	{V_ALL, UI_KEY_PGDN, ACT_PAGE_DOWN, 0},
	{V_ALL, ' ', ACT_PAGE_DOWN, 0},
	{V_ALL, UI_KEY_PGUP, ACT_PAGE_UP, 0},
	{V_ALL, 'g', ACT_TOP, 0},
	{V_ALL, UI_KEY_HOME, ACT_TOP, 0},
	{V_ALL, 'G', ACT_BOTTOM, 0},
	{V_ALL, UI_KEY_END, ACT_BOTTOM, 0},
	{V_Q | V_K | V_D, UI_KEY_ENTER, ACT_OPEN, 0},
	{V_Q | V_K, 'l', ACT_OPEN, 0},
	{V_Q | V_K, UI_KEY_RIGHT, ACT_OPEN, 0},
	{V_Q, 'q', ACT_QUIT, 1},
	{V_I | V_H | V_P | V_K | V_C | V_D, 'q', ACT_BACK, 0},
	{V_I | V_H | V_P | V_K | V_C | V_D, UI_KEY_ESC, ACT_BACK, 0},
	{V_D, UI_KEY_TAB, ACT_SECTION_NEXT, 0},
	{V_D, UI_KEY_BTAB, ACT_SECTION_PREV, 0},
	{V_D, UI_KEY_LEFT, ACT_CELL_LEFT, 0},
	{V_D, 'h', ACT_CELL_LEFT, 0},
	{V_D, UI_KEY_RIGHT, ACT_CELL_RIGHT, 0},
	{V_D, 'l', ACT_CELL_RIGHT, 0},
	{V_D, 'o', ACT_SORT_COLUMN, 0},
	{V_Q | V_H | V_C, 'd', ACT_DASHBOARD, 0},
	/* d is a common label key (guidelines choose their own): in the item
	 * view it opens the dashboard only where neither the item's guideline
	 * nor the keys file gives it to something else, and D always does */
	{V_I | UI_YIELDS, 'd', ACT_DASHBOARD, 0},
	{V_I, 'D', ACT_DASHBOARD, 0},
	{V_I | V_H | V_P | V_K | V_C, UI_KEY_LEFT, ACT_BACK, 0},
	{V_ALL, UI_KEY_CTRL('c'), ACT_QUIT, 0},
	{V_Q | V_I, 'Q', ACT_QUEUES, 0},
	{V_I, 'J', ACT_PANE_DOWN, 0},
	{V_I, 'K', ACT_PANE_UP, 0},
	{V_Q | V_I | V_H | V_D, '?', ACT_HELP, 0},
	{V_Q | V_I, 'h', ACT_HISTORY, 0},
	{V_Q | V_I, 'c', ACT_CALIBRATION, 0},
	{V_H, 'c', ACT_CLAIMS, 0},
	{V_Q, '/', ACT_SEARCH, 0},
	{V_Q, 'n', ACT_SEARCH_NEXT, 0},
	{V_Q, 'N', ACT_SEARCH_PREV, 0},
	{V_Q, 'o', ACT_SORT, 0},
	{V_Q, 'F', ACT_FILTER, 0},
	{V_I, '1', ACT_DECIDE, 0},
	{V_I, '2', ACT_DECIDE, 1},
	{V_I, '3', ACT_DECIDE, 2},
	{V_I, '4', ACT_DECIDE, 3},
	{V_I, '5', ACT_DECIDE, 4},
	{V_I, '6', ACT_DECIDE, 5},
	{V_I, '7', ACT_DECIDE, 6},
	{V_I, '8', ACT_DECIDE, 7},
	{V_I, '9', ACT_DECIDE, 8},
	{V_I, 'r', ACT_REASON, 0},
	{V_I, 's', ACT_SKIP, 0},
	{V_I, 'f', ACT_FLAG, 0},
	{V_Q | V_I, 'u', ACT_UNDO, 0},
	{V_I, 'n', ACT_NEXT_ITEM, 0},
	{V_I, 'p', ACT_PREV_ITEM, 0},
	{V_ALL, UI_KEY_CTRL('l'), ACT_REDRAW, 0},
};
const size_t ui_nbindings = GV_ARRAY_LEN(ui_bindings);

/* ---- key names ---- */

static const struct {
	const char *name;
	int key;
} named_keys[] = {
	{"Enter", UI_KEY_ENTER}, {"Esc", UI_KEY_ESC},	   {"Up", UI_KEY_UP},
	{"Down", UI_KEY_DOWN},	 {"Left", UI_KEY_LEFT},	   {"Right", UI_KEY_RIGHT},
	{"PgUp", UI_KEY_PGUP},	 {"PgDn", UI_KEY_PGDN},	   {"Home", UI_KEY_HOME},
	{"End", UI_KEY_END},	 {"BS", UI_KEY_BACKSPACE}, {"Backspace", UI_KEY_BACKSPACE},
	{"Tab", UI_KEY_TAB},	 {"S-Tab", UI_KEY_BTAB},   {"BTab", UI_KEY_BTAB},
	{"Space", ' '},
};

const char *ui_key_name(int key, char *buf, size_t len)
{
	static const struct {
		int key;
		const char *name;
	} names[] = {
		{UI_KEY_UP, "Up"},	 {UI_KEY_DOWN, "Down"},	   {UI_KEY_LEFT, "Left"},
		{UI_KEY_RIGHT, "Right"}, {UI_KEY_PGUP, "PgUp"},	   {UI_KEY_PGDN, "PgDn"},
		{UI_KEY_HOME, "Home"},	 {UI_KEY_END, "End"},	   {UI_KEY_ENTER, "Enter"},
		{UI_KEY_ESC, "Esc"},	 {UI_KEY_BACKSPACE, "BS"}, {UI_KEY_TAB, "Tab"},
		{UI_KEY_BTAB, "S-Tab"},	 {UI_KEY_DELETE, "Del"},   {' ', "Space"},
	};
	for (size_t i = 0; i < GV_ARRAY_LEN(names); i++) {
		if (names[i].key == key) {
			snprintf(buf, len, "%s", names[i].name);
			return buf;
		}
	}
	if (key > 0 && key < 0x20) {
		snprintf(buf, len, "C-%c", key + 'a' - 1);
	} else if (key > 0x20 && key < 0x7f) {
		snprintf(buf, len, "%c", key);
	} else if (key >= 0xa0 && key < 0x110000 && len >= 5) {
		/* A character from a keys file, as UTF-8 (the draw side sanitises it). */
		char u[UTF8_MAX];
		snprintf(buf, len, "%.*s", (int)utf8_encode(key, u), u);
	} else {
		snprintf(buf, len, "U+%04X", (unsigned)key);
	}
	return buf;
}

int ui_key_parse(const char *name)
{
	size_t n = strlen(name), used;
	uint32_t cp;

	if (n > 2 && name[0] == '<' && name[n - 1] == '>') {
		if (n == 5 && name[1] == 'C' && name[2] == '-') {
			char c = name[3];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			return c >= 'a' && c <= 'z' ? UI_KEY_CTRL(c) : -1;
		}
		for (size_t i = 0; i < GV_ARRAY_LEN(named_keys); i++) {
			if (strlen(named_keys[i].name) == n - 2 &&
			    strncmp(named_keys[i].name, name + 1, n - 2) == 0)
				return named_keys[i].key;
		}
		return -1;
	}
	if (!n || (cp = utf8_decode((const unsigned char *)name, n, &used)) == UTF8_BAD ||
	    used != n)
		return -1;
	/* Control characters are spelt <C-x>; C1 and DEL are never keys. */
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return -1;
	return (int)cp;
}

static const char *first_view(unsigned views)
{
	for (int v = 0; v < UI_NVIEWS; v++)
		if (views & (1u << v))
			return ui_views[v]->name;
	return "any";
}

void ui_keymap_init(struct ui_keymap *km)
{
	memset(km, 0, sizeof *km);
	km->v = xgrow(km->v, &km->cap, ui_nbindings, sizeof *km->v);
	memcpy(km->v, ui_bindings, ui_nbindings * sizeof *km->v);
	km->n = ui_nbindings;
}

void ui_keymap_free(struct ui_keymap *km)
{
	free(km->v);
	free(km->from);
	free(km->file);
	memset(km, 0, sizeof *km);
}

/* One key given in the file. */
struct override {
	enum ui_action action;
	unsigned views;
	int key, arg;
	const struct yamltree_node *node;
};

static enum ui_action action_by_name(const char *name)
{
	for (int a = 1; a < ACT_COUNT; a++)
		if (strcmp(ui_actions[a].name, name) == 0)
			return (enum ui_action)a;
	return ACT_NONE;
}

/* Views where action a has keys in the built-in table. */
static unsigned default_views(enum ui_action a)
{
	unsigned v = 0;
	for (size_t i = 0; i < ui_nbindings; i++)
		if (ui_bindings[i].action == a)
			v |= ui_bindings[i].views & ~UI_YIELDS; /* a file's key never yields */
	return v ? v : (1u << UI_NVIEWS) - 1;
}

static int add_key(const struct yamltree *t, const struct yamltree_node *n, enum ui_action a,
		   int arg, struct override **ov, size_t *nov, size_t *cap, char *err)
{
	struct override *o;
	int key;

	if (n->kind != YT_SCALAR)
		return yamltree_err(t, n, err, "%s: a key is a name like j, <Down> or <C-n>",
				    ui_actions[a].name);
	key = ui_key_parse(n->value);
	if (key < 0)
		return yamltree_err_quote(t, n, err, "unknown key name ", n->value,
					  " (one character, <Enter>, <Esc>, <Up>, <Down>, <Left>, "
					  "<Right>, <PgUp>, <PgDn>, <Home>, <End>, <BS>, <Tab>, "
					  "<Space> or <C-x>)");
	for (size_t i = 0; i < *nov; i++) {
		const struct override *p = &(*ov)[i];
		char at[64];
		if (p->key != key || !(p->views & default_views(a)))
			continue;
		snprintf(at, sizeof at, " is given to %s already (line %d)",
			 ui_actions[p->action].name, p->node->line);
		return yamltree_err_quote(t, n, err, "key ", n->value, at);
	}
	*ov = xgrow(*ov, cap, *nov + 1, sizeof **ov);
	o = &(*ov)[(*nov)++];
	o->action = a;
	o->views = default_views(a);
	o->key = key;
	o->arg = arg;
	o->node = n;
	return 0;
}

int ui_keymap_parse(struct ui_keymap *km, const char *file, const char *buf, size_t len, char *err)
{
	static const char *const top[] = {"keys", NULL};
	struct yamltree *t = NULL;
	const struct yamltree_node *keys;
	struct override *ov = NULL;
	size_t nov = 0, cap = 0, nnew = 0, ncap = 0;
	struct ui_binding *nv = NULL;
	struct ui_key_from *from = NULL;
	unsigned char given[ACT_COUNT] = {0};
	int rc = -1;

	if (yamltree_parse(file, buf, len, &t, err))
		return -1;
	if (t->root->kind != YT_MAP) {
		yamltree_err(t, t->root, err, "a keys file is a mapping with one key, keys:");
		goto out;
	}
	if (yamltree_check_map(t, t->root, "the keys file", top, err))
		goto out;
	keys = yamltree_get(t->root, "keys");
	if (!keys || yamltree_is_null(keys)) {
		rc = 0;
		goto out;
	}
	if (keys->kind != YT_MAP) {
		yamltree_err(t, keys, err,
			     "keys: wants a mapping of action-name: key or [key, key]");
		goto out;
	}
	for (size_t i = 0; i + 1 < keys->nkids; i += 2) {
		const struct yamltree_node *k = keys->kids[i], *v = keys->kids[i + 1];
		enum ui_action a = action_by_name(k->value);
		if (a == ACT_NONE) {
			yamltree_err_quote(t, k, err, "unknown action ", k->value,
					   " (the help screen, ?, lists the action names)");
			goto out;
		}
		given[a] = 1;
		if (v->kind == YT_SEQ) {
			if (a == ACT_DECIDE && v->nkids > 9) {
				yamltree_err(t, v, err, "decide: at most 9 keys, one per label");
				goto out;
			}
			for (size_t j = 0; j < v->nkids; j++)
				if (add_key(t, v->kids[j], a, a == ACT_DECIDE ? (int)j : 0, &ov,
					    &nov, &cap, err))
					goto out;
		} else if (v->kind == YT_SCALAR && !yamltree_is_null(v)) {
			if (add_key(t, v, a, 0, &ov, &nov, &cap, err))
				goto out;
		} else {
			yamltree_err(t, v, err, "%s: wants a key or a list of keys ([] for none)",
				     ui_actions[a].name);
			goto out;
		}
	}
	/* A key the file gives must not be one another action keeps: the file
	 * would otherwise take it away silently. */
	for (size_t i = 0; i < nov; i++) {
		for (size_t j = 0; j < km->n; j++) {
			const struct ui_binding *b = &km->v[j];
			char at[256];
			/* a built-in key that yields gives way to the file's */
			if (b->key != ov[i].key || given[b->action] || !(b->views & ov[i].views) ||
			    (b->views & UI_YIELDS))
				continue;
			snprintf(at, sizeof at,
				 " for %s is %s's key in the %s view; give %s another key too "
				 "(%s: [KEY], or [] for none)",
				 ui_actions[ov[i].action].name, ui_actions[b->action].name,
				 first_view(b->views & ov[i].views), ui_actions[b->action].name,
				 ui_actions[b->action].name);
			yamltree_err_quote(t, ov[i].node, err, "key ", ov[i].node->value, at);
			goto out;
		}
	}
	/* The file's keys first, with their place in the file; then the rest
	 * of the table, minus the actions the file rebinds. */
	from = xcalloc(nov + km->n, sizeof *from);
	for (size_t i = 0; i < nov; i++) {
		nv = xgrow(nv, &ncap, nnew + 1, sizeof *nv);
		nv[nnew].views = ov[i].views;
		nv[nnew].key = ov[i].key;
		nv[nnew].action = ov[i].action;
		nv[nnew].arg = ov[i].arg;
		from[nnew].line = ov[i].node->line;
		from[nnew].col = ov[i].node->col;
		nnew++;
	}
	for (size_t i = 0; i < km->n; i++) {
		if (given[km->v[i].action])
			continue;
		nv = xgrow(nv, &ncap, nnew + 1, sizeof *nv);
		if (km->from)
			from[nnew] = km->from[i];
		nv[nnew++] = km->v[i];
	}
	free(km->v);
	free(km->from);
	free(km->file);
	km->v = nv;
	km->n = nnew;
	km->cap = ncap;
	km->from = from;
	km->file = xstrdup(file);
	nv = NULL;
	from = NULL;
	rc = 0;
out:
	free(nv);
	free(from);
	free(ov);
	yamltree_free(t);
	return rc;
}

int ui_keymap_load(struct ui_keymap *km, const char *path, char *err)
{
	FILE *f = fopen(path, "rb");
	struct sbuf b = {0};
	char chunk[8192];
	size_t n;
	int rc = -1;

	if (!f) {
		char *p;
		if (errno == ENOENT)
			return 1;
		p = text_clean(path);
		err_set(err, "%s: %s", p, strerror(errno));
		free(p);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > YAMLTREE_MAX_BYTES) {
			char *p = text_clean(path);
			err_set(err, "%s: larger than %u bytes", p, (unsigned)YAMLTREE_MAX_BYTES);
			free(p);
			goto out;
		}
		sbuf_addn(&b, chunk, n);
	}
	if (ferror(f)) {
		char *p = text_clean(path);
		err_set(err, "%s: %s", p, strerror(errno));
		free(p);
		goto out;
	}
	rc = ui_keymap_parse(km, path, b.s ? b.s : "", b.len, err);
out:
	fclose(f);
	sbuf_free(&b);
	return rc;
}

int ui_keymap_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/gavel/keys.yaml", xdg);
	else if (home && home[0])
		n = snprintf(buf, len, "%s/.config/gavel/keys.yaml", home);
	else
		return -1;
	return n > 0 && (size_t)n < len ? 0 : -1;
}

void ui_keys_of(const struct ui_keymap *km, enum ui_action a, unsigned views, char *buf, size_t len)
{
	const struct ui_binding *v = km ? km->v : ui_bindings;
	size_t n = km ? km->n : ui_nbindings, used = 0;
	int digits = a == ACT_DECIDE, count = 0;

	buf[0] = 0;
	if (!len)
		return;
	/* The built-in decide keys 1..9 read better as a range. */
	for (size_t i = 0; i < n && digits; i++) {
		if (v[i].action != a || !(v[i].views & views))
			continue;
		digits = v[i].key == '1' + v[i].arg;
		count++;
	}
	if (digits && count == 9) {
		snprintf(buf, len, "1-9");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char k[16];
		int dup = 0;
		if (v[i].action != a || !(v[i].views & views))
			continue;
		for (size_t j = 0; j < i; j++)
			dup |= v[j].action == a && v[j].key == v[i].key && (v[j].views & views);
		if (dup)
			continue;
		ui_key_name(v[i].key, k, sizeof k);
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? "/" : "", k);
		if (used >= len) {
			buf[len - 1] = 0;
			return;
		}
	}
}

/* "a b d ..." : the letters neither bound in the item view nor another
 * label's key in the label's task, to suggest in a clash message. */
static void free_letters(const struct ui_binding *bv, size_t bn, const struct guide_key *v,
			 size_t n, const struct guide_key *k, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = 0;
	for (int c = 'a'; c <= 'z'; c++) {
		int taken = 0;
		for (size_t i = 0; i < bn && !taken; i++)
			taken = bv[i].key == c && (bv[i].views & (1u << UI_ITEM)) &&
				!(bv[i].views & UI_YIELDS);
		for (size_t i = 0; i < n && !taken; i++)
			taken = v[i].key == c && strcmp(v[i].task, k->task) == 0;
		if (!taken && used + 3 < len) {
			if (used)
				buf[used++] = ' ';
			buf[used++] = (char)c;
			buf[used] = 0;
		}
	}
}

int ui_keys_check_labels(const struct ui_keymap *km, const struct guide_key *v, size_t n,
			 const char *where, char *err)
{
	const struct ui_binding *bv = km ? km->v : ui_bindings;
	size_t bn = km ? km->n : ui_nbindings;

	for (size_t i = 0; i < n; i++) {
		const struct guide_key *k = &v[i];
		for (size_t j = 0; j < bn; j++) {
			const struct ui_binding *b = &bv[j];
			const struct ui_key_from *fr = km && km->from ? &km->from[j] : NULL;
			char kn[16], use[96], *label, *task, *file, *place;
			struct sbuf msg = {0};
			/* a key that yields leaves it to the label */
			if (b->key != k->key || !(b->views & (1u << UI_ITEM)) ||
			    (b->views & UI_YIELDS) ||
			    (b->action == ACT_DECIDE && b->arg == k->index))
				continue;
			ui_key_name(k->key, kn, sizeof kn);
			if (b->action == ACT_DECIDE)
				snprintf(use, sizeof use, "decide (label %d)", b->arg + 1);
			else
				snprintf(use, sizeof use, "%s", ui_actions[b->action].name);
			label = text_clean(k->label);
			task = text_clean(k->task);
			if (fr && fr->line) {
				/* The keys file took a label's key for an action. */
				file = text_clean(km->file);
				place = k->file ? text_clean(k->file) : text_clean(where);
				sbuf_addf(&msg,
					  "%s:%d:%d: key '%s' for %s is the decision key of label "
					  "'%s' of task '%s' (",
					  file, fr->line, fr->col, kn, use, label, task);
				if (k->file)
					sbuf_addf(&msg, "%s:%d:%d", place, k->line, k->col);
				else
					sbuf_addf(&msg, "in %s", place);
				sbuf_add(&msg, "); choose another key for it here");
			} else if (k->file) {
				char letters[64];
				free_letters(bv, bn, v, n, k, letters, sizeof letters);
				file = text_clean(k->file);
				place = NULL;
				sbuf_addf(
					&msg,
					"%s:%d:%d: key '%s' of label '%s' (task '%s') is the "
					"review screen's key for %s in the item view, so it could "
					"never decide; choose another key (free: %s)",
					file, k->line, k->col, kn, label, task, use,
					*letters ? letters : "none");
			} else {
				file = text_clean(where);
				place = km && km->file ? text_clean(km->file) : NULL;
				sbuf_addf(&msg,
					  "%s: key '%s' of label '%s' (task '%s') is the review "
					  "screen's key for %s in the item view, so it could never "
					  "decide; give the label another key in its guideline "
					  "(key: under the label, then gavel guide load), or give "
					  "%s another key in %s",
					  file, kn, label, task, use, use,
					  place ? place : "your keys.yaml");
			}
			err_set(err, "%s", msg.s);
			sbuf_free(&msg);
			free(label);
			free(task);
			free(file);
			free(place);
			return -1;
		}
	}
	return 0;
}

int ui_keys_check_project(const struct ui_keymap *km, struct store *st, const char *where,
			  char *err)
{
	struct store_task *tasks = NULL;
	struct guide_key *keys = NULL;
	size_t ntasks = 0, nkeys = 0, cap = 0;
	int rc;

	if (store_task_list(st, &tasks, &ntasks, err))
		return -1;
	for (size_t i = 0; i < ntasks; i++) {
		for (size_t j = 0; j < tasks[i].nlabels; j++) {
			const struct store_label *l = &tasks[i].labels[j];
			struct guide_key k = {
				.task = tasks[i].name, .label = l->value, .index = (int)j};
			if (!l->key || !guide_key_valid(l->key))
				continue;
			k.key = (unsigned char)l->key[0];
			guide_keys_add(&keys, &nkeys, &cap, &k);
		}
		store_task_free(&tasks[i]);
	}
	free(tasks);
	rc = ui_keys_check_labels(km, keys, nkeys, where, err);
	guide_keys_free(keys, nkeys);
	return rc;
}

/* ---- the bindings in force ---- */

const struct ui_binding *ui_state_bindings(const struct ui_state *s, size_t *n)
{
	if (s->keys) {
		*n = s->keys->n;
		return s->keys->v;
	}
	*n = ui_nbindings;
	return ui_bindings;
}

int ui_decide_key(const struct ui_state *s, int idx)
{
	size_t n;
	const struct ui_binding *v = ui_state_bindings(s, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].action == ACT_DECIDE && v[i].arg == idx && (v[i].views & V_I))
			return v[i].key;
	return 0;
}

/* The first binding of key in the views of mask that yields (or not). */
static const struct ui_binding *binding_of(const struct ui_state *s, unsigned mask, int key,
					   int yields)
{
	size_t n;
	const struct ui_binding *v = ui_state_bindings(s, &n);
	for (size_t i = 0; i < n; i++)
		if ((v[i].views & mask) && v[i].key == key && !(v[i].views & UI_YIELDS) == !yields)
			return &v[i];
	return NULL;
}

/* The action key runs in view (arg gets its argument), or ACT_NONE: a
 * binding, else the open item's label key, else a binding that yields. */
static enum ui_action view_action(const struct ui_state *s, enum ui_view view, int key, int *arg)
{
	const struct ui_binding *b = binding_of(s, 1u << view, key, 0);
	*arg = 0;
	if (b) {
		*arg = b->arg;
		return b->action;
	}
	/* The guideline's own decision keys, when they do not shadow a binding. */
	if (view == UI_ITEM && s->has_item && key > 0x20 && key < 0x7f) {
		for (size_t i = 0; i < s->item.task.nlabels; i++) {
			const char *k = s->item.task.labels[i].key;
			if (k && k[0] == key && !k[1]) {
				*arg = (int)i;
				return ACT_DECIDE;
			}
		}
	}
	b = binding_of(s, 1u << view, key, 1);
	if (b) {
		*arg = b->arg;
		return b->action;
	}
	return ACT_NONE;
}

enum ui_action ui_key_action(const struct ui_state *s, int key, int *arg)
{
	return view_action(s, s->view, key, arg);
}

int ui_label_key(const struct ui_state *s, size_t idx)
{
	const char *k;
	int arg;
	if (!s->has_item || idx >= s->item.task.nlabels)
		return 0;
	k = s->item.task.labels[idx].key;
	if (!k || !k[0] || k[1])
		return 0;
	if (view_action(s, UI_ITEM, (unsigned char)k[0], &arg) != ACT_DECIDE || arg != (int)idx)
		return 0;
	return (unsigned char)k[0];
}

/* ---- help, generated from the action table and the keymap ---- */

size_t ui_help_count(void)
{
	return (UI_NGROUPS - 1) * 2 + ACT_COUNT - 1 + 2;
}

/* The help's last line: the item view's dashboard keys, and when an item
 * is open which of them opens it there and what takes the other. */
static void dash_key_note(const struct ui_state *s, char *buf, size_t len)
{
	static const struct ui_state none;
	const struct ui_binding *v, *soft = NULL, *other;
	char sk[16], hk[32] = "";
	const char *also;
	size_t n;
	int hard = 0, arg;

	if (!s)
		s = &none;
	v = ui_state_bindings(s, &n);
	for (size_t i = 0; i < n; i++) {
		if (v[i].action != ACT_DASHBOARD || !(v[i].views & V_I))
			continue;
		if ((v[i].views & UI_YIELDS) && !soft)
			soft = &v[i];
		else if (!(v[i].views & UI_YIELDS) && !hard)
			hard = v[i].key;
	}
	if (!soft)
		return;
	ui_key_name(soft->key, sk, sizeof sk);
	if (hard)
		ui_key_name(hard, hk, sizeof hk);
	also = hard ? hk : "no other key";
	other = binding_of(s, V_I, soft->key, 0);
	if (other) {
		snprintf(buf, len,
			 "In the item view %s is %s (your keys file), so %s opens the "
			 "dashboard there.",
			 sk, ui_actions[other->action].name, also);
	} else if (!s->has_item) {
		snprintf(buf, len,
			 "In the item view %s opens the dashboard unless the item's "
			 "guideline gives %s to a label; %s always does.",
			 sk, sk, also);
	} else if (view_action(s, UI_ITEM, soft->key, &arg) == ACT_DECIDE &&
		   (size_t)arg < s->item.task.nlabels) {
		snprintf(buf, len,
			 "On this item %s decides label %s (its guideline's key), so %s "
			 "opens the dashboard.",
			 sk, s->item.task.labels[arg].value, also);
	} else {
		snprintf(buf, len, "On this item %s opens the dashboard%s%s%s.", sk,
			 hard ? " (" : "", hard ? hk : "", hard ? " too)" : "");
	}
}

void ui_help_line(const struct ui_state *s, size_t i, char *buf, size_t len)
{
	const struct ui_keymap *km = s ? s->keys : NULL;
	size_t line = 0;
	buf[0] = 0;
	for (int g = UI_GROUP_NONE + 1; g < UI_NGROUPS; g++) {
		if (line++ == i) {
			snprintf(buf, len, "%s", ui_group_names[g]);
			return;
		}
		for (int a = 1; a < ACT_COUNT; a++) {
			char keys[64];
			if (ui_actions[a].group != (enum ui_group)g)
				continue;
			if (line++ != i)
				continue;
			ui_keys_of(km, (enum ui_action)a, V_ALL, keys, sizeof keys);
			if (!keys[0])
				snprintf(keys, sizeof keys, "(no key)");
			snprintf(buf, len, "  %-22s %-12s %s", keys, ui_actions[a].name,
				 ui_actions[a].help);
			return;
		}
		if (line++ == i)
			return;
	}
	if (line++ == i)
		dash_key_note(s, buf, len);
}

size_t ui_help_labels(const struct ui_state *s)
{
	for (size_t i = 0; s->has_item && i < s->item.task.nlabels; i++)
		if (ui_label_key(s, i))
			return 2 + s->item.task.nlabels;
	return 0;
}

void ui_help_label_line(const struct ui_state *s, size_t i, char *buf, size_t len)
{
	const struct store_label *l;
	char keys[64] = "";
	int own, num;

	buf[0] = 0;
	if (i == 0 || i >= ui_help_labels(s))
		return;
	if (i == 1) {
		snprintf(buf, len, "labels of task %s", s->item.task.name ? s->item.task.name : "");
		return;
	}
	l = &s->item.task.labels[i - 2];
	own = ui_label_key(s, i - 2);
	num = ui_decide_key(s, (int)(i - 2));
	if (own)
		ui_key_name(own, keys, sizeof keys);
	if (num && num != own) {
		char k[16];
		size_t used = strlen(keys);
		ui_key_name(num, k, sizeof k);
		snprintf(keys + used, sizeof keys - used, "%s%s", used ? "/" : "", k);
	}
	snprintf(buf, len, "  %-22s %-12s %s", keys[0] ? keys : "(no key)", l->value,
		 l->name ? l->name : l->value);
}

int ui_help_do_open(struct ui_state *s, enum ui_action a, int arg)
{
	s->back = s->view;
	s->view = UI_HELP;
	memset(&s->helplist, 0, sizeof s->helplist);
	ui_list_set(&s->helplist, ui_help_count() + ui_help_labels(s), ui_list_height(s));
	return UI_REDRAW;
}

static struct ui_list *help_list(struct ui_state *s)
{
	return &s->helplist;
}

static void help_fit(struct ui_state *s)
{
	if (s->helplist.n)
		ui_list_clamp(&s->helplist, ui_list_height(s));
}

const struct ui_view_def ui_help_view = {
	.name = "help",
	.list = help_list,
	.pager = 1,
	.back = ui_update_return,
	.fit = help_fit,
};
