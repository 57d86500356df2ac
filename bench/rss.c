/*
 * rss: run a command and report its wall time and peak resident set size,
 * so the benchmark needs neither GNU time nor anything else installed.
 *
 *   rss -o FILE COMMAND [ARG...]
 *
 * The command inherits stdin, stdout and stderr. When it ends, FILE gets one
 * line "SECONDS PEAK_KB STATUS" (STATUS is the exit code, or 128 + signal).
 * The peak comes from wait4's rusage, which on Linux covers the command and
 * every descendant it waited for. rss exits with the command's status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	const char *out;
	double t0, t1;
	pid_t pid;
	int status, code;
	FILE *f;

	if (argc < 4 || strcmp(argv[1], "-o") != 0) {
		fputs("Usage: rss -o FILE COMMAND [ARG...]\n", stderr);
		return 2;
	}
	out = argv[2];
	t0 = now();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rss: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		fprintf(stderr, "rss: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "rss: wait4: %s\n", strerror(errno));
			return 1;
		}
	}
	t1 = now();
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	f = fopen(out, "w");
	if (!f) {
		fprintf(stderr, "rss: %s: %s\n", out, strerror(errno));
		return 1;
	}
	fprintf(f, "%.3f %ld %d\n", t1 - t0, ru.ru_maxrss, code);
	if (fclose(f) != 0) {
		fprintf(stderr, "rss: %s: write failed\n", out);
		return 1;
	}
	return code;
}
