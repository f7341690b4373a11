/*
 * SMCCC and PSCI constants: the one place that names them.
 *
 * Sources (sections cited by number and title):
 *   Arm DEN 0028, "SMC Calling Convention" (SMCCC), v1.2 and later.
 *   Arm DEN 0022F.b, "Arm Power State Coordination Interface Platform Design
 *   Document" (PSCI 1.3): section numbers below are that (checked);
 *   issue D.b (PSCI 1.1) numbers SYSTEM_OFF and later one lower.
 *   Arm DEN 0098, "Arm True Random Number Generator Firmware Interface"
 *   1.0: function IDs and return codes as TF-A (include/services/trng_svc.h)
 *   and Linux (include/linux/arm-smccc.h) define them.
 *   Linux arch/arm64/kvm/hypercalls.c for KVM's reserved filter ranges.
 *
 * Macros only -- no #include, no types, no functions -- because freestanding
 * aarch64 guest code includes this header too.
 */
#ifndef POLICY_SMCCC_H
#define POLICY_SMCCC_H

/* ------------------------------------------------------------------------
 * SMCCC return codes (DEN 0028 §7.1 "Return codes"; signed 32-bit values,
 * written to X0/W0 sign-extended).
 */
#define SMCCC_RET_SUCCESS		0
#define SMCCC_RET_NOT_SUPPORTED		(-1)
#define SMCCC_RET_NOT_REQUIRED		(-2)
#define SMCCC_RET_INVALID_PARAMETER	(-3)

/* ------------------------------------------------------------------------
 * Function Identifier layout (DEN 0028 §2.5 "Function Identifiers",
 * Table 2-1).  The identifier is W0; X0[63:32] is not part of it.
 */
#define SMCCC_FAST_CALL			0x80000000U	/* bit 31: 1 = fast call */
#define SMCCC_YIELDING_CALL		0x00000000U
#define SMCCC_SMC64			0x40000000U	/* bit 30: 1 = SMC64/HVC64 */
#define SMCCC_SMC32			0x00000000U
#define SMCCC_OWNER_SHIFT		24
#define SMCCC_OWNER_MASK		0x3FU		/* bits 29:24 */
#define SMCCC_SVE_HINT			0x00010000U	/* bit 16 (SMCCC v1.3) */
#define SMCCC_FUNC_MASK			0xFFFFU		/* bits 15:0 */

#define SMCCC_OWNER(fid)	(((fid) >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK)
#define SMCCC_FUNC_NUM(fid)	((fid) & SMCCC_FUNC_MASK)
#define SMCCC_IS_FAST(fid)	(((fid) & SMCCC_FAST_CALL) != 0)
#define SMCCC_IS_64(fid)	(((fid) & SMCCC_SMC64) != 0)

/* Build a fast-call ID: SMCCC_FAST_ID(SMCCC_SMC64, SMCCC_OWNER_SIP, 3). */
#define SMCCC_FAST_ID(width, owner, num)				\
	(SMCCC_FAST_CALL | (width) |					\
	 (((owner) & SMCCC_OWNER_MASK) << SMCCC_OWNER_SHIFT) |		\
	 ((num) & SMCCC_FUNC_MASK))

/* Owning entity numbers (DEN 0028 §6 "Function Identifier ranges",
 * Table 6-1 "Allocation of values"). */
#define SMCCC_OWNER_ARCH		0U	/* Arm Architecture calls */
#define SMCCC_OWNER_CPU			1U	/* CPU service calls */
#define SMCCC_OWNER_SIP			2U	/* SiP service calls */
#define SMCCC_OWNER_OEM			3U	/* OEM service calls */
#define SMCCC_OWNER_STANDARD		4U	/* Standard secure (PSCI, ...) */
#define SMCCC_OWNER_STANDARD_HYP	5U	/* Standard hypervisor calls */
#define SMCCC_OWNER_VENDOR_HYP		6U	/* Vendor-specific hypervisor */
#define SMCCC_OWNER_TRUSTED_APP		48U	/* Trusted Application calls */
#define SMCCC_OWNER_TRUSTED_APP_END	49U
#define SMCCC_OWNER_TRUSTED_OS		50U	/* Trusted OS calls */
#define SMCCC_OWNER_TRUSTED_OS_END	63U

/* Arm Architecture calls (DEN 0028 §7 "Arm Architecture Calls"). */
#define SMCCC_VERSION_FID		0x80000000U	/* §7.2 SMCCC_VERSION */
#define SMCCC_ARCH_FEATURES_FID		0x80000001U	/* §7.3 */
#define SMCCC_ARCH_SOC_ID_FID		0x80000002U	/* §7.4 */
#define SMCCC_ARCH_WORKAROUND_1_FID	0x80008000U	/* §7.5 */
#define SMCCC_ARCH_WORKAROUND_2_FID	0x80007FFFU	/* §7.6 */
#define SMCCC_ARCH_WORKAROUND_3_FID	0x80003FFFU	/* §7.7 */

/* SMCCC_VERSION encoding (§7.2): major in bits 30:16, minor in 15:0. */
#define SMCCC_VERSION_1_0		0x10000U
#define SMCCC_VERSION_1_1		0x10001U
#define SMCCC_VERSION_1_2		0x10002U

/*
 * KVM's reserved Arm Architecture ranges: kvm_smccc_filter_insert_reserved()
 * (arch/arm64/kvm/hypercalls.c) pre-inserts both into the SMCCC filter, so
 * KVM_ARM_VM_SMCCC_FILTER refuses (EEXIST) any range that overlaps them and
 * KVM always handles these calls itself.  Inclusive bounds.
 */
#define SMCCC_KVM_RESERVED32_FIRST	0x80000000U
#define SMCCC_KVM_RESERVED32_LAST	0x8000FFFFU
#define SMCCC_KVM_RESERVED64_FIRST	0xC0000000U
#define SMCCC_KVM_RESERVED64_LAST	0xC000FFFFU

/*
 * IDs KVM answers itself (per Linux include/linux/arm-smccc.h and
 * arch/arm64/kvm/hypercalls.c): the KVM vendor hypervisor service and the
 * paravirtualised time calls of the Standard Hypervisor service.
 */
#define SMCCC_KVM_FEATURES_FID		0x86000000U	/* vendor hyp function 0 */
#define SMCCC_KVM_PTP_FID		0x86000001U	/* vendor hyp function 1 */
#define SMCCC_VENDOR_HYP_CALL_UID_FID	0x8600FF01U	/* vendor hyp 0xFF01 */
#define SMCCC_PV_TIME_FEATURES_FID	0xC5000020U	/* SMC64, std hyp 0x20 */
#define SMCCC_PV_TIME_ST_FID		0xC5000021U	/* SMC64, std hyp 0x21 */

/* Service ranges for a few owners (DEN 0028 Table 6-1), inclusive. */
#define SMCCC_SIP32_FIRST		0x82000000U
#define SMCCC_SIP32_LAST		0x8200FFFFU
#define SMCCC_SIP64_FIRST		0xC2000000U
#define SMCCC_SIP64_LAST		0xC200FFFFU
#define SMCCC_VENDOR_HYP32_FIRST	0x86000000U
#define SMCCC_VENDOR_HYP32_LAST		0x8600FFFFU

/* ------------------------------------------------------------------------
 * PSCI function IDs (DEN 0022 §5.1 "Function prototypes" and the "PSCI function
 * summary").  PSCI occupies function numbers 0x00-0x1F of the Standard
 * Secure service: 0x84000000-0x8400001F (SMC32), 0xC4000000-0xC400001F
 * (SMC64).  _64 variants exist only where the spec defines one.
 */
#define PSCI_FID32_FIRST		0x84000000U
#define PSCI_FID32_LAST			0x8400001FU
#define PSCI_FID64_FIRST		0xC4000000U
#define PSCI_FID64_LAST			0xC400001FU
#define PSCI_FN_MASK			0x1FU

#define PSCI_0_2_FN_BASE		0x84000000U
#define PSCI_0_2_FN64_BASE		0xC4000000U

#define PSCI_VERSION			0x84000000U	/* §5.1.1, 0.2+ */
#define PSCI_CPU_SUSPEND		0x84000001U	/* §5.1.2 */
#define PSCI_CPU_SUSPEND_64		0xC4000001U
#define PSCI_CPU_OFF			0x84000002U	/* §5.1.3 */
#define PSCI_CPU_ON			0x84000003U	/* §5.1.4 */
#define PSCI_CPU_ON_64			0xC4000003U
#define PSCI_AFFINITY_INFO		0x84000004U	/* §5.1.5 */
#define PSCI_AFFINITY_INFO_64		0xC4000004U
#define PSCI_MIGRATE			0x84000005U	/* §5.1.6 */
#define PSCI_MIGRATE_64			0xC4000005U
#define PSCI_MIGRATE_INFO_TYPE		0x84000006U	/* §5.1.7 */
#define PSCI_MIGRATE_INFO_UP_CPU	0x84000007U	/* §5.1.8 */
#define PSCI_MIGRATE_INFO_UP_CPU_64	0xC4000007U
#define PSCI_SYSTEM_OFF			0x84000008U	/* §5.1.9 */
#define PSCI_SYSTEM_RESET		0x84000009U	/* §5.1.11 */
#define PSCI_FEATURES			0x8400000AU	/* §5.1.15, 1.0+ */
#define PSCI_CPU_FREEZE			0x8400000BU	/* 1.0+ */
#define PSCI_CPU_DEFAULT_SUSPEND	0x8400000CU	/* 1.0+ */
#define PSCI_CPU_DEFAULT_SUSPEND_64	0xC400000CU
#define PSCI_NODE_HW_STATE		0x8400000DU	/* 1.0+ */
#define PSCI_NODE_HW_STATE_64		0xC400000DU
#define PSCI_SYSTEM_SUSPEND		0x8400000EU	/* 1.0+ */
#define PSCI_SYSTEM_SUSPEND_64		0xC400000EU
#define PSCI_SET_SUSPEND_MODE		0x8400000FU	/* 1.0+ */
#define PSCI_STAT_RESIDENCY		0x84000010U	/* 1.0+ */
#define PSCI_STAT_RESIDENCY_64		0xC4000010U
#define PSCI_STAT_COUNT			0x84000011U	/* 1.0+ */
#define PSCI_STAT_COUNT_64		0xC4000011U
#define PSCI_SYSTEM_RESET2		0x84000012U	/* 1.1+ */
#define PSCI_SYSTEM_RESET2_64		0xC4000012U
#define PSCI_MEM_PROTECT		0x84000013U	/* 1.1+ */
#define PSCI_MEM_PROTECT_CHECK_RANGE	0x84000014U	/* 1.1+ */
#define PSCI_MEM_PROTECT_CHECK_RANGE_64	0xC4000014U
#define PSCI_SYSTEM_OFF2		0x84000015U	/* 1.3+ */
#define PSCI_SYSTEM_OFF2_64		0xC4000015U

/* Function number (bits 4:0) of a PSCI ID, for tables indexed by it. */
#define PSCI_FN_NUM(fid)		((fid) & PSCI_FN_MASK)

/* ------------------------------------------------------------------------
 * PSCI return codes (DEN 0022 §5.2.2 "Return error codes").
 */
#define PSCI_RET_SUCCESS		0
#define PSCI_RET_NOT_SUPPORTED		(-1)
#define PSCI_RET_INVALID_PARAMETERS	(-2)
#define PSCI_RET_DENIED			(-3)
#define PSCI_RET_ALREADY_ON		(-4)
#define PSCI_RET_ON_PENDING		(-5)
#define PSCI_RET_INTERNAL_FAILURE	(-6)
#define PSCI_RET_NOT_PRESENT		(-7)
#define PSCI_RET_DISABLED		(-8)
#define PSCI_RET_INVALID_ADDRESS	(-9)

/* AFFINITY_INFO return states (DEN 0022 §5.1.5; ON_PENDING is never
 * answered here: a CPU that CPU_ON started is ON at once, as in KVM). */
#define PSCI_AFFINITY_ON		0
#define PSCI_AFFINITY_OFF		1
#define PSCI_AFFINITY_ON_PENDING	2
/* Highest lowest_affinity_level argument accepted (Aff0..Aff3). */
#define PSCI_AFFINITY_LEVEL_MAX		3U

/* MIGRATE_INFO_TYPE results (DEN 0022 §5.1.7, §5.9). */
#define PSCI_TOS_UP_MIGRATE_CAPABLE	0
#define PSCI_TOS_UP_NOT_MIGRATE_CAPABLE	1
#define PSCI_TOS_NOT_PRESENT_MP		2	/* no Trusted OS / no migration */

/* PSCI_VERSION encoding (DEN 0022 §5.1.1): major 30:16, minor 15:0. */
#define PSCI_VERSION_MAJOR_SHIFT	16
#define PSCI_VERSION_MINOR_MASK		0xFFFFU
#define PSCI_MAKE_VERSION(maj, min)	(((maj) << PSCI_VERSION_MAJOR_SHIFT) | (min))
#define PSCI_VERSION_MAJOR(v)		(((v) >> PSCI_VERSION_MAJOR_SHIFT) & 0x7FFFU)
#define PSCI_VERSION_MINOR(v)		((v) & PSCI_VERSION_MINOR_MASK)
#define PSCI_VERSION_0_2		0x00000002U
#define PSCI_VERSION_1_0		0x00010000U
#define PSCI_VERSION_1_1		0x00010001U

/* CPU_SUSPEND power_state, original format (DEN 0022 §5.4.2). */
#define PSCI_POWER_STATE_ID_MASK	0x0000FFFFU	/* bits 15:0 StateID */
#define PSCI_POWER_STATE_TYPE		0x00010000U	/* bit 16: 1 = powerdown */
#define PSCI_POWER_STATE_LEVEL_SHIFT	24		/* bits 25:24 PowerLevel */
#define PSCI_POWER_STATE_LEVEL_MASK	0x03000000U
#define PSCI_POWER_STATE_VALID_MASK	0x0301FFFFU	/* others are reserved */

/* PSCI_FEATURES flags for CPU_SUSPEND (DEN 0022 §5.16.1, Table 11). */
#define PSCI_FEATURE_OSI_MODE		0x1U	/* bit 0: OS-initiated mode */
#define PSCI_FEATURE_EXTENDED_STATEID	0x2U	/* bit 1: extended power_state */

/* SYSTEM_RESET2 reset_type (DEN 0022 §5.13.1, Table 10). */
#define PSCI_RESET2_VENDOR		0x80000000U	/* bit 31: vendor-specific */
#define PSCI_RESET2_SYSTEM_WARM_RESET	0x00000000U

/* MPIDR affinity fields as PSCI passes them (DEN 0022 §5.1.4 "target_cpu"):
 * Aff3 bits 39:32, Aff2 23:16, Aff1 15:8, Aff0 7:0. */
#define PSCI_MPIDR_AFF_MASK		0xFF00FFFFFFULL
#define PSCI_MPIDR_AFF_LEVEL_MASK(lvl)					\
	((lvl) == 0 ? 0xFF00FFFFFFULL : (lvl) == 1 ? 0xFF00FFFF00ULL :	\
	 (lvl) == 2 ? 0xFF00FF0000ULL : 0xFF00000000ULL)

/* ------------------------------------------------------------------------
 * SMCCC TRNG (Arm DEN 0098, "True Random Number Generator Firmware
 * Interface"): function numbers 0x50-0x5F of the Standard Secure service.
 */
#define TRNG_FID32_FIRST		0x84000050U
#define TRNG_FID32_LAST			0x8400005FU
#define TRNG_FID64_FIRST		0xC4000050U
#define TRNG_FID64_LAST			0xC400005FU

#define TRNG_VERSION			0x84000050U
#define TRNG_FEATURES			0x84000051U
#define TRNG_GET_UUID			0x84000052U
#define TRNG_RND32			0x84000053U
#define TRNG_RND64			0xC4000053U

#define TRNG_RET_SUCCESS		0
#define TRNG_RET_NOT_SUPPORTED		(-1)
#define TRNG_RET_INVALID_PARAMETERS	(-2)
#define TRNG_RET_NO_ENTROPY		(-3)

#define TRNG_VERSION_1_0		0x00010000U	/* major 30:16, minor 15:0 */
#define TRNG_RND32_MAX_BITS		96		/* W1..W3 */
#define TRNG_RND64_MAX_BITS		192		/* X1..X3 */

#endif /* POLICY_SMCCC_H */
