/*
 * agentconv version macros and their run-time twins.
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_VERSION_H
#define AGENTCONV_VERSION_H

#include "agentconv/export.h"

#define AGENTCONV_VERSION_MAJOR 0
#define AGENTCONV_VERSION_MINOR 1
#define AGENTCONV_VERSION_PATCH 0
#define AGENTCONV_VERSION_STRING "0.1.0"
/** MAJOR * 10000 + MINOR * 100 + PATCH, for comparisons. */
#define AGENTCONV_VERSION                                                      \
    (AGENTCONV_VERSION_MAJOR * 10000 + AGENTCONV_VERSION_MINOR * 100 +         \
     AGENTCONV_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The version of the library actually linked, as AGENTCONV_VERSION encodes
 * it. Compare it with the macro to detect a header/library mismatch.
 * Thread safety: pure.
 */
AC_API int ac_version(void);

/** The linked library's version as a static string, e.g. "0.1.0".
 * Thread safety: pure. */
AC_API const char *ac_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* AGENTCONV_VERSION_H */
