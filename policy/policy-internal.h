/* Private to policy/: the structures behind the opaque handles. */
#ifndef POLICY_INTERNAL_H
#define POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "psci.h"

#define POLICY_NAME_MAX		64	/* rule name, including the NUL */

/*
 * One action of the vocabulary.  config.c looks actions up by name, calls
 * parse() with whatever follows the name ("" if nothing), and decide.c calls
 * handle() for forwarded calls the rule covers.
 */
struct policy_handler {
	const char *name;
	enum policy_filter_action filter;	/* what KVM's filter is told */
	enum policy_verdict verdict;		/* reported for forwarded calls */
	/* 0 on success; on error fill why (no "FILE:LINE:" prefix). */
	int (*parse)(struct policy_rule *r, const char *arg, char *why, size_t whylen);
	/* c has been narrowed already for SMC32/HVC32 IDs; r is zeroed. */
	void (*handle)(const struct policy_rule *rule, struct psci *psci,
		       const struct policy_call *c, struct policy_result *r);
};

/* Find an action by exact (case-insensitive) name; NULL if unknown. */
const struct policy_handler *policy_handler_find(const char *name);
/* "kernel, deny, psci, ..." for error messages. */
const char *policy_handler_names(void);

struct policy_rule {
	char name[POLICY_NAME_MAX];
	unsigned line;		/* the [rule NAME] header */
	unsigned range_line;	/* range = / the later of base =, count = */
	unsigned action_line;
	uint32_t first, last;	/* inclusive */
	const struct policy_handler *handler;
	uint64_t value;		/* "return VALUE": X0, two's complement */
};

struct policy {
	char *source;
	enum policy_conduit conduit;
	uint32_t psci_version;
	enum policy_on_reset on_reset;
	enum policy_filter_action default_action;
	uint32_t psci_offered;	/* bit n: PSCI function number n offered */
	bool psci_in_user;
	struct policy_rule *rules;	/* sorted by first, disjoint */
	uint32_t *firsts;		/* rules[i].first: a compact search key array */
	size_t nr_rules;
	char **warnings;
	size_t nr_warnings;
};

/* PSCI function catalogue (psci.c), indexed by function number 0..0x1F. */
struct psci_fn_info {
	const char *name;	/* as written in psci_functions */
	unsigned num;		/* bits 4:0 of the ID */
	uint32_t since;		/* first PSCI version defining it */
	uint32_t mandatory;	/* version from which it is mandatory, 0 = never */
	bool has64;		/* an SMC64 variant is defined */
	bool implemented;	/* psci.c emulates it */
};
const struct psci_fn_info *psci_fn_by_name(const char *name);
const struct psci_fn_info *psci_fn_by_num(unsigned num);
/* Info for a 32- or 64-bit PSCI function ID, NULL if not a defined one. */
const struct psci_fn_info *psci_fn_by_id(uint32_t fid);

/* ranges.c */
bool policy_ranges_overlap(uint32_t a_first, uint32_t a_last, uint32_t b_first, uint32_t b_last);
/* A range holding an SMC32/HVC32 ID (bit 30 clear). */
bool policy_range_has_32bit(uint32_t first, uint32_t last);
/* Sort the rules by first ID and build the lookup keys; -1 out of memory. */
int policy_sort_rules(struct policy *p);

/* decide.c: copy of c with X1..X17 narrowed to 32 bits for SMC32/HVC32 IDs. */
void policy_narrow_call(const struct policy_call *c, struct policy_call *out);

#endif /* POLICY_INTERNAL_H */
