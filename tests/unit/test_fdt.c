/* The device tree, built and read back with libfdt. */
#include <check.h>
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "arch.h"
#include "arm64/fdt.h"
#include "arm64/layout.h"

static char buf[64 * 1024];

static const uint64_t mpidrs[] = { 0x80000000, 0x80000001, 0x80000002, 0x80000003 };
static uint32_t resets;	/* the reset count build() writes */

/* Two devices as the device model writes them: a level-triggered UART and
 * an edge-triggered virtio-mmio transport, each with fdt__irq_prop(). */
static int add_devices(void *ctx, void *fdt)
{
	static const struct { const char *node, *compat; struct board_window w; } devs[] = {
		{ "uart@9000000", "ns16550a", { ARM64_UART_BASE, ARM64_UART_SIZE, ARM64_UART_SPI, false } },
		{ "virtio_mmio@a000000", "virtio,mmio",
		  { ARM64_VIRTIO_BASE, ARM64_VIRTIO_SIZE, ARM64_VIRTIO_SPI, true } },
	};
	int r = 0;

	(void)ctx;
	for (unsigned int i = 0; i < 2 && !r; i++) {
		fdt64_t reg[2] = { cpu_to_fdt64(devs[i].w.base), cpu_to_fdt64(devs[i].w.size) };

		if ((r = fdt_begin_node(fdt, devs[i].node)) ||
		    (r = fdt_property_string(fdt, "compatible", devs[i].compat)) ||
		    (r = fdt_property(fdt, "reg", reg, sizeof(reg))) ||
		    (r = fdt__irq_prop(fdt, &devs[i].w)))
			break;
		r = fdt_end_node(fdt);
	}
	return r;
}

static void build(unsigned int cpus, const char *method, uint32_t version, uint64_t initrd_size)
{
	struct arm64_fdt_params p = {
		.ram_base = ARM64_RAM_BASE, .ram_size = 256 << 20,
		.nr_cpus = cpus, .mpidr = mpidrs,
		.psci_method = method, .psci_version = version,
		.bootargs = "console=ttyS0 earlycon",
		.initrd_start = 0x48000000, .initrd_size = initrd_size,
		.stdout_path = "/uart@9000000",
		.reset_count = resets,
		.add_devices = add_devices,
	};

	ck_assert_int_eq(arm64_fdt_build(&p, buf, sizeof(buf)), 0);
	ck_assert_int_eq(fdt_check_header(buf), 0);
}

static const char *str(const char *path, const char *prop)
{
	int off = fdt_path_offset(buf, path);

	ck_assert_msg(off >= 0, "no node %s", path);
	return fdt_getprop(buf, off, prop, NULL);
}

static uint64_t u64_at(const char *path, const char *prop, int idx)
{
	int off = fdt_path_offset(buf, path), len;
	const char *v;
	fdt64_t x;

	ck_assert_msg(off >= 0, "no node %s", path);
	v = fdt_getprop(buf, off, prop, &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_ge(len, (idx + 1) * 8);
	/* Properties are only 4-byte aligned. */
	memcpy(&x, v + idx * 8, sizeof(x));
	return fdt64_to_cpu(x);
}

START_TEST(memory_and_chosen)
{
	build(1, "hvc", 0x10001, 0x1000);
	ck_assert_str_eq(str("/memory@40000000", "device_type"), "memory");
	ck_assert_uint_eq(u64_at("/memory@40000000", "reg", 0), ARM64_RAM_BASE);
	ck_assert_uint_eq(u64_at("/memory@40000000", "reg", 1), 256 << 20);
	ck_assert_str_eq(str("/chosen", "bootargs"), "console=ttyS0 earlycon");
	ck_assert_str_eq(str("/chosen", "stdout-path"), "/uart@9000000");
	ck_assert_uint_eq(u64_at("/chosen", "linux,initrd-start", 0), 0x48000000);
	ck_assert_uint_eq(u64_at("/chosen", "linux,initrd-end", 0), 0x48001000);
}
END_TEST

static uint32_t u32_at(const char *path, const char *prop)
{
	int off = fdt_path_offset(buf, path), len;
	const fdt32_t *v;

	ck_assert_msg(off >= 0, "no node %s", path);
	v = fdt_getprop(buf, off, prop, &len);
	ck_assert_msg(v != NULL, "no %s in %s", prop, path);
	ck_assert_int_eq(len, 4);
	return fdt32_to_cpu(*v);
}

/* First boot 0, then the number of guest resets (guests tell the boots
 * apart by it: RAM is cleared on a reset). */
START_TEST(reset_count)
{
	resets = 0;
	build(1, "hvc", 0x10001, 0);
	ck_assert_uint_eq(u32_at("/chosen", "vmm,reset-count"), 0);
	resets = 3;
	build(1, "hvc", 0x10001, 0);
	ck_assert_uint_eq(u32_at("/chosen", "vmm,reset-count"), 3);
	resets = 0;
}
END_TEST

START_TEST(no_initrd)
{
	build(1, "hvc", 0x10001, 0);
	ck_assert_ptr_null(str("/chosen", "linux,initrd-start"));
}
END_TEST

START_TEST(cpu_nodes)
{
	int cpus, n = 0, off;

	build(4, "hvc", 0x10001, 0);
	cpus = fdt_path_offset(buf, "/cpus");
	ck_assert_int_ge(cpus, 0);
	fdt_for_each_subnode(off, buf, cpus) {
		const char *reg = fdt_getprop(buf, off, "reg", NULL);
		fdt64_t hwid;

		ck_assert_str_eq(fdt_getprop(buf, off, "enable-method", NULL), "psci");
		ck_assert_str_eq(fdt_getprop(buf, off, "device_type", NULL), "cpu");
		/* reg is the MPIDR's affinity fields, without bit 31 (RES1). */
		memcpy(&hwid, reg, sizeof(hwid));
		ck_assert_uint_eq(fdt64_to_cpu(hwid), mpidrs[n] & 0xff00ffffffULL);
		n++;
	}
	ck_assert_int_eq(n, 4);
	/* One 128 KiB redistributor frame pair per vCPU. */
	ck_assert_uint_eq(u64_at("/intc@8000000", "reg", 3), 4 * ARM64_GICR_STRIDE);
}
END_TEST

START_TEST(psci_node)
{
	int len;
	const char *c;

	build(1, "smc", 0x10000, 0);
	ck_assert_str_eq(str("/psci", "method"), "smc");
	c = fdt_getprop(buf, fdt_path_offset(buf, "/psci"), "compatible", &len);
	ck_assert_str_eq(c, "arm,psci-1.0");
	ck_assert_int_eq(fdt_node_check_compatible(buf, fdt_path_offset(buf, "/psci"), "arm,psci-0.2"), 0);

	build(1, "hvc", 0x2, 0);
	ck_assert_str_eq(str("/psci", "method"), "hvc");
	ck_assert_str_eq(str("/psci", "compatible"), "arm,psci-0.2");
	ck_assert_int_ne(fdt_node_check_compatible(buf, fdt_path_offset(buf, "/psci"), "arm,psci-1.0"), 0);
}
END_TEST

START_TEST(devices)
{
	int off;
	const fdt32_t *irq;

	build(2, "hvc", 0x10001, 0);
	ck_assert_str_eq(str("/intc@8000000", "compatible"), "arm,gic-v3");
	ck_assert_uint_eq(u64_at("/intc@8000000", "reg", 0), ARM64_GICD_BASE);
	ck_assert_uint_eq(u64_at("/intc@8000000", "reg", 2), ARM64_GICR_BASE);
	ck_assert_str_eq(str("/timer", "compatible"), "arm,armv8-timer");
	ck_assert_str_eq(str("/uart@9000000", "compatible"), "ns16550a");
	ck_assert_uint_eq(u64_at("/uart@9000000", "reg", 0), ARM64_UART_BASE);
	off = fdt_path_offset(buf, "/uart@9000000");
	irq = fdt_getprop(buf, off, "interrupts", NULL);
	ck_assert_uint_eq(fdt32_to_cpu(irq[0]), 0);	/* SPI */
	ck_assert_uint_eq(fdt32_to_cpu(irq[1]), ARM64_UART_SPI);
	ck_assert_uint_eq(fdt32_to_cpu(irq[2]), 4);	/* level high */
	ck_assert_str_eq(str("/aliases", "serial0"), "/uart@9000000");
	/* virtio-mmio's interrupts come from irqfds: edge-triggered. */
	off = fdt_path_offset(buf, "/virtio_mmio@a000000");
	ck_assert_int_ge(off, 0);
	irq = fdt_getprop(buf, off, "interrupts", NULL);
	ck_assert_uint_eq(fdt32_to_cpu(irq[1]), ARM64_VIRTIO_SPI);
	ck_assert_uint_eq(fdt32_to_cpu(irq[2]), 1);	/* edge rising */
}
END_TEST

START_TEST(too_small_buffer)
{
	struct arm64_fdt_params p = {
		.ram_base = ARM64_RAM_BASE, .ram_size = 256 << 20, .nr_cpus = 1,
		.mpidr = mpidrs, .psci_method = "hvc", .psci_version = 0x10001,
	};
	static char tiny[128];

	ck_assert_int_eq(arm64_fdt_build(&p, tiny, sizeof(tiny)), -ENOSPC);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fdt");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, memory_and_chosen);
	tcase_add_test(tc, no_initrd);
	tcase_add_test(tc, reset_count);
	tcase_add_test(tc, cpu_nodes);
	tcase_add_test(tc, psci_node);
	tcase_add_test(tc, devices);
	tcase_add_test(tc, too_small_buffer);
	suite_add_tcase(s, tc);
	return check_run(s);
}
