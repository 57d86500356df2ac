/*
 * record: the one record type every importer produces and every sink
 * consumes, and the source/sink interface between them. A format reader is a
 * pure function over a buffer that calls sink->put once per record; it knows
 * nothing about the database. A new format is one new file (src/fmt_*.c)
 * defining its `struct fmt`, and one line in the table of formats.h.
 */
#ifndef GAVEL_RECORD_H
#define GAVEL_RECORD_H

#include <stddef.h>
#include <string.h>

enum rec_kind {
	REC_VOTE,       /* one annotator's label on one item (may carry item text) */
	REC_ITEM,       /* an item's text and metadata */
	REC_PREDICTION, /* a model's prediction for an item */
	REC_DECISION,   /* an existing expert or gold label */
};

/*
 * One record. Every pointer is borrowed and valid only during the put call;
 * the sink copies what it keeps. NULL means "absent" for every optional field.
 */
struct rec {
	enum rec_kind kind;
	const char *file; /* source file name, for messages */
	long line, col;   /* 1-based position of the record (or offending field) */

	const char *item;      /* external item id (required) */
	const char *task;      /* task named by the record itself, if the format has one */
	const char *annotator; /* REC_VOTE */
	const char *label;     /* REC_VOTE, REC_DECISION; REC_PREDICTION top label */
	const char *at;        /* ISO-8601 time, if the source has one */
	const char *comment;   /* annotator's comment on a vote */
	const char *text;      /* item text (REC_ITEM, or carried by REC_VOTE) */
	const char *meta;      /* item metadata as a JSON object text */
	const char *reason;    /* REC_DECISION */
	/* The byte lengths of item, annotator and label when the reader knows
	 * them (the CSV reader does), else 0: rec_len counts them then. A sink
	 * that sets one of those strings sets its length or 0 with it. */
	size_t item_len, annotator_len, label_len;
	/* The byte offset just past the record in the reader's buffer when the
	 * reader knows it (the CSV reader does), else 0. */
	size_t end;

	/* REC_PREDICTION: either a full distribution (nprobs > 0: labels[i] has
	 * probability probs[i]) or only the top label with its confidence. */
	const char *model;
	size_t nprobs;
	const char *const *prob_labels;
	const double *probs;
	double confidence; /* top label's probability when nprobs == 0 */
};

/* The length of a record's string s given as len (0: not known). */
static inline size_t rec_len(const char *s, size_t len)
{
	return len || !s ? len : strlen(s);
}

/*
 * Where records go. put returns 0, or -1 with err filled (the import stops).
 * passed_over (NULL when the sink does not care) hears of each part of the
 * file a reader passed over because gavel cannot use it, so that a file
 * giving nothing can say what it held instead: task is the question it
 * answers (NULL when unknown), what a countable noun such as "taxonomy
 * result", optionally followed by a note in parentheses. Both strings are
 * borrowed for the call only.
 */
struct sink {
	void *ctx;
	int (*put)(void *ctx, const struct rec *r, char *err);
	void (*passed_over)(void *ctx, const char *task, const char *what);
};

/* Tell s that the reader passed something over (see struct sink). */
static inline void record_skip(struct sink *s, const char *task, const char *what)
{
	if (s->passed_over)
		s->passed_over(s->ctx, task, what);
}

/* What the user asked to import. */
enum import_kind { IMPORT_VOTES, IMPORT_ITEMS, IMPORT_PREDICTIONS, IMPORT_DECISIONS };

#define IMPORT_NKINDS (IMPORT_DECISIONS + 1)

/* The name of an import kind ("votes", "items", ...), as messages and the
 * import event say it. */
static inline const char *import_kind_name(enum import_kind k)
{
	static const char *const names[] = {
		[IMPORT_VOTES] = "votes",
		[IMPORT_ITEMS] = "items",
		[IMPORT_PREDICTIONS] = "predictions",
		[IMPORT_DECISIONS] = "decisions",
	};
	return (unsigned)k < IMPORT_NKINDS ? names[k] : "?";
}

/*
 * What the command line tells a reader; a NULL pointer to it, or NULL
 * members, mean nothing was said.
 */
struct fmt_opts {
	/* --task: the question the import keeps. A reader that must pick one
	 * of a record's fields as its label (Label Studio JSON_MIN) picks this
	 * one; the others need not look at it, since the pipeline filters. */
	const char *task;
	/* --annotator: the annotator of every vote in the file. Records then
	 * need not name one (the database sink applies it to every vote). */
	const char *annotator;
	/* --columns: for CSV and TSV files without a header row, the
	 * comma-separated names of their columns, in order. */
	const char *columns;
};

/* What a format is, besides its kinds (struct fmt's flags). */
enum fmt_flag {
	/* Its first row names the columns, and --columns names them instead
	 * for a file without that row. */
	FMT_HEADER = 1u << 0,
	/* A text format whose reader says precisely what is wrong: when no
	 * format's detect accepts a file, its extension alone picks this one. */
	FMT_BY_EXT = 1u << 1,
};

/* The most extensions a format lists (struct fmt's exts). */
#define FMT_MAX_EXTS 4

/*
 * A format reader. detect returns nonzero when the buffer unmistakably has
 * this format for this kind of import. read parses buf[0..len) (which may hold
 * NUL bytes: they are an error with a position) with the options opts (may be
 * NULL) and calls sink->put per record; errors are "file:line:col: what is
 * wrong" in err, with data sanitised. names_tasks, when set, says whether the
 * records of this buffer may name their task (rec.task): the pipeline then
 * reads the file twice, once to collect the names; NULL means they may.
 * Everything the pipeline knows of a format is here: a new format is its own
 * src/fmt_*.c file and one line in GAVEL_FORMATS (formats.h).
 */
struct fmt {
	const char *name; /* its --format name: csv, tsv, jsonl, labelstudio, ... */
	unsigned kinds;   /* bit mask of 1 << enum import_kind this format can carry */
	unsigned flags;   /* enum fmt_flag bits */
	/* File name extensions (without the dot, compared ignoring case) that
	 * name this format, ended by NULL: when several formats accept a
	 * file's content, the extension picks among them. */
	const char *exts[FMT_MAX_EXTS];
	/* Per kind: what the reader takes from a file, for the message when a
	 * file gives nothing to import ("\"choices\" results with one choice"). */
	const char *reads[IMPORT_NKINDS];
	int (*detect)(const char *buf, size_t len, enum import_kind kind);
	int (*read)(const char *file, const char *buf, size_t len, enum import_kind kind,
		    const struct fmt_opts *opts, struct sink *sink, char *err);
	int (*names_tasks)(const char *buf, size_t len, enum import_kind kind,
			   const struct fmt_opts *opts);
};

#endif
