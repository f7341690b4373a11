/*
 * vmm-policy diff OLD NEW: the function-ID ranges whose handling differs,
 * in the terms of the two flattened tables (policy_diff()), and the
 * settings that differ.  Exit 0: the same handling everywhere; 1: some
 * difference; 2: usage or an invalid policy.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/describe.h"
#include "../policy/kvm-handlers.h"
#include "../policy/policy.h"
#include "../policy/smccc.h"
#include "vmm-policy.h"

/* "forward -> log (rule 'sip', old.conf:12)" or "deny (in KVM) (no rule)". */
static void side(const struct policy *p, const struct policy_rule *r, char *buf, size_t len)
{
	char act[96];

	if (!r) {
		tool_default_action(p, act, sizeof(act));
		snprintf(buf, len, "%s (no rule: the default)", act);
		return;
	}
	tool_rule_action(r, act, sizeof(act));
	snprintf(buf, len, "%s (rule '%s', %s:%u)", act, policy_rule_name(r), policy_source(p),
		 policy_rule_line(r));
}

static int settings(const struct policy *a, const struct policy *b)
{
	int n = 0;

	if (policy_conduit(a) != policy_conduit(b)) {
		printf("setting: conduit %s -> %s (the device tree's /psci method)\n",
		       policy_conduit(a) == POLICY_CONDUIT_SMC ? "smc" : "hvc",
		       policy_conduit(b) == POLICY_CONDUIT_SMC ? "smc" : "hvc");
		n++;
	}
	if (policy_psci_version(a) != policy_psci_version(b)) {
		printf("setting: psci_version %s -> %s\n",
		       tool_psci_version_name(policy_psci_version(a)),
		       tool_psci_version_name(policy_psci_version(b)));
		n++;
	}
	if (policy_on_reset(a) != policy_on_reset(b)) {
		printf("setting: on_reset %s -> %s\n",
		       policy_on_reset(a) == POLICY_RESET_RESTART ? "restart" : "exit",
		       policy_on_reset(b) == POLICY_RESET_RESTART ? "restart" : "exit");
		n++;
	}
	if (policy_default_action(a) != policy_default_action(b)) {
		printf("setting: default %s -> %s\n",
		       policy_filter_action_name(policy_default_action(a)),
		       policy_filter_action_name(policy_default_action(b)));
		n++;
	}
	return n;
}

static void reasons(const struct policy *a, const struct policy *b,
		    const struct policy_change *c)
{
	const char *name = smccc_fid_name(c->first);

	if (c->reasons & POLICY_CHANGE_PSCI_OFFER)
		printf("; %s: %s -> %s", name ? name : "PSCI function",
		       policy_psci_offered(a, c->first) ? "offered" : "not offered",
		       policy_psci_offered(b, c->first) ? "offered" : "not offered");
	if ((c->reasons & POLICY_CHANGE_PSCI_ANSWER) && c->first == PSCI_VERSION)
		printf("; PSCI_VERSION answers %s -> %s",
		       tool_psci_version_name(policy_psci_version(a)),
		       tool_psci_version_name(policy_psci_version(b)));
	else if ((c->reasons & POLICY_CHANGE_PSCI_ANSWER) && c->first == PSCI_FEATURES)
		printf("; PSCI_FEATURES answers differ: the functions offered differ");
	else if (c->reasons & POLICY_CHANGE_PSCI_ANSWER)
		printf("; %s: KVM's PSCI answers it per psci_version (%s -> %s)", name ? name : "it",
		       tool_psci_version_name(policy_psci_version(a)),
		       tool_psci_version_name(policy_psci_version(b)));
	if (c->reasons & POLICY_CHANGE_HANDLING) {
		/* deny <-> kernel where KVM has no handler: the same answer */
		enum policy_filter_action fa = policy_kvm_action(a, c->first);
		enum policy_filter_action fb = policy_kvm_action(b, c->first);

		if (fa != POLICY_FILTER_FWD && fb != POLICY_FILTER_FWD &&
		    !kvm_handler_in_range(c->first, c->last, policy_psci_version(a)) &&
		    !kvm_handler_in_range(c->first, c->last, policy_psci_version(b)))
			printf("; KVM has no handler there: NOT_SUPPORTED either way");
	}
	if (c->reasons & POLICY_CHANGE_ON_RESET)
		printf("; the reset %s -> %s",
		       policy_on_reset(a) == POLICY_RESET_RESTART ? "restarts" : "exits",
		       policy_on_reset(b) == POLICY_RESET_RESTART ? "restarts" : "exits");
}

int cmd_diff(int argc, char **argv)
{
	struct policy *a, *b;
	struct policy_change *c;
	char range[32], old[192], new[192];
	size_t n;
	int diffs;

	if (argc != 2) {
		fprintf(stderr, "usage: vmm-policy diff OLD NEW\n");
		return 2;
	}
	a = tool_load(argv[0]);
	b = a ? tool_load(argv[1]) : NULL;
	if (!a || !b) {
		policy_free(a);
		return 2;
	}
	n = policy_diff(a, b, NULL, 0);
	c = calloc(n ? n : 1, sizeof(*c));
	if (!c) {
		fprintf(stderr, "vmm-policy diff: out of memory\n");
		return 2;
	}
	policy_diff(a, b, c, n);
	diffs = settings(a, b);
	for (size_t i = 0; i < n; i++) {
		tool_range(c[i].first, c[i].last, range, sizeof(range));
		side(a, c[i].old_rule, old, sizeof(old));
		side(b, c[i].new_rule, new, sizeof(new));
		printf("%-23s %s -> %s", range, old, new);
		reasons(a, b, &c[i]);
		printf("\n");
	}
	diffs += (int)n;
	printf("diff: %zu function-ID range%s differ%s", n, n == 1 ? "" : "s", n == 1 ? "s" : "");
	if (diffs > (int)n)
		printf(", %d setting%s", diffs - (int)n, diffs - (int)n == 1 ? "" : "s");
	printf("\n");
	free(c);
	policy_free(a);
	policy_free(b);
	return diffs ? 1 : 0;
}
