/*
 * text.h — Unicode text handling through utf8proc.
 *
 * Stored text is NFC. Search works on a folded form: NFC plus Unicode case
 * folding, with no accent stripping, so å, ä and ö stay letters of their
 * own (a search for "oland" never finds "Öland").
 */
#ifndef NMT_CORE_TEXT_H
#define NMT_CORE_TEXT_H

#include <stddef.h>

/* A malloc'd NFC copy of valid UTF-8 s, or NULL when s is not valid UTF-8. */
char *text_nfc(const char *s);
/* A malloc'd case-folded NFC copy, or NULL when s is not valid UTF-8. */
char *text_fold(const char *s);
/* Number of code points, or -1 when invalid. */
long text_length(const char *s);
/*
 * Number of code points once leading and trailing white space (Unicode
 * separators, tab and line breaks) is trimmed, or -1 when invalid.
 */
long text_trimmed_length(const char *s);
/*
 * 1 when s holds a control character (C0, DEL, C1); tabs and newlines
 * count only when multiline is 0.
 */
int text_has_control(const char *s, int multiline);

#endif
