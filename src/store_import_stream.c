/*
 * store_import_stream: the items and item_votes rows of a streamed import
 * (a votes or items file past the budget's share, src/store_import_spill.c),
 * with no table per item in memory.
 *
 * The merged runs give the items in byte order of their external ids, each
 * with its records in file order. One pass over them resolves each item
 * (an existing one through the (task, external_id) index: a lookup per item
 * for a small file, else one cursor over the index in the same order; a new
 * one numbered after the largest id, in that order, as the in-memory path
 * numbers them), checks its repeats, de-duplicates its votes and computes
 * its item_votes row with its summary (store_import_votes_row, merged with
 * the stored row of an existing item), and appends the lot to a spool: a
 * buffer that goes to an unlinked temporary file past 1 MB. Then the new
 * items are written by one INSERT ... SELECT over the spool, the existing
 * items' text and metadata by UPDATE, and the item_votes rows by a second
 * INSERT ... SELECT: nothing is read from a table while it is written.
 * A new task has no item to read, so the pass runs on a thread of its own
 * and hands its spool over a chunk of 1 MB at a time (STREAM_QUEUE of them
 * at most wait); this thread writes each chunk's new items and then its
 * item_votes rows, two INSERT ... SELECT a chunk, while the next is
 * computed: the rows are written beside the pass instead of after it, and
 * the spool never goes to disk.
 * The database ends up as the in-memory path leaves it. The records of a
 * streamed predictions or decisions file (SREC_KEYED) only name their item
 * here: each item, once resolved, hands them to store_import_keyed_item
 * (src/store_import_pstream.c), which writes them after the items.
 */
#include "config.h"

#include "store_import_priv.h"
#include "store_rows.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STREAM_CHUNK ((size_t)1 << 20) /* bytes of spool written or handed over at once */
#define STREAM_QUEUE 4		       /* chunks handed over and not yet written, at most */

/* A spooled item: this head, then its external id (new items), text and
 * metadata (when given) and its packed votes (when a row is written), each
 * with its NUL; 8-byte aligned. The lengths of the id and the votes are
 * kept, so that neither the reader of the spool nor SQLite counts their
 * bytes again (text and metadata are rare); SP_TIE is the summary's tie. */
struct spool_rec {
	uint32_t size, flags;
	int64_t id;
	int32_t n, distinct, plurality, plurality_n; /* plurality: a code, or -1 */
	uint32_t idlen, vlen; /* the lengths of the external id and the packed votes */
	double agreement, entropy;
};

enum { SP_NEW = 1, SP_TEXT = 2, SP_META = 4, SP_ROW = 8, SP_TIE = 16 };

/* The bytes of a cache line: each thread's own fields of struct stream
 * start on a line of their own. */
#define STREAM_LINE 64

/*
 * With a producer thread, two threads work on one struct stream, each on
 * fields of its own a row at a time: the first pass (the producer) on the
 * spool it fills, the writer on the chunk it reads. The two groups, and the
 * hand-over between them, are kept on separate cache lines: beside the
 * spool's length, which the producer changes with every item, the
 * writer's reads of its own window missed the cache on every row (13% of
 * the writer's time at 10M items).
 */
struct stream {
	/* The first pass's. */
	struct store_import *si;
	struct store_task task; /* reloaded: labels in their new order */
	struct store_summary_order order;
	uint32_t *count;
	/* What the rows spooled change in the task's tally: written by the
	 * first pass only (on the producer thread when there is one, read
	 * after it is joined). */
	struct store_summary_tally tally;
	/* existing items: by lookup (find) or by a cursor over the index in
	 * order (scan, on row scan_ext with id scan_id) */
	sqlite3_stmt *find, *scan, *stored;
	const char *scan_ext;
	int64_t scan_id, next_id;
	struct sbuf spool;
	size_t nnew, nupd;
	int any_old_row;
	/* the item being grouped */
	struct sbuf group, row, m;
	uint32_t *line;
	size_t line_cap;
	/* With a producer thread: it runs the first pass and hands each full
	 * spool over through the ring q (nq chunks from q[head]), taking an
	 * empty one back; the writer writes the chunk it took (chunk). done
	 * when the pass has finished, prc and perr its result; stop when the
	 * writer gave up. Under mu. */
	_Alignas(STREAM_LINE) int threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct sbuf q[STREAM_QUEUE];
	size_t head, nq;
	int done, stop, prc;
	char perr[GV_ERR];
	struct import_result *res;
	/* The writer's: the spool's file (written by the first pass when
	 * there is no producer thread) and the window reading the spool or
	 * the chunk. */
	_Alignas(STREAM_LINE) int fd;
	off_t end;
	struct sbuf chunk;
	struct si_window w;
	const struct spool_rec *top;
	/* reading the spool failed (inside a statement: ferr says why) */
	int failed;
	char ferr[GV_ERR];
	/* The row SQLite is given (rec, with its strings str: the spooled
	 * item, or a copy of it in cur when the spool is read from its file, the
	 * spool having moved on to the next one so that the statement knows
	 * whether there is a next row), and the statement's rows. */
	struct sbuf cur;
	const struct spool_rec *rec;
	const char *str[4];
	uint32_t len[4]; /* str's lengths */
	struct store_rows *rows;
};

/* The producer's full spool to the ring, waiting for room; -1 when the
 * writer gave up. */
static int stream_hand_over(struct stream *s, char *err)
{
	int rc = 0;
	pthread_mutex_lock(&s->mu);
	while (s->nq == STREAM_QUEUE && !s->stop)
		pthread_cond_wait(&s->cv, &s->mu);
	if (s->stop) {
		rc = import_errf(err, NULL, 0, 0, "import: stopped");
	} else {
		struct sbuf *slot = &s->q[(s->head + s->nq) % STREAM_QUEUE], t = *slot;
		*slot = s->spool;
		s->spool = t; /* empty: stream_take emptied it */
		s->nq++;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* The next chunk into s->chunk, its buffer going back to the ring; 0 when
 * the producer has finished and every chunk was taken. */
static int stream_take(struct stream *s)
{
	int got = 0;
	pthread_mutex_lock(&s->mu);
	while (!s->nq && !s->done)
		pthread_cond_wait(&s->cv, &s->mu);
	if (s->nq) {
		struct sbuf t = s->q[s->head];
		s->q[s->head] = s->chunk;
		s->chunk = t;
		sbuf_reset(&s->q[s->head]);
		s->head = (s->head + 1) % STREAM_QUEUE;
		s->nq--;
		got = 1;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return got;
}

static int stream_spool_flush(struct stream *s, char *err)
{
	if (s->threaded)
		return stream_hand_over(s, err);
	if (s->fd < 0 && store_import_spill_open(s->si, &s->fd, err))
		return -1;
	if (store_import_spill_write(s->fd, s->spool.s, s->spool.len, s->end, err))
		return -1;
	s->end += (off_t)s->spool.len;
	sbuf_reset(&s->spool);
	return 0;
}

/* The database id of the existing item ext, or 0. */
static int stream_find(struct stream *s, const char *ext, int64_t *id, char *err)
{
	int step;
	*id = 0;
	if (s->find) {
		sqlite3_reset(s->find);
		sqlite3_bind_text(s->find, 2, ext, -1, SQLITE_STATIC);
		step = sqlite3_step(s->find);
		if (step == SQLITE_ROW)
			*id = sqlite3_column_int64(s->find, 0);
		else if (step != SQLITE_DONE)
			return store_fail(s->si->st, err, "items");
		return 0;
	}
	if (!s->scan)
		return 0;
	while (s->scan_ext && strcmp(s->scan_ext, ext) < 0) {
		step = sqlite3_step(s->scan);
		if (step == SQLITE_ROW) {
			s->scan_ext = (const char *)sqlite3_column_text(s->scan, 1);
			s->scan_id = sqlite3_column_int64(s->scan, 0);
		} else if (step == SQLITE_DONE) {
			s->scan_ext = NULL;
		} else {
			return store_fail(s->si->st, err, "items");
		}
	}
	if (s->scan_ext && strcmp(s->scan_ext, ext) == 0)
		*id = s->scan_id;
	return 0;
}

static int vote_cmp(const void *pa, const void *pb)
{
	const struct ivote *a = pa, *b = pb;
	if (a->ann != b->ann)
		return a->ann < b->ann ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* One item's records (n of them in s->group, in file order): its repeats
 * checked, its votes resolved, sorted and de-duplicated into si->votes, its
 * row computed and spooled. */
static int stream_item(struct stream *s, size_t n, struct import_result *res, char *err)
{
	struct store_import *si = s->si;
	const char *text = NULL, *meta = NULL, *ext;
	uint32_t item_line = 0, *sorted_line;
	size_t nv = 0, kept = 0, at = 0;
	struct spool_rec h = {0};
	struct stats_item sum;
	int64_t id;
	long written;
	int keep, keyed = 0;
	char snip[64];

	ext = srec_id((const struct srec *)s->group.s);
	si->stream_item = ext;
	si->votes = xgrow(si->votes, &si->votes_cap, n, sizeof *si->votes);
	si->vote_line = xgrow(si->vote_line, &si->vote_line_cap, n, sizeof *si->vote_line);
	s->line = xgrow(s->line, &s->line_cap, n, sizeof *s->line);
	sbuf_reset(&si->arena);
	for (size_t k = 0; k < n; k++) {
		const struct srec *r = (const struct srec *)(s->group.s + at);
		const char *opt[SREC_NOPT];
		srec_opts(r, opt);
		at += r->size;
		if (r->ann == SREC_NONE) {
			if (item_line) {
				if (si->o.dup == IMPORT_DUP_ERROR)
					return import_errf(
						err, si->o.file, r->line, r->label,
						"item '%s' is given again (first at line "
						"%u); keep one with --duplicates first|last",
						import_snip(ext, snip), item_line);
				si->duplicates++;
				if (si->o.dup == IMPORT_DUP_FIRST)
					continue;
			}
			item_line = r->line ? r->line : 1;
		} else if (r->ann == SREC_KEYED) {
			keyed = 1; /* a prediction or decision: handed on below */
		} else {
			struct ivote *v = &si->votes[nv];
			int64_t an = si->ann_id[r->ann];
			if (an > UINT32_MAX)
				return import_errf(err, si->o.file, 0, 0,
						   "item or annotator id beyond 2^32");
			v->ann = (uint32_t)an;
			v->label = (uint32_t)si->label_code[r->label];
			v->idx = (uint32_t)nv;
			si->vote_line[nv] = r->line;
			if (opt[SREC_AT] || si->vote_at.off)
				store_import_strings_set(si, &si->vote_at, nv, opt[SREC_AT]);
			if (opt[SREC_COMMENT] || si->vote_comment.off)
				store_import_strings_set(si, &si->vote_comment, nv,
							 opt[SREC_COMMENT]);
			nv++;
		}
		if (opt[SREC_TEXT])
			text = opt[SREC_TEXT];
		if (opt[SREC_META])
			meta = opt[SREC_META];
	}
	/* An item has a handful of votes: qsort's call per compare costs more
	 * than the few moves of an insertion sort. */
	if (nv > 16) {
		qsort(si->votes, nv, sizeof *si->votes, vote_cmp);
	} else {
		for (size_t k = 1; k < nv; k++) {
			struct ivote v = si->votes[k];
			size_t j = k;
			while (j > 0 && vote_cmp(&si->votes[j - 1], &v) > 0) {
				si->votes[j] = si->votes[j - 1];
				j--;
			}
			si->votes[j] = v;
		}
	}
	sorted_line = s->line;
	for (size_t k = 0; k < nv; k++)
		sorted_line[k] = si->vote_line[si->votes[k].idx];
	if (stream_find(s, ext, &id, err))
		return -1;
	for (size_t k = 0; k < nv; k++)
		si->votes[k].item = (uint32_t)(id ? id : s->next_id + 1);
	if (store_import_dedup(si, si->votes, sorted_line, nv, &kept, &si->duplicates, err))
		return -1;
	if (!id) {
		id = ++s->next_id;
		h.flags |= SP_NEW;
		s->nnew++;
	} else if (text || meta) {
		s->nupd++;
	}
	if (id > UINT32_MAX)
		return import_errf(err, si->o.file, 0, 0, "item or annotator id beyond 2^32");
	if (keyed && store_import_keyed_item(si, s->group.s, n, id, !!(h.flags & SP_NEW), err))
		return -1;
	written = (long)kept;
	keep = store_import_votes_row(si, s->stored, &s->order, (int)s->task.nlabels, id,
				      !(h.flags & SP_NEW), kept, &written, &s->m, &s->row, s->count,
				      &sum, &s->tally, err);
	if (keep < 0)
		return -1;
	res->n.votes += written;
	if (text)
		h.flags |= SP_TEXT;
	if (meta)
		h.flags |= SP_META;
	if (keep) {
		h.flags |= SP_ROW;
		if (!(h.flags & SP_NEW))
			s->any_old_row = 1;
		h.n = (int32_t)sum.n;
		h.distinct = sum.distinct;
		h.plurality =
			sum.plurality_label >= 0 ? s->task.labels[sum.plurality_label].code : -1;
		h.plurality_n = (int32_t)sum.plurality_n;
		if (sum.tie)
			h.flags |= SP_TIE;
		h.agreement = sum.agreement;
		h.entropy = sum.entropy;
	}
	if (!(h.flags & (SP_NEW | SP_TEXT | SP_META | SP_ROW)))
		return 0;
	h.id = id;
	{
		size_t off = s->spool.len;
		h.idlen = h.flags & SP_NEW ? (uint32_t)strlen(ext) : 0;
		h.vlen = keep ? (uint32_t)s->row.len : 0;
		sbuf_addn(&s->spool, (const char *)&h, sizeof h);
		if (h.flags & SP_NEW)
			sbuf_addn(&s->spool, ext, h.idlen + 1);
		if (text)
			sbuf_addn(&s->spool, text, strlen(text) + 1);
		if (meta)
			sbuf_addn(&s->spool, meta, strlen(meta) + 1);
		if (keep)
			sbuf_addn(&s->spool, s->row.s, h.vlen + 1);
		while (s->spool.len % sizeof(int64_t))
			sbuf_addc(&s->spool, '\0');
		((struct spool_rec *)(s->spool.s + off))->size = (uint32_t)(s->spool.len - off);
	}
	if (s->spool.len >= STREAM_CHUNK && stream_spool_flush(s, err))
		return -1;
	return 0;
}

/* Read the spool from its start: the chunk taken, the spool in memory, or
 * its file. */
static void stream_rewind(struct stream *s)
{
	s->top = NULL;
	if (s->threaded || s->fd < 0) {
		const struct sbuf *b = s->threaded ? &s->chunk : &s->spool;
		s->w.buf = b->s;
		s->w.len = b->len;
		s->w.cap = 0;
		s->w.left = 0;
	} else {
		s->w.len = 0;
		s->w.at = 0;
		s->w.left = (size_t)s->end;
		if (!s->w.cap) {
			s->w.cap = STREAM_CHUNK;
			s->w.buf = xmalloc(s->w.cap);
		}
	}
	s->w.pos = 0;
}

/* The next spooled item with one of flags; NULL at the end or on an error
 * (failed set, ferr filled). */
static const struct spool_rec *stream_next(struct stream *s, uint32_t flags)
{
	for (;;) {
		const void *top = s->top;
		if (store_import_window_next(s->fd, &s->w, &top, s->ferr)) {
			s->failed = 1;
			return NULL;
		}
		s->top = top;
		if (!s->top || s->top->flags & flags)
			return s->top;
	}
}

/* The strings after a spooled item's head (its id, text, meta, votes)
 * and their lengths. */
static void spool_strings(const struct spool_rec *r, const char *str[4], uint32_t len[4])
{
	const char *p = (const char *)(r + 1);
	for (int k = 0; k < 4; k++) {
		str[k] = NULL;
		len[k] = 0;
		if (r->flags & (k == 0 ? SP_NEW : k == 1 ? SP_TEXT : k == 2 ? SP_META : SP_ROW)) {
			str[k] = p;
			len[k] = k == 0 ? r->idlen : k == 3 ? r->vlen : (uint32_t)strlen(p);
			p += len[k] + 1;
		}
	}
}

/* Row row of the statement: the spooled item with one of flags the spool
 * is on, in s->rec with its strings in s->str; the spool then goes on to
 * the next one, and the statement has another row if there is one. A spool
 * in memory (a window of no capacity of its own) stays put; one read from
 * its file is copied to s->cur first, the window moving on. */
static const struct spool_rec *stream_load(struct stream *s, size_t row, uint32_t flags)
{
	if (s->rows->cur == row && s->rows->n == row + 1 && s->top) {
		if (s->w.cap) {
			sbuf_reset(&s->cur);
			sbuf_addn(&s->cur, (const char *)s->top, s->top->size);
			s->rec = (const struct spool_rec *)s->cur.s;
		} else {
			s->rec = s->top;
		}
		spool_strings(s->rec, s->str, s->len);
		s->rows->n += stream_next(s, flags) != NULL;
	}
	return s->rec;
}

/* Run sql over the spooled items with one of flags; none is no statement. */
static int stream_run(struct stream *s, struct store_rows *rows, uint32_t flags, const char *sql,
		      const char *what, char *err)
{
	int src;
	stream_rewind(s);
	s->rows = rows;
	rows->n = stream_next(s, flags) != NULL;
	if (!rows->n)
		return s->failed ? (memcpy(err, s->ferr, GV_ERR), -1) : 0;
	src = store_rows_run(s->si->st, rows, sql, "import", err);
	if (s->failed) {
		memcpy(err, s->ferr, GV_ERR);
		return -1;
	}
	if (src != SQLITE_DONE) {
		if (src != SQLITE_ERROR)
			store_fail(s->si->st, err, what);
		return -1;
	}
	return 0;
}

static void text_or_null(sqlite3_context *out, const char *t, uint32_t len)
{
	if (t)
		sqlite3_result_text(out, t, (int)len, SQLITE_STATIC);
	else
		sqlite3_result_null(out);
}

static void real_or_null(sqlite3_context *out, double d)
{
	if (isnan(d))
		sqlite3_result_null(out);
	else
		sqlite3_result_double(out, d);
}

static void stream_item_column(void *ctx, size_t row, int col, sqlite3_context *out)
{
	struct stream *s = ctx;
	const struct spool_rec *r = stream_load(s, row, SP_NEW);
	if (col == 0)
		sqlite3_result_int64(out, r->id);
	else
		text_or_null(out, s->str[col - 1], s->len[col - 1]);
}

static void stream_row_column(void *ctx, size_t row, int col, sqlite3_context *out)
{
	struct stream *s = ctx;
	const struct spool_rec *r = stream_load(s, row, SP_ROW);
	switch (col) {
	case 0:
		sqlite3_result_int64(out, r->id);
		break;
	case 1:
		sqlite3_result_text(out, s->str[3], (int)s->len[3], SQLITE_STATIC);
		break;
	case 2:
		sqlite3_result_int(out, r->n);
		break;
	case 3:
		sqlite3_result_int(out, r->distinct);
		break;
	case 4:
		if (r->plurality >= 0)
			sqlite3_result_int(out, r->plurality);
		else
			sqlite3_result_null(out);
		break;
	case 5:
		sqlite3_result_int(out, r->plurality_n);
		break;
	case 6:
		sqlite3_result_int(out, !!(r->flags & SP_TIE));
		break;
	case 7:
		real_or_null(out, r->agreement);
		break;
	default:
		real_or_null(out, r->entropy);
		break;
	}
}

/* The new items, in id order (as the producer spools them, when there is
 * one). */
static int stream_insert_items(struct stream *s, char *err)
{
	struct store_rows rows = {0};
	struct sbuf sql = {0};
	int src;
	rows.schema = "CREATE TABLE x(id INTEGER, external_id TEXT, text TEXT, meta TEXT)";
	rows.ctx = s;
	rows.column = stream_item_column;
	sbuf_addf(&sql,
		  "INSERT INTO item(id, task, external_id, text, meta)"
		  " SELECT id, %lld, external_id, text, meta FROM " STORE_ROWS,
		  (long long)s->si->task.id);
	src = stream_run(s, &rows, SP_NEW, sql.s, "add items", err);
	sbuf_free(&sql);
	return src;
}

/* The text and metadata the file gives existing items. */
static int stream_update_items(struct stream *s, struct import_result *res, char *err)
{
	struct store_import *si = s->si;
	sqlite3_stmt *upd = NULL;
	int rc = -1;

	if (!s->nupd)
		return 0;
	if (store_prepare(si->st,
			  "UPDATE item SET text = coalesce(?, text), meta = coalesce(?, meta)"
			  " WHERE id = ?",
			  &upd, err))
		return -1;
	stream_rewind(s);
	for (;;) {
		const struct spool_rec *r = stream_next(s, SP_TEXT | SP_META);
		const char *str[4];
		uint32_t len[4];
		if (!r) {
			if (s->failed) {
				memcpy(err, s->ferr, GV_ERR);
				goto out;
			}
			break;
		}
		if (r->flags & SP_NEW)
			continue;
		spool_strings(r, str, len);
		sqlite3_reset(upd);
		sqlite3_bind_text(upd, 1, str[1], (int)len[1], SQLITE_STATIC);
		sqlite3_bind_text(upd, 2, str[2], (int)len[2], SQLITE_STATIC);
		sqlite3_bind_int64(upd, 3, r->id);
		if (sqlite3_step(upd) != SQLITE_DONE) {
			store_fail(si->st, err, "update item");
			goto out;
		}
		res->n.items_updated++;
	}
	rc = 0;
out:
	sqlite3_finalize(upd);
	return rc;
}

static int stream_write_rows(struct stream *s, char *err)
{
	struct store_import *si = s->si;
	struct store_rows rows = {0};
	struct sbuf sql = {0};
	int src;

	rows.schema = "CREATE TABLE x(item INTEGER, votes TEXT, n INTEGER,"
		      " distinct_labels INTEGER, plurality INTEGER, plurality_n INTEGER,"
		      " tie INTEGER, agreement REAL, entropy REAL)";
	rows.ctx = s;
	rows.column = stream_row_column;
	/* Only rows of items that existed before can be there already. */
	sbuf_addf(&sql,
		  "INSERT %s INTO item_votes(item, task, votes, n, distinct_labels, plurality,"
		  " plurality_n, tie, agreement, entropy)"
		  " SELECT item, %lld, votes, n, distinct_labels, plurality, plurality_n, tie,"
		  " agreement, entropy FROM " STORE_ROWS,
		  s->any_old_row ? "OR REPLACE" : "", (long long)si->task.id);
	src = stream_run(s, &rows, SP_ROW, sql.s, "item votes", err);
	sbuf_free(&sql);
	return src;
}

/* The first pass: every item from the merged runs, spooled. */
static int stream_pass(struct stream *s, struct import_result *res, char *err)
{
	size_t n;
	for (;;) {
		if (store_import_spill_group(s->si, &s->group, &n, err))
			return -1;
		if (!n)
			break;
		res->n.items_seen++;
		if (stream_item(s, n, res, err))
			return -1;
	}
	s->si->stream_item = NULL;
	sqlite3_finalize(s->scan);
	s->scan = NULL;
	if ((s->threaded || s->fd >= 0) && s->spool.len && stream_spool_flush(s, err))
		return -1;
	return 0;
}

static void *stream_produce(void *arg)
{
	struct stream *s = arg;
	int rc = stream_pass(s, s->res, s->perr);
	pthread_mutex_lock(&s->mu);
	s->prc = rc;
	s->done = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* How existing items are found: none when the task is new, a lookup each
 * when the file is small beside the task, else a cursor over the index. */
static int stream_prepare(struct stream *s, char *err)
{
	struct store_import *si = s->si;
	sqlite3_stmt *q;
	int step;

	if (store_prepare(si->st, "SELECT coalesce(max(id), 0) FROM item", &q, err))
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		si->item_maxid = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	s->next_id = si->item_maxid;
	if (store_prepare(
		    si->st,
		    "SELECT votes, n, distinct_labels, agreement FROM item_votes WHERE item = ?1",
		    &s->stored, err))
		return -1;
	if (!si->task_exists)
		return 0;
	if ((int64_t)si->records * 16 < si->item_maxid) {
		if (store_prepare(si->st,
				  "SELECT id FROM item WHERE task = ?1 AND external_id = ?2",
				  &s->find, err))
			return -1;
		sqlite3_bind_int64(s->find, 1, si->task.id);
		return 0;
	}
	if (store_prepare(si->st,
			  "SELECT id, external_id FROM item WHERE task = ?1 ORDER BY external_id",
			  &s->scan, err))
		return -1;
	sqlite3_bind_int64(s->scan, 1, si->task.id);
	step = sqlite3_step(s->scan);
	if (step == SQLITE_ROW) {
		s->scan_ext = (const char *)sqlite3_column_text(s->scan, 1);
		s->scan_id = sqlite3_column_int64(s->scan, 0);
	} else if (step != SQLITE_DONE) {
		return store_fail(si->st, err, "items");
	}
	return 0;
}

int store_import_stream_write(struct store_import *si, struct import_result *res,
			      struct store_summary_tally *tally, char *err)
{
	struct stream s = {.si = si, .fd = -1};
	int src, rc = -1, started = 0;

	src = store_task_get(si->st, si->task_name, &s.task, err);
	if (src != 1) {
		if (!src)
			import_errf(err, NULL, 0, 0, "task '%s' vanished", si->task_name);
		goto out;
	}
	store_summary_order_init(&s.order, &s.task);
	s.count = xcalloc(s.task.nlabels + 1, sizeof *s.count);
	if (stream_prepare(&s, err) || store_import_spill_start(si, err))
		goto out;
	/* With no existing item to read, the first pass needs no SQL: it runs
	 * on a thread of its own while its chunks are written. */
	if (!s.find && !s.scan) {
		pthread_mutex_init(&s.mu, NULL);
		pthread_cond_init(&s.cv, NULL);
		s.res = res;
		s.threaded = 1; /* before the thread reads it */
		started = pthread_create(&s.thread, NULL, stream_produce, &s) == 0;
		if (!started)
			s.threaded = 0;
	}
	if (started) {
		src = 0;
		while (!src && stream_take(&s))
			src = stream_insert_items(&s, err) || stream_write_rows(&s, err);
		pthread_mutex_lock(&s.mu);
		s.stop = 1; /* a producer still waiting for room gives up */
		pthread_cond_broadcast(&s.cv);
		pthread_mutex_unlock(&s.mu);
		pthread_join(s.thread, NULL);
		if (src)
			goto out;
		if (s.prc) {
			memcpy(err, s.perr, GV_ERR);
			goto out;
		}
	} else if (stream_pass(&s, res, err) || stream_insert_items(&s, err) ||
		   stream_update_items(&s, res, err) || stream_write_rows(&s, err)) {
		goto out;
	}
	res->n.items_added = (long)s.nnew;
	*tally = s.tally;
	rc = 0;
out:
	if (started) {
		pthread_mutex_destroy(&s.mu);
		pthread_cond_destroy(&s.cv);
		for (int k = 0; k < STREAM_QUEUE; k++)
			sbuf_free(&s.q[k]);
		sbuf_free(&s.chunk);
	}
	si->stream_item = NULL;
	sqlite3_finalize(s.find);
	sqlite3_finalize(s.scan);
	sqlite3_finalize(s.stored);
	if (s.fd >= 0) {
		close(s.fd);
		free(s.w.buf);
	}
	sbuf_free(&s.spool);
	sbuf_free(&s.group);
	sbuf_free(&s.row);
	sbuf_free(&s.m);
	sbuf_free(&s.cur);
	free(s.line);
	free(s.count);
	store_summary_order_free(&s.order);
	store_task_free(&s.task);
	return rc;
}
