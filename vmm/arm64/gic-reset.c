/*
 * The vGICv3 back to its power-on state on a guest reset.
 *
 * KVM has no reset for it, and it cannot be created again ("Only one VGIC
 * instance may be instantiated", Documentation/virt/kvm/devices/
 * arm-vgic-v3.rst).  Nor does re-initialising a vCPU cover it:
 * KVM_ARM_VCPU_INIT (kvm_reset_vcpu(), arch/arm64/kvm/reset.c) resets the
 * core and system registers, the PMU and the timer, not the redistributor
 * or the CPU interface; guest/reset-test saw every one of them keep its
 * dirtied value.  So right after KVM_DEV_ARM_VGIC_CTRL_INIT, before any vCPU
 * runs, gic_reset__snapshot() reads every register a guest can change
 * through the device's attribute groups (arm-vgic-v3.rst):
 * KVM_DEV_ARM_VGIC_GRP_DIST_REGS, _REDIST_REGS (attr: the vCPU's affinity
 * above the register's offset) and _CPU_SYSREGS (attr: the affinity above
 * the ICC register's op0/op1/CRn/CRm/op2), and gic_reset__restore() writes
 * them back while every vCPU waits (KVM refuses with EBUSY otherwise).
 *
 * How each kind is written back:
 *   - set-only registers (IS/ICENABLER, IS/ICACTIVER): the clear register
 *     with the bits that must be clear, then the set register;
 *   - ISPENDR: through this interface it reads and writes the pending latch
 *     itself, both ways, and ICPENDR is RAZ/WI (arm-vgic-v3.rst), so one
 *     write of the saved latch;
 *   - ICC_CTLR_EL1 before ICC_BPR1_EL1: with CBPR set KVM ignores BPR1
 *     writes (set_gic_bpr1(), arch/arm64/kvm/vgic-sys-reg-v3.c).
 * Input line levels (KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO) are not written: the
 * devices own their lines and lower them in their own reset (device.h; the
 * UART through KVM_IRQ_LINE, virtio raises edges), and the timers' PPIs are
 * reset by KVM_ARM_VCPU_INIT itself (kvm_timer_vcpu_reset() ->
 * kvm_vgic_reset_mapped_irq()), whose active state user space cannot
 * change anyway (vgic-mmio.c, vgic_hw_irq_change_active()).
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>

#include "../kvm-cpu.h"
#include "../kvm.h"
#include "../sandbox.h"
#include "../util.h"
#include "gic-regs.h"
#include "gic.h"
#include "kvm-arch.h"
#include "layout.h"

/* One register as KVM's attribute interface names it, and its power-on
 * value.  clear_attr: set-only registers; 0 (GICD_CTLR: never a clear
 * register) when one write does. */
struct gic_saved {
	const char *name;
	unsigned int cpu;		/* redistributor and CPU interface registers */
	uint32_t group;
	uint64_t attr, clear_attr;
	uint64_t val;			/* a __u32 for the MMIO groups, a __u64 for sysregs */
	bool optional;			/* may not exist: EINVAL when read */
};

struct gic_reset {
	struct gic_saved *regs;
	size_t n, max;
};

/* Per-INTID arrays of the distributor over the SPIs.  In the order they
 * are written back: the enables, actives and pendings once everything
 * they act on is in place. */
static const struct {
	const char *name;
	uint32_t set, clear;		/* clear: the set-only registers' pair */
	unsigned int bits;		/* per INTID */
} dist_arrays[] = {
	{ "GICD_IGROUPR", GICD_IGROUPR, 0, 1 },
	{ "GICD_ICFGR", GICD_ICFGR, 0, 2 },
	{ "GICD_IPRIORITYR", GICD_IPRIORITYR, 0, 8 },
	{ "GICD_IROUTER", GICD_IROUTER, 0, 64 },
	{ "GICD_ISENABLER", GICD_ISENABLER, GICD_ICENABLER, 1 },
	{ "GICD_ISACTIVER", GICD_ISACTIVER, GICD_ICACTIVER, 1 },
	{ "GICD_ISPENDR", GICD_ISPENDR, 0, 1 },
};

/* A redistributor's registers, offsets from RD_base; n 32-bit words. */
static const struct {
	const char *name;
	uint32_t set, clear;
	unsigned int n;
} redist_regs[] = {
	{ "GICR_CTLR", GICR_CTLR, 0, 1 },
	{ "GICR_WAKER", GICR_WAKER, 0, 1 },
	{ "GICR_PROPBASER", GICR_PROPBASER, 0, 2 },
	{ "GICR_PENDBASER", GICR_PENDBASER, 0, 2 },
	{ "GICR_IGROUPR0", GICR_SGI_BASE + GICR_IGROUPR0, 0, 1 },
	{ "GICR_ICFGR", GICR_SGI_BASE + GICR_ICFGR0, 0, 2 },
	{ "GICR_IPRIORITYR", GICR_SGI_BASE + GICR_IPRIORITYR0, 0, 8 },
	{ "GICR_ISENABLER0", GICR_SGI_BASE + GICR_ISENABLER0, GICR_SGI_BASE + GICR_ICENABLER0, 1 },
	{ "GICR_ISACTIVER0", GICR_SGI_BASE + GICR_ISACTIVER0, GICR_SGI_BASE + GICR_ICACTIVER0, 1 },
	{ "GICR_ISPENDR0", GICR_SGI_BASE + GICR_ISPENDR0, 0, 1 },
};

/* The attribute's instr field is the A64 op0/op1/CRn/CRm/op2 encoding, the
 * same fields as a KVM_REG_ARM64_SYSREG register id (arm-vgic-v3.rst,
 * KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS). */
#define ICC_INSTR(...)	(ARM64_SYS_REG(__VA_ARGS__) & KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK)

/* The CPU interface, in the order written back. */
static const struct {
	const char *name;
	uint64_t instr;
	bool optional;			/* AP0R1-3/AP1R1-3 exist with > 5 priority bits */
} cpu_sysregs[] = {
	{ "ICC_SRE_EL1", ICC_INSTR(ICC_SRE_EL1_ENC), false },
	{ "ICC_CTLR_EL1", ICC_INSTR(ICC_CTLR_EL1_ENC), false },
	{ "ICC_PMR_EL1", ICC_INSTR(ICC_PMR_EL1_ENC), false },
	{ "ICC_BPR0_EL1", ICC_INSTR(ICC_BPR0_EL1_ENC), false },
	{ "ICC_BPR1_EL1", ICC_INSTR(ICC_BPR1_EL1_ENC), false },
	{ "ICC_AP0R0_EL1", ICC_INSTR(ICC_AP0R0_EL1_ENC), false },
	{ "ICC_AP0R1_EL1", ICC_INSTR(ICC_AP0R1_EL1_ENC), true },
	{ "ICC_AP0R2_EL1", ICC_INSTR(ICC_AP0R2_EL1_ENC), true },
	{ "ICC_AP0R3_EL1", ICC_INSTR(ICC_AP0R3_EL1_ENC), true },
	{ "ICC_AP1R0_EL1", ICC_INSTR(ICC_AP1R0_EL1_ENC), false },
	{ "ICC_AP1R1_EL1", ICC_INSTR(ICC_AP1R1_EL1_ENC), true },
	{ "ICC_AP1R2_EL1", ICC_INSTR(ICC_AP1R2_EL1_ENC), true },
	{ "ICC_AP1R3_EL1", ICC_INSTR(ICC_AP1R3_EL1_ENC), true },
	{ "ICC_IGRPEN0_EL1", ICC_INSTR(ICC_IGRPEN0_EL1_ENC), false },
	{ "ICC_IGRPEN1_EL1", ICC_INSTR(ICC_IGRPEN1_EL1_ENC), false },
};

/* The mpidr field of an attribute: Aff3..Aff0, 8 bits each (arm-vgic-v3.rst),
 * from MPIDR_EL1's Aff3 (39:32) and Aff2..Aff0 (23:0). */
static uint64_t attr_mpidr(uint64_t mpidr)
{
	uint64_t aff = ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff);

	return aff << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
}

static int attr_access(int fd, const struct gic_saved *r, uint64_t attr, uint64_t *val,
		       bool set)
{
	uint32_t v32 = (uint32_t)*val;
	bool wide = r->group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
	struct kvm_device_attr a = {
		.group = r->group, .attr = attr,
		.addr = wide ? (uintptr_t)val : (uintptr_t)&v32,
	};

	if (ioctl(fd, set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a) < 0)
		return -errno;
	if (!set && !wide)
		*val = v32;
	return 0;
}

static void add(struct gic_reset *g, const char *name, unsigned int cpu, uint32_t group,
		uint64_t attr, uint64_t clear_attr, bool optional)
{
	if (g->n == g->max) {
		g->max = g->max ? 2 * g->max : 256;
		g->regs = realloc(g->regs, g->max * sizeof(*g->regs));
		if (!g->regs)
			die("vGICv3: out of memory");
	}
	g->regs[g->n++] = (struct gic_saved){
		.name = name, .cpu = cpu, .group = group, .attr = attr,
		.clear_attr = clear_attr, .optional = optional,
	};
}

static void list_registers(struct kvm *kvm, struct gic_reset *g)
{
	/* The distributor's CTLR first: at power-on it forwards nothing, so
	 * nothing reaches a CPU interface half restored. */
	add(g, "GICD_CTLR", 0, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_CTLR, 0, false);
	for (size_t i = 0; i < ARRAY_SIZE(dist_arrays); i++) {
		unsigned int bits = dist_arrays[i].bits;
		/* 32-bit words from INTID 32's on; 64-bit IROUTERs as two. */
		uint32_t first = GIC_NR_PRIVATE_IRQS * bits / 32;
		uint32_t words = (GIC_NR_IRQS - GIC_NR_PRIVATE_IRQS) * bits / 32;

		for (uint32_t w = first; w < first + words; w++)
			add(g, dist_arrays[i].name, 0, KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
			    dist_arrays[i].set + 4 * w,
			    dist_arrays[i].clear ? dist_arrays[i].clear + 4 * w : 0, false);
	}
	for (unsigned int c = 0; c < kvm->nr_cpus; c++) {
		uint64_t mp = attr_mpidr(kvm->cpus[c]->mpidr);

		for (size_t i = 0; i < ARRAY_SIZE(redist_regs); i++)
			for (unsigned int w = 0; w < redist_regs[i].n; w++)
				add(g, redist_regs[i].name, c, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
				    mp | (redist_regs[i].set + 4 * w),
				    redist_regs[i].clear ? mp | (redist_regs[i].clear + 4 * w) : 0,
				    false);
		for (size_t i = 0; i < ARRAY_SIZE(cpu_sysregs); i++)
			add(g, cpu_sysregs[i].name, c, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
			    mp | cpu_sysregs[i].instr, 0, cpu_sysregs[i].optional);
	}
}

/* Read every register into the list; registers that may be absent and
 * are dropped.  Setup: dies naming the register. */
static void read_all(struct kvm *kvm, struct gic_reset *g)
{
	size_t kept = 0;

	for (size_t i = 0; i < g->n; i++) {
		struct gic_saved *r = &g->regs[i];
		int err = attr_access(kvm->arch->vgic_fd, r, r->attr, &r->val, false);

		if (err == -EINVAL && r->optional)
			continue;	/* vgic_v3_max_apr_idx(): not with this many priority bits */
		if (err)
			die_errno(err, "vGICv3: KVM_GET_DEVICE_ATTR(%s, vCPU %u)", r->name, r->cpu);
		g->regs[kept++] = *r;
	}
	g->n = kept;
}

static int write_all(struct kvm *kvm, const struct gic_reset *g)
{
	int fd = kvm->arch->vgic_fd;

	for (size_t i = 0; i < g->n; i++) {
		const struct gic_saved *r = &g->regs[i];
		uint64_t v = r->val, clear = ~r->val;
		int err = 0;

		if (r->clear_attr)
			err = attr_access(fd, r, r->clear_attr, &clear, true);
		if (!err)
			err = attr_access(fd, r, r->attr, &v, true);
		if (err) {
			pr_err("vGICv3: KVM_SET_DEVICE_ATTR(%s, vCPU %u, 0x%llx): %s", r->name, r->cpu,
			       (unsigned long long)r->val, strerror(-err));
			return err;
		}
	}
	return 0;
}

void gic_reset__snapshot(struct kvm *kvm)
{
	struct gic_reset *g = calloc(1, sizeof(*g));

	if (!g)
		die("vGICv3: out of memory");
	list_registers(kvm, g);
	read_all(kvm, g);
	/*
	 * The power-on state is the one after writing it back once, so that
	 * a restore reproduces it exactly: KVM sanitises every GICR_PROPBASER
	 * write (vgic_sanitise_propbaser(), vgic-mmio-v3.c), and without an
	 * ITS its initial 0 is not a value a write can give.  (No LPIs here:
	 * GICR_TYPER.PLPIS is 0, so the value means nothing either way.)  It
	 * also proves at setup that every write the reset makes works.
	 */
	if (write_all(kvm, g))
		die("vGICv3: writing the power-on state back failed");
	read_all(kvm, g);
	kvm->arch->gic_reset = g;
	sandbox__allow_ioctl(kvm->arch->vgic_fd, KVM_SET_DEVICE_ATTR, "KVM_SET_DEVICE_ATTR",
			     "resetting the vGIC on a guest reset");
	pr_debug("vGICv3: %zu registers kept for a guest reset", g->n);
}

int gic_reset__restore(struct kvm *kvm)
{
	return write_all(kvm, kvm->arch->gic_reset);
}
