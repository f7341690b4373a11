/* virtio-net on a tap device (net.c). */
#ifndef VMM_VIRTIO_NET_H
#define VMM_VIRTIO_NET_H

#include <stdint.h>

struct kvm;

struct net_options {
	const char *tap;		/* the tap interface's name */
	uint8_t mac[6];			/* the guest's address */
};

/* Setup: a network device on tap o->tap (opened now, before the sandbox).
 * Dies naming the interface. */
void net__create(struct kvm *kvm, const struct net_options *o);

#endif
