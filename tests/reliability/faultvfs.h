/*
 * faultvfs: a SQLite VFS that loses power. It sits over the default VFS and
 * keeps every write (and truncation) of a database, WAL or journal file in
 * memory until that file is synced, as a disk's volatile cache would; reads
 * see those pending writes, as the page cache would show them. At the k-th
 * sync of the process, or when faultvfs_crash is called, the power fails:
 * the writes not yet synced are dropped, all of them or a random part, and
 * some of those that reach the disk are torn (only a prefix written), then
 * the process ends at once with FAULTVFS_EXIT. What reached the underlying
 * files is what a machine would find after the power came back. The -shm
 * file is passed through: SQLite rebuilds it from the WAL when the first
 * connection opens the database after a crash.
 *
 * Used by tests/reliability/powerloss.c (h_30_powerloss.sh). One process,
 * one thread: the state is global.
 */
#ifndef GAVEL_FAULTVFS_H
#define GAVEL_FAULTVFS_H

/* The exit status of a process whose power failed. */
#define FAULTVFS_EXIT 42

/*
 * Register the VFS as the default, so that every connection opened after
 * (store_open too) goes through it. seed drives every random choice;
 * crash_at is the sync (counted from 1 over all files) at which the power
 * fails, 0 for none until faultvfs_crash. Returns 0 or a SQLite error code.
 */
int faultvfs_register(unsigned seed, long crash_at);

/* Fail the power now (see above); does not return. */
void faultvfs_crash(const char *why) __attribute__((noreturn));

/* Syncs so far. */
long faultvfs_syncs(void);

#endif
