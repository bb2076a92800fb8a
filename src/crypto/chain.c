/*
 * chain.c — the audit log's tamper-evident hash chain.
 *
 * Owns the unambiguous encoding of an audit entry and its keyed
 * BLAKE2b-256 hash: the previous hash (64 hex characters), then per
 * field a tag byte (0 = NULL, 1 = present) and, for a present field, an
 * 8-byte big-endian length and the bytes.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/chain.h"
#include "crypto/sodium_once.h"
#include "crypto/keys.h"

#define CHAIN_HASH_BYTES 32
#define CHAIN_PREV_LEN   (CHAIN_HASH_HEX - 1)

static void
update(crypto_generichash_state *st, const void *p, size_t len)
{
	if (len > 0 && crypto_generichash_update(st, p, len) != 0)
		crypto_die("chain_hash: crypto_generichash_update failed");
}

void
chain_hash(const unsigned char *key, const char *prev_hex,
    const char *const *fields, size_t nfields, char out[CHAIN_HASH_HEX])
{
	static const unsigned char zeros[CHAIN_PREV_LEN];
	crypto_generichash_state   st;
	unsigned char              h[CHAIN_HASH_BYTES], len8[8], tag;
	uint64_t                   len;
	size_t                     i, n;
	int                        j;

	crypto_ready();
	if (crypto_generichash_init(&st, key, KEY_BYTES, sizeof(h)) != 0)
		crypto_die("chain_hash: crypto_generichash_init failed");

	/*
	 * Always exactly 64 bytes of previous hash. A malformed, shorter
	 * one is padded with NUL bytes, which no hex string contains.
	 */
	n = prev_hex != NULL ? strnlen(prev_hex, CHAIN_PREV_LEN) : 0;
	update(&st, prev_hex, n);
	update(&st, zeros, CHAIN_PREV_LEN - n);

	for (i = 0; i < nfields; i++) {
		tag = fields[i] != NULL ? 1 : 0;
		update(&st, &tag, 1);
		if (fields[i] == NULL)
			continue;
		len = (uint64_t)strlen(fields[i]);
		for (j = 7; j >= 0; j--) {
			len8[j] = (unsigned char)(len & 0xff);
			len >>= 8;
		}
		update(&st, len8, sizeof(len8));
		update(&st, fields[i], strlen(fields[i]));
	}

	if (crypto_generichash_final(&st, h, sizeof(h)) != 0)
		crypto_die("chain_hash: crypto_generichash_final failed");
	sodium_bin2hex(out, CHAIN_HASH_HEX, h, sizeof(h));
	sodium_memzero(&st, sizeof(st));
}
