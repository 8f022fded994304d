/*
 * Documents (fields plus instructions), their normalization, equality and
 * debug dump.
 *
 * SPDX-License-Identifier: MIT
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

ac_doc *ac_doc_new(void)
{
    ac_doc *doc = calloc(1, sizeof *doc);
    if (!doc)
        return NULL;
    doc->fields = ac_value_new_map();
    doc->instructions = calloc(1, 1);
    if (!doc->fields || !doc->instructions) {
        ac_doc_free(doc);
        return NULL;
    }
    return doc;
}

void ac_doc_free(ac_doc *doc)
{
    if (!doc)
        return;
    ac_value_free(doc->fields);
    free(doc->instructions);
    free(doc);
}

ac_value *ac_doc_fields(const ac_doc *doc) { return doc ? doc->fields : NULL; }

const char *ac_doc_instructions(const ac_doc *doc, size_t *len)
{
    if (len)
        *len = doc ? doc->instructions_len : 0;
    return doc ? doc->instructions : "";
}

ac_status ac_doc_set_instructions(ac_doc *doc, const char *text, size_t len)
{
    if (!doc || (!text && len))
        return AC_ERR_ARGUMENT;
    char *copy = acp_strndup(text ? text : "", len);
    if (!copy)
        return AC_ERR_NOMEM;
    free(doc->instructions);
    doc->instructions = copy;
    doc->instructions_len = len;
    return AC_OK;
}

int ac_doc_instructions_line(const ac_doc *doc)
{
    return doc ? doc->instructions_line : 0;
}

void ac_doc_set_instructions_line(ac_doc *doc, int line)
{
    if (doc)
        doc->instructions_line = line;
}

bool ac_doc_equal(const ac_doc *a, const ac_doc *b)
{
    if (!a || !b)
        return a == b;
    return a->instructions_len == b->instructions_len &&
           memcmp(a->instructions, b->instructions, a->instructions_len) == 0 &&
           ac_value_equal(a->fields, b->fields);
}

void ac_normalize_instructions(char *text, size_t *len)
{
    size_t n = *len;
    /* CRLF and lone CR to LF, from the first CR on (most texts have none:
     * memchr finds that quickly). */
    const char *cr = n ? memchr(text, '\r', n) : NULL;
    size_t w = cr ? (size_t)(cr - text) : n;
    for (size_t r = w; r < n; r++) {
        if (text[r] == '\r') {
            text[w++] = '\n';
            if (r + 1 < n && text[r + 1] == '\n')
                r++;
        } else {
            text[w++] = text[r];
        }
    }
    n = w;
    /* Leading lines that are empty or hold only spaces and tabs. */
    size_t start = 0, i = 0;
    while (i < n) {
        if (text[i] == ' ' || text[i] == '\t') {
            i++;
        } else if (text[i] == '\n') {
            start = ++i;
        } else {
            break;
        }
    }
    if (i == n)
        start = n; /* only blank lines: the text is empty */
    if (start)
        memmove(text, text + start, n - start);
    *len = n - start;
}

/* ---- debug dump ---- */

static ac_status dump_string(ac_buf *out, const char *s, size_t len)
{
    ac_status st = ac_buf_puts(out, "\"");
    for (size_t i = 0; st == AC_OK && i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char tmp[8];
        if (c == '"' || c == '\\')
            snprintf(tmp, sizeof tmp, "\\%c", c);
        else if (c == '\n')
            snprintf(tmp, sizeof tmp, "\\n");
        else if (c == '\r')
            snprintf(tmp, sizeof tmp, "\\r");
        else if (c == '\t')
            snprintf(tmp, sizeof tmp, "\\t");
        else if (c < 0x20 || c == 0x7f)
            snprintf(tmp, sizeof tmp, "\\x%02x", c);
        else
            snprintf(tmp, sizeof tmp, "%c", c);
        st = ac_buf_puts(out, tmp);
    }
    if (st == AC_OK)
        st = ac_buf_puts(out, "\"");
    return st;
}

static ac_status dump_value(ac_buf *out, const ac_doc *doc, const ac_value *v,
                            int depth)
{
    char tmp[64];
    ac_status st = AC_OK;
    snprintf(tmp, sizeof tmp, "@%d:%d %s", v->line, v->column,
             ac_type_name(v->type));
    st = ac_buf_puts(out, tmp);
    switch (v->type) {
    case AC_BOOL:
        if (st == AC_OK)
            st = ac_buf_puts(out, v->u.b ? " true" : " false");
        break;
    case AC_INTEGER:
        snprintf(tmp, sizeof tmp, " %" PRId64, v->u.i);
        if (st == AC_OK)
            st = ac_buf_puts(out, tmp);
        break;
    case AC_NUMBER: {
        char num[32];
        acp_format_number(NULL, v->u.d, num);
        if (st == AC_OK)
            st = ac_buf_puts(out, " ");
        if (st == AC_OK)
            st = ac_buf_puts(out, num);
        break;
    }
    case AC_STRING:
        if (st == AC_OK)
            st = ac_buf_puts(out, " ");
        if (st == AC_OK)
            st = dump_string(out, v->u.str.s, v->u.str.len);
        break;
    default:
        break;
    }
    if (st == AC_OK)
        st = ac_buf_puts(out, "\n");
    size_t n = ac_value_size(v);
    for (size_t i = 0; st == AC_OK && i < n; i++) {
        for (int d = 0; st == AC_OK && d <= depth; d++)
            st = ac_buf_puts(out, "  ");
        if (st != AC_OK)
            break;
        if (v->type == AC_LIST) {
            snprintf(tmp, sizeof tmp, "[%zu] ", i);
            st = ac_buf_puts(out, tmp);
            if (st == AC_OK)
                st = dump_value(out, doc, v->u.list.items[i], depth + 1);
        } else {
            const acp_entry *e = &v->u.map.entries[i];
            st = dump_string(out, e->key, e->key_len);
            if (st == AC_OK)
                st = ac_buf_puts(out, " ");
            if (st == AC_OK)
                st = dump_value(out, doc, e->value, depth + 1);
        }
    }
    return st;
}

char *ac_doc_dump(const ac_doc *doc)
{
    if (!doc)
        return NULL;
    ac_buf out;
    acp_buf_init(&out);
    ac_status st = ac_buf_puts(&out, "fields ");
    if (st == AC_OK)
        st = dump_value(&out, doc, doc->fields, 0);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "instructions @%d ", doc->instructions_line);
    if (st == AC_OK)
        st = ac_buf_puts(&out, tmp);
    if (st == AC_OK)
        st = dump_string(&out, doc->instructions, doc->instructions_len);
    if (st == AC_OK)
        st = ac_buf_puts(&out, "\n");
    if (st != AC_OK) {
        acp_buf_release(&out);
        return NULL;
    }
    return acp_buf_detach(&out, NULL);
}

/* ---- collections ---- */

/* A name shown in a message as it is: short, printable ASCII or UTF-8, no
 * quote or backslash (anything else is left out rather than escaped). */
static bool name_showable(const char *s, size_t len)
{
    if (len == 0 || len > 64)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
            return false;
    }
    size_t bad;
    bool is_nul;
    return acp_utf8_check(s, len, &bad, &is_nul);
}

void acp_error_in_agent(ac_error *error, size_t index, const ac_doc *doc)
{
    if (!error)
        return;
    char suffix[160];
    const ac_value *name = doc ? ac_map_get(doc->fields, "name") : NULL;
    size_t name_len = 0;
    const char *s = name ? ac_value_string(name, &name_len) : NULL;
    if (s && name_showable(s, name_len))
        snprintf(suffix, sizeof suffix,
                 " (in agent %zu of the collection, "
                 "\"%.*s\")",
                 index + 1, (int)name_len, s);
    else
        snprintf(suffix, sizeof suffix, " (in agent %zu of the collection)",
                 index + 1);
    size_t have = strlen(error->text);
    size_t room = sizeof error->text - 1 - have;
    size_t n = strlen(suffix);
    if (n > room)
        return; /* a message that long stays as it is */
    memcpy(error->text + have, suffix, n + 1);
}
