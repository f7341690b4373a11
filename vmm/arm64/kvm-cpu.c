/* arm64 vCPU specifics: KVM_ARM_VCPU_INIT, core registers, reset, dump. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/kvm.h>

#include "../arch.h"
#include "../kvm-cpu.h"
#include "../kvm.h"
#include "../sandbox.h"
#include "../util.h"
#include "cpu-features.h"

#define CORE_REG(name) \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(name))
#define XREG(n)		CORE_REG(regs.regs[n])
#define REG_PC		CORE_REG(regs.pc)
#define REG_PSTATE	CORE_REG(regs.pstate)
#define REG_SP_EL1	CORE_REG(sp_el1)
#define REG_ELR_EL1	CORE_REG(elr_el1)
/* MPIDR_EL1: op0 3, op1 0, CRn 0, CRm 0, op2 5 (Arm ARM D23.2). */
#define REG_MPIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 5)
#define REG_ESR_EL1	ARM64_SYS_REG(3, 0, 5, 2, 0)
#define REG_FAR_EL1	ARM64_SYS_REG(3, 0, 6, 0, 0)

static int get_reg(struct kvm_cpu *cpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	cpu->stats.get_one_reg++;
	return ioctl(cpu->fd, KVM_GET_ONE_REG, &reg) < 0 ? -errno : 0;
}

static int set_reg(struct kvm_cpu *cpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	cpu->stats.set_one_reg++;
	return ioctl(cpu->fd, KVM_SET_ONE_REG, &reg) < 0 ? -errno : 0;
}

/*
 * KVM_ARM_PREFERRED_TARGET once, at setup: re-initialising a vCPU on the run
 * path (CPU_ON, reset) then takes one ioctl, and the sandbox need not allow
 * this one.  Written before any vCPU thread exists.
 */
static struct kvm_vcpu_init preferred;
static bool have_preferred;

static int vcpu_init(struct kvm_cpu *cpu, bool powered_off)
{
	struct kvm_vcpu_init init;

	if (!have_preferred) {
		kvm_ioctl(cpu->kvm->vm_fd, KVM_ARM_PREFERRED_TARGET, &preferred);
		have_preferred = true;
	}
	init = preferred;
	memset(init.features, 0, sizeof(init.features));
	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
	cpu_features__vcpu_init(cpu->kvm, &init);
	if (powered_off)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	return ioctl(cpu->fd, KVM_ARM_VCPU_INIT, &init) < 0 ? -errno : 0;
}

void kvm_cpu__arch_sandbox(struct kvm_cpu *cpu)
{
	sandbox__allow_ioctl(cpu->fd, KVM_ARM_VCPU_INIT, "KVM_ARM_VCPU_INIT",
			     "vCPU reset on CPU_ON and guest reset");
}

int kvm_cpu__arch_init(struct kvm_cpu *cpu, bool powered_off)
{
	int r = vcpu_init(cpu, powered_off);

	/* The first init, at setup (MPIDR_EL1 is never 0: bit 31 is RES1). */
	if (!r && !cpu->mpidr) {
		r = cpu_features__finalize(cpu);
		if (!r)
			r = get_reg(cpu, REG_MPIDR_EL1, &cpu->mpidr);
	}
	return r;
}

/*
 * KVM_ARM_VCPU_INIT resets the vCPU to its architectural reset state: EL1h
 * with DAIF masked, MMU and caches off (api.rst, KVM_ARM_VCPU_INIT), which is
 * what both the boot protocol and PSCI CPU_ON (DEN 0022 6.4.3) require.
 * Without KVM_ARM_VCPU_POWER_OFF the vCPU comes back runnable.
 */
int kvm_cpu__arch_reset_to(struct kvm_cpu *cpu, uint64_t entry, uint64_t x0)
{
	int r = vcpu_init(cpu, false);

	if (!r)
		r = set_reg(cpu, REG_PC, entry);
	if (!r)
		r = set_reg(cpu, XREG(0), x0);
	return r;
}

int kvm_cpu__get_xregs(struct kvm_cpu *cpu, unsigned int first, uint64_t *x, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		int r = get_reg(cpu, XREG(first + i), &x[i]);

		if (r)
			return r;
	}
	return 0;
}

int kvm_cpu__set_xregs(struct kvm_cpu *cpu, const uint64_t *x, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		int r = set_reg(cpu, XREG(i), x[i]);

		if (r)
			return r;
	}
	return 0;
}

/* KVM's own PSCI answers PSCI_VERSION from this firmware register, whose
 * value is the PSCI version encoding (api.rst and
 * Documentation/virt/kvm/arm/fw-pseudo-registers.rst, KVM_REG_ARM_PSCI_VERSION;
 * KVM accepts 0.2, 1.0 and 1.1 for a vCPU with KVM_ARM_VCPU_PSCI_0_2). */
int kvm_cpu__arch_set_psci_version(struct kvm_cpu *cpu, uint32_t version)
{
	return set_reg(cpu, KVM_REG_ARM_PSCI_VERSION, version);
}

void kvm_cpu__dump(struct kvm_cpu *cpu)
{
	uint64_t x[31], pc = 0, pstate = 0, sp = 0, elr = 0, esr = 0, far = 0;
	char line[160];

	if (kvm_cpu__get_xregs(cpu, 0, x, 31)) {
		pr_err("vCPU %u: registers unavailable", cpu->id);
		return;
	}
	get_reg(cpu, REG_PC, &pc);
	get_reg(cpu, REG_PSTATE, &pstate);
	get_reg(cpu, REG_SP_EL1, &sp);
	get_reg(cpu, REG_ELR_EL1, &elr);
	get_reg(cpu, REG_ESR_EL1, &esr);
	get_reg(cpu, REG_FAR_EL1, &far);
	pr_err("vCPU %u: pc %016llx pstate %08llx sp_el1 %016llx", cpu->id,
	       (unsigned long long)pc, (unsigned long long)pstate, (unsigned long long)sp);
	pr_err("vCPU %u: elr_el1 %016llx esr_el1 %08llx far_el1 %016llx", cpu->id,
	       (unsigned long long)elr, (unsigned long long)esr, (unsigned long long)far);
	for (int i = 0; i < 31; i += 4) {
		int n = 0;

		for (int j = i; j < i + 4 && j < 31; j++)
			n += snprintf(line + n, sizeof(line) - n, " x%-2d %016llx", j,
				      (unsigned long long)x[j]);
		pr_err("vCPU %u:%s", cpu->id, line);
	}
}
