/* vCPUs: one thread each, a run loop and a table-driven exit dispatch. */
#ifndef VMM_KVM_CPU_H
#define VMM_KVM_CPU_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct kvm;
struct kvm_run;

struct kvm_cpu {
	struct kvm *kvm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	uint64_t mpidr;

	/* Under kvm->lock.  A parked vCPU waits in userspace, not in KVM_RUN
	 * (userspace PSCI: powered off). start_pending: CPU_ON asked for it. */
	bool parked;
	bool start_pending;
	bool quiesced;		/* waiting for a VM reset to finish */
	bool reinit_off;	/* after a reset: re-init powered off (KVM's PSCI) */
	uint64_t start_entry;
	uint64_t start_context;
};

/* Create vCPU id (fd, kvm_run mapping, KVM_ARM_VCPU_INIT). */
struct kvm_cpu *kvm_cpu__create(struct kvm *kvm, unsigned int id);
int kvm_cpu__start_thread(struct kvm_cpu *cpu);
void kvm_cpu__kick(struct kvm_cpu *cpu);
/* Install the signal used by kvm_cpu__kick; once, before any thread. */
void kvm_cpu__init_kick_signal(void);
/* Park the calling vCPU (PSCI CPU_OFF) / start a parked one (CPU_ON). */
void kvm_cpu__park(struct kvm_cpu *cpu);
void kvm_cpu__request_start(struct kvm_cpu *cpu, uint64_t entry, uint64_t context);

/* Arch hooks (arm64/kvm-cpu.c). */
int kvm_cpu__arch_init(struct kvm_cpu *cpu, bool powered_off);
/* Reset and point the vCPU at entry with x0 = arg (boot, CPU_ON, reset). */
int kvm_cpu__arch_reset_to(struct kvm_cpu *cpu, uint64_t entry, uint64_t x0);
int kvm_cpu__get_xregs(struct kvm_cpu *cpu, uint64_t *x, unsigned int n);
int kvm_cpu__set_xregs(struct kvm_cpu *cpu, const uint64_t *x, unsigned int n);
void kvm_cpu__dump(struct kvm_cpu *cpu);

/* Exit handlers: 0 keeps running, < 0 stops the VM (status already set). */
int kvm_cpu__handle_hypercall(struct kvm_cpu *cpu);
int kvm_cpu__handle_system_event(struct kvm_cpu *cpu);

#endif
