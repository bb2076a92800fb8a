/*
 * match_key.c — normalised pseudonyms, identity numbers and names with
 * dates of birth for the duplicate check (see match_key.h). NFKC and
 * case folding come from utf8proc; the rest is a pass over code points.
 * Identity text passes through here in clear: every intermediate copy is
 * wiped before it is freed.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include <sodium.h>

#include "core/text.h"
#include "core/util.h"
#include "domain/match_key.h"

#define COMBINING_DOT_ABOVE 0x0307

static void
wipe_free(char *s)
{
	if (s != NULL) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

/* NFKC + full case folding through utf8proc; NULL when invalid. */
static char *
nfkc_fold(const char *s)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t  n;
	char             *copy;

	n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
	    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	        UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
	if (n < 0)
		return NULL;
	copy = xstrndup((const char *)out, (size_t)n);
	sodium_memzero(out, (size_t)n);
	free(out);
	return copy;
}

/*
 * Folds s and rewrites it: white space trimmed and collapsed to one
 * space (or dropped, with drop_space), dashes dropped with drop_dash, the
 * dot above after i or j dropped. NULL when invalid or nothing is left.
 */
static char *
fold_clean(const char *s, int drop_space, int drop_dash)
{
	const utf8proc_uint8_t *p;
	utf8proc_int32_t        cp, prev = 0;
	utf8proc_ssize_t        n;
	char                   *f, *out, *o;
	int                     space = 0;

	if ((f = nfkc_fold(s)) == NULL)
		return NULL;
	out = o = xmalloc(strlen(f) + 1);
	for (p = (const utf8proc_uint8_t *)f; *p != '\0'; p += n, prev = cp) {
		if ((n = utf8proc_iterate(p, -1, &cp)) < 0)
			break;
		if (text_is_space(cp)) {
			space = o != out && !drop_space;
			continue;
		}
		if ((drop_dash &&
		        utf8proc_category(cp) == UTF8PROC_CATEGORY_PD) ||
		    (cp == COMBINING_DOT_ABOVE && (prev == 'i' || prev == 'j')))
			continue;
		if (space)
			*o++ = ' ';
		space = 0;
		memcpy(o, p, (size_t)n);
		o += n;
	}
	*o = '\0';
	wipe_free(f);
	if (n < 0 || o == out) {
		wipe_free(out);
		return NULL;
	}
	return out;
}

char *
match_pseudonym_key(const char *pseudonym)
{
	return fold_clean(pseudonym, 0, 0);
}

static int
two(const char *d)
{
	return (d[0] - '0') * 10 + (d[1] - '0');
}

/* Digits of a plausible personnummer date part (YYMMDD or YYYYMMDD). */
static int
date_part_ok(const char *mmdd)
{
	int m = two(mmdd), d = two(mmdd + 2);

	return m >= 1 && m <= 12 &&
	    ((d >= 1 && d <= 31) || (d >= 61 && d <= 91));
}

/*
 * "se:" and 12 digits when s is a personnummer or samordningsnummer,
 * else NULL.
 */
static char *
swedish_number(const char *s, int this_year)
{
	char   d[13];
	size_t n = 0;
	int    plus = 0, year;

	for (; *s != '\0'; s++) {
		if (*s == '+')
			plus = 1;
		else if (*s == ' ' || *s == '-')
			continue;
		else if (*s < '0' || *s > '9' || n == 12)
			return NULL;
		else
			d[n++] = *s;
	}
	d[n] = '\0';
	if (n == 12 && (two(d) >= 18 && two(d) <= 20) && !plus &&
	    date_part_ok(d + 4))
		return xasprintf("se:%s", d);
	if (n != 10 || !date_part_ok(d + 2))
		return NULL;
	year = this_year - ((this_year - two(d)) % 100 + 100) % 100;
	if (plus)
		year -= 100;
	return xasprintf("se:%02d%s", year / 100, d);
}

char *
match_id_number_key(const char *id_number, int this_year)
{
	char *f, *key;

	if ((f = fold_clean(id_number, 1, 1)) == NULL)
		return NULL;
	/* Full-width digits are ASCII digits after NFKC. */
	if ((key = swedish_number(f, this_year)) == NULL)
		key = xasprintf("id:%s", f);
	wipe_free(f);
	return key;
}

char *
match_name_dob_key(const char *full_name, const char *date_of_birth)
{
	char *f, *key;

	if (date_of_birth == NULL || strlen(date_of_birth) != 10 ||
	    (f = fold_clean(full_name, 0, 0)) == NULL)
		return NULL;
	key = xasprintf("nd:%s\n%s", f, date_of_birth);
	wipe_free(f);
	return key;
}
