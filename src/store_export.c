/*
 * store_export: the export query and the two writers (CSV, JSONL). See
 * src/export.h for what a row means.
 */
#include "config.h"

#include "audit.h"
#include "export.h"
#include "project.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const export_cols[] = {
	"item", "task", "label", "source", "weight", "votes", "agreement", "majority",
	"n_votes", "expert", "reason", "guideline_version", "decided_at",
};

/* Spreadsheets run cells starting with these as formulas. */
static int needs_guard(const char *s)
{
	double d;
	if (!s || !s[0] || !strchr("=+-@\t\r", s[0]))
		return 0;
	return util_parse_double(s, &d) != 0;
}

static void csv_cell(struct sbuf *b, const char *s)
{
	int quote;
	if (!s)
		return;
	quote = needs_guard(s) || strpbrk(s, ",\"\n\r") != NULL;
	if (quote)
		sbuf_addc(b, '"');
	if (needs_guard(s))
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

static void json_str_or_null(struct sbuf *b, const char *s)
{
	if (s)
		sbuf_add_json_str(b, s);
	else
		sbuf_add(b, "null");
}

static void write_row(struct sbuf *b, enum export_format fmt, const struct export_row *r)
{
	if (fmt == EXPORT_CSV) {
		csv_cell(b, r->item);
		sbuf_addc(b, ',');
		csv_cell(b, r->task);
		sbuf_addc(b, ',');
		csv_cell(b, r->label);
		sbuf_addc(b, ',');
		csv_cell(b, r->source);
		sbuf_addc(b, ',');
		csv_num(b, r->weight);
		sbuf_addc(b, ',');
		csv_cell(b, r->votes);
		sbuf_addc(b, ',');
		csv_num(b, r->agreement);
		sbuf_addc(b, ',');
		csv_cell(b, r->majority);
		sbuf_addf(b, ",%d,", r->nvotes);
		csv_cell(b, r->expert);
		sbuf_addc(b, ',');
		csv_cell(b, r->reason);
		sbuf_addc(b, ',');
		if (r->guideline_version)
			sbuf_addf(b, "%ld", r->guideline_version);
		sbuf_addc(b, ',');
		csv_cell(b, r->decided_at);
		sbuf_add(b, "\r\n");
		return;
	}
	sbuf_add(b, "{\"item\":");
	sbuf_add_json_str(b, r->item);
	sbuf_add(b, ",\"task\":");
	sbuf_add_json_str(b, r->task);
	sbuf_add(b, ",\"label\":");
	json_str_or_null(b, r->label);
	sbuf_add(b, ",\"source\":");
	sbuf_add_json_str(b, r->source);
	sbuf_add(b, ",\"weight\":");
	sbuf_add_json_num(b, r->weight);
	sbuf_add(b, ",\"votes\":");
	sbuf_add(b, r->votes ? r->votes : "{}");
	sbuf_add(b, ",\"agreement\":");
	sbuf_add_json_num(b, r->agreement);
	sbuf_add(b, ",\"majority\":");
	json_str_or_null(b, r->majority);
	sbuf_addf(b, ",\"n_votes\":%d,\"expert\":", r->nvotes);
	json_str_or_null(b, r->expert);
	sbuf_add(b, ",\"reason\":");
	json_str_or_null(b, r->reason);
	sbuf_add(b, ",\"guideline_version\":");
	if (r->guideline_version)
		sbuf_addf(b, "%ld", r->guideline_version);
	else
		sbuf_add(b, "null");
	sbuf_add(b, ",\"decided_at\":");
	json_str_or_null(b, r->decided_at);
	sbuf_add(b, "}\n");
}

static void write_header(struct store *st, struct sbuf *b, enum export_format fmt,
			 const char *head)
{
	char now[21], *name = store_meta_get(st, "name");
	util_utc_now(now);
	if (fmt == EXPORT_CSV) {
		/* The project name is data: keep the comment line one line. */
		sbuf_add(b, "# gavel export; project ");
		for (const char *p = name ? name : ""; *p; p++)
			sbuf_addc(b, (*p == '\n' || *p == '\r') ? ' ' : *p);
		sbuf_addf(b, "; exported %s; audit head %s\r\n", now, head);
		for (size_t i = 0; i < GV_ARRAY_LEN(export_cols); i++) {
			if (i)
				sbuf_addc(b, ',');
			sbuf_add(b, export_cols[i]);
		}
		sbuf_add(b, "\r\n");
	} else {
		sbuf_add(b, "{\"gavel_export\":{\"project\":");
		json_str_or_null(b, name);
		sbuf_addf(b, ",\"exported_at\":\"%s\",\"audit_head\":\"%s\"}}\n", now, head);
	}
	free(name);
}

long export_write(struct store *st, const char *task, enum export_format fmt, FILE *out,
		  long *skipped, char *err)
{
	sqlite3_stmt *s = NULL;
	struct sbuf b = {0};
	char head[65];
	double expert_weight = project_expert_weight(st);
	long rows = 0, skip = 0;
	int rc;

	/* Read the head and the rows in one read transaction so the head
	 * printed is the state exported. */
	if (store_exec(st, "BEGIN", err))
		return -1;
	if (audit_head(st, head, err))
		goto fail;
	if (store_prepare(st,
			  "SELECT i.external_id, t.name, s.n, s.agreement, s.counts, s.plurality_n,"
			  " s.tie, (SELECT value FROM label l WHERE l.task = i.task AND"
			  " l.code = s.plurality), (SELECT value FROM label l WHERE"
			  " l.task = i.task AND l.code = d.label), d.expert, d.reason,"
			  " d.guideline_version, d.at"
			  " FROM item i JOIN task t ON t.id = i.task"
			  " LEFT JOIN item_summary s ON s.item = i.id"
			  " LEFT JOIN decision d ON d.id = (SELECT max(id) FROM decision x"
			  " WHERE x.item = i.id)"
			  " WHERE (?1 IS NULL OR t.name = ?1) ORDER BY t.id, i.id",
			  &s, err))
		goto fail;
	if (task)
		sqlite3_bind_text(s, 1, task, -1, SQLITE_STATIC);
	write_header(st, &b, fmt, head);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct export_row r = {0};
		int n = sqlite3_column_int(s, 2);
		const char *expert_label = (const char *)sqlite3_column_text(s, 8);
		const char *plurality = (const char *)sqlite3_column_text(s, 7);

		r.item = (const char *)sqlite3_column_text(s, 0);
		r.task = (const char *)sqlite3_column_text(s, 1);
		r.nvotes = n;
		r.agreement = sqlite3_column_type(s, 3) == SQLITE_NULL ? NAN :
									 sqlite3_column_double(s, 3);
		r.votes = (const char *)sqlite3_column_text(s, 4);
		r.majority = sqlite3_column_int(s, 6) ? NULL : plurality;
		if (expert_label) {
			r.label = expert_label;
			r.source = "expert";
			r.weight = expert_weight;
			r.expert = (const char *)sqlite3_column_text(s, 9);
			r.reason = (const char *)sqlite3_column_text(s, 10);
			r.guideline_version = (long)sqlite3_column_int64(s, 11);
			r.decided_at = (const char *)sqlite3_column_text(s, 12);
		} else if (plurality && n > 0) {
			r.label = plurality;
			r.source = "plurality";
			r.weight = (double)sqlite3_column_int(s, 5) / n;
		} else {
			skip++;
			continue;
		}
		write_row(&b, fmt, &r);
		rows++;
		if (b.len > 1 << 16) {
			fwrite(b.s, 1, b.len, out);
			sbuf_reset(&b);
		}
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "export");
		goto fail;
	}
	fwrite(b.s, 1, b.len, out);
	sqlite3_finalize(s);
	store_exec(st, "COMMIT", NULL);
	sbuf_free(&b);
	if (skipped)
		*skipped = skip;
	if (ferror(out))
		return err_set(err, "export: write error");
	return rows;
fail:
	sqlite3_finalize(s);
	store_exec(st, "ROLLBACK", NULL);
	sbuf_free(&b);
	return -1;
}
