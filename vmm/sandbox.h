/* The seccomp sandbox entered once setup is done, before the first KVM_RUN. */
#ifndef VMM_SANDBOX_H
#define VMM_SANDBOX_H

#include <stdbool.h>

#include "cli.h"

void sandbox__enter(enum seccomp_mode mode, bool debug_forbidden_syscall);
/*
 * Setup, before sandbox__enter(): ioctl request req (its name, and why the
 * run path needs it) on fd.  TEMPORARY stand-in for the per-fd version on
 * main: it only checks that req is in the global list (sandbox.c) and dies
 * if not, so the call sites are already in place.
 */
void sandbox__allow_ioctl(int fd, unsigned long req, const char *name, const char *why);

#endif
