/*
 * agentconv's command-line tool: --plugin FILE.so, loaded into every
 * context the tool makes (the main one and each worker's).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>

#include "cli.h"

bool cli_load_plugins(ac_context *ctx, char *const *paths, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        ac_error err;
        if (ac_context_load_plugin(ctx, paths[i], &err) != AC_OK) {
            /* "FILE.so: error: ...": one line that names the file. */
            cli_print_error(&err, true);
            return false;
        }
    }
    return true;
}
