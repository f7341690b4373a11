#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "exit-status.h"
#include "kvm.h"
#include "term.h"
#include "thread.h"
#include "uart.h"

/* Ctrl-A, then x to quit or Ctrl-A to send one Ctrl-A: QEMU's and kvmtool's keys. */
#define TERM_ESCAPE	0x01
#define TERM_QUIT	'x'

static struct termios saved;
static bool raw;
static struct kvm *term_kvm;
static struct uart *term_uart;

void term__restore(void)
{
	if (raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		raw = false;
	}
}

static int enter_raw(void)
{
	struct termios t;

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

/* Returns the number of bytes to pass on; sets *quit on Ctrl-A x. */
static size_t filter_escape(uint8_t *buf, size_t n, bool *quit)
{
	static bool escaped;
	size_t out = 0;

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

static void *input_thread(void *arg)
{
	uint8_t buf[256];

	(void)arg;
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
		bool quit = false;
		size_t len;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* EOF: the guest keeps running without input */
		len = raw ? filter_escape(buf, n, &quit) : (size_t)n;
		if (len && !uart__receive(term_uart, buf, len))
			break;
		if (quit) {
			kvm__stop(term_kvm, VMM_EXIT_POWEROFF);
			break;
		}
	}
	return NULL;
}

int term__init(struct kvm *kvm, struct uart *uart)
{
	pthread_t t;
	int r;

	term_kvm = kvm;
	term_uart = uart;
	if (isatty(STDIN_FILENO)) {
		r = enter_raw();
		if (r)
			return r;
	}
	r = thread_spawn(&t, input_thread, NULL);
	if (r)
		return r;
	pthread_detach(t);
	return 0;
}
