/*
 * store_import: the database sink of the import pipeline: opening it (the
 * write transaction and the task), the task's labels, and the commit that
 * runs every step and appends the "import" audit event.
 *
 * Records are collected in memory as they come (src/store_import_collect.c),
 * checked one by one so that an error names the record. On commit the
 * strings are resolved against the database in one scan per table and new
 * rows get ids in order: labels here, then items
 * (src/store_import_items.c) and votes, which are radix-sorted by (item,
 * annotator) (src/store_import_sort.c), which also finds duplicates as
 * neighbours, and packed with their summary into one item_votes row per
 * item (src/store_import_votes.c); then predictions and decisions
 * (src/store_import_predictions.c, src/store_import_decisions.c), the
 * "import" audit event and COMMIT. Everything runs inside the transaction
 * store_import_open began, so any error leaves the database as it was.
 * src/store_import_priv.h is what these files share.
 */
#include "config.h"

#include "store_import_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t store_import_str(struct store_import *si, const char *s)
{
	size_t off = si->arena.len;
	sbuf_addn(&si->arena, s, strlen(s));
	sbuf_addc(&si->arena, '\0');
	return off;
}

void store_import_strings_set(struct store_import *si, struct si_strings *s, size_t i,
			      const char *str)
{
	size_t old = s->cap;
	if (i >= old) {
		s->off = xgrow(s->off, &s->cap, i + 1, sizeof *s->off);
		for (size_t k = old; k < s->cap; k++)
			s->off[k] = NONE;
	}
	s->off[i] = str ? store_import_str(si, str) : NONE;
}

const char *store_import_item_name(const struct store_import *si, int64_t id)
{
	if (si->stream)
		return si->stream_item ? si->stream_item : "?";
	for (size_t i = 0; i < intern_count(&si->items); i++) {
		if (si->item_id[i] == id)
			return intern_str(&si->items, (uint32_t)i);
	}
	return "?";
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
	/* A file of the budget's size holds some 3 to 10 times as many bytes
	 * of records and ids once collected in memory: past an eighth of the
	 * budget the records go to sorted runs instead (src/store_import_spill.c;
	 * predictions and decisions then src/store_import_pstream.c). */
	si->stream = o->bytes > store_import_spill_mem() / 8;
	/* An import writes its B-trees in key order, so a page it has filled
	 * is not touched again: the scan's small cache (store_scan_begin) lets
	 * SQLite write those pages to the WAL as it goes instead of holding
	 * them until COMMIT, and spares the faults of fresh cache pages (some
	 * 15 us per 4 KiB page on a virtual machine, more than reading the
	 * page again). A few votes spread over a large task touch each page
	 * once: adding 1,000 votes to a 10M-item project took 0.33 to 0.36 s
	 * with a 16 MB cache (4,600 faults) and 0.28 to 0.29 s with 2 MB (980;
	 * 1 MB, 0.27 to 0.28 s). A bulk import lost nothing (1M items, the
	 * file grouped or shuffled, new or into a task that had them; 10M
	 * grouped and shuffled), though a little more of it goes to the WAL
	 * twice (13% more page writes at 1M). store_import_free gives the
	 * connection its own cache size back. */
	si->cache_was = store_scan_begin(st);
	if (store_begin(st, err))
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
	store_scan_end(si->st, si->cache_was);
	free(si->task_name);
	free(si->file_annotator);
	store_task_free(&si->task);
	intern_free(&si->items);
	intern_free(&si->anns);
	intern_free(&si->labels);
	intern_free(&si->models);
	free(si->label_index);
	free(si->label_code);
	free(si->votes);
	free(si->vote_line);
	store_import_spill_free(si->spill);
	free(si->vote_at.off);
	free(si->vote_comment.off);
	free(si->item_text.off);
	free(si->item_meta.off);
	free(si->item_line);
	free(si->item_id);
	free(si->new_items);
	free(si->ann_id);
	store_import_keyed_free(si->pstream);
	free(si->preds);
	free(si->decs);
	sbuf_free(&si->arena);
	for (size_t i = 0; i < si->nskips; i++) {
		free(si->skips[i].task);
		free(si->skips[i].what);
	}
	free(si);
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

/*
 * A file that gives nothing of the kind imported would make an empty task
 * and an "imported 0 votes" that looks like success: say instead what the
 * file held and what the format reads.
 */
static int si_check_nonempty(struct store_import *si, char *err)
{
	struct sbuf held = {0};
	long got = si->o.kind == IMPORT_VOTES	      ? (long)si->nvotes
		   : si->o.kind == IMPORT_PREDICTIONS ? (long)si->npreds
		   : si->o.kind == IMPORT_DECISIONS   ? (long)si->ndecs
						      : si->records;
	if (got)
		return 0;
	si_skip_text(si, &held);
	if (held.len)
		import_errf(err, si->o.file, 0, 0,
			    "no %s to import into task '%s': the file holds %s, and gavel reads %s",
			    import_kind_name(si->o.kind), si->task_name, held.s,
			    si->o.reads ? si->o.reads : "none of it");
	else
		import_errf(err, si->o.file, 0, 0, "no %s to import into task '%s'%s%s",
			    import_kind_name(si->o.kind), si->task_name,
			    si->o.reads ? ": gavel reads " : "", si->o.reads ? si->o.reads : "");
	sbuf_free(&held);
	return -1;
}

/* ---- The task's labels ---- */

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

	si->label_code = xcalloc(nl + 1, sizeof *si->label_code);
	for (size_t i = 0; i < nl; i++) {
		if (si->label_index[i] >= 0)
			si->label_code[i] = si->task.labels[si->label_index[i]].code;
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
		if (si->label_index[i] >= 0)
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
		goto out;
	if (store_prepare(si->st,
			  "UPDATE label SET ord = ? WHERE task = ? AND code = ? AND ord <> ?", &ord,
			  err))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (all[i].code < 0) {
			int code = ++maxcode;
			size_t had = strlen(res->new_labels);
			snprintf(res->new_labels + had, sizeof res->new_labels - had, "%s%s",
				 had ? ", " : "", all[i].value);
			si->label_code[all[i].label] = code;
			if (store_label_add(si->st, si->task.id, code, all[i].value, NULL, NULL,
					    (int)i, err))
				goto out;
			continue;
		}
		sqlite3_reset(ord);
		sqlite3_bind_int(ord, 1, (int)i);
		sqlite3_bind_int64(ord, 2, si->task.id);
		sqlite3_bind_int(ord, 3, all[i].code);
		sqlite3_bind_int(ord, 4, (int)i);
		if (sqlite3_step(ord) != SQLITE_DONE) {
			store_fail(si->st, err, "label order");
			goto out;
		}
		if (sqlite3_changes(si->st->db))
			si->ord_changed = 1;
	}
	rc = 0;
out:
	sqlite3_finalize(ord);
	free(all);
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
	sbuf_addf(b, ",\"kind\":\"%s\",\"format\":", import_kind_name(si->o.kind));
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
		goto out;
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
			goto out;
		si->task.id = id;
		res->task_created = 1;
	}
	if (si_write_labels(si, res, err) || store_import_votes_write(si, res, err) ||
	    store_import_predictions_write(si, res, err))
		goto out;
	for (size_t i = 0; i < intern_count(&si->models); i++) {
		size_t had = strlen(res->models);
		snprintf(res->models + had, sizeof res->models - had, "%s'%s'", i ? ", " : "",
			 intern_str(&si->models, (uint32_t)i));
		res->nmodels++;
	}
	audit_actor_init(&actor, NULL);
	if (store_import_decisions_write(si, &actor, res, err))
		goto out;
	res->n.duplicates = si->duplicates;
	if (si->o.sha256_wait)
		si->o.sha256_wait(si->o.sha256_ctx);
	si_detail(si, res, &detail);
	if (audit_append(si->st, &actor, "import", 0, detail.s, NULL, err))
		goto out;
	if (si->o.dry_run) {
		store_rollback(si->st);
	} else if (store_commit(si->st, err)) {
		si->open = 0;
		goto out;
	}
	si->open = 0;
	rc = 0;
out:
	sbuf_free(&detail);
	return rc;
}
