/*
 * store_trace: what a connection's statements did, for finding slow or
 * scanning queries. With GAVEL_SQL_LOG=FILE in the environment every
 * connection store_open opens appends one line per finished statement to
 * FILE: its run time in milliseconds, a tab, its SQL with the bound values
 * written in (newlines as spaces). Tests call store_trace_start on a FILE
 * of their own and read each statement's plan with store_trace_plan.
 */
#ifndef GAVEL_STORE_TRACE_H
#define GAVEL_STORE_TRACE_H

#include "store.h"
#include "util.h"

#include <stdio.h>

/* Log st's statements to f from now on ("MS\tSQL\n" each, flushed per
 * line); f NULL stops. f stays the caller's. */
void store_trace_start(struct store *st, FILE *f);

/* store_trace_start on $GAVEL_SQL_LOG when it is set, opened once per
 * process for appending (and never closed: lines are flushed as written).
 * A file that cannot be opened is a warning on stderr, not an error. */
void store_trace_env(struct store *st);

/* The EXPLAIN QUERY PLAN of sql on st: one line per plan row ("SEARCH s
 * USING INDEX ..."), appended to out. 0, or -1 with err filled when the
 * statement does not prepare. */
int store_trace_plan(struct store *st, const char *sql, struct sbuf *out, char *err);

#endif
