/*
 * store_review: the review screen's queries and writes (src/store_review.h).
 *
 * Reads run inside one short deferred transaction so that an item's votes,
 * decisions and claim come from the same snapshot. Writes are BEGIN
 * IMMEDIATE, check what they depend on inside the write lock (the decision
 * the expert saw is still the latest one; nobody else holds a live claim),
 * write, append their audit event and commit. Times are UTC text
 * "YYYY-MM-DDTHH:MM:SSZ", which sorts and compares as text.
 */
#include "config.h"

#include "store_review.h"
#include "expert.h"
#include "text.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

static char *col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? xstrdup((const char *)t) : NULL;
}

static double col_dbl(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

static char *sdup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* "{\"neg\":2,\"pos\":1}" -> "neg:2 pos:1" using SQLite's JSON reader. */
static int counts_summary(sqlite3_stmt *s, const char *json, char **out)
{
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, json ? json : "{}", -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_ROW)
		return -1;
	*out = xstrdup(sqlite3_column_text(s, 0) ? (const char *)sqlite3_column_text(s, 0) : "");
	return 0;
}

#define COUNTS_SQL                                                                          \
	"SELECT COALESCE(group_concat(key || ':' || value, ' '), '') FROM json_each(?)"

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
	size_t i = 0;
	while (s[i] && chars) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
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

int review_rows_from_queue(struct store *st, const struct queue_entry *q, size_t n,
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
	review_rows_free(v, i);
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

int review_rows_flags(struct store *st, struct review_row *v, size_t n, char *err)
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

void review_rows_free(struct review_row *v, size_t n)
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

int review_row_status(struct store *st, const char *me, struct review_row *r, char *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	row_clear_status(r);
	r->status = REVIEW_OPEN;
	r->decision = 0;
	if (store_prepare(
		    st,
		    "SELECT d.expert, l.value, d.id FROM decision d JOIN item i ON i.id = d.item"
		    " LEFT JOIN label l ON l.task = i.task AND l.code = d.label"
		    " WHERE d.item = ? ORDER BY d.id DESC LIMIT 1",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, r->item);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		r->decision = sqlite3_column_int64(s, 2);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 1) != SQLITE_NULL) {
		const char *who = (const char *)sqlite3_column_text(s, 0);
		r->decided_label = col_dup(s, 1);
		if (who && strcmp(who, me) == 0) {
			r->status = REVIEW_MINE;
		} else {
			r->status = REVIEW_OTHER;
			r->status_by = sdup(who);
		}
		sqlite3_finalize(s);
		return 0;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "item status");

	if (store_prepare(st,
			  "SELECT expert FROM claim WHERE item = ? AND expert <> ? AND expires > " NOW_SQL,
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, r->item);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		r->status = REVIEW_CLAIMED;
		r->status_by = col_dup(s, 0);
		sqlite3_finalize(s);
		return 0;
	}
	sqlite3_finalize(s);

	if (store_prepare(st,
			  "SELECT 1 FROM event WHERE item = ? AND action = 'skip' AND actor = ? LIMIT 1",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, r->item);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		r->status = REVIEW_SKIPPED;
	sqlite3_finalize(s);
	return 0;
}

/* ---- item detail ---- */

static int load_votes(struct store *st, struct review_item *it, char *err)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0;
	int rc;

	/* The track record walks the (few) decided items and unpacks their
	 * vote rows (src/votepack.h), instead of scanning every vote of the
	 * task; CROSS JOIN pins that order. */
	if (store_prepare(st,
			  "WITH mine AS (SELECT j.value->>0 AS annotator, j.value->>1 AS label,"
			  "   j.value->>3 AS comment FROM item_votes v, json_each(v.votes) j"
			  "   WHERE v.item = ?2),"
			  " decided AS (SELECT d.item, d.label FROM decision d"
			  "   WHERE d.id = (SELECT max(id) FROM decision e WHERE e.item = d.item)"
			  "   AND d.label IS NOT NULL AND d.item <> ?2),"
			  " theirs AS (SELECT j.value->>0 AS annotator, j.value->>1 = x.label AS ok"
			  "   FROM decided x CROSS JOIN item_votes w ON w.item = x.item AND w.task = ?1,"
			  "   json_each(w.votes) j)"
			  " SELECT a.name, l.value, m.comment,"
			  " (SELECT count(*) FROM theirs t WHERE t.annotator = m.annotator),"
			  " (SELECT count(*) FROM theirs t WHERE t.annotator = m.annotator AND t.ok)"
			  " FROM mine m JOIN annotator a ON a.id = m.annotator"
			  " LEFT JOIN label l ON l.task = ?1 AND l.code = m.label ORDER BY a.name",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, it->task.id);
	sqlite3_bind_int64(s, 2, it->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct review_vote *v;
		it->votes = xgrow(it->votes, &cap, it->nvotes + 1, sizeof *it->votes);
		v = &it->votes[it->nvotes++];
		v->annotator = col_dup(s, 0);
		v->label = col_dup(s, 1);
		v->comment = col_dup(s, 2);
		v->record_n = sqlite3_column_int(s, 3);
		v->record_ok = sqlite3_column_int(s, 4);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "votes");
	return 0;
}

static int cmp_prob(const void *a, const void *b)
{
	const struct review_prob *x = a, *y = b;
	if (x->p != y->p)
		return x->p < y->p ? 1 : -1;
	return strcmp(x->label, y->label);
}

static int load_preds(struct store *st, struct review_item *it, char *err)
{
	sqlite3_stmt *s = NULL, *j = NULL;
	size_t cap = 0;
	int rc;

	if (store_prepare(st,
			  "SELECT p.model, l.value, p.confidence, p.entropy, p.probs FROM prediction p"
			  " LEFT JOIN label l ON l.task = ? AND l.code = p.label"
			  " WHERE p.item = ? ORDER BY p.confidence DESC, p.model",
			  &s, err))
		return -1;
	if (store_prepare(st, "SELECT key, value FROM json_each(?)", &j, err))
		goto fail;
	sqlite3_bind_int64(s, 1, it->task.id);
	sqlite3_bind_int64(s, 2, it->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct review_pred *p;
		size_t pcap = 0;
		it->preds = xgrow(it->preds, &cap, it->npreds + 1, sizeof *it->preds);
		p = &it->preds[it->npreds++];
		memset(p, 0, sizeof *p);
		p->model = col_dup(s, 0);
		p->label = col_dup(s, 1);
		p->confidence = col_dbl(s, 2);
		p->entropy = col_dbl(s, 3);
		sqlite3_reset(j);
		sqlite3_bind_text(j, 1, (const char *)sqlite3_column_text(s, 4), -1,
				  SQLITE_TRANSIENT);
		while (sqlite3_step(j) == SQLITE_ROW) {
			struct review_prob *pr;
			p->probs = xgrow(p->probs, &pcap, p->nprobs + 1, sizeof *p->probs);
			pr = &p->probs[p->nprobs++];
			if (sqlite3_column_type(j, 0) == SQLITE_INTEGER) {
				/* An array of probabilities in label order. */
				long k = (long)sqlite3_column_int64(j, 0);
				pr->label = xstrdup(k >= 0 && (size_t)k < it->task.nlabels
							    ? it->task.labels[k].value
							    : "?");
			} else {
				pr->label = col_dup(j, 0);
				if (!pr->label)
					pr->label = xstrdup("?");
			}
			pr->p = sqlite3_column_double(j, 1);
		}
		if (p->nprobs)
			qsort(p->probs, p->nprobs, sizeof *p->probs, cmp_prob);
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "predictions");
		goto fail;
	}
	sqlite3_finalize(j);
	sqlite3_finalize(s);
	return 0;
fail:
	sqlite3_finalize(j);
	sqlite3_finalize(s);
	return -1;
}

static int load_history(struct store *st, struct review_item *it, char *err)
{
	sqlite3_stmt *s = NULL;
	size_t cap = 0;
	int rc;

	if (store_prepare(st,
			  "SELECT d.id, d.expert, l.value, b.value, d.reason, d.rule, d.at, d.seconds,"
			  " d.supersedes FROM decision d"
			  " LEFT JOIN label l ON l.task = ?1 AND l.code = d.label"
			  " LEFT JOIN label b ON b.task = ?1 AND b.code = d.blind_label"
			  " WHERE d.item = ?2 ORDER BY d.id",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, it->task.id);
	sqlite3_bind_int64(s, 2, it->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct review_decision *d;
		it->history = xgrow(it->history, &cap, it->nhistory + 1, sizeof *it->history);
		d = &it->history[it->nhistory++];
		d->id = sqlite3_column_int64(s, 0);
		d->expert = col_dup(s, 1);
		d->label = col_dup(s, 2);
		d->blind_label = col_dup(s, 3);
		d->reason = col_dup(s, 4);
		d->rule = col_dup(s, 5);
		d->at = col_dup(s, 6);
		d->seconds = col_dbl(s, 7);
		d->supersedes = sqlite3_column_int64(s, 8);
		it->current = d->id;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "decisions");
	return 0;
}

/* The item's flags: how many, and my own one's note. */
static int load_flags(struct store *st, struct review_item *it, const char *me, char *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (store_prepare(st,
			  "SELECT count(*), max(CASE WHEN expert = ?2 THEN COALESCE(note, '') END)"
			  " FROM flag WHERE item = ?1",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, it->id);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		it->nflags = sqlite3_column_int(s, 0);
		it->my_flag = col_dup(s, 1);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, err, "flags");
}

static int load_core(struct store *st, struct review_item *it, const char *me, char *err)
{
	sqlite3_stmt *s = NULL;
	char *task = NULL;
	int rc;

	if (store_prepare(st,
			  "SELECT i.external_id, i.text, i.meta, t.name FROM item i"
			  " JOIN task t ON t.id = i.task WHERE i.id = ?",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, it->id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		if (rc == SQLITE_DONE)
			return err_set(err, "item %lld: no such item", (long long)it->id);
		return store_fail(st, err, "item");
	}
	it->external_id = col_dup(s, 0);
	it->text = col_dup(s, 1);
	it->meta = col_dup(s, 2);
	task = col_dup(s, 3);
	sqlite3_finalize(s);
	rc = store_task_get(st, task, &it->task, err);
	free(task);
	if (rc != 1)
		return rc == 0 ? err_set(err, "item %lld: task vanished", (long long)it->id) : -1;

	if (store_prepare(st,
			  "SELECT s.votes, s.agreement, l.value, s.tie FROM item_votes s"
			  " LEFT JOIN label l ON l.task = s.task AND l.code = s.plurality"
			  " WHERE s.item = ?",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, it->id);
	it->agreement = NAN;
	if (sqlite3_step(s) == SQLITE_ROW) {
		struct sbuf cb = {0};
		char *counts;
		sqlite3_stmt *c = NULL;
		if (store_votes_counts(&it->task, (const char *)sqlite3_column_text(s, 0),
				       (size_t)sqlite3_column_bytes(s, 0), &cb)) {
			sbuf_free(&cb);
			sqlite3_finalize(s);
			return err_set(err, "the stored votes of item %lld are damaged",
				       (long long)it->id);
		}
		counts = sbuf_take(&cb);
		it->agreement = col_dbl(s, 1);
		it->plurality = col_dup(s, 2);
		it->tie = sqlite3_column_int(s, 3);
		if (store_prepare(st, COUNTS_SQL, &c, err) == 0) {
			rc = counts_summary(c, counts, &it->vote_summary);
			sqlite3_finalize(c);
		} else {
			rc = -1;
		}
		free(counts);
		if (rc) {
			sqlite3_finalize(s);
			return -1;
		}
	}
	sqlite3_finalize(s);
	if (!it->vote_summary)
		it->vote_summary = xstrdup("");

	if (store_prepare(st, "SELECT text FROM draft WHERE expert = ? AND item = ?", &s, err))
		return -1;
	sqlite3_bind_text(s, 1, me, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, it->id);
	if (sqlite3_step(s) == SQLITE_ROW)
		it->draft = col_dup(s, 0);
	sqlite3_finalize(s);

	if (store_prepare(st,
			  "SELECT expert FROM claim WHERE item = ? AND expert <> ? AND expires > " NOW_SQL,
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, it->id);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		it->claimed_by = col_dup(s, 0);
	sqlite3_finalize(s);
	return 0;
}

int review_item_load(struct store *st, int64_t item, const char *me, struct review_item *out,
		     char *err)
{
	struct review_item it;

	memset(&it, 0, sizeof it);
	it.id = item;
	it.quality = NAN;
	it.quality_source = "none";
	/* One snapshot for all the reads; released before returning. */
	if (store_exec(st, "BEGIN", err))
		return -1;
	if (load_core(st, &it, me, err) || load_votes(st, &it, err) || load_preds(st, &it, err) ||
	    load_history(st, &it, err) || load_flags(st, &it, me, err))
		goto fail;
	if (store_exec(st, "COMMIT", err))
		goto fail;
	*out = it;
	return 0;
fail:
	store_rollback(st);
	review_item_free(&it);
	return -1;
}

void review_item_free(struct review_item *it)
{
	if (!it)
		return;
	free(it->external_id);
	free(it->text);
	free(it->meta);
	if (it->task.name)
		store_task_free(&it->task);
	for (size_t i = 0; i < it->nvotes; i++) {
		free(it->votes[i].annotator);
		free(it->votes[i].label);
		free(it->votes[i].comment);
	}
	free(it->votes);
	for (size_t i = 0; i < it->npreds; i++) {
		free(it->preds[i].model);
		free(it->preds[i].label);
		for (size_t k = 0; k < it->preds[i].nprobs; k++)
			free(it->preds[i].probs[k].label);
		free(it->preds[i].probs);
	}
	free(it->preds);
	for (size_t i = 0; i < it->nhistory; i++) {
		struct review_decision *d = &it->history[i];
		free(d->expert);
		free(d->label);
		free(d->blind_label);
		free(d->reason);
		free(d->rule);
		free(d->at);
	}
	free(it->history);
	free(it->vote_summary);
	free(it->plurality);
	free(it->draft);
	free(it->my_flag);
	free(it->claimed_by);
	memset(it, 0, sizeof *it);
}

const struct review_decision *review_item_current(const struct review_item *it)
{
	return it->nhistory ? &it->history[it->nhistory - 1] : NULL;
}

int review_session_init(struct store *st, char *err)
{
	/* The screen reads a few rows per key through indexes; a small page
	 * cache keeps a session on a million-item project well under 64 MB. */
	return store_exec(st, "PRAGMA cache_size = -" GV_STR(REVIEW_CACHE_KB), err);
}

/* ---- writes ---- */

/* The latest decision of an item, read inside the caller's write transaction. */
struct latest {
	int64_t id;
	char expert[128];
	int has_label;
	int label;
	int64_t supersedes;
};

static int latest_decision(struct store *st, int64_t item, struct latest *l, char *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(l, 0, sizeof *l);
	if (store_prepare(st,
			  "SELECT id, expert, label, supersedes FROM decision WHERE item = ?"
			  " ORDER BY id DESC LIMIT 1",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		l->id = sqlite3_column_int64(s, 0);
		snprintf(l->expert, sizeof l->expert, "%s",
			 sqlite3_column_text(s, 1) ? (const char *)sqlite3_column_text(s, 1) : "");
		l->has_label = sqlite3_column_type(s, 2) != SQLITE_NULL;
		l->label = sqlite3_column_int(s, 2);
		l->supersedes = sqlite3_column_int64(s, 3);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "decision");
	return 0;
}

/* Append the label value of code (in item's task) as a JSON string, or null. */
static void add_label_json(struct store *st, struct sbuf *b, int64_t item, int has, int code)
{
	sqlite3_stmt *s = NULL;
	if (!has || sqlite3_prepare_v2(st->db,
				       "SELECT l.value FROM label l JOIN item i ON i.task = l.task"
				       " WHERE i.id = ? AND l.code = ?",
				       -1, &s, NULL) != SQLITE_OK) {
		sbuf_add(b, "null");
		return;
	}
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_int(s, 2, code);
	if (sqlite3_step(s) == SQLITE_ROW)
		sbuf_add_json_str(b, (const char *)sqlite3_column_text(s, 0));
	else
		sbuf_add(b, "null");
	sqlite3_finalize(s);
}

static void add_str_json(struct sbuf *b, const char *s)
{
	if (s)
		sbuf_add_json_str(b, s);
	else
		sbuf_add(b, "null");
}

static void add_before_json(struct store *st, struct sbuf *b, int64_t item, const struct latest *l)
{
	if (!l->id) {
		sbuf_add(b, "null");
		return;
	}
	sbuf_addf(b, "{\"decision\":%lld,\"expert\":", (long long)l->id);
	sbuf_add_json_str(b, l->expert);
	sbuf_add(b, ",\"label\":");
	add_label_json(st, b, item, l->has_label, l->label);
	sbuf_addc(b, '}');
}

/* Another expert's live claim on item, copied into holder; 1 when there is one. */
static int other_claim(struct store *st, int64_t item, const char *me, char *holder, size_t len)
{
	sqlite3_stmt *s = NULL;
	int found = 0;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT expert FROM claim WHERE item = ? AND expert <> ? AND expires > " NOW_SQL,
			       -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		found = 1;
		if (holder)
			snprintf(holder, len, "%s", (const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	return found;
}

static int run_bound(struct store *st, sqlite3_stmt *s, const char *what, char *err)
{
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, what);
	return 0;
}

/* Whether the latest decision l is another expert's that was made after `seen`. */
static int changed_meanwhile(const struct latest *l, const char *me, int64_t seen)
{
	return l->id && l->id != seen && strcmp(l->expert, me) != 0;
}

/* Fill err for a decision by someone else made meanwhile. */
static int meanwhile_err(const struct latest *l, char *other, size_t other_len, char *err)
{
	snprintf(other, other_len, "%s", l->expert);
	err_set(err,
		l->has_label ? "decided by %s meanwhile; nothing was overwritten"
			     : "undone by %s meanwhile; nothing was overwritten",
		l->expert);
	return REVIEW_MEANWHILE;
}

int review_claim(struct store *st, const struct audit_actor *a, int64_t item, int64_t seen,
		 char *holder, size_t holder_len, char *err)
{
	sqlite3_stmt *s = NULL;
	struct sbuf detail = {0};
	struct latest l;
	char mod[32];
	int mine = 0, rc;

	if (store_begin(st, err))
		return -1;
	if (latest_decision(st, item, &l, err))
		goto fail;
	/* An undo meanwhile leaves the item open: claiming it is fine. */
	if (changed_meanwhile(&l, a->expert, seen) && l.has_label) {
		store_rollback(st);
		return meanwhile_err(&l, holder, holder_len, err);
	}
	if (other_claim(st, item, a->expert, holder, holder_len)) {
		store_rollback(st);
		err_set(err, "claimed by %s", holder);
		return REVIEW_HELD;
	}
	if (store_prepare(st, "SELECT 1 FROM claim WHERE item = ? AND expert = ? AND expires > " NOW_SQL,
			  &s, err))
		goto fail;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, a->expert, -1, SQLITE_STATIC);
	mine = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (store_prepare(st,
			  "INSERT OR REPLACE INTO claim(item, expert, expires) VALUES (?, ?,"
			  " strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?))",
			  &s, err))
		goto fail;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, a->expert, -1, SQLITE_STATIC);
	snprintf(mod, sizeof mod, "+%d seconds", REVIEW_CLAIM_SECONDS);
	sqlite3_bind_text(s, 3, mod, -1, SQLITE_STATIC);
	if (run_bound(st, s, "claim", err))
		goto fail;
	if (!mine) {
		sbuf_addf(&detail, "{\"after\":{\"claim\":");
		sbuf_add_json_str(&detail, a->expert);
		sbuf_addf(&detail, ",\"seconds\":%d}}", REVIEW_CLAIM_SECONDS);
		if (audit_append(st, a, "claim", item, detail.s, NULL, err))
			goto fail;
	}
	rc = store_commit(st, err);
	sbuf_free(&detail);
	return rc;
fail:
	store_rollback(st);
	sbuf_free(&detail);
	return -1;
}

int review_release(struct store *st, const struct audit_actor *a, int64_t item, char *err)
{
	sqlite3_stmt *s = NULL;
	if (store_begin(st, err))
		return -1;
	if (store_prepare(st, "DELETE FROM claim WHERE item = ? AND expert = ?", &s, err))
		goto fail;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, a->expert, -1, SQLITE_STATIC);
	if (run_bound(st, s, "release claim", err))
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

/* Delete my claim and my draft on item, inside the caller's transaction. */
static int clear_mine(struct store *st, const char *me, int64_t item, int draft, char *err)
{
	sqlite3_stmt *s = NULL;
	if (store_prepare(st, "DELETE FROM claim WHERE item = ? AND expert = ?", &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	if (run_bound(st, s, "release claim", err))
		return -1;
	if (!draft)
		return 0;
	if (store_prepare(st, "DELETE FROM draft WHERE item = ? AND expert = ?", &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	return run_bound(st, s, "draft", err);
}

/* Insert a decision row inside the caller's transaction. */
static int insert_decision(struct store *st, const char *me, int64_t item, int has_label, int label,
			   int blind, const char *reason, const char *rule, double seconds,
			   int64_t supersedes, const char *queue, int64_t *id, char *err)
{
	sqlite3_stmt *s = NULL;
	if (store_prepare(st,
			  "INSERT INTO decision(item, expert, label, reason, rule, guideline_version,"
			  " blind_label, seconds, at, supersedes, queue) VALUES (?1, ?2, ?3, ?4, ?5,"
			  " (SELECT max(g.version) FROM guideline g JOIN item i ON i.task = g.task"
			  "  WHERE i.id = ?1), ?6, ?7, " NOW_SQL ", ?8, ?9)",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
	if (has_label)
		sqlite3_bind_int(s, 3, label);
	if (reason && *reason)
		sqlite3_bind_text(s, 4, reason, -1, SQLITE_STATIC);
	if (rule && *rule)
		sqlite3_bind_text(s, 5, rule, -1, SQLITE_STATIC);
	if (blind >= 0)
		sqlite3_bind_int(s, 6, blind);
	if (isfinite(seconds))
		sqlite3_bind_double(s, 7, seconds);
	if (supersedes)
		sqlite3_bind_int64(s, 8, supersedes);
	if (queue)
		sqlite3_bind_text(s, 9, queue, -1, SQLITE_STATIC);
	if (run_bound(st, s, "decision", err))
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int review_decide(struct store *st, const struct audit_actor *a, const struct review_decide_args *d,
		  int64_t *id, char *other, size_t other_len, char *err)
{
	struct latest l;
	struct sbuf detail = {0};
	int64_t nid = 0;
	int overrule;

	if (store_begin(st, err))
		return -1;
	if (latest_decision(st, d->item, &l, err))
		goto fail;
	if (changed_meanwhile(&l, a->expert, d->expected)) {
		store_rollback(st);
		return meanwhile_err(&l, other, other_len, err);
	}
	/* The current decision is someone else's: superseding it is a lead's
	 * call, asked for in so many words, never a side effect of a key. */
	overrule = l.id && l.has_label && strcmp(l.expert, a->expert) != 0;
	if (overrule) {
		int lead = expert_is_lead(st, a->expert, a->uid, err);
		if (lead < 0)
			goto fail;
		if (!lead || !d->overrule) {
			snprintf(other, other_len, "%s", l.expert);
			store_rollback(st);
			if (!lead) {
				err_set(err,
					"%s decided this item; only a lead may overrule another "
					"expert's decision, so nothing was written",
					l.expert);
				return REVIEW_NOT_LEAD;
			}
			err_set(err, "%s decided this item; as a lead you may overrule it",
				l.expert);
			return REVIEW_OVERRULE;
		}
	}
	if (other_claim(st, d->item, a->expert, other, other_len)) {
		err_set(err, "claimed by %s; nothing was written", other);
		store_rollback(st);
		return REVIEW_HELD;
	}
	if (insert_decision(st, a->expert, d->item, 1, d->label_code, d->blind_code, d->reason,
			    d->rule, d->seconds, l.id, d->queue, &nid, err))
		goto fail;
	if (clear_mine(st, a->expert, d->item, 1, err))
		goto fail;
	sbuf_add(&detail, "{\"before\":");
	add_before_json(st, &detail, d->item, &l);
	if (overrule)
		sbuf_add(&detail, ",\"overrule\":true");
	sbuf_addf(&detail, ",\"after\":{\"decision\":%lld,\"label\":", (long long)nid);
	add_label_json(st, &detail, d->item, 1, d->label_code);
	sbuf_add(&detail, ",\"blind_label\":");
	add_label_json(st, &detail, d->item, d->blind_code >= 0, d->blind_code);
	sbuf_add(&detail, ",\"seconds\":");
	sbuf_add_json_num(&detail, d->seconds);
	sbuf_add(&detail, ",\"queue\":");
	add_str_json(&detail, d->queue);
	sbuf_add(&detail, "},\"why\":{\"reason\":");
	add_str_json(&detail, d->reason && *d->reason ? d->reason : NULL);
	sbuf_add(&detail, ",\"rule\":");
	add_str_json(&detail, d->rule && *d->rule ? d->rule : NULL);
	sbuf_add(&detail, "}}");
	if (audit_append(st, a, "decide", d->item, detail.s, NULL, err))
		goto fail;
	if (store_commit(st, err))
		goto fail_nocommit;
	sbuf_free(&detail);
	if (id)
		*id = nid;
	return 0;
fail:
	store_rollback(st);
fail_nocommit:
	sbuf_free(&detail);
	return -1;
}

/* Fetch a decision's label, reason, rule and blind call inside a transaction. */
static int decision_fields(struct store *st, int64_t id, int *has_label, int *label, int *blind,
			   char **reason, char **rule, char *err)
{
	sqlite3_stmt *s = NULL;
	int rc;
	if (store_prepare(st, "SELECT label, blind_label, reason, rule FROM decision WHERE id = ?",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*has_label = sqlite3_column_type(s, 0) != SQLITE_NULL;
		*label = sqlite3_column_int(s, 0);
		*blind = sqlite3_column_type(s, 1) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 1);
		*reason = col_dup(s, 2);
		*rule = col_dup(s, 3);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, err, "decision");
	return 0;
}

int review_undo(struct store *st, const struct audit_actor *a, int64_t item, char *err)
{
	struct latest l;
	struct sbuf detail = {0};
	int has = 0, label = 0, blind = -1;
	char *reason = NULL, *rule = NULL;
	int64_t nid;

	if (store_begin(st, err))
		return -1;
	if (latest_decision(st, item, &l, err))
		goto fail;
	if (!l.id || strcmp(l.expert, a->expert) != 0) {
		err_set(err, l.id ? "the latest decision is %s's, not yours" : "nothing to undo%s",
			l.id ? l.expert : "");
		store_rollback(st);
		return 1;
	}
	if (l.supersedes &&
	    decision_fields(st, l.supersedes, &has, &label, &blind, &reason, &rule, err))
		goto fail;
	if (insert_decision(st, a->expert, item, has, label, blind, reason, rule, NAN, l.id, NULL,
			    &nid, err))
		goto fail;
	sbuf_add(&detail, "{\"before\":");
	add_before_json(st, &detail, item, &l);
	sbuf_addf(&detail, ",\"after\":{\"decision\":%lld,\"label\":", (long long)nid);
	add_label_json(st, &detail, item, has, label);
	sbuf_add(&detail, "},\"why\":{\"reason\":\"undo\"}}");
	if (audit_append(st, a, "undo", item, detail.s, NULL, err))
		goto fail;
	if (store_commit(st, err))
		goto fail_nocommit;
	free(reason);
	free(rule);
	sbuf_free(&detail);
	return 0;
fail:
	store_rollback(st);
fail_nocommit:
	free(reason);
	free(rule);
	sbuf_free(&detail);
	return -1;
}

int review_reason(struct store *st, const struct audit_actor *a, int64_t item, const char *reason,
		  const char *rule, char *err)
{
	struct latest l;
	struct sbuf detail = {0};
	int has = 0, label = 0, blind = -1;
	char *old_reason = NULL, *old_rule = NULL;
	int64_t nid;

	if (store_begin(st, err))
		return -1;
	if (latest_decision(st, item, &l, err))
		goto fail;
	if (!l.id || !l.has_label || strcmp(l.expert, a->expert) != 0) {
		err_set(err, "no decision of yours to give a reason to");
		store_rollback(st);
		return 1;
	}
	if (decision_fields(st, l.id, &has, &label, &blind, &old_reason, &old_rule, err))
		goto fail;
	if (insert_decision(st, a->expert, item, has, label, blind, reason, rule, NAN, l.id, NULL,
			    &nid, err))
		goto fail;
	if (clear_mine(st, a->expert, item, 1, err))
		goto fail;
	sbuf_addf(&detail, "{\"before\":{\"decision\":%lld,\"reason\":", (long long)l.id);
	add_str_json(&detail, old_reason);
	sbuf_add(&detail, ",\"rule\":");
	add_str_json(&detail, old_rule);
	sbuf_addf(&detail, "},\"after\":{\"decision\":%lld,\"label\":", (long long)nid);
	add_label_json(st, &detail, item, has, label);
	sbuf_add(&detail, "},\"why\":{\"reason\":");
	add_str_json(&detail, reason && *reason ? reason : NULL);
	sbuf_add(&detail, ",\"rule\":");
	add_str_json(&detail, rule && *rule ? rule : NULL);
	sbuf_add(&detail, "}}");
	if (audit_append(st, a, "reason", item, detail.s, NULL, err))
		goto fail;
	if (store_commit(st, err))
		goto fail_nocommit;
	free(old_reason);
	free(old_rule);
	sbuf_free(&detail);
	return 0;
fail:
	store_rollback(st);
fail_nocommit:
	free(old_reason);
	free(old_rule);
	sbuf_free(&detail);
	return -1;
}

int review_flag(struct store *st, const struct audit_actor *a, int64_t item, const char *note,
		char *err)
{
	sqlite3_stmt *s = NULL;
	struct sbuf detail = {0};
	int rc;

	if (store_begin(st, err))
		return -1;
	/* Checked inside the write lock, so two sessions of one expert cannot
	 * both add a flag. */
	if (store_prepare(st, "SELECT 1 FROM flag WHERE item = ? AND expert = ? LIMIT 1", &s, err))
		goto fail;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, a->expert, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	s = NULL;
	if (rc == SQLITE_ROW) {
		store_rollback(st);
		err_set(err, "you flagged this item already");
		return 1;
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "flag");
		goto fail;
	}
	if (store_prepare(st, "INSERT INTO flag(item, expert, note, at) VALUES (?, ?, ?, " NOW_SQL ")",
			  &s, err))
		goto fail;
	sqlite3_bind_int64(s, 1, item);
	sqlite3_bind_text(s, 2, a->expert, -1, SQLITE_STATIC);
	if (note && *note)
		sqlite3_bind_text(s, 3, note, -1, SQLITE_STATIC);
	if (run_bound(st, s, "flag", err))
		goto fail;
	sbuf_addf(&detail, "{\"after\":{\"flag\":%lld},\"why\":{\"reason\":",
		  (long long)sqlite3_last_insert_rowid(st->db));
	add_str_json(&detail, note && *note ? note : "guideline unclear for this item");
	sbuf_add(&detail, "}}");
	if (audit_append(st, a, "flag", item, detail.s, NULL, err))
		goto fail;
	sbuf_free(&detail);
	return store_commit(st, err);
fail:
	store_rollback(st);
	sbuf_free(&detail);
	return -1;
}

int review_skip(struct store *st, const struct audit_actor *a, int64_t item, char *err)
{
	if (store_begin(st, err))
		return -1;
	if (clear_mine(st, a->expert, item, 0, err))
		goto fail;
	if (audit_append(st, a, "skip", item, "{\"after\":{\"claim\":null}}", NULL, err))
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

/* Store the draft (a non-empty text) or delete it, inside a transaction. */
static int draft_write(struct store *st, const char *me, int64_t item, const char *text,
		       char *err)
{
	sqlite3_stmt *s = NULL;
	if (text && *text) {
		if (store_prepare(st,
				  "INSERT OR REPLACE INTO draft(expert, item, text, at)"
				  " VALUES (?, ?, ?, " NOW_SQL ")",
				  &s, err))
			return -1;
		sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
	} else if (store_prepare(st, "DELETE FROM draft WHERE expert = ? AND item = ?", &s, err)) {
		return -1;
	}
	sqlite3_bind_text(s, 1, me, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, item);
	return run_bound(st, s, "draft", err);
}

int review_draft_save(struct store *st, const char *me, int64_t item, const char *text, char *err)
{
	if (store_begin(st, err))
		return -1;
	if (draft_write(st, me, item, text, err))
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

int review_leave(struct store *st, const char *me, int64_t item, const char *text, char *err)
{
	if (store_begin(st, err))
		return -1;
	if (text && *text) {
		if (draft_write(st, me, item, text, err))
			goto fail;
		if (clear_mine(st, me, item, 0, err))
			goto fail;
	} else if (clear_mine(st, me, item, text != NULL, err)) {
		goto fail;
	}
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

int review_search(struct store *st, const int64_t *items, size_t n, const char *query,
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

int review_events(struct store *st, int64_t item, struct review_event **out, size_t *n, char *err)
{
	sqlite3_stmt *s = NULL;
	struct review_event *v = NULL;
	size_t cap = 0, k = 0;
	int rc;

	/* The review screen writes {before, after, why}; gavel import writes
	 * its decisions flat ({label, reason, origin, file}): both read here.
	 * A detail that is not JSON reads as no fields, not as an error. */
	if (store_prepare(st,
			  "SELECT seq, at, actor, uid, host, ssh, action, detail,"
			  " COALESCE(json_extract(d, '$.after.label'), json_extract(d, '$.label')),"
			  " json_extract(d, '$.after.blind_label'),"
			  " json_extract(d, '$.before.label'), json_extract(d, '$.before.expert'),"
			  " json_extract(d, '$.before.reason'), json_extract(d, '$.before.rule'),"
			  " COALESCE(json_extract(d, '$.why.reason'), json_extract(d, '$.reason')),"
			  " COALESCE(json_extract(d, '$.why.rule'), json_extract(d, '$.rule')),"
			  " json_extract(d, '$.origin'), json_extract(d, '$.file'),"
			  " json_extract(d, '$.after.seconds')"
			  " FROM (SELECT *, CASE WHEN json_valid(detail) THEN detail END AS d"
			  " FROM event WHERE item = ?) ORDER BY seq",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct review_event *e;
		v = xgrow(v, &cap, k + 1, sizeof *v);
		e = &v[k++];
		memset(e, 0, sizeof *e);
		e->seq = sqlite3_column_int64(s, 0);
		e->at = col_dup(s, 1);
		e->actor = col_dup(s, 2);
		e->uid = sqlite3_column_int64(s, 3);
		e->host = col_dup(s, 4);
		e->ssh = col_dup(s, 5);
		e->action = col_dup(s, 6);
		e->detail = col_dup(s, 7);
		e->label = col_dup(s, 8);
		e->blind_label = col_dup(s, 9);
		e->before_label = col_dup(s, 10);
		e->before_expert = col_dup(s, 11);
		e->before_reason = col_dup(s, 12);
		e->before_rule = col_dup(s, 13);
		e->reason = col_dup(s, 14);
		e->rule = col_dup(s, 15);
		e->origin = col_dup(s, 16);
		e->file = col_dup(s, 17);
		e->seconds = col_dbl(s, 18);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		review_events_free(v, k);
		return store_fail(st, err, "events");
	}
	*out = v;
	*n = k;
	return 0;
}

void review_events_free(struct review_event *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct review_event *e = &v[i];
		char *strs[] = {e->at,		e->actor,	  e->host,	    e->ssh,
				e->action,	e->detail,	  e->label,	    e->blind_label,
				e->before_label, e->before_expert, e->before_reason, e->before_rule,
				e->reason,	e->rule,	  e->origin,	    e->file};
		for (size_t k = 0; k < GV_ARRAY_LEN(strs); k++)
			free(strs[k]);
	}
	free(v);
}
