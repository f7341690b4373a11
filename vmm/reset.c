/* Guest SYSTEM_RESET: exit, or restart the guest from its boot state. */
#include <string.h>
#include <sys/mman.h>

#include "../policy/policy.h"
#include "arch.h"
#include "boot.h"
#include "device.h"
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

void vm__reset_if_pending(struct kvm *kvm, const struct boot_files *boot)
{
	const char *what;
	int r;

	pthread_mutex_lock(&kvm->lock);
	if (!kvm->reset_pending || kvm->stopping || kvm->nr_quiesced < kvm->nr_cpus) {
		pthread_mutex_unlock(&kvm->lock);
		return;
	}
	pr_info("guest reset: restarting (on_reset = restart)");
	/* No vCPU runs now.  The devices first (their I/O threads stop using
	 * guest RAM, their interrupt lines go low), then the interrupt
	 * controller, then fresh zeroed RAM and the images again. */
	device__reset_all(kvm);
	what = "resetting the interrupt controller";
	r = kvm__arch_reset(kvm);
	if (!r) {
		madvise(kvm->ram, kvm->ram_size, MADV_DONTNEED);
		kvm->reset_count++;
		what = "reloading the guest";
		r = boot__load(kvm, boot);
	}
	kvm->reset_pending = false;
	kvm->nr_quiesced = 0;
	for (unsigned int i = 0; i < kvm->nr_cpus; i++)
		kvm->cpus[i]->quiesced = false;
	kvm_cpu__set_boot_state(kvm);
	pthread_mutex_unlock(&kvm->lock);
	if (r) {
		pr_err("guest reset: %s failed: %s", what, strerror(-r));
		kvm__stop(kvm, VMM_EXIT_CRASH);
	}
}
