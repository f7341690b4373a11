/*
 * libFuzzer harness: the call decision on random registers and conduit,
 * against a random valid policy built from the input.  Invariants:
 * - an X0 with non-zero upper 32 bits always gets NOT_SUPPORTED, reads no
 *   argument and has no effect;
 * - the rule in the result is the innermost rule holding W0, by a linear
 *   scan of the rules (none: no rule holds it); CPU_ON targets a real vCPU,
 *   inside RAM;
 * - an answer depends only on the arguments its route declares (the VMM
 *   reads no others), and SMC32 calls ignore the upper halves of X1..X17;
 * - results fit: 0..4 registers written, 0..17 read.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "../unit/policy-ref.h"
#include "service.h"
#include "smccc.h"

#define NR_CPUS		4
#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	(256ULL << 20)
#define MAX_RULES	6

static const char *const actions[] = {
	"kernel", "deny", "forward-deny", "log", "return 0x1234", "return -3", "trng",
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
		"[rule psci64]\nrange = 0xC4000000-0xC400001F\naction = psci\n"
		"[rule trng32]\nrange = 0x84000050-0x8400005F\naction = trng\n";

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

/* The platform: power state for NR_CPUS vCPUs, and every effect counted and
 * checked against what the caller may ask for. */
static bool cpu_on_state[NR_CPUS];
static unsigned effects;

static int f_cpu_on(void *ctx, unsigned int target, uint64_t entry, uint64_t context_id)
{
	(void)ctx;
	(void)context_id;
	if (target >= NR_CPUS || entry < RAM_BASE || entry >= RAM_BASE + RAM_SIZE)
		abort();
	if (cpu_on_state[target])
		return -EALREADY;
	cpu_on_state[target] = true;
	effects++;
	return 0;
}

static void f_cpu_off(void *ctx, unsigned int self)
{
	(void)ctx;
	if (self >= NR_CPUS)
		abort();
	cpu_on_state[self] = false;
	effects++;
}

static bool f_cpu_is_on(void *ctx, unsigned int cpu)
{
	(void)ctx;
	if (cpu >= NR_CPUS)
		abort();
	return cpu_on_state[cpu];
}

static void f_system_off(void *ctx)
{
	(void)ctx;
	effects++;
}

static void f_system_reset(void *ctx, enum smccc_reset_kind kind)
{
	(void)ctx;
	(void)kind;
	effects++;
}

static int f_entropy(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	if (len > 24)	/* TRNG_RND64's 192 bits at most */
		abort();
	memset(buf, 0x5A, len);
	return 0;
}

static const struct smccc_platform_ops ops = {
	f_cpu_on, f_cpu_off, f_cpu_is_on, f_system_off, f_system_reset, f_entropy,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t mpidr[NR_CPUS] = { 0x80000000, 0x80000001, 0x80000002, 0x80000003 };
	const struct smccc_platform plat = {
		.ops = &ops, .nr_cpus = NR_CPUS, .mpidr = mpidr,
		.ram_base = RAM_BASE, .ram_size = RAM_SIZE,
	};
	struct policy_call c, other;
	struct policy_result r, ro;
	struct policy *p = make_policy(&data, &size);

	if (!p)
		return 0;
	memset(cpu_on_state, 0, sizeof(cpu_on_state));
	cpu_on_state[0] = true;
	/* Several calls per input, so power state changes get exercised too. */
	while (size >= 1 + 8 * 4) {
		unsigned before = effects;

		memset(&c, 0, sizeof(c));
		c.conduit = data[0] & 1 ? POLICY_CONDUIT_SMC : POLICY_CONDUIT_HVC;
		c.vcpu = (data[0] >> 1) % NR_CPUS;
		for (int i = 0; i < 4; i++)
			memcpy(&c.x[i], data + 1 + 8 * i, 8);
		/* Bias X0 towards the interesting IDs: PSCI, TRNG and the rules. */
		if (data[0] & 0x80)
			c.x[0] = (c.x[0] & 0xFFFFFFFF00000000ULL) | 0x84000000U |
				 (c.x[0] & (data[0] & 0x40 ? 0x4000001F : 0x4000005F));
		for (int i = 4; i < 18; i++)
			c.x[i] = c.x[i % 4] * 0x9E3779B97F4A7C15ULL;
		data += 1 + 8 * 4, size -= 1 + 8 * 4;

		policy_decide(p, &plat, &c, &r);
		if (r.nr_ret > 4 || r.nr_args > 17)
			abort();
		if (c.x[0] >> 32) {
			if (r.x[0] != (uint64_t)SMCCC_RET_NOT_SUPPORTED || r.nr_ret != 1 ||
			    r.nr_args || effects != before ||
			    strcmp(policy_decision_name(r.decision), "upper32"))
				abort();
			continue;
		}
		if (r.rule != policy_ref_lookup(p, (uint32_t)c.x[0]))
			abort();
		if (effects != before)
			continue;	/* the same call again would meet another state */
		/* The registers the route does not declare, scrambled; and for
		 * SMC32, the upper halves cleared: the same answer. */
		other = c;
		for (unsigned i = 1 + r.nr_args; i < 18; i++)
			other.x[i] = ~other.x[i];
		if (!SMCCC_IS_64((uint32_t)c.x[0]))
			for (int i = 1; i < 18; i++)
				other.x[i] &= 0xFFFFFFFFULL;
		policy_decide(p, &plat, &other, &ro);
		if (memcmp(ro.x, r.x, sizeof(r.x)) || ro.nr_ret != r.nr_ret ||
		    ro.decision != r.decision)
			abort();
	}
	policy_free(p);
	return 0;
}
