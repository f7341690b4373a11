/*
 * libFuzzer harness: the config parser on arbitrary text.  Must never crash
 * or leak; a policy it accepts must be a sane range table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "smccc.h"

#define FUZZ_MAX_INPUT 65536

static int in_reserved(uint64_t id)
{
	return (id >= SMCCC_KVM_RESERVED32_FIRST && id <= SMCCC_KVM_RESERVED32_LAST) ||
	       (id >= SMCCC_KVM_RESERVED64_FIRST && id <= SMCCC_KVM_RESERVED64_LAST);
}

static void check_invariants(const struct policy *p)
{
	size_t n = policy_filter_ranges(p, NULL, 0), nr = policy_nr_rules(p);
	struct policy_filter_range *r = calloc(n ? n : 1, sizeof(*r));
	uint64_t next = 0;

	if (policy_filter_ranges(p, r, n) != n)
		abort();
	/* Sorted, disjoint, never over KVM's reserved ranges, covering the rest. */
	for (size_t i = 0; i < n; i++) {
		uint64_t first = r[i].base, last = first + r[i].nr - 1;

		if (!r[i].nr || first < next || last > UINT32_MAX)
			abort();
		if (in_reserved(first) || in_reserved(last))
			abort();
		for (uint64_t gap = next; gap < first; gap += 0x10000)
			if (!in_reserved(gap))
				abort();
		next = last + 1;
	}
	free(r);
	for (size_t i = 0; i < nr; i++) {
		const struct policy_rule *rule = policy_rule_at(p, i);

		if (policy_lookup(p, policy_rule_first(rule)) != rule ||
		    policy_lookup(p, policy_rule_last(rule)) != rule)
			abort();
		if (i && policy_rule_first(rule) <= policy_rule_last(policy_rule_at(p, i - 1)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], *text;
	struct policy *p;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	p = policy_load_string(text, "fuzz.conf", err, sizeof(err));
	if (p) {
		check_invariants(p);
		policy_free(p);
	} else if (strncmp(err, "fuzz.conf", 9)) {
		abort();	/* every error names the file */
	}
	free(text);
	return 0;
}
