/*
 * secret_file.c — the one reader of files that hold secrets: opened
 * without following into a terminal, checked on the open descriptor
 * (no race between the check and the read), read into sodium_malloc'd
 * memory that is wiped and freed on every failure.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/secret_file.h"
#include "crypto/sodium_once.h"

static int
fail(char *err, size_t errlen, const char *label, const char *path,
    const char *what, int e)
{
	if (err != NULL && errlen > 0) {
		if (e != 0)
			snprintf(err, errlen, "%s %s: %s: %s", label, path,
			    what, strerror(e));
		else
			snprintf(err, errlen, "%s %s: %s", label, path, what);
	}
	return -1;
}

/* Group and others may neither read nor write nor execute it. */
static int
check_mode(const struct stat *st, const char *label, const char *path,
    char *err, size_t errlen)
{
	if (!S_ISREG(st->st_mode))
		return fail(err, errlen, label, path, "not a regular file", 0);
	if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0)
		return fail(err, errlen, label, path,
		    "permissions too open (must be 0600 or stricter)", 0);
	return 0;
}

/* Reads up to cap bytes from fd into buf; the count, or -1 (errno). */
static ssize_t
read_up_to(int fd, unsigned char *buf, size_t cap)
{
	size_t  got = 0;
	ssize_t n;

	while (got < cap) {
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int
secret_file_read(const char *path, size_t max, const char *label,
    unsigned char **buf_r, size_t *len_r, struct stat *st_r, char *err,
    size_t errlen)
{
	struct stat    st;
	unsigned char *buf;
	ssize_t        got;
	int            fd;

	*buf_r = NULL;
	*len_r = 0;
	crypto_ready();
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		if (errno == ENOENT)
			return 1;
		return fail(err, errlen, label, path, "cannot open", errno);
	}
	if (fstat(fd, &st) != 0) {
		fail(err, errlen, label, path, "cannot stat", errno);
		close(fd);
		return -1;
	}
	if (check_mode(&st, label, path, err, errlen) != 0) {
		close(fd);
		return -1;
	}
	/* One byte more than allowed, so a longer file is detected. */
	buf = crypto_secret_alloc(max + 1);
	got = read_up_to(fd, buf, max + 1);
	if (got < 0 || (size_t)got > max) {
		if (got < 0)
			fail(err, errlen, label, path, "cannot read", errno);
		else
			fail(err, errlen, label, path, "too long", 0);
		sodium_free(buf);
		close(fd);
		return -1;
	}
	close(fd);
	if (st_r != NULL)
		*st_r = st;
	*buf_r = buf;
	*len_r = (size_t)got;
	return 0;
}
