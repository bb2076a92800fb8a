/*
 * match_key.h — the normalised forms the duplicate check compares
 * (POST /api/v1/persons/match): pure functions, no keys, no I/O.
 *
 * Folding is NFKC and full Unicode case folding (ß and ss, ǅ and dž are
 * the same; å, ä and ö stay letters of their own and never become a or
 * o), with the combining dot above that folding İ leaves after an i or
 * a j dropped (İstanbul, ISTANBUL and istanbul are one; the dotless ı is
 * a letter of its own), white space trimmed and each run of it one
 * space. Every result is malloc'd (the caller frees it, wiping an
 * identity's) or NULL when the input is not valid UTF-8 or leaves
 * nothing to compare.
 */
#ifndef NMT_DOMAIN_MATCH_KEY_H
#define NMT_DOMAIN_MATCH_KEY_H

/* A pseudonym as compared: the folded form. */
char *match_pseudonym_key(const char *pseudonym);

/*
 * An identity number as compared. A Swedish personnummer or
 * samordningsnummer (10 or 12 digits once white space, '-' and '+' are
 * removed; month 01–12, day 01–31 or 61–91) is "se:" and its 12 digits:
 * a 10-digit one gets the century that puts its year at most this_year
 * (the civil year now), 100 years earlier with '+'; the check digit is
 * left as it is. Any other number is "id:" and its folded form without
 * white space and dashes (Unicode Pd).
 */
char *match_id_number_key(const char *id_number, int this_year);

/*
 * A full name with a date of birth (YYYY-MM-DD) as compared: "nd:", the
 * folded name (diacritics kept), a newline, the date.
 */
char *match_name_dob_key(const char *full_name, const char *date_of_birth);

#endif
