/*
 * text: the one sanitiser every displayed string passes through, and display
 * widths measured in terminal columns. Data from files (item text, names,
 * labels, guideline text) may hold invalid UTF-8, control characters, ANSI
 * or OSC escape sequences and bidi or zero-width characters; none of it may
 * reach a terminal as-is, on screen, in error messages or in logs.
 */
#ifndef GAVEL_TEXT_H
#define GAVEL_TEXT_H

#include <stddef.h>

/* Flags text_sanitize reports about what it replaced. */
enum text_flags {
	TEXT_HAD_INVALID = 1 << 0, /* invalid UTF-8 bytes, shown as U+FFFD */
	TEXT_HAD_CONTROL = 1 << 1, /* C0, DEL or C1 controls, shown as visible tokens */
	TEXT_HAD_HIDDEN = 1 << 2,  /* bidi or zero-width characters, shown visibly */
};

enum text_mode {
	TEXT_LINE = 0,   /* one line: newline and tab become visible tokens too */
	TEXT_MULTI = 1,  /* keep '\n' (for wrapped item text); tab becomes spaces */
};

/*
 * Return a newly allocated copy of s[0..len) that is safe to print: strictly
 * valid UTF-8 (each invalid byte becomes U+FFFD), every C0/DEL/C1 control shown
 * as a visible token such as "^[" or "<U+009B>", every bidi control and
 * zero-width character shown as a visible token such as "<RLO>" or "<ZWSP>",
 * and every noncharacter or code point Unicode has not assigned (by the
 * table of unicode_assigned.h, whose version it names) as "<U+D7FF>".
 * ESC never survives, so no escape sequence can. Caret tokens: "^@" NUL,
 * "^[" ESC, "^?" DEL; C1 and unnamed invisible characters: "<U+XXXX>". ZWJ is
 * kept between two emoji and ZWNJ between two Arabic-script or Indic letters,
 * where scripts need them; emoji tag characters only after U+1F3F4. In
 * TEXT_MULTI, CRLF becomes '\n' and a tab spaces to the next multiple of 8.
 * *flags (may be NULL) gets the OR of enum text_flags that applied. Never
 * fails; pure printable ASCII is copied without decoding.
 */
char *text_sanitize(const char *s, size_t len, enum text_mode mode, int *flags);

/* text_sanitize of a NUL-terminated string in TEXT_LINE mode. */
char *text_clean(const char *s);

/*
 * Display width in terminal columns of already sanitised UTF-8 text (wide CJK
 * and emoji count 2, combining marks 0): wcwidth of each code point, with
 * code points wcwidth does not know (newer than the C library) counted as 1
 * column (the sanitiser shows unassigned ones as tokens). Needs
 * an UTF-8 LC_CTYPE; text_init sets one, and the first non-ASCII string
 * calls it when the program has not.
 */
size_t text_width(const char *s);

/*
 * Copy into a new string the longest prefix of sanitised text s that fits in
 * `cols` columns, ending in "…" when it was cut; never splits a character.
 * *width (may be NULL) gets the width of the result.
 */
char *text_fit(const char *s, size_t cols, size_t *width);

/*
 * Return a copy of JSON text json[0..len) that is safe to print and still
 * the same JSON: every character text_sanitize would replace (C0 controls,
 * DEL, C1, bidi and invisible characters, noncharacters and unassigned code
 * points) is written as a \uXXXX escape and
 * each invalid UTF-8 byte as \ufffd. Meant for minified valid JSON, where
 * such characters can only occur inside strings. Never fails.
 */
char *text_json_safe(const char *json, size_t len);

struct sbuf;

/*
 * Append s as a JSON string literal (with quotes), escaping as RFC 8259 needs
 * and also DEL and every character the terminal sanitiser would replace (C1
 * controls, bidi and invisible characters) as \uXXXX, and each invalid UTF-8
 * byte as \ufffd, so JSON output is valid and safe to print. (They keep
 * the sbuf_ prefix of the buffer they write to; they live here because
 * safe to print is this module's.)
 */
void sbuf_add_json_str(struct sbuf *b, const char *s);
/* s as a JSON string, or null when s is NULL. */
void sbuf_add_json_str_or_null(struct sbuf *b, const char *s);

struct sbuf;

/*
 * Append s (NULL: "-") to b sanitised, cut to cols columns and padded with
 * spaces to exactly cols columns: one cell of a text table.
 */
void text_cell(struct sbuf *b, const char *s, size_t cols);

/*
 * Make sure LC_CTYPE is a UTF-8 locale so that wcwidth and mbrtowc agree with
 * the terminal; tries the environment, then C.UTF-8. Call once at start-up.
 */
void text_init(void);

#endif
