/* fuzz_conf.c - conf_read on any file content and mode: every key and
 * value handed to the callback is trimmed, one line, and the key has no
 * blanks; a secret key (built-in "password", or "token" marked CONF_SECRET
 * by the callback) is accepted only from a private file, a command key
 * ("passwordeval", "mda", "passfile", or "exec" marked CONF_COMMAND) only
 * from one nobody else may write; every error is EX_CONFIG, also a
 * callback's EX_USAGE. The input goes through a private temporary file. */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "account.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	mode_t mode;
	int marked;             /* the callback returned a kind for a key */
};

static int check(void *ctx, const char *key, const char *val, struct wb_err *e)
{
	struct seen *s = ctx;
	size_t kl = strlen(key), vl = strlen(val);

	if (!kl || kl >= CONF_LINE_MAX || key[0] == '#' || strpbrk(key, " \t\n"))
		abort();
	if (strchr(val, '\n') || (vl && strchr(" \t\r", val[0])) ||
	    (vl && strchr(" \t\r", val[vl - 1])))
		abort();
	/* built-in keys were checked before they reach us */
	if (!strcmp(key, "password") && (s->mode & 077))
		abort();
	if ((!strcmp(key, "passwordeval") || !strcmp(key, "mda") || !strcmp(key, "passfile")) &&
	    (s->mode & 022))
		abort();
	if (!strcmp(key, "fail")) {
		err_set(e, EX_USAGE, "bad value '%s'", val);
		return -1;
	}
	if (!strcmp(key, "exec") || !strcmp(key, "token")) {
		s->marked = 1;
		return key[0] == 'e' ? CONF_COMMAND : CONF_SECRET;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const mode_t modes[] = { 0600, 0644, 0640, 0666, 0620, 0400 };
	static char path[64];
	struct wb_err e = { 0, "" };
	struct seen s = { 0, 0 };
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
	s.mode = modes[size ? data[0] % 6 : 0];
	chmod(path, s.mode);
	r = conf_read(path, 1, check, &s, &e);
	if (r != 0 && (r != -1 || e.code != EX_CONFIG || !e.msg[0]))
		abort();
	if (r == 0 && e.code != 0)
		abort();
	/* a marked key in a file others may write (or read, for a secret)
	 * never passes: "exec" needs mode & 022 == 0, "token" & 077 == 0 */
	if (r == 0 && s.marked && (s.mode & 022))
		abort();
	unlink(path);
	return 0;
}
