/*
 * packet: offline review packets. A packet is a self-contained SQLite file
 * with exactly the project's schema holding a slice of a queue: the chosen
 * items with their votes, predictions and earlier decisions, every task,
 * label set, guideline version, annotator and expert, the project's id and
 * its audit head at creation. `gavel review FILE` works on it as on a
 * project; the events it writes continue the project's chain from that
 * head and each is signed with the writer's Ed25519 key (src/sign.h).
 *
 * The project records each packet (out, merged or cancelled) and the items
 * out in an open one, which the queues skip unless asked for all. A merge
 * opens the file read-only in defensive mode with trusted_schema off,
 * demands the project's schema exactly (no extra table, index, trigger or
 * view), the project's id and the recorded head, an intact chain whose
 * every event is signed by a key the project trusts for the expert it
 * names, and decisions that are what their events say; then brings the
 * decisions in, in one transaction, as events with their original times
 * and signer. An item decided in the project since the packet was made is
 * a conflict: both decisions are kept and the item joins the `conflicts`
 * queue until a lead settles it. Merging a packet again changes nothing.
 *
 * Making, cancelling and merging packets and trusting keys are a lead's
 * work: a packet's decisions enter the project's record under the lead's
 * eye, as an import does.
 *
 * Implemented by store_packet.c (making, listing, keys) and
 * store_packet_merge.c (checking and merging).
 */
#ifndef GAVEL_PACKET_H
#define GAVEL_PACKET_H

#include "audit.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

#define PACKET_ID_LEN 16 /* "p-" + 12 hex digits + NUL, with room */

struct packet_opts {
	const char *queue;  /* NULL: the project's first queue */
	size_t limit;	    /* items at most (0: PACKET_DEFAULT_LIMIT) */
	const char *expert; /* whom it is for, or NULL */
};

#define PACKET_DEFAULT_LIMIT 200

/*
 * Make a packet of up to o->limit undecided items of the queue that are not
 * out in another packet, write it to path (which must not exist; created
 * with mode 0600 through SQLite's backup API from a copy made inside the
 * project's write lock, never by copying the live file) and record it, its
 * items and a packet-create event in the project. Only a lead may. id gets
 * the new packet's id, *nitems its item count. Returns 0, 1 when refused
 * (err says why; nothing written), -1 on error (nothing written).
 */
int packet_create(struct store *st, const struct audit_actor *a, const struct packet_opts *o,
		  const char *path, char id[PACKET_ID_LEN], size_t *nitems, char *err);

/*
 * Cancel an open packet: its items return to the queues, with a
 * packet-cancel event. Only a lead may. Returns 0, 1 when refused (no such
 * packet, not open, not a lead), -1 on error.
 */
int packet_cancel(struct store *st, const struct audit_actor *a, const char *id, size_t *nitems,
		  char *err);

struct packet_info {
	char *id, *expert, *queue, *created, *state, *closed_at; /* expert, queue may be NULL */
	int64_t items, decisions, conflicts; /* decisions, conflicts -1 until merged */
};

/* Every packet, newest first. Free with packet_list_free. */
int packet_list(struct store *st, struct packet_info **out, size_t *n, char *err);
void packet_list_free(struct packet_info *v, size_t n);

/*
 * The first column of the first row of sql (parameters p1, p2 when not
 * NULL) in *out as a heap string, NULL when there is no row or the value is
 * NULL: 0, or -1 with err filled when the query failed (out of memory, say),
 * which a packet's checks must not take for "no such row".
 */
int packet_query_text(struct store *st, const char *sql, const char *p1, const char *p2, char **out,
		      char *err);

/*
 * Trust pub (a public key in text form) as expert's, as ssh's known_hosts
 * does, with a key-trust event. Only a lead may; the expert must exist; a
 * key already trusted for someone else is refused. Returns 0 (also when it
 * was trusted already), 1 when refused, -1 on error.
 */
int packet_key_trust(struct store *st, const struct audit_actor *a, const char *expert,
		     const char *pub, char *err);

/*
 * Whether item is out in an open packet: 1 with "out in packet P for alice
 * since 2026-12-03T03:40:00Z" (or "... for anyone ...") in buf, 0 when not,
 * -1 on error.
 */
int packet_item_out(struct store *st, int64_t item, char *buf, size_t len, char *err);

/*
 * The open conflict on item: pair[0] the project's decision, pair[1] the
 * packet's, and (when packet is not NULL) the packet's id in packet.
 * Returns 1 when there is one, 0 when not, -1 on error.
 */
int packet_conflict_open(struct store *st, int64_t item, int64_t pair[2],
			 char packet[PACKET_ID_LEN], char *err);

/* Mark the open conflicts on item settled by decision (inside the caller's
 * write transaction). Returns 0, or -1 on error. */
int packet_conflict_settle(struct store *st, int64_t item, int64_t decision, char *err);

/*
 * The SHA-256 (64 hex digits) of the ids of the items out in packet, in
 * order, one decimal id and a newline each, as its packet-create event
 * records them; *n (may be NULL) gets their count. Returns 0, or -1 on
 * error.
 */
int packet_items_digest(struct store *st, const char *packet, char out[65], int64_t *n, char *err);

struct packet_merge_result {
	char id[PACKET_ID_LEN];
	char head[65];	   /* the packet's chain head */
	int64_t decisions; /* decisions brought in */
	int64_t conflicts; /* of which on items decided meanwhile */
	int already;	   /* 1: merged before at this head, nothing changed */
	char reason[1024]; /* why it was refused */
};

/*
 * Check the packet at path against the project and merge it (see the top of
 * this file). With trust_new_key, a key the project does not know is
 * trusted for the expert whose events it signed (a lead's act, recorded as
 * an event in the same transaction). Returns 0 merged (or r->already),
 * 1 refused with r->reason (the project unchanged), -1 on error (err
 * filled; the project unchanged).
 */
int packet_merge(struct store *st, const struct audit_actor *a, const char *path, int trust_new_key,
		 struct packet_merge_result *r, char *err);

/*
 * Open the packet at path read-only in defensive mode with trusted_schema
 * off and check what needs no project: its schema version and form, its
 * chain, signatures and decisions. The fuzz target's entry. Returns 0 when
 * it holds, 1 with reason filled when not, -1 on error.
 */
int packet_check_file(const char *path, char *reason, size_t len, char *err);

/* For store_packet*.c: a new in-memory database with st's schema (its
 * CREATE statements as sqlite_schema holds them) and user_version,
 * defensive and with trusted_schema off, as every gavel connection. */
int packet_skeleton(struct store *st, sqlite3 **out, char *err);

#endif
