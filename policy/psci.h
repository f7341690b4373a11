/*
 * PSCI (Arm DEN 0022) emulation over an abstract platform: a table of vCPUs
 * identified by MPIDR and one RAM window.  The state machine lives here; the
 * VMM carries out the platform operation returned in policy_result.op.
 *
 * All functions are thread-safe (one internal mutex): vCPU threads call
 * psci_handle() concurrently.
 */
#ifndef POLICY_PSCI_H
#define POLICY_PSCI_H

#include <stdint.h>

#include "policy.h"

struct psci;


/*
 * nr_cpus vCPUs, cpu i has mpidr[i]; cpu 0 starts ON, others OFF; guest RAM
 * [ram_base, ram_base+ram_size).  Returns NULL on bad arguments or ENOMEM.
 * The policy must outlive the psci object.
 */
struct psci *psci_new(const struct policy *p, unsigned nr_cpus, const uint64_t *mpidr,
		      uint64_t ram_base, uint64_t ram_size);
void psci_free(struct psci *s);

/* The VMM started the vCPU that CPU_ON targeted: ON_PENDING -> ON. */
void psci_cpu_started(struct psci *s, unsigned cpu);

/* Reset every cpu to boot state (cpu 0 ON, others OFF), for SYSTEM_RESET restart. */
void psci_reset(struct psci *s);

/* Called by policy_decide for PSCI-handled calls; also usable directly in tests. */
void psci_handle(struct psci *s, const struct policy_call *c, struct policy_result *r);

#endif /* POLICY_PSCI_H */
