/* The one number syntax (number.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

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

static bool is_unit(char c)
{
	return c && strchr("KMGTkmgt", c);
}

/* K, M, G or T, then nothing, "B" or "iB": the suffix's shift (the digits
 * before it in *digits), or -1 with *digits = len when there is none. */
static int size_suffix(const char *s, size_t len, size_t *digits)
{
	size_t n = len;

	if (n >= 3 && s[n - 2] == 'i' && s[n - 1] == 'B' && is_unit(s[n - 3]))
		n -= 2;
	else if (n >= 2 && (s[n - 1] == 'B' || s[n - 1] == 'b') && is_unit(s[n - 2]))
		n -= 1;
	if (!n || !is_unit(s[n - 1])) {
		*digits = len;
		return -1;
	}
	*digits = n - 1;
	return 10 * (int)(strchr("KMGT", s[n - 1] & ~0x20) - "KMGT" + 1);
}

int number_parse_size(const char *s, unsigned int unit_shift, uint64_t *out, const char **why)
{
	char num[32];
	size_t digits;
	int shift = size_suffix(s, strlen(s), &digits);
	uint64_t v;
	int r;

	if (shift < 0)
		shift = (int)unit_shift;
	if (digits == 0) {
		*why = "no number before the unit";
		return -EINVAL;
	}
	if (digits >= sizeof(num)) {
		*why = "number too large";
		return -ERANGE;
	}
	memcpy(num, s, digits);
	num[digits] = '\0';
	r = number_parse_unsigned(num, UINT64_MAX >> shift, &v, why);
	if (r)
		return r;
	*out = v << shift;
	return 0;
}
