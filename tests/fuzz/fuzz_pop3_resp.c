/* fuzz_pop3_resp.c - pop3get's response parsers (status lines, STAT,
 * LIST/UIDL lines, CAPA, APOP timestamp) on each line of the input.
 * Checks: a parsed UID is valid, a parsed status's text lies inside the
 * line, numbers are within their bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "applets/pop3get/pop3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const char *line)
{
	const char *text;
	unsigned long n;
	unsigned long long sz;
	char uid[POP3_UID_MAX + 1], ts[POP3_TS_MAX], hex[33];
	unsigned caps = 0;
	int r = resp_status(line, &text);

	if (r != RESP_BAD && (text < line || text > line + strlen(line)))
		abort();
	if (resp_stat(line, &n, &sz) == 0 && (n > POP3_NUM_MAX || sz > POP3_SIZE_MAX))
		abort();
	if (resp_list(line, &n, &sz) == 0 && (n == 0 || n > POP3_NUM_MAX))
		abort();
	if (resp_uidl(line, &n, uid) == 0 && !uid_valid(uid, strlen(uid)))
		abort();
	resp_capa(line, &caps);
	if (apop_timestamp(line, ts)) {
		if (ts[0] != '<' || ts[strlen(ts) - 1] != '>' || !strchr(ts, '@'))
			abort();
		apop_digest(ts, "secret", hex);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[POP3_LINE_MAX + 1];
	size_t i = 0;

	while (i < size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - (data + i)) : size - i;

		if (n > POP3_LINE_MAX)
			n = POP3_LINE_MAX;
		memcpy(line, data + i, n);
		line[n] = 0;
		one(line);
		i += n + 1;
	}
	return 0;
}
