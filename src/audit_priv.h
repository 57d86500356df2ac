/*
 * audit_priv: what the audit modules share (audit.c, audit_state.c, audit_packet.c):
 * how a mismatch between a table and the trail is reported, and how far a
 * row's time may be from its event's.
 */
#ifndef GAVEL_AUDIT_PRIV_H
#define GAVEL_AUDIT_PRIV_H

#include "audit.h"

/*
 * A row and the event written with it read the clock separately (the row's
 * time to the second, the event's to the millisecond), in one transaction
 * that a loaded machine may stall; a time within this many seconds of its
 * event's is the time it was written. Anything else was edited.
 */
#define CLOCK_SLACK 5

/*
 * Column i of the current row of s as text, NULL for SQL NULL. A value
 * that is not NULL but that SQLite could not give as text (it ran out of
 * memory) also reads as NULL, and is remembered until audit_unread_reset:
 * a verdict reached meanwhile, a mismatch or a match, may rest on it, so
 * audit_unread_check turns it into an error. Per thread, as a check runs
 * on one.
 */
const char *audit_col(sqlite3_stmt *s, int i);

/* Forget the values audit_col could not read (at the start of a check). */
void audit_unread_reset(void);

/*
 * rc as a check returns it (0 intact, 1 a mismatch, -1 an error): a
 * mismatch or a match found while a value could not be read is not a
 * verdict but the failure it is (a value read as NULL may equal a NULL the
 * trail recorded), -1 with err "database: out of memory". Returns the rc.
 */
int audit_unread_check(int rc, char *err);

/*
 * Register audit_json_valid(X) on st's connection (again is harmless): 1
 * when X is JSON, 0 when not, and an out-of-memory error when memory ran
 * out. SQLite's json_valid (3.40) answers 0 when it runs out of memory,
 * which would leave an event unseen and report its row written around
 * gavel; the queries ask json_valid first, then this for the rows it said
 * no to: "json_valid(d) OR audit_json_valid(d)". Returns 0, or -1 with err.
 */
int audit_json_register(struct store *st, char *err);

/* Mark r bad in the state (not the chain) with the message; returns 1. */
int audit_state_bad(struct audit_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "ROW: WHAT is 'have' but WHO recorded 'want'" (values sanitised, cut,
 * null when NULL) as audit_state_bad; returns 1. */
int audit_state_differs(struct audit_result *r, const char *row, const char *what, const char *have,
			const char *want, const char *who);

/*
 * Hold the packet tables of a project to the trail (src/audit_packet.c
 * lists what each event records): every packet row, the items out in open
 * packets, the trusted keys and the conflicts with their settling
 * decisions. Counts the packets, keys and conflicts that matched in r.
 * Returns 0, 1 on a mismatch (r->reason), -1 on error.
 */
int audit_packet_verify(struct store *st, struct audit_result *r, char *err);

#endif
