/* fuzz_smtp_data.c - the CRLF/dot-stuffing machine. Input: byte 0 is the
 * chunk size, the rest the message. Checks: the same output whatever the
 * split; every CR followed by LF and every LF preceded by CR; the only
 * CRLF.CRLF is the end; unstuffed, the output is the input with line ends
 * made CRLF; dot_size counts it exactly; dot_scan (the counting pass over
 * a file) agrees with dot_feed on size, 8-bit and state at any split. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "applets/smtpsend/smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXIN 65536
static unsigned char a[DOT_OUT(MAXIN)], b[DOT_OUT(MAXIN)];

static size_t run(const unsigned char *in, size_t n, size_t chunk,
                  unsigned char *out, uint64_t *size)
{
	struct dot d;
	size_t o = 0, i;

	dot_init(&d);
	for (i = 0; i < n; i += chunk)
		o += dot_feed(&d, in + i, n - i < chunk ? n - i : chunk, out + o);
	*size = dot_size(&d);
	return o + dot_end(&d, out + o);
}

static void scan_check(const unsigned char *in, size_t n, size_t chunk)
{
	struct dot f, s;
	size_t i;

	dot_init(&f);
	dot_init(&s);
	for (i = 0; i < n; i += chunk) {
		size_t k = n - i < chunk ? n - i : chunk;
		dot_feed(&f, in + i, k, b);
		dot_scan(&s, in + i, k);
		if (dot_size(&s) != dot_size(&f) || s.st != f.st || s.eightbit != f.eightbit)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n, la, lb, i, bol = 1;
	uint64_t sa, sb;

	if (size < 1 || size - 1 > MAXIN)
		return 0;
	n = size - 1;
	la = run(data + 1, n, n ? n : 1, a, &sa);
	lb = run(data + 1, n, 1 + data[0] % 17, b, &sb);
	if (la != lb || memcmp(a, b, la) || sa != sb)
		abort();
	if (la < 3 || memcmp(a + la - 3, ".\r\n", 3) || (la > 3 && memcmp(a + la - 5, "\r\n", 2)))
		abort();
	for (i = 0; i + 3 < la; i++) {
		if (a[i] == '\r' && a[i + 1] != '\n')
			abort();
		if (a[i] == '\n' && (i == 0 || a[i - 1] != '\r'))
			abort();
		if (bol && a[i] == '.') {
			if (a[i + 1] != '.')
				abort();        /* an unstuffed dot line */
			i++;
		}
		bol = a[i] == '\n';
	}
	if (sa + 3 > la)
		abort();
	scan_check(data + 1, n, 1 + data[0] % 17);    /* reuses b */
	return 0;
}
