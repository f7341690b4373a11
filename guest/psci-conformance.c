/*
 * psci-conformance: exercises the VMM's SMCCC/PSCI policy from inside the
 * guest and reports TAP.  One image serves every configuration: the
 * expectations come from /chosen/bootargs.
 *
 * Bootargs protocol (space-separated key=value tokens; numbers are 0x-hex
 * or decimal, a leading '-' gives the two's complement, so -1 means
 * 0xFFFFFFFFFFFFFFFF; FID is a 32-bit SMCCC function ID):
 *
 *   conduit=hvc|smc      conduit to use (default: the DTB's /psci "method");
 *                        when given, the DTB method must match (a test)
 *   psci=user|kernel     who implements PSCI: the VMM in userspace (default)
 *                        or KVM in the kernel.  With kernel, the CPU_ON
 *                        invalid-entry test is a SKIP (KVM does not check)
 *   psci_version=V       PSCI_VERSION must return V (without it: any valid
 *                        version passes)
 *   cpus=N               the DTB's /cpus must hold N cpu nodes (a test)
 *   migrate=V            MIGRATE_INFO_TYPE must return V (default 2: no
 *                        Trusted OS; -1 where the policy does not offer it)
 *   features=FID:V       PSCI_FEATURES(FID) must return V       (repeatable)
 *   ret=FID:V            a call with X0 = FID must return V in X0 (repeatable)
 *   upper=FID:V          a call with X0 = FID | 1 << 32 must return V
 *                        (repeatable); a non-NOT_SUPPORTED answer prints
 *                        "# kernel aliased X0=0x1... to NAME" (or "VMM ...")
 *
 * Unknown keys are reported as diagnostics and ignored; a malformed value
 * makes its test fail.  ret=/upper= call exactly what they name: a
 * SYSTEM_OFF that is allowed through ends the run early (missing tests).
 *
 * Tests, in order (the plan is printed first and is computed from the
 * bootargs and the number of CPUs in the DTB):
 *   [conduit matches DTB] [cpus count] PSCI_VERSION, each features=,
 *   for each secondary CPU i (context id 0xC0DE0000 + i, i = index in /cpus):
 *     AFFINITY_INFO == OFF, CPU_ON == SUCCESS, echoed context id,
 *     echoed MPIDR, AFFINITY_INFO == ON, CPU_ON again == ALREADY_ON,
 *     AFFINITY_INFO == OFF after CPU_OFF (7 tests),
 *   CPU_ON(own MPIDR) == ALREADY_ON, CPU_ON(unknown MPIDR) ==
 *   INVALID_PARAMETERS, CPU_ON(entry outside RAM) == INVALID_ADDRESS,
 *   MIGRATE_INFO_TYPE == 2 (SKIP before PSCI 1.0), each ret=, each upper=.
 */
#include "guest.h"
#include "policy/smccc.h"

#define CONTEXT_ID_BASE	0xC0DE0000ULL
#define WAIT_US		2000000		/* bounded waits: 2 s */

struct mailbox {
	volatile u64 context_id;
	volatile u64 mpidr;
	volatile u64 off_ret;		/* what CPU_OFF returned, if it did */
	volatile u32 arrived;
	volatile u32 go_off;
	volatile u32 off_returned;
} __attribute__((aligned(64)));

static struct mailbox mbox[GUEST_MAX_CPUS];
static volatile enum conduit conduit;

static u64 cpu_mpidr[GUEST_MAX_CPUS];
static int ncpus, self_idx = -1;

/* Runs on each secondary, on its own stack (start.S picks it by x0). */
void guest_secondary(u64 context_id)
{
	struct mailbox *m = &mbox[context_id - CONTEXT_ID_BASE];
	u64 ret;

	m->context_id = context_id;
	m->mpidr = read_sysreg(mpidr_el1);
	dsb_sy();
	m->arrived = 1;
	dsb_sy();
	sev();
	while (!m->go_off)
		cpu_relax();
	dmb_sy();
	ret = smccc0(conduit, PSCI_CPU_OFF, 0, 0, 0);
	m->off_ret = ret;
	dsb_sy();
	m->off_returned = 1;
	dsb_sy();
	for (;;)
		__asm__ volatile("wfe");
}

static const char *fname(char *buf, u64 fid)
{
	const char *n = psci_fn_name((u32)fid);

	if (*n)
		snprintf(buf, 48, "0x%llx %s", (unsigned long long)fid, n);
	else
		snprintf(buf, 48, "0x%llx", (unsigned long long)fid);
	return buf;
}

static u64 call(u64 fid, u64 a1, u64 a2, u64 a3)
{
	return smccc0(conduit, fid, a1, a2, a3);
}

static u64 affinity_info(u64 mpidr)
{
	return call(PSCI_AFFINITY_INFO_64, mpidr, 0, 0);
}

static u64 cpu_on(u64 mpidr, u64 entry, u64 ctx)
{
	return call(PSCI_CPU_ON_64, mpidr, entry, ctx);
}

static int read_cpus(const void *fdt)
{
	ncpus = fdt_cpus(fdt, cpu_mpidr, GUEST_MAX_CPUS, &self_idx);
	if (ncpus < 0)
		ncpus = 0;
	return ncpus;
}

static int mpidr_known(u64 m)
{
	int i;

	for (i = 0; i < ncpus; i++)
		if (cpu_mpidr[i] == m)
			return 1;
	return 0;
}

static int in_ram(const void *fdt, u64 addr)
{
	u64 base, size;
	int i;

	for (i = 0; !fdt_memory(fdt, i, &base, &size); i++)
		if (addr >= base && addr - base < size)
			return 1;
	return 0;
}

/* An address in no /memory range, for CPU_ON's entry point. */
static u64 outside_ram(const void *fdt)
{
	u64 base, size, top = 0;
	int i;

	if (!in_ram(fdt, 0x1000))
		return 0x1000;
	for (i = 0; !fdt_memory(fdt, i, &base, &size); i++)
		if (base + size > top)
			top = base + size;
	return (top + 0xfff) & ~0xfffULL;
}

static int wait_arrived(struct mailbox *m)
{
	u64 d = deadline_us(WAIT_US);

	while (!m->arrived)
		if (deadline_passed(d))
			return 0;
	dmb_sy();
	return 1;
}

static int wait_off(u64 mpidr, u64 *last)
{
	u64 d = deadline_us(WAIT_US);

	for (;;) {
		*last = affinity_info(mpidr);
		if (*last == PSCI_AFFINITY_OFF)
			return 1;
		if (deadline_passed(d))
			return 0;
		udelay(1000);
	}
}

static void test_secondary(int i)
{
	struct mailbox *m = &mbox[i];
	u64 mp = cpu_mpidr[i], ctx = CONTEXT_ID_BASE + (u64)i;
	u64 entry = (u64)(uintptr_t)secondary_entry, r, last;
	char b1[40];
	int on_ok, up;

	tap_diag("cpu %d: mpidr 0x%llx, context id 0x%llx", i,
		 (unsigned long long)mp, (unsigned long long)ctx);
	r = affinity_info(mp);
	tap_ok(r == PSCI_AFFINITY_OFF,
	       "cpu %d: AFFINITY_INFO == OFF (1) before CPU_ON (got %s)", i, psci_ret_show(b1, r));

	r = cpu_on(mp, entry, ctx);
	on_ok = tap_ok(r == PSCI_RET_SUCCESS,
		       "cpu %d: CPU_ON(0x%llx, entry 0x%llx, 0x%llx) == SUCCESS (got %s)",
		       i, (unsigned long long)mp, (unsigned long long)entry,
		       (unsigned long long)ctx, psci_ret_show(b1, r));

	up = on_ok && wait_arrived(m);
	if (on_ok && !up)
		tap_diag("cpu %d: no mailbox write within %d ms", i, WAIT_US / 1000);
	tap_ok(up && m->context_id == ctx,
	       "cpu %d: secondary echoes context id in x0 (got 0x%llx)", i,
	       (unsigned long long)m->context_id);
	tap_ok(up && (m->mpidr & PSCI_MPIDR_AFF_MASK) == mp,
	       "cpu %d: secondary's MPIDR_EL1 matches /cpus reg (got 0x%llx)", i,
	       (unsigned long long)m->mpidr);

	r = affinity_info(mp);
	tap_ok(r == PSCI_AFFINITY_ON,
	       "cpu %d: AFFINITY_INFO == ON (0) while up (got %s)", i, psci_ret_show(b1, r));

	if (on_ok) {
		r = cpu_on(mp, entry, ctx);
		tap_ok(r == (u64)PSCI_RET_ALREADY_ON,
		       "cpu %d: CPU_ON of a running CPU == ALREADY_ON (got %s)",
		       i, psci_ret_show(b1, r));
	} else {
		tap_ok(0, "cpu %d: CPU_ON of a running CPU == ALREADY_ON (not run: CPU_ON failed)", i);
	}

	m->go_off = 1;
	dsb_sy();
	sev();
	tap_ok(wait_off(mp, &last),
	       "cpu %d: AFFINITY_INFO == OFF (1) after CPU_OFF (last %s)", i,
	       psci_ret_show(b1, last));
	if (m->off_returned)
		tap_diag("cpu %d: CPU_OFF returned %s", i, psci_ret_show(b1, m->off_ret));
}

struct args {
	const char *s;
	int have_conduit, have_cpus, have_version, kernel;
	enum conduit conduit;
	u64 cpus, version, migrate;
	int bad_conduit, bad_cpus, bad_version, bad_migrate;
	int nfeatures, nret, nupper;
};

static int get_num(const char *args, const char *key, u64 *v, int *bad)
{
	const char *val;
	size_t len;

	if (!bootargs_find(args, key, 0, &val, &len))
		return 0;
	*bad = parse_u64(val, len, v) != 0;
	return 1;
}

static void parse_args(const char *s, struct args *a)
{
	const char *val;
	size_t len;

	memset(a, 0, sizeof(*a));
	a->s = s;
	if (bootargs_find(s, "conduit", 0, &val, &len)) {
		a->have_conduit = 1;
		a->conduit = conduit_parse(val, len);
		a->bad_conduit = a->conduit == CONDUIT_NONE;
	}
	if (bootargs_find(s, "psci", 0, &val, &len))
		a->kernel = len == 6 && !strncmp(val, "kernel", 6);
	a->have_cpus = get_num(s, "cpus", &a->cpus, &a->bad_cpus);
	a->have_version = get_num(s, "psci_version", &a->version, &a->bad_version);
	a->migrate = PSCI_TOS_NOT_PRESENT_MP;
	get_num(s, "migrate", &a->migrate, &a->bad_migrate);
	a->nfeatures = bootargs_count(s, "features");
	a->nret = bootargs_count(s, "ret");
	a->nupper = bootargs_count(s, "upper");
}

static void report_unknown(const char *s)
{
	static const char *const known[] = {
		"conduit", "psci", "psci_version", "cpus", "features", "ret", "upper",
		"migrate",
	};

	bootargs_report_unknown(s, known, ARRAY_SIZE(known));
}

/* features=, ret= and upper= items: FID:VALUE */
static void test_items(const struct args *a, const char *key, int n)
{
	char b1[40], b2[40], b3[48];
	int i;

	for (i = 0; i < n; i++) {
		const char *val;
		size_t len;
		u64 fid, want, x0, got;

		bootargs_find(a->s, key, i, &val, &len);
		if (parse_fid_value(val, len, &fid, &want) || fid >> 32) {
			tap_ok(0, "%s=%.*s: malformed, want FID:VALUE", key, (int)len, val);
			continue;
		}
		if (!strcmp(key, "features")) {
			got = call(PSCI_FEATURES, fid, 0, 0);
			tap_ok(got == want, "PSCI_FEATURES(%s) == %s (got %s)",
			       fname(b3, fid), psci_ret_show(b1, want), psci_ret_show(b2, got));
		} else if (!strcmp(key, "ret")) {
			got = call(fid, 0, 0, 0);
			tap_ok(got == want, "X0=%s returns %s (got %s)",
			       fname(b3, fid), psci_ret_show(b1, want), psci_ret_show(b2, got));
		} else {
			x0 = fid | 1ULL << 32;
			got = call(x0, 0, 0, 0);
			if (got != (u64)(s64)SMCCC_RET_NOT_SUPPORTED) {
				const char *fn = psci_fn_name((u32)fid);

				tap_diag("%s aliased X0=0x%llx to %s%s0x%llx",
					 a->kernel ? "kernel" : "VMM",
					 (unsigned long long)x0, fn, *fn ? " " : "",
					 (unsigned long long)fid);
			}
			tap_ok(got == want, "X0=0x%llx (FID 0x%llx with bit 32 set) returns %s (got %s)",
			       (unsigned long long)x0, (unsigned long long)fid,
			       psci_ret_show(b1, want), psci_ret_show(b2, got));
		}
	}
}

void guest_main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	const char *why = "";
	enum conduit dtb_conduit;
	struct args a;
	u64 ver, r, self, bad_mpidr, bad_entry;
	char b1[40], b2[40];
	int i, nsec, plan, target;

	if (fdt_check(fdt, &why)) {
		tap_init(NULL);
		tap_plan(1);
		tap_ok(0, "x0 points to a valid DTB (%s)", why);
		tap_bail(NULL, "no usable DTB at x0=0x%llx", (unsigned long long)dtb);
	}
	tap_init(fdt);
	parse_args(bootargs_get(fdt), &a);
	read_cpus(fdt);
	nsec = ncpus - (self_idx >= 0);

	plan = a.have_conduit + a.have_cpus + 1 + a.nfeatures + 7 * nsec + 4 +
	       a.nret + a.nupper;
	tap_plan(plan);
	tap_diag("psci-conformance: CurrentEL %u, image at 0x%llx, console %s",
		 current_el(), (unsigned long long)(uintptr_t)_text, uart_describe());
	tap_diag("bootargs: %s", a.s);
	report_unknown(a.s);

	dtb_conduit = psci_dtb_conduit(fdt);
	conduit = a.have_conduit && !a.bad_conduit ? a.conduit : dtb_conduit;
	dsb_sy();
	tap_diag("conduit: %s", conduit_name(conduit));
	tap_diag("psci: %s", a.kernel ? "kernel" : "user");
	if (a.have_conduit)
		tap_ok(!a.bad_conduit && a.conduit == dtb_conduit,
		       "DTB /psci method \"%s\" matches conduit=%s",
		       conduit_name(dtb_conduit), conduit_name(a.conduit));
	if (conduit == CONDUIT_NONE)
		tap_bail(fdt, "no conduit: no /psci method in the DTB and no conduit=");

	tap_diag("cpus: %d in /cpus, this is cpu %d (MPIDR 0x%llx)", ncpus,
		 self_idx, (unsigned long long)my_mpidr());
	if (a.have_cpus)
		tap_ok(!a.bad_cpus && a.cpus == (u64)ncpus,
		       "/cpus has cpus=%llu cpu nodes (got %d)",
		       (unsigned long long)a.cpus, ncpus);

	ver = call(PSCI_VERSION, 0, 0, 0);
	if (!(ver >> 31))
		tap_diag("psci version: %u.%u", (unsigned int)(ver >> 16),
			 (unsigned int)(ver & 0xffff));
	if (a.have_version)
		tap_ok(!a.bad_version && ver == a.version,
		       "PSCI_VERSION == %s (got %s)", psci_ret_show(b1, a.version), psci_ret_show(b2, ver));
	else
		tap_ok(!(ver >> 31), "PSCI_VERSION answers a version (got %s)",
		       psci_ret_show(b2, ver));

	test_items(&a, "features", a.nfeatures);

	for (i = 0; i < ncpus; i++)
		if (i != self_idx)
			test_secondary(i);

	/* CPU_ON of the calling CPU itself. */
	self = my_mpidr();
	r = cpu_on(self, (u64)(uintptr_t)secondary_entry,
		   CONTEXT_ID_BASE + (u64)(self_idx >= 0 ? self_idx : 0));
	tap_ok(r == (u64)PSCI_RET_ALREADY_ON,
	       "CPU_ON(own MPIDR 0x%llx) == ALREADY_ON (got %s)",
	       (unsigned long long)self, psci_ret_show(b1, r));

	for (bad_mpidr = 0xff00; mpidr_known(bad_mpidr); bad_mpidr += 0x10000)
		;
	r = cpu_on(bad_mpidr, (u64)(uintptr_t)secondary_entry, CONTEXT_ID_BASE);
	tap_ok(r == (u64)PSCI_RET_INVALID_PARAMETERS,
	       "CPU_ON(unknown MPIDR 0x%llx) == INVALID_PARAMETERS (got %s)",
	       (unsigned long long)bad_mpidr, psci_ret_show(b1, r));

	/* Aim at an OFF secondary if there is one, else at ourselves. */
	bad_entry = outside_ram(fdt);
	target = self_idx;
	for (i = 0; i < ncpus; i++)
		if (i != self_idx) {
			target = i;
			break;
		}
	if (a.kernel) {
		tap_skip("kernel PSCI does not validate entry",
			 "CPU_ON(entry 0x%llx outside RAM) == INVALID_ADDRESS",
			 (unsigned long long)bad_entry);
	} else {
		u64 mp = target >= 0 ? cpu_mpidr[target] : self;

		r = cpu_on(mp, bad_entry, CONTEXT_ID_BASE + (u64)(target >= 0 ? target : 0));
		tap_ok(r == (u64)PSCI_RET_INVALID_ADDRESS,
		       "CPU_ON(0x%llx, entry 0x%llx outside RAM) == INVALID_ADDRESS (got %s)",
		       (unsigned long long)mp, (unsigned long long)bad_entry, psci_ret_show(b1, r));
	}

	if (!(ver >> 31) && (ver >> 16) >= 1) {
		r = call(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0);
		tap_ok(!a.bad_migrate && r == a.migrate,
		       "MIGRATE_INFO_TYPE == 0x%llx (got %s)",
		       (unsigned long long)a.migrate, psci_ret_show(b1, r));
	} else {
		tap_skip("PSCI < 1.0", "MIGRATE_INFO_TYPE");
	}

	test_items(&a, "ret", a.nret);
	test_items(&a, "upper", a.nupper);

	tap_finish(fdt);
}
