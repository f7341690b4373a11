/*
 * The TRNG service (Arm DEN 0098, SMCCC True Random Number Generator):
 * entropy for the guest from the platform (getrandom(2) in the VMM), so a
 * guest's early boot can seed its RNG from the host without KVM's
 * in-kernel TRNG and under the 32-bit function-ID rule.
 */
#include <string.h>

#include "policy-internal.h"
#include "smccc.h"

/* This implementation's UUID (TRNG_GET_UUID), generated once for this VMM:
 * d86a4bca-abea-4c43-911d-4fa3bf0e5371, as four 32-bit words. */
static const uint32_t trng_uuid[4] = { 0xd86a4bca, 0xabea4c43, 0x911d4fa3, 0xbf0e5371 };

static bool trng_implemented(uint32_t fid)
{
	return fid == TRNG_VERSION || fid == TRNG_FEATURES || fid == TRNG_GET_UUID ||
	       fid == TRNG_RND32 || fid == TRNG_RND64;
}

static unsigned int trng_nr_args(uint32_t fid)
{
	return fid == TRNG_FEATURES || fid == TRNG_RND32 || fid == TRNG_RND64 ? 1 : 0;
}

/* TRNG_GET_UUID (DEN 0098 2.3): UUID[31:0] in W0 .. UUID[127:96] in W3,
 * each word four bytes of the UUID's byte string loaded little-endian (as
 * SMCCC 5.3 lays UUIDs out); W0 is never 0xFFFFFFFF (NOT_SUPPORTED). */
static void get_uuid(struct policy_result *r)
{
	for (int i = 0; i < 4; i++) {
		uint32_t w = trng_uuid[i];

		/* big-endian text order -> little-endian register bytes */
		r->x[i] = (w >> 24) | ((w >> 8) & 0xFF00) | ((w << 8) & 0xFF0000) | (w << 24);
		r->x[i] &= 0xFFFFFFFFULL;
	}
}

/*
 * TRNG_RND32/RND64 (DEN 0098 2.4): N bits of entropy, 1 <= N <= 96 or 192,
 * as one 96/192-bit number whose least significant word is in X3 (W3), the
 * next in X2, the most significant in X1; bits above N are zero.  N = 0 is
 * INVALID_PARAMETERS, as in Arm's reference firmware (TF-A trng_rnd64();
 * KVM answers it with zeros).
 */
static void rnd(const struct smccc_platform *plat, uint64_t n, unsigned width,
		struct policy_result *r)
{
	unsigned max = width == 32 ? TRNG_RND32_MAX_BITS : TRNG_RND64_MAX_BITS;
	uint64_t v[3] = { 0, 0, 0 };	/* v[0]: least significant 64 bits */
	uint8_t bytes[24];

	if (n == 0 || n > max) {
		r->x[0] = smccc_ret(TRNG_RET_INVALID_PARAMETERS);
		return;
	}
	if (plat->ops->entropy(plat->ctx, bytes, (n + 7) / 8)) {
		r->x[0] = smccc_ret(TRNG_RET_NO_ENTROPY);
		return;
	}
	for (unsigned i = 0; i < (n + 7) / 8; i++)
		v[i / 8] |= (uint64_t)bytes[i] << (8 * (i % 8));
	for (unsigned w = 0; w < 3; w++) {
		unsigned lo = 64 * w;

		if (n <= lo)
			v[w] = 0;
		else if (n - lo < 64)
			v[w] &= (1ULL << (n - lo)) - 1;
	}
	if (width == 32) {
		/* 96 bits: W3 = bits 31:0, W2 = 63:32, W1 = 95:64. */
		r->x[3] = v[0] & 0xFFFFFFFFULL;
		r->x[2] = v[0] >> 32;
		r->x[1] = v[1] & 0xFFFFFFFFULL;
	} else {
		r->x[3] = v[0];
		r->x[2] = v[1];
		r->x[1] = v[2];
	}
	r->x[0] = TRNG_RET_SUCCESS;
	memset(bytes, 0, sizeof(bytes));
}

/*
 * Every TRNG answer writes X0..X3: W1..W3 are reserved, must-be-zero,
 * results of TRNG_VERSION, TRNG_FEATURES and of every error (DEN 0098 2.1,
 * 2.2, 2.4), and the guest must not see its own arguments echoed there.
 */
static void trng_answer(const struct policy *p, uint64_t arg, const struct smccc_platform *plat,
			const struct policy_call *c, struct policy_result *r)
{
	uint32_t fid = (uint32_t)c->x[0];

	(void)p;
	(void)arg;
	r->nr_ret = 4;
	switch (fid) {
	case TRNG_VERSION:
		r->x[0] = TRNG_VERSION_1_0;
		break;
	case TRNG_FEATURES:
		r->x[0] = smccc_ret(trng_implemented((uint32_t)c->x[1]) && !(c->x[1] >> 32) ?
				    TRNG_RET_SUCCESS : TRNG_RET_NOT_SUPPORTED);
		break;
	case TRNG_GET_UUID:
		get_uuid(r);
		break;
	case TRNG_RND32:
		rnd(plat, c->x[1], 32, r);
		break;
	case TRNG_RND64:
		rnd(plat, c->x[1], 64, r);
		break;
	default:
		/* Not a TRNG function: SMCCC's unknown-function answer, X0 only. */
		r->x[0] = smccc_ret(TRNG_RET_NOT_SUPPORTED);
		r->nr_ret = 1;
		break;
	}
}

static const struct smccc_fid_range trng_ranges[] = {
	{ TRNG_FID32_FIRST, TRNG_FID32_LAST },
	{ TRNG_FID64_FIRST, TRNG_FID64_LAST },
};

const struct smccc_service trng_service = {
	.name = "trng",
	.usage = "trng",
	.decision = "trng",
	.summary = "the VMM's SMCCC TRNG (Arm DEN 0098) answers, with entropy from getrandom(2)",
	.filter = POLICY_FILTER_FWD,
	.ranges_name = "the TRNG ranges",
	.ranges = trng_ranges,
	.nr_ranges = sizeof(trng_ranges) / sizeof(trng_ranges[0]),
	.nr_args = trng_nr_args,
	.answer = trng_answer,
};
