/*
 * sandbox.h — confines the running daemon.
 *
 * After start-up nmtd needs no new programs, processes, privileges or
 * kernel facilities: it serves sockets, files it already knows and its
 * database. sandbox_enter() sets no_new_privs and installs a seccomp
 * filter on every thread of the process that makes the calls an attacker
 * would need next (exec, fork, ptrace, mount, module and key management,
 * namespace changes, identity changes) fail with EPERM.
 *
 * Started as root, nmtd first gives up root: sandbox_user() looks the
 * account up (before any thread starts) and sandbox_drop() switches the
 * whole process -- every thread -- to it for good, after the socket is
 * bound and the key file and web directory are open. The filter then
 * refuses every identity change, so the drop cannot be undone.
 */
#ifndef NMT_SANDBOX_SANDBOX_H
#define NMT_SANDBOX_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

struct sandbox_user {
	uid_t uid;
	gid_t gid;
	char  name[64];
	char  home[256];
};

/* Returns 0, or -1 with a message in err. */
int sandbox_enter(char *err, size_t errlen);
/*
 * Looks up an account by name (or a number). Refuses root (uid 0) and
 * unknown accounts. Returns 0, or -1 with a message in err.
 */
int sandbox_user(const char *name, struct sandbox_user *u, char *err,
    size_t errlen);
/*
 * Switches the process to u: its groups, group and user (real, effective
 * and saved), then checks that root cannot be taken back. Needs root.
 * Returns 0, or -1 with a message in err.
 */
int sandbox_drop(const struct sandbox_user *u, char *err, size_t errlen);

#endif
