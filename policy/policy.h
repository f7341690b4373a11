/*
 * SMCCC call policy: load a policy file, turn it into KVM SMCCC filter
 * ranges, and decide what a forwarded call gets back.
 *
 * Pure C11 + pthreads; no KVM headers, so it builds and tests on any host.
 * The file format is described in configs/default.conf.
 */
#ifndef POLICY_POLICY_H
#define POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum policy_conduit { POLICY_CONDUIT_HVC, POLICY_CONDUIT_SMC };
enum policy_filter_action { POLICY_FILTER_HANDLE, POLICY_FILTER_DENY, POLICY_FILTER_FWD };
enum policy_on_reset { POLICY_RESET_EXIT, POLICY_RESET_RESTART };

struct policy;		/* opaque, immutable after load: safe to share across threads */
struct policy_rule;	/* opaque */

/* Load; NULL on error with err = "FILE:LINE: message" (or "FILE: message" for I/O). */
struct policy *policy_load_file(const char *path, char *err, size_t errlen);
struct policy *policy_load_string(const char *text, const char *name, char *err, size_t errlen);
void policy_free(struct policy *p);

enum policy_conduit policy_conduit(const struct policy *p);
uint32_t policy_psci_version(const struct policy *p);		/* e.g. 0x10001 */
enum policy_on_reset policy_on_reset(const struct policy *p);
bool policy_psci_in_user(const struct policy *p);		/* some rule uses the psci handler */
bool policy_psci_offered(const struct policy *p, uint32_t fid); /* PSCI function offered (either width) */

/*
 * KVM filter ranges to install, sorted, neighbours with equal action merged,
 * KVM's reserved arch ranges left out, gaps filled with the default action.
 * Returns the number of ranges; fills at most max entries of out (call with
 * max=0 to size).
 */
struct policy_filter_range { uint32_t base, nr; enum policy_filter_action action; };
size_t policy_filter_ranges(const struct policy *p, struct policy_filter_range *out, size_t max);
/* "kernel", "deny", "forward": the config's words for a filter action. */
const char *policy_filter_action_name(enum policy_filter_action a);
/* KVM's reserved Arm architecture ranges: always handled by KVM, unfilterable. */
bool policy_fid_reserved(uint32_t fid);

/* O(log n) lookup of the rule covering a 32-bit function ID, or NULL. */
const struct policy_rule *policy_lookup(const struct policy *p, uint32_t fid);
const char *policy_rule_name(const struct policy_rule *r);
unsigned policy_rule_line(const struct policy_rule *r);
const char *policy_rule_action_name(const struct policy_rule *r); /* "psci", "return", ... */
size_t policy_nr_rules(const struct policy *p);
/* Position of r among policy_rule_at()'s rules, for per-rule counters. */
size_t policy_rule_index(const struct policy *p, const struct policy_rule *r);
const struct policy_rule *policy_rule_at(const struct policy *p, size_t i); /* sorted by base */
uint32_t policy_rule_first(const struct policy_rule *r);
uint32_t policy_rule_last(const struct policy_rule *r);
const char *policy_source(const struct policy *p);	/* file name it was loaded from */

/*
 * Additions beyond the core contract (for the checker):
 * policy_default_action() - the action used for IDs no rule names
 *                           (HANDLE only with an explicit "default = kernel").
 * policy_rule_filter_action() - what the rule installs in KVM's filter.
 * policy_warning()        - i-th load warning as "FILE:LINE: warning: ...",
 *                           NULL past the end.
 */
enum policy_filter_action policy_default_action(const struct policy *p);
enum policy_filter_action policy_rule_filter_action(const struct policy_rule *r);
const char *policy_warning(const struct policy *p, size_t i);

/* A forwarded call and its decision. */
struct policy_call { uint64_t x[18]; enum policy_conduit conduit; unsigned vcpu; };

enum policy_verdict {
	POLICY_VERDICT_UPPER32,		/* refused by the 32-bit rule (DEN 0028 2.5): NOT_SUPPORTED */
	POLICY_VERDICT_NO_RULE,		/* no rule: default deny */
	POLICY_VERDICT_DENY, POLICY_VERDICT_LOG, POLICY_VERDICT_RETURN, POLICY_VERDICT_PSCI,
	POLICY_VERDICT_NOT_FORWARDED,	/* rule says kernel/deny: KVM should not have forwarded it */
};
const char *policy_verdict_name(enum policy_verdict v);

/* SYSTEM_WARM_RESET is SYSTEM_RESET2's warm reset: what Linux asks for on
 * panic with reboot=panic_warm (the VMM's default command line). */
enum policy_platform_op { POLICY_OP_NONE, POLICY_OP_CPU_ON, POLICY_OP_CPU_OFF,
			  POLICY_OP_SYSTEM_OFF, POLICY_OP_SYSTEM_RESET,
			  POLICY_OP_SYSTEM_WARM_RESET };

struct policy_result {
	uint64_t x[4];			/* written back to X0..X3 */
	enum policy_verdict verdict;
	const struct policy_rule *rule;	/* NULL when none */
	enum policy_platform_op op;
	unsigned target;		/* vCPU index for CPU_ON */
	uint64_t entry, context_id;	/* CPU_ON */
};

struct psci;	/* from psci.h */

/* Thread-safe. psci may be NULL when no rule uses the psci handler. */
void policy_decide(const struct policy *p, struct psci *psci, const struct policy_call *c,
		   struct policy_result *r);

#endif /* POLICY_POLICY_H */
