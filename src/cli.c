/*
 * cli: shared command-line plumbing: safe error printing, usage errors, the
 * one description of a bad option (with a "did you mean"), and opening a
 * project.
 */
#include "config.h"

#include "cli.h"
#include "text.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* This file calls the real one. */
#undef getopt_long

/* What the last cli_getopt_long found wrong, for the next cli_usage_error. */
static char bad_option[512];

static void vprint_clean(FILE *f, const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void vprint_clean(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	struct sbuf b = {0};
	char *clean;
	sbuf_vaddf(&b, fmt, ap);
	clean = text_sanitize(b.s ? b.s : "", b.len, TEXT_LINE, NULL);
	fprintf(f, "%s%s\n", prefix, clean);
	free(clean);
	sbuf_free(&b);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint_clean(stderr, "gavel: ", fmt, ap);
	va_end(ap);
}

static void print_clean(FILE *f, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Calls vprint_clean with a va_list, for a message that is already whole. */
static void print_clean(FILE *f, const char *prefix, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint_clean(f, prefix, fmt, ap);
	va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	struct sbuf prefix = {0};
	sbuf_addf(&prefix, "gavel %s: ", cmd);
	if (bad_option[0]) {
		print_clean(stderr, prefix.s, "%s", bad_option);
		bad_option[0] = '\0';
	} else {
		va_start(ap, fmt);
		vprint_clean(stderr, prefix.s, fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "Try 'gavel %s --help'.\n", cmd);
	sbuf_free(&prefix);
	return GV_EXIT_USAGE;
}

/* Edit distance between a and b where swapping two neighbours is one edit
 * (optimal string alignment), capped: anything above 8 reads as 9. */
static size_t distance(const char *a, const char *b)
{
	enum { CAP = 32 };
	size_t la = strlen(a), lb = strlen(b), d[CAP + 1][CAP + 1];
	if (la > CAP || lb > CAP)
		return 9;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], best = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb] > 9 ? 9 : d[la][lb];
}

const char *cli_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL, *prefixed = NULL;
	size_t best_d = 9, len = strlen(word), nprefixed = 0;
	int tie = 0;

	if (!len)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, candidates[i]);
		if (strncmp(candidates[i], word, len) == 0) {
			prefixed = candidates[i];
			nprefixed++;
		}
		if (d < best_d) {
			best = candidates[i];
			best_d = d;
			tie = 0;
		} else if (d == best_d && best && strcmp(best, candidates[i]) != 0) {
			tie = 1;
		}
	}
	if (best && !tie && best_d <= (len <= 4 ? 1u : 2u))
		return best;
	return nprefixed == 1 ? prefixed : NULL;
}

/* The long option that token (after its "--", up to any '=') names exactly
 * or as a unique prefix; NULL when none or several do. */
static const struct option *long_match(const struct option *longopts, const char *name, size_t len,
				       size_t *nmatch)
{
	const struct option *hit = NULL;
	*nmatch = 0;
	for (const struct option *o = longopts; o && o->name; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (strlen(o->name) == len) {
			*nmatch = 1;
			return o;
		}
		hit = o;
		++*nmatch;
	}
	return *nmatch == 1 ? hit : NULL;
}

/* Describe the option getopt_long just refused into bad_option. getopt
 * leaves optopt 0 for a long option it does not know, and the option's val
 * when a known long or short option lacks or refuses a value. */
static void describe_bad_option(int argc, char *const argv[], const char *shortopts,
				const struct option *longopts)
{
	const char *tok = optind >= 1 && optind <= argc ? argv[optind - 1] : "";
	struct sbuf b = {0};

	if (strncmp(tok, "--", 2) == 0 && tok[2]) {
		const char *name = tok + 2;
		size_t len = strcspn(name, "="), nmatch;
		const struct option *o = long_match(longopts, name, len, &nmatch);
		char *word = xstrndup(name, len);

		if (o && optopt && o->val == optopt) {
			if (o->has_arg == no_argument)
				sbuf_addf(&b, "option '--%s' takes no value", o->name);
			else
				sbuf_addf(&b, "option '--%s' needs a value", o->name);
		} else if (nmatch > 1) {
			int k = 0;
			sbuf_addf(&b, "option '--%s' is ambiguous (", word);
			for (const struct option *p = longopts; p->name; p++)
				if (strncmp(p->name, name, len) == 0)
					sbuf_addf(&b, "%s--%s", k++ ? ", " : "", p->name);
			sbuf_add(&b, ")");
		} else if (!optopt) {
			const char *names[64], *hint;
			size_t n = 0;
			for (const struct option *p = longopts; p && p->name && n < 64; p++)
				names[n++] = p->name;
			hint = cli_suggest(word, names, n);
			sbuf_addf(&b, "unknown option '--%s'", word);
			if (hint)
				sbuf_addf(&b, "; did you mean '--%s'?", hint);
		}
		free(word);
	}
	if (!b.len && optopt > 0 && optopt < 0x80) {
		const char *at = strchr(shortopts, optopt);
		if (at && optopt != ':')
			sbuf_addf(&b, "option '-%c' needs a value", optopt);
		else
			sbuf_addf(&b, "unknown option '-%c'", optopt);
	}
	if (!b.len)
		sbuf_addf(&b, "bad option '%s'", tok);
	snprintf(bad_option, sizeof bad_option, "%s", b.s);
	sbuf_free(&b);
}

int cli_getopt_long(int argc, char *const argv[], const char *shortopts,
		    const struct option *longopts, int *longindex)
{
	int saved = opterr, c;
	opterr = 0;
	bad_option[0] = '\0';
	c = getopt_long(argc, argv, shortopts, longopts, longindex);
	opterr = saved;
	if (c == '?' || c == ':')
		describe_bad_option(argc, argv, shortopts, longopts);
	return c;
}

int cli_task_missing(struct store *st, const char *name, char *err)
{
	struct store_task *tasks = NULL;
	struct sbuf b = {0};
	const char **names;
	const char *hint;
	size_t n = 0;

	if (store_task_list(st, &tasks, &n, err))
		return -1;
	names = xcalloc(n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++)
		names[i] = tasks[i].name;
	sbuf_addf(&b, "no task named '%s'", name);
	hint = cli_suggest(name, names, n);
	if (hint)
		sbuf_addf(&b, "; did you mean '%s'?", hint);
	if (!n)
		sbuf_add(&b, " (the project has no tasks yet)");
	for (size_t i = 0; i < n; i++)
		sbuf_addf(&b, "%s%s", i ? ", " : (n == 1 ? " (its task: " : " (its tasks: "),
			  names[i]);
	if (n)
		sbuf_addc(&b, ')');
	err_set(err, "%s", b.s);
	for (size_t i = 0; i < n; i++)
		store_task_free(&tasks[i]);
	free(tasks);
	free(names);
	sbuf_free(&b);
	return -1;
}

struct store *cli_open(const char *path, int flags)
{
	struct store *st;
	char err[GV_ERR];
	if (store_open(path, flags, &st, err)) {
		cli_error("%s", err);
		return NULL;
	}
	if (st->migrated_from)
		print_clean(stderr, "", "%s: migrated from schema %d to %d", path,
			    st->migrated_from, STORE_SCHEMA_VERSION);
	return st;
}
