/* The user's terminal (term.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

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
