/*
 * The guest library: everything a freestanding test guest needs.
 *
 * The guests run at EL1 with the MMU off, so every data access is
 * Device-nGnRnE: no unaligned accesses (we build with -mstrict-align), no
 * exclusives or atomics, and multi-byte DTB fields are read byte by byte.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/smccc.h"	/* SMCCC/PSCI constants (macros only) */

/* Everything is inside one static image: no GOT indirection. */
#pragma GCC visibility push(hidden)

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define GUEST_MAX_CPUS		128	/* secondary stacks and mailboxes */
#define GUEST_SEC_STACK_SIZE	4096

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __noreturn	__attribute__((noreturn))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

/* ---- start.S ---------------------------------------------------------- */
extern char _text[], _end[];
void secondary_entry(void);		/* CPU_ON entry point, x0 = context id */
void guest_main(u64 dtb);		/* provided by each guest */
void guest_secondary(u64 context_id);	/* provided by guests that use CPU_ON */

/* ---- system registers --------------------------------------------------- */
#define read_sysreg(r) ({ u64 __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) __asm__ volatile("msr " #r ", %0" : : "r"((u64)(v)))
#define isb()		__asm__ volatile("isb" : : : "memory")
#define dsb_sy()	__asm__ volatile("dsb sy" : : : "memory")
#define dmb_sy()	__asm__ volatile("dmb sy" : : : "memory")
#define sev()		__asm__ volatile("sev" : : : "memory")
#define cpu_relax()	__asm__ volatile("yield" : : : "memory")

static inline unsigned int current_el(void)
{
	return (read_sysreg(CurrentEL) >> 2) & 3;
}

/* MPIDR_EL1 affinity fields only (Aff3..Aff0), as PSCI and the DTB use them. */
static inline u64 my_mpidr(void)
{
	return read_sysreg(mpidr_el1) & PSCI_MPIDR_AFF_MASK;
}

/*
 * Device registers.  The MMU is off, so every access is Device memory; each
 * is one plain load or store with no writeback, so the hypervisor gets a
 * syndrome it can decode (ISV = 1) and the VMM sees the access.
 */
static inline u8 mmio_read8(u64 a)
{
	u32 v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return (u8)v;
}
static inline u32 mmio_read32(u64 a)
{
	u32 v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}
static inline u64 mmio_read64(u64 a)
{
	u64 v;

	__asm__ volatile("ldr %x0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}
static inline void mmio_write8(u64 a, u8 v)
{
	__asm__ volatile("strb %w0, [%1]" : : "r"((u32)v), "r"(a) : "memory");
}
static inline void mmio_write32(u64 a, u32 v)
{
	__asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
}
static inline void mmio_write64(u64 a, u64 v)
{
	__asm__ volatile("str %x0, [%1]" : : "r"(v), "r"(a) : "memory");
}

/* ---- timer.c ------------------------------------------------------------ */
static inline u64 timer_freq(void)
{
	return read_sysreg(cntfrq_el0);
}
static inline u64 timer_count(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}
u64 timer_us_to_ticks(u64 us);
void udelay(u64 us);
/* A deadline us microseconds from now, and whether it has passed. */
u64 deadline_us(u64 us);
int deadline_passed(u64 deadline);

/* ---- string.c ----------------------------------------------------------- */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* "0x..." hex or decimal, optional leading '-' (two's complement).
 * Parses exactly len characters; returns 0 on success, -1 on junk. */
int parse_u64(const char *s, size_t len, u64 *out);

/* ---- printf.c ----------------------------------------------------------- */
/* %d %i %u %x %X %c %s %p %%, with h/l/ll/z, flags - and 0, width, .prec / .* (for %s). */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int printf(const char *fmt, ...) __printf(1, 2);
void puts_raw(const char *s);

/* ---- uart.c ------------------------------------------------------------- */
/* Finds the console from the DTB (stdout-path, else the first ns16550a or
 * arm,pl011 node).  With no DTB, writes blindly to offset 0 of a guessed
 * base (0x09000000), where both UART kinds have their data register. */
void uart_init(const void *fdt);
void uart_putc(char c);
const char *uart_describe(void);
u64 uart_base(void);

/* ---- fdt.c -------------------------------------------------------------- */
#define FDT_MAGIC	0xd00dfeedU
/* 0 if the blob looks like a usable DTB, else a negative FDT_ERR_*. */
int fdt_check(const void *fdt, const char **why);
u32 fdt_be32(const void *p);
u64 fdt_be64(const void *p);
u32 fdt_totalsize(const void *fdt);
u32 fdt_version(const void *fdt);
/* Node offsets are offsets into the structure block; < 0 means none. */
int fdt_root(const void *fdt);
int fdt_next_node(const void *fdt, int node, int *depth);
int fdt_first_subnode(const void *fdt, int node);
int fdt_next_subnode(const void *fdt, int node);
int fdt_parent(const void *fdt, int node);
const char *fdt_node_name(const void *fdt, int node);
/* "/cpus/cpu@1"; a component without '@' also matches "name@unit". */
int fdt_path_offset(const void *fdt, const char *path);
int fdt_subnode(const void *fdt, int parent, const char *name, size_t len);
const void *fdt_getprop(const void *fdt, int node, const char *name, int *len);
const char *fdt_getprop_str(const void *fdt, int node, const char *name);
int fdt_getprop_u32(const void *fdt, int node, const char *name, u32 *out);
/* True if the node's compatible list holds compat. */
int fdt_is_compatible(const void *fdt, int node, const char *compat);
/* First node after 'from' (-1: from the start) compatible with compat. */
int fdt_find_compatible(const void *fdt, int from, const char *compat);
/* #address-cells / #size-cells that apply to node's reg (from its parent). */
int fdt_addr_cells(const void *fdt, int node);
int fdt_size_cells(const void *fdt, int node);
/* The idx-th (address, size) pair of node's reg; 0 on success. */
int fdt_reg(const void *fdt, int node, int idx, u64 *addr, u64 *size);
/* The idx-th RAM range over every device_type = "memory" node; 0 on success. */
int fdt_memory(const void *fdt, int idx, u64 *base, u64 *size);
/* Read 'cells' big-endian 32-bit cells as one number. */
u64 fdt_read_cells(const void *p, int cells);
/* MPIDRs (Aff3..Aff0) of /cpus' cpu nodes in order, at most max; *self:
 * the index of the calling CPU, or -1.  The count, or -1 without /cpus. */
int fdt_cpus(const void *fdt, u64 *mpidr, int max, int *self);
/* Alias lookup or path: "serial0:115200n8" -> offset of the node. */
int fdt_resolve_stdout(const void *fdt);

/* ---- smccc.c ------------------------------------------------------------ */
enum conduit { CONDUIT_NONE, CONDUIT_HVC, CONDUIT_SMC };
struct smccc_res {
	u64 a0, a1, a2, a3;
};
struct smccc_res smccc_call(enum conduit c, u64 x0, u64 x1, u64 x2, u64 x3,
			    u64 x4, u64 x5, u64 x6, u64 x7);
static inline u64 smccc0(enum conduit c, u64 fid, u64 a1, u64 a2, u64 a3)
{
	return smccc_call(c, fid, a1, a2, a3, 0, 0, 0, 0).a0;
}
const char *conduit_name(enum conduit c);
enum conduit conduit_parse(const char *s, size_t len);
/* The conduit the DTB's /psci "method" names (CONDUIT_NONE if none). */
enum conduit psci_dtb_conduit(const void *fdt);
/* SYSTEM_OFF through the DTB's conduit; prints a diag if it returns. */
void __noreturn system_off(const void *fdt);
/* A printable name for a PSCI return code ("ALREADY_ON"), or "". */
const char *psci_ret_name(u64 ret);
/* "0x10001", or "-4 (ALREADY_ON)" for an error code; buf of >= 40 bytes. */
const char *psci_ret_show(char *buf, u64 v);
const char *psci_fn_name(u32 fid);

/* ---- tap.c -------------------------------------------------------------- */
/* Remembers the DTB (for power-off) and finds the console. */
void tap_init(const void *fdt);
void tap_plan(int n);
/* Go on with a stream begun before a guest reset (RAM is cleared): the
 * plan already printed, done tests numbered, failures among them. */
void tap_continue(int plan, int done, int failures);
/* "ok N - desc" or "not ok N - desc"; returns cond. */
int tap_ok(int cond, const char *fmt, ...) __printf(2, 3);
/* "ok N - desc # SKIP reason" (a pass by TAP rules). */
void tap_skip(const char *reason, const char *fmt, ...) __printf(2, 3);
void tap_diag(const char *fmt, ...) __printf(1, 2);
void __noreturn tap_bail(const void *fdt, const char *fmt, ...) __printf(2, 3);
/* Check the DTB at x0 and start TAP with a plan: the bootargs, or bail out
 * (and power off) when there is no usable DTB. */
const char *tap_begin(const void *fdt, u64 dtb, int plan);
/* Summary diag lines, "# guest: done", then SYSTEM_OFF. */
void __noreturn tap_finish(const void *fdt);
int tap_failed(void);

/* ---- bootargs.c --------------------------------------------------------- */
/* Bootargs are space-separated key=value tokens from /chosen/bootargs. */
const char *bootargs_get(const void *fdt);
/* The nth (0-based) value of key: returns 1 and sets *val and *len if found. */
int bootargs_find(const char *args, const char *key, int nth,
		  const char **val, size_t *len);
int bootargs_count(const char *args, const char *key);
/* "# ignoring bootargs token ..." for each token not "KEY=..." of a known key. */
void bootargs_report_unknown(const char *args, const char *const *known, size_t n);
/* "FID:VALUE" -> two numbers; 0 on success. */
int parse_fid_value(const char *s, size_t len, u64 *fid, u64 *value);

/* ---- virtio.c: the driver's side of virtio-mmio, bare ------------------- */
/* Register offsets (virtio 1.2, 4.2.2) and status bits (2.1). */
#define VMMIO_MAGIC		0x000
#define VMMIO_VERSION		0x004
#define VMMIO_DEVICE_ID		0x008
#define VMMIO_DEV_FEATURES	0x010
#define VMMIO_DEV_FEATURES_SEL	0x014
#define VMMIO_DRV_FEATURES	0x020
#define VMMIO_DRV_FEATURES_SEL	0x024
#define VMMIO_QUEUE_SEL		0x030
#define VMMIO_QUEUE_NUM_MAX	0x034
#define VMMIO_QUEUE_NUM		0x038
#define VMMIO_QUEUE_READY	0x044
#define VMMIO_QUEUE_NOTIFY	0x050
#define VMMIO_INT_STATUS	0x060
#define VMMIO_INT_ACK		0x064
#define VMMIO_STATUS		0x070
#define VMMIO_QUEUE_DESC	0x080
#define VMMIO_QUEUE_AVAIL	0x090
#define VMMIO_QUEUE_USED	0x0a0
#define VMMIO_CONFIG		0x100
#define VSTATUS_ACK		1
#define VSTATUS_DRIVER		2
#define VSTATUS_DRIVER_OK	4
#define VSTATUS_FEATURES_OK	8
#define VSTATUS_NEEDS_RESET	0x40
#define VDESC_F_NEXT		1
#define VDESC_F_WRITE		2
#define VDESC_F_INDIRECT	4
#define VQ_SIZE			16	/* every queue the guest sets up */

struct vdesc { u64 addr; u32 len; u16 flags, next; };
struct vdev {
	u64 base;
	u32 device_id;
	unsigned int queue;		/* the one set up */
	struct vdesc *desc;		/* VQ_SIZE entries */
	volatile u16 *avail;		/* flags, idx, ring[VQ_SIZE] */
	volatile u16 *used;		/* flags, idx, then { u32 id, len } */
	u16 next_avail;
};
u32 vdev_read(u64 base, u32 off);
void vdev_write(u64 base, u32 off, u32 v);
/* The base of the idx-th "virtio,mmio" node, or 0. */
u64 vdev_find(const void *fdt, int idx);
/* Reset, negotiate VERSION_1 only, set up queue q (VQ_SIZE entries in
 * rings[], 4 KiB aligned, 4 KiB long), DRIVER_OK.  0, or -1 with why. */
int vdev_start(struct vdev *d, u64 base, unsigned int q, void *rings, const char **why);
/* Make head available and kick the queue. */
void vdev_offer(struct vdev *d, u16 head);
/* Wait up to us for the device to mark itself NEEDS_RESET / to use a
 * buffer: 1 if it did. */
int vdev_wait_status(struct vdev *d, u32 bit, u64 us);
int vdev_wait_used(struct vdev *d, u16 idx, u64 us);

/* ---- exceptions (start.S + tap.c) -------------------------------------- */
void guest_exception(u64 vector, u64 *regs);

#pragma GCC visibility pop

#endif
