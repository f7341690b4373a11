/*
 * policy_diff(): where two policies handle function IDs differently, read
 * off their flattened tables in one merge walk.  Between two boundaries of
 * either table the deciding rules are constant, so a run of IDs is compared
 * once; only the 64 PSCI IDs are compared one by one, because the settings
 * (psci_version, psci_functions, on_reset) change single functions.
 */
#include "policy-internal.h"
#include "smccc.h"

struct cursor {
	const struct policy *p;
	size_t i;		/* the first piece that does not end before x */
};

/* The rule deciding x (NULL: none), and the last ID it keeps deciding. */
static const struct policy_rule *run_at(struct cursor *c, uint64_t x, uint64_t *end)
{
	const struct policy *p = c->p;

	while (c->i < p->nr_pieces && p->pieces[c->i].last < x)
		c->i++;
	if (c->i < p->nr_pieces && p->pieces[c->i].first <= x) {
		*end = p->pieces[c->i].last;
		return p->pieces[c->i].rule;
	}
	*end = c->i < p->nr_pieces ? (uint64_t)p->pieces[c->i].first - 1 : 0xFFFFFFFFULL;
	return NULL;
}

/* Ranges compared specially: the reserved ones never, PSCI per ID. */
static const struct { uint32_t first, last; bool reserved; } special[] = {
	{ SMCCC_KVM_RESERVED32_FIRST, SMCCC_KVM_RESERVED32_LAST, true },
	{ PSCI_FID32_FIRST, PSCI_FID32_LAST, false },
	{ SMCCC_KVM_RESERVED64_FIRST, SMCCC_KVM_RESERVED64_LAST, true },
	{ PSCI_FID64_FIRST, PSCI_FID64_LAST, false },
};
#define NR_SPECIAL (sizeof(special) / sizeof(special[0]))

/* -1 when x is in no special range; *end: where that stops being true. */
static int special_at(uint64_t x, uint64_t *end)
{
	for (size_t i = 0; i < NR_SPECIAL; i++) {
		if (x < special[i].first) {
			*end = special[i].first - 1;
			return -1;
		}
		if (x <= special[i].last) {
			*end = special[i].last;
			return (int)i;
		}
	}
	*end = 0xFFFFFFFFULL;
	return -1;
}

static enum policy_filter_action action_of(const struct policy *p, const struct policy_rule *r)
{
	return r ? r->service->filter : p->default_action;
}

static unsigned handling_differs(const struct policy *a, const struct policy_rule *ra,
				 const struct policy *b, const struct policy_rule *rb)
{
	enum policy_filter_action fa = action_of(a, ra), fb = action_of(b, rb);

	if (fa != fb)
		return POLICY_CHANGE_HANDLING;
	if (fa == POLICY_FILTER_FWD && (ra->service != rb->service || ra->arg != rb->arg))
		return POLICY_CHANGE_HANDLING;
	return 0;
}

static bool same_offers(const struct policy *a, const struct policy *b)
{
	for (uint32_t fid = PSCI_FID32_FIRST; fid <= PSCI_FID64_LAST; fid++) {
		if (fid == PSCI_FID32_LAST + 1)
			fid = PSCI_FID64_FIRST;
		if (policy_psci_offered(a, fid) != policy_psci_offered(b, fid))
			return false;
	}
	return true;
}

static bool is_reset(uint32_t fid)
{
	return fid == PSCI_SYSTEM_RESET || fid == PSCI_SYSTEM_RESET2 ||
	       fid == PSCI_SYSTEM_RESET2_64;
}

/* A PSCI ID both policies hand to the same place: what the settings change. */
static unsigned psci_differs(const struct policy *a, const struct policy_rule *ra,
			     const struct policy *b, uint32_t fid, bool offers_same)
{
	bool versions = a->psci_version != b->psci_version;
	unsigned reasons = 0;

	if (action_of(a, ra) == POLICY_FILTER_HANDLE) {
		/* KVM's own PSCI reports the policy's version; per Linux
		 * arch/arm64/kvm/psci.c, what PSCI_VERSION, PSCI_FEATURES and
		 * SYSTEM_RESET2 answer depends on it. */
		if (versions && (fid == PSCI_VERSION || fid == PSCI_FEATURES ||
				 fid == PSCI_SYSTEM_RESET2 || fid == PSCI_SYSTEM_RESET2_64))
			reasons |= POLICY_CHANGE_PSCI_ANSWER;
	} else if (ra && ra->service == &psci_service) {
		bool oa = policy_psci_offered(a, fid), ob = policy_psci_offered(b, fid);

		if (oa != ob)
			reasons |= POLICY_CHANGE_PSCI_OFFER;
		else if (oa && ((fid == PSCI_VERSION && versions) ||
				(fid == PSCI_FEATURES && !offers_same)))
			reasons |= POLICY_CHANGE_PSCI_ANSWER;
	} else {
		return 0;
	}
	if (is_reset(fid) && a->on_reset != b->on_reset)
		reasons |= POLICY_CHANGE_ON_RESET;
	return reasons;
}

struct changes {
	struct policy_change *out;
	size_t max, n;
	bool pending;
	struct policy_change cur;
};

static void flush(struct changes *c)
{
	if (!c->pending)
		return;
	if (c->n < c->max)
		c->out[c->n] = c->cur;
	c->n++;
	c->pending = false;
}

static void add(struct changes *c, uint64_t first, uint64_t last, const struct policy_rule *ra,
		const struct policy_rule *rb, unsigned reasons)
{
	if (c->pending && c->cur.old_rule == ra && c->cur.new_rule == rb &&
	    c->cur.reasons == reasons && (uint64_t)c->cur.last + 1 == first) {
		c->cur.last = (uint32_t)last;
		return;
	}
	flush(c);
	c->cur = (struct policy_change){
		.first = (uint32_t)first, .last = (uint32_t)last,
		.old_rule = ra, .new_rule = rb, .reasons = reasons,
	};
	c->pending = true;
}

size_t policy_diff(const struct policy *a, const struct policy *b, struct policy_change *out,
		   size_t max)
{
	struct changes c = { .out = out, .max = out ? max : 0 };
	struct cursor ca = { a, 0 }, cb = { b, 0 };
	bool offers_same = same_offers(a, b);
	uint64_t x = 0;

	while (x <= 0xFFFFFFFFULL) {
		uint64_t ea, eb, es, end;
		const struct policy_rule *ra = run_at(&ca, x, &ea), *rb = run_at(&cb, x, &eb);
		int sp = special_at(x, &es);

		end = ea < eb ? ea : eb;
		end = end < es ? end : es;
		if (sp >= 0 && special[sp].reserved) {
			/* KVM's in both, whatever the rules say. */
		} else if (sp >= 0) {
			for (uint64_t fid = x; fid <= end; fid++) {
				unsigned why = handling_differs(a, ra, b, rb);

				if (!why)
					why = psci_differs(a, ra, b, (uint32_t)fid, offers_same);
				if (why)
					add(&c, fid, fid, ra, rb, why);
			}
		} else {
			unsigned why = handling_differs(a, ra, b, rb);

			if (why)
				add(&c, x, end, ra, rb, why);
		}
		x = end + 1;
	}
	flush(&c);
	return c.n;
}
