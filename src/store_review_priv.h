/*
 * store_review_priv: what the three files of the review screen's store
 * (src/store_review.c, store_review_item.c, store_review_write.c) share:
 * the SQL for the current time and for a vote-count summary, and small
 * column readers. Only those files include it.
 */
#ifndef GAVEL_STORE_REVIEW_PRIV_H
#define GAVEL_STORE_REVIEW_PRIV_H

#include "store_review.h"
#include "util.h"

#include <math.h>

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

static inline double col_dbl(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

/* "{\"neg\":2,\"pos\":1}" -> "neg:2 pos:1" using SQLite's JSON reader. */
static inline int counts_summary(sqlite3_stmt *s, const char *json, char **out)
{
	sqlite3_reset(s);
	if (sqlite3_bind_text(s, 1, json ? json : "{}", -1, SQLITE_TRANSIENT) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) != SQLITE_ROW || !sqlite3_column_text(s, 0))
		return -1; /* the statement's error: the caller reports it */
	*out = xstrdup((const char *)sqlite3_column_text(s, 0));
	return 0;
}

#define COUNTS_SQL "SELECT COALESCE(group_concat(key || ':' || value, ' '), '') FROM json_each(?)"

#endif
