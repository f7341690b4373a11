/*
 * cpu-on-race: CPU_ON racing on one target, modelled on kvm-unit-tests'
 * arm/psci.c "cpu-on" test.  Every CPU but the target calls CPU_ON(target)
 * at the same moment; exactly one call may succeed and every other one must
 * see the target on (ALREADY_ON, as KVM's in-kernel PSCI answers: never
 * ON_PENDING); the target then runs and reports, and once every answer is
 * in, powers itself off with CPU_OFF; AFFINITY_INFO must say OFF before the
 * next round.  Repeated.
 *
 * Bootargs (space-separated key=value; numbers 0x-hex or decimal):
 *   rounds=N    rounds to run (default 100)
 *   target=I    index in /cpus of the CPU everyone starts (default 1)
 *
 * Output: TAP with four tests over all rounds (one SUCCESS per round, the
 * losers ALREADY_ON, the target ran, the target is off again), a diagnostic
 * for the first round that broke each, and "# race: rounds=R callers=C".
 *
 * The MMU is off (guest.h): the barrier is per-CPU slots written by one CPU
 * each and read by the others, no atomics.  Every wait is bounded.
 */
#include "guest.h"
#include "policy/smccc.h"

#define CONTEXT_ID_BASE	0xC0DE0000ULL
#define WAIT_US		5000000		/* 5 s: nested emulation is slow */

/* One cache line per CPU, written by that CPU only. */
struct slot {
	volatile u32 ready;	/* round this CPU waits at the barrier for */
	volatile u32 done;	/* round whose result is in ret */
	volatile s64 ret;	/* its CPU_ON answer */
} __attribute__((aligned(64)));

static struct slot slots[GUEST_MAX_CPUS];
static volatile u32 go;			/* written by CPU 0 only: the round to race */
static volatile u32 target_ran;		/* written by the target: the round it ran in */
static volatile u32 off_round;		/* written by CPU 0: the target may power off */
static volatile u32 quit;
static u64 cpu_mpidr[GUEST_MAX_CPUS];
static int ncpus, target = 1;
static enum conduit conduit;

static u64 cpu_on(int cpu)
{
	return smccc0(conduit, PSCI_CPU_ON_64, cpu_mpidr[cpu], (u64)(uintptr_t)secondary_entry,
		      CONTEXT_ID_BASE + (u64)cpu);
}

/* Spin until *p == want or the deadline; 1 if it got there. */
static int wait_eq(volatile u32 *p, u32 want)
{
	u64 d = deadline_us(WAIT_US);

	while (*p != want) {
		if (deadline_passed(d))
			return 0;
		cpu_relax();
	}
	dmb_sy();
	return 1;
}

static void record(int me, u32 round)
{
	slots[me].ret = (s64)cpu_on(target);
	dsb_sy();
	slots[me].done = round;
	dsb_sy();
	sev();
}

/* CPU 0: once every racer waits at the barrier (bounded), start the round. */
static void lead(u32 round)
{
	for (int i = 1; i < ncpus; i++)
		if (i != target)
			wait_eq(&slots[i].ready, round);	/* a late racer shows as missing */
	go = round;
	dsb_sy();
	sev();
	record(0, round);
}

/* The other racers: at the barrier for each round until CPU 0 says quit. */
static void __noreturn race(int me)
{
	for (u32 round = 1;; round++) {
		slots[me].ready = round;
		dsb_sy();
		sev();
		while (go != round) {
			if (quit)
				for (;;)
					__asm__ volatile("wfe");
			cpu_relax();
		}
		dmb_sy();
		record(me, round);
	}
}

/* Secondaries: the target reports and powers off; the others race. */
void guest_secondary(u64 context_id)
{
	int me = (int)(context_id - CONTEXT_ID_BASE);

	if (me != target)
		race(me);
	/* Stay on until every caller of this round has its answer: a target
	 * that went off early would let a late CPU_ON succeed again. */
	{
		u32 round = go;

		target_ran = round;
		dsb_sy();
		sev();
		while (off_round != round && !quit)
			cpu_relax();
	}
	smccc0(conduit, PSCI_CPU_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfe");
}

static int wait_off(u64 *last)
{
	u64 d = deadline_us(WAIT_US);

	for (;;) {
		*last = smccc0(conduit, PSCI_AFFINITY_INFO_64, cpu_mpidr[target], 0, 0);
		if (*last == PSCI_AFFINITY_OFF)
			return 1;
		if (deadline_passed(d))
			return 0;
		udelay(200);
	}
}

struct tally {
	u32 bad_success, bad_loser, bad_ran, bad_off;	/* first round that broke it */
	s64 loser_ret;
	int successes;
	u64 last_aff;
};

static void note(u32 *first, u32 round)
{
	if (!*first)
		*first = round;
}

static void run_round(u32 round, struct tally *t)
{
	int success = 0, missing = 0;

	lead(round);
	for (int i = 0; i < ncpus; i++) {
		if (i == target)
			continue;
		if (!wait_eq(&slots[i].done, round)) {
			missing++;
			continue;
		}
		if (slots[i].ret == PSCI_RET_SUCCESS) {
			success++;
		} else if (slots[i].ret != PSCI_RET_ALREADY_ON) {
			if (!t->bad_loser)
				t->loser_ret = slots[i].ret;
			note(&t->bad_loser, round);
		}
	}
	if (success != 1 || missing) {
		if (!t->bad_success)
			t->successes = missing ? -missing : success;
		note(&t->bad_success, round);
	}
	if (!success || !wait_eq(&target_ran, round))
		note(&t->bad_ran, round);
	off_round = round;
	dsb_sy();
	sev();
	if (!wait_off(&t->last_aff))
		note(&t->bad_off, round);
}

static u64 get_num(const char *args, const char *key, u64 def)
{
	const char *val;
	size_t len;
	u64 v;

	if (!bootargs_find(args, key, 0, &val, &len))
		return def;
	if (parse_u64(val, len, &v))
		return ~0ULL;
	return v;
}

void guest_main(u64 dtb)
{
	static const char *const known[] = { "rounds", "target" };
	const void *fdt = (const void *)(uintptr_t)dtb;
	struct tally t = { 0 };
	const char *args;
	u64 rounds;
	int self, callers;
	char b[40];

	args = tap_begin(fdt, dtb, 4);
	bootargs_report_unknown(args, known, ARRAY_SIZE(known));
	rounds = get_num(args, "rounds", 100);
	target = (int)get_num(args, "target", 1);
	conduit = psci_dtb_conduit(fdt);
	ncpus = fdt_cpus(fdt, cpu_mpidr, GUEST_MAX_CPUS, &self);
	if (conduit == CONDUIT_NONE)
		tap_bail(fdt, "no /psci method in the DTB: no conduit");
	if (self != 0 || ncpus < 2)
		tap_bail(fdt, "needs at least 2 CPUs, run from /cpus' first (%d of %d)", self, ncpus);
	if (rounds == 0 || rounds > 100000 || target <= 0 || target >= ncpus)
		tap_bail(fdt, "rounds= must be 1..100000 and target= 1..%d", ncpus - 1);
	callers = ncpus - 1;
	tap_diag("race: rounds=%llu callers=%d target=cpu %d conduit=%s",
		 (unsigned long long)rounds, callers, target, conduit_name(conduit));

	/* Start the racers; they wait for round 1. */
	for (int i = 1; i < ncpus; i++) {
		u64 r;

		if (i == target)
			continue;
		r = cpu_on(i);
		if (r != PSCI_RET_SUCCESS)
			tap_bail(fdt, "CPU_ON(cpu %d) to start a racer: %s", i, psci_ret_show(b, r));
	}
	for (u32 round = 1; round <= rounds; round++)
		run_round(round, &t);
	quit = 1;
	dsb_sy();
	sev();

	if (t.bad_success)
		tap_diag("round %u: %d CPU_ON calls succeeded (negative: that many missing)",
			 t.bad_success, t.successes);
	tap_ok(!t.bad_success, "every round: exactly one of %d racing CPU_ON calls succeeds",
	       callers);
	if (t.bad_loser)
		tap_diag("round %u: a losing CPU_ON got %s", t.bad_loser,
			 psci_ret_show(b, (u64)t.loser_ret));
	tap_ok(!t.bad_loser, "every round: the other CPU_ON calls get ALREADY_ON");
	if (t.bad_ran)
		tap_diag("round %u: the target did not run", t.bad_ran);
	tap_ok(!t.bad_ran, "every round: the target runs at the entry point");
	if (t.bad_off)
		tap_diag("round %u: AFFINITY_INFO stayed %s after the target's CPU_OFF", t.bad_off,
			 psci_ret_show(b, t.last_aff));
	tap_ok(!t.bad_off, "every round: the target is OFF again after its CPU_OFF");
	printf("# race: rounds=%llu callers=%d\n", (unsigned long long)rounds, callers);
	tap_finish(fdt);
}
