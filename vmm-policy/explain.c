/* vmm-policy explain: which rule decides a call, what comes back, and why. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/describe.h"
#include "../policy/policy.h"
#include "../policy/psci.h"
#include "../policy/smccc.h"
#include "vmm-policy.h"

/* The VMM's defaults, so PSCI answers match a default boot. */
#define EXPLAIN_RAM_BASE	0x40000000ULL
#define EXPLAIN_RAM_SIZE	(256ULL << 20)
#define EXPLAIN_MAX_CPUS	64
#define MPIDR_RES1		(1ULL << 31)

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	if (*s == '-') {
		long long x = strtoll(s, &end, 0);

		*v = (uint64_t)x;
	} else {
		*v = strtoull(s, &end, 0);
	}
	return errno || *end ? -EINVAL : 0;
}

static const char *verdict_why(enum policy_verdict v)
{
	switch (v) {
	case POLICY_VERDICT_UPPER32:
		return "X0 has non-zero upper 32 bits: not a valid SMCCC function ID "
		       "(Arm DEN 0028, 2.5: the ID is W0), so NOT_SUPPORTED whatever W0 names";
	case POLICY_VERDICT_NO_RULE:
		return "no rule names this function ID: the default, NOT_SUPPORTED";
	case POLICY_VERDICT_DENY:
		return "the rule's handler denies it (NOT_SUPPORTED) after logging it";
	case POLICY_VERDICT_LOG:
		return "the rule's handler records the call, then denies it (NOT_SUPPORTED)";
	case POLICY_VERDICT_RETURN:
		return "the rule's handler returns a fixed value";
	case POLICY_VERDICT_PSCI:
		return "the VMM's PSCI emulation (Arm DEN 0022) answers";
	case POLICY_VERDICT_NOT_FORWARDED:
		return "the rule leaves this call to KVM: the VMM would not see it";
	}
	return "?";
}

static void explain_kernel_side(const struct policy *p, const struct policy_rule *r,
				uint64_t x0)
{
	enum policy_filter_action a = r ? policy_rule_filter_action(r) : policy_default_action(p);
	uint32_t w0 = (uint32_t)x0;

	if (policy_fid_reserved(w0)) {
		printf("KVM:     handles it in the kernel: the Arm Architecture range is reserved by KVM\n"
		       "         and cannot be filtered; KVM reads W0 only%s\n",
		       x0 >> 32 ? ", so this X0 is treated as its low 32 bits" : "");
		return;
	}
	switch (a) {
	case POLICY_FILTER_HANDLE:
		printf("KVM:     handles it in the kernel (the VMM never sees it)\n");
		if (x0 >> 32)
			printf("warning: KVM reads W0 only: X0=0x%016" PRIx64 " is treated as 0x%08" PRIx32
			       " — the 32-bit rule cannot be enforced for this rule\n", x0, w0);
		break;
	case POLICY_FILTER_DENY:
		printf("KVM:     answers NOT_SUPPORTED (X0 = -1) without leaving the kernel\n");
		break;
	case POLICY_FILTER_FWD:
		printf("KVM:     forwards it to the VMM (KVM_EXIT_HYPERCALL)\n");
		break;
	}
}

static const char *const op_text[] = {
	[POLICY_OP_NONE] = "",
	[POLICY_OP_CPU_ON] = "the VMM starts the target vCPU at the entry point",
	[POLICY_OP_CPU_OFF] = "the VMM parks the calling vCPU",
	[POLICY_OP_SYSTEM_OFF] = "the VMM powers the guest off (exit status 0)",
	[POLICY_OP_SYSTEM_RESET] = "the VMM resets the guest (on_reset: exit with 0, or restart)",
	[POLICY_OP_SYSTEM_WARM_RESET] = "a warm reset, Linux's panic signal: exit status 3 "
					"with on_reset = exit, else restart",
};

static struct psci *make_psci(const struct policy *p, unsigned int cpus)
{
	uint64_t mpidr[EXPLAIN_MAX_CPUS];

	for (unsigned int i = 0; i < cpus; i++)
		mpidr[i] = MPIDR_RES1 | ((uint64_t)(i / 16) << 8) | (i % 16);
	return psci_new(p, cpus, mpidr, EXPLAIN_RAM_BASE, EXPLAIN_RAM_SIZE);
}

static int parse_args(int argc, char **argv, struct policy_call *c, unsigned int *cpus)
{
	uint64_t fid, v;
	bool have_x0 = false;

	if (argc < 2 || parse_u64(argv[1], &fid) || fid > UINT32_MAX) {
		fprintf(stderr, "vmm-policy explain: FID must be a 32-bit number, e.g. 0x84000000\n");
		return -1;
	}
	memset(c, 0, sizeof(*c));
	c->x[0] = fid;
	for (int i = 2; i < argc; i += 2) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val) {
			fprintf(stderr, "vmm-policy explain: %s needs a value\n", opt);
			return -1;
		}
		if (!strcmp(opt, "--conduit")) {
			if (strcmp(val, "hvc") && strcmp(val, "smc")) {
				fprintf(stderr, "vmm-policy explain: --conduit '%s': hvc or smc\n", val);
				return -1;
			}
			c->conduit = !strcmp(val, "smc") ? POLICY_CONDUIT_SMC : POLICY_CONDUIT_HVC;
			continue;
		}
		if (parse_u64(val, &v)) {
			fprintf(stderr, "vmm-policy explain: %s '%s': not a number\n", opt, val);
			return -1;
		}
		if (!strcmp(opt, "--cpus") && v >= 1 && v <= EXPLAIN_MAX_CPUS)
			*cpus = (unsigned int)v;
		else if (!strncmp(opt, "--x", 3) && opt[3] >= '0' && opt[3] <= '3' && !opt[4]) {
			c->x[opt[3] - '0'] = v;
			have_x0 |= opt[3] == '0';
		} else {
			fprintf(stderr, "vmm-policy explain: unknown option '%s'\n", opt);
			return -1;
		}
	}
	if (have_x0 && (uint32_t)c->x[0] != (uint32_t)fid) {
		fprintf(stderr, "vmm-policy explain: --x0 0x%" PRIx64 " does not carry FID 0x%08" PRIx64
			" in its low 32 bits\n", c->x[0], fid);
		return -1;
	}
	return 0;
}

int cmd_explain(int argc, char **argv)
{
	struct policy_call c;
	struct policy_result res;
	const struct policy_rule *rule;
	struct policy *p;
	struct psci *psci = NULL;
	unsigned int cpus = 1;
	char desc[160], act[96];

	if (argc < 2) {
		fprintf(stderr, "usage: vmm-policy explain FILE FID [--x0 X0] [--x1..--x3 V] "
				"[--conduit hvc|smc] [--cpus N]\n");
		return 2;
	}
	p = tool_load(argv[0]);
	if (!p)
		return 1;
	if (parse_args(argc, argv, &c, &cpus)) {
		policy_free(p);
		return 2;
	}
	smccc_describe((uint32_t)c.x[0], desc, sizeof(desc));
	printf("call:    %s X0=0x%016" PRIx64 " X1=0x%" PRIx64 " X2=0x%" PRIx64 " X3=0x%" PRIx64 "\n",
	       c.conduit == POLICY_CONDUIT_SMC ? "SMC" : "HVC", c.x[0], c.x[1], c.x[2], c.x[3]);
	printf("         W0=0x%08" PRIx32 ": %s\n", (uint32_t)c.x[0], desc);

	rule = policy_lookup(p, (uint32_t)c.x[0]);
	if (rule) {
		tool_rule_action(rule, act, sizeof(act));
		printf("rule:    '%s' at %s:%u, 0x%08" PRIx32 "-0x%08" PRIx32 ", %s\n",
		       policy_rule_name(rule), policy_source(p), policy_rule_line(rule),
		       policy_rule_first(rule), policy_rule_last(rule), act);
	} else {
		printf("rule:    none (the default: %s)\n",
		       policy_filter_action_name(policy_default_action(p)));
	}
	explain_kernel_side(p, rule, c.x[0]);

	if ((rule ? policy_rule_filter_action(rule) : policy_default_action(p)) == POLICY_FILTER_FWD) {
		if (policy_psci_in_user(p))
			psci = make_psci(p, cpus);
		policy_decide(p, psci, &c, &res);
		printf("verdict: %s: %s\n", policy_verdict_name(res.verdict), verdict_why(res.verdict));
		printf("returns: X0=0x%016" PRIx64 " (%" PRId64 ") X1=0x%" PRIx64 " X2=0x%" PRIx64
		       " X3=0x%" PRIx64 "\n", res.x[0], (int64_t)res.x[0], res.x[1], res.x[2], res.x[3]);
		if (res.op != POLICY_OP_NONE)
			printf("then:    %s\n", op_text[res.op]);
		if (psci)
			psci_free(psci);
	}
	policy_free(p);
	return 0;
}
