#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit-status.h"
#include "util.h"

int vmm_verbose;

/* One fputs per message keeps lines from vCPU threads whole. */
static void vmsg(const char *fmt, va_list ap, const char *suffix)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "vmm: ");

	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (n < (int)sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, "%s\n", suffix ? suffix : "");
	else
		buf[sizeof(buf) - 2] = '\n';
	fputs(buf, stderr);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
	exit(VMM_EXIT_ERROR);
}

void die_errno(int err, const char *fmt, ...)
{
	char why[128];
	va_list ap;

	snprintf(why, sizeof(why), ": %s", strerror(err < 0 ? -err : err));
	va_start(ap, fmt);
	vmsg(fmt, ap, why);
	va_end(ap);
	exit(VMM_EXIT_ERROR);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!vmm_verbose)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
}
