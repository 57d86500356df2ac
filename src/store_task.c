/*
 * store_task: the tasks of a project and their labels, read into struct
 * store_task (declared in store.h with the rest of the store's core).
 */
#include "config.h"

#include "store.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void store_task_free(struct store_task *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nlabels; i++) {
		free(t->labels[i].value);
		free(t->labels[i].name);
		free(t->labels[i].key);
	}
	free(t->labels);
	free(t->name);
	memset(t, 0, sizeof *t);
}

static int label_by_ord(const void *pa, const void *pb)
{
	const struct store_label *a = pa, *b = pb;
	if (a->ord != b->ord)
		return a->ord < b->ord ? -1 : 1;
	return (a->code > b->code) - (a->code < b->code);
}

static int load_labels(struct store *st, struct store_task *t, char *err)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;
	/* Sorted here, not by ORDER BY: SQLite's sorter copies every row,
	 * values and all, twice more, which a label of tens of megabytes
	 * written before the import limits made cost seconds per load. */
	if (store_prepare(st, "SELECT code, value, name, key, ord FROM label WHERE task = ?", &s,
			  err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_label *l;
		t->labels = xgrow(t->labels, &cap, t->nlabels + 1, sizeof *t->labels);
		l = &t->labels[t->nlabels++];
		l->code = sqlite3_column_int(s, 0);
		l->value = store_col_dup(s, 1);
		l->name = store_col_dup(s, 2);
		l->key = store_col_dup(s, 3);
		l->ord = sqlite3_column_int(s, 4);
		if (util_parse_double(l->value, &l->number))
			l->number = NAN;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "labels");
	if (t->nlabels > 1)
		qsort(t->labels, t->nlabels, sizeof *t->labels, label_by_ord);
	return 0;
}

static void task_from_row(sqlite3_stmt *s, struct store_task *t)
{
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(s, 0);
	t->name = store_col_dup(s, 1);
	if (store_scale_parse((const char *)sqlite3_column_text(s, 2), &t->scale))
		t->scale = SCALE_NOMINAL;
	t->threshold = sqlite3_column_double(s, 3);
	t->declared = sqlite3_column_int(s, 4);
}

int store_task_get(struct store *st, const char *name, struct store_task *out, char *err)
{
	sqlite3_stmt *s;
	int rc, found = 0;
	if (store_prepare(st,
			  "SELECT id, name, scale, threshold, declared FROM task WHERE name = ?",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		task_from_row(s, out);
		found = 1;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "tasks");
	if (found && load_labels(st, out, err)) {
		store_task_free(out);
		return -1;
	}
	return found;
}

int store_task_list(struct store *st, struct store_task **out, size_t *n, char *err)
{
	sqlite3_stmt *s;
	struct store_task *v = NULL;
	size_t cap = 0, cnt = 0;
	int rc;
	if (store_prepare(st, "SELECT id, name, scale, threshold, declared FROM task ORDER BY id",
			  &s, err))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xgrow(v, &cap, cnt + 1, sizeof *v);
		task_from_row(s, &v[cnt++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "tasks");
		goto fail;
	}
	for (size_t i = 0; i < cnt; i++) {
		if (load_labels(st, &v[i], err))
			goto fail;
	}
	*out = v;
	*n = cnt;
	return 0;
fail:
	for (size_t i = 0; i < cnt; i++)
		store_task_free(&v[i]);
	free(v);
	return -1;
}

int store_task_label_index(const struct store_task *t, const char *value)
{
	for (size_t i = 0; i < t->nlabels; i++) {
		if (strcmp(t->labels[i].value, value) == 0)
			return (int)i;
	}
	return -1;
}

int store_task_code_index(const struct store_task *t, int code)
{
	for (size_t i = 0; i < t->nlabels; i++) {
		if (t->labels[i].code == code)
			return (int)i;
	}
	return -1;
}

int64_t store_task_create(struct store *st, const char *name, enum store_scale scale,
			  double threshold, int declared, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st,
			  "INSERT INTO task(name, scale, threshold, declared) VALUES (?, ?, ?, ?)",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, store_scale_name(scale), -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 3, threshold);
	sqlite3_bind_int(s, 4, declared);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "create task");
	return sqlite3_last_insert_rowid(st->db);
}
