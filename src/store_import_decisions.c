/*
 * store_import_decisions: expert decisions from a file. Each imported
 * decision is its own "decide" audit event (origin "import"), in addition
 * to the one "import" event for the file, because every decision in gavel
 * has its event; decision files are small. With --duplicates last an
 * imported decision supersedes the item's current one; superseding another
 * expert's decision is a lead's call, as on the review screen, so only a
 * user mapped to a lead may do it.
 */
#include "config.h"

#include "store_import_priv.h"
#include "store_expert.h"

#include <stdlib.h>
#include <string.h>

static int dec_cmp(const void *pa, const void *pb)
{
	const struct idec *a = pa, *b = pb;
	if (a->db_item != b->db_item)
		return a->db_item < b->db_item ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

int store_import_decisions_write(struct store_import *si, const struct audit_actor *actor,
				 struct import_result *res, char *err)
{
	sqlite3_stmt *last = NULL, *ins = NULL;
	struct sbuf detail = {0};
	size_t n = si->ndecs, w = 0;
	char now[21], s1[64], s2[64], lead[128];
	int rc = -1, is_lead = -1;

	if (!n)
		return 0;
	util_utc_now(now);
	for (size_t i = 0; i < n; i++)
		si->decs[i].db_item = si->item_id[si->decs[i].item];
	qsort(si->decs, n, sizeof *si->decs, dec_cmp);
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j + 1 < n && si->decs[j + 1].db_item == si->decs[i].db_item)
			j++;
		if (j > i && si->o.dup == IMPORT_DUP_ERROR) {
			import_errf(
				err, si->o.file, si->decs[i + 1].line, 0,
				"a second decision for item '%s' (first at line %ld); keep one "
				"with --duplicates first|last",
				import_snip(store_import_item_name(si, si->decs[i].db_item), s1),
				si->decs[i].line);
			goto out;
		}
		si->duplicates += (long)(j - i);
		si->decs[w++] = si->decs[si->o.dup == IMPORT_DUP_LAST ? j : i];
		i = j;
	}
	n = w;
	if (store_prepare(si->st,
			  "SELECT id, expert, label IS NOT NULL FROM decision WHERE item = ?"
			  " ORDER BY id DESC LIMIT 1",
			  &last, err) ||
	    store_prepare(
		    si->st,
		    "INSERT INTO decision(item, expert, label, reason, at, supersedes, origin)"
		    " VALUES (?, ?, ?, ?, ?, ?, 'import')",
		    &ins, err))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct idec *d = &si->decs[i];
		const char *at = d->at != NONE ? store_import_at(si, d->at) : now;
		const char *reason = store_import_at(si, d->reason);
		const char *label = intern_str(&si->labels, d->label);
		int64_t prev = 0, id;
		int step;
		sqlite3_reset(last);
		sqlite3_bind_int64(last, 1, d->db_item);
		step = sqlite3_step(last);
		if (step != SQLITE_ROW && step != SQLITE_DONE) {
			store_fail(si->st, err, "decision");
			goto out;
		}
		if (step == SQLITE_ROW)
			prev = sqlite3_column_int64(last, 0);
		if (prev && si->o.dup == IMPORT_DUP_LAST && sqlite3_column_int(last, 2)) {
			const char *by;
			if (store_col_text(last, 1, &by, err))
				goto out;
			if (by && strcmp(by, si->o.expert) != 0) {
				if (is_lead < 0 &&
				    (is_lead = store_expert_lead_for_uid(si->st, actor->uid, lead,
									 sizeof lead, err)) < 0)
					goto out;
				if (!is_lead) {
					import_errf(
						err, si->o.file, d->line, 0,
						"item '%s' has a decision by %s; only a lead may "
						"supersede another expert's decision, so nothing "
						"was imported",
						import_snip(store_import_item_name(si, d->db_item),
							    s1),
						import_snip(by, s2));
					goto out;
				}
			}
		}
		if (prev && si->o.dup == IMPORT_DUP_ERROR) {
			import_errf(err, si->o.file, d->line, 0,
				    "item '%s' already has a decision; keep one with --duplicates "
				    "first|last (last supersedes it)",
				    import_snip(store_import_item_name(si, d->db_item), s1));
			goto out;
		}
		if (prev && si->o.dup == IMPORT_DUP_FIRST) {
			si->duplicates++;
			continue;
		}
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, d->db_item);
		sqlite3_bind_text(ins, 2, si->o.expert, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 3, si->label_code[d->label]);
		sqlite3_bind_text(ins, 4, reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, at, -1, SQLITE_STATIC);
		if (prev)
			sqlite3_bind_int64(ins, 6, prev);
		else
			sqlite3_bind_null(ins, 6);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			store_fail(si->st, err, "add decision");
			goto out;
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
			goto out;
		res->n.decisions++;
	}
	rc = 0;
out:
	sqlite3_finalize(last);
	sqlite3_finalize(ins);
	sbuf_free(&detail);
	return rc;
}
