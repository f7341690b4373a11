/* Private to policy/: the structures behind the opaque handles. */
#ifndef POLICY_INTERNAL_H
#define POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "service.h"

#define POLICY_NAME_MAX		64	/* rule name, including the NUL */

/* A decision reads the copies in tree.c's arrays; policy_answer() reads
 * these first fields only for a route with no piece. */
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
 * tree.c: the flattened table as a decision reads it: a search tree over
 * the pieces' first IDs, and per piece what deciding a call needs, copied
 * out of the rule (the rules of a 100,000-rule policy are megabytes
 * apart).  The node sizes may be set at build time for measurements.
 */
#ifndef TREE_LEAF_KEYS
#define TREE_LEAF_KEYS		32	/* keys per leaf: two 64-byte cache lines */
#endif
#ifndef TREE_NODE_KEYS
#define TREE_NODE_KEYS		64	/* keys per inner node: four lines */
#endif
#define TREE_MAX_HEIGHT		16	/* 65^16 leaves: more than size_t pieces */
#define TREE_MAX_ACTIONS	256	/* entries of tree.actions: one byte indexes them */
#define TREE_NONE		SIZE_MAX

struct tree_slot {		/* 8 bytes: eight to a cache line */
	uint32_t last;		/* the piece's last ID (inclusive) */
	uint32_t rule;		/* its rule's index in policy.rules */
};
/* The slot of a policy with more distinct (service, argument) pairs than
 * tree.actions holds: 16 bytes, every piece's argument in the line the
 * lookup read already. */
struct tree_wide_slot {
	struct tree_slot s;
	uint64_t arg;
};

/* A (service, argument) pair some pieces share. */
struct tree_action {
	const struct smccc_service *service;
	uint64_t arg;		/* the rule's argument, unless arg_per_piece */
	unsigned decision;	/* smccc_service_decision(service) */
	bool arg_per_piece;	/* a service's pieces whose pair found no room */
};

struct table_tree {
	int32_t *keys;		/* the nodes, 64-byte aligned, root first, leaves
				 * last: first IDs, top bit flipped */
	const int32_t *level[TREE_MAX_HEIGHT + 1];	/* each level's first node, root first */
	unsigned height;	/* levels above the leaves */
	size_t nr;		/* pieces */
	void *slots;		/* per piece, 1 << slot_shift bytes: tree_slot() */
	unsigned slot_shift;	/* 3; 4 (wide slots) when some action has
				 * arg_per_piece */
	uint8_t *action;	/* per piece: index into actions */
	struct tree_action *actions;
	unsigned nr_actions;
};

static inline const struct tree_slot *tree_slot(const struct table_tree *t, size_t i)
{
	return (const struct tree_slot *)((const char *)t->slots + (i << t->slot_shift));
}

/* The argument a decision on piece i passes to its service.  Which of the
 * two holds it is a policy's property, not a piece's: a branch that never
 * changes its mind (a piece's would, as randomly as the guest's IDs). */
static inline uint64_t tree_arg(const struct table_tree *t, size_t i)
{
	if (t->slot_shift == 4)
		return ((const struct tree_wide_slot *)tree_slot(t, i))->arg;
	return t->actions[t->action[i]].arg;
}

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
	struct policy_piece *pieces;	/* sorted, disjoint; IDs in no piece: no rule */
	size_t nr_pieces;
	struct table_tree tree;		/* how a decision finds them */
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
bool policy_ranges_overlap(uint32_t a_first, uint32_t a_last, uint32_t b_first, uint32_t b_last);
/* A range holding an SMC32/HVC32 ID (bit 30 clear). */
bool policy_range_has_32bit(uint32_t first, uint32_t last);

/* tree.c: built by policy_table_build(); 0 or -ENOMEM. */
int tree_build(struct table_tree *t, const struct policy *p);
void tree_free(struct table_tree *t);
/* The index of the piece holding fid, or TREE_NONE: O(log n), reading
 * 4 lines per inner level (log65(n / 32) of them), 2 for the leaf, 1 slot
 * line. */
size_t tree_find_piece(const struct table_tree *t, uint32_t fid);

/* table.c: why the rules cannot be flattened. */
struct table_conflict {
	const struct policy_rule *rule;		/* the one declared later in the file */
	const struct policy_rule *other;
	bool same_range;			/* else the ranges cross */
};
/*
 * Sort the rules, check that any two are disjoint or one lies wholly inside
 * the other, set each rule's parent, and build the flattened table and its
 * search tree.  0; -EINVAL with *c filled when two rules cross or share a
 * range; -ENOMEM.  O(n log n).
 */
int policy_table_build(struct policy *p, struct table_conflict *c);

/* decide.c: copy of c with X1..X17 narrowed to 32 bits for SMC32/HVC32 IDs. */
void policy_narrow_call(const struct policy_call *c, struct policy_call *out);

#endif /* POLICY_INTERNAL_H */
