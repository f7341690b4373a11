/* The seccomp sandbox (sandbox.h). */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <ucontext.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

static const struct {
	const char *name;	/* resolved by libseccomp for the build's arch */
	const char *why;
} allowed[] = {
	{ "read", "console input, eventfds, timerfds, frames from a tap" },
	{ "write", "console output, log lines, audit records, eventfds" },
	{ "writev", "frames to a tap; stdio may write a line in pieces" },
	{ "pread64", "reloading kernel and initrd on guest reset" },
	{ "preadv", "virtio-blk reads" },
	{ "pwritev", "virtio-blk writes" },
	{ "fdatasync", "virtio-blk flushes, and the disks at exit" },
	{ "fallocate", "virtio-blk discard and write-zeroes" },
	{ "getrandom", "entropy for the guest's SMCCC TRNG calls and virtio-rng" },
	{ "epoll_pwait", "the event loops of the main and the device I/O threads" },
	{ "epoll_wait", "the event loops (the name on architectures that have it)" },
	{ "epoll_ctl", "pausing and resuming the console and a tap as buffers fill" },
	{ "ppoll", "waiting for stdout while flushing the console at exit" },
	{ "timerfd_settime", "virtio-rng's rate limit" },
	{ "futex", "mutexes and condition variables between threads" },
	{ "rt_sigreturn", "return from the vCPU kick signal handler" },
	{ "rt_sigprocmask", "signal masks in pthread functions" },
	{ "getpid", "pthread_kill" },
	{ "gettid", "pthread_kill" },
	{ "madvise", "zeroing guest RAM on reset; malloc trimming" },
	{ "munmap", "malloc arenas; thread stacks at exit" },
	{ "brk", "malloc" },
	{ "newfstatat", "stdio on first use of a stream" },
	{ "fstat", "stdio on first use of a stream" },
	{ "clock_gettime", "audit timestamps when the vDSO is unavailable" },
	{ "clock_nanosleep", "short waits" },
	{ "sched_yield", "lock contention" },
	{ "restart_syscall", "interrupted sleeps" },
	{ "close", "closing files at exit, the old audit file on SIGHUP" },
	{ "exit", "thread exit" },
	{ "exit_group", "process exit" },
};

/* ---------------------------------------------- what setup registers */

#define SANDBOX_MAX_IOCTLS	16
#define SANDBOX_MAX_FD		1024

/* An ioctl request and the descriptors it may be made on. */
static struct ioctl_rule {
	unsigned long req;
	const char *name, *why;
	uint64_t fds[SANDBOX_MAX_FD / 64];	/* a bitmap */
} ioctls[SANDBOX_MAX_IOCTLS];
static unsigned int nr_ioctls;

static int openat_dirfd = -1, openat_flags;

void sandbox__allow_ioctl(int fd, unsigned long req, const char *name, const char *why)
{
	struct ioctl_rule *r = NULL;

	if (fd < 0 || fd >= SANDBOX_MAX_FD)
		die("sandbox: %s on fd %d: only fds below %d can be allowed", name, fd,
		    SANDBOX_MAX_FD);
	for (unsigned int i = 0; i < nr_ioctls && !r; i++)
		if (ioctls[i].req == req)
			r = &ioctls[i];
	if (!r) {
		if (nr_ioctls == SANDBOX_MAX_IOCTLS)
			die("sandbox: more than %d ioctl requests", SANDBOX_MAX_IOCTLS);
		r = &ioctls[nr_ioctls++];
		*r = (struct ioctl_rule){ .req = req, .name = name, .why = why };
	}
	r->fds[fd / 64] |= 1ULL << (fd % 64);
}

void sandbox__allow_openat(int dirfd, int flags)
{
	openat_dirfd = dirfd;
	openat_flags = flags;
}

static bool has_fd(const struct ioctl_rule *r, int fd)
{
	return fd >= 0 && fd < SANDBOX_MAX_FD && (r->fds[fd / 64] >> (fd % 64)) & 1;
}

/* ------------------------------------------------------------- the filter */

static void add(scmp_filter_ctx ctx, int nr, const char *what, unsigned int n,
		const struct scmp_arg_cmp *cmp)
{
	int r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, cmp);

	if (r)
		die_errno(r, "seccomp: rule for %s", what);
}

/*
 * One rule per aligned power-of-2 run of descriptors (the vCPU fds sit in
 * one such block, kvm-cpu.h), so a KVM_RUN is matched in a few instructions
 * whatever the number of vCPUs.
 */
static void add_ioctl_rules(scmp_filter_ctx ctx, const struct ioctl_rule *r)
{
	int nr = SCMP_SYS(ioctl);

	for (int fd = 0; fd < SANDBOX_MAX_FD;) {
		unsigned int run = 1;

		if (!has_fd(r, fd)) {
			fd++;
			continue;
		}
		while (fd % (int)(run * 2) == 0 && fd + (int)(run * 2) <= SANDBOX_MAX_FD) {
			bool all = true;

			for (unsigned int i = run; i < run * 2 && all; i++)
				all = has_fd(r, fd + (int)i);
			if (!all)
				break;
			run *= 2;
		}
		/* 32-bit comparisons: an fd and an ioctl request are ints to
		 * the kernel, and a 64-bit one costs twice the instructions on
		 * every ioctl, KVM_RUN included. */
		add(ctx, nr, r->name, 2, (struct scmp_arg_cmp[]){
			SCMP_A0_32(SCMP_CMP_MASKED_EQ, ~(uint32_t)(run - 1), (uint32_t)fd),
			SCMP_A1_32(SCMP_CMP_EQ, (uint32_t)r->req) });
		fd += (int)run;
	}
}

static void add_rules(scmp_filter_ctx ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i].name);

		if (nr != __NR_SCMP_ERROR)	/* else not a syscall on this arch */
			add(ctx, nr, allowed[i].name, 0, NULL);
	}
	for (unsigned int i = 0; i < nr_ioctls; i++)
		add_ioctl_rules(ctx, &ioctls[i]);
	/* Kicking our own vCPU threads, and nothing else on the machine. */
	add(ctx, SCMP_SYS(tgkill), "tgkill", 1,
	    (struct scmp_arg_cmp[]){ SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)getpid()) });
	/* malloc arenas and thread stacks; never executable memory. */
	add(ctx, SCMP_SYS(mmap), "mmap", 1,
	    (struct scmp_arg_cmp[]){ SCMP_A2_32(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0) });
	add(ctx, SCMP_SYS(mprotect), "mprotect", 1,
	    (struct scmp_arg_cmp[]){ SCMP_A2_32(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0) });
	/* The audit trail's SIGHUP reopen: its directory, its flags.  (seccomp
	 * cannot read the path: an absolute one ignores the dirfd.  The flags
	 * at least make it append-or-create only.) */
	if (openat_dirfd >= 0)
		add(ctx, SCMP_SYS(openat), "openat", 2, (struct scmp_arg_cmp[]){
			SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)openat_dirfd),
			SCMP_A2_32(SCMP_CMP_EQ, (uint32_t)openat_flags) });
}

/* --seccomp=log: report the syscall number and fail it with EPERM. */
static void sigsys_handler(int sig, siginfo_t *info, void *uctx)
{
	char msg[96];
	int n;

	(void)sig;
	n = snprintf(msg, sizeof(msg), "vmm: seccomp: forbidden syscall %d (failed with EPERM)\n",
		     info->si_syscall);
	if (write(STDERR_FILENO, msg, (size_t)n) < 0) {
		/* nothing more to do in a signal handler */
	}
#if defined(__aarch64__)
	((ucontext_t *)uctx)->uc_mcontext.regs[0] = (unsigned long)-EPERM;
#elif defined(__x86_64__)
	((ucontext_t *)uctx)->uc_mcontext.gregs[REG_RAX] = -EPERM;
#else
	(void)uctx;
#endif
}

/* ------------------------------------------------- the tests' probes */

/* A descriptor no rule allows request req on. */
static int unregistered_fd(const struct ioctl_rule *r)
{
	for (int fd = 0; fd < SANDBOX_MAX_FD; fd++)
		if (!has_fd(r, fd) && fcntl(fd, F_GETFD) >= 0)
			return fd;
	return STDERR_FILENO;
}

/* Each call below is one the filter must refuse; returns what it got. */
static long probe(enum sandbox_probe what)
{
	static char page[4096] __attribute__((aligned(4096)));
	struct termios t;

	switch (what) {
	case SANDBOX_PROBE_SOCKET:
		return socket(AF_INET, SOCK_STREAM, 0);
	case SANDBOX_PROBE_TGKILL:	/* signal 0 to init: harmless if let through */
		return syscall(SYS_tgkill, 1, 1, 0);
	case SANDBOX_PROBE_MMAP_EXEC:
		return (long)mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
				  -1, 0);
	case SANDBOX_PROBE_MPROTECT_EXEC:
		return mprotect(page, sizeof(page), PROT_READ | PROT_EXEC);
	case SANDBOX_PROBE_IOCTL_FD:
		/* KVM_RUN, on a descriptor that is not a vCPU's. */
		for (unsigned int i = 0; i < nr_ioctls; i++)
			if (!strcmp(ioctls[i].name, "KVM_RUN"))
				return ioctl(unregistered_fd(&ioctls[i]), ioctls[i].req, 0);
		return -1;
	case SANDBOX_PROBE_OPENAT:
		return openat(AT_FDCWD, "/etc/hostname", O_RDONLY | O_CLOEXEC);
	case SANDBOX_PROBE_TCSETS_FD:
		memset(&t, 0, sizeof(t));
		return ioctl(STDOUT_FILENO, TCSETS, &t);
	case SANDBOX_PROBE_NONE:
		break;
	}
	return 0;
}

void sandbox__enter(enum seccomp_mode mode, enum sandbox_probe debug)
{
	scmp_filter_ctx ctx;
	long got;
	int r;

	if (mode == SECCOMP_MODE_OFF) {
		pr_info("WARNING: --seccomp=off: running WITHOUT the seccomp sandbox (debugging only)");
		if (debug != SANDBOX_PROBE_NONE) {
			/* What the call meets without the filter: the jail, say. */
			got = probe(debug);
			pr_info("--debug-forbidden-syscall without a sandbox: returned %ld (errno %d)",
				got, got < 0 ? errno : 0);
		}
		return;
	}
	if (mode == SECCOMP_MODE_LOG) {
		struct sigaction sa = { .sa_sigaction = sigsys_handler, .sa_flags = SA_SIGINFO };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGSYS, &sa, NULL);
		pr_info("--seccomp=log: forbidden syscalls are reported and fail, not killed");
	}
	ctx = seccomp_init(mode == SECCOMP_MODE_LOG ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		die("seccomp: seccomp_init failed");
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (r)
		die_errno(r, "seccomp: TSYNC");
	/*
	 * Every syscall runs the filter, and a forwarded SMCCC call makes three
	 * (KVM_RUN and two ONE_REG ioctls) where the cheapest exit makes one:
	 * a binary tree over syscall numbers, ioctl tested first.
	 */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (!r)
		r = seccomp_syscall_priority(ctx, SCMP_SYS(ioctl), 255);
	if (r)
		die_errno(r, "seccomp: filter layout");
	add_rules(ctx);
	r = seccomp_load(ctx);
	if (r)
		die_errno(r, "seccomp: loading the filter");
	seccomp_release(ctx);
	pr_debug("seccomp: filter installed (%zu syscalls, %u ioctl requests by fd)",
		 ARRAY_SIZE(allowed) + 3, nr_ioctls);
	for (unsigned int i = 0; i < nr_ioctls; i++)
		pr_debug("seccomp: ioctl %s: %s", ioctls[i].name, ioctls[i].why);

	if (debug != SANDBOX_PROBE_NONE) {
		got = probe(debug);
		pr_err("seccomp: the forbidden call (--debug-forbidden-syscall) returned %ld "
		       "(errno %d): the sandbox is not enforcing", got, got < 0 ? errno : 0);
	}
}
