/*
 * What happened to forwarded SMCCC calls: counters, the audit trail
 * (--audit: one JSON object per call), -v lines and `log` lines.
 *
 * The vCPU side is cheap and never blocks: audit__call() bumps the calling
 * vCPU's own counters and, when something wants the call's details (an
 * audit trail, -v, a `log` rule) and the vCPU has not queued the VM's
 * limit this second already, copies a fixed-size record into that vCPU's
 * ring.  No lock, no syscall, nothing shared between vCPUs on that
 * path (a vCPU whose ring is half full wakes the main thread once).
 *
 * The main thread's event loop drains the rings every AUDIT_DRAIN_MS (and
 * when a ring fills), merges them by time, and applies the rate limit
 * (--audit-limit: records per second for the whole VM).  Calls beyond it,
 * and calls lost because a ring was full, are counted by decision and
 * reported in one summary record per second, so a trail's records and its
 * summaries add up to the calls made.  Only the main thread writes: a slow
 * audit file or a stalled stderr costs the guest nothing.  SIGHUP reopens
 * the audit file by name (logrotate's create/postrotate).
 *
 * Order: records from one vCPU are in time order; across vCPUs, each drain
 * writes its records sorted by time (a record stamped just before a drain
 * and queued just after lands in the next batch: sort by "time" when the
 * exact interleaving of vCPUs matters).
 *
 * Call order: audit__create() at setup (before the sandbox: it opens the
 * file), audit__attach() once the event loop exists, audit__call() from vCPU
 * threads, audit__reopen() on SIGHUP, audit__finish() once the vCPU threads
 * have ended, audit__summary() at exit and on SIGUSR1.
 */
#ifndef VMM_AUDIT_H
#define VMM_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

struct audit;
struct evloop;
struct policy;
struct policy_call;
struct policy_result;

#define AUDIT_DRAIN_MS		100

struct audit_options {
	const char *path;		/* NULL: no trail; "-": stderr */
	unsigned int limit;		/* records per second, > 0 */
	bool verbose;			/* -v: a line per call on stderr */
};

/* Setup; dies with the file's name when it cannot be opened. */
struct audit *audit__create(const struct policy *p, unsigned int nr_cpus,
			    const struct audit_options *o);
/* Setup: watch the rings from the main thread's loop.  Dies. */
void audit__attach(struct audit *a, struct evloop *loop);
/* The audit trail's directory (the file is reopened relative to it), or
 * -1 when there is no file to reopen: for the sandbox. */
int audit__dir_fd(const struct audit *a);
/* The flags audit__reopen() opens the file with: for the sandbox. */
int audit__reopen_flags(void);

/* vCPU thread.  One forwarded call, with the ONE_REG ioctls it cost. */
void audit__call(struct audit *a, const struct policy_call *c, const struct policy_result *r,
		 unsigned int nr_get, unsigned int nr_set);

/* Main thread.  SIGHUP: a new file under the same name; false when there
 * is no file (the caller decides what SIGHUP means then). */
bool audit__reopen(struct audit *a);
/* Main thread, after the vCPU threads: write what is left. */
void audit__finish(struct audit *a);
/* Counters per decision and per rule, and the trail's own accounting. */
void audit__summary(struct audit *a);

#endif
