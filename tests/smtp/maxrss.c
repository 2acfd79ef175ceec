/* maxrss.c - run CMD with stdin/stdout/stderr passed through and print its
 * exact peak RSS in KiB (wait4's ru_maxrss) on fd 3, else stderr; exit with
 * CMD's status. A small C parent, so the child's high-water mark inherited
 * across fork+exec is this program's (~1 MiB), not an interpreter's; and
 * unlike polling /proc it cannot miss a short run's peak.
 *   cc -o maxrss maxrss.c && ./maxrss CMD ARGS... 3>&1 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int st;
	pid_t pid;
	char out[32];
	int n;

	if (argc < 2)
		return 64;
	pid = fork();
	if (pid < 0)
		return 71;
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) != pid)
		return 71;
	n = snprintf(out, sizeof out, "%ld\n", ru.ru_maxrss);
	if (write(3, out, (size_t)n) != n)
		fprintf(stderr, "peak RSS %ld KiB\n", ru.ru_maxrss);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
