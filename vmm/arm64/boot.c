/* arm64's boot hooks (arch.h): the Image header and the device tree. */
#include <errno.h>

#include <asm/setup.h>

#include "../../policy/policy.h"
#include "../arch.h"
#include "../boot.h"
#include "../device.h"
#include "../kvm-cpu.h"
#include "../kvm.h"
#include "../util.h"
#include "fdt.h"
#include "image.h"
#include "kvm-arch.h"
#include "layout.h"

int boot__arch_parse_kernel(const void *hdr, size_t len, uint64_t file_size,
			    uint64_t *load_offset, uint64_t *mem_size, const char **why)
{
	struct arm64_image img;
	int r = arm64_image_parse(hdr, len, file_size, &img, why);

	if (r)
		return r;
	*load_offset = img.text_offset;
	*mem_size = img.image_size;
	return 0;
}

/* kvmtool and QEMU put a kernel without an Image header at RAM + 0x80000,
 * the text_offset of every arm64 Image before Linux 3.17. */
int boot__arch_raw_kernel(uint64_t file_size, uint64_t *load_offset, uint64_t *mem_size,
			  const char **why)
{
	if (!file_size) {
		*why = "an empty file";
		return -EINVAL;
	}
	*load_offset = ARM64_IMAGE_LEGACY_TEXT_OFFSET;
	*mem_size = file_size;
	return 0;
}

/* arch/arm64/include/uapi/asm/setup.h: what Linux copies from /chosen/bootargs. */
size_t boot__arch_cmdline_max(void)
{
	return COMMAND_LINE_SIZE;
}

uint64_t boot__arch_fdt_space(void)
{
	return ARM64_FDT_MAX_SIZE;
}

static int add_devices(void *ctx, void *fdt)
{
	return device__fdt_all(ctx, fdt);
}

int boot__arch_fdt(struct kvm *kvm, const struct boot_files *b, void *buf, size_t size)
{
	uint64_t mpidr[kvm->nr_cpus];
	struct arm64_fdt_params p;

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
		.stdout_path = kvm->stdout_path,
		.pmu = kvm->arch->features.pmu,
		.pmu_ppi = ARM64_PMU_PPI,
		.reset_count = kvm->reset_count,
		.add_devices = add_devices,
		.devices_ctx = kvm,
	};
	return arm64_fdt_build(&p, buf, size);
}
