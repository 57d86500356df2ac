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
#include "vfsshim.h"

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

/* --- the VFS: vfsshim.c's pass-through with writes and syncs counted --- */

static sqlite3_io_methods f_methods;
static sqlite3_vfs fault_vfs;

static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (fault_hit(F_WRITE))
		return weak ? SQLITE_OK : SQLITE_IOERR_WRITE;
	return VFSSHIM_REAL(f)->pMethods->xWrite(VFSSHIM_REAL(f), buf, n, off);
}

static int f_sync(sqlite3_file *f, int flags)
{
	if (fault_hit(F_SYNC))
		return SQLITE_IOERR_FSYNC;
	return VFSSHIM_REAL(f)->pMethods->xSync(VFSSHIM_REAL(f), flags);
}

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
	f_methods = vfsshim_io;
	f_methods.xWrite = f_write;
	f_methods.xSync = f_sync;
	if (vfsshim_init(&fault_vfs, "gavel-fault", sizeof(struct vfsshim_file), &f_methods) == 0)
		sqlite3_vfs_register(&fault_vfs, 1);
}
