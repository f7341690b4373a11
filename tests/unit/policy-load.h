/* Loading a policy in a Check test: it must load, or fail at LINE saying
 * SUBSTR ("t.conf:LINE: ...SUBSTR..."). */
#ifndef TESTS_POLICY_LOAD_H
#define TESTS_POLICY_LOAD_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

#define ALL_ONES	0xFFFFFFFFFFFFFFFFULL

static inline struct policy *load_ok(const char *text)
{
	char err[1024] = "";
	struct policy *p = policy_load_string(text, "t.conf", err, sizeof(err));

	ck_assert_msg(p, "load failed: %s", err);
	return p;
}

static inline void load_fails(const char *text, unsigned line, const char *substr)
{
	char err[1024] = "", prefix[64];
	struct policy *p = policy_load_string(text, "t.conf", err, sizeof(err));

	ck_assert_msg(!p, "loaded, expected line %u: %s", line, substr);
	snprintf(prefix, sizeof(prefix), "t.conf:%u: ", line);
	ck_assert_msg(!strncmp(err, prefix, strlen(prefix)), "'%s' lacks prefix '%s'", err,
		      prefix);
	ck_assert_msg(strstr(err, substr), "'%s' lacks '%s'", err, substr);
}

#endif
