/*
 * What happened to forwarded calls: an audit trail of one JSON object per
 * call (written with yajl's generator into a fixed buffer: no allocation per
 * call, so a flood cannot grow memory), a debug line each with -v, and
 * counters per rule and per verdict for the summary on exit and SIGUSR1.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "../policy/describe.h"
#include "../policy/policy.h"
#include "audit.h"
#include "util.h"

#define AUDIT_RECORD_MAX 2048

struct audit {
	const struct policy *policy;
	int fd;				/* -1: no audit trail */
	pthread_mutex_t lock;		/* the generator and its buffer */
	yajl_gen gen;
	char buf[AUDIT_RECORD_MAX];
	size_t len;
	bool overflow;
	size_t nr_rules;
	atomic_ulong *per_rule;		/* nr_rules + 1: the last is "no rule" */
	atomic_ulong *decisions;	/* policy_nr_decisions() */
};

static void audit_print(void *ctx, const char *s, size_t len)
{
	struct audit *a = ctx;

	if (len > sizeof(a->buf) - a->len) {
		a->overflow = true;
		return;
	}
	memcpy(a->buf + a->len, s, len);
	a->len += len;
}

struct audit *audit__create(const struct policy *p, const char *path)
{
	struct audit *a = calloc(1, sizeof(*a));

	if (!a)
		die("audit: out of memory");
	a->policy = p;
	a->fd = -1;
	a->nr_rules = policy_nr_rules(p);
	a->per_rule = calloc(a->nr_rules + 1, sizeof(*a->per_rule));
	a->decisions = calloc(policy_nr_decisions(), sizeof(*a->decisions));
	if (!a->per_rule || !a->decisions)
		die("audit: out of memory");
	pthread_mutex_init(&a->lock, NULL);
	if (!path)
		return a;
	if (!strcmp(path, "-"))
		a->fd = STDERR_FILENO;
	else
		a->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (a->fd < 0)
		die_errno(-errno, "--audit %s", path);
	a->gen = yajl_gen_alloc(NULL);
	if (!a->gen || !yajl_gen_config(a->gen, yajl_gen_print_callback, audit_print, a))
		die("--audit: cannot set up the JSON generator");
	return a;
}

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_hex(yajl_gen g, const char *key, uint64_t v)
{
	char hex[24];

	gen_str(g, key);
	snprintf(hex, sizeof(hex), "0x%" PRIx64, v);
	gen_str(g, hex);
}

static void write_record(struct audit *a, const struct policy_call *c,
			 const struct policy_result *r)
{
	yajl_gen g = a->gen;
	/* An X0 with upper bits set names no function (DEN 0028 2.5). */
	const char *fn = c->x[0] >> 32 ? NULL : smccc_fid_name((uint32_t)c->x[0]);
	struct timespec ts;
	char when[40];

	/* Under the lock: the trail's records are in time order. */
	pthread_mutex_lock(&a->lock);
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(when, sizeof(when), "%lld.%09ld", (long long)ts.tv_sec, ts.tv_nsec);
	a->len = 0;
	a->overflow = false;
	yajl_gen_reset(g, NULL);
	yajl_gen_map_open(g);
	gen_str(g, "time");
	yajl_gen_number(g, when, strlen(when));
	gen_str(g, "vcpu");
	yajl_gen_integer(g, c->vcpu);
	gen_str(g, "conduit");
	gen_str(g, c->conduit == POLICY_CONDUIT_SMC ? "smc" : "hvc");
	gen_hex(g, "x0", c->x[0]);
	/* Only the arguments the deciding service read from the vCPU. */
	for (unsigned int i = 1; i <= r->nr_args; i++) {
		char key[4];

		snprintf(key, sizeof(key), "x%u", i);
		gen_hex(g, key, c->x[i]);
	}
	gen_str(g, "function");
	if (fn)
		gen_str(g, fn);
	else
		yajl_gen_null(g);
	gen_str(g, "decision");
	gen_str(g, policy_decision_name(r->decision));
	gen_str(g, "rule");
	if (r->rule)
		gen_str(g, policy_rule_name(r->rule));
	else
		yajl_gen_null(g);
	gen_str(g, "line");
	if (r->rule)
		yajl_gen_integer(g, policy_rule_line(r->rule));
	else
		yajl_gen_null(g);
	/* X0 only: the status.  A TRNG answer's X1..X3 are the guest's
	 * entropy, which no log may keep. */
	if (r->nr_ret) {
		gen_hex(g, "ret", r->x[0]);
	} else {
		gen_str(g, "ret");
		yajl_gen_null(g);
	}
	yajl_gen_map_close(g);
	audit_print(a, "\n", 1);
	if (!a->overflow && write(a->fd, a->buf, a->len) < 0) {
		/* the trail's reader went away: keep the guest running */
	}
	pthread_mutex_unlock(&a->lock);
}

/* "x1=0x1 x2=0x2" for the arguments that were read. */
static void format_args(char *buf, size_t len, const struct policy_call *c,
			const struct policy_result *r)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 1; i <= r->nr_args && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " x%u=0x%" PRIx64, i, c->x[i]);
}

void audit__call(struct audit *a, const struct policy_call *c, const struct policy_result *r,
		 uint64_t nr_get, uint64_t nr_set)
{
	char args[256], ret[32];

	if (r->decision < policy_nr_decisions())
		atomic_fetch_add_explicit(&a->decisions[r->decision], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&a->per_rule[r->rule ? policy_rule_index(a->policy, r->rule) :
					       a->nr_rules], 1, memory_order_relaxed);
	if (a->fd >= 0)
		write_record(a, c, r);
	if (!vmm_verbose)
		return;
	format_args(args, sizeof(args), c, r);
	if (r->nr_ret)
		snprintf(ret, sizeof(ret), "x0=0x%" PRIx64, r->x[0]);
	else
		snprintf(ret, sizeof(ret), "(does not return)");
	pr_debug("vCPU %u: %s x0=0x%" PRIx64 "%s -> %s%s%s %s (ONE_REG ioctls: %" PRIu64 " get, %"
		 PRIu64 " set)", c->vcpu, c->conduit == POLICY_CONDUIT_SMC ? "SMC" : "HVC", c->x[0],
		 args, policy_decision_name(r->decision), r->rule ? " rule " : "",
		 r->rule ? policy_rule_name(r->rule) : "", ret, nr_get, nr_set);
}

void audit__summary(struct audit *a)
{
	char line[512];
	int n = 0;

	for (unsigned int v = 0; v < policy_nr_decisions(); v++) {
		unsigned long k = atomic_load(&a->decisions[v]);

		if (k && n < (int)sizeof(line))
			n += snprintf(line + n, sizeof(line) - n, " %s=%lu",
				      policy_decision_name(v), k);
	}
	if (!n)
		return;
	pr_info("forwarded SMCCC calls by decision:%s", line);
	n = 0;
	for (size_t i = 0; i <= a->nr_rules; i++) {
		unsigned long k = atomic_load(&a->per_rule[i]);

		if (k && n < (int)sizeof(line))
			n += snprintf(line + n, sizeof(line) - n, " %s=%lu",
				      i < a->nr_rules ? policy_rule_name(policy_rule_at(a->policy, i)) :
				      "(no rule)", k);
	}
	pr_info("forwarded SMCCC calls by rule:%s", line);
}
