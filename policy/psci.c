/*
 * PSCI emulation (Arm DEN 0022) over an abstract platform: nr_cpus vCPUs
 * named by MPIDR and one RAM window.  Per-CPU state ON / OFF / ON_PENDING
 * under one mutex; the VMM performs the returned platform operation.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "policy-internal.h"
#include "smccc.h"

/* ------------------------------------------------------------- catalogue */

#define V02	PSCI_VERSION_0_2
#define V10	PSCI_VERSION_1_0
#define V11	PSCI_VERSION_1_1

/* DEN 0022 §5.1 function summary: name, number, since, mandatory since,
 * SMC64 variant defined, emulated here.  MIGRATE and MIGRATE_INFO_UP_CPU
 * are not "implemented": with MIGRATE_INFO_TYPE = 2 there is nothing to
 * migrate and they answer NOT_SUPPORTED (§5.1.6, §5.1.8). */
static const struct psci_fn_info psci_fns[32] = {
	[0x00] = { "psci_version",		0x00, V02, V02, false, true },
	[0x01] = { "cpu_suspend",		0x01, V02, V02, true,  true },
	[0x02] = { "cpu_off",			0x02, V02, V02, false, true },
	[0x03] = { "cpu_on",			0x03, V02, V02, true,  true },
	[0x04] = { "affinity_info",		0x04, V02, V02, true,  true },
	[0x05] = { "migrate",			0x05, V02, 0,   true,  false },
	[0x06] = { "migrate_info_type",		0x06, V02, 0,   false, true },
	[0x07] = { "migrate_info_up_cpu",	0x07, V02, 0,   true,  false },
	[0x08] = { "system_off",		0x08, V02, V02, false, true },
	[0x09] = { "system_reset",		0x09, V02, V02, false, true },
	[0x0A] = { "psci_features",		0x0A, V10, V10, false, true },
	[0x0B] = { "cpu_freeze",		0x0B, V10, 0,   false, false },
	[0x0C] = { "cpu_default_suspend",	0x0C, V10, 0,   true,  false },
	[0x0D] = { "node_hw_state",		0x0D, V10, 0,   true,  false },
	[0x0E] = { "system_suspend",		0x0E, V10, 0,   true,  false },
	[0x0F] = { "psci_set_suspend_mode",	0x0F, V10, 0,   false, false },
	[0x10] = { "psci_stat_residency",	0x10, V10, 0,   true,  false },
	[0x11] = { "psci_stat_count",		0x11, V10, 0,   true,  false },
	[0x12] = { "system_reset2",		0x12, V11, 0,   true,  true },
	[0x13] = { "mem_protect",		0x13, V11, 0,   false, false },
	[0x14] = { "mem_protect_check_range",	0x14, V11, 0,   true,  false },
};

const struct psci_fn_info *psci_fn_by_num(unsigned num)
{
	if (num >= 32 || !psci_fns[num].name)
		return NULL;
	return &psci_fns[num];
}

const struct psci_fn_info *psci_fn_by_name(const char *name)
{
	unsigned i;

	for (i = 0; i < 32; i++)
		if (psci_fns[i].name && !strcmp(psci_fns[i].name, name))
			return &psci_fns[i];
	return NULL;
}

const struct psci_fn_info *psci_fn_by_id(uint32_t fid)
{
	const struct psci_fn_info *fn;

	if (fid >= PSCI_FID32_FIRST && fid <= PSCI_FID32_LAST)
		return psci_fn_by_num(PSCI_FN_NUM(fid));
	if (fid >= PSCI_FID64_FIRST && fid <= PSCI_FID64_LAST) {
		fn = psci_fn_by_num(PSCI_FN_NUM(fid));
		return fn && fn->has64 ? fn : NULL;
	}
	return NULL;
}

/* ----------------------------------------------------------------- state */

enum cpu_state { CPU_OFF, CPU_ON, CPU_ON_PENDING };

struct psci {
	const struct policy *policy;
	pthread_mutex_t lock;
	unsigned nr_cpus;
	uint64_t *mpidr;
	enum cpu_state *state;
	uint64_t ram_base, ram_size;
};

struct psci *psci_new(const struct policy *p, unsigned nr_cpus, const uint64_t *mpidr,
		      uint64_t ram_base, uint64_t ram_size)
{
	struct psci *s;
	unsigned i, j;

	if (!p || !nr_cpus || !mpidr || !ram_size || ram_base + ram_size - 1 < ram_base)
		return NULL;
	for (i = 0; i < nr_cpus; i++)
		for (j = 0; j < i; j++)
			if (!((mpidr[i] ^ mpidr[j]) & PSCI_MPIDR_AFF_MASK))
				return NULL;	/* two vCPUs with one affinity */

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->mpidr = calloc(nr_cpus, sizeof(*s->mpidr));
	s->state = calloc(nr_cpus, sizeof(*s->state));
	if (!s->mpidr || !s->state || pthread_mutex_init(&s->lock, NULL)) {
		free(s->mpidr);
		free(s->state);
		free(s);
		return NULL;
	}
	s->policy = p;
	s->nr_cpus = nr_cpus;
	s->ram_base = ram_base;
	s->ram_size = ram_size;
	for (i = 0; i < nr_cpus; i++)
		s->mpidr[i] = mpidr[i] & PSCI_MPIDR_AFF_MASK;
	psci_reset(s);
	return s;
}

void psci_free(struct psci *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s->mpidr);
	free(s->state);
	free(s);
}

void psci_reset(struct psci *s)
{
	unsigned i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nr_cpus; i++)
		s->state[i] = i == 0 ? CPU_ON : CPU_OFF;
	pthread_mutex_unlock(&s->lock);
}

void psci_cpu_started(struct psci *s, unsigned cpu)
{
	pthread_mutex_lock(&s->lock);
	if (cpu < s->nr_cpus && s->state[cpu] == CPU_ON_PENDING)
		s->state[cpu] = CPU_ON;
	pthread_mutex_unlock(&s->lock);
}

/* ------------------------------------------------------------- functions */

static uint64_t ret_code(int code)
{
	return (uint64_t)(int64_t)code;
}

/* A uint32 parameter (DEN 0022 §5.1) of an SMC64 call: nonzero X[63:32]
 * makes it invalid rather than silently truncated.  SMC32 calls arrive
 * narrowed already. */
static bool u32_param(uint64_t x, uint32_t *out)
{
	*out = (uint32_t)x;
	return !(x >> 32);
}

static bool in_ram(const struct psci *s, uint64_t addr)
{
	return addr >= s->ram_base && addr - s->ram_base < s->ram_size;
}

/* Index of the vCPU whose Aff3..Aff0 are target's, or -1. */
static int find_cpu(const struct psci *s, uint64_t target)
{
	unsigned i;

	for (i = 0; i < s->nr_cpus; i++)
		if (s->mpidr[i] == (target & PSCI_MPIDR_AFF_MASK))
			return (int)i;
	return -1;
}

/* CPU_SUSPEND (§5.1.2, power_state format §5.4.2, original format as
 * PSCI_FEATURES reports).  Like KVM, any valid state is treated as
 * standby: the call returns SUCCESS at once, which the spec allows as an
 * immediate wake-up. */
static int64_t do_cpu_suspend(struct psci *s, const struct policy_call *c)
{
	uint32_t state;

	if (!u32_param(c->x[1], &state) || (state & ~PSCI_POWER_STATE_VALID_MASK))
		return PSCI_RET_INVALID_PARAMETERS;
	if ((state & PSCI_POWER_STATE_TYPE) && !in_ram(s, c->x[2]))
		return PSCI_RET_INVALID_ADDRESS;
	return PSCI_RET_SUCCESS;
}

/* CPU_ON (§5.1.4). */
static int64_t do_cpu_on(struct psci *s, const struct policy_call *c, struct policy_result *r)
{
	int cpu = find_cpu(s, c->x[1]);

	/* Arguments before state, as Arm's reference firmware (TF-A) checks
	 * them: a bad entry point is INVALID_ADDRESS even for a CPU that is on. */
	if (cpu < 0)
		return PSCI_RET_INVALID_PARAMETERS;
	if (!in_ram(s, c->x[2]))
		return PSCI_RET_INVALID_ADDRESS;
	if (s->state[cpu] == CPU_ON)
		return PSCI_RET_ALREADY_ON;
	if (s->state[cpu] == CPU_ON_PENDING)
		return PSCI_RET_ON_PENDING;
	s->state[cpu] = CPU_ON_PENDING;
	r->op = POLICY_OP_CPU_ON;
	r->target = (unsigned)cpu;
	r->entry = c->x[2];
	r->context_id = c->x[3];
	return PSCI_RET_SUCCESS;
}

/* AFFINITY_INFO (§5.1.5): levels 0..3 as KVM does; above level 0 the node
 * is ON if any CPU in it is, else ON_PENDING if any is, else OFF. */
static int64_t do_affinity_info(struct psci *s, const struct policy_call *c)
{
	bool found = false, on = false, pending = false;
	uint32_t level;
	uint64_t mask;
	unsigned i;

	if (!u32_param(c->x[2], &level) || level > PSCI_AFFINITY_LEVEL_MAX)
		return PSCI_RET_INVALID_PARAMETERS;
	mask = PSCI_MPIDR_AFF_LEVEL_MASK(level);
	for (i = 0; i < s->nr_cpus; i++) {
		if ((s->mpidr[i] & mask) != (c->x[1] & mask))
			continue;
		found = true;
		on |= s->state[i] == CPU_ON;
		pending |= s->state[i] == CPU_ON_PENDING;
	}
	if (!found)
		return PSCI_RET_INVALID_PARAMETERS;
	return on ? PSCI_AFFINITY_ON : pending ? PSCI_AFFINITY_ON_PENDING : PSCI_AFFINITY_OFF;
}

/* PSCI_FEATURES (§5.1.14). */
static int64_t do_features(struct psci *s, const struct policy_call *c)
{
	uint32_t fid = (uint32_t)c->x[1];

	/* SMCCC_VERSION is discovered through PSCI_FEATURES (DEN 0028 §7.2)
	 * and KVM always implements it: its range is reserved to KVM. */
	if (fid == SMCCC_VERSION_FID)
		return PSCI_RET_SUCCESS;
	if (!policy_psci_offered(s->policy, fid))
		return PSCI_RET_NOT_SUPPORTED;
	if (fid == PSCI_CPU_SUSPEND || fid == PSCI_CPU_SUSPEND_64)
		return 0;	/* original power_state format, no OS-initiated mode */
	return PSCI_RET_SUCCESS;
}

/* SYSTEM_RESET2 (§5.1.11). */
static int64_t do_system_reset2(const struct policy_call *c, struct policy_result *r)
{
	uint32_t type;

	if (!u32_param(c->x[1], &type))
		return PSCI_RET_INVALID_PARAMETERS;
	if (type & PSCI_RESET2_VENDOR)
		return PSCI_RET_NOT_SUPPORTED;	/* no vendor-specific resets */
	if (type != PSCI_RESET2_SYSTEM_WARM_RESET)
		return PSCI_RET_INVALID_PARAMETERS;
	r->op = POLICY_OP_SYSTEM_WARM_RESET;
	return PSCI_RET_INTERNAL_FAILURE;	/* only seen if the reset fails */
}

void psci_handle(struct psci *s, const struct policy_call *call, struct policy_result *r)
{
	struct policy_call c;
	uint32_t fid;
	int64_t ret;

	memset(r, 0, sizeof(*r));
	r->verdict = POLICY_VERDICT_PSCI;
	r->op = POLICY_OP_NONE;
	if (call->x[0] >> 32) {	/* the 32-bit rule, for direct callers */
		r->x[0] = ret_code(SMCCC_RET_NOT_SUPPORTED);
		r->verdict = POLICY_VERDICT_UPPER32;
		return;
	}
	fid = (uint32_t)call->x[0];
	policy_narrow_call(call, &c);
	if (!policy_psci_offered(s->policy, fid)) {
		r->x[0] = ret_code(PSCI_RET_NOT_SUPPORTED);
		return;
	}

	pthread_mutex_lock(&s->lock);
	/* A vCPU making a call is running: settle a late psci_cpu_started(). */
	if (c.vcpu < s->nr_cpus)
		s->state[c.vcpu] = CPU_ON;

	switch (PSCI_FN_NUM(fid)) {
	case PSCI_FN_NUM(PSCI_VERSION):
		ret = policy_psci_version(s->policy);
		break;
	case PSCI_FN_NUM(PSCI_CPU_SUSPEND):
		ret = do_cpu_suspend(s, &c);
		break;
	case PSCI_FN_NUM(PSCI_CPU_OFF):
		/* §5.1.3: does not return on success; the VMM parks the vCPU.
		 * If it ever resumes the caller, the call failed. */
		if (c.vcpu >= s->nr_cpus) {
			ret = PSCI_RET_INTERNAL_FAILURE;
			break;
		}
		s->state[c.vcpu] = CPU_OFF;
		r->op = POLICY_OP_CPU_OFF;
		ret = PSCI_RET_DENIED;
		break;
	case PSCI_FN_NUM(PSCI_CPU_ON):
		ret = do_cpu_on(s, &c, r);
		break;
	case PSCI_FN_NUM(PSCI_AFFINITY_INFO):
		ret = do_affinity_info(s, &c);
		break;
	case PSCI_FN_NUM(PSCI_MIGRATE_INFO_TYPE):
		ret = PSCI_TOS_NOT_PRESENT_MP;	/* §5.1.7: nothing to migrate */
		break;
	case PSCI_FN_NUM(PSCI_SYSTEM_OFF):
		r->op = POLICY_OP_SYSTEM_OFF;
		ret = PSCI_RET_INTERNAL_FAILURE;	/* only seen if it fails */
		break;
	case PSCI_FN_NUM(PSCI_SYSTEM_RESET):
		r->op = POLICY_OP_SYSTEM_RESET;
		ret = PSCI_RET_INTERNAL_FAILURE;
		break;
	case PSCI_FN_NUM(PSCI_FEATURES):
		ret = do_features(s, &c);
		break;
	case PSCI_FN_NUM(PSCI_SYSTEM_RESET2):
		ret = do_system_reset2(&c, r);
		break;
	default:
		ret = PSCI_RET_NOT_SUPPORTED;
		break;
	}
	pthread_mutex_unlock(&s->lock);
	r->x[0] = (uint64_t)ret;
}
