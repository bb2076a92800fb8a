/*
 * fuzz_json.c — request bodies: strict JSON parsing (duplicate keys
 * refused) followed by the field-spec validator over a spec with every
 * field type, nested objects and code lists. Any input must end in a
 * clean accept or a clean list of errors.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "domain/validate.h"
#include "domain/vocab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct field_spec inner_spec[] = {
	{ "full_name", FT_STRING, FIELD_NULLABLE, 200, 0, 0, NULL, NULL },
	{ "date_of_birth", FT_DATE, FIELD_NULLABLE, 10, 0, 0, NULL, NULL },
	{ "address", FT_TEXT, FIELD_NULLABLE, 500, 0, 0, NULL, NULL },
	FIELD_END,
};

static const struct field_spec spec[] = {
	{ "title", FT_STRING, FIELD_REQUIRED, 200, 0, 0, NULL, NULL },
	{ "summary", FT_TEXT, FIELD_NULLABLE, 10000, 0, 0, NULL, NULL },
	{ "name", FT_STRING, FIELD_NONEMPTY, 20, 0, 0, NULL, NULL },
	{ "year", FT_INT, FIELD_NULLABLE, 0, 1900, 9999, NULL, NULL },
	{ "flag", FT_BOOL, 0, 0, 0, 0, NULL, NULL },
	{ "gender", FT_CODE, 0, 0, 0, 0, vocab_genders, NULL },
	{ "exploitation", FT_CODE_LIST, 0, 12, 0, 0, vocab_exploitation, NULL },
	{ "languages", FT_STRING_LIST, 0, 20, 0, 0, NULL, NULL },
	{ "citizenship", FT_COUNTRY, FIELD_NULLABLE, 2, 0, 0, NULL, NULL },
	{ "identity", FT_OBJECT, FIELD_NULLABLE, 0, 0, 0, NULL, inner_spec },
	FIELD_END,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc, *errors;
	size_t  i;

	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return 0;
	}
	errors = json_array();
	validate_object(doc, spec, "", errors);
	/* Every error names a field and a code; messages echo no input. */
	for (i = 0; i < json_array_size(errors); i++) {
		json_t *e = json_array_get(errors, i);

		if (json_string_value(json_object_get(e, "field")) == NULL ||
		    json_string_value(json_object_get(e, "code")) == NULL)
			__builtin_trap();
	}
	json_decref(errors);
	json_decref(doc);
	return 0;
}
