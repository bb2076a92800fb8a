/*
 * fuzz_text.c — the small parsers over untrusted text: Unicode
 * normalisation and folding, control-character and invisible-character
 * checks, trimming, dates, times, integers and listen addresses.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * text_check and text_trim agree with the rest: invalid UTF-8 is never
 * clean (a flaw before the bad byte may be reported first) and cannot be
 * trimmed; a multi-line check is never
 * stricter than a one-line one; trimming is idempotent, keeps a clean
 * text clean and never starts or ends on white space.
 */
static void
check_text_safety(const char *s, const char *nfc)
{
	enum text_flaw one = text_check(s, 0), multi = text_check(s, 1);
	char          *t, *again;
	size_t         n;

	/* The first flaw is reported: a control before a bad byte. */
	if ((nfc == NULL && one == TEXT_OK) ||
	    (one == TEXT_ENCODING && nfc != NULL))
		__builtin_trap();
	if (one == TEXT_OK && multi != TEXT_OK)
		__builtin_trap();
	/* Every control text_has_control finds, text_check finds too. */
	if (text_has_control(s, 1) && multi == TEXT_OK)
		__builtin_trap();
	t = text_trim(s);
	if ((t == NULL) != (nfc == NULL))
		__builtin_trap();
	if (t == NULL)
		return;
	again = text_trim(t);
	n = strlen(t);
	if (strcmp(again, t) != 0 || n > strlen(s) ||
	    (one == TEXT_OK && text_check(t, 0) != TEXT_OK) ||
	    (n > 0 && (t[0] == ' ' || t[n - 1] == ' ' || t[n - 1] == '\n')))
		__builtin_trap();
	free(again);
	free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char         *s, *nfc, *folded, out[TIME_TEXT];
	time_t        t;
	int64_t       n;
	int           y, m, d;

	s = xstrndup((const char *)data, size);
	nfc = text_nfc(s);
	folded = text_fold(s);
	/* Folding and normalising agree on what is valid UTF-8. */
	if ((nfc == NULL) != (folded == NULL))
		__builtin_trap();
	if (nfc != NULL && text_length(nfc) < 0)
		__builtin_trap();
	(void)text_has_control(s, 0);
	(void)text_has_control(s, 1);
	check_text_safety(s, nfc);
	if (time_parse(s, &t) == 0) {
		/* A parsed time formats back to the same text. */
		time_format(t, out);
		if (strcmp(out, s) != 0)
			__builtin_trap();
	}
	(void)date_parse(s, &y, &m, &d);
	(void)parse_int(s, INT64_MIN, INT64_MAX, &n);
	memset(&cfg, 0, sizeof(cfg));
	(void)config_listen(&cfg, s);
	free(nfc);
	free(folded);
	free(s);
	return 0;
}
