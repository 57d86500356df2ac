/*
 * model: the pure arithmetic of model-aware review (see model.h): entropy
 * and margin of a probability vector, the choice of the label-accuracy
 * discount q, proportions with Wilson intervals, and the reliability table
 * with its expected calibration error. No SQL here; store_model.c feeds it.
 */
#include "config.h"

#include "model.h"
#include "truth.h"

#include <math.h>
#include <string.h>

int model_prediction_stats(const double *p, size_t k, double *entropy, double *margin,
			   double *confidence)
{
	double sum = 0, h = 0, top = -1, second = -1;

	if (!p || k < 2)
		return -1;
	for (size_t i = 0; i < k; i++) {
		double q = p[i];
		if (!isfinite(q) || q < 0)
			return -1;
		sum += q;
		if (q > 0)
			h -= q * log(q);
		if (q > top) {
			second = top;
			top = q;
		} else if (q > second) {
			second = q;
		}
	}
	if (fabs(sum - 1) > 1e-3)
		return -1;
	h /= log((double)k);
	if (h < 0)
		h = 0;
	if (h > 1)
		h = 1;
	if (entropy)
		*entropy = h;
	if (margin)
		*margin = top - second;
	if (confidence)
		*confidence = top;
	return 0;
}

void model_quality_choose(long audits, long errors, double percent_agreement, double *q,
			  const char **source)
{
	if (audits >= MODEL_MIN_AUDITS) {
		*q = 1.0 - (double)errors / (double)audits;
		*source = "audit";
	} else if (isfinite(percent_agreement)) {
		*q = percent_agreement;
		*source = "agreement";
	} else {
		*q = NAN;
		*source = "none";
	}
}

double model_effective_confidence(double confidence, double q)
{
	if (isnan(confidence) || isnan(q))
		return NAN;
	return confidence * q;
}

void model_rate_set(struct model_rate *r, long k, long n)
{
	r->n = n;
	r->k = k;
	if (n <= 0) {
		r->rate = r->lo = r->hi = NAN;
		return;
	}
	r->rate = (double)k / (double)n;
	truth_wilson(k, n, &r->lo, &r->hi);
}

void model_calibration_init(struct model_calibration *c)
{
	memset(c, 0, sizeof *c);
	for (int b = 0; b < MODEL_BINS; b++) {
		c->bins[b].lo = b / (double)MODEL_BINS;
		c->bins[b].hi = (b + 1) / (double)MODEL_BINS;
		c->bins[b].confidence = NAN;
		c->bins[b].accuracy = NAN;
	}
	c->ece = NAN;
}

int model_calibration_bin(double c)
{
	int b;

	if (!(c >= 0 && c <= 1))
		return -1;
	/* Compare against the same edges the table prints (b / 10.0), so a
	 * confidence of exactly 0.3 lands in [0.3, 0.4) whatever c * 10 rounds
	 * to. */
	b = (int)(c * MODEL_BINS);
	if (b > MODEL_BINS - 1)
		b = MODEL_BINS - 1;
	while (b > 0 && c < b / (double)MODEL_BINS)
		b--;
	while (b < MODEL_BINS - 1 && c >= (b + 1) / (double)MODEL_BINS)
		b++;
	return b;
}

void model_calibration_add(struct model_calibration *c, double confidence, int correct)
{
	int b = model_calibration_bin(confidence);
	if (b < 0)
		return;
	c->bins[b].n++;
	c->bins[b].hits += correct != 0;
	c->bins[b].conf_sum += confidence;
	c->n++;
}

void model_calibration_finish(struct model_calibration *c)
{
	double ece = 0;

	for (int b = 0; b < MODEL_BINS; b++) {
		struct model_bin *x = &c->bins[b];
		if (!x->n) {
			x->confidence = x->accuracy = NAN;
			continue;
		}
		x->confidence = x->conf_sum / (double)x->n;
		x->accuracy = (double)x->hits / (double)x->n;
		ece += ((double)x->n / (double)c->n) * fabs(x->accuracy - x->confidence);
	}
	c->ece = c->n ? ece : NAN;
}

int model_decided_consensus(const struct model_decided *d)
{
	return d->plurality >= 0 && !d->tie ? d->plurality : -1;
}
