/*
 * store_review: everything the review screen reads from and writes to the
 * project database. Reads fill plain structs that the screen owns and frees;
 * writes are short BEGIN IMMEDIATE transactions that append their audit event
 * in the same transaction and return only after COMMIT answered, so the
 * screen can say "saved" truthfully. No function here keeps a statement or a
 * transaction open after it returns, so nothing is held while a person thinks.
 */
#ifndef GAVEL_STORE_REVIEW_H
#define GAVEL_STORE_REVIEW_H

#include "audit.h"
#include "store_queue.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

/* How long a claim keeps other experts off an item; renewed while open. */
#define REVIEW_CLAIM_SECONDS 300

/* What the queue shows about an item's state, for the current expert. */
enum review_status {
	REVIEW_OPEN = 0,      /* nobody has decided or claimed it */
	REVIEW_MINE,          /* decided by me (current decision) */
	REVIEW_OTHER,         /* decided by another expert */
	REVIEW_CLAIMED,       /* claimed by another expert right now */
	REVIEW_SKIPPED,       /* I skipped it in this project */
};

/* One row of the queue screen. Strings are heap-owned. */
struct review_row {
	int64_t item;
	char *external_id;
	char *task;
	char *votes;       /* "neg:2 pos:1", label order */
	char *votes_short; /* "neg2 pos1" or "2·0·1": at most REVIEW_VOTES_SHORT columns
			    * for up to 7 labels (see store_review_rows_from_queue) */
	char *legend;      /* what votes_short's names stand for: "neg=negative
			    * pos=positive" or "n·n·n = negative·neutral·positive";
			    * NULL when votes_short is the full summary */
	int nvotes;
	double agreement;  /* NAN when fewer than 2 votes */
	char *model_label; /* NULL without a prediction */
	double model_conf; /* NAN without a prediction */
	double entropy;
	char *reason;      /* why the item is in the queue */
	enum review_status status;
	char *status_by;   /* the other expert for REVIEW_OTHER / REVIEW_CLAIMED, else NULL */
	char *decided_label;
	int64_t decision;  /* the item's latest decision when the row was read, 0: none */
	int flags;         /* the item's guideline flags, by anyone (store_review_rows_flags) */
	char *suggested;   /* label-issues: the label the item likely has, else NULL */
	double margin;     /* label-issues: p(suggested) - p(current label), else NAN */
	char *evidence;    /* label-issues: the model and import behind it, else NULL */
};

/* The compact vote summary's width limit, in columns. */
#define REVIEW_VOTES_SHORT 14

/*
 * Turn queue entries into screen rows (copies, plus the vote summary). The
 * compact summary names each label with votes by its guideline key when
 * every label has a distinct one-character key, else by the shortest prefix
 * (up to 3 characters) that tells the task's labels apart, else by its
 * position; "neg2 pos1". When that is wider than REVIEW_VOTES_SHORT it
 * falls back to every label's count in label order, "2·0·1". Each row's
 * legend says what its compact form's names or positions stand for.
 * The status is REVIEW_OPEN until store_review_row_status fills it.
 * Free with store_review_rows_free. Returns 0, or -1 with err filled.
 */
int store_review_rows_from_queue(struct store *st, const struct queue_entry *q, size_t n,
			   struct review_row **out, char *err);
void store_review_rows_free(struct review_row *v, size_t n);

/*
 * Set each row's flag count from the flag table, in one pass over it.
 * Returns 0, or -1 with err filled.
 */
int store_review_rows_flags(struct store *st, struct review_row *v, size_t n, char *err);

/* Refresh one row's status as seen by expert `me` (decisions, claims, skips)
 * and the latest decision it knows of. */
int store_review_row_status(struct store *st, const char *me, struct review_row *r, char *err);

/* store_review_row_status for n rows in one statement (the rows' items
 * through the decision, claim and event indexes). Returns 0, or -1 with err
 * filled. */
int store_review_rows_status(struct store *st, const char *me, struct review_row *const *v,
			     size_t n, char *err);

struct review_vote {
	char *annotator;
	char *label;     /* label value */
	char *comment;   /* NULL when none */
	int record_n;    /* decided items this annotator voted on */
	int record_ok;   /* of those, how many matched the current decision */
};

struct review_prob {
	char *label;
	double p;
};

struct review_pred {
	char *model;
	char *label;
	double confidence;
	double entropy; /* NAN when unknown */
	struct review_prob *probs; /* sorted by p, highest first */
	size_t nprobs;
};

struct review_decision {
	int64_t id;
	char *expert;
	char *label;       /* label value, NULL for an undo to "no decision" */
	char *blind_label; /* the blind call, NULL when none */
	char *reason;
	char *rule;
	char *at;
	double seconds;
	int64_t supersedes; /* 0 when none */
};

/* Everything the item screen shows. Strings are heap-owned. */
struct review_item {
	int64_t id;
	char *external_id;
	char *text;
	char *meta;
	struct store_task task; /* with its labels in order */
	struct review_vote *votes;
	size_t nvotes;
	struct review_pred *preds; /* most confident model first */
	size_t npreds;
	char *vote_summary; /* "neg:2 pos:1" */
	double agreement;   /* NAN when fewer than 2 votes */
	char *plurality;    /* NULL on no votes */
	int tie;
	struct review_decision *history; /* all decisions, oldest first */
	size_t nhistory;
	int64_t current;    /* id of the latest decision, 0 when none */
	char *draft;        /* my saved draft reason, NULL when none */
	char *my_flag;      /* my flag's note ("" without a note), NULL when I have not flagged it */
	int nflags;         /* flags on the item, by anyone */
	char *claimed_by;   /* another expert's live claim, NULL when none */
	char *out_in;       /* "out in packet P for alice since ...", NULL when not out */
	int64_t conflict[2]; /* an open conflict: the project's and the packet's
			      * decision (both in history), 0 and 0 when none */
	char *conflict_packet; /* the packet of that conflict, NULL when none */
	double quality;     /* the task's estimated label accuracy q (NAN: unknown) */
	const char *quality_source; /* "audit", "agreement" or "none" (static) */
};

/* Load an item for expert `me`. Free with store_review_item_free. */
int store_review_item_load(struct store *st, int64_t item, const char *me, struct review_item *out,
		     char *err);
void store_review_item_free(struct review_item *it);

/* Page cache of a review session, in KiB (the store's default is 64 MiB). */
#define REVIEW_CACHE_KB 8192
#define GV_STR_(x) #x
#define GV_STR(x) GV_STR_(x)

/* Set up the connection for an interactive session (a small page cache). */
int store_review_session_init(struct store *st, char *err);

/* Frames in the write-ahead log past which it is copied into the database
 * (SQLite's own default for its automatic checkpoint). */
#define REVIEW_WAL_FRAMES 1000

/*
 * Take the checkpoint off st's commits: instead of copying the log into
 * the database (and syncing both) inside the commit that passes
 * REVIEW_WAL_FRAMES, st calls c->due(c->arg) then, on the committing
 * thread, and whoever it tells runs store_review_checkpoint on a
 * connection of its own. c must outlive the setting; NULL puts SQLite's
 * automatic checkpoint back.
 */
struct review_ckpt {
	void (*due)(void *arg);
	void *arg;
};
void store_review_checkpoint_elsewhere(struct store *st, struct review_ckpt *c);

/* A passive checkpoint on st: the log copied into the database as far as
 * no reader needs it, without waiting for anyone. When that was the whole
 * log (or the log was empty), st also writes a commit that changes nothing,
 * so that the log's restart, which syncs its header under the write lock,
 * is st's and not the next key's. Returns 0, or -1 with err (a busy
 * checkpoint is not an error: the next one goes further). */
int store_review_checkpoint(struct store *st, char *err);

/* The latest decision of an item (NULL-safe accessor over history). */
const struct review_decision *store_review_item_current(const struct review_item *it);

/*
 * Why a claim or a decision wrote nothing (the positive return values of
 * store_review_claim and store_review_decide; err says it in words).
 */
enum review_refusal {
	REVIEW_HELD = 1,      /* another expert holds a live claim on the item */
	REVIEW_MEANWHILE = 2, /* another expert decided (or undid) it since it was read */
	REVIEW_OVERRULE = 3,  /* the current decision is another expert's; I am a lead
			       * and may overrule it by asking again (overrule = 1) */
	REVIEW_NOT_LEAD = 4,  /* the current decision is another expert's and only a
			       * lead may overrule it */
};

/*
 * Take or renew expert me's claim on item for REVIEW_CLAIM_SECONDS. `seen` is
 * the item's latest decision id when the screen last read it (0: none); the
 * check runs inside the write transaction. Returns 0 when the claim is mine,
 * REVIEW_MEANWHILE when another expert has decided the item since `seen`
 * (nothing is claimed: their name is copied into holder, `holder_len`
 * bytes), REVIEW_HELD when another expert holds a live claim (its name in
 * holder), -1 on error. Taking a claim (not renewing it) appends a "claim"
 * event. Claims and releases are locks, not judgements: their commits do
 * not wait for the disk (store_begin_nosync), since after a power failure
 * every session starts again and a lost claim or release holds nothing up
 * for longer than a claim lasts.
 */
int store_review_claim(struct store *st, const struct audit_actor *a, int64_t item, int64_t seen,
		 char *holder, size_t holder_len, char *err);
/* Drop my claim on item, if I hold one. */
int store_review_release(struct store *st, const struct audit_actor *a, int64_t item, char *err);

/* What a decision write needs. */
struct review_decide_args {
	int64_t item;
	int64_t expected;  /* the latest decision id the expert saw (0: none) */
	int label_code;
	int blind_code;    /* -1 when there was no blind call */
	const char *reason; /* may be NULL */
	const char *rule;   /* may be NULL */
	double seconds;
	const char *queue;  /* may be NULL */
	int overrule;       /* 1: a lead knowingly supersedes another expert's decision */
	int defer_sync;     /* 1: commit without waiting for the disk (store_begin_nosync):
			     * the caller says "saved" only after store_sync */
};

/*
 * Record a decision by a->expert, release the claim and clear the draft, with
 * a "decide" event (before, after, why), in one transaction. Checked inside
 * it, nothing is written (and err says why) when:
 *  - the item's latest decision is no longer `expected` and is another
 *    expert's (someone decided meanwhile): REVIEW_MEANWHILE;
 *  - another expert holds a live claim: REVIEW_HELD;
 *  - the current decision is another expert's: only a lead (an expert with
 *    role lead mapped to a->uid) may supersede it, and only with `overrule`
 *    set: REVIEW_NOT_LEAD, or REVIEW_OVERRULE for a lead who did not set it.
 * For those the other expert's name is copied into other. An overruling
 * decision's event says so ("overrule": true).
 * Returns 0 when committed (*id gets the decision id), a review_refusal, or
 * -1 on error. With d->defer_sync the commit is visible to every session at
 * once but durable only once store_sync (or a later synced commit) returns.
 * The expert's role is read inside the transaction only when it matters:
 * another expert's decision to supersede, or a packet's conflict to settle.
 */
int store_review_decide(struct store *st, const struct audit_actor *a, const struct review_decide_args *d,
		  int64_t *id, char *other, size_t other_len, char *err);

/*
 * Undo a->expert's latest decision on item: a new decision superseding it
 * that restores the label it replaced (or none). Only when that decision is
 * still the item's latest. Returns 0 done, 1 nothing to undo (message in
 * err), -1 error.
 */
int store_review_undo(struct store *st, const struct audit_actor *a, int64_t item, char *err);

/*
 * Give my current decision on item a new reason and rule: a new decision with
 * the same label superseding it, with a "reason" event. Returns 0 done, 1 when
 * the latest decision is not mine (message in err), -1 error.
 */
int store_review_reason(struct store *st, const struct audit_actor *a, int64_t item, const char *reason,
		  const char *rule, char *err);

/*
 * Flag the guideline as unclear for item, with an optional note (row in
 * flag, "flag" event with the note as its why). One flag per expert and
 * item: when a->expert has flagged it already nothing is written and 1 is
 * returned (message in err). Returns 0 when committed, -1 on error.
 */
int store_review_flag(struct store *st, const struct audit_actor *a, int64_t item, const char *note,
		char *err);

/* Skip item: release my claim and append a "skip" event. */
int store_review_skip(struct store *st, const struct audit_actor *a, int64_t item, char *err);

/* Save (or with text NULL/"" delete) my draft reason for item. Not audited. */
int store_review_draft_save(struct store *st, const char *me, int64_t item, const char *text, char *err);

/*
 * Leave an item in one transaction (one sync, which matters on a hang-up):
 * save my draft reason (text non-NULL: saved, or deleted when empty; NULL:
 * left as it is) and drop my claim on it. Without a draft to write it is a
 * release, committed without waiting for the disk.
 */
int store_review_leave(struct store *st, const char *me, int64_t item, const char *text, char *err);

/* Where store_review_search found the text. */
#define REVIEW_HIT_TEXT      1
#define REVIEW_HIT_META      2
#define REVIEW_HIT_ANNOTATOR 4

/*
 * Search the items items[0..n) for query (ASCII letters compared without
 * case, no wildcards) in their text, their metadata and, when annotators is
 * non-zero, the names of the annotators who voted on them. hits[i] gets the
 * REVIEW_HIT_* bits for items[i] (0: no match). One read statement. Returns
 * 0, or -1 with err filled.
 */
int store_review_search(struct store *st, const int64_t *items, size_t n, const char *query,
		  int annotators, unsigned char *hits, char *err);

/*
 * One audit event of an item, for the history screen: the event's columns,
 * and what its detail JSON says, read with SQLite's JSON functions so the
 * screen needs no JSON reader. The detail fields are NULL (seconds NAN) when
 * the event does not carry them, or its detail is not valid JSON.
 */
struct review_event {
	int64_t seq;
	char *at;     /* UTC, "YYYY-MM-DDTHH:MM:SS.mmmZ" */
	char *actor;  /* the expert */
	int64_t uid;  /* the OS user */
	char *host;
	char *ssh;    /* the SSH client, NULL when local */
	char *action; /* "claim", "decide", "undo", "reason", "flag", "skip", ... */
	char *detail; /* the JSON as stored */
	char *label;        /* the label after (decide, undo, reason) */
	char *blind_label;  /* the blind call (decide) */
	char *before_label; /* the label it replaced */
	char *before_expert;
	char *before_reason; /* the reason it replaced (reason) */
	char *before_rule;
	char *reason; /* why: the reason given, or a flag's note */
	char *rule;
	char *origin; /* "import" for decisions brought in by gavel import */
	char *file;   /* the file they came from */
	double seconds; /* time spent on a decision */
};

/* An item's events, oldest first. Free with store_review_events_free. */
int store_review_events(struct store *st, int64_t item, struct review_event **out, size_t *n, char *err);
void store_review_events_free(struct review_event *v, size_t n);

#endif
