/*
 * ui_term: curses life cycle, key input, signals and the main loop.
 *
 * The loop is event -> update -> draw: one key (or a one-second tick, or a
 * resize) goes to ui_update*, then the whole state is drawn. Signal handlers
 * only set a flag; the loop notices it within the 200 ms input timeout,
 * saves the draft and returns. After a hang-up the terminal is gone and input
 * returns ERR at once; the loop treats a run of immediate ERRs as a hang-up
 * too, so it never spins.
 */
#include "config.h"

#include "text.h"
#include "ui_draw.h"
#include "ui_term.h"
#include "utf8.h"

#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

static volatile sig_atomic_t got_signal;
static SCREEN *screen;
static FILE *null_out, *null_in;
static int colour_shown;

int ui_term_colour(void)
{
	return colour_shown;
}

static void on_signal(int sig)
{
	got_signal = sig;
}

void ui_term_stop(void)
{
	if (!screen)
		return;
	endwin();
	delscreen(screen);
	screen = NULL;
	if (null_out)
		fclose(null_out);
	if (null_in)
		fclose(null_in);
	null_out = null_in = NULL;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal interrupts the wait for a key. */
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Home and End reach us as whichever sequence the terminal in between sends,
 * not always the one TERM's entry names: tmux and screen send ESC [1~ and
 * ESC [4~ whatever TERM the program has, xterm ESC [H and ESC [F in normal
 * cursor mode and ESC O H and ESC O F in application mode, rxvt ESC [7~ and
 * ESC [8~. Curses knows only its entry's, so any other arrived as Esc (back)
 * and stray characters. Each sequence no key owns yet is taught; one an
 * entry gives to Find or Select (rxvt's ESC [1~ and ESC [4~) is taken as
 * Home or End in translate().
 */
static void define_home_end(void)
{
	static const struct {
		const char *seq;
		int key;
	} seqs[] = {
		{"\033[1~", KEY_HOME}, {"\033[7~", KEY_HOME}, {"\033[H", KEY_HOME},
		{"\033OH", KEY_HOME},  {"\033[4~", KEY_END},  {"\033[8~", KEY_END},
		{"\033[F", KEY_END},   {"\033OF", KEY_END},
	};
	for (size_t i = 0; i < GV_ARRAY_LEN(seqs); i++)
		if (key_defined(seqs[i].seq) == 0)
			define_key(seqs[i].seq, seqs[i].key);
}

int ui_term_start(const struct ui_run_opts *o, int *cols, int *rows, char *err)
{
	static int registered;

	if (o->headless) {
		null_out = fopen("/dev/null", "w");
		null_in = fopen("/dev/null", "r");
		if (!null_out || !null_in) {
			ui_term_stop();
			return err_set(err, "headless: cannot open /dev/null");
		}
		screen = newterm("xterm-256color", null_out, null_in);
		if (!screen)
			screen = newterm("vt100", null_out, null_in);
	} else {
		screen = newterm(NULL, stdout, stdin);
	}
	if (!screen) {
		if (null_out)
			fclose(null_out);
		if (null_in)
			fclose(null_in);
		null_out = null_in = NULL;
		return err_set(err, "cannot start the terminal (is TERM set?)");
	}
	if (!registered) {
		atexit(ui_term_stop);
		registered = 1;
	}
	set_term(screen);
	if (o->headless)
		resize_term(o->rows, o->cols);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	define_home_end();
	set_escdelay(25);
	intrflush(stdscr, FALSE);
	colour_shown = ui_draw_init(o->colour);
	install_signals();
	*cols = COLS;
	*rows = LINES;
	return 0;
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- keys from the terminal ---- */

static int translate(int rc, wint_t ch)
{
	if (rc == KEY_CODE_YES) {
		switch (ch) {
		case KEY_UP: return UI_KEY_UP;
		case KEY_DOWN: return UI_KEY_DOWN;
		case KEY_LEFT: return UI_KEY_LEFT;
		case KEY_RIGHT: return UI_KEY_RIGHT;
		case KEY_PPAGE: return UI_KEY_PGUP;
		case KEY_NPAGE: return UI_KEY_PGDN;
		case KEY_HOME:
		case KEY_FIND: return UI_KEY_HOME;
		case KEY_END:
		case KEY_SELECT: return UI_KEY_END;
		case KEY_ENTER: return UI_KEY_ENTER;
		case KEY_BACKSPACE: return UI_KEY_BACKSPACE;
		case KEY_DC: return UI_KEY_DELETE;
		case KEY_BTAB: return UI_KEY_BTAB;
		case KEY_RESIZE: return UI_KEY_RESIZE;
		default: return UI_KEY_NONE;
		}
	}
	switch (ch) {
	case '\r':
	case '\n': return UI_KEY_ENTER;
	case 27: return UI_KEY_ESC;
	case 127:
	case 8: return UI_KEY_BACKSPACE;
	case '\t': return UI_KEY_TAB;
	default: return (int)ch;
	}
}

/* ---- keys from a headless script ---- */

/* Parse a script key line ("j", "<Enter>", "<C-c>"); returns the key or -1. */
static int script_key(const char *line)
{
	return ui_key_parse(line);
}

static int dump_screen(const char *dir, const char *name, char *err)
{
	char path[4096];
	FILE *f;

	for (const char *p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return err_set(err, ":dump: names use letters, digits, '-', '_' and '.'");
	}
	if (!*name || name[0] == '.')
		return err_set(err, ":dump needs a NAME");
	snprintf(path, sizeof path, "%s/%s.txt", dir ? dir : ".", name);
	f = fopen(path, "w");
	if (!f)
		return err_set(err, "%s: %s", path, strerror(errno));
	for (int y = 0; y < LINES; y++) {
		struct sbuf line = {0};
		size_t keep = 0;
		for (int x = 0; x < COLS; x++) {
			cchar_t cc;
			wchar_t wch[CCHARW_MAX + 1];
			attr_t attrs;
			short pair;
			char mb[MB_LEN_MAX * (CCHARW_MAX + 1)];
			size_t len = 0;
			int w;
			if (mvin_wch(y, x, &cc) == ERR)
				break;
			getcchar(&cc, wch, &attrs, &pair, NULL);
			w = wch[0] ? wcwidth(wch[0]) : 1;
			for (int k = 0; k < CCHARW_MAX && wch[k]; k++) {
				mbstate_t st;
				size_t m;
				memset(&st, 0, sizeof st);
				m = wcrtomb(mb + len, wch[k], &st);
				if (m != (size_t)-1)
					len += m;
			}
			if (!len)
				mb[len++] = ' ';
			sbuf_addn(&line, mb, len);
			if (!(len == 1 && mb[0] == ' '))
				keep = line.len;
			if (w == 2)
				x++;
		}
		fprintf(f, "%.*s\n", (int)keep, line.s ? line.s : "");
		sbuf_free(&line);
	}
	if (fclose(f) != 0)
		return err_set(err, "%s: %s", path, strerror(errno));
	return 0;
}

static void paint(const struct ui_state *s)
{
	ui_draw(s);
	wnoutrefresh(stdscr);
	doupdate();
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static size_t rank(size_t n, double p)
{
	size_t r = (size_t)ceil(p * (double)n);
	return r ? r - 1 : 0;
}

/* One key's time and its kind (key_kind). */
struct key_time {
	double t;   /* wall */
	double cpu; /* the process's CPU time (a shared machine's wait for a core left out) */
	char kind[48];
};

static int cmp_key_kind(const void *a, const void *b)
{
	const struct key_time *x = a, *y = b;
	int c = strcmp(x->kind, y->kind);
	return c ? c : cmp_double(&x->t, &y->t);
}

/* "keys N p50 .. p99 .. max .." over all keys, then one "key KIND N p50 ..
 * p99 .. max .." line per kind, so that a slow kind of key shows even when
 * it is too rare to move the overall p99. */
static void print_timing(struct key_time *k, size_t n)
{
	double *t;
	if (!n)
		return;
	t = xcalloc(n, sizeof *t);
	for (size_t i = 0; i < n; i++)
		t[i] = k[i].t;
	qsort(t, n, sizeof *t, cmp_double);
	/* Nearest-rank percentiles: the smallest time >= p of all keys. */
	fprintf(stderr, "keys %zu  p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", n,
		t[rank(n, 0.50)] * 1e3, t[rank(n, 0.99)] * 1e3, t[n - 1] * 1e3);
	free(t);
	qsort(k, n, sizeof *k, cmp_key_kind);
	t = xcalloc(n, sizeof *t);
	for (size_t i = 0, j; i < n; i = j) {
		size_t m;
		for (j = i; j < n && strcmp(k[j].kind, k[i].kind) == 0; j++)
			t[j - i] = k[j].cpu;
		m = j - i;
		qsort(t, m, sizeof *t, cmp_double);
		fprintf(stderr,
			"key %s %zu  p50 %.3f ms  p99 %.3f ms  max %.3f ms  cpu p99 %.3f ms  cpu max "
			"%.3f ms\n",
			k[i].kind, m, k[i + rank(m, 0.50)].t * 1e3, k[i + rank(m, 0.99)].t * 1e3,
			k[j - 1].t * 1e3, t[rank(m, 0.99)] * 1e3, t[m - 1] * 1e3);
	}
	free(t);
}

/* What a key is about to do, for --timing: "VIEW:ACTION" ("queue:move-down",
 * "item:decide", "queue picker:open"), "search" for the Enter that runs a
 * search, "input" for other keys typed into a prompt. */
static void key_kind(const struct ui_state *s, int key, char *out, size_t len)
{
	enum ui_action a;
	int arg;
	if (s->input != UI_INPUT_NONE) {
		snprintf(out, len, "%s",
			 s->input == UI_INPUT_SEARCH && key == UI_KEY_ENTER ? "search" : "input");
		return;
	}
	a = ui_key_action(s, key, &arg);
	snprintf(out, len, "%s:%s", ui_views[s->view]->name,
		 a > ACT_NONE && a < ACT_COUNT ? ui_actions[a].name : "unbound");
	for (char *c = out; *c; c++)
		if (*c == ' ')
			*c = '-';
}

/* Where the script is, for --messages: its line and when its key began. */
struct script_pos {
	long lineno;
	double t0;
};

static const char *const msg_kinds[] = {
	[UI_MSG_INFO] = "info",
	[UI_MSG_SAVED] = "saved",
	[UI_MSG_ERROR] = "error",
	[UI_MSG_SAVING] = "saving",
};

/*
 * Headless --messages: one line per status message, as ui_message sets it,
 * "msg LINE MS KIND TEXT" (the script line of the key, the milliseconds
 * since that key began, info|saved|error|saving, the sanitised text), flushed at
 * once: a supervisor that kills the process may trust every line it finds.
 */
static void print_message(void *arg, enum ui_msg kind, const char *msg)
{
	const struct script_pos *p = arg;
	char *clean = text_clean(msg);
	printf("msg %ld %.3f %s %s\n", p->lineno, (mono_now() - p->t0) * 1e3, msg_kinds[kind],
	       clean);
	fflush(stdout);
	free(clean);
}

static int run_script(struct ui_state *s, const struct ui_run_opts *o, char *err)
{
	struct script_pos pos = {0, mono_now()};
	FILE *f = fopen(o->script, "r");
	char *line = NULL;
	size_t cap = 0, ntimes = 0, tcap = 0;
	struct key_time *times = NULL;
	long lineno = 0;
	ssize_t len;
	int rc = 0;

	if (!f)
		return err_set(err, "%s: %s", o->script, strerror(errno));
	if (o->messages) {
		s->on_message = print_message;
		s->on_message_arg = &pos;
	}
	paint(s);
	if (o->timing && o->started > 0)
		fprintf(stderr, "first screen %.3f ms\n", (mono_now() - o->started) * 1e3);
	while (!s->quit && (len = getline(&line, &cap, f)) >= 0) {
		int key, flags = 0;
		double t0 = mono_now(), c0 = cpu_now();
		/* deferred work (the first screen's or a key's) is done before
		 * the next line: dumps and key timings do not depend on how fast
		 * it was */
		if (ui_update_idle(s, 1)) {
			paint(s);
			if (o->timing)
				fprintf(stderr, "deferred figures %.3f ms\n", (mono_now() - t0) * 1e3);
			t0 = mono_now();
			c0 = cpu_now();
		}
		lineno++;
		pos.lineno = lineno;
		pos.t0 = t0;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (len == 0 || (line[0] == '#' && line[1] == ' '))
			continue;
		if (got_signal)
			break;
		if (strncmp(line, ":dump ", 6) == 0) {
			if (dump_screen(o->dump_dir, line + 6, err)) {
				rc = -1;
				break;
			}
			continue;
		}
		if (strncmp(line, ":resize ", 8) == 0) {
			int c, r;
			if (sscanf(line + 8, "%dx%d", &c, &r) != 2 || c < 1 || r < 1 || c > 1000 ||
			    r > 1000) {
				rc = err_set(err, "%s:%ld: :resize COLSxROWS", o->script, lineno);
				break;
			}
			resize_term(r, c);
			ui_update_resize(s, COLS, LINES);
			paint(s);
			continue;
		}
		if (strncmp(line, ":type ", 6) == 0) {
			const char *p = line + 6;
			while (*p) {
				size_t n;
				uint32_t cp = utf8_decode((const unsigned char *)p, strlen(p), &n);
				if (cp == UTF8_BAD) {
					rc = err_set(err, "%s:%ld: invalid UTF-8", o->script, lineno);
					goto out;
				}
				ui_update_key(s, (int)cp);
				p += n;
			}
			paint(s);
			continue;
		}
		if (strcmp(line, ":tick") == 0) {
			ui_update_tick(s);
			paint(s);
			continue;
		}
		if (strcmp(line, ":hup") == 0) {
			got_signal = SIGHUP;
			break;
		}
		key = script_key(line);
		if (key < 0) {
			rc = err_set(err, "%s:%ld: unknown key or command", o->script, lineno);
			break;
		}
		if (o->timing) {
			times = xgrow(times, &tcap, ntimes + 1, sizeof *times);
			key_kind(s, key, times[ntimes].kind, sizeof times[ntimes].kind);
		}
		flags = ui_update_key(s, key);
		if (!(flags & UI_QUIT_NOW))
			paint(s);
		if (o->timing) {
			times[ntimes].t = mono_now() - t0;
			times[ntimes++].cpu = cpu_now() - c0;
		}
	}
out:
	/* A decision still saving is waited for, and its "saved" said. */
	if (ui_item_idle(s, 1))
		paint(s);
	s->on_message = NULL;
	if (o->timing)
		print_timing(times, ntimes);
	free(times);
	free(line);
	fclose(f);
	return rc;
}

static int run_terminal(struct ui_state *s)
{
	int fast_errs = 0;
	double last_tick = mono_now();

	paint(s);
	while (!s->quit && !got_signal) {
		wint_t ch;
		double t0;
		int rc, key, flags = 0, busy;
		/* Short enough that a signal is noticed well within a second;
		 * shorter while deferred work runs, to show its result soon. */
		if (ui_update_idle(s, 0))
			paint(s);
		/* A queue's next page is read as soon as no key waits; a key
		 * typed meanwhile waits for one page at most. */
		busy = ui_update_busy(s);
		timeout(busy > 1 ? 0 : busy ? 50 : 200);
		t0 = mono_now();
		rc = get_wch(&ch);
		if (got_signal)
			break;
		if (rc == ERR) {
			/* A timeout takes 50 or 200 ms; an immediate ERR means input is gone. */
			if (busy > 1)
				continue;
			if (mono_now() - t0 < 0.03) {
				if (++fast_errs >= 5) {
					got_signal = SIGHUP;
					break;
				}
			} else {
				fast_errs = 0;
			}
			if (mono_now() - last_tick >= 1.0) {
				last_tick = mono_now();
				if (ui_update_tick(s))
					paint(s);
			}
			continue;
		}
		fast_errs = 0;
		key = translate(rc, ch);
		if (key == UI_KEY_RESIZE)
			flags = ui_update_resize(s, COLS, LINES);
		else if (key != UI_KEY_NONE)
			flags = ui_update_key(s, key);
		if (mono_now() - last_tick >= 1.0) {
			last_tick = mono_now();
			flags |= ui_update_tick(s);
		}
		if (flags & UI_QUIT_NOW)
			break;
		if (flags & UI_REDRAW)
			paint(s);
	}
	return 0;
}

int ui_term_run(struct ui_state *s, const struct ui_run_opts *o, char *err)
{
	int rc = o->headless ? run_script(s, o, err) : run_terminal(s);
	if (got_signal) {
		ui_update_hangup(s);
		rc = 1;
	}
	/* Quitting waits for the decisions still saving; one the disk did
	 * not confirm is named on the way out. */
	if (ui_item_idle(s, 1) && s->msg_kind == UI_MSG_ERROR && rc >= 0)
		rc = err_set(err, "%s", s->msg);
	return rc;
}
