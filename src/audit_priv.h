/*
 * audit_priv: what the audit modules share (audit_state.c, audit_packet.c):
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
