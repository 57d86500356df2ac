/*
 * guide: labelling guidelines. A guideline file is YAML for one task: its
 * version, a summary, a definition with examples and counterexamples per
 * label, and numbered rules naming the labels they are about. Every load into
 * a project stores a new version (with the file's sha256) and keeps the older
 * ones, so a decision can name the guideline version it was made under.
 *
 * The format is documented in guidelines/README.md.
 */
#ifndef GAVEL_GUIDE_H
#define GAVEL_GUIDE_H

#include <stddef.h>
#include <stdint.h>

/* The database and the actor an audit event names (store.h, audit.h). */
struct store;
struct audit_actor;

struct guide_label {
	char *value;
	char *definition;
	char **examples;
	size_t nexamples;
	char **counterexamples;
	size_t ncounterexamples;
	char *key;	       /* decision key the guideline gives the label, or NULL */
	int line;	       /* where the label's entry starts in the file */
	int key_line, key_col; /* where its key is */
};

struct guide_rule {
	char *id;
	char *text;
	char **labels; /* values of labels the rule is about */
	size_t nlabels;
	int line;
};

struct guide {
	char *task;
	char *version; /* the authors' version string */
	char *summary; /* or NULL */
	struct guide_label *labels;
	size_t nlabels;
	struct guide_rule *rules;
	size_t nrules;
};

/*
 * Parse guideline YAML buf[0..len) named `file` in messages. Checks required
 * keys (task, version, labels; per label value and definition; per rule id
 * and text), unknown keys, unique label values, decision keys and rule ids,
 * that each key is one (guide_key_valid), and that every label a rule names
 * is defined in the file. Pure. Returns 0 with *out filled (free with
 * guide_free), or -1 with err set to "file:line:col: what is wrong" and
 * *out zeroed.
 */
int guide_parse(const char *file, const char *buf, size_t len, struct guide *out, char *err);
void guide_free(struct guide *g);

/* 1 when k can be a label's decision key: one printable ASCII character
 * other than 1-9, which always choose labels by position. */
int guide_key_valid(const char *k);

/*
 * One label's decision key and where it was given, so that a clash with the
 * review screen's own keys can be reported at that place.
 */
struct guide_key {
	char *task;  /* task name */
	char *label; /* label value */
	int index;   /* the label's position in its task, or -1 when not known */
	int key;     /* the key (guide_key_valid) */
	char *file;  /* the file that gave it, or NULL: stored in a project */
	int line, col;
};

/* Append a copy of k (strings duplicated) to *v (*n entries, *cap room). */
void guide_keys_add(struct guide_key **v, size_t *n, size_t *cap, const struct guide_key *k);
void guide_keys_free(struct guide_key *v, size_t n);

/* Largest guideline file accepted, in bytes. */
#define GUIDE_MAX_BYTES (4u << 20)

/*
 * Load the guideline file at path into the project inside the caller's
 * write transaction: parse it, check that its task exists, that every label
 * it defines is a label of that task, and that the keys it gives leave no two
 * labels of the task with one key; then make those keys the labels' decision
 * keys (a label it gives none keeps its key), store a new version
 * (previous maximum + 1) with the declared version, sha256 of the bytes, the
 * YAML text, the path and the load time, and append a "guideline-load" audit
 * event. *version_out (may be NULL) gets the new version. Returns 0, or -1
 * with err filled (the caller rolls back; nothing was written by a check
 * that failed).
 */
int guide_load(struct store *st, const struct audit_actor *a, const char *path,
	       int64_t *version_out, char *err);

/*
 * Like guide_load for a buffer already in memory; `file` names it in
 * messages and is stored as its path. *sha_out (65 bytes, may be NULL) gets
 * the sha256.
 */
int guide_load_buffer(struct store *st, const struct audit_actor *a, const char *file,
		      const char *buf, size_t len, int64_t *version_out, char sha_out[65],
		      char *err);

/*
 * Parse the latest stored guideline of a task for the review screen.
 * *version (may be NULL) gets its version. Returns 0 found (free *out with
 * guide_free), 1 when the task has no guideline, -1 on error.
 */
int guide_current(struct store *st, int64_t task, struct guide *out, int64_t *version,
		  char *err);

/* A stored guideline version, as store_guide_get returns it. */
struct guide_row {
	int64_t task;
	int64_t version;
	char *declared_version;
	char sha256[65];
	char *yaml;
	size_t len;
	char *path;
	char *loaded_at;
};
void guide_row_free(struct guide_row *r);

#endif
