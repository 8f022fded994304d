/*
 * The md form: markdown with YAML front matter. The splitter finds the
 * front matter between a first line "---" and the next line "---" or "...";
 * the YAML goes through yaml_read.c and yaml_write.c; the body is the
 * instructions, kept byte for byte apart from the normalization every
 * reader does.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "yaml_internal.h"

static const char bom[] = "\xef\xbb\xbf";

/* Length of the line break at `p` (LF, CRLF or CR), 0 when none. */
static size_t line_break(const char *p, const char *end)
{
    if (p < end && *p == '\n')
        return 1;
    if (p < end && *p == '\r')
        return p + 1 < end && p[1] == '\n' ? 2 : 1;
    return 0;
}

/* If a delimiter line ("---", or "..." when `dots`) starts at `p`, followed
 * by spaces or tabs and a line break or the end, return the offset just
 * past the line; else 0. */
static size_t delimiter_line(const char *p, const char *end, bool dots)
{
    if (end - p < 3)
        return 0;
    if (memcmp(p, "---", 3) != 0 && !(dots && memcmp(p, "...", 3) == 0))
        return 0;
    const char *q = p + 3;
    while (q < end && (*q == ' ' || *q == '\t'))
        q++;
    if (q < end && *q != '\n' && *q != '\r')
        return 0;
    return (size_t)(q - p) + line_break(q, end);
}

/* Number of blank lines (empty, or only spaces and tabs) at `p`. */
static int blank_lines(const char *p, const char *end)
{
    int n = 0;
    for (;;) {
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        size_t br = line_break(q, end);
        if (!br)
            return n;
        n++;
        p = q + br;
    }
}

/* Find the line that closes front matter whose first line starts at `p`
 * (the line after the opening one, file line 2). Returns the start of the
 * closing line, storing its length (line break included) in `*close_len`
 * and its file line in `*line`; or NULL when no line closes it. */
static const char *find_close(const char *p, const char *end, int *line,
                              size_t *close_len)
{
    *line = 2;
    while (p < end) {
        size_t close = delimiter_line(p, end, true);
        if (close) {
            *close_len = close;
            return p;
        }
        const char *nl = p;
        while (nl < end && *nl != '\n' && *nl != '\r')
            nl++;
        size_t br = line_break(nl, end);
        if (!br)
            return NULL;
        p = nl + br;
        (*line)++;
    }
    return NULL;
}

int acp_front_matter_shape(const char *data, size_t len)
{
    const char *end = data + len;
    if (len >= 3 && memcmp(data, bom, 3) == 0)
        data += 3;
    size_t open = delimiter_line(data, end, false);
    if (!open)
        return 0;
    int line;
    size_t close_len;
    return find_close(data + open, end, &line, &close_len) ? 2 : 1;
}

static int md_sniff(const char *data, size_t len)
{
    /* An opening line alone may as well start a YAML document (the yaml
     * form claims that with 50): md claims front matter that is closed. */
    if (acp_front_matter_shape(data, len) == 2)
        return 90;
    /* Text that nobody else claims is most likely markdown without front
     * matter (or with front matter never closed): let the md reader say
     * so. */
    return 1;
}

/* The error for a file that does not start with "---". When the first
 * line that is not blank is a "---" after all (indented, or after blank
 * lines: no tool reads that as front matter), say so and where. */
static ac_status no_front_matter(const char *p, const char *end,
                                 const char *source, ac_error *error)
{
    int line = 1;
    for (;;) {
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        size_t br = line_break(q, end);
        if (!br)
            break;
        p = q + br;
        line++;
    }
    const char *q = p;
    while (q < end && (*q == ' ' || *q == '\t'))
        q++;
    if (line > 1 || q > p) {
        if (delimiter_line(q, end, false))
            return acp_error_set(error, AC_ERR_STRUCTURE, source, line,
                                 (int)(q - p) + 1, -1,
                                 "no front matter: the file must start with "
                                 "a line '---', and this one is %s; move it "
                                 "to the start of line 1",
                                 q > p ? "indented" : "not the first line");
    }
    return acp_error_set(error, AC_ERR_NOT_AGENT, source, 1, 1, 0,
                         "no front matter: the file must start with a line "
                         "'---'");
}

static ac_status md_read(ac_context *ctx, const ac_format *format,
                         const char *data, size_t len, const char *source,
                         ac_doc **out, ac_error *error)
{
    (void)format;
    ac_status st = acp_check_text(data, len, source, error);
    if (st != AC_OK)
        return st;
    const char *start = data, *end = data + len;
    if (len >= 3 && memcmp(data, bom, 3) == 0)
        start += 3;
    size_t open = delimiter_line(start, end, false);
    if (!open)
        return no_front_matter(start, end, source, error);
    /* Find the closing line. */
    const char *fm = start + open;
    int line;
    size_t close = 0;
    const char *p = find_close(fm, end, &line, &close);
    if (!p)
        return acp_error_set(error, AC_ERR_STRUCTURE, source, 1, 1,
                             (long)(start - data),
                             "front matter opened on line 1 is never closed "
                             "(no line '---' or '...' after it)");
    const char *body = p + close;
    int body_line = line + 1;

    ac_value *root = NULL;
    st = acp_yaml_parse(ctx, fm, (size_t)(p - fm), source, 1, &root, error);
    if (st == AC_ERR_SYNTAX) {
        /* Not YAML: try reading it as Claude Code does (recover.c). When
         * that fails too, the original error stands. */
        ac_status rst = acp_yaml_recover(ctx, fm, (size_t)(p - fm), source, 1,
                                         &root, error);
        if (rst != AC_ERR_SYNTAX)
            st = rst;
    }
    if (st != AC_OK)
        return st;
    if (root && root->type != AC_MAP) {
        acp_error_set(error, AC_ERR_STRUCTURE, source, root->line, root->column,
                      -1, "front matter is %s; it must be a mapping of fields",
                      acp_type_phrase(root->type));
        ac_value_free(root);
        return AC_ERR_STRUCTURE;
    }
    if (root) {
        long i = acp_map_find(root, "instructions", 12);
        if (i >= 0) {
            const acp_entry *e = &root->u.map.entries[i];
            acp_error_set(error, AC_ERR_STRUCTURE, source, e->key_line,
                          e->key_column, -1,
                          "front matter has an \"instructions\" key; in md "
                          "the body holds the instructions");
            ac_value_free(root);
            return AC_ERR_STRUCTURE;
        }
    }

    ac_doc *doc = ac_doc_new();
    if (!doc) {
        ac_value_free(root);
        return acp_error_set(error, AC_ERR_NOMEM, source, 0, 0, -1,
                             "out of memory");
    }
    if (root) {
        ac_value_free(doc->fields);
        doc->fields = root;
    } else {
        ac_value_set_position(doc->fields, 2, 1);
    }
    size_t body_len = (size_t)(end - body);
    char *text = acp_strndup(body, body_len);
    if (!text) {
        ac_doc_free(doc);
        return acp_error_set(error, AC_ERR_NOMEM, source, 0, 0, -1,
                             "out of memory");
    }
    ac_normalize_instructions(text, &body_len);
    if (body_len > 0)
        doc->instructions_line = body_line + blank_lines(body, end);
    free(doc->instructions);
    doc->instructions = text;
    doc->instructions_len = body_len;
    text[body_len] = '\0';
    *out = doc;
    return AC_OK;
}

static ac_status md_write(ac_context *ctx, const ac_format *format,
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
    st = ac_buf_puts(out, "---\n");
    if (st == AC_OK && doc->fields->u.map.len > 0)
        st = acp_yaml_emit_map(ctx, doc->fields, NULL, 0, out, error);
    if (st == AC_OK)
        st = ac_buf_puts(out, "---\n");
    if (st == AC_OK && doc->instructions_len > 0) {
        st = ac_buf_puts(out, "\n");
        if (st == AC_OK)
            st = ac_buf_append(out, doc->instructions, doc->instructions_len);
    }
    if (st != AC_OK && error->text[0] == '\0')
        acp_error_set(error, st, "agentconv", 0, 0, -1, "out of memory");
    return st;
}

static const char *const md_extensions[] = {".agent.md", ".chatmode.md", ".md",
                                            ".markdown", NULL};
static const char *const md_aliases[] = {"markdown", NULL};

const ac_format acp_format_md = {
    .abi = AC_FORMAT_ABI,
    .name = "md",
    .description = "markdown with YAML front matter; the body is the "
                   "instructions",
    .aliases = md_aliases,
    .extensions = md_extensions,
    .sniff = md_sniff,
    .read = md_read,
    .write = md_write,
    .user = NULL,
};
