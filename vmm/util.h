/* Small helpers shared by the VMM: fatal errors and logging. */
#ifndef VMM_UTIL_H
#define VMM_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#define SZ_4K  0x1000ULL
#define SZ_1M  0x100000ULL
#define SZ_2M  0x200000ULL
#define ALIGN_UP(x, a)   (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))

/* "vmm: <what>: <why>" on stderr, then exit(VMM_EXIT_ERROR). */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* die() with ": strerror(-err)" appended; err is a negative errno. */
_Noreturn void die_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

extern int vmm_verbose;

/* Lines pr_*() could not write (stderr full or gone). */
uint64_t util_lines_dropped(void);
/*
 * A non-blocking description of output fd of our own, so a stalled reader
 * never blocks us, without changing the one the parent shell shares:
 * reopened through /proc (pipes, FIFOs, terminals).  Regular files and
 * block devices never block and are returned as they are; otherwise, if
 * /proc is not there, O_NONBLOCK goes on the shared description.
 */
int util_own_fd(int fd);
/* stderr through util_own_fd(), from now on (before the sandbox). */
void util_stderr_nonblocking(void);

#endif
