/*
 * store_item: items found by what users call them. An item's external id
 * (the id of the file it was imported from) is unique within its task, not
 * across the project; commands that take one resolve it here to the item's
 * rowid, which the other modules take.
 */
#ifndef GAVEL_STORE_ITEM_H
#define GAVEL_STORE_ITEM_H

#include "store.h"

#include <stdint.h>

/*
 * Find the rowid of the item with this external id, in task when task is
 * non-NULL. Returns 0 with *item set, or -1 with err filled (names
 * sanitised): no such item, or the external id exists in several tasks
 * (the message names them and asks for --task).
 */
int store_item_find(struct store *st, const char *external_id, const char *task, int64_t *item,
		    char *err);

#endif
