/*
 * virtio-console (virtio 1.2, 5.3), one port, no MULTIPORT: Linux makes it
 * hvc0.  Output goes to the console's bounded buffer; input from the
 * console waits in a small buffer until the guest posts receive buffers.
 * Transmit buffers are completed at once: the guest spins until they are
 * (Linux's __send_to_port()).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#include "../console.h"
#include "../util.h"
#include "console.h"
#include "virtio.h"

#define VCON_QUEUE_SIZE	64
#define VCON_RX		0	/* receiveq(port0) (5.3.2) */
#define VCON_TX		1	/* transmitq(port0) */
#define VCON_IN_BUFFER	4096

struct vcon {
	struct virtio_dev vd;
	pthread_mutex_t in_lock;	/* in[]: the main thread adds, the I/O thread takes */
	uint8_t in[VCON_IN_BUFFER];
	size_t in_len;
	bool in_full;			/* the console was refused input */
};

static void tx(struct virtio_dev *vd)
{
	struct virtq_chain c;
	int r;

	do {
		while ((r = virtio__pop(vd, VCON_TX, &c)) > 0) {
			for (unsigned int i = 0; i < c.nr_out; i++)
				console__write(c.iov[i].iov_base, c.iov[i].iov_len);
			virtio__push(vd, VCON_TX, c.head, 0);
		}
		virtio__done(vd, VCON_TX);
		if (r < 0)
			return;
	} while (virtio__rearm(vd, VCON_TX));
}

static void rx(struct virtio_dev *vd)
{
	struct vcon *v = vd->priv;
	struct virtq_chain c;
	bool wake = false;
	int r;

	pthread_mutex_lock(&v->in_lock);
	while (v->in_len && (r = virtio__pop(vd, VCON_RX, &c)) > 0) {
		size_t n = iov_from_buf(c.iov + c.nr_out, c.nr_in, 0, v->in, v->in_len);

		memmove(v->in, v->in + n, v->in_len - n);
		v->in_len -= n;
		virtio__push(vd, VCON_RX, c.head, (uint32_t)n);
	}
	virtio__done(vd, VCON_RX);
	if (v->in_len)
		virtio__rearm(vd, VCON_RX);	/* the guest's next buffer kicks us */
	if (v->in_full && v->in_len < sizeof(v->in)) {
		v->in_full = false;
		wake = true;
	}
	pthread_mutex_unlock(&v->in_lock);
	if (wake)
		console__input_ready();
}

static void vcon_notify(struct virtio_dev *vd, unsigned int q)
{
	if (q == VCON_TX)
		tx(vd);
	else
		rx(vd);
}

/* The console's input (main thread): what fits, then the I/O thread. */
static size_t vcon_input(void *opaque, const uint8_t *buf, size_t len)
{
	struct vcon *v = opaque;
	size_t n;

	pthread_mutex_lock(&v->in_lock);
	n = sizeof(v->in) - v->in_len;
	if (n > len)
		n = len;
	memcpy(v->in + v->in_len, buf, n);
	v->in_len += n;
	if (n < len)
		v->in_full = true;
	pthread_mutex_unlock(&v->in_lock);
	if (n)
		virtio__kick(&v->vd, VCON_RX);
	return n;
}

static void vcon_reset(struct virtio_dev *vd)
{
	struct vcon *v = vd->priv;
	bool wake;

	pthread_mutex_lock(&v->in_lock);
	v->in_len = 0;
	wake = v->in_full;
	v->in_full = false;
	pthread_mutex_unlock(&v->in_lock);
	if (wake)
		console__input_ready();
}

static void vcon_config_read(struct virtio_dev *vd, uint32_t off, void *data, uint32_t len)
{
	(void)vd;
	(void)off;
	memset(data, 0, len);	/* no SIZE, MULTIPORT or EMERG_WRITE fields */
}

static const struct virtio_dev_ops vcon_ops = {
	.name = "virtio-console",
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.queue_size = VCON_QUEUE_SIZE,
	.config_size = sizeof(struct virtio_console_config),	/* 5.3.4 */
	.config_read = vcon_config_read,
	.notify = vcon_notify,
	.reset = vcon_reset,
};

void virtio_console__create(struct kvm *kvm)
{
	struct vcon *v = calloc(1, sizeof(*v));

	if (!v)
		die("--console virtio: out of memory");
	pthread_mutex_init(&v->in_lock, NULL);
	virtio__create(kvm, &v->vd, &vcon_ops, 0, v);
	console__set_input(vcon_input, v);
}
