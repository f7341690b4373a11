/*
 * GICv3 register offsets and CPU interface system register encodings
 * (Arm IHI 0069, GIC architecture specification v3/v4: the Distributor
 * register map, the Redistributor's RD_base and SGI_base frames, and the
 * ICC_* System registers).  Architectural, so not in the KVM UAPI.
 * Checked against Linux's include/linux/irqchip/arm-gic-v3.h (GICD_*,
 * GICR_*), arch/arm64/include/asm/sysreg.h (SYS_ICC_*) and KVM's register
 * tables (arch/arm64/kvm/vgic/vgic-mmio-v3.c, vgic-sys-reg-v3.c).
 *
 * Macros only: the VMM and the freestanding test guests both include it.
 */
#ifndef VMM_ARM64_GIC_REGS_H
#define VMM_ARM64_GIC_REGS_H

/* Distributor, from its base.  The per-interrupt registers are arrays:
 * one bit (IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER), one byte
 * (IPRIORITYR), two bits (ICFGR) or 64 bits (IROUTER) per INTID. */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0C00
#define GICD_IROUTER		0x6000

/* GICD_CTLR with a single Security state (DS = 1, as KVM's vGIC). */
#define GICD_CTLR_ENABLE_G0	(1U << 0)
#define GICD_CTLR_ENABLE_G1	(1U << 1)
/* GICD_TYPER.ITLinesNumber: 32 * (N + 1) INTIDs. */
#define GICD_TYPER_ITLINES(t)	((t) & 0x1f)

/* Redistributor: two 64 KiB frames per CPU, RD_base then SGI_base. */
#define GICR_FRAME_SIZE		0x10000
#define GICR_STRIDE		(2 * GICR_FRAME_SIZE)
#define GICR_SGI_BASE		GICR_FRAME_SIZE
/* RD_base */
#define GICR_CTLR		0x0000
#define GICR_TYPER		0x0008		/* 64 bits */
#define GICR_WAKER		0x0014
#define GICR_PROPBASER		0x0070		/* 64 bits */
#define GICR_PENDBASER		0x0078		/* 64 bits */
#define GICR_TYPER_LAST		(1ULL << 4)
#define GICR_TYPER_AFF_SHIFT	32
/* SGI_base: the SGIs' and PPIs' (INTIDs 0-31) registers. */
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_ICENABLER0		0x0180
#define GICR_ISPENDR0		0x0200
#define GICR_ICPENDR0		0x0280
#define GICR_ISACTIVER0		0x0300
#define GICR_ICACTIVER0		0x0380
#define GICR_IPRIORITYR0	0x0400		/* 8 registers */
#define GICR_ICFGR0		0x0C00		/* 2 registers */

#define GIC_NR_PRIVATE_IRQS	32		/* SGIs 0-15, PPIs 16-31 */

/* CPU interface System registers as op0, op1, CRn, CRm, op2. */
#define ICC_PMR_EL1_ENC		3, 0, 4, 6, 0
#define ICC_BPR0_EL1_ENC	3, 0, 12, 8, 3
#define ICC_AP0R0_EL1_ENC	3, 0, 12, 8, 4	/* AP0R<n>: op2 4 + n */
#define ICC_AP0R1_EL1_ENC	3, 0, 12, 8, 5
#define ICC_AP0R2_EL1_ENC	3, 0, 12, 8, 6
#define ICC_AP0R3_EL1_ENC	3, 0, 12, 8, 7
#define ICC_AP1R0_EL1_ENC	3, 0, 12, 9, 0	/* AP1R<n>: op2 n */
#define ICC_AP1R1_EL1_ENC	3, 0, 12, 9, 1
#define ICC_AP1R2_EL1_ENC	3, 0, 12, 9, 2
#define ICC_AP1R3_EL1_ENC	3, 0, 12, 9, 3
#define ICC_IAR1_EL1_ENC	3, 0, 12, 12, 0
#define ICC_EOIR1_EL1_ENC	3, 0, 12, 12, 1
#define ICC_BPR1_EL1_ENC	3, 0, 12, 12, 3
#define ICC_CTLR_EL1_ENC	3, 0, 12, 12, 4
#define ICC_SRE_EL1_ENC		3, 0, 12, 12, 5
#define ICC_IGRPEN0_EL1_ENC	3, 0, 12, 12, 6
#define ICC_IGRPEN1_EL1_ENC	3, 0, 12, 12, 7

#define ICC_CTLR_CBPR		(1U << 0)
#define ICC_CTLR_EOIMODE	(1U << 1)
#define ICC_CTLR_PRIBITS(c)	((((c) >> 8) & 7) + 1)	/* priority bits */
#define ICC_IAR_SPURIOUS	1023

#endif
