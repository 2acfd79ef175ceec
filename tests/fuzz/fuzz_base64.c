/* fuzz_base64.c - strict decode of anything, and round trips: whatever
 * decodes must encode back to the same text (canonical), and any bytes
 * must encode then decode to themselves. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXIN 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char out[MAXIN], back[MAXIN];
	static char enc[BASE64_LEN(MAXIN) + 1];
	size_t n, e, small;

	if (size > MAXIN)
		return 0;
	n = base64_decode((const char *)data, size, out, sizeof out);
	if (n != (size_t)-1) {
		if (n > size / 4 * 3)
			abort();
		e = base64_encode(out, n, enc, sizeof enc);
		if (e != size || memcmp(enc, data, size))
			abort();        /* not canonical, yet accepted */
		/* a buffer one byte short must be refused */
		if (n > 0 && base64_decode((const char *)data, size, back, n - 1) != (size_t)-1)
			abort();
	}
	/* bytes -> text -> bytes */
	e = base64_encode(data, size, enc, sizeof enc);
	if (e != BASE64_LEN(size) || strlen(enc) != e)
		abort();
	n = base64_decode(enc, e, back, sizeof back);
	if (n != size || memcmp(back, data, size))
		abort();
	/* encode into a buffer too small by one: refused, nothing past it */
	small = BASE64_LEN(size);
	if (base64_encode(data, size, enc, small) != (size_t)-1)
		abort();
	return 0;
}
