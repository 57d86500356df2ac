/*
 * vfsshim: a SQLite VFS that passes every call through to the default VFS,
 * for the test VFSes that change a few of them: tests/reliability/fault.c
 * (one failing write or sync, h_40_faults.sh) and faultvfs.c (power loss,
 * h_30_powerloss.sh). A user copies vfsshim_io into its own methods and
 * replaces the calls it changes, and may replace the VFS's xOpen and
 * xDelete, calling vfsshim_open and the VFS beneath (vfsshim_under) from
 * them.
 */
#ifndef GAVEL_VFSSHIM_H
#define GAVEL_VFSSHIM_H

#include <sqlite3.h>
#include <stddef.h>

/* The start of a shim's file: the user's file struct begins with it. The
 * file of the VFS beneath follows the user's struct in the same block. */
struct vfsshim_file {
	sqlite3_file base;
	sqlite3_file *real;
};

/* The file of the VFS beneath, for a file of the shim. */
#define VFSSHIM_REAL(f) (((struct vfsshim_file *)(f))->real)

/* Every file method passed through to the file beneath (iVersion 3). */
extern const sqlite3_io_methods vfsshim_io;

/*
 * Fill vfs, named name, to pass every call through to the default VFS; its
 * files are file_size bytes of the user's (at least a struct vfsshim_file)
 * followed by the file beneath, and get the methods io. Does not register
 * it. Returns 0, or -1 when there is no default VFS.
 */
int vfsshim_init(sqlite3_vfs *vfs, const char *name, size_t file_size,
		 const sqlite3_io_methods *io);

/* The VFS beneath a shim set up by vfsshim_init. */
sqlite3_vfs *vfsshim_under(const sqlite3_vfs *vfs);

/*
 * The shim's xOpen: opens the file beneath after the user's file_size
 * bytes (zeroed first) and gives the file the shim's methods when the file
 * beneath has any (SQLite calls xClose only then).
 */
int vfsshim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out);

#endif
