/*
 * store_import_predictions: a model's predictions, one row per (item,
 * model). Their normalised entropy is computed here, over the task's labels
 * as they are once the file's are added; everything else was checked and
 * computed per record as the file was read. Items are written in id order,
 * each with its predictions sorted by (model, file order): from the array
 * collected in memory, or, for a streamed file, from the spool
 * (src/store_import_pstream.c), through the same per-item step, so that
 * both give the same rows and the same errors.
 */
#include "config.h"

#include "store_import_priv.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *dup_sql(enum import_dup d)
{
	return d == IMPORT_DUP_FIRST  ? "INSERT OR IGNORE"
	       : d == IMPORT_DUP_LAST ? "INSERT OR REPLACE"
				      : "INSERT";
}

static int pred_cmp(const void *pa, const void *pb)
{
	const struct ipred *a = pa, *b = pb;
	if (a->db_item != b->db_item)
		return a->db_item < b->db_item ? -1 : 1;
	if (a->model != b->model)
		return a->model < b->model ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

struct pred_writer {
	sqlite3_stmt *ins;
	double lnk; /* ln K, K the task's labels */
	/* A prediction the project already has, refused (the first in item
	 * order): reported once no item after it repeats one in the file,
	 * since the file's own repeats are reported first. */
	int pending;
	char perr[GV_ERR];
};

/*
 * The predictions p[0..n) of one item, sorted by (model, file order): the
 * file's repeats of a model refused or dropped as --duplicates says, the
 * rest stored. Returns 0 or -1 with err filled.
 */
static int pred_item(struct store_import *si, void *wv, void *recs, size_t n,
		     struct import_result *res, char *err)
{
	struct pred_writer *w = wv;
	struct ipred *p = recs;
	size_t kept = 0;
	char s1[64], s2[64];

	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j + 1 < n && p[j + 1].model == p[i].model)
			j++;
		if (j > i && si->o.dup == IMPORT_DUP_ERROR)
			return import_errf(
				err, si->o.file, p[i + 1].line, p[i + 1].col,
				"a second prediction of model '%s' for item '%s' (first at line "
				"%ld); keep one with --duplicates first|last",
				import_snip(intern_str(&si->models, p[i].model), s1),
				import_snip(store_import_item_name(si, p[i].db_item), s2),
				p[i].line);
		si->duplicates += (long)(j - i);
		p[kept++] = p[si->o.dup == IMPORT_DUP_LAST ? j : i];
		i = j;
	}
	if (w->pending)
		return 0;
	for (size_t i = 0; i < kept; i++) {
		sqlite3_stmt *ins = w->ins;
		int src;
		sqlite3_bind_int64(ins, 1, p[i].db_item);
		sqlite3_bind_text(ins, 2, intern_str(&si->models, p[i].model), -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 3, si->label_code[p[i].label]);
		sqlite3_bind_double(ins, 4, p[i].conf);
		if (isnan(p[i].plogp))
			sqlite3_bind_null(ins, 5);
		else
			sqlite3_bind_double(ins, 5, w->lnk > 0 ? p[i].plogp / w->lnk : 0.0);
		if (isnan(p[i].margin))
			sqlite3_bind_null(ins, 6);
		else
			sqlite3_bind_double(ins, 6, p[i].margin);
		sqlite3_bind_text(ins, 7, store_import_at(si, p[i].probs), -1, SQLITE_STATIC);
		src = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (src == SQLITE_CONSTRAINT_PRIMARYKEY) {
			import_errf(w->perr, si->o.file, p[i].line, p[i].col,
				    "model '%s' already has a prediction for item '%s'; keep one "
				    "with --duplicates first|last",
				    import_snip(intern_str(&si->models, p[i].model), s1),
				    import_snip(store_import_item_name(si, p[i].db_item), s2));
			w->pending = 1;
			return 0;
		}
		if (src != SQLITE_DONE)
			return store_fail(si->st, err, "add prediction");
		if (si->o.dup == IMPORT_DUP_FIRST && sqlite3_changes(si->st->db) == 0)
			si->duplicates++;
		else
			res->n.predictions++;
	}
	return 0;
}

/* A spooled prediction (its item's database id already set). */
static void pred_fill(struct store_import *si, void *rec, const struct srec *r,
		      const struct si_keyed *k, const char *probs, const char *when)
{
	struct ipred *p = rec;
	(void)when;
	p->model = r->label;
	p->line = r->line;
	p->col = k->col;
	p->seq = (size_t)k->seq;
	p->label = (int)k->label;
	p->conf = k->conf;
	p->plogp = k->plogp;
	p->margin = k->margin;
	p->probs = store_import_str(si, probs);
}

static const struct si_keyed_kind pred_kind = {
	.size = sizeof(struct ipred),
	.item_off = offsetof(struct ipred, item),
	.db_off = offsetof(struct ipred, db_item),
	.cmp = pred_cmp,
	.fill = pred_fill,
	.item = pred_item,
};

int store_import_predictions_write(struct store_import *si, struct import_result *res, char *err)
{
	struct pred_writer w = {0};
	struct sbuf sql = {0};
	size_t n = si->npreds;
	size_t nl = si->task.nlabels + (size_t)res->n.labels_created;
	int rc = -1;

	if (!n)
		return 0;
	w.lnk = nl >= 2 ? log((double)nl) : 0;
	sbuf_addf(&sql,
		  "%s INTO prediction(item, model, label, confidence, entropy, margin, probs)"
		  " VALUES (?, ?, ?, ?, ?, ?, ?)",
		  dup_sql(si->o.dup));
	if (store_prepare(si->st, sql.s, &w.ins, err))
		goto out;
	if (store_import_keyed_write(si, &pred_kind, &w, si->preds, n, res, err))
		goto out;
	if (w.pending) {
		memcpy(err, w.perr, GV_ERR);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(w.ins);
	sbuf_free(&sql);
	return rc;
}
