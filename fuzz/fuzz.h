/*
 * fuzz: the fuzz targets for every parser. The parsers are pure functions
 * over a buffer with limits, so a fuzzer can drive them directly. Each target
 * is one function over a byte buffer that runs a parser and checks the
 * invariants its contract promises, aborting with a message when one fails.
 * The same functions serve two drivers: libFuzzer (`make fuzz`, each target
 * file compiled with -DFUZZ_LIBFUZZER so that it defines
 * LLVMFuzzerTestOneInput) and tests/fuzz_replay (fuzz/replay.c), which
 * `make check` runs over the seed corpora and seeded mutations of them.
 */
#ifndef GAVEL_FUZZ_H
#define GAVEL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * The targets. Each takes any bytes (data need not be NUL-terminated),
 * returns 0, and aborts through fuzz_fail when an invariant does not hold.
 * Each frees everything it allocates, so leak checkers see no leak.
 */
int fuzz_csv_one(const uint8_t *data, size_t size);
int fuzz_json_check_one(const uint8_t *data, size_t size);
int fuzz_yaml_guide_one(const uint8_t *data, size_t size);
int fuzz_yaml_project_one(const uint8_t *data, size_t size);
int fuzz_fmt_readers_one(const uint8_t *data, size_t size);
int fuzz_text_one(const uint8_t *data, size_t size);
int fuzz_votepack_one(const uint8_t *data, size_t size);
int fuzz_packet_one(const uint8_t *data, size_t size);

#ifdef FUZZ_LIBFUZZER
/* The libFuzzer entry point; each fuzz_*.c defines it for its own target. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#endif

/* Print "fuzz: TARGET: message" on stderr and abort(). */
void fuzz_fail(const char *target, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Abort with the failed condition's text and position unless cond holds.
 * Unlike assert(), never compiled out. */
#define FUZZ_CHECK(target, cond)                                                                   \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fuzz_fail(target, "%s:%d: invariant failed: %s", __FILE__, __LINE__,       \
				  #cond);                                                          \
	} while (0)

/*
 * A heap copy of data[0..size) of exactly size bytes (one byte when size is
 * 0), so that a parser reading past the end of its buffer is caught by
 * AddressSanitizer. Free with free().
 */
char *fuzz_copy(const uint8_t *data, size_t size);

/* A heap copy of data[0..size) with a NUL byte appended. Free with free(). */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* Nonzero when s[0..len) is strictly valid UTF-8: shortest forms only, no
 * surrogates, nothing above U+10FFFF. */
int fuzz_utf8_valid(const char *s, size_t len);

/*
 * NULL when the NUL-terminated string s is safe to print on a terminal:
 * valid UTF-8 without ESC or any other C0 control (except '\n' when
 * allow_newline), DEL, C1 controls or bidi controls (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069). Otherwise a pointer to the first byte
 * that is not.
 */
const char *fuzz_unsafe(const char *s, int allow_newline);

/* fuzz_fail unless s is non-NULL and safe (fuzz_unsafe); what names it. */
void fuzz_check_safe(const char *target, const char *what, const char *s, int allow_newline);

#endif
