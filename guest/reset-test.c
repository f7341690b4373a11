/*
 * reset-test: a guest reset (PSCI SYSTEM_RESET with on_reset = restart)
 * must bring every device back to its power-on state: the 16550 UART, the
 * vGICv3 (distributor, each redistributor, each CPU interface) and the
 * virtio devices.
 *
 * Boot 0 (/chosen/vmm,reset-count = 0): read every register below at
 * power-on, check those with a defined reset value, store the readings on
 * the virtio-blk disk (RAM does not survive the reset), then dirty them all
 * - the UART's registers, divisor latch and an interrupt, input left in its
 * RX FIFO; the GIC's enables, pendings, actives, groups, priorities,
 * configurations and routes; each CPU interface's PMR, BPR0/1, CTLR,
 * IGRPEN0/1, and an interrupt acknowledged and never completed (an active
 * priority in ICC_AP1R0) - and call SYSTEM_RESET.
 * Boot 1 (reset-count 1): read them again and compare each register set,
 * per CPU, with the stored power-on readings (some reset values are
 * UNKNOWN or IMPLEMENTATION DEFINED, so the first boot's reading is the
 * reference), and the UART with the 16550's reset values; then SYSTEM_OFF.
 *
 * One TAP stream over both boots: the plan is printed at boot 0 and boot 1
 * goes on numbering (tap_continue()).
 *
 * Needs a virtio-blk disk of >= 4 KiB (the readings' store) and the
 * ns16550a console (reg-shift 0, 8-bit registers, as the VMM's).
 * Bootargs: rx=1: console input must be waiting in the RX FIFO at the
 * reset (the e2e feeds stdin), so that the FIFO's reset is tested.
 */
#include "guest.h"
#include "policy/smccc.h"
#include "vmm/arm64/gic-regs.h"

#define CONTEXT_ID_BASE	0xC0DE0000ULL
#define WAIT_US		5000000		/* 5 s: nested emulation is slow */
#define MAX_CPUS	8
#define MAX_INTIDS	128		/* the VMM's vGIC has 128; more are not looked at */
#define STORE_MAGIC	0x52535430	/* "RST0" */
#define STORE_BYTES	4096
#define ACK_SGI		5
#define ACK_PRIO	0x80

/* The 16550 (PC16550D data sheet register map; reg-shift 0). */
enum { U_RBR_THR, U_IER, U_IIR_FCR, U_LCR, U_MCR, U_LSR, U_MSR, U_SCR };
enum { U_DLL, U_DLM };			/* with LCR.DLAB set */
#define UART_LCR_DLAB	0x80
#define UART_LSR_DR	0x01
#define UART_IIR_NO_INT	0x01
/* Reset values: IER 0, IIR 0x01 (no interrupt pending), LCR 0, LSR 0x60
 * (THRE | TEMT: transmitter empty) - the 16550 register reference's reset
 * column, as QEMU's serial_reset() and vmm/devices/uart.c have them - and
 * MCR 0 (vmm/devices/uart.c; QEMU sets OUT2).  MSR's upper bits follow the
 * modem inputs and SCR and the divisor latch have no reset value there, so
 * those are compared with the first boot's reading. */
#define UART_IIR_RESET	0x01
#define UART_LSR_RESET	0x60
#define UART_INTID	33		/* SPI 1: the VMM's address map */

/* The UART's readings, in this order. */
enum { UR_IER, UR_IIR, UR_LCR, UR_MCR, UR_LSR, UR_MSR, UR_SCR, UR_DLL, UR_DLM, NR_UART };
static const char *const uart_names[NR_UART] = {
	"IER", "IIR", "LCR", "MCR", "LSR", "MSR", "SCR", "DLL", "DLM",
};

/* ---------------------------------------------------------- accessors */

/* ICC_* by their encodings: "s3_0_c4_c6_0" needs no assembler support. */
#define SYSREG_STR(op0, op1, crn, crm, op2) \
	"s" #op0 "_" #op1 "_c" #crn "_c" #crm "_" #op2
#define SYSREG(...)	SYSREG_STR(__VA_ARGS__)
#define icc_read(enc) \
	({ u64 __v; __asm__ volatile("mrs %0, " SYSREG(enc) : "=r"(__v) : : "memory"); __v; })
#define icc_write(enc, v) \
	__asm__ volatile("msr " SYSREG(enc) ", %0" : : "r"((u64)(v)) : "memory")

/* The CPU interface registers read, in this order. */
enum { I_PMR, I_BPR0, I_BPR1, I_CTLR, I_SRE, I_IGRPEN0, I_IGRPEN1, I_AP0R, I_AP1R = I_AP0R + 4,
       NR_ICC = I_AP1R + 4 };

/* ICC_AP0R<n>/AP1R<n> that exist: 1, 2 or 4 with 5, 6 or 7 priority bits
 * (reading one that does not is UNDEFINED). */
static unsigned int nr_apr(u32 ctlr)
{
	unsigned int bits = ICC_CTLR_PRIBITS(ctlr);

	return bits <= 5 ? 1 : bits == 6 ? 2 : 4;
}

static u32 read_apr(int group, unsigned int n)
{
	switch (group * 4 + n) {
	case 0: return (u32)icc_read(ICC_AP0R0_EL1_ENC);
	case 1: return (u32)icc_read(ICC_AP0R1_EL1_ENC);
	case 2: return (u32)icc_read(ICC_AP0R2_EL1_ENC);
	case 3: return (u32)icc_read(ICC_AP0R3_EL1_ENC);
	case 4: return (u32)icc_read(ICC_AP1R0_EL1_ENC);
	case 5: return (u32)icc_read(ICC_AP1R1_EL1_ENC);
	case 6: return (u32)icc_read(ICC_AP1R2_EL1_ENC);
	default: return (u32)icc_read(ICC_AP1R3_EL1_ENC);
	}
}

static void icc_read_all(u32 *v)
{
	unsigned int n;

	v[I_PMR] = (u32)icc_read(ICC_PMR_EL1_ENC);
	v[I_BPR0] = (u32)icc_read(ICC_BPR0_EL1_ENC);
	v[I_BPR1] = (u32)icc_read(ICC_BPR1_EL1_ENC);
	v[I_CTLR] = (u32)icc_read(ICC_CTLR_EL1_ENC);
	v[I_SRE] = (u32)icc_read(ICC_SRE_EL1_ENC);
	v[I_IGRPEN0] = (u32)icc_read(ICC_IGRPEN0_EL1_ENC);
	v[I_IGRPEN1] = (u32)icc_read(ICC_IGRPEN1_EL1_ENC);
	n = nr_apr(v[I_CTLR]);
	for (unsigned int i = 0; i < 4; i++) {
		v[I_AP0R + i] = i < n ? read_apr(0, i) : 0;
		v[I_AP1R + i] = i < n ? read_apr(1, i) : 0;
	}
}

/*
 * Every CPU interface register a guest can write, to something else.  BPR1
 * before CBPR: with CBPR set, BPR1 writes are ignored, so a reset must
 * restore ICC_CTLR before BPR1 to get BPR1 back.
 */
static void icc_dirty(const u32 *p)
{
	icc_write(ICC_PMR_EL1_ENC, 0xf0);
	icc_write(ICC_BPR0_EL1_ENC, p[I_BPR0] == 5 ? 6 : 5);
	icc_write(ICC_BPR1_EL1_ENC, p[I_BPR1] == 6 ? 5 : 6);
	icc_write(ICC_IGRPEN0_EL1_ENC, 1);
	icc_write(ICC_IGRPEN1_EL1_ENC, 1);
	icc_write(ICC_CTLR_EL1_ENC, p[I_CTLR] | ICC_CTLR_CBPR | ICC_CTLR_EOIMODE);
	isb();
}

/* ------------------------------------------------------ the platform */

static u64 gicd, gicr[MAX_CPUS], uart;
static u64 cpu_mpidr[MAX_CPUS];
static int ncpus;
static unsigned int nr_intids;
static enum conduit conduit;

/* Each CPU's redistributor: the frame whose GICR_TYPER affinity is its
 * MPIDR's (Aff3 in bits 63:56, Aff2..Aff0 below). */
static int find_redists(u64 base)
{
	for (int f = 0; f < 64; f++) {
		u64 rd = base + (u64)f * GICR_STRIDE;
		u64 typer = mmio_read32(rd + GICR_TYPER) | (u64)mmio_read32(rd + GICR_TYPER + 4) << 32;
		u64 aff = typer >> GICR_TYPER_AFF_SHIFT;

		for (int c = 0; c < ncpus; c++)
			if ((((cpu_mpidr[c] >> 32) & 0xff) << 24 | (cpu_mpidr[c] & 0xffffff)) == aff)
				gicr[c] = rd;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	for (int c = 0; c < ncpus; c++)
		if (!gicr[c])
			return -1;
	return 0;
}

/* ---------------------------------------------------- the register sets */

enum area { DIST, REDIST, CPUIF };
#define F_DIRTY	1	/* the test writes it: the writes must show */
#define F_SPI	2	/* one register per ipr SPIs, as many as the GIC has */

struct rset {
	const char *name;
	u8 area, flags;
	u16 ipr;		/* F_SPI: INTIDs per register */
	u32 off;		/* DIST/REDIST: offset of INTID 0's register; CPUIF: I_* */
	u32 n;			/* registers, without F_SPI */
	u32 stride;
};

static const struct rset sets[] = {
	{ "GICD_CTLR", DIST, F_DIRTY, 0, GICD_CTLR, 1, 4 },
	{ "GICD_IGROUPR", DIST, F_DIRTY | F_SPI, 32, GICD_IGROUPR, 0, 4 },
	{ "GICD_ISENABLER", DIST, F_DIRTY | F_SPI, 32, GICD_ISENABLER, 0, 4 },
	{ "GICD_ISPENDR", DIST, F_DIRTY | F_SPI, 32, GICD_ISPENDR, 0, 4 },
	{ "GICD_ISACTIVER", DIST, F_DIRTY | F_SPI, 32, GICD_ISACTIVER, 0, 4 },
	{ "GICD_IPRIORITYR", DIST, F_DIRTY | F_SPI, 4, GICD_IPRIORITYR, 0, 4 },
	{ "GICD_ICFGR", DIST, F_DIRTY | F_SPI, 16, GICD_ICFGR, 0, 4 },
	/* The low words: KVM implements no Aff3 (its upper word is RAZ/WI). */
	{ "GICD_IROUTER", DIST, F_DIRTY | F_SPI, 1, GICD_IROUTER, 0, 8 },
	/* KVM: WI without an ITS; WAKER RAZ/WI; ICFGR0/1 read-only. */
	{ "GICR_CTLR", REDIST, 0, 0, GICR_CTLR, 1, 4 },
	{ "GICR_WAKER", REDIST, 0, 0, GICR_WAKER, 1, 4 },
	{ "GICR_PROPBASER", REDIST, F_DIRTY, 0, GICR_PROPBASER, 2, 4 },
	{ "GICR_PENDBASER", REDIST, F_DIRTY, 0, GICR_PENDBASER, 2, 4 },
	{ "GICR_IGROUPR0", REDIST, F_DIRTY, 0, GICR_SGI_BASE + GICR_IGROUPR0, 1, 4 },
	{ "GICR_ISENABLER0", REDIST, F_DIRTY, 0, GICR_SGI_BASE + GICR_ISENABLER0, 1, 4 },
	{ "GICR_ISPENDR0", REDIST, F_DIRTY, 0, GICR_SGI_BASE + GICR_ISPENDR0, 1, 4 },
	{ "GICR_ISACTIVER0", REDIST, F_DIRTY, 0, GICR_SGI_BASE + GICR_ISACTIVER0, 1, 4 },
	{ "GICR_IPRIORITYR", REDIST, F_DIRTY, 0, GICR_SGI_BASE + GICR_IPRIORITYR0, 8, 4 },
	{ "GICR_ICFGR", REDIST, 0, 0, GICR_SGI_BASE + GICR_ICFGR0, 2, 4 },
	{ "ICC_PMR_EL1", CPUIF, F_DIRTY, 0, I_PMR, 1, 1 },
	{ "ICC_BPR0_EL1", CPUIF, F_DIRTY, 0, I_BPR0, 1, 1 },
	{ "ICC_BPR1_EL1", CPUIF, F_DIRTY, 0, I_BPR1, 1, 1 },
	{ "ICC_CTLR_EL1", CPUIF, F_DIRTY, 0, I_CTLR, 1, 1 },
	{ "ICC_SRE_EL1", CPUIF, 0, 0, I_SRE, 1, 1 },
	{ "ICC_IGRPEN0_EL1", CPUIF, F_DIRTY, 0, I_IGRPEN0, 1, 1 },
	{ "ICC_IGRPEN1_EL1", CPUIF, F_DIRTY, 0, I_IGRPEN1, 1, 1 },
	/* Only CPU 0 gets an active priority: a test of its own. */
	{ "ICC_AP0R<n>_EL1", CPUIF, 0, 0, I_AP0R, 4, 1 },
	{ "ICC_AP1R<n>_EL1", CPUIF, 0, 0, I_AP1R, 4, 1 },
};

static u32 set_count(const struct rset *s)
{
	return s->flags & F_SPI ? (nr_intids - GIC_NR_PRIVATE_IRQS) / s->ipr : s->n;
}

/* The first register's address (F_SPI sets start at INTID 32's). */
static u64 set_addr(const struct rset *s, int cpu)
{
	u64 base = s->area == DIST ? gicd : gicr[cpu];
	u32 first = s->flags & F_SPI ? GIC_NR_PRIVATE_IRQS / s->ipr : 0;

	return base + s->off + (u64)first * s->stride;
}

/* Readings: the distributor's sets, each CPU's redistributor and CPU
 * interface sets, the UART; the index of set s for CPU cpu: */
static u32 set_index(const struct rset *s, int cpu)
{
	u32 i = 0;

	for (const struct rset *t = sets; t < sets + ARRAY_SIZE(sets); t++)
		if (t->area == DIST) {
			if (t == s)
				return i;
			i += set_count(t);
		}
	for (int c = 0; c < ncpus; c++)
		for (const struct rset *t = sets; t < sets + ARRAY_SIZE(sets); t++)
			if (t->area != DIST) {
				if (t == s && c == cpu)
					return i;
				i += set_count(t);
			}
	return i;	/* past the GIC: where the UART's readings start */
}

static u32 nr_values(void)
{
	return set_index(NULL, -1) + NR_UART;
}

/* What each CPU read from its own CPU interface, by mailbox. */
struct mbox {
	volatile u32 seq;
	volatile u32 icc[NR_ICC];	/* before dirtying (at boot 1: after the reset) */
	volatile u32 dirty[NR_ICC];	/* after (boot 0) */
} __attribute__((aligned(64)));

static struct mbox mbox[MAX_CPUS];
static volatile u32 boot_no;		/* written by CPU 0 before CPU_ON */

static void uart_read_all(u32 *v)
{
	u8 lcr = mmio_read8(uart + U_LCR);

	v[UR_IER] = mmio_read8(uart + U_IER);
	v[UR_IIR] = mmio_read8(uart + U_IIR_FCR);
	v[UR_LCR] = lcr;
	v[UR_MCR] = mmio_read8(uart + U_MCR);
	v[UR_LSR] = mmio_read8(uart + U_LSR);
	v[UR_MSR] = mmio_read8(uart + U_MSR);
	v[UR_SCR] = mmio_read8(uart + U_SCR);
	mmio_write8(uart + U_LCR, lcr | UART_LCR_DLAB);
	v[UR_DLL] = mmio_read8(uart + U_DLL);
	v[UR_DLM] = mmio_read8(uart + U_DLM);
	mmio_write8(uart + U_LCR, lcr);
}

/* Everything, into v: the CPU interfaces from icc[cpu] (dirty: the
 * mailboxes' dirty readings). */
static void read_state(u32 *v, u32 (*icc)[NR_ICC])
{
	for (const struct rset *s = sets; s < sets + ARRAY_SIZE(sets); s++)
		for (int c = 0; c < (s->area == DIST ? 1 : ncpus); c++) {
			u32 at = set_index(s, c), n = set_count(s);

			for (u32 k = 0; k < n; k++)
				v[at + k] = s->area == CPUIF ? icc[c][s->off + k]
							     : mmio_read32(set_addr(s, c) + (u64)k * s->stride);
		}
	uart_read_all(v + set_index(NULL, -1));
}

/* ------------------------------------------------------ secondary CPUs */

void guest_secondary(u64 context_id)
{
	int me = (int)(context_id - CONTEXT_ID_BASE);
	u32 v[NR_ICC];

	icc_read_all(v);
	for (int i = 0; i < NR_ICC; i++)
		mbox[me].icc[i] = v[i];
	if (boot_no == 0) {
		icc_dirty(v);
		icc_read_all(v);
		for (int i = 0; i < NR_ICC; i++)
			mbox[me].dirty[i] = v[i];
	}
	dsb_sy();
	mbox[me].seq = 1;
	dsb_sy();
	sev();
	/* Stay on: the reset must take a running CPU down too. */
	for (;;)
		__asm__ volatile("wfe");
}

static s64 on_ret[MAX_CPUS];

/* Start every secondary and wait for its readings (in mbox). */
static void start_secondaries(int self)
{
	for (int c = 0; c < ncpus; c++) {
		u64 d;

		if (c == self)
			continue;
		on_ret[c] = (s64)smccc0(conduit, PSCI_CPU_ON_64, cpu_mpidr[c],
					(u64)(uintptr_t)secondary_entry, CONTEXT_ID_BASE + (u64)c);
		d = deadline_us(WAIT_US);
		while (!on_ret[c] && !mbox[c].seq && !deadline_passed(d))
			cpu_relax();
		dmb_sy();
	}
}

/* One test per secondary; its readings into icc (and dirty). */
static void report_secondaries(int self, u32 (*icc)[NR_ICC], u32 (*dirty)[NR_ICC])
{
	for (int c = 0; c < ncpus; c++) {
		if (c == self)
			continue;
		tap_ok(!on_ret[c] && mbox[c].seq, "CPU %d started (CPU_ON %lld) and read its CPU interface",
		       c, (long long)on_ret[c]);
		for (int i = 0; i < NR_ICC; i++) {
			icc[c][i] = mbox[c].icc[i];
			if (dirty)
				dirty[c][i] = mbox[c].dirty[i];
		}
	}
}

/* ------------------------------------------------------ the disk store */

struct store {
	u32 magic, ncpus, nvals, failed;
	u32 vals[];			/* power-on readings, then the dirtied ones */
};

static u8 rings[4096] __attribute__((aligned(4096)));
static u8 blkbuf[STORE_BYTES] __attribute__((aligned(4096)));
static struct { u32 type, reserved; u64 sector; } blkhdr __attribute__((aligned(16)));
static volatile u8 blkstatus;

static u64 find_disk(const void *fdt)
{
	u64 base;

	for (int i = 0; (base = vdev_find(fdt, i)); i++)
		if (vdev_read(base, VMMIO_DEVICE_ID) == 2)	/* virtio-blk */
			return base;
	return 0;
}

/* Sector 0.. of the disk to or from blkbuf (virtio 1.2, 5.2.6). */
static int disk_io(u64 base, int write, const char **why)
{
	struct vdev d;

	if (vdev_start(&d, base, 0, rings, why))
		return -1;
	blkhdr.type = write ? 1 : 0;	/* VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_IN */
	blkhdr.reserved = 0;
	blkhdr.sector = 0;
	blkstatus = 0xff;
	d.desc[0].addr = (u64)(uintptr_t)&blkhdr;
	d.desc[0].len = sizeof(blkhdr);
	d.desc[0].flags = VDESC_F_NEXT;
	d.desc[0].next = 1;
	d.desc[1].addr = (u64)(uintptr_t)blkbuf;
	d.desc[1].len = STORE_BYTES;
	d.desc[1].flags = VDESC_F_NEXT | (write ? 0 : VDESC_F_WRITE);
	d.desc[1].next = 2;
	d.desc[2].addr = (u64)(uintptr_t)&blkstatus;
	d.desc[2].len = 1;
	d.desc[2].flags = VDESC_F_WRITE;
	d.desc[2].next = 0;
	dsb_sy();
	vdev_offer(&d, 0);
	if (!vdev_wait_used(&d, 1, WAIT_US)) {
		*why = "the request was not completed";
		return -1;
	}
	dmb_sy();
	if (blkstatus != 0) {
		*why = "the device answered an error";
		return -1;
	}
	vdev_write(base, VMMIO_STATUS, 0);
	return 0;
}

/* ------------------------------------------------------------- the plan */

static int nsets(int area)
{
	int n = 0;

	for (const struct rset *s = sets; s < sets + ARRAY_SIZE(sets); s++)
		n += s->area == area;
	return n;
}

/* reset-count, UART x5, GICD_CTLR, SPIs, per CPU x2, secondaries, ack,
 * input, dirtied, UART interrupt, stored. */
static int boot0_tests(void)
{
	return 1 + 5 + 1 + 1 + 2 * ncpus + (ncpus - 1) + 1 + 1 + 1 + 1 + 1;
}

/* reset-count, virtio, secondaries, read back, UART x9, every set. */
static int boot1_tests(void)
{
	return 1 + 1 + (ncpus - 1) + 1 + NR_UART + nsets(DIST) +
	       ncpus * (nsets(REDIST) + nsets(CPUIF));
}

/* ---------------------------------------------------------------- boot 0 */

static u32 P[1024], D[1024], R[1024];
static u32 icc_p[MAX_CPUS][NR_ICC], icc_d[MAX_CPUS][NR_ICC];

static u32 pending_active(int cpu)
{
	u64 sgi = gicr[cpu] + GICR_SGI_BASE;

	return mmio_read32(sgi + GICR_ISPENDR0) | mmio_read32(sgi + GICR_ISACTIVER0);
}

static void check_power_on(const u32 *u)
{
	u32 spis = 0;

	tap_ok(u[UR_IER] == 0, "UART IER at power-on: 0x%x (reset value 0)", u[UR_IER]);
	tap_ok(u[UR_IIR] == UART_IIR_RESET, "UART IIR at power-on: 0x%x (reset value 0x01)",
	       u[UR_IIR]);
	tap_ok(u[UR_LCR] == 0, "UART LCR at power-on: 0x%x (reset value 0)", u[UR_LCR]);
	tap_ok(u[UR_MCR] == 0, "UART MCR at power-on: 0x%x (reset value 0)", u[UR_MCR]);
	tap_ok((u[UR_LSR] & ~UART_LSR_DR) == UART_LSR_RESET,
	       "UART LSR at power-on: 0x%x (reset value 0x60, DR aside: input may be early)",
	       u[UR_LSR]);
	tap_ok(!(mmio_read32(gicd + GICD_CTLR) & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1)),
	       "GICD_CTLR at power-on: 0x%x, both groups disabled", mmio_read32(gicd + GICD_CTLR));
	for (u32 i = 1; i < nr_intids / 32; i++)
		spis |= mmio_read32(gicd + GICD_ISPENDR + 4 * i) | mmio_read32(gicd + GICD_ISACTIVER + 4 * i);
	tap_ok(!spis, "no SPI pending or active at power-on");
	for (int c = 0; c < ncpus; c++) {
		u32 pa = pending_active(c), ap = 0;

		tap_ok(!pa, "CPU %d: no SGI or PPI pending or active at power-on (0x%x)", c, pa);
		for (int i = 0; i < 4; i++)
			ap |= icc_p[c][I_AP0R + i] | icc_p[c][I_AP1R + i];
		tap_ok(!icc_p[c][I_IGRPEN0] && !icc_p[c][I_IGRPEN1] && !ap,
		       "CPU %d: ICC_IGRPEN0/1 clear and no active priority at power-on", c);
	}
}

/* CPU 0 takes an interrupt and never completes it: SGI 5 active, its
 * priority in ICC_AP1R0_EL1 (the running priority the reset must drop). */
static void acknowledge_sgi(int self)
{
	u64 sgi = gicr[self] + GICR_SGI_BASE, d;
	u32 prio = mmio_read32(sgi + GICR_IPRIORITYR0 + ACK_SGI / 4 * 4), iar = ICC_IAR_SPURIOUS;
	unsigned int shift = (ACK_SGI % 4) * 8;

	mmio_write32(sgi + GICR_IGROUPR0, mmio_read32(sgi + GICR_IGROUPR0) | 1U << ACK_SGI);
	mmio_write32(sgi + GICR_IPRIORITYR0 + ACK_SGI / 4 * 4, (prio & ~(0xffU << shift)) | ACK_PRIO << shift);
	mmio_write32(gicd + GICD_CTLR, mmio_read32(gicd + GICD_CTLR) | GICD_CTLR_ENABLE_G1);
	mmio_write32(sgi + GICR_ISENABLER0, 1U << ACK_SGI);
	mmio_write32(sgi + GICR_ISPENDR0, 1U << ACK_SGI);
	dsb_sy();
	isb();
	for (d = deadline_us(WAIT_US); !deadline_passed(d);) {
		iar = (u32)icc_read(ICC_IAR1_EL1_ENC) & 0xffffff;
		if (iar != ICC_IAR_SPURIOUS)
			break;
	}
	tap_ok(iar == ACK_SGI && read_apr(1, 0),
	       "CPU %d acknowledged SGI %d (ICC_IAR1_EL1 %u) and left it active: ICC_AP1R0_EL1 0x%x",
	       self, ACK_SGI, iar, read_apr(1, 0));
}

static void dirty_gic(void)
{
	for (u32 i = 1; i < nr_intids / 32; i++) {
		mmio_write32(gicd + GICD_IGROUPR + 4 * i, ~mmio_read32(gicd + GICD_IGROUPR + 4 * i));
		mmio_write32(gicd + GICD_ISENABLER + 4 * i, 0xffffffff);
		mmio_write32(gicd + GICD_ISPENDR + 4 * i, 0x00f000f0);
		mmio_write32(gicd + GICD_ISACTIVER + 4 * i, 0x0f000000);
	}
	for (u32 i = GIC_NR_PRIVATE_IRQS / 4; i < nr_intids / 4; i++)
		mmio_write32(gicd + GICD_IPRIORITYR + 4 * i, 0xa0b0c0d0);
	for (u32 i = GIC_NR_PRIVATE_IRQS / 16; i < nr_intids / 16; i++)
		mmio_write32(gicd + GICD_ICFGR + 4 * i, mmio_read32(gicd + GICD_ICFGR + 4 * i) ^ 0xaaaaaaaa);
	/* Aff1 = 1: no such CPU here. */
	for (u32 i = GIC_NR_PRIVATE_IRQS; i < nr_intids; i++)
		mmio_write32(gicd + GICD_IROUTER + 8 * i, 0x100);
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);

	for (int c = 0; c < ncpus; c++) {
		u64 rd = gicr[c], sgi = rd + GICR_SGI_BASE;

		/* What Linux does to wake a redistributor, and LPIs on. */
		mmio_write32(rd + GICR_WAKER, 0);
		mmio_write32(rd + GICR_CTLR, 1);
		mmio_write32(rd + GICR_PROPBASER, 0x41230013);
		mmio_write32(rd + GICR_PENDBASER, 0x41240000 + 0x10000 * (u32)c);
		mmio_write32(sgi + GICR_IGROUPR0, ~mmio_read32(sgi + GICR_IGROUPR0));
		mmio_write32(sgi + GICR_ISENABLER0, 0xffffffff);
		/* SGIs 1, 2, PPIs 16, 20 pending; SGI 7, PPI 21 active.  Not the
		 * timers' PPIs (KVM drives those from the timer). */
		mmio_write32(sgi + GICR_ISPENDR0, 0x00110006);
		mmio_write32(sgi + GICR_ISACTIVER0, 0x00200080);
		for (u32 i = 0; i < 8; i++)
			mmio_write32(sgi + GICR_IPRIORITYR0 + 4 * i, 0x60708090 + 0x01010101 * (u32)c);
		mmio_write32(sgi + GICR_ICFGR0 + 4, 0xaaaaaaaa);
	}
}

/* Leave console input in the RX FIFO; 1 if some is there. */
static int wait_input(int want)
{
	u64 d = deadline_us(want ? 2 * WAIT_US : 100000);

	while (!(mmio_read8(uart + U_LSR) & UART_LSR_DR) && !deadline_passed(d))
		cpu_relax();
	udelay(200000);		/* the rest of it, in the same write */
	return mmio_read8(uart + U_LSR) & UART_LSR_DR;
}

/* Every UART register a guest can write, and an interrupt raised: IER's
 * THRE (and, with input waiting, received data) interrupt. */
static void dirty_uart(void)
{
	mmio_write8(uart + U_IIR_FCR, 0xc1);		/* FIFOs on, trigger 14, nothing cleared */
	mmio_write8(uart + U_LCR, UART_LCR_DLAB);
	mmio_write8(uart + U_DLL, 0x0c);		/* divisor 0x010c */
	mmio_write8(uart + U_DLM, 0x01);
	mmio_write8(uart + U_LCR, 0x1b);		/* 8 bits, even parity: output still works */
	mmio_write8(uart + U_MCR, 0x0f);		/* DTR, RTS, OUT1, OUT2; no loopback */
	mmio_write8(uart + U_SCR, 0xa5);
	mmio_write8(uart + U_IER, 0x0f);
}

static int differs(const struct rset *s, int c)
{
	u32 at = set_index(s, c);

	for (u32 k = 0; k < set_count(s); k++)
		if (P[at + k] != D[at + k])
			return 1;
	return 0;
}

static void __noreturn boot0(const void *fdt, u64 disk, int self, int want_rx)
{
	struct store *st = (struct store *)blkbuf;
	u32 nv = nr_values(), *up = P + set_index(NULL, -1), *ud = D + set_index(NULL, -1);
	const char *why = "";
	int unchanged = 0, input, r;

	tap_ok(1, "first boot: /chosen/vmm,reset-count is 0");
	icc_read_all(icc_p[self]);
	start_secondaries(self);
	report_secondaries(self, icc_p, icc_d);
	read_state(P, icc_p);
	check_power_on(up);

	icc_dirty(icc_p[self]);
	acknowledge_sgi(self);
	icc_read_all(icc_d[self]);
	input = wait_input(want_rx);
	if (input || want_rx)
		tap_ok(input, "console input waits unread in the UART's RX FIFO (LSR 0x%x)",
		       mmio_read8(uart + U_LSR));
	else
		tap_skip("no console input: run with rx=1 and input on stdin",
			 "console input waits unread in the UART's RX FIFO");
	dirty_gic();
	dirty_uart();
	read_state(D, icc_d);
	for (const struct rset *s = sets; s < sets + ARRAY_SIZE(sets); s++)
		for (int c = 0; c < (s->area == DIST ? 1 : ncpus); c++)
			if ((s->flags & F_DIRTY) && !differs(s, c)) {
				tap_diag("CPU %d: %s did not change: 0x%x", c, s->name,
					 P[set_index(s, c)]);
				unchanged++;
			}
	for (int i = 0; i < NR_UART; i++)
		if (i != UR_LSR && i != UR_MSR && up[i] == ud[i]) {
			tap_diag("UART %s did not change: 0x%x", uart_names[i], up[i]);
			unchanged++;
		}
	tap_ok(!unchanged, "the test's writes show in every register set it dirtied (%u readings)",
	       nv);
	tap_ok(!(ud[UR_IIR] & UART_IIR_NO_INT) &&
	       (mmio_read32(gicd + GICD_ISPENDR + 4 * (UART_INTID / 32)) & 1U << (UART_INTID % 32)),
	       "the UART raised its interrupt: IIR 0x%x, INTID %d pending", ud[UR_IIR], UART_INTID);

	st->magic = STORE_MAGIC;
	st->ncpus = (u32)ncpus;
	st->nvals = nv;
	st->failed = (u32)tap_failed();
	for (u32 i = 0; i < nv; i++) {
		st->vals[i] = P[i];
		st->vals[nv + i] = D[i];
	}
	r = disk_io(disk, 1, &why);
	if (!tap_ok(!r, "the power-on readings are on the disk%s%s", r ? ": " : "", r ? why : ""))
		tap_bail(fdt, "cannot keep the readings over the reset");
	tap_diag("resetting (PSCI SYSTEM_RESET)");
	smccc0(conduit, PSCI_SYSTEM_RESET, 0, 0, 0);
	tap_bail(fdt, "SYSTEM_RESET returned");
}

/* ---------------------------------------------------------------- boot 1 */

static void compare_set(const struct rset *s, int c, const u32 *p, const u32 *d)
{
	u32 at = set_index(s, c), n = set_count(s), bad = 0;

	for (u32 k = 0; k < n; k++)
		if (R[at + k] != p[at + k] && bad++ < 3)
			tap_diag("CPU %d: %s[%u]: 0x%x, power-on 0x%x, dirtied 0x%x", c, s->name, k,
				 R[at + k], p[at + k], d[at + k]);
	if (s->area == DIST)
		tap_ok(!bad, "%s: %u register(s) back to their power-on values", s->name, n);
	else
		tap_ok(!bad, "CPU %d: %s: %u register(s) back to their power-on values", c, s->name, n);
}

static void __noreturn boot1(const void *fdt, u64 disk, int self, int virtio_reset)
{
	struct store *st = (struct store *)blkbuf;
	u32 nv = nr_values(), *ur = R + set_index(NULL, -1);
	const u32 *p, *d, *up;
	const char *why = "";
	int r;

	/* Every reading before the disk is used: its request pends an SPI. */
	icc_read_all(icc_p[self]);
	boot_no = 1;
	dsb_sy();
	start_secondaries(self);
	for (int c = 0; c < ncpus; c++)
		if (c != self)
			for (int i = 0; i < NR_ICC; i++)
				icc_p[c][i] = mbox[c].icc[i];
	read_state(R, icc_p);

	r = disk_io(disk, 0, &why);
	if (r || st->magic != STORE_MAGIC || st->ncpus != (u32)ncpus || st->nvals != nv)
		tap_bail(fdt, "no power-on readings on the disk (%s)", r ? why : "not this test's");
	/* The numbering goes on from boot 0. */
	tap_continue(boot0_tests() + boot1_tests(), boot0_tests(), (int)st->failed);
	tap_ok(1, "after the reset: /chosen/vmm,reset-count is 1");
	tap_ok(virtio_reset, "virtio-blk back to power-on: Status 0, QueueReady 0, InterruptStatus 0");
	report_secondaries(self, icc_p, NULL);
	tap_ok(1, "the power-on readings are back from the disk (%u readings)", nv);
	p = st->vals;
	d = st->vals + nv;
	up = p + set_index(NULL, -1);

	tap_ok(ur[UR_IER] == 0, "UART IER after the reset: 0x%x (reset value 0)", ur[UR_IER]);
	tap_ok(ur[UR_IIR] == UART_IIR_RESET, "UART IIR after the reset: 0x%x (reset value 0x01)",
	       ur[UR_IIR]);
	tap_ok(ur[UR_LCR] == 0, "UART LCR after the reset: 0x%x (reset value 0)", ur[UR_LCR]);
	tap_ok(ur[UR_MCR] == 0, "UART MCR after the reset: 0x%x (reset value 0)", ur[UR_MCR]);
	tap_ok(ur[UR_LSR] == UART_LSR_RESET,
	       "UART LSR after the reset: 0x%x (reset value 0x60: the RX FIFO is empty)", ur[UR_LSR]);
	for (int i = UR_MSR; i < NR_UART; i++)
		tap_ok(ur[i] == up[i], "UART %s after the reset: 0x%x (power-on 0x%x)",
		       uart_names[i], ur[i], up[i]);

	for (const struct rset *s = sets; s < sets + ARRAY_SIZE(sets); s++)
		if (s->area == DIST)
			compare_set(s, 0, p, d);
	for (int c = 0; c < ncpus; c++)
		for (const struct rset *s = sets; s < sets + ARRAY_SIZE(sets); s++)
			if (s->area != DIST)
				compare_set(s, c, p, d);
	tap_finish(fdt);
}

/* ----------------------------------------------------------------- main */

void guest_main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	const char *why = "", *args, *v;
	u64 base, size, disk;
	u32 resets;
	size_t len;
	int node, self, want_rx, virtio_reset;

	if (fdt_check(fdt, &why))
		tap_begin(fdt, dtb, 1);		/* bails out */
	tap_init(fdt);
	ncpus = fdt_cpus(fdt, cpu_mpidr, MAX_CPUS, &self);
	node = fdt_path_offset(fdt, "/chosen");
	if (node < 0 || fdt_getprop_u32(fdt, node, "vmm,reset-count", &resets))
		tap_bail(fdt, "no /chosen/vmm,reset-count: which boot is this?");
	if (resets > 1)
		tap_bail(fdt, "reset-count %u: this test resets once", resets);
	if (ncpus < 1 || self != 0)
		tap_bail(fdt, "/cpus: %d CPUs, booted on index %d (want 0)", ncpus, self);
	node = fdt_find_compatible(fdt, -1, "arm,gic-v3");
	if (node < 0 || fdt_reg(fdt, node, 0, &gicd, &size) || fdt_reg(fdt, node, 1, &base, &size))
		tap_bail(fdt, "no arm,gic-v3 node with distributor and redistributors");
	if (find_redists(base))
		tap_bail(fdt, "a CPU without a redistributor at 0x%llx", (unsigned long long)base);
	nr_intids = 32 * (GICD_TYPER_ITLINES(mmio_read32(gicd + GICD_TYPER)) + 1);
	if (nr_intids > MAX_INTIDS)
		nr_intids = MAX_INTIDS;
	if (strcmp(uart_describe(), "ns16550a"))
		tap_bail(fdt, "the console is %s, not a ns16550a", uart_describe());
	uart = uart_base();
	conduit = psci_dtb_conduit(fdt);
	disk = find_disk(fdt);
	if (!disk)
		tap_bail(fdt, "no virtio-blk disk to keep the readings over the reset");
	/* Before anything writes it: the transport's power-on state. */
	vdev_write(disk, VMMIO_QUEUE_SEL, 0);
	virtio_reset = !vdev_read(disk, VMMIO_STATUS) && !vdev_read(disk, VMMIO_QUEUE_READY) &&
		       !vdev_read(disk, VMMIO_INT_STATUS);
	args = bootargs_get(fdt);
	want_rx = bootargs_find(args, "rx", 0, &v, &len) && len == 1 && v[0] == '1';

	if (resets == 0) {
		tap_plan(boot0_tests() + boot1_tests());
		tap_diag("reset-test: %d CPU(s), %u INTIDs, disk at 0x%llx, boot 0", ncpus, nr_intids,
			 (unsigned long long)disk);
		if (!virtio_reset)
			tap_diag("virtio-blk not at power-on at the first boot");
		boot0(fdt, disk, self, want_rx);
	}
	tap_diag("reset-test: boot 1");
	boot1(fdt, disk, self, virtio_reset);
}
