/* test_core_run.c - the helper runner: what the helper gets (stdin, fds,
 * environment, arguments), deadlines that kill the whole group, background
 * children that must not hold us, signals forwarded before EOF. */
#define _DEFAULT_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "run.h"
#include "util.h"

Suite *core_run_suite(void);

static char dir[] = "/tmp/wb-run-XXXXXX";

static void setup(void)
{
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* run cmd with RUN_OUT (plus flags), its output into out; the wait status */
static int output(const char *cmd, const char *const *args, int flags, char *out,
                  size_t max, int64_t ms)
{
	struct run r;
	int more;
	ssize_t n;

	ck_assert_int_eq(run_start(&r, cmd, args, RUN_OUT | flags), 0);
	n = run_read_all(&r, out, max - 1, &more, mono_ms() + ms);
	ck_assert_int_ge(n, 0);
	out[n] = 0;
	return run_wait(&r, mono_ms() + ms);
}

/* the pid a helper wrote into dir/name (its $$: also its group) */
static pid_t pid_in(const char *name)
{
	char p[128], b[32] = "";
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(b, sizeof b, f));
	fclose(f);
	return (pid_t)atol(b);
}

/* 1 if a process of group pg is alive (zombies do not count: a container's
 * init may never reap the orphans) */
static int group_alive(pid_t pg)
{
	char p[300], b[512], *s, st;
	struct dirent *d;
	int alive = 0;
	long grp;
	DIR *dp = opendir("/proc");
	FILE *f;

	ck_assert_ptr_nonnull(dp);
	while (!alive && (d = readdir(dp)) != NULL) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(p, sizeof p, "/proc/%s/stat", d->d_name);
		if (!(f = fopen(p, "r")))
			continue;
		s = fgets(b, sizeof b, f) ? strrchr(b, ')') : NULL;
		fclose(f);
		alive = s && sscanf(s + 1, " %c %*d %ld", &st, &grp) == 2 && grp == pg &&
		        st != 'Z';
	}
	closedir(dp);
	return alive;
}

static int group_gone(pid_t pg)
{
	int i;

	for (i = 0; i < 100 && group_alive(pg); i++)
		usleep(10000);
	return !group_alive(pg);
}

START_TEST(run_stdin_is_dev_null)
{
	char out[256];
	int fd[2];

	/* our stdin holds data: the helper must not see (nor eat) it */
	ck_assert_int_eq(pipe(fd), 0);
	ck_assert_int_eq(write(fd[1], "mail\n", 5), 5);
	close(fd[1]);
	ck_assert_int_eq(dup2(fd[0], 0), 0);
	close(fd[0]);
	ck_assert_int_eq(output("cat; echo done", NULL, 0, out, sizeof out, 5000), 0);
	ck_assert_str_eq(out, "done\n");
	ck_assert_int_eq(read(0, out, sizeof out), 5);
}
END_TEST

START_TEST(run_input_pipe)
{
	char out[64];
	struct run r;
	int more;
	ssize_t n;

	ck_assert_int_eq(run_start(&r, "tr a-z A-Z", NULL, RUN_IN | RUN_OUT), 0);
	ck_assert_int_eq(run_write(&r, "abc\n", 4, mono_ms() + 5000), 0);
	run_close_in(&r);
	n = run_read_all(&r, out, sizeof out - 1, &more, mono_ms() + 5000);
	ck_assert_int_eq(n, 4);
	out[n] = 0;
	ck_assert_str_eq(out, "ABC\n");
	ck_assert_int_eq(run_wait(&r, mono_ms() + 5000), 0);
	ck_assert_int_eq(r.pid, -1);
}
END_TEST

START_TEST(run_args_unquoted)
{
	const char *args[] = { "a b", "$HOME;x", NULL };
	char out[64];

	ck_assert_int_eq(output("printf '%s|' \"$0\" \"$1\"", args, 0, out, sizeof out, 5000), 0);
	ck_assert_str_eq(out, "a b|$HOME;x|");
}
END_TEST

START_TEST(run_no_descriptor_leaks)
{
	char out[64];
	int fd = open("/dev/null", O_RDONLY);   /* without O_CLOEXEC, as a bug would */

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, 50), 50);
	ck_assert_int_eq(output("if [ -e /dev/fd/50 ]; then echo leak; else echo ok; fi; ls /proc/self/fd",
	                        NULL, 0, out, sizeof out, 5000), 0);
	/* 0 1 2 and the fd ls opened for /proc/self/fd: nothing of ours */
	ck_assert_str_eq(out, "ok\n0\n1\n2\n3\n");
	close(50);
	close(fd);
}
END_TEST

START_TEST(run_secrets_not_in_env)
{
	char out[64];

	setenv("SMTP_PASSWORD", "s3", 1);
	setenv("POP3_PASSWORD", "p3", 1);
	setenv("WB_OTHER", "kept", 1);
	ck_assert_int_eq(output("echo \"[$SMTP_PASSWORD$POP3_PASSWORD]$WB_OTHER\"", NULL, 0,
	                        out, sizeof out, 5000), 0);
	ck_assert_str_eq(out, "[]kept\n");
	ck_assert_str_eq(getenv("SMTP_PASSWORD"), "s3");       /* ours untouched */
}
END_TEST

START_TEST(run_background_child_does_not_hold)
{
	int64_t t0 = mono_ms();
	char out[64];

	/* the background sleep keeps the pipe open for 3 s */
	ck_assert_int_eq(output("sleep 3 & echo hi", NULL, 0, out, sizeof out, 10000), 0);
	ck_assert_str_eq(out, "hi\n");
	ck_assert_int_lt(mono_ms() - t0, 2000);
}
END_TEST

START_TEST(run_deadline_kills_the_group)
{
	char cmd[256];
	struct run r;
	int64_t t0 = mono_ms();
	pid_t pg;

	snprintf(cmd, sizeof cmd, "echo $$ > %s/pid; sleep 100 & sleep 100", dir);
	ck_assert_int_eq(run_start(&r, cmd, NULL, 0), 0);
	usleep(100000);
	ck_assert_int_eq(run_wait(&r, mono_ms() + 300), RUN_TIMEOUT);
	ck_assert_int_lt(mono_ms() - t0, 3000);
	pg = pid_in("pid");
	ck_assert_msg(group_gone(pg), "a sleep of group %ld is still running", (long)pg);
}
END_TEST

START_TEST(run_deadline_while_reading)
{
	char cmd[256], out[64];
	struct run r;
	int more;
	pid_t pg;

	snprintf(cmd, sizeof cmd, "echo $$ > %s/pid; echo partial; sleep 100", dir);
	ck_assert_int_eq(run_start(&r, cmd, NULL, RUN_OUT), 0);
	ck_assert_int_eq(run_read_all(&r, out, sizeof out, &more, mono_ms() + 300), RUN_TIMEOUT);
	ck_assert_int_eq(r.pid, -1);            /* killed and reaped */
	pg = pid_in("pid");
	ck_assert(group_gone(pg));
}
END_TEST

START_TEST(run_term_ignored_then_killed)
{
	struct run r;
	int64_t t0 = mono_ms();

	ck_assert_int_eq(run_start(&r, "trap '' TERM; while :; do sleep 1; done", NULL, 0), 0);
	usleep(100000);
	ck_assert_int_eq(run_wait(&r, mono_ms() + 100), RUN_TIMEOUT);
	ck_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL);
	ck_assert_int_lt(mono_ms() - t0, 100 + RUN_GRACE_MS + 1500);
}
END_TEST

START_TEST(run_output_bounded)
{
	char out[8];
	struct run r;
	int more;

	ck_assert_int_eq(run_start(&r, "head -c 100000 /dev/zero", NULL, RUN_OUT), 0);
	ck_assert_int_eq(run_read_all(&r, out, sizeof out, &more, mono_ms() + 5000), 8);
	ck_assert_int_eq(more, 1);
	ck_assert_int_eq(run_wait(&r, mono_ms() + 5000), 0);    /* no SIGPIPE: all read */
}
END_TEST

/* pop3get's case: we die of SIGTERM while the helper reads a message
 * (RUN_FORWARD): it must get the signal, not take EOF for the end */
START_TEST(run_forward_signal_before_eof)
{
	char cmd[256], p[128], got[64] = "";
	pid_t kid;
	int st;
	FILE *f;

	snprintf(cmd, sizeof cmd, "echo $$ > %s/pid; cat > %s/msg; echo complete >> %s/msg",
	         dir, dir, dir);
	kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0) {
		struct run r;
		signal(SIGTERM, SIG_DFL);       /* as in pop3get (Check has its own) */
		if (run_start(&r, cmd, NULL, RUN_IN | RUN_FORWARD) ||
		    run_write(&r, "part\n", 5, mono_ms() + 5000))
			_exit(1);
		usleep(200000);
		raise(SIGTERM);
		_exit(2);
	}
	ck_assert_int_eq(waitpid(kid, &st, 0), kid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	ck_assert(group_gone(pid_in("pid")));
	snprintf(p, sizeof p, "%s/msg", dir);
	f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	if (!fgets(got, sizeof got, f) || !fgets(got, sizeof got, f))
		got[0] = 0;
	fclose(f);
	ck_assert_str_eq(got, "");              /* no "complete" line */
}
END_TEST

START_TEST(run_abort_signals_first)
{
	char cmd[256], p[128], got[64] = "";
	struct run r;
	FILE *f;

	snprintf(cmd, sizeof cmd, "cat > %s/msg; echo complete >> %s/msg", dir, dir);
	ck_assert_int_eq(run_start(&r, cmd, NULL, RUN_IN), 0);
	ck_assert_int_eq(run_write(&r, "part\n", 5, mono_ms() + 5000), 0);
	usleep(100000);
	run_abort(&r);
	ck_assert_int_eq(r.pid, -1);
	snprintf(p, sizeof p, "%s/msg", dir);
	f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	if (!fgets(got, sizeof got, f) || !fgets(got, sizeof got, f))
		got[0] = 0;
	fclose(f);
	ck_assert_str_eq(got, "");
}
END_TEST

/* run_abort: what the helper left running and that ignores SIGTERM is
 * killed with the group, also when the helper itself goes at once */
START_TEST(run_abort_kills_leftovers)
{
	char cmd[256];
	struct run r;
	pid_t pg;

	snprintf(cmd, sizeof cmd, "echo $$ > %s/pid; (trap '' TERM; sleep 100) & cat > /dev/null", dir);
	ck_assert_int_eq(run_start(&r, cmd, NULL, RUN_IN), 0);
	usleep(200000);
	run_abort(&r);
	ck_assert_int_eq(r.pid, -1);
	pg = pid_in("pid");
	ck_assert_msg(group_gone(pg), "the sleep of group %ld is still running", (long)pg);
}
END_TEST

START_TEST(run_write_deadline)
{
	static char big[1 << 17];
	struct run r;

	ck_assert_int_eq(run_start(&r, "sleep 100", NULL, RUN_IN), 0);
	ck_assert_int_eq(run_write(&r, big, sizeof big, mono_ms() + 200), RUN_TIMEOUT);
	run_abort(&r);
	ck_assert_int_eq(r.pid, -1);
}
END_TEST

/* RUN_SOCK: one socket as the helper's stdin and stdout; all it reads is
 * what we write there; our end is one pollable descriptor */
START_TEST(run_sock_echo_through_cat)
{
	char out[64];
	struct run r;
	size_t n = 0;
	ssize_t k;

	ck_assert_int_eq(run_start(&r, "cat", NULL, RUN_SOCK), 0);
	ck_assert_int_ge(r.sock, 0);
	ck_assert_int_eq(r.in, -1);
	ck_assert_int_eq(r.out, -1);
	ck_assert(fcntl(r.sock, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(r.sock, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(write(r.sock, "EHLO x\r\n", 8), 8);
	ck_assert_int_eq(shutdown(r.sock, SHUT_WR), 0);         /* cat sees EOF */
	while (n < 8) {
		k = read(r.sock, out + n, sizeof out - n);
		if (k < 0 && errno == EAGAIN) {
			usleep(10000);
			continue;
		}
		ck_assert_int_gt(k, 0);
		n += (size_t)k;
	}
	ck_assert_int_eq(memcmp(out, "EHLO x\r\n", 8), 0);
	ck_assert_int_eq(run_end(&r, mono_ms() + 5000), 0);    /* exit 0 */
	ck_assert_int_eq(r.pid, -1);
	ck_assert_int_eq(r.sock, -1);
	ck_assert_int_eq(run_end(&r, mono_ms() + 5000), -1);   /* twice: nothing */
}
END_TEST

/* the helper's descriptors: the socket as 0 and 1, our stderr, nothing else */
START_TEST(run_sock_no_descriptor_leaks)
{
	char out[64];
	struct run r;
	size_t n = 0;
	ssize_t k;
	int64_t end = mono_ms() + 5000;
	int fd = open("/dev/null", O_RDONLY);   /* without O_CLOEXEC, as a bug would */

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, 50), 50);
	ck_assert_int_eq(run_start(&r, "[ /proc/self/fd/0 -ef /proc/self/fd/1 ] && echo same; "
	                           "ls /proc/self/fd", NULL, RUN_SOCK), 0);
	while ((k = read(r.sock, out + n, sizeof out - 1 - n)) != 0 && mono_ms() < end)
		if (k > 0)
			n += (size_t)k;
		else
			usleep(10000);
	out[n] = 0;
	ck_assert_str_eq(out, "same\n0\n1\n2\n3\n");
	ck_assert_int_eq(run_end(&r, mono_ms() + 5000), 0);
	close(50);
	close(fd);
}
END_TEST

START_TEST(run_sock_not_with_pipes)
{
	struct run r;

	errno = 0;
	ck_assert_int_eq(run_start(&r, "true", NULL, RUN_SOCK | RUN_IN), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(r.pid, -1);
}
END_TEST

/* run_end after a good exit: what the helper left running in its group
 * (a background child holding nothing of ours) is killed too */
START_TEST(run_end_kills_leftovers)
{
	char cmd[256];
	struct run r;
	pid_t pg;

	snprintf(cmd, sizeof cmd, "echo $$ > %s/pid; sleep 100 & exit 0", dir);
	ck_assert_int_eq(run_start(&r, cmd, NULL, RUN_SOCK), 0);
	usleep(200000);
	ck_assert_int_eq(run_end(&r, mono_ms() + 2000), 0);
	pg = pid_in("pid");
	ck_assert_msg(group_gone(pg), "the sleep of group %ld is still running", (long)pg);
}
END_TEST

/* run_end at its deadline: a helper that does not go when its input ends
 * (and ignores SIGTERM) is killed with its group */
START_TEST(run_end_deadline_kills)
{
	char cmd[256];
	struct run r;
	int64_t t0;
	pid_t pg;

	snprintf(cmd, sizeof cmd, "trap '' TERM; echo $$ > %s/pid; sleep 100 & sleep 100", dir);
	ck_assert_int_eq(run_start(&r, cmd, NULL, RUN_SOCK), 0);
	usleep(200000);
	t0 = mono_ms();
	ck_assert_int_eq(run_end(&r, mono_ms() + 100), RUN_TIMEOUT);
	ck_assert_int_lt(mono_ms() - t0, 100 + RUN_GRACE_MS + 1500);
	ck_assert_int_eq(r.pid, -1);
	pg = pid_in("pid");
	ck_assert(group_gone(pg));
}
END_TEST

Suite *core_run_suite(void)
{
	Suite *s = suite_create("core_run");
	TCase *tc = tcase_create("run");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, run_stdin_is_dev_null);
	tcase_add_test(tc, run_input_pipe);
	tcase_add_test(tc, run_args_unquoted);
	tcase_add_test(tc, run_no_descriptor_leaks);
	tcase_add_test(tc, run_secrets_not_in_env);
	tcase_add_test(tc, run_background_child_does_not_hold);
	tcase_add_test(tc, run_deadline_kills_the_group);
	tcase_add_test(tc, run_deadline_while_reading);
	tcase_add_test(tc, run_term_ignored_then_killed);
	tcase_add_test(tc, run_output_bounded);
	tcase_add_test(tc, run_forward_signal_before_eof);
	tcase_add_test(tc, run_abort_signals_first);
	tcase_add_test(tc, run_abort_kills_leftovers);
	tcase_add_test(tc, run_write_deadline);
	tcase_add_test(tc, run_sock_echo_through_cat);
	tcase_add_test(tc, run_sock_no_descriptor_leaks);
	tcase_add_test(tc, run_sock_not_with_pipes);
	tcase_add_test(tc, run_end_kills_leftovers);
	tcase_add_test(tc, run_end_deadline_kills);
	suite_add_tcase(s, tc);
	return s;
}
