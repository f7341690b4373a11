/*
 * hostile: a guest that misbehaves on purpose.  The VMM must neither crash
 * nor hang, and must exit 0 after the final SYSTEM_OFF; each TAP line only
 * says the guest is still running after its step and the step's results
 * are sane.
 *
 * Bootargs (space-separated key=value tokens; numbers 0x-hex or decimal):
 *
 *   flood=N      calls in the upper-32 PSCI_VERSION flood (default 20000)
 *   crash=nisv   instead of the steps, load a pair of registers from
 *                unmapped MMIO: an access KVM cannot decode (no valid
 *                syndrome), which must end the VMM as a guest crash
 *   virtio=N     instead of the steps, attack the N virtio-mmio devices of
 *                the DTB (below)
 *   console_flood=1  instead of the steps, print lines to the console
 *                until the VMM is stopped from outside (a reader that never
 *                reads must not wedge the VMM)
 *
 * Steps (plan 1..4), all calls through the DTB's /psci method conduit:
 *   1. 2000 calls with pseudo-random X0..X7 (xorshift64, all 64 bits),
 *      skipping draws whose W0 is a PSCI function other than PSCI_VERSION
 *      (0x84000001-0x8400001F, 0xC4000001-0xC400001F) or in KVM's Arm
 *      Architecture ranges (0x80000000-0x8000FFFF, 0xC0000000-0xC000FFFF).
 *      Diag: "# garbage: N calls, M NOT_SUPPORTED".
 *   2. flood= calls with X0 = 0x184000000 (PSCI_VERSION | 1 << 32): each
 *      must return NOT_SUPPORTED (the scenario forwards PSCI to the VMM).
 *   3. PSCI calls with bad arguments: every result must be negative.
 *      Diag per call: "# bad-args: CALL -> RESULT".
 *   4. MMIO at unmapped addresses between the devices and RAM: 4- and
 *      8-byte reads and writes; reads must return 0.  Then 1000 more
 *      accesses to the first address.  Diag per address:
 *      "# mmio: 0xADDR read32 0xV read64 0xV, after writes read32 0xV read64 0xV",
 *      then "# mmio: 1000 more accesses at 0xADDR; N reads in all were not 0".
 *
 * virtio=N (plan N + 2): for each virtio-mmio device, a valid request
 * first (it must complete), then malformed rings on the queue the device
 * reads on a kick (a head past the table, a descriptor loop, next past the
 * table, buffers outside RAM or running past its end, an indirect table in
 * an indirect table, one that is not whole descriptors, a chain longer than
 * any queue, the available index jumping; for a disk also a request with no
 * status byte): each must make the device set DEVICE_NEEDS_RESET (the guest
 * resets it before the next).  Then a notification flood on a healthy
 * device (200000 kicks, 20000 for a queue that does not exist), after which
 * it must still work, and stray accesses to the transport's registers.
 */
#include "guest.h"
#include "policy/smccc.h"

#define DEFAULT_FLOOD	20000
#define GARBAGE_CALLS	2000
#define GARBAGE_SHOWN	8	/* answers other than NOT_SUPPORTED to print */
#define MMIO_REPEAT	1000

#define NOT_SUPPORTED	((u64)(s64)SMCCC_RET_NOT_SUPPORTED)

static enum conduit conduit;

static u64 xorshift64(u64 *s)
{
	u64 x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static int in_range(u32 w, u32 first, u32 last)
{
	return w >= first && w <= last;
}

/* Draws whose W0 could power off, reset, suspend or start CPUs, or that
 * KVM handles itself (the Arm Architecture workarounds). */
static int garbage_excluded(u64 x0)
{
	u32 w = (u32)x0;

	return in_range(w, PSCI_FID32_FIRST + 1, PSCI_FID32_LAST) ||
	       in_range(w, PSCI_FID64_FIRST + 1, PSCI_FID64_LAST) ||
	       in_range(w, SMCCC_KVM_RESERVED32_FIRST, SMCCC_KVM_RESERVED32_LAST) ||
	       in_range(w, SMCCC_KVM_RESERVED64_FIRST, SMCCC_KVM_RESERVED64_LAST);
}

static void step_garbage(void)
{
	u64 seed = 0x9E3779B97F4A7C15ULL, x[8], a0;
	unsigned int i, j, nsup = 0, shown = 0, redrawn = 0;

	tap_diag("garbage: xorshift64 seed 0x%llx", (unsigned long long)seed);
	for (i = 0; i < GARBAGE_CALLS; i++) {
		for (x[0] = xorshift64(&seed); garbage_excluded(x[0]);
		     x[0] = xorshift64(&seed))
			redrawn++;
		for (j = 1; j < 8; j++)
			x[j] = xorshift64(&seed);
		a0 = smccc_call(conduit, x[0], x[1], x[2], x[3], x[4], x[5],
				x[6], x[7]).a0;
		if (a0 == NOT_SUPPORTED) {
			nsup++;
		} else if (shown < GARBAGE_SHOWN) {
			char b[40];

			shown++;
			tap_diag("garbage answer: X0=0x%016llx -> %s",
				 (unsigned long long)x[0], psci_ret_show(b, a0));
		}
	}
	if (redrawn)
		tap_diag("garbage: %u excluded draws replaced", redrawn);
	tap_diag("garbage: %u calls, %u NOT_SUPPORTED", GARBAGE_CALLS, nsup);
	tap_ok(1, "%u calls with random X0..X7 all returned", GARBAGE_CALLS);
}

static void step_flood(u64 n)
{
	u64 x0 = (u64)PSCI_VERSION | 1ULL << 32, i, bad = 0, first_bad = 0;
	u64 t0, t1, a0;
	char b[40];

	t0 = timer_count();
	for (i = 0; i < n; i++) {
		a0 = smccc0(conduit, x0, 0, 0, 0);
		if (a0 != NOT_SUPPORTED && !bad++)
			first_bad = a0;
	}
	t1 = timer_count();
	tap_diag("flood: %llu calls of X0=0x%llx in %llu us",
		 (unsigned long long)n, (unsigned long long)x0,
		 (unsigned long long)((t1 - t0) * 1000000ULL /
				      (timer_freq() ? timer_freq() : 1)));
	if (bad)
		tap_diag("flood: %llu calls did not return NOT_SUPPORTED (first: %s)",
			 (unsigned long long)bad, psci_ret_show(b, first_bad));
	tap_ok(!bad, "flood of %llu upper-32 PSCI_VERSION calls all NOT_SUPPORTED",
	       (unsigned long long)n);
}

static int bad_call(const char *what, u64 fid, u64 a1, u64 a2, u64 a3)
{
	u64 r = smccc0(conduit, fid, a1, a2, a3);
	char b[40];

	tap_diag("bad-args: %s -> %s", what, psci_ret_show(b, r));
	return (s64)r < 0;
}

static void step_bad_psci(const void *fdt)
{
	static u64 mpidr[GUEST_MAX_CPUS];
	u64 me = my_mpidr(), target = me, unknown = 0xff00;
	u64 entry = (u64)(uintptr_t)secondary_entry;
	u64 garbage = 0xDEADBEEFCAFEF00DULL;
	int self, n = fdt_cpus(fdt, mpidr, GUEST_MAX_CPUS, &self), i, all = 1;
	char what[120];

	/* A CPU that is off (the first other one), else ourselves. */
	for (i = 0; i < n; i++)
		if (mpidr[i] != me) {
			target = mpidr[i];
			break;
		}
	/* An affinity value no /cpus node has. */
	for (i = 0; i < n; i++)
		if (mpidr[i] == unknown) {
			unknown += 0x10000;
			i = -1;
		}

	all &= bad_call("CPU_ON_64(mpidr 0xffffffffffffffff, entry image)",
			PSCI_CPU_ON_64, ~0ULL, entry, 0);
	snprintf(what, sizeof(what), "CPU_ON_64(mpidr 0x%llx, entry 0xffffffffffffffff)",
		 (unsigned long long)target);
	all &= bad_call(what, PSCI_CPU_ON_64, target, ~0ULL, 0);
	snprintf(what, sizeof(what), "CPU_ON_64(unknown mpidr 0x%llx, entry 0)",
		 (unsigned long long)unknown);
	all &= bad_call(what, PSCI_CPU_ON_64, unknown, 0, 0);
	snprintf(what, sizeof(what), "AFFINITY_INFO_64(mpidr 0x%llx, level 7)",
		 (unsigned long long)me);
	all &= bad_call(what, PSCI_AFFINITY_INFO_64, me, 7, 0);
	snprintf(what, sizeof(what), "AFFINITY_INFO_64(mpidr 0x%llx, level 0)",
		 (unsigned long long)garbage);
	all &= bad_call(what, PSCI_AFFINITY_INFO_64, garbage, 0, 0);
	all &= bad_call("PSCI_FEATURES(0xffffffff)", PSCI_FEATURES, 0xFFFFFFFFULL, 0, 0);
	/* Architectural reset types other than 0 are reserved. */
	snprintf(what, sizeof(what), "SYSTEM_RESET2(reset_type 0x%x, cookie 0)",
		 ~PSCI_RESET2_VENDOR);
	all &= bad_call(what, PSCI_SYSTEM_RESET2, ~PSCI_RESET2_VENDOR, 0, 0);
	/* Last: a VMM that honours vendor resets would reset us here. */
	snprintf(what, sizeof(what), "SYSTEM_RESET2(reset_type 0x%x, cookie 0)",
		 PSCI_RESET2_VENDOR | 1);
	all &= bad_call(what, PSCI_SYSTEM_RESET2, PSCI_RESET2_VENDOR | 1, 0, 0);

	tap_ok(all, "PSCI calls with bad arguments all return errors");
}

/* Unmapped in the VMM's address map: past the virtio-mmio transports,
 * before RAM. */
static const u64 addrs[] = { 0x0B000000, 0x0C000000, 0x10000000, 0x3F000000 };

static void step_mmio(void)
{
	u64 nonzero = 0, a, r64, w64, i;
	u32 r32, w32;
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(addrs); k++) {
		a = addrs[k];
		r32 = mmio_read32(a);
		r64 = mmio_read64(a);
		nonzero += (r32 != 0) + (r64 != 0);
		mmio_write32(a, 0x5A5A5A5AU);
		mmio_write64(a, 0xA5A5A5A5A5A5A5A5ULL);
		w32 = mmio_read32(a);
		w64 = mmio_read64(a);
		nonzero += (w32 != 0) + (w64 != 0);
		tap_diag("mmio: 0x%08llx read32 0x%x read64 0x%llx, after writes read32 0x%x read64 0x%llx",
			 (unsigned long long)a, r32, (unsigned long long)r64, w32,
			 (unsigned long long)w64);
	}
	a = addrs[0];
	for (i = 0; i < MMIO_REPEAT; i++) {
		if (i & 1) {
			nonzero += mmio_read64(a) != 0;
			mmio_write64(a, i);
		} else {
			nonzero += mmio_read32(a) != 0;
			mmio_write32(a, (u32)i);
		}
	}
	tap_diag("mmio: %u more accesses at 0x%08llx; %llu reads in all were not 0",
		 MMIO_REPEAT, (unsigned long long)a, (unsigned long long)nonzero);
	tap_ok(!nonzero, "MMIO outside any device reads as 0 (%u addresses, 4 and 8 bytes)",
	       (unsigned int)ARRAY_SIZE(addrs));
}

/* ------------------------------------------------------------- virtio=N */

#define VIRTIO_WAIT_US	2000000
#define VIRTIO_FLOOD	200000
#define VIRTIO_BAD_KICKS 20000
#define LONG_CHAIN	300	/* more descriptors than any device's queue */

static u8 rings[4096] __attribute__((aligned(4096)));
static struct vdesc table[LONG_CHAIN] __attribute__((aligned(16)));
static u8 buf[256] __attribute__((aligned(16)));
static u64 ram_end;

static const char *vname(u32 id)
{
	switch (id) {
	case 1: return "virtio-net";
	case 2: return "virtio-blk";
	case 3: return "virtio-console";
	case 4: return "virtio-rng";
	default: return "virtio-?";
	}
}

/* The queue the device reads when kicked: transmit for net and console. */
static unsigned int kick_queue(u32 id)
{
	return id == 1 || id == 3 ? 1 : 0;
}

/* rng and a disk read write into the guest's buffers; net and console
 * transmit read from them. */
static u16 data_flags(u32 id)
{
	return id == 4 || id == 2 ? VDESC_F_WRITE : 0;
}

static void desc(struct vdesc *d, u64 addr, u32 len, u16 flags, u16 next)
{
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

static u64 pa(const void *p)
{
	return (u64)(uintptr_t)p;
}

/* A well-formed request for the device type in descriptors 0.. */
static void valid_request(struct vdev *d)
{
	switch (d->device_id) {
	case 2:	/* GET_ID: header, 20 bytes of id, status */
		memset(buf, 0, sizeof(buf));
		buf[0] = 8;
		desc(&d->desc[0], pa(buf), 16, VDESC_F_NEXT, 1);
		desc(&d->desc[1], pa(buf + 32), 20, VDESC_F_WRITE | VDESC_F_NEXT, 2);
		desc(&d->desc[2], pa(buf + 64), 1, VDESC_F_WRITE, 0);
		break;
	case 1:	/* a broadcast frame after the 12-byte header */
		memset(buf, 0, sizeof(buf));
		memset(buf + 12, 0xFF, 6);
		desc(&d->desc[0], pa(buf), 12 + 60, 0, 0);
		break;
	case 3:
		memcpy(buf, "hostile: a line through virtio-console\n", 39);
		desc(&d->desc[0], pa(buf), 39, 0, 0);
		break;
	default:
		desc(&d->desc[0], pa(buf), 16, VDESC_F_WRITE, 0);
		break;
	}
	vdev_offer(d, 0);
}

/* The malformed rings: each builds its descriptors and offers them. */
static void bad_head(struct vdev *d) { vdev_offer(d, VQ_SIZE + 3); }

static void bad_loop(struct vdev *d)
{
	u16 f = data_flags(d->device_id);

	desc(&d->desc[0], pa(buf), 16, f | VDESC_F_NEXT, 1);
	desc(&d->desc[1], pa(buf), 16, f | VDESC_F_NEXT, 0);
	vdev_offer(d, 0);
}

static void bad_next(struct vdev *d)
{
	desc(&d->desc[0], pa(buf), 16, data_flags(d->device_id) | VDESC_F_NEXT, 200);
	vdev_offer(d, 0);
}

static void bad_addr(struct vdev *d)
{
	desc(&d->desc[0], 0xFFFFFFFF0000ULL, 4096, data_flags(d->device_id), 0);
	vdev_offer(d, 0);
}

static void bad_len(struct vdev *d)
{
	desc(&d->desc[0], ram_end - 4096, 0x10000000, data_flags(d->device_id), 0);
	vdev_offer(d, 0);
}

static void bad_nested(struct vdev *d)
{
	desc(&table[0], pa(table), 16, VDESC_F_INDIRECT, 0);
	desc(&d->desc[0], pa(table), 32, VDESC_F_INDIRECT, 0);
	vdev_offer(d, 0);
}

static void bad_indirect_len(struct vdev *d)
{
	desc(&table[0], pa(buf), 16, data_flags(d->device_id), 0);
	desc(&d->desc[0], pa(table), 17, VDESC_F_INDIRECT, 0);
	vdev_offer(d, 0);
}

static void bad_long(struct vdev *d)
{
	for (u16 i = 0; i < LONG_CHAIN; i++)
		desc(&table[i], pa(buf), 8, data_flags(d->device_id) |
		     (i + 1 < LONG_CHAIN ? VDESC_F_NEXT : 0), (u16)(i + 1));
	desc(&d->desc[0], pa(table), LONG_CHAIN * 16, VDESC_F_INDIRECT, 0);
	vdev_offer(d, 0);
}

static void bad_avail_idx(struct vdev *d)
{
	desc(&d->desc[0], pa(buf), 16, data_flags(d->device_id), 0);
	d->avail[1] = (u16)(d->next_avail + 100);
	vdev_write(d->base, VMMIO_QUEUE_NOTIFY, d->queue);
}

static void bad_no_status(struct vdev *d)
{
	memset(buf, 0, 16);
	desc(&d->desc[0], pa(buf), 16, 0, 0);	/* a header, nothing writable */
	vdev_offer(d, 0);
}

static const struct attack {
	const char *what;
	void (*fn)(struct vdev *d);
	u32 only;		/* a device id, or 0: every device */
} attacks[] = {
	{ "a head past the table", bad_head, 0 },
	{ "a descriptor loop", bad_loop, 0 },
	{ "next past the table", bad_next, 0 },
	{ "a buffer outside RAM", bad_addr, 0 },
	{ "a buffer running past RAM's end", bad_len, 0 },
	{ "an indirect table in an indirect table", bad_nested, 0 },
	{ "an indirect table of 17 bytes", bad_indirect_len, 0 },
	{ "a chain of 300 descriptors", bad_long, 0 },
	{ "the available index jumping by 100", bad_avail_idx, 0 },
	{ "a block request without a status byte", bad_no_status, 2 },
};

static void attack_device(int i, u64 base)
{
	struct vdev d;
	const char *why = "";
	int ok = 1, n = 0;
	u32 id;

	if (vdev_start(&d, base, 0, rings, &why)) {
		tap_ok(0, "virtio device %d at 0x%llx: %s", i, (unsigned long long)base, why);
		return;
	}
	id = d.device_id;
	vdev_start(&d, base, kick_queue(id), rings, &why);
	valid_request(&d);
	if (!vdev_wait_used(&d, 1, VIRTIO_WAIT_US)) {
		tap_diag("%s at 0x%llx: the valid request was not completed", vname(id),
			 (unsigned long long)base);
		ok = 0;
	}
	for (unsigned int k = 0; k < ARRAY_SIZE(attacks); k++) {
		if (attacks[k].only && attacks[k].only != id)
			continue;
		if (vdev_start(&d, base, kick_queue(id), rings, &why)) {
			tap_diag("%s: cannot restart after a reset: %s", vname(id), why);
			ok = 0;
			break;
		}
		attacks[k].fn(&d);
		n++;
		if (!vdev_wait_status(&d, VSTATUS_NEEDS_RESET, VIRTIO_WAIT_US)) {
			tap_diag("%s at 0x%llx: %s did not set DEVICE_NEEDS_RESET", vname(id),
				 (unsigned long long)base, attacks[k].what);
			ok = 0;
		}
	}
	vdev_write(base, VMMIO_STATUS, 0);
	tap_ok(ok, "%s at 0x%llx: a valid request completes, each of %d malformed rings sets "
	       "DEVICE_NEEDS_RESET", vname(id), (unsigned long long)base, n);
}

/* 200000 kicks of a real queue (KVM's ioeventfd: no exit) and 20000 of a
 * queue that does not exist (an exit the VMM must shrug off); then the
 * device must still answer. */
static void flood_device(u64 base)
{
	struct vdev d;
	const char *why = "";
	int alive;

	if (vdev_start(&d, base, 0, rings, &why) ||
	    vdev_start(&d, base, kick_queue(d.device_id), rings, &why)) {
		tap_ok(0, "notification flood: %s", why);
		return;
	}
	for (unsigned int i = 0; i < VIRTIO_FLOOD; i++)
		vdev_write(base, VMMIO_QUEUE_NOTIFY, d.queue);
	for (unsigned int i = 0; i < VIRTIO_BAD_KICKS; i++)
		vdev_write(base, VMMIO_QUEUE_NOTIFY, 7);
	valid_request(&d);
	alive = vdev_wait_used(&d, 1, VIRTIO_WAIT_US);
	vdev_write(base, VMMIO_STATUS, 0);
	tap_ok(alive, "%s after %u kicks and %u kicks of a missing queue still completes "
	       "a request", vname(d.device_id), VIRTIO_FLOOD, VIRTIO_BAD_KICKS);
}

/* Widths, offsets and directions the transport does not define. */
static void stray(u64 base)
{
	u64 r8, r64;
	u32 cfg;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(r8) : "r"(base) : "memory");
	__asm__ volatile("ldr %x0, [%1]" : "=r"(r64) : "r"(base + VMMIO_STATUS) : "memory");
	cfg = vdev_read(base, 0x1FC);
	vdev_write(base, VMMIO_MAGIC, 0xDEADBEEF);
	vdev_write(base, 0x0F0, 0xDEADBEEF);
	vdev_write(base, VMMIO_QUEUE_SEL, 0xFFFF);
	vdev_write(base, VMMIO_QUEUE_READY, 1);
	vdev_write(base, VMMIO_STATUS, 0);
	tap_diag("stray: 1-byte magic 0x%llx, 8-byte status 0x%llx, config[0xfc] 0x%x",
		 (unsigned long long)r8, (unsigned long long)r64, cfg);
	tap_ok(vdev_read(base, VMMIO_MAGIC) == 0x74726976,
	       "stray accesses to the transport are ignored (magic still reads 'virt')");
}

static void step_virtio(const void *fdt, u64 n)
{
	u64 base, size;

	for (int i = 0; !fdt_memory(fdt, i, &base, &size); i++)
		if (base + size > ram_end)
			ram_end = base + size;
	for (int i = 0; i < (int)n; i++) {
		base = vdev_find(fdt, i);
		if (!base) {
			tap_ok(0, "virtio device %d: not in the device tree", i);
			continue;
		}
		attack_device(i, base);
	}
	base = vdev_find(fdt, 0);
	if (!base)
		tap_bail(fdt, "no virtio device for the flood");
	flood_device(base);
	stray(base);
}

static void report_unknown(const char *s)
{
	static const char *const known[] = { "flood", "crash", "virtio", "console_flood" };

	bootargs_report_unknown(s, known, ARRAY_SIZE(known));
}

void guest_main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	const char *args, *val;
	u64 flood = DEFAULT_FLOOD, nvirtio;
	size_t len;

	if (!fdt_check(fdt, NULL) && bootargs_find(bootargs_get(fdt), "virtio", 0, &val, &len) &&
	    !parse_u64(val, len, &nvirtio)) {
		args = tap_begin(fdt, dtb, (int)nvirtio + 2);
		conduit = psci_dtb_conduit(fdt);
		step_virtio(fdt, nvirtio);
		tap_finish(fdt);
	}
	args = tap_begin(fdt, dtb, 4);
	tap_diag("hostile: CurrentEL %u, image at 0x%llx, console %s", current_el(),
		 (unsigned long long)(uintptr_t)_text, uart_describe());
	report_unknown(args);
	if (bootargs_find(args, "flood", 0, &val, &len) && parse_u64(val, len, &flood))
		tap_bail(fdt, "flood= must be a number");

	conduit = psci_dtb_conduit(fdt);
	if (conduit == CONDUIT_NONE)
		tap_bail(fdt, "no /psci method in the DTB: no conduit");
	tap_diag("conduit: %s", conduit_name(conduit));

	if (bootargs_find(args, "console_flood", 0, &val, &len)) {
		u64 line = 0;

		tap_diag("console: flooding until stopped");
		for (;;)
			printf("# console flood line %llu: the quick brown fox jumps over the lazy dog\n",
			       (unsigned long long)line++);
	}
	if (bootargs_find(args, "crash", 0, &val, &len)) {
		u64 pair[2];

		tap_diag("crash: ldp from unmapped MMIO 0x%llx (no valid syndrome)",
			 (unsigned long long)addrs[0]);
		asm volatile("ldp %0, %1, [%2]" : "=r"(pair[0]), "=r"(pair[1])
			     : "r"(addrs[0]) : "memory");
		tap_bail(fdt, "the VMM let an undecodable MMIO access return 0x%llx",
			 (unsigned long long)pair[0]);
	}

	step_garbage();
	step_flood(flood);
	step_bad_psci(fdt);
	step_mmio();

	tap_finish(fdt);
}
