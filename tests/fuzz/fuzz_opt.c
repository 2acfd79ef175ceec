/* fuzz_opt.c - opt_next over any argv (words separated by NUL bytes),
 * parse_long and parse_ms on any text. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "opt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct opt tab[] = {
	{ "q", 'q', 0 }, { "v", 'v', 0 }, { "f", 'f', 1 },
	{ "timeout", 1000, 1 }, { "help", 1001, 0 },
	{ "-au", 1002, 1 }, { "-o*", 1003, 0 }, { NULL, 0, 0 },
};

static void numbers(const char *s)
{
	long v;

	if (parse_long(s, LONG_MIN, LONG_MAX, &v) == 0 && parse_long(s, v, v, &v))
		abort();
	if (parse_long(s, -1000, 1000, &v) == 0 && (v < -1000 || v > 1000))
		abort();
	if (parse_ms(s, 0, LONG_MAX, &v) == 0 && v < 0)
		abort();
	if (parse_ms(s, 1, 3600000, &v) == 0 && (v < 1 || v > 3600000))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[4096];
	char *argv[64];
	struct optstate st;
	size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1, i;
	int argc = 1, id, steps = 0;

	memcpy(buf, data, n);
	buf[n] = 0;
	argv[0] = "prog";
	for (i = 0; i <= n && argc < 63; i++)
		if (i == 0 || buf[i - 1] == 0)
			argv[argc++] = buf + i;
	argv[argc] = NULL;
	for (i = 1; i < (size_t)argc; i++)
		numbers(argv[i]);
	opt_init(&st, argc, argv);
	while ((id = opt_next(&st, tab)) != OPT_END) {
		if (id == OPT_ERR && (!st.err[0] || strlen(st.err) >= sizeof st.err))
			abort();
		if (id == OPT_ARG && !st.arg)
			abort();
		if (id == 'f' || id == 1000 || id == 1002 || id == 1003)
			if (!st.arg)
				abort();
		if (st.ind > argc || ++steps > 4096)
			abort();
	}
	return 0;
}
