/*
 * cmd_dashboard: `gavel dashboard PROJECT.db` opens the review screen
 * read-only on the lead's dashboard (ui_dash.c), with the screen options
 * `gavel review` has. Anyone who can read the project may browse it;
 * drill-down queues open read-only too.
 */
#include "config.h"

#include "cli.h"
#include "cmd.h"
#include "cmd_screen.h"
#include "store.h"
#include "ui.h"
#include "ui_backend.h"
#include "ui_term.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char dashboard_usage[] =
	"Usage: gavel dashboard PROJECT.db [--task NAME] [--no-color]\n"
	"       gavel dashboard PROJECT.db --headless --script FILE [--size COLSxROWS]\n"
	"                       [--dump-dir DIR] [--timing] [...]\n"
	"\n"
	"Open the lead's dashboard, read-only: agreement by task, label, annotator and\n"
	"annotator pair, label confusion, the distribution of item agreement, guideline\n"
	"rules, and the label-error estimate. Tab / Shift-Tab switch sections, j/k and\n"
	"Left/Right select a row or cell, o sorts the annotators by the selected column,\n"
	"Enter opens the items behind a figure as a queue (q comes back), ? help, q quits.\n"
	"The same view is d in gavel review. Every figure equals gavel stats --json's.\n"
	"The first screen shows the cheap figures (items, votes, agreement, disputed,\n"
	"open) at once, from a per-task tally; kappa, alpha, Dawid-Skene, the other\n"
	"sections and the label errors are computed in the background and appear when\n"
	"ready, keys working meanwhile (headless: before the script's next key).\n"
	"Returning from a drill-down where items were decided recomputes the figures.\n"
	"\n"
	"Options:\n"
	"  -t, --task NAME      start on this task (default: the first)\n"
	"      --no-color       shading characters instead of colours (also NO_COLOR)\n"
	"      --headless       run without a terminal, keys from --script\n"
	"      --size CxR       headless screen size (default 80x24)\n"
	"      --script FILE    headless keys, one per line (as gavel review's)\n"
	"      --dump-dir DIR   where :dump NAME writes NAME.txt (default .)\n"
	"      --timing         print the first screen's time, the rest of the figures'\n"
	"                       time and per-key latency to stderr (headless)\n"
	"  -h, --help           show this help\n";

int cmd_dashboard(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"task", required_argument, NULL, 't'},
		{"no-color", no_argument, NULL, OPT_NOCOLOR},
		{"headless", no_argument, NULL, OPT_HEADLESS},
		{"size", required_argument, NULL, OPT_SIZE},
		{"script", required_argument, NULL, OPT_SCRIPT},
		{"dump-dir", required_argument, NULL, OPT_DUMP},
		{"timing", no_argument, NULL, OPT_TIMING},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	struct ui_run_opts run;
	struct store *st = NULL;
	struct ui_db db;
	struct ui_backend be;
	struct ui_state s;
	struct ui_keymap km;
	struct audit_actor actor;
	struct store_task t;
	const char *task = NULL;
	char err[GV_ERR];
	int c, rc = GV_EXIT_FAIL, cols, lines, started = 0, have_state = 0;
	double t0 = 0;

	memset(&run, 0, sizeof run);
	cmd_screen_defaults(&run);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:h", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			task = optarg;
			break;
		case OPT_NOCOLOR:
		case OPT_HEADLESS:
		case OPT_SIZE:
		case OPT_SCRIPT:
		case OPT_DUMP:
		case OPT_TIMING:
			if (cmd_screen_option(c, "dashboard", &run))
				return GV_EXIT_USAGE;
			break;
		case 'h':
			fputs(dashboard_usage, stdout);
			return GV_EXIT_OK;
		case ':':
			return cli_usage_error("dashboard", "%s needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("dashboard", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("dashboard", optind >= argc
							    ? "which project? PROJECT.db is missing"
							    : "one project at a time");
	if (cmd_screen_check("dashboard", &run))
		return GV_EXIT_USAGE;
	memset(&db, 0, sizeof db);
	if (!(st = cmd_screen_open(argv[optind], STORE_READONLY, &km)))
		return GV_EXIT_FAIL;
	if (task) {
		int found;
		memset(&t, 0, sizeof t);
		found = store_task_get(st, task, &t, err);
		if (found <= 0) {
			if (found == 0)
				cli_task_missing(st, task, err);
			cli_error("%s", err);
			goto out;
		}
		store_task_free(&t);
	}
	if (run.dump_dir && cmd_screen_mkdirs(run.dump_dir, err)) {
		cli_error("%s", err);
		goto out;
	}
	audit_actor_init(&actor, NULL);
	db.st = st;
	db.readonly = 1;
	db.limit = 2000;
	db.actor = actor;
	ui_backend_db(&be, &db);
	if (ui_term_start(&run, &cols, &lines, err)) {
		cli_error("%s", err);
		goto out;
	}
	started = 1;
	ui_state_init(&s, &be, actor.expert, 0, 0, NULL, NULL, 0, cols, lines);
	s.keys = &km;
	s.colour = ui_term_colour();
	s.msg[0] = 0;
	have_state = 1;
	s.view = UI_DASH;
	s.dash.back = UI_DASH;
	t0 = be.now(be.ctx);
	ui_dash_open_quick(&s, task);
	if (run.timing)
		fprintf(stderr, "first screen %.3f ms\n", (be.now(be.ctx) - t0) * 1e3);
	if (!s.dash.have) {
		cli_error("%s", s.msg);
		goto out;
	}
	rc = cmd_screen_run(&s, &run);
	have_state = 0;
	started = 0;
out:
	if (have_state)
		ui_state_free(&s);
	if (started)
		ui_term_stop();
	ui_db_free(&db);
	store_close(st);
	ui_keymap_free(&km);
	return rc;
}
