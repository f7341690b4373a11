/*
 * libFuzzer harness: one audit-trail line (vmm-policy/record.c, yajl's tree
 * parser) and its replay under a fixed policy on the simulated machine
 * (vmm-policy/sim.c).  Must never crash or leak; a record it accepts is
 * consistent (arguments X1..Xn without gaps, a known decision, a vCPU in
 * range), and a refused one says why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../policy/policy.h"
#include "../../vmm-policy/record.h"
#include "../../vmm-policy/sim.h"

static const char policy_text[] =
	"[policy]\npsci_functions = migrate_info_type, system_reset2\n"
	"[rule psci32]\nrange = 0x84000000-0x8400001F\naction = psci\n"
	"[rule psci64]\nrange = 0xC4000000-0xC400001F\naction = psci\n"
	"[rule trng]\nrange = 0x84000050-0x8400005F\naction = trng\n"
	"[rule sip]\nrange = 0x82000000-0x8200FFFF\naction = log\n"
	"[rule fixed]\nrange = 0x82000010\naction = return 0x1234\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct policy *p;
	struct audit_record rec;
	struct policy_result res;
	struct policy_route rt;
	char why[256] = "", *text;
	const char *reason;
	struct sim *sim;
	bool is_call;

	if (!p && !(p = policy_load_string(policy_text, "fuzz", why, sizeof(why))))
		abort();
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	if (record_parse(text, &rec, &is_call, why, sizeof(why))) {
		if (!why[0] || is_call)
			abort();
		free(text);
		return 0;
	}
	free(text);
	if (!is_call)
		return 0;
	if (rec.nr_args > 17 || rec.decision >= policy_nr_decisions() || rec.call.vcpu > 4095)
		abort();
	for (unsigned i = rec.nr_args + 1; i < 18; i++)
		if (rec.call.x[i])
			abort();	/* only what was recorded */

	sim = sim_new(4, 0x40000000, 256 << 20);
	if (!sim)
		abort();
	if (sim_before(sim, &rec, &reason)) {
		policy_route(p, rec.call.x[0], &rt);
		if (rt.nr_answer_args <= rec.nr_args) {
			policy_answer(p, &rt, sim_platform(sim), &rec.call, &res);
			if (res.nr_ret > 4)
				abort();
			sim_after(sim, &rec, rt.rule && rt.rule == res.rule, res.nr_ret > 0,
				  res.x[0]);
		}
	} else if (!reason || !*reason) {
		abort();
	}
	sim_free(sim);
	return 0;
}
