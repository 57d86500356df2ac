/*
 * faultvfs: a SQLite VFS that loses power (tests/reliability/faultvfs.h).
 *
 * Each database, WAL or journal file has a list of pending operations (a
 * write with its bytes, or a truncation), shared by every handle on the same
 * path as the operating system's page cache is. A read starts from the
 * underlying file and replays the pending operations over the range it
 * reads; xFileSize does the same for the size. xSync moves the file's
 * pending operations to the underlying file in order. The underlying files
 * are never fsynced: they stand for the disk, and this process never
 * really loses power, so the operating system keeps them.
 *
 * At the crash, either every pending operation is dropped (the whole
 * volatile cache lost) or each is, independently, written, dropped or torn
 * (a random prefix written, at a 512-byte boundary or at any byte), which
 * also reorders them: a later write may reach the disk while an earlier one
 * does not. Bytes outside a write's range are never touched, which is what
 * the default VFS promises SQLite (SQLITE_IOCAP_POWERSAFE_OVERWRITE). The
 * process then leaves with _exit, so nothing else is written.
 */
#include "config.h"

#include "faultvfs.h"
#include "vfsshim.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One pending operation: a write of len bytes at off, or (len < 0) a
 * truncation to off bytes. */
struct op {
	sqlite3_int64 off;
	int len;
	unsigned char *data;
	struct op *next;
};

/* What the page cache holds for one path, shared by its handles. */
struct cache {
	char *name;
	sqlite3_file *disk; /* the handle that wrote last, to write at a sync or crash */
	int refs;
	struct op *head, *tail;
	struct cache *next;
};

struct ffile {
	struct vfsshim_file shim; /* the default VFS's file follows this struct */
	struct cache *cache;	  /* NULL: not a file whose durability matters (passed through) */
};

static sqlite3_vfs fvfs;
static sqlite3_io_methods fmethods;
static struct cache *caches;
static long syncs, crash_at;
static uint64_t rng;

static uint64_t next_rand(void)
{
	/* xorshift64*: reproducible from the seed. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static void ops_free(struct cache *c)
{
	struct op *o = c->head, *n;
	for (; o; o = n) {
		n = o->next;
		free(o->data);
		free(o);
	}
	c->head = c->tail = NULL;
}

static int op_add(struct cache *c, sqlite3_int64 off, int len, const void *data)
{
	struct op *o = calloc(1, sizeof *o);
	if (!o)
		return SQLITE_NOMEM;
	o->off = off;
	o->len = len;
	if (len > 0) {
		o->data = malloc((size_t)len);
		if (!o->data) {
			free(o);
			return SQLITE_NOMEM;
		}
		memcpy(o->data, data, (size_t)len);
	}
	if (c->tail)
		c->tail->next = o;
	else
		c->head = o;
	c->tail = o;
	return SQLITE_OK;
}

/* Write (a prefix of) one operation to the disk. */
static int op_apply(struct cache *c, const struct op *o, int len)
{
	sqlite3_file *d = c->disk;
	if (o->len < 0)
		return d->pMethods->xTruncate(d, o->off);
	if (len <= 0)
		return SQLITE_OK;
	return d->pMethods->xWrite(d, o->data, len, o->off);
}

static int cache_flush(struct cache *c)
{
	int rc = SQLITE_OK;
	for (struct op *o = c->head; o && rc == SQLITE_OK; o = o->next)
		rc = op_apply(c, o, o->len);
	ops_free(c);
	return rc;
}

static long kept, dropped, torn;

void faultvfs_crash(const char *why)
{
	int all = next_rand() % 3 == 0;
	for (struct cache *c = caches; c; c = c->next) {
		for (struct op *o = c->head; o; o = o->next) {
			unsigned r = (unsigned)(next_rand() % 10);
			int len = o->len;
			if (all || r < 3) {
				dropped++;
				continue;
			}
			if (r >= 7 && o->len > 1) {
				len = (int)(next_rand() % (uint64_t)o->len);
				if (next_rand() % 2)
					len &= ~511;
				torn++;
			} else {
				kept++;
			}
			op_apply(c, o, len);
		}
	}
	fprintf(stderr,
		"faultvfs: power lost (%s) at sync %ld: %s, %ld writes kept, %ld dropped, %ld "
		"torn\n",
		why, syncs, all ? "cache dropped whole" : "cache written in part", kept, dropped,
		torn);
	fflush(stderr);
	_exit(FAULTVFS_EXIT);
}

long faultvfs_syncs(void)
{
	return syncs;
}

/* ---- the file methods ---- */

#define REAL(f)	 VFSSHIM_REAL(f)
#define CACHE(f) (((struct ffile *)(f))->cache)

static int f_close(sqlite3_file *f)
{
	struct cache *c = CACHE(f);
	int rc;
	if (c && c->disk == REAL(f)) {
		/* The handle the cache writes through goes: write it out now, as
		 * the operating system would eventually; the next write through
		 * another handle takes over. */
		cache_flush(c);
		c->disk = NULL;
	}
	if (c && --c->refs == 0) {
		struct cache **p;
		for (p = &caches; *p != c; p = &(*p)->next)
			;
		*p = c->next;
		free(c->name);
		free(c);
	}
	rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
	return rc;
}

/* The size the file has with its pending operations replayed. */
static int cached_size(sqlite3_file *f, sqlite3_int64 *size)
{
	int rc = REAL(f)->pMethods->xFileSize(REAL(f), size);
	if (rc != SQLITE_OK)
		return rc;
	for (struct op *o = CACHE(f)->head; o; o = o->next) {
		if (o->len < 0)
			*size = o->off;
		else if (o->off + o->len > *size)
			*size = o->off + o->len;
	}
	return SQLITE_OK;
}

static int f_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	struct cache *c = CACHE(f);
	unsigned char *b = buf;
	sqlite3_int64 size;
	int rc;

	if (!c)
		return REAL(f)->pMethods->xRead(REAL(f), buf, amt, off);
	rc = REAL(f)->pMethods->xRead(REAL(f), buf, amt, off);
	if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
		return rc;
	rc = REAL(f)->pMethods->xFileSize(REAL(f), &size);
	if (rc != SQLITE_OK)
		return rc;
	for (struct op *o = c->head; o; o = o->next) {
		if (o->len < 0) {
			if (o->off < off + amt) {
				sqlite3_int64 from = o->off > off ? o->off : off;
				memset(b + (from - off), 0, (size_t)(off + amt - from));
			}
			size = o->off;
			continue;
		}
		if (o->off + o->len > size)
			size = o->off + o->len;
		if (o->off < off + amt && o->off + o->len > off) {
			sqlite3_int64 from = o->off > off ? o->off : off;
			sqlite3_int64 to =
				o->off + o->len < off + amt ? o->off + o->len : off + amt;
			memcpy(b + (from - off), o->data + (from - o->off), (size_t)(to - from));
		}
	}
	if (size < off + amt) {
		sqlite3_int64 from = size > off ? size : off;
		memset(b + (from - off), 0, (size_t)(off + amt - from));
		return SQLITE_IOERR_SHORT_READ;
	}
	return SQLITE_OK;
}

static int f_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	if (!CACHE(f))
		return REAL(f)->pMethods->xWrite(REAL(f), buf, amt, off);
	CACHE(f)->disk = REAL(f);
	return op_add(CACHE(f), off, amt, buf);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (!CACHE(f))
		return REAL(f)->pMethods->xTruncate(REAL(f), size);
	CACHE(f)->disk = REAL(f);
	return op_add(CACHE(f), size, -1, NULL);
}

static int f_sync(sqlite3_file *f, int flags)
{
	if (!CACHE(f))
		return REAL(f)->pMethods->xSync(REAL(f), flags);
	if (crash_at && ++syncs == crash_at)
		faultvfs_crash("at a sync");
	if (!crash_at)
		syncs++;
	return cache_flush(CACHE(f));
}

static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	if (!CACHE(f))
		return REAL(f)->pMethods->xFileSize(REAL(f), size);
	return cached_size(f, size);
}

static int f_control(sqlite3_file *f, int op, void *arg)
{
	/* A size hint or chunk size would extend the underlying file at once,
	 * past the cache; the file grows by its writes instead. */
	if (CACHE(f) && (op == SQLITE_FCNTL_SIZE_HINT || op == SQLITE_FCNTL_CHUNK_SIZE))
		return SQLITE_OK;
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

/* No memory-mapped reads: they would bypass the cache. */
static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	(void)f;
	(void)off;
	(void)amt;
	*pp = NULL;
	return SQLITE_OK;
}

static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f;
	(void)off;
	(void)p;
	return SQLITE_OK;
}

/* ---- the VFS ---- */

static int v_open(sqlite3_vfs *v, const char *name, sqlite3_file *file, int flags, int *out)
{
	struct ffile *f = (struct ffile *)file;
	int rc = vfsshim_open(v, name, file, flags, out);

	if (rc != SQLITE_OK)
		return rc;
	if (name && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL))) {
		struct cache *c;
		for (c = caches; c && strcmp(c->name, name) != 0; c = c->next)
			;
		if (!c) {
			c = calloc(1, sizeof *c);
			if (!c || !(c->name = strdup(name))) {
				free(c);
				REAL(f)->pMethods->xClose(REAL(f));
				f->shim.base.pMethods = NULL;
				return SQLITE_NOMEM;
			}
			c->next = caches;
			caches = c;
		}
		c->refs++;
		f->cache = c;
	}
	return SQLITE_OK;
}

static int v_delete(sqlite3_vfs *v, const char *name, int dirsync)
{
	for (struct cache *c = caches; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			ops_free(c);
	return vfsshim_under(v)->xDelete(vfsshim_under(v), name, dirsync);
}

int faultvfs_register(unsigned seed, long at)
{
	rng = 0x9E3779B97F4A7C15ULL ^ seed;
	if (!rng)
		rng = 1;
	crash_at = at;
	fmethods = vfsshim_io;
	fmethods.xClose = f_close;
	fmethods.xRead = f_read;
	fmethods.xWrite = f_write;
	fmethods.xTruncate = f_truncate;
	fmethods.xSync = f_sync;
	fmethods.xFileSize = f_size;
	fmethods.xFileControl = f_control;
	fmethods.xFetch = f_fetch;
	fmethods.xUnfetch = f_unfetch;
	if (vfsshim_init(&fvfs, "faultvfs", sizeof(struct ffile), &fmethods))
		return SQLITE_ERROR;
	fvfs.xOpen = v_open;
	fvfs.xDelete = v_delete;
	return sqlite3_vfs_register(&fvfs, 1);
}
