/* stamp.h - kernel receive timestamps of UDP datagrams (SO_TIMESTAMPNS
 * where the system has it), for T4 of a reply (query.c) and T2 of a
 * request (serve.c). */
#ifndef SNTPC_STAMP_H
#define SNTPC_STAMP_H
#include <sys/types.h>
#include <sys/socket.h>
#include "ntp.h"

/* one datagram as stamp_recv received it */
struct dgram {
	struct sockaddr_storage from;
	socklen_t fromlen;
	int truncated;          /* longer than the buffer: cut */
	int stamped;            /* kt holds the kernel's receive time */
	struct ntp_time kt;
};

/* ask the kernel to stamp what fd receives (nothing where it cannot) */
void stamp_enable(int fd);
/* one datagram from fd into buf (recvmsg), with its sender and the
 * kernel's stamp: its length, or -1 with errno set */
ssize_t stamp_recv(int fd, void *buf, size_t max, struct dgram *d);

#endif
