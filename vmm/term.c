/* The user's terminal (term.h). */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "sandbox.h"
#include "term.h"

#define TERM_ESCAPE	0x01	/* Ctrl-A */
#define TERM_QUIT	'x'

static struct termios saved;
static bool raw;

void term__restore(void)
{
	if (raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		raw = false;
	}
}

/*
 * A crash in the VMM itself (a fault, an abort) must not leave the user's
 * terminal raw: restore it, then die of the same signal.  tcsetattr() is
 * async-signal-safe (signal-safety(7)).
 */
static void on_fatal_signal(int sig)
{
	/* SA_RESETHAND made the default action current again: no
	 * rt_sigaction, which the sandbox does not allow. */
	term__restore();
	raise(sig);
}

static void catch_fatal_signals(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct sigaction sa = { .sa_handler = on_fatal_signal, .sa_flags = SA_RESETHAND };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
}

int term__init(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO))
		return 0;
	if (tcgetattr(STDIN_FILENO, &saved) < 0)
		return -errno;
	t = saved;
	cfmakeraw(&t);
	/* Keep output post-processing so the host terminal still maps \n. */
	t.c_oflag |= OPOST;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
		return -errno;
	raw = true;
	atexit(term__restore);
	catch_fatal_signals();
	sandbox__allow_ioctl(STDIN_FILENO, TCSETS, "TCSETS", "restoring the terminal at exit");
	sandbox__allow_ioctl(STDIN_FILENO, TCGETS, "TCGETS", "the terminal's state");
	return 0;
}

size_t term__filter(uint8_t *buf, size_t n, bool *quit)
{
	static bool escaped;
	size_t out = 0;

	if (!raw)
		return n;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = buf[i];

		if (escaped) {
			escaped = false;
			if (c == TERM_QUIT) {
				*quit = true;
				return out;
			}
			if (c != TERM_ESCAPE)
				continue;
		} else if (c == TERM_ESCAPE) {
			escaped = true;
			continue;
		}
		buf[out++] = c;
	}
	return out;
}
