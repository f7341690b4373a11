/*
 * Unit tests of the TRNG service (Arm DEN 0098) through policy_decide(), on
 * the fake platform, whose entropy is the byte sequence 0, 1, 2, ...
 */
#include <check.h>

#include "check-main.h"
#include <stdio.h>
#include <string.h>

#include "fake-platform.h"
#include "policy.h"
#include "smccc.h"

#define ALL_ONES	0xFFFFFFFFFFFFFFFFULL

static struct policy *pol;

static void setup(void)
{
	char err[512];

	fake_reset();
	pol = policy_load_string("[rule trng32]\nrange = 0x84000050-0x8400005F\naction = trng\n"
				 "[rule trng64]\nrange = 0xC4000050-0xC400005F\naction = trng\n",
				 "trng.conf", err, sizeof(err));
	ck_assert_msg(pol, "%s", err);
}

static void teardown(void)
{
	policy_free(pol);
}

static struct policy_result trng(uint64_t x0, uint64_t x1)
{
	struct policy_call c = { .x = { x0, x1, 0x2222, 0x3333 } };
	struct policy_result r;

	for (unsigned i = 4; i < 18; i++)
		c.x[i] = 0xA5A5A5A5A5A5A5A5ULL;
	policy_decide(pol, &fake_plat, &c, &r);
	return r;
}

START_TEST(test_version_features)
{
	static const uint32_t implemented[] = {
		TRNG_VERSION, TRNG_FEATURES, TRNG_GET_UUID, TRNG_RND32, TRNG_RND64,
	};
	struct policy_result r = trng(TRNG_VERSION, 0);

	ck_assert_str_eq(policy_decision_name(r.decision), "trng");
	ck_assert_uint_eq(r.x[0], 0x10000);	/* 1.0 */
	/* W1..W3 are must-be-zero results: written, as zero. */
	ck_assert_uint_eq(r.nr_ret, 4);
	ck_assert_uint_eq(r.x[1] | r.x[2] | r.x[3], 0);
	ck_assert_uint_eq(r.nr_args, 0);

	for (unsigned i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++) {
		r = trng(TRNG_FEATURES, implemented[i]);
		ck_assert_msg(r.x[0] == 0, "TRNG_FEATURES(0x%08X) = 0x%llx", implemented[i],
			      (unsigned long long)r.x[0]);
		ck_assert_uint_eq(r.nr_args, 1);
	}
	ck_assert_uint_eq(trng(TRNG_FEATURES, 0x84000054).x[0], ALL_ONES);
	ck_assert_uint_eq(trng(TRNG_FEATURES, PSCI_VERSION).x[0], ALL_ONES);
	ck_assert_uint_eq(trng(TRNG_FEATURES, TRNG_VERSION | SMCCC_SMC64).x[0], ALL_ONES);
	/* A function number in the range that TRNG 1.0 does not define. */
	r = trng(0x8400005F, 0);
	ck_assert_uint_eq(r.x[0], ALL_ONES);
	ck_assert_uint_eq(r.nr_ret, 1);
}
END_TEST

START_TEST(test_uuid)
{
	struct policy_result r = trng(TRNG_GET_UUID, 0);
	/* d86a4bca-abea-4c43-911d-4fa3bf0e5371 as bytes, in W0..W3 four at a
	 * time, loaded little-endian. */
	static const uint8_t uuid[16] = {
		0xd8, 0x6a, 0x4b, 0xca, 0xab, 0xea, 0x4c, 0x43,
		0x91, 0x1d, 0x4f, 0xa3, 0xbf, 0x0e, 0x53, 0x71,
	};

	ck_assert_uint_eq(r.nr_ret, 4);
	for (unsigned w = 0; w < 4; w++) {
		uint32_t want = uuid[4 * w] | uuid[4 * w + 1] << 8 | uuid[4 * w + 2] << 16 |
				(uint32_t)uuid[4 * w + 3] << 24;

		ck_assert_uint_eq(r.x[w], want);
	}
	ck_assert_uint_ne(r.x[0], 0xFFFFFFFF);	/* never NOT_SUPPORTED's pattern */
}
END_TEST

START_TEST(test_rnd64)
{
	struct policy_result r = trng(TRNG_RND64, 192);

	ck_assert_uint_eq(r.x[0], 0);
	ck_assert_uint_eq(r.nr_ret, 4);
	ck_assert_uint_eq(r.nr_args, 1);
	ck_assert_uint_eq(fake.entropy_asked, 24);
	/* Bytes 0..23: the least significant 64 bits in X3. */
	ck_assert_uint_eq(r.x[3], 0x0706050403020100ULL);
	ck_assert_uint_eq(r.x[2], 0x0F0E0D0C0B0A0908ULL);
	ck_assert_uint_eq(r.x[1], 0x1716151413121110ULL);

	/* Bits above N are zero; only the bytes needed are drawn. */
	fake.entropy_byte = 0xFF;
	r = trng(TRNG_RND64, 65);
	ck_assert_uint_eq(fake.entropy_asked, 9);
	ck_assert_uint_eq(r.x[1], 0);
	ck_assert_uint_eq(r.x[2], 1);
	ck_assert_uint_eq(r.x[3], 0x06050403020100FFULL);
	r = trng(TRNG_RND64, 1);
	ck_assert_uint_le(r.x[3], 1);
	ck_assert_uint_eq(r.x[1] | r.x[2], 0);
	r = trng(TRNG_RND64, 64);
	ck_assert_uint_eq(r.x[1] | r.x[2], 0);
}
END_TEST

START_TEST(test_rnd32)
{
	struct policy_result r = trng(TRNG_RND32, 96);

	ck_assert_uint_eq(r.x[0], 0);
	ck_assert_uint_eq(r.x[3], 0x03020100);	/* W3: bits 31:0 */
	ck_assert_uint_eq(r.x[2], 0x07060504);
	ck_assert_uint_eq(r.x[1], 0x0B0A0908);
	r = trng(TRNG_RND32, 40);
	ck_assert_uint_eq(r.x[1], 0);
	ck_assert_uint_eq(r.x[2], 0x10);		/* byte 16, 8 of 40 bits */
	ck_assert_uint_eq(r.x[3], 0x0F0E0D0C);
	/* SMC32: X1[63:32] is not part of N (DEN 0028 2.6). */
	r = trng(TRNG_RND32, 0xFFFFFFFF00000020ULL);
	ck_assert_uint_eq(r.x[0], 0);
	ck_assert_uint_eq(r.x[1] | r.x[2], 0);
}
END_TEST

START_TEST(test_rnd_bad)
{
	static const struct { uint32_t fid; uint64_t n; } bad[] = {
		{ TRNG_RND32, 0 }, { TRNG_RND32, 97 }, { TRNG_RND32, 0xFFFFFFFF },
		{ TRNG_RND64, 0 }, { TRNG_RND64, 193 }, { TRNG_RND64, 0x100000040ULL },
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct policy_result r = trng(bad[i].fid, bad[i].n);

		ck_assert_msg((int64_t)r.x[0] == TRNG_RET_INVALID_PARAMETERS,
			      "0x%08X N=0x%llx: 0x%llx", bad[i].fid, (unsigned long long)bad[i].n,
			      (unsigned long long)r.x[0]);
		ck_assert_uint_eq(r.nr_ret, 4);
		ck_assert_uint_eq(r.x[1] | r.x[2] | r.x[3], 0);
	}
	ck_assert_uint_eq(fake.entropy_asked, 0);	/* nothing drawn */

	fake.entropy_error = -EIO;
	ck_assert_int_eq((int64_t)trng(TRNG_RND64, 64).x[0], TRNG_RET_NO_ENTROPY);
}
END_TEST

START_TEST(test_rnd_upper32)
{
	struct policy_result r = trng(0x100000000ULL | TRNG_RND64, 64);

	ck_assert_str_eq(policy_decision_name(r.decision), "upper32");
	ck_assert_uint_eq(r.x[0], ALL_ONES);
	ck_assert_uint_eq(r.nr_ret, 1);
	ck_assert_uint_eq(fake.entropy_asked, 0);
}
END_TEST

static Suite *trng_suite(void)
{
	Suite *s = suite_create("trng");
	TCase *tc = tcase_create("trng");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_version_features);
	tcase_add_test(tc, test_uuid);
	tcase_add_test(tc, test_rnd64);
	tcase_add_test(tc, test_rnd32);
	tcase_add_test(tc, test_rnd_bad);
	tcase_add_test(tc, test_rnd_upper32);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(trng_suite());
}
