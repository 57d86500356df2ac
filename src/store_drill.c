/*
 * store_drill: drill-down queues (see store_drill.h). The votes are packed
 * per item (src/votepack.h), so the pair and label queues scan the task's
 * rows once and check each row's votes in C (the pair queue first keeps,
 * with SQL's instr(), the rows whose text holds "[12," and "[34,", the
 * starts of the two annotators' votes; the label queue reads the label
 * codes off a row's text and parses only the rows with strings in them and
 * those it keeps); the agreement bands walk the
 * partial index of disputed items; the rule and overruled queues start from
 * the decisions, which are few; an import batch is a range of item ids. The
 * first `limit` items in queue order are
 * kept in a heap while all are counted, and only their entries are read for
 * display.
 */
#include "config.h"

#include "store_drill.h"
#include "cli.h"
#include "guide.h"
#include "store_lead.h"
#include "util.h"
#include "votepack.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A matching item; x and y hold what its reason quotes (labels, counts). */
struct hit {
	int64_t item;
	double agreement;
	int64_t x, y;
};

static int in_sorted(const int64_t *v, size_t n, int64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == x;
}

static int by_agreement(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	double p = isnan(x->agreement) ? 2 : x->agreement,
	       q = isnan(y->agreement) ? 2 : y->agreement;
	if (p != q)
		return p < q ? -1 : 1;
	return (x->item > y->item) - (x->item < y->item);
}

/*
 * The matching items: all of them counted, the first `limit` in queue order
 * kept (all when limit is 0) in a max-heap on that order, so that a queue of
 * a million items neither holds nor sorts them all. Items in skip[] (the
 * decided ones, sorted) do not count.
 */
struct hits {
	struct hit *v;
	size_t n, cap, limit, total;
	const int64_t *skip;
	size_t nskip;
};

static void sift_down(struct hit *v, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct hit t;
		if (l < n && by_agreement(&v[l], &v[m]) > 0)
			m = l;
		if (r < n && by_agreement(&v[r], &v[m]) > 0)
			m = r;
		if (m == i)
			return;
		t = v[i];
		v[i] = v[m];
		v[m] = t;
		i = m;
	}
}

static void hit_add(struct hits *h, int64_t item, double agreement, int64_t x, int64_t y)
{
	struct hit e = {item, agreement, x, y};
	if (h->nskip && in_sorted(h->skip, h->nskip, item))
		return;
	h->total++;
	if (!h->limit || h->n < h->limit) {
		size_t i;
		h->v = xgrow(h->v, &h->cap, h->n + 1, sizeof *h->v);
		i = h->n++;
		h->v[i] = e;
		/* sift up when a heap is kept */
		while (h->limit && i > 0 && by_agreement(&h->v[(i - 1) / 2], &h->v[i]) < 0) {
			struct hit t = h->v[i];
			h->v[i] = h->v[(i - 1) / 2];
			h->v[(i - 1) / 2] = t;
			i = (i - 1) / 2;
		}
	} else if (by_agreement(&e, &h->v[0]) < 0) {
		h->v[0] = e;
		sift_down(h->v, h->n, 0);
	}
}

/* Whether hit_add would keep this item among the first `limit` (a
 * decided one it skips is not kept), so that what its reason quotes is
 * worked out only for the items that may be shown. */
static int hit_kept(const struct hits *h, int64_t item, double agreement)
{
	struct hit e = {item, agreement, 0, 0};
	if (h->nskip && in_sorted(h->skip, h->nskip, item))
		return 0;
	return !h->limit || h->n < h->limit || by_agreement(&e, &h->v[0]) < 0;
}

/* Count a hit that is not kept (hit_kept said so). */
static void hit_count(struct hits *h, int64_t item)
{
	if (!(h->nskip && in_sorted(h->skip, h->nskip, item)))
		h->total++;
}

static double col_dbl(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

/* The named task, or the only one. */
static int drill_task(struct store *st, const char *name, struct store_task *t, char *err)
{
	struct store_task *list;
	size_t n;
	struct sbuf names = {0};
	int rc;

	if (name) {
		rc = store_task_get(st, name, t, err);
		if (rc < 0)
			return -1;
		return rc ? 0 : cli_task_missing(st, name, err);
	}
	if (store_task_list(st, &list, &n, err))
		return -1;
	if (n == 1) {
		*t = list[0];
		free(list);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		sbuf_add(&names, i ? ", " : "");
		sbuf_add(&names, list[i].name);
		store_task_free(&list[i]);
	}
	free(list);
	if (n == 0)
		err_set(err, "the project has no tasks yet");
	else
		err_set(err, "the project has %zu tasks (%s): name one", n, names.s);
	sbuf_free(&names);
	return -1;
}

/* The annotator called name, or an error naming it (with the closest name). */
static int drill_annotator(struct store *st, const char *name, int64_t *id, char *err)
{
	sqlite3_stmt *s;
	char **names = NULL;
	size_t n = 0, cap = 0;
	const char *hint;
	int rc = store_lead_annotator_id(st, name, id, err);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (store_prepare(st, "SELECT name FROM annotator ORDER BY id", &s, err))
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		names = xgrow(names, &cap, n + 1, sizeof *names);
		names[n++] = xstrdup((const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	hint = cli_suggest(name, (const char *const *)names, n);
	if (hint)
		err_set(err, "no annotator named '%s'; did you mean '%s'?", name, hint);
	else
		err_set(err, "no annotator named '%s'", name);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return -1;
}

static int drill_label(const struct store_task *t, const char *value, char *err)
{
	struct sbuf names = {0};
	int k = store_task_label_index(t, value);
	if (k >= 0)
		return k;
	for (size_t i = 0; i < t->nlabels; i++) {
		sbuf_add(&names, i ? ", " : "");
		sbuf_add(&names, t->labels[i].value);
	}
	err_set(err, "task '%s' has no label '%s' (labels: %s)", t->name, value,
		names.s ? names.s : "none yet");
	sbuf_free(&names);
	return -1;
}

/* Items of the task with a current decision, sorted. */
static int decided_items(struct store *st, int64_t task, int64_t **out, size_t *n, char *err)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if (store_prepare(st,
			  "SELECT d.item FROM decision d CROSS JOIN item i ON i.id = d.item"
			  " WHERE i.task = ? AND d.label IS NOT NULL"
			  " AND d.id = (SELECT max(x.id) FROM decision x WHERE x.item = d.item)"
			  " ORDER BY d.item",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		(*out)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "decisions");
}

static const char *label_value(const struct store_task *t, int64_t code)
{
	int k = store_task_code_index(t, (int)code);
	return k >= 0 ? t->labels[k].value : "?";
}

/* Pair a, b: scan the rows holding both annotators' votes. */
static int scan_pair(struct store *st, const struct store_task *t, const struct store_drill *d,
		     struct hits *h, char *err)
{
	int64_t a, b;
	char pa[32], pb[32];
	sqlite3_stmt *s;
	size_t shared = 0;
	int rc;

	if (drill_annotator(st, d->a, &a, err) || drill_annotator(st, d->b, &b, err))
		return -1;
	if (a == b)
		return err_set(err, "a pair needs two annotators, not '%s' twice", d->a);
	snprintf(pa, sizeof pa, "[%lld,", (long long)a);
	snprintf(pb, sizeof pb, "[%lld,", (long long)b);
	if (store_prepare(
		    st,
		    "SELECT item, votes, agreement FROM item_votes NOT INDEXED WHERE task = ?1"
		    " AND instr(votes, ?2) > 0 AND instr(votes, ?3) > 0",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_text(s, 2, pa, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, pb, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct votepack_iter it;
		struct votepack_vote v;
		int64_t la = -1, lb = -1;
		votepack_begin(&it, (const char *)sqlite3_column_text(s, 1),
			       (size_t)sqlite3_column_bytes(s, 1));
		while (votepack_next(&it, &v) == 1) {
			if (v.annotator == a)
				la = v.label;
			else if (v.annotator == b)
				lb = v.label;
		}
		if (la < 0 || lb < 0)
			continue; /* the prefilter matched text inside a comment */
		shared++;
		if (la != lb)
			hit_add(h, sqlite3_column_int64(s, 0), col_dbl(s, 2), la, lb);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "pair");
	if (!shared)
		return err_set(err, "'%s' and '%s' share no item in task '%s'", d->a, d->b,
			       t->name);
	return 0;
}

/*
 * Which of the label codes a (bit 1) and b (bit 2) the votes in the text p
 * of n bytes are for, when it holds no string: the votes text is compact
 * JSON (votepack_add, and SQLite's json_array in the migration), so without
 * a time or comment each vote is "[A,c]", and a number read after a ','
 * and ended by ']' is a label code (one after a '[' is an annotator's).
 */
static int codes_in(const char *p, size_t n, int64_t a, int64_t b)
{
	int64_t v = -1; /* the number after a ',', -1 when none is being read */
	int digits = 0, got = 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c >= '0' && c <= '9') {
			if (v >= 0 && ++digits <= 18)
				v = v * 10 + (c - '0');
		} else if (c == ',') {
			v = 0;
			digits = 0;
		} else {
			if (c == ']' && v >= 0 && digits > 0 && digits <= 18)
				got |= (v == a) | (v == b) << 1;
			v = -1;
		}
	}
	return got;
}

/*
 * Labels a, b: scan the disputed rows for votes for both. A row with no
 * string in it (no '"') is checked with codes_in, and parsed, to count its
 * votes for the reason, only when the heap keeps it; a row with strings is
 * parsed, as a comment may hold anything. Most disputed rows hold a common
 * label, so instr() in SQL would pass most of them and cost more.
 */
static int scan_confused(struct store *st, const struct store_task *t, const struct store_drill *d,
			 struct hits *h, char *err)
{
	int ka, kb, rc;
	int64_t ca, cb;
	sqlite3_stmt *s;

	if ((ka = drill_label(t, d->a, err)) < 0 || (kb = drill_label(t, d->b, err)) < 0)
		return -1;
	if (ka == kb)
		return err_set(err, "two different labels are needed, not '%s' twice", d->a);
	ca = t->labels[ka].code;
	cb = t->labels[kb].code;
	/* 1.0, not 1: a REAL compared with a REAL takes SQLite's short path */
	if (store_prepare(st,
			  "SELECT item, votes, agreement FROM item_votes NOT INDEXED"
			  " WHERE task = ?1 AND agreement < 1.0",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct votepack_iter it;
		struct votepack_vote v;
		const char *text = (const char *)sqlite3_column_text(s, 1);
		size_t len = (size_t)sqlite3_column_bytes(s, 1);
		int64_t item;
		double agreement;
		long na = 0, nb = 0;
		if (!text)
			continue;
		if (!memchr(text, '"', len)) {
			if (codes_in(text, len, ca, cb) != 3)
				continue;
			item = sqlite3_column_int64(s, 0);
			agreement = col_dbl(s, 2);
			if (!hit_kept(h, item, agreement)) {
				hit_count(h, item);
				continue;
			}
		}
		votepack_begin(&it, text, len);
		while (votepack_next(&it, &v) == 1) {
			na += v.label == ca;
			nb += v.label == cb;
		}
		if (na && nb)
			hit_add(h, sqlite3_column_int64(s, 0), col_dbl(s, 2), na, nb);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "confused labels");
}

/* Agreement in [lo, hi): the disputed part through the partial index of
 * agreement < 1 (index only: no row is read), the unanimous items with a
 * scan when the band reaches 1. */
static int scan_agreement(struct store *st, const struct store_task *t, const struct store_drill *d,
			  struct hits *h, char *err)
{
	sqlite3_stmt *s;
	int rc;

	if (!(d->lo >= 0 && d->lo < d->hi && d->lo < 1))
		return err_set(err, "an agreement band needs 0 <= LO < HI <= 1, LO below 1");
	if (store_prepare(
		    st,
		    "SELECT item, agreement FROM item_votes INDEXED BY item_votes_agreement"
		    " WHERE task = ?1 AND agreement < 1 AND agreement >= ?2 AND agreement < ?3",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_double(s, 2, d->lo);
	sqlite3_bind_double(s, 3, d->hi);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		hit_add(h, sqlite3_column_int64(s, 0), col_dbl(s, 1), 0, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "agreement band");
	if (d->hi < 1)
		return 0;
	if (store_prepare(
		    st,
		    "SELECT item FROM item_votes NOT INDEXED WHERE task = ?1 AND agreement >= 1",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		hit_add(h, sqlite3_column_int64(s, 0), 1.0, 0, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "agreement band");
}

/* A rule is known when a decision of the task cites it or its guideline has it. */
static int rule_known(struct store *st, const struct store_task *t, const char *rule, char *err)
{
	sqlite3_stmt *s;
	struct guide g;
	struct sbuf cited = {0};
	int rc, found = 0;

	if (store_prepare(
		    st,
		    "SELECT DISTINCT d.rule FROM decision d CROSS JOIN item i ON i.id = d.item"
		    " WHERE i.task = ? AND d.rule IS NOT NULL ORDER BY d.rule",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(s, 0);
		found |= strcmp(r, rule) == 0;
		sbuf_add(&cited, cited.s ? ", " : "");
		sbuf_add(&cited, r);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		sbuf_free(&cited);
		return store_fail(st, err, "rules");
	}
	if (!found && guide_current(st, t->id, &g, NULL, err) == 0) {
		for (size_t i = 0; i < g.nrules; i++)
			found |= strcmp(g.rules[i].id, rule) == 0;
		guide_free(&g);
	}
	if (!found)
		err_set(err,
			"no decision in task '%s' cites rule '%s' and its guideline has none"
			" (rules cited: %s)",
			t->name, rule, cited.s ? cited.s : "none");
	sbuf_free(&cited);
	return found ? 0 : -1;
}

static int scan_rule(struct store *st, const struct store_task *t, const struct store_drill *d,
		     struct hits *h, char *err)
{
	sqlite3_stmt *s;
	int rc;

	if (rule_known(st, t, d->rule, err))
		return -1;
	/* the strict majority of store_truth_majority_vs_expert: top count > n / 2 */
	if (store_prepare(st,
			  "SELECT d.item, s.agreement, s.plurality, d.label"
			  " FROM decision d CROSS JOIN item i ON i.id = d.item"
			  " JOIN item_votes s ON s.item = d.item"
			  " WHERE i.task = ?1 AND d.rule = ?2 AND d.label IS NOT NULL"
			  " AND d.id = (SELECT max(x.id) FROM decision x WHERE x.item = d.item)"
			  " AND s.plurality_n * 2 > s.n AND s.plurality <> d.label",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_text(s, 2, d->rule, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		hit_add(h, sqlite3_column_int64(s, 0), col_dbl(s, 1), sqlite3_column_int64(s, 2),
			sqlite3_column_int64(s, 3));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "rule");
}

static int scan_overruled(struct store *st, const struct store_task *t, const struct store_drill *d,
			  struct hits *h, char *err)
{
	struct store_lead_overruled *v;
	size_t n;
	int64_t a;
	if (drill_annotator(st, d->a, &a, err) || store_lead_overruled(st, t, a, 0, &v, &n, err))
		return -1;
	for (size_t i = 0; i < n; i++)
		hit_add(h, v[i].item, NAN, t->labels[v[i].vote].code, t->labels[v[i].label].code);
	store_lead_overruled_free(v, n);
	return 0;
}

/* Majority a, expert b: the decided items (the majority as scan_rule's). */
static int scan_majority(struct store *st, const struct store_task *t, const struct store_drill *d,
			 struct hits *h, char *err)
{
	sqlite3_stmt *s;
	int ka, kb, rc;

	if ((ka = drill_label(t, d->a, err)) < 0 || (kb = drill_label(t, d->b, err)) < 0)
		return -1;
	if (store_prepare(
		    st,
		    "SELECT d.item, s.agreement FROM decision d CROSS JOIN item i ON i.id = d.item"
		    " JOIN item_votes s ON s.item = d.item"
		    " WHERE i.task = ?1 AND d.label = ?3"
		    " AND d.id = (SELECT max(x.id) FROM decision x WHERE x.item = d.item)"
		    " AND s.plurality_n * 2 > s.n AND s.plurality = ?2",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_int64(s, 2, t->labels[ka].code);
	sqlite3_bind_int64(s, 3, t->labels[kb].code);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		hit_add(h, sqlite3_column_int64(s, 0), col_dbl(s, 1), t->labels[ka].code,
			t->labels[kb].code);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "majority and expert");
}

/* The import batch d->batch (its items, a range of ids, as lead.c buckets
 * them), or with batch 0 the items outside every batch. *file gets the
 * batch's file (heap; NULL for batch 0). */
static int scan_batch(struct store *st, const struct store_task *t, const struct store_drill *d,
		      struct hits *h, char **file, char *err)
{
	struct store_lead_batch *bt;
	size_t nb, b = 0;
	sqlite3_stmt *s;
	int rc;

	if (store_lead_batches(st, &bt, &nb, err))
		return -1;
	while (d->batch && b < nb && bt[b].seq != d->batch)
		b++;
	if (d->batch && b == nb) {
		store_lead_batches_free(bt, nb);
		return err_set(err,
			       "audit event %lld is not an import (gavel audit log lists them)",
			       (long long)d->batch);
	}
	if (store_prepare(st,
			  "SELECT item, agreement FROM item_votes"
			  " WHERE task = ?1 AND n > 0 AND item > ?2 AND item <= ?3",
			  &s, err)) {
		store_lead_batches_free(bt, nb);
		return -1;
	}
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_int64(s, 2, d->batch ? bt[b].first : INT64_MIN);
	sqlite3_bind_int64(s, 3, d->batch ? bt[b].last : INT64_MAX);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t item = sqlite3_column_int64(s, 0);
		size_t k = 0;
		/* batch 0: an item in no batch's range (the ranges increase) */
		while (!d->batch && k < nb && bt[k].last < item)
			k++;
		if (!d->batch && k < nb && bt[k].first < item)
			continue;
		hit_add(h, item, col_dbl(s, 1), 0, 0);
	}
	sqlite3_finalize(s);
	*file = d->batch && bt[b].file ? xstrdup(bt[b].file) : NULL;
	store_lead_batches_free(bt, nb);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "import batch");
}

/* The reason of a kept item, cut at a character boundary to fit. */
static void reason_set(char *out, size_t size, const struct store_drill *d,
		       const struct store_task *t, const struct hit *h)
{
	size_t len;
	switch (d->kind) {
	case DRILL_PAIR:
		snprintf(out, size, "%s %s, %s %s", d->a, label_value(t, h->x), d->b,
			 label_value(t, h->y));
		break;
	case DRILL_CONFUSED:
		snprintf(out, size, "%s %lld, %s %lld", d->a, (long long)h->x, d->b,
			 (long long)h->y);
		break;
	case DRILL_AGREEMENT:
		snprintf(out, size, "agreement %.2f", h->agreement);
		break;
	case DRILL_RULE:
		snprintf(out, size, "majority %s, expert %s", label_value(t, h->x),
			 label_value(t, h->y));
		break;
	case DRILL_OVERRULED:
		snprintf(out, size, "%s %s, expert %s", d->a, label_value(t, h->x),
			 label_value(t, h->y));
		break;
	case DRILL_MAJORITY:
		snprintf(out, size, "majority %s, expert %s", label_value(t, h->x),
			 label_value(t, h->y));
		break;
	case DRILL_BATCH:
		if (d->batch)
			snprintf(out, size, "import %lld, agreement %.2f", (long long)d->batch,
				 h->agreement);
		else
			snprintf(out, size, "no recorded import, agreement %.2f", h->agreement);
		break;
	}
	len = strlen(out);
	if (len == size - 1) {
		/* drop a character the cut split: its continuation bytes and lead */
		while (len > 0 && ((unsigned char)out[len - 1] & 0xc0) == 0x80)
			len--;
		if (len > 0 && ((unsigned char)out[len - 1] & 0x80))
			len--;
		out[len] = 0;
	}
}

static void title_set(char **title, const struct store_drill *d, const char *file, size_t total)
{
	struct sbuf b = {0};
	const char *s = total == 1 ? "" : "s";
	switch (d->kind) {
	case DRILL_PAIR:
		sbuf_addf(&b, "%s vs %s: %zu disagreement%s", d->a, d->b, total, s);
		break;
	case DRILL_CONFUSED:
		sbuf_addf(&b, "%s / %s: %zu item%s", d->a, d->b, total, s);
		break;
	case DRILL_AGREEMENT:
		sbuf_addf(&b, "agreement %g-%g: %zu item%s", d->lo, d->hi, total, s);
		break;
	case DRILL_RULE:
		sbuf_addf(&b, "rule %s: %zu overturn%s", d->rule, total, s);
		break;
	case DRILL_OVERRULED:
		sbuf_addf(&b, "%s overruled: %zu item%s", d->a, total, s);
		break;
	case DRILL_MAJORITY:
		sbuf_addf(&b, "majority %s / expert %s: %zu item%s", d->a, d->b, total, s);
		break;
	case DRILL_BATCH:
		if (d->batch)
			sbuf_addf(&b, "import %lld (%s): %zu item%s", (long long)d->batch,
				  file ? util_base_name(file) : "?", total, s);
		else
			sbuf_addf(&b, "items no recorded import added: %zu item%s", total, s);
		break;
	}
	*title = sbuf_take(&b);
}

int store_drill_build(struct store *st, const struct store_drill *d, size_t limit,
		      int include_decided, struct queue_entry **out, size_t *n, size_t *total,
		      char **title, char *err)
{
	struct store_task t;
	struct hits h;
	int64_t *decided = NULL, *ids = NULL;
	size_t ndecided = 0, keep = 0;
	int64_t cache = 0;
	char *file = NULL;
	int rc = -1, all = include_decided || d->kind == DRILL_RULE || d->kind == DRILL_OVERRULED ||
			   d->kind == DRILL_MAJORITY;

	*out = NULL;
	*n = *total = 0;
	*title = NULL;
	memset(&t, 0, sizeof t);
	memset(&h, 0, sizeof h);
	if (drill_task(st, d->task, &t, err)) {
		store_task_free(&t);
		return -1;
	}
	/* Scans read each page of the task once (store_scan_begin). */
	cache = store_scan_begin(st);
	if (!all && decided_items(st, t.id, &decided, &ndecided, err))
		goto out;
	h.skip = decided;
	h.nskip = ndecided;
	/* the overruled items' agreement is read with their entries: keep them all */
	h.limit = d->kind == DRILL_OVERRULED ? 0 : limit;
	switch (d->kind) {
	case DRILL_PAIR:
		rc = scan_pair(st, &t, d, &h, err);
		break;
	case DRILL_CONFUSED:
		rc = scan_confused(st, &t, d, &h, err);
		break;
	case DRILL_AGREEMENT:
		rc = scan_agreement(st, &t, d, &h, err);
		break;
	case DRILL_RULE:
		rc = scan_rule(st, &t, d, &h, err);
		break;
	case DRILL_OVERRULED:
		rc = scan_overruled(st, &t, d, &h, err);
		break;
	case DRILL_MAJORITY:
		rc = scan_majority(st, &t, d, &h, err);
		break;
	case DRILL_BATCH:
		rc = scan_batch(st, &t, d, &h, &file, err);
		break;
	}
	if (rc)
		goto out;
	if (d->kind == DRILL_OVERRULED) {
		ids = xmalloc((h.n + 1) * sizeof *ids);
		for (size_t i = 0; i < h.n; i++)
			ids[i] = h.v[i].item;
		if ((rc = store_queue_entries_load(st, &t, ids, h.n, out, err)))
			goto out;
		for (size_t i = 0; i < h.n; i++)
			h.v[i].agreement = (*out)[i].agreement;
		store_queue_free(*out, h.n);
		*out = NULL;
	}
	if (h.n > 1)
		qsort(h.v, h.n, sizeof *h.v, by_agreement);
	*total = h.total;
	keep = limit && limit < h.n ? limit : h.n;
	free(ids);
	ids = xmalloc((keep + 1) * sizeof *ids);
	for (size_t i = 0; i < keep; i++)
		ids[i] = h.v[i].item;
	if ((rc = store_queue_entries_load(st, &t, ids, keep, out, err)))
		goto out;
	for (size_t i = 0; i < keep; i++) {
		(*out)[i].score = h.v[i].agreement;
		reason_set((*out)[i].reason, sizeof(*out)[i].reason, d, &t, &h.v[i]);
	}
	*n = keep;
	title_set(title, d, file, *total);
out:
	store_scan_end(st, cache);
	if (rc)
		*total = 0;
	free(h.v);
	free(decided);
	free(ids);
	free(file);
	store_task_free(&t);
	return rc;
}
