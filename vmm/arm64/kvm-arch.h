/* arm64's own VM state (struct kvm's arch pointer); arm64/ files only. */
#ifndef VMM_ARM64_KVM_ARCH_H
#define VMM_ARM64_KVM_ARCH_H

#include "cpu-features.h"
struct gic_reset;

struct kvm_arch {
	int vgic_fd;			/* the vGICv3 device */
	struct gic_reset *gic_reset;	/* its power-on state (gic-reset.c) */
	unsigned int ipa_bits;
	struct cpu_features features;	/* what every vCPU gets */
};

#endif
