/*
 * What the two halves of the json form share: the reader (json_read.c, which
 * also holds the descriptor acp_format_json) needs the writers' entry
 * points.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_JSON_INTERNAL_H
#define AGENTCONV_JSON_INTERNAL_H

#include "internal.h"

/**
 * The json form's writer (the `write` member of acp_format_json): one
 * object, keys in model order, "instructions" last, 2-space indent, UTF-8
 * written as UTF-8, final newline. Fails with AC_ERR_STRUCTURE when the
 * fields hold the reserved key "instructions", AC_ERR_ENCODING for a string
 * or key that is not UTF-8 or holds a NUL, AC_ERR_LIMIT for nesting deeper
 * than the context's depth limit.
 */
ac_status acp_json_write(ac_context *ctx, const ac_format *format,
                         const ac_doc *doc, ac_buf *out, ac_error *error);

/**
 * The json form's writer of collections (the `write_many` member): an
 * array of the agent objects, each written as acp_json_write writes one,
 * indented one level ("[]" for none), final newline. An error names the
 * agent it happened in.
 */
ac_status acp_json_write_many(ac_context *ctx, const ac_format *format,
                              ac_doc *const *docs, size_t count, ac_buf *out,
                              ac_error *error);

/**
 * Read any JSON text (an object, an array or a scalar at the top) into a
 * new value tree in `*out`, with the reader's checks and positions.
 */
ac_status acp_json_read_value(ac_context *ctx, const char *data, size_t len,
                              const char *source, ac_value **out,
                              ac_error *error);

#endif /* AGENTCONV_JSON_INTERNAL_H */
