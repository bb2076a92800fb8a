/*
 * blind.c — keyed blind indexes (see blind.h). The index subkeys are
 * derived on each use from the identity subkey, which stays locked in
 * struct seal_keys meanwhile, and wiped at once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/blind.h"
#include "crypto/sodium_once.h"

#define BLIND_CONTEXT "NMTBLIND"
#define BLIND_BYTES   32

void
blind_index(const unsigned char *identity_key, enum blind_kind kind,
    const char *value, char out[BLIND_HEX])
{
	unsigned char sub[KEY_BYTES], h[BLIND_BYTES];

	crypto_ready();
	if (crypto_kdf_derive_from_key(sub, sizeof(sub), (uint64_t)kind,
	        BLIND_CONTEXT, identity_key) != 0 ||
	    crypto_generichash(h, sizeof(h), (const unsigned char *)value,
	        strlen(value), sub, sizeof(sub)) != 0) {
		fputs("nmt: blind index failed\n", stderr);
		abort();
	}
	sodium_memzero(sub, sizeof(sub));
	sodium_bin2hex(out, BLIND_HEX, h, sizeof(h));
}

void
blind_index_newest(struct seal_keys *ks, enum blind_kind kind,
    const char *value, char out[BLIND_HEX], unsigned *id_r)
{
	blind_index(seal_keys_newest(ks, id_r), kind, value, out);
	seal_keys_release(ks);
}

size_t
blind_index_all(struct seal_keys *ks, enum blind_kind kind, const char *value,
    char out[KEY_MASTERS_MAX][BLIND_HEX])
{
	const unsigned char *k;
	unsigned             ids[KEY_MASTERS_MAX];
	size_t               i, n, m = 0;

	n = seal_keys_ids(ks, ids);
	for (i = 0; i < n; i++) {
		if ((k = seal_keys_find(ks, ids[i])) == NULL)
			continue;
		blind_index(k, kind, value, out[m++]);
		seal_keys_release(ks);
	}
	return m;
}
