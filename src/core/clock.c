/*
 * clock.c — clock_now(), clock_now_ms() and the civil time zone.
 *
 * The test clock (only with -Dtest_clock=true, which defines
 * NMT_TEST_CLOCK): NMT_TEST_CLOCK_FILE names a file holding an offset in
 * seconds. Each clock_now() stats the file (stat, open and read stay
 * allowed under nmtd's seccomp filter) and keeps the parsed offset while
 * the file's device, inode, size, mtime and ctime are unchanged. Since a
 * rewrite can land within the same timestamp tick as the read before it,
 * the cached value is trusted only once the file is two seconds older
 * than the moment it was read; until then it is read on every call. A
 * missing, unreadable or malformed file means offset 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"

uint64_t
clock_monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#ifdef NMT_TEST_CLOCK
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

/* Keeps the offset within ±300 years, far from time_t overflow. */
#define OFFSET_MAX 10000000000LL

static pthread_mutex_t clock_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int         valid, settled;
	struct stat st;
	long long   offset;
} cached;

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static long long
read_offset(const char *path)
{
	char      buf[64], *end;
	ssize_t   n;
	long long v;
	int       fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0 || end == buf || v > OFFSET_MAX || v < -OFFSET_MAX)
		return 0;
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	return *end == '\0' ? v : 0;
}

static long long
test_offset(time_t real)
{
	const char *path = getenv("NMT_TEST_CLOCK_FILE");
	struct stat st;
	long long   off;

	if (path == NULL || *path == '\0')
		return 0;
	pthread_mutex_lock(&clock_lock);
	if (stat(path, &st) != 0) {
		cached.valid = 0;
		off = 0;
	} else if (cached.valid && cached.settled &&
	    same_file(&st, &cached.st)) {
		off = cached.offset;
	} else {
		off = read_offset(path);
		cached.valid = 1;
		cached.st = st;
		cached.offset = off;
		cached.settled = real - st.st_mtim.tv_sec >= 2;
	}
	pthread_mutex_unlock(&clock_lock);
	return off;
}

int
clock_is_test_build(void)
{
	return 1;
}
#else
/* A release build has no test clock. */
#define test_offset(real) ((void)(real), 0LL)

int
clock_is_test_build(void)
{
	return 0;
}
#endif

time_t
clock_now(void)
{
	time_t real = time(NULL);

	return real + (time_t)test_offset(real);
}

uint64_t
clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)(ts.tv_sec + (time_t)test_offset(ts.tv_sec)) * 1000 +
	    (uint64_t)ts.tv_nsec / 1000000;
}

int
clock_zone_init(char *err, size_t errlen)
{
	/* Midsummer and midwinter: summer time in one, not in the other. */
	const time_t summer = 1782216000, winter = 1766059200;
	struct tm    s, w;

	if (setenv("TZ", CLOCK_ZONE, 1) != 0) {
		snprintf(err, errlen, "cannot set TZ");
		return -1;
	}
	tzset();
	if (localtime_r(&summer, &s) == NULL ||
	    localtime_r(&winter, &w) == NULL || s.tm_isdst <= 0 ||
	    w.tm_isdst != 0 || w.tm_gmtoff == 0) {
		snprintf(err, errlen,
		    "time zone %s not found in the system "
		    "time-zone database (install tzdata)",
		    CLOCK_ZONE);
		return -1;
	}
	return 0;
}
