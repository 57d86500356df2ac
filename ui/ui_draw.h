/*
 * ui_draw: renders struct ui_state onto the curses screen. Drawing reads the
 * state and never changes it. Colours are named roles in one table, with a
 * monochrome fallback (attributes only) used when the terminal has no
 * colours or NO_COLOR is set.
 */
#ifndef GAVEL_UI_DRAW_H
#define GAVEL_UI_DRAW_H

#include "ui.h"

/* Set up the colour roles after initscr/newterm; colour 0 forces monochrome.
 * Returns 1 when colours are shown, 0 when not. */
int ui_draw_init(int colour);

/* Draw the whole screen for the state (stdscr), without refreshing it. */
void ui_draw(const struct ui_state *s);

#endif
