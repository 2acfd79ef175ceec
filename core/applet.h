/* applet.h - the multi-call table. Applets declare themselves with
 *   //applet:NAME SYMBOL MAIN_FN HELP_VAR [alias]
 * lines in their own source; scripts/kconfig.sh collects the enabled ones. */
#ifndef WB_APPLET_H
#define WB_APPLET_H
#include <stddef.h>

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *help;
	int alias;      /* another name for an applet (the one with the same
	                 * main): installed, listed as "NAME (alias of APPLET)" */
	const char *features;  /* its options that are on: "SYM_X SYM_Y" */
};

/* 'wirebox --help' before its "Applets:" lines; scripts/man.sh makes
 * wirebox.1 from it (its own data section in core/multicall.o). */
extern const char wirebox_help[];

/* Run the applet named by basename(argv[0]), or handle "wirebox [--list|
 * --install [-s] DIR|--help|--version|APPLET ARGS]". Returns the exit code.
 * --list prints the applets one per line, then each alias as
 * "NAME (alias of APPLET)".
 * --version prints the version, the core's options and each applet's
 * (WB_FEATURES_CORE and .features) and "TLS: on (LIBRARY VERSION)" or
 * "TLS: off". */
int multicall(const struct applet *tab, size_t n, int argc, char **argv);

/* Create links to self (path of the wirebox binary, made absolute) in dir
 * for each entry; symbolic when sym. Refuses to replace anything that is not
 * already a link to self. Warns when self is a build output in its source
 * tree; a hard link across filesystems stops at the first name with a hint
 * (install the binary there first, or -s). Returns 0 or an exit code after
 * printing why. */
int applets_install(const struct applet *tab, size_t n, const char *self,
                    const char *dir, int sym);

#endif
