/*
 * store_import_predictions: a model's predictions, one row per (item,
 * model). Their normalised entropy is computed here, over the task's labels
 * as they are once the file's are added; everything else was checked and
 * computed per record as the file was read.
 */
#include "config.h"

#include "store_import_priv.h"

#include <math.h>
#include <stdlib.h>

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
	return a->line < b->line ? -1 : a->line > b->line;
}

int store_import_predictions_write(struct store_import *si, struct import_result *res, char *err)
{
	sqlite3_stmt *ins = NULL;
	struct sbuf sql = {0};
	size_t n = si->npreds, w = 0;
	double lnk = si->task.nlabels + (size_t)res->n.labels_created >= 2
			     ? log((double)(si->task.nlabels + (size_t)res->n.labels_created))
			     : 0;
	int rc = -1;
	char s1[64], s2[64];

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		si->preds[i].db_item = si->item_id[si->preds[i].item];
	qsort(si->preds, n, sizeof *si->preds, pred_cmp);
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j + 1 < n && si->preds[j + 1].db_item == si->preds[i].db_item &&
		       si->preds[j + 1].model == si->preds[i].model)
			j++;
		if (j > i && si->o.dup == IMPORT_DUP_ERROR) {
			import_errf(
				err, si->o.file, si->preds[i + 1].line, si->preds[i + 1].col,
				"a second prediction of model '%s' for item '%s' (first at line "
				"%ld); keep one with --duplicates first|last",
				import_snip(intern_str(&si->models, si->preds[i].model), s1),
				import_snip(store_import_item_name(si, si->preds[i].db_item), s2),
				si->preds[i].line);
			goto out;
		}
		si->duplicates += (long)(j - i);
		si->preds[w++] = si->preds[si->o.dup == IMPORT_DUP_LAST ? j : i];
		i = j;
	}
	n = w;
	sbuf_addf(&sql,
		  "%s INTO prediction(item, model, label, confidence, entropy, margin, probs)"
		  " VALUES (?, ?, ?, ?, ?, ?, ?)",
		  dup_sql(si->o.dup));
	if (store_prepare(si->st, sql.s, &ins, err))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct ipred *p = &si->preds[i];
		int src;
		sqlite3_bind_int64(ins, 1, p->db_item);
		sqlite3_bind_text(ins, 2, intern_str(&si->models, p->model), -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 3, si->label_code[p->label]);
		sqlite3_bind_double(ins, 4, p->conf);
		if (isnan(p->plogp))
			sqlite3_bind_null(ins, 5);
		else
			sqlite3_bind_double(ins, 5, lnk > 0 ? p->plogp / lnk : 0.0);
		if (isnan(p->margin))
			sqlite3_bind_null(ins, 6);
		else
			sqlite3_bind_double(ins, 6, p->margin);
		sqlite3_bind_text(ins, 7, store_import_at(si, p->probs), -1, SQLITE_STATIC);
		src = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (src == SQLITE_CONSTRAINT_PRIMARYKEY) {
			import_errf(err, si->o.file, p->line, p->col,
				    "model '%s' already has a prediction for item '%s'; keep one "
				    "with --duplicates first|last",
				    import_snip(intern_str(&si->models, p->model), s1),
				    import_snip(store_import_item_name(si, p->db_item), s2));
			goto out;
		}
		if (src != SQLITE_DONE) {
			store_fail(si->st, err, "add prediction");
			goto out;
		}
		if (si->o.dup == IMPORT_DUP_FIRST && sqlite3_changes(si->st->db) == 0)
			si->duplicates++;
		else
			res->n.predictions++;
	}
	rc = 0;
out:
	sqlite3_finalize(ins);
	sbuf_free(&sql);
	return rc;
}
