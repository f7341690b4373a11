/*
 * The architecture boundary: every hook generic code calls, in one header.
 * Each architecture implements them in its own folder (vmm/arm64/); generic
 * code never includes an arch header by path, and arch code takes plain
 * values, not the command line's option struct.
 *
 * Call order at setup (vmm/main.c):
 *   kvm__arch_vm_type()            while creating the VM
 *   kvm__arch_init()               after the VM exists, before any vCPU
 *   kvm_cpu__arch_init()           per vCPU, as it is created
 *   kvm__arch_init_late()          once every vCPU exists
 *   board__alloc()                 as devices are created
 *   boot__arch_*()                 load the guest, build its device tree
 * and at run time kvm_cpu__arch_*() from vCPU threads, kvm__arch_irq_line()
 * from any thread, kvm__arch_reset() while every vCPU waits (guest reset).
 */
#ifndef VMM_ARCH_H
#define VMM_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kvm;
struct kvm_cpu;
struct boot_files;

/* ------------------------------------------------------------- the VM */

/* KVM_CREATE_VM's machine type for RAM ending at ram_end; dies when KVM
 * cannot address it. */
unsigned long kvm__arch_vm_type(struct kvm *kvm, uint64_t ram_end);
/* Before the first vCPU: which optional CPU features every vCPU gets (the
 * arch's names in spec, e.g. arm64's "-pauth"; NULL: all KVM offers) and
 * the largest SVE-like vector length in bits (0: KVM's).  Dies with one
 * line on a bad spec. */
void kvm__arch_cpu_features(struct kvm *kvm, const char *spec, unsigned int sve_vl);
/* Before the first vCPU: the interrupt controller device, the SMCCC filter.
 * Dies with the ioctl's name on failure. */
void kvm__arch_init(struct kvm *kvm);
/* Once every vCPU exists: initialise the interrupt controller.  Dies. */
void kvm__arch_init_late(struct kvm *kvm);
/* vmm --probe: on a VM of the default type made for the purpose (never
 * run), each arch requirement and optional feature as one line on stdout,
 * a requirement KVM lacks with its fix.  The number of requirements missing. */
unsigned int kvm__arch_probe(struct kvm *kvm);
/* Drive level-triggered interrupt irq (the board's numbering) to level.
 * Any thread.  0 or a negative errno. */
int kvm__arch_irq_line(struct kvm *kvm, unsigned int irq, int level);
/* The GSI KVM_IRQFD takes for irq (edge-triggered through an irqfd). */
uint32_t kvm__arch_irq_gsi(unsigned int irq);
/* The interrupt controller back to its power-on state; every vCPU waits.
 * 0 or a negative errno. */
int kvm__arch_reset(struct kvm *kvm);

/* ----------------------------------------------------------- the vCPUs */

/* KVM_ARM_VCPU_INIT (powered off or not) and the vCPU's fixed registers
 * (cpu->mpidr).  0 or a negative errno. */
int kvm_cpu__arch_init(struct kvm_cpu *cpu, bool powered_off);
/* Setup: allow the arch's run-time ioctls on the vCPU's fd (sandbox.h). */
void kvm_cpu__arch_sandbox(struct kvm_cpu *cpu);
/* Reset and point the vCPU at entry with the boot argument arg (boot,
 * CPU_ON, guest reset).  0 or a negative errno. */
int kvm_cpu__arch_reset_to(struct kvm_cpu *cpu, uint64_t entry, uint64_t arg);
/* General-purpose registers first..first+n-1: one ioctl each. */
int kvm_cpu__get_xregs(struct kvm_cpu *cpu, unsigned int first, uint64_t *x, unsigned int n);
int kvm_cpu__set_xregs(struct kvm_cpu *cpu, const uint64_t *x, unsigned int n);
/* The PSCI version KVM's own PSCI reports (PSCI_VERSION_* encoding of
 * policy/smccc.h); before the vCPU first runs. */
int kvm_cpu__arch_set_psci_version(struct kvm_cpu *cpu, uint32_t version);
/* The registers, on stderr, for a crash report. */
void kvm_cpu__dump(struct kvm_cpu *cpu);

/* ----------------------------------------------------------- the board */

/* Kinds of device window the board has room for. */
enum board_slot { BOARD_SLOT_UART, BOARD_SLOT_VIRTIO_MMIO };

/* A device's place on the board: its MMIO window and interrupt. */
struct board_window {
	uint64_t base, size;
	unsigned int irq;		/* the board's numbering (arm64: SPI number) */
	bool irq_edge;			/* edge-triggered (irqfd), else level */
};

/* The next free window of that kind: 0, or -ENOSPC when all are taken. */
int board__alloc(enum board_slot kind, struct board_window *w);
uint64_t board__ram_base(void);
unsigned int board__max_cpus(void);

/* ---------------------------------------------------- the device tree */

/* The "interrupts" property for a device on w's interrupt. */
int fdt__irq_prop(void *fdt, const struct board_window *w);

/* ------------------------------------------------------------- booting */

/*
 * The kernel file's header (the first len bytes of a file_size-byte file):
 * 0 and where it goes, or -ENOEXEC (not a kernel of this arch) / -EINVAL
 * with *why.
 */
int boot__arch_parse_kernel(const void *hdr, size_t len, uint64_t file_size,
			    uint64_t *load_offset, uint64_t *mem_size, const char **why);
/* A flat binary of file_size bytes (--kernel-format raw): where it goes,
 * as the arch's other VMMs place one.  0, or -EINVAL with *why. */
int boot__arch_raw_kernel(uint64_t file_size, uint64_t *load_offset, uint64_t *mem_size,
			  const char **why);
/* The guest kernel's command-line buffer, the NUL included. */
size_t boot__arch_cmdline_max(void);
/* Build the guest's device tree into buf (every device adds its node).
 * 0 or a negative errno. */
int boot__arch_fdt(struct kvm *kvm, const struct boot_files *b, void *buf, size_t size);
/* Bytes kept for the device tree at the top of RAM (the boot protocol's
 * limit and alignment). */
uint64_t boot__arch_fdt_space(void);

#endif
