/*
 * Loading a policy file: lines in (from a string or streamed from a file),
 * sections and rules assembled, and the checks that need the whole file.
 * The lexical rules are lex.c's, each key's meaning keys.c's, the flattened
 * table table.c's.  Reading stops at the first error, so the one error
 * reported is the first a reader going down the file meets (checks over the
 * whole file come last and name the line they are about).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lex.h"
#include "parse.h"
#include "smccc.h"

/* ---------------------------------------------------------------- errors */

void parse_error(struct parse *ps, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->failed)
		return;
	ps->failed = true;
	n = snprintf(ps->err, sizeof(ps->err), "%s:%u: ", ps->src, line);
	if (n < 0 || (size_t)n >= sizeof(ps->err))
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, sizeof(ps->err) - (size_t)n, fmt, ap);
	va_end(ap);
}

void parse_warning(struct parse *ps, unsigned line, const char *fmt, ...)
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

/* -------------------------------------------------------------- sections */

/* Checks that need the whole [rule] section; runs when it ends. */
static void finish_rule(struct parse *ps)
{
	struct policy_rule *r = &ps->cur;
	struct policy *p = ps->p;
	size_t i;

	if (ps->have_base != ps->have_count) {
		parse_error(ps, ps->have_base ? ps->base_line : ps->count_line,
			    "rule '%s': %s without %s", r->name, ps->have_base ? "base" : "count",
			    ps->have_base ? "count" : "base");
		return;
	}
	if (ps->have_base) {
		r->range_line = ps->base_line > ps->count_line ? ps->base_line : ps->count_line;
		if (ps->base + ps->count - 1 > 0xFFFFFFFFULL) {
			parse_error(ps, r->range_line,
				    "rule '%s': base 0x%08llX + count %llu wraps past 0xFFFFFFFF",
				    r->name, (unsigned long long)ps->base,
				    (unsigned long long)ps->count);
			return;
		}
		r->first = (uint32_t)ps->base;
		r->last = (uint32_t)(ps->base + ps->count - 1);
	} else if (!ps->have_range) {
		parse_error(ps, r->line,
			    "rule '%s' has no range (range = FIRST-LAST, or base + count)", r->name);
		return;
	}
	if (!r->service) {
		parse_error(ps, r->line, "rule '%s' has no action", r->name);
		return;
	}

	for (i = 0; i < 2; i++) {
		uint32_t rf = i ? SMCCC_KVM_RESERVED64_FIRST : SMCCC_KVM_RESERVED32_FIRST;
		uint32_t rl = i ? SMCCC_KVM_RESERVED64_LAST : SMCCC_KVM_RESERVED32_LAST;

		if (policy_ranges_overlap(r->first, r->last, rf, rl)) {
			parse_error(ps, r->range_line,
				    "rule '%s': 0x%08X-0x%08X overlaps KVM's reserved Arm architecture "
				    "range 0x%08X-0x%08X (KVM always handles it and refuses filters "
				    "over it)", r->name, r->first, r->last, rf, rl);
			return;
		}
	}
	/* How rules overlap each other is checked once all are read
	 * (policy_table_build()): pairwise here would make a large policy
	 * quadratic to load. */

	if (!smccc_service_covers(r->service, r->first, r->last)) {
		char list[160];
		size_t n = 0;

		for (i = 0; i < r->service->nr_ranges && n < sizeof(list); i++)
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s0x%08X-0x%08X",
					      i ? " and " : "", r->service->ranges[i].first,
					      r->service->ranges[i].last);
		parse_error(ps, r->action_line, "rule '%s': action %s only applies within %s %s",
			    r->name, r->service->name, r->service->ranges_name, list);
		return;
	}
	if (r->service->check) {
		char why[256] = "";

		if (r->service->check(r->first, r->last, r->arg, why, sizeof(why))) {
			parse_error(ps, r->action_line, "rule '%s': %s", r->name, why);
			return;
		}
	}
	r->decision = smccc_service_decision(r->service);

	if (p->nr_rules == ps->rules_cap) {
		size_t cap = ps->rules_cap ? ps->rules_cap * 2 : 8;
		struct policy_rule *n = realloc(p->rules, cap * sizeof(*n));

		if (!n) {
			parse_error(ps, r->line, "out of memory");
			return;
		}
		p->rules = n;
		ps->rules_cap = cap;
	}
	p->rules[p->nr_rules++] = *r;
}

static void finish_section(struct parse *ps)
{
	if (ps->sec == SEC_RULE && !ps->failed)
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

/* "[policy]" or "[rule NAME]"; the section word compares without case. */
static void begin_section(struct parse *ps, char *name)
{
	char *word = name, *split = name + strcspn(name, " \t"), *rest = split;

	finish_section(ps);
	if (ps->failed)
		return;
	if (*split)
		*rest++ = '\0';
	rest = lex_trim(rest);

	if (lex_eq(word, "policy") && !*rest) {
		if (ps->policy_line) {
			parse_error(ps, ps->lineno, "duplicate [policy] section (first at line %u)",
				    ps->policy_line);
			return;
		}
		ps->policy_line = ps->lineno;
		ps->sec = SEC_POLICY;
		return;
	}
	if (lex_eq(word, "rule")) {
		if (!*rest) {
			parse_error(ps, ps->lineno, "[rule] needs a name: [rule NAME]");
			return;
		}
		if (!valid_rule_name(rest) || strlen(rest) >= POLICY_NAME_MAX) {
			parse_error(ps, ps->lineno,
				    "bad rule name '%s' (letters, digits, '_', '-', '.'; at most %d)",
				    rest, POLICY_NAME_MAX - 1);
			return;
		}
		memset(&ps->cur, 0, sizeof(ps->cur));
		strcpy(ps->cur.name, rest);
		ps->cur.line = ps->lineno;
		ps->have_range = ps->have_base = ps->have_count = false;
		ps->base = ps->count = 0;
		ps->base_line = ps->count_line = 0;
		ps->sec = SEC_RULE;
		return;
	}
	if (rest != split)
		*split = ' ';	/* the header as written, for the message */
	parse_error(ps, ps->lineno, "unknown section [%s] (expected [policy] or [rule NAME])",
		    name);
}

static void on_key(struct parse *ps, const char *key, char *value)
{
	if (ps->sec == SEC_NONE) {
		parse_error(ps, ps->lineno, "'%s' is outside any section (start with [policy])",
			    key);
		return;
	}
	parse_key(ps, key, value);
}

/* One line of the file, without its '\n'; line has room for len + 1. */
static void parse_line(struct parse *ps, char *line, size_t len)
{
	struct lex_line l;

	ps->lineno++;
	lex_line(line, len, ps->lineno == 1, &l);
	switch (l.kind) {
	case LEX_BLANK:
		break;
	case LEX_ERROR:
		parse_error(ps, ps->lineno, "%s", l.error);
		break;
	case LEX_SECTION:
		begin_section(ps, l.name);
		break;
	case LEX_KEY:
		on_key(ps, l.name, l.value);
		break;
	}
}

/* ----------------------------------------------------------- final checks */

static int cmp_rule_name(const void *a, const void *b)
{
	const struct policy_rule *const *x = a, *const *y = b;
	int c = strcasecmp((*x)->name, (*y)->name);

	return c ? c : ((*x)->line > (*y)->line) - ((*x)->line < (*y)->line);
}

/* Rule names compare without case, like every other name in the file:
 * "sip" and "SIP" would be one name in the audit trail's reader's eyes. */
static const struct policy_rule *find_duplicate_name(struct parse *ps,
						     const struct policy_rule **first)
{
	struct policy *p = ps->p;
	const struct policy_rule **byname, *dup = NULL;
	size_t i;

	byname = calloc(p->nr_rules ? p->nr_rules : 1, sizeof(*byname));
	if (!byname) {
		parse_error(ps, 1, "out of memory");
		return NULL;
	}
	for (i = 0; i < p->nr_rules; i++)
		byname[i] = &p->rules[i];
	qsort(byname, p->nr_rules, sizeof(*byname), cmp_rule_name);
	for (i = 1; i < p->nr_rules; i++)
		if (!strcasecmp(byname[i]->name, byname[i - 1]->name) &&
		    (!dup || byname[i]->line < dup->line)) {
			dup = byname[i];
			*first = byname[i - 1];
		}
	free(byname);
	return dup;
}

/* What to tell an author whose rules cross: nesting is allowed, so split
 * the later rule where the other's range ends or begins. */
static void report_conflict(struct parse *ps, const struct table_conflict *c)
{
	const struct policy_rule *r = c->rule, *o = c->other;
	uint32_t in_first, in_last, out_first, out_last;

	if (c->same_range) {
		parse_error(ps, r->range_line,
			    "rule '%s' has the same range 0x%08X-0x%08X as rule '%s' (line %u): "
			    "one of them would never decide anything", r->name, r->first, r->last,
			    o->name, o->line);
		return;
	}
	in_first = r->first > o->first ? r->first : o->first;
	in_last = r->last < o->last ? r->last : o->last;
	if (r->first < o->first) {
		out_first = r->first;
		out_last = o->first - 1;
	} else {
		out_first = o->last + 1;
		out_last = r->last;
	}
	parse_error(ps, r->range_line,
		    "rule '%s' (0x%08X-0x%08X) overlaps rule '%s' (0x%08X-0x%08X, line %u) "
		    "without lying inside it: rules may nest but not cross; split '%s' into "
		    "0x%08X-0x%08X (inside '%s') and 0x%08X-0x%08X", r->name, r->first, r->last,
		    o->name, o->first, o->last, o->line, r->name, in_first, in_last, o->name,
		    out_first, out_last);
}

static const struct policy_rule *first_psci_rule(const struct policy *p)
{
	for (size_t i = 0; i < p->nr_pieces; i++)
		if (p->pieces[i].rule->service == &psci_service)
			return p->pieces[i].rule;
	return NULL;
}

/*
 * PSCI changes vCPU power state, which has one owner: KVM (kernel) or the
 * VMM (psci).  A policy that hands some PSCI IDs to each would leave a CPU
 * on in one view and off in the other.  Checked on the flattened table:
 * a kernel rule nested inside a psci rule splits the owner just the same.
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
		parse_error(ps, r ? r->action_line : ps->default_line,
			    "PSCI ID 0x%08X goes to KVM (%s) while rule '%s' gives PSCI to the VMM: "
			    "vCPU power state can have only one owner, so give every PSCI ID to psci "
			    "(or every one to kernel)", fid, r ? "action kernel" : "default = kernel",
			    first_psci_rule(p)->name);
		return -EINVAL;
	}
	return 0;
}

static int check_psci_functions(struct parse *ps)
{
	struct policy *p = ps->p;

	for (unsigned i = 0; i < 32; i++) {
		const struct psci_fn_info *fn = psci_fn_by_num(i);

		if (!(ps->listed & (1U << i)) || !fn)
			continue;
		if (fn->since > p->psci_version) {
			parse_error(ps, ps->functions_line,
				    "psci_functions: '%s' does not exist in PSCI %u.%u (it needs %u.%u)",
				    fn->name, PSCI_VERSION_MAJOR(p->psci_version),
				    PSCI_VERSION_MINOR(p->psci_version),
				    PSCI_VERSION_MAJOR(fn->since), PSCI_VERSION_MINOR(fn->since));
			return -EINVAL;
		}
	}
	p->psci_offered = ps->listed;
	p->functions_line = ps->functions_line;
	for (unsigned i = 0; i < 32; i++) {
		const struct psci_fn_info *fn = psci_fn_by_num(i);

		if (fn && fn->mandatory && fn->mandatory <= p->psci_version)
			p->psci_offered |= 1U << i;
	}
	return 0;
}

/* Rules that the file holds but that change nothing: worth a warning. */
static void warn_idle_rules(struct parse *ps)
{
	struct policy *p = ps->p;

	for (size_t i = 0; i < p->nr_rules; i++) {
		const struct policy_rule *r = &p->rules[i], *up = r->parent;

		if (!r->nr_pieces)
			parse_warning(ps, r->line,
				      "rule '%s' decides nothing: the rules inside it cover its whole "
				      "range", r->name);
		else if (up && up->service == r->service && up->arg == r->arg)
			parse_warning(ps, r->line,
				      "rule '%s' does what rule '%s' around it (line %u) does: it "
				      "changes nothing", r->name, up->name, up->line);
	}
}

static void finish(struct parse *ps)
{
	struct policy *p = ps->p;
	const struct policy_rule *dup, *dup_first = NULL;
	struct table_conflict conflict;
	int r;

	finish_section(ps);
	if (ps->failed || check_psci_functions(ps))
		return;

	dup = find_duplicate_name(ps, &dup_first);
	if (ps->failed)
		return;
	r = policy_table_build(p, &conflict);
	if (r == -ENOMEM) {
		parse_error(ps, 1, "out of memory");
		return;
	}
	/* Of a duplicate name and a conflict, the one met first in the file. */
	if (dup && (!r || dup->line <= conflict.rule->range_line)) {
		parse_error(ps, dup->line, "duplicate rule name '%s' (first at line %u)", dup->name,
			    dup_first->line);
		return;
	}
	if (r) {
		report_conflict(ps, &conflict);
		return;
	}

	for (size_t i = 0; i < p->nr_pieces; i++)
		if (p->pieces[i].rule->service == &psci_service)
			p->psci_in_user = true;
	/* Once, so that PSCI_FEATURES need not look the table up per call. */
	for (unsigned n = 0; n < 64; n++) {
		const struct policy_rule *pr =
			policy_lookup(p, (n < 32 ? PSCI_FID32_FIRST : PSCI_FID64_FIRST) + n % 32);

		if (pr && pr->service == &psci_service)
			p->psci_routed |= 1ULL << n;
	}
	if (check_psci_owner(ps))
		return;

	if (p->default_action == POLICY_FILTER_HANDLE)
		parse_warning(ps, ps->default_line,
			      "default = kernel: calls no rule names reach KVM's own handlers "
			      "(and are aliased on W0 by KVM); deny is recommended");
	if (ps->functions_line && !p->psci_in_user)
		parse_warning(ps, ps->functions_line,
			      "psci_functions has no effect: no rule uses action psci");
	if (!policy_lookup(p, PSCI_VERSION) && p->default_action == POLICY_FILTER_DENY)
		parse_warning(ps, ps->policy_line ? ps->policy_line : 1,
			      "no rule covers PSCI (0x%08X): the guest cannot bring up CPUs or "
			      "power off", PSCI_VERSION);
	warn_idle_rules(ps);
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

static struct policy *policy_new(const char *name)
{
	struct policy *p = calloc(1, sizeof(*p));

	if (!p || !(p->source = strdup(name))) {
		free(p);
		return NULL;
	}
	p->conduit = POLICY_CONDUIT_HVC;
	p->psci_version = PSCI_VERSION_1_1;
	p->on_reset = POLICY_RESET_EXIT;
	p->default_action = POLICY_FILTER_DENY;
	return p;
}

/* The end of loading, whatever the lines came from. */
static struct policy *load_done(struct parse *ps, char *err, size_t errlen)
{
	if (!ps->failed)
		finish(ps);
	if (ps->failed) {
		set_err(err, errlen, "%s", ps->err);
		policy_free(ps->p);
		return NULL;
	}
	return ps->p;
}

struct policy *policy_load_string(const char *text, const char *name, char *err, size_t errlen)
{
	struct parse ps = { 0 };
	char *line = NULL;
	size_t cap = 0;

	if (!name)
		name = "<string>";
	if (!text) {
		set_err(err, errlen, "%s: no text", name);
		return NULL;
	}
	ps.p = policy_new(name);
	if (!ps.p) {
		set_err(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	ps.src = ps.p->source;
	while (*text && !ps.failed) {
		size_t len = strcspn(text, "\n");

		/* The lexer works in place: each line goes through one buffer. */
		if (len + 1 > cap) {
			char *n = realloc(line, len + 1);

			if (!n) {
				parse_error(&ps, ps.lineno + 1, "out of memory");
				break;
			}
			line = n;
			cap = len + 1;
		}
		memcpy(line, text, len);
		parse_line(&ps, line, len);
		text += len + (text[len] == '\n');
	}
	free(line);
	return load_done(&ps, err, errlen);
}

struct policy *policy_load_file(const char *path, char *err, size_t errlen)
{
	struct parse ps = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	ps.p = policy_new(path);
	if (!ps.p) {
		fclose(f);
		set_err(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	ps.src = ps.p->source;
	/* Streamed: a file of any size the machine can hold, lines of any
	 * length, NUL bytes caught by the lexer with their line. */
	while (!ps.failed && (len = getline(&line, &cap, f)) >= 0) {
		if (len && line[len - 1] == '\n')
			len--;
		parse_line(&ps, line, (size_t)len);
	}
	if (!ps.failed && ferror(f)) {
		set_err(err, errlen, "%s: read error after line %u", path, ps.lineno);
		free(line);
		fclose(f);
		policy_free(ps.p);
		return NULL;
	}
	free(line);
	fclose(f);
	return load_done(&ps, err, errlen);
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
	free(p->pieces);
	tree_free(&p->tree);
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

const char *policy_warning(const struct policy *p, size_t i)
{
	return i < p->nr_warnings ? p->warnings[i] : NULL;
}
