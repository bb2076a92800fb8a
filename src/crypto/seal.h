/*
 * seal.h — authenticated encryption of sensitive fields at rest.
 *
 * XChaCha20-Poly1305 (IETF) with a random nonce per seal; the associated
 * data binds a ciphertext to its row and field (for example
 * "person:<id>:identity"), so a sealed value copied to another row or
 * field does not open. The stored form is text: "v1." followed by
 * base64url (no padding) of nonce || ciphertext.
 */
#ifndef NMT_CRYPTO_SEAL_H
#define NMT_CRYPTO_SEAL_H

#include <stddef.h>

/*
 * Returns a malloc'd NUL-terminated sealed text. Never fails (aborts on
 * OOM).
 */
char *seal_text(const unsigned char *key, const char *plain, size_t len,
    const char *aad);

/*
 * Opens a sealed text. On success returns 0 and *plain_r (malloc'd,
 * NUL-terminated; caller wipes with sodium_memzero before free) and
 * *len_r. Returns -1 when the text is malformed, the key or associated
 * data is wrong, or the ciphertext was altered.
 */
int seal_open(const unsigned char *key, const char *sealed, const char *aad,
    char **plain_r, size_t *len_r);
/*
 * The same for secrets (a TOTP secret): *plain_r is in sodium_malloc
 * memory; release it with sodium_free, which wipes it.
 */
int seal_open_secret(const unsigned char *key, const char *sealed,
    const char *aad, char **plain_r, size_t *len_r);

#endif
