/*
 * The audit's state, shared by its two halves: audit.c (the vCPU side, the
 * counters, the summary) and audit-trail.c (the main thread's side: the
 * rings drained, the rate limit, the records and lines written).
 */
#ifndef VMM_AUDIT_INTERNAL_H
#define VMM_AUDIT_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <yajl/yajl_gen.h>

#include "audit.h"
#include "evloop.h"

#define AUDIT_RING		64	/* records per vCPU; a power of 2 */
#define AUDIT_MAX_DECISIONS	16	/* >= policy_nr_decisions() */
#define AUDIT_RULE_CACHE	16	/* per-vCPU rule counters; a power of 2 */
#define AUDIT_NO_RULE		UINT32_MAX
#define AUDIT_RECORD_MAX	2048	/* one JSON object */
#define AUDIT_BATCH		(32 * 1024)	/* records written per write(2) */

/* One call, as the vCPU saw it; formatted later by the main thread. */
struct audit_rec {
	struct timespec time;		/* CLOCK_REALTIME */
	uint64_t x[18];			/* X0, then X1..X<nr_args> as read */
	uint64_t ret;			/* X0 as answered, when nr_ret */
	uint32_t rule;			/* index in the policy, or AUDIT_NO_RULE */
	uint16_t vcpu;
	uint8_t decision, nr_args, nr_ret, smc, nr_get, nr_set, log;
};

typedef atomic_uint_fast64_t audit_counter;

/*
 * One vCPU's counters and ring.  The vCPU's thread is the only writer of
 * the first part (plain load + store, no atomic read-modify-write); the main
 * thread the only writer of the second.  Cache-line aligned so vCPUs share
 * nothing.
 */
struct audit_cpu {
	_Alignas(64) atomic_uint tail;
	audit_counter calls[AUDIT_MAX_DECISIONS];
	audit_counter lost[AUDIT_MAX_DECISIONS];	/* the ring was full */
	audit_counter over[AUDIT_MAX_DECISIONS];	/* past the limit this second */
	unsigned int epoch_seen, used;	/* the second this vCPU counts in, and
					 * how many calls it queued in it */
	struct {
		atomic_uint key;			/* rule index + 1; 0: empty */
		audit_counter n;
	} rules[AUDIT_RULE_CACHE];

	_Alignas(64) atomic_uint head;
	uint64_t lost_seen[AUDIT_MAX_DECISIONS], over_seen[AUDIT_MAX_DECISIONS];
	struct audit_rec ring[AUDIT_RING];
};

/* The rate limit's current second. */
struct audit_window {
	int64_t sec;
	unsigned int written;
	uint64_t suppressed[AUDIT_MAX_DECISIONS];
};

struct audit {
	const struct policy *policy;
	unsigned int nr_cpus, nr_decisions;
	size_t nr_rules;
	unsigned int log_decision;	/* the `log` service's decision */
	bool has_log_rule;		/* some call may ask for a log line */
	bool verbose;
	bool records;			/* every call is queued (trail or -v) */
	unsigned int limit;
	atomic_uint epoch;		/* bumped by the main thread each second */
	struct audit_cpu *cpu;
	audit_counter *per_rule;	/* nr_rules + 1 (no rule), flushed from
					 * the vCPUs' caches */

	/* The main thread's side (audit-trail.c). */
	const char *path;		/* NULL: no trail */
	int fd, dir_fd;			/* dir_fd -1: nothing to reopen */
	char *name;			/* the file's name in dir_fd */
	int kick_fd, timer_fd;
	struct evloop_source kick_src, timer_src;
	yajl_gen gen;
	char buf[AUDIT_RECORD_MAX];	/* the record being generated */
	size_t len;
	char batch[AUDIT_BATCH];	/* whole records waiting for write(2) */
	size_t batch_len;
	bool overflow, torn;
	struct audit_window win;
	uint64_t written, suppressed, lost, failed, reopened;
};

/* audit-trail.c: open the trail (setup), queue-side wake-up threshold. */
void audit_trail__open(struct audit *a, const char *path);
void audit_trail__drain(struct audit *a);

#endif
