/*
 * libFuzzer harness: the split virtqueue's device side (vmm/virtio/queue.c)
 * on guest RAM the input fills, rings and descriptors included.
 * Invariants: no access outside guest RAM (ASan), every iovec a chain yields
 * lies inside guest RAM, its lengths add up, a chain is never longer than
 * the caller's array, and a malformed ring is reported, not followed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "virtio/queue.h"

#define GPA		0x40000000ULL
#define RAM		(32 * 1024)
#define MAX_CHAIN	64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t ram[RAM] __attribute__((aligned(4096)));
	struct guest_mem mem = { ram, GPA, RAM };
	struct iovec iov[MAX_CHAIN];
	struct virtq_chain c = { .iov = iov, .max = MAX_CHAIN };
	struct virtq q;
	uint16_t qsize;
	bool event_idx;

	if (size < 2)
		return 0;
	/* Byte 0: the queue size (2..256) and EVENT_IDX; the rest is RAM, with
	 * the rings where a driver would put them. */
	qsize = (uint16_t)(2u << (data[0] & 7));
	event_idx = data[0] & 0x80;
	memset(ram, 0, sizeof(ram));
	memcpy(ram, data + 1, size - 1 < RAM ? size - 1 : RAM);
	if (virtq__enable(&q, &mem, qsize, GPA, GPA + 0x1000, GPA + 0x2000, event_idx))
		abort();	/* these addresses are valid for every size here */
	for (int i = 0; i < 64; i++) {
		const char *why = NULL;
		uint64_t out = 0, in = 0;
		int r = virtq__pop(&q, &c, &why);

		if (r < 0) {
			if (!why)
				abort();
			break;
		}
		if (r == 0)
			break;
		if (c.nr_out + c.nr_in > MAX_CHAIN || c.head >= qsize)
			abort();
		for (unsigned int k = 0; k < c.nr_out + c.nr_in; k++) {
			const uint8_t *b = iov[k].iov_base;

			if (iov[k].iov_len && (b < ram || b + iov[k].iov_len > ram + RAM))
				abort();
			*(k < c.nr_out ? &out : &in) += iov[k].iov_len;
		}
		if (out != c.out_len || in != c.in_len)
			abort();
		virtq__push(&q, c.head, (uint32_t)c.in_len);
		if (i & 1) {
			virtq__publish(&q);
			virtq__need_notify(&q);
		}
	}
	virtq__publish(&q);
	virtq__need_notify(&q);
	virtq__rearm(&q);
	return 0;
}
