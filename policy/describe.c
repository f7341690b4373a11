/* Human-readable SMCCC function IDs (describe.h). */
#include <stdio.h>

#include "describe.h"
#include "smccc.h"

static const struct {
	uint32_t fid;
	const char *name;
} known[] = {
	{ SMCCC_VERSION_FID, "SMCCC_VERSION" },
	{ SMCCC_ARCH_FEATURES_FID, "SMCCC_ARCH_FEATURES" },
	{ SMCCC_ARCH_SOC_ID_FID, "SMCCC_ARCH_SOC_ID" },
	{ SMCCC_ARCH_WORKAROUND_1_FID, "SMCCC_ARCH_WORKAROUND_1" },
	{ SMCCC_ARCH_WORKAROUND_2_FID, "SMCCC_ARCH_WORKAROUND_2" },
	{ SMCCC_ARCH_WORKAROUND_3_FID, "SMCCC_ARCH_WORKAROUND_3" },
	{ PSCI_VERSION, "PSCI_VERSION" },
	{ PSCI_CPU_SUSPEND, "PSCI_CPU_SUSPEND" },
	{ PSCI_CPU_SUSPEND_64, "PSCI_CPU_SUSPEND_64" },
	{ PSCI_CPU_OFF, "PSCI_CPU_OFF" },
	{ PSCI_CPU_ON, "PSCI_CPU_ON" },
	{ PSCI_CPU_ON_64, "PSCI_CPU_ON_64" },
	{ PSCI_AFFINITY_INFO, "PSCI_AFFINITY_INFO" },
	{ PSCI_AFFINITY_INFO_64, "PSCI_AFFINITY_INFO_64" },
	{ PSCI_MIGRATE, "PSCI_MIGRATE" },
	{ PSCI_MIGRATE_64, "PSCI_MIGRATE_64" },
	{ PSCI_MIGRATE_INFO_TYPE, "PSCI_MIGRATE_INFO_TYPE" },
	{ PSCI_MIGRATE_INFO_UP_CPU, "PSCI_MIGRATE_INFO_UP_CPU" },
	{ PSCI_MIGRATE_INFO_UP_CPU_64, "PSCI_MIGRATE_INFO_UP_CPU_64" },
	{ PSCI_SYSTEM_OFF, "PSCI_SYSTEM_OFF" },
	{ PSCI_SYSTEM_RESET, "PSCI_SYSTEM_RESET" },
	{ PSCI_FEATURES, "PSCI_FEATURES" },
	{ PSCI_CPU_FREEZE, "PSCI_CPU_FREEZE" },
	{ PSCI_CPU_DEFAULT_SUSPEND, "PSCI_CPU_DEFAULT_SUSPEND" },
	{ PSCI_CPU_DEFAULT_SUSPEND_64, "PSCI_CPU_DEFAULT_SUSPEND_64" },
	{ PSCI_NODE_HW_STATE, "PSCI_NODE_HW_STATE" },
	{ PSCI_NODE_HW_STATE_64, "PSCI_NODE_HW_STATE_64" },
	{ PSCI_SYSTEM_SUSPEND, "PSCI_SYSTEM_SUSPEND" },
	{ PSCI_SYSTEM_SUSPEND_64, "PSCI_SYSTEM_SUSPEND_64" },
	{ PSCI_SET_SUSPEND_MODE, "PSCI_SET_SUSPEND_MODE" },
	{ PSCI_STAT_RESIDENCY, "PSCI_STAT_RESIDENCY" },
	{ PSCI_STAT_RESIDENCY_64, "PSCI_STAT_RESIDENCY_64" },
	{ PSCI_STAT_COUNT, "PSCI_STAT_COUNT" },
	{ PSCI_STAT_COUNT_64, "PSCI_STAT_COUNT_64" },
	{ PSCI_SYSTEM_RESET2, "PSCI_SYSTEM_RESET2" },
	{ PSCI_SYSTEM_RESET2_64, "PSCI_SYSTEM_RESET2_64" },
	{ PSCI_MEM_PROTECT, "PSCI_MEM_PROTECT" },
	{ PSCI_MEM_PROTECT_CHECK_RANGE, "PSCI_MEM_PROTECT_CHECK_RANGE" },
	{ PSCI_MEM_PROTECT_CHECK_RANGE_64, "PSCI_MEM_PROTECT_CHECK_RANGE_64" },
	{ PSCI_SYSTEM_OFF2, "PSCI_SYSTEM_OFF2" },
	{ PSCI_SYSTEM_OFF2_64, "PSCI_SYSTEM_OFF2_64" },
	{ TRNG_VERSION, "TRNG_VERSION" },
	{ TRNG_FEATURES, "TRNG_FEATURES" },
	{ TRNG_GET_UUID, "TRNG_GET_UUID" },
	{ TRNG_RND32, "TRNG_RND32" },
	{ TRNG_RND64, "TRNG_RND64" },
	{ SMCCC_KVM_FEATURES_FID, "KVM_FEATURES" },
	{ SMCCC_KVM_PTP_FID, "KVM_PTP" },
	{ SMCCC_VENDOR_HYP_CALL_UID_FID, "VENDOR_HYP_CALL_UID" },
	{ SMCCC_PV_TIME_FEATURES_FID, "PV_TIME_FEATURES" },
	{ SMCCC_PV_TIME_ST_FID, "PV_TIME_ST" },
};

const char *smccc_owner_name(uint32_t fid)
{
	unsigned int owner = SMCCC_OWNER(fid);

	switch (owner) {
	case SMCCC_OWNER_ARCH: return "Arm Architecture Service";
	case SMCCC_OWNER_CPU: return "CPU Service";
	case SMCCC_OWNER_SIP: return "SiP Service";
	case SMCCC_OWNER_OEM: return "OEM Service";
	case SMCCC_OWNER_STANDARD: return "Standard Secure Service (PSCI, TRNG, FF-A, ...)";
	case SMCCC_OWNER_STANDARD_HYP: return "Standard Hypervisor Service";
	case SMCCC_OWNER_VENDOR_HYP: return "Vendor Specific Hypervisor Service";
	default:
		if (owner >= SMCCC_OWNER_TRUSTED_APP && owner <= SMCCC_OWNER_TRUSTED_APP_END)
			return "Trusted Application";
		if (owner >= SMCCC_OWNER_TRUSTED_OS && owner <= SMCCC_OWNER_TRUSTED_OS_END)
			return "Trusted OS";
		return "reserved owner";
	}
}

const char *smccc_fid_name(uint32_t fid)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].fid == fid)
			return known[i].name;
	return NULL;
}

void smccc_describe(uint32_t fid, char *buf, size_t len)
{
	const char *name = smccc_fid_name(fid);

	snprintf(buf, len, "%s, %s, %s, function 0x%04x%s%s%s",
		 SMCCC_IS_FAST(fid) ? "fast" : "yielding", SMCCC_IS_64(fid) ? "SMC64" : "SMC32",
		 smccc_owner_name(fid), SMCCC_FUNC_NUM(fid), name ? " (" : "", name ? name : "",
		 name ? ")" : "");
}
