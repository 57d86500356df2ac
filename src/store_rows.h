/*
 * store_rows: rows held in memory, offered to SQLite as a table for one
 * statement, so that a bulk write is one INSERT ... SELECT instead of a
 * step/reset/bind loop per row.
 *
 * A step/reset/bind loop costs about 0.7 us per row on top of the B-tree
 * insert itself: for 4M votes that is 2.5 more seconds than one
 * INSERT ... SELECT, which runs the insert program in a single step. The
 * importer writes its new items and its item_votes rows this way.
 */
#ifndef GAVEL_STORE_ROWS_H
#define GAVEL_STORE_ROWS_H

#include "store.h"

#include <stddef.h>

/* The name the statement reads the rows by: "... FROM " STORE_ROWS. */
#define STORE_ROWS "gavel_rows"

struct store_rows {
	const char *schema; /* CREATE TABLE x(...) declaring the columns */
	size_t n;	    /* rows */
	size_t cur;	    /* the row the cursor is on */
	void *ctx;	    /* the column function's own state */
	/* Set the value of column col of row row with sqlite3_result_*. Rows
	 * are asked for in order, each row's columns before the next row's, and
	 * a text given as SQLITE_STATIC must stay put until the next row. */
	void (*column)(void *ctx, size_t row, int col, sqlite3_context *out);
};

/*
 * Run sql, which reads the rows from the table STORE_ROWS, once (inside the
 * caller's transaction). Returns the sqlite3_step result: SQLITE_DONE on
 * success; SQLITE_CONSTRAINT_PRIMARYKEY or SQLITE_CONSTRAINT_UNIQUE for the
 * caller to explain, with rows->cur the row produced last (the offending
 * one); any other code with err filled ("what: SQLite's message").
 */
int store_rows_run(struct store *st, struct store_rows *rows, const char *sql, const char *what,
		   char *err);

#endif
