#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exit-status.h"
#include "util.h"

int vmm_verbose;
static atomic_uint_fast64_t lines_dropped;

/*
 * One write(2) per message keeps lines from different threads whole, and
 * once stderr is non-blocking (util_own_fd()) a stalled reader costs a line,
 * counted, never a blocked thread.
 */
static void vmsg(const char *fmt, va_list ap, const char *suffix)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "vmm: ");

	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (n < (int)sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, "%s\n", suffix ? suffix : "");
	else
		buf[sizeof(buf) - 2] = '\n';
	n = (int)strlen(buf);
	if (write(STDERR_FILENO, buf, (size_t)n) != n)
		atomic_fetch_add_explicit(&lines_dropped, 1, memory_order_relaxed);
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

uint64_t util_lines_dropped(void)
{
	return atomic_load(&lines_dropped);
}

int util_own_fd(int fd)
{
	char path[64];
	struct stat st;
	int nfd, fl;

	if (fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		return fd;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (nfd >= 0)
		return nfd;
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	return fd;
}

void util_stderr_nonblocking(void)
{
	int fd = util_own_fd(STDERR_FILENO);

	if (fd != STDERR_FILENO) {
		dup3(fd, STDERR_FILENO, 0);
		close(fd);
	}
}
