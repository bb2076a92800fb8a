/*
 * sandbox.c — no_new_privs and a seccomp filter through libseccomp.
 *
 * The filter allows by default and refuses a fixed list of system calls:
 * it cannot break the server's normal work (threads, sockets, files,
 * fsync, the database clients), while it removes the steps from a
 * compromised worker to a shell or to other processes. The filter is
 * synchronised to all threads (TSYNC), so workers started before it are
 * covered too.
 *
 * The user switch goes through the C library's setgroups/setgid/setuid,
 * which glibc applies to every thread of the process; afterwards the
 * process holds no root identity, real, effective or saved.
 */
#define _GNU_SOURCE /* setresuid, getresuid */
#include <errno.h>
#include <linux/sched.h> /* CLONE_THREAD */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <seccomp.h>

#include "sandbox/sandbox.h"

/*
 * LeakSanitizer stops the world at exit with clone() and ptrace(): in a
 * sanitizer build those two stay open, so leaks are still reported.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_FOR_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_FOR_SANITIZER 1
#endif
#endif
#ifndef SANDBOX_FOR_SANITIZER
#define SANDBOX_FOR_SANITIZER 0
#endif

static const char *const refused[] = {
	"execve",
	"execveat",
	"fork",
	"vfork",
	"process_vm_readv",
	"process_vm_writev",
	"kcmp",
	"mount",
	"umount2",
	"pivot_root",
	"chroot",
	"unshare",
	"setns",
	"kexec_load",
	"kexec_file_load",
	"init_module",
	"finit_module",
	"delete_module",
	"bpf",
	"perf_event_open",
	"keyctl",
	"add_key",
	"request_key",
	"setuid",
	"setgid",
	"setreuid",
	"setregid",
	"setresuid",
	"setresgid",
	"setgroups",
	"setfsuid",
	"setfsgid",
	"personality",
	"userfaultfd",
	"acct",
	"swapon",
	"swapoff",
	"reboot",
	"syslog",
	"quotactl",
	"open_by_handle_at",
	"name_to_handle_at",
	"iopl",
	"ioperm",
	NULL,
};

int
sandbox_enter(char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	int             i, sc, rc;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "no_new_privs: errno %d", errno);
		return -1;
	}
	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		snprintf(err, errlen, "seccomp_init failed");
		return -1;
	}
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	/*
	 * New processes: glibc's fork() is clone() without CLONE_THREAD, so
	 * refuse exactly that and keep threads. clone3() hides its flags in
	 * memory a filter cannot read; answering ENOSYS makes the C library
	 * fall back to clone().
	 */
	if (rc == 0 && !SANDBOX_FOR_SANITIZER)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    SCMP_SYS(clone), 1,
		    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
	if (rc == 0 && !SANDBOX_FOR_SANITIZER)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    SCMP_SYS(ptrace), 0);
	if (rc == 0 &&
	    seccomp_syscall_resolve_name("clone3") != __NR_SCMP_ERROR)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
		    seccomp_syscall_resolve_name("clone3"), 0);
	for (i = 0; rc == 0 && refused[i] != NULL; i++) {
		/* A call this architecture lacks needs no rule. */
		if ((sc = seccomp_syscall_resolve_name(refused[i])) ==
		    __NR_SCMP_ERROR)
			continue;
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), sc, 0);
	}
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		snprintf(err, errlen, "seccomp: error %d", rc);
		return -1;
	}
	return 0;
}

int
sandbox_user(const char *name, struct sandbox_user *u, char *err, size_t errlen)
{
	struct passwd pw, *found = NULL;
	char          buf[4096];
	int           rc;

	memset(u, 0, sizeof(*u));
	rc = getpwnam_r(name, &pw, buf, sizeof(buf), &found);
	if (rc != 0 || found == NULL) {
		snprintf(err, errlen, "no such user");
		return -1;
	}
	if (pw.pw_uid == 0) {
		snprintf(err, errlen, "the user must not be root");
		return -1;
	}
	if (strlen(pw.pw_name) >= sizeof(u->name) ||
	    strlen(pw.pw_dir) >= sizeof(u->home)) {
		snprintf(err, errlen, "user name or home directory too long");
		return -1;
	}
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	memcpy(u->name, pw.pw_name, strlen(pw.pw_name) + 1);
	memcpy(u->home, pw.pw_dir, strlen(pw.pw_dir) + 1);
	return 0;
}

int
sandbox_drop(const struct sandbox_user *u, char *err, size_t errlen)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	if (initgroups(u->name, u->gid) != 0) {
		snprintf(err, errlen, "initgroups: errno %d", errno);
		return -1;
	}
	if (setresgid(u->gid, u->gid, u->gid) != 0) {
		snprintf(err, errlen, "setresgid: errno %d", errno);
		return -1;
	}
	if (setresuid(u->uid, u->uid, u->uid) != 0) {
		snprintf(err, errlen, "setresuid: errno %d", errno);
		return -1;
	}
	if (getresuid(&ruid, &euid, &suid) != 0 ||
	    getresgid(&rgid, &egid, &sgid) != 0 || ruid != u->uid ||
	    euid != u->uid || suid != u->uid || rgid != u->gid ||
	    egid != u->gid || sgid != u->gid) {
		snprintf(err, errlen, "the user switch did not take");
		return -1;
	}
	/* Root must be gone for good. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		snprintf(err, errlen, "root could be taken back");
		return -1;
	}
	return 0;
}
