# SMCCC policy library (pure C11 + pthreads). Included by the top-level
# Makefile; paths are relative to the repository root.
POLICY_SRCS := policy/number.c policy/lex.c policy/keys.c policy/config.c policy/table.c \
	policy/ranges.c policy/tree.c policy/diff.c policy/decide.c policy/services.c \
	policy/fixed.c policy/psci.c policy/trng.c
