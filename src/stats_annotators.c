/*
 * stats_annotators: annotator track records from a task's votes, its current
 * expert decisions and a Dawid-Skene run (see stats_annotators.h).
 */
#include "config.h"

#include "stats_annotators.h"
#include "cli.h"
#include "store_votes.h"
#include "text.h"
#include "truth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void stats_annotators_compute(const struct store_truth *tr, struct annotator_record **out)
{
	const struct stats_votes *v = &tr->votes;
	size_t A = (size_t)v->nannotators, K = (size_t)v->nlabels;
	struct annotator_record *r = xcalloc(A + 1, sizeof *r);
	double *agree_sum = xcalloc(A + 1, sizeof *agree_sum);
	uint32_t *agree_n = xcalloc(A + 1, sizeof *agree_n);
	uint64_t *by_label = xcalloc(A * K + 1, sizeof *by_label), *total = xcalloc(K + 1, 8);
	uint32_t *cnt = xcalloc(K + 1, sizeof *cnt);

	for (size_t i = 0; i < v->nitems; i++) {
		uint32_t s = v->start[i], e = v->start[i + 1], n = e - s;
		for (uint32_t j = s; j < e; j++)
			cnt[v->lab[j]]++;
		for (uint32_t j = s; j < e; j++) {
			uint32_t a = v->ann[j], l = v->lab[j];
			r[a].votes++;
			by_label[a * K + l]++;
			total[l]++;
			if (n >= 2) {
				agree_sum[a] += (double)(cnt[l] - 1) / (n - 1);
				agree_n[a]++;
			}
			if (tr->gold && tr->gold[i] >= 0) {
				r[a].decided++;
				r[a].correct += tr->gold[i] == (int16_t)l;
			}
		}
		for (uint32_t j = s; j < e; j++)
			cnt[v->lab[j]] = 0;
	}
	for (size_t a = 0; a < A; a++) {
		r[a].index = (int)a;
		r[a].agreement = agree_n[a] ? agree_sum[a] / agree_n[a] : NAN;
		truth_wilson(r[a].correct, r[a].decided, &r[a].acc_lo, &r[a].acc_hi);
		r[a].ds_accuracy = tr->ds.accuracy && a < (size_t)tr->ds.nannotators ?
					   tr->ds.accuracy[a] :
					   NAN;
		r[a].overused = -1;
		for (size_t k = 0; k < K && r[a].votes; k++) {
			double d = (double)by_label[a * K + k] / r[a].votes -
				   (double)total[k] / (double)v->nvotes;
			if (d > r[a].overuse + 1e-12) {
				r[a].overuse = d;
				r[a].overused = (int)k;
			}
		}
	}
	free(agree_sum);
	free(agree_n);
	free(by_label);
	free(total);
	free(cnt);
	*out = r;
}

void stats_annotators_json(struct sbuf *b, const struct store_task *t, const char *name,
			   const struct annotator_record *x, int have_ds)
{
	sbuf_add(b, "\"name\":");
	if (name)
		sbuf_add_json_str(b, name);
	else
		sbuf_add(b, "null");
	sbuf_addf(b, ",\"votes\":%u,\"agreement\":", x->votes);
	sbuf_add_json_num(b, x->agreement);
	sbuf_addf(b, ",\"expert\":{\"n\":%u,\"correct\":%u,\"accuracy\":", x->decided, x->correct);
	sbuf_add_json_num(b, x->decided ? (double)x->correct / x->decided : NAN);
	sbuf_add(b, ",\"ci\":");
	if (x->decided) {
		sbuf_addc(b, '[');
		sbuf_add_json_num(b, x->acc_lo);
		sbuf_addc(b, ',');
		sbuf_add_json_num(b, x->acc_hi);
		sbuf_addc(b, ']');
	} else {
		sbuf_add(b, "null");
	}
	sbuf_add(b, "},\"ds_accuracy\":");
	sbuf_add_json_num(b, have_ds ? x->ds_accuracy : NAN);
	sbuf_add(b, ",\"overused\":");
	if (x->overused >= 0 && (size_t)x->overused < t->nlabels) {
		sbuf_add(b, "{\"label\":");
		sbuf_add_json_str(b, t->labels[x->overused].value);
		sbuf_add(b, ",\"points\":");
		sbuf_add_json_num(b, 100 * x->overuse);
		sbuf_addc(b, '}');
	} else {
		sbuf_add(b, "null");
	}
}

/* A figure with three decimals in `width` columns, or a dash. */
static void fig(struct sbuf *b, double v, int width)
{
	if (isfinite(v))
		sbuf_addf(b, "%*.3f", width, v);
	else
		sbuf_addf(b, "%*s", width, "-");
}

static void task_report(struct sbuf *b, const struct store_task *t, const struct store_truth *tr,
			const struct annotator_record *r, char **names, int json, int first)
{
	const struct stats_votes *v = &tr->votes;
	if (json) {
		sbuf_add(b, first ? "{\"task\":" : ",{\"task\":");
		sbuf_add_json_str(b, t->name);
		sbuf_addf(b, ",\"decided_items\":%zu,\"annotators\":[", tr->ngold);
		for (int a = 0; a < v->nannotators; a++) {
			sbuf_add(b, a ? ",{" : "{");
			stats_annotators_json(b, t, names[a], &r[a], 1);
			sbuf_addc(b, '}');
		}
		sbuf_add(b, "]}");
		return;
	}
	{
		char *tn = text_clean(t->name);
		sbuf_addf(b, "%sTask %s: %d annotator%s, %zu item%s with an expert decision\n",
			  first ? "" : "\n", tn, v->nannotators, v->nannotators == 1 ? "" : "s",
			  tr->ngold, tr->ngold == 1 ? "" : "s");
		free(tn);
	}
	sbuf_add(b, "  annotator             votes  agree  vs expert (n, 95% CI)        DS acc"
		    "  over-uses\n");
	for (int a = 0; a < v->nannotators; a++) {
		const struct annotator_record *x = &r[a];
		sbuf_add(b, "  ");
		text_cell(b, names[a], 20);
		sbuf_addf(b, " %6u  ", x->votes);
		fig(b, x->agreement, 5);
		if (x->decided)
			sbuf_addf(b, "  %5.3f (%4u, %.3f-%.3f)", (double)x->correct / x->decided,
				  x->decided, x->acc_lo, x->acc_hi);
		else
			sbuf_add(b, "      - (   0)             ");
		sbuf_add(b, "  ");
		fig(b, x->ds_accuracy, 6);
		sbuf_add(b, "  ");
		if (x->overused >= 0) {
			char *l = text_clean(t->labels[x->overused].value);
			sbuf_addf(b, "%s (+%.1f pts)", l, 100 * x->overuse);
			free(l);
		} else {
			sbuf_add(b, "-");
		}
		sbuf_addc(b, '\n');
	}
}

int stats_annotators_report(struct store *st, const char *task, int json, struct sbuf *out,
			    char *err)
{
	struct store_task *tasks = NULL;
	size_t ntasks = 0;
	int rc = -1, first = 1;

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
	if (!json && ntasks == 0)
		sbuf_add(out, "No tasks in this project.\n");
	if (json)
		sbuf_add(out, "{\"tasks\":[");
	for (size_t i = 0; i < ntasks; i++) {
		struct store_truth tr;
		struct annotator_record *r;
		char **names = NULL;
		if (task && strcmp(tasks[i].name, task) != 0)
			continue;
		if (store_truth_run(st, &tasks[i], &tr, err))
			goto out;
		if (store_votes_annotator_names(st, &tr.votes, &names, err)) {
			store_truth_free(&tr);
			goto out;
		}
		stats_annotators_compute(&tr, &r);
		task_report(out, &tasks[i], &tr, r, names, json, first);
		first = 0;
		free(r);
		store_votes_names_free(names, tr.votes.nannotators);
		store_truth_free(&tr);
	}
	if (json)
		sbuf_add(out, "]}\n");
	rc = 0;
out:
	for (size_t i = 0; i < ntasks; i++)
		store_task_free(&tasks[i]);
	free(tasks);
	return rc;
}
