/* The MMIO bus (mmio.h). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "mmio.h"
#include "util.h"

/* Unknown addresses remembered for log-once; a hostile guest cannot grow it. */
#define MMIO_UNKNOWN_LOGGED	64

struct mmio_window {
	uint64_t base, size;
	mmio_fn fn;
	void *opaque;
};

struct mmio_bus {
	struct mmio_window *w;		/* sorted by base, disjoint */
	size_t n;

	/* Addresses already logged: appended under unknown_lock, read without
	 * it, so an access to a known stray address (a guest polling one, the
	 * benchmark's null exit) takes no lock shared by all vCPUs. */
	pthread_mutex_t unknown_lock;
	_Atomic uint64_t unknown[MMIO_UNKNOWN_LOGGED];
	atomic_uint nr_unknown;
	atomic_bool overflow_said;
};

struct mmio_bus *mmio__create(void)
{
	struct mmio_bus *bus = calloc(1, sizeof(*bus));

	if (bus)
		pthread_mutex_init(&bus->unknown_lock, NULL);
	return bus;
}

int mmio__add(struct mmio_bus *bus, uint64_t base, uint64_t size, mmio_fn fn, void *opaque)
{
	struct mmio_window *w;
	size_t i;

	if (!size || base + size - 1 < base)
		return -EINVAL;
	for (i = 0; i < bus->n && bus->w[i].base < base; i++)
		;
	if ((i > 0 && bus->w[i - 1].base + bus->w[i - 1].size > base) ||
	    (i < bus->n && base + size > bus->w[i].base))
		return -EEXIST;
	w = realloc(bus->w, (bus->n + 1) * sizeof(*w));
	if (!w)
		return -ENOMEM;
	memmove(&w[i + 1], &w[i], (bus->n - i) * sizeof(*w));
	w[i] = (struct mmio_window){ base, size, fn, opaque };
	bus->w = w;
	bus->n++;
	return 0;
}

/* The window holding addr, or NULL. */
static const struct mmio_window *find(const struct mmio_bus *bus, uint64_t addr)
{
	size_t lo = 0, hi = bus->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bus->w[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || addr - bus->w[lo - 1].base >= bus->w[lo - 1].size)
		return NULL;
	return &bus->w[lo - 1];
}

static bool unknown_seen(struct mmio_bus *bus, uint64_t addr)
{
	unsigned int n = atomic_load_explicit(&bus->nr_unknown, memory_order_acquire);

	for (unsigned int i = 0; i < n; i++)
		if (atomic_load_explicit(&bus->unknown[i], memory_order_relaxed) == addr)
			return true;
	return false;
}

static void log_unknown(struct mmio_bus *bus, uint64_t addr, uint32_t len, bool is_write)
{
	bool say = false, say_overflow = false;
	unsigned int n;

	if (unknown_seen(bus, addr) || atomic_load_explicit(&bus->overflow_said, memory_order_relaxed))
		return;
	pthread_mutex_lock(&bus->unknown_lock);
	n = atomic_load_explicit(&bus->nr_unknown, memory_order_relaxed);
	if (unknown_seen(bus, addr)) {
		/* another vCPU logged it meanwhile */
	} else if (n < MMIO_UNKNOWN_LOGGED) {
		atomic_store_explicit(&bus->unknown[n], addr, memory_order_relaxed);
		atomic_store_explicit(&bus->nr_unknown, n + 1, memory_order_release);
		say = true;
	} else if (!atomic_load_explicit(&bus->overflow_said, memory_order_relaxed)) {
		atomic_store_explicit(&bus->overflow_said, true, memory_order_relaxed);
		say_overflow = true;
	}
	pthread_mutex_unlock(&bus->unknown_lock);

	if (say)
		pr_err("MMIO: guest %s of %u bytes at 0x%llx: no device there (%s)",
		       is_write ? "write" : "read", len, (unsigned long long)addr,
		       is_write ? "ignored" : "reads as 0");
	if (say_overflow)
		pr_err("MMIO: more than %d unknown addresses, no longer logging them",
		       MMIO_UNKNOWN_LOGGED);
}

void mmio__access(struct mmio_bus *bus, uint64_t addr, uint8_t *data, uint32_t len,
		  bool is_write)
{
	const struct mmio_window *w = find(bus, addr);

	if (len > 8)
		len = 8;
	/* An access that starts in a window but runs past its end is stray. */
	if (w && len <= w->size - (addr - w->base)) {
		w->fn(w->opaque, addr - w->base, data, len, is_write);
		return;
	}
	if (!is_write)
		memset(data, 0, len);
	log_unknown(bus, addr, len, is_write);
}
