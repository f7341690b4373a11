/* Forwarded SMCCC calls and the services' platform (smccc.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <linux/kvm.h>

#include "../policy/policy.h"
#include "../policy/service.h"
#include "arch.h"
#include "audit.h"
#include "exit-status.h"
#include "kvm-cpu.h"
#include "kvm.h"
#include "reset.h"
#include "smccc.h"
#include "util.h"

struct smccc {
	struct smccc_platform plat;
	uint64_t *mpidr;
};

/* --------------------------------------------------------------- platform */

static int plat_cpu_on(void *ctx, unsigned int target, uint64_t entry, uint64_t context_id)
{
	struct kvm *kvm = ctx;

	return kvm_cpu__power_on(kvm->cpus[target], entry, context_id);
}

static void plat_cpu_off(void *ctx, unsigned int self)
{
	struct kvm *kvm = ctx;

	kvm_cpu__power_off(kvm->cpus[self]);
}

static bool plat_cpu_is_on(void *ctx, unsigned int cpu)
{
	struct kvm *kvm = ctx;

	return kvm_cpu__is_on(kvm->cpus[cpu]);
}

static void plat_system_off(void *ctx)
{
	pr_debug("PSCI SYSTEM_OFF");
	kvm__stop(ctx, VMM_EXIT_POWEROFF);
}

static void plat_system_reset(void *ctx, enum smccc_reset_kind kind)
{
	if (kind == SMCCC_RESET_WARM)
		pr_info("PSCI SYSTEM_RESET2 warm reset (a Linux guest's panic)");
	else
		pr_debug("PSCI SYSTEM_RESET");
	vm__reset_or_stop(ctx, kind == SMCCC_RESET_WARM);
}

static int plat_entropy(void *ctx, void *buf, size_t len)
{
	size_t done = 0;

	(void)ctx;
	while (done < len) {
		ssize_t n = getrandom((char *)buf + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

static const struct smccc_platform_ops platform_ops = {
	.cpu_on = plat_cpu_on,
	.cpu_off = plat_cpu_off,
	.cpu_is_on = plat_cpu_is_on,
	.system_off = plat_system_off,
	.system_reset = plat_system_reset,
	.entropy = plat_entropy,
};

struct smccc *smccc__create(struct kvm *kvm)
{
	struct smccc *s = calloc(1, sizeof(*s));

	if (!s || !(s->mpidr = calloc(kvm->nr_cpus, sizeof(*s->mpidr))))
		die("SMCCC: out of memory");
	for (unsigned int i = 0; i < kvm->nr_cpus; i++)
		s->mpidr[i] = kvm->cpus[i]->mpidr;
	s->plat = (struct smccc_platform){
		.ops = &platform_ops,
		.ctx = kvm,
		.nr_cpus = kvm->nr_cpus,
		.mpidr = s->mpidr,
		.ram_base = kvm->ram_start,
		.ram_size = kvm->ram_size,
	};
	return s;
}

/* ------------------------------------------------------------------ exit */

int smccc__handle_exit(struct kvm_cpu *cpu)
{
	struct kvm *kvm = cpu->kvm;
	struct policy_call call = { .vcpu = cpu->id };
	struct kvm_cpu_stats before = cpu->stats;
	struct policy_route rt;
	struct policy_result res;
	int r;

	/* The exit carries W0 only (run->hypercall.nr); the 32-bit rule needs
	 * the whole register, so X0 is always read. */
	call.conduit = (cpu->run->hypercall.flags & KVM_HYPERCALL_EXIT_SMC) ?
		       POLICY_CONDUIT_SMC : POLICY_CONDUIT_HVC;
	r = kvm_cpu__get_xregs(cpu, 0, call.x, 1);
	if (r)
		return kvm_cpu__crash(cpu, "KVM_GET_ONE_REG(X0): %s", strerror(-r));
	policy_route(kvm->policy, call.x[0], &rt);
	if (rt.nr_args) {
		r = kvm_cpu__get_xregs(cpu, 1, call.x + 1, rt.nr_args);
		if (r)
			return kvm_cpu__crash(cpu, "KVM_GET_ONE_REG(X1..X%u): %s", rt.nr_args,
					      strerror(-r));
	}
	policy_answer(kvm->policy, &rt, &kvm->smccc->plat, &call, &res);

	/* PC already points past the HVC/SMC (KVM advances it for both). */
	r = kvm_cpu__set_xregs(cpu, res.x, res.nr_ret);
	if (r)
		return kvm_cpu__crash(cpu, "KVM_SET_ONE_REG(X0..X%u): %s", res.nr_ret - 1,
				      strerror(-r));
	audit__call(kvm->audit, &call, &res,
		    (unsigned int)(cpu->stats.get_one_reg - before.get_one_reg),
		    (unsigned int)(cpu->stats.set_one_reg - before.set_one_reg));
	return 0;
}
