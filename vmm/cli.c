#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/number.h"
#include "cli.h"

enum {
	OPT_SECCOMP = 0x100,
	OPT_AUDIT,
	OPT_AUDIT_LIMIT,
	OPT_VERSION,
	OPT_DEBUG_FORBIDDEN,
	OPT_DEBUG_CRASH,
	OPT_DISK,
	OPT_NET,
	OPT_RNG,
	OPT_RNG_RATE,
	OPT_CONSOLE,
	OPT_JAIL,
	OPT_CPU_FEATURES,
	OPT_SVE_VL,
	OPT_USER,
	OPT_KVM_DEVICE,
	OPT_PROBE,
	OPT_NODEFAULTS,
	OPT_CONFIG,
	OPT_KERNEL_FORMAT,
};

static const struct option long_opts[] = {
	{ "kernel",	required_argument, NULL, 'k' },
	{ "initrd",	required_argument, NULL, 'i' },
	{ "cmdline",	required_argument, NULL, 'p' },
	{ "cpus",	required_argument, NULL, 'c' },
	{ "mem",	required_argument, NULL, 'm' },
	{ "nodefaults",	no_argument,	   NULL, OPT_NODEFAULTS },
	{ "kernel-format", required_argument, NULL, OPT_KERNEL_FORMAT },
	{ "config",	required_argument, NULL, OPT_CONFIG },
	{ "disk",	required_argument, NULL, OPT_DISK },
	{ "net",	required_argument, NULL, OPT_NET },
	{ "rng",	no_argument,	   NULL, OPT_RNG },
	{ "rng-rate",	required_argument, NULL, OPT_RNG_RATE },
	{ "console",	required_argument, NULL, OPT_CONSOLE },
	{ "audit",	required_argument, NULL, OPT_AUDIT },
	{ "audit-limit", required_argument, NULL, OPT_AUDIT_LIMIT },
	{ "seccomp",	required_argument, NULL, OPT_SECCOMP },
	{ "cpu-features", required_argument, NULL, OPT_CPU_FEATURES },
	{ "sve-vl",	required_argument, NULL, OPT_SVE_VL },
	{ "jail",	required_argument, NULL, OPT_JAIL },
	{ "user",	required_argument, NULL, OPT_USER },
	{ "kvm-device",	required_argument, NULL, OPT_KVM_DEVICE },
	{ "probe",	no_argument,	   NULL, OPT_PROBE },
	{ "verbose",	no_argument,	   NULL, 'v' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "version",	no_argument,	   NULL, OPT_VERSION },
	/* Test hook, undocumented in --help: a forbidden syscall after the
	 * seccomp filter is installed must kill the VMM. */
	{ "debug-forbidden-syscall", optional_argument, NULL, OPT_DEBUG_FORBIDDEN },
	/* Test hook: SIGUSR1 makes the VMM itself crash (SIGSEGV). */
	{ "debug-crash", no_argument, NULL, OPT_DEBUG_CRASH },
	{ NULL, 0, NULL, 0 },
};

const char *cli_usage_text(void)
{
	return
"usage: vmm --kernel IMAGE [options]\n"
"       vmm --probe [--kvm-device PATH]\n"
"\n"
"Boot an arm64 guest on /dev/kvm with a policy over its SMCCC (SMC/HVC) calls.\n"
"\n"
"  -k, --kernel IMAGE   arm64 Linux Image (or a test guest with an Image header)\n"
"      --kernel-format F  image (default: an arm64 Image, by its header) or raw\n"
"                       (a flat binary loaded at RAM + 0x80000, entered at its\n"
"                       first byte with the device tree's address in x0)\n"
"  -i, --initrd FILE    initial ramdisk, passed in /chosen\n"
"  -p, --cmdline S      added to the kernel command line (repeatable); the\n"
"                       default is \"console=ttyS0 earlycon panic=-1\n"
"                       reboot=panic_warm\" (console=hvc0 with --console virtio)\n"
"      --nodefaults     the command line is exactly what -p gave, nothing else\n"
"  -c, --cpus N         number of vCPUs (1-64, default 1)\n"
"  -m, --mem SIZE       guest RAM in MiB, or with a suffix K, M, G, T (default\n"
"                       256, a multiple of 2M from 16M to 64G)\n"
"      --config FILE    SMCCC policy (default: the built-in default policy,\n"
"                       the same as configs/default.conf)\n"
"      --disk FILE[,ro] a virtio-blk disk on a raw image or block device\n"
"                       (repeatable: /dev/vda, vdb, ...); ro: read-only\n"
"      --net tap=NAME[,mac=MAC]  a virtio-net device on tap interface NAME\n"
"      --rng            a virtio-rng device fed by getrandom(2)\n"
"      --rng-rate BYTES at most this many bytes per second (default 256K)\n"
"      --console serial|virtio  the guest's console: the 16550 (ttyS0, the\n"
"                       default) or virtio-console (hvc0)\n"
"      --audit FILE     one JSON object per forwarded call (\"-\": stderr);\n"
"                       SIGHUP reopens FILE (logrotate)\n"
"      --audit-limit N  at most N records per second for the trail, -v and log\n"
"                       lines (default 1000); the rest are counted in summaries\n"
"      --seccomp MODE   kill (default), log (debug: report and fail a forbidden\n"
"                       syscall instead of killing), off (debug: no sandbox)\n"
"      --cpu-features L optional CPU features (arm64: pauth, sve, pmu): all\n"
"                       KVM offers by default; \"-pauth\" drops one, \"none\"\n"
"                       all, \"sve,pmu\" exactly those\n"
"      --sve-vl BITS    the largest SVE vector length (default: KVM's)\n"
"      --jail DIR       as root, with --user: new namespaces, DIR (empty) as\n"
"                       the root, resource limits, before any guest code\n"
"      --user UID:GID   with --jail: run as UID:GID with no capabilities\n"
"      --kvm-device PATH  the KVM device (default /dev/kvm)\n"
"      --probe          report what this host's KVM offers the VMM, one line\n"
"                       per fact with the fix for what is missing; exit 0 if\n"
"                       the VMM can run here, 1 if not (no --kernel needed)\n"
"  -v, --verbose        log setup steps and every forwarded call\n"
"  -h, --help           this text\n"
"      --version        print the version\n"
"\n"
"Console: the guest's UART is on stdout; stdin goes to the guest. On a\n"
"terminal, Ctrl-A x quits, Ctrl-A Ctrl-A sends one Ctrl-A.\n"
"\n"
"Numbers are decimal (010 is ten) or 0x hex.\n"
"\n"
"Exit status: 0 guest powered off (or reset with on_reset = exit),\n"
"1 VMM error (arguments, config, image, KVM), 2 guest crash or unhandled\n"
"exit, 3 guest panic (SYSTEM_RESET2 warm reset: a Linux panic with the default\n"
"command line), 128+N ended by signal N (143 SIGTERM, 130 SIGINT, 131 SIGQUIT,\n"
"129 SIGHUP without --audit), 159 killed by the seccomp sandbox (SIGSYS).\n";
}

/* A count in [min, max], decimal or 0x hex (number.h). */
static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned int *out)
{
	const char *why;
	uint64_t v;

	if (number_parse_unsigned(s, max, &v, &why) || v < min)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

/* -p/--cmdline, each added after a space: kept for the VMM's lifetime. */
static int add_cmdline(struct vmm_options *o, const char *arg)
{
	static char *buf;
	size_t have = o->cmdline ? strlen(o->cmdline) : 0;
	char *n;

	if (!o->cmdline) {
		free(buf);
		buf = NULL;
	}
	n = realloc(buf, have + strlen(arg) + 2);
	if (!n)
		return -ENOMEM;
	buf = n;
	if (have)
		buf[have++] = ' ';
	strcpy(buf + have, arg);
	o->cmdline = buf;
	return 0;
}

/* The index of s among names (NULL entries skipped), or -EINVAL. */
static int parse_word(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return (int)i;
	return -EINVAL;
}

#define WORD(s, names)	parse_word(s, names, sizeof(names) / sizeof(names[0]))

static const char *const seccomp_names[] = {
	[SECCOMP_MODE_KILL] = "kill",
	[SECCOMP_MODE_LOG] = "log",
	[SECCOMP_MODE_OFF] = "off",
};

static const char *const console_names[] = {
	[CONSOLE_SERIAL] = "serial",
	[CONSOLE_VIRTIO] = "virtio",
};

static const char *const kernel_format_names[] = {
	[KERNEL_FORMAT_IMAGE] = "image",
	[KERNEL_FORMAT_RAW] = "raw",
};

#define PROBE_NAMES "socket, tgkill, mmap-exec, mprotect-exec, ioctl-fd, openat, tcsets-fd"

static const char *const probe_names[] = {
	[SANDBOX_PROBE_SOCKET] = "socket",
	[SANDBOX_PROBE_TGKILL] = "tgkill",
	[SANDBOX_PROBE_MMAP_EXEC] = "mmap-exec",
	[SANDBOX_PROBE_MPROTECT_EXEC] = "mprotect-exec",
	[SANDBOX_PROBE_IOCTL_FD] = "ioctl-fd",
	[SANDBOX_PROBE_OPENAT] = "openat",
	[SANDBOX_PROBE_TCSETS_FD] = "tcsets-fd",
};

/* "UID:GID", both decimal and not 0 (the jail's point is not to be root). */
static int parse_user(const char *s, unsigned int *uid, unsigned int *gid)
{
	const char *colon = strchr(s, ':');
	char num[16];

	if (!colon || (size_t)(colon - s) >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, (size_t)(colon - s));
	num[colon - s] = '\0';
	if (parse_uint(num, 1, 0xfffffffeUL, uid) || parse_uint(colon + 1, 1, 0xfffffffeUL, gid))
		return -EINVAL;
	return 0;
}

/* "FILE" or "FILE,ro".  The path without ",ro" lives as long as the VMM. */
static int parse_disk(const char *arg, struct disk_option *d, unsigned int i)
{
	static char *paths[VMM_MAX_DISKS];
	size_t len = strlen(arg);

	d->ro = len > 3 && !strcmp(arg + len - 3, ",ro");
	d->path = arg;
	if (d->ro) {
		free(paths[i]);
		paths[i] = strndup(arg, len - 3);
		d->path = paths[i];
	}
	return d->path && *d->path ? 0 : -EINVAL;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6 || strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	/* A multicast address cannot be a NIC's. */
	return mac[0] & 1 ? -EINVAL : 0;
}

/* "tap=NAME[,mac=MAC]"; why names the part that is wrong. */
static int parse_net(const char *arg, struct net_option *n, const char **why)
{
	char *save = NULL, *copy = strdup(arg);

	memset(n, 0, sizeof(*n));
	if (!copy) {
		*why = "out of memory";
		return -ENOMEM;
	}
	*why = NULL;
	for (char *kv = strtok_r(copy, ",", &save); kv && !*why; kv = strtok_r(NULL, ",", &save)) {
		if (!strncmp(kv, "tap=", 4) && kv[4]) {
			if (strlen(kv + 4) >= sizeof(n->tap))
				*why = "tap=NAME: an interface name has at most 15 characters";
			else
				strcpy(n->tap, kv + 4);
		} else if (!strncmp(kv, "mac=", 4)) {
			if (parse_mac(kv + 4, n->mac))
				*why = "mac= must be six hex bytes like 02:00:00:00:00:01, not multicast";
			n->have_mac = true;
		} else {
			*why = "expected tap=NAME[,mac=MAC]";
		}
	}
	free(copy);
	if (!*why && !n->tap[0])
		*why = "expected tap=NAME[,mac=MAC]";
	return *why ? -EINVAL : 0;
}

#define fail(...) do { snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)

int cli_parse(int argc, char *const argv[], struct vmm_options *o, char *err, size_t errlen)
{
	const char *why;
	int c, r;

	memset(o, 0, sizeof(*o));
	o->cpus = 1;
	o->mem = VMM_DEFAULT_MEM;
	o->seccomp = SECCOMP_MODE_KILL;
	o->rng_rate = VMM_DEFAULT_RNG_RATE;
	o->console = CONSOLE_SERIAL;
	o->audit_limit = VMM_DEFAULT_AUDIT_LIMIT;
	o->kvm_device = VMM_DEFAULT_KVM_DEVICE;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:p:c:m:vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'k': o->kernel = optarg; break;
		case 'i': o->initrd = optarg; break;
		case 'p':
			if (add_cmdline(o, optarg))
				fail("--cmdline: out of memory");
			break;
		case OPT_NODEFAULTS: o->nodefaults = true; break;
		case OPT_KERNEL_FORMAT:
			if ((r = WORD(optarg, kernel_format_names)) < 0)
				fail("--kernel-format '%s': expected image or raw", optarg);
			o->kernel_format = (enum kernel_format)r;
			break;
		case OPT_CONFIG: o->config = optarg; break;
		case OPT_AUDIT: o->audit = optarg; break;
		case OPT_AUDIT_LIMIT:
			if (parse_uint(optarg, 1, VMM_MAX_AUDIT_LIMIT, &o->audit_limit))
				fail("--audit-limit '%s': expected records per second from 1 to %u",
				     optarg, VMM_MAX_AUDIT_LIMIT);
			break;
		case 'v': o->verbose = true; break;
		case 'h': o->help = true; return 0;
		case OPT_VERSION: o->version = true; return 0;
		case OPT_DEBUG_CRASH:
			o->debug_crash = true;
			break;
		case OPT_DEBUG_FORBIDDEN:
			/* Bare: the first probe. */
			if ((r = optarg ? WORD(optarg, probe_names) : SANDBOX_PROBE_SOCKET) < 0)
				fail("--debug-forbidden-syscall '%s': expected one of %s", optarg,
				     PROBE_NAMES);
			o->debug_forbidden_syscall = (enum sandbox_probe)r;
			break;
		case 'c':
			if (parse_uint(optarg, 1, VMM_MAX_CPUS, &o->cpus))
				fail("--cpus '%s': expected a number from 1 to %d", optarg, VMM_MAX_CPUS);
			break;
		case 'm':
			if (number_parse_size(optarg, 20, &o->mem, &why))
				fail("--mem '%s': expected MiB or a size such as 256M or 1G", optarg);
			if (o->mem < VMM_MIN_MEM || o->mem > VMM_MAX_MEM || o->mem % (2ULL << 20))
				fail("--mem '%s': must be a multiple of 2M from 16M to 64G", optarg);
			break;
		case OPT_SECCOMP:
			if ((r = WORD(optarg, seccomp_names)) < 0)
				fail("--seccomp '%s': expected kill, log or off", optarg);
			o->seccomp = (enum seccomp_mode)r;
			break;
		case OPT_DISK:
			if (o->nr_disks == VMM_MAX_DISKS)
				fail("--disk %s: at most %d disks", optarg, VMM_MAX_DISKS);
			if (parse_disk(optarg, &o->disks[o->nr_disks], o->nr_disks))
				fail("--disk '%s': expected FILE or FILE,ro", optarg);
			o->nr_disks++;
			break;
		case OPT_NET:
			if (o->nr_nets == VMM_MAX_NETS)
				fail("--net %s: at most %d network devices", optarg, VMM_MAX_NETS);
			if (parse_net(optarg, &o->nets[o->nr_nets], &why))
				fail("--net: %s", why);
			o->nr_nets++;
			break;
		case OPT_RNG:
			o->rng = true;
			break;
		case OPT_RNG_RATE:
			if (number_parse_size(optarg, 0, &o->rng_rate, &why) || o->rng_rate < 64 ||
			    o->rng_rate > (1ULL << 30))
				fail("--rng-rate '%s': expected bytes per second from 64 to 1G", optarg);
			break;
		case OPT_JAIL:
			o->jail = optarg;
			break;
		case OPT_CPU_FEATURES:
			o->cpu_features = optarg;
			break;
		case OPT_SVE_VL:
			if (parse_uint(optarg, 128, 2048, &o->sve_vl))
				fail("--sve-vl '%s': expected the vector length in bits, 128 to 2048",
				     optarg);
			break;
		case OPT_USER:
			if (parse_user(optarg, &o->uid, &o->gid))
				fail("--user '%s': expected UID:GID, two numbers", optarg);
			break;
		case OPT_KVM_DEVICE:
			if (!*optarg)
				fail("--kvm-device: expected the KVM device's path");
			o->kvm_device = optarg;
			break;
		case OPT_PROBE:
			o->probe = true;
			break;
		case OPT_CONSOLE:
			if ((r = WORD(optarg, console_names)) < 0)
				fail("--console '%s': expected serial or virtio", optarg);
			o->console = (enum console_kind)r;
			break;
		case ':':
			fail("%s: missing argument", argv[optind - 1]);
		default:
			/* kvmtool's -f is its firmware: ours is not a short option. */
			if (optopt == 'f')
				fail("unknown option '-f': the policy file is --config FILE (see --help)");
			if (optopt)
				fail("unknown option '-%c' (see --help)", optopt);
			fail("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		fail("unexpected argument '%s' (see --help)", argv[optind]);
	if (!o->kernel && !o->probe)
		fail("--kernel IMAGE is required (see --help)");
	if (!o->jail != !o->uid)
		fail("--jail DIR and --user UID:GID go together");
	return 0;
}
