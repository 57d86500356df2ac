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

#include <math.h>
#include <stdlib.h>
#include <string.h>

void truth_opts_default(struct truth_opts *o)
{
	o->max_iter = 100;
	o->tol = 1e-7;
	o->smoothing = 1e-6;
}

void truth_ds_free(struct truth_ds *d)
{
	free(d->priors);
	free(d->confusion);
	free(d->post);
	free(d->accuracy);
	free(d->nvotes);
	memset(d, 0, sizeof *d);
}

int truth_majority(const struct truth_votes *v, size_t i)
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

int truth_ds_label(const struct truth_ds *d, size_t i)
{
	const double *p = d->post + i * (size_t)d->nlabels;
	int best = 0;
	for (int k = 1; k < d->nlabels; k++)
		if (p[k] > p[best])
			best = k;
	return best;
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

/* M-step: priors and confusion from the current posteriors. */
static void m_step(const struct truth_votes *v, const struct truth_opts *o, struct truth_ds *d,
		   double *cnt /* A*K*K scratch, [a][l][k] */, double *logconf, double *logprior)
{
	size_t K = (size_t)v->nlabels, A = (size_t)v->nannotators;
	double total = 0;

	memset(d->priors, 0, K * sizeof *d->priors);
	for (size_t x = 0; x < A * K * K; x++)
		cnt[x] = o->smoothing;
	for (size_t i = 0; i < v->nitems; i++) {
		const double *p = d->post + i * K;
		if (v->start[i] == v->start[i + 1])
			continue;
		for (size_t k = 0; k < K; k++)
			d->priors[k] += p[k];
		for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++) {
			double *c = cnt + ((size_t)v->ann[j] * K + v->lab[j]) * K;
			for (size_t k = 0; k < K; k++)
				c[k] += p[k];
		}
	}
	for (size_t k = 0; k < K; k++)
		total += d->priors[k];
	for (size_t k = 0; k < K; k++) {
		/* A tiny floor keeps a label nobody chose from taking log(0). */
		d->priors[k] = (d->priors[k] + 1e-9) / (total + 1e-9 * (double)K);
		logprior[k] = log(d->priors[k]);
	}
	for (size_t a = 0; a < A; a++) {
		for (size_t k = 0; k < K; k++) {
			double row = 0;
			for (size_t l = 0; l < K; l++)
				row += cnt[(a * K + l) * K + k];
			for (size_t l = 0; l < K; l++) {
				double pr = cnt[(a * K + l) * K + k] / row;
				d->confusion[(a * K + k) * K + l] = pr;
				logconf[(a * K + l) * K + k] = log(pr);
			}
		}
	}
}

/* E-step: posteriors from priors and confusion; returns the log-likelihood. */
static double e_step(const struct truth_votes *v, struct truth_ds *d, const double *logconf,
		     const double *logprior, double *acc)
{
	size_t K = (size_t)v->nlabels;
	double ll = 0;

	for (size_t i = 0; i < v->nitems; i++) {
		double *p = d->post + i * K, mx, sum = 0;
		memcpy(acc, logprior, K * sizeof *acc);
		for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++) {
			const double *lc = logconf + ((size_t)v->ann[j] * K + v->lab[j]) * K;
			for (size_t k = 0; k < K; k++)
				acc[k] += lc[k];
		}
		mx = acc[0];
		for (size_t k = 1; k < K; k++)
			if (acc[k] > mx)
				mx = acc[k];
		for (size_t k = 0; k < K; k++) {
			acc[k] = exp(acc[k] - mx);
			sum += acc[k];
		}
		ll += mx + log(sum);
		if (v->gold && v->gold[i] >= 0) {
			/* Known truth: the expert's label, with certainty. */
			for (size_t k = 0; k < K; k++)
				p[k] = (int)k == v->gold[i];
			continue;
		}
		for (size_t k = 0; k < K; k++)
			p[k] = acc[k] / sum;
	}
	return ll;
}

int truth_ds_run(const struct truth_votes *v, const struct truth_opts *opts, struct truth_ds *d)
{
	struct truth_opts o;
	size_t K = (size_t)v->nlabels, A = (size_t)v->nannotators, N = v->nitems;
	double *cnt, *logconf, *logprior, *acc, prev = -INFINITY;

	if (opts)
		o = *opts;
	else
		truth_opts_default(&o);
	memset(d, 0, sizeof *d);
	if (K < 1 || K > 65535)
		return -1;
	d->nlabels = (int)K;
	d->nannotators = (int)A;
	d->nitems = N;
	d->priors = xcalloc(K, sizeof *d->priors);
	d->confusion = xcalloc(A * K * K + 1, sizeof *d->confusion);
	d->post = xcalloc(N * K + 1, sizeof *d->post);
	d->accuracy = xcalloc(A + 1, sizeof *d->accuracy);
	d->nvotes = xcalloc(A + 1, sizeof *d->nvotes);
	cnt = xmalloc((A * K * K + 1) * sizeof *cnt);
	logconf = xmalloc((A * K * K + 1) * sizeof *logconf);
	logprior = xmalloc(K * sizeof *logprior);
	acc = xmalloc(K * sizeof *acc);

	/* Start from vote proportions (expert labels where known). */
	for (size_t i = 0; i < N; i++) {
		double *p = d->post + i * K;
		uint32_t n = v->start[i + 1] - v->start[i];
		if (v->gold && v->gold[i] >= 0) {
			p[v->gold[i]] = 1;
			continue;
		}
		for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++)
			p[v->lab[j]] += 1.0 / n;
		if (!n)
			for (size_t k = 0; k < K; k++)
				p[k] = 1.0 / (double)K;
	}
	for (d->iterations = 1; d->iterations <= o.max_iter; d->iterations++) {
		double ll;
		m_step(v, &o, d, cnt, logconf, logprior);
		ll = e_step(v, d, logconf, logprior, acc);
		d->loglik = ll;
		if (ll - prev < o.tol * (double)(N ? N : 1)) {
			d->converged = 1;
			break;
		}
		prev = ll;
	}
	if (d->iterations > o.max_iter)
		d->iterations = o.max_iter;
	/* Each annotator's expected accuracy: the posterior mass of the label
	 * they chose, averaged over their votes. */
	for (size_t i = 0; i < N; i++) {
		for (uint32_t j = v->start[i]; j < v->start[i + 1]; j++) {
			d->accuracy[v->ann[j]] += d->post[i * K + v->lab[j]];
			d->nvotes[v->ann[j]]++;
		}
	}
	for (size_t a = 0; a < A; a++)
		d->accuracy[a] = d->nvotes[a] ? d->accuracy[a] / d->nvotes[a] : NAN;
	free(cnt);
	free(logconf);
	free(logprior);
	free(acc);
	return 0;
}
