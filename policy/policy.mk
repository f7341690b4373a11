# SMCCC policy library (pure C11 + pthreads, libinih). Included by the
# top-level Makefile; paths are relative to the repository root.
POLICY_SRCS := policy/config.c policy/ranges.c policy/decide.c policy/services.c \
	policy/fixed.c policy/psci.c policy/trng.c
