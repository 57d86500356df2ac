/*
 * fmt_labelstudio: Label Studio's two JSON exports.
 *
 * The full JSON export is an array of tasks:
 *   {"id": 7, "data": {"text": "...", ...},
 *    "annotations": [{"completed_by": 3 or {"id": 3, "email": "a@x"},
 *                     "was_cancelled": false, "created_at": "...",
 *                     "result": [{"from_name": "sentiment", "to_name": "text",
 *                                 "type": "choices",
 *                                 "value": {"choices": ["positive"]}}]}],
 *    "predictions": [{"model_version": "v1", "score": 0.83,
 *                     "result": [... the same result shape ...]}]}
 * The item id is data.item when the task data has one, else the task id;
 * the text is data.text, else the first string in data; the other data keys
 * become metadata. Each task gives a REC_ITEM (items and votes imports).
 * Each annotation that was not cancelled gives one vote per "choices" (or
 * "rating") result, from the annotator's email, else "user<id>", with the
 * result's from_name as the record's task. Results of other types (spans,
 * boxes, taxonomies, text areas) are passed over and reported to the sink
 * (passed_over), so that a file of nothing but those says what it holds.
 * Predictions become REC_PREDICTION records (top label, "score" as its
 * confidence, model_version as the model) only when predictions are
 * imported; a votes import ignores them, so one export is imported twice to
 * get both. Gavel votes are single-label: a result with several choices
 * rejects the file.
 *
 * JSON_MIN is an array of flat rows, one per annotation:
 *   {"id": 7, "text": "...", "sentiment": "positive", "annotator": 3,
 *    "annotation_id": 12, "created_at": "...", "updated_at": "...",
 *    "lead_time": 4.2}
 * The label column is the key --task names when some row has it (rows
 * without it are unlabelled), else the one key outside the known set (id,
 * item, text, annotator, annotation_id, created_at, updated_at, lead_time,
 * agreement); its value is a label, a one-label list, or {"choices":
 * [label]}. Without --task, a row with more than one such key (a task's
 * other data, such as "image") is ambiguous and rejects the file, naming
 * the keys and --task.
 */
#include "config.h"

#include "formats.h"
#include "json_check.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ls {
	const char *file;
	enum import_kind kind;
	struct sink *sink;
	struct json_reader *jr;
	/* Where the current task is, and how to name it in messages. */
	long line, col;
	size_t index;
	const char *tid;
	int own_ann;	      /* --annotator: annotations need not name theirs */
	const char *want_col;  /* JSON_MIN: --task, a candidate label column */
	const char *label_col; /* JSON_MIN: want_col when some row has it, else NULL */
	struct json_list task, data, obj, results, result, value, choices, who;
};

static int ls_fail(const struct ls *s, char *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "file:line:col: task N (id X): what", pointing at the task object. */
static int ls_fail(const struct ls *s, char *err, const char *fmt, ...)
{
	char what[GV_ERR];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (s->tid)
		return json_check_errf(err, s->file, s->line, s->col, "task %zu (id %.60s): %s",
				       s->index + 1, s->tid, what);
	return json_check_errf(err, s->file, s->line, s->col, "task %zu: %s", s->index + 1, what);
}

/* Load the members of v (an object or array, or absent/null: empty) into l. */
static int ls_load(struct ls *s, const struct json_val *v, enum json_type want, const char *what,
		   struct json_list *l, char *err)
{
	json_check_list_free(l);
	if (!v || v->type == JSON_NULL)
		return 0;
	if (v->type != want)
		return ls_fail(s, err, "%s must be %s, not %s", what, json_check_type_name(want),
			       json_check_type_name(v->type));
	if (json_check_members(s->jr, v->text, strlen(v->text), l, err))
		return ls_fail(s, err, "%s: %s", what, err);
	return 0;
}

/*
 * The single label of one result object (s->result): *label is NULL when the
 * result is of a kind gavel does not read (spans, boxes, taxonomies, text
 * areas) or holds no choice, and the sink hears of it. *task gets its
 * from_name.
 */
static int ls_result_label(struct ls *s, const char *what, const char **task, const char **label,
			   char *err)
{
	const struct json_val *type = json_check_get(&s->result, "type");
	const struct json_val *from = json_check_get(&s->result, "from_name");
	const struct json_val *v;
	char kind[64];
	*label = *task = NULL;
	if (from && from->type == JSON_TEXT && *from->text)
		*task = from->text;
	if (!type || type->type != JSON_TEXT || !*type->text) {
		record_skip(s->sink, *task, "untyped result");
		return 0;
	}
	if (strcmp(type->text, "choices") && strcmp(type->text, "rating")) {
		snprintf(kind, sizeof kind, "%.40s result", type->text);
		record_skip(s->sink, *task, kind);
		return 0;
	}
	if (ls_load(s, json_check_get(&s->result, "value"), JSON_OBJECT, what, &s->value, err))
		return -1;
	if (!strcmp(type->text, "rating")) {
		v = json_check_get(&s->value, "rating");
		if (!v || (v->type != JSON_INT && v->type != JSON_REAL))
			return ls_fail(s, err, "%s: a rating result needs a numeric value.rating",
				       what);
		*label = v->text;
		return 0;
	}
	if (ls_load(s, json_check_get(&s->value, "choices"), JSON_ARRAY, what, &s->choices, err))
		return -1;
	if (s->choices.n > 1)
		return ls_fail(s, err,
			       "%s has %zu choices for \"%.40s\": gavel votes are single-label",
			       what, s->choices.n, *task ? *task : "?");
	if (!s->choices.n) {
		record_skip(s->sink, *task, "empty choices result");
		return 0;
	}
	if (!(*label = json_check_scalar(&s->choices.v[0])) || !**label)
		return ls_fail(s, err, "%s: the choice must be a non-empty string", what);
	return 0;
}

static int ls_annotator(struct ls *s, const struct json_val *v, const char *what, char *buf,
			size_t cap, char *err)
{
	const struct json_val *email, *id;
	if ((!v || v->type == JSON_NULL) && s->own_ann) {
		buf[0] = 0; /* the sink gives it --annotator */
		return 0;
	}
	if (!v || v->type == JSON_NULL)
		return ls_fail(s, err, "%s has no completed_by (name the annotator with --annotator)",
			       what);
	if (v->type == JSON_INT) {
		snprintf(buf, cap, "user%s", v->text);
		return 0;
	}
	if (v->type == JSON_TEXT && *v->text) {
		snprintf(buf, cap, "%s", v->text);
		return 0;
	}
	if (v->type != JSON_OBJECT)
		return ls_fail(s, err, "%s: completed_by must be a user id or object, not %s", what,
			       json_check_type_name(v->type));
	if (json_check_members(s->jr, v->text, strlen(v->text), &s->who, err))
		return ls_fail(s, err, "%s: %s", what, err);
	email = json_check_get(&s->who, "email");
	id = json_check_get(&s->who, "id");
	if (email && email->type == JSON_TEXT && *email->text)
		snprintf(buf, cap, "%s", email->text);
	else if (id && (id->type == JSON_INT || id->type == JSON_TEXT) && *id->text)
		snprintf(buf, cap, "user%s", id->text);
	else
		return ls_fail(s, err, "%s: completed_by has neither an email nor an id", what);
	return 0;
}

static int ls_annotations(struct ls *s, struct rec *r, char *err)
{
	struct json_list anns = {0};
	char what[64], who[512];
	int rc = -1;
	if (ls_load(s, json_check_get(&s->task, "annotations"), JSON_ARRAY, "\"annotations\"",
		    &anns, err))
		goto out;
	for (size_t a = 0; a < anns.n; a++) {
		const struct json_val *cancel, *at;
		snprintf(what, sizeof what, "annotation %zu", a + 1);
		if (ls_load(s, &anns.v[a], JSON_OBJECT, what, &s->obj, err))
			goto out;
		cancel = json_check_get(&s->obj, "was_cancelled");
		if (cancel && cancel->type == JSON_TRUE) {
			record_skip(s->sink, NULL, "cancelled annotation");
			continue;
		}
		if (ls_annotator(s, json_check_get(&s->obj, "completed_by"), what, who, sizeof who,
				 err))
			goto out;
		at = json_check_get(&s->obj, "created_at");
		if (ls_load(s, json_check_get(&s->obj, "result"), JSON_ARRAY, what, &s->results,
			    err))
			goto out;
		for (size_t k = 0; k < s->results.n; k++) {
			struct rec v = *r;
			if (ls_load(s, &s->results.v[k], JSON_OBJECT, what, &s->result, err) ||
			    ls_result_label(s, what, &v.task, &v.label, err))
				goto out;
			if (!v.label)
				continue;
			v.kind = REC_VOTE;
			v.annotator = who[0] ? who : NULL;
			v.at = at && at->type == JSON_TEXT ? at->text : NULL;
			v.text = v.meta = NULL;
			if (s->sink->put(s->sink->ctx, &v, err))
				goto out;
		}
	}
	rc = 0;
out:
	json_check_list_free(&anns);
	return rc;
}

static int ls_predictions(struct ls *s, struct rec *r, char *err)
{
	struct json_list preds = {0};
	char what[64];
	int rc = -1;
	if (ls_load(s, json_check_get(&s->task, "predictions"), JSON_ARRAY, "\"predictions\"",
		    &preds, err))
		goto out;
	for (size_t p = 0; p < preds.n; p++) {
		const struct json_val *score, *model;
		struct rec v = *r;
		snprintf(what, sizeof what, "prediction %zu", p + 1);
		if (ls_load(s, &preds.v[p], JSON_OBJECT, what, &s->obj, err) ||
		    ls_load(s, json_check_get(&s->obj, "result"), JSON_ARRAY, what, &s->results,
			    err))
			goto out;
		for (size_t k = 0; k < s->results.n && !v.label; k++)
			if (ls_load(s, &s->results.v[k], JSON_OBJECT, what, &s->result, err) ||
			    ls_result_label(s, what, &v.task, &v.label, err))
				goto out;
		if (!v.label)
			continue;
		score = json_check_get(&s->obj, "score");
		if (!score || (score->type != JSON_INT && score->type != JSON_REAL)) {
			ls_fail(s, err, "%s has no numeric score to use as its confidence", what);
			goto out;
		}
		if (!(score->num >= 0 && score->num <= 1)) {
			ls_fail(s, err, "%s: score must be between 0 and 1, not %.30s", what,
				score->text);
			goto out;
		}
		model = json_check_get(&s->obj, "model_version");
		v.kind = REC_PREDICTION;
		v.model = json_check_scalar(model);
		v.confidence = score->num;
		v.text = v.meta = NULL;
		if (s->sink->put(s->sink->ctx, &v, err))
			goto out;
	}
	rc = 0;
out:
	json_check_list_free(&preds);
	return rc;
}

static int ls_task(void *ctx, const char *json, size_t len, long line, long col, size_t index,
		   char *err)
{
	struct ls *s = ctx;
	struct rec r = {.file = s->file, .line = line, .col = col};
	const char *skip[3] = {"item", NULL, NULL};
	const struct json_val *id, *item;
	char *meta = NULL;
	int rc = -1;
	s->line = line;
	s->col = col;
	s->index = index;
	s->tid = NULL;
	if (json_check_members(s->jr, json, len, &s->task, err))
		return ls_fail(s, err, "%s", err);
	id = json_check_get(&s->task, "id");
	s->tid = json_check_scalar(id);
	if (!s->tid || !*s->tid)
		return ls_fail(s, err, "\"id\" must be a number or a string");
	if (!json_check_get(&s->task, "data"))
		return ls_fail(s, err, "missing \"data\"");
	if (ls_load(s, json_check_get(&s->task, "data"), JSON_OBJECT, "\"data\"", &s->data, err))
		return -1;
	item = json_check_get(&s->data, "item");
	r.item = s->tid;
	if (item && item->type != JSON_NULL) {
		if (!(r.item = json_check_scalar(item)) || !*r.item)
			return ls_fail(s, err, "data.item must be a non-empty string or number");
	}
	for (size_t k = 0; k < s->data.n && !r.text; k++) {
		const struct json_val *v = &s->data.v[k];
		if (v->type == JSON_TEXT && strcmp(v->key, "item") &&
		    (!strcmp(v->key, "text") || !json_check_get(&s->data, "text"))) {
			r.text = v->text;
			skip[1] = v->key;
		}
	}
	if (s->kind == IMPORT_ITEMS || s->kind == IMPORT_VOTES) {
		if (!r.text && s->kind == IMPORT_ITEMS)
			return ls_fail(s, err, "\"data\" holds no text");
		r.kind = REC_ITEM;
		r.meta = meta = json_check_meta(&s->data, skip);
		rc = s->sink->put(s->sink->ctx, &r, err);
		free(meta);
		r.meta = NULL;
		if (rc)
			return -1;
	}
	if (s->kind == IMPORT_VOTES)
		return ls_annotations(s, &r, err);
	if (s->kind == IMPORT_PREDICTIONS)
		return ls_predictions(s, &r, err);
	return 0;
}

static void ls_free(struct ls *s)
{
	struct json_list *lists[] = {&s->task,	 &s->data,  &s->obj,	 &s->results,
				     &s->result, &s->value, &s->choices, &s->who};
	for (size_t k = 0; k < GV_ARRAY_LEN(lists); k++)
		json_check_list_free(lists[k]);
	json_check_close(s->jr);
}

static int ls_read(const char *file, const char *buf, size_t len, enum import_kind kind,
		   const struct fmt_opts *opts, struct sink *sink, char *err)
{
	struct ls s = {.file = file, .kind = kind, .sink = sink, .own_ann = opts && opts->annotator};
	int rc;
	if (kind == IMPORT_DECISIONS)
		return err_set(err, "%s: Label Studio exports hold no expert decisions", file);
	if (json_check_open(&s.jr, err))
		return -1;
	rc = json_check_array(file, buf, len, ls_task, &s, err);
	ls_free(&s);
	return rc;
}

/* Bytes looked at to detect a format: enough for any first record's keys. */
#define DETECT_BYTES 65536

static int ls_detect(const char *buf, size_t len, enum import_kind kind)
{
	char keys[2048];
	int in_array,
	    n = json_check_first_keys(buf, len, DETECT_BYTES, &in_array, keys, sizeof keys);
	if (n <= 0 || !in_array || !json_check_has_key(keys, n, "data"))
		return 0;
	switch (kind) {
	case IMPORT_ITEMS:
		return json_check_has_key(keys, n, "annotations") ||
		       json_check_has_key(keys, n, "predictions");
	case IMPORT_VOTES:
		return json_check_has_key(keys, n, "annotations");
	case IMPORT_PREDICTIONS:
		return json_check_has_key(keys, n, "predictions");
	case IMPORT_DECISIONS:
		return 0;
	}
	return 0;
}

/* ---- JSON_MIN ---- */

static const char *const lsm_known[] = {
    "id",	  "item",	"text",	     "annotator", "annotation_id",
    "created_at", "updated_at", "lead_time", "agreement", NULL,
};

static int lsm_is_known(const char *key)
{
	for (const char *const *k = lsm_known; *k; k++)
		if (!strcmp(key, *k))
			return 1;
	return 0;
}

/* The label in a JSON_MIN label column; NULL label when the row has none. */
static int lsm_label(struct ls *s, const struct json_val *v, const char **label, char *err)
{
	const char *col = v->key;
	*label = NULL;
	if (v->type == JSON_NULL)
		return 0;
	if ((*label = json_check_scalar(v)))
		return **label ? 0
			       : json_check_errf(err, s->file, s->line, s->col,
						 "row %zu: \"%.40s\" is empty", s->index + 1, col);
	if (v->type == JSON_OBJECT) {
		if (json_check_members(s->jr, v->text, strlen(v->text), &s->value, err))
			return -1;
		v = json_check_get(&s->value, "choices");
		if (!v || v->type != JSON_ARRAY)
			return json_check_errf(err, s->file, s->line, s->col,
					       "row %zu: \"%.40s\" is an object without choices",
					       s->index + 1, col);
	}
	if (v->type != JSON_ARRAY)
		return json_check_errf(
		    err, s->file, s->line, s->col,
		    "row %zu: \"%.40s\" must be a label or a list of labels, not %s", s->index + 1,
		    col, json_check_type_name(v->type));
	if (json_check_members(s->jr, v->text, strlen(v->text), &s->choices, err))
		return -1;
	if (s->choices.n > 1)
		return json_check_errf(err, s->file, s->line, s->col,
				       "row %zu: \"%.40s\" has %zu choices: gavel votes are "
				       "single-label",
				       s->index + 1, col, s->choices.n);
	if (!s->choices.n)
		return 0;
	if (!(*label = json_check_scalar(&s->choices.v[0])) || !**label)
		return json_check_errf(
		    err, s->file, s->line, s->col,
		    "row %zu: the choice in \"%.40s\" must be a non-empty string", s->index + 1,
		    col);
	return 0;
}

static int lsm_row(void *ctx, const char *json, size_t len, long line, long col, size_t index,
		   char *err)
{
	struct ls *s = ctx;
	struct rec r = {.file = s->file, .line = line, .col = col};
	const struct json_val *lab = NULL, *v;
	char who[512];
	s->line = line;
	s->col = col;
	s->index = index;
	if (json_check_members(s->jr, json, len, &s->obj, err))
		return json_check_errf(err, s->file, line, col, "%s", err);
	v = json_check_get(&s->obj, "item");
	if (!v || v->type == JSON_NULL)
		v = json_check_get(&s->obj, "id");
	if (!(r.item = json_check_scalar(v)) || !*r.item)
		return json_check_errf(err, s->file, line, col,
				       "row %zu: \"id\" must be a number or a string", index + 1);
	v = json_check_get(&s->obj, "text");
	if (v && v->type != JSON_NULL && v->type != JSON_TEXT)
		return json_check_errf(err, s->file, line, col,
				       "row %zu: \"text\" must be a string, not %s", index + 1,
				       json_check_type_name(v->type));
	r.text = v && v->type == JSON_TEXT ? v->text : NULL;
	if (s->kind == IMPORT_ITEMS) {
		if (!r.text)
			return json_check_errf(err, s->file, line, col, "row %zu: missing \"text\"",
					       index + 1);
		r.kind = REC_ITEM;
		return s->sink->put(s->sink->ctx, &r, err);
	}
	if (s->label_col) {
		lab = json_check_get(&s->obj, s->label_col);
		if (!lab) {
			record_skip(s->sink, s->label_col, "unlabelled row");
			return 0;
		}
	}
	for (size_t k = 0; k < s->obj.n && !s->label_col; k++) {
		if (lsm_is_known(s->obj.v[k].key))
			continue;
		if (lab)
			return json_check_errf(err, s->file, line, col,
					       "row %zu: cannot tell the label column among "
					       "\"%.40s\" and \"%.40s\": name it with --task (or use "
					       "Label Studio's full JSON export)",
					       index + 1, lab->key, s->obj.v[k].key);
		lab = &s->obj.v[k];
	}
	if (!lab) {
		record_skip(s->sink, NULL, "unlabelled row");
		return 0;
	}
	r.task = lab->key;
	if (lsm_label(s, lab, &r.label, err))
		return -1;
	if (!r.label) {
		record_skip(s->sink, r.task, "unlabelled row");
		return 0;
	}
	v = json_check_get(&s->obj, "annotator");
	if ((!v || v->type == JSON_NULL) && s->own_ann)
		snprintf(who, sizeof who, "%s", ""); /* the sink gives it --annotator */
	else if (!v || v->type == JSON_NULL)
		return json_check_errf(err, s->file, line, col,
				       "row %zu: missing \"annotator\" (name the annotator with "
				       "--annotator)",
				       index + 1);
	else if (v->type == JSON_INT)
		snprintf(who, sizeof who, "user%s", v->text);
	else if (v->type == JSON_TEXT && *v->text)
		snprintf(who, sizeof who, "%s", v->text);
	else
		return json_check_errf(
		    err, s->file, line, col,
		    "row %zu: \"annotator\" must be a user id or an email, not %s", index + 1,
		    json_check_type_name(v->type));
	r.annotator = who[0] ? who : NULL;
	v = json_check_get(&s->obj, "created_at");
	r.at = v && v->type == JSON_TEXT ? v->text : NULL;
	r.kind = REC_VOTE;
	return s->sink->put(s->sink->ctx, &r, err);
}

/* Does this row have the column --task names? (A pass before the rows.) */
static int lsm_has_col(void *ctx, const char *json, size_t len, long line, long col, size_t index,
		       char *err)
{
	struct ls *s = ctx;
	if (s->label_col)
		return 0;
	if (json_check_members(s->jr, json, len, &s->obj, err))
		return json_check_errf(err, s->file, line, col, "%s", err);
	if (json_check_get(&s->obj, s->want_col))
		s->label_col = s->want_col;
	return 0;
}

static int lsm_read(const char *file, const char *buf, size_t len, enum import_kind kind,
		    const struct fmt_opts *opts, struct sink *sink, char *err)
{
	struct ls s = {.file = file, .kind = kind, .sink = sink, .own_ann = opts && opts->annotator};
	int rc;
	if (kind != IMPORT_VOTES && kind != IMPORT_ITEMS)
		return err_set(err, "%s: Label Studio JSON_MIN holds only items and votes", file);
	if (json_check_open(&s.jr, err))
		return -1;
	if (opts && opts->task && !lsm_is_known(opts->task)) {
		/* A column named in some row only is still the label column of
		 * every row: rows without it were annotated with nothing. */
		s.want_col = opts->task;
		rc = json_check_array(file, buf, len, lsm_has_col, &s, err);
		if (rc) {
			ls_free(&s);
			return rc;
		}
	}
	rc = json_check_array(file, buf, len, lsm_row, &s, err);
	ls_free(&s);
	return rc;
}

static int lsm_detect(const char *buf, size_t len, enum import_kind kind)
{
	char keys[2048];
	int in_array,
	    n = json_check_first_keys(buf, len, DETECT_BYTES, &in_array, keys, sizeof keys);
	if (n <= 0 || !in_array || kind == IMPORT_PREDICTIONS || kind == IMPORT_DECISIONS)
		return 0;
	return json_check_has_key(keys, n, "annotator") &&
	       json_check_has_key(keys, n, "annotation_id") &&
	       !json_check_has_key(keys, n, "annotations");
}

const struct fmt fmt_labelstudio = {
    .name = "labelstudio",
    .exts = {"json", "jsonl"},
    .kinds = 1u << IMPORT_VOTES | 1u << IMPORT_ITEMS | 1u << IMPORT_PREDICTIONS,
    .reads =
	{
	    [IMPORT_VOTES] = "annotation results of type \"choices\" with one choice, or "
			     "\"rating\"",
	    [IMPORT_ITEMS] = "tasks with a \"data\" object holding a text",
	    [IMPORT_PREDICTIONS] = "predictions with a \"score\" and a result of type "
				   "\"choices\" with one choice, or \"rating\"",
	},
    .detect = ls_detect,
    .read = ls_read,
};

const struct fmt fmt_labelstudio_min = {
    .name = "labelstudio-min",
    .exts = {"json", "jsonl"},
    .kinds = 1u << IMPORT_VOTES | 1u << IMPORT_ITEMS,
    .reads =
	{
	    [IMPORT_VOTES] = "rows with an \"annotator\" and one label column holding a "
			     "single choice",
	    [IMPORT_ITEMS] = "rows with an \"id\" and a \"text\"",
	},
    .detect = lsm_detect,
    .read = lsm_read,
};
