/*
 * report_md: the lead's report and the feedback sheet as Markdown (see
 * report.h): one heading per task and section, GitHub-style pipe tables,
 * trends as block-character sparklines. Every string from data is
 * sanitised and then escaped, for Markdown (so that a name cannot open a
 * link, emphasis or a new cell) and for the HTML that Markdown renderers
 * pass through (so that it cannot open a tag).
 */
#include "config.h"

#include "report.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A string from data, on one line, safe in a table cell. */
static void md_text(struct sbuf *b, const char *s)
{
	char *line = xstrdup(s ? s : ""), *c;
	/* line breaks in an item's text become spaces, not visible tokens */
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	c = text_clean(line);
	free(line);
	for (const char *p = c; *p; p++) {
		switch (*p) {
		case '<':
			sbuf_add(b, "&lt;");
			break;
		case '>':
			sbuf_add(b, "&gt;");
			break;
		case '&':
			sbuf_add(b, "&amp;");
			break;
		case '\\':
		case '|':
		case '*':
		case '_':
		case '`':
		case '[':
		case ']':
		case '#':
		case '~':
			sbuf_addc(b, '\\');
			sbuf_addc(b, *p);
			break;
		default:
			sbuf_addc(b, *p);
		}
	}
	free(c);
}

/* A figure with three decimals, or a dash when it does not apply. */
static void md_num(struct sbuf *b, double v)
{
	if (isfinite(v))
		sbuf_addf(b, "%.3f", v);
	else
		sbuf_add(b, "–");
}

static void md_rate(struct sbuf *b, long k, long n)
{
	if (n)
		sbuf_addf(b, "%.3f", (double)k / (double)n);
	else
		sbuf_add(b, "–");
}

/* A series in [0, 1] as block characters, "·" where it has no value. */
static void md_spark(struct sbuf *b, const double *v, size_t n)
{
	static const char *const blocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
	for (size_t i = 0; i < n && v; i++) {
		if (!isfinite(v[i])) {
			sbuf_add(b, "·");
			continue;
		}
		{
			int k = (int)(v[i] * 8);
			sbuf_add(b, blocks[k < 0 ? 0 : k > 7 ? 7 : k]);
		}
	}
}

static void md_label(struct sbuf *b, const struct lead_task *t, int k)
{
	if (k >= 0 && (size_t)k < t->task.nlabels)
		md_text(b, t->task.labels[k].value);
	else
		sbuf_add(b, "–");
}

static void md_header(struct sbuf *b, const char *title, const char *project, const char *at,
		      const char *head)
{
	sbuf_addf(b, "# %s: ", title);
	md_text(b, project);
	sbuf_addf(b,
		  "\n\nMade %s by gavel %s. Audit head `%s`: `gavel audit verify PROJECT.db "
		  "--head %s` proves the trail still holds what this reports on.\n",
		  at, PACKAGE_VERSION, head, head);
}

static void md_task_summary(struct sbuf *b, const struct lead_task *t)
{
	const struct stats_result *r = &t->res;
	sbuf_add(b, "\n| items | votes | annotators | percent agreement | Fleiss' kappa | ");
	sbuf_addf(b,
		  "alpha (%s) | alpha 95%% CI | disputed | decided | open | majority overturned | "
		  "DS vs plurality |\n",
		  lead_metric_name(t->metric));
	sbuf_add(b, "|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n");
	sbuf_addf(b, "| %zu | %zu | %d | ", t->items, r->votes, t->nannotators);
	md_num(b, r->percent_agreement);
	sbuf_add(b, " | ");
	md_num(b, r->fleiss_kappa);
	sbuf_add(b, " | ");
	md_num(b, t->alpha);
	sbuf_add(b, " | ");
	if (t->bootstrap > 0 && isfinite(t->alpha_lo))
		sbuf_addf(b, "%.3f–%.3f", t->alpha_lo, t->alpha_hi);
	else
		sbuf_add(b, "–");
	sbuf_addf(b, " | %zu | %zu | %zu | ", r->disputed, t->decided, t->open);
	if (t->mve_decided)
		sbuf_addf(b, "%ld of %ld (%.1f%%)", t->mve_overturned, t->mve_decided,
			  100.0 * (double)t->mve_overturned / (double)t->mve_decided);
	else
		sbuf_add(b, "–");
	sbuf_add(b, " | ");
	if (t->have_ds)
		sbuf_addf(b, "%zu", t->ds_differs);
	else
		sbuf_add(b, "–");
	sbuf_add(b, " |\n");
	if (t->bootstrap > 0)
		sbuf_addf(
			b,
			"\nThe alpha interval is a percentile bootstrap over items (%d resamples, "
			"seed %llu).\n",
			t->bootstrap, (unsigned long long)t->seed);
}

static void md_labels(struct sbuf *b, const struct lead_task *t)
{
	sbuf_add(b, "\n### Labels\n\n| label | votes | specific agreement | kappa | confused with "
		    "| items | share | decided with a majority | overturned | rate | flags |\n"
		    "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
	for (size_t k = 0; k < t->task.nlabels; k++) {
		const struct lead_label *l = &t->labels[k];
		const struct stats_label *s = &t->res.labels[k];
		sbuf_add(b, "| ");
		md_label(b, t, (int)k);
		sbuf_addf(b, " | %llu | ", (unsigned long long)s->count);
		md_num(b, s->specific_agreement);
		sbuf_add(b, " | ");
		md_num(b, s->kappa);
		sbuf_add(b, " | ");
		md_label(b, t, l->confused_with);
		if (l->confused_with >= 0)
			sbuf_addf(b, " | %llu | %.3f", (unsigned long long)l->confused_items,
				  (double)l->confused_items / (double)l->items);
		else
			sbuf_add(b, " | – | –");
		sbuf_addf(b, " | %ld | %ld | ", l->majority_decided, l->overturned);
		md_rate(b, l->overturned, l->majority_decided);
		sbuf_addf(b, " | %ld |\n", l->flags);
	}
}

static void md_annotators(struct sbuf *b, const struct lead_task *t)
{
	sbuf_addf(b,
		  "\n### Annotators\n\nTrend: agreement with the others per %s, oldest first "
		  "(▁ 0 … █ 1, · no votes).\n\n"
		  "| annotator | votes | agreement | vs experts | n | 95%% CI | DS accuracy | "
		  "over-uses | trend |\n|---|---:|---:|---:|---:|---|---:|---|---|\n",
		  t->by_week ? "week" : "import");
	for (int a = 0; a < t->nannotators; a++) {
		const struct lead_annotator *x = &t->annotators[a];
		sbuf_add(b, "| ");
		md_text(b, x->name);
		sbuf_addf(b, " | %u | ", x->r.votes);
		md_num(b, x->r.agreement);
		sbuf_add(b, " | ");
		md_rate(b, (long)x->r.correct, (long)x->r.decided);
		sbuf_addf(b, " | %u | ", x->r.decided);
		if (x->r.decided)
			sbuf_addf(b, "%.3f–%.3f", x->r.acc_lo, x->r.acc_hi);
		else
			sbuf_add(b, "–");
		sbuf_add(b, " | ");
		md_num(b, t->have_ds ? x->r.ds_accuracy : NAN);
		sbuf_add(b, " | ");
		if (x->r.overused >= 0) {
			md_label(b, t, x->r.overused);
			sbuf_addf(b, " (+%.1f pts)", 100 * x->r.overuse);
		} else {
			sbuf_add(b, "–");
		}
		sbuf_add(b, " | ");
		md_spark(b, x->series, t->nbuckets);
		sbuf_add(b, " |\n");
	}
}

static void md_pairs(struct sbuf *b, const struct lead_task *t)
{
	const struct lead_pairs *p = &t->pairs;
	size_t n = (size_t)p->n;
	sbuf_addf(b,
		  "\n### Pairs\n\nCohen's kappa between the %zu most active annotators (from %u "
		  "shared items), ordered so that similar annotators sit together; the shared "
		  "items are in the JSON of `gavel stats --json`.\n\n|  |",
		  n, p->min_shared);
	if (n < 2) {
		sbuf_add(b, "\nFewer than two annotators: no pair to compare.\n");
		return;
	}
	for (size_t y = 0; y < n; y++) {
		sbuf_addc(b, ' ');
		md_text(b, t->annotators[p->ann[y]].name);
		sbuf_add(b, " |");
	}
	sbuf_add(b, "\n|---|");
	for (size_t y = 0; y < n; y++)
		sbuf_add(b, "---:|");
	for (size_t x = 0; x < n; x++) {
		sbuf_add(b, "\n| **");
		md_text(b, t->annotators[p->ann[x]].name);
		sbuf_add(b, "** |");
		for (size_t y = 0; y < n; y++) {
			double k = p->kappa[x * n + y];
			if (x == y)
				sbuf_add(b, " |");
			else if (isfinite(k))
				sbuf_addf(b, " %.2f |", k);
			else
				sbuf_add(b, " – |");
		}
	}
	sbuf_addf(b, "\n\nClusters (neighbours with kappa >= %.1f):", LEAD_CLUSTER_KAPPA);
	for (size_t x = 0; x < n; x++) {
		if (x == 0 || p->cluster[x] != p->cluster[x - 1])
			sbuf_add(b, x ? "; " : " ");
		else
			sbuf_add(b, ", ");
		md_text(b, t->annotators[p->ann[x]].name);
	}
	sbuf_add(b, ".\n");
}

static void md_matrix(struct sbuf *b, const struct lead_task *t, const char *corner,
		      const uint64_t *u, const long *l)
{
	size_t K = t->task.nlabels;
	sbuf_addf(b, "\n| %s |", corner);
	for (size_t k = 0; k < K; k++) {
		sbuf_addc(b, ' ');
		md_label(b, t, (int)k);
		sbuf_add(b, " |");
	}
	sbuf_add(b, "\n|---|");
	for (size_t k = 0; k < K; k++)
		sbuf_add(b, "---:|");
	for (size_t k = 0; k < K; k++) {
		sbuf_add(b, "\n| **");
		md_label(b, t, (int)k);
		sbuf_add(b, "** |");
		for (size_t m = 0; m < K; m++) {
			if (u)
				sbuf_addf(b, " %llu |", (unsigned long long)u[k * K + m]);
			else
				sbuf_addf(b, " %ld |", l[k * K + m]);
		}
	}
	sbuf_addc(b, '\n');
}

static void md_confusion(struct sbuf *b, const struct lead_task *t)
{
	sbuf_add(b, "\n### Confusion\n\nItems holding votes for both labels (on the diagonal: "
		    "items with two or more votes, all for that label):\n");
	md_matrix(b, t, "", t->cooccur, NULL);
	if (t->mve_decided) {
		sbuf_add(b,
			 "\nDecided items whose votes had a strict majority, by what the majority "
			 "said (rows) and what the expert decided (columns):\n");
		md_matrix(b, t, "majority \\\\ expert", NULL, t->majority_expert);
	} else {
		sbuf_add(b, "\nNo expert has decided an item that had a strict majority yet.\n");
	}
}

static void md_distribution(struct sbuf *b, const struct lead_task *t)
{
	size_t most = 1;
	for (int i = 0; i < LEAD_BINS; i++)
		if (t->bins[i] > most)
			most = t->bins[i];
	sbuf_add(b, "\n### Distribution\n\nItems with two or more votes by item agreement:\n\n"
		    "| agreement | items | |\n|---|---:|---|\n");
	for (int i = 0; i < LEAD_BINS; i++) {
		size_t w = (t->bins[i] * 30 + most - 1) / most;
		sbuf_addf(b, "| %.1f–%.1f%s | %zu | ", (double)i / LEAD_BINS,
			  (double)(i + 1) / LEAD_BINS, i == LEAD_BINS - 1 ? " (1 included)" : "",
			  t->bins[i]);
		for (size_t k = 0; k < w; k++)
			sbuf_add(b, "█");
		sbuf_add(b, " |\n");
	}
	sbuf_addf(b,
		  "\nMean item agreement per %s:\n\n| %s | %s | items | compared | "
		  "agreement |\n|---|---|---:|---:|---:|\n",
		  t->by_week ? "ISO week (items by their latest vote)"
			     : "import (the items each import first brought in)",
		  t->by_week ? "week" : "import", t->by_week ? "from" : "at");
	for (size_t k = 0; k < t->nbuckets; k++) {
		const struct lead_bucket *x = &t->buckets[k];
		sbuf_add(b, "| ");
		md_text(b, x->name);
		sbuf_add(b, " | ");
		md_text(b, x->at ? x->at : "–");
		sbuf_addf(b, " | %zu | %zu | ", x->items, x->compared);
		md_num(b, x->agreement);
		sbuf_add(b, " |\n");
	}
}

static void md_rules(struct sbuf *b, const struct lead_task *t)
{
	sbuf_add(b, "\n### Rules\n\n");
	if (!t->nrules) {
		sbuf_add(b, "No expert decision and no flag yet.\n");
		return;
	}
	sbuf_add(b,
		 "Guideline rules cited by the current decisions: how many, how many had a "
		 "strict majority, how often the expert overturned it, and the \"unclear "
		 "guideline\" flags.\n\n| rule | decisions | with a majority | overturned | rate "
		 "| flags |\n|---|---:|---:|---:|---:|---:|\n");
	for (size_t r = 0; r < t->nrules; r++) {
		const struct lead_rule *x = &t->rules[r];
		sbuf_add(b, "| ");
		if (x->rule)
			md_text(b, x->rule);
		else
			sbuf_add(b, "(none cited)");
		sbuf_addf(b, " | %ld | %ld | %ld | ", x->decisions, x->majority, x->overturned);
		md_rate(b, x->overturned, x->majority);
		sbuf_addf(b, " | %ld |\n", x->flags);
	}
}

static void md_task(struct sbuf *b, const struct lead_task *t)
{
	sbuf_add(b, "\n## Task ");
	md_text(b, t->task.name);
	sbuf_addf(b, " (%s, %zu label%s)\n", store_scale_name(t->task.scale), t->task.nlabels,
		  t->task.nlabels == 1 ? "" : "s");
	if (!t->res.votes) {
		sbuf_addf(b, "\n%zu item%s, no votes yet: there is nothing to measure.\n", t->items,
			  t->items == 1 ? "" : "s");
		return;
	}
	if (t->res.flagged)
		sbuf_addf(b,
			  "\n**GUIDELINES NEED WORK**: percent agreement %.3f is below the "
			  "threshold %.3f.\n",
			  t->res.percent_agreement, t->res.threshold);
	else if (!t->res.items_multi)
		sbuf_add(b, "\nNo item has two votes: agreement cannot be measured yet.\n");
	md_task_summary(b, t);
	if (t->have_labelerr) {
		struct sbuf le = {0};
		sbuf_add(b, "\n**Label errors**: ");
		labelerr_report_headline(&le, &t->labelerr);
		md_text(b, le.s);
		le.len = 0;
		labelerr_report_precision(&le, &t->labelerr);
		if (le.len) {
			sbuf_add(b, ". Queues that look for them, ");
			md_text(b, le.s);
		}
		sbuf_add(b, ".\n");
		sbuf_free(&le);
	}
	md_labels(b, t);
	md_annotators(b, t);
	md_pairs(b, t);
	md_confusion(b, t);
	md_distribution(b, t);
	md_rules(b, t);
}

void report_md(struct sbuf *b, const struct lead_report *r)
{
	md_header(b, "gavel report", r->project, r->at, r->head);
	if (!r->ntasks)
		sbuf_add(b, "\nThis project has no tasks yet: import votes first.\n");
	for (size_t i = 0; i < r->ntasks; i++)
		md_task(b, &r->tasks[i]);
}

void report_md_feedback(struct sbuf *b, const struct lead_feedback *f)
{
	sbuf_add(b, "# Feedback for ");
	md_text(b, f->annotator);
	sbuf_add(b, " (");
	md_text(b, f->project);
	sbuf_addf(b, ")\n\nMade %s by gavel %s. Audit head `%s`.\n", f->at, PACKAGE_VERSION,
		  f->head);
	if (!f->ntasks)
		sbuf_add(b, "\nNo votes by this annotator yet.\n");
	for (size_t i = 0; i < f->ntasks; i++) {
		const struct lead_feedback_task *ft = &f->tasks[i];
		const struct lead_task *t = &ft->view;
		const struct lead_annotator *x;
		size_t K = t->task.nlabels;
		sbuf_add(b, "\n## Task ");
		md_text(b, t->task.name);
		sbuf_addc(b, '\n');
		if (ft->annotator < 0) {
			sbuf_add(b, "\nNo votes in this task.\n");
			continue;
		}
		x = &t->annotators[ft->annotator];
		sbuf_addf(
			b,
			"\n| votes | agreement with the others | vs experts | decided | 95%% CI "
			"| DS accuracy | over-uses |\n|---:|---:|---:|---:|---|---:|---|\n| %u | ",
			x->r.votes);
		md_num(b, x->r.agreement);
		sbuf_add(b, " | ");
		md_rate(b, (long)x->r.correct, (long)x->r.decided);
		sbuf_addf(b, " | %u | ", x->r.decided);
		if (x->r.decided)
			sbuf_addf(b, "%.3f–%.3f", x->r.acc_lo, x->r.acc_hi);
		else
			sbuf_add(b, "–");
		sbuf_add(b, " | ");
		md_num(b, t->have_ds ? x->r.ds_accuracy : NAN);
		sbuf_add(b, " | ");
		if (x->r.overused >= 0) {
			md_label(b, t, x->r.overused);
			sbuf_addf(b, " (+%.1f pts)", 100 * x->r.overuse);
		} else {
			sbuf_add(b, "–");
		}
		sbuf_add(b, " |\n");
		if (!x->r.decided) {
			sbuf_add(b, "\nNo expert has decided an item you voted on yet.\n");
			continue;
		}
		sbuf_add(b, "\nYour votes (rows) against the experts' decisions (columns):\n");
		{
			long *m = ft->confusion;
			sbuf_add(b, "\n| you \\\\ expert |");
			for (size_t k = 0; k < K; k++) {
				sbuf_addc(b, ' ');
				md_label(b, t, (int)k);
				sbuf_add(b, " |");
			}
			sbuf_add(b, "\n|---|");
			for (size_t k = 0; k < K; k++)
				sbuf_add(b, "---:|");
			for (size_t k = 0; k < K; k++) {
				sbuf_add(b, "\n| **");
				md_label(b, t, (int)k);
				sbuf_add(b, "** |");
				for (size_t l = 0; l < K; l++)
					sbuf_addf(b, " %ld |", m[k * K + l]);
			}
			sbuf_addc(b, '\n');
		}
		sbuf_addf(b, "\n### Decided against your vote (%zu)\n", ft->noverruled);
		if (!ft->noverruled) {
			sbuf_add(b, "\nNone: every expert decision matched your vote.\n");
			continue;
		}
		sbuf_add(b,
			 "\n| item | text | your label | expert's label | reason | rule | expert "
			 "| decided |\n|---|---|---|---|---|---|---|---|\n");
		for (size_t k = 0; k < ft->noverruled; k++) {
			const struct store_lead_overruled *o = &ft->overruled[k];
			sbuf_add(b, "| ");
			md_text(b, o->external_id);
			sbuf_add(b, " | ");
			md_text(b, o->text ? o->text : "–");
			sbuf_add(b, " | ");
			md_label(b, t, o->vote);
			sbuf_add(b, " | ");
			md_label(b, t, o->label);
			sbuf_add(b, " | ");
			md_text(b, o->reason ? o->reason : "–");
			sbuf_add(b, " | ");
			md_text(b, o->rule ? o->rule : "–");
			sbuf_add(b, " | ");
			md_text(b, o->expert);
			sbuf_add(b, " | ");
			{
				/* the date of the decision */
				char d[11];
				snprintf(d, sizeof d, "%s", o->at ? o->at : "");
				md_text(b, d);
			}
			sbuf_add(b, " |\n");
		}
	}
}
