/*
 * Services with a fixed answer: the two that leave the call in KVM (kernel,
 * deny), and the forwarded ones that answer without looking at the call
 * (forward-deny, return VALUE, log).
 */
#include <stdio.h>

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

/* log reports X1..X3 with the call (-v, --audit): what a denied SiP or OEM
 * call was trying to do is the point of logging it. */
static unsigned int log_nr_args(uint32_t fid)
{
	(void)fid;
	return 3;
}

/* "return VALUE": decimal (optionally negative) or 0x hex, up to 64 bits. */
static int parse_return(const char *arg, uint64_t *out, char *why, size_t whylen)
{
	const char *s = arg;
	bool neg = false, hex = false;
	uint64_t v = 0, max;

	if (!*s) {
		snprintf(why, whylen, "return needs a value, e.g. 'return 0' or 'return -1'");
		return -1;
	}
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		hex = true;
		s += 2;
	}
	max = neg ? (uint64_t)1 << 63 : UINT64_MAX;
	if (!*s)
		goto bad;
	for (; *s; s++) {
		unsigned d, base = hex ? 16 : 10;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (hex && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (hex && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			goto bad;
		if (v > (max - d) / base) {
			snprintf(why, whylen, "return value '%s' does not fit in 64 bits", arg);
			return -1;
		}
		v = v * base + d;
	}
	*out = neg ? (uint64_t)0 - v : v;
	return 0;
bad:
	snprintf(why, whylen, "bad return value '%s' (decimal like -1, or hex like 0x1234)",
		 arg);
	return -1;
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
	.summary = "the VMM records the call with X1..X3 and answers NOT_SUPPORTED",
	.filter = POLICY_FILTER_FWD,
	.nr_args = log_nr_args,
	.answer = answer_not_supported,
};
