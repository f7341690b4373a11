/* TAP output (version 12 style), exception reporting and power-off. */
#include "guest.h"

static const void *tap_fdt;
static int planned = -1, tests, failed;

void tap_init(const void *fdt)
{
	tap_fdt = fdt;
	uart_init(fdt);
}

void tap_plan(int n)
{
	planned = n;
	printf("1..%d\n", n);
}

void tap_continue(int plan, int done, int failures)
{
	planned = plan;
	tests = done;
	failed = failures;
}

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	char buf[400];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	printf("%s%s", prefix, buf);
}

int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failed++;
	printf("%sok %d - ", cond ? "" : "not ", tests);
	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
	printf("\n");
	return cond;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	tests++;
	printf("ok %d - ", tests);
	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", reason);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("# ", fmt, ap);
	va_end(ap);
	printf("\n");
}

int tap_failed(void)
{
	return failed;
}

void tap_bail(const void *fdt, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("Bail out! ", fmt, ap);
	va_end(ap);
	printf("\n");
	system_off(fdt ? fdt : tap_fdt);
}

void tap_finish(const void *fdt)
{
	if (planned >= 0 && planned != tests)
		tap_diag("BUG: planned %d tests but ran %d", planned, tests);
	tap_diag("tests %d, passed %d, failed %d", tests, tests - failed, failed);
	printf("# guest: done\n");
	system_off(fdt ? fdt : tap_fdt);
}

static const char *const vec_names[4] = { "sync", "irq", "fiq", "serror" };
static const char *const vec_from[4] = {
	"current EL, SP_EL0", "current EL, SP_ELx", "lower EL, AArch64",
	"lower EL, AArch32",
};

void guest_exception(u64 vector, u64 *regs)
{
	u64 esr, elr, far;

	(void)regs;
	if (current_el() == 2) {
		esr = read_sysreg(esr_el2);
		elr = read_sysreg(elr_el2);
		far = read_sysreg(far_el2);
	} else {
		esr = read_sysreg(esr_el1);
		elr = read_sysreg(elr_el1);
		far = read_sysreg(far_el1);
	}
	/* vec_names/vec_from hold absolute pointers: start.S relocated them. */
	printf("# unexpected exception: %s (%s) on MPIDR 0x%llx: ESR=0x%llx (EC=0x%llx) ELR=0x%llx (image+0x%llx) FAR=0x%llx\n",
	       vec_names[vector & 3], vec_from[(vector >> 2) & 3],
	       (unsigned long long)my_mpidr(), (unsigned long long)esr,
	       (unsigned long long)(esr >> 26), (unsigned long long)elr,
	       (unsigned long long)(elr - (u64)(uintptr_t)_text),
	       (unsigned long long)far);
	tap_bail(NULL, "unexpected exception");
}

/* Guests without secondaries: park a CPU started by mistake. */
__attribute__((weak)) void guest_secondary(u64 context_id)
{
	(void)context_id;
	for (;;)
		__asm__ volatile("wfe");
}

const char *tap_begin(const void *fdt, u64 dtb, int plan)
{
	const char *why = "";

	if (fdt_check(fdt, &why)) {
		tap_init(NULL);
		tap_plan(plan);
		tap_bail(NULL, "no usable DTB at x0=0x%llx (%s)", (unsigned long long)dtb, why);
	}
	tap_init(fdt);
	tap_plan(plan);
	/* Quoted whole: tests compare it with what the VMM was given. */
	tap_diag("bootargs: '%s'", bootargs_get(fdt));
	return bootargs_get(fdt);
}
