/* The driver's side of virtio-mmio, bare (guest.h): enough to set a queue
 * up and put what the caller built in it. */
#include "guest.h"

#define VIRTIO_MAGIC		0x74726976
#define VIRTIO_F_VERSION_1_HI	1	/* bit 32: bit 0 of feature word 1 */

u32 vdev_read(u64 base, u32 off)
{
	return mmio_read32(base + off);
}

void vdev_write(u64 base, u32 off, u32 v)
{
	dsb_sy();
	mmio_write32(base + off, v);
}

u64 vdev_find(const void *fdt, int idx)
{
	int node = -1;
	u64 base, size;

	for (int i = 0; i <= idx; i++) {
		node = fdt_find_compatible(fdt, node, "virtio,mmio");
		if (node < 0)
			return 0;
	}
	return fdt_reg(fdt, node, 0, &base, &size) ? 0 : base;
}

static void set_addr(u64 base, u32 off, const volatile void *p)
{
	u64 a = (u64)(uintptr_t)p;

	vdev_write(base, off, (u32)a);
	vdev_write(base, off + 4, (u32)(a >> 32));
}

int vdev_start(struct vdev *d, u64 base, unsigned int q, void *rings, const char **why)
{
	u8 *r = rings;
	u32 st;

	d->base = base;
	d->queue = q;
	d->desc = (struct vdesc *)r;
	d->avail = (volatile u16 *)(r + 1024);
	d->used = (volatile u16 *)(r + 2048);
	d->next_avail = 0;
	memset(rings, 0, 4096);
	if (vdev_read(base, VMMIO_MAGIC) != VIRTIO_MAGIC || vdev_read(base, VMMIO_VERSION) != 2) {
		*why = "no virtio-mmio version 2 device";
		return -1;
	}
	d->device_id = vdev_read(base, VMMIO_DEVICE_ID);
	vdev_write(base, VMMIO_STATUS, 0);
	vdev_write(base, VMMIO_STATUS, VSTATUS_ACK | VSTATUS_DRIVER);
	vdev_write(base, VMMIO_DEV_FEATURES_SEL, 1);
	if (!(vdev_read(base, VMMIO_DEV_FEATURES) & VIRTIO_F_VERSION_1_HI)) {
		*why = "VIRTIO_F_VERSION_1 not offered";
		return -1;
	}
	vdev_write(base, VMMIO_DRV_FEATURES_SEL, 1);
	vdev_write(base, VMMIO_DRV_FEATURES, VIRTIO_F_VERSION_1_HI);
	vdev_write(base, VMMIO_DRV_FEATURES_SEL, 0);
	vdev_write(base, VMMIO_DRV_FEATURES, 0);
	vdev_write(base, VMMIO_STATUS, VSTATUS_ACK | VSTATUS_DRIVER | VSTATUS_FEATURES_OK);
	st = vdev_read(base, VMMIO_STATUS);
	if (!(st & VSTATUS_FEATURES_OK)) {
		*why = "FEATURES_OK refused";
		return -1;
	}
	vdev_write(base, VMMIO_QUEUE_SEL, q);
	if (vdev_read(base, VMMIO_QUEUE_READY) || vdev_read(base, VMMIO_QUEUE_NUM_MAX) < VQ_SIZE) {
		*why = "the queue is not there, or smaller than 16";
		return -1;
	}
	vdev_write(base, VMMIO_QUEUE_NUM, VQ_SIZE);
	set_addr(base, VMMIO_QUEUE_DESC, d->desc);
	set_addr(base, VMMIO_QUEUE_AVAIL, d->avail);
	set_addr(base, VMMIO_QUEUE_USED, d->used);
	vdev_write(base, VMMIO_QUEUE_READY, 1);
	vdev_write(base, VMMIO_STATUS, st | VSTATUS_DRIVER_OK);
	return 0;
}

void vdev_offer(struct vdev *d, u16 head)
{
	d->avail[2 + d->next_avail % VQ_SIZE] = head;
	dsb_sy();
	d->avail[1] = ++d->next_avail;
	vdev_write(d->base, VMMIO_QUEUE_NOTIFY, d->queue);
}

int vdev_wait_status(struct vdev *d, u32 bit, u64 us)
{
	u64 dl = deadline_us(us);

	while (!(vdev_read(d->base, VMMIO_STATUS) & bit))
		if (deadline_passed(dl))
			return 0;
	return 1;
}

int vdev_wait_used(struct vdev *d, u16 idx, u64 us)
{
	u64 dl = deadline_us(us);

	while (d->used[1] != idx)
		if (deadline_passed(dl))
			return 0;
	return 1;
}
