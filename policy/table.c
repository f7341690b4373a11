/*
 * From the rules as written to the flattened table the lookup and the KVM
 * filter read.  Rules nest as routes do in a routing table: a rule whose
 * range lies wholly inside another's decides its own IDs, the outer rule
 * the rest of its range.  Two rules whose ranges cross (each holds IDs the
 * other does not, and they share some) would leave the shared IDs to
 * whichever rule came first, so they are refused, as are two rules with the
 * same range.
 *
 * Both passes run over the rules sorted by first ID, outer before inner
 * (the longer range first on a tie), with a stack of the rules that hold the
 * current ID: each rule is pushed and popped once, so a 100,000-rule policy
 * costs its sort.
 */
#include <errno.h>
#include <stdlib.h>

#include "policy-internal.h"

static int cmp_rule(const void *a, const void *b)
{
	const struct policy_rule *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if (x->last != y->last)
		return x->last > y->last ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Of two rules, the one a reader going down the file meets second. */
static const struct policy_rule *later(const struct policy_rule *a, const struct policy_rule *b)
{
	return a->range_line > b->range_line ? a : b;
}

/*
 * Every pair that does not nest is met as (rule, a rule on the stack) or
 * through a later rule; of the conflicts met, the one whose later rule
 * comes first in the file is kept, so the message points where a reader
 * would first notice.
 */
static int check_nesting(const struct policy *p, const struct policy_rule **stack,
			 struct table_conflict *c)
{
	size_t depth = 0;
	bool found = false;

	for (size_t i = 0; i < p->nr_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		while (depth && stack[depth - 1]->last < r->first)
			depth--;
		while (depth && r->last >= stack[depth - 1]->last) {
			const struct policy_rule *t = stack[depth - 1];
			bool same = r->first == t->first && r->last == t->last;
			const struct policy_rule *late = later(r, t);

			if (!same && r->last == t->last && r->first > t->first)
				break;	/* inside t, sharing its end: nested */
			if (!found || late->range_line < c->rule->range_line) {
				c->rule = late;
				c->other = late == r ? t : r;
				c->same_range = same;
				found = true;
			}
			depth--;
		}
		stack[depth++] = r;
	}
	return found ? -EINVAL : 0;
}

struct flattener {
	struct policy *p;
	uint64_t next;		/* first ID not yet given to a piece */
};

static void emit(struct flattener *f, uint64_t last, struct policy_rule *r)
{
	struct policy *p = f->p;

	if (f->next > last)
		return;
	p->pieces[p->nr_pieces++] = (struct policy_piece){
		.first = (uint32_t)f->next, .last = (uint32_t)last, .rule = r,
	};
	r->nr_pieces++;
	f->next = last + 1;
}

static void flatten(struct policy *p, struct policy_rule **stack)
{
	struct flattener f = { .p = p };
	size_t depth = 0;

	p->nr_pieces = 0;
	for (size_t i = 0; i < p->nr_rules; i++) {
		struct policy_rule *r = &p->rules[i];

		/* Rules that end before r: what is left of them is theirs. */
		while (depth && stack[depth - 1]->last < r->first) {
			emit(&f, stack[depth - 1]->last, stack[depth - 1]);
			depth--;
		}
		if (depth && r->first > f.next)
			emit(&f, r->first - 1, stack[depth - 1]);
		r->parent = depth ? stack[depth - 1] : NULL;
		r->nr_pieces = 0;
		f.next = r->first;
		stack[depth++] = r;
	}
	while (depth) {
		emit(&f, stack[depth - 1]->last, stack[depth - 1]);
		depth--;
	}
}

int policy_table_build(struct policy *p, struct table_conflict *c)
{
	size_t n = p->nr_rules ? p->nr_rules : 1;
	struct policy_rule **stack;
	int r;

	if (p->nr_rules > 1)
		qsort(p->rules, p->nr_rules, sizeof(p->rules[0]), cmp_rule);
	stack = malloc(n * sizeof(*stack));
	if (!stack)
		return -ENOMEM;
	r = check_nesting(p, (const struct policy_rule **)stack, c);
	if (r) {
		free(stack);
		return r;
	}
	free(p->pieces);
	/* Each rule starts at most one piece when pushed and ends one when
	 * popped. */
	p->pieces = malloc(2 * n * sizeof(*p->pieces));
	if (!p->pieces) {
		free(stack);
		return -ENOMEM;
	}
	flatten(p, stack);
	free(stack);
	if (p->nr_pieces < 2 * n) {	/* give back what nesting did not use */
		struct policy_piece *fit = realloc(p->pieces,
						   (p->nr_pieces ? p->nr_pieces : 1) * sizeof(*fit));

		if (fit)
			p->pieces = fit;
	}
	return tree_build(&p->tree, p);
}
