/*
 * ac_doc_check: the checks behind --check. The schema checks mirror
 * schemas/agent.schema.json rule for rule (tests/check_schema_agree.py
 * proves that they agree with a real JSON Schema validator); the Claude
 * Code rules are added by a flag. Diagnostics go to a callback: the
 * library prints nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef struct checker {
    const ac_context *ctx;
    const char *source;
    ac_diagnostic_fn fn;
    void *user;
    size_t errors;
} checker;

/*
 * Write `s` (`len` bytes) into `out` as a double-quoted string a person can
 * read on one line: `"` and `\` escaped, control characters as \n, \t or
 * \xHH, and text beyond `max` bytes cut with "...". `out` holds `size`
 * bytes (at least max * 4 + 8).
 */
static void quote(const char *s, size_t len, size_t max, char *out, size_t size)
{
    size_t o = 0;
    out[o++] = '"';
    size_t n = len > max ? max : len;
    /* Do not cut a UTF-8 sequence in two. */
    while (n < len && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    for (size_t i = 0; i < n && o + 8 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if (c == '\t') {
            out[o++] = '\\';
            out[o++] = 't';
        } else if (c < 0x20 || c == 0x7F) {
            o += (size_t)snprintf(out + o, size - o, "\\x%02X", c);
        } else {
            out[o++] = (char)c;
        }
    }
    if (n < len && o + 4 < size) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o++] = '"';
    out[o] = '\0';
}

/* Pass one diagnostic to the callback and count it. In strict mode a
 * warning is an error. */
static void report(checker *ck, bool is_error, int line, int column,
                   const char *fmt, ...) ACP_PRINTF(5, 6);

static void report(checker *ck, bool is_error, int line, int column,
                   const char *fmt, ...)
{
    ac_status status = AC_ERR_STRUCTURE;
    if (!is_error) {
        status = ac_context_strict(ck->ctx) ? AC_ERR_STRICT : AC_OK;
        is_error = status != AC_OK;
    }
    if (is_error)
        ck->errors++;
    if (!ck->fn)
        return;
    ac_error d;
    va_list ap;
    va_start(ap, fmt);
    acp_error_vset(&d, status, ck->source, line, column, -1, fmt, ap);
    va_end(ap);
    ck->fn(ck->user, &d, is_error);
}

/* Report at a value's position, or at its key's when the value has none. */
static void report_at(checker *ck, const ac_value *map, size_t i,
                      const char *fmt, ...) ACP_PRINTF(4, 5);

static void report_at(checker *ck, const ac_value *map, size_t i,
                      const char *fmt, ...)
{
    const ac_value *v = ac_map_value(map, i);
    int line = ac_value_line(v), column = ac_value_column(v);
    if (line == 0) {
        line = ac_map_key_line(map, i);
        column = ac_map_key_column(map, i);
    }
    char text[AC_ERROR_TEXT_LENGTH];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    report(ck, true, line, column, "%s", text);
}

/* Every item of a list must be a string. `field` names the list. */
static void check_string_items(checker *ck, const char *field,
                               const ac_value *list)
{
    for (size_t i = 0; i < ac_value_size(list); i++) {
        const ac_value *item = ac_list_get(list, i);
        if (ac_value_type(item) != AC_STRING)
            report(ck, true, ac_value_line(item), ac_value_column(item),
                   "item %zu of \"%s\" must be a string, found %s", i + 1,
                   field, acp_type_phrase(ac_value_type(item)));
    }
}

/* Every value of a map must be a boolean. `field` names the map. */
static void check_boolean_entries(checker *ck, const char *field,
                                  const ac_value *map)
{
    for (size_t i = 0; i < ac_value_size(map); i++) {
        const ac_value *v = ac_map_value(map, i);
        if (ac_value_type(v) == AC_BOOL)
            continue;
        size_t klen;
        const char *key = ac_map_key(map, i, &klen);
        char shown[64 * 4 + 8];
        quote(key, klen, 64, shown, sizeof shown);
        report_at(ck, map, i, "entry %s of \"%s\" must be a boolean, found %s",
                  shown, field, acp_type_phrase(ac_value_type(v)));
    }
}

/* The schema's rules for the field at position i of the fields. */
static void check_schema_field(checker *ck, const ac_value *fields, size_t i)
{
    const char *key = ac_map_key(fields, i, NULL);
    const ac_value *v = ac_map_value(fields, i);
    ac_type t = ac_value_type(v);
    if (strcmp(key, "name") == 0 || strcmp(key, "description") == 0 ||
        strcmp(key, "color") == 0) {
        if (t != AC_STRING)
            report_at(ck, fields, i, "\"%s\" must be a string, found %s", key,
                      acp_type_phrase(t));
    } else if (strcmp(key, "model") == 0) {
        if (t == AC_LIST)
            check_string_items(ck, key, v);
        else if (t != AC_STRING)
            report_at(ck, fields, i,
                      "\"%s\" must be a string or a list of strings, found %s",
                      key, acp_type_phrase(t));
    } else if (strcmp(key, "tools") == 0) {
        if (t == AC_LIST)
            check_string_items(ck, key, v);
        else if (t == AC_MAP)
            check_boolean_entries(ck, key, v);
        else if (t != AC_STRING)
            report_at(ck, fields, i,
                      "\"%s\" must be a string, a list of strings or a map of "
                      "booleans, found %s",
                      key, acp_type_phrase(t));
    }
}

/* Claude Code's rules for the field at position i. They apply to strings
 * and maps only: a type the schema refuses is not reported twice. */
static void check_claude_field(checker *ck, const ac_value *fields, size_t i)
{
    const char *key = ac_map_key(fields, i, NULL);
    const ac_value *v = ac_map_value(fields, i);
    ac_type t = ac_value_type(v);
    bool is_name = strcmp(key, "name") == 0;
    if ((is_name || strcmp(key, "description") == 0) && t == AC_STRING) {
        size_t len;
        const char *s = ac_value_string(v, &len);
        if (len == 0) {
            report_at(ck, fields, i,
                      "\"%s\" must be a non-empty string for Claude Code, "
                      "found an empty string",
                      key);
            return;
        }
        if (!is_name)
            return;
        char shown[48 * 4 + 8];
        quote(s, len, 48, shown, sizeof shown);
        if (memchr(s, ':', len))
            report_at(ck, fields, i,
                      "\"name\" must not contain ':' for Claude Code, found %s",
                      shown);
        if (s[0] == '-')
            report_at(ck, fields, i,
                      "\"name\" must not start with '-' for Claude Code, "
                      "found %s",
                      shown);
    } else if (strcmp(key, "tools") == 0 && t == AC_MAP) {
        report_at(ck, fields, i,
                  "\"tools\" must be a string or a list of strings for Claude "
                  "Code, found a map");
    }
}

size_t ac_doc_check(const ac_context *ctx, const ac_doc *doc,
                    const char *source, unsigned flags, ac_diagnostic_fn fn,
                    void *user)
{
    checker ck = {ctx, source ? source : "<input>", fn, user, 0};
    const ac_value *fields = ac_doc_fields(doc);
    if (!doc || ac_value_type(fields) != AC_MAP) {
        report(&ck, true, 0, 0, "not an agent definition (no fields)");
        return ck.errors;
    }
    if (flags & AC_CHECK_CLAUDE) {
        /* A missing field has no node: line 1 of the input, when the
         * document came from one. */
        int line = ac_value_line(fields) > 0 ? 1 : 0;
        int column = ac_value_column(fields) > 0 ? 1 : 0;
        static const char *const required[] = {"name", "description"};
        for (size_t r = 0; r < sizeof required / sizeof *required; r++) {
            if (!ac_map_get(fields, required[r]))
                report(&ck, true, line, column,
                       "missing field \"%s\": Claude Code requires a "
                       "non-empty string",
                       required[r]);
        }
    }
    for (size_t i = 0; i < ac_value_size(fields); i++) {
        /* A field's own diagnostics before those of its items. */
        if (flags & AC_CHECK_CLAUDE)
            check_claude_field(&ck, fields, i);
        check_schema_field(&ck, fields, i);
    }
    return ck.errors;
}
