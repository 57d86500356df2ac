/*
 * cmd_audit: `gavel audit verify` checks the hash chain of the audit trail
 * (and a recorded head against it) and the state against the trail; `gavel
 * audit log` prints the events, all or one item's, as text or JSON lines.
 * Both open the project read-only.
 */
#include "config.h"

#include "audit.h"
#include "cli.h"
#include "cmd.h"
#include "store_item.h"
#include "text.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char audit_usage[] =
    "Usage: gavel audit verify PROJECT.db [--head HASH]\n"
    "       gavel audit log PROJECT.db [--item ID [--task NAME]] [--json]\n"
    "\n"
    "Every change to a project appends an event to its audit trail; each event\n"
    "stores SHA-256(previous hash || event), so editing, removing or reordering an\n"
    "event breaks the chain from that event on.\n"
    "\n"
    "verify recomputes the chain and names the first bad event. With --head, the\n"
    "head hash printed earlier (on an export, report or packet) must still be in\n"
    "the chain: a truncated or rewritten chain lacks it. Then it holds the state\n"
    "that exports read to the trail: every decision row to the event that wrote\n"
    "it (item, expert, label, reason, rule, time, supersedes, guideline version),\n"
    "no row without its event and no event without its row, and the same for\n"
    "experts' roles and guideline versions, and the packet tables (each packet's\n"
    "state, head and counts, the items out in an open one, the trusted keys, the\n"
    "conflicts and what settled them); it names the first mismatch, so an edit\n"
    "made around gavel (triggers dropped, plain sqlite3) is caught.\n"
    "\n"
    "log prints one line per event: SEQ TIME ACTOR ACTION ITEM DETAIL.\n"
    "\n"
    "Options:\n"
    "  -H, --head HASH    (verify) a head hash recorded earlier\n"
    "  -i, --item ID      (log) only the events of the item with this external id\n"
    "  -t, --task NAME    (log) the task of --item, when several tasks have that id\n"
    "  -j, --json         (log) one JSON object per line\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 intact, 1 the chain is broken, the head is missing or the\n"
    "state does not match the trail (or an error, such as running out of memory,\n"
    "which is never reported as a mismatch), 2 usage.\n";

static int audit_cmd_verify(const char *db, const char *head)
{
	struct store *st;
	struct audit_result r;
	char err[GV_ERR];
	int rc;

	if (!(st = cli_open(db, STORE_READONLY)))
		return GV_EXIT_FAIL;
	rc = audit_verify(st, head, &r, err);
	store_close(st);
	if (rc < 0) {
		cli_error("%s", err);
		return GV_EXIT_FAIL;
	}
	if (rc > 0) {
		if (r.bad_seq)
			cli_error("event %lld: %s", (long long)r.bad_seq, r.reason);
		else
			cli_error("%s", r.reason);
		return GV_EXIT_FAIL;
	}
	printf("audit chain intact: %lld event%s, head %s\n", (long long)r.events,
	       r.events == 1 ? "" : "s", r.head);
	if (head)
		printf("recorded head found: %lld event%s after it\n", (long long)r.after_head,
		       r.after_head == 1 ? "" : "s");
	printf("state matches the trail: %lld decision%s, %lld expert%s, %lld guideline "
	       "version%s\n",
	       (long long)r.decisions, r.decisions == 1 ? "" : "s", (long long)r.experts,
	       r.experts == 1 ? "" : "s", (long long)r.guidelines, r.guidelines == 1 ? "" : "s");
	if (r.packets || r.keys || r.conflicts)
		printf("packets match the trail: %lld packet%s, %lld trusted key%s, %lld "
		       "conflict%s\n",
		       (long long)r.packets, r.packets == 1 ? "" : "s", (long long)r.keys,
		       r.keys == 1 ? "" : "s", (long long)r.conflicts, r.conflicts == 1 ? "" : "s");
	return GV_EXIT_OK;
}

/* {"seq","at","actor","uid","host","ssh","action","item_id","item","task",
 * "detail","prev_hash","hash"}: detail embedded as JSON when it is, every
 * string made safe to print. */
static void audit_line_json(struct sbuf *b, const struct audit_row *r)
{
	sbuf_addf(b, "{\"seq\":%lld,\"at\":", (long long)r->seq);
	sbuf_add_json_str(b, r->at);
	sbuf_add(b, ",\"actor\":");
	sbuf_add_json_str(b, r->actor);
	sbuf_addf(b, ",\"uid\":%lld,\"host\":", (long long)r->uid);
	sbuf_add_json_str(b, r->host);
	sbuf_add(b, ",\"ssh\":");
	sbuf_add_json_str(b, r->ssh);
	sbuf_add(b, ",\"action\":");
	sbuf_add_json_str(b, r->action);
	if (!r->item) {
		sbuf_add(b, ",\"item_id\":null,\"item\":null,\"task\":null");
	} else {
		sbuf_addf(b, ",\"item_id\":%lld,\"item\":", (long long)r->item);
		if (!r->item_ext)
			sbuf_add(b, "null,\"task\":null");
		else {
			sbuf_add_json_str(b, r->item_ext);
			sbuf_add(b, ",\"task\":");
			sbuf_add_json_str(b, r->task);
		}
	}
	sbuf_add(b, ",\"detail\":");
	if (r->detail_json) {
		/* json() minified it, so no raw whitespace breaks the line. */
		char *safe = text_json_safe(r->detail_json, strlen(r->detail_json));
		sbuf_add(b, safe);
		free(safe);
	} else {
		sbuf_add_json_str(b, r->detail);
	}
	sbuf_add(b, ",\"prev_hash\":");
	sbuf_add_json_str(b, r->prev_hash);
	sbuf_add(b, ",\"hash\":");
	sbuf_add_json_str(b, r->hash);
	sbuf_add(b, "}\n");
}

/* SEQ AT ACTOR ACTION ITEM DETAIL, every field sanitised; ITEM is the
 * external id, "-" when none. */
static void audit_line_text(struct sbuf *b, const struct audit_row *r)
{
	const char *fields[] = {r->at, r->actor, r->action, r->item_ext ? r->item_ext : "-",
				r->detail};
	sbuf_addf(b, "%lld", (long long)r->seq);
	for (size_t i = 0; i < GV_ARRAY_LEN(fields); i++) {
		char *c = text_clean(fields[i]);
		sbuf_addc(b, ' ');
		sbuf_add(b, c);
		free(c);
	}
	sbuf_addc(b, '\n');
}

struct audit_printer {
	int json;
	struct sbuf line;
};

static int audit_print_row(void *ctx, const struct audit_row *r, char *err)
{
	struct audit_printer *p = ctx;
	sbuf_reset(&p->line);
	if (p->json)
		audit_line_json(&p->line, r);
	else
		audit_line_text(&p->line, r);
	if (fwrite(p->line.s, 1, p->line.len, stdout) != p->line.len)
		return err_set(err, "write failed");
	return 0;
}

static int audit_cmd_log(const char *db, const char *item, const char *task, int json)
{
	struct store *st;
	struct audit_printer p = {.json = json};
	int64_t id = 0;
	char err[GV_ERR];

	if (!(st = cli_open(db, STORE_READONLY)))
		return GV_EXIT_FAIL;
	if (item && store_item_find(st, item, task, &id, err))
		goto fail;
	if (audit_log(st, id, audit_print_row, &p, err))
		goto fail;
	sbuf_free(&p.line);
	store_close(st);
	if (fflush(stdout) != 0) {
		cli_error("write failed");
		return GV_EXIT_FAIL;
	}
	return GV_EXIT_OK;
fail:
	sbuf_free(&p.line);
	cli_error("%s", err);
	store_close(st);
	return GV_EXIT_FAIL;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"head", required_argument, NULL, 'H'}, {"item", required_argument, NULL, 'i'},
	    {"task", required_argument, NULL, 't'}, {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},	    {0},
	};
	const char *head = NULL, *item = NULL, *task = NULL;
	int json = 0, c;

	optind = 1;
	opterr = 0; /* our own message: getopt would echo unsanitised arguments */
	while ((c = getopt_long(argc, argv, ":H:i:t:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			head = optarg;
			break;
		case 'i':
			item = optarg;
			break;
		case 't':
			task = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(audit_usage, stdout);
			return GV_EXIT_OK;
		case ':':
			return cli_usage_error("audit", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cli_usage_error("audit", "unknown option '%s'", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return cli_usage_error("audit", "expected 'verify' or 'log'");
	if (strcmp(argv[0], "verify") == 0) {
		if (argc != 2)
			return cli_usage_error("audit", "verify needs exactly one PROJECT.db");
		if (item || task || json)
			return cli_usage_error("audit",
					       "--item, --task and --json belong to 'log'");
		if (head && (strlen(head) != 64 || strspn(head, "0123456789abcdefABCDEF") != 64))
			return cli_usage_error("audit", "--head needs a 64-digit hexadecimal hash");
		return audit_cmd_verify(argv[1], head);
	}
	if (strcmp(argv[0], "log") == 0) {
		if (argc != 2)
			return cli_usage_error("audit", "log needs exactly one PROJECT.db");
		if (head)
			return cli_usage_error("audit", "--head belongs to 'verify'");
		if (task && !item)
			return cli_usage_error("audit", "--task only narrows --item");
		return audit_cmd_log(argv[1], item, task, json);
	}
	return cli_usage_error("audit", "unknown subcommand '%s' (expected 'verify' or 'log')",
			       argv[0]);
}
