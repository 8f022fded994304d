/*
 * The fuzz targets' shared helpers (tests/fuzz/, docs/fuzzing.md).
 *
 * Every target defines LLVMFuzzerTestOneInput. Built with
 * AGENTCONV_FUZZ=ON, libFuzzer calls it; in every other build
 * standalone.c's main() calls it once per file named on the command line,
 * so that ctest replays the seeds and the regression inputs.
 *
 * A target finds a problem by crashing: the sanitizers do it for memory
 * errors, and fuzz_fail() (abort) for a broken invariant. The library
 * itself never aborts; only these test programs do.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_FUZZ_H
#define AGENTCONV_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "agentconv/agentconv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the warning handler of a fuzz context saw. */
typedef struct fuzz_warnings {
    unsigned long count;
    ac_error first;
} fuzz_warnings;

/* A new context whose warnings are counted in `w` (reset here); strict
 * when `strict`. Aborts when out of memory. */
ac_context *fuzz_context(fuzz_warnings *w, bool strict);

/* Print "fuzz: invariant broken: ..." on stderr, and abort. */
void fuzz_fail(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;

/* The contract of a call that returns a status and fills `error`: on
 * success `made` (the output) is true; on failure `error` holds the same
 * status and a message, and nothing was made. `what` names the call. */
void fuzz_check_status(const char *what, ac_status st, const ac_error *error,
                       bool made);

/* Abort when an error or warning about `data` points outside it: a line
 * past the last line (line ends: LF, CRLF, lone CR), a column past the
 * input's length, a byte position past its end. */
void fuzz_check_position(const char *what, const ac_error *error,
                         const char *data, size_t size);

/* Abort when two documents differ, showing the first line where their
 * dumps differ. */
void fuzz_expect_equal(const char *what, const ac_doc *expected,
                       const ac_doc *got);

/* The status read again in strict mode, compared with the normal read:
 * a failure fails alike, a success without warnings succeeds alike, and a
 * success with warnings fails with AC_ERR_STRICT and the first warning. */
void fuzz_expect_strict(const char *what, ac_status st, const ac_error *error,
                        const fuzz_warnings *w, ac_status strict_st,
                        const ac_error *strict_error);

/* ac_dialect_translate from the dialect the document is written for (or,
 * when nothing tells, one picked from `pick`) to every dialect; the same
 * dialect on both sides must give an equal copy. */
void fuzz_translate(ac_context *ctx, const ac_doc *doc, size_t pick);

#endif
