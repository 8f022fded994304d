/*
 * A plugin descriptor of the right ABI version without an init function.
 *
 * SPDX-License-Identifier: MIT
 */
#include <agentconv/agentconv.h>

AC_PLUGIN_EXPORT const ac_plugin agentconv_plugin = {
    .abi = AC_PLUGIN_ABI,
    .name = "incomplete",
};
