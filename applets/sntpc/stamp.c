/* stamp.c - kernel receive timestamps (stamp.h). */
#define _DEFAULT_SOURCE
#include <string.h>
#include <time.h>
#include <sys/uio.h>
#include "stamp.h"

void stamp_enable(int fd)
{
#ifdef SO_TIMESTAMPNS
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){ 1 }, sizeof(int));
#else
	(void)fd;
#endif
}

static int stamp_get(struct msghdr *mh, struct ntp_time *t)
{
#ifdef SCM_TIMESTAMPNS
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof ts);
			t->sec = ts.tv_sec;
			t->nsec = (uint32_t)ts.tv_nsec;
			return 0;
		}
#else
	(void)mh;
	(void)t;
#endif
	return -1;
}

ssize_t stamp_recv(int fd, void *buf, size_t max, struct dgram *d)
{
	union { struct cmsghdr c; char b[CMSG_SPACE(sizeof(struct timespec)) + 64]; } ctl;
	struct iovec iov;
	struct msghdr mh;
	ssize_t r;

	memset(&mh, 0, sizeof mh);
	memset(d, 0, sizeof *d);
	iov.iov_base = buf;
	iov.iov_len = max;
	mh.msg_name = &d->from;
	mh.msg_namelen = sizeof d->from;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = &ctl;
	mh.msg_controllen = sizeof ctl;
	r = recvmsg(fd, &mh, 0);
	if (r < 0)
		return -1;
	d->fromlen = mh.msg_namelen;
	d->truncated = (mh.msg_flags & MSG_TRUNC) != 0;
	d->stamped = stamp_get(&mh, &d->kt) == 0;
	return r;
}
