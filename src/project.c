/*
 * project: the project YAML -> struct project (a schema check over
 * yamltree with a default for every optional field), writing a parsed project
 * into a new database, and reading back the queues and export settings that
 * the queue screen and the exporter need.
 */
#include "config.h"

#include "audit.h"
#include "project.h"
#include "store_guide.h"
#include "text.h"
#include "util.h"
#include "yamltree.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROJECT_MAX_BYTES (4u << 20)

static const char *const top_keys[] = {"project", "tasks", "queues", "export", NULL};
static const char *const task_keys[] = {"name",	  "question",	"scale", "threshold",
					"labels", "guidelines", NULL};
static const char *const label_keys[] = {"value", "name", "key", NULL};
static const char *const queue_keys[] = {"name",
					 "rule",
					 "task",
					 "below",
					 "min_votes",
					 "top_percent",
					 "sample",
					 "seed",
					 "min_confidence",
					 "blind",
					 "tiebreaker_not_voter",
					 "model",
					 NULL};
static const char *const export_keys[] = {"expert_weight", NULL};

/* Each rule and the options that mean something for it. */
static const struct {
	const char *rule;
	const char *options[3];
} rule_options[] = {
	{"disputed", {"below"}},
	{"needs-votes", {"min_votes"}},
	{"uncertain", {"top_percent"}},
	{"audit", {"sample", "seed", "min_confidence"}},
	{"model-disagrees", {"min_confidence"}},
	{"label-issues", {"model"}},
	{"conflicts", {NULL}},
};

/* Options every rule takes. */
static const char *const common_options[] = {"name", "rule", "task", "blind",
					     "tiebreaker_not_voter"};

static void task_free(struct project_task *t)
{
	for (size_t i = 0; i < t->nlabels; i++) {
		free(t->labels[i].value);
		free(t->labels[i].name);
		free(t->labels[i].key);
	}
	free(t->labels);
	free(t->name);
	free(t->question);
	free(t->guidelines);
}

void project_queues_free(struct queue_def *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].name);
		free(v[i].rule);
		free(v[i].task);
		free(v[i].model);
	}
	free(v);
}

void project_free(struct project *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ntasks; i++)
		task_free(&p->tasks[i]);
	free(p->tasks);
	project_queues_free(p->queues, p->nqueues);
	free(p->name);
	memset(p, 0, sizeof *p);
}

/* A relative guideline path is relative to the project YAML's directory. */
static char *resolve_path(const char *file, const char *path)
{
	const char *slash = strrchr(file, '/');
	struct sbuf b = {0};
	if (path[0] == '/' || !slash || strcmp(file, "-") == 0)
		return xstrdup(path);
	sbuf_addn(&b, file, (size_t)(slash - file) + 1);
	sbuf_add(&b, path);
	return sbuf_take(&b);
}

static int parse_label(const struct yamltree *t, const struct yamltree_node *n,
		       struct project_task *task, const struct yamltree_node **value_nodes,
		       char *err)
{
	struct project_label *l = &task->labels[task->nlabels];
	const struct yamltree_node *vnode;
	char at[64];

	if (n->kind == YT_SCALAR && !yamltree_is_null(n)) {
		/* Shorthand: "- negative" is "- value: negative". */
		task->nlabels++;
		l->value = xstrdup(n->value);
		vnode = n;
	} else {
		if (yamltree_check_map(t, n, "a label", label_keys, err))
			return -1;
		task->nlabels++;
		if (yamltree_get_str(t, n, "value", 1, &l->value, err) ||
		    yamltree_get_str(t, n, "name", 0, &l->name, err) ||
		    yamltree_get_str(t, n, "key", 0, &l->key, err))
			return -1;
		vnode = yamltree_get(n, "value");
	}
	if (!*l->value)
		return yamltree_err(t, vnode, err, "a label value must not be empty");
	if (!l->name)
		l->name = xstrdup(l->value);
	value_nodes[task->nlabels - 1] = vnode;
	for (size_t i = 0; i + 1 < task->nlabels; i++) {
		if (strcmp(task->labels[i].value, l->value) == 0)
			return yamltree_err_quote(
				t, vnode, err, "label ", l->value,
				yamltree_first_at(at, " is listed twice", value_nodes[i]->line));
	}
	if (l->key) {
		const struct yamltree_node *knode = yamltree_get(n, "key");
		l->key_line = knode->line;
		l->key_col = knode->col;
		if (!guide_key_valid(l->key))
			return yamltree_err_quote(t, knode, err, "key ", l->key,
						  " must be one printable character other than 1-9 "
						  "(keys 1-9 always choose labels by position)");
		for (size_t i = 0; i + 1 < task->nlabels; i++) {
			const char *other = task->labels[i].key;
			if (other && strcmp(other, l->key) == 0) {
				char *cv = text_clean(task->labels[i].value);
				struct sbuf msg = {0};
				sbuf_addf(&msg, " is already bound to label '%s'", cv);
				yamltree_err_quote(t, knode, err, "key ", l->key, msg.s);
				sbuf_free(&msg);
				free(cv);
				return -1;
			}
		}
	}
	return 0;
}

static int parse_task(const struct yamltree *t, const struct yamltree_node *n, struct project *p,
		      const struct yamltree_node **name_nodes, char *err)
{
	struct project_task *task = &p->tasks[p->ntasks];
	const struct yamltree_node *labels, **value_nodes = NULL;
	char *scale = NULL, *guidelines = NULL, at[64];
	int rc = -1;

	if (yamltree_check_map(t, n, "a task", task_keys, err))
		return -1;
	p->ntasks++;
	if (yamltree_get_str(t, n, "name", 1, &task->name, err) ||
	    yamltree_get_str(t, n, "question", 0, &task->question, err) ||
	    yamltree_get_str(t, n, "scale", 0, &scale, err) ||
	    yamltree_get_double(t, n, "threshold", 0.70, 0, 1, &task->threshold, err) ||
	    yamltree_get_seq(t, n, "labels", 1, &labels, err) ||
	    yamltree_get_str(t, n, "guidelines", 0, &guidelines, err))
		goto out;
	name_nodes[p->ntasks - 1] = yamltree_get(n, "name");
	if (!*task->name) {
		yamltree_err(t, name_nodes[p->ntasks - 1], err, "a task name must not be empty");
		goto out;
	}
	for (size_t i = 0; i + 1 < p->ntasks; i++) {
		if (strcmp(p->tasks[i].name, task->name) == 0) {
			yamltree_err_quote(
				t, name_nodes[p->ntasks - 1], err, "task ", task->name,
				yamltree_first_at(at, " is declared twice", name_nodes[i]->line));
			goto out;
		}
	}
	enum store_scale sc = SCALE_NOMINAL;
	if (scale && store_scale_parse(scale, &sc)) {
		yamltree_err_quote(t, yamltree_get(n, "scale"), err,
				   "scale must be nominal, ordinal or "
				   "interval, not ",
				   scale, "");
		goto out;
	}
	task->scale = (int)sc;
	if (labels->nkids < 2) {
		yamltree_err(t, labels, err, "a task needs at least two labels");
		goto out;
	}
	task->labels = xcalloc(labels->nkids, sizeof *task->labels);
	value_nodes = xcalloc(labels->nkids, sizeof *value_nodes);
	for (size_t i = 0; i < labels->nkids; i++) {
		if (parse_label(t, labels->kids[i], task, value_nodes, err))
			goto out;
	}
	if (guidelines) {
		if (!*guidelines) {
			yamltree_err(t, yamltree_get(n, "guidelines"), err,
				     "'guidelines' must name a file");
			goto out;
		}
		task->guidelines = resolve_path(t->file, guidelines);
	}
	rc = 0;
out:
	free(scale);
	free(guidelines);
	free(value_nodes);
	return rc;
}

static int rule_index(const char *rule)
{
	for (size_t i = 0; i < GV_ARRAY_LEN(rule_options); i++) {
		if (strcmp(rule_options[i].rule, rule) == 0)
			return (int)i;
	}
	return -1;
}

/* An option given for a rule it means nothing to is an error, so that a
 * typo in the rule cannot silently drop the option. */
static int check_rule_options(const struct yamltree *t, const struct yamltree_node *n, int r,
			      char *err)
{
	for (size_t i = 0; i + 1 < n->nkids; i += 2) {
		const char *k = n->kids[i]->value;
		int ok = 0;
		for (size_t j = 0; j < GV_ARRAY_LEN(common_options) && !ok; j++)
			ok = strcmp(k, common_options[j]) == 0;
		for (size_t j = 0; j < 3 && rule_options[r].options[j] && !ok; j++)
			ok = strcmp(k, rule_options[r].options[j]) == 0;
		if (!ok) {
			struct sbuf msg = {0};
			sbuf_addf(&msg, " does not apply to rule '%s'", rule_options[r].rule);
			yamltree_err_quote(t, n->kids[i], err, "option ", k, msg.s);
			sbuf_free(&msg);
			return -1;
		}
	}
	return 0;
}

static int parse_queue(const struct yamltree *t, const struct yamltree_node *n, struct project *p,
		       const struct yamltree_node **name_nodes, char *err)
{
	struct queue_def *q = &p->queues[p->nqueues];
	const struct yamltree_node *nn;
	long min_votes, sample, seed;
	int r, audit, disagrees, found = 0;
	char at[64];

	if (yamltree_check_map(t, n, "a queue", queue_keys, err))
		return -1;
	p->nqueues++;
	if (yamltree_get_str(t, n, "rule", 1, &q->rule, err))
		return -1;
	r = rule_index(q->rule);
	if (r < 0)
		return yamltree_err_quote(t, yamltree_get(n, "rule"), err, "unknown rule ", q->rule,
					  " (rules: disputed, needs-votes, uncertain, audit, "
					  "model-disagrees, label-issues, conflicts)");
	audit = strcmp(q->rule, "audit") == 0;
	disagrees = strcmp(q->rule, "model-disagrees") == 0;
	if (check_rule_options(t, n, r, err) || yamltree_get_str(t, n, "name", 0, &q->name, err) ||
	    yamltree_get_str(t, n, "task", 0, &q->task, err) ||
	    yamltree_get_double(t, n, "below", 0, 0, 1, &q->below, err) ||
	    yamltree_get_long(t, n, "min_votes", 3, 1, 1000000, &min_votes, err) ||
	    yamltree_get_double(t, n, "top_percent", 5, 0, 100, &q->top_percent, err) ||
	    yamltree_get_long(t, n, "sample", 500, 1, 100000000, &sample, err) ||
	    yamltree_get_long(t, n, "seed", 1, 0, LONG_MAX, &seed, err) ||
	    yamltree_get_double(t, n, "min_confidence",
				audit	    ? 0.95
				: disagrees ? 0.9
					    : 0,
				0, 1, &q->min_confidence, err) ||
	    yamltree_get_bool(t, n, "blind", audit, &q->blind, err) ||
	    yamltree_get_bool(t, n, "tiebreaker_not_voter", 0, &q->tiebreaker_not_voter, err) ||
	    yamltree_get_str(t, n, "model", 0, &q->model, err))
		return -1;
	if (q->model && !*q->model)
		return yamltree_err(t, yamltree_get(n, "model"), err, "'model' must name a model");
	q->min_votes = (int)min_votes;
	q->sample = (int)sample;
	q->seed = (unsigned long)seed;
	if (yamltree_get(n, "top_percent") && q->top_percent <= 0)
		return yamltree_err(t, yamltree_get(n, "top_percent"), err,
				    "'top_percent' must be above 0");
	if (yamltree_get(n, "below") && q->below <= 0)
		return yamltree_err(t, yamltree_get(n, "below"), err, "'below' must be above 0");
	nn = yamltree_get(n, "name") ? yamltree_get(n, "name") : yamltree_get(n, "rule");
	if (!q->name)
		q->name = xstrdup(q->rule);
	name_nodes[p->nqueues - 1] = nn;
	if (!*q->name)
		return yamltree_err(t, nn, err, "a queue name must not be empty");
	for (size_t i = 0; i + 1 < p->nqueues; i++) {
		if (strcmp(p->queues[i].name, q->name) == 0)
			return yamltree_err_quote(
				t, nn, err, "queue ", q->name,
				yamltree_first_at(at, " is declared twice", name_nodes[i]->line));
	}
	for (size_t i = 0; q->task && i < p->ntasks && !found; i++)
		found = strcmp(p->tasks[i].name, q->task) == 0;
	if (q->task && !found)
		return yamltree_err_quote(t, yamltree_get(n, "task"), err, "queue names task ",
					  q->task, ", which the project does not declare");
	return 0;
}

int project_parse(const char *file, const char *buf, size_t len, struct project *out, char *err)
{
	struct yamltree *t = NULL;
	const struct yamltree_node *tasks, *queues, *exp, **names = NULL;
	struct project p = {0};

	memset(out, 0, sizeof *out);
	if (yamltree_parse(file, buf, len, &t, err))
		return -1;
	if (yamltree_check_map(t, t->root, "a project", top_keys, err) ||
	    yamltree_get_str(t, t->root, "project", 1, &p.name, err) ||
	    yamltree_get_seq(t, t->root, "tasks", 1, &tasks, err) ||
	    yamltree_get_seq(t, t->root, "queues", 0, &queues, err))
		goto fail;
	if (!*p.name) {
		yamltree_err(t, yamltree_get(t->root, "project"), err,
			     "'project' must not be empty");
		goto fail;
	}
	if (tasks->nkids == 0) {
		yamltree_err(t, tasks, err, "'tasks' must declare at least one task");
		goto fail;
	}
	p.tasks = xcalloc(tasks->nkids, sizeof *p.tasks);
	names = xcalloc(tasks->nkids, sizeof *names);
	for (size_t i = 0; i < tasks->nkids; i++) {
		if (parse_task(t, tasks->kids[i], &p, names, err))
			goto fail;
	}
	free(names);
	names = NULL;
	if (queues && queues->nkids) {
		p.queues = xcalloc(queues->nkids, sizeof *p.queues);
		names = xcalloc(queues->nkids, sizeof *names);
		for (size_t i = 0; i < queues->nkids; i++) {
			if (parse_queue(t, queues->kids[i], &p, names, err))
				goto fail;
		}
	}
	p.expert_weight = 1.0;
	exp = yamltree_get(t->root, "export");
	if (exp && !yamltree_is_null(exp) &&
	    (yamltree_check_map(t, exp, "export", export_keys, err) ||
	     yamltree_get_double(t, exp, "expert_weight", 1.0, 0, 1000, &p.expert_weight, err)))
		goto fail;
	free(names);
	yamltree_free(t);
	*out = p;
	return 0;
fail:
	free(names);
	yamltree_free(t);
	project_free(&p);
	return -1;
}

int project_load_file(const char *path, struct project *out, char *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;
	memset(out, 0, sizeof *out);
	if (util_read_file(path, PROJECT_MAX_BYTES, &buf, &len, err))
		return -1;
	rc = project_parse(path, buf, len, out, err);
	free(buf);
	return rc;
}

int project_keys(const struct project *p, const char *file, struct guide_key **v, size_t *n,
		 char *err)
{
	size_t cap = *n;
	for (size_t i = 0; i < p->ntasks; i++) {
		const struct project_task *task = &p->tasks[i];
		struct guide g = {0};
		char *buf = NULL;
		size_t len = 0;
		int have_g = 0;

		if (task->guidelines) {
			if (util_read_file(task->guidelines, GUIDE_MAX_BYTES, &buf, &len, err) ||
			    guide_parse(task->guidelines, buf, len, &g, err)) {
				free(buf);
				return -1;
			}
			free(buf);
			/* A guideline for another task is loaded into that one. */
			have_g = strcmp(g.task, task->name) == 0;
			if (!have_g)
				guide_free(&g);
		}
		for (size_t j = 0; j < task->nlabels; j++) {
			const struct project_label *l = &task->labels[j];
			const struct guide_label *gl = NULL;
			struct guide_key k = {
				.task = task->name, .label = l->value, .index = (int)j};
			for (size_t m = 0; have_g && m < g.nlabels && !gl; m++)
				if (strcmp(g.labels[m].value, l->value) == 0)
					gl = &g.labels[m];
			if (gl && gl->key) {
				k.key = (unsigned char)gl->key[0];
				k.file = task->guidelines;
				k.line = gl->key_line;
				k.col = gl->key_col;
			} else if (l->key) {
				k.key = (unsigned char)l->key[0];
				k.file = (char *)file;
				k.line = l->key_line;
				k.col = l->key_col;
			} else {
				continue;
			}
			guide_keys_add(v, n, &cap, &k);
		}
		if (have_g)
			guide_free(&g);
	}
	return 0;
}

/* The queues as the JSON array project key "queues" holds. */
static char *queues_json(const struct project *p)
{
	struct sbuf b = {0};
	sbuf_addc(&b, '[');
	for (size_t i = 0; i < p->nqueues; i++) {
		const struct queue_def *q = &p->queues[i];
		sbuf_add(&b, i ? ",{\"name\":" : "{\"name\":");
		sbuf_add_json_str(&b, q->name);
		sbuf_add(&b, ",\"rule\":");
		sbuf_add_json_str(&b, q->rule);
		sbuf_add(&b, ",\"task\":");
		if (q->task)
			sbuf_add_json_str(&b, q->task);
		else
			sbuf_add(&b, "null");
		sbuf_add(&b, ",\"below\":");
		sbuf_add_json_num(&b, q->below);
		sbuf_addf(&b, ",\"min_votes\":%d,\"top_percent\":", q->min_votes);
		sbuf_add_json_num(&b, q->top_percent);
		sbuf_addf(&b, ",\"sample\":%d,\"seed\":%lu,\"min_confidence\":", q->sample,
			  q->seed);
		sbuf_add_json_num(&b, q->min_confidence);
		sbuf_addf(&b, ",\"blind\":%s,\"tiebreaker_not_voter\":%s",
			  q->blind ? "true" : "false", q->tiebreaker_not_voter ? "true" : "false");
		if (q->model) {
			sbuf_add(&b, ",\"model\":");
			sbuf_add_json_str(&b, q->model);
		}
		sbuf_addc(&b, '}');
	}
	sbuf_addc(&b, ']');
	return sbuf_take(&b);
}

static char *questions_json(const struct project *p)
{
	struct sbuf b = {0};
	int any = 0;
	sbuf_addc(&b, '{');
	for (size_t i = 0; i < p->ntasks; i++) {
		if (!p->tasks[i].question)
			continue;
		if (any++)
			sbuf_addc(&b, ',');
		sbuf_add_json_str(&b, p->tasks[i].name);
		sbuf_addc(&b, ':');
		sbuf_add_json_str(&b, p->tasks[i].question);
	}
	sbuf_addc(&b, '}');
	return sbuf_take(&b);
}

int project_apply(struct store *st, const struct project *p, const struct audit_actor *actor,
		  const char *yaml_text, char *err)
{
	struct sbuf detail = {0}, num = {0};
	char *queues = NULL, *questions = NULL, sha[65] = "";
	int rc = -1;

	for (size_t i = 0; i < p->ntasks; i++) {
		const struct project_task *task = &p->tasks[i];
		int64_t id;
		id = store_task_create(st, task->name, task->scale, task->threshold, 1, err);
		if (id < 0)
			goto out;
		for (size_t j = 0; j < task->nlabels; j++) {
			const struct project_label *l = &task->labels[j];
			if (store_label_add(st, id, (int)j, l->value, l->name, l->key, (int)j, err))
				goto out;
		}
	}
	if (store_meta_set(st, "name", p->name, err))
		goto out;
	if (yaml_text) {
		util_sha256_hex(yaml_text, strlen(yaml_text), sha);
		if (store_meta_set(st, "project_yaml", yaml_text, err) ||
		    store_meta_set(st, "project_sha256", sha, err))
			goto out;
	}
	if (p->nqueues) {
		queues = queues_json(p);
		if (store_meta_set(st, "queues", queues, err))
			goto out;
	}
	questions = questions_json(p);
	sbuf_add_json_num(&num, p->expert_weight);
	if (store_meta_set(st, "questions", questions, err) ||
	    store_meta_set(st, "expert_weight", num.s, err))
		goto out;

	sbuf_add(&detail, "{\"project\":");
	sbuf_add_json_str(&detail, p->name);
	sbuf_add(&detail, ",\"sha256\":");
	if (*sha)
		sbuf_add_json_str(&detail, sha);
	else
		sbuf_add(&detail, "null");
	sbuf_add(&detail, ",\"tasks\":[");
	for (size_t i = 0; i < p->ntasks; i++) {
		if (i)
			sbuf_addc(&detail, ',');
		sbuf_add_json_str(&detail, p->tasks[i].name);
	}
	sbuf_add(&detail, "],\"queues\":");
	sbuf_add(&detail, queues ? queues : "null");
	sbuf_add(&detail, ",\"expert_weight\":");
	sbuf_add(&detail, num.s);
	sbuf_addc(&detail, '}');
	if (audit_append(st, actor, "project-apply", 0, detail.s, NULL, err))
		goto out;

	for (size_t i = 0; i < p->ntasks; i++) {
		if (p->tasks[i].guidelines &&
		    guide_load(st, actor, p->tasks[i].guidelines, NULL, err))
			goto out;
	}
	rc = 0;
out:
	free(queues);
	free(questions);
	sbuf_free(&detail);
	sbuf_free(&num);
	return rc;
}

/* The queues a project gets when its YAML declares none. */
static void default_queues(struct queue_def **out, size_t *n)
{
	static const char *const names[] = {"disputed", "needs-votes",	   "uncertain",
					    "audit",	"model-disagrees", "label-issues"};
	struct queue_def *v = xcalloc(GV_ARRAY_LEN(names), sizeof *v);
	for (size_t i = 0; i < GV_ARRAY_LEN(names); i++) {
		v[i].name = xstrdup(names[i]);
		v[i].rule = xstrdup(names[i]);
		v[i].below = 0;
		v[i].min_votes = 3;
		v[i].top_percent = 5;
		v[i].sample = 500;
		v[i].seed = 1;
	}
	v[3].min_confidence = 0.95;
	v[3].blind = 1;
	v[4].min_confidence = 0.9;
	*out = v;
	*n = GV_ARRAY_LEN(names);
}

int project_queues(struct store *st, struct queue_def **out, size_t *n, char *err)
{
	int have = 0;
	if (store_guide_queues(st, out, n, err))
		return -1;
	if (*n == 0) {
		free(*out);
		default_queues(out, n);
	}
	/* Every project has the queue where merged packets leave conflicts. */
	for (size_t i = 0; i < *n; i++)
		have |= strcmp((*out)[i].rule, "conflicts") == 0;
	if (!have) {
		struct queue_def *q;
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		q = &(*out)[(*n)++];
		memset(q, 0, sizeof *q);
		q->name = xstrdup("conflicts");
		q->rule = xstrdup("conflicts");
	}
	return 0;
}

double project_expert_weight(struct store *st)
{
	char *v = store_meta_get(st, "expert_weight");
	double w = 1.0;
	if (v && util_parse_double(v, &w))
		w = 1.0;
	free(v);
	return w;
}

char *project_task_question(struct store *st, const char *task)
{
	return store_guide_meta_field(st, "questions", task);
}
