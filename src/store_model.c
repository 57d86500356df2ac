/*
 * store_model: the queries behind model-aware review (model.h): a task's
 * decided items with their consensus and audit status, per-model prediction
 * counts against the consensus, a model's predictions on decided items, the
 * task's percent agreement from the item summaries, and the label-accuracy
 * discount q built from them. Aggregation that SQLite does well (counts over
 * a million predictions) is done in SQL; the arithmetic is in model.c.
 */
#include "config.h"

#include "store_model.h"
#include "project.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The task's items whose current decision (highest id) carries a label. The
 * CROSS JOINs keep SQLite walking the decisions (thousands) rather than the
 * task's items (up to millions) and probing decisions for each. */
#define DECIDED_CTE                                                                                \
	"WITH cur AS (SELECT d.id, d.item, d.label, d.queue, d.origin FROM decision d"             \
	" CROSS JOIN item i ON i.id = d.item WHERE i.task = ?1 AND d.label IS NOT NULL AND d.id =" \
	" (SELECT max(x.id) FROM decision x WHERE x.item = d.item)) "

int store_model_decided_load(struct store *st, int64_t task, struct model_decided **out, size_t *n,
			     char *err)
{
	struct queue_def *defs = NULL;
	size_t ndefs = 0, naudit = 0, cap = 0, cnt = 0;
	struct model_decided *v = NULL;
	struct sbuf sql = {0};
	sqlite3_stmt *s = NULL;
	int rc = -1, step, p = 2;

	if (project_queues(st, &defs, &ndefs, err))
		return -1;
	sbuf_add(&sql, DECIDED_CTE
		 "SELECT cur.item, cur.label, s.plurality, COALESCE(s.tie, 0),"
		 " COALESCE(cur.queue, CASE WHEN cur.origin <> 'review' THEN cur.origin END),");
	for (size_t i = 0; i < ndefs; i++)
		naudit += strcmp(defs[i].rule, "audit") == 0;
	if (naudit) {
		sbuf_add(&sql, " EXISTS (SELECT 1 FROM decision x WHERE x.item = cur.item"
			       " AND x.queue IN (");
		for (size_t i = 0; i < naudit; i++)
			sbuf_addf(&sql, "%s?%zu", i ? ", " : "", i + 2);
		sbuf_add(&sql, "))");
	} else {
		sbuf_add(&sql, " 0");
	}
	sbuf_add(&sql, " FROM cur LEFT JOIN item_votes s ON s.item = cur.item ORDER BY cur.item");
	if (store_prepare(st, sql.s, &s, err))
		goto out;
	sqlite3_bind_int64(s, 1, task);
	for (size_t i = 0; i < ndefs; i++)
		if (strcmp(defs[i].rule, "audit") == 0)
			sqlite3_bind_text(s, p++, defs[i].name, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct model_decided *d;
		v = xgrow(v, &cap, cnt + 1, sizeof *v);
		d = &v[cnt++];
		d->item = sqlite3_column_int64(s, 0);
		d->label = sqlite3_column_int(s, 1);
		d->plurality =
			sqlite3_column_type(s, 2) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 2);
		d->tie = sqlite3_column_int(s, 3) != 0;
		d->queue = store_col_dup(s, 4);
		d->audited = sqlite3_column_int(s, 5) != 0;
	}
	if (step != SQLITE_DONE) {
		store_fail(st, err, "decided items");
		goto out;
	}
	*out = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
	rc = 0;
out:
	store_model_decided_free(v, cnt);
	sqlite3_finalize(s);
	sbuf_free(&sql);
	project_queues_free(defs, ndefs);
	return rc;
}

void store_model_decided_free(struct model_decided *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].queue);
	free(v);
}

static int totals_cmp(const void *a, const void *b)
{
	const struct model_totals *x = a, *y = b;
	return strcmp(x->model, y->model);
}

/*
 * One pass over the predictions in key order (item, model) with the item and
 * its summary looked up by rowid, counted per model here: about 4x faster at
 * a million predictions than letting SQLite join from the item index and
 * group through a temporary B-tree.
 */
int store_model_totals_load(struct store *st, int64_t task, struct model_totals **out, size_t *n,
			    char *err)
{
	struct model_totals *v = NULL;
	size_t cap = 0, cnt = 0, last = 0;
	sqlite3_stmt *s = NULL;
	int rc = -1, step;

	if (store_prepare(st,
			  "SELECT p.model, p.label, s.plurality IS NOT NULL AND s.tie = 0,"
			  " s.plurality FROM prediction p CROSS JOIN item i ON i.id = p.item"
			  " LEFT JOIN item_votes s ON s.item = p.item WHERE i.task = ?1",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(s, 0);
		struct model_totals *t = NULL;
		if (!m)
			m = "";
		if (cnt && strcmp(v[last].model, m) == 0) {
			t = &v[last];
		} else {
			for (size_t i = 0; i < cnt && !t; i++)
				if (strcmp(v[i].model, m) == 0)
					t = &v[i];
			if (!t) {
				v = xgrow(v, &cap, cnt + 1, sizeof *v);
				t = &v[cnt++];
				memset(t, 0, sizeof *t);
				t->model = xstrdup(m);
			}
			last = (size_t)(t - v);
		}
		t->predictions++;
		if (sqlite3_column_int(s, 2)) {
			t->compared++;
			t->agree += sqlite3_column_int(s, 1) == sqlite3_column_int(s, 3);
		}
	}
	if (step != SQLITE_DONE) {
		store_fail(st, err, "prediction totals");
		goto out;
	}
	if (cnt > 1)
		qsort(v, cnt, sizeof *v, totals_cmp);
	*out = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
	rc = 0;
out:
	store_model_totals_free(v, cnt);
	sqlite3_finalize(s);
	return rc;
}

void store_model_totals_free(struct model_totals *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].model);
	free(v);
}

int store_model_decided_predictions(struct store *st, int64_t task, const char *model,
				    struct model_pred **out, size_t *n, char *err)
{
	struct model_pred *v = NULL;
	size_t cap = 0, cnt = 0;
	sqlite3_stmt *s = NULL;
	int step;

	if (store_prepare(st,
			  DECIDED_CTE "SELECT cur.item, p.label, p.confidence FROM cur CROSS JOIN"
				      " prediction p ON p.item = cur.item AND p.model = ?2"
				      " ORDER BY cur.item",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	sqlite3_bind_text(s, 2, model, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		v = xgrow(v, &cap, cnt + 1, sizeof *v);
		v[cnt].item = sqlite3_column_int64(s, 0);
		v[cnt].label = sqlite3_column_int(s, 1);
		v[cnt].confidence = sqlite3_column_double(s, 2);
		cnt++;
	}
	sqlite3_finalize(s);
	if (step != SQLITE_DONE) {
		free(v);
		return store_fail(st, err, "predictions on decided items");
	}
	*out = v;
	*n = cnt;
	return 0;
}

int store_model_percent_agreement_upto(struct store *st, int64_t task, size_t cap, double *out,
				       int *sampled, char *err)
{
	sqlite3_stmt *s;
	int step;

	*sampled = 0;
	if (!cap)
		return store_model_percent_agreement(st, task, out, err);
	/* The first cap items through the (task, external_id) index, and
	 * whether there is one more. */
	if (store_prepare(
		    st,
		    "SELECT avg(v.agreement), (SELECT count(*) FROM (SELECT 1 FROM item"
		    " WHERE task = ?1 LIMIT ?2 + 1)) FROM (SELECT id FROM item WHERE task = ?1"
		    " LIMIT ?2) x LEFT JOIN item_votes v ON v.item = x.id",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)cap);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		*out = sqlite3_column_type(s, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 0);
		*sampled = (size_t)sqlite3_column_int64(s, 1) > cap;
	}
	sqlite3_finalize(s);
	if (step != SQLITE_ROW)
		return store_fail(st, err, "percent agreement");
	return 0;
}

int store_model_percent_agreement(struct store *st, int64_t task, double *out, char *err)
{
	sqlite3_stmt *s;
	int step;

	/* item_votes.agreement is set exactly when n >= 2. One scan of the
	 * task's rows: the (task, agreement) index holds only disputed items. */
	if (store_prepare(st,
			  "SELECT avg(agreement) FROM item_votes"
			  " WHERE task = ?1 AND agreement IS NOT NULL",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*out = sqlite3_column_type(s, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 0);
	sqlite3_finalize(s);
	if (step != SQLITE_ROW)
		return store_fail(st, err, "percent agreement");
	return 0;
}

/* store_model_task_quality_ex with percent agreement over `cap` items (0: all). */
static int task_quality(struct store *st, int64_t task, size_t cap, double *q, const char **source,
			long *audits, long *errors, char *err)
{
	struct model_decided *d = NULL;
	size_t n = 0;
	long na = 0, ne = 0;
	double pa = NAN;
	int sampled = 0;

	if (store_model_decided_load(st, task, &d, &n, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int c = model_decided_consensus(&d[i]);
		if (!d[i].audited || c < 0)
			continue;
		na++;
		ne += d[i].label != c;
	}
	store_model_decided_free(d, n);
	if (na < MODEL_MIN_AUDITS &&
	    store_model_percent_agreement_upto(st, task, cap, &pa, &sampled, err))
		return -1;
	model_quality_choose(na, ne, pa, q, source);
	if (sampled && strcmp(*source, "agreement") == 0)
		*source = "agreement (sample)";
	if (audits)
		*audits = na;
	if (errors)
		*errors = ne;
	return 0;
}

int store_model_task_quality_ex(struct store *st, int64_t task, double *q, const char **source,
				long *audits, long *errors, char *err)
{
	return task_quality(st, task, 0, q, source, audits, errors, err);
}

int store_model_task_quality_upto(struct store *st, int64_t task, size_t cap, double *q,
				  const char **source, char *err)
{
	return task_quality(st, task, cap, q, source, NULL, NULL, err);
}

int store_model_task_quality(struct store *st, int64_t task, double *q, const char **source,
			     char *err)
{
	return store_model_task_quality_ex(st, task, q, source, NULL, NULL, err);
}
