/*
 * store_item: items found by their external id (src/store_item.h).
 */
#include "config.h"

#include "store_item.h"
#include "text.h"
#include "util.h"

#include <stdlib.h>

int store_item_find(struct store *st, const char *external_id, const char *task, int64_t *item,
		    char *err)
{
	sqlite3_stmt *s;
	struct sbuf tasks = {0};
	int64_t id = 0;
	int rc, n = 0;
	char *ce = NULL, *ct = NULL;

	if (store_prepare(
		    st,
		    "SELECT i.id, t.name FROM item i JOIN task t ON t.id = i.task"
		    " WHERE i.external_id = ?1 AND (?2 IS NULL OR t.name = ?2) ORDER BY t.name",
		    &s, err))
		return -1;
	sqlite3_bind_text(s, 1, external_id, -1, SQLITE_STATIC);
	if (task)
		sqlite3_bind_text(s, 2, task, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 1);
		id = sqlite3_column_int64(s, 0);
		if (n++)
			sbuf_add(&tasks, ", ");
		sbuf_add(&tasks, name ? name : "");
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "items");
		goto fail;
	}
	ce = text_clean(external_id);
	if (n == 0) {
		if (task) {
			ct = text_clean(task);
			err_set(err, "no item '%s' in task '%s'", ce, ct);
		} else {
			err_set(err, "no item '%s'", ce);
		}
		goto fail;
	}
	if (n > 1) {
		ct = text_clean(tasks.s);
		err_set(err, "item '%s' exists in several tasks (%s): choose one with --task", ce,
			ct);
		goto fail;
	}
	free(ce);
	sbuf_free(&tasks);
	*item = id;
	return 0;
fail:
	free(ce);
	free(ct);
	sbuf_free(&tasks);
	return -1;
}
