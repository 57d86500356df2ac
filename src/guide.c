/*
 * guide: guideline YAML -> struct guide (a schema check over yamltree), and
 * loading a guideline into a project as a new, hashed version checked
 * against the task's label set.
 */
#include "config.h"

#include "audit.h"
#include "guide.h"
#include "store_guide.h"
#include "text.h"
#include "util.h"
#include "yamltree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const top_keys[] = {"task", "version", "summary", "labels", "rules", NULL};
static const char *const label_keys[] = {"value",	    "definition", "examples",
					 "counterexamples", "key",	  NULL};
static const char *const rule_keys[] = {"id", "text", "labels", NULL};

void guide_free(struct guide *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nlabels; i++) {
		struct guide_label *l = &g->labels[i];
		free(l->value);
		free(l->definition);
		free(l->key);
		yamltree_strv_free(l->examples, l->nexamples);
		yamltree_strv_free(l->counterexamples, l->ncounterexamples);
	}
	for (size_t i = 0; i < g->nrules; i++) {
		free(g->rules[i].id);
		free(g->rules[i].text);
		yamltree_strv_free(g->rules[i].labels, g->rules[i].nlabels);
	}
	free(g->labels);
	free(g->rules);
	free(g->task);
	free(g->version);
	free(g->summary);
	memset(g, 0, sizeof *g);
}

static int parse_label(const struct yamltree *t, const struct yamltree_node *n, struct guide *g,
		       char *err)
{
	struct guide_label *l = &g->labels[g->nlabels];
	char at[64];

	if (yamltree_check_map(t, n, "a label definition", label_keys, err))
		return -1;
	/* Count the entry before filling it, so guide_free sees what was set. */
	g->nlabels++;
	l->line = n->line;
	if (yamltree_get_str(t, n, "value", 1, &l->value, err) ||
	    yamltree_get_str(t, n, "definition", 1, &l->definition, err) ||
	    yamltree_get_strv(t, n, "examples", 0, &l->examples, &l->nexamples, err) ||
	    yamltree_get_strv(t, n, "counterexamples", 0, &l->counterexamples, &l->ncounterexamples,
			      err) ||
	    yamltree_get_str(t, n, "key", 0, &l->key, err))
		return -1;
	for (size_t i = 0; i + 1 < g->nlabels; i++) {
		if (strcmp(g->labels[i].value, l->value) == 0)
			return yamltree_err_quote(
				t, yamltree_get(n, "value"), err, "label ", l->value,
				yamltree_first_at(at, " is defined twice", g->labels[i].line));
	}
	if (l->key) {
		const struct yamltree_node *knode = yamltree_get(n, "key");
		l->key_line = knode->line;
		l->key_col = knode->col;
		if (!guide_key_valid(l->key))
			return yamltree_err_quote(t, knode, err, "key ", l->key,
						  " must be one printable character other than 1-9 "
						  "(keys 1-9 always choose labels by position)");
		for (size_t i = 0; i + 1 < g->nlabels; i++) {
			const struct guide_label *o = &g->labels[i];
			if (o->key && strcmp(o->key, l->key) == 0) {
				struct sbuf msg = {0};
				char *v = text_clean(o->value);
				sbuf_addf(&msg, " is already the key of label '%s' (line %d)", v,
					  o->key_line);
				yamltree_err_quote(t, knode, err, "key ", l->key, msg.s);
				sbuf_free(&msg);
				free(v);
				return -1;
			}
		}
	}
	return 0;
}

int guide_key_valid(const char *k)
{
	return k[0] > ' ' && k[0] < 0x7f && !k[1] && !(k[0] >= '1' && k[0] <= '9');
}

void guide_keys_add(struct guide_key **v, size_t *n, size_t *cap, const struct guide_key *k)
{
	struct guide_key *e;
	*v = xgrow(*v, cap, *n + 1, sizeof **v);
	e = &(*v)[(*n)++];
	*e = *k;
	e->task = xstrdup(k->task);
	e->label = xstrdup(k->label);
	e->file = k->file ? xstrdup(k->file) : NULL;
}

void guide_keys_free(struct guide_key *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].task);
		free(v[i].label);
		free(v[i].file);
	}
	free(v);
}

static int parse_rule(const struct yamltree *t, const struct yamltree_node *n, struct guide *g,
		      char *err)
{
	struct guide_rule *r = &g->rules[g->nrules];
	const struct yamltree_node *labels;
	char at[64];

	if (yamltree_check_map(t, n, "a rule", rule_keys, err))
		return -1;
	g->nrules++;
	r->line = n->line;
	if (yamltree_get_str(t, n, "id", 1, &r->id, err) ||
	    yamltree_get_str(t, n, "text", 1, &r->text, err) ||
	    yamltree_get_strv(t, n, "labels", 0, &r->labels, &r->nlabels, err))
		return -1;
	for (size_t i = 0; i + 1 < g->nrules; i++) {
		if (strcmp(g->rules[i].id, r->id) == 0)
			return yamltree_err_quote(
				t, yamltree_get(n, "id"), err, "rule id ", r->id,
				yamltree_first_at(at, " is used twice", g->rules[i].line));
	}
	labels = yamltree_get(n, "labels");
	for (size_t i = 0; i < r->nlabels; i++) {
		int found = 0;
		for (size_t j = 0; j < g->nlabels && !found; j++)
			found = strcmp(g->labels[j].value, r->labels[i]) == 0;
		if (!found)
			return yamltree_err_quote(t, labels->kids[i], err, "rule names label ",
						  r->labels[i],
						  ", which this guideline does not define");
	}
	return 0;
}

int guide_parse(const char *file, const char *buf, size_t len, struct guide *out, char *err)
{
	struct yamltree *t = NULL;
	const struct yamltree_node *labels, *rules;
	struct guide g = {0};

	memset(out, 0, sizeof *out);
	if (yamltree_parse(file, buf, len, &t, err))
		return -1;
	if (yamltree_check_map(t, t->root, "a guideline", top_keys, err) ||
	    yamltree_get_str(t, t->root, "task", 1, &g.task, err) ||
	    yamltree_get_str(t, t->root, "version", 1, &g.version, err) ||
	    yamltree_get_str(t, t->root, "summary", 0, &g.summary, err) ||
	    yamltree_get_seq(t, t->root, "labels", 1, &labels, err) ||
	    yamltree_get_seq(t, t->root, "rules", 0, &rules, err))
		goto fail;
	if (!*g.task) {
		yamltree_err(t, yamltree_get(t->root, "task"), err, "'task' must not be empty");
		goto fail;
	}
	if (labels->nkids == 0) {
		yamltree_err(t, labels, err, "'labels' must define at least one label");
		goto fail;
	}
	g.labels = xcalloc(labels->nkids, sizeof *g.labels);
	for (size_t i = 0; i < labels->nkids; i++) {
		if (parse_label(t, labels->kids[i], &g, err))
			goto fail;
	}
	if (rules && rules->nkids) {
		g.rules = xcalloc(rules->nkids, sizeof *g.rules);
		for (size_t i = 0; i < rules->nkids; i++) {
			if (parse_rule(t, rules->kids[i], &g, err))
				goto fail;
		}
	}
	yamltree_free(t);
	*out = g;
	return 0;
fail:
	yamltree_free(t);
	guide_free(&g);
	return -1;
}

void guide_row_free(struct guide_row *r)
{
	if (!r)
		return;
	free(r->declared_version);
	free(r->yaml);
	free(r->path);
	free(r->loaded_at);
	memset(r, 0, sizeof *r);
}

/* "a, b, c" of a task's label values, for messages. */
static char *label_list(const struct store_task *t)
{
	struct sbuf b = {0};
	for (size_t i = 0; i < t->nlabels; i++)
		sbuf_addf(&b, "%s%s", i ? ", " : "", t->labels[i].value);
	return b.s ? sbuf_take(&b) : xstrdup("none");
}

/* The guideline's label whose value is v, or NULL. */
static const struct guide_label *guide_label_of(const struct guide *g, const char *v)
{
	for (size_t i = 0; i < g->nlabels; i++)
		if (strcmp(g->labels[i].value, v) == 0)
			return &g->labels[i];
	return NULL;
}

/* Each key the guideline gives must stay one label's: not the key another
 * label of the task keeps (because the guideline gives that one none). */
static int check_task_keys(const struct guide *g, const struct store_task *task, const char *file,
			   char *err)
{
	for (size_t i = 0; i < g->nlabels; i++) {
		const struct guide_label *l = &g->labels[i];
		for (size_t j = 0; l->key && j < task->nlabels; j++) {
			const struct store_label *o = &task->labels[j];
			const struct guide_label *og = guide_label_of(g, o->value);
			const char *okey = og && og->key ? og->key : o->key;
			char *f, *k, *v, *ov, *tn;
			if (strcmp(o->value, l->value) == 0 || !okey || strcmp(okey, l->key) != 0)
				continue;
			f = text_clean(file), k = text_clean(l->key), v = text_clean(l->value);
			ov = text_clean(o->value), tn = text_clean(task->name);
			err_set(err,
				"%s:%d:%d: key '%s' of label '%s' is already the key of label '%s' "
				"in task '%s' (give that label another key here too)",
				f, l->key_line, l->key_col, k, v, ov, tn);
			free(f);
			free(k);
			free(v);
			free(ov);
			free(tn);
			return -1;
		}
	}
	return 0;
}

int guide_load_buffer(struct store *st, const struct audit_actor *a, const char *file,
		      const char *buf, size_t len, int64_t *version_out, char sha_out[65],
		      char *err)
{
	struct guide g = {0};
	struct store_task task = {0};
	struct sbuf detail = {0};
	char sha[65];
	int64_t version = 0;
	int have_task = 0, rc = -1, found;

	if (guide_parse(file, buf, len, &g, err))
		return -1;
	found = store_task_get(st, g.task, &task, err);
	if (found < 0)
		goto out;
	if (found == 0) {
		char *clean = text_clean(g.task);
		err_set(err, "%s: task '%s' is not in the project", file, clean);
		free(clean);
		goto out;
	}
	have_task = 1;
	for (size_t i = 0; i < g.nlabels; i++) {
		if (store_task_label_index(&task, g.labels[i].value) < 0) {
			char *v = text_clean(g.labels[i].value), *tn = text_clean(task.name);
			char *list = label_list(&task), *cl = text_clean(list);
			err_set(err, "%s:%d: label '%s' is not a label of task '%s' (labels: %s)",
				file, g.labels[i].line, v, tn, cl);
			free(v);
			free(tn);
			free(list);
			free(cl);
			goto out;
		}
	}
	if (check_task_keys(&g, &task, file, err))
		goto out;
	for (size_t i = 0; i < g.nlabels; i++) {
		if (g.labels[i].key &&
		    store_guide_set_key(st, task.id, g.labels[i].value, g.labels[i].key, err))
			goto out;
	}
	util_sha256_hex(buf, len, sha);
	if (store_guide_add(st, task.id, g.version, sha, buf, len, file, &version, err))
		goto out;
	sbuf_add(&detail, "{\"task\":");
	sbuf_add_json_str(&detail, task.name);
	sbuf_addf(&detail, ",\"version\":%lld,\"declared_version\":", (long long)version);
	sbuf_add_json_str(&detail, g.version);
	sbuf_addf(&detail, ",\"sha256\":\"%s\",\"path\":", sha);
	sbuf_add_json_str(&detail, file);
	sbuf_addf(&detail, ",\"labels\":%zu,\"rules\":%zu}", g.nlabels, g.nrules);
	if (audit_append(st, a, "guideline-load", 0, detail.s, NULL, err))
		goto out;
	if (version_out)
		*version_out = version;
	if (sha_out)
		memcpy(sha_out, sha, sizeof sha);
	rc = 0;
out:
	if (have_task)
		store_task_free(&task);
	guide_free(&g);
	sbuf_free(&detail);
	return rc;
}

int guide_load(struct store *st, const struct audit_actor *a, const char *path,
	       int64_t *version_out, char *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;
	if (util_read_file(path, GUIDE_MAX_BYTES, &buf, &len, err))
		return -1;
	rc = guide_load_buffer(st, a, path, buf, len, version_out, NULL, err);
	free(buf);
	return rc;
}

int guide_current(struct store *st, int64_t task, struct guide *out, int64_t *version, char *err)
{
	struct guide_row row = {0};
	char name[64];
	int found = store_guide_get(st, task, 0, &row, err);
	if (found != 0)
		return found;
	snprintf(name, sizeof name, "guideline version %lld", (long long)row.version);
	if (guide_parse(name, row.yaml, row.len, out, err)) {
		guide_row_free(&row);
		return -1;
	}
	if (version)
		*version = row.version;
	guide_row_free(&row);
	return 0;
}
