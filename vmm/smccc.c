/*
 * Forwarded SMCCC calls (KVM_EXIT_HYPERCALL) and guest system events: the
 * VMM's side of the policy.  The decision itself is policy_decide()'s; this
 * file moves registers in and out and carries out the platform operation.
 */
#include <errno.h>
#include <string.h>
#include <linux/kvm.h>

#include "../policy/policy.h"
#include "exit-status.h"
#include "kvm-cpu.h"
#include "kvm.h"
#include "audit.h"
#include "reset.h"
#include "util.h"

/* SMCCC v1.2+ passes arguments in X1..X17 (Arm DEN 0028, 2.6). */
#define SMCCC_ARG_REGS	18
#define SMCCC_RET_REGS	4

static int apply_op(struct kvm_cpu *cpu, const struct policy_result *r)
{
	struct kvm *kvm = cpu->kvm;

	switch (r->op) {
	case POLICY_OP_NONE:
		return 0;
	case POLICY_OP_CPU_ON:
		if (r->target >= kvm->nr_cpus)
			return 0;
		kvm_cpu__request_start(kvm->cpus[r->target], r->entry, r->context_id);
		return 0;
	case POLICY_OP_CPU_OFF:
		kvm_cpu__park(cpu);
		return 0;
	case POLICY_OP_SYSTEM_OFF:
		pr_debug("vCPU %u: PSCI SYSTEM_OFF", cpu->id);
		kvm__stop(kvm, VMM_EXIT_POWEROFF);
		return -1;
	case POLICY_OP_SYSTEM_RESET:
		pr_debug("vCPU %u: PSCI SYSTEM_RESET", cpu->id);
		return vm__reset_or_stop(kvm, false) ? -1 : 0;
	case POLICY_OP_SYSTEM_WARM_RESET:
		pr_info("vCPU %u: PSCI SYSTEM_RESET2 warm reset (a Linux guest's panic)", cpu->id);
		return vm__reset_or_stop(kvm, true) ? -1 : 0;
	}
	return 0;
}

int kvm_cpu__handle_hypercall(struct kvm_cpu *cpu)
{
	struct kvm_run *run = cpu->run;
	struct policy_call call = { .vcpu = cpu->id };
	struct policy_result res;
	int r;

	r = kvm_cpu__get_xregs(cpu, call.x, SMCCC_ARG_REGS);
	if (r) {
		pr_err("vCPU %u: KVM_GET_ONE_REG(X0..X17): %s", cpu->id, strerror(-r));
		kvm__stop(cpu->kvm, VMM_EXIT_CRASH);
		return -1;
	}
	/* The exit carries W0 only; the 32-bit rule needs the register. */
	call.conduit = (run->hypercall.flags & KVM_HYPERCALL_EXIT_SMC) ?
		       POLICY_CONDUIT_SMC : POLICY_CONDUIT_HVC;

	policy_decide(cpu->kvm->policy, cpu->kvm->psci, &call, &res);
	audit__call(cpu->kvm->audit, &call, &res);

	/* PC already points past the HVC/SMC (KVM advances it for both). */
	r = kvm_cpu__set_xregs(cpu, res.x, SMCCC_RET_REGS);
	if (r) {
		pr_err("vCPU %u: KVM_SET_ONE_REG(X0..X3): %s", cpu->id, strerror(-r));
		kvm__stop(cpu->kvm, VMM_EXIT_CRASH);
		return -1;
	}
	return apply_op(cpu, &res);
}

int kvm_cpu__handle_system_event(struct kvm_cpu *cpu)
{
	struct kvm *kvm = cpu->kvm;

	switch (cpu->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		pr_debug("vCPU %u: system event: shutdown", cpu->id);
		kvm__stop(kvm, VMM_EXIT_POWEROFF);
		return -1;
	case KVM_SYSTEM_EVENT_RESET: {
		/* KVM's own PSCI: SYSTEM_RESET2 is flagged (api.rst, KVM_EXIT_SYSTEM_EVENT). */
		bool warm = cpu->run->system_event.ndata &&
			    (cpu->run->system_event.data[0] & KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2);

		pr_debug("vCPU %u: system event: %s", cpu->id, warm ? "warm reset" : "reset");
		return vm__reset_or_stop(kvm, warm) ? -1 : 0;
	}
	case KVM_SYSTEM_EVENT_CRASH:
		pr_err("vCPU %u: the guest reported a crash", cpu->id);
		kvm_cpu__dump(cpu);
		kvm__stop(kvm, VMM_EXIT_PANIC);
		return -1;
	default:
		pr_err("vCPU %u: unexpected system event %u", cpu->id, cpu->run->system_event.type);
		kvm_cpu__dump(cpu);
		kvm__stop(kvm, VMM_EXIT_CRASH);
		return -1;
	}
}
