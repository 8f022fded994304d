/*
 * The table of built-in formats. Adding a built-in form is one line here
 * plus its descriptor; programs add their own with ac_context_add_format().
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

/* One line per format (clang-format would pack them). */
/* clang-format off */
const ac_format *const acp_builtin_formats[] = {
    &acp_format_md,
    &acp_format_json,
    &acp_format_yaml,
    &acp_format_xml,
    &acp_format_html,
};
/* clang-format on */

const size_t acp_builtin_format_count =
    sizeof acp_builtin_formats / sizeof acp_builtin_formats[0];
