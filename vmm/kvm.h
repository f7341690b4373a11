/*
 * The VM: /dev/kvm, the VM fd, guest RAM and the VM's lifecycle.  A thin
 * layer in the spirit of kvmtool's kvm__ and the KVM selftests' helpers:
 * setup helpers die with the ioctl's name and errno; run-time paths return
 * a negative errno.
 */
#ifndef VMM_KVM_H
#define VMM_KVM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "util.h"

struct kvm_cpu;
struct kvm_arch;
struct policy;
struct smccc;
struct audit;
struct device;
struct mmio_bus;

/* Setup-time ioctl: dies with "vmm: NAME: strerror" on failure. */
#define kvm_ioctl(fd, cmd, arg) __kvm_ioctl(fd, cmd, (unsigned long)(arg), #cmd)
int __kvm_ioctl(int fd, unsigned long cmd, unsigned long arg, const char *name);

struct kvm {
	int sys_fd;
	int vm_fd;
	int vcpu_mmap_size;

	void *ram;
	uint64_t ram_start;
	uint64_t ram_size;

	unsigned int nr_cpus;
	struct kvm_cpu **cpus;

	/* Policy over forwarded SMCCC calls, and who answers them. */
	const struct policy *policy;
	struct smccc *smccc;
	struct audit *audit;
	bool power_in_kernel;		/* PSCI is KVM's: KVM owns vCPU power state */

	/* Where the boot vCPU starts, for boot and reset. */
	uint64_t entry;
	uint64_t fdt_addr;

	/* Lifecycle and vCPU power state (kvm-cpu.h), under lock. */
	pthread_mutex_t lock;
	bool started;			/* vCPU threads held until the sandbox is in */
	bool stopping;
	int exit_status;
	bool reset_pending;		/* SYSTEM_RESET with on_reset = restart */
	uint32_t reset_count;		/* guest resets done: in the device tree */
	unsigned int nr_quiesced;	/* vCPU threads waiting for the reset */
	int notify_fd;			/* eventfd: the main thread looks at the state */

	/* Devices (device.h) and the MMIO bus they sit on. */
	struct mmio_bus *bus;
	struct device *devices;
	char stdout_path[64];		/* the console UART's device-tree node */

	struct kvm_arch *arch;		/* the architecture's own state */
};

/* Open the KVM device at path (--kvm-device, default /dev/kvm) and check the
 * API version and every generic capability we need.  Dies with the fix. */
int kvm__open(struct kvm *kvm, const char *path);
/* vmm --probe: one line per fact on stdout, each missing requirement with
 * its fix.  0 if the VMM can run on this host's KVM, else VMM_EXIT_ERROR. */
int kvm__probe(const char *path);
/* Create the VM with an IPA space large enough for ram_size. */
int kvm__create_vm(struct kvm *kvm, uint64_t ram_start, uint64_t ram_size);
/* Host pointer for guest physical [gpa, gpa + len), or NULL if not all RAM. */
void *kvm__gpa_to_hva(struct kvm *kvm, uint64_t gpa, uint64_t len);

/* End the VM with status (the first caller's status wins) and kick vCPUs. */
void kvm__stop(struct kvm *kvm, int status);
bool kvm__stopping(struct kvm *kvm);
/* Make every vCPU thread look at the VM state, and tell the main thread
 * (kvm->notify_fd). Called with kvm->lock held. */
void kvm__kick_all(struct kvm *kvm);
/* Let the vCPU threads run (after the sandbox is in). */
void kvm__release(struct kvm *kvm);

/* Register irq's eventfd with KVM_IRQFD (after kvm__arch_init_late()):
 * writing efd raises the edge-triggered interrupt irq.  Dies. */
void kvm__irqfd(struct kvm *kvm, int efd, unsigned int irq);
/* KVM_IOEVENTFD: a 4-byte guest write of value to addr signals efd without
 * leaving KVM.  Dies. */
void kvm__ioeventfd(struct kvm *kvm, int efd, uint64_t addr, uint32_t value);

#endif
