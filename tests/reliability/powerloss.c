/*
 * powerloss: decisions through gavel's own review calls while the power
 * fails (tests/reliability/h_30_powerloss.sh, issue 13 item 3).
 *
 *   powerloss PROJECT.db --expert NAME [--trials N] [--decisions N]
 *             [--seed S] [--synchronous full|normal] [--acks FILE]
 *
 * Each trial forks a child that registers faultvfs (the power-failing VFS)
 * as the default, opens the project as gavel review does (store_open,
 * store_review_session_init), and makes up to --decisions decisions on random
 * items the way the review screen does (store_review_item_load, store_review_claim,
 * store_review_decide): the claim's commit is not synced, and every other
 * decision, as the screen makes them, commits without a sync (defer_sync)
 * and is synced by store_sync on a second connection, as the screen's sync
 * thread does (the others commit synced, as when that thread cannot
 * start). The log's checkpoints and its restart after one run on that
 * second connection too (store_review_checkpoint), after the first
 * decision and whenever the log passes REVIEW_WAL_FRAMES, as the screen's
 * checkpoint thread runs them. When the decision is on the disk, which is when the screen says
 * "saved", it appends "ID ITEM LABEL" to the acks file with a plain write(2). The power fails at a
 * random sync of the child, or after its last decision when that sync never comes (faultvfs drops
 * or tears what was not synced). The parent then opens the project with the default VFS, as gavel
 * would after the reboot, and checks every decision ever acknowledged: its row as acknowledged
 * (item, label, expert) and its decide event; PRAGMA integrity_check; the audit trail
 * (audit_verify: the chain, and every decision row against its event).
 *
 * --synchronous normal is the negative control: every decision commits
 * without a sync and is acknowledged at once, before (without) store_sync,
 * so acknowledged decisions must be lost.
 *
 * The last line on standard output is "result" and key=value counts:
 * trials, acked, lost (acknowledged decisions whose row is gone or not
 * what was acknowledged; the last check's count), corrupt (open or
 * integrity_check failed), verify (audit_verify did not pass), orphans
 * (acknowledged decisions without their event). faultvfs says on standard
 * error how each power failure went. Exit 0 when it ran (whatever it
 * found), 1 on a harness error.
 */
#include "config.h"

#include "audit.h"
#include "faultvfs.h"
#include "store.h"
#include "store_review.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct opts {
	const char *path, *expert, *acks;
	long trials, decisions;
	unsigned seed;
	int normal;
};

static unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

/* The log passed REVIEW_WAL_FRAMES on the deciding connection. */
static void ckpt_due(void *arg)
{
	*(int *)arg = 1;
}

/* The child: decisions until the power fails. Never returns. */
static void child(const struct opts *o, long trial, long nitems, long crash_at)
{
	char err[GV_ERR], other[128];
	struct store *st = NULL, *syncer = NULL;
	struct audit_actor a;
	unsigned s = o->seed * 7919u + (unsigned)trial;
	int fd, due = 1;
	struct review_ckpt hook = {ckpt_due, &due};

	if (faultvfs_register(o->seed + (unsigned)trial, crash_at) != SQLITE_OK) {
		fprintf(stderr, "powerloss: cannot register the VFS\n");
		_exit(3);
	}
	fd = open(o->acks, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0 || store_open(o->path, 0, &st, err) || store_review_session_init(st, err)) {
		fprintf(stderr, "powerloss: trial %ld: %s\n", trial,
			fd < 0 ? strerror(errno) : err);
		_exit(3);
	}
	if (store_open(o->path, 0, &syncer, err)) {
		fprintf(stderr, "powerloss: trial %ld: %s\n", trial, err);
		_exit(3);
	}
	store_review_checkpoint_elsewhere(st, &hook);
	audit_actor_init(&a, o->expert);
	for (long k = 0; k < o->decisions; k++) {
		struct review_item it;
		struct review_decide_args d;
		int64_t item = 1 + (int64_t)(rnd(&s) % (unsigned)nitems), id = 0;
		char line[128];
		int rc, n;

		memset(&it, 0, sizeof it);
		if (store_review_item_load(st, item, o->expert, &it, err)) {
			fprintf(stderr, "powerloss: load item %lld: %s\n", (long long)item, err);
			_exit(3);
		}
		rc = store_review_claim(st, &a, item, it.current, other, sizeof other, err);
		if (rc == 0) {
			memset(&d, 0, sizeof d);
			d.item = item;
			d.expected = it.current;
			d.label_code = it.task.labels[rnd(&s) % it.task.nlabels].code;
			d.blind_code = -1;
			d.seconds = 1;
			d.queue = "disputed";
			d.defer_sync = o->normal || k % 2 == 0;
			rc = store_review_decide(st, &a, &d, &id, other, sizeof other, err);
			if (rc == 0 && d.defer_sync && !o->normal && store_sync(syncer, err))
				rc = -1;
		}
		store_review_item_free(&it);
		if (rc >= 0 && due) {
			due = 0;
			if (store_review_checkpoint(syncer, err))
				rc = -1;
		}
		if (rc < 0) {
			fprintf(stderr, "powerloss: trial %ld: %s\n", trial, err);
			_exit(3);
		}
		if (rc > 0)
			continue;
		/* "saved": the screen would say it now. */
		n = snprintf(line, sizeof line, "%lld %lld %d\n", (long long)id, (long long)item,
			     d.label_code);
		if (write(fd, line, (size_t)n) != n)
			_exit(3);
	}
	faultvfs_crash("after the last decision");
}

struct tally {
	long acked, lost, corrupt, verify, orphans;
};

/* The first column of a one-row query with two integer parameters. */
static int64_t one_int(struct store *st, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *s = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Every acknowledged decision against the project: lost when its row is
 * gone or not what was acknowledged, an orphan when its event is missing. */
static void check_acks(const struct opts *o, struct store *st, struct tally *t)
{
	sqlite3_stmt *s = NULL;
	FILE *f = fopen(o->acks, "r");
	long long id, item;
	int label;

	t->acked = t->lost = t->orphans = 0;
	if (!f ||
	    sqlite3_prepare_v2(st->db, "SELECT item, label, expert FROM decision WHERE id = ?", -1,
			       &s, NULL) != SQLITE_OK) {
		if (f)
			fclose(f);
		return;
	}
	while (fscanf(f, "%lld %lld %d", &id, &item, &label) == 3) {
		int same = 0;
		t->acked++;
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) == SQLITE_ROW)
			same = sqlite3_column_int64(s, 0) == item &&
			       sqlite3_column_int(s, 1) == label &&
			       strcmp((const char *)sqlite3_column_text(s, 2), o->expert) == 0;
		if (!same) {
			t->lost++;
			continue;
		}
		if (one_int(st,
			    "SELECT count(*) FROM event WHERE action = 'decide' AND item = ?2"
			    " AND detail->'after'->>'decision' = ?1",
			    id, item) != 1)
			t->orphans++;
	}
	sqlite3_finalize(s);
	fclose(f);
}

/* After a crash: the project as the next gavel would open it. */
static void check(const struct opts *o, struct tally *t, long trial)
{
	char err[GV_ERR], ok[64] = "";
	struct store *st = NULL;
	struct audit_result r;
	sqlite3_stmt *s = NULL;
	long lost = t->lost;

	if (store_open(o->path, 0, &st, err)) {
		fprintf(stderr, "trial %ld: the project does not open: %s\n", trial, err);
		t->corrupt++;
		return;
	}
	if (sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		snprintf(ok, sizeof ok, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (strcmp(ok, "ok") != 0) {
		fprintf(stderr, "trial %ld: integrity_check: %s\n", trial, ok);
		t->corrupt++;
	}
	memset(&r, 0, sizeof r);
	if (audit_verify(st, NULL, &r, err) != 0) {
		fprintf(stderr, "trial %ld: audit verify: %s\n", trial,
			r.reason[0] ? r.reason : err);
		t->verify++;
	}
	check_acks(o, st, t);
	if (t->lost > lost)
		fprintf(stderr, "trial %ld: %ld acknowledged decisions lost so far\n", trial,
			t->lost);
	store_close(st);
}

static int usage(void)
{
	fputs("usage: powerloss PROJECT.db --expert NAME [--trials N] [--decisions N] [--seed S]\n"
	      "                 [--synchronous full|normal] [--acks FILE]\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	struct opts o = {NULL, NULL, NULL, 20, 10, 1, 0};
	struct tally t = {0};
	char err[GV_ERR], acks[4096];
	struct store *st = NULL;
	long nitems;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (argv[i][0] != '-') {
			o.path = argv[i];
			continue;
		}
		if (!v)
			return usage();
		if (strcmp(argv[i], "--expert") == 0)
			o.expert = v;
		else if (strcmp(argv[i], "--trials") == 0)
			o.trials = atol(v);
		else if (strcmp(argv[i], "--decisions") == 0)
			o.decisions = atol(v);
		else if (strcmp(argv[i], "--seed") == 0)
			o.seed = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(argv[i], "--synchronous") == 0)
			o.normal = strcmp(v, "normal") == 0;
		else if (strcmp(argv[i], "--acks") == 0)
			o.acks = v;
		else
			return usage();
		i++;
	}
	if (!o.path || !o.expert || o.trials < 1 || o.decisions < 1)
		return usage();
	if (!o.acks) {
		snprintf(acks, sizeof acks, "%s.acks", o.path);
		o.acks = acks;
	}
	unlink(o.acks);
	if (store_open(o.path, 0, &st, err)) {
		fprintf(stderr, "powerloss: %s\n", err);
		return 1;
	}
	nitems = (long)one_int(st, "SELECT count(*) FROM item WHERE ?1 = ?2", 0, 0);
	store_close(st);
	if (nitems < 1) {
		fprintf(stderr, "powerloss: %s has no items\n", o.path);
		return 1;
	}
	for (long trial = 0; trial < o.trials; trial++) {
		unsigned s = o.seed ^ (unsigned)(trial * 2654435761u);
		/* About one sync a decision (the decision's; a claim's commit
		 * is not synced), more at a checkpoint: a point within them,
		 * or one past the end now and then. */
		long crash_at = 1 + (long)(rnd(&s) % (unsigned)(o.decisions + 4));
		int status;
		pid_t pid;

		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			perror("powerloss: fork");
			return 1;
		}
		if (pid == 0)
			child(&o, trial, nitems, crash_at);
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != FAULTVFS_EXIT) {
			fprintf(stderr,
				"powerloss: trial %ld: the child did not end by a power failure\n",
				trial);
			return 1;
		}
		check(&o, &t, trial);
	}
	printf("result trials=%ld acked=%ld lost=%ld corrupt=%ld verify=%ld orphans=%ld\n",
	       o.trials, t.acked, t.lost, t.corrupt, t.verify, t.orphans);
	return 0;
}
