/*
 * What a forwarded SMCCC call gets back: the 32-bit rule, the rule lookup,
 * and the table of actions (name, parse, handle).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy-internal.h"
#include "smccc.h"

/* Results are written as KVM writes them: a signed code sign-extended into
 * the 64-bit register (NOT_SUPPORTED reads as 0xFFFFFFFFFFFFFFFF). */
static uint64_t ret_code(int code)
{
	return (uint64_t)(int64_t)code;
}

/* --------------------------------------------------------- action parsing */

static int parse_no_arg(struct policy_rule *r, const char *arg, char *why, size_t whylen)
{
	(void)r;
	if (*arg) {
		snprintf(why, whylen, "unexpected '%s' after the action name", arg);
		return -1;
	}
	return 0;
}

/* "return VALUE": decimal (optionally negative) or 0x hex, up to 64 bits. */
static int parse_return(struct policy_rule *r, const char *arg, char *why, size_t whylen)
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
	r->value = neg ? (uint64_t)0 - v : v;
	return 0;
bad:
	snprintf(why, whylen, "bad return value '%s' (decimal like -1, or hex like 0x1234)",
		 arg);
	return -1;
}

/* ------------------------------------------------------- action handlers */

static void handle_not_supported(const struct policy_rule *rule, struct psci *psci,
				 const struct policy_call *c, struct policy_result *r)
{
	(void)rule;
	(void)psci;
	(void)c;
	r->x[0] = ret_code(SMCCC_RET_NOT_SUPPORTED);
}

static void handle_return(const struct policy_rule *rule, struct psci *psci,
			  const struct policy_call *c, struct policy_result *r)
{
	(void)psci;
	(void)c;
	r->x[0] = rule->value;
}

static void handle_psci(const struct policy_rule *rule, struct psci *psci,
			const struct policy_call *c, struct policy_result *r)
{
	(void)rule;
	if (!psci) {
		r->x[0] = ret_code(PSCI_RET_NOT_SUPPORTED);
		return;
	}
	psci_handle(psci, c, r);
}

static const struct policy_handler handlers[] = {
	/* KVM answers; a forwarded call here means KVM and policy disagree. */
	{ "kernel",       POLICY_FILTER_HANDLE, POLICY_VERDICT_NOT_FORWARDED,
	  parse_no_arg, handle_not_supported },
	{ "deny",         POLICY_FILTER_DENY,   POLICY_VERDICT_NOT_FORWARDED,
	  parse_no_arg, handle_not_supported },
	/* Forwarded to the VMM. */
	{ "psci",         POLICY_FILTER_FWD,    POLICY_VERDICT_PSCI,
	  parse_no_arg, handle_psci },
	{ "forward-deny", POLICY_FILTER_FWD,    POLICY_VERDICT_DENY,
	  parse_no_arg, handle_not_supported },
	{ "return",       POLICY_FILTER_FWD,    POLICY_VERDICT_RETURN,
	  parse_return, handle_return },
	{ "log",          POLICY_FILTER_FWD,    POLICY_VERDICT_LOG,
	  parse_no_arg, handle_not_supported },
};

const struct policy_handler *policy_handler_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (!strcasecmp(handlers[i].name, name))
			return &handlers[i];
	return NULL;
}

const char *policy_handler_names(void)
{
	return "kernel, deny, psci, forward-deny, return VALUE, log";
}

/* ---------------------------------------------------------------- decide */

void policy_narrow_call(const struct policy_call *c, struct policy_call *out)
{
	size_t i;

	*out = *c;
	/* SMC32/HVC32 (DEN 0028 2.6): arguments are W1..W7 (W17 for v1.2+),
	 * the upper halves of X1..X17 are ignored. */
	if (!((uint32_t)c->x[0] & SMCCC_SMC64))
		for (i = 1; i < sizeof(out->x) / sizeof(out->x[0]); i++)
			out->x[i] &= 0xFFFFFFFFULL;
}

void policy_decide(const struct policy *p, struct psci *psci, const struct policy_call *c,
		   struct policy_result *r)
{
	const struct policy_rule *rule;
	struct policy_call nc;

	memset(r, 0, sizeof(*r));
	r->op = POLICY_OP_NONE;

	/* (1) The 32-bit rule: the function ID is W0 and X0[63:32] must be
	 * zero (DEN 0028 2.5).  KVM's own lookup truncates X0 to W0, so
	 * without this 0x1_84000000 would alias PSCI_VERSION. */
	if (c->x[0] >> 32) {
		r->x[0] = ret_code(SMCCC_RET_NOT_SUPPORTED);
		r->verdict = POLICY_VERDICT_UPPER32;
		return;
	}
	/* (2) The rule; nothing named means the default deny. */
	rule = policy_lookup(p, (uint32_t)c->x[0]);
	if (!rule) {
		r->x[0] = ret_code(SMCCC_RET_NOT_SUPPORTED);
		r->verdict = POLICY_VERDICT_NO_RULE;
		return;
	}
	/* (3) Its handler, on narrowed arguments. */
	policy_narrow_call(c, &nc);
	rule->handler->handle(rule, psci, &nc, r);
	r->verdict = rule->handler->verdict;
	r->rule = rule;
}

const char *policy_verdict_name(enum policy_verdict v)
{
	switch (v) {
	case POLICY_VERDICT_UPPER32:		return "upper32";
	case POLICY_VERDICT_NO_RULE:		return "no-rule";
	case POLICY_VERDICT_DENY:		return "deny";
	case POLICY_VERDICT_LOG:		return "log";
	case POLICY_VERDICT_RETURN:		return "return";
	case POLICY_VERDICT_PSCI:		return "psci";
	case POLICY_VERDICT_NOT_FORWARDED:	return "not-forwarded";
	}
	return "?";
}
