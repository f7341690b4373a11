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
 */
#include "guest.h"
#include "policy/smccc.h"

#define DEFAULT_FLOOD	20000
#define GARBAGE_CALLS	2000
#define GARBAGE_SHOWN	8	/* answers other than NOT_SUPPORTED to print */
#define MMIO_REPEAT	1000

#define NOT_SUPPORTED	((u64)(s64)SMCCC_RET_NOT_SUPPORTED)

static enum conduit conduit;

/* MMU off: Device memory.  Plain ldr/str with no writeback, so the
 * hypervisor gets a syndrome it can decode (ISV = 1). */
static inline u32 mmio_read32(u64 addr)
{
	u32 v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline u64 mmio_read64(u64 addr)
{
	u64 v;

	__asm__ volatile("ldr %x0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(u64 addr, u32 v)
{
	__asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

static inline void mmio_write64(u64 addr, u64 v)
{
	__asm__ volatile("str %x0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

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

/* /cpus reg values (affinity bits only); returns the count. */
static int read_cpus(const void *fdt, u64 *mpidr, int max)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, n = 0;

	if (cpus < 0)
		return 0;
	for (node = fdt_first_subnode(fdt, cpus); node >= 0 && n < max;
	     node = fdt_next_subnode(fdt, node)) {
		const char *dt = fdt_getprop_str(fdt, node, "device_type");
		u64 reg, size;

		if (!dt || strcmp(dt, "cpu") || fdt_reg(fdt, node, 0, &reg, &size))
			continue;
		mpidr[n++] = reg & PSCI_MPIDR_AFF_MASK;
	}
	return n;
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
	int n = read_cpus(fdt, mpidr, GUEST_MAX_CPUS), i, all = 1;
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

/* Unmapped in the VMM's address map: between the UART and RAM. */
static const u64 addrs[] = { 0x0A000000, 0x0C000000, 0x10000000, 0x3F000000 };

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

static void report_unknown(const char *s)
{
	static const char *const known[] = { "flood", "crash" };

	bootargs_report_unknown(s, known, ARRAY_SIZE(known));
}

void guest_main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	const char *args, *val;
	u64 flood = DEFAULT_FLOOD;
	size_t len;

	args = tap_begin(fdt, dtb, 4);
	tap_diag("hostile: CurrentEL %u, image at 0x%llx, console %s", current_el(),
		 (unsigned long long)(uintptr_t)_text, uart_describe());
	tap_diag("bootargs: %s", args);
	report_unknown(args);
	if (bootargs_find(args, "flood", 0, &val, &len) && parse_u64(val, len, &flood))
		tap_bail(fdt, "flood= must be a number");

	conduit = psci_dtb_conduit(fdt);
	if (conduit == CONDUIT_NONE)
		tap_bail(fdt, "no /psci method in the DTB: no conduit");
	tap_diag("conduit: %s", conduit_name(conduit));

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
