/*
 * cli: shared command-line plumbing: safe error printing, usage errors and
 * opening a project.
 */
#include "config.h"

#include "cli.h"
#include "text.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>

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

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	struct sbuf prefix = {0};
	sbuf_addf(&prefix, "gavel %s: ", cmd);
	va_start(ap, fmt);
	vprint_clean(stderr, prefix.s, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'gavel %s --help'.\n", cmd);
	sbuf_free(&prefix);
	return GV_EXIT_USAGE;
}

struct store *cli_open(const char *path, int flags)
{
	struct store *st;
	char err[GV_ERR];
	if (store_open(path, flags, &st, err)) {
		cli_error("%s", err);
		return NULL;
	}
	return st;
}
