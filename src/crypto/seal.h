/*
 * seal.h — authenticated encryption of sensitive fields at rest.
 *
 * XChaCha20-Poly1305 (IETF) with a random nonce per seal; the associated
 * data binds a ciphertext to its row and field (for example
 * "person:<id>:identity"), so a sealed value copied to another row or
 * field does not open. The stored form is text naming the master key it
 * is sealed under: "v2.<id>." followed by base64url (no padding) of
 * nonce || ciphertext. The older form "v1." + base64url is a value under
 * master key 1 (the key of a version 1 key file) and still opens.
 */
#ifndef NMT_CRYPTO_SEAL_H
#define NMT_CRYPTO_SEAL_H

#include <stddef.h>

#include "crypto/keys.h"

/*
 * Seals under the newest key of ks. Returns a malloc'd NUL-terminated
 * sealed text. Never fails (aborts on OOM).
 */
char *seal_text(struct seal_keys *ks, const char *plain, size_t len,
    const char *aad);

/*
 * Opens a sealed text under whichever key of ks it names. On success
 * returns 0 and *plain_r (malloc'd, NUL-terminated; caller wipes with
 * sodium_memzero before free) and *len_r. Returns -1 when the text is
 * malformed, names a key ks does not hold, the key or associated data is
 * wrong, or the ciphertext was altered.
 */
int seal_open(struct seal_keys *ks, const char *sealed, const char *aad,
    char **plain_r, size_t *len_r);

/*
 * The master key id a sealed text names (1 for "v1."), or 0 when it is
 * malformed.
 */
unsigned seal_key_id(const char *sealed);

/*
 * Opens sealed under ks and seals it again under ks's newest key, with
 * the same associated data; the clear text never leaves this module.
 * Returns the new malloc'd text, or NULL when it does not open.
 */
char *seal_again(struct seal_keys *ks, const char *sealed, const char *aad);

/* The same on one raw key, in the "v1." form (tests, version 1 values). */
char *seal_text_v1(const unsigned char *key, const char *plain, size_t len,
    const char *aad);
int seal_open_v1(const unsigned char *key, const char *sealed, const char *aad,
    char **plain_r, size_t *len_r);
/*
 * The same for secrets (a TOTP secret): *plain_r is in sodium_malloc
 * memory; release it with sodium_free, which wipes it.
 */
int seal_open_secret(struct seal_keys *ks, const char *sealed, const char *aad,
    char **plain_r, size_t *len_r);

#endif
