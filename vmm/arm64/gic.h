#ifndef VMM_ARM64_GIC_H
#define VMM_ARM64_GIC_H

struct kvm;

int gic__create(struct kvm *kvm);
int gic__init(struct kvm *kvm);
/* Drive SPI number spi (INTID 32 + spi) to level. */
int gic__spi_line(struct kvm *kvm, unsigned int spi, int level);

#endif
