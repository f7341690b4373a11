/*
 * The machine a replayed audit trail runs on: vCPU power state for the
 * answers that depend on it (CPU_ON, AFFINITY_INFO).
 *
 * vCPU 0 is on at the start, the others off.  The state follows the
 * replay -- a CPU_ON the new policy grants turns its target on, a CPU_OFF
 * it runs turns the caller off -- and, for every vCPU on which the replay
 * has not diverged from the trail, also what the trail saw: a vCPU that
 * makes a call is on, and an AFFINITY_INFO answer the VMM's PSCI gave
 * (level 0) says whether its target was on.  The trail is in time order,
 * but records of calls on different vCPUs may be written in the other
 * order than their effects (a CPU_OFF recorded just after another vCPU's
 * AFFINITY_INFO saw it off): following those observations keeps such
 * pairs from looking like changes.
 *
 * A vCPU diverges when the new policy's effect on it differs from the
 * trail's: a CPU_ON refused now that the trail shows succeeding keeps its
 * target off, and that vCPU's later calls could not happen.  A new policy
 * that ends the guest (SYSTEM_OFF, a reset) where the trail went on makes
 * every later call impossible.
 */
#ifndef VMM_POLICY_SIM_H
#define VMM_POLICY_SIM_H

#include <stdbool.h>
#include <stdint.h>

struct sim;
struct smccc_platform;
struct audit_record;

struct sim *sim_new(unsigned nr_cpus, uint64_t ram_base, uint64_t ram_size);
void sim_free(struct sim *s);
const struct smccc_platform *sim_platform(struct sim *s);

/* Before replaying rec: take in what the trail saw.  false with *why when,
 * under the new policy, the call could not be made at all. */
bool sim_before(struct sim *s, const struct audit_record *rec, const char **why);
/* After: how the new policy answered (psci: the psci service did). */
void sim_after(struct sim *s, const struct audit_record *rec, bool psci, bool returned,
	       uint64_t ret);

#endif
