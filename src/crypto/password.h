/*
 * password.h — Argon2id password hashes and generated passwords.
 *
 * Hashes use libsodium's crypto_pwhash_str (Argon2id, INTERACTIVE limits).
 * At most two hashes are computed at once (a semaphore) so a burst of logins
 * cannot exhaust memory.
 */
#ifndef NMT_CRYPTO_PASSWORD_H
#define NMT_CRYPTO_PASSWORD_H

/* Returns a malloc'd encoded hash ("$argon2id$..."). Aborts on failure. */
char *password_hash(const char *password);

/*
 * Returns 1 when password matches the encoded hash, else 0. With hash
 * NULL it spends the same work against a fixed dummy hash and returns 0,
 * so an unknown user costs as much time as a known one.
 */
int password_verify(const char *hash, const char *password);

/*
 * Returns a malloc'd random password of 20 characters from an unambiguous
 * alphabet.
 */
char *password_generate(void);

#endif
