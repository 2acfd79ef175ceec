/* account.c - config files, ~/.netrc and password sources. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "sysopts.h"
#include "account.h"
#include "msmtprc.h"
#include "text.h"
#include "run.h"
#include "util.h"

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = 0;
	return s;
}

/* 1 if s holds a control character other than tab */
static int has_ctl(const char *s)
{
	for (; *s; s++)
		if (ctl_byte((unsigned char)*s))
			return 1;
	return 0;
}

#define CONF_FILE_MAX 65536

/* keys that always name a secret or a command, whatever the applet */
int conf_key_kind(const char *key)
{
	if (!strcmp(key, "password"))
		return CONF_SECRET;
	if (!strcmp(key, "passwordeval") || !strcmp(key, "mda") || !strcmp(key, "passfile"))
		return CONF_COMMAND;
	return 0;
}

/* A file that holds a secret (CONF_SECRET) or names a command or a secret
 * (CONF_COMMAND) must be ours or root's and writable by nobody else; one
 * holding a secret also readable by nobody else. 0 or -1 (EX_CONFIG). */
int file_guard(const char *path, const struct stat *st, int kind, const char *what,
               struct wb_err *e)
{
	if (!kind)
		return 0;
	if (st->st_uid != geteuid() && st->st_uid != 0) {
		err_set(e, EX_CONFIG, "%s: %s, but the file belongs to uid %ld, not to "
		        "us or root", path, what, (long)st->st_uid);
		return -1;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		err_set(e, EX_CONFIG, "%s: %s, but others can write the file; chmod go-w %s",
		        path, what, path);
		return -1;
	}
	if (kind == CONF_SECRET && (st->st_mode & (S_IRGRP | S_IROTH))) {
		err_set(e, EX_CONFIG, "%s: %s, but others can read the file; chmod 600 %s",
		        path, what, path);
		return -1;
	}
	return 0;
}

/* the callback's error, as "path:line: reason"; a bad value in a file is
 * a configuration error (78), not a usage error */
static int conf_fail(const char *path, int lineno, struct wb_err *e)
{
	char tmp[sizeof e->msg];

	memcpy(tmp, e->msg, sizeof tmp);
	snprintf(e->msg, sizeof e->msg, "%s:%d: %s", path, lineno, tmp);
	if (!e->code || e->code == EX_USAGE)
		e->code = EX_CONFIG;
	return -1;
}

static int conf_line(const char *path, int lineno, char *line, const struct stat *st,
                     conf_fn fn, void *ctx, struct wb_err *e)
{
	char *key = trim(line), *val;
	int kind, r;

	if (*key == 0 || *key == '#')
		return 0;
	if (strlen(key) >= CONF_LINE_MAX)
		return err_set(e, EX_CONFIG, "%s:%d: line too long", path, lineno), -1;
	if (has_ctl(key))       /* a stray CR would reach the server */
		return err_set(e, EX_CONFIG, "%s:%d: control character in line", path, lineno), -1;
	val = key + strcspn(key, " \t");
	if (*val)
		*val++ = 0;
	val = trim(val);
	kind = conf_key_kind(key);
	if (file_guard(path, st, kind, kind == CONF_SECRET ? "holds a password" :
	               "names a command or a password file", e))
		return -1;
	if ((r = fn(ctx, key, val, e)) < 0)
		return conf_fail(path, lineno, e);
	if (r > 0 && file_guard(path, st, r, r == CONF_SECRET ? "holds a secret" :
	                        "names a command or a secret", e))
		return -1;
	return 0;
}

int conf_read(const char *path, int must_exist, conf_fn fn, void *ctx,
              struct wb_err *e)
{
	static char text[CONF_FILE_MAX];
	struct stat st;
	char *line, *next;
	int lineno = 0;

	if (file_read_small(path, text, sizeof text, &st, e) < 0) {
		if (e->code == EX_NOINPUT && !must_exist)
			return e->code = 0;
		e->code = EX_CONFIG;
		return -1;
	}
	for (line = text; line && *line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (conf_line(path, lineno, line, &st, fn, ctx, e))
			return -1;
	}
	return 0;
}

/* ---- msmtp's format (msmtprc.h) over a file ---- */

static const char rc_secret_what[] = "contains secrets";

/* a key's answer CONF_SECRET/CONF_COMMAND: the file must be fit for it */
static int rc_guard(void *gctx, int kind, const char *key, struct wb_err *e)
{
	const struct rc_src *src = gctx;

	(void)key;
	return file_guard(src->f.path, &src->st, kind, kind == CONF_SECRET ? rc_secret_what :
	                  "names a command or a secret", e);
}

int rc_load(struct rc_src *src, const char *path, int must_exist, struct wb_err *e)
{
	int i, kind = 0, k;

	src->loaded = 0;
	src->f.path = path;
	src->f.n = src->f.accounts = 0;
	if (file_read_small(path, src->text, sizeof src->text, &src->st, e) < 0) {
		if (e->code == EX_NOINPUT && !must_exist)
			return e->code = 0;
		e->code = EX_CONFIG;
		return -1;
	}
	if (rc_split(src->text, &src->f, e))
		return -1;
	/* a password in any account makes the whole file a secret (msmtp) */
	for (i = 0; i < src->f.n; i++)
		if ((k = conf_key_kind(src->f.line[i].key)) > kind)
			kind = k;
	if (file_guard(path, &src->st, kind, kind == CONF_SECRET ? rc_secret_what :
	               "names a command or a password file", e))
		return -1;
	src->loaded = 1;
	return 0;
}

int rc_load_apply(struct rc_src *src, const char *name, conf_fn fn, void *ctx,
                  struct wb_err *e)
{
	if (!src->loaded)
		return RC_NOT_FOUND;
	return rc_apply(&src->f, name, fn, ctx, rc_guard, src, e);
}

/* next netrc token (words separated by blanks; "quoted" allowed); *cut
 * is set when it did not fit in out */
static const char *token(const char **pp, char *out, size_t max, int *cut)
{
	const char *p = *pp;
	size_t n = 0;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (!*p)
		return NULL;
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (n + 1 < max)
				out[n++] = *p;
			else
				*cut = 1;
		}
		if (*p)
			p++;
	} else {
		for (; *p && !strchr(" \t\r\n", *p); p++)
			if (n + 1 < max)
				out[n++] = *p;
			else
				*cut = 1;
	}
	out[n] = 0;
	*pp = p;
	return out;
}

int netrc_parse(const char *text, const char *host, const char *user,
                char *login, size_t loginmax, char *pass, size_t passmax)
{
	char tok[SECRET_MAX + 1], l[256] = "", pw[SECRET_MAX + 1] = "";
	int in = 0, found = 0, cut = 0, lcut = 0;
	const char *p = text;

	while (!cut && token(&p, tok, sizeof tok, &cut)) {
		if (!strcmp(tok, "machine") || !strcmp(tok, "default")) {
			if (in && (!user || !strcmp(user, l)))
				{ found = 1; break; }
			in = !strcmp(tok, "default") ||
			     (token(&p, tok, sizeof tok, &cut) && !strcmp(tok, host));
			l[0] = pw[0] = 0;
			lcut = 0;
		} else if (!strcmp(tok, "login") && token(&p, tok, sizeof tok, &cut)) {
			lcut = strlcopy(l, tok, sizeof l) != 0;
		} else if (!strcmp(tok, "password") && token(&p, tok, sizeof tok, &cut)) {
			strlcopy(pw, tok, sizeof pw);
		} else if (!strcmp(tok, "account")) {
			token(&p, tok, sizeof tok, &cut);  /* its value is no keyword */
		} else if (!strcmp(tok, "macdef")) {
			const char *end = strstr(p, "\n\n");   /* a macro ends at a blank line */
			p = end ? end + 2 : p + strlen(p);
		}
	}
	if (!cut && !found && in && (!user || !strcmp(user, l)))
		found = 1;
	/* a cut token would be a wrong secret or login sent without a word */
	if (cut || (found && (lcut || strlcopy(login, l, loginmax) ||
	                      strlcopy(pass, pw, passmax))))
		found = -1;
	secure_zero(tok, sizeof tok);
	secure_zero(pw, sizeof pw);
	if (found < 0) {
		secure_zero(pass, passmax);
		return -1;
	}
	return found && pass[0];
}

static int first_line(char *buf, size_t n, size_t max, const char *what,
                      struct wb_err *e)
{
	char *nl = memchr(buf, '\n', n);

	if (!nl && n >= max - 1) {
		secure_zero(buf, n);
		err_set(e, EX_CONFIG, "%s: secret longer than %d bytes", what, SECRET_MAX - 1);
		return -1;
	}
	if (nl)
		n = (size_t)(nl - buf);
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = 0;
	return 1;
}

/* --passfile: the first line; the file must be private (as ~/.netrc) */
static int from_file(const char *path, char *buf, size_t max, struct wb_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	size_t n = 0;

	if (fd < 0 || fstat(fd, &st)) {
		err_sys(e, EX_CONFIG, "password file %s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (file_guard(path, &st, CONF_SECRET, "holds a password", e)) {
		close(fd);
		return -1;
	}
	while (n < max - 1) {
		ssize_t r = fd_read(fd, buf + n, max - 1 - n);
		if (r < 0) {            /* a directory, an I/O error: no secret */
			err_sys(e, EX_CONFIG, "password file %s", path);
			close(fd);
			secure_zero(buf, n);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (memchr(buf, '\n', n))
			break;
	}
	close(fd);
	return first_line(buf, n, max, path, e);
}

/* a helper that could not start: 75 when it may work later (no process
 * or memory left: a retry, or a queued message, waits), else 71 */
static int start_error(void)
{
	return errno == EAGAIN || errno == ENOMEM || errno == EMFILE || errno == ENFILE ?
	       EX_TEMPFAIL : EX_OSERR;
}

/* --passwordeval: the first line the command prints. Its standard input
 * is /dev/null (smtpsend's is the message), it may use the terminal, it
 * gets timeout_ms in all, and a child it leaves running does not hold us. */
static int from_command(const char *cmd, int timeout_ms, char *buf, size_t max,
                        struct wb_err *e)
{
	int64_t end = mono_ms() + (timeout_ms > 0 ? timeout_ms : RUN_DEFAULT_MS);
	struct run r;
	ssize_t n;
	int st, more;

	if (run_start(&r, cmd, NULL, RUN_OUT | RUN_TTY)) {
		err_sys(e, start_error(), "passwordeval");
		return -1;
	}
	n = run_read_all(&r, buf, max - 1, &more, end);
	st = n == RUN_TIMEOUT ? RUN_TIMEOUT : run_wait(&r, end);
	if (n < 0 || st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (n > 0)
			secure_zero(buf, (size_t)n);
		if (st == RUN_TIMEOUT)
			err_set(e, EX_TEMPFAIL, "passwordeval command gave no password within "
			        "%d ms: killed", timeout_ms > 0 ? timeout_ms : RUN_DEFAULT_MS);
		else if (n < 0 || st < 0)
			err_sys(e, EX_OSERR, "passwordeval");
		else
			err_set(e, EX_CONFIG, "passwordeval command failed (status %d)",
			        WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		return -1;
	}
	return first_line(buf, (size_t)n, max, "passwordeval", e);
}

static int from_netrc(const struct secret_src *src, char *buf, size_t max,
                      struct wb_err *e)
{
	static char text[65536];
	const char *path = getenv("NETRC"), *home = getenv("HOME");
	char p[4096], login[256];
	struct stat st;
	int found = 0;

	if (!path && home && snprintf(p, sizeof p, "%s/.netrc", home) < (int)sizeof p)
		path = p;
	if (!path)
		return 0;
	if (file_read_small(path, text, sizeof text, &st, e) < 0)
		return e->code == EX_NOINPUT ? (e->code = 0) : -1;
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		warnmsg("%s is readable by others; ignored (chmod 600 %s)", path, path);
	else if ((found = netrc_parse(text, src->netrc_host, src->user, login,
	                              sizeof login, buf, max)) < 0)
		err_set(e, EX_CONFIG, "%s: a word longer than %d bytes (or than the "
		        "room for it)", path, SECRET_MAX - 1);
	secure_zero(text, sizeof text);
	return found;
}

/* ---- the terminal (msmtp and mpop ask the same way) ---- */

static volatile sig_atomic_t tty_sig;
static void tty_catch(int sig)
{
	tty_sig = sig;
}

static const int tty_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP };
#define NTTYSIG (sizeof tty_sigs / sizeof *tty_sigs)

/* catch (on) or restore (off) the signals left at their default, so a ^C
 * at the prompt restores the echo before it takes effect */
static void tty_signals(int on, struct sigaction old[NTTYSIG])
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tty_catch;      /* no SA_RESTART: read returns EINTR */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NTTYSIG; i++) {
		if (!on)
			sigaction(tty_sigs[i], &old[i], NULL);
		else if (sigaction(tty_sigs[i], NULL, &old[i]) == 0 &&
		         old[i].sa_handler == SIG_DFL)
			sigaction(tty_sigs[i], &sa, NULL);
	}
}

/* one line from the terminal into buf, at most max-1 bytes (a longer line
 * is read to its end and refused); -1 on EOF, error or a signal, -2 too long */
static int tty_line(int fd, char *buf, size_t max)
{
	size_t n = 0;
	int over = 0;
	char c;

	for (;;) {
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR && !tty_sig)
			continue;
		if (r <= 0)
			return -1;
		if (c == '\n')
			break;
		if (n + 1 < max)
			buf[n++] = c;
		else
			over = 1;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = 0;
	return over ? -2 : 0;
}

static int ask_tty(int fd, const struct secret_src *src, char *buf, size_t max,
                   struct wb_err *e)
{
	struct sigaction old[NTTYSIG];
	struct termios t, quiet;
	char prompt[600];
	int n, r;

	if (tcgetattr(fd, &t))
		return 0;
	n = snprintf(prompt, sizeof prompt, "Password for %s%s%s: ", src->user,
	             src->netrc_host ? "@" : "", src->netrc_host ? src->netrc_host : "");
	quiet = t;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	quiet.c_lflag |= ICANON;
	tty_sig = 0;
	tty_signals(1, old);
	if (n > 0 && (size_t)n < sizeof prompt)
		fd_write_all(fd, prompt, (size_t)n);
	r = tcsetattr(fd, TCSAFLUSH, &quiet) ? -1 : tty_line(fd, buf, max);
	tcsetattr(fd, TCSAFLUSH, &t);   /* on every path, before any signal acts */
	fd_write_all(fd, "\n", 1);
	tty_signals(0, old);
	if (tty_sig)
		raise(tty_sig);         /* now with its old disposition */
	if (r == -2) {
		secure_zero(buf, max);
		err_set(e, EX_CONFIG, "password longer than %zu bytes", max - 1);
		return -1;
	}
	return r == 0 ? 1 : 0;
}

/* With a user and nothing else: ask on the terminal, when there is one and
 * standard error goes to it too (a run whose errors go to a log, from cron
 * or a test suite, is never held by a prompt). 0 without a terminal. */
static int from_tty(const struct secret_src *src, char *buf, size_t max,
                    struct wb_err *e)
{
	int fd, r;

	if (!src->user || !isatty(2))
		return 0;
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return 0;
	r = ask_tty(fd, src, buf, max, e);
	close(fd);
	if (r != 1)
		buf[0] = 0;
	return r;
}

int secret_get(const struct secret_src *src, char *buf, size_t max,
               struct wb_err *e)
{
	const char *v;
	int r;

	buf[0] = 0;
	if (src->passfile)
		return from_file(src->passfile, buf, max, e);
	if (src->passwordeval)
		return from_command(src->passwordeval, src->timeout_ms, buf, max, e);
	if (src->envvar && (v = getenv(src->envvar)) != NULL) {
		if (strlcopy(buf, v, max)) {
			secure_zero(buf, max);
			err_set(e, EX_CONFIG, "%s: secret too long", src->envvar);
			return -1;
		}
		return 1;
	}
	if (src->netrc_host && (r = from_netrc(src, buf, max, e)) != 0)
		return r;
	if (src->literal) {
		if (strlcopy(buf, src->literal, max)) {
			secure_zero(buf, max);
			err_set(e, EX_CONFIG, "password too long");
			return -1;
		}
		return 1;
	}
	return from_tty(src, buf, max, e);
}
