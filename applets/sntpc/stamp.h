/* stamp.h - kernel receive timestamps of UDP datagrams (SO_TIMESTAMPNS
 * where the system has it), for T4 of a reply (query.c) and T2 of a
 * request (serve.c). */
#ifndef SNTPC_STAMP_H
#define SNTPC_STAMP_H
#include <sys/socket.h>
#include "ntp.h"

/* ask the kernel to stamp what fd receives (nothing where it cannot) */
void stamp_enable(int fd);
/* the stamp of the datagram recvmsg put in mh: 0, or -1 if none */
int stamp_get(struct msghdr *mh, struct ntp_time *t);

#endif
