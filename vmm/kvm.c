#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "arch.h"
#include "evloop.h"
#include "kvm.h"
#include "kvm-cpu.h"
#include "mmio.h"

/* Capabilities the VMM cannot run without, with the reason for the error. */
static const struct {
	int cap;
	const char *name;
} required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_ONE_REG, "KVM_CAP_ONE_REG" },
	{ KVM_CAP_DEVICE_CTRL, "KVM_CAP_DEVICE_CTRL" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
	{ KVM_CAP_IRQFD, "KVM_CAP_IRQFD" },
	{ KVM_CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD" },
};

int __kvm_ioctl(int fd, unsigned long cmd, unsigned long arg, const char *name)
{
	int r = ioctl(fd, cmd, arg);

	if (r < 0)
		die_errno(-errno, "%s", name);
	return r;
}

int kvm__open(struct kvm *kvm)
{
	int version;

	kvm->sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm->sys_fd < 0) {
		int err = errno;

		if (err == ENOENT)
			die("/dev/kvm: no such device (is KVM enabled in this kernel? on x86_64 use tools/arm64-host)");
		if (err == EACCES || err == EPERM)
			die("/dev/kvm: %s: the VMM needs read-write access to it, not root: "
			    "join its group (ls -l /dev/kvm; on Debian: sudo adduser $USER kvm, "
			    "then log in again)", strerror(err));
		die_errno(-err, "/dev/kvm");
	}
	version = ioctl(kvm->sys_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION)
		die("/dev/kvm: KVM API version %d, need %d", version, KVM_API_VERSION);
	for (size_t i = 0; i < ARRAY_SIZE(required_caps); i++)
		if (ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0)
			die("/dev/kvm: missing capability %s", required_caps[i].name);
	kvm->vcpu_mmap_size = kvm_ioctl(kvm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	pthread_mutex_init(&kvm->lock, NULL);
	kvm->notify_fd = evloop__eventfd();
	kvm->bus = mmio__create();
	if (!kvm->bus)
		die("MMIO bus: out of memory");
	return 0;
}

int kvm__create_vm(struct kvm *kvm, uint64_t ram_start, uint64_t ram_size)
{
	struct kvm_userspace_memory_region region;

	kvm->vm_fd = kvm_ioctl(kvm->sys_fd, KVM_CREATE_VM,
			       kvm__arch_vm_type(kvm, ram_start + ram_size));

	kvm->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (kvm->ram == MAP_FAILED)
		die_errno(-errno, "mmap guest RAM (%llu MiB)", (unsigned long long)(ram_size >> 20));
	/* Guest RAM is not VMM state: keep it out of core dumps. */
	madvise(kvm->ram, ram_size, MADV_DONTDUMP);
	kvm->ram_start = ram_start;
	kvm->ram_size = ram_size;

	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = ram_start,
		.memory_size = ram_size,
		.userspace_addr = (uintptr_t)kvm->ram,
	};
	kvm_ioctl(kvm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region);
	return 0;
}

static bool gpa_in_ram(const struct kvm *kvm, uint64_t gpa, uint64_t len)
{
	return gpa >= kvm->ram_start && len <= kvm->ram_size &&
	       gpa - kvm->ram_start <= kvm->ram_size - len;
}

void *kvm__gpa_to_hva(struct kvm *kvm, uint64_t gpa, uint64_t len)
{
	if (!gpa_in_ram(kvm, gpa, len))
		return NULL;
	return (char *)kvm->ram + (gpa - kvm->ram_start);
}

void kvm__kick_all(struct kvm *kvm)
{
	for (unsigned int i = 0; i < kvm->nr_cpus; i++)
		kvm_cpu__notify(kvm->cpus[i]);
	evloop__signal(kvm->notify_fd);
}

void kvm__release(struct kvm *kvm)
{
	pthread_mutex_lock(&kvm->lock);
	kvm->started = true;
	for (unsigned int i = 0; i < kvm->nr_cpus; i++)
		kvm_cpu__notify(kvm->cpus[i]);
	pthread_mutex_unlock(&kvm->lock);
}

void kvm__stop(struct kvm *kvm, int status)
{
	pthread_mutex_lock(&kvm->lock);
	if (!kvm->stopping) {
		kvm->stopping = true;
		kvm->exit_status = status;
	}
	kvm__kick_all(kvm);
	pthread_mutex_unlock(&kvm->lock);
}

bool kvm__stopping(struct kvm *kvm)
{
	bool s;

	pthread_mutex_lock(&kvm->lock);
	s = kvm->stopping;
	pthread_mutex_unlock(&kvm->lock);
	return s;
}

void kvm__irqfd(struct kvm *kvm, int efd, unsigned int irq)
{
	struct kvm_irqfd irqfd = { .fd = (uint32_t)efd, .gsi = kvm__arch_irq_gsi(irq) };

	kvm_ioctl(kvm->vm_fd, KVM_IRQFD, &irqfd);
}

void kvm__ioeventfd(struct kvm *kvm, int efd, uint64_t addr, uint32_t value)
{
	struct kvm_ioeventfd io = {
		.datamatch = value, .addr = addr, .len = 4, .fd = efd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	kvm_ioctl(kvm->vm_fd, KVM_IOEVENTFD, &io);
}
