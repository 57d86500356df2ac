/*
 * main: the gavel command line. One table names every command, its one-line
 * summary and its entry point; `gavel --help` is generated from it.
 */
#include "config.h"

#include "cmd.h"
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
	{.name = "guide", .summary = "check or load labelling guidelines", .run = cmd_guide},
	{.name = "expert", .summary = "map experts to OS users and roles", .run = cmd_expert},
	{.name = "audit", .summary = "verify or print the audit trail", .run = cmd_audit},
	{.name = "review", .summary = "open the review screen", .run = cmd_review},
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
	      "Run 'gavel COMMAND --help' for a command's options; 'man gavel' for the manual.\n"
	      "Exit status: 0 success, 1 bad input or failed check, 2 usage error.\n",
	      f);
}

int main(int argc, char **argv)
{
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
		char *clean = text_clean(argv[1]);
		fprintf(stderr, "gavel: unknown command '%s'\nTry 'gavel --help'.\n", clean);
		free(clean);
	}
	return GV_EXIT_USAGE;
}
