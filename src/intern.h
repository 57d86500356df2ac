/*
 * intern: string interning for the importer. An open-addressing hash table
 * maps each distinct byte string (item ids, annotator names, labels) to a
 * dense id 0, 1, 2, ... in order of first appearance, so that a 4M-vote file
 * becomes a compact array of integer triples with one copy of each string.
 * Strings live in one growing arena; there is no per-string allocation.
 */
#ifndef GAVEL_INTERN_H
#define GAVEL_INTERN_H

#include <stddef.h>
#include <stdint.h>

/* A zeroed struct is an empty table. */
struct intern {
	uint64_t *slot; /* hash << 32 | (id + 1), 0 = empty; mask + 1 of them (a power of two) */
	size_t mask;
	char *arena; /* the strings, each NUL-terminated */
	size_t alen, acap;
	size_t *off;   /* off[id]: offset of string id in the arena */
	size_t n, cap; /* strings held, and room in off */
};

/*
 * Id of s[0..len) (which must hold no NUL byte), adding it when new. *added
 * (may be NULL) is set to 1 when the string was new, else 0. Ids are dense
 * and stable. A table never holds more than UINT32_MAX - 1 strings; past that
 * the program ends with an out-of-memory message like every allocation.
 */
uint32_t intern_put(struct intern *t, const char *s, size_t len, int *added);

/* Id of s[0..len), or -1 when it is not in the table. */
int64_t intern_find(const struct intern *t, const char *s, size_t len);

/* The NUL-terminated string with this id (valid until the next intern_put). */
const char *intern_str(const struct intern *t, uint32_t id);

/* Number of strings held. */
size_t intern_count(const struct intern *t);

/* Free everything and leave the table empty. */
void intern_free(struct intern *t);

#endif
