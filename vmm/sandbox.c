/*
 * The seccomp sandbox.  Entered after setup (files open, RAM mapped, vCPU
 * fds created, every thread started but held) and before the first
 * KVM_RUN, for every thread at once (TSYNC).  What the run loop needs, and
 * why, is listed in allowed[] and in the README; ioctl is limited to the
 * request numbers below.  Anything else kills the process (SIGSYS), or with
 * --seccomp=log is reported and fails with EPERM.
 */
#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>

#include "sandbox.h"
#include "util.h"

static const struct {
	const char *name;	/* resolved by libseccomp for the build's arch */
	const char *why;
} allowed[] = {
	{ "read", "console input, eventfds, frames from a tap" },
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
	{ "ioctl", "KVM_RUN and register access: request numbers filtered below" },
	{ "futex", "mutexes and condition variables between threads" },
	{ "rt_sigreturn", "return from the vCPU kick signal handler" },
	{ "rt_sigprocmask", "signal masks in pthread functions" },
	{ "tgkill", "kicking vCPU threads out of KVM_RUN" },
	{ "getpid", "pthread_kill" },
	{ "gettid", "pthread_kill" },
	{ "madvise", "zeroing guest RAM on reset; malloc trimming" },
	{ "mmap", "malloc arenas" },
	{ "munmap", "malloc arenas; thread stacks at exit" },
	{ "mprotect", "malloc arenas" },
	{ "brk", "malloc" },
	{ "newfstatat", "stdio on first use of a stream" },
	{ "fstat", "stdio on first use of a stream" },
	{ "clock_gettime", "audit timestamps when the vDSO is unavailable" },
	{ "clock_nanosleep", "short waits" },
	{ "sched_yield", "lock contention" },
	{ "restart_syscall", "interrupted sleeps" },
	{ "close", "closing files at exit" },
	{ "exit", "thread exit" },
	{ "exit_group", "process exit" },
};

static const struct {
	unsigned long req;
	const char *name;
} allowed_ioctls[] = {
	{ KVM_RUN, "KVM_RUN" },
	{ KVM_GET_ONE_REG, "KVM_GET_ONE_REG: X0 and the arguments a forwarded call needs, dumps" },
	{ KVM_SET_ONE_REG, "KVM_SET_ONE_REG: the results a forwarded call sets, PC/X0 on CPU_ON" },
	{ KVM_IRQ_LINE, "KVM_IRQ_LINE: the UART interrupt" },
	{ TUNSETOFFLOAD, "TUNSETOFFLOAD: a tap's offloads, when the guest's driver starts" },
	{ KVM_ARM_VCPU_INIT, "KVM_ARM_VCPU_INIT: vCPU reset on CPU_ON and reset" },
	{ KVM_SET_DEVICE_ATTR, "KVM_SET_DEVICE_ATTR: the vGIC back to its power-on state on a guest reset" },
	{ TCGETS, "TCGETS: terminal state (isatty, restore)" },
	{ TCSETS, "TCSETS: restoring the terminal at exit" },
};

void sandbox__allow_ioctl(int fd, unsigned long req, const char *name, const char *why)
{
	for (size_t i = 0; i < ARRAY_SIZE(allowed_ioctls); i++)
		if (allowed_ioctls[i].req == req)
			return;
	die("sandbox: ioctl %s on fd %d (%s) is not in the allowed list", name, fd, why);
}

/* --seccomp=log: report the syscall number and fail it with EPERM. */
static void sigsys_handler(int sig, siginfo_t *info, void *uctx)
{
	char msg[96];
	int n;

	(void)sig;
	n = snprintf(msg, sizeof(msg), "vmm: seccomp: forbidden syscall %d (failed with EPERM)\n",
		     info->si_syscall);
	if (write(STDERR_FILENO, msg, n) < 0) {
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

static void add_rules(scmp_filter_ctx ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i].name);
		int r;

		if (nr == __NR_SCMP_ERROR)
			continue;	/* not a syscall on this arch (fstat on arm64) */
		if (nr == seccomp_syscall_resolve_name("ioctl")) {
			for (size_t j = 0; j < ARRAY_SIZE(allowed_ioctls); j++) {
				r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
						     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL,
							     allowed_ioctls[j].req));
				if (r)
					die_errno(r, "seccomp: rule for ioctl %s", allowed_ioctls[j].name);
			}
			continue;
		}
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (r)
			die_errno(r, "seccomp: rule for %s", allowed[i].name);
	}
}

void sandbox__enter(enum seccomp_mode mode, bool debug_forbidden_syscall)
{
	scmp_filter_ctx ctx;
	int r;

	if (mode == SECCOMP_MODE_OFF) {
		pr_info("WARNING: --seccomp=off: running WITHOUT the seccomp sandbox (debugging only)");
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
	add_rules(ctx);
	r = seccomp_load(ctx);
	if (r)
		die_errno(r, "seccomp: loading the filter");
	seccomp_release(ctx);
	pr_debug("seccomp: filter installed (%zu syscalls, %zu ioctls)",
		 ARRAY_SIZE(allowed), ARRAY_SIZE(allowed_ioctls));

	if (debug_forbidden_syscall) {
		/* Test hook: socket() is not on the list; the kernel must stop us. */
		r = socket(AF_INET, SOCK_STREAM, 0);
		pr_err("seccomp: forbidden socket() returned %d (errno %d): the sandbox is not enforcing",
		       r, r < 0 ? errno : 0);
	}
}
