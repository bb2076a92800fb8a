/*
 * keys.h — the master key file and the purpose-bound subkeys derived from it.
 *
 * The key file holds 32 random bytes as 64 lowercase hex characters and a
 * newline; it lives outside the database and is created with mode 0600.
 * Every purpose gets its own subkey (libsodium crypto_kdf), so a leak of one
 * use never exposes another. Keys live in sodium_malloc'd memory.
 */
#ifndef NMT_CRYPTO_KEYS_H
#define NMT_CRYPTO_KEYS_H

#include <stddef.h>

#define KEY_BYTES 32

enum key_purpose {
	KEY_IDENTITY = 1, /* sealing of person identity blocks */
	KEY_TOTP = 2,     /* sealing of users' TOTP secrets */
	KEY_TOKEN = 3,    /* keyed hashes of session and API tokens */
	KEY_AUDIT = 4,    /* the audit chain's keyed hash */
};

struct keyring {
	unsigned char *identity; /* each KEY_BYTES, sodium_malloc'd */
	unsigned char *totp;
	unsigned char *token;
	unsigned char *audit;
};

/*
 * Reads the key file at path; when it does not exist and create is
 * non-zero, writes a new random one (mode 0600, O_EXCL). Fills ring.
 * Returns 0, or -1 with a message (no key material) in err (errlen bytes).
 */
int keys_load(const char *path, int create, struct keyring *ring, char *err,
    size_t errlen);

/* Wipes and frees the subkeys. */
void keys_free(struct keyring *ring);

#endif
