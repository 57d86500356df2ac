/*
 * audit: the append-only, hash-chained event log. Every state change writes
 * one event inside the same transaction as the change. Each event stores
 * hash = SHA-256(prev_hash || canonical event), so a rewritten, reordered or
 * truncated chain is caught by audit_verify or against a recorded head, and
 * the tables written alongside the events are held to them, so an edit made
 * around gavel is caught too.
 */
#ifndef GAVEL_AUDIT_H
#define GAVEL_AUDIT_H

#include "store.h"

#include <stdint.h>

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
	char reason[512];
	char head[65];      /* the chain's current head (genesis when empty) */
	int64_t after_head; /* with a recorded head: how many events follow it */
	/* The state held against the trail (see audit_state_verify). */
	int64_t decisions, experts, guidelines; /* rows found as their events say */
	int64_t packets, keys, conflicts;	/* packet rows, trusted keys, conflicts */
	int state_bad; /* 1 when the first mismatch is in the state, not the chain */
};

/*
 * Recompute the chain from the first event: seq must run 1, 2, 3... without
 * gaps, each prev_hash must be the previous event's hash (the genesis hash
 * for the first), and each hash must match the recomputed one. On the first
 * bad event fill bad_seq and reason. When head is non-NULL (64 hex digits),
 * the recorded head must be the hash of some event, or the genesis hash (a
 * truncated chain ends before it; a rewritten one lacks it): if it is not,
 * the result is bad with bad_seq 0 and the reason says so; if it is,
 * after_head counts the events after it. When the chain (and head) hold,
 * the state is held against it with audit_state_verify. Chain and state are
 * read in one read transaction (unless the caller has one open), so a
 * decision committed meanwhile is never half seen.
 * Returns 0 when intact, 1 when bad, -1 on a database error or a malformed
 * head (err filled).
 */
int audit_verify(struct store *st, const char *head, struct audit_result *r, char *err);

/*
 * Hold the tables that exports and statistics read to the events that wrote
 * them (src/audit_state.c lists what each event records): every decision
 * row to its event (item, expert, label, supersedes, reason, rule, time,
 * guideline version, blind call, time spent, queue, origin), no row without
 * an event and no event without its row; each expert's role, uid and OS
 * user to the last expert event naming it; each guideline version to its
 * guideline-load event and its YAML to its SHA-256. Counts what matched in
 * r->decisions, r->experts and r->guidelines. On the first mismatch sets
 * r->state_bad and r->reason naming the row and the event, for example
 * "decision 17 (item x): label is 'neg' but event 42 recorded 'pos'".
 * Returns 0 when everything matches, 1 on a mismatch, -1 on a database
 * error (err filled).
 */
int audit_state_verify(struct store *st, struct audit_result *r, char *err);

/*
 * One event as audit_log hands it over. Every string is the stored text,
 * unsanitised (whoever shows it cleans it), and borrowed for the callback
 * only; a NULL column reads as "".
 */
struct audit_row {
	int64_t seq;
	const char *at, *actor;
	int64_t uid;
	const char *host, *ssh, *action;
	int64_t item;		 /* the item's rowid; 0 when the event names none */
	const char *item_ext;	 /* its external id; NULL when none or the item is not there */
	const char *task;	 /* its task's name; NULL when item_ext is */
	const char *detail;	 /* as stored and hashed */
	const char *detail_json; /* detail minified by SQLite's json(), NULL when not JSON */
	const char *prev_hash, *hash;
};

/* What audit_log calls once per event: 0 to go on, or -1 with err filled
 * to stop. */
typedef int (*audit_row_fn)(void *ctx, const struct audit_row *r, char *err);

/*
 * Hand the events to row in seq order: all when item is 0, else those of
 * the item with that rowid (store_item_find resolves an external id).
 * Returns 0, or -1 with err filled (by the database or by row, which
 * stopped the log).
 */
int audit_log(struct store *st, int64_t item, audit_row_fn row, void *ctx, char *err);

#endif
