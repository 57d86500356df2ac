/*
 * replay: the fuzz targets as a plain test (tests/fuzz_replay, run by `make
 * check` with the normal compiler). Every target runs over every file of
 * its seed corpus fuzz/corpus/<target>/ and then over seeded random
 * mutations of those files (bit flips, interesting bytes, tokens that
 * parsers treat specially, deleted, duplicated and spliced ranges), so that
 * a crash once found and added to the corpus stays caught, and so that the
 * targets' invariants are exercised on every build without libFuzzer. A
 * failed invariant or a crash ends the program with a signal, after the
 * input has been printed as a C string and saved as fuzz-crash-<target>.
 *
 * Usage: fuzz_replay [--target NAME] [--iterations N] [--seed S]
 *                    [--input FILE] [--dump N FILE] [--verbose] [CORPUS_DIR]
 * CORPUS_DIR defaults to $top_srcdir/fuzz/corpus (as `make check` sets it).
 */
#include "config.h"

#include "fuzz.h"

#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Mutated inputs never grow past this many bytes. */
#define REPLAY_MAX_INPUT (64u << 10)
/* Mutations per target when neither --iterations nor FUZZ_REPLAY_ITERATIONS says. */
#define DEFAULT_ITERATIONS 2000

struct target {
	const char *name;
	int (*fn)(const uint8_t *data, size_t size);
};

static const struct target targets[] = {
	{"csv", fuzz_csv_one},
	{"json_check", fuzz_json_check_one},
	{"yaml_guide", fuzz_yaml_guide_one},
	{"yaml_project", fuzz_yaml_project_one},
	{"fmt_readers", fuzz_fmt_readers_one},
	{"text", fuzz_text_one},
	{"votepack", fuzz_votepack_one},
	{"packet", fuzz_packet_one},
};

/* Tokens that the parsers give a meaning to, or that the sanitiser must catch. */
/* clang-format off */
static const char *const tokens[] = {
	/* CSV and JSON structure */
	"\"", "\"\"", ",", "\t", "\r\n", "\n", "{}", "[]", "{\"a\":1}", "null", "true",
	"1e999", "-0.5", "\\u0000", "\\ud800", "\\ud83d\\ude00", "\\\"",
	/* byte order mark, bidi, escape sequences, C1, joiner */
	"\xef\xbb\xbf", "\xe2\x80\xae", "\xe2\x81\xa6", "\x1b[31m", "\x1b]0;x\x07",
	"\xc2\x9b", "\xe2\x80\x8d",
	/* YAML */
	"&a ", "*a", "!!binary ", "- ", ": ", "? ", "---\n", "...\n", "labels:\n", "rules:\n",
	/* emoji, CJK, combining mark; a surrogate, an overlong, above U+10FFFF */
	"\xf0\x9f\x98\x80", "\xe4\xb8\xad", "\xcc\x81", "\xed\xa0\x80", "\xc0\x80",
	"\xf4\x90\x80\x80",
	/* keys the format readers look for */
	"\"item\"", "\"label\"", "\"annotations\"", "\"choices\"", "\"answer\"",
	"\"accept\"", ".responses", "item,annotator,label\n",
};

static const unsigned char bytes[] = {
	0, 1, 0x7f, 0x80, 0xff, '"', ',', '\t', '\n', '\r', '{', '}', '[', ']', ':',
	'\\', '-', '&', '*', '#', '|', '>', 0x1b, 0xc3, 0xe2, 0xf0, ' ', '0', '9', '\'',
};
/* clang-format on */

/* What the crash handler prints: the running target and input. */
static const char *cur_target = "";
static char cur_id[64];
static const unsigned char *cur_data;
static size_t cur_size;

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	/* xorshift64*: deterministic across platforms for a given seed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t rng_below(size_t n)
{
	return n ? (size_t)(rng_next() % n) : 0;
}

/* Write s to fd with only async-signal-safe calls. */
static void sig_write(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void sig_puts(const char *s)
{
	sig_write(2, s, strlen(s));
}

static void on_crash(int sig)
{
	static const char hex[] = "0123456789abcdef";
	char path[96] = "fuzz-crash-";
	char esc[4];
	size_t shown = cur_size < 4096 ? cur_size : 4096;
	int fd;

	sig_puts("\nfuzz_replay: target ");
	sig_puts(cur_target);
	sig_puts(" crashed on ");
	sig_puts(cur_id);
	sig_puts("; the input as a C string:\n\"");
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = cur_data[i];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			sig_write(2, esc, 2);
		} else if (c >= 0x20 && c < 0x7f) {
			sig_write(2, (const char *)&c, 1);
		} else {
			/* A hex escape swallows the hex digits after it: split the
			 * string literal there. */
			unsigned char next = i + 1 < shown ? cur_data[i + 1] : 0;
			sig_write(2, "\\x", 2);
			esc[0] = hex[c >> 4];
			esc[1] = hex[c & 15];
			sig_write(2, esc, 2);
			if ((next >= '0' && next <= '9') || (next >= 'a' && next <= 'f') ||
			    (next >= 'A' && next <= 'F'))
				sig_write(2, "\"\"", 2);
		}
	}
	sig_puts(shown < cur_size ? "\" (first 4096 bytes)\n" : "\"\n");
	strncat(path, cur_target, sizeof path - strlen(path) - 1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		sig_write(fd, (const char *)cur_data, cur_size);
		close(fd);
		sig_puts("fuzz_replay: input saved as ");
		sig_puts(path);
		sig_puts("\n");
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	static const int sigs[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
	for (size_t i = 0; i < GV_ARRAY_LEN(sigs); i++)
		signal(sigs[i], on_crash);
}

struct input {
	char *name;
	unsigned char *data;
	size_t size;
};

struct corpus {
	struct input *v;
	size_t n, cap;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct input *)a)->name, ((const struct input *)b)->name);
}

static int read_input(const char *path, struct input *in)
{
	char err[GV_ERR];
	char *buf;
	size_t len;

	if (util_read_file(path, REPLAY_MAX_INPUT * 16, &buf, &len, err)) {
		fprintf(stderr, "fuzz_replay: %s\n", err);
		return -1;
	}
	in->data = (unsigned char *)buf;
	in->size = len;
	return 0;
}

/* Load every regular file of dir/name, sorted by file name. */
static int corpus_load(const char *dir, const char *name, struct corpus *c)
{
	struct sbuf path = {0};
	DIR *d;
	struct dirent *e;
	size_t base;
	int rc = -1;

	sbuf_addf(&path, "%s/%s/", dir, name);
	base = path.len;
	d = opendir(path.s);
	if (!d) {
		fprintf(stderr, "fuzz_replay: %s: %s\n", path.s, strerror(errno));
		sbuf_free(&path);
		return -1;
	}
	while ((e = readdir(d))) {
		struct input in = {0};
		if (e->d_name[0] == '.')
			continue;
		path.len = base;
		sbuf_add(&path, e->d_name);
		if (read_input(path.s, &in))
			goto out;
		in.name = xstrdup(e->d_name);
		c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof *c->v);
		c->v[c->n++] = in;
	}
	if (c->n == 0) {
		fprintf(stderr, "fuzz_replay: %s/%s: no seed files\n", dir, name);
		goto out;
	}
	qsort(c->v, c->n, sizeof *c->v, by_name);
	rc = 0;
out:
	closedir(d);
	sbuf_free(&path);
	return rc;
}

static void corpus_free(struct corpus *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].data);
	}
	free(c->v);
	memset(c, 0, sizeof *c);
}

/* Insert n bytes at pos of b[0..*len), within REPLAY_MAX_INPUT. */
static void buf_insert(unsigned char *b, size_t *len, size_t pos, const void *s, size_t n)
{
	if (*len + n > REPLAY_MAX_INPUT)
		return;
	memmove(b + pos + n, b + pos, *len - pos);
	memcpy(b + pos, s, n);
	*len += n;
}

/* One mutated input, into b (REPLAY_MAX_INPUT bytes); returns its size. */
static size_t mutate(const struct corpus *c, unsigned char *b)
{
	const struct input *in = &c->v[rng_below(c->n)];
	size_t len = in->size < REPLAY_MAX_INPUT ? in->size : REPLAY_MAX_INPUT;
	size_t rounds = 1 + rng_below(6);

	memcpy(b, in->data, len);
	for (size_t r = 0; r < rounds; r++) {
		size_t pos = rng_below(len + 1), n;
		switch (rng_below(8)) {
		case 0: /* flip a bit */
			if (len)
				b[rng_below(len)] ^= (unsigned char)(1u << rng_below(8));
			break;
		case 1: /* set an interesting byte */
			if (len)
				b[rng_below(len)] = bytes[rng_below(sizeof bytes)];
			break;
		case 2: /* insert an interesting byte */
			buf_insert(b, &len, pos, &bytes[rng_below(sizeof bytes)], 1);
			break;
		case 3: { /* insert a token */
			const char *t = tokens[rng_below(GV_ARRAY_LEN(tokens))];
			buf_insert(b, &len, pos, t, strlen(t));
			break;
		}
		case 4: /* delete a range */
			n = rng_below(len - (pos < len ? pos : len) + 1);
			n = n > 16 && rng_below(2) ? n / 8 : n;
			memmove(b + pos, b + pos + n, len - pos - n);
			len -= n;
			break;
		case 5: { /* duplicate a range somewhere */
			size_t from = rng_below(len + 1);
			unsigned char tmp[256];
			n = rng_below(len - from + 1);
			n = n < sizeof tmp ? n : sizeof tmp;
			memcpy(tmp, b + from, n);
			buf_insert(b, &len, pos, tmp, n);
			break;
		}
		case 6: { /* splice the tail of another seed */
			const struct input *o = &c->v[rng_below(c->n)];
			size_t from = rng_below(o->size + 1);
			n = o->size - from;
			if (pos + n > REPLAY_MAX_INPUT)
				n = REPLAY_MAX_INPUT - pos;
			memcpy(b + pos, o->data + from, n);
			len = pos + n;
			break;
		}
		default: /* truncate */
			len = pos;
			break;
		}
	}
	return len;
}

static void run_one(const struct target *t, const char *id, const unsigned char *data, size_t size,
		    int verbose)
{
	/* An exact-size copy, so that reading past the end is caught under ASan. */
	unsigned char *copy = (unsigned char *)fuzz_copy(data, size);

	cur_target = t->name;
	snprintf(cur_id, sizeof cur_id, "%s", id);
	cur_data = copy;
	cur_size = size;
	if (verbose)
		fprintf(stderr, "fuzz_replay: %s %s (%zu bytes)\n", t->name, id, size);
	t->fn(copy, size);
	cur_data = NULL;
	cur_size = 0;
	free(copy);
}

static uint64_t seed_for(const char *name, uint64_t seed)
{
	uint64_t h = 1469598103934665603ull ^ seed;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return h ? h : 1;
}

/* Run target t over its corpus and `iterations` mutations (only mutation
 * `dump_n` is written to dump_path instead, when dump_path is set). */
static int run_target(const struct target *t, const char *dir, long iterations, uint64_t seed,
		      long dump_n, const char *dump_path, int verbose)
{
	struct corpus c = {0};
	unsigned char *b;
	char id[64];
	int rc = -1;

	if (corpus_load(dir, t->name, &c))
		return -1;
	b = xmalloc(REPLAY_MAX_INPUT);
	rng_state = seed_for(t->name, seed);
	if (!dump_path) {
		for (size_t i = 0; i < c.n; i++) {
			snprintf(id, sizeof id, "corpus file %.40s", c.v[i].name);
			run_one(t, id, c.v[i].data, c.v[i].size, verbose);
		}
	}
	for (long i = 0; i < iterations; i++) {
		size_t len = mutate(&c, b);
		if (dump_path) {
			FILE *f;
			if (i != dump_n)
				continue;
			f = fopen(dump_path, "wb");
			if (!f || fwrite(b, 1, len, f) != len || fclose(f)) {
				fprintf(stderr, "fuzz_replay: %s: %s\n", dump_path,
					strerror(errno));
				goto out;
			}
			break;
		}
		snprintf(id, sizeof id, "mutation %ld (--seed %llu)", i, (unsigned long long)seed);
		run_one(t, id, b, len, verbose);
	}
	if (!dump_path)
		printf("fuzz_replay: %-12s %3zu corpus files and %ld mutations: ok\n", t->name, c.n,
		       iterations);
	rc = 0;
out:
	free(b);
	corpus_free(&c);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: fuzz_replay [--target NAME] [--iterations N] [--seed S] [--input FILE]\n"
		"                   [--dump N FILE] [--verbose] [CORPUS_DIR]\n"
		"Runs every fuzz target over fuzz/corpus/<target>/ and N seeded mutations\n"
		"of it (default %d, or $FUZZ_REPLAY_ITERATIONS). --input runs one file;\n"
		"--dump writes mutation N of --target to FILE. CORPUS_DIR defaults to\n"
		"$top_srcdir/fuzz/corpus.\n",
		DEFAULT_ITERATIONS);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"target", required_argument, NULL, 't'},
		{"iterations", required_argument, NULL, 'n'},
		{"seed", required_argument, NULL, 's'},
		{"input", required_argument, NULL, 'i'},
		{"dump", required_argument, NULL, 'd'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *only = NULL, *input = NULL, *dump_path = NULL, *env;
	struct sbuf dir = {0};
	int rc = 0;
	long iterations = DEFAULT_ITERATIONS, seed = 1, dump_n = -1;
	int verbose = 0, ran = 0, c;

	env = getenv("FUZZ_REPLAY_ITERATIONS");
	if (env && util_parse_long(env, 0, 100000000, &iterations)) {
		fprintf(stderr, "fuzz_replay: bad FUZZ_REPLAY_ITERATIONS\n");
		return 2;
	}
	while ((c = getopt_long(argc, argv, "t:n:s:i:d:vh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			only = optarg;
			break;
		case 'n':
			if (util_parse_long(optarg, 0, 100000000, &iterations))
				goto bad;
			break;
		case 's':
			if (util_parse_long(optarg, 0, 0x7fffffff, &seed))
				goto bad;
			break;
		case 'i':
			input = optarg;
			break;
		case 'd':
			if (util_parse_long(optarg, 0, 100000000, &dump_n) || optind >= argc)
				goto bad;
			dump_path = argv[optind++];
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (argc - optind > 1 || (dump_path && !only))
		goto bad;
	if (optind < argc)
		sbuf_add(&dir, argv[optind]);
	else if ((env = getenv("top_srcdir")) && *env)
		sbuf_addf(&dir, "%s/fuzz/corpus", env);
	else
		sbuf_add(&dir, "fuzz/corpus");

	install_handlers();
	for (size_t i = 0; i < GV_ARRAY_LEN(targets); i++) {
		const struct target *t = &targets[i];
		if (only && strcmp(only, t->name) != 0)
			continue;
		ran++;
		if (input) {
			struct input in = {0};
			if (read_input(input, &in)) {
				rc = 1;
				break;
			}
			run_one(t, input, in.data, in.size, verbose);
			printf("fuzz_replay: %s %s: ok\n", t->name, input);
			free(in.data);
			continue;
		}
		fflush(stdout);
		if (run_target(t, dir.s, iterations, (uint64_t)seed, dump_n, dump_path, verbose)) {
			rc = 1;
			break;
		}
		fflush(stdout);
	}
	sbuf_free(&dir);
	if (!ran) {
		fprintf(stderr, "fuzz_replay: no target named %s\n", only);
		return 2;
	}
	return rc;
bad:
	usage(stderr);
	return 2;
}
