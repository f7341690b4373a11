/*
 * The reference the fast lookup is checked against, in unit tests and
 * fuzzers: the rule deciding fid found by looking at every rule — the
 * smallest (innermost) one holding it.
 */
#ifndef TESTS_POLICY_REF_H
#define TESTS_POLICY_REF_H

#include <stdint.h>

#include "policy.h"

static inline const struct policy_rule *policy_ref_lookup(const struct policy *p, uint32_t fid)
{
	const struct policy_rule *best = NULL;

	for (size_t j = 0; j < policy_nr_rules(p); j++) {
		const struct policy_rule *r = policy_rule_at(p, j);

		if (policy_rule_first(r) > fid || policy_rule_last(r) < fid)
			continue;
		if (!best || (uint64_t)policy_rule_last(r) - policy_rule_first(r) <
			     (uint64_t)policy_rule_last(best) - policy_rule_first(best))
			best = r;
	}
	return best;
}

#endif
