/*
 * The seccomp sandbox, entered once setup is done and before the first
 * KVM_RUN, by every thread at once (TSYNC).
 *
 * The syscalls the run loop needs are listed, with their reasons, in
 * sandbox.c (and the README's table).  What depends on file descriptors is
 * registered at setup by whoever owns the descriptor: an ioctl request is
 * allowed only on the descriptors registered for it (KVM_RUN on vCPU fds,
 * KVM_IRQ_LINE on the VM fd, TUNSETOFFLOAD on taps, TCSETS on the
 * terminal), and openat only in the audit trail's directory with the
 * trail's flags.  tgkill may signal only this process; mmap and mprotect
 * never make memory executable.
 *
 * Call order: sandbox__allow_*() during setup, sandbox__enter() once, after
 * every thread has started (held) and before they run guest code.
 */
#ifndef VMM_SANDBOX_H
#define VMM_SANDBOX_H

#include <stdbool.h>

#include "cli.h"

/* Let request req be made on fd once the sandbox is in.  Setup; dies when
 * the table is full.  why: for -v and the README. */
void sandbox__allow_ioctl(int fd, unsigned long req, const char *name, const char *why);
/* Let openat(dirfd, ..., flags) be made (the audit trail's SIGHUP reopen). */
void sandbox__allow_openat(int dirfd, int flags);

/* Install the filter.  debug (--debug-forbidden-syscall=WHAT, tests): then
 * make one forbidden call of that kind, which must kill the process. */
void sandbox__enter(enum seccomp_mode mode, enum sandbox_probe debug);

#endif
