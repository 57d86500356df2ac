/*
 * labelerr: confident learning on plain arrays (see labelerr.h for the
 * definitions it follows): thresholds, confident joint, calibration, the
 * estimated joint with a bootstrap interval, and the items pruned by noise
 * rate.
 */
#include "config.h"

#include "labelerr.h"
#include "util.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cleanlab's FLOATING_POINT_COMPARISON and CONFIDENT_THRESHOLDS_LOWER_BOUND. */
#define CL_EPS	 1e-6
#define CL_T_MIN (2 * CL_EPS)
/* The threshold of a label no item has: above any probability. */
#define CL_T_NONE     2.0
#define RESAMPLE_STEP 0xD1B54A32D192ED03ull

void labelerr_thresholds(const struct labelerr_data *d, const uint32_t *w, long *counts, double *t)
{
	int k = d->k;
	double *sum = xcalloc((size_t)k, sizeof *sum);

	memset(counts, 0, (size_t)k * sizeof *counts);
	for (size_t i = 0; i < d->n; i++) {
		uint32_t wi = w ? w[i] : 1;
		int g = d->given[i];
		if (!wi)
			continue;
		counts[g] += wi;
		sum[g] += wi * d->p[i * (size_t)k + (size_t)g];
	}
	for (int j = 0; j < k; j++) {
		t[j] = counts[j] ? sum[j] / (double)counts[j] : CL_T_NONE;
		if (t[j] < CL_T_MIN)
			t[j] = CL_T_MIN;
	}
	free(sum);
}

/* Index of the largest of p[0..k), the first on a tie (numpy's argmax). */
static int argmax(const double *p, int k)
{
	int best = 0;
	for (int j = 1; j < k; j++)
		if (p[j] > p[best])
			best = j;
	return best;
}

/* The confident label of one item under t, or -1 when it has none. */
static int confident_label(const double *p, int k, const double *t)
{
	int first = -1, many = 0;
	for (int j = 0; j < k; j++) {
		if (p[j] >= t[j] - CL_EPS) {
			if (first < 0)
				first = j;
			else
				many = 1;
		}
	}
	return many ? argmax(p, k) : first;
}

void labelerr_confident_joint(const struct labelerr_data *d, const uint32_t *w, const double *t,
			      long *c)
{
	int k = d->k;

	memset(c, 0, (size_t)k * (size_t)k * sizeof *c);
	for (size_t i = 0; i < d->n; i++) {
		uint32_t wi = w ? w[i] : 1;
		int y;
		if (!wi)
			continue;
		y = confident_label(d->p + i * (size_t)k, k, t);
		if (y >= 0)
			c[(size_t)d->given[i] * (size_t)k + (size_t)y] += wi;
	}
	for (int j = 0; j < k; j++)
		if (c[(size_t)j * (size_t)k + (size_t)j] < 1)
			c[(size_t)j * (size_t)k + (size_t)j] = 1;
}

/* Residuals for the stable order round_preserving_sum relies on. */
struct resid {
	double r;
	int i;
};

static int resid_cmp(const void *a, const void *b)
{
	const struct resid *x = a, *y = b;
	if (x->r != y->r)
		return x->r < y->r ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

void labelerr_round_row(const double *x, int k, long *out)
{
	struct resid *o = xmalloc((size_t)k * sizeof *o);
	double sum = 0, isum = 0, want;

	for (int j = 0; j < k; j++) {
		/* nearbyint in the default mode rounds half to even, as numpy. */
		out[j] = (long)nearbyint(x[j]);
		sum += x[j];
		isum += (double)out[j];
	}
	want = nearbyint(sum);
	while (fabs(isum - want) > CL_EPS) {
		double diff = nearbyint(want - isum);
		int inc = diff < 0 ? -1 : 1;
		long changes = (long)fabs(diff);
		if (changes > k)
			changes = k;
		for (int j = 0; j < k; j++) {
			o[j].r = x[j] - (double)out[j];
			o[j].i = j;
		}
		qsort(o, (size_t)k, sizeof *o, resid_cmp);
		/* Raising: the cells rounded down most, the stable order reversed
		 * (so the later of two equal ones first); lowering: the cells
		 * rounded up most, in the stable order. */
		for (long c = 0; c < changes; c++)
			out[o[inc > 0 ? k - 1 - c : c].i] += inc;
		isum = 0;
		for (int j = 0; j < k; j++)
			isum += (double)out[j];
	}
	free(o);
}

void labelerr_calibrate(const long *c, const long *counts, int k, long *cal)
{
	size_t kk = (size_t)k * (size_t)k;
	double *f = xmalloc(kk * sizeof *f);
	double total = 0, n = 0;

	for (int i = 0; i < k; i++) {
		double row = 0;
		for (int j = 0; j < k; j++)
			row += (double)c[(size_t)i * (size_t)k + (size_t)j];
		if (row < 1e-100)
			row = 1e-100;
		for (int j = 0; j < k; j++) {
			size_t x = (size_t)i * (size_t)k + (size_t)j;
			f[x] = (double)c[x] / row * (double)counts[i];
			total += f[x];
		}
		n += (double)counts[i];
	}
	if (total < 1e-100)
		total = 1e-100;
	for (size_t x = 0; x < kk; x++)
		f[x] = f[x] / total * n;
	for (int i = 0; i < k; i++)
		labelerr_round_row(f + (size_t)i * (size_t)k, k, cal + (size_t)i * (size_t)k);
	free(f);
}

void labelerr_prune_counts(const long *cal, int k, long *prune)
{
	for (int i = 0; i < k; i++) {
		const long *row = cal + (size_t)i * (size_t)k;
		long *out = prune + (size_t)i * (size_t)k;
		long diag = row[i], nz = 0;
		double diff = diag < 1 ? (double)(1 - diag) : 0, per;

		for (int j = 0; j < k; j++)
			nz += row[j] != 0;
		per = diff / (nz - 1 > 1 ? (double)(nz - 1) : 1.0);
		for (int j = 0; j < k; j++) {
			double v = (double)row[j] - per;
			out[j] = j == i ? (diag > 1 ? diag : 1) : (v > 0 ? (long)v : 0);
		}
	}
}

/* The calibrated estimate from thresholds onwards, for the data weighted by w. */
static void estimate_once(const struct labelerr_data *d, const uint32_t *w, long *counts, double *t,
			  long *c, long *cal)
{
	labelerr_thresholds(d, w, counts, t);
	labelerr_confident_joint(d, w, t, c);
	labelerr_calibrate(c, counts, d->k, cal);
}

static long off_diagonal(const long *cal, const long *counts, int k)
{
	long n = 0, trace = 0;
	for (int j = 0; j < k; j++) {
		n += counts[j];
		trace += cal[(size_t)j * (size_t)k + (size_t)j];
	}
	return n - trace;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* The high 64 bits of x * n: a draw x mapped onto 0..n-1 without a division. */
#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 u128;
static inline uint64_t mulhi64(uint64_t x, uint64_t n)
{
	return (uint64_t)(((u128)x * n) >> 64);
}
#else
static inline uint64_t mulhi64(uint64_t x, uint64_t n)
{
	uint64_t xl = x & 0xffffffffu, xh = x >> 32, nl = n & 0xffffffffu, nh = n >> 32;
	uint64_t ll = xl * nl, lh = xl * nh, hl = xh * nl, hh = xh * nh;
	uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}
#endif

/*
 * Resampling. Resample b draws n items with replacement as a weight per
 * item (a byte: 256 draws of one item out of n >= 256 would take a miracle,
 * and then that resample is redone with wider weights), and one sequential
 * pass over the items adds up what the estimate needs: per label the
 * weight and the weighted self-confidence (the thresholds), in four
 * interleaved partial sums. Which label an item is confidently counted
 * into depends on the resample's thresholds, but hardly ever for most items
 * of a large data set: a resample's threshold stays within delta_j (8
 * standard errors of the mean) of the full sample's, so an item whose every
 * p_j is further than delta_j from t_j - 1e-6 keeps the confident label it
 * has under the full sample's thresholds. Such "settled" items are counted
 * in the same pass; the others are listed and tested once the thresholds
 * are known; a resample whose thresholds stray beyond delta tests every
 * item. Either way the counts are those of the plain definition.
 */
struct boot_prep {
	const struct labelerr_data *d;
	double *s;	/* per item: p of the given label */
	uint32_t *slot; /* per item: cell given * k + label of its settled confident
			 * label, k * k when it has none, k * k + 1 when open */
	double *t0, *delta;
};

static void prep_init(const struct labelerr_data *d, const double *t0, int settle,
		      struct boot_prep *f)
{
	int k = d->k;
	double *mean = xcalloc((size_t)k, sizeof *mean), *m2 = xcalloc((size_t)k, sizeof *m2);
	long *cnt = xcalloc((size_t)k, sizeof *cnt);
	size_t n = d->n ? d->n : 1, kk = (size_t)k * (size_t)k;

	f->d = d;
	f->s = xmalloc(n * sizeof *f->s);
	f->slot = xmalloc(n * sizeof *f->slot);
	f->t0 = xmalloc((size_t)k * sizeof *f->t0);
	f->delta = xmalloc((size_t)k * sizeof *f->delta);
	memcpy(f->t0, t0, (size_t)k * sizeof *t0);
	/* Welford's running variance of the self-confidence per label. */
	for (size_t i = 0; i < d->n; i++) {
		int g = d->given[i];
		double x = d->p[i * (size_t)k + (size_t)g], dx = x - mean[g];
		f->s[i] = x;
		cnt[g]++;
		mean[g] += dx / (double)cnt[g];
		m2[g] += dx * (x - mean[g]);
	}
	for (int j = 0; j < k; j++) {
		double sd = cnt[j] > 1 ? sqrt(m2[j] / (double)(cnt[j] - 1)) : 1;
		f->delta[j] = settle && cnt[j] ? 8 * sd / sqrt((double)cnt[j]) + 1e-12 : 0;
	}
	for (size_t i = 0; i < d->n; i++) {
		const double *p = d->p + i * (size_t)k;
		int settled = settle, y;
		for (int j = 0; j < k && settled; j++)
			settled = fabs(p[j] - (t0[j] - CL_EPS)) > f->delta[j];
		y = settled ? confident_label(p, k, t0) : -1;
		f->slot[i] = !settled ? (uint32_t)(kk + 1)
			     : y < 0  ? (uint32_t)kk
				      : (uint32_t)((size_t)d->given[i] * (size_t)k + (size_t)y);
	}
	free(mean);
	free(m2);
	free(cnt);
}

static void prep_free(struct boot_prep *f)
{
	free(f->s);
	free(f->slot);
	free(f->t0);
	free(f->delta);
}

/* The draws of resample b as byte weights; -1 when one item was drawn 256
 * times (the caller then takes draw_weights32). */
static int draw_weights8(size_t n, uint64_t seed, int b, uint8_t *w)
{
	uint64_t s = seed + (uint64_t)(b + 1) * RESAMPLE_STEP;
	int over = 0;
	memset(w, 0, n);
	for (size_t i = 0; i < n; i++)
		over |= ++w[mulhi64(splitmix64(&s), n)] == 0;
	return over ? -1 : 0;
}

static void draw_weights32(size_t n, uint64_t seed, int b, uint32_t *w)
{
	uint64_t s = seed + (uint64_t)(b + 1) * RESAMPLE_STEP;
	memset(w, 0, n * sizeof *w);
	for (size_t i = 0; i < n; i++)
		w[mulhi64(splitmix64(&s), n)]++;
}

struct boot_job {
	const struct boot_prep *f;
	uint64_t seed;
	int first, step, count;
	double *rates; /* one per resample */
	double *pairs; /* k * k per resample: calibrated count / n, or NULL */
};

/* Lanes of the resampling pass: independent partial sums, so that items
 * of the same label in a row do not wait on one another's additions. */
#define LANES 4

/* Resample b's label counts and confident joint, from byte weights w. The
 * pass has no branch on the data: an item drawn 0 times adds 0. */
static void resample(const struct boot_prep *f, const uint8_t *w, uint32_t *open, long *counts,
		     double *t, long *c)
{
	const struct labelerr_data *d = f->d;
	const uint16_t *given = d->given;
	const uint32_t *slot = f->slot;
	const double *sv = f->s;
	const size_t n = d->n, kk = (size_t)d->k * (size_t)d->k, nslot = kk + 2;
	const int k = d->k;
	long *cl = xcalloc(LANES * nslot, sizeof *cl), *nl = xcalloc(LANES * (size_t)k, sizeof *nl);
	double *sl = xcalloc(LANES * (size_t)k, sizeof *sl);
	size_t nopen = 0, i = 0;
	int strayed = 0;

	for (; i + LANES <= n; i += LANES) {
		for (size_t l = 0; l < LANES; l++) {
			uint32_t wi = w[i + l];
			size_t g = given[i + l];
			nl[l * (size_t)k + g] += wi;
			sl[l * (size_t)k + g] += wi * sv[i + l];
			cl[l * nslot + slot[i + l]] += wi;
			open[nopen] = (uint32_t)(i + l);
			nopen += (slot[i + l] == kk + 1) & (wi != 0);
		}
	}
	for (; i < n; i++) {
		uint32_t wi = w[i];
		nl[given[i]] += wi;
		sl[given[i]] += wi * sv[i];
		cl[slot[i]] += wi;
		open[nopen] = (uint32_t)i;
		nopen += (slot[i] == kk + 1) & (wi != 0);
	}
	for (size_t x = 0; x < kk; x++) {
		c[x] = 0;
		for (size_t l = 0; l < LANES; l++)
			c[x] += cl[l * nslot + x];
	}
	for (int j = 0; j < k; j++) {
		double sum = (sl[j] + sl[(size_t)k + (size_t)j]) +
			     (sl[2 * (size_t)k + (size_t)j] + sl[3 * (size_t)k + (size_t)j]);
		counts[j] = 0;
		for (size_t l = 0; l < LANES; l++)
			counts[j] += nl[l * (size_t)k + (size_t)j];
		t[j] = counts[j] ? sum / (double)counts[j] : CL_T_NONE;
		if (t[j] < CL_T_MIN)
			t[j] = CL_T_MIN;
		strayed |= fabs(t[j] - f->t0[j]) > f->delta[j] && f->delta[j] > 0;
	}
	if (strayed) {
		/* The settled labels do not hold here: test every drawn item. */
		memset(c, 0, kk * sizeof *c);
		nopen = 0;
		for (i = 0; i < n; i++)
			if (w[i])
				open[nopen++] = (uint32_t)i;
	}
	for (size_t x = 0; x < nopen; x++) {
		size_t at = open[x];
		int y = confident_label(d->p + at * (size_t)k, k, t);
		if (y >= 0)
			c[(size_t)given[at] * (size_t)k + (size_t)y] += w[at];
	}
	for (int j = 0; j < k; j++)
		if (c[(size_t)j * (size_t)k + (size_t)j] < 1)
			c[(size_t)j * (size_t)k + (size_t)j] = 1;
	free(cl);
	free(nl);
	free(sl);
}

/* Resamples first, first + step, ... of the job, each from its own stream. */
static void *boot_run(void *arg)
{
	struct boot_job *j = arg;
	const struct labelerr_data *d = j->f->d;
	size_t kk = (size_t)d->k * (size_t)d->k, n = d->n ? d->n : 1;
	uint8_t *w = xmalloc(n);
	uint32_t *w32 = NULL, *open = xmalloc(n * sizeof *open);
	long *counts = xmalloc((size_t)d->k * sizeof *counts);
	double *t = xmalloc((size_t)d->k * sizeof *t);
	long *c = xmalloc(kk * sizeof *c), *cal = xmalloc(kk * sizeof *cal);

	for (int b = j->first; b < j->count; b += j->step) {
		if (draw_weights8(d->n, j->seed, b, w) == 0) {
			resample(j->f, w, open, counts, t, c);
		} else {
			if (!w32)
				w32 = xmalloc(n * sizeof *w32);
			draw_weights32(d->n, j->seed, b, w32);
			labelerr_thresholds(d, w32, counts, t);
			labelerr_confident_joint(d, w32, t, c);
		}
		labelerr_calibrate(c, counts, d->k, cal);
		j->rates[b] = (double)off_diagonal(cal, counts, d->k) / (double)d->n;
		for (size_t x = 0; j->pairs && x < kk; x++)
			j->pairs[(size_t)b * kk + x] = (double)cal[x] / (double)d->n;
	}
	free(w);
	free(w32);
	free(open);
	free(counts);
	free(t);
	free(c);
	free(cal);
	return NULL;
}

void labelerr_bootstrap_rates(const struct labelerr_data *d, const double *t, int bootstrap,
			      uint64_t seed, int fast, double *rates, double *pairs)
{
	struct boot_job jobs[4];
	struct boot_prep f = {0};
	pthread_t th[4];
	int nth = 1, started = 1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	prep_init(d, t, fast, &f);
	if ((double)d->n * bootstrap > 2e6 && cpus > 1)
		nth = cpus < 4 ? (int)cpus : 4;
	if (nth > bootstrap)
		nth = bootstrap;
	for (int i = 0; i < nth; i++)
		jobs[i] = (struct boot_job){&f, seed, i, nth, bootstrap, rates, pairs};
	for (int i = 1; i < nth; i++) {
		if (pthread_create(&th[i], NULL, boot_run, &jobs[i]) != 0)
			break;
		started++;
	}
	/* Whatever threads failed to start, this one runs their share. */
	for (int i = started; i < nth; i++)
		boot_run(&jobs[i]);
	boot_run(&jobs[0]);
	for (int i = 1; i < started; i++)
		pthread_join(th[i], NULL);
	prep_free(&f);
}

static int double_cmp(const void *x, const void *y)
{
	double p = *(const double *)x, q = *(const double *)y;
	return (p > q) - (p < q);
}

/* Linear interpolation between order statistics (numpy's default percentile). */
static double quantile(const double *sorted, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)pos;
	double f = pos - (double)lo;
	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + f * (sorted[lo + 1] - sorted[lo]);
}

/* The percentile intervals of the resampled rate and of each pair's share. */
static void bootstrap(const struct labelerr_data *d, struct labelerr_result *r)
{
	size_t nb = (size_t)r->bootstrap, kk = (size_t)d->k * (size_t)d->k;
	double *rates = xmalloc(nb * sizeof *rates), *pairs = xmalloc(nb * kk * sizeof *pairs);
	double *col = xmalloc(nb * sizeof *col);

	labelerr_bootstrap_rates(d, r->thresholds, r->bootstrap, r->seed, d->n >= LABELERR_FAST_MIN,
				 rates, pairs);
	qsort(rates, nb, sizeof *rates, double_cmp);
	r->lo = quantile(rates, nb, 0.025);
	r->hi = quantile(rates, nb, 0.975);
	for (size_t x = 0; x < kk; x++) {
		for (size_t b = 0; b < nb; b++)
			col[b] = pairs[b * kk + x];
		qsort(col, nb, sizeof *col, double_cmp);
		r->joint_lo[x] = quantile(col, nb, 0.025);
		r->joint_hi[x] = quantile(col, nb, 0.975);
	}
	free(rates);
	free(pairs);
	free(col);
}

int labelerr_estimate(const struct labelerr_data *d, int bootstrap_n, uint64_t seed,
		      struct labelerr_result *out, char *err)
{
	int k = d->k;
	size_t kk = (size_t)k * (size_t)k;

	memset(out, 0, sizeof *out);
	if (k < 2 || k > LABELERR_MAX_LABELS)
		return err_set(err, "confident learning needs 2 to %d labels, not %d",
			       LABELERR_MAX_LABELS, k);
	if (d->n == 0)
		return err_set(err, "confident learning needs at least one item");
	out->k = k;
	out->n = d->n;
	out->counts = xmalloc((size_t)k * sizeof *out->counts);
	out->thresholds = xmalloc((size_t)k * sizeof *out->thresholds);
	out->confident = xmalloc(kk * sizeof *out->confident);
	out->calibrated = xmalloc(kk * sizeof *out->calibrated);
	out->joint = xmalloc(kk * sizeof *out->joint);
	out->joint_lo = xmalloc(kk * sizeof *out->joint_lo);
	out->joint_hi = xmalloc(kk * sizeof *out->joint_hi);
	for (size_t x = 0; x < kk; x++)
		out->joint_lo[x] = out->joint_hi[x] = NAN;
	estimate_once(d, NULL, out->counts, out->thresholds, out->confident, out->calibrated);
	for (size_t x = 0; x < kk; x++)
		out->joint[x] = (double)out->calibrated[x] / (double)d->n;
	out->errors = off_diagonal(out->calibrated, out->counts, k);
	out->rate = (double)out->errors / (double)d->n;
	out->bootstrap = bootstrap_n > 0 ? bootstrap_n : 0;
	out->seed = seed;
	out->lo = out->hi = NAN;
	if (out->bootstrap)
		bootstrap(d, out);
	return 0;
}

void labelerr_result_free(struct labelerr_result *r)
{
	if (!r)
		return;
	free(r->counts);
	free(r->thresholds);
	free(r->confident);
	free(r->calibrated);
	free(r->joint);
	free(r->joint_lo);
	free(r->joint_hi);
	memset(r, 0, sizeof *r);
}

int labelerr_usable(const struct labelerr_data *d, long *counts)
{
	long *c = counts ? counts : xmalloc((size_t)d->k * sizeof *c);
	int used = 0, few = 0;

	memset(c, 0, (size_t)d->k * sizeof *c);
	for (size_t i = 0; i < d->n; i++)
		c[d->given[i]]++;
	for (int j = 0; j < d->k; j++) {
		used += c[j] > 0;
		few += c[j] > 0 && c[j] < LABELERR_MIN_ITEMS;
	}
	if (!counts)
		free(c);
	return used >= 2 && !few;
}

/* A candidate of one pair: its margin and position, ordered margin
 * descending, then position ascending (a strict total order). */
struct cand {
	double m;
	uint32_t i;
};

static int cand_before(const struct cand *a, const struct cand *b)
{
	return a->m > b->m || (a->m == b->m && a->i < b->i);
}

static void cand_swap(struct cand *a, struct cand *b)
{
	struct cand t = *a;
	*a = *b;
	*b = t;
}

static int cand_cmp(const void *a, const void *b)
{
	return cand_before(a, b) ? -1 : cand_before(b, a);
}

/*
 * Move the first m candidates of the order into v[0..m), in linear time on
 * the average (quickselect, median-of-three pivot); a sort takes over when
 * the partitions stop shrinking, so the worst case stays n log n.
 */
static void select_top(struct cand *v, size_t n, size_t m)
{
	size_t lo = 0, hi = n, budget = 64;

	while (hi - lo > 16 && budget--) {
		size_t mid = lo + (hi - lo) / 2, st = lo;
		struct cand *a = &v[lo], *b = &v[mid], *c = &v[hi - 1];
		/* Median of three into v[hi - 1]. */
		if (cand_before(b, a))
			cand_swap(a, b);
		if (cand_before(c, a))
			cand_swap(a, c);
		if (cand_before(b, c))
			cand_swap(b, c);
		for (size_t x = lo; x + 1 < hi; x++)
			if (cand_before(&v[x], c))
				cand_swap(&v[x], &v[st++]);
		cand_swap(&v[st], &v[hi - 1]);
		if (st == m || st + 1 == m)
			return;
		if (st > m)
			hi = st;
		else
			lo = st + 1;
	}
	qsort(v + lo, hi - lo, sizeof *v, cand_cmp);
}

static int issue_cmp(const void *a, const void *b)
{
	const struct labelerr_issue *x = a, *y = b;
	if (x->self_confidence != y->self_confidence)
		return x->self_confidence < y->self_confidence ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

size_t labelerr_issues(const struct labelerr_data *d, const struct labelerr_result *r,
		       struct labelerr_issue **out)
{
	int k = d->k;
	size_t kk = (size_t)k * (size_t)k, nissues = 0;
	long *prune = xmalloc(kk * sizeof *prune);
	size_t *start = xcalloc((size_t)k + 1, sizeof *start), *fill;
	uint32_t *byl = xmalloc((d->n ? d->n : 1) * sizeof *byl);
	int32_t *sugg = xmalloc((d->n ? d->n : 1) * sizeof *sugg);
	struct cand *cv = NULL;
	struct labelerr_issue *v;

	labelerr_prune_counts(r->calibrated, k, prune);
	/* The items of each given label, in input order. */
	for (size_t i = 0; i < d->n; i++) {
		start[d->given[i] + 1]++;
		sugg[i] = -1;
	}
	for (int j = 0; j < k; j++)
		start[j + 1] += start[j];
	fill = xmalloc(((size_t)k + 1) * sizeof *fill);
	memcpy(fill, start, ((size_t)k + 1) * sizeof *fill);
	for (size_t i = 0; i < d->n; i++)
		byl[fill[d->given[i]]++] = (uint32_t)i;
	free(fill);
	cv = xmalloc((d->n ? d->n : 1) * sizeof *cv);

	for (int g = 0; g < k; g++) {
		size_t ng = start[g + 1] - start[g];
		if (ng <= 1)
			continue;
		for (int j = 0; j < k; j++) {
			size_t m = j == g ? 0 : (size_t)prune[(size_t)g * (size_t)k + (size_t)j];
			if (!m)
				continue;
			if (m > ng)
				m = ng;
			for (size_t x = 0; x < ng; x++) {
				uint32_t i = byl[start[g] + x];
				const double *p = d->p + (size_t)i * (size_t)k;
				cv[x].m = p[j] - p[g];
				cv[x].i = i;
			}
			if (m < ng)
				select_top(cv, ng, m);
			for (size_t x = 0; x < m; x++) {
				uint32_t i = cv[x].i;
				const double *p = d->p + (size_t)i * (size_t)k;
				if (sugg[i] < 0 || p[j] > p[sugg[i]])
					sugg[i] = j;
			}
		}
	}
	for (size_t i = 0; i < d->n; i++) {
		if (sugg[i] >= 0 && argmax(d->p + i * (size_t)k, k) == d->given[i])
			sugg[i] = -1;
		nissues += sugg[i] >= 0;
	}
	v = xmalloc((nissues ? nissues : 1) * sizeof *v);
	nissues = 0;
	for (size_t i = 0; i < d->n; i++) {
		const double *p = d->p + i * (size_t)k;
		struct labelerr_issue *e;
		if (sugg[i] < 0)
			continue;
		e = &v[nissues++];
		e->index = i;
		e->given = d->given[i];
		e->suggested = sugg[i];
		e->self_confidence = p[e->given];
		e->p_suggested = p[e->suggested];
		e->margin = e->p_suggested - e->self_confidence;
	}
	if (nissues > 1)
		qsort(v, nissues, sizeof *v, issue_cmp);
	free(prune);
	free(start);
	free(byl);
	free(sugg);
	free(cv);
	*out = v;
	return nissues;
}
