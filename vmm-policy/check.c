/* vmm-policy check: validate and show what a policy does. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/policy.h"
#include "../policy/smccc.h"
#include "vmm-policy.h"

struct policy *tool_load(const char *path)
{
	char err[512];
	struct policy *p = policy_load_file(path, err, sizeof(err));

	if (!p)
		fprintf(stderr, "%s\n", err);
	return p;
}

void tool_rule_action(const struct policy_rule *r, char *buf, size_t len)
{
	enum policy_filter_action a = policy_rule_filter_action(r);

	if (a == POLICY_FILTER_FWD)
		snprintf(buf, len, "forward -> %s", policy_rule_action_name(r));
	else
		snprintf(buf, len, "%s (in KVM)", policy_filter_action_name(a));
}

static const char *psci_version_name(uint32_t v)
{
	switch (v) {
	case PSCI_VERSION_0_2: return "0.2";
	case PSCI_VERSION_1_0: return "1.0";
	case PSCI_VERSION_1_1: return "1.1";
	default: return "?";
	}
}

static void print_rules(const struct policy *p)
{
	printf("\nrules, by function ID:\n");
	for (size_t i = 0; i < policy_nr_rules(p); i++) {
		const struct policy_rule *r = policy_rule_at(p, i);
		char act[96];

		tool_rule_action(r, act, sizeof(act));
		printf("  0x%08" PRIx32 "-0x%08" PRIx32 "  %-20s %-28s %s:%u\n",
		       policy_rule_first(r), policy_rule_last(r), policy_rule_name(r), act,
		       policy_source(p), policy_rule_line(r));
	}
	printf("  everything else: %s\n", policy_filter_action_name(policy_default_action(p)));
}

static void print_filter(const struct policy *p)
{
	size_t n = policy_filter_ranges(p, NULL, 0);
	struct policy_filter_range *r = calloc(n ? n : 1, sizeof(*r));
	uint64_t next = 0;

	if (!r)
		return;
	policy_filter_ranges(p, r, n);
	printf("\nKVM SMCCC filter ranges the VMM installs:\n");
	for (size_t i = 0; i <= n; i++) {
		uint64_t base = i < n ? r[i].base : 0x100000000ULL;

		if (base > next)
			printf("  0x%08" PRIx64 "-0x%08" PRIx64 "  reserved by KVM (always handled in the kernel)\n",
			       next, base - 1);
		if (i == n)
			break;
		printf("  0x%08" PRIx32 "-0x%08" PRIx64 "  %s%s\n", r[i].base,
		       (uint64_t)r[i].base + r[i].nr - 1, policy_filter_action_name(r[i].action),
		       r[i].action == POLICY_FILTER_HANDLE ? " (not installed: KVM's default)" : "");
		next = (uint64_t)r[i].base + r[i].nr;
	}
	free(r);
}

/* Warnings about what the policy means, beyond the parser's own. */
static int semantic_warnings(const struct policy *p)
{
	int n = 0;

	for (size_t i = 0; i < policy_nr_rules(p); i++) {
		const struct policy_rule *r = policy_rule_at(p, i);
		enum policy_filter_action a = policy_rule_filter_action(r);

		if (a == POLICY_FILTER_HANDLE) {
			printf("%s:%u: warning: rule '%s' leaves 0x%08" PRIx32 "-0x%08" PRIx32
			       " to KVM: the 32-bit function-ID rule cannot be enforced there "
			       "(KVM truncates X0 to W0)\n", policy_source(p), policy_rule_line(r),
			       policy_rule_name(r), policy_rule_first(r), policy_rule_last(r));
			n++;
		} else if (a == POLICY_FILTER_DENY && policy_default_action(p) == POLICY_FILTER_DENY) {
			printf("%s:%u: warning: rule '%s' denies in KVM, which is already the default: "
			       "it changes nothing\n", policy_source(p), policy_rule_line(r),
			       policy_rule_name(r));
			n++;
		}
	}
	if (policy_default_action(p) == POLICY_FILTER_HANDLE) {
		printf("%s: warning: default = kernel: function IDs no rule names go to KVM, "
		       "unchecked by the 32-bit rule\n", policy_source(p));
		n++;
	}
	return n;
}

static int check_one(const char *path)
{
	struct policy *p = tool_load(path);
	const char *w;
	int warnings = 0;

	if (!p)
		return 1;
	printf("%s: valid\n", path);
	printf("  conduit %s, PSCI %s%s, on_reset %s\n",
	       policy_conduit(p) == POLICY_CONDUIT_SMC ? "smc" : "hvc",
	       psci_version_name(policy_psci_version(p)),
	       policy_psci_in_user(p) ? " emulated by the VMM" : " left to KVM",
	       policy_on_reset(p) == POLICY_RESET_RESTART ? "restart" : "exit");
	print_rules(p);
	print_filter(p);
	printf("\n");
	for (size_t i = 0; (w = policy_warning(p, i)); i++, warnings++)
		printf("%s\n", w);
	warnings += semantic_warnings(p);
	printf("%s: %d warning%s\n", path, warnings, warnings == 1 ? "" : "s");
	policy_free(p);
	return 0;
}

int cmd_check(int argc, char **argv)
{
	int rc = 0;

	if (argc < 1) {
		fprintf(stderr, "usage: vmm-policy check FILE...\n");
		return 2;
	}
	for (int i = 0; i < argc; i++)
		rc |= check_one(argv[i]);
	return rc;
}
