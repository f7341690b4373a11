/*
 * 16550A UART (register model of the National Semiconductor PC16550D data
 * sheet).  Transmission is instantaneous, so THR is always empty; output goes
 * to the console's bounded buffer, so a stalled reader never blocks a vCPU.
 * The interrupt line is a level computed from IER and LSR, as Linux's 8250
 * driver expects.
 */
#include <libfdt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arch.h"
#include "../console.h"
#include "../device.h"
#include "../kvm.h"
#include "../util.h"
#include "uart.h"

#define UART_RX_FIFO	64	/* larger than the 16550's 16: fewer input stalls */
#define UART_CLOCK_HZ	1843200

/* Register offsets (reg-shift 0, 8-bit registers). */
enum {
	UART_RBR_THR = 0, UART_IER = 1, UART_IIR_FCR = 2, UART_LCR = 3,
	UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
};
#define UART_REG_SPAN	8

#define UART_IER_RDI	0x01
#define UART_IER_THRI	0x02
#define UART_IIR_NO_INT	0x01
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_FIFO	0xc0
#define UART_FCR_ENABLE	0x01
#define UART_FCR_CLR_RX	0x02
#define UART_LCR_DLAB	0x80
#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT1	0x04
#define UART_MCR_OUT2	0x08
#define UART_MCR_LOOP	0x10
#define UART_LSR_DR	0x01
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40
#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_RI	0x40
#define UART_MSR_DCD	0x80

struct uart {
	struct device dev;
	pthread_mutex_t lock;
	int irq_level;

	/* The registers; all zero at power-on (the data sheet's reset values
	 * for everything the guest can write). */
	uint8_t ier, lcr, mcr, fcr, scr, dll, dlm;
	uint8_t rx[UART_RX_FIFO];
	unsigned int rx_head, rx_count;
};

static uint8_t uart_lsr(const struct uart *u)
{
	return UART_LSR_THRE | UART_LSR_TEMT | (u->rx_count ? UART_LSR_DR : 0);
}

static uint8_t uart_iir(const struct uart *u)
{
	uint8_t fifo = (u->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO : 0;

	if ((u->ier & UART_IER_RDI) && u->rx_count)
		return fifo | UART_IIR_RDI;
	if (u->ier & UART_IER_THRI)
		return fifo | UART_IIR_THRI;
	return fifo | UART_IIR_NO_INT;
}

static uint8_t uart_msr(const struct uart *u)
{
	uint8_t m = u->mcr;

	if (!(m & UART_MCR_LOOP))
		return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	/* Loopback: modem outputs feed the modem status inputs. */
	return ((m & UART_MCR_RTS) ? UART_MSR_CTS : 0) | ((m & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
	       ((m & UART_MCR_OUT1) ? UART_MSR_RI : 0) | ((m & UART_MCR_OUT2) ? UART_MSR_DCD : 0);
}

/* Called with the lock held. */
static void uart_update_irq(struct uart *u)
{
	int level = !(uart_iir(u) & UART_IIR_NO_INT);

	if (level != u->irq_level) {
		u->irq_level = level;
		kvm__arch_irq_line(u->dev.kvm, u->dev.win.irq, level);
	}
}

static void uart_tx(struct uart *u, uint8_t c)
{
	if (u->mcr & UART_MCR_LOOP) {
		if (u->rx_count < UART_RX_FIFO)
			u->rx[(u->rx_head + u->rx_count++) % UART_RX_FIFO] = c;
		return;
	}
	console__write(&c, 1);
}

static uint8_t uart_rx(struct uart *u)
{
	uint8_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_RX_FIFO;
	if (u->rx_count-- == UART_RX_FIFO)
		console__input_ready();
	return c;
}

static uint8_t uart_read(struct uart *u, unsigned int reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR: return dlab ? u->dll : uart_rx(u);
	case UART_IER: return dlab ? u->dlm : u->ier;
	case UART_IIR_FCR: return uart_iir(u);
	case UART_LCR: return u->lcr;
	case UART_MCR: return u->mcr;
	case UART_LSR: return uart_lsr(u);
	case UART_MSR: return uart_msr(u);
	default: return u->scr;
	}
}

static void uart_write(struct uart *u, unsigned int reg, uint8_t v)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR:
		if (dlab)
			u->dll = v;
		else
			uart_tx(u, v);
		break;
	case UART_IER:
		if (dlab)
			u->dlm = v;
		else
			u->ier = v & 0x0f;
		break;
	case UART_IIR_FCR:
		u->fcr = v & (UART_FCR_ENABLE | 0xc0);
		if ((v & UART_FCR_CLR_RX) && u->rx_count) {
			u->rx_count = 0;
			console__input_ready();
		}
		break;
	case UART_LCR: u->lcr = v; break;
	case UART_MCR: u->mcr = v & 0x1f; break;
	case UART_SCR: u->scr = v; break;
	default: break;	/* LSR and MSR are read-only */
	}
}

static void uart_mmio(struct device *dev, uint64_t offset, uint8_t *data, uint32_t len,
		      bool is_write)
{
	struct uart *u = container_of(dev, struct uart, dev);

	/* reg-io-width 1: wider accesses touch the addressed byte only. */
	if (offset >= UART_REG_SPAN) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	pthread_mutex_lock(&u->lock);
	if (is_write) {
		uart_write(u, (unsigned int)offset, data[0]);
	} else {
		memset(data, 0, len);
		data[0] = uart_read(u, (unsigned int)offset);
	}
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

/* The console's input: what fits in the FIFO now. */
static size_t uart_input(void *opaque, const uint8_t *buf, size_t len)
{
	struct uart *u = opaque;
	size_t n = 0;

	pthread_mutex_lock(&u->lock);
	for (; n < len && u->rx_count < UART_RX_FIFO; n++)
		u->rx[(u->rx_head + u->rx_count++) % UART_RX_FIFO] = buf[n];
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return n;
}

static void uart_reset(struct device *dev)
{
	struct uart *u = container_of(dev, struct uart, dev);
	bool was_full;

	pthread_mutex_lock(&u->lock);
	was_full = u->rx_count == UART_RX_FIFO;
	u->ier = u->lcr = u->mcr = u->fcr = u->scr = u->dll = u->dlm = 0;
	u->rx_head = u->rx_count = 0;
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	if (was_full)
		console__input_ready();
}

static int uart_fdt(struct device *dev, void *fdt)
{
	int r;

	if ((r = device__fdt_begin(dev, fdt, "uart")) ||
	    (r = fdt_property_string(fdt, "compatible", "ns16550a")) ||
	    (r = device__fdt_reg(dev, fdt)) ||
	    (r = fdt__irq_prop(fdt, &dev->win)) ||
	    (r = fdt_property_u32(fdt, "clock-frequency", UART_CLOCK_HZ)) ||
	    (r = fdt_property_u32(fdt, "reg-io-width", 1)))
		return r;
	return fdt_end_node(fdt);
}

void uart__create(struct kvm *kvm, bool input)
{
	struct uart *u = calloc(1, sizeof(*u));

	if (!u)
		die("UART: out of memory");
	pthread_mutex_init(&u->lock, NULL);
	u->dev = (struct device){
		.name = "uart",
		.mmio = uart_mmio,
		.fdt = uart_fdt,
		.reset = uart_reset,
	};
	device__add(kvm, &u->dev, BOARD_SLOT_UART);
	snprintf(kvm->stdout_path, sizeof(kvm->stdout_path), "/uart@%llx",
		 (unsigned long long)u->dev.win.base);
	if (input)
		console__set_input(uart_input, u);
}
