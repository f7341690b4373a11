/*
 * One line of the VMM's audit trail (--audit; README "The audit trail"),
 * parsed with yajl's tree parser.  A line is a JSON object; one with an
 * "x0" key is a forwarded call, any other object (a rate-limit summary with
 * "suppressed", ...) is not a call and is only counted.  Unknown keys are
 * ignored, so later additions to the format do not break old readers.
 */
#ifndef VMM_POLICY_RECORD_H
#define VMM_POLICY_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../policy/policy.h"

#define RECORD_NAME_MAX	64

struct audit_record {
	struct policy_call call;	/* x[0]; x[1..nr_args] as recorded; vcpu, conduit */
	unsigned nr_args;		/* x1..x<nr_args> were recorded: what the
					 * deciding service read */
	unsigned decision;		/* policy_decision_name() index */
	bool returned;			/* "ret" was not null */
	uint64_t ret;			/* X0 as answered (TRNG: the status only) */
	char rule[RECORD_NAME_MAX];	/* "" for null */
	unsigned line;			/* the rule's line, 0 for null */
};

/*
 * text: one line, NUL-terminated, without its newline.  0 with *is_call
 * telling whether r holds a call; -EINVAL with why ("x0: not a hex string",
 * ...) for a line that is not a well-formed record.
 */
int record_parse(const char *text, struct audit_record *r, bool *is_call, char *why,
		 size_t whylen);

#endif
