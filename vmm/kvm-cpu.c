#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#include "exit-status.h"
#include "kvm-cpu.h"
#include "kvm.h"
#include "mmio.h"
#include "thread.h"
#include "../policy/psci.h"
#include "util.h"

/* A signal whose only job is to make KVM_RUN return -EINTR. */
#define KVM_CPU_KICK_SIGNAL (SIGRTMIN + 1)

static void kick_handler(int sig)
{
	(void)sig;
}

void kvm_cpu__init_kick_signal(void)
{
	struct sigaction sa = { .sa_handler = kick_handler };

	sigemptyset(&sa.sa_mask);
	if (sigaction(KVM_CPU_KICK_SIGNAL, &sa, NULL))
		die_errno(-errno, "sigaction(vCPU kick signal)");
}

struct kvm_cpu *kvm_cpu__create(struct kvm *kvm, unsigned int id)
{
	struct kvm_cpu *cpu = calloc(1, sizeof(*cpu));

	if (!cpu)
		die("vCPU %u: out of memory", id);
	cpu->kvm = kvm;
	cpu->id = id;
	cpu->fd = kvm_ioctl(kvm->vm_fd, KVM_CREATE_VCPU, id);
	cpu->run = mmap(NULL, kvm->vcpu_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, cpu->fd, 0);
	if (cpu->run == MAP_FAILED)
		die_errno(-errno, "vCPU %u: mmap kvm_run", id);
	return cpu;
}

void kvm_cpu__kick(struct kvm_cpu *cpu)
{
	/* immediate_exit closes the window between the thread's last look at
	 * the VM state and its entry into KVM_RUN. */
	cpu->run->immediate_exit = 1;
	if (cpu->thread)
		pthread_kill(cpu->thread, KVM_CPU_KICK_SIGNAL);
}

void kvm_cpu__park(struct kvm_cpu *cpu)
{
	pthread_mutex_lock(&cpu->kvm->lock);
	/* PSCI already counts this CPU as off: another vCPU may have sent
	 * CPU_ON between that and now.  Parking then would lose it. */
	if (!cpu->start_pending)
		cpu->parked = true;
	pthread_mutex_unlock(&cpu->kvm->lock);
}

void kvm_cpu__request_start(struct kvm_cpu *cpu, uint64_t entry, uint64_t context)
{
	pthread_mutex_lock(&cpu->kvm->lock);
	cpu->start_entry = entry;
	cpu->start_context = context;
	cpu->start_pending = true;
	cpu->parked = false;
	pthread_cond_broadcast(&cpu->kvm->cond);
	pthread_mutex_unlock(&cpu->kvm->lock);
}

static int handle_mmio(struct kvm_cpu *cpu)
{
	struct kvm_run *run = cpu->run;

	mmio__access(run->mmio.phys_addr, run->mmio.data, run->mmio.len,
		     run->mmio.is_write);
	return 0;
}

static int handle_unexpected(struct kvm_cpu *cpu)
{
	struct kvm_run *run = cpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_FAIL_ENTRY:
		pr_err("vCPU %u: KVM_EXIT_FAIL_ENTRY, hardware reason 0x%llx", cpu->id,
		       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		pr_err("vCPU %u: KVM_EXIT_INTERNAL_ERROR, suberror %u", cpu->id,
		       run->internal.suberror);
		break;
	default:
		pr_err("vCPU %u: unhandled exit reason %u", cpu->id, run->exit_reason);
		break;
	}
	kvm_cpu__dump(cpu);
	kvm__stop(cpu->kvm, VMM_EXIT_CRASH);
	return -EFAULT;
}

typedef int (*exit_handler_t)(struct kvm_cpu *cpu);

static const exit_handler_t exit_handlers[] = {
	[KVM_EXIT_MMIO] = handle_mmio,
	[KVM_EXIT_HYPERCALL] = kvm_cpu__handle_hypercall,
	[KVM_EXIT_SYSTEM_EVENT] = kvm_cpu__handle_system_event,
};

static int handle_exit(struct kvm_cpu *cpu)
{
	uint32_t reason = cpu->run->exit_reason;

	if (reason < ARRAY_SIZE(exit_handlers) && exit_handlers[reason])
		return exit_handlers[reason](cpu);
	return handle_unexpected(cpu);
}

/*
 * Wait while parked or while a VM reset is under way; then start the vCPU if
 * CPU_ON (or the reset) asked for it.  false when the VM is stopping.
 */
static bool wait_runnable(struct kvm_cpu *cpu)
{
	struct kvm *kvm = cpu->kvm;
	bool start = false, reinit_off = false, stopping;
	uint64_t entry = 0, context = 0;
	int r = 0;

	pthread_mutex_lock(&kvm->lock);
	while (!kvm->stopping) {
		if (!kvm->started) {
			/* held until setup is finished */
		} else if (kvm->reset_pending) {
			if (!cpu->quiesced) {
				cpu->quiesced = true;
				kvm->nr_quiesced++;
				pthread_kill(kvm->main_thread, VMM_NOTIFY_SIGNAL);
			}
		} else if (!cpu->parked) {
			break;
		}
		pthread_cond_wait(&kvm->cond, &kvm->lock);
	}
	cpu->quiesced = false;
	stopping = kvm->stopping;
	if (!stopping && cpu->start_pending) {
		start = true;
		entry = cpu->start_entry;
		context = cpu->start_context;
		cpu->start_pending = false;
	}
	reinit_off = cpu->reinit_off;
	cpu->reinit_off = false;
	pthread_mutex_unlock(&kvm->lock);

	if (stopping)
		return false;
	if (reinit_off)
		r = kvm_cpu__arch_init(cpu, true);
	if (start) {
		r = kvm_cpu__arch_reset_to(cpu, entry, context);
		if (!r && kvm->psci)
			psci_cpu_started(kvm->psci, cpu->id);
		pr_debug("vCPU %u: started at 0x%llx", cpu->id, (unsigned long long)entry);
	}
	if (r) {
		pr_err("vCPU %u: reset to 0x%llx failed: %s", cpu->id,
		       (unsigned long long)entry, strerror(-r));
		kvm__stop(kvm, VMM_EXIT_CRASH);
		return false;
	}
	return true;
}

static void *kvm_cpu__thread(void *arg)
{
	struct kvm_cpu *cpu = arg;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, KVM_CPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	while (wait_runnable(cpu)) {
		if (ioctl(cpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				cpu->run->immediate_exit = 0;
				continue;
			}
			pr_err("vCPU %u: KVM_RUN: %s", cpu->id, strerror(errno));
			kvm_cpu__dump(cpu);
			kvm__stop(cpu->kvm, VMM_EXIT_CRASH);
			break;
		}
		if (handle_exit(cpu) < 0)
			break;
	}
	return NULL;
}

int kvm_cpu__start_thread(struct kvm_cpu *cpu)
{
	return thread_spawn(&cpu->thread, kvm_cpu__thread, cpu);
}
