/*
 * Policy file parser.  libinih does the INI syntax; this file gives the keys
 * their meaning.  Line numbers: libinih 55 (Debian) is built without
 * INI_HANDLER_LINENO, so the text is fed through ini_parse_stream() with a
 * reader that counts lines.  libinih reads a line and then calls the handler
 * for it, so the reader's count is the line of the key being handled.  The
 * reader also notes section headers, because libinih never reports a
 * section that holds no keys.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "policy-internal.h"
#include "smccc.h"

#define MAX_KEYS_PER_SECTION	16
#define MAX_FILE_SIZE		(1U << 20)

enum section_kind { SEC_NONE, SEC_POLICY, SEC_RULE, SEC_BAD };

struct key_seen { const char *key; unsigned line; };

struct parse {
	const char *src;	/* name for messages */
	const char *text;
	size_t pos;
	unsigned lineno;	/* line most recently handed to libinih */

	bool failed;
	unsigned err_line;
	char err[512];

	enum section_kind sec;
	unsigned sec_line;
	struct key_seen keys[MAX_KEYS_PER_SECTION];
	size_t nr_keys;

	/* [policy] */
	unsigned policy_line;
	unsigned version_line, functions_line, default_line;
	uint32_t listed;	/* bit n: psci_functions names function n */

	/* the [rule] being read */
	struct policy_rule cur;
	bool have_range, have_base, have_count;
	unsigned base_line, count_line;
	uint64_t base, count;

	struct policy *p;
	size_t rules_cap;
	size_t warnings_cap;
};

/* ---------------------------------------------------------------- errors */

static void perr(struct parse *ps, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parse *ps, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->failed)
		return;
	ps->failed = true;
	ps->err_line = line;
	n = snprintf(ps->err, sizeof(ps->err), "%s:%u: ", ps->src, line);
	if (n < 0 || (size_t)n >= sizeof(ps->err))
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, sizeof(ps->err) - (size_t)n, fmt, ap);
	va_end(ap);
}

static void pwarn(struct parse *ps, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void pwarn(struct parse *ps, unsigned line, const char *fmt, ...)
{
	struct policy *p = ps->p;
	char buf[512];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s:%u: warning: ", ps->src, line);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);

	if (p->nr_warnings == ps->warnings_cap) {
		size_t cap = ps->warnings_cap ? ps->warnings_cap * 2 : 4;
		char **w = realloc(p->warnings, cap * sizeof(*w));

		if (!w)
			return;
		p->warnings = w;
		ps->warnings_cap = cap;
	}
	p->warnings[p->nr_warnings] = strdup(buf);
	if (p->warnings[p->nr_warnings])
		p->nr_warnings++;
}

/* --------------------------------------------------------------- helpers */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Copy s[0..len) without surrounding blanks into buf (truncating). */
static void copy_trimmed(char *buf, size_t size, const char *s, size_t len)
{
	while (len && is_space(*s)) {
		s++;
		len--;
	}
	while (len && is_space(s[len - 1]))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
}

/*
 * Strict unsigned number: decimal, or hex with 0x/0X.  No sign, no octal,
 * no trailing junk.  Returns NULL or the reason it is not a number.
 */
static const char *parse_unsigned(const char *s, uint64_t max, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *d;

	if (!*s)
		return "empty number";
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return "no digits after 0x";
	}
	for (d = s; *d; d++) {
		unsigned digit;

		if (*d >= '0' && *d <= '9')
			digit = (unsigned)(*d - '0');
		else if (base == 16 && *d >= 'a' && *d <= 'f')
			digit = (unsigned)(*d - 'a' + 10);
		else if (base == 16 && *d >= 'A' && *d <= 'F')
			digit = (unsigned)(*d - 'A' + 10);
		else
			return d == s ? "not a number" : "trailing junk after the number";
		if (v > (max - digit) / base)
			return "number too large";
		v = v * base + digit;
	}
	*out = v;
	return NULL;
}

/* A 32-bit function ID or count; the message names the key. */
static int parse_u32(struct parse *ps, const char *key, const char *text, uint64_t max,
		     uint64_t *out)
{
	char buf[128];
	const char *why;

	copy_trimmed(buf, sizeof(buf), text, strlen(text));
	why = parse_unsigned(buf, max, out);
	if (why) {
		perr(ps, ps->lineno, "%s: bad number '%s': %s%s", key, buf, why,
		     strcmp(why, "number too large") ? "" :
		     max == 0xFFFFFFFFULL ? " (function IDs are 32-bit)" : "");
		return -1;
	}
	return 0;
}

/* --------------------------------------------------------- [policy] keys */

static int key_conduit(struct parse *ps, const char *v)
{
	if (!strcasecmp(v, "hvc"))
		ps->p->conduit = POLICY_CONDUIT_HVC;
	else if (!strcasecmp(v, "smc"))
		ps->p->conduit = POLICY_CONDUIT_SMC;
	else {
		perr(ps, ps->lineno, "conduit: '%s' is not hvc or smc", v);
		return -1;
	}
	return 0;
}

static int key_psci_version(struct parse *ps, const char *v)
{
	if (!strcmp(v, "0.2"))
		ps->p->psci_version = PSCI_VERSION_0_2;
	else if (!strcmp(v, "1.0"))
		ps->p->psci_version = PSCI_VERSION_1_0;
	else if (!strcmp(v, "1.1"))
		ps->p->psci_version = PSCI_VERSION_1_1;
	else {
		perr(ps, ps->lineno, "psci_version: '%s' is not 0.2, 1.0 or 1.1", v);
		return -1;
	}
	ps->version_line = ps->lineno;
	return 0;
}

static int key_psci_functions(struct parse *ps, const char *v)
{
	const char *s = v;

	ps->functions_line = ps->lineno;
	if (!*v)
		return 0;	/* only the mandatory functions */
	for (;;) {
		size_t len = strcspn(s, ",");
		const struct psci_fn_info *fn;
		char name[64];

		copy_trimmed(name, sizeof(name), s, len);
		if (!name[0]) {
			perr(ps, ps->lineno, "psci_functions: empty name in the list");
			return -1;
		}
		fn = psci_fn_by_name(name);
		if (!fn) {
			perr(ps, ps->lineno, "psci_functions: unknown PSCI function '%s'", name);
			return -1;
		}
		if (!fn->emulate) {
			perr(ps, ps->lineno,
			     "psci_functions: PSCI function '%s' is not implemented by this VMM",
			     name);
			return -1;
		}
		if (ps->listed & (1U << fn->num)) {
			perr(ps, ps->lineno, "psci_functions: '%s' is listed twice", name);
			return -1;
		}
		ps->listed |= 1U << fn->num;
		if (!s[len])
			break;
		s += len + 1;
	}
	return 0;
}

static int key_on_reset(struct parse *ps, const char *v)
{
	if (!strcasecmp(v, "exit"))
		ps->p->on_reset = POLICY_RESET_EXIT;
	else if (!strcasecmp(v, "restart"))
		ps->p->on_reset = POLICY_RESET_RESTART;
	else {
		perr(ps, ps->lineno, "on_reset: '%s' is not exit or restart", v);
		return -1;
	}
	return 0;
}

static int key_default(struct parse *ps, const char *v)
{
	if (!strcasecmp(v, "deny"))
		ps->p->default_action = POLICY_FILTER_DENY;
	else if (!strcasecmp(v, "kernel"))
		ps->p->default_action = POLICY_FILTER_HANDLE;
	else {
		perr(ps, ps->lineno, "default: '%s' is not deny (or kernel)", v);
		return -1;
	}
	ps->default_line = ps->lineno;
	return 0;
}

/* The 32-bit function-ID rule cannot be turned off; say so explicitly. */
static int key_upper32_check(struct parse *ps, const char *v)
{
	if (!strcasecmp(v, "on") || !strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
	    !strcmp(v, "1"))
		return 0;
	perr(ps, ps->lineno,
	     "upper32_check: the 32-bit function-ID rule (DEN 0028 2.5: X0[63:32] must be "
	     "zero) is always on for forwarded calls and cannot be set to '%s'", v);
	return -1;
}

/* ----------------------------------------------------------- [rule] keys */

static int key_range(struct parse *ps, const char *v)
{
	const char *dash = strchr(v, '-');
	uint64_t first, last;
	char a[128];

	if (ps->have_base || ps->have_count) {
		perr(ps, ps->lineno, "range: use either range or base + count, not both");
		return -1;
	}
	copy_trimmed(a, sizeof(a), v, dash ? (size_t)(dash - v) : strlen(v));
	if (parse_u32(ps, "range", a, 0xFFFFFFFFULL, &first))
		return -1;
	if (dash) {
		if (parse_u32(ps, "range", dash + 1, 0xFFFFFFFFULL, &last))
			return -1;
	} else {
		last = first;
	}
	if (last < first) {
		perr(ps, ps->lineno, "range: 0x%08llX-0x%08llX ends before it starts",
		     (unsigned long long)first, (unsigned long long)last);
		return -1;
	}
	ps->cur.first = (uint32_t)first;
	ps->cur.last = (uint32_t)last;
	ps->cur.range_line = ps->lineno;
	ps->have_range = true;
	return 0;
}

static int key_base(struct parse *ps, const char *v)
{
	if (ps->have_range) {
		perr(ps, ps->lineno, "base: use either range or base + count, not both");
		return -1;
	}
	if (parse_u32(ps, "base", v, 0xFFFFFFFFULL, &ps->base))
		return -1;
	ps->have_base = true;
	ps->base_line = ps->lineno;
	return 0;
}

static int key_count(struct parse *ps, const char *v)
{
	if (ps->have_range) {
		perr(ps, ps->lineno, "count: use either range or base + count, not both");
		return -1;
	}
	if (parse_u32(ps, "count", v, 0x100000000ULL, &ps->count))
		return -1;
	if (ps->count == 0) {
		perr(ps, ps->lineno, "count: must be at least 1");
		return -1;
	}
	ps->have_count = true;
	ps->count_line = ps->lineno;
	return 0;
}

static int key_action(struct parse *ps, const char *v)
{
	size_t len = strcspn(v, " \t");
	const struct smccc_service *s;
	char name[32], why[256];
	const char *arg = v + len;

	copy_trimmed(name, sizeof(name), v, len);
	while (is_space(*arg))
		arg++;
	s = smccc_service_find(name);
	if (!s) {
		perr(ps, ps->lineno, "action: unknown action '%s' (expected one of: %s)", name,
		     smccc_service_usages());
		return -1;
	}
	why[0] = '\0';
	if (!s->parse && *arg) {
		perr(ps, ps->lineno, "action: unexpected '%s' after the action name", arg);
		return -1;
	}
	if (s->parse && s->parse(arg, &ps->cur.arg, why, sizeof(why))) {
		perr(ps, ps->lineno, "action: %s", why);
		return -1;
	}
	ps->cur.service = s;
	ps->cur.action_line = ps->lineno;
	return 0;
}

/* ---------------------------------------------------------- key dispatch */

struct key_def {
	enum section_kind sec;
	const char *key;
	int (*fn)(struct parse *ps, const char *value);
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

static const char *const section_keys[] = {
	[SEC_POLICY] = "conduit, psci_version, psci_functions, on_reset, default",
	[SEC_RULE] = "range, base, count, action",
};

/* Checks that need the whole [rule] section; runs when it ends. */
static void finish_rule(struct parse *ps)
{
	struct policy_rule *r = &ps->cur;
	struct policy *p = ps->p;
	size_t i;

	if (ps->failed)
		return;
	if (ps->have_base != ps->have_count) {
		perr(ps, ps->have_base ? ps->base_line : ps->count_line,
		     "rule '%s': %s without %s", r->name, ps->have_base ? "base" : "count",
		     ps->have_base ? "count" : "base");
		return;
	}
	if (ps->have_base) {
		r->range_line = ps->base_line > ps->count_line ? ps->base_line : ps->count_line;
		if (ps->base + ps->count - 1 > 0xFFFFFFFFULL) {
			perr(ps, r->range_line,
			     "rule '%s': base 0x%08llX + count %llu wraps past 0xFFFFFFFF",
			     r->name, (unsigned long long)ps->base,
			     (unsigned long long)ps->count);
			return;
		}
		r->first = (uint32_t)ps->base;
		r->last = (uint32_t)(ps->base + ps->count - 1);
	} else if (!ps->have_range) {
		perr(ps, r->line, "rule '%s' has no range (range = FIRST-LAST, or base + count)",
		     r->name);
		return;
	}
	if (!r->service) {
		perr(ps, r->line, "rule '%s' has no action", r->name);
		return;
	}

	for (i = 0; i < 2; i++) {
		uint32_t rf = i ? SMCCC_KVM_RESERVED64_FIRST : SMCCC_KVM_RESERVED32_FIRST;
		uint32_t rl = i ? SMCCC_KVM_RESERVED64_LAST : SMCCC_KVM_RESERVED32_LAST;

		if (policy_ranges_overlap(r->first, r->last, rf, rl)) {
			perr(ps, r->range_line,
			     "rule '%s': 0x%08X-0x%08X overlaps KVM's reserved Arm architecture "
			     "range 0x%08X-0x%08X (KVM always handles it and refuses filters "
			     "over it)", r->name, r->first, r->last, rf, rl);
			return;
		}
	}
	/* Overlaps between rules are found once all are read (check_overlaps):
	 * pairwise here would make a large policy quadratic to load. */

	if (!smccc_service_covers(r->service, r->first, r->last)) {
		char list[160];
		size_t n = 0;

		for (i = 0; i < r->service->nr_ranges && n < sizeof(list); i++)
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s0x%08X-0x%08X",
					      i ? " and " : "", r->service->ranges[i].first,
					      r->service->ranges[i].last);
		perr(ps, r->action_line, "rule '%s': action %s only applies within %s %s",
		     r->name, r->service->name, r->service->ranges_name, list);
		return;
	}
	if (r->service->check) {
		char why[256] = "";

		if (r->service->check(r->first, r->last, r->arg, why, sizeof(why))) {
			perr(ps, r->action_line, "rule '%s': %s", r->name, why);
			return;
		}
	}
	r->decision = smccc_service_decision(r->service);

	if (p->nr_rules == ps->rules_cap) {
		size_t cap = ps->rules_cap ? ps->rules_cap * 2 : 8;
		struct policy_rule *n = realloc(p->rules, cap * sizeof(*n));

		if (!n) {
			perr(ps, r->line, "out of memory");
			return;
		}
		p->rules = n;
		ps->rules_cap = cap;
	}
	p->rules[p->nr_rules++] = *r;
}

static void finish_section(struct parse *ps)
{
	if (ps->sec == SEC_RULE)
		finish_rule(ps);
	ps->sec = SEC_NONE;
	ps->nr_keys = 0;
}

static bool valid_rule_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	}
	return true;
}

/* A section header: "[policy]" or "[rule NAME]". */
static void begin_section(struct parse *ps, const char *name)
{
	finish_section(ps);
	if (ps->failed)
		return;
	ps->sec_line = ps->lineno;
	ps->sec = SEC_BAD;

	if (!strcmp(name, "policy")) {
		if (ps->policy_line) {
			perr(ps, ps->lineno, "duplicate [policy] section (first at line %u)",
			     ps->policy_line);
			return;
		}
		ps->policy_line = ps->lineno;
		ps->sec = SEC_POLICY;
		return;
	}
	if (!strncmp(name, "rule", 4) && (!name[4] || is_space(name[4]))) {
		const char *rn = name + 4;

		while (is_space(*rn))
			rn++;
		if (!*rn) {
			perr(ps, ps->lineno, "[rule] needs a name: [rule NAME]");
			return;
		}
		if (!valid_rule_name(rn) || strlen(rn) >= POLICY_NAME_MAX) {
			perr(ps, ps->lineno,
			     "bad rule name '%s' (letters, digits, '_', '-', '.'; at most %d)",
			     rn, POLICY_NAME_MAX - 1);
			return;
		}
		memset(&ps->cur, 0, sizeof(ps->cur));
		strcpy(ps->cur.name, rn);
		ps->cur.line = ps->lineno;
		ps->have_range = ps->have_base = ps->have_count = false;
		ps->base = ps->count = 0;
		ps->base_line = ps->count_line = 0;
		ps->sec = SEC_RULE;
		return;
	}
	perr(ps, ps->lineno, "unknown section [%s] (expected [policy] or [rule NAME])", name);
}

/* libinih's callback, once per "key = value". */
static int on_key(void *user, const char *section, const char *key, const char *value)
{
	struct parse *ps = user;
	size_t i;

	(void)section;	/* tracked by the reader, which also sees empty sections */
	if (ps->failed)
		return 0;
	if (!key)	/* a libinih built with INI_CALL_HANDLER_ON_NEW_SECTION */
		return 1;
	if (ps->sec == SEC_NONE) {
		perr(ps, ps->lineno, "'%s' is outside any section (start with [policy])", key);
		return 0;
	}
	if (ps->sec == SEC_BAD)
		return 0;
	for (i = 0; i < ps->nr_keys; i++) {
		if (!strcmp(ps->keys[i].key, key)) {
			perr(ps, ps->lineno, "duplicate key '%s' (first at line %u)", key,
			     ps->keys[i].line);
			return 0;
		}
	}
	for (i = 0; i < sizeof(key_defs) / sizeof(key_defs[0]); i++) {
		const struct key_def *d = &key_defs[i];

		if (d->sec != ps->sec || strcmp(d->key, key))
			continue;
		if (ps->nr_keys < MAX_KEYS_PER_SECTION)
			ps->keys[ps->nr_keys++] = (struct key_seen){ d->key, ps->lineno };
		return d->fn(ps, value) ? 0 : 1;
	}
	if (ps->sec == SEC_POLICY && (strstr(key, "upper") || strstr(key, "32"))) {
		perr(ps, ps->lineno,
		     "unknown key '%s': the 32-bit function-ID rule is always on and has no "
		     "setting", key);
		return 0;
	}
	perr(ps, ps->lineno, "unknown key '%s' in [%s] (expected %s)", key,
	     ps->sec == SEC_POLICY ? "policy" : "rule", section_keys[ps->sec]);
	return 0;
}

/*
 * Look at a raw line before libinih parses it: note section headers, and
 * refuse indentation (libinih would silently treat an indented line as a
 * continuation of the previous value) and lines libinih would split.
 */
static void inspect_line(struct parse *ps, const char *line, size_t len, size_t max)
{
	size_t i = 0;
	const char *close;
	char name[128];

	if (ps->lineno == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3))
		i = 3;	/* UTF-8 BOM, skipped by libinih too */
	while (i < len && is_space(line[i]))
		i++;
	if (i == len || line[i] == '#' || line[i] == ';')
		return;	/* blank or comment */
	if (len > max) {
		perr(ps, ps->lineno, "line longer than %zu characters", max);
		return;
	}
	if (i > 0 && is_space(line[0])) {
		perr(ps, ps->lineno,
		     "indented line: start keys and sections in column 1 (an indented line "
		     "would continue the previous value)");
		return;
	}
	if (line[i] != '[')
		return;
	close = memchr(line + i, ']', len - i);
	if (!close) {
		perr(ps, ps->lineno, "section header without ']'");
		return;
	}
	for (const char *t = close + 1; t < line + len; t++) {
		if (*t == ';' || *t == '#')
			break;
		if (!is_space(*t)) {
			perr(ps, ps->lineno, "unexpected text after ']'");
			return;
		}
	}
	copy_trimmed(name, sizeof(name), line + i + 1, (size_t)(close - line - i - 1));
	begin_section(ps, name);
}

/* ini_reader: one line per call, like fgets, counting lines. */
static char *read_line(char *str, int num, void *stream)
{
	struct parse *ps = stream;
	const char *line = ps->text + ps->pos;
	size_t len, full, copy;

	if (!*line || num < 2)
		return NULL;
	len = strcspn(line, "\n");
	full = len + (line[len] == '\n');
	ps->pos += full;
	ps->lineno++;

	copy = full < (size_t)num - 1 ? full : (size_t)num - 1;
	memcpy(str, line, copy);
	str[copy] = '\0';

	if (!ps->failed) {
		size_t l = len;

		if (l && line[l - 1] == '\r')
			l--;
		/* libinih needs room for the text plus "\r\n" or "\n" and NUL */
		inspect_line(ps, line, l, (size_t)num - 3);
	}
	return str;
}

/* ----------------------------------------------------------- final checks */

static int cmp_rule_name(const void *a, const void *b)
{
	const struct policy_rule *const *x = a, *const *y = b;
	int c = strcmp((*x)->name, (*y)->name);

	return c ? c : ((*x)->line > (*y)->line) - ((*x)->line < (*y)->line);
}

/*
 * Duplicate names and overlapping ranges, in O(n log n) on the rules sorted
 * by first ID.  Of all the conflicts, the one whose later rule comes first
 * in the file is reported, as a reader going down the file would meet it.
 */
static int check_duplicates_and_overlaps(struct parse *ps)
{
	struct policy *p = ps->p;
	const struct policy_rule **byname, *dup = NULL, *dup_first = NULL;
	const struct policy_rule *ovl = NULL, *ovl_other = NULL;
	size_t i, widest = 0;

	byname = calloc(p->nr_rules ? p->nr_rules : 1, sizeof(*byname));
	if (!byname) {
		perr(ps, 1, "out of memory");
		return -1;
	}
	for (i = 0; i < p->nr_rules; i++)
		byname[i] = &p->rules[i];
	qsort(byname, p->nr_rules, sizeof(*byname), cmp_rule_name);
	for (i = 1; i < p->nr_rules; i++)
		if (!strcmp(byname[i]->name, byname[i - 1]->name) &&
		    (!dup || byname[i]->line < dup->line)) {
			dup = byname[i];
			dup_first = byname[i - 1];
		}
	free(byname);

	/* p->rules is sorted by first ID: a rule overlaps an earlier one iff it
	 * starts at or below the largest last ID seen so far. */
	for (i = 1; i < p->nr_rules; i++) {
		const struct policy_rule *r = &p->rules[i], *w = &p->rules[widest];

		if (r->first <= w->last) {
			const struct policy_rule *late = r->line > w->line ? r : w;

			if (!ovl || late->range_line < ovl->range_line) {
				ovl = late;
				ovl_other = late == r ? w : r;
			}
		}
		if (r->last > w->last)
			widest = i;
	}

	if (dup && (!ovl || dup->line <= ovl->range_line)) {
		perr(ps, dup->line, "duplicate rule name '%s' (first at line %u)", dup->name,
		     dup_first->line);
		return -1;
	}
	if (ovl) {
		perr(ps, ovl->range_line,
		     "rule '%s' (0x%08X-0x%08X) overlaps rule '%s' (0x%08X-0x%08X, line %u)",
		     ovl->name, ovl->first, ovl->last, ovl_other->name, ovl_other->first,
		     ovl_other->last, ovl_other->line);
		return -1;
	}
	return 0;
}

static const struct policy_rule *first_psci_rule(const struct policy *p)
{
	for (size_t i = 0; i < p->nr_rules; i++)
		if (p->rules[i].service == &psci_service)
			return &p->rules[i];
	return NULL;
}

/*
 * PSCI changes vCPU power state, which has one owner: KVM (kernel) or the
 * VMM (psci).  A policy that hands some PSCI IDs to each would leave a CPU
 * on in one view and off in the other.
 */
static int check_psci_owner(struct parse *ps)
{
	struct policy *p = ps->p;

	if (!p->psci_in_user)
		return 0;
	for (uint32_t fid = PSCI_FID32_FIRST; fid <= PSCI_FID64_LAST; fid++) {
		const struct policy_rule *r;

		if (fid == PSCI_FID32_LAST + 1)
			fid = PSCI_FID64_FIRST;
		r = policy_lookup(p, fid);
		if ((r ? r->service->filter : p->default_action) != POLICY_FILTER_HANDLE)
			continue;
		perr(ps, r ? r->action_line : ps->default_line,
		     "PSCI ID 0x%08X goes to KVM (%s) while rule '%s' gives PSCI to the VMM: "
		     "vCPU power state can have only one owner, so give every PSCI ID to psci "
		     "(or every one to kernel)", fid, r ? "action kernel" : "default = kernel",
		     policy_rule_name(first_psci_rule(p)));
		return -1;
	}
	return 0;
}

static void finish(struct parse *ps)
{
	struct policy *p = ps->p;
	size_t i;

	finish_section(ps);
	if (ps->failed)
		return;

	for (i = 0; i < 32; i++) {
		const struct psci_fn_info *fn = psci_fn_by_num((unsigned)i);

		if (!(ps->listed & (1U << i)) || !fn)
			continue;
		if (fn->since > p->psci_version) {
			perr(ps, ps->functions_line,
			     "psci_functions: '%s' does not exist in PSCI %u.%u (it needs %u.%u)",
			     fn->name, PSCI_VERSION_MAJOR(p->psci_version),
			     PSCI_VERSION_MINOR(p->psci_version), PSCI_VERSION_MAJOR(fn->since),
			     PSCI_VERSION_MINOR(fn->since));
			return;
		}
	}
	p->psci_offered = ps->listed;
	for (i = 0; i < 32; i++) {
		const struct psci_fn_info *fn = psci_fn_by_num((unsigned)i);

		if (fn && fn->mandatory && fn->mandatory <= p->psci_version)
			p->psci_offered |= 1U << i;
	}

	for (i = 0; i < p->nr_rules; i++)
		if (p->rules[i].service == &psci_service)
			p->psci_in_user = true;
	if (policy_sort_rules(p)) {
		perr(ps, 1, "out of memory");
		return;
	}
	if (check_duplicates_and_overlaps(ps))
		return;
	if (check_psci_owner(ps))
		return;

	if (p->default_action == POLICY_FILTER_HANDLE)
		pwarn(ps, ps->default_line,
		      "default = kernel: calls no rule names reach KVM's own handlers "
		      "(and are aliased on W0 by KVM); deny is recommended");
	if (ps->functions_line && !p->psci_in_user)
		pwarn(ps, ps->functions_line,
		      "psci_functions has no effect: no rule uses action psci");
	if (!policy_lookup(p, PSCI_VERSION) && p->default_action == POLICY_FILTER_DENY)
		pwarn(ps, ps->policy_line ? ps->policy_line : 1,
		      "no rule covers PSCI (0x%08X): the guest cannot bring up CPUs or power off",
		      PSCI_VERSION);
}

/* ------------------------------------------------------------------ load */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

struct policy *policy_load_string(const char *text, const char *name, char *err, size_t errlen)
{
	struct parse ps;
	struct policy *p;
	int ret;

	if (!name)
		name = "<string>";
	if (!text) {
		set_err(err, errlen, "%s: no text", name);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->source = strdup(name))) {
		free(p);
		set_err(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	p->conduit = POLICY_CONDUIT_HVC;
	p->psci_version = PSCI_VERSION_1_1;
	p->on_reset = POLICY_RESET_EXIT;
	p->default_action = POLICY_FILTER_DENY;

	memset(&ps, 0, sizeof(ps));
	ps.src = p->source;
	ps.text = text;
	ps.p = p;

	ret = ini_parse_stream(read_line, &ps, on_key, &ps);
	if (ret > 0 && (!ps.failed || (unsigned)ret < ps.err_line)) {
		ps.failed = false;
		perr(&ps, (unsigned)ret,
		     "syntax error: expected '[section]', 'key = value' or a # comment");
	} else if (ret < 0 && !ps.failed) {
		perr(&ps, ps.lineno, "libinih failed (%d)", ret);
	}
	if (!ps.failed)
		finish(&ps);
	if (ps.failed) {
		set_err(err, errlen, "%s", ps.err);
		policy_free(p);
		return NULL;
	}
	return p;
}

struct policy *policy_load_file(const char *path, char *err, size_t errlen)
{
	struct policy *p;
	size_t len = 0, n;
	char *buf;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_FILE_SIZE + 1);
	if (!buf) {
		fclose(f);
		set_err(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	while ((n = fread(buf + len, 1, MAX_FILE_SIZE + 1 - len, f)) > 0) {
		len += n;
		if (len > MAX_FILE_SIZE)
			break;
	}
	if (ferror(f)) {
		set_err(err, errlen, "%s: read error", path);
		p = NULL;
	} else if (len > MAX_FILE_SIZE) {
		set_err(err, errlen, "%s: larger than %u bytes", path, MAX_FILE_SIZE);
		p = NULL;
	} else if (memchr(buf, '\0', len)) {
		set_err(err, errlen, "%s: contains a NUL byte", path);
		p = NULL;
	} else {
		buf[len] = '\0';
		p = policy_load_string(buf, path, err, errlen);
	}
	free(buf);
	fclose(f);
	return p;
}

void policy_free(struct policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr_warnings; i++)
		free(p->warnings[i]);
	free(p->warnings);
	free(p->rules);
	free(p->firsts);
	free(p->source);
	free(p);
}

/* ------------------------------------------------------------- accessors */

enum policy_conduit policy_conduit(const struct policy *p) { return p->conduit; }
uint32_t policy_psci_version(const struct policy *p) { return p->psci_version; }
enum policy_on_reset policy_on_reset(const struct policy *p) { return p->on_reset; }
bool policy_psci_in_user(const struct policy *p) { return p->psci_in_user; }
const char *policy_source(const struct policy *p) { return p->source; }
enum policy_filter_action policy_default_action(const struct policy *p)
{
	return p->default_action;
}

bool policy_psci_offered(const struct policy *p, uint32_t fid)
{
	const struct psci_fn_info *fn = psci_fn_by_id(fid);

	return fn && fn->emulate && (p->psci_offered & (1U << fn->num));
}

const char *policy_warning(const struct policy *p, size_t i)
{
	return i < p->nr_warnings ? p->warnings[i] : NULL;
}
