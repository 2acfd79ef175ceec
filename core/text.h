/* text.h - the one cleaner for text a peer, a helper or a file gave us.
 *
 * Everything that shows a server's words to a person (error lines, the -v
 * transcript, --serverinfo, listings) goes through text_clean(): valid
 * UTF-8 passes, while C0 controls (but TAB), DEL, C1 controls (raw 0x80-0x9f
 * and U+0080-U+009F encoded as 0xc2 0x80-0x9f; terminals take both as CSI
 * and friends) and bytes that are not UTF-8 become "\xNN". */
#ifndef WB_TEXT_H
#define WB_TEXT_H
#include <stddef.h>

/* 1 for a C0 control other than TAB, or DEL: never part of a clean line */
static inline int ctl_byte(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* Length of the valid, printable UTF-8 character at p[0..n), or 0 when
 * p[0] starts a control, a C1 control, or bytes that are not UTF-8
 * (overlong, surrogate, above U+10FFFF, cut short). */
size_t text_char(const unsigned char *p, size_t n);

/* Copy n bytes of untrusted text into out as above, NUL-terminated, at
 * most max-1 bytes; never cuts an escape or a character in half. Returns
 * the bytes written (without the NUL). max must be at least 1. */
size_t text_clean(char *out, size_t max, const void *in, size_t n);

/* text_clean of a NUL-terminated string in place (it may only shrink
 * what fits: the cleaned text is cut at max-1 bytes). */
void text_clean_inplace(char *s, size_t max);

#endif
