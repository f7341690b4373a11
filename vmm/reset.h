/* Guest SYSTEM_RESET: exit, or restart the guest from its boot state. */
#ifndef VMM_RESET_H
#define VMM_RESET_H

#include <stdbool.h>

struct kvm;
struct boot_files;

/*
 * From a vCPU thread: true when the VM stops (on_reset = exit).  warm: the
 * guest asked for SYSTEM_RESET2's warm reset, which the default Linux
 * command line (reboot=panic_warm) makes the sign of a panic: exit status 3.
 */
bool vm__reset_or_stop(struct kvm *kvm, bool warm);
/* From the main thread when kvm->notify_fd fires: finish a pending reset
 * once every vCPU thread waits (devices and the interrupt controller back
 * to power-on, RAM cleared, the guest reloaded); a failure stops the VM
 * (crash status). */
void vm__reset_if_pending(struct kvm *kvm, const struct boot_files *boot);

#endif
