/*
 * A decision's sync, the log's checkpoints and the log's restart stay off
 * the keys. The real screen state (ui_update_key) runs on the database
 * backend, with its sync and checkpoint threads, over a VFS that counts
 * every sync (xSync) and every write of the write-ahead log's header, by
 * whether the screen's thread made it. Over enough decisions for the log to
 * pass REVIEW_WAL_FRAMES, be copied into the database and start again from
 * its beginning (which writes a new header and syncs it before any frame
 * goes over the old ones), the screen's thread syncs nothing and writes no
 * header; each decision is said "saved" only after a sync on another
 * thread. The test waits for the threads between keys (ui_db_settle), so
 * that its counts do not depend on which thread ran first.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testui.h"
#include "testutil.h"
#include "reliability/vfsshim.h"

#include "store_review.h"
#include "ui.h"
#include "ui_backend.h"
#include "util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* --- the VFS: vfsshim.c's pass-through with syncs and log headers counted --- */

struct count_file {
	struct vfsshim_file shim;
	int wal; /* a write-ahead log */
};

static sqlite3_vfs count_vfs;
static sqlite3_io_methods count_methods;
static pthread_t screen_thread;
/* [0] by the screen's thread, [1] by any other */
static atomic_long syncs[2], headers[2];

static int by_other(void)
{
	return !pthread_equal(pthread_self(), screen_thread);
}

static int c_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	/* The log's 32-byte header at its start, written when it (re)starts. */
	if (((struct count_file *)f)->wal && off == 0 && n == 32)
		atomic_fetch_add(&headers[by_other()], 1);
	return VFSSHIM_REAL(f)->pMethods->xWrite(VFSSHIM_REAL(f), buf, n, off);
}

static int c_sync(sqlite3_file *f, int flags)
{
	atomic_fetch_add(&syncs[by_other()], 1);
	return VFSSHIM_REAL(f)->pMethods->xSync(VFSSHIM_REAL(f), flags);
}

static int c_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out)
{
	int rc = vfsshim_open(vfs, name, file, flags, out);
	if (rc == SQLITE_OK)
		((struct count_file *)file)->wal = (flags & SQLITE_OPEN_WAL) != 0;
	return rc;
}

static void counts_reset(void)
{
	for (int i = 0; i < 2; i++) {
		atomic_store(&syncs[i], 0);
		atomic_store(&headers[i], 0);
	}
}

static int setup(void **state)
{
	*state = test_fx_disputed("sync", 600);
	return 0;
}

/* Decide the disputed queue's items one after another, the threads
 * settled after each key. */
static void test_keys_leave_syncs_to_threads(void **state)
{
	struct test_fx *f = *state;
	struct ui_db db;
	struct ui_backend be;
	struct ui_state s;
	struct review_row *rows = NULL;
	size_t n = 0;
	int blind = 0;
	char err[GV_ERR], *v;
	int decided = 0;

	memset(&db, 0, sizeof db);
	db.st = f->st;
	audit_actor_init(&db.actor, "me");
	if (store_review_session_init(f->st, err))
		fail_msg("%s", err);
	ui_backend_db(&be, &db);
	if (ui_db_queue_rows(&db, "disputed", &rows, &n, &blind, err))
		fail_msg("%s", err);
	ui_state_init(&s, &be, "me", 1, 0, "disputed", rows, n, 80, 24);
	assert_true(n >= 300);
	ui_db_settle(&db);
	counts_reset();

	test_ui_keys(&s, "\n");
	ui_db_settle(&db);
	for (int i = 0; i < 300; i++) {
		long before = atomic_load(&syncs[1]);
		test_ui_keys(&s, "1");
		if (strncmp(s.msg, "saving: ", 8) != 0)
			fail_msg("decision %d: \"%s\", wanted \"saving: ...\"", i, s.msg);
		ui_db_settle(&db);
		assert_true(atomic_load(&syncs[1]) > before);
		ui_item_idle(&s, 1);
		if (strncmp(s.msg, "saved: ", 7) != 0)
			fail_msg("decision %d: \"%s\", wanted \"saved: ...\"", i, s.msg);
		decided++;
	}

	/* The keys (claims, decisions) synced nothing of their own: a sync on
	 * the screen's thread is only a log restart it won, when the next
	 * item's claim, in the decide key itself, wrote between the
	 * checkpoint thread's checkpoint and its restarting commit (a race
	 * the sanitizer build's timing wins now and then). The checkpoint
	 * thread restarted the log at least once, and the sync thread synced
	 * every decision. Synced in their commit, the 300 decisions would be
	 * 300 syncs here; with the restart taken out, headers[1] is 0. */
	if (atomic_load(&syncs[0]) > atomic_load(&headers[0]))
		fail_msg("the screen's thread synced %ld times, restarted the log %ld times",
			 atomic_load(&syncs[0]), atomic_load(&headers[0]));
	assert_true(atomic_load(&headers[0]) < decided / 10);
	assert_true(atomic_load(&syncs[1]) >= decided);
	assert_true(atomic_load(&headers[1]) >= 1);
	v = test_query_text(f->st, "SELECT count(*) FROM decision");
	assert_int_equal(atoi(v), decided);
	free(v);

	ui_state_free(&s);
	ui_db_free(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keys_leave_syncs_to_threads, setup,
						test_fx_teardown),
	};
	screen_thread = pthread_self();
	count_methods = vfsshim_io;
	count_methods.xWrite = c_write;
	count_methods.xSync = c_sync;
	if (vfsshim_init(&count_vfs, "gavel-count", sizeof(struct count_file), &count_methods))
		return 1;
	count_vfs.xOpen = c_open;
	sqlite3_vfs_register(&count_vfs, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
