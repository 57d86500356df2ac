/*
 * gen: the benchmark's seeded synthetic project. It writes, under --out DIR,
 * votes.csv (item,annotator,label: 3-5 votes per item), gold.csv (the true
 * label of each item), predictions.csv (item and one probability column per
 * label) and items.csv (item,text). Items are numbered 1..N and written in
 * item order; each item's annotators are drawn at random (weighted by how
 * active each annotator is), so the annotator order within an item is
 * shuffled. True labels follow skewed class priors; every annotator has a
 * confusion matrix: most are 70-95% accurate with their errors on
 * neighbouring labels, a few are spammers (uniform or one fixed label) and a
 * few are biased towards one label. The same seed gives the same files.
 * It depends on nothing but libc and libm, so the benchmark needs no Python.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_LABELS 64
#define OUT_BUF	   (1 << 20)

static const char gen_usage[] =
    "Usage: gen [--items N] [--annotators A] [--labels K] [--seed S]\n"
    "           [--order item|annotator|shuffled] [--ids numeric|string] --out DIR\n"
    "\n"
    "Write a seeded synthetic project (votes.csv, gold.csv, predictions.csv,\n"
    "items.csv) under DIR. Defaults: 1000000 items, 500 annotators, 5 labels, seed 42,\n"
    "votes grouped by item, numeric ids. The order and the ids change only how the\n"
    "same votes are written: every order of one seed holds the same votes.\n";

/* xoshiro256** seeded through splitmix64: fast, and the same on every host. */
static uint64_t rng_s[4];

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(void)
{
	uint64_t result = rotl(rng_s[1] * 5, 7) * 9;
	uint64_t t = rng_s[1] << 17;

	rng_s[2] ^= rng_s[0];
	rng_s[3] ^= rng_s[1];
	rng_s[1] ^= rng_s[2];
	rng_s[0] ^= rng_s[3];
	rng_s[2] ^= t;
	rng_s[3] = rotl(rng_s[3], 45);
	return result;
}

static void rng_seed(uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		rng_s[i] = splitmix64(&seed);
}

/* Uniform in [0, 1). */
static double rng_unit(void)
{
	return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

static uint32_t rng_below(uint32_t n)
{
	return (uint32_t)(((rng_next() >> 32) * (uint64_t)n) >> 32);
}

static double rng_normal(void)
{
	double u = rng_unit(), v = rng_unit();

	if (u < 1e-300)
		u = 1e-300;
	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* Sample an index from a cumulative distribution of n entries. */
static int sample_cdf(const double *cdf, int n)
{
	double u = rng_unit() * cdf[n - 1];
	int lo = 0, hi = n - 1;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* A buffered output file with hand-rolled number formatting (printf is the bottleneck). */
struct out {
	FILE *f;
	char *buf;
	size_t len;
	int failed;
};

static int out_open(struct out *o, const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	o->f = fopen(path, "wb");
	if (!o->f) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	o->buf = malloc(OUT_BUF);
	if (!o->buf) {
		fclose(o->f);
		fputs("gen: out of memory\n", stderr);
		return -1;
	}
	o->len = 0;
	o->failed = 0;
	return 0;
}

static void out_flush(struct out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->failed = 1;
	o->len = 0;
}

/* Make room for n more bytes. */
static char *out_room(struct out *o, size_t n)
{
	if (o->len + n > OUT_BUF)
		out_flush(o);
	return o->buf + o->len;
}

static void out_str(struct out *o, const char *s)
{
	size_t n = strlen(s);

	memcpy(out_room(o, n), s, n);
	o->len += n;
}

static void out_char(struct out *o, char c)
{
	*out_room(o, 1) = c;
	o->len++;
}

static void out_uint(struct out *o, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	char *p = out_room(o, (size_t)n);
	for (int i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	o->len += (size_t)n;
}

/* A probability given in ten-thousandths, written as 0.dddd or 1.0000. */
static void out_prob(struct out *o, int tenk)
{
	char *p = out_room(o, 6);

	p[0] = (char)('0' + tenk / 10000);
	p[1] = '.';
	p[2] = (char)('0' + tenk / 1000 % 10);
	p[3] = (char)('0' + tenk / 100 % 10);
	p[4] = (char)('0' + tenk / 10 % 10);
	p[5] = (char)('0' + tenk % 10);
	o->len += 6;
}

static int out_close(struct out *o, const char *name)
{
	int failed;

	out_flush(o);
	failed = o->failed | ferror(o->f);
	if (fclose(o->f) != 0)
		failed = 1;
	free(o->buf);
	if (failed)
		fprintf(stderr, "gen: writing %s failed\n", name);
	return failed ? -1 : 0;
}

enum kind { GOOD, SPAMMER, CONSTANT, BIASED };

/*
 * Fill one annotator's confusion matrix, as cumulative rows (cdf[k*K + j] is
 * P(answer <= j | truth k)).
 */
static void make_annotator(double *cdf, int K, enum kind kind)
{
	double acc = 0.70 + 0.25 * rng_unit(), decay = 0.25 + 0.2 * rng_unit();
	double pull = 0.2 + 0.25 * rng_unit();
	int fav = (int)rng_below((uint32_t)K);
	double row[MAX_LABELS];

	for (int k = 0; k < K; k++) {
		double off = 0;

		for (int j = 0; j < K; j++) {
			int d = abs(j - k);

			row[j] = d ? pow(decay, d - 1) : 0;
			off += row[j];
		}
		for (int j = 0; j < K; j++)
			row[j] = j == k ? acc : (off > 0 ? (1 - acc) * row[j] / off : 0);
		if (kind == SPAMMER) {
			for (int j = 0; j < K; j++)
				row[j] = 1.0 / K;
		} else if (kind == CONSTANT) {
			for (int j = 0; j < K; j++)
				row[j] = j == fav ? 0.9 : 0.1 / (K - 1);
		} else if (kind == BIASED) {
			for (int j = 0; j < K; j++)
				row[j] = (1 - pull) * row[j] + (j == fav ? pull : 0);
		}
		double c = 0;
		for (int j = 0; j < K; j++) {
			c += row[j];
			cdf[k * K + j] = c;
		}
	}
}

enum order { BY_ITEM, BY_ANNOTATOR, SHUFFLED };

static int string_ids;

/* An item id: 42, or item-00000042 with --ids string. */
static void out_item(struct out *o, uint64_t i)
{
	if (string_ids) {
		char tmp[32];
		snprintf(tmp, sizeof tmp, "item-%08llu", (unsigned long long)i);
		out_str(o, tmp);
	} else {
		out_uint(o, i);
	}
}

/* An annotator name: a17, or annotator-00017 with --ids string. */
static void out_ann(struct out *o, uint64_t a)
{
	if (string_ids) {
		char tmp[32];
		snprintf(tmp, sizeof tmp, "annotator-%05llu", (unsigned long long)a);
		out_str(o, tmp);
	} else {
		out_char(o, 'a');
		out_uint(o, a);
	}
}

/* A vote held back for reordering: item << 32 | annotator << 8 | label. */
static void out_vote(struct out *o, uint64_t v)
{
	out_item(o, v >> 32);
	out_char(o, ',');
	out_ann(o, (v >> 8) & 0xffffff);
	out_str(o, ",l");
	out_uint(o, v & 0xff);
	out_char(o, '\n');
}

/*
 * Write the held votes in the order asked for. The shuffle draws from its
 * own generator, so that the items and their texts are the same in every
 * order. By annotator is a stable counting sort: item order within each.
 */
static int write_reordered(struct out *o, uint64_t *v, size_t n, enum order order, long annotators,
			   uint64_t seed)
{
	if (order == SHUFFLED) {
		uint64_t saved[4];
		memcpy(saved, rng_s, sizeof saved);
		rng_seed(seed ^ 0x53485546464c45ULL);
		for (size_t i = n; i > 1; i--) {
			size_t j = (size_t)(((rng_next() >> 11) * (double)i) / 9007199254740992.0);
			uint64_t t = v[i - 1];
			v[i - 1] = v[j];
			v[j] = t;
		}
		memcpy(rng_s, saved, sizeof saved);
		for (size_t i = 0; i < n; i++)
			out_vote(o, v[i]);
		return 0;
	}
	size_t *start = calloc((size_t)annotators + 2, sizeof *start);
	uint64_t *w = malloc(n * sizeof *w);
	if (!start || !w) {
		free(start);
		free(w);
		fputs("gen: out of memory\n", stderr);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		start[((v[i] >> 8) & 0xffffff) + 1]++;
	for (long a = 1; a <= annotators + 1; a++)
		start[a] += start[a - 1];
	for (size_t i = 0; i < n; i++)
		w[start[(v[i] >> 8) & 0xffffff]++] = v[i];
	for (size_t i = 0; i < n; i++)
		out_vote(o, w[i]);
	free(start);
	free(w);
	return 0;
}

static int write_items(const char *dir, long items)
{
	static const char *const words[] = {
	    "the",    "screen", "battery", "late",   "arrived", "works",  "broken", "great",
	    "slow",   "cheap",	"refund",  "quiet",  "noisy",	"colour", "fits",   "small",
	    "strong", "smells", "update",  "manual", "support", "again",  "never",  "always",
	};
	struct out o;

	if (out_open(&o, dir, "items.csv"))
		return -1;
	out_str(&o, "item,text\n");
	for (long i = 1; i <= items; i++) {
		int n = 4 + (int)rng_below(6);

		out_item(&o, (uint64_t)i);
		out_str(&o, ",synthetic item ");
		out_uint(&o, (uint64_t)i);
		out_char(&o, ':');
		for (int w = 0; w < n; w++) {
			out_char(&o, ' ');
			out_str(&o, words[rng_below(sizeof(words) / sizeof(words[0]))]);
		}
		out_char(&o, '\n');
	}
	return out_close(&o, "items.csv");
}

/* The model: right most of the time with varied confidence, sometimes confidently wrong. */
static void write_prediction(struct out *o, long item, int truth, int K)
{
	double logit[MAX_LABELS], sum = 0, best = -1;
	int tenk[MAX_LABELS], total = 0, top = 0;
	int target = truth;
	double u = rng_unit();

	if (u < 0.12)
		target = truth + (rng_unit() < 0.5 ? -1 : 1);
	else if (u < 0.15)
		target = (int)rng_below((uint32_t)K);
	if (target < 0)
		target = 1;
	if (target >= K)
		target = K - 2;
	for (int j = 0; j < K; j++)
		logit[j] = 0.8 * rng_normal();
	logit[target] += 0.5 + 4.5 * rng_unit();
	for (int j = 0; j < K; j++) {
		logit[j] = exp(logit[j]);
		sum += logit[j];
	}
	for (int j = 0; j < K; j++) {
		tenk[j] = (int)(logit[j] / sum * 10000 + 0.5);
		total += tenk[j];
		if (logit[j] > best) {
			best = logit[j];
			top = j;
		}
	}
	/* Rounding slack goes to the top label so every row sums to exactly 1. */
	tenk[top] += 10000 - total;
	out_item(o, (uint64_t)item);
	for (int j = 0; j < K; j++) {
		out_char(o, ',');
		out_prob(o, tenk[j]);
	}
	out_char(o, '\n');
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"items", required_argument, NULL, 'n'},
	    {"annotators", required_argument, NULL, 'a'},
	    {"labels", required_argument, NULL, 'k'},
	    {"seed", required_argument, NULL, 's'},
	    {"out", required_argument, NULL, 'o'},
	    {"order", required_argument, NULL, 'r'},
	    {"ids", required_argument, NULL, 'i'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	long items = 1000000, annotators = 500, K = 5;
	uint64_t seed = 42;
	const char *dir = NULL;
	double prior_cdf[MAX_LABELS], *conf = NULL, *activity = NULL;
	struct out votes, gold, preds;
	int c, rc = 1, opened = 0, bad = 0;
	int picked[5];
	enum order order = BY_ITEM;
	uint64_t *held = NULL;
	size_t nheld = 0, heldcap = 0;

	while ((c = getopt_long(argc, argv, "n:a:k:s:o:r:i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			items = strtol(optarg, NULL, 10);
			break;
		case 'a':
			annotators = strtol(optarg, NULL, 10);
			break;
		case 'k':
			K = strtol(optarg, NULL, 10);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'o':
			dir = optarg;
			break;
		case 'r':
			if (strcmp(optarg, "item") == 0)
				order = BY_ITEM;
			else if (strcmp(optarg, "annotator") == 0)
				order = BY_ANNOTATOR;
			else if (strcmp(optarg, "shuffled") == 0)
				order = SHUFFLED;
			else
				bad = 1;
			break;
		case 'i':
			if (strcmp(optarg, "numeric") == 0 || strcmp(optarg, "string") == 0)
				string_ids = optarg[0] == 's';
			else
				bad = 1;
			break;
		case 'h':
			fputs(gen_usage, stdout);
			return 0;
		default:
			fputs(gen_usage, stderr);
			return 2;
		}
	}
	if (bad || !dir || optind != argc || items > UINT32_MAX || items < 1 || annotators < 5 || annotators > 1000000 ||
	    K < 2 || K > MAX_LABELS) {
		fputs(gen_usage, stderr);
		return 2;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "gen: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	rng_seed(seed);

	/* Skewed class priors: each label about 0.6 times as frequent as the one before. */
	for (int k = 0; k < K; k++)
		prior_cdf[k] = (k ? prior_cdf[k - 1] : 0) + pow(0.6, k);

	conf = malloc(sizeof(*conf) * (size_t)(annotators * K * K));
	activity = malloc(sizeof(*activity) * (size_t)annotators);
	if (!conf || !activity) {
		fputs("gen: out of memory\n", stderr);
		goto out;
	}
	for (long a = 0; a < annotators; a++) {
		double u = rng_unit();
		enum kind kind = u < 0.04   ? SPAMMER
				 : u < 0.06 ? CONSTANT
				 : u < 0.16 ? BIASED
					    : GOOD;

		make_annotator(conf + a * K * K, (int)K, kind);
		/* Activity is heavy-tailed: a few annotators do much of the work. */
		activity[a] = (a ? activity[a - 1] : 0) + exp(1.0 * rng_normal());
	}

	if (out_open(&votes, dir, "votes.csv"))
		goto out;
	if (out_open(&gold, dir, "gold.csv")) {
		out_close(&votes, "votes.csv");
		goto out;
	}
	if (out_open(&preds, dir, "predictions.csv")) {
		out_close(&votes, "votes.csv");
		out_close(&gold, "gold.csv");
		goto out;
	}
	opened = 1;
	out_str(&votes, "item,annotator,label\n");
	out_str(&gold, "item,label\n");
	out_str(&preds, "item");
	for (int k = 0; k < K; k++) {
		out_str(&preds, ",l");
		out_uint(&preds, (uint64_t)k);
	}
	out_char(&preds, '\n');

	for (long i = 1; i <= items; i++) {
		int truth = sample_cdf(prior_cdf, (int)K);
		int n = 3 + (int)rng_below(3);

		for (int v = 0; v < n; v++) {
			int a, dup;

			do {
				a = sample_cdf(activity, (int)annotators);
				dup = 0;
				for (int w = 0; w < v; w++)
					dup |= picked[w] == a;
			} while (dup);
			picked[v] = a;
			int label = sample_cdf(conf + ((long)a * K + truth) * K, (int)K);
			uint64_t vote = (uint64_t)i << 32 | (uint64_t)(a + 1) << 8 | (uint64_t)label;
			if (order == BY_ITEM) {
				out_vote(&votes, vote);
				continue;
			}
			if (nheld == heldcap) {
				uint64_t *grown;
				heldcap = heldcap ? heldcap * 2 : 1 << 16;
				grown = realloc(held, heldcap * sizeof *held);
				if (!grown) {
					fputs("gen: out of memory\n", stderr);
					goto out;
				}
				held = grown;
			}
			held[nheld++] = vote;
		}
		out_item(&gold, (uint64_t)i);
		out_str(&gold, ",l");
		out_uint(&gold, (uint64_t)truth);
		out_char(&gold, '\n');
		write_prediction(&preds, i, truth, (int)K);
	}
	if (order != BY_ITEM &&
	    write_reordered(&votes, held, nheld, order, annotators, seed))
		goto out;
	rc = 0;
out:
	if (opened) {
		rc |= out_close(&votes, "votes.csv") ? 1 : 0;
		rc |= out_close(&gold, "gold.csv") ? 1 : 0;
		rc |= out_close(&preds, "predictions.csv") ? 1 : 0;
		if (rc == 0)
			rc = write_items(dir, items) ? 1 : 0;
	}
	free(conf);
	free(activity);
	free(held);
	return rc;
}
