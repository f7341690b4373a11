/*
 * trng-test: the SMCCC TRNG (Arm DEN 0098) as a guest sees it: version,
 * features, UUID, 32- and 64-bit draws, refused bit counts and the 32-bit
 * function-ID rule.  TAP.
 *
 * Bootargs (space-separated key=value):
 *   uuid=XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX   TRNG_GET_UUID must return it
 *                                              (W0..W3, bytes little-endian)
 */
#include "guest.h"
#include "policy/smccc.h"

#define ALL_ONES	0xFFFFFFFFFFFFFFFFULL
#define NR_TESTS	14

static enum conduit conduit;

static struct smccc_res call(u64 x0, u64 x1)
{
	/* Junk in X2/X3 must not leak into the answer (W1..W3 are results). */
	return smccc_call(conduit, x0, x1, 0x2222222222222222ULL, 0x3333333333333333ULL,
			  0, 0, 0, 0);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "d86a4bca-abea-..." -> 16 bytes; 0 on success. */
static int parse_uuid(const char *s, size_t len, u8 out[16])
{
	int n = 0;

	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '-')
			continue;
		if (i + 1 >= len || n == 16 || (hi = hexval(s[i])) < 0 || (lo = hexval(s[i + 1])) < 0)
			return -1;
		out[n++] = (u8)(hi << 4 | lo);
		i++;
	}
	return n == 16 ? 0 : -1;
}

static void test_uuid(const char *args)
{
	struct smccc_res r = call(TRNG_GET_UUID, 0);
	u64 w[4] = { r.a0, r.a1, r.a2, r.a3 };
	const char *val;
	size_t len;
	u8 want[16];
	int match = 1;

	tap_diag("TRNG_GET_UUID: W0..W3 = 0x%08llx 0x%08llx 0x%08llx 0x%08llx",
		 (unsigned long long)r.a0, (unsigned long long)r.a1, (unsigned long long)r.a2,
		 (unsigned long long)r.a3);
	tap_ok((u32)r.a0 != 0xFFFFFFFF && !((r.a0 | r.a1 | r.a2 | r.a3) >> 32),
	       "TRNG_GET_UUID answers a UUID in W0..W3 (W0 is not NOT_SUPPORTED)");
	if (!bootargs_find(args, "uuid", 0, &val, &len)) {
		tap_skip("no uuid= in the bootargs", "TRNG_GET_UUID is the expected UUID");
		return;
	}
	if (parse_uuid(val, len, want)) {
		tap_ok(0, "TRNG_GET_UUID is the expected UUID (bad uuid= bootarg)");
		return;
	}
	for (int i = 0; i < 16; i++)
		match &= (u8)(w[i / 4] >> (8 * (i % 4))) == want[i];
	tap_ok(match, "TRNG_GET_UUID is the expected UUID, bytes little-endian per word");
}

void guest_main(u64 dtb)
{
	static const char *const known[] = { "uuid" };
	static const u32 fns[] = { TRNG_VERSION, TRNG_FEATURES, TRNG_GET_UUID, TRNG_RND32,
				   TRNG_RND64 };
	const void *fdt = (const void *)(uintptr_t)dtb;
	struct smccc_res a, b;
	const char *args;
	int all = 1;
	char buf[40];

	args = tap_begin(fdt, dtb, NR_TESTS);
	bootargs_report_unknown(args, known, ARRAY_SIZE(known));
	conduit = psci_dtb_conduit(fdt);
	if (conduit == CONDUIT_NONE)
		tap_bail(fdt, "no /psci method in the DTB: no conduit");

	a = call(TRNG_VERSION, 0);
	tap_ok(a.a0 == TRNG_VERSION_1_0 && !(a.a1 | a.a2 | a.a3),
	       "TRNG_VERSION is 1.0 (0x10000), W1..W3 zero (got 0x%llx)",
	       (unsigned long long)a.a0);
	for (unsigned i = 0; i < ARRAY_SIZE(fns); i++) {
		u64 f = call(TRNG_FEATURES, fns[i]).a0;

		if (f)
			tap_diag("TRNG_FEATURES(0x%08x) = %s", fns[i], psci_ret_show(buf, f));
		all &= f == 0;
	}
	tap_ok(all, "TRNG_FEATURES says each of the five TRNG 1.0 functions is implemented");
	tap_ok(call(TRNG_FEATURES, 0x84000054).a0 == ALL_ONES,
	       "TRNG_FEATURES of an undefined TRNG function is NOT_SUPPORTED");
	test_uuid(args);

	a = call(TRNG_RND64, 192);
	b = call(TRNG_RND64, 192);
	tap_diag("TRNG_RND64(192): 0x%016llx%016llx%016llx", (unsigned long long)a.a1,
		 (unsigned long long)a.a2, (unsigned long long)a.a3);
	tap_ok(a.a0 == 0 && b.a0 == 0, "TRNG_RND64(192) succeeds twice");
	tap_ok(a.a1 != b.a1 || a.a2 != b.a2 || a.a3 != b.a3,
	       "two 192-bit draws differ");
	a = call(TRNG_RND64, 64);
	tap_ok(a.a0 == 0 && !a.a1 && !a.a2, "TRNG_RND64(64): bits above 64 are zero (X1, X2)");

	a = call(TRNG_RND32, 96);
	b = call(TRNG_RND32, 96);
	tap_ok(a.a0 == 0 && b.a0 == 0 && !((a.a1 | a.a2 | a.a3) >> 32),
	       "TRNG_RND32(96) succeeds, in W1..W3 only");
	tap_ok(a.a1 != b.a1 || a.a2 != b.a2 || a.a3 != b.a3, "two 96-bit draws differ");

	tap_ok((s64)call(TRNG_RND64, 0).a0 == TRNG_RET_INVALID_PARAMETERS,
	       "TRNG_RND64(0) is INVALID_PARAMETERS");
	tap_ok((s64)call(TRNG_RND64, 193).a0 == TRNG_RET_INVALID_PARAMETERS,
	       "TRNG_RND64(193) is INVALID_PARAMETERS");
	a = call(TRNG_RND32, 97);
	tap_ok((s64)a.a0 == TRNG_RET_INVALID_PARAMETERS && !(a.a1 | a.a2 | a.a3),
	       "TRNG_RND32(97) is INVALID_PARAMETERS, W1..W3 zero");
	a = call(TRNG_RND64 | (1ULL << 32), 64);
	tap_ok(a.a0 == ALL_ONES && a.a3 == 0x3333333333333333ULL,
	       "X0 = 0x1c4000053 (bit 32 set) is NOT_SUPPORTED, no entropy in X3");
	tap_finish(fdt);
}
