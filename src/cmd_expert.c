/*
 * cmd_expert: `gavel expert add|list` maps expert names to OS users and roles.
 */
#include "config.h"

#include "audit.h"
#include "cli.h"
#include "cmd.h"
#include "packet.h"
#include "store_expert.h"
#include "sign.h"
#include "text.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char expert_usage[] =
	"Usage: gavel expert add PROJECT.db NAME --role expert|lead|viewer [--unix-user USER]\n"
	"                        [--key PUBLIC-KEY]\n"
	"       gavel expert add PROJECT.db NAME --key PUBLIC-KEY\n"
	"       gavel expert list PROJECT.db [--json]\n"
	"       gavel expert key [--json]\n"
	"\n"
	"Experts are names mapped to an OS user (by uid) and a role. An expert decides\n"
	"items; a lead also manages the project and may overrule another expert's\n"
	"decision; a viewer may only look. gavel review finds the expert from the uid\n"
	"of the process, never from $USER.\n"
	"\n"
	"Only a lead may add experts or change roles (gavel init makes the OS user who\n"
	"creates the project its first lead), and the last lead stays a lead. Root is\n"
	"no exception: whoever can write the file can bypass gavel, but not its audit\n"
	"trail, which gavel audit verify checks.\n"
	"\n"
	"Offline packets are signed: gavel expert key shows your Ed25519 public key and\n"
	"its fingerprint, creating the key pair on first use in $XDG_CONFIG_HOME/gavel/\n"
	"(default ~/.config/gavel/) with mode 0600. A lead trusts an expert's key with\n"
	"--key (recorded as an event), so that packets signed with it can be merged.\n"
	"\n"
	"Options:\n"
	"  -r, --role ROLE        expert, lead or viewer (add; required)\n"
	"  -u, --unix-user USER   OS user the name maps to (add; default: you)\n"
	"  -k, --key PUBLIC-KEY   trust this public key as the expert's (add)\n"
	"  -j, --json             list (or key) as JSON\n"
	"  -h, --help             show this help\n";

static int expert_cmd_add(const char *db, const char *name, const char *role_s,
			  const char *unix_user, const char *key)
{
	enum expert_role role = ROLE_VIEWER;
	struct store *st;
	struct audit_actor actor;
	char err[GV_ERR], lead[128] = "", fp[SIGN_FP_LEN];

	if (!role_s && !key)
		return cli_usage_error("expert", "add needs --role expert|lead|viewer");
	if (key && sign_fingerprint(key, fp))
		return cli_usage_error("expert",
				       "--key needs a public key (44 characters of base64, as "
				       "gavel expert key prints)");
	if (role_s && expert_role_parse(role_s, &role))
		return cli_usage_error("expert", "unknown role '%s' (expert, lead or viewer)",
				       role_s);
	if (!(st = cli_open(db, 0)))
		return GV_EXIT_FAIL;
	audit_actor_init(&actor, NULL);
	if (store_begin(st, err))
		goto fail;
	/* The trail names the lead who made the change, not just the OS user. */
	if (store_expert_lead_for_uid(st, actor.uid, lead, sizeof lead, err) < 0)
		goto fail;
	if (lead[0])
		audit_actor_init(&actor, lead);
	if (role_s && store_expert_add(st, &actor, name, role, unix_user, err))
		goto fail;
	if (key && packet_key_trust(st, &actor, name, key, err))
		goto fail;
	if (store_commit(st, err))
		goto fail;
	store_close(st);
	{
		char *n = text_clean(name);
		if (role_s)
			printf("expert '%s' is now %s\n", n, role_s);
		if (key)
			printf("key %s is trusted as %s's\n", fp, n);
		free(n);
	}
	return GV_EXIT_OK;
fail:
	cli_error("%s", err);
	store_rollback(st);
	store_close(st);
	return GV_EXIT_FAIL;
}

static int expert_cmd_list(const char *db, int json)
{
	struct store *st;
	struct expert *v;
	size_t n;
	char err[GV_ERR];

	if (!(st = cli_open(db, STORE_READONLY)))
		return GV_EXIT_FAIL;
	if (store_expert_list(st, &v, &n, err)) {
		cli_error("%s", err);
		store_close(st);
		return GV_EXIT_FAIL;
	}
	store_close(st);
	if (json) {
		struct sbuf b = {0};
		sbuf_add(&b, "[");
		for (size_t i = 0; i < n; i++) {
			sbuf_add(&b, i ? ",{\"name\":" : "{\"name\":");
			sbuf_add_json_str(&b, v[i].name);
			sbuf_addf(&b, ",\"role\":\"%s\",\"uid\":%ld,\"unix_user\":",
				  expert_role_name(v[i].role), v[i].uid);
			if (v[i].unix_user)
				sbuf_add_json_str(&b, v[i].unix_user);
			else
				sbuf_add(&b, "null");
			sbuf_addc(&b, '}');
		}
		sbuf_add(&b, "]\n");
		fputs(b.s, stdout);
		sbuf_free(&b);
	} else {
		printf("%-24s %-7s %7s  %s\n", "NAME", "ROLE", "UID", "OS USER");
		for (size_t i = 0; i < n; i++) {
			char *nm = text_clean(v[i].name);
			char *u = text_clean(v[i].unix_user ? v[i].unix_user : "-");
			printf("%-24s %-7s %7ld  %s\n", nm, expert_role_name(v[i].role), v[i].uid,
			       u);
			free(nm);
			free(u);
		}
	}
	store_expert_list_free(v, n);
	return GV_EXIT_OK;
}

static int expert_cmd_key(int json)
{
	struct sign_key k;
	char err[GV_ERR], dir[4096];
	int created;

	if (sign_load(&k, 1, &created, err) || sign_dir(dir, sizeof dir, err)) {
		cli_error("%s", err);
		return GV_EXIT_FAIL;
	}
	sign_key_wipe(&k);
	if (json) {
		struct sbuf b = {0}, path = {0};
		sbuf_addf(&path, "%s/signing.key", dir);
		sbuf_addf(&b, "{\"public_key\":\"%s\",\"fingerprint\":\"%s\",\"file\":", k.pub,
			  k.fp);
		sbuf_add_json_str(&b, path.s);
		sbuf_add(&b, "}\n");
		sbuf_free(&path);
		fputs(b.s, stdout);
		sbuf_free(&b);
	} else {
		char *d = text_clean(dir);
		printf("public key   %s\nfingerprint  %s\n", k.pub, k.fp);
		if (created)
			fprintf(stderr, "gavel: created a new signing key in %s/signing.key\n", d);
		free(d);
	}
	return GV_EXIT_OK;
}

int cmd_expert(int argc, char **argv)
{
	static const struct option opts[] = {
		{"role", required_argument, NULL, 'r'}, {"unix-user", required_argument, NULL, 'u'},
		{"key", required_argument, NULL, 'k'},	{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},	{0},
	};
	const char *role = NULL, *unix_user = NULL, *key = NULL;
	int json = 0, c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:u:k:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			role = optarg;
			break;
		case 'u':
			unix_user = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(expert_usage, stdout);
			return GV_EXIT_OK;
		default:
			return cli_usage_error("expert", "bad option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc >= 1 && strcmp(argv[0], "add") == 0) {
		if (argc != 3)
			return cli_usage_error("expert", "add needs PROJECT.db NAME");
		return expert_cmd_add(argv[1], argv[2], role, unix_user, key);
	}
	if (argc >= 1 && strcmp(argv[0], "list") == 0) {
		if (argc != 2)
			return cli_usage_error("expert", "list needs PROJECT.db");
		return expert_cmd_list(argv[1], json);
	}
	if (argc >= 1 && strcmp(argv[0], "key") == 0) {
		if (argc != 1)
			return cli_usage_error("expert", "key takes no argument");
		return expert_cmd_key(json);
	}
	return cli_usage_error("expert", "expected 'add', 'list' or 'key'");
}
