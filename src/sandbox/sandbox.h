/*
 * sandbox.h — confines the running daemon.
 *
 * After start-up nmtd needs no new programs, processes, privileges or
 * kernel facilities: it serves sockets, files it already knows and its
 * database. sandbox_enter() sets no_new_privs and installs a seccomp
 * filter on every thread of the process that makes the calls an attacker
 * would need next (exec, fork, ptrace, mount, module and key management,
 * namespace changes, identity changes) fail with EPERM.
 */
#ifndef NMT_SANDBOX_SANDBOX_H
#define NMT_SANDBOX_SANDBOX_H

#include <stddef.h>

/* Returns 0, or -1 with a message in err. */
int sandbox_enter(char *err, size_t errlen);

#endif
