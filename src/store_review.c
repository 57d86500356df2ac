/*
 * store_review: the review screen's queries and writes (src/store_review.h).
 *
 * Reads run inside one short deferred transaction so that an item's votes,
 * decisions and claim come from the same snapshot. Writes are BEGIN
 * IMMEDIATE, check what they depend on inside the write lock (the decision
 * the expert saw is still the latest one; nobody else holds a live claim),
 * write, append their audit event and commit. Times are UTC text
 * "YYYY-MM-DDTHH:MM:SSZ", which sorts and compares as text.
 *
 * This file holds the queue's rows and search; the item screen's reads are
 * in src/store_review_item.c, the writes in src/store_review_write.c.
 */
#include "config.h"

#include "store_review.h"
#include "store_review_priv.h"
#include "text.h"
#include "utf8.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *sdup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

#define PAIRS_SQL "SELECT key, value FROM json_each(?)"

/* A task's labels with the short names the queue's vote column uses. */
struct abbrev {
	char *task;
	struct store_task t;
	char **abbr;       /* per label, in label order */
	char *legend;      /* "neg=negative neu=neutral pos=positive" */
	char *legend_seq;  /* "n·n·n = negative·neutral·positive", for the counts form */
};

/* Bytes of the first `chars` UTF-8 characters of s (all of it when shorter). */
static size_t prefix_bytes(const char *s, size_t chars)
{
	size_t i = 0, len = strlen(s);
	while (i < len && chars) {
		i = utf8_next(s, i, len);
		chars--;
	}
	return i;
}

/* What the short names stand for, in both compact forms. */
static void abbrev_legend(struct abbrev *a)
{
	struct sbuf l = {0}, q = {0};
	for (size_t i = 0; i < a->t.nlabels; i++) {
		sbuf_addf(&l, "%s%s=%s", i ? " " : "", a->abbr[i], a->t.labels[i].value);
		sbuf_addf(&q, "%sn", i ? "\u00b7" : "");
	}
	for (size_t i = 0; i < a->t.nlabels; i++)
		sbuf_addf(&q, "%s%s", i ? "\u00b7" : " = ", a->t.labels[i].value);
	a->legend = xstrdup(l.s ? l.s : "");
	a->legend_seq = xstrdup(q.s ? q.s : "");
	sbuf_free(&l);
	sbuf_free(&q);
}

/*
 * Short label names for the vote column: the guideline's keys when every
 * label has a distinct one-character key; else the shortest common prefix
 * length (up to 3 characters) that tells all labels apart ("neg", "neu",
 * "pos"); else the label's position, 1-based.
 */
static void abbrev_make(struct abbrev *a)
{
	const struct store_task *t = &a->t;
	size_t k = t->nlabels, len;
	int keys = k > 0;

	a->abbr = xcalloc(k ? k : 1, sizeof *a->abbr);
	for (size_t i = 0; i < k && keys; i++) {
		const char *ki = t->labels[i].key;
		keys = ki && ki[0] && prefix_bytes(ki, 1) == strlen(ki);
		for (size_t j = 0; j < i && keys; j++)
			keys = strcmp(ki, t->labels[j].key) != 0;
	}
	if (keys) {
		for (size_t i = 0; i < k; i++)
			a->abbr[i] = xstrdup(t->labels[i].key);
		abbrev_legend(a);
		return;
	}
	for (len = 1; len <= 3; len++) {
		int distinct = 1;
		for (size_t i = 0; i < k && distinct; i++) {
			const char *vi = t->labels[i].value;
			size_t bi = prefix_bytes(vi, len);
			for (size_t j = 0; j < i && distinct; j++) {
				const char *vj = t->labels[j].value;
				size_t bj = prefix_bytes(vj, len);
				distinct = bi != bj || memcmp(vi, vj, bi) != 0;
			}
		}
		if (distinct)
			break;
	}
	for (size_t i = 0; i < k; i++) {
		char num[24];
		if (len <= 3) {
			a->abbr[i] = xstrndup(t->labels[i].value, prefix_bytes(t->labels[i].value, len));
		} else {
			snprintf(num, sizeof num, "%zu", i + 1);
			a->abbr[i] = xstrdup(num);
		}
	}
	abbrev_legend(a);
}

static void abbrevs_free(struct abbrev *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < v[i].t.nlabels; k++)
			free(v[i].abbr[k]);
		free(v[i].abbr);
		free(v[i].legend);
		free(v[i].legend_seq);
		store_task_free(&v[i].t);
		free(v[i].task);
	}
	free(v);
}

/* The short names of task `name`, loaded once per queue build; NULL when the
 * task is unknown (-1 in *rc on error). */
static const struct abbrev *abbrev_get(struct store *st, const char *name, struct abbrev **v,
				       size_t *n, size_t *cap, int *rc, char *err)
{
	struct abbrev *a;
	int found;
	*rc = 0;
	if (!name)
		return NULL;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].task, name) == 0)
			return &(*v)[i];
	*v = xgrow(*v, cap, *n + 1, sizeof **v);
	a = &(*v)[*n];
	memset(a, 0, sizeof *a);
	found = store_task_get(st, name, &a->t, err);
	if (found <= 0) {
		*rc = found;
		return NULL;
	}
	a->task = xstrdup(name);
	abbrev_make(a);
	(*n)++;
	return a;
}

/*
 * The compact vote summary: "neg2 pos1" (short name and count per label
 * with votes, in label order; a ':' between them when the name ends in a
 * digit). When that is wider than REVIEW_VOTES_SHORT columns, the counts of
 * every label in label order, "2·0·1". Without the task's labels, the full
 * summary.
 */
static int counts_short(sqlite3_stmt *s, const char *json, const struct abbrev *a, char **out,
			const char **legend)
{
	struct sbuf b = {0};
	long *counts = NULL;
	int step;

	*legend = NULL;
	if (!a) {
		*out = NULL;
		return 0;
	}
	counts = xcalloc(a->t.nlabels + 1, sizeof *counts);
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, json ? json : "{}", -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(s, 0);
		int idx = key ? store_task_label_index(&a->t, key) : -1;
		if (idx >= 0)
			counts[idx] += sqlite3_column_int64(s, 1);
	}
	if (step != SQLITE_DONE) {
		free(counts);
		return -1;
	}
	for (size_t i = 0; i < a->t.nlabels; i++) {
		const char *ab = a->abbr[i];
		size_t l = strlen(ab);
		if (!counts[i])
			continue;
		sbuf_addf(&b, "%s%s%s%ld", b.len ? " " : "", ab,
			  l && ab[l - 1] >= '0' && ab[l - 1] <= '9' ? ":" : "", counts[i]);
	}
	*legend = a->legend;
	if (b.s && text_width(b.s) > REVIEW_VOTES_SHORT) {
		sbuf_reset(&b);
		for (size_t i = 0; i < a->t.nlabels; i++)
			sbuf_addf(&b, "%s%ld", i ? "\u00b7" : "", counts[i]);
		*legend = a->legend_seq;
	}
	*out = xstrdup(b.s ? b.s : "");
	sbuf_free(&b);
	free(counts);
	return 0;
}

int store_review_rows_from_queue(struct store *st, const struct queue_entry *q, size_t n,
			   struct review_row **out, char *err)
{
	struct review_row *v = xcalloc(n ? n : 1, sizeof *v);
	sqlite3_stmt *s = NULL, *pairs = NULL, *last = NULL;
	struct abbrev *ab = NULL;
	size_t i, nab = 0, abcap = 0;

	if (store_prepare(st, COUNTS_SQL, &s, err) || store_prepare(st, PAIRS_SQL, &pairs, err) ||
	    store_prepare(st, "SELECT max(id) FROM decision WHERE item = ?", &last, err))
		goto fail;
	for (i = 0; i < n; i++) {
		struct review_row *r = &v[i];
		r->item = q[i].item;
		r->external_id = sdup(q[i].external_id);
		r->task = sdup(q[i].task);
		r->nvotes = q[i].nvotes;
		r->agreement = q[i].agreement;
		r->model_label = sdup(q[i].model_label);
		r->model_conf = q[i].model_conf;
		r->entropy = q[i].entropy;
		r->reason = xstrdup(q[i].reason);
		r->suggested = sdup(q[i].suggested);
		r->margin = q[i].margin;
		r->evidence = sdup(q[i].evidence);
		r->status = q[i].decided ? REVIEW_OTHER : REVIEW_OPEN;
		if (q[i].decided) {
			/* What a claim will compare with: a decision made after this
			 * read is one made meanwhile. */
			sqlite3_reset(last);
			sqlite3_bind_int64(last, 1, r->item);
			if (sqlite3_step(last) != SQLITE_ROW) {
				store_fail(st, err, "decisions");
				i++;
				goto fail_rows;
			}
			r->decision = sqlite3_column_int64(last, 0);
		}
		if (counts_summary(s, q[i].counts, &r->votes)) {
			store_fail(st, err, "vote summary");
			i++;
			goto fail_rows;
		}
		{
			int rc;
			const struct abbrev *a = abbrev_get(st, q[i].task, &ab, &nab, &abcap, &rc, err);
			if (rc < 0) {
				i++;
				goto fail_rows;
			}
			const char *legend;
			if (counts_short(pairs, q[i].counts, a, &r->votes_short, &legend)) {
				store_fail(st, err, "vote summary");
				i++;
				goto fail_rows;
			}
			r->legend = sdup(legend);
			if (!r->votes_short)
				r->votes_short = xstrdup(r->votes);
		}
	}
	sqlite3_finalize(s);
	sqlite3_finalize(pairs);
	sqlite3_finalize(last);
	abbrevs_free(ab, nab);
	*out = v;
	return 0;
fail_rows:
	store_review_rows_free(v, i);
	v = NULL;
fail:
	sqlite3_finalize(s);
	sqlite3_finalize(pairs);
	sqlite3_finalize(last);
	abbrevs_free(ab, nab);
	free(v);
	return -1;
}

/* Queue rows ordered by item id, to find a flagged item's rows. */
struct row_ref {
	int64_t item;
	size_t row;
};

static int cmp_row_ref(const void *a, const void *b)
{
	const struct row_ref *x = a, *y = b;
	return x->item < y->item ? -1 : x->item > y->item;
}

int store_review_rows_flags(struct store *st, struct review_row *v, size_t n, char *err)
{
	sqlite3_stmt *s = NULL;
	struct row_ref *refs;
	int rc;

	for (size_t i = 0; i < n; i++)
		v[i].flags = 0;
	if (!n)
		return 0;
	refs = xcalloc(n, sizeof *refs);
	for (size_t i = 0; i < n; i++) {
		refs[i].item = v[i].item;
		refs[i].row = i;
	}
	qsort(refs, n, sizeof *refs, cmp_row_ref);
	/* Flags are few next to items: one pass over them, each looked up
	 * among the rows, costs less than a query per row. */
	if (store_prepare(st, "SELECT item, count(*) FROM flag GROUP BY item", &s, err)) {
		free(refs);
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct row_ref key = {sqlite3_column_int64(s, 0), 0}, *hit;
		hit = bsearch(&key, refs, n, sizeof *refs, cmp_row_ref);
		if (!hit)
			continue;
		/* An item can sit in the rows once per task queue run; mark all. */
		while (hit > refs && hit[-1].item == key.item)
			hit--;
		for (; hit < refs + n && hit->item == key.item; hit++)
			v[hit->row].flags = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	free(refs);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "flags");
}

static void row_clear_status(struct review_row *r)
{
	free(r->status_by);
	free(r->decided_label);
	r->status_by = NULL;
	r->decided_label = NULL;
}

void store_review_rows_free(struct review_row *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].external_id);
		free(v[i].task);
		free(v[i].votes);
		free(v[i].votes_short);
		free(v[i].legend);
		free(v[i].model_label);
		free(v[i].reason);
		free(v[i].suggested);
		free(v[i].evidence);
		row_clear_status(&v[i]);
	}
	free(v);
}

int store_review_row_status(struct store *st, const char *me, struct review_row *r, char *err)
{
	return store_review_rows_status(st, me, &r, 1, err);
}

int store_review_rows_status(struct store *st, const char *me, struct review_row *const *v,
			     size_t n, char *err)
{
	sqlite3_stmt *s = NULL;
	struct sbuf ids = {0};
	int rc;

	if (!n)
		return 0;
	/* One statement for every row, each row's item looked up through the
	 * decision_item, claim and event_item indexes: a filter over the loaded
	 * rows costs one query, not three per row. */
	sbuf_addc(&ids, '[');
	for (size_t i = 0; i < n; i++) {
		row_clear_status(v[i]);
		v[i]->status = REVIEW_OPEN;
		v[i]->decision = 0;
		sbuf_addf(&ids, "%s%lld", i ? "," : "", (long long)v[i]->item);
	}
	sbuf_addc(&ids, ']');
	rc = store_prepare(
		st,
		"SELECT j.key, d.id, d.expert, l.value,"
		" (SELECT c.expert FROM claim c WHERE c.item = j.value AND c.expert <> ?2"
		"   AND c.expires > " NOW_SQL "),"
		" EXISTS (SELECT 1 FROM event e WHERE e.item = j.value AND e.action = 'skip'"
		"   AND e.actor = ?2)"
		" FROM json_each(?1) j"
		" LEFT JOIN decision d ON d.id = (SELECT max(x.id) FROM decision x WHERE x.item = j.value)"
		" LEFT JOIN item i ON i.id = d.item"
		" LEFT JOIN label l ON l.task = i.task AND l.code = d.label",
		&s, err);
	if (rc) {
		sbuf_free(&ids);
		return -1;
	}
	sqlite3_bind_text(s, 1, ids.s, (int)ids.len, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sqlite3_int64 k = sqlite3_column_int64(s, 0);
		struct review_row *r;
		if (k < 0 || (size_t)k >= n)
			continue;
		r = v[k];
		r->decision = sqlite3_column_int64(s, 1);
		if (r->decision && sqlite3_column_type(s, 3) != SQLITE_NULL) {
			const char *who = (const char *)sqlite3_column_text(s, 2);
			r->decided_label = store_col_dup(s, 3);
			if (who && strcmp(who, me) == 0) {
				r->status = REVIEW_MINE;
			} else {
				r->status = REVIEW_OTHER;
				r->status_by = sdup(who);
			}
		} else if (sqlite3_column_type(s, 4) != SQLITE_NULL) {
			r->status = REVIEW_CLAIMED;
			r->status_by = store_col_dup(s, 4);
		} else if (sqlite3_column_int(s, 5)) {
			r->status = REVIEW_SKIPPED;
		}
	}
	sqlite3_finalize(s);
	sbuf_free(&ids);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "item status");
}

int store_review_search(struct store *st, const int64_t *items, size_t n, const char *query,
		  int annotators, unsigned char *hits, char *err)
{
	sqlite3_stmt *s = NULL;
	struct sbuf ids = {0};
	int rc;

	memset(hits, 0, n);
	if (!n || !query || !*query)
		return 0;
	/* The rows' ids go in as one JSON array, so one statement answers for
	 * the whole queue; the key of json_each is the row's index. */
	sbuf_addc(&ids, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_addc(&ids, ',');
		sbuf_add_int(&ids, items[i]);
	}
	sbuf_addc(&ids, ']');
	rc = store_prepare(st,
			   "WITH ann AS (SELECT id FROM annotator WHERE ?3"
			   "   AND instr(lower(name), lower(?2)) > 0)"
			   " SELECT q.key, instr(lower(COALESCE(i.text, '')), lower(?2)) > 0,"
			   " instr(lower(COALESCE(i.meta, '')), lower(?2)) > 0,"
			   " EXISTS (SELECT 1 FROM item_votes v, json_each(v.votes) j"
			   "   WHERE v.item = i.id AND j.value->>0 IN ann)"
			   " FROM json_each(?1) q JOIN item i ON i.id = q.value",
			   &s, err);
	if (rc) {
		sbuf_free(&ids);
		return -1;
	}
	sqlite3_bind_text(s, 1, ids.s, (int)ids.len, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, query, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, annotators != 0);
	/* One snapshot for the statement's reads; nothing stays open after. */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sqlite3_int64 k = sqlite3_column_int64(s, 0);
		if (k < 0 || (size_t)k >= n)
			continue;
		hits[k] = (unsigned char)((sqlite3_column_int(s, 1) ? REVIEW_HIT_TEXT : 0) |
					  (sqlite3_column_int(s, 2) ? REVIEW_HIT_META : 0) |
					  (sqlite3_column_int(s, 3) ? REVIEW_HIT_ANNOTATOR : 0));
	}
	sqlite3_finalize(s);
	sbuf_free(&ids);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "search");
}

