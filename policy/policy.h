/*
 * SMCCC call policy: load a policy file, turn it into KVM SMCCC filter
 * ranges, and decide what a forwarded call gets back.
 *
 * Pure C11; no KVM headers, so it builds and tests on any host.  The file
 * format is described in docs/policy-format.md; who answers a forwarded
 * call, and how, in service.h; its numbers in number.h.
 *
 * Call order: policy_load_*() once (the result is immutable and may be
 * shared by threads); then read it (settings, rules, the flattened table,
 * filter ranges, policy_diff()) and decide calls with policy_route() +
 * policy_answer() (or policy_decide()); policy_free() last.
 *
 * Rules may nest: a rule whose range lies wholly inside another's decides
 * those IDs (the most specific rule wins, as in a routing table).  Lookup,
 * the KVM filter and every decision read the flattened table: disjoint
 * pieces, each decided by exactly one rule.
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

/*
 * Load; NULL on error with err = "FILE:LINE: message" (or "FILE: message" for
 * I/O).  The file is read a line at a time: neither its size nor a line's
 * length is limited by more than memory.
 */
struct policy *policy_load_file(const char *path, char *err, size_t errlen);
struct policy *policy_load_string(const char *text, const char *name, char *err, size_t errlen);
void policy_free(struct policy *p);

enum policy_conduit policy_conduit(const struct policy *p);
uint32_t policy_psci_version(const struct policy *p);		/* e.g. 0x10001 */
enum policy_on_reset policy_on_reset(const struct policy *p);
bool policy_psci_in_user(const struct policy *p);		/* psci decides some ID */
/* A PSCI function ID the psci service answers for real: offered by
 * psci_version and psci_functions, and decided by a psci rule. */
bool policy_psci_offered(const struct policy *p, uint32_t fid);

/* Why a PSCI function ID is, or is not, offered (for explain). */
enum policy_psci_offer_kind {
	POLICY_PSCI_OFFERED,
	POLICY_PSCI_NOT_A_FUNCTION,	/* no PSCI function has this ID (or no SMC64 variant) */
	POLICY_PSCI_NOT_ROUTED,		/* a rule other than psci decides the ID */
	POLICY_PSCI_NEWER,		/* defined from a later PSCI version than psci_version */
	POLICY_PSCI_NOT_EMULATED,	/* the VMM does not implement it */
	POLICY_PSCI_NOT_LISTED,		/* optional and not in psci_functions */
};
struct policy_psci_offer {
	enum policy_psci_offer_kind kind;
	const char *name;		/* as psci_functions names it; NULL for NOT_A_FUNCTION */
	uint32_t since;			/* PSCI version that defines it */
	unsigned functions_line;	/* the psci_functions line, 0 if none */
};
void policy_psci_offer(const struct policy *p, uint32_t fid, struct policy_psci_offer *o);

/*
 * KVM filter ranges to install, from the flattened table: sorted, neighbours
 * with equal action merged, KVM's reserved arch ranges left out, gaps filled
 * with the default action.  Returns the number of ranges; fills at most
 * max entries of out (call with max=0 to size).
 */
struct policy_filter_range { uint32_t base, nr; enum policy_filter_action action; };
size_t policy_filter_ranges(const struct policy *p, struct policy_filter_range *out, size_t max);
/* "kernel", "deny", "forward": the config's words for a filter action. */
const char *policy_filter_action_name(enum policy_filter_action a);
/* KVM's reserved Arm architecture ranges: always handled by KVM, unfilterable. */
bool policy_fid_reserved(uint32_t fid);
/* What KVM's filter does with fid under p (HANDLE for the reserved ranges). */
enum policy_filter_action policy_kvm_action(const struct policy *p, uint32_t fid);

/* O(log n) lookup, in the flattened table, of the rule deciding a 32-bit
 * function ID (the innermost rule holding it), or NULL. */
const struct policy_rule *policy_lookup(const struct policy *p, uint32_t fid);

/* The flattened table: sorted, disjoint; an ID in no piece has no rule. */
struct policy_piece {
	uint32_t first, last;		/* inclusive */
	const struct policy_rule *rule;	/* the rule deciding every ID of the piece */
};
size_t policy_nr_pieces(const struct policy *p);
const struct policy_piece *policy_piece_at(const struct policy *p, size_t i);
/* The rule r lies inside (the next rule out), NULL at the top level. */
const struct policy_rule *policy_rule_parent(const struct policy_rule *r);
/* How many pieces r decides: 0 when rules inside it cover its whole range. */
size_t policy_rule_nr_pieces(const struct policy_rule *r);
const char *policy_rule_name(const struct policy_rule *r);
unsigned policy_rule_line(const struct policy_rule *r);
const char *policy_rule_action_name(const struct policy_rule *r); /* "psci", "return", ... */
uint64_t policy_rule_arg(const struct policy_rule *r);		/* return VALUE; else 0 */
size_t policy_nr_rules(const struct policy *p);
/* Position of r among policy_rule_at()'s rules, for per-rule counters. */
size_t policy_rule_index(const struct policy *p, const struct policy_rule *r);
/* The rules as written, sorted by first ID, an outer rule before those inside it. */
const struct policy_rule *policy_rule_at(const struct policy *p, size_t i);
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

/*
 * A forwarded call.  x[0] is the whole X0; x[1..] hold the arguments the
 * route asked for (the rest are not read from the vCPU and stay 0).
 */
struct policy_call { uint64_t x[18]; enum policy_conduit conduit; unsigned vcpu; };

/* Which of the checks decided a call: the two before any rule, or the
 * rule's service. */
enum policy_verdict {
	POLICY_VERDICT_UPPER32,		/* refused by the 32-bit rule (DEN 0028 2.5): NOT_SUPPORTED */
	POLICY_VERDICT_NO_RULE,		/* no rule: NOT_SUPPORTED (KVM denied what no rule names) */
	POLICY_VERDICT_SERVICE,		/* the rule's service answers */
};

/* Step 1, from X0 alone: who decides, and how many of X1..X17 it reads. */
struct policy_route {
	enum policy_verdict verdict;
	const struct policy_rule *rule;	/* the deciding rule, NULL when none */
	const struct policy_piece *piece; /* its piece of the flattened table */
	unsigned nr_args;		/* X1..X<nr_args> */
	unsigned nr_answer_args;	/* of those, X1..X<n> the answer depends on
					 * (log reads X1..X3 only to record them) */
};

struct policy_result {
	uint64_t x[4];			/* X0..X3 as answered */
	unsigned nr_ret;		/* X0..X<nr_ret-1> to write back; 0: the call
					 * does not return (CPU_OFF, SYSTEM_OFF, ...) */
	unsigned nr_args;		/* X1..X<nr_args> were read */
	const struct policy_rule *rule;	/* NULL when none */
	unsigned decision;		/* see policy_decision_name() */
	bool log;			/* the service asks for one log line per
					 * call (action log), not only -v/--audit */
};

struct smccc_platform;	/* service.h: what services act on */

/* Thread-safe.  The 32-bit rule first, then the rule lookup. */
void policy_route(const struct policy *p, uint64_t x0, struct policy_route *rt);
/* Thread-safe.  c->x[1..rt->nr_args] must be valid.  Effects (CPU_ON,
 * SYSTEM_OFF, ...) happen through plat before it returns. */
void policy_answer(const struct policy *p, const struct policy_route *rt,
		   const struct smccc_platform *plat, const struct policy_call *c,
		   struct policy_result *r);
/* policy_route() + policy_answer(), for callers that have every register. */
void policy_decide(const struct policy *p, const struct smccc_platform *plat,
		   const struct policy_call *c, struct policy_result *r);

/*
 * Decisions, for counters and the audit trail: "upper32", "no-rule", then
 * each service's decision name ("psci", "trng", "return", "deny", "log",
 * "not-forwarded").  Indices are dense, 0 .. policy_nr_decisions() - 1.
 */
unsigned policy_nr_decisions(void);
const char *policy_decision_name(unsigned decision);
unsigned policy_verdict_decision(enum policy_verdict v);	/* UPPER32, NO_RULE */

/*
 * How two policies differ, in the terms of their flattened tables: the
 * function-ID ranges where what a call gets may differ.  For each ID, the
 * handling compared is KVM's filter action, and for forwarded IDs the
 * service and its argument; for PSCI IDs also what the settings change
 * (offered or not, PSCI_VERSION's and PSCI_FEATURES' answers, on_reset for
 * the resets, the version KVM's own PSCI reports).  Rule names and lines
 * are not handling.  KVM's reserved ranges never differ.  Neighbouring IDs
 * with the same deciding rules and reasons are merged.
 */
enum policy_change_reason {
	POLICY_CHANGE_HANDLING = 1 << 0,	/* filter action, service or argument */
	POLICY_CHANGE_PSCI_OFFER = 1 << 1,	/* offered by one, not the other */
	POLICY_CHANGE_PSCI_ANSWER = 1 << 2,	/* PSCI_VERSION/PSCI_FEATURES answer */
	POLICY_CHANGE_ON_RESET = 1 << 3,	/* a reset exits or restarts */
};
struct policy_change {
	uint32_t first, last;		/* inclusive */
	const struct policy_rule *old_rule, *new_rule;	/* NULL: the default */
	unsigned reasons;		/* enum policy_change_reason bits */
};
/* Fills at most max entries of out, returns how many there are (max = 0
 * to size).  O(pieces of a + pieces of b). */
size_t policy_diff(const struct policy *a, const struct policy *b, struct policy_change *out,
		   size_t max);

#endif /* POLICY_POLICY_H */
