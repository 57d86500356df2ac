/*
 * expert: the roles an expert may have, by name. What the database holds
 * about experts is store_expert's.
 */
#include "config.h"

#include "expert.h"
#include "util.h"

#include <string.h>

static const char *const role_names[] = {"viewer", "expert", "lead"};

int expert_role_parse(const char *s, enum expert_role *out)
{
	for (size_t i = 0; i < GV_ARRAY_LEN(role_names); i++) {
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum expert_role)i;
			return 0;
		}
	}
	return -1;
}

const char *expert_role_name(enum expert_role r)
{
	return (unsigned)r < GV_ARRAY_LEN(role_names) ? role_names[r] : "viewer";
}
