/*
 * Services with a fixed answer: the two that leave the call in KVM (kernel,
 * deny), and the forwarded ones that answer without looking at the call
 * (forward-deny, return VALUE, log).
 */
#include <errno.h>
#include <stdio.h>

#include "number.h"
#include "policy-internal.h"
#include "smccc.h"

/* A forwarded call under kernel/deny means KVM and the policy disagree:
 * refuse it rather than guess. */
static void answer_not_supported(const struct policy *p, uint64_t arg,
				 const struct smccc_platform *plat, const struct policy_call *c,
				 struct policy_result *r)
{
	(void)p;
	(void)arg;
	(void)plat;
	(void)c;
	r->x[0] = smccc_ret(SMCCC_RET_NOT_SUPPORTED);
}

static void answer_return(const struct policy *p, uint64_t arg,
			  const struct smccc_platform *plat, const struct policy_call *c,
			  struct policy_result *r)
{
	(void)p;
	(void)plat;
	(void)c;
	r->x[0] = arg;
}

/* log reports X1..X3 with the call: what a denied SiP or OEM call was
 * trying to do is the point of logging it. */
static unsigned int log_nr_args(uint32_t fid)
{
	(void)fid;
	return 3;
}

/* "return VALUE": number.h's syntax, negative allowed, up to 64 bits. */
static int parse_return(const char *arg, uint64_t *out, char *why, size_t whylen)
{
	const char *reason;
	int r;

	if (!*arg) {
		snprintf(why, whylen, "return needs a value, e.g. 'return 0' or 'return -1'");
		return -1;
	}
	r = number_parse_signed(arg, out, &reason);
	if (r == -ERANGE)
		snprintf(why, whylen, "return value '%s' does not fit in 64 bits", arg);
	else if (r)
		snprintf(why, whylen, "bad return value '%s': %s (decimal like -1, or hex like "
			 "0x1234)", arg, reason);
	return r ? -1 : 0;
}

/* An SMC32/HVC32 caller reads W0 only (DEN 0028 2.6): the value must be a
 * 32-bit pattern or a sign-extended negative 32-bit number. */
static int check_return(uint32_t first, uint32_t last, uint64_t value, char *why,
			size_t whylen)
{
	if (!policy_range_has_32bit(first, last) || value <= 0xFFFFFFFFULL ||
	    ((int64_t)value < 0 && (int64_t)value >= INT32_MIN))
		return 0;
	snprintf(why, whylen, "return value does not fit in W0 for the SMC32/HVC32 IDs of the range");
	return -1;
}

const struct smccc_service fixed_kernel_service = {
	.name = "kernel",
	.usage = "kernel",
	.decision = "not-forwarded",
	.summary = "KVM answers in the kernel, on W0 only",
	.filter = POLICY_FILTER_HANDLE,
	.answer = answer_not_supported,
};

const struct smccc_service fixed_deny_service = {
	.name = "deny",
	.usage = "deny",
	.decision = "not-forwarded",
	.summary = "KVM answers NOT_SUPPORTED in the kernel",
	.filter = POLICY_FILTER_DENY,
	.answer = answer_not_supported,
};

const struct smccc_service fixed_forward_deny_service = {
	.name = "forward-deny",
	.usage = "forward-deny",
	.decision = "deny",
	.summary = "the VMM answers NOT_SUPPORTED",
	.filter = POLICY_FILTER_FWD,
	.answer = answer_not_supported,
};

const struct smccc_service fixed_return_service = {
	.name = "return",
	.usage = "return VALUE",
	.decision = "return",
	.summary = "the VMM answers X0 = VALUE",
	.filter = POLICY_FILTER_FWD,
	.parse = parse_return,
	.check = check_return,
	.answer = answer_return,
};

const struct smccc_service fixed_log_service = {
	.name = "log",
	.usage = "log",
	.decision = "log",
	.summary = "the VMM logs the call with X1..X3 and answers NOT_SUPPORTED",
	.filter = POLICY_FILTER_FWD,
	.nr_args = log_nr_args,
	.args_recorded_only = true,
	.logs_calls = true,
	.answer = answer_not_supported,
};
