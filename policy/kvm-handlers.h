/*
 * What KVM answers in the kernel when a policy leaves a function ID to it
 * (action kernel, default = kernel): which IDs KVM has a handler for, so
 * vmm-policy can say when a kernel rule only gets NOT_SUPPORTED.
 *
 * Per Linux 6.12 arch/arm64/kvm/hypercalls.c: kvm_smccc_call_handler()
 * answers what kvm_smccc_get_action() allows -- kvm_smccc_default_allowed()
 * (SMCCC_VERSION, SMCCC_ARCH_FEATURES, PSCI: owner 4 functions 0-0x1F) and
 * kvm_smccc_test_fw_bmap() (TRNG, PV time, the KVM vendor hypervisor
 * service; all enabled unless the VMM clears the firmware bitmaps, which
 * this one does not) -- and denies every other ID (NOT_SUPPORTED).  Inside
 * PSCI, per arch/arm64/kvm/psci.c, only the functions listed here are
 * implemented for the version the VMM sets (KVM_REG_ARM_PSCI_VERSION, the
 * policy's psci_version); SYSTEM_SUSPEND needs KVM_CAP_ARM_SYSTEM_SUSPEND,
 * which this VMM does not enable.  The 6.12 UAPI's firmware bitmap bits
 * (<asm/kvm.h>: KVM_REG_ARM_STD_BIT_TRNG_V1_0, KVM_REG_ARM_STD_HYP_BIT_PV_TIME,
 * KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT and _PTP) match this list.
 */
#ifndef POLICY_KVM_HANDLERS_H
#define POLICY_KVM_HANDLERS_H

#include <stdbool.h>
#include <stdint.h>

/* KVM's handler for fid under psci_version, e.g. "KVM's PSCI (CPU_ON)", or
 * NULL: KVM answers NOT_SUPPORTED. */
const char *kvm_handler_find(uint32_t fid, uint32_t psci_version);
/* Whether KVM handles any ID of [first, last]. */
bool kvm_handler_in_range(uint32_t first, uint32_t last, uint32_t psci_version);

#endif /* POLICY_KVM_HANDLERS_H */
