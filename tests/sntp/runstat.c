/* runstat.c - run a command N times; print wall time (median/min/max) and
 * the children's peak RSS, measured from a small parent so the fork does
 * not inherit a big interpreter's memory. Used by bench/sntpc.sh.
 *   cc -O2 -o runstat runstat.c && ./runstat N CMD ARGS... */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0, i, fails = 0, st;
	double *w;
	long rss = 0;

	if (n < 1 || n > 100000 || !(w = calloc((size_t)n, sizeof *w))) {
		fprintf(stderr, "usage: runstat N CMD [ARGS]\n");
		return 64;
	}
	for (i = 0; i < n; i++) {
		struct timespec a, b;
		struct rusage ru;
		pid_t pid;

		clock_gettime(CLOCK_MONOTONIC, &a);
		pid = fork();
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);
			dup2(fd, 1);
			dup2(fd, 2);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
			return 71;
		clock_gettime(CLOCK_MONOTONIC, &b);
		w[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		fails += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
		if (ru.ru_maxrss > rss)
			rss = ru.ru_maxrss;
	}
	qsort(w, (size_t)n, sizeof *w, cmp);
	printf("median %8.2f ms  min %8.2f ms  max %8.2f ms  peak RSS %6ld KiB  failures %d/%d\n",
	       w[n / 2], w[0], w[n - 1], rss, fails, n);
	free(w);
	return 0;
}
