/*
 * cmd_stats: `gavel stats PROJECT.db [--task NAME] [--json] [--bootstrap N]`.
 * Opens the project read-only, loads each task's votes with one range scan,
 * computes every agreement statistic from them (no cached figures) and
 * prints the report as text tables or JSON.
 */
#include "config.h"

#include "audit.h"
#include "cli.h"
#include "cmd.h"
#include "stats.h"
#include "stats_annotators.h"
#include "labelerr_report.h"
#include "lead.h"
#include "model_report.h"
#include "stats_report.h"
#include "store_truth.h"
#include "store_votes.h"
#include "util.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char stats_usage[] =
	"Usage: gavel stats PROJECT.db [--task NAME] [--json] [--bootstrap N [--seed S]]\n"
	"                              [--no-ds] [--annotators | --label-errors]\n"
	"\n"
	"Agreement statistics of every task (or one), computed from the stored votes:\n"
	"items, votes and votes per item; percent agreement (mean item agreement over\n"
	"items with 2+ votes); Fleiss' kappa (with varying votes per item, p_k and the\n"
	"mean agreement are taken over the same items: Fleiss' formula generalised);\n"
	"Krippendorff's alpha, nominal always, ordinal for ordinal tasks or numeric\n"
	"labels, interval for numeric labels; Cohen's kappa for every annotator pair\n"
	"with at least 10 shared items; per label the specific agreement and Fleiss'\n"
	"per-category kappa; the count of disputed (not unanimous) items; and the\n"
	"flag \"guidelines need work\" when percent agreement is below the task's\n"
	"threshold. A figure that does not apply is shown as - (null in JSON).\n"
	"Then truth inference: Dawid-Skene (iterations, convergence, class priors;\n"
	"expert decisions count as known labels) and majority vs expert (among\n"
	"decided items whose votes had a strict majority, how often the expert's\n"
	"label differs), per task and per guideline rule cited.\n"
	"Then label errors: confident learning (Northcutt et al. 2021, as cleanlab's\n"
	"find_label_issues) on a model's probabilities and each item's current label\n"
	"(expert, else Dawid-Skene, else plurality): the estimated share of wrong\n"
	"labels with a 95% bootstrap interval (200 resamples, --seed), the count per\n"
	"pair of given and likely true label, the blind-audit measurement beside it,\n"
	"and the precision so far of the label-issues, model-disagrees and uncertain\n"
	"queues. The model is the one the label-issues queue names, else the latest\n"
	"import's; its probabilities must be out of sample (cross-validated or held\n"
	"out), which gavel cannot check.\n"
	"Last the lead's view (the \"lead\" object in JSON):\n"
	"alpha at the task's scale, the task's items (those without votes too),\n"
	"decided and open items, Dawid-Skene vs plurality,\n"
	"per label what it is confused with and how often experts overturned it, per\n"
	"annotator their record over import batches or weeks, the kappa matrix of the\n"
	"40 most active annotators with similar ones together, label co-occurrence,\n"
	"majority vs expert counts, the agreement histogram and per-rule figures.\n"
	"\n"
	"Options:\n"
	"  -t, --task NAME       only this task\n"
	"  -j, --json            print JSON instead of text tables\n"
	"  -b, --bootstrap N     add 95% percentile bootstrap intervals of nominal alpha\n"
	"                        and of alpha at the task's scale from N resamples of\n"
	"                        the items (deterministic)\n"
	"  -s, --seed S          bootstrap seed of every interval (default 1)\n"
	"      --no-ds           skip Dawid-Skene (agreement figures only)\n"
	"  -l, --label-errors    the label-error section alone (the estimate, its\n"
	"                        interval, the pairs, the label-issues count)\n"
	"  -a, --annotators      each annotator's track record instead: votes,\n"
	"                        agreement with the others, accuracy against expert\n"
	"                        decisions (count, Wilson 95% interval), DS-estimated\n"
	"                        accuracy, and the label they over-use\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 success, 1 bad project or unknown task, 2 usage error.\n";

/* Text output lists every Cohen pair up to this many, else the lowest ones. */
#define STATS_TEXT_PAIRS 45

struct task_run {
	struct store_task task;
	struct stats_result res;
	char **names;
	int nannotators;
	struct store_truth truth;
	int have_truth;
	struct mve_row *mve;
	size_t nmve;
	struct sbuf model_json, model_text;
	struct sbuf labelerr_json, labelerr_text;
	struct sbuf lead_json, lead_text;
};

static int run_task(struct store *st, struct task_run *tr, const struct stats_opts *base, int ds,
		    char *err)
{
	struct stats_votes v;
	struct stats_opts o = *base;
	int numeric = tr->task.nlabels > 0;

	if (store_votes_load(st, &tr->task, &v, err))
		return -1;
	for (size_t k = 0; k < tr->task.nlabels; k++)
		numeric = numeric && isfinite(tr->task.labels[k].number);
	o.ordinal = tr->task.scale != SCALE_NOMINAL || numeric;
	o.threshold = tr->task.threshold;
	if (stats_compute(&v, &o, &tr->res, err))
		goto fail;
	if (store_votes_annotator_names(st, &v, &tr->names, err))
		goto fail;
	tr->nannotators = v.nannotators;
	if (store_truth_majority_vs_expert(st, tr->task.id, &tr->mve, &tr->nmve, err))
		goto fail;
	{
		struct model_report mr;
		if (model_report_compute(st, &tr->task, &mr, err))
			goto fail;
		model_report_json(&tr->model_json, &mr);
		model_report_text(&tr->model_text, &mr);
		model_report_free(&mr);
	}
	if (ds && tr->task.nlabels > 0) {
		/* Dawid-Skene reuses the loaded votes (it takes them over). */
		if (store_truth_from_votes(st, &tr->task, &v, &tr->truth, err))
			goto fail;
		tr->have_truth = 1;
	}
	{
		/* The lead's view, from the same votes and figures. */
		struct lead_opts lo;
		struct lead_task lt;
		lead_opts_default(&lo);
		lo.bootstrap = base->bootstrap;
		lo.seed = base->seed;
		lo.ds = ds;
		lo.min_shared = base->min_shared;
		if (lead_task_compute(st, &tr->task, tr->have_truth ? &tr->truth.votes : &v,
				      &tr->res, tr->have_truth ? &tr->truth.ds : NULL, tr->names,
				      &lo, &lt, err))
			goto fail;
		lead_task_json(&tr->lead_json, &lt);
		lead_task_text(&tr->lead_text, &lt);
		lead_task_free(&lt);
	}
	stats_votes_free(&v);
	{
		/* Confident learning reuses this run's Dawid-Skene labels. */
		struct labelerr_report lr;
		if (labelerr_report_compute(st, &tr->task, tr->have_truth ? &tr->truth : NULL,
					    !tr->have_truth, LABELERR_BOOTSTRAP, base->seed, &lr,
					    err))
			return -1;
		labelerr_report_json(&tr->labelerr_json, &lr);
		labelerr_report_text(&tr->labelerr_text, &lr);
		labelerr_report_free(&lr);
	}
	return 0;
fail:
	stats_votes_free(&v);
	return -1;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"task", required_argument, NULL, 't'},
		{"json", no_argument, NULL, 'j'},
		{"bootstrap", required_argument, NULL, 'b'},
		{"seed", required_argument, NULL, 's'},
		{"no-ds", no_argument, NULL, 'D'},
		{"annotators", no_argument, NULL, 'a'},
		{"label-errors", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *task = NULL;
	int json = 0, c, rc = GV_EXIT_FAIL, ds = 1, annotators = 0, label_errors = 0;
	long num;
	struct stats_opts opts;
	struct store *st = NULL;
	struct task_run *runs = NULL;
	struct stats_report_task *rep = NULL;
	size_t nruns = 0;
	char err[GV_ERR], head[65];
	int have_head;
	struct sbuf out = {0};

	stats_opts_default(&opts);
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:jb:s:alh", lopts, NULL)) != -1) {
		switch (c) {
		case 't':
			task = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'b':
			if (util_parse_long(optarg, 1, 1000000, &num))
				return cli_usage_error(
					"stats", "--bootstrap needs a count 1..1000000, not '%s'",
					optarg);
			opts.bootstrap = (int)num;
			break;
		case 's':
			if (util_parse_long(optarg, 0, 0x7fffffffL, &num))
				return cli_usage_error(
					"stats", "--seed needs a number 0..2147483647, not '%s'",
					optarg);
			opts.seed = (uint64_t)num;
			break;
		case 'D':
			ds = 0;
			break;
		case 'a':
			annotators = 1;
			break;
		case 'l':
			label_errors = 1;
			break;
		case 'h':
			fputs(stats_usage, stdout);
			return GV_EXIT_OK;
		default:
			return cli_usage_error("stats", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("stats", "expected one PROJECT.db argument");
	if (annotators && label_errors)
		return cli_usage_error("stats", "--annotators and --label-errors are two reports:"
						" ask for one");

	if (!(st = cli_open(argv[optind], STORE_READONLY)))
		return GV_EXIT_FAIL;
	if (label_errors) {
		if (labelerr_report_all(st, task, !ds, LABELERR_BOOTSTRAP, opts.seed, json, &out,
					err)) {
			cli_error("%s", err);
			goto out;
		}
		fwrite(out.s, 1, out.len, stdout);
		rc = fflush(stdout) == 0 ? GV_EXIT_OK : GV_EXIT_FAIL;
		goto out;
	}
	if (annotators) {
		if (stats_annotators_report(st, task, json, &out, err)) {
			cli_error("%s", err);
			goto out;
		}
		fwrite(out.s, 1, out.len, stdout);
		rc = fflush(stdout) == 0 ? GV_EXIT_OK : GV_EXIT_FAIL;
		goto out;
	}

	if (task) {
		int found;
		runs = xcalloc(1, sizeof *runs);
		found = store_task_get(st, task, &runs[0].task, err);
		if (found < 0) {
			cli_error("%s", err);
			goto out;
		}
		if (!found) {
			cli_task_missing(st, task, err);
			cli_error("%s: %s", argv[optind], err);
			goto out;
		}
		nruns = 1;
	} else {
		struct store_task *list;
		size_t n;
		if (store_task_list(st, &list, &n, err)) {
			cli_error("%s", err);
			goto out;
		}
		runs = xcalloc(n + 1, sizeof *runs);
		for (size_t i = 0; i < n; i++)
			runs[i].task = list[i];
		free(list);
		nruns = n;
	}
	rep = xcalloc(nruns + 1, sizeof *rep);
	for (size_t i = 0; i < nruns; i++) {
		if (run_task(st, &runs[i], &opts, ds, err)) {
			cli_error("task %s: %s", runs[i].task.name, err);
			goto out;
		}
		rep[i].task = &runs[i].task;
		rep[i].res = &runs[i].res;
		rep[i].annotators = runs[i].names;
		rep[i].nannotators = runs[i].nannotators;
		rep[i].seed = opts.seed;
		rep[i].truth = runs[i].have_truth ? &runs[i].truth : NULL;
		rep[i].mve = runs[i].mve;
		rep[i].nmve = runs[i].nmve;
		rep[i].model_json = runs[i].model_json.s;
		rep[i].model_text = runs[i].model_text.s;
		rep[i].labelerr_json = runs[i].labelerr_json.s;
		rep[i].labelerr_text = runs[i].labelerr_text.s;
		rep[i].lead_json = runs[i].lead_json.s;
		rep[i].lead_text = runs[i].lead_text.s;
	}
	have_head = audit_head(st, head, err) == 0;
	if (json)
		stats_report_json(&out, rep, nruns, have_head ? head : NULL);
	else
		stats_report_text(&out, rep, nruns, have_head ? head : NULL, STATS_TEXT_PAIRS);
	if (fwrite(out.s, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		cli_error("writing the report failed");
		goto out;
	}
	rc = GV_EXIT_OK;
out:
	for (size_t i = 0; i < nruns; i++) {
		store_votes_names_free(runs[i].names, runs[i].nannotators);
		stats_result_free(&runs[i].res);
		store_truth_free(&runs[i].truth);
		store_truth_mve_free(runs[i].mve, runs[i].nmve);
		sbuf_free(&runs[i].model_json);
		sbuf_free(&runs[i].model_text);
		sbuf_free(&runs[i].labelerr_json);
		sbuf_free(&runs[i].labelerr_text);
		sbuf_free(&runs[i].lead_json);
		sbuf_free(&runs[i].lead_text);
		store_task_free(&runs[i].task);
	}
	free(runs);
	free(rep);
	sbuf_free(&out);
	store_close(st);
	return rc;
}
