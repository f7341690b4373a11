/*
 * The guest CPU's optional features: pointer authentication (address and
 * generic), SVE and a PMUv3.  Each is on by default whenever KVM offers it,
 * as kvmtool gives its guests (a cloud guest should not lose the host's
 * security and vector features); --cpu-features turns any off.
 *
 * Call order: cpu_features__choose() once the VM exists (kvm__arch_init),
 * cpu_features__vcpu_init() on every KVM_ARM_VCPU_INIT,
 * cpu_features__finalize() after each vCPU's first init, before it runs,
 * cpu_features__pmu_init() once the vGIC is initialised.
 */
#ifndef VMM_ARM64_CPU_FEATURES_H
#define VMM_ARM64_CPU_FEATURES_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

struct kvm;
struct kvm_cpu;

/* The PMU's overflow interrupt: PPI 7, INTID 23 (kvmtool's choice too; any
 * free PPI works, the device tree says which). */
#define ARM64_PMU_PPI		7

struct cpu_features {
	bool pauth, sve, pmu;
	unsigned int sve_max_vq;	/* 0: KVM's maximum */
};

/* What KVM offers on this VM (pauth only with both keys); for --probe too. */
struct cpu_features cpu_features__offered(struct kvm *kvm);
/* spec: NULL or "" (everything KVM offers), "none", or a comma-separated
 * list of "pauth", "sve", "pmu" (exactly those, each required) or "-NAME"
 * (everything offered but NAME).  sve_vl: the largest SVE vector length in
 * bits, 0 for KVM's maximum.  0, or -EINVAL with a message in why. */
int cpu_features__choose(struct kvm *kvm, const char *spec, unsigned int sve_vl, char *why,
			 size_t whylen);
void cpu_features__vcpu_init(const struct kvm *kvm, struct kvm_vcpu_init *init);
/* Setup, once per vCPU after its first KVM_ARM_VCPU_INIT.  0 or -errno. */
int cpu_features__finalize(struct kvm_cpu *cpu);
/* Setup, after the vGIC's CTRL_INIT.  0 or -errno. */
int cpu_features__pmu_init(struct kvm *kvm);
/* "pauth sve(vl 512) pmu", or "none". */
const char *cpu_features__describe(const struct kvm *kvm);

#endif
