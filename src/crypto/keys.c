/*
 * keys.c — the master key file and the purpose-bound subkeys.
 *
 * Owns reading and creating the key file (64 lowercase hex characters
 * and a newline, mode 0600) and deriving one subkey per purpose with
 * crypto_kdf. The master key only ever lives in sodium_malloc'd memory
 * and is wiped as soon as the subkeys are derived.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/keys.h"
#include "crypto/sodium_once.h"

#define KEY_HEX_LEN  (KEY_BYTES * 2)
#define KEY_FILE_LEN (KEY_HEX_LEN + 1)
#define KEY_CONTEXT  "NMTKEYS1"

static void *
secure_alloc(size_t n)
{
	void *p;

	if ((p = sodium_malloc(n)) == NULL) {
		fputs("nmt: out of secure memory\n", stderr);
		abort();
	}
	return p;
}

static void
set_err(char *err, size_t errlen, const char *path, const char *what)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "key file %s: %s", path, what);
}

static void
set_errno_err(char *err, size_t errlen, const char *path, const char *what,
    int e)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s: %s", what, strerror(e));
	set_err(err, errlen, path, msg);
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Creates a new key file with a fresh random key and leaves the key in
 * master. Returns 0, 1 when the file appeared meanwhile (EEXIST), or -1.
 */
static int
create_key_file(const char *path, unsigned char *master, char *err,
    size_t errlen)
{
	char *hex;
	int   fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 1;
		set_errno_err(err, errlen, path, "cannot create", errno);
		return -1;
	}
	crypto_kdf_keygen(master);
	hex = secure_alloc(KEY_FILE_LEN + 1);
	sodium_bin2hex(hex, KEY_HEX_LEN + 1, master, KEY_BYTES);
	hex[KEY_HEX_LEN] = '\n';
	hex[KEY_FILE_LEN] = '\0';
	if (write_all(fd, hex, KEY_FILE_LEN) == -1 || fsync(fd) == -1) {
		e = errno;
		sodium_memzero(hex, KEY_FILE_LEN + 1);
		sodium_free(hex);
		close(fd);
		unlink(path);
		set_errno_err(err, errlen, path, "cannot write", e);
		return -1;
	}
	sodium_memzero(hex, KEY_FILE_LEN + 1);
	sodium_free(hex);
	if (close(fd) == -1) {
		e = errno;
		unlink(path);
		set_errno_err(err, errlen, path, "cannot write", e);
		return -1;
	}
	return 0;
}

static int
is_lower_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

/*
 * Reads an existing key file into master. Returns 0, 1 when the file
 * does not exist, or -1.
 */
static int
read_key_file(const char *path, unsigned char *master, char *err, size_t errlen)
{
	struct stat st;
	char       *buf;
	size_t      got, binlen;
	ssize_t     n;
	int         fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		set_errno_err(err, errlen, path, "cannot open", errno);
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		set_errno_err(err, errlen, path, "cannot stat", errno);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(err, errlen, path, "not a regular file");
		close(fd);
		return -1;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		set_err(err, errlen, path,
		    "permissions too open (must be 0600 or stricter)");
		close(fd);
		return -1;
	}

	/* One byte more than needed, so a longer file is detected. */
	buf = secure_alloc(KEY_FILE_LEN + 1);
	got = 0;
	while (got < KEY_FILE_LEN + 1) {
		n = read(fd, buf + got, KEY_FILE_LEN + 1 - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			set_errno_err(err, errlen, path, "cannot read", errno);
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != KEY_FILE_LEN || buf[KEY_HEX_LEN] != '\n') {
		set_err(err, errlen, path,
		    "malformed (expected 64 hex characters and a newline)");
		goto out;
	}
	if (!is_lower_hex(buf, KEY_HEX_LEN) ||
	    sodium_hex2bin(master, KEY_BYTES, buf, KEY_HEX_LEN, NULL, &binlen,
	        NULL) != 0 ||
	    binlen != KEY_BYTES) {
		set_err(err, errlen, path,
		    "malformed (expected 64 lowercase hex characters)");
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(buf, KEY_FILE_LEN + 1);
	sodium_free(buf);
	close(fd);
	return rc;
}

static unsigned char *
derive(const unsigned char *master, enum key_purpose purpose)
{
	unsigned char *k;

	k = secure_alloc(KEY_BYTES);
	if (crypto_kdf_derive_from_key(k, KEY_BYTES, (uint64_t)purpose,
	        KEY_CONTEXT, master) != 0) {
		fputs("nmt: crypto_kdf_derive_from_key failed\n", stderr);
		abort();
	}
	sodium_mprotect_readonly(k);
	return k;
}

int
keys_load(const char *path, int create, struct keyring *ring, char *err,
    size_t errlen)
{
	unsigned char *master;
	int            rc;

	crypto_ready();
	memset(ring, 0, sizeof(*ring));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (path == NULL || *path == '\0') {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "no key file given");
		return -1;
	}

	master = secure_alloc(crypto_kdf_KEYBYTES);
	rc = read_key_file(path, master, err, errlen);
	if (rc == 1) {
		if (!create) {
			set_err(err, errlen, path, "does not exist");
			rc = -1;
		} else {
			rc = create_key_file(path, master, err, errlen);
			/* Another process created it meanwhile: use theirs. */
			if (rc == 1)
				rc = read_key_file(path, master, err, errlen);
			if (rc == 1) {
				set_err(err, errlen, path, "vanished");
				rc = -1;
			}
		}
	}
	if (rc != 0) {
		sodium_memzero(master, crypto_kdf_KEYBYTES);
		sodium_free(master);
		return -1;
	}

	ring->identity = derive(master, KEY_IDENTITY);
	ring->totp = derive(master, KEY_TOTP);
	ring->token = derive(master, KEY_TOKEN);
	ring->audit = derive(master, KEY_AUDIT);
	sodium_memzero(master, crypto_kdf_KEYBYTES);
	sodium_free(master);
	return 0;
}

void
keys_free(struct keyring *ring)
{
	if (ring == NULL)
		return;
	/* sodium_free makes the pages writable, zeroes and unmaps them. */
	sodium_free(ring->identity);
	sodium_free(ring->totp);
	sodium_free(ring->token);
	sodium_free(ring->audit);
	memset(ring, 0, sizeof(*ring));
}
