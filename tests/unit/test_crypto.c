/*
 * test_crypto.c — unit tests for src/crypto: key file and subkeys, the
 * secret-file reader, sealing, password hashes, TOTP (RFC 6238 vectors),
 * tokens and the audit hash chain.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <liboath/oath.h>
#include <sodium.h>

#include "crypto/chain.h"
#include "crypto/keys.h"
#include "crypto/password.h"
#include "crypto/seal.h"
#include "crypto/secret_file.h"
#include "core/clock.h"
#include "crypto/token.h"
#include "crypto/totp.h"

#define B64URL_CHARS \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#define PW_ALPHABET "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

/* ---------------------------------------------------------------- */
/* helpers */

static unsigned char key_a[KEY_BYTES];
static unsigned char key_b[KEY_BYTES];

static int
global_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	memset(key_a, 0x11, sizeof(key_a));
	memset(key_b, 0x22, sizeof(key_b));
	return 0;
}

static int
all_in_set(const char *s, const char *set)
{
	for (; *s != '\0'; s++) {
		if (strchr(set, *s) == NULL)
			return 0;
	}
	return 1;
}

/* ---------------------------------------------------------------- */
/* keys */

struct keys_fixture {
	char dir[64];
	char path[128];
};

static int
keys_setup(void **state)
{
	struct keys_fixture *f;

	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/nmt-test-keys-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/master.key", f->dir);
	*state = f;
	return 0;
}

static int
keys_teardown(void **state)
{
	struct keys_fixture *f = *state;
	char                 p[160];

	unlink(f->path);
	snprintf(p, sizeof(p), "%s.lock", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s.tmp", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
write_file(const char *path, const char *content, size_t len, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
assert_ring_empty(const struct keyring *r)
{
	assert_null(r->identity);
	assert_null(r->totp);
	assert_null(r->token);
	assert_null(r->audit);
}

/* A copy of ks's sealing key under master key id (which must exist). */
static void
seal_key_copy(struct seal_keys *ks, unsigned id, unsigned char *out)
{
	const unsigned char *k = seal_keys_find(ks, id);

	assert_non_null(k);
	memcpy(out, k, KEY_BYTES);
	seal_keys_release(ks);
}

static void
test_keys_create_and_reload(void **state)
{
	struct keys_fixture *f = *state;
	struct keyring       r1, r2;
	struct stat          st;
	char                 err[256], buf[80], *p;
	unsigned char        master[KEY_BYTES], expect[KEY_BYTES];
	unsigned char        id1[KEY_BYTES], id2[KEY_BYTES];
	unsigned char        totp1[KEY_BYTES], totp2[KEY_BYTES];
	size_t               binlen;
	ssize_t              n;
	int                  fd;

	assert_int_equal(keys_load(f->path, 1, &r1, err, sizeof(err)), 0);
	assert_non_null(r1.identity);
	assert_non_null(r1.totp);
	assert_non_null(r1.token);
	assert_non_null(r1.audit);

	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 65);

	fd = open(f->path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(n, 65);
	buf[n] = '\0';
	assert_int_equal(buf[64], '\n');
	buf[64] = '\0';
	assert_int_equal(strspn(buf, "0123456789abcdef"), 64);

	/* Subkeys are crypto_kdf("NMTKEYS1", purpose) of the file's key. */
	assert_int_equal(sodium_hex2bin(master, sizeof(master), buf, 64, NULL,
	                     &binlen, NULL),
	    0);
	assert_int_equal(binlen, KEY_BYTES);
	seal_key_copy(r1.identity, 1, id1);
	seal_key_copy(r1.totp, 1, totp1);
	crypto_kdf_derive_from_key(expect, KEY_BYTES, KEY_IDENTITY, "NMTKEYS1",
	    master);
	assert_memory_equal(id1, expect, KEY_BYTES);
	crypto_kdf_derive_from_key(expect, KEY_BYTES, KEY_TOTP, "NMTKEYS1",
	    master);
	assert_memory_equal(totp1, expect, KEY_BYTES);
	crypto_kdf_derive_from_key(expect, KEY_BYTES, KEY_TOKEN, "NMTKEYS1",
	    master);
	assert_memory_equal(r1.token, expect, KEY_BYTES);
	crypto_kdf_derive_from_key(expect, KEY_BYTES, KEY_AUDIT, "NMTKEYS1",
	    master);
	assert_memory_equal(r1.audit, expect, KEY_BYTES);
	/* A version 1 file holds master key 1 only. */
	assert_null(seal_keys_find(r1.identity, 2));

	/* Subkeys differ from each other and from the master key. */
	assert_memory_not_equal(id1, totp1, KEY_BYTES);
	assert_memory_not_equal(id1, r1.token, KEY_BYTES);
	assert_memory_not_equal(id1, r1.audit, KEY_BYTES);
	assert_memory_not_equal(totp1, r1.token, KEY_BYTES);
	assert_memory_not_equal(totp1, r1.audit, KEY_BYTES);
	assert_memory_not_equal(r1.token, r1.audit, KEY_BYTES);
	assert_memory_not_equal(id1, master, KEY_BYTES);

	/* Loading again (without and with create) gives the same keys. */
	assert_int_equal(keys_load(f->path, 0, &r2, err, sizeof(err)), 0);
	seal_key_copy(r2.identity, 1, id2);
	seal_key_copy(r2.totp, 1, totp2);
	assert_memory_equal(id1, id2, KEY_BYTES);
	assert_memory_equal(totp1, totp2, KEY_BYTES);
	assert_memory_equal(r1.token, r2.token, KEY_BYTES);
	assert_memory_equal(r1.audit, r2.audit, KEY_BYTES);
	keys_free(&r2);
	assert_ring_empty(&r2);

	assert_int_equal(keys_load(f->path, 1, &r2, err, sizeof(err)), 0);
	assert_memory_equal(r1.audit, r2.audit, KEY_BYTES);
	keys_free(&r2);

	/* The error text of a later failure never holds key material. */
	assert_int_equal(chmod(f->path, 0644), 0);
	assert_int_equal(keys_load(f->path, 0, &r2, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	assert_null(strstr(err, buf));
	p = strstr(err, "master.key");
	assert_non_null(p);
	assert_ring_empty(&r2);

	keys_free(&r1);
	assert_ring_empty(&r1);
	sodium_memzero(master, sizeof(master));
}

static void
test_keys_two_files_differ(void **state)
{
	struct keys_fixture *f = *state;
	struct keyring       r1, r2;
	unsigned char        k1[KEY_BYTES], k2[KEY_BYTES];
	char                 err[256];

	assert_int_equal(keys_load(f->path, 1, &r1, err, sizeof(err)), 0);
	assert_int_equal(unlink(f->path), 0);
	assert_int_equal(keys_load(f->path, 1, &r2, err, sizeof(err)), 0);
	seal_key_copy(r1.identity, 1, k1);
	seal_key_copy(r2.identity, 1, k2);
	assert_memory_not_equal(k1, k2, KEY_BYTES);
	assert_memory_not_equal(r1.audit, r2.audit, KEY_BYTES);
	keys_free(&r1);
	keys_free(&r2);
}

static void
test_keys_missing_without_create(void **state)
{
	struct keys_fixture *f = *state;
	struct keyring       r;
	struct stat          st;
	char                 err[256], bad[192];

	err[0] = '\0';
	assert_int_equal(keys_load(f->path, 0, &r, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	assert_ring_empty(&r);
	assert_int_equal(stat(f->path, &st), -1); /* not created */

	/* Creation in a directory that does not exist fails cleanly. */
	snprintf(bad, sizeof(bad), "%s/nope/master.key", f->dir);
	assert_int_equal(keys_load(bad, 1, &r, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	assert_ring_empty(&r);

	/* A tiny error buffer is respected. */
	assert_int_equal(keys_load(f->path, 0, &r, err, 4), -1);
	assert_true(strlen(err) <= 3);
	assert_int_equal(keys_load(f->path, 0, &r, NULL, 0), -1);
}

static void
test_keys_bad_content(void **state)
{
#define H32 "00112233445566778899aabbccddeeff"
	static const char good[] = H32 H32 "\n";
	static const char *const       bad[] = {
		      "",
		      "\n",
		      "short\n",
		      H32 H32,                     /* no newline */
		      H32 H32 "\n\n",              /* too long */
		      H32 H32 "0\n",               /* 65 hex */
		      H32 "0011223344556677889\n", /* 51 hex */
		      "0011223344556677g899aabbccddeeff" H32 "\n",
		      "00112233445566778899AABBCCDDEEFF" H32 "\n",
		      H32 H32 "X",
		      H32 " 0112233445566778899aabbccddeeff\n",
	};
	static const char nul[] = H32 "0011223344556677\0"
	                              "899aabbccddeeff\n";
#undef H32
	struct keys_fixture *f = *state;
	struct keyring       r;
	char                 err[256];
	size_t               i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(f->path, bad[i], strlen(bad[i]), 0600);
		err[0] = '\0';
		assert_int_equal(keys_load(f->path, 1, &r, err, sizeof(err)),
		    -1);
		assert_true(strlen(err) > 0);
		assert_ring_empty(&r);
	}

	/* 65 bytes, but with a NUL byte inside. */
	assert_int_equal(sizeof(nul) - 1, 65);
	write_file(f->path, nul, sizeof(nul) - 1, 0600);
	assert_int_equal(keys_load(f->path, 1, &r, err, sizeof(err)), -1);
	assert_ring_empty(&r);

	/* The well-formed file loads; the same file with 0644/0640 not. */
	write_file(f->path, good, strlen(good), 0600);
	assert_int_equal(keys_load(f->path, 0, &r, err, sizeof(err)), 0);
	keys_free(&r);
	write_file(f->path, good, strlen(good), 0400);
	assert_int_equal(keys_load(f->path, 0, &r, err, sizeof(err)), 0);
	keys_free(&r);

	write_file(f->path, good, strlen(good), 0644);
	assert_int_equal(keys_load(f->path, 0, &r, err, sizeof(err)), -1);
	assert_null(strstr(err, "00112233"));
	assert_ring_empty(&r);
	write_file(f->path, good, strlen(good), 0640);
	assert_int_equal(keys_load(f->path, 1, &r, err, sizeof(err)), -1);
	write_file(f->path, good, strlen(good), 0604);
	assert_int_equal(keys_load(f->path, 1, &r, err, sizeof(err)), -1);

	/* A directory is not a key file. */
	assert_int_equal(keys_load(f->dir, 0, &r, err, sizeof(err)), -1);
	assert_ring_empty(&r);
}

/* The whole key file, NUL-terminated, into buf. */
static size_t
read_all(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int     fd;

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, len - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return (size_t)n;
}

/* Opens sealed under ks; 1 when it opens to want, 0 when it does not. */
static int
opens_to(struct seal_keys *ks, const char *sealed, const char *want)
{
	char  *p;
	size_t len;
	int    ok;

	if (seal_open(ks, sealed, "person:1:identity", &p, &len) != 0)
		return 0;
	ok = len == strlen(want) && memcmp(p, want, len) == 0;
	free(p);
	return ok;
}

/* Child of a fork: exit 0 when the rotation lock is taken elsewhere. */
static void
lock_held_elsewhere(const char *path)
{
	char  err[256];
	pid_t pid;
	int   status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(keys_lock(path, err, sizeof(err)) == -1 &&
		            strstr(err, "another key rotation") != NULL ?
		        0 :
		        1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * A rotation: the file gains key 2 next to key 1 (once, however often
 * it is begun), a ring loaded before follows it (new values under key 2,
 * values under key 1 and "v1." values still open), the token and audit
 * keys never change, and retiring key 1 removes it from the file.
 */
static void
test_keys_rotate(void **state)
{
	struct keys_fixture *f = *state;
	struct keyring       r1, r2;
	struct stat          st;
	char                 err[256], v1file[128], during[1024], again[1024];
	char                *old, *legacy, *fresh, *moved, *hex1;
	unsigned char        id1[KEY_BYTES], token[KEY_BYTES];
	unsigned char        audit[KEY_BYTES];
	unsigned             ids[KEY_MASTERS_MAX], nw, od;
	size_t               n;
	int                  lock;

	assert_int_equal(keys_load(f->path, 1, &r1, err, sizeof(err)), 0);
	read_all(f->path, v1file, sizeof(v1file));
	v1file[64] = '\0';
	hex1 = v1file;
	memcpy(token, r1.token, KEY_BYTES);
	memcpy(audit, r1.audit, KEY_BYTES);
	seal_key_copy(r1.identity, 1, id1);
	old = seal_text(r1.identity, "Anna", 4, "person:1:identity");
	assert_memory_equal(old, "v2.1.", 5);
	assert_int_equal(seal_key_id(old), 1);
	legacy = seal_text_v1(id1, "Berit", 5, "person:1:identity");
	assert_true(opens_to(r1.identity, legacy, "Berit"));

	lock = keys_lock(f->path, err, sizeof(err));
	assert_true(lock >= 0);
	lock_held_elsewhere(f->path);

	assert_int_equal(keys_rotate_begin(f->path, &nw, &od, err, sizeof(err)),
	    0);
	assert_int_equal(nw, 2);
	assert_int_equal(od, 1);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(keys_ids(f->path, ids, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 1);
	read_all(f->path, during, sizeof(during));
	assert_memory_equal(during, "nmt-keys 2\n", 11);
	assert_non_null(strstr(during, hex1));
	/* Begun again (a resumed rotation): the same keys, unchanged. */
	assert_int_equal(keys_rotate_begin(f->path, &nw, &od, err, sizeof(err)),
	    0);
	assert_int_equal(nw, 2);
	read_all(f->path, again, sizeof(again));
	assert_string_equal(during, again);

	/* The ring loaded before follows the file. */
	fresh = seal_text(r1.identity, "Cecilia", 7, "person:1:identity");
	assert_int_equal(seal_key_id(fresh), 2);
	assert_true(opens_to(r1.identity, old, "Anna"));
	assert_true(opens_to(r1.identity, legacy, "Berit"));
	assert_true(opens_to(r1.identity, fresh, "Cecilia"));
	moved = seal_again(r1.identity, old, "person:1:identity");
	assert_non_null(moved);
	assert_int_equal(seal_key_id(moved), 2);
	assert_true(opens_to(r1.identity, moved, "Anna"));
	assert_null(seal_again(r1.identity, old, "person:2:identity"));

	/* Token and audit keys are carried over. */
	assert_int_equal(keys_load(f->path, 0, &r2, err, sizeof(err)), 0);
	assert_memory_equal(r2.token, token, KEY_BYTES);
	assert_memory_equal(r2.audit, audit, KEY_BYTES);
	assert_true(opens_to(r2.totp, old, "Anna") == 0);
	keys_free(&r2);

	/* Only the newest may be kept. */
	assert_int_equal(keys_retire(f->path, 1, err, sizeof(err)), -1);
	assert_int_equal(keys_retire(f->path, 2, err, sizeof(err)), 0);
	assert_int_equal(keys_ids(f->path, ids, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 2);
	read_all(f->path, again, sizeof(again));
	assert_null(strstr(again, hex1));
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* After retirement key 1's values no longer open; key 2's do. */
	assert_int_equal(keys_load(f->path, 0, &r2, err, sizeof(err)), 0);
	assert_false(opens_to(r2.identity, old, "Anna"));
	assert_false(opens_to(r2.identity, legacy, "Berit"));
	assert_true(opens_to(r2.identity, moved, "Anna"));
	assert_true(opens_to(r2.identity, fresh, "Cecilia"));
	assert_memory_equal(r2.token, token, KEY_BYTES);
	assert_memory_equal(r2.audit, audit, KEY_BYTES);
	keys_free(&r2);

	/* The next rotation takes id 3. */
	assert_int_equal(keys_rotate_begin(f->path, &nw, &od, err, sizeof(err)),
	    0);
	assert_int_equal(nw, 3);
	assert_int_equal(od, 2);

	close(lock);
	keys_free(&r1);
	free(old);
	free(legacy);
	free(fresh);
	free(moved);
}

/* Version 2 files are parsed strictly. */
static void
test_keys_v2_content(void **state)
{
#define H "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define G "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
	static const char good[] = "nmt-keys 2\nmaster 4 " H "\nmaster 5 " G
	                           "\ntoken " H "\naudit " G "\n";
	static const char *const bad[] = {
		"nmt-keys 2\n",
		"nmt-keys 3\nmaster 1 " H "\ntoken " H "\naudit " H "\n",
		"nmt-keys 2\nmaster 1 " H "\ntoken " H "\n",
		"nmt-keys 2\nmaster 1 " H "\naudit " H "\n",
		"nmt-keys 2\ntoken " H "\naudit " H "\n",
		"nmt-keys 2\nmaster 1 " H "\nmaster 1 " G "\ntoken " H
		"\naudit " H "\n",
		"nmt-keys 2\nmaster 1 " H "\nmaster 2 " H "\nmaster 3 " H
		"\ntoken " H "\naudit " H "\n",
		"nmt-keys 2\nmaster 01 " H "\ntoken " H "\naudit " H "\n",
		"nmt-keys 2\nmaster 0 " H "\ntoken " H "\naudit " H "\n",
		"nmt-keys 2\nmaster 1234567890 " H "\ntoken " H "\naudit " H
		"\n",
		"nmt-keys 2\nmaster 1 " H "\ntoken " H "\naudit " H "\ntoken " H
		"\n",
		"nmt-keys 2\nmaster 1 " H "\ntoken " H "\naudit " H,
		"nmt-keys 2\nmaster 1 " H "\ntoken " H "\naudit " H "\n\n",
		"nmt-keys 2\nmaster 1 " H "0\ntoken " H "\naudit " H "\n",
		"nmt-keys 2\nmaster 1  " H "\ntoken " H "\naudit " H "\n",
		"nmt-keys 2\nmaster 1 00112233445566778899AABBCCDDEEFF"
		"00112233445566778899aabbccddeeff\ntoken " H "\naudit " H "\n",
		"nmt-keys 2\nsecret 1 " H "\ntoken " H "\naudit " H "\n",
	};
#undef G
	struct keys_fixture *f = *state;
	struct keyring       r;
	unsigned             ids[KEY_MASTERS_MAX];
	unsigned char        master[KEY_BYTES], expect[KEY_BYTES];
	unsigned char        got[KEY_BYTES];
	char                 err[256];
	size_t               i, n, binlen;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(f->path, bad[i], strlen(bad[i]), 0600);
		err[0] = '\0';
		assert_int_equal(keys_load(f->path, 0, &r, err, sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "malformed"));
		assert_null(strstr(err, "00112233"));
		assert_ring_empty(&r);
	}

	/* Newest (highest id) first, whatever the order in the file. */
	write_file(f->path, good, strlen(good), 0600);
	assert_int_equal(keys_ids(f->path, ids, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 5);
	assert_int_equal(ids[1], 4);
	assert_int_equal(keys_load(f->path, 0, &r, err, sizeof(err)), 0);
	assert_int_equal(sodium_hex2bin(master, sizeof(master), H, 64, NULL,
	                     &binlen, NULL),
	    0);
	crypto_kdf_derive_from_key(expect, KEY_BYTES, KEY_IDENTITY, "NMTKEYS1",
	    master);
	seal_key_copy(r.identity, 4, got);
	assert_memory_equal(got, expect, KEY_BYTES);
	/* token and audit are the file's own, not derived. */
	assert_memory_equal(r.token, master, KEY_BYTES);
	keys_free(&r);

	write_file(f->path, good, strlen(good), 0640);
	assert_int_equal(keys_load(f->path, 0, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "permissions"));
#undef H
}

/* The key id a sealed text names. */
static void
test_seal_key_id(void **state)
{
	(void)state;
	assert_int_equal(seal_key_id("v1.AAAA"), 1);
	assert_int_equal(seal_key_id("v2.7.AAAA"), 7);
	assert_int_equal(seal_key_id("v2.999999999.AAAA"), 999999999);
	assert_int_equal(seal_key_id("v2.1234567890.AAAA"), 0);
	assert_int_equal(seal_key_id("v2.0.AAAA"), 0);
	assert_int_equal(seal_key_id("v2.01.AAAA"), 0);
	assert_int_equal(seal_key_id("v2..AAAA"), 0);
	assert_int_equal(seal_key_id("v2.1AAAA"), 0);
	assert_int_equal(seal_key_id("v3.1.AAAA"), 0);
	assert_int_equal(seal_key_id(""), 0);
	assert_int_equal(seal_key_id(NULL), 0);
}

/* ---------------------------------------------------------------- */
/* seal */

static void
test_seal_round_trip(void **state)
{
	static const char bin[] = "with\0nul\0bytes";
	char             *s, *p, big[5000];
	size_t            len, i;

	(void)state;
	s = seal_text_v1(key_a, "Anna Andersson 19800101-1234", 28,
	    "person:1:identity");
	assert_non_null(s);
	assert_memory_equal(s, "v1.", 3);
	assert_true(all_in_set(s + 3, B64URL_CHARS));
	/* 24-byte nonce + 28 + 16-byte tag = 68 bytes -> 91 base64 chars */
	assert_int_equal(strlen(s), 3 + 91);
	assert_int_equal(seal_open_v1(key_a, s, "person:1:identity", &p, &len),
	    0);
	assert_int_equal(len, 28);
	assert_string_equal(p, "Anna Andersson 19800101-1234");
	sodium_memzero(p, len);
	free(p);
	free(s);

	/* Empty text, embedded NUL bytes, a longer text. */
	s = seal_text_v1(key_a, "", 0, "x");
	assert_int_equal(seal_open_v1(key_a, s, "x", &p, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
	free(s);

	s = seal_text_v1(key_a, bin, sizeof(bin), "x");
	assert_int_equal(seal_open_v1(key_a, s, "x", &p, &len), 0);
	assert_int_equal(len, sizeof(bin));
	assert_memory_equal(p, bin, sizeof(bin));
	assert_int_equal(p[len], '\0');
	free(p);
	free(s);

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	s = seal_text_v1(key_a, big, sizeof(big), NULL);
	assert_int_equal(seal_open_v1(key_a, s, NULL, &p, &len), 0);
	assert_int_equal(len, sizeof(big));
	assert_memory_equal(p, big, sizeof(big));
	free(p);
	/* NULL associated data is the same as "". */
	assert_int_equal(seal_open_v1(key_a, s, "", &p, &len), 0);
	free(p);
	free(s);
}

static void
test_seal_wrong_aad_or_key(void **state)
{
	char  *s, *p;
	size_t len;

	(void)state;
	s = seal_text_v1(key_a, "secret", 6, "person:1:identity");
	p = (char *)1;
	len = 99;
	assert_int_equal(seal_open_v1(key_a, s, "person:2:identity", &p, &len),
	    -1);
	assert_null(p);
	assert_int_equal(len, 0);
	assert_int_equal(seal_open_v1(key_a, s, "person:1:identit", &p, &len),
	    -1);
	assert_int_equal(seal_open_v1(key_a, s, NULL, &p, &len), -1);
	assert_int_equal(seal_open_v1(key_a, s, "", &p, &len), -1);
	assert_int_equal(seal_open_v1(key_b, s, "person:1:identity", &p, &len),
	    -1);
	assert_null(p);
	free(s);

	s = seal_text_v1(key_a, "secret", 6, NULL);
	assert_int_equal(seal_open_v1(key_a, s, "a", &p, &len), -1);
	assert_int_equal(seal_open_v1(key_a, s, NULL, &p, &len), 0);
	free(p);
	free(s);
}

static void
test_seal_tampered(void **state)
{
	unsigned char bin[256];
	char         *s, *p, *t;
	size_t        len, binlen, i, n;

	(void)state;
	s = seal_text_v1(key_a, "tamper me", 9, "aad");
	n = strlen(s);

	/* Decode, flip each byte in turn, encode again: never opens. */
	assert_int_equal(sodium_base642bin(bin, sizeof(bin), s + 3, n - 3, NULL,
	                     &binlen, NULL,
	                     sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	    0);
	assert_int_equal(binlen, 24 + 9 + 16);
	t = malloc(n + 1);
	assert_non_null(t);
	for (i = 0; i < binlen; i++) {
		bin[i] ^= 0x01;
		memcpy(t, "v1.", 3);
		sodium_bin2base64(t + 3, n - 2, bin, binlen,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		assert_string_not_equal(t, s);
		assert_int_equal(seal_open_v1(key_a, t, "aad", &p, &len), -1);
		bin[i] ^= 0x01;
	}

	/* A changed character in the text form. */
	memcpy(t, s, n + 1);
	t[40] = t[40] == 'A' ? 'B' : 'A';
	assert_int_equal(seal_open_v1(key_a, t, "aad", &p, &len), -1);

	/* Truncated and extended texts. */
	memcpy(t, s, n + 1);
	t[n - 1] = '\0';
	assert_int_equal(seal_open_v1(key_a, t, "aad", &p, &len), -1);
	t[n - 4] = '\0';
	assert_int_equal(seal_open_v1(key_a, t, "aad", &p, &len), -1);
	free(t);

	/* The untouched text still opens. */
	assert_int_equal(seal_open_v1(key_a, s, "aad", &p, &len), 0);
	assert_string_equal(p, "tamper me");
	free(p);
	free(s);
}

static void
test_seal_random_nonce(void **state)
{
	char  *s1, *s2, *p;
	size_t len;

	(void)state;
	s1 = seal_text_v1(key_a, "same", 4, "aad");
	s2 = seal_text_v1(key_a, "same", 4, "aad");
	assert_string_not_equal(s1, s2);
	assert_int_equal(seal_open_v1(key_a, s2, "aad", &p, &len), 0);
	assert_string_equal(p, "same");
	free(p);
	free(s1);
	free(s2);
}

static void
test_seal_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"v1.",
		"v2.xxx",
		"v1",
		"V1.AAAA",
		"garbage",
		"v1.!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
		"v1.AAAA",
		"v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
		"v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/",
		"v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
		"v1. AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	};
	char  *p, *s, *t;
	size_t len, i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = (char *)1;
		assert_int_equal(seal_open_v1(key_a, bad[i], NULL, &p, &len),
		    -1);
		assert_null(p);
	}
	assert_int_equal(seal_open_v1(key_a, NULL, NULL, &p, &len), -1);

	/* A valid text with trailing garbage or whitespace. */
	s = seal_text_v1(key_a, "x", 1, NULL);
	n = strlen(s);
	t = malloc(n + 2);
	assert_non_null(t);
	memcpy(t, s, n);
	t[n] = '=';
	t[n + 1] = '\0';
	assert_int_equal(seal_open_v1(key_a, t, NULL, &p, &len), -1);
	t[n] = ' ';
	assert_int_equal(seal_open_v1(key_a, t, NULL, &p, &len), -1);
	free(t);
	free(s);
}

/* ---------------------------------------------------------------- */
/* password */

static void
test_password_hash_verify(void **state)
{
	char *h, *h2;

	(void)state;
	h = password_hash("correct horse battery staple");
	assert_non_null(h);
	assert_memory_equal(h, "$argon2id$", 10);
	assert_int_equal(password_verify(h, "correct horse battery staple"), 1);
	assert_int_equal(password_verify(h, "correct horse battery stapl"), 0);
	assert_int_equal(password_verify(h, ""), 0);
	assert_int_equal(password_verify(h, NULL), 0);
	assert_int_equal(password_verify("not a hash", "x"), 0);

	/* Salted: the same password hashes differently each time. */
	h2 = password_hash("correct horse battery staple");
	assert_string_not_equal(h, h2);
	assert_int_equal(password_verify(h2, "correct horse battery staple"),
	    1);
	free(h);
	free(h2);
}

static void
test_password_verify_null_hash(void **state)
{
	(void)state;
	assert_int_equal(password_verify(NULL, "anything"), 0);
	assert_int_equal(password_verify(NULL, ""), 0);
	assert_int_equal(password_verify(NULL, NULL), 0);
}

struct pw_job {
	const char *hash;
	const char *password;
	int         result;
};

static void *
pw_worker(void *arg)
{
	struct pw_job *j = arg;

	j->result = password_verify(j->hash, j->password);
	return NULL;
}

static void
test_password_concurrent(void **state)
{
	pthread_t     th[4];
	struct pw_job jobs[4];
	char         *h;
	int           i, started;

	(void)state;
	h = password_hash("pw");
	jobs[0] = (struct pw_job){ h, "pw", -1 };
	jobs[1] = (struct pw_job){ h, "wrong", -1 };
	jobs[2] = (struct pw_job){ NULL, "pw", -1 };
	jobs[3] = (struct pw_job){ h, "pw", -1 };
	/* The workers only record results; this thread asserts. */
	for (started = 0; started < 4; started++)
		if (pthread_create(&th[started], NULL, pw_worker,
		        &jobs[started]) != 0)
			break;
	for (i = 0; i < started; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(started, 4);
	assert_int_equal(jobs[0].result, 1);
	assert_int_equal(jobs[1].result, 0);
	assert_int_equal(jobs[2].result, 0);
	assert_int_equal(jobs[3].result, 1);
	free(h);
}

/* Counts notifications from the hashing threads. */
static pthread_mutex_t notified_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  notified_cond = PTHREAD_COND_INITIALIZER;
static int             notified;

static void
count_notify(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&notified_mtx);
	notified++;
	pthread_cond_broadcast(&notified_cond);
	pthread_mutex_unlock(&notified_mtx);
}

/* Waits (bounded: 120 s) until n notifications have come; how many came. */
static int
await_notified(int n)
{
	struct timespec until;
	int             got;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 120;
	pthread_mutex_lock(&notified_mtx);
	while (notified < n &&
	    pthread_cond_timedwait(&notified_cond, &notified_mtx, &until) == 0)
		;
	got = notified;
	pthread_mutex_unlock(&notified_mtx);
	return got;
}

static void
test_password_pool_results(void **state)
{
	struct password_job *j[4];
	char                *h;
	int                  i;

	(void)state;
	notified = 0;
	h = password_hash("pw");
	j[0] = password_check_submit(h, "pw", count_notify, NULL);
	j[1] = password_check_submit(h, "wrong", count_notify, NULL);
	j[2] = password_check_submit(NULL, "pw", count_notify, NULL);
	j[3] = password_check_submit(h, NULL, count_notify, NULL);
	for (i = 0; i < 4; i++)
		assert_non_null(j[i]);
	assert_int_equal(await_notified(4), 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(password_job_done(j[i]), 1);
	assert_int_equal(password_job_ok(j[0]), 1);
	assert_int_equal(password_job_ok(j[1]), 0);
	assert_int_equal(password_job_ok(j[2]), 0);
	assert_int_equal(password_job_ok(j[3]), 0);
	for (i = 0; i < 4; i++)
		password_job_release(j[i]);
	password_pool_stop();
	free(h);
}

static void
test_password_pool_bounded(void **state)
{
	struct password_job *j[PASSWORD_QUEUE_MAX], *extra;
	int                  i;

	(void)state;
	notified = 0;
	password_pool_hold(1);
	for (i = 0; i < PASSWORD_QUEUE_MAX; i++)
		assert_non_null(j[i] = password_check_submit(NULL, "x",
		                    count_notify, NULL));
	assert_int_equal(password_queue_length(), PASSWORD_QUEUE_MAX);
	/* Full: refused at once, nothing queued. */
	assert_null(password_check_submit(NULL, "x", count_notify, NULL));
	assert_int_equal(password_queue_length(), PASSWORD_QUEUE_MAX);
	assert_int_equal(password_job_done(j[0]), 0);
	/* A job released before it ran still runs and notifies. */
	password_job_release(j[0]);
	password_pool_hold(0);
	assert_int_equal(await_notified(PASSWORD_QUEUE_MAX),
	    PASSWORD_QUEUE_MAX);
	assert_int_equal(password_queue_length(), 0);
	assert_non_null(
	    extra = password_check_submit(NULL, "x", count_notify, NULL));
	for (i = 1; i < PASSWORD_QUEUE_MAX; i++)
		password_job_release(j[i]);
	password_pool_stop(); /* finishes the queued job first */
	assert_int_equal(password_job_done(extra), 1);
	password_job_release(extra);
}

static void
test_password_generate(void **state)
{
	char *a, *b;
	int   i;

	(void)state;
	a = password_generate();
	b = password_generate();
	assert_int_equal(strlen(a), 20);
	assert_int_equal(strlen(b), 20);
	assert_true(all_in_set(a, PW_ALPHABET));
	assert_true(all_in_set(b, PW_ALPHABET));
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	for (i = 0; i < 200; i++) {
		a = password_generate();
		assert_int_equal(strlen(a), 20);
		assert_true(all_in_set(a, PW_ALPHABET));
		assert_null(strpbrk(a, "lIoO01"));
		free(a);
	}
}

/* ---------------------------------------------------------------- */
/* totp */

#define RFC_SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static const struct {
	time_t      t;
	const char *code;
} rfc6238[] = {
	{ 59, "287082" },                    /* 94287082 */
	{ 1111111109, "081804" },            /* 07081804 */
	{ 1111111111, "050471" },            /* 14050471 */
	{ 1234567890, "005924" },            /* 89005924 */
	{ 2000000000, "279037" },            /* 69279037 */
	{ (time_t)20000000000LL, "353130" }, /* 65353130 */
};

static void
test_totp_rfc6238_vectors(void **state)
{
	char   out[TOTP_DIGITS + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rfc6238) / sizeof(rfc6238[0]); i++) {
		memset(out, 'x', sizeof(out));
		assert_int_equal(totp_code(RFC_SECRET, rfc6238[i].t, out), 0);
		assert_string_equal(out, rfc6238[i].code);
	}
	/* The code holds for the whole 30-second step. */
	assert_int_equal(totp_code(RFC_SECRET, 30, out), 0);
	assert_string_equal(out, "287082");
	assert_int_equal(totp_code(RFC_SECRET, 60, out), 0);
	assert_string_not_equal(out, "287082");
}

static void
test_totp_bad_secret(void **state)
{
	char    out[TOTP_DIGITS + 1];
	int64_t step;

	(void)state;
	assert_int_equal(totp_code("", 59, out), -1);
	assert_int_equal(totp_code(NULL, 59, out), -1);
	assert_int_equal(totp_code("!!!!!!!!", 59, out), -1);
	assert_int_equal(totp_code("GEZDGNB1", 59, out), -1);
	assert_int_equal(totp_verify("!!!!!!!!", 59, "287082", &step), -1);
	assert_int_equal(totp_verify(NULL, 59, "287082", &step), -1);
}

static void
test_totp_verify_window(void **state)
{
	const time_t  t = 1111111111;
	const int64_t s = 1111111111 / 30;
	int64_t       step;

	(void)state;
	step = -1;
	assert_int_equal(totp_verify(RFC_SECRET, t, "050471", &step), 0);
	assert_int_equal(step, s);
	step = -1;
	assert_int_equal(totp_verify(RFC_SECRET, t + 30, "050471", &step), 0);
	assert_int_equal(step, s);
	step = -1;
	assert_int_equal(totp_verify(RFC_SECRET, t - 30, "050471", &step), 0);
	assert_int_equal(step, s);
	step = -1;
	assert_int_equal(totp_verify(RFC_SECRET, t + 60, "050471", &step), -1);
	assert_int_equal(step, -1);
	assert_int_equal(totp_verify(RFC_SECRET, t - 60, "050471", &step), -1);
	assert_int_equal(step, -1);

	/* The previous step's code (081804, t=1111111109) is step s - 1. */
	assert_int_equal(totp_verify(RFC_SECRET, t, "081804", &step), 0);
	assert_int_equal(step, s - 1);

	/* Edge of time: step 0 and 1 with nothing before. */
	assert_int_equal(totp_verify(RFC_SECRET, 59, "287082", &step), 0);
	assert_int_equal(step, 1);
	assert_int_equal(totp_verify(RFC_SECRET, 5, "287082", &step), 0);
	assert_int_equal(step, 1);

	assert_int_equal(totp_verify(RFC_SECRET, t, "050472", &step), -1);
	assert_int_equal(totp_verify(RFC_SECRET, t, "12345", &step), -1);
	assert_int_equal(totp_verify(RFC_SECRET, t, "1234567", &step), -1);
	assert_int_equal(totp_verify(RFC_SECRET, t, "12a456", &step), -1);
	assert_int_equal(totp_verify(RFC_SECRET, t, "", &step), -1);
	assert_int_equal(totp_verify(RFC_SECRET, t, " 50471", &step), -1);
	assert_int_equal(totp_verify(RFC_SECRET, t, "050471 ", &step), -1);
	assert_int_equal(totp_verify(RFC_SECRET, t, "05047\xef\xbc\x91", &step),
	    -1);
	assert_int_equal(totp_verify(RFC_SECRET, t, NULL, &step), -1);
	assert_int_equal(totp_verify(RFC_SECRET, t, "14050471", &step), -1);
}

static void
test_totp_secret_generate(void **state)
{
	char   *a, *b, *raw = NULL;
	char    out[TOTP_DIGITS + 1];
	size_t  rawlen = 0;
	int64_t step;
	time_t  now = 1700000000;

	(void)state;
	a = totp_secret_generate();
	b = totp_secret_generate();
	assert_int_equal(strlen(a), 32);
	assert_true(all_in_set(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
	assert_null(strchr(a, '='));
	assert_string_not_equal(a, b);
	assert_int_equal(oath_base32_decode(a, strlen(a), &raw, &rawlen),
	    OATH_OK);
	assert_int_equal(rawlen, 20);
	free(raw);

	/* A generated secret works with its own codes. */
	assert_int_equal(totp_code(a, now, out), 0);
	assert_int_equal(strlen(out), 6);
	assert_int_equal(strspn(out, "0123456789"), 6);
	assert_int_equal(totp_verify(a, now, out, &step), 0);
	assert_int_equal(step, now / 30);
	free(a);
	free(b);
}

static void
test_totp_uri(void **state)
{
	char *u;

	(void)state;
	u = totp_uri("NMT Sverige", "anna.a@x", RFC_SECRET);
	assert_string_equal(u,
	    "otpauth://totp/NMT%20Sverige:anna.a%40x?secret=" RFC_SECRET
	    "&issuer=NMT%20Sverige&algorithm=SHA1&digits=6&period=30");
	free(u);

	u = totp_uri("NMT", "a:b/c?d&e=f~_-.", "ABC");
	assert_string_equal(u,
	    "otpauth://totp/NMT:a%3Ab%2Fc%3Fd%26e%3Df~_-.?secret=ABC"
	    "&issuer=NMT&algorithm=SHA1&digits=6&period=30");
	free(u);

	/* UTF-8 bytes are percent-encoded one by one. */
	u = totp_uri("NMT", "v\xc3\xa4st", "ABC");
	assert_non_null(strstr(u, "NMT:v%C3%A4st?"));
	free(u);
}

/* ---------------------------------------------------------------- */
/* token */

static void
test_token_generate(void **state)
{
	char *a, *b;

	(void)state;
	a = token_generate("nmts_");
	b = token_generate("nmts_");
	assert_int_equal(strlen(a), 5 + 43);
	assert_memory_equal(a, "nmts_", 5);
	assert_true(all_in_set(a + 5, B64URL_CHARS));
	assert_string_not_equal(a, b);
	free(a);
	free(b);

	a = token_generate("nmtt_");
	assert_int_equal(strlen(a), 5 + 43);
	assert_memory_equal(a, "nmtt_", 5);
	assert_true(all_in_set(a + 5, B64URL_CHARS));
	free(a);

	a = token_generate("");
	assert_int_equal(strlen(a), 43);
	free(a);
}

static void
test_token_hash(void **state)
{
	char h1[TOKEN_HASH_HEX], h2[TOKEN_HASH_HEX], h3[TOKEN_HASH_HEX];
	char expect[TOKEN_HASH_HEX];
	unsigned char raw[32];

	(void)state;
	token_hash(key_a, "nmts_abc", h1);
	token_hash(key_a, "nmts_abc", h2);
	assert_int_equal(strlen(h1), 64);
	assert_int_equal(strspn(h1, "0123456789abcdef"), 64);
	assert_string_equal(h1, h2);

	token_hash(key_b, "nmts_abc", h3);
	assert_string_not_equal(h1, h3);
	token_hash(key_a, "nmts_abd", h3);
	assert_string_not_equal(h1, h3);
	token_hash(key_a, "nmts_ab", h3);
	assert_string_not_equal(h1, h3);

	/* It is keyed BLAKE2b-256 of the token text. */
	crypto_generichash(raw, sizeof(raw), (const unsigned char *)"nmts_abc",
	    8, key_a, KEY_BYTES);
	sodium_bin2hex(expect, sizeof(expect), raw, sizeof(raw));
	assert_string_equal(h1, expect);
}

/* A UUID v7 (RFC 9562 §5.7) whose time is within [lo, hi] ms. */
static void
assert_uuid_v7(const char *u, uint64_t lo, uint64_t hi)
{
	uint64_t ms = 0;
	size_t   i;

	assert_int_equal(strlen(u), 36);
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(u[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", u[i]));
	}
	assert_int_equal(u[14], '7');
	assert_non_null(strchr("89ab", u[19]));
	for (i = 0; i < 13; i++)
		if (i != 8)
			ms = ms * 16 +
			    (uint64_t)(strchr("0123456789abcdef", u[i]) -
			        "0123456789abcdef");
	assert_in_range(ms, lo, hi);
}

static void
test_token_uuid(void **state)
{
	char     a[UUID_TEXT], b[UUID_TEXT];
	uint64_t t0, t1;
	int      i;

	(void)state;
	t0 = clock_now_ms();
	token_uuid(a);
	token_uuid(b);
	t1 = clock_now_ms();
	assert_uuid_v7(a, t0, t1);
	assert_uuid_v7(b, t0, t1);
	assert_string_not_equal(a, b);
	/* the random bits after the time differ from id to id */
	for (i = 0; i < 500; i++) {
		memcpy(b, a, sizeof(a));
		token_uuid(a);
		assert_uuid_v7(a, t0, clock_now_ms());
		assert_string_not_equal(a + 15, b + 15);
	}
	/* a later id sorts after an earlier one, as text */
	token_uuid(a);
	t0 = clock_now_ms();
	while (clock_now_ms() <= t0)
		;
	token_uuid(b);
	assert_true(strcmp(a, b) < 0);
}

static void
test_token_equal(void **state)
{
	(void)state;
	assert_int_equal(token_equal("abc", "abc"), 1);
	assert_int_equal(token_equal("", ""), 1);
	assert_int_equal(token_equal("abc", "abd"), 0);
	assert_int_equal(token_equal("abc", "ab"), 0);
	assert_int_equal(token_equal("ab", "abc"), 0);
	assert_int_equal(token_equal("abc", ""), 0);
	assert_int_equal(token_equal("Abc", "abc"), 0);
}

/* ---------------------------------------------------------------- */
/* chain */

static void
chain_of(const unsigned char *key, const char *prev, const char *const *f,
    size_t n, char out[CHAIN_HASH_HEX])
{
	chain_hash(key, prev, f, n, out);
	assert_int_equal(strlen(out), 64);
	assert_int_equal(strspn(out, "0123456789abcdef"), 64);
}

static void
test_chain_deterministic(void **state)
{
	const char *f[] = { "1", "2024-01-01T00:00:00Z", "anna", NULL,
		"case.read", "case:x" };
	char        h1[CHAIN_HASH_HEX], h2[CHAIN_HASH_HEX];

	(void)state;
	chain_of(key_a, CHAIN_GENESIS, f, 6, h1);
	chain_of(key_a, CHAIN_GENESIS, f, 6, h2);
	assert_string_equal(h1, h2);
	assert_string_not_equal(h1, CHAIN_GENESIS);
}

/*
 * Known answers, computed once outside this code base with Python's
 * hashlib (not libsodium, not chain.c), following the encoding documented
 * in src/crypto/chain.c: the 64 characters of the previous hash, then per
 * field a tag byte (0 = NULL, 1 = present) and, for a present field, its
 * length as 8 bytes big-endian and its UTF-8 bytes; keyed BLAKE2b with a
 * 32-byte digest. key_a is 32 bytes of 0x11, key_b 32 bytes of 0x22.
 *
 *   import hashlib, struct
 *   def h(prev, fields, key=b'\x11' * 32):
 *       m = prev.encode()[:64].ljust(64, b'\0')
 *       for f in fields:
 *           if f is None: m += b'\0'
 *           else:
 *               b = f.encode(); m += b'\1' + struct.pack('>Q', len(b)) + b
 *       return hashlib.blake2b(m, key=key, digest_size=32).hexdigest()
 *
 * A change to the encoding, the hash or the key use breaks these, even if
 * it is made consistently everywhere (which would orphan every stored
 * chain).
 */
static void
test_chain_encoding(void **state)
{
	const char *f[] = { "ab", NULL, "" };
	const char *e1[] = { "1", "2026-11-28T21:00:00Z", "sara", "NMT",
		"case.read", "case:0b1c", NULL, "127.0.0.1", "0" };
	const char *e2[] = { "2", "2026-11-28T21:00:01Z",
		"r\xc3\xa4ksm\xc3\xb6rg\xc3\xa5s", NULL, "login.failure", "",
		NULL, "::1", "1" };
	const char *s[] = { "1", "login.success" };
	static char x[1001], y[101], z[3001];
	const char *l[] = { x, y, NULL, z, "w" };
	char        h[CHAIN_HASH_HEX], h1[CHAIN_HASH_HEX];

	(void)state;
	/* h(GENESIS, ["ab", None, ""]) */
	chain_of(key_a, CHAIN_GENESIS, f, 3, h);
	assert_string_equal(h,
	    "0bb004b76150996256bc9450ca42ff54"
	    "a28fc520ade99099e344c2d670ef20b3");
	/* The same with key_b. */
	chain_of(key_b, CHAIN_GENESIS, f, 3, h);
	assert_string_equal(h,
	    "fa2d2e2226b6a837377df5517af198ab"
	    "19e375a4fae1df8bfe3debecae949da4");
	/* h(GENESIS, []): the keyed hash of the previous hash alone. */
	chain_of(key_a, CHAIN_GENESIS, NULL, 0, h);
	assert_string_equal(h,
	    "de2c4b85c7266cf49d0ff8a9d889e17e"
	    "45a363835adcde9fb0dc803d35e0f720");
	/* Two linked entries, with non-ASCII text ("räksmörgås"). */
	chain_of(key_a, CHAIN_GENESIS, e1, 9, h1);
	assert_string_equal(h1,
	    "d213921bd7f745a42bbde5cbf0f9b2bb"
	    "73a3f225b3c96a1ea82bc0ce04646dbe");
	chain_of(key_a, h1, e2, 9, h);
	assert_string_equal(h,
	    "7e26cfb1d4c8132ccae2b76da82494da"
	    "8b527cea2603aa8b83033196e4c654bd");
	/* A short (malformed) prev is padded with NUL bytes to 64. */
	chain_of(key_a, "abc", s, 2, h);
	assert_string_equal(h,
	    "1ceb238bbb05c8c8683b6c1ec42436fc"
	    "9de1c4038ec2176bf5e8573ee9d0028c");
	/*
	 * Long fields: h(GENESIS, ["x" * 1000, "y" * 100, None,
	 * "z" * 3000, "w"]): fields of more than a kilobyte, and of more than
	 * libsodium's 128-byte BLAKE2b block.
	 */
	memset(x, 'x', 1000);
	memset(y, 'y', 100);
	memset(z, 'z', 3000);
	chain_of(key_a, CHAIN_GENESIS, l, 5, h);
	assert_string_equal(h,
	    "2c18f5860e972bb83864c62eb3c25ede"
	    "06a7c9f9d2e93ab4cd33ccd828a5ecfd");
}

static void
test_chain_sensitivity(void **state)
{
	const char *base[] = { "1", "anna", NULL, "case.read" };
	const char *other[4];
	char        h0[CHAIN_HASH_HEX], h[CHAIN_HASH_HEX], prev[CHAIN_HASH_HEX];
	size_t      i;

	(void)state;
	chain_of(key_a, CHAIN_GENESIS, base, 4, h0);

	/* Any one field changed. */
	for (i = 0; i < 4; i++) {
		memcpy(other, base, sizeof(base));
		other[i] = base[i] == NULL ? "x" : "y";
		chain_of(key_a, CHAIN_GENESIS, other, 4, h);
		assert_string_not_equal(h, h0);
	}

	/* NULL versus "" (either way round). */
	memcpy(other, base, sizeof(base));
	other[2] = "";
	chain_of(key_a, CHAIN_GENESIS, other, 4, h);
	assert_string_not_equal(h, h0);
	memcpy(other, base, sizeof(base));
	other[1] = NULL;
	chain_of(key_a, CHAIN_GENESIS, other, 4, h);
	assert_string_not_equal(h, h0);

	/* A field fewer, or one more NULL field. */
	chain_of(key_a, CHAIN_GENESIS, base, 3, h);
	assert_string_not_equal(h, h0);

	/* The previous hash and the key. */
	chain_of(key_a, h0, base, 4, prev);
	assert_string_not_equal(prev, h0);
	chain_of(key_b, CHAIN_GENESIS, base, 4, h);
	assert_string_not_equal(h, h0);
	memcpy(prev, CHAIN_GENESIS, CHAIN_HASH_HEX);
	prev[63] = '1';
	chain_of(key_a, prev, base, 4, h);
	assert_string_not_equal(h, h0);
}

static void
test_chain_boundaries(void **state)
{
	const char *ab_c[] = { "ab", "c" };
	const char *a_bc[] = { "a", "bc" };
	const char *abc[] = { "abc" };
	const char *abc_e[] = { "abc", "" };
	const char *abc_n[] = { "abc", NULL };
	const char *n_abc[] = { NULL, "abc" };
	char        h1[CHAIN_HASH_HEX], h2[CHAIN_HASH_HEX], h3[CHAIN_HASH_HEX];
	char        h4[CHAIN_HASH_HEX], h5[CHAIN_HASH_HEX], h6[CHAIN_HASH_HEX];

	(void)state;
	chain_of(key_a, CHAIN_GENESIS, ab_c, 2, h1);
	chain_of(key_a, CHAIN_GENESIS, a_bc, 2, h2);
	chain_of(key_a, CHAIN_GENESIS, abc, 1, h3);
	chain_of(key_a, CHAIN_GENESIS, abc_e, 2, h4);
	chain_of(key_a, CHAIN_GENESIS, abc_n, 2, h5);
	chain_of(key_a, CHAIN_GENESIS, n_abc, 2, h6);
	assert_string_not_equal(h1, h2);
	assert_string_not_equal(h1, h3);
	assert_string_not_equal(h2, h3);
	assert_string_not_equal(h3, h4);
	assert_string_not_equal(h3, h5);
	assert_string_not_equal(h4, h5);
	assert_string_not_equal(h5, h6);

	/* Swapped fields. */
	{
		const char *x[] = { "a", "b" };
		const char *y[] = { "b", "a" };

		chain_of(key_a, CHAIN_GENESIS, x, 2, h1);
		chain_of(key_a, CHAIN_GENESIS, y, 2, h2);
		assert_string_not_equal(h1, h2);
	}
}

static void
test_chain_links(void **state)
{
	const char *e1[] = { "1", "login.success" };
	const char *e2[] = { "2", "case.read" };
	char        a1[CHAIN_HASH_HEX], a2[CHAIN_HASH_HEX];
	char        b1[CHAIN_HASH_HEX], b2[CHAIN_HASH_HEX];

	(void)state;
	/* Reordering two entries changes the head. */
	chain_of(key_a, CHAIN_GENESIS, e1, 2, a1);
	chain_of(key_a, a1, e2, 2, a2);
	chain_of(key_a, CHAIN_GENESIS, e2, 2, b1);
	chain_of(key_a, b1, e1, 2, b2);
	assert_string_not_equal(a2, b2);

	/* Removing the first entry changes the head. */
	chain_of(key_a, CHAIN_GENESIS, e2, 2, b1);
	assert_string_not_equal(a2, b1);

	/* A malformed (short) prev does not crash and differs. */
	chain_of(key_a, "abc", e1, 2, b1);
	assert_string_not_equal(a1, b1);
}

/*
 * The one reader of secret files: a missing file is 1 and allocates
 * nothing; a 0600 file up to max bytes is read whole; group or other
 * bits, a directory or a longer file are refused with the path and the
 * reason, never the content.
 */
static void
test_secret_file_read(void **state)
{
	struct keys_fixture *f = *state;
	static const mode_t  open_modes[] = { 0640, 0604, 0610, 0620, 0601,
		 0602 };
	unsigned char       *buf = (unsigned char *)"untouched";
	struct stat          st;
	size_t               len = 99, i;
	char                 err[256];

	assert_int_equal(secret_file_read(f->path, 16, "test secret", &buf,
	                     &len, NULL, err, sizeof(err)),
	    1);
	assert_null(buf);
	assert_int_equal(len, 0);

	write_file(f->path, "s3cr3t-v4lue\n", 13, 0600);
	memset(&st, 0, sizeof(st));
	assert_int_equal(secret_file_read(f->path, 13, "test secret", &buf,
	                     &len, &st, err, sizeof(err)),
	    0);
	assert_int_equal(len, 13);
	assert_memory_equal(buf, "s3cr3t-v4lue\n", 13);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 13);
	sodium_free(buf);

	assert_int_equal(secret_file_read(f->path, 12, "test secret", &buf,
	                     &len, NULL, err, sizeof(err)),
	    -1);
	assert_null(buf);
	assert_non_null(strstr(err, "test secret "));
	assert_non_null(strstr(err, "too long"));
	assert_null(strstr(err, "s3cr3t"));

	for (i = 0; i < sizeof(open_modes) / sizeof(open_modes[0]); i++) {
		write_file(f->path, "s3cr3t-v4lue\n", 13, open_modes[i]);
		err[0] = '\0';
		assert_int_equal(secret_file_read(f->path, 64, "test secret",
		                     &buf, &len, NULL, err, sizeof(err)),
		    -1);
		assert_null(buf);
		assert_non_null(strstr(err, f->path));
		assert_non_null(strstr(err, "0600 or stricter"));
		assert_null(strstr(err, "s3cr3t"));
	}
	assert_int_equal(secret_file_read(f->dir, 64, "test secret", &buf, &len,
	                     NULL, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "not a regular file"));

	write_file(f->path, "", 0, 0400);
	assert_int_equal(secret_file_read(f->path, 64, "test secret", &buf,
	                     &len, NULL, err, sizeof(err)),
	    0);
	assert_int_equal(len, 0);
	sodium_free(buf);
}

/* ---------------------------------------------------------------- */

int
main(void)
{
	const struct CMUnitTest keys_tests[] = {
		cmocka_unit_test_setup_teardown(test_keys_create_and_reload,
		    keys_setup, keys_teardown),
		cmocka_unit_test_setup_teardown(test_keys_two_files_differ,
		    keys_setup, keys_teardown),
		cmocka_unit_test_setup_teardown(
		    test_keys_missing_without_create, keys_setup,
		    keys_teardown),
		cmocka_unit_test_setup_teardown(test_keys_bad_content,
		    keys_setup, keys_teardown),
		cmocka_unit_test_setup_teardown(test_keys_rotate, keys_setup,
		    keys_teardown),
		cmocka_unit_test_setup_teardown(test_keys_v2_content,
		    keys_setup, keys_teardown),
		cmocka_unit_test_setup_teardown(test_secret_file_read,
		    keys_setup, keys_teardown),
		cmocka_unit_test(test_seal_key_id),
	};
	const struct CMUnitTest seal_tests[] = {
		cmocka_unit_test(test_seal_round_trip),
		cmocka_unit_test(test_seal_wrong_aad_or_key),
		cmocka_unit_test(test_seal_tampered),
		cmocka_unit_test(test_seal_random_nonce),
		cmocka_unit_test(test_seal_malformed),
	};
	const struct CMUnitTest password_tests[] = {
		cmocka_unit_test(test_password_hash_verify),
		cmocka_unit_test(test_password_verify_null_hash),
		cmocka_unit_test(test_password_concurrent),
		cmocka_unit_test(test_password_pool_results),
		cmocka_unit_test(test_password_pool_bounded),
		cmocka_unit_test(test_password_generate),
	};
	const struct CMUnitTest totp_tests[] = {
		cmocka_unit_test(test_totp_rfc6238_vectors),
		cmocka_unit_test(test_totp_bad_secret),
		cmocka_unit_test(test_totp_verify_window),
		cmocka_unit_test(test_totp_secret_generate),
		cmocka_unit_test(test_totp_uri),
	};
	const struct CMUnitTest token_tests[] = {
		cmocka_unit_test(test_token_generate),
		cmocka_unit_test(test_token_hash),
		cmocka_unit_test(test_token_uuid),
		cmocka_unit_test(test_token_equal),
	};
	const struct CMUnitTest chain_tests[] = {
		cmocka_unit_test(test_chain_deterministic),
		cmocka_unit_test(test_chain_encoding),
		cmocka_unit_test(test_chain_sensitivity),
		cmocka_unit_test(test_chain_boundaries),
		cmocka_unit_test(test_chain_links),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("keys", keys_tests, global_setup,
	    NULL);
	failed += cmocka_run_group_tests_name("seal", seal_tests, global_setup,
	    NULL);
	failed += cmocka_run_group_tests_name("password", password_tests,
	    global_setup, NULL);
	failed += cmocka_run_group_tests_name("totp", totp_tests, global_setup,
	    NULL);
	failed += cmocka_run_group_tests_name("token", token_tests,
	    global_setup, NULL);
	failed += cmocka_run_group_tests_name("chain", chain_tests,
	    global_setup, NULL);
	return failed == 0 ? 0 : 1;
}
