/*
 * The virtio-mmio transport, register layout version 2 (virtio 1.2, 4.2),
 * and each device's I/O thread (virtio.h).
 */
#include <errno.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "../kvm.h"
#include "../thread.h"
#include "../util.h"
#include "virtio.h"

#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" (4.2.2) */
#define VIRTIO_MMIO_VERSION_2	2
#define VIRTIO_VENDOR_ID	0x4d4d5600	/* "\0VMM" */

/* What every device gets from the transport: a modern device (6.2), event
 * indices and indirect tables.  Nothing that changes the driver's
 * transport (packed rings, notification data, platform access). */
#define VIRTIO_TRANSPORT_FEATURES \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_RING_F_EVENT_IDX) | \
	 (1ULL << VIRTIO_RING_F_INDIRECT_DESC))

bool virtio__has(const struct virtio_dev *vd, unsigned int feature)
{
	return vd->driver_features & (1ULL << feature);
}

bool virtio__running(const struct virtio_dev *vd)
{
	return (vd->status & VIRTIO_CONFIG_S_DRIVER_OK) && !vd->broken;
}

/* ------------------------------------------------------------- interrupts */

static void raise_irq(struct virtio_dev *vd, unsigned int why)
{
	/* InterruptStatus before the edge (4.2.2.1): the handler reads it. */
	atomic_fetch_or(&vd->int_status, why);
	evloop__signal(vd->irq_fd);
}

void virtio__broken(struct virtio_dev *vd, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (vd->broken)
		return;
	vd->broken = true;
	if (!vd->broken_logged) {
		vd->broken_logged = true;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		pr_err("%s@0x%llx: the guest gave %s: device marked DEVICE_NEEDS_RESET "
		       "(logged once)", vd->ops->name, (unsigned long long)vd->dev.win.base, msg);
	}
	/* 2.1.2: NEEDS_RESET, and with DRIVER_OK a configuration change
	 * notification. */
	vd->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	if (vd->status & VIRTIO_CONFIG_S_DRIVER_OK)
		raise_irq(vd, VIRTIO_MMIO_INT_CONFIG);
}

/* ----------------------------------------------------------------- queues */

int virtio__pop(struct virtio_dev *vd, unsigned int q, struct virtq_chain *c)
{
	struct virtio_queue *vq = &vd->q[q];
	const char *why = "";
	int r;

	if (!virtio__running(vd) || !vq->ready)
		return 0;
	c->iov = vq->iov;
	c->max = vd->ops->queue_size;
	r = virtq__pop(&vq->vq, c, &why);
	if (r < 0) {
		virtio__broken(vd, "%s on queue %u", why, q);
		return -1;
	}
	return r;
}

void virtio__push(struct virtio_dev *vd, unsigned int q, uint16_t head, uint32_t len)
{
	virtq__push(&vd->q[q].vq, head, len);
}

void virtio__done(struct virtio_dev *vd, unsigned int q)
{
	struct virtq *vq = &vd->q[q].vq;

	if (vq->published == vq->used_idx)
		return;
	virtq__publish(vq);
	if (virtq__need_notify(vq))
		raise_irq(vd, VIRTIO_MMIO_INT_VRING);
}

bool virtio__rearm(struct virtio_dev *vd, unsigned int q)
{
	return virtio__running(vd) && virtq__rearm(&vd->q[q].vq);
}

void virtio__kick(struct virtio_dev *vd, unsigned int q)
{
	evloop__signal(vd->q[q].kick.fd);
}

/* QueueReady = 1: the driver's rings, checked once (4.2.2.2: they may not
 * change while the queue is ready). */
static void queue_ready(struct virtio_dev *vd, struct virtio_queue *vq, unsigned int q)
{
	uint32_t n = vq->num ? vq->num : vd->ops->queue_size;

	if (n > vd->ops->queue_size ||
	    virtq__enable(&vq->vq, &vd->mem, (uint16_t)n, vq->desc, vq->avail, vq->used,
			  virtio__has(vd, VIRTIO_RING_F_EVENT_IDX))) {
		virtio__broken(vd, "queue %u of %u entries at 0x%llx/0x%llx/0x%llx, which is "
			       "not a valid ring in RAM", q, n, (unsigned long long)vq->desc,
			       (unsigned long long)vq->avail, (unsigned long long)vq->used);
		return;
	}
	vq->ready = 1;
}

/* Status = 0, or a guest reset: back to power-on, with nothing in flight
 * (the lock is held: no callback runs).  2.4.1, 4.2.2.1. */
static void reset_locked(struct virtio_dev *vd)
{
	for (unsigned int i = 0; i < vd->ops->nr_queues; i++) {
		struct virtio_queue *vq = &vd->q[i];

		virtq__disable(&vq->vq);
		vq->num = vq->ready = 0;
		vq->desc = vq->avail = vq->used = 0;
	}
	vd->status = 0;
	vd->driver_features = 0;
	vd->dev_feat_sel = vd->drv_feat_sel = vd->queue_sel = 0;
	vd->broken = false;
	atomic_store(&vd->int_status, 0);
	if (vd->ops->reset)
		vd->ops->reset(vd);
}

static void set_status(struct virtio_dev *vd, uint32_t v)
{
	uint32_t newly = v & ~vd->status;

	if (!v) {
		reset_locked(vd);
		return;
	}
	/* 2.2.2: a subset of what was offered, and a modern driver (6.1);
	 * otherwise FEATURES_OK does not stick and the driver sees it. */
	if ((newly & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    ((vd->driver_features & ~vd->features) ||
	     !virtio__has(vd, VIRTIO_F_VERSION_1)))
		v &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	vd->status = v | (vd->status & VIRTIO_CONFIG_S_NEEDS_RESET);
	if ((newly & VIRTIO_CONFIG_S_DRIVER_OK) && !vd->broken) {
		int r = vd->ops->start ? vd->ops->start(vd) : 0;

		if (r)
			virtio__broken(vd, "a configuration the device cannot start (%s)",
				       strerror(-r));
		/* Buffers made available before DRIVER_OK were not kicked. */
		for (unsigned int i = 0; i < vd->ops->nr_queues; i++)
			virtio__kick(vd, i);
	}
}

/* ---------------------------------------------------------- the registers */

static uint32_t reg_read(struct virtio_dev *vd, uint64_t off)
{
	struct virtio_queue *vq = vd->queue_sel < vd->ops->nr_queues ? &vd->q[vd->queue_sel] : NULL;

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:	return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:	return VIRTIO_MMIO_VERSION_2;
	case VIRTIO_MMIO_DEVICE_ID:	return vd->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:	return VIRTIO_VENDOR_ID;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return vd->dev_feat_sel < 2 ? (uint32_t)(vd->features >> (32 * vd->dev_feat_sel)) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:	return vq ? vd->ops->queue_size : 0;
	case VIRTIO_MMIO_QUEUE_READY:	return vq ? vq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return atomic_load(&vd->int_status);
	case VIRTIO_MMIO_STATUS:	return vd->status;
	/* No shared memory regions: length -1 (4.2.2). */
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:	return 0xFFFFFFFF;
	case VIRTIO_MMIO_CONFIG_GENERATION: return 0;	/* the config never changes */
	default:			return 0;
	}
}

static void set_half(uint64_t *v, bool high, uint32_t val)
{
	*v = high ? (*v & 0xFFFFFFFFULL) | (uint64_t)val << 32 : (*v & ~0xFFFFFFFFULL) | val;
}

static void queue_write(struct virtio_dev *vd, uint64_t off, uint32_t v)
{
	unsigned int q = vd->queue_sel;
	struct virtio_queue *vq;

	if (q >= vd->ops->nr_queues)
		return;
	vq = &vd->q[q];
	if (off == VIRTIO_MMIO_QUEUE_READY) {
		if (!v) {
			virtq__disable(&vq->vq);
			vq->ready = 0;
		} else if (!vq->ready) {
			queue_ready(vd, vq, q);
		}
		return;
	}
	if (vq->ready)
		return;	/* 4.2.2.2: not while the queue is ready */
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:	vq->num = v; break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&vq->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		set_half(&vq->avail, off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_half(&vq->used, off == VIRTIO_MMIO_QUEUE_USED_HIGH, v);
		break;
	}
}

static void reg_write(struct virtio_dev *vd, uint64_t off, uint32_t v)
{
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:	vd->dev_feat_sel = v; break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:	vd->drv_feat_sel = v; break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (vd->drv_feat_sel < 2 && !(vd->status & VIRTIO_CONFIG_S_FEATURES_OK))
			set_half(&vd->driver_features, vd->drv_feat_sel == 1, v);
		break;
	case VIRTIO_MMIO_QUEUE_SEL:		vd->queue_sel = v; break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/* Reached only when no ioeventfd matched: an index that names
		 * no queue is ignored, a valid one kicked by hand. */
		if (v < vd->ops->nr_queues)
			virtio__kick(vd, v);
		break;
	case VIRTIO_MMIO_STATUS:		set_status(vd, v); break;
	default:				queue_write(vd, off, v); break;
	}
}

static void config_access(struct virtio_dev *vd, uint64_t off, uint8_t *data, uint32_t len,
			  bool is_write)
{
	if (off + len > vd->ops->config_size) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	if (!is_write)
		vd->ops->config_read(vd, (uint32_t)off, data, len);
	else if (vd->ops->config_write)
		vd->ops->config_write(vd, (uint32_t)off, data, len);
}

static void virtio_mmio(struct device *dev, uint64_t off, uint8_t *data, uint32_t len,
			bool is_write)
{
	struct virtio_dev *vd = container_of(dev, struct virtio_dev, dev);
	uint32_t v;

	if (off >= VIRTIO_MMIO_CONFIG) {
		config_access(vd, off - VIRTIO_MMIO_CONFIG, data, len, is_write);
		return;
	}
	/* 4.2.2.2: the registers are 32 bits wide, accessed whole; anything
	 * else reads as 0 and writes nothing. */
	if (len != 4 || off % 4) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	if (!is_write) {
		/* These two are atomic, without the lock: the guest's interrupt
		 * handler must not wait for a request in progress. */
		v = off == VIRTIO_MMIO_INTERRUPT_STATUS ? atomic_load(&vd->int_status) : 0;
		if (off != VIRTIO_MMIO_INTERRUPT_STATUS) {
			pthread_mutex_lock(&vd->lock);
			v = reg_read(vd, off);
			pthread_mutex_unlock(&vd->lock);
		}
		v = htole32(v);
		memcpy(data, &v, 4);
		return;
	}
	memcpy(&v, data, 4);
	v = le32toh(v);
	if (off == VIRTIO_MMIO_INTERRUPT_ACK) {
		atomic_fetch_and(&vd->int_status, ~v);
		return;
	}
	pthread_mutex_lock(&vd->lock);
	reg_write(vd, off, v);
	pthread_mutex_unlock(&vd->lock);
}

/* ------------------------------------------------------ device interface */

static int virtio_fdt(struct device *dev, void *fdt)
{
	int r;

	if ((r = device__fdt_begin(dev, fdt, "virtio_mmio")) ||
	    (r = fdt_property_string(fdt, "compatible", "virtio,mmio")) ||
	    (r = device__fdt_reg(dev, fdt)) ||
	    (r = fdt__irq_prop(fdt, &dev->win)) ||
	    (r = fdt_property(fdt, "dma-coherent", NULL, 0)))
		return r;
	return fdt_end_node(fdt);
}

static void virtio_reset(struct device *dev)
{
	struct virtio_dev *vd = container_of(dev, struct virtio_dev, dev);

	pthread_mutex_lock(&vd->lock);
	reset_locked(vd);
	pthread_mutex_unlock(&vd->lock);
}

static void virtio_stop(struct device *dev)
{
	struct virtio_dev *vd = container_of(dev, struct virtio_dev, dev);

	atomic_store(&vd->stopping, true);
	evloop__signal(vd->ctl.fd);
	pthread_join(vd->thread, NULL);
	if (vd->ops->stop)
		vd->ops->stop(vd);
}

/* ------------------------------------------------------------ I/O thread */

static void on_kick(struct evloop_source *src, uint32_t events)
{
	struct virtio_dev *vd = src->opaque;
	struct virtio_queue *vq = container_of(src, struct virtio_queue, kick);

	(void)events;
	evloop__drain(src->fd);
	pthread_mutex_lock(&vd->lock);
	if (virtio__running(vd) && vq->ready)
		vd->ops->notify(vd, (unsigned int)(vq - vd->q));
	pthread_mutex_unlock(&vd->lock);
}

static void *io_thread(void *arg)
{
	struct virtio_dev *vd = arg;

	while (!atomic_load(&vd->stopping))
		evloop__run_once(vd->loop, -1);
	return NULL;
}

static int virtio_start(struct device *dev)
{
	struct virtio_dev *vd = container_of(dev, struct virtio_dev, dev);

	return thread_spawn(&vd->thread, io_thread, vd);
}

static void on_ctl(struct evloop_source *src, uint32_t events)
{
	(void)events;
	evloop__drain(src->fd);
}

void virtio__watch(struct virtio_dev *vd, struct evloop_source *src)
{
	if (evloop__add(vd->loop, src))
		die("%s: cannot watch fd %d", vd->ops->name, src->fd);
}

void virtio__create(struct kvm *kvm, struct virtio_dev *vd, const struct virtio_dev_ops *ops,
		    uint64_t features, void *priv)
{
	vd->ops = ops;
	vd->priv = priv;
	vd->features = features | VIRTIO_TRANSPORT_FEATURES;
	vd->mem = (struct guest_mem){ kvm->ram, kvm->ram_start, kvm->ram_size };
	pthread_mutex_init(&vd->lock, NULL);
	vd->dev = (struct device){
		.name = ops->name,
		.mmio = virtio_mmio,
		.fdt = virtio_fdt,
		.start = virtio_start,
		.reset = virtio_reset,
		.stop = virtio_stop,
	};
	device__add(kvm, &vd->dev, BOARD_SLOT_VIRTIO_MMIO);

	vd->loop = evloop__create();
	vd->ctl = (struct evloop_source){ .fd = evloop__eventfd(), .events = EPOLLIN,
					  .fn = on_ctl, .opaque = vd };
	virtio__watch(vd, &vd->ctl);
	vd->q = calloc(ops->nr_queues, sizeof(*vd->q));
	if (!vd->q)
		die("%s: out of memory", ops->name);
	for (unsigned int i = 0; i < ops->nr_queues; i++) {
		struct virtio_queue *vq = &vd->q[i];

		vq->iov = calloc(ops->queue_size, sizeof(*vq->iov));
		if (!vq->iov)
			die("%s: out of memory", ops->name);
		vq->kick = (struct evloop_source){ .fd = evloop__eventfd(), .events = EPOLLIN,
						   .fn = on_kick, .opaque = vd };
		virtio__watch(vd, &vq->kick);
		kvm__ioeventfd(kvm, vq->kick.fd, vd->dev.win.base + VIRTIO_MMIO_QUEUE_NOTIFY, i);
	}
	vd->irq_fd = evloop__eventfd();
	kvm__irqfd(kvm, vd->irq_fd, vd->dev.win.irq);
}
