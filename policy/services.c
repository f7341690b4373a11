/*
 * The registry of SMCCC services: every action word a policy may use.  An
 * explicit list, in the order errors list them.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy-internal.h"

static const struct smccc_service *const services[] = {
	&fixed_kernel_service,
	&fixed_deny_service,
	&psci_service,
	&trng_service,
	&fixed_forward_deny_service,
	&fixed_return_service,
	&fixed_log_service,
};

#define NR_SERVICES (sizeof(services) / sizeof(services[0]))
_Static_assert(NR_SERVICES < TREE_MAX_ACTIONS,
	       "tree.c keeps an action entry a service beside the (service, argument) pairs");

size_t smccc_nr_services(void)
{
	return NR_SERVICES;
}

const struct smccc_service *smccc_service_at(size_t i)
{
	return i < NR_SERVICES ? services[i] : NULL;
}

const struct smccc_service *smccc_service_find(const char *name)
{
	for (size_t i = 0; i < NR_SERVICES; i++)
		if (!strcasecmp(services[i]->name, name))
			return services[i];
	return NULL;
}

const char *smccc_service_usages(void)
{
	static char list[256];

	if (!list[0]) {
		size_t n = 0;

		for (size_t i = 0; i < NR_SERVICES && n < sizeof(list); i++)
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
					      services[i]->usage);
	}
	return list;
}

bool smccc_service_covers(const struct smccc_service *s, uint32_t first, uint32_t last)
{
	if (!s->nr_ranges)
		return true;
	for (size_t i = 0; i < s->nr_ranges; i++)
		if (first >= s->ranges[i].first && last <= s->ranges[i].last)
			return true;
	return false;
}

/* ------------------------------------------------------------ decisions */

/* 0 and 1 come before any rule; services follow in registry order. */
#define DECISION_FIRST_SERVICE	2

unsigned policy_nr_decisions(void)
{
	return DECISION_FIRST_SERVICE + NR_SERVICES;
}

const char *policy_decision_name(unsigned decision)
{
	if (decision == policy_verdict_decision(POLICY_VERDICT_UPPER32))
		return "upper32";
	if (decision == policy_verdict_decision(POLICY_VERDICT_NO_RULE))
		return "no-rule";
	if (decision - DECISION_FIRST_SERVICE < NR_SERVICES)
		return services[decision - DECISION_FIRST_SERVICE]->decision;
	return "?";
}

unsigned policy_verdict_decision(enum policy_verdict v)
{
	return v == POLICY_VERDICT_UPPER32 ? 0 : 1;
}

unsigned smccc_service_decision(const struct smccc_service *s)
{
	for (size_t i = 0; i < NR_SERVICES; i++)
		if (services[i] == s)
			return DECISION_FIRST_SERVICE + (unsigned)i;
	return policy_verdict_decision(POLICY_VERDICT_NO_RULE);
}
