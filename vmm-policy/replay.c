/*
 * vmm-policy replay POLICY AUDIT: re-decide every forwarded call an audit
 * trail recorded, under POLICY, and report the calls whose answer would
 * change -- per function and per rule, with totals.
 *
 * What is compared is what the guest saw: X0 (for TRNG the status, as the
 * trail never holds the entropy), or that the call did not return.  A call
 * cannot be replayed exactly, and is reported apart, when POLICY
 *   - leaves it to KVM (kernel): KVM's answer is not simulated;
 *   - sends it to a service that needs arguments the trail did not record
 *     (the trail holds only what the old deciding service read);
 *   - could not have seen it: the replay turned its vCPU off, or POLICY
 *     ended the guest earlier (sim.h).
 * Exit 0 when every call replays exactly with the same answer, 1 otherwise,
 * 2 for usage, unreadable input or a malformed record (FILE:LINE: why).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/describe.h"
#include "../policy/policy.h"
#include "../policy/smccc.h"
#include "record.h"
#include "sim.h"
#include "tally.h"
#include "vmm-policy.h"

enum outcome { SAME, CHANGED, INEXACT };

struct replay {
	const char *audit;
	const struct policy *p;
	struct sim *sim;
	bool each;		/* one line per changed or inexact call */
	unsigned long calls, others, same, changed, inexact;
	struct tally *by_function, *by_rule, *inexact_by_function;
};

/* "-1", "0x10001": small negative codes as SMCCC documents them. */
static void fmt_ret(char *buf, size_t len, bool returned, uint64_t ret)
{
	if (!returned)
		snprintf(buf, len, "(does not return)");
	else if ((int64_t)ret < 0 && (int64_t)ret >= -16)
		snprintf(buf, len, "%" PRId64, (int64_t)ret);
	else
		snprintf(buf, len, "0x%" PRIx64, ret);
}

static void fmt_function(char *buf, size_t len, uint64_t x0)
{
	const char *name = smccc_fid_name((uint32_t)x0);

	if (x0 >> 32)
		snprintf(buf, len, "X0=0x%" PRIx64 " (upper 32 bits set)", x0);
	else
		snprintf(buf, len, "0x%08" PRIx64 "%s%s", x0, name ? " " : "", name ? name : "");
}

/* "psci32 (new.conf:56)" */
static void rule_ref(const struct policy *p, const struct policy_rule *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s:%u)", policy_rule_name(r), policy_source(p), policy_rule_line(r));
}

static void report_call(struct replay *rp, unsigned line, const struct audit_record *rec,
			const char *what, const char *text)
{
	char fn[64];

	if (!rp->each)
		return;
	fmt_function(fn, sizeof(fn), rec->call.x[0]);
	printf("%s:%u: %s: %s, vCPU %u: %s\n", rp->audit, line, what, fn, rec->call.vcpu, text);
}

static int count(struct tally *t, const char *key, unsigned line)
{
	if (tally_add(t, key, line)) {
		fprintf(stderr, "vmm-policy replay: out of memory\n");
		return -ENOMEM;
	}
	return 0;
}

static int inexact(struct replay *rp, unsigned line, const struct audit_record *rec,
		   const char *why)
{
	char fn[64], key[512];

	rp->inexact++;
	fmt_function(fn, sizeof(fn), rec->call.x[0]);
	snprintf(key, sizeof(key), "%s: %s", fn, why);
	report_call(rp, line, rec, "not replayed exactly", why);
	return count(rp->inexact_by_function, key, line);
}

/* What the new policy does with the call; 0, or -ENOMEM. */
static int replay_one(struct replay *rp, unsigned line, const struct audit_record *rec)
{
	const struct policy *p = rp->p;
	uint32_t w0 = (uint32_t)rec->call.x[0];
	char old[160], new[160], oret[32], nret[32], key[512], fn[64], why[400];
	char new_rule[160] = "(no rule: the default)";
	const char *reason;
	struct policy_result res;
	struct policy_route rt;
	bool returned, psci = false;
	uint64_t ret;

	if (!sim_before(rp->sim, rec, &reason))
		return inexact(rp, line, rec, reason);
	switch (policy_kvm_action(p, w0)) {
	case POLICY_FILTER_HANDLE:
		return inexact(rp, line, rec, "the new policy leaves it to KVM, whose answer is "
			       "not simulated");
	case POLICY_FILTER_DENY:
		returned = true;
		ret = (uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED;
		if (policy_lookup(p, w0))
			rule_ref(p, policy_lookup(p, w0), new_rule, sizeof(new_rule));
		fmt_ret(nret, sizeof(nret), returned, ret);
		snprintf(new, sizeof(new), "denied in KVM %s", nret);
		break;
	case POLICY_FILTER_FWD:
	default:
		policy_route(p, rec->call.x[0], &rt);
		if (rt.nr_answer_args > rec->nr_args) {
			snprintf(why, sizeof(why), "the new policy's %s reads X1..X%u, the trail "
				 "recorded %s%u", rt.rule ? policy_rule_action_name(rt.rule) : "?",
				 rt.nr_answer_args, rec->nr_args ? "X1..X" : "none of them, X0..X",
				 rec->nr_args);
			return inexact(rp, line, rec, why);
		}
		policy_answer(p, &rt, sim_platform(rp->sim), &rec->call, &res);
		psci = res.rule && !strcmp(policy_rule_action_name(res.rule), "psci");
		returned = res.nr_ret > 0;
		ret = res.x[0];
		if (res.rule)
			rule_ref(p, res.rule, new_rule, sizeof(new_rule));
		fmt_ret(nret, sizeof(nret), returned, ret);
		snprintf(new, sizeof(new), "%s %s", policy_decision_name(res.decision), nret);
		break;
	}

	sim_after(rp->sim, rec, psci, returned, ret);

	if (returned == rec->returned && (!returned || ret == rec->ret)) {
		rp->same++;
		return 0;
	}
	rp->changed++;
	fmt_ret(oret, sizeof(oret), rec->returned, rec->ret);
	snprintf(old, sizeof(old), "%s %s", policy_decision_name(rec->decision), oret);
	fmt_function(fn, sizeof(fn), rec->call.x[0]);
	snprintf(key, sizeof(key), "%s: %s -> %s", fn, old, new);
	snprintf(why, sizeof(why), "%s -> %s", old, new);
	report_call(rp, line, rec, "changed", why);
	if (count(rp->by_function, key, line))
		return -ENOMEM;
	snprintf(key, sizeof(key), "%s -> %s", rec->rule[0] ? rec->rule : "(no rule)", new_rule);
	return count(rp->by_rule, key, line);
}

/*
 * Each line of the trail: a call (returned with its record), another kind
 * of record (counted), or an error (FILE:LINE: why on stderr, -EINVAL).
 * 1 at the end of the file.
 */
static int next_record(FILE *f, const char *path, unsigned *line, char **buf, size_t *cap,
		       struct audit_record *rec, bool *is_call)
{
	char why[256];
	ssize_t len;

	for (;;) {
		len = getline(buf, cap, f);
		if (len < 0) {
			if (ferror(f)) {
				fprintf(stderr, "%s: read error after line %u\n", path, *line);
				return -EIO;
			}
			return 1;
		}
		++*line;
		if (len && (*buf)[len - 1] == '\n')
			(*buf)[--len] = '\0';
		if (memchr(*buf, '\0', (size_t)len)) {
			fprintf(stderr, "%s:%u: a NUL byte in the line\n", path, *line);
			return -EINVAL;
		}
		if (!len)
			continue;	/* a blank line holds no record */
		if (record_parse(*buf, rec, is_call, why, sizeof(why))) {
			fprintf(stderr, "%s:%u: %s\n", path, *line, why);
			return -EINVAL;
		}
		return 0;
	}
}

/* Pass 1: every line well-formed, and the highest vCPU that called. */
static int survey(FILE *f, const char *path, unsigned *max_vcpu)
{
	struct audit_record rec;
	unsigned line = 0;
	size_t cap = 0;
	char *buf = NULL;
	bool is_call;
	int r;

	*max_vcpu = 0;
	while (!(r = next_record(f, path, &line, &buf, &cap, &rec, &is_call)))
		if (is_call && rec.call.vcpu > *max_vcpu)
			*max_vcpu = rec.call.vcpu;
	free(buf);
	return r < 0 ? r : 0;
}

static int replay_all(struct replay *rp, FILE *f)
{
	struct audit_record rec;
	unsigned line = 0;
	size_t cap = 0;
	char *buf = NULL;
	bool is_call;
	int r;

	while (!(r = next_record(f, rp->audit, &line, &buf, &cap, &rec, &is_call))) {
		if (!is_call) {
			rp->others++;
			continue;
		}
		rp->calls++;
		if (replay_one(rp, line, &rec)) {
			r = -ENOMEM;
			break;
		}
	}
	free(buf);
	return r < 0 ? r : 0;
}

static void print_tally(struct tally *t, const char *title, const char *unit_rule)
{
	if (!tally_len(t))
		return;
	tally_sort(t);
	printf("%s\n", title);
	for (size_t i = 0; i < tally_len(t); i++) {
		const char *key = tally_key(t, i), *colon = unit_rule ? NULL : strstr(key, ": ");
		unsigned long n = tally_count(t, i);

		if (colon)
			printf("  %.*s: %lu call%s: %s\n", (int)(colon - key), key, n,
			       n == 1 ? "" : "s", colon + 2);
		else
			printf("  %s: %lu call%s\n", key, n, n == 1 ? "" : "s");
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: vmm-policy replay POLICY AUDIT [--cpus N] [--mem SIZE] [--each]\n");
	return 2;
}

int cmd_replay(int argc, char **argv)
{
	struct replay rp = { 0 };
	uint64_t cpus = 0, mem = TOOL_RAM_SIZE;
	struct policy *p;
	unsigned max_vcpu;
	int rc = 2;
	FILE *f;

	if (argc < 2)
		return usage();
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--each")) {
			rp.each = true;
		} else if (!strcmp(argv[i], "--cpus") && i + 1 < argc) {
			if (tool_number("replay", "--cpus", argv[++i], 1, TOOL_MAX_CPUS, &cpus))
				return 2;
		} else if (!strcmp(argv[i], "--mem") && i + 1 < argc) {
			if (tool_size("replay", "--mem", argv[++i], &mem))
				return 2;
		} else {
			fprintf(stderr, "vmm-policy replay: unknown option '%s'\n", argv[i]);
			return usage();
		}
	}
	p = tool_load(argv[0]);
	if (!p)
		return 2;
	rp.audit = argv[1];
	rp.p = p;
	f = fopen(rp.audit, "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", rp.audit, strerror(errno));
		policy_free(p);
		return 2;
	}
	if (survey(f, rp.audit, &max_vcpu))
		goto out;
	if (!cpus) {
		cpus = max_vcpu + 1;
		if (cpus > TOOL_MAX_CPUS) {
			fprintf(stderr, "%s: calls from vCPU %u, beyond the VMM's %d\n", rp.audit,
				max_vcpu, TOOL_MAX_CPUS);
			goto out;
		}
	} else if (max_vcpu >= cpus) {
		fprintf(stderr, "vmm-policy replay: the trail has calls from vCPU %u: --cpus must "
			"be at least %u\n", max_vcpu, max_vcpu + 1);
		goto out;
	}
	rewind(f);
	rp.sim = sim_new((unsigned)cpus, TOOL_RAM_BASE, mem);
	rp.by_function = tally_new();
	rp.by_rule = tally_new();
	rp.inexact_by_function = tally_new();
	if (!rp.sim || !rp.by_function || !rp.by_rule || !rp.inexact_by_function) {
		fprintf(stderr, "vmm-policy replay: out of memory\n");
		goto out;
	}
	printf("replay: %s under %s, %" PRIu64 " vCPU%s, RAM 0x%llx + %" PRIu64 " MiB\n",
	       rp.audit, policy_source(p), cpus, cpus == 1 ? "" : "s",
	       (unsigned long long)TOOL_RAM_BASE, mem >> 20);
	if (replay_all(&rp, f))
		goto out;
	print_tally(rp.by_function, "changed answers, by function (old -> new):", NULL);
	print_tally(rp.by_rule, "changed answers, by rule (old rule -> new rule):", "");
	print_tally(rp.inexact_by_function, "not replayed exactly, by function:", NULL);
	printf("replay: %lu call%s: %lu unchanged, %lu changed, %lu not replayed exactly; "
	       "%lu other record%s skipped\n", rp.calls, rp.calls == 1 ? "" : "s", rp.same,
	       rp.changed, rp.inexact, rp.others, rp.others == 1 ? "" : "s");
	rc = rp.changed || rp.inexact ? 1 : 0;
out:
	tally_free(rp.by_function);
	tally_free(rp.by_rule);
	tally_free(rp.inexact_by_function);
	sim_free(rp.sim);
	fclose(f);
	policy_free(p);
	return rc;
}
