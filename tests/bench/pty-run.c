/*
 * pty-run: run a command on a new pseudo-terminal, as a user at a terminal
 * would, to test the VMM's console handling: is the terminal raw while it
 * runs, restored after, and does typed input (e.g. Ctrl-A x) work?
 *
 *   pty-run [--after TEXT] [--type BYTES] [--signal N] -- CMD ARGS...
 *
 * After TEXT appears in the output (or at once), BYTES are typed (C escapes
 * \xNN, \n) or signal N is sent.  Prints: raw_during=0|1 restored=0|1 exit=N
 */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = { s[2], s[3], 0 };

			out[n++] = (char)strtol(hex, NULL, 16);
			s += 4;
		} else if (s[0] == '\\' && s[1] == 'n') {
			out[n++] = '\n';
			s += 2;
		} else {
			out[n++] = *s++;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *after = NULL, *type = NULL;
	int sig = 0, i, master, slave, status, raw_during = 0, fired = 0;
	struct termios before, during, end;
	char window[8192] = "", buf[1024], typed[256];
	pid_t pid;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--after") && i + 1 < argc)
			after = argv[++i];
		else if (!strcmp(argv[i], "--type") && i + 1 < argc)
			type = argv[++i];
		else if (!strcmp(argv[i], "--signal") && i + 1 < argc)
			sig = atoi(argv[++i]);
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: pty-run [--after T] [--type B] [--signal N] -- CMD\n");
		return 2;
	}
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return 1;
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0 || tcgetattr(slave, &before))
		return 1;
	pid = fork();
	if (pid == 0) {
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		execvp(argv[i + 1], argv + i + 1);
		_exit(127);
	}
	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		ssize_t n;

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (poll(&p, 1, 50) <= 0)
			continue;
		n = read(master, buf, sizeof(buf) - 1);
		if (n <= 0)
			continue;
		buf[n] = 0;
		fputs(buf, stdout);
		if (strlen(window) + n >= sizeof(window))
			window[0] = 0;
		strcat(window, buf);
		if (!fired && (!after || strstr(window, after))) {
			fired = 1;
			if (!tcgetattr(slave, &during))
				raw_during = !(during.c_lflag & (ICANON | ECHO | ISIG));
			if (type)
				if (write(master, typed, unescape(type, typed)) < 0)
					perror("pty-run: write");
			if (sig)
				kill(pid, sig);
		}
	}
	tcgetattr(slave, &end);
	printf("\npty-run: raw_during=%d restored=%d exit=%d\n", raw_during,
	       before.c_lflag == end.c_lflag && before.c_iflag == end.c_iflag &&
	       before.c_oflag == end.c_oflag,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
