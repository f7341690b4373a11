/*
 * KVM's SMCCC filter (Documentation/virt/kvm/devices/vm.rst, group
 * KVM_ARM_VM_SMCCC_CTRL).  There is no KVM_CAP for it: support is probed
 * with KVM_HAS_DEVICE_ATTR.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>

#include "../../policy/policy.h"
#include "../kvm.h"
#include "../util.h"
#include "smccc-filter.h"

static const uint8_t kvm_action[] = {
	[POLICY_FILTER_HANDLE] = KVM_SMCCC_FILTER_HANDLE,
	[POLICY_FILTER_DENY] = KVM_SMCCC_FILTER_DENY,
	[POLICY_FILTER_FWD] = KVM_SMCCC_FILTER_FWD_TO_USER,
};

bool smccc_filter__supported(int vm_fd)
{
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
	};

	return ioctl(vm_fd, KVM_HAS_DEVICE_ATTR, &attr) == 0;
}

int smccc_filter__install(struct kvm *kvm)
{
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
	};
	const struct policy *p = kvm->policy;
	size_t n = policy_filter_ranges(p, NULL, 0), installed = 0;
	struct policy_filter_range *r = calloc(n ? n : 1, sizeof(*r));

	if (!r)
		die("SMCCC filter: out of memory");
	policy_filter_ranges(p, r, n);
	for (size_t i = 0; i < n; i++) {
		struct kvm_smccc_filter f;

		/* KVM handles whatever the filter does not name. */
		if (r[i].action == POLICY_FILTER_HANDLE)
			continue;
		if (!installed && !smccc_filter__supported(kvm->vm_fd))
			die("%s: this kernel has no KVM SMCCC filter (KVM_ARM_VM_SMCCC_FILTER needs Linux >= 6.4)",
			    policy_source(p));
		memset(&f, 0, sizeof(f));
		f.base = r[i].base;
		f.nr_functions = r[i].nr;
		f.action = kvm_action[r[i].action];
		attr.addr = (uintptr_t)&f;
		if (ioctl(kvm->vm_fd, KVM_SET_DEVICE_ATTR, &attr) < 0)
			die_errno(-errno, "SMCCC filter 0x%08x-0x%08x %s: KVM_SET_DEVICE_ATTR",
				  r[i].base, (uint32_t)(r[i].base + r[i].nr - 1),
				  policy_filter_action_name(r[i].action));
		attr.addr = 0;
		installed++;
		pr_debug("SMCCC filter: 0x%08x-0x%08x %s", r[i].base,
			 (uint32_t)(r[i].base + r[i].nr - 1), policy_filter_action_name(r[i].action));
	}
	free(r);
	return 0;
}
