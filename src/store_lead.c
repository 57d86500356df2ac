/*
 * store_lead: the queries behind the lead's report (see store_lead.h). Each
 * reads what it needs in one statement; the vote times come from one scan
 * of the task's packed votes, in the same order as store_votes_load, and
 * only when every item's votes carry strings at all (a quick check first,
 * which stops at the first item without, so undated projects pay almost
 * nothing). Queries that start from decisions or flags say CROSS JOIN: they
 * are few next to the items, and the planner would otherwise walk every item
 * of the task to find them.
 */
#include "config.h"

#include "store_lead.h"
#include "util.h"
#include "votepack.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static char *dup_col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? xstrdup((const char *)t) : NULL;
}

int store_lead_decisions(struct store *st, const struct store_task *t,
			 struct store_lead_decision **out, size_t *n, char *err)
{
	sqlite3_stmt *s;
	struct store_lead_decision *v = NULL;
	size_t cap = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	/* The same strict majority as store_truth_majority_vs_expert: top count > n / 2. */
	if (store_prepare(st,
			  "SELECT d.item, d.label, d.rule,"
			  " CASE WHEN s.plurality_n * 2 > s.n THEN s.plurality END"
			  " FROM decision d CROSS JOIN item i ON i.id = d.item"
			  " LEFT JOIN item_votes s ON s.item = d.item"
			  " WHERE i.task = ? AND d.label IS NOT NULL"
			  " AND d.id = (SELECT max(x.id) FROM decision x WHERE x.item = d.item)"
			  " ORDER BY d.item",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int k = store_task_code_index(t, sqlite3_column_int(s, 1));
		if (k < 0)
			continue;
		v = xgrow(v, &cap, cnt + 1, sizeof *v);
		v[cnt].item = sqlite3_column_int64(s, 0);
		v[cnt].label = k;
		v[cnt].rule = dup_col(s, 2);
		v[cnt].majority = sqlite3_column_type(s, 3) == SQLITE_NULL
					  ? -1
					  : store_task_code_index(t, sqlite3_column_int(s, 3));
		cnt++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_lead_decisions_free(v, cnt);
		return store_fail(st, err, "decisions");
	}
	*out = v;
	*n = cnt;
	return 0;
}

int store_lead_quick(struct store *st, const struct store_task *t, struct store_lead_quick *q,
		     char *err)
{
	sqlite3_stmt *s;
	int rc;

	memset(q, 0, sizeof *q);
	if (store_prepare(st,
			  "SELECT items, votes, compared, sum_agree, disputed FROM task_tally"
			  " WHERE task = ?",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) /* no items */
		rc = SQLITE_ROW;
	else if (rc == SQLITE_ROW) {
		q->items = (size_t)sqlite3_column_int64(s, 0);
		q->votes = (size_t)sqlite3_column_int64(s, 1);
		q->compared = (size_t)sqlite3_column_int64(s, 2);
		q->sum_agree = sqlite3_column_double(s, 3);
		q->disputed = (size_t)sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, err, "task tally");
	/* The decisions store_lead_decisions reads, labels the task lacks left out. */
	if (store_prepare(st,
			  "SELECT d.label, s.n >= 2 AND s.distinct_labels > 1"
			  " FROM decision d CROSS JOIN item i ON i.id = d.item"
			  " LEFT JOIN item_votes s ON s.item = d.item"
			  " WHERE i.task = ? AND d.label IS NOT NULL"
			  " AND d.id = (SELECT max(x.id) FROM decision x WHERE x.item = d.item)",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (store_task_code_index(t, sqlite3_column_int(s, 0)) < 0)
			continue;
		q->decided++;
		q->decided_dis += sqlite3_column_int(s, 1) == 1;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "decisions");
	return 0;
}

int store_lead_unvoted(struct store *st, int64_t task, size_t *n, char *err)
{
	sqlite3_stmt *s;
	int rc;

	/* "n < 3" is the partial index's own condition, which lets the planner
	 * take it; "n < 1" ends the range after the items without votes. */
	if (store_prepare(st, "SELECT count(*) FROM item_votes WHERE task = ? AND n < 1 AND n < 3",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	rc = sqlite3_step(s);
	*n = rc == SQLITE_ROW ? (size_t)sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, err, "items without votes");
}

void store_lead_decisions_free(struct store_lead_decision *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].rule);
	free(v);
}

int store_lead_batches(struct store *st, struct store_lead_batch **out, size_t *n, char *err)
{
	sqlite3_stmt *s;
	struct store_lead_batch *v = NULL;
	size_t cap = 0, cnt = 0;
	int64_t next = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_prepare(st,
			  "SELECT seq, at, json_extract(detail, '$.file'),"
			  " coalesce(json_extract(detail, '$.items_added'), 0)"
			  " FROM event WHERE action = 'import' ORDER BY seq",
			  &s, err))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t added = sqlite3_column_int64(s, 3);
		v = xgrow(v, &cap, cnt + 1, sizeof *v);
		v[cnt].seq = sqlite3_column_int64(s, 0);
		v[cnt].at = dup_col(s, 1);
		v[cnt].file = dup_col(s, 2);
		v[cnt].first = next;
		next += added > 0 ? added : 0;
		v[cnt].last = next;
		cnt++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_lead_batches_free(v, cnt);
		return store_fail(st, err, "import events");
	}
	*out = v;
	*n = cnt;
	return 0;
}

void store_lead_batches_free(struct store_lead_batch *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].at);
		free(v[i].file);
	}
	free(v);
}

/* Days from a civil date (proleptic Gregorian), the usual era arithmetic. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int store_lead_parse_day(const char *s, size_t len, int32_t *day)
{
	size_t i = 0, digits = 0;
	int64_t v = 0;

	while (digits < len && isdigit((unsigned char)s[digits]))
		digits++;
	if (digits == 4 && len >= 10 && s[4] == '-' && s[7] == '-') {
		unsigned m, d;
		for (i = 5; i < 10; i++)
			if (i != 7 && !isdigit((unsigned char)s[i]))
				return -1;
		m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
		d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
		if (m < 1 || m > 12 || d < 1 || d > 31)
			return -1;
		v = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		*day = (int32_t)days_from_civil(v, m, d);
		return 0;
	}
	/* Unix time: 9 or 10 digits of seconds, 12 or 13 of milliseconds */
	if (digits != len || (digits != 9 && digits != 10 && digits != 12 && digits != 13))
		return -1;
	for (i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	*day = (int32_t)(v / (digits > 10 ? 86400000 : 86400));
	return 0;
}

/* The time string of a packed vote element ("[a,l,\"at\"...]"), or -1. */
static int vote_day(const struct votepack_vote *pv, int32_t *day)
{
	const char *p = pv->elem, *end = pv->elem + pv->elen, *q;
	int commas = 0;
	if (!pv->extra)
		return -1;
	while (p < end && commas < 2) {
		if (*p == ',')
			commas++;
		p++;
	}
	while (p < end && *p == ' ')
		p++;
	if (p >= end || *p != '"')
		return -1;
	q = ++p;
	while (q < end && *q != '"' && *q != '\\')
		q++;
	return store_lead_parse_day(p, (size_t)(q - p), day);
}

int store_lead_vote_days(struct store *st, const struct store_task *t, const struct stats_votes *v,
			 int32_t **days, char *err)
{
	sqlite3_stmt *s;
	int32_t *d = NULL;
	size_t i = 0, j = 0;
	int rc, dated = 1;

	*days = NULL;
	if (!v->nvotes)
		return 0;
	/* An item whose packed votes hold no string has a vote without a time. */
	if (store_prepare(
		    st,
		    "SELECT 1 FROM item_votes WHERE task = ? AND n > 0 AND instr(votes, '\"') = 0"
		    " LIMIT 1",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "vote times");
	if (store_prepare(
		    st, "SELECT item, votes FROM item_votes WHERE task = ? AND n > 0 ORDER BY item",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	d = xmalloc(v->nvotes * sizeof *d);
	while (dated && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct votepack_iter it;
		struct votepack_vote pv;
		int r;
		if (i >= v->nitems || !v->item_id || sqlite3_column_int64(s, 0) != v->item_id[i])
			goto changed;
		votepack_begin(&it, (const char *)sqlite3_column_text(s, 1),
			       (size_t)sqlite3_column_bytes(s, 1));
		while ((r = votepack_next(&it, &pv)) == 1) {
			if (j >= v->start[i + 1])
				goto changed;
			if (vote_day(&pv, &d[j]) != 0) {
				dated = 0;
				break;
			}
			j++;
		}
		if (r < 0 || (dated && j != v->start[i + 1]))
			goto changed;
		i++;
	}
	sqlite3_finalize(s);
	if (!dated) {
		free(d);
		return 0;
	}
	if (rc != SQLITE_DONE) {
		free(d);
		return store_fail(st, err, "vote times");
	}
	if (i != v->nitems) {
		free(d);
		return err_set(err, "the votes changed while they were read; run it again");
	}
	*days = d;
	return 0;
changed:
	sqlite3_finalize(s);
	free(d);
	return err_set(err, "the votes changed while they were read; run it again");
}

char *store_lead_note_rule(const char *note)
{
	const char *p = note ? note : "", *e;
	while (*p == ' ')
		p++;
	if (*p != '#')
		return NULL;
	e = ++p;
	while (*e && *e != ' ' && *e != ':')
		e++;
	return e > p ? xstrndup(p, (size_t)(e - p)) : NULL;
}

int store_lead_flags(struct store *st, const struct store_task *t, struct store_lead_flag **out,
		     size_t *n, char *err)
{
	sqlite3_stmt *s;
	struct store_lead_flag *v = NULL;
	size_t cap = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_prepare(st,
			  "SELECT f.item, f.note FROM flag f CROSS JOIN item i ON i.id = f.item"
			  " WHERE i.task = ? ORDER BY f.item, f.id",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xgrow(v, &cap, cnt + 1, sizeof *v);
		v[cnt].item = sqlite3_column_int64(s, 0);
		v[cnt].rule = store_lead_note_rule((const char *)sqlite3_column_text(s, 1));
		cnt++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_lead_flags_free(v, cnt);
		return store_fail(st, err, "flags");
	}
	*out = v;
	*n = cnt;
	return 0;
}

void store_lead_flags_free(struct store_lead_flag *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].rule);
	free(v);
}

int store_lead_annotator_id(struct store *st, const char *name, int64_t *id, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st, "SELECT id FROM annotator WHERE name = ?", &s, err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "annotator");
}

int store_lead_overruled(struct store *st, const struct store_task *t, int64_t annotator,
			 int agreeing, struct store_lead_overruled **out, size_t *n, char *err)
{
	sqlite3_stmt *s;
	struct store_lead_overruled *v = NULL;
	size_t cap = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	/* Decisions are few next to votes: walk the current ones and read the
	 * annotator's vote out of each item's packed votes. */
	if (store_prepare(
		    st,
		    "SELECT d.item, i.external_id, i.text, d.label, d.expert, d.reason, d.rule,"
		    " d.at, s.votes FROM decision d CROSS JOIN item i ON i.id = d.item"
		    " JOIN item_votes s ON s.item = d.item"
		    " WHERE i.task = ? AND d.label IS NOT NULL"
		    " AND d.id = (SELECT max(x.id) FROM decision x WHERE x.item = d.item)"
		    " ORDER BY d.item",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct votepack_iter it;
		struct votepack_vote pv;
		int vote = -1, label = store_task_code_index(t, sqlite3_column_int(s, 3));
		votepack_begin(&it, (const char *)sqlite3_column_text(s, 8),
			       (size_t)sqlite3_column_bytes(s, 8));
		while (votepack_next(&it, &pv) == 1) {
			if (pv.annotator == annotator) {
				vote = store_task_code_index(t, (int)pv.label);
				break;
			}
		}
		if (vote < 0 || label < 0 || (vote == label && !agreeing))
			continue;
		v = xgrow(v, &cap, cnt + 1, sizeof *v);
		v[cnt].item = sqlite3_column_int64(s, 0);
		v[cnt].external_id = dup_col(s, 1);
		v[cnt].text = dup_col(s, 2);
		v[cnt].vote = vote;
		v[cnt].label = label;
		v[cnt].expert = dup_col(s, 4);
		v[cnt].reason = dup_col(s, 5);
		v[cnt].rule = dup_col(s, 6);
		v[cnt].at = dup_col(s, 7);
		cnt++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_lead_overruled_free(v, cnt);
		return store_fail(st, err, "decisions");
	}
	*out = v;
	*n = cnt;
	return 0;
}

void store_lead_overruled_free(struct store_lead_overruled *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].external_id);
		free(v[i].text);
		free(v[i].expert);
		free(v[i].reason);
		free(v[i].rule);
		free(v[i].at);
	}
	free(v);
}
