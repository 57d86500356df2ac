/*
 * report_part: the parts of a report that Markdown (report_md.c) and HTML
 * (report_html.c) share, written once over a small table of markup: how a
 * string from data is escaped, how a table opens, how a row and its cells
 * are opened and closed, and the few marks a cell or a paragraph carries.
 * A table's rows, the label-errors paragraph and the cluster list walk the
 * lead's view here; what differs between the formats (headings, prose,
 * charts, the summary's layout) stays in the format's own file.
 */
#ifndef GAVEL_REPORT_PART_H
#define GAVEL_REPORT_PART_H

#include "lead.h"
#include "util.h"

/*
 * A cell's kind, which a format may show (HTML sets its class) or ignore
 * (Markdown's alignment is in the table's head).
 */
enum report_cell {
	REPORT_CELL_TEXT, /* text, aligned left */
	REPORT_CELL_NUM,  /* a figure, aligned right */
	REPORT_CELL_PARA, /* an item's text, which may be long */
	REPORT_CELLS
};

/*
 * One format's markup. A table is head(...), its rows and table_end; a row
 * is row[kind of its first cell], then cell[kind] before each further
 * cell, then row_end. The strings are written as they are; the pairs are
 * an opening and a closing.
 */
struct report_markup {
	/* a string from data on one line, sanitised and escaped */
	void (*text)(struct sbuf *b, const char *s);
	/* an item's text, whose line breaks the format keeps or folds */
	void (*long_text)(struct sbuf *b, const char *s);
	/* a table's opening and head: cols ends with NULL, align holds 'n'
	 * (a figure) or 't' (text) for each */
	void (*head)(struct sbuf *b, const char *const *cols, const char *align);
	/* a paragraph's opening, with the HTML class it would have */
	void (*para_open)(struct sbuf *b, const char *cls);
	/* an annotator's trend: values in [0, 1], NaN where there is none */
	void (*trend)(struct sbuf *b, const double *v, size_t n);
	const char *row[REPORT_CELLS], *cell[REPORT_CELLS];
	const char *row_end, *table_end, *para_end;
	const char *strong[2]; /* a paragraph's lead words */
	const char *pick[2];   /* the value a row is about */
	const char *aside[2];  /* our words in a cell of data */
};

/* c as an HTML entity when it is <, > or &, which both formats escape
 * (Markdown renderers pass HTML through): 1 when written, else 0. */
int report_part_entity(struct sbuf *b, char c);

/* A figure with `decimals` decimals, or a dash when it is not finite. */
void report_part_num(struct sbuf *b, double v, int decimals);

/* "k of n (p%)" of the decided items whose strict majority the expert
 * overturned, or a dash when none is decided. */
void report_part_overturned(struct sbuf *b, const struct lead_task *t);

/* Undecided items whose Dawid-Skene label is not their plurality, or a dash
 * when Dawid-Skene did not run. */
void report_part_ds_differs(struct sbuf *b, const struct lead_task *t);

/*
 * An annotator's record as cells: votes, agreement, vs experts, decided, its
 * interval, DS accuracy and the label they over-use. The caller has opened
 * the first (a figure's) cell and closes the last (text).
 */
void report_part_record(const struct report_markup *m, struct sbuf *b, const struct lead_task *t,
			const struct lead_annotator *x);

/*
 * The tables: each writes its head, its rows and table_end. Where the
 * formats name the columns alike the names are here; the Annotators and
 * the per-bucket tables take the format's own (cols ends with NULL, align
 * as in head).
 */

/* Per label: votes, agreement, what it is confused with, overturns, flags. */
void report_part_labels(const struct report_markup *m, struct sbuf *b, const struct lead_task *t);

/* Per annotator: the name, the record (report_part_record) and the trend;
 * nine columns. */
void report_part_annotators(const struct report_markup *m, struct sbuf *b,
			    const struct lead_task *t, const char *const *cols, const char *align);

/* Per bucket (week or import): name, start, items, compared, agreement. */
void report_part_buckets(const struct report_markup *m, struct sbuf *b, const struct lead_task *t,
			 const char *const *cols);

/* Per guideline rule cited: decisions, with a majority, overturned, flags. */
void report_part_rules(const struct report_markup *m, struct sbuf *b, const struct lead_task *t);

/* A feedback sheet's items an expert decided against the annotator's vote. */
void report_part_overruled(const struct report_markup *m, struct sbuf *b,
			   const struct lead_feedback_task *ft);

/* The paragraph of the task's label errors; nothing when t has none. */
void report_part_labelerr(const struct report_markup *m, struct sbuf *b, const struct lead_task *t);

/* The pairs' annotators by cluster: names joined by ", " within a cluster
 * and "; " between clusters. */
void report_part_clusters(const struct report_markup *m, struct sbuf *b, const struct lead_task *t);

#endif
