#include <errno.h>
#include <stdio.h>
#include <libfdt.h>

#include "../arch.h"
#include "fdt.h"
#include "layout.h"

#define GIC_PHANDLE		1
/* Interrupt specifier cells (bindings/interrupt-controller/arm,gic-v3.yaml). */
#define GIC_FDT_IRQ_TYPE_SPI	0
#define GIC_FDT_IRQ_TYPE_PPI	1
#define IRQ_TYPE_EDGE_RISING	1
#define IRQ_TYPE_LEVEL_HIGH	4
/* MPIDR_EL1 affinity fields Aff3 (39:32) and Aff2..Aff0 (23:0). */
#define MPIDR_HWID_MASK		0xff00ffffffULL

/* libfdt's sequential-write calls return 0 or -FDT_ERR_*; stop at the first. */
#define T(call) do { int __r = (call); if (__r) return __r; } while (0)

static int prop_u64_pair(void *fdt, const char *name, uint64_t a, uint64_t b)
{
	fdt64_t v[2] = { cpu_to_fdt64(a), cpu_to_fdt64(b) };

	return fdt_property(fdt, name, v, sizeof(v));
}

static int fdt_irq(void *fdt, const char *name, const uint32_t (*irqs)[3], int n)
{
	fdt32_t cells[4 * 3];

	for (int i = 0; i < n; i++)
		for (int j = 0; j < 3; j++)
			cells[i * 3 + j] = cpu_to_fdt32(irqs[i][j]);
	return fdt_property(fdt, name, cells, n * 3 * sizeof(fdt32_t));
}

static int add_cpus(void *fdt, const struct arm64_fdt_params *p)
{
	char name[32];

	T(fdt_begin_node(fdt, "cpus"));
	T(fdt_property_u32(fdt, "#address-cells", 2));
	T(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned int i = 0; i < p->nr_cpus; i++) {
		uint64_t hwid = p->mpidr[i] & MPIDR_HWID_MASK;

		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)hwid);
		T(fdt_begin_node(fdt, name));
		T(fdt_property_string(fdt, "device_type", "cpu"));
		T(fdt_property_string(fdt, "compatible", "arm,armv8"));
		T(fdt_property_u64(fdt, "reg", hwid));
		T(fdt_property_string(fdt, "enable-method", "psci"));
		T(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

/* bindings/arm/psci.yaml: 0.2+ firmware is probed by compatible alone. */
static int add_psci(void *fdt, const struct arm64_fdt_params *p)
{
	static const char compat_1_0[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	static const char compat_0_2[] = "arm,psci-0.2\0arm,psci";

	T(fdt_begin_node(fdt, "psci"));
	if (p->psci_version >= 0x10000)
		T(fdt_property(fdt, "compatible", compat_1_0, sizeof(compat_1_0)));
	else
		T(fdt_property(fdt, "compatible", compat_0_2, sizeof(compat_0_2)));
	T(fdt_property_string(fdt, "method", p->psci_method));
	return fdt_end_node(fdt);
}

static int add_gic(void *fdt, const struct arm64_fdt_params *p)
{
	char name[32];
	fdt64_t reg[4] = {
		cpu_to_fdt64(ARM64_GICD_BASE), cpu_to_fdt64(ARM64_GICD_SIZE),
		cpu_to_fdt64(ARM64_GICR_BASE),
		cpu_to_fdt64(ARM64_GICR_STRIDE * p->nr_cpus),
	};

	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)ARM64_GICD_BASE);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	T(fdt_property_u32(fdt, "#interrupt-cells", 3));
	T(fdt_property(fdt, "interrupt-controller", NULL, 0));
	T(fdt_property_u32(fdt, "#redistributor-regions", 1));
	T(fdt_property(fdt, "reg", reg, sizeof(reg)));
	T(fdt_property_u32(fdt, "phandle", GIC_PHANDLE));
	return fdt_end_node(fdt);
}

static int add_timer(void *fdt)
{
	static const uint32_t irqs[4][3] = {
		{ GIC_FDT_IRQ_TYPE_PPI, ARM64_TIMER_PPI_SEC_PHYS, IRQ_TYPE_LEVEL_HIGH },
		{ GIC_FDT_IRQ_TYPE_PPI, ARM64_TIMER_PPI_PHYS, IRQ_TYPE_LEVEL_HIGH },
		{ GIC_FDT_IRQ_TYPE_PPI, ARM64_TIMER_PPI_VIRT, IRQ_TYPE_LEVEL_HIGH },
		{ GIC_FDT_IRQ_TYPE_PPI, ARM64_TIMER_PPI_HYP, IRQ_TYPE_LEVEL_HIGH },
	};

	T(fdt_begin_node(fdt, "timer"));
	T(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	T(fdt_irq(fdt, "interrupts", irqs, 4));
	T(fdt_property(fdt, "always-on", NULL, 0));
	return fdt_end_node(fdt);
}

/* The PMU's overflow interrupt, a per-CPU PPI (bindings/arm/pmu.yaml). */
static int add_pmu(void *fdt, unsigned int ppi)
{
	const uint32_t irq[1][3] = { { GIC_FDT_IRQ_TYPE_PPI, ppi, IRQ_TYPE_LEVEL_HIGH } };

	T(fdt_begin_node(fdt, "pmu"));
	T(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
	T(fdt_irq(fdt, "interrupts", irq, 1));
	return fdt_end_node(fdt);
}

/* A device's interrupt: one SPI, edge or level (bindings/interrupt-controller/
 * arm,gic-v3.yaml: SPIs support rising edge and active-high level only). */
int fdt__irq_prop(void *fdt, const struct board_window *w)
{
	const uint32_t irq[1][3] = {
		{ GIC_FDT_IRQ_TYPE_SPI, w->irq, w->irq_edge ? IRQ_TYPE_EDGE_RISING : IRQ_TYPE_LEVEL_HIGH },
	};

	return fdt_irq(fdt, "interrupts", irq, 1);
}

static int add_chosen(void *fdt, const struct arm64_fdt_params *p)
{
	T(fdt_begin_node(fdt, "chosen"));
	T(fdt_property_string(fdt, "bootargs", p->bootargs ? p->bootargs : ""));
	if (p->stdout_path && *p->stdout_path)
		T(fdt_property_string(fdt, "stdout-path", p->stdout_path));
	if (p->initrd_size) {
		T(fdt_property_u64(fdt, "linux,initrd-start", p->initrd_start));
		T(fdt_property_u64(fdt, "linux,initrd-end", p->initrd_start + p->initrd_size));
	}
	/* A VMM extension (README, the address map): RAM is cleared on a guest
	 * reset, so this is how a guest tells its first boot from a restart. */
	T(fdt_property_u32(fdt, "vmm,reset-count", p->reset_count));
	return fdt_end_node(fdt);
}

static int build(const struct arm64_fdt_params *p, void *fdt, size_t size)
{
	char mem[32];

	snprintf(mem, sizeof(mem), "memory@%llx", (unsigned long long)p->ram_base);

	T(fdt_create(fdt, (int)size));
	T(fdt_finish_reservemap(fdt));
	T(fdt_begin_node(fdt, ""));
	T(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	T(fdt_property_string(fdt, "model", "vmm arm64 virtual machine"));
	T(fdt_property_u32(fdt, "#address-cells", 2));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	T(fdt_property_u32(fdt, "interrupt-parent", GIC_PHANDLE));

	T(add_chosen(fdt, p));
	if (p->stdout_path && *p->stdout_path) {
		T(fdt_begin_node(fdt, "aliases"));
		T(fdt_property_string(fdt, "serial0", p->stdout_path));
		T(fdt_end_node(fdt));
	}

	T(fdt_begin_node(fdt, mem));
	T(fdt_property_string(fdt, "device_type", "memory"));
	T(prop_u64_pair(fdt, "reg", p->ram_base, p->ram_size));
	T(fdt_end_node(fdt));

	T(add_cpus(fdt, p));
	T(add_psci(fdt, p));
	T(add_gic(fdt, p));
	T(add_timer(fdt));
	if (p->pmu)
		T(add_pmu(fdt, p->pmu_ppi));
	/* Every device writes its own node (device.h). */
	if (p->add_devices)
		T(p->add_devices(p->devices_ctx, fdt));

	T(fdt_end_node(fdt));
	T(fdt_finish(fdt));
	return fdt_pack(fdt);
}

int arm64_fdt_build(const struct arm64_fdt_params *p, void *buf, size_t size)
{
	int r;

	if (size > INT32_MAX || !p->nr_cpus || !p->psci_method)
		return -EINVAL;
	r = build(p, buf, size);
	if (r == -FDT_ERR_NOSPACE)
		return -ENOSPC;
	return r ? -EINVAL : 0;
}
