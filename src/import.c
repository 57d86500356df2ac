/*
 * import: format lookup and detection over formats.h's table (this file
 * names no format: each says what it is in its struct fmt), and the
 * pipeline that reads a file once, runs a format reader into the database
 * sink and commits, all in one transaction. Formats know nothing of the database; the sink knows
 * nothing of formats.
 *
 * The reader and the sink share one thread. They had a thread each, the
 * reader copying every record into batches for the sink's thread; on the
 * 2-core machines gavel is built on, the reader's stores into lines the
 * other core had just read cost more than the parse: a CSV reader took
 * 0.12 s over 4M votes alone and 0.6 to 0.9 s handing them over (0.2 s
 * with both threads on one core), and a 1M-item import took 2.4 to 2.6 s
 * with the second thread and 2.0 to 2.2 s without. The second core runs
 * the file's hash and the sorts of the spilled runs instead.
 */
#include "config.h"

#include "formats.h"
#include "import.h"
#include "limit.h"
#include "store_import.h"
#include "text.h"
#include "utf8.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const struct fmt *import_format_find(const char *name)
{
	for (size_t i = 0; i < formats_count; i++) {
		if (strcmp(formats_all[i]->name, name) == 0)
			return formats_all[i];
	}
	return NULL;
}

const char *import_format_names(void)
{
	static struct sbuf names;
	if (!names.s) {
		for (size_t i = 0; i < formats_count; i++)
			sbuf_addf(&names, "%s%s", i ? "|" : "", formats_all[i]->name);
	}
	return names.s;
}

int import_errf(char *err, const char *file, long line, long col, const char *fmt, ...)
{
	struct sbuf b = {0};
	va_list ap;
	char *clean;

	if (!err)
		return -1;
	if (file)
		sbuf_addf(&b, "%s:", file);
	if (file && line > 0)
		sbuf_addf(&b, "%ld:", line);
	if (file && line > 0 && col > 0)
		sbuf_addf(&b, "%ld:", col);
	if (file)
		sbuf_addc(&b, ' ');
	va_start(ap, fmt);
	sbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	clean = text_clean(b.s ? b.s : "");
	snprintf(err, GV_ERR, "%s", clean);
	free(clean);
	sbuf_free(&b);
	return -1;
}

const char *import_snip(const char *s, char out[64])
{
	size_t n = strlen(s);
	if (n <= 60) {
		memcpy(out, s, n + 1);
		return out;
	}
	n = utf8_cut(s, 57);
	memcpy(out, s, n);
	memcpy(out + n, "...", 4);
	return out;
}

/* The file name's extension (after the last '.' of the last component), or "". */
static const char *import_ext(const char *file)
{
	const char *base = strrchr(file, '/');
	const char *dot;
	base = base ? base + 1 : file;
	dot = strrchr(base, '.');
	return dot && dot != base ? dot + 1 : "";
}

/* Does the extension name the format? */
static int import_ext_fits(const struct fmt *f, const char *ext)
{
	for (size_t i = 0; i < FMT_MAX_EXTS && f->exts[i]; i++)
		if (strcasecmp(ext, f->exts[i]) == 0)
			return 1;
	return 0;
}

const struct fmt *import_detect(const char *file, const char *buf, size_t len,
				enum import_kind kind, char *err)
{
	const struct fmt **cand = xcalloc(formats_count, sizeof *cand);
	const struct fmt *pick = NULL;
	const char *ext = import_ext(file);
	size_t n = 0, nfit = 0;
	struct sbuf names = {0};

	for (size_t i = 0; i < formats_count; i++) {
		const struct fmt *f = formats_all[i];
		if ((f->kinds & (1u << kind)) && f->detect(buf, len, kind))
			cand[n++] = f;
	}
	if (n == 1) {
		pick = cand[0];
		goto out;
	}
	/* Several formats accept the content, or none does: let the extension
	 * decide when it names exactly one of them (or, with no candidate, one
	 * text format whose reader will then say precisely what is wrong). */
	for (size_t i = 0; i < (n ? n : formats_count); i++) {
		const struct fmt *f = n ? cand[i] : formats_all[i];
		if (!(f->kinds & (1u << kind)) || !import_ext_fits(f, ext))
			continue;
		if (!n && !(f->flags & FMT_BY_EXT))
			continue;
		pick = f;
		nfit++;
	}
	if (nfit == 1)
		goto out;
	pick = NULL;
	for (size_t i = 0; i < n; i++)
		sbuf_addf(&names, "%s%s", i ? " or " : "", cand[i]->name);
	if (n)
		import_errf(err, file, 0, 0, "could be %s; say which with --format", names.s);
	else
		import_errf(err, file, 0, 0,
			    "cannot tell the format of the %s; say it with --format %s",
			    import_kind_name(kind), import_format_names());
	sbuf_free(&names);
out:
	free(cand);
	return pick;
}

/* The file name without directories and extension, as a task name. */
static char *import_stem(const char *file)
{
	const char *base = strrchr(file, '/');
	const char *dot;
	if (strcmp(file, "-") == 0 || strcmp(file, IMPORT_STDIN_NAME) == 0)
		return xstrdup("stdin");
	base = base ? base + 1 : file;
	dot = strchr(base, '.');
	if (dot == base)
		dot = NULL;
	return dot ? xstrndup(base, (size_t)(dot - base)) : xstrdup(base);
}

/*
 * The file's SHA-256 (for the audit event) is computed on another thread,
 * started with the reader and run at the idle priority (SCHED_IDLE): the
 * reader's thread and the sorts of the spilled runs, and the merge beside
 * the writer of a streamed import, leave part of the second core idle, and
 * the hash takes only that. A 1.3 GB file of 40M votes takes about 4 s to
 * hash: started after the reading at the normal priority it competed with
 * the writer. A buffer of the import's own (read from a stream) is hashed
 * after the reading, since the hash gives its pages back as it goes. A
 * failed import stops the hash at its next chunk. Small buffers are hashed
 * inline.
 */
#define IMPORT_HASH_THREAD_BYTES ((size_t)1 << 20)

/*
 * When the file was read into a buffer of the import's own (import_file),
 * nothing reads it once the reader is done but the hash: its pages are given
 * back to the system as the hash passes them, so that the file's size does
 * not add to the memory the commit's sorts and rows take (a 132 MB file of
 * 4M votes with string ids held all of it until the end).
 */
#define IMPORT_HASH_CHUNK ((size_t)4 << 20)

/* import_run's release: the buffer was read (1) or mapped. */
#define IMPORT_MAPPED 2

/*
 * A mapped file is read by the parser and the hash at once, and each gives
 * pages back: the hash gives back only what the parser has passed too
 * (passed, which the parser's sink publishes), and waits when it is a
 * third of the memory budget (lead) ahead of it. Giving back everything it
 * had hashed, the hash, which runs faster than the parser, took away the
 * pages just ahead of the parser, and the parser had to fault each of them
 * in again: at 10M votes grouped by item that tripled the tokenizer's CPU
 * time (perf: 4.0 s with the hash, 1.65 s without). The lead bounds what
 * the two keep mapped. A reader that gives no offsets (tracked unset: the
 * JSON formats) leaves the hash as it was, giving back all it has hashed.
 */
struct import_hash {
	const char *buf;
	size_t len;
	int release; /* give the buffer's pages back as they are hashed */
	char hex[65];
	pthread_t thread;
	int running;
	atomic_int stop;      /* the import failed: the hash is not needed */
	atomic_size_t passed; /* a mapped file: the bytes the parser is done with */
	atomic_int tracked;   /* the parser publishes passed (its reader knows offsets) */
	size_t lead;
};

/* Give back the whole pages of buf[0..n) (anonymous memory: they read as
 * zeros if touched again, which nothing does). */
static void import_release(const char *buf, size_t n)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = ((uintptr_t)buf + page - 1) & ~(page - 1);
	uintptr_t hi = ((uintptr_t)buf + n) & ~(page - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

static void *import_hash_run(void *arg)
{
	struct import_hash *h = arg;
	crypto_hash_sha256_state c;
	unsigned char md[crypto_hash_sha256_BYTES];
	if (!h->release) {
		util_sha256_hex(h->buf, h->len, h->hex);
		return NULL;
	}
	crypto_hash_sha256_init(&c);
	for (size_t off = 0; off < h->len && !atomic_load(&h->stop); off += IMPORT_HASH_CHUNK) {
		size_t n = h->len - off < IMPORT_HASH_CHUNK ? h->len - off : IMPORT_HASH_CHUNK;
		size_t passed = h->len;
		if (h->release == IMPORT_MAPPED && atomic_load(&h->tracked)) {
			struct timespec nap = {0, 1000000};
			while ((passed = atomic_load(&h->passed)) + h->lead < off + n &&
			       !atomic_load(&h->stop))
				nanosleep(&nap, NULL);
		}
		crypto_hash_sha256_update(&c, (const unsigned char *)h->buf + off, n);
		import_release(h->buf, off + n < passed ? off + n : passed);
	}
	crypto_hash_sha256_final(&c, md);
	sodium_bin2hex(h->hex, sizeof h->hex, md, sizeof md);
	return NULL;
}

/* On a thread of its own, the hash takes only a core the import leaves
 * idle; the commit waits for it, and then a core is free. */
static void *import_hash_thread(void *arg)
{
#ifdef SCHED_IDLE
	struct sched_param sp = {0};
	pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
#endif
	return import_hash_run(arg);
}

static void import_hash_start(struct import_hash *h, const char *buf, size_t len, int release)
{
	h->buf = buf;
	h->len = len;
	h->release = release;
	h->lead = store_import_spill_mem() / 3;
	atomic_store(&h->passed, 0);
	atomic_store(&h->tracked, 0);
	h->running = len >= IMPORT_HASH_THREAD_BYTES &&
		     pthread_create(&h->thread, NULL, import_hash_thread, h) == 0;
	if (!h->running)
		import_hash_run(h);
}

/* Wait for the hash; h->hex is complete afterwards. Safe to call twice. */
static void import_hash_wait(struct import_hash *h)
{
	if (h->running)
		pthread_join(h->thread, NULL);
	h->running = 0;
}

static void import_hash_wait_cb(void *ctx)
{
	import_hash_wait(ctx);
}

/*
 * Formats such as Label Studio, Prodigy and Argilla name the question each
 * record answers (rec.task). A pre-pass collects those names so that a file
 * answering one question goes to the task of that name, and a file answering
 * several is never merged into one task: --task picks one of them. The
 * questions whose answers the reader passed over (taxonomies, spans) are
 * collected apart: they do not make a file ambiguous, but --task may name
 * one, and then the import keeps only that question (and says it found
 * nothing gavel reads there) rather than renaming another.
 */
#define IMPORT_MAX_NAMED 16

struct named_list {
	char *name[IMPORT_MAX_NAMED];
	int n, more;
};

struct named_tasks {
	struct named_list voted;   /* questions of records */
	struct named_list skipped; /* questions of what the reader passed over */
};

static void named_add(struct named_list *l, const char *task)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->name[i], task) == 0)
			return;
	if (l->n < IMPORT_MAX_NAMED)
		l->name[l->n++] = xstrdup(task);
	else
		l->more = 1;
}

static int named_has(const struct named_list *l, const char *task)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->name[i], task) == 0)
			return 1;
	return 0;
}

static int named_put(void *ctx, const struct rec *r, char *err)
{
	struct named_tasks *t = ctx;
	(void)err;
	if (r->task)
		named_add(&t->voted, r->task);
	return 0;
}

static void named_skip(void *ctx, const char *task, const char *what)
{
	struct named_tasks *t = ctx;
	(void)what;
	if (task)
		named_add(&t->skipped, task);
}

static void named_free(struct named_tasks *t)
{
	for (int i = 0; i < t->voted.n; i++)
		free(t->voted.name[i]);
	for (int i = 0; i < t->skipped.n; i++)
		free(t->skipped.name[i]);
}

/* Pass on only the records of one named task (and those naming none). */
struct task_filter {
	struct sink *next;
	const char *task;
};

static int filter_put(void *ctx, const struct rec *r, char *err)
{
	struct task_filter *f = ctx;
	if (r->task && strcmp(r->task, f->task) != 0)
		return 0;
	return f->next->put(f->next->ctx, r, err);
}

static void filter_skip(void *ctx, const char *task, const char *what)
{
	struct task_filter *f = ctx;
	if (!task || strcmp(task, f->task) == 0)
		record_skip(f->next, task, what);
}

/*
 * Decide which task the file's records go to. Sets *task (borrowed from o or
 * from names) and *filter (1: keep only records of *task). Returns 0, or
 * IMPORT_USAGE with err filled when the file answers several questions and
 * --task does not pick one of them.
 */
static int import_choose_task(struct store *st, const struct import_opts *o,
			      const struct named_tasks *named, const char **task, int *filter,
			      char *err)
{
	const struct named_list *names = &named->voted;
	struct sbuf list = {0};
	*task = o->task;
	*filter = 0;
	if (o->task && (named_has(names, o->task) || named_has(&named->skipped, o->task))) {
		*filter = 1;
		return 0;
	}
	if (names->n == 1 && !o->task) {
		/* One question: its task when the project has it, or a new task of
		 * that name when the project has no task to fall back on. */
		struct store_task t;
		size_t ntasks = 0;
		struct store_task *all = NULL;
		char e2[GV_ERR];
		int found = store_task_get(st, names->name[0], &t, e2);
		if (found == 1)
			store_task_free(&t);
		if (found != 1 && store_task_list(st, &all, &ntasks, e2) == 0) {
			for (size_t i = 0; i < ntasks; i++)
				store_task_free(&all[i]);
			free(all);
		}
		if (found == 1 || ntasks == 0)
			*task = names->name[0];
		return 0;
	}
	if (names->n <= 1)
		return 0;
	for (int i = 0; i < names->n; i++) {
		sbuf_add(&list, i ? ", " : "");
		sbuf_add(&list, names->name[i]);
	}
	import_errf(err, o->file, 0, 0,
		    "the file answers %d%s questions (%s); import one at a time with --task NAME",
		    names->n, names->more ? "+" : "", list.s);
	sbuf_free(&list);
	return IMPORT_USAGE;
}

/*
 * Every record a reader gives passes through a sink in front of the rest
 * (struct import_front), which holds its fields to limit.h, so that every
 * format refuses an oversized name with the record's position. A file mapped
 * rather than read (import_file) is given back to the system there too:
 * every IMPORT_RELEASE_RECORDS records, or IMPORT_RELEASE_BYTES of the
 * records' strings, the whole mapping is dropped. The pages come back from
 * the file when touched again, so this is always safe, dropping pages that
 * are not resident costs little, and the file's size never adds much to the
 * import's memory (a 1.3 GB file of 40M votes did, read whole). Each drop
 * costs the page tables of what was read since, and the next page a fault:
 * every 4,096 records, a tenth of a 4M-vote file's parse went to them.
 */
#define IMPORT_RELEASE_RECORDS 16384
#define IMPORT_RELEASE_BYTES   ((size_t)8 << 20)

struct import_front {
	struct sink *next;
	struct import_hash *hash;
	const char *buf;
	size_t len;
	int mapped;
	unsigned long n;
	size_t bytes; /* the records' strings since the last release */
};

static int front_put(void *ctx, const struct rec *r, char *err)
{
	struct import_front *x = ctx;
	size_t bytes;
	if (limit_record(r, &bytes, err))
		return -1;
	if (x->mapped) {
		x->bytes += bytes;
		if (++x->n % IMPORT_RELEASE_RECORDS == 0 || x->bytes >= IMPORT_RELEASE_BYTES) {
			/* What the parser has passed when the reader says, so that
			 * the pages the hash has read ahead stay; else all. */
			size_t end = r->end && r->end <= x->len ? r->end : x->len;
			import_release(x->buf, end);
			if (r->end && x->hash) {
				atomic_store(&x->hash->passed, end);
				atomic_store(&x->hash->tracked, 1);
			}
			x->bytes = 0;
		}
	}
	return x->next->put(x->next->ctx, r, err);
}

static void front_skip(void *ctx, const char *task, const char *what)
{
	struct import_front *x = ctx;
	record_skip(x->next, task, what);
}

/* A sink in front of next (x holds its state, s is the sink). */
static struct sink *import_front(struct sink *next, struct import_hash *hash, const char *buf,
				 size_t len, int release, struct import_front *x, struct sink *s)
{
	*x = (struct import_front){.next = next,
				   .hash = hash,
				   .buf = buf,
				   .len = len,
				   .mapped = release == IMPORT_MAPPED};
	*s = (struct sink){.ctx = x, .put = front_put, .passed_over = front_skip};
	return s;
}

/* import_buffer; with release, buf is the import's own and its pages go
 * back to the system once read and hashed (see struct import_hash), and with
 * IMPORT_MAPPED while it is read too. */
static int import_run(struct store *st, const struct import_opts *o, const char *buf, size_t len,
		      int release, struct import_result *res, char *err)
{
	struct named_tasks names = {0};
	struct import_front fr;
	struct sink frsink;
	struct fmt_opts fo = {.task = o->task, .annotator = o->annotator, .columns = o->columns};
	struct task_filter filt;
	struct sink fsink;
	const char *task;
	int filter;
	const struct fmt *f;
	struct store_import_opts so = {0};
	struct store_import *si = NULL;
	struct sink sink;
	int rc_read;
	struct import_hash hash = {0};
	char *stem = NULL;
	int rc;

	memset(res, 0, sizeof *res);
	if (o->format) {
		f = import_format_find(o->format);
		if (!f)
			return import_errf(err, NULL, 0, 0, "unknown format '%s' (formats: %s)",
					   o->format, import_format_names()),
			       IMPORT_USAGE;
	} else {
		f = import_detect(o->file, buf, len, o->kind, err);
		if (!f)
			return IMPORT_USAGE;
	}
	if (!(f->kinds & (1u << o->kind)))
		return import_errf(err, NULL, 0, 0, "the %s format carries no %s", f->name,
				   import_kind_name(o->kind)),
		       IMPORT_USAGE;
	if (o->kind == IMPORT_PREDICTIONS && (!o->model || !*o->model))
		return import_errf(err, NULL, 0, 0, "predictions need --model NAME"), IMPORT_USAGE;
	if (o->kind == IMPORT_DECISIONS && (!o->expert || !*o->expert))
		return import_errf(err, NULL, 0, 0, "decisions need --expert NAME"), IMPORT_USAGE;
	if (o->columns && !(f->flags & FMT_HEADER))
		return import_errf(err, NULL, 0, 0,
				   "--columns names the columns of a CSV or TSV file without a "
				   "header, not of a %s file",
				   f->name),
		       IMPORT_USAGE;
	if (o->new_items && o->kind != IMPORT_PREDICTIONS)
		return import_errf(err, NULL, 0, 0,
				   "--new-items is for predictions (other imports create items)"),
		       IMPORT_USAGE;
	if (o->annotator && (o->kind != IMPORT_VOTES || !*o->annotator))
		return import_errf(err, NULL, 0, 0,
				   "--annotator names the annotator of a votes file"),
		       IMPORT_USAGE;

	if (!f->names_tasks || f->names_tasks(buf, len, o->kind, &fo)) {
		struct sink pre = {.ctx = &names, .put = named_put, .passed_over = named_skip};
		if (f->read(o->file, buf, len, o->kind, &fo,
			    import_front(&pre, NULL, buf, len, release, &fr, &frsink), err)) {
			named_free(&names);
			return IMPORT_FAIL; /* the same error the real pass would give */
		}
	}
	rc = import_choose_task(st, o, &names, &task, &filter, err);
	if (rc) {
		named_free(&names);
		return rc;
	}
	stem = import_stem(o->file);
	so.kind = o->kind;
	so.file = o->file;
	so.stem = stem;
	so.sha256 = hash.hex; /* read at commit, after sha256_wait */
	so.sha256_wait = import_hash_wait_cb;
	so.sha256_ctx = &hash;
	so.format = f->name;
	so.reads = f->reads[o->kind];
	so.task = task;
	so.task_given = o->task != NULL;
	so.new_labels = o->new_labels;
	so.dry_run = o->dry_run;
	so.scale_set = o->scale_set;
	so.scale = o->scale;
	so.dup = o->dup;
	so.model = o->model;
	so.expert = o->expert;
	so.annotator = o->annotator;
	so.new_items = o->new_items;
	so.bytes = len;
	rc = store_import_open(st, &so, &si, err);
	if (rc)
		goto out;
	rc = IMPORT_FAIL;
	sink = store_import_sink(si);
	if (filter) {
		filt.next = &sink;
		filt.task = task;
		fsink = (struct sink){.ctx = &filt, .put = filter_put, .passed_over = filter_skip};
	}
	/* The reader hands each record to the database sink on this thread
	 * (see the top of this file). */
	if (release != 1)
		import_hash_start(&hash, buf, len, release);
	rc_read = f->read(
		o->file, buf, len, o->kind, &fo,
		import_front(filter ? &fsink : &sink, &hash, buf, len, release, &fr, &frsink), err);
	atomic_store(&hash.passed, len); /* the hash goes on alone */
	rc = IMPORT_FAIL;
	if (rc_read)
		goto out;
	if (release == 1)
		import_hash_start(&hash, buf, len, release);
	if (store_import_commit(si, res, err))
		goto out;
	snprintf(res->format, sizeof res->format, "%s", f->name);
	memcpy(res->sha256, hash.hex, sizeof hash.hex);
	rc = 0;
out:
	if (rc)
		atomic_store(&hash.stop, 1);
	import_hash_wait(&hash);
	store_import_free(si);
	named_free(&names);
	free(stem);
	return rc;
}

int import_buffer(struct store *st, const struct import_opts *o, const char *buf, size_t len,
		  struct import_result *res, char *err)
{
	return import_run(st, o, buf, len, 0, res, err);
}

/*
 * Copy the stream at fd (standard input, a pipe, a device) in chunks to an
 * unlinked temporary file (util_tmp_unlinked: TMPDIR, else beside the
 * project), so that it is mapped and read like any file, with the same limits
 * and the same memory bound: a pipe cannot be mapped, and reading it whole
 * would hold all of it in memory. name is the input's name for messages.
 * Returns the temporary file's descriptor, or -1 with err filled.
 */
static int import_spool(struct store *st, int fd, const char *name, char *err)
{
	char buf[65536];
	size_t total = 0;
	const char *dir = getenv("TMPDIR");
	int tmp = util_tmp_unlinked(st->path), pipe = 1;
	ssize_t n, w;

	if (tmp < 0)
		return import_errf(err, name, 0, 0,
				   "cannot create a temporary file in %.200s to read it into: %s",
				   dir && *dir ? dir : "the project's directory", strerror(errno));
	for (;;) {
		/* From a pipe the pages move to the file without passing through
		 * here; anything else (a terminal, a device) is read and written. */
		if (pipe) {
			n = splice(fd, NULL, tmp, NULL, sizeof buf, 0);
			if (n < 0 && errno == EINVAL)
				pipe = 0;
			else if (n < 0 && errno != EINTR)
				goto fail_copy;
			else if (n >= 0 && (total += (size_t)n) > IMPORT_MAX_BYTES)
				goto fail_big;
			else if (n == 0)
				return tmp;
			continue;
		}
		n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			import_errf(err, name, 0, 0, "read error: %s", strerror(errno));
			goto fail;
		}
		if (n == 0)
			return tmp;
		if ((total += (size_t)n) > IMPORT_MAX_BYTES)
			goto fail_big;
		for (char *c = buf; n > 0; c += w, n -= w) {
			w = write(tmp, c, (size_t)n);
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w <= 0) {
				if (w == 0)
					errno = ENOSPC;
				goto fail_copy;
			}
		}
	}
fail_copy:
	import_errf(err, name, 0, 0, "cannot copy it to a temporary file in %.200s: %s",
		    dir && *dir ? dir : "the project's directory", strerror(errno));
	goto fail;
fail_big:
	import_errf(err, name, 0, 0, "input is larger than the limit of %zu bytes",
		    (size_t)IMPORT_MAX_BYTES);
fail:
	close(tmp);
	return -1;
}

int import_file(struct store *st, const struct import_opts *o, struct import_result *res, char *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc, fd;
	struct stat sb;
	long page = sysconf(_SC_PAGESIZE);
	struct import_opts in = *o;

	if (strcmp(o->file, "-") == 0) {
		/* Standard input, named so in messages, copied to a file below. */
		in.file = IMPORT_STDIN_NAME;
		fd = dup(STDIN_FILENO);
		if (fd < 0)
			return import_errf(err, in.file, 0, 0, "%s", strerror(errno)), IMPORT_FAIL;
	} else {
		fd = open(o->file, O_RDONLY | O_CLOEXEC);
	}
	/* Anything but a regular file (standard input, a pipe, a device) is
	 * copied to a temporary file first, which is then mapped. */
	if (fd >= 0 && fstat(fd, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)) {
		int tmp = import_spool(st, fd, in.file, err);
		close(fd);
		if (tmp < 0)
			return IMPORT_FAIL;
		fd = tmp;
		if (fstat(fd, &sb) != 0) {
			import_errf(err, in.file, 0, 0, "%s", strerror(errno));
			close(fd);
			return IMPORT_FAIL;
		}
	}
	/* A regular file is mapped, never read whole: the readers want a NUL
	 * after the last byte, so the file goes over the start of an anonymous
	 * mapping a page longer, whose rest reads as zeros. */
	if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
	    (size_t)sb.st_size <= IMPORT_MAX_BYTES && page > 0) {
		size_t size = (size_t)sb.st_size, span = (size / (size_t)page + 1) * (size_t)page;
		void *area = mmap(NULL, span, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		void *map = area == MAP_FAILED
				    ? MAP_FAILED
				    : mmap(area, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
		close(fd);
		fd = -1;
		if (map != MAP_FAILED) {
			rc = import_run(st, &in, map, size, IMPORT_MAPPED, res, err);
			munmap(area, span);
			return rc;
		}
		if (area != MAP_FAILED)
			munmap(area, span);
	}
	if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 0) {
		/* Empty: nothing to map (standard input's copy is gone once closed). */
		close(fd);
		return import_run(st, &in, "", 0, 0, res, err);
	}
	if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (size_t)sb.st_size > IMPORT_MAX_BYTES) {
		close(fd);
		return import_errf(err, in.file, 0, 0, "file is larger than the limit of %zu bytes",
				   (size_t)IMPORT_MAX_BYTES),
		       IMPORT_FAIL;
	}
	if (fd >= 0)
		close(fd);
	if (in.file != o->file)
		return import_errf(err, in.file, 0, 0, "cannot map its copy: %s", strerror(errno)),
		       IMPORT_FAIL;
	if (util_read_file(o->file, IMPORT_MAX_BYTES, &buf, &len, err)) {
		/* util_read_file quotes the path raw: clean it for the terminal. */
		char *clean = text_clean(err);
		snprintf(err, GV_ERR, "%s", clean);
		free(clean);
		return IMPORT_FAIL;
	}
	rc = import_run(st, &in, buf, len, 1, res, err);
	free(buf);
	return rc;
}
