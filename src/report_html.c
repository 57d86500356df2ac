/*
 * report_html: the lead's report and the feedback sheet as one HTML file
 * (see report.h). Everything is inline: one <style> block, SVG charts drawn
 * here (heatmaps with a colour ramp and a legend, bar charts, sparklines),
 * system fonts, links only to anchors in the page; there is no script and
 * nothing to fetch, so it opens offline and can be mailed as it is. Print
 * rules set A4 pages, start each task on a new page and keep table rows and
 * charts whole. Every string from data is sanitised and then HTML-escaped.
 * The tables and paragraphs the Markdown report has too are written once, in
 * report_part.c, through the markup table `html`.
 */
#include "config.h"

#include "report.h"
#include "report_part.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char css[] =
	"@page{size:A4;margin:14mm 12mm}"
	"body{font:10pt/1.4 system-ui,-apple-system,'Segoe UI','DejaVu Sans',Arial,sans-serif;"
	"color:#1b1f24;max-width:186mm;margin:0 auto;padding:10px}"
	"h1{font-size:18pt;margin:0 0 4px}"
	"h2{font-size:14pt;margin:18px 0 6px;padding-bottom:3px;border-bottom:2px solid #2c3e50}"
	"h2 small{font-weight:normal;color:#555;font-size:10pt}"
	"h3{font-size:11.5pt;margin:14px 0 4px;color:#2c3e50}"
	"p{margin:4px 0}.meta{color:#444;font-size:9pt}.note{color:#555;font-size:9pt}"
	"code{font:8.5pt ui-monospace,'DejaVu Sans Mono',monospace;word-break:break-all}"
	"table{border-collapse:collapse;margin:4px 0 8px;font-variant-numeric:tabular-nums;"
	"font-size:9pt;max-width:100%}"
	"th,td{border-bottom:1px solid #d8dde3;padding:2px 6px;text-align:left;vertical-align:top}"
	"th{background:#eef1f4;font-weight:600;font-size:8.5pt}"
	"table.kv th{background:none;font-weight:normal;color:#444;text-align:right}"
	"table.kv td{font-weight:700;padding-right:14px}"
	"h3,h2{break-after:avoid}"
	".n{text-align:right;white-space:nowrap}tr,svg,.flag,figure{break-inside:avoid}"
	".flag{background:#fdecea;border-left:5px solid #c0392b;color:#7b1e14;padding:5px 9px;"
	"font-weight:700;margin:6px 0}"
	".ok{background:#eaf5ec;border-left:5px solid #2e7d32;color:#1b4d20;padding:5px 9px;"
	"margin:6px 0}"
	".empty{color:#555;font-style:italic}"
	"figure{margin:6px 0 10px}figcaption{font-size:9pt;color:#444}"
	"svg text{font-family:inherit}"
	"nav{margin:6px 0 10px;font-size:9pt}nav a{margin-right:10px}"
	"section.task{break-before:page}section.task:first-of-type{break-before:auto}"
	"td.text{max-width:70mm}"
	"@media print{nav{display:none}a{color:inherit;text-decoration:none}"
	"body{max-width:none;padding:0}}";

/* A string from data: sanitised, then escaped for HTML text and attributes. */
static void h_text(struct sbuf *b, const char *s)
{
	char *c = text_clean(s ? s : "");
	for (const char *p = c; *p; p++) {
		if (report_part_entity(b, *p))
			continue;
		if (*p == '"')
			sbuf_add(b, "&quot;");
		else if (*p == '\'')
			sbuf_add(b, "&#39;");
		else
			sbuf_addc(b, *p);
	}
	free(c);
}

/* Item text keeps its line breaks: each line sanitised on its own. */
static void h_para(struct sbuf *b, const char *s)
{
	const char *p = s ? s : "";
	for (;;) {
		const char *nl = strchr(p, '\n');
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		size_t n = strlen(line);
		if (n && line[n - 1] == '\r')
			line[n - 1] = 0;
		h_text(b, line);
		free(line);
		if (!nl)
			break;
		sbuf_add(b, "<br>");
		p = nl + 1;
	}
}

/* At most cols columns of a name, for chart labels (the full name goes in a
 * tooltip). */
static void h_short(struct sbuf *b, const char *s, size_t cols)
{
	char *c = text_clean(s ? s : ""), *cut = NULL;
	if (text_width(c) > cols)
		cut = text_fit(c, cols, NULL);
	h_text(b, cut ? cut : c);
	free(cut);
	free(c);
}

static const char *label_value(const struct lead_task *t, int k)
{
	return k >= 0 && (size_t)k < t->task.nlabels ? t->task.labels[k].value : "";
}

/* --- colours --- */

struct rgb {
	double r, g, b;
};

static const struct rgb white = {255, 255, 255}, blue = {33, 102, 172}, red = {178, 24, 43};

static struct rgb mix(struct rgb a, struct rgb c, double t)
{
	struct rgb m = {a.r + (c.r - a.r) * t, a.g + (c.g - a.g) * t, a.b + (c.b - a.b) * t};
	return m;
}

static void h_rgb(struct sbuf *b, struct rgb c)
{
	sbuf_addf(b, "#%02x%02x%02x", (int)lround(c.r), (int)lround(c.g), (int)lround(c.b));
}

/* Kappa on a diverging ramp: red below 0, white at 0, blue towards 1. */
static struct rgb kappa_colour(double k)
{
	if (k < 0)
		return mix(white, red, fmin(1, -k));
	return mix(white, blue, fmin(1, k));
}

/* A count on a sequential ramp, square-root scaled so small counts show. */
static struct rgb count_colour(double c, double most)
{
	return mix(white, blue, most > 0 ? sqrt(c / most) : 0);
}

/* Text on a cell: white on the dark end of the ramp. */
static const char *ink(struct rgb c)
{
	return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b < 140 ? "#fff" : "#1b1f24";
}

/* A horizontal legend: a gradient from `from` through `mid` to `to`, labelled. */
static void legend(struct sbuf *b, const char *id, struct rgb from, struct rgb mid, struct rgb to,
		   const char *lo, const char *centre, const char *hi, const char *what)
{
	sbuf_addf(b,
		  "<svg width=\"320\" height=\"34\" role=\"img\" aria-label=\"legend\">"
		  "<defs><linearGradient id=\"%s\">",
		  id);
	sbuf_add(b, "<stop offset=\"0\" stop-color=\"");
	h_rgb(b, from);
	sbuf_add(b, "\"/><stop offset=\"0.5\" stop-color=\"");
	h_rgb(b, mid);
	sbuf_add(b, "\"/><stop offset=\"1\" stop-color=\"");
	h_rgb(b, to);
	sbuf_addf(b,
		  "\"/></linearGradient></defs><rect x=\"1\" y=\"2\" width=\"160\" height=\"12\" "
		  "fill=\"url(#%s)\" stroke=\"#999\"/>"
		  "<text x=\"1\" y=\"27\" font-size=\"9\">%s</text>"
		  "<text x=\"81\" y=\"27\" font-size=\"9\" text-anchor=\"middle\">%s</text>"
		  "<text x=\"161\" y=\"27\" font-size=\"9\" text-anchor=\"end\">%s</text>"
		  "<text x=\"172\" y=\"12\" font-size=\"9\">",
		  id, lo, centre, hi);
	h_text(b, what);
	sbuf_add(b, "</text></svg>");
}

/* --- charts --- */

/*
 * A square heatmap of n rows and columns named by name(ctx, i). value(ctx,
 * x, y) gives the number and colour(value) its fill; cells show the number
 * when they are big enough, and every cell has it in a tooltip.
 */
struct heat {
	size_t n;
	const char *(*name)(const void *ctx, size_t i);
	double (*value)(const void *ctx, size_t x, size_t y);
	struct rgb (*colour)(const void *ctx, double v);
	int decimals;
	const void *ctx;
	const char *title; /* what a cell is, for the tooltips */
};

static void heatmap(struct sbuf *b, const struct heat *h)
{
	size_t n = h->n, cell = n <= 8 ? 44 : n <= 16 ? 30 : n <= 28 ? 20 : 14, longest = 1;
	size_t left, top, w, ht;
	int show = cell >= 20;

	/* room for the names: about 6 px a column at this size, up to 16 columns */
	for (size_t i = 0; i < n; i++) {
		char *c = text_clean(h->name(h->ctx, i));
		size_t cols = text_width(c);
		free(c);
		longest = cols > longest ? cols : longest;
	}
	longest = longest > 16 ? 16 : longest;
	left = 14 + 6 * longest;
	top = 12 + 5 * longest;
	w = left + n * cell + 4;
	ht = top + n * cell + 4;

	sbuf_addf(b, "<svg width=\"%zu\" height=\"%zu\" viewBox=\"0 0 %zu %zu\" role=\"img\">", w,
		  ht, w, ht);
	for (size_t y = 0; y < n; y++) {
		/* column names, rotated above the columns */
		sbuf_addf(b, "<text font-size=\"9\" transform=\"translate(%zu %zu) rotate(-55)\">",
			  left + y * cell + cell / 2 + 3, top - 4);
		h_short(b, h->name(h->ctx, y), 16);
		sbuf_add(b, "</text>");
	}
	for (size_t x = 0; x < n; x++) {
		sbuf_addf(b, "<text x=\"%zu\" y=\"%zu\" font-size=\"9\" text-anchor=\"end\">",
			  left - 4, top + x * cell + cell / 2 + 3);
		h_short(b, h->name(h->ctx, x), 16);
		sbuf_add(b, "</text>");
		for (size_t y = 0; y < n; y++) {
			double v = h->value(h->ctx, x, y);
			struct rgb c =
				isfinite(v) ? h->colour(h->ctx, v) : (struct rgb){240, 240, 240};
			sbuf_addf(b,
				  "<rect x=\"%zu\" y=\"%zu\" width=\"%zu\" height=\"%zu\" fill=\"",
				  left + y * cell, top + x * cell, cell - 1, cell - 1);
			h_rgb(b, c);
			sbuf_add(b, "\"><title>");
			h_text(b, h->name(h->ctx, x));
			sbuf_add(b, " / ");
			h_text(b, h->name(h->ctx, y));
			sbuf_addf(b, ": %s ", h->title);
			report_part_num(b, v, h->decimals);
			sbuf_add(b, "</title></rect>");
			if (show && isfinite(v)) {
				sbuf_addf(b,
					  "<text x=\"%zu\" y=\"%zu\" font-size=\"%d\" "
					  "text-anchor=\"middle\" fill=\"%s\">",
					  left + y * cell + cell / 2, top + x * cell + cell / 2 + 3,
					  cell >= 30 ? 10 : 8, ink(c));
				report_part_num(b, v, h->decimals);
				sbuf_add(b, "</text>");
			}
		}
	}
	sbuf_add(b, "</svg>");
}

/*
 * A bar chart of n values on [0, max] with a label under each bar (every
 * step-th when they are many) and the value above it; mark > 0 draws a
 * dashed line at that value (the agreement threshold).
 */
static void bars(struct sbuf *b, size_t n, const double *v, const char *const *labels, double max,
		 int decimals, double mark, const char *mark_label)
{
	size_t w = 680, h = 190, left = 36, bottom = 40, top = 14;
	double plot_w = (double)(w - left - 8), plot_h = (double)(h - bottom - top);
	double bw = n ? plot_w / (double)n : plot_w;
	size_t step = n > 24 ? (n + 23) / 24 : 1;

	sbuf_addf(b, "<svg width=\"%zu\" height=\"%zu\" viewBox=\"0 0 %zu %zu\" role=\"img\">", w,
		  h, w, h);
	sbuf_addf(b, "<line x1=\"%zu\" y1=\"%zu\" x2=\"%zu\" y2=\"%zu\" stroke=\"#888\"/>", left,
		  h - bottom, w - 8, h - bottom);
	sbuf_addf(b, "<text x=\"%zu\" y=\"%zu\" font-size=\"9\" text-anchor=\"end\">0</text>",
		  left - 4, h - bottom + 3);
	sbuf_addf(b, "<text x=\"%zu\" y=\"%zu\" font-size=\"9\" text-anchor=\"end\">", left - 4,
		  top + 3);
	report_part_num(b, max, decimals > 0 ? 1 : 0);
	sbuf_add(b, "</text>");
	for (size_t i = 0; i < n; i++) {
		double bh = isfinite(v[i]) && max > 0 ? plot_h * v[i] / max : 0;
		double x = (double)left + bw * (double)i;
		sbuf_addf(b,
			  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			  "fill=\"#3a78b5\"><title>",
			  x + bw * 0.1, (double)(h - bottom) - bh, bw * 0.8, bh);
		h_text(b, labels[i]);
		sbuf_add(b, ": ");
		report_part_num(b, v[i], decimals);
		sbuf_add(b, "</title></rect>");
		if (bw >= 22) {
			sbuf_addf(b,
				  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
				  "text-anchor=\"middle\">",
				  x + bw / 2, (double)(h - bottom) - bh - 3);
			report_part_num(b, v[i], decimals);
			sbuf_add(b, "</text>");
		}
		if (i % step == 0) {
			sbuf_addf(b,
				  "<text font-size=\"8.5\" transform=\"translate(%.1f %zu) "
				  "rotate(%d)\" text-anchor=\"%s\">",
				  x + bw / 2, h - bottom + 12, n > 10 ? -30 : 0,
				  n > 10 ? "end" : "middle");
			h_short(b, labels[i], 18);
			sbuf_add(b, "</text>");
		}
	}
	if (mark > 0 && mark <= max) {
		double y = (double)(h - bottom) - plot_h * mark / max;
		sbuf_addf(b,
			  "<line x1=\"%zu\" y1=\"%.1f\" x2=\"%zu\" y2=\"%.1f\" stroke=\"#c0392b\" "
			  "stroke-dasharray=\"4 3\"/><text x=\"%zu\" y=\"%.1f\" font-size=\"9\" "
			  "fill=\"#c0392b\" text-anchor=\"end\">",
			  left, y, w - 8, y, w - 8, y - 3);
		h_text(b, mark_label);
		sbuf_add(b, "</text>");
	}
	sbuf_add(b, "</svg>");
}

/* A sparkline of values in [0, 1], broken where a value is missing. */
static void sparkline(struct sbuf *b, const double *v, size_t n)
{
	const double w = 110, h = 20;
	int open = 0;
	sbuf_addf(b,
		  "<svg width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\"trend\">"
		  "<line x1=\"0\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#ddd\"/>",
		  w, h, h - 1, w, h - 1);
	for (size_t i = 0; i < n && v; i++) {
		double x = n > 1 ? 2 + (w - 4) * (double)i / (double)(n - 1) : w / 2;
		double y = h - 2 - (h - 4) * (isfinite(v[i]) ? v[i] : 0);
		if (!isfinite(v[i])) {
			if (open)
				sbuf_add(b, "\"/>");
			open = 0;
			continue;
		}
		if (!open)
			sbuf_add(b,
				 "<polyline fill=\"none\" stroke=\"#2166ac\" stroke-width=\"1.4\" "
				 "points=\"");
		sbuf_addf(b, "%s%.1f,%.1f", open ? " " : "", x, y);
		open = 1;
	}
	if (open)
		sbuf_add(b, "\"/>");
	for (size_t i = 0; i < n && v; i++) {
		double x = n > 1 ? 2 + (w - 4) * (double)i / (double)(n - 1) : w / 2;
		if (isfinite(v[i]) && (n == 1 || i + 1 == n))
			sbuf_addf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.8\" fill=\"#2166ac\"/>",
				  x, h - 2 - (h - 4) * v[i]);
	}
	sbuf_add(b, "</svg>");
}

/* --- the document --- */

/* The document up to its body's header: the title (title_a, then the
 * name), the style, the heading and the provenance line (the project, when
 * it was made, gavel's version, the audit head to verify it by). */
static void doc_open(struct sbuf *b, const char *title_a, const char *name, const char *project,
		     const char *at, const char *head)
{
	sbuf_add(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		    "<meta name=\"generator\" content=\"gavel " PACKAGE_VERSION "\"><title>");
	h_text(b, title_a);
	h_text(b, name);
	sbuf_addf(b, "</title><style>%s</style></head>\n<body>\n<header><h1>", css);
	h_text(b, title_a);
	h_text(b, name);
	sbuf_add(b, "</h1>\n<p class=\"meta\">Project <b>");
	h_text(b, project);
	sbuf_addf(b, "</b> · made %s by gavel %s · audit head <code>", at, PACKAGE_VERSION);
	h_text(b, head);
	sbuf_add(b, "</code> (<code>gavel audit verify PROJECT.db --head ");
	h_text(b, head);
	sbuf_add(b, "</code> proves the trail still holds what this reports on)</p>\n</header>\n");
}

static void th(struct sbuf *b, const char *const *cols, const char *numeric)
{
	sbuf_add(b, "<table><thead><tr>");
	for (size_t i = 0; cols[i]; i++)
		sbuf_addf(b, "<th%s>%s</th>", numeric[i] == 'n' ? " class=\"n\"" : "", cols[i]);
	sbuf_add(b, "</tr></thead><tbody>\n");
}

static void para_open(struct sbuf *b, const char *cls)
{
	sbuf_addf(b, "<p class=\"%s\">", cls);
}

/* HTML's markup for the shared parts: a figure's cell is right-aligned by
 * its class, an item's text keeps its line breaks (h_para). */
static const struct report_markup html = {
	.text = h_text,
	.long_text = h_para,
	.head = th,
	.para_open = para_open,
	.trend = sparkline,
	.row = {"<tr><td>", "<tr><td class=\"n\">", "<tr><td class=\"text\">"},
	.cell = {"</td><td>", "</td><td class=\"n\">", "</td><td class=\"text\">"},
	.row_end = "</td></tr>\n",
	.table_end = "</tbody></table>\n",
	.para_end = "</p>\n",
	.strong = {"<b>", "</b>"},
	.pick = {"<b>", "</b>"},
	.aside = {"<i>", "</i>"},
};

/* One figure of the summary: a name cell and a value cell. */
static void kv(struct sbuf *b, const char *name)
{
	sbuf_addf(b, "<th>%s</th><td class=\"n\">", name);
}

static void summary(struct sbuf *b, const struct lead_task *t)
{
	const struct stats_result *r = &t->res;
	/* three figures a row, so that the table fits an A4 page */
	sbuf_add(b, "<table class=\"kv\"><tbody><tr>");
	kv(b, "items");
	sbuf_addf(b, "%zu</td>", t->items);
	kv(b, "votes");
	sbuf_addf(b, "%zu</td>", r->votes);
	kv(b, "annotators");
	sbuf_addf(b, "%d</td></tr>\n<tr>", t->nannotators);
	kv(b, "percent agreement");
	report_part_num(b, r->percent_agreement, 3);
	sbuf_add(b, "</td>");
	kv(b, "Fleiss' kappa");
	report_part_num(b, r->fleiss_kappa, 3);
	sbuf_addf(b, "</td><th>Krippendorff's alpha (%s)</th><td class=\"n\">",
		  lead_metric_name(t->metric));
	report_part_num(b, t->alpha, 3);
	if (t->bootstrap > 0 && isfinite(t->alpha_lo))
		sbuf_addf(b, " [%.3f–%.3f]", t->alpha_lo, t->alpha_hi);
	sbuf_add(b, "</td></tr>\n<tr>");
	kv(b, "disputed");
	sbuf_addf(b, "%zu</td>", r->disputed);
	kv(b, "decided");
	sbuf_addf(b, "%zu</td>", t->decided);
	kv(b, "open");
	sbuf_addf(b, "%zu</td></tr>\n<tr>", t->open);
	kv(b, "majority overturned");
	report_part_overturned(b, t);
	sbuf_add(b, "</td>");
	kv(b, "Dawid-Skene ≠ plurality");
	report_part_ds_differs(b, t);
	sbuf_add(b, "</td>");
	kv(b, "threshold");
	sbuf_addf(b, "%.2f</td></tr></tbody></table>\n", r->threshold);
	sbuf_add(b, "<p class=\"note\">Percent agreement is the mean item agreement over items "
		    "with two or more votes; disputed items are those not unanimous, open ones the "
		    "disputed items without an expert decision");
	if (t->bootstrap > 0)
		sbuf_addf(b,
			  "; alpha's interval is a percentile bootstrap 95%% interval over items "
			  "(%d resamples, seed %llu)",
			  t->bootstrap, (unsigned long long)t->seed);
	sbuf_add(b, "; majority overturned counts decided items whose votes had a strict "
		    "majority; Dawid-Skene ≠ plurality counts undecided items whose Dawid-Skene "
		    "label is not their plurality.</p>\n");
}

static void labels(struct sbuf *b, const struct lead_task *t)
{
	sbuf_add(b, "<h3>Labels</h3>\n");
	report_part_labels(&html, b, t);
	sbuf_add(b,
		 "<p class=\"note\">Confused with: the other label most often given to the same "
		 "items, on how many of the label's items. Overturned: decided items whose strict "
		 "majority was the label and the expert chose another. Flags: \"unclear "
		 "guideline\" flags on items whose plurality is the label.</p>\n");
}

static void annotators(struct sbuf *b, const struct lead_task *t)
{
	static const char *const cols[] = {
		"annotator",	"votes",       "agreement", "vs experts", "decided",
		"95% interval", "DS accuracy", "over-uses", "trend",	  NULL};
	sbuf_add(b, "<h3>Annotators</h3>\n");
	report_part_annotators(&html, b, t, cols, "tnnnnnntt");
	sbuf_addf(b,
		  "<p class=\"note\">Agreement: the mean share of the other votes on the same "
		  "item that chose the same label. Vs experts: the share of their votes on decided "
		  "items that the expert's label matches, with a Wilson 95%% interval. Trend: "
		  "their agreement per %s, oldest first (0 at the bottom, 1 at the top).</p>\n",
		  t->by_week ? "ISO week" : "import batch");
}

static const char *pair_name(const void *ctx, size_t i)
{
	const struct lead_task *t = ctx;
	return t->annotators[t->pairs.ann[i]].name;
}

static double pair_value(const void *ctx, size_t x, size_t y)
{
	const struct lead_task *t = ctx;
	return x == y ? NAN : t->pairs.kappa[x * (size_t)t->pairs.n + y];
}

static struct rgb pair_colour(const void *ctx, double v)
{
	(void)ctx;
	return kappa_colour(v);
}

struct pair_ref {
	double kappa;
	size_t x, y;
};

static int by_kappa(const void *a, const void *c)
{
	const struct pair_ref *p = a, *q = c;
	if (p->kappa != q->kappa)
		return p->kappa < q->kappa ? -1 : 1;
	return p->x != q->x ? (p->x < q->x ? -1 : 1) : (p->y > q->y) - (p->y < q->y);
}

static void pairs(struct sbuf *b, const struct lead_task *t, size_t ti)
{
	const struct lead_pairs *p = &t->pairs;
	size_t n = (size_t)p->n, np = 0;
	struct heat h = {n, pair_name, pair_value, pair_colour, 2, t, "kappa"};
	struct pair_ref *v;
	char id[32];

	sbuf_add(b, "<h3>Pairs</h3>\n");
	if (n < 2) {
		sbuf_add(b,
			 "<p class=\"empty\">Fewer than two annotators: no pair to compare.</p>\n");
		return;
	}
	sbuf_addf(b, "<figure>");
	heatmap(b, &h);
	snprintf(id, sizeof id, "kramp%zu", ti);
	sbuf_add(b, "<br>");
	legend(b, id, red, white, blue, "−1", "0", "1", "Cohen's kappa");
	sbuf_addf(b,
		  "<figcaption>Cohen's kappa between the %zu most active annotators, rows and "
		  "columns ordered so that similar annotators sit together; grey: fewer than "
		  "%u shared items. Clusters (neighbours with kappa ≥ %.1f): ",
		  n, p->min_shared, LEAD_CLUSTER_KAPPA);
	report_part_clusters(&html, b, t);
	sbuf_add(b, ".</figcaption></figure>\n");
	/* the pairs that agree least, with their shared items */
	v = xmalloc(n * n * sizeof *v);
	for (size_t x = 0; x < n; x++)
		for (size_t y = x + 1; y < n; y++)
			if (isfinite(p->kappa[x * n + y]))
				v[np++] = (struct pair_ref){p->kappa[x * n + y], x, y};
	qsort(v, np, sizeof *v, by_kappa);
	if (np) {
		static const char *cols[] = {"annotator", "annotator", "shared items", "kappa",
					     NULL};
		sbuf_addf(b, "<p>The %zu pair%s that agree least:</p>\n", np < 10 ? np : 10,
			  np == 1 ? "" : "s");
		th(b, cols, "ttnn");
		for (size_t i = 0; i < np && i < 10; i++) {
			sbuf_add(b, "<tr><td>");
			h_text(b, pair_name(t, v[i].x));
			sbuf_add(b, "</td><td>");
			h_text(b, pair_name(t, v[i].y));
			sbuf_addf(b, "</td><td class=\"n\">%u</td><td class=\"n\">%.3f</td></tr>\n",
				  p->shared[v[i].x * n + v[i].y], v[i].kappa);
		}
		sbuf_add(b, "</tbody></table>\n");
	}
	free(v);
}

struct mat {
	const struct lead_task *t;
	const uint64_t *u;
	const long *l;
	double most;
};

static const char *mat_name(const void *ctx, size_t i)
{
	return label_value(((const struct mat *)ctx)->t, (int)i);
}

static double mat_value(const void *ctx, size_t x, size_t y)
{
	const struct mat *m = ctx;
	size_t K = m->t->task.nlabels;
	return m->u ? (double)m->u[x * K + y] : (double)m->l[x * K + y];
}

static struct rgb mat_colour(const void *ctx, double v)
{
	return count_colour(v, ((const struct mat *)ctx)->most);
}

static void matrix(struct sbuf *b, const struct lead_task *t, const uint64_t *u, const long *l,
		   const char *id, const char *what, const char *caption)
{
	size_t K = t->task.nlabels;
	struct mat m = {t, u, l, 0};
	struct heat h = {K, mat_name, mat_value, mat_colour, 0, &m, what};
	char most[32];
	for (size_t i = 0; i < K * K; i++)
		m.most = fmax(m.most, u ? (double)u[i] : (double)l[i]);
	snprintf(most, sizeof most, "%.0f", m.most);
	sbuf_add(b, "<figure>");
	heatmap(b, &h);
	sbuf_add(b, "<br>");
	legend(b, id, white, mix(white, blue, sqrt(0.5)), blue, "0", "", most,
	       "items (square-root scale)");
	sbuf_addf(b, "<figcaption>%s</figcaption></figure>\n", caption);
}

static void confusion(struct sbuf *b, const struct lead_task *t, size_t ti)
{
	char id[32];
	sbuf_add(b, "<h3>Confusion</h3>\n");
	snprintf(id, sizeof id, "cramp%zu", ti);
	matrix(b, t, t->cooccur, NULL, id, "items",
	       "Items holding votes for both labels; on the diagonal, items with two or more "
	       "votes, all for that label.");
	if (t->mve_decided) {
		snprintf(id, sizeof id, "mramp%zu", ti);
		matrix(b, t, NULL, t->majority_expert, id, "decided items",
		       "Decided items whose votes had a strict majority: what the majority said "
		       "(rows) and what the expert decided (columns).");
	} else {
		sbuf_add(b, "<p class=\"empty\">No expert has decided an item that had a strict "
			    "majority yet.</p>\n");
	}
}

static void distribution(struct sbuf *b, const struct lead_task *t)
{
	double v[LEAD_BINS], most = 1;
	char names[LEAD_BINS][16], thr[48];
	const char *lab[LEAD_BINS];
	const char *cols[] = {
		t->by_week ? "week" : "import", "from", "items", "compared", "agreement", NULL};

	sbuf_add(b, "<h3>Distribution</h3>\n<figure>");
	for (int i = 0; i < LEAD_BINS; i++) {
		v[i] = (double)t->bins[i];
		most = fmax(most, v[i]);
		snprintf(names[i], sizeof names[i], "%.1f–%.1f", (double)i / LEAD_BINS,
			 (double)(i + 1) / LEAD_BINS);
		lab[i] = names[i];
	}
	bars(b, LEAD_BINS, v, lab, most, 0, 0, NULL);
	sbuf_addf(b, "<figcaption>Items with two or more votes by item agreement (the last bin "
		     "includes 1). Percent agreement ");
	report_part_num(b, t->res.percent_agreement, 3);
	sbuf_addf(b, ", threshold %.2f.</figcaption></figure>\n", t->res.threshold);
	if (t->nbuckets) {
		double *bv = xmalloc(t->nbuckets * sizeof *bv);
		const char **bl = xmalloc(t->nbuckets * sizeof *bl);
		for (size_t k = 0; k < t->nbuckets; k++) {
			bv[k] = t->buckets[k].agreement;
			bl[k] = t->buckets[k].name;
		}
		snprintf(thr, sizeof thr, "threshold %.2f", t->res.threshold);
		sbuf_add(b, "<figure>");
		bars(b, t->nbuckets, bv, bl, 1, 3, t->res.threshold, thr);
		sbuf_addf(b, "<figcaption>Mean item agreement per %s.</figcaption></figure>\n",
			  t->by_week ? "ISO week (items by the week of their latest vote)"
				     : "import batch (the items each import first brought in)");
		free(bv);
		free(bl);
		report_part_buckets(&html, b, t, cols);
	}
}

static void rules(struct sbuf *b, const struct lead_task *t)
{
	sbuf_add(b, "<h3>Rules</h3>\n");
	if (!t->nrules) {
		sbuf_add(b, "<p class=\"empty\">No expert decision and no flag yet.</p>\n");
		return;
	}
	report_part_rules(&html, b, t);
	sbuf_add(b,
		 "<p class=\"note\">Guideline rules cited by the current decisions: how many, how "
		 "many had a strict majority, how often the expert overturned it, and the "
		 "\"unclear guideline\" flags (a flag counts for the rule its note cites, else "
		 "for the rule of the item's decision).</p>\n");
}

static void task_section(struct sbuf *b, const struct lead_task *t, size_t ti)
{
	sbuf_addf(b, "<section class=\"task\" id=\"task-%zu\">\n<h2>Task ", ti + 1);
	h_text(b, t->task.name);
	sbuf_addf(b, " <small>%s, %zu label%s</small></h2>\n", store_scale_name(t->task.scale),
		  t->task.nlabels, t->task.nlabels == 1 ? "" : "s");
	if (!t->res.votes) {
		sbuf_addf(b,
			  "<p class=\"empty\">%zu item%s, no votes yet: there is nothing to "
			  "measure.</p>\n</section>\n",
			  t->items, t->items == 1 ? "" : "s");
		return;
	}
	if (t->res.flagged)
		sbuf_addf(b,
			  "<p class=\"flag\">⚑ Guidelines need work: percent agreement %.3f is "
			  "below the threshold %.2f.</p>\n",
			  t->res.percent_agreement, t->res.threshold);
	else if (!t->res.items_multi)
		sbuf_add(b,
			 "<p class=\"empty\">No item has two votes: agreement cannot be measured "
			 "yet.</p>\n");
	else
		sbuf_addf(b,
			  "<p class=\"ok\">Percent agreement %.3f meets the threshold %.2f.</p>\n",
			  t->res.percent_agreement, t->res.threshold);
	sbuf_add(b, "<h3>Summary</h3>\n");
	summary(b, t);
	report_part_labelerr(&html, b, t);
	labels(b, t);
	annotators(b, t);
	pairs(b, t, ti);
	confusion(b, t, ti);
	distribution(b, t);
	rules(b, t);
	sbuf_add(b, "</section>\n");
}

void report_html(struct sbuf *b, const struct lead_report *r)
{
	doc_open(b, "gavel report: ", r->project, r->project, r->at, r->head);
	if (r->ntasks > 1) {
		sbuf_add(b, "<nav>Tasks:");
		for (size_t i = 0; i < r->ntasks; i++) {
			sbuf_addf(b, " <a href=\"#task-%zu\">", i + 1);
			h_text(b, r->tasks[i].task.name);
			sbuf_add(b, "</a>");
		}
		sbuf_add(b, "</nav>\n");
	}
	if (!r->ntasks)
		sbuf_add(b, "<p class=\"empty\">This project has no tasks yet: import votes "
			    "first.</p>\n");
	for (size_t i = 0; i < r->ntasks; i++)
		task_section(b, &r->tasks[i], i);
	sbuf_add(b, "</body></html>\n");
}

void report_html_feedback(struct sbuf *b, const struct lead_feedback *f)
{
	doc_open(b, "Feedback for ", f->annotator, f->project, f->at, f->head);
	if (!f->ntasks)
		sbuf_add(b, "<p class=\"empty\">No votes by this annotator yet.</p>\n");
	for (size_t i = 0; i < f->ntasks; i++) {
		const struct lead_feedback_task *ft = &f->tasks[i];
		const struct lead_task *t = &ft->view;
		const struct lead_annotator *x;
		static const char *cols[] = {"votes",	     "agreement with the others",
					     "vs experts",   "decided",
					     "95% interval", "DS accuracy",
					     "over-uses",    NULL};
		char id[32];
		sbuf_addf(b, "<section class=\"task\" id=\"task-%zu\">\n<h2>Task ", i + 1);
		h_text(b, t->task.name);
		sbuf_add(b, "</h2>\n");
		if (ft->annotator < 0) {
			sbuf_add(b, "<p class=\"empty\">No votes in this task.</p></section>\n");
			continue;
		}
		x = &t->annotators[ft->annotator];
		th(b, cols, "nnnnnnt");
		sbuf_add(b, html.row[REPORT_CELL_NUM]);
		report_part_record(&html, b, t, x);
		sbuf_add(b,
			 "</td></tr></tbody></table>\n<p class=\"note\">Agreement: the mean share "
			 "of the other votes on the same item that chose your label. Vs experts: "
			 "the share of your votes on decided items that the expert's label "
			 "matches, with a Wilson 95% interval.</p>\n");
		if (!x->r.decided) {
			sbuf_add(b, "<p class=\"empty\">No expert has decided an item you voted on "
				    "yet.</p></section>\n");
			continue;
		}
		snprintf(id, sizeof id, "framp%zu", i);
		sbuf_add(b, "<h3>Your votes against the experts' decisions</h3>\n");
		matrix(b, t, NULL, ft->confusion, id, "items",
		       "Decided items you voted on: your label (rows) and the expert's (columns); "
		       "the diagonal is where you agreed.");
		sbuf_addf(b, "<h3>Decided against your vote (%zu)</h3>\n", ft->noverruled);
		if (!ft->noverruled) {
			sbuf_add(b, "<p class=\"ok\">None: every expert decision matched your "
				    "vote.</p></section>\n");
			continue;
		}
		report_part_overruled(&html, b, ft);
		sbuf_add(b, "</section>\n");
	}
	sbuf_add(b, "</body></html>\n");
}
