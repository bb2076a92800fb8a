/*
 * fuzz_json.c — request bodies: strict JSON parsing (duplicate keys
 * refused) followed by the field-spec validator over a spec with every
 * field type, nested objects and code lists. Any input must end in a
 * clean accept or a clean list of errors, and no error may echo the
 * input: every field path is built from declared field names and list
 * indices only (an unknown member is reported by its parent's path, never
 * by its key), and every message is the one its code has for a fixed
 * probe input — or, for a code outside a field's vocabulary, the list of
 * that field's valid codes — so it cannot depend on the values submitted.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "domain/validate.h"
#include "domain/vocab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct field_spec inner_spec[] = {
	{ "full_name", FT_STRING, FIELD_NULLABLE, 200, 0, 0, NULL, NULL },
	{ "date_of_birth", FT_DATE, FIELD_NULLABLE, 10, 0, 0, NULL, NULL },
	{ "address", FT_TEXT, FIELD_NULLABLE, 500, 0, 0, NULL, NULL }, FIELD_END
};

static const struct field_spec spec[] = { { "title", FT_STRING, FIELD_REQUIRED,
	                                      200, 0, 0, NULL, NULL },
	{ "summary", FT_TEXT, FIELD_NULLABLE, 10000, 0, 0, NULL, NULL },
	{ "name", FT_STRING, FIELD_NONEMPTY, 20, 0, 0, NULL, NULL },
	{ "year", FT_INT, FIELD_NULLABLE, 0, 1900, 9999, NULL, NULL },
	{ "flag", FT_BOOL, 0, 0, 0, 0, NULL, NULL },
	{ "gender", FT_CODE, 0, 0, 0, 0, vocab_genders, NULL },
	{ "exploitation", FT_CODE_LIST, 0, 12, 0, 0, vocab_exploitation, NULL },
	{ "languages", FT_STRING_LIST, 0, 20, 0, 0, NULL, NULL },
	{ "citizenship", FT_COUNTRY, FIELD_NULLABLE, 2, 0, 0, NULL, NULL },
	{ "identity", FT_OBJECT, FIELD_NULLABLE, 0, 0, 0, NULL, inner_spec },
	FIELD_END };

/*
 * Is path made only of declared names? Grammar: "" (the top level) or
 * name[index]...(.name[index]...)..., each name declared at its level
 * (an FT_OBJECT field's names one level down). *found is the field the
 * path ends at (NULL for the top level).
 */
static int
declared_path(const char *path, const struct field_spec *level,
    const struct field_spec **found)
{
	const struct field_spec *f;
	size_t                   n;

	*found = NULL;
	if (*path == '\0')
		return 1;
	for (;;) {
		n = strcspn(path, ".[");
		for (f = level; f->name != NULL; f++)
			if (strlen(f->name) == n &&
			    strncmp(f->name, path, n) == 0)
				break;
		if (f->name == NULL)
			return 0;
		path += n;
		while (*path == '[') {
			path++;
			if (*path < '0' || *path > '9')
				return 0;
			path += strspn(path, "0123456789");
			if (*path++ != ']')
				return 0;
		}
		*found = f;
		if (*path == '\0')
			return 1;
		if (*path != '.' || f->type != FT_OBJECT || f->fields == NULL)
			return 0;
		path++;
		level = f->fields;
	}
}

/*
 * The message of each code for a fixed probe that raises every code the
 * validator has; code[i] NULL ends the table.
 */
#define NCODES 16
static char *probe_code[NCODES], *probe_message[NCODES];

static void
probe_messages(void)
{
	static const char probe[] =
	    "{\"title\":\"\",\"name\":\"q\\u0001\","
	    "\"summary\":5,\"year\":1,\"gender\":\"q\",\"exploitation\":"
	    "[\"sexual\",\"sexual\"],\"languages\":[\"q\",\"q\","
	    "\"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
	    "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
	    "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
	    "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
	    "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
	    "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
	    "qqqqq\"],\"citizenship\":\"qq\",\"qq\":1,"
	    "\"identity\":{\"date_of_birth\":\"q\","
	    "\"full_name\":\"q\\u200bq\"}}";
	json_t     *doc, *errors, *e;
	const char *code;
	size_t      i, j, n = 0;

	doc = json_loads(probe, JSON_REJECT_DUPLICATES, NULL);
	errors = json_array();
	if (doc == NULL || errors == NULL)
		__builtin_trap();
	validate_object(doc, spec, "", errors);
	for (i = 0; i < json_array_size(errors); i++) {
		e = json_array_get(errors, i);
		code = json_string_value(json_object_get(e, "code"));
		/* Its message is the field's list of codes (checked below). */
		if (strcmp(code, "invalid_value") == 0)
			continue;
		for (j = 0; j < n && strcmp(probe_code[j], code) != 0; j++)
			;
		if (j < n)
			continue;
		if (n == NCODES - 1)
			__builtin_trap();
		probe_code[n] = strdup(code);
		probe_message[n++] = strdup(
		    json_string_value(json_object_get(e, "message")));
	}
	json_decref(errors);
	json_decref(doc);
}

/* Is message what a code outside f's vocabulary answers at field? */
static int
is_code_message(const char *message, const char *field,
    const struct field_spec *f)
{
	json_t *expected = json_array();
	int     same;

	if (f == NULL || (f->type != FT_CODE && f->type != FT_CODE_LIST))
		return 0;
	validate_code_error(expected, field, f->codes);
	same = strcmp(json_string_value(
	                  json_object_get(json_array_get(expected, 0),
	                      "message")),
	           message) == 0;
	json_decref(expected);
	return same;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct field_spec *f;
	json_t                  *doc, *errors;
	const char              *field, *code, *message;
	size_t                   i, j;

	if (probe_code[0] == NULL)
		probe_messages();
	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return 0;
	}
	errors = json_array();
	validate_object(doc, spec, "", errors);
	for (i = 0; i < json_array_size(errors); i++) {
		json_t *e = json_array_get(errors, i);

		field = json_string_value(json_object_get(e, "field"));
		code = json_string_value(json_object_get(e, "code"));
		message = json_string_value(json_object_get(e, "message"));
		/* Every error names a field, a code and a message ... */
		if (field == NULL || code == NULL || message == NULL)
			__builtin_trap();
		/* ... by a path of declared names (no key of the input) ... */
		if (!declared_path(field, spec, &f))
			__builtin_trap();
		/* ... with the code's fixed message (no value of the input). */
		if (strcmp(code, "invalid_value") == 0) {
			if (!is_code_message(message, field, f))
				__builtin_trap();
			continue;
		}
		for (j = 0;
		     probe_code[j] != NULL && strcmp(probe_code[j], code) != 0;
		     j++)
			;
		if (probe_code[j] == NULL ||
		    strcmp(probe_message[j], message) != 0)
			__builtin_trap();
	}
	json_decref(errors);
	json_decref(doc);
	return 0;
}
