/*
 * pipe-stall: run a command whose stdout is a pipe nobody reads (a dead log
 * shipper, a paused pager), then signal it and time how long it takes to
 * end: a VMM must never be wedged by its reader.
 *
 *   pipe-stall [--size BYTES] [--after MS] [--signal N] [--grace MS] [--stderr 1]
 *              -- CMD ARGS...
 *
 * The pipe's size is set with F_SETPIPE_SZ (default 4096).  MS milliseconds
 * (default 3000) after the pipe is full (it holds its size, FIONREAD; at
 * most 120 s of waiting for that) signal N (default SIGTERM) is sent, so
 * whatever the command wrote meanwhile is still in its own buffers.  Prints
 * "pipe-stall: exit=S ms_after_signal=T" (S: the exit status, or 128 + the
 * signal that killed it); if the command is still running --grace MS
 * (default 5000) after the signal, it is killed and "exit=wedged" printed,
 * status 1.  stderr is the command's own, or with --stderr 1 the same
 * stalled pipe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	long size = 4096, after = 3000, grace = 5000, sent;
	int sig = SIGTERM, p[2], st, i, both = 0;
	pid_t pid;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i += 2) {
		if (i + 1 >= argc)
			goto usage;
		if (!strcmp(argv[i], "--size"))
			size = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--after"))
			after = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--signal"))
			sig = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--grace"))
			grace = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--stderr"))
			both = atoi(argv[i + 1]);
		else
			goto usage;
	}
	if (i + 1 >= argc)
		goto usage;
	if (pipe(p) || (size = fcntl(p[1], F_SETPIPE_SZ, (int)size)) < 0) {
		perror("pipe-stall: pipe");
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, STDIN_FILENO);
		dup2(p[1], STDOUT_FILENO);
		if (both)
			dup2(p[1], STDERR_FILENO);
		close(p[0]);
		close(p[1]);
		execvp(argv[i + 1], argv + i + 1);
		perror("pipe-stall: exec");
		_exit(127);
	}
	close(p[1]);		/* p[0] stays open and unread: the stall */
	for (long waited = 0; waited < 120000; waited += 50) {
		int queued = 0;

		if (ioctl(p[0], FIONREAD, &queued) == 0 && queued >= size)
			break;
		sleep_ms(50);
	}
	sleep_ms(after);
	kill(pid, sig);
	sent = now_ms();
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (now_ms() - sent > grace) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			printf("pipe-stall: exit=wedged ms_after_signal=%ld\n", now_ms() - sent);
			return 1;
		}
		sleep_ms(10);
	}
	printf("pipe-stall: exit=%d ms_after_signal=%ld\n",
	       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), now_ms() - sent);
	return 0;
usage:
	fprintf(stderr, "usage: pipe-stall [--size B] [--after MS] [--signal N] [--grace MS] [--stderr 1] -- CMD...\n");
	return 2;
}
