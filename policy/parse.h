/*
 * The parser's state, shared by config.c (reading lines, sections, the
 * checks over the whole file) and keys.c (what each key means).  Private to
 * policy/.
 */
#ifndef POLICY_PARSE_H
#define POLICY_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy-internal.h"

#define PARSE_MAX_KEYS		16	/* distinct keys a section may hold */

enum section_kind { SEC_NONE, SEC_POLICY, SEC_RULE, SEC_BAD };

struct key_seen { const char *key; unsigned line; };

struct parse {
	const char *src;	/* name for messages */
	unsigned lineno;	/* the line being read */

	bool failed;		/* the first error is the only one kept */
	char err[512];

	enum section_kind sec;
	struct key_seen keys[PARSE_MAX_KEYS];
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

/* "FILE:LINE: message" as the load error, unless one is already set. */
void parse_error(struct parse *ps, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "FILE:LINE: warning: message", kept with the policy. */
void parse_warning(struct parse *ps, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* keys.c: one "key = value" of the current section; 0 or -EINVAL (error set). */
int parse_key(struct parse *ps, const char *key, char *value);
/* The keys a section accepts, for messages: "conduit, psci_version, ...". */
const char *parse_section_keys(enum section_kind sec);

#endif /* POLICY_PARSE_H */
