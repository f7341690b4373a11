/*
 * What each key of the policy file means: one function per key, and the
 * table of which section accepts which key.  Values arrive trimmed, without
 * comments (lex.h); words compare without case.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lex.h"
#include "number.h"
#include "parse.h"
#include "smccc.h"

/* A 32-bit function ID or a count; the message names the key. */
static int parse_id(struct parse *ps, const char *key, char *text, uint64_t max, uint64_t *out)
{
	const char *why;

	text = lex_trim(text);
	if (!number_parse_unsigned(text, max, out, &why))
		return 0;
	parse_error(ps, ps->lineno, "%s: bad number '%s': %s%s", key, text, why,
		    strcmp(why, "number too large") ? "" :
		    max == 0xFFFFFFFFULL ? " (function IDs are 32-bit)" : "");
	return -EINVAL;
}

/* --------------------------------------------------------- [policy] keys */

static int key_conduit(struct parse *ps, char *v)
{
	if (lex_eq(v, "hvc"))
		ps->p->conduit = POLICY_CONDUIT_HVC;
	else if (lex_eq(v, "smc"))
		ps->p->conduit = POLICY_CONDUIT_SMC;
	else {
		parse_error(ps, ps->lineno, "conduit: '%s' is not hvc or smc", v);
		return -EINVAL;
	}
	return 0;
}

static int key_psci_version(struct parse *ps, char *v)
{
	if (!strcmp(v, "0.2"))
		ps->p->psci_version = PSCI_VERSION_0_2;
	else if (!strcmp(v, "1.0"))
		ps->p->psci_version = PSCI_VERSION_1_0;
	else if (!strcmp(v, "1.1"))
		ps->p->psci_version = PSCI_VERSION_1_1;
	else {
		parse_error(ps, ps->lineno, "psci_version: '%s' is not 0.2, 1.0 or 1.1", v);
		return -EINVAL;
	}
	ps->version_line = ps->lineno;
	return 0;
}

/* "psci_version, cpu_suspend, ...": the names psci_functions accepts. */
static void implemented_names(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < 32 && n < len; i++) {
		const struct psci_fn_info *fn = psci_fn_by_num(i);

		if (fn && fn->emulate)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", fn->name);
	}
}

static int key_psci_functions(struct parse *ps, char *v)
{
	char *s = v;

	ps->functions_line = ps->lineno;
	if (!*v)
		return 0;	/* only the mandatory functions */
	for (;;) {
		size_t len = strcspn(s, ",");
		bool last = !s[len];
		const struct psci_fn_info *fn;
		char *name;

		s[len] = '\0';
		name = lex_trim(s);
		if (!name[0]) {
			parse_error(ps, ps->lineno, "psci_functions: empty name in the list");
			return -EINVAL;
		}
		fn = psci_fn_by_name(name);
		if (!fn || !fn->emulate) {
			char names[512];

			implemented_names(names, sizeof(names));
			if (fn)
				parse_error(ps, ps->lineno, "psci_functions: PSCI function '%s' is not "
					    "implemented by this VMM (it implements: %s)", name, names);
			else
				parse_error(ps, ps->lineno, "psci_functions: unknown PSCI function "
					    "'%s' (the VMM implements: %s)", name, names);
			return -EINVAL;
		}
		if (ps->listed & (1U << fn->num)) {
			parse_error(ps, ps->lineno, "psci_functions: '%s' is listed twice", name);
			return -EINVAL;
		}
		ps->listed |= 1U << fn->num;
		if (last)
			break;
		s += len + 1;
	}
	return 0;
}

static int key_on_reset(struct parse *ps, char *v)
{
	if (lex_eq(v, "exit"))
		ps->p->on_reset = POLICY_RESET_EXIT;
	else if (lex_eq(v, "restart"))
		ps->p->on_reset = POLICY_RESET_RESTART;
	else {
		parse_error(ps, ps->lineno, "on_reset: '%s' is not exit or restart", v);
		return -EINVAL;
	}
	return 0;
}

static int key_default(struct parse *ps, char *v)
{
	if (lex_eq(v, "deny"))
		ps->p->default_action = POLICY_FILTER_DENY;
	else if (lex_eq(v, "kernel"))
		ps->p->default_action = POLICY_FILTER_HANDLE;
	else {
		parse_error(ps, ps->lineno, "default: '%s' is not deny (or kernel)", v);
		return -EINVAL;
	}
	ps->default_line = ps->lineno;
	return 0;
}

/* The 32-bit function-ID rule cannot be turned off: the key exists so a
 * policy may say it is on, with any of the usual words for "on". */
static int key_upper32_check(struct parse *ps, char *v)
{
	if (lex_eq(v, "on") || lex_eq(v, "yes") || lex_eq(v, "true") || !strcmp(v, "1"))
		return 0;
	parse_error(ps, ps->lineno,
		    "upper32_check: the 32-bit function-ID rule (DEN 0028 2.5: X0[63:32] must be "
		    "zero) is always on for forwarded calls and cannot be set to '%s' "
		    "(on, yes, true or 1 say so)", v);
	return -EINVAL;
}

/* ----------------------------------------------------------- [rule] keys */

static int key_range(struct parse *ps, char *v)
{
	char *dash = strchr(v, '-');
	uint64_t first, last;

	if (ps->have_base || ps->have_count) {
		parse_error(ps, ps->lineno, "range: use either range or base + count, not both");
		return -EINVAL;
	}
	if (dash)
		*dash = '\0';
	if (parse_id(ps, "range", v, 0xFFFFFFFFULL, &first))
		return -EINVAL;
	last = first;
	if (dash && parse_id(ps, "range", dash + 1, 0xFFFFFFFFULL, &last))
		return -EINVAL;
	if (last < first) {
		parse_error(ps, ps->lineno, "range: 0x%08llX-0x%08llX ends before it starts",
			    (unsigned long long)first, (unsigned long long)last);
		return -EINVAL;
	}
	ps->cur.first = (uint32_t)first;
	ps->cur.last = (uint32_t)last;
	ps->cur.range_line = ps->lineno;
	ps->have_range = true;
	return 0;
}

static int key_base(struct parse *ps, char *v)
{
	if (ps->have_range) {
		parse_error(ps, ps->lineno, "base: use either range or base + count, not both");
		return -EINVAL;
	}
	if (parse_id(ps, "base", v, 0xFFFFFFFFULL, &ps->base))
		return -EINVAL;
	ps->have_base = true;
	ps->base_line = ps->lineno;
	return 0;
}

static int key_count(struct parse *ps, char *v)
{
	if (ps->have_range) {
		parse_error(ps, ps->lineno, "count: use either range or base + count, not both");
		return -EINVAL;
	}
	if (parse_id(ps, "count", v, 0x100000000ULL, &ps->count))
		return -EINVAL;
	if (ps->count == 0) {
		parse_error(ps, ps->lineno, "count: must be at least 1");
		return -EINVAL;
	}
	ps->have_count = true;
	ps->count_line = ps->lineno;
	return 0;
}

static int key_action(struct parse *ps, char *v)
{
	size_t len = strcspn(v, " \t");
	const struct smccc_service *s;
	char why[256] = "";
	char *arg = v + len;

	if (*arg)
		*arg++ = '\0';
	arg = lex_trim(arg);
	s = smccc_service_find(v);
	if (!s) {
		parse_error(ps, ps->lineno, "action: unknown action '%s' (expected one of: %s)", v,
			    smccc_service_usages());
		return -EINVAL;
	}
	if (!s->parse && *arg) {
		parse_error(ps, ps->lineno, "action: unexpected '%s' after the action name", arg);
		return -EINVAL;
	}
	if (s->parse && s->parse(arg, &ps->cur.arg, why, sizeof(why))) {
		parse_error(ps, ps->lineno, "action: %s", why);
		return -EINVAL;
	}
	ps->cur.service = s;
	ps->cur.action_line = ps->lineno;
	return 0;
}

/* ---------------------------------------------------------- key dispatch */

struct key_def {
	enum section_kind sec;
	const char *key;
	int (*fn)(struct parse *ps, char *value);
};

static const struct key_def key_defs[] = {
	{ SEC_POLICY, "conduit",	key_conduit },
	{ SEC_POLICY, "psci_version",	key_psci_version },
	{ SEC_POLICY, "psci_functions",	key_psci_functions },
	{ SEC_POLICY, "on_reset",	key_on_reset },
	{ SEC_POLICY, "default",	key_default },
	{ SEC_POLICY, "upper32_check",	key_upper32_check },
	{ SEC_RULE,   "range",		key_range },
	{ SEC_RULE,   "base",		key_base },
	{ SEC_RULE,   "count",		key_count },
	{ SEC_RULE,   "action",		key_action },
};

const char *parse_section_keys(enum section_kind sec)
{
	return sec == SEC_POLICY ?
	       "conduit, psci_version, psci_functions, on_reset, default, upper32_check" :
	       "range, base, count, action";
}

int parse_key(struct parse *ps, const char *key, char *value)
{
	size_t i;

	for (i = 0; i < ps->nr_keys; i++) {
		if (lex_eq(ps->keys[i].key, key)) {
			parse_error(ps, ps->lineno, "duplicate key '%s' (first at line %u)", key,
				    ps->keys[i].line);
			return -EINVAL;
		}
	}
	for (i = 0; i < sizeof(key_defs) / sizeof(key_defs[0]); i++) {
		const struct key_def *d = &key_defs[i];

		if (d->sec != ps->sec || !lex_eq(d->key, key))
			continue;
		if (ps->nr_keys < PARSE_MAX_KEYS)
			ps->keys[ps->nr_keys++] = (struct key_seen){ d->key, ps->lineno };
		return d->fn(ps, value);
	}
	if (ps->sec == SEC_POLICY && (strcasestr(key, "upper") || strstr(key, "32"))) {
		parse_error(ps, ps->lineno,
			    "unknown key '%s': the 32-bit function-ID rule is always on and has no "
			    "setting", key);
		return -EINVAL;
	}
	parse_error(ps, ps->lineno, "unknown key '%s' in [%s] (expected %s)", key,
		    ps->sec == SEC_POLICY ? "policy" : "rule", parse_section_keys(ps->sec));
	return -EINVAL;
}
