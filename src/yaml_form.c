/*
 * The yaml form: one YAML mapping per agent, the same keys as the json
 * form, the instructions under the top-level key "instructions".
 *
 * Reading goes through the YAML code the md front matter uses
 * (acp_yaml_parse: core resolution, duplicate keys, aliases, limits); this
 * file only checks that the document is a mapping and takes the
 * instructions out of it. Writing is acp_yaml_emit_map with the
 * instructions last, as a literal block scalar wherever libyaml allows one.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "yaml_internal.h"

static const char utf8_bom[] = "\xef\xbb\xbf";

/* Move the top-level "instructions" entry of `root` (if any) into `doc`:
 * it must be a string; it is normalized like every reader's. */
static ac_status take_instructions(ac_value *root, ac_doc *doc,
                                   const char *source, ac_error *error)
{
    long i = acp_map_find(root, "instructions", 12);
    if (i < 0)
        return AC_OK;
    ac_value *v = root->u.map.entries[i].value;
    if (v->type != AC_STRING)
        return acp_error_set(error, AC_ERR_STRUCTURE, source, v->line,
                             v->column, -1,
                             "\"instructions\" must be a string, found %s",
                             acp_type_phrase(v->type));
    ac_normalize_instructions(v->u.str.s, &v->u.str.len);
    v->u.str.s[v->u.str.len] = '\0';
    if (ac_doc_set_instructions(doc, v->u.str.s, v->u.str.len) != AC_OK)
        return acp_error_set(error, AC_ERR_NOMEM, source, 0, 0, -1,
                             "out of memory");
    if (v->u.str.len > 0)
        ac_doc_set_instructions_line(doc, v->line);
    ac_map_remove(root, "instructions", 12);
    return AC_OK;
}

static ac_status yaml_read(ac_context *ctx, const ac_format *format,
                           const char *data, size_t len, const char *source,
                           ac_doc **out, ac_error *error)
{
    (void)format;
    *out = NULL;
    ac_status st = acp_check_text(data, len, source, error);
    if (st != AC_OK)
        return st;
    /* libyaml skips a BOM itself, but counts it as a column of the first
     * line (so that the first key would not line up with the next ones):
     * drop it here. Lines and columns are then those of the text after
     * the BOM, as in the json form. */
    if (len >= 3 && memcmp(data, utf8_bom, 3) == 0) {
        data += 3;
        len -= 3;
    }
    ac_value *root = NULL;
    st = acp_yaml_parse(ctx, data, len, source, 0, &root, error);
    if (st != AC_OK)
        return st;
    if (!root)
        return acp_error_set(error, AC_ERR_STRUCTURE, source, 1, 1, 0,
                             "expected a YAML mapping, found nothing");
    if (root->type != AC_MAP) {
        acp_error_set(error, AC_ERR_STRUCTURE, source, root->line, root->column,
                      -1, "expected a YAML mapping, found %s%s",
                      acp_type_phrase(root->type),
                      root->type == AC_LIST ? " (collections are not "
                                              "supported yet)"
                                            : "");
        ac_value_free(root);
        return AC_ERR_STRUCTURE;
    }
    ac_doc *doc = ac_doc_new();
    if (!doc) {
        ac_value_free(root);
        return acp_error_set(error, AC_ERR_NOMEM, source, 0, 0, -1,
                             "out of memory");
    }
    st = take_instructions(root, doc, source, error);
    if (st != AC_OK) {
        ac_value_free(root);
        ac_doc_free(doc);
        return st;
    }
    ac_value_free(doc->fields);
    doc->fields = root;
    *out = doc;
    return AC_OK;
}

static ac_status yaml_write(ac_context *ctx, const ac_format *format,
                            const ac_doc *doc, ac_buf *out, ac_error *error)
{
    (void)format;
    if (acp_map_find(doc->fields, "instructions", 12) >= 0)
        return acp_error_set(error, AC_ERR_STRUCTURE, "agentconv", 0, 0, -1,
                             "the fields hold an \"instructions\" key, which "
                             "the model reserves for the instructions");
    ac_status st = acp_check_string(doc->instructions, doc->instructions_len,
                                    "the instructions", error);
    if (st != AC_OK)
        return st;
    return acp_yaml_emit_map(ctx, doc->fields, doc->instructions,
                             doc->instructions_len, out, error);
}

/* Is the line starting at `p` a plain or quoted "key:" or "key: value" at
 * column 1? A guess for sniffing, not a parse. */
static bool looks_like_key_line(const char *p, const char *end)
{
    if (p >= end)
        return false;
    const char *q = p;
    if (*q == '"' || *q == '\'') {
        /* "..." with backslash escapes, '...' with '' for a quote. */
        char quote = *q++;
        for (;;) {
            while (q < end && *q != quote && *q != '\n' && *q != '\r')
                q += *q == '\\' && quote == '"' && q + 1 < end ? 2 : 1;
            if (q >= end || *q != quote)
                return false;
            q++;
            if (quote == '"' || q >= end || *q != '\'')
                break;
            q++; /* '' inside single quotes */
        }
    } else {
        /* Characters that cannot start a plain key (or are not a key at
         * all: "- item", "[", "{", "%YAML", "---"). */
        if (strchr(" \t-?:,[]{}#&*!|>%@`", *q))
            return false;
        while (q < end && *q != '\n' && *q != '\r') {
            if (*q == ':' && (q + 1 == end || q[1] == ' ' || q[1] == '\t' ||
                              q[1] == '\n' || q[1] == '\r'))
                break;
            if (*q == '#' && (q[-1] == ' ' || q[-1] == '\t'))
                return false; /* a comment before any ':' */
            q++;
        }
    }
    return q < end && *q == ':' &&
           (q + 1 == end || q[1] == ' ' || q[1] == '\t' || q[1] == '\n' ||
            q[1] == '\r');
}

static int yaml_sniff(const char *data, size_t len)
{
    const char *p = data, *end = data + len;
    if (len >= 3 && memcmp(data, utf8_bom, 3) == 0)
        p += 3;
    /* A document marker with no closing line is YAML; with one it is md
     * front matter (md claims it more surely). */
    int shape = acp_front_matter_shape(p, (size_t)(end - p));
    if (shape == 1)
        return 50;
    if (shape == 2)
        return 0;
    /* The first line that is neither blank nor a comment. */
    while (p < end) {
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (q < end && *q != '#' && *q != '\n' && *q != '\r')
            break;
        while (q < end && *q != '\n' && *q != '\r')
            q++;
        while (q < end && (*q == '\n' || *q == '\r'))
            q++;
        p = q;
    }
    return looks_like_key_line(p, end) ? 40 : 0;
}

static const char *const yaml_extensions[] = {".yaml", ".yml", NULL};
static const char *const yaml_aliases[] = {"yml", NULL};

const ac_format acp_format_yaml = {
    .abi = AC_FORMAT_ABI,
    .name = "yaml",
    .description = "YAML mapping, instructions under the \"instructions\" key",
    .aliases = yaml_aliases,
    .extensions = yaml_extensions,
    .sniff = yaml_sniff,
    .read = yaml_read,
    .write = yaml_write,
    .user = NULL,
};
