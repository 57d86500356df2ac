/*
 * store_expert: experts in the project database (see expert.h for what an
 * expert is): adding them with their audit event, looking them up by name
 * and by the uid of the process.
 */
#ifndef GAVEL_STORE_EXPERT_H
#define GAVEL_STORE_EXPERT_H

#include "audit.h"
#include "expert.h"
#include "store.h"

#include <stddef.h>

/*
 * Add or update an expert inside the caller's write transaction, with an
 * audit event (before and after). unix_user NULL maps the expert to the
 * calling OS user. Only a lead may do it: actor->uid must map to an expert
 * whose role is lead (root is no exception). A project without any lead
 * (gavel init makes its creator the first lead, so only a project whose
 * leads were taken away around gavel) accepts a lead and nothing else, so
 * that someone can take charge of it. The last lead cannot stop being a
 * lead. Returns 0 when written, 1 when refused (err names the rule;
 * nothing is written), -1 on error.
 */
int store_expert_add(struct store *st, const struct audit_actor *actor, const char *name,
		     enum expert_role role, const char *unix_user, char *err);

/*
 * The name of a lead mapped to uid (the first by name) into name, `len`
 * bytes. Returns 1 when there is one, 0 when uid maps to no lead, -1 on
 * error.
 */
int store_expert_lead_for_uid(struct store *st, long uid, char *name, size_t len, char *err);

/* Whether expert `name` is a lead mapped to uid: 1 yes, 0 no, -1 on error. */
int store_expert_is_lead(struct store *st, const char *name, long uid, char *err);

/* All experts, by name. Free with store_expert_list_free. */
int store_expert_list(struct store *st, struct expert **out, size_t *n, char *err);
/* Experts mapped to uid, by name. Free with store_expert_list_free. */
int store_expert_for_uid(struct store *st, long uid, struct expert **out, size_t *n, char *err);
void store_expert_list_free(struct expert *v, size_t n);

#endif
