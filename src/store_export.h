/*
 * store_export: final training labels, one row per labelled item, with where the
 * label came from and how much it can be trusted.
 */
#ifndef GAVEL_STORE_EXPORT_H
#define GAVEL_STORE_EXPORT_H

#include "store.h"
#include "util.h"

#include <stdio.h>

enum export_format { EXPORT_CSV, EXPORT_JSONL };

/* What the weight column holds (see store_export_write). */
enum export_weights { WEIGHTS_EXPERT, WEIGHTS_DS, WEIGHTS_AGREEMENT };

struct export_opts {
	const char *task; /* one task, or NULL for all */
	enum export_format format;
	enum export_weights weights;
	int no_ds; /* 1: final labels from plurality, not Dawid-Skene */
};

/*
 * One exported item. The final label is the current expert decision when
 * there is one (source "expert"), otherwise the Dawid-Skene label (source
 * "ds"; expert decisions count in DS as known truth), or with no_ds the
 * plurality of the votes (source "plurality"). Plurality ties go to the label
 * first in the task's label order; `majority` is the plurality label only
 * when it is unique, else NULL. ds_posterior is DS's posterior probability of
 * the final label. effective_confidence discounts the model's stated
 * confidence by how reliable the task's labels are (see src/model.h).
 */
struct export_row {
	const char *item, *task, *label, *source, *plurality, *majority, *votes;
	const char *ds_label, *expert, *reason, *decided_at;
	double weight, agreement, ds_posterior; /* NAN where they do not apply */
	double model_confidence;     /* the most confident model's top probability, or NAN */
	double effective_confidence; /* model_confidence x the task's label accuracy q */
	int nvotes;
	long guideline_version; /* 0 when none */
};

/*
 * Where an export came from, for a reader to trace it back: kept out of the
 * data (a comment or header record breaks csv readers, spreadsheets and
 * pandas) and given on standard error and in a sidecar file instead.
 */
struct export_meta {
	char *project;        /* the project's name, or NULL when it has none */
	char exported_at[21]; /* UTC, "2026-11-28T03:24:26Z" */
	char audit_head[65];  /* the audit head of the state exported */
	char sha256[65];      /* hex SHA-256 of every byte written to out */
	long rows, skipped;
};

/*
 * Write every labelled item of one task (or all tasks) to out: CSV starts
 * with its header row, JSONL holds one object per item and nothing else.
 * Weights:
 * WEIGHTS_EXPERT (the default): an expert decision weighs the project's
 * expert weight (1 unless set), any other label its DS posterior (its
 * plurality share with no_ds); WEIGHTS_DS: the DS posterior of the final label
 * for every item (1 for decided items, which DS takes as known);
 * WEIGHTS_AGREEMENT: the share of the item's votes that chose the final
 * label (0 when no vote did). Items with neither votes nor a decision are
 * skipped and counted. CSV text cells that a spreadsheet would run as a
 * formula (starting with = + - @ tab or CR, unless the cell is a number) get
 * a leading '. The head and the rows are read in one read transaction, so m
 * describes exactly the state written; m is filled on success (free with
 * store_export_meta_free). Returns the number of rows written, or -1 with err
 * filled.
 */
long store_export_write(struct store *st, const struct export_opts *o, FILE *out,
		  struct export_meta *m, char *err);

void store_export_meta_free(struct export_meta *m);

/*
 * The spreadsheet guard of the CSV export. A text cell a spreadsheet would
 * run as a formula, one starting with = + - @ tab or CR that is not a plain
 * decimal number such as -1 or +2.5e3, is written with a leading '; so is a
 * cell starting with ' followed by one of those or by another ', so that the
 * guard can be undone exactly: a reader that wants the original text drops
 * the first ' of every cell that starts with ' and then one of = + - @ tab
 * CR '. export_csv_guarded says whether s gets the '.
 */
int export_csv_guarded(const char *s);

/*
 * Append s as one CSV cell (nothing for NULL): guarded as above, quoted when
 * guarded or holding a comma, quote, CR or LF, quotes doubled (RFC 4180).
 */
void export_csv_cell(struct sbuf *b, const char *s);

/*
 * Append the sidecar record of an export written to data_file, one JSON
 * object and a newline: {"project","exported_at","audit_head","file",
 * "sha256","format","task","weights","ds","rows","skipped"}, strings from
 * data escaped as \uXXXX. file is data_file's last path component, so the
 * pair can move together.
 */
void store_export_meta_json(struct sbuf *b, const struct export_meta *m, const struct export_opts *o,
		      const char *data_file);

#endif
