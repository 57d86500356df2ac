/*
 * store_import_spill: the import's votes when they outgrow the memory
 * budget. While the file is read, each time the votes collected in memory
 * reach the budget they are written, as they are, to a temporary file (a
 * chunk) and memory starts over. On commit, once items and annotators have
 * their database ids, each chunk is read back, resolved, radix-sorted by
 * (item, annotator) and written out again as a sorted run; the runs are then
 * merged by a heap while the item_votes rows are written, one item's votes at
 * a time. Equal keys come out in file order (chunks are in file order and
 * each sort keeps it), so duplicates are dropped or refused exactly as in
 * memory and the database ends up the same.
 *
 * The budget is GAVEL_IMPORT_MEM bytes (a number with an optional K, M or G
 * suffix; 96M when unset): it bounds the votes in memory, the sort's second
 * buffer, their line numbers and the merge's read buffers. The temporary
 * files are created in TMPDIR, else in the project's directory, and unlinked
 * at once, so no exit path leaves one behind.
 */
#include "config.h"

#include "store_import_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPILL_DEFAULT_MEM ((size_t)96 << 20)

/* A vote in a sorted run: resolved ids, its index in the file and its line. */
struct spill_rec {
	struct ivote v;
	uint32_t line;
};

/* A chunk of the file's votes (n ivotes, then their n lines) or a run. */
struct spill_part {
	off_t at;
	size_t n;
};

/* A run being merged: a window of its records. */
struct spill_cur {
	struct spill_rec *buf;
	size_t len, pos;
	off_t at;    /* the next record to read */
	size_t left; /* records not yet read */
};

struct si_spill {
	int raw, runs; /* the chunks' file and the runs' file, both unlinked */
	off_t raw_end, runs_end;
	struct spill_part *chunk, *run;
	size_t nchunks, chunk_cap, nruns;
	struct spill_cur *cur;
	size_t *heap; /* runs by their current record: (item, annotator, run) */
	size_t nheap, window;
};

/* The budget's votes per chunk: a vote costs 16 bytes, 16 more while it is
 * sorted, and its 4-byte line. */
size_t store_import_spill_cap(void)
{
	const char *s = getenv("GAVEL_IMPORT_MEM");
	size_t mem = SPILL_DEFAULT_MEM, cap;
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
	cap = mem / (2 * sizeof(struct ivote) + sizeof(uint32_t));
	return cap < 16 ? 16 : cap;
}

static int spill_errno(char *err, const char *what)
{
	return import_errf(err, NULL, 0, 0, "import: temporary file: %s: %s", what,
			   strerror(errno));
}

/* A temporary file in TMPDIR or beside the project, unlinked at once. */
static int spill_open(const struct store_import *si, int *fd, char *err)
{
	const char *dir = getenv("TMPDIR");
	struct sbuf path = {0};
	if (dir && *dir) {
		sbuf_add(&path, dir);
	} else {
		const char *slash = strrchr(si->st->path, '/');
		if (slash)
			sbuf_addn(&path, si->st->path, (size_t)(slash - si->st->path));
		else
			sbuf_add(&path, ".");
	}
	sbuf_add(&path, "/.gavel-import-XXXXXX");
	*fd = mkstemp(path.s);
	if (*fd < 0) {
		int e = errno;
		import_errf(err, NULL, 0, 0, "import: cannot create a temporary file in %.200s: %s",
			    dir && *dir ? dir : "the project's directory", strerror(e));
		sbuf_free(&path);
		return -1;
	}
	unlink(path.s);
	sbuf_free(&path);
	return 0;
}

static int spill_write(int fd, const void *p, size_t len, off_t at, char *err)
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

static int spill_read(int fd, void *p, size_t len, off_t at, char *err)
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

int store_import_spill_chunk(struct store_import *si, char *err)
{
	struct si_spill *sp = si->spill;
	size_t n = si->nvotes - si->vbase;
	if (!sp) {
		sp = si->spill = xcalloc(1, sizeof *sp);
		sp->raw = sp->runs = -1;
		if (spill_open(si, &sp->raw, err))
			return -1;
	}
	if (!n)
		return 0;
	if (spill_write(sp->raw, si->votes, n * sizeof *si->votes, sp->raw_end, err) ||
	    spill_write(sp->raw, si->vote_line, n * sizeof *si->vote_line,
			sp->raw_end + (off_t)(n * sizeof *si->votes), err))
		return -1;
	sp->chunk = xgrow(sp->chunk, &sp->chunk_cap, sp->nchunks + 1, sizeof *sp->chunk);
	sp->chunk[sp->nchunks].at = sp->raw_end;
	sp->chunk[sp->nchunks].n = n;
	sp->nchunks++;
	sp->raw_end += (off_t)(n * (sizeof *si->votes + sizeof *si->vote_line));
	si->vbase = si->nvotes;
	return 0;
}

/* Chunk c (its first vote is the file's vote first) sorted into a run. */
static int spill_run(struct store_import *si, size_t c, size_t first, char *err)
{
	struct si_spill *sp = si->spill;
	size_t n = sp->chunk[c].n;
	struct spill_rec out[1024];
	struct ivote *v;

	si->votes = xgrow(si->votes, &si->votes_cap, n, sizeof *si->votes);
	si->vote_line = xgrow(si->vote_line, &si->vote_line_cap, n, sizeof *si->vote_line);
	if (spill_read(sp->raw, si->votes, n * sizeof *si->votes, sp->chunk[c].at, err) ||
	    spill_read(sp->raw, si->vote_line, n * sizeof *si->vote_line,
		       sp->chunk[c].at + (off_t)(n * sizeof *si->votes), err) ||
	    store_import_map_votes(si, si->votes, n, err))
		return -1;
	v = store_import_sort_votes(si->votes, n);
	if (v != si->votes)
		si->votes_cap = n;
	si->votes = v;
	for (size_t i = 0; i < n;) {
		size_t m = 0;
		for (; m < 1024 && i < n; m++, i++) {
			out[m].v = v[i];
			out[m].line = si->vote_line[v[i].idx - first];
		}
		if (spill_write(sp->runs, out, m * sizeof *out, sp->runs_end, err))
			return -1;
		sp->runs_end += (off_t)(m * sizeof *out);
	}
	sp->run[c].n = n;
	sp->run[c].at = sp->runs_end - (off_t)(n * sizeof *out);
	return 0;
}

static int rec_less(const struct spill_rec *a, size_t ra, const struct spill_rec *b, size_t rb)
{
	if (a->v.item != b->v.item)
		return a->v.item < b->v.item;
	if (a->v.ann != b->v.ann)
		return a->v.ann < b->v.ann;
	return ra < rb; /* earlier run: earlier in the file */
}

static const struct spill_rec *cur_top(const struct si_spill *sp, size_t r)
{
	return &sp->cur[r].buf[sp->cur[r].pos];
}

static int heap_less(const struct si_spill *sp, size_t i, size_t j)
{
	return rec_less(cur_top(sp, sp->heap[i]), sp->heap[i], cur_top(sp, sp->heap[j]),
			sp->heap[j]);
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

/* Fill run r's window; 0 with len 0 when the run is done. */
static int cur_fill(struct si_spill *sp, size_t r, char *err)
{
	struct spill_cur *c = &sp->cur[r];
	size_t m = c->left < sp->window ? c->left : sp->window;
	c->pos = 0;
	c->len = m;
	if (!m)
		return 0;
	if (spill_read(sp->runs, c->buf, m * sizeof *c->buf, c->at, err))
		return -1;
	c->at += (off_t)(m * sizeof *c->buf);
	c->left -= m;
	return 0;
}

/* The next vote in (item, annotator, file) order, or NULL at the end. */
static const struct spill_rec *spill_peek(const struct si_spill *sp)
{
	return sp->nheap ? cur_top(sp, sp->heap[0]) : NULL;
}

static int spill_pop(struct si_spill *sp, char *err)
{
	size_t r = sp->heap[0];
	struct spill_cur *c = &sp->cur[r];
	if (++c->pos == c->len) {
		if (cur_fill(sp, r, err))
			return -1;
		if (!c->len) {
			sp->heap[0] = sp->heap[--sp->nheap];
			if (sp->nheap)
				heap_down(sp, 0);
			return 0;
		}
	}
	heap_down(sp, 0);
	return 0;
}

/* Append the votes on items up to item (inclusive) to si->votes, their lines
 * to si->vote_line at the same positions, from *n on. */
static int spill_take(struct store_import *si, int64_t item, size_t *n, char *err)
{
	struct si_spill *sp = si->spill;
	const struct spill_rec *r;
	while ((r = spill_peek(sp)) && (int64_t)r->v.item <= item) {
		si->votes = xgrow(si->votes, &si->votes_cap, *n + 1, sizeof *si->votes);
		si->vote_line =
			xgrow(si->vote_line, &si->vote_line_cap, *n + 1, sizeof *si->vote_line);
		si->votes[*n] = r->v;
		si->vote_line[*n] = r->line;
		(*n)++;
		if (spill_pop(sp, err))
			return -1;
	}
	return 0;
}

int store_import_spill_sort(struct store_import *si, char *err)
{
	struct si_spill *sp;
	size_t first = 0, n = 0, budget;

	if (store_import_spill_chunk(si, err))
		return -1;
	sp = si->spill;
	if (spill_open(si, &sp->runs, err))
		return -1;
	sp->run = xcalloc(sp->nchunks + 1, sizeof *sp->run);
	for (size_t c = 0; c < sp->nchunks; c++) {
		if (spill_run(si, c, first, err))
			return -1;
		first += sp->chunk[c].n;
	}
	sp->nruns = sp->nchunks;
	if (ftruncate(sp->raw, 0))
		return spill_errno(err, "truncate");
	/* Give the memory back: the merge needs only its windows. */
	free(si->votes);
	free(si->vote_line);
	si->votes = NULL;
	si->vote_line = NULL;
	si->votes_cap = si->vote_line_cap = 0;
	budget = store_import_spill_cap() * (2 * sizeof(struct ivote) + sizeof(uint32_t)) / 2;
	sp->window = budget / (sp->nruns * sizeof(struct spill_rec));
	if (sp->window < 64)
		sp->window = 64;
	sp->cur = xcalloc(sp->nruns + 1, sizeof *sp->cur);
	sp->heap = xcalloc(sp->nruns + 1, sizeof *sp->heap);
	for (size_t r = 0; r < sp->nruns; r++) {
		struct spill_cur *c = &sp->cur[r];
		c->buf = xmalloc(sp->window * sizeof *c->buf);
		c->at = sp->run[r].at;
		c->left = sp->run[r].n;
		if (cur_fill(sp, r, err))
			return -1;
		if (c->len)
			sp->heap[sp->nheap++] = r;
	}
	for (size_t i = sp->nheap / 2; i-- > 0;)
		heap_down(sp, i);
	/* The votes on items that existed before stay in memory, for their
	 * rows to be merged with the stored ones: they come first. */
	if (spill_take(si, si->item_maxid, &n, err))
		return -1;
	return store_import_dedup(si, si->votes, si->vote_line, n, &si->nvotes_kept,
				  &si->duplicates, err);
}

int store_import_spill_item(struct store_import *si, int64_t item, struct si_vbuf *out, long *dups,
			    char *err)
{
	struct si_spill *sp = si->spill;
	const struct spill_rec *r;
	size_t n = 0;
	while ((r = spill_peek(sp)) && (int64_t)r->v.item == item) {
		out->v = xgrow(out->v, &out->vcap, n + 1, sizeof *out->v);
		out->line = xgrow(out->line, &out->lcap, n + 1, sizeof *out->line);
		out->v[n] = r->v;
		out->line[n] = r->line;
		n++;
		if (spill_pop(sp, err))
			return -1;
	}
	return store_import_dedup(si, out->v, out->line, n, &out->n, dups, err);
}

void store_import_spill_free(struct si_spill *sp)
{
	if (!sp)
		return;
	if (sp->raw >= 0)
		close(sp->raw);
	if (sp->runs >= 0)
		close(sp->runs);
	for (size_t r = 0; r < sp->nruns && sp->cur; r++)
		free(sp->cur[r].buf);
	free(sp->cur);
	free(sp->heap);
	free(sp->chunk);
	free(sp->run);
	free(sp);
}
