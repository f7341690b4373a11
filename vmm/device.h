/*
 * The device model.  A device has a window on the MMIO bus and an interrupt,
 * both from the board (arch.h: board__alloc()), writes its own device-tree
 * node, and can be reset to its power-on state.  Devices embed a struct
 * device and register it once at setup with device__add(); the device tree
 * and a guest reset walk the registry, in registration order.
 *
 * Call order: device__add() at setup, after kvm__arch_init_late() (devices
 * may set up irqfds then); device__fdt_all() from the arch's device-tree
 * builder; device__start_all() once setup is done (the jail entered),
 * before the vCPU threads; device__reset_all() while every vCPU waits
 * (guest reset); device__stop_all() once the vCPU threads have ended.
 */
#ifndef VMM_DEVICE_H
#define VMM_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch.h"

struct kvm;

struct device {
	const char *name;		/* "uart", "virtio-blk", ...: for messages */
	struct board_window win;	/* set by device__add() */
	struct kvm *kvm;

	/* A KVM_EXIT_MMIO inside the window (vCPU thread). */
	void (*mmio)(struct device *dev, uint64_t offset, uint8_t *data, uint32_t len,
		     bool is_write);
	/* Its node under the device tree's root: 0 or a negative libfdt error. */
	int (*fdt)(struct device *dev, void *fdt);
	/* Start its own threads, if any: 0 or a negative errno.  May be NULL. */
	int (*start)(struct device *dev);
	/* Back to the power-on state; no vCPU runs meanwhile.  May be NULL. */
	void (*reset)(struct device *dev);
	/* At exit, after the vCPUs: finish and flush I/O.  May be NULL. */
	void (*stop)(struct device *dev);

	struct device *next;		/* the registry */
};

/* Place dev on the board (a window and interrupt of that kind) and the
 * MMIO bus.  Setup; dies with the device's name when the board is full. */
void device__add(struct kvm *kvm, struct device *dev, enum board_slot slot);
int device__fdt_all(struct kvm *kvm, void *fdt);
/* Dies with the device's name when one cannot start. */
void device__start_all(struct kvm *kvm);
void device__reset_all(struct kvm *kvm);
void device__stop_all(struct kvm *kvm);

/* "name@base" as a node name, and the "reg" property of dev's window. */
int device__fdt_begin(struct device *dev, void *fdt, const char *node);
int device__fdt_reg(struct device *dev, void *fdt);

#endif
