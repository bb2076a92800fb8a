/*
 * fuzz_path.c — the router's path matching (api/parse.c parse_path and
 * parse_id_segment) over every route pattern the API declares, and over
 * patterns from the input (a first line, when the input has one). A
 * match binds exactly the pattern's {id} segments, each a UUID, and
 * putting them back into the pattern gives the path again; no method
 * has two routes for one path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/parse.h"
#include "crypto/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Does pattern with params put in give path? */
static int
rebuilds(const char *pattern, const char *params[2], const char *path)
{
	size_t n = 0, len = strlen(path), plen;
	int    i = 0;

	while (*pattern != '\0') {
		if (strncmp(pattern, "{id}", 4) == 0) {
			if (i == 2 || params[i] == NULL)
				return 0;
			plen = strlen(params[i]);
			if (n + plen > len ||
			    memcmp(path + n, params[i], plen) != 0)
				return 0;
			n += plen;
			i++;
			pattern += 4;
			continue;
		}
		if (n >= len || path[n] != *pattern)
			return 0;
		n++;
		pattern++;
	}
	return n == len;
}

static int
count_ids(const char *pattern)
{
	int n = 0;

	while ((pattern = strstr(pattern, "{id}")) != NULL) {
		n++;
		pattern += 4;
	}
	return n;
}

/* Matches path against pattern and checks what a match binds. */
static int
check(const char *pattern, const char *path)
{
	char        buf[2][UUID_TEXT];
	const char *params[2] = { NULL, NULL };
	int         i, ids;

	memset(buf, 0, sizeof(buf));
	if (!parse_path(pattern, path, buf, params))
		return 0;
	ids = count_ids(pattern);
	/* A pattern with more ids than two never matches. */
	if (ids > 2)
		__builtin_trap();
	for (i = 0; i < 2; i++) {
		if ((i < ids) != (params[i] != NULL))
			__builtin_trap();
		if (params[i] != NULL && !token_is_uuid(params[i]))
			__builtin_trap();
	}
	if (!rebuilds(pattern, params, path))
		__builtin_trap();
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct route *const *table, *const *t2;
	const struct route *r, *r2;
	char               *s, *nl;
	size_t              i;

	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (i = 0; i + UUID_TEXT - 1 <= strlen(s) && i < 64; i++)
		if (parse_id_segment(s + i, UUID_TEXT - 1)) {
			char id[UUID_TEXT];

			memcpy(id, s + i, UUID_TEXT - 1);
			id[UUID_TEXT - 1] = '\0';
			if (!token_is_uuid(id))
				__builtin_trap();
		}
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		(void)check(s, nl + 1);
		*nl = '\n';
	}
	for (table = api_routes; *table != NULL; table++)
		for (r = *table; r->method != NULL; r++) {
			if (!check(r->pattern, s))
				continue;
			/* The first route of a method wins: it is the only. */
			for (t2 = table; *t2 != NULL; t2++)
				for (r2 = t2 == table ? r + 1 : *t2;
				     r2->method != NULL; r2++)
					if (strcmp(r2->method, r->method) ==
					        0 &&
					    check(r2->pattern, s))
						__builtin_trap();
		}
	free(s);
	return 0;
}
