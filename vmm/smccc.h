/*
 * Forwarded SMCCC calls (KVM_EXIT_HYPERCALL): the VMM's side of the policy.
 * The decision is policy/'s; this file moves only the registers the
 * deciding service needs in and out of the vCPU, and is the platform
 * (policy/service.h) through which services act on the machine.
 */
#ifndef VMM_SMCCC_H
#define VMM_SMCCC_H

struct kvm;
struct kvm_cpu;

/* Setup, after every vCPU exists (their MPIDRs) and RAM is mapped. */
struct smccc *smccc__create(struct kvm *kvm);
/* The KVM_EXIT_HYPERCALL handler: 0, or -1 when the VM stops. */
int smccc__handle_exit(struct kvm_cpu *cpu);

#endif
