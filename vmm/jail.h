/*
 * --jail DIR --user UID:GID: for a VMM started as root, give up everything
 * root has before any guest code runs.  In order:
 *   1. new mount, IPC, UTS and network namespaces (each where the kernel
 *      permits it; the tap fds opened before keep working);
 *   2. DIR, which must be an empty directory, becomes the root (bind
 *      mounted read-only, nosuid, nodev, noexec; pivot_root; the old root
 *      detached): no path the VMM could open leads anywhere;
 *   3. RLIMIT_NOFILE down to the descriptors open now (plus one, for the
 *      audit trail's reopen), RLIMIT_FSIZE to the largest disk or 1 GiB;
 *   4. no supplementary groups, GID, then UID (real, effective, saved), an
 *      empty capability bounding set, no capabilities, no_new_privs.
 * Files opened before (kernel, initrd, disks, taps, /dev/kvm, the audit
 * directory) stay usable through their descriptors.
 *
 * Call order: after every file is open and every device created, before
 * any thread is started (namespaces and credentials are per thread until
 * then).  Dies with one line naming the step that failed.
 */
#ifndef VMM_JAIL_H
#define VMM_JAIL_H

#include <stdint.h>
#include <sys/types.h>

#define JAIL_MIN_FSIZE	(1ULL << 30)

void jail__enter(const char *dir, uid_t uid, gid_t gid, uint64_t largest_file);

#endif
