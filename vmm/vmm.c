/*
 * ./vmm: set the VM up in order, sandbox, run the vCPU threads, and wait
 * for the end in the main thread (signals, reset requests).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../policy/policy.h"
#include "arm64/boot.h"
#include "arm64/gic.h"
#include "arm64/layout.h"
#include "arm64/smccc-filter.h"
#include "audit.h"
#include "cli.h"
#include "default-policy.h"
#include "exit-status.h"
#include "kvm-cpu.h"
#include "kvm.h"
#include "reset.h"
#include "sandbox.h"
#include "smccc.h"
#include "term.h"
#include "uart.h"
#include "util.h"

#ifndef VMM_VERSION
#define VMM_VERSION "dev"
#endif

static struct kvm vm;

/* The policy, and what it means said once at start-up: its warnings, as
 * vmm-policy check prints them. */
static const struct policy *load_policy(const char *path)
{
	char err[512];
	struct policy *p;
	const char *w;

	if (path)
		p = policy_load_file(path, err, sizeof(err));
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

static int uart_irq(struct kvm *kvm, unsigned int line, int level)
{
	return gic__spi_line(kvm, line, level);
}

/* The signals the main thread takes synchronously; vCPU threads inherit
 * the mask and so never see them. */
static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
	sigaddset(set, VMM_NOTIFY_SIGNAL);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	/* A closed stdout must not kill the VMM mid-write. */
	signal(SIGPIPE, SIG_IGN);
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

static int run(struct kvm *kvm, const struct boot_files *boot, const sigset_t *set)
{
	while (!kvm__stopping(kvm)) {
		int sig = sigwaitinfo(set, NULL);

		switch (sig) {
		case SIGTERM:
		case SIGINT:
		case SIGHUP:
			pr_info("%s: stopping the guest", strsignal(sig));
			kvm__stop(kvm, VMM_EXIT_SIGNAL_BASE + sig);
			break;
		case SIGUSR1:
			audit__summary(kvm->audit);
			break;
		case VMM_NOTIFY_SIGNAL:
			vm__reset_if_pending(kvm, boot);
			break;
		default:
			break;
		}
	}
	for (unsigned int i = 0; i < kvm->nr_cpus; i++)
		pthread_join(kvm->cpus[i]->thread, NULL);
	return kvm->exit_status;
}

int main(int argc, char *argv[])
{
	struct vmm_options opt;
	struct boot_files boot;
	struct uart *uart;
	sigset_t set;
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
	if (opt.cpus > ARM64_MAX_CPUS_BY_GICR)
		die("--cpus %u: the address map has room for %llu", opt.cpus,
		    (unsigned long long)ARM64_MAX_CPUS_BY_GICR);

	vm.policy = load_policy(opt.config);
	boot__open(&boot, &opt);
	block_signals(&set);
	kvm_cpu__init_kick_signal();

	kvm__open(&vm);
	kvm__create_vm(&vm, ARM64_RAM_BASE, opt.mem);
	smccc_filter__install(&vm);
	create_cpus(&vm, opt.cpus);
	setup_psci(&vm);
	vm.smccc = smccc__create(&vm);
	vm.audit = audit__create(vm.policy, opt.audit);
	gic__create(&vm);
	gic__init(&vm);
	uart = uart__create(&vm, ARM64_UART_BASE, ARM64_UART_SIZE, ARM64_UART_SPI, uart_irq,
			    STDOUT_FILENO);
	boot__plan(&boot, &vm);
	r = boot__load(&vm, &boot);
	if (r)
		die_errno(r, "loading %s", opt.kernel);
	kvm_cpu__set_boot_state(&vm);
	vm.main_thread = pthread_self();

	if (term__init(&vm, uart))
		die("terminal: cannot set raw mode");
	start_cpu_threads(&vm);
	sandbox__enter(opt.seccomp, opt.debug_forbidden_syscall);
	kvm__release(&vm);

	status = run(&vm, &boot, &set);
	uart__shutdown(uart);
	term__restore();
	audit__summary(vm.audit);
	if (status == VMM_EXIT_CRASH)
		pr_err("guest crashed: exit status %d", status);
	return status;
}
