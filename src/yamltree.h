/*
 * yamltree: a small, strict YAML reader. libyaml's event parser turns a
 * buffer into an in-memory tree of scalars, sequences and mappings, each node
 * with the line and column where it starts, so that schema checks (project
 * YAML, guidelines) can report `file:line:col: what is wrong`.
 *
 * It accepts the YAML people write by hand and nothing cleverer: anchors and
 * aliases are rejected (no billion laughs), as are tags other than the
 * standard ones, non-scalar and duplicate mapping keys, and any document
 * after the first. Nesting, node count, scalar length and total size are
 * capped. Parsing is a pure function of the buffer.
 */
#ifndef GAVEL_YAMLTREE_H
#define GAVEL_YAMLTREE_H

#include <stddef.h>

/* Limits every parse enforces. */
#define YAMLTREE_MAX_DEPTH  32		/* nested sequences and mappings */
#define YAMLTREE_MAX_NODES  100000	/* scalars, sequences and mappings */
#define YAMLTREE_MAX_SCALAR (64u << 10) /* bytes in one scalar */
#define YAMLTREE_MAX_BYTES  (4u << 20)	/* bytes in the whole buffer */

enum yamltree_kind { YT_SCALAR, YT_SEQ, YT_MAP };

struct yamltree_node {
	enum yamltree_kind kind;
	int line, col; /* 1-based position where the node starts */
	char *value;   /* YT_SCALAR: the text, NUL-terminated (never holds NUL) */
	int plain;     /* YT_SCALAR: 1 when unquoted and untagged: only such a
			* scalar can be null, a number or a boolean */
	/* YT_SEQ: the items. YT_MAP: key, value, key, value, ... (keys are
	 * always scalars and distinct). */
	struct yamltree_node **kids;
	size_t nkids, cap;
};

struct yamltree {
	char *file;		    /* the name used in messages */
	struct yamltree_node *root; /* never NULL after a successful parse */
	size_t nnodes;
};

/*
 * Parse buf[0..len) (which need not be NUL-terminated and may hold NUL bytes,
 * an error with a position) into a tree named `file` in messages. Exactly one
 * document is accepted; an empty stream is an error. Returns 0 with *out set
 * (free with yamltree_free), or -1 with err filled as
 * "file:line:col: what is wrong" (text from the data is sanitised).
 */
int yamltree_parse(const char *file, const char *buf, size_t len, struct yamltree **out, char *err);
void yamltree_free(struct yamltree *t);

/* Fill err with "file:line:col: " + message at node n (or 1:1 when n is
 * NULL) and return -1. Callers sanitise data they embed in the message. */
int yamltree_err(const struct yamltree *t, const struct yamltree_node *n, char *err,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* yamltree_err with before + 'data' (sanitised) + after as the message. */
int yamltree_err_quote(const struct yamltree *t, const struct yamltree_node *n, char *err,
		       const char *before, const char *data, const char *after);

/* what + " (first at line N)" into buf, for duplicate messages; returns buf. */
const char *yamltree_first_at(char buf[64], const char *what, int line);

/* 1 when n is a plain scalar spelling null ("", "~", "null"). */
int yamltree_is_null(const struct yamltree_node *n);

/* The value node of key in mapping map, or NULL (also when map is not one). */
const struct yamltree_node *yamltree_get(const struct yamltree_node *map, const char *key);

/* The key node of key in mapping map (for its position), or NULL. */
const struct yamltree_node *yamltree_key(const struct yamltree_node *map, const char *key);

/*
 * Check that n is a mapping whose keys are all in the NULL-terminated list
 * `allowed`. `what` names the mapping in messages ("task 'x'"). An unknown
 * key is an error at the key's position that lists the allowed ones.
 */
int yamltree_check_map(const struct yamltree *t, const struct yamltree_node *n, const char *what,
		       const char *const *allowed, char *err);

/*
 * Typed getters on map[key]. A missing key or a null value is "absent":
 * with required set that is an error at the mapping's position ("missing
 * required key"), otherwise the default is used (*out = NULL for strings and
 * sequences). A value of the wrong type or out of range is an error at the
 * value's position. Strings are heap copies the caller frees.
 */
int yamltree_get_str(const struct yamltree *t, const struct yamltree_node *map, const char *key,
		     int required, char **out, char *err);
int yamltree_get_double(const struct yamltree *t, const struct yamltree_node *map, const char *key,
			double def, double min, double max, double *out, char *err);
int yamltree_get_long(const struct yamltree *t, const struct yamltree_node *map, const char *key,
		      long def, long min, long max, long *out, char *err);
int yamltree_get_bool(const struct yamltree *t, const struct yamltree_node *map, const char *key,
		      int def, int *out, char *err);
int yamltree_get_seq(const struct yamltree *t, const struct yamltree_node *map, const char *key,
		     int required, const struct yamltree_node **out, char *err);
/* A sequence of scalars (absent: *out = NULL, *n = 0). Free with
 * yamltree_strv_free. */
int yamltree_get_strv(const struct yamltree *t, const struct yamltree_node *map, const char *key,
		      int required, char ***out, size_t *n, char *err);
void yamltree_strv_free(char **v, size_t n);

#endif
