/*
 * Numbers: one syntax for the policy file, vmm-policy's options and the
 * VMM's command line, so a value means the same wherever it is typed.
 *
 *   decimal   digits; leading zeros are still decimal (010 is ten: no octal)
 *   hex       0x or 0X, then hex digits in either case
 *
 * No sign (except number_parse_signed()), no blanks, no suffix: the caller
 * trims and splits first.  Pure C, no state: call from anywhere.
 */
#ifndef POLICY_NUMBER_H
#define POLICY_NUMBER_H

#include <stdint.h>

/*
 * s as an unsigned number no larger than max: 0, or -EINVAL (not a number)
 * or -ERANGE (above max), with *why set to a short reason ("empty number",
 * "no digits after 0x", "not a number", "trailing junk after the number",
 * "number too large").  *out is written only on success.
 */
int number_parse_unsigned(const char *s, uint64_t max, uint64_t *out, const char **why);

/*
 * The same with an optional leading '-': the 64-bit two's complement of the
 * magnitude, which may be up to 2^63 (so -1 is 0xFFFFFFFFFFFFFFFF, as an
 * SMCCC return code reads in X0).  Without '-', up to 2^64 - 1.
 */
int number_parse_signed(const char *s, uint64_t *out, const char **why);

/*
 * A size: a number in units of 1 << unit_shift bytes, or with a suffix K,
 * M, G or T (then optionally "B" or "iB"; powers of 1024) that overrides
 * the unit.  vmm --mem and vmm-policy replay --mem take MiB (unit_shift
 * 20), as kvmtool's -m does.  0xB is hex eleven, not a unit.  Returns as
 * number_parse_unsigned() ("number too large" when the bytes overflow).
 */
int number_parse_size(const char *s, unsigned int unit_shift, uint64_t *out, const char **why);

#endif /* POLICY_NUMBER_H */
