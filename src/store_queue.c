/*
 * store_queue: resolves review queues (src/store_queue.h) into ordered item lists.
 * Each rule is one query over item_votes (and prediction for the model
 * rules), run per task so that the (task, agreement) index gives the order
 * without sorting the whole project; results from several tasks are merged
 * by score.
 *
 * Rules:
 *   disputed        n >= 2 and agreement below `below` (default: not unanimous),
 *                   lowest agreement first, then item id: the order of the
 *                   (task, agreement) index, whose entries end in the item id,
 *                   so the first screen reads only its own rows (a tie-break
 *                   outside the index, as entropy was, sorts the whole tie:
 *                   370,000 items at agreement 0 in a 10M-item task);
 *   needs-votes     fewer than min_votes votes, fewest first;
 *   uncertain       the top top_percent% of predicted items by model entropy;
 *   audit           a seeded random sample of `sample` items whose model
 *                   confidence is >= min_confidence (shown blind);
 *   model-disagrees model confidence >= min_confidence and the model's label
 *                   differs from the plurality, ranked by how little
 *                   probability the model gives the plurality label (the
 *                   confident-learning self-confidence score);
 *   label-issues    confident learning (labelerr.h) on one model's
 *                   probabilities and the items' current labels: the items
 *                   pruned by noise rate, lowest self-confidence first, each
 *                   with the label it likely has.
 */
#include "config.h"

#include "project.h"
#include "store_queue.h"
#include "store_labelerr.h"
#include "utf8.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Columns every rule selects, in this order, so one row reader serves all. */
#define QUEUE_COLS                                                                                 \
	"s.item, i.external_id, t.name, s.n, s.agreement, s.votes,"                                \
	" (SELECT value FROM label l WHERE l.task = s.task AND l.code = s.plurality),"             \
	" (SELECT l.value FROM label l WHERE l.task = s.task AND l.code = p.label),"               \
	" p.confidence, p.entropy,"                                                                \
	" COALESCE((SELECT d.label IS NOT NULL FROM decision d WHERE d.item = s.item"              \
	" ORDER BY d.id DESC LIMIT 1), 0), s.plurality_n, s.tie"

/* The display joins; p is the most confident prediction of any model. */
#define QUEUE_JOINS                                                                                \
	" JOIN item i ON i.id = s.item JOIN task t ON t.id = s.task"                               \
	" LEFT JOIN prediction p ON p.item = s.item AND p.model = (SELECT q.model FROM"            \
	" prediction q WHERE q.item = s.item ORDER BY q.confidence DESC, q.model LIMIT 1)"
/* The literal bound lets the planner use the partial index item_votes_agreement
 * (agreement < 1: unanimous items are never in it); ?2, the queue's `below`,
 * is at most 1. */
#define DISPUTED_COND "s.agreement < 1 AND s.agreement < ?2"
#define QUEUE_FROM    " FROM item_votes s" QUEUE_JOINS

/* Undecided, and not out in an offline packet (src/packet.h). */
#define NOT_DECIDED                                                                                \
	" AND COALESCE((SELECT d.label IS NOT NULL FROM decision d WHERE d.item = s.item"          \
	" ORDER BY d.id DESC LIMIT 1), 0) = 0"                                                     \
	" AND NOT EXISTS (SELECT 1 FROM packet_item o WHERE o.item = s.item)"

struct qlist {
	struct queue_entry *v;
	size_t n, cap;
	size_t counted; /* items the rules counted beyond the limit (label-issues) */
	int uncounted;	/* a rule stopped at the limit without counting the rest */
};

static char *dup_col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? xstrdup((const char *)t) : NULL;
}

static double dbl_col(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

/* t: the row's task, whose labels name the counts. */
static struct queue_entry *read_row(struct qlist *l, sqlite3_stmt *s, const struct store_task *t)
{
	struct queue_entry *e;
	struct sbuf counts = {0};
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	e = &l->v[l->n++];
	memset(e, 0, sizeof *e);
	e->item = sqlite3_column_int64(s, 0);
	e->external_id = dup_col(s, 1);
	e->task = dup_col(s, 2);
	e->nvotes = sqlite3_column_int(s, 3);
	e->agreement = dbl_col(s, 4);
	/* A damaged vote row shows as no counts; the item view reports it. */
	store_summary_votes_counts(t, (const char *)sqlite3_column_text(s, 5),
				   (size_t)sqlite3_column_bytes(s, 5), &counts);
	e->counts = sbuf_take(&counts);
	e->plurality = dup_col(s, 6);
	e->model_label = dup_col(s, 7);
	e->model_conf = dbl_col(s, 8);
	e->entropy = dbl_col(s, 9);
	e->decided = sqlite3_column_int(s, 10);
	e->margin = NAN;
	return e;
}

/* SplitMix64: a fixed, documented mixer so an audit sample is reproducible
 * from its seed on every platform. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* `n` bytes of s at most, cut at a character boundary, into a heap string. */
static char *cut_utf8(const char *s, size_t n)
{
	size_t len = strlen(s);
	if (len <= n)
		return xstrdup(s);
	return xstrndup(s, utf8_cut(s, n));
}

/*
 * label-issues: the items come from confident learning over the whole task
 * (store_labelerr_queue), then one query reads their display columns, in
 * queue order, through a JSON array of their ids. Items without votes
 * (decided only) have no item_votes row, hence the LEFT JOIN.
 */
static int run_label_issues(struct store *st, const struct queue_def *q, const struct store_task *t,
			    size_t limit, int include_decided, struct qlist *out, char *err)
{
	struct store_labelerr_issue *v = NULL;
	struct store_labelerr_src src = {0};
	struct sbuf ids = {0}, ev = {0};
	sqlite3_stmt *s = NULL;
	size_t n = 0, total = 0;
	int rc = -1, step;

	if (q->model && q->task == NULL) {
		/* A queue over every task with a named model covers the tasks
		 * that model predicted. */
		rc = store_labelerr_source(st, t, q->model, &src, err);
		store_labelerr_src_free(&src);
		if (rc)
			return rc == 2 ? 0 : -1;
		rc = -1;
	}
	if (store_labelerr_queue(st, t, q->model, include_decided, limit, &v, &n, &total, &src,
				 err))
		return -1;
	out->counted += total - n;
	if (!n) {
		rc = 0;
		goto out;
	}
	sbuf_addf(&ev, "suggested by model %s", src.model);
	if (src.import_seq) {
		const char *f = src.import_file ? src.import_file : "?", *slash = strrchr(f, '/');
		sbuf_addf(&ev, " (import event %ld, %s)", src.import_seq, slash ? slash + 1 : f);
	}
	sbuf_addc(&ids, '[');
	for (size_t x = 0; x < n; x++)
		sbuf_addf(&ids, "%s%lld", x ? "," : "", (long long)v[x].item);
	sbuf_addc(&ids, ']');
	if (store_prepare(
		    st,
		    "SELECT i.id, i.external_id, t.name, COALESCE(s.n, 0), s.agreement,"
		    " COALESCE(s.votes, '[]'),"
		    " (SELECT value FROM label l WHERE l.task = i.task AND l.code = s.plurality),"
		    " (SELECT l.value FROM label l WHERE l.task = i.task AND l.code = p.label),"
		    " p.confidence, p.entropy,"
		    " COALESCE((SELECT d.label IS NOT NULL FROM decision d WHERE d.item = i.id"
		    " ORDER BY d.id DESC LIMIT 1), 0), s.plurality_n, s.tie, j.key"
		    " FROM json_each(?1) j JOIN item i ON i.id = j.value"
		    " JOIN task t ON t.id = i.task LEFT JOIN item_votes s ON s.item = i.id"
		    " LEFT JOIN prediction p ON p.item = i.id AND p.model = ?2 ORDER BY j.key",
		    &s, err))
		goto out;
	sqlite3_bind_text(s, 1, ids.s, (int)ids.len, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, src.model, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		sqlite3_int64 at = sqlite3_column_int64(s, 13);
		const struct store_labelerr_issue *x;
		struct queue_entry *e;
		char *given, *sugg;
		if (at < 0 || (size_t)at >= n)
			continue;
		x = &v[at];
		e = read_row(out, s, t);
		given = cut_utf8(t->labels[x->given].value, 32);
		sugg = cut_utf8(t->labels[x->suggested].value, 32);
		e->suggested = xstrdup(t->labels[x->suggested].value);
		e->margin = x->margin;
		e->evidence = xstrdup(ev.s);
		e->score = x->self_confidence;
		snprintf(e->reason, sizeof e->reason, "labelled %s, likely %s: p %.2f vs %.2f",
			 given, sugg, x->p_suggested, x->self_confidence);
		free(given);
		free(sugg);
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		store_fail(st, err, "queue");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	sbuf_free(&ids);
	sbuf_free(&ev);
	store_labelerr_src_free(&src);
	free(v);
	return rc;
}

static int run_rule(struct store *st, const struct queue_def *q, const struct store_task *t,
		    size_t limit, int include_decided, const struct queue_after *after,
		    struct qlist *out, char *err)
{
	int64_t task = t->id;
	struct sbuf sql = {0};
	sqlite3_stmt *s = NULL;
	size_t first = out->n;
	int rc = -1, step;
	double below = q->below > 0 ? q->below : 1.0;
	long long cutoff = -1;

	if (strcmp(q->rule, "label-issues") == 0)
		return run_label_issues(st, q, t, limit, include_decided, out, err);

	if (strcmp(q->rule, "uncertain") == 0) {
		/* The top X% of the task's predicted items: count them first. */
		sqlite3_stmt *c;
		if (store_prepare(st,
				  "SELECT count(DISTINCT p.item) FROM prediction p JOIN item i"
				  " ON i.id = p.item WHERE i.task = ? AND p.entropy IS NOT NULL",
				  &c, err))
			return -1;
		sqlite3_bind_int64(c, 1, task);
		sqlite3_step(c);
		cutoff = (long long)ceil(sqlite3_column_int64(c, 0) * q->top_percent / 100.0);
		sqlite3_finalize(c);
	}

	sbuf_add(&sql, "SELECT " QUEUE_COLS QUEUE_FROM " WHERE s.task = ?1");
	/* uncertain and audit choose their items among all items and drop the
	 * decided ones afterwards, so that deciding items never pulls new ones
	 * into a fixed-size sample. */
	if (!include_decided && strcmp(q->rule, "uncertain") != 0 && strcmp(q->rule, "audit") != 0)
		sbuf_add(&sql, NOT_DECIDED);
	if (strcmp(q->rule, "disputed") == 0 || strcmp(q->rule, "needs-votes") == 0) {
		/* Choose and order the item ids first, through the (task,
		 * agreement) or (task, n) index and with the limit, and only then
		 * join the display columns to those rows: the first screen of a
		 * million-item queue must not describe every disputed item. */
		int disputed = strcmp(q->rule, "disputed") == 0;
		sbuf_reset(&sql);
		sbuf_add(&sql, "SELECT " QUEUE_COLS " FROM (SELECT s.item AS qi,");
		sbuf_add(&sql, disputed ? " s.agreement AS k1, 0 AS k2" : " s.n AS k1, 0 AS k2");
		/* INDEXED BY: a query the index cannot answer fails to prepare
		 * instead of scanning a million rows. */
		sbuf_add(&sql, disputed ? " FROM item_votes s INDEXED BY item_votes_agreement"
					: " FROM item_votes s");
		sbuf_add(&sql, " WHERE s.task = ?1");
		if (!include_decided)
			sbuf_add(&sql, NOT_DECIDED);
		sbuf_add(&sql, disputed ? " AND " DISPUTED_COND : " AND s.n < ?2");
		/* A later page starts after the last entry shown, through the
		 * same index: the row value seeks to its key and reads on, so a
		 * page costs its own rows plus the loaded rows tied with it on
		 * the key, never an OFFSET over what came before. */
		if (after)
			sbuf_add(&sql, disputed ? " AND (s.agreement, s.item) > (?4, ?5)"
						: " AND (s.n, s.item) > (?4, ?5)");
		sbuf_add(&sql,
			 disputed ? " ORDER BY s.agreement, s.item" : " ORDER BY s.n, s.item");
		sbuf_add(&sql, " LIMIT ?3) x JOIN item_votes s ON s.item = x.qi" QUEUE_JOINS
			       " ORDER BY x.k1, x.k2, x.qi");
	} else if (strcmp(q->rule, "conflicts") == 0) {
		/* Decided twice, in the project and in a packet: a lead settles
		 * them, so decided items are the point here. */
		sbuf_reset(&sql);
		sbuf_add(&sql, "SELECT " QUEUE_COLS QUEUE_FROM
			       " WHERE s.task = ?1 AND s.item IN (SELECT item FROM conflict"
			       " WHERE settled_by IS NULL) ORDER BY s.item LIMIT ?3");
	} else if (strcmp(q->rule, "uncertain") == 0) {
		/* Rank before filtering decided items, so the top X% is a property
		 * of the model and not of how much work is done. */
		sbuf_add(&sql, " AND p.entropy IS NOT NULL ORDER BY p.entropy DESC, s.item"
			       " LIMIT ?2");
	} else if (strcmp(q->rule, "audit") == 0) {
		sbuf_add(&sql, " AND p.confidence >= ?2 ORDER BY s.item");
	} else if (strcmp(q->rule, "model-disagrees") == 0) {
		/* One more column: the model's probability of the plurality label. */
		sbuf_reset(&sql);
		sbuf_add(&sql,
			 "SELECT " QUEUE_COLS ", json_extract(p.probs, '$.\"' || replace("
			 "(SELECT value FROM label l WHERE l.task = s.task AND l.code ="
			 " s.plurality), '\"', '\\\"') || '\"')" QUEUE_FROM " WHERE s.task = ?1");
		if (!include_decided)
			sbuf_add(&sql, NOT_DECIDED);
		sbuf_add(&sql,
			 " AND p.confidence >= ?2 AND s.tie = 0 AND s.plurality IS NOT NULL"
			 " AND p.label <> s.plurality ORDER BY 14, p.confidence DESC, s.item");
	} else {
		err_set(err, "queue '%s': unknown rule '%s'", q->name, q->rule);
		goto out;
	}
	if (store_prepare(st, sql.s, &s, err))
		goto out;
	sqlite3_bind_int64(s, 1, task);
	sqlite3_bind_int64(s, 3, limit ? (sqlite3_int64)limit : -1);
	if (after) {
		sqlite3_bind_double(s, 4, after->score);
		sqlite3_bind_int64(s, 5, after->item);
	}
	if (strcmp(q->rule, "disputed") == 0)
		sqlite3_bind_double(s, 2, below);
	else if (strcmp(q->rule, "needs-votes") == 0)
		sqlite3_bind_int(s, 2, q->min_votes > 0 ? q->min_votes : 3);
	else if (strcmp(q->rule, "uncertain") == 0)
		sqlite3_bind_int64(s, 2, cutoff);
	else
		sqlite3_bind_double(s, 2, q->min_confidence);

	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct queue_entry *e;
		if (strcmp(q->rule, "uncertain") == 0 && !include_decided &&
		    sqlite3_column_int(s, 10))
			continue;
		e = read_row(out, s, t);
		if (strcmp(q->rule, "disputed") == 0) {
			e->score = e->agreement;
			if (below < 1.0)
				snprintf(e->reason, sizeof e->reason, "%d/%d agree, below %.2f",
					 sqlite3_column_int(s, 11), e->nvotes, below);
			else
				snprintf(e->reason, sizeof e->reason, "%d/%d agree%s",
					 sqlite3_column_int(s, 11), e->nvotes,
					 sqlite3_column_int(s, 12) ? " (tie)" : "");
		} else if (strcmp(q->rule, "conflicts") == 0) {
			e->score = (double)e->item;
			snprintf(e->reason, sizeof e->reason, "conflict: decided offline and here");
		} else if (strcmp(q->rule, "needs-votes") == 0) {
			e->score = e->nvotes;
			snprintf(e->reason, sizeof e->reason, "%d vote%s, needs %d", e->nvotes,
				 e->nvotes == 1 ? "" : "s", q->min_votes > 0 ? q->min_votes : 3);
		} else if (strcmp(q->rule, "uncertain") == 0) {
			e->score = -e->entropy;
			snprintf(e->reason, sizeof e->reason, "entropy %.2f, top %g%%", e->entropy,
				 q->top_percent);
		} else if (strcmp(q->rule, "audit") == 0) {
			e->score = (double)(mix64(q->seed ^ mix64((uint64_t)e->item)) >> 11);
			snprintf(e->reason, sizeof e->reason, "audit: model %.2f", e->model_conf);
		} else {
			double pc = dbl_col(s, 13);
			e->score = isnan(pc) ? 0 : pc;
			snprintf(e->reason, sizeof e->reason, "model %.2f; plurality %.2f",
				 e->model_conf, e->score);
		}
		if (limit && strcmp(q->rule, "audit") != 0 && out->n - first >= limit) {
			out->uncounted = 1;
			break;
		}
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		store_fail(st, err, "queue");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	sbuf_free(&sql);
	return rc;
}

static int by_score(const void *a, const void *b)
{
	const struct queue_entry *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

static void entry_free(struct queue_entry *e)
{
	free(e->external_id);
	free(e->task);
	free(e->counts);
	free(e->plurality);
	free(e->model_label);
	free(e->suggested);
	free(e->evidence);
}

void store_queue_free(struct queue_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		entry_free(&v[i]);
	free(v);
}

char *store_queue_names(struct store *st)
{
	struct queue_def *defs;
	size_t n;
	char err[GV_ERR];
	struct sbuf b = {0};
	if (project_queues(st, &defs, &n, err))
		return xstrdup("");
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_add(&b, ", ");
		sbuf_add(&b, defs[i].name);
	}
	project_queues_free(defs, n);
	return sbuf_take(&b);
}

int store_queue_build(struct store *st, const char *name, size_t limit, int include_decided,
		      struct queue_entry **out, size_t *nout, int *blind, char *err)
{
	return store_queue_build_total(st, name, limit, include_decided, out, nout, blind, NULL,
				       err);
}

int store_queue_build_total(struct store *st, const char *name, size_t limit, int include_decided,
			    struct queue_entry **out, size_t *nout, int *blind, size_t *total,
			    char *err)
{
	return store_queue_build_page(st, name, limit, include_decided, NULL, out, nout, blind,
				      total, NULL, err);
}

/* The rules that list a task in (score, item) order through an index. */
static int rule_pageable(const struct queue_def *q)
{
	return strcmp(q->rule, "disputed") == 0 || strcmp(q->rule, "needs-votes") == 0;
}

int store_queue_build_page(struct store *st, const char *name, size_t limit, int include_decided,
			   const struct queue_after *after, struct queue_entry **out, size_t *nout,
			   int *blind, size_t *total, int *pageable, char *err)
{
	struct queue_def *defs = NULL, *q = NULL;
	struct store_task *tasks = NULL;
	size_t ndefs = 0, ntasks = 0;
	struct qlist l = {0};
	int rc = -1;

	if (project_queues(st, &defs, &ndefs, err))
		return -1;
	for (size_t i = 0; i < ndefs && !q; i++) {
		if (name ? strcmp(defs[i].name, name) == 0 : 1)
			q = &defs[i];
	}
	if (!q) {
		char *names = store_queue_names(st);
		err_set(err, "no queue named '%s' (queues: %s)", name ? name : "", names);
		free(names);
		goto out;
	}
	if (after && !rule_pageable(q)) {
		err_set(err, "queue '%s': rule %s cannot start after an entry", q->name, q->rule);
		goto out;
	}
	if (store_task_list(st, &tasks, &ntasks, err))
		goto out;
	if (q->task) {
		int found = 0;
		for (size_t i = 0; i < ntasks; i++)
			found |= strcmp(tasks[i].name, q->task) == 0;
		if (!found) {
			err_set(err, "queue '%s' names task '%s', which the project lacks", q->name,
				q->task);
			goto out;
		}
	}
	for (size_t i = 0; i < ntasks; i++) {
		if (q->task && strcmp(tasks[i].name, q->task) != 0)
			continue;
		if (run_rule(st, q, &tasks[i], limit, include_decided, after, &l, err))
			goto out;
	}
	/* Tasks are merged by score; within one task the query order already
	 * agrees with it. The audit sample is the `sample` smallest hashes. */
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, by_score);
	if (strcmp(q->rule, "audit") == 0) {
		size_t keep = q->sample > 0 ? (size_t)q->sample : 500;
		size_t kept = 0;
		for (size_t i = 0; i < l.n; i++) {
			if (i < keep && (include_decided || !l.v[i].decided))
				l.v[kept++] = l.v[i];
			else
				entry_free(&l.v[i]);
		}
		l.n = kept;
	}
	if (total)
		*total = l.uncounted ? (size_t)-1 : l.n + l.counted;
	if (limit && l.n > limit) {
		for (size_t i = limit; i < l.n; i++)
			entry_free(&l.v[i]);
		l.n = limit;
	}
	if (blind)
		*blind = q->blind;
	if (pageable)
		*pageable = rule_pageable(q);
	*out = l.v;
	*nout = l.n;
	l.v = NULL;
	l.n = 0;
	rc = 0;
out:
	store_queue_free(l.v, l.n);
	for (size_t i = 0; i < ntasks; i++)
		store_task_free(&tasks[i]);
	free(tasks);
	project_queues_free(defs, ndefs);
	return rc;
}

/* Items of one task meeting cond (with ?1 the task, ?2 the bound), less the
 * ones with a current decision unless include_decided. With a cap, counts
 * at most cap + 1 - *n of them, through the same index the queue is listed
 * by, so the count stops after a few thousand rows of a million. */
static int count_rule(struct store *st, int64_t task, const char *cond, double bound,
		      int include_decided, size_t cap, size_t *n, char *err)
{
	struct sbuf sql = {0};
	sqlite3_stmt *s;
	int rc;

	if (cap)
		sbuf_addf(&sql,
			  "SELECT count(*) FROM (SELECT 1 FROM item_votes s WHERE s.task = ?1"
			  " AND %s%s LIMIT ?3)",
			  cond, include_decided ? "" : NOT_DECIDED);
	else
		sbuf_addf(&sql,
			  "SELECT (SELECT count(*) FROM item_votes s WHERE s.task = ?1 AND %s)",
			  cond);
	if (!include_decided && !cap)
		sbuf_addf(&sql,
			  " - (SELECT count(*) FROM decision d JOIN item_votes s ON s.item = d.item"
			  " WHERE s.task = ?1 AND %s AND d.label IS NOT NULL AND d.id ="
			  " (SELECT max(x.id) FROM decision x WHERE x.item = d.item))"
			  " - (SELECT count(*) FROM packet_item o JOIN item_votes s ON s.item = "
			  "o.item"
			  " WHERE s.task = ?1 AND %s AND COALESCE((SELECT d.label IS NOT NULL"
			  " FROM decision d WHERE d.item = s.item ORDER BY d.id DESC LIMIT 1), 0) "
			  "= 0)",
			  cond, cond);
	rc = store_prepare(st, sql.s, &s, err);
	sbuf_free(&sql);
	if (rc)
		return -1;
	sqlite3_bind_int64(s, 1, task);
	sqlite3_bind_double(s, 2, bound);
	if (cap)
		sqlite3_bind_int64(s, 3, (sqlite3_int64)(cap + 1 - *n));
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*n += (size_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, err, "queue count");
}

int store_queue_total(struct store *st, const char *name, int include_decided, size_t *total,
		      char *err)
{
	return store_queue_total_upto(st, name, include_decided, 0, total, err);
}

int store_queue_total_upto(struct store *st, const char *name, int include_decided, size_t cap,
			   size_t *total, char *err)
{
	struct queue_def *defs = NULL, *q = NULL;
	struct store_task *tasks = NULL;
	size_t ndefs = 0, ntasks = 0, n = 0;
	int rc = -1;

	if (project_queues(st, &defs, &ndefs, err))
		return -1;
	for (size_t i = 0; i < ndefs && !q; i++)
		if (name ? strcmp(defs[i].name, name) == 0 : 1)
			q = &defs[i];
	if (q && (strcmp(q->rule, "disputed") == 0 || strcmp(q->rule, "needs-votes") == 0)) {
		int disputed = strcmp(q->rule, "disputed") == 0;
		if (store_task_list(st, &tasks, &ntasks, err))
			goto out;
		for (size_t i = 0; i < ntasks && !(cap && n > cap); i++) {
			if (q->task && strcmp(tasks[i].name, q->task) != 0)
				continue;
			if (count_rule(st, tasks[i].id, disputed ? DISPUTED_COND : "s.n < ?2",
				       disputed ? (q->below > 0 ? q->below : 1.0)
						: (q->min_votes > 0 ? q->min_votes : 3),
				       include_decided, cap, &n, err))
				goto out;
		}
	} else {
		/* The other rules are bounded (a sample, a top share) or rare:
		 * list them and count. An unknown name fails here as it should. */
		struct queue_entry *v;
		if (store_queue_build(st, name, 0, include_decided, &v, &n, NULL, err))
			goto out;
		store_queue_free(v, n);
	}
	*total = n;
	rc = 0;
out:
	for (size_t i = 0; i < ntasks; i++)
		store_task_free(&tasks[i]);
	free(tasks);
	project_queues_free(defs, ndefs);
	return rc;
}

int store_queue_entries_load(struct store *st, const struct store_task *t, const int64_t *items,
			     size_t n, struct queue_entry **out, char *err)
{
	struct qlist l = {0};
	sqlite3_stmt *s;

	*out = NULL;
	if (store_prepare(st, "SELECT " QUEUE_COLS QUEUE_FROM " WHERE s.item = ?1", &s, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int rc;
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, items[i]);
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			read_row(&l, s, t);
		} else if (rc != SQLITE_DONE) {
			store_fail(st, err, "queue");
			sqlite3_finalize(s);
			store_queue_free(l.v, l.n);
			return -1;
		}
	}
	sqlite3_finalize(s);
	if (l.n != n) {
		store_queue_free(l.v, l.n);
		return err_set(err, "the items changed while they were read; run it again");
	}
	*out = l.v;
	return 0;
}
