/*
 * store_import_sort: the import's radix sorts, because a comparison sort was
 * the slowest step of a large import: strings in byte order (new items'
 * external ids, the order their ids are given in, so that the item table and
 * its index are appended to; new annotators; and the records of a streamed
 * import's runs by their item's id), and votes by (item, annotator) (the
 * order of the item_votes rows, which also makes duplicates neighbours).
 * Memory only.
 */
#include "config.h"

#include "store_import_priv.h"

#include <stdlib.h>
#include <string.h>

/* Sorts of fewer keys than this compare strings instead (stable insertion). */
#define SORT_SMALL 16

/* What a string sort works through: the strings of the keys' refs, and one
 * table of byte counts that every level reuses. */
struct sort_ctx {
	const char *(*str)(const void *ctx, uint64_t ref);
	const void *ctx;
	size_t (*count)[256];
};

/* Stable insertion sort of a[0..n) by their strings from byte from on. */
static void sort_insert(const struct sort_ctx *s, struct sort_key *a, size_t n, size_t from)
{
	for (size_t i = 1; i < n; i++) {
		struct sort_key k = a[i];
		const char *p = s->str(s->ctx, k.ref) + from;
		size_t j = i;
		while (j > 0 && strcmp(s->str(s->ctx, a[j - 1].ref) + from, p) > 0) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = k;
	}
}

/*
 * Sort a[0..n) (tmp: room for n) by their strings, which all share their
 * first from bytes. An LSD radix sort on the 8 bytes after the prefix every
 * string shares from there on (ids such as "item-00000042" share "item-000",
 * which would leave the keys all equal); keys that tie on bytes that do not
 * end the strings are sorted the same way on the bytes after them. Stable:
 * equal strings keep their order in a.
 */
static void sort_level(const struct sort_ctx *s, struct sort_key *a, struct sort_key *tmp, size_t n,
		       size_t from)
{
	struct sort_key *x = a, *y = tmp, *t;
	size_t skip;

	if (n < SORT_SMALL) {
		sort_insert(s, a, n, from);
		return;
	}
	{
		const char *first = s->str(s->ctx, a[0].ref) + from;
		skip = strlen(first);
		for (size_t i = 1; i < n && skip; i++) {
			const char *p = s->str(s->ctx, a[i].ref) + from;
			size_t k = 0;
			while (k < skip && p[k] == first[k])
				k++;
			skip = k;
		}
	}
	from += skip;
	memset(s->count, 0, 8 * sizeof *s->count);
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = (const unsigned char *)s->str(s->ctx, a[i].ref) + from;
		uint64_t k = 0;
		for (int d = 0; d < 8; d++) {
			k <<= 8;
			if (*p)
				k |= *p++;
		}
		a[i].key = k;
		for (int d = 0; d < 8; d++)
			s->count[d][(k >> (8 * d)) & 0xff]++;
	}
	for (int d = 0; d < 8; d++) {
		size_t sum = 0;
		if (s->count[d][(x[0].key >> (8 * d)) & 0xff] == n)
			continue; /* every key has the same byte here */
		for (int k = 0; k < 256; k++) {
			size_t c = s->count[d][k];
			s->count[d][k] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			y[s->count[d][(x[i].key >> (8 * d)) & 0xff]++] = x[i];
		t = x;
		x = y;
		y = t;
	}
	if (x != a)
		memcpy(a, x, n * sizeof *a);
	/* Equal keys whose last byte is not padding: strings that go on (or
	 * end just there), sorted on what follows. Padding means the strings
	 * ended within the key: they are equal, and already in order. */
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && a[j].key == a[i].key)
			j++;
		if (j - i > 1 && (a[i].key & 0xff))
			sort_level(s, a + i, tmp + i, j - i, from + 8);
		i = j;
	}
}

void store_import_sort_strings(struct sort_key *a, struct sort_key *tmp, size_t n,
			       const char *(*str)(const void *ctx, uint64_t ref), const void *ctx)
{
	struct sort_ctx s = {.str = str, .ctx = ctx};
	if (n < 2)
		return;
	s.count = xmalloc(8 * sizeof *s.count);
	sort_level(&s, a, tmp, n, 0);
	free(s.count);
}

static const char *name_str(const void *ctx, uint64_t ref)
{
	return intern_str(ctx, (uint32_t)ref);
}

void store_import_sort_names(const struct intern *t, uint32_t *ids, size_t n)
{
	struct sort_key *a, *tmp;
	if (n < 2)
		return;
	a = xmalloc(n * sizeof *a);
	tmp = xmalloc(n * sizeof *tmp);
	xhuge(a, n * sizeof *a);
	xhuge(tmp, n * sizeof *tmp);
	for (size_t i = 0; i < n; i++)
		a[i].ref = ids[i];
	store_import_sort_strings(a, tmp, n, name_str, t);
	for (size_t i = 0; i < n; i++)
		ids[i] = (uint32_t)a[i].ref;
	free(a);
	free(tmp);
}

/* LSD, skipping the bytes every key shares. */
struct ivote *store_import_sort_votes(struct ivote *a, size_t n)
{
	struct ivote *b;
	size_t(*count)[256];

	if (n < 2)
		return a;
	count = xcalloc(8, sizeof *count);
	b = xmalloc(n * sizeof *b);
	for (size_t i = 0; i < n; i++) {
		uint64_t key = (uint64_t)a[i].item << 32 | a[i].ann;
		for (int d = 0; d < 8; d++)
			count[d][(key >> (8 * d)) & 0xff]++;
	}
	for (int d = 0; d < 8; d++) {
		size_t sum = 0;
		struct ivote *t;
		if (count[d][(((uint64_t)a[0].item << 32 | a[0].ann) >> (8 * d)) & 0xff] == n)
			continue; /* every key has the same byte here */
		for (int k = 0; k < 256; k++) {
			size_t c = count[d][k];
			count[d][k] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t key = (uint64_t)a[i].item << 32 | a[i].ann;
			b[count[d][(key >> (8 * d)) & 0xff]++] = a[i];
		}
		t = a;
		a = b;
		b = t;
	}
	free(b);
	free(count);
	return a;
}
