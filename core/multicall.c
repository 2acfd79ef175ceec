/* multicall.c - dispatch on the name wirebox is called by. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "sysopts.h"
#include "applet.h"
#include "err.h"
#include "util.h"

static const struct applet *applet_find(const struct applet *tab, size_t n,
                                        const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(tab[i].name, name))
			return &tab[i];
	return NULL;
}

static void list(const struct applet *tab, size_t n, FILE *f, const char *sep)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!tab[i].alias)
			fprintf(f, "%s%s", tab[i].name, sep);
}

static int usage(const struct applet *tab, size_t n, FILE *f)
{
	fprintf(f, "wirebox %s - SNTP, SMTP and POP3 clients in one binary\n\n"
	        "Usage: wirebox APPLET [ARGS]   or call it through a link named APPLET\n"
	        "       wirebox --list          print the applets, one per line\n", WIREBOX_VERSION);
	if (CFG_INSTALLER)
		fprintf(f, "       wirebox --install [-s] DIR  link the applets into DIR (-s: symlinks)\n");
	fprintf(f, "       wirebox --help | --version\n       APPLET --help\n\nApplets: ");
	list(tab, n, f, " ");
	fputc('\n', f);
	return 0;
}

static int run(const struct applet *a, int argc, char **argv)
{
	wb_applet = a->name;
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		fputs(a->help, stdout);
		return fflush(stdout) ? EX_IOERR : 0;
	}
	return a->main(argc, argv);
}

/* 1 if path is a link (hard or symbolic) to self */
static int links_to(const char *path, const char *self)
{
	struct stat a, b;

	return stat(path, &a) == 0 && stat(self, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int applets_install(const struct applet *tab, size_t n, const char *self,
                    const char *dir, int sym)
{
	char path[4096], abs[4096];
	struct stat st;
	size_t i;
	int rc = 0;

	if (self[0] != '/') {
		if (!getcwd(abs, sizeof abs) ||
		    snprintf(path, sizeof path, "%s/%s", abs, self) >= (int)sizeof path)
			return warnmsg("--install: cannot find my own path"), EX_SOFTWARE;
		memcpy(abs, path, sizeof abs);
		self = abs;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return warnmsg("--install: %s: not a directory", dir), EX_CANTCREAT;
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof path, "%s/%s", dir, tab[i].name) >= (int)sizeof path)
			return warnmsg("--install: %s: path too long", dir), EX_USAGE;
		if (lstat(path, &st) == 0) {
			if (!links_to(path, self)) {
				warnmsg("--install: %s exists and is not a link to wirebox; not replaced", path);
				rc = EX_CANTCREAT;
				continue;
			}
			if (unlink(path)) {
				warnmsg("--install: %s: %s", path, strerror(errno));
				rc = EX_CANTCREAT;
				continue;
			}
		}
		if (sym ? symlink(self, path) : link(self, path)) {
			warnmsg("--install: %s: %s", path, strerror(errno));
			rc = EX_CANTCREAT;
		}
	}
	return rc;
}

int multicall(const struct applet *tab, size_t n, int argc, char **argv)
{
	const char *name = argc > 0 ? base_name(argv[0]) : "wirebox";
	const struct applet *a;

	if (strncmp(name, "wirebox", 7)) {
		a = applet_find(tab, n, name);
		if (!a) {
			fprintf(stderr, "wirebox: %s: applet not found\n", name);
			return WB_EX_NOTFOUND;
		}
		return run(a, argc, argv);
	}
	if (argc < 2)
		return usage(tab, n, stderr), EX_USAGE;
	if (!strcmp(argv[1], "--help"))
		return usage(tab, n, stdout);
	if (!strcmp(argv[1], "--version"))
		return printf("wirebox %s\n", WIREBOX_VERSION), 0;
	if (!strcmp(argv[1], "--list"))
		return list(tab, n, stdout, "\n"), 0;
	if (CFG_INSTALLER && !strcmp(argv[1], "--install")) {
		int sym = argc > 2 && !strcmp(argv[2], "-s");
		if (argc != 3 + sym)
			return fputs("usage: wirebox --install [-s] DIR\n", stderr), EX_USAGE;
		return applets_install(tab, n, argv[0], argv[2 + sym], sym);
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, "wirebox: unknown option %s\nTry 'wirebox --help'.\n", argv[1]);
		return EX_USAGE;
	}
	a = applet_find(tab, n, argv[1]);
	if (!a) {
		fprintf(stderr, "wirebox: %s: applet not found\n", argv[1]);
		return WB_EX_NOTFOUND;
	}
	return run(a, argc - 1, argv + 1);
}
