/*
 * cmd_review: `gavel review PROJECT.db` opens the review screen on a queue.
 * It finds the expert from the OS user by uid (never $USER), builds the
 * queue, and hands both to the screen's loop, on the terminal or headless
 * with keys from a script. The screen options and set-up it shares with
 * `gavel dashboard` (cmd_dashboard.c) are the cmd_screen_* functions here.
 */
#include "config.h"

#include "cli.h"
#include "cmd.h"
#include "cmd_screen.h"
#include "store_expert.h"
#include "store_queue.h"
#include "store_review.h"
#include "text.h"
#include "ui.h"
#include "ui_backend.h"
#include "ui_term.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char review_usage[] =
	"Usage: gavel review PROJECT.db [--queue NAME] [--as EXPERT] [--blind] [--read-only]\n"
	"                    [--limit N] [--all] [--no-color]\n"
	"       gavel review PROJECT.db --headless --script FILE [--size COLSxROWS]\n"
	"                    [--dump-dir DIR] [--timing] [--messages] [...]\n"
	"\n"
	"Open the review screen on a queue: j/k move, Enter opens an item, 1-9 decide,\n"
	"r reason, s skip, f flag the guideline, u undo, h history, / search, ? help,\n"
	"c calibration, q back or quit. You are the expert mapped to your OS user (gavel\n"
	"expert add). Keys can be rebound in $XDG_CONFIG_HOME/gavel/keys.yaml (default\n"
	"~/.config/gavel/keys.yaml): keys: {ACTION: KEY or [KEY, ...]}, with the action\n"
	"names the help screen lists and keys like j, <Down>, <C-n>, <Enter>.\n"
	"\n"
	"Options:\n"
	"  -q, --queue NAME     the queue (default: the project's first queue)\n"
	"  -a, --as EXPERT      which of the experts mapped to your OS user you are\n"
	"  -b, --blind          decide before votes and model are shown\n"
	"  -r, --read-only      open the database read-only (nothing can be decided)\n"
	"  -n, --limit N        load the first N items of the queue (default 2000, 0: all),\n"
	"                       disputed and needs-votes 100 at a time between keys;\n"
	"                       the header counts the queue up to 10,000 (\"10,000+\")\n"
	"      --all            include items that already have a decision\n"
	"      --no-color       monochrome (also when NO_COLOR is set)\n"
	"      --headless       run without a terminal, keys from --script\n"
	"      --size CxR       headless screen size (default 80x24)\n"
	"      --script FILE    headless keys, one per line: j, 1, <Enter>, <Esc>, <Down>,\n"
	"                       <C-c>, :dump NAME, :resize CxR, :type TEXT, :tick, :hup\n"
	"      --dump-dir DIR   where :dump NAME writes NAME.txt (default .)\n"
	"      --timing         print key latency to stderr (headless): the first screen's\n"
	"                       time, then over all keys and by kind (VIEW:ACTION), wall\n"
	"                       and CPU time\n"
	"      --messages       print each status message to stdout as it is shown,\n"
	"                       flushed: msg LINE MS info|saved|error|saving TEXT\n"
	"                       (headless; a decision says saving, then saved once\n"
	"                       it is on the disk)\n"
	"  -h, --help           show this help\n";

enum { OPT_ALL = OPT_SCREEN_LAST + 1 };

struct review_opts {
	const char *path, *queue, *as;
	int blind, readonly, all;
	long limit;
	struct ui_run_opts run;
};

int cmd_screen_option(int c, const char *cmd, struct ui_run_opts *run)
{
	switch (c) {
	case OPT_NOCOLOR: run->colour = 0; break;
	case OPT_HEADLESS: run->headless = 1; break;
	case OPT_SIZE:
		if (sscanf(optarg, "%dx%d", &run->cols, &run->rows) != 2 || run->cols < 1 ||
		    run->rows < 1 || run->cols > 1000 || run->rows > 1000)
			return cli_usage_error(cmd, "--size wants COLSxROWS, not '%s'", optarg);
		break;
	case OPT_SCRIPT: run->script = optarg; break;
	case OPT_DUMP: run->dump_dir = optarg; break;
	case OPT_MESSAGES: run->messages = 1; break;
	default: run->timing = 1; break;
	}
	return 0;
}

void cmd_screen_defaults(struct ui_run_opts *run)
{
	const char *nc = getenv("NO_COLOR");
	run->cols = 80;
	run->rows = 24;
	run->colour = !(nc && *nc);
}

int cmd_screen_check(const char *cmd, const struct ui_run_opts *run)
{
	if (run->headless && !run->script)
		return cli_usage_error(cmd, "--headless needs --script FILE");
	if (!run->headless && (run->script || run->dump_dir || run->messages))
		return cli_usage_error(cmd, "--script, --dump-dir and --messages go with --headless");
	return 0;
}

static int parse(int argc, char **argv, struct review_opts *o)
{
	static const struct option longopts[] = {
		{"queue", required_argument, NULL, 'q'},
		{"as", required_argument, NULL, 'a'},
		{"blind", no_argument, NULL, 'b'},
		{"read-only", no_argument, NULL, 'r'},
		{"limit", required_argument, NULL, 'n'},
		{"all", no_argument, NULL, OPT_ALL},
		{"no-color", no_argument, NULL, OPT_NOCOLOR},
		{"headless", no_argument, NULL, OPT_HEADLESS},
		{"size", required_argument, NULL, OPT_SIZE},
		{"script", required_argument, NULL, OPT_SCRIPT},
		{"dump-dir", required_argument, NULL, OPT_DUMP},
		{"timing", no_argument, NULL, OPT_TIMING},
		{"messages", no_argument, NULL, OPT_MESSAGES},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	int c;

	memset(o, 0, sizeof *o);
	o->limit = 2000;
	cmd_screen_defaults(&o->run);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":q:a:brn:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'q': o->queue = optarg; break;
		case 'a': o->as = optarg; break;
		case 'b': o->blind = 1; break;
		case 'r': o->readonly = 1; break;
		case 'n':
			if (util_parse_long(optarg, 0, 100000000, &o->limit))
				return cli_usage_error("review", "--limit wants a count, not '%s'", optarg);
			break;
		case OPT_ALL: o->all = 1; break;
		case OPT_NOCOLOR:
		case OPT_HEADLESS:
		case OPT_SIZE:
		case OPT_SCRIPT:
		case OPT_DUMP:
		case OPT_TIMING:
		case OPT_MESSAGES:
			if (cmd_screen_option(c, "review", &o->run))
				return GV_EXIT_USAGE;
			break;
		case 'h':
			fputs(review_usage, stdout);
			return -1;
		case ':':
			return cli_usage_error("review", "%s needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("review", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("review", optind >= argc ? "which project? PROJECT.db is missing"
								: "one project at a time");
	o->path = argv[optind];
	return cmd_screen_check("review", &o->run);
}

int cmd_screen_mkdirs(const char *dir, char *err)
{
	char *p = xstrdup(dir);
	struct stat sb;
	int rc = 0;

	for (char *c = p + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = 0;
		if (mkdir(p, 0777) && errno != EEXIST)
			rc = err_set(err, "--dump-dir %s: %s", p, strerror(errno));
		*c = '/';
		if (rc)
			goto out;
	}
	if (mkdir(p, 0777) && errno != EEXIST)
		rc = err_set(err, "--dump-dir %s: %s", p, strerror(errno));
	else if (stat(p, &sb) || !S_ISDIR(sb.st_mode))
		rc = err_set(err, "--dump-dir %s: not a directory", p);
out:
	free(p);
	return rc;
}

/* Who is reviewing: among the experts mapped to this uid, --as chooses. */
static int identify(struct store *st, const struct review_opts *o, char *name, size_t len,
		    int *can_decide)
{
	struct expert *v = NULL;
	size_t n = 0, pick = (size_t)-1;
	char err[GV_ERR];
	long uid = (long)getuid();

	if (store_expert_for_uid(st, uid, &v, &n, err)) {
		cli_error("%s", err);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (o->as ? strcmp(v[i].name, o->as) == 0 : n == 1)
			pick = i;
	}
	if (pick == (size_t)-1) {
		struct sbuf names = {0};
		for (size_t i = 0; i < n; i++)
			sbuf_addf(&names, "%s%s", i ? ", " : "", v[i].name);
		if (o->as)
			cli_error("%s is not one of the experts mapped to your OS user (uid %ld)%s%s",
				  o->as, uid, n ? ": " : "", n ? names.s : "");
		else if (n)
			cli_error("several experts map to your OS user (uid %ld): %s; choose one "
				  "with --as",
				  uid, names.s);
		else if (o->readonly) {
			struct audit_actor a;
			audit_actor_init(&a, NULL);
			snprintf(name, len, "%s", a.expert);
			*can_decide = 0;
			store_expert_list_free(v, n);
			sbuf_free(&names);
			return 0;
		} else {
			cli_error("no expert is mapped to your OS user (uid %ld); a lead runs "
				  "'gavel expert add %s NAME --role expert --unix-user USER', or "
				  "open with --read-only",
				  uid, o->path);
		}
		sbuf_free(&names);
		store_expert_list_free(v, n);
		return -1;
	}
	snprintf(name, len, "%s", v[pick].name);
	*can_decide = v[pick].role != ROLE_VIEWER && !o->readonly;
	store_expert_list_free(v, n);
	return 0;
}

int cmd_screen_keys(struct ui_keymap *km)
{
	char path[4096], err[GV_ERR];
	if (ui_keymap_path(path, sizeof path))
		return 0;
	if (ui_keymap_load(km, path, err) < 0) {
		cli_error("%s", err);
		return -1;
	}
	return 0;
}

struct store *cmd_screen_open(const char *path, int flags, struct ui_keymap *km)
{
	struct store *st;

	ui_keymap_init(km);
	if (cmd_screen_keys(km)) {
		ui_keymap_free(km);
		return NULL;
	}
	if (!(st = cli_open(path, flags)))
		ui_keymap_free(km);
	return st;
}

int cmd_screen_run(struct ui_state *s, const struct ui_run_opts *run)
{
	char err[GV_ERR];
	int r = ui_term_run(s, run, err);

	ui_state_free(s);
	ui_term_stop();
	if (r < 0) {
		cli_error("%s", err);
		return GV_EXIT_FAIL;
	}
	return GV_EXIT_OK;
}

int cmd_review(int argc, char **argv)
{
	struct review_opts o;
	struct store *st = NULL;
	struct review_row *rows = NULL;
	struct ui_db db;
	struct ui_backend be;
	struct ui_state s;
	struct ui_keymap km;
	char err[GV_ERR], me[128];
	size_t nq = 0;
	int blind = 0, can_decide = 0, rc = GV_EXIT_FAIL, cols, lines, started = 0;

	if ((rc = parse(argc, argv, &o)) != 0)
		return rc < 0 ? GV_EXIT_OK : rc;
	{
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		o.run.started = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	}
	rc = GV_EXIT_FAIL;
	memset(&db, 0, sizeof db);
	if (!(st = cmd_screen_open(o.path, o.readonly ? STORE_READONLY : 0, &km)))
		return GV_EXIT_FAIL;
	if (identify(st, &o, me, sizeof me, &can_decide))
		goto out;
	/* A label key that an action takes could never decide: stop here
	 * (someone who cannot decide has no use for decision keys). */
	if (can_decide && ui_keys_check_project(&km, st, o.path, err)) {
		cli_error("%s", err);
		goto out;
	}
	if (store_review_session_init(st, err)) {
		cli_error("%s", err);
		goto out;
	}
	if (o.run.dump_dir && cmd_screen_mkdirs(o.run.dump_dir, err)) {
		cli_error("%s", err);
		goto out;
	}
	db.st = st;
	db.readonly = !can_decide;
	db.limit = (size_t)o.limit;
	db.all = o.all;
	if (ui_db_queue_rows(&db, o.queue, &rows, &nq, &blind, err)) {
		cli_error("%s", err);
		goto out;
	}
	audit_actor_init(&db.actor, me);
	ui_backend_db(&be, &db);
	if (ui_term_start(&o.run, &cols, &lines, err)) {
		cli_error("%s", err);
		goto out;
	}
	started = 1;
	{
		char *qname = store_queue_names(st);
		const char *shown = o.queue;
		/* Without --queue the project's first queue was used. */
		if (!shown && qname) {
			char *comma = strchr(qname, ',');
			if (comma)
				*comma = 0;
			shown = qname;
		}
		ui_state_init(&s, &be, me, can_decide, blind || o.blind, shown ? shown : "disputed",
			      rows, nq, cols, lines);
		s.force_blind = o.blind;
		s.keys = &km;
		s.colour = ui_term_colour();
		free(qname);
	}
	rows = NULL;
	rc = cmd_screen_run(&s, &o.run);
	started = 0;
out:
	if (started)
		ui_term_stop();
	store_review_rows_free(rows, nq);
	ui_db_free(&db);
	store_close(st);
	ui_keymap_free(&km);
	return rc;
}
