/*
 * vmm: set the VM up in order, enter the sandbox, run the vCPU and device
 * I/O threads, and run the main thread's event loop (signals, the VM's
 * state changes, the console) until the guest ends.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../policy/policy.h"
#include "arch.h"
#include "audit.h"
#include "boot.h"
#include "cli.h"
#include "console.h"
#include "default-policy.h"
#include "device.h"
#include "devices/uart.h"
#include "evloop.h"
#include "file.h"
#include "exit-status.h"
#include "jail.h"
#include "kvm-cpu.h"
#include "kvm.h"
#include "reset.h"
#include "sandbox.h"
#include "smccc.h"
#include "term.h"
#include "util.h"
#include "virtio/blk.h"
#include "virtio/console.h"
#include "virtio/net.h"
#include "virtio/rng.h"

#ifndef VMM_VERSION
#define VMM_VERSION "dev"
#endif

static struct kvm vm;
static bool debug_crash;	/* --debug-crash: SIGUSR1 makes the VMM fault */
static struct boot_files boot;

/* The policy, and what it means said once at start-up: its warnings, as
 * vmm-policy check prints them. */
static const struct policy *load_policy(const char *path)
{
	char err[512];
	struct policy *p;
	const char *w;

	if (path) {
		/* Checked here: the policy library reads a path it trusts. */
		close(file__open_regular(path, "config", NULL));
		p = policy_load_file(path, err, sizeof(err));
	}
	else
		p = policy_load_string(default_policy_text, "built-in default policy",
				       err, sizeof(err));
	if (!p)
		die("%s", err);
	for (size_t i = 0; (w = policy_warning(p, i)); i++)
		pr_info("%s", w);
	return p;
}

static void create_cpus(struct kvm *kvm, unsigned int n)
{
	kvm->nr_cpus = n;
	kvm->cpus = calloc(n, sizeof(*kvm->cpus));
	if (!kvm->cpus)
		die("vCPUs: out of memory");
	for (unsigned int i = 0; i < n; i++) {
		int r;

		kvm->cpus[i] = kvm_cpu__create(kvm, i);
		r = kvm_cpu__arch_init(kvm->cpus[i], false);
		if (r)
			die_errno(r, "vCPU %u: KVM_ARM_VCPU_INIT", i);
	}
}

/*
 * Who owns vCPU power state: the VMM when its PSCI answers, else KVM, whose
 * PSCI then reports the policy's version (the device tree says the same).
 */
static void setup_psci(struct kvm *kvm)
{
	uint32_t v = policy_psci_version(kvm->policy);

	kvm->power_in_kernel = !policy_psci_in_user(kvm->policy);
	if (!kvm->power_in_kernel)
		return;
	for (unsigned int i = 0; i < kvm->nr_cpus; i++) {
		int r = kvm_cpu__arch_set_psci_version(kvm->cpus[i], v);

		if (r)
			die_errno(r, "vCPU %u: KVM_SET_ONE_REG(KVM_REG_ARM_PSCI_VERSION, 0x%x)", i, v);
	}
}

/* The devices, in the order their windows are handed out: the UART first
 * (the early console, and stdout-path), then virtio devices. */
static void create_devices(struct kvm *kvm, const struct vmm_options *o)
{
	uart__create(kvm, o->console == CONSOLE_SERIAL);
	if (o->console == CONSOLE_VIRTIO)
		virtio_console__create(kvm);
	for (unsigned int i = 0; i < o->nr_disks; i++)
		blk__create(kvm, o->disks[i].path, o->disks[i].ro);
	for (unsigned int i = 0; i < o->nr_nets; i++) {
		struct net_options n = { .tap = o->nets[i].tap };

		memcpy(n.mac, o->nets[i].mac, sizeof(n.mac));
		if (!o->nets[i].have_mac) {
			/* A random, locally administered, unicast address. */
			if (getrandom(n.mac, sizeof(n.mac), 0) != sizeof(n.mac))
				die("--net: no entropy for a MAC address");
			n.mac[0] = (uint8_t)((n.mac[0] & 0xfe) | 0x02);
		}
		net__create(kvm, &n);
	}
	if (o->rng)
		rng__create(kvm, o->rng_rate);
}

/* The biggest file the guest may write: the jail's RLIMIT_FSIZE. */
static uint64_t largest_disk(const struct vmm_options *o)
{
	uint64_t top = 0;
	struct stat st;

	for (unsigned int i = 0; i < o->nr_disks; i++)
		if (!stat(o->disks[i].path, &st) && (uint64_t)st.st_size > top)
			top = (uint64_t)st.st_size;
	return top;
}

/* Threads first, held: the sandbox then covers every thread (TSYNC). */
static void start_cpu_threads(struct kvm *kvm)
{
	for (unsigned int i = 0; i < kvm->nr_cpus; i++) {
		int r = kvm_cpu__start_thread(kvm->cpus[i]);

		if (r)
			die_errno(r, "vCPU %u: pthread_create", i);
	}
}

/* ------------------------------------------------------------ main loop */

static void on_signal(struct evloop_source *src, uint32_t events)
{
	struct signalfd_siginfo si;

	(void)events;
	while (read(src->fd, &si, sizeof(si)) == sizeof(si)) {
		int sig = (int)si.ssi_signo;

		switch (sig) {
		case SIGHUP:
			/* logrotate's convention, when there is a file to reopen;
			 * else the terminal hung up: end as for SIGTERM. */
			if (audit__reopen(vm.audit))
				break;
			/* fall through */
		case SIGTERM:
		case SIGINT:
		case SIGQUIT:	/* caught, so the terminal is restored */
			pr_info("%s: stopping the guest", strsignal(sig));
			kvm__stop(&vm, VMM_EXIT_SIGNAL_BASE + sig);
			break;
		case SIGUSR1:
			if (debug_crash)	/* a VMM bug, on cue (tests) */
				raise(SIGSEGV);
			audit__summary(vm.audit);
			break;
		default:	/* SIGCHLD: the VMM starts no children */
			break;
		}
	}
}

static void on_notify(struct evloop_source *src, uint32_t events)
{
	(void)events;
	evloop__drain(src->fd);
	vm__reset_if_pending(&vm, &boot);
}

/* The signals the main thread takes through a signalfd; every thread
 * inherits the mask and so never sees them asynchronously. */
static int signal_fd(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	/* A closed stdout must not kill the VMM mid-write. */
	signal(SIGPIPE, SIG_IGN);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		die_errno(-errno, "signalfd");
	return fd;
}

static int run(struct kvm *kvm, struct evloop *loop)
{
	while (!kvm__stopping(kvm))
		evloop__run_once(loop, -1);
	for (unsigned int i = 0; i < kvm->nr_cpus; i++)
		pthread_join(kvm->cpus[i]->thread, NULL);
	device__stop_all(kvm);
	audit__finish(kvm->audit);
	return kvm->exit_status;
}

int main(int argc, char *argv[])
{
	struct evloop_source sig_src, notify_src;
	struct vmm_options opt;
	struct evloop *loop;
	char err[256];
	int status, r;

	if (cli_parse(argc, argv, &opt, err, sizeof(err)))
		die("%s", err);
	if (opt.help) {
		fputs(cli_usage_text(), stdout);
		return 0;
	}
	if (opt.version) {
		printf("vmm %s\n", VMM_VERSION);
		return 0;
	}
	vmm_verbose = opt.verbose;
	if (opt.probe)
		return kvm__probe(opt.kvm_device);
	if (opt.cpus > board__max_cpus())
		die("--cpus %u: the address map has room for %u", opt.cpus, board__max_cpus());

	vm.policy = load_policy(opt.config);
	boot__open(&boot, &(struct boot_spec){
			.kernel = opt.kernel,
			.initrd = opt.initrd,
			.raw = opt.kernel_format == KERNEL_FORMAT_RAW,
			.cmdline = opt.cmdline,
			.nodefaults = opt.nodefaults,
			.console = opt.console == CONSOLE_VIRTIO ? "hvc0" : "ttyS0",
		   });
	sig_src = (struct evloop_source){ .fd = signal_fd(), .events = EPOLLIN, .fn = on_signal };
	kvm_cpu__init_kick_signal();

	kvm__open(&vm, opt.kvm_device);
	kvm__create_vm(&vm, board__ram_base(), opt.mem);
	kvm__arch_cpu_features(&vm, opt.cpu_features, opt.sve_vl);
	kvm__arch_init(&vm);
	create_cpus(&vm, opt.cpus);
	setup_psci(&vm);
	vm.smccc = smccc__create(&vm);
	vm.audit = audit__create(vm.policy, opt.cpus, &(struct audit_options){
					 .path = opt.audit, .limit = opt.audit_limit,
					 .verbose = opt.verbose });
	kvm__arch_init_late(&vm);

	loop = evloop__create();
	console__init(&vm, loop, STDIN_FILENO, STDOUT_FILENO);
	audit__attach(vm.audit, loop);
	create_devices(&vm, &opt);
	boot__plan(&boot, &vm);
	r = boot__load(&vm, &boot);
	if (r)
		die_errno(r, "loading %s", opt.kernel);
	kvm_cpu__set_boot_state(&vm);

	notify_src = (struct evloop_source){ .fd = vm.notify_fd, .events = EPOLLIN,
					     .fn = on_notify };
	if (evloop__add(loop, &sig_src) || evloop__add(loop, &notify_src))
		die("event loop: cannot watch the signals");
	if (term__init())
		die("terminal: cannot set raw mode");
	/* From here on no thread may block on a stalled stderr (through /proc,
	 * so before the jail hides it). */
	util_stderr_nonblocking();
	if (opt.jail)
		jail__enter(opt.jail, opt.uid, opt.gid, largest_disk(&opt));
	device__start_all(&vm);
	start_cpu_threads(&vm);
	if (audit__dir_fd(vm.audit) >= 0)
		sandbox__allow_openat(audit__dir_fd(vm.audit), audit__reopen_flags());
	sandbox__enter(opt.seccomp, opt.debug_forbidden_syscall);
	kvm__release(&vm);
	debug_crash = opt.debug_crash;

	status = run(&vm, loop);
	console__flush(500);
	term__restore();
	audit__summary(vm.audit);
	if (console__dropped())
		pr_info("console: %llu bytes of guest output dropped (stdout was not read)",
			(unsigned long long)console__dropped());
	if (util_lines_dropped())
		pr_info("%llu log lines dropped (stderr was not read)",
			(unsigned long long)util_lines_dropped());
	if (status == VMM_EXIT_CRASH)
		pr_err("guest crashed: exit status %d", status);
	return status;
}
