/*
 * seal.c — authenticated encryption of sensitive fields at rest.
 *
 * Owns the sealed text formats: "v2.<id>." (the master key id, decimal)
 * or the older "v1." (master key 1), followed by base64url (no padding)
 * of a random 24-byte nonce and the XChaCha20-Poly1305 (IETF)
 * ciphertext. The associated data (NULL meaning empty) binds a sealed
 * value to its row and field. Keys come from keys.c, locked for the
 * duration of one operation. A secret (a TOTP secret) opens into
 * sodium_malloc memory, anything else into the heap.
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

#define SEAL_V1      "v1."
#define SEAL_V2      "v2."
#define SEAL_PFX_LEN 3
#define SEAL_B64     sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define NONCE_BYTES  crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES    crypto_aead_xchacha20poly1305_ietf_ABYTES
#define ID_TEXT      16

/* prefix + base64url(nonce || ciphertext); malloc'd. */
static char *
seal_raw(const unsigned char *key, const char *prefix, const char *plain,
    size_t len, const char *aad)
{
	unsigned char     *bin;
	unsigned long long clen;
	size_t             binlen, b64len, plen = strlen(prefix);
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
	out = xmalloc(plen + b64len);
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, b64len, bin, binlen, SEAL_B64);
	free(bin);
	return out;
}

static void *
heap_alloc(size_t n)
{
	return xmalloc(n);
}

/*
 * Opens the base64url part b64 under key, into memory from alloc
 * (released with release on failure).
 */
static int
open_raw(const unsigned char *key, const char *b64, const char *aad,
    char **plain_r, size_t *len_r, void *(*alloc)(size_t),
    void (*release)(void *))
{
	unsigned char     *bin;
	unsigned long long mlen;
	size_t             b64len, binmax, binlen;
	char              *plain;

	if (aad == NULL)
		aad = "";
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

/*
 * The key id a sealed text names and where its base64url part starts;
 * 0 when malformed.
 */
static unsigned
parse_prefix(const char *sealed, const char **b64_r)
{
	const char   *p;
	unsigned long v = 0;
	size_t        n = 0;

	if (sealed == NULL)
		return 0;
	if (strncmp(sealed, SEAL_V1, SEAL_PFX_LEN) == 0) {
		*b64_r = sealed + SEAL_PFX_LEN;
		return 1;
	}
	if (strncmp(sealed, SEAL_V2, SEAL_PFX_LEN) != 0)
		return 0;
	p = sealed + SEAL_PFX_LEN;
	if (*p < '1' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9') {
		if (++n > 9)
			return 0;
		v = v * 10 + (unsigned long)(*p++ - '0');
	}
	if (*p != '.' || v > KEY_ID_MAX)
		return 0;
	*b64_r = p + 1;
	return (unsigned)v;
}

unsigned
seal_key_id(const char *sealed)
{
	const char *b64;

	return parse_prefix(sealed, &b64);
}

char *
seal_text(struct seal_keys *ks, const char *plain, size_t len, const char *aad)
{
	const unsigned char *key;
	unsigned             id;
	char                 prefix[ID_TEXT], *out;

	key = seal_keys_newest(ks, &id);
	snprintf(prefix, sizeof(prefix), SEAL_V2 "%u.", id);
	out = seal_raw(key, prefix, plain, len, aad);
	seal_keys_release(ks);
	return out;
}

/* Opens under whichever key of ks the text names, into alloc's memory. */
static int
open_keyed(struct seal_keys *ks, const char *sealed, const char *aad,
    char **plain_r, size_t *len_r, void *(*alloc)(size_t),
    void (*release)(void *))
{
	const unsigned char *key;
	const char          *b64;
	unsigned             id;
	int                  rc;

	crypto_ready();
	*plain_r = NULL;
	*len_r = 0;
	if ((id = parse_prefix(sealed, &b64)) == 0 ||
	    (key = seal_keys_find(ks, id)) == NULL)
		return -1;
	rc = open_raw(key, b64, aad, plain_r, len_r, alloc, release);
	seal_keys_release(ks);
	return rc;
}

int
seal_open(struct seal_keys *ks, const char *sealed, const char *aad,
    char **plain_r, size_t *len_r)
{
	return open_keyed(ks, sealed, aad, plain_r, len_r, heap_alloc, free);
}

int
seal_open_secret(struct seal_keys *ks, const char *sealed, const char *aad,
    char **plain_r, size_t *len_r)
{
	return open_keyed(ks, sealed, aad, plain_r, len_r, crypto_secret_alloc,
	    sodium_free);
}

char *
seal_again(struct seal_keys *ks, const char *sealed, const char *aad)
{
	char  *plain, *out;
	size_t len;

	if (seal_open(ks, sealed, aad, &plain, &len) != 0)
		return NULL;
	out = seal_text(ks, plain, len, aad);
	sodium_memzero(plain, len);
	free(plain);
	return out;
}

char *
seal_text_v1(const unsigned char *key, const char *plain, size_t len,
    const char *aad)
{
	return seal_raw(key, SEAL_V1, plain, len, aad);
}

int
seal_open_v1(const unsigned char *key, const char *sealed, const char *aad,
    char **plain_r, size_t *len_r)
{
	crypto_ready();
	*plain_r = NULL;
	*len_r = 0;
	if (sealed == NULL || strncmp(sealed, SEAL_V1, SEAL_PFX_LEN) != 0)
		return -1;
	return open_raw(key, sealed + SEAL_PFX_LEN, aad, plain_r, len_r,
	    heap_alloc, free);
}
