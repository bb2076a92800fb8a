/*
 * fuzz_seal.c — the sealed text format (crypto/seal.c). Arbitrary text
 * never opens (nothing can be forged without the key); the input sealed
 * opens to itself, byte for byte, under its own associated data only;
 * and the sealed text with any one character changed, cut short or
 * lengthened (where and how the input says) no longer opens.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/keys.h"
#include "crypto/seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[KEY_BYTES] = { 42, 1, 2, 3 };

static int
opens(const char *text, const char *aad, char **plain, size_t *len)
{
	int rc = seal_open_v1(key, text, aad, plain, len);

	/* A refusal leaves nothing behind. */
	if (rc != 0 && (*plain != NULL || *len != 0))
		__builtin_trap();
	if (rc != 0 && rc != -1)
		__builtin_trap();
	return rc == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
	                          "opqrstuvwxyz0123456789-_.=+/ ";
	char             *s, *sealed, *plain;
	size_t            len, n, at;

	if (sodium_init() < 0)
		abort();
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	/* The input as a sealed text. */
	plain = NULL;
	len = 0;
	if (opens(s, "person:x:identity", &plain, &len) ||
	    opens(s, NULL, &plain, &len))
		__builtin_trap();

	/* The input sealed: opens to itself under its aad only. */
	sealed = seal_text_v1(key, (const char *)data, size,
	    "person:x:identity");
	if (strncmp(sealed, "v1.", 3) != 0)
		__builtin_trap();
	if (!opens(sealed, "person:x:identity", &plain, &len) || len != size ||
	    memcmp(plain, data, size) != 0 || plain[len] != '\0')
		__builtin_trap();
	free(plain);
	plain = NULL;
	len = 0;
	if (opens(sealed, "person:y:identity", &plain, &len) ||
	    opens(sealed, "", &plain, &len))
		__builtin_trap();

	/* One change anywhere, as the input's first bytes choose. */
	n = strlen(sealed);
	at = size >= 2 ? ((size_t)data[0] << 8 | data[1]) % n : 0;
	if (size > 2 && sealed[at] != b64[data[2] % (sizeof(b64) - 1)]) {
		sealed[at] = b64[data[2] % (sizeof(b64) - 1)];
		if (opens(sealed, "person:x:identity", &plain, &len))
			__builtin_trap();
	}
	sealed[at] = '\0';
	if (opens(sealed, "person:x:identity", &plain, &len))
		__builtin_trap();
	free(sealed);
	free(s);
	return 0;
}
