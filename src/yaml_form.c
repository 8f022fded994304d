/*
 * The yaml form: one YAML mapping per agent, the same keys as the json
 * form, the instructions under the top-level key "instructions". A
 * collection is a sequence of such mappings, or a stream of several
 * documents each one (yaml_read_many); it is written as a sequence.
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

/* Make a document of the mapping `root` (stolen): its "instructions" go
 * to the document, the rest are the fields. */
static ac_status doc_of_map(ac_value *root, const char *source, ac_doc **out,
                            ac_error *error)
{
    *out = NULL;
    ac_doc *doc = ac_doc_new();
    if (!doc) {
        ac_value_free(root);
        return acp_error_set(error, AC_ERR_NOMEM, source, 0, 0, -1,
                             "out of memory");
    }
    ac_status st = take_instructions(root, doc, source, error);
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

/* Check the text, drop a BOM and parse every document of the stream. */
static ac_status parse_stream(ac_context *ctx, const char *data, size_t len,
                              const char *source, acp_yaml_document **docs,
                              size_t *count, ac_error *error)
{
    *docs = NULL;
    *count = 0;
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
    return acp_yaml_parse_stream(ctx, data, len, source, docs, count, error);
}

/* True when `v` is a list of mappings: a collection of agents. */
static bool list_of_maps(const ac_value *v)
{
    if (v->type != AC_LIST)
        return false;
    for (size_t i = 0; i < v->u.list.len; i++)
        if (v->u.list.items[i]->type != AC_MAP)
            return false;
    return true;
}

static bool all_maps(const acp_yaml_document *docs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (docs[i].root->type != AC_MAP)
            return false;
    return true;
}

/* The reader of one agent: a stream of one document, a mapping. */
static ac_status yaml_read(ac_context *ctx, const ac_format *format,
                           const char *data, size_t len, const char *source,
                           ac_doc **out, ac_error *error)
{
    acp_yaml_document *docs;
    size_t count;
    (void)format;
    *out = NULL;
    ac_status st = parse_stream(ctx, data, len, source, &docs, &count, error);
    if (st != AC_OK)
        return st;
    if (count == 0)
        return acp_error_set(error, AC_ERR_STRUCTURE, source, 1, 1, 0,
                             "expected a YAML mapping, found nothing");
    ac_value *root = docs[0].root;
    st = AC_ERR_STRUCTURE;
    if (count > 1 && all_maps(docs, count))
        acp_error_set(error, st, source, docs[1].line, docs[1].column, -1,
                      "expected one YAML document, found %zu (a collection "
                      "of %zu agents: " ACP_COLLECTION_HINT ")",
                      count, count);
    else if (count > 1)
        acp_error_set(error, st, source, docs[1].line, docs[1].column, -1,
                      "more than one YAML document");
    else if (root->type == AC_LIST && root->u.list.len == 0)
        acp_error_set(error, st, source, root->line, root->column, -1,
                      "expected a YAML mapping, found an empty list (a "
                      "collection of no agents)");
    else if (list_of_maps(root))
        acp_error_set(error, st, source, root->line, root->column, -1,
                      "expected a YAML mapping, found a list of %zu agent%s "
                      "(a collection: " ACP_COLLECTION_HINT ")",
                      root->u.list.len, root->u.list.len == 1 ? "" : "s");
    else if (root->type != AC_MAP)
        acp_error_set(error, st, source, root->line, root->column, -1,
                      "expected a YAML mapping, found %s",
                      acp_type_phrase(root->type));
    else {
        docs[0].root = NULL;
        st = doc_of_map(root, source, out, error);
    }
    acp_yaml_documents_free(docs, count);
    return st;
}

/*
 * The reader of a file that may hold several agents: a sequence of
 * mappings (one document) or a stream of several documents, each a
 * mapping, is a collection; a stream of one document that is a mapping is
 * one agent. On failure the documents made so far stay in `*docs` for the
 * caller to release.
 */
static ac_status yaml_read_many(ac_context *ctx, const ac_format *format,
                                const char *data, size_t len,
                                const char *source, ac_doc ***docs,
                                size_t *count, bool *is_collection,
                                ac_error *error)
{
    acp_yaml_document *ydocs;
    size_t ycount;
    (void)format;
    *docs = NULL;
    *count = 0;
    *is_collection = false;
    ac_status st = parse_stream(ctx, data, len, source, &ydocs, &ycount, error);
    if (st != AC_OK)
        return st;
    ac_value *root = ycount > 0 ? ydocs[0].root : NULL;
    /* The agents' mappings, in order, and how many. */
    ac_value **maps = NULL;
    size_t n = 0;
    if (ycount == 0) {
        st = acp_error_set(error, AC_ERR_STRUCTURE, source, 1, 1, 0,
                           "expected a YAML mapping or a sequence of "
                           "mappings, found nothing");
    } else if (ycount == 1 && root->type == AC_MAP) {
        maps = &ydocs[0].root;
        n = 1;
    } else if (ycount == 1 && root->type == AC_LIST) {
        *is_collection = true;
        maps = root->u.list.items;
        n = root->u.list.len;
        for (size_t i = 0; i < n && st == AC_OK; i++)
            if (maps[i]->type != AC_MAP)
                st = acp_error_set(error, AC_ERR_STRUCTURE, source,
                                   maps[i]->line, maps[i]->column, -1,
                                   "item %zu of the collection must be an "
                                   "agent mapping, found %s",
                                   i + 1, acp_type_phrase(maps[i]->type));
    } else if (ycount == 1) {
        st = acp_error_set(error, AC_ERR_STRUCTURE, source, root->line,
                           root->column, -1,
                           "expected a YAML mapping or a sequence of "
                           "mappings, found %s",
                           acp_type_phrase(root->type));
    } else {
        *is_collection = true;
        for (size_t i = 0; i < ycount && st == AC_OK; i++)
            if (ydocs[i].root->type != AC_MAP)
                st = acp_error_set(error, AC_ERR_STRUCTURE, source,
                                   ydocs[i].line, ydocs[i].column, -1,
                                   "document %zu of the stream must be an "
                                   "agent mapping, found %s",
                                   i + 1, acp_type_phrase(ydocs[i].root->type));
        n = ycount;
    }
    if (st == AC_OK && n > 0) {
        *docs = calloc(n, sizeof **docs);
        if (!*docs)
            st = acp_error_set(error, AC_ERR_NOMEM, source, 0, 0, -1,
                               "out of memory");
        else
            *count = n;
    }
    /* Each mapping moves into its document (the slot it leaves is NULL). */
    for (size_t i = 0; i < n && st == AC_OK; i++) {
        ac_value **slot = ycount > 1 ? &ydocs[i].root : &maps[i];
        ac_value *map = *slot;
        *slot = NULL;
        st = doc_of_map(map, source, &(*docs)[i], error);
    }
    acp_yaml_documents_free(ydocs, ycount);
    return st;
}

/* What the writers check before emitting an agent. */
static ac_status check_agent(const ac_doc *doc, ac_error *error)
{
    if (acp_map_find(doc->fields, "instructions", 12) >= 0)
        return acp_error_set(error, AC_ERR_STRUCTURE, "agentconv", 0, 0, -1,
                             "the fields hold an \"instructions\" key, which "
                             "the model reserves for the instructions");
    return acp_check_string(doc->instructions, doc->instructions_len,
                            "the instructions", error);
}

static ac_status yaml_write(ac_context *ctx, const ac_format *format,
                            const ac_doc *doc, ac_buf *out, ac_error *error)
{
    (void)format;
    ac_status st = check_agent(doc, error);
    if (st != AC_OK)
        return st;
    return acp_yaml_emit_map(ctx, doc->fields, doc->instructions,
                             doc->instructions_len, out, error);
}

/* A collection: a block sequence of the agents' mappings. */
static ac_status yaml_write_many(ac_context *ctx, const ac_format *format,
                                 ac_doc *const *docs, size_t count, ac_buf *out,
                                 ac_error *error)
{
    (void)format;
    for (size_t i = 0; i < count; i++) {
        if (!docs[i])
            return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                                 "agent %zu of the collection is NULL", i + 1);
        ac_status st = check_agent(docs[i], error);
        if (st != AC_OK) {
            acp_error_in_agent(error, i, docs[i]);
            return st;
        }
    }
    return acp_yaml_emit_agents(ctx, docs, count, out, error);
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
    if (looks_like_key_line(p, end))
        return 40;
    /* "- key: value": the first agent of a collection. */
    if (end - p >= 2 && p[0] == '-' && (p[1] == ' ' || p[1] == '\t')) {
        p++;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (looks_like_key_line(p, end))
            return 40;
    }
    return 0;
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
    .read_many = yaml_read_many,
    .write_many = yaml_write_many,
    .user = NULL,
};
