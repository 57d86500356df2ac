/*
 * store_import: the database sink of the import pipeline.
 *
 * Records are collected in memory as they come: item ids, annotator names
 * and labels are interned into dense integers, votes become 16-byte tuples,
 * and everything that can be checked per record is checked at once so the
 * error names the record (a label outside a declared set, a prediction whose
 * probabilities do not sum to 1). On commit the strings are resolved against
 * the database in one scan per table, new rows get ids in order, the votes
 * are radix-sorted by (item, annotator) — which also finds duplicates as
 * neighbours — and each item's votes are packed, with their summary, into
 * its one item_votes row (src/votepack.h), written in item order through one
 * INSERT ... SELECT, so that the B-tree is appended to rather than searched.
 * Then one "import" audit event and COMMIT. Everything
 * runs inside the transaction store_import_open began, so any error leaves
 * the database as it was.
 *
 * Decisions: each imported decision is its own audit event ("decide", with
 * origin "import"), in addition to the one "import" event for the file,
 * because every decision in gavel has its event; decision files are small.
 */
#include "config.h"

#include "audit.h"
#include "intern.h"
#include "store_import.h"
#include "util.h"
#include "votepack.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE ((size_t)-1)

/* One vote: intern ids while reading, database ids after resolving. */
struct ivote {
	uint32_t item, ann, label, idx; /* idx: the vote's order in the file */
};

struct ipred {
	uint32_t item, model;
	long line, col;
	int label;     /* label intern id of the top label */
	double conf;   /* top probability */
	double plogp;  /* -sum p ln p, or NAN when only the top label is known */
	double margin; /* top1 - top2, or NAN */
	size_t probs;  /* arena offset of the probabilities as a JSON object */
	int64_t db_item;
};

struct idec {
	uint32_t item, label;
	long line, col;
	size_t reason, at; /* arena offsets or NONE */
	int64_t db_item;
};

/* What the reader passed over, counted per (question, what). */
#define SI_MAX_SKIPS 32

struct si_skip {
	char *task; /* NULL when the reader did not know the question */
	char *what;
	long n;
};

struct store_import {
	struct store *st;
	struct store_import_opts o;
	int open;
	char *task_name;
	struct store_task task;
	int task_exists;

	struct intern items, anns, labels, models;
	int *lab_index; /* per label: index in task.labels, or -1 when new */
	size_t lab_cap;
	int *lab_code; /* per label: code, after resolving */

	struct ivote *votes;
	size_t nv, vcap;
	uint32_t *vline;
	size_t vlcap;
	size_t *vat, *vcom; /* arena offsets per vote, allocated at the first one given */
	size_t vacap, vccap;

	size_t *itext, *imeta; /* per item: arena offsets, allocated when first given */
	size_t itcap, imcap;
	uint32_t *igiven; /* per item: line of its item record, 0 when none */
	size_t igcap;
	int64_t *imap; /* per item: database id */
	int64_t *amap; /* per annotator: database id */

	struct ipred *preds;
	size_t np, pcap;
	struct idec *decs;
	size_t nd, dcap;

	struct sbuf arena;	   /* NUL-separated strings: times, comments, texts, metadata */
	const uint32_t *new_items; /* while inserting items: the new ones, in id order */
	uint32_t *new_order;	   /* the new items (intern ids) in id order */
	size_t nnew;
	uint32_t last_item; /* intern id + 1 of the item named last, 0 for none */
	size_t nvw;	    /* votes left after dropping duplicates, sorted */
	int ord_changed;    /* this import moved existing labels in the label order */
	int64_t item_maxid; /* largest item id before this import: larger ids are new */
	int64_t cache_was;  /* the connection's cache_size before the import */
	int cache_set;
	long records, duplicates;
	char *file_ann;	    /* with --annotator: the first annotator the file names */
	long file_ann_line; /* and where */
	struct si_skip skips[SI_MAX_SKIPS]; /* in the order first seen */
	size_t nskips;
	long skips_more; /* passed-over parts beyond SI_MAX_SKIPS kinds */
};

static size_t si_str(struct store_import *si, const char *s)
{
	size_t off = si->arena.len;
	sbuf_addn(&si->arena, s, strlen(s));
	sbuf_addc(&si->arena, '\0');
	return off;
}

static const char *si_at(const struct store_import *si, size_t off)
{
	return off == NONE ? NULL : si->arena.s + off;
}

/* Make arr (per-index offsets, NONE when absent) hold index i. */
static size_t *si_offs(size_t *arr, size_t *cap, size_t i)
{
	size_t old = *cap;
	if (i < old)
		return arr;
	arr = xgrow(arr, cap, i + 1, sizeof *arr);
	for (size_t k = old; k < *cap; k++)
		arr[k] = NONE;
	return arr;
}

/*
 * An import writes its B-trees in key order, so a page it has filled is not
 * touched again: a small cache lets SQLite write those pages to the WAL as
 * it goes instead of holding all of them until COMMIT. On the 4M-vote
 * benchmark a 16 MB cache imports faster than 64 MB or 1 GiB (2.27 s
 * against 2.39 s and 2.34 s, best of five) with 70 to 90 MB less memory,
 * and also when the file adds to a task that already has votes. The
 * connection's own cache size is restored on free.
 */
static int si_cache(struct store_import *si, char *err)
{
	sqlite3_stmt *q;
	if (store_prepare(si->st, "PRAGMA cache_size", &q, err))
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		si->cache_was = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (store_exec(si->st, "PRAGMA cache_size = -16384", err))
		return -1;
	si->cache_set = 1;
	return 0;
}

int store_import_open(struct store *st, const struct store_import_opts *o,
		      struct store_import **out, char *err)
{
	struct store_import *si = xcalloc(1, sizeof *si);
	struct store_task *all = NULL;
	size_t nall = 0;
	int rc = IMPORT_FAIL, found;

	si->st = st;
	si->o = *o;
	if (si_cache(si, err) || store_begin(st, err))
		goto fail;
	si->open = 1;
	if (o->task) {
		si->task_name = xstrdup(o->task);
	} else {
		if (store_task_list(st, &all, &nall, err))
			goto fail;
		if (nall == 0) {
			si->task_name = xstrdup(o->stem);
		} else if (nall == 1) {
			si->task_name = xstrdup(all[0].name);
		} else {
			struct sbuf names = {0};
			for (size_t i = 0; i < nall && i < 8; i++)
				sbuf_addf(&names, "%s%s", i ? ", " : "", all[i].name);
			import_errf(err, NULL, 0, 0,
				    "the project has %zu tasks (%s%s); choose one with --task",
				    nall, names.s, nall > 8 ? ", ..." : "");
			sbuf_free(&names);
			rc = IMPORT_USAGE;
			goto fail;
		}
	}
	found = store_task_get(st, si->task_name, &si->task, err);
	if (found < 0)
		goto fail;
	si->task_exists = found;
	if (found && o->scale_set && o->scale != si->task.scale) {
		import_errf(err, NULL, 0, 0,
			    "task '%s' is %s; --scale applies only to a task this import creates",
			    si->task_name, store_scale_name(si->task.scale));
		rc = IMPORT_USAGE;
		goto fail;
	}
	if (o->kind == IMPORT_PREDICTIONS && !si->task.nlabels) {
		import_errf(err, NULL, 0, 0,
			    "task '%s' has no labels yet: import its votes (or declare its labels) "
			    "before predictions",
			    si->task_name);
		goto fail;
	}
	for (size_t i = 0; i < nall; i++)
		store_task_free(&all[i]);
	free(all);
	*out = si;
	return 0;
fail:
	for (size_t i = 0; i < nall; i++)
		store_task_free(&all[i]);
	free(all);
	store_import_free(si);
	return rc;
}

void store_import_free(struct store_import *si)
{
	if (!si)
		return;
	if (si->open)
		store_rollback(si->st);
	if (si->cache_set) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)si->cache_was);
		store_exec(si->st, sql, NULL);
	}
	free(si->task_name);
	free(si->file_ann);
	store_task_free(&si->task);
	intern_free(&si->items);
	intern_free(&si->anns);
	intern_free(&si->labels);
	intern_free(&si->models);
	free(si->lab_index);
	free(si->lab_code);
	free(si->votes);
	free(si->vline);
	free(si->vat);
	free(si->vcom);
	free(si->itext);
	free(si->imeta);
	free(si->igiven);
	free(si->imap);
	free(si->new_order);
	free(si->amap);
	free(si->preds);
	free(si->decs);
	sbuf_free(&si->arena);
	for (size_t i = 0; i < si->nskips; i++) {
		free(si->skips[i].task);
		free(si->skips[i].what);
	}
	free(si);
}

/* ---- Collecting records ---- */

static int si_fail(struct store_import *si, const struct rec *r, char *err, const char *what,
		   const char *data)
{
	char snip[64];
	return import_errf(err, r->file ? r->file : si->o.file, r->line, r->col, "%s '%s'", what,
			   import_snip(data, snip));
}

/* Intern a label; a label new to a declared task is an error at the record. */
static int si_label(struct store_import *si, const struct rec *r, const char *value, uint32_t *id,
		    char *err)
{
	int added;
	if (!value || !*value)
		return import_errf(err, r->file, r->line, r->col, "empty label");
	*id = intern_put(&si->labels, value, strlen(value), &added);
	if (!added)
		return 0;
	si->lab_index = xgrow(si->lab_index, &si->lab_cap, *id + 1, sizeof *si->lab_index);
	si->lab_index[*id] = store_task_label_index(&si->task, value);
	if (si->lab_index[*id] < 0 && si->task.declared) {
		struct sbuf known = {0};
		char snip[64];
		for (size_t i = 0; i < si->task.nlabels && i < 12; i++)
			sbuf_addf(&known, "%s%s", i ? ", " : "", si->task.labels[i].value);
		import_errf(err, r->file, r->line, r->col,
			    "unknown label '%s': task '%s' declares its labels (%s%s)",
			    import_snip(value, snip), si->task_name, known.s ? known.s : "",
			    si->task.nlabels > 12 ? ", ..." : "");
		sbuf_free(&known);
		return -1;
	}
	return 0;
}

static uint32_t si_item(struct store_import *si, const char *ext)
{
	/* Files usually list an item's votes together: check the last one first. */
	if (si->last_item && strcmp(intern_str(&si->items, si->last_item - 1), ext) == 0)
		return si->last_item - 1;
	si->last_item = intern_put(&si->items, ext, strlen(ext), NULL) + 1;
	return si->last_item - 1;
}

static void si_item_text(struct store_import *si, uint32_t item, const char *text, const char *meta)
{
	if (text) {
		si->itext = si_offs(si->itext, &si->itcap, item);
		si->itext[item] = si_str(si, text);
	}
	if (meta) {
		si->imeta = si_offs(si->imeta, &si->imcap, item);
		si->imeta[item] = si_str(si, meta);
	}
}

/*
 * --annotator names the one annotator of a file whose records name none, or
 * name theirs in a form of their own (a Prodigy session id): a file whose
 * records name two different annotators is not such a file.
 */
static int si_own_annotator(struct store_import *si, const struct rec *r, char *err)
{
	char s1[64], s2[64];
	if (!r->annotator || !*r->annotator)
		return 0;
	if (!si->file_ann) {
		si->file_ann = xstrdup(r->annotator);
		si->file_ann_line = r->line;
		return 0;
	}
	if (strcmp(si->file_ann, r->annotator) == 0)
		return 0;
	return import_errf(err, r->file, r->line, r->col,
			   "the file names annotator '%s' here and '%s' at line %ld: --annotator "
			   "gives one annotator to a whole file",
			   import_snip(r->annotator, s1), import_snip(si->file_ann, s2),
			   si->file_ann_line);
}

static int si_put_vote(struct store_import *si, const struct rec *r, char *err)
{
	struct ivote *v;
	uint32_t item, ann, label;
	const char *who = r->annotator;

	if (si->o.annotator) {
		if (si_own_annotator(si, r, err))
			return -1;
		who = si->o.annotator;
	}
	if (!who || !*who)
		return import_errf(err, r->file, r->line, r->col, "empty annotator");
	if (si_label(si, r, r->label, &label, err))
		return -1;
	item = si_item(si, r->item);
	ann = intern_put(&si->anns, who, strlen(who), NULL);
	if (si->nv >= UINT32_MAX)
		return import_errf(err, r->file, r->line, 0, "too many votes in one file");
	si->votes = xgrow(si->votes, &si->vcap, si->nv + 1, sizeof *si->votes);
	si->vline = xgrow(si->vline, &si->vlcap, si->nv + 1, sizeof *si->vline);
	v = &si->votes[si->nv];
	v->item = item;
	v->ann = ann;
	v->label = label;
	v->idx = (uint32_t)si->nv;
	si->vline[si->nv] = r->line > 0 && r->line < UINT32_MAX ? (uint32_t)r->line : 0;
	if (r->at || si->vat) {
		si->vat = si_offs(si->vat, &si->vacap, si->nv);
		si->vat[si->nv] = r->at ? si_str(si, r->at) : NONE;
	}
	if (r->comment || si->vcom) {
		si->vcom = si_offs(si->vcom, &si->vccap, si->nv);
		si->vcom[si->nv] = r->comment ? si_str(si, r->comment) : NONE;
	}
	si->nv++;
	si_item_text(si, item, r->text, r->meta);
	return 0;
}

static int si_put_item(struct store_import *si, const struct rec *r, char *err)
{
	uint32_t item = si_item(si, r->item);
	size_t old = si->igcap;

	if (item >= old) {
		si->igiven = xgrow(si->igiven, &si->igcap, item + 1, sizeof *si->igiven);
		memset(si->igiven + old, 0, (si->igcap - old) * sizeof *si->igiven);
	}
	if (si->igiven[item]) {
		char snip[64];
		if (si->o.dup == IMPORT_DUP_ERROR)
			return import_errf(err, r->file, r->line, r->col,
					   "item '%s' is given again (first at line %u); keep one "
					   "with --duplicates first|last",
					   import_snip(r->item, snip), si->igiven[item]);
		if (si->o.dup == IMPORT_DUP_FIRST) {
			si->duplicates++;
			return 0;
		}
		si->duplicates++;
	}
	si->igiven[item] = r->line > 0 && r->line < UINT32_MAX ? (uint32_t)r->line : 1;
	si_item_text(si, item, r->text, r->meta);
	return 0;
}

/* A prediction label must be one the task has, or one this file's votes bring. */
static int si_pred_label(struct store_import *si, const struct rec *r, const char *value, int *out,
			 char *err)
{
	int64_t id = value ? intern_find(&si->labels, value, strlen(value)) : -1;
	if (id < 0 && value && store_task_label_index(&si->task, value) >= 0) {
		uint32_t u;
		if (si_label(si, r, value, &u, err))
			return -1;
		id = u;
	}
	if (id < 0) {
		struct sbuf known = {0};
		char snip[64];
		for (size_t i = 0; i < si->task.nlabels && i < 12; i++)
			sbuf_addf(&known, "%s%s", i ? ", " : "", si->task.labels[i].value);
		import_errf(err, r->file, r->line, r->col,
			    "prediction names unknown label '%s' (task '%s' has: %s%s)",
			    import_snip(value ? value : "", snip), si->task_name,
			    known.s ? known.s : "no labels", si->task.nlabels > 12 ? ", ..." : "");
		sbuf_free(&known);
		return -1;
	}
	*out = (int)id;
	return 0;
}

static int si_put_prediction(struct store_import *si, const struct rec *r, char *err)
{
	struct ipred p = {0};
	struct sbuf probs = {0};
	const char *model = r->model && *r->model ? r->model : si->o.model;
	int rc = -1;

	if (!model || !*model)
		return import_errf(err, r->file, r->line, r->col,
				   "a prediction without a model name: give --model NAME");
	p.line = r->line;
	p.col = r->col;
	p.item = si_item(si, r->item);
	p.model = intern_put(&si->models, model, strlen(model), NULL);
	sbuf_addc(&probs, '{');
	if (r->nprobs == 0) {
		if (si_pred_label(si, r, r->label, &p.label, err))
			goto fail;
		if (!(r->confidence >= 0 && r->confidence <= 1)) {
			import_errf(err, r->file, r->line, r->col,
				    "confidence %g is not a probability between 0 and 1",
				    r->confidence);
			goto fail;
		}
		p.conf = r->confidence;
		p.plogp = NAN;
		p.margin = NAN;
		sbuf_add_json_str(&probs, r->label);
		sbuf_addc(&probs, ':');
		sbuf_add_json_num(&probs, r->confidence);
	} else {
		double sum = 0, top = -1, second = 0, h = 0;
		int *seen = xcalloc(r->nprobs, sizeof *seen);
		for (size_t i = 0; i < r->nprobs; i++) {
			double q = r->probs[i];
			int lab;
			if (si_pred_label(si, r, r->prob_labels[i], &lab, err)) {
				free(seen);
				goto fail;
			}
			for (size_t k = 0; k < i; k++) {
				if (seen[k] == lab) {
					si_fail(si, r, err, "a prediction names twice the label",
						r->prob_labels[i]);
					free(seen);
					goto fail;
				}
			}
			seen[i] = lab;
			if (!(q >= 0 && q <= 1)) {
				import_errf(err, r->file, r->line, r->col,
					    "probability %g of label '%s' is not between 0 and 1",
					    q, r->prob_labels[i]);
				free(seen);
				goto fail;
			}
			sum += q;
			if (q > 0)
				h -= q * log(q);
			if (q > top) {
				second = top < 0 ? 0 : top;
				top = q;
				p.label = lab;
			} else if (q > second) {
				second = q;
			}
			if (i)
				sbuf_addc(&probs, ',');
			sbuf_add_json_str(&probs, r->prob_labels[i]);
			sbuf_addc(&probs, ':');
			sbuf_add_json_num(&probs, q);
		}
		free(seen);
		if (fabs(sum - 1) > 1e-3) {
			import_errf(err, r->file, r->line, r->col,
				    "probabilities sum to %.6g, not 1 (within 0.001)", sum);
			goto fail;
		}
		p.conf = top;
		p.plogp = h;
		p.margin = r->nprobs > 1 ? top - second : top;
	}
	sbuf_addc(&probs, '}');
	p.probs = si_str(si, probs.s);
	si->preds = xgrow(si->preds, &si->pcap, si->np + 1, sizeof *si->preds);
	si->preds[si->np++] = p;
	si_item_text(si, p.item, r->text, r->meta);
	rc = 0;
fail:
	sbuf_free(&probs);
	return rc;
}

static int si_put_decision(struct store_import *si, const struct rec *r, char *err)
{
	struct idec d = {0};
	if (!si->o.expert || !*si->o.expert)
		return import_errf(err, r->file, r->line, r->col,
				   "a decision without an expert: give --expert NAME");
	if (si_label(si, r, r->label, &d.label, err))
		return -1;
	d.item = si_item(si, r->item);
	d.line = r->line;
	d.col = r->col;
	d.reason = r->reason && *r->reason ? si_str(si, r->reason) : NONE;
	d.at = r->at && *r->at ? si_str(si, r->at) : NONE;
	si->decs = xgrow(si->decs, &si->dcap, si->nd + 1, sizeof *si->decs);
	si->decs[si->nd++] = d;
	return 0;
}

static int si_put(void *ctx, const struct rec *r, char *err)
{
	struct store_import *si = ctx;
	if (!r->item || !*r->item)
		return import_errf(err, r->file, r->line, r->col, "empty item id");
	si->records++;
	switch (r->kind) {
	case REC_VOTE:
		return si_put_vote(si, r, err);
	case REC_ITEM:
		return si_put_item(si, r, err);
	case REC_PREDICTION:
		return si_put_prediction(si, r, err);
	case REC_DECISION:
		return si_put_decision(si, r, err);
	}
	return import_errf(err, r->file, r->line, r->col, "unknown record kind");
}

static void si_skip(void *ctx, const char *task, const char *what)
{
	struct store_import *si = ctx;
	struct si_skip *k;
	for (size_t i = 0; i < si->nskips; i++) {
		k = &si->skips[i];
		if (strcmp(k->what, what) == 0 &&
		    (task ? k->task && strcmp(k->task, task) == 0 : !k->task)) {
			k->n++;
			return;
		}
	}
	if (si->nskips == SI_MAX_SKIPS) {
		si->skips_more++;
		return;
	}
	k = &si->skips[si->nskips++];
	k->task = task ? xstrdup(task) : NULL;
	k->what = xstrdup(what);
	k->n = 1;
}

struct sink store_import_sink(struct store_import *si)
{
	struct sink s = {.ctx = si, .put = si_put, .passed_over = si_skip};
	return s;
}

/* "383 taxonomy results for 'topic', 1 cancelled annotation": the noun
 * before any " (note)" takes the plural. */
static void si_skip_text(const struct store_import *si, struct sbuf *b)
{
	char s1[64], s2[64];
	for (size_t i = 0; i < si->nskips; i++) {
		const struct si_skip *k = &si->skips[i];
		const char *what = import_snip(k->what, s1);
		const char *note = strstr(what, " (");
		int head = note ? (int)(note - what) : (int)strlen(what);
		sbuf_addf(b, "%s%ld %.*s%s%s", i ? ", " : "", k->n, head, what,
			  k->n == 1 ? "" : "s", what + head);
		if (k->task)
			sbuf_addf(b, " for '%s'", import_snip(k->task, s2));
	}
	if (si->skips_more)
		sbuf_addf(b, ", %ld more", si->skips_more);
}

static const char *const kind_names[] = {
	[IMPORT_VOTES] = "votes",
	[IMPORT_ITEMS] = "items",
	[IMPORT_PREDICTIONS] = "predictions",
	[IMPORT_DECISIONS] = "decisions",
};

/*
 * A file that gives nothing of the kind imported would make an empty task
 * and an "imported 0 votes" that looks like success: say instead what the
 * file held and what the format reads.
 */
static int si_check_nonempty(struct store_import *si, char *err)
{
	struct sbuf held = {0};
	long got = si->o.kind == IMPORT_VOTES	      ? (long)si->nv
		   : si->o.kind == IMPORT_PREDICTIONS ? (long)si->np
		   : si->o.kind == IMPORT_DECISIONS   ? (long)si->nd
						      : si->records;
	if (got)
		return 0;
	si_skip_text(si, &held);
	if (held.len)
		import_errf(err, si->o.file, 0, 0,
			    "no %s to import into task '%s': the file holds %s, and gavel reads %s",
			    kind_names[si->o.kind], si->task_name, held.s,
			    si->o.reads ? si->o.reads : "none of it");
	else
		import_errf(err, si->o.file, 0, 0, "no %s to import into task '%s'%s%s",
			    kind_names[si->o.kind], si->task_name,
			    si->o.reads ? ": gavel reads " : "", si->o.reads ? si->o.reads : "");
	sbuf_free(&held);
	return -1;
}

/* ---- Writing ---- */

/* Label order: numeric labels first in numeric order, then the others in byte order. */
struct lab_sort {
	const char *value;
	double num;
	int numeric;
	int code;  /* existing code, or -1 */
	int label; /* label intern id, or -1 */
};

static int lab_cmp(const void *pa, const void *pb)
{
	const struct lab_sort *a = pa, *b = pb;
	if (a->numeric != b->numeric)
		return a->numeric ? -1 : 1;
	if (a->numeric && a->num != b->num)
		return a->num < b->num ? -1 : 1;
	return strcmp(a->value, b->value);
}

/*
 * The labels of a task that was not declared came from its first imports: a
 * later file that brings others may be a file for another task (two tasks'
 * votes merged without a word). Unless the user named the task or allowed
 * new labels, refuse, naming them.
 */
static int si_check_new_labels(struct store_import *si, const struct lab_sort *all, size_t nall,
			       char *err)
{
	struct sbuf names = {0};
	size_t n = 0;
	char snip[64];
	if (!si->task_exists || si->task.declared || !si->task.nlabels || si->o.task_given ||
	    si->o.new_labels)
		return 0;
	for (size_t i = 0; i < nall; i++) {
		if (all[i].code >= 0)
			continue;
		if (n < 8)
			sbuf_addf(&names, "%s'%s'", n ? ", " : "", import_snip(all[i].value, snip));
		n++;
	}
	import_errf(
		err, si->o.file, 0, 0,
		"the file brings %zu new label%s (%s%s) to task '%s', whose %zu labels came from "
		"earlier imports; if the file is meant for this task, import it again with "
		"--new-labels (or --task)",
		n, n == 1 ? "" : "s", names.s, n > 8 ? ", ..." : "", si->task_name,
		si->task.nlabels);
	sbuf_free(&names);
	return -1;
}

static int si_write_labels(struct store_import *si, struct import_result *res, char *err)
{
	size_t nl = intern_count(&si->labels), nnew = 0, n = 0;
	struct lab_sort *all = NULL;
	sqlite3_stmt *ord = NULL;
	int maxcode = -1, rc = -1;

	si->lab_code = xcalloc(nl + 1, sizeof *si->lab_code);
	for (size_t i = 0; i < nl; i++) {
		if (si->lab_index[i] >= 0)
			si->lab_code[i] = si->task.labels[si->lab_index[i]].code;
		else
			nnew++;
	}
	res->n.labels = (long)(si->task.nlabels + nnew);
	res->n.labels_created = (long)nnew;
	if (!nnew)
		return 0;
	all = xcalloc(si->task.nlabels + nnew, sizeof *all);
	for (size_t i = 0; i < si->task.nlabels; i++) {
		all[n].value = si->task.labels[i].value;
		all[n].code = si->task.labels[i].code;
		all[n].label = -1;
		if (si->task.labels[i].code > maxcode)
			maxcode = si->task.labels[i].code;
		n++;
	}
	for (size_t i = 0; i < nl; i++) {
		if (si->lab_index[i] >= 0)
			continue;
		all[n].value = intern_str(&si->labels, (uint32_t)i);
		all[n].code = -1;
		all[n].label = (int)i;
		n++;
	}
	for (size_t i = 0; i < n; i++)
		all[i].numeric = util_parse_double(all[i].value, &all[i].num) == 0;
	qsort(all, n, sizeof *all, lab_cmp);
	if (si_check_new_labels(si, all, n, err))
		goto fail;
	if (store_prepare(si->st,
			  "UPDATE label SET ord = ? WHERE task = ? AND code = ? AND ord <> ?", &ord,
			  err))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (all[i].code < 0) {
			int code = ++maxcode;
			size_t had = strlen(res->new_labels);
			snprintf(res->new_labels + had, sizeof res->new_labels - had, "%s%s",
				 had ? ", " : "", all[i].value);
			si->lab_code[all[i].label] = code;
			if (store_label_add(si->st, si->task.id, code, all[i].value, NULL, NULL,
					    (int)i, err))
				goto fail;
			continue;
		}
		sqlite3_reset(ord);
		sqlite3_bind_int(ord, 1, (int)i);
		sqlite3_bind_int64(ord, 2, si->task.id);
		sqlite3_bind_int(ord, 3, all[i].code);
		sqlite3_bind_int(ord, 4, (int)i);
		if (sqlite3_step(ord) != SQLITE_DONE) {
			store_fail(si->st, err, "label order");
			goto fail;
		}
		if (sqlite3_changes(si->st->db))
			si->ord_changed = 1;
	}
	rc = 0;
fail:
	sqlite3_finalize(ord);
	free(all);
	return rc;
}

/* ---- Streaming rows from memory into one INSERT ... SELECT ---- */

/*
 * A step/reset/bind loop costs about 0.7 us per row on top of the B-tree
 * insert itself: for 4M votes that is 2.5 more seconds than one
 * INSERT ... SELECT, which runs the insert program in a single step. So the
 * sorted arrays are offered to SQLite as an eponymous virtual table,
 * registered on the connection for the duration of one statement. The
 * cursor remembers the row it produced last, which is the offending row when
 * the INSERT hits a constraint.
 */
struct si_rows {
	const char *schema; /* CREATE TABLE x(...) declaring the columns */
	size_t n;	    /* rows */
	size_t cur;	    /* the row the cursor is on */
	const struct store_import *si;
	void *gen; /* the column function's own state, if it needs one */
	void (*column)(struct si_rows *rows, size_t row, int col, sqlite3_context *ctx);
};

struct si_vtab {
	sqlite3_vtab base;
	struct si_rows *rows;
};

struct si_cursor {
	sqlite3_vtab_cursor base;
	struct si_rows *rows;
};

static int si_vt_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			 sqlite3_vtab **out, char **errmsg)
{
	struct si_rows *rows = aux;
	struct si_vtab *vt;
	int rc = sqlite3_declare_vtab(db, rows->schema);
	if (rc != SQLITE_OK)
		return rc;
	vt = sqlite3_malloc(sizeof *vt);
	if (!vt)
		return SQLITE_NOMEM;
	memset(vt, 0, sizeof *vt);
	vt->rows = rows;
	*out = &vt->base;
	return SQLITE_OK;
}

static int si_vt_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

static int si_vt_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	info->estimatedCost = (double)((struct si_vtab *)vt)->rows->n;
	info->estimatedRows = (sqlite3_int64)((struct si_vtab *)vt)->rows->n;
	return SQLITE_OK;
}

static int si_vt_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	struct si_cursor *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	c->rows = ((struct si_vtab *)vt)->rows;
	*out = &c->base;
	return SQLITE_OK;
}

static int si_vt_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static int si_vt_filter(sqlite3_vtab_cursor *c, int idx, const char *idxstr, int argc,
			sqlite3_value **argv)
{
	((struct si_cursor *)c)->rows->cur = 0;
	return SQLITE_OK;
}

static int si_vt_next(sqlite3_vtab_cursor *c)
{
	((struct si_cursor *)c)->rows->cur++;
	return SQLITE_OK;
}

static int si_vt_eof(sqlite3_vtab_cursor *c)
{
	const struct si_rows *r = ((struct si_cursor *)c)->rows;
	return r->cur >= r->n;
}

static int si_vt_column(sqlite3_vtab_cursor *c, sqlite3_context *ctx, int col)
{
	struct si_rows *r = ((struct si_cursor *)c)->rows;
	r->column(r, r->cur, col, ctx);
	return SQLITE_OK;
}

static int si_vt_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct si_cursor *)c)->rows->cur;
	return SQLITE_OK;
}

static const sqlite3_module si_rows_module = {
	.iVersion = 1,
	.xConnect = si_vt_connect,
	.xBestIndex = si_vt_best_index,
	.xDisconnect = si_vt_disconnect,
	.xOpen = si_vt_open,
	.xClose = si_vt_close,
	.xFilter = si_vt_filter,
	.xNext = si_vt_next,
	.xEof = si_vt_eof,
	.xColumn = si_vt_column,
	.xRowid = si_vt_rowid,
};

#define SI_ROWS "gavel_import_rows"

/*
 * Run sql (which reads the rows from the table gavel_import_rows) once.
 * Returns the sqlite3_step result (SQLITE_DONE on success); rows->cur is the
 * row produced last.
 */
static int si_rows_run(struct store_import *si, struct si_rows *rows, const char *sql, char *err)
{
	sqlite3_stmt *s = NULL;
	int rc;
	if (sqlite3_create_module(si->st->db, SI_ROWS, &si_rows_module, rows) != SQLITE_OK) {
		store_fail(si->st, err, "import rows");
		return SQLITE_ERROR;
	}
	if (store_prepare(si->st, sql, &s, err)) {
		rc = SQLITE_ERROR;
		goto done;
	}
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE && rc != SQLITE_CONSTRAINT_PRIMARYKEY &&
	    rc != SQLITE_CONSTRAINT_UNIQUE)
		store_fail(si->st, err, "import");
done:
	sqlite3_finalize(s);
	sqlite3_create_module(si->st->db, SI_ROWS, NULL, NULL);
	return rc;
}

static void si_item_column(struct si_rows *rows, size_t row, int col, sqlite3_context *ctx)
{
	const struct store_import *si = rows->si;
	uint32_t i = si->new_items[row];
	const char *t = NULL;
	switch (col) {
	case 0:
		sqlite3_result_int64(ctx, si->imap[i]);
		return;
	case 1:
		t = intern_str(&si->items, i);
		break;
	case 2:
		t = i < si->itcap ? si_at(si, si->itext[i]) : NULL;
		break;
	case 3:
		t = i < si->imcap ? si_at(si, si->imeta[i]) : NULL;
		break;
	}
	if (t)
		sqlite3_result_text(ctx, t, -1, SQLITE_STATIC);
	else
		sqlite3_result_null(ctx);
}

/* Database ids of the interned annotators: existing ones by name, new ones appended. */
static int si_write_annotators(struct store_import *si, int64_t **out, struct import_result *res,
			       char *err)
{
	size_t n = intern_count(&si->anns);
	int64_t *map = xcalloc(n + 1, sizeof *map);
	sqlite3_stmt *q = NULL, *ins = NULL;
	int64_t maxid = 0;
	int rc;

	if (store_prepare(si->st, "SELECT id, name FROM annotator", &q, err))
		goto fail;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 1);
		int64_t id = sqlite3_column_int64(q, 0);
		int64_t k = name ? intern_find(&si->anns, name, strlen(name)) : -1;
		if (k >= 0)
			map[k] = id;
		if (id > maxid)
			maxid = id;
	}
	if (rc != SQLITE_DONE) {
		store_fail(si->st, err, "annotators");
		goto fail;
	}
	if (store_prepare(si->st, "INSERT INTO annotator(id, name) VALUES (?, ?)", &ins, err))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (map[i])
			continue;
		map[i] = ++maxid;
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, map[i]);
		sqlite3_bind_text(ins, 2, intern_str(&si->anns, (uint32_t)i), -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			store_fail(si->st, err, "add annotator");
			goto fail;
		}
		res->n.annotators_added++;
	}
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	*out = map;
	return 0;
fail:
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	free(map);
	return -1;
}

/* qsort has no context argument: the table being sorted, set around the call. */
static const struct intern *sort_items;

static int item_cmp(const void *pa, const void *pb)
{
	return strcmp(intern_str(sort_items, *(const uint32_t *)pa),
		      intern_str(sort_items, *(const uint32_t *)pb));
}

struct name_key {
	uint64_t key; /* the first 8 bytes, big-endian, zero-padded */
	uint32_t id;
};

/*
 * Sort ids[0..n) by the byte order of their strings in t: an LSD radix sort
 * on the first 8 bytes (which decide almost every comparison of item ids),
 * then strcmp within the runs that share those 8 bytes. A comparison sort
 * through the string table took half a second for a million items.
 */
static void si_sort_names(const struct intern *t, uint32_t *ids, size_t n)
{
	struct name_key *a, *b, *tmp;
	size_t(*count)[256];

	if (n < 2)
		return;
	a = xmalloc(n * sizeof *a);
	b = xmalloc(n * sizeof *b);
	count = xcalloc(8, sizeof *count);
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = (const unsigned char *)intern_str(t, ids[i]);
		uint64_t k = 0;
		for (int d = 0; d < 8; d++) {
			k <<= 8;
			if (*p)
				k |= *p++;
		}
		a[i].key = k;
		a[i].id = ids[i];
		for (int d = 0; d < 8; d++)
			count[d][(k >> (8 * d)) & 0xff]++;
	}
	for (int d = 0; d < 8; d++) {
		size_t sum = 0;
		if (count[d][(a[0].key >> (8 * d)) & 0xff] == n)
			continue; /* every key has the same byte here */
		for (int k = 0; k < 256; k++) {
			size_t c = count[d][k];
			count[d][k] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			b[count[d][(a[i].key >> (8 * d)) & 0xff]++] = a[i];
		tmp = a;
		a = b;
		b = tmp;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = a[i].id;
	sort_items = t;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && a[j].key == a[i].key)
			j++;
		if (j - i > 1)
			qsort(ids + i, j - i, sizeof *ids, item_cmp);
		i = j;
	}
	sort_items = NULL;
	free(count);
	free(a);
	free(b);
}

/*
 * A prediction is about an item the project has: one for an unknown item
 * is most likely a file for another task or with other ids, and would
 * create an item with no text and no votes. Refuse it, at the first such
 * prediction in the file, unless --new-items asked for the items.
 */
static int si_check_pred_items(struct store_import *si, char *err)
{
	size_t unknown = 0, n = intern_count(&si->items);
	const struct ipred *first = NULL;
	char snip[64];
	if (si->o.kind != IMPORT_PREDICTIONS || si->o.new_items)
		return 0;
	for (size_t i = 0; i < n; i++)
		unknown += !si->imap[i];
	if (!unknown)
		return 0;
	for (size_t i = 0; i < si->np && !first; i++)
		if (!si->imap[si->preds[i].item])
			first = &si->preds[i];
	if (!first)
		return 0;
	return import_errf(err, si->o.file, first->line, first->col,
			   "prediction for item '%s', which task '%s' does not have (%zu of the "
			   "file's %zu items are unknown): import the items or their votes first, "
			   "or pass --new-items to create them",
			   import_snip(intern_str(&si->items, first->item), snip), si->task_name,
			   unknown, n);
}

/* Resolve items to database ids: existing ones by one scan of the task's
 * items, new ones numbered after the largest id in the byte order of their
 * external ids. Nothing is written yet (si_insert_items). */
static int si_assign_items(struct store_import *si, char *err)
{
	size_t n = intern_count(&si->items);
	sqlite3_stmt *q = NULL;
	int rc = -1, step;

	si->imap = xcalloc(n + 1, sizeof *si->imap);
	if (si->task_exists) {
		if (store_prepare(si->st, "SELECT id, external_id FROM item WHERE task = ?", &q,
				  err))
			goto fail;
		sqlite3_bind_int64(q, 1, si->task.id);
		while ((step = sqlite3_step(q)) == SQLITE_ROW) {
			const char *ext = (const char *)sqlite3_column_text(q, 1);
			int64_t k = ext ? intern_find(&si->items, ext, strlen(ext)) : -1;
			if (k >= 0)
				si->imap[k] = sqlite3_column_int64(q, 0);
		}
		if (step != SQLITE_DONE) {
			store_fail(si->st, err, "items");
			goto fail;
		}
		sqlite3_finalize(q);
		q = NULL;
	}
	if (si_check_pred_items(si, err))
		goto fail;
	if (store_prepare(si->st, "SELECT coalesce(max(id), 0) FROM item", &q, err))
		goto fail;
	if (sqlite3_step(q) == SQLITE_ROW)
		si->item_maxid = sqlite3_column_int64(q, 0);
	/* New items get ids in the byte order of their external ids, so that the
	 * rows and the (task, external_id) index are both appended to in order
	 * instead of split at random places. */
	si->new_order = xmalloc((n + 1) * sizeof *si->new_order);
	for (size_t i = 0; i < n; i++) {
		if (!si->imap[i])
			si->new_order[si->nnew++] = (uint32_t)i;
	}
	si_sort_names(&si->items, si->new_order, si->nnew);
	for (size_t k = 0; k < si->nnew; k++)
		si->imap[si->new_order[k]] = si->item_maxid + 1 + (int64_t)k;
	rc = 0;
fail:
	sqlite3_finalize(q);
	return rc;
}

/* Write the items si_assign_items resolved: the text and metadata the file
 * gives existing ones, and the new ones in id order. */
static int si_insert_items(struct store_import *si, struct import_result *res, char *err)
{
	size_t n = intern_count(&si->items);
	sqlite3_stmt *upd = NULL;
	int rc = -1;

	if (store_prepare(si->st,
			  "UPDATE item SET text = coalesce(?, text), meta = coalesce(?, meta)"
			  " WHERE id = ?",
			  &upd, err))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const char *text = i < si->itcap ? si_at(si, si->itext[i]) : NULL;
		const char *meta = i < si->imcap ? si_at(si, si->imeta[i]) : NULL;
		if (si->imap[i] > si->item_maxid || (!text && !meta))
			continue;
		sqlite3_reset(upd);
		sqlite3_bind_text(upd, 1, text, -1, SQLITE_STATIC);
		sqlite3_bind_text(upd, 2, meta, -1, SQLITE_STATIC);
		sqlite3_bind_int64(upd, 3, si->imap[i]);
		if (sqlite3_step(upd) != SQLITE_DONE) {
			store_fail(si->st, err, "update item");
			goto fail;
		}
		res->n.items_updated++;
	}
	if (si->nnew) {
		struct si_rows rows = {0};
		struct sbuf sql = {0};
		int src;
		rows.schema = "CREATE TABLE x(id INTEGER, external_id TEXT, text TEXT, meta TEXT)";
		rows.n = si->nnew;
		rows.si = si;
		rows.column = si_item_column;
		si->new_items = si->new_order;
		sbuf_addf(&sql,
			  "INSERT INTO item(id, task, external_id, text, meta)"
			  " SELECT id, %lld, external_id, text, meta FROM " SI_ROWS,
			  (long long)si->task.id);
		src = si_rows_run(si, &rows, sql.s, err);
		sbuf_free(&sql);
		si->new_items = NULL;
		if (src != SQLITE_DONE) {
			if (src != SQLITE_ERROR)
				store_fail(si->st, err, "add items");
			goto fail;
		}
		res->n.items_added = (long)si->nnew;
	}
	res->n.items_seen = (long)n;
	rc = 0;
fail:
	sqlite3_finalize(upd);
	return rc;
}

/* Stable LSD radix sort of votes by (item, annotator), skipping constant bytes. */
static struct ivote *si_sort_votes(struct ivote *a, size_t n)
{
	struct ivote *b;
	size_t(*count)[256];

	if (n < 2)
		return a;
	count = xcalloc(8, sizeof *count);
	b = xmalloc(n * sizeof *b);
	for (size_t i = 0; i < n; i++) {
		uint64_t key = (uint64_t)a[i].item << 32 | a[i].ann;
		for (int d = 0; d < 8; d++)
			count[d][(key >> (8 * d)) & 0xff]++;
	}
	for (int d = 0; d < 8; d++) {
		size_t sum = 0;
		struct ivote *t;
		if (count[d][(((uint64_t)a[0].item << 32 | a[0].ann) >> (8 * d)) & 0xff] == n)
			continue; /* every key has the same byte here */
		for (int k = 0; k < 256; k++) {
			size_t c = count[d][k];
			count[d][k] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t key = (uint64_t)a[i].item << 32 | a[i].ann;
			b[count[d][(key >> (8 * d)) & 0xff]++] = a[i];
		}
		t = a;
		a = b;
		b = t;
	}
	free(b);
	free(count);
	return a;
}

static const char *si_item_name(const struct store_import *si, int64_t id)
{
	for (size_t i = 0; i < intern_count(&si->items); i++) {
		if (si->imap[i] == id)
			return intern_str(&si->items, (uint32_t)i);
	}
	return "?";
}

static const char *si_ann_name(const struct store_import *si, const int64_t *amap, int64_t id)
{
	for (size_t i = 0; i < intern_count(&si->anns); i++) {
		if (amap[i] == id)
			return intern_str(&si->anns, (uint32_t)i);
	}
	return "?";
}

static const char *dup_sql(enum import_dup d)
{
	return d == IMPORT_DUP_FIRST  ? "INSERT OR IGNORE"
	       : d == IMPORT_DUP_LAST ? "INSERT OR REPLACE"
				      : "INSERT";
}

/*
 * Resolve the votes to database ids, sort them by (item, annotator) and drop
 * or refuse the duplicates within the file; si_write_items_and_votes stores
 * them. Runs on the helper thread (si_prep): memory only.
 */
static int si_sort_file_votes(struct store_import *si, char *err)
{
	size_t n = si->nv, w = 0;
	char s1[64], s2[64];

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		struct ivote *v = &si->votes[i];
		int64_t it = si->imap[v->item], an = si->amap[v->ann];
		if (it > UINT32_MAX || an > UINT32_MAX)
			return import_errf(err, si->o.file, 0, 0,
					   "item or annotator id beyond 2^32");
		v->item = (uint32_t)it;
		v->ann = (uint32_t)an;
		v->label = (uint32_t)si->lab_code[v->label];
	}
	si->votes = si_sort_votes(si->votes, n);
	si->vcap = n;
	/* Duplicates are neighbours now, in file order. */
	for (size_t i = 0; i < n; i++) {
		struct ivote *v = &si->votes[i];
		size_t j = i;
		while (j + 1 < n && si->votes[j + 1].item == v->item &&
		       si->votes[j + 1].ann == v->ann)
			j++;
		if (j > i) {
			if (si->o.dup == IMPORT_DUP_ERROR)
				return import_errf(
					err, si->o.file, si->vline[si->votes[i + 1].idx], 0,
					"duplicate vote by annotator '%s' on item '%s' (first at "
					"line %u); keep one with --duplicates first|last",
					import_snip(si_ann_name(si, si->amap, v->ann), s1),
					import_snip(si_item_name(si, v->item), s2),
					si->vline[v->idx]);
			si->votes[w++] = si->votes[si->o.dup == IMPORT_DUP_FIRST ? i : j];
			si->duplicates += (long)(j - i);
		} else {
			si->votes[w++] = *v;
		}
		i = j;
	}
	si->nvw = w;
	return 0;
}

static int pred_cmp(const void *pa, const void *pb)
{
	const struct ipred *a = pa, *b = pb;
	if (a->db_item != b->db_item)
		return a->db_item < b->db_item ? -1 : 1;
	if (a->model != b->model)
		return a->model < b->model ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int si_write_predictions(struct store_import *si, struct import_result *res, char *err)
{
	sqlite3_stmt *ins = NULL;
	struct sbuf sql = {0};
	size_t n = si->np, w = 0;
	double lnk = si->task.nlabels + (size_t)res->n.labels_created >= 2
			     ? log((double)(si->task.nlabels + (size_t)res->n.labels_created))
			     : 0;
	int rc = -1;
	char s1[64], s2[64];

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		si->preds[i].db_item = si->imap[si->preds[i].item];
	qsort(si->preds, n, sizeof *si->preds, pred_cmp);
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j + 1 < n && si->preds[j + 1].db_item == si->preds[i].db_item &&
		       si->preds[j + 1].model == si->preds[i].model)
			j++;
		if (j > i && si->o.dup == IMPORT_DUP_ERROR) {
			import_errf(
				err, si->o.file, si->preds[i + 1].line, si->preds[i + 1].col,
				"a second prediction of model '%s' for item '%s' (first at line "
				"%ld); keep one with --duplicates first|last",
				import_snip(intern_str(&si->models, si->preds[i].model), s1),
				import_snip(si_item_name(si, si->preds[i].db_item), s2),
				si->preds[i].line);
			goto fail;
		}
		si->duplicates += (long)(j - i);
		si->preds[w++] = si->preds[si->o.dup == IMPORT_DUP_LAST ? j : i];
		i = j;
	}
	n = w;
	sbuf_addf(&sql,
		  "%s INTO prediction(item, model, label, confidence, entropy, margin, probs)"
		  " VALUES (?, ?, ?, ?, ?, ?, ?)",
		  dup_sql(si->o.dup));
	if (store_prepare(si->st, sql.s, &ins, err))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const struct ipred *p = &si->preds[i];
		int src;
		sqlite3_bind_int64(ins, 1, p->db_item);
		sqlite3_bind_text(ins, 2, intern_str(&si->models, p->model), -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 3, si->lab_code[p->label]);
		sqlite3_bind_double(ins, 4, p->conf);
		if (isnan(p->plogp))
			sqlite3_bind_null(ins, 5);
		else
			sqlite3_bind_double(ins, 5, lnk > 0 ? p->plogp / lnk : 0.0);
		if (isnan(p->margin))
			sqlite3_bind_null(ins, 6);
		else
			sqlite3_bind_double(ins, 6, p->margin);
		sqlite3_bind_text(ins, 7, si_at(si, p->probs), -1, SQLITE_STATIC);
		src = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (src == SQLITE_CONSTRAINT_PRIMARYKEY) {
			import_errf(err, si->o.file, p->line, p->col,
				    "model '%s' already has a prediction for item '%s'; keep one "
				    "with --duplicates first|last",
				    import_snip(intern_str(&si->models, p->model), s1),
				    import_snip(si_item_name(si, p->db_item), s2));
			goto fail;
		}
		if (src != SQLITE_DONE) {
			store_fail(si->st, err, "add prediction");
			goto fail;
		}
		if (si->o.dup == IMPORT_DUP_FIRST && sqlite3_changes(si->st->db) == 0)
			si->duplicates++;
		else
			res->n.predictions++;
	}
	rc = 0;
fail:
	sqlite3_finalize(ins);
	sbuf_free(&sql);
	return rc;
}

static int dec_cmp(const void *pa, const void *pb)
{
	const struct idec *a = pa, *b = pb;
	if (a->db_item != b->db_item)
		return a->db_item < b->db_item ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int si_write_decisions(struct store_import *si, const struct audit_actor *actor,
			      struct import_result *res, char *err)
{
	sqlite3_stmt *last = NULL, *ins = NULL;
	struct sbuf detail = {0};
	size_t n = si->nd, w = 0;
	char now[21], s1[64];
	int rc = -1;

	if (!n)
		return 0;
	util_utc_now(now);
	for (size_t i = 0; i < n; i++)
		si->decs[i].db_item = si->imap[si->decs[i].item];
	qsort(si->decs, n, sizeof *si->decs, dec_cmp);
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j + 1 < n && si->decs[j + 1].db_item == si->decs[i].db_item)
			j++;
		if (j > i && si->o.dup == IMPORT_DUP_ERROR) {
			import_errf(err, si->o.file, si->decs[i + 1].line, 0,
				    "a second decision for item '%s' (first at line %ld); keep one "
				    "with --duplicates first|last",
				    import_snip(si_item_name(si, si->decs[i].db_item), s1),
				    si->decs[i].line);
			goto fail;
		}
		si->duplicates += (long)(j - i);
		si->decs[w++] = si->decs[si->o.dup == IMPORT_DUP_LAST ? j : i];
		i = j;
	}
	n = w;
	if (store_prepare(si->st, "SELECT id FROM decision WHERE item = ? ORDER BY id DESC LIMIT 1",
			  &last, err) ||
	    store_prepare(
		    si->st,
		    "INSERT INTO decision(item, expert, label, reason, at, supersedes, origin)"
		    " VALUES (?, ?, ?, ?, ?, ?, 'import')",
		    &ins, err))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const struct idec *d = &si->decs[i];
		const char *at = d->at != NONE ? si_at(si, d->at) : now;
		const char *reason = si_at(si, d->reason);
		const char *label = intern_str(&si->labels, d->label);
		int64_t prev = 0, id;
		sqlite3_reset(last);
		sqlite3_bind_int64(last, 1, d->db_item);
		if (sqlite3_step(last) == SQLITE_ROW)
			prev = sqlite3_column_int64(last, 0);
		if (prev && si->o.dup == IMPORT_DUP_ERROR) {
			import_errf(err, si->o.file, d->line, 0,
				    "item '%s' already has a decision; keep one with --duplicates "
				    "first|last (last supersedes it)",
				    import_snip(si_item_name(si, d->db_item), s1));
			goto fail;
		}
		if (prev && si->o.dup == IMPORT_DUP_FIRST) {
			si->duplicates++;
			continue;
		}
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, d->db_item);
		sqlite3_bind_text(ins, 2, si->o.expert, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 3, si->lab_code[d->label]);
		sqlite3_bind_text(ins, 4, reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, at, -1, SQLITE_STATIC);
		if (prev)
			sqlite3_bind_int64(ins, 6, prev);
		else
			sqlite3_bind_null(ins, 6);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			store_fail(si->st, err, "add decision");
			goto fail;
		}
		id = sqlite3_last_insert_rowid(si->st->db);
		sbuf_reset(&detail);
		sbuf_addf(&detail,
			  "{\"decision\":%lld,\"origin\":\"import\",\"expert\":", (long long)id);
		sbuf_add_json_str(&detail, si->o.expert);
		sbuf_add(&detail, ",\"label\":");
		sbuf_add_json_str(&detail, label);
		sbuf_add(&detail, ",\"reason\":");
		if (reason)
			sbuf_add_json_str(&detail, reason);
		else
			sbuf_add(&detail, "null");
		sbuf_addf(&detail, ",\"supersedes\":");
		if (prev)
			sbuf_addf(&detail, "%lld", (long long)prev);
		else
			sbuf_add(&detail, "null");
		/* The row's time, so that audit verify can hold the row to it. */
		sbuf_add(&detail, ",\"at\":");
		sbuf_add_json_str(&detail, at);
		sbuf_add(&detail, ",\"file\":");
		sbuf_add_json_str(&detail, si->o.file);
		sbuf_addc(&detail, '}');
		if (audit_append(si->st, actor, "decide", d->db_item, detail.s, NULL, err))
			goto fail;
		res->n.decisions++;
	}
	rc = 0;
fail:
	sqlite3_finalize(last);
	sqlite3_finalize(ins);
	sbuf_free(&detail);
	return rc;
}

/* ---- Item rows: packed votes and their summary ---- */

/*
 * One item_votes row per item the file names: its votes packed in annotator
 * order (src/votepack.h) and their summary (src/store_summary.c has the same
 * definitions), computed here from the votes sorted in memory instead of
 * read back from the database. Items that existed before get their stored
 * votes merged with the file's; store_summary_refresh is left for the rare
 * import that moves existing labels in the label order (which changes every
 * item's tie rule).
 *
 * New items' rows are computed ahead, on the helper thread, while the item
 * table is written (si_precompute); the merged rows of existing items are
 * built after it, on this thread, because reading the table while inserting
 * into it is not something to rely on, and their summaries are computed as
 * SQLite asks for each row. The table's indexes are updated in place:
 * dropping them for a bulk load and running CREATE INDEX afterwards measured
 * slower on a million items.
 */
struct si_group {
	int64_t item;	 /* database id */
	size_t first, n; /* the item's votes in si->votes */
	size_t merged;	 /* arena offset of the merged row, or NONE */
};

/* The summary of one row (src/store_summary.c has the same definitions). */
struct si_val {
	int n, distinct, top, topn, tie;
	double agree, ent;
};

struct si_summ {
	const struct store_import *si;
	const struct store_task *task; /* reloaded: labels in their new order */
	struct si_group *g;	       /* the rows to write, by item id */
	size_t ng;
	int *ord_of_code; /* label code -> position in the label order, or -1 */
	int maxcode;
	int *count;  /* per position in the label order */
	double logk; /* log(number of labels), 0 below 2 labels */
	size_t row;  /* row + 1 of the values below, 0 for none */
	struct si_val v;
	struct sbuf votes; /* the packed votes of the row, when computed here */
	const char *vtext; /* the row's packed votes */
	size_t vlen;
	/* New items' rows, computed ahead on the helper thread: rows first_new,
	 * first_new + 1, ... are pre[0], pre[1], ..., their texts in pretext. */
	size_t first_new;
	struct si_pre *pre;
	struct sbuf pretext;
	long written; /* the file's votes that will be stored */
};

struct si_pre {
	size_t voff;
	uint32_t vlen;
	struct si_val v;
};

static void summ_count(struct si_summ *g, int64_t code)
{
	if (code >= 0 && code <= g->maxcode && g->ord_of_code[code] >= 0)
		g->count[g->ord_of_code[code]]++;
}

static void si_pack_votes(const struct store_import *si, const struct ivote *v, size_t n,
			  struct sbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		const char *at =
			si->vat && v[i].idx < si->vacap ? si_at(si, si->vat[v[i].idx]) : NULL;
		const char *com =
			si->vcom && v[i].idx < si->vccap ? si_at(si, si->vcom[v[i].idx]) : NULL;
		if (i)
			sbuf_addc(out, ',');
		votepack_add(out, v[i].ann, v[i].label, at, com);
	}
}

static void summ_compute(struct si_summ *g, size_t r)
{
	const struct store_import *si = g->si;
	const struct si_group *gr = &g->g[r];
	size_t k = g->task->nlabels;
	double agree_num = 0;

	memset(g->count, 0, (k + 1) * sizeof *g->count);
	if (gr->merged != NONE) {
		/* Checked when it was merged: it parses. */
		struct votepack_iter it;
		struct votepack_vote v;
		g->vtext = si_at(si, gr->merged);
		g->vlen = strlen(g->vtext);
		votepack_begin(&it, g->vtext, g->vlen);
		while (votepack_next(&it, &v) > 0)
			summ_count(g, v.label);
	} else {
		sbuf_reset(&g->votes);
		sbuf_addc(&g->votes, '[');
		si_pack_votes(si, si->votes + gr->first, gr->n, &g->votes);
		sbuf_addc(&g->votes, ']');
		for (size_t i = 0; i < gr->n; i++)
			summ_count(g, si->votes[gr->first + i].label);
		g->vtext = g->votes.s;
		g->vlen = g->votes.len;
	}

	g->v.n = g->v.distinct = g->v.topn = g->v.tie = 0;
	g->v.top = -1;
	g->v.ent = 0;
	for (size_t i = 0; i < k; i++) {
		int c = g->count[i];
		g->v.n += c;
		if (!c)
			continue;
		g->v.distinct++;
		agree_num += (double)c * (c - 1);
		if (c > g->v.topn) {
			g->v.topn = c;
			g->v.top = (int)i;
			g->v.tie = 0;
		} else if (c == g->v.topn) {
			g->v.tie = 1;
		}
	}
	for (size_t i = 0; i < k; i++) {
		double share;
		if (!g->count[i])
			continue;
		share = (double)g->count[i] / g->v.n;
		g->v.ent -= share * log(share);
	}
	g->v.agree = g->v.n >= 2 ? agree_num / ((double)g->v.n * (g->v.n - 1)) : NAN;
	g->row = r + 1;
}

/* Row r's values: computed ahead for a new item, else now. */
static void summ_load(struct si_summ *g, size_t r)
{
	const struct si_pre *p;
	if (!g->pre || r < g->first_new) {
		summ_compute(g, r);
		return;
	}
	p = &g->pre[r - g->first_new];
	g->v = p->v;
	g->vtext = g->pretext.s + p->voff;
	g->vlen = p->vlen;
	g->row = r + 1;
}

static void si_row_column(struct si_rows *rows, size_t row, int col, sqlite3_context *ctx)
{
	struct si_summ *g = rows->gen;
	if (g->row != row + 1)
		summ_load(g, row);
	/* The texts stay put until the next row is computed, after SQLite has
	 * stored this one. */
	switch (col) {
	case 0:
		sqlite3_result_int64(ctx, g->g[row].item);
		break;
	case 1:
		sqlite3_result_text(ctx, g->vtext, (int)g->vlen, SQLITE_STATIC);
		break;
	case 2:
		sqlite3_result_int(ctx, g->v.n);
		break;
	case 3:
		sqlite3_result_int(ctx, g->v.distinct);
		break;
	case 4:
		if (g->v.top >= 0)
			sqlite3_result_int(ctx, g->task->labels[g->v.top].code);
		else
			sqlite3_result_null(ctx);
		break;
	case 5:
		sqlite3_result_int(ctx, g->v.topn);
		break;
	case 6:
		sqlite3_result_int(ctx, g->v.tie);
		break;
	case 7:
		if (g->v.n >= 2)
			sqlite3_result_double(ctx, g->v.agree);
		else
			sqlite3_result_null(ctx);
		break;
	default:
		if (g->v.n >= 1)
			sqlite3_result_double(ctx, g->logk > 0 ? g->v.ent / g->logk : 0.0);
		else
			sqlite3_result_null(ctx);
		break;
	}
}

static int i64_cmp(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return a < b ? -1 : a > b;
}

/*
 * Merge the file's votes on an item that existed before into its stored row,
 * by annotator, each side in annotator order. A vote by an annotator who
 * already voted on the item is an error, unless --duplicates says to keep
 * the stored one (first) or the file's (last). Returns 1 when the row is to
 * be written (gr->merged set, or left NONE when there was no stored row), 0
 * when the item has a stored row and no votes in the file, -1 on error.
 */
static int si_merge_row(struct store_import *si, sqlite3_stmt *q, struct si_group *gr,
			long *written, struct sbuf *m, char *err)
{
	const struct ivote *fv = si->votes + gr->first;
	struct votepack_iter it;
	struct votepack_vote sv;
	size_t k = 0;
	int got, step;
	char s1[64], s2[64];

	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, gr->item);
	step = sqlite3_step(q);
	if (step == SQLITE_DONE)
		return 1;
	if (step != SQLITE_ROW)
		return store_fail(si->st, err, "votes");
	if (!gr->n)
		return 0;
	votepack_begin(&it, (const char *)sqlite3_column_text(q, 0),
		       (size_t)sqlite3_column_bytes(q, 0));
	sbuf_reset(m);
	sbuf_addc(m, '[');
	got = votepack_next(&it, &sv);
	while (got > 0 || k < gr->n) {
		int same = got > 0 && k < gr->n && (int64_t)fv[k].ann == sv.annotator;
		int take_file = got <= 0 || (k < gr->n && (int64_t)fv[k].ann < sv.annotator);
		if (m->len > 1)
			sbuf_addc(m, ',');
		if (same && si->o.dup == IMPORT_DUP_ERROR)
			return import_errf(err, si->o.file, si->vline[fv[k].idx], 0,
					   "annotator '%s' already has a vote on item '%s' in task "
					   "'%s'; keep one with --duplicates first|last",
					   import_snip(si_ann_name(si, si->amap, fv[k].ann), s1),
					   import_snip(si_item_name(si, gr->item), s2),
					   si->task_name);
		if (same && si->o.dup == IMPORT_DUP_FIRST) {
			sbuf_addn(m, sv.elem, sv.elen);
			si->duplicates++;
			(*written)--;
			k++;
			got = votepack_next(&it, &sv);
		} else if (same || take_file) {
			si_pack_votes(si, fv + k, 1, m);
			k++;
			if (same)
				got = votepack_next(&it, &sv);
		} else {
			sbuf_addn(m, sv.elem, sv.elen);
			got = votepack_next(&it, &sv);
		}
	}
	if (got < 0)
		return import_errf(err, NULL, 0, 0, "the stored votes of item '%s' are damaged",
				   import_snip(si_item_name(si, gr->item), s1));
	sbuf_addc(m, ']');
	gr->merged = si_str(si, m->s);
	return 1;
}

/* The rows to write, in item id order: every item the file names. Existing
 * items come first (si_merge_rows drops those the file adds no votes to),
 * then the new ones, whose ids are item_maxid + 1, + 2, ... (si_assign_items). */
static void si_build_groups(struct store_import *si, struct si_summ *g)
{
	size_t n = intern_count(&si->items), v = 0, nold = 0;
	int64_t *ids = xmalloc((n + 1) * sizeof *ids);

	for (size_t i = 0; i < n; i++) {
		if (si->imap[i] <= si->item_maxid)
			ids[nold++] = si->imap[i];
	}
	qsort(ids, nold, sizeof *ids, i64_cmp);
	for (size_t i = nold; i < n; i++)
		ids[i] = si->item_maxid + (int64_t)(i - nold) + 1;
	g->g = xmalloc((n + 1) * sizeof *g->g);
	for (size_t i = 0; i < n; i++) {
		struct si_group *gr = &g->g[i];
		gr->item = ids[i];
		gr->merged = NONE;
		while (v < si->nvw && (int64_t)si->votes[v].item < ids[i])
			v++;
		gr->first = v;
		while (v < si->nvw && (int64_t)si->votes[v].item == ids[i])
			v++;
		gr->n = v - gr->first;
	}
	g->ng = n;
	g->first_new = nold;
	free(ids);
}

/* Compute the new items' rows ahead, into g->pre and g->pretext. */
static void si_precompute(struct si_summ *g)
{
	size_t nnew = g->ng - g->first_new;
	if (!nnew)
		return;
	g->pre = xmalloc(nnew * sizeof *g->pre);
	for (size_t k = 0; k < nnew; k++) {
		struct si_pre *p = &g->pre[k];
		summ_compute(g, g->first_new + k);
		p->v = g->v;
		p->voff = g->pretext.len;
		p->vlen = (uint32_t)g->vlen;
		sbuf_addn(&g->pretext, g->vtext, g->vlen);
	}
	g->row = 0;
}

/*
 * The helper thread of an import: while the main thread writes the item
 * rows, it sorts the file's votes, groups them by item and computes the new
 * items' item_votes rows, all in memory. The main thread touches none of
 * what it writes until it has joined it.
 */
struct si_prep {
	struct store_import *si;
	struct si_summ *g;
	pthread_t thread;
	int running;
	int rc;
	char err[GV_ERR];
};

static void *si_prep_run(void *arg)
{
	struct si_prep *p = arg;
	p->rc = si_sort_file_votes(p->si, p->err);
	if (!p->rc) {
		si_build_groups(p->si, p->g);
		p->g->written = (long)p->si->nvw;
		si_precompute(p->g);
	}
	return NULL;
}

/* Merge the existing items' rows with their stored votes, dropping those
 * the file adds no votes to. */
static int si_merge_rows(struct store_import *si, struct si_summ *g, char *err)
{
	sqlite3_stmt *q = NULL;
	struct sbuf m = {0};
	size_t w = 0;
	int rc = -1;

	if (!g->first_new)
		return 0;
	if (store_prepare(si->st, "SELECT votes FROM item_votes WHERE item = ?1", &q, err))
		return -1;
	for (size_t i = 0; i < g->first_new; i++) {
		int keep = si_merge_row(si, q, &g->g[i], &g->written, &m, err);
		if (keep < 0)
			goto fail;
		if (keep)
			g->g[w++] = g->g[i];
	}
	memmove(g->g + w, g->g + g->first_new, (g->ng - g->first_new) * sizeof *g->g);
	g->ng -= g->first_new - w;
	g->first_new = w;
	rc = 0;
fail:
	sqlite3_finalize(q);
	sbuf_free(&m);
	return rc;
}

/* The task with its labels in their new order, and the tables summaries
 * are computed with. */
static int si_summ_init(struct store_import *si, struct store_task *task, struct si_summ *g,
			char *err)
{
	int src = store_task_get(si->st, si->task_name, task, err);
	if (src != 1)
		return src < 0 ? -1
			       : import_errf(err, NULL, 0, 0, "task '%s' vanished", si->task_name);
	g->si = si;
	g->task = task;
	g->logk = task->nlabels >= 2 ? log((double)task->nlabels) : 0;
	g->maxcode = 0;
	for (size_t i = 0; i < task->nlabels; i++) {
		if (task->labels[i].code > g->maxcode)
			g->maxcode = task->labels[i].code;
	}
	g->ord_of_code = xmalloc(((size_t)g->maxcode + 1) * sizeof *g->ord_of_code);
	for (int c = 0; c <= g->maxcode; c++)
		g->ord_of_code[c] = -1;
	for (size_t i = 0; i < task->nlabels; i++)
		g->ord_of_code[task->labels[i].code] = (int)i;
	g->count = xcalloc(task->nlabels + 1, sizeof *g->count);
	return 0;
}

static void si_summ_free(struct si_summ *g)
{
	free(g->g);
	free(g->pre);
	free(g->ord_of_code);
	free(g->count);
	sbuf_free(&g->votes);
	sbuf_free(&g->pretext);
}

/*
 * Items, votes and item rows: the item rows are written on this thread
 * while the helper (si_prep) prepares the item_votes rows; then the rows of
 * existing items are merged with their stored votes and every row written.
 */
static int si_write_items_and_votes(struct store_import *si, struct import_result *res, char *err)
{
	struct store_task task = {0};
	struct si_summ g = {0};
	struct si_prep prep = {0};
	struct si_rows rows = {0};
	struct sbuf sql = {0};
	int rc = -1, src;

	if (si_write_annotators(si, &si->amap, res, err) || si_assign_items(si, err) ||
	    si_summ_init(si, &task, &g, err))
		goto fail;
	if (si->nv)
		res->n.annotators = (long)intern_count(&si->anns);
	prep.si = si;
	prep.g = &g;
	prep.running = pthread_create(&prep.thread, NULL, si_prep_run, &prep) == 0;
	if (!prep.running)
		si_prep_run(&prep);
	src = si_insert_items(si, res, err);
	if (prep.running)
		pthread_join(prep.thread, NULL);
	if (src)
		goto fail;
	if (prep.rc) {
		memcpy(err, prep.err, GV_ERR);
		goto fail;
	}
	if (si_merge_rows(si, &g, err))
		goto fail;

	rows.schema = "CREATE TABLE x(item INTEGER, votes TEXT, n INTEGER,"
		      " distinct_labels INTEGER, plurality INTEGER, plurality_n INTEGER,"
		      " tie INTEGER, agreement REAL, entropy REAL)";
	rows.n = g.ng;
	rows.si = si;
	rows.gen = &g;
	rows.column = si_row_column;
	/* Only rows of items that existed before can be there already. */
	sbuf_addf(&sql,
		  "INSERT %s INTO item_votes(item, task, votes, n, distinct_labels, plurality,"
		  " plurality_n, tie, agreement, entropy)"
		  " SELECT item, %lld, votes, n, distinct_labels, plurality, plurality_n, tie,"
		  " agreement, entropy FROM " SI_ROWS,
		  g.first_new ? "OR REPLACE" : "", (long long)si->task.id);
	src = si_rows_run(si, &rows, sql.s, err);
	if (src != SQLITE_DONE) {
		if (src != SQLITE_ERROR)
			store_fail(si->st, err, "item votes");
		goto fail;
	}
	res->n.votes = g.written;
	if (si->ord_changed && store_summary_refresh(si->st, si->task.id, err))
		goto fail;
	rc = 0;
fail:
	si_summ_free(&g);
	sbuf_free(&sql);
	store_task_free(&task);
	return rc;
}

static void si_detail(const struct store_import *si, const struct import_result *res,
		      struct sbuf *b)
{
	const struct import_counts *n = &res->n;
	sbuf_add(b, "{\"file\":");
	sbuf_add_json_str(b, si->o.file);
	sbuf_add(b, ",\"sha256\":");
	sbuf_add_json_str(b, si->o.sha256 ? si->o.sha256 : "");
	sbuf_addf(b, ",\"kind\":\"%s\",\"format\":", kind_names[si->o.kind]);
	sbuf_add_json_str(b, si->o.format ? si->o.format : "");
	sbuf_add(b, ",\"task\":");
	sbuf_add_json_str(b, si->task_name);
	if (si->o.model && si->o.kind == IMPORT_PREDICTIONS) {
		sbuf_add(b, ",\"model\":");
		sbuf_add_json_str(b, si->o.model);
	}
	if (si->o.expert && si->o.kind == IMPORT_DECISIONS) {
		sbuf_add(b, ",\"expert\":");
		sbuf_add_json_str(b, si->o.expert);
	}
	sbuf_addf(b,
		  ",\"task_created\":%s,\"records\":%ld,\"votes\":%ld,\"items_added\":%ld,"
		  "\"items_updated\":%ld,\"predictions\":%ld,\"decisions\":%ld,"
		  "\"duplicates_dropped\":%ld,\"labels_created\":%ld,\"annotators_added\":%ld}",
		  res->task_created ? "true" : "false", n->records, n->votes, n->items_added,
		  n->items_updated, n->predictions, n->decisions, n->duplicates, n->labels_created,
		  n->annotators_added);
}

int store_import_commit(struct store_import *si, struct import_result *res, char *err)
{
	struct audit_actor actor;
	struct sbuf detail = {0};
	int rc = IMPORT_FAIL;

	memset(res, 0, sizeof *res);
	snprintf(res->task, sizeof res->task, "%s", si->task_name);
	res->n.records = si->records;
	if (si_check_nonempty(si, err))
		goto fail;
	{
		struct sbuf held = {0};
		si_skip_text(si, &held);
		snprintf(res->skipped, sizeof res->skipped, "%s", held.s ? held.s : "");
		sbuf_free(&held);
	}
	if (!si->task_exists) {
		int64_t id = store_task_create(si->st, si->task_name,
					       si->o.scale_set ? si->o.scale : SCALE_NOMINAL, 0.70,
					       0, err);
		if (id < 0)
			goto fail;
		si->task.id = id;
		res->task_created = 1;
	}
	if (si_write_labels(si, res, err) || si_write_items_and_votes(si, res, err) ||
	    si_write_predictions(si, res, err))
		goto fail;
	for (size_t i = 0; i < intern_count(&si->models); i++) {
		size_t had = strlen(res->models);
		snprintf(res->models + had, sizeof res->models - had, "%s'%s'", i ? ", " : "",
			 intern_str(&si->models, (uint32_t)i));
		res->nmodels++;
	}
	audit_actor_init(&actor, NULL);
	if (si_write_decisions(si, &actor, res, err))
		goto fail;
	res->n.duplicates = si->duplicates;
	if (si->o.sha256_wait)
		si->o.sha256_wait(si->o.sha256_ctx);
	si_detail(si, res, &detail);
	if (audit_append(si->st, &actor, "import", 0, detail.s, NULL, err))
		goto fail;
	if (si->o.dry_run) {
		store_rollback(si->st);
	} else if (store_commit(si->st, err)) {
		si->open = 0;
		goto fail;
	}
	si->open = 0;
	rc = 0;
fail:
	sbuf_free(&detail);
	return rc;
}
