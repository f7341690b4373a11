/* Audit-trail records (record.h), read with yajl's tree parser. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "../policy/number.h"
#include "record.h"

#define RECORD_MAX_VCPU	4095	/* far above the VMM's 64: a sanity bound */
#define MAX_ARGS	17

static int bad(char *why, size_t len, const char *fmt, const char *key, const char *detail)
{
	snprintf(why, len, fmt, key, detail);
	return -EINVAL;
}

/* "0x..." as the VMM writes registers; any number.h number is taken. */
static int hex_value(yajl_val v, const char *key, uint64_t *out, char *why, size_t len)
{
	const char *reason, *s = YAJL_IS_STRING(v) ? v->u.string : NULL;

	if (!s)
		return bad(why, len, "%s: %s", key, "not a string holding a number");
	if (number_parse_unsigned(s, UINT64_MAX, out, &reason)) {
		snprintf(why, len, "%s: '%.40s': %s", key, s, reason);
		return -EINVAL;
	}
	return 0;
}

static int decision_index(const char *name, unsigned *out)
{
	for (unsigned d = 0; d < policy_nr_decisions(); d++) {
		if (!strcmp(policy_decision_name(d), name)) {
			*out = d;
			return 0;
		}
	}
	return -EINVAL;
}

/* x1..x17: which argument key this is, 0 if none. */
static unsigned arg_index(const char *key)
{
	unsigned n = 0;

	if (key[0] != 'x' || !key[1] || (key[1] == '0'))
		return 0;
	for (const char *k = key + 1; *k; k++) {
		if (*k < '0' || *k > '9' || n > MAX_ARGS)
			return 0;
		n = n * 10 + (unsigned)(*k - '0');
	}
	return n <= MAX_ARGS ? n : 0;
}

static int read_call(yajl_val obj, struct audit_record *r, char *why, size_t len)
{
	uint32_t seen_args = 0;
	bool have_vcpu = false, have_conduit = false, have_decision = false, have_ret = false;
	bool have_x0 = false;

	for (size_t i = 0; i < obj->u.object.len; i++) {
		const char *key = obj->u.object.keys[i];
		yajl_val v = obj->u.object.values[i];
		const char *sv = YAJL_IS_STRING(v) ? v->u.string : NULL;
		unsigned a = arg_index(key);

		if (!strcmp(key, "x0")) {
			if (have_x0)
				return bad(why, len, "%s: %s", key, "given twice");
			if (hex_value(v, key, &r->call.x[0], why, len))
				return -EINVAL;
			have_x0 = true;
		} else if (a) {
			if (seen_args & (1U << a))
				return bad(why, len, "%s: %s", key, "given twice");
			if (hex_value(v, key, &r->call.x[a], why, len))
				return -EINVAL;
			seen_args |= 1U << a;
		} else if (!strcmp(key, "vcpu")) {
			if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0 ||
			    YAJL_GET_INTEGER(v) > RECORD_MAX_VCPU)
				return bad(why, len, "%s: %s", key, "not a vCPU number (0..4095)");
			r->call.vcpu = (unsigned)YAJL_GET_INTEGER(v);
			have_vcpu = true;
		} else if (!strcmp(key, "conduit")) {
			if (!sv || (strcmp(sv, "hvc") && strcmp(sv, "smc")))
				return bad(why, len, "%s: %s", key, "not \"hvc\" or \"smc\"");
			r->call.conduit = strcmp(sv, "smc") ? POLICY_CONDUIT_HVC : POLICY_CONDUIT_SMC;
			have_conduit = true;
		} else if (!strcmp(key, "decision")) {
			if (!sv || decision_index(sv, &r->decision))
				return bad(why, len, "%s: %s", key, "not one of the VMM's decisions");
			have_decision = true;
		} else if (!strcmp(key, "ret")) {
			if (YAJL_IS_NULL(v))
				r->returned = false;
			else if (hex_value(v, key, &r->ret, why, len))
				return -EINVAL;
			else
				r->returned = true;
			have_ret = true;
		} else if (!strcmp(key, "rule")) {
			if (YAJL_IS_NULL(v))
				r->rule[0] = '\0';
			else if (!sv || !*sv || strlen(sv) >= sizeof(r->rule))
				return bad(why, len, "%s: %s", key, "not null or a rule name");
			else
				strcpy(r->rule, sv);
		} else if (!strcmp(key, "line")) {
			if (YAJL_IS_NULL(v))
				r->line = 0;
			else if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 1 ||
				 YAJL_GET_INTEGER(v) > (long long)UINT32_MAX)
				return bad(why, len, "%s: %s", key, "not null or a line number");
			else
				r->line = (unsigned)YAJL_GET_INTEGER(v);
		}
		/* time, function and keys added later: not needed to replay */
	}
	if (!have_vcpu || !have_conduit || !have_decision || !have_ret)
		return bad(why, len, "a call record (it has \"x0\") needs %s%s",
			   !have_vcpu ? "\"vcpu\"" : !have_conduit ? "\"conduit\"" :
			   !have_decision ? "\"decision\"" : "\"ret\"", "");
	/* The arguments a service read are X1..Xn: a gap means a damaged line. */
	r->nr_args = 0;
	while (seen_args & (1U << (r->nr_args + 1)))
		r->nr_args++;
	if (seen_args >> (r->nr_args + 1)) {
		char key[8], gap[8];
		unsigned k = r->nr_args + 2;

		while (!(seen_args & (1U << k)))
			k++;
		snprintf(key, sizeof(key), "x%u", k);
		snprintf(gap, sizeof(gap), "x%u", r->nr_args + 1);
		return bad(why, len, "%s: recorded without %s (arguments are X1..Xn)", key, gap);
	}
	return 0;
}

int record_parse(const char *text, struct audit_record *r, bool *is_call, char *why,
		 size_t whylen)
{
	char err[256] = "";
	yajl_val root;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	*is_call = false;
	root = yajl_tree_parse(text, err, sizeof(err));
	if (!root) {
		/* yajl's message spans lines (the text and a caret): keep the first */
		err[strcspn(err, "\n")] = '\0';
		snprintf(why, whylen, "not JSON: %s", err[0] ? err : "parse error");
		return -EINVAL;
	}
	if (!YAJL_IS_OBJECT(root)) {
		snprintf(why, whylen, "not a JSON object");
		ret = -EINVAL;
	} else {
		for (size_t i = 0; i < root->u.object.len; i++)
			if (!strcmp(root->u.object.keys[i], "x0"))
				*is_call = true;
		if (*is_call)
			ret = read_call(root, r, why, whylen);
	}
	yajl_tree_free(root);
	if (ret)
		*is_call = false;
	return ret;
}
