/*
 * ui_term: the terminal side of the review screen: curses set-up and
 * tear-down (on a real terminal or, headless, on an off-screen one), input
 * translated to enum ui_key, signals, and the one event -> update -> draw
 * loop. In headless mode keys come from a script and screens can be dumped
 * as text, which is what the UI tests and the latency benchmark use.
 */
#ifndef GAVEL_UI_TERM_H
#define GAVEL_UI_TERM_H

#include "ui.h"

struct ui_run_opts {
	int headless;
	int cols, rows;       /* headless screen size */
	const char *script;   /* headless key script */
	const char *dump_dir; /* where :dump NAME writes NAME.txt (default ".") */
	int colour;           /* 0: monochrome (NO_COLOR or --no-color) */
	int timing;           /* print per-key latency figures to stderr at the end */
	int messages;         /* headless: print each status message to stdout, flushed */
	double started;       /* CLOCK_MONOTONIC seconds when the command began (0: not
			       * known); with timing, the first screen's time is printed */
};

/*
 * Start curses: on the terminal, or headless on an off-screen screen of
 * cols x rows. Installs the SIGHUP/SIGTERM/SIGINT flag handlers and makes
 * sure the terminal is restored on every exit path. Returns 0, or -1 with
 * err filled (no terminal).
 */
int ui_term_start(const struct ui_run_opts *o, int *cols, int *rows, char *err);

/*
 * Run the loop until the user quits, the script ends or a signal arrives.
 * On a signal the draft is saved (ui_update_hangup) before returning.
 * Returns 0, 1 when ended by a signal, or -1 with err filled (a bad script).
 */
int ui_term_run(struct ui_state *s, const struct ui_run_opts *o, char *err);

/* Whether the screen ui_term_start set up shows colours (not with
 * --no-color or NO_COLOR, nor on a terminal without them). */
int ui_term_colour(void);

/* Restore the terminal (idempotent). */
void ui_term_stop(void);

#endif
