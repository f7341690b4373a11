/* The one number syntax (number.h). */
#include <errno.h>
#include <stdbool.h>

#include "number.h"

static int digit_value(char c, unsigned base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int number_parse_unsigned(const char *s, uint64_t max, uint64_t *out, const char **why)
{
	const char *start;
	unsigned base = 10;
	uint64_t v = 0;

	if (!*s) {
		*why = "empty number";
		return -EINVAL;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s) {
			*why = "no digits after 0x";
			return -EINVAL;
		}
	}
	for (start = s; *s; s++) {
		int d = digit_value(*s, base);

		if (d < 0) {
			*why = s == start ? "not a number" : "trailing junk after the number";
			return -EINVAL;
		}
		/* Overflow is checked against max, not the type: the caller's
		 * limit (32-bit IDs, counts) gets the same message. */
		if (v > (max - (uint64_t)d) / base) {
			*why = "number too large";
			return -ERANGE;
		}
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

int number_parse_signed(const char *s, uint64_t *out, const char **why)
{
	bool neg = *s == '-';
	uint64_t v;
	int r;

	r = number_parse_unsigned(s + neg, neg ? (uint64_t)1 << 63 : UINT64_MAX, &v, why);
	if (r)
		return r;
	*out = neg ? (uint64_t)0 - v : v;
	return 0;
}
