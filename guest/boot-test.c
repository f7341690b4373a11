/*
 * boot-test: checks what the arm64 boot protocol (booting.rst) promises a
 * kernel Image: EL1 entry, x0 = a valid DTB, /memory covering the image,
 * /cpus, /chosen, a working generic timer and a PSCI_VERSION answer.
 * Output is TAP; the guest then powers off with PSCI SYSTEM_OFF.
 */
#include "guest.h"
#include "policy/smccc.h"

#define NTESTS	8

static int memory_contains(const void *fdt, u64 addr, u64 len)
{
	u64 base, size;
	int i, found = 0;

	for (i = 0; !fdt_memory(fdt, i, &base, &size); i++) {
		tap_diag("memory: base=0x%llx size=0x%llx",
			 (unsigned long long)base, (unsigned long long)size);
		if (addr >= base && addr - base < size && size - (addr - base) >= len)
			found = 1;
	}
	return found;
}

static void check_cpus(const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, n = 0, psci = 0;

	if (cpus >= 0)
		for (node = fdt_first_subnode(fdt, cpus); node >= 0;
		     node = fdt_next_subnode(fdt, node)) {
			const char *dt = fdt_getprop_str(fdt, node, "device_type");
			const char *em = fdt_getprop_str(fdt, node, "enable-method");

			if (!dt || strcmp(dt, "cpu"))
				continue;
			n++;
			if (em && !strcmp(em, "psci"))
				psci++;
		}
	tap_diag("cpus: %d", n);
	tap_ok(n >= 1 && (n == 1 || psci == n),
	       "/cpus has %d cpu node(s)%s", n,
	       n > 1 ? ", each with enable-method \"psci\"" : "");
}

static void check_timer(void)
{
	u64 freq = timer_freq(), t0, t1, d;
	int i, fired = 0;

	t0 = timer_count();
	for (i = 0; i < 1000000; i++) {
		t1 = timer_count();
		if (t1 != t0)
			break;
	}
	tap_diag("timer: CNTFRQ_EL0=%llu Hz", (unsigned long long)freq);
	tap_ok(freq != 0 && t1 != t0, "CNTFRQ_EL0 != 0 and CNTVCT_EL0 advances");

	/* ~1 ms on the virtual timer, interrupt masked; poll ISTATUS. */
	write_sysreg(0, cntv_ctl_el0);
	write_sysreg(freq ? freq / 1000 : 1000, cntv_tval_el0);
	write_sysreg(3, cntv_ctl_el0);	/* ENABLE | IMASK */
	isb();
	t0 = timer_count();
	d = deadline_us(100000);	/* give up after 100 ms */
	while (!deadline_passed(d))
		if (read_sysreg(cntv_ctl_el0) & 4) {
			fired = 1;
			break;
		}
	t1 = timer_count();
	write_sysreg(0, cntv_ctl_el0);
	isb();
	if (fired && freq)
		tap_diag("virtual timer: ISTATUS after %llu us",
			 (unsigned long long)((t1 - t0) * 1000000 / freq));
	tap_ok(fired, "virtual timer fires (CNTV_CTL_EL0.ISTATUS within 100 ms of a 1 ms TVAL)");
}

void guest_main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	const char *why = "";
	int valid = !fdt_check(fdt, &why);
	unsigned int el = current_el();
	u64 load = (u64)(uintptr_t)_text, size = (u64)(_end - _text);
	enum conduit c;
	u64 ver;

	tap_init(valid ? fdt : NULL);
	tap_plan(NTESTS);
	tap_diag("boot-test: image at 0x%llx, size 0x%llx, console %s at 0x%llx",
		 (unsigned long long)load, (unsigned long long)size,
		 uart_describe(), (unsigned long long)uart_base());

	tap_diag("CurrentEL: %u", el);
	tap_ok(el == 1, "entered at EL1");

	if (valid)
		tap_diag("dtb: 0x%llx version %u totalsize %u",
			 (unsigned long long)dtb, fdt_version(fdt), fdt_totalsize(fdt));
	if (!tap_ok(valid, "x0 points to a valid DTB (%s)",
		    valid ? "magic, version >= 17, sane totalsize and blocks" : why))
		tap_bail(NULL, "no usable DTB at x0=0x%llx", (unsigned long long)dtb);

	tap_ok(memory_contains(fdt, load, size),
	       "/memory has a reg containing the image (0x%llx..0x%llx)",
	       (unsigned long long)load, (unsigned long long)(load + size));
	check_cpus(fdt);
	tap_ok(fdt_path_offset(fdt, "/chosen") >= 0, "/chosen exists");
	/* Quoted whole (up to the diag line's limit), and its length: tests
	 * compare them with what the VMM was given. */
	tap_diag("bootargs: '%s'", bootargs_get(fdt));
	tap_diag("bootargs length: %zu", strlen(bootargs_get(fdt)));
	check_timer();

	c = psci_dtb_conduit(fdt);
	tap_diag("psci conduit: %s", conduit_name(c));
	ver = smccc0(c, PSCI_VERSION, 0, 0, 0);
	if (!((s64)(int)ver < 0))
		tap_diag("psci version: %u.%u", (unsigned int)(ver >> 16) & 0x7fff,
			 (unsigned int)ver & 0xffff);
	tap_ok(c != CONDUIT_NONE && (ver >> 31) == 0,
	       "PSCI_VERSION answers (0x%llx)", (unsigned long long)ver);

	tap_finish(fdt);
}
