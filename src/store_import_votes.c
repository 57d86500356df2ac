/*
 * store_import_votes: the votes of an import: their annotators, and the
 * item_votes rows that store them.
 *
 * The file's votes are resolved to database ids, radix-sorted by (item,
 * annotator) and de-duplicated on a helper thread while the items are
 * written; then each item's votes are packed, with their summary, into its
 * one item_votes row (src/votepack.h), written in item order through one
 * INSERT ... SELECT (src/store_rows.h), so that the B-tree is appended to
 * rather than searched.
 */
#include "config.h"

#include "store_import_priv.h"
#include "store_rows.h"
#include "store_summary.h"
#include "votepack.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char *si_ann_name(const struct store_import *si, int64_t id)
{
	for (size_t i = 0; i < intern_count(&si->anns); i++) {
		if (si->ann_id[i] == id)
			return intern_str(&si->anns, (uint32_t)i);
	}
	return "?";
}

int store_import_map_votes(struct store_import *si, struct ivote *v, size_t n, char *err)
{
	for (size_t i = 0; i < n; i++) {
		int64_t it = si->item_id[v[i].item], an = si->ann_id[v[i].ann];
		if (it > UINT32_MAX || an > UINT32_MAX)
			return import_errf(err, si->o.file, 0, 0,
					   "item or annotator id beyond 2^32");
		v[i].item = (uint32_t)it;
		v[i].ann = (uint32_t)an;
		v[i].label = (uint32_t)si->label_code[v[i].label];
	}
	return 0;
}

int store_import_dedup(struct store_import *si, struct ivote *v, uint32_t *line, size_t n,
		       size_t *kept, long *dups, char *err)
{
	size_t w = 0;
	char s1[64], s2[64];

	/* Duplicates are neighbours, in file order. */
	for (size_t i = 0; i < n; i++) {
		size_t j = i, keep;
		while (j + 1 < n && v[j + 1].item == v[i].item && v[j + 1].ann == v[i].ann)
			j++;
		if (j > i && si->o.dup == IMPORT_DUP_ERROR)
			return import_errf(
				err, si->o.file, line ? line[i + 1] : si->vote_line[v[i + 1].idx],
				0,
				"duplicate vote by annotator '%s' on item '%s' (first at "
				"line %u); keep one with --duplicates first|last",
				import_snip(si_ann_name(si, v[i].ann), s1),
				import_snip(store_import_item_name(si, v[i].item), s2),
				line ? line[i] : si->vote_line[v[i].idx]);
		keep = j > i && si->o.dup != IMPORT_DUP_FIRST ? j : i;
		*dups += (long)(j - i);
		if (line)
			line[w] = line[keep];
		v[w++] = v[keep];
		i = j;
	}
	*kept = w;
	return 0;
}

/*
 * Resolve the votes to database ids, sort them by (item, annotator) and drop
 * or refuse the duplicates within the file; store_import_votes_write stores
 * them. Runs on the helper thread (si_prep): memory only.
 */
static int si_sort_file_votes(struct store_import *si, char *err)
{
	size_t n = si->nvotes;

	if (!n)
		return 0;
	if (store_import_map_votes(si, si->votes, n, err))
		return -1;
	si->votes = store_import_sort_votes(si->votes, n);
	si->votes_cap = n;
	return store_import_dedup(si, si->votes, NULL, n, &si->nvotes_kept, &si->duplicates, err);
}

/*
 * Database ids of the interned annotators: existing ones by name, new ones
 * appended in the byte order of their names, so that the same votes give the
 * same ids (and the same order in every listing by id) whatever the file's
 * row order. Each name is looked up through the table's unique index, so
 * the file's few annotators cost no pass over a project's many.
 */
static int si_write_annotators(struct store_import *si, int64_t **out, struct import_result *res,
			       char *err)
{
	size_t n = intern_count(&si->anns), nnew = 0;
	int64_t *map = xcalloc(n + 1, sizeof *map);
	uint32_t *fresh = NULL;
	sqlite3_stmt *q = NULL, *ins = NULL;
	int64_t maxid = 0;
	int rc;

	if (store_prepare(si->st, "SELECT coalesce(max(id), 0) FROM annotator", &q, err))
		goto fail;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		maxid = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	q = NULL;
	if (rc != SQLITE_ROW) {
		store_fail(si->st, err, "annotators");
		goto fail;
	}
	if (store_prepare(si->st, "SELECT id FROM annotator WHERE name = ?1", &q, err))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, intern_str(&si->anns, (uint32_t)i), -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(q)) == SQLITE_ROW)
			map[i] = sqlite3_column_int64(q, 0);
		else if (rc != SQLITE_DONE) {
			store_fail(si->st, err, "annotators");
			goto fail;
		}
	}
	if (store_prepare(si->st, "INSERT INTO annotator(id, name) VALUES (?, ?)", &ins, err))
		goto fail;
	fresh = xmalloc((n + 1) * sizeof *fresh);
	for (size_t i = 0; i < n; i++) {
		if (!map[i])
			fresh[nnew++] = (uint32_t)i;
	}
	store_import_sort_names(&si->anns, fresh, nnew);
	for (size_t k = 0; k < nnew; k++) {
		uint32_t i = fresh[k];
		map[i] = ++maxid;
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, map[i]);
		sqlite3_bind_text(ins, 2, intern_str(&si->anns, i), -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			store_fail(si->st, err, "add annotator");
			goto fail;
		}
		res->n.annotators_added++;
	}
	free(fresh);
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	*out = map;
	return 0;
fail:
	free(fresh);
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	free(map);
	return -1;
}

/*
 * One item_votes row per item the file names: its votes packed in annotator
 * order (src/votepack.h) and their summary (src/store_summary.h, as every
 * writer of the table computes it), from the votes sorted in memory instead
 * of read back from the database. Items that existed before get their stored
 * votes merged with the file's; store_summary_refresh is left for the rare
 * import that moves existing labels in the label order (which changes every
 * item's tie rule). The task's row of task_tally moves by what the rows
 * change (each replaced row's share taken away, each row written added),
 * so that a few votes into a large task cost no pass over it.
 *
 * New items' rows are computed on the helper thread, at most SI_AHEAD rows
 * ahead of the one SQLite is storing, in a ring: the two threads work side
 * by side while the rows are written, and the rows computed ahead take a
 * fixed amount of memory instead of one entry per item (90 MB at a million
 * items when they were all computed while the item table was written). The
 * rows of existing items are merged and written on this thread, one at a
 * time after the items are written (si_write_existing), before the new
 * items' INSERT ... SELECT, because reading the table while inserting into
 * it in one statement is not something to rely on. The table's indexes are updated in place:
 * dropping them for a bulk load and running CREATE INDEX afterwards measured slower on a million
 * items.
 */
#define SI_AHEAD 4096

struct si_group {
	int64_t item;		   /* database id */
	size_t first_vote, nvotes; /* the item's votes in si->votes */
	size_t merged;		   /* offset of the merged row in si_summ.merged, or NONE */
};

/* What computing one row needs of its own: per-label counts and the packed votes. */
struct si_scratch {
	uint32_t *count; /* per position in the label order */
	struct sbuf packed;
};

/* A row computed: its summary and its packed votes (in packed of a
 * scratch, or in si_summ.merged). */
struct si_row {
	struct stats_item sum;
	const char *votes;
	size_t len;
};

/* A new item's row computed ahead on the helper thread. */
struct si_ahead {
	struct si_scratch s;
	struct si_row row;
};

struct si_summ {
	const struct store_import *si;
	const struct store_task *task; /* reloaded: labels in their new order */
	struct store_summary_order order;
	/* Every item the file names, by item id: the first_new that existed
	 * before, then the new ones. */
	struct si_group *group;
	size_t ngroups, first_new;
	/* The rows to write: the existing items keep[0..nkeep) the file adds
	 * votes to, then every new item. */
	size_t *keep;
	size_t nkeep;
	struct sbuf merged; /* the merged row of the existing item being written */
	long written;	    /* the file's votes that will be stored */
	/* The row loaded last (its index + 1, 0 for none) and where this
	 * thread computes. */
	size_t loaded;
	struct si_row row;
	struct si_scratch main;
	/* What the rows written change in the task's tally: the stored rows
	 * they replace taken away, each row added as it is loaded (tallied
	 * counts them, so that a row loaded twice counts once). */
	struct store_summary_tally tally;
	size_t tallied;
	/* The ring the helper thread fills: new row k is in ahead[k %
	 * SI_AHEAD] once produced > k, until consumed passes k. ready is 1
	 * once the groups are built, -1 when the votes were refused; stop
	 * tells the helper to end early. Under mu. */
	struct si_ahead *ahead;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t produced, consumed;
	int ready, stop;
	int prod_waiting, cons_waiting; /* a thread waits on cv */
	int helper;			/* 0: no helper thread, new rows are computed here too */
	size_t produced_seen;		/* this thread's last look at produced */
	int failed;			/* under mu, with ferr: computing a row failed */
	char ferr[GV_ERR];
};

/* Both sides publish their progress every SI_STEP rows rather than every
 * row, and wake the other only when it waits: a wake-up per row cost a
 * system call per item. */
#define SI_STEP 256

static void si_pack_votes(const struct store_import *si, const struct ivote *v, size_t n,
			  struct sbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		const char *at = store_import_strings_get(si, &si->vote_at, v[i].idx);
		const char *com = store_import_strings_get(si, &si->vote_comment, v[i].idx);
		if (i)
			sbuf_addc(out, ',');
		votepack_add(out, v[i].ann, v[i].label, at, com);
	}
}

/* Compute the row of an item with votes v[0..n), or with the merged row at
 * offset merged of g->merged, into *row with scratch s. Reads what both
 * threads only read once the groups are built. */
static void summ_compute(const struct si_summ *g, const struct ivote *v, size_t n, size_t merged,
			 struct si_scratch *s, struct si_row *row)
{
	const struct store_import *si = g->si;
	size_t k = g->task->nlabels;

	memset(s->count, 0, (k + 1) * sizeof *s->count);
	if (merged != NONE) {
		/* Checked when it was merged: it parses. */
		row->votes = g->merged.s + merged;
		row->len = strlen(row->votes);
		store_summary_count(&g->order, row->votes, row->len, s->count);
	} else {
		sbuf_reset(&s->packed);
		sbuf_addc(&s->packed, '[');
		si_pack_votes(si, v, n, &s->packed);
		sbuf_addc(&s->packed, ']');
		for (size_t i = 0; i < n; i++)
			store_summary_order_count(&g->order, v[i].label, s->count);
		row->votes = s->packed.s;
		row->len = s->packed.len;
	}
	stats_item_compute(s->count, (int)k, &row->sum);
}

static void summ_group(const struct si_summ *g, const struct si_group *gr, struct si_scratch *s,
		       struct si_row *row)
{
	summ_compute(g, g->si->votes + gr->first_vote, gr->nvotes, gr->merged, s, row);
}

/* The database id of the item of row r. */
static int64_t summ_item(const struct si_summ *g, size_t r)
{
	if (r < g->nkeep)
		return g->group[g->keep[r]].item;
	return g->si->item_maxid + 1 + (int64_t)(r - g->nkeep);
}

/* New item k's row. Returns 0 or -1 with err filled. */
static int summ_new(struct si_summ *g, size_t k, struct si_scratch *s, struct si_row *row,
		    char *err)
{
	summ_group(g, &g->group[g->first_new + k], s, row);
	return 0;
}

/* Row r's values: an existing item's computed now, a new item's taken from
 * the ring once the helper has computed it. Taking new row k frees the
 * slots of the rows before it: SQLite has stored them. */
static int summ_load(struct si_summ *g, size_t r)
{
	size_t k;
	if (r < g->nkeep) {
		summ_group(g, &g->group[g->keep[r]], &g->main, &g->row);
	} else if (!g->helper) {
		if (summ_new(g, r - g->nkeep, &g->main, &g->row, g->ferr)) {
			g->failed = 1;
			return -1;
		}
	} else {
		k = r - g->nkeep;
		if (k >= g->produced_seen || k % SI_STEP == 0) {
			pthread_mutex_lock(&g->mu);
			g->consumed = k;
			if (g->prod_waiting)
				pthread_cond_broadcast(&g->cv);
			while (g->produced <= k && !g->failed) {
				g->cons_waiting = 1;
				pthread_cond_wait(&g->cv, &g->mu);
			}
			g->cons_waiting = 0;
			g->produced_seen = g->produced;
			pthread_mutex_unlock(&g->mu);
			if (g->produced_seen <= k)
				return -1;
		}
		g->row = g->ahead[k % SI_AHEAD].row;
	}
	g->loaded = r + 1;
	if (r == g->tallied) {
		store_summary_tally_row(&g->tally, g->row.sum.n, g->row.sum.distinct,
					g->row.sum.agreement, 1);
		g->tallied++;
	}
	return 0;
}

/* What column col of a row holds, as SQLite is to be given it. */
enum si_val { SI_NULL, SI_INT, SI_REAL, SI_TEXT };

static enum si_val si_row_value(const struct si_summ *g, size_t row, int col, int64_t *i, double *d)
{
	const struct stats_item *sum = &g->row.sum;
	switch (col) {
	case 0:
		*i = summ_item(g, row);
		return SI_INT;
	case 1:
		return SI_TEXT;
	case 2:
		*i = (int64_t)sum->n;
		return SI_INT;
	case 3:
		*i = sum->distinct;
		return SI_INT;
	case 4:
		if (sum->plurality_label < 0)
			return SI_NULL;
		*i = g->task->labels[sum->plurality_label].code;
		return SI_INT;
	case 5:
		*i = (int64_t)sum->plurality_n;
		return SI_INT;
	case 6:
		*i = sum->tie;
		return SI_INT;
	case 7:
		*d = sum->agreement;
		return isnan(*d) ? SI_NULL : SI_REAL;
	default:
		*d = sum->entropy;
		return isnan(*d) ? SI_NULL : SI_REAL;
	}
}

static void si_row_column(void *ctx, size_t row, int col, sqlite3_context *out)
{
	struct si_summ *g = ctx;
	int64_t i = 0;
	double d = 0;
	/* The new items' rows follow the existing ones si_write_existing wrote. */
	row += g->nkeep;
	if (g->loaded != row + 1 && summ_load(g, row)) {
		/* g->ferr says why; store_import_votes_write reports it. */
		sqlite3_result_error(out, "import stopped", -1);
		return;
	}
	/* The texts stay put until the next row is loaded, after SQLite has
	 * stored this one. */
	switch (si_row_value(g, row, col, &i, &d)) {
	case SI_NULL:
		sqlite3_result_null(out);
		break;
	case SI_INT:
		sqlite3_result_int64(out, i);
		break;
	case SI_REAL:
		sqlite3_result_double(out, d);
		break;
	case SI_TEXT:
		sqlite3_result_text(out, g->row.votes, (int)g->row.len, SQLITE_STATIC);
		break;
	}
}

static int i64_cmp(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return a < b ? -1 : a > b;
}

/*
 * Merge the file's votes on an item that existed before into its stored row,
 * by annotator, each side in annotator order. A vote by an annotator who
 * already voted on the item is an error, unless --duplicates says to keep
 * the stored one (first) or the file's (last). Returns 1 when the row is to
 * be written (gr->merged set, or left NONE when there was no stored row), 0
 * when the item has a stored row and no votes in the file, -1 on error.
 */
static int si_merge_row(struct store_import *si, sqlite3_stmt *q, struct si_group *gr,
			long *written, struct sbuf *m, struct sbuf *out,
			struct store_summary_tally *tally, char *err)
{
	const struct ivote *fv = si->votes + gr->first_vote;
	struct votepack_iter it;
	struct votepack_vote sv;
	size_t k = 0;
	int got, step;
	char s1[64], s2[64];

	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, gr->item);
	step = sqlite3_step(q);
	if (step == SQLITE_DONE)
		return 1;
	if (step != SQLITE_ROW)
		return store_fail(si->st, err, "votes");
	if (!gr->nvotes)
		return 0;
	/* The stored row is replaced: its share of the tally goes. */
	store_summary_tally_row(
		tally, sqlite3_column_int64(q, 1), sqlite3_column_int64(q, 2),
		sqlite3_column_type(q, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 3), -1);
	votepack_begin(&it, (const char *)sqlite3_column_text(q, 0),
		       (size_t)sqlite3_column_bytes(q, 0));
	sbuf_reset(m);
	sbuf_addc(m, '[');
	got = votepack_next(&it, &sv);
	while (got > 0 || k < gr->nvotes) {
		int same = got > 0 && k < gr->nvotes && (int64_t)fv[k].ann == sv.annotator;
		int take_file = got <= 0 || (k < gr->nvotes && (int64_t)fv[k].ann < sv.annotator);
		if (m->len > 1)
			sbuf_addc(m, ',');
		if (same && si->o.dup == IMPORT_DUP_ERROR)
			return import_errf(err, si->o.file, store_import_vote_line(si, &fv[k]), 0,
					   "annotator '%s' already has a vote on item '%s' in task "
					   "'%s'; keep one with --duplicates first|last",
					   import_snip(si_ann_name(si, fv[k].ann), s1),
					   import_snip(store_import_item_name(si, gr->item), s2),
					   si->task_name);
		if (same && si->o.dup == IMPORT_DUP_FIRST) {
			sbuf_addn(m, sv.elem, sv.elen);
			si->duplicates++;
			(*written)--;
			k++;
			got = votepack_next(&it, &sv);
		} else if (same || take_file) {
			si_pack_votes(si, fv + k, 1, m);
			k++;
			if (same)
				got = votepack_next(&it, &sv);
		} else {
			sbuf_addn(m, sv.elem, sv.elen);
			got = votepack_next(&it, &sv);
		}
	}
	if (got < 0)
		return import_errf(err, NULL, 0, 0, "the stored votes of item '%s' are damaged",
				   import_snip(store_import_item_name(si, gr->item), s1));
	sbuf_addc(m, ']');
	/* Not in the arena: the helper thread reads it meanwhile. */
	gr->merged = out->len;
	sbuf_addn(out, m->s, m->len);
	sbuf_addc(out, '\0');
	return 1;
}

/* Every item the file names, in item id order: existing items first, then
 * the new ones, whose ids are item_maxid + 1, + 2, ... (store_import_items_assign). */
static void si_build_groups(struct store_import *si, struct si_summ *g)
{
	size_t n = intern_count(&si->items), v = 0, nold = 0;
	int64_t *ids = xmalloc((n + 1) * sizeof *ids);

	for (size_t i = 0; i < n; i++) {
		if (si->item_id[i] <= si->item_maxid)
			ids[nold++] = si->item_id[i];
	}
	qsort(ids, nold, sizeof *ids, i64_cmp);
	for (size_t i = nold; i < n; i++)
		ids[i] = si->item_maxid + (int64_t)(i - nold) + 1;
	g->group = xmalloc((n + 1) * sizeof *g->group);
	for (size_t i = 0; i < n; i++) {
		struct si_group *gr = &g->group[i];
		gr->item = ids[i];
		gr->merged = NONE;
		while (v < si->nvotes_kept && (int64_t)si->votes[v].item < ids[i])
			v++;
		gr->first_vote = v;
		while (v < si->nvotes_kept && (int64_t)si->votes[v].item == ids[i])
			v++;
		gr->nvotes = v - gr->first_vote;
	}
	g->ngroups = n;
	g->first_new = nold;
	free(ids);
}

static void si_scratch_init(struct si_scratch *s, const struct store_task *task)
{
	s->count = xcalloc(task->nlabels + 1, sizeof *s->count);
}

static void si_scratch_free(struct si_scratch *s)
{
	free(s->count);
	sbuf_free(&s->packed);
}

/*
 * The helper thread of an import: while the main thread writes the item
 * rows, it sorts the file's votes and groups them by item (then sets ready);
 * then it computes the new items' item_votes rows into the ring, never more
 * than SI_AHEAD ahead of the row SQLite stores. Until ready the main thread
 * touches none of what it writes; after, the helper only reads the votes,
 * the new items' groups and the arena, and writes the ring's free slots.
 */
struct si_prep {
	struct store_import *si;
	struct si_summ *g;
	pthread_t thread;
	int running;
	int rc;
	char err[GV_ERR];
};

static void si_prep_rows(struct si_summ *g)
{
	size_t nnew = g->ngroups - g->first_new, consumed_seen = 0;
	for (size_t k = 0; k < nnew; k++) {
		struct si_ahead *a = &g->ahead[k % SI_AHEAD];
		if (k >= consumed_seen + SI_AHEAD) {
			int stop;
			pthread_mutex_lock(&g->mu);
			while (!g->stop && k >= g->consumed + SI_AHEAD) {
				g->prod_waiting = 1;
				pthread_cond_wait(&g->cv, &g->mu);
			}
			g->prod_waiting = 0;
			stop = g->stop;
			consumed_seen = g->consumed;
			pthread_mutex_unlock(&g->mu);
			if (stop)
				return;
		}
		if (summ_new(g, k, &a->s, &a->row, g->ferr)) {
			pthread_mutex_lock(&g->mu);
			g->failed = 1;
			pthread_cond_broadcast(&g->cv);
			pthread_mutex_unlock(&g->mu);
			return;
		}
		if ((k + 1) % SI_STEP == 0 || k + 1 == nnew) {
			pthread_mutex_lock(&g->mu);
			g->produced = k + 1;
			if (g->cons_waiting)
				pthread_cond_broadcast(&g->cv);
			pthread_mutex_unlock(&g->mu);
		}
	}
}

static void *si_prep_run(void *arg)
{
	struct si_prep *p = arg;
	struct si_summ *g = p->g;
	p->rc = si_sort_file_votes(p->si, p->err);
	if (!p->rc) {
		si_build_groups(p->si, g);
		g->written = (long)p->si->nvotes_kept;
	}
	pthread_mutex_lock(&g->mu);
	g->ready = p->rc ? -1 : 1;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	if (!p->rc && g->helper)
		si_prep_rows(g);
	return NULL;
}

/*
 * The rows of the items that existed before: each stored row read, merged
 * with the file's votes and written back before the next item's, in item id
 * order, so that the leaf page read is still in the cache when it is
 * written and neighbouring items share it. keep lists the items rewritten.
 *
 * Each row is written by a single-row UPDATE (or, for an item that had no
 * row, a plain INSERT). A statement that may change several rows and fail
 * half-way keeps a statement journal, a copy of every page it changes, so
 * that the statement alone could be undone; an INSERT OR REPLACE is such a
 * statement even for one row (the replaced row's index entries are deleted
 * as a second write), an UPDATE of one row by its rowid is not. At 10M
 * items the 1,000 rows of an added annotator change some 2,400 pages of 16
 * KiB: copying each statement's three or four pages into fresh memory, and
 * freeing them, was about 30 ms of the import's 0.26 s of CPU and half its
 * brk calls. The import's transaction is still undone as a whole on error.
 */
static int si_write_existing(struct store_import *si, struct si_summ *g, char *err)
{
	/* put[0] adds the row of an item that had none, put[1] rewrites a
	 * stored one; both number their columns alike. */
	sqlite3_stmt *q = NULL, *put[2] = {NULL, NULL}, *ins;
	struct sbuf m = {0};
	int rc = -1;

	g->keep = xmalloc((g->first_new + 1) * sizeof *g->keep);
	if (!g->first_new)
		return 0;
	if (store_prepare(
		    si->st,
		    "SELECT votes, n, distinct_labels, agreement FROM item_votes WHERE item = ?1",
		    &q, err) ||
	    store_prepare(si->st,
			  "INSERT INTO item_votes(item, votes, n, distinct_labels,"
			  " plurality, plurality_n, tie, agreement, entropy, task)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			  &put[0], err) ||
	    store_prepare(si->st,
			  "UPDATE item_votes SET votes = ?2, n = ?3, distinct_labels = ?4,"
			  " plurality = ?5, plurality_n = ?6, tie = ?7, agreement = ?8,"
			  " entropy = ?9, task = ?10 WHERE item = ?1",
			  &put[1], err))
		goto out;
	sqlite3_bind_int64(put[0], 10, si->task.id);
	sqlite3_bind_int64(put[1], 10, si->task.id);
	for (size_t i = 0; i < g->first_new; i++) {
		size_t r = g->nkeep;
		int keep;
		/* Only the row being written is kept: it is loaded once. */
		sbuf_reset(&g->merged);
		keep = si_merge_row(si, q, &g->group[i], &g->written, &m, &g->merged, &g->tally,
				    err);
		sqlite3_reset(q);
		if (keep < 0)
			goto out;
		if (!keep)
			continue;
		g->keep[g->nkeep++] = i;
		/* si_merge_row sets merged only when there was a stored row. */
		ins = put[g->group[i].merged != NONE];
		if (summ_load(g, r)) {
			memcpy(err, g->ferr, GV_ERR);
			goto out;
		}
		for (int col = 0; col < 9; col++) {
			int64_t v = 0;
			double d = 0;
			switch (si_row_value(g, r, col, &v, &d)) {
			case SI_NULL:
				sqlite3_bind_null(ins, col + 1);
				break;
			case SI_INT:
				sqlite3_bind_int64(ins, col + 1, v);
				break;
			case SI_REAL:
				sqlite3_bind_double(ins, col + 1, d);
				break;
			case SI_TEXT:
				sqlite3_bind_text(ins, col + 1, g->row.votes, (int)g->row.len,
						  SQLITE_STATIC);
				break;
			}
		}
		if (sqlite3_step(ins) != SQLITE_DONE) {
			store_fail(si->st, err, "item votes");
			goto out;
		}
		sqlite3_reset(ins);
		/* The row read a moment ago is the one rewritten. */
		if (sqlite3_changes(si->st->db) != 1) {
			char snip[64];
			import_errf(
				err, NULL, 0, 0, "the votes of item '%s' were not stored",
				import_snip(store_import_item_name(si, g->group[i].item), snip));
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(put[0]);
	sqlite3_finalize(put[1]);
	sbuf_free(&m);
	return rc;
}

/* The task with its labels in their new order, and the tables summaries
 * are computed with. */
static int si_summ_init(struct store_import *si, struct store_task *task, struct si_summ *g,
			char *err)
{
	int src = store_task_get(si->st, si->task_name, task, err);
	if (src != 1)
		return src < 0 ? -1
			       : import_errf(err, NULL, 0, 0, "task '%s' vanished", si->task_name);
	g->si = si;
	g->task = task;
	store_summary_order_init(&g->order, task);
	si_scratch_init(&g->main, task);
	g->ahead = xcalloc(SI_AHEAD, sizeof *g->ahead);
	for (size_t i = 0; i < SI_AHEAD; i++)
		si_scratch_init(&g->ahead[i].s, task);
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	return 0;
}

static void si_summ_free(struct si_summ *g)
{
	if (!g->si)
		return;
	free(g->group);
	free(g->keep);
	sbuf_free(&g->merged);
	store_summary_order_free(&g->order);
	si_scratch_free(&g->main);
	for (size_t i = 0; i < SI_AHEAD; i++)
		si_scratch_free(&g->ahead[i].s);
	free(g->ahead);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
}

/* Tell the helper to stop computing rows and wait for it. */
static void si_prep_join(struct si_prep *p)
{
	if (!p->running)
		return;
	pthread_mutex_lock(&p->g->mu);
	p->g->stop = 1;
	pthread_cond_broadcast(&p->g->cv);
	pthread_mutex_unlock(&p->g->mu);
	pthread_join(p->thread, NULL);
	p->running = 0;
}

int store_import_votes_write(struct store_import *si, struct import_result *res, char *err)
{
	struct store_task task = {0};
	struct si_summ g = {0};
	struct si_prep prep = {0};
	struct store_rows rows = {0};
	struct sbuf sql = {0};
	int rc = -1, src;

	if (si_write_annotators(si, &si->ann_id, res, err))
		goto out;
	if (si->stream) {
		if (si->nvotes)
			res->n.annotators = (long)intern_count(&si->anns);
		if (store_import_stream_write(si, res, &g.tally, err))
			goto out;
		goto tally;
	}
	if (store_import_items_assign(si, err) || si_summ_init(si, &task, &g, err))
		goto out;
	if (si->nvotes)
		res->n.annotators = (long)intern_count(&si->anns);
	prep.si = si;
	prep.g = &g;
	g.helper = 1;
	prep.running = pthread_create(&prep.thread, NULL, si_prep_run, &prep) == 0;
	if (!prep.running) {
		g.helper = 0;
		si_prep_run(&prep);
	}
	src = store_import_items_insert(si, res, err);
	pthread_mutex_lock(&g.mu);
	while (!g.ready)
		pthread_cond_wait(&g.cv, &g.mu);
	pthread_mutex_unlock(&g.mu);
	if (src)
		goto out;
	if (prep.rc) {
		memcpy(err, prep.err, GV_ERR);
		goto out;
	}
	if (si_write_existing(si, &g, err))
		goto out;
	rows.schema = "CREATE TABLE x(item INTEGER, votes TEXT, n INTEGER,"
		      " distinct_labels INTEGER, plurality INTEGER, plurality_n INTEGER,"
		      " tie INTEGER, agreement REAL, entropy REAL)";
	rows.n = g.ngroups - g.first_new;
	rows.ctx = &g;
	rows.column = si_row_column;
	sbuf_addf(&sql,
		  "INSERT INTO item_votes(item, task, votes, n, distinct_labels, plurality,"
		  " plurality_n, tie, agreement, entropy)"
		  " SELECT item, %lld, votes, n, distinct_labels, plurality, plurality_n, tie,"
		  " agreement, entropy FROM " STORE_ROWS,
		  (long long)si->task.id);
	src = rows.n ? store_rows_run(si->st, &rows, sql.s, "import", err) : SQLITE_DONE;
	si_prep_join(&prep);
	if (g.failed) {
		memcpy(err, g.ferr, GV_ERR);
		goto out;
	}
	if (src != SQLITE_DONE) {
		if (src != SQLITE_ERROR)
			store_fail(si->st, err, "item votes");
		goto out;
	}
	res->n.votes = g.written;
tally:
	/* A new label order changes every item's tie rule: every row is
	 * refreshed, and the tally recounted with them. Otherwise the tally
	 * moves by what the rows changed, streamed or not, so that a file
	 * costs in proportion to itself rather than to the task. */
	if (si->ord_changed ? store_summary_refresh(si->st, si->task.id, err)
	    : si->stream || g.tallied == g.nkeep + rows.n
		    ? store_summary_tally_apply(si->st, si->task.id, &g.tally, err)
		    : store_summary_tally(si->st, si->task.id, err))
		goto out;
	rc = 0;
out:
	si_prep_join(&prep);
	si_summ_free(&g);
	sbuf_free(&sql);
	store_task_free(&task);
	return rc;
}

int store_import_votes_row(struct store_import *si, sqlite3_stmt *q,
			   const struct store_summary_order *order, int nlabels, int64_t item,
			   int existing, size_t n, long *written, struct sbuf *m, struct sbuf *out,
			   uint32_t *count, struct stats_item *sum,
			   struct store_summary_tally *tally, char *err)
{
	struct si_group gr = {.item = item, .first_vote = 0, .nvotes = n, .merged = NONE};
	sbuf_reset(out);
	memset(count, 0, ((size_t)nlabels + 1) * sizeof *count);
	if (existing) {
		int keep = si_merge_row(si, q, &gr, written, m, out, tally, err);
		if (keep <= 0)
			return keep;
	}
	if (gr.merged != NONE) {
		out->len = strlen(out->s);
		store_summary_count(order, out->s, out->len, count);
	} else {
		sbuf_addc(out, '[');
		si_pack_votes(si, si->votes, n, out);
		sbuf_addc(out, ']');
		for (size_t i = 0; i < n; i++)
			store_summary_order_count(order, si->votes[i].label, count);
	}
	stats_item_compute(count, nlabels, sum);
	store_summary_tally_row(tally, sum->n, sum->distinct, sum->agreement, 1);
	return 1;
}
