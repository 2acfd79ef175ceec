/* queue.c - the queue directory (see queue.h): entries written to tmp/,
 * made durable and renamed into new/, listed, locked, retired. */
//config:config SMTPSEND_QUEUE
//config:	bool "smtpsend offline queue (--queue DIR, -q, mailq)"
//config:	default y
//config:	depends on SMTPSEND
//config:	help
//config:	  With --queue DIR (or 'queue DIR' in the config), a message that
//config:	  cannot be sent now (4xx, no connection, timeout) is stored
//config:	  durably and smtpsend exits 0; smtpsend -q sends what is due,
//config:	  -q15m keeps doing so, mailq lists the queue. No daemon.
