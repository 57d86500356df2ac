/*
 * utf8: strict UTF-8, written once for every module: decoding one character
 * (no overlong forms, no UTF-16 surrogates, nothing past U+10FFFF, no
 * truncated sequence), encoding a code point, and moving or cutting at
 * character boundaries. It depends on nothing else in gavel, so util and the
 * parsers can use it too.
 */
#ifndef GAVEL_UTF8_H
#define GAVEL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* What utf8_decode returns for a byte that starts no valid sequence. */
#define UTF8_BAD UINT32_MAX

/* The most bytes one character takes. */
#define UTF8_MAX 4

/*
 * Decode the character at p[0..n) (n > 0). Returns its code point and sets
 * *used to its length; returns UTF8_BAD with *used = 1 when p does not
 * start a strictly valid sequence (a stray continuation byte, an overlong
 * form, a surrogate, a code point past U+10FFFF, or a sequence cut short
 * by n or by a byte that does not continue it).
 */
uint32_t utf8_decode(const unsigned char *p, size_t n, size_t *used);

/* Length of the strictly valid sequence at p[0..n), 0 when there is none
 * (or n is 0). */
size_t utf8_len(const unsigned char *p, size_t n);

/*
 * Write cp as UTF-8 into out and return its length (1 to 4). A value with
 * no UTF-8 form (a surrogate, past U+10FFFF, negative) is written as
 * U+FFFD, so the result is always valid UTF-8.
 */
size_t utf8_encode(long cp, char out[UTF8_MAX]);

/*
 * The largest n' <= n at which s can be cut without splitting a character:
 * n itself when s[n] starts a character (or is the terminating NUL), else
 * the start of the character s[n] is inside. s[n] must be readable.
 */
size_t utf8_cut(const char *s, size_t n);

/*
 * The length of s[0..len) without its last character when that one is cut
 * short or not valid: for text a fixed buffer truncated (snprintf), whose
 * last character may lack bytes that did not fit.
 */
size_t utf8_trim(const char *s, size_t len);

/* The offset of the character after the one at s[i] (len when i >= len):
 * i plus one plus the continuation bytes that follow. */
size_t utf8_next(const char *s, size_t i, size_t len);

/* The offset of the character before offset i of s (0 when i is 0). */
size_t utf8_prev(const char *s, size_t i);

#endif
