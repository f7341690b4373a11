/*
 * libFuzzer harness: the call decision on random registers and conduit,
 * against a random valid policy built from the input.  Invariants:
 * - an X0 with non-zero upper 32 bits always gets NOT_SUPPORTED, nothing else;
 * - a rule in the result covers W0; CPU_ON targets a real vCPU, inside RAM;
 * - SMC32 calls ignore the upper halves of X1..X17.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "psci.h"
#include "smccc.h"

#define NR_CPUS		4
#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	(256ULL << 20)
#define MAX_RULES	6

static const char *const actions[] = {
	"kernel", "deny", "forward-deny", "log", "return 0x1234", "return -3",
};

/* Rules from the input: each takes 6 bytes (base, count, action). */
static struct policy *make_policy(const uint8_t **data, size_t *size)
{
	char text[2048], err[256];
	int n = 0, len;
	struct policy *p;
	uint8_t nrules;

	if (*size < 1)
		return NULL;
	nrules = (*data)[0] % (MAX_RULES + 1);
	(*data)++, (*size)--;
	static const char base_text[] =
		"[policy]\npsci_version = 1.1\npsci_functions = migrate_info_type, system_reset2\n"
		"[rule psci32]\nrange = 0x84000000-0x8400001F\naction = psci\n"
		"[rule psci64]\nrange = 0xC4000000-0xC400001F\naction = psci\n";

	len = snprintf(text, sizeof(text), "%s", base_text);
	while (n < nrules && *size >= 6) {
		const uint8_t *d = *data;
		uint32_t base = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8;
		uint32_t count = 1 + ((uint32_t)d[3] << 8 | d[4]);

		len += snprintf(text + len, sizeof(text) - len,
				"[rule r%d]\nbase = 0x%x\ncount = %u\naction = %s\n", n, base,
				count, actions[d[5] % (sizeof(actions) / sizeof(actions[0]))]);
		*data += 6, *size -= 6;
		n++;
	}
	p = policy_load_string(text, "fuzz", err, sizeof(err));
	if (!p)	/* overlapping, wrapping or reserved draws: PSCI rules only */
		p = policy_load_string(base_text, "fuzz", err, sizeof(err));
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t mpidr[NR_CPUS] = { 0x80000000, 0x80000001, 0x80000002, 0x80000003 };
	struct policy_call c, narrow;
	struct policy_result r, rn;
	struct policy *p = make_policy(&data, &size);
	struct psci *s;

	if (!p)
		return 0;
	s = psci_new(p, NR_CPUS, mpidr, RAM_BASE, RAM_SIZE);
	if (!s)
		abort();
	/* Several calls per input, so PSCI state changes get exercised too. */
	while (size >= 1 + 8 * 4) {
		memset(&c, 0, sizeof(c));
		c.conduit = data[0] & 1 ? POLICY_CONDUIT_SMC : POLICY_CONDUIT_HVC;
		c.vcpu = (data[0] >> 1) % NR_CPUS;
		for (int i = 0; i < 4; i++)
			memcpy(&c.x[i], data + 1 + 8 * i, 8);
		/* Bias X0 towards the interesting IDs: PSCI and the fuzzed rules. */
		if (data[0] & 0x80)
			c.x[0] = (c.x[0] & 0xFFFFFFFF00000000ULL) | 0x84000000U | (c.x[0] & 0x4000001F);
		data += 1 + 8 * 4, size -= 1 + 8 * 4;

		policy_decide(p, s, &c, &r);
		if (c.x[0] >> 32) {
			if (r.x[0] != (uint64_t)SMCCC_RET_NOT_SUPPORTED || r.verdict != POLICY_VERDICT_UPPER32 ||
			    r.op != POLICY_OP_NONE)
				abort();
			continue;
		}
		if (r.rule && (policy_rule_first(r.rule) > (uint32_t)c.x[0] ||
			       policy_rule_last(r.rule) < (uint32_t)c.x[0]))
			abort();
		if (r.op == POLICY_OP_CPU_ON) {
			if (r.target >= NR_CPUS || r.entry < RAM_BASE || r.entry >= RAM_BASE + RAM_SIZE)
				abort();
			psci_cpu_started(s, r.target);
		}
		/* SMC32: the same call with the upper halves of X1..X3 cleared
		 * must decide the same (on a fresh PSCI state: skip stateful ops). */
		if (!SMCCC_IS_64((uint32_t)c.x[0]) && r.op == POLICY_OP_NONE) {
			narrow = c;
			for (int i = 1; i < 4; i++)
				narrow.x[i] &= 0xFFFFFFFFULL;
			policy_decide(p, s, &narrow, &rn);
			if (rn.x[0] != r.x[0] || rn.verdict != r.verdict)
				abort();
		}
	}
	psci_free(s);
	policy_free(p);
	return 0;
}
