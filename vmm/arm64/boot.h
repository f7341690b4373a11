/* Loading the guest: kernel Image, initrd and device tree into RAM. */
#ifndef VMM_ARM64_BOOT_H
#define VMM_ARM64_BOOT_H

#include <stdint.h>

#include "image.h"

struct kvm;
struct vmm_options;

struct boot_files {
	int kernel_fd, initrd_fd;
	struct arm64_image image;
	const char *kernel, *initrd;
	uint64_t initrd_size;
	char *cmdline;
	/* Where each piece goes in guest RAM (boot__plan). */
	uint64_t kernel_addr, initrd_addr, fdt_addr;
};

/* Open the files and validate the kernel header (dies with a one-line error). */
void boot__open(struct boot_files *b, const struct vmm_options *o);
/* Lay the pieces out in RAM, once RAM exists (dies when they do not fit). */
void boot__plan(struct boot_files *b, const struct kvm *kvm);
/* (Re)load everything into guest RAM and set kvm->entry and kvm->fdt_addr:
 * at boot and on every guest reset.  0 or a negative errno. */
int boot__load(struct kvm *kvm, const struct boot_files *b);

#endif
