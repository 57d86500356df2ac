/*
 * store_rows: rows held in memory as an eponymous virtual table, registered
 * on the connection for the duration of one statement. The cursor is the
 * struct's own `cur`, so after a failed INSERT the caller knows the row
 * produced last, which is the offending row when it hit a constraint.
 */
#include "config.h"

#include "store_rows.h"

#include <string.h>

struct rows_vtab {
	sqlite3_vtab base;
	struct store_rows *rows;
};

struct rows_cursor {
	sqlite3_vtab_cursor base;
	struct store_rows *rows;
};

static int rows_vt_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			   sqlite3_vtab **out, char **errmsg)
{
	struct store_rows *rows = aux;
	struct rows_vtab *vt;
	int rc = sqlite3_declare_vtab(db, rows->schema);
	if (rc != SQLITE_OK)
		return rc;
	vt = sqlite3_malloc(sizeof *vt);
	if (!vt)
		return SQLITE_NOMEM;
	memset(vt, 0, sizeof *vt);
	vt->rows = rows;
	*out = &vt->base;
	return SQLITE_OK;
}

static int rows_vt_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

static int rows_vt_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	info->estimatedCost = (double)((struct rows_vtab *)vt)->rows->n;
	info->estimatedRows = (sqlite3_int64)((struct rows_vtab *)vt)->rows->n;
	return SQLITE_OK;
}

static int rows_vt_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	struct rows_cursor *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	c->rows = ((struct rows_vtab *)vt)->rows;
	*out = &c->base;
	return SQLITE_OK;
}

static int rows_vt_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static int rows_vt_filter(sqlite3_vtab_cursor *c, int idx, const char *idxstr, int argc,
			  sqlite3_value **argv)
{
	((struct rows_cursor *)c)->rows->cur = 0;
	return SQLITE_OK;
}

static int rows_vt_next(sqlite3_vtab_cursor *c)
{
	((struct rows_cursor *)c)->rows->cur++;
	return SQLITE_OK;
}

static int rows_vt_eof(sqlite3_vtab_cursor *c)
{
	const struct store_rows *r = ((struct rows_cursor *)c)->rows;
	return r->cur >= r->n;
}

static int rows_vt_column(sqlite3_vtab_cursor *c, sqlite3_context *ctx, int col)
{
	struct store_rows *r = ((struct rows_cursor *)c)->rows;
	r->column(r->ctx, r->cur, col, ctx);
	return SQLITE_OK;
}

static int rows_vt_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct rows_cursor *)c)->rows->cur;
	return SQLITE_OK;
}

static const sqlite3_module rows_module = {
	.iVersion = 1,
	.xConnect = rows_vt_connect,
	.xBestIndex = rows_vt_best_index,
	.xDisconnect = rows_vt_disconnect,
	.xOpen = rows_vt_open,
	.xClose = rows_vt_close,
	.xFilter = rows_vt_filter,
	.xNext = rows_vt_next,
	.xEof = rows_vt_eof,
	.xColumn = rows_vt_column,
	.xRowid = rows_vt_rowid,
};

int store_rows_run(struct store *st, struct store_rows *rows, const char *sql, const char *what,
		   char *err)
{
	sqlite3_stmt *s = NULL;
	int rc;
	if (sqlite3_create_module(st->db, STORE_ROWS, &rows_module, rows) != SQLITE_OK) {
		store_fail(st, err, what);
		return SQLITE_ERROR;
	}
	if (store_prepare(st, sql, &s, err)) {
		rc = SQLITE_ERROR;
		goto done;
	}
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE && rc != SQLITE_CONSTRAINT_PRIMARYKEY &&
	    rc != SQLITE_CONSTRAINT_UNIQUE)
		store_fail(st, err, what);
done:
	sqlite3_finalize(s);
	sqlite3_create_module(st->db, STORE_ROWS, NULL, NULL);
	return rc;
}
