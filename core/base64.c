/* base64.c - RFC 4648 base64. */
#include <string.h>
#include "base64.h"

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encode(const void *in, size_t n, char *out, size_t max)
{
	const unsigned char *p = in;
	size_t o = 0, i;

	if (n > ((size_t)-1 / 4) * 3 - 3 || BASE64_LEN(n) >= max)
		return (size_t)-1;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = b64[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = 0;
	return o;
}

static int val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

size_t base64_decode(const char *in, size_t n, void *out, size_t max)
{
	unsigned char *o = out;
	size_t i, len = 0;

	if (n % 4)
		return (size_t)-1;
	for (i = 0; i < n; i += 4) {
		int a = val(in[i]), b = val(in[i + 1]), c, d;
		int last = i + 4 == n, pad = 0;
		unsigned v;

		if (last && in[i + 3] == '=')
			pad = in[i + 2] == '=' ? 2 : 1;
		c = pad == 2 ? 0 : val(in[i + 2]);
		d = pad ? 0 : val(in[i + 3]);
		if (a < 0 || b < 0 || c < 0 || d < 0)
			return (size_t)-1;
		v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
		if ((pad == 2 && (v & 0xffff)) || (pad == 1 && (v & 0xff)))
			return (size_t)-1;     /* non-canonical trailing bits */
		if (len + 3 - (size_t)pad > max)
			return (size_t)-1;
		o[len++] = (unsigned char)(v >> 16);
		if (pad < 2)
			o[len++] = (unsigned char)(v >> 8);
		if (pad < 1)
			o[len++] = (unsigned char)v;
	}
	return len;
}
