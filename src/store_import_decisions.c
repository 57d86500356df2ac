/*
 * store_import_decisions: expert decisions from a file. Each imported
 * decision is its own "decide" audit event (origin "import"), in addition
 * to the one "import" event for the file, because every decision in gavel
 * has its event. Items are written in id order (which orders the
 * decisions' ids and events), from the array collected in memory or, for a
 * streamed file, from the spool (src/store_import_pstream.c), through the
 * same per-item step. With --duplicates last an
 * imported decision supersedes the item's current one; superseding another
 * expert's decision is a lead's call, as on the review screen, so only a
 * user mapped to a lead may do it.
 */
#include "config.h"

#include "store_import_priv.h"
#include "store_expert.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static int dec_cmp(const void *pa, const void *pb)
{
	const struct idec *a = pa, *b = pb;
	if (a->db_item != b->db_item)
		return a->db_item < b->db_item ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

struct dec_writer {
	sqlite3_stmt *last, *ins;
	const struct audit_actor *actor;
	struct sbuf detail;
	char now[21];
	int is_lead; /* -1 until asked */
	/* An item refused for its stored decision (the first in item order):
	 * reported once no item after it repeats one in the file, since the
	 * file's own repeats are reported first. */
	int pending;
	char perr[GV_ERR];
};

/*
 * The decisions d[0..n) of one item, sorted by file order: a repeat
 * refused, or one kept as --duplicates says, and written, superseding the
 * stored one when it is to, with its "decide" event. Returns 0 or -1 with
 * err filled.
 */
static int dec_item(struct store_import *si, void *wv, void *recs, size_t n,
		    struct import_result *res, char *err)
{
	struct dec_writer *w = wv;
	const struct idec *all = recs;
	const struct idec *d = &all[si->o.dup == IMPORT_DUP_LAST ? n - 1 : 0];
	const char *at = d->at != NONE ? store_import_at(si, d->at) : w->now;
	const char *reason = store_import_at(si, d->reason);
	const char *label = intern_str(&si->labels, d->label);
	int64_t prev = 0, id;
	int step;
	char s1[64], s2[64], lead[128];

	if (n > 1 && si->o.dup == IMPORT_DUP_ERROR)
		return import_errf(err, si->o.file, all[1].line, 0,
				   "a second decision for item '%s' (first at line %ld); keep one "
				   "with --duplicates first|last",
				   import_snip(store_import_item_name(si, d->db_item), s1),
				   all[0].line);
	si->duplicates += (long)(n - 1);
	if (w->pending)
		return 0;
	sqlite3_reset(w->last);
	sqlite3_bind_int64(w->last, 1, d->db_item);
	step = sqlite3_step(w->last);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return store_fail(si->st, err, "decision");
	if (step == SQLITE_ROW)
		prev = sqlite3_column_int64(w->last, 0);
	if (prev && si->o.dup == IMPORT_DUP_LAST && sqlite3_column_int(w->last, 2)) {
		const char *by;
		if (store_col_text(w->last, 1, &by, err))
			return -1;
		if (by && strcmp(by, si->o.expert) != 0) {
			if (w->is_lead < 0 &&
			    (w->is_lead = store_expert_lead_for_uid(si->st, w->actor->uid, lead,
								    sizeof lead, err)) < 0)
				return -1;
			if (!w->is_lead) {
				import_errf(w->perr, si->o.file, d->line, 0,
					    "item '%s' has a decision by %s; only a lead may "
					    "supersede another expert's decision, so nothing "
					    "was imported",
					    import_snip(store_import_item_name(si, d->db_item), s1),
					    import_snip(by, s2));
				w->pending = 1;
				return 0;
			}
		}
	}
	if (prev && si->o.dup == IMPORT_DUP_ERROR) {
		import_errf(w->perr, si->o.file, d->line, 0,
			    "item '%s' already has a decision; keep one with --duplicates "
			    "first|last (last supersedes it)",
			    import_snip(store_import_item_name(si, d->db_item), s1));
		w->pending = 1;
		return 0;
	}
	if (prev && si->o.dup == IMPORT_DUP_FIRST) {
		si->duplicates++;
		return 0;
	}
	sqlite3_reset(w->ins);
	sqlite3_bind_int64(w->ins, 1, d->db_item);
	sqlite3_bind_text(w->ins, 2, si->o.expert, -1, SQLITE_STATIC);
	sqlite3_bind_int(w->ins, 3, si->label_code[d->label]);
	sqlite3_bind_text(w->ins, 4, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(w->ins, 5, at, -1, SQLITE_STATIC);
	if (prev)
		sqlite3_bind_int64(w->ins, 6, prev);
	else
		sqlite3_bind_null(w->ins, 6);
	if (sqlite3_step(w->ins) != SQLITE_DONE)
		return store_fail(si->st, err, "add decision");
	id = sqlite3_last_insert_rowid(si->st->db);
	sbuf_reset(&w->detail);
	sbuf_addf(&w->detail,
		  "{\"decision\":%lld,\"origin\":\"import\",\"expert\":", (long long)id);
	sbuf_add_json_str(&w->detail, si->o.expert);
	sbuf_add(&w->detail, ",\"label\":");
	sbuf_add_json_str(&w->detail, label);
	sbuf_add(&w->detail, ",\"reason\":");
	if (reason)
		sbuf_add_json_str(&w->detail, reason);
	else
		sbuf_add(&w->detail, "null");
	sbuf_addf(&w->detail, ",\"supersedes\":");
	if (prev)
		sbuf_addf(&w->detail, "%lld", (long long)prev);
	else
		sbuf_add(&w->detail, "null");
	/* The row's time, so that audit verify can hold the row to it. */
	sbuf_add(&w->detail, ",\"at\":");
	sbuf_add_json_str(&w->detail, at);
	sbuf_add(&w->detail, ",\"file\":");
	sbuf_add_json_str(&w->detail, si->o.file);
	sbuf_addc(&w->detail, '}');
	if (audit_append(si->st, w->actor, "decide", d->db_item, w->detail.s, NULL, err))
		return -1;
	res->n.decisions++;
	return 0;
}

/* A spooled decision (its item's database id already set). */
static void dec_fill(struct store_import *si, void *rec, const struct srec *r,
		     const struct si_keyed *k, const char *reason, const char *when)
{
	struct idec *d = rec;
	d->label = r->label;
	d->line = r->line;
	d->col = 0;
	d->seq = (size_t)k->seq;
	d->reason = reason ? store_import_str(si, reason) : NONE;
	d->at = when ? store_import_str(si, when) : NONE;
}

static const struct si_keyed_kind dec_kind = {
	.size = sizeof(struct idec),
	.item_off = offsetof(struct idec, item),
	.db_off = offsetof(struct idec, db_item),
	.cmp = dec_cmp,
	.fill = dec_fill,
	.item = dec_item,
};

int store_import_decisions_write(struct store_import *si, const struct audit_actor *actor,
				 struct import_result *res, char *err)
{
	struct dec_writer w = {.actor = actor, .is_lead = -1};
	size_t n = si->ndecs;
	int rc = -1;

	if (!n)
		return 0;
	util_utc_now(w.now);
	if (store_prepare(si->st,
			  "SELECT id, expert, label IS NOT NULL FROM decision WHERE item = ?"
			  " ORDER BY id DESC LIMIT 1",
			  &w.last, err) ||
	    store_prepare(
		    si->st,
		    "INSERT INTO decision(item, expert, label, reason, at, supersedes, origin)"
		    " VALUES (?, ?, ?, ?, ?, ?, 'import')",
		    &w.ins, err))
		goto out;
	if (store_import_keyed_write(si, &dec_kind, &w, si->decs, n, res, err))
		goto out;
	if (w.pending) {
		memcpy(err, w.perr, GV_ERR);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(w.last);
	sqlite3_finalize(w.ins);
	sbuf_free(&w.detail);
	return rc;
}
