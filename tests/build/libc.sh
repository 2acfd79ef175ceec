#!/bin/sh
# tests/build/libc.sh - static musl builds take malloc, printf, qsort and
# strstr from core/alloc.c, core/fmt.c and core/small.c (-DWB_OWN_LIBC):
#  - a static program with them links, and musl's own (mallocng, vfprintf,
#    smoothsort, two-way strstr) are not in its link map
#  - 100,000 rounds of what sntpc's daemon does with the heap (getaddrinfo/
#    freeaddrinfo, opendir/closedir, setenv, snprintf, realloc) map no more
#    memory than the first 1,000 (one period of its sizes) did, and the RSS stays put
#  - printf/fprintf/snprintf in that binary print what glibc's do
# Needs musl-gcc (skipped without it, failed in CI).
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
if ! command -v musl-gcc >/dev/null 2>&1; then
	[ -z "${CI:-}" ] || fail "musl-gcc missing (apt-get install musl-tools)"
	echo "musl-gcc missing: skipped"; finish; exit
fi
cat > "$T_DIR/heap.c" <<'C'
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "alloc.h"

static long rss_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6))
			v = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static void round_of_work(unsigned r)
{
	struct addrinfo hints, *res = NULL;
	char num[32], *p;
	DIR *d;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(r & 1 ? "127.0.0.1" : "::1", "123", &hints, &res) == 0)
		freeaddrinfo(res);
	d = opendir("/");
	if (d)
		closedir(d);
	snprintf(num, sizeof num, "%u", r % 977);
	setenv("WB_HEAP_TEST", num, 1);
	p = malloc(r % 1000 * 5);
	p = realloc(p, r % 1000 * 70 + 1);      /* up to 70 KB: a mapping */
	free(p);
}

int main(int argc, char **argv)
{
	unsigned r, n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100000;
	size_t warm;
	long rss;

	if (argc > 2) {         /* the formatter through libc's names */
		printf("[%s|%5d|%-4u|%08llx|%.3s|%c|%%]\n", argv[2], -42, 7u, 0xdeadbeefULL, "abcdef", 'z');
		fprintf(stderr, "%zu %ld\n", (size_t)12, -9L);
		return 0;
	}
	for (r = 0; r < 1000; r++)     /* one period of the pattern */
		round_of_work(r);
	warm = alloc_mapped(), rss = rss_kib();
	for (r = 1000; r < n; r++)
		round_of_work(r);
	printf("mapped %zu -> %zu bytes, rss %ld -> %ld KiB\n", warm, alloc_mapped(), rss, rss_kib());
	return alloc_mapped() == warm && rss_kib() <= rss + 64 ? 0 : 1;
}
C
if musl-gcc -static -Os -DWB_OWN_LIBC -ffunction-sections -Wl,--gc-sections -Icore \
	-Wl,-Map,"$T_DIR/map" -o "$T_DIR/heap" "$T_DIR/heap.c" core/alloc.c core/fmt.c core/small.c \
	2>"$T_DIR/err"; then
	pass "a static musl program links with wirebox's malloc, printf, qsort, strstr"
else
	fail "a static musl program links with wirebox's malloc, printf, qsort, strstr" "$(head -c 600 "$T_DIR/err")"
	finish; exit
fi
for m in malloc free realloc calloc vfprintf vsnprintf printf fprintf snprintf qsort strstr; do
	if grep -q "libc\.a($m\.lo)" "$T_DIR/map"; then fail "musl's $m.lo is not linked"
	else pass "musl's $m.lo is not linked"; fi
done
if out=$("$T_DIR/heap" 100000); then pass "100,000 rounds of heap work: bounded ($out)"
else fail "100,000 rounds of heap work: bounded" "$out"; fi
"$T_DIR/heap" 1 'x y' > "$T_DIR/out" 2> "$T_DIR/err2"
printf '[x y|  -42|7   |deadbeef|abc|z|%%]\n' > "$T_DIR/want"
printf '12 -9\n' > "$T_DIR/want2"
if cmp -s "$T_DIR/out" "$T_DIR/want" && cmp -s "$T_DIR/err2" "$T_DIR/want2"; then
	pass "printf and fprintf through fmt.c print what glibc's do"
else fail "printf and fprintf through fmt.c print what glibc's do" "$(cat "$T_DIR/out" "$T_DIR/err2")"; fi
finish
