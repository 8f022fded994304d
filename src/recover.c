/*
 * Reading front matter that is not valid YAML, the way Claude Code reads it,
 * minus its mistakes.
 *
 * Claude Code parses such front matter again after double-quoting the value
 * of every top-level `key: value` line that holds a YAML-special character.
 * We do the same with three differences:
 * - only a field that does not parse as YAML on its own (its key line and
 *   the indented lines under it) has its value taken as text:
 *   `tools: [Read, Grep]` stays a list, a quoted value stays as it is;
 * - the lines after such a value that are not fields (indented lines, and
 *   lines at column 0 such as `user: "hi"` or `Context: ...` whose word is
 *   not a known field name) continue it, instead of becoming stray keys;
 * - every value read this way gets a warning saying what was read and how
 *   to fix the file.
 *
 * The mechanism: the front matter is rewritten line for line, each
 * recovered value replaced by an empty quoted string and its continuation
 * lines by empty lines, so that every other line keeps its number; the
 * result is parsed strictly, then the recovered texts are put in place.
 * docs/recovery.md gives the rules with input and output pairs.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yaml_internal.h"

/* The field names of the dialects in DIALECTS.md (and the common ones of
 * the tools' documentation). A line `word: ...` at column 0 whose word is
 * one of these (or one the context was told about) is a field even inside
 * a recovered value. The list is sorted for bsearch. */
static const char *const known_fields[] = {
    "agent",
    "agents",
    "allowed-tools",
    "allowedTools",
    "argument-hint",
    "author",
    "backstory",
    "category",
    "color",
    "description",
    "disable",
    "disallowed-tools",
    "disallowedTools",
    "goal",
    "handoffs",
    "hooks",
    "icon",
    "id",
    "infer",
    "instruction",
    "kind",
    "license",
    "llm",
    "max_turns",
    "maxTurns",
    "mcp-servers",
    "mcpServers",
    "memory",
    "metadata",
    "mode",
    "model",
    "name",
    "permission",
    "permissionMode",
    "permissions",
    "prompt",
    "resources",
    "role",
    "skills",
    "tags",
    "target",
    "temperature",
    "title",
    "tools",
    "toolsSettings",
    "top_p",
    "version",
    "when_to_use",
};

static int compare_name(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

static bool is_known_field(const ac_context *ctx, const char *name)
{
    if (bsearch(name, known_fields, sizeof known_fields / sizeof *known_fields,
                sizeof *known_fields, compare_name))
        return true;
    for (size_t i = 0; i < ctx->field_name_count; i++)
        if (strcmp(ctx->field_names[i], name) == 0)
            return true;
    return false;
}

/* One physical line of the front matter. */
typedef struct line {
    const char *start; /* first byte */
    size_t len;        /* without the line break */
    size_t brk;        /* bytes of the line break (0 at the end) */
} line;

enum line_kind { L_BLANK, L_COMMENT, L_FIELD, L_OTHER };

static bool is_key_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_key_char(char c)
{
    return is_key_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Classify a line; for a field, store the key's length and where the value
 * starts (after the colon and the blanks that follow it). */
static enum line_kind classify(const line *l, size_t *key_len, size_t *value_at)
{
    const char *s = l->start;
    size_t n = l->len, i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == n)
        return L_BLANK;
    if (s[i] == '#')
        return L_COMMENT;
    if (i > 0 || !is_key_start(s[0]))
        return L_OTHER;
    while (i < n && is_key_char(s[i]))
        i++;
    if (i >= n || s[i] != ':' ||
        (i + 1 < n && s[i + 1] != ' ' && s[i + 1] != '\t'))
        return L_OTHER;
    *key_len = i;
    i++;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    *value_at = i;
    return L_FIELD;
}

/*
 * Does a field, its key line with the indented lines under it, read as
 * YAML on its own? When not, stores why in `*why`: libyaml's problem, put
 * in the words of the fix where we know it.
 */
static bool field_parses(const char *s, size_t n, const char **why)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        *why = "out of memory";
        return false;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)s, n);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    bool ok = true, done = false;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            const char *p = parser.problem ? parser.problem : "not valid YAML";
            *why = strcmp(p, "mapping values are not allowed in this "
                             "context") == 0
                       ? "an unquoted ': '"
                       : p;
            ok = false;
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    return ok;
}

/* True when the text holds a control character other than a tab. */
static bool has_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return true;
    }
    return false;
}

/* A value taken as text: where it is and what it is. */
typedef struct recovered {
    size_t line;    /* index of the field's line */
    size_t key_len; /* the key is the line's first key_len bytes */
    size_t first;   /* continuation lines: (first, last] */
    size_t last;
    int column; /* 1-based column of the value */
    const char *why;
    ac_buf text;
} recovered;

/* Append a line's text, without its leading blanks when `strip_indent`,
 * and without trailing blanks. */
static ac_status append_trimmed(ac_buf *b, const char *s, size_t n,
                                bool strip_indent)
{
    size_t i = 0;
    if (strip_indent)
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return ac_buf_append(b, s + i, n - i);
}

static int columns_of(const char *s, size_t n)
{
    int c = 1;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            c++;
    return c;
}

/* Split the text into lines. Returns a new array or NULL (no memory). */
static line *split_lines(const char *text, size_t len, size_t *count)
{
    size_t cap = 16, n = 0;
    line *lines = malloc(cap * sizeof *lines);
    const char *p = text, *end = text + len;
    *count = 0;
    if (!lines)
        return NULL;
    while (p < end) {
        if (n == cap) {
            cap *= 2;
            line *more = realloc(lines, cap * sizeof *lines);
            if (!more) {
                free(lines);
                return NULL;
            }
            lines = more;
        }
        const char *q = p;
        while (q < end && *q != '\n' && *q != '\r')
            q++;
        size_t brk =
            q < end ? (*q == '\r' && q + 1 < end && q[1] == '\n' ? 2 : 1) : 0;
        lines[n].start = p;
        lines[n].len = (size_t)(q - p);
        lines[n].brk = brk;
        n++;
        p = q + brk;
    }
    *count = n;
    return lines;
}

static void release(recovered *rec, size_t n, line *lines, ac_buf *fixed)
{
    for (size_t i = 0; i < n; i++)
        acp_buf_release(&rec[i].text);
    free(rec);
    free(lines);
    acp_buf_release(fixed);
}

/* Find the values to take as text. Returns how many (0: nothing to do), or
 * (size_t)-1 when out of memory. */
static size_t find_recoveries(const ac_context *ctx, const line *lines,
                              size_t count, recovered **out)
{
    recovered *rec = NULL;
    size_t n = 0, cap = 0;
    long open = -1; /* the recovered value that may continue */
    size_t pending_blank = 0;
    for (size_t i = 0; i < count; i++) {
        size_t key_len = 0, value_at = 0;
        enum line_kind kind = classify(&lines[i], &key_len, &value_at);
        if (kind == L_FIELD && open >= 0) {
            char key[64];
            bool fits = key_len < sizeof key;
            if (fits) {
                memcpy(key, lines[i].start, key_len);
                key[key_len] = '\0';
            }
            if (!fits || !is_known_field(ctx, key))
                kind = L_OTHER; /* `user: "hi"` continues the value */
        }
        if (open >= 0 && (kind == L_OTHER || kind == L_BLANK)) {
            if (kind == L_BLANK) {
                pending_blank++;
                continue;
            }
            /* An indented line continues the text the way YAML folds a
             * plain scalar (a space, or a line break per blank line); a
             * line at column 0 (`user: "hi"`) keeps its own line. */
            recovered *r = &rec[open];
            bool indented =
                lines[i].start[0] == ' ' || lines[i].start[0] == '\t';
            size_t breaks = pending_blank + (indented ? 0 : 1);
            pending_blank = 0;
            if (breaks == 0 && ac_buf_append(&r->text, " ", 1) != AC_OK)
                goto nomem;
            for (; breaks > 0; breaks--)
                if (ac_buf_append(&r->text, "\n", 1) != AC_OK)
                    goto nomem;
            if (append_trimmed(&r->text, lines[i].start, lines[i].len, true) !=
                AC_OK)
                goto nomem;
            r->last = i;
            continue;
        }
        open = -1;
        pending_blank = 0;
        /* Only a value on the key's own line is taken as text: a block
         * under an empty value that does not parse is an error to fix. */
        if (kind != L_FIELD || value_at >= lines[i].len)
            continue;
        const char *value = lines[i].start + value_at;
        size_t value_len = lines[i].len - value_at;
        if (has_control(value, value_len))
            continue; /* no YAML reader takes those, quoted or not */
        /* The field: its line and the indented or blank lines under it. */
        size_t j = i + 1;
        while (j < count && (lines[j].len == 0 || lines[j].start[0] == ' ' ||
                             lines[j].start[0] == '\t'))
            j++;
        const char *block_end = lines[j - 1].start + lines[j - 1].len;
        /* A line indented with a tab is a field the author indented by
         * mistake, not text: such a field is left to the error. */
        bool tab_indent = false;
        for (size_t k = i + 1; k < j; k++)
            tab_indent =
                tab_indent || (lines[k].len > 0 && lines[k].start[0] == '\t');
        if (tab_indent) {
            i = j - 1;
            continue;
        }
        const char *why = NULL;
        if (field_parses(lines[i].start, (size_t)(block_end - lines[i].start),
                         &why)) {
            i = j - 1;
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 4;
            recovered *more = realloc(rec, cap * sizeof *rec);
            if (!more)
                goto nomem;
            rec = more;
        }
        recovered *r = &rec[n];
        memset(r, 0, sizeof *r);
        acp_buf_init(&r->text);
        r->line = r->first = r->last = i;
        r->key_len = key_len;
        r->column = columns_of(lines[i].start, value_at);
        r->why = why;
        n++;
        if (append_trimmed(&r->text, value, value_len, false) != AC_OK)
            goto nomem;
        open = (long)(n - 1);
    }
    *out = rec;
    return n;
nomem:
    for (size_t k = 0; k < n; k++)
        acp_buf_release(&rec[k].text);
    free(rec);
    return (size_t)-1;
}

/* The start of a text for a message: up to its first line break and at
 * most 40 bytes (cut on a character boundary), "..." when cut. */
static void preview_of(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0;
    while (k < n && s[k] != '\n' && k < 40)
        k++;
    while (k > 0 && k < n && ((unsigned char)s[k] & 0xc0) == 0x80)
        k--;
    snprintf(out, size, "%.*s%s", (int)k, s, k < n ? "..." : "");
}

ac_status acp_yaml_recover(ac_context *ctx, const char *text, size_t len,
                           const char *source, int line_offset, ac_value **root,
                           ac_error *error)
{
    size_t count = 0;
    recovered *rec = NULL;
    ac_buf fixed;
    acp_buf_init(&fixed);
    *root = NULL;
    line *lines = split_lines(text, len, &count);
    if (!lines)
        return acp_error_set(error, AC_ERR_NOMEM, source, 0, 0, -1,
                             "out of memory");
    size_t n = find_recoveries(ctx, lines, count, &rec);
    if (n == (size_t)-1) {
        free(lines);
        return acp_error_set(error, AC_ERR_NOMEM, source, 0, 0, -1,
                             "out of memory");
    }
    if (n == 0) {
        release(rec, 0, lines, &fixed);
        return AC_ERR_SYNTAX; /* nothing to recover: the error stands */
    }

    /* The same lines, each recovered value an empty string, continuation
     * lines empty. */
    size_t next = 0;
    ac_status st = AC_OK;
    for (size_t i = 0; i < count && st == AC_OK; i++) {
        if (next < n && i == rec[next].line) {
            st = ac_buf_append(&fixed, lines[i].start, rec[next].key_len);
            if (st == AC_OK)
                st = ac_buf_puts(&fixed, ": \"\"");
        } else if (next < n && i > rec[next].first && i <= rec[next].last) {
            /* a continuation line: left empty */
        } else {
            st = ac_buf_append(&fixed, lines[i].start, lines[i].len);
        }
        if (st == AC_OK)
            st = ac_buf_append(&fixed, "\n", 1);
        if (next < n && i >= rec[next].last)
            next++;
    }
    if (st != AC_OK) {
        release(rec, n, lines, &fixed);
        return acp_error_set(error, AC_ERR_NOMEM, source, 0, 0, -1,
                             "out of memory");
    }

    /* Parse it strictly. If even that fails, the original error stands:
     * the caller keeps it (ours goes to a scratch struct). */
    ac_error scratch;
    ac_value *map = NULL;
    st = acp_yaml_parse(ctx, fixed.data ? fixed.data : "", fixed.len, source,
                        line_offset, &map, &scratch);
    if (st == AC_ERR_NOMEM) {
        release(rec, n, lines, &fixed);
        *error = scratch;
        return st;
    }
    if (st != AC_OK || !map || map->type != AC_MAP) {
        ac_value_free(map);
        release(rec, n, lines, &fixed);
        return AC_ERR_SYNTAX;
    }

    for (size_t k = 0; k < n; k++) {
        recovered *r = &rec[k];
        long at = acp_map_find(map, lines[r->line].start, r->key_len);
        if (at < 0)
            continue;
        ac_value *v =
            ac_value_new_string(r->text.data ? r->text.data : "", r->text.len);
        if (!v) {
            ac_value_free(map);
            release(rec, n, lines, &fixed);
            return acp_error_set(error, AC_ERR_NOMEM, source, 0, 0, -1,
                                 "out of memory");
        }
        int line_no = (int)r->line + 1 + line_offset;
        ac_value_set_position(v, line_no, r->column);
        ac_value_free(map->u.map.entries[at].value);
        map->u.map.entries[at].value = v;
        int last_line = (int)r->last + 1 + line_offset;
        char preview[64];
        preview_of(r->text.data ? r->text.data : "", r->text.len, preview,
                   sizeof preview);
        if (r->last > r->first)
            ac_context_warn(ctx, source, line_no, r->column,
                            "\"%.*s\" is not valid YAML (%s): read it as the "
                            "text \"%s\" with the lines after it up to line "
                            "%d, as Claude Code means it; quote the value to "
                            "fix the file",
                            (int)r->key_len, lines[r->line].start, r->why,
                            preview, last_line);
        else
            ac_context_warn(ctx, source, line_no, r->column,
                            "\"%.*s\" is not valid YAML (%s): read it as the "
                            "text \"%s\", as Claude Code does; quote the value "
                            "to fix the file",
                            (int)r->key_len, lines[r->line].start, r->why,
                            preview);
    }
    release(rec, n, lines, &fixed);
    *root = map;
    return AC_OK;
}
