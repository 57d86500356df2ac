/*
 * fmt_argilla: Argilla records in the three layouts Argilla writes them.
 *
 * 1. Argilla 2.x's own export, `Dataset.to_disk()` (its records.json) and
 *    `dataset.records.to_json()`: a JSON array of nested records,
 *      {"id": "r1", "status": "completed", "_server_id": "0b4a...",
 *       "fields": {"text": "..."}, "metadata": {"source": "web"},
 *       "responses": {"sentiment": [{"question_name": "sentiment",
 *                     "value": "positive", "user_id": "5e0c...",
 *                     "status": "submitted"}, ...]},
 *       "suggestions": {"sentiment": {"value": "positive", "score": 0.9,
 *                       "agent": "clf-v2"}},
 *       "vectors": {}}
 * 2. Argilla 2.x flattened, `records.to_list(flatten=True)` and
 *    `to_datasets()` / `to_hub()` saved as JSON or JSON Lines:
 *      {"id": "r1", "status": "completed", "text": "...", "source": "web",
 *       "sentiment.responses": ["positive", "neutral"],
 *       "sentiment.responses.users": ["5e0c...", "a71f..."],
 *       "sentiment.responses.status": ["submitted", "draft"],
 *       "sentiment.suggestion": "positive", "sentiment.suggestion.score": 0.9,
 *       "sentiment.suggestion.agent": "model-v1"}
 *    A record without responses to a question has nulls there.
 * 3. The Argilla 1.x FeedbackDataset layout of the Hugging Face hub and the
 *    `datasets` library (`push_to_huggingface`, `format_as("datasets")`),
 *    usually saved as JSON Lines:
 *      {"text": "...", "sentiment": [{"user_id": "5e0c...", "value": "positive",
 *                                     "status": "submitted"}],
 *       "sentiment-suggestion": "positive",
 *       "sentiment-suggestion-metadata": {"type": "model", "score": 0.9,
 *                                         "agent": "clf-v2"},
 *       "external_id": null, "metadata": "{\"source\": \"web\"}"}
 *
 * The item id is "id", else "_server_id", else "external_id"; a record whose
 * external_id is null and that has no other id (the default of layout 3) is
 * numbered by its position in the file: 1, 2, ... The text is the "text"
 * field, else the first string field; the other plain fields and the
 * metadata (an object, or in layout 3 a JSON text) become the item's
 * metadata. Each question gives votes from its submitted responses, the
 * question name being the record's task; drafts, discarded responses,
 * responses without a status and values that are not one label (spans,
 * rankings, empty answers) are passed over and reported to the sink. A
 * multi-label response with several labels is an error. A predictions
 * import reads each question's suggestion, whose score is its confidence
 * and whose agent is the model. Votes and items imports also give a
 * REC_ITEM.
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
	char position[24]; /* the record number, when it is the item id */
	int own_ann;	   /* --annotator: responses need not name their user */
	struct json_list obj, vals, users, status, resp, label, nested, sugg;
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

/* Load the members of v (an array or object of type want; absent or null:
 * empty) into l. */
static int ar_load(struct ar *a, const struct json_val *v, enum json_type want, const char *what,
		   struct json_list *l, char *err)
{
	json_check_list_free(l);
	if (!v || v->type == JSON_NULL)
		return 0;
	if (v->type != want)
		return ar_fail(a, err, "\"%.60s\" must be %s, not %s", what,
			       json_check_type_name(want), json_check_type_name(v->type));
	return json_check_members(a->jr, v->text, strlen(v->text), l, err);
}

/* Load array member `key` of the record into l; absent or null gives an empty list. */
static int ar_array(struct ar *a, const char *key, struct json_list *l, char *err)
{
	return ar_load(a, json_check_get(&a->obj, key), JSON_ARRAY, key, l, err);
}

/*
 * One response or suggestion value as a single label. *label is NULL when
 * the value holds none, with *none saying why: "empty" (null or []) or
 * "span or ranking" (a list of objects).
 */
static int ar_value(struct ar *a, const char *q, const struct json_val *v, const char **label,
		    const char **none, char *err)
{
	*label = NULL;
	*none = "empty";
	if (!v || v->type == JSON_NULL)
		return 0;
	if ((*label = json_check_scalar(v)))
		return **label ? 0 : ar_fail(a, err, "an empty response to \"%.40s\"", q);
	if (v->type != JSON_ARRAY)
		return ar_fail(a, err, "a response to \"%.40s\" must be a label, not %s", q,
			       json_check_type_name(v->type));
	if (json_check_members(a->jr, v->text, strlen(v->text), &a->label, err))
		return -1;
	if (a->label.n && a->label.v[0].type == JSON_OBJECT) {
		*none = "span or ranking";
		return 0;
	}
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
	const char *none;
	char what[64];
	if (!status || status->type == JSON_NULL) {
		/* Responses built in Python and never sent to a server have none. */
		record_skip(a->sink, q, "null-status response");
		return 0;
	}
	if (status->type != JSON_TEXT)
		return ar_fail(a, err, "a response status for \"%.40s\" must be a string", q);
	if (strcmp(status->text, "submitted")) {
		snprintf(what, sizeof what, "%.20s response", status->text);
		record_skip(a->sink, q, what);
		return 0;
	}
	if (ar_value(a, q, val, &r.label, &none, err))
		return -1;
	if (!r.label) {
		snprintf(what, sizeof what, "%s response", none);
		record_skip(a->sink, q, what);
		return 0;
	}
	if (!(r.annotator = json_check_scalar(user)) || !*r.annotator) {
		if (!a->own_ann)
			return ar_fail(a, err,
				       "a submitted response to \"%.40s\" has no user (name the "
				       "annotator with --annotator)",
				       q);
		r.annotator = NULL; /* the sink gives it --annotator */
	}
	r.kind = REC_VOTE;
	r.task = q;
	r.text = r.meta = NULL;
	return a->sink->put(a->sink->ctx, &r, err);
}

/* Layout 2: Q.responses, Q.responses.users, Q.responses.status. */
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

/* Is v a response list, [{"user_id", "value", "status"}, ...] (layouts 1 and 3)? */
static int ar_is_nested(struct ar *a, const struct json_val *v, char *err)
{
	struct json_list l = {0};
	int yes = 0;
	if (v->type != JSON_ARRAY || strchr(v->key, '.') || !strstr(v->text, "\"user_id\""))
		return 0;
	if (json_check_members(a->jr, v->text, strlen(v->text), &l, err))
		return -1;
	if (l.n && l.v[0].type == JSON_OBJECT) {
		struct json_list o = {0};
		if (json_check_members(a->jr, l.v[0].text, strlen(l.v[0].text), &o, err)) {
			json_check_list_free(&l);
			return -1;
		}
		yes = json_check_get(&o, "value") && json_check_get(&o, "user_id");
		json_check_list_free(&o);
	}
	json_check_list_free(&l);
	return yes;
}

/* The votes of one question's response list. */
static int ar_nested(struct ar *a, const struct rec *base, const char *q,
		     const struct json_val *col, char *err)
{
	if (ar_load(a, col, JSON_ARRAY, q, &a->vals, err))
		return -1;
	for (size_t i = 0; i < a->vals.n; i++) {
		const struct json_val *val;
		if (a->vals.v[i].type != JSON_OBJECT)
			return ar_fail(a, err, "responses to \"%.40s\" must be objects", q);
		if (json_check_members(a->jr, a->vals.v[i].text, strlen(a->vals.v[i].text),
				       &a->resp, err))
			return -1;
		val = json_check_get(&a->resp, "value");
		if (ar_vote(a, base, q, val, json_check_get(&a->resp, "user_id"),
			    json_check_get(&a->resp, "status"), err))
			return -1;
	}
	return 0;
}

/* A suggestion of question q: its value, and its score and agent. */
static int ar_predict(struct ar *a, const struct rec *base, const char *q,
		      const struct json_val *value, const struct json_val *score,
		      const struct json_val *agent, char *err)
{
	struct rec r = *base;
	const char *none;
	if (ar_value(a, q, value, &r.label, &none, err))
		return -1;
	if (!r.label)
		return 0;
	if (!score || (score->type != JSON_INT && score->type != JSON_REAL))
		return ar_fail(a, err,
			       "the suggestion for \"%.60s\" has no numeric score to use as its "
			       "confidence",
			       q);
	if (!(score->num >= 0 && score->num <= 1))
		return ar_fail(a, err, "the suggestion score for \"%.60s\" must be between 0 and 1",
			       q);
	r.model = json_check_scalar(agent);
	r.confidence = score->num;
	r.kind = REC_PREDICTION;
	r.task = q;
	r.text = r.meta = NULL;
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

/* "{a}" and "{b}" as "{a,b}"; either may be NULL. Takes both, returns the result. */
static char *ar_meta_join(char *a, char *b)
{
	struct sbuf j = {0};
	if (!a || !b)
		return a ? a : b;
	sbuf_addn(&j, a, strlen(a) - 1);
	sbuf_addc(&j, ',');
	sbuf_add(&j, b + 1);
	free(a);
	free(b);
	return sbuf_take(&j);
}

/* The metadata member: an object (layout 1), or a JSON object text (layout 3). */
static char *ar_metadata(struct ar *a)
{
	const struct json_val *v = json_check_get(&a->obj, "metadata");
	static const char *const none[] = {NULL};
	const char *t;
	struct json_check jc = {0};
	char err[GV_ERR];
	if (!v)
		return NULL;
	if (v->type == JSON_OBJECT) {
		t = v->text;
	} else if (v->type == JSON_TEXT && json_check(v->text, strlen(v->text), &jc) == 0) {
		t = v->text + jc.start;
		json_check_free(&jc);
	} else {
		return NULL; /* not an object: nothing gavel can keep as metadata */
	}
	if (*t != '{' || json_check_members(a->jr, t, strlen(t), &a->nested, err) || !a->nested.n)
		return NULL;
	return json_check_meta(&a->nested, none);
}

/* Layout 1: fields, metadata, responses and suggestions as objects. */
static int ar_record_nested(struct ar *a, struct rec *r, char *err)
{
	const struct json_val *text = NULL;
	const char *skip[2] = {NULL, NULL};
	char *meta = NULL;
	int rc = -1;
	struct json_list fields = {0};

	if (ar_load(a, json_check_get(&a->obj, "fields"), JSON_OBJECT, "fields", &fields, err))
		goto out;
	text = json_check_get(&fields, "text");
	if (!text || text->type != JSON_TEXT)
		for (size_t k = 0; k < fields.n && (!text || text->type != JSON_TEXT); k++)
			text = &fields.v[k];
	if (text && text->type == JSON_TEXT) {
		r->text = text->text;
		skip[0] = text->key;
	}
	if (a->kind == IMPORT_ITEMS || a->kind == IMPORT_VOTES) {
		if (!r->text && a->kind == IMPORT_ITEMS) {
			ar_fail(a, err, "no text field");
			goto out;
		}
		r->kind = REC_ITEM;
		r->meta = meta = ar_meta_join(json_check_meta(&fields, skip), ar_metadata(a));
		if (a->sink->put(a->sink->ctx, r, err))
			goto out;
		r->meta = NULL;
	}
	if (a->kind == IMPORT_VOTES) {
		if (ar_load(a, json_check_get(&a->obj, "responses"), JSON_OBJECT, "responses",
			    &a->nested, err))
			goto out;
		for (size_t k = 0; k < a->nested.n; k++) {
			/* ar_nested reuses a->vals: the question list stays put. */
			if (ar_nested(a, r, a->nested.v[k].key, &a->nested.v[k], err))
				goto out;
		}
	} else if (a->kind == IMPORT_PREDICTIONS) {
		if (ar_load(a, json_check_get(&a->obj, "suggestions"), JSON_OBJECT, "suggestions",
			    &a->nested, err))
			goto out;
		for (size_t k = 0; k < a->nested.n; k++) {
			const struct json_val *q = &a->nested.v[k];
			if (ar_load(a, q, JSON_OBJECT, q->key, &a->sugg, err) ||
			    ar_predict(a, r, q->key, json_check_get(&a->sugg, "value"),
				       json_check_get(&a->sugg, "score"),
				       json_check_get(&a->sugg, "agent"), err))
				goto out;
		}
	}
	rc = 0;
out:
	free(meta);
	json_check_list_free(&fields);
	return rc;
}

/* Layout 3: does the record have a column "KEY-suffix"? */
static int ar_has_column(struct ar *a, const char *key, const char *suffix)
{
	char k[300];
	snprintf(k, sizeof k, "%s%s", key, suffix);
	return json_check_get(&a->obj, k) != NULL;
}

/* Layouts 2 and 3: a flat record whose questions are columns. */
static int ar_record_flat(struct ar *a, struct rec *r, char *err)
{
	static const char *const fixed[] = {"id",	   "_server_id", "external_id", "status",
					    "inserted_at", "updated_at", "metadata",	"vectors"};
	const char **skip = NULL;
	size_t nskip = 0, cap = 0;
	const struct json_val *v;
	char *meta = NULL;
	int rc = -1, nested;

	/* Metadata: the plain fields, i.e. not the id, text, bookkeeping,
	 * question or suggestion columns. */
	skip = xgrow(skip, &cap, a->obj.n + GV_ARRAY_LEN(fixed) + 2, sizeof *skip);
	for (size_t k = 0; k < GV_ARRAY_LEN(fixed); k++)
		skip[nskip++] = fixed[k];
	v = json_check_get(&a->obj, "text");
	if (v && v->type == JSON_TEXT)
		r->text = v->text;
	for (size_t k = 0; k < a->obj.n; k++) {
		const struct json_val *f = &a->obj.v[k];
		if ((nested = ar_is_nested(a, f, err)) < 0)
			goto out;
		if (nested || strchr(f->key, '.') || ends_with(f->key, "-suggestion") ||
		    ends_with(f->key, "-suggestion-metadata") ||
		    ar_has_column(a, f->key, "-suggestion")) {
			skip[nskip++] = f->key;
			continue;
		}
		if (!r->text && f->type == JSON_TEXT && !json_check_get(&a->obj, "text") &&
		    !in_list(fixed, GV_ARRAY_LEN(fixed), f->key))
			r->text = f->text;
	}
	for (size_t k = 0; k < a->obj.n; k++)
		if (a->obj.v[k].type == JSON_TEXT && a->obj.v[k].text == r->text)
			skip[nskip++] = a->obj.v[k].key;
	skip[nskip] = NULL;

	if (a->kind == IMPORT_ITEMS || a->kind == IMPORT_VOTES) {
		if (!r->text && a->kind == IMPORT_ITEMS) {
			ar_fail(a, err, "no text field");
			goto out;
		}
		r->kind = REC_ITEM;
		r->meta = meta = ar_meta_join(json_check_meta(&a->obj, skip), ar_metadata(a));
		if (a->sink->put(a->sink->ctx, r, err))
			goto out;
		r->meta = NULL;
	}
	for (size_t k = 0; k < a->obj.n; k++) {
		const struct json_val *f = &a->obj.v[k];
		if (a->kind == IMPORT_VOTES && ends_with(f->key, ".responses")) {
			if (ar_flat(a, r, f->key, err))
				goto out;
		} else if (a->kind == IMPORT_VOTES && !strchr(f->key, '.')) {
			if ((nested = ar_is_nested(a, f, err)) < 0 ||
			    (nested && ar_nested(a, r, f->key, f, err)))
				goto out;
		} else if (a->kind == IMPORT_PREDICTIONS && ends_with(f->key, ".suggestion")) {
			char q[256], k2[300];
			size_t n = strlen(f->key) - strlen(".suggestion");
			if (n >= sizeof q) {
				ar_fail(a, err, "question name too long");
				goto out;
			}
			memcpy(q, f->key, n);
			q[n] = 0;
			snprintf(k2, sizeof k2, "%s.score", f->key);
			v = json_check_get(&a->obj, k2);
			snprintf(k2, sizeof k2, "%s.agent", f->key);
			if (ar_predict(a, r, q, f, v, json_check_get(&a->obj, k2), err))
				goto out;
		}
		if (a->kind == IMPORT_PREDICTIONS && ends_with(f->key, "-suggestion")) {
			char q[256], k2[300];
			size_t n = strlen(f->key) - strlen("-suggestion");
			if (n >= sizeof q) {
				ar_fail(a, err, "question name too long");
				goto out;
			}
			memcpy(q, f->key, n);
			q[n] = 0;
			snprintf(k2, sizeof k2, "%s-metadata", f->key);
			if (ar_load(a, json_check_get(&a->obj, k2), JSON_OBJECT, k2, &a->sugg, err) ||
			    ar_predict(a, r, q, f, json_check_get(&a->sugg, "score"),
				       json_check_get(&a->sugg, "agent"), err))
				goto out;
		}
	}
	rc = 0;
out:
	free(meta);
	free(skip);
	return rc;
}

static int ar_record(void *ctx, const char *json, size_t len, long line, long col, size_t index,
		     char *err)
{
	struct ar *a = ctx;
	struct rec r = {.file = a->file, .line = line, .col = col};
	const struct json_val *v, *fields, *responses;
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
	r.item = json_check_scalar(v);
	if (!r.item && v && v->type == JSON_NULL && !strcmp(v->key, "external_id")) {
		snprintf(a->position, sizeof a->position, "%zu", index + 1);
		r.item = a->position;
	}
	if (!r.item || !*r.item)
		return ar_fail(a, err, "no \"id\" names the record");
	fields = json_check_get(&a->obj, "fields");
	responses = json_check_get(&a->obj, "responses");
	if ((fields && fields->type == JSON_OBJECT) || (responses && responses->type == JSON_OBJECT))
		return ar_record_nested(a, &r, err);
	return ar_record_flat(a, &r, err);
}

static int ar_read(const char *file, const char *buf, size_t len, enum import_kind kind,
		   const struct fmt_opts *opts, struct sink *sink, char *err)
{
	struct ar a = {.file = file, .kind = kind, .sink = sink, .own_ann = opts && opts->annotator};
	struct json_list *lists[] = {&a.obj,   &a.vals,  &a.users,  &a.status,
				     &a.resp,  &a.label, &a.nested, &a.sugg};
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
	int nested, hub;
	if (n <= 0)
		return 0;
	/* Layout 1 names its parts; layout 3 has external_id, and suggestion
	 * columns or, in files written before Argilla had suggestions, users. */
	nested = json_check_has_key(keys, n, "fields") &&
		 (json_check_has_key(keys, n, "responses") ||
		  json_check_has_key(keys, n, "suggestions"));
	hub = json_check_has_key(keys, n, "external_id") &&
	      (json_check_has_suffix(keys, n, "-suggestion-metadata") ||
	       memmem(buf, len < DETECT_BYTES ? len : DETECT_BYTES, "\"user_id\"", 9));
	if (nested || hub)
		return kind == IMPORT_VOTES || kind == IMPORT_ITEMS || kind == IMPORT_PREDICTIONS;
	if (kind == IMPORT_VOTES || kind == IMPORT_ITEMS)
		return json_check_has_suffix(keys, n, ".responses.users");
	if (kind == IMPORT_PREDICTIONS)
		return json_check_has_suffix(keys, n, ".suggestion.score");
	return 0;
}

const struct fmt fmt_argilla = {
    .name = "argilla",
    .exts = {"json", "jsonl"},
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
