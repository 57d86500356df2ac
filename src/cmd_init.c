/*
 * cmd_init: `gavel init PROJECT.db [--project FILE.yaml]` creates a project.
 * The OS user who runs it becomes the project's first lead. Creation is one
 * transaction; a rejected project YAML leaves no file behind.
 */
#include "config.h"

#include "audit.h"
#include "cli.h"
#include "cmd.h"
#include "store_expert.h"
#include "project.h"
#include "text.h"
#include "ui.h"
#include "util.h"

#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char init_usage[] =
	"Usage: gavel init PROJECT.db [--project FILE.yaml]\n"
	"\n"
	"Create a new project database. With --project, the YAML declares the tasks,\n"
	"their label sets (nominal, ordinal or interval; display names; decision keys),\n"
	"agreement thresholds, guideline files and review queues. Without it, tasks are\n"
	"created by the first import of votes. The OS user running init becomes the\n"
	"project's first lead.\n"
	"\n"
	"Options:\n"
	"  -p, --project FILE.yaml  declare tasks, labels, guidelines and queues\n"
	"  -h, --help               show this help\n";

/* Every label key must be free in the review screen's item view (with the
 * built-in keys every expert starts from), or it could never decide. */
static int check_keys(const struct project *p, const char *file, char *err)
{
	struct guide_key *keys = NULL;
	size_t n = 0;
	int rc = project_keys(p, file, &keys, &n, err);
	if (rc == 0)
		rc = ui_keys_check_labels(NULL, keys, n, file, err);
	guide_keys_free(keys, n);
	return rc;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{"project", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *yaml_path = NULL, *db_path;
	char err[GV_ERR], *yaml = NULL, *stem = NULL;
	size_t yaml_len = 0;
	struct project proj = {0};
	int have_proj = 0, c, rc = GV_EXIT_FAIL, created = 0;
	struct store *st = NULL;
	struct audit_actor actor;
	struct sbuf detail = {0};

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			yaml_path = optarg;
			break;
		case 'h':
			fputs(init_usage, stdout);
			return GV_EXIT_OK;
		default:
			return cli_usage_error("init", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("init", "expected one PROJECT.db argument");
	db_path = argv[optind];

	if (yaml_path) {
		if (util_read_file(yaml_path, 16u << 20, &yaml, &yaml_len, err) ||
		    project_parse(yaml_path, yaml, yaml_len, &proj, err)) {
			cli_error("%s", err);
			goto out;
		}
		have_proj = 1;
		if (check_keys(&proj, yaml_path, err)) {
			cli_error("%s", err);
			goto out;
		}
	}
	if (store_open(db_path, STORE_CREATE, &st, err)) {
		cli_error("%s", err);
		goto out;
	}
	created = 1;
	audit_actor_init(&actor, NULL);
	if (store_begin(st, err))
		goto fail;
	{
		char *base = xstrdup(db_path), *b = basename(base), *dot = strrchr(b, '.');
		if (dot && dot != b)
			*dot = '\0';
		stem = xstrdup(b);
		free(base);
	}
	if (store_meta_set(st, "name", have_proj ? proj.name : stem, err))
		goto fail;
	sbuf_add(&detail, "{\"project\":");
	sbuf_add_json_str(&detail, have_proj ? proj.name : stem);
	sbuf_add(&detail, ",\"yaml\":");
	if (have_proj)
		sbuf_add_json_str(&detail, yaml_path);
	else
		sbuf_add(&detail, "null");
	sbuf_addc(&detail, '}');
	if (audit_append(st, &actor, "init", 0, detail.s, NULL, err))
		goto fail;
	if (have_proj && project_apply(st, &proj, &actor, yaml, err))
		goto fail;
	if (store_expert_add(st, &actor, actor.expert, ROLE_LEAD, NULL, err))
		goto fail;
	if (store_commit(st, err))
		goto fail;
	{
		char *n = text_clean(have_proj ? proj.name : stem);
		char *who = text_clean(actor.expert);
		char *p = text_clean(db_path);
		printf("created %s (project '%s', %zu task%s); lead: %s\n", p, n,
		       have_proj ? proj.ntasks : 0, have_proj && proj.ntasks == 1 ? "" : "s", who);
		free(n);
		free(who);
		free(p);
	}
	rc = GV_EXIT_OK;
	goto out;
fail:
	cli_error("%s", err);
	store_rollback(st);
out:
	store_close(st);
	if (rc != GV_EXIT_OK && created)
		store_remove(db_path);
	if (have_proj)
		project_free(&proj);
	free(yaml);
	free(stem);
	sbuf_free(&detail);
	return rc;
}
