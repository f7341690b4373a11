#ifndef VMM_ARM64_SMCCC_FILTER_H
#define VMM_ARM64_SMCCC_FILTER_H

struct kvm;

/* Install the policy's ranges in KVM's SMCCC filter; before any vCPU runs. */
int smccc_filter__install(struct kvm *kvm);

#endif
