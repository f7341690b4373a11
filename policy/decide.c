/*
 * What a forwarded SMCCC call gets back: the 32-bit rule, the rule lookup,
 * then the rule's service (service.h).
 */
#include <string.h>

#include "policy-internal.h"
#include "smccc.h"

#define SMCCC_MAX_ARGS	17	/* X1..X17 (DEN 0028 2.6, SMCCC v1.2) */

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

void policy_route(const struct policy *p, uint64_t x0, struct policy_route *rt)
{
	const struct smccc_service *s;
	size_t i;

	memset(rt, 0, sizeof(*rt));
	/* (1) The 32-bit rule: the function ID is W0 and X0[63:32] must be
	 * zero (DEN 0028 2.5).  KVM's own lookup truncates X0 to W0, so
	 * without this 0x1_84000000 would alias PSCI_VERSION. */
	if (x0 >> 32) {
		rt->verdict = POLICY_VERDICT_UPPER32;
		return;
	}
	/* (2) The rule; nothing named means the default deny.  Everything
	 * from here on reads the piece's slot and action (tree.c), not the
	 * rule: rt->rule is only an address. */
	i = tree_find_piece(&p->tree, (uint32_t)x0);
	if (i == TREE_NONE) {
		rt->verdict = POLICY_VERDICT_NO_RULE;
		return;
	}
	rt->rule = &p->rules[tree_slot(&p->tree, i)->rule];
	rt->piece = &p->pieces[i];
	rt->verdict = POLICY_VERDICT_SERVICE;
	s = p->tree.actions[p->tree.action[i]].service;
	if (s->nr_args) {
		rt->nr_args = s->nr_args((uint32_t)x0);
		if (rt->nr_args > SMCCC_MAX_ARGS)
			rt->nr_args = SMCCC_MAX_ARGS;
	}
	rt->nr_answer_args = s->args_recorded_only ? 0 : rt->nr_args;
}

void policy_answer(const struct policy *p, const struct policy_route *rt,
		   const struct smccc_platform *plat, const struct policy_call *c,
		   struct policy_result *r)
{
	const struct smccc_service *s;
	struct policy_call nc;
	unsigned decision;
	uint64_t arg;

	memset(r, 0, sizeof(*r));
	r->nr_ret = 1;
	r->nr_args = rt->nr_args;
	r->rule = rt->rule;
	if (rt->verdict != POLICY_VERDICT_SERVICE) {
		r->x[0] = smccc_ret(SMCCC_RET_NOT_SUPPORTED);
		r->decision = policy_verdict_decision(rt->verdict);
		return;
	}
	/* (3) The service, on narrowed arguments.  It sees only the arguments
	 * it declared, whatever the caller read: what the VMM reads from the
	 * vCPU and what tests pass in then cannot answer differently. */
	if (rt->piece) {
		/* the piece's action, which policy_route() just read: no
		 * cache miss on the rule */
		size_t i = (size_t)(rt->piece - p->pieces);
		const struct tree_action *a = &p->tree.actions[p->tree.action[i]];

		s = a->service;
		arg = tree_arg(&p->tree, i);
		decision = a->decision;
	} else {
		s = rt->rule->service;
		arg = rt->rule->arg;
		decision = rt->rule->decision;
	}
	r->decision = decision;
	r->log = s->logs_calls;
	policy_narrow_call(c, &nc);
	memset(&nc.x[1 + rt->nr_args], 0, (SMCCC_MAX_ARGS - rt->nr_args) * sizeof(nc.x[0]));
	s->answer(p, arg, plat, &nc, r);
}

void policy_decide(const struct policy *p, const struct smccc_platform *plat,
		   const struct policy_call *c, struct policy_result *r)
{
	struct policy_route rt;

	policy_route(p, c->x[0], &rt);
	policy_answer(p, &rt, plat, c, r);
}
