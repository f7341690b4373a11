/* Private to policy/: the structures behind the opaque handles. */
#ifndef POLICY_INTERNAL_H
#define POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "service.h"

#define POLICY_NAME_MAX		64	/* rule name, including the NUL */

/* What a decision reads comes first: one cache line per lookup. */
struct policy_rule {
	const struct smccc_service *service;
	uint64_t arg;		/* the action's argument: "return VALUE"'s X0 */
	unsigned decision;	/* smccc_service_decision(service), set at load */
	uint32_t first, last;	/* inclusive */
	unsigned line;		/* the [rule NAME] header */
	unsigned range_line;	/* range = / the later of base =, count = */
	unsigned action_line;
	/* Set by policy_table_build(): */
	const struct policy_rule *parent;	/* the rule it lies inside, or NULL */
	size_t nr_pieces;	/* pieces of the flattened table it decides */
	char name[POLICY_NAME_MAX];
};

/*
 * A piece of the flattened table, with what deciding a call reads from its
 * rule copied in: past the search keys, a decision touches one cache line
 * (the rules of a 100,000-rule policy are megabytes apart).
 */
struct table_piece {
	struct policy_piece pub;	/* first: policy_piece_at() hands out &pub */
	const struct smccc_service *service;
	uint64_t arg;
	unsigned decision;
};

struct policy {
	char *source;
	enum policy_conduit conduit;
	uint32_t psci_version;
	enum policy_on_reset on_reset;
	enum policy_filter_action default_action;
	uint32_t psci_offered;	/* bit n: PSCI function number n offered */
	unsigned functions_line;	/* psci_functions, 0 if absent */
	uint64_t psci_routed;	/* bit n (SMC32) / 32 + n (SMC64): PSCI ID with
				 * function number n is decided by psci */
	bool psci_in_user;
	struct policy_rule *rules;	/* sorted by first, outer before inner */
	size_t nr_rules;
	/* The flattened table: where rules nest, the innermost decides. */
	struct table_piece *pieces;	/* sorted, disjoint; IDs in no piece: no rule */
	uint32_t *firsts;		/* pieces[i].first: a compact search key array */
	size_t nr_pieces;
	char **warnings;
	size_t nr_warnings;
};

/* PSCI function catalogue (psci.c), indexed by function number 0..0x1F. */
struct psci_call;
struct psci_fn_info {
	const char *name;	/* as written in psci_functions */
	unsigned num;		/* bits 4:0 of the ID */
	uint32_t since;		/* first PSCI version defining it */
	uint32_t mandatory;	/* version from which it is mandatory, 0 = never */
	bool has64;		/* an SMC64 variant is defined */
	unsigned nr_args;	/* X1..Xn the emulation reads */
	/* The emulation, returning X0; NULL: not emulated by this VMM. */
	int64_t (*emulate)(const struct psci_call *pc);
};
const struct psci_fn_info *psci_fn_by_name(const char *name);
const struct psci_fn_info *psci_fn_by_num(unsigned num);
/* Info for a 32- or 64-bit PSCI function ID, NULL if not a defined one. */
const struct psci_fn_info *psci_fn_by_id(uint32_t fid);

/* services.c: the decision index of a service's answers. */
unsigned smccc_service_decision(const struct smccc_service *s);

/* ranges.c */
/* The piece of the flattened table holding fid, or NULL: O(log n). */
const struct table_piece *policy_find_piece(const struct policy *p, uint32_t fid);
bool policy_ranges_overlap(uint32_t a_first, uint32_t a_last, uint32_t b_first, uint32_t b_last);
/* A range holding an SMC32/HVC32 ID (bit 30 clear). */
bool policy_range_has_32bit(uint32_t first, uint32_t last);

/* table.c: why the rules cannot be flattened. */
struct table_conflict {
	const struct policy_rule *rule;		/* the one declared later in the file */
	const struct policy_rule *other;
	bool same_range;			/* else the ranges cross */
};
/*
 * Sort the rules, check that any two are disjoint or one lies wholly inside
 * the other, set each rule's parent, and build the flattened table and its
 * lookup keys.  0; -EINVAL with *c filled when two rules cross or share a
 * range; -ENOMEM.  O(n log n).
 */
int policy_table_build(struct policy *p, struct table_conflict *c);

/* decide.c: copy of c with X1..X17 narrowed to 32 bits for SMC32/HVC32 IDs. */
void policy_narrow_call(const struct policy_call *c, struct policy_call *out);

#endif /* POLICY_INTERNAL_H */
