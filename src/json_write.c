/*
 * The json form's writer: the project's own, small and deterministic (no
 * jansson here: jansson 2.14 writes 0.1 as 0.10000000000000001).
 *
 * The output is the shape of Python's json.dumps(obj, indent=2,
 * ensure_ascii=False) plus a final newline: one object (a collection: an
 * array of them, "[]" for none), keys in model order, "instructions" last
 * (left out when empty), two spaces per level, "key": value, empty
 * containers as [] and {}. Strings escape '"', '\\', the short escapes
 * \b \f \n \r \t and other control characters as \u00xx; everything else,
 * DEL and all non-ASCII included, is written as the UTF-8 it is. Integers are
 * written in decimal, numbers in their shortest exact form with a '.' or an
 * exponent (acp_format_number).
 *
 * SPDX-License-Identifier: MIT
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "json_internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct json_writer {
    ac_context *ctx;
    ac_buf *out;
    ac_error *error;
    uint64_t max_depth;
    size_t level_base; /* indent levels that are not nesting (1 in a
                          collection: the array) */
} json_writer;

static ac_status fail_nomem(json_writer *w)
{
    return acp_error_set(w->error, AC_ERR_NOMEM, "agentconv", 0, 0, -1,
                         "out of memory");
}

/* Model text the readers would refuse is not written (write_path.c). */
static ac_status check_text(json_writer *w, const char *s, size_t len,
                            const acp_path_step *step, acp_text_kind kind)
{
    return acp_check_text_at(s, len, step, kind, w->error);
}

static bool byte_needs_escape(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

/* The bytes of `w` that need an escape in a JSON string (a control
 * character, below 0x20, '"' or '\\') marked by their high bit, with the
 * usual bit tricks: a byte below 0x20 borrows when 0x20 is taken from it;
 * a byte equal to '"' or '\\' is zero after the XOR, and a zero byte
 * borrows when 1 is taken from it. A byte of 0x80 or more is never marked
 * (its high bit is masked out), and a byte is only marked wrongly above
 * one marked rightly (by the borrow), so the lowest mark is exact. */
static uint64_t escape_marks(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    uint64_t control = (w - ones * 0x20) & ~w;
    uint64_t q = (quote - ones) & ~quote;
    uint64_t b = (backslash - ones) & ~backslash;
    return (control | q | b) & highs;
}

/* The first byte at or after `i` that needs an escape, or `len`: eight
 * bytes at a time where the byte order lets the lowest mark give the
 * place (little-endian, with a count of trailing zeros), else a byte at a
 * time. */
static size_t next_escape(const char *s, size_t i, size_t len)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                            \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (len - i >= 8) {
        uint64_t w;
        memcpy(&w, s + i, sizeof w);
        uint64_t marks = escape_marks(w);
        if (marks)
            return i + (size_t)(__builtin_ctzll(marks) >> 3);
        i += 8;
    }
#endif
    while (i < len && !byte_needs_escape((unsigned char)s[i]))
        i++;
    return i;
}

/* The escape of byte `c` (one that needs one) at `d`; returns its length,
 * 2 or 6. */
static size_t put_escape(unsigned char c, char *d)
{
    static const char hex[] = "0123456789abcdef";
    char second;
    switch (c) {
    case '"':
        second = '"';
        break;
    case '\\':
        second = '\\';
        break;
    case '\b':
        second = 'b';
        break;
    case '\f':
        second = 'f';
        break;
    case '\n':
        second = 'n';
        break;
    case '\r':
        second = 'r';
        break;
    case '\t':
        second = 't';
        break;
    default:
        /* six bytes, no NUL: the buffer is not a string */
        // NOLINTNEXTLINE(bugprone-not-null-terminated-result)
        memcpy(d, "\\u00", 4);
        d[4] = hex[c >> 4];
        d[5] = hex[c & 0x0f];
        return 6;
    }
    d[0] = '\\';
    d[1] = second;
    return 2;
}

/* Room at `*d` (a place in `out`'s bytes) for `need` more bytes: grows the
 * buffer when needed, moving `*d` with it. */
static ac_status room_at(ac_buf *out, char **d, size_t need)
{
    if ((size_t)(out->data + out->cap - *d) >= need)
        return AC_OK;
    out->len = (size_t)(*d - out->data);
    if (acp_buf_reserve(out, need) != AC_OK)
        return AC_ERR_NOMEM;
    *d = out->data + out->len;
    return AC_OK;
}

/* How many bytes past the end of a string put_string may write and then
 * overwrite (a whole block of sixteen is stored before it is looked at). */
enum { SLACK = 16 };

/* Append a JSON string. Room is made first for the quotes, the bytes as
 * they are and a little slack; each escape makes room for its few extra
 * bytes. With SSE2 (every x86-64 has it) the bytes go sixteen at a time:
 * a block is stored as it is, then looked at; when it holds a byte to
 * escape, the output goes on from that byte, so the stored bytes after it
 * are overwritten. A byte is a control character when the unsigned
 * maximum of it and 0x1f is 0x1f. The rest, and every byte without SSE2,
 * goes in runs found by next_escape. */
static ac_status put_string(ac_buf *out, const char *s, size_t len)
{
    if (len > SIZE_MAX / 2 || acp_buf_reserve(out, len + 2 + SLACK) != AC_OK)
        return AC_ERR_NOMEM;
    char *d = out->data + out->len;
    *d++ = '"';
    size_t i = 0;
    /* Invariant: room at d for the len - i bytes left, the closing quote,
     * the NUL and SLACK. */
#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i last_control = _mm_set1_epi8(0x1f);
    while (len - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        _mm_storeu_si128((__m128i *)(void *)d, v);
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, quote),
                         _mm_cmpeq_epi8(v, backslash)),
            _mm_cmpeq_epi8(_mm_max_epu8(v, last_control), last_control));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (!mask) {
            i += 16;
            d += 16;
            continue;
        }
        size_t k = (size_t)__builtin_ctz(mask);
        i += k;
        d += k;
        if (room_at(out, &d, 6 + (len - i - 1) + 2 + SLACK) != AC_OK)
            return AC_ERR_NOMEM;
        d += put_escape((unsigned char)s[i], d);
        i++;
    }
#endif
    while (i < len) {
        size_t end = next_escape(s, i, len);
        memcpy(d, s + i, end - i);
        d += end - i;
        i = end;
        if (i >= len)
            break;
        if (room_at(out, &d, 6 + (len - i - 1) + 2 + SLACK) != AC_OK)
            return AC_ERR_NOMEM;
        d += put_escape((unsigned char)s[i], d);
        i++;
    }
    *d++ = '"';
    out->len = (size_t)(d - out->data);
    *d = '\0';
    return AC_OK;
}

/* Two spaces per level. */
static ac_status put_indent(ac_buf *out, size_t level)
{
    static const char spaces[] = "                                ";
    size_t n = level * 2;
    ac_status st = AC_OK;
    while (n > 0 && st == AC_OK) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        st = ac_buf_append(out, spaces, k);
        n -= k;
    }
    return st;
}

static ac_status write_value(json_writer *w, const ac_value *v, size_t level,
                             const acp_path_step *step);

/* "key": value, for an entry of a map whose entries are at `level`. */
static ac_status write_entry(json_writer *w, const acp_entry *e, size_t level,
                             const acp_path_step *step)
{
    ac_status st =
        check_text(w, e->key, e->key_len, step->parent, ACP_TEXT_KEY);
    if (st != AC_OK)
        return st;
    st = put_indent(w->out, level);
    if (st == AC_OK)
        st = put_string(w->out, e->key, e->key_len);
    if (st == AC_OK)
        st = ac_buf_append(w->out, ": ", 2);
    if (st != AC_OK)
        return fail_nomem(w);
    return write_value(w, e->value, level, step);
}

/* A list or a map held by a container at `level`: its items go one level
 * deeper, the closing bracket at `level`. */
static ac_status write_container(json_writer *w, const ac_value *v,
                                 size_t level, const acp_path_step *step)
{
    bool is_map = v->type == AC_MAP;
    size_t n = is_map ? v->u.map.len : v->u.list.len;
    ac_status st;
    if (level + 1 - w->level_base > w->max_depth) {
        char path[160];
        acp_path_text(step, path, sizeof path);
        return acp_error_set(w->error, AC_ERR_LIMIT, "agentconv", 0, 0, -1,
                             "nesting deeper than the %s limit (%llu) at %s",
                             ac_limit_name(AC_LIMIT_DEPTH),
                             (unsigned long long)w->max_depth, path);
    }
    if (n == 0) {
        st = ac_buf_append(w->out, is_map ? "{}" : "[]", 2);
        return st == AC_OK ? AC_OK : fail_nomem(w);
    }
    if (ac_buf_append(w->out, is_map ? "{\n" : "[\n", 2) != AC_OK)
        return fail_nomem(w);
    for (size_t i = 0; i < n; i++) {
        acp_path_step child = {step, NULL, 0, i};
        if (is_map) {
            const acp_entry *e = &v->u.map.entries[i];
            child.key = e->key;
            child.key_len = e->key_len;
            st = write_entry(w, e, level + 1, &child);
        } else {
            st = put_indent(w->out, level + 1);
            if (st != AC_OK)
                return fail_nomem(w);
            st = write_value(w, v->u.list.items[i], level + 1, &child);
        }
        if (st != AC_OK)
            return st;
        if (ac_buf_append(w->out, i + 1 < n ? ",\n" : "\n",
                          i + 1 < n ? 2 : 1) != AC_OK)
            return fail_nomem(w);
    }
    st = put_indent(w->out, level);
    if (st == AC_OK)
        st = ac_buf_append(w->out, is_map ? "}" : "]", 1);
    return st == AC_OK ? AC_OK : fail_nomem(w);
}

/* Write `v`, held by a container at `level` (the top object is level 1),
 * at the current place of the output (the indent is written already). */
static ac_status write_value(json_writer *w, const ac_value *v, size_t level,
                             const acp_path_step *step)
{
    char num[32];
    ac_status st = AC_OK;
    switch (v->type) {
    case AC_NULL:
        st = ac_buf_append(w->out, "null", 4);
        break;
    case AC_BOOL:
        st = v->u.b ? ac_buf_append(w->out, "true", 4)
                    : ac_buf_append(w->out, "false", 5);
        break;
    case AC_INTEGER: {
        int n = snprintf(num, sizeof num, "%" PRId64, v->u.i);
        st = ac_buf_append(w->out, num, (size_t)n);
        break;
    }
    case AC_NUMBER: {
        if (!(v->u.d - v->u.d == 0.0)) {
            char path[160];
            acp_path_text(step, path, sizeof path);
            return acp_error_set(w->error, AC_ERR_ARGUMENT, "agentconv", 0, 0,
                                 -1, "not a finite number at %s", path);
        }
        int n = acp_format_number(w->ctx, v->u.d, num);
        st = ac_buf_append(w->out, num, (size_t)n);
        break;
    }
    case AC_STRING:
        st = check_text(w, v->u.str.s, v->u.str.len, step, ACP_TEXT_STRING);
        if (st != AC_OK)
            return st;
        st = put_string(w->out, v->u.str.s, v->u.str.len);
        break;
    case AC_LIST:
    case AC_MAP:
        return write_container(w, v, level, step);
    }
    return st == AC_OK ? AC_OK : fail_nomem(w);
}

/* One agent as an object whose closing brace is at `level` (0 for a file of
 * one agent, 1 in a collection), its entries one level deeper; the caller
 * writes the indent before it and what follows it. */
static ac_status write_agent(json_writer *w, const ac_doc *doc, size_t level)
{
    const ac_value *fields = doc->fields;
    size_t n = fields->u.map.len;
    bool has_instructions = doc->instructions_len > 0;
    ac_status st;

    if (acp_map_find(fields, "instructions", 12) >= 0)
        return acp_error_set(w->error, AC_ERR_STRUCTURE, "agentconv", 0, 0, -1,
                             "the fields hold the key \"instructions\", which "
                             "is reserved for the instructions text");
    if (n == 0 && !has_instructions)
        return ac_buf_append(w->out, "{}", 2) == AC_OK ? AC_OK : fail_nomem(w);
    if (ac_buf_append(w->out, "{\n", 2) != AC_OK)
        return fail_nomem(w);
    for (size_t i = 0; i < n; i++) {
        const acp_entry *e = &fields->u.map.entries[i];
        acp_path_step step = {NULL, e->key, e->key_len, 0};
        st = write_entry(w, e, level + 1, &step);
        if (st != AC_OK)
            return st;
        bool more = i + 1 < n || has_instructions;
        if (ac_buf_append(w->out, more ? ",\n" : "\n", more ? 2 : 1) != AC_OK)
            return fail_nomem(w);
    }
    if (has_instructions) {
        st = check_text(w, doc->instructions, doc->instructions_len, NULL,
                        ACP_TEXT_INSTRUCTIONS);
        if (st != AC_OK)
            return st;
        st = put_indent(w->out, level + 1);
        if (st == AC_OK)
            st = ac_buf_append(w->out, "\"instructions\": ", 16);
        if (st == AC_OK)
            st = put_string(w->out, doc->instructions, doc->instructions_len);
        if (st == AC_OK)
            st = ac_buf_append(w->out, "\n", 1);
        if (st != AC_OK)
            return fail_nomem(w);
    }
    st = put_indent(w->out, level);
    if (st == AC_OK)
        st = ac_buf_append(w->out, "}", 1);
    return st == AC_OK ? AC_OK : fail_nomem(w);
}

ac_status acp_json_write(ac_context *ctx, const ac_format *format,
                         const ac_doc *doc, ac_buf *out, ac_error *error)
{
    json_writer w = {ctx, out, error, ctx->limits[AC_LIMIT_DEPTH], 0};
    (void)format;
    /* Most of an agent is its instructions: room for them (and a few
     * fields) at once saves growing the buffer step by step. */
    if (acp_buf_reserve(out, doc->instructions_len + 1024) != AC_OK)
        return fail_nomem(&w);
    ac_status st = write_agent(&w, doc, 0);
    if (st == AC_OK && ac_buf_append(out, "\n", 1) != AC_OK)
        st = fail_nomem(&w);
    return st;
}

ac_status acp_json_write_many(ac_context *ctx, const ac_format *format,
                              ac_doc *const *docs, size_t count, ac_buf *out,
                              ac_error *error)
{
    json_writer w = {ctx, out, error, ctx->limits[AC_LIMIT_DEPTH], 1};
    (void)format;
    if (count == 0)
        return ac_buf_append(out, "[]\n", 3) == AC_OK ? AC_OK : fail_nomem(&w);
    if (ac_buf_append(out, "[\n", 2) != AC_OK)
        return fail_nomem(&w);
    for (size_t i = 0; i < count; i++) {
        if (!docs[i])
            return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                                 "agent %zu of the collection is NULL", i + 1);
        ac_status st = put_indent(out, 1);
        if (st != AC_OK)
            return fail_nomem(&w);
        st = write_agent(&w, docs[i], 1);
        if (st != AC_OK) {
            acp_error_in_agent(error, i, docs[i]);
            return st;
        }
        bool more = i + 1 < count;
        if (ac_buf_append(out, more ? ",\n" : "\n", more ? 2 : 1) != AC_OK)
            return fail_nomem(&w);
    }
    return ac_buf_append(out, "]\n", 2) == AC_OK ? AC_OK : fail_nomem(&w);
}
