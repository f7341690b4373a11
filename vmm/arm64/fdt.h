/* The guest's device tree, built with libfdt from a plain description. */
#ifndef VMM_ARM64_FDT_H
#define VMM_ARM64_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arm64_fdt_params {
	uint64_t ram_base, ram_size;
	unsigned int nr_cpus;
	const uint64_t *mpidr;		/* nr_cpus entries, MPIDR_EL1 values */
	const char *psci_method;	/* "hvc" or "smc" */
	uint32_t psci_version;		/* major << 16 | minor */
	const char *bootargs;
	uint64_t initrd_start, initrd_size;	/* size 0: no initrd */
	const char *stdout_path;		/* the early console's node; NULL: none */
	bool pmu;				/* a PMUv3 node, on PPI pmu_ppi */
	unsigned int pmu_ppi;
	uint32_t reset_count;			/* guest resets so far: /chosen/vmm,reset-count */
	/* Writes the devices' nodes under the root: 0 or a libfdt error. */
	int (*add_devices)(void *ctx, void *fdt);
	void *devices_ctx;
};

/* 0, or a negative errno (-ENOSPC when buf is too small). */
int arm64_fdt_build(const struct arm64_fdt_params *p, void *buf, size_t size);

#endif
