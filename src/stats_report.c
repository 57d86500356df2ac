/*
 * stats_report: text and JSON forms of the agreement report. The JSON keys
 * come out in one fixed order so that scripts and diffs can rely on them;
 * the text form is a set of small tables that fit 80 columns, names cut at a
 * character boundary with an ellipsis.
 */
#include "config.h"

#include "stats_report.h"
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void json_key(struct sbuf *b, const char *key)
{
	sbuf_add_json_str(b, key);
	sbuf_addc(b, ':');
}

/*
 * A name from data as a JSON string. sbuf_add_json_str escapes everything the
 * sanitiser would replace (controls, bidi and zero-width characters) as
 * \uXXXX, so the text is safe in a terminal and a JSON reader gets the name
 * back exactly; the sanitiser's visible tokens (^J, <RLO>) would change it.
 */
static void json_name(struct sbuf *b, const char *s)
{
	sbuf_add_json_str(b, s ? s : "");
}

static const char *annotator_name(const struct stats_report_task *t, int a)
{
	return t->annotators && a >= 0 && a < t->nannotators && t->annotators[a] ? t->annotators[a]
										 : "?";
}

static void json_ds(struct sbuf *b, const struct stats_report_task *t)
{
	const struct truth_ds *d = t->truth ? &t->truth->ds : NULL;
	struct truth_opts o;
	sbuf_add(b, ",\"ds\":");
	if (!d || !d->priors) {
		sbuf_add(b, "null");
		return;
	}
	truth_opts_default(&o);
	sbuf_addf(b, "{\"iterations\":%d,\"converged\":%s,\"max_iter\":%d,\"tolerance\":",
		  d->iterations, d->converged ? "true" : "false", o.max_iter);
	sbuf_addf(b, "%g", o.tol);
	sbuf_addf(b, ",\"decided_items\":%zu,\"priors\":{", t->truth->ngold);
	for (int k = 0; k < d->nlabels && (size_t)k < t->task->nlabels; k++) {
		if (k)
			sbuf_addc(b, ',');
		sbuf_add_json_str(b, t->task->labels[k].value);
		sbuf_addc(b, ':');
		sbuf_add_json_num(b, d->priors[k]);
	}
	sbuf_add(b, "}}");
}

static void mve_totals(const struct stats_report_task *t, long *decided, long *over)
{
	*decided = *over = 0;
	for (size_t i = 0; i < t->nmve; i++) {
		*decided += t->mve[i].decided;
		*over += t->mve[i].overturned;
	}
}

static void json_mve(struct sbuf *b, const struct stats_report_task *t)
{
	long decided, over;
	mve_totals(t, &decided, &over);
	sbuf_addf(b, ",\"majority_vs_expert\":{\"decided\":%ld,\"overturned\":%ld,\"rate\":",
		  decided, over);
	sbuf_add_json_num(b, decided ? (double)over / decided : NAN);
	sbuf_add(b, ",\"by_rule\":[");
	for (size_t i = 0; i < t->nmve; i++) {
		const struct mve_row *m = &t->mve[i];
		sbuf_add(b, i ? ",{\"rule\":" : "{\"rule\":");
		if (m->rule)
			sbuf_add_json_str(b, m->rule);
		else
			sbuf_add(b, "null");
		sbuf_addf(b, ",\"decided\":%ld,\"overturned\":%ld,\"rate\":", m->decided,
			  m->overturned);
		sbuf_add_json_num(b, (double)m->overturned / m->decided);
		sbuf_addc(b, '}');
	}
	sbuf_add(b, "]}");
}

static void text_truth(struct sbuf *b, const struct stats_report_task *t)
{
	const struct truth_ds *d = t->truth ? &t->truth->ds : NULL;
	long decided, over;
	if (d && d->priors) {
		sbuf_addf(b, "\n  Dawid-Skene: %s after %d iteration%s, %zu expert decision%s as known"
			     " labels\n  priors:",
			  d->converged ? "converged" : "stopped at the cap", d->iterations,
			  d->iterations == 1 ? "" : "s", t->truth->ngold,
			  t->truth->ngold == 1 ? "" : "s");
		for (int k = 0; k < d->nlabels && (size_t)k < t->task->nlabels; k++) {
			char *l = text_clean(t->task->labels[k].value);
			sbuf_addf(b, " %s %.3f", l, d->priors[k]);
			free(l);
		}
		sbuf_addc(b, '\n');
	}
	mve_totals(t, &decided, &over);
	if (decided) {
		sbuf_addf(b, "  majority vs expert: the expert overturned %ld of %ld strict majorities"
			     " (%.1f%%)\n",
			  over, decided, 100.0 * over / decided);
		for (size_t i = 0; i < t->nmve; i++) {
			char *r = text_clean(t->mve[i].rule ? t->mve[i].rule : "(no rule)");
			sbuf_addf(b, "    rule %-12s %ld of %ld\n", r, t->mve[i].overturned,
				  t->mve[i].decided);
			free(r);
		}
	}
	if (t->lead_text)
		sbuf_add(b, t->lead_text);
	if (t->model_text) {
		sbuf_addc(b, '\n');
		sbuf_add(b, t->model_text);
	}
	if (t->labelerr_text) {
		sbuf_addc(b, '\n');
		sbuf_add(b, t->labelerr_text);
	}
}

static void json_task(struct sbuf *b, const struct stats_report_task *t)
{
	const struct stats_result *r = t->res;
	const struct store_task *task = t->task;

	sbuf_addc(b, '{');
	json_key(b, "task");
	json_name(b, task->name);
	sbuf_addc(b, ',');
	json_key(b, "scale");
	sbuf_add_json_str(b, store_scale_name(task->scale));
	sbuf_addf(b, ",\"items\":%zu,\"votes\":%zu,", r->items, r->votes);
	json_key(b, "votes_per_item");
	if (r->items)
		sbuf_addf(b, "{\"min\":%u,\"mean\":", r->n_min);
	else
		sbuf_add(b, "{\"min\":null,\"mean\":");
	sbuf_add_json_num(b, r->n_mean);
	if (r->items)
		sbuf_addf(b, ",\"max\":%u},", r->n_max);
	else
		sbuf_add(b, ",\"max\":null},");
	sbuf_addf(b, "\"items_compared\":%zu,\"annotators\":%d,", r->items_multi, t->nannotators);
	json_key(b, "percent_agreement");
	sbuf_add_json_num(b, r->percent_agreement);
	sbuf_addc(b, ',');
	json_key(b, "expected_agreement");
	sbuf_add_json_num(b, r->expected_agreement);
	sbuf_addc(b, ',');
	json_key(b, "fleiss_kappa");
	sbuf_add_json_num(b, r->fleiss_kappa);
	sbuf_addf(b, ",\"fleiss_varying_n\":%s,", r->varying_n ? "true" : "false");
	json_key(b, "krippendorff_alpha");
	sbuf_add(b, "{\"nominal\":");
	sbuf_add_json_num(b, r->alpha_nominal);
	sbuf_add(b, ",\"ordinal\":");
	sbuf_add_json_num(b, r->alpha_ordinal);
	sbuf_add(b, ",\"interval\":");
	sbuf_add_json_num(b, r->alpha_interval);
	sbuf_add(b, "},");
	json_key(b, "krippendorff_alpha_ci");
	if (r->bootstrap > 0) {
		sbuf_add(b, "{\"nominal\":[");
		sbuf_add_json_num(b, r->alpha_lo);
		sbuf_addc(b, ',');
		sbuf_add_json_num(b, r->alpha_hi);
		sbuf_addf(b, "],\"replicates\":%d,\"seed\":%llu},", r->bootstrap,
			  (unsigned long long)t->seed);
	} else {
		sbuf_add(b, "null,");
	}
	json_key(b, "cohen_kappa");
	sbuf_addc(b, '[');
	for (size_t p = 0; p < r->npairs; p++) {
		const struct stats_pair *q = &r->pairs[p];
		sbuf_add(b, p ? ",{\"a\":" : "{\"a\":");
		json_name(b, annotator_name(t, q->a));
		sbuf_add(b, ",\"b\":");
		json_name(b, annotator_name(t, q->b));
		sbuf_addf(b, ",\"n\":%u,\"kappa\":", q->n);
		sbuf_add_json_num(b, q->kappa);
		sbuf_addc(b, '}');
	}
	sbuf_add(b, "],");
	json_key(b, "labels");
	sbuf_addc(b, '[');
	for (int k = 0; k < r->nlabels && (size_t)k < task->nlabels; k++) {
		const struct stats_label *l = &r->labels[k];
		sbuf_add(b, k ? ",{\"label\":" : "{\"label\":");
		json_name(b, task->labels[k].value);
		sbuf_add(b, ",\"name\":");
		json_name(b, task->labels[k].name);
		sbuf_addf(b,
			  ",\"count\":%llu,\"specific_agreement\":", (unsigned long long)l->count);
		sbuf_add_json_num(b, l->specific_agreement);
		sbuf_add(b, ",\"kappa\":");
		sbuf_add_json_num(b, l->kappa);
		sbuf_addc(b, '}');
	}
	sbuf_add(b, "],");
	sbuf_addf(b, "\"disputed\":%zu,\"flagged\":%s,\"threshold\":", r->disputed,
		  r->flagged ? "true" : "false");
	sbuf_add_json_num(b, r->threshold);
	json_ds(b, t);
	json_mve(b, t);
	sbuf_add(b, ",\"models\":");
	sbuf_add(b, t->model_json ? t->model_json : "null");
	sbuf_add(b, ",\"label_errors\":");
	sbuf_add(b, t->labelerr_json ? t->labelerr_json : "null");
	if (t->lead_json) {
		sbuf_add(b, ",\"lead\":");
		sbuf_add(b, t->lead_json);
	}
	sbuf_addc(b, '}');
}

void stats_report_json(struct sbuf *b, const struct stats_report_task *t, size_t n,
		       const char *audit_head)
{
	sbuf_add(b, "{\"audit_head\":");
	if (audit_head)
		json_name(b, audit_head);
	else
		sbuf_add(b, "null");
	sbuf_add(b, ",\"tasks\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_addc(b, ',');
		json_task(b, &t[i]);
	}
	sbuf_add(b, "]}\n");
}

/* A figure with 4 decimals, or "-" when it does not apply. */
static void text_num(struct sbuf *b, double v, int width)
{
	if (isfinite(v))
		sbuf_addf(b, "%*.4f", width, v);
	else
		sbuf_addf(b, "%*s", width, "-");
}

static int pair_by_kappa(const void *x, const void *y)
{
	const struct stats_pair *p = *(const struct stats_pair *const *)x;
	const struct stats_pair *q = *(const struct stats_pair *const *)y;
	/* undefined kappas last, then lowest first, then by pair for stability */
	int pn = !isfinite(p->kappa), qn = !isfinite(q->kappa);
	if (pn != qn)
		return pn - qn;
	if (!pn && p->kappa != q->kappa)
		return p->kappa < q->kappa ? -1 : 1;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

static void text_pairs(struct sbuf *b, const struct stats_report_task *t, size_t max_pairs)
{
	const struct stats_result *r = t->res;
	const struct stats_pair **shown;
	size_t nshow = r->npairs, defined = 0;
	double sum = 0, lo = INFINITY, hi = -INFINITY;

	sbuf_add(b, "\n  Cohen's kappa per annotator pair (pairs with >= 10 shared items)\n");
	if (!r->npairs) {
		sbuf_add(b, "    no annotator pair shares 10 items\n");
		return;
	}
	shown = xmalloc(r->npairs * sizeof *shown);
	for (size_t p = 0; p < r->npairs; p++) {
		shown[p] = &r->pairs[p];
		if (isfinite(r->pairs[p].kappa)) {
			defined++;
			sum += r->pairs[p].kappa;
			lo = fmin(lo, r->pairs[p].kappa);
			hi = fmax(hi, r->pairs[p].kappa);
		}
	}
	if (r->npairs > max_pairs) {
		qsort(shown, r->npairs, sizeof *shown, pair_by_kappa);
		nshow = max_pairs;
		sbuf_addf(b, "    %zu pairs; kappa mean ", r->npairs);
		text_num(b, defined ? sum / (double)defined : NAN, 0);
		sbuf_add(b, ", min ");
		text_num(b, defined ? lo : NAN, 0);
		sbuf_add(b, ", max ");
		text_num(b, defined ? hi : NAN, 0);
		sbuf_addf(b, "; the %zu lowest (all with --json):\n", nshow);
	}
	sbuf_add(b, "    annotator A           annotator B           shared    kappa\n");
	for (size_t p = 0; p < nshow; p++) {
		sbuf_add(b, "    ");
		text_cell(b, annotator_name(t, shown[p]->a), 20);
		sbuf_add(b, "  ");
		text_cell(b, annotator_name(t, shown[p]->b), 20);
		sbuf_addf(b, "  %6u  ", shown[p]->n);
		text_num(b, shown[p]->kappa, 7);
		sbuf_addc(b, '\n');
	}
	free(shown);
}

static void text_task(struct sbuf *b, const struct stats_report_task *t, size_t max_pairs)
{
	const struct stats_result *r = t->res;
	const struct store_task *task = t->task;
	char *name = text_clean(task->name);

	sbuf_addf(b, "Task %s (%s, %zu label%s, %d annotator%s)\n", name,
		  store_scale_name(task->scale), task->nlabels, task->nlabels == 1 ? "" : "s",
		  t->nannotators, t->nannotators == 1 ? "" : "s");
	free(name);
	sbuf_addf(b, "  items %zu, votes %zu, votes per item ", r->items, r->votes);
	if (r->items) {
		sbuf_addf(b, "%u / %.2f / %u (min / mean / max)\n", r->n_min, r->n_mean, r->n_max);
	} else {
		sbuf_add(b, "-\n");
	}
	sbuf_addf(b, "  items compared (2+ votes) %zu, disputed (not unanimous) %zu\n",
		  r->items_multi, r->disputed);
	sbuf_add(b, "  percent agreement    ");
	text_num(b, r->percent_agreement, 7);
	sbuf_add(b, "   (chance ");
	text_num(b, r->expected_agreement, 0);
	sbuf_add(b, ", threshold ");
	text_num(b, r->threshold, 0);
	sbuf_add(b, ")\n  Fleiss' kappa        ");
	text_num(b, r->fleiss_kappa, 7);
	if (r->varying_n)
		sbuf_add(b, "   (generalised: votes per item vary)");
	sbuf_add(b, "\n  Krippendorff alpha   nominal ");
	text_num(b, r->alpha_nominal, 0);
	sbuf_add(b, "  ordinal ");
	text_num(b, r->alpha_ordinal, 0);
	sbuf_add(b, "  interval ");
	text_num(b, r->alpha_interval, 0);
	sbuf_addc(b, '\n');
	if (r->bootstrap > 0) {
		sbuf_add(b, "  nominal alpha 95% bootstrap interval [");
		text_num(b, r->alpha_lo, 0);
		sbuf_add(b, ", ");
		text_num(b, r->alpha_hi, 0);
		sbuf_addf(b, "] (%d replicates over items, seed %llu)\n", r->bootstrap,
			  (unsigned long long)t->seed);
	}

	sbuf_add(b, "\n  label                       votes  specific agr.  kappa\n");
	for (int k = 0; k < r->nlabels && (size_t)k < task->nlabels; k++) {
		const struct stats_label *l = &r->labels[k];
		sbuf_add(b, "  ");
		text_cell(b, task->labels[k].value, 24);
		sbuf_addf(b, "  %7llu  ", (unsigned long long)l->count);
		text_num(b, l->specific_agreement, 13);
		sbuf_add(b, "  ");
		text_num(b, l->kappa, 7);
		sbuf_addc(b, '\n');
	}
	text_pairs(b, t, max_pairs);

	sbuf_add(b, "\n  flags: ");
	if (r->flagged) {
		sbuf_add(b, "GUIDELINES NEED WORK: percent agreement ");
		text_num(b, r->percent_agreement, 0);
		sbuf_add(b, " is below the threshold ");
		text_num(b, r->threshold, 0);
		sbuf_addc(b, '\n');
	} else if (!r->items_multi) {
		sbuf_add(b, "no item has two votes; agreement cannot be measured\n");
	} else {
		sbuf_add(b, "none\n");
	}
	text_truth(b, t);
}

void stats_report_text(struct sbuf *b, const struct stats_report_task *t, size_t n,
		       const char *audit_head, size_t max_pairs)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_addc(b, '\n');
		text_task(b, &t[i], max_pairs);
	}
	if (!n)
		sbuf_add(b, "No tasks in this project.\n");
	if (audit_head) {
		char *h = text_clean(audit_head);
		sbuf_addf(b, "\naudit head %s\n", h);
		free(h);
	}
}
