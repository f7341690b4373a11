/* What vmm-policy's commands share (vmm-policy.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../policy/number.h"
#include "../policy/policy.h"
#include "../policy/smccc.h"
#include "vmm-policy.h"

#define MPIDR_RES1		(1ULL << 31)

struct policy *tool_load(const char *path)
{
	char err[1024];
	struct policy *p = policy_load_file(path, err, sizeof(err));

	if (!p)
		fprintf(stderr, "%s\n", err);
	return p;
}

void tool_rule_action(const struct policy_rule *r, char *buf, size_t len)
{
	enum policy_filter_action a = policy_rule_filter_action(r);

	if (a != POLICY_FILTER_FWD)
		snprintf(buf, len, "%s (in KVM)", policy_filter_action_name(a));
	else if (!strcmp(policy_rule_action_name(r), "return"))
		snprintf(buf, len, "forward -> return 0x%" PRIx64, policy_rule_arg(r));
	else
		snprintf(buf, len, "forward -> %s", policy_rule_action_name(r));
}

void tool_default_action(const struct policy *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s (in KVM)", policy_filter_action_name(policy_default_action(p)));
}

void tool_range(uint32_t first, uint32_t last, char *buf, size_t len)
{
	if (first == last)
		snprintf(buf, len, "0x%08" PRIx32, first);
	else
		snprintf(buf, len, "0x%08" PRIx32 "-0x%08" PRIx32, first, last);
}

uint64_t tool_mpidr(unsigned i)
{
	return MPIDR_RES1 | ((uint64_t)(i / 16) << 8) | (i % 16);
}

const char *tool_psci_version_name(uint32_t v)
{
	switch (v) {
	case PSCI_VERSION_0_2: return "0.2";
	case PSCI_VERSION_1_0: return "1.0";
	case PSCI_VERSION_1_1: return "1.1";
	default: return "?";
	}
}

int tool_number(const char *cmd, const char *opt, const char *val, uint64_t min, uint64_t max,
		uint64_t *out)
{
	const char *why;

	if (number_parse_unsigned(val, UINT64_MAX, out, &why)) {
		fprintf(stderr, "vmm-policy %s: %s '%s': %s\n", cmd, opt, val, why);
		return -1;
	}
	if (*out < min || *out > max) {
		fprintf(stderr, "vmm-policy %s: %s %s: out of range (%" PRIu64 "..%" PRIu64 ")\n",
			cmd, opt, val, min, max);
		return -1;
	}
	return 0;
}

int tool_size(const char *cmd, const char *opt, const char *val, uint64_t *out)
{
	const char *why;

	if (number_parse_size(val, 20, out, &why)) {
		fprintf(stderr, "vmm-policy %s: %s '%s': %s\n", cmd, opt, val, why);
		return -1;
	}
	if (!*out) {
		fprintf(stderr, "vmm-policy %s: %s '%s': must not be 0\n", cmd, opt, val);
		return -1;
	}
	return 0;
}
