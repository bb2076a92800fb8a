/*
 * validate.c — the field-spec validator. It walks the object once: every
 * member must be declared (an unknown one is reported at its object's
 * path, without its key), then every declared field is checked.
 * Normalised strings replace the originals in the document, so handlers
 * only ever see NFC text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "domain/validate.h"
#include "domain/vocab.h"

#define LIST_ITEM_MAX 200 /* code points in one list item */

static const struct {
	const char *code;
	const char *message;
} messages[] = {
	{ "wrong_type", "Fel datatyp." },
	{ "invalid_text",
	    "Texten innehåller otillåtna tecken: styrtecken, radbrytningar "
	    "i ett enradsfält eller tecken som saknar betydelse i Unicode." },
	{ "invisible_character",
	    "Texten innehåller osynliga tecken (t.ex. riktningsmarkeringar "
	    "eller tecken med nollbredd). Skriv in texten på nytt." },
	{ "too_long", "Värdet är för långt." },
	{ "required", "Fältet måste fyllas i." },
	{ "unknown_field", "Okänt fält." },
	{ "invalid_value", "Ogiltigt värde." },
	{ "out_of_range", "Värdet ligger utanför det tillåtna intervallet." },
	{ "duplicate", "Värdet förekommer flera gånger." },
	{ "invalid_date", "Ogiltigt datum (ÅÅÅÅ-MM-DD)." },
	{ "invalid_country", "Ogiltig landskod (ISO 3166-1 alfa-2)." },
};

void
validate_error(json_t *errors, const char *field, const char *code,
    const char *message)
{
	json_array_append_new(errors,
	    json_pack("{s:s,s:s,s:s}", "field", field, "code", code, "message",
	        message));
}

static void
add_error(json_t *errors, const char *field, const char *code)
{
	const char *message = "Ogiltigt värde.";
	size_t      i;

	for (i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if (strcmp(messages[i].code, code) == 0)
			message = messages[i].message;
	validate_error(errors, field, code, message);
}

/*
 * An invalid code of a vocabulary-backed field: the message lists the
 * valid codes ("Ogiltigt värde. Tillåtna: note, call."), never the value
 * sent.
 */
void
validate_code_error(json_t *errors, const char *field, const struct term *codes)
{
	char  *message = xstrdup("Ogiltigt värde. Tillåtna: "), *next;
	size_t i;

	for (i = 0; codes != NULL && codes[i].code != NULL; i++) {
		next = xasprintf("%s%s%s", message, i > 0 ? ", " : "",
		    codes[i].code);
		free(message);
		message = next;
	}
	next = xasprintf("%s.", message);
	validate_error(errors, field, "invalid_value", next);
	free(next);
	free(message);
}

/* A field error: the code's message, or the valid codes for a code. */
static void
field_error(json_t *errors, const char *field, const char *code,
    const struct field_spec *f)
{
	if (strcmp(code, "invalid_value") == 0 &&
	    (f->type == FT_CODE || f->type == FT_CODE_LIST))
		validate_code_error(errors, field, f->codes);
	else
		add_error(errors, field, code);
}

static const struct field_spec *
spec_find(const struct field_spec *spec, const char *name)
{
	for (; spec->name != NULL; spec++)
		if (strcmp(spec->name, name) == 0)
			return spec;
	return NULL;
}

/* The error code of a flaw text_check found. */
static const char *
flaw_code(enum text_flaw flaw)
{
	return flaw == TEXT_INVISIBLE ? "invisible_character" : "invalid_text";
}

/*
 * Checks one JSON string: valid UTF-8 without NUL, NFC-normalisable, no
 * control characters (tab and line breaks allowed when multiline), no
 * invisible format characters, no private-use or unassigned code points,
 * at most max_len code points (0: no limit) once trimmed. Returns NULL
 * and the NFC copy in *nfc_r (without leading and trailing white space
 * unless verbatim), or an error code.
 */
static const char *
check_string(const json_t *value, size_t max_len, int multiline, int verbatim,
    char **nfc_r)
{
	const char    *s;
	char          *nfc, *sent, *trimmed;
	long           len, sent_len;
	enum text_flaw flaw;

	if (!json_is_string(value))
		return "wrong_type";
	s = json_string_value(value);
	if (strlen(s) != json_string_length(value))
		return "invalid_text";
	if ((nfc = text_nfc(s)) == NULL)
		return "invalid_text";
	if ((flaw = text_check(nfc, multiline)) != TEXT_OK) {
		free(nfc);
		return flaw_code(flaw);
	}
	if (!verbatim) {
		trimmed = text_trim(nfc);
		free(nfc);
		nfc = trimmed;
	}
	/*
	 * The limit holds for the text as sent too (decomposed forms are
	 * longer), as a JSON Schema maxLength on the request would count.
	 */
	sent = verbatim ? xstrdup(s) : text_trim(s);
	len = text_length(nfc);
	sent_len = sent != NULL ? text_length(sent) : -1;
	free(sent);
	if (sent_len > len)
		len = sent_len;
	if (len < 0 || (max_len > 0 && (size_t)len > max_len)) {
		free(nfc);
		return len < 0 ? "invalid_text" : "too_long";
	}
	*nfc_r = nfc;
	return NULL;
}

/*
 * Is a string field kept as sent (not trimmed)? Codes, dates and country
 * codes must match exactly; FIELD_VERBATIM text (passwords) is a secret.
 */
static int
is_verbatim(const struct field_spec *f)
{
	return f->type == FT_CODE || f->type == FT_DATE ||
	    f->type == FT_COUNTRY || (f->flags & FIELD_VERBATIM) != 0;
}

/* Only Unicode white space (or nothing)? */
static int
is_blank(const char *s)
{
	char *trimmed = text_trim(s);
	int   blank = trimmed != NULL && *trimmed == '\0';

	free(trimmed);
	return blank;
}

static int
is_country(const char *s)
{
	return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
	    s[1] <= 'Z';
}

/* Checks an array of strings (codes or free short strings). */
static int
validate_list(json_t *value, const struct field_spec *f, const char *path,
    json_t *errors)
{
	size_t      i, j;
	json_t     *item;
	char       *item_path, *nfc;
	const char *code;
	int         n = 0;

	if (!json_is_array(value)) {
		add_error(errors, path, "wrong_type");
		return 1;
	}
	if (f->max_len > 0 && json_array_size(value) > f->max_len) {
		add_error(errors, path, "too_long");
		return 1;
	}
	json_array_foreach(value, i, item)
	{
		nfc = NULL;
		code = check_string(item, LIST_ITEM_MAX, 0,
		    f->type == FT_CODE_LIST, &nfc);
		/* A blank item is an empty one, before it is a wrong code. */
		if (code == NULL && is_blank(nfc))
			code = "required";
		if (code == NULL && f->type == FT_CODE_LIST &&
		    vocab_index(f->codes, nfc) < 0)
			code = "invalid_value";
		/* Earlier items may be invalid (not strings): skip those. */
		for (j = 0; code == NULL && j < i; j++) {
			const char *earlier = json_string_value(
			    json_array_get(value, j));

			if (earlier != NULL && strcmp(earlier, nfc) == 0)
				code = "duplicate";
		}
		if (code != NULL) {
			item_path = xasprintf("%s[%zu]", path, i);
			field_error(errors, item_path, code, f);
			free(item_path);
			n++;
		} else
			json_array_set_new(value, i, json_string(nfc));
		free(nfc);
	}
	return n;
}

/* Checks an array of objects, each against f->fields ("path[i]"). */
static int
validate_objects(json_t *value, const struct field_spec *f, const char *path,
    json_t *errors)
{
	size_t  i;
	json_t *item;
	char   *item_path;
	int     n = 0;

	if (!json_is_array(value)) {
		add_error(errors, path, "wrong_type");
		return 1;
	}
	if (f->max_len > 0 && json_array_size(value) > f->max_len) {
		add_error(errors, path, "too_long");
		return 1;
	}
	json_array_foreach(value, i, item)
	{
		item_path = xasprintf("%s[%zu]", path, i);
		if (!json_is_object(item)) {
			add_error(errors, item_path, "wrong_type");
			n++;
		} else
			n += validate_object(item, f->fields, item_path,
			    errors);
		free(item_path);
	}
	return n;
}

/* Checks one declared member; may replace it in obj with its NFC form. */
static int
validate_member(json_t *obj, const char *key, json_t *value,
    const struct field_spec *f, const char *path, json_t *errors)
{
	const char *code = NULL;
	char       *nfc = NULL;
	json_int_t  n;
	int         y, m, d;

	switch (f->type) {
	case FT_STRING:
	case FT_TEXT:
	case FT_CODE:
	case FT_DATE:
	case FT_COUNTRY:
		code = check_string(value, f->type == FT_CODE ? 64 : f->max_len,
		    f->type == FT_TEXT, is_verbatim(f), &nfc);
		if (code != NULL)
			break;
		if ((f->flags & (FIELD_REQUIRED | FIELD_NONEMPTY)) &&
		    is_blank(nfc))
			code = "required";
		else if (f->type == FT_CODE && vocab_index(f->codes, nfc) < 0)
			code = "invalid_value";
		else if (f->type == FT_DATE && date_parse(nfc, &y, &m, &d))
			code = "invalid_date";
		else if (f->type == FT_COUNTRY && !is_country(nfc))
			code = "invalid_country";
		if (code == NULL)
			json_object_set_new(obj, key, json_string(nfc));
		free(nfc);
		break;
	case FT_INT:
		if (!json_is_integer(value)) {
			code = "wrong_type";
			break;
		}
		n = json_integer_value(value);
		if (n < f->min || n > f->max)
			code = "out_of_range";
		break;
	case FT_BOOL:
		if (!json_is_boolean(value))
			code = "wrong_type";
		break;
	case FT_CODE_LIST:
	case FT_STRING_LIST:
		return validate_list(value, f, path, errors);
	case FT_OBJECT:
		if (!json_is_object(value)) {
			code = "wrong_type";
			break;
		}
		return validate_object(value, f->fields, path, errors);
	case FT_OBJECT_LIST:
		return validate_objects(value, f, path, errors);
	case FT_NUMBER:
		if (!json_is_number(value))
			code = "wrong_type";
		break;
	}
	if (code == NULL)
		return 0;
	field_error(errors, path, code, f);
	return 1;
}

int
validate_object(json_t *obj, const struct field_spec *spec, const char *prefix,
    json_t *errors)
{
	const struct field_spec *f;
	const char              *key;
	json_t                  *value;
	void                    *iter;
	char                    *path;
	int                      n = 0;

	for (iter = json_object_iter(obj); iter != NULL;
	     iter = json_object_iter_next(obj, iter)) {
		key = json_object_iter_key(iter);
		/*
		 * A key is input too (it may hold anything, personal data
		 * included): an unknown member is reported by the path of
		 * the object holding it ("" at the top), never by its key.
		 */
		if (spec_find(spec, key) == NULL) {
			add_error(errors, prefix, "unknown_field");
			n++;
		}
	}
	for (f = spec; f->name != NULL; f++) {
		path = *prefix ? xasprintf("%s.%s", prefix, f->name) :
		                 xstrdup(f->name);
		value = json_object_get(obj, f->name);
		if (value == NULL ||
		    (json_is_null(value) && (f->flags & FIELD_NULLABLE))) {
			if (f->flags & FIELD_REQUIRED) {
				add_error(errors, path, "required");
				n++;
			}
		} else
			n += validate_member(obj, f->name, value, f, path,
			    errors);
		free(path);
	}
	return n;
}

const char *
json_str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

long
json_long(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? (long)json_integer_value(v) : -1;
}

int
validate_has_error(const json_t *errors, const char *field)
{
	size_t  i;
	json_t *e;

	json_array_foreach((json_t *)errors, i, e)
	{
		const char *name = json_str(e, "field");

		if (name != NULL && strcmp(name, field) == 0)
			return 1;
	}
	return 0;
}
