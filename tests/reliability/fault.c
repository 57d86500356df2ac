/*
 * fault: linked into gavel-fault, a build of the gavel program for the I/O
 * error and out-of-memory harness (tests/reliability/h_40_faults.sh). Before
 * main runs it installs three fault injectors, each failing one chosen call
 * and only that one:
 *
 *   GAVEL_FAULT=write:K    the K-th xWrite of any SQLite file fails
 *                          (SQLITE_IOERR_WRITE), through a VFS shim over
 *                          the default VFS, registered as the default
 *   GAVEL_FAULT=sync:K     the K-th sync fails: SQLite's xSync
 *                          (SQLITE_IOERR_FSYNC) or gavel's own fsync of an
 *                          export (EIO), counted together
 *   GAVEL_FAULT=malloc:K   the K-th allocation of SQLite's allocator
 *                          (a SQLITE_CONFIG_MALLOC wrapper) returns NULL
 *   GAVEL_FAULT=xmalloc:K  the K-th xmalloc/xcalloc/xrealloc of gavel fails
 *                          (util_alloc_fail_hook)
 *
 * When the fault fires, the file named by GAVEL_FAULT_FIRED is created, so
 * the harness knows that an operation that finished saw no fault and the
 * loop over K is done; GAVEL_FAULT_COUNT names a file that gets, at exit,
 * how many calls of the armed kind were made (to size the loop).
 * GAVEL_FAULT_WEAK=1 is the negative control: the
 * K-th write is dropped but reported as done (a disk that lies), which the
 * harness must catch as lost or corrupt data.
 */
#include "config.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum fault_kind { F_NONE, F_WRITE, F_SYNC, F_MALLOC, F_XMALLOC };

static enum fault_kind kind;
static long at, seen;
static int weak;
static const char *fired_path, *count_path;

/* Count one call of the armed kind; 1 when it is the one to fail. */
static int fault_hit(enum fault_kind k)
{
	if (kind != k)
		return 0;
	if (++seen != at)
		return 0;
	if (fired_path) {
		int fd = open(fired_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	}
	return 1;
}

/* --- SQLite's allocator --- */

static sqlite3_mem_methods mem_real;

static void *mem_malloc(int n)
{
	return fault_hit(F_MALLOC) ? NULL : mem_real.xMalloc(n);
}

static void *mem_realloc(void *p, int n)
{
	return fault_hit(F_MALLOC) ? NULL : mem_real.xRealloc(p, n);
}

/* --- gavel's allocator --- */

static int xmalloc_fails(void)
{
	return fault_hit(F_XMALLOC);
}

/* --- gavel's own fsync (an export), linked with -Wl,--wrap=fsync --- */

int __real_fsync(int fd);
int __wrap_fsync(int fd);

int __wrap_fsync(int fd)
{
	if (fault_hit(F_SYNC)) {
		errno = EIO;
		return -1;
	}
	return __real_fsync(fd);
}

/* --- the VFS shim --- */

struct ffile {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct in the same allocation */
};

static sqlite3_vfs *vfs_real;

#define REAL(f) (((struct ffile *)(f))->real)

static int f_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (fault_hit(F_WRITE))
		return weak ? SQLITE_OK : SQLITE_IOERR_WRITE;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int f_sync(sqlite3_file *f, int flags)
{
	if (fault_hit(F_SYNC))
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int f_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}

static int f_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}

static int f_check(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int f_fcntl(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int f_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int f_devchar(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int f_shmmap(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, pp);
}

static int f_shmlock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void f_shmbarrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int f_shmunmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}

static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods f_methods = {
	.iVersion = 3,
	.xClose = f_close,
	.xRead = f_read,
	.xWrite = f_write,
	.xTruncate = f_truncate,
	.xSync = f_sync,
	.xFileSize = f_size,
	.xLock = f_lock,
	.xUnlock = f_unlock,
	.xCheckReservedLock = f_check,
	.xFileControl = f_fcntl,
	.xSectorSize = f_sector,
	.xDeviceCharacteristics = f_devchar,
	.xShmMap = f_shmmap,
	.xShmLock = f_shmlock,
	.xShmBarrier = f_shmbarrier,
	.xShmUnmap = f_shmunmap,
	.xFetch = f_fetch,
	.xUnfetch = f_unfetch,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out)
{
	struct ffile *ff = (struct ffile *)file;
	int rc;
	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	rc = vfs_real->xOpen(vfs_real, name, ff->real, flags, out);
	/* SQLite calls xClose only when pMethods is set. */
	ff->base.pMethods = ff->real->pMethods ? &f_methods : NULL;
	return rc;
}

static int v_delete(sqlite3_vfs *v, const char *name, int sync)
{
	(void)v;
	return vfs_real->xDelete(vfs_real, name, sync);
}

static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return vfs_real->xAccess(vfs_real, name, flags, out);
}

static int v_full(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return vfs_real->xFullPathname(vfs_real, name, n, out);
}

static void *v_dlopen(sqlite3_vfs *v, const char *name)
{
	(void)v;
	return vfs_real->xDlOpen(vfs_real, name);
}

static void v_dlerror(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	vfs_real->xDlError(vfs_real, n, out);
}

static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	(void)v;
	return vfs_real->xDlSym(vfs_real, h, sym);
}

static void v_dlclose(sqlite3_vfs *v, void *h)
{
	(void)v;
	vfs_real->xDlClose(vfs_real, h);
}

static int v_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return vfs_real->xRandomness(vfs_real, n, out);
}

static int v_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return vfs_real->xSleep(vfs_real, us);
}

static int v_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return vfs_real->xCurrentTime(vfs_real, out);
}

static int v_lasterr(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return vfs_real->xGetLastError ? vfs_real->xGetLastError(vfs_real, n, out) : 0;
}

static int v_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return vfs_real->xCurrentTimeInt64(vfs_real, out);
}

static sqlite3_vfs fault_vfs = {
	.iVersion = 2,
	.mxPathname = 512,
	.zName = "gavel-fault",
	.xOpen = v_open,
	.xDelete = v_delete,
	.xAccess = v_access,
	.xFullPathname = v_full,
	.xDlOpen = v_dlopen,
	.xDlError = v_dlerror,
	.xDlSym = v_dlsym,
	.xDlClose = v_dlclose,
	.xRandomness = v_random,
	.xSleep = v_sleep,
	.xCurrentTime = v_time,
	.xGetLastError = v_lasterr,
	.xCurrentTimeInt64 = v_time64,
};

static void fault_count(void)
{
	FILE *f = count_path ? fopen(count_path, "w") : NULL;
	if (f) {
		fprintf(f, "%ld\n", seen);
		fclose(f);
	}
}

__attribute__((constructor)) static void fault_init(void)
{
	static const struct {
		const char *name;
		enum fault_kind kind;
	} kinds[] = {
		{"write", F_WRITE}, {"sync", F_SYNC}, {"malloc", F_MALLOC}, {"xmalloc", F_XMALLOC}};
	const char *spec = getenv("GAVEL_FAULT"), *colon;
	sqlite3_mem_methods mem;

	if (!spec || !(colon = strchr(spec, ':')))
		return;
	for (size_t i = 0; i < GV_ARRAY_LEN(kinds); i++) {
		if (strlen(kinds[i].name) == (size_t)(colon - spec) &&
		    strncmp(spec, kinds[i].name, (size_t)(colon - spec)) == 0)
			kind = kinds[i].kind;
	}
	at = strtol(colon + 1, NULL, 10);
	if (kind == F_NONE || at < 1) {
		fprintf(stderr, "gavel-fault: bad GAVEL_FAULT '%s' (write|sync|malloc|xmalloc:K)\n",
			spec);
		exit(2);
	}
	fired_path = getenv("GAVEL_FAULT_FIRED");
	if ((count_path = getenv("GAVEL_FAULT_COUNT")))
		atexit(fault_count);
	weak = getenv("GAVEL_FAULT_WEAK") && strcmp(getenv("GAVEL_FAULT_WEAK"), "1") == 0;
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &mem_real) == SQLITE_OK) {
		mem = mem_real;
		mem.xMalloc = mem_malloc;
		mem.xRealloc = mem_realloc;
		sqlite3_config(SQLITE_CONFIG_MALLOC, &mem);
	}
	util_alloc_fail_hook = xmalloc_fails;
	vfs_real = sqlite3_vfs_find(NULL);
	if (vfs_real) {
		fault_vfs.szOsFile = (int)sizeof(struct ffile) + vfs_real->szOsFile;
		fault_vfs.mxPathname = vfs_real->mxPathname;
		sqlite3_vfs_register(&fault_vfs, 1);
	}
}
