/* fuzz_smtp_headers.c - header scan for -t and Bcc removal. Input: byte 0
 * flags (eof, drop From), the rest a message head. Checks: addresses are
 * bounded and NUL-free, cuts are ordered and inside the header section,
 * hdr_apply only shrinks and keeps the body; a header section that
 * passes holds no bare CR (the sent copy would split the field where the
 * scan did not: "To: a@x\rBcc: s@y"); display_name (-F) of the
 * input stays bounded, with no line break but its own folding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "applets/smtpsend/smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int seen(void *ctx, const char *addr, struct wb_err *e)
{
	int u;

	(void)e;
	if (strlen(addr) >= ADDR_MAX || !*addr)
		abort();
	addr_ok(addr, &u);
	(*(int *)ctx)++;
	return 0;
}

static void name_check(const uint8_t *data, size_t n)
{
	static char in[1024];
	char out[NAME_OUT_MAX];
	const char *p;

	if (n >= sizeof in)
		n = sizeof in - 1;
	memcpy(in, data, n);
	in[n] = 0;
	display_name(in, out);
	if (strlen(out) >= NAME_OUT_MAX)
		abort();
	for (p = out; (p = strpbrk(p, "\r\n")) != NULL; p += 3)
		if (strncmp(p, "\r\n ", 3))
			abort();        /* a bare line break: header injection */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[70000];
	struct hdr_info h;
	struct wb_err e;
	size_t n, out;
	int count = 0, k;

	if (size < 1 || size - 1 > sizeof buf)
		return 0;
	n = size - 1;
	name_check(data + 1, n);
	memcpy(buf, data + 1, n);
	if (hdr_scan(buf, n, data[0] & 1, &h, data[0] & 2, seen, &count, &e))
		return 0;
	if (h.end > n || h.ncut > HDR_CUTS)
		abort();
	for (k = 0; k < h.ncut; k++)
		if (h.cut[k][0] > h.cut[k][1] || h.cut[k][1] > n ||
		    (k && h.cut[k][0] < h.cut[k - 1][1]) || (h.complete && h.cut[k][1] > h.end))
			abort();
	for (k = 0; (size_t)k + 1 < h.end; k++)
		if (buf[k] == '\r' && buf[k + 1] != '\n')
			abort();        /* a bare CR got through the scan */
	if (!h.complete)
		return 0;
	out = hdr_apply(buf, n, &h);
	if (out > n || memcmp(buf + out - (n - h.end), data + 1 + h.end, n - h.end))
		abort();        /* the body is untouched */
	return 0;
}
