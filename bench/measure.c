/*
 * bench/measure.c - time one tool, and nothing around it, for make bench.
 *
 *   measure [-n COUNT] [-i FILE] [-o FILE] [-e FILE] [-C] [-R] PROG [ARG...]
 *
 * Runs PROG COUNT times (default 1) one after the other: each time fork(),
 * stdin from FILE (default /dev/null; reopened for each run), stdout to -o
 * FILE and stderr to -e FILE (default /dev/null, appended), then execvp()
 * of PROG itself: no shell, no setpriv, no wrapper between us and the tool.
 * -C drops CAP_SYS_TIME in the child before the exec (bounding set, the
 * effective, permitted and inheritable sets, ambient ones), so an NTP client
 * that would set the clock gets EPERM: a benchmark never moves the clock.
 *
 * The first run is traced (ptrace, PTRACE_O_TRACEEXIT: no other process) to
 * read the tool's VmHWM from /proc when it exits, still holding its memory:
 * wait4's ru_maxrss comes from the kernel's per-CPU batched counters and
 * reads up to a few hundred KiB short for a small process (0 for one of a
 * few dozen pages). The other runs are not traced. -R: trace no run.
 *
 * Prints one line: "SECONDS MAXRSS_KIB STATUS"
 *   SECONDS    wall time of all COUNT runs (CLOCK_MONOTONIC, from before
 *              the first fork to after the last wait4)
 *   MAXRSS_KIB the largest ru_maxrss that wait4() gave for a run (the
 *              tool's own peak, with any children it waited for)
 *   STATUS     0, or the first run's non-zero exit status (128+N: signal N;
 *              127: the exec failed); the remaining runs still happen
 * Build it static (musl-gcc -static): ru_maxrss covers the forked copy of
 * this program before the exec too, which is then a few pages.
 * Exit: 0 measured; 64 usage; 71 fork or a file failed.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CAP_SYS_TIME_BIT 25            /* linux/capability.h CAP_SYS_TIME */
#define CAP_V3 0x20080522              /* _LINUX_CAPABILITY_VERSION_3 */

struct cap_hdr { unsigned version; int pid; };
struct cap_data { unsigned eff, perm, inh; };

struct opts {
	long count;
	const char *in, *out, *err;
	int nocap, notrace;
	char **argv;
};

static void usage(void)
{
	fputs("usage: measure [-n COUNT] [-i FILE] [-o FILE] [-e FILE] [-C] [-R] PROG [ARG...]\n", stderr);
	exit(64);
}

static int parse(int argc, char **argv, struct opts *o)
{
	int c;
	char *end;

	o->count = 1;
	o->in = "/dev/null";
	o->out = "/dev/null";
	o->err = "/dev/null";
	o->nocap = 0;
	o->notrace = 0;
	while ((c = getopt(argc, argv, "+n:i:o:e:CR")) != -1) {
		switch (c) {
		case 'n':
			errno = 0;
			o->count = strtol(optarg, &end, 10);
			if (errno || *end || o->count < 1)
				usage();
			break;
		case 'i': o->in = optarg; break;
		case 'o': o->out = optarg; break;
		case 'e': o->err = optarg; break;
		case 'C': o->nocap = 1; break;
		case 'R': o->notrace = 1; break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();
	o->argv = argv + optind;
	return 0;
}

/* no CAP_SYS_TIME for this process and anything it execs */
static int drop_sys_time(void)
{
	struct cap_hdr h = { CAP_V3, 0 };
	struct cap_data d[2];
	unsigned bit = 1u << CAP_SYS_TIME_BIT;

	if (prctl(PR_CAPBSET_DROP, CAP_SYS_TIME_BIT, 0, 0, 0) != 0 && errno != EPERM)
		return -1;
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, CAP_SYS_TIME_BIT, 0, 0);
	if (syscall(SYS_capget, &h, d) != 0)
		return -1;
	d[0].eff &= ~bit;
	d[0].perm &= ~bit;
	d[0].inh &= ~bit;
	return syscall(SYS_capset, &h, d) == 0 ? 0 : -1;
}

static int redirect(const char *path, int fd, int flags)
{
	int f = open(path, flags, 0644);

	if (f < 0)
		return -1;
	if (f != fd) {
		if (dup2(f, fd) < 0)
			return -1;
		close(f);
	}
	return 0;
}

static void child(const struct opts *o, int trace)
{
	if (redirect(o->in, 0, O_RDONLY) || redirect(o->out, 1, O_WRONLY | O_CREAT | O_APPEND) ||
	    redirect(o->err, 2, O_WRONLY | O_CREAT | O_APPEND)) {
		perror("measure: redirect");
		_exit(126);
	}
	if (o->nocap && drop_sys_time() != 0) {
		perror("measure: dropping CAP_SYS_TIME");
		_exit(126);
	}
	if (trace && ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0)
		_exit(126);
	execvp(o->argv[0], o->argv);
	_exit(127);
}

/* VmHWM of a live process in KiB, or 0 */
static long vmhwm(pid_t pid)
{
	char path[64], line[256];
	long kb = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = atol(line + 6);
	fclose(f);
	return kb;
}

/* follow a traced child to its exit stop, its VmHWM there into *hwm; 1
 * when it ended before (a failed exec): then reaped, *st and *ru set */
static int follow(pid_t pid, long *hwm, int *st, struct rusage *ru)
{
	while (wait4(pid, st, 0, ru) == pid && WIFSTOPPED(*st)) {
		int sig = WSTOPSIG(*st);

		if (sig == SIGTRAP && (*st >> 16) == PTRACE_EVENT_EXIT) {
			*hwm = vmhwm(pid);
			ptrace(PTRACE_DETACH, pid, NULL, NULL);
			return 0;
		}
		if (sig == SIGTRAP && (*st >> 16) == 0) {   /* the exec */
			ptrace(PTRACE_SETOPTIONS, pid, NULL,
			       (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL));
			sig = 0;
		}
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
	return 1;
}

/* one run: its status (0, exit code, 128+signal), max RSS into *rss */
static int run_once(const struct opts *o, long *rss, int trace)
{
	struct rusage ru;
	long hwm = 0;
	int st;
	pid_t pid = fork();

	if (pid < 0) {
		perror("measure: fork");
		exit(71);
	}
	if (pid == 0)
		child(o, trace);
	if (trace && follow(pid, &hwm, &st, &ru))
		trace = 2;
	while (trace != 2 && wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("measure: wait4");
			exit(71);
		}
	}
	if (ru.ru_maxrss > *rss)
		*rss = ru.ru_maxrss;
	if (hwm > *rss)
		*rss = hwm;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 128;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct timespec a, b;
	long i, rss = 0;
	int st, first = 0;

	parse(argc, argv, &o);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < o.count; i++) {
		st = run_once(&o, &rss, i == 0 && !o.notrace);
		if (st && !first)
			first = st;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.6f %ld %d\n", (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9,
	       rss, first);
	return 0;
}
