/*
 * fuzz_keyfile.c — the master key file (crypto/keys.c keys_load, never
 * creating): the input is written to a private file (mode 0600) and
 * loaded. A version 1 file (64 lowercase hex characters and a newline) is
 * always taken; anything else taken is a version 2 file ("nmt-keys 2"
 * first); the error names no key material; the newest sealing keys, the
 * token key and the audit key all differ; and the same file gives the
 * same keys again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
remove_key_file(void)
{
	unlink(path);
}

/* Is the input exactly a key file, as keys.h describes it? */
static int
well_formed(const uint8_t *data, size_t size)
{
	size_t i;

	if (size != 65 || data[64] != '\n')
		return 0;
	for (i = 0; i < 64; i++)
		if (!((data[i] >= '0' && data[i] <= '9') ||
		        (data[i] >= 'a' && data[i] <= 'f')))
			return 0;
	return 1;
}

/* A copy of the newest sealing key of ks. */
static void
newest(struct seal_keys *ks, unsigned char out[KEY_BYTES])
{
	unsigned id;

	memcpy(out, seal_keys_newest(ks, &id), KEY_BYTES);
	seal_keys_release(ks);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keyring ring, again;
	unsigned char  id_key[KEY_BYTES], totp_key[KEY_BYTES];
	unsigned char  again_key[KEY_BYTES];
	char           err[512];
	FILE          *f;
	int            fd, rc;

	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/nmt-fuzz-key-XXXXXX");
		if ((fd = mkstemp(path)) < 0)
			abort();
		close(fd);
		atexit(remove_key_file);
	}
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	memset(&ring, 0, sizeof(ring));
	err[0] = '\0';
	rc = keys_load(path, 0, &ring, err, sizeof(err));
	if (well_formed(data, size) && rc != 0)
		__builtin_trap();
	if (rc == 0 && !well_formed(data, size) &&
	    (size < 11 || memcmp(data, "nmt-keys 2\n", 11) != 0))
		__builtin_trap();
	if (rc != 0) {
		/* A message, naming the file, and nothing of its contents. */
		if (err[0] == '\0' || strstr(err, path) == NULL)
			__builtin_trap();
		if (size >= 16) {
			char head[17];

			memcpy(head, data, 16);
			head[16] = '\0';
			if (strspn(head, "0123456789abcdefABCDEF") == 16 &&
			    strstr(err, head) != NULL)
				__builtin_trap();
		}
		return 0;
	}
	newest(ring.identity, id_key);
	newest(ring.totp, totp_key);
	if (sodium_memcmp(id_key, totp_key, KEY_BYTES) == 0 ||
	    sodium_memcmp(id_key, ring.token, KEY_BYTES) == 0 ||
	    sodium_memcmp(id_key, ring.audit, KEY_BYTES) == 0 ||
	    sodium_memcmp(totp_key, ring.token, KEY_BYTES) == 0 ||
	    sodium_memcmp(totp_key, ring.audit, KEY_BYTES) == 0 ||
	    sodium_memcmp(ring.token, ring.audit, KEY_BYTES) == 0)
		__builtin_trap();
	memset(&again, 0, sizeof(again));
	if (keys_load(path, 0, &again, err, sizeof(err)) != 0)
		__builtin_trap();
	newest(again.identity, again_key);
	if (sodium_memcmp(id_key, again_key, KEY_BYTES) != 0 ||
	    sodium_memcmp(ring.audit, again.audit, KEY_BYTES) != 0)
		__builtin_trap();
	keys_free(&again);
	keys_free(&ring);
	return 0;
}
