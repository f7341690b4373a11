/* key=value tokens from /chosen/bootargs, separated by spaces. */
#include "guest.h"

const char *bootargs_get(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *s = chosen >= 0 ? fdt_getprop_str(fdt, chosen, "bootargs") : NULL;

	return s ? s : "";
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int bootargs_find(const char *args, const char *key, int nth,
		  const char **val, size_t *len)
{
	size_t klen = strlen(key);
	const char *p = args;

	while (*p) {
		const char *tok;
		size_t tlen = 0;

		while (is_space(*p))
			p++;
		tok = p;
		while (*p && !is_space(*p))
			p++;
		tlen = (size_t)(p - tok);
		if (tlen > klen && tok[klen] == '=' && !strncmp(tok, key, klen)) {
			if (nth-- == 0) {
				*val = tok + klen + 1;
				*len = tlen - klen - 1;
				return 1;
			}
		}
	}
	return 0;
}

int bootargs_count(const char *args, const char *key)
{
	const char *v;
	size_t l;
	int n = 0;

	while (bootargs_find(args, key, n, &v, &l))
		n++;
	return n;
}

int parse_fid_value(const char *s, size_t len, u64 *fid, u64 *value)
{
	size_t i;

	for (i = 0; i < len && s[i] != ':'; i++)
		;
	if (i == len || parse_u64(s, i, fid) || parse_u64(s + i + 1, len - i - 1, value))
		return -1;
	return 0;
}

/* The VMM's default command line is Linux's (console=, earlycon, panic=,
 * reboot=): not the test's words, so not worth a line each run. */
static int linux_default(const char *tok, size_t n)
{
	static const char *const keys[] = { "console=", "earlycon", "panic=", "reboot=" };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		size_t k = strlen(keys[i]);

		if (n >= k && !strncmp(tok, keys[i], k))
			return 1;
	}
	return 0;
}

void bootargs_report_unknown(const char *args, const char *const *known, size_t nknown)
{
	const char *p = args;

	while (*p) {
		const char *tok;
		size_t n, i;
		int ok = 0;

		while (*p == ' ')
			p++;
		tok = p;
		while (*p && *p != ' ')
			p++;
		n = (size_t)(p - tok);
		if (!n || linux_default(tok, n))
			continue;
		for (i = 0; i < nknown; i++) {
			size_t k = strlen(known[i]);

			if (n > k && tok[k] == '=' && !strncmp(tok, known[i], k))
				ok = 1;
		}
		if (!ok)
			tap_diag("ignoring bootargs token '%.*s'", (int)n, tok);
	}
}
