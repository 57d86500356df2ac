/*
 * util: the small pieces every gavel module leans on. Checked allocation (an
 * allocation failure ends the program with a message rather than returning
 * NULL through every caller), error buffers, a growable string buffer with
 * JSON number and decimal writers, reading a whole file into memory,
 * SHA-256, the UTC clock and strict number parsing. util depends on no other
 * gavel module; JSON strings, which must be safe to print, are text.h's.
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

/*
 * malloc, calloc, realloc and strdup that never return NULL: on failure they
 * print "gavel: out of memory" and exit with status 1 (exit handlers run, so
 * the terminal is restored). A size of 0 still allocates (one byte), so the
 * result is always a pointer to free().
 */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/*
 * Have the out-of-memory exit above remove path (a temporary file the caller
 * is writing) before it exits, until util_tmp_forget(path). path is the
 * caller's and must live until then; at most UTIL_TMP_MAX are held at once
 * (the one past that returns -1 and is not held).
 */
#define UTIL_TMP_MAX 4
int util_tmp_register(const char *path);
void util_tmp_forget(const char *path);
/*
 * Create a temporary file, private to the caller and already unlinked (so
 * that nothing is left behind whatever happens), in TMPDIR when it is set,
 * else in the directory of the file at beside ("." when it names none).
 * Returns its descriptor, or -1 with errno set.
 */
int util_tmp_unlinked(const char *beside);
/* For tests only (tests/reliability/fault.c): when set, called before each
 * allocation above; a nonzero return fails it as if memory had run out. */
extern int (*util_alloc_fail_hook)(void);
/* Copy exactly n bytes of s (a NUL among them is copied too, unlike
 * strndup) and terminate the copy with a NUL. */
char *xstrndup(const char *s, size_t n);
/*
 * Make the array p of *cap elements of `size` bytes hold at least `need`:
 * when need > *cap, the capacity doubles (from at least 16) until it does,
 * *cap gets the new capacity and the reallocated array is returned;
 * otherwise p is returned unchanged. Aborts like xmalloc on overflow.
 */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
/*
 * Ask for transparent huge pages on the block p of n bytes, a large array
 * about to be filled: it then takes one page fault per 2 MiB instead of one
 * per 4 KiB, and on a virtual machine the faults of a fresh 40 MB array
 * cost more than filling it. Blocks under 4 MiB, and systems without such
 * pages, are left as they are. Memory use is unchanged but for the last
 * page being filled.
 */
void xhuge(void *p, size_t n);

/*
 * Fill err (GV_ERR bytes) with a printf-style message. Returns -1 so that
 * callers can write `return err_set(err, "...")`. A NULL err is allowed (the
 * message is dropped). A longer message is cut to fit at a UTF-8 character
 * boundary. The message is not sanitised here: callers that embed data in it
 * pass the data through text_sanitize first, or print the message with
 * cli_error, which sanitises all of it.
 */
int err_set(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A growable byte string, NUL-terminated after every append. A zeroed struct
 * is an empty buffer whose s is still NULL: until the first append, readers
 * use `b.s ? b.s : ""` (or sbuf_take, which never returns NULL).
 */
struct sbuf {
	char *s;
	size_t len, cap;
};

/* Append n bytes of s (which may hold NUL bytes; len counts them). */
void sbuf_addn(struct sbuf *b, const char *s, size_t n);
void sbuf_add(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
/* Append printf-style text. An encoding error in vsnprintf appends nothing. */
void sbuf_addf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vaddf(struct sbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Append a double as JSON: null when not finite, else rounded to six decimals
 * with trailing zeros trimmed but one digit kept after the point (0.5, 1.0,
 * 0.333333; -0.0 becomes 0.0), so figures are stable across platforms. */
void sbuf_add_json_num(struct sbuf *b, double v);
/* Append code point cp as UTF-8; one with no UTF-8 form (a surrogate, past
 * U+10FFFF) as U+FFFD (see utf8_encode). */
void sbuf_add_utf8(struct sbuf *b, long cp);
/* Append v in decimal, without printf (for writers of millions of numbers). */
void sbuf_add_int(struct sbuf *b, int64_t v);
/* Empty the buffer but keep its memory for the next appends. */
void sbuf_reset(struct sbuf *b);
/* Free the memory and leave a zeroed (empty) buffer. */
void sbuf_free(struct sbuf *b);
/* Give the string to the caller (never NULL) and leave the buffer zeroed. */
char *sbuf_take(struct sbuf *b);

/*
 * Read the whole file at path (or stdin for "-", which is left open) into a
 * NUL-terminated heap buffer *out for the caller to free. *len gets the byte
 * count (the buffer may hold NUL bytes, which the parsers reject with a
 * position). Files above max_bytes are refused. Returns 0, or -1 with err
 * filled ("PATH: reason") and *out untouched.
 */
int util_read_file(const char *path, size_t max_bytes, char **out, size_t *len, char *err);

/* Lowercase hex SHA-256 of a buffer into out (65 bytes). */
void util_sha256_hex(const void *buf, size_t len, char out[65]);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into out (21 bytes). */
void util_utc_now(char out[21]);

/*
 * Parse a whole string as a finite double (strtod syntax: leading white
 * space is skipped, nothing may follow the number; inf and nan are refused).
 * Returns 0, or -1 with *out untouched.
 */
int util_parse_double(const char *s, double *out);
/* Parse a whole string as a decimal long in [min, max], as util_parse_double
 * (leading white space skipped, nothing after). Returns 0, or -1. */
int util_parse_long(const char *s, long min, long max, long *out);
/* The file name of a path: what follows its last '/' (path NULL: ""). */
const char *util_base_name(const char *path);

#endif
