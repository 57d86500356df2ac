/*
 * store_import_spill: the records of a large votes or items import, kept in
 * sorted runs instead of interned, so that the import's memory does not grow
 * with the number of items.
 *
 * Each record (its item's external id, annotator and label intern ids, line,
 * and the time, comment, text and metadata it gives) is appended to a
 * buffer as it comes. When the buffer reaches half the budget it is sorted
 * by the item's external id in byte order (store_import_sort_strings' radix
 * sort; file order among equal ids) and written to an unlinked temporary file as a run,
 * on a thread of its own while a second buffer takes the records. On commit
 * the last run is sorted in memory and the runs are merged by a heap: the
 * items come out in byte order of their ids, which is the order new items
 * are numbered in, each with all its records together, in file order. A
 * file that fits in one run writes no run to disk.
 *
 * The budget is GAVEL_IMPORT_MEM bytes (a number with an optional K, M or G
 * suffix; 96M when unset): it bounds the two buffers with their sort keys;
 * the merge keeps the last one and reads the runs on disk through windows
 * that take the other half. The temporary files are created in TMPDIR, else
 * in the project's directory, and unlinked at once, so no exit path leaves
 * one behind.
 */
#include "config.h"

#include "store_import_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPILL_DEFAULT_MEM ((size_t)96 << 20)
#define SPILL_OUT	  ((size_t)1 << 20) /* bytes of a run written at a time */
#define SPILL_MAX_MEM	  ((size_t)1 << (sizeof(size_t) > 4 ? 38 : 31))

/* A run in the file. */
struct spill_part {
	off_t at;
	size_t bytes;
};

/* A run being merged: a window of its bytes, or the run in memory. */
struct spill_cur {
	struct si_window w;
	size_t key, more; /* in memory: the next key, the top's group's records after it */
	const struct srec *top;
};

/*
 * Records and their keys: a run being filled, or being sorted and written.
 * tmp is the sort's other half. Records that follow one another in buf on
 * the same item (a file grouped by item gives its votes so) are one group
 * with one key, whose ref is the offset of its first record with the count
 * of the others above GROUP_SHIFT bits: sorting the groups sorts their
 * records, since a group's records are in file order and two groups of an
 * item in one buffer do not overlap in the file. A grouped file then
 * sorts, and keeps keys for, a quarter of its records. last and last_len:
 * where the record put last is, and its id's length.
 */
struct spill_buf {
	struct sbuf buf;
	struct sort_key *keys, *tmp;
	size_t nkeys, keycap, tmpcap, last, last_len;
};

#define GROUP_SHIFT 40 /* a buffer is under 2^40 bytes (store_import_spill_mem) */
#define GROUP_MAX   ((UINT64_C(1) << (64 - GROUP_SHIFT)) - 1)

static size_t group_at(uint64_t ref)
{
	return (size_t)(ref & ((UINT64_C(1) << GROUP_SHIFT) - 1));
}

static size_t group_more(uint64_t ref)
{
	return (size_t)(ref >> GROUP_SHIFT);
}

struct si_spill {
	size_t budget;
	/* b[fill] takes the records as they come; when it is full, a thread
	 * (flusher, while flushing) sorts and writes it while the other one
	 * fills; frc and ferr are its result. */
	struct spill_buf b[2];
	int fill, flushing, frc;
	pthread_t flusher;
	char ferr[GV_ERR];
	int fd; /* the runs, unlinked; -1 until the first is written */
	off_t end;
	struct spill_part *run;
	size_t nruns, runcap;
	/* the merge */
	struct spill_cur *cur;
	size_t ncur, *heap, nheap;
	int memrun; /* the last cursor merges the buffer in memory */
};

size_t store_import_spill_mem(void)
{
	const char *s = getenv("GAVEL_IMPORT_MEM");
	size_t mem = SPILL_DEFAULT_MEM;
	if (s && *s) {
		char *end;
		unsigned long long v = strtoull(s, &end, 10);
		if (*end == 'K' || *end == 'k')
			v <<= 10, end++;
		else if (*end == 'M' || *end == 'm')
			v <<= 20, end++;
		else if (*end == 'G' || *end == 'g')
			v <<= 30, end++;
		if (!*end && v > 0)
			mem = (size_t)v;
	}
	/* A run's offsets take GROUP_SHIFT bits of a sort key's ref. */
	if (mem > SPILL_MAX_MEM)
		mem = SPILL_MAX_MEM;
	return mem < 1024 ? 1024 : mem;
}

static int spill_errno(char *err, const char *what)
{
	return import_errf(err, NULL, 0, 0, "import: temporary file: %s: %s", what,
			   strerror(errno));
}

int store_import_spill_open(const struct store_import *si, int *fd, char *err)
{
	const char *dir = getenv("TMPDIR");
	*fd = util_tmp_unlinked(si->st->path);
	if (*fd < 0)
		return import_errf(err, NULL, 0, 0,
				   "import: cannot create a temporary file in %.200s: %s",
				   dir && *dir ? dir : "the project's directory", strerror(errno));
	return 0;
}

int store_import_spill_write(int fd, const void *p, size_t len, off_t at, char *err)
{
	const char *c = p;
	while (len) {
		ssize_t w = pwrite(fd, c, len, at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return spill_errno(err, "write");
		c += w;
		len -= (size_t)w;
		at += w;
	}
	return 0;
}

int store_import_spill_read(int fd, void *p, size_t len, off_t at, char *err)
{
	char *c = p;
	while (len) {
		ssize_t r = pread(fd, c, len, at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return spill_errno(err, "read");
		}
		c += r;
		len -= (size_t)r;
		at += r;
	}
	return 0;
}

/* ---- Runs ---- */

/* The id of the record at ref in a buffer's bytes (ctx): the bytes, not the
 * buffer's struct, whose cache line the thread filling the other buffer may
 * be writing. */
static const char *spill_str(const void *ctx, uint64_t ref)
{
	return srec_id((const struct srec *)((const char *)ctx + group_at(ref)));
}

/* Grow *p (room for *cap items of size bytes) to hold need; a large array
 * is asked for in huge pages (see xhuge), since every run fills it again. */
static void *spill_grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	p = xgrow(p, cap, need, size);
	xhuge(p, *cap * size);
	return p;
}

/* Sort the run's keys by id, equal ids in file order (the keys are in it). */
static void spill_sort(struct spill_buf *b)
{
	b->tmp = spill_grow(b->tmp, &b->tmpcap, b->nkeys, sizeof *b->tmp);
	store_import_sort_strings(b->keys, b->tmp, b->nkeys, spill_str, b->buf.s);
}

/* Sort b and write it to the runs' file as a run; b starts over. */
static int spill_flush(struct si_spill *sp, struct spill_buf *b, char *err)
{
	char *out = xmalloc(SPILL_OUT);
	size_t len = 0, i = 0, more = 0, nkeys;
	off_t start = sp->end;
	const struct srec *r = NULL;
	const struct sort_key *keys;
	const char *base;

	spill_sort(b);
	/* Read from here on, not from b: the other buffer's fields, which the
	 * thread filling it writes with every record, may share b's cache
	 * lines. */
	nkeys = b->nkeys;
	keys = b->keys;
	base = b->buf.s;
	for (;;) {
		/* The groups in order, each record of a group in turn. */
		if (more) {
			r = (const struct srec *)((const char *)r + r->size);
			more--;
		} else if (i < nkeys) {
			r = (const struct srec *)(base + group_at(keys[i].ref));
			more = group_more(keys[i++].ref);
		} else {
			r = NULL;
		}
		/* The records in order through out; a record larger than out
		 * goes on its own. */
		if (len && (!r || len + r->size > SPILL_OUT)) {
			if (store_import_spill_write(sp->fd, out, len, sp->end, err))
				goto fail;
			sp->end += (off_t)len;
			len = 0;
		}
		if (!r)
			break;
		if (r->size > SPILL_OUT) {
			if (store_import_spill_write(sp->fd, r, r->size, sp->end, err))
				goto fail;
			sp->end += (off_t)r->size;
			continue;
		}
		memcpy(out + len, r, r->size);
		len += r->size;
	}
	free(out);
	sp->run = xgrow(sp->run, &sp->runcap, sp->nruns + 1, sizeof *sp->run);
	sp->run[sp->nruns].at = start;
	sp->run[sp->nruns].bytes = (size_t)(sp->end - start);
	sp->nruns++;
	sbuf_reset(&b->buf);
	b->nkeys = 0;
	return 0;
fail:
	free(out);
	return -1;
}

static void *spill_flusher(void *arg)
{
	struct si_spill *sp = arg;
	sp->frc = spill_flush(sp, &sp->b[!sp->fill], sp->ferr);
	return NULL;
}

/* Wait for the flusher; its result. */
static int spill_join(struct si_spill *sp, char *err)
{
	if (!sp->flushing)
		return 0;
	pthread_join(sp->flusher, NULL);
	sp->flushing = 0;
	if (sp->frc && err)
		memcpy(err, sp->ferr, GV_ERR);
	return sp->frc;
}

/* b[fill] is full: hand it to the flusher (once the last flush is done)
 * and fill the other. */
static int spill_swap(struct store_import *si, char *err)
{
	struct si_spill *sp = si->spill;
	if (spill_join(sp, err))
		return -1;
	if (sp->fd < 0 && store_import_spill_open(si, &sp->fd, err))
		return -1;
	sp->fill = !sp->fill;
	sp->flushing = pthread_create(&sp->flusher, NULL, spill_flusher, sp) == 0;
	if (!sp->flushing)
		return spill_flush(sp, &sp->b[!sp->fill], err);
	return 0;
}

int store_import_spill_put(struct store_import *si, const char *item, size_t idlen, uint32_t ann,
			   uint32_t label, long line, const char *const opt[SREC_NOPT], char *err)
{
	struct si_spill *sp = si->spill;
	struct spill_buf *b;
	struct srec h = {0};
	size_t size, at, len[SREC_NOPT] = {0};
	unsigned char mask = 0;
	int same;
	char *p;

	if (!sp) {
		sp = si->spill = xcalloc(1, sizeof *sp);
		sp->fd = -1;
		sp->budget = store_import_spill_mem();
	}
	/* Half the budget each (the keys take 16 bytes a group, as much again
	 * while sorted). */
	b = &sp->b[sp->fill];
	if (b->nkeys && b->buf.len + 2 * sizeof(struct sort_key) * b->nkeys >= sp->budget / 2) {
		if (spill_swap(si, err))
			return -1;
		b = &sp->b[sp->fill];
	}
	/* The same item as the record before: one more of its group, which
	 * has the last key. */
	same = b->buf.len && idlen == b->last_len &&
	       memcmp(srec_id((const struct srec *)(b->buf.s + b->last)), item, idlen) == 0 &&
	       group_more(b->keys[b->nkeys - 1].ref) < GROUP_MAX;
	h.line = line > 0 && line < UINT32_MAX ? (uint32_t)line : 0;
	h.ann = ann;
	h.label = label;
	size = sizeof h + idlen + 2;
	for (int k = 0; k < SREC_NOPT; k++) {
		if (opt[k]) {
			len[k] = strlen(opt[k]) + 1;
			size += len[k];
			mask |= (unsigned char)(1u << k);
		}
	}
	size = (size + sizeof(uint32_t) - 1) / sizeof(uint32_t) * sizeof(uint32_t);
	if (size > UINT32_MAX)
		return import_errf(err, si->o.file, line, 0, "a record of over 4 GB");
	h.size = (uint32_t)size;
	/* The record is written in place at the end of the buffer, its
	 * padding zeroed. */
	b->buf.s = spill_grow(b->buf.s, &b->buf.cap, b->buf.len + size + 1, 1);
	p = b->buf.s + b->buf.len;
	memcpy(p, &h, sizeof h);
	at = sizeof h;
	memcpy(p + at, item, idlen + 1);
	at += idlen + 1;
	p[at++] = (char)mask;
	for (int k = 0; k < SREC_NOPT; k++) {
		if (opt[k]) {
			memcpy(p + at, opt[k], len[k]);
			at += len[k];
		}
	}
	memset(p + at, 0, size - at);
	if (same) {
		b->keys[b->nkeys - 1].ref += UINT64_C(1) << GROUP_SHIFT;
	} else {
		b->keys = spill_grow(b->keys, &b->keycap, b->nkeys + 1, sizeof *b->keys);
		b->keys[b->nkeys++].ref = b->buf.len;
	}
	b->last = b->buf.len;
	b->last_len = idlen;
	b->buf.len += size;
	return 0;
}

void srec_opts(const struct srec *r, const char *opt[SREC_NOPT])
{
	const char *id = srec_id(r), *p = id + strlen(id) + 1;
	unsigned char mask = (unsigned char)*p++;
	for (int k = 0; k < SREC_NOPT; k++) {
		opt[k] = NULL;
		if (mask & (1u << k)) {
			opt[k] = p;
			p += strlen(p) + 1;
		}
	}
}

/* ---- The merge ---- */

int store_import_window_next(int fd, struct si_window *w, const void **top, char *err)
{
	const uint32_t *size;
	if (*top)
		w->pos += *(const uint32_t *)*top;
	*top = NULL;
	for (;;) {
		size_t have = w->len - w->pos, want, m;
		if (have >= sizeof *size) {
			size = (const uint32_t *)(w->buf + w->pos);
			if (have >= *size) {
				*top = size;
				return 0;
			}
			want = *size;
		} else {
			want = sizeof *size;
		}
		if (!w->left)
			return have ? import_errf(err, NULL, 0, 0, "import: temporary file damaged")
				    : 0;
		memmove(w->buf, w->buf + w->pos, have);
		w->pos = 0;
		w->len = have;
		if (want > w->cap) {
			w->cap = want;
			w->buf = xrealloc(w->buf, w->cap);
		}
		m = w->cap - have < w->left ? w->cap - have : w->left;
		if (store_import_spill_read(fd, w->buf + have, m, w->at, err))
			return -1;
		w->at += (off_t)m;
		w->left -= m;
		w->len += m;
	}
}

/* Point cursor c at its next record; top NULL at the end. */
static int cur_next(struct si_spill *sp, struct spill_cur *c, char *err)
{
	const void *top = c->top;
	if (sp->memrun && c == &sp->cur[sp->ncur - 1]) {
		const struct spill_buf *b = &sp->b[sp->fill];
		if (c->more) {
			c->top = (const struct srec *)((const char *)c->top + c->top->size);
			c->more--;
		} else if (c->key < b->nkeys) {
			c->top = (const struct srec *)(b->buf.s + group_at(b->keys[c->key].ref));
			c->more = group_more(b->keys[c->key++].ref);
		} else {
			c->top = NULL;
		}
		return 0;
	}
	if (store_import_window_next(sp->fd, &c->w, &top, err))
		return -1;
	c->top = top;
	return 0;
}

static int heap_less(const struct si_spill *sp, size_t i, size_t j)
{
	size_t a = sp->heap[i], b = sp->heap[j];
	int c = strcmp(srec_id(sp->cur[a].top), srec_id(sp->cur[b].top));
	return c ? c < 0 : a < b; /* an earlier run is earlier in the file */
}

static void heap_down(struct si_spill *sp, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i, t;
		if (l < sp->nheap && heap_less(sp, l, m))
			m = l;
		if (l + 1 < sp->nheap && heap_less(sp, l + 1, m))
			m = l + 1;
		if (m == i)
			return;
		t = sp->heap[i];
		sp->heap[i] = sp->heap[m];
		sp->heap[m] = t;
		i = m;
	}
}

int store_import_spill_start(struct store_import *si, char *err)
{
	struct si_spill *sp = si->spill;
	size_t window;

	if (!sp)
		return 0;
	if (spill_join(sp, err))
		return -1;
	/* The last run is merged from memory, beside the windows over the
	 * runs on disk (the other half of the budget): writing it out and
	 * reading it back cost more than that memory. */
	sbuf_free(&sp->b[!sp->fill].buf);
	free(sp->b[!sp->fill].keys);
	free(sp->b[!sp->fill].tmp);
	memset(&sp->b[!sp->fill], 0, sizeof sp->b[0]);
	spill_sort(&sp->b[sp->fill]);
	free(sp->b[sp->fill].tmp);
	sp->b[sp->fill].tmp = NULL;
	sp->b[sp->fill].tmpcap = 0;
	sp->memrun = 1;
	sp->ncur = sp->nruns + (size_t)sp->memrun;
	sp->cur = xcalloc(sp->ncur + 1, sizeof *sp->cur);
	sp->heap = xcalloc(sp->ncur + 1, sizeof *sp->heap);
	window = sp->budget / 2 / (sp->nruns + 1);
	if (window < 4096)
		window = 4096;
	for (size_t r = 0; r < sp->ncur; r++) {
		struct spill_cur *c = &sp->cur[r];
		if (r < sp->nruns) {
			c->w.cap = window;
			c->w.buf = xmalloc(c->w.cap);
			c->w.at = sp->run[r].at;
			c->w.left = sp->run[r].bytes;
		}
		if (cur_next(sp, c, err))
			return -1;
		if (c->top)
			sp->heap[sp->nheap++] = r;
	}
	for (size_t i = sp->nheap / 2; i-- > 0;)
		heap_down(sp, i);
	return 0;
}

int store_import_spill_group(struct store_import *si, struct sbuf *out, size_t *n, char *err)
{
	struct si_spill *sp = si->spill;
	sbuf_reset(out);
	*n = 0;
	if (!sp || !sp->nheap)
		return 0;
	for (;;) {
		struct spill_cur *c = &sp->cur[sp->heap[0]];
		const struct srec *r = c->top;
		if (*n && strcmp(srec_id(r), srec_id((const struct srec *)out->s)) != 0)
			return 0;
		sbuf_addn(out, (const char *)r, r->size);
		(*n)++;
		if (cur_next(sp, c, err))
			return -1;
		if (!c->top) {
			sp->heap[0] = sp->heap[--sp->nheap];
			if (!sp->nheap)
				return 0;
		}
		heap_down(sp, 0);
	}
}

void store_import_spill_free(struct si_spill *sp)
{
	if (!sp)
		return;
	spill_join(sp, NULL);
	if (sp->fd >= 0)
		close(sp->fd);
	for (size_t r = 0; r < sp->ncur && sp->cur; r++)
		free(sp->cur[r].w.buf);
	free(sp->cur);
	free(sp->heap);
	for (int i = 0; i < 2; i++) {
		free(sp->b[i].keys);
		free(sp->b[i].tmp);
		sbuf_free(&sp->b[i].buf);
	}
	free(sp->run);
	free(sp);
}
