/* The event loop (evloop.h). */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "evloop.h"
#include "util.h"

#define EVLOOP_BATCH	16

struct evloop {
	int epfd;
};

struct evloop *evloop__create(void)
{
	struct evloop *l = calloc(1, sizeof(*l));

	if (!l)
		die("event loop: out of memory");
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		die_errno(-errno, "epoll_create1");
	return l;
}

void evloop__destroy(struct evloop *l)
{
	if (!l)
		return;
	close(l->epfd);
	free(l);
}

static int ctl(struct evloop *l, int op, struct evloop_source *src)
{
	struct epoll_event ev = { .events = src->events, .data.ptr = src };

	return epoll_ctl(l->epfd, op, src->fd, &ev) < 0 ? -errno : 0;
}

int evloop__add(struct evloop *l, struct evloop_source *src)
{
	return ctl(l, EPOLL_CTL_ADD, src);
}

int evloop__modify(struct evloop *l, struct evloop_source *src)
{
	return ctl(l, EPOLL_CTL_MOD, src);
}

int evloop__remove(struct evloop *l, struct evloop_source *src)
{
	return ctl(l, EPOLL_CTL_DEL, src);
}

int evloop__run_once(struct evloop *l, int timeout_ms)
{
	struct epoll_event ev[EVLOOP_BATCH];
	int n = epoll_wait(l->epfd, ev, EVLOOP_BATCH, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		struct evloop_source *src = ev[i].data.ptr;

		src->fn(src, ev[i].events);
	}
	return n;
}

int evloop__eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (fd < 0)
		die_errno(-errno, "eventfd");
	return fd;
}

void evloop__signal(int efd)
{
	uint64_t one = 1;

	/* EAGAIN: the counter is saturated, the reader will wake anyway. */
	while (write(efd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

uint64_t evloop__drain(int efd)
{
	uint64_t n = 0;

	while (read(efd, &n, sizeof(n)) < 0 && errno == EINTR)
		;
	return n;
}
