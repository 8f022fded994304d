/*
 * The model into libyaml's emitter, in the canonical style of FORMATS.md:
 * block lists and maps, plain scalars where they read back as the same
 * string in YAML 1.1 and 1.2, double-quoted otherwise (line breaks as \n
 * escapes), UTF-8 as UTF-8, no line folding. The yaml form writes
 * multi-line values (the instructions above all) as literal block scalars
 * where libyaml allows one (literal_ok); md front matter never does (the
 * naive front-matter parsers of several tools cannot read them). libyaml
 * itself does not look at the locale; numbers are formatted by
 * acp_format_number. A collection (acp_yaml_emit_agents) is one document
 * holding a block sequence of the agents' mappings, each written as a
 * file of one agent is.
 *
 * SPDX-License-Identifier: MIT
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "yaml_internal.h"

typedef struct writer {
    ac_context *ctx;
    yaml_emitter_t emitter;
    ac_buf *out;
    ac_error *error;
    bool out_failed;
    bool literal_blocks; /* multi-line values as literal blocks (yaml) */
    bool ready;          /* the emitter is initialized */
} writer;

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
    writer *w = data;
    if (ac_buf_append(w->out, buffer, size) != AC_OK) {
        w->out_failed = true;
        return 0;
    }
    return 1;
}

static ac_status emit(writer *w, yaml_event_t *ev)
{
    if (yaml_emitter_emit(&w->emitter, ev))
        return AC_OK;
    /* The emitter has freed the event. */
    if (w->out_failed || w->emitter.error == YAML_MEMORY_ERROR)
        return acp_error_set(w->error, AC_ERR_NOMEM, "agentconv", 0, 0, -1,
                             "out of memory");
    return acp_error_set(w->error, AC_ERR_STRUCTURE, "agentconv", 0, 0, -1,
                         "cannot write YAML: %s",
                         w->emitter.problem ? w->emitter.problem : "unknown");
}

static ac_status nomem(writer *w)
{
    return acp_error_set(w->error, AC_ERR_NOMEM, "agentconv", 0, 0, -1,
                         "out of memory");
}

static ac_status emit_scalar(writer *w, const char *s, size_t n,
                             yaml_scalar_style_t style, bool is_string)
{
    yaml_event_t ev;
    /* A plain string is implicit as plain; a quoted one as quoted. A typed
     * scalar (number, boolean, null) is implicit only as plain. */
    int plain_implicit = style == YAML_PLAIN_SCALAR_STYLE;
    int quoted_implicit = is_string;
    /* libyaml copies the value; its prototype just lacks the const. */
    yaml_char_t *value;
    memcpy(&value, &s, sizeof value);
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, value, (int)n,
                                      plain_implicit, quoted_implicit, style))
        return nomem(w);
    return emit(w, &ev);
}

/*
 * True when the text is written as a literal block scalar: it has a line
 * break, and libyaml's emitter accepts it as a block scalar and writes it
 * so that it reads back the same. libyaml refuses (and silently writes
 * double-quoted) text with a character it does not take for printable
 * (controls, tab and CR included; C1 controls; the BOM; U+FFFE and U+FFFF;
 * everything beyond U+FFFF) or a space before a line break or at the end.
 * LS and PS (U+2028, U+2029) are line breaks to a YAML reader, which would
 * not give them back as they were written: they are refused too.
 *
 * A first line starting with a space gets an indentation indicator ("|2"),
 * which libyaml writes and reads back; final line breaks choose the
 * chomping indicator ("|-" none, "|" one, "|+" more). The input is valid
 * UTF-8 (checked before).
 */
static bool literal_ok(const char *s, size_t n)
{
    if (!memchr(s, '\n', n))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned char c1 = i + 1 < n ? (unsigned char)s[i + 1] : 0;
        unsigned char c2 = i + 2 < n ? (unsigned char)s[i + 2] : 0;
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            return false;
        if (c == ' ' && (i + 1 == n || c1 == '\n'))
            return false;
        if (c == 0xc2 && c1 < 0xa0)
            return false; /* C1 controls, NEL among them */
        if (c == 0xe2 && c1 == 0x80 && (c2 == 0xa8 || c2 == 0xa9))
            return false; /* LS, PS */
        if (c == 0xef && ((c1 == 0xbb && c2 == 0xbf) ||
                          (c1 == 0xbf && (c2 == 0xbe || c2 == 0xbf))))
            return false; /* BOM, U+FFFE, U+FFFF */
        if (c >= 0xf0)
            return false; /* beyond U+FFFF: not printable to libyaml */
    }
    return true;
}

static ac_status emit_string(writer *w, const char *s, size_t n, bool key)
{
    if (n > INT32_MAX)
        return acp_error_set(w->error, AC_ERR_LIMIT, "agentconv", 0, 0, -1,
                             "string too long for the YAML emitter");
    /* What the readers refuse, the writers do not write. */
    ac_status st = acp_check_string(s, n, key ? "a key" : "a string", w->error);
    if (st != AC_OK)
        return st;
    yaml_scalar_style_t style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    if (acp_yaml_plain_ok(s, n))
        style = YAML_PLAIN_SCALAR_STYLE;
    else if (w->literal_blocks && !key && literal_ok(s, n))
        style = YAML_LITERAL_SCALAR_STYLE;
    return emit_scalar(w, s, n, style, true);
}

static ac_status emit_value(writer *w, const ac_value *v, uint64_t depth);

static ac_status emit_map_entries(writer *w, const ac_value *map,
                                  uint64_t depth)
{
    for (size_t i = 0; i < map->u.map.len; i++) {
        const acp_entry *e = &map->u.map.entries[i];
        ac_status st = emit_string(w, e->key, e->key_len, true);
        if (st == AC_OK)
            st = emit_value(w, e->value, depth);
        if (st != AC_OK)
            return st;
    }
    return AC_OK;
}

static ac_status emit_value(writer *w, const ac_value *v, uint64_t depth)
{
    char num[40];
    yaml_event_t ev;
    switch (v->type) {
    case AC_NULL:
        return emit_scalar(w, "null", 4, YAML_PLAIN_SCALAR_STYLE, false);
    case AC_BOOL:
        return v->u.b
                   ? emit_scalar(w, "true", 4, YAML_PLAIN_SCALAR_STYLE, false)
                   : emit_scalar(w, "false", 5, YAML_PLAIN_SCALAR_STYLE, false);
    case AC_INTEGER: {
        int n = snprintf(num, sizeof num, "%" PRId64, v->u.i);
        return emit_scalar(w, num, (size_t)n, YAML_PLAIN_SCALAR_STYLE, false);
    }
    case AC_NUMBER: {
        int n = acp_format_number(w->ctx, v->u.d, num);
        return emit_scalar(w, num, (size_t)n, YAML_PLAIN_SCALAR_STYLE, false);
    }
    case AC_STRING:
        return emit_string(w, v->u.str.s, v->u.str.len, false);
    case AC_LIST:
    case AC_MAP:
        break;
    }
    if (depth + 1 > w->ctx->limits[AC_LIMIT_DEPTH])
        return acp_error_set(
            w->error, AC_ERR_LIMIT, "agentconv", v->line, v->column, -1,
            "nesting deeper than the depth limit (%llu)",
            (unsigned long long)w->ctx->limits[AC_LIMIT_DEPTH]);
    ac_status st;
    if (v->type == AC_LIST) {
        if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                                  YAML_BLOCK_SEQUENCE_STYLE))
            return nomem(w);
        st = emit(w, &ev);
        for (size_t i = 0; st == AC_OK && i < v->u.list.len; i++)
            st = emit_value(w, v->u.list.items[i], depth + 1);
        if (st != AC_OK)
            return st;
        yaml_sequence_end_event_initialize(&ev);
        return emit(w, &ev);
    }
    if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                             YAML_BLOCK_MAPPING_STYLE))
        return nomem(w);
    st = emit(w, &ev);
    if (st == AC_OK)
        st = emit_map_entries(w, v, depth + 1);
    if (st != AC_OK)
        return st;
    yaml_mapping_end_event_initialize(&ev);
    return emit(w, &ev);
}

/* Set up the emitter and start the stream and its one document. */
static ac_status begin(writer *w, ac_context *ctx, ac_buf *out, ac_error *error,
                       bool literal_blocks)
{
    memset(w, 0, sizeof *w);
    w->ctx = ctx;
    w->out = out;
    w->error = error;
    w->literal_blocks = literal_blocks;
    if (!yaml_emitter_initialize(&w->emitter))
        return nomem(w);
    w->ready = true;
    yaml_emitter_set_output(&w->emitter, write_handler, w);
    yaml_emitter_set_unicode(&w->emitter, 1);
    yaml_emitter_set_width(&w->emitter, -1);
    yaml_emitter_set_indent(&w->emitter, 2);
    yaml_emitter_set_break(&w->emitter, YAML_LN_BREAK);

    yaml_event_t ev;
    if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING))
        return nomem(w);
    ac_status st = emit(w, &ev);
    if (st == AC_OK &&
        !yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1))
        st = nomem(w);
    if (st == AC_OK)
        st = emit(w, &ev);
    return st;
}

/* End the document and the stream. */
static ac_status finish(writer *w)
{
    yaml_event_t ev;
    yaml_document_end_event_initialize(&ev, 1);
    ac_status st = emit(w, &ev);
    if (st == AC_OK) {
        yaml_stream_end_event_initialize(&ev);
        st = emit(w, &ev);
    }
    return st;
}

/* One agent's block mapping: the fields, then the instructions (the yaml
 * form; NULL for md front matter). */
static ac_status emit_agent(writer *w, const ac_value *map,
                            const char *instructions, size_t instructions_len)
{
    yaml_event_t ev;
    if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                             YAML_BLOCK_MAPPING_STYLE))
        return nomem(w);
    ac_status st = emit(w, &ev);
    if (st == AC_OK)
        st = emit_map_entries(w, map, 1);
    if (st == AC_OK && instructions && instructions_len > 0) {
        st = emit_string(w, "instructions", 12, true);
        if (st == AC_OK)
            st = emit_string(w, instructions, instructions_len, false);
    }
    if (st == AC_OK) {
        yaml_mapping_end_event_initialize(&ev);
        st = emit(w, &ev);
    }
    return st;
}

ac_status acp_yaml_emit_map(ac_context *ctx, const ac_value *map,
                            const char *instructions, size_t instructions_len,
                            ac_buf *out, ac_error *error)
{
    writer w;
    ac_status st = begin(&w, ctx, out, error, instructions != NULL);
    if (st == AC_OK)
        st = emit_agent(&w, map, instructions, instructions_len);
    if (st == AC_OK)
        st = finish(&w);
    if (w.ready)
        yaml_emitter_delete(&w.emitter);
    return st;
}

ac_status acp_yaml_emit_agents(ac_context *ctx, ac_doc *const *docs,
                               size_t count, ac_buf *out, ac_error *error)
{
    writer w;
    yaml_event_t ev;
    ac_status st = begin(&w, ctx, out, error, true);
    if (st == AC_OK && !yaml_sequence_start_event_initialize(
                           &ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE))
        st = nomem(&w);
    if (st == AC_OK)
        st = emit(&w, &ev);
    for (size_t i = 0; i < count && st == AC_OK; i++) {
        st = emit_agent(&w, docs[i]->fields, docs[i]->instructions,
                        docs[i]->instructions_len);
        if (st != AC_OK)
            acp_error_in_agent(error, i, docs[i]);
    }
    if (st == AC_OK) {
        yaml_sequence_end_event_initialize(&ev);
        st = emit(&w, &ev);
    }
    if (st == AC_OK)
        st = finish(&w);
    if (w.ready)
        yaml_emitter_delete(&w.emitter);
    return st;
}
