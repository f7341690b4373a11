#ifndef VMM_ARM64_GIC_H
#define VMM_ARM64_GIC_H

struct kvm;

int gic__create(struct kvm *kvm);
int gic__init(struct kvm *kvm);
/* Drive SPI number spi (INTID 32 + spi) to level. */
int gic__spi_line(struct kvm *kvm, unsigned int spi, int level);

/* gic-reset.c: the vGIC's power-on state, kept once it is initialised and
 * before any vCPU runs (dies on failure), and written back on a guest reset
 * while every vCPU waits (0 or a negative errno). */
void gic_reset__snapshot(struct kvm *kvm);
int gic_reset__restore(struct kvm *kvm);

#endif
