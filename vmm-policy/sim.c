/* The simulated machine of vmm-policy replay (sim.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/policy.h"
#include "../policy/service.h"
#include "../policy/smccc.h"
#include "record.h"
#include "sim.h"
#include "vmm-policy.h"

enum power {
	OFF,
	SEEN,	/* on: it called, but no replayed CPU_ON started it yet */
	ON,
};

struct sim {
	struct smccc_platform plat;
	uint64_t mpidr[TOOL_MAX_CPUS];
	enum power power[TOOL_MAX_CPUS];
	bool diverged[TOOL_MAX_CPUS];	/* the replay, not the trail, decides */
	bool cpu_off_ran;		/* the last call ran CPU_OFF */
	bool ended;			/* the last call ended the guest */
	bool halted;
};

/*
 * A SEEN target counts as off for CPU_ON: the trail showed it calling
 * before the record of the CPU_ON that started it (or a start the trail
 * does not hold), so starting it is what happened.
 */
static int s_cpu_on(void *ctx, unsigned int target, uint64_t entry, uint64_t context_id)
{
	struct sim *s = ctx;

	(void)entry;
	(void)context_id;
	if (s->power[target] == ON)
		return -EALREADY;
	s->power[target] = ON;
	return 0;
}

static void s_cpu_off(void *ctx, unsigned int self)
{
	struct sim *s = ctx;

	s->power[self] = OFF;
	s->cpu_off_ran = true;
}

static bool s_cpu_is_on(void *ctx, unsigned int cpu)
{
	struct sim *s = ctx;

	return s->power[cpu] != OFF;
}

static void s_system_off(void *ctx)
{
	((struct sim *)ctx)->ended = true;
}

static void s_system_reset(void *ctx, enum smccc_reset_kind kind)
{
	(void)kind;
	((struct sim *)ctx)->ended = true;
}

/* TRNG answers are compared by status only: the bits do not matter. */
static int s_entropy(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	memset(buf, 0, len);
	return 0;
}

static const struct smccc_platform_ops sim_ops = {
	.cpu_on = s_cpu_on,
	.cpu_off = s_cpu_off,
	.cpu_is_on = s_cpu_is_on,
	.system_off = s_system_off,
	.system_reset = s_system_reset,
	.entropy = s_entropy,
};

struct sim *sim_new(unsigned nr_cpus, uint64_t ram_base, uint64_t ram_size)
{
	struct sim *s;

	if (!nr_cpus || nr_cpus > TOOL_MAX_CPUS)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	for (unsigned i = 0; i < nr_cpus; i++)
		s->mpidr[i] = tool_mpidr(i);
	s->power[0] = ON;
	s->plat = (struct smccc_platform){
		.ops = &sim_ops, .ctx = s, .nr_cpus = nr_cpus, .mpidr = s->mpidr,
		.ram_base = ram_base, .ram_size = ram_size,
	};
	return s;
}

void sim_free(struct sim *s)
{
	free(s);
}

const struct smccc_platform *sim_platform(struct sim *s)
{
	return &s->plat;
}

/* The vCPU with MPIDR Aff3..Aff0 as given, or -1. */
static int find_cpu(const struct sim *s, uint64_t mpidr)
{
	for (unsigned i = 0; i < s->plat.nr_cpus; i++)
		if (!((s->mpidr[i] ^ mpidr) & PSCI_MPIDR_AFF_MASK))
			return (int)i;
	return -1;
}

static bool is_fid(const struct audit_record *rec, uint32_t fid32, uint32_t fid64)
{
	return !(rec->call.x[0] >> 32) &&
	       ((uint32_t)rec->call.x[0] == fid32 || (uint32_t)rec->call.x[0] == fid64);
}

static bool old_psci(const struct audit_record *rec)
{
	return !strcmp(policy_decision_name(rec->decision), "psci");
}

bool sim_before(struct sim *s, const struct audit_record *rec, const char **why)
{
	unsigned v = rec->call.vcpu;

	s->ended = false;
	s->cpu_off_ran = false;
	if (s->halted) {
		*why = "the new policy ended the guest before this call";
		return false;
	}
	if (v >= s->plat.nr_cpus) {
		*why = "the vCPU is beyond the simulated ones (--cpus)";
		return false;
	}
	if (s->power[v] == OFF && s->diverged[v]) {
		*why = "under the new policy this vCPU is off (the CPU_ON that started it is "
		       "refused, or its CPU_OFF ran)";
		return false;
	}
	if (s->power[v] == OFF)
		s->power[v] = SEEN;

	/* AFFINITY_INFO(target, level 0) as the VMM's PSCI answered it. */
	if (is_fid(rec, PSCI_AFFINITY_INFO, PSCI_AFFINITY_INFO_64) && old_psci(rec) &&
	    rec->nr_args >= 2 && !rec->call.x[2] && rec->returned &&
	    (rec->ret == PSCI_AFFINITY_ON || rec->ret == PSCI_AFFINITY_OFF)) {
		int t = find_cpu(s, rec->call.x[1]);

		if (t >= 0 && !s->diverged[t]) {
			if (rec->ret == PSCI_AFFINITY_OFF)
				s->power[t] = OFF;
			else if (s->power[t] == OFF)
				s->power[t] = SEEN;
		}
	}
	return true;
}

void sim_after(struct sim *s, const struct audit_record *rec, bool psci, bool returned,
	       uint64_t ret)
{
	unsigned v = rec->call.vcpu;

	if (is_fid(rec, PSCI_CPU_ON, PSCI_CPU_ON_64) && rec->nr_args >= 1) {
		bool was = old_psci(rec) && rec->returned && !rec->ret;
		bool now = psci && returned && !ret;
		int t = find_cpu(s, rec->call.x[1]);

		if (t >= 0 && was != now) {
			s->diverged[t] = true;
			if (!now && s->power[t] != ON)
				s->power[t] = OFF;
		}
	}
	if (is_fid(rec, PSCI_CPU_OFF, PSCI_CPU_OFF)) {
		bool was = old_psci(rec) && !rec->returned;

		if (was != s->cpu_off_ran)
			s->diverged[v] = true;
	}
	/* The trail went on after a call the new policy ends the guest with. */
	if (s->ended && rec->returned)
		s->halted = true;
}
