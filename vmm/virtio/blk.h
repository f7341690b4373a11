/* virtio-blk on a raw image (blk.c). */
#ifndef VMM_VIRTIO_BLK_H
#define VMM_VIRTIO_BLK_H

#include <stdbool.h>

struct kvm;

/* Setup: a disk on path (a regular file or block device), locked for the
 * VMM's lifetime; ro refuses writes and says so to the guest.  Dies. */
void blk__create(struct kvm *kvm, const char *path, bool ro);

#endif
