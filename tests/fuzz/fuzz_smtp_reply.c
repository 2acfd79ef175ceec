/* fuzz_smtp_reply.c - the SMTP reply parser and EHLO capability lines.
 * Input: server text, split at LF into lines fed to reply_line. Checks:
 * bounded NUL-terminated text, a code in 200..559 for every accepted
 * line, one code per reply, nothing after REPLY_BAD. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "applets/smtpsend/smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[SMTP_LINE_MAX + 1];
	struct smtp_reply r;
	struct smtp_caps caps;
	const char *p = (const char *)data, *end = p + size, *t;
	int k = REPLY_MORE, code = 0;

	reply_init(&r);
	memset(&caps, 0, sizeof caps);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > SMTP_LINE_MAX)
			n = SMTP_LINE_MAX;
		memcpy(line, p, n);
		line[n] = 0;
		p = nl ? nl + 1 : end;
		if (k != REPLY_MORE)
			reply_init(&r), code = 0;
		k = reply_line(&r, line, n, &t);
		if (k == REPLY_BAD) {
			if (!r.why)
				abort();
			continue;
		}
		if (r.code < 200 || r.code > 559 || (code && code != r.code))
			abort();
		code = r.code;
		if (t < line || t > line + n || strlen(r.text) != r.tlen ||
		    r.tlen >= sizeof r.text || strlen(r.esc) >= sizeof r.esc)
			abort();
		caps_line(&caps, t);
	}
	return 0;
}
