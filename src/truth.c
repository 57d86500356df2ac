/*
 * truth: Dawid-Skene EM, majority vote and the Wilson interval. See truth.h.
 *
 * Layout choices for speed at 5M votes: the log confusion matrices are kept
 * as [annotator][voted label][true label], so the E-step adds one contiguous
 * K-vector per vote; the M-step accumulates into the same shape.
 */
#include "config.h"

#include "truth.h"
#include "util.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* At most this many threads share an iteration. */
#define TRUTH_MAX_THREADS 4

int truth_votes_check(const struct stats_votes *v, const int16_t *gold, char *err)
{
	if (v->nlabels < 1 || v->nlabels > 65535 || v->nannotators < 0)
		return err_set(err, "votes: bad label or annotator count");
	if (!v->start || v->start[0] != 0)
		return err_set(err, "votes: item offsets do not start at 0");
	for (size_t i = 0; i < v->nitems; i++) {
		if (v->start[i + 1] < v->start[i])
			return err_set(err, "votes: item offsets go backwards at item %zu", i);
		for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++) {
			if (v->ann[j] >= (uint32_t)v->nannotators)
				return err_set(err,
					       "votes: annotator index out of range at vote %u", j);
			if (v->lab[j] >= v->nlabels)
				return err_set(err, "votes: label index out of range at vote %u",
					       j);
		}
		if (gold && (gold[i] < -1 || gold[i] >= v->nlabels))
			return err_set(err, "votes: expert label out of range at item %zu", i);
	}
	return 0;
}

void truth_opts_default(struct truth_opts *o)
{
	o->max_iter = 100;
	o->tol = 1e-5;
	o->smoothing = 1e-8;
}

void truth_ds_free(struct truth_ds *d)
{
	free(d->priors);
	free(d->confusion);
	free(d->logconf);
	free(d->logprior);
	free(d->accuracy);
	free(d->nvotes);
	free(d->label);
	memset(d, 0, sizeof *d);
}

int truth_majority(const struct stats_votes *v, size_t i)
{
	int best = -1, bestn = 0, k = v->nlabels;
	int cnt[256];
	int *c = k <= 256 ? cnt : xcalloc((size_t)k, sizeof *c);
	memset(c, 0, (size_t)(k <= 256 ? k : 0) * sizeof *c);
	for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++)
		c[v->lab[j]]++;
	for (int l = 0; l < k; l++) {
		if (c[l] > bestn) {
			bestn = c[l];
			best = l;
		}
	}
	if (c != cnt)
		free(c);
	return best;
}

/*
 * Item i's posterior under the priors and confusion matrices whose logs are
 * d->logprior and d->logconf, into post (K values); returns the
 * log-likelihood of its votes. An item with an expert label gets that label
 * with certainty (its votes still count towards the likelihood). The one
 * E-step formula: the passes of truth_ds_run and truth_ds_posterior both use
 * it, so a posterior recomputed later is the one the last iteration saw, bit
 * for bit.
 */
static double ds_item_post(const struct truth_ds *d, size_t i, double *post)
{
	size_t K = (size_t)d->nlabels;
	double mx, sum = 0;

	memcpy(post, d->logprior, K * sizeof *post);
	for (uint32_t j = d->start[i]; j < d->start[i + 1]; j++) {
		const double *lc = d->logconf + ((size_t)d->ann[j] * K + d->lab[j]) * K;
		for (size_t k = 0; k < K; k++)
			post[k] += lc[k];
	}
	mx = post[0];
	for (size_t k = 1; k < K; k++)
		if (post[k] > mx)
			mx = post[k];
	for (size_t k = 0; k < K; k++) {
		post[k] = exp(post[k] - mx);
		sum += post[k];
	}
	if (d->gold && d->gold[i] >= 0) {
		/* Known truth: the expert's label, with certainty. */
		for (size_t k = 0; k < K; k++)
			post[k] = (int)k == d->gold[i];
	} else {
		for (size_t k = 0; k < K; k++)
			post[k] /= sum;
	}
	return mx + log(sum);
}

/* The largest of post[0..K), the first on a tie. */
static int post_argmax(const double *post, int K)
{
	int best = 0;
	for (int k = 1; k < K; k++)
		if (post[k] > post[best])
			best = k;
	return best;
}

void truth_ds_posterior(const struct truth_ds *d, size_t i, double *post)
{
	assert(d->logconf && i < d->nitems);
	ds_item_post(d, i, post);
}

int truth_ds_label(const struct truth_ds *d, size_t i)
{
	assert(d->label && i < d->nitems);
	return d->label[i];
}

void truth_wilson(long k, long n, double *lo, double *hi)
{
	const double z = 1.959963984540054;
	double p, den, centre, half;
	if (n <= 0) {
		*lo = NAN;
		*hi = NAN;
		return;
	}
	p = (double)k / n;
	den = 1 + z * z / n;
	centre = (p + z * z / (2.0 * n)) / den;
	half = z * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / den;
	*lo = centre - half < 0 ? 0 : centre - half;
	*hi = centre + half > 1 ? 1 : centre + half;
}

/* One thread's share of a pass: items [lo, hi). */
struct ds_part {
	struct truth_ds *d;
	size_t lo, hi;
	int init;      /* first pass: posteriors from vote proportions */
	double *cnt;   /* M-step counts [a][voted l][true k], this part's items only */
	double *prior; /* M-step prior mass, this part's items only */
	double *acc;   /* per annotator: posterior mass of the label voted */
	double ll;     /* log-likelihood of this part under the pass's parameters */
};

/* The starting posterior of item i: its vote proportions (uniform with no
 * votes), or its expert label. */
static void ds_item_init(const struct truth_ds *d, size_t i, double *post)
{
	size_t K = (size_t)d->nlabels;
	uint32_t n = d->start[i + 1] - d->start[i];

	memset(post, 0, K * sizeof *post);
	if (d->gold && d->gold[i] >= 0) {
		post[d->gold[i]] = 1;
		return;
	}
	for (uint32_t j = d->start[i]; j < d->start[i + 1]; j++)
		post[d->lab[j]] += 1.0 / n;
	if (!n)
		for (size_t k = 0; k < K; k++)
			post[k] = 1.0 / (double)K;
}

/*
 * One pass over the part's items: each item's posterior under the current
 * parameters (E-step), used at once for the next parameters' counts
 * (M-step) and the annotators' accuracy, then dropped. No posterior table is
 * kept: the E- and M-steps of one iteration share a pass, which halves the
 * passes and saves nitems x nlabels doubles. Each item's label (its largest
 * posterior) is written down on every pass but the first, so after the last
 * one d->label holds the final labels.
 */
static void *ds_pass(void *arg)
{
	struct ds_part *p = arg;
	struct truth_ds *d = p->d;
	const uint32_t *start = d->start, *ann = d->ann;
	const uint16_t *lab = d->lab;
	size_t K = (size_t)d->nlabels, A = (size_t)d->nannotators;
	double *post = xmalloc(K * sizeof *post);

	memset(p->prior, 0, K * sizeof *p->prior);
	memset(p->cnt, 0, A * K * K * sizeof *p->cnt);
	memset(p->acc, 0, (A + 1) * sizeof *p->acc);
	p->ll = 0;
	for (size_t i = p->lo; i < p->hi; i++) {
		if (p->init) {
			ds_item_init(d, i, post);
		} else {
			p->ll += ds_item_post(d, i, post);
			d->label[i] = (uint16_t)post_argmax(post, (int)K);
		}
		if (start[i] == start[i + 1])
			continue;
		for (size_t k = 0; k < K; k++)
			p->prior[k] += post[k];
		for (uint32_t j = start[i]; j < start[i + 1]; j++) {
			double *c = p->cnt + ((size_t)ann[j] * K + lab[j]) * K;
			for (size_t k = 0; k < K; k++)
				c[k] += post[k];
			p->acc[ann[j]] += post[lab[j]];
		}
	}
	free(post);
	return NULL;
}

/* Run fn on every part: the first in this thread, the others in new ones.
 * A part whose thread cannot be started runs here too, so the result never
 * depends on how many threads ran. */
static void run_parts(void *(*fn)(void *), struct ds_part *parts, int n)
{
	pthread_t tid[TRUTH_MAX_THREADS];
	int started[TRUTH_MAX_THREADS] = {0};
	for (int t = 1; t < n; t++)
		started[t] = pthread_create(&tid[t], NULL, fn, &parts[t]) == 0;
	fn(&parts[0]);
	for (int t = 1; t < n; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			fn(&parts[t]);
	}
}

/* Combine the parts' counts (in part order, so sums are deterministic) into
 * priors and confusion matrices, with their logs for the E-step. */
static void m_finish(struct truth_ds *d, struct ds_part *parts, int n, double smoothing)
{
	size_t K = (size_t)d->nlabels, A = (size_t)d->nannotators;
	double *logconf = d->logconf, *logprior = d->logprior;
	double *cnt = parts[0].cnt, total = 0;

	for (int t = 1; t < n; t++) {
		for (size_t x = 0; x < A * K * K; x++)
			cnt[x] += parts[t].cnt[x];
		for (size_t k = 0; k < K; k++)
			parts[0].prior[k] += parts[t].prior[k];
	}
	for (size_t k = 0; k < K; k++)
		total += parts[0].prior[k];
	for (size_t k = 0; k < K; k++) {
		/* A tiny floor keeps a label nobody chose from taking log(0). */
		d->priors[k] = (parts[0].prior[k] + 1e-9) / (total + 1e-9 * (double)K);
		logprior[k] = log(d->priors[k]);
	}
	for (size_t a = 0; a < A; a++) {
		for (size_t k = 0; k < K; k++) {
			double row = 0;
			for (size_t l = 0; l < K; l++)
				row += cnt[(a * K + l) * K + k] + smoothing;
			for (size_t l = 0; l < K; l++) {
				double pr = (cnt[(a * K + l) * K + k] + smoothing) / row;
				d->confusion[(a * K + k) * K + l] = pr;
				logconf[(a * K + l) * K + k] = log(pr);
			}
		}
	}
}

int truth_ds_run(const struct stats_votes *v, const int16_t *gold, const struct truth_opts *opts,
		 struct truth_ds *d)
{
	struct truth_opts o;
	size_t K = (size_t)v->nlabels, A = (size_t)v->nannotators, N = v->nitems;
	struct ds_part parts[TRUTH_MAX_THREADS];
	double prev = -INFINITY;
	int nparts = 1;

	if (opts)
		o = *opts;
	else
		truth_opts_default(&o);
	memset(d, 0, sizeof *d);
	if (K < 1 || K > 65535)
		return -1;
	/* The passes index confusion matrices by ann[], lab[] and gold[]
	 * without a bound check. */
	assert(truth_votes_check(v, gold, NULL) == 0);
	d->nlabels = (int)K;
	d->nannotators = (int)A;
	d->nitems = N;
	d->start = v->start;
	d->ann = v->ann;
	d->lab = v->lab;
	d->gold = gold;
	d->label = xcalloc(N + 1, sizeof *d->label);
	d->priors = xcalloc(K, sizeof *d->priors);
	d->confusion = xcalloc(A * K * K + 1, sizeof *d->confusion);
	d->accuracy = xcalloc(A + 1, sizeof *d->accuracy);
	d->nvotes = xcalloc(A + 1, sizeof *d->nvotes);
	d->logconf = xmalloc((A * K * K + 1) * sizeof *d->logconf);
	d->logprior = xmalloc(K * sizeof *d->logprior);

	/* Threads only pay off on large tasks; the split is by items, and the
	 * parts are combined in a fixed order, so results do not depend on it
	 * beyond floating-point summation order within a part. */
	if (N > 0 && v->start[N] >= 200000) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		nparts = cpus < 2 ? 1 : cpus > TRUTH_MAX_THREADS ? TRUTH_MAX_THREADS : (int)cpus;
	}
	for (int t = 0; t < nparts; t++) {
		parts[t].d = d;
		parts[t].lo = N * (size_t)t / (size_t)nparts;
		parts[t].hi = N * (size_t)(t + 1) / (size_t)nparts;
		parts[t].init = 1;
		parts[t].cnt = xmalloc((A * K * K + 1) * sizeof *parts[t].cnt);
		parts[t].prior = xmalloc(K * sizeof *parts[t].prior);
		parts[t].acc = xmalloc((A + 1) * sizeof *parts[t].acc);
	}

	/* Iteration t's M-step gives parameters t; the pass after it computes
	 * every posterior under them (its E-step), so it yields iteration t's
	 * log-likelihood and the counts of iteration t + 1's M-step at once.
	 * The first pass starts from vote proportions (expert labels where
	 * known). On convergence or at the cap the parameters of the last
	 * completed iteration are kept (the last pass ran under them, so its
	 * labels are the final ones), and posteriors are recomputed from them
	 * on demand (truth_ds_posterior). */
	run_parts(ds_pass, parts, nparts);
	m_finish(d, parts, nparts, o.smoothing);
	for (int t = 0; t < nparts; t++)
		parts[t].init = 0;
	for (d->iterations = 1;; d->iterations++) {
		double ll = 0;
		run_parts(ds_pass, parts, nparts);
		for (int t = 0; t < nparts; t++)
			ll += parts[t].ll;
		d->loglik = ll;
		if (ll - prev < o.tol * (double)(v->start[N] ? v->start[N] : 1)) {
			d->converged = 1;
			break;
		}
		prev = ll;
		if (d->iterations >= o.max_iter)
			break;
		m_finish(d, parts, nparts, o.smoothing);
	}
	/* Each annotator's expected accuracy: the posterior mass of the label
	 * they chose, averaged over their votes (the last pass's posteriors). */
	for (size_t j = 0; j < (N ? v->start[N] : 0); j++)
		d->nvotes[v->ann[j]]++;
	for (int t = 0; t < nparts; t++)
		for (size_t a = 0; a < A; a++)
			d->accuracy[a] += parts[t].acc[a];
	for (size_t a = 0; a < A; a++)
		d->accuracy[a] = d->nvotes[a] ? d->accuracy[a] / d->nvotes[a] : NAN;
	for (int t = 0; t < nparts; t++) {
		free(parts[t].cnt);
		free(parts[t].prior);
		free(parts[t].acc);
	}
	return 0;
}
