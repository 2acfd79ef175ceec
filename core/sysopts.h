/* sysopts.h - the generated CFG_* constants and what follows from them.
 * Code writes if (CFG_X) so disabled code is still compiled and checked,
 * then dropped. Impossible combinations stop the build here. */
#ifndef WB_SYSOPTS_H
#define WB_SYSOPTS_H
#include "config.h"

#if CFG_TLS && !defined(WB_MBEDTLS)
#error "CONFIG_TLS needs mbedTLS: build through the Makefile (toolchain/tls.mk)"
#endif

#endif
