/* Loading the guest (boot.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "boot.h"
#include "file.h"
#include "kvm.h"
#include "util.h"

/* panic=-1 reboot=panic_warm: a panicking Linux resets at once with
 * SYSTEM_RESET2 (warm), which the VMM reports as a guest panic (exit 3). */
#define DEFAULT_CMDLINE_REST "earlycon panic=-1 reboot=panic_warm"

#define KERNEL_HEADER_MAX	4096

static int read_all(int fd, void *dst, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)dst + done, len - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;	/* the file shrank */
		done += (uint64_t)n;
	}
	return 0;
}

/* The default command line with console=, then what -p added; or, with
 * --nodefaults, what -p added alone. */
static char *make_cmdline(const struct boot_spec *spec)
{
	const char *extra = spec->cmdline ? spec->cmdline : "";
	char *s = NULL;

	if (spec->nodefaults)
		return strdup(extra);
	if (asprintf(&s, "console=%s " DEFAULT_CMDLINE_REST "%s%s", spec->console,
		     *extra ? " " : "", extra) < 0)
		return NULL;
	return s;
}

/* Linux copies at most its limit less the NUL and drops the rest without a
 * word: a silent guest, or one missing its last parameters. */
static void check_cmdline(const char *cmdline)
{
	size_t len = strlen(cmdline), max = boot__arch_cmdline_max();

	if (len >= max)
		die("command line: %zu bytes, over the guest kernel's limit of %zu "
		    "(COMMAND_LINE_SIZE %zu with the NUL)", len, max - 1, max);
}

static void check_kernel(struct boot_files *b, bool raw)
{
	unsigned char hdr[KERNEL_HEADER_MAX] = { 0 };
	const char *why = "";
	ssize_t n = pread(b->kernel_fd, hdr, sizeof(hdr), 0);
	int r;

	if (n < 0)
		die_errno(-errno, "read %s", b->kernel);
	if (raw)
		r = boot__arch_raw_kernel(b->kernel_size, &b->load_offset, &b->mem_size, &why);
	else
		r = boot__arch_parse_kernel(hdr, (size_t)n, b->kernel_size, &b->load_offset,
					    &b->mem_size, &why);
	if (r == -ENOEXEC && n >= 4 && !memcmp(hdr, "\177ELF", 4))
		die("kernel %s: an ELF file (a vmlinux?): boot the kernel image made from it",
		    b->kernel);
	if (r == -ENOEXEC)
		die("kernel %s: %s; a flat binary needs --kernel-format raw", b->kernel, why);
	if (r)
		die("kernel %s: %s", b->kernel, why);
}

void boot__open(struct boot_files *b, const struct boot_spec *spec)
{
	memset(b, 0, sizeof(*b));
	b->kernel = spec->kernel;
	b->kernel_fd = file__open_regular(spec->kernel, "kernel", &b->kernel_size);
	check_kernel(b, spec->raw);
	b->initrd_fd = -1;
	if (spec->initrd) {
		b->initrd = spec->initrd;
		b->initrd_fd = file__open_regular(spec->initrd, "initrd", &b->initrd_size);
	}
	b->cmdline = make_cmdline(spec);
	if (!b->cmdline)
		die("command line: out of memory");
	check_cmdline(b->cmdline);
}

static uint64_t mib_up(uint64_t bytes)
{
	return bytes / SZ_1M + (bytes % SZ_1M != 0);
}

/*
 * Every size here comes from a file or its header, so nothing is summed
 * before it is known to fit: the message names the field, not an
 * overflowed total.
 */
void boot__plan(struct boot_files *b, const struct kvm *kvm)
{
	uint64_t fdt_space = boot__arch_fdt_space();
	uint64_t initrd = ALIGN_UP(b->initrd_size, SZ_4K);
	uint64_t ram = kvm->ram_size;

	if (b->initrd_size > ram || initrd > ram - fdt_space)
		die("initrd %s: %llu MiB does not fit in --mem %llu MiB with the device tree",
		    b->initrd, (unsigned long long)mib_up(b->initrd_size),
		    (unsigned long long)(ram >> 20));
	if (b->mem_size > ram || b->load_offset > ram - b->mem_size ||
	    b->load_offset + b->mem_size > ram - fdt_space - initrd)
		die("kernel %s: the header's image_size (%llu MiB at offset 0x%llx) does not fit in "
		    "--mem %llu MiB with %s%llu MiB for the device tree", b->kernel,
		    (unsigned long long)mib_up(b->mem_size), (unsigned long long)b->load_offset,
		    (unsigned long long)(ram >> 20), b->initrd_fd >= 0 ? "the initrd and " : "",
		    (unsigned long long)mib_up(fdt_space));
	b->fdt_addr = kvm->ram_start + ram - fdt_space;
	b->kernel_addr = kvm->ram_start + b->load_offset;
	b->initrd_addr = 0;
	if (b->initrd_fd >= 0)
		b->initrd_addr = ALIGN_DOWN(b->fdt_addr - b->initrd_size, SZ_4K);
}

int boot__load(struct kvm *kvm, const struct boot_files *b)
{
	int r;

	r = read_all(b->kernel_fd, kvm__gpa_to_hva(kvm, b->kernel_addr, b->kernel_size),
		     b->kernel_size);
	if (!r && b->initrd_fd >= 0)
		r = read_all(b->initrd_fd, kvm__gpa_to_hva(kvm, b->initrd_addr, b->initrd_size),
			     b->initrd_size);
	if (!r)
		r = boot__arch_fdt(kvm, b, kvm__gpa_to_hva(kvm, b->fdt_addr, boot__arch_fdt_space()),
				   boot__arch_fdt_space());
	if (r)
		return r;
	kvm->entry = b->kernel_addr;
	kvm->fdt_addr = b->fdt_addr;
	return 0;
}
