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
#define VMM_DEFAULT_RNG_RATE	(256ULL * 1024)
#define VMM_DEFAULT_AUDIT_LIMIT	1000		/* records per second */
#define VMM_MAX_AUDIT_LIMIT	1000000

#define VMM_DEFAULT_KVM_DEVICE	"/dev/kvm"

#define VMM_MAX_DISKS		16
#define VMM_MAX_NETS		4

enum kernel_format { KERNEL_FORMAT_IMAGE, KERNEL_FORMAT_RAW };
enum seccomp_mode { SECCOMP_MODE_KILL, SECCOMP_MODE_LOG, SECCOMP_MODE_OFF };
enum console_kind { CONSOLE_SERIAL, CONSOLE_VIRTIO };
/* --debug-forbidden-syscall=WHAT: a call the sandbox must refuse (tests). */
enum sandbox_probe {
	SANDBOX_PROBE_NONE,
	SANDBOX_PROBE_SOCKET,		/* a syscall not on the list */
	SANDBOX_PROBE_TGKILL,		/* a signal to another process */
	SANDBOX_PROBE_MMAP_EXEC,	/* executable memory */
	SANDBOX_PROBE_MPROTECT_EXEC,
	SANDBOX_PROBE_IOCTL_FD,		/* an allowed ioctl on another fd */
	SANDBOX_PROBE_OPENAT,		/* a file outside the audit directory */
	SANDBOX_PROBE_TCSETS_FD,	/* TCSETS on a fd that is not the terminal */
};

struct disk_option {
	const char *path;
	bool ro;
};

#define VMM_IFNAMSIZ		16	/* IFNAMSIZ, with the NUL */

struct net_option {
	char tap[VMM_IFNAMSIZ];
	uint8_t mac[6];
	bool have_mac;			/* else a random locally administered one */
};

struct vmm_options {
	const char *kernel;
	const char *initrd;
	enum kernel_format kernel_format;
	const char *cmdline;	/* every -p, joined by spaces; NULL: none */
	bool nodefaults;	/* the command line is cmdline alone */
	const char *config;	/* NULL: the built-in default policy */
	const char *audit;	/* NULL: no audit log; "-": stderr */
	unsigned int audit_limit;	/* records per second */
	unsigned int cpus;
	uint64_t mem;
	struct disk_option disks[VMM_MAX_DISKS];
	unsigned int nr_disks;
	struct net_option nets[VMM_MAX_NETS];
	unsigned int nr_nets;
	bool rng;
	uint64_t rng_rate;		/* bytes per second */
	enum console_kind console;
	const char *cpu_features;	/* NULL: all KVM offers (arch.h) */
	unsigned int sve_vl;		/* bits; 0: KVM's maximum */
	const char *jail;		/* --jail DIR, with --user */
	unsigned int uid, gid;
	enum seccomp_mode seccomp;
	const char *kvm_device;		/* default VMM_DEFAULT_KVM_DEVICE */
	bool probe;			/* --probe: report on KVM and exit */
	bool verbose;
	bool help;
	bool version;
	enum sandbox_probe debug_forbidden_syscall;	/* test hook: sandbox.c */
	bool debug_crash;		/* test hook: a fault in the VMM (term.c) */
};

/* 0, or -EINVAL with a one-line message (no "vmm: " prefix) in err. */
int cli_parse(int argc, char *const argv[], struct vmm_options *o, char *err, size_t errlen);
const char *cli_usage_text(void);

#endif
