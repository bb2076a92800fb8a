/*
 * text.c — NFC normalisation, case folding and checks over UTF-8, all
 * through utf8proc. Returned strings are malloc'd and owned by the caller.
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

/* White space: the Unicode separators (Zs, Zl, Zp) and tab, CR, LF... */
static int
is_space(utf8proc_int32_t cp)
{
	utf8proc_category_t cat;

	if (cp == '\t' || cp == '\n' || cp == '\v' || cp == '\f' ||
	    cp == '\r' || cp == 0x85)
		return 1;
	cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	    cat == UTF8PROC_CATEGORY_ZP;
}

long
text_trimmed_length(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t        cp;
	utf8proc_ssize_t        n;
	long                    count = 0, spaces = 0;

	while (*p != '\0') {
		n = utf8proc_iterate(p, -1, &cp);
		if (n < 0)
			return -1;
		p += n;
		if (is_space(cp)) {
			/* Leading never count, inner ones if more follows. */
			if (count > 0)
				spaces++;
			continue;
		}
		count += spaces + 1;
		spaces = 0;
	}
	return count;
}
