/* SMCCC calls through HVC or SMC, and PSCI helpers. */
#include "guest.h"
#include "policy/smccc.h"

struct smccc_res smccc_call(enum conduit c, u64 x0, u64 x1, u64 x2, u64 x3,
			    u64 x4, u64 x5, u64 x6, u64 x7)
{
	register u64 r0 __asm__("x0") = x0;
	register u64 r1 __asm__("x1") = x1;
	register u64 r2 __asm__("x2") = x2;
	register u64 r3 __asm__("x3") = x3;
	register u64 r4 __asm__("x4") = x4;
	register u64 r5 __asm__("x5") = x5;
	register u64 r6 __asm__("x6") = x6;
	register u64 r7 __asm__("x7") = x7;
	struct smccc_res res;

	/* SMCCC 1.0 lets x4-x17 be clobbered; 1.1+ preserves them. */
	if (c == CONDUIT_SMC)
		__asm__ volatile("smc #0"
				 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3),
				   "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
				 :
				 : "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	else if (c == CONDUIT_HVC)
		__asm__ volatile("hvc #0"
				 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3),
				   "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
				 :
				 : "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	else
		r0 = (u64)(s64)SMCCC_RET_NOT_SUPPORTED;
	res.a0 = r0;
	res.a1 = r1;
	res.a2 = r2;
	res.a3 = r3;
	return res;
}

const char *conduit_name(enum conduit c)
{
	return c == CONDUIT_HVC ? "hvc" : c == CONDUIT_SMC ? "smc" : "none";
}

enum conduit conduit_parse(const char *s, size_t len)
{
	if (len == 3 && !strncmp(s, "hvc", 3))
		return CONDUIT_HVC;
	if (len == 3 && !strncmp(s, "smc", 3))
		return CONDUIT_SMC;
	return CONDUIT_NONE;
}

enum conduit psci_dtb_conduit(const void *fdt)
{
	int node;
	const char *m;

	if (!fdt || fdt_check(fdt, NULL))
		return CONDUIT_NONE;
	node = fdt_path_offset(fdt, "/psci");
	if (node < 0)
		node = fdt_find_compatible(fdt, -1, "arm,psci-0.2");
	if (node < 0)
		return CONDUIT_NONE;
	m = fdt_getprop_str(fdt, node, "method");
	return m ? conduit_parse(m, strlen(m)) : CONDUIT_NONE;
}

void system_off(const void *fdt)
{
	enum conduit c = psci_dtb_conduit(fdt);

	if (c == CONDUIT_NONE)
		printf("# no /psci method in the DTB: cannot SYSTEM_OFF\n");
	else
		smccc0(c, PSCI_SYSTEM_OFF, 0, 0, 0);
	printf("# SYSTEM_OFF returned\n");
	for (;;)
		__asm__ volatile("wfi");
}

const char *psci_ret_name(u64 ret)
{
	switch ((s64)ret) {
	case PSCI_RET_SUCCESS:		return "SUCCESS";
	case PSCI_RET_NOT_SUPPORTED:	return "NOT_SUPPORTED";
	case PSCI_RET_INVALID_PARAMETERS:	return "INVALID_PARAMETERS";
	case PSCI_RET_DENIED:		return "DENIED";
	case PSCI_RET_ALREADY_ON:	return "ALREADY_ON";
	case PSCI_RET_ON_PENDING:	return "ON_PENDING";
	case PSCI_RET_INTERNAL_FAILURE:	return "INTERNAL_FAILURE";
	case PSCI_RET_NOT_PRESENT:	return "NOT_PRESENT";
	case PSCI_RET_DISABLED:		return "DISABLED";
	case PSCI_RET_INVALID_ADDRESS:	return "INVALID_ADDRESS";
	default:			return "";
	}
}

const char *psci_fn_name(u32 fid)
{
	switch (fid) {
	case PSCI_VERSION:			return "PSCI_VERSION";
	case PSCI_CPU_SUSPEND:			return "CPU_SUSPEND";
	case PSCI_CPU_SUSPEND_64:		return "CPU_SUSPEND_64";
	case PSCI_CPU_OFF:			return "CPU_OFF";
	case PSCI_CPU_ON:			return "CPU_ON";
	case PSCI_CPU_ON_64:			return "CPU_ON_64";
	case PSCI_AFFINITY_INFO:		return "AFFINITY_INFO";
	case PSCI_AFFINITY_INFO_64:		return "AFFINITY_INFO_64";
	case PSCI_MIGRATE:			return "MIGRATE";
	case PSCI_MIGRATE_64:			return "MIGRATE_64";
	case PSCI_MIGRATE_INFO_TYPE:		return "MIGRATE_INFO_TYPE";
	case PSCI_MIGRATE_INFO_UP_CPU:		return "MIGRATE_INFO_UP_CPU";
	case PSCI_MIGRATE_INFO_UP_CPU_64:	return "MIGRATE_INFO_UP_CPU_64";
	case PSCI_SYSTEM_OFF:			return "SYSTEM_OFF";
	case PSCI_SYSTEM_RESET:			return "SYSTEM_RESET";
	case PSCI_FEATURES:			return "PSCI_FEATURES";
	case PSCI_CPU_FREEZE:			return "CPU_FREEZE";
	case PSCI_CPU_DEFAULT_SUSPEND:		return "CPU_DEFAULT_SUSPEND";
	case PSCI_CPU_DEFAULT_SUSPEND_64:	return "CPU_DEFAULT_SUSPEND_64";
	case PSCI_NODE_HW_STATE:		return "NODE_HW_STATE";
	case PSCI_NODE_HW_STATE_64:		return "NODE_HW_STATE_64";
	case PSCI_SYSTEM_SUSPEND:		return "SYSTEM_SUSPEND";
	case PSCI_SYSTEM_SUSPEND_64:		return "SYSTEM_SUSPEND_64";
	case PSCI_SET_SUSPEND_MODE:		return "SET_SUSPEND_MODE";
	case PSCI_STAT_RESIDENCY:		return "STAT_RESIDENCY";
	case PSCI_STAT_RESIDENCY_64:		return "STAT_RESIDENCY_64";
	case PSCI_STAT_COUNT:			return "STAT_COUNT";
	case PSCI_STAT_COUNT_64:		return "STAT_COUNT_64";
	case PSCI_SYSTEM_RESET2:		return "SYSTEM_RESET2";
	case PSCI_SYSTEM_RESET2_64:		return "SYSTEM_RESET2_64";
	case PSCI_MEM_PROTECT:			return "MEM_PROTECT";
	case PSCI_MEM_PROTECT_CHECK_RANGE:	return "MEM_PROTECT_CHECK_RANGE";
	case PSCI_MEM_PROTECT_CHECK_RANGE_64:	return "MEM_PROTECT_CHECK_RANGE_64";
	case PSCI_SYSTEM_OFF2:			return "SYSTEM_OFF2";
	case PSCI_SYSTEM_OFF2_64:		return "SYSTEM_OFF2_64";
	case SMCCC_VERSION_FID:			return "SMCCC_VERSION";
	case SMCCC_ARCH_FEATURES_FID:		return "SMCCC_ARCH_FEATURES";
	case SMCCC_ARCH_SOC_ID_FID:		return "SMCCC_ARCH_SOC_ID";
	default:				return "";
	}
}

const char *psci_ret_show(char *buf, u64 v)
{
	s64 s = (s64)v;

	if (s < 0 && s >= -64) {
		const char *n = psci_ret_name(v);

		snprintf(buf, 40, "%lld%s%s%s", (long long)s, *n ? " (" : "",
			 n, *n ? ")" : "");
	} else {
		snprintf(buf, 40, "0x%llx", (unsigned long long)v);
	}
	return buf;
}
