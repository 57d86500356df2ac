/*
 * rng: a small seeded random number generator for the statistics that
 * resample (bootstrap intervals). SplitMix64 gives the same stream from the
 * same seed on every platform, so a reported interval can be reproduced from
 * its seed; the binomial and multinomial samplers on top of it are exact
 * (inversion for small means, Kachitvichyanukul and Schmeiser's BTPE
 * otherwise), which lets a bootstrap draw how often each kind of item is
 * resampled instead of drawing every item.
 */
#ifndef GAVEL_RNG_H
#define GAVEL_RNG_H

#include <stddef.h>
#include <stdint.h>

/* The next 64 random bits of the stream whose state is *s (SplitMix64). */
uint64_t rng_next(uint64_t *s);

/* A uniform double in [0, 1) with 53 random bits. */
double rng_uniform(uint64_t *s);

/*
 * A Binomial(n, p) variate: the number of successes in n trials of
 * probability p. Exact for every n and p; p outside (0, 1) gives 0 or n.
 * Expected time is bounded in n (constant for n p > 30).
 */
uint64_t rng_binomial(uint64_t *s, uint64_t n, double p);

/*
 * A Multinomial draw of n trials over k categories whose probabilities are
 * weight[i] / sum(weight): out[i] gets category i's count (the counts sum to
 * n). Drawn as k conditional binomials, so the time grows with k, not n. A
 * zero total weight gives all zeros.
 */
void rng_multinomial(uint64_t *s, uint64_t n, const uint64_t *weight, size_t k, uint64_t *out);

#endif
