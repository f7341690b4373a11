/*
 * Split virtqueues (virtio 1.2, 2.7), the device's side, over guest memory
 * given as one window.  Pure C with no KVM or threads, so the descriptor
 * walker can be unit-tested and fuzzed: everything the guest wrote is
 * validated before it is used, and a malformed ring is reported (the caller
 * marks the device DEVICE_NEEDS_RESET), never followed.
 *
 * One thread uses a queue at a time (the device's I/O thread, or the vCPU
 * thread that resets it under the device's lock).
 */
#ifndef VMM_VIRTIO_QUEUE_H
#define VMM_VIRTIO_QUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#define VIRTQ_MAX_SIZE		32768	/* 2.7: a power of 2, at most 32768 */

/* Guest RAM as one window of host memory. */
struct guest_mem {
	uint8_t *hva;
	uint64_t gpa, size;
};

/* Host pointer for [gpa, gpa + len), or NULL if not all of it is RAM. */
void *guest_mem__ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);

struct virtq {
	uint16_t size;			/* 0: not enabled */
	bool event_idx;			/* VIRTIO_F_EVENT_IDX negotiated */
	const struct guest_mem *mem;
	uint8_t *desc, *avail, *used;	/* checked to lie in RAM at enable */
	uint16_t last_avail;		/* the next available entry to take */
	uint16_t used_idx;		/* the next used entry to fill */
	uint16_t published;		/* used.idx as the driver sees it */
	uint16_t signalled;		/* used.idx at the last notify decision */
	bool signalled_valid;
};

/* A descriptor chain: device-readable buffers first, then writable ones. */
struct virtq_chain {
	uint16_t head;
	unsigned int nr_out, nr_in;
	uint64_t out_len, in_len;	/* bytes readable, writable */
	struct iovec *iov;		/* the caller's array ... */
	unsigned int max;		/* ... of this many entries */
};

/*
 * Start using a queue the driver set up: size a power of 2 <= VIRTQ_MAX_SIZE,
 * the three parts aligned (2.7, table) and inside RAM.  0 or -EINVAL.
 */
int virtq__enable(struct virtq *q, const struct guest_mem *mem, uint16_t size,
		  uint64_t desc, uint64_t avail, uint64_t used, bool event_idx);
void virtq__disable(struct virtq *q);
/*
 * The next available chain into c: 1, 0 when there is none, or -EINVAL with
 * *why when the ring or the chain is malformed (the queue must not be used
 * again until the driver resets the device).
 */
int virtq__pop(struct virtq *q, struct virtq_chain *c, const char **why);
/* Put a chain back (nothing was done with it): the next pop returns it. */
void virtq__unpop(struct virtq *q);
/* Fill the next used entry (2.7.8); the driver sees it after publish. */
void virtq__push(struct virtq *q, uint16_t head, uint32_t len);
/* Make the pushed entries visible (release), in one used.idx update. */
void virtq__publish(struct virtq *q);
/* After publishing: whether the driver asked to be interrupted (2.7.7.2). */
bool virtq__need_notify(struct virtq *q);
/* Before going idle: ask for the driver's next kick (2.7.10); true when
 * buffers arrived meanwhile and the caller must pop again. */
bool virtq__rearm(struct virtq *q);

/* Bytes between iovecs and flat buffers, skipping the first offset bytes.
 * The number of bytes copied. */
size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t offset, void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, unsigned int n, size_t offset, const void *buf,
		    size_t len);

#endif
