/*
 * smccc-bench: the guest-side round trip of every kind of exit the policy
 * makes, in one run, against the cheapest exit to the VMM.  A benchmark,
 * not a test: the TAP tests only check that each call answers the same
 * value every time.
 *
 * Kinds, in this order (kinds=LIST picks some; default all):
 *
 *   kernel    SMCCC_VERSION (0x80000000): KVM answers in the kernel (the
 *             Arm Architecture range is always KVM's)
 *   null      a 4-byte read of an unmapped address (null=ADDR, default
 *             0x0C000000, documented in the README's address map): the
 *             cheapest exit to the VMM, which only answers 0
 *   upper32   X0 = 0x184000000: forwarded, refused by the 32-bit rule
 *   psci      PSCI_VERSION (0x84000000), forwarded to the VMM's PSCI
 *   return    ret=FID (default 0x82000000): a `return VALUE` rule's call
 *             (the bench's policy has one; under another policy it is
 *             whatever that policy does)
 *   trng      TRNG_RND64 for 192 bits (0xC4000053): forwarded, getrandom(2)
 *
 * Bootargs: iters=N timed calls of each kind (default 20000), kinds=, null=,
 * ret= (numbers 0x-hex or decimal).  Calls go through the DTB's /psci
 * method conduit.  Every kind is warmed up with 100 calls first, then each
 * is timed over `iters` calls with CNTVCT_EL0.  Output, per kind run:
 *
 *   # bench: kernel fid=0x80000000 iters=N ns_per_call=X
 *   # bench: null_exit addr=0xc000000 iters=N ns_per_call=X
 *   # bench: forwarded_upper32 x0=0x184000000 iters=N ns_per_call=X
 *   # bench: forwarded fid=0x84000000 iters=N ns_per_call=X
 *   # bench: forwarded_return fid=0x82000000 iters=N ns_per_call=X
 *   # bench: forwarded_trng fid=0xc4000053 iters=N ns_per_call=X
 *
 * and, when both kinds ran, the ratios of their totals (two decimals):
 *
 *   # bench: ratio_forwarded_over_null_exit=R.RR   (PSCI_VERSION / null)
 *   # bench: ratio_upper32_over_null_exit=R.RR
 *   # bench: ratio_return_over_null_exit=R.RR
 *   # bench: ratio_trng_over_null_exit=R.RR
 *   # bench: ratio_forwarded_over_kernel=R.RR
 */
#include "guest.h"
#include "policy/smccc.h"

#define DEFAULT_ITERS	20000
#define WARMUP		100

static enum conduit conduit;

enum kind { KERNEL, NULL_EXIT, UPPER32, PSCI, RETURN, TRNG, NR_KINDS };

static const struct kind_desc {
	const char *name;	/* in kinds= */
	const char *label;	/* in the bench line */
	const char *what;	/* "fid", "x0" or "addr" */
} kinds[NR_KINDS] = {
	[KERNEL] = { "kernel", "kernel", "fid" },
	[NULL_EXIT] = { "null", "null_exit", "addr" },
	[UPPER32] = { "upper32", "forwarded_upper32", "x0" },
	[PSCI] = { "psci", "forwarded", "fid" },
	[RETURN] = { "return", "forwarded_return", "fid" },
	[TRNG] = { "trng", "forwarded_trng", "fid" },
};

struct run {
	u64 x0;			/* the call's X0, or the address read */
	u64 first;		/* the first answer */
	u64 ticks;		/* CNTVCT ticks for the timed calls */
	u64 calls;		/* calls made, warm-up included */
	u64 mismatches;		/* answers that differ from the first */
	u64 other;		/* one differing answer, for the diag */
	int on;
};

static u64 one(enum kind k, u64 x0)
{
	switch (k) {
	case NULL_EXIT:
		return mmio_read32(x0);
	case TRNG:
		return smccc_call(conduit, x0, TRNG_RND64_MAX_BITS, 0, 0, 0, 0, 0, 0).a0;
	default:
		return smccc_call(conduit, x0, 0, 0, 0, 0, 0, 0, 0).a0;
	}
}

static void run_calls(enum kind k, struct run *r, u64 n, int timed)
{
	u64 i, t0, t1, a0;

	t0 = timer_count();
	for (i = 0; i < n; i++) {
		a0 = one(k, r->x0);
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

/* kinds=a,b,c: which runs are on (all without it).  -1 on an unknown name. */
static int pick_kinds(const char *args, struct run *runs)
{
	const char *val, *p;
	size_t len;

	if (!bootargs_find(args, "kinds", 0, &val, &len)) {
		for (int k = 0; k < NR_KINDS; k++)
			runs[k].on = 1;
		return 0;
	}
	for (p = val; p < val + len;) {
		size_t n = 0;
		int found = 0;

		while (p + n < val + len && p[n] != ',')
			n++;
		for (int k = 0; k < NR_KINDS; k++)
			if (strlen(kinds[k].name) == n && !memcmp(p, kinds[k].name, n))
				runs[k].on = found = 1;
		if (!found)
			return -1;
		p += n + 1;
	}
	return 0;
}

static void report_unknown(const char *s)
{
	static const char *const known[] = { "iters", "kinds", "null", "ret" };

	bootargs_report_unknown(s, known, ARRAY_SIZE(known));
}

static void print_ratio(const char *name, const struct run *a, const struct run *b)
{
	u64 bt = b->ticks ? b->ticks : 1, r100;

	if (!a->on || !b->on)
		return;
	r100 = (a->ticks * 100 + bt / 2) / bt;
	printf("# bench: ratio_%s=%llu.%02llu\n", name, (unsigned long long)(r100 / 100),
	       (unsigned long long)(r100 % 100));
}

static void report(enum kind k, const struct run *r)
{
	if (r->mismatches)
		tap_diag("%s: first answer 0x%llx, %llu of %llu calls differed (e.g. 0x%llx)",
			 kinds[k].name, (unsigned long long)r->first,
			 (unsigned long long)r->mismatches, (unsigned long long)r->calls,
			 (unsigned long long)r->other);
	else
		tap_diag("%s: answered 0x%llx on all %llu calls", kinds[k].name,
			 (unsigned long long)r->first, (unsigned long long)r->calls);
}

void guest_main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	const char *args;
	struct run runs[NR_KINDS] = {
		[KERNEL] = { .x0 = SMCCC_VERSION_FID },
		[NULL_EXIT] = { .x0 = 0x0C000000 },
		[UPPER32] = { .x0 = (1ULL << 32) | PSCI_VERSION },
		[PSCI] = { .x0 = PSCI_VERSION },
		[RETURN] = { .x0 = 0x82000000 },
		[TRNG] = { .x0 = TRNG_RND64 },
	};
	u64 iters = DEFAULT_ITERS, freq;
	int consistent = 1;

	args = tap_begin(fdt, dtb, 1);
	tap_diag("smccc-bench: CurrentEL %u, console %s", current_el(), uart_describe());
	tap_diag("bootargs: %s", args);
	report_unknown(args);
	if (get_num(args, "iters", &iters) < 0 || !iters)
		tap_bail(fdt, "iters= must be a number > 0");
	if (get_num(args, "null", &runs[NULL_EXIT].x0) < 0)
		tap_bail(fdt, "null= must be an address");
	if (get_num(args, "ret", &runs[RETURN].x0) < 0 || runs[RETURN].x0 >> 32)
		tap_bail(fdt, "ret= must be a 32-bit function ID");
	if (pick_kinds(args, runs))
		tap_bail(fdt, "kinds= takes kernel,null,upper32,psci,return,trng");

	conduit = psci_dtb_conduit(fdt);
	if (conduit == CONDUIT_NONE)
		tap_bail(fdt, "no /psci method in the DTB: no conduit");
	freq = timer_freq();
	if (!freq)
		tap_bail(fdt, "CNTFRQ_EL0 is 0: cannot convert ticks to ns");
	tap_diag("conduit: %s, CNTFRQ %llu Hz", conduit_name(conduit), (unsigned long long)freq);

	for (int k = 0; k < NR_KINDS; k++)
		if (runs[k].on)
			run_calls(k, &runs[k], WARMUP, 0);
	for (int k = 0; k < NR_KINDS; k++) {
		if (!runs[k].on)
			continue;
		run_calls(k, &runs[k], iters, 1);
		printf("# bench: %s %s=0x%llx iters=%llu ns_per_call=%llu\n", kinds[k].label,
		       kinds[k].what, (unsigned long long)runs[k].x0, (unsigned long long)iters,
		       (unsigned long long)(ticks_to_ns(runs[k].ticks, freq) / iters));
	}
	print_ratio("forwarded_over_null_exit", &runs[PSCI], &runs[NULL_EXIT]);
	print_ratio("upper32_over_null_exit", &runs[UPPER32], &runs[NULL_EXIT]);
	print_ratio("return_over_null_exit", &runs[RETURN], &runs[NULL_EXIT]);
	print_ratio("trng_over_null_exit", &runs[TRNG], &runs[NULL_EXIT]);
	print_ratio("forwarded_over_kernel", &runs[PSCI], &runs[KERNEL]);

	for (int k = 0; k < NR_KINDS; k++) {
		if (!runs[k].on)
			continue;
		report(k, &runs[k]);
		consistent &= !runs[k].mismatches;
	}
	tap_ok(consistent, "every kind of call answers the same on every call");
	tap_finish(fdt);
}
