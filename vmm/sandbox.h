/* The seccomp sandbox entered once setup is done, before the first KVM_RUN. */
#ifndef VMM_SANDBOX_H
#define VMM_SANDBOX_H

#include <stdbool.h>

#include "cli.h"

void sandbox__enter(enum seccomp_mode mode, bool debug_forbidden_syscall);

#endif
