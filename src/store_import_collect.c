/*
 * store_import_collect: the import sink's put, which collects records in
 * memory as they come (item ids, annotator names and labels interned into
 * dense integers, votes as 16-byte tuples) and checks at once everything
 * that can be checked per record, so that the error names the record: a
 * label outside a declared set, an item given twice, a prediction whose
 * probabilities do not sum to 1. Nothing touches the database until commit.
 * A streamed file's records (si->stream) go to the sorted runs instead of
 * memory once checked (src/store_import_spill.c, src/store_import_pstream.c).
 */
#include "config.h"

#include "store_import_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int si_fail(struct store_import *si, const struct rec *r, char *err, const char *what,
		   const char *data)
{
	char snip[64];
	return import_errf(err, r->file ? r->file : si->o.file, r->line, r->col, "%s '%s'", what,
			   import_snip(data, snip));
}

/* Intern a label (len bytes, 0: count them); a label new to a declared
 * task is an error at the record. */
static int si_label(struct store_import *si, const struct rec *r, const char *value, size_t len,
		    uint32_t *id, char *err)
{
	int added;
	if (!value || !*value)
		return import_errf(err, r->file, r->line, r->col, "empty label");
	*id = intern_put(&si->labels, value, rec_len(value, len), &added);
	if (!added)
		return 0;
	si->label_index =
		xgrow(si->label_index, &si->label_index_cap, *id + 1, sizeof *si->label_index);
	si->label_index[*id] = store_task_label_index(&si->task, value);
	if (si->label_index[*id] < 0 && si->task.declared) {
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

/* The record's item, interned. */
static uint32_t si_item(struct store_import *si, const struct rec *r)
{
	const char *ext = r->item;
	/* Files usually list an item's votes together: check the last one first. */
	if (si->last_item && strcmp(intern_str(&si->items, si->last_item - 1), ext) == 0)
		return si->last_item - 1;
	si->last_item = intern_put(&si->items, ext, rec_len(ext, r->item_len), NULL) + 1;
	return si->last_item - 1;
}

static void si_item_text(struct store_import *si, uint32_t item, const char *text, const char *meta)
{
	if (text)
		store_import_strings_set(si, &si->item_text, item, text);
	if (meta)
		store_import_strings_set(si, &si->item_meta, item, meta);
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
	if (!si->file_annotator) {
		si->file_annotator = xstrdup(r->annotator);
		si->file_annotator_line = r->line;
		return 0;
	}
	if (strcmp(si->file_annotator, r->annotator) == 0)
		return 0;
	return import_errf(err, r->file, r->line, r->col,
			   "the file names annotator '%s' here and '%s' at line %ld: --annotator "
			   "gives one annotator to a whole file",
			   import_snip(r->annotator, s1), import_snip(si->file_annotator, s2),
			   si->file_annotator_line);
}

static int si_put_vote(struct store_import *si, const struct rec *r, char *err)
{
	struct ivote *v;
	uint32_t item, ann, label;
	size_t m;
	const char *who = r->annotator;

	if (si->o.annotator) {
		if (si_own_annotator(si, r, err))
			return -1;
		who = si->o.annotator;
	}
	if (!who || !*who)
		return import_errf(err, r->file, r->line, r->col, "empty annotator");
	if (si_label(si, r, r->label, r->label_len, &label, err))
		return -1;
	ann = intern_put(&si->anns, who,
			 who == r->annotator ? rec_len(who, r->annotator_len) : strlen(who), NULL);
	if (si->nvotes >= UINT32_MAX)
		return import_errf(err, r->file, r->line, 0, "too many votes in one file");
	if (si->stream) {
		const char *opt[SREC_NOPT] = {r->at, r->comment, r->text, r->meta};
		si->nvotes++;
		return store_import_spill_put(si, r->item, rec_len(r->item, r->item_len), ann,
					      label, r->line, opt, err);
	}
	item = si_item(si, r);
	m = si->nvotes;
	if (m == si->votes_cap) {
		si->votes = xgrow(si->votes, &si->votes_cap, m + 1, sizeof *si->votes);
		si->vote_line =
			xgrow(si->vote_line, &si->vote_line_cap, m + 1, sizeof *si->vote_line);
	}
	v = &si->votes[m];
	v->item = item;
	v->ann = ann;
	v->label = label;
	v->idx = (uint32_t)si->nvotes;
	si->vote_line[m] = r->line > 0 && r->line < UINT32_MAX ? (uint32_t)r->line : 0;
	if (r->at || si->vote_at.off)
		store_import_strings_set(si, &si->vote_at, si->nvotes, r->at);
	if (r->comment || si->vote_comment.off)
		store_import_strings_set(si, &si->vote_comment, si->nvotes, r->comment);
	si->nvotes++;
	si_item_text(si, item, r->text, r->meta);
	return 0;
}

static int si_put_item(struct store_import *si, const struct rec *r, char *err)
{
	uint32_t item;
	size_t old = si->item_line_cap;

	if (si->stream) {
		/* Repeats are found when the runs are merged; the label field
		 * keeps the column, for the message. */
		const char *opt[SREC_NOPT] = {NULL, NULL, r->text, r->meta};
		return store_import_spill_put(si, r->item, rec_len(r->item, r->item_len), SREC_NONE,
					      r->col > 0 && r->col < UINT32_MAX ? (uint32_t)r->col
										: 0,
					      r->line > 0 ? r->line : 1, opt, err);
	}
	item = si_item(si, r);
	if (item >= old) {
		si->item_line =
			xgrow(si->item_line, &si->item_line_cap, item + 1, sizeof *si->item_line);
		memset(si->item_line + old, 0, (si->item_line_cap - old) * sizeof *si->item_line);
	}
	if (si->item_line[item]) {
		char snip[64];
		if (si->o.dup == IMPORT_DUP_ERROR)
			return import_errf(err, r->file, r->line, r->col,
					   "item '%s' is given again (first at line %u); keep one "
					   "with --duplicates first|last",
					   import_snip(r->item, snip), si->item_line[item]);
		if (si->o.dup == IMPORT_DUP_FIRST) {
			si->duplicates++;
			return 0;
		}
		si->duplicates++;
	}
	si->item_line[item] = r->line > 0 && r->line < UINT32_MAX ? (uint32_t)r->line : 1;
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
		if (si_label(si, r, value, 0, &u, err))
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
	p.seq = (size_t)si->records;
	p.model = intern_put(&si->models, model, strlen(model), NULL);
	sbuf_addc(&probs, '{');
	if (r->nprobs == 0) {
		if (si_pred_label(si, r, r->label, &p.label, err))
			goto out;
		if (!(r->confidence >= 0 && r->confidence <= 1)) {
			import_errf(err, r->file, r->line, r->col,
				    "confidence %g is not a probability between 0 and 1",
				    r->confidence);
			goto out;
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
				goto out;
			}
			for (size_t k = 0; k < i; k++) {
				if (seen[k] == lab) {
					si_fail(si, r, err, "a prediction names twice the label",
						r->prob_labels[i]);
					free(seen);
					goto out;
				}
			}
			seen[i] = lab;
			if (!(q >= 0 && q <= 1)) {
				import_errf(err, r->file, r->line, r->col,
					    "probability %g of label '%s' is not between 0 and 1",
					    q, r->prob_labels[i]);
				free(seen);
				goto out;
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
			goto out;
		}
		p.conf = top;
		p.plogp = h;
		p.margin = r->nprobs > 1 ? top - second : top;
	}
	sbuf_addc(&probs, '}');
	if (si->stream) {
		struct si_keyed k = {.seq = p.seq,
				     .col = r->col > 0 && r->col < UINT32_MAX ? (uint32_t)r->col
									      : 0,
				     .label = (uint32_t)p.label,
				     .conf = p.conf,
				     .plogp = p.plogp,
				     .margin = p.margin};
		si->npreds++;
		rc = store_import_keyed_put(si, r->item, p.model, r->line, &k, probs.s, NULL,
					    r->text, r->meta, err);
		goto out;
	}
	p.item = si_item(si, r);
	p.probs = store_import_str(si, probs.s);
	si->preds = xgrow(si->preds, &si->preds_cap, si->npreds + 1, sizeof *si->preds);
	si->preds[si->npreds++] = p;
	si_item_text(si, p.item, r->text, r->meta);
	rc = 0;
out:
	sbuf_free(&probs);
	return rc;
}

static int si_put_decision(struct store_import *si, const struct rec *r, char *err)
{
	struct idec d = {0};
	if (!si->o.expert || !*si->o.expert)
		return import_errf(err, r->file, r->line, r->col,
				   "a decision without an expert: give --expert NAME");
	if (si_label(si, r, r->label, r->label_len, &d.label, err))
		return -1;
	if (si->stream) {
		struct si_keyed k = {.seq = (uint64_t)si->records};
		si->ndecs++;
		return store_import_keyed_put(si, r->item, d.label, r->line, &k,
					      r->reason && *r->reason ? r->reason : NULL,
					      r->at && *r->at ? r->at : NULL, NULL, NULL, err);
	}
	d.item = si_item(si, r);
	d.line = r->line;
	d.col = r->col;
	d.seq = (size_t)si->records;
	d.reason = r->reason && *r->reason ? store_import_str(si, r->reason) : NONE;
	d.at = r->at && *r->at ? store_import_str(si, r->at) : NONE;
	si->decs = xgrow(si->decs, &si->decs_cap, si->ndecs + 1, sizeof *si->decs);
	si->decs[si->ndecs++] = d;
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
