/*
 * The flattened table as a decision reads it: a search tree over the
 * pieces' first IDs, and per piece the few bytes deciding a call needs.
 *
 * A binary search over 100,000 sorted keys is 17 dependent loads, the last
 * few of them cache misses, and then the piece itself was one more line,
 * megabytes away from the others.  Here the keys form a static B+ tree
 * stored level by level, root first: inner nodes of 64 keys (four cache
 * lines, 65 children), leaves of 32 keys (two lines).  100,000 pieces are
 * three levels, the upper two 13 KB.  A node is searched by counting the
 * keys below the ID, with vector compares and no branch, so a level costs
 * the same whatever the guest asks.
 *
 * The leaves hold every first ID in order, so a key's leaf position is its
 * piece's index, and the rest of what a decision reads sits in arrays
 * beside the pieces: an 8-byte slot (last ID, rule index) and a 1-byte
 * index into the policy's distinct (service, argument) pairs.  A decision
 * thus reads the tree's lines, one slot line and one action line: 13 bytes
 * a piece, so that 100,000 pieces (1.3 MB) stay in a core's L2 cache.  A
 * policy with more distinct pairs than TREE_MAX_ACTIONS holds (say, each
 * rule returning its own value) has 16-byte slots that carry every
 * piece's argument: 21 bytes a piece.
 *
 * Built once at load from the pieces (table.c); read-only afterwards, so
 * any number of threads may search it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy-internal.h"

#define TREE_FANOUT	(TREE_NODE_KEYS + 1)	/* an inner node's keys split its range */
_Static_assert(TREE_LEAF_KEYS % 16 == 0 && TREE_NODE_KEYS % 16 == 0,
	       "nodes are whole cache lines, searched 16 keys at a time");
#define TREE_LINE	64			/* bytes: the arrays' alignment */
#define TREE_HASH	512			/* > 2 * TREE_MAX_ACTIONS: short probes */

/* Unused key slots hold the largest key, so that no search counts them:
 * tree_find_piece() answers fid == UINT32_MAX without the tree. */
#define TREE_PAD	INT32_MAX	/* biased(UINT32_MAX) */

#ifdef __GNUC__
#define TREE_PREFETCH(addr)	__builtin_prefetch(addr)
#else
#define TREE_PREFETCH(addr)	((void)(addr))
#endif

/* Zeroed, 64-byte aligned: a node never shares or straddles lines. */
static void *alloc_lines(size_t nmemb, size_t size)
{
	size_t bytes;
	void *a;

	if (nmemb && size > SIZE_MAX / nmemb - TREE_LINE)
		return NULL;
	bytes = nmemb * size;
	/* aligned_alloc wants a multiple of the alignment */
	bytes = (bytes + TREE_LINE - 1) / TREE_LINE * TREE_LINE;
	a = aligned_alloc(TREE_LINE, bytes ? bytes : TREE_LINE);
	if (a)
		memset(a, 0, bytes ? bytes : TREE_LINE);
	return a;
}

void tree_free(struct table_tree *t)
{
	free(t->keys);
	free(t->slots);
	free(t->action);
	free(t->actions);
	memset(t, 0, sizeof(*t));
}

/*
 * Keys are stored with the top bit flipped and read as signed: the order
 * is the same, and SSE2, which the x86 build of the tools and the bench
 * gets by default, compares only signed lanes (NEON has both).
 */
static inline int32_t biased(uint32_t id)
{
	return (int32_t)((int64_t)id + INT32_MIN);
}

/* ------------------------------------------------------------- actions */

struct action_set {
	struct table_tree *t;
	uint16_t hash[TREE_HASH];	/* 1 + index into t->actions; 0: free */
	size_t room;			/* entries left for (service, argument) pairs */
	uint8_t per_piece[TREE_MAX_ACTIONS];	/* the arg_per_piece entries */
	unsigned nr_per_piece;
};

static unsigned action_hash(const struct smccc_service *s, uint64_t arg)
{
	uint64_t h = (arg ^ (uint64_t)(uintptr_t)s) * 0x9E3779B97F4A7C15ULL;

	return (unsigned)(h >> 55) % TREE_HASH;
}

/* A new entry; the caller has checked there is room. */
static unsigned action_add(struct table_tree *t, const struct smccc_service *s, uint64_t arg,
			   bool per_piece)
{
	struct tree_action *a = &t->actions[t->nr_actions];

	a->service = s;
	a->arg = arg;
	a->decision = smccc_service_decision(s);
	a->arg_per_piece = per_piece;
	return t->nr_actions++;
}

/*
 * The action index for a piece of rule r.  Pairs get entries in the order
 * met while there is room; a pair met after that shares its service's
 * "argument per piece" entry (made once: room is kept for one a service,
 * services.c asserts there is).
 */
static unsigned action_of(struct action_set *as, const struct policy_rule *r)
{
	struct table_tree *t = as->t;
	unsigned h = action_hash(r->service, r->arg);

	for (; as->hash[h]; h = (h + 1) % TREE_HASH) {
		const struct tree_action *a = &t->actions[as->hash[h] - 1];

		if (a->service == r->service && a->arg == r->arg && !a->arg_per_piece)
			return as->hash[h] - 1u;
	}
	if (as->room) {
		as->room--;
		as->hash[h] = (uint16_t)(action_add(t, r->service, r->arg, false) + 1);
		return as->hash[h] - 1u;
	}
	for (unsigned i = 0; i < as->nr_per_piece; i++)
		if (t->actions[as->per_piece[i]].service == r->service)
			return as->per_piece[i];
	as->per_piece[as->nr_per_piece] = (uint8_t)action_add(t, r->service, 0, true);
	return as->per_piece[as->nr_per_piece++];
}

/* ---------------------------------------------------------------- build */

int tree_build(struct table_tree *t, const struct policy *p)
{
	size_t n = p->nr_pieces, nodes[TREE_MAX_HEIGHT + 1], start[TREE_MAX_HEIGHT + 1];
	size_t total, stride, off = 0;
	struct action_set *as;
	int32_t *keys, *leaves;
	unsigned h = 0;

	tree_free(t);
	if (!n)
		return 0;
	/* Rule indices are 32 bits: 2^32 rules would be hundreds of GB of
	 * rule records before the first piece, so this never refuses a
	 * policy that could have loaded. */
	if (p->nr_rules > UINT32_MAX)
		return -ENOMEM;
	/* Nodes per level, leaves first, up to a single root. */
	nodes[0] = (n + TREE_LEAF_KEYS - 1) / TREE_LEAF_KEYS;
	total = nodes[0] * TREE_LEAF_KEYS;
	while (nodes[h] > 1) {
		nodes[h + 1] = (nodes[h] + TREE_FANOUT - 1) / TREE_FANOUT;
		total += nodes[++h] * TREE_NODE_KEYS;
	}
	t->height = h;
	t->keys = keys = alloc_lines(total, sizeof(*keys));
	t->action = alloc_lines(n, sizeof(*t->action));
	t->actions = calloc(TREE_MAX_ACTIONS, sizeof(*t->actions));
	as = calloc(1, sizeof(*as));
	if (!t->keys || !t->action || !t->actions || !as)
		goto nomem;
	/* The actions first: whether any piece carries its own argument
	 * decides the slots' size. */
	as->t = t;
	as->room = TREE_MAX_ACTIONS - smccc_nr_services();
	for (size_t i = 0; i < n; i++)
		t->action[i] = (uint8_t)action_of(as, p->pieces[i].rule);
	t->slot_shift = as->nr_per_piece ? 4 : 3;
	t->slots = alloc_lines(n, (size_t)1 << t->slot_shift);
	if (!t->slots)
		goto nomem;
	free(as);
	for (size_t i = 0; i < n; i++) {
		const struct policy_rule *r = p->pieces[i].rule;
		struct tree_slot *sl = (struct tree_slot *)((char *)t->slots + (i << t->slot_shift));

		sl->last = p->pieces[i].last;
		sl->rule = (uint32_t)(r - p->rules);
		if (t->slot_shift == 4)
			((struct tree_wide_slot *)sl)->arg = r->arg;
	}
	t->nr = n;
	/* The root first: the upper levels share lines with nothing else. */
	for (unsigned l = h + 1; l-- > 0; off += nodes[l] * (l ? TREE_NODE_KEYS : TREE_LEAF_KEYS)) {
		start[l] = off;
		t->level[h - l] = keys + start[l];	/* t->level counts from the root */
	}

	/* Leaves: every first ID in order, then padding. */
	leaves = keys + start[0];
	for (size_t i = 0; i < nodes[0] * TREE_LEAF_KEYS; i++)
		leaves[i] = i < n ? biased(p->pieces[i].first) : TREE_PAD;
	/*
	 * Inner levels, from just above the leaves up.  Key s of node k
	 * separates child 65k + s from child 65k + s + 1: it is the smallest
	 * ID under the latter, the first ID of its leftmost leaf.  A child at
	 * height l - 1 spans stride = 65^(l-1) leaves.
	 */
	stride = 1;
	for (unsigned l = 1; l <= h; l++, stride *= TREE_FANOUT) {
		int32_t *level = keys + start[l];

		for (size_t k = 0; k < nodes[l]; k++)
			for (size_t s = 0; s < TREE_NODE_KEYS; s++) {
				size_t child = k * TREE_FANOUT + s + 1;

				level[k * TREE_NODE_KEYS + s] = child < nodes[l - 1] ?
					leaves[child * stride * TREE_LEAF_KEYS] : TREE_PAD;
			}
	}

	return 0;

nomem:
	free(as);
	tree_free(t);
	return -ENOMEM;
}

/* --------------------------------------------------------------- search */

/*
 * How many of the n sorted keys at node are below key: the child to take,
 * or in a leaf one past the key.  With GCC and Clang as 4-lane vector
 * compares (SSE2, NEON) summed lane-wise and reduced once; the plain loop
 * is the same count for other compilers (and for TREE_SCALAR builds, which
 * the unit tests check too).
 */
#if defined(__GNUC__) && !defined(TREE_SCALAR)
typedef int32_t tree_i32x4 __attribute__((vector_size(16)));

static inline tree_i32x4 below16(const int32_t *keys, tree_i32x4 k)
{
	tree_i32x4 a, b, c, d;

	memcpy(&a, keys, sizeof(a));
	memcpy(&b, keys + 4, sizeof(b));
	memcpy(&c, keys + 8, sizeof(c));
	memcpy(&d, keys + 12, sizeof(d));
	/* A true compare is -1 in its lane. */
	return ((a < k) + (b < k)) + ((c < k) + (d < k));
}

static inline unsigned count_below(const int32_t *node, unsigned n, int32_t key)
{
	tree_i32x4 k = { key, key, key, key }, m;
	uint64_t half[2];

	/* n is a constant once inlined.  The sums pair up: two adds deep for
	 * 64 keys, not four in a row. */
	if (n == 64) {
		m = (below16(node, k) + below16(node + 16, k)) +
		    (below16(node + 32, k) + below16(node + 48, k));
	} else {
		m = below16(node, k);
		for (unsigned s = 16; s < n; s += 16)
			m += below16(node + s, k);
	}
	m = -m;		/* four counts of at most 16 */
	/* The four lanes' sum, as two 64-bit halves: no lane carries. */
	memcpy(half, &m, sizeof(half));
	half[0] += half[1];
	return (uint32_t)half[0] + (uint32_t)(half[0] >> 32);
}
#else
static inline unsigned count_below(const int32_t *node, unsigned n, int32_t key)
{
	unsigned c = 0;

	for (unsigned s = 0; s < n; s++)
		c += node[s] < key;
	return c;
}
#endif

size_t tree_find_piece(const struct table_tree *t, uint32_t fid)
{
	size_t k = 0, i;
	int32_t key;

	if (!t->nr)
		return TREE_NONE;
	/* The padding is the largest key: it would count for UINT32_MAX; and
	 * the last piece is the one that could hold it. */
	if (fid == UINT32_MAX) {
		i = t->nr - 1;
	} else {
		key = biased(fid) + 1;	/* keys <= fid are the keys below it */
		for (unsigned l = 0; l < t->height; l++)
			k = k * TREE_FANOUT +
			    count_below(t->level[l] + k * TREE_NODE_KEYS, TREE_NODE_KEYS, key);
		/* k is the leaf.  Its 32 actions are one line, which the
		 * caller reads next: fetch it while the leaf's keys arrive.
		 * (Its slots are four or eight lines: fetching them all cost
		 * more than it saved; the one needed waits for the count.) */
		TREE_PREFETCH(&t->action[k * TREE_LEAF_KEYS]);
		/* The last key <= fid; none when fid lies before the first
		 * piece (k = 0 and no key counted: i wraps to TREE_NONE).  A
		 * table of 16 pieces or fewer (every shipped config's) is one
		 * leaf whose second line is padding: only its first counts. */
		if (t->nr <= 16)
			i = (size_t)count_below(t->level[0], 16, key) - 1;
		else
			i = k * TREE_LEAF_KEYS + count_below(t->level[t->height] + k * TREE_LEAF_KEYS,
							     TREE_LEAF_KEYS, key) - 1;
		if (i == TREE_NONE)
			return TREE_NONE;
	}
	return fid <= tree_slot(t, i)->last ? i : TREE_NONE;
}
