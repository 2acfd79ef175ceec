/* standalone.c - runs a libFuzzer target without libFuzzer (gcc, sanitizers):
 *   fuzz_NAME [-n COUNT] [-s SEED] PATH...
 * Each PATH (a file, or every file in a directory) is fed once; then COUNT
 * deterministic inputs (default 2000): half pseudo-random bytes biased to
 * protocol text, half mutations (bit flips, inserts, deletes, cuts, splices,
 * repeats) of the files read. Exit 0 when the target neither crashed nor
 * aborted. Same SEED, same inputs: a failure reproduces; the input that
 * failed is also saved as $FUZZ_CRASH_DIR (default .)/crash-PROGRAM. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* optional in a target, as with libFuzzer */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
/* from the sanitizer runtime when linked in */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

#define INPUT_MAX 8192
#define MAX_SEEDS 512

static unsigned char *seeds[MAX_SEEDS];
static size_t seedlen[MAX_SEEDS];
static int nseeds;
static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t below(size_t n)
{
	return n ? (size_t)(next() % n) : 0;
}

static const unsigned char *cur;
static size_t curlen;
static char crashfile[4096];

/* save the input being run when the target dies (async-signal-safe calls) */
static void save_crash(void)
{
	int fd = open(crashfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, cur, curlen) < 0 || write(2, "input saved as ", 15) < 0 ||
		    write(2, crashfile, strlen(crashfile)) < 0 || write(2, "\n", 1) < 0)
			cur = NULL;
		close(fd);
	}
}

static void on_signal(int sig)
{
	save_crash();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_crashes(const char *prog)
{
	const char *dir = getenv("FUZZ_CRASH_DIR");
	const char *base = strrchr(prog, '/');

	snprintf(crashfile, sizeof crashfile, "%s/crash-%s", dir ? dir : ".",
	         base ? base + 1 : prog);
	signal(SIGABRT, on_signal);
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
	signal(SIGFPE, on_signal);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(save_crash);
}

static void run(const unsigned char *p, size_t n)
{
	/* a private heap copy so ASan sees reads past the end */
	unsigned char *c = malloc(n ? n : 1);

	if (!c)
		abort();
	memcpy(c, p, n);
	cur = c;
	curlen = n;
	LLVMFuzzerTestOneInput(c, n);
	free(c);
}

static void feed_file(const char *path)
{
	unsigned char *buf = malloc(INPUT_MAX);
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!buf || !f) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	n = fread(buf, 1, INPUT_MAX, f);
	fclose(f);
	run(buf, n);
	if (nseeds < MAX_SEEDS) {
		seeds[nseeds] = buf;
		seedlen[nseeds++] = n;
	} else {
		free(buf);
	}
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void feed_path(const char *path)
{
	struct stat st;
	struct dirent *d;
	char *names[MAX_SEEDS], full[4096];
	int n = 0, i;
	DIR *dir;

	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		feed_file(path);
		return;
	}
	if (!(dir = opendir(path)))
		return;
	while ((d = readdir(dir)) && n < MAX_SEEDS)
		if (d->d_name[0] != '.')
			names[n++] = strdup(d->d_name);
	closedir(dir);
	qsort(names, (size_t)n, sizeof *names, cmp);    /* same order everywhere */
	for (i = 0; i < n; i++) {
		snprintf(full, sizeof full, "%s/%s", path, names[i]);
		feed_file(full);
		free(names[i]);
	}
}

/* bytes protocols are made of: digits, letters, blanks, CR, LF, punctuation */
static unsigned char textish(void)
{
	static const char set[] = "\r\n\r\n  0123456789+-.:=[]<>@\"\\#/AUTHOKERRabcxyz";

	switch (below(4)) {
	case 0: return (unsigned char)next();
	default: return (unsigned char)set[below(sizeof set - 1)];
	}
}

static size_t random_input(unsigned char *b)
{
	size_t n = below(below(4) ? 64 : 1024), i;

	for (i = 0; i < n; i++)
		b[i] = textish();
	return n;
}

static size_t mutate(unsigned char *b)
{
	int k = (int)below((size_t)nseeds), rounds = 1 + (int)below(4);
	size_t n = seedlen[k], i, at, len;

	memcpy(b, seeds[k], n);
	while (rounds--) {
		at = below(n + 1);
		switch (below(7)) {
		case 0:                         /* flip a bit */
			if (n)
				b[below(n)] ^= (unsigned char)(1u << below(8));
			break;
		case 1:                         /* insert bytes */
			len = 1 + below(8);
			if (n + len > INPUT_MAX)
				break;
			memmove(b + at + len, b + at, n - at);
			for (i = 0; i < len; i++)
				b[at + i] = textish();
			n += len;
			break;
		case 2:                         /* delete bytes */
			len = below(n - at + 1);
			memmove(b + at, b + at + len, n - at - len);
			n -= len;
			break;
		case 3:                         /* cut */
			n = at;
			break;
		case 4:                         /* splice another seed's tail */
			k = (int)below((size_t)nseeds);
			len = seedlen[k] ? below(seedlen[k]) : 0;
			if (at + seedlen[k] - len > INPUT_MAX)
				break;
			memcpy(b + at, seeds[k] + len, seedlen[k] - len);
			n = at + seedlen[k] - len;
			break;
		case 5:                         /* repeat a piece */
			len = below(n - at + 1);
			for (i = 0; i < 8 && n + len <= INPUT_MAX; i++) {
				memmove(b + at + len, b + at, n - at);
				n += len;
			}
			break;
		default:                        /* set an interesting byte */
			if (n)
				b[below(n)] = (unsigned char)"\0\r\n \xff\x7f="[below(7)];
			break;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	static unsigned char buf[INPUT_MAX];
	long count = 2000, i;
	int a = 1;

	rng = 0x9e3779b97f4a7c15ull;
	catch_crashes(argv[0]);
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
		if (!strcmp(argv[a], "-n"))
			count = atol(argv[a + 1]);
		else if (!strcmp(argv[a], "-s"))
			rng ^= strtoull(argv[a + 1], NULL, 0) * 0x2545f4914f6cdd1dull;
		else
			break;
	}
	for (; a < argc; a++)
		feed_path(argv[a]);
	run((const unsigned char *)"", 0);
	for (i = 0; i < count; i++) {
		size_t n = (i % 2 || !nseeds) ? random_input(buf) : mutate(buf);
		run(buf, n);
	}
	printf("%d files, %ld generated inputs: ok\n", nseeds, count);
	for (i = 0; i < nseeds; i++)
		free(seeds[i]);
	return 0;
}
