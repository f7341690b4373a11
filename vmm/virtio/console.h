/* virtio-console (console.c): the guest's hvc0 on the VMM's console. */
#ifndef VMM_VIRTIO_CONSOLE_H
#define VMM_VIRTIO_CONSOLE_H

struct kvm;

/* Setup: a single-port console (no MULTIPORT) taking the console's input. */
void virtio_console__create(struct kvm *kvm);

#endif
