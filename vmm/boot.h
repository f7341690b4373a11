/*
 * Loading the guest: the kernel, the initrd and the device tree into RAM,
 * at boot and again on every guest reset.  The kernel's format and the
 * device tree are the arch's (boot__arch_*() in arch.h).
 *
 * Call order: boot__open() (files checked, before anything else is set up),
 * boot__plan() once RAM exists, boot__load() at boot and on each reset.
 */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include <stdbool.h>
#include <stdint.h>

struct kvm;

struct boot_files {
	int kernel_fd, initrd_fd;		/* initrd_fd -1: none */
	const char *kernel, *initrd;		/* paths, for messages */
	uint64_t kernel_size, initrd_size;	/* file sizes */
	uint64_t load_offset, mem_size;		/* the kernel's place above RAM's base, footprint */
	char *cmdline;
	/* Where each piece goes in guest RAM (boot__plan). */
	uint64_t kernel_addr, initrd_addr, fdt_addr;
};

/* What to boot, as the command line asked. */
struct boot_spec {
	const char *kernel, *initrd;	/* initrd NULL: none */
	bool raw;			/* --kernel-format raw: a flat binary */
	const char *cmdline;		/* added to the default; NULL: nothing */
	bool nodefaults;		/* the command line is cmdline alone */
	const char *console;		/* the default's console= ("ttyS0", "hvc0") */
};

/* Open and check the files and the command line (not over the guest's
 * limit).  Dies with one line naming the file or the limit. */
void boot__open(struct boot_files *b, const struct boot_spec *spec);
/* Lay the pieces out in RAM (dies when they do not fit). */
void boot__plan(struct boot_files *b, const struct kvm *kvm);
/* (Re)load everything into guest RAM and set kvm->entry and kvm->fdt_addr.
 * 0 or a negative errno. */
int boot__load(struct kvm *kvm, const struct boot_files *b);

#endif
