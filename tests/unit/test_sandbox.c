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
#include <grp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/keys.h"
#include "crypto/seal.h"
#include "sandbox/sandbox.h"

/* Sanitizer builds keep clone() and ptrace() open for LeakSanitizer. */
#if defined(__SANITIZE_ADDRESS__)
#define FORK_REFUSED 0
#define ASAN_BUILD   1
#else
#define FORK_REFUSED 1
#define ASAN_BUILD   0
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

static void *
thread_uid(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)geteuid();
}

/* Started as root: every thread, also one started before, is nobody. */
static int
drops_to_nobody(void)
{
	struct sandbox_user u;
	char                err[128];
	pthread_t           t;
	void               *uid;
	gid_t               groups[64];
	int                 n, i;

	/* Root carries group 0 as a supplementary group, to be given up. */
	groups[0] = 0;
	if (setgroups(1, groups) != 0)
		return 9;
	if (sandbox_user("nobody", &u, err, sizeof(err)) != 0)
		return 10;
	if (sandbox_drop(&u, err, sizeof(err)) != 0)
		return 11;
	if (getuid() != u.uid || geteuid() != u.uid || getgid() != u.gid ||
	    getegid() != u.gid)
		return 12;
	if (pthread_create(&t, NULL, thread_uid, NULL) != 0 ||
	    pthread_join(t, &uid) != 0 || (uid_t)(intptr_t)uid != u.uid)
		return 13;
	/* Root's groups are gone too. */
	if ((n = getgroups(64, groups)) < 0)
		return 14;
	for (i = 0; i < n; i++)
		if (groups[i] == 0)
			return 15;
	if (setuid(0) != -1 || seteuid(0) != -1)
		return 16;
	/* And after the sandbox no identity change is possible at all. */
	if (sandbox_enter(err, sizeof(err)) != 0)
		return 17;
	if (setuid(u.uid) != -1 || errno != EPERM)
		return 18;
	return 0;
}

/* A thread that runs while main drops is switched with it. */
static void *
thread_wait_uid(void *arg)
{
	volatile int *go = arg;

	while (!*go)
		usleep(1000);
	return (void *)(intptr_t)geteuid();
}

static int
drops_running_threads(void)
{
	struct sandbox_user u;
	char                err[128];
	pthread_t           t;
	void               *uid;
	static volatile int go;

	if (sandbox_user("nobody", &u, err, sizeof(err)) != 0)
		return 10;
	if (pthread_create(&t, NULL, thread_wait_uid, (void *)&go) != 0)
		return 11;
	if (sandbox_drop(&u, err, sizeof(err)) != 0)
		return 12;
	go = 1;
	if (pthread_join(t, &uid) != 0 || (uid_t)(intptr_t)uid != u.uid)
		return 13;
	return 0;
}

static void
test_user_lookup(void **state)
{
	struct sandbox_user u;
	char                err[128];

	(void)state;
	assert_int_equal(sandbox_user("nobody", &u, err, sizeof(err)), 0);
	assert_int_not_equal(u.uid, 0);
	assert_string_equal(u.name, "nobody");
	/* Root is no user to drop to; an unknown name is refused. */
	assert_int_equal(sandbox_user("root", &u, err, sizeof(err)), -1);
	assert_int_equal(sandbox_user("no-such-user-here", &u, err,
	                     sizeof(err)),
	    -1);
}

static void
test_drop(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip(); /* needs root */
	assert_int_equal(in_child(drops_to_nobody), 0);
	assert_int_equal(in_child(drops_running_threads), 0);
}

/*
 * An opened secret lives in sodium_malloc memory: it ends right at a
 * guard page, so one byte past it faults (heap memory would not).
 */
static int
secret_is_guarded(void)
{
	struct keyring ring;
	char   dir[] = "/tmp/nmt-test-secret.XXXXXX", path[64], err[128];
	char  *sealed, *plain = NULL;
	size_t len;

	signal(SIGSEGV, SIG_DFL); /* not cmocka's handler: die of it */
	if (mkdtemp(dir) == NULL)
		return 9;
	snprintf(path, sizeof(path), "%s/key", dir);
	if (keys_load(path, 1, &ring, err, sizeof(err)) != 0)
		return 9;
	unlink(path);
	rmdir(dir);
	sealed = seal_text(ring.totp, "JBSWY3DPEHPK3PXP", 16, "user:1:totp");
	if (seal_open_secret(ring.totp, sealed, "user:1:totp", &plain, &len) !=
	        0 ||
	    len != 16 || strcmp(plain, "JBSWY3DPEHPK3PXP") != 0)
		return 10;
	free(sealed);
	/* plain holds len + 1 bytes (the NUL); the next one is the guard. */
	return ((volatile char *)plain)[len + 1] == 0 ? 11 : 12;
}

static void
test_secret_memory(void **state)
{
	pid_t pid;
	int   status;

	(void)state;
	/* AddressSanitizer reports the fault itself (a report is a failure). */
	if (ASAN_BUILD)
		skip();
	if ((pid = fork()) == 0)
		_exit(secret_is_guarded());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSEGV);
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
		cmocka_unit_test(test_user_lookup),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_secret_memory),
	};

	return cmocka_run_group_tests_name("sandbox", tests, NULL, NULL);
}
