/*
 * json_check: the JSON support the format readers share. First a pure syntax
 * checker over a buffer (RFC 8259, with nesting and size limits) that names
 * the line:col of the first error, because SQLite's JSON functions only say
 * "malformed JSON" and this SQLite has no json_error_position. It also finds
 * where each element of a top-level array starts, so that a reader can point
 * at the offending record, and lists the keys of the first record for format
 * detection. Second, a small reader over SQLite's json_each on a private
 * in-memory connection, which is how the readers take JSON apart (SQLite's
 * JSON functions are the only JSON library gavel uses).
 */
#ifndef GAVEL_JSON_CHECK_H
#define GAVEL_JSON_CHECK_H

#include <stddef.h>

/* Default nesting limit: deeper than any annotation export, shallow enough
 * that no input can exhaust the stack. */
#define JSON_CHECK_DEPTH 64

struct json_check {
	/* In: limits (0 means the default: JSON_CHECK_DEPTH, no size limit,
	 * LIMIT_TEXT bytes in a string, checked as the string is scanned). */
	int max_depth;
	size_t max_bytes;
	size_t max_string;
	/* In: nonzero when buf[0..len) is only the first part of a longer text
	 * (a record cut at LIMIT_RECORD bytes): an error where the part ends
	 * says the record is longer than the limit. */
	int cut;
	/* In: nonzero to record where each element of a top-level array starts. */
	int want_elems;

	/* Out, when the value is a top-level array and want_elems was set: byte
	 * offsets where each element starts and ends (one past its last byte);
	 * free with json_check_free. */
	size_t *elem_off, *elem_end;
	size_t nelem;
	/* Out, when the top-level value is an object or array: its first byte. */
	size_t start;

	/* Out, on error: byte offset, 1-based line and column (in characters),
	 * and what is wrong, e.g. "expected ',' or '}'". */
	size_t err_off;
	long line, col;
	char what[96];
};

/*
 * Check that buf[0..len) holds exactly one JSON value (RFC 8259), optionally
 * preceded by a UTF-8 byte order mark and surrounded by whitespace. Strings
 * must be valid UTF-8 with no raw control characters, \u escapes must pair
 * surrogates, NUL bytes anywhere are an error and so is a string longer than
 * max_string bytes (named by its key when it is a member's value, or is in an
 * array that is). Returns 0 when the text is
 * valid, or -1 with jc->err_off, line, col and what filled. jc's "in" fields
 * are read; jc->elem_off is allocated only on success.
 */
int json_check(const char *buf, size_t len, struct json_check *jc);

/* Free what json_check allocated (safe on a zeroed or failed struct). */
void json_check_free(struct json_check *jc);

/*
 * 1-based line and column of a byte offset, columns counted in UTF-8
 * characters (a leading byte order mark does not count). A cursor lets a
 * reader walk forward through many records in one pass instead of counting
 * from the start each time.
 */
struct json_cursor {
	size_t off;
	long line, col;
};

/* A cursor at the start of a buffer. */
void json_check_cursor(struct json_cursor *c);
/* Move c forward to byte off of buf (off >= c->off; smaller offsets restart). */
void json_check_advance(const char *buf, struct json_cursor *c, size_t off);
/* Line and column of byte off in buf, counted from the start. */
void json_check_pos(const char *buf, size_t off, long *line, long *col);

/* Length of a UTF-8 byte order mark at the start of buf: 3 or 0. */
size_t json_check_bom(const char *buf, size_t len);

/*
 * For format detection: the keys of the first record of buf without
 * validating the whole file. The first record is the first element of a
 * top-level array (*in_array = 1) or the first top-level object, i.e. the
 * first line of a JSON Lines file (*in_array = 0). Only the first
 * `limit` bytes are looked at. Returns the number of keys stored as a
 * NUL-separated list in keys (keys[cap] bytes; keys that do not fit are
 * dropped), or -1 when no object is found there.
 */
int json_check_first_keys(const char *buf, size_t len, size_t limit, int *in_array, char *keys,
			  size_t cap);

/* Nonzero when the key list from json_check_first_keys holds key. */
int json_check_has_key(const char *keys, int nkeys, const char *key);

/* Nonzero when some key in the list ends with suffix (e.g. ".responses"). */
int json_check_has_suffix(const char *keys, int nkeys, const char *suffix);

/*
 * A reader's handler for one record: json[0..len) is the record's JSON text
 * (valid, and an object unless the reader says otherwise), line and col its
 * position in the file, index its 0-based number. Returns 0, or -1 with err
 * filled (the walk stops and returns -1).
 */
typedef int (*json_check_fn)(void *ctx, const char *json, size_t len, long line, long col,
			     size_t index, char *err);

/*
 * JSON Lines: check every non-blank line of buf[0..len) (a leading BOM and
 * CRLF line ends are accepted) and call fn for each, in order. A syntax
 * error, a line that is not an object, a string longer than LIMIT_TEXT or a
 * line longer than LIMIT_RECORD bytes fills err with "file:line:col: what is
 * wrong" and returns -1; no more than LIMIT_RECORD bytes of a line are read
 * to find that it is too long.
 */
int json_check_lines(const char *file, const char *buf, size_t len, json_check_fn fn, void *ctx,
		     char *err);

/*
 * One JSON array of objects: check each element and call fn for it, in order,
 * with its own position, then check the end of the array; the buffer is read
 * once, front to back, so a syntax error after the Nth element comes after
 * fn was called for the first N. Errors as json_check_lines.
 */
int json_check_array(const char *file, const char *buf, size_t len, json_check_fn fn, void *ctx,
		     char *err);

/* json_check_array when the text starts with '[', else json_check_lines. */
int json_check_records(const char *file, const char *buf, size_t len, json_check_fn fn, void *ctx,
		       char *err);

/* ---- Taking JSON apart with SQLite's json_each ---- */

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_INT,
	JSON_REAL,
	JSON_TEXT,
	JSON_ARRAY,
	JSON_OBJECT,
};

/* One member of an object or element of an array. */
struct json_val {
	char *key; /* member name; NULL for an array element */
	enum json_type type;
	char *text; /* TEXT: the unescaped string; numbers: their text; ARRAY and
		     * OBJECT: their JSON text; literals: "true", "false", "null" */
	char *json; /* the value as JSON text (for building metadata objects) */
	double num; /* INT and REAL: the value */
};

/* The members of one object or the elements of one array, in order. */
struct json_list {
	struct json_val *v;
	size_t n, cap;
};

struct json_reader;

/* Open a reader (a private in-memory SQLite connection). 0, or -1 with err. */
int json_check_open(struct json_reader **out, char *err);
void json_check_close(struct json_reader *r);

/*
 * Fill l with the members (or elements) of the JSON object (or array) text
 * json[0..len), which must already be valid JSON. l's previous contents are
 * freed first. Returns 0, or -1 with err filled (e.g. a scalar was given).
 */
int json_check_members(struct json_reader *r, const char *json, size_t len, struct json_list *l,
		       char *err);

/* The member named key, or NULL. */
const struct json_val *json_check_get(const struct json_list *l, const char *key);

/* The text of a string or number (ids and labels may be either), else NULL. */
const char *json_check_scalar(const struct json_val *v);

/*
 * A JSON object text holding the members of l whose keys are not in skip (a
 * NULL-terminated list), in order; NULL when none remain. The caller frees.
 */
char *json_check_meta(const struct json_list *l, const char *const *skip);

/* Free the list's contents and leave it empty. */
void json_check_list_free(struct json_list *l);

/* Name of a type for messages: "a string", "an object", ... */
const char *json_check_type_name(enum json_type t);

/*
 * Fill err with "file:line:col: " + the printf-style message, the whole text
 * passed through text_clean so that data quoted in it cannot reach a terminal
 * raw. Returns -1.
 */
int json_check_errf(char *err, const char *file, long line, long col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
