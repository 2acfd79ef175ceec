/* err.h - one error style: "applet: server: step: reason", sysexits codes.
 * Core functions fill a struct wb_err and return; only applet mains exit. */
#ifndef WB_ERR_H
#define WB_ERR_H
#include <stdarg.h>
#include <sysexits.h>

#define WB_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* exit code for an unknown applet name, like a shell's "not found" */
#define WB_EX_NOTFOUND 127

struct wb_err {
	int code;       /* sysexits.h value, 0 = no error */
	char msg[256];  /* reason, no trailing newline */
};

extern const char *wb_applet;   /* name used as the message prefix */

void err_set(struct wb_err *e, int code, const char *fmt, ...) WB_PRINTF(3, 4);
/* err_set plus ": strerror(errno)" */
void err_sys(struct wb_err *e, int code, const char *fmt, ...) WB_PRINTF(3, 4);
/* "applet: msg" on stderr */
void warnmsg(const char *fmt, ...) WB_PRINTF(1, 2);
/* "applet: server: step: reason" on stderr (server/step may be NULL); returns e->code */
int err_report(const struct wb_err *e, const char *server, const char *step);
/* usage error: "applet: msg" and "Try 'applet --help'."; returns EX_USAGE */
int usage_error(const char *fmt, ...) WB_PRINTF(1, 2);

#endif
