#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../policy/policy.h"
#include "../cli.h"
#include "../kvm-cpu.h"
#include "../kvm.h"
#include "../util.h"
#include "boot.h"
#include "fdt.h"
#include "image.h"
#include "layout.h"

/* panic=-1 reboot=panic_warm: a panicking Linux resets at once with
 * SYSTEM_RESET2 (warm), which the VMM reports as a guest panic (exit 3). */
#define DEFAULT_CMDLINE "console=ttyS0 earlycon panic=-1 reboot=panic_warm"

static int open_file(const char *path, const char *what, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die_errno(-errno, "%s %s", what, path);
	if (fstat(fd, &st) < 0)
		die_errno(-errno, "%s %s", what, path);
	if (!S_ISREG(st.st_mode))
		die("%s %s: not a regular file", what, path);
	*size = st.st_size;
	return fd;
}

static int read_all(int fd, void *dst, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)dst + done, len - done, done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;	/* the file shrank */
		done += n;
	}
	return 0;
}

static char *make_cmdline(const char *arg)
{
	char *s;

	if (!arg)
		return strdup(DEFAULT_CMDLINE);
	if (arg[0] != '+')
		return strdup(arg);
	if (asprintf(&s, "%s %s", DEFAULT_CMDLINE, arg + 1) < 0)
		return NULL;
	return s;
}

static void check_kernel(struct boot_files *b, uint64_t size)
{
	unsigned char hdr[ARM64_IMAGE_HEADER_SIZE] = { 0 };
	const char *why = "";
	ssize_t n = pread(b->kernel_fd, hdr, sizeof(hdr), 0);

	if (n < 0)
		die_errno(-errno, "read %s", b->kernel);
	if (arm64_image_parse(hdr, sizeof(hdr), size, &b->image, &why))
		die("kernel %s: %s", b->kernel, why);
}

void boot__open(struct boot_files *b, const struct vmm_options *o)
{
	uint64_t size;

	memset(b, 0, sizeof(*b));
	b->kernel = o->kernel;
	b->kernel_fd = open_file(o->kernel, "kernel", &size);
	check_kernel(b, size);
	b->initrd_fd = -1;
	if (o->initrd) {
		b->initrd = o->initrd;
		b->initrd_fd = open_file(o->initrd, "initrd", &b->initrd_size);
	}
	b->cmdline = make_cmdline(o->cmdline);
	if (!b->cmdline)
		die("command line: out of memory");
}

void boot__plan(struct boot_files *b, const struct kvm *kvm)
{
	const struct arm64_image *img = &b->image;
	uint64_t reserve = ARM64_FDT_MAX_SIZE + ALIGN_UP(b->initrd_size, SZ_4K);
	uint64_t kernel_end;

	b->fdt_addr = kvm->ram_start + kvm->ram_size - ARM64_FDT_MAX_SIZE;
	if (arm64_image_place(img, kvm->ram_start, kvm->ram_size, reserve, &b->kernel_addr))
		die("kernel %s: needs %llu MiB with the initrd and device tree, more than --mem %llu MiB",
		    b->kernel,
		    (unsigned long long)((img->text_offset + img->image_size + reserve + SZ_1M - 1) >> 20),
		    (unsigned long long)(kvm->ram_size >> 20));
	kernel_end = b->kernel_addr + img->image_size;
	b->initrd_addr = 0;
	if (b->initrd_fd >= 0) {
		b->initrd_addr = ALIGN_DOWN(b->fdt_addr - b->initrd_size, SZ_4K);
		if (b->initrd_addr < kernel_end)
			die("initrd %s: %llu MiB does not fit in --mem beside the kernel", b->initrd,
			    (unsigned long long)(b->initrd_size >> 20));
	}
}

int boot__load(struct kvm *kvm, const struct boot_files *b)
{
	uint64_t mpidr[VMM_MAX_CPUS];
	struct arm64_fdt_params p;
	int r;

	r = read_all(b->kernel_fd, kvm__gpa_to_hva(kvm, b->kernel_addr, b->image.file_size),
		     b->image.file_size);
	if (!r && b->initrd_fd >= 0)
		r = read_all(b->initrd_fd, kvm__gpa_to_hva(kvm, b->initrd_addr, b->initrd_size),
			     b->initrd_size);
	if (r)
		return r;

	for (unsigned int i = 0; i < kvm->nr_cpus; i++)
		mpidr[i] = kvm->cpus[i]->mpidr;
	p = (struct arm64_fdt_params){
		.ram_base = kvm->ram_start,
		.ram_size = kvm->ram_size,
		.nr_cpus = kvm->nr_cpus,
		.mpidr = mpidr,
		.psci_method = policy_conduit(kvm->policy) == POLICY_CONDUIT_SMC ? "smc" : "hvc",
		.psci_version = policy_psci_version(kvm->policy),
		.bootargs = b->cmdline,
		.initrd_start = b->initrd_addr,
		.initrd_size = b->initrd_fd >= 0 ? b->initrd_size : 0,
	};
	r = arm64_fdt_build(&p, kvm__gpa_to_hva(kvm, b->fdt_addr, ARM64_FDT_MAX_SIZE),
			    ARM64_FDT_MAX_SIZE);
	if (r)
		return r;
	kvm->entry = b->kernel_addr;
	kvm->fdt_addr = b->fdt_addr;
	return 0;
}
