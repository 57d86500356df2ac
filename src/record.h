/*
 * record: the one record type every importer produces and every sink
 * consumes, and the source/sink interface between them. A format reader is a
 * pure function over a buffer that calls sink->put once per record; it knows
 * nothing about the database. A new format is one new file (src/fmt_*.c) with
 * one `struct fmt` entry.
 */
#ifndef GAVEL_RECORD_H
#define GAVEL_RECORD_H

#include <stddef.h>

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

	/* REC_PREDICTION: either a full distribution (nprobs > 0: labels[i] has
	 * probability probs[i]) or only the top label with its confidence. */
	const char *model;
	size_t nprobs;
	const char *const *prob_labels;
	const double *probs;
	double confidence; /* top label's probability when nprobs == 0 */
};

/* Where records go. put returns 0, or -1 with err filled (the import stops). */
struct sink {
	void *ctx;
	int (*put)(void *ctx, const struct rec *r, char *err);
};

/* What the user asked to import. */
enum import_kind { IMPORT_VOTES, IMPORT_ITEMS, IMPORT_PREDICTIONS, IMPORT_DECISIONS };

/*
 * A format reader. detect returns nonzero when the buffer unmistakably has
 * this format for this kind of import. read parses buf[0..len) (which may hold
 * NUL bytes: they are an error with a position) and calls sink->put per record;
 * errors are "file:line:col: what is wrong" in err, with data sanitised.
 */
struct fmt {
	const char *name; /* csv, tsv, labelstudio, labelstudio-min, prodigy, argilla, jsonl */
	unsigned kinds;   /* bit mask of 1 << enum import_kind this format can carry */
	int (*detect)(const char *buf, size_t len, enum import_kind kind);
	int (*read)(const char *file, const char *buf, size_t len, enum import_kind kind,
		    struct sink *sink, char *err);
};

#endif
