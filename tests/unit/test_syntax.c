/*
 * Unit tests of the policy file's lexical story (lex.h) and its numbers
 * (number.h): comments anywhere, one case rule, indentation, decimal with
 * leading zeros, booleans; no limit on file size or line length (a
 * generated 100,000-rule file, timed).  Run from the repository root.
 */
#include <check.h>

#include "check-main.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "number.h"
#include "policy-load.h"
#include "policy.h"
#include "smccc.h"

/* A temporary file holding len bytes of text; the caller unlinks it. */
static void write_temp(char *path, size_t size, const char *text, size_t len)
{
	int fd;

	snprintf(path, size, "/tmp/test_syntax.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

/* --------------------------------------------------------------- numbers */

START_TEST(test_numbers)
{
	static const struct { const char *s; uint64_t max; int ret; uint64_t v; const char *why; }
	cases[] = {
		{ "0", UINT64_MAX, 0, 0, NULL },
		{ "010", UINT64_MAX, 0, 10, NULL },		/* decimal, never octal */
		{ "0009", UINT64_MAX, 0, 9, NULL },
		{ "0x10", UINT64_MAX, 0, 16, NULL },
		{ "0X1f", UINT64_MAX, 0, 31, NULL },
		{ "0x00FF", UINT64_MAX, 0, 255, NULL },
		{ "18446744073709551615", UINT64_MAX, 0, UINT64_MAX, NULL },
		{ "0xFFFFFFFFFFFFFFFF", UINT64_MAX, 0, UINT64_MAX, NULL },
		{ "18446744073709551616", UINT64_MAX, -ERANGE, 0, "number too large" },
		{ "256", 255, -ERANGE, 0, "number too large" },
		{ "255", 255, 0, 255, NULL },
		{ "", UINT64_MAX, -EINVAL, 0, "empty number" },
		{ "0x", UINT64_MAX, -EINVAL, 0, "no digits after 0x" },
		{ "1 2", UINT64_MAX, -EINVAL, 0, "trailing junk" },
		{ "12k", UINT64_MAX, -EINVAL, 0, "trailing junk" },
		{ "-1", UINT64_MAX, -EINVAL, 0, "not a number" },
		{ "+1", UINT64_MAX, -EINVAL, 0, "not a number" },
		{ " 1", UINT64_MAX, -EINVAL, 0, "not a number" },
		{ "0b1", UINT64_MAX, -EINVAL, 0, "trailing junk" },
		{ "1a", UINT64_MAX, -EINVAL, 0, "trailing junk" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = NULL;
		uint64_t v = 0xDEAD;
		int r = number_parse_unsigned(cases[i].s, cases[i].max, &v, &why);

		ck_assert_msg(r == cases[i].ret, "'%s': %d", cases[i].s, r);
		if (!r)
			ck_assert_msg(v == cases[i].v, "'%s': %llu", cases[i].s,
				      (unsigned long long)v);
		else
			ck_assert_msg(strstr(why, cases[i].why), "'%s': %s", cases[i].s, why);
	}
}
END_TEST

START_TEST(test_signed_numbers)
{
	const char *why;
	uint64_t v;

	ck_assert_int_eq(number_parse_signed("-1", &v, &why), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(number_parse_signed("-0x10", &v, &why), 0);
	ck_assert_uint_eq(v, (uint64_t)-16);
	ck_assert_int_eq(number_parse_signed("-010", &v, &why), 0);
	ck_assert_uint_eq(v, (uint64_t)-10);
	ck_assert_int_eq(number_parse_signed("-9223372036854775808", &v, &why), 0);
	ck_assert_uint_eq(v, 1ULL << 63);
	ck_assert_int_eq(number_parse_signed("-9223372036854775809", &v, &why), -ERANGE);
	ck_assert_int_eq(number_parse_signed("18446744073709551615", &v, &why), 0);
	ck_assert_int_eq(number_parse_signed("--1", &v, &why), -EINVAL);
	ck_assert_int_eq(number_parse_signed("-", &v, &why), -EINVAL);
	ck_assert_str_eq(why, "empty number");
}
END_TEST

/* ------------------------------------------------------------- comments */

START_TEST(test_comments_anywhere)
{
	/* '#' and ';', on their own line or after a value, mean the same. */
	struct policy *p = load_ok(
		"# a comment\n"
		"; another\n"
		"[policy]   # the settings\n"
		"conduit = smc # the conduit\n"
		"psci_version = 1.0;no blank before it\n"
		"on_reset = restart ; why\n"
		"[rule sip]  ; SiP\n"
		"range = 0x82000000-0x8200FFFF # all of SiP32\n"
		"action = return 0x12#fixed\n"
		"[rule psci] # the rest\n"
		"range = 0x84000000-0x8400001F ; PSCI\n"
		"action = psci    # emulated\n");
	const struct policy_rule *r;

	ck_assert_int_eq(policy_conduit(p), POLICY_CONDUIT_SMC);
	ck_assert_uint_eq(policy_psci_version(p), PSCI_VERSION_1_0);
	ck_assert_int_eq(policy_on_reset(p), POLICY_RESET_RESTART);
	r = policy_lookup(p, 0x82000000);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(policy_rule_arg(r), 0x12);
	ck_assert_uint_eq(policy_rule_last(r), 0x8200FFFF);
	policy_free(p);

	/* A comment cannot hide a missing value. */
	load_fails("[policy]\nconduit = # smc\n", 2, "conduit: '' is not hvc or smc");
	load_fails("[rule a]\nrange = 0x82000000 # -0x8200FFFF\naction = deny # log\n"
		   "[rule b]\nrange = 0x82000000\naction = log\n", 5, "same range");
}
END_TEST

/* ------------------------------------------------------------------ case */

START_TEST(test_case_rule)
{
	/* Everything the format defines compares without case: sections,
	 * keys, values, action words, PSCI function names.  Rule names are
	 * kept as written. */
	struct policy *p = load_ok(
		"[POLICY]\n"
		"Conduit = SMC\n"
		"PSCI_Version = 1.1\n"
		"psci_FUNCTIONS = Migrate_Info_Type, SYSTEM_RESET2\n"
		"On_Reset = Exit\n"
		"Default = DENY\n"
		"UPPER32_CHECK = Yes\n"
		"[Rule Psci32]\n"
		"RANGE = 0X84000000-0x8400001f\n"
		"Action = PSCI\n"
		"[RULE Sip]\n"
		"Base = 0x82000000\n"
		"COUNT = 0x10\n"
		"ACTION = Return 0XAB\n");
	const struct policy_rule *r;

	ck_assert_int_eq(policy_conduit(p), POLICY_CONDUIT_SMC);
	ck_assert(policy_psci_offered(p, PSCI_MIGRATE_INFO_TYPE));
	ck_assert(policy_psci_offered(p, PSCI_SYSTEM_RESET2));
	r = policy_lookup(p, PSCI_VERSION);
	ck_assert_str_eq(policy_rule_name(r), "Psci32");
	ck_assert_str_eq(policy_rule_action_name(r), "psci");
	r = policy_lookup(p, 0x8200000F);
	ck_assert_str_eq(policy_rule_name(r), "Sip");
	ck_assert_uint_eq(policy_rule_arg(r), 0xAB);
	policy_free(p);

	load_fails("[policy  extra]\n", 1, "unknown section [policy  extra]");
	load_fails("[Rules x]\n", 1, "unknown section [Rules x]");
	/* Keys are one name whatever their case: a second one is a duplicate. */
	load_fails("[policy]\nconduit = hvc\nCONDUIT = smc\n", 3, "duplicate key 'CONDUIT'");
	/* Rule names too: the audit trail's reader could not tell them apart. */
	load_fails("[rule sip]\nrange = 1\naction = deny\n[rule SIP]\nrange = 2\naction = deny\n",
		   4, "duplicate rule name 'SIP' (first at line 1)");
}
END_TEST

START_TEST(test_indentation_and_blanks)
{
	struct policy *p = load_ok(
		"\xEF\xBB\xBF  [policy]\n"
		"\tconduit\t=\tsmc\t\r\n"
		"    [rule psci]   \r\n"
		"      range   =   0x84000000 - 0x8400001F\n"
		"      action  =   psci\n");

	ck_assert_int_eq(policy_conduit(p), POLICY_CONDUIT_SMC);
	ck_assert_uint_eq(policy_rule_last(policy_lookup(p, PSCI_VERSION)), 0x8400001F);
	policy_free(p);
}
END_TEST

START_TEST(test_decimal_leading_zeros)
{
	/* 010 is ten here as on every command line (number.h): never octal. */
	struct policy *p = load_ok("[rule a]\nrange = 010-012\naction = deny\n"
				   "[rule b]\nbase = 0100\ncount = 010\naction = log\n");
	const struct policy_rule *r = policy_lookup(p, 10);

	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(policy_rule_name(r), "a");
	ck_assert_ptr_null(policy_lookup(p, 8));
	r = policy_lookup(p, 100);
	ck_assert_str_eq(policy_rule_name(r), "b");
	ck_assert_uint_eq(policy_rule_last(r), 109);
	policy_free(p);

	p = load_ok("[rule r]\nrange = 0x82000000\naction = return -010\n");
	ck_assert_uint_eq(policy_rule_arg(policy_lookup(p, 0x82000000)), (uint64_t)-10);
	policy_free(p);
}
END_TEST

START_TEST(test_upper32_booleans)
{
	static const char *const yes[] = { "on", "ON", "yes", "Yes", "true", "TRUE", "1" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		char text[64];

		snprintf(text, sizeof(text), "[policy]\nupper32_check = %s\n", yes[i]);
		policy_free(load_ok(text));
	}
	load_fails("[policy]\nupper32_check = off\n", 2, "(on, yes, true or 1 say so)");
	load_fails("[policy]\nupper32_check = 0\n", 2, "cannot be set to '0'");
	load_fails("[policy]\nupper32_check =\n", 2, "cannot be set to ''");
}
END_TEST

START_TEST(test_psci_function_names_listed)
{
	load_fails("[policy]\npsci_functions = cpu_onn\n", 2,
		   "unknown PSCI function 'cpu_onn' (the VMM implements: psci_version, "
		   "cpu_suspend, cpu_off, cpu_on, affinity_info, migrate_info_type, system_off, "
		   "system_reset, psci_features, system_reset2)");
	load_fails("[policy]\npsci_functions = MIGRATE\n", 2,
		   "PSCI function 'MIGRATE' is not implemented by this VMM (it implements: "
		   "psci_version,");
}
END_TEST

/* --------------------------------------------------------------- limits */

START_TEST(test_long_lines)
{
	/* A 300,000-character comment line, and a psci_functions line longer
	 * than libinih's 200-byte buffer ever allowed. */
	size_t n = 300000;
	char *text = malloc(n + 512);
	const char *fns = "psci_functions =    psci_version,   cpu_suspend,   cpu_off,   cpu_on, "
			  "affinity_info,    migrate_info_type,     system_off,     system_reset, "
			  "psci_features,   system_reset2      # every function the VMM implements, "
			  "padded with blanks to be long\n";
	struct policy *p;
	size_t len;

	ck_assert_ptr_nonnull(text);
	len = (size_t)sprintf(text, "[policy]\n# ");
	memset(text + len, 'x', n);
	len += n;
	len += (size_t)sprintf(text + len, "\n%s[rule psci]\nrange = 0x84000000-0x8400001F\n"
			       "action = psci\n", fns);
	ck_assert_uint_gt(strlen(fns), 200);
	p = load_ok(text);
	ck_assert(policy_psci_offered(p, PSCI_SYSTEM_RESET2));
	policy_free(p);
	free(text);
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char text[] = "[policy]\nconduit = hvc\n[rule a]\nrange = 1\0\naction = deny\n";
	char path[64], err[512] = "", want[128];

	write_temp(path, sizeof(path), text, sizeof(text) - 1);
	ck_assert_ptr_null(policy_load_file(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:4: a NUL byte in the line", path);
	ck_assert_str_eq(err, want);
	unlink(path);
}
END_TEST

/*
 * 100,000 rules: 1,000 blocks of 128 IDs logged, each holding 99 nested
 * single-ID rules that alternate return and deny, so that neither the
 * flattened table nor the KVM filter can merge them away.  Written to a
 * file (about 5 MiB: five times the old cap), loaded, timed.  The bound is
 * generous for ASan; the figure is printed.
 */
#define BIG_BLOCKS	1000
#define BIG_INNER	99

static size_t big_policy(char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "[policy]\n[rule psci]\n"
				    "range = 0x84000000-0x8400001F\naction = psci\n");

	for (unsigned b = 0; b < BIG_BLOCKS; b++) {
		uint32_t base = 0x82000000U + b * 128U;

		n += (size_t)snprintf(buf + n, size - n, "[rule blk%u]\nbase = 0x%08X\ncount = 128\n"
				      "action = log\n", b, base);
		for (unsigned i = 1; i <= BIG_INNER; i++)
			n += (size_t)snprintf(buf + n, size - n, "[rule f%u.%u]\nrange = 0x%08X\n"
					      "action = %s\n", b, i, base + i,
					      i % 2 ? "return 7" : "deny");
	}
	return n;
}

START_TEST(test_100000_rules)
{
	size_t size = 16 << 20, len;
	char *text = malloc(size), path[64], err[512] = "";
	struct timespec t0, t1;
	struct policy *p;
	double secs;

	ck_assert_ptr_nonnull(text);
	len = big_policy(text, size);
	ck_assert_uint_lt(len, size);
	ck_assert_uint_gt(len, 1 << 20);
	write_temp(path, sizeof(path), text, len);
	free(text);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	p = policy_load_file(path, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	unlink(path);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# %u rules (%zu bytes) loaded in %.3f s (ASan+UBSan build)\n",
	       1 + BIG_BLOCKS * (1 + BIG_INNER), len, secs);
	ck_assert_msg(p, "%s", err);
	ck_assert_uint_eq(policy_nr_rules(p), 1 + BIG_BLOCKS * (1 + BIG_INNER));
	ck_assert_ptr_null(policy_warning(p, 0));
	/* Per block: the 99 inner rules, the outer's head, its tail. */
	ck_assert_uint_eq(policy_nr_pieces(p), 1 + BIG_BLOCKS * (BIG_INNER + 2));
	ck_assert_str_eq(policy_rule_name(policy_lookup(p, 0x82000000)), "blk0");
	ck_assert_str_eq(policy_rule_name(policy_lookup(p, 0x82000001)), "f0.1");
	ck_assert_str_eq(policy_rule_name(policy_lookup(p, 0x82000064)), "blk0");
	ck_assert_str_eq(policy_rule_name(policy_lookup(p, 0x82000000 + 999 * 128 + 98)),
			 "f999.98");
	ck_assert_ptr_null(policy_lookup(p, 0x82000000 + 1000 * 128));
	/* The filter: per block 49 deny IDs between 50 forwarded runs, the
	 * last run of a block joining the first of the next; around them six
	 * default and PSCI ranges. */
	ck_assert_uint_eq(policy_filter_ranges(p, NULL, 0),
			  6 + BIG_BLOCKS * 49 + (BIG_BLOCKS * 50 - (BIG_BLOCKS - 1)));
	ck_assert_msg(secs < 20.0, "%.3f s", secs);
	policy_free(p);
}
END_TEST

static Suite *syntax_suite(void)
{
	Suite *s = suite_create("syntax");
	TCase *tc = tcase_create("numbers");

	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_signed_numbers);
	suite_add_tcase(s, tc);

	tc = tcase_create("lexical");
	tcase_add_test(tc, test_comments_anywhere);
	tcase_add_test(tc, test_case_rule);
	tcase_add_test(tc, test_indentation_and_blanks);
	tcase_add_test(tc, test_decimal_leading_zeros);
	tcase_add_test(tc, test_upper32_booleans);
	tcase_add_test(tc, test_psci_function_names_listed);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_long_lines);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_100000_rules);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(syntax_suite());
}
