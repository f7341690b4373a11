/*
 * The guest physical address map, modelled on QEMU's arm64 "virt" machine
 * so that guests and habits carry over.  Documented in the README.
 *
 *   0x0800_0000  GICv3 distributor          64 KiB
 *   0x080A_0000  GICv3 redistributors       128 KiB per vCPU (2 x 64 KiB frames)
 *   0x0900_0000  16550 UART (ns16550a)      4 KiB, SPI 1 (INTID 33), level high
 *   0x0A00_0000  virtio-mmio transports     32 x 512 bytes, SPI 16 + i
 *                                           (INTID 48 + i), edge rising
 *   0x4000_0000  RAM                        --mem bytes
 *
 * In RAM: the kernel at RAM + text_offset, the device tree in the last
 * 2 MiB-aligned 2 MiB of RAM, the initrd just below the device tree.
 */
#ifndef VMM_ARM64_LAYOUT_H
#define VMM_ARM64_LAYOUT_H

#define ARM64_GICD_BASE		0x08000000ULL
#define ARM64_GICD_SIZE		0x00010000ULL
#define ARM64_GICR_BASE		0x080A0000ULL
#define ARM64_GICR_STRIDE	0x00020000ULL
#define ARM64_UART_BASE		0x09000000ULL
#define ARM64_UART_SIZE		0x00001000ULL
#define ARM64_UART_SPI		1
#define ARM64_VIRTIO_BASE	0x0A000000ULL
#define ARM64_VIRTIO_SIZE	0x200ULL
#define ARM64_VIRTIO_COUNT	32
#define ARM64_VIRTIO_SPI	16	/* the first; transport i has SPI 16 + i */
#define ARM64_RAM_BASE		0x40000000ULL

/* The redistributors must end below the UART. */
#define ARM64_MAX_CPUS_BY_GICR	((ARM64_UART_BASE - ARM64_GICR_BASE) / ARM64_GICR_STRIDE)

/* GIC interrupt numbering (GICv3 architecture spec, 2.2). */
#define GIC_SPI_BASE		32
#define GIC_NR_IRQS		128	/* SGIs + PPIs + 96 SPIs */

/* Arch timer PPIs, as QEMU's virt and the Arm SBSA use them. */
#define ARM64_TIMER_PPI_SEC_PHYS	13
#define ARM64_TIMER_PPI_PHYS		14
#define ARM64_TIMER_PPI_VIRT		11
#define ARM64_TIMER_PPI_HYP		10

/* Device tree placement limits (Documentation/arch/arm64/booting.rst). */
#define ARM64_FDT_MAX_SIZE	0x200000ULL
#define ARM64_KERNEL_ALIGN	0x200000ULL

#endif
