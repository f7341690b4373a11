/*
 * virtio devices on the virtio-mmio transport (virtio 1.2, 4.2: register
 * layout version 2, split virtqueues, 2.7).
 *
 * The transport (mmio.c) owns the registers, feature negotiation, the
 * queues and the device's I/O thread; a device type (blk.c, net.c, rng.c,
 * console.c) supplies a struct virtio_dev_ops and does its I/O in callbacks
 * that run on that thread, never on a vCPU thread:
 *
 *   - a queue's kick arrives through KVM_IOEVENTFD (the guest's QueueNotify
 *     store completes in KVM; the I/O thread wakes), interrupts leave
 *     through KVM_IRQFD (edge-triggered; the thread sets InterruptStatus
 *     first, 4.2.2.1);
 *   - callbacks run with the device's lock held; the vCPU takes it to change
 *     the device's state (Status, QueueReady) and to reset it, so a reset
 *     completes before the guest's Status write returns (Linux does not wait
 *     for one) and no callback touches a queue afterwards;
 *   - a malformed ring or request makes the device broken: it sets
 *     DEVICE_NEEDS_RESET, sends a configuration change notification (2.1.2),
 *     logs once and ignores its queues until the driver resets it.
 *
 * Call order: virtio__create() at setup, after kvm__arch_init_late() (the
 * irqfd needs the vGIC) and before the sandbox (it starts the I/O thread);
 * the device's stop runs at exit from device__stop_all().
 */
#ifndef VMM_VIRTIO_VIRTIO_H
#define VMM_VIRTIO_VIRTIO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

#include "../device.h"
#include "../evloop.h"
#include "queue.h"

struct kvm;
struct virtio_dev;

struct virtio_dev_ops {
	const char *name;		/* "virtio-blk" */
	uint32_t device_id;		/* VIRTIO_ID_* */
	unsigned int nr_queues;
	uint16_t queue_size;		/* QueueNumMax: a power of 2 */
	size_t config_size;		/* bytes of config space, at most 256 */
	/* Config space, little-endian, [off, off + len) inside config_size.
	 * Any thread, no lock: it must be safe to call at any time. */
	void (*config_read)(struct virtio_dev *vd, uint32_t off, void *data, uint32_t len);
	/* NULL: the guest's config writes are ignored. */
	void (*config_write)(struct virtio_dev *vd, uint32_t off, const void *data, uint32_t len);
	/* DRIVER_OK: the features are negotiated (vd->driver_features) and
	 * the queues ready.  0, or a negative errno (the device is broken). */
	int (*start)(struct virtio_dev *vd);
	/* I/O thread: queue q may have buffers (a kick, or start). */
	void (*notify)(struct virtio_dev *vd, unsigned int q);
	/* The device's own state back to power-on (the queues are stopped). */
	void (*reset)(struct virtio_dev *vd);
	/* At exit, the I/O thread stopped: finish and flush.  May be NULL. */
	void (*stop)(struct virtio_dev *vd);
};

struct virtio_queue {
	struct virtq vq;
	uint32_t num, ready;		/* QueueNum, QueueReady */
	uint64_t desc, avail, used;	/* the driver's addresses */
	struct evloop_source kick;	/* the queue's ioeventfd */
	struct iovec *iov;		/* queue_size entries, for chains */
};

struct virtio_dev {
	struct device dev;
	const struct virtio_dev_ops *ops;
	void *priv;			/* the device type's */
	struct guest_mem mem;

	pthread_mutex_t lock;		/* the state below; held by callbacks */
	uint32_t status;
	uint64_t features;		/* offered */
	uint64_t driver_features;	/* accepted by the driver */
	uint32_t dev_feat_sel, drv_feat_sel, queue_sel;
	bool broken;			/* DEVICE_NEEDS_RESET set */
	bool broken_logged;		/* once per VM: a flood cannot fill the log */
	struct virtio_queue *q;

	atomic_uint int_status;		/* InterruptStatus */
	int irq_fd;			/* KVM_IRQFD's eventfd */

	struct evloop *loop;		/* the I/O thread's */
	struct evloop_source ctl;	/* wakes the thread to stop */
	pthread_t thread;
	atomic_bool stopping;
};

/* Setup: a device of these ops (features: the device type's bits; the
 * transport adds VERSION_1, EVENT_IDX and INDIRECT_DESC) on the board, with
 * its ioeventfds, irqfd and I/O thread.  Dies on failure. */
void virtio__create(struct kvm *kvm, struct virtio_dev *vd, const struct virtio_dev_ops *ops,
		    uint64_t features, void *priv);

/* --- for the device types, on the I/O thread (lock held) --- */

bool virtio__has(const struct virtio_dev *vd, unsigned int feature);
/* The next chain of queue q: 1, 0 when none, -1 when the ring is
 * malformed (the device is now broken; stop using it). */
int virtio__pop(struct virtio_dev *vd, unsigned int q, struct virtq_chain *c);
void virtio__push(struct virtio_dev *vd, unsigned int q, uint16_t head, uint32_t len);
/* Publish what was pushed and interrupt the guest if it asked (2.7.7). */
void virtio__done(struct virtio_dev *vd, unsigned int q);
/* Ask for the next kick; true if buffers arrived meanwhile (pop again). */
bool virtio__rearm(struct virtio_dev *vd, unsigned int q);
/* A malformed request: DEVICE_NEEDS_RESET, logged once. */
void virtio__broken(struct virtio_dev *vd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Whether the queues may be used: DRIVER_OK and not broken. */
bool virtio__running(const struct virtio_dev *vd);
/* Watch a backend fd on the I/O thread's loop (setup, or from a callback). */
void virtio__watch(struct virtio_dev *vd, struct evloop_source *src);

/* --- any thread --- */

/* Make the I/O thread look at queue q (as a kick would). */
void virtio__kick(struct virtio_dev *vd, unsigned int q);

#endif
