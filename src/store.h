/*
 * store: the project database. One SQLite file per project. This module owns
 * the schema and its forward migrations, the connection rules every gavel
 * connection follows (WAL, synchronous=FULL, a 5 s wait for locks, foreign keys,
 * defensive mode, trusted_schema=OFF) and the write-transaction helpers.
 *
 * SQL lives only in store*.c and audit.c, so that a second engine could be
 * added behind the same functions.
 */
#ifndef GAVEL_STORE_H
#define GAVEL_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* Schema version kept in PRAGMA user_version. */
#define STORE_SCHEMA_VERSION 4
/* The forward migrations (src/store_schema.c): [v] takes the schema from
 * version v to v + 1; [0] builds a new project's version 1. */
extern const char *const store_migrations[STORE_SCHEMA_VERSION];

enum store_flags {
	STORE_CREATE = 1 << 0,	 /* create the file and schema; fail if it exists */
	STORE_READONLY = 1 << 1, /* open read-only (gavel review --read-only, stats) */
};

enum store_scale { SCALE_NOMINAL = 0, SCALE_ORDINAL = 1, SCALE_INTERVAL = 2 };

/* How long a statement waits for another connection's lock before it
 * fails with "database is locked", in milliseconds. */
#define STORE_BUSY_MS 5000

struct store {
	sqlite3 *db;
	char *path;
	int readonly;	   /* opened read-only, or the file is read-only for this user */
	int fallback;	   /* asked for read-write, got read-only: no write permission */
	double busy_since; /* when the current wait for a lock began (store_open's handler) */
	uint32_t busy_rng; /* the handler's jitter */
	int busy_handler;  /* store_open installed that handler (store_check_rules) */
	/* An offline packet (src/packet.h): its id, else NULL; the project's
	 * audit head it continues from, and the last decision id it holds
	 * from the project (its own decisions come after it). */
	char *packet;
	int64_t base_seq;
	char base_hash[65];
	int64_t base_decision;
	struct sign_key *key; /* the signing key, loaded by the first event */
	int nosync;	      /* the open transaction commits without a sync (store_begin_nosync) */
	int migrated_from;    /* the schema version store_open migrated it from, else 0 */
};

/*
 * Set SQLite up for the process: call once, before any other SQLite call
 * (main does, first thing). Nothing breaks without it; it is only slower.
 */
void store_library_init(void);

/*
 * Open (or with STORE_CREATE create) the project at path and apply the
 * connection rules. An existing older schema is migrated forward in one
 * transaction (st->migrated_from says from which version), with
 * STORE_READONLY too when the user may write the file (through a writing
 * connection of its own, closed before the read-only one opens); a user who
 * may not gets an error naming the command that migrates it. A newer one
 * is refused. A file the user may read but not
 * write opens read-only (st->readonly) even without STORE_READONLY. The
 * -wal and -shm files are kept when the connection closes, so that users
 * who may read the project but not create files in its folder can open it;
 * when they still cannot, err names the missing permission. A packet opened
 * with STORE_READONLY and no -wal beside it is read as store_packet_open_ro
 * reads it, creating nothing. Returns 0, or -1 with err filled and *out
 * untouched.
 */
int store_open(const char *path, int flags, struct store **out, char *err);
void store_close(struct store *st);

/*
 * Open the file at path read-only as packets are read. A packet is written
 * once (gavel packet create), reviewed by one person's gavel, which keeps
 * its -wal file beside it while and after it runs, and carried as a file:
 * with no -wal beside it no gavel is writing it, so it is opened as an
 * immutable file, and SQLite creates neither a -wal nor a -shm file (so a
 * folder the reader cannot write is no obstacle, and one the reader can is
 * left as it was); with a -wal it is read through it, as a project is.
 * Returns sqlite3_open_v2's code, *db set as it sets it.
 */
int store_packet_open_ro(const char *path, sqlite3 **db);

/*
 * Read back the connection rules store_open set (journal mode WAL on a
 * connection that may write,
 * synchronous=FULL, defensive mode,
 * trusted_schema off, foreign keys on) and return -1 with err naming the
 * first that did not take, else 0. store_open refuses a project this
 * fails on, and one on a network filesystem (NFS, SMB, CIFS).
 */
int store_check_rules(struct store *st, char *err);

/*
 * Read what makes the file an offline packet (project keys packet,
 * packet_head, packet_head_seq, packet_base_decision) into st->packet and
 * the base fields; a project that is no packet leaves them empty.
 * store_open calls it. Returns 0, or -1 when a packet lacks them.
 */
int store_packet_base(struct store *st, char *err);

/* Remove a closed project file with its -wal and -shm companions. */
void store_remove(const char *path);

/*
 * BEGIN IMMEDIATE. Every write goes through store_begin/store_commit; they
 * are short and never span user input. store_begin on a read-only project
 * fails with a message that says why (opened read-only, or no write
 * permission). store_commit returns 0 only when COMMIT returned SQLITE_OK;
 * on failure the transaction is rolled back.
 */
int store_begin(struct store *st, char *err);
int store_commit(struct store *st, char *err);
void store_rollback(struct store *st);

/*
 * store_begin for a transaction whose COMMIT does not wait for the disk:
 * synchronous is NORMAL for this one transaction and FULL again when it
 * ends (store_commit, store_rollback), so the connection keeps the rule
 * for every other write. The commit is seen at once by every connection,
 * but survives a power failure only once a later synced commit or
 * store_sync on any connection to the file has returned. For locks
 * (claims, releases), which a power failure makes moot, and for a
 * decision whose "saved" waits for store_sync. Returns 0, or -1 with err.
 */
int store_begin_nosync(struct store *st, char *err);

/*
 * Make every transaction committed to st's file so far, by any connection
 * or process, durable: the write-ahead log is synced through SQLite's VFS,
 * as a synchronous=FULL commit syncs it. st is a connection of its own
 * (a thread may call it while another connection writes), with no
 * transaction open. Returns 0, or -1 with err filled (the disk did not
 * confirm the writes).
 */
int store_sync(struct store *st, char *err);

/* Run SQL with no result rows. Returns 0, or -1 with err filled. */
int store_exec(struct store *st, const char *sql, char *err);

/*
 * A scan that reads a large table once (a task's votes, a model's
 * probabilities) gains nothing from the connection's 64 MB page cache but
 * its cost: every page the cache takes on is memory touched for the first
 * time, which costs more than reading the page (on virtual machines several
 * times more). store_scan_begin holds the cache to STORE_SCAN_CACHE_KIB
 * KiB while such a scan runs and returns the setting it had, which
 * store_scan_end gives back. Neither fails: a cache size is only a hint.
 */
#define STORE_SCAN_CACHE_KIB 2048
int64_t store_scan_begin(struct store *st);
void store_scan_end(struct store *st, int64_t was);

/* Prepare a statement or fill err with the SQLite message. */
int store_prepare(struct store *st, const char *sql, sqlite3_stmt **out, char *err);

/* Fill err with "what: sqlite message" and return -1. */
int store_fail(struct store *st, char *err, const char *what);
/* The schema version in the database header (PRAGMA user_version) in *v.
 * Returns 0, or -1 with err. */
int store_user_version(struct store *st, int *v, char *err);

/* project(key, value) metadata. store_meta_get returns a heap string or NULL. */
char *store_meta_get(struct store *st, const char *key);
int store_meta_set(struct store *st, const char *key, const char *value, char *err);

/* Parse and name scales: "nominal" / "ordinal" / "interval". */
int store_scale_parse(const char *s, enum store_scale *out);
const char *store_scale_name(enum store_scale s);

/* A task as stored. Strings are heap-owned; free with store_task_free. */
struct store_label {
	int code;      /* stable code used in vote.label */
	char *value;   /* the label as it appears in data */
	char *name;    /* display name */
	char *key;     /* decision key from the project/guideline, or NULL */
	int ord;       /* position in the label order (0-based) */
	double number; /* numeric value for interval statistics, NaN if none */
};

struct store_task {
	int64_t id;
	char *name;
	enum store_scale scale;
	double threshold; /* percent-agreement threshold for "guidelines need work" */
	int declared;	  /* 1 when the label set is closed (declared in the project) */
	size_t nlabels;
	struct store_label *labels; /* sorted by ord */
};

/* Look a task up by name; returns 1 found, 0 absent, -1 error. */
int store_task_get(struct store *st, const char *name, struct store_task *out, char *err);
/* All tasks in id order. Caller frees each with store_task_free and the array. */
int store_task_list(struct store *st, struct store_task **out, size_t *n, char *err);
void store_task_free(struct store_task *t);
/* Index into t->labels of the label whose value is s, or -1. */
int store_task_label_index(const struct store_task *t, const char *value);
/* Index into t->labels of the label with this code, or -1. */
int store_task_code_index(const struct store_task *t, int code);

/*
 * Create a task (inside the caller's transaction). labels may be NULL for a
 * task whose label set is taken from the data. Returns the new id or -1.
 */
int64_t store_task_create(struct store *st, const char *name, enum store_scale scale,
			  double threshold, int declared, char *err);
/* Add a label to a task (inside the caller's transaction). */
int store_label_add(struct store *st, int64_t task, int code, const char *value, const char *name,
		    const char *key, int ord, char *err);

/*
 * Recompute the summary columns of item_votes for every item of a task from
 * its packed votes, adding empty rows for items without one (inside the
 * caller's transaction).
 */
int store_summary_refresh(struct store *st, int64_t task, char *err);

/*
 * task_tally's row of each task (schema version 4), as this query gives it
 * from the summary columns of item_votes: items with a vote, votes, items
 * with two or more, the sum of their agreement, and those of them whose
 * votes differ. A task without items has no row. SQL only, for the store.
 *
 * The sum of agreement is kept in fixed point: each item's agreement is
 * rounded to a multiple of 1/STORE_TALLY_AGREE_UNIT (2^-24) and the integers
 * are summed, so that an import which adds and takes away items' shares
 * (src/store_summary.h, store_summary_tally_apply) gets the very bits this
 * query does, in any order. Each item is off by at most 2^-25 (a task's mean
 * agreement by less than 3e-8), and the sum, stored as a REAL, stays exact
 * up to 2^29 items.
 */
#define STORE_TALLY_AGREE_UNIT 16777216
#define STORE_TALLY_STR_(x)    #x
#define STORE_TALLY_STR(x)     STORE_TALLY_STR_(x)
#define STORE_TALLY_UNIT_SQL   STORE_TALLY_STR(STORE_TALLY_AGREE_UNIT)
#define STORE_SUMMARY_TALLY_SELECT                                                                 \
	"SELECT task, count(*), total(n), total(n >= 2), coalesce(sum(CASE WHEN n >= 2"            \
	" THEN CAST(agreement * " STORE_TALLY_UNIT_SQL " + 0.5 AS INTEGER) END), 0)"               \
	" / " STORE_TALLY_UNIT_SQL ".0, total(n >= 2 AND distinct_labels > 1)"                     \
	" FROM item_votes WHERE n > 0"

/*
 * Recount task's row of task_tally from item_votes (one pass over it).
 * Every writer of item_votes keeps the row, inside its transaction, for
 * each task it changed: by this recount (store_summary_refresh does), or by
 * the difference its rows made (store_summary_tally_apply, which the
 * importer uses). Returns 0, or -1 with err.
 */
int store_summary_tally(struct store *st, int64_t task, char *err);

struct sbuf;

/*
 * Append the counts per label of packed votes (src/votepack.h) to out as a
 * JSON object in t's label order, e.g. {"neg":1,"pos":3}, leaving out labels
 * nobody chose. Returns 0, or -1 when the votes do not parse.
 */
int store_summary_votes_counts(const struct store_task *t, const char *votes, size_t len,
			       struct sbuf *out);

/* Column i of the current row of s as a heap string, or NULL when it is NULL. */
char *store_col_dup(sqlite3_stmt *s, int i);

/*
 * Column i of the current row of s as text in *out (owned by s, valid until
 * the next step), NULL for SQL NULL. Returns 0, or -1 with err filled when
 * the value is not NULL but SQLite could not give its text (out of memory):
 * a write that copies the value must then fail rather than store null.
 */
int store_col_text(sqlite3_stmt *s, int i, const char **out, char *err);

/* Fill err with the error of a value SQLite could not give for want of
 * memory ("database: out of memory"); returns -1. */
int store_nomem(char *err);

#endif
