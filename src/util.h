/*
 * util: the small pieces every gavel module leans on. Checked allocation (an
 * allocation failure ends the program with a message rather than returning
 * NULL through every caller), a growable string buffer, error buffers, and
 * reading a whole file into memory.
 */
#ifndef GAVEL_UTIL_H
#define GAVEL_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Size of every error buffer passed as `char *err` through the library. */
#define GV_ERR 1024

/* Exit codes of the command line. */
enum {
	GV_EXIT_OK = 0,	   /* success */
	GV_EXIT_FAIL = 1,  /* bad input, a failed check, or a runtime error */
	GV_EXIT_USAGE = 2, /* the command line itself was wrong */
};

#define GV_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocate or abort with "gavel: out of memory". Never return NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array to hold at least `need` elements of `size` bytes, doubling. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * Fill err (GV_ERR bytes) with a printf-style message. Returns -1 so that
 * callers can write `return err_set(err, "...")`. A NULL err is allowed.
 * The message is not sanitised here: callers that embed data in it pass the
 * data through text_sanitize first, or print with err_print.
 */
int err_set(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable NUL-terminated byte string. A zeroed struct is an empty buffer. */
struct sbuf {
	char *s;
	size_t len, cap;
};

void sbuf_addn(struct sbuf *b, const char *s, size_t n);
void sbuf_add(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_addf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vaddf(struct sbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Append s as a JSON string literal (with quotes), escaping as RFC 8259 needs
 * and also every character the terminal sanitiser would replace (C1 controls,
 * bidi and invisible characters) as \uXXXX, so JSON output is safe to print. */
void sbuf_add_json_str(struct sbuf *b, const char *s);
/* Append a double as JSON: "null" when not finite, else shortest %.17g-stable form. */
void sbuf_add_json_num(struct sbuf *b, double v);
/* Append v in decimal, without printf (for writers of millions of numbers). */
void sbuf_add_int(struct sbuf *b, int64_t v);
void sbuf_reset(struct sbuf *b);
void sbuf_free(struct sbuf *b);
/* Give the string to the caller (never NULL) and leave the buffer empty. */
char *sbuf_take(struct sbuf *b);

/*
 * Read the whole file at path (or stdin for "-") into a NUL-terminated heap
 * buffer. *len gets the byte count (the buffer may hold NUL bytes, which the
 * parsers reject with a position). Files above max_bytes are refused.
 * Returns 0, or -1 with err filled.
 */
int util_read_file(const char *path, size_t max_bytes, char **out, size_t *len, char *err);

/* Lowercase hex SHA-256 of a buffer into out (65 bytes). */
void util_sha256_hex(const void *buf, size_t len, char out[65]);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into out (21 bytes). */
void util_utc_now(char out[21]);

/* Parse a whole string as a finite double. Returns 0 on success. */
int util_parse_double(const char *s, double *out);
/* Parse a whole string as a long in [min, max]. Returns 0 on success. */
int util_parse_long(const char *s, long min, long max, long *out);

#endif
