/*
 * store_import_pstream: the predictions and decisions of a large import (a
 * file past an eighth of the budget, src/store_import_spill.c), in bounded
 * memory, giving the database the in-memory path gives.
 *
 * Each record goes to the sorted runs as an SREC_KEYED record on its
 * item's external id, its numbers (file order, column, top label,
 * confidence, entropy and margin) packed into a string with no NUL byte,
 * then its probabilities or reason (and time), then any item text and
 * metadata. The stream (src/store_import_stream.c) merges the runs,
 * resolves each item (new ones numbered as the in-memory path numbers
 * them, with their item_votes rows) and hands its records here
 * (store_import_keyed_item): they are spooled, keyed by the item's
 * database id, to an unlinked temporary file past 1 MB. A predictions
 * file's unknown items are counted there, the first in file order kept
 * for the message.
 *
 * The in-memory path writes predictions and decisions in item id order
 * (decision ids and their audit events follow it): the spool is read back
 * in that order when it was written so (the usual case: the task's items
 * were numbered in byte order of their ids, as one import numbers them),
 * else it is sorted again through a second spill on the id, the first one
 * freed. Either way each item's records come together, in file order
 * (store_import_keyed_group), to the same per-item step as the in-memory
 * path (src/store_import_predictions.c, src/store_import_decisions.c).
 */
#include "config.h"

#include "store_import_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PS_FLUSH (1 << 20)

struct si_pstream {
	struct sbuf put; /* a record's packed numbers and time, being put */
	/* the spool: in buf, and past PS_FLUSH in fd (unlinked) */
	int fd;
	off_t end;
	struct sbuf buf;
	int64_t last; /* the item id spooled last */
	int unsorted; /* an item came after one with a larger id */
	/* a predictions file's unknown items, and the first in file order */
	size_t unknown;
	uint64_t first_seq;
	char *first_ext;
	uint32_t first_line, first_col;
	/* reading the spool back: its next record (cur), or from the spill */
	int spilled;
	struct si_window w;
	const void *cur;
};

/* Bytes of a struct si_keyed packed 7 bits to a byte, each with its top
 * bit set, so that the string has no NUL. */
#define PK_BYTES ((sizeof(struct si_keyed) * 8 + 6) / 7)

static void pk_pack(const struct si_keyed *k, struct sbuf *out)
{
	const unsigned char *p = (const unsigned char *)k;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < sizeof *k; i++) {
		acc |= (uint32_t)p[i] << bits;
		bits += 8;
		while (bits >= 7) {
			sbuf_addc(out, (char)(0x80 | (acc & 0x7f)));
			acc >>= 7;
			bits -= 7;
		}
	}
	if (bits)
		sbuf_addc(out, (char)(0x80 | (acc & 0x7f)));
}

static void pk_unpack(const char *in, struct si_keyed *k)
{
	unsigned char *p = (unsigned char *)k;
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; o < sizeof *k; i++) {
		acc |= (uint32_t)((unsigned char)in[i] & 0x7f) << bits;
		bits += 7;
		if (bits >= 8) {
			p[o++] = (unsigned char)(acc & 0xff);
			acc >>= 8;
			bits -= 8;
		}
	}
}

static struct si_pstream *ps_get(struct store_import *si)
{
	if (!si->pstream) {
		si->pstream = xcalloc(1, sizeof *si->pstream);
		si->pstream->fd = -1;
	}
	return si->pstream;
}

int store_import_keyed_put(struct store_import *si, const char *item, uint32_t what, long line,
			   const struct si_keyed *k, const char *str, const char *at,
			   const char *text, const char *meta, char *err)
{
	struct si_pstream *ps = ps_get(si);
	struct si_keyed z;
	const char *opt[SREC_NOPT];

	/* Every byte packed, padding included, so that runs are the same
	 * from one import to the next. */
	memset(&z, 0, sizeof z);
	z.seq = k->seq;
	z.col = k->col;
	z.label = k->label;
	z.conf = k->conf;
	z.plogp = k->plogp;
	z.margin = k->margin;
	sbuf_reset(&ps->put);
	pk_pack(&z, &ps->put);
	if (at)
		sbuf_add(&ps->put, at);
	opt[SREC_AT] = ps->put.s;
	opt[SREC_COMMENT] = str;
	opt[SREC_TEXT] = text;
	opt[SREC_META] = meta;
	return store_import_spill_put(si, item, strlen(item), SREC_KEYED, what, line, opt, err);
}

void store_import_keyed_decode(const struct srec *r, struct si_keyed *k, const char **str,
			       const char **at, const char **ext, int64_t *id)
{
	const char *opt[SREC_NOPT];
	srec_opts(r, opt);
	pk_unpack(opt[SREC_AT], k);
	*at = opt[SREC_AT][PK_BYTES] ? opt[SREC_AT] + PK_BYTES : NULL;
	*str = opt[SREC_COMMENT];
	*ext = opt[SREC_TEXT];
	*id = strtoll(srec_id(r), NULL, 10);
}

/* Append a record in the runs' layout (struct srec) to out. */
static void ps_add(struct sbuf *out, const char *id, uint32_t label, uint32_t line,
		   const char *const opt[SREC_NOPT])
{
	struct srec h = {0};
	size_t off = out->len;
	unsigned char mask = 0;
	uint32_t size;

	h.line = line;
	h.ann = SREC_KEYED;
	h.label = label;
	sbuf_addn(out, (const char *)&h, sizeof h);
	sbuf_addn(out, id, strlen(id) + 1);
	for (int k = 0; k < SREC_NOPT; k++)
		mask |= opt[k] ? (unsigned char)(1u << k) : 0;
	sbuf_addc(out, (char)mask);
	for (int k = 0; k < SREC_NOPT; k++) {
		if (opt[k])
			sbuf_addn(out, opt[k], strlen(opt[k]) + 1);
	}
	while (out->len % sizeof(uint32_t))
		sbuf_addc(out, '\0');
	size = (uint32_t)(out->len - off);
	memcpy(out->s + off, &size, sizeof size);
}

int store_import_keyed_item(struct store_import *si, const char *group, size_t n, int64_t id,
			    int is_new, char *err)
{
	struct si_pstream *ps = ps_get(si);
	char key[24];
	size_t at = 0;
	int first = 1;

	/* Zero-padded, the ids sort in the runs as numbers. */
	snprintf(key, sizeof key, "%020lld", (long long)id);
	for (size_t i = 0; i < n; i++) {
		const struct srec *r = (const struct srec *)(group + at);
		const char *opt[SREC_NOPT], *out[SREC_NOPT];
		at += r->size;
		if (r->ann != SREC_KEYED)
			continue;
		srec_opts(r, opt);
		if (first && is_new && si->o.kind == IMPORT_PREDICTIONS) {
			struct si_keyed k;
			pk_unpack(opt[SREC_AT], &k);
			ps->unknown++;
			if (!ps->first_ext || k.seq < ps->first_seq) {
				free(ps->first_ext);
				ps->first_ext = xstrdup(srec_id(r));
				ps->first_seq = k.seq;
				ps->first_line = r->line;
				ps->first_col = k.col;
			}
		}
		first = 0;
		out[SREC_AT] = opt[SREC_AT];
		out[SREC_COMMENT] = opt[SREC_COMMENT];
		out[SREC_TEXT] = srec_id(r); /* the external id, for messages */
		out[SREC_META] = NULL;
		ps_add(&ps->buf, key, r->label, r->line, out);
	}
	if (id < ps->last)
		ps->unsorted = 1;
	ps->last = id;
	if (ps->buf.len >= PS_FLUSH) {
		if (ps->fd < 0 && store_import_spill_open(si, &ps->fd, err))
			return -1;
		if (store_import_spill_write(ps->fd, ps->buf.s, ps->buf.len, ps->end, err))
			return -1;
		ps->end += (off_t)ps->buf.len;
		sbuf_reset(&ps->buf);
	}
	return 0;
}

/*
 * A predictions file naming items the task lacks is refused, as the
 * in-memory path refuses it (src/store_import_items.c), unless --new-items.
 */
static int ps_check_unknown(struct store_import *si, struct si_pstream *ps, size_t nitems,
			    char *err)
{
	char snip[64];
	if (si->o.kind != IMPORT_PREDICTIONS || si->o.new_items || !ps->unknown)
		return 0;
	return import_errf(err, si->o.file, ps->first_line, ps->first_col,
			   "prediction for item '%s', which task '%s' does not have (%zu of the "
			   "file's %zu items are unknown): import the items or their votes first, "
			   "or pass --new-items to create them",
			   import_snip(ps->first_ext, snip), si->task_name, ps->unknown, nitems);
}

int store_import_keyed_start(struct store_import *si, size_t nitems, char *err)
{
	struct si_pstream *ps = ps_get(si);

	if (ps_check_unknown(si, ps, nitems, err))
		return -1;
	/* The runs of the file are merged: their memory goes. */
	store_import_spill_free(si->spill);
	si->spill = NULL;
	memset(&ps->w, 0, sizeof ps->w);
	if (ps->fd < 0) {
		ps->w.buf = ps->buf.s;
		ps->w.len = ps->buf.len;
	} else {
		if (ps->buf.len) {
			if (store_import_spill_write(ps->fd, ps->buf.s, ps->buf.len, ps->end, err))
				return -1;
			ps->end += (off_t)ps->buf.len;
		}
		sbuf_free(&ps->buf);
		ps->w.cap = PS_FLUSH;
		ps->w.buf = xmalloc(ps->w.cap);
		ps->w.left = (size_t)ps->end;
	}
	ps->cur = NULL;
	if (store_import_window_next(ps->fd, &ps->w, &ps->cur, err))
		return -1;
	if (!ps->unsorted)
		return 0;
	/* Out of id order: sorted again on the id, through the runs. */
	ps->spilled = 1;
	while (ps->cur) {
		const struct srec *r = ps->cur;
		const char *opt[SREC_NOPT];
		srec_opts(r, opt);
		if (store_import_spill_put(si, srec_id(r), strlen(srec_id(r)), r->ann, r->label,
					   r->line, opt, err) ||
		    store_import_window_next(ps->fd, &ps->w, &ps->cur, err))
			return -1;
	}
	return store_import_spill_start(si, err);
}

int store_import_keyed_group(struct store_import *si, struct sbuf *out, size_t *n, char *err)
{
	struct si_pstream *ps = si->pstream;

	if (ps->spilled)
		return store_import_spill_group(si, out, n, err);
	sbuf_reset(out);
	*n = 0;
	while (ps->cur) {
		const struct srec *r = ps->cur;
		if (*n && strcmp(srec_id(r), srec_id((const struct srec *)out->s)) != 0)
			return 0;
		sbuf_addn(out, (const char *)r, r->size);
		(*n)++;
		if (store_import_window_next(ps->fd, &ps->w, &ps->cur, err))
			return -1;
	}
	return 0;
}

static int64_t keyed_db(const struct si_keyed_kind *kind, const char *rec)
{
	int64_t id;
	memcpy(&id, rec + kind->db_off, sizeof id);
	return id;
}

/* A streamed file's records, item by item from the spool. */
static int keyed_stream(struct store_import *si, const struct si_keyed_kind *kind, void *w,
			struct import_result *res, char *err)
{
	struct sbuf group = {0};
	char *recs = NULL;
	size_t cap = 0, n;
	int rc = -1;

	if (store_import_keyed_start(si, (size_t)res->n.items_seen, err))
		goto out;
	for (;;) {
		size_t at = 0;
		if (store_import_keyed_group(si, &group, &n, err))
			goto out;
		if (!n)
			break;
		recs = xgrow(recs, &cap, n, kind->size);
		sbuf_reset(&si->arena);
		for (size_t i = 0; i < n; i++) {
			const struct srec *r = (const struct srec *)(group.s + at);
			char *rec = recs + i * kind->size;
			struct si_keyed k;
			const char *str, *when, *ext;
			int64_t id;
			at += r->size;
			store_import_keyed_decode(r, &k, &str, &when, &ext, &id);
			si->stream_item = ext; /* the same for all of them */
			memset(rec, 0, kind->size);
			memcpy(rec + kind->db_off, &id, sizeof id);
			kind->fill(si, rec, r, &k, str, when);
		}
		qsort(recs, n, kind->size, kind->cmp);
		if (kind->item(si, w, recs, n, res, err))
			goto out;
	}
	rc = 0;
out:
	si->stream_item = NULL;
	sbuf_free(&group);
	free(recs);
	return rc;
}

int store_import_keyed_write(struct store_import *si, const struct si_keyed_kind *kind, void *w,
			     void *recs, size_t n, struct import_result *res, char *err)
{
	char *base = recs;
	if (si->stream)
		return keyed_stream(si, kind, w, res, err);
	for (size_t i = 0; i < n; i++) {
		char *rec = base + i * kind->size;
		uint32_t item;
		memcpy(&item, rec + kind->item_off, sizeof item);
		memcpy(rec + kind->db_off, &si->item_id[item], sizeof si->item_id[item]);
	}
	if (n)
		qsort(recs, n, kind->size, kind->cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		int64_t id = keyed_db(kind, base + i * kind->size);
		while (j < n && keyed_db(kind, base + j * kind->size) == id)
			j++;
		if (kind->item(si, w, base + i * kind->size, j - i, res, err))
			return -1;
		i = j;
	}
	return 0;
}

void store_import_keyed_free(struct si_pstream *ps)
{
	if (!ps)
		return;
	if (ps->fd >= 0) {
		close(ps->fd);
		free(ps->w.buf);
	}
	sbuf_free(&ps->put);
	sbuf_free(&ps->buf);
	free(ps->first_ext);
	free(ps);
}
