/*
 * audit: the append-only, hash-chained event log. Every state change writes
 * one event inside the same transaction as the change. Each event stores
 * hash = SHA-256(prev_hash || canonical event), so a rewritten, reordered or
 * truncated chain is caught by audit_verify or against a recorded head.
 */
#ifndef GAVEL_AUDIT_H
#define GAVEL_AUDIT_H

#include "store.h"

#include <stdint.h>
#include <stdio.h>

/* Who is acting: found from the OS (uid, host, SSH client), never from $USER. */
struct audit_actor {
	char expert[128]; /* expert name mapped to this uid, or the OS user name */
	long uid;
	char host[256];
	char ssh[128]; /* SSH_CLIENT address and port, or "" when local */
};

/* The hash every chain starts from: 64 '0' characters. */
extern const char audit_genesis[65];

/*
 * Fill actor from the process: uid from getuid(), user name from the password
 * database, host from gethostname, ssh from SSH_CLIENT/SSH_CONNECTION. When
 * expert is non-NULL it is used as the actor name.
 */
void audit_actor_init(struct audit_actor *a, const char *expert);

/*
 * Append one event inside the caller's open write transaction. action is a
 * short verb ("import", "decide", "undo", ...); item is the item id or 0;
 * detail is a JSON object text (before/after/why), stored byte for byte as
 * hashed. *seq (may be NULL) gets the new event's sequence number.
 * Returns 0, or -1 with err filled.
 */
int audit_append(struct store *st, const struct audit_actor *a, const char *action, int64_t item,
		 const char *detail, int64_t *seq, char *err);

/* Head hash of the chain into out (65 bytes); the genesis hash when empty. */
int audit_head(struct store *st, char out[65], char *err);

struct audit_result {
	int64_t events;  /* events checked */
	int64_t bad_seq; /* first bad event's seq, 0 if the chain is intact */
	char reason[256];
	char head[65];
};

/*
 * Recompute the chain from the first event. On the first mismatch fill
 * bad_seq and reason. When head is non-NULL, the recorded head must appear in
 * the chain (a truncated chain ends before it; a rewritten one lacks it).
 * Returns 0 when intact, 1 when bad, -1 on a database error.
 */
int audit_verify(struct store *st, const char *head, struct audit_result *r, char *err);

/* Print events (all, or one item's by external id) as text or JSON lines. */
int audit_log(struct store *st, int64_t item, int json, FILE *out, char *err);

#endif
