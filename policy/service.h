/*
 * SMCCC services: who answers a forwarded call, and the platform they act on.
 *
 * A policy rule names a service by its action word ("psci", "trng",
 * "return VALUE", ...).  Each service lives in its own file and declares, in
 * one struct smccc_service:
 *
 *   - its name (the action word) and the decision name the audit trail and
 *     the summary use for its answers;
 *   - what KVM's SMCCC filter is told for the rule's range (handle in the
 *     kernel, deny in the kernel, or forward to the VMM).  The filter is
 *     derived from the rules and this field in one place,
 *     policy_filter_ranges() (ranges.c);
 *   - the function-ID ranges it can answer at all (PSCI only inside the PSCI
 *     ranges, ...), which the parser enforces on every rule that names it;
 *   - how many argument registers X1..Xn answering a function reads, so the
 *     VMM reads only those (every register is one KVM_GET_ONE_REG ioctl);
 *   - answer(): the result registers, and how many the VMM must write back.
 *
 * A service never touches KVM or VMM state directly.  Effects on the machine
 * (start or stop a vCPU, power off, reset, entropy) go through the
 * struct smccc_platform the caller supplies: the VMM's implementation acts
 * on its vCPUs (vmm/smccc.c), vmm-policy's records what would happen, the
 * unit tests' is a fake.  The platform owns the vCPU power state; PSCI only
 * asks it.
 *
 * Call order: policy_load_*() resolves every rule's service once; then, per
 * forwarded call, policy_route() (from X0 alone) says which rule decides and
 * how many arguments to read, and policy_answer() runs the service.  Both are
 * thread-safe: services keep no state of their own.
 *
 * Adding a service: a new file with its struct smccc_service, one line in
 * the registry (services.c), and a row in docs/policy-format.md.
 */
#ifndef POLICY_SERVICE_H
#define POLICY_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* How a system reset was asked for. */
enum smccc_reset_kind {
	SMCCC_RESET_COLD,	/* PSCI SYSTEM_RESET */
	SMCCC_RESET_WARM,	/* PSCI SYSTEM_RESET2 SYSTEM_WARM_RESET: Linux's panic */
};

/*
 * What services may do to the machine.  Every function may be called from
 * any vCPU thread at any time, concurrently; ctx is smccc_platform.ctx.
 */
struct smccc_platform_ops {
	/*
	 * Power vCPU target on at entry with X0 = context_id.  0 if it was off:
	 * from this moment it counts as on for every caller (cpu_is_on() is
	 * true, a second cpu_on() fails).  -EALREADY if it was on.  Of callers
	 * racing for one target, exactly one gets 0.  Any other negative errno:
	 * it could not be started.
	 */
	int (*cpu_on)(void *ctx, unsigned int target, uint64_t entry, uint64_t context_id);
	/* Power the calling vCPU self off once the current call returns. */
	void (*cpu_off)(void *ctx, unsigned int self);
	bool (*cpu_is_on)(void *ctx, unsigned int cpu);
	/* End the guest: power off, or reset as the policy's on_reset says. */
	void (*system_off)(void *ctx);
	void (*system_reset)(void *ctx, enum smccc_reset_kind kind);
	/* Fill buf with len bytes of entropy: 0, or a negative errno. */
	int (*entropy)(void *ctx, void *buf, size_t len);
};

struct smccc_platform {
	const struct smccc_platform_ops *ops;
	void *ctx;
	unsigned int nr_cpus;
	const uint64_t *mpidr;		/* vCPU i's MPIDR_EL1; PSCI compares Aff3..Aff0 */
	uint64_t ram_base, ram_size;	/* where entry points may lie */
};

struct smccc_fid_range {
	uint32_t first, last;		/* inclusive */
};

struct smccc_service {
	const char *name;		/* action word, e.g. "psci" */
	const char *usage;		/* as listed in errors: "return VALUE" */
	const char *decision;		/* audit "decision" of its answers */
	const char *summary;		/* what the guest gets, one line */
	enum policy_filter_action filter;
	/* Where it can answer ("the PSCI ranges"); nr_ranges 0: any ID. */
	const char *ranges_name;
	const struct smccc_fid_range *ranges;
	size_t nr_ranges;
	/*
	 * The text after the action word, into *arg: 0, or -1 with why.  NULL:
	 * the action takes no argument (the parser refuses any).
	 */
	int (*parse)(const char *text, uint64_t *arg, char *why, size_t whylen);
	/* The whole rule once read (e.g. VALUE fits W0): 0, or -1 with why. */
	int (*check)(uint32_t first, uint32_t last, uint64_t arg, char *why, size_t whylen);
	/* How many of X1..X17 answering fid reads (0..17); NULL: none. */
	unsigned int (*nr_args)(uint32_t fid);
	/* Those arguments are read only to be recorded: the answer does not
	 * depend on them (replaying a call without them is still exact). */
	bool args_recorded_only;
	/* Every call is logged (one line each, rate-limited by the VMM), not
	 * only under -v or --audit: policy_result.log. */
	bool logs_calls;
	/*
	 * Answer a forwarded call the rule covers.  c->x[1..nr_args] are valid
	 * and already narrowed to 32 bits for SMC32/HVC32 IDs (DEN 0028 2.6);
	 * r arrives zeroed with nr_ret = 1.  Set r->x[] and r->nr_ret: the
	 * registers X0.. to write back, 0 for a call that does not return
	 * (CPU_OFF, SYSTEM_OFF).
	 */
	void (*answer)(const struct policy *p, uint64_t arg, const struct smccc_platform *plat,
		       const struct policy_call *c, struct policy_result *r);
};

/* The registry (services.c). */
const struct smccc_service *smccc_service_find(const char *name);	/* NULL: unknown */
size_t smccc_nr_services(void);
const struct smccc_service *smccc_service_at(size_t i);
/* "kernel, deny, psci, ..., return VALUE, log": for error messages. */
const char *smccc_service_usages(void);
/* Whether [first, last] lies inside one of s's ranges. */
bool smccc_service_covers(const struct smccc_service *s, uint32_t first, uint32_t last);

/* The services, one per file. */
extern const struct smccc_service psci_service;		/* psci.c */
extern const struct smccc_service trng_service;		/* trng.c */
extern const struct smccc_service fixed_kernel_service;	/* fixed.c */
extern const struct smccc_service fixed_deny_service;
extern const struct smccc_service fixed_forward_deny_service;
extern const struct smccc_service fixed_return_service;
extern const struct smccc_service fixed_log_service;

/* Results are written as KVM writes them: a signed code sign-extended into
 * the 64-bit register (NOT_SUPPORTED reads as 0xFFFFFFFFFFFFFFFF). */
static inline uint64_t smccc_ret(int64_t code)
{
	return (uint64_t)code;
}

#endif /* POLICY_SERVICE_H */
