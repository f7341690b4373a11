/* The guest console's byte streams (console.h). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "console.h"
#include "evloop.h"
#include "exit-status.h"
#include "kvm.h"
#include "term.h"
#include "util.h"

#define CONSOLE_IN_CHUNK	256

static struct {
	struct kvm *kvm;
	struct evloop *loop;

	/* Output: a ring under out_lock; the main loop drains it. */
	pthread_mutex_t out_lock;
	uint8_t out[CONSOLE_OUT_BUFFER];
	size_t out_head, out_len;
	atomic_uint_fast64_t dropped;
	int out_fd;
	struct evloop_source out_src;	/* stdout, EPOLLOUT while it is full */
	struct evloop_source kick_src;	/* eventfd: output waits, input room */
	bool out_pollable;

	/* Input: bytes read from stdin that the device has not taken yet. */
	console_input_fn input;
	void *input_opaque;
	struct evloop_source in_src;	/* stdin */
	bool in_pollable, in_eof;
	uint8_t in[CONSOLE_IN_CHUNK];
	size_t in_off, in_len;
} con = {
	.out_lock = PTHREAD_MUTEX_INITIALIZER, .out_fd = -1, .kick_src = { .fd = -1 },
};

/* ----------------------------------------------------------------- output */

size_t console__write(const void *buf, size_t len)
{
	size_t room, n, tail;
	bool was_empty;

	pthread_mutex_lock(&con.out_lock);
	room = sizeof(con.out) - con.out_len;
	n = len < room ? len : room;
	tail = (con.out_head + con.out_len) % sizeof(con.out);
	for (size_t done = 0; done < n;) {
		size_t chunk = sizeof(con.out) - tail;

		if (chunk > n - done)
			chunk = n - done;
		memcpy(con.out + tail, (const uint8_t *)buf + done, chunk);
		done += chunk;
		tail = (tail + chunk) % sizeof(con.out);
	}
	was_empty = !con.out_len;
	con.out_len += n;
	pthread_mutex_unlock(&con.out_lock);

	if (n < len)
		atomic_fetch_add(&con.dropped, len - n);
	/* Only the first byte of a burst wakes the main loop. */
	if (n && was_empty && con.kick_src.fd >= 0)
		evloop__signal(con.kick_src.fd);
	return n;
}

uint64_t console__dropped(void)
{
	return atomic_load(&con.dropped);
}

/* Write what stdout takes without blocking; true when the ring is empty. */
static bool drain(void)
{
	bool empty;

	pthread_mutex_lock(&con.out_lock);
	while (con.out_len) {
		size_t chunk = sizeof(con.out) - con.out_head;
		ssize_t w;

		if (chunk > con.out_len)
			chunk = con.out_len;
		w = write(con.out_fd, con.out + con.out_head, chunk);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w < 0 && errno != EAGAIN) {
				/* stdout is gone (EPIPE, EIO): count the rest as dropped. */
				atomic_fetch_add(&con.dropped, con.out_len);
				con.out_len = 0;
			}
			break;
		}
		con.out_head = (con.out_head + (size_t)w) % sizeof(con.out);
		con.out_len -= (size_t)w;
	}
	if (!con.out_len)
		con.out_head = 0;
	empty = !con.out_len;
	pthread_mutex_unlock(&con.out_lock);
	return empty;
}

static void set_out_polling(bool on)
{
	uint32_t want = on ? EPOLLOUT : 0;

	if (!con.out_pollable || con.out_src.events == want)
		return;
	con.out_src.events = want;
	evloop__modify(con.loop, &con.out_src);
}

static void on_stdout(struct evloop_source *src, uint32_t events)
{
	(void)src;
	(void)events;
	set_out_polling(!drain());
}

/* ------------------------------------------------------------------ input */

static void set_in_polling(bool on)
{
	uint32_t want = on ? EPOLLIN : 0;

	if (!con.in_pollable || con.in_src.events == want)
		return;
	con.in_src.events = want;
	evloop__modify(con.loop, &con.in_src);
}

/* Offer the pending bytes to the device; true when all were taken. */
static bool deliver(void)
{
	while (con.in_off < con.in_len && con.input) {
		size_t n = con.input(con.input_opaque, con.in + con.in_off,
				     con.in_len - con.in_off);

		if (!n)
			return false;
		con.in_off += n;
	}
	return con.in_off >= con.in_len;
}

/* Read one chunk of stdin (the pending bytes have all been delivered). */
static void read_input(void)
{
	bool quit = false;
	ssize_t n = read(con.in_src.fd, con.in, sizeof(con.in));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* EOF or an error: the guest runs on without input. */
		con.in_eof = true;
		set_in_polling(false);
		if (con.in_pollable)
			evloop__remove(con.loop, &con.in_src);
		return;
	}
	con.in_off = 0;
	con.in_len = term__filter(con.in, (size_t)n, &quit);
	if (quit) {
		pr_info("Ctrl-A x: stopping the guest");
		kvm__stop(con.kvm, VMM_EXIT_POWEROFF);
	}
}

/* Deliver what is pending; read more only when reading cannot block. */
static void pump_input(void)
{
	if (con.in_eof)
		return;
	if (!deliver()) {
		set_in_polling(false);	/* the device is full: wait for room */
		return;
	}
	if (con.in_pollable) {
		set_in_polling(true);	/* epoll says when stdin has more */
		return;
	}
	/* A file or /dev/null: never pollable, never blocking. */
	while (!con.in_eof) {
		read_input();
		if (!deliver())
			return;
	}
}

static void on_stdin(struct evloop_source *src, uint32_t events)
{
	(void)src;
	(void)events;
	if (con.in_off >= con.in_len)
		read_input();
	pump_input();
}

void console__input_ready(void)
{
	if (con.kick_src.fd >= 0)
		evloop__signal(con.kick_src.fd);
}

static void on_kick(struct evloop_source *src, uint32_t events)
{
	(void)events;
	evloop__drain(src->fd);
	set_out_polling(!drain());
	pump_input();
}

void console__set_input(console_input_fn fn, void *opaque)
{
	con.input = fn;
	con.input_opaque = opaque;
}

/* ------------------------------------------------------------------ setup */

void console__init(struct kvm *kvm, struct evloop *loop, int in_fd, int out_fd)
{
	con.kvm = kvm;
	con.loop = loop;
	con.out_fd = util_own_fd(out_fd);

	con.kick_src = (struct evloop_source){ .fd = evloop__eventfd(), .events = EPOLLIN,
					       .fn = on_kick };
	if (evloop__add(loop, &con.kick_src))
		die("console: cannot watch its eventfd");
	con.out_src = (struct evloop_source){ .fd = con.out_fd, .events = 0, .fn = on_stdout };
	con.out_pollable = !evloop__add(loop, &con.out_src);

	con.in_src = (struct evloop_source){ .fd = in_fd, .events = EPOLLIN, .fn = on_stdin };
	con.in_pollable = !evloop__add(loop, &con.in_src);
	if (!con.in_pollable)
		evloop__signal(con.kick_src.fd);	/* read it when the loop starts */
}

void console__flush(int timeout_ms)
{
	struct pollfd p = { .fd = con.out_fd, .events = POLLOUT };

	if (con.out_fd < 0)
		return;
	for (int waited = 0; !drain() && waited < timeout_ms; waited += 10)
		poll(&p, 1, 10);
	pthread_mutex_lock(&con.out_lock);
	atomic_fetch_add(&con.dropped, con.out_len);
	con.out_len = 0;
	pthread_mutex_unlock(&con.out_lock);
}
