/* virtio-rng (rng.c). */
#ifndef VMM_VIRTIO_RNG_H
#define VMM_VIRTIO_RNG_H

#include <stdint.h>

struct kvm;

#define RNG_DEFAULT_RATE	(256 * 1024)	/* bytes per second */

/* Setup: an entropy device fed by getrandom(2), at most rate bytes per
 * second (a burst of one second's worth).  Dies. */
void rng__create(struct kvm *kvm, uint64_t rate);

#endif
