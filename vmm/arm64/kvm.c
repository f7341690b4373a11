/* arm64's VM hooks (arch.h): the IPA size, the vGIC, interrupts, the filter. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>

#include "../arch.h"
#include "../kvm.h"
#include "../util.h"
#include "gic.h"
#include "kvm-arch.h"
#include "smccc-filter.h"

/* Capabilities arm64 needs beyond the generic ones (kvm.c). */
static const struct {
	int cap;
	const char *name;
} required_caps[] = {
	{ KVM_CAP_ARM_PSCI_0_2, "KVM_CAP_ARM_PSCI_0_2" },
	{ KVM_CAP_ARM_VM_IPA_SIZE, "KVM_CAP_ARM_VM_IPA_SIZE" },
};

static unsigned int ipa_bits_for(uint64_t end)
{
	unsigned int bits = 32;

	while (bits < 64 && (1ULL << bits) < end)
		bits++;
	return bits < 40 ? 40 : bits;
}

unsigned long kvm__arch_vm_type(struct kvm *kvm, uint64_t ram_end)
{
	int max_ipa;

	kvm->arch = calloc(1, sizeof(*kvm->arch));
	if (!kvm->arch)
		die("VM: out of memory");
	kvm->arch->vgic_fd = -1;
	for (size_t i = 0; i < ARRAY_SIZE(required_caps); i++)
		if (ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0)
			die("/dev/kvm: missing capability %s", required_caps[i].name);
	max_ipa = ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	kvm->arch->ipa_bits = ipa_bits_for(ram_end);
	if (max_ipa > 0 && kvm->arch->ipa_bits > (unsigned int)max_ipa)
		die("--mem: RAM up to 0x%llx needs %u-bit guest physical addresses, KVM offers %d",
		    (unsigned long long)ram_end, kvm->arch->ipa_bits, max_ipa);
	return KVM_VM_TYPE_ARM_IPA_SIZE(kvm->arch->ipa_bits);
}

/* The fix for a kernel without the SMCCC filter, in one line. */
#define FILTER_FIX "boot Linux >= 6.4 with KVM (Debian 12: sudo apt-get install -t bookworm-backports " \
	"linux-image-arm64, then reboot into it)"

unsigned int kvm__arch_probe(struct kvm *kvm)
{
	/* KVM_CREATE_DEVICE_TEST: "only test whether the device type is
	 * supported" (api.rst, KVM_CREATE_DEVICE); nothing is created. */
	struct kvm_create_device gic = { .type = KVM_DEV_TYPE_ARM_VGIC_V3,
					 .flags = KVM_CREATE_DEVICE_TEST };
	unsigned int missing = 0;
	struct cpu_features f;
	int ipa;

	for (size_t i = 0; i < ARRAY_SIZE(required_caps); i++) {
		if (ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION, required_caps[i].cap) > 0)
			continue;
		printf("kvm-caps: MISSING: %s (arm64)\n", required_caps[i].name);
		missing++;
	}
	if (smccc_filter__supported(kvm->vm_fd)) {
		printf("smccc-filter: yes (KVM_ARM_VM_SMCCC_FILTER)\n");
	} else {
		printf("smccc-filter: MISSING: this kernel has no KVM SMCCC filter; fix: %s\n",
		       FILTER_FIX);
		missing++;
	}
	if (ioctl(kvm->vm_fd, KVM_CREATE_DEVICE, &gic) == 0) {
		printf("vgic-v3: yes\n");
	} else {
		printf("vgic-v3: MISSING: KVM_CREATE_DEVICE(vGICv3): %s (the VMM's guests need a "
		       "GICv3; a host with only a GICv2 cannot give them one)\n", strerror(errno));
		missing++;
	}
	/* kvm__arch_vm_type() asks for at least 40 bits, KVM's default. */
	ipa = ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	if (ipa >= (int)ipa_bits_for(0)) {
		printf("ipa-size: %d bits\n", ipa);
	} else if (ipa > 0) {
		printf("ipa-size: MISSING: %d bits, the VMM asks for %u\n", ipa, ipa_bits_for(0));
		missing++;
	}
	f = cpu_features__offered(kvm);
	printf("pauth: %s\n", f.pauth ? "yes" : "no (optional: guests run without pointer authentication)");
	printf("sve: %s\n", f.sve ? "yes" : "no (optional: guests run without SVE)");
	printf("pmu: %s\n", f.pmu ? "yes" : "no (optional: guests get no PMU)");
	return missing;
}

void kvm__arch_init(struct kvm *kvm)
{
	smccc_filter__install(kvm);
	gic__create(kvm);
}

void kvm__arch_init_late(struct kvm *kvm)
{
	int r;

	gic__init(kvm);
	r = cpu_features__pmu_init(kvm);
	if (r)
		die_errno(r, "vCPU PMU: KVM_SET_DEVICE_ATTR(KVM_ARM_VCPU_PMU_V3_CTRL)");
}

void kvm__arch_cpu_features(struct kvm *kvm, const char *spec, unsigned int sve_vl)
{
	char why[192];

	if (cpu_features__choose(kvm, spec, sve_vl, why, sizeof(why)))
		die("%s", why);
	pr_debug("vCPU features: %s", cpu_features__describe(kvm));
}

int kvm__arch_irq_line(struct kvm *kvm, unsigned int irq, int level)
{
	return gic__spi_line(kvm, irq, level);
}

int kvm__arch_reset(struct kvm *kvm)
{
	return gic_reset__restore(kvm);
}

/* The vGIC's default routing maps GSI n to SPI n (INTID 32 + n):
 * arch/arm64/kvm/vgic/vgic-irqfd.c, kvm_vgic_setup_default_irq_routing(). */
uint32_t kvm__arch_irq_gsi(unsigned int irq)
{
	return irq;
}
