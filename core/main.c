/* main.c - the wirebox binary: the generated applet table and main(). */
#include <stdio.h>
#include "sysopts.h"
#include "applet.h"

#define APPLET(name, fn, help, alias, features) \
	extern int fn(int, char **); extern const char help[];
#include "applets.h"
#undef APPLET

static const struct applet table[] = {
#define APPLET(name, fn, help, alias, features) { name, fn, help, alias, features },
#include "applets.h"
#undef APPLET
	{ NULL, NULL, NULL, 0, NULL }
};

int main(int argc, char **argv)
{
	int rc = multicall(table, sizeof table / sizeof *table - 1, argc, argv);

	if (fflush(stdout) && rc == 0)
		rc = 74;   /* EX_IOERR: output lost (disk full, closed pipe) */
	return rc;
}
