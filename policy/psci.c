/*
 * The PSCI service (Arm DEN 0022): PSCI emulated for the guest, over the
 * platform of service.h.  It keeps no state: whether a vCPU is on is the
 * platform's to say (the VMM's vCPU layer owns it), so an answer never
 * disagrees with what the vCPUs do.
 *
 * Where the specification leaves a choice, the answers are KVM's in-kernel
 * PSCI's (arch/arm64/kvm/psci.c), which guests and test suites are written
 * against: a CPU that CPU_ON started counts as on at once (a second CPU_ON
 * gets ALREADY_ON, never ON_PENDING; AFFINITY_INFO says ON).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "policy-internal.h"
#include "smccc.h"

struct psci_call {
	const struct policy *policy;
	const struct smccc_platform *plat;
	const struct policy_call *c;
	struct policy_result *r;
};

typedef int64_t psci_fn(const struct psci_call *pc);

/* A uint32 parameter (DEN 0022 §5.1) of an SMC64 call: nonzero X[63:32]
 * makes it invalid rather than silently truncated.  SMC32 calls arrive
 * narrowed already. */
static bool u32_param(uint64_t x, uint32_t *out)
{
	*out = (uint32_t)x;
	return !(x >> 32);
}

static bool in_ram(const struct smccc_platform *pl, uint64_t addr)
{
	return addr >= pl->ram_base && addr - pl->ram_base < pl->ram_size;
}

/* Index of the vCPU whose Aff3..Aff0 are target's, or -1. */
static int find_cpu(const struct smccc_platform *pl, uint64_t target)
{
	for (unsigned i = 0; i < pl->nr_cpus; i++)
		if (!((pl->mpidr[i] ^ target) & PSCI_MPIDR_AFF_MASK))
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------- functions */

static int64_t do_version(const struct psci_call *pc)
{
	return policy_psci_version(pc->policy);
}

/* CPU_SUSPEND (§5.1.2, power_state original format §5.4.2).  Like KVM,
 * any valid state is treated as standby and returns SUCCESS at once: a
 * powerdown request may be downgraded to standby (§5.4.5), and standby is
 * indistinguishable from a WFI that woke (§5.4.9). */
static int64_t do_cpu_suspend(const struct psci_call *pc)
{
	uint32_t state;

	if (!u32_param(pc->c->x[1], &state) || (state & ~PSCI_POWER_STATE_VALID_MASK))
		return PSCI_RET_INVALID_PARAMETERS;
	if ((state & PSCI_POWER_STATE_TYPE) && !in_ram(pc->plat, pc->c->x[2]))
		return PSCI_RET_INVALID_ADDRESS;
	return PSCI_RET_SUCCESS;
}

/* CPU_OFF (§5.1.3, §5.5): does not return on success. */
static int64_t do_cpu_off(const struct psci_call *pc)
{
	if (pc->c->vcpu >= pc->plat->nr_cpus)
		return PSCI_RET_INTERNAL_FAILURE;
	pc->plat->ops->cpu_off(pc->plat->ctx, pc->c->vcpu);
	pc->r->nr_ret = 0;
	return PSCI_RET_SUCCESS;
}

/* CPU_ON (§5.1.4; returns §5.6.2).  The platform's cpu_on() decides
 * between SUCCESS and ALREADY_ON atomically: of racing callers exactly one
 * succeeds (§6.6, Figure 9: the losers see the core ON). */
static int64_t do_cpu_on(const struct psci_call *pc)
{
	const struct policy_call *c = pc->c;
	int cpu = find_cpu(pc->plat, c->x[1]);
	int r;

	/* Arguments before state, as Arm's reference firmware (TF-A) checks
	 * them: a bad entry point is INVALID_ADDRESS even for a CPU that is on. */
	if (cpu < 0)
		return PSCI_RET_INVALID_PARAMETERS;
	if (!in_ram(pc->plat, c->x[2]))
		return PSCI_RET_INVALID_ADDRESS;
	r = pc->plat->ops->cpu_on(pc->plat->ctx, (unsigned)cpu, c->x[2], c->x[3]);
	if (r == -EALREADY)
		return PSCI_RET_ALREADY_ON;
	return r ? PSCI_RET_INTERNAL_FAILURE : PSCI_RET_SUCCESS;
}

/* AFFINITY_INFO (§5.1.5, §5.7.1): levels 0..3 as KVM accepts them (1.0+
 * may refuse levels above 0, or answer as 0.2 did: we answer); the node is
 * ON if any CPU in it is. */
static int64_t do_affinity_info(const struct psci_call *pc)
{
	const struct smccc_platform *pl = pc->plat;
	bool found = false;
	uint32_t level;
	uint64_t mask;

	if (!u32_param(pc->c->x[2], &level) || level > PSCI_AFFINITY_LEVEL_MAX)
		return PSCI_RET_INVALID_PARAMETERS;
	mask = PSCI_MPIDR_AFF_LEVEL_MASK(level);
	for (unsigned i = 0; i < pl->nr_cpus; i++) {
		if ((pl->mpidr[i] ^ pc->c->x[1]) & mask)
			continue;
		if (pl->ops->cpu_is_on(pl->ctx, i))
			return PSCI_AFFINITY_ON;
		found = true;
	}
	return found ? PSCI_AFFINITY_OFF : PSCI_RET_INVALID_PARAMETERS;
}

static int64_t do_migrate_info_type(const struct psci_call *pc)
{
	(void)pc;
	return PSCI_TOS_NOT_PRESENT_MP;	/* §5.9: no Trusted OS, nothing to migrate */
}

/* SYSTEM_OFF (§5.1.9, §5.10) and SYSTEM_RESET (§5.1.11, §5.12) do not
 * return. */
static int64_t do_system_off(const struct psci_call *pc)
{
	pc->plat->ops->system_off(pc->plat->ctx);
	pc->r->nr_ret = 0;
	return PSCI_RET_SUCCESS;
}

static int64_t do_system_reset(const struct psci_call *pc)
{
	pc->plat->ops->system_reset(pc->plat->ctx, SMCCC_RESET_COLD);
	pc->r->nr_ret = 0;
	return PSCI_RET_SUCCESS;
}

/* PSCI_FEATURES (§5.1.15, §5.16): 0 for an implemented function (Table 11:
 * for CPU_SUSPEND, original power_state format and no OS-initiated mode),
 * NOT_SUPPORTED otherwise (§5.3.2). */
static int64_t do_features(const struct psci_call *pc)
{
	uint32_t fid = (uint32_t)pc->c->x[1];

	/* SMCCC_VERSION is discovered through PSCI_FEATURES (§5.16.2) and KVM
	 * always implements it: its range is reserved to KVM. */
	if (fid == SMCCC_VERSION_FID)
		return PSCI_RET_SUCCESS;
	if (!policy_psci_offered(pc->policy, fid))
		return PSCI_RET_NOT_SUPPORTED;
	return PSCI_RET_SUCCESS;
}

/* SYSTEM_RESET2 (§5.1.12, §5.13): only the architectural warm reset;
 * reserved architectural types are INVALID_PARAMETERS (§5.13.4). */
static int64_t do_system_reset2(const struct psci_call *pc)
{
	uint32_t type;

	if (!u32_param(pc->c->x[1], &type))
		return PSCI_RET_INVALID_PARAMETERS;
	if (type & PSCI_RESET2_VENDOR)
		return PSCI_RET_NOT_SUPPORTED;	/* no vendor-specific resets */
	if (type != PSCI_RESET2_SYSTEM_WARM_RESET)
		return PSCI_RET_INVALID_PARAMETERS;
	pc->plat->ops->system_reset(pc->plat->ctx, SMCCC_RESET_WARM);
	pc->r->nr_ret = 0;
	return PSCI_RET_SUCCESS;
}

/* ------------------------------------------------------------- catalogue */

#define V02	PSCI_VERSION_0_2
#define V10	PSCI_VERSION_1_0
#define V11	PSCI_VERSION_1_1

/* DEN 0022 §5.1 prototypes and §6.9 Table 17 (mandatory or optional per
 * version): name, number, since, mandatory since,
 * SMC64 variant defined, arguments read, emulation (NULL: not emulated,
 * so an error to offer).  MIGRATE and MIGRATE_INFO_UP_CPU are not emulated:
 * with MIGRATE_INFO_TYPE = 2 there is nothing to migrate and they answer
 * NOT_SUPPORTED (§5.8, §5.9). */
static const struct psci_fn_info psci_fns[32] = {
	[0x00] = { "psci_version",		0x00, V02, V02, false, 0, do_version },
	[0x01] = { "cpu_suspend",		0x01, V02, V02, true,  2, do_cpu_suspend },
	[0x02] = { "cpu_off",			0x02, V02, V02, false, 0, do_cpu_off },
	[0x03] = { "cpu_on",			0x03, V02, V02, true,  3, do_cpu_on },
	[0x04] = { "affinity_info",		0x04, V02, V02, true,  2, do_affinity_info },
	[0x05] = { "migrate",			0x05, V02, 0,   true,  0, NULL },
	[0x06] = { "migrate_info_type",		0x06, V02, 0,   false, 0, do_migrate_info_type },
	[0x07] = { "migrate_info_up_cpu",	0x07, V02, 0,   true,  0, NULL },
	[0x08] = { "system_off",		0x08, V02, V02, false, 0, do_system_off },
	[0x09] = { "system_reset",		0x09, V02, V02, false, 0, do_system_reset },
	[0x0A] = { "psci_features",		0x0A, V10, V10, false, 1, do_features },
	[0x0B] = { "cpu_freeze",		0x0B, V10, 0,   false, 0, NULL },
	[0x0C] = { "cpu_default_suspend",	0x0C, V10, 0,   true,  0, NULL },
	[0x0D] = { "node_hw_state",		0x0D, V10, 0,   true,  0, NULL },
	[0x0E] = { "system_suspend",		0x0E, V10, 0,   true,  0, NULL },
	[0x0F] = { "psci_set_suspend_mode",	0x0F, V10, 0,   false, 0, NULL },
	[0x10] = { "psci_stat_residency",	0x10, V10, 0,   true,  0, NULL },
	[0x11] = { "psci_stat_count",		0x11, V10, 0,   true,  0, NULL },
	[0x12] = { "system_reset2",		0x12, V11, 0,   true,  1, do_system_reset2 },
	[0x13] = { "mem_protect",		0x13, V11, 0,   false, 0, NULL },
	[0x14] = { "mem_protect_check_range",	0x14, V11, 0,   true,  0, NULL },
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
		if (psci_fns[i].name && !strcasecmp(psci_fns[i].name, name))
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

void policy_psci_offer(const struct policy *p, uint32_t fid, struct policy_psci_offer *o)
{
	const struct psci_fn_info *fn = psci_fn_by_id(fid);
	unsigned bit;

	memset(o, 0, sizeof(*o));
	o->functions_line = p->functions_line;
	if (!fn) {
		o->kind = POLICY_PSCI_NOT_A_FUNCTION;
		return;
	}
	o->name = fn->name;
	o->since = fn->since;
	bit = PSCI_FN_NUM(fid) + (fid & SMCCC_SMC64 ? 32 : 0);
	if (!(p->psci_routed & (1ULL << bit)))
		o->kind = POLICY_PSCI_NOT_ROUTED;
	else if (!fn->emulate)
		o->kind = POLICY_PSCI_NOT_EMULATED;
	else if (fn->since > p->psci_version)
		o->kind = POLICY_PSCI_NEWER;
	else if (!(p->psci_offered & (1U << fn->num)))
		o->kind = POLICY_PSCI_NOT_LISTED;
	else
		o->kind = POLICY_PSCI_OFFERED;
}

/* PSCI_FEATURES must not call a function supported that a rule nested
 * inside the psci rule takes away: offered means answered by psci. */
bool policy_psci_offered(const struct policy *p, uint32_t fid)
{
	struct policy_psci_offer o;

	policy_psci_offer(p, fid, &o);
	return o.kind == POLICY_PSCI_OFFERED;
}

/* --------------------------------------------------------------- service */

static unsigned int psci_nr_args(uint32_t fid)
{
	const struct psci_fn_info *fn = psci_fn_by_id(fid);

	return fn ? fn->nr_args : 0;
}

static void psci_answer(const struct policy *p, uint64_t arg, const struct smccc_platform *plat,
			const struct policy_call *c, struct policy_result *r)
{
	uint32_t fid = (uint32_t)c->x[0];
	struct psci_call pc = { p, plat, c, r };

	(void)arg;
	if (!policy_psci_offered(p, fid)) {
		r->x[0] = smccc_ret(PSCI_RET_NOT_SUPPORTED);
		return;
	}
	r->x[0] = smccc_ret(psci_fn_by_id(fid)->emulate(&pc));
}

static const struct smccc_fid_range psci_ranges[] = {
	{ PSCI_FID32_FIRST, PSCI_FID32_LAST },
	{ PSCI_FID64_FIRST, PSCI_FID64_LAST },
};

const struct smccc_service psci_service = {
	.name = "psci",
	.usage = "psci",
	.decision = "psci",
	.summary = "the VMM's PSCI emulation (Arm DEN 0022) answers",
	.filter = POLICY_FILTER_FWD,
	.ranges_name = "the PSCI ranges",
	.ranges = psci_ranges,
	.nr_ranges = sizeof(psci_ranges) / sizeof(psci_ranges[0]),
	.nr_args = psci_nr_args,
	.answer = psci_answer,
};
