/*
 * import: the import pipeline. It finds formats in the table of formats.h by
 * name, detects a file's format from the extensions, flags and detect
 * functions the formats declare (naming none itself), reads the file
 * once into memory and runs the format's reader into the database sink
 * (src/store_import.h), all inside one write transaction: a bad record
 * rejects the whole file and the database is left unchanged.
 */
#ifndef GAVEL_IMPORT_H
#define GAVEL_IMPORT_H

#include "record.h"
#include "store.h"

#include <stddef.h>

/* Largest file an import reads into memory. */
#define IMPORT_MAX_BYTES ((size_t)4 << 30)

/* What to do with a second vote by the same annotator on the same item
 * (within the file or already stored), a second prediction of the same model
 * for an item, a second decision or a repeated item row. */
enum import_dup {
	IMPORT_DUP_ERROR = 0, /* reject the file */
	IMPORT_DUP_FIRST,     /* keep the one seen first (a stored one counts as first) */
	IMPORT_DUP_LAST,      /* keep the one seen last (replacing a stored one) */
};

struct import_opts {
	enum import_kind kind;
	const char *file;   /* path, or "-" for standard input */
	const char *format; /* format name, or NULL to detect */
	const char *task;   /* NULL: the project's only task, or a new one named after the file */
	int scale_set;	    /* nonzero when --scale was given */
	enum store_scale scale;
	enum import_dup dup;
	const char *model;  /* predictions: the model name (required) */
	const char *expert; /* decisions: the expert name (required) */
	/* Without --task, an existing task whose labels came from data takes
	 * no new ones unless this is set (--new-labels). */
	int new_labels;
	int dry_run; /* do all the work and report it, then write nothing */
	/* Votes: the annotator of the whole file (--annotator). Records need
	 * not name one; a file naming two different ones is refused. */
	const char *annotator;
	/* CSV and TSV without a header: its column names in order, separated
	 * by commas (--columns), as a header row would give them. */
	const char *columns;
	/* Predictions: create the items the task lacks (--new-items); without
	 * it a prediction for an unknown item rejects the file. */
	int new_items;
};

/* What an import did, for the summary line and the audit event. */
struct import_counts {
	long records;	     /* records read from the file */
	long votes;	     /* votes added (or replacing stored ones with --duplicates last) */
	long items_added;    /* items created */
	long items_updated;  /* existing items whose text or metadata changed */
	long items_seen;     /* distinct items the file names */
	long predictions;    /* predictions stored */
	long decisions;	     /* decisions stored */
	long duplicates;     /* duplicate records dropped by --duplicates first|last */
	long labels_created; /* labels added to the task */
	long labels;	     /* labels of the task after the import */
	long annotators;     /* distinct annotators in the file */
	long annotators_added;
};

struct import_result {
	struct import_counts n;
	/* What the reader passed over, e.g. "2 draft responses, 1 taxonomy
	 * result for 'topic'" (unsanitised), or "". */
	char skipped[512];
	/* The labels this import adds to the task, in label order, separated by
	 * ", " (unsanitised), or "". */
	char new_labels[512];
	/* Predictions: the models they were stored under, "'a', 'b'"
	 * (unsanitised): the file's own model names (an Argilla agent, a Label
	 * Studio model_version) where it gives them, else --model. */
	char models[256];
	int nmodels;
	char task[256];	  /* the task imported into (unsanitised) */
	char format[32];  /* the format used */
	char sha256[65];  /* of the file's bytes */
	int task_created; /* 1 when the task was created by this import */
};

/* Status codes of import_file and import_buffer besides 0. */
enum { IMPORT_FAIL = -1, IMPORT_USAGE = -2 };

/* The format called name (csv, tsv, jsonl, labelstudio, ...), or NULL. */
const struct fmt *import_format_find(const char *name);

/* The formats' names separated by '|' for usage texts ("csv|tsv|..."). */
const char *import_format_names(void);

/*
 * Pick the format of buf for an import of this kind: the only format whose
 * detect accepts the content, narrowed by the file name's extension when
 * several do; a known extension alone when no detector is sure. Returns the
 * format, or NULL with err saying that --format is needed.
 */
const struct fmt *import_detect(const char *file, const char *buf, size_t len,
				enum import_kind kind, char *err);

/*
 * Import buf[0..len) (the content of o->file) into the project in one
 * transaction: detect or look up the format, resolve the task, run the reader
 * into the database sink, append the audit event, refresh the item summaries
 * and commit (with o->dry_run, roll back after the same work: *res is what
 * the import would do). On any error nothing is written. Returns 0 with *res filled,
 * IMPORT_FAIL (bad input or database error) or IMPORT_USAGE (the command line
 * must say more: --format, --task, --model, --expert) with err filled;
 * messages about data are "file:line[:col]: what is wrong", sanitised.
 */
int import_buffer(struct store *st, const struct import_opts *o, const char *buf, size_t len,
		  struct import_result *res, char *err);

/* How messages name standard input (FILE "-"). */
#define IMPORT_STDIN_NAME "<stdin>"

/*
 * import_buffer on the content of o->file (at most IMPORT_MAX_BYTES): a
 * regular file is mapped; standard input ("-", named IMPORT_STDIN_NAME in
 * messages and in the audit event), a pipe or a device is first copied in
 * chunks to an unlinked temporary file (TMPDIR, else beside the project),
 * which is mapped, so that memory stays bounded whatever the input's size.
 */
int import_file(struct store *st, const struct import_opts *o, struct import_result *res,
		char *err);

/*
 * Fill err with "file:line:col: " (":col" left out when col is 0, "line:" too
 * when line is 0) and the printf-style message, the whole text passed through
 * text_clean so that quoted data cannot reach a terminal raw. Returns -1.
 */
int import_errf(char *err, const char *file, long line, long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * A short copy of data for a message: at most 60 bytes cut at a character
 * boundary, with "..." when cut. out must hold 64 bytes. Returns out.
 */
const char *import_snip(const char *s, char out[64]);

#endif
