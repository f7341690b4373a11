/*
 * vCPUs: one thread each, the run loop, the exit dispatch, and the one owner
 * of every vCPU's power state.
 *
 * Power state.  A vCPU is on (its thread runs KVM_RUN) or off (its thread
 * waits in the VMM, outside KVM_RUN).  Only this file changes it, under
 * kvm->lock, through:
 *   kvm_cpu__power_on()        off -> on at an entry point (PSCI CPU_ON)
 *   kvm_cpu__power_off()       on -> off, for the calling vCPU (PSCI CPU_OFF)
 *   kvm_cpu__set_boot_state()  every vCPU to its boot state (boot, VM reset)
 * A vCPU powered on counts as on at once, before its thread has reset its
 * registers: that is what KVM's in-kernel PSCI does, and what guests expect.
 * When PSCI is KVM's (kvm->power_in_kernel), KVM owns the state instead: the
 * secondaries are "on" here and held powered off inside KVM_RUN by KVM.
 *
 * Threads.  kvm_cpu__start_thread() starts a thread that waits until
 * kvm__release() (after the sandbox is in).  Other threads make a vCPU look
 * at its state with kvm_cpu__notify(); the run loop reads one atomic flag per
 * exit and takes kvm->lock only when it is set, so exits that change no
 * shared state take no lock.
 */
#ifndef VMM_KVM_CPU_H
#define VMM_KVM_CPU_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct kvm;
struct kvm_run;

enum kvm_cpu_power { KVM_CPU_OFF, KVM_CPU_ON };

/* vCPU i's descriptor number: KVM_CPU_FD_BASE + i (an aligned block the
 * sandbox can match in one rule). */
#define KVM_CPU_FD_BASE		512

/* What the thread does to its registers before it next runs. */
enum kvm_cpu_start {
	KVM_CPU_START_NONE,
	KVM_CPU_START_AT_ENTRY,		/* reset, PC = entry, X0 = context */
	KVM_CPU_START_OFF_IN_KVM,	/* reset powered off: KVM's PSCI starts it */
};

/* Counters owned by the vCPU's thread; read racily for reports. */
struct kvm_cpu_stats {
	uint64_t get_one_reg, set_one_reg;	/* KVM_GET/SET_ONE_REG ioctls */
};

struct kvm_cpu {
	struct kvm *kvm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool has_thread;
	uint64_t mpidr;

	atomic_bool attention;		/* look at the state before the next KVM_RUN */
	atomic_int power;		/* enum kvm_cpu_power; written under kvm->lock */

	/* Under kvm->lock. */
	pthread_cond_t wake;		/* the thread waits here while it cannot run */
	bool waiting;			/* ... and is there now (no kick signal needed) */
	bool quiesced;			/* counted in kvm->nr_quiesced for a VM reset */
	enum kvm_cpu_start start;
	uint64_t start_entry, start_context;

	struct kvm_cpu_stats stats;
};

/* Setup.  Create vCPU id: fd, kvm_run mapping, KVM_ARM_VCPU_INIT; dies. */
struct kvm_cpu *kvm_cpu__create(struct kvm *kvm, unsigned int id);
/* Install the signal used to kick vCPUs out of KVM_RUN; once, first. */
void kvm_cpu__init_kick_signal(void);
/* Start the thread; it holds until kvm__release().  0 or a negative errno. */
int kvm_cpu__start_thread(struct kvm_cpu *cpu);

/*
 * Power state (see the top).  power_on: 0, or -EALREADY if cpu is on; of
 * callers racing for one vCPU exactly one gets 0.  power_off: the calling
 * vCPU's own thread only; it stops once the current exit is handled.
 */
int kvm_cpu__power_on(struct kvm_cpu *cpu, uint64_t entry, uint64_t context);
void kvm_cpu__power_off(struct kvm_cpu *cpu);
bool kvm_cpu__is_on(const struct kvm_cpu *cpu);
/* vCPU 0 at kvm->entry with X0 = kvm->fdt_addr, the others off (or held
 * off in KVM).  With kvm->lock held, or before the threads start. */
void kvm_cpu__set_boot_state(struct kvm *kvm);

/* Make the vCPU's thread look at its state soon (kvm->lock held). */
void kvm_cpu__notify(struct kvm_cpu *cpu);

/* The arch's vCPU hooks (kvm_cpu__arch_*, registers, dump) are in arch.h. */

/* From an exit handler: a run-path failure stops the VM with a crash status
 * and a register dump.  Returns -1 for the handler to return. */
int kvm_cpu__crash(struct kvm_cpu *cpu, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
