/*
 * fuzz_text.c — the small parsers over untrusted text: Unicode
 * normalisation and folding, control-character checks, dates, times,
 * integers and listen addresses.
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
