/* KVM's in-kernel SMCCC handlers (kvm-handlers.h), as a table. */
#include <stddef.h>

#include "kvm-handlers.h"
#include "smccc.h"

static const struct {
	uint32_t fid;
	uint32_t since;		/* lowest psci_version with it; 0: any */
	const char *what;
} handlers[] = {
	{ SMCCC_VERSION_FID, 0, "KVM's SMCCC_VERSION (answers 1.1)" },
	{ SMCCC_ARCH_FEATURES_FID, 0, "KVM's SMCCC_ARCH_FEATURES" },
	{ PSCI_VERSION, 0, "KVM's PSCI (PSCI_VERSION: the policy's psci_version)" },
	{ PSCI_CPU_SUSPEND, 0, "KVM's PSCI (CPU_SUSPEND, as a WFI)" },
	{ PSCI_CPU_OFF, 0, "KVM's PSCI (CPU_OFF)" },
	{ PSCI_CPU_ON, 0, "KVM's PSCI (CPU_ON)" },
	{ PSCI_AFFINITY_INFO, 0, "KVM's PSCI (AFFINITY_INFO)" },
	{ PSCI_MIGRATE_INFO_TYPE, 0, "KVM's PSCI (MIGRATE_INFO_TYPE)" },
	{ PSCI_SYSTEM_OFF, 0, "KVM's PSCI (SYSTEM_OFF: a system event to the VMM)" },
	{ PSCI_SYSTEM_RESET, 0, "KVM's PSCI (SYSTEM_RESET: a system event to the VMM)" },
	{ PSCI_FEATURES, PSCI_VERSION_1_0, "KVM's PSCI (PSCI_FEATURES)" },
	{ PSCI_SYSTEM_RESET2, PSCI_VERSION_1_1, "KVM's PSCI (SYSTEM_RESET2)" },
	{ TRNG_VERSION, 0, "KVM's TRNG (arch/arm64/kvm/trng.c)" },
	{ TRNG_FEATURES, 0, "KVM's TRNG (arch/arm64/kvm/trng.c)" },
	{ TRNG_GET_UUID, 0, "KVM's TRNG (arch/arm64/kvm/trng.c)" },
	{ TRNG_RND32, 0, "KVM's TRNG (arch/arm64/kvm/trng.c)" },
	{ SMCCC_KVM_FEATURES_FID, 0, "KVM's vendor hypervisor service (KVM_FEATURES)" },
	{ SMCCC_KVM_PTP_FID, 0, "KVM's vendor hypervisor service (PTP: host time)" },
	{ SMCCC_VENDOR_HYP_CALL_UID_FID, 0, "KVM's vendor hypervisor service (CALL_UID)" },
	{ PSCI_CPU_SUSPEND_64, 0, "KVM's PSCI (CPU_SUSPEND, as a WFI)" },
	{ PSCI_CPU_ON_64, 0, "KVM's PSCI (CPU_ON)" },
	{ PSCI_AFFINITY_INFO_64, 0, "KVM's PSCI (AFFINITY_INFO)" },
	{ PSCI_SYSTEM_RESET2_64, PSCI_VERSION_1_1, "KVM's PSCI (SYSTEM_RESET2)" },
	{ TRNG_RND64, 0, "KVM's TRNG (arch/arm64/kvm/trng.c)" },
	{ SMCCC_PV_TIME_FEATURES_FID, 0, "KVM's paravirtualised time (PV_TIME_FEATURES)" },
	{ SMCCC_PV_TIME_ST_FID, 0, "KVM's paravirtualised time (PV_TIME_ST)" },
};

#define NR_HANDLERS (sizeof(handlers) / sizeof(handlers[0]))

const char *kvm_handler_find(uint32_t fid, uint32_t psci_version)
{
	for (size_t i = 0; i < NR_HANDLERS; i++)
		if (handlers[i].fid == fid && handlers[i].since <= psci_version)
			return handlers[i].what;
	return NULL;
}

bool kvm_handler_in_range(uint32_t first, uint32_t last, uint32_t psci_version)
{
	for (size_t i = 0; i < NR_HANDLERS; i++)
		if (handlers[i].fid >= first && handlers[i].fid <= last &&
		    handlers[i].since <= psci_version)
			return true;
	return false;
}
