/* text.c - the one cleaner for untrusted text (see text.h). */
#include <string.h>
#include "text.h"

size_t text_char(const unsigned char *p, size_t n)
{
	unsigned c = p[0], cp, need, i;

	if (c < 0x80)
		return ctl_byte((unsigned char)c) ? 0 : 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		need = 2, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 3, cp = c & 0x07;
	else
		return 0;               /* continuation byte, C0/C1 lead, 0xf5.. */
	if (n < need + 1)
		return 0;
	for (i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;               /* overlong, or past Unicode */
	if ((cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;               /* surrogate, or C1 control */
	return need + 1;
}

size_t text_clean(char *out, size_t max, const void *in, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = in;
	size_t i = 0, o = 0;

	while (i < n) {
		size_t k = text_char(p + i, n - i);

		if (k) {
			if (o + k >= max)
				break;
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
			continue;
		}
		if (o + 4 >= max)
			break;
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[p[i] >> 4];
		out[o++] = hex[p[i] & 15];
		i++;
	}
	out[o] = 0;
	return o;
}

void text_clean_inplace(char *s, size_t max)
{
	char tmp[1024];
	size_t o;

	if (max > sizeof tmp)
		max = sizeof tmp;
	o = text_clean(tmp, max, s, strlen(s));
	memcpy(s, tmp, o + 1);
}
