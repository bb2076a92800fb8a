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

/*
 * What is wrong with a text meant for a field, the first flaw found:
 *   TEXT_ENCODING    not valid UTF-8;
 *   TEXT_CONTROL     a control character (C0, DEL, C1) or a line or
 *                    paragraph separator (U+2028, U+2029); tab, LF and CR
 *                    are allowed when multiline;
 *   TEXT_INVISIBLE   a format character (general category Cf): the
 *                    bidirectional marks, embeddings, overrides and
 *                    isolates (U+200E, U+200F, U+061C, U+202A..U+202E,
 *                    U+2066..U+2069), the zero-width characters (U+200B..
 *                    U+200D, U+2060, U+FEFF), the soft hyphen and the rest
 *                    of Cf: they change how text shows without showing;
 *   TEXT_UNASSIGNED  a private-use, unassigned or noncharacter code point
 *                    (Co, Cn in the Unicode version of utf8proc).
 * TEXT_OK (0) when there is none.
 */
enum text_flaw {
	TEXT_OK = 0,
	TEXT_ENCODING,
	TEXT_CONTROL,
	TEXT_INVISIBLE,
	TEXT_UNASSIGNED,
};
enum text_flaw text_check(const char *s, int multiline);

/*
 * Is cp Unicode white space (White_Space: tab, LF, VT, FF, CR, U+0085 and
 * the categories Zs, Zl, Zp, e.g. U+00A0, U+2003, U+3000)?
 */
int text_is_space(int cp);

/*
 * A malloc'd copy of valid UTF-8 s without its leading and trailing
 * white space (text_is_space), or NULL when s is not valid UTF-8. A text
 * of white space only becomes "".
 */
char *text_trim(const char *s);

#endif
