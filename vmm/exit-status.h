/*
 * The VMM's exit statuses, one place, documented in the README and --help.
 */
#ifndef VMM_EXIT_STATUS_H
#define VMM_EXIT_STATUS_H

enum vmm_exit_status {
	VMM_EXIT_POWEROFF = 0,	/* guest powered off (PSCI SYSTEM_OFF) */
	VMM_EXIT_ERROR = 1,	/* VMM error: bad arguments, config, image, KVM */
	VMM_EXIT_CRASH = 2,	/* guest crash: unhandled exit, internal error */
	/* guest reset (SYSTEM_RESET) with on_reset = exit: a clean end too */
	VMM_EXIT_RESET = 0,
	/* guest panic: SYSTEM_RESET2 warm reset (Linux with reboot=panic_warm,
	 * part of the default command line), or KVM_SYSTEM_EVENT_CRASH */
	VMM_EXIT_PANIC = 3,
	VMM_EXIT_SIGNAL_BASE = 128, /* + signal number: SIGTERM/SIGINT/SIGHUP */
};

#endif
