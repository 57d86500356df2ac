/*
 * model_report: computes and formats the model section of `gavel stats`
 * (model_report.h). The figures come from the loaders in store_model.c and
 * the arithmetic in model.c; this file only combines and prints them.
 */
#include "config.h"

#include "model_report.h"
#include "store_model.h"
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct model_decided *find_decided(const struct model_decided *d, size_t n,
						int64_t item)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d[mid].item < item)
			lo = mid + 1;
		else if (d[mid].item > item)
			hi = mid;
		else
			return &d[mid];
	}
	return NULL;
}

static int queue_cmp(const void *a, const void *b)
{
	const struct model_relabel_queue *x = a, *y = b;
	if (!x->queue || !y->queue)
		return !x->queue - !y->queue;
	return strcmp(x->queue, y->queue);
}

static void relabel_compute(const struct store_task *t, const struct model_decided *d, size_t n,
			    struct model_report *r)
{
	size_t cap = 0;
	long *by_label = xcalloc(t->nlabels + 1, sizeof *by_label);

	for (size_t i = 0; i < n; i++) {
		int changed = d[i].tie || d[i].plurality < 0 || d[i].label != d[i].plurality;
		struct model_relabel_queue *q = NULL;
		int k;

		r->decided++;
		r->changed += changed;
		for (size_t j = 0; j < r->nqueues && !q; j++) {
			const char *a = r->queues[j].queue, *b = d[i].queue;
			if ((!a && !b) || (a && b && strcmp(a, b) == 0))
				q = &r->queues[j];
		}
		if (!q) {
			r->queues = xgrow(r->queues, &cap, r->nqueues + 1, sizeof *r->queues);
			q = &r->queues[r->nqueues++];
			q->queue = d[i].queue ? xstrdup(d[i].queue) : NULL;
			q->changed = q->decided = 0;
		}
		q->decided++;
		q->changed += changed;
		k = store_task_code_index(t, d[i].label);
		if (changed && k >= 0)
			by_label[k]++;
	}
	if (r->nqueues > 1)
		qsort(r->queues, r->nqueues, sizeof *r->queues, queue_cmp);
	for (size_t k = 0; k < t->nlabels; k++)
		r->nlabels += by_label[k] > 0;
	r->labels = xcalloc(r->nlabels + 1, sizeof *r->labels);
	for (size_t k = 0, j = 0; k < t->nlabels; k++) {
		if (!by_label[k])
			continue;
		r->labels[j].label = xstrdup(t->labels[k].value);
		r->labels[j++].changed = by_label[k];
	}
	free(by_label);
}

static int section_compute(struct store *st, const struct store_task *t,
			   const struct model_totals *tot, const struct model_decided *d, size_t nd,
			   struct model_section *sec, char *err)
{
	struct model_pred *p = NULL;
	size_t np = 0;
	long ag_n = 0, ag_k = 0, dis_n = 0, dis_k = 0, ve_n = 0, ve_k = 0, vc_k = 0;

	model_calibration_init(&sec->cal);
	model_rate_set(&sec->agreed, 0, 0);
	model_rate_set(&sec->disagreed, 0, 0);
	model_rate_set(&sec->vs_consensus, 0, 0);
	model_rate_set(&sec->vs_expert, 0, 0);
	model_rate_set(&sec->consensus_on_decided, 0, 0);
	if (!tot)
		return 0;
	sec->model = xstrdup(tot->model);
	sec->predictions = tot->predictions;
	model_rate_set(&sec->vs_consensus, tot->agree, tot->compared);
	if (store_model_decided_predictions(st, t->id, tot->model, &p, &np, err))
		return -1;
	for (size_t i = 0; i < np; i++) {
		const struct model_decided *x = find_decided(d, nd, p[i].item);
		int c;
		if (!x)
			continue;
		c = model_decided_consensus(x);
		model_calibration_add(&sec->cal, p[i].confidence, p[i].label == x->label);
		if (c < 0)
			continue;
		ve_n++;
		ve_k += p[i].label == x->label;
		vc_k += p[i].label == c;
		if (!x->audited)
			continue;
		if (p[i].label == c) {
			ag_n++;
			ag_k += x->label != c;
		} else {
			dis_n++;
			dis_k += x->label != c;
		}
	}
	free(p);
	model_calibration_finish(&sec->cal);
	model_rate_set(&sec->agreed, ag_k, ag_n);
	model_rate_set(&sec->disagreed, dis_k, dis_n);
	model_rate_set(&sec->vs_expert, ve_k, ve_n);
	model_rate_set(&sec->consensus_on_decided, vc_k, ve_n);
	return 0;
}

int model_report_compute(struct store *st, const struct store_task *t, struct model_report *r,
			 char *err)
{
	struct model_decided *d = NULL;
	struct model_totals *tot = NULL;
	size_t nd = 0, nt = 0;
	long audits = 0, errors = 0;
	double pa = NAN;
	int rc = -1;

	memset(r, 0, sizeof *r);
	r->task = xstrdup(t->name);
	if (store_model_decided_load(st, t->id, &d, &nd, err) ||
	    store_model_totals_load(st, t->id, &tot, &nt, err))
		goto out;
	for (size_t i = 0; i < nd; i++) {
		int c = model_decided_consensus(&d[i]);
		if (!d[i].audited)
			continue;
		r->audited++;
		if (c < 0)
			continue;
		audits++;
		errors += d[i].label != c;
	}
	model_rate_set(&r->audit, errors, audits);
	if (audits < MODEL_MIN_AUDITS && store_model_percent_agreement(st, t->id, &pa, err))
		goto out;
	model_quality_choose(audits, errors, pa, &r->q, &r->source);
	relabel_compute(t, d, nd, r);
	r->nsections = nt ? nt : 1;
	r->sections = xcalloc(r->nsections, sizeof *r->sections);
	for (size_t i = 0; i < r->nsections; i++) {
		if (section_compute(st, t, nt ? &tot[i] : NULL, d, nd, &r->sections[i], err))
			goto out;
	}
	rc = 0;
out:
	store_model_decided_free(d, nd);
	store_model_totals_free(tot, nt);
	if (rc)
		model_report_free(r);
	return rc;
}

void model_report_free(struct model_report *r)
{
	if (!r)
		return;
	free(r->task);
	for (size_t i = 0; i < r->nqueues; i++)
		free(r->queues[i].queue);
	free(r->queues);
	for (size_t i = 0; i < r->nlabels; i++)
		free(r->labels[i].label);
	free(r->labels);
	for (size_t i = 0; i < r->nsections; i++)
		free(r->sections[i].model);
	free(r->sections);
	memset(r, 0, sizeof *r);
}

static void json_ci(struct sbuf *b, const struct model_rate *x)
{
	if (x->n <= 0) {
		sbuf_add(b, "null");
		return;
	}
	sbuf_addc(b, '[');
	sbuf_add_json_num(b, x->lo);
	sbuf_addc(b, ',');
	sbuf_add_json_num(b, x->hi);
	sbuf_addc(b, ']');
}

static void json_split(struct sbuf *b, const char *key, const struct model_rate *x, int have)
{
	sbuf_addf(b, "\"%s\":", key);
	if (!have) {
		sbuf_add(b, "null");
		return;
	}
	sbuf_addf(b, "{\"items\":%ld,\"errors\":%ld,\"error_rate\":", x->n, x->k);
	sbuf_add_json_num(b, x->rate);
	sbuf_add(b, ",\"ci\":");
	json_ci(b, x);
	sbuf_addc(b, '}');
}

static void json_acc(struct sbuf *b, const char *key, const struct model_rate *x)
{
	sbuf_addf(b, "\"%s\":{\"n\":%ld,\"accuracy\":", key, x->n);
	sbuf_add_json_num(b, x->rate);
	sbuf_addc(b, '}');
}

static void json_section(struct sbuf *b, const struct model_report *r,
			 const struct model_section *s)
{
	int have = s->model != NULL;

	sbuf_add(b, "{\"model\":");
	sbuf_add_json_str_or_null(b, s->model);
	sbuf_addf(b, ",\"predictions\":%ld,\"quality\":{\"q\":", s->predictions);
	sbuf_add_json_num(b, r->q);
	sbuf_add(b, ",\"source\":");
	sbuf_add_json_str(b, r->source);
	sbuf_addf(b, ",\"audits\":%ld},", r->audit.n);

	sbuf_addf(b, "\"audit\":{\"items\":%ld,\"audits\":%ld,\"errors\":%ld,\"error_rate\":",
		  r->audited, r->audit.n, r->audit.k);
	sbuf_add_json_num(b, r->audit.rate);
	sbuf_add(b, ",\"ci\":");
	json_ci(b, &r->audit);
	sbuf_addc(b, ',');
	json_split(b, "model_agreed", &s->agreed, have);
	sbuf_addc(b, ',');
	json_split(b, "model_disagreed", &s->disagreed, have);
	sbuf_add(b, "},");

	sbuf_add(b, "\"accuracy\":{");
	json_acc(b, "vs_consensus", &s->vs_consensus);
	sbuf_addc(b, ',');
	json_acc(b, "vs_expert", &s->vs_expert);
	sbuf_addc(b, ',');
	json_acc(b, "consensus_on_decided", &s->consensus_on_decided);
	sbuf_add(b, "},");

	sbuf_add(b, "\"calibration\":{\"bins\":[");
	for (int i = 0; i < MODEL_BINS; i++) {
		const struct model_bin *x = &s->cal.bins[i];
		sbuf_addf(b, "%s{\"lo\":", i ? "," : "");
		sbuf_add_json_num(b, x->lo);
		sbuf_add(b, ",\"hi\":");
		sbuf_add_json_num(b, x->hi);
		sbuf_addf(b, ",\"n\":%ld,\"confidence\":", x->n);
		sbuf_add_json_num(b, x->confidence);
		sbuf_add(b, ",\"accuracy\":");
		sbuf_add_json_num(b, x->accuracy);
		sbuf_addc(b, '}');
	}
	sbuf_add(b, "],\"ece\":");
	sbuf_add_json_num(b, s->cal.ece);
	sbuf_addf(b, ",\"n\":%ld},", s->cal.n);

	sbuf_addf(b, "\"relabel\":{\"changed\":%ld,\"decided\":%ld,\"by_queue\":[", r->changed,
		  r->decided);
	for (size_t i = 0; i < r->nqueues; i++) {
		sbuf_add(b, i ? ",{\"queue\":" : "{\"queue\":");
		sbuf_add_json_str_or_null(b, r->queues[i].queue);
		sbuf_addf(b, ",\"changed\":%ld,\"decided\":%ld}", r->queues[i].changed,
			  r->queues[i].decided);
	}
	sbuf_add(b, "],\"by_label\":[");
	for (size_t i = 0; i < r->nlabels; i++) {
		sbuf_add(b, i ? ",{\"label\":" : "{\"label\":");
		sbuf_add_json_str(b, r->labels[i].label);
		sbuf_addf(b, ",\"changed\":%ld}", r->labels[i].changed);
	}
	sbuf_add(b, "]}}");
}

void model_report_json(struct sbuf *b, const struct model_report *r)
{
	sbuf_addc(b, '[');
	for (size_t i = 0; i < r->nsections; i++) {
		if (i)
			sbuf_addc(b, ',');
		json_section(b, r, &r->sections[i]);
	}
	sbuf_addc(b, ']');
}

/* "0.123" right-aligned in width columns, or "-" for a figure that does not apply. */
static void text_num(struct sbuf *b, int width, double v)
{
	if (isfinite(v))
		sbuf_addf(b, "%*.3f", width, v);
	else
		sbuf_addf(b, "%*s", width, "-");
}

static void text_rate(struct sbuf *b, const char *what, const struct model_rate *x)
{
	sbuf_addf(b, "    %-28s ", what);
	if (x->n <= 0) {
		sbuf_add(b, "- (no items)\n");
		return;
	}
	sbuf_addf(b, "%.3f  95%% CI [%.3f, %.3f]  (%ld of %ld)\n", x->rate, x->lo, x->hi, x->k,
		  x->n);
}

static void text_acc(struct sbuf *b, const char *what, const struct model_rate *x)
{
	sbuf_addf(b, "    %-28s ", what);
	text_num(b, 0, x->rate);
	sbuf_addf(b, "  (%ld of %ld)\n", x->k, x->n);
}

void model_report_text(struct sbuf *b, const struct model_report *r)
{
	char *task = text_clean(r->task ? r->task : "");

	sbuf_addf(b, "Model report, task %s\n", task);
	free(task);
	sbuf_add(b, "  label accuracy q ");
	text_num(b, 0, r->q);
	sbuf_addf(b, " (source: %s; %ld audit%s, %d needed)\n", r->source, r->audit.n,
		  r->audit.n == 1 ? "" : "s", MODEL_MIN_AUDITS);
	sbuf_addf(b, "  audit estimate: %ld audited item%s, %ld with a consensus\n", r->audited,
		  r->audited == 1 ? "" : "s", r->audit.n);
	text_rate(b, "label error rate", &r->audit);
	for (size_t i = 0; i < r->nsections; i++) {
		const struct model_section *s = &r->sections[i];
		char *name;
		if (!s->model) {
			sbuf_add(b, "  no model predictions\n");
			continue;
		}
		name = text_clean(s->model);
		sbuf_addf(b, "  model %s: %ld prediction%s\n", name, s->predictions,
			  s->predictions == 1 ? "" : "s");
		free(name);
		text_rate(b, "error rate, model agreed", &s->agreed);
		text_rate(b, "error rate, model disagreed", &s->disagreed);
		text_acc(b, "accuracy vs consensus", &s->vs_consensus);
		text_acc(b, "accuracy vs expert", &s->vs_expert);
		text_acc(b, "  vs consensus, same items", &s->consensus_on_decided);
		sbuf_add(b, "    calibration vs expert decisions: ECE ");
		text_num(b, 0, s->cal.ece);
		sbuf_addf(b, " over %ld decided item%s\n", s->cal.n, s->cal.n == 1 ? "" : "s");
		if (s->cal.n) {
			sbuf_add(b, "      bin          n  confidence  accuracy\n");
			for (int k = 0; k < MODEL_BINS; k++) {
				const struct model_bin *x = &s->cal.bins[k];
				sbuf_addf(b, "      [%.1f,%.1f%c %6ld  ", x->lo, x->hi,
					  k == MODEL_BINS - 1 ? ']' : ')', x->n);
				text_num(b, 10, x->confidence);
				sbuf_add(b, "  ");
				text_num(b, 8, x->accuracy);
				sbuf_addc(b, '\n');
			}
		}
	}
	sbuf_addf(b, "  relabel impact: %ld of %ld decided item%s changed from the consensus\n",
		  r->changed, r->decided, r->decided == 1 ? "" : "s");
	for (size_t i = 0; i < r->nqueues; i++) {
		char *q = text_clean(r->queues[i].queue ? r->queues[i].queue : "(no queue)");
		sbuf_addf(b, "    queue %-20s %ld of %ld\n", q, r->queues[i].changed,
			  r->queues[i].decided);
		free(q);
	}
	for (size_t i = 0; i < r->nlabels; i++) {
		char *l = text_clean(r->labels[i].label);
		sbuf_addf(b, "    to label %-17s %ld\n", l, r->labels[i].changed);
		free(l);
	}
}
