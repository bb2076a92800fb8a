/*
 * seal.c — authenticated encryption of sensitive fields at rest.
 *
 * Owns the sealed text format: "v1." followed by base64url (no padding)
 * of a random 24-byte nonce and the XChaCha20-Poly1305 (IETF) ciphertext.
 * The associated data (NULL meaning empty) binds a sealed value to its
 * row and field. A secret (a TOTP secret) opens into sodium_malloc
 * memory, anything else into the heap.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/seal.h"
#include "core/util.h"
#include "crypto/sodium_once.h"

#define SEAL_PREFIX     "v1."
#define SEAL_PREFIX_LEN (sizeof(SEAL_PREFIX) - 1)
#define SEAL_B64        sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define NONCE_BYTES     crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES       crypto_aead_xchacha20poly1305_ietf_ABYTES

char *
seal_text(const unsigned char *key, const char *plain, size_t len,
    const char *aad)
{
	unsigned char     *bin;
	unsigned long long clen;
	size_t             binlen, b64len;
	char              *out;

	crypto_ready();
	if (plain == NULL)
		plain = "";
	if (aad == NULL)
		aad = "";
	if (len > SIZE_MAX - NONCE_BYTES - TAG_BYTES ||
	    len > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX) {
		fputs("nmt: seal_text: message too long\n", stderr);
		abort();
	}

	binlen = NONCE_BYTES + len + TAG_BYTES;
	bin = xmalloc(binlen);
	randombytes_buf(bin, NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(bin + NONCE_BYTES, &clen,
	    (const unsigned char *)plain, len, (const unsigned char *)aad,
	    strlen(aad), NULL, bin, key);

	b64len = sodium_base64_ENCODED_LEN(binlen, SEAL_B64);
	out = xmalloc(SEAL_PREFIX_LEN + b64len);
	memcpy(out, SEAL_PREFIX, SEAL_PREFIX_LEN);
	sodium_bin2base64(out + SEAL_PREFIX_LEN, b64len, bin, binlen, SEAL_B64);
	free(bin);
	return out;
}

static void *
heap_alloc(size_t n)
{
	return xmalloc(n);
}

/* Opens into memory from alloc, released with release (wiped first). */
static int
open_with(const unsigned char *key, const char *sealed, const char *aad,
    char **plain_r, size_t *len_r, void *(*alloc)(size_t),
    void (*release)(void *))
{
	unsigned char     *bin;
	unsigned long long mlen;
	const char        *b64;
	size_t             b64len, binmax, binlen;
	char              *plain;

	crypto_ready();
	*plain_r = NULL;
	*len_r = 0;
	if (sealed == NULL ||
	    strncmp(sealed, SEAL_PREFIX, SEAL_PREFIX_LEN) != 0)
		return -1;
	if (aad == NULL)
		aad = "";

	b64 = sealed + SEAL_PREFIX_LEN;
	b64len = strlen(b64);
	/* Shortest valid text: an empty message, nonce and tag only. */
	if (b64len < (NONCE_BYTES + TAG_BYTES) * 4 / 3)
		return -1;
	binmax = b64len / 4 * 3 + 3;
	bin = xmalloc(binmax);
	if (sodium_base642bin(bin, binmax, b64, b64len, NULL, &binlen, NULL,
	        SEAL_B64) != 0 ||
	    binlen < NONCE_BYTES + TAG_BYTES) {
		free(bin);
		return -1;
	}

	plain = alloc(binlen - NONCE_BYTES - TAG_BYTES + 1);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)plain,
	        &mlen, NULL, bin + NONCE_BYTES, binlen - NONCE_BYTES,
	        (const unsigned char *)aad, strlen(aad), bin, key) != 0) {
		release(plain);
		free(bin);
		return -1;
	}
	free(bin);
	plain[mlen] = '\0';
	*plain_r = plain;
	*len_r = (size_t)mlen;
	return 0;
}

int
seal_open(const unsigned char *key, const char *sealed, const char *aad,
    char **plain_r, size_t *len_r)
{
	return open_with(key, sealed, aad, plain_r, len_r, heap_alloc, free);
}

int
seal_open_secret(const unsigned char *key, const char *sealed, const char *aad,
    char **plain_r, size_t *len_r)
{
	return open_with(key, sealed, aad, plain_r, len_r, crypto_secret_alloc,
	    sodium_free);
}
