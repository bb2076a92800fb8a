/*
 * mailer.h — the mail notice: "you have a new task in NMT", sent through
 * a sendmail-compatible command by a helper process.
 *
 * nmtd's own process may never start another (the sandbox forbids exec
 * and fork), so mailer_start() forks the helper before any thread exists
 * and before the sandbox; the helper (as the --user account when one is
 * given) reads one address per line from a pipe and runs the command
 * for it with posix_spawn(), no shell: the command's words, then "--"
 * and the address, as argv. The message on its standard input is fixed
 * text (Swedish and English) and the site's address: never personal data
 * or anything of a case.
 */
#ifndef NMT_SANDBOX_MAILER_H
#define NMT_SANDBOX_MAILER_H

#include <stddef.h>

#include "sandbox/sandbox.h"

/*
 * Starts the helper for command (blank-separated words, the first an
 * absolute path) and site_url (or NULL). user: the account the helper
 * switches to, or NULL. Returns 0, or -1 with a message in err.
 */
int mailer_start(const char *command, const char *site_url,
    const struct sandbox_user *user, char *err, size_t errlen);
/*
 * Queues the notice for one address (thread-safe, never blocks): nothing
 * when no helper runs, an address that is not plainly one (blanks,
 * control characters, a leading "-", no "@") or the pipe is full (logged).
 */
void mailer_notify(const char *address);
/* Closes the pipe and waits for the helper to finish its queue. */
void mailer_stop(void);

#endif
