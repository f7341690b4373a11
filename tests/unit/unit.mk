# Check-based unit tests of policy/; each file has its own main().
UNIT_POLICY_TESTS := tests/unit/test_policy.c tests/unit/test_syntax.c tests/unit/test_table.c \
	tests/unit/test_psci.c tests/unit/test_trng.c
