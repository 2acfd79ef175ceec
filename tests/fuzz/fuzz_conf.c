/* fuzz_conf.c - conf_read on any file content: every key and value handed
 * to the callback is trimmed, one line, and the key has no blanks. The
 * input goes through a private temporary file (mode 0600). */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "account.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check(void *ctx, const char *key, const char *val, struct wb_err *e)
{
	size_t kl = strlen(key), vl = strlen(val);

	(void)ctx;
	if (!kl || kl >= CONF_LINE_MAX || key[0] == '#' || strpbrk(key, " \t\n"))
		abort();
	if (strchr(val, '\n') || (vl && strchr(" \t\r", val[0])) ||
	    (vl && strchr(" \t\r", val[vl - 1])))
		abort();
	if (!strcmp(key, "fail")) {
		err_set(e, 0, "bad value '%s'", val);
		return -1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct wb_err e = { 0, "" };
	FILE *f;
	int r;

	if (!path[0])
		snprintf(path, sizeof path, "/tmp/wb-fuzz-conf-%ld", (long)getpid());
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	chmod(path, size && data[0] & 1 ? 0644 : 0600);
	r = conf_read(path, 1, check, NULL, &e);
	if (r != 0 && (r != -1 || e.code != EX_CONFIG || !e.msg[0]))
		abort();
	if (r == 0 && e.code != 0)
		abort();
	unlink(path);
	return 0;
}
