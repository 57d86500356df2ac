/*
 * rng: SplitMix64 and exact binomial and multinomial samplers on it. The
 * binomial follows the two classic exact methods: sequential inversion
 * when the mean is small, and BTPE (Kachitvichyanukul and Schmeiser, 1988:
 * triangle, parallelogram and exponential tails, with a squeeze) above it,
 * as numpy's legacy generator does.
 */
#include "config.h"

#include "rng.h"

#include <math.h>

uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

double rng_uniform(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* Inversion: walk the probabilities up from 0; for n p <= 30 that is a
 * few dozen steps. The bound keeps a rounding residue from walking off. */
static uint64_t binomial_inversion(uint64_t *s, uint64_t n, double p)
{
	double q = 1.0 - p, qn = exp((double)n * log(q)), np = (double)n * p;
	double bound = fmin((double)n, np + 10.0 * sqrt(np * q + 1));
	double px = qn, u = rng_uniform(s);
	uint64_t x = 0;

	while (u > px) {
		x++;
		if ((double)x > bound) {
			x = 0;
			px = qn;
			u = rng_uniform(s);
		} else {
			u -= px;
			px = ((double)(n - x + 1) * p * px) / ((double)x * q);
		}
	}
	return x;
}

/* Stirling-series correction terms of BTPE's final acceptance test. */
static double btpe_corr(double x)
{
	double x2 = x * x;
	return (13680. - (462. - (132. - (99. - 140. / x2) / x2) / x2) / x2) / x / 166320.;
}

/* BTPE for p <= 0.5 and n p > 30. */
static uint64_t binomial_btpe(uint64_t *s, uint64_t n, double p)
{
	double r = p, q = 1.0 - r, dn = (double)n;
	double fm = dn * r + r, nrq = dn * r * q;
	int64_t m = (int64_t)floor(fm), y, k;
	double p1 = floor(2.195 * sqrt(nrq) - 4.6 * q) + 0.5;
	double xm = (double)m + 0.5, xl = xm - p1, xr = xm + p1;
	double c = 0.134 + 20.5 / (15.3 + (double)m);
	double a = (fm - xl) / (fm - xl * r), laml = a * (1.0 + a / 2.0);
	double b = (xr - fm) / (xr * q), lamr = b * (1.0 + b / 2.0);
	double p2 = p1 * (1.0 + 2.0 * c), p3 = p2 + c / laml, p4 = p3 + c / lamr;

	for (;;) {
		double u = rng_uniform(s) * p4, v = rng_uniform(s);
		if (u <= p1) {
			/* the triangle: accepted at once */
			return (uint64_t)floor(xm - p1 * v + u);
		}
		if (u <= p2) {
			double x = xl + (u - p1) / c;
			v = v * c + 1.0 - fabs((double)m - x + 0.5) / p1;
			if (v > 1.0)
				continue;
			y = (int64_t)floor(x);
		} else if (u <= p3) {
			if (v == 0.0)
				continue;
			y = (int64_t)floor(xl + log(v) / laml);
			if (y < 0)
				continue;
			v = v * (u - p2) * laml;
		} else {
			if (v == 0.0)
				continue;
			y = (int64_t)floor(xr - log(v) / lamr);
			if (y > (int64_t)n)
				continue;
			v = v * (u - p3) * lamr;
		}
		k = y > m ? y - m : m - y;
		if (k <= 20 || (double)k >= nrq / 2.0 - 1) {
			/* explicit ratio f(y) / f(m) by recursion */
			double sr = r / q, aa = sr * (dn + 1), f = 1.0;
			if (m < y) {
				for (int64_t i = m + 1; i <= y; i++)
					f *= aa / (double)i - sr;
			} else if (m > y) {
				for (int64_t i = y + 1; i <= m; i++)
					f /= aa / (double)i - sr;
			}
			if (v > f)
				continue;
			return (uint64_t)y;
		}
		{
			/* squeeze on log f(y) / f(m), then the Stirling bound */
			double dk = (double)k;
			double rho = (dk / nrq) *
				     ((dk * (dk / 3.0 + 0.625) + 0.16666666666666666) / nrq + 0.5);
			double t = -dk * dk / (2 * nrq), A = log(v);
			double x1, f1, z, w;
			if (A < t - rho)
				return (uint64_t)y;
			if (A > t + rho)
				continue;
			x1 = (double)y + 1;
			f1 = (double)m + 1;
			z = dn + 1 - (double)m;
			w = dn - (double)y + 1;
			if (A > xm * log(f1 / x1) + (dn - (double)m + 0.5) * log(z / w) +
					(double)(y - m) * log(w * r / (x1 * q)) + btpe_corr(f1) +
					btpe_corr(z) + btpe_corr(x1) + btpe_corr(w))
				continue;
			return (uint64_t)y;
		}
	}
}

uint64_t rng_binomial(uint64_t *s, uint64_t n, double p)
{
	double q;
	if (n == 0 || !(p > 0))
		return 0;
	if (!(p < 1))
		return n;
	if (p <= 0.5)
		return p * (double)n <= 30.0 ? binomial_inversion(s, n, p) : binomial_btpe(s, n, p);
	q = 1.0 - p;
	return n - (q * (double)n <= 30.0 ? binomial_inversion(s, n, q) : binomial_btpe(s, n, q));
}

void rng_multinomial(uint64_t *s, uint64_t n, const uint64_t *weight, size_t k, uint64_t *out)
{
	uint64_t left = 0;
	for (size_t i = 0; i < k; i++) {
		left += weight[i];
		out[i] = 0;
	}
	for (size_t i = 0; i < k && n > 0 && left > 0; i++) {
		/* category i given that none of the earlier ones was drawn */
		uint64_t x = weight[i] >= left
				     ? n
				     : rng_binomial(s, n, (double)weight[i] / (double)left);
		out[i] = x;
		n -= x;
		left -= weight[i];
	}
}
