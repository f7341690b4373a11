/*
 * Console output on an ns16550a (THR at +0, LSR at +5 << reg-shift, bit 5
 * THRE) or an arm,pl011 (DR at +0, FR at +0x18, bit 5 TXFF), found from
 * the DTB.  Transmit only, polled; neither needs initialising to send
 * under QEMU or the project's VMM.
 */
#include "guest.h"

enum uart_kind { UART_NONE, UART_BLIND, UART_16550, UART_PL011 };

static enum uart_kind kind;
static u64 base;
static unsigned int shift, iowidth = 1;

#define UART_GUESS_BASE	0x09000000ULL
#define SPIN_LIMIT	1000000

static inline u32 mmio_read(u64 a, unsigned int width)
{
	return width == 4 ? mmio_read32(a) : mmio_read8(a);
}

static int uart_kind_of(const void *fdt, int node)
{
	if (fdt_is_compatible(fdt, node, "ns16550a") ||
	    fdt_is_compatible(fdt, node, "ns16550"))
		return UART_16550;
	if (fdt_is_compatible(fdt, node, "arm,pl011"))
		return UART_PL011;
	return UART_NONE;
}

static int use_node(const void *fdt, int node)
{
	u64 addr, size;
	u32 v;
	int k = uart_kind_of(fdt, node);

	if (k == UART_NONE || fdt_reg(fdt, node, 0, &addr, &size))
		return 0;
	kind = k;
	base = addr;
	shift = 0;
	iowidth = 1;
	if (!fdt_getprop_u32(fdt, node, "reg-shift", &v) && v < 4)
		shift = v;
	if (!fdt_getprop_u32(fdt, node, "reg-io-width", &v) && v == 4)
		iowidth = 4;
	return 1;
}

void uart_init(const void *fdt)
{
	int node;

	kind = UART_BLIND;
	base = UART_GUESS_BASE;
	if (!fdt || fdt_check(fdt, NULL))
		return;
	node = fdt_resolve_stdout(fdt);
	if (node >= 0 && use_node(fdt, node))
		return;
	node = fdt_find_compatible(fdt, -1, "ns16550a");
	if (node >= 0 && use_node(fdt, node))
		return;
	node = fdt_find_compatible(fdt, -1, "arm,pl011");
	if (node >= 0 && use_node(fdt, node))
		return;
	kind = UART_NONE;	/* a DTB without a console: stay silent */
}

static void raw_putc(char c)
{
	int i;

	switch (kind) {
	case UART_16550:
		for (i = 0; i < SPIN_LIMIT; i++)
			if (mmio_read(base + (5u << shift), iowidth) & 0x20)
				break;
		if (iowidth == 4)
			mmio_write32(base, (u8)c);
		else
			mmio_write8(base, (u8)c);
		break;
	case UART_PL011:
		for (i = 0; i < SPIN_LIMIT; i++)
			if (!(mmio_read(base + 0x18, 4) & 0x20))
				break;
		mmio_write32(base, (u8)c);
		break;
	case UART_BLIND:
		mmio_write8(base, (u8)c);
		udelay(100);
		break;
	default:
		break;
	}
}

void uart_putc(char c)
{
	raw_putc(c);
}

const char *uart_describe(void)
{
	switch (kind) {
	case UART_16550:
		return "ns16550a";
	case UART_PL011:
		return "arm,pl011";
	case UART_BLIND:
		return "blind (no DTB)";
	default:
		return "none";
	}
}

u64 uart_base(void)
{
	return base;
}
