/*
 * util: checked allocation, string buffers, error buffers, whole-file reads,
 * hashing and time helpers shared by every module.
 */
#include "config.h"

#include "util.h"
#include "utf8.h"

#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int (*util_alloc_fail_hook)(void);

/* Temporaries to remove on the out-of-memory exit (util_tmp_register):
 * held without allocating, since memory has run out when they are needed. */
static const char *tmp_paths[UTIL_TMP_MAX];

int util_tmp_register(const char *path)
{
	for (size_t i = 0; i < UTIL_TMP_MAX; i++) {
		if (!tmp_paths[i]) {
			tmp_paths[i] = path;
			return 0;
		}
	}
	return -1;
}

void util_tmp_forget(const char *path)
{
	for (size_t i = 0; i < UTIL_TMP_MAX; i++)
		if (tmp_paths[i] == path)
			tmp_paths[i] = NULL;
}

int util_tmp_unlinked(const char *beside)
{
	const char *dir = getenv("TMPDIR"), *slash;
	struct sbuf path = {0};
	int fd, e;
	if (dir && *dir)
		sbuf_add(&path, dir);
	else if (beside && (slash = strrchr(beside, '/')) != NULL)
		sbuf_addn(&path, beside, (size_t)(slash - beside));
	else
		sbuf_add(&path, ".");
	sbuf_add(&path, "/.gavel-tmp-XXXXXX");
	fd = mkstemp(path.s);
	e = errno;
	if (fd >= 0)
		unlink(path.s);
	sbuf_free(&path);
	errno = e;
	return fd;
}

/* Exit rather than abort: exit handlers restore the terminal, and an open
 * write transaction is rolled back when the next connection opens. A file
 * half written is removed, so that nothing partial is left behind. */
static void oom(void)
{
	for (size_t i = 0; i < UTIL_TMP_MAX; i++)
		if (tmp_paths[i])
			unlink(tmp_paths[i]);
	fputs("gavel: out of memory\n", stderr);
	exit(GV_EXIT_FAIL);
}

static int alloc_fails(void)
{
	return util_alloc_fail_hook && util_alloc_fail_hook();
}

void *xmalloc(size_t n)
{
	void *p = alloc_fails() ? NULL : malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = alloc_fails() ? NULL : calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = alloc_fails() ? NULL : realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap;
	if (need <= c)
		return p;
	if (c < 16)
		c = 16;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			oom();
		c *= 2;
	}
	*cap = c;
	return xrealloc(p, c * size);
}

void xhuge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	/* The whole pages the block spans, so that a block malloc mapped on
	 * its own stays one mapping (realloc can still move it with mremap). */
	const uintptr_t page = 4096;
	uintptr_t lo = (uintptr_t)p & ~(page - 1);
	uintptr_t hi = ((uintptr_t)p + n + page - 1) & ~(page - 1);
	if (n >= (size_t)4 << 20)
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int err_set(char *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(err, GV_ERR, fmt, ap);
	va_end(ap);
	if (n >= GV_ERR) {
		/* Cut at a character boundary: never leave half a UTF-8 sequence. */
		err[utf8_trim(err, GV_ERR - 1)] = 0;
	}
	return -1;
}

void sbuf_addn(struct sbuf *b, const char *s, size_t n)
{
	b->s = xgrow(b->s, &b->cap, b->len + n + 1, 1);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sbuf_add(struct sbuf *b, const char *s)
{
	sbuf_addn(b, s, strlen(s));
}

void sbuf_addc(struct sbuf *b, char c)
{
	sbuf_addn(b, &c, 1);
}

void sbuf_vaddf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	b->s = xgrow(b->s, &b->cap, b->len + (size_t)n + 1, 1);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sbuf_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sbuf_vaddf(b, fmt, ap);
	va_end(ap);
}

void sbuf_add_utf8(struct sbuf *b, long cp)
{
	char u[UTF8_MAX];
	sbuf_addn(b, u, utf8_encode(cp, u));
}

void sbuf_add_int(struct sbuf *b, int64_t v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	sbuf_addn(b, p, (size_t)(tmp + sizeof tmp - p));
}

void sbuf_add_json_num(struct sbuf *b, double v)
{
	char tmp[64];
	if (!isfinite(v)) {
		sbuf_add(b, "null");
		return;
	}
	/* Six decimals are more than any agreement figure can honestly claim,
	 * and keep the JSON stable across platforms' last-bit differences. */
	snprintf(tmp, sizeof tmp, "%.6f", v);
	/* Trim trailing zeros but keep one digit after the point. */
	char *dot = strchr(tmp, '.');
	if (dot) {
		char *end = tmp + strlen(tmp) - 1;
		while (end > dot + 1 && *end == '0')
			*end-- = '\0';
	}
	if (strcmp(tmp, "-0.0") == 0)
		strcpy(tmp, "0.0");
	sbuf_add(b, tmp);
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void sbuf_free(struct sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *sbuf_take(struct sbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

int util_read_file(const char *path, size_t max_bytes, char **out, size_t *len, char *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return err_set(err, "%s: %s", path, strerror(errno));
	for (;;) {
		buf = xgrow(buf, &cap, n + 65536 + 1, 1);
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (n > max_bytes) {
			err_set(err, "%s: file is larger than the limit of %zu bytes", path,
				max_bytes);
			goto fail;
		}
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		err_set(err, "%s: read error: %s", path, strerror(errno));
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
fail:
	if (f != stdin)
		fclose(f);
	free(buf);
	return -1;
}

void util_sha256_hex(const void *buf, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, buf, len);
	sodium_bin2hex(out, 65, h, sizeof h);
}

void util_utc_now(char out[21])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int util_parse_double(const char *s, double *out)
{
	char *end;
	double v;
	if (!*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

const char *util_base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : path ? path : "";
}

int util_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;
	if (!*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
