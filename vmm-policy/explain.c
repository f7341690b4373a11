/* vmm-policy explain: which rule decides a call, what comes back, and why. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "../policy/describe.h"
#include "../policy/kvm-handlers.h"
#include "../policy/number.h"
#include "../policy/policy.h"
#include "../policy/service.h"
#include "../policy/smccc.h"
#include "vmm-policy.h"

static const char *verdict_why(const struct policy_result *r)
{
	if (r->decision == policy_verdict_decision(POLICY_VERDICT_UPPER32))
		return "X0 has non-zero upper 32 bits: not a valid SMCCC function ID "
		       "(Arm DEN 0028, 2.5: the ID is W0), so NOT_SUPPORTED whatever W0 names";
	if (!r->rule)
		return "no rule names this function ID: the default, NOT_SUPPORTED";
	if (policy_rule_filter_action(r->rule) != POLICY_FILTER_FWD)
		return "the rule leaves this call to KVM: the VMM would not see it";
	return smccc_service_find(policy_rule_action_name(r->rule))->summary;
}

static void explain_kernel_side(const struct policy *p, uint64_t x0)
{
	uint32_t w0 = (uint32_t)x0;
	const char *handler = kvm_handler_find(w0, policy_psci_version(p));

	if (policy_fid_reserved(w0)) {
		printf("KVM:     handles it in the kernel: the Arm Architecture range is reserved by KVM\n"
		       "         and cannot be filtered; KVM reads W0 only%s\n",
		       x0 >> 32 ? ", so this X0 is treated as its low 32 bits" : "");
		return;
	}
	switch (policy_kvm_action(p, w0)) {
	case POLICY_FILTER_HANDLE:
		if (handler)
			printf("KVM:     handles it in the kernel with %s (the VMM never sees it)\n",
			       handler);
		else
			printf("KVM:     handles it in the kernel, but has no handler for this function "
			       "(Linux 6.12,\n         arch/arm64/kvm/hypercalls.c): it answers "
			       "NOT_SUPPORTED (-1), as deny would\n");
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

/* Why the psci service answers NOT_SUPPORTED for a PSCI function. */
static void explain_psci_offer(const struct policy *p, uint32_t fid)
{
	struct policy_psci_offer o;
	const char *name = smccc_fid_name(fid);

	policy_psci_offer(p, fid, &o);
	if (!name)
		name = "this ID";
	switch (o.kind) {
	case POLICY_PSCI_OFFERED:
	case POLICY_PSCI_NOT_ROUTED:
		break;
	case POLICY_PSCI_NOT_A_FUNCTION:
		printf("why:     no PSCI function has this ID%s\n",
		       fid & SMCCC_SMC64 ? " (or it has no SMC64 variant)" : "");
		break;
	case POLICY_PSCI_NOT_EMULATED:
		printf("why:     %s (%s) is not implemented by this VMM\n", name, o.name);
		break;
	case POLICY_PSCI_NEWER:
		printf("why:     %s (%s) is not in PSCI %s: it needs PSCI %s (psci_version)\n", name,
		       o.name, tool_psci_version_name(policy_psci_version(p)),
		       tool_psci_version_name(o.since));
		break;
	case POLICY_PSCI_NOT_LISTED:
		if (o.functions_line)
			printf("why:     %s is optional and not in psci_functions (%s:%u): add %s "
			       "there to offer it\n", name, policy_source(p), o.functions_line, o.name);
		else
			printf("why:     %s is optional and the policy has no psci_functions: add "
			       "psci_functions = %s to [policy] to offer it\n", name, o.name);
		break;
	}
}

/*
 * The platform as the VMM has it at boot (vCPU 0 on, the others off), but
 * effects are only described: what the call would make the VMM do.
 */
struct explain_platform {
	char then[256];
};

static void say(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(void *ctx, const char *fmt, ...)
{
	struct explain_platform *e = ctx;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->then, sizeof(e->then), fmt, ap);
	va_end(ap);
}

static int ex_cpu_on(void *ctx, unsigned int target, uint64_t entry, uint64_t context_id)
{
	if (target == 0)
		return -EALREADY;
	say(ctx, "the VMM starts vCPU %u at 0x%" PRIx64 " with X0 = 0x%" PRIx64
	    " (it counts as on from now)", target, entry, context_id);
	return 0;
}

static void ex_cpu_off(void *ctx, unsigned int self)
{
	say(ctx, "the VMM powers vCPU %u off: the call does not return", self);
}

static bool ex_cpu_is_on(void *ctx, unsigned int cpu)
{
	(void)ctx;
	return cpu == 0;
}

static void ex_system_off(void *ctx)
{
	say(ctx, "the VMM powers the guest off (exit status 0): the call does not return");
}

static void ex_system_reset(void *ctx, enum smccc_reset_kind kind)
{
	if (kind == SMCCC_RESET_WARM)
		say(ctx, "a warm reset, Linux's panic signal: exit status 3 with on_reset = exit, "
		    "else restart");
	else
		say(ctx, "the VMM resets the guest (on_reset: exit with 0, or restart)");
}

static int ex_entropy(void *ctx, void *buf, size_t len)
{
	ssize_t n = getrandom(buf, len, 0);

	say(ctx, "entropy from getrandom(2): other bits every call");
	return n == (ssize_t)len ? 0 : -EIO;
}

static const struct smccc_platform_ops explain_ops = {
	.cpu_on = ex_cpu_on,
	.cpu_off = ex_cpu_off,
	.cpu_is_on = ex_cpu_is_on,
	.system_off = ex_system_off,
	.system_reset = ex_system_reset,
	.entropy = ex_entropy,
};

/* The registers the VMM writes back (the others keep the guest's values),
 * and how many it reads: each is one ioctl. */
static void print_result(const struct policy_result *r)
{
	printf("returns:");
	if (!r->nr_ret)
		printf(" nothing: the call does not return");
	for (unsigned int i = 0; i < r->nr_ret; i++) {
		printf(" X%u=0x%016" PRIx64, i, r->x[i]);
		if (i == 0)
			printf(" (%" PRId64 ")", (int64_t)r->x[0]);
	}
	printf("\nregs:    reads X0");
	if (r->nr_args)
		printf("..X%u", r->nr_args);
	printf(", writes %s", r->nr_ret ? "X0" : "nothing");
	if (r->nr_ret > 1)
		printf("..X%u", r->nr_ret - 1);
	printf(" (one KVM ONE_REG ioctl each)\n");
	if (r->log)
		printf("log:     one line on stderr per call (rate-limited), with X1..X3\n");
}

/* Options after FILE FID.  conduit stays as the policy says unless
 * --conduit overrides it. */
static int parse_args(int argc, char **argv, struct policy_call *c, unsigned int *cpus)
{
	const char *why;
	uint64_t fid, v;
	bool have_x0 = false;

	if (argc < 2 || number_parse_unsigned(argv[1], UINT32_MAX, &fid, &why)) {
		fprintf(stderr, "vmm-policy explain: FID must be a 32-bit number, e.g. 0x84000000\n");
		return -1;
	}
	c->x[0] = fid;
	for (int i = 2; i < argc; i += 2) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val) {
			fprintf(stderr, "vmm-policy explain: %s needs a value\n", opt);
			return -1;
		}
		if (!strcmp(opt, "--conduit")) {
			if (strcasecmp(val, "hvc") && strcasecmp(val, "smc")) {
				fprintf(stderr, "vmm-policy explain: --conduit '%s': hvc or smc\n", val);
				return -1;
			}
			c->conduit = !strcasecmp(val, "smc") ? POLICY_CONDUIT_SMC : POLICY_CONDUIT_HVC;
		} else if (!strcmp(opt, "--cpus")) {
			if (tool_number("explain", "--cpus", val, 1, TOOL_MAX_CPUS, &v))
				return -1;
			*cpus = (unsigned int)v;
		} else if (!strncmp(opt, "--x", 3) && opt[3] >= '0' && opt[3] <= '3' && !opt[4]) {
			if (number_parse_signed(val, &v, &why)) {
				fprintf(stderr, "vmm-policy explain: %s '%s': %s\n", opt, val, why);
				return -1;
			}
			c->x[opt[3] - '0'] = v;
			have_x0 |= opt[3] == '0';
		} else {
			fprintf(stderr, "vmm-policy explain: unknown option '%s' (expected --x0..--x3, "
				"--conduit, --cpus)\n", opt);
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

static void print_rule(const struct policy *p, const struct policy_rule *rule)
{
	const struct policy_rule *up = policy_rule_parent(rule);
	char act[96], range[32];

	tool_rule_action(rule, act, sizeof(act));
	tool_range(policy_rule_first(rule), policy_rule_last(rule), range, sizeof(range));
	printf("rule:    '%s' at %s:%u, %s, %s\n", policy_rule_name(rule), policy_source(p),
	       policy_rule_line(rule), range, act);
	if (up) {
		tool_rule_action(up, act, sizeof(act));
		tool_range(policy_rule_first(up), policy_rule_last(up), range, sizeof(range));
		printf("         inside '%s' at %s:%u, %s, %s: the inner rule decides\n",
		       policy_rule_name(up), policy_source(p), policy_rule_line(up), range, act);
	}
}

int cmd_explain(int argc, char **argv)
{
	struct policy_call c;
	struct policy_result res;
	const struct policy_rule *rule;
	struct policy *p;
	unsigned int cpus = 1;
	char desc[160], def[48];

	if (argc < 2) {
		fprintf(stderr, "usage: vmm-policy explain FILE FID [--x0 X0] [--x1..--x3 V] "
				"[--conduit hvc|smc] [--cpus N]\n");
		return 2;
	}
	p = tool_load(argv[0]);
	if (!p)
		return 1;
	memset(&c, 0, sizeof(c));
	c.conduit = policy_conduit(p);
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
		print_rule(p, rule);
	} else {
		tool_default_action(p, def, sizeof(def));
		printf("rule:    none (the default: %s)\n", def);
	}
	explain_kernel_side(p, c.x[0]);

	if (policy_kvm_action(p, (uint32_t)c.x[0]) == POLICY_FILTER_FWD) {
		struct explain_platform ex = { "" };
		uint64_t mpidr[TOOL_MAX_CPUS];
		struct smccc_platform plat = {
			.ops = &explain_ops, .ctx = &ex, .nr_cpus = cpus, .mpidr = mpidr,
			.ram_base = TOOL_RAM_BASE, .ram_size = TOOL_RAM_SIZE,
		};

		for (unsigned int i = 0; i < cpus; i++)
			mpidr[i] = tool_mpidr(i);
		policy_decide(p, &plat, &c, &res);
		printf("verdict: %s: %s\n", policy_decision_name(res.decision), verdict_why(&res));
		if (res.rule && !(c.x[0] >> 32) && !strcmp(policy_rule_action_name(res.rule), "psci") &&
		    !policy_psci_offered(p, (uint32_t)c.x[0]))
			explain_psci_offer(p, (uint32_t)c.x[0]);
		print_result(&res);
		if (ex.then[0])
			printf("then:    %s\n", ex.then);
	}
	policy_free(p);
	return 0;
}
