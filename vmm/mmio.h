/* The MMIO bus: devices register a range; everything else reads as zero. */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include <stdbool.h>
#include <stdint.h>


typedef void (*mmio_fn)(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
			bool is_write);

/* Setup only (the table is read without locks once vCPUs run). */
int mmio__register(uint64_t base, uint64_t size, mmio_fn fn, void *opaque);
void mmio__access(uint64_t addr, uint8_t *data, uint32_t len, bool is_write);

#endif
