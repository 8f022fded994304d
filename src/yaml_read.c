/*
 * libyaml events into the model: an explicit stack (no recursion), keys as
 * strings, duplicate keys rejected with both lines, aliases expanded up to
 * the context's alias-nodes limit, the depth, key and string limits, and
 * YAML 1.2 core resolution of scalars (yaml_scalar.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yaml_internal.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

typedef struct frame {
    ac_value *node; /* the list or map being filled */
    char *anchor;   /* its anchor, registered when it ends; owned */
    bool have_key;  /* map: a key waits for its value */
    char *key;      /* owned */
    size_t key_len;
    int key_line;
    int key_column;
} frame;

typedef struct anchor {
    char *name;     /* owned */
    ac_value *node; /* borrowed from the tree, or owned when `owned` */
    bool owned;
    char *text; /* a scalar's source text, for use as a key; owned */
    size_t text_len;
} anchor;

typedef struct reader {
    ac_context *ctx;
    const char *source;
    const char *text;
    size_t len;
    int line_offset;
    ac_error *error;
    frame *stack;
    size_t depth;
    size_t cap;
    anchor *anchors;
    size_t anchor_count;
    size_t anchor_cap;
    uint64_t alias_nodes;
    uint64_t alias_bytes; /* bytes of strings and keys aliases copied */
    ac_value *root;
    int documents;
    /* A stream of any number of documents (acp_yaml_parse_stream): each
     * document's root goes to `docs` when the document ends. */
    bool many;
    acp_yaml_document *docs;
    size_t doc_count;
    size_t doc_cap;
    yaml_mark_t doc_start; /* of the document being read */
    /* 1 while the root of the document is a sequence in a stream (a
     * collection): the sequence is not counted against the depth limit,
     * so that each agent has the whole allowance. */
    uint64_t depth_bonus;
    /* Where the text ends, when it does not end with a line break: its
     * length in characters and the column (0-based) after its last
     * character (see clamp_end_mark). */
    bool ends_open;
    size_t end_chars;
    size_t end_column;
} reader;

/*
 * At the end of a text that does not end with a line break, libyaml 0.2.5
 * moves its mark to the start of a new line before the end of the stream
 * ("force new line"), so an error or a value found there (`- n\n) `, a key
 * without its ':'; `---`, an empty document) would point at a line past
 * the last one. Such a mark points at the end of the last line instead
 * (found by fuzz_yaml). libyaml's mark.index counts characters, not bytes
 * (see count_comments).
 */
static yaml_mark_t clamp_end_mark(const reader *r, yaml_mark_t m)
{
    if (!r->ends_open || m.column != 0 || m.line == 0 || m.index < r->end_chars)
        return m;
    m.line--;
    m.column = r->end_column;
    return m;
}

static int line_of(const reader *r, yaml_mark_t m)
{
    return (int)clamp_end_mark(r, m).line + 1 + r->line_offset;
}

static int column_of(const reader *r, yaml_mark_t m)
{
    return (int)clamp_end_mark(r, m).column + 1;
}

static ac_status fail_at(reader *r, ac_status st, yaml_mark_t m,
                         const char *fmt, ...) ACP_PRINTF(4, 5);

static ac_status fail_at(reader *r, ac_status st, yaml_mark_t m,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    acp_error_vset(r->error, st, r->source, line_of(r, m), column_of(r, m),
                   (long)m.index, fmt, ap);
    va_end(ap);
    return st;
}

static ac_status no_memory(reader *r)
{
    return acp_error_set(r->error, AC_ERR_NOMEM, r->source, 0, 0, -1,
                         "out of memory");
}

/* Forget the anchors (a new document starts: anchors do not cross
 * documents). */
static void drop_anchors(reader *r)
{
    for (size_t i = 0; i < r->anchor_count; i++) {
        free(r->anchors[i].name);
        free(r->anchors[i].text);
        if (r->anchors[i].owned)
            ac_value_free(r->anchors[i].node);
    }
    r->anchor_count = 0;
}

static void reader_release(reader *r)
{
    for (size_t i = 0; i < r->depth; i++) {
        ac_value_free(r->stack[i].node);
        free(r->stack[i].anchor);
        free(r->stack[i].key);
    }
    free(r->stack);
    drop_anchors(r);
    free(r->anchors);
    ac_value_free(r->root);
    acp_yaml_documents_free(r->docs, r->doc_count);
}

void acp_yaml_documents_free(acp_yaml_document *docs, size_t count)
{
    if (!docs)
        return;
    for (size_t i = 0; i < count; i++)
        ac_value_free(docs[i].root);
    free(docs);
}

static const anchor *find_anchor(const reader *r, const char *name)
{
    /* The latest definition of a name wins. */
    for (size_t i = r->anchor_count; i-- > 0;)
        if (strcmp(r->anchors[i].name, name) == 0)
            return &r->anchors[i];
    return NULL;
}

/* Register an anchor. `node` is borrowed from the tree unless `owned`;
 * `text` (may be NULL) is copied. On failure an owned node is freed. */
static ac_status add_anchor(reader *r, const char *name, ac_value *node,
                            bool owned, const char *text, size_t text_len)
{
    if (r->anchor_count == r->anchor_cap) {
        size_t cap = r->anchor_cap ? r->anchor_cap * 2 : 8;
        anchor *a = realloc(r->anchors, cap * sizeof *a);
        if (!a)
            goto nomem;
        r->anchors = a;
        r->anchor_cap = cap;
    }
    anchor *a = &r->anchors[r->anchor_count];
    a->name = acp_strndup(name, strlen(name));
    a->text = text ? acp_strndup(text, text_len) : NULL;
    if (!a->name || (text && !a->text)) {
        free(a->name);
        free(a->text);
        goto nomem;
    }
    a->text_len = text_len;
    a->node = node;
    a->owned = owned;
    r->anchor_count++;
    return AC_OK;
nomem:
    if (owned)
        ac_value_free(node);
    return no_memory(r);
}

/* Check the string-length limit for a scalar or key of `n` bytes. */
static ac_status check_string(reader *r, size_t n, yaml_mark_t m, bool key)
{
    ac_limit lim = key ? AC_LIMIT_KEY_LENGTH : AC_LIMIT_STRING_LENGTH;
    if (n > r->ctx->limits[lim])
        return fail_at(r, AC_ERR_LIMIT, m,
                       "%s of %zu bytes exceeds the %s limit (%llu)",
                       key ? "key" : "string", n, ac_limit_name(lim),
                       (unsigned long long)r->ctx->limits[lim]);
    return AC_OK;
}

/* Take a key for the map on top of the stack. */
static ac_status take_key(reader *r, const char *text, size_t n, yaml_mark_t m)
{
    frame *top = &r->stack[r->depth - 1];
    ac_status st = check_string(r, n, m, true);
    if (st != AC_OK)
        return st;
    long prev = acp_map_find(top->node, text, n);
    if (prev >= 0) {
        const acp_entry *e = &top->node->u.map.entries[prev];
        return fail_at(r, AC_ERR_STRUCTURE, m,
                       "duplicate key \"%.*s\" (first on line %d)",
                       n > 60 ? 60 : (int)n, text, e->key_line);
    }
    top->key = acp_strndup(text, n);
    if (!top->key)
        return no_memory(r);
    top->key_len = n;
    top->key_line = line_of(r, m);
    top->key_column = column_of(r, m);
    top->have_key = true;
    return AC_OK;
}

/* Put a finished node (stolen) into its parent, or make it the root. */
static ac_status add_node(reader *r, ac_value *node, yaml_mark_t m)
{
    if (r->depth == 0) {
        r->root = node;
        return AC_OK;
    }
    frame *top = &r->stack[r->depth - 1];
    if (top->node->type == AC_LIST) {
        return ac_list_append(top->node, node) == AC_OK ? AC_OK : no_memory(r);
    }
    if (top->node->u.map.len >= r->ctx->limits[AC_LIMIT_KEYS]) {
        ac_value_free(node);
        return fail_at(r, AC_ERR_LIMIT, m,
                       "map has more entries than the keys limit (%llu)",
                       (unsigned long long)r->ctx->limits[AC_LIMIT_KEYS]);
    }
    if (acp_map_append(top->node, top->key, top->key_len, node) != AC_OK)
        return no_memory(r);
    acp_entry *e = &top->node->u.map.entries[top->node->u.map.len - 1];
    e->key_line = top->key_line;
    e->key_column = top->key_column;
    free(top->key);
    top->key = NULL;
    top->have_key = false;
    return AC_OK;
}

/* True when the next value is an agent's top-level "instructions" (the
 * root map of a document, or of an item of a root sequence in a stream):
 * the input size bounds them, not the string-length limit
 * (docs/limits.md). The md form refuses the key in front matter. */
static bool is_instructions_value(const reader *r)
{
    if (r->depth != 1 + r->depth_bonus)
        return false;
    const frame *top = &r->stack[r->depth - 1];
    return top->node->type == AC_MAP && top->have_key && top->key_len == 12 &&
           memcmp(top->key, "instructions", 12) == 0;
}

static bool expecting_key(const reader *r)
{
    if (r->depth == 0)
        return false;
    const frame *top = &r->stack[r->depth - 1];
    return top->node->type == AC_MAP && !top->have_key;
}

/* A tag as the user wrote it: "!!int" rather than its full form. */
static const char *short_tag(const char *tag, char *buf, size_t size)
{
    size_t n = strlen(TAG_PREFIX);
    if (tag && strncmp(tag, TAG_PREFIX, n) == 0) {
        snprintf(buf, size, "!!%s", tag + n);
        return buf;
    }
    return tag ? tag : "";
}

/* The message for a scalar that acp_yaml_resolve refused. */
static ac_status resolve_failure(reader *r, yaml_mark_t m,
                                 acp_yaml_problem problem, const char *text,
                                 size_t n, const char *tag)
{
    int shown = n > 40 ? 40 : (int)n;
    const char *more = n > 40 ? "..." : "";
    char buf[128];
    tag = short_tag(tag, buf, sizeof buf);
    switch (problem) {
    case ACP_YAML_UNKNOWN_TAG:
        return fail_at(r, AC_ERR_STRUCTURE, m,
                       "unsupported tag '%s' (only the YAML core tags are "
                       "allowed)",
                       tag);
    case ACP_YAML_TAG_MISMATCH:
        return fail_at(r, AC_ERR_STRUCTURE, m,
                       "'%.*s%s' does not match its tag '%s'", shown, text,
                       more, tag);
    case ACP_YAML_INT_RANGE:
        return fail_at(r, AC_ERR_STRUCTURE, m,
                       "integer out of range: %.*s%s does not fit in 64 bits",
                       shown, text, more);
    case ACP_YAML_FLOAT_RANGE:
        return fail_at(r, AC_ERR_STRUCTURE, m,
                       "number out of range: %.*s%s is too large for a double",
                       shown, text, more);
    case ACP_YAML_INF_NAN:
    default:
        return fail_at(r, AC_ERR_STRUCTURE, m,
                       "%.*s: infinity and NaN cannot be carried (JSON has "
                       "no such numbers)",
                       shown, text);
    }
}

static ac_status on_scalar(reader *r, const yaml_event_t *ev)
{
    const char *text = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    const char *anchor_name = (const char *)ev->data.scalar.anchor;
    yaml_mark_t m = ev->start_mark;

    ac_value *v = NULL;
    acp_yaml_problem problem;
    bool is_key = expecting_key(r);
    ac_status st = is_key || !is_instructions_value(r)
                       ? check_string(r, n, m, is_key)
                       : AC_OK;
    if (st != AC_OK)
        return st;
    if (memchr(text, '\0', n))
        return fail_at(r, AC_ERR_ENCODING, m, "NUL character (\\0) in a %s",
                       is_key ? "key" : "string");
    st = acp_yaml_resolve(r->ctx, text, n, plain, tag, &v, &problem);
    if (st == AC_ERR_NOMEM)
        return no_memory(r);
    if (st != AC_OK) {
        /* A key is its text: a number no value could hold (".inf", an
         * integer beyond 64 bits) is still a fine key. Its tag must be
         * valid all the same. */
        bool key_text_ok = is_key && (problem == ACP_YAML_INT_RANGE ||
                                      problem == ACP_YAML_FLOAT_RANGE ||
                                      problem == ACP_YAML_INF_NAN);
        if (!key_text_ok)
            return resolve_failure(r, m, problem, text, n, tag);
        v = ac_value_new_string(text, n);
        if (!v)
            return no_memory(r);
    }
    ac_value_set_position(v, line_of(r, m), column_of(r, m));

    if (is_key) {
        if (plain && !tag && n == 2 && memcmp(text, "<<", 2) == 0) {
            ac_value_free(v);
            return fail_at(r, AC_ERR_STRUCTURE, m,
                           "merge keys (<<) are not supported; write the "
                           "fields out");
        }
        if (anchor_name) {
            st = add_anchor(r, anchor_name, v, true, text, n);
            v = NULL;
            if (st != AC_OK)
                return st;
        }
        ac_value_free(v);
        return take_key(r, text, n, m);
    }
    if (anchor_name) {
        st = add_anchor(r, anchor_name, v, false, text, n);
        if (st != AC_OK) {
            ac_value_free(v);
            return st;
        }
    }
    return add_node(r, v, m);
}

/* Levels of lists and maps in a tree (0 for a scalar). The tree passed the
 * depth check when it was read, so the recursion is bounded. */
static size_t tree_depth(const ac_value *v)
{
    size_t deepest = 0;
    size_t n = ac_value_size(v);
    for (size_t i = 0; i < n; i++) {
        const ac_value *c =
            v->type == AC_LIST ? v->u.list.items[i] : v->u.map.entries[i].value;
        size_t d = tree_depth(c);
        if (d > deepest)
            deepest = d;
    }
    return v->type == AC_LIST || v->type == AC_MAP ? deepest + 1 : 0;
}

/* Bytes of the strings and keys of a tree, one more per node: what a copy
 * of it costs, give or take the nodes' own size. */
static uint64_t tree_bytes(const ac_value *v)
{
    uint64_t n = 1;
    if (v->type == AC_STRING)
        n += v->u.str.len;
    else if (v->type == AC_LIST)
        for (size_t i = 0; i < v->u.list.len; i++)
            n += tree_bytes(v->u.list.items[i]);
    else if (v->type == AC_MAP)
        for (size_t i = 0; i < v->u.map.len; i++)
            n += v->u.map.entries[i].key_len +
                 tree_bytes(v->u.map.entries[i].value);
    return n;
}

static ac_status on_alias(reader *r, const yaml_event_t *ev)
{
    yaml_mark_t m = ev->start_mark;
    const char *name = (const char *)ev->data.alias.anchor;
    const anchor *a = find_anchor(r, name);
    if (!a)
        return fail_at(r, AC_ERR_STRUCTURE, m, "unknown alias '*%s'", name);
    if (expecting_key(r)) {
        if (!a->text)
            return fail_at(r, AC_ERR_STRUCTURE, m,
                           "a %s cannot be a key (alias '*%s')",
                           ac_type_name(a->node->type), name);
        return take_key(r, a->text, a->text_len, m);
    }
    uint64_t count = acp_value_count(a->node);
    uint64_t limit = r->ctx->limits[AC_LIMIT_ALIAS_NODES];
    if (count > limit || r->alias_nodes > limit - count)
        return fail_at(r, AC_ERR_LIMIT, m,
                       "aliases expand to more than %llu nodes (the "
                       "alias-nodes limit)",
                       (unsigned long long)limit);
    r->alias_nodes += count;
    /* A few aliases of a long string are few nodes but many bytes: what
     * aliases copy may not pass the input-size limit either, so that no
     * document read is larger than the largest input read. */
    uint64_t bytes = tree_bytes(a->node);
    uint64_t byte_limit = r->ctx->limits[AC_LIMIT_INPUT_SIZE];
    if (bytes > byte_limit || r->alias_bytes > byte_limit - bytes)
        return fail_at(r, AC_ERR_LIMIT, m,
                       "aliases expand to more than %llu bytes (the "
                       "input-size limit)",
                       (unsigned long long)byte_limit);
    r->alias_bytes += bytes;
    if (r->depth + tree_depth(a->node) >
        r->ctx->limits[AC_LIMIT_DEPTH] + r->depth_bonus)
        return fail_at(r, AC_ERR_LIMIT, m,
                       "nesting deeper than the depth limit (%llu)",
                       (unsigned long long)r->ctx->limits[AC_LIMIT_DEPTH]);
    ac_value *copy = ac_value_copy(a->node);
    if (!copy)
        return no_memory(r);
    ac_value_set_position(copy, line_of(r, m), column_of(r, m));
    return add_node(r, copy, m);
}

static ac_status on_collection_start(reader *r, const yaml_event_t *ev,
                                     bool is_map)
{
    yaml_mark_t m = ev->start_mark;
    const char *tag = (const char *)(is_map ? ev->data.mapping_start.tag
                                            : ev->data.sequence_start.tag);
    const char *anchor_name =
        (const char *)(is_map ? ev->data.mapping_start.anchor
                              : ev->data.sequence_start.anchor);
    const char *kind = is_map ? "map" : "list";
    if (expecting_key(r))
        return fail_at(r, AC_ERR_STRUCTURE, m,
                       "a %s cannot be a key (keys are strings)", kind);
    char buf[128];
    if (tag && strcmp(tag, "!") != 0 &&
        strcmp(tag, is_map ? TAG_PREFIX "map" : TAG_PREFIX "seq") != 0)
        return fail_at(r, AC_ERR_STRUCTURE, m,
                       "unsupported tag '%s' on a %s (only the YAML core "
                       "tags are allowed)",
                       short_tag(tag, buf, sizeof buf), kind);
    if (r->many && r->depth == 0 && !is_map)
        r->depth_bonus = 1;
    if (r->depth + 1 > r->ctx->limits[AC_LIMIT_DEPTH] + r->depth_bonus)
        return fail_at(r, AC_ERR_LIMIT, m,
                       "nesting deeper than the depth limit (%llu)",
                       (unsigned long long)r->ctx->limits[AC_LIMIT_DEPTH]);
    if (r->depth == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        frame *s = realloc(r->stack, cap * sizeof *s);
        if (!s)
            return no_memory(r);
        r->stack = s;
        r->cap = cap;
    }
    frame *f = &r->stack[r->depth];
    memset(f, 0, sizeof *f);
    f->node = is_map ? ac_value_new_map() : ac_value_new_list();
    if (!f->node)
        return no_memory(r);
    if (anchor_name) {
        f->anchor = acp_strndup(anchor_name, strlen(anchor_name));
        if (!f->anchor) {
            ac_value_free(f->node);
            return no_memory(r);
        }
    }
    ac_value_set_position(f->node, line_of(r, m), column_of(r, m));
    r->depth++;
    return AC_OK;
}

static ac_status on_collection_end(reader *r, const yaml_event_t *ev)
{
    /* libyaml sends an end event only after its start event, which
     * pushed a frame. */
    // NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
    frame f = r->stack[--r->depth];
    ac_status st = AC_OK;
    free(f.key);
    if (f.anchor) {
        st = add_anchor(r, f.anchor, f.node, false, NULL, 0);
        free(f.anchor);
    }
    if (st != AC_OK) {
        ac_value_free(f.node);
        return st;
    }
    return add_node(r, f.node, ev->start_mark);
}

/* Turn a libyaml parser failure into our error. */
static ac_status parser_failure(reader *r, const yaml_parser_t *p)
{
    if (p->error == YAML_MEMORY_ERROR)
        return no_memory(r);
    const char *problem = p->problem ? p->problem : "unknown problem";
    if (p->error == YAML_READER_ERROR) {
        int line, column;
        acp_line_column(r->text, r->len, p->problem_offset, &line, &column);
        return acp_error_set(
            r->error, AC_ERR_SYNTAX, r->source, line + r->line_offset, column,
            (long)p->problem_offset, "invalid YAML: %s", problem);
    }
    if (p->context)
        return fail_at(r, AC_ERR_SYNTAX, p->problem_mark,
                       "invalid YAML: %s (%s on line %d)", problem, p->context,
                       line_of(r, p->context_mark));
    return fail_at(r, AC_ERR_SYNTAX, p->problem_mark, "invalid YAML: %s",
                   problem);
}

/*
 * Find the comments of a YAML text that parsed: a '#' in a gap between two
 * tokens of libyaml's scanner starts a comment (inside tokens a '#' is
 * part of a scalar). Stores how many comments there are and where the
 * first one starts (a 0-based mark; its index in characters, as libyaml's
 * are). Scanning again costs a little, so it is done only when the text
 * holds a '#'.
 *
 * libyaml 0.2.5's mark.index counts characters (code points; CR and LF
 * one each), not bytes, so the text is walked a character at a time and
 * the tokens are placed by that count. Taking the index for a byte offset
 * put the gaps in the wrong place as soon as a non-ASCII character came
 * before them: a comment after `"éé\n"` was reported a line too far,
 * past the last line of the input (found by fuzz_yaml).
 */
static size_t count_comments(const char *text, size_t len, yaml_mark_t *first)
{
    size_t count = 0;
    if (!memchr(text, '#', len))
        return 0;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return 0;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    size_t pos = 0;   /* the byte where the next character starts */
    size_t chars = 0; /* characters before it: libyaml's index */
    int line = 0, column = 0;
    for (;;) {
        yaml_token_t tok;
        if (!yaml_parser_scan(&parser, &tok))
            break;
        size_t start = tok.start_mark.index;
        size_t stop = tok.end_mark.index;
        bool in_comment = false;
        while (pos < len && chars < stop) {
            char c = text[pos];
            if (chars < start && c == '#' && !in_comment) {
                if (count++ == 0) {
                    first->index = chars;
                    first->line = (size_t)line;
                    first->column = (size_t)column;
                }
                in_comment = true;
            }
            if (c == '\n' ||
                (c == '\r' && (pos + 1 >= len || text[pos + 1] != '\n'))) {
                in_comment = false;
                line++;
                column = 0;
            } else if (c != '\r') {
                column++;
            }
            pos++;
            while (pos < len && ((unsigned char)text[pos] & 0xc0) == 0x80)
                pos++;
            chars++;
        }
        bool last = tok.type == YAML_STREAM_END_TOKEN;
        yaml_token_delete(&tok);
        if (last)
            break;
    }
    yaml_parser_delete(&parser);
    return count;
}

/* A document starts: in a stream, a fresh set of anchors. */
static ac_status on_document_start(reader *r, const yaml_event_t *ev)
{
    r->documents++;
    if (!r->many) {
        if (r->documents > 1)
            return fail_at(r, AC_ERR_STRUCTURE, ev->start_mark,
                           "more than one YAML document");
        return AC_OK;
    }
    drop_anchors(r);
    r->depth_bonus = 0;
    r->doc_start = ev->start_mark;
    return AC_OK;
}

/* A document ends: in a stream, its root joins the documents. */
static ac_status on_document_end(reader *r)
{
    if (!r->many || !r->root)
        return AC_OK;
    if (r->doc_count == r->doc_cap) {
        size_t cap = r->doc_cap ? r->doc_cap * 2 : 8;
        acp_yaml_document *d = realloc(r->docs, cap * sizeof *d);
        if (!d)
            return no_memory(r);
        r->docs = d;
        r->doc_cap = cap;
    }
    acp_yaml_document *d = &r->docs[r->doc_count++];
    d->root = r->root;
    d->line = line_of(r, r->doc_start);
    d->column = column_of(r, r->doc_start);
    r->root = NULL;
    return AC_OK;
}

/* Run libyaml over the text and build the tree(s); warn once about the
 * comments of a text that parsed. */
static ac_status parse(reader *r)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return no_memory(r);
    yaml_parser_set_input_string(&parser, (const unsigned char *)r->text,
                                 r->len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

    ac_status st = AC_OK;
    bool done = false;
    while (!done && st == AC_OK) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            st = parser_failure(r, &parser);
            break;
        }
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            st = on_document_start(r, &ev);
            break;
        case YAML_DOCUMENT_END_EVENT:
            st = on_document_end(r);
            break;
        case YAML_SCALAR_EVENT:
            st = on_scalar(r, &ev);
            break;
        case YAML_ALIAS_EVENT:
            st = on_alias(r, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            st = on_collection_start(r, &ev, false);
            break;
        case YAML_MAPPING_START_EVENT:
            st = on_collection_start(r, &ev, true);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            st = on_collection_end(r, &ev);
            break;
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (st == AC_OK) {
        yaml_mark_t first;
        size_t comments = count_comments(r->text, r->len, &first);
        if (comments > 0)
            ac_context_warn(r->ctx, r->source, line_of(r, first),
                            column_of(r, first),
                            "%zu YAML comment%s dropped: the model does not "
                            "carry comments (the first is here)",
                            comments, comments == 1 ? " is" : "s are");
    }
    return st;
}

static void reader_init(reader *r, ac_context *ctx, const char *text,
                        size_t len, const char *source, int line_offset,
                        ac_error *error)
{
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->source = source;
    r->text = text;
    r->len = len;
    r->line_offset = line_offset;
    r->error = error;
    if (len > 0 && text[len - 1] != '\n' && text[len - 1] != '\r') {
        r->ends_open = true;
        for (size_t i = 0; i < len; i++) {
            char c = text[i];
            if (((unsigned char)c & 0xc0) == 0x80)
                continue;
            r->end_chars++;
            r->end_column = c == '\n' || c == '\r' ? 0 : r->end_column + 1;
        }
    }
}

ac_status acp_yaml_parse(ac_context *ctx, const char *text, size_t len,
                         const char *source, int line_offset, ac_value **root,
                         ac_error *error)
{
    reader r;
    reader_init(&r, ctx, text, len, source, line_offset, error);
    *root = NULL;
    ac_status st = parse(&r);
    if (st == AC_OK) {
        *root = r.root;
        r.root = NULL;
    }
    reader_release(&r);
    return st;
}

ac_status acp_yaml_parse_stream(ac_context *ctx, const char *text, size_t len,
                                const char *source, acp_yaml_document **docs,
                                size_t *count, ac_error *error)
{
    reader r;
    reader_init(&r, ctx, text, len, source, 0, error);
    r.many = true;
    *docs = NULL;
    *count = 0;
    ac_status st = parse(&r);
    if (st == AC_OK) {
        *docs = r.docs;
        *count = r.doc_count;
        r.docs = NULL;
        r.doc_count = 0;
    }
    reader_release(&r);
    return st;
}
