/*
 * A plugin whose init registers a format and then fails: the host must
 * report init's message and remove the format it had added.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include <agentconv/agentconv.h>

static ac_status half_read(ac_context *ctx, const ac_format *format,
                           const char *data, size_t len, const char *source,
                           ac_doc **out, ac_error *error)
{
    (void)ctx;
    (void)format;
    (void)data;
    (void)len;
    (void)source;
    (void)out;
    (void)error;
    return AC_ERR_UNSUPPORTED;
}

static const ac_format half_format = {
    .abi = AC_FORMAT_ABI,
    .name = "half",
    .read = half_read,
};

static ac_status init(ac_context *ctx, const ac_plugin *plugin, ac_error *error)
{
    (void)plugin;
    ac_status st = ac_context_add_format(ctx, &half_format, error);
    if (st != AC_OK)
        return st;
    memset(error, 0, sizeof *error);
    error->status = AC_ERR_UNSUPPORTED;
    snprintf(error->text, sizeof error->text, "needs agentconv %d.%d or later",
             99, 0);
    return AC_ERR_UNSUPPORTED;
}

AC_PLUGIN_EXPORT const ac_plugin agentconv_plugin = {
    .abi = AC_PLUGIN_ABI,
    .name = "init-fails",
    .version = "0",
    .init = init,
};
