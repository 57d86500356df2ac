/*
 * yamltree: libyaml events -> a tree of positioned nodes, with the checks
 * that keep hand-written configuration honest (no aliases, anchors, custom
 * tags, duplicate keys or second documents) and the caps that keep a hostile
 * file from costing more than a few megabytes.
 */
#include "config.h"

#include "yamltree.h"
#include "text.h"
#include "util.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define STD_TAG "tag:yaml.org,2002:"

static const char *const scalar_tags[] = {"str", "int", "float", "bool", "null"};

/* Parse state: the tree being built and the chain of open collections. */
struct build {
	struct yamltree *t;
	const char *buf;
	size_t len;
	struct yamltree_node *stack[YAMLTREE_MAX_DEPTH + 1];
	int depth;
	int docs;
};

static void node_free(struct yamltree_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->value);
	free(n);
}

void yamltree_free(struct yamltree *t)
{
	if (!t)
		return;
	node_free(t->root);
	free(t->file);
	free(t);
}

static int at_err(const struct yamltree *t, int line, int col, char *err, const char *fmt,
		  va_list ap) __attribute__((format(printf, 5, 0)));

static int at_err(const struct yamltree *t, int line, int col, char *err, const char *fmt,
		  va_list ap)
{
	struct sbuf msg = {0};
	sbuf_vaddf(&msg, fmt, ap);
	err_set(err, "%s:%d:%d: %s", t->file, line, col, msg.s ? msg.s : "");
	sbuf_free(&msg);
	return -1;
}

int yamltree_err(const struct yamltree *t, const struct yamltree_node *n, char *err,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	at_err(t, n ? n->line : 1, n ? n->col : 1, err, fmt, ap);
	va_end(ap);
	return -1;
}

int yamltree_err_quote(const struct yamltree *t, const struct yamltree_node *n, char *err,
		       const char *before, const char *data, const char *after)
{
	char *clean = text_clean(data);
	yamltree_err(t, n, err, "%s'%s'%s", before, clean, after);
	free(clean);
	return -1;
}

const char *yamltree_first_at(char buf[64], const char *what, int line)
{
	snprintf(buf, 64, "%s (first at line %d)", what, line);
	return buf;
}

static int mark_err(const struct yamltree *t, yaml_mark_t m, char *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int mark_err(const struct yamltree *t, yaml_mark_t m, char *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	at_err(t, (int)m.line + 1, (int)m.column + 1, err, fmt, ap);
	va_end(ap);
	return -1;
}

/* Line and column (in characters) of a byte offset, for libyaml's reader
 * errors, which report an offset rather than a mark. */
static void offset_pos(const char *buf, size_t len, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\n') {
			(*line)++;
			*col = 1;
		} else if ((c & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

static int libyaml_err(struct build *b, yaml_parser_t *p, char *err)
{
	const char *problem = p->problem ? p->problem : "malformed YAML";
	int line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return err_set(err, "%s: out of memory while parsing YAML", b->t->file);
	case YAML_READER_ERROR:
		offset_pos(b->buf, b->len, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			return err_set(err, "%s:%d:%d: %s (byte 0x%02x)", b->t->file, line, col,
				       problem, (unsigned)p->problem_value & 0xff);
		return err_set(err, "%s:%d:%d: %s", b->t->file, line, col, problem);
	default:
		if (p->context)
			return mark_err(b->t, p->problem_mark, err, "%s (%s at line %d:%d)",
					problem, p->context, (int)p->context_mark.line + 1,
					(int)p->context_mark.column + 1);
		return mark_err(b->t, p->problem_mark, err, "%s", problem);
	}
}

/* Only the core schema's tags, on nodes of the matching kind. */
static int check_tag(struct build *b, const yaml_char_t *tag, enum yamltree_kind kind,
		     yaml_mark_t m, char *err)
{
	const char *s = (const char *)tag;
	int ok = 0;
	if (!s)
		return 0;
	if (strncmp(s, STD_TAG, strlen(STD_TAG)) == 0) {
		const char *name = s + strlen(STD_TAG);
		if (kind == YT_SCALAR) {
			for (size_t i = 0; i < GV_ARRAY_LEN(scalar_tags); i++)
				ok |= strcmp(name, scalar_tags[i]) == 0;
		} else {
			ok = strcmp(name, kind == YT_SEQ ? "seq" : "map") == 0;
		}
	}
	if (!ok) {
		char *clean = text_clean(s);
		mark_err(b->t, m, err, "tag '%s' is not allowed here", clean);
		free(clean);
		return -1;
	}
	return 0;
}

static int check_anchor(struct build *b, const yaml_char_t *anchor, yaml_mark_t m, char *err)
{
	char *clean;
	if (!anchor)
		return 0;
	clean = text_clean((const char *)anchor);
	mark_err(b->t, m, err, "anchors and aliases are not allowed (found anchor '&%s')", clean);
	free(clean);
	return -1;
}

/* Create a node at mark m and hang it under the open collection. */
static struct yamltree_node *add_node(struct build *b, enum yamltree_kind kind, yaml_mark_t m,
				      char *err)
{
	struct yamltree_node *n, *parent = b->depth ? b->stack[b->depth - 1] : NULL;

	if (b->t->nnodes >= YAMLTREE_MAX_NODES) {
		mark_err(b->t, m, err, "too many YAML nodes (more than %d)", YAMLTREE_MAX_NODES);
		return NULL;
	}
	if (!parent && b->t->root) {
		mark_err(b->t, m, err, "only one YAML document is allowed");
		return NULL;
	}
	if (parent && parent->kind == YT_MAP && parent->nkids % 2 == 0 && kind != YT_SCALAR) {
		mark_err(b->t, m, err, "mapping keys must be plain text, not %s",
			 kind == YT_SEQ ? "a sequence" : "a mapping");
		return NULL;
	}
	n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->line = (int)m.line + 1;
	n->col = (int)m.column + 1;
	b->t->nnodes++;
	if (parent) {
		parent->kids =
			xgrow(parent->kids, &parent->cap, parent->nkids + 1, sizeof *parent->kids);
		parent->kids[parent->nkids++] = n;
	} else {
		b->t->root = n;
	}
	return n;
}

static int on_scalar(struct build *b, yaml_event_t *e, char *err)
{
	struct yamltree_node *n;
	size_t len = e->data.scalar.length;
	const char *v = (const char *)e->data.scalar.value;

	if (check_anchor(b, e->data.scalar.anchor, e->start_mark, err) ||
	    check_tag(b, e->data.scalar.tag, YT_SCALAR, e->start_mark, err))
		return -1;
	if (len > YAMLTREE_MAX_SCALAR)
		return mark_err(b->t, e->start_mark, err, "text longer than %u bytes",
				YAMLTREE_MAX_SCALAR);
	if (memchr(v, '\0', len))
		return mark_err(b->t, e->start_mark, err, "NUL character in text");
	n = add_node(b, YT_SCALAR, e->start_mark, err);
	if (!n)
		return -1;
	n->value = xstrndup(v, len);
	n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !e->data.scalar.tag;
	return 0;
}

static int on_start(struct build *b, yaml_event_t *e, enum yamltree_kind kind, char *err)
{
	struct yamltree_node *n;
	const yaml_char_t *anchor =
		kind == YT_SEQ ? e->data.sequence_start.anchor : e->data.mapping_start.anchor;
	const yaml_char_t *tag =
		kind == YT_SEQ ? e->data.sequence_start.tag : e->data.mapping_start.tag;

	if (check_anchor(b, anchor, e->start_mark, err) ||
	    check_tag(b, tag, kind, e->start_mark, err))
		return -1;
	if (b->depth >= YAMLTREE_MAX_DEPTH)
		return mark_err(b->t, e->start_mark, err, "nesting deeper than %d levels",
				YAMLTREE_MAX_DEPTH);
	n = add_node(b, kind, e->start_mark, err);
	if (!n)
		return -1;
	b->stack[b->depth++] = n;
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	const struct yamltree_node *x = *(struct yamltree_node *const *)a;
	const struct yamltree_node *y = *(struct yamltree_node *const *)b;
	int c = strcmp(x->value, y->value);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->col > y->col) - (x->col < y->col);
}

/* Duplicate keys, found by sorting so a hostile map costs n log n; the one
 * reported is the earliest repeated key in the file. */
static int check_dup_keys(struct build *b, const struct yamltree_node *map, char *err)
{
	size_t nk = map->nkids / 2;
	struct yamltree_node **keys, *dup = NULL, *first = NULL;
	if (nk < 2)
		return 0;
	keys = xmalloc(nk * sizeof *keys);
	for (size_t i = 0; i < nk; i++)
		keys[i] = map->kids[2 * i];
	qsort(keys, nk, sizeof *keys, key_cmp);
	for (size_t i = 1; i < nk; i++) {
		if (strcmp(keys[i - 1]->value, keys[i]->value) != 0)
			continue;
		if (!dup || keys[i]->line < dup->line ||
		    (keys[i]->line == dup->line && keys[i]->col < dup->col)) {
			size_t j = i;
			while (j > 0 && strcmp(keys[j - 1]->value, keys[i]->value) == 0)
				j--;
			dup = keys[i];
			first = keys[j];
		}
	}
	if (dup) {
		char *clean = text_clean(dup->value);
		yamltree_err(b->t, dup, err, "duplicate key '%s' (first at line %d)", clean,
			     first->line);
		free(clean);
	}
	free(keys);
	return dup ? -1 : 0;
}

static int on_event(struct build *b, yaml_event_t *e, char *err)
{
	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (b->docs)
			return mark_err(b->t, e->start_mark, err,
					"only one YAML document is allowed");
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		b->docs++;
		return 0;
	case YAML_ALIAS_EVENT: {
		char *clean = text_clean((const char *)e->data.alias.anchor);
		mark_err(b->t, e->start_mark, err,
			 "anchors and aliases are not allowed (found alias '*%s')", clean);
		free(clean);
		return -1;
	}
	case YAML_SCALAR_EVENT:
		return on_scalar(b, e, err);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, e, YT_SEQ, err);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, e, YT_MAP, err);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: {
		struct yamltree_node *n = b->stack[--b->depth];
		return n->kind == YT_MAP ? check_dup_keys(b, n, err) : 0;
	}
	default:
		return 0;
	}
}

int yamltree_parse(const char *file, const char *buf, size_t len, struct yamltree **out, char *err)
{
	struct build b = {0};
	yaml_parser_t p;
	yaml_event_t e;
	int done = 0, rc = -1;

	b.t = xcalloc(1, sizeof *b.t);
	b.t->file = xstrdup(file);
	b.buf = buf;
	b.len = len;
	if (len > YAMLTREE_MAX_BYTES) {
		err_set(err, "%s: larger than %u bytes", file, YAMLTREE_MAX_BYTES);
		yamltree_free(b.t);
		return -1;
	}
	if (!yaml_parser_initialize(&p)) {
		err_set(err, "%s: out of memory while parsing YAML", file);
		yamltree_free(b.t);
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		int bad;
		if (!yaml_parser_parse(&p, &e)) {
			libyaml_err(&b, &p, err);
			goto out;
		}
		done = e.type == YAML_STREAM_END_EVENT;
		bad = on_event(&b, &e, err);
		yaml_event_delete(&e);
		if (bad)
			goto out;
	}
	if (!b.t->root) {
		err_set(err, "%s:1:1: empty file: no YAML document", file);
		goto out;
	}
	*out = b.t;
	b.t = NULL;
	rc = 0;
out:
	yaml_parser_delete(&p);
	yamltree_free(b.t);
	return rc;
}

int yamltree_is_null(const struct yamltree_node *n)
{
	return n && n->kind == YT_SCALAR && n->plain &&
	       (!*n->value || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0 ||
		strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0);
}

const struct yamltree_node *yamltree_key(const struct yamltree_node *map, const char *key)
{
	if (!map || map->kind != YT_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->nkids; i += 2) {
		if (strcmp(map->kids[i]->value, key) == 0)
			return map->kids[i];
	}
	return NULL;
}

const struct yamltree_node *yamltree_get(const struct yamltree_node *map, const char *key)
{
	if (!map || map->kind != YT_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->nkids; i += 2) {
		if (strcmp(map->kids[i]->value, key) == 0)
			return map->kids[i + 1];
	}
	return NULL;
}

static const char *kind_name(const struct yamltree_node *n)
{
	if (n->kind == YT_SEQ)
		return "a sequence";
	if (n->kind == YT_MAP)
		return "a mapping";
	return yamltree_is_null(n) ? "nothing" : "text";
}

int yamltree_check_map(const struct yamltree *t, const struct yamltree_node *n, const char *what,
		       const char *const *allowed, char *err)
{
	if (n->kind != YT_MAP)
		return yamltree_err(t, n, err, "%s must be a mapping (key: value lines), not %s",
				    what, kind_name(n));
	for (size_t i = 0; i + 1 < n->nkids; i += 2) {
		const char *k = n->kids[i]->value;
		int ok = 0;
		for (size_t j = 0; allowed[j] && !ok; j++)
			ok = strcmp(k, allowed[j]) == 0;
		if (!ok) {
			struct sbuf list = {0};
			char *clean = text_clean(k);
			for (size_t j = 0; allowed[j]; j++)
				sbuf_addf(&list, "%s%s", j ? ", " : "", allowed[j]);
			yamltree_err(t, n->kids[i], err, "unknown key '%s' in %s (expected: %s)",
				     clean, what, list.s ? list.s : "none");
			free(clean);
			sbuf_free(&list);
			return -1;
		}
	}
	return 0;
}

/* The value of key, or NULL when absent or null; an error when required. */
static int lookup(const struct yamltree *t, const struct yamltree_node *map, const char *key,
		  int required, const struct yamltree_node **out, char *err)
{
	const struct yamltree_node *v = yamltree_get(map, key);
	if (v && yamltree_is_null(v))
		v = NULL;
	if (!v && required) {
		const struct yamltree_node *k = yamltree_key(map, key);
		if (k)
			return yamltree_err(t, k, err, "'%s' must not be empty", key);
		return yamltree_err(t, map, err, "missing required key '%s'", key);
	}
	*out = v;
	return 0;
}

static int want_scalar(const struct yamltree *t, const struct yamltree_node *v, const char *key,
		       const char *type, char *err)
{
	if (v->kind != YT_SCALAR)
		return yamltree_err(t, v, err, "'%s' must be %s, not %s", key, type, kind_name(v));
	return 0;
}

int yamltree_get_str(const struct yamltree *t, const struct yamltree_node *map, const char *key,
		     int required, char **out, char *err)
{
	const struct yamltree_node *v;
	*out = NULL;
	if (lookup(t, map, key, required, &v, err))
		return -1;
	if (!v)
		return 0;
	if (want_scalar(t, v, key, "text", err))
		return -1;
	*out = xstrdup(v->value);
	return 0;
}

int yamltree_get_double(const struct yamltree *t, const struct yamltree_node *map, const char *key,
			double def, double min, double max, double *out, char *err)
{
	const struct yamltree_node *v;
	double d;
	*out = def;
	if (lookup(t, map, key, 0, &v, err))
		return -1;
	if (!v)
		return 0;
	if (want_scalar(t, v, key, "a number", err))
		return -1;
	if (!v->plain || util_parse_double(v->value, &d)) {
		char *clean = text_clean(v->value);
		yamltree_err(t, v, err, "'%s' must be a number, not '%s'", key, clean);
		free(clean);
		return -1;
	}
	if (d < min || d > max)
		return yamltree_err(t, v, err, "'%s' must be between %g and %g, not %g", key, min,
				    max, d);
	*out = d;
	return 0;
}

int yamltree_get_long(const struct yamltree *t, const struct yamltree_node *map, const char *key,
		      long def, long min, long max, long *out, char *err)
{
	const struct yamltree_node *v;
	long l;
	*out = def;
	if (lookup(t, map, key, 0, &v, err))
		return -1;
	if (!v)
		return 0;
	if (want_scalar(t, v, key, "a whole number", err))
		return -1;
	if (!v->plain || util_parse_long(v->value, LONG_MIN, LONG_MAX, &l)) {
		char *clean = text_clean(v->value);
		yamltree_err(t, v, err, "'%s' must be a whole number, not '%s'", key, clean);
		free(clean);
		return -1;
	}
	if (l < min || l > max)
		return yamltree_err(t, v, err, "'%s' must be between %ld and %ld, not %ld", key,
				    min, max, l);
	*out = l;
	return 0;
}

int yamltree_get_bool(const struct yamltree *t, const struct yamltree_node *map, const char *key,
		      int def, int *out, char *err)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off"};
	const struct yamltree_node *v;
	*out = def;
	if (lookup(t, map, key, 0, &v, err))
		return -1;
	if (!v)
		return 0;
	if (want_scalar(t, v, key, "true or false", err))
		return -1;
	for (size_t i = 0; v->plain && i < GV_ARRAY_LEN(yes); i++) {
		if (strcmp(v->value, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(v->value, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	{
		char *clean = text_clean(v->value);
		yamltree_err(t, v, err, "'%s' must be true or false, not '%s'", key, clean);
		free(clean);
	}
	return -1;
}

int yamltree_get_seq(const struct yamltree *t, const struct yamltree_node *map, const char *key,
		     int required, const struct yamltree_node **out, char *err)
{
	const struct yamltree_node *v;
	*out = NULL;
	if (lookup(t, map, key, required, &v, err))
		return -1;
	if (!v)
		return 0;
	if (v->kind != YT_SEQ)
		return yamltree_err(t, v, err,
				    "'%s' must be a list (lines starting with '- '), not %s", key,
				    kind_name(v));
	*out = v;
	return 0;
}

int yamltree_get_strv(const struct yamltree *t, const struct yamltree_node *map, const char *key,
		      int required, char ***out, size_t *n, char *err)
{
	const struct yamltree_node *v;
	char **strv;
	*out = NULL;
	*n = 0;
	if (yamltree_get_seq(t, map, key, required, &v, err))
		return -1;
	if (!v)
		return 0;
	for (size_t i = 0; i < v->nkids; i++) {
		if (v->kids[i]->kind != YT_SCALAR || yamltree_is_null(v->kids[i]))
			return yamltree_err(t, v->kids[i], err, "'%s' entries must be text, not %s",
					    key, kind_name(v->kids[i]));
	}
	strv = xcalloc(v->nkids ? v->nkids : 1, sizeof *strv);
	for (size_t i = 0; i < v->nkids; i++)
		strv[i] = xstrdup(v->kids[i]->value);
	*out = strv;
	*n = v->nkids;
	return 0;
}

void yamltree_strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}
