/*
 * store_guide: the SQL behind guidelines and the project configuration:
 * guideline versions (append a version, fetch one, count them), the label
 * keys a guideline gives, and the queue definitions and per-task settings
 * that project_apply keeps as JSON in the project(key, value) table, read
 * back with SQLite's JSON functions.
 */
#include "config.h"

#include "store_guide.h"
#include "project.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_guide_count(struct store *st, int64_t task, int64_t *n, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st, "SELECT coalesce(max(version), 0) FROM guideline WHERE task = ?", &s,
			  err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, err, "guidelines");
	return 0;
}

int store_guide_set_key(struct store *st, int64_t task, const char *value, const char *key,
			char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st, "UPDATE label SET key = ? WHERE task = ? AND value = ?", &s, err))
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, task);
	sqlite3_bind_text(s, 3, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "set a label's key");
	return 0;
}

int store_guide_add(struct store *st, int64_t task, const char *declared_version,
		    const char *sha256, const char *yaml, size_t len, const char *path,
		    int64_t *version, char *err)
{
	sqlite3_stmt *s;
	char now[21];
	int64_t v;
	int rc;

	if (store_guide_count(st, task, &v, err))
		return -1;
	v++;
	util_utc_now(now);
	if (store_prepare(st,
			  "INSERT INTO guideline(task, version, declared_version, sha256, yaml,"
			  " path, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	sqlite3_bind_int64(s, 2, v);
	sqlite3_bind_text(s, 3, declared_version, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text64(s, 5, yaml, len, SQLITE_STATIC, SQLITE_UTF8);
	if (path)
		sqlite3_bind_text(s, 6, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "store guideline");
	*version = v;
	return 0;
}

int store_guide_get(struct store *st, int64_t task, int64_t version, struct guide_row *out,
		    char *err)
{
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof *out);
	if (store_prepare(st,
			  "SELECT version, declared_version, sha256, yaml, path, loaded_at"
			  " FROM guideline WHERE task = ?1 AND (?2 = 0 OR version = ?2)"
			  " ORDER BY version DESC LIMIT 1",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	sqlite3_bind_int64(s, 2, version);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *sha = (const char *)sqlite3_column_text(s, 2);
		const void *yaml = sqlite3_column_blob(s, 3);
		out->task = task;
		out->version = sqlite3_column_int64(s, 0);
		out->declared_version = store_col_dup(s, 1);
		snprintf(out->sha256, sizeof out->sha256, "%s", sha ? sha : "");
		out->len = (size_t)sqlite3_column_bytes(s, 3);
		out->yaml = xmalloc(out->len + 1);
		if (out->len)
			memcpy(out->yaml, yaml, out->len);
		out->yaml[out->len] = '\0';
		out->path = store_col_dup(s, 4);
		out->loaded_at = store_col_dup(s, 5);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW)
		return store_fail(st, err, "guidelines");
	return 0;
}

static double dbl_or(sqlite3_stmt *s, int i, double def)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? def : sqlite3_column_double(s, i);
}

int store_guide_queues(struct store *st, struct queue_def **out, size_t *n, char *err)
{
	sqlite3_stmt *s;
	struct queue_def *v = NULL;
	size_t cap = 0, cnt = 0;
	int rc;

	if (store_prepare(st,
			  "SELECT json_extract(j.value, '$.name'), json_extract(j.value, '$.rule'),"
			  " json_extract(j.value, '$.task'), json_extract(j.value, '$.below'),"
			  " json_extract(j.value, '$.min_votes'),"
			  " json_extract(j.value, '$.top_percent'),"
			  " json_extract(j.value, '$.sample'), json_extract(j.value, '$.seed'),"
			  " json_extract(j.value, '$.min_confidence'),"
			  " json_extract(j.value, '$.blind'),"
			  " json_extract(j.value, '$.tiebreaker_not_voter'),"
			  " json_extract(j.value, '$.model')"
			  " FROM project p, json_each(p.value) j"
			  " WHERE p.key = 'queues' AND json_valid(p.value) ORDER BY j.key",
			  &s, err))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct queue_def *q;
		if (sqlite3_column_type(s, 0) == SQLITE_NULL ||
		    sqlite3_column_type(s, 1) == SQLITE_NULL)
			continue;
		v = xgrow(v, &cap, cnt + 1, sizeof *v);
		q = &v[cnt++];
		memset(q, 0, sizeof *q);
		q->name = store_col_dup(s, 0);
		q->rule = store_col_dup(s, 1);
		q->task = store_col_dup(s, 2);
		q->below = dbl_or(s, 3, 0);
		q->min_votes = (int)dbl_or(s, 4, 3);
		q->top_percent = dbl_or(s, 5, 5);
		q->sample = (int)dbl_or(s, 6, 500);
		q->seed = (unsigned long)sqlite3_column_int64(s, 7);
		q->min_confidence = dbl_or(s, 8, 0);
		q->blind = sqlite3_column_int(s, 9);
		q->tiebreaker_not_voter = sqlite3_column_int(s, 10);
		q->model = store_col_dup(s, 11);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		project_queues_free(v, cnt);
		return store_fail(st, err, "queues");
	}
	*out = v;
	*n = cnt;
	return 0;
}

char *store_guide_meta_field(struct store *st, const char *meta, const char *key)
{
	sqlite3_stmt *s;
	char *v = NULL;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT j.value FROM project p, json_each(p.value) j"
			       " WHERE p.key = ?1 AND json_valid(p.value) AND j.key = ?2",
			       -1, &s, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(s, 1, meta, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = store_col_dup(s, 0);
	sqlite3_finalize(s);
	return v;
}
