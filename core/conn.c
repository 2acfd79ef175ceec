/* conn.c - one client connection: connect, stream, TLS, deadlines. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include "sysopts.h"
#include "conn.h"
#include "util.h"

int conn_open(struct conn *c, const struct hostport *hp, const struct conn_params *p,
              struct wb_err *e)
{
	int64_t deadline = mono_ms() + p->timeout_ms;
	struct transport xp;
	int fd;

	conn_close(c);
	memset(c, 0, sizeof *c);
	c->tls_o = p->tls;
	strlcopy(c->host, hp->host, sizeof c->host);    /* same size: fits */
	if ((fd = net_connect_by(hp->host, hp->port, p->family, deadline, e)) < 0)
		return -1;
	/* each flush is a whole command or pipelined group: send it now */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	xport_plain(&xp, fd);
	stream_init(&c->st, &xp, p->timeout_ms);
	c->st.verbose = CFG_VERBOSE && p->verbose;
	c->open = 1;
	c->loopback = net_peer_is_loopback(fd);
	if (CFG_TLS && p->tls && p->tls->mode == TLS_IMPLICIT &&
	    tls_start(&c->tls, &c->st, p->tls, c->host, deadline, e)) {
		conn_close(c);
		return -1;
	}
	return 0;
}

int conn_open_cmd(struct conn *c, const char *cmd, const struct conn_params *p,
                  struct wb_err *e)
{
	struct transport xp;

	conn_close(c);
	memset(c, 0, sizeof *c);
	if (run_start(&c->run, cmd, NULL, RUN_SOCK | RUN_FORWARD)) {
		err_set(e, EX_OSERR, "cannot run the helper: %s", strerror(errno));
		return -1;
	}
	c->cmd = 1;
	xport_plain(&xp, c->run.sock);
	stream_init(&c->st, &xp, p->timeout_ms);
	c->st.verbose = CFG_VERBOSE && p->verbose;
	c->open = 1;
	return 0;
}

int conn_prepend(struct conn *c, const char *text, size_t n)
{
	struct stream *s = &c->st;
	size_t have = s->rlen - s->rpos;

	if (n > s->rbsize - have)
		return -1;
	memmove(s->rb + n, s->rb + s->rpos, have);
	memcpy(s->rb, text, n);
	s->rpos = 0;
	s->rlen = n + have;
	return 0;
}

int conn_starttls(struct conn *c, struct wb_err *e)
{
	static const struct tls_opts defaults;  /* verify against the system CAs */

	if (!c || !c->open || c->cmd) {
		err_set(e, EX_SOFTWARE, "STARTTLS without a connection of our own");
		return -1;
	}
	return tls_start(&c->tls, &c->st, c->tls_o ? c->tls_o : &defaults, c->host,
	                 stream_deadline(&c->st), e);
}

int64_t conn_step(struct conn *c)
{
	return stream_step(&c->st);
}

void conn_deadline(struct conn *c, int64_t deadline)
{
	stream_set_deadline(&c->st, deadline);
}

void conn_close(struct conn *c)
{
	if (CFG_TLS)
		tls_close(&c->tls);
	c->tls = NULL;
	if (c->cmd)
		run_end(&c->run, mono_ms() + RUN_GRACE_MS);     /* closes the socket */
	else if (c->open)
		close(c->st.xp.fd);
	c->cmd = 0;
	c->open = 0;
	c->loopback = 0;
	c->st.xp.fd = -1;
}
