/*
 * testui: shared helpers of the review screen's state tests (see testui.h).
 */
#include "config.h"

#include "testui.h"
#include "util.h"

#include <math.h>

void test_ui_keys(struct ui_state *s, const char *keys)
{
	for (const char *k = keys; *k; k++)
		ui_update_key(s, *k == '\n' ? UI_KEY_ENTER : (unsigned char)*k);
}

void test_ui_row(struct review_row *r, int64_t item, const char *external_id, const char *task,
		 const char *votes, double agreement)
{
	r->item = item;
	r->external_id = xstrdup(external_id);
	r->task = xstrdup(task);
	r->votes = xstrdup(votes);
	r->agreement = agreement;
	r->model_conf = NAN;
	r->reason = xstrdup("not unanimous");
}

int test_ui_open_status(void *ctx, struct review_row *r, char *err)
{
	(void)ctx;
	(void)err;
	r->status = REVIEW_OPEN;
	return 0;
}

int test_ui_claim_ok(void *ctx, int64_t item, int64_t seen, char *holder, size_t len, char *err)
{
	(void)ctx;
	(void)item;
	(void)seen;
	(void)holder;
	(void)len;
	(void)err;
	return 0;
}

int test_ui_release_ok(void *ctx, int64_t item, char *err)
{
	(void)ctx;
	(void)item;
	(void)err;
	return 0;
}

double test_ui_now(void *ctx)
{
	(void)ctx;
	return 1000;
}
