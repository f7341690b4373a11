/*
 * virtio-rng (virtio 1.2, 5.4): the guest's writable buffers filled from
 * getrandom(2), rate-limited by a token bucket so a guest draining its
 * hwrng cannot make the host spend more than the operator allows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <linux/virtio_ids.h>

#include "../util.h"
#include "rng.h"
#include "virtio.h"

#define RNG_QUEUE_SIZE	64
#define RNG_CHUNK	4096	/* at most this much per request */

struct rng {
	struct virtio_dev vd;
	uint64_t rate;			/* bytes per second, and the burst */
	double tokens;			/* bytes that may be produced now */
	struct timespec last;
	struct evloop_source timer;	/* when the bucket has refilled */
	bool waiting;			/* the timer is armed */
};

static double now_s(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	return (double)ts->tv_sec + ts->tv_nsec / 1e9;
}

static void refill(struct rng *r)
{
	struct timespec t;
	double now = now_s(&t), then = (double)r->last.tv_sec + r->last.tv_nsec / 1e9;

	r->tokens += (now - then) * (double)r->rate;
	if (r->tokens > (double)r->rate)
		r->tokens = (double)r->rate;
	r->last = t;
}

/* Sleep until a request's worth of tokens is back. */
static void wait_for_tokens(struct rng *r)
{
	double need = (double)RNG_CHUNK - r->tokens;
	struct itimerspec its = { 0 };
	uint64_t ns = (uint64_t)(need / (double)r->rate * 1e9) + 1000000;

	its.it_value.tv_sec = (time_t)(ns / 1000000000ULL);
	its.it_value.tv_nsec = (long)(ns % 1000000000ULL);
	timerfd_settime(r->timer.fd, 0, &its, NULL);
	r->waiting = true;
}

static void rng_notify(struct virtio_dev *vd, unsigned int q)
{
	struct rng *r = vd->priv;
	uint8_t buf[RNG_CHUNK];
	struct virtq_chain c;
	int ret;

	if (r->waiting)
		return;	/* the timer brings us back */
	do {
		refill(r);
		while (r->tokens >= 1 && (ret = virtio__pop(vd, q, &c)) > 0) {
			size_t n = c.in_len < sizeof(buf) ? c.in_len : sizeof(buf);
			ssize_t got;

			if (n > r->tokens)
				n = (size_t)r->tokens;
			got = getrandom(buf, n, 0);
			if (got < 0)
				got = 0;
			/* 5.4.6.2: one or more bytes; fewer than the buffer is fine. */
			iov_from_buf(c.iov + c.nr_out, c.nr_in, 0, buf, (size_t)got);
			virtio__push(vd, q, c.head, (uint32_t)got);
			r->tokens -= (double)got;
		}
		virtio__done(vd, q);
		if (r->tokens < 1) {
			wait_for_tokens(r);
			break;
		}
		if (ret < 0)
			break;
	} while (virtio__rearm(vd, q));
	memset(buf, 0, sizeof(buf));
}

static void on_timer(struct evloop_source *src, uint32_t events)
{
	struct rng *r = src->opaque;
	uint64_t expirations;

	(void)events;
	if (read(src->fd, &expirations, sizeof(expirations)) < 0) {
		/* spurious wake-up */
	}
	pthread_mutex_lock(&r->vd.lock);
	r->waiting = false;
	if (virtio__running(&r->vd) && r->vd.q[0].ready)
		rng_notify(&r->vd, 0);
	pthread_mutex_unlock(&r->vd.lock);
}

static void rng_reset(struct virtio_dev *vd)
{
	struct rng *r = vd->priv;
	struct itimerspec off = { 0 };

	timerfd_settime(r->timer.fd, 0, &off, NULL);
	r->waiting = false;
}

static void rng_config_read(struct virtio_dev *vd, uint32_t off, void *data, uint32_t len)
{
	(void)vd;
	(void)off;
	memset(data, 0, len);
}

static const struct virtio_dev_ops rng_ops = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_RNG,
	.nr_queues = 1,
	.queue_size = RNG_QUEUE_SIZE,
	.config_size = 0,
	.config_read = rng_config_read,
	.notify = rng_notify,
	.reset = rng_reset,
};

void rng__create(struct kvm *kvm, uint64_t rate)
{
	struct rng *r = calloc(1, sizeof(*r));
	struct timespec t;

	if (!r)
		die("--rng: out of memory");
	r->rate = rate;
	r->tokens = (double)rate;
	now_s(&t);
	r->last = t;
	r->timer = (struct evloop_source){
		.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC),
		.events = EPOLLIN, .fn = on_timer, .opaque = r,
	};
	if (r->timer.fd < 0)
		die_errno(-errno, "--rng: timerfd_create");
	virtio__create(kvm, &r->vd, &rng_ops, 0, r);
	virtio__watch(&r->vd, &r->timer);
}
