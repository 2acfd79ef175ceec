/*
 * bench/raw.c - the raw baseline of make bench: the bytes of a whole
 * protocol session pushed over TCP at once (all commands pipelined) and
 * every byte the server sends read back and dropped. No parsing, no
 * storing: what is left of a transfer when the client does nothing.
 *
 *   raw HOST PORT [LOGIN_LINES] < TRANSCRIPT
 *
 * TRANSCRIPT (stdin) is what a client would send, CRLF line ends included,
 * ending with QUIT. The first LOGIN_LINES lines (default 0) go first, and
 * raw waits for the greeting and one reply line each before it sends the
 * rest (POP3's USER and PASS: Dovecot's login process does not pass
 * commands pipelined after PASS on to the mail process). Then the rest is
 * written while the replies are read, the sending side is shut down, and
 * raw reads until the server closes. Prints "sent N received M".
 * Exit: 0 done; 64 usage; 69 cannot connect; 74 I/O error.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF (256 * 1024)

static char out[BUF], in[BUF];

struct st {
	int fd;
	unsigned long long sent, got;
};

static int connect_to(const char *host, const char *port)
{
	struct sockaddr_in sa;
	int fd;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)atoi(port));
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		return -1;
	return fd;
}

static int send_all(struct st *s, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(s->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
		s->sent += (unsigned long long)w;
	}
	return 0;
}

/* read replies until LINES line ends came (the greeting and login replies) */
static int wait_lines(struct st *s, long lines)
{
	while (lines > 0) {
		ssize_t r = read(s->fd, in, sizeof in);
		ssize_t i;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		s->got += (unsigned long long)r;
		for (i = 0; i < r; i++)
			lines -= in[i] == '\n';
	}
	return 0;
}

/* the first N lines of stdin, byte by byte (it is a few lines) */
static int send_lines(struct st *s, long n)
{
	char c;
	size_t len = 0;

	while (n > 0 && len < sizeof out && read(0, &c, 1) == 1) {
		out[len++] = c;
		n -= c == '\n';
	}
	return send_all(s, out, len);
}

/* the rest of stdin, reading replies whenever the socket has some */
static int pump(struct st *s)
{
	size_t have = 0, off = 0;
	int eof = 0;

	/* never block in a write while the server waits for us to read */
	if (fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK) != 0)
		return -1;
	for (;;) {
		struct pollfd p = { s->fd, POLLIN, 0 };
		ssize_t r;

		if (!eof && off == have) {
			r = read(0, out, sizeof out);
			if (r < 0)
				return -1;
			if (r == 0) {
				eof = 1;
				shutdown(s->fd, SHUT_WR);
			}
			have = r > 0 ? (size_t)r : 0;
			off = 0;
		}
		if (off < have)
			p.events |= POLLOUT;
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			r = read(s->fd, in, sizeof in);
			if (r < 0 && errno != EINTR && errno != EAGAIN)
				return -1;
			if (r == 0)
				return eof ? 0 : -1;
			if (r > 0)
				s->got += (unsigned long long)r;
		}
		if ((p.revents & POLLOUT) && off < have) {
			r = write(s->fd, out + off, have - off);
			if (r < 0 && errno != EINTR && errno != EAGAIN)
				return -1;
			if (r > 0) {
				off += (size_t)r;
				s->sent += (unsigned long long)r;
			}
		}
	}
}

int main(int argc, char **argv)
{
	struct st s = { -1, 0, 0 };
	long login = argc > 3 ? atol(argv[3]) : 0;

	if (argc < 3 || argc > 4 || login < 0) {
		fputs("usage: raw HOST PORT [LOGIN_LINES] < TRANSCRIPT\n", stderr);
		return 64;
	}
	if ((s.fd = connect_to(argv[1], argv[2])) < 0) {
		perror("raw: connect");
		return 69;
	}
	if (login && (send_lines(&s, login) || wait_lines(&s, login + 1))) {
		fputs("raw: login: the server closed or failed\n", stderr);
		return 74;
	}
	if (pump(&s) != 0) {
		perror("raw: transfer");
		return 74;
	}
	printf("sent %llu received %llu\n", s.sent, s.got);
	return 0;
}
