/*
 * expert: who may review. Experts are names mapped to an OS user (by uid) and
 * a role: expert (decides), lead (decides and manages), viewer (reads only).
 */
#ifndef GAVEL_EXPERT_H
#define GAVEL_EXPERT_H

enum expert_role { ROLE_VIEWER = 0, ROLE_EXPERT = 1, ROLE_LEAD = 2 };

struct expert {
	char *name;
	enum expert_role role;
	long uid; /* -1 when not mapped to a uid */
	char *unix_user;
};

/* The role named s ("viewer", "expert", "lead") into *out: 0, or -1 for another name. */
int expert_role_parse(const char *s, enum expert_role *out);
/* The name of role r ("viewer" for a value out of range). */
const char *expert_role_name(enum expert_role r);

#endif
