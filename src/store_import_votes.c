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

/*
 * Resolve the votes to database ids, sort them by (item, annotator) and drop
 * or refuse the duplicates within the file; store_import_votes_write stores
 * them. Runs on the helper thread (si_prep): memory only.
 */
static int si_sort_file_votes(struct store_import *si, char *err)
{
	size_t n = si->nvotes, w = 0;
	char s1[64], s2[64];

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		struct ivote *v = &si->votes[i];
		int64_t it = si->item_id[v->item], an = si->ann_id[v->ann];
		if (it > UINT32_MAX || an > UINT32_MAX)
			return import_errf(err, si->o.file, 0, 0,
					   "item or annotator id beyond 2^32");
		v->item = (uint32_t)it;
		v->ann = (uint32_t)an;
		v->label = (uint32_t)si->label_code[v->label];
	}
	si->votes = store_import_sort_votes(si->votes, n);
	si->votes_cap = n;
	/* Duplicates are neighbours now, in file order. */
	for (size_t i = 0; i < n; i++) {
		struct ivote *v = &si->votes[i];
		size_t j = i;
		while (j + 1 < n && si->votes[j + 1].item == v->item &&
		       si->votes[j + 1].ann == v->ann)
			j++;
		if (j > i) {
			if (si->o.dup == IMPORT_DUP_ERROR)
				return import_errf(
					err, si->o.file, si->vote_line[si->votes[i + 1].idx], 0,
					"duplicate vote by annotator '%s' on item '%s' (first at "
					"line %u); keep one with --duplicates first|last",
					import_snip(si_ann_name(si, v->ann), s1),
					import_snip(store_import_item_name(si, v->item), s2),
					si->vote_line[v->idx]);
			si->votes[w++] = si->votes[si->o.dup == IMPORT_DUP_FIRST ? i : j];
			si->duplicates += (long)(j - i);
		} else {
			si->votes[w++] = *v;
		}
		i = j;
	}
	si->nvotes_kept = w;
	return 0;
}

/*
 * Database ids of the interned annotators: existing ones by name, new ones
 * appended in the byte order of their names, so that the same votes give the
 * same ids (and the same order in every listing by id) whatever the file's
 * row order.
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

	if (store_prepare(si->st, "SELECT id, name FROM annotator", &q, err))
		goto fail;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 1);
		int64_t id = sqlite3_column_int64(q, 0);
		int64_t k = name ? intern_find(&si->anns, name, strlen(name)) : -1;
		if (k >= 0)
			map[k] = id;
		if (id > maxid)
			maxid = id;
	}
	if (rc != SQLITE_DONE) {
		store_fail(si->st, err, "annotators");
		goto fail;
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
 * item's tie rule).
 *
 * New items' rows are computed ahead, on the helper thread, while the item
 * table is written (si_precompute); the merged rows of existing items are
 * built after it, on this thread, because reading the table while inserting
 * into it is not something to rely on, and their summaries are computed as
 * SQLite asks for each row. The table's indexes are updated in place:
 * dropping them for a bulk load and running CREATE INDEX afterwards measured
 * slower on a million items.
 */
struct si_group {
	int64_t item;		   /* database id */
	size_t first_vote, nvotes; /* the item's votes in si->votes */
	size_t merged;		   /* arena offset of the merged row, or NONE */
};

struct si_summ {
	const struct store_import *si;
	const struct store_task *task; /* reloaded: labels in their new order */
	struct si_group *group;	       /* the rows to write, one per item, by item id */
	size_t ngroups;
	struct store_summary_order order;
	uint32_t *count; /* per position in the label order */
	/* The row loaded last: its index + 1 (0 for none), summary and packed
	 * votes (in packed when they were packed here). */
	size_t loaded;
	struct stats_item sum;
	const char *row_votes;
	size_t row_votes_len;
	struct sbuf packed;
	/* New items' rows, computed ahead on the helper thread: rows first_new,
	 * first_new + 1, ... are ahead[0], ahead[1], ..., their packed votes
	 * one after the other in ahead_votes. */
	size_t first_new;
	struct si_ahead *ahead;
	struct sbuf ahead_votes;
	long written; /* the file's votes that will be stored */
};

struct si_ahead {
	size_t votes_off; /* in ahead_votes */
	uint32_t votes_len;
	struct stats_item sum;
};

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

static void summ_compute(struct si_summ *g, size_t r)
{
	const struct store_import *si = g->si;
	const struct si_group *gr = &g->group[r];
	size_t k = g->task->nlabels;

	memset(g->count, 0, (k + 1) * sizeof *g->count);
	if (gr->merged != NONE) {
		/* Checked when it was merged: it parses. */
		g->row_votes = store_import_at(si, gr->merged);
		g->row_votes_len = strlen(g->row_votes);
		store_summary_count(&g->order, g->row_votes, g->row_votes_len, g->count);
	} else {
		sbuf_reset(&g->packed);
		sbuf_addc(&g->packed, '[');
		si_pack_votes(si, si->votes + gr->first_vote, gr->nvotes, &g->packed);
		sbuf_addc(&g->packed, ']');
		for (size_t i = 0; i < gr->nvotes; i++)
			store_summary_order_count(&g->order, si->votes[gr->first_vote + i].label,
						  g->count);
		g->row_votes = g->packed.s;
		g->row_votes_len = g->packed.len;
	}
	stats_item_compute(g->count, (int)k, &g->sum);
	g->loaded = r + 1;
}

/* Row r's values: computed ahead for a new item, else now. */
static void summ_load(struct si_summ *g, size_t r)
{
	const struct si_ahead *p;
	if (!g->ahead || r < g->first_new) {
		summ_compute(g, r);
		return;
	}
	p = &g->ahead[r - g->first_new];
	g->sum = p->sum;
	g->row_votes = g->ahead_votes.s + p->votes_off;
	g->row_votes_len = p->votes_len;
	g->loaded = r + 1;
}

static void si_row_column(void *ctx, size_t row, int col, sqlite3_context *out)
{
	struct si_summ *g = ctx;
	if (g->loaded != row + 1)
		summ_load(g, row);
	/* The texts stay put until the next row is computed, after SQLite has
	 * stored this one. */
	switch (col) {
	case 0:
		sqlite3_result_int64(out, g->group[row].item);
		break;
	case 1:
		sqlite3_result_text(out, g->row_votes, (int)g->row_votes_len, SQLITE_STATIC);
		break;
	case 2:
		sqlite3_result_int(out, (int)g->sum.n);
		break;
	case 3:
		sqlite3_result_int(out, g->sum.distinct);
		break;
	case 4:
		if (g->sum.plurality_label >= 0)
			sqlite3_result_int(out, g->task->labels[g->sum.plurality_label].code);
		else
			sqlite3_result_null(out);
		break;
	case 5:
		sqlite3_result_int(out, (int)g->sum.plurality_n);
		break;
	case 6:
		sqlite3_result_int(out, g->sum.tie);
		break;
	case 7:
		if (isnan(g->sum.agreement))
			sqlite3_result_null(out);
		else
			sqlite3_result_double(out, g->sum.agreement);
		break;
	default:
		if (isnan(g->sum.entropy))
			sqlite3_result_null(out);
		else
			sqlite3_result_double(out, g->sum.entropy);
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
			long *written, struct sbuf *m, char *err)
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
			return import_errf(err, si->o.file, si->vote_line[fv[k].idx], 0,
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
	gr->merged = store_import_str(si, m->s);
	return 1;
}

/* The rows to write, in item id order: every item the file names. Existing
 * items come first (si_merge_rows drops those the file adds no votes to),
 * then the new ones, whose ids are item_maxid + 1, + 2, ... (store_import_items_assign). */
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

/* Compute the new items' rows ahead, into g->ahead and g->ahead_votes. */
static void si_precompute(struct si_summ *g)
{
	size_t nnew = g->ngroups - g->first_new;
	if (!nnew)
		return;
	g->ahead = xmalloc(nnew * sizeof *g->ahead);
	for (size_t k = 0; k < nnew; k++) {
		struct si_ahead *p = &g->ahead[k];
		summ_compute(g, g->first_new + k);
		p->sum = g->sum;
		p->votes_off = g->ahead_votes.len;
		p->votes_len = (uint32_t)g->row_votes_len;
		sbuf_addn(&g->ahead_votes, g->row_votes, g->row_votes_len);
	}
	g->loaded = 0;
}

/*
 * The helper thread of an import: while the main thread writes the item
 * rows, it sorts the file's votes, groups them by item and computes the new
 * items' item_votes rows, all in memory. The main thread touches none of
 * what it writes until it has joined it.
 */
struct si_prep {
	struct store_import *si;
	struct si_summ *g;
	pthread_t thread;
	int running;
	int rc;
	char err[GV_ERR];
};

static void *si_prep_run(void *arg)
{
	struct si_prep *p = arg;
	p->rc = si_sort_file_votes(p->si, p->err);
	if (!p->rc) {
		si_build_groups(p->si, p->g);
		p->g->written = (long)p->si->nvotes_kept;
		si_precompute(p->g);
	}
	return NULL;
}

/* Merge the existing items' rows with their stored votes, dropping those
 * the file adds no votes to. */
static int si_merge_rows(struct store_import *si, struct si_summ *g, char *err)
{
	sqlite3_stmt *q = NULL;
	struct sbuf m = {0};
	size_t w = 0;
	int rc = -1;

	if (!g->first_new)
		return 0;
	if (store_prepare(si->st, "SELECT votes FROM item_votes WHERE item = ?1", &q, err))
		return -1;
	for (size_t i = 0; i < g->first_new; i++) {
		int keep = si_merge_row(si, q, &g->group[i], &g->written, &m, err);
		if (keep < 0)
			goto out;
		if (keep)
			g->group[w++] = g->group[i];
	}
	memmove(g->group + w, g->group + g->first_new,
		(g->ngroups - g->first_new) * sizeof *g->group);
	g->ngroups -= g->first_new - w;
	g->first_new = w;
	rc = 0;
out:
	sqlite3_finalize(q);
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
	g->count = xcalloc(task->nlabels + 1, sizeof *g->count);
	return 0;
}

static void si_summ_free(struct si_summ *g)
{
	free(g->group);
	free(g->ahead);
	store_summary_order_free(&g->order);
	free(g->count);
	sbuf_free(&g->packed);
	sbuf_free(&g->ahead_votes);
}

int store_import_votes_write(struct store_import *si, struct import_result *res, char *err)
{
	struct store_task task = {0};
	struct si_summ g = {0};
	struct si_prep prep = {0};
	struct store_rows rows = {0};
	struct sbuf sql = {0};
	int rc = -1, src;

	if (si_write_annotators(si, &si->ann_id, res, err) || store_import_items_assign(si, err) ||
	    si_summ_init(si, &task, &g, err))
		goto out;
	if (si->nvotes)
		res->n.annotators = (long)intern_count(&si->anns);
	prep.si = si;
	prep.g = &g;
	prep.running = pthread_create(&prep.thread, NULL, si_prep_run, &prep) == 0;
	if (!prep.running)
		si_prep_run(&prep);
	src = store_import_items_insert(si, res, err);
	if (prep.running)
		pthread_join(prep.thread, NULL);
	if (src)
		goto out;
	if (prep.rc) {
		memcpy(err, prep.err, GV_ERR);
		goto out;
	}
	if (si_merge_rows(si, &g, err))
		goto out;

	rows.schema = "CREATE TABLE x(item INTEGER, votes TEXT, n INTEGER,"
		      " distinct_labels INTEGER, plurality INTEGER, plurality_n INTEGER,"
		      " tie INTEGER, agreement REAL, entropy REAL)";
	rows.n = g.ngroups;
	rows.ctx = &g;
	rows.column = si_row_column;
	/* Only rows of items that existed before can be there already. */
	sbuf_addf(&sql,
		  "INSERT %s INTO item_votes(item, task, votes, n, distinct_labels, plurality,"
		  " plurality_n, tie, agreement, entropy)"
		  " SELECT item, %lld, votes, n, distinct_labels, plurality, plurality_n, tie,"
		  " agreement, entropy FROM " STORE_ROWS,
		  g.first_new ? "OR REPLACE" : "", (long long)si->task.id);
	src = store_rows_run(si->st, &rows, sql.s, "import", err);
	if (src != SQLITE_DONE) {
		if (src != SQLITE_ERROR)
			store_fail(si->st, err, "item votes");
		goto out;
	}
	res->n.votes = g.written;
	if (si->ord_changed && store_summary_refresh(si->st, si->task.id, err))
		goto out;
	rc = 0;
out:
	si_summ_free(&g);
	sbuf_free(&sql);
	store_task_free(&task);
	return rc;
}
