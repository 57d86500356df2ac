/*
 * store_trace: the statement log behind GAVEL_SQL_LOG and the query plans
 * tests read (src/store_trace.h). The log comes from SQLite's profile
 * callback, which fires when a statement finishes or is reset, so a query
 * stopped after its first rows is logged too, with the time it took.
 */
#include "config.h"

#include "store_trace.h"

#include <stdlib.h>
#include <string.h>

static int trace_cb(unsigned type, void *ctx, void *p, void *x)
{
	FILE *f = ctx;
	sqlite3_stmt *s = p;
	char *sql;
	const char *text;

	if (type != SQLITE_TRACE_PROFILE)
		return 0;
	sql = sqlite3_expanded_sql(s);
	text = sql ? sql : sqlite3_sql(s);
	fprintf(f, "%.3f\t", (double)*(sqlite3_int64 *)x / 1e6);
	for (const char *c = text ? text : ""; *c; c++)
		fputc(*c == '\n' || *c == '\r' ? ' ' : *c, f);
	fputc('\n', f);
	fflush(f);
	sqlite3_free(sql);
	return 0;
}

void store_trace_start(struct store *st, FILE *f)
{
	if (f)
		sqlite3_trace_v2(st->db, SQLITE_TRACE_PROFILE, trace_cb, f);
	else
		sqlite3_trace_v2(st->db, 0, NULL, NULL);
}

void store_trace_env(struct store *st)
{
	static FILE *log;
	static int tried;
	const char *path = getenv("GAVEL_SQL_LOG");

	if (!path || !*path)
		return;
	if (!tried) {
		tried = 1;
		log = fopen(path, "a");
		if (!log)
			fprintf(stderr, "gavel: GAVEL_SQL_LOG: cannot open %s\n", path);
	}
	if (log)
		store_trace_start(st, log);
}

int store_trace_plan(struct store *st, const char *sql, struct sbuf *out, char *err)
{
	struct sbuf q = {0};
	sqlite3_stmt *s;
	int rc;

	sbuf_addf(&q, "EXPLAIN QUERY PLAN %s", sql);
	rc = store_prepare(st, q.s, &s, err);
	sbuf_free(&q);
	if (rc)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *d = sqlite3_column_text(s, 3);
		sbuf_addf(out, "%s\n", d ? (const char *)d : "");
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "query plan");
}
