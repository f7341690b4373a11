/*
 * What happened to forwarded calls: a debug log line each (-v), counters per
 * verdict for the summary on exit and on SIGUSR1.  Bounded: counters only.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "../policy/policy.h"
#include "audit.h"
#include "util.h"

#define NR_VERDICTS (POLICY_VERDICT_NOT_FORWARDED + 1)

struct audit {
	const struct policy *policy;
	atomic_ulong verdicts[NR_VERDICTS];
};

struct audit *audit__create(const struct policy *p, const char *path)
{
	struct audit *a = calloc(1, sizeof(*a));

	(void)path;
	if (!a)
		die("audit: out of memory");
	a->policy = p;
	return a;
}

void audit__call(struct audit *a, const struct policy_call *c, const struct policy_result *r)
{
	if ((unsigned int)r->verdict < NR_VERDICTS)
		atomic_fetch_add_explicit(&a->verdicts[r->verdict], 1, memory_order_relaxed);
	pr_debug("vCPU %u: %s x0=0x%llx x1=0x%llx x2=0x%llx x3=0x%llx -> %s%s%s x0=0x%llx",
		 c->vcpu, c->conduit == POLICY_CONDUIT_SMC ? "SMC" : "HVC",
		 (unsigned long long)c->x[0], (unsigned long long)c->x[1],
		 (unsigned long long)c->x[2], (unsigned long long)c->x[3],
		 policy_verdict_name(r->verdict), r->rule ? " rule " : "",
		 r->rule ? policy_rule_name(r->rule) : "", (unsigned long long)r->x[0]);
}

void audit__summary(struct audit *a)
{
	char line[256];
	int n = 0;

	for (unsigned int v = 0; v < NR_VERDICTS; v++) {
		unsigned long k = atomic_load(&a->verdicts[v]);

		if (k)
			n += snprintf(line + n, sizeof(line) - n, " %s=%lu",
				      policy_verdict_name(v), k);
	}
	if (n)
		pr_info("forwarded SMCCC calls:%s", line);
}
