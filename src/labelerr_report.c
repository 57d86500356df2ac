/*
 * labelerr_report: computes and formats the label-error section of `gavel
 * stats` (labelerr_report.h). The inputs come from store_labelerr.c and
 * store_model.c, the arithmetic from labelerr.c; this file checks that a
 * figure can be given, combines and prints.
 */
#include "config.h"

#include "labelerr_report.h"
#include "cli.h"
#include "project.h"
#include "store_model.h"
#include "text.h"
#include "truth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The rules of the queues whose decisions measure how often they find a wrong label. */
static int finds_errors(const char *rule)
{
	return strcmp(rule, "label-issues") == 0 || strcmp(rule, "model-disagrees") == 0 ||
	       strcmp(rule, "uncertain") == 0;
}

int labelerr_queue_model(struct store *st, const char *task, char **model, char *err)
{
	struct queue_def *defs;
	size_t n;

	*model = NULL;
	if (project_queues(st, &defs, &n, err))
		return -1;
	for (size_t i = 0; i < n && !*model; i++) {
		if (strcmp(defs[i].rule, "label-issues") != 0 || !defs[i].model)
			continue;
		if (!defs[i].task || strcmp(defs[i].task, task) == 0)
			*model = xstrdup(defs[i].model);
	}
	project_queues_free(defs, n);
	return 0;
}

/* Audit measurement and queue precision from the task's decided items. */
static int decided_figures(struct store *st, const struct store_task *t, struct labelerr_report *r,
			   char *err)
{
	struct model_decided *d = NULL;
	struct queue_def *defs = NULL;
	size_t nd = 0, ndefs = 0;
	long audits = 0, errors = 0;

	if (store_model_decided_load(st, t->id, &d, &nd, err) ||
	    project_queues(st, &defs, &ndefs, err)) {
		store_model_decided_free(d, nd);
		return -1;
	}
	for (size_t i = 0; i < nd; i++) {
		int c = model_decided_consensus(&d[i]);
		if (!d[i].audited || c < 0)
			continue;
		audits++;
		errors += d[i].label != c;
	}
	model_rate_set(&r->audit, errors, audits);
	r->precision = xcalloc(ndefs + 1, sizeof *r->precision);
	for (size_t q = 0; q < ndefs; q++) {
		struct labelerr_precision *p;
		long decided = 0, changed = 0;
		if (!finds_errors(defs[q].rule) || (defs[q].task && strcmp(defs[q].task, t->name)))
			continue;
		/* Changed: the expert's label is not the plurality of the votes (a
		 * tie or no votes count as changed), as the relabel impact counts. */
		for (size_t i = 0; i < nd; i++) {
			if (!d[i].queue || strcmp(d[i].queue, defs[q].name) != 0)
				continue;
			decided++;
			changed += d[i].tie || d[i].plurality < 0 || d[i].label != d[i].plurality;
		}
		p = &r->precision[r->nprecision++];
		p->queue = xstrdup(defs[q].name);
		p->rule = xstrdup(defs[q].rule);
		model_rate_set(&p->changed, changed, decided);
	}
	store_model_decided_free(d, nd);
	project_queues_free(defs, ndefs);
	return 0;
}

/* Why the loaded items give no figure, into r->error; 0 when they do. */
static int check_enough(const struct labelerr_report *r, const struct store_labelerr *d,
			struct labelerr_report *out)
{
	struct sbuf b = {0};
	struct labelerr_data x = store_labelerr_data(d);
	long *counts = xcalloc((size_t)d->k, sizeof *counts);
	int used = 0, ok = labelerr_usable(&x, counts);

	for (int j = 0; j < d->k; j++)
		used += counts[j] > 0;
	if (d->n == 0 && d->no_distribution) {
		sbuf_addf(&b,
			  "model '%s' gives only its top label's confidence on %ld item%s:"
			  " confident learning needs a probability for every label",
			  r->src.model, d->no_distribution, d->no_distribution == 1 ? "" : "s");
	} else if (d->n == 0) {
		sbuf_addf(&b, "none of the %ld item%s model '%s' predicted has a label yet",
			  d->predictions, d->predictions == 1 ? "" : "s", r->src.model);
	} else if (!ok) {
		sbuf_addf(&b,
			  "too few items per label for confident learning (it needs %d of each"
			  " label in use):",
			  LABELERR_MIN_ITEMS);
		for (int j = 0, first = 1; j < d->k; j++) {
			if (!counts[j] || (used >= 2 && counts[j] >= LABELERR_MIN_ITEMS))
				continue;
			sbuf_addf(&b, "%s '%s' has %ld", first ? "" : ",", r->labels[j], counts[j]);
			first = 0;
		}
		if (used < 2)
			sbuf_add(&b, " (one label in use)");
	}
	free(counts);
	out->error = b.s ? sbuf_take(&b) : NULL;
	return out->error != NULL;
}

int labelerr_report_compute(struct store *st, const struct store_task *t,
			    const struct store_truth *tr, int no_ds, int bootstrap, uint64_t seed,
			    struct labelerr_report *r, char *err)
{
	struct store_labelerr d = {0};
	char *want = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	r->task = xstrdup(t->name);
	r->k = (int)t->nlabels;
	r->no_ds = no_ds;
	r->labels = xcalloc(t->nlabels + 1, sizeof *r->labels);
	for (size_t j = 0; j < t->nlabels; j++)
		r->labels[j] = xstrdup(t->labels[j].value);
	model_rate_set(&r->audit, 0, 0);
	if (decided_figures(st, t, r, err) || labelerr_queue_model(st, t->name, &want, err))
		goto fail;
	rc = store_labelerr_source(st, t, want, &r->src, err);
	free(want);
	if (rc < 0)
		goto fail;
	if (rc == 2) {
		r->error = xstrdup(err);
		return 0;
	}
	if (rc > 0) {
		r->error = xstrdup("no predictions: import a model's out-of-sample probabilities"
				   " (gavel import PROJECT.db predictions FILE --model NAME)");
		return 0;
	}
	if (t->nlabels < 2 || t->nlabels > LABELERR_MAX_LABELS) {
		struct sbuf b = {0};
		sbuf_addf(&b, "the task has %zu label%s; confident learning needs 2 to %d",
			  t->nlabels, t->nlabels == 1 ? "" : "s", LABELERR_MAX_LABELS);
		r->error = sbuf_take(&b);
		return 0;
	}
	if (store_labelerr_load(st, t, r->src.model, tr, no_ds, &d, err)) {
		/* A damaged record costs the section its figure, not the whole
		 * report its other sections. */
		r->error = xstrdup(err);
		return 0;
	}
	r->predictions = d.predictions;
	r->items = (long)d.n;
	r->from_expert = d.from_expert;
	r->from_ds = d.from_ds;
	r->from_plurality = d.from_plurality;
	r->no_label = d.no_label;
	r->no_distribution = d.no_distribution;
	if (!check_enough(r, &d, r)) {
		struct labelerr_data x = store_labelerr_data(&d);
		struct labelerr_issue *v = NULL;
		if (labelerr_estimate(&x, bootstrap, seed, &r->res, err))
			goto fail;
		r->have = 1;
		r->issues = (long)labelerr_issues(&x, &r->res, &v);
		free(v);
	}
	store_labelerr_free(&d);
	return 0;
fail:
	store_labelerr_free(&d);
	labelerr_report_free(r);
	return -1;
}

void labelerr_report_free(struct labelerr_report *r)
{
	if (!r)
		return;
	for (int j = 0; r->labels && j < r->k; j++)
		free(r->labels[j]);
	free(r->labels);
	free(r->task);
	free(r->error);
	store_labelerr_src_free(&r->src);
	labelerr_result_free(&r->res);
	for (size_t i = 0; i < r->nprecision; i++) {
		free(r->precision[i].queue);
		free(r->precision[i].rule);
	}
	free(r->precision);
	memset(r, 0, sizeof *r);
}

static const char method[] = "confident learning, prune by noise rate (Northcutt, Jiang and"
			     " Chuang 2021, as cleanlab's find_label_issues)";

static const char *labels_from(const struct labelerr_report *r)
{
	return r->no_ds ? "expert decision, else plurality"
			: "expert decision, else Dawid-Skene, else plurality";
}

static void json_ci(struct sbuf *b, double lo, double hi)
{
	if (!isfinite(lo) || !isfinite(hi)) {
		sbuf_add(b, "null");
		return;
	}
	sbuf_addc(b, '[');
	sbuf_add_json_num(b, lo);
	sbuf_addc(b, ',');
	sbuf_add_json_num(b, hi);
	sbuf_addc(b, ']');
}

/* Off-diagonal pairs with a count, most estimated first (then label order). */
struct pair {
	int g, j;
	long confident, estimated;
	size_t x; /* the cell in the k * k arrays */
};

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->estimated != y->estimated)
		return x->estimated > y->estimated ? -1 : 1;
	if (x->g != y->g)
		return x->g - y->g;
	return x->j - y->j;
}

static struct pair *pairs(const struct labelerr_report *r, size_t *n)
{
	int k = r->res.k;
	struct pair *v = xmalloc(((size_t)k * (size_t)k + 1) * sizeof *v);
	*n = 0;
	for (int g = 0; g < k; g++) {
		for (int j = 0; j < k; j++) {
			size_t x = (size_t)g * (size_t)k + (size_t)j;
			if (g == j || (!r->res.confident[x] && !r->res.calibrated[x]))
				continue;
			v[(*n)++] =
				(struct pair){g, j, r->res.confident[x], r->res.calibrated[x], x};
		}
	}
	if (*n > 1)
		qsort(v, *n, sizeof *v, pair_cmp);
	return v;
}

void labelerr_report_json(struct sbuf *b, const struct labelerr_report *r)
{
	sbuf_add(b, "{\"method\":");
	sbuf_add_json_str(b, method);
	sbuf_add(b, ",\"model\":");
	sbuf_add_json_str_or_null(b, r->src.model);
	sbuf_add(b, ",\"model_chosen\":");
	sbuf_add_json_str_or_null(b, r->src.chosen);
	sbuf_add(b, ",\"import\":");
	if (r->src.import_seq) {
		sbuf_addf(b, "{\"event\":%ld,\"at\":", r->src.import_seq);
		sbuf_add_json_str_or_null(b, r->src.import_at);
		sbuf_add(b, ",\"file\":");
		sbuf_add_json_str_or_null(b, r->src.import_file);
		sbuf_addc(b, '}');
	} else {
		sbuf_add(b, "null");
	}
	sbuf_add(b, ",\"labels_from\":");
	sbuf_add_json_str(b, labels_from(r));
	sbuf_addf(b,
		  ",\"predictions\":%ld,\"items\":%ld,\"from_expert\":%ld,\"from_ds\":%ld,"
		  "\"from_plurality\":%ld,\"no_label\":%ld,\"no_distribution\":%ld",
		  r->predictions, r->items, r->from_expert, r->from_ds, r->from_plurality,
		  r->no_label, r->no_distribution);
	if (r->have) {
		size_t np;
		struct pair *v = pairs(r, &np);
		sbuf_addf(b, ",\"estimated_errors\":%ld,\"estimated_rate\":", r->res.errors);
		sbuf_add_json_num(b, r->res.rate);
		sbuf_add(b, ",\"ci\":");
		json_ci(b, r->res.lo, r->res.hi);
		sbuf_addf(b, ",\"bootstrap\":%d,\"seed\":%llu,\"thresholds\":{", r->res.bootstrap,
			  (unsigned long long)r->res.seed);
		for (int j = 0; j < r->k; j++) {
			if (j)
				sbuf_addc(b, ',');
			sbuf_add_json_str(b, r->labels[j]);
			sbuf_addc(b, ':');
			sbuf_add_json_num(b, r->res.thresholds[j]);
		}
		sbuf_add(b, "},\"pairs\":[");
		for (size_t i = 0; i < np; i++) {
			sbuf_add(b, i ? ",{\"given\":" : "{\"given\":");
			sbuf_add_json_str(b, r->labels[v[i].g]);
			sbuf_add(b, ",\"true\":");
			sbuf_add_json_str(b, r->labels[v[i].j]);
			sbuf_addf(b,
				  ",\"confident\":%ld,\"estimated\":%ld,\"share\":", v[i].confident,
				  v[i].estimated);
			sbuf_add_json_num(b, (double)v[i].estimated / (double)r->res.n);
			sbuf_add(b, ",\"ci\":");
			json_ci(b, r->res.joint_lo[v[i].x], r->res.joint_hi[v[i].x]);
			sbuf_addc(b, '}');
		}
		sbuf_addf(b, "],\"issues\":%ld", r->issues);
		free(v);
	} else {
		sbuf_add(b, ",\"estimated_errors\":null,\"estimated_rate\":null,\"ci\":null,"
			    "\"bootstrap\":null,\"seed\":null,\"thresholds\":null,\"pairs\":[],"
			    "\"issues\":null");
	}
	sbuf_addf(b, ",\"audit\":{\"audits\":%ld,\"errors\":%ld,\"rate\":", r->audit.n, r->audit.k);
	sbuf_add_json_num(b, r->audit.rate);
	sbuf_add(b, ",\"ci\":");
	json_ci(b, r->audit.lo, r->audit.hi);
	sbuf_add(b, "},\"queue_precision\":[");
	for (size_t i = 0; i < r->nprecision; i++) {
		const struct labelerr_precision *p = &r->precision[i];
		sbuf_add(b, i ? ",{\"queue\":" : "{\"queue\":");
		sbuf_add_json_str(b, p->queue);
		sbuf_add(b, ",\"rule\":");
		sbuf_add_json_str(b, p->rule);
		sbuf_addf(b, ",\"decided\":%ld,\"changed\":%ld,\"precision\":", p->changed.n,
			  p->changed.k);
		sbuf_add_json_num(b, p->changed.rate);
		sbuf_add(b, ",\"ci\":");
		json_ci(b, p->changed.lo, p->changed.hi);
		sbuf_addc(b, '}');
	}
	sbuf_add(b, "],\"error\":");
	sbuf_add_json_str_or_null(b, r->error);
	sbuf_addc(b, '}');
}

/* "7.9%" of a share. */
static void pct(struct sbuf *b, double x)
{
	sbuf_addf(b, "%.1f%%", 100 * x);
}

/* "[6.8, 9.1]" of an interval of shares. */
static void pct_ci(struct sbuf *b, double lo, double hi)
{
	sbuf_addf(b, "[%.1f, %.1f]", 100 * lo, 100 * hi);
}

/* "7.9% [6.8, 9.1]": the estimated rate and, when there is one, its interval. */
static void add_estimate(struct sbuf *b, const struct labelerr_report *r)
{
	pct(b, r->res.rate);
	if (isfinite(r->res.lo)) {
		sbuf_addc(b, ' ');
		pct_ci(b, r->res.lo, r->res.hi);
	}
}

/* "; blind audit measured 8.5% [5.4, 12.9] on 212 items" when audits exist. */
static void add_audit(struct sbuf *b, const struct labelerr_report *r)
{
	if (r->audit.n <= 0)
		return;
	sbuf_add(b, "; blind audit measured ");
	pct(b, r->audit.rate);
	sbuf_addc(b, ' ');
	pct_ci(b, r->audit.lo, r->audit.hi);
	sbuf_addf(b, " on %ld item%s", r->audit.n, r->audit.n == 1 ? "" : "s");
}

void labelerr_report_headline(struct sbuf *b, const struct labelerr_report *r)
{
	const char *file = r->src.import_file, *slash = file ? strrchr(file, '/') : NULL;

	if (r->have) {
		sbuf_add(b, "confident learning estimates ");
		add_estimate(b, r);
		sbuf_addf(b, " (%ld of %ld labels)", r->res.errors, r->items);
	} else {
		sbuf_addf(b, "no estimate: %s", r->error ? r->error : "no figure");
	}
	add_audit(b, r);
	if (r->src.model) {
		sbuf_addf(b, "; model %s (%s", r->src.model, r->src.chosen);
		if (r->src.import_seq)
			sbuf_addf(b, ", import #%ld at %s of %s", r->src.import_seq,
				  r->src.import_at ? r->src.import_at : "?",
				  slash	 ? slash + 1
				  : file ? file
					 : "?");
		sbuf_addc(b, ')');
	}
}

void labelerr_report_precision(struct sbuf *b, const struct labelerr_report *r)
{
	if (!r->nprecision)
		return;
	sbuf_add(b, "precision so far (changed / decided):");
	for (size_t i = 0; i < r->nprecision; i++) {
		const struct model_rate *m = &r->precision[i].changed;
		sbuf_addf(b, " %s %ld/%ld", r->precision[i].queue, m->k, m->n);
		if (m->n)
			sbuf_addf(b, " (%.0f%%)", 100 * m->rate);
		if (i + 1 < r->nprecision)
			sbuf_addc(b, ',');
	}
}

void labelerr_report_text(struct sbuf *b, const struct labelerr_report *r)
{
	char *task = text_clean(r->task ? r->task : "");

	sbuf_addf(b, "Label errors, task %s\n", task);
	free(task);
	if (r->src.model) {
		char *m = text_clean(r->src.model);
		sbuf_addf(b, "  model %s (%s", m, r->src.chosen);
		free(m);
		if (r->src.import_seq) {
			char *f = text_clean(r->src.import_file ? r->src.import_file : "?");
			sbuf_addf(b, "; import event %ld, %s, %s", r->src.import_seq, f,
				  r->src.import_at ? r->src.import_at : "?");
			free(f);
		}
		sbuf_add(b, "): its probabilities must be out of sample\n");
	}
	if (r->have) {
		size_t np;
		struct pair *v = pairs(r, &np);
		sbuf_add(b, "  confident learning estimates ");
		add_estimate(b, r);
		add_audit(b, r);
		sbuf_addf(b,
			  "\n    %ld of %ld labels wrong (95%% bootstrap interval, %d resamples,"
			  " seed %llu)\n",
			  r->res.errors, r->items, r->res.bootstrap,
			  (unsigned long long)r->res.seed);
		sbuf_addf(b, "    labels: %ld expert, %ld Dawid-Skene, %ld plurality",
			  r->from_expert, r->from_ds, r->from_plurality);
		if (r->no_label || r->no_distribution)
			sbuf_addf(b,
				  "; %ld predicted item%s without a label, %ld without a"
				  " probability per label",
				  r->no_label, r->no_label == 1 ? "" : "s", r->no_distribution);
		sbuf_addc(b, '\n');
		if (np)
			sbuf_add(b, "    given -> likely true          estimated  share [95% CI]"
				    "      confident\n");
		for (size_t i = 0; i < np; i++) {
			char *g = text_clean(r->labels[v[i].g]), *j = text_clean(r->labels[v[i].j]);
			char *gf = text_fit(g, 14, NULL), *jf = text_fit(j, 14, NULL);
			struct sbuf pair = {0};
			size_t w;
			sbuf_addf(&pair, "%s -> %s", gf, jf);
			w = text_width(pair.s);
			sbuf_addf(b, "    %s%*s %9ld  ", pair.s, (int)(w < 30 ? 30 - w : 0), "",
				  v[i].estimated);
			{
				struct sbuf cell = {0};
				pct(&cell, (double)v[i].estimated / (double)r->res.n);
				if (isfinite(r->res.joint_lo[v[i].x])) {
					sbuf_addc(&cell, ' ');
					pct_ci(&cell, r->res.joint_lo[v[i].x],
					       r->res.joint_hi[v[i].x]);
				}
				sbuf_addf(b, "%-19s", cell.s);
				sbuf_free(&cell);
			}
			sbuf_addf(b, "%9ld\n", v[i].confident);
			sbuf_free(&pair);
			free(g);
			free(j);
			free(gf);
			free(jf);
		}
		sbuf_addf(b, "    label-issues finds %ld item%s\n", r->issues,
			  r->issues == 1 ? "" : "s");
		free(v);
	} else if (r->error) {
		char *e = text_clean(r->error);
		sbuf_addf(b, "  no estimate: %s\n", e);
		free(e);
		if (r->audit.n > 0) {
			sbuf_add(b, "  blind audit measured ");
			pct(b, r->audit.rate);
			sbuf_addc(b, ' ');
			pct_ci(b, r->audit.lo, r->audit.hi);
			sbuf_addf(b, " on %ld item%s\n", r->audit.n, r->audit.n == 1 ? "" : "s");
		}
	}
	if (r->nprecision)
		sbuf_add(b,
			 "  precision so far (of the items experts decided in the queue, how many"
			 " they changed):\n");
	for (size_t i = 0; i < r->nprecision; i++) {
		const struct labelerr_precision *p = &r->precision[i];
		char *q = text_clean(p->queue);
		sbuf_addf(b, "    %-20s %ld of %ld", q, p->changed.k, p->changed.n);
		if (p->changed.n > 0) {
			sbuf_add(b, " (");
			pct(b, p->changed.rate);
			sbuf_addc(b, ' ');
			pct_ci(b, p->changed.lo, p->changed.hi);
			sbuf_addc(b, ')');
		}
		sbuf_addc(b, '\n');
		free(q);
	}
}

int labelerr_report_all(struct store *st, const char *task, int no_ds, int bootstrap, uint64_t seed,
			int json, struct sbuf *out, char *err)
{
	struct store_task *tasks = NULL;
	size_t ntasks = 0, shown = 0;
	int rc = -1;

	if (store_task_list(st, &tasks, &ntasks, err))
		return -1;
	if (task) {
		int found = 0;
		for (size_t i = 0; i < ntasks; i++)
			found |= strcmp(tasks[i].name, task) == 0;
		if (!found) {
			cli_task_missing(st, task, err);
			goto out;
		}
	}
	if (json)
		sbuf_add(out, "{\"tasks\":[");
	for (size_t i = 0; i < ntasks; i++) {
		struct labelerr_report r;
		if (task && strcmp(tasks[i].name, task) != 0)
			continue;
		if (labelerr_report_compute(st, &tasks[i], NULL, no_ds, bootstrap, seed, &r, err))
			goto out;
		if (json) {
			sbuf_add(out, shown ? ",{\"task\":" : "{\"task\":");
			sbuf_add_json_str(out, tasks[i].name);
			sbuf_add(out, ",\"label_errors\":");
			labelerr_report_json(out, &r);
			sbuf_addc(out, '}');
		} else {
			if (shown)
				sbuf_addc(out, '\n');
			labelerr_report_text(out, &r);
		}
		shown++;
		labelerr_report_free(&r);
	}
	if (json)
		sbuf_add(out, "]}\n");
	else if (!shown)
		sbuf_add(out, "No tasks in this project.\n");
	rc = 0;
out:
	for (size_t i = 0; i < ntasks; i++)
		store_task_free(&tasks[i]);
	free(tasks);
	return rc;
}
