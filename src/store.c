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

/* synchronous back to FULL after a transaction of store_begin_nosync. */
static int store_sync_full(struct store *st, char *err)
{
	if (store_exec(st, "PRAGMA synchronous = FULL", err))
		return -1;
	st->nosync = 0;
	return 0;
}

/* Fill err and return -1 when nothing can be written on st. */
static int store_writable(struct store *st, char *err)
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
	/* A connection whose FULL could not be put back after a transaction
	 * without a sync writes nothing more until it is. */
	if (st->nosync && store_sync_full(st, err))
		return -1;
	return 0;
}

int store_begin(struct store *st, char *err)
{
	if (store_writable(st, err))
		return -1;
	return store_exec(st, "BEGIN IMMEDIATE", err);
}

int store_begin_nosync(struct store *st, char *err)
{
	if (store_writable(st, err))
		return -1;
	/* SQLite takes the setting only outside a transaction. */
	if (store_exec(st, "PRAGMA synchronous = NORMAL", err))
		return -1;
	st->nosync = 1;
	if (store_exec(st, "BEGIN IMMEDIATE", err)) {
		store_sync_full(st, NULL);
		return -1;
	}
	return 0;
}

int store_commit(struct store *st, char *err)
{
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		store_fail(st, err, "commit failed");
		store_rollback(st);
		return -1;
	}
	/* Committed, whatever follows: should FULL not come back now, the
	 * next store_begin tries again and refuses to write without it. */
	if (st->nosync)
		store_sync_full(st, NULL);
	return 0;
}

void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	if (st->nosync)
		store_sync_full(st, NULL);
}

int store_sync(struct store *st, char *err)
{
	sqlite3_file *f = NULL;
	int rc;

	/* The log's handle: shared with nothing, as the connection is its
	 * caller's alone. A read opens the log when it is not open yet. */
	if (store_exec(st, "SELECT 1 FROM project LIMIT 1", err))
		return -1;
	rc = sqlite3_file_control(st->db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f);
	if (rc != SQLITE_OK || !f || !f->pMethods)
		return err_set(err, "%s: the write-ahead log is not open, so it cannot be synced",
			       st->path);
	rc = f->pMethods->xSync(f, SQLITE_SYNC_NORMAL);
	if (rc != SQLITE_OK)
		return err_set(err, "%s: syncing the write-ahead log failed: %s", st->path,
			       sqlite3_errstr(rc));
	return 0;
}

int store_user_version(struct store *st, int *v, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st, "PRAGMA user_version", &s, err))
		return -1;
	rc = sqlite3_step(s);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, err, "user_version");
}

static int migrate(struct store *st, char *err)
{
	int v;
	char sql[64];

	if (store_user_version(st, &v, err))
		return -1;
	if (v > STORE_SCHEMA_VERSION)
		return err_set(err,
			       "%s: schema version %d is newer than this gavel understands (%d); "
			       "upgrade gavel",
			       st->path, v, STORE_SCHEMA_VERSION);
	if (v == STORE_SCHEMA_VERSION)
		return 0;
	/* A read-only command on a file the user may write has store_open
	 * migrate it through a writing connection first. */
	if (st->readonly && !st->fallback)
		return 1;
	if (st->readonly)
		return err_set(err,
			       "%s: schema version %d needs a migration to %d, which writes the "
			       "file, and you (uid %ld) may not write it; someone who may runs "
			       "any gavel command on it once (gavel stats %s migrates it)",
			       st->path, v, STORE_SCHEMA_VERSION, (long)getuid(), st->path);
	if (store_begin(st, err))
		return -1;
	/* Re-read inside the write lock: another process may have migrated. */
	if (store_user_version(st, &v, err))
		goto fail;
	if (v < STORE_SCHEMA_VERSION)
		st->migrated_from = v;
	for (; v < STORE_SCHEMA_VERSION; v++) {
		if (store_exec(st, store_migrations[v], err))
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

/* Whether a -wal file is beside path (or cannot be told to be absent). */
static int wal_beside(const char *path)
{
	struct sbuf b = {0};
	int absent;
	sbuf_addf(&b, "%s-wal", path);
	absent = access(b.s, F_OK) != 0 && errno == ENOENT;
	sbuf_free(&b);
	return !absent;
}

/* path as an SQLite URI naming it immutable. */
static void immutable_uri(struct sbuf *b, const char *path)
{
	/* "file://" and an empty authority before an absolute path, so that
	 * one that starts with "//" is not taken for a host. */
	sbuf_add(b, path[0] == '/' ? "file://" : "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			sbuf_addf(b, "%%%02X", (unsigned)(unsigned char)*p);
		else
			sbuf_addc(b, *p);
	}
	sbuf_add(b, "?immutable=1");
}

int store_packet_open_ro(const char *path, sqlite3 **db)
{
	struct sbuf uri = {0};
	int rc;
	if (wal_beside(path))
		return sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	immutable_uri(&uri, path);
	rc = sqlite3_open_v2(uri.s, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
			     NULL);
	sbuf_free(&uri);
	return rc;
}

/* Whether path is a packet at rest (store_packet_open_ro): no -wal beside
 * it, and its project table names a packet. Any doubt answers no, and the
 * file is then opened as a project is. */
static int packet_at_rest(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s;
	int yes = 0;

	if (wal_beside(path))
		return 0;
	if (store_packet_open_ro(path, &db) == SQLITE_OK) {
		sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
		sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
		if (sqlite3_prepare_v2(db, "SELECT 1 FROM project WHERE key = 'packet'", -1, &s,
				       NULL) == SQLITE_OK) {
			yes = sqlite3_step(s) == SQLITE_ROW;
			sqlite3_finalize(s);
		}
	}
	sqlite3_close(db);
	return yes;
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
		/* By path, never by an opened and closed descriptor: closing
		 * any descriptor of the file drops every POSIX lock this
		 * process holds on it, those of a connection already open
		 * (the screen's, when a second one opens for a thread) too,
		 * and two sessions could then write at once. */
		int rc = statfs(dir ? dir : path, &sf);
		free(dir);
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

/* store_open's one attempt: 1 (with *out closed) when a read-only open
 * found a schema to migrate and the user may write the file. */
static int open_once(const char *path, int flags, struct store **out, char *err)
{
	struct store *st = xcalloc(1, sizeof *st);
	/* One connection is used by one thread: skip SQLite's own mutexes. */
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int on = 1, created = 0, rc;
	struct sbuf uri = {0};

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
		if (packet_at_rest(path)) {
			immutable_uri(&uri, path);
			oflags |= SQLITE_OPEN_URI;
		}
	}
	rc = sqlite3_open_v2(uri.s ? uri.s : path, &st->db, oflags, NULL);
	sbuf_free(&uri);
	if (rc != SQLITE_OK) {
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
		rc = sqlite3_prepare_v2(
			st->db, "SELECT value FROM project WHERE key = 'format'", -1, &s, NULL);
		if (rc == SQLITE_OK) {
			if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
				const char *v;
				if (store_col_text(s, 0, &v, NULL))
					rc = SQLITE_NOMEM;
				else if (v)
					kind = xstrdup(v);
			}
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
		case SQLITE_NOMEM:
			/* Not a verdict on the file: memory ran out reading it. */
			err_set(err, "%s: cannot open it: %s", path, sqlite3_errstr(rc));
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
	if ((rc = migrate(st, err)) != 0) {
		if (rc < 0)
			goto fail;
		store_close(st);
		return 1;
	}
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

/*
 * SQLite counts the memory it holds, by default, under a mutex it takes on
 * every allocation and free; gavel never reads those counts. With them off
 * (sqlite3_config, which must come before SQLite is initialized), a
 * 100,000-line Prodigy import took 1.52 to 1.57 s against 1.86 to 1.89 s
 * (release builds, five runs each, alternating): SQLite's JSON functions
 * allocate for every record. The CSV import and `stats` allocate little
 * through SQLite and showed no difference.
 */
void store_library_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_open(const char *path, int flags, struct store **out, char *err)
{
	struct store *w;
	int rc = open_once(path, flags, out, err), from;

	if (rc <= 0)
		return rc;
	/* A read-only command on a project (or packet) of an older schema
	 * that the user may write: a writing connection migrates it in one
	 * transaction (or finds it migrated meanwhile), then the read-only
	 * open is made again. */
	if (open_once(path, flags & ~STORE_READONLY, &w, err))
		return -1;
	from = w->migrated_from;
	store_close(w);
	rc = open_once(path, flags, out, err);
	if (rc == 1)
		return err_set(err, "%s: still needs a migration after one was made", path);
	if (rc == 0)
		(*out)->migrated_from = from;
	return rc;
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
		return store_nomem(err);
	return 0;
}

int store_nomem(char *err)
{
	return err_set(err, "database: %s", sqlite3_errstr(SQLITE_NOMEM));
}
