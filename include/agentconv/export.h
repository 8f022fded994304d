/*
 * AC_API marks the functions libagentconv exports. The shared library is
 * built with hidden visibility, so only what carries AC_API is visible; the
 * test abi.exports checks that the exported symbols are exactly the AC_API
 * declarations of these headers. Included by the other public headers; a
 * program has no reason to include it itself. Defining AGENTCONV_STATIC
 * before including them leaves the attribute out of the declarations; it
 * changes nothing in the static library itself, whose objects are those of
 * the shared one.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_EXPORT_H
#define AGENTCONV_EXPORT_H

#if defined(AGENTCONV_STATIC)
#define AC_API
#elif defined(__GNUC__) || defined(__clang__)
#define AC_API __attribute__((visibility("default")))
#else
#define AC_API
#endif

#endif /* AGENTCONV_EXPORT_H */
