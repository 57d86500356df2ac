/*
 * store_expert: experts, their roles and the OS users they map to. Identity
 * is always the uid of the process (getuid), never $USER, which any user can
 * set to anything.
 */
#include "config.h"

#include "store_expert.h"
#include "text.h"
#include "util.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* One integer from a query with at most one text parameter; -1 on error. */
static long long count_of(struct store *st, const char *sql, const char *param, char *err)
{
	sqlite3_stmt *s;
	long long n = -1;
	if (store_prepare(st, sql, &s, err))
		return -1;
	if (param)
		sqlite3_bind_text(s, 1, param, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		store_fail(st, err, "experts");
	sqlite3_finalize(s);
	return n;
}

/* The leads' names, "a, b", into out (for a refusal that says whom to ask). */
static int lead_names(struct store *st, struct sbuf *out, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st, "SELECT name FROM expert WHERE role = 'lead' ORDER BY name", &s, err))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char *n = text_clean((const char *)sqlite3_column_text(s, 0));
		sbuf_addf(out, "%s%s", out->len ? ", " : "", n);
		free(n);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "experts");
	return 0;
}

/*
 * Whether actor may set `name` to `role`: 0 yes, 1 no (err says which rule),
 * -1 on error. Read inside the caller's write transaction, so two changes
 * at once cannot both take the last lead away.
 */
static int may_set(struct store *st, const struct audit_actor *actor, const char *name,
		   enum expert_role role, char *err)
{
	struct sbuf leads = {0};
	char me[128];
	long long nleads, was_lead;
	int lead;

	nleads = count_of(st, "SELECT count(*) FROM expert WHERE role = 'lead'", NULL, err);
	if (nleads < 0)
		return -1;
	if (nleads == 0) {
		if (role == ROLE_LEAD)
			return 0;
		err_set(err, "this project has no lead, and only a lead may add experts: add a "
			     "lead first (--role lead)");
		return 1;
	}
	lead = store_expert_lead_for_uid(st, actor->uid, me, sizeof me, err);
	if (lead < 0)
		return -1;
	if (!lead) {
		struct passwd *pw = getpwuid((uid_t)actor->uid);
		char *who;
		if (lead_names(st, &leads, err)) {
			sbuf_free(&leads);
			return -1;
		}
		who = text_clean(pw ? pw->pw_name : "?");
		err_set(err,
			"only a lead may add experts or change roles; your OS user %s (uid %ld) "
			"is not mapped to a lead of this project (leads: %s)",
			who, actor->uid, leads.s ? leads.s : "");
		free(who);
		sbuf_free(&leads);
		return 1;
	}
	was_lead = count_of(st, "SELECT count(*) FROM expert WHERE name = ? AND role = 'lead'",
			    name, err);
	if (was_lead < 0)
		return -1;
	if (was_lead && role != ROLE_LEAD && nleads == 1) {
		char *n = text_clean(name);
		err_set(err,
			"%s is the project's last lead, and a project always keeps one: make "
			"another expert lead first",
			n);
		free(n);
		return 1;
	}
	return 0;
}

int store_expert_add(struct store *st, const struct audit_actor *actor, const char *name,
	       enum expert_role role, const char *unix_user, char *err)
{
	struct passwd *pw;
	sqlite3_stmt *s = NULL;
	struct sbuf detail = {0};
	char now[21];
	int rc = -1;

	if (!*name)
		return err_set(err, "expert name is empty");
	rc = may_set(st, actor, name, role, err);
	if (rc)
		return rc;
	rc = -1;
	pw = unix_user ? getpwnam(unix_user) : getpwuid(getuid());
	if (!pw)
		return err_set(err, "no such OS user '%s'", unix_user ? unix_user : "(self)");
	sbuf_add(&detail, "{\"before\":");
	if (store_prepare(st,
			  "SELECT json_object('role', role, 'uid', unix_uid, 'unix_user', unix_user)"
			  " FROM expert WHERE name = ?",
			  &s, err))
		goto out;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		sbuf_add(&detail, (const char *)sqlite3_column_text(s, 0));
	else
		sbuf_add(&detail, "null");
	sqlite3_finalize(s);
	s = NULL;
	sbuf_addf(&detail, ",\"after\":{\"role\":\"%s\",\"uid\":%ld,\"unix_user\":",
		  expert_role_name(role), (long)pw->pw_uid);
	sbuf_add_json_str(&detail, pw->pw_name);
	sbuf_add(&detail, "},\"expert\":");
	sbuf_add_json_str(&detail, name);
	sbuf_addc(&detail, '}');

	util_utc_now(now);
	if (store_prepare(st,
			  "INSERT INTO expert(name, role, unix_uid, unix_user, added_at)"
			  " VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET"
			  " role = excluded.role, unix_uid = excluded.unix_uid,"
			  " unix_user = excluded.unix_user",
			  &s, err))
		goto out;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, expert_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)pw->pw_uid);
	sqlite3_bind_text(s, 4, pw->pw_name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_fail(st, err, "add expert");
		goto out;
	}
	if (audit_append(st, actor, "expert-set", 0, detail.s, NULL, err))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	sbuf_free(&detail);
	return rc;
}

int store_expert_lead_for_uid(struct store *st, long uid, char *name, size_t len, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st,
			  "SELECT name FROM expert WHERE unix_uid = ? AND role = 'lead'"
			  " ORDER BY name LIMIT 1",
			  &s, err))
		return -1;
	sqlite3_bind_int64(s, 1, uid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(name, len, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "experts");
	return rc == SQLITE_ROW;
}

int store_expert_is_lead(struct store *st, const char *name, long uid, char *err)
{
	sqlite3_stmt *s;
	int rc;
	if (store_prepare(st,
			  "SELECT 1 FROM expert WHERE name = ? AND unix_uid = ? AND role = 'lead'",
			  &s, err))
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, uid);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, err, "experts");
	return rc == SQLITE_ROW;
}

static int list_query(struct store *st, const char *sql, long uid, struct expert **out, size_t *n,
		      char *err)
{
	sqlite3_stmt *s;
	struct expert *v = NULL;
	size_t cap = 0, cnt = 0;
	int rc;

	if (store_prepare(st, sql, &s, err))
		return -1;
	if (uid >= 0)
		sqlite3_bind_int64(s, 1, uid);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct expert *e;
		const unsigned char *u = sqlite3_column_text(s, 3);
		v = xgrow(v, &cap, cnt + 1, sizeof *v);
		e = &v[cnt++];
		e->name = xstrdup((const char *)sqlite3_column_text(s, 0));
		if (expert_role_parse((const char *)sqlite3_column_text(s, 1), &e->role))
			e->role = ROLE_VIEWER;
		e->uid = sqlite3_column_type(s, 2) == SQLITE_NULL ? -1 :
								   (long)sqlite3_column_int64(s, 2);
		e->unix_user = u ? xstrdup((const char *)u) : NULL;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_expert_list_free(v, cnt);
		return store_fail(st, err, "experts");
	}
	*out = v;
	*n = cnt;
	return 0;
}

int store_expert_list(struct store *st, struct expert **out, size_t *n, char *err)
{
	return list_query(st, "SELECT name, role, unix_uid, unix_user FROM expert ORDER BY name", -1,
			  out, n, err);
}

int store_expert_for_uid(struct store *st, long uid, struct expert **out, size_t *n, char *err)
{
	return list_query(st,
			  "SELECT name, role, unix_uid, unix_user FROM expert WHERE unix_uid = ?"
			  " ORDER BY name",
			  uid, out, n, err);
}

void store_expert_list_free(struct expert *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].unix_user);
	}
	free(v);
}
