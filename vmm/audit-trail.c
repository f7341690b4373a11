/*
 * The main thread's side of the audit (audit.h): drain the vCPUs' rings,
 * merge them by time, apply the rate limit, and write the audit trail's
 * JSON records (yajl's generator into a fixed buffer: nothing allocated
 * per call), the -v lines and the `log` lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "../policy/describe.h"
#include "../policy/policy.h"
#include "audit-internal.h"
#include "util.h"

/* O_NONBLOCK: a FIFO with no reader fails at once instead of hanging, one
 * whose reader stalls drops records instead of stalling the main thread. */
#define AUDIT_OPEN_FLAGS	(O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK)

int audit__reopen_flags(void)
{
	return AUDIT_OPEN_FLAGS;
}

int audit__dir_fd(const struct audit *a)
{
	return a->dir_fd;
}

static void gen_print(void *ctx, const char *s, size_t len)
{
	struct audit *a = ctx;

	if (len > sizeof(a->buf) - a->len) {
		a->overflow = true;
		return;
	}
	memcpy(a->buf + a->len, s, len);
	a->len += len;
}

void audit_trail__open(struct audit *a, const char *path)
{
	char *dir, *base;

	a->path = path;
	if (!strcmp(path, "-")) {
		a->fd = STDERR_FILENO;
	} else {
		/* The directory stays open so SIGHUP can reopen the name inside
		 * it (the sandbox allows exactly that openat). */
		dir = strdup(path);
		base = strdup(path);
		if (!dir || !base)
			die("--audit: out of memory");
		a->name = strdup(basename(base));
		a->dir_fd = open(dirname(dir), O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (a->dir_fd < 0 || !a->name)
			die_errno(-errno, "--audit %s: its directory", path);
		free(dir);
		free(base);
		a->fd = openat(a->dir_fd, a->name, AUDIT_OPEN_FLAGS, 0600);
		if (a->fd < 0)
			die_errno(-errno, "--audit %s", path);
	}
	a->gen = yajl_gen_alloc(NULL);
	if (!a->gen || !yajl_gen_config(a->gen, yajl_gen_print_callback, gen_print, a))
		die("--audit: cannot set up the JSON generator");
}

/* ---------------------------------------------------------------- writing */

static size_t count_lines(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/*
 * Whole records go out in batches, one write(2) per drain.  A short write
 * (a full disk, a reader too slow for --audit -) loses the records not
 * written, counted; if it ended inside a record, the next batch starts on
 * a new line so every line stays one JSON object or a visible fragment.
 */
static void trail_flush(struct audit *a)
{
	size_t len = a->batch_len;
	ssize_t w;

	a->batch_len = 0;
	if (!len)
		return;
	if (a->torn) {
		if (write(a->fd, "\n", 1) != 1) {
			a->failed += (uint64_t)count_lines(a->batch, len);
			return;
		}
		a->torn = false;
	}
	w = write(a->fd, a->batch, len);
	if (w == (ssize_t)len)
		return;
	if (w < 0)
		w = 0;
	a->failed += (uint64_t)count_lines(a->batch + w, len - (size_t)w);
	a->torn = w > 0 && a->batch[w - 1] != '\n';
}

/* The record in a->buf joins the batch. */
static void trail_write(struct audit *a)
{
	if (a->overflow) {
		a->failed++;
		return;
	}
	if (a->len > sizeof(a->batch) - a->batch_len)
		trail_flush(a);
	memcpy(a->batch + a->batch_len, a->buf, a->len);
	a->batch_len += a->len;
}

static void gen_begin(struct audit *a)
{
	a->len = 0;
	a->overflow = false;
	yajl_gen_reset(a->gen, NULL);
	yajl_gen_map_open(a->gen);
}

static void gen_end(struct audit *a)
{
	yajl_gen_map_close(a->gen);
	gen_print(a, "\n", 1);
	trail_write(a);
}

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_key_str(yajl_gen g, const char *key, const char *s)
{
	gen_str(g, key);
	if (s)
		gen_str(g, s);
	else
		yajl_gen_null(g);
}

static void gen_key_hex(yajl_gen g, const char *key, uint64_t v)
{
	char hex[24];

	snprintf(hex, sizeof(hex), "0x%" PRIx64, v);
	gen_key_str(g, key, hex);
}

static void gen_key_time(yajl_gen g, const char *key, const struct timespec *t)
{
	char when[40];

	snprintf(when, sizeof(when), "%lld.%09ld", (long long)t->tv_sec, t->tv_nsec);
	gen_str(g, key);
	yajl_gen_number(g, when, strlen(when));
}

static const char *rule_name(const struct audit *a, uint32_t rule)
{
	return rule == AUDIT_NO_RULE ? NULL : policy_rule_name(policy_rule_at(a->policy, rule));
}

static void write_record(struct audit *a, const struct audit_rec *rec)
{
	yajl_gen g = a->gen;
	/* An X0 with upper bits set names no function (DEN 0028 2.5). */
	const char *fn = rec->x[0] >> 32 ? NULL : smccc_fid_name((uint32_t)rec->x[0]);

	gen_begin(a);
	gen_key_time(g, "time", &rec->time);
	gen_str(g, "vcpu");
	yajl_gen_integer(g, rec->vcpu);
	gen_key_str(g, "conduit", rec->smc ? "smc" : "hvc");
	gen_key_hex(g, "x0", rec->x[0]);
	/* Only the arguments the deciding service read from the vCPU. */
	for (unsigned int i = 1; i <= rec->nr_args; i++) {
		char key[4];

		snprintf(key, sizeof(key), "x%u", i);
		gen_key_hex(g, key, rec->x[i]);
	}
	gen_key_str(g, "function", fn);
	gen_key_str(g, "decision", policy_decision_name(rec->decision));
	gen_key_str(g, "rule", rule_name(a, rec->rule));
	gen_str(g, "line");
	if (rec->rule != AUDIT_NO_RULE)
		yajl_gen_integer(g, policy_rule_line(policy_rule_at(a->policy, rec->rule)));
	else
		yajl_gen_null(g);
	/* X0 only: the status.  A TRNG answer's X1..X3 are the guest's
	 * entropy, which no log may keep. */
	if (rec->nr_ret)
		gen_key_hex(g, "ret", rec->ret);
	else
		gen_key_str(g, "ret", NULL);
	gen_end(a);
}

/* The -v line, or the `log` line, for one call. */
static void write_line(struct audit *a, const struct audit_rec *rec)
{
	char args[256], ret[32];
	size_t n = 0;
	const char *rule = rule_name(a, rec->rule);

	args[0] = '\0';
	for (unsigned int i = 1; i <= rec->nr_args && n < sizeof(args); i++)
		n += (size_t)snprintf(args + n, sizeof(args) - n, " x%u=0x%" PRIx64, i, rec->x[i]);
	if (rec->nr_ret)
		snprintf(ret, sizeof(ret), "x0=0x%" PRIx64, rec->ret);
	else
		snprintf(ret, sizeof(ret), "(does not return)");
	if (a->verbose)
		pr_info("vCPU %u: %s x0=0x%" PRIx64 "%s -> %s%s%s %s (ONE_REG ioctls: %u get, %u set)",
			rec->vcpu, rec->smc ? "SMC" : "HVC", rec->x[0], args,
			policy_decision_name(rec->decision), rule ? " rule " : "", rule ? rule : "",
			ret, rec->nr_get, rec->nr_set);
	else
		pr_info("log: vCPU %u: %s x0=0x%" PRIx64 "%s -> rule %s (%s:%u) %s", rec->vcpu,
			rec->smc ? "SMC" : "HVC", rec->x[0], args, rule ? rule : "?",
			policy_source(a->policy),
			rule ? policy_rule_line(policy_rule_at(a->policy, rec->rule)) : 0, ret);
}

/* ------------------------------------------------------------ rate limit */

static void close_window(struct audit *a)
{
	struct audit_window *w = &a->win;
	char line[256];
	uint64_t total = 0;
	int n = 0;

	for (unsigned int d = 0; d < a->nr_decisions; d++)
		total += w->suppressed[d];
	if (total) {
		struct timespec now;

		a->suppressed += total;
		clock_gettime(CLOCK_REALTIME, &now);
		if (a->path) {
			gen_begin(a);
			gen_key_time(a->gen, "time", &now);
			gen_str(a->gen, "suppressed");
			yajl_gen_integer(a->gen, (long long)total);
			gen_str(a->gen, "since");
			yajl_gen_integer(a->gen, w->sec);
			gen_str(a->gen, "by_decision");
			yajl_gen_map_open(a->gen);
			for (unsigned int d = 0; d < a->nr_decisions; d++)
				if (w->suppressed[d]) {
					gen_str(a->gen, policy_decision_name(d));
					yajl_gen_integer(a->gen, (long long)w->suppressed[d]);
				}
			yajl_gen_map_close(a->gen);
			gen_end(a);
		}
		if (a->verbose || (a->log_decision < a->nr_decisions &&
				   w->suppressed[a->log_decision])) {
			for (unsigned int d = 0; d < a->nr_decisions; d++)
				if (w->suppressed[d] && n < (int)sizeof(line))
					n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=%llu",
						      policy_decision_name(d),
						      (unsigned long long)w->suppressed[d]);
			pr_info("%llu forwarded calls not logged in the second since %lld (--audit-limit %u):%s",
				(unsigned long long)total, (long long)w->sec, a->limit, line);
		}
	}
	memset(w->suppressed, 0, sizeof(w->suppressed));
	w->written = 0;
}

/* A new second: the vCPUs may queue their share again. */
static void next_window(struct audit *a, int64_t sec)
{
	close_window(a);
	a->win.sec = sec;
	atomic_fetch_add_explicit(&a->epoch, 1, memory_order_relaxed);
}

static void emit(struct audit *a, const struct audit_rec *rec)
{
	struct audit_window *w = &a->win;

	if (rec->time.tv_sec > w->sec)
		next_window(a, rec->time.tv_sec);
	if (w->written >= a->limit) {
		w->suppressed[rec->decision]++;
		return;
	}
	w->written++;
	a->written++;
	if (a->path)
		write_record(a, rec);
	if (a->verbose || rec->log)
		write_line(a, rec);
}

/* ------------------------------------------------------------------ drain */

static bool before(const struct timespec *x, const struct timespec *y)
{
	return x->tv_sec < y->tv_sec || (x->tv_sec == y->tv_sec && x->tv_nsec < y->tv_nsec);
}

/* Calls a vCPU did not queue (over its share of the limit, or its ring
 * full) count as suppressed in the current second. */
static void collect_unqueued(struct audit *a)
{
	for (unsigned int i = 0; i < a->nr_cpus; i++) {
		struct audit_cpu *cpu = &a->cpu[i];

		for (unsigned int d = 0; d < a->nr_decisions; d++) {
			uint64_t l = atomic_load_explicit(&cpu->lost[d], memory_order_relaxed);
			uint64_t o = atomic_load_explicit(&cpu->over[d], memory_order_relaxed);

			a->win.suppressed[d] += l - cpu->lost_seen[d] + o - cpu->over_seen[d];
			a->lost += l - cpu->lost_seen[d];
			cpu->lost_seen[d] = l;
			cpu->over_seen[d] = o;
		}
	}
}

void audit_trail__drain(struct audit *a)
{
	unsigned int head[a->nr_cpus], tail[a->nr_cpus];
	struct timespec now;

	for (unsigned int i = 0; i < a->nr_cpus; i++) {
		head[i] = atomic_load_explicit(&a->cpu[i].head, memory_order_relaxed);
		tail[i] = atomic_load_explicit(&a->cpu[i].tail, memory_order_acquire);
	}
	/* Merge: the oldest record at the head of any ring, each time. */
	for (;;) {
		const struct audit_rec *first = NULL;
		unsigned int from = 0;

		for (unsigned int i = 0; i < a->nr_cpus; i++) {
			const struct audit_rec *r = &a->cpu[i].ring[head[i] % AUDIT_RING];

			if (head[i] != tail[i] && (!first || before(&r->time, &first->time))) {
				first = r;
				from = i;
			}
		}
		if (!first)
			break;
		emit(a, first);
		head[from]++;
		atomic_store_explicit(&a->cpu[from].head, head[from], memory_order_release);
	}
	collect_unqueued(a);
	/* A second without calls still closes the last one's window. */
	clock_gettime(CLOCK_REALTIME, &now);
	if (now.tv_sec > a->win.sec)
		next_window(a, now.tv_sec);
	trail_flush(a);
}

static void on_kick(struct evloop_source *src, uint32_t events)
{
	(void)events;
	evloop__drain(src->fd);
	audit_trail__drain(src->opaque);
}

static void on_timer(struct evloop_source *src, uint32_t events)
{
	uint64_t expirations;

	(void)events;
	if (read(src->fd, &expirations, sizeof(expirations)) < 0) {
		/* EAGAIN: nothing expired after all */
	}
	audit_trail__drain(src->opaque);
}

void audit__attach(struct audit *a, struct evloop *loop)
{
	struct itimerspec every = {
		.it_interval = { .tv_nsec = AUDIT_DRAIN_MS * 1000000L },
		.it_value = { .tv_nsec = AUDIT_DRAIN_MS * 1000000L },
	};

	a->kick_fd = evloop__eventfd();
	if (!a->records && !a->has_log_rule)
		return;		/* nothing is ever queued */
	a->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (a->timer_fd < 0 || timerfd_settime(a->timer_fd, 0, &every, NULL) < 0)
		die_errno(-errno, "audit: timerfd");
	a->kick_src = (struct evloop_source){ .fd = a->kick_fd, .events = EPOLLIN, .fn = on_kick,
					      .opaque = a };
	a->timer_src = (struct evloop_source){ .fd = a->timer_fd, .events = EPOLLIN,
					       .fn = on_timer, .opaque = a };
	if (evloop__add(loop, &a->kick_src) || evloop__add(loop, &a->timer_src))
		die("audit: cannot watch its queues");
}

bool audit__reopen(struct audit *a)
{
	int fd;

	if (a->dir_fd < 0)
		return false;
	audit_trail__drain(a);		/* what was queued belongs to the old file */
	fd = openat(a->dir_fd, a->name, AUDIT_OPEN_FLAGS, 0600);
	if (fd < 0) {
		pr_err("--audit %s: reopening: %s (records still go to the old file)", a->path,
		       strerror(errno));
		return true;
	}
	close(a->fd);
	a->fd = fd;
	a->torn = false;
	a->reopened++;
	pr_info("--audit %s: reopened (SIGHUP)", a->path);
	return true;
}

void audit__finish(struct audit *a)
{
	audit_trail__drain(a);
	close_window(a);
	trail_flush(a);
}
