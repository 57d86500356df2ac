/*
 * fmt_csv: the CSV and TSV formats (RFC 4180 through src/csv.h), with a
 * header row naming the columns, or without one when --columns names them
 * in order. One reader serves every import kind:
 *
 *   votes        item,annotator,label[,at][,comment][,text]
 *   items        item,text[,any other columns, kept as metadata JSON]
 *   predictions  item,label,confidence   or   item,<one probability column per label>
 *   decisions    item,label[,reason][,at]
 *
 * Header names are matched case-insensitively, surrounding spaces ignored,
 * with the names annotation tools and crowdsourcing data sets use
 * (crowd-kit's task,worker,label and task,performer,label; question,worker,
 * answer of the truth-inference benchmarks; item_id, annotator_id, rater,
 * choice, ...); other columns are ignored (votes) or become metadata
 * (items). A "task" column is the item in
 * crowd-kit's task,worker,label; next to an item column it names each
 * record's task instead, so that one file's tasks are never merged. Each
 * record's col points at the field the sink is most likely to reject: the
 * label (votes, decisions, top-label predictions), the first probability
 * column, or the item.
 */
#include "config.h"

#include "csv.h"
#include "formats.h"
#include "import.h"
#include "text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum csv_role {
	R_ITEM,
	R_TASK,
	R_ANN,
	R_LABEL,
	R_AT,
	R_COMMENT,
	R_TEXT,
	R_CONF,
	R_REASON,
	R_NROLES
};

/*
 * Accepted header names per role, best first. NULL-terminated. An item's
 * own names come before task and question, which name the item only when
 * nothing else does (crowd-kit, the truth-inference benchmarks) and
 * otherwise name the record's task; a bare id comes last.
 */
static const char *const role_names[R_NROLES][24] = {
	[R_ITEM] = {"item", "item_id", "itemid", "example", "example_id", "object_id", "orig_id",
		    "unit_id", "_unit_id", "sample_id", "document_id", "doc_id", "instance_id",
		    "task", "task_id", "question", "question_id", "id", NULL},
	/* Resolved after the item, from the columns the item did not take. */
	[R_TASK] = {"task_name", "task", "question", NULL},
	[R_ANN] = {"annotator",	     "annotator_id",	"worker",     "worker_id",
		   "workerid",	     "_worker_id",	"performer",  "performer_id",
		   "rater",	     "rater_id",	"coder",      "coder_id",
		   "labeler",	     "labeller",	"labeler_id", "judge",
		   "assessor",	     "contributor",	"user",	      "user_id",
		   "annotator_name", "!amt_worker_ids", NULL},
	[R_LABEL] = {"label", "answer", "response", "class", "choice", "category", "judgment",
		     "judgement", "result", "annotation", "vote", "output", "value", NULL},
	[R_AT] = {"at", "time", "timestamp", "created_at", NULL},
	[R_COMMENT] = {"comment", "comments", "note", NULL},
	[R_TEXT] = {"text", "content", NULL},
	[R_CONF] = {"confidence", "score", "probability", "prob", NULL},
	[R_REASON] = {"reason", "rationale", "comment", "note", NULL},
};

static const char *const role_what[R_NROLES] = {
	"item", "task", "annotator", "label", "at", "comment", "text", "confidence", "reason",
};

struct csv_reader {
	const char *file;
	enum import_kind kind;
	struct csv c;
	const char *columns; /* --columns: the names of a file without a header */
	int col[R_NROLES];   /* field index of each role, -1 when absent */
	struct sink *sink;
	char *err;
	int own_ann; /* --annotator: no annotator column is needed */
	/* predictions with one column per label */
	int wide;
	const char **plabel;
	double *prob;
	size_t np;
	int *pcol; /* field index of each probability column */
	/* items: metadata columns */
	int *mcol;
	size_t nm;
	struct sbuf meta;
	char **hdr; /* the header's names (or --columns'), trimmed */
	size_t nhdr;
	struct rec rec; /* zeroed: what csv_record starts from */
};

/* Header name h equals name, ignoring ASCII case and surrounding spaces. */
static int csv_name_is(const char *h, const char *name)
{
	size_t n;
	while (*h == ' ' || *h == '\t')
		h++;
	n = strlen(h);
	while (n && (h[n - 1] == ' ' || h[n - 1] == '\t'))
		n--;
	return n == strlen(name) && strncasecmp(h, name, n) == 0;
}

static int csv_pos_fail(struct csv_reader *r)
{
	const char *hdr = r->columns ? strstr(r->c.what, " as in the header") : NULL;
	if (hdr)
		return import_errf(r->err, r->file, r->c.err_line, r->c.err_col,
				   "%.*s as --columns names%s", (int)(hdr - r->c.what), r->c.what,
				   hdr + strlen(" as in the header"));
	/* An over-long field is named by its column once the header is known. */
	if (strstr(r->c.what, "field longer than") && r->c.err_field < r->nhdr)
		return import_errf(r->err, r->file, r->c.err_line, r->c.err_col, "%s (column '%s')",
				   r->c.what, r->hdr[r->c.err_field]);
	return import_errf(r->err, r->file, r->c.err_line, r->c.err_col, "%s", r->c.what);
}

/* The columns of names (ids, annotators, labels, times, probabilities) hold
 * at most LIMIT_NAME bytes; text, comments, reasons and metadata LIMIT_TEXT,
 * which the tokenizer checks. */
static int csv_names_fit(struct csv_reader *r)
{
	static const char *const what[R_NROLES] = {
		[R_ITEM] = "item id", [R_TASK] = "task name", [R_ANN] = "annotator name",
		[R_LABEL] = "label",  [R_AT] = "time",	      [R_CONF] = "confidence",
	};
	for (int role = 0; role < R_NROLES; role++) {
		const struct csv_field *f;
		if (role == R_TEXT || role == R_COMMENT || role == R_REASON || r->col[role] < 0)
			continue;
		f = &r->c.f[r->col[role]];
		if (f->len > LIMIT_NAME)
			return import_errf(r->err, r->file, f->line, csv_field_col(&r->c, f),
					   "the %s is %zu bytes long, more than the limit of %zu "
					   "bytes",
					   what[role], f->len, LIMIT_NAME);
	}
	return 0;
}

/* Is name one gavel takes for some role? */
static int csv_known(const char *name)
{
	for (int role = 0; role < R_NROLES; role++)
		for (int k = 0; role_names[role][k]; k++)
			if (csv_name_is(name, role_names[role][k]))
				return 1;
	return 0;
}

/* The role of each column, from the names in r->hdr. */
static void csv_find_roles(struct csv_reader *r)
{
	for (int role = 0; role < R_NROLES; role++) {
		int best = -1, rank = 99;
		for (size_t i = 0; i < r->nhdr; i++) {
			if (role == R_TASK && (int)i == r->col[R_ITEM])
				continue;
			for (int k = 0; role_names[role][k]; k++) {
				if (k < rank && csv_name_is(r->hdr[i], role_names[role][k])) {
					best = (int)i;
					rank = k;
				}
			}
		}
		r->col[role] = best;
	}
}

/* The names, as "a, b, c" cut after 12, for messages. */
static void csv_names_text(const struct csv_reader *r, struct sbuf *b)
{
	char snip[64];
	for (size_t i = 0; i < r->nhdr && i < 12; i++)
		sbuf_addf(b, "%s%s", i ? ", " : "", import_snip(r->hdr[i], snip));
	if (r->nhdr > 12)
		sbuf_add(b, ", ...");
}

/*
 * A required column is missing: say which, with the header found and the
 * names gavel takes for it. A first row that names nothing gavel knows is
 * likely data, not a header: say so and point at --columns.
 */
static int csv_need(struct csv_reader *r, int role)
{
	struct sbuf alias = {0}, found = {0};
	int any = 0;
	if (r->col[role] >= 0)
		return 0;
	for (int k = 0; role_names[role][k] && k < 10; k++)
		sbuf_addf(&alias, "%s%s", k ? ", " : "", role_names[role][k]);
	csv_names_text(r, &found);
	for (int k = 0; k < R_NROLES; k++)
		any |= r->col[k] >= 0;
	if (r->columns)
		import_errf(r->err, r->file, 0, 0,
			    "--columns (%s) names no %s column (gavel takes %s, ...)", found.s,
			    role_what[role], alias.s);
	else if (!any)
		import_errf(
			r->err, r->file, r->c.line, 0,
			"the first row (%s) names no column gavel knows, such as item, "
			"annotator, label: if the file has no header, give its columns in order "
			"with --columns, e.g. --columns annotator,item,label",
			found.s);
	else
		import_errf(r->err, r->file, r->c.line, 0,
			    "the header (%s) has no %s column (gavel takes %s, ...)%s", found.s,
			    role_what[role], alias.s,
			    role == R_ANN ? "; for a file by one annotator, give --annotator NAME"
					  : "");
	sbuf_free(&alias);
	sbuf_free(&found);
	return -1;
}

/* Trimmed copies of names[0..n) into r->hdr. */
static void csv_set_names(struct csv_reader *r, const char *const *names, size_t n)
{
	r->hdr = xcalloc(n + 1, sizeof *r->hdr);
	for (size_t i = 0; i < n; i++) {
		const char *h = names[i];
		size_t len;
		while (*h == ' ' || *h == '\t')
			h++;
		len = strlen(h);
		while (len && (h[len - 1] == ' ' || h[len - 1] == '\t'))
			len--;
		r->hdr[i] = xstrndup(h, len);
	}
	r->nhdr = n;
}

/*
 * A name given twice leaves it unclear which column holds the data (or
 * would give item metadata or a prediction's probabilities the same key
 * twice): an error at the second, which is in the header row just read
 * (r->c) unless --columns gave it. Votes and decisions ignore the columns
 * they do not know, so those may repeat.
 */
static int csv_unique_names(struct csv_reader *r)
{
	char snip[64];
	for (size_t j = 1; j < r->nhdr; j++) {
		for (size_t i = 0; i < j && r->hdr[j][0]; i++) {
			if (!csv_name_is(r->hdr[i], r->hdr[j]))
				continue;
			if ((r->kind == IMPORT_VOTES || r->kind == IMPORT_DECISIONS) &&
			    !csv_known(r->hdr[j]))
				break;
			if (r->columns)
				return import_errf(
					r->err, NULL, 0, 0,
					"--columns names '%s' twice (columns %zu and %zu)",
					import_snip(r->hdr[j], snip), i + 1, j + 1);
			return import_errf(
				r->err, r->file, r->c.line, csv_field_col(&r->c, &r->c.f[j]),
				"column '%s' appears twice in the header (columns %zu and %zu)",
				import_snip(r->hdr[j], snip), i + 1, j + 1);
		}
	}
	return 0;
}

/* r->hdr from the header row, or from --columns (split at commas). */
static int csv_names(struct csv_reader *r)
{
	int rc;
	if (r->columns) {
		struct csv list;
		const char **names;
		csv_init(&list, r->columns, strlen(r->columns), ',');
		rc = csv_next(&list);
		if (rc <= 0) {
			csv_free(&list);
			return import_errf(r->err, NULL, 0, 0,
					   "--columns must list the file's columns, e.g. "
					   "annotator,item,label");
		}
		names = xcalloc(list.nf, sizeof *names);
		for (size_t i = 0; i < list.nf; i++)
			names[i] = list.f[i].s;
		csv_set_names(r, names, list.nf);
		free(names);
		csv_free(&list);
		return csv_unique_names(r);
	}
	rc = csv_next(&r->c);
	if (rc < 0)
		return csv_pos_fail(r);
	if (rc == 0)
		return import_errf(r->err, r->file, 0, 0, "empty file: expected a header row");
	{
		const char **names = xcalloc(r->c.nf, sizeof *names);
		for (size_t i = 0; i < r->c.nf; i++)
			names[i] = r->c.f[i].s;
		csv_set_names(r, names, r->c.nf);
		free(names);
	}
	return csv_unique_names(r);
}

/* Column index is a role other than those that identify the record? */
static int csv_is_role_col(const struct csv_reader *r, size_t i, const int *roles, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (r->col[roles[k]] == (int)i)
			return 1;
	}
	return 0;
}

static int csv_header(struct csv_reader *r)
{
	if (csv_names(r))
		return -1;
	csv_find_roles(r);
	switch (r->kind) {
	case IMPORT_VOTES:
		if (csv_need(r, R_ITEM) || (!r->own_ann && csv_need(r, R_ANN)) ||
		    csv_need(r, R_LABEL))
			return -1;
		break;
	case IMPORT_ITEMS: {
		static const int id_roles[] = {R_ITEM, R_TASK, R_TEXT};
		if (csv_need(r, R_ITEM) || csv_need(r, R_TEXT))
			return -1;
		r->mcol = xcalloc(r->nhdr, sizeof *r->mcol);
		for (size_t i = 0; i < r->nhdr; i++) {
			if (!csv_is_role_col(r, i, id_roles, GV_ARRAY_LEN(id_roles)))
				r->mcol[r->nm++] = (int)i;
		}
		break;
	}
	case IMPORT_PREDICTIONS: {
		static const int id_roles[] = {R_ITEM, R_TASK};
		if (csv_need(r, R_ITEM))
			return -1;
		if (r->col[R_LABEL] >= 0 || r->col[R_CONF] >= 0) {
			if (csv_need(r, R_LABEL) || csv_need(r, R_CONF))
				return -1;
			break;
		}
		r->wide = 1;
		r->plabel = xcalloc(r->nhdr, sizeof *r->plabel);
		r->prob = xcalloc(r->nhdr, sizeof *r->prob);
		r->pcol = xcalloc(r->nhdr, sizeof *r->pcol);
		for (size_t i = 0; i < r->nhdr; i++) {
			if (csv_is_role_col(r, i, id_roles, GV_ARRAY_LEN(id_roles)))
				continue;
			if (!r->hdr[i][0] && r->columns)
				return import_errf(r->err, r->file, 0, 0,
						   "--columns has an empty name: each probability "
						   "column is named by its label");
			if (!r->hdr[i][0])
				return import_errf(r->err, r->file, r->c.line,
						   csv_field_col(&r->c, &r->c.f[i]),
						   "empty column name: each probability column is "
						   "named by its label");
			r->plabel[r->np] = r->hdr[i];
			r->pcol[r->np++] = (int)i;
		}
		if (r->np < 2)
			return import_errf(r->err, r->file, r->c.line, 0,
					   "predictions need columns item,label,confidence or item "
					   "and one probability column per label");
		break;
	}
	case IMPORT_DECISIONS:
		if (csv_need(r, R_ITEM) || csv_need(r, R_LABEL))
			return -1;
		break;
	}
	r->c.want = r->nhdr;
	return 0;
}

/* With --columns the first row is data: one that reads as a header would
 * be imported as a vote by "annotator" on "item". */
static int csv_not_header(struct csv_reader *r)
{
	struct sbuf row = {0};
	char snip[64];
	size_t known = 0;
	for (size_t i = 0; i < r->c.nf; i++)
		known += csv_known(r->c.f[i].s) != 0;
	if (r->c.nf < 2 || known < r->c.nf)
		return 0;
	for (size_t i = 0; i < r->c.nf && i < 12; i++)
		sbuf_addf(&row, "%s%s", i ? ", " : "", import_snip(r->c.f[i].s, snip));
	import_errf(r->err, r->file, r->c.line, 0,
		    "this row (%s) is a header: --columns is for files without one", row.s);
	sbuf_free(&row);
	return -1;
}

/* The field of a role in the current record, or NULL (absent column or empty cell). */
static const struct csv_field *csv_role(struct csv_reader *r, int role)
{
	const struct csv_field *f;
	if (r->col[role] < 0)
		return NULL;
	f = &r->c.f[r->col[role]];
	return f->len ? f : NULL;
}

/* The field of a role that must not be empty, in *out and its length in
 * *len (when len is not NULL). */
static int csv_required(struct csv_reader *r, int role, const char **out, size_t *len)
{
	const struct csv_field *f = &r->c.f[r->col[role]];
	if (f->len == 0)
		return import_errf(r->err, r->file, f->line, csv_field_col(&r->c, f),
				   "empty %s field", role_what[role]);
	*out = f->s;
	if (len)
		*len = f->len;
	return 0;
}

static const char *csv_opt(struct csv_reader *r, int role)
{
	const struct csv_field *f = csv_role(r, role);
	return f ? f->s : NULL;
}

static int csv_prob(struct csv_reader *r, const struct csv_field *f, double *out)
{
	char snip[64];
	if (util_parse_double(f->s, out) || *out < 0 || *out > 1)
		return import_errf(r->err, r->file, f->line, csv_field_col(&r->c, f),
				   "'%s' is not a probability between 0 and 1",
				   import_snip(f->s, snip));
	return 0;
}

static int csv_record(struct csv_reader *r)
{
	/* Each row sets the members its file's kind has (every one of them,
	 * each row); the others stay as zeroed once (zeroing a struct rec per
	 * row showed in profiles). */
	struct rec *rec = &r->rec;
	const struct csv_field *f;

	rec->file = r->file;
	rec->line = r->c.line;
	rec->end = r->c.pos;
	if (csv_names_fit(r))
		return -1;
	if (csv_required(r, R_ITEM, &rec->item, &rec->item_len))
		return -1;
	if (r->col[R_TASK] >= 0 && csv_required(r, R_TASK, &rec->task, NULL))
		return -1;
	/* rec->col: the item's column for items, else the label's (or first
	 * probability's), where a sink's complaint about the record points. */
	switch (r->kind) {
	case IMPORT_VOTES:
		rec->kind = REC_VOTE;
		rec->annotator_len = 0;
		if (r->own_ann)
			rec->annotator = csv_opt(r, R_ANN);
		else if (csv_required(r, R_ANN, &rec->annotator, &rec->annotator_len))
			return -1;
		if (csv_required(r, R_LABEL, &rec->label, &rec->label_len))
			return -1;
		rec->col = csv_field_col(&r->c, &r->c.f[r->col[R_LABEL]]);
		rec->at = csv_opt(r, R_AT);
		rec->comment = csv_opt(r, R_COMMENT);
		rec->text = csv_opt(r, R_TEXT);
		break;
	case IMPORT_ITEMS:
		rec->kind = REC_ITEM;
		rec->col = csv_field_col(&r->c, &r->c.f[r->col[R_ITEM]]);
		rec->text = r->c.f[r->col[R_TEXT]].s;
		if (r->nm) {
			sbuf_reset(&r->meta);
			sbuf_addc(&r->meta, '{');
			for (size_t k = 0; k < r->nm; k++) {
				if (k)
					sbuf_addc(&r->meta, ',');
				sbuf_add_json_str(&r->meta, r->hdr[r->mcol[k]]);
				sbuf_addc(&r->meta, ':');
				sbuf_add_json_str(&r->meta, r->c.f[r->mcol[k]].s);
			}
			sbuf_addc(&r->meta, '}');
			rec->meta = r->meta.s;
		}
		break;
	case IMPORT_PREDICTIONS:
		rec->kind = REC_PREDICTION;
		if (!r->wide) {
			if (csv_required(r, R_LABEL, &rec->label, &rec->label_len))
				return -1;
			f = &r->c.f[r->col[R_CONF]];
			if (csv_prob(r, f, &rec->confidence))
				return -1;
			rec->col = csv_field_col(&r->c, &r->c.f[r->col[R_LABEL]]);
			break;
		}
		for (size_t k = 0; k < r->np; k++) {
			if (csv_prob(r, &r->c.f[r->pcol[k]], &r->prob[k]))
				return -1;
		}
		rec->nprobs = r->np;
		rec->prob_labels = r->plabel;
		rec->probs = r->prob;
		rec->col = csv_field_col(&r->c, &r->c.f[r->pcol[0]]);
		break;
	case IMPORT_DECISIONS:
		rec->kind = REC_DECISION;
		if (csv_required(r, R_LABEL, &rec->label, &rec->label_len))
			return -1;
		rec->col = csv_field_col(&r->c, &r->c.f[r->col[R_LABEL]]);
		rec->reason = csv_opt(r, R_REASON);
		rec->at = csv_opt(r, R_AT);
		break;
	}
	return r->sink->put(r->sink->ctx, rec, r->err);
}

static int csv_read_sep(const char *file, const char *buf, size_t len, enum import_kind kind,
			const struct fmt_opts *opts, struct sink *sink, char *err, char sep)
{
	struct csv_reader r = {0};
	int rc = -1, got;

	r.file = file;
	r.kind = kind;
	r.sink = sink;
	r.err = err;
	r.own_ann = opts && opts->annotator;
	r.columns = opts ? opts->columns : NULL;
	csv_init(&r.c, buf, len, sep);
	if (csv_header(&r))
		goto out;
	if (r.columns && (got = csv_next(&r.c)) > 0 && (csv_not_header(&r) || csv_record(&r)))
		goto out;
	while ((got = csv_next(&r.c)) > 0) {
		if (csv_record(&r))
			goto out;
	}
	if (got < 0) {
		csv_pos_fail(&r);
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < r.nhdr; i++)
		free(r.hdr[i]);
	free(r.hdr);
	free(r.plabel);
	free(r.prob);
	free(r.pcol);
	free(r.mcol);
	sbuf_free(&r.meta);
	csv_free(&r.c);
	return rc;
}

/*
 * The header row decides: it must split into at least two fields on this
 * separator and not look like JSON. Kind-specific columns are left to the
 * reader, so that a CSV file with a wrong header gets a precise message
 * rather than "unknown format".
 */
static int csv_detect_sep(const char *buf, size_t len, char sep)
{
	size_t i = 0, fields = 1;
	int quoted = 0;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	if (i < len && (buf[i] == '{' || buf[i] == '['))
		return 0;
	for (; i < len && i < 65536; i++) {
		char ch = buf[i];
		if (ch == '"')
			quoted = !quoted;
		else if (!quoted && (ch == '\n' || ch == '\r'))
			break;
		else if (!quoted && ch == sep)
			fields++;
	}
	return fields >= 2;
}

static int csv_detect(const char *buf, size_t len, enum import_kind kind)
{
	return csv_detect_sep(buf, len, ',') && !csv_detect_sep(buf, len, '\t');
}

static int tsv_detect(const char *buf, size_t len, enum import_kind kind)
{
	return csv_detect_sep(buf, len, '\t') && !csv_detect_sep(buf, len, ',');
}

static int csv_read(const char *file, const char *buf, size_t len, enum import_kind kind,
		    const struct fmt_opts *opts, struct sink *sink, char *err)
{
	return csv_read_sep(file, buf, len, kind, opts, sink, err, ',');
}

static int tsv_read(const char *file, const char *buf, size_t len, enum import_kind kind,
		    const struct fmt_opts *opts, struct sink *sink, char *err)
{
	return csv_read_sep(file, buf, len, kind, opts, sink, err, '\t');
}

/* Does the header (or --columns) have a task column? Without one the file
 * is read once. */
static int csv_names_tasks_sep(const char *buf, size_t len, const struct fmt_opts *opts, char sep)
{
	struct csv_reader r = {0};
	char err[GV_ERR];
	int yes = 0;
	r.err = err;
	r.columns = opts ? opts->columns : NULL;
	csv_init(&r.c, buf, len, sep);
	if (csv_names(&r) == 0) {
		csv_find_roles(&r);
		yes = r.col[R_TASK] >= 0;
	}
	for (size_t i = 0; i < r.nhdr; i++)
		free(r.hdr[i]);
	free(r.hdr);
	csv_free(&r.c);
	return yes;
}

static int csv_names_tasks(const char *buf, size_t len, enum import_kind kind,
			   const struct fmt_opts *opts)
{
	return csv_names_tasks_sep(buf, len, opts, ',');
}

static int tsv_names_tasks(const char *buf, size_t len, enum import_kind kind,
			   const struct fmt_opts *opts)
{
	return csv_names_tasks_sep(buf, len, opts, '\t');
}

#define CSV_KINDS                                                                                  \
	((1u << IMPORT_VOTES) | (1u << IMPORT_ITEMS) | (1u << IMPORT_PREDICTIONS) |                \
	 (1u << IMPORT_DECISIONS))

#define CSV_READS                                                                                  \
	{                                                                                          \
		[IMPORT_VOTES] = "one vote per row, with item, annotator and label columns",       \
		[IMPORT_ITEMS] = "one item per row, with item and text columns",                   \
		[IMPORT_PREDICTIONS] = "one prediction per row, with item, label and confidence "  \
				       "columns or one probability column per label",              \
		[IMPORT_DECISIONS] = "one decision per row, with item and label columns",          \
	}

const struct fmt fmt_csv = {
	.name = "csv",
	.kinds = CSV_KINDS,
	.flags = FMT_HEADER | FMT_BY_EXT,
	.exts = {"csv"},
	.reads = CSV_READS,
	.detect = csv_detect,
	.read = csv_read,
	.names_tasks = csv_names_tasks,
};

const struct fmt fmt_tsv = {
	.name = "tsv",
	.kinds = CSV_KINDS,
	.flags = FMT_HEADER | FMT_BY_EXT,
	.exts = {"tsv", "tab"},
	.reads = CSV_READS,
	.detect = tsv_detect,
	.read = tsv_read,
	.names_tasks = tsv_names_tasks,
};
