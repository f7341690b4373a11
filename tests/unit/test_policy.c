/*
 * Unit tests of the policy parser, range table and call decision.
 * Run from the repository root (reads configs/ and configs/bad/).
 */
#include <check.h>

#include "check-main.h"
#include "fake-platform.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm-handlers.h"
#include "policy-load.h"
#include "policy.h"
#include "smccc.h"

static const char *decision(const struct policy_result *r)
{
	return policy_decision_name(r->decision);
}

static void call(const struct policy *p, uint64_t x0, uint64_t x1, struct policy_result *r)
{
	struct policy_call c = { .x = { x0, x1, 0xAAAA, 0xBBBB }, .vcpu = 0 };

	fake_reset();
	policy_decide(p, &fake_plat, &c, r);
}

/* ------------------------------------------------------------- loading */

START_TEST(test_bad_configs)
{
	DIR *d = opendir("configs/bad");
	struct dirent *e;
	unsigned n = 0;

	ck_assert_msg(d, "run the tests from the repository root");
	while ((e = readdir(d))) {
		char path[512], err[512] = "", expect[256], prefix[600], first[512];
		unsigned line;
		struct policy *p;
		size_t len = strlen(e->d_name);
		FILE *f;

		if (len < 6 || strcmp(e->d_name + len - 5, ".conf"))
			continue;
		snprintf(path, sizeof(path), "configs/bad/%s", e->d_name);
		f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		ck_assert_ptr_nonnull(fgets(first, sizeof(first), f));
		fclose(f);
		first[strcspn(first, "\n")] = '\0';
		ck_assert_msg(sscanf(first, "# expect: %u: %255[^\n]", &line, expect) == 2,
			      "%s: no '# expect: LINE: text' header", path);

		p = policy_load_file(path, err, sizeof(err));
		ck_assert_msg(!p, "%s loaded", path);
		snprintf(prefix, sizeof(prefix), "%s:%u: ", path, line);
		ck_assert_msg(!strncmp(err, prefix, strlen(prefix)), "%s: got '%s', want line %u",
			      path, err, line);
		ck_assert_msg(strstr(err, expect), "%s: got '%s', want '%s'", path, err, expect);
		n++;
	}
	closedir(d);
	ck_assert_uint_ge(n, 30);
}
END_TEST

/* Every shipped policy, configs/NAME.conf: fills names, returns how many. */
static size_t shipped(char names[][128], size_t max)
{
	DIR *d = opendir("configs");
	struct dirent *e;
	size_t n = 0;

	ck_assert_msg(d, "run the tests from the repository root");
	while ((e = readdir(d)) && n < max) {
		size_t len = strlen(e->d_name);

		if (len > 5 && !strcmp(e->d_name + len - 5, ".conf"))
			snprintf(names[n++], 128, "configs/%s", e->d_name);
	}
	closedir(d);
	return n;
}

START_TEST(test_shipped_configs)
{
	char names[32][128];
	size_t n = shipped(names, 32);

	ck_assert_uint_ge(n, 8);
	for (size_t i = 0; i < n; i++) {
		char err[512] = "";
		struct policy *p = policy_load_file(names[i], err, sizeof(err));

		ck_assert_msg(p, "%s: %s", names[i], err);
		ck_assert_str_eq(policy_source(p), names[i]);
		ck_assert_msg(!policy_warning(p, 0), "%s: %s", names[i], policy_warning(p, 0));
		ck_assert_ptr_nonnull(policy_lookup(p, PSCI_VERSION));
		policy_free(p);
	}
}
END_TEST

START_TEST(test_shipped_settings)
{
	char err[512];
	struct policy *p;
	const struct policy_rule *r;

	p = policy_load_file("configs/default.conf", err, sizeof(err));
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(policy_conduit(p), POLICY_CONDUIT_HVC);
	ck_assert_uint_eq(policy_psci_version(p), 0x10001);
	ck_assert_int_eq(policy_on_reset(p), POLICY_RESET_EXIT);
	ck_assert(policy_psci_in_user(p));
	ck_assert_int_eq(policy_default_action(p), POLICY_FILTER_DENY);
	ck_assert(policy_psci_offered(p, PSCI_SYSTEM_RESET2_64));
	ck_assert(policy_psci_offered(p, PSCI_MIGRATE_INFO_TYPE));
	policy_free(p);

	p = policy_load_file("configs/smc.conf", err, sizeof(err));
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(policy_conduit(p), POLICY_CONDUIT_SMC);
	policy_free(p);

	p = policy_load_file("configs/strict.conf", err, sizeof(err));
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(policy_psci_version(p), 0x10000);
	ck_assert(policy_psci_offered(p, PSCI_VERSION));
	ck_assert(policy_psci_offered(p, PSCI_CPU_ON_64));
	ck_assert(policy_psci_offered(p, PSCI_FEATURES));
	ck_assert(!policy_psci_offered(p, PSCI_MIGRATE_INFO_TYPE));
	ck_assert(!policy_psci_offered(p, PSCI_SYSTEM_RESET2));
	ck_assert(!policy_psci_offered(p, PSCI_CPU_OFF | SMCCC_SMC64)); /* no 64-bit CPU_OFF */
	policy_free(p);

	p = policy_load_file("configs/kernel-psci.conf", err, sizeof(err));
	ck_assert_ptr_nonnull(p);
	ck_assert(!policy_psci_in_user(p));
	r = policy_lookup(p, PSCI_CPU_ON);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(policy_rule_action_name(r), "kernel");
	policy_free(p);

	p = policy_load_file("configs/sip-return.conf", err, sizeof(err));
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(policy_on_reset(p), POLICY_RESET_RESTART);
	ck_assert_uint_eq(policy_nr_rules(p), 5);
	r = policy_lookup(p, 0xC400001F);
	ck_assert_str_eq(policy_rule_name(r), "psci64");
	ck_assert_uint_eq(policy_rule_first(r), 0xC4000000);
	ck_assert_uint_eq(policy_rule_last(r), 0xC400001F);
	policy_free(p);
}
END_TEST

START_TEST(test_io_error)
{
	char err[512] = "";

	ck_assert_ptr_null(policy_load_file("configs/does-not-exist.conf", err, sizeof(err)));
	ck_assert_str_eq(err, "configs/does-not-exist.conf: No such file or directory");
}
END_TEST

START_TEST(test_inline_errors)
{
	load_fails("[policy]\nconduit = hvc\n\n\n[bogus]\n", 5, "unknown section [bogus]");
	/* CRLF line ends count the same. */
	load_fails("[policy]\r\nconduit = hvc\r\nconduct = hvc\r\n", 3, "unknown key 'conduct'");
	load_fails("[rule a]\nrange = 0x82000000-0x8200000F\naction = deny\n"
		   "[rule b]\nrange = 0x82000010\naction = deny\n"
		   "[rule c]\nbase = 0x82000008\ncount = 9\naction = log\n",
		   9, "rule 'c' (0x82000008-0x82000010) overlaps rule 'a'");
	/* The rule declared later is the one blamed, naming the other's line. */
	load_fails("[rule hi]\nrange = 0x82000100-0x820001FF\naction = deny\n"
		   "[rule lo]\nrange = 0x82000000-0x82000100\naction = deny\n",
		   5, "overlaps rule 'hi' (0x82000100-0x820001FF, line 1)");
	load_fails("[rule w]\nbase = 0xFFFFFFFF\ncount = 2\naction = deny\n", 3,
		   "wraps past 0xFFFFFFFF");
	load_fails("[rule w]\ncount = 2\nbase = 0xFFFFFFFF\naction = deny\n", 3,
		   "wraps past 0xFFFFFFFF");
	load_fails("[rule r]\nrange = 0xC000FFFF-0xC0010000\naction = kernel\n", 2,
		   "reserved Arm architecture range");
	load_fails("[rule r]\nrange = 0x7FFFFFFF-0x80000000\naction = deny\n", 2,
		   "reserved Arm architecture range");
	load_fails("[rule n]\nrange = 0x-0x10\naction = deny\n", 2, "no digits after 0x");
	load_fails("[rule n]\nrange = 12-\naction = deny\n", 2, "empty number");
	load_fails("[rule n]\nrange = 4294967296\naction = deny\n", 2, "number too large");
	load_fails("[rule n]\nrange = 1 2\naction = deny\n", 2, "trailing junk");
	load_fails("[rule n]\nrange = -1\naction = deny\n", 2, "empty number");
	load_fails("[rule n]\nbase = 0x10\ncount = 0x\naction = deny\n", 3, "no digits");
	load_fails("[rule n]\nrange = 0x10\naction = return -9223372036854775809\n", 3,
		   "does not fit in 64 bits");
	load_fails("[rule n]\nrange = 0x10\naction = return 18446744073709551616\n", 3,
		   "does not fit in 64 bits");
	load_fails("[rule n]\nrange = 0x10\naction = return -0x80000001\n", 3,
		   "does not fit in W0");
	load_fails("[rule n]\nrange = 0x10\naction = return 0x\n", 3, "bad return value");
	load_fails("[rule n]\nrange = 0x10\naction =\n", 3, "unknown action ''");
	load_fails("[rule n]\nrange = 0x10\naction = Returns 1\n", 3, "unknown action 'Returns'");
	load_fails("[policy]\n[rule x]\nrange = 1\naction = deny\n[rule y]\n", 5,
		   "rule 'y' has no range");
	load_fails("[policy]\n[rule x]\nrange = 1\n", 2, "rule 'x' has no action");
	load_fails("[policy]\n[rule x]\ncount = 4\naction = deny\n", 3, "count without base");
	load_fails("[policy]\npsci_functions = cpu_on,,cpu_off\n", 2, "empty name");
	load_fails("[policy]\npsci_functions = cpu_on, cpu_on\n", 2, "listed twice");
	load_fails("[policy]\npsci_functions = migrate\n", 2, "not implemented");
	load_fails("[policy]\npsci_version = 1\n", 2, "psci_version: '1' is not");
	load_fails("[policy]\nupper32_check = no\n", 2, "cannot be set to 'no'");
	load_fails("[policy]\nallow_32bit_aliases = yes\n", 2, "32-bit function-ID rule");
	/* Syntax errors come back with their line too. */
	load_fails("[policy]\nconduit = hvc\njunk\n", 3, "syntax error");
	load_fails("[policy] trailing\n", 1, "unexpected text after ']'");
	load_fails("[policy]\n[rule x]\nrange = 1\naction = deny\n= 3\n", 5, "'=' without a key");
	/* Only the first error is reported. */
	load_fails("[policy]\nconduit = x\npsci_version = y\n", 2, "conduit");
	/* Errors come in the order a reader meets them: the syntax error at
	 * line 4 before rule x's missing action, found when its section ends. */
	load_fails("[policy]\n[rule x]\nrange = 1\nfoo\n[rule y]\n", 4, "syntax error");
	load_fails("[policy]\n[rule x]\nrange = 1\n[rule y]\nfoo\n", 2, "has no action");
}
END_TEST

START_TEST(test_defaults_and_warnings)
{
	struct policy *p = load_ok("[policy]\n");

	/* No rules: everything denied, defaults as documented. */
	ck_assert_int_eq(policy_conduit(p), POLICY_CONDUIT_HVC);
	ck_assert_uint_eq(policy_psci_version(p), PSCI_VERSION_1_1);
	ck_assert_int_eq(policy_on_reset(p), POLICY_RESET_EXIT);
	ck_assert(!policy_psci_in_user(p));
	ck_assert_uint_eq(policy_nr_rules(p), 0);
	ck_assert_ptr_nonnull(policy_warning(p, 0));	/* nothing covers PSCI */
	ck_assert_ptr_nonnull(strstr(policy_warning(p, 0), "t.conf:1: warning:"));
	ck_assert_ptr_null(policy_warning(p, 1));
	policy_free(p);

	p = load_ok("[policy]\ndefault = kernel\npsci_functions = system_reset2\n"
		    "[rule p]\nrange = 0x84000000-0x8400001F\naction = kernel\n");
	ck_assert_int_eq(policy_default_action(p), POLICY_FILTER_HANDLE);
	ck_assert_ptr_nonnull(strstr(policy_warning(p, 0), "t.conf:2: warning: default = kernel"));
	ck_assert_ptr_nonnull(strstr(policy_warning(p, 1), "t.conf:3: warning: psci_functions"));
	ck_assert_ptr_null(policy_warning(p, 2));
	policy_free(p);

	/* Keywords are case-insensitive; a NULL name gets a placeholder. */
	{
		char err[256];

		p = policy_load_string("[policy]\nconduit = SMC\n", NULL, err, sizeof(err));
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(policy_conduit(p), POLICY_CONDUIT_SMC);
		ck_assert_str_eq(policy_source(p), "<string>");
		policy_free(p);
	}
}
END_TEST

/* ------------------------------------------------------- rules, lookup */

static const char four_rules[] =
	"[policy]\n"
	"[rule oem]\nrange = 0x83000000-0x830000FF\naction = log\n"		/* 2 */
	"[rule sip]\nbase = 0x82000000\ncount = 0x10000\naction = return -1\n"	/* 5 */
	"[rule one]\nrange = 0x86000005\naction = forward-deny\n"		/* 9 */
	"[rule psci]\nrange = 0x84000000-0x8400001F\naction = psci\n";		/* 12 */

START_TEST(test_rules_sorted)
{
	struct policy *p = load_ok(four_rules);
	static const char *const order[] = { "sip", "oem", "psci", "one" };
	static const unsigned lines[] = { 5, 2, 12, 9 };
	static const char *const actions[] = { "return", "log", "psci", "forward-deny" };
	size_t i;

	ck_assert_uint_eq(policy_nr_rules(p), 4);
	for (i = 0; i < 4; i++) {
		const struct policy_rule *r = policy_rule_at(p, i);

		ck_assert_str_eq(policy_rule_name(r), order[i]);
		ck_assert_uint_eq(policy_rule_line(r), lines[i]);
		ck_assert_str_eq(policy_rule_action_name(r), actions[i]);
		ck_assert_int_eq(policy_rule_filter_action(r), POLICY_FILTER_FWD);
	}
	ck_assert_ptr_null(policy_rule_at(p, 4));
	ck_assert_uint_eq(policy_rule_first(policy_rule_at(p, 0)), 0x82000000);
	ck_assert_uint_eq(policy_rule_last(policy_rule_at(p, 0)), 0x8200FFFF);
	ck_assert_uint_eq(policy_rule_first(policy_rule_at(p, 3)), 0x86000005);
	ck_assert_uint_eq(policy_rule_last(policy_rule_at(p, 3)), 0x86000005);
	policy_free(p);
}
END_TEST

START_TEST(test_lookup_edges)
{
	struct policy *p = load_ok(four_rules);
	static const struct { uint32_t fid; const char *name; } cases[] = {
		{ 0x00000000, NULL }, { 0x81FFFFFF, NULL }, { 0x82000000, "sip" },
		{ 0x8200FFFF, "sip" }, { 0x82010000, NULL }, { 0x82FFFFFF, NULL },
		{ 0x83000000, "oem" }, { 0x830000FF, "oem" }, { 0x83000100, NULL },
		{ 0x83FFFFFF, NULL }, { 0x84000000, "psci" }, { 0x8400001F, "psci" },
		{ 0x84000020, NULL }, { 0x86000004, NULL }, { 0x86000005, "one" },
		{ 0x86000006, NULL }, { 0xC4000000, NULL }, { 0xFFFFFFFF, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct policy_rule *r = policy_lookup(p, cases[i].fid);

		if (!cases[i].name)
			ck_assert_msg(!r, "0x%08X: found %s", cases[i].fid, policy_rule_name(r));
		else
			ck_assert_msg(r && !strcmp(policy_rule_name(r), cases[i].name),
				      "0x%08X: want %s", cases[i].fid, cases[i].name);
	}
	policy_free(p);

	p = load_ok("[rule all-low]\nrange = 0-0x7FFFFFFF\naction = deny\n"
		    "[rule top]\nrange = 0xFFFFFFFF\naction = deny\n");
	ck_assert_str_eq(policy_rule_name(policy_lookup(p, 0)), "all-low");
	ck_assert_str_eq(policy_rule_name(policy_lookup(p, 0x7FFFFFFF)), "all-low");
	ck_assert_ptr_null(policy_lookup(p, 0x80000000));
	ck_assert_ptr_null(policy_lookup(p, 0xFFFFFFFE));
	ck_assert_str_eq(policy_rule_name(policy_lookup(p, 0xFFFFFFFF)), "top");
	policy_free(p);
}
END_TEST

/* ------------------------------------------------------- filter ranges */

static int reserved(uint64_t fid)
{
	return (fid >= SMCCC_KVM_RESERVED32_FIRST && fid <= SMCCC_KVM_RESERVED32_LAST) ||
	       (fid >= SMCCC_KVM_RESERVED64_FIRST && fid <= SMCCC_KVM_RESERVED64_LAST);
}

/* Sorted, disjoint, merged, reserved left out, everything else covered once;
 * and every ID gets the action of its rule or the default. */
static void check_cover(const struct policy *p)
{
	size_t n = policy_filter_ranges(p, NULL, 0), i, j;
	struct policy_filter_range *f = calloc(n, sizeof(*f));
	uint64_t next = 0, total = 0;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(policy_filter_ranges(p, f, n), n);
	for (i = 0; i < n; i++) {
		uint64_t first = f[i].base, last = first + f[i].nr - 1;

		ck_assert_uint_gt(f[i].nr, 0);
		ck_assert_uint_le(last, 0xFFFFFFFFULL);
		ck_assert_uint_ge(first, next);
		/* a gap between ranges may only be a reserved range */
		for (; next < first; next += 0x10000)
			ck_assert_msg(reserved(next), "0x%llx uncovered", (unsigned long long)next);
		ck_assert(!reserved(first) && !reserved(last));
		if (i && f[i - 1].base + (uint64_t)f[i - 1].nr == first)
			ck_assert_msg(f[i - 1].action != f[i].action, "unmerged at 0x%08X", f[i].base);
		/* spot-check each range's ends against the rules */
		for (j = 0; j < 2; j++) {
			uint32_t fid = (uint32_t)(j ? last : first);
			const struct policy_rule *r = policy_lookup(p, fid);

			ck_assert_int_eq(f[i].action, r ? policy_rule_filter_action(r) :
						      policy_default_action(p));
		}
		total += f[i].nr;
		next = last + 1;
	}
	ck_assert_uint_eq(next, 0x100000000ULL);
	ck_assert_uint_eq(total, 0x100000000ULL - 2 * 0x10000);
	free(f);
}

START_TEST(test_filter_default_conf)
{
	char err[256];
	struct policy *p = policy_load_file("configs/default.conf", err, sizeof(err));
	struct policy_filter_range f[12];
	/* PSCI and TRNG forwarded, both widths; the rest denied. */
	static const struct policy_filter_range want[] = {
		{ 0x00000000, 0x80000000, POLICY_FILTER_DENY },
		{ 0x80010000, 0x03FF0000, POLICY_FILTER_DENY },
		{ 0x84000000, 0x20, POLICY_FILTER_FWD },
		{ 0x84000020, 0x30, POLICY_FILTER_DENY },
		{ 0x84000050, 0x10, POLICY_FILTER_FWD },
		{ 0x84000060, 0x3C000000 - 0x60, POLICY_FILTER_DENY },
		{ 0xC0010000, 0x03FF0000, POLICY_FILTER_DENY },
		{ 0xC4000000, 0x20, POLICY_FILTER_FWD },
		{ 0xC4000020, 0x30, POLICY_FILTER_DENY },
		{ 0xC4000050, 0x10, POLICY_FILTER_FWD },
		{ 0xC4000060, 0x3C000000 - 0x60, POLICY_FILTER_DENY },
	};
	size_t n, i;

	ck_assert_ptr_nonnull(p);
	n = policy_filter_ranges(p, f, 12);
	ck_assert_uint_eq(n, 11);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(f[i].base, want[i].base);
		ck_assert_uint_eq(f[i].nr, want[i].nr);
		ck_assert_int_eq(f[i].action, want[i].action);
	}
	check_cover(p);
	/* A short buffer gets the first entries and the full count. */
	memset(f, 0xEE, sizeof(f));
	ck_assert_uint_eq(policy_filter_ranges(p, f, 2), 11);
	ck_assert_uint_eq(f[1].base, 0x80010000);
	ck_assert_uint_eq(f[2].base, 0xEEEEEEEE);
	policy_free(p);
}
END_TEST

START_TEST(test_filter_merge)
{
	/* Adjacent rules with the same filter action merge, also with the
	 * default around them: deny rules under default deny vanish. */
	struct policy *p = load_ok(
		"[rule a]\nrange = 0x82000000-0x820000FF\naction = deny\n"
		"[rule b]\nrange = 0x82000100-0x8200FFFF\naction = deny\n"
		"[rule c]\nrange = 0x83000000-0x830000FF\naction = log\n"
		"[rule d]\nrange = 0x83000100-0x830001FF\naction = return 7\n"
		"[rule e]\nrange = 0x83000200-0x830002FF\naction = kernel\n");
	struct policy_filter_range f[16];
	size_t n = policy_filter_ranges(p, f, 16);

	ck_assert_uint_eq(n, 6);
	ck_assert_uint_eq(f[0].base, 0);
	ck_assert_uint_eq(f[0].nr, 0x80000000);
	ck_assert_uint_eq(f[1].base, 0x80010000);
	ck_assert_uint_eq(f[1].nr, 0x83000000 - 0x80010000);
	ck_assert_int_eq(f[1].action, POLICY_FILTER_DENY);
	ck_assert_uint_eq(f[2].base, 0x83000000);	/* c + d: both forwarded */
	ck_assert_uint_eq(f[2].nr, 0x200);
	ck_assert_int_eq(f[2].action, POLICY_FILTER_FWD);
	ck_assert_uint_eq(f[3].base, 0x83000200);
	ck_assert_uint_eq(f[3].nr, 0x100);
	ck_assert_int_eq(f[3].action, POLICY_FILTER_HANDLE);
	ck_assert_uint_eq(f[4].base, 0x83000300);
	ck_assert_uint_eq(f[5].base, 0xC0010000);
	ck_assert_uint_eq((uint64_t)f[5].base + f[5].nr, 0x100000000ULL);
	check_cover(p);
	policy_free(p);

	/* Rules touching the reserved ranges and the ends of the space. */
	p = load_ok("[policy]\ndefault = kernel\n"
		    "[rule lo]\nrange = 0-0x7FFFFFFF\naction = deny\n"
		    "[rule mid]\nrange = 0x80010000-0xBFFFFFFF\naction = log\n"
		    "[rule p64]\nrange = 0xC4000000-0xC400001F\naction = psci\n"
		    "[rule hi]\nrange = 0xFFFFFFFF\naction = deny\n");
	check_cover(p);
	policy_free(p);
}
END_TEST

START_TEST(test_filter_cover_shipped)
{
	char names[32][128];
	size_t n = shipped(names, 32);

	for (size_t i = 0; i < n; i++) {
		char err[256];
		struct policy *p = policy_load_file(names[i], err, sizeof(err));

		ck_assert_msg(p, "%s", err);
		check_cover(p);
		policy_free(p);
	}
	{
		struct policy *p = load_ok("[policy]\n");

		check_cover(p);
		ck_assert_uint_eq(policy_filter_ranges(p, NULL, 0), 3);
		policy_free(p);
	}
}
END_TEST

/* ------------------------------------------------------------- decide */

START_TEST(test_upper32_rule)
{
	struct policy *p = load_ok(four_rules);
	struct policy_result r;

	/* The ID is W0: anything in X0[63:32] is refused, whatever W0 is. */
	call(p, 0x0000000184000000ULL, 0, &r);
	ck_assert_str_eq(decision(&r), "upper32");
	ck_assert_uint_eq(r.x[0], ALL_ONES);
	ck_assert_ptr_null(r.rule);
	ck_assert_uint_eq(r.nr_ret, 1);
	ck_assert_uint_eq(r.nr_args, 0);

	call(p, 0x0000000182000000ULL, 0, &r);	/* a return range */
	ck_assert_str_eq(decision(&r), "upper32");
	ck_assert_uint_eq(r.x[0], ALL_ONES);

	call(p, 0xFFFFFFFF84000000ULL, 0, &r);
	ck_assert_str_eq(decision(&r), "upper32");
	call(p, 0x8000000000000000ULL, 0, &r);
	ck_assert_str_eq(decision(&r), "upper32");

	/* The same IDs with a clean X0 get their rules. */
	call(p, 0x82000000ULL, 0, &r);
	ck_assert_str_eq(decision(&r), "return");
	policy_free(p);
}
END_TEST

START_TEST(test_decide_verdicts)
{
	struct policy *p = load_ok(
		"[rule sip]\nrange = 0x82000000-0x8200FFFF\naction = return 0x1234\n"
		"[rule sip64]\nrange = 0xC2000000-0xC200FFFF\naction = return 0xFFFFFFFF00000001\n"
		"[rule neg]\nrange = 0x83000000\naction = return -3\n"
		"[rule oem]\nrange = 0x83000001-0x8300FFFF\naction = log\n"
		"[rule fd]\nrange = 0x86000000-0x8600FFFF\naction = forward-deny\n"
		"[rule k]\nrange = 0x84000060-0x840000FF\naction = kernel\n"
		"[rule d]\nrange = 0x85000000-0x8500FFFF\naction = deny\n"
		"[rule p64]\nrange = 0xC4000000-0xC400001F\naction = psci\n");
	struct policy_result r;

	call(p, 0x82000010, 5, &r);
	ck_assert_str_eq(decision(&r), "return");
	ck_assert_uint_eq(r.x[0], 0x1234);
	ck_assert_uint_eq(r.nr_ret, 1);	/* X0 only is written back */
	ck_assert_uint_eq(r.nr_args, 0);
	ck_assert_str_eq(policy_rule_name(r.rule), "sip");

	call(p, 0xC2000010, 5, &r);
	ck_assert_uint_eq(r.x[0], 0xFFFFFFFF00000001ULL);

	call(p, 0x83000000, 0, &r);
	ck_assert_uint_eq(r.x[0], (uint64_t)-3);

	call(p, 0x8300FFFF, 0, &r);
	ck_assert_str_eq(decision(&r), "log");
	ck_assert_uint_eq(r.x[0], ALL_ONES);
	ck_assert_uint_eq(r.nr_args, 3);	/* log reports X1..X3 */

	call(p, 0x86000001, 0, &r);
	ck_assert_str_eq(decision(&r), "deny");
	ck_assert_uint_eq(r.x[0], ALL_ONES);

	call(p, 0x84000060, 0, &r);
	ck_assert_str_eq(decision(&r), "not-forwarded");
	ck_assert_uint_eq(r.x[0], ALL_ONES);
	call(p, 0x85000000, 0, &r);
	ck_assert_str_eq(decision(&r), "not-forwarded");

	call(p, 0x87000000, 0, &r);
	ck_assert_str_eq(decision(&r), "no-rule");
	ck_assert_uint_eq(r.x[0], ALL_ONES);
	ck_assert_ptr_null(r.rule);

	/* PSCI_VERSION has no SMC64 variant: NOT_SUPPORTED from the service. */
	call(p, PSCI_VERSION | SMCCC_SMC64, 0, &r);
	ck_assert_str_eq(decision(&r), "psci");
	ck_assert_uint_eq(r.x[0], ALL_ONES);
	policy_free(p);
}
END_TEST

START_TEST(test_decision_names)
{
	ck_assert_str_eq(policy_decision_name(policy_verdict_decision(POLICY_VERDICT_UPPER32)),
			 "upper32");
	ck_assert_str_eq(policy_decision_name(policy_verdict_decision(POLICY_VERDICT_NO_RULE)),
			 "no-rule");
	/* Every service has a decision of its own index, with a name. */
	for (unsigned d = 0; d < policy_nr_decisions(); d++)
		ck_assert_str_ne(policy_decision_name(d), "?");
	ck_assert_str_eq(policy_decision_name(policy_nr_decisions()), "?");
}
END_TEST

/* What KVM answers for IDs a kernel rule hands it (kvm-handlers.h). */
START_TEST(test_kvm_handlers)
{
	ck_assert_ptr_nonnull(kvm_handler_find(PSCI_CPU_ON_64, PSCI_VERSION_0_2));
	ck_assert_ptr_null(kvm_handler_find(PSCI_FEATURES, PSCI_VERSION_0_2));
	ck_assert_ptr_nonnull(kvm_handler_find(PSCI_FEATURES, PSCI_VERSION_1_0));
	ck_assert_ptr_null(kvm_handler_find(PSCI_SYSTEM_RESET2, PSCI_VERSION_1_0));
	ck_assert_ptr_nonnull(kvm_handler_find(PSCI_SYSTEM_RESET2_64, PSCI_VERSION_1_1));
	ck_assert_ptr_null(kvm_handler_find(PSCI_SYSTEM_SUSPEND, PSCI_VERSION_1_1));
	ck_assert_ptr_null(kvm_handler_find(PSCI_MIGRATE, PSCI_VERSION_1_1));
	ck_assert_ptr_nonnull(kvm_handler_find(TRNG_RND64, PSCI_VERSION_1_1));
	ck_assert_ptr_null(kvm_handler_find(TRNG_RND64 - 1, PSCI_VERSION_1_1));
	ck_assert_ptr_nonnull(kvm_handler_find(0x8600FF01, PSCI_VERSION_1_1));
	ck_assert_ptr_nonnull(kvm_handler_find(0xC5000021, PSCI_VERSION_1_1));
	ck_assert_ptr_null(kvm_handler_find(0x82000000, PSCI_VERSION_1_1));	/* SiP */
	ck_assert(!kvm_handler_in_range(0x84000060, 0x840000FF, PSCI_VERSION_1_1));	/* FF-A */
	ck_assert(!kvm_handler_in_range(0x84000020, 0x8400003F, PSCI_VERSION_1_1));	/* SDEI */
	ck_assert(kvm_handler_in_range(0x86000000, 0x8600FFFF, PSCI_VERSION_1_1));
	ck_assert(kvm_handler_in_range(0, 0xFFFFFFFF, PSCI_VERSION_0_2));
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, test_bad_configs);
	tcase_add_test(tc, test_shipped_configs);
	tcase_add_test(tc, test_shipped_settings);
	tcase_add_test(tc, test_io_error);
	tcase_add_test(tc, test_inline_errors);
	tcase_add_test(tc, test_defaults_and_warnings);
	suite_add_tcase(s, tc);

	tc = tcase_create("ranges");
	tcase_add_test(tc, test_rules_sorted);
	tcase_add_test(tc, test_lookup_edges);
	tcase_add_test(tc, test_filter_default_conf);
	tcase_add_test(tc, test_filter_merge);
	tcase_add_test(tc, test_filter_cover_shipped);
	suite_add_tcase(s, tc);

	tc = tcase_create("decide");
	tcase_add_test(tc, test_upper32_rule);
	tcase_add_test(tc, test_decide_verdicts);
	tcase_add_test(tc, test_decision_names);
	tcase_add_test(tc, test_kvm_handlers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(policy_suite());
}
