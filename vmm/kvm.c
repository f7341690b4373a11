#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "arch.h"
#include "evloop.h"
#include "exit-status.h"
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

/*
 * The KVM device, read-write: its fd, or a negative errno with why it failed
 * and the fix, in one line (for kvm__open()'s error and --probe's report).
 */
static int open_device(const char *path, char *why, size_t len)
{
	int fd = open(path, O_RDWR | O_CLOEXEC), err;

	if (fd >= 0)
		return fd;
	err = errno;
	if (err == ENOENT)
		snprintf(why, len, "%s: no such device (is KVM enabled in this kernel, and does it "
			 "run at EL2? on a cloud: a bare-metal instance; on x86_64: tools/arm64-host)",
			 path);
	else if (err == EACCES || err == EPERM)
		snprintf(why, len, "%s: %s: the VMM needs read-write access to it, not root: "
			 "join its group (ls -l %s; on Debian: sudo adduser $USER kvm, "
			 "then log in again)", path, strerror(err), path);
	else
		snprintf(why, len, "%s: %s", path, strerror(err));
	return -err;
}

/* The generic capabilities this KVM lacks, as " NAME..." in buf. */
static unsigned int missing_caps(int sys_fd, char *buf, size_t len)
{
	unsigned int n = 0;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(required_caps); i++) {
		if (ioctl(sys_fd, KVM_CHECK_EXTENSION, required_caps[i].cap) > 0)
			continue;
		n++;
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, " %s", required_caps[i].name);
	}
	return n;
}

int kvm__open(struct kvm *kvm, const char *path)
{
	char why[512];
	int version;

	kvm->sys_fd = open_device(path, why, sizeof(why));
	if (kvm->sys_fd < 0)
		die("%s", why);
	version = ioctl(kvm->sys_fd, KVM_GET_API_VERSION, 0);
	if (version < 0)
		die_errno(-errno, "%s: not a KVM device: KVM_GET_API_VERSION", path);
	if (version != KVM_API_VERSION)
		die("%s: KVM API version %d, need %d", path, version, KVM_API_VERSION);
	if (missing_caps(kvm->sys_fd, why, sizeof(why)))
		die("%s: missing capability%s", path, why);
	kvm->vcpu_mmap_size = kvm_ioctl(kvm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	pthread_mutex_init(&kvm->lock, NULL);
	kvm->notify_fd = evloop__eventfd();
	kvm->bus = mmio__create();
	if (!kvm->bus)
		die("MMIO bus: out of memory");
	return 0;
}

/*
 * vmm --probe: the kernel, then each requirement in the order the VMM meets
 * them at start-up, stopping where the next cannot be looked at (no device,
 * no VM).  The arch's own facts come from kvm__arch_probe() on a VM of the
 * default type, made for the purpose and never run.
 */
int kvm__probe(const char *path)
{
	struct kvm kvm = { .sys_fd = -1, .vm_fd = -1 };
	unsigned int missing = 0;
	struct utsname u;
	char why[512];
	int version;

	if (!uname(&u))
		printf("kernel: %s %s %s\n", u.sysname, u.release, u.machine);
	kvm.sys_fd = open_device(path, why, sizeof(why));
	if (kvm.sys_fd < 0) {
		printf("kvm: MISSING: %s\n", why);
		missing++;
		goto out;
	}
	printf("kvm: %s: opened read-write\n", path);
	version = ioctl(kvm.sys_fd, KVM_GET_API_VERSION, 0);
	if (version < 0) {
		printf("kvm-api: MISSING: %s is not a KVM device (KVM_GET_API_VERSION: %s)\n", path,
		       strerror(errno));
		missing++;
		goto out;
	}
	if (version != KVM_API_VERSION) {
		printf("kvm-api: MISSING: version %d, the VMM speaks %d\n", version, KVM_API_VERSION);
		missing++;
		goto out;
	}
	printf("kvm-api: version %d\n", version);
	if (missing_caps(kvm.sys_fd, why, sizeof(why))) {
		printf("kvm-caps: MISSING:%s\n", why);
		missing++;
	} else {
		printf("kvm-caps: all %zu generic ones\n", ARRAY_SIZE(required_caps));
	}
	kvm.vm_fd = ioctl(kvm.sys_fd, KVM_CREATE_VM, 0);
	if (kvm.vm_fd < 0) {
		printf("kvm-vm: MISSING: KVM_CREATE_VM: %s\n", strerror(errno));
		missing++;
		goto out;
	}
	missing += kvm__arch_probe(&kvm);
out:
	if (missing) {
		printf("verdict: the VMM cannot run here: %u requirement%s missing (the fix is on "
		       "each MISSING line)\n", missing, missing == 1 ? "" : "s");
		return VMM_EXIT_ERROR;
	}
	printf("verdict: ok: the VMM can run here\n");
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
