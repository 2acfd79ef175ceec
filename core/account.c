/* account.c - config files, ~/.netrc and password sources. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "sysopts.h"
#include "account.h"
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
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 1;
	return 0;
}

/* a whole small file into buf; -1 with e filled */
static ssize_t slurp(const char *path, char *buf, size_t max, struct stat *st,
                     struct wb_err *e)
{
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, st)) {
		err_sys(e, errno == ENOENT ? EX_NOINPUT : EX_CONFIG, "%s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, max - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_sys(e, EX_IOERR, "%s", path);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == max - 1) {
			err_set(e, EX_CONFIG, "%s: file too large", path);
			close(fd);
			return -1;
		}
	}
	close(fd);
	buf[n] = 0;
	if (memchr(buf, 0, n)) {
		err_set(e, EX_CONFIG, "%s: not a text file", path);
		return -1;
	}
	return (ssize_t)n;
}

#define CONF_FILE_MAX 65536

int conf_read(const char *path, int must_exist, conf_fn fn, void *ctx,
              struct wb_err *e)
{
	static char text[CONF_FILE_MAX];
	struct stat st;
	char *line, *next;
	int lineno = 0;

	if (slurp(path, text, sizeof text, &st, e) < 0) {
		if (e->code == EX_NOINPUT && !must_exist)
			return e->code = 0;
		e->code = EX_CONFIG;
		return -1;
	}
	for (line = text; line && *line; line = next) {
		char *key, *val;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		key = trim(line);
		if (*key == 0 || *key == '#')
			continue;
		if (strlen(key) >= CONF_LINE_MAX) {
			err_set(e, EX_CONFIG, "%s:%d: line too long", path, lineno);
			goto fail;
		}
		if (has_ctl(key)) {     /* a stray CR would reach the server */
			err_set(e, EX_CONFIG, "%s:%d: control character in line", path, lineno);
			goto fail;
		}
		val = key + strcspn(key, " \t");
		if (*val)
			*val++ = 0;
		val = trim(val);
		if (!strcmp(key, "password") && (st.st_mode & (S_IROTH | S_IWOTH))) {
			err_set(e, EX_CONFIG, "%s holds a password and others can read it; chmod o-rw %s",
			        path, path);
			goto fail;
		}
		if (fn(ctx, key, val, e)) {
			size_t n = strlen(e->msg);
			char tmp[sizeof e->msg];
			memcpy(tmp, e->msg, n + 1);
			snprintf(e->msg, sizeof e->msg, "%s:%d: %s", path, lineno, tmp);
			if (!e->code)
				e->code = EX_CONFIG;
			goto fail;
		}
	}
	return 0;
fail:
	return -1;
}

/* next netrc token (words separated by blanks; "quoted" allowed) */
static const char *token(const char **pp, char *out, size_t max)
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
		}
		if (*p)
			p++;
	} else {
		for (; *p && !strchr(" \t\r\n", *p); p++)
			if (n + 1 < max)
				out[n++] = *p;
	}
	out[n] = 0;
	*pp = p;
	return out;
}

int netrc_parse(const char *text, const char *host, const char *user,
                char *login, size_t loginmax, char *pass, size_t passmax)
{
	char tok[SECRET_MAX + 1], l[256] = "", pw[SECRET_MAX + 1] = "";
	int in = 0, found = 0;
	const char *p = text;

	while (token(&p, tok, sizeof tok)) {
		if (!strcmp(tok, "machine") || !strcmp(tok, "default")) {
			if (in && (!user || !strcmp(user, l)))
				{ found = 1; break; }
			in = !strcmp(tok, "default") || (token(&p, tok, sizeof tok) && !strcmp(tok, host));
			l[0] = pw[0] = 0;
		} else if (!strcmp(tok, "login") && token(&p, tok, sizeof tok)) {
			strlcopy(l, tok, sizeof l);
		} else if (!strcmp(tok, "password") && token(&p, tok, sizeof tok)) {
			strlcopy(pw, tok, sizeof pw);
		} else if (!strcmp(tok, "account")) {
			token(&p, tok, sizeof tok);     /* its value is no keyword */
		} else if (!strcmp(tok, "macdef")) {
			const char *end = strstr(p, "\n\n");   /* a macro ends at a blank line */
			p = end ? end + 2 : p + strlen(p);
		}
	}
	if (!found && in && (!user || !strcmp(user, l)))
		found = 1;
	if (found) {
		strlcopy(login, l, loginmax);
		strlcopy(pass, pw, passmax);
	}
	secure_zero(tok, sizeof tok);
	secure_zero(pw, sizeof pw);
	return found && pass[0];
}

static int first_line(char *buf, size_t n, size_t max, const char *what,
                      struct wb_err *e)
{
	char *nl = memchr(buf, '\n', n);

	if (!nl && n >= max - 1) {
		err_set(e, EX_CONFIG, "%s: secret longer than %d bytes", what, SECRET_MAX);
		return -1;
	}
	if (nl)
		n = (size_t)(nl - buf);
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = 0;
	return 1;
}

static int from_file(const char *path, char *buf, size_t max, struct wb_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;

	if (fd < 0) {
		err_sys(e, EX_NOINPUT, "password file %s", path);
		return -1;
	}
	while (n < max - 1) {
		ssize_t r = read(fd, buf + n, max - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {            /* a directory, an I/O error: no secret */
			err_sys(e, EX_NOINPUT, "password file %s", path);
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

static int from_command(const char *cmd, char *buf, size_t max, struct wb_err *e)
{
	int p[2], status;
	size_t n = 0;
	pid_t pid;

	if (pipe(p)) {
		err_sys(e, EX_OSERR, "passwordeval");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		err_sys(e, EX_OSERR, "passwordeval");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], 1) < 0)
			_exit(127);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		char sink[256];
		ssize_t r = n < max - 1 ? read(p[0], buf + n, max - 1 - n)
		                        : read(p[0], sink, sizeof sink);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (n < max - 1)
			n += (size_t)r;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		secure_zero(buf, n);
		err_set(e, EX_CONFIG, "passwordeval command failed (status %d)",
		        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return -1;
	}
	return first_line(buf, n, max, "passwordeval", e);
}

int secret_get(const struct secret_src *src, char *buf, size_t max,
               struct wb_err *e)
{
	const char *v;

	buf[0] = 0;
	if (src->passfile)
		return from_file(src->passfile, buf, max, e);
	if (src->passwordeval)
		return from_command(src->passwordeval, buf, max, e);
	if (src->envvar && (v = getenv(src->envvar)) != NULL) {
		if (strlcopy(buf, v, max)) {
			err_set(e, EX_CONFIG, "%s: secret too long", src->envvar);
			return -1;
		}
		return 1;
	}
	if (src->netrc_host) {
		static char text[65536];
		const char *path = getenv("NETRC"), *home = getenv("HOME");
		char p[4096], login[256];
		struct stat st;
		struct wb_err ign;

		if (!path && home && snprintf(p, sizeof p, "%s/.netrc", home) < (int)sizeof p)
			path = p;
		if (path && slurp(path, text, sizeof text, &st, &ign) >= 0) {
			int found = 0;
			if (st.st_mode & (S_IRWXG | S_IRWXO))
				warnmsg("%s is readable by others; ignored (chmod 600 %s)", path, path);
			else
				found = netrc_parse(text, src->netrc_host, src->user,
				                    login, sizeof login, buf, max);
			secure_zero(text, sizeof text);
			if (found)
				return 1;
		}
	}
	if (src->literal) {
		if (strlcopy(buf, src->literal, max)) {
			err_set(e, EX_CONFIG, "password too long");
			return -1;
		}
		return 1;
	}
	return 0;
}
