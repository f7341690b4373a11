/* Command-line options of ./vmm. Pure C: parsed and unit-tested on any host. */
#ifndef VMM_CLI_H
#define VMM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMM_DEFAULT_MEM		(256ULL << 20)
#define VMM_MIN_MEM		(16ULL << 20)
#define VMM_MAX_MEM		(64ULL << 30)
#define VMM_MAX_CPUS		64

enum seccomp_mode { SECCOMP_MODE_KILL, SECCOMP_MODE_LOG, SECCOMP_MODE_OFF };

struct vmm_options {
	const char *kernel;
	const char *initrd;
	const char *cmdline;	/* NULL: the default; "+..." appends to it */
	const char *config;	/* NULL: the built-in default policy */
	const char *audit;	/* NULL: no audit log; "-": stderr */
	unsigned int cpus;
	uint64_t mem;
	enum seccomp_mode seccomp;
	bool verbose;
	bool help;
	bool version;
	bool debug_forbidden_syscall; /* test hook: see seccomp.c */
};

/* 0, or -EINVAL with a one-line message (no "vmm: " prefix) in err. */
int cli_parse(int argc, char *const argv[], struct vmm_options *o, char *err, size_t errlen);
/* Parse "256M", "1G", "4096K" or a byte count. 0 or -EINVAL. */
int cli_parse_size(const char *s, uint64_t *out);
const char *cli_usage_text(void);

#endif
