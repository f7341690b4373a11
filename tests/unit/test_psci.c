/*
 * Unit tests of the PSCI service (DEN 0022) through policy_decide(), on a
 * fake platform (fake-platform.h) that owns vCPU power state as the VMM does.
 */
#include <check.h>

#include "check-main.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-platform.h"
#include "policy.h"
#include "smccc.h"

#define ENTRY		(RAM_BASE + 0x80000)
#define ALL_ONES	0xFFFFFFFFFFFFFFFFULL

static const char *policy_text(const char *version, const char *functions)
{
	static char text[1024];

	snprintf(text, sizeof(text),
		 "[policy]\npsci_version = %s\npsci_functions = %s\n"
		 "[rule psci32]\nrange = 0x84000000-0x8400001F\naction = psci\n"
		 "[rule psci64]\nrange = 0xC4000000-0xC400001F\naction = psci\n",
		 version, functions);
	return text;
}

static struct policy *pol;

static void setup_with(const char *version, const char *functions)
{
	char err[512];

	fake_reset();
	pol = policy_load_string(policy_text(version, functions), "psci.conf", err, sizeof(err));
	ck_assert_msg(pol, "%s", err);
}

static void setup_11(void) { setup_with("1.1", "migrate_info_type, system_reset2"); }

static void teardown(void)
{
	policy_free(pol);
	pol = NULL;
}

/* Make a call from vcpu; returns X0 as a signed value. */
static int64_t psci(unsigned vcpu, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3,
		    struct policy_result *out)
{
	struct policy_call c = { .x = { x0, x1, x2, x3 }, .vcpu = vcpu };
	struct policy_result r;

	/* Garbage in the unused argument registers must not matter. */
	for (unsigned i = 4; i < 18; i++)
		c.x[i] = 0x5A5A5A5A5A5A5A5AULL * i;
	policy_decide(pol, &fake_plat, &c, &r);
	if (strcmp(policy_decision_name(r.decision), "upper32"))
		ck_assert_str_eq(policy_decision_name(r.decision), "psci");
	/* PSCI answers in X0 only (DEN 0022 5.2.1), or not at all. */
	ck_assert_uint_le(r.nr_ret, 1);
	if (out)
		*out = r;
	return (int64_t)r.x[0];
}

static int64_t affinity(uint64_t target, uint64_t level)
{
	return psci(0, PSCI_AFFINITY_INFO_64, target, level, 0, NULL);
}

/* -------------------------------------------------------------- basics */

START_TEST(test_version)
{
	static const struct { const char *v; uint64_t code; } cases[] = {
		{ "0.2", 0x2 }, { "1.0", 0x10000 }, { "1.1", 0x10001 },
	};
	unsigned i;

	for (i = 0; i < 3; i++) {
		struct policy_result r;

		setup_with(cases[i].v, "");
		psci(0, PSCI_VERSION, 0, 0, 0, &r);
		ck_assert_uint_eq(r.x[0], cases[i].code);
		ck_assert_uint_eq(r.nr_ret, 1);
		ck_assert_uint_eq(r.nr_args, 0);	/* X0 only: no argument read */
		ck_assert_str_eq(policy_rule_name(r.rule), "psci32");
		teardown();
	}
}
END_TEST

START_TEST(test_upper32)
{
	struct policy_result r;

	psci(0, 0x100000000ULL | PSCI_VERSION, 0, 0, 0, &r);
	ck_assert_str_eq(policy_decision_name(r.decision), "upper32");
	ck_assert_uint_eq(r.x[0], ALL_ONES);
	ck_assert_uint_eq(r.nr_args, 0);
	ck_assert_uint_eq(r.nr_ret, 1);
	/* CPU_ON aliased through X0[63:32] must not start anything. */
	psci(0, 0xFFFFFFFF00000000ULL | PSCI_CPU_ON_64, cpu_mpidr(1), ENTRY, 0, &r);
	ck_assert_str_eq(policy_decision_name(r.decision), "upper32");
	ck_assert_uint_eq(fake.nr_cpu_on, 0);
	ck_assert_int_eq(affinity(cpu_mpidr(1), 0), PSCI_AFFINITY_OFF);
}
END_TEST

START_TEST(test_not_psci_id)
{
	/* Inside the psci rule but not a defined function (0x16..0x1F), or a
	 * 64-bit ID with no 64-bit variant: NOT_SUPPORTED, as a 64-bit -1. */
	ck_assert_int_eq(psci(0, 0x8400001F, 0, 0, 0, NULL), PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(psci(0, 0xC4000002, 0, 0, 0, NULL), PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(psci(0, 0xC4000000, 0, 0, 0, NULL), PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(psci(0, PSCI_MIGRATE, 0, 0, 0, NULL), PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(psci(0, PSCI_MIGRATE_64, 0, 0, 0, NULL), PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(psci(0, PSCI_MIGRATE_INFO_UP_CPU, 0, 0, 0, NULL),
			 PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(psci(0, PSCI_SYSTEM_SUSPEND_64, ENTRY, 0, 0, NULL),
			 PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(psci(0, PSCI_CPU_FREEZE, 0, 0, 0, NULL), PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(psci(0, PSCI_MEM_PROTECT, 0, 0, 0, NULL), PSCI_RET_NOT_SUPPORTED);
}
END_TEST

/* Each function reads only the arguments it uses: every register the VMM
 * reads is one KVM_GET_ONE_REG ioctl. */
START_TEST(test_nr_args)
{
	static const struct { uint32_t fid; unsigned nr_args; } cases[] = {
		{ PSCI_VERSION, 0 }, { PSCI_CPU_SUSPEND_64, 2 }, { PSCI_CPU_OFF, 0 },
		{ PSCI_CPU_ON, 3 }, { PSCI_CPU_ON_64, 3 }, { PSCI_AFFINITY_INFO_64, 2 },
		{ PSCI_MIGRATE_INFO_TYPE, 0 }, { PSCI_SYSTEM_OFF, 0 }, { PSCI_SYSTEM_RESET, 0 },
		{ PSCI_FEATURES, 1 }, { PSCI_SYSTEM_RESET2, 1 }, { 0x8400001F, 0 },
	};
	struct policy_route rt;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		policy_route(pol, cases[i].fid, &rt);
		ck_assert_int_eq(rt.verdict, POLICY_VERDICT_SERVICE);
		ck_assert_msg(rt.nr_args == cases[i].nr_args, "0x%08X reads %u args, expected %u",
			      cases[i].fid, rt.nr_args, cases[i].nr_args);
	}
	policy_route(pol, 0x100000000ULL | PSCI_CPU_ON_64, &rt);
	ck_assert_int_eq(rt.verdict, POLICY_VERDICT_UPPER32);
	ck_assert_uint_eq(rt.nr_args, 0);
}
END_TEST

/* -------------------------------------------------------------- CPU_ON */

START_TEST(test_cpu_on_lifecycle)
{
	struct policy_result r;
	unsigned t = 17;	/* Aff1 = 1, Aff0 = 1 */

	ck_assert_int_eq(affinity(cpu_mpidr(t), 0), PSCI_AFFINITY_OFF);
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, cpu_mpidr(t), ENTRY, 0x1122334455667788ULL,
			      &r), PSCI_RET_SUCCESS);
	ck_assert_uint_eq(r.nr_ret, 1);
	ck_assert_uint_eq(fake.nr_cpu_on, 1);
	ck_assert_uint_eq(fake.on_target, t);
	ck_assert_uint_eq(fake.on_entry, ENTRY);
	ck_assert_uint_eq(fake.on_context, 0x1122334455667788ULL);

	/* KVM's semantics: on at once, whatever its thread is doing. */
	ck_assert_int_eq(affinity(cpu_mpidr(t), 0), PSCI_AFFINITY_ON);
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, cpu_mpidr(t), ENTRY, 0, NULL),
			 PSCI_RET_ALREADY_ON);
	ck_assert_int_eq(psci(t, PSCI_CPU_ON_64, cpu_mpidr(0), ENTRY, 0, NULL),
			 PSCI_RET_ALREADY_ON);
	ck_assert_uint_eq(fake.nr_cpu_on, 1);

	/* The target turns itself off: no answer is written back. */
	psci(t, PSCI_CPU_OFF, 0, 0, 0, &r);
	ck_assert_uint_eq(r.nr_ret, 0);
	ck_assert_uint_eq(fake.nr_cpu_off, 1);
	ck_assert_uint_eq(fake.off_self, t);
	ck_assert_int_eq(affinity(cpu_mpidr(t), 0), PSCI_AFFINITY_OFF);
	ck_assert_int_eq(psci(0, PSCI_CPU_ON, cpu_mpidr(t), ENTRY, 0, NULL), PSCI_RET_SUCCESS);
	ck_assert_int_eq(affinity(cpu_mpidr(t), 0), PSCI_AFFINITY_ON);
}
END_TEST

START_TEST(test_cpu_on_errors)
{
	struct policy_result r;

	/* Unknown MPIDRs. */
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, cpu_mpidr(NR_CPUS), ENTRY, 0, &r),
			 PSCI_RET_INVALID_PARAMETERS);
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, 0x100000001ULL, ENTRY, 0, NULL),
			 PSCI_RET_INVALID_PARAMETERS);	/* Aff3 = 1 */
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, 0x10001ULL, ENTRY, 0, NULL),
			 PSCI_RET_INVALID_PARAMETERS);	/* Aff2 = 1 */
	ck_assert_uint_eq(fake.nr_cpu_on, 0);
	/* Bit 31 (RES1) and bits 31:24 are not affinity: ignored. */
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, 0x2, ENTRY, 0, NULL), PSCI_RET_SUCCESS);
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, 0xC1000003ULL, ENTRY, 0, NULL),
			 PSCI_RET_SUCCESS);

	/* Entry points outside RAM. */
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, cpu_mpidr(5), RAM_BASE - 4, 0, &r),
			 PSCI_RET_INVALID_ADDRESS);
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, cpu_mpidr(5), RAM_BASE + RAM_SIZE, 0, NULL),
			 PSCI_RET_INVALID_ADDRESS);
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, cpu_mpidr(5), ALL_ONES, 0, NULL),
			 PSCI_RET_INVALID_ADDRESS);
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, cpu_mpidr(5), 0, 0, NULL),
			 PSCI_RET_INVALID_ADDRESS);
	ck_assert_int_eq(affinity(cpu_mpidr(5), 0), PSCI_AFFINITY_OFF);
	/* A bad entry point is refused even for a CPU that is on (TF-A's order). */
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, cpu_mpidr(0), 0, 0, NULL),
			 PSCI_RET_INVALID_ADDRESS);
	/* RAM's edges are fine. */
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, cpu_mpidr(5), RAM_BASE, 0, NULL),
			 PSCI_RET_SUCCESS);
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, cpu_mpidr(6), RAM_BASE + RAM_SIZE - 4, 0, NULL),
			 PSCI_RET_SUCCESS);

	/* Error codes of a 32-bit call are sign-extended as KVM writes them. */
	psci(0, PSCI_CPU_ON, cpu_mpidr(NR_CPUS), ENTRY, 0, &r);
	ck_assert_uint_eq(r.x[0], 0xFFFFFFFFFFFFFFFEULL);

	/* A platform that cannot start the vCPU. */
	fake.cpu_on_error = -EIO;
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, cpu_mpidr(7), ENTRY, 0, NULL),
			 PSCI_RET_INTERNAL_FAILURE);
}
END_TEST

START_TEST(test_cpu_on_32bit_narrowing)
{
	/* SMC32: only W1..W3 count; junk in X1..X3[63:32] is ignored. */
	ck_assert_int_eq(psci(0, PSCI_CPU_ON, 0xDEADBEEF00000000ULL | cpu_mpidr(3),
			      0xFFFFFFFF00000000ULL | ENTRY, 0x0123456700001234ULL, NULL),
			 PSCI_RET_SUCCESS);
	ck_assert_uint_eq(fake.on_target, 3);
	ck_assert_uint_eq(fake.on_entry, ENTRY);
	ck_assert_uint_eq(fake.on_context, 0x1234);

	/* The same junk in an SMC64 call is part of the arguments. */
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, 0xDEADBEEF00000000ULL | cpu_mpidr(4), ENTRY,
			      0, NULL), PSCI_RET_INVALID_PARAMETERS);
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, cpu_mpidr(4), 0xFFFFFFFF00000000ULL | ENTRY,
			      0, NULL), PSCI_RET_INVALID_ADDRESS);
	ck_assert_int_eq(psci(0, PSCI_CPU_ON_64, cpu_mpidr(4), ENTRY, 0x0123456700001234ULL,
			      NULL), PSCI_RET_SUCCESS);
	ck_assert_uint_eq(fake.on_context, 0x0123456700001234ULL);

	/* AFFINITY_INFO 32-bit narrows the level too (W2 = 0). */
	ck_assert_int_eq(psci(0, PSCI_AFFINITY_INFO, 0xFFFF000000000000ULL | cpu_mpidr(3),
			      0x500000000ULL, 0, NULL), PSCI_AFFINITY_ON);
}
END_TEST

/* Several vCPU threads race to start the same target: exactly one wins and
 * the others see it ON (ALREADY_ON), never ON_PENDING (KVM's semantics). */
struct race { unsigned vcpu; int64_t ret; };

static void *race_cpu_on(void *arg)
{
	struct race *rc = arg;
	struct policy_call c = { .x = { PSCI_CPU_ON_64, cpu_mpidr(9), ENTRY, 0 },
				 .vcpu = rc->vcpu };
	struct policy_result r;

	policy_decide(pol, &fake_plat, &c, &r);
	rc->ret = (int64_t)r.x[0];
	return NULL;
}

START_TEST(test_cpu_on_race)
{
	struct race rc[8];
	pthread_t th[8];
	unsigned i, wins = 0;

	for (i = 0; i < 8; i++) {
		rc[i].vcpu = i;
		ck_assert_int_eq(pthread_create(&th[i], NULL, race_cpu_on, &rc[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		if (rc[i].ret == PSCI_RET_SUCCESS)
			wins++;
		else
			ck_assert_int_eq(rc[i].ret, PSCI_RET_ALREADY_ON);
	}
	ck_assert_uint_eq(wins, 1);
	ck_assert_uint_eq(fake.nr_cpu_on, 1);
}
END_TEST

/* ------------------------------------------------------- AFFINITY_INFO */

START_TEST(test_affinity_info)
{
	ck_assert_int_eq(affinity(cpu_mpidr(0), 0), PSCI_AFFINITY_ON);
	ck_assert_int_eq(affinity(cpu_mpidr(1), 0), PSCI_AFFINITY_OFF);
	ck_assert_int_eq(affinity(cpu_mpidr(0) & 0xFFFFFF, 0), PSCI_AFFINITY_ON);
	ck_assert_int_eq(affinity(cpu_mpidr(NR_CPUS), 0), PSCI_RET_INVALID_PARAMETERS);
	ck_assert_int_eq(affinity(cpu_mpidr(0), 4), PSCI_RET_INVALID_PARAMETERS);
	ck_assert_int_eq(affinity(cpu_mpidr(0), 0x100000000ULL), PSCI_RET_INVALID_PARAMETERS);

	/* Level 1: cluster Aff1 = 1 holds cpus 16..19, all off. */
	ck_assert_int_eq(affinity(cpu_mpidr(16), 1), PSCI_AFFINITY_OFF);
	ck_assert_int_eq(affinity(0x1FF, 1), PSCI_AFFINITY_OFF);	/* Aff0 ignored */
	ck_assert_int_eq(affinity(0x200, 1), PSCI_RET_INVALID_PARAMETERS);
	psci(0, PSCI_CPU_ON_64, cpu_mpidr(18), ENTRY, 0, NULL);
	ck_assert_int_eq(affinity(cpu_mpidr(16), 1), PSCI_AFFINITY_ON);
	ck_assert_int_eq(affinity(cpu_mpidr(16), 0), PSCI_AFFINITY_OFF);
	/* Levels 2 and 3 cover everything here. */
	ck_assert_int_eq(affinity(0, 2), PSCI_AFFINITY_ON);
	ck_assert_int_eq(affinity(0, 3), PSCI_AFFINITY_ON);
	ck_assert_int_eq(affinity(0x100000000ULL, 3), PSCI_RET_INVALID_PARAMETERS);
	/* Every CPU off, as after CPU_OFF on each. */
	psci(18, PSCI_CPU_OFF, 0, 0, 0, NULL);
	psci(0, PSCI_CPU_OFF, 0, 0, 0, NULL);
	ck_assert_int_eq(affinity(0, 2), PSCI_AFFINITY_OFF);
}
END_TEST

/* ---------------------------------------------------- off, reset, misc */

START_TEST(test_system_off_reset)
{
	struct policy_result r;

	psci(0, PSCI_SYSTEM_OFF, 0, 0, 0, &r);
	ck_assert_uint_eq(fake.nr_system_off, 1);
	ck_assert_uint_eq(r.nr_ret, 0);		/* does not return */
	psci(0, PSCI_SYSTEM_RESET, 0, 0, 0, &r);
	ck_assert_uint_eq(fake.nr_reset, 1);
	ck_assert_int_eq(fake.reset_kind, SMCCC_RESET_COLD);
	ck_assert_uint_eq(r.nr_ret, 0);

	psci(0, PSCI_SYSTEM_RESET2, PSCI_RESET2_SYSTEM_WARM_RESET, 0, 0, &r);
	ck_assert_uint_eq(fake.nr_reset, 2);
	ck_assert_int_eq(fake.reset_kind, SMCCC_RESET_WARM);
	ck_assert_uint_eq(r.nr_ret, 0);
	/* reset_type is a uint32: junk above it is invalid in SMC64 ... */
	ck_assert_int_eq(psci(0, PSCI_SYSTEM_RESET2_64, 0xFFFFFFFF00000000ULL, 0x1234, 0, &r),
			 PSCI_RET_INVALID_PARAMETERS);
	ck_assert_uint_eq(fake.nr_reset, 2);
	/* ... and ignored in SMC32 */
	psci(0, PSCI_SYSTEM_RESET2, 0xFFFFFFFF00000000ULL, 0x1234, 0, &r);
	ck_assert_uint_eq(fake.nr_reset, 3);
	/* Reserved architectural types (DEN 0022 5.13.4), vendor types. */
	ck_assert_int_eq(psci(0, PSCI_SYSTEM_RESET2, 1, 0, 0, &r), PSCI_RET_INVALID_PARAMETERS);
	ck_assert_int_eq(psci(0, PSCI_SYSTEM_RESET2, 0x7FFFFFFF, 0, 0, NULL),
			 PSCI_RET_INVALID_PARAMETERS);
	ck_assert_int_eq(psci(0, PSCI_SYSTEM_RESET2_64, 0x80000000, 0, 0, &r),
			 PSCI_RET_NOT_SUPPORTED);
	ck_assert_uint_eq(fake.nr_reset, 3);

	ck_assert_int_eq(psci(0, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0, NULL),
			 PSCI_TOS_NOT_PRESENT_MP);
}
END_TEST

START_TEST(test_cpu_suspend)
{
	/* Standby, level 0 and 1: returns at once. */
	ck_assert_int_eq(psci(0, PSCI_CPU_SUSPEND, 0, 0, 0, NULL), PSCI_RET_SUCCESS);
	ck_assert_int_eq(psci(0, PSCI_CPU_SUSPEND_64, 0x01000001, 0, 0, NULL),
			 PSCI_RET_SUCCESS);
	/* Powerdown needs a valid entry point. */
	ck_assert_int_eq(psci(0, PSCI_CPU_SUSPEND_64, PSCI_POWER_STATE_TYPE, ENTRY, 7, NULL),
			 PSCI_RET_SUCCESS);
	ck_assert_int_eq(psci(0, PSCI_CPU_SUSPEND_64, PSCI_POWER_STATE_TYPE, 0x1000, 7, NULL),
			 PSCI_RET_INVALID_ADDRESS);
	/* Reserved bits of the original format. */
	ck_assert_int_eq(psci(0, PSCI_CPU_SUSPEND, 0x00020000, 0, 0, NULL),
			 PSCI_RET_INVALID_PARAMETERS);
	ck_assert_int_eq(psci(0, PSCI_CPU_SUSPEND, 0x80000000, 0, 0, NULL),
			 PSCI_RET_INVALID_PARAMETERS);
	ck_assert_int_eq(psci(0, PSCI_CPU_SUSPEND_64, 0x100000000ULL, 0, 0, NULL),
			 PSCI_RET_INVALID_PARAMETERS);
	/* A 32-bit call ignores X1[63:32]. */
	ck_assert_int_eq(psci(0, PSCI_CPU_SUSPEND, 0xFFFFFFFF00000000ULL, 0, 0, NULL),
			 PSCI_RET_SUCCESS);
}
END_TEST

START_TEST(test_cpu_off_bad_caller)
{
	struct policy_result r;

	ck_assert_int_eq(psci(NR_CPUS, PSCI_CPU_OFF, 0, 0, 0, &r), PSCI_RET_INTERNAL_FAILURE);
	ck_assert_uint_eq(r.nr_ret, 1);
	ck_assert_uint_eq(fake.nr_cpu_off, 0);
}
END_TEST

START_TEST(test_features)
{
	static const uint32_t offered[] = {
		PSCI_VERSION, PSCI_CPU_SUSPEND, PSCI_CPU_SUSPEND_64, PSCI_CPU_OFF, PSCI_CPU_ON,
		PSCI_CPU_ON_64, PSCI_AFFINITY_INFO, PSCI_AFFINITY_INFO_64, PSCI_SYSTEM_OFF,
		PSCI_SYSTEM_RESET, PSCI_FEATURES, PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_RESET2,
		PSCI_SYSTEM_RESET2_64, SMCCC_VERSION_FID,
	};
	static const uint32_t not_offered[] = {
		PSCI_MIGRATE, PSCI_MIGRATE_INFO_UP_CPU, PSCI_CPU_FREEZE, PSCI_SYSTEM_SUSPEND,
		PSCI_STAT_COUNT, PSCI_MEM_PROTECT, PSCI_CPU_OFF | SMCCC_SMC64, 0x84000016,
		SMCCC_ARCH_FEATURES_FID, 0x82000000, 0, TRNG_VERSION,
	};
	unsigned i;

	for (i = 0; i < sizeof(offered) / sizeof(offered[0]); i++)
		ck_assert_msg(psci(0, PSCI_FEATURES, offered[i], 0, 0, NULL) == 0,
			      "0x%08X not offered", offered[i]);
	for (i = 0; i < sizeof(not_offered) / sizeof(not_offered[0]); i++)
		ck_assert_msg(psci(0, PSCI_FEATURES, not_offered[i], 0, 0, NULL) ==
			      PSCI_RET_NOT_SUPPORTED, "0x%08X offered", not_offered[i]);
	/* The argument is W1: X1[63:32] is ignored. */
	ck_assert_int_eq(psci(0, PSCI_FEATURES, 0x100000000ULL | PSCI_CPU_ON, 0, 0, NULL), 0);
}
END_TEST

/* Minimal PSCI 1.0: optional functions answer NOT_SUPPORTED. */
START_TEST(test_minimal_10)
{
	setup_with("1.0", "");
	ck_assert_int_eq(psci(0, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0, NULL), PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(psci(0, PSCI_SYSTEM_RESET2, 0, 0, 0, NULL), PSCI_RET_NOT_SUPPORTED);
	ck_assert_uint_eq(fake.nr_reset, 0);
	ck_assert_int_eq(psci(0, PSCI_FEATURES, PSCI_SYSTEM_RESET2, 0, 0, NULL),
			 PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(psci(0, PSCI_FEATURES, PSCI_MIGRATE_INFO_TYPE, 0, 0, NULL),
			 PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(psci(0, PSCI_FEATURES, PSCI_CPU_ON, 0, 0, NULL), 0);
	ck_assert_int_eq(psci(0, PSCI_CPU_ON, cpu_mpidr(1), ENTRY, 0, NULL), PSCI_RET_SUCCESS);
	teardown();

	/* The configs/strict.conf file says the same. */
	{
		char err[512];

		fake_reset();
		pol = policy_load_file("configs/strict.conf", err, sizeof(err));
		ck_assert_msg(pol, "%s", err);
		ck_assert_int_eq(psci(0, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0, NULL),
				 PSCI_RET_NOT_SUPPORTED);
		ck_assert_int_eq(psci(0, PSCI_VERSION, 0, 0, 0, NULL), 0x10000);
		teardown();
	}
}
END_TEST

/* PSCI 0.2 has no PSCI_FEATURES; MIGRATE_INFO_TYPE may be offered. */
START_TEST(test_psci_02)
{
	setup_with("0.2", "migrate_info_type");
	ck_assert_int_eq(psci(0, PSCI_FEATURES, PSCI_CPU_ON, 0, 0, NULL), PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(psci(0, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0, NULL), PSCI_TOS_NOT_PRESENT_MP);
	ck_assert_int_eq(psci(0, PSCI_SYSTEM_RESET2, 0, 0, 0, NULL), PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(psci(0, PSCI_CPU_ON, cpu_mpidr(1), ENTRY, 0, NULL), PSCI_RET_SUCCESS);
	teardown();
}
END_TEST

static Suite *psci_suite(void)
{
	Suite *s = suite_create("psci");
	TCase *tc = tcase_create("psci-1.1");

	tcase_add_checked_fixture(tc, setup_11, teardown);
	tcase_add_test(tc, test_upper32);
	tcase_add_test(tc, test_not_psci_id);
	tcase_add_test(tc, test_nr_args);
	tcase_add_test(tc, test_cpu_on_lifecycle);
	tcase_add_test(tc, test_cpu_on_errors);
	tcase_add_test(tc, test_cpu_on_32bit_narrowing);
	tcase_add_test(tc, test_cpu_on_race);
	tcase_add_test(tc, test_affinity_info);
	tcase_add_test(tc, test_system_off_reset);
	tcase_add_test(tc, test_cpu_suspend);
	tcase_add_test(tc, test_cpu_off_bad_caller);
	tcase_add_test(tc, test_features);
	suite_add_tcase(s, tc);

	tc = tcase_create("versions");
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_minimal_10);
	tcase_add_test(tc, test_psci_02);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(psci_suite());
}
