/*
 * store_packet: making, cancelling and listing offline packets, the items
 * out in them and the public keys the project trusts (see packet.h).
 *
 * A packet is built in an in-memory database given the project's own schema
 * (its CREATE statements as sqlite_schema holds them, so the file's schema
 * is the project's byte for byte), filled from the project attached
 * read-only while this connection holds the write lock, so what is copied
 * and what is marked out are the same state; the finished database is then
 * written to the file with SQLite's backup API.
 */
#include "config.h"

#include "store_expert.h"
#include "packet.h"
#include "store_queue.h"
#include "sign.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 0 when the actor is a lead, 1 (err filled) when not, -1 on error. */
static int need_lead(struct store *st, const struct audit_actor *a, const char *what, char *err)
{
	char me[128];
	int rc = store_expert_lead_for_uid(st, a->uid, me, sizeof me, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		err_set(err, "only a lead may %s; your OS user (uid %ld) is not mapped to a lead",
			what, a->uid);
		return 1;
	}
	return 0;
}

/* See packet.h. */
int packet_query_text(struct store *st, const char *sql, const char *p1, const char *p2, char **out,
		      char *err)
{
	sqlite3_stmt *s;
	const char *v = NULL;
	int rc;
	*out = NULL;
	if (store_prepare(st, sql, &s, err))
		return -1;
	if (p1)
		sqlite3_bind_text(s, 1, p1, -1, SQLITE_STATIC);
	if (p2)
		sqlite3_bind_text(s, 2, p2, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (store_col_text(s, 0, &v, err)) {
			sqlite3_finalize(s);
			return -1;
		}
		if (v)
			*out = xstrdup(v);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "query");
	return 0;
}

/* packet_query_text reading a failure as no row: for what only informs. */
static char *query_text(struct store *st, const char *sql, const char *p1, const char *p2)
{
	char err[GV_ERR];
	char *v = NULL;
	packet_query_text(st, sql, p1, p2, &v, err);
	return v;
}

int packet_key_trust(struct store *st, const struct audit_actor *a, const char *expert,
		     const char *pub, char *err)
{
	char fp[SIGN_FP_LEN], now[21];
	char *owner, *known;
	struct sbuf d = {0};
	sqlite3_stmt *s;
	int rc;

	if (sign_fingerprint(pub, fp))
		return err_set(err,
			       "'%s' is not a public key (44 characters of base64, as "
			       "gavel expert key prints)",
			       pub),
		       1;
	if ((rc = need_lead(st, a, "trust a key", err)) != 0)
		return rc;
	if (packet_query_text(st, "SELECT name FROM expert WHERE name = ?", expert, NULL, &known,
			      err))
		return -1;
	if (!known) {
		char *c = text_clean(expert);
		err_set(err, "no expert named '%s' (add one with gavel expert add)", c);
		free(c);
		return 1;
	}
	free(known);
	if (packet_query_text(st, "SELECT expert FROM expert_key WHERE pubkey = ?", pub, NULL,
			      &owner, err))
		return -1;
	if (owner) {
		rc = strcmp(owner, expert) == 0 ? 0 : 1;
		if (rc) {
			char *c = text_clean(owner);
			err_set(err, "key %s is already trusted as %s's", fp, c);
			free(c);
		}
		free(owner);
		return rc;
	}
	util_utc_now(now);
	if (store_prepare(st,
			  "INSERT INTO expert_key(pubkey, expert, fingerprint, added_at)"
			  " VALUES (?, ?, ?, ?)",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, pub, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, expert, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, fp, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "trusted keys");
	sbuf_add(&d, "{\"expert\":");
	sbuf_add_json_str(&d, expert);
	sbuf_add(&d, ",\"key\":");
	sbuf_add_json_str(&d, pub);
	sbuf_addf(&d, ",\"fingerprint\":\"%s\"}", fp);
	rc = audit_append(st, a, "key-trust", 0, d.s, NULL, err);
	sbuf_free(&d);
	return rc;
}

/* ---- Making a packet ---- */

/* path as an SQLite URI opening it read-only. */
static void uri_ro(struct sbuf *b, const char *path)
{
	sbuf_add(b, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#' || (unsigned char)*p < 0x21)
			sbuf_addf(b, "%%%02X", (unsigned char)*p);
		else
			sbuf_addc(b, *p);
	}
	sbuf_add(b, "?mode=ro");
}

static int mem_exec(sqlite3 *db, const char *sql, char *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, "packet: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The project's schema as it stands, CREATE statements in an order that
 * rebuilds it (tables, then indexes, then triggers and views). */
static const char schema_sql[] =
	"SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE "
	"'\\'"
	" ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid";

int packet_skeleton(struct store *st, sqlite3 **out, char *err)
{
	sqlite3 *mem = NULL;
	sqlite3_stmt *s = NULL;
	char v[64];
	int rc;

	if (sqlite3_open_v2(":memory:", &mem,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
			    NULL) != SQLITE_OK) {
		err_set(err, "packet: cannot open a database in memory");
		goto fail;
	}
	sqlite3_db_config(mem, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(mem, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	/* Small pages: a packet is small, and its twenty-odd tables and
	 * indexes each take at least one page. */
	if (mem_exec(mem, "PRAGMA page_size = 1024", err))
		goto fail;
	if (store_prepare(st, schema_sql, &s, err))
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (mem_exec(mem, (const char *)sqlite3_column_text(s, 0), err))
			goto fail;
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "schema");
		goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	snprintf(v, sizeof v, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	if (mem_exec(mem, v, err))
		goto fail;
	*out = mem;
	return 0;
fail:
	sqlite3_finalize(s);
	sqlite3_close(mem);
	return -1;
}

/* What a packet copies of the project: everything every item needs, then
 * the chosen items' rows (pick holds their ids). */
static const char copy_sql[] =
	"INSERT INTO main.project SELECT * FROM src.project;"
	"INSERT INTO main.task SELECT * FROM src.task;"
	"INSERT INTO main.label SELECT * FROM src.label;"
	"INSERT INTO main.guideline SELECT * FROM src.guideline;"
	"INSERT INTO main.annotator SELECT * FROM src.annotator;"
	"INSERT INTO main.expert SELECT * FROM src.expert;"
	"INSERT INTO main.expert_key SELECT * FROM src.expert_key;"
	"INSERT INTO main.item SELECT * FROM src.item WHERE id IN (SELECT item FROM temp.pick);"
	"INSERT INTO main.item_votes SELECT * FROM src.item_votes"
	" WHERE item IN (SELECT item FROM temp.pick);"
	"INSERT INTO main.task_tally " STORE_SUMMARY_TALLY_SELECT " GROUP BY task;"
	"INSERT INTO main.prediction SELECT * FROM src.prediction"
	" WHERE item IN (SELECT item FROM temp.pick);"
	"INSERT INTO main.decision SELECT * FROM src.decision"
	" WHERE item IN (SELECT item FROM temp.pick) ORDER BY id;";

static int meta_put(sqlite3 *mem, const char *key, const char *value, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (sqlite3_prepare_v2(mem, "INSERT OR REPLACE INTO project(key, value) VALUES (?, ?)", -1,
			       &s, NULL) != SQLITE_OK)
		return err_set(err, "packet: %s", sqlite3_errmsg(mem));
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : err_set(err, "packet: %s", sqlite3_errmsg(mem));
}

/* Fill the in-memory packet from the project at st->path. */
static int fill(sqlite3 *mem, struct store *st, const struct queue_entry *v, size_t n, char *err)
{
	struct sbuf uri = {0};
	sqlite3_stmt *s = NULL;
	int rc = -1;

	uri_ro(&uri, st->path);
	if (sqlite3_prepare_v2(mem, "ATTACH ? AS src", -1, &s, NULL) != SQLITE_OK) {
		err_set(err, "packet: %s", sqlite3_errmsg(mem));
		goto out;
	}
	sqlite3_bind_text(s, 1, uri.s, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		err_set(err, "%s: %s", st->path, sqlite3_errmsg(mem));
		goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (mem_exec(mem, "CREATE TEMP TABLE pick(item INTEGER PRIMARY KEY); BEGIN", err))
		goto out;
	if (sqlite3_prepare_v2(mem, "INSERT OR IGNORE INTO temp.pick VALUES (?)", -1, &s, NULL) !=
	    SQLITE_OK) {
		err_set(err, "packet: %s", sqlite3_errmsg(mem));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, v[i].item);
		if (sqlite3_step(s) != SQLITE_DONE) {
			err_set(err, "packet: %s", sqlite3_errmsg(mem));
			goto out;
		}
	}
	if (mem_exec(mem, copy_sql, err) || mem_exec(mem, "COMMIT", err))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	if (!sqlite3_get_autocommit(mem))
		sqlite3_exec(mem, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(mem, "DETACH src", NULL, NULL, NULL);
	sbuf_free(&uri);
	return rc;
}

/* Write mem to a new file at path (mode 0600) with the backup API. */
static int write_file(sqlite3 *mem, const char *path, char *err)
{
	sqlite3 *out = NULL;
	sqlite3_backup *b;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600), rc;

	if (fd < 0)
		return err_set(err, "%s: %s", path,
			       errno == EEXIST ? "already exists; choose another file"
					       : strerror(errno));
	close(fd);
	if (sqlite3_open_v2(path, &out, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		err_set(err, "%s: %s", path, sqlite3_errmsg(out));
		goto fail;
	}
	b = sqlite3_backup_init(out, "main", mem, "main");
	if (!b) {
		err_set(err, "%s: %s", path, sqlite3_errmsg(out));
		goto fail;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		err_set(err, "%s: writing the packet failed: %s", path, sqlite3_errstr(rc));
		goto fail;
	}
	if (sqlite3_close(out) != SQLITE_OK) {
		out = NULL;
		err_set(err, "%s: closing the packet failed", path);
		goto fail;
	}
	return 0;
fail:
	sqlite3_close(out);
	unlink(path);
	return -1;
}

static int record(struct store *st, const struct audit_actor *a, const char *id,
		  const struct packet_opts *o, const char *queue, const char *head,
		  int64_t head_seq, int64_t base_decision, const struct queue_entry *v, size_t n,
		  const char *path, const char *now, char *err)
{
	sqlite3_stmt *s;
	struct sbuf d = {0};
	char digest[65];
	int rc;

	if (store_prepare(
		    st,
		    "INSERT INTO packet(id, expert, queue, created, state, items, head, head_seq,"
		    " base_decision) VALUES (?, ?, ?, ?, 'out', ?, ?, ?, ?)",
		    &s, err))
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (o->expert)
		sqlite3_bind_text(s, 2, o->expert, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, queue, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (int64_t)n);
	sqlite3_bind_text(s, 6, head, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, head_seq);
	sqlite3_bind_int64(s, 8, base_decision);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "packet");
	if (store_prepare(st, "INSERT INTO packet_item(item, packet) VALUES (?, ?)", &s, err))
		return -1;
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, v[i].item);
		if (sqlite3_step(s) != SQLITE_DONE) {
			sqlite3_finalize(s);
			return store_fail(st, err, "packet items");
		}
	}
	sqlite3_finalize(s);
	sbuf_add(&d, "{\"packet\":");
	sbuf_add_json_str(&d, id);
	sbuf_add(&d, ",\"expert\":");
	if (o->expert)
		sbuf_add_json_str(&d, o->expert);
	else
		sbuf_add(&d, "null");
	sbuf_add(&d, ",\"queue\":");
	sbuf_add_json_str(&d, queue);
	if (packet_items_digest(st, id, digest, NULL, err))
		return -1;
	sbuf_addf(&d, ",\"items\":%zu,\"items_sha256\":\"%s\",\"head\":\"%s\",\"file\":", n, digest,
		  head);
	sbuf_add_json_str(&d, path);
	sbuf_addc(&d, '}');
	rc = audit_append(st, a, "packet-create", 0, d.s, NULL, err);
	sbuf_free(&d);
	return rc;
}

int packet_create(struct store *st, const struct audit_actor *a, const struct packet_opts *o,
		  const char *path, char id[PACKET_ID_LEN], size_t *nitems, char *err)
{
	struct queue_entry *v = NULL;
	size_t n = 0;
	sqlite3 *mem = NULL;
	unsigned char rnd[6];
	char head[65], now[21], num[32], *qname = NULL, *last = NULL;
	int64_t head_seq = 0, base_decision = 0;
	int rc, wrote = 0;

	if (st->packet)
		return err_set(err, "%s is itself a packet: make packets from the project",
			       st->path),
		       1;
	if (store_begin(st, err))
		return -1;
	if ((rc = need_lead(st, a, "make packets", err)) != 0)
		goto fail_rc;
	rc = -1;
	if (o->expert) {
		char *known =
			query_text(st, "SELECT name FROM expert WHERE name = ?", o->expert, NULL);
		if (!known) {
			char *c = text_clean(o->expert);
			err_set(err, "no expert named '%s' (gavel expert list shows them)", c);
			free(c);
			rc = 1;
			goto fail_rc;
		}
		free(known);
	}
	if (store_queue_build(st, o->queue, o->limit ? o->limit : PACKET_DEFAULT_LIMIT, 0, &v, &n,
			      NULL, err))
		goto fail_rc;
	if (n == 0) {
		err_set(err, "the queue has no undecided item that is not out in a packet");
		rc = 1;
		goto fail_rc;
	}
	qname = o->queue ? xstrdup(o->queue) : store_queue_names(st);
	if (!o->queue && strchr(qname, ','))
		*strchr(qname, ',') = '\0';
	last = query_text(st, "SELECT seq FROM event ORDER BY seq DESC LIMIT 1", NULL, NULL);
	head_seq = last ? strtoll(last, NULL, 10) : 0;
	free(last);
	last = query_text(st, "SELECT max(id) FROM decision", NULL, NULL);
	base_decision = last ? strtoll(last, NULL, 10) : 0;
	free(last);
	if (audit_head(st, head, err))
		goto fail_rc;
	if (sodium_init() < 0) {
		err_set(err, "libsodium could not start");
		goto fail_rc;
	}
	randombytes_buf(rnd, sizeof rnd);
	snprintf(id, PACKET_ID_LEN, "p-");
	sodium_bin2hex(id + 2, PACKET_ID_LEN - 2, rnd, sizeof rnd);
	util_utc_now(now);
	if (packet_skeleton(st, &mem, err) || fill(mem, st, v, n, err))
		goto fail_rc;
	snprintf(num, sizeof num, "%lld", (long long)head_seq);
	if (meta_put(mem, "packet", id, err) || meta_put(mem, "packet_head", head, err) ||
	    meta_put(mem, "packet_head_seq", num, err) ||
	    meta_put(mem, "packet_created", now, err) ||
	    meta_put(mem, "packet_expert", o->expert ? o->expert : "", err) ||
	    meta_put(mem, "packet_queue", qname, err))
		goto fail_rc;
	snprintf(num, sizeof num, "%lld", (long long)base_decision);
	if (meta_put(mem, "packet_base_decision", num, err))
		goto fail_rc;
	if (write_file(mem, path, err))
		goto fail_rc;
	wrote = 1;
	if (record(st, a, id, o, qname, head, head_seq, base_decision, v, n, path, now, err) ||
	    store_commit(st, err))
		goto fail_rc;
	*nitems = n;
	sqlite3_close(mem);
	store_queue_free(v, n);
	free(qname);
	return 0;
fail_rc:
	store_rollback(st);
	if (wrote)
		unlink(path);
	sqlite3_close(mem);
	store_queue_free(v, n);
	free(qname);
	return rc;
}

int packet_cancel(struct store *st, const struct audit_actor *a, const char *id, size_t *nitems,
		  char *err)
{
	char now[21], *state;
	sqlite3_stmt *s;
	struct sbuf d = {0};
	int rc;

	if (store_begin(st, err))
		return -1;
	if ((rc = need_lead(st, a, "cancel packets", err)) != 0)
		goto fail;
	state = query_text(st, "SELECT state FROM packet WHERE id = ?", id, NULL);
	rc = 1;
	if (!state || strcmp(state, "out") != 0) {
		char *c = text_clean(id);
		if (state)
			err_set(err, "packet %s is %s, not out", c, state);
		else
			err_set(err, "no packet %s (gavel packet status lists them)", c);
		free(c);
		free(state);
		goto fail;
	}
	free(state);
	rc = -1;
	util_utc_now(now);
	if (store_prepare(st, "DELETE FROM packet_item WHERE packet = ?", &s, err))
		goto fail;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		store_fail(st, err, "packet items");
		goto fail;
	}
	sqlite3_finalize(s);
	*nitems = (size_t)sqlite3_changes(st->db);
	if (store_prepare(st, "UPDATE packet SET state = 'cancelled', closed_at = ? WHERE id = ?",
			  &s, err))
		goto fail;
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		rc = store_fail(st, err, "packet");
		goto fail;
	}
	sbuf_add(&d, "{\"packet\":");
	sbuf_add_json_str(&d, id);
	sbuf_addf(&d, ",\"items\":%zu}", *nitems);
	rc = audit_append(st, a, "packet-cancel", 0, d.s, NULL, err);
	sbuf_free(&d);
	if (rc || store_commit(st, err)) {
		rc = -1;
		goto fail;
	}
	return 0;
fail:
	store_rollback(st);
	return rc;
}

static char *dup_col(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);
	return v ? xstrdup((const char *)v) : NULL;
}

int packet_list(struct store *st, struct packet_info **out, size_t *n, char *err)
{
	sqlite3_stmt *s;
	struct packet_info *v = NULL;
	size_t cap = 0, cnt = 0;
	int rc;

	if (store_prepare(st,
			  "SELECT id, expert, queue, created, state, closed_at, items,"
			  " coalesce(decisions, -1), coalesce(conflicts, -1)"
			  " FROM packet ORDER BY created DESC, id",
			  &s, err))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct packet_info *p;
		v = xgrow(v, &cap, cnt + 1, sizeof *v);
		p = &v[cnt++];
		p->id = dup_col(s, 0);
		p->expert = dup_col(s, 1);
		p->queue = dup_col(s, 2);
		p->created = dup_col(s, 3);
		p->state = dup_col(s, 4);
		p->closed_at = dup_col(s, 5);
		p->items = sqlite3_column_int64(s, 6);
		p->decisions = sqlite3_column_int64(s, 7);
		p->conflicts = sqlite3_column_int64(s, 8);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		packet_list_free(v, cnt);
		return store_fail(st, err, "packets");
	}
	*out = v;
	*n = cnt;
	return 0;
}

void packet_list_free(struct packet_info *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].id);
		free(v[i].expert);
		free(v[i].queue);
		free(v[i].created);
		free(v[i].state);
		free(v[i].closed_at);
	}
	free(v);
}

int packet_item_out(struct store *st, int64_t item, char *buf, size_t len, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st,
			  "SELECT p.id, p.expert, p.created FROM packet_item x"
			  " JOIN packet p ON p.id = x.packet WHERE x.item = ?",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		char *who = text_clean(sqlite3_column_text(s, 1)
					       ? (const char *)sqlite3_column_text(s, 1)
					       : "anyone");
		char *id = text_clean((const char *)sqlite3_column_text(s, 0));
		char *at = text_clean((const char *)sqlite3_column_text(s, 2));
		snprintf(buf, len, "out in packet %s for %s since %s", id, who, at);
		free(who);
		free(id);
		free(at);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "packets");
	return rc == SQLITE_ROW;
}

int packet_conflict_open(struct store *st, int64_t item, int64_t pair[2],
			 char packet[PACKET_ID_LEN], char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st,
			  "SELECT project_decision, packet_decision, packet FROM conflict"
			  " WHERE item = ? AND settled_by IS NULL ORDER BY id DESC LIMIT 1",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, item);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		pair[0] = sqlite3_column_int64(s, 0);
		pair[1] = sqlite3_column_int64(s, 1);
		if (packet)
			snprintf(packet, PACKET_ID_LEN, "%s",
				 sqlite3_column_text(s, 2) ? (const char *)sqlite3_column_text(s, 2)
							   : "?");
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "conflicts");
	return rc == SQLITE_ROW;
}

int packet_conflict_settle(struct store *st, int64_t item, int64_t decision, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(
		    st, "UPDATE conflict SET settled_by = ? WHERE item = ? AND settled_by IS NULL",
		    &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, decision);
	sqlite3_bind_int64(s, 2, item);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_fail(st, err, "conflicts");
}

int packet_items_digest(struct store *st, const char *packet, char out[65], int64_t *n, char *err)
{
	sqlite3_stmt *s;
	struct sbuf b = {0};
	int64_t count = 0;
	int rc;

	if (store_prepare(st, "SELECT item FROM packet_item WHERE packet = ? ORDER BY item", &s,
			  err))
		return -1;
	sqlite3_bind_text(s, 1, packet, -1, SQLITE_STATIC);
	sbuf_add(&b, "");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sbuf_addf(&b, "%lld\n", (long long)sqlite3_column_int64(s, 0));
		count++;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		util_sha256_hex(b.s, b.len, out);
	sbuf_free(&b);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "packet items");
	if (n)
		*n = count;
	return 0;
}
