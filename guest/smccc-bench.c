/*
 * smccc-bench: the guest-side round trip of an SMCCC call, for a call KVM
 * answers in the kernel and for one the VMM's policy forwards to userspace.
 * A benchmark, not a test: the two TAP tests only check that each call
 * answers the same value every time.
 *
 * Bootargs (space-separated key=value tokens; numbers 0x-hex or decimal):
 *
 *   iters=N      timed calls of each kind (default 20000, must be > 0)
 *   kernel=FID   a call KVM answers itself (default SMCCC_VERSION
 *                0x80000000: KVM always handles the Arm Architecture range)
 *   fwd=FID      a call the VMM's policy forwards to userspace (default
 *                PSCI_VERSION 0x84000000)
 *
 * Calls go through the DTB's /psci method conduit.  Each FID is warmed up
 * with 100 calls, then `iters` calls are timed with CNTVCT_EL0 (isb before
 * each read).  Output:
 *
 *   # bench: kernel fid=0x80000000 iters=N ns_per_call=X
 *   # bench: forwarded fid=0x84000000 iters=N ns_per_call=Y
 *   # bench: ratio_forwarded_over_kernel=R.RR
 *
 * ns_per_call is an integer (truncated); the ratio is computed from the
 * total tick counts, rounded to two decimals, in integer arithmetic.
 */
#include "guest.h"
#include "policy/smccc.h"

#define DEFAULT_ITERS	20000
#define WARMUP		100

static enum conduit conduit;

struct run {
	u64 fid;		/* X0, upper 32 bits clear */
	u64 first;		/* the first answer */
	u64 ticks;		/* CNTVCT ticks for the timed calls */
	u64 calls;		/* calls made, warm-up included */
	u64 mismatches;		/* answers that differ from the first */
	u64 other;		/* one differing answer, for the diag */
};

static void run_calls(struct run *r, u64 n, int timed)
{
	u64 i, t0, t1, a0;

	t0 = timer_count();
	for (i = 0; i < n; i++) {
		a0 = smccc_call(conduit, r->fid, 0, 0, 0, 0, 0, 0, 0).a0;
		if (!r->calls++)
			r->first = a0;
		else if (a0 != r->first && !r->mismatches++)
			r->other = a0;
	}
	t1 = timer_count();
	if (timed)
		r->ticks = t1 - t0;
}

/* ticks -> ns without overflowing for any realistic count. */
static u64 ticks_to_ns(u64 ticks, u64 freq)
{
	return ticks / freq * 1000000000ULL + ticks % freq * 1000000000ULL / freq;
}

static int get_num(const char *args, const char *key, u64 *v)
{
	const char *val;
	size_t len;

	if (!bootargs_find(args, key, 0, &val, &len))
		return 0;
	if (parse_u64(val, len, v))
		return -1;
	return 1;
}

static void report_unknown(const char *s)
{
	static const char *const known[] = { "iters", "kernel", "fwd" };

	bootargs_report_unknown(s, known, ARRAY_SIZE(known));
}

static void print_run(const char *kind, const struct run *r, u64 iters, u64 freq)
{
	printf("# bench: %s fid=0x%08llx iters=%llu ns_per_call=%llu\n", kind,
	       (unsigned long long)r->fid, (unsigned long long)iters,
	       (unsigned long long)(ticks_to_ns(r->ticks, freq) / iters));
}

static void report_answers(const char *kind, const struct run *r)
{
	if (r->mismatches)
		tap_diag("%s fid=0x%08llx: first answer 0x%llx, %llu of %llu calls differed (e.g. 0x%llx)",
			 kind, (unsigned long long)r->fid,
			 (unsigned long long)r->first,
			 (unsigned long long)r->mismatches,
			 (unsigned long long)r->calls,
			 (unsigned long long)r->other);
	else
		tap_diag("%s fid=0x%08llx: answered 0x%llx on all %llu calls",
			 kind, (unsigned long long)r->fid,
			 (unsigned long long)r->first, (unsigned long long)r->calls);
}

void guest_main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	const char *args;
	struct run kern = { .fid = SMCCC_VERSION_FID };
	struct run fwd = { .fid = PSCI_VERSION };
	u64 iters = DEFAULT_ITERS, freq, kt, r100;

	args = tap_begin(fdt, dtb, 2);
	tap_diag("smccc-bench: CurrentEL %u, console %s", current_el(),
		 uart_describe());
	tap_diag("bootargs: %s", args);
	report_unknown(args);

	if (get_num(args, "iters", &iters) < 0 || !iters)
		tap_bail(fdt, "iters= must be a number > 0");
	if (get_num(args, "kernel", &kern.fid) < 0 || kern.fid >> 32)
		tap_bail(fdt, "kernel= must be a 32-bit function ID");
	if (get_num(args, "fwd", &fwd.fid) < 0 || fwd.fid >> 32)
		tap_bail(fdt, "fwd= must be a 32-bit function ID");

	conduit = psci_dtb_conduit(fdt);
	if (conduit == CONDUIT_NONE)
		tap_bail(fdt, "no /psci method in the DTB: no conduit");
	freq = timer_freq();
	if (!freq)
		tap_bail(fdt, "CNTFRQ_EL0 is 0: cannot convert ticks to ns");
	tap_diag("conduit: %s, CNTFRQ %llu Hz", conduit_name(conduit),
		 (unsigned long long)freq);

	run_calls(&kern, WARMUP, 0);
	run_calls(&fwd, WARMUP, 0);
	run_calls(&kern, iters, 1);
	run_calls(&fwd, iters, 1);

	print_run("kernel", &kern, iters, freq);
	print_run("forwarded", &fwd, iters, freq);
	/* Same iters for both: the ratio of the totals, rounded. */
	kt = kern.ticks ? kern.ticks : 1;
	r100 = (fwd.ticks * 100 + kt / 2) / kt;
	printf("# bench: ratio_forwarded_over_kernel=%llu.%02llu\n",
	       (unsigned long long)(r100 / 100), (unsigned long long)(r100 % 100));

	report_answers("kernel", &kern);
	tap_ok(!kern.mismatches, "kernel call answers");
	report_answers("forwarded", &fwd);
	tap_ok(!fwd.mismatches, "forwarded call answers consistently");

	tap_finish(fdt);
}
