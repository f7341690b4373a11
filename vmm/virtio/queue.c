/* Split virtqueues (queue.h).  Section numbers: virtio 1.2. */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <linux/virtio_ring.h>

#include "queue.h"

#define VIRTQ_DESC_SIZE			sizeof(struct vring_desc)	/* 16 */
#define VIRTQ_USED_ELEM_SIZE		sizeof(struct vring_used_elem)	/* 8 */

void *guest_mem__ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	if (gpa < m->gpa || len > m->size || gpa - m->gpa > m->size - len)
		return NULL;
	return m->hva + (gpa - m->gpa);
}

/* Ring fields are little-endian and shared with the guest: each is loaded
 * or stored once, whole (an aligned 16-bit access is single-copy atomic). */
static uint16_t load16(const uint8_t *p)
{
	return le16toh(__atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_RELAXED));
}

static void store16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)(void *)p, htole16(v), __ATOMIC_RELAXED);
}

static void store32(uint8_t *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)(void *)p, htole32(v), __ATOMIC_RELAXED);
}

/* avail: flags, idx, ring[size], used_event.  used: flags, idx,
 * ring[size] of { id, len }, avail_event (2.7.6, 2.7.8). */
#define AVAIL_IDX(q)		((q)->avail + 2)
#define AVAIL_RING(q, i)	((q)->avail + 4 + 2 * (i))
#define USED_EVENT(q)		((q)->avail + 4 + 2 * (q)->size)
#define USED_FLAGS(q)		((q)->used)
#define USED_IDX(q)		((q)->used + 2)
#define USED_ELEM(q, i)		((q)->used + 4 + VIRTQ_USED_ELEM_SIZE * (i))
#define AVAIL_EVENT(q)		((q)->used + 4 + VIRTQ_USED_ELEM_SIZE * (q)->size)

int virtq__enable(struct virtq *q, const struct guest_mem *mem, uint16_t size,
		  uint64_t desc, uint64_t avail, uint64_t used, bool event_idx)
{
	memset(q, 0, sizeof(*q));
	/* 2.7: sizes and alignments of the three parts. */
	if (!size || size > VIRTQ_MAX_SIZE || (size & (size - 1)) ||
	    desc % 16 || avail % 2 || used % 4)
		return -EINVAL;
	q->desc = guest_mem__ptr(mem, desc, (uint64_t)VIRTQ_DESC_SIZE * size);
	q->avail = guest_mem__ptr(mem, avail, 6 + 2ULL * size);
	q->used = guest_mem__ptr(mem, used, 6 + (uint64_t)VIRTQ_USED_ELEM_SIZE * size);
	if (!q->desc || !q->avail || !q->used)
		return -EINVAL;
	q->size = size;
	q->mem = mem;
	q->event_idx = event_idx;
	/* The driver zeroes the rings before QueueReady (2.7.6): both sides
	 * start from index 0. */
	q->last_avail = q->used_idx = q->published = 0;
	return 0;
}

void virtq__disable(struct virtq *q)
{
	memset(q, 0, sizeof(*q));
}

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static struct desc read_desc(const uint8_t *table, unsigned int i)
{
	const uint8_t *p = table + (size_t)VIRTQ_DESC_SIZE * i;
	struct desc d;
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;

	memcpy(&addr, p, 8);
	memcpy(&len, p + 8, 4);
	memcpy(&flags, p + 12, 2);
	memcpy(&next, p + 14, 2);
	d.addr = le64toh(addr);
	d.len = le32toh(len);
	d.flags = le16toh(flags);
	d.next = le16toh(next);
	return d;
}

#define BAD(msg) do { *why = (msg); return -EINVAL; } while (0)

/* Walk the chain from head into c (2.7.4, 2.7.5). */
static int walk(struct virtq *q, uint16_t head, struct virtq_chain *c, const char **why)
{
	const uint8_t *table = q->desc;
	unsigned int table_size = q->size, seen = 0, i = head;
	bool indirect = false;

	c->head = head;
	c->nr_out = c->nr_in = 0;
	c->out_len = c->in_len = 0;
	for (;;) {
		struct desc d;
		void *p;

		/* A chain visits each descriptor of its table once at most:
		 * more means a loop (2.7.5.2 forbids them). */
		if (++seen > table_size)
			BAD("descriptor chain loops");
		d = read_desc(table, i);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			/* 2.7.5.3: one table per chain, not chained on, whole
			 * descriptors, in RAM; its WRITE flag is ignored. */
			if (indirect)
				BAD("an indirect descriptor inside an indirect table");
			if (d.flags & VRING_DESC_F_NEXT)
				BAD("an indirect descriptor with NEXT set");
			if (!d.len || d.len % VIRTQ_DESC_SIZE || d.len / VIRTQ_DESC_SIZE > VIRTQ_MAX_SIZE)
				BAD("an indirect table whose length is not whole descriptors");
			table = guest_mem__ptr(q->mem, d.addr, d.len);
			if (!table)
				BAD("an indirect table outside guest RAM");
			table_size = d.len / VIRTQ_DESC_SIZE;
			indirect = true;
			seen = 0;
			i = 0;
			continue;
		}
		p = d.len ? guest_mem__ptr(q->mem, d.addr, d.len) : NULL;
		if (d.len && !p)
			BAD("a buffer outside guest RAM");
		if (d.flags & VRING_DESC_F_WRITE) {
			c->in_len += d.len;
			c->nr_in++;
		} else {
			/* 2.7.4.2: readable buffers come first. */
			if (c->nr_in)
				BAD("a device-readable buffer after a writable one");
			c->out_len += d.len;
			c->nr_out++;
		}
		if (c->nr_out + c->nr_in > c->max)
			BAD("a chain longer than the device accepts");
		/* 2.7.5.2: a chain's total is at most 2^32 bytes. */
		if (c->out_len + c->in_len > 0x100000000ULL)
			BAD("a chain of more than 4 GiB");
		c->iov[c->nr_out + c->nr_in - 1] = (struct iovec){ .iov_base = p, .iov_len = d.len };
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 1;
		i = d.next;
		if (i >= table_size)
			BAD("a descriptor's next is past the table");
	}
}

int virtq__pop(struct virtq *q, struct virtq_chain *c, const char **why)
{
	uint16_t avail_idx, head;

	if (!q->size)
		return 0;
	avail_idx = load16(AVAIL_IDX(q));
	if (avail_idx == q->last_avail)
		return 0;
	/* 2.7.13.3: the driver publishes ring entries before the index. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if ((uint16_t)(avail_idx - q->last_avail) > q->size)
		BAD("the available index moved by more than the queue size");
	head = load16(AVAIL_RING(q, q->last_avail % q->size));
	if (head >= q->size)
		BAD("an available entry names no descriptor");
	if (walk(q, head, c, why) < 0)
		return -EINVAL;
	q->last_avail++;
	return 1;
}

void virtq__unpop(struct virtq *q)
{
	q->last_avail--;
}

void virtq__push(struct virtq *q, uint16_t head, uint32_t len)
{
	uint8_t *e = USED_ELEM(q, q->used_idx % q->size);

	store32(e, head);
	store32(e + 4, len);
	q->used_idx++;
}

void virtq__publish(struct virtq *q)
{
	if (q->published == q->used_idx)
		return;
	/* 2.7.8.2: the entries (and the buffers' contents) before the index. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	store16(USED_IDX(q), q->used_idx);
	q->published = q->used_idx;
}

bool virtq__need_notify(struct virtq *q)
{
	uint16_t old = q->signalled;
	bool valid = q->signalled_valid;

	/* The used index store before reading what the driver asked for. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->signalled = q->published;
	q->signalled_valid = true;
	if (!q->event_idx)
		return !(load16(q->avail) & VRING_AVAIL_F_NO_INTERRUPT);
	if (!valid)
		return true;
	return vring_need_event(load16(USED_EVENT(q)), q->published, old);
}

bool virtq__rearm(struct virtq *q)
{
	if (!q->size)
		return false;
	if (q->event_idx)
		store16(AVAIL_EVENT(q), q->last_avail);
	else
		store16(USED_FLAGS(q), 0);
	/* The request for a kick before looking again: a buffer added in
	 * between is either seen here or kicked (2.7.10). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return load16(AVAIL_IDX(q)) != q->last_avail;
}

size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t offset, void *buf, size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t l = iov[i].iov_len, chunk;

		if (offset >= l) {
			offset -= l;
			continue;
		}
		chunk = l - offset < len - done ? l - offset : len - done;
		memcpy((uint8_t *)buf + done, (uint8_t *)iov[i].iov_base + offset, chunk);
		done += chunk;
		offset = 0;
	}
	return done;
}

size_t iov_from_buf(const struct iovec *iov, unsigned int n, size_t offset, const void *buf,
		    size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t l = iov[i].iov_len, chunk;

		if (offset >= l) {
			offset -= l;
			continue;
		}
		chunk = l - offset < len - done ? l - offset : len - done;
		memcpy((uint8_t *)iov[i].iov_base + offset, (const uint8_t *)buf + done, chunk);
		done += chunk;
		offset = 0;
	}
	return done;
}
