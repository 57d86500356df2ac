/*
 * cmd: the command-line commands. Each takes the arguments after its own
 * name (argv[0] is the command name) and returns an exit code: GV_EXIT_OK,
 * GV_EXIT_FAIL (bad input, failed check, runtime error) or GV_EXIT_USAGE.
 * Every command answers --help on stdout with exit 0.
 */
#ifndef GAVEL_CMD_H
#define GAVEL_CMD_H

int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_queue(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_guide(int argc, char **argv);
int cmd_expert(int argc, char **argv);
int cmd_packet(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_dashboard(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
