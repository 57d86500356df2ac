/*
 * store_import_items: the items of an import. Each item the file names is
 * resolved to its database id, existing ones by one scan of the task, new
 * ones numbered in the byte order of their external ids; new items are then
 * written through one INSERT ... SELECT (src/store_rows.h) in id order, so
 * that the rows and the (task, external_id) index are both appended to
 * instead of split at random places, and existing items get the text and
 * metadata the file gives them.
 */
#include "config.h"

#include "store_import_priv.h"
#include "store_rows.h"

#include <stdlib.h>
#include <string.h>

/*
 * A prediction is about an item the project has: one for an unknown item
 * is most likely a file for another task or with other ids, and would
 * create an item with no text and no votes. Refuse it, at the first such
 * prediction in the file, unless --new-items asked for the items.
 */
static int si_check_pred_items(struct store_import *si, char *err)
{
	size_t unknown = 0, n = intern_count(&si->items);
	const struct ipred *first = NULL;
	char snip[64];
	if (si->o.kind != IMPORT_PREDICTIONS || si->o.new_items)
		return 0;
	for (size_t i = 0; i < n; i++)
		unknown += !si->item_id[i];
	if (!unknown)
		return 0;
	for (size_t i = 0; i < si->npreds && !first; i++)
		if (!si->item_id[si->preds[i].item])
			first = &si->preds[i];
	if (!first)
		return 0;
	return import_errf(err, si->o.file, first->line, first->col,
			   "prediction for item '%s', which task '%s' does not have (%zu of the "
			   "file's %zu items are unknown): import the items or their votes first, "
			   "or pass --new-items to create them",
			   import_snip(intern_str(&si->items, first->item), snip), si->task_name,
			   unknown, n);
}

/*
 * Database ids of the file's items the task already has. A small file into a
 * large task looks each item up through the (task, external_id) index, so
 * adding a thousand votes to ten million items reads a thousand index
 * entries, not the task; a file with many items reads the task's index in
 * one pass instead. The largest item id bounds the task's size from above.
 */
static int si_items_find(struct store_import *si, size_t n, char *err)
{
	int lookup = (int64_t)n * 16 < si->item_maxid;
	sqlite3_stmt *q = NULL;
	int step = SQLITE_DONE, rc = -1;

	if (store_prepare(si->st,
			  lookup ? "SELECT id FROM item WHERE task = ?1 AND external_id = ?2"
				 : "SELECT id, external_id FROM item WHERE task = ?1",
			  &q, err))
		return -1;
	sqlite3_bind_int64(q, 1, si->task.id);
	if (lookup) {
		for (size_t k = 0; k < n; k++) {
			const char *ext = intern_str(&si->items, (uint32_t)k);
			sqlite3_reset(q);
			sqlite3_bind_text(q, 2, ext, -1, SQLITE_STATIC);
			step = sqlite3_step(q);
			if (step == SQLITE_ROW)
				si->item_id[k] = sqlite3_column_int64(q, 0);
			else if (step != SQLITE_DONE)
				break;
			step = SQLITE_DONE;
		}
	} else {
		while ((step = sqlite3_step(q)) == SQLITE_ROW) {
			const char *ext = (const char *)sqlite3_column_text(q, 1);
			int64_t k = ext ? intern_find(&si->items, ext, strlen(ext)) : -1;
			if (k >= 0)
				si->item_id[k] = sqlite3_column_int64(q, 0);
		}
	}
	if (step != SQLITE_DONE) {
		store_fail(si->st, err, "items");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(q);
	return rc;
}

int store_import_items_assign(struct store_import *si, char *err)
{
	size_t n = intern_count(&si->items);
	sqlite3_stmt *q = NULL;
	int rc = -1;

	si->item_id = xcalloc(n + 1, sizeof *si->item_id);
	if (store_prepare(si->st, "SELECT coalesce(max(id), 0) FROM item", &q, err))
		goto out;
	if (sqlite3_step(q) == SQLITE_ROW)
		si->item_maxid = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	q = NULL;
	if (si->task_exists && si_items_find(si, n, err))
		goto out;
	if (si_check_pred_items(si, err))
		goto out;
	/* New items get ids in the byte order of their external ids, so that the
	 * rows and the (task, external_id) index are both appended to in order
	 * instead of split at random places. */
	si->new_items = xmalloc((n + 1) * sizeof *si->new_items);
	for (size_t i = 0; i < n; i++) {
		if (!si->item_id[i])
			si->new_items[si->nnew++] = (uint32_t)i;
	}
	store_import_sort_names(&si->items, si->new_items, si->nnew);
	for (size_t k = 0; k < si->nnew; k++)
		si->item_id[si->new_items[k]] = si->item_maxid + 1 + (int64_t)k;
	rc = 0;
out:
	sqlite3_finalize(q);
	return rc;
}

static void si_item_column(void *ctx, size_t row, int col, sqlite3_context *out)
{
	const struct store_import *si = ctx;
	uint32_t i = si->new_items[row];
	const char *t = NULL;
	switch (col) {
	case 0:
		sqlite3_result_int64(out, si->item_id[i]);
		return;
	case 1:
		t = intern_str(&si->items, i);
		break;
	case 2:
		t = store_import_strings_get(si, &si->item_text, i);
		break;
	case 3:
		t = store_import_strings_get(si, &si->item_meta, i);
		break;
	}
	if (t)
		sqlite3_result_text(out, t, -1, SQLITE_STATIC);
	else
		sqlite3_result_null(out);
}

int store_import_items_insert(struct store_import *si, struct import_result *res, char *err)
{
	size_t n = intern_count(&si->items);
	sqlite3_stmt *upd = NULL;
	int rc = -1;

	if (store_prepare(si->st,
			  "UPDATE item SET text = coalesce(?, text), meta = coalesce(?, meta)"
			  " WHERE id = ?",
			  &upd, err))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *text = store_import_strings_get(si, &si->item_text, i);
		const char *meta = store_import_strings_get(si, &si->item_meta, i);
		if (si->item_id[i] > si->item_maxid || (!text && !meta))
			continue;
		sqlite3_reset(upd);
		sqlite3_bind_text(upd, 1, text, -1, SQLITE_STATIC);
		sqlite3_bind_text(upd, 2, meta, -1, SQLITE_STATIC);
		sqlite3_bind_int64(upd, 3, si->item_id[i]);
		if (sqlite3_step(upd) != SQLITE_DONE) {
			store_fail(si->st, err, "update item");
			goto out;
		}
		res->n.items_updated++;
	}
	if (si->nnew) {
		struct store_rows rows = {0};
		struct sbuf sql = {0};
		int src;
		rows.schema = "CREATE TABLE x(id INTEGER, external_id TEXT, text TEXT, meta TEXT)";
		rows.n = si->nnew;
		rows.ctx = si;
		rows.column = si_item_column;
		sbuf_addf(&sql,
			  "INSERT INTO item(id, task, external_id, text, meta)"
			  " SELECT id, %lld, external_id, text, meta FROM " STORE_ROWS,
			  (long long)si->task.id);
		src = store_rows_run(si->st, &rows, sql.s, "import", err);
		sbuf_free(&sql);
		if (src != SQLITE_DONE) {
			if (src != SQLITE_ERROR)
				store_fail(si->st, err, "add items");
			goto out;
		}
		res->n.items_added = (long)si->nnew;
	}
	res->n.items_seen = (long)n;
	rc = 0;
out:
	sqlite3_finalize(upd);
	return rc;
}
