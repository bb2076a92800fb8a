/*
 * text.c — NFC normalisation, case folding, trimming and the checks of
 * field text over UTF-8, all through utf8proc (its general categories
 * classify the characters: no home-made tables). Returned strings are
 * malloc'd and owned by the caller.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/text.h"
#include "core/util.h"

static char *
text_map(const char *s, utf8proc_option_t options)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t  n;
	char             *copy;

	n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
	    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | options);
	if (n < 0)
		return NULL;
	/* utf8proc allocates with malloc; hand out our own allocation. */
	copy = xstrndup((const char *)out, (size_t)n);
	free(out);
	return copy;
}

char *
text_nfc(const char *s)
{
	return text_map(s, 0);
}

char *
text_fold(const char *s)
{
	return text_map(s, UTF8PROC_CASEFOLD);
}

long
text_length(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t        cp;
	utf8proc_ssize_t        n;
	long                    count = 0;

	while (*p != '\0') {
		n = utf8proc_iterate(p, -1, &cp);
		if (n < 0)
			return -1;
		p += n;
		count++;
	}
	return count;
}

int
text_has_control(const char *s, int multiline)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t        cp;
	utf8proc_ssize_t        n;

	while (*p != '\0') {
		n = utf8proc_iterate(p, -1, &cp);
		if (n < 0)
			return 1;
		p += n;
		if (multiline && (cp == '\n' || cp == '\t' || cp == '\r'))
			continue;
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return 1;
	}
	return 0;
}

/* A code point that breaks a line: allowed in multi-line text only. */
static int
is_line_break(utf8proc_int32_t cp)
{
	return cp == '\n' || cp == '\r' || cp == '\t';
}

static enum text_flaw
classify(utf8proc_int32_t cp, int multiline)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_CC:
		return multiline && is_line_break(cp) ? TEXT_OK : TEXT_CONTROL;
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
		return TEXT_CONTROL;
	case UTF8PROC_CATEGORY_CF:
		return TEXT_INVISIBLE;
	case UTF8PROC_CATEGORY_CO:
	case UTF8PROC_CATEGORY_CN:
	case UTF8PROC_CATEGORY_CS:
		return TEXT_UNASSIGNED;
	default:
		return TEXT_OK;
	}
}

enum text_flaw
text_check(const char *s, int multiline)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t        cp;
	utf8proc_ssize_t        n;
	enum text_flaw          flaw;

	while (*p != '\0') {
		n = utf8proc_iterate(p, -1, &cp);
		if (n < 0)
			return TEXT_ENCODING;
		p += n;
		if ((flaw = classify(cp, multiline)) != TEXT_OK)
			return flaw;
	}
	return TEXT_OK;
}

int
text_is_space(int cp)
{
	if ((cp >= 0x09 && cp <= 0x0d) || cp == 0x85)
		return 1;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
		return 1;
	default:
		return 0;
	}
}

char *
text_trim(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	const utf8proc_uint8_t *start = NULL, *end = p;
	utf8proc_int32_t        cp;
	utf8proc_ssize_t        n;

	while (*p != '\0') {
		n = utf8proc_iterate(p, -1, &cp);
		if (n < 0)
			return NULL;
		if (!text_is_space(cp)) {
			if (start == NULL)
				start = p;
			end = p + n;
		}
		p += n;
	}
	if (start == NULL)
		return xstrdup("");
	return xstrndup((const char *)start, (size_t)(end - start));
}

long
text_trimmed_length(const char *s)
{
	const utf8proc_uint8_t *p;
	utf8proc_int32_t        cp;
	utf8proc_ssize_t        n = 0;
	char                   *t;
	long                    count = 0;

	if ((t = text_trim(s)) == NULL)
		return -1;
	for (p = (const utf8proc_uint8_t *)t; *p != '\0'; p += n, count++)
		if ((n = utf8proc_iterate(p, -1, &cp)) < 0)
			break;
	free(t);
	return n < 0 ? -1 : count;
}
