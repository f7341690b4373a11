#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "mmio.h"
#include "util.h"

#define MMIO_MAX_DEVICES	8
/* Unknown addresses remembered for log-once; a hostile guest cannot grow it. */
#define MMIO_UNKNOWN_LOGGED	64

static struct mmio_region {
	uint64_t base, size;
	mmio_fn fn;
	void *opaque;
} regions[MMIO_MAX_DEVICES];
static unsigned int nr_regions;

static pthread_mutex_t unknown_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t unknown[MMIO_UNKNOWN_LOGGED];
static unsigned int nr_unknown;

int mmio__register(uint64_t base, uint64_t size, mmio_fn fn, void *opaque)
{
	if (nr_regions == MMIO_MAX_DEVICES)
		return -ENOSPC;
	regions[nr_regions++] = (struct mmio_region){ base, size, fn, opaque };
	return 0;
}

static void log_unknown(uint64_t addr, uint32_t len, bool is_write)
{
	static bool overflow_said;
	bool seen = false, say = false, say_overflow = false;

	pthread_mutex_lock(&unknown_lock);
	for (unsigned int i = 0; i < nr_unknown && !seen; i++)
		seen = unknown[i] == addr;
	if (!seen && nr_unknown < MMIO_UNKNOWN_LOGGED) {
		unknown[nr_unknown++] = addr;
		say = true;
	} else if (!seen && !overflow_said) {
		overflow_said = say_overflow = true;
	}
	pthread_mutex_unlock(&unknown_lock);

	if (say)
		pr_err("MMIO: guest %s of %u bytes at 0x%llx: no device there (%s)",
		       is_write ? "write" : "read", len, (unsigned long long)addr,
		       is_write ? "ignored" : "reads as 0");
	if (say_overflow)
		pr_err("MMIO: more than %d unknown addresses, no longer logging them",
		       MMIO_UNKNOWN_LOGGED);
}

void mmio__access(uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	for (unsigned int i = 0; i < nr_regions; i++) {
		struct mmio_region *r = &regions[i];

		if (addr >= r->base && addr - r->base < r->size && len <= r->size - (addr - r->base)) {
			r->fn(r->opaque, addr - r->base, data, len, is_write);
			return;
		}
	}
	if (!is_write)
		memset(data, 0, len > 8 ? 8 : len);
	log_unknown(addr, len, is_write);
}
