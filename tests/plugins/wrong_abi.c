/*
 * A plugin built for an ABI version this library does not know (a future
 * one). The host must refuse it on the version alone: the name and init
 * below must never be looked at, so init fails loudly if it is called.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include <agentconv/agentconv.h>

static ac_status never(ac_context *ctx, const ac_plugin *plugin,
                       ac_error *error)
{
    (void)ctx;
    (void)plugin;
    memset(error, 0, sizeof *error);
    snprintf(error->text, sizeof error->text,
             "init of a plugin with a wrong ABI was called");
    return AC_ERR_ARGUMENT;
}

AC_PLUGIN_EXPORT const ac_plugin agentconv_plugin = {
    .abi = AC_PLUGIN_ABI + 98,
    .name = "wrong-abi",
    .version = "0",
    .init = never,
};
