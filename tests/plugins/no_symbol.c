/*
 * A shared object that is not an agentconv plugin: it exports a function,
 * but no "agentconv_plugin" descriptor. Loading it must fail naming the
 * missing symbol.
 *
 * SPDX-License-Identifier: MIT
 */
#include <agentconv/agentconv.h>

int not_a_plugin(void);

__attribute__((visibility("default"))) int not_a_plugin(void) { return 42; }
