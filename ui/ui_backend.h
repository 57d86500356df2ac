/*
 * ui_backend: the review screen's struct ui_backend implemented on the
 * project database (src/store_review.h, src/guide.h) for one expert.
 */
#ifndef GAVEL_UI_BACKEND_H
#define GAVEL_UI_BACKEND_H

#include "audit.h"
#include "store.h"
#include "ui.h"

struct ui_db {
	struct store *st;
	struct audit_actor actor; /* actor.expert is the expert's name */
	int readonly;             /* --read-only or a viewer: claims are not taken */
};

/* Fill be with functions working on db (which must outlive be). */
void ui_backend_db(struct ui_backend *be, struct ui_db *db);

#endif
