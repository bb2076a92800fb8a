/*
 * validate.h — declared field specs for JSON request bodies.
 *
 * Every request body is checked against a table of the fields it may hold:
 * unknown fields, wrong types, missing required fields, text that is too
 * long, not NFC-normalisable or has control characters (tab and line
 * breaks only in FT_TEXT, the multi-line fields), invisible format
 * characters (code invisible_character: bidirectional controls,
 * zero-width characters, the rest of Unicode category Cf) or private-use
 * or unassigned code points, values outside a
 * code list, and bad dates or country codes are all reported together as
 * {"field", "code", "message"} entries. Messages name the field and the
 * rule, never the value, so no personal data is echoed. "field" is the
 * path of a declared field, or for an unknown member (code unknown_field)
 * the path of the object holding it ("" at the top level): its key is
 * input and is never echoed.
 *
 * Valid strings are normalised to NFC and trimmed of leading and trailing
 * Unicode white space (U+00A0, U+2003, U+3000 as much as ASCII space)
 * in place in the JSON document, so a required text of white space only
 * is "required". Codes, dates, country codes and FIELD_VERBATIM strings
 * (passwords) are not trimmed: they must be exact as sent.
 */
#ifndef NMT_DOMAIN_VALIDATE_H
#define NMT_DOMAIN_VALIDATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/vocab.h"

enum field_type {
	FT_STRING,
	FT_TEXT, /* multi-line string */
	FT_INT,
	FT_BOOL,
	FT_CODE,        /* string from a code list */
	FT_CODE_LIST,   /* array of distinct codes from a list */
	FT_STRING_LIST, /* array of short strings */
	FT_DATE,        /* "YYYY-MM-DD" */
	FT_COUNTRY,     /* ISO 3166-1 alpha-2, upper case */
	FT_OBJECT,      /* nested object with its own spec */
	FT_OBJECT_LIST, /* array of up to max_len such objects */
	/* a JSON number, integer or real (its rules: the route's check) */
	FT_NUMBER,
};

#define FIELD_REQUIRED 0x1
#define FIELD_NULLABLE 0x2 /* JSON null accepted (means "absent") */
#define FIELD_NONEMPTY 0x4 /* when present, not an empty string */
#define FIELD_VERBATIM 0x8 /* kept as sent, not trimmed (secrets) */

struct field_spec {
	const char              *name;
	enum field_type          type;
	unsigned                 flags;
	size_t                   max_len;  /* code points / items */
	int64_t                  min, max; /* FT_INT */
	const struct term       *codes;    /* FT_CODE(_LIST) */
	const struct field_spec *fields;   /* FT_OBJECT */
};

/* clang-format off */
#define FIELD_END { NULL, 0, 0, 0, 0, 0, NULL, NULL }
/* clang-format on */

/*
 * Validates obj (which must be a JSON object) against spec, appending
 * errors to the errors array. prefix is the path of obj ("" at the top).
 * Returns the number of errors added.
 */
int validate_object(json_t *obj, const struct field_spec *spec,
    const char *prefix, json_t *errors);

/* Whether errors already holds one for field. */
int validate_has_error(const json_t *errors, const char *field);

/* Appends one error entry. */
void validate_error(json_t *errors, const char *field, const char *code,
    const char *message);

/*
 * Appends an invalid_value error for a code outside codes (a term table):
 * the message lists the valid codes, never the value sent.
 */
void validate_code_error(json_t *errors, const char *field,
    const struct term *codes);

/* Helpers for handlers: a string member or NULL, an integer member or -1. */
const char *json_str(const json_t *obj, const char *key);
long        json_long(const json_t *obj, const char *key);

#endif
