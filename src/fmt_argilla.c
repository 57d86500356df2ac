/*
 * fmt_argilla: Argilla records as exported flat (Argilla 2
 * `dataset.records.to_list(flatten=True)` written as JSON, or JSON Lines),
 * one object per record:
 *   {"id": "r1", "text": "...", "status": "completed",
 *    "sentiment.responses": ["positive", "neutral"],
 *    "sentiment.responses.users": ["5e0c...", "a71f..."],
 *    "sentiment.responses.status": ["submitted", "draft"],
 *    "sentiment.suggestion": "positive", "sentiment.suggestion.score": 0.9,
 *    "sentiment.suggestion.agent": "model-v1", "source": "web"}
 * The older FeedbackDataset layout on the Hugging Face hub, where a question
 * column holds [{"user_id": .., "value": .., "status": ..}], is read too.
 * The item id is "id" (else "_server_id", else "external_id"); the text is
 * "text", else the first string field; other plain fields become metadata.
 * Every question gives votes from its submitted responses only (drafts and
 * discarded ones are skipped), the question name being the record's task; a
 * multi-label response with several labels is an error. A predictions import
 * reads each question's suggestion, whose score is its confidence and whose
 * agent is the model. Votes and items imports also give a REC_ITEM.
 */
#include "config.h"

#include "formats.h"
#include "json_check.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ar {
	const char *file;
	enum import_kind kind;
	struct sink *sink;
	struct json_reader *jr;
	long line, col;
	size_t index;
	struct json_list obj, vals, users, status, resp, label;
};

static int ar_fail(const struct ar *a, char *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int ar_fail(const struct ar *a, char *err, const char *fmt, ...)
{
	char what[GV_ERR];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return json_check_errf(err, a->file, a->line, a->col, "record %zu: %s", a->index + 1, what);
}

/* Load array member `key` into l; absent or null gives an empty list. */
static int ar_array(struct ar *a, const char *key, struct json_list *l, char *err)
{
	const struct json_val *v = json_check_get(&a->obj, key);
	json_check_list_free(l);
	if (!v || v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_ARRAY)
		return ar_fail(a, err, "\"%.60s\" must be an array, not %s", key,
			       json_check_type_name(v->type));
	return json_check_members(a->jr, v->text, strlen(v->text), l, err);
}

/* One response value as a single label; *label NULL when it holds none. */
static int ar_value(struct ar *a, const char *q, const struct json_val *v, const char **label,
		    char *err)
{
	*label = NULL;
	if (v->type == JSON_NULL)
		return 0;
	if ((*label = json_check_scalar(v)))
		return **label ? 0 : ar_fail(a, err, "an empty response to \"%.40s\"", q);
	if (v->type != JSON_ARRAY)
		return ar_fail(a, err, "a response to \"%.40s\" must be a label, not %s", q,
			       json_check_type_name(v->type));
	if (json_check_members(a->jr, v->text, strlen(v->text), &a->label, err))
		return -1;
	if (a->label.n > 1)
		return ar_fail(
		    a, err, "a response to \"%.40s\" has %zu labels: gavel votes are single-label",
		    q, a->label.n);
	if (!a->label.n)
		return 0;
	if (!(*label = json_check_scalar(&a->label.v[0])) || !**label)
		return ar_fail(a, err, "a response to \"%.40s\" must be a label", q);
	return 0;
}

static int ar_vote(struct ar *a, const struct rec *base, const char *q, const struct json_val *val,
		   const struct json_val *user, const struct json_val *status, char *err)
{
	struct rec r = *base;
	if (!status || status->type != JSON_TEXT)
		return ar_fail(a, err, "a response status for \"%.40s\" must be a string", q);
	if (strcmp(status->text, "submitted"))
		return 0;
	if (!(r.annotator = json_check_scalar(user)) || !*r.annotator)
		return ar_fail(a, err, "a submitted response to \"%.40s\" has no user", q);
	if (ar_value(a, q, val, &r.label, err))
		return -1;
	if (!r.label)
		return 0;
	r.kind = REC_VOTE;
	r.task = q;
	r.text = r.meta = NULL;
	return a->sink->put(a->sink->ctx, &r, err);
}

/* Flat layout: Q.responses, Q.responses.users, Q.responses.status. */
static int ar_flat(struct ar *a, const struct rec *base, const char *key, char *err)
{
	char q[256], k[300];
	size_t n = strlen(key) - strlen(".responses");
	if (n >= sizeof q)
		return ar_fail(a, err, "question name too long");
	memcpy(q, key, n);
	q[n] = 0;
	snprintf(k, sizeof k, "%s.users", key);
	if (ar_array(a, key, &a->vals, err) || ar_array(a, k, &a->users, err))
		return -1;
	if (!json_check_get(&a->obj, k) && a->vals.n)
		return ar_fail(a, err, "\"%.60s\" is missing", k);
	snprintf(k, sizeof k, "%s.status", key);
	if (ar_array(a, k, &a->status, err))
		return -1;
	if (!json_check_get(&a->obj, k) && a->vals.n)
		return ar_fail(a, err, "\"%.60s\" is missing: cannot tell submitted responses", k);
	if (a->users.n != a->vals.n || a->status.n != a->vals.n)
		return ar_fail(a, err, "\"%.40s\" has %zu responses but %zu users and %zu statuses",
			       key, a->vals.n, a->users.n, a->status.n);
	for (size_t i = 0; i < a->vals.n; i++)
		if (ar_vote(a, base, q, &a->vals.v[i], &a->users.v[i], &a->status.v[i], err))
			return -1;
	return 0;
}

/* Hub layout: a question column holding [{"user_id", "value", "status"}]. */
static int ar_is_nested(struct ar *a, const struct json_val *v, char *err)
{
	struct json_list l = {0};
	int yes = 0;
	if (v->type != JSON_ARRAY || strchr(v->key, '.') || !strstr(v->text, "\"status\""))
		return 0;
	if (json_check_members(a->jr, v->text, strlen(v->text), &l, err))
		return -1;
	if (l.n && l.v[0].type == JSON_OBJECT) {
		struct json_list o = {0};
		if (json_check_members(a->jr, l.v[0].text, strlen(l.v[0].text), &o, err)) {
			json_check_list_free(&l);
			return -1;
		}
		yes = json_check_get(&o, "value") && json_check_get(&o, "status") &&
		      json_check_get(&o, "user_id");
		json_check_list_free(&o);
	}
	json_check_list_free(&l);
	return yes;
}

static int ar_nested(struct ar *a, const struct rec *base, const struct json_val *col, char *err)
{
	if (json_check_members(a->jr, col->text, strlen(col->text), &a->vals, err))
		return -1;
	for (size_t i = 0; i < a->vals.n; i++) {
		if (a->vals.v[i].type != JSON_OBJECT)
			return ar_fail(a, err, "responses to \"%.40s\" must be objects", col->key);
		if (json_check_members(a->jr, a->vals.v[i].text, strlen(a->vals.v[i].text),
				       &a->resp, err))
			return -1;
		const struct json_val *val = json_check_get(&a->resp, "value");
		if (!val)
			continue;
		if (ar_vote(a, base, col->key, val, json_check_get(&a->resp, "user_id"),
			    json_check_get(&a->resp, "status"), err))
			return -1;
	}
	return 0;
}

static int ar_suggestion(struct ar *a, const struct rec *base, const char *key, char *err)
{
	const struct json_val *v = json_check_get(&a->obj, key), *score;
	struct rec r = *base;
	char k[300];
	if (ar_value(a, key, v, &r.label, err))
		return -1;
	if (!r.label)
		return 0;
	snprintf(k, sizeof k, "%s.score", key);
	score = json_check_get(&a->obj, k);
	if (!score || (score->type != JSON_INT && score->type != JSON_REAL))
		return ar_fail(a, err, "\"%.60s\" has no numeric score to use as its confidence",
			       key);
	if (!(score->num >= 0 && score->num <= 1))
		return ar_fail(a, err, "\"%.60s\" must be between 0 and 1", k);
	snprintf(k, sizeof k, "%s.agent", key);
	r.model = json_check_scalar(json_check_get(&a->obj, k));
	r.confidence = score->num;
	r.kind = REC_PREDICTION;
	r.task = NULL;
	r.text = r.meta = NULL;
	/* The question name is the part before ".suggestion". */
	char q[256];
	size_t n = strlen(key) - strlen(".suggestion");
	if (n < sizeof q) {
		memcpy(q, key, n);
		q[n] = 0;
		r.task = q;
	}
	return a->sink->put(a->sink->ctx, &r, err);
}

static int in_list(const char *const *l, size_t n, const char *key)
{
	for (size_t k = 0; k < n; k++)
		if (!strcmp(l[k], key))
			return 1;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && !strcmp(s + n - m, suffix);
}

static int ar_record(void *ctx, const char *json, size_t len, long line, long col, size_t index,
		     char *err)
{
	static const char *const fixed[] = {"id",	   "_server_id", "external_id", "status",
					    "inserted_at", "updated_at", "metadata"};
	struct ar *a = ctx;
	struct rec r = {.file = a->file, .line = line, .col = col};
	const char **skip = NULL;
	size_t nskip = 0, cap = 0;
	const struct json_val *v;
	char *meta = NULL;
	int rc = -1, nested;
	a->line = line;
	a->col = col;
	a->index = index;
	if (json_check_members(a->jr, json, len, &a->obj, err))
		return ar_fail(a, err, "%s", err);
	v = json_check_get(&a->obj, "id");
	if (!json_check_scalar(v))
		v = json_check_get(&a->obj, "_server_id");
	if (!json_check_scalar(v))
		v = json_check_get(&a->obj, "external_id");
	if (!(r.item = json_check_scalar(v)) || !*r.item)
		return ar_fail(a, err, "no \"id\" names the record");

	/* Metadata: the plain fields, i.e. not the id, text, bookkeeping or
	 * question columns. */
	skip = xgrow(skip, &cap, a->obj.n + GV_ARRAY_LEN(fixed) + 2, sizeof *skip);
	for (size_t k = 0; k < GV_ARRAY_LEN(fixed); k++)
		skip[nskip++] = fixed[k];
	v = json_check_get(&a->obj, "text");
	if (v && v->type == JSON_TEXT)
		r.text = v->text;
	for (size_t k = 0; k < a->obj.n; k++) {
		const struct json_val *f = &a->obj.v[k];
		if ((nested = ar_is_nested(a, f, err)) < 0)
			goto fail;
		if (nested || strchr(f->key, '.')) {
			skip[nskip++] = f->key;
			continue;
		}
		if (!r.text && f->type == JSON_TEXT && !json_check_get(&a->obj, "text") &&
		    !in_list(fixed, GV_ARRAY_LEN(fixed), f->key))
			r.text = f->text;
	}
	for (size_t k = 0; k < a->obj.n; k++)
		if (a->obj.v[k].type == JSON_TEXT && a->obj.v[k].text == r.text)
			skip[nskip++] = a->obj.v[k].key;
	skip[nskip] = NULL;

	if (a->kind == IMPORT_ITEMS || a->kind == IMPORT_VOTES) {
		if (!r.text && a->kind == IMPORT_ITEMS) {
			ar_fail(a, err, "no text field");
			goto fail;
		}
		r.kind = REC_ITEM;
		r.meta = meta = json_check_meta(&a->obj, skip);
		if (a->sink->put(a->sink->ctx, &r, err))
			goto fail;
		r.meta = NULL;
	}
	for (size_t k = 0; k < a->obj.n; k++) {
		const struct json_val *f = &a->obj.v[k];
		if (a->kind == IMPORT_VOTES && ends_with(f->key, ".responses")) {
			if (ar_flat(a, &r, f->key, err))
				goto fail;
		} else if (a->kind == IMPORT_VOTES && !strchr(f->key, '.')) {
			if ((nested = ar_is_nested(a, f, err)) < 0 ||
			    (nested && ar_nested(a, &r, f, err)))
				goto fail;
		} else if (a->kind == IMPORT_PREDICTIONS && ends_with(f->key, ".suggestion")) {
			if (ar_suggestion(a, &r, f->key, err))
				goto fail;
		}
	}
	rc = 0;
fail:
	free(meta);
	free(skip);
	return rc;
}

static int ar_read(const char *file, const char *buf, size_t len, enum import_kind kind,
		   const struct fmt_opts *opts, struct sink *sink, char *err)
{
	struct ar a = {.file = file, .kind = kind, .sink = sink};
	struct json_list *lists[] = {&a.obj, &a.vals, &a.users, &a.status, &a.resp, &a.label};
	int rc;
	if (kind == IMPORT_DECISIONS)
		return err_set(err, "%s: Argilla records hold no expert decisions", file);
	if (json_check_open(&a.jr, err))
		return -1;
	rc = json_check_records(file, buf, len, ar_record, &a, err);
	for (size_t k = 0; k < GV_ARRAY_LEN(lists); k++)
		json_check_list_free(lists[k]);
	json_check_close(a.jr);
	return rc;
}

/* Bytes looked at to detect a format: enough for any first record's keys. */
#define DETECT_BYTES 65536

static int ar_detect(const char *buf, size_t len, enum import_kind kind)
{
	char keys[4096];
	int in_array,
	    n = json_check_first_keys(buf, len, DETECT_BYTES, &in_array, keys, sizeof keys);
	if (n <= 0)
		return 0;
	if (kind == IMPORT_VOTES || kind == IMPORT_ITEMS)
		return json_check_has_suffix(keys, n, ".responses.users");
	if (kind == IMPORT_PREDICTIONS)
		return json_check_has_suffix(keys, n, ".suggestion.score");
	return 0;
}

const struct fmt fmt_argilla = {
    .name = "argilla",
    .kinds = 1u << IMPORT_VOTES | 1u << IMPORT_ITEMS | 1u << IMPORT_PREDICTIONS,
    .reads =
	{
	    [IMPORT_VOTES] = "submitted responses holding one label",
	    [IMPORT_ITEMS] = "records with a text field",
	    [IMPORT_PREDICTIONS] = "suggestions holding one label with a score",
	},
    .detect = ar_detect,
    .read = ar_read,
};
