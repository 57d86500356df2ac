/*
 * export: final training labels, one row per labelled item, with where the
 * label came from and how much it can be trusted.
 */
#ifndef GAVEL_EXPORT_H
#define GAVEL_EXPORT_H

#include "store.h"

#include <stdio.h>

enum export_format { EXPORT_CSV, EXPORT_JSONL };

/*
 * One exported item. The final label is the current expert decision when
 * there is one (source "expert", weight = the project's expert weight),
 * otherwise the plurality of the votes (source "plurality", weight = the
 * plurality share n_top / n). Ties go to the label first in the task's label
 * order; `majority` is the plurality label only when it is unique, else NULL.
 */
struct export_row {
	const char *item, *task, *label, *source, *majority, *votes;
	const char *expert, *reason, *decided_at;
	double weight, agreement; /* agreement NAN with fewer than 2 votes */
	int nvotes;
	long guideline_version; /* 0 when none */
};

/*
 * Write every labelled item of one task (or all tasks when task is NULL) to
 * out. The first line carries the project name, the export time and the audit
 * head hash (CSV: a "# " comment line; JSONL: a {"gavel_export": {...}}
 * object). Items with neither votes nor a decision are skipped and counted
 * in *skipped. CSV text cells that a spreadsheet would run as a formula
 * (starting with = + - @ tab or CR, unless the cell is a number) get a
 * leading '. Returns the number of rows written, or -1 with err filled.
 */
long export_write(struct store *st, const char *task, enum export_format fmt, FILE *out,
		  long *skipped, char *err);

#endif
