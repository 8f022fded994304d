/*
 * The json form: its descriptor and its reader.
 *
 * jansson parses and validates the text; it keeps no positions on values,
 * so a small read-only position index walks the same (already validated)
 * text in step with jansson's tree and gives every node its line and
 * column. The index is not a parser: it only skips strings, numbers and
 * literals and follows the brackets. The same index, run over the valid
 * prefix that jansson read before an error, finds what jansson cannot name:
 * the first occurrence of a duplicate key and the first container nested
 * deeper than the depth limit.
 *
 * One object at the top is one agent; an array of objects at the top is a
 * collection (json_read_many), whose agents keep the whole depth allowance
 * (the array is not counted) and their positions in the file.
 *
 * Positions: lines and columns are 1-based, columns count code points, a
 * CRLF pair or a lone CR ends a line (as acp_line_column counts). A UTF-8
 * BOM before the object is dropped and positions count from after it
 * (`position` in the error still counts the BOM's bytes).
 *
 * SPDX-License-Identifier: MIT
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "json_internal.h"

static const char utf8_bom[] = "\xEF\xBB\xBF";

/* ---- the position index ---- */

typedef struct pos_index {
    const char *s;
    size_t len;
    size_t pos; /* next byte */
    int line;   /* of s[pos], 1-based */
    int column; /* of s[pos], 1-based, in code points */
} pos_index;

/* A place in the text: byte offset (in the text after any BOM), line and
 * column. */
typedef struct json_mark {
    size_t offset;
    int line;
    int column;
} json_mark;

static void index_init(pos_index *ix, const char *s, size_t len)
{
    ix->s = s;
    ix->len = len;
    ix->pos = 0;
    ix->line = 1;
    ix->column = 1;
}

static json_mark index_mark(const pos_index *ix)
{
    json_mark m = {ix->pos, ix->line, ix->column};
    return m;
}

/* Skip JSON whitespace (space, tab, LF, CR), counting line ends as
 * acp_line_column does: CRLF is one line end, a lone CR is one too. */
static void index_skip_space(pos_index *ix)
{
    while (ix->pos < ix->len) {
        char c = ix->s[ix->pos];
        if (c == ' ' || c == '\t') {
            ix->column++;
        } else if (c == '\n') {
            ix->line++;
            ix->column = 1;
        } else if (c == '\r') {
            if (ix->pos + 1 >= ix->len || ix->s[ix->pos + 1] != '\n') {
                ix->line++;
                ix->column = 1;
            }
        } else {
            break;
        }
        ix->pos++;
    }
}

/* Consume the ASCII character `c` if it is next. */
static bool index_take(pos_index *ix, char c)
{
    if (ix->pos >= ix->len || ix->s[ix->pos] != c)
        return false;
    ix->pos++;
    ix->column++;
    return true;
}

/* Skip a string token, quotes included. Valid JSON strings hold no raw
 * line ends or other control characters, so only columns advance: one per
 * byte that starts a UTF-8 sequence. An escape's backslash and the
 * character after it are both ASCII. False when no complete string is
 * there. */
static unsigned hex4(const char *s, size_t avail)
{
    unsigned v = 0;
    for (size_t k = 0; k < 4 && k < avail; k++) {
        char c = s[k];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 0;
        v = v * 16 + d;
    }
    return v;
}

/* Skip a string; `*decoded` (when not NULL) is the number of bytes it
 * decodes to (jansson has checked its escapes already). */
static bool index_skip_string(pos_index *ix, size_t *decoded)
{
    if (!index_take(ix, '"'))
        return false;
    const char *s = ix->s;
    size_t i = ix->pos;
    int column = ix->column;
    size_t bytes = 0, hex_left = 0;
    while (i < ix->len) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"') {
            ix->pos = i + 1;
            ix->column = column + 1;
            if (decoded)
                *decoded = bytes;
            return true;
        }
        if (c == '\\') {
            if (i + 1 < ix->len && s[i + 1] == 'u') {
                unsigned v = hex4(s + i + 2, ix->len - i - 2);
                /* A surrogate pair is 4 bytes, counted at its first half. */
                bytes += v >= 0xDC00 && v <= 0xDFFF   ? 0
                         : v >= 0xD800 && v <= 0xDBFF ? 4
                         : v < 0x80                   ? 1
                         : v < 0x800                  ? 2
                                                      : 3;
                hex_left = 4;
            } else {
                bytes++;
            }
            i += 2;
            column += 2;
            continue;
        }
        if (hex_left > 0)
            hex_left--;
        else
            bytes++;
        if ((c & 0xc0) != 0x80)
            column++;
        i++;
    }
    return false;
}

/* Skip a number or a literal (true, false, null): every byte that can be
 * part of one. False when there is none. */
static bool index_skip_scalar(pos_index *ix)
{
    size_t start = ix->pos;
    while (ix->pos < ix->len) {
        char c = ix->s[ix->pos];
        bool part = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                    (c >= 'A' && c <= 'Z') || c == '-' || c == '+' || c == '.';
        if (!part)
            break;
        ix->pos++;
        ix->column++;
    }
    return ix->pos > start;
}

/* Skip one whole value, containers included, without recursion. */
static bool index_skip_value(pos_index *ix)
{
    size_t depth = 0;
    do {
        index_skip_space(ix);
        if (ix->pos >= ix->len)
            return false;
        char c = ix->s[ix->pos];
        if (c == '"') {
            if (!index_skip_string(ix, NULL))
                return false;
        } else if (c == '{' || c == '[') {
            depth++;
            index_take(ix, c);
        } else if (c == '}' || c == ']' || c == ',' || c == ':') {
            if (depth == 0)
                return false;
            if (c == '}' || c == ']')
                depth--;
            index_take(ix, c);
        } else if (!index_skip_scalar(ix)) {
            return false;
        }
    } while (depth > 0);
    return true;
}

/* What prefix_scan found. */
typedef struct prefix_hit {
    size_t object; /* offset of the '{' whose key was found */
    size_t at;     /* offset of the key found, or of the container */
} prefix_hit;

/*
 * Walk the JSON text s[0..end), which jansson has read without an error,
 * keeping a stack of open containers, until either the object key whose
 * closing quote is at offset `key_close` (SIZE_MAX: look for none) or the
 * first container nested deeper than `max_depth` (0: no such check).
 * Returns 1 when found (`hit` filled), 0 when not, -1 when out of memory.
 */
static int prefix_scan(const char *s, size_t end, size_t key_close,
                       uint64_t max_depth, prefix_hit *hit)
{
    enum { WANT_VALUE, WANT_KEY, AFTER_VALUE } state = WANT_VALUE;
    pos_index ix;
    size_t *stack = NULL, depth = 0, cap = 0;
    int found = 0;
    index_init(&ix, s, end);
    for (;;) {
        index_skip_space(&ix);
        if (ix.pos >= ix.len)
            break;
        char c = s[ix.pos];
        if (state == WANT_VALUE && (c == '{' || c == '[')) {
            if (depth == cap) {
                size_t ncap = cap ? cap * 2 : 64;
                size_t *p = realloc(stack, ncap * sizeof *p);
                if (!p) {
                    found = -1;
                    break;
                }
                stack = p;
                cap = ncap;
            }
            stack[depth++] = ix.pos;
            if (max_depth && depth > max_depth) {
                hit->object = 0;
                hit->at = ix.pos;
                found = 1;
                break;
            }
            index_take(&ix, c);
            index_skip_space(&ix);
            if (index_take(&ix, c == '{' ? '}' : ']')) {
                depth--;
                state = AFTER_VALUE;
            } else {
                state = c == '{' ? WANT_KEY : WANT_VALUE;
            }
        } else if (state == WANT_VALUE) {
            bool ok = c == '"' ? index_skip_string(&ix, NULL)
                               : index_skip_scalar(&ix);
            if (!ok)
                break;
            state = AFTER_VALUE;
        } else if (state == WANT_KEY) {
            size_t at = ix.pos;
            if (!index_skip_string(&ix, NULL))
                break;
            if (ix.pos - 1 == key_close) {
                hit->object = stack[depth - 1];
                hit->at = at;
                found = 1;
                break;
            }
            index_skip_space(&ix);
            if (!index_take(&ix, ':'))
                break;
            state = WANT_VALUE;
        } else {
            if (depth == 0)
                break;
            if (c == ',') {
                state = s[stack[depth - 1]] == '{' ? WANT_KEY : WANT_VALUE;
            } else if (c == '}' || c == ']') {
                depth--;
            } else {
                break;
            }
            index_take(&ix, c);
        }
    }
    free(stack);
    return found;
}

/* ---- the reader ---- */

typedef struct json_reader {
    ac_context *ctx;
    const char *source;
    ac_error *error;
    const char *text; /* the input after any BOM */
    size_t len;
    size_t base; /* bytes before `text` (the BOM) */
    pos_index ix;
    uint64_t depth_bonus; /* 1 when an array (a collection) is the top */
    /* The next read_value reads the top-level "instructions": no
     * string-length limit (the input size bounds them, docs/limits.md). */
    bool instructions_next;
} json_reader;

static ac_status fail(json_reader *r, ac_status status, json_mark m,
                      const char *fmt, ...) ACP_PRINTF(4, 5);

/* Fill the error at a mark of the text. Returns `status`. */
static ac_status fail(json_reader *r, ac_status status, json_mark m,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    acp_error_vset(r->error, status, r->source, m.line, m.column,
                   (long)(r->base + m.offset), fmt, ap);
    va_end(ap);
    return status;
}

static ac_status fail_nomem(json_reader *r)
{
    return acp_error_set(r->error, AC_ERR_NOMEM, r->source, 0, 0, -1,
                         "out of memory");
}

/* jansson 2.14's lexer drops a character of a string or key when it
 * cannot grow its buffer (lex_save ignores the failure), so a string
 * shorter than its source text is a failed allocation, not a success. */
static ac_status fail_lost_bytes(json_reader *r)
{
    return acp_error_set(r->error, AC_ERR_NOMEM, r->source, 0, 0, -1,
                         "out of memory (the JSON parser lost part of a "
                         "string)");
}

/* The index and jansson's tree disagree: cannot happen with a correct
 * index, but is an error, not a crash. */
static ac_status fail_out_of_step(json_reader *r)
{
    return fail(r, AC_ERR_SYNTAX, index_mark(&r->ix),
                "internal error: the JSON position index lost step with "
                "jansson here");
}

static json_mark mark_at(const json_reader *r, size_t offset)
{
    json_mark m;
    m.offset = offset;
    acp_line_column(r->text, r->len, offset, &m.line, &m.column);
    return m;
}

static ac_status fail_depth(json_reader *r, json_mark m)
{
    return fail(r, AC_ERR_LIMIT, m, "nesting deeper than the %s limit (%llu)",
                ac_limit_name(AC_LIMIT_DEPTH),
                (unsigned long long)r->ctx->limits[AC_LIMIT_DEPTH]);
}

/* The same for a JSON value, in JSON's words. */
static const char *json_phrase(const json_t *j)
{
    /* Callers pass a value json_load() made (it fails without one). */
    // NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "an unknown value";
}

static ac_status read_value(json_reader *r, json_t *j, size_t depth,
                            ac_value **out);

/* Read the items of array `j` into `list`, a container at `depth`. */
static ac_status read_array(json_reader *r, json_t *j, ac_value *list,
                            size_t depth)
{
    if (!index_take(&r->ix, '['))
        return fail_out_of_step(r);
    size_t n = json_array_size(j);
    for (size_t i = 0; i < n; i++) {
        ac_value *item;
        ac_status st = read_value(r, json_array_get(j, i), depth, &item);
        if (st != AC_OK)
            return st;
        if (ac_list_append(list, item) != AC_OK)
            return fail_nomem(r);
        index_skip_space(&r->ix);
        index_take(&r->ix, ',');
    }
    index_skip_space(&r->ix);
    if (!index_take(&r->ix, ']'))
        return fail_out_of_step(r);
    return AC_OK;
}

/* The top-level "instructions" entry: check it is a string, normalize it
 * and store it in the document. `v` is stolen. */
static ac_status take_instructions(json_reader *r, ac_value *v, json_mark m,
                                   ac_doc *doc)
{
    ac_status st = AC_OK;
    if (v->type != AC_STRING) {
        st = fail(r, AC_ERR_STRUCTURE, m,
                  "\"instructions\" must be a string, found %s",
                  acp_type_phrase(v->type));
        goto free_value;
    }
    ac_normalize_instructions(v->u.str.s, &v->u.str.len);
    if (ac_doc_set_instructions(doc, v->u.str.s, v->u.str.len) != AC_OK) {
        st = fail_nomem(r);
        goto free_value;
    }
    ac_doc_set_instructions_line(doc, m.line);
free_value:
    ac_value_free(v);
    return st;
}

/*
 * Read the entries of object `j` into `map`, a container at `depth`, in
 * jansson's iteration order, which is insertion (source) order. `doc` is
 * not NULL for the top-level object only: there "instructions" goes to the
 * document instead of the fields.
 */
static ac_status read_object(json_reader *r, json_t *j, ac_value *map,
                             size_t depth, ac_doc *doc)
{
    uint64_t max_keys = r->ctx->limits[AC_LIMIT_KEYS];
    uint64_t max_key_len = r->ctx->limits[AC_LIMIT_KEY_LENGTH];
    uint64_t count = 0;
    if (!index_take(&r->ix, '{'))
        return fail_out_of_step(r);
    for (void *it = json_object_iter(j); it;
         it = json_object_iter_next(j, it)) {
        const char *key = json_object_iter_key(it);
        size_t key_len = json_object_iter_key_len(it);
        index_skip_space(&r->ix);
        json_mark km = index_mark(&r->ix);
        if (count >= max_keys)
            return fail(r, AC_ERR_LIMIT, km,
                        "map with more than %llu keys exceeds the %s limit "
                        "(%llu)",
                        (unsigned long long)max_keys,
                        ac_limit_name(AC_LIMIT_KEYS),
                        (unsigned long long)max_keys);
        if (key_len > max_key_len)
            return fail(r, AC_ERR_LIMIT, km,
                        "key of %zu bytes exceeds the %s limit (%llu bytes)",
                        key_len, ac_limit_name(AC_LIMIT_KEY_LENGTH),
                        (unsigned long long)max_key_len);
        size_t decoded;
        if (!index_skip_string(&r->ix, &decoded))
            return fail_out_of_step(r);
        if (decoded != key_len)
            return fail_lost_bytes(r);
        index_skip_space(&r->ix);
        if (!index_take(&r->ix, ':'))
            return fail_out_of_step(r);
        index_skip_space(&r->ix);
        json_mark vm = index_mark(&r->ix);
        ac_value *v;
        bool instructions =
            doc && key_len == 12 && memcmp(key, "instructions", 12) == 0;
        r->instructions_next = instructions;
        ac_status st = read_value(r, json_object_iter_value(it), depth, &v);
        if (st != AC_OK)
            return st;
        if (instructions)
            st = take_instructions(r, v, vm, doc);
        else if (acp_map_append(map, key, key_len, v) != AC_OK)
            st = fail_nomem(r);
        if (st != AC_OK)
            return st;
        count++;
        index_skip_space(&r->ix);
        index_take(&r->ix, ',');
    }
    index_skip_space(&r->ix);
    if (!index_take(&r->ix, '}'))
        return fail_out_of_step(r);
    return AC_OK;
}

/*
 * Convert jansson value `j`, held by a container at `depth` (the top-level
 * object is at depth 1), into a new model value in `*out`, with the
 * position the index finds for it, and move the index past it.
 */
static ac_status read_value(json_reader *r, json_t *j, size_t depth,
                            ac_value **out)
{
    ac_status st = AC_OK;
    ac_value *v = NULL;
    bool ok = true;
    bool instructions = r->instructions_next;
    r->instructions_next = false;
    *out = NULL;
    index_skip_space(&r->ix);
    json_mark m = index_mark(&r->ix);
    /* A value of jansson's tree, or the root json_load() made. */
    // NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
    switch (json_typeof(j)) {
    case JSON_OBJECT:
    case JSON_ARRAY:
        if (depth + 1 > r->ctx->limits[AC_LIMIT_DEPTH])
            return fail_depth(r, m);
        v = json_is_object(j) ? ac_value_new_map() : ac_value_new_list();
        if (!v)
            return fail_nomem(r);
        ac_value_set_position(v, m.line, m.column);
        st = json_is_object(j) ? read_object(r, j, v, depth + 1, NULL)
                               : read_array(r, j, v, depth + 1);
        if (st != AC_OK)
            goto free_value;
        *out = v;
        return AC_OK;
    case JSON_STRING: {
        size_t n = json_string_length(j);
        uint64_t max = r->ctx->limits[AC_LIMIT_STRING_LENGTH];
        if (n > max && !instructions)
            return fail(r, AC_ERR_LIMIT, m,
                        "string of %zu bytes exceeds the %s limit (%llu "
                        "bytes)",
                        n, ac_limit_name(AC_LIMIT_STRING_LENGTH),
                        (unsigned long long)max);
        size_t decoded;
        ok = index_skip_string(&r->ix, &decoded);
        if (ok && decoded != n)
            return fail_lost_bytes(r);
        v = ac_value_new_string(json_string_value(j), n);
        break;
    }
    case JSON_INTEGER:
        ok = index_skip_scalar(&r->ix);
        v = ac_value_new_integer((int64_t)json_integer_value(j));
        break;
    case JSON_REAL:
        ok = index_skip_scalar(&r->ix);
        v = ac_value_new_number(json_real_value(j));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        ok = index_skip_scalar(&r->ix);
        v = ac_value_new_bool(json_is_true(j));
        break;
    case JSON_NULL:
        ok = index_skip_scalar(&r->ix);
        v = ac_value_new_null();
        break;
    }
    if (!v)
        return fail_nomem(r);
    if (!ok) {
        st = fail_out_of_step(r);
        goto free_value;
    }
    ac_value_set_position(v, m.line, m.column);
    *out = v;
    return AC_OK;
free_value:
    ac_value_free(v);
    return st;
}

/* ---- errors jansson reports ---- */

/* Where to point for a jansson error whose position (bytes read) is `pos`:
 * at (the start of) the last character jansson read, where jansson's own
 * line and column point; at the end of the input after a final line end
 * (jansson says column 0 of the next line there; we say column 1). */
static json_mark jansson_mark(const json_reader *r, size_t pos)
{
    if (pos == 0)
        return mark_at(r, 0);
    if (r->text[pos - 1] == '\n')
        return mark_at(r, pos);
    size_t at = pos - 1;
    while (at > 0 && ((unsigned char)r->text[at] & 0xc0) == 0x80)
        at--; /* the start of a character read whole */
    return mark_at(r, at);
}

/* Offset of the opening quote of the string token whose closing quote is
 * at `close`. Inside a string every '"' is escaped, so the opening quote is
 * the first one before `close` that does not follow a backslash. */
static size_t string_start(const char *s, size_t close)
{
    size_t i = close;
    while (i > 0) {
        i--;
        if (s[i] == '"' && (i == 0 || s[i - 1] != '\\'))
            return i;
    }
    return close;
}

/* Show a token in a message: as written, cut to about 60 bytes at a
 * character boundary. */
static int token_shown(const char *s, size_t len, bool *cut)
{
    size_t n = len;
    *cut = false;
    if (n > 64) {
        n = 60;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
        *cut = true;
    }
    return (int)n;
}

/* jansson reports the duplicate key just after the second occurrence:
 * find both occurrences with the index and name the key and both lines. */
static ac_status fail_duplicate(json_reader *r, size_t pos)
{
    ac_status st;
    prefix_hit hit;
    json_t *dup = NULL;
    int found = pos > 0 ? prefix_scan(r->text, pos, pos - 1, 0, &hit) : 0;
    if (found < 0)
        return fail_nomem(r);
    if (found == 0)
        return fail(r, AC_ERR_SYNTAX, jansson_mark(r, pos), "duplicate key");

    pos_index ix;
    index_init(&ix, r->text, r->len);
    ix.pos = hit.at;
    if (!index_skip_string(&ix, NULL))
        return fail(r, AC_ERR_SYNTAX, mark_at(r, hit.at), "duplicate key");
    size_t dup_len = ix.pos - hit.at;
    dup = json_loadb(r->text + hit.at, dup_len, JSON_DECODE_ANY, NULL);
    if (!dup)
        return fail_nomem(r);

    /* The object's keys before the duplicate, in order. */
    size_t first = hit.at;
    ix.pos = hit.object + 1;
    for (;;) {
        index_skip_space(&ix);
        size_t at = ix.pos;
        if (at >= hit.at || !index_skip_string(&ix, NULL))
            break;
        json_t *key =
            json_loadb(r->text + at, ix.pos - at, JSON_DECODE_ANY, NULL);
        if (!key) {
            st = fail_nomem(r);
            goto free_dup;
        }
        bool same = json_string_length(key) == json_string_length(dup) &&
                    memcmp(json_string_value(key), json_string_value(dup),
                           json_string_length(dup)) == 0;
        json_decref(key);
        if (same) {
            first = at;
            break;
        }
        index_skip_space(&ix);
        if (!index_take(&ix, ':') || !index_skip_value(&ix))
            break;
        index_skip_space(&ix);
        index_take(&ix, ',');
    }

    bool cut;
    int shown = token_shown(r->text + hit.at, dup_len, &cut);
    if (first < hit.at) {
        json_mark fm = mark_at(r, first);
        st = fail(r, AC_ERR_SYNTAX, mark_at(r, hit.at),
                  "duplicate key %.*s%s (first on line %d)", shown,
                  r->text + hit.at, cut ? "...\"" : "", fm.line);
    } else {
        st = fail(r, AC_ERR_SYNTAX, mark_at(r, hit.at), "duplicate key %.*s%s",
                  shown, r->text + hit.at, cut ? "...\"" : "");
    }
free_dup:
    json_decref(dup);
    return st;
}

/* jansson refuses a number it cannot hold: an integer beyond 64 bits or a
 * real beyond a double's range. Point at the number's first character. */
static ac_status fail_range(json_reader *r, size_t pos)
{
    size_t end = pos, start = pos;
    bool real = false;
    while (start > 0) {
        char c = r->text[start - 1];
        if (c == '.' || c == 'e' || c == 'E' || c == '+')
            real = true;
        else if (!(c >= '0' && c <= '9') && c != '-')
            break;
        start--;
    }
    bool cut;
    int shown = token_shown(r->text + start, end - start, &cut);
    if (real)
        return fail(r, AC_ERR_STRUCTURE, mark_at(r, start),
                    "number out of range: %.*s%s is too large for a double",
                    shown, r->text + start, cut ? "..." : "");
    return fail(r, AC_ERR_STRUCTURE, mark_at(r, start),
                "integer out of range: %.*s%s does not fit in 64 bits", shown,
                r->text + start, cut ? "..." : "");
}

/* jansson stops at its own depth (JSON_PARSER_MAX_DEPTH). A lower depth
 * limit of ours is reached first in the text it read: point there. */
static ac_status fail_too_deep(json_reader *r, size_t pos)
{
    prefix_hit hit;
    uint64_t max = r->ctx->limits[AC_LIMIT_DEPTH];
    int found = prefix_scan(r->text, pos, SIZE_MAX, max + r->depth_bonus, &hit);
    if (found < 0)
        return fail_nomem(r);
    if (found > 0)
        return fail_depth(r, mark_at(r, hit.at));
    return fail(r, AC_ERR_LIMIT, jansson_mark(r, pos),
                "nesting deeper than the JSON parser's own limit (%d levels)",
                JSON_PARSER_MAX_DEPTH);
}

/* Turn jansson's error into ours. */
static ac_status fail_jansson(json_reader *r, const json_error_t *jerr)
{
    size_t pos = jerr->position > 0 ? (size_t)jerr->position : 0;
    if (pos > r->len)
        pos = r->len;
    if (jerr->text[0] == '\0')
        return fail_nomem(r);
    switch (json_error_code(jerr)) {
    case json_error_out_of_memory:
        return fail_nomem(r);
    case json_error_duplicate_key:
        return fail_duplicate(r, pos);
    case json_error_numeric_overflow:
        return fail_range(r, pos);
    case json_error_stack_overflow:
        return fail_too_deep(r, pos);
    case json_error_null_character:
    case json_error_null_byte_in_key:
        return fail(r, AC_ERR_ENCODING,
                    mark_at(r, pos > 0 ? string_start(r->text, pos - 1) : 0),
                    "NUL character (\\u0000) in a %s",
                    json_error_code(jerr) == json_error_null_character
                        ? "string"
                        : "key");
    case json_error_invalid_utf8:
        return fail(r, AC_ERR_ENCODING, jansson_mark(r, pos), "%s", jerr->text);
    default:
        return fail(r, AC_ERR_SYNTAX, jansson_mark(r, pos), "invalid JSON: %s",
                    jerr->text);
    }
}

/*
 * The start of both readers: check the text, drop a BOM, and parse it with
 * jansson (duplicates rejected). On success `*root` is jansson's new tree
 * and `*top` the place of its first character. `what` names what the
 * reader expects, for an input that holds nothing.
 */
static ac_status json_load(json_reader *r, ac_context *ctx, const char *data,
                           size_t len, const char *source, ac_error *error,
                           const char *what, json_t **root, json_mark *top)
{
    json_error_t jerr;
    *root = NULL;
    ac_status st = acp_check_text(data, len, source, error);
    if (st != AC_OK)
        return st;
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->source = source;
    r->error = error;
    r->base = len >= 3 && memcmp(data, utf8_bom, 3) == 0 ? 3 : 0;
    r->text = data + r->base;
    r->len = len - r->base;
    index_init(&r->ix, r->text, r->len);

    index_skip_space(&r->ix);
    *top = index_mark(&r->ix);
    if (r->ix.pos >= r->len)
        return fail(r, AC_ERR_SYNTAX, *top,
                    "expected %s, found the end of the input", what);
    /* An array at the top is a collection: its agents keep the whole depth
     * allowance, the array is not counted (this matters only for where a
     * nesting error is reported when jansson's own limit is reached). */
    r->depth_bonus = r->text[r->ix.pos] == '[' ? 1 : 0;
    *root = json_loadb(r->text, r->len,
                       JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!*root)
        return fail_jansson(r, &jerr);
    return AC_OK;
}

/* Read the agent object `j`, whose '{' is next in the index, into a new
 * document in `*out`: the top-level "instructions" goes to the document. */
static ac_status read_agent(json_reader *r, json_t *j, ac_doc **out)
{
    index_skip_space(&r->ix);
    json_mark m = index_mark(&r->ix);
    ac_doc *doc = ac_doc_new();
    *out = NULL;
    if (!doc)
        return fail_nomem(r);
    ac_value_set_position(doc->fields, m.line, m.column);
    ac_status st = read_object(r, j, doc->fields, 1, doc);
    if (st != AC_OK) {
        ac_doc_free(doc);
        return st;
    }
    *out = doc;
    return AC_OK;
}

/* Read any JSON text into a new value tree, with positions (the keyed
 * collections of dialect.c). */
ac_status acp_json_read_value(ac_context *ctx, const char *data, size_t len,
                              const char *source, ac_value **out,
                              ac_error *error)
{
    json_reader r;
    json_t *root = NULL;
    json_mark top;
    *out = NULL;
    ac_status st = json_load(&r, ctx, data, len, source, error, "a JSON value",
                             &root, &top);
    if (st != AC_OK)
        return st;
    st = read_value(&r, root, 0, out);
    json_decref(root);
    return st;
}

/* True when every item of the array is an object: an array of agents. */
static bool all_objects(json_t *array)
{
    size_t n = json_array_size(array);
    for (size_t i = 0; i < n; i++)
        if (!json_is_object(json_array_get(array, i)))
            return false;
    return true;
}

/* The reader of one agent: one object at the top. */
static ac_status json_read(ac_context *ctx, const ac_format *format,
                           const char *data, size_t len, const char *source,
                           ac_doc **out, ac_error *error)
{
    json_reader r;
    json_t *root = NULL;
    json_mark top;
    (void)format;

    *out = NULL;
    ac_status st = json_load(&r, ctx, data, len, source, error, "a JSON object",
                             &root, &top);
    if (st != AC_OK)
        return st;
    if (json_is_array(root) && json_array_size(root) == 0) {
        st = fail(&r, AC_ERR_STRUCTURE, top,
                  "expected a JSON object, found an empty array (a "
                  "collection of no agents)");
    } else if (json_is_array(root) && all_objects(root)) {
        size_t n = json_array_size(root);
        st = fail(&r, AC_ERR_STRUCTURE, top,
                  "expected a JSON object, found an array of %zu agent%s (a "
                  "collection: " ACP_COLLECTION_HINT ")",
                  n, n == 1 ? "" : "s");
    } else if (!json_is_object(root)) {
        st = fail(&r, AC_ERR_STRUCTURE, top, "expected a JSON object, found %s",
                  json_phrase(root));
    } else {
        st = read_agent(&r, root, out);
    }
    json_decref(root);
    return st;
}

/*
 * The reader of a file that may hold several agents: an array of agent
 * objects is a collection (each item must be an object), an object is one
 * agent. On failure the documents read so far stay in `*docs` (`*count`
 * slots, the rest NULL) for the caller to release.
 */
static ac_status json_read_many(ac_context *ctx, const ac_format *format,
                                const char *data, size_t len,
                                const char *source, ac_doc ***docs,
                                size_t *count, bool *is_collection,
                                ac_error *error)
{
    json_reader r;
    json_t *root = NULL;
    json_mark top;
    (void)format;

    *docs = NULL;
    *count = 0;
    *is_collection = false;
    ac_status st =
        json_load(&r, ctx, data, len, source, error,
                  "a JSON object or an array of agent objects", &root, &top);
    if (st != AC_OK)
        return st;
    if (json_is_object(root)) {
        *docs = calloc(1, sizeof **docs);
        if (!*docs) {
            st = fail_nomem(&r);
            goto free_root;
        }
        *count = 1;
        st = read_agent(&r, root, &(*docs)[0]);
        goto free_root;
    }
    if (!json_is_array(root)) {
        st = fail(&r, AC_ERR_STRUCTURE, top,
                  "expected a JSON object or an array of agent objects, "
                  "found %s",
                  json_phrase(root));
        goto free_root;
    }
    *is_collection = true;
    size_t n = json_array_size(root);
    if (n > 0) {
        *docs = calloc(n, sizeof **docs);
        if (!*docs) {
            st = fail_nomem(&r);
            goto free_root;
        }
        *count = n;
    }
    if (!index_take(&r.ix, '[')) {
        st = fail_out_of_step(&r);
        goto free_root;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(root, i);
        index_skip_space(&r.ix);
        if (!json_is_object(item)) {
            st = fail(&r, AC_ERR_STRUCTURE, index_mark(&r.ix),
                      "item %zu of the collection must be an agent object, "
                      "found %s",
                      i + 1, json_phrase(item));
            goto free_root;
        }
        st = read_agent(&r, item, &(*docs)[i]);
        if (st != AC_OK)
            goto free_root;
        index_skip_space(&r.ix);
        index_take(&r.ix, ',');
    }
    index_skip_space(&r.ix);
    if (!index_take(&r.ix, ']'))
        st = fail_out_of_step(&r);
free_root:
    json_decref(root);
    return st;
}

/* A JSON object, after an optional BOM and whitespace; an array (a
 * collection of agents) less surely, as a YAML flow sequence starts with
 * '[' too. */
static int json_sniff(const char *data, size_t len)
{
    size_t i = len >= 3 && memcmp(data, utf8_bom, 3) == 0 ? 3 : 0;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' ||
                       data[i] == '\r'))
        i++;
    if (i < len && data[i] == '{')
        return 60;
    if (i < len && data[i] == '[')
        return 30;
    return 0;
}

static const char *const json_extensions[] = {".json", NULL};

const ac_format acp_format_json = {
    .abi = AC_FORMAT_ABI,
    .name = "json",
    .description = "JSON object, instructions under the \"instructions\" key",
    .aliases = NULL,
    .extensions = json_extensions,
    .sniff = json_sniff,
    .read = json_read,
    .write = acp_json_write,
    .read_many = json_read_many,
    .write_many = acp_json_write_many,
    .user = NULL,
};
