/*
 * store_export: the export query, the two writers (CSV, JSONL) and the
 * export's sidecar record. See src/store_export.h for what a row means.
 */
#include "config.h"

#include "audit.h"
#include "store_export.h"
#include "store_model.h"
#include "project.h"
#include "store_truth.h"
#include "text.h"
#include "util.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char *const export_cols[] = {
	"item",      "task",         "label", "source",    "weight",  "plurality",
	"majority",  "ds_label",     "ds_posterior",       "model_confidence",
	"effective_confidence",      "votes",   "agreement",
	"n_votes",   "expert",       "reason", "guideline_version",   "decided_at",
};

/*
 * A plain decimal number ([+-]digits[.digits][e[+-]digits]): a spreadsheet
 * reads it as that number, so it keeps its sign. Anything strtod would also
 * take (leading blanks, hex, "inf") is text.
 */
static int plain_number(const char *s)
{
	const char *p = s + (*s == '+' || *s == '-');
	size_t digits = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p += 1 + (p[1] == '+' || p[1] == '-');
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

int export_csv_guarded(const char *s)
{
	if (!s || !s[0])
		return 0;
	/* A quote before what the guard defuses is guarded too, so it can be undone. */
	if (s[0] == '\'')
		return s[1] && strchr("=+-@\t\r'", s[1]);
	return strchr("=+-@\t\r", s[0]) && !plain_number(s);
}

void export_csv_cell(struct sbuf *b, const char *s)
{
	int guard, quote;
	if (!s)
		return;
	guard = export_csv_guarded(s);
	quote = guard || strpbrk(s, ",\"\n\r") != NULL;
	if (quote)
		sbuf_addc(b, '"');
	if (guard)
		sbuf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			sbuf_addc(b, '"');
		sbuf_addc(b, *s);
	}
	if (quote)
		sbuf_addc(b, '"');
}

static void csv_num(struct sbuf *b, double v)
{
	if (isfinite(v))
		sbuf_add_json_num(b, v);
}

static void write_row(struct sbuf *b, enum export_format fmt, const struct export_row *r)
{
	if (fmt == EXPORT_CSV) {
		const char *text[] = {r->item, r->task, r->label, r->source};
		for (size_t i = 0; i < GV_ARRAY_LEN(text); i++) {
			export_csv_cell(b, text[i]);
			sbuf_addc(b, ',');
		}
		csv_num(b, r->weight);
		sbuf_addc(b, ',');
		export_csv_cell(b, r->plurality);
		sbuf_addc(b, ',');
		export_csv_cell(b, r->majority);
		sbuf_addc(b, ',');
		export_csv_cell(b, r->ds_label);
		sbuf_addc(b, ',');
		csv_num(b, r->ds_posterior);
		sbuf_addc(b, ',');
		csv_num(b, r->model_confidence);
		sbuf_addc(b, ',');
		csv_num(b, r->effective_confidence);
		sbuf_addc(b, ',');
		export_csv_cell(b, r->votes);
		sbuf_addc(b, ',');
		csv_num(b, r->agreement);
		sbuf_addf(b, ",%d,", r->nvotes);
		export_csv_cell(b, r->expert);
		sbuf_addc(b, ',');
		export_csv_cell(b, r->reason);
		sbuf_addc(b, ',');
		if (r->guideline_version)
			sbuf_addf(b, "%ld", r->guideline_version);
		sbuf_addc(b, ',');
		export_csv_cell(b, r->decided_at);
		sbuf_add(b, "\r\n");
		return;
	}
	sbuf_add(b, "{\"item\":");
	sbuf_add_json_str(b, r->item);
	sbuf_add(b, ",\"task\":");
	sbuf_add_json_str(b, r->task);
	sbuf_add(b, ",\"label\":");
	sbuf_add_json_str_or_null(b, r->label);
	sbuf_add(b, ",\"source\":");
	sbuf_add_json_str(b, r->source);
	sbuf_add(b, ",\"weight\":");
	sbuf_add_json_num(b, r->weight);
	sbuf_add(b, ",\"plurality\":");
	sbuf_add_json_str_or_null(b, r->plurality);
	sbuf_add(b, ",\"majority\":");
	sbuf_add_json_str_or_null(b, r->majority);
	sbuf_add(b, ",\"ds_label\":");
	sbuf_add_json_str_or_null(b, r->ds_label);
	sbuf_add(b, ",\"ds_posterior\":");
	sbuf_add_json_num(b, r->ds_posterior);
	sbuf_add(b, ",\"model_confidence\":");
	sbuf_add_json_num(b, r->model_confidence);
	sbuf_add(b, ",\"effective_confidence\":");
	sbuf_add_json_num(b, r->effective_confidence);
	sbuf_add(b, ",\"votes\":");
	sbuf_add(b, r->votes ? r->votes : "{}");
	sbuf_add(b, ",\"agreement\":");
	sbuf_add_json_num(b, r->agreement);
	sbuf_addf(b, ",\"n_votes\":%d,\"expert\":", r->nvotes);
	sbuf_add_json_str_or_null(b, r->expert);
	sbuf_add(b, ",\"reason\":");
	sbuf_add_json_str_or_null(b, r->reason);
	sbuf_add(b, ",\"guideline_version\":");
	if (r->guideline_version)
		sbuf_addf(b, "%ld", r->guideline_version);
	else
		sbuf_add(b, "null");
	sbuf_add(b, ",\"decided_at\":");
	sbuf_add_json_str_or_null(b, r->decided_at);
	sbuf_add(b, "}\n");
}

/* CSV: the header row; JSONL has none, each object names its fields. */
static void write_header(struct sbuf *b, enum export_format fmt)
{
	if (fmt != EXPORT_CSV)
		return;
	for (size_t i = 0; i < GV_ARRAY_LEN(export_cols); i++) {
		if (i)
			sbuf_addc(b, ',');
		sbuf_add(b, export_cols[i]);
	}
	sbuf_add(b, "\r\n");
}

/* Everything written goes through here, so the sidecar's hash covers it. */
static void flush(struct sbuf *b, FILE *out, crypto_hash_sha256_state *h)
{
	if (!b->len)
		return;
	crypto_hash_sha256_update(h, (const unsigned char *)b->s, b->len);
	fwrite(b->s, 1, b->len, out);
	sbuf_reset(b);
}

/* Votes of item index i (in tr) for label index k. */
static int votes_for(const struct store_truth *tr, long i, int k)
{
	int n = 0;
	if (i < 0 || k < 0)
		return 0;
	for (uint32_t j = tr->votes.start[i]; j < tr->votes.start[i + 1]; j++)
		n += tr->votes.lab[j] == k;
	return n;
}

static int export_task(struct store *st, const struct export_opts *o, const struct store_task *t,
		       double expert_weight, struct sbuf *b, FILE *out, crypto_hash_sha256_state *h,
		       long *rows, long *skip, char *err)
{
	struct store_truth tr = {0};
	struct sbuf counts = {0};
	sqlite3_stmt *s = NULL;
	int rc, ret = -1, have_ds = !o->no_ds && t->nlabels > 0;

	double q, *post = NULL;
	const char *qsrc;

	if (store_model_task_quality(st, t->id, &q, &qsrc, err))
		return -1;
	if (have_ds && store_truth_run(st, t, &tr, err))
		return -1;
	post = xmalloc((t->nlabels + 1) * sizeof *post);
	/* Items in rowid order, not through the (task, external_id) index:
	 * that order would need a sort of every row of the task, which at ten
	 * million items held a gigabyte; the scan reads other tasks' rows too,
	 * but only their ids. */
	if (store_prepare(st,
			  "SELECT i.id, i.external_id, s.n, s.agreement, s.votes, s.tie,"
			  " s.plurality, d.label, d.expert, d.reason, d.guideline_version, d.at,"
			  " s.plurality_n, CASE WHEN d.label IS NULL THEN 0 ELSE"
			  " (SELECT count(*) FROM json_each(s.votes) j WHERE j.value->>1 = d.label) END,"
			  " (SELECT max(p.confidence) FROM prediction p WHERE p.item = i.id)"
			  " FROM item i NOT INDEXED LEFT JOIN item_votes s ON s.item = i.id"
			  " LEFT JOIN decision d ON d.id = (SELECT max(id) FROM decision x"
			  " WHERE x.item = i.id)"
			  " WHERE i.task = ? ORDER BY i.id",
			  &s, err))
		goto out;
	sqlite3_bind_int64(s, 1, t->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct export_row r = {0};
		int n = sqlite3_column_int(s, 2), final, share;
		int plur = sqlite3_column_type(s, 6) == SQLITE_NULL ?
				   -1 :
				   store_task_code_index(t, sqlite3_column_int(s, 6));
		int expert = sqlite3_column_type(s, 7) == SQLITE_NULL ?
				     -1 :
				     store_task_code_index(t, sqlite3_column_int(s, 7));
		long vi = have_ds ? store_truth_find(&tr, sqlite3_column_int64(s, 0)) : -1;
		int dsl = -1;

		if (vi >= 0) {
			truth_ds_posterior(&tr.ds, (size_t)vi, post);
			dsl = 0;
			for (int k = 1; k < (int)t->nlabels; k++)
				if (post[k] > post[dsl])
					dsl = k;
		}
		r.item = (const char *)sqlite3_column_text(s, 1);
		r.task = t->name;
		r.nvotes = n;
		r.agreement = sqlite3_column_type(s, 3) == SQLITE_NULL ? NAN :
									 sqlite3_column_double(s, 3);
		if (sqlite3_column_type(s, 4) != SQLITE_NULL) {
			sbuf_reset(&counts);
			if (store_summary_votes_counts(t, (const char *)sqlite3_column_text(s, 4),
					       (size_t)sqlite3_column_bytes(s, 4), &counts)) {
				err_set(err, "the stored votes of item %lld are damaged",
					(long long)sqlite3_column_int64(s, 0));
				goto out;
			}
			r.votes = counts.s;
		}
		r.plurality = plur >= 0 ? t->labels[plur].value : NULL;
		r.majority = sqlite3_column_int(s, 5) ? NULL : r.plurality;
		r.ds_label = dsl >= 0 ? t->labels[dsl].value : NULL;
		if (expert >= 0) {
			final = expert;
			r.source = "expert";
			r.expert = (const char *)sqlite3_column_text(s, 8);
			r.reason = (const char *)sqlite3_column_text(s, 9);
			r.guideline_version = (long)sqlite3_column_int64(s, 10);
			r.decided_at = (const char *)sqlite3_column_text(s, 11);
		} else if (dsl >= 0) {
			final = dsl;
			r.source = "ds";
		} else if (plur >= 0 && n > 0) {
			final = plur;
			r.source = "plurality";
		} else {
			(*skip)++;
			continue;
		}
		r.label = t->labels[final].value;
		r.model_confidence = sqlite3_column_type(s, 14) == SQLITE_NULL ?
					     NAN :
					     sqlite3_column_double(s, 14);
		r.effective_confidence = model_effective_confidence(r.model_confidence, q);
		r.ds_posterior = vi >= 0 ? post[final] : NAN;
		if (vi >= 0)
			share = votes_for(&tr, vi, final);
		else if (final == expert)
			share = sqlite3_column_int(s, 13);
		else
			share = sqlite3_column_int(s, 12);
		switch (o->weights) {
		case WEIGHTS_EXPERT:
			if (expert >= 0)
				r.weight = expert_weight;
			else if (vi >= 0)
				r.weight = r.ds_posterior;
			else
				r.weight = (double)share / n;
			break;
		case WEIGHTS_DS:
			/* DS takes a decided item as known, so its posterior is 1. */
			r.weight = vi >= 0 ? r.ds_posterior : 1.0;
			break;
		case WEIGHTS_AGREEMENT:
			r.weight = n ? (double)share / n : 0;
			break;
		}
		write_row(b, o->format, &r);
		(*rows)++;
		if (b->len > 1 << 16)
			flush(b, out, h);
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "export");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(s);
	store_truth_free(&tr);
	sbuf_free(&counts);
	free(post);
	return ret;
}

long store_export_write(struct store *st, const struct export_opts *o, FILE *out,
		  struct export_meta *m, char *err)
{
	struct store_task *tasks = NULL;
	size_t ntasks = 0;
	struct sbuf b = {0};
	crypto_hash_sha256_state h;
	unsigned char digest[crypto_hash_sha256_BYTES];
	double expert_weight = project_expert_weight(st);
	long rows = 0, skip = 0;
	int ok = 0;

	memset(m, 0, sizeof *m);
	crypto_hash_sha256_init(&h);
	/* Read the head and the rows in one read transaction so the head
	 * given is the state exported. */
	if (store_exec(st, "BEGIN", err))
		return -1;
	if (audit_head(st, m->audit_head, err) || store_task_list(st, &tasks, &ntasks, err))
		goto done;
	m->project = store_meta_get(st, "name");
	util_utc_now(m->exported_at);
	write_header(&b, o->format);
	for (size_t i = 0; i < ntasks; i++) {
		if (o->task && strcmp(o->task, tasks[i].name) != 0)
			continue;
		if (export_task(st, o, &tasks[i], expert_weight, &b, out, &h, &rows, &skip, err))
			goto done;
	}
	flush(&b, out, &h);
	ok = 1;
done:
	store_exec(st, ok ? "COMMIT" : "ROLLBACK", NULL);
	for (size_t i = 0; i < ntasks; i++)
		store_task_free(&tasks[i]);
	free(tasks);
	sbuf_free(&b);
	if (ok && ferror(out)) {
		err_set(err, "export: write error");
		ok = 0;
	}
	if (!ok) {
		store_export_meta_free(m);
		return -1;
	}
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(m->sha256, sizeof m->sha256, digest, sizeof digest);
	m->rows = rows;
	m->skipped = skip;
	return rows;
}

void store_export_meta_free(struct export_meta *m)
{
	free(m->project);
	m->project = NULL;
}

static const char *weights_name(enum export_weights w)
{
	switch (w) {
	case WEIGHTS_DS:
		return "ds";
	case WEIGHTS_AGREEMENT:
		return "agreement";
	case WEIGHTS_EXPERT:
		break;
	}
	return "expert";
}

void store_export_meta_json(struct sbuf *b, const struct export_meta *m, const struct export_opts *o,
		      const char *data_file)
{
	const char *base = data_file ? strrchr(data_file, '/') : NULL;
	sbuf_add(b, "{\"project\":");
	sbuf_add_json_str_or_null(b, m->project);
	sbuf_addf(b, ",\"exported_at\":\"%s\",\"audit_head\":\"%s\",\"file\":", m->exported_at,
		  m->audit_head);
	sbuf_add_json_str_or_null(b, base ? base + 1 : data_file);
	sbuf_addf(b, ",\"sha256\":\"%s\",\"format\":\"%s\",\"task\":", m->sha256,
		  o->format == EXPORT_CSV ? "csv" : "jsonl");
	sbuf_add_json_str_or_null(b, o->task);
	sbuf_addf(b, ",\"weights\":\"%s\",\"ds\":%s,\"rows\":%ld,\"skipped\":%ld}\n",
		  weights_name(o->weights), o->no_ds ? "false" : "true", m->rows, m->skipped);
}
