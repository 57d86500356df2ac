/*
 * cmd_screen: what the commands that open the screen (gavel review and
 * gavel dashboard) share: the screen options (--no-color, --headless,
 * --size, --script, --dump-dir, --timing, review's --messages), the --dump-dir directory and the
 * user's keys file. Defined in cmd_review.c.
 */
#ifndef GAVEL_CMD_SCREEN_H
#define GAVEL_CMD_SCREEN_H

#include "ui.h"
#include "ui_term.h"

/* getopt values of the screen options; a command's own start after the last. */
enum {
	OPT_NOCOLOR = 256,
	OPT_HEADLESS,
	OPT_SIZE,
	OPT_SCRIPT,
	OPT_DUMP,
	OPT_TIMING,
	OPT_MESSAGES,
	OPT_SCREEN_LAST = OPT_MESSAGES
};

/* 80x24, colour unless NO_COLOR is set. */
void cmd_screen_defaults(struct ui_run_opts *run);
/* Apply screen option c (its value in optarg) for command cmd: 0, or a
 * usage error (printed) as GV_EXIT_USAGE. */
int cmd_screen_option(int c, const char *cmd, struct ui_run_opts *run);
/* The options go together (--headless needs --script ...): 0 or GV_EXIT_USAGE. */
int cmd_screen_check(const char *cmd, const struct ui_run_opts *run);
/* mkdir -p: create dir and any missing parents; an existing directory is fine. */
int cmd_screen_mkdirs(const char *dir, char *err);
/* The user's key overrides into km; a bad file is reported (-1), before the
 * screen starts. */
int cmd_screen_keys(struct ui_keymap *km);
/* km initialised with the user's keys and the project at path opened with
 * store_open's flags: the store, or NULL with the error printed and km
 * freed. */
struct store *cmd_screen_open(const char *path, int flags, struct ui_keymap *km);
/* Run the screen on s (after ui_term_start and ui_state_init), then free s
 * and give the terminal back, so that an error is printed on the normal
 * screen: GV_EXIT_OK, or GV_EXIT_FAIL with the error printed. */
int cmd_screen_run(struct ui_state *s, const struct ui_run_opts *run);

#endif
