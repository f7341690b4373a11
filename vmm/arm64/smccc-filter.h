#ifndef VMM_ARM64_SMCCC_FILTER_H
#define VMM_ARM64_SMCCC_FILTER_H

#include <stdbool.h>

struct kvm;

/* Whether this kernel has the filter (Linux >= 6.4: commit 821d935c87bc,
 * "KVM: arm64: Introduce support for userspace SMCCC filtering"): there is
 * no KVM_CAP, only KVM_HAS_DEVICE_ATTR on the VM fd (devices/vm.rst). */
bool smccc_filter__supported(int vm_fd);

/* Install the policy's ranges in KVM's SMCCC filter; before any vCPU runs. */
int smccc_filter__install(struct kvm *kvm);

#endif
