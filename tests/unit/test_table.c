/*
 * Unit tests of nested rules and the flattened table (table.c, ranges.c):
 * the most specific rule wins, crossing rules are refused with the split
 * to make, the KVM filter and PSCI follow the flattened table; of the
 * lookup's search tree (tree.c) at every size where its shape changes, and
 * against a linear scan of the rules on random nested policies; and of
 * policy_diff() (diff.c).
 */
#include <check.h>

#include "check-main.h"
#include "fake-platform.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy-internal.h"	/* the tree's node sizes, to test around them */
#include "policy-load.h"
#include "policy-ref.h"
#include "policy.h"
#include "smccc.h"

static const char *name_at(const struct policy *p, uint32_t fid)
{
	const struct policy_rule *r = policy_lookup(p, fid);

	return r ? policy_rule_name(r) : "(none)";
}

static void decide(const struct policy *p, uint64_t x0, struct policy_result *r)
{
	struct policy_call c = { .x = { x0, 1, 2, 3 } };

	fake_reset();
	policy_decide(p, &fake_plat, &c, r);
}

/* The flattened table is sorted, disjoint, each piece inside its rule, and
 * each piece's rule is the innermost rule holding it (checked against every
 * rule: fine for the small tables here). */
static void check_table(const struct policy *p)
{
	size_t n = policy_nr_pieces(p), nr = policy_nr_rules(p);

	for (size_t i = 0; i < n; i++) {
		const struct policy_piece *pc = policy_piece_at(p, i);
		const struct policy_rule *best = NULL;

		ck_assert_uint_le(pc->first, pc->last);
		if (i)
			ck_assert_uint_gt(pc->first, policy_piece_at(p, i - 1)->last);
		ck_assert_uint_ge(pc->first, policy_rule_first(pc->rule));
		ck_assert_uint_le(pc->last, policy_rule_last(pc->rule));
		for (size_t j = 0; j < nr; j++) {
			const struct policy_rule *r = policy_rule_at(p, j);

			if (policy_rule_first(r) > pc->first || policy_rule_last(r) < pc->first)
				continue;
			if (!best || (uint64_t)policy_rule_last(r) - policy_rule_first(r) <
				     (uint64_t)policy_rule_last(best) - policy_rule_first(best))
				best = r;
		}
		ck_assert_ptr_eq(best, pc->rule);
		ck_assert_ptr_eq(policy_lookup(p, pc->first), pc->rule);
		ck_assert_ptr_eq(policy_lookup(p, pc->last), pc->rule);
	}
}

/* ------------------------------------------------------------ nesting */

static const char sip_carve_out[] =
	"[policy]\n"						/* 1 */
	"[rule sip]\nrange = 0x82000000-0x8200FFFF\naction = log\n"	/* 2 */
	"[rule sip-fixed]\nrange = 0x82000010\naction = return 0x1234\n";	/* 5 */

START_TEST(test_inner_rule_wins)
{
	struct policy *p = load_ok(sip_carve_out);
	const struct policy_rule *outer, *inner;
	struct policy_result r;

	ck_assert_str_eq(name_at(p, 0x82000000), "sip");
	ck_assert_str_eq(name_at(p, 0x8200000F), "sip");
	ck_assert_str_eq(name_at(p, 0x82000010), "sip-fixed");
	ck_assert_str_eq(name_at(p, 0x82000011), "sip");
	ck_assert_str_eq(name_at(p, 0x8200FFFF), "sip");
	ck_assert_str_eq(name_at(p, 0x82010000), "(none)");

	ck_assert_uint_eq(policy_nr_pieces(p), 3);
	outer = policy_rule_at(p, 0);
	inner = policy_rule_at(p, 1);
	ck_assert_str_eq(policy_rule_name(outer), "sip");	/* outer first */
	ck_assert_ptr_null(policy_rule_parent(outer));
	ck_assert_ptr_eq(policy_rule_parent(inner), outer);
	ck_assert_uint_eq(policy_rule_nr_pieces(outer), 2);
	ck_assert_uint_eq(policy_rule_nr_pieces(inner), 1);
	ck_assert_ptr_null(policy_warning(p, 1));	/* only: no rule covers PSCI */
	check_table(p);

	decide(p, 0x82000010, &r);
	ck_assert_str_eq(policy_decision_name(r.decision), "return");
	ck_assert_uint_eq(r.x[0], 0x1234);
	ck_assert_ptr_eq(r.rule, inner);
	ck_assert(!r.log);
	decide(p, 0x82000011, &r);
	ck_assert_str_eq(policy_decision_name(r.decision), "log");
	ck_assert_uint_eq(r.x[0], ALL_ONES);
	ck_assert_ptr_eq(r.rule, outer);
	ck_assert(r.log);	/* log asks for a line per call */
	policy_free(p);
}
END_TEST

START_TEST(test_order_in_file_does_not_matter)
{
	/* The inner rule first, the outer after: the same table. */
	struct policy *p = load_ok(
		"[rule sip-fixed]\nrange = 0x82000010\naction = return 0x1234\n"
		"[rule sip]\nrange = 0x82000000-0x8200FFFF\naction = log\n");

	ck_assert_str_eq(name_at(p, 0x82000010), "sip-fixed");
	ck_assert_str_eq(name_at(p, 0x82000011), "sip");
	ck_assert_str_eq(policy_rule_name(policy_rule_at(p, 0)), "sip");
	check_table(p);
	policy_free(p);
}
END_TEST

START_TEST(test_deep_nesting_and_shared_ends)
{
	struct policy *p = load_ok(
		"[rule oem]\nrange = 0x83000000-0x830000FF\naction = log\n"
		"[rule low]\nrange = 0x83000000-0x8300000F\naction = deny\n"	/* shares oem's start */
		"[rule top]\nrange = 0x83000008-0x8300000F\naction = return 1\n"	/* shares low's end */
		"[rule tip]\nrange = 0x830000FF\naction = return 2\n"		/* shares oem's end */
		"[rule all]\nrange = 0-0x7FFFFFFF\naction = forward-deny\n"
		"[rule zero]\nrange = 0\naction = return 3\n"			/* ID 0 */
		"[rule ff]\nrange = 0xFFFFFFFF\naction = deny\n");

	ck_assert_str_eq(name_at(p, 0x83000000), "low");
	ck_assert_str_eq(name_at(p, 0x83000007), "low");
	ck_assert_str_eq(name_at(p, 0x83000008), "top");
	ck_assert_str_eq(name_at(p, 0x8300000F), "top");
	ck_assert_str_eq(name_at(p, 0x83000010), "oem");
	ck_assert_str_eq(name_at(p, 0x830000FE), "oem");
	ck_assert_str_eq(name_at(p, 0x830000FF), "tip");
	ck_assert_str_eq(name_at(p, 0), "zero");
	ck_assert_str_eq(name_at(p, 1), "all");
	ck_assert_str_eq(name_at(p, 0xFFFFFFFF), "ff");
	ck_assert_str_eq(policy_rule_name(policy_rule_parent(policy_lookup(p, 0x83000008))),
			 "low");
	check_table(p);
	policy_free(p);
}
END_TEST

START_TEST(test_crossing_rules_refused)
{
	/* The later rule is blamed, and told where to split. */
	load_fails("[rule a]\nrange = 0x82000000-0x8200000F\naction = deny\n"
		   "[rule b]\nrange = 0x82000008-0x82000017\naction = log\n", 5,
		   "rule 'b' (0x82000008-0x82000017) overlaps rule 'a' (0x82000000-0x8200000F, "
		   "line 1) without lying inside it: rules may nest but not cross; split 'b' "
		   "into 0x82000008-0x8200000F (inside 'a') and 0x82000010-0x82000017");
	/* Sticking out on the low side. */
	load_fails("[rule a]\nrange = 0x82000008-0x82000017\naction = deny\n"
		   "[rule b]\nrange = 0x82000000-0x8200000F\naction = log\n", 5,
		   "split 'b' into 0x82000008-0x8200000F (inside 'a') and 0x82000000-0x82000007");
	/* Of several conflicts, the one a reader meets first. */
	load_fails("[rule a]\nrange = 0x10-0x1F\naction = deny\n"
		   "[rule c]\nrange = 0x100-0x10F\naction = deny\n"
		   "[rule d]\nrange = 0x108-0x117\naction = deny\n"	/* line 8 */
		   "[rule b]\nrange = 0x18-0x27\naction = deny\n",	/* line 11 */
		   8, "rule 'd'");
	load_fails("[rule a]\nrange = 1-10\naction = deny\n[rule b]\nrange = 1-10\naction = log\n",
		   5, "rule 'b' has the same range 0x00000001-0x0000000A as rule 'a' (line 1)");
	/* A single ID inside a rule is nesting, not a conflict; the same ID
	 * twice is. */
	load_fails("[rule a]\nrange = 7\naction = deny\n[rule b]\nrange = 7\naction = log\n", 5,
		   "same range");
}
END_TEST

START_TEST(test_idle_rule_warnings)
{
	struct policy *p = load_ok(
		"[rule outer]\nrange = 0x83000000-0x830000FF\naction = log\n"
		"[rule lo]\nrange = 0x83000000-0x8300007F\naction = deny\n"
		"[rule hi]\nrange = 0x83000080-0x830000FF\naction = return 1\n"
		"[rule same]\nrange = 0x83000090\naction = return 1\n"
		"[rule psci]\nrange = 0x84000000-0x8400001F\naction = psci\n");

	ck_assert_uint_eq(policy_rule_nr_pieces(policy_rule_at(p, 0)), 0);
	ck_assert_ptr_nonnull(policy_warning(p, 0));
	ck_assert_msg(strstr(policy_warning(p, 0), "t.conf:1: warning: rule 'outer' decides "
				"nothing"), "%s", policy_warning(p, 0));
	ck_assert_msg(strstr(policy_warning(p, 1), "t.conf:10: warning: rule 'same' does what "
				"rule 'hi' around it (line 7) does"), "%s", policy_warning(p, 1));
	ck_assert_ptr_null(policy_warning(p, 2));
	policy_free(p);
}
END_TEST

/* ------------------------------------------- the filter follows the table */

static void expect_filter(const struct policy *p, const struct policy_filter_range *want,
			  size_t n_want)
{
	struct policy_filter_range f[32];
	size_t n = policy_filter_ranges(p, f, 32);

	ck_assert_uint_eq(n, n_want);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(f[i].base == want[i].base && f[i].nr == want[i].nr &&
			      f[i].action == want[i].action, "range %zu: 0x%08X+0x%X %s", i,
			      f[i].base, f[i].nr, policy_filter_action_name(f[i].action));
	}
}

START_TEST(test_filter_with_nested_actions)
{
	/* Outer deny, inner log: only the inner ID is forwarded. */
	struct policy *p = load_ok("[rule sip]\nrange = 0x82000000-0x8200FFFF\naction = deny\n"
				   "[rule one]\nrange = 0x82000010\naction = log\n");
	static const struct policy_filter_range deny_log[] = {
		{ 0x00000000, 0x80000000, POLICY_FILTER_DENY },
		{ 0x80010000, 0x82000010 - 0x80010000, POLICY_FILTER_DENY },
		{ 0x82000010, 1, POLICY_FILTER_FWD },
		{ 0x82000011, 0xC0000000 - 0x82000011, POLICY_FILTER_DENY },
		{ 0xC0010000, 0x3FFF0000, POLICY_FILTER_DENY },
	};
	/* Outer log, inner kernel: the inner ID stays in KVM. */
	static const struct policy_filter_range log_kernel[] = {
		{ 0x00000000, 0x80000000, POLICY_FILTER_DENY },
		{ 0x80010000, 0x82000000 - 0x80010000, POLICY_FILTER_DENY },
		{ 0x82000000, 0x10, POLICY_FILTER_FWD },
		{ 0x82000010, 1, POLICY_FILTER_HANDLE },
		{ 0x82000011, 0xFFEF, POLICY_FILTER_FWD },
		{ 0x82010000, 0xC0000000 - 0x82010000, POLICY_FILTER_DENY },
		{ 0xC0010000, 0x3FFF0000, POLICY_FILTER_DENY },
	};

	expect_filter(p, deny_log, 5);
	ck_assert_int_eq(policy_kvm_action(p, 0x82000010), POLICY_FILTER_FWD);
	ck_assert_int_eq(policy_kvm_action(p, 0x82000011), POLICY_FILTER_DENY);
	ck_assert_int_eq(policy_kvm_action(p, 0x80000000), POLICY_FILTER_HANDLE);
	ck_assert_int_eq(policy_kvm_action(p, 0x12345678), POLICY_FILTER_DENY);
	policy_free(p);

	p = load_ok("[rule sip]\nrange = 0x82000000-0x8200FFFF\naction = log\n"
		    "[rule k]\nrange = 0x82000010\naction = kernel\n");
	expect_filter(p, log_kernel, 7);
	policy_free(p);

	/* Outer and inner both forwarded: one filter range. */
	p = load_ok(sip_carve_out);
	ck_assert_int_eq(policy_kvm_action(p, 0x82000010), POLICY_FILTER_FWD);
	{
		struct policy_filter_range f[8];

		ck_assert_uint_eq(policy_filter_ranges(p, f, 8), 5);
		ck_assert_uint_eq(f[2].base, 0x82000000);
		ck_assert_uint_eq(f[2].nr, 0x10000);
	}
	policy_free(p);
}
END_TEST

/* ------------------------------------------------------------ PSCI */

START_TEST(test_psci_follows_the_table)
{
	/* SYSTEM_RESET2 taken from psci by a nested deny: PSCI_FEATURES must
	 * not call it supported. */
	struct policy *p = load_ok(
		"[policy]\npsci_version = 1.1\npsci_functions = system_reset2\n"	/* 3 */
		"[rule psci32]\nrange = 0x84000000-0x8400001F\naction = psci\n"
		"[rule no-reset2]\nrange = 0x84000012\naction = deny\n"
		"[rule psci64]\nrange = 0xC4000000-0xC400001F\naction = psci\n");
	struct policy_psci_offer o;
	struct policy_call c = { .x = { PSCI_FEATURES, PSCI_SYSTEM_RESET2 } };
	struct policy_result r;

	ck_assert(!policy_psci_offered(p, PSCI_SYSTEM_RESET2));
	ck_assert(policy_psci_offered(p, PSCI_SYSTEM_RESET2_64));
	fake_reset();
	policy_decide(p, &fake_plat, &c, &r);
	ck_assert_uint_eq(r.x[0], ALL_ONES);
	c.x[1] = PSCI_SYSTEM_RESET2_64;
	policy_decide(p, &fake_plat, &c, &r);
	ck_assert_uint_eq(r.x[0], 0);

	policy_psci_offer(p, PSCI_SYSTEM_RESET2, &o);
	ck_assert_int_eq(o.kind, POLICY_PSCI_NOT_ROUTED);
	ck_assert_str_eq(o.name, "system_reset2");
	policy_psci_offer(p, PSCI_SYSTEM_RESET2_64, &o);
	ck_assert_int_eq(o.kind, POLICY_PSCI_OFFERED);
	ck_assert_uint_eq(o.functions_line, 3);
	policy_psci_offer(p, PSCI_MIGRATE_INFO_TYPE, &o);
	ck_assert_int_eq(o.kind, POLICY_PSCI_NOT_LISTED);
	policy_psci_offer(p, PSCI_MIGRATE, &o);
	ck_assert_int_eq(o.kind, POLICY_PSCI_NOT_EMULATED);
	policy_psci_offer(p, PSCI_VERSION | SMCCC_SMC64, &o);	/* no SMC64 variant */
	ck_assert_int_eq(o.kind, POLICY_PSCI_NOT_A_FUNCTION);
	ck_assert_ptr_null(o.name);
	policy_free(p);

	p = load_ok("[policy]\npsci_version = 1.0\n"
		    "[rule psci32]\nrange = 0x84000000-0x8400001F\naction = psci\n");
	policy_psci_offer(p, PSCI_SYSTEM_RESET2, &o);
	ck_assert_int_eq(o.kind, POLICY_PSCI_NEWER);
	ck_assert_uint_eq(o.since, PSCI_VERSION_1_1);
	ck_assert_uint_eq(o.functions_line, 0);
	policy_free(p);
}
END_TEST

START_TEST(test_route_answer_args)
{
	struct policy *p = load_ok(
		"[rule psci]\nrange = 0xC4000000-0xC400001F\naction = psci\n"
		"[rule oem]\nrange = 0x83000000-0x8300FFFF\naction = log\n");
	struct policy_route rt;

	policy_route(p, PSCI_CPU_ON_64, &rt);
	ck_assert_ptr_nonnull(rt.piece);
	ck_assert_ptr_eq(rt.piece->rule, rt.rule);
	ck_assert_uint_le(rt.piece->first, PSCI_CPU_ON_64);
	ck_assert_uint_ge(rt.piece->last, PSCI_CPU_ON_64);
	ck_assert_uint_eq(rt.nr_args, 3);
	ck_assert_uint_eq(rt.nr_answer_args, 3);
	/* log reads X1..X3 to record them; its answer does not need them. */
	policy_route(p, 0x83000001, &rt);
	ck_assert_uint_eq(rt.nr_args, 3);
	ck_assert_uint_eq(rt.nr_answer_args, 0);
	policy_route(p, 0x83010000, &rt);		/* no rule */
	ck_assert_ptr_null(rt.piece);
	ck_assert_ptr_null(rt.rule);
	policy_free(p);
}
END_TEST

/* ------------------------------------------------------------ lookup */

/* A growing text buffer for generated policies. */
struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		ck_assert_int_ge(n, 0);
		if ((size_t)n < t->cap - t->len)
			break;
		t->cap = t->cap * 2 + (size_t)n + 1;
		t->s = realloc(t->s, t->cap);
		ck_assert_ptr_nonnull(t->s);
	}
	t->len += (size_t)n;
}

/*
 * n single-ID rules two IDs apart ("r<i>" at base + 3i, "return i"): n
 * pieces with a gap on each side.  Every ID around every piece is checked
 * against what the construction says, for piece counts around each place
 * the tree's shape changes: a leaf full, one more leaf, an inner node
 * full, one more level.
 */
static void check_spaced(size_t n, uint32_t base)
{
	struct text t = { .s = malloc(64), .cap = 64 };
	struct policy_result r;
	struct policy *p;
	char name[32];

	ck_assert_ptr_nonnull(t.s);
	text_add(&t, "[policy]\n");
	for (size_t i = 0; i < n; i++)
		text_add(&t, "[rule r%zu]\nrange = 0x%08zX\naction = return %zu\n", i,
			 base + 3 * i, i);
	p = load_ok(t.s);
	free(t.s);
	ck_assert_uint_eq(policy_nr_pieces(p), n);
	ck_assert_ptr_null(policy_lookup(p, 0));
	ck_assert_ptr_null(policy_lookup(p, base - 1));
	ck_assert_ptr_null(policy_lookup(p, UINT32_MAX));
	ck_assert_ptr_null(policy_lookup(p, UINT32_MAX - 1));
	for (size_t i = 0; i < n; i++) {
		uint32_t id = base + 3 * (uint32_t)i;
		const struct policy_rule *rule = policy_lookup(p, id);

		snprintf(name, sizeof(name), "r%zu", i);
		ck_assert_msg(rule && !strcmp(policy_rule_name(rule), name),
			      "%zu pieces: 0x%08X gives %s, not %s", n, id,
			      rule ? policy_rule_name(rule) : "(none)", name);
		ck_assert_ptr_null(policy_lookup(p, id + 1));
		ck_assert_ptr_null(policy_lookup(p, id + 2));
		/* The answer: every value distinct, so past the policy's first
		 * TREE_MAX_ACTIONS - services the value is a per-piece one. */
		if (n < 5000 || i % 97 == 0 || i + 1 == n) {
			decide(p, id, &r);
			ck_assert_uint_eq(r.x[0], i);
			ck_assert_ptr_eq(r.rule, rule);
		}
	}
	policy_free(p);
}

START_TEST(test_lookup_every_tree_shape)
{
	const size_t leaf = TREE_LEAF_KEYS, fan = TREE_NODE_KEYS + 1;
	const size_t sizes[] = {
		1, 2, 3, 15, 16, 17, leaf - 1, leaf, leaf + 1, 2 * leaf, 2 * leaf + 1,
		leaf * fan - 1, leaf * fan, leaf * fan + 1, leaf * fan + leaf + 1,
		leaf * fan * fan + 1,	/* three levels */
	};

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		check_spaced(sizes[k], 0x01000000);
}
END_TEST

/* The ends of the ID space: pieces at 0 and at 0xFFFFFFFF, where the
 * tree's padding (the largest key) and "before the first piece" live. */
START_TEST(test_lookup_ends_of_the_id_space)
{
	struct policy *p = load_ok(
		"[rule zero]\nrange = 0x0\naction = return 1\n"
		"[rule low]\nrange = 0x1-0xF\naction = return 2\n"
		"[rule top]\nrange = 0xFFFFFFF0-0xFFFFFFFE\naction = return 3\n"
		"[rule max]\nrange = 0xFFFFFFFF\naction = return 4\n");

	ck_assert_str_eq(name_at(p, 0), "zero");
	ck_assert_str_eq(name_at(p, 1), "low");
	ck_assert_str_eq(name_at(p, 0xF), "low");
	ck_assert_str_eq(name_at(p, 0x10), "(none)");
	ck_assert_str_eq(name_at(p, 0xFFFFFFEF), "(none)");
	ck_assert_str_eq(name_at(p, 0xFFFFFFF0), "top");
	ck_assert_str_eq(name_at(p, 0xFFFFFFFE), "top");
	ck_assert_str_eq(name_at(p, 0xFFFFFFFF), "max");
	policy_free(p);

	p = load_ok("[rule top]\nrange = 0xFFFFFFF0-0xFFFFFFFE\naction = deny\n");
	ck_assert_str_eq(name_at(p, 0xFFFFFFFF), "(none)");
	ck_assert_str_eq(name_at(p, 0), "(none)");
	policy_free(p);

	p = load_ok("[rule all]\nrange = 0x0-0x7FFFFFFF\naction = deny\n"
		    "[rule high]\nrange = 0xC4000000-0xFFFFFFFF\naction = log\n");
	ck_assert_str_eq(name_at(p, 0), "all");
	ck_assert_str_eq(name_at(p, 0x7FFFFFFF), "all");
	ck_assert_str_eq(name_at(p, 0x80000000), "(none)");
	ck_assert_str_eq(name_at(p, 0xFFFFFFFF), "high");
	policy_free(p);

	p = load_ok("[policy]\n");	/* no rule at all */
	ck_assert_uint_eq(policy_nr_pieces(p), 0);
	ck_assert_str_eq(name_at(p, 0), "(none)");
	ck_assert_str_eq(name_at(p, 0xFFFFFFFF), "(none)");
	policy_free(p);
}
END_TEST

/* xorshift32: the same policies on every run and host. */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

struct gen {
	struct text t;
	uint32_t seed;
	unsigned nrules, max;
};

static const char *const gen_actions[] = {
	"deny", "log", "forward-deny", "kernel", "return 0x5", "return -2", "return 0x77",
};

/*
 * Rules inside [first, last], none of them the whole range: at random
 * gaps, of random lengths, some holding rules of their own, down to depth
 * levels.  Two rules so made either nest or are disjoint.
 */
static void gen_inside(struct gen *g, uint64_t first, uint64_t last, unsigned depth)
{
	uint64_t x = first, span = last - first + 1;

	while (x <= last && g->nrules < g->max) {
		uint64_t gap = rnd(&g->seed) % (span / 8 + 2), len, end;

		x += rnd(&g->seed) % 3 ? gap : 0;	/* some rules touch */
		if (x > last)
			break;
		len = 1 + rnd(&g->seed) % (rnd(&g->seed) % 4 ? 8 : span / 4 + 1);
		end = x + len - 1 > last ? last : x + len - 1;
		if (x == first && end == last) {
			if (end == first)
				break;	/* a single ID: nothing smaller inside */
			end--;
		}
		text_add(&g->t, "[rule r%u]\nrange = 0x%08llX-0x%08llX\n", g->nrules++,
			 (unsigned long long)x, (unsigned long long)end);
		if (rnd(&g->seed) % 4)
			text_add(&g->t, "action = %s\n", gen_actions[rnd(&g->seed) %
					  (sizeof(gen_actions) / sizeof(gen_actions[0]))]);
		else	/* values of their own: past ~250, tree.c's wide slots */
			text_add(&g->t, "action = return %u\n", rnd(&g->seed) % 100000);
		if (depth && end > x && rnd(&g->seed) % 2)
			gen_inside(g, x, end, depth - 1);
		x = end + 1;
	}
}

static void check_against_scan(const struct policy *p, uint32_t fid)
{
	const struct policy_rule *want = policy_ref_lookup(p, fid), *got = policy_lookup(p, fid);
	struct policy_route rt;

	ck_assert_msg(got == want, "0x%08X: lookup gives %s, the scan %s", fid,
		      got ? policy_rule_name(got) : "(none)",
		      want ? policy_rule_name(want) : "(none)");
	policy_route(p, fid, &rt);
	ck_assert_ptr_eq(rt.rule, want);
	ck_assert_int_eq(rt.verdict, want ? POLICY_VERDICT_SERVICE : POLICY_VERDICT_NO_RULE);
	if (want) {
		ck_assert_ptr_eq(rt.piece->rule, want);
		ck_assert_uint_le(rt.piece->first, fid);
		ck_assert_uint_ge(rt.piece->last, fid);
	}
	if (!policy_fid_reserved(fid))
		ck_assert_int_eq(policy_kvm_action(p, fid),
				 want ? policy_rule_filter_action(want) : policy_default_action(p));
	if (want && !strcmp(policy_rule_action_name(want), "return")) {
		struct policy_result r;

		decide(p, fid, &r);
		ck_assert_uint_eq(r.x[0], policy_rule_arg(want));
	}
}

/*
 * Differential: on random nested policies of 1 to 3,000 rules (the
 * largest some 3,300 pieces, three levels of tree, and more return values
 * than tree.c's actions table holds: wide slots), the lookup, the
 * route, the KVM action and a return rule's answer agree with a linear
 * scan of the rules at every rule's ends and their neighbours, at random
 * IDs in and around the rules, and anywhere.
 */
START_TEST(test_lookup_matches_linear_scan)
{
	static const unsigned sizes[] = { 1, 2, 5, 17, 40, 100, 300, 1000, 3000 };

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		for (uint32_t round = 0; round < (sizes[k] >= 1000 ? 2 : 6); round++) {
			struct gen g = {
				.t = { .s = malloc(64), .cap = 64 },
				.seed = 0x9E3779B9U ^ (sizes[k] * 2654435761U + round),
				.max = sizes[k],
			};
			uint64_t lo = 0x82000000U, hi = lo;
			struct policy *p;

			ck_assert_ptr_nonnull(g.t.s);
			text_add(&g.t, "[policy]\ndefault = %s\n", round % 2 ? "deny" : "kernel");
			if (round % 3 == 0) {	/* the ends of the ID space too */
				text_add(&g.t, "[rule lo]\nrange = 0x0-0x%X\naction = log\n", round);
				text_add(&g.t, "[rule hi]\nrange = 0x%08X-0xFFFFFFFF\naction = "
					 "return 0x1\n", 0xFFFFFFFFU - round * 7);
			}
			/* windows of 4,096 IDs until there are enough rules */
			for (; g.nrules < g.max; hi += 4096)
				gen_inside(&g, hi, hi + 4095, 4);
			p = load_ok(g.t.s);
			free(g.t.s);
			check_table(p);
			for (size_t j = 0; j < policy_nr_rules(p); j++) {
				const struct policy_rule *r = policy_rule_at(p, j);
				uint32_t f = policy_rule_first(r), l = policy_rule_last(r);

				check_against_scan(p, f);
				check_against_scan(p, l);
				check_against_scan(p, f - 1);	/* wraps at 0: fine */
				check_against_scan(p, l + 1);
			}
			for (unsigned q = 0; q < 300; q++) {
				uint32_t x = rnd(&g.seed);

				check_against_scan(p, (uint32_t)(lo - 64 + x % (hi - lo + 128)));
				if (q % 4 == 0)
					check_against_scan(p, x);
			}
			check_against_scan(p, 0);
			check_against_scan(p, UINT32_MAX);
			policy_free(p);
		}
}
END_TEST

/* ------------------------------------------------------------ diff */

static size_t diff(const char *a_text, const char *b_text, struct policy_change *out, size_t max)
{
	struct policy *a = load_ok(a_text), *b = load_ok(b_text);
	size_t n = policy_diff(a, b, out, max);

	/* Rules are only compared, never kept: names suffice afterwards. */
	for (size_t i = 0; i < n && i < max; i++) {
		out[i].old_rule = NULL;
		out[i].new_rule = NULL;
	}
	policy_free(a);
	policy_free(b);
	return n;
}

START_TEST(test_diff_carve_out)
{
	static const char outer_only[] =
		"[policy]\n[rule sip]\nrange = 0x82000000-0x8200FFFF\naction = log\n";
	struct policy *a = load_ok(outer_only), *b = load_ok(sip_carve_out);
	struct policy_change c[4];

	ck_assert_uint_eq(policy_diff(a, a, c, 4), 0);
	ck_assert_uint_eq(policy_diff(a, b, c, 4), 1);
	ck_assert_uint_eq(c[0].first, 0x82000010);
	ck_assert_uint_eq(c[0].last, 0x82000010);
	ck_assert_str_eq(policy_rule_name(c[0].old_rule), "sip");
	ck_assert_str_eq(policy_rule_name(c[0].new_rule), "sip-fixed");
	ck_assert_uint_eq(c[0].reasons, POLICY_CHANGE_HANDLING);
	policy_free(a);
	policy_free(b);

	/* A renamed rule with the same action is the same handling. */
	ck_assert_uint_eq(diff(outer_only, "[rule other-name]\nrange = 0x82000000-0x8200FFFF\n"
			       "action = log\n", c, 4), 0);
	/* Another return value is not. */
	ck_assert_uint_eq(diff("[rule r]\nrange = 0x83000000-0x830000FF\naction = return 1\n",
			       "[rule r]\nrange = 0x83000000-0x830000FF\naction = return 2\n",
			       c, 4), 1);
	ck_assert_uint_eq(c[0].first, 0x83000000);
	ck_assert_uint_eq(c[0].last, 0x830000FF);
	/* deny in KVM and an unnamed ID under default deny: the same. */
	ck_assert_uint_eq(diff("[rule r]\nrange = 0x83000000-0x830000FF\naction = deny\n",
			       "[policy]\n", c, 4), 0);
}
END_TEST

START_TEST(test_diff_psci_settings)
{
	static const char base[] =
		"[policy]\npsci_version = 1.1\npsci_functions = migrate_info_type, system_reset2\n"
		"on_reset = exit\n"
		"[rule psci32]\nrange = 0x84000000-0x8400001F\naction = psci\n"
		"[rule psci64]\nrange = 0xC4000000-0xC400001F\naction = psci\n";
	static const char v10[] =
		"[policy]\npsci_version = 1.0\npsci_functions = migrate_info_type\n"
		"on_reset = exit\n"
		"[rule psci32]\nrange = 0x84000000-0x8400001F\naction = psci\n"
		"[rule psci64]\nrange = 0xC4000000-0xC400001F\naction = psci\n";
	static const char restart[] =
		"[policy]\npsci_version = 1.1\npsci_functions = migrate_info_type, system_reset2\n"
		"on_reset = restart\n"
		"[rule psci32]\nrange = 0x84000000-0x8400001F\naction = psci\n"
		"[rule psci64]\nrange = 0xC4000000-0xC400001F\naction = psci\n";
	struct policy_change c[8];

	ck_assert_uint_eq(diff(base, v10, c, 8), 4);
	ck_assert_uint_eq(c[0].first, PSCI_VERSION);
	ck_assert_uint_eq(c[0].reasons, POLICY_CHANGE_PSCI_ANSWER);
	ck_assert_uint_eq(c[1].first, PSCI_FEATURES);
	ck_assert_uint_eq(c[1].reasons, POLICY_CHANGE_PSCI_ANSWER);
	ck_assert_uint_eq(c[2].first, PSCI_SYSTEM_RESET2);
	ck_assert_uint_eq(c[2].reasons, POLICY_CHANGE_PSCI_OFFER);
	ck_assert_uint_eq(c[3].first, PSCI_SYSTEM_RESET2_64);

	ck_assert_uint_eq(diff(base, restart, c, 8), 3);
	ck_assert_uint_eq(c[0].first, PSCI_SYSTEM_RESET);
	ck_assert_uint_eq(c[0].reasons, POLICY_CHANGE_ON_RESET);
	ck_assert_uint_eq(c[1].first, PSCI_SYSTEM_RESET2);
	ck_assert_uint_eq(c[2].first, PSCI_SYSTEM_RESET2_64);
}
END_TEST

START_TEST(test_diff_default)
{
	/* default kernel vs deny: everything but the rules and the reserved
	 * ranges, which KVM keeps whatever the policy says. */
	struct policy_change c[8];
	size_t n = diff("[policy]\ndefault = kernel\n[rule s]\nrange = 0x82000000-0x8200FFFF\n"
			"action = log\n",
			"[rule s]\nrange = 0x82000000-0x8200FFFF\naction = log\n", c, 8);

	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(c[0].first, 0);
	ck_assert_uint_eq(c[0].last, 0x7FFFFFFF);
	ck_assert_uint_eq(c[1].first, 0x80010000);
	ck_assert_uint_eq(c[1].last, 0x81FFFFFF);
	ck_assert_uint_eq(c[2].first, 0x82010000);
	ck_assert_uint_eq(c[2].last, 0xBFFFFFFF);
	ck_assert_uint_eq(c[3].first, 0xC0010000);
	ck_assert_uint_eq(c[3].last, 0xFFFFFFFF);
	/* A short buffer still gets the full count. */
	ck_assert_uint_eq(diff("[policy]\ndefault = kernel\n", "[policy]\n", c, 1), 3);
}
END_TEST

static Suite *table_suite(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("nesting");

	tcase_add_test(tc, test_inner_rule_wins);
	tcase_add_test(tc, test_order_in_file_does_not_matter);
	tcase_add_test(tc, test_deep_nesting_and_shared_ends);
	tcase_add_test(tc, test_crossing_rules_refused);
	tcase_add_test(tc, test_idle_rule_warnings);
	tcase_add_test(tc, test_filter_with_nested_actions);
	tcase_add_test(tc, test_psci_follows_the_table);
	tcase_add_test(tc, test_route_answer_args);
	suite_add_tcase(s, tc);

	tc = tcase_create("lookup");
	tcase_set_timeout(tc, 120);	/* 135,000 rules under ASan */
	tcase_add_test(tc, test_lookup_every_tree_shape);
	tcase_add_test(tc, test_lookup_ends_of_the_id_space);
	tcase_add_test(tc, test_lookup_matches_linear_scan);
	suite_add_tcase(s, tc);

	tc = tcase_create("diff");
	tcase_add_test(tc, test_diff_carve_out);
	tcase_add_test(tc, test_diff_psci_settings);
	tcase_add_test(tc, test_diff_default);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(table_suite());
}
