/*
 * test_sandbox.c — the sandbox refuses what it promises and leaves the
 * daemon's ordinary work alone. Each case runs in a child process, since
 * a sandbox cannot be left again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sandbox/sandbox.h"

/* Sanitizer builds keep clone() and ptrace() open for LeakSanitizer. */
#if defined(__SANITIZE_ADDRESS__)
#define FORK_REFUSED 0
#else
#define FORK_REFUSED 1
#endif

/* Runs fn in a child; returns the child's exit status. */
static int
in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int   status;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void *
thread_exec(void *arg)
{
	char *argv[] = { (char *)"/bin/true", NULL };

	(void)arg;
	execv("/bin/true", argv);
	return (void *)(intptr_t)errno;
}

static int
refuses_exec_and_fork(void)
{
	char      err[128], *argv[] = { (char *)"/bin/true", NULL };
	pthread_t t;
	void     *thread_errno;

	if (sandbox_enter(err, sizeof(err)) != 0)
		return 10;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 11;
	execv("/bin/true", argv);
	if (errno != EPERM)
		return 12;
	if (FORK_REFUSED && (fork() != -1 || errno != EPERM))
		return 13;
	/* Threads are covered as well. */
	if (pthread_create(&t, NULL, thread_exec, NULL) != 0)
		return 14;
	pthread_join(t, &thread_errno);
	if ((intptr_t)thread_errno != EPERM)
		return 15;
	if (setuid(0) != -1 || errno != EPERM)
		return 16;
	return 0;
}

static void *
thread_noop(void *arg)
{
	return arg;
}

static int
allows_ordinary_work(void)
{
	char      err[128], buf[8];
	int       fd, sv[2];
	pthread_t t;
	void     *back;

	if (sandbox_enter(err, sizeof(err)) != 0)
		return 10;
	/* New threads still start (through the clone fallback). */
	if (pthread_create(&t, NULL, thread_noop, buf) != 0 ||
	    pthread_join(t, &back) != 0 || back != buf)
		return 15;
	if ((fd = open("/dev/null", O_RDONLY)) < 0)
		return 11;
	if (read(fd, buf, sizeof(buf)) != 0 ||
	    (fsync(fd) != 0 && errno != EINVAL))
		return 12;
	close(fd);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 13;
	if (write(sv[0], "x", 1) != 1 || read(sv[1], buf, 1) != 1)
		return 14;
	return 0;
}

static void
test_refuses_exec_and_fork(void **state)
{
	(void)state;
	assert_int_equal(in_child(refuses_exec_and_fork), 0);
}

static void
test_allows_ordinary_work(void **state)
{
	(void)state;
	assert_int_equal(in_child(allows_ordinary_work), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_exec_and_fork),
		cmocka_unit_test(test_allows_ordinary_work),
	};

	return cmocka_run_group_tests_name("sandbox", tests, NULL, NULL);
}
