/* --jail DIR --user UID:GID (jail.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "jail.h"
#include "util.h"

static const struct {
	int flag;
	const char *name;
	bool required;
} namespaces[] = {
	{ CLONE_NEWNS, "mount", true },		/* pivot_root needs it */
	{ CLONE_NEWIPC, "IPC", false },
	{ CLONE_NEWUTS, "UTS", false },
	{ CLONE_NEWNET, "network", false },
};

static void enter_namespaces(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++) {
		if (!unshare(namespaces[i].flag)) {
			pr_debug("--jail: new %s namespace", namespaces[i].name);
			continue;
		}
		if (namespaces[i].required)
			die_errno(-errno, "--jail: unshare(%s namespace)", namespaces[i].name);
		pr_info("--jail: no new %s namespace (%s): continuing without", namespaces[i].name,
			strerror(errno));
	}
}

static bool dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool empty = true;

	if (!d)
		die_errno(-errno, "--jail %s", dir);
	while ((e = readdir(d)) && empty)
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

/*
 * pivot_root(".", ".") then detaching the old root: pivot_root(2)'s own
 * recipe for a root with nothing beneath.  When the current root is the
 * initial ramfs, which cannot be pivoted away (EINVAL, pivot_root(2)),
 * chroot instead: with no capability left (no CAP_SYS_CHROOT) and no
 * chroot in the sandbox, nothing gets out of it either.
 */
static void pivot_into(const char *dir)
{
	unsigned long ro = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;

	if (!dir_is_empty(dir))
		die("--jail %s: not an empty directory", dir);
	/* Nothing we do here may propagate back to the host's mounts. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die_errno(-errno, "--jail: making / private");
	if (mount(dir, dir, NULL, MS_BIND, NULL) || mount(NULL, dir, NULL, ro, NULL))
		die_errno(-errno, "--jail %s: bind mount", dir);
	if (chdir(dir))
		die_errno(-errno, "--jail %s", dir);
	if (syscall(SYS_pivot_root, ".", ".")) {
		if (errno != EINVAL || chroot(".") || chdir("/"))
			die_errno(-errno, "--jail %s: pivot_root", dir);
		pr_debug("--jail: / is the initial ramfs: chroot instead of pivot_root");
		return;
	}
	if (umount2(".", MNT_DETACH) || chdir("/"))
		die_errno(-errno, "--jail %s: detaching the old root", dir);
}

static int highest_open_fd(void)
{
	int top = 0;

	for (int fd = 0; fd < 4096; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			top = fd;
	return top;
}

static void set_limits(uint64_t largest_file)
{
	struct rlimit nofile = { .rlim_cur = (rlim_t)highest_open_fd() + 2 };
	struct rlimit fsize = { .rlim_cur = largest_file > JAIL_MIN_FSIZE ? largest_file :
					    JAIL_MIN_FSIZE };

	nofile.rlim_max = nofile.rlim_cur;
	fsize.rlim_max = fsize.rlim_cur;
	/* Past FSIZE a write fails with EFBIG (counted where it happens)
	 * instead of killing the VMM. */
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_NOFILE, &nofile) || setrlimit(RLIMIT_FSIZE, &fsize))
		die_errno(-errno, "--jail: setrlimit");
	pr_debug("--jail: RLIMIT_NOFILE %llu, RLIMIT_FSIZE %llu", (unsigned long long)nofile.rlim_cur,
		 (unsigned long long)fsize.rlim_cur);
}

static void drop_privileges(uid_t uid, gid_t gid)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct caps[2];

	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			die_errno(-errno, "--jail: dropping capability %d from the bounding set", cap);
	if (setgroups(0, NULL) || setresgid(gid, gid, gid))
		die_errno(-errno, "--user: setting the groups to %u", (unsigned int)gid);
	if (setresuid(uid, uid, uid))
		die_errno(-errno, "--user: setting the user to %u", (unsigned int)uid);
	/* From root to another UID the kernel clears every capability
	 * (capabilities(7)); check rather than trust. */
	if (syscall(SYS_capget, &hdr, caps) || caps[0].effective || caps[0].permitted ||
	    caps[1].effective || caps[1].permitted)
		die("--user %u:%u: capabilities left after the switch", (unsigned int)uid,
		    (unsigned int)gid);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die_errno(-errno, "--jail: no_new_privs");
}

void jail__enter(const char *dir, uid_t uid, gid_t gid, uint64_t largest_file)
{
	if (geteuid() != 0)
		die("--jail: needs root (it exists to give root's privileges up); "
		    "as another user, run without it");
	if (uid == 0 || gid == 0)
		die("--user %u:%u: the jail's user and group must not be root", (unsigned int)uid,
		    (unsigned int)gid);
	enter_namespaces();
	pivot_into(dir);
	set_limits(largest_file);
	drop_privileges(uid, gid);
	pr_debug("--jail: running as %u:%u in %s, no capabilities", (unsigned int)uid,
		(unsigned int)gid, dir);
}
