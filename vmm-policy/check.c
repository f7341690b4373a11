/*
 * vmm-policy check: validate a policy and show what it does -- the rules as
 * written, the flattened table that decides each ID (with the rule and line
 * deciding each piece), the KVM filter the VMM installs, and warnings.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/kvm-handlers.h"
#include "../policy/policy.h"
#include "../policy/smccc.h"
#include "vmm-policy.h"

/* Who answers PSCI, read off the flattened table (not off the rules: an
 * empty policy leaves PSCI to nobody, not to KVM). */
static void print_psci(const struct policy *p)
{
	unsigned vmm = 0, kvm = 0, total = 0;
	const char *v = tool_psci_version_name(policy_psci_version(p));

	for (uint32_t fid = PSCI_FID32_FIRST; fid <= PSCI_FID64_LAST; fid++, total++) {
		const struct policy_rule *r;

		if (fid == PSCI_FID32_LAST + 1)
			fid = PSCI_FID64_FIRST;
		r = policy_lookup(p, fid);
		if (r && !strcmp(policy_rule_action_name(r), "psci"))
			vmm++;
		else if (policy_kvm_action(p, fid) == POLICY_FILTER_HANDLE)
			kvm++;
	}
	printf("  ");
	if (vmm)
		printf("PSCI %s: emulated by the VMM", v);
	else if (kvm)
		printf("PSCI %s: handled by KVM", v);
	else
		printf("PSCI: none (no rule gives the PSCI IDs to psci or kernel, so every PSCI "
		       "call gets NOT_SUPPORTED)");
	if ((vmm && vmm < total) || (kvm && kvm < total))
		printf(" for %u of the %u PSCI IDs (the others get what their rules say)",
		       vmm ? vmm : kvm, total);
	printf("\n");
}

static void print_rules(const struct policy *p)
{
	char act[96], range[32], def[48];

	printf("\nrules, as written (a rule inside another indented under it):\n");
	for (size_t i = 0; i < policy_nr_rules(p); i++) {
		const struct policy_rule *r = policy_rule_at(p, i), *up;
		int depth = 0;

		for (up = policy_rule_parent(r); up; up = policy_rule_parent(up))
			depth++;
		tool_rule_action(r, act, sizeof(act));
		tool_range(policy_rule_first(r), policy_rule_last(r), range, sizeof(range));
		printf("  %*s%-23s %-20s %-32s %s:%u\n", 2 * depth, "", range, policy_rule_name(r),
		       act, policy_source(p), policy_rule_line(r));
	}
	tool_default_action(p, def, sizeof(def));
	printf("  everything else: %s\n", def);
}

static void print_table(const struct policy *p)
{
	char act[96], range[32], def[48];

	printf("\neffective table (the rule deciding each piece; the innermost wins):\n");
	for (size_t i = 0; i < policy_nr_pieces(p); i++) {
		const struct policy_piece *pc = policy_piece_at(p, i);
		const struct policy_rule *up = policy_rule_parent(pc->rule);

		tool_rule_action(pc->rule, act, sizeof(act));
		tool_range(pc->first, pc->last, range, sizeof(range));
		printf("  %-23s %-32s rule '%s' (%s:%u)", range, act, policy_rule_name(pc->rule),
		       policy_source(p), policy_rule_line(pc->rule));
		if (up)
			printf(", inside '%s'", policy_rule_name(up));
		printf("\n");
	}
	tool_default_action(p, def, sizeof(def));
	printf("  everything else: %s\n", def);
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
		       r[i].action == POLICY_FILTER_HANDLE ?
		       " (no filter entry needed: KVM handles what its filter does not name)" : "");
		next = (uint64_t)r[i].base + r[i].nr;
	}
	free(r);
}

/* Whether a kernel rule's pieces reach any handler KVM has. */
static bool kernel_rule_has_handler(const struct policy *p, const struct policy_rule *r)
{
	for (size_t i = 0; i < policy_nr_pieces(p); i++) {
		const struct policy_piece *pc = policy_piece_at(p, i);

		if (pc->rule == r &&
		    kvm_handler_in_range(pc->first, pc->last, policy_psci_version(p)))
			return true;
	}
	return false;
}

/* Warnings about what the policy means beyond the parser's own (which
 * the VMM prints too); the parser's default = kernel warning is not
 * repeated here. */
static int semantic_warnings(const struct policy *p)
{
	int n = 0;

	for (size_t i = 0; i < policy_nr_rules(p); i++) {
		const struct policy_rule *r = policy_rule_at(p, i);
		enum policy_filter_action a = policy_rule_filter_action(r);

		if (!policy_rule_nr_pieces(r))
			continue;	/* the parser warned: it decides nothing */
		if (a == POLICY_FILTER_HANDLE) {
			char range[32];

			tool_range(policy_rule_first(r), policy_rule_last(r), range, sizeof(range));
			printf("%s:%u: warning: rule '%s' leaves %s to KVM: the 32-bit function-ID "
			       "rule cannot be enforced there (KVM truncates X0 to W0)\n",
			       policy_source(p), policy_rule_line(r), policy_rule_name(r), range);
			n++;
			if (!kernel_rule_has_handler(p, r)) {
				printf("%s:%u: warning: rule '%s': KVM has no handler for any ID it "
				       "decides (Linux 6.12): the guest gets NOT_SUPPORTED, as with deny\n",
				       policy_source(p), policy_rule_line(r), policy_rule_name(r));
				n++;
			}
		} else if (a == POLICY_FILTER_DENY && !policy_rule_parent(r) &&
			   policy_default_action(p) == POLICY_FILTER_DENY) {
			printf("%s:%u: warning: rule '%s' denies in KVM, which is already the default: "
			       "it changes nothing\n", policy_source(p), policy_rule_line(r),
			       policy_rule_name(r));
			n++;
		}
	}
	return n;
}

static int check_one(const char *path, bool quiet)
{
	struct policy *p = tool_load(path);
	const char *w;
	int warnings = 0;

	if (!p)
		return 1;
	printf("%s: valid\n", path);
	printf("  conduit %s, on_reset %s\n", policy_conduit(p) == POLICY_CONDUIT_SMC ? "smc" : "hvc",
	       policy_on_reset(p) == POLICY_RESET_RESTART ? "restart" : "exit");
	print_psci(p);
	printf("  %zu rules, %zu pieces in the effective table, %zu KVM filter ranges\n",
	       policy_nr_rules(p), policy_nr_pieces(p), policy_filter_ranges(p, NULL, 0));
	if (!quiet) {
		print_rules(p);
		print_table(p);
		print_filter(p);
	}
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
	bool quiet = false;
	int rc = 0;

	if (argc >= 1 && !strcmp(argv[0], "-q")) {
		quiet = true;
		argc--;
		argv++;
	}
	if (argc < 1) {
		fprintf(stderr, "usage: vmm-policy check [-q] FILE...\n");
		return 2;
	}
	for (int i = 0; i < argc; i++)
		rc |= check_one(argv[i], quiet);
	return rc;
}
