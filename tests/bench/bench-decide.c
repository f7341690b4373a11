/*
 * bench-decide: host-native cost of one policy decision (policy_decide())
 * with 10, 1,000 and 100,000 rules, each policy written to a file and read
 * back with policy_load_file() as the VMM reads its --config.
 *
 * Two shapes of policy:
 *   nested  the e2e suite's 100,000-rule shape: logged SiP blocks of 128 IDs,
 *           each holding 99 single-ID rules alternating "return 7" and deny
 *           (for 10 rules: one block of 12 IDs holding 9);
 *   flat    rules of 16 IDs side by side, each "return i" (every piece
 *           carries its own value).
 * Two workloads:
 *   random  X0 drawn at random: 14/16 uniform over the rules' span, 1/16
 *           anywhere in W0 (mostly no rule), 1/16 with X0[63:32] set.  Over
 *           100,000 rules nearly every call finds a different piece: the
 *           worst case for the caches;
 *   hot     four IDs in turn (three rules and one ID no rule names), as a
 *           guest that calls the same few services makes.
 *
 * Prints load time (wall clock) and ns per decision (the thread's CPU
 * time, so that time descheduled on a shared machine is left out; the
 * median of --rounds rounds of --calls calls, sizes interleaved so that a
 * burst of other work on the machine hits every size alike) and, per shape
 * and workload, the ratio of the 100,000-rule figure over the 10-rule one.
 * A benchmark, not a test: no pass/fail on time.
 *
 *   bench-decide [--calls N] [--rounds R] [--shape nested|flat]
 *                [--workload random|hot] [SIZE...]
 *
 * Under callgrind, --toggle-collect=bench_run counts the decisions alone.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "policy.h"

#define MAX_SIZES	8
#define MAX_ROUNDS	15
#define NESTED_BASE	0x82000000U	/* SiP SMC32, as the e2e suite's */
#define NESTED_BLOCK	128		/* IDs per logged block */
#define NESTED_INNER	99		/* single-ID rules per block */
#define FLAT_BASE	0x01000000U	/* no KVM reserved range near */
#define FLAT_SPAN	16		/* IDs per flat rule */
#define HOT_IDS		4

enum shape { SHAPE_NESTED, SHAPE_FLAT, NR_SHAPES };
enum workload { WL_RANDOM, WL_HOT, NR_WORKLOADS };

static const char *const shape_names[] = { "nested", "flat" };
static const char *const workload_names[] = { "random", "hot" };

struct bench_policy {
	unsigned nrules;
	struct policy *p;
	uint32_t first, last;		/* the rules' span */
	uint32_t hot[HOT_IDS];
	size_t file_bytes;
	double load_ns;
	double ns[NR_WORKLOADS][MAX_ROUNDS];
};

static double clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* Decisions are timed in the thread's CPU time: on a machine shared with
 * other work, time spent descheduled is not the decision's cost. */
static double cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

/* Writes the policy text of nrules rules of the shape to f; sets the span
 * and the hot IDs. */
static void write_policy(FILE *f, enum shape shape, unsigned nrules, struct bench_policy *bp)
{
	fprintf(f, "[policy]\ndefault = deny\n");
	if (shape == SHAPE_NESTED) {
		/* 100 rules a block; fewer rules: one block holding the rest,
		 * its size scaled so that every size draws the same mix of
		 * return, deny and log (the services' dispatch is part of a
		 * decision's cost: a mix that changed with the size would
		 * change the ratio as much as the lookup). */
		unsigned nblocks = nrules >= 1 + NESTED_INNER ? nrules / (1 + NESTED_INNER) : 1;
		unsigned inner = nrules / nblocks - 1;
		unsigned block = (inner * NESTED_BLOCK + NESTED_INNER - 1) / NESTED_INNER;

		for (unsigned b = 0; b < nblocks; b++) {
			uint32_t base = NESTED_BASE + b * block;

			fprintf(f, "[rule blk%u]\nbase = 0x%08X\ncount = %u\naction = log\n", b,
				base, block);
			for (unsigned i = 1; i <= inner; i++)
				fprintf(f, "[rule f%u.%u]\nrange = 0x%08X\naction = %s\n", b, i,
					base + i, i % 2 ? "return 7" : "deny");
		}
		bp->first = NESTED_BASE;
		bp->last = NESTED_BASE + nblocks * block - 1;
		/* a "return 7", a deny, a logged ID of the last block, no rule */
		bp->hot[0] = NESTED_BASE + 1;
		bp->hot[1] = NESTED_BASE + 2;
		bp->hot[2] = bp->last;
		bp->hot[3] = bp->last + 1;
	} else {
		for (unsigned i = 0; i < nrules; i++)
			fprintf(f, "[rule r%u]\nbase = 0x%08X\ncount = %u\naction = return %u\n", i,
				FLAT_BASE + i * FLAT_SPAN, FLAT_SPAN, i);
		bp->first = FLAT_BASE;
		bp->last = FLAT_BASE + nrules * FLAT_SPAN - 1;
		bp->hot[0] = FLAT_BASE;
		bp->hot[1] = FLAT_BASE + (nrules / 2) * FLAT_SPAN + 3;
		bp->hot[2] = bp->last;
		bp->hot[3] = bp->last + 1;
	}
}

static int load_policy(enum shape shape, unsigned nrules, struct bench_policy *bp)
{
	char path[] = "/tmp/bench-decide-XXXXXX", err[512];
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	double t;
	long size;

	if (!f) {
		fprintf(stderr, "bench-decide: %s: %s\n", path, strerror(errno));
		return -1;
	}
	bp->nrules = nrules;
	write_policy(f, shape, nrules, bp);
	size = ftell(f);
	if (fclose(f)) {
		fprintf(stderr, "bench-decide: %s: %s\n", path, strerror(errno));
		unlink(path);
		return -1;
	}
	bp->file_bytes = size > 0 ? (size_t)size : 0;
	t = now_ns();
	bp->p = policy_load_file(path, err, sizeof(err));
	bp->load_ns = now_ns() - t;
	unlink(path);
	if (!bp->p) {
		fprintf(stderr, "bench-decide: %s\n", err);
		return -1;
	}
	if (policy_nr_rules(bp->p) != nrules) {
		fprintf(stderr, "bench-decide: %zu rules loaded, %u written\n",
			policy_nr_rules(bp->p), nrules);
		return -1;
	}
	return 0;
}

/* xorshift64: registers only, so drawing an ID touches no memory the
 * policy's lookup would compete with for the caches. */
static inline uint64_t next_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	return *s = x;
}

enum draw_kind { DRAW_SPAN, DRAW_W0, DRAW_UPPER, NR_DRAW_KINDS };

/* X0 from one random number: by its top 4 bits, 14/16 in the span, 1/16
 * anywhere in W0, 1/16 in the span with X0[63:32] set. */
static inline uint64_t draw_x0(uint64_t x, uint32_t first, uint64_t span, enum draw_kind *kind)
{
	uint64_t id = first + (((x & 0xFFFFFFFFULL) * span) >> 32);

	switch (x >> 60) {
	case 0:
		*kind = DRAW_UPPER;
		return id | (x & 0xFFFF00000000ULL) | 1ULL << 32;
	case 1:
		*kind = DRAW_W0;
		return (uint32_t)x;
	default:
		*kind = DRAW_SPAN;
		return id;
	}
}

/* The timed loop: calls decisions, X0 from the workload.  Not inlined, so
 * callgrind can count it alone. */
static __attribute__((noinline)) uint64_t bench_run(const struct policy *p,
						    const struct bench_policy *bp,
						    enum workload wl, uint64_t seed, long calls)
{
	struct policy_call c = { .x = { 0, 1, 2, 3 }, .conduit = POLICY_CONDUIT_HVC };
	uint64_t span = (uint64_t)bp->last - bp->first + 1, sink = 0;
	struct policy_result r;
	enum draw_kind kind;

	for (long i = 0; i < calls; i++) {
		if (wl == WL_HOT)
			c.x[0] = bp->hot[i % HOT_IDS];
		else
			c.x[0] = draw_x0(next_rand(&seed), bp->first, span, &kind);
		policy_decide(p, NULL, &c, &r);
		sink += r.x[0];
	}
	return sink;
}

/* What the random workload draws and what it gets, from the same seed as
 * the timed runs, counted outside them. */
static void print_draws(const struct bench_policy *bp, uint64_t seed, long calls)
{
	uint64_t span = (uint64_t)bp->last - bp->first + 1;
	unsigned nd = policy_nr_decisions();
	long kinds[NR_DRAW_KINDS] = { 0 }, *dec = calloc(nd, sizeof(*dec));
	struct policy_call c = { .x = { 0, 1, 2, 3 }, .conduit = POLICY_CONDUIT_HVC };
	struct policy_result r;
	enum draw_kind kind;

	if (!dec)
		return;
	for (long i = 0; i < calls; i++) {
		c.x[0] = draw_x0(next_rand(&seed), bp->first, span, &kind);
		kinds[kind]++;
		policy_decide(bp->p, NULL, &c, &r);
		dec[r.decision]++;
	}
	printf("# random draws (%u rules): %.1f%% uniform in the rules' span 0x%08" PRIX32
	       "-0x%08" PRIX32 ", %.1f%% anywhere in W0, %.1f%% with X0[63:32] set; decided:",
	       bp->nrules, 100.0 * kinds[DRAW_SPAN] / calls, bp->first, bp->last,
	       100.0 * kinds[DRAW_W0] / calls, 100.0 * kinds[DRAW_UPPER] / calls);
	for (unsigned d = 0; d < nd; d++)
		if (dec[d])
			printf(" %s %.1f%%", policy_decision_name(d), 100.0 * dec[d] / calls);
	printf("\n");
	free(dec);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench-decide [--calls N] [--rounds R] [--shape nested|flat] "
		"[--workload random|hot] [SIZE...]\n");
	exit(2);
}

static int pick(const char *arg, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(arg, names[i]))
			return i;
	usage();
	return -1;
}

int main(int argc, char **argv)
{
	unsigned sizes[MAX_SIZES] = { 10, 1000, 100000 };
	int nsizes = 3, rounds = 5, shape_only = -1, wl_only = -1, user_sizes = 0;
	long calls = 1000000;
	uint64_t sink = 0;
	const uint64_t seed = 0x9e3779b97f4a7c15ULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--calls") && i + 1 < argc)
			calls = atol(argv[++i]);
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--shape") && i + 1 < argc)
			shape_only = pick(argv[++i], shape_names, NR_SHAPES);
		else if (!strcmp(argv[i], "--workload") && i + 1 < argc)
			wl_only = pick(argv[++i], workload_names, NR_WORKLOADS);
		else if (argv[i][0] != '-' && user_sizes < MAX_SIZES && atol(argv[i]) > 0)
			sizes[user_sizes++] = (unsigned)atol(argv[i]);
		else
			usage();
	}
	if (user_sizes)
		nsizes = user_sizes;
	if (calls < 1 || rounds < 1 || rounds > MAX_ROUNDS)
		usage();
	printf("# bench-decide: policy_decide() per call in thread CPU time, median of %d rounds "
	       "of %ld calls (sizes interleaved, each round after an untimed warm-up of %ld "
	       "calls)\n",
	       rounds, calls, calls / 10 + 1);
	for (int s = 0; s < NR_SHAPES; s++) {
		struct bench_policy bp[MAX_SIZES];

		if (shape_only >= 0 && s != shape_only)
			continue;
		memset(bp, 0, sizeof(bp));
		for (int k = 0; k < nsizes; k++) {
			if (load_policy((enum shape)s, sizes[k], &bp[k]))
				return 1;
			printf("bench: %s policy of %6u rules (%zu pieces): file %zu bytes, "
			       "policy_load_file() %.1f ms\n", shape_names[s], sizes[k],
			       policy_nr_pieces(bp[k].p), bp[k].file_bytes, bp[k].load_ns / 1e6);
		}
		for (int w = 0; w < NR_WORKLOADS; w++) {
			if (wl_only >= 0 && w != wl_only)
				continue;
			for (int k = 0; k < nsizes; k++) {
				if (w == WL_RANDOM)
					print_draws(&bp[k], seed, calls);
				else
					printf("# hot IDs (%u rules): 0x%08" PRIX32 " 0x%08" PRIX32
					       " 0x%08" PRIX32 " 0x%08" PRIX32 " in turn\n",
					       bp[k].nrules, bp[k].hot[0], bp[k].hot[1],
					       bp[k].hot[2], bp[k].hot[3]);
			}
			for (int r = 0; r < rounds; r++)
				for (int k = 0; k < nsizes; k++) {
					double t;

					sink += bench_run(bp[k].p, &bp[k], (enum workload)w,
							  seed + 1, calls / 10 + 1);
					t = cpu_ns();
					sink += bench_run(bp[k].p, &bp[k], (enum workload)w, seed,
							  calls);
					bp[k].ns[w][r] = (cpu_ns() - t) / calls;
				}
			for (int k = 0; k < nsizes; k++) {
				double lo = bp[k].ns[w][0];

				for (int r = 1; r < rounds; r++)
					lo = bp[k].ns[w][r] < lo ? bp[k].ns[w][r] : lo;
				printf("bench: %s %s, %6u rules: %.1f ns/decision (median; min %.1f)\n",
				       shape_names[s], workload_names[w], bp[k].nrules,
				       median(bp[k].ns[w], rounds), lo);
			}
			if (nsizes >= 2) {
				char name[64];

				/* nested random is the figure: it keeps the plain name */
				snprintf(name, sizeof(name), "ratio_decide_%s%s%u_over_%u",
					 s == SHAPE_NESTED ? "" : "flat_", w == WL_RANDOM ? "" : "hot_",
					 bp[nsizes - 1].nrules, bp[0].nrules);
				printf("# bench: %s=%.2f\n", name,
				       median(bp[nsizes - 1].ns[w], rounds) /
				       median(bp[0].ns[w], rounds));
			}
		}
		for (int k = 0; k < nsizes; k++)
			policy_free(bp[k].p);
	}
	return sink == 42;	/* keep the loops */
}
