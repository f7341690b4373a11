/* The device registry (device.h). */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>

#include "device.h"
#include "kvm.h"
#include "mmio.h"
#include "util.h"

static void device_mmio(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
			bool is_write)
{
	struct device *dev = opaque;

	dev->mmio(dev, offset, data, len, is_write);
}

void device__add(struct kvm *kvm, struct device *dev, enum board_slot slot)
{
	struct device **tail = &kvm->devices;
	int r;

	if (board__alloc(slot, &dev->win))
		die("%s: no room left on the board for another device of this kind", dev->name);
	dev->kvm = kvm;
	r = mmio__add(kvm->bus, dev->win.base, dev->win.size, device_mmio, dev);
	if (r)
		die_errno(r, "%s: MMIO window 0x%llx", dev->name, (unsigned long long)dev->win.base);
	while (*tail)
		tail = &(*tail)->next;
	*tail = dev;
	dev->next = NULL;
}

int device__fdt_all(struct kvm *kvm, void *fdt)
{
	for (struct device *d = kvm->devices; d; d = d->next) {
		int r = d->fdt ? d->fdt(d, fdt) : 0;

		if (r)
			return r;
	}
	return 0;
}

void device__start_all(struct kvm *kvm)
{
	for (struct device *d = kvm->devices; d; d = d->next) {
		int r = d->start ? d->start(d) : 0;

		if (r)
			die_errno(r, "%s: starting", d->name);
	}
}

void device__reset_all(struct kvm *kvm)
{
	for (struct device *d = kvm->devices; d; d = d->next)
		if (d->reset)
			d->reset(d);
}

void device__stop_all(struct kvm *kvm)
{
	for (struct device *d = kvm->devices; d; d = d->next)
		if (d->stop)
			d->stop(d);
}

int device__fdt_begin(struct device *dev, void *fdt, const char *node)
{
	char name[64];

	snprintf(name, sizeof(name), "%s@%llx", node, (unsigned long long)dev->win.base);
	return fdt_begin_node(fdt, name);
}

/* The root node has two address and two size cells (the arch's builder). */
int device__fdt_reg(struct device *dev, void *fdt)
{
	fdt64_t reg[2] = { cpu_to_fdt64(dev->win.base), cpu_to_fdt64(dev->win.size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}
