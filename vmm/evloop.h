/*
 * An epoll event loop.  The main thread runs one (signals, the VM's state
 * notifications, the console); each virtio device's I/O thread runs its own
 * (its queues' ioeventfds, its backend).  Sources are caller-owned structs,
 * so the loop allocates nothing once set up.  Level-triggered.
 */
#ifndef VMM_EVLOOP_H
#define VMM_EVLOOP_H

#include <stdint.h>

struct evloop;
struct evloop_source;

/* events: EPOLLIN, EPOLLOUT, ... as they fired. */
typedef void (*evloop_fn)(struct evloop_source *src, uint32_t events);

struct evloop_source {
	int fd;
	uint32_t events;		/* what to wait for; 0: nothing for now */
	evloop_fn fn;
	void *opaque;
};

struct evloop *evloop__create(void);
void evloop__destroy(struct evloop *l);
/* 0 or a negative errno.  src must live until it is removed. */
int evloop__add(struct evloop *l, struct evloop_source *src);
/* Wait for src->events now (change it first); 0 or a negative errno. */
int evloop__modify(struct evloop *l, struct evloop_source *src);
int evloop__remove(struct evloop *l, struct evloop_source *src);
/* Wait up to timeout_ms (-1: forever) and dispatch what fired.  The number
 * of sources dispatched, or a negative errno (-EINTR is not one). */
int evloop__run_once(struct evloop *l, int timeout_ms);

/* eventfd helpers: a counter one thread bumps and another drains. */
int evloop__eventfd(void);			/* non-blocking; dies */
void evloop__signal(int efd);			/* any thread; never blocks */
uint64_t evloop__drain(int efd);		/* the count since the last drain */

#endif
