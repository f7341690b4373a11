/*
 * bench-decide: host-native cost of one policy decision with 10, 1,000 and
 * 100,000 rules.  Lookup is a binary search, so the figure must stay flat.
 * Prints ns per call; a benchmark, not a test (no pass/fail on time).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy.h"

#define RULE_SPAN	16		/* function IDs per rule */
#define RULE_BASE	0x01000000U	/* yielding-call space: no reserved ranges */
#define CALLS		2000000

static char *make_policy(unsigned int nrules)
{
	size_t cap = 128 + (size_t)nrules * 80, len = 0;
	char *s = malloc(cap);

	len += snprintf(s + len, cap - len, "[policy]\ndefault = deny\n");
	for (unsigned int i = 0; i < nrules; i++)
		len += snprintf(s + len, cap - len, "[rule r%u]\nbase = 0x%x\ncount = %u\naction = return %u\n",
				i, RULE_BASE + i * RULE_SPAN, RULE_SPAN, i);
	return s;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(void)
{
	static const unsigned int sizes[] = { 10, 1000, 100000 };
	uint64_t x = 0x9e3779b97f4a7c15ULL, sink = 0;

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		unsigned int n = sizes[k];
		char err[256], *text = make_policy(n);
		double t_load = now_ns(), t;
		struct policy *p = policy_load_string(text, "bench", err, sizeof(err));
		struct policy_call c = { .conduit = POLICY_CONDUIT_HVC };
		struct policy_result r;

		t_load = now_ns() - t_load;
		if (!p) {
			fprintf(stderr, "bench-decide: %s\n", err);
			return 1;
		}
		t = now_ns();
		for (int i = 0; i < CALLS; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* Mostly IDs inside the rules, some outside and some with upper bits. */
			c.x[0] = RULE_BASE + (x % ((uint64_t)n * RULE_SPAN + 64));
			if ((x >> 60) == 0)
				c.x[0] |= 1ULL << 32;
			policy_decide(p, NULL, &c, &r);
			sink += r.x[0];
		}
		t = now_ns() - t;
		printf("bench: policy decision with %6u rules: %.1f ns/call (load %.1f ms)\n",
		       n, t / CALLS, t_load / 1e6);
		policy_free(p);
		free(text);
	}
	return sink == 42;	/* keep the loop */
}
