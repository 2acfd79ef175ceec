/* tls_version.h - which TLS library is linked, for wirebox --version.
 * Only core/tls_mbedtls_version.c includes mbedTLS headers; TLS-off builds
 * get the stub below and link none of it. */
#ifndef WB_TLS_VERSION_H
#define WB_TLS_VERSION_H
#include "sysopts.h"

#if CFG_TLS
/* "mbed TLS 2.28.3": the library and version the binary was built with */
const char *tls_lib_version(void);
#else
static inline const char *tls_lib_version(void) { return 0; }
#endif

#endif
