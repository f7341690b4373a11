/*
 * libFuzzer harness: the config parser on arbitrary text.  Must never crash
 * or leak; a policy it accepts must be a sane range table, and its
 * flattened table must follow the nesting rule.  Inputs larger than the
 * harness's limit are skipped (the parser itself has none).
 */
#include <stdint.h>
#include <stdio.h>
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

/*
 * The flattened table: pieces sorted, disjoint, each inside its rule; the
 * rules nest (any two disjoint or one inside the other); each piece is
 * decided by the innermost rule holding it; lookup agrees; and KVM's filter
 * gives each piece its rule's action; an ID next to a piece but in none
 * has no rule.
 */
static void check_table(const struct policy *p, size_t nr)
{
	size_t np = policy_nr_pieces(p);

	for (size_t i = 0; i < np; i++) {
		const struct policy_piece *pc = policy_piece_at(p, i);
		const struct policy_rule *best = NULL;

		if (pc->first > pc->last || (i && pc->first <= policy_piece_at(p, i - 1)->last))
			abort();
		if (pc->first < policy_rule_first(pc->rule) || pc->last > policy_rule_last(pc->rule))
			abort();
		if (policy_lookup(p, pc->first) != pc->rule || policy_lookup(p, pc->last) != pc->rule)
			abort();
		/* an ID in no piece has no rule: the gaps' ends */
		if (pc->first > 0 && (!i || policy_piece_at(p, i - 1)->last < pc->first - 1) &&
		    policy_lookup(p, pc->first - 1))
			abort();
		if (pc->last < UINT32_MAX && (i + 1 == np || policy_piece_at(p, i + 1)->first >
							      pc->last + 1) &&
		    policy_lookup(p, pc->last + 1))
			abort();
		if (policy_kvm_action(p, pc->first) != policy_rule_filter_action(pc->rule))
			abort();
		/* the brute-force innermost check, on inputs small enough */
		for (size_t j = 0; nr <= 256 && j < nr; j++) {
			const struct policy_rule *r = policy_rule_at(p, j);

			if (policy_rule_first(r) > pc->first || policy_rule_last(r) < pc->last)
				continue;
			if (!best || (uint64_t)policy_rule_last(r) - policy_rule_first(r) <
				     (uint64_t)policy_rule_last(best) - policy_rule_first(best))
				best = r;
		}
		if (nr <= 256 && best != pc->rule)
			abort();
	}
	for (size_t i = 1; i < nr; i++) {
		const struct policy_rule *a = policy_rule_at(p, i - 1), *b = policy_rule_at(p, i);
		const struct policy_rule *up = policy_rule_parent(b);

		/* sorted: first ascending, the outer (longer) rule first */
		if (policy_rule_first(a) > policy_rule_first(b))
			abort();
		if (up && (policy_rule_first(up) > policy_rule_first(b) ||
			   policy_rule_last(up) < policy_rule_last(b) || up == b))
			abort();
		/* neighbours in this order either nest or are disjoint */
		if (policy_rule_first(b) <= policy_rule_last(a) &&
		    policy_rule_last(b) > policy_rule_last(a))
			abort();
	}
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
	check_table(p, nr);
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
	} else {
		unsigned line;
		char colon;

		/* every error is one "FILE:LINE: message" */
		if (sscanf(err, "fuzz.conf:%u%c ", &line, &colon) != 2 || colon != ':' || !line)
			abort();
	}
	free(text);
	return 0;
}
