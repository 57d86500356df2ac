/*
 * store_guide: the guideline versions in the project database and the
 * project keys stored beside them (the queue definitions and the metadata),
 * the only place with guideline SQL. What a guideline is, and loading one,
 * are guide.h's.
 */
#ifndef GAVEL_STORE_GUIDE_H
#define GAVEL_STORE_GUIDE_H

#include "guide.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

/* Insert a guideline version (previous max + 1) inside the caller's
 * transaction; *version gets it. Returns 0, or -1 with err filled. */
int store_guide_add(struct store *st, int64_t task, const char *declared_version,
		    const char *sha256, const char *yaml, size_t len, const char *path,
		    int64_t *version, char *err);

/* Fetch version `version` of a task's guideline (0: the latest). Returns 0
 * found (free with guide_row_free), 1 none, -1 error. */
int store_guide_get(struct store *st, int64_t task, int64_t version, struct guide_row *out,
		    char *err);

/* Make key the decision key of the task's label whose value is value, inside
 * the caller's transaction. Returns 0, or -1 with err filled. */
int store_guide_set_key(struct store *st, int64_t task, const char *value, const char *key,
			char *err);

/* Number of stored versions of a task's guideline (its latest version). */
int store_guide_count(struct store *st, int64_t task, int64_t *n, char *err);

/* The queue definitions stored under project key "queues" (a JSON array as
 * project_apply writes it). Returns 0 with *out and *n filled (*n is 0 when no
 * queues were stored), or -1 with err filled. */
struct queue_def;
int store_guide_queues(struct store *st, struct queue_def **out, size_t *n, char *err);

/* Value of key in the JSON object stored under project key `meta`, as a
 * heap string, or NULL. */
char *store_guide_meta_field(struct store *st, const char *meta, const char *key);

#endif
