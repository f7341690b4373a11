/*
 * The MMIO bus: device windows sorted by address; an exit's address is found
 * by binary search.  Windows are added at setup only, so vCPU threads read
 * the table without a lock.  An access outside every window reads as zero
 * and is logged once per address (a bounded number of addresses).
 */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include <stdbool.h>
#include <stdint.h>

struct mmio_bus;

/* offset is from the window's base; data holds len (1..8) bytes. */
typedef void (*mmio_fn)(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
			bool is_write);

struct mmio_bus *mmio__create(void);
/* Setup only.  0, -EEXIST when the window overlaps another, -ENOMEM. */
int mmio__add(struct mmio_bus *bus, uint64_t base, uint64_t size, mmio_fn fn, void *opaque);
/* From a vCPU's KVM_EXIT_MMIO. */
void mmio__access(struct mmio_bus *bus, uint64_t addr, uint8_t *data, uint32_t len,
		  bool is_write);

#endif
