/*
 * fuzz_query.c — query values: every query spec the routes declare
 * (Q_TEXT, Q_CODE, Q_ID, Q_BOOL through api/parse.c parse_query_value)
 * and the page limit (parse_limit). An accepted value is what its type
 * promises: valid UTF-8 without control characters within its length, a
 * code of the vocabulary, a UUID, true or false, a limit 1..200 that is
 * the decimal the text says.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/parse.h"
#include "core/text.h"
#include "crypto/token.h"
#include "domain/vocab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_value(const struct query_spec *q, const char *v)
{
	const char *code = parse_query_value(q, v);
	long        len;

	if (code == NULL) {
		switch (q->type) {
		case Q_TEXT:
			len = text_length(v);
			if (len < 0 || (size_t)len > q->max ||
			    text_has_control(v, 0))
				__builtin_trap();
			break;
		case Q_CODE:
			if (vocab_index(q->codes, v) < 0)
				__builtin_trap();
			break;
		case Q_ID:
			if (strlen(v) != UUID_TEXT - 1 || !token_is_uuid(v))
				__builtin_trap();
			break;
		case Q_BOOL:
			if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
				__builtin_trap();
			break;
		default:
			__builtin_trap();
		}
		return;
	}
	if (strcmp(code, "invalid_value") != 0 && strcmp(code, "too_long") != 0)
		__builtin_trap();
	if (strcmp(code, "too_long") == 0 && q->type != Q_TEXT)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct query_spec kinds[] = {
		{ "t", Q_TEXT, 8, NULL },
		{ "c", Q_CODE, 0, vocab_case_status },
		{ "i", Q_ID, 0, NULL },
		{ "b", Q_BOOL, 0, NULL },
	};
	const struct route *const *table;
	const struct route        *r;
	const struct query_spec   *q;
	char                      *v, *end;
	long                       want;
	int                        limit;
	size_t                     i;

	v = malloc(size + 1);
	if (v == NULL)
		return 0;
	memcpy(v, data, size);
	v[size] = '\0';
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		check_value(&kinds[i], v);
	for (table = api_routes; *table != NULL; table++)
		for (r = *table; r->method != NULL; r++)
			for (q = r->query; q != NULL && q->name != NULL; q++)
				check_value(q, v);
	limit = -1;
	if (parse_limit(v, 200, &limit) == 0) {
		/* Decimal digits only, and the number they say. */
		if (v[strspn(v, "0123456789")] != '\0')
			__builtin_trap();
		errno = 0;
		want = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || want != limit || limit < 1 ||
		    limit > 200)
			__builtin_trap();
	} else if (limit != -1) {
		__builtin_trap();
	}
	free(v);
	return 0;
}
