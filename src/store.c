/*
 * store: schema, migrations, connection rules and transaction helpers for the
 * project database. Everything that knows the table layout lives in store*.c.
 */
#include "config.h"

#include "sign.h"
#include "store.h"
#include "store_trace.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/vfs.h>
#include <unistd.h>

/*
 * Version 1 of the schema, which every project is built from (version 2
 * below replaces its vote and item_summary tables). Decisions and events are
 * append-only: triggers abort any UPDATE or DELETE, so an undo is a new
 * decision that supersedes the old one. Votes carry no foreign keys because
 * the importer resolves every reference itself before it writes, and 5M
 * foreign-key probes would double the import time.
 */
static const char schema_v1[] =
	"CREATE TABLE project(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
	"CREATE TABLE task(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  scale TEXT NOT NULL DEFAULT 'nominal'\n"
	"    CHECK (scale IN ('nominal', 'ordinal', 'interval')),\n"
	"  threshold REAL NOT NULL DEFAULT 0.70,\n"
	"  declared INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE label(\n"
	"  task INTEGER NOT NULL REFERENCES task(id),\n"
	"  code INTEGER NOT NULL,\n"
	"  value TEXT NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  key TEXT,\n"
	"  ord INTEGER NOT NULL,\n"
	"  PRIMARY KEY (task, code),\n"
	"  UNIQUE (task, value)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE item(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  task INTEGER NOT NULL REFERENCES task(id),\n"
	"  external_id TEXT NOT NULL,\n"
	"  text TEXT,\n"
	"  meta TEXT,\n"
	"  UNIQUE (task, external_id)\n"
	");\n"
	"CREATE TABLE annotator(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  kind TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'model', 'expert'))\n"
	");\n"
	"CREATE TABLE vote(\n"
	"  task INTEGER NOT NULL,\n"
	"  item INTEGER NOT NULL,\n"
	"  annotator INTEGER NOT NULL,\n"
	"  label INTEGER NOT NULL,\n"
	"  at TEXT,\n"
	"  comment TEXT,\n"
	"  source INTEGER,\n"
	"  PRIMARY KEY (task, item, annotator)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE prediction(\n"
	"  item INTEGER NOT NULL REFERENCES item(id),\n"
	"  model TEXT NOT NULL,\n"
	"  label INTEGER NOT NULL,\n"
	"  confidence REAL NOT NULL,\n"
	"  entropy REAL,\n"
	"  margin REAL,\n"
	"  probs TEXT NOT NULL,\n"
	"  source INTEGER,\n"
	"  PRIMARY KEY (item, model)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE guideline(\n"
	"  task INTEGER NOT NULL REFERENCES task(id),\n"
	"  version INTEGER NOT NULL,\n"
	"  declared_version TEXT,\n"
	"  sha256 TEXT NOT NULL,\n"
	"  yaml TEXT NOT NULL,\n"
	"  path TEXT,\n"
	"  loaded_at TEXT NOT NULL,\n"
	"  PRIMARY KEY (task, version)\n"
	");\n"
	"CREATE TABLE expert(\n"
	"  name TEXT PRIMARY KEY,\n"
	"  role TEXT NOT NULL CHECK (role IN ('expert', 'lead', 'viewer')),\n"
	"  unix_uid INTEGER,\n"
	"  unix_user TEXT,\n"
	"  added_at TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE claim(\n"
	"  item INTEGER PRIMARY KEY REFERENCES item(id),\n"
	"  expert TEXT NOT NULL,\n"
	"  expires TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE decision(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  item INTEGER NOT NULL REFERENCES item(id),\n"
	"  expert TEXT NOT NULL,\n"
	"  label INTEGER,\n"
	"  reason TEXT,\n"
	"  rule TEXT,\n"
	"  guideline_version INTEGER,\n"
	"  blind_label INTEGER,\n"
	"  seconds REAL,\n"
	"  at TEXT NOT NULL,\n"
	"  supersedes INTEGER REFERENCES decision(id),\n"
	"  queue TEXT,\n"
	"  origin TEXT NOT NULL DEFAULT 'review'\n"
	");\n"
	"CREATE INDEX decision_item ON decision(item, id);\n"
	"CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision\n"
	"  BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;\n"
	"CREATE TRIGGER decision_no_delete BEFORE DELETE ON decision\n"
	"  BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;\n"
	"CREATE TABLE event(\n"
	"  seq INTEGER PRIMARY KEY,\n"
	"  at TEXT NOT NULL,\n"
	"  actor TEXT NOT NULL,\n"
	"  uid INTEGER NOT NULL,\n"
	"  host TEXT NOT NULL,\n"
	"  ssh TEXT,\n"
	"  action TEXT NOT NULL,\n"
	"  item INTEGER,\n"
	"  detail TEXT NOT NULL,\n"
	"  prev_hash TEXT NOT NULL,\n"
	"  hash TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX event_item ON event(item) WHERE item IS NOT NULL;\n"
	"CREATE TRIGGER event_no_update BEFORE UPDATE ON event\n"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;\n"
	"CREATE TRIGGER event_no_delete BEFORE DELETE ON event\n"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;\n"
	"CREATE TABLE draft(\n"
	"  expert TEXT NOT NULL,\n"
	"  item INTEGER NOT NULL,\n"
	"  text TEXT NOT NULL,\n"
	"  at TEXT NOT NULL,\n"
	"  PRIMARY KEY (expert, item)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE flag(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  item INTEGER NOT NULL REFERENCES item(id),\n"
	"  expert TEXT NOT NULL,\n"
	"  note TEXT,\n"
	"  at TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE item_summary(\n"
	"  item INTEGER PRIMARY KEY,\n"
	"  task INTEGER NOT NULL,\n"
	"  n INTEGER NOT NULL,\n"
	"  distinct_labels INTEGER NOT NULL,\n"
	"  plurality INTEGER,\n"
	"  plurality_n INTEGER NOT NULL,\n"
	"  tie INTEGER NOT NULL,\n"
	"  agreement REAL,\n"
	"  entropy REAL,\n"
	"  counts TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX summary_task_agreement ON item_summary(task, agreement, item);\n"
	"CREATE INDEX summary_needs_votes ON item_summary(task, n, item) WHERE n < 3;\n";

/*
 * Version 2 keeps one row per item in item_votes: the item's votes packed
 * as a JSON array in annotator order (see src/votepack.h) next to their
 * summary (the counts per label are not stored: store_summary_votes_counts derives
 * them from the votes). A million-item import then writes a million rows
 * where version 1 wrote four million votes and a million summaries. The
 * votes are packed with SQLite's JSON functions; the summaries move over.
 *
 * The queues read the summaries: "disputed" walks (task, agreement) in order
 * through a partial index over the disputed items only (agreement < 1, which
 * the queue's query states literally so that the planner can use it);
 * "needs-votes" (n below min_votes, 3 by default) uses a partial index over
 * the few items with fewer than 3 votes, which the planner picks when the
 * bound limit is 3 (SQLite compares bound values with a partial index's
 * condition). Both cost little to maintain on a bulk import, where a full
 * (task, n) index over a million rows took over a second.
 */
static const char schema_v2[] =
	"CREATE TABLE item_votes(\n"
	"  item INTEGER PRIMARY KEY,\n"
	"  task INTEGER NOT NULL,\n"
	"  votes TEXT NOT NULL,\n"
	"  n INTEGER NOT NULL,\n"
	"  distinct_labels INTEGER NOT NULL,\n"
	"  plurality INTEGER,\n"
	"  plurality_n INTEGER NOT NULL,\n"
	"  tie INTEGER NOT NULL,\n"
	"  agreement REAL,\n"
	"  entropy REAL\n"
	");\n"
	"WITH packed AS (SELECT item, json_group_array(CASE\n"
	"    WHEN comment IS NOT NULL THEN json_array(annotator, label, at, comment)\n"
	"    WHEN at IS NOT NULL THEN json_array(annotator, label, at)\n"
	"    ELSE json_array(annotator, label) END) AS votes\n"
	"  FROM (SELECT * FROM vote ORDER BY item, annotator) GROUP BY item)\n"
	"INSERT INTO item_votes(item, task, votes, n, distinct_labels, plurality, plurality_n,\n"
	"    tie, agreement, entropy)\n"
	"  SELECT s.item, s.task, COALESCE(p.votes, '[]'), s.n, s.distinct_labels, s.plurality,\n"
	"    s.plurality_n, s.tie, s.agreement, s.entropy\n"
	"  FROM item_summary s LEFT JOIN packed p ON p.item = s.item;\n"
	"DROP TABLE vote;\n"
	"DROP TABLE item_summary;\n"
	"CREATE INDEX item_votes_agreement ON item_votes(task, agreement)\n"
	"  WHERE agreement < 1;\n"
	"CREATE INDEX item_votes_needs ON item_votes(task, n) WHERE n < 3;\n";

/*
 * Version 3 is for offline packets (src/packet.h). The project gets a
 * random id, so that a packet cannot be merged into another project; events
 * get the signer's public key and signature, which only events written into
 * a packet carry; expert_key holds the public keys the project trusts (as
 * ssh's known_hosts); packet lists the packets made, packet_item the items
 * out in an open one (its rows go when the packet is merged or cancelled);
 * conflict pairs a decision made in the project with the packet's decision
 * on the same item until a lead settles them. A packet file has exactly the
 * project's schema, so that a merge can demand it.
 */
static const char schema_v3[] =
	"INSERT OR IGNORE INTO project(key, value) VALUES ('id', lower(hex(randomblob(16))));\n"
	"ALTER TABLE event ADD COLUMN signer TEXT;\n"
	"ALTER TABLE event ADD COLUMN sig TEXT;\n"
	"CREATE TABLE expert_key(\n"
	"  pubkey TEXT PRIMARY KEY,\n"
	"  expert TEXT NOT NULL,\n"
	"  fingerprint TEXT NOT NULL,\n"
	"  added_at TEXT NOT NULL\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE packet(\n"
	"  id TEXT PRIMARY KEY,\n"
	"  expert TEXT,\n"
	"  queue TEXT,\n"
	"  created TEXT NOT NULL,\n"
	"  state TEXT NOT NULL CHECK (state IN ('out', 'merged', 'cancelled')),\n"
	"  items INTEGER NOT NULL,\n"
	"  head TEXT NOT NULL,\n"
	"  head_seq INTEGER NOT NULL,\n"
	"  base_decision INTEGER NOT NULL,\n"
	"  closed_at TEXT,\n"
	"  merged_head TEXT,\n"
	"  decisions INTEGER,\n"
	"  conflicts INTEGER\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE packet_item(\n"
	"  item INTEGER PRIMARY KEY,\n"
	"  packet TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX packet_item_packet ON packet_item(packet);\n"
	"CREATE TABLE conflict(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  item INTEGER NOT NULL,\n"
	"  packet TEXT NOT NULL,\n"
	"  project_decision INTEGER NOT NULL,\n"
	"  packet_decision INTEGER NOT NULL,\n"
	"  settled_by INTEGER\n"
	");\n"
	"CREATE INDEX conflict_item ON conflict(item);\n";

/*
 * Version 4 gives the lead's dashboard its first screen without a pass
 * over the items: task_tally keeps, per task, the aggregates of the
 * summary columns its Tasks section shows first (store_lead_quick), and
 * every writer of item_votes recounts it (store_summary_tally). A covering
 * index over those columns was measured too: summing it at 1M items took
 * 0.65 s against the table's 0.87 s, and keeping it added 4 s to a 16 s
 * import, where recounting the tally after an import costs one such pass.
 */
static const char schema_v4[] =
	"CREATE TABLE task_tally(\n"
	"  task INTEGER PRIMARY KEY,\n"
	"  items INTEGER NOT NULL,\n"
	"  votes INTEGER NOT NULL,\n"
	"  compared INTEGER NOT NULL,\n"
	"  sum_agree REAL NOT NULL,\n"
	"  disputed INTEGER NOT NULL\n"
	");\n"
	"INSERT INTO task_tally " STORE_SUMMARY_TALLY_SELECT " GROUP BY task;\n";

/* Forward migrations: migrations[v] takes the schema from v to v + 1. */
static const char *const migrations[] = {
	schema_v1,
	schema_v2,
	schema_v3,
	schema_v4,
};

int store_fail(struct store *st, char *err, const char *what)
{
	return err_set(err, "%s: %s", what, st && st->db ? sqlite3_errmsg(st->db) : "no database");
}

int store_exec(struct store *st, const char *sql, char *err)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, "database: %s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int64_t store_scan_begin(struct store *st)
{
	sqlite3_stmt *s;
	int64_t was = 0;
	char sql[64];

	if (sqlite3_prepare_v2(st->db, "PRAGMA cache_size", -1, &s, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		was = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (was && (was > 0 || -was > STORE_SCAN_CACHE_KIB)) {
		snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", STORE_SCAN_CACHE_KIB);
		sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	}
	return was;
}

void store_scan_end(struct store *st, int64_t was)
{
	char sql[64];
	if (!was)
		return;
	snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)was);
	sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

int store_prepare(struct store *st, const char *sql, sqlite3_stmt **out, char *err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK)
		return store_fail(st, err, "database");
	return 0;
}

int store_begin(struct store *st, char *err)
{
	if (sqlite3_db_readonly(st->db, "main") == 1) {
		if (st->readonly && !st->fallback)
			return err_set(err, "%s: opened read-only, so nothing can be changed",
				       st->path);
		return err_set(err,
			       "%s: read-only for you (uid %ld): changing the project needs write "
			       "permission on the file and on its -wal and -shm files",
			       st->path, (long)getuid());
	}
	return store_exec(st, "BEGIN IMMEDIATE", err);
}

int store_commit(struct store *st, char *err)
{
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		store_fail(st, err, "commit failed");
		store_rollback(st);
		return -1;
	}
	return 0;
}

void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

static int user_version(struct store *st, int *v, char *err)
{
	sqlite3_stmt *s;
	if (store_prepare(st, "PRAGMA user_version", &s, err))
		return -1;
	*v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	return 0;
}

static int migrate(struct store *st, char *err)
{
	int v;
	char sql[64];

	if (user_version(st, &v, err))
		return -1;
	if (v > STORE_SCHEMA_VERSION)
		return err_set(err,
			       "%s: schema version %d is newer than this gavel understands (%d); "
			       "upgrade gavel",
			       st->path, v, STORE_SCHEMA_VERSION);
	if (v == STORE_SCHEMA_VERSION)
		return 0;
	if (st->readonly)
		return err_set(err,
			       "%s: schema version %d needs a migration, which a read-only "
			       "command does not make; run one that writes once (gavel review, "
			       "gavel import)",
			       st->path, v);
	if (store_begin(st, err))
		return -1;
	/* Re-read inside the write lock: another process may have migrated. */
	if (user_version(st, &v, err))
		goto fail;
	for (; v < STORE_SCHEMA_VERSION; v++) {
		if (store_exec(st, migrations[v], err))
			goto fail;
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	if (store_exec(st, sql, err))
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

/* path's folder into a heap string ("." for a bare file name). */
static char *folder_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/*
 * Explain why a project that exists cannot be read, naming the permission
 * that is missing. A WAL database is read through two files next to it:
 * the log (-wal), which holds commits not yet copied into the file, and the
 * shared index (-shm), which tells each reader which of those commits to
 * see and keeps writers from overwriting what a reader still reads. A
 * reader must open both, and create them when they are missing, which
 * takes write permission on the folder.
 */
static int explain_unreadable(const char *path, const char *sqlite_msg, char *err)
{
	struct sbuf wal = {0}, shm = {0};
	char *dir = folder_of(path);
	long uid = (long)getuid();
	int have_wal, have_shm;

	sbuf_addf(&wal, "%s-wal", path);
	sbuf_addf(&shm, "%s-shm", path);
	have_wal = access(wal.s, F_OK) == 0;
	have_shm = access(shm.s, F_OK) == 0;
	if (access(path, R_OK) != 0)
		err_set(err, "%s: you (uid %ld) have no read permission on this file", path, uid);
	else if ((!have_wal || !have_shm) && access(dir, W_OK | X_OK) != 0)
		err_set(err,
			"%s: cannot read it: %s%s%s %s missing, and you (uid %ld) have no write "
			"permission on the folder %s to create %s. The project is in SQLite's "
			"WAL mode, where every reader, read-only too, goes through the log "
			"(-wal) and the shared index (-shm) next to the file. gavel keeps both "
			"once it has opened the project: any gavel command on it (e.g. gavel "
			"stats) by a user who may write to %s fixes this for good",
			path, have_wal ? "" : wal.s, have_wal || have_shm ? "" : " and ",
			have_shm ? "" : shm.s, have_wal || have_shm ? "is" : "are", uid, dir,
			have_wal || have_shm ? "it" : "them", dir);
	else if ((have_wal && access(wal.s, R_OK) != 0) || (have_shm && access(shm.s, R_OK) != 0))
		err_set(err,
			"%s: you (uid %ld) have no read permission on %s; in SQLite's WAL mode "
			"every reader goes through the log (-wal) and the shared index (-shm) "
			"next to the file, so both must be readable as the file is",
			path, uid, access(wal.s, R_OK) != 0 ? wal.s : shm.s);
	else
		err_set(err, "%s: cannot read it: %s", path, sqlite_msg);
	free(dir);
	sbuf_free(&wal);
	sbuf_free(&shm);
	return -1;
}

static double busy_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Wait for another connection's lock for up to STORE_BUSY_MS, trying again
 * every 1 to 3 ms (jittered). SQLite's own busy_timeout handler backs off to
 * 100 ms between tries, so under many writers a connection that has waited
 * a while tries ten times less often than one that just arrived, and loses
 * the lock to newcomers until it times out: ten headless review sessions on
 * one project (tests/reliability/h_10_experts.sh) showed "database is
 * locked" after 5 s waits that way, while the lock was never held long.
 */
static int busy_wait(void *arg, int tries)
{
	struct store *st = arg;
	double now = busy_clock();
	struct timespec d;

	if (tries == 0)
		st->busy_since = now;
	else if (now - st->busy_since >= STORE_BUSY_MS / 1e3)
		return 0;
	st->busy_rng ^= st->busy_rng << 13;
	st->busy_rng ^= st->busy_rng >> 17;
	st->busy_rng ^= st->busy_rng << 5;
	d.tv_sec = 0;
	d.tv_nsec = 1000000 + (long)(st->busy_rng % 2000000);
	nanosleep(&d, NULL);
	return 1;
}

/*
 * Network filesystems, by statfs magic. SQLite's locks are advisory locks
 * that NFS, SMB and CIFS clients implement loosely or not at all, and WAL's
 * shared index is memory-mapped, which cannot be shared between machines:
 * on them two experts can take the same lock, or a reader see half a commit.
 */
static const struct {
	uint32_t magic;
	const char *name;
} remote_fs[] = {
	{0x6969, "NFS"},
	{0x517B, "SMB"},
	{0xFF534D42, "CIFS"},
	{0xFE534D42, "SMB2"},
};

/*
 * Refuse a project whose file (or, for a new one, folder) is on a network
 * filesystem. The environment variable GAVEL_TEST_FS_MAGIC (a number, e.g.
 * 0x6969) stands in for the real magic, so the refusal can be tested on a
 * local disk. A file whose filesystem cannot be asked is let through:
 * opening it reports what is wrong with it.
 */
static int check_local_fs(const char *path, int create, char *err)
{
	const char *fake = getenv("GAVEL_TEST_FS_MAGIC");
	uint32_t magic;

	if (fake && *fake) {
		magic = (uint32_t)strtoul(fake, NULL, 0);
	} else {
		char *dir = create ? folder_of(path) : NULL;
		struct statfs sf;
		int fd = open(dir ? dir : path, O_RDONLY | O_CLOEXEC), rc;
		free(dir);
		if (fd < 0)
			return 0;
		rc = fstatfs(fd, &sf);
		close(fd);
		if (rc != 0)
			return 0;
		magic = (uint32_t)sf.f_type;
	}
	for (size_t i = 0; i < GV_ARRAY_LEN(remote_fs); i++) {
		if (remote_fs[i].magic == magic)
			return err_set(err,
				       "%s: the project is on a network filesystem (%s, statfs "
				       "magic 0x%X); gavel refuses it: SQLite's locks and WAL's "
				       "shared index do not hold across machines there, so two "
				       "experts could decide the same item or a commit be lost. "
				       "Keep the project on a local disk of the server the experts "
				       "log into, and carry work to other machines in packets",
				       path, remote_fs[i].name, (unsigned)magic);
	}
	return 0;
}

int store_check_rules(struct store *st, char *err)
{
	sqlite3_stmt *s;
	int defensive = -1, trusted = -1, fk = -1;
	char mode[16] = "";
	long sync = -1;

	if (sqlite3_prepare_v2(st->db,
			       "SELECT (SELECT journal_mode FROM pragma_journal_mode),"
			       " (SELECT synchronous FROM pragma_synchronous)",
			       -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the connection settings");
	if (sqlite3_step(s) == SQLITE_ROW) {
		const unsigned char *m = sqlite3_column_text(s, 0);
		if (m)
			snprintf(mode, sizeof mode, "%s", (const char *)m);
		sync = sqlite3_column_int(s, 1);
	}
	if (sqlite3_finalize(s) != SQLITE_OK)
		return store_fail(st, err, "reading the connection settings");
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &trusted);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_FKEY, -1, &fk);
	/* A read-only connection writes nothing, so the journal mode of a file
	 * it reads (a packet written by the backup API) does not matter; it
	 * could not switch it anyway. */
	if (!st->readonly && strcmp(mode, "wal") != 0)
		return err_set(err,
			       "%s: the journal mode is '%s', not WAL: the filesystem or SQLite "
			       "build does not support it, and gavel does not run without it",
			       st->path, mode);
	if (sync != 2)
		return err_set(err,
			       "%s: synchronous is %ld, not FULL (2): a commit could be lost on "
			       "power failure, so gavel refuses to run",
			       st->path, sync);
	/* SQLite cannot report a busy handler back: store_open notes that it
	 * installed busy_wait (STORE_BUSY_MS), and a connection without it
	 * would fail at once with "database is locked". */
	if (!st->busy_handler)
		return err_set(err,
			       "%s: the wait for other sessions' locks (%d ms) is not set up, so "
			       "a busy project would fail at once",
			       st->path, STORE_BUSY_MS);
	if (defensive != 1)
		return err_set(err, "%s: SQLite's defensive mode did not take", st->path);
	if (trusted != 0)
		return err_set(err, "%s: trusted_schema did not turn off", st->path);
	if (fk != 1)
		return err_set(err, "%s: foreign keys did not turn on", st->path);
	return 0;
}

int store_open(const char *path, int flags, struct store **out, char *err)
{
	struct store *st = xcalloc(1, sizeof *st);
	/* One connection is used by one thread: skip SQLite's own mutexes. */
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int on = 1, created = 0;

	st->path = xstrdup(path);
	if (check_local_fs(path, flags & STORE_CREATE, err))
		goto fail;
	if (flags & STORE_CREATE) {
		if (access(path, F_OK) == 0) {
			err_set(err, "%s: already exists", path);
			goto fail;
		}
		oflags |= SQLITE_OPEN_CREATE;
		created = 1;
	} else if (access(path, F_OK) != 0) {
		if (errno == EACCES)
			err_set(err,
				"%s: you (uid %ld) have no permission to look into a folder on its "
				"path",
				path, (long)getuid());
		else
			err_set(err, "%s: no such project (create it with gavel init)", path);
		goto fail;
	}
	if (flags & STORE_READONLY) {
		oflags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
		st->readonly = 1;
	}
	if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
		if (!st->db)
			err_set(err, "%s: cannot open it: out of memory", path);
		else if (!created && access(path, R_OK) != 0)
			explain_unreadable(path, sqlite3_errmsg(st->db), err);
		else
			store_fail(st, err, path);
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, &on);
	st->busy_rng = (uint32_t)getpid() ^ (uint32_t)(uintptr_t)st;
	st->busy_handler = sqlite3_busy_handler(st->db, busy_wait, st) == SQLITE_OK;
	store_trace_env(st);
	/* Keep the -wal and -shm files when the connection closes (the log
	 * cut to nothing, given a journal_size_limit), so that a reader who
	 * may not create files in the folder can still open the project (see
	 * explain_unreadable). */
	sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &on);
	if (!(flags & STORE_CREATE)) {
		/* A file that is not a database, or not a gavel project, is refused
		 * before anything is written to it. */
		char *kind = NULL;
		sqlite3_stmt *s;
		int rc = sqlite3_prepare_v2(
			st->db, "SELECT value FROM project WHERE key = 'format'", -1, &s, NULL);
		if (rc == SQLITE_OK) {
			if ((rc = sqlite3_step(s)) == SQLITE_ROW)
				kind = xstrdup((const char *)sqlite3_column_text(s, 0));
			sqlite3_finalize(s);
		}
		/* Not being allowed to read is not the same as not being a project. */
		switch (rc & 0xff) {
		case SQLITE_CANTOPEN:
		case SQLITE_READONLY:
		case SQLITE_PERM:
		case SQLITE_AUTH:
		case SQLITE_IOERR:
			explain_unreadable(path, sqlite3_errstr(rc), err);
			goto fail;
		case SQLITE_BUSY:
		case SQLITE_LOCKED:
			err_set(err, "%s: %s", path, sqlite3_errstr(rc));
			goto fail;
		default:
			break;
		}
		if (!kind || strcmp(kind, "gavel-project") != 0) {
			free(kind);
			err_set(err, "%s: not a gavel project database", path);
			goto fail;
		}
		free(kind);
	}
	/* SQLite opens a file the user may not write read-only even when
	 * asked for read-write: remember it, so that the first write says
	 * why it cannot be done instead of failing with SQLite's words. */
	if (!st->readonly && sqlite3_db_readonly(st->db, "main") == 1) {
		st->readonly = 1;
		st->fallback = 1;
	}
	/* 16 KiB pages on a new project: a bulk import of millions of votes
	 * splits and writes a quarter as many B-tree pages (measured about 15%
	 * faster than 4 KiB at 4M votes). Must precede the switch to WAL. */
	if ((flags & STORE_CREATE) && store_exec(st, "PRAGMA page_size = 16384", err))
		goto fail;
	if (!st->readonly && store_exec(st, "PRAGMA journal_mode = WAL", err))
		goto fail;
	if (store_exec(st,
		       "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
		       "PRAGMA trusted_schema = OFF; PRAGMA cache_size = -65536;"
		       "PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = 67108864",
		       err))
		goto fail;
	if (store_check_rules(st, err))
		goto fail;
	if (migrate(st, err))
		goto fail;
	if (flags & STORE_CREATE) {
		if (store_meta_set(st, "format", "gavel-project", err))
			goto fail;
	}
	if (store_packet_base(st, err))
		goto fail;
	*out = st;
	return 0;
fail:
	store_close(st);
	/* Only a file this call created is removed, never an existing one. */
	if (created)
		store_remove(path);
	return -1;
}

int store_packet_base(struct store *st, char *err)
{
	char *id = store_meta_get(st, "packet"), *head, *seq, *dec;
	long v1, v2;
	int rc = 0;

	free(st->packet);
	st->packet = NULL;
	if (!id)
		return 0;
	head = store_meta_get(st, "packet_head");
	seq = store_meta_get(st, "packet_head_seq");
	dec = store_meta_get(st, "packet_base_decision");
	if (!head || strlen(head) != 64 || !seq || util_parse_long(seq, 0, LONG_MAX, &v1) || !dec ||
	    util_parse_long(dec, 0, LONG_MAX, &v2)) {
		rc = err_set(err, "%s: a packet without its recorded audit head", st->path);
	} else {
		st->packet = id;
		id = NULL;
		memcpy(st->base_hash, head, 65);
		st->base_seq = v1;
		st->base_decision = v2;
	}
	free(id);
	free(head);
	free(seq);
	free(dec);
	return rc;
}

void store_remove(const char *path)
{
	struct sbuf b = {0};
	unlink(path);
	sbuf_addf(&b, "%s-wal", path);
	unlink(b.s);
	sbuf_reset(&b);
	sbuf_addf(&b, "%s-shm", path);
	unlink(b.s);
	sbuf_free(&b);
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->db)
		sqlite3_close_v2(st->db);
	if (st->key) {
		sign_key_wipe(st->key);
		free(st->key);
	}
	free(st->packet);
	free(st->path);
	free(st);
}

char *store_meta_get(struct store *st, const char *key)
{
	sqlite3_stmt *s;
	char *v = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM project WHERE key = ?", -1, &s, NULL) !=
	    SQLITE_OK)
		return NULL;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

int store_meta_set(struct store *st, const char *key, const char *value, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st, "INSERT OR REPLACE INTO project(key, value) VALUES (?, ?)", &s, err))
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "project metadata");
	return 0;
}

static const char *const scale_names[] = {"nominal", "ordinal", "interval"};

int store_scale_parse(const char *s, enum store_scale *out)
{
	for (size_t i = 0; i < GV_ARRAY_LEN(scale_names); i++) {
		if (strcmp(s, scale_names[i]) == 0) {
			*out = (enum store_scale)i;
			return 0;
		}
	}
	return -1;
}

const char *store_scale_name(enum store_scale s)
{
	return (unsigned)s < GV_ARRAY_LEN(scale_names) ? scale_names[s] : "nominal";
}

int store_label_add(struct store *st, int64_t task, int code, const char *value, const char *name,
		    const char *key, int ord, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st,
			  "INSERT INTO label(task, code, value, name, key, ord) VALUES (?, ?, ?, "
			  "?, ?, ?)",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	sqlite3_bind_int(s, 2, code);
	sqlite3_bind_text(s, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, name ? name : value, -1, SQLITE_STATIC);
	if (key)
		sqlite3_bind_text(s, 5, key, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 6, ord);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "add label");
	return 0;
}

char *store_col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);
	return v ? xstrdup((const char *)v) : NULL;
}

int store_col_text(sqlite3_stmt *s, int i, const char **out, char *err)
{
	int null = sqlite3_column_type(s, i) == SQLITE_NULL;
	*out = (const char *)sqlite3_column_text(s, i);
	if (!*out && !null)
		return err_set(err, "database: %s", sqlite3_errstr(SQLITE_NOMEM));
	return 0;
}
