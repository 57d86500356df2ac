/*
 * main: the gavel command line. One table names every command, its one-line
 * summary and its entry point; `gavel --help` is generated from it.
 */
#include "config.h"

#include "cli.h"
#include "cmd.h"
#include "store.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{.name = "init", .summary = "create a project database", .run = cmd_init},
	{.name = "import", .summary = "import votes, items, predictions or decisions", .run = cmd_import},
	{.name = "stats", .summary = "agreement statistics per task, label and annotator pair", .run = cmd_stats},
	{.name = "queue", .summary = "list the items a review queue holds, with reasons", .run = cmd_queue},
	{.name = "export", .summary = "export final training labels with weights", .run = cmd_export},
	{.name = "guide", .summary = "check, load or show labelling guidelines", .run = cmd_guide},
	{.name = "expert", .summary = "map experts to OS users and roles", .run = cmd_expert},
	{.name = "packet", .summary = "offline review packets", .run = cmd_packet},
	{.name = "audit", .summary = "verify or print the audit trail", .run = cmd_audit},
	{.name = "review", .summary = "open the review screen", .run = cmd_review},
	{.name = "dashboard", .summary = "browse the lead's figures and drill into the items", .run = cmd_dashboard},
	{.name = "report", .summary = "the lead's report, or an annotator's feedback sheet", .run = cmd_report},
};

static void usage(FILE *f)
{
	fputs("Usage: gavel COMMAND [OPTIONS] PROJECT.db ...\n"
	      "       gavel --version | --help\n"
	      "\n"
	      "gavel is a terminal adjudication workstation for machine-learning labels.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < GV_ARRAY_LEN(commands); i++)
		fprintf(f, "  %-8s  %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "Run 'gavel COMMAND --help' for a command's options. The manual is 'man gavel'\n"
	      "once installed (make install); in the source tree, 'man ./doc/gavel.1'.\n"
	      "Exit status: 0 success, 1 bad input or failed check, 2 usage error.\n",
	      f);
}

int main(int argc, char **argv)
{
	store_library_init();
	text_init();
	if (argc < 2) {
		usage(stderr);
		return GV_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return GV_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("gavel %s\n", PACKAGE_VERSION);
		return GV_EXIT_OK;
	}
	for (size_t i = 0; i < GV_ARRAY_LEN(commands); i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	}
	{
		const char *names[GV_ARRAY_LEN(commands)], *hint;
		for (size_t i = 0; i < GV_ARRAY_LEN(commands); i++)
			names[i] = commands[i].name;
		hint = cli_suggest(argv[1], names, GV_ARRAY_LEN(commands));
		if (argv[1][0] == '-') {
			static const char *const global[] = {"help", "version"};
			hint = strncmp(argv[1], "--", 2) == 0
				       ? cli_suggest(argv[1] + 2, global, GV_ARRAY_LEN(global))
				       : NULL;
			if (hint)
				cli_error("unknown option '%s'; did you mean '--%s'?", argv[1], hint);
			else
				cli_error("unknown option '%s' (a command's options come after it)",
					  argv[1]);
		} else if (hint)
			cli_error("unknown command '%s'; did you mean '%s'?", argv[1], hint);
		else
			cli_error("unknown command '%s'", argv[1]);
		fputs("Try 'gavel --help'.\n", stderr);
	}
	return GV_EXIT_USAGE;
}
