/*
 * cscan: the benchmark's "bare C pass" baseline. It reads a long votes CSV
 * (item,annotator,label, as bench/gen writes it: numbered items, no quoting;
 * with --ids string the items are "item-00000042", whose number after the
 * prefix is taken as the item's, so the pass stays a bare parse with no
 * hash table), parses every row, counts the votes of each item on each label (an array
 * indexed by item number; labels looked up in a small table) and prints the
 * totals: rows, items, votes per label and the votes-per-item histogram.
 * Nothing else: it is the floor any statistics pass over the same votes
 * has to be compared with.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LABELS 16
#define MAX_PER	   64
#define CHUNK	   (1 << 20)

struct counts {
	char *label[MAX_LABELS];
	size_t label_len[MAX_LABELS];
	uint64_t label_total[MAX_LABELS];
	int nlabels;
	uint16_t *cell; /* item * MAX_LABELS + label -> votes */
	uint32_t *per_item;
	size_t cap; /* items the arrays hold */
	uint64_t rows;
};

static int label_index(struct counts *c, const char *s, size_t n)
{
	for (int k = 0; k < c->nlabels; k++)
		if (c->label_len[k] == n && memcmp(c->label[k], s, n) == 0)
			return k;
	if (c->nlabels == MAX_LABELS)
		return -1;
	c->label[c->nlabels] = malloc(n + 1);
	if (!c->label[c->nlabels])
		return -1;
	memcpy(c->label[c->nlabels], s, n);
	c->label[c->nlabels][n] = '\0';
	c->label_len[c->nlabels] = n;
	return c->nlabels++;
}

static int grow(struct counts *c, size_t item)
{
	size_t cap = c->cap ? c->cap : 1024;
	uint16_t *cell;
	uint32_t *per;

	while (cap <= item)
		cap *= 2;
	cell = realloc(c->cell, cap * MAX_LABELS * sizeof(*cell));
	if (!cell)
		return -1;
	c->cell = cell;
	per = realloc(c->per_item, cap * sizeof(*per));
	if (!per)
		return -1;
	c->per_item = per;
	memset(c->cell + c->cap * MAX_LABELS, 0, (cap - c->cap) * MAX_LABELS * sizeof(*cell));
	memset(c->per_item + c->cap, 0, (cap - c->cap) * sizeof(*per));
	c->cap = cap;
	return 0;
}

/* Count one line (without its newline). Returns -1 on a malformed line. */
static int count_line(struct counts *c, const char *s, size_t n)
{
	const char *end = s + n, *p = s, *a, *lab;
	size_t item = 0;
	int k;

	if (n && end[-1] == '\r')
		end--;
	while (p < end && *p != ',' && (*p < '0' || *p > '9'))
		p++; /* a string id's prefix: "item-" */
	if (p == end || *p < '0' || *p > '9')
		return -1;
	while (p < end && *p >= '0' && *p <= '9')
		item = item * 10 + (size_t)(*p++ - '0');
	if (p == end || *p != ',')
		return -1;
	a = ++p;
	while (p < end && *p != ',')
		p++;
	if (p == end || p == a)
		return -1;
	lab = ++p;
	if (lab == end)
		return -1;
	k = label_index(c, lab, (size_t)(end - lab));
	if (k < 0)
		return -1;
	if (item >= c->cap && grow(c, item))
		return -1;
	c->cell[item * MAX_LABELS + (size_t)k]++;
	c->per_item[item]++;
	c->label_total[k]++;
	c->rows++;
	return 0;
}

int main(int argc, char **argv)
{
	struct counts c = {0};
	FILE *f;
	char *buf = NULL;
	size_t have = 0, line = 0;
	uint64_t items = 0, hist[MAX_PER + 1] = {0};
	int rc = 1, header = 1;

	if (argc != 2 || strcmp(argv[1], "--help") == 0) {
		fputs("Usage: cscan votes.csv\n\nParse item,annotator,label rows and print "
		      "vote counts per label and per item.\n",
		      argc == 2 ? stdout : stderr);
		return argc == 2 ? 0 : 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		fprintf(stderr, "cscan: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	buf = malloc(CHUNK + 1);
	if (!buf)
		goto out;
	for (;;) {
		size_t got = fread(buf + have, 1, CHUNK - have, f);
		size_t start = 0, total = have + got;
		int eof = got == 0;

		for (size_t i = 0; i < total; i++) {
			if (buf[i] != '\n')
				continue;
			line++;
			if (header)
				header = 0;
			else if (count_line(&c, buf + start, i - start))
				goto bad;
			start = i + 1;
		}
		if (eof) {
			if (start < total) {
				line++;
				if (!header && count_line(&c, buf + start, total - start))
					goto bad;
			}
			break;
		}
		if (start == 0 && total == CHUNK) {
			fprintf(stderr, "cscan: %s:%zu: line too long\n", argv[1], line + 1);
			goto out;
		}
		memmove(buf, buf + start, total - start);
		have = total - start;
	}
	if (ferror(f)) {
		fprintf(stderr, "cscan: %s: read error\n", argv[1]);
		goto out;
	}
	for (size_t i = 0; i < c.cap; i++) {
		if (!c.per_item[i])
			continue;
		items++;
		hist[c.per_item[i] > MAX_PER ? MAX_PER : c.per_item[i]]++;
	}
	printf("rows %llu\nitems %llu\n", (unsigned long long)c.rows, (unsigned long long)items);
	for (int k = 0; k < c.nlabels; k++)
		printf("label %s %llu\n", c.label[k], (unsigned long long)c.label_total[k]);
	for (int n = 1; n <= MAX_PER; n++)
		if (hist[n])
			printf("items with %d votes %llu\n", n, (unsigned long long)hist[n]);
	rc = 0;
	goto out;
bad:
	fprintf(stderr, "cscan: %s:%zu: malformed row\n", argv[1], line);
out:
	fclose(f);
	free(buf);
	free(c.cell);
	free(c.per_item);
	for (int k = 0; k < c.nlabels; k++)
		free(c.label[k]);
	return rc;
}
