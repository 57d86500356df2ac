/*
 * store_import_sort: the import's two sorts, both radix sorts because a
 * comparison sort was the slowest step of a large import: new items' external
 * ids in byte order (the order their ids are given in, so that the item
 * table and its index are appended to) and votes by (item, annotator) (the
 * order of the item_votes rows, which also makes duplicates neighbours).
 * Memory only.
 */
#include "config.h"

#include "store_import_priv.h"

#include <stdlib.h>
#include <string.h>

/* qsort has no context argument: the table being sorted, set around the call. */
static const struct intern *sort_items;

static int item_cmp(const void *pa, const void *pb)
{
	return strcmp(intern_str(sort_items, *(const uint32_t *)pa),
		      intern_str(sort_items, *(const uint32_t *)pb));
}

struct name_key {
	uint64_t key; /* 8 bytes after the common prefix, big-endian, zero-padded */
	uint32_t id;
};

/* The length of the prefix every name shares (ids such as "item-00000042"
 * share "item-000", which would leave the radix keys all equal). */
static size_t names_prefix(const struct intern *t, const uint32_t *ids, size_t n)
{
	const char *first = intern_str(t, ids[0]);
	size_t len = strlen(first);
	for (size_t i = 1; i < n && len; i++) {
		const char *p = intern_str(t, ids[i]);
		size_t k = 0;
		while (k < len && p[k] == first[k])
			k++;
		len = k;
	}
	return len;
}

/*
 * An LSD radix sort on the 8 bytes after the prefix every name shares
 * (which decide almost every comparison of item ids), then strcmp within
 * the runs that share those bytes. A comparison sort through the string
 * table took half a second for a million items.
 */
void store_import_sort_names(const struct intern *t, uint32_t *ids, size_t n)
{
	struct name_key *a, *b, *tmp;
	size_t(*count)[256];
	size_t skip;

	if (n < 2)
		return;
	skip = names_prefix(t, ids, n);
	a = xmalloc(n * sizeof *a);
	b = xmalloc(n * sizeof *b);
	count = xcalloc(8, sizeof *count);
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = (const unsigned char *)intern_str(t, ids[i]) + skip;
		uint64_t k = 0;
		for (int d = 0; d < 8; d++) {
			k <<= 8;
			if (*p)
				k |= *p++;
		}
		a[i].key = k;
		a[i].id = ids[i];
		for (int d = 0; d < 8; d++)
			count[d][(k >> (8 * d)) & 0xff]++;
	}
	for (int d = 0; d < 8; d++) {
		size_t sum = 0;
		if (count[d][(a[0].key >> (8 * d)) & 0xff] == n)
			continue; /* every key has the same byte here */
		for (int k = 0; k < 256; k++) {
			size_t c = count[d][k];
			count[d][k] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			b[count[d][(a[i].key >> (8 * d)) & 0xff]++] = a[i];
		tmp = a;
		a = b;
		b = tmp;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = a[i].id;
	sort_items = t;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && a[j].key == a[i].key)
			j++;
		if (j - i > 1)
			qsort(ids + i, j - i, sizeof *ids, item_cmp);
		i = j;
	}
	sort_items = NULL;
	free(count);
	free(a);
	free(b);
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
