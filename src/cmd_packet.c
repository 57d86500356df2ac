/*
 * cmd_packet: `gavel packet create|merge|cancel|status` takes slices of a
 * queue offline and brings the decisions back (src/packet.h).
 */
#include "config.h"

#include "audit.h"
#include "cli.h"
#include "cmd.h"
#include "store_expert.h"
#include "packet.h"
#include "sign.h"
#include "text.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char packet_usage[] =
	"Usage: gavel packet create PROJECT.db -o FILE [--queue NAME] [--limit N] [--for EXPERT]\n"
	"       gavel packet merge PROJECT.db FILE [--trust-new-key]\n"
	"       gavel packet cancel PROJECT.db PACKET-ID\n"
	"       gavel packet status PROJECT.db [--json]\n"
	"\n"
	"Offline review. create writes a self-contained packet (items, votes,\n"
	"predictions, guidelines, label sets, experts, the project's id and audit head)\n"
	"of up to N undecided items of a queue (default 200, the first queue) and marks\n"
	"them out: other queues skip them until the packet is merged or cancelled.\n"
	"gavel review, queue, stats, export and audit verify work on the packet as on a\n"
	"project; every event written into it is signed with the reviewer's Ed25519 key\n"
	"(gavel expert key).\n"
	"\n"
	"merge checks the packet read-only (the project's schema exactly, no extra\n"
	"triggers or views, this project's id, the audit chain from the recorded head,\n"
	"every signature against the keys the project trusts, every decision against\n"
	"its event) and brings its decisions in, in one transaction, with their original\n"
	"times and signer. An item decided here since the packet was made is a conflict:\n"
	"both decisions are kept and the item joins the 'conflicts' queue for a lead.\n"
	"Merging the same packet again changes nothing; a packet that fails a check is\n"
	"refused whole and the project is unchanged. A key the project does not know is\n"
	"refused with its fingerprint; --trust-new-key trusts it for the expert whose\n"
	"events it signed (or: gavel expert add PROJECT.db NAME --key PUBLIC-KEY).\n"
	"\n"
	"Only a lead may create, merge or cancel packets or trust keys.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE    the packet file to write (create; must not exist)\n"
	"  -q, --queue NAME     the queue to take items from (create)\n"
	"  -n, --limit N        items at most (create; default 200)\n"
	"  -f, --for EXPERT     the expert the packet is for (create)\n"
	"  -t, --trust-new-key  trust the packet's unknown signing key (merge)\n"
	"  -j, --json           status as JSON\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 done (or merged already), 1 refused or failed, 2 usage error.\n";

/* The actor: the lead mapped to this OS user when there is one, so the
 * trail names the lead and not only the OS user. */
static int actor_of(struct store *st, struct audit_actor *a, char *err)
{
	char lead[128] = "";
	audit_actor_init(a, NULL);
	if (store_expert_lead_for_uid(st, a->uid, lead, sizeof lead, err) < 0)
		return -1;
	if (lead[0])
		audit_actor_init(a, lead);
	return 0;
}

static int do_create(const char *db, const char *out, const struct packet_opts *o)
{
	struct store *st;
	struct audit_actor a;
	char err[GV_ERR], id[PACKET_ID_LEN];
	size_t n = 0;
	int rc;

	if (!(st = cli_open(db, 0)))
		return GV_EXIT_FAIL;
	rc = actor_of(st, &a, err);
	if (rc == 0)
		rc = packet_create(st, &a, o, out, id, &n, err);
	store_close(st);
	if (rc) {
		cli_error("%s", err);
		return GV_EXIT_FAIL;
	}
	{
		char *f = text_clean(out);
		printf("packet %s: %zu item%s written to %s\n", id, n, n == 1 ? "" : "s", f);
		free(f);
	}
	return GV_EXIT_OK;
}

static int do_cancel(const char *db, const char *id)
{
	struct store *st;
	struct audit_actor a;
	char err[GV_ERR];
	size_t n = 0;
	int rc;

	if (!(st = cli_open(db, 0)))
		return GV_EXIT_FAIL;
	rc = actor_of(st, &a, err);
	if (rc == 0)
		rc = packet_cancel(st, &a, id, &n, err);
	store_close(st);
	if (rc) {
		cli_error("%s", err);
		return GV_EXIT_FAIL;
	}
	{
		char *c = text_clean(id);
		printf("packet %s cancelled: %zu item%s back in the queues\n", c, n,
		       n == 1 ? "" : "s");
		free(c);
	}
	return GV_EXIT_OK;
}

static int do_merge(const char *db, const char *file, int trust)
{
	struct store *st;
	struct audit_actor a;
	struct packet_merge_result r;
	char err[GV_ERR];
	int rc;

	if (!(st = cli_open(db, 0)))
		return GV_EXIT_FAIL;
	rc = actor_of(st, &a, err);
	if (rc == 0)
		rc = packet_merge(st, &a, file, trust, &r, err);
	store_close(st);
	if (rc < 0) {
		cli_error("%s", err);
		return GV_EXIT_FAIL;
	}
	if (rc == 1) {
		char *f = text_clean(file);
		cli_error("%s: refused, the project is unchanged: %s", f, r.reason);
		free(f);
		return GV_EXIT_FAIL;
	}
	if (r.already)
		printf("packet %s was merged already at head %s: nothing changed\n", r.id, r.head);
	else
		printf("packet %s merged: %lld decision%s, %lld conflict%s%s; head %s\n", r.id,
		       (long long)r.decisions, r.decisions == 1 ? "" : "s", (long long)r.conflicts,
		       r.conflicts == 1 ? "" : "s", r.conflicts ? " (queue 'conflicts')" : "",
		       r.head);
	return GV_EXIT_OK;
}

static void json_str_or_null(struct sbuf *b, const char *s)
{
	if (s)
		sbuf_add_json_str(b, s);
	else
		sbuf_add(b, "null");
}

static int do_status(const char *db, int json)
{
	struct store *st;
	struct packet_info *v = NULL;
	struct sbuf b = {0};
	size_t n = 0;
	char err[GV_ERR];

	if (!(st = cli_open(db, STORE_READONLY)))
		return GV_EXIT_FAIL;
	if (packet_list(st, &v, &n, err)) {
		cli_error("%s", err);
		store_close(st);
		return GV_EXIT_FAIL;
	}
	store_close(st);
	if (json) {
		sbuf_add(&b, "[");
		for (size_t i = 0; i < n; i++) {
			sbuf_add(&b, i ? ",{\"id\":" : "{\"id\":");
			sbuf_add_json_str(&b, v[i].id);
			sbuf_add(&b, ",\"state\":");
			sbuf_add_json_str(&b, v[i].state);
			sbuf_add(&b, ",\"expert\":");
			json_str_or_null(&b, v[i].expert);
			sbuf_add(&b, ",\"queue\":");
			json_str_or_null(&b, v[i].queue);
			sbuf_add(&b, ",\"created\":");
			json_str_or_null(&b, v[i].created);
			sbuf_add(&b, ",\"closed\":");
			json_str_or_null(&b, v[i].closed_at);
			sbuf_addf(&b, ",\"items\":%lld", (long long)v[i].items);
			if (v[i].decisions >= 0)
				sbuf_addf(&b, ",\"decisions\":%lld,\"conflicts\":%lld}",
					  (long long)v[i].decisions, (long long)v[i].conflicts);
			else
				sbuf_add(&b, ",\"decisions\":null,\"conflicts\":null}");
		}
		sbuf_add(&b, "]\n");
	} else {
		sbuf_addf(&b, "%-16s %-9s %-16s %6s %9s %9s  %s\n", "PACKET", "STATE", "FOR",
			  "ITEMS", "DECISIONS", "CONFLICTS", "SINCE");
		for (size_t i = 0; i < n; i++) {
			char *id = text_clean(v[i].id),
			     *who = text_clean(v[i].expert ? v[i].expert : "-");
			char *since = text_clean(strcmp(v[i].state, "out") == 0 || !v[i].closed_at
							 ? v[i].created
							 : v[i].closed_at);
			char *w = text_fit(who, 16, NULL);
			sbuf_addf(&b, "%-16s %-9s %-16s %6lld", id, v[i].state, w,
				  (long long)v[i].items);
			if (v[i].decisions >= 0)
				sbuf_addf(&b, " %9lld %9lld", (long long)v[i].decisions,
					  (long long)v[i].conflicts);
			else
				sbuf_addf(&b, " %9s %9s", "-", "-");
			sbuf_addf(&b, "  %s\n", since);
			free(id);
			free(who);
			free(w);
			free(since);
		}
	}
	fputs(b.s, stdout);
	sbuf_free(&b);
	packet_list_free(v, n);
	return GV_EXIT_OK;
}

int cmd_packet(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},  {"queue", required_argument, NULL, 'q'},
		{"limit", required_argument, NULL, 'n'},   {"for", required_argument, NULL, 'f'},
		{"trust-new-key", no_argument, NULL, 't'}, {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},	   {0},
	};
	struct packet_opts o = {0};
	const char *out = NULL, *verb;
	int json = 0, trust = 0, c;
	long limit;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:q:n:f:tjh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'q':
			o.queue = optarg;
			break;
		case 'n':
			if (util_parse_long(optarg, 1, 10000000, &limit))
				return cli_usage_error("packet",
						       "--limit needs a whole number from 1 to "
						       "10000000, not '%s'",
						       optarg);
			o.limit = (size_t)limit;
			break;
		case 'f':
			o.expert = optarg;
			break;
		case 't':
			trust = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(packet_usage, stdout);
			return GV_EXIT_OK;
		default:
			return cli_usage_error("packet", "bad option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return cli_usage_error("packet", "expected create, merge, cancel or status");
	verb = argv[0];
	if (strcmp(verb, "create") == 0) {
		if (argc != 2)
			return cli_usage_error("packet", "create needs PROJECT.db");
		if (!out)
			return cli_usage_error("packet", "create needs -o FILE");
		return do_create(argv[1], out, &o);
	}
	if (strcmp(verb, "merge") == 0) {
		if (argc != 3)
			return cli_usage_error("packet", "merge needs PROJECT.db FILE");
		return do_merge(argv[1], argv[2], trust);
	}
	if (strcmp(verb, "cancel") == 0) {
		if (argc != 3)
			return cli_usage_error("packet", "cancel needs PROJECT.db PACKET-ID");
		return do_cancel(argv[1], argv[2]);
	}
	if (strcmp(verb, "status") == 0) {
		if (argc != 2)
			return cli_usage_error("packet", "status needs PROJECT.db");
		return do_status(argv[1], json);
	}
	return cli_usage_error("packet", "unknown action '%s' (create, merge, cancel or status)",
			       verb);
}
