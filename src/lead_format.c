/*
 * lead_format: the lead's view of a task written out: lead_task_json (the
 * "lead" figures of `gavel stats --json`, which the dashboard and the
 * reports must agree with) and lead_task_text (the lines `gavel stats` adds
 * for them). The figures are computed in lead.c.
 */
#include "config.h"

#include "lead.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- JSON --- */

static void json_label(struct sbuf *b, const struct lead_task *t, int k)
{
	if (k >= 0 && (size_t)k < t->task.nlabels)
		sbuf_add_json_str(b, t->task.labels[k].value);
	else
		sbuf_add(b, "null");
}

static void json_rate(struct sbuf *b, long k, long n)
{
	sbuf_add_json_num(b, n ? (double)k / (double)n : NAN);
}

static void json_annotator(struct sbuf *b, const struct lead_task *t,
			   const struct lead_annotator *a)
{
	sbuf_addc(b, '{');
	stats_annotators_json(b, &t->task, a->name, &a->r, t->have_ds);
	sbuf_add(b, ",\"series\":");
	if (a->series) {
		sbuf_addc(b, '[');
		for (size_t k = 0; k < t->nbuckets; k++) {
			if (k)
				sbuf_addc(b, ',');
			sbuf_add_json_num(b, a->series[k]);
		}
		sbuf_addc(b, ']');
	} else {
		sbuf_add(b, "null");
	}
	sbuf_addc(b, '}');
}

static void json_pairs(struct sbuf *b, const struct lead_task *t)
{
	const struct lead_pairs *p = &t->pairs;
	size_t n = (size_t)p->n;
	sbuf_add(b, "\"pairs\":{\"annotators\":[");
	for (size_t x = 0; x < n; x++) {
		if (x)
			sbuf_addc(b, ',');
		sbuf_add_json_str(b, t->annotators[p->ann[x]].name);
	}
	sbuf_add(b, "],\"kappa\":[");
	for (size_t x = 0; x < n; x++) {
		sbuf_add(b, x ? ",[" : "[");
		for (size_t y = 0; y < n; y++) {
			if (y)
				sbuf_addc(b, ',');
			sbuf_add_json_num(b, p->kappa[x * n + y]);
		}
		sbuf_addc(b, ']');
	}
	sbuf_add(b, "],\"shared\":[");
	for (size_t x = 0; x < n; x++) {
		sbuf_add(b, x ? ",[" : "[");
		for (size_t y = 0; y < n; y++)
			sbuf_addf(b, y ? ",%u" : "%u", p->shared[x * n + y]);
		sbuf_addc(b, ']');
	}
	sbuf_add(b, "],\"clusters\":[");
	for (size_t x = 0; x < n; x++) {
		if (x == 0 || p->cluster[x] != p->cluster[x - 1])
			sbuf_add(b, x ? "],[" : "[");
		else
			sbuf_addc(b, ',');
		sbuf_add_json_str(b, t->annotators[p->ann[x]].name);
	}
	sbuf_addf(b, "%s],\"min_shared\":%u}", n ? "]" : "", p->min_shared);
}

static void json_matrix_u64(struct sbuf *b, const uint64_t *m, size_t K)
{
	sbuf_addc(b, '[');
	for (size_t k = 0; k < K; k++) {
		sbuf_add(b, k ? ",[" : "[");
		for (size_t l = 0; l < K; l++)
			sbuf_addf(b, l ? ",%llu" : "%llu", (unsigned long long)m[k * K + l]);
		sbuf_addc(b, ']');
	}
	sbuf_addc(b, ']');
}

static void json_matrix_long(struct sbuf *b, const long *m, size_t K)
{
	sbuf_addc(b, '[');
	for (size_t k = 0; k < K; k++) {
		sbuf_add(b, k ? ",[" : "[");
		for (size_t l = 0; l < K; l++)
			sbuf_addf(b, l ? ",%ld" : "%ld", m[k * K + l]);
		sbuf_addc(b, ']');
	}
	sbuf_addc(b, ']');
}

void lead_task_json(struct sbuf *b, const struct lead_task *t)
{
	size_t K = t->task.nlabels;

	sbuf_addf(b, "{\"alpha\":{\"metric\":\"%s\",\"value\":", lead_metric_name(t->metric));
	sbuf_add_json_num(b, t->alpha);
	sbuf_add(b, ",\"ci\":");
	if (t->bootstrap > 0 && isfinite(t->alpha_lo)) {
		sbuf_addc(b, '[');
		sbuf_add_json_num(b, t->alpha_lo);
		sbuf_addc(b, ',');
		sbuf_add_json_num(b, t->alpha_hi);
		sbuf_addc(b, ']');
	} else {
		sbuf_add(b, "null");
	}
	sbuf_addf(b, ",\"replicates\":%d,\"seed\":%llu},", t->bootstrap,
		  (unsigned long long)t->seed);
	sbuf_addf(b, "\"items\":%zu,\"unvoted\":%zu,", t->items, t->unvoted);
	sbuf_addf(b, "\"decided\":%zu,\"open\":%zu,\"ds_differs\":", t->decided, t->open);
	if (t->have_ds)
		sbuf_addf(b, "%zu", t->ds_differs);
	else
		sbuf_add(b, "null");

	sbuf_add(b, ",\"labels\":[");
	for (size_t k = 0; k < K; k++) {
		const struct lead_label *l = &t->labels[k];
		sbuf_add(b, k ? ",{\"label\":" : "{\"label\":");
		json_label(b, t, (int)k);
		sbuf_addf(b, ",\"items\":%llu,\"confused_with\":", (unsigned long long)l->items);
		if (l->confused_with >= 0) {
			sbuf_add(b, "{\"label\":");
			json_label(b, t, l->confused_with);
			sbuf_addf(b, ",\"items\":%llu,\"share\":",
				  (unsigned long long)l->confused_items);
			sbuf_add_json_num(b, (double)l->confused_items / (double)l->items);
			sbuf_addc(b, '}');
		} else {
			sbuf_add(b, "null");
		}
		sbuf_addf(b, ",\"majority_decided\":%ld,\"overturned\":%ld,\"overturn_rate\":",
			  l->majority_decided, l->overturned);
		json_rate(b, l->overturned, l->majority_decided);
		sbuf_addf(b, ",\"flags\":%ld}", l->flags);
	}
	sbuf_add(b, "],\"annotators\":[");
	for (int a = 0; a < t->nannotators; a++) {
		if (a)
			sbuf_addc(b, ',');
		json_annotator(b, t, &t->annotators[a]);
	}
	sbuf_add(b, "],");
	json_pairs(b, t);

	sbuf_add(b, ",\"confusion\":{\"labels\":[");
	for (size_t k = 0; k < K; k++) {
		if (k)
			sbuf_addc(b, ',');
		json_label(b, t, (int)k);
	}
	sbuf_add(b, "],\"cooccurrence\":");
	json_matrix_u64(b, t->cooccur, K);
	sbuf_add(b, ",\"majority_expert\":");
	json_matrix_long(b, t->majority_expert, K);

	sbuf_add(b, "},\"distribution\":{\"bins\":[");
	for (int i = 0; i < LEAD_BINS; i++)
		sbuf_addf(b, "%s{\"lo\":%.1f,\"hi\":%.1f,\"items\":%zu}", i ? "," : "",
			  (double)i / LEAD_BINS, (double)(i + 1) / LEAD_BINS, t->bins[i]);
	sbuf_addf(b, "],\"by\":\"%s\",\"buckets\":[", t->by_week ? "week" : "import");
	for (size_t k = 0; k < t->nbuckets; k++) {
		const struct lead_bucket *x = &t->buckets[k];
		sbuf_add(b, k ? ",{\"name\":" : "{\"name\":");
		sbuf_add_json_str_or_null(b, x->name);
		sbuf_add(b, ",\"event\":");
		if (x->event)
			sbuf_addf(b, "%lld", (long long)x->event);
		else
			sbuf_add(b, "null");
		sbuf_add(b, ",\"at\":");
		sbuf_add_json_str_or_null(b, x->at);
		sbuf_addf(b, ",\"items\":%zu,\"compared\":%zu,\"agreement\":", x->items,
			  x->compared);
		sbuf_add_json_num(b, x->agreement);
		sbuf_addc(b, '}');
	}
	sbuf_add(b, "]},\"rules\":[");
	for (size_t r = 0; r < t->nrules; r++) {
		const struct lead_rule *x = &t->rules[r];
		sbuf_add(b, r ? ",{\"rule\":" : "{\"rule\":");
		sbuf_add_json_str_or_null(b, x->rule);
		sbuf_addf(b, ",\"decisions\":%ld,\"majority\":%ld,\"overturned\":%ld,\"rate\":",
			  x->decisions, x->majority, x->overturned);
		json_rate(b, x->overturned, x->majority);
		sbuf_addf(b, ",\"flags\":%ld}", x->flags);
	}
	sbuf_addf(b, "],\"flags\":%ld}", t->flags);
}

/* --- text --- */

static void text_fig(struct sbuf *b, double v)
{
	if (isfinite(v))
		sbuf_addf(b, "%.4f", v);
	else
		sbuf_add(b, "-");
}

static const uint64_t *sort_cooccur;

/* Cells of the co-occurrence matrix by count, largest first, then in order. */
static int by_cooccur(const void *x, const void *y)
{
	size_t p = *(const size_t *)x, q = *(const size_t *)y;
	if (sort_cooccur[p] != sort_cooccur[q])
		return sort_cooccur[p] > sort_cooccur[q] ? -1 : 1;
	return (p > q) - (p < q);
}

void lead_task_text(struct sbuf *b, const struct lead_task *t)
{
	size_t K = t->task.nlabels;

	sbuf_addf(b, "\n  Krippendorff alpha, %s (the task's scale) ", lead_metric_name(t->metric));
	text_fig(b, t->alpha);
	if (t->bootstrap > 0 && isfinite(t->alpha_lo)) {
		sbuf_add(b, "\n    95% bootstrap interval [");
		text_fig(b, t->alpha_lo);
		sbuf_add(b, ", ");
		text_fig(b, t->alpha_hi);
		sbuf_addf(b, "] (%d replicates over items, seed %llu)", t->bootstrap,
			  (unsigned long long)t->seed);
	}
	sbuf_addf(b, "\n  decided %zu, disputed and open %zu\n", t->decided, t->open);
	if (t->unvoted)
		sbuf_addf(b, "  items in the task %zu, of them %zu with no votes yet\n", t->items,
			  t->unvoted);
	if (t->have_ds)
		sbuf_addf(b, "  Dawid-Skene differs from the plurality on %zu undecided item%s\n",
			  t->ds_differs, t->ds_differs == 1 ? "" : "s");
	/* the most confused label pairs, most items first */
	{
		size_t *pk = xmalloc((K * K + 1) * sizeof *pk), np = 0;
		for (size_t k = 0; k < K; k++)
			for (size_t l = k + 1; l < K; l++)
				if (t->cooccur[k * K + l])
					pk[np++] = k * K + l;
		sort_cooccur = t->cooccur;
		qsort(pk, np, sizeof *pk, by_cooccur);
		if (np)
			sbuf_add(b, "  labels most often given to the same items:\n");
		for (size_t i = 0; i < np && i < 5; i++) {
			char *x = text_clean(t->task.labels[pk[i] / K].value);
			char *y = text_clean(t->task.labels[pk[i] % K].value);
			uint64_t c = t->cooccur[pk[i]];
			sbuf_addf(b, "    %s / %s: %llu item%s\n", x, y, (unsigned long long)c,
				  c == 1 ? "" : "s");
			free(x);
			free(y);
		}
		free(pk);
	}
	if (t->nrules) {
		sbuf_add(b,
			 "  guideline rules cited      decisions  majority  overturned  flags\n");
		for (size_t r = 0; r < t->nrules; r++) {
			const struct lead_rule *x = &t->rules[r];
			sbuf_add(b, "    ");
			text_cell(b, x->rule ? x->rule : "(no rule)", 22);
			sbuf_addf(b, "  %9ld  %8ld  %10ld  %5ld\n", x->decisions, x->majority,
				  x->overturned, x->flags);
		}
	}
}
