/*
 * cli: what every command shares: printing errors safely (data in messages
 * is sanitised), usage errors, and opening a project with a clear message.
 */
#ifndef GAVEL_CLI_H
#define GAVEL_CLI_H

#include "store.h"

#include <stdio.h>

/* "gavel: " + message + "\n" on stderr; the formatted text is sanitised
 * (so data embedded in err buffers can never emit escape sequences). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "gavel CMD: ..." and "Try 'gavel CMD --help'." and return GV_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Open a project or print the error; returns NULL on failure. */
struct store *cli_open(const char *path, int flags);

#endif
