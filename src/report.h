/*
 * report: the lead's view (src/lead.h) as a document to hand on: Markdown
 * tables for a ticket or a wiki (report_md.c), or one self-contained HTML
 * file with inline CSS and SVG charts that needs nothing from the network,
 * no script, and prints on A4 (report_html.c); and an annotator's feedback
 * sheet in either form. Each names the project, when it was made, gavel's
 * version and the audit head hash (which `gavel audit verify --head` checks
 * later). Text from data is sanitised (no control or bidi character gets
 * through) and escaped for the format, so a name such as
 * "<script>alert(1)</script>" shows as text.
 */
#ifndef GAVEL_REPORT_H
#define GAVEL_REPORT_H

#include "lead.h"
#include "util.h"

/* Append the report of every task of r as Markdown. */
void report_md(struct sbuf *b, const struct lead_report *r);

/* Append an annotator's feedback sheet as Markdown. */
void report_md_feedback(struct sbuf *b, const struct lead_feedback *f);

/* Append the report of every task of r as one HTML document. */
void report_html(struct sbuf *b, const struct lead_report *r);

/* Append an annotator's feedback sheet as one HTML document. */
void report_html_feedback(struct sbuf *b, const struct lead_feedback *f);

#endif
