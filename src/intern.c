/*
 * intern: open-addressing (linear probing) string table with dense ids, used
 * by the importer to turn item ids, annotator names and labels into small
 * integers while it reads a file once. The table is kept at most half full.
 */
#include "config.h"

#include "intern.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Eight bytes at a time, each word mixed in by a multiply (the names the
 * importer interns are one or two words; the last word is read overlapping
 * the one before it), then the bits mixed down, since slots use the low
 * bits. As fast as FNV-1a on 3-byte names, a third faster on 15-byte ones. */
static uint32_t intern_hash(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w = 0;
	size_t n = len;
	for (; n > 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	if (len >= 8) {
		memcpy(&w, s + n - 8, 8);
	} else {
		w = 0;
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	}
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

/* A slot holds (hash << 32) | (id + 1); 0 is empty. Probing compares the
 * stored hash before touching the string, so a miss costs one cache line. */
static void intern_rehash(struct intern *t, size_t nslots)
{
	uint64_t *slot = xcalloc(nslots, sizeof *slot);
	size_t mask = nslots - 1;
	for (size_t k = 0; k <= t->mask && t->slot; k++) {
		size_t i;
		if (!t->slot[k])
			continue;
		i = (size_t)(t->slot[k] >> 32) & mask;
		while (slot[i])
			i = (i + 1) & mask;
		slot[i] = t->slot[k];
	}
	free(t->slot);
	t->slot = slot;
	t->mask = mask;
}

static int intern_eq(const struct intern *t, uint64_t v, uint32_t h, const char *s, size_t len)
{
	size_t id = (uint32_t)v - 1, at;
	if ((uint32_t)(v >> 32) != h)
		return 0;
	/* The stored string's length first, from where the next one starts (the
	 * strings lie one after the other with their NULs): memcmp may read all
	 * len bytes, past the arena's end for the last. Counting it with strnlen
	 * was 7% of a 40M-vote file's reading. */
	at = t->off[id];
	return (id + 1 < t->n ? t->off[id + 1] : t->alen) - at == len + 1 &&
	       memcmp(t->arena + at, s, len) == 0;
}

uint32_t intern_put(struct intern *t, const char *s, size_t len, int *added)
{
	uint32_t h = intern_hash(s, len);
	size_t i;

	if (!t->slot)
		intern_rehash(t, 1024);
	for (i = h & t->mask; t->slot[i]; i = (i + 1) & t->mask) {
		if (intern_eq(t, t->slot[i], h, s, len)) {
			if (added)
				*added = 0;
			return (uint32_t)t->slot[i] - 1;
		}
	}
	if (t->n >= UINT32_MAX - 1) {
		fputs("gavel: out of memory (too many distinct strings)\n", stderr);
		exit(GV_EXIT_FAIL);
	}
	t->off = xgrow(t->off, &t->cap, t->n + 1, sizeof *t->off);
	t->arena = xgrow(t->arena, &t->acap, t->alen + len + 1, 1);
	memcpy(t->arena + t->alen, s, len);
	t->arena[t->alen + len] = '\0';
	t->off[t->n] = t->alen;
	t->alen += len + 1;
	t->slot[i] = (uint64_t)h << 32 | (uint32_t)(t->n + 1);
	t->n++;
	if (added)
		*added = 1;
	if (t->n * 2 > t->mask + 1)
		intern_rehash(t, (t->mask + 1) * 2);
	return (uint32_t)t->n - 1;
}

int64_t intern_find(const struct intern *t, const char *s, size_t len)
{
	uint32_t h;
	if (!t->slot)
		return -1;
	h = intern_hash(s, len);
	for (size_t i = h & t->mask; t->slot[i]; i = (i + 1) & t->mask) {
		if (intern_eq(t, t->slot[i], h, s, len))
			return (uint32_t)t->slot[i] - 1;
	}
	return -1;
}

const char *intern_str(const struct intern *t, uint32_t id)
{
	return t->arena + t->off[id];
}

size_t intern_count(const struct intern *t)
{
	return t->n;
}

void intern_free(struct intern *t)
{
	free(t->slot);
	free(t->arena);
	free(t->off);
	memset(t, 0, sizeof *t);
}
