/*
 * store_labelerr: the queries behind confident learning (store_labelerr.h):
 * choosing the model from the import events, the items' current labels
 * (decisions, Dawid-Skene, plurality) and the stored probability records,
 * read with a parser for the one shape the importer writes
 * ({"label":0.25,...}, keys as sbuf_add_json_str writes them), because
 * json_each over a million records takes seconds.
 */
#include "config.h"

#include "store_labelerr.h"
#include "store_votes.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

void store_labelerr_src_free(struct store_labelerr_src *s)
{
	if (!s)
		return;
	free(s->model);
	free(s->import_at);
	free(s->import_file);
	memset(s, 0, sizeof *s);
}

/* 1 when `model` predicted at least one item of task, 0 when not, -1 on error. */
static int model_in_task(struct store *st, int64_t task, const char *model, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st,
			  "SELECT 1 FROM prediction p CROSS JOIN item i ON i.id = p.item"
			  " WHERE p.model = ?2 AND i.task = ?1 LIMIT 1",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	sqlite3_bind_text(s, 2, model, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "predictions");
	return rc == SQLITE_ROW;
}

/* The models of task t by prediction count (most first, then by name). */
static int task_models(struct store *st, int64_t task, struct sbuf *names, char **top, char *err)
{
	sqlite3_stmt *s;
	int rc, n = 0;
	if (store_prepare(st,
			  "SELECT p.model, count(*) AS c FROM prediction p CROSS JOIN item i"
			  " ON i.id = p.item WHERE i.task = ?1 GROUP BY p.model ORDER BY c DESC,"
			  " p.model",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, task);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(s, 0);
		if (top && !*top)
			*top = xstrdup(m ? m : "");
		if (names) {
			sbuf_add(names, n ? ", " : "");
			sbuf_add(names, m ? m : "");
		}
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "models");
	return n;
}

int store_labelerr_source(struct store *st, const struct store_task *t, const char *want,
			  struct store_labelerr_src *src, char *err)
{
	sqlite3_stmt *s = NULL;
	int rc, step;

	memset(src, 0, sizeof *src);
	if (want) {
		int have = model_in_task(st, t->id, want, err);
		if (have < 0)
			return -1;
		if (!have) {
			struct sbuf names = {0};
			int n = task_models(st, t->id, &names, NULL, err);
			if (n >= 0)
				err_set(err, "model '%s' has no predictions in task '%s' (%s%s)",
					want, t->name, n ? "models: " : "it has no predictions",
					n ? names.s : "");
			sbuf_free(&names);
			return n < 0 ? -1 : 2;
		}
		src->model = xstrdup(want);
		src->chosen = "project";
	}
	/* Newest first: the first event naming a model that still has
	 * predictions in the task (or the wanted one) is the import. */
	if (store_prepare(st,
			  "SELECT seq, at, json_extract(detail, '$.file'),"
			  " json_extract(detail, '$.model') FROM event"
			  " WHERE action = 'import' AND json_extract(detail, '$.task') = ?1"
			  " AND json_extract(detail, '$.predictions') > 0 ORDER BY seq DESC",
			  &s, err))
		goto fail;
	sqlite3_bind_text(s, 1, t->name, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(s, 3);
		if (!m)
			continue;
		if (src->model) {
			if (strcmp(m, src->model) != 0)
				continue;
		} else {
			rc = model_in_task(st, t->id, m, err);
			if (rc < 0)
				goto fail;
			if (!rc)
				continue;
			src->model = xstrdup(m);
			src->chosen = "latest import";
		}
		src->import_seq = sqlite3_column_int64(s, 0);
		src->import_at = store_col_dup(s, 1);
		src->import_file = store_col_dup(s, 2);
		break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		store_fail(st, err, "import events");
		goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (!src->model) {
		if (task_models(st, t->id, NULL, &src->model, err) < 0)
			goto fail;
		if (!src->model)
			return 1;
		src->chosen = "most predictions";
	}
	return 0;
fail:
	sqlite3_finalize(s);
	store_labelerr_src_free(src);
	return -1;
}

void store_labelerr_free(struct store_labelerr *d)
{
	if (!d)
		return;
	free(d->item);
	free(d->given);
	free(d->decided);
	free(d->p);
	memset(d, 0, sizeof *d);
}

struct labelerr_data store_labelerr_data(const struct store_labelerr *d)
{
	struct labelerr_data x = {d->n, d->k, d->given, d->p};
	return x;
}

/* Powers of ten a decimal with up to 15 significant digits divides by exactly. */
static const double pow10[] = {1e0,  1e1,  1e2,	 1e3,  1e4,  1e5,  1e6,	 1e7,
			       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
			       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/*
 * A JSON number at *p. Plain decimals of up to 15 digits are an exact
 * integer divided by an exact power of ten, which IEEE division rounds
 * correctly, so the value is strtod's; anything else goes to strtod.
 */
static int parse_num(const char **p, double *out)
{
	const char *s = *p, *q = s;
	uint64_t m = 0;
	int digits = 0, frac = 0, dot = 0;
	char *end;

	if (*q == '-')
		q++;
	for (;; q++) {
		if (*q >= '0' && *q <= '9') {
			m = m * 10 + (uint64_t)(*q - '0');
			digits++;
			frac += dot;
		} else if (*q == '.' && !dot) {
			dot = 1;
		} else {
			break;
		}
	}
	if (digits && digits <= 15 && *q != 'e' && *q != 'E') {
		*out = (double)m / pow10[frac];
		if (*s == '-')
			*out = -*out;
		*p = q;
		return 0;
	}
	errno = 0;
	*out = strtod(s, &end);
	if (end == s || errno)
		return -1;
	*p = end;
	return 0;
}

/* The code point of the 4 hex digits at p, or -1. */
static long hex4(const char *p)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int c = (unsigned char)p[i];
		v = v * 16 + (c >= '0' && c <= '9'   ? c - '0'
			      : c >= 'a' && c <= 'f' ? c - 'a' + 10
			      : c >= 'A' && c <= 'F' ? c - 'A' + 10
						     : -1000000);
	}
	return v < 0 ? -1 : v;
}

/*
 * The label a JSON string key [key, end) names, decoding its escapes; for
 * keys written some other way than the importer writes them. -1 when none.
 */
static int key_label(const char *key, const char *end, const struct store_task *t)
{
	struct sbuf b = {0};
	int j = -1;
	for (const char *p = key + 1; p < end - 1; p++) {
		long cp, lo;
		if (*p != '\\') {
			sbuf_addc(&b, *p);
			continue;
		}
		p++;
		switch (*p) {
		case 'b':
			sbuf_addc(&b, '\b');
			break;
		case 'f':
			sbuf_addc(&b, '\f');
			break;
		case 'n':
			sbuf_addc(&b, '\n');
			break;
		case 'r':
			sbuf_addc(&b, '\r');
			break;
		case 't':
			sbuf_addc(&b, '\t');
			break;
		case 'u':
			if (end - 1 - p < 5 || (cp = hex4(p + 1)) < 0)
				goto out;
			p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && end - 1 - p >= 7 && p[1] == '\\' &&
			    p[2] == 'u' && (lo = hex4(p + 3)) >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			if (cp == 0)
				goto out;
			sbuf_add_utf8(&b, cp);
			break;
		default:
			sbuf_addc(&b, *p);
			break;
		}
	}
	for (size_t c = 0; c < t->nlabels && j < 0; c++)
		if (strcmp(b.s ? b.s : "", t->labels[c].value) == 0)
			j = (int)c;
out:
	sbuf_free(&b);
	return j;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/*
 * One probability record into row[0..k) (zeroed first); keys[j] is label
 * j's key as the importer writes it (quotes included), tried before the
 * key is decoded. Returns 0, -1 when the record does not parse or names a
 * label the task lacks, 1 when its probabilities do not sum to 1 within
 * 1e-3 (a top label's confidence only).
 */
static int parse_probs(const char *s, size_t len, const struct store_task *t, char *const *keys,
		       const size_t *klen, double *row)
{
	const char *p = s, *end = s + len;
	int k = (int)t->nlabels, guess = 0;
	double sum = 0;

	memset(row, 0, (size_t)k * sizeof *row);
	p = skip_ws(p, end);
	if (p >= end || *p++ != '{')
		return -1;
	p = skip_ws(p, end);
	if (p < end && *p == '}')
		return skip_ws(p + 1, end) == end ? 1 : -1;
	for (;;) {
		const char *key = p;
		int j = -1;
		double v;
		if (p >= end || *p != '"')
			return -1;
		for (p++; p < end && *p != '"'; p++)
			if (*p == '\\' && p + 1 < end)
				p++;
		if (p >= end)
			return -1;
		p++;
		/* Records list labels in the same order, as a rule: try the
		 * label after the previous one first. */
		for (int x = 0; x < k && j < 0; x++) {
			int c = (guess + x) % k;
			if ((size_t)(p - key) == klen[c] && memcmp(key, keys[c], klen[c]) == 0)
				j = c;
		}
		if (j < 0)
			j = key_label(key, p, t);
		p = skip_ws(p, end);
		if (j < 0 || p >= end || *p++ != ':')
			return -1;
		p = skip_ws(p, end);
		if (parse_num(&p, &v) || !isfinite(v))
			return -1;
		row[j] = v;
		sum += v;
		guess = (j + 1) % k;
		p = skip_ws(p, end);
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}' && skip_ws(p + 1, end) == end)
			break;
		return -1;
	}
	return fabs(sum - 1) > 1e-3 ? 1 : 0;
}

/* The task's current expert labels: (item, label index) in item order. */
static int load_decisions(struct store *st, const struct store_task *t, int64_t **items,
			  int **labels, size_t *n, char *err)
{
	sqlite3_stmt *s;
	size_t cap = 0, cnt = 0, lcap = 0;
	int rc;

	*items = NULL;
	*labels = NULL;
	if (store_prepare(
		    st,
		    "SELECT d.item, d.label FROM decision d CROSS JOIN item i ON i.id = d.item"
		    " WHERE i.task = ?1 AND d.label IS NOT NULL AND d.id ="
		    " (SELECT max(x.id) FROM decision x WHERE x.item = d.item) ORDER BY d.item",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int k = store_task_code_index(t, sqlite3_column_int(s, 1));
		if (k < 0)
			continue;
		*items = xgrow(*items, &cap, cnt + 1, sizeof **items);
		*labels = xgrow(*labels, &lcap, cnt + 1, sizeof **labels);
		(*items)[cnt] = sqlite3_column_int64(s, 0);
		(*labels)[cnt++] = k;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*items);
		free(*labels);
		return store_fail(st, err, "decisions");
	}
	*n = cnt;
	return 0;
}

/* A row whose label is to be the Dawid-Skene one, once that has run. */
#define GIVEN_DS UINT16_MAX

/* Room for need rows; the large arrays are asked for huge pages. */
static void grow_rows(struct store_labelerr *d, size_t need, size_t *cap)
{
	size_t c = *cap, c1 = *cap, c2 = *cap;
	if (need <= *cap)
		return;
	d->item = xgrow(d->item, &c, need, sizeof *d->item);
	d->given = xgrow(d->given, &c1, need, sizeof *d->given);
	d->decided = xgrow(d->decided, &c2, need, sizeof *d->decided);
	d->p = xrealloc(d->p, c * (size_t)d->k * sizeof *d->p);
	xhuge(d->item, c * sizeof *d->item);
	xhuge(d->p, c * (size_t)d->k * sizeof *d->p);
	*cap = c;
}

/* Dawid-Skene on its own thread: it needs no database, so it runs while
 * the connection reads the probabilities. */
struct ds_job {
	struct store_truth *tr;
	const struct store_task *t;
	int rc;
	char err[GV_ERR];
};

static void *ds_job_run(void *arg)
{
	struct ds_job *j = arg;
	j->rc = store_truth_compute(j->tr, j->t, j->err);
	return NULL;
}

/*
 * The rows waiting for their Dawid-Skene label get it (tr's votes and d's
 * rows are both in item order, so one merge finds them); the rows of items
 * without votes have no label and are dropped, the others close up.
 */
static void ds_labels(struct store_labelerr *d, const struct store_truth *tr)
{
	size_t k = (size_t)d->k, w = 0, vi = 0, nv = tr->votes.nitems;

	for (size_t r = 0; r < d->n; r++) {
		if (d->given[r] == GIVEN_DS) {
			int64_t item = d->item[r];
			while (vi < nv && tr->votes.item_id[vi] < item)
				vi++;
			if (vi < nv && tr->votes.item_id[vi] == item && tr->ds.label) {
				d->given[r] = (uint16_t)truth_ds_label(&tr->ds, vi);
				d->from_ds++;
			} else {
				d->no_label++;
				continue;
			}
		}
		if (w != r) {
			d->item[w] = d->item[r];
			d->given[w] = d->given[r];
			d->decided[w] = d->decided[r];
			memcpy(d->p + w * k, d->p + r * k, k * sizeof *d->p);
		}
		w++;
	}
	d->n = w;
}

int store_labelerr_load(struct store *st, const struct store_task *t, const char *model,
			const struct store_truth *tr, int no_ds, struct store_labelerr *out,
			char *err)
{
	struct store_truth own = {0};
	struct ds_job job = {0};
	pthread_t th;
	sqlite3_stmt *s = NULL;
	char **keys = NULL;
	size_t *klen = NULL, ndec = 0, di = 0, cap = 0;
	int64_t *dec_item = NULL, cache = 0;
	int *dec_label = NULL, k = (int)t->nlabels, rc = -1, step, threaded = 0, scanning = 0;

	memset(out, 0, sizeof *out);
	out->k = k;
	if (k < 2 || k > LABELERR_MAX_LABELS)
		return err_set(err, "task '%s' has %d label%s; confident learning needs 2 to %d",
			       t->name, k, k == 1 ? "" : "s", LABELERR_MAX_LABELS);
	if (!no_ds && !tr) {
		struct stats_votes v;
		if (store_votes_load(st, t, &v, err) || store_truth_prepare(st, t, &v, &own, err))
			return -1;
		job.tr = &own;
		job.t = t;
		threaded = pthread_create(&th, NULL, ds_job_run, &job) == 0;
		if (!threaded)
			ds_job_run(&job);
		tr = &own;
	}
	if (load_decisions(st, t, &dec_item, &dec_label, &ndec, err))
		goto out;
	keys = xcalloc((size_t)k, sizeof *keys);
	klen = xcalloc((size_t)k, sizeof *klen);
	for (int j = 0; j < k; j++) {
		struct sbuf b = {0};
		sbuf_add_json_str(&b, t->labels[j].value);
		klen[j] = b.len;
		keys[j] = sbuf_take(&b);
	}
	/* Room for every voted item at once (the usual case: every item has
	 * votes and a prediction); more rows grow it. */
	grow_rows(out, tr && tr->votes.nitems ? tr->votes.nitems : 1024, &cap);
	/* The prediction table in key order is item order: no sort. Each page
	 * is read once. */
	cache = store_scan_begin(st);
	scanning = 1;
	if (store_prepare(
		    st,
		    no_ds ? "SELECT p.item, p.probs, s.plurality FROM prediction p CROSS JOIN"
			    " item i ON i.id = p.item LEFT JOIN item_votes s ON s.item = p.item"
			    " WHERE i.task = ?1 AND p.model = ?2 ORDER BY p.item"
			  : "SELECT p.item, p.probs, NULL FROM prediction p CROSS JOIN item i"
			    " ON i.id = p.item WHERE i.task = ?1 AND p.model = ?2 ORDER BY p.item",
		    &s, err))
		goto out;
	sqlite3_bind_int64(s, 1, t->id);
	sqlite3_bind_text(s, 2, model, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t item = sqlite3_column_int64(s, 0);
		const char *probs = (const char *)sqlite3_column_text(s, 1);
		int g = GIVEN_DS, pr, expert = 0;

		out->predictions++;
		grow_rows(out, out->n + 1, &cap);
		/* Parsed into the next row's place, kept only if it has a label. */
		pr = parse_probs(probs ? probs : "", (size_t)sqlite3_column_bytes(s, 1), t, keys,
				 klen, out->p + out->n * (size_t)k);
		if (pr < 0) {
			err_set(err,
				"task '%s': the stored probabilities of model '%s' on item %lld"
				" do not parse",
				t->name, model, (long long)item);
			goto out;
		}
		if (pr > 0) {
			out->no_distribution++;
			continue;
		}
		while (di < ndec && dec_item[di] < item)
			di++;
		if (di < ndec && dec_item[di] == item) {
			g = dec_label[di];
			expert = 1;
			out->from_expert++;
		} else if (no_ds) {
			g = sqlite3_column_type(s, 2) == SQLITE_NULL
				    ? -1
				    : store_task_code_index(t, sqlite3_column_int(s, 2));
			if (g < 0) {
				out->no_label++;
				continue;
			}
			out->from_plurality++;
		}
		out->item[out->n] = item;
		out->given[out->n] = (uint16_t)g;
		out->decided[out->n] = (unsigned char)expert;
		out->n++;
	}
	if (step != SQLITE_DONE) {
		store_fail(st, err, "predictions");
		goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	store_scan_end(st, cache);
	scanning = 0;
	if (threaded) {
		pthread_join(th, NULL);
		threaded = 0;
	}
	if (job.tr && job.rc) {
		err_set(err, "%s", job.err);
		goto out;
	}
	if (!no_ds)
		ds_labels(out, tr);
	rc = 0;
out:
	sqlite3_finalize(s);
	if (scanning)
		store_scan_end(st, cache);
	if (threaded)
		pthread_join(th, NULL);
	for (int j = 0; keys && j < k; j++)
		free(keys[j]);
	free(keys);
	free(klen);
	free(dec_item);
	free(dec_label);
	store_truth_free(&own);
	if (rc)
		store_labelerr_free(out);
	return rc;
}

int store_labelerr_queue(struct store *st, const struct store_task *t, const char *model,
			 int include_decided, size_t limit, struct store_labelerr_issue **out,
			 size_t *n, size_t *total, struct store_labelerr_src *src, char *err)
{
	struct store_labelerr d = {0};
	struct labelerr_result r = {0};
	struct labelerr_issue *v = NULL;
	struct labelerr_data x;
	size_t nv, kept = 0, all = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (total)
		*total = 0;
	rc = store_labelerr_source(st, t, model, src, err);
	if (rc == 2)
		return -1;
	if (rc)
		return rc < 0 ? -1 : 0;
	if (t->nlabels < 2 || t->nlabels > LABELERR_MAX_LABELS)
		return 0;
	if (store_labelerr_load(st, t, src->model, NULL, 0, &d, err))
		goto fail;
	x = store_labelerr_data(&d);
	if (!labelerr_usable(&x, NULL)) {
		store_labelerr_free(&d);
		return 0;
	}
	if (labelerr_estimate(&x, 0, 0, &r, err))
		goto fail;
	nv = labelerr_issues(&x, &r, &v);
	*out = xmalloc((nv ? nv : 1) * sizeof **out);
	for (size_t i = 0; i < nv; i++) {
		struct store_labelerr_issue *e;
		if (!include_decided && d.decided[v[i].index])
			continue;
		if (limit && all++ >= limit)
			continue;
		e = &(*out)[kept++];
		e->item = d.item[v[i].index];
		e->given = v[i].given;
		e->suggested = v[i].suggested;
		e->self_confidence = v[i].self_confidence;
		e->p_suggested = v[i].p_suggested;
		e->margin = v[i].margin;
	}
	*n = kept;
	if (total)
		*total = limit ? all : kept;
	free(v);
	labelerr_result_free(&r);
	store_labelerr_free(&d);
	return 0;
fail:
	store_labelerr_free(&d);
	store_labelerr_src_free(src);
	return -1;
}
