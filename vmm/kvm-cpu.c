/* vCPU threads, their power state and the exit dispatch (kvm-cpu.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "arch.h"
#include "evloop.h"
#include "exit-status.h"
#include "kvm-cpu.h"
#include "kvm.h"
#include "mmio.h"
#include "reset.h"
#include "sandbox.h"
#include "smccc.h"
#include "thread.h"
#include "util.h"

/* A signal whose only job is to make KVM_RUN return -EINTR. */
#define KVM_CPU_KICK_SIGNAL (SIGRTMIN + 1)

static void kick_handler(int sig)
{
	(void)sig;
}

void kvm_cpu__init_kick_signal(void)
{
	/* SA_RESTART: a kick that lands in write(2) must not fail it. */
	struct sigaction sa = { .sa_handler = kick_handler, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	if (sigaction(KVM_CPU_KICK_SIGNAL, &sa, NULL))
		die_errno(-errno, "sigaction(vCPU kick signal)");
}

/*
 * vCPU i's descriptor is KVM_CPU_FD_BASE + i: one aligned block, which the
 * sandbox matches with one rule per ioctl request whatever the vCPU count.
 */
static int place_fd(int fd, int want)
{
	int placed = fcntl(fd, F_DUPFD_CLOEXEC, want);

	if (placed != want)
		die("vCPU fd %d: cannot be placed at %d (%s): RLIMIT_NOFILE must exceed %d",
		    fd, want, placed < 0 ? strerror(errno) : "taken",
		    KVM_CPU_FD_BASE + (int)board__max_cpus());
	close(fd);
	return placed;
}

struct kvm_cpu *kvm_cpu__create(struct kvm *kvm, unsigned int id)
{
	struct kvm_cpu *cpu = calloc(1, sizeof(*cpu));

	if (!cpu)
		die("vCPU %u: out of memory", id);
	cpu->kvm = kvm;
	cpu->id = id;
	cpu->fd = place_fd(kvm_ioctl(kvm->vm_fd, KVM_CREATE_VCPU, id), KVM_CPU_FD_BASE + (int)id);
	sandbox__allow_ioctl(cpu->fd, KVM_RUN, "KVM_RUN", "running the vCPU");
	sandbox__allow_ioctl(cpu->fd, KVM_GET_ONE_REG, "KVM_GET_ONE_REG",
			     "X0 and the arguments a forwarded call needs; register dumps");
	sandbox__allow_ioctl(cpu->fd, KVM_SET_ONE_REG, "KVM_SET_ONE_REG",
			     "the results a forwarded call sets; PC and X0 on CPU_ON");
	kvm_cpu__arch_sandbox(cpu);
	cpu->run = mmap(NULL, kvm->vcpu_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, cpu->fd, 0);
	if (cpu->run == MAP_FAILED)
		die_errno(-errno, "vCPU %u: mmap kvm_run", id);
	pthread_cond_init(&cpu->wake, NULL);
	atomic_init(&cpu->power, KVM_CPU_OFF);
	atomic_init(&cpu->attention, true);	/* first: wait for kvm__release() */
	return cpu;
}

/* ----------------------------------------------------------- power state */

void kvm_cpu__notify(struct kvm_cpu *cpu)
{
	/* attention before immediate_exit: the thread clears immediate_exit,
	 * then reads attention, so it either sees this flag or enters KVM_RUN
	 * with immediate_exit set and comes straight back. */
	atomic_store(&cpu->attention, true);
	if (cpu->waiting) {
		pthread_cond_signal(&cpu->wake);
		return;
	}
	cpu->run->immediate_exit = 1;
	if (cpu->has_thread)
		pthread_kill(cpu->thread, KVM_CPU_KICK_SIGNAL);
}

int kvm_cpu__power_on(struct kvm_cpu *cpu, uint64_t entry, uint64_t context)
{
	struct kvm *kvm = cpu->kvm;
	int r = 0;

	pthread_mutex_lock(&kvm->lock);
	if (atomic_load(&cpu->power) == KVM_CPU_ON) {
		r = -EALREADY;
	} else {
		atomic_store(&cpu->power, KVM_CPU_ON);
		cpu->start = KVM_CPU_START_AT_ENTRY;
		cpu->start_entry = entry;
		cpu->start_context = context;
		kvm_cpu__notify(cpu);
	}
	pthread_mutex_unlock(&kvm->lock);
	return r;
}

void kvm_cpu__power_off(struct kvm_cpu *cpu)
{
	pthread_mutex_lock(&cpu->kvm->lock);
	atomic_store(&cpu->power, KVM_CPU_OFF);
	cpu->start = KVM_CPU_START_NONE;
	/* The caller is this vCPU's own thread, between two KVM_RUNs. */
	atomic_store(&cpu->attention, true);
	pthread_mutex_unlock(&cpu->kvm->lock);
}

bool kvm_cpu__is_on(const struct kvm_cpu *cpu)
{
	return atomic_load(&cpu->power) == KVM_CPU_ON;
}

void kvm_cpu__set_boot_state(struct kvm *kvm)
{
	for (unsigned int i = 0; i < kvm->nr_cpus; i++) {
		struct kvm_cpu *cpu = kvm->cpus[i];

		if (i == 0) {
			atomic_store(&cpu->power, KVM_CPU_ON);
			cpu->start = KVM_CPU_START_AT_ENTRY;
			cpu->start_entry = kvm->entry;
			cpu->start_context = kvm->fdt_addr;
		} else if (kvm->power_in_kernel) {
			atomic_store(&cpu->power, KVM_CPU_ON);
			cpu->start = KVM_CPU_START_OFF_IN_KVM;
		} else {
			atomic_store(&cpu->power, KVM_CPU_OFF);
			cpu->start = KVM_CPU_START_NONE;
		}
		kvm_cpu__notify(cpu);
	}
}

/* ------------------------------------------------------------- run loop */

int kvm_cpu__crash(struct kvm_cpu *cpu, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("vCPU %u: %s", cpu->id, msg);
	kvm_cpu__dump(cpu);
	kvm__stop(cpu->kvm, VMM_EXIT_CRASH);
	return -1;
}

/* Called with kvm->lock held while a VM reset waits for every vCPU. */
static void quiesce(struct kvm_cpu *cpu)
{
	struct kvm *kvm = cpu->kvm;

	if (cpu->quiesced)
		return;
	cpu->quiesced = true;
	if (++kvm->nr_quiesced == kvm->nr_cpus)
		evloop__signal(kvm->notify_fd);
}

/*
 * The slow path, when attention is set: wait while the vCPU cannot run,
 * then apply a pending start.  false when the VM is stopping.
 */
static bool settle(struct kvm_cpu *cpu)
{
	struct kvm *kvm = cpu->kvm;
	enum kvm_cpu_start start;
	uint64_t entry, context;
	int r = 0;

	pthread_mutex_lock(&kvm->lock);
	for (;;) {
		if (kvm->stopping) {
			pthread_mutex_unlock(&kvm->lock);
			return false;
		}
		if (kvm->reset_pending)
			quiesce(cpu);
		else if (kvm->started && atomic_load(&cpu->power) == KVM_CPU_ON)
			break;
		cpu->waiting = true;
		pthread_cond_wait(&cpu->wake, &kvm->lock);
		cpu->waiting = false;
	}
	start = cpu->start;
	entry = cpu->start_entry;
	context = cpu->start_context;
	cpu->start = KVM_CPU_START_NONE;
	pthread_mutex_unlock(&kvm->lock);

	if (start == KVM_CPU_START_AT_ENTRY) {
		r = kvm_cpu__arch_reset_to(cpu, entry, context);
		pr_debug("vCPU %u: started at 0x%llx", cpu->id, (unsigned long long)entry);
	} else if (start == KVM_CPU_START_OFF_IN_KVM) {
		r = kvm_cpu__arch_init(cpu, true);
	}
	if (r) {
		kvm_cpu__crash(cpu, "reset to 0x%llx failed: %s", (unsigned long long)entry,
			       strerror(-r));
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- exits */

static int handle_mmio(struct kvm_cpu *cpu)
{
	struct kvm_run *run = cpu->run;

	mmio__access(cpu->kvm->bus, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
		     run->mmio.is_write);
	return 0;
}

static int handle_system_event(struct kvm_cpu *cpu)
{
	struct kvm *kvm = cpu->kvm;
	struct kvm_run *run = cpu->run;

	switch (run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		pr_debug("vCPU %u: system event: shutdown", cpu->id);
		kvm__stop(kvm, VMM_EXIT_POWEROFF);
		return -1;
	case KVM_SYSTEM_EVENT_RESET: {
		/* KVM's own PSCI: SYSTEM_RESET2 is flagged (api.rst, KVM_EXIT_SYSTEM_EVENT). */
		bool warm = run->system_event.ndata &&
			    (run->system_event.data[0] & KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2);

		pr_debug("vCPU %u: system event: %s", cpu->id, warm ? "warm reset" : "reset");
		return vm__reset_or_stop(kvm, warm) ? -1 : 0;
	}
	case KVM_SYSTEM_EVENT_CRASH:
		pr_err("vCPU %u: the guest reported a crash", cpu->id);
		kvm_cpu__dump(cpu);
		kvm__stop(kvm, VMM_EXIT_PANIC);
		return -1;
	default:
		return kvm_cpu__crash(cpu, "unexpected system event %u", run->system_event.type);
	}
}

static int handle_unexpected(struct kvm_cpu *cpu)
{
	struct kvm_run *run = cpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_FAIL_ENTRY:
		return kvm_cpu__crash(cpu, "KVM_EXIT_FAIL_ENTRY, hardware reason 0x%llx",
				      (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		return kvm_cpu__crash(cpu, "KVM_EXIT_INTERNAL_ERROR, suberror %u",
				      run->internal.suberror);
	default:
		return kvm_cpu__crash(cpu, "unhandled exit reason %u", run->exit_reason);
	}
}

typedef int (*exit_handler_t)(struct kvm_cpu *cpu);

/* Exit handlers: 0 keeps running, < 0 stops the thread (the VM is stopping). */
static const exit_handler_t exit_handlers[] = {
	[KVM_EXIT_MMIO] = handle_mmio,
	[KVM_EXIT_HYPERCALL] = smccc__handle_exit,
	[KVM_EXIT_SYSTEM_EVENT] = handle_system_event,
};

static int handle_exit(struct kvm_cpu *cpu)
{
	uint32_t reason = cpu->run->exit_reason;

	if (reason < ARRAY_SIZE(exit_handlers) && exit_handlers[reason])
		return exit_handlers[reason](cpu);
	return handle_unexpected(cpu);
}

static void *kvm_cpu__thread(void *arg)
{
	struct kvm_cpu *cpu = arg;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, KVM_CPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	for (;;) {
		if (atomic_exchange(&cpu->attention, false) && !settle(cpu))
			break;
		if (ioctl(cpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				cpu->run->immediate_exit = 0;
				continue;
			}
			kvm_cpu__crash(cpu, "KVM_RUN: %s", strerror(errno));
			break;
		}
		if (handle_exit(cpu) < 0)
			break;
	}
	return NULL;
}

int kvm_cpu__start_thread(struct kvm_cpu *cpu)
{
	int r = thread_spawn(&cpu->thread, kvm_cpu__thread, cpu);

	if (!r) {
		pthread_mutex_lock(&cpu->kvm->lock);
		cpu->has_thread = true;
		pthread_mutex_unlock(&cpu->kvm->lock);
	}
	return r;
}
