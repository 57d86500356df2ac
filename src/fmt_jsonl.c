/*
 * fmt_jsonl: gavel's own JSON Lines format, one object per line, for every
 * import kind:
 *   items        {"item": ID, "text": "...", ...}   other keys -> metadata
 *   votes        {"item": ID, "annotator": A, "label": L}
 *                optional "text", "at", "comment", "task"; "annotator" too
 *                when --annotator names the file's annotator
 *   predictions  {"item": ID, "probs": {"label": p, ...}}
 *                or {"item": ID, "label": L, "confidence": p}; optional "model"
 *   decisions    {"item": ID, "label": L}; optional "reason", "expert", "at"
 * IDs, annotators and labels may be strings or numbers. Keys a kind does not
 * use are ignored, except that items keep them as metadata.
 */
#include "config.h"

#include "formats.h"
#include "json_check.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jl {
	const char *file;
	enum import_kind kind;
	struct sink *sink;
	struct json_reader *jr;
	int own_ann; /* --annotator: votes need not name one */
	struct json_list obj, probs;
	const char **labels;
	double *p;
	size_t cap_l, cap_p;
};

/* A required string-or-number member; NULL with err filled when absent. */
static const char *need_scalar(const struct jl *j, const char *key, long line, long col, char *err)
{
	const struct json_val *v = json_check_get(&j->obj, key);
	const char *s = json_check_scalar(v);
	if (!v || v->type == JSON_NULL) {
		json_check_errf(err, j->file, line, col, "missing \"%s\"", key);
		return NULL;
	}
	if (!s) {
		json_check_errf(err, j->file, line, col,
				"\"%s\" must be a string or a number, not %s", key,
				json_check_type_name(v->type));
		return NULL;
	}
	if (!*s) {
		json_check_errf(err, j->file, line, col, "\"%s\" is empty", key);
		return NULL;
	}
	return s;
}

/* An optional string member: 0 with *out NULL when absent or null. */
static int opt_string(const struct jl *j, const char *key, long line, long col, const char **out,
		      char *err)
{
	const struct json_val *v = json_check_get(&j->obj, key);
	*out = NULL;
	if (!v || v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_TEXT)
		return json_check_errf(err, j->file, line, col, "\"%s\" must be a string, not %s",
				       key, json_check_type_name(v->type));
	*out = v->text;
	return 0;
}

static int prob_value(const struct jl *j, const struct json_val *v, const char *what, long line,
		      long col, double *out, char *err)
{
	if (!v || (v->type != JSON_INT && v->type != JSON_REAL))
		return json_check_errf(err, j->file, line, col, "%s must be a number, not %s", what,
				       v ? json_check_type_name(v->type) : "missing");
	if (!isfinite(v->num) || v->num < 0 || v->num > 1)
		return json_check_errf(err, j->file, line, col,
				       "%s must be between 0 and 1, not %s", what, v->text);
	*out = v->num;
	return 0;
}

static int read_prediction(struct jl *j, struct rec *r, long line, long col, char *err)
{
	const struct json_val *pv = json_check_get(&j->obj, "probs");
	if (opt_string(j, "model", line, col, &r->model, err))
		return -1;
	if (!pv || pv->type == JSON_NULL) {
		if (!(r->label = need_scalar(j, "label", line, col, err)))
			return -1;
		return prob_value(j, json_check_get(&j->obj, "confidence"), "\"confidence\"", line,
				  col, &r->confidence, err);
	}
	if (pv->type != JSON_OBJECT)
		return json_check_errf(err, j->file, line, col,
				       "\"probs\" must be an object of label: probability, not %s",
				       json_check_type_name(pv->type));
	if (json_check_members(j->jr, pv->text, strlen(pv->text), &j->probs, err))
		return -1;
	if (!j->probs.n)
		return json_check_errf(err, j->file, line, col, "\"probs\" is empty");
	j->labels = xgrow(j->labels, &j->cap_l, j->probs.n, sizeof *j->labels);
	j->p = xgrow(j->p, &j->cap_p, j->probs.n, sizeof *j->p);
	for (size_t k = 0; k < j->probs.n; k++) {
		const struct json_val *v = &j->probs.v[k];
		char what[96];
		snprintf(what, sizeof what, "probability of \"%.40s\"", v->key);
		if (!*v->key)
			return json_check_errf(err, j->file, line, col, "empty label in \"probs\"");
		if (prob_value(j, v, what, line, col, &j->p[k], err))
			return -1;
		j->labels[k] = v->key;
		if (!r->label || j->p[k] > r->confidence) {
			r->label = v->key;
			r->confidence = j->p[k];
		}
	}
	r->nprobs = j->probs.n;
	r->prob_labels = j->labels;
	r->probs = j->p;
	return 0;
}

static int jl_record(void *ctx, const char *json, size_t len, long line, long col, size_t index,
		     char *err)
{
	static const char *const item_keys[] = {"item", "text", "task", NULL};
	struct jl *j = ctx;
	struct rec r = {.file = j->file, .line = line, .col = col};
	char *meta = NULL;
	int rc = -1;
	if (json_check_members(j->jr, json, len, &j->obj, err))
		return json_check_errf(err, j->file, line, col, "%s", err);
	if (!(r.item = need_scalar(j, "item", line, col, err)))
		return -1;
	if (opt_string(j, "task", line, col, &r.task, err) ||
	    opt_string(j, "at", line, col, &r.at, err))
		return -1;
	switch (j->kind) {
	case IMPORT_ITEMS:
		r.kind = REC_ITEM;
		if (opt_string(j, "text", line, col, &r.text, err))
			return -1;
		if (!r.text)
			return json_check_errf(err, j->file, line, col, "missing \"text\"");
		r.meta = meta = json_check_meta(&j->obj, item_keys);
		break;
	case IMPORT_VOTES:
		r.kind = REC_VOTE;
		if (j->own_ann && !json_check_scalar(json_check_get(&j->obj, "annotator")))
			r.annotator = NULL; /* the sink gives it --annotator */
		else if (!(r.annotator = need_scalar(j, "annotator", line, col, err)))
			return -1;
		if (!(r.label = need_scalar(j, "label", line, col, err)) ||
		    opt_string(j, "text", line, col, &r.text, err) ||
		    opt_string(j, "comment", line, col, &r.comment, err))
			return -1;
		break;
	case IMPORT_PREDICTIONS:
		r.kind = REC_PREDICTION;
		if (read_prediction(j, &r, line, col, err))
			return -1;
		break;
	case IMPORT_DECISIONS:
		r.kind = REC_DECISION;
		if (!(r.label = need_scalar(j, "label", line, col, err)) ||
		    opt_string(j, "reason", line, col, &r.reason, err))
			return -1;
		if (json_check_get(&j->obj, "expert") &&
		    !(r.annotator = need_scalar(j, "expert", line, col, err)))
			return -1;
		break;
	}
	rc = j->sink->put(j->sink->ctx, &r, err);
	free(meta);
	return rc;
}

static int jl_read(const char *file, const char *buf, size_t len, enum import_kind kind,
		   const struct fmt_opts *opts, struct sink *sink, char *err)
{
	struct jl j = {.file = file, .kind = kind, .sink = sink,
		       .own_ann = opts && opts->annotator};
	int rc = -1;
	if (json_check_open(&j.jr, err))
		return -1;
	rc = json_check_lines(file, buf, len, jl_record, &j, err);
	json_check_list_free(&j.obj);
	json_check_list_free(&j.probs);
	free(j.labels);
	free(j.p);
	json_check_close(j.jr);
	return rc;
}

/* Bytes looked at to detect a format: enough for any first record's keys. */
#define DETECT_BYTES 65536

static int jl_detect(const char *buf, size_t len, enum import_kind kind)
{
	char keys[2048];
	int in_array,
	    n = json_check_first_keys(buf, len, DETECT_BYTES, &in_array, keys, sizeof keys);
	if (n <= 0 || in_array || !json_check_has_key(keys, n, "item"))
		return 0;
	/* Other tools' JSONL files carry their own markers. */
	if (json_check_has_key(keys, n, "_input_hash") ||
	    json_check_has_suffix(keys, n, ".responses"))
		return 0;
	switch (kind) {
	case IMPORT_ITEMS:
		return json_check_has_key(keys, n, "text");
	case IMPORT_VOTES:
		/* The annotator may be left to --annotator. */
		return json_check_has_key(keys, n, "label");
	case IMPORT_PREDICTIONS:
		return json_check_has_key(keys, n, "probs") ||
		       (json_check_has_key(keys, n, "label") &&
			json_check_has_key(keys, n, "confidence"));
	case IMPORT_DECISIONS:
		return json_check_has_key(keys, n, "label");
	}
	return 0;
}

const struct fmt fmt_jsonl = {
    .name = "jsonl",
    .flags = FMT_BY_EXT,
    .exts = {"jsonl", "ndjson"},
    .kinds =
	1u << IMPORT_VOTES | 1u << IMPORT_ITEMS | 1u << IMPORT_PREDICTIONS | 1u << IMPORT_DECISIONS,
    .reads =
	{
	    [IMPORT_VOTES] = "one object per line with \"item\", \"annotator\" and \"label\"",
	    [IMPORT_ITEMS] = "one object per line with \"item\" and \"text\"",
	    [IMPORT_PREDICTIONS] = "one object per line with \"item\" and \"probs\", or "
				   "\"item\", \"label\" and \"confidence\"",
	    [IMPORT_DECISIONS] = "one object per line with \"item\" and \"label\"",
	},
    .detect = jl_detect,
    .read = jl_read,
};
