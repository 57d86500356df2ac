/*
 * vfsshim: a SQLite VFS that passes every call through to the default VFS
 * (tests/reliability/vfsshim.h), the base of the reliability harnesses'
 * fault-injecting VFSes.
 */
#include "config.h"

#include "vfsshim.h"

#include <stdlib.h>
#include <string.h>

/* What a shim keeps, in its VFS's pAppData. */
struct shim {
	sqlite3_vfs *under;
	size_t file_size;
	const sqlite3_io_methods *io;
};

#define REAL(f)	 VFSSHIM_REAL(f)
#define UNDER(v) (((const struct shim *)(v)->pAppData)->under)

/* ---- the file methods ---- */

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
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int f_sync(sqlite3_file *f, int flags)
{
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

static int f_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int f_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int f_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int f_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int f_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void f_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int f_shm_unmap(sqlite3_file *f, int del)
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

const sqlite3_io_methods vfsshim_io = {
	.iVersion = 3,
	.xClose = f_close,
	.xRead = f_read,
	.xWrite = f_write,
	.xTruncate = f_truncate,
	.xSync = f_sync,
	.xFileSize = f_size,
	.xLock = f_lock,
	.xUnlock = f_unlock,
	.xCheckReservedLock = f_reserved,
	.xFileControl = f_control,
	.xSectorSize = f_sector,
	.xDeviceCharacteristics = f_device,
	.xShmMap = f_shm_map,
	.xShmLock = f_shm_lock,
	.xShmBarrier = f_shm_barrier,
	.xShmUnmap = f_shm_unmap,
	.xFetch = f_fetch,
	.xUnfetch = f_unfetch,
};

/* ---- the VFS methods ---- */

int vfsshim_open(sqlite3_vfs *v, const char *name, sqlite3_file *file, int flags, int *out)
{
	const struct shim *sh = v->pAppData;
	struct vfsshim_file *f = (struct vfsshim_file *)file;
	int rc;

	memset(f, 0, sh->file_size);
	f->real = (sqlite3_file *)((char *)f + sh->file_size);
	rc = sh->under->xOpen(sh->under, name, f->real, flags, out);
	f->base.pMethods = f->real->pMethods ? sh->io : NULL;
	return rc;
}

static int v_delete(sqlite3_vfs *v, const char *name, int sync)
{
	return UNDER(v)->xDelete(UNDER(v), name, sync);
}

static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	return UNDER(v)->xAccess(UNDER(v), name, flags, out);
}

static int v_fullpath(sqlite3_vfs *v, const char *name, int n, char *out)
{
	return UNDER(v)->xFullPathname(UNDER(v), name, n, out);
}

static void *v_dlopen(sqlite3_vfs *v, const char *name)
{
	return UNDER(v)->xDlOpen(UNDER(v), name);
}

static void v_dlerror(sqlite3_vfs *v, int n, char *out)
{
	UNDER(v)->xDlError(UNDER(v), n, out);
}

static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	return UNDER(v)->xDlSym(UNDER(v), h, sym);
}

static void v_dlclose(sqlite3_vfs *v, void *h)
{
	UNDER(v)->xDlClose(UNDER(v), h);
}

static int v_random(sqlite3_vfs *v, int n, char *out)
{
	return UNDER(v)->xRandomness(UNDER(v), n, out);
}

static int v_sleep(sqlite3_vfs *v, int us)
{
	return UNDER(v)->xSleep(UNDER(v), us);
}

static int v_time(sqlite3_vfs *v, double *out)
{
	return UNDER(v)->xCurrentTime(UNDER(v), out);
}

static int v_lasterr(sqlite3_vfs *v, int n, char *out)
{
	return UNDER(v)->xGetLastError ? UNDER(v)->xGetLastError(UNDER(v), n, out) : 0;
}

static int v_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	return UNDER(v)->xCurrentTimeInt64(UNDER(v), out);
}

int vfsshim_init(sqlite3_vfs *vfs, const char *name, size_t file_size, const sqlite3_io_methods *io)
{
	static struct shim shims[4];
	static size_t nshims;
	sqlite3_vfs *under = sqlite3_vfs_find(NULL);
	struct shim *sh;

	if (!under || nshims == sizeof shims / sizeof shims[0])
		return -1;
	sh = &shims[nshims++];
	sh->under = under;
	sh->file_size = file_size;
	sh->io = io;
	memset(vfs, 0, sizeof *vfs);
	vfs->iVersion = 2;
	vfs->szOsFile = (int)file_size + under->szOsFile;
	vfs->mxPathname = under->mxPathname;
	vfs->zName = name;
	vfs->pAppData = sh;
	vfs->xOpen = vfsshim_open;
	vfs->xDelete = v_delete;
	vfs->xAccess = v_access;
	vfs->xFullPathname = v_fullpath;
	vfs->xDlOpen = v_dlopen;
	vfs->xDlError = v_dlerror;
	vfs->xDlSym = v_dlsym;
	vfs->xDlClose = v_dlclose;
	vfs->xRandomness = v_random;
	vfs->xSleep = v_sleep;
	vfs->xCurrentTime = v_time;
	vfs->xGetLastError = v_lasterr;
	vfs->xCurrentTimeInt64 = v_time64;
	return 0;
}

sqlite3_vfs *vfsshim_under(const sqlite3_vfs *vfs)
{
	return UNDER(vfs);
}
