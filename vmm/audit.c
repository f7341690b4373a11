/*
 * The vCPU side of the audit (audit.h): counters and the per-vCPU ring,
 * and the summary printed at exit and on SIGUSR1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../policy/policy.h"
#include "audit-internal.h"
#include "util.h"

struct audit *audit__create(const struct policy *p, unsigned int nr_cpus,
			    const struct audit_options *o)
{
	struct audit *a = calloc(1, sizeof(*a));

	if (!a)
		die("audit: out of memory");
	a->policy = p;
	a->nr_cpus = nr_cpus;
	a->nr_decisions = policy_nr_decisions();
	a->nr_rules = policy_nr_rules(p);
	a->verbose = o->verbose;
	a->limit = o->limit;
	a->fd = a->dir_fd = a->kick_fd = a->timer_fd = -1;
	a->log_decision = UINT32_MAX;
	if (a->nr_decisions > AUDIT_MAX_DECISIONS)
		die("audit: %u decisions, room for %u", a->nr_decisions, AUDIT_MAX_DECISIONS);
	for (unsigned int d = 0; d < a->nr_decisions; d++)
		if (!strcmp(policy_decision_name(d), "log"))
			a->log_decision = d;
	for (size_t i = 0; i < a->nr_rules; i++)
		if (!strcmp(policy_rule_action_name(policy_rule_at(p, i)), "log"))
			a->has_log_rule = true;
	a->cpu = aligned_alloc(64, sizeof(*a->cpu) * nr_cpus);
	a->per_rule = calloc(a->nr_rules + 1, sizeof(*a->per_rule));
	if (!a->cpu || !a->per_rule)
		die("audit: out of memory");
	memset(a->cpu, 0, sizeof(*a->cpu) * nr_cpus);
	if (o->path)
		audit_trail__open(a, o->path);
	a->records = a->path || a->verbose;
	return a;
}

/* A counter only its vCPU writes: no read-modify-write needed. */
static inline void bump(audit_counter *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

/*
 * Per-rule counts in a small per-vCPU cache keyed by rule, so a flood on one
 * rule from many vCPUs writes no shared line; an evicted entry is added to
 * the shared array (a SIGUSR1 summary racing an eviction may be off by the
 * entry; the exit summary, after the vCPU threads, is exact).
 */
static void count_rule(struct audit *a, struct audit_cpu *cpu, uint32_t rule)
{
	uint32_t key = (rule == AUDIT_NO_RULE ? (uint32_t)a->nr_rules : rule) + 1;
	__typeof__(cpu->rules[0]) *e = &cpu->rules[key % AUDIT_RULE_CACHE];
	uint32_t old = atomic_load_explicit(&e->key, memory_order_relaxed);

	if (old != key) {
		if (old)
			atomic_fetch_add_explicit(&a->per_rule[old - 1],
						  atomic_load_explicit(&e->n, memory_order_relaxed),
						  memory_order_relaxed);
		atomic_store_explicit(&e->n, 0, memory_order_relaxed);
		atomic_store_explicit(&e->key, key, memory_order_relaxed);
	}
	bump(&e->n, 1);
}

static void queue(struct audit *a, struct audit_cpu *cpu, const struct policy_call *c,
		  const struct policy_result *r, uint32_t rule, unsigned int nr_get,
		  unsigned int nr_set)
{
	unsigned int tail = atomic_load_explicit(&cpu->tail, memory_order_relaxed);
	unsigned int used = tail - atomic_load_explicit(&cpu->head, memory_order_acquire);
	unsigned int epoch = atomic_load_explicit(&a->epoch, memory_order_relaxed);
	struct audit_rec *rec;

	/* No vCPU queues more than the VM's limit in a second: the main thread
	 * could write no more anyway, and a flood then costs the vCPU two
	 * counters, not a timestamp and a copy per call. */
	if (epoch != cpu->epoch_seen) {
		cpu->epoch_seen = epoch;
		cpu->used = 0;
	}
	if (cpu->used >= a->limit) {
		bump(&cpu->over[r->decision], 1);
		return;
	}
	cpu->used++;
	if (used >= AUDIT_RING) {
		bump(&cpu->lost[r->decision], 1);
		return;
	}
	rec = &cpu->ring[tail % AUDIT_RING];
	clock_gettime(CLOCK_REALTIME, &rec->time);
	rec->vcpu = (uint16_t)c->vcpu;
	rec->smc = c->conduit == POLICY_CONDUIT_SMC;
	rec->decision = (uint8_t)r->decision;
	rec->rule = rule;
	rec->nr_args = (uint8_t)r->nr_args;
	memcpy(rec->x, c->x, sizeof(c->x[0]) * (1 + r->nr_args));
	rec->nr_ret = (uint8_t)r->nr_ret;
	rec->ret = r->x[0];
	rec->nr_get = (uint8_t)nr_get;
	rec->nr_set = (uint8_t)nr_set;
	rec->log = r->log;
	atomic_store_explicit(&cpu->tail, tail + 1, memory_order_release);
	/* Half full: the drain timer may be too slow for this vCPU. */
	if (used + 1 == AUDIT_RING / 2)
		evloop__signal(a->kick_fd);
}

void audit__call(struct audit *a, const struct policy_call *c, const struct policy_result *r,
		 unsigned int nr_get, unsigned int nr_set)
{
	struct audit_cpu *cpu = &a->cpu[c->vcpu];
	uint32_t rule = r->rule ? (uint32_t)policy_rule_index(a->policy, r->rule) : AUDIT_NO_RULE;

	bump(&cpu->calls[r->decision], 1);
	count_rule(a, cpu, rule);
	if (a->records || r->log)
		queue(a, cpu, c, r, rule, nr_get, nr_set);
}

/* ---------------------------------------------------------------- summary */

static uint64_t count_of_decision(const struct audit *a, unsigned int d)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < a->nr_cpus; i++)
		n += atomic_load_explicit(&a->cpu[i].calls[d], memory_order_relaxed);
	return n;
}

static uint64_t count_of_rule(const struct audit *a, size_t rule)
{
	uint64_t n = atomic_load_explicit(&a->per_rule[rule], memory_order_relaxed);

	for (unsigned int i = 0; i < a->nr_cpus; i++)
		for (unsigned int j = 0; j < AUDIT_RULE_CACHE; j++)
			if (atomic_load_explicit(&a->cpu[i].rules[j].key, memory_order_relaxed) ==
			    rule + 1)
				n += atomic_load_explicit(&a->cpu[i].rules[j].n,
							  memory_order_relaxed);
	return n;
}

/* Append " name=n" while it fits. */
static void add_count(char *line, size_t size, int *len, const char *name, uint64_t n)
{
	if (*len < (int)size)
		*len += snprintf(line + *len, size - (size_t)*len, " %s=%llu", name,
				 (unsigned long long)n);
}

void audit__summary(struct audit *a)
{
	char line[512];
	int n = 0;

	for (unsigned int d = 0; d < a->nr_decisions; d++) {
		uint64_t k = count_of_decision(a, d);

		if (k)
			add_count(line, sizeof(line), &n, policy_decision_name(d), k);
	}
	if (n) {
		pr_info("forwarded SMCCC calls by decision:%s", line);
		n = 0;
		for (size_t i = 0; i <= a->nr_rules; i++) {
			uint64_t k = count_of_rule(a, i);

			if (k)
				add_count(line, sizeof(line), &n, i < a->nr_rules ?
					  policy_rule_name(policy_rule_at(a->policy, i)) :
					  "(no rule)", k);
		}
		pr_info("forwarded SMCCC calls by rule:%s", line);
	}
	if (a->path || a->suppressed || a->lost || a->failed)
		pr_info("audit: %llu records written%s%s, %llu suppressed by the rate limit "
			"(%u/s), %llu lost (a vCPU's queue was full), %llu failed writes, "
			"%llu reopens", (unsigned long long)a->written, a->path ? " to " : "",
			a->path ? a->path : "", (unsigned long long)a->suppressed, a->limit,
			(unsigned long long)a->lost, (unsigned long long)a->failed,
			(unsigned long long)a->reopened);
}
