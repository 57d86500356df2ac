/*
 * cli: what every command shares: printing errors safely (data in messages
 * is sanitised), usage errors, one message for a bad option with a "did you
 * mean", and opening a project with a clear message.
 */
#ifndef GAVEL_CLI_H
#define GAVEL_CLI_H

#include "store.h"

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

/* "gavel: " + message + "\n" on stderr; the formatted text is sanitised
 * (so data embedded in err buffers can never emit escape sequences). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Print "gavel CMD: ..." and "Try 'gavel CMD --help'." and return
 * GV_EXIT_USAGE. When the last option parse (cli_getopt_long) stopped at a
 * bad option, its description replaces fmt: every command then reports an
 * unknown, ambiguous or incomplete option in the same words, whatever its
 * own default: branch says.
 */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * getopt_long with getopt's own messages off (they would echo arguments
 * unsanitised, in another style). On '?' or ':' it describes the bad option
 * for the next cli_usage_error: "unknown option '--tsk'; did you mean
 * '--task'?", "option '--t' is ambiguous (--task, --to)", "option '--task'
 * needs a value", "option '--json' takes no value". Otherwise exactly
 * getopt_long. Every command parses through it: the macro below routes the
 * getopt_long calls of any file that includes this header.
 */
int cli_getopt_long(int argc, char *const argv[], const char *shortopts,
		    const struct option *longopts, int *longindex);
#define getopt_long cli_getopt_long

/*
 * The candidate closest to word by edit distance (a swap of two neighbours
 * counts as one edit), when it is close enough to be what was meant: at most
 * one edit for words of up to four characters, two for longer ones, or word
 * a prefix of exactly one candidate. NULL otherwise. n candidates.
 */
const char *cli_suggest(const char *word, const char *const *candidates, size_t n);

/*
 * Fill err with "no task named 'NAME'" followed by the project's tasks (and
 * the closest name when one is close), or by "the project has no tasks
 * yet". Returns -1, so callers can `return cli_task_missing(...)`.
 */
int cli_task_missing(struct store *st, const char *name, char *err);

/* Open a project or print the error; returns NULL on failure. A migration
 * store_open made on the way is told in one line on stderr. */
struct store *cli_open(const char *path, int flags);

#endif
