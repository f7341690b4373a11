/*
 * The flattened table (table.c builds it): sorted, disjoint pieces, each
 * decided by one rule.  Lookup (through tree.c's search tree), and the list
 * of ranges for KVM_ARM_VM_SMCCC_FILTER.
 */
#include <stdlib.h>

#include "policy-internal.h"
#include "smccc.h"

bool policy_ranges_overlap(uint32_t a_first, uint32_t a_last, uint32_t b_first, uint32_t b_last)
{
	return a_first <= b_last && b_first <= a_last;
}

bool policy_range_has_32bit(uint32_t first, uint32_t last)
{
	/* Bit 30 is constant over the range only if bits 31:30 are. */
	if (first >> 30 != last >> 30)
		return true;
	return !(first & SMCCC_SMC64);
}

const struct policy_rule *policy_lookup(const struct policy *p, uint32_t fid)
{
	size_t i = tree_find_piece(&p->tree, fid);

	return i == TREE_NONE ? NULL : &p->rules[tree_slot(&p->tree, i)->rule];
}

enum policy_filter_action policy_kvm_action(const struct policy *p, uint32_t fid)
{
	size_t i;

	if (policy_fid_reserved(fid))
		return POLICY_FILTER_HANDLE;
	i = tree_find_piece(&p->tree, fid);
	return i == TREE_NONE ? p->default_action
			      : p->tree.actions[p->tree.action[i]].service->filter;
}

/* Accumulates ranges, merging a range into the previous one when they touch
 * and share the action; counts every range, stores at most max. */
struct emitter {
	struct policy_filter_range *out;
	size_t max, n;
	bool pending;
	uint32_t first, last;
	enum policy_filter_action action;
};

static void flush(struct emitter *e)
{
	if (!e->pending)
		return;
	if (e->n < e->max)
		e->out[e->n] = (struct policy_filter_range){
			.base = e->first,
			.nr = e->last - e->first + 1,
			.action = e->action,
		};
	e->n++;
	e->pending = false;
}

static void emit(struct emitter *e, uint32_t first, uint32_t last, enum policy_filter_action a)
{
	if (e->pending && e->action == a && (uint64_t)e->last + 1 == first) {
		e->last = last;
		return;
	}
	flush(e);
	e->pending = true;
	e->first = first;
	e->last = last;
	e->action = a;
}

/* Emit [first, last] minus KVM's reserved ranges. */
static void emit_unreserved(struct emitter *e, uint64_t first, uint64_t last,
			    enum policy_filter_action a)
{
	static const uint32_t reserved[][2] = {
		{ SMCCC_KVM_RESERVED32_FIRST, SMCCC_KVM_RESERVED32_LAST },
		{ SMCCC_KVM_RESERVED64_FIRST, SMCCC_KVM_RESERVED64_LAST },
	};
	size_t i;

	for (i = 0; i < 2 && first <= last; i++) {
		if (last < reserved[i][0] || first > reserved[i][1])
			continue;
		if (first < reserved[i][0])
			emit(e, (uint32_t)first, reserved[i][0] - 1, a);
		first = (uint64_t)reserved[i][1] + 1;
	}
	if (first <= last)
		emit(e, (uint32_t)first, (uint32_t)last, a);
}

size_t policy_filter_ranges(const struct policy *p, struct policy_filter_range *out, size_t max)
{
	struct emitter e = { .out = out, .max = out ? max : 0 };
	uint64_t next = 0;	/* first ID not yet emitted */
	size_t i;

	for (i = 0; i < p->nr_pieces; i++) {
		const struct policy_piece *pc = &p->pieces[i];

		if (pc->first > next)
			emit_unreserved(&e, next, pc->first - 1, p->default_action);
		emit_unreserved(&e, pc->first, pc->last, pc->rule->service->filter);
		next = (uint64_t)pc->last + 1;
	}
	if (next <= 0xFFFFFFFFULL)
		emit_unreserved(&e, next, 0xFFFFFFFFULL, p->default_action);
	flush(&e);
	return e.n;
}

size_t policy_nr_rules(const struct policy *p)
{
	return p->nr_rules;
}

size_t policy_rule_index(const struct policy *p, const struct policy_rule *r)
{
	return (size_t)(r - p->rules);
}

const char *policy_filter_action_name(enum policy_filter_action a)
{
	switch (a) {
	case POLICY_FILTER_HANDLE: return "kernel";
	case POLICY_FILTER_DENY: return "deny";
	case POLICY_FILTER_FWD: return "forward";
	}
	return "?";
}

bool policy_fid_reserved(uint32_t fid)
{
	return (fid >= SMCCC_KVM_RESERVED32_FIRST && fid <= SMCCC_KVM_RESERVED32_LAST) ||
	       (fid >= SMCCC_KVM_RESERVED64_FIRST && fid <= SMCCC_KVM_RESERVED64_LAST);
}

const struct policy_rule *policy_rule_at(const struct policy *p, size_t i)
{
	return i < p->nr_rules ? &p->rules[i] : NULL;
}

size_t policy_nr_pieces(const struct policy *p)
{
	return p->nr_pieces;
}

const struct policy_piece *policy_piece_at(const struct policy *p, size_t i)
{
	return i < p->nr_pieces ? &p->pieces[i] : NULL;
}

const struct policy_rule *policy_rule_parent(const struct policy_rule *r)
{
	return r->parent;
}

size_t policy_rule_nr_pieces(const struct policy_rule *r)
{
	return r->nr_pieces;
}

const char *policy_rule_name(const struct policy_rule *r) { return r->name; }
unsigned policy_rule_line(const struct policy_rule *r) { return r->line; }
uint32_t policy_rule_first(const struct policy_rule *r) { return r->first; }
uint32_t policy_rule_last(const struct policy_rule *r) { return r->last; }
const char *policy_rule_action_name(const struct policy_rule *r) { return r->service->name; }
uint64_t policy_rule_arg(const struct policy_rule *r) { return r->arg; }
enum policy_filter_action policy_rule_filter_action(const struct policy_rule *r)
{
	return r->service->filter;
}
