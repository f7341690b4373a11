/*
 * The board: where each kind of device sits in the guest's address map and
 * which interrupt it has (layout.h; QEMU virt's layout, so guests and habits
 * carry over).  Windows are handed out in order at setup.
 */
#include <errno.h>

#include "../arch.h"
#include "../util.h"
#include "layout.h"

static const struct board_slot_def {
	uint64_t base, size;
	unsigned int spi, count;
	bool edge;
} slots[] = {
	/* The 16550's line is a level computed from its registers. */
	[BOARD_SLOT_UART] = { ARM64_UART_BASE, ARM64_UART_SIZE, ARM64_UART_SPI, 1, false },
	/* virtio-mmio interrupts arrive as irqfd pulses: edge-triggered, as in
	 * QEMU virt and kvmtool (a plain irqfd never lowers a line). */
	[BOARD_SLOT_VIRTIO_MMIO] = { ARM64_VIRTIO_BASE, ARM64_VIRTIO_SIZE, ARM64_VIRTIO_SPI,
				     ARM64_VIRTIO_COUNT, true },
};

static unsigned int used[ARRAY_SIZE(slots)];

int board__alloc(enum board_slot kind, struct board_window *w)
{
	const struct board_slot_def *d = &slots[kind];
	unsigned int i;

	if ((size_t)kind >= ARRAY_SIZE(slots) || used[kind] == d->count)
		return -ENOSPC;
	i = used[kind]++;
	*w = (struct board_window){
		.base = d->base + i * d->size,
		.size = d->size,
		.irq = d->spi + i,
		.irq_edge = d->edge,
	};
	return 0;
}

uint64_t board__ram_base(void)
{
	return ARM64_RAM_BASE;
}

unsigned int board__max_cpus(void)
{
	return ARM64_MAX_CPUS_BY_GICR;
}
