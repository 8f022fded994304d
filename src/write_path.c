/*
 * What the writers share to name where a value is when they refuse it: the
 * path from the fields to the value, and the check of model text.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

void acp_path_text(const acp_path_step *step, char *buf, size_t size)
{
    size_t at = size - 1;
    bool cut = false;
    buf[at] = '\0';
    for (; step; step = step->parent) {
        char num[24];
        const char *seg = step->key;
        size_t n = step->key_len;
        if (!seg) {
            n = (size_t)snprintf(num, sizeof num, "%zu", step->index);
            seg = num;
        }
        /* JSON pointer escapes in keys: '~' as "~0", '/' as "~1". */
        size_t need = 1;
        for (size_t i = 0; i < n; i++)
            need += (step->key && (seg[i] == '~' || seg[i] == '/')) ? 2 : 1;
        if (need + 3 > at) {
            cut = true;
            break;
        }
        for (size_t i = n; i > 0; i--) {
            char c = seg[i - 1];
            if (step->key && (c == '~' || c == '/')) {
                buf[--at] = c == '~' ? '0' : '1';
                buf[--at] = '~';
            } else {
                buf[--at] = c;
            }
        }
        buf[--at] = '/';
    }
    if (cut) {
        buf[--at] = '.';
        buf[--at] = '.';
        buf[--at] = '.';
    }
    memmove(buf, buf + at, size - at);
}

void acp_text_place(const acp_path_step *step, acp_text_kind kind, char *what,
                    size_t size)
{
    char path[160];
    if (kind == ACP_TEXT_INSTRUCTIONS) {
        snprintf(what, size, "the instructions");
    } else if (kind == ACP_TEXT_KEY && !step) {
        snprintf(what, size, "a key of the fields");
    } else {
        acp_path_text(step, path, sizeof path);
        snprintf(what, size, "%s at %s",
                 kind == ACP_TEXT_KEY ? "a key of the map" : "the string",
                 path);
    }
}

ac_status acp_check_text_at(const char *s, size_t len,
                            const acp_path_step *step, acp_text_kind kind,
                            ac_error *error)
{
    size_t bad;
    bool is_nul;
    if (acp_utf8_check(s, len, &bad, &is_nul))
        return AC_OK;
    char what[200];
    acp_text_place(step, kind, what, sizeof what);
    return acp_check_string(s, len, what, error);
}
