#include <sys/mman.h>

#include "../policy/policy.h"
#include "../policy/psci.h"
#include "arm64/boot.h"
#include "exit-status.h"
#include "kvm-cpu.h"
#include "kvm.h"
#include "reset.h"
#include "util.h"

bool vm__reset_or_stop(struct kvm *kvm, bool warm)
{
	if (policy_on_reset(kvm->policy) == POLICY_RESET_EXIT) {
		kvm__stop(kvm, warm ? VMM_EXIT_PANIC : VMM_EXIT_RESET);
		return true;
	}
	pthread_mutex_lock(&kvm->lock);
	kvm->reset_pending = true;
	kvm__kick_all(kvm);
	pthread_mutex_unlock(&kvm->lock);
	return false;
}

/* Called with kvm->lock held, or before the vCPU threads start. */
void vm__set_boot_state(struct kvm *kvm)
{
	for (unsigned int i = 0; i < kvm->nr_cpus; i++) {
		struct kvm_cpu *cpu = kvm->cpus[i];
		bool boot = i == 0;

		cpu->start_pending = boot;
		cpu->start_entry = kvm->entry;
		cpu->start_context = kvm->fdt_addr;
		/* Userspace PSCI keeps secondaries parked in the VMM; KVM's
		 * PSCI keeps them powered off in the kernel. */
		cpu->parked = !boot && kvm->psci;
		cpu->reinit_off = !boot && !kvm->psci;
	}
}

void vm__reset_if_pending(struct kvm *kvm, const struct boot_files *boot)
{
	pthread_mutex_lock(&kvm->lock);
	if (!kvm->reset_pending || kvm->stopping || kvm->nr_quiesced < kvm->nr_cpus) {
		pthread_mutex_unlock(&kvm->lock);
		return;
	}
	pr_info("guest reset: restarting (on_reset = restart)");
	/* No vCPU runs now.  Fresh zeroed RAM, then the images again. */
	madvise(kvm->ram, kvm->ram_size, MADV_DONTNEED);
	boot__load(kvm, boot);
	if (kvm->psci)
		psci_reset(kvm->psci);
	vm__set_boot_state(kvm);
	kvm->reset_pending = false;
	kvm->nr_quiesced = 0;
	pthread_cond_broadcast(&kvm->cond);
	pthread_mutex_unlock(&kvm->lock);
}
