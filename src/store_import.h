/*
 * store_import: the database sink of the import pipeline. It resolves the
 * task, collects records in memory (strings interned, votes as integer
 * tuples), checks them against the task's label set and against duplicates,
 * and on commit writes everything in key order with prepared statements,
 * appends the "import" audit event and refreshes the item summaries, all in
 * the one write transaction opened by store_import_open.
 */
#ifndef GAVEL_STORE_IMPORT_H
#define GAVEL_STORE_IMPORT_H

#include "import.h"
#include "record.h"
#include "store.h"

struct store_import;

struct store_import_opts {
	enum import_kind kind;
	const char *file;   /* the file name for messages and the audit event */
	const char *stem;   /* task name to use when there is no task at all */
	const char *sha256; /* of the file's bytes, for the audit event */
	/* When set, called before sha256 is read (it may still be computed on
	 * another thread while the rows are written). */
	void (*sha256_wait)(void *ctx);
	void *sha256_ctx;
	const char *format; /* the format's name, for the audit event */
	const char *reads;  /* what the format reads for this kind, for the message
			     * when the file gives nothing to import */
	const char *task;   /* the task to import into, or NULL */
	int task_given;	    /* the user named the task (--task) */
	int new_labels;	    /* --new-labels: a task whose labels came from data may get more */
	int dry_run;	    /* do everything, then roll back instead of committing */
	int scale_set;
	enum store_scale scale;
	enum import_dup dup;
	const char *model;     /* predictions */
	const char *expert;    /* decisions */
	const char *annotator; /* votes: --annotator, the annotator of every vote */
	int new_items;	       /* predictions: create the items the task lacks */
	size_t bytes;	       /* the file's size: past the memory budget's share, the
				* file is streamed through sorted runs */
};

/*
 * Begin the write transaction (BEGIN IMMEDIATE) and resolve the task: o->task,
 * else the project's only task, else a new task named o->stem (created on
 * commit). Returns 0 with *out set, IMPORT_USAGE when the project has several
 * tasks and none was named, or IMPORT_FAIL; on failure nothing stays open.
 */
int store_import_open(struct store *st, const struct store_import_opts *o,
		      struct store_import **out, char *err);

/* The sink that collects records into si. Its put checks each record as it
 * comes (labels against a declared set, duplicates within the file, the
 * predictions' probabilities) and fails with "file:line:col: ..."; its passed_over
 * counts what the reader passed over, for the summary and for the message
 * when the file gives nothing of the kind imported. */
struct sink store_import_sink(struct store_import *si);

/*
 * Write what was collected, append the audit event(s), refresh the item
 * summaries and COMMIT (ROLLBACK for a dry run, after the same work, so that
 * its counts are the real import's). A file that gave no record of the kind
 * imported (no votes for a votes import, ...) is an error naming what the
 * reader passed over and what the format reads; so is a file bringing new
 * labels to an existing task whose labels came from data, unless the task
 * was named or o->new_labels is set, and a predictions file naming an item
 * the task lacks, unless o->new_items is set. Returns 0 with *res filled (its sha256
 * and format are left to the caller), or IMPORT_FAIL with the transaction
 * rolled back.
 */
int store_import_commit(struct store_import *si, struct import_result *res, char *err);

/* The import's memory budget in bytes (GAVEL_IMPORT_MEM, default 96M). */
size_t store_import_spill_mem(void);

/* Roll back unless committed, and free si (NULL is fine). */
void store_import_free(struct store_import *si);

#endif
