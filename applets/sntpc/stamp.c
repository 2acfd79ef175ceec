/* stamp.c - kernel receive timestamps (stamp.h). */
#define _DEFAULT_SOURCE
#include <string.h>
#include <time.h>
#include "stamp.h"

void stamp_enable(int fd)
{
#ifdef SO_TIMESTAMPNS
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){ 1 }, sizeof(int));
#else
	(void)fd;
#endif
}

int stamp_get(struct msghdr *mh, struct ntp_time *t)
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
