/* The in-kernel vGICv3 (Documentation/virt/kvm/devices/arm-vgic-v3.rst). */
#include <errno.h>
#include <linux/kvm.h>

#include "../kvm.h"
#include "../sandbox.h"
#include "../util.h"
#include "gic.h"
#include "kvm-arch.h"
#include "layout.h"

static void set_attr(int fd, uint32_t group, uint64_t attr, void *addr, const char *what)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uintptr_t)addr,
	};

	if (ioctl(fd, KVM_SET_DEVICE_ATTR, &a) < 0)
		die_errno(-errno, "vGICv3: KVM_SET_DEVICE_ATTR(%s)", what);
}

int gic__create(struct kvm *kvm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = ARM64_GICD_BASE, redist = ARM64_GICR_BASE;
	uint32_t nr_irqs = GIC_NR_IRQS;

	if (ioctl(kvm->vm_fd, KVM_CREATE_DEVICE, &dev) < 0)
		die_errno(-errno, "KVM_CREATE_DEVICE(vGICv3) (does the host have a GICv3?)");
	kvm->arch->vgic_fd = dev.fd;
	sandbox__allow_ioctl(kvm->vm_fd, KVM_IRQ_LINE, "KVM_IRQ_LINE", "the UART's interrupt");
	set_attr(dev.fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist,
		 "distributor address");
	set_attr(dev.fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist,
		 "redistributor address");
	set_attr(dev.fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs, "number of IRQs");
	return 0;
}

/* After every vCPU exists (arm-vgic-v3.rst: KVM_DEV_ARM_VGIC_CTRL_INIT);
 * no vCPU has run yet, so this is the power-on state a reset goes back to. */
int gic__init(struct kvm *kvm)
{
	set_attr(kvm->arch->vgic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
		 "KVM_DEV_ARM_VGIC_CTRL_INIT");
	gic_reset__snapshot(kvm);
	return 0;
}

int gic__spi_line(struct kvm *kvm, unsigned int spi, int level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (GIC_SPI_BASE + spi),
		.level = level,
	};

	return ioctl(kvm->vm_fd, KVM_IRQ_LINE, &irq) < 0 ? -errno : 0;
}
