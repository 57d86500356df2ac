/*
 * fmt_prodigy: annotations exported from Prodigy (`prodigy db-out`), JSON
 * Lines with one answer per line:
 *   {"text": "...", "meta": {...}, "_input_hash": -1821528064,
 *    "_task_hash": 790119437, "answer": "accept",
 *    "_annotator_id": "news-alice", "_session_id": "news-alice",
 *    and either  "label": "SPORTS"                       (binary tasks)
 *    or          "options": [{"id": "POS", "text": "Positive"}, ...],
 *                "accept": ["POS"]                        (choice tasks)}
 * Answers are grouped into items by meta.id when the task has one, else by
 * _input_hash. The annotator is _annotator_id, else _session_id.
 * "ignore" answers are skipped. A choice task's vote is the one accepted
 * option id (several accepted is an error: gavel votes are single-label); a
 * rejected choice task gave no label and is skipped. A binary task asks
 * "is this LABEL?": its vote is the answer itself, "accept" or "reject",
 * and the record names LABEL as its task. _timestamp (Unix seconds) becomes
 * the vote time. An items import takes text and meta from every line.
 * Span annotations (ner, spans, image boxes: "spans" without a "label" or
 * "accept") are not supported: they are passed over, counted, and a file of
 * nothing else is refused saying so. Most single-annotator datasets carry
 * no _annotator_id or _session_id: --annotator names their annotator.
 */
#include "config.h"

#include "formats.h"
#include "json_check.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct pr {
	const char *file;
	enum import_kind kind;
	struct sink *sink;
	struct json_reader *jr;
	int own_ann; /* --annotator: answers need not name their annotator */
	struct json_list obj, meta, accept;
};

/* The item id: meta.id, else _input_hash. */
static const char *pr_item(struct pr *p, long line, long col, char *err)
{
	const struct json_val *meta = json_check_get(&p->obj, "meta");
	const struct json_val *v;
	const char *id;
	json_check_list_free(&p->meta);
	if (meta && meta->type == JSON_OBJECT) {
		if (json_check_members(p->jr, meta->text, strlen(meta->text), &p->meta, err))
			return NULL;
		id = json_check_scalar(json_check_get(&p->meta, "id"));
		if (id && *id)
			return id;
	}
	v = json_check_get(&p->obj, "_input_hash");
	if (!v) {
		json_check_errf(err, p->file, line, col,
				"missing \"_input_hash\" (and no meta.id)");
		return NULL;
	}
	if (!(id = json_check_scalar(v)) || !*id) {
		json_check_errf(err, p->file, line, col,
				"\"_input_hash\" must be a number or a string, not %s",
				json_check_type_name(v->type));
		return NULL;
	}
	return id;
}

static int pr_line(void *ctx, const char *json, size_t len, long line, long col, size_t index,
		   char *err)
{
	struct pr *p = ctx;
	struct rec r = {.file = p->file, .line = line, .col = col};
	const struct json_val *v, *ans, *who;
	char at[32];
	if (json_check_members(p->jr, json, len, &p->obj, err))
		return json_check_errf(err, p->file, line, col, "%s", err);
	if (!(r.item = pr_item(p, line, col, err)))
		return -1;
	v = json_check_get(&p->obj, "text");
	if (v && v->type != JSON_NULL && v->type != JSON_TEXT)
		return json_check_errf(err, p->file, line, col, "\"text\" must be a string, not %s",
				       json_check_type_name(v->type));
	r.text = v && v->type == JSON_TEXT ? v->text : NULL;
	if (p->kind == IMPORT_ITEMS) {
		const struct json_val *meta = json_check_get(&p->obj, "meta");
		if (!r.text)
			return json_check_errf(err, p->file, line, col, "missing \"text\"");
		r.kind = REC_ITEM;
		r.meta = meta && meta->type == JSON_OBJECT ? meta->json : NULL;
		return p->sink->put(p->sink->ctx, &r, err);
	}

	ans = json_check_get(&p->obj, "answer");
	if (!ans || ans->type != JSON_TEXT)
		return json_check_errf(err, p->file, line, col,
				       "\"answer\" must be \"accept\", \"reject\" or \"ignore\"");
	if (!strcmp(ans->text, "ignore")) {
		record_skip(p->sink, NULL, "ignored answer");
		return 0;
	}
	if (strcmp(ans->text, "accept") && strcmp(ans->text, "reject"))
		return json_check_errf(
		    err, p->file, line, col,
		    "unknown answer \"%.40s\" (expected accept, reject or ignore)", ans->text);
	v = json_check_get(&p->obj, "accept");
	if ((!v || v->type == JSON_NULL) && !json_check_get(&p->obj, "options") &&
	    !json_check_get(&p->obj, "label") && json_check_get(&p->obj, "spans")) {
		record_skip(p->sink, NULL, "span annotation (spans are not supported)");
		return 0;
	}
	who = json_check_get(&p->obj, "_annotator_id");
	if (!json_check_scalar(who) || !*who->text)
		who = json_check_get(&p->obj, "_session_id");
	if ((!json_check_scalar(who) || !*who->text) && !p->own_ann)
		return json_check_errf(err, p->file, line, col,
				       "no \"_annotator_id\" or \"_session_id\" names the annotator "
				       "(name it with --annotator)");
	r.annotator = json_check_scalar(who) && *who->text ? who->text : NULL;

	if ((v && v->type != JSON_NULL) || json_check_get(&p->obj, "options")) {
		if (!strcmp(ans->text, "reject")) {
			record_skip(p->sink, NULL, "rejected choice answer");
			return 0;
		}
		if (!v || v->type != JSON_ARRAY)
			return json_check_errf(err, p->file, line, col,
					       "a choice task needs \"accept\": [option id]");
		if (json_check_members(p->jr, v->text, strlen(v->text), &p->accept, err))
			return -1;
		if (p->accept.n != 1)
			return json_check_errf(
			    err, p->file, line, col,
			    "%zu options accepted: gavel votes are single-label, "
			    "one accepted option is needed",
			    p->accept.n);
		if (!(r.label = json_check_scalar(&p->accept.v[0])) || !*r.label)
			return json_check_errf(
			    err, p->file, line, col,
			    "the accepted option id must be a string or a number");
	} else {
		v = json_check_get(&p->obj, "label");
		if (!v || v->type != JSON_TEXT || !*v->text)
			return json_check_errf(err, p->file, line, col,
					       "neither \"label\" (binary task) nor \"accept\" "
					       "(choice task) is given");
		r.task = v->text;
		r.label = ans->text;
	}
	v = json_check_get(&p->obj, "_timestamp");
	if (v && v->type == JSON_INT) {
		time_t t = (time_t)v->num;
		struct tm tm;
		if (gmtime_r(&t, &tm) && strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm))
			r.at = at;
	}
	r.kind = REC_VOTE;
	return p->sink->put(p->sink->ctx, &r, err);
}

static int pr_read(const char *file, const char *buf, size_t len, enum import_kind kind,
		   const struct fmt_opts *opts, struct sink *sink, char *err)
{
	struct pr p = {.file = file, .kind = kind, .sink = sink, .own_ann = opts && opts->annotator};
	int rc;
	if (kind != IMPORT_VOTES && kind != IMPORT_ITEMS)
		return err_set(err, "%s: Prodigy files hold only items and votes", file);
	if (json_check_open(&p.jr, err))
		return -1;
	rc = json_check_lines(file, buf, len, pr_line, &p, err);
	json_check_list_free(&p.obj);
	json_check_list_free(&p.meta);
	json_check_list_free(&p.accept);
	json_check_close(p.jr);
	return rc;
}

/* Bytes looked at to detect a format: enough for any first record's keys. */
#define DETECT_BYTES 65536

static int pr_detect(const char *buf, size_t len, enum import_kind kind)
{
	char keys[2048];
	int in_array,
	    n = json_check_first_keys(buf, len, DETECT_BYTES, &in_array, keys, sizeof keys);
	if (n <= 0 || in_array || !json_check_has_key(keys, n, "_input_hash"))
		return 0;
	if (kind == IMPORT_VOTES)
		return json_check_has_key(keys, n, "answer");
	if (kind == IMPORT_ITEMS)
		return json_check_has_key(keys, n, "text");
	return 0;
}

const struct fmt fmt_prodigy = {
    .name = "prodigy",
    .exts = {"jsonl", "ndjson"},
    .kinds = 1u << IMPORT_VOTES | 1u << IMPORT_ITEMS,
    .reads =
	{
	    [IMPORT_VOTES] = "accepted or rejected classification answers: a \"label\" "
			     "(binary) or one \"accept\" option id (choice)",
	    [IMPORT_ITEMS] = "lines with a \"text\"",
	},
    .detect = pr_detect,
    .read = pr_read,
};
