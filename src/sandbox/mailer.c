/*
 * mailer.c — the mail helper process (see mailer.h). The parent owns the
 * write end of a pipe (non-blocking; one line per address, shorter than
 * PIPE_BUF, so each write is whole); the helper owns the read end, runs
 * the command once per address and waits for it, and ends when the pipe
 * is closed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/log.h"
#include "sandbox/mailer.h"

#define MAX_WORDS   16
#define ADDRESS_MAX 254

extern char **environ;

static int   pipe_w = -1;
static pid_t helper = -1;

static const char message_head[] =
    "Subject: =?UTF-8?Q?Nytt_uppdrag_i_NMT_/_New_task_in_NMT?=\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Du har ett nytt uppdrag i NMT.\n"
    "You have a new task in NMT.\n";

static int
plain_address(const char *a, size_t len)
{
	size_t i;
	int    at = 0;

	if (len == 0 || len > ADDRESS_MAX || a[0] == '-')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)a[i];

		if (ch <= ' ' || ch == 0x7f || ch == '<' || ch == '>' ||
		    ch == ',' || ch == ';' || ch == '"' || ch == '\\')
			return 0;
		at += ch == '@';
	}
	return at == 1;
}

/* Writes all of buf to fd; errors end the message. */
static void
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void
send_one(char *const words[], int nwords, const char *address,
    const char *site_url)
{
	char                      *argv[MAX_WORDS + 3];
	posix_spawn_file_actions_t fa;
	int                        in[2], i, status = 0;
	pid_t                      pid, done;

	for (i = 0; i < nwords; i++)
		argv[i] = words[i];
	argv[i++] = (char *)"--";
	argv[i++] = (char *)address;
	argv[i] = NULL;
	if (pipe2(in, O_CLOEXEC) != 0)
		return;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	/* Its output goes to the log, never to nmtd's standard output. */
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(in[0]);
		close(in[1]);
		log_error("mail: the command could not be started");
		return;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	write_all(in[1], "To: ", 4);
	write_all(in[1], address, strlen(address));
	write_all(in[1], "\n", 1);
	write_all(in[1], message_head, sizeof(message_head) - 1);
	if (site_url != NULL) {
		write_all(in[1], "\n", 1);
		write_all(in[1], site_url, strlen(site_url));
		write_all(in[1], "\n", 1);
	}
	close(in[1]);
	while ((done = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (done != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		log_warn("mail: the command failed");
}

/* The helper's loop: lines from fd until it is closed. */
static void
helper_main(int fd, char *const words[], int nwords, const char *site_url)
{
	char    buf[4096];
	size_t  have = 0;
	ssize_t n;
	char   *nl;

	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = memchr(buf, '\n', have)) != NULL) {
			*nl = '\0';
			if (plain_address(buf, (size_t)(nl - buf)))
				send_one(words, nwords, buf, site_url);
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have);
		}
		if (have == sizeof(buf) - 1)
			have = 0; /* no line that long is ours */
	}
	_exit(0);
}

int
mailer_start(const char *command, const char *site_url,
    const struct sandbox_user *user, char *err, size_t errlen)
{
	static char copy[1024];
	char       *words[MAX_WORDS], *p, *save = NULL;
	int         fds[2], nwords = 0;
	pid_t       pid;

	if (strlen(command) >= sizeof(copy)) {
		snprintf(err, errlen, "--mail-command is too long");
		return -1;
	}
	memcpy(copy, command, strlen(command) + 1);
	for (p = strtok_r(copy, " \t", &save); p != NULL;
	     p = strtok_r(NULL, " \t", &save)) {
		if (nwords == MAX_WORDS) {
			snprintf(err, errlen,
			    "--mail-command has too many "
			    "words");
			return -1;
		}
		words[nwords++] = p;
	}
	if (nwords == 0 || words[0][0] != '/' || access(words[0], X_OK) != 0) {
		snprintf(err, errlen,
		    "--mail-command must start with the absolute path of an "
		    "executable");
		return -1;
	}
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "mail: pipe: errno %d", errno);
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "mail: fork: errno %d", errno);
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		char e2[128];

		close(fds[1]);
		signal(SIGPIPE, SIG_IGN);
		if (user != NULL && sandbox_drop(user, e2, sizeof(e2)) != 0) {
			log_error("mail: cannot switch to the user: %s", e2);
			_exit(1);
		}
		helper_main(fds[0], words, nwords, site_url);
	}
	close(fds[0]);
	if (fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0) {
		snprintf(err, errlen, "mail: fcntl: errno %d", errno);
		return -1;
	}
	pipe_w = fds[1];
	helper = pid;
	log_info("mail notices through %s", words[0]);
	return 0;
}

void
mailer_notify(const char *address)
{
	char   line[ADDRESS_MAX + 2];
	size_t len;

	if (pipe_w < 0 || address == NULL)
		return;
	len = strlen(address);
	if (!plain_address(address, len))
		return;
	memcpy(line, address, len);
	line[len] = '\n';
	if (write(pipe_w, line, len + 1) != (ssize_t)(len + 1))
		log_warn(
		    "mail: the notice queue is full; a notice was dropped");
}

void
mailer_stop(void)
{
	int status;

	if (pipe_w < 0)
		return;
	close(pipe_w);
	pipe_w = -1;
	while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
		;
	helper = -1;
}
