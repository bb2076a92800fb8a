/*
 * password.c — Argon2id password hashes and generated passwords.
 *
 * Owns hashing and verification with crypto_pwhash_str (INTERACTIVE
 * limits), the limit of two concurrent Argon2id computations, the dummy
 * hash that makes an unknown user cost as much as a known one, and the
 * generation of random passwords from an unambiguous alphabet.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/util.h"
#include "crypto/password.h"
#include "crypto/sodium_once.h"

#define PW_OPSLIMIT       crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEMLIMIT       crypto_pwhash_MEMLIMIT_INTERACTIVE
#define PW_MAX_CONCURRENT 2
#define PW_GEN_LEN        20

static const char pw_alphabet[] =
    "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char           dummy_hash[crypto_pwhash_STRBYTES];

/* Counting semaphore: at most PW_MAX_CONCURRENT Argon2id runs at once. */
static pthread_mutex_t slot_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  slot_cond = PTHREAD_COND_INITIALIZER;
static int             slots_busy;

static void
slot_acquire(void)
{
	if (pthread_mutex_lock(&slot_mtx) != 0)
		crypto_die("password: mutex lock failed");
	while (slots_busy >= PW_MAX_CONCURRENT)
		pthread_cond_wait(&slot_cond, &slot_mtx);
	slots_busy++;
	pthread_mutex_unlock(&slot_mtx);
}

static void
slot_release(void)
{
	if (pthread_mutex_lock(&slot_mtx) != 0)
		crypto_die("password: mutex lock failed");
	slots_busy--;
	pthread_cond_signal(&slot_cond);
	pthread_mutex_unlock(&slot_mtx);
}

/* The dummy hash is of a random password nobody knows. */
static void
dummy_init(void)
{
	unsigned char secret[32];
	char          hex[sizeof(secret) * 2 + 1];

	randombytes_buf(secret, sizeof(secret));
	sodium_bin2hex(hex, sizeof(hex), secret, sizeof(secret));
	if (crypto_pwhash_str(dummy_hash, hex, strlen(hex), PW_OPSLIMIT,
	        PW_MEMLIMIT) != 0)
		crypto_die(
		    "password: cannot compute dummy hash (out of memory)");
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(hex, sizeof(hex));
}

char *
password_hash(const char *password)
{
	char out[crypto_pwhash_STRBYTES];
	int  rc;

	crypto_ready();
	if (password == NULL)
		crypto_die("password_hash: NULL password");
	slot_acquire();
	rc = crypto_pwhash_str(out, password, strlen(password), PW_OPSLIMIT,
	    PW_MEMLIMIT);
	slot_release();
	if (rc != 0)
		crypto_die(
		    "password_hash: crypto_pwhash_str failed (out of memory)");
	return xstrdup(out);
}

int
password_verify(const char *hash, const char *password)
{
	int ok, rc;

	crypto_ready();
	if (password == NULL) {
		/* Still spend the work, but never succeed. */
		password = "";
		hash = NULL;
	}
	slot_acquire();
	if (hash == NULL) {
		pthread_once(&dummy_once, dummy_init);
		rc = crypto_pwhash_str_verify(dummy_hash, password,
		    strlen(password));
		(void)rc; /* a random password: the result is moot */
		ok = 0;
	} else {
		ok = crypto_pwhash_str_verify(hash, password,
		         strlen(password)) == 0;
	}
	slot_release();
	return ok;
}

char *
password_generate(void)
{
	char  *s;
	size_t i;

	crypto_ready();
	s = xmalloc(PW_GEN_LEN + 1);
	for (i = 0; i < PW_GEN_LEN; i++)
		s[i] = pw_alphabet[randombytes_uniform(
		    (uint32_t)(sizeof(pw_alphabet) - 1))];
	s[PW_GEN_LEN] = '\0';
	return s;
}
