/*
 * A fake SMCCC platform (policy/service.h) for the unit tests: NR_CPUS vCPUs
 * with the VMM's MPIDR layout and power state (vCPU 0 on), one RAM window,
 * and a record of every effect.  cpu_on is atomic like the VMM's, so racing
 * threads can use it.  Include once per test program.
 */
#ifndef TESTS_FAKE_PLATFORM_H
#define TESTS_FAKE_PLATFORM_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "service.h"

#define NR_CPUS		20
#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	0x10000000ULL

struct fake {
	pthread_mutex_t lock;
	bool on[NR_CPUS];
	/* What the services asked for, last call wins. */
	unsigned nr_cpu_on, nr_cpu_off, nr_system_off, nr_reset;
	unsigned on_target, off_self;
	uint64_t on_entry, on_context;
	enum smccc_reset_kind reset_kind;
	int cpu_on_error;		/* cpu_on() fails with this when nonzero */
	int entropy_error;		/* entropy() fails with this when nonzero */
	unsigned char entropy_byte;	/* entropy() fills with this, then counts up */
	size_t entropy_asked;
};

static struct fake fake;
static uint64_t fake_mpidr[NR_CPUS];

/* As the VMM lays them out: Aff0 = i % 16, Aff1 = i / 16, bit 31 RES1. */
static inline uint64_t cpu_mpidr(unsigned i)
{
	return 0x80000000ULL | ((uint64_t)(i / 16) << 8) | (i % 16);
}

static int fake_cpu_on(void *ctx, unsigned int target, uint64_t entry, uint64_t context_id)
{
	struct fake *f = ctx;
	int r = 0;

	pthread_mutex_lock(&f->lock);
	if (f->cpu_on_error) {
		r = f->cpu_on_error;
	} else if (f->on[target]) {
		r = -EALREADY;
	} else {
		f->on[target] = true;
		f->nr_cpu_on++;
		f->on_target = target;
		f->on_entry = entry;
		f->on_context = context_id;
	}
	pthread_mutex_unlock(&f->lock);
	return r;
}

static void fake_cpu_off(void *ctx, unsigned int self)
{
	struct fake *f = ctx;

	pthread_mutex_lock(&f->lock);
	f->on[self] = false;
	f->nr_cpu_off++;
	f->off_self = self;
	pthread_mutex_unlock(&f->lock);
}

static bool fake_cpu_is_on(void *ctx, unsigned int cpu)
{
	struct fake *f = ctx;
	bool on;

	pthread_mutex_lock(&f->lock);
	on = f->on[cpu];
	pthread_mutex_unlock(&f->lock);
	return on;
}

static void fake_system_off(void *ctx)
{
	((struct fake *)ctx)->nr_system_off++;
}

static void fake_system_reset(void *ctx, enum smccc_reset_kind kind)
{
	struct fake *f = ctx;

	f->nr_reset++;
	f->reset_kind = kind;
}

static int fake_entropy(void *ctx, void *buf, size_t len)
{
	struct fake *f = ctx;
	unsigned char *b = buf;

	f->entropy_asked = len;
	if (f->entropy_error)
		return f->entropy_error;
	for (size_t i = 0; i < len; i++)
		b[i] = f->entropy_byte++;
	return 0;
}

static const struct smccc_platform_ops fake_ops = {
	.cpu_on = fake_cpu_on,
	.cpu_off = fake_cpu_off,
	.cpu_is_on = fake_cpu_is_on,
	.system_off = fake_system_off,
	.system_reset = fake_system_reset,
	.entropy = fake_entropy,
};

static struct smccc_platform fake_plat = {
	.ops = &fake_ops, .ctx = &fake, .nr_cpus = NR_CPUS, .mpidr = fake_mpidr,
	.ram_base = RAM_BASE, .ram_size = RAM_SIZE,
};

/* Boot state: vCPU 0 on, the others off, nothing recorded. */
static void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	pthread_mutex_init(&fake.lock, NULL);
	fake.on[0] = true;
	for (unsigned i = 0; i < NR_CPUS; i++)
		fake_mpidr[i] = cpu_mpidr(i);
}

#endif
