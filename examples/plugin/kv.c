/*
 * An example agentconv plugin: the "kv" form, key=value lines.
 *
 *     # a comment
 *     name=rust-backend-engineer
 *     description=Use this agent when ...
 *     tools[]=Read
 *     tools[]=Write
 *     empty[]
 *
 *     The instructions, as they are, up to the end of the file.
 *
 * One field per line up to the first empty line: KEY=VALUE for a string,
 * KEY[]=VALUE for each item of a list of strings (KEY[] alone for an empty
 * list). In a value, a backslash escapes: \\ \n \r \t. Everything after the
 * first empty line is the instructions. The form holds strings and lists
 * of strings only: the writer refuses any other value, naming its field.
 *
 * It uses only the public header, as any plugin must (docs/plugins.md).
 * Build it by hand with
 *     cc -shared -fPIC kv.c -o kv.so $(pkg-config --cflags --libs agentconv)
 * and use it with
 *     agentconv --plugin ./kv.so agent.md -t kv
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <agentconv/agentconv.h>

/* ---- errors ---- */

static ac_status fail(ac_error *error, ac_status status, const char *source,
                      int line, int column, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static ac_status fail(ac_error *error, ac_status status, const char *source,
                      int line, int column, const char *fmt, ...)
{
    error->status = status;
    error->line = line;
    error->column = column;
    error->position = -1;
    snprintf(error->source, sizeof error->source, "%s", source ? source : "kv");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error->text, sizeof error->text, fmt, ap);
    va_end(ap);
    return status;
}

/* ---- reading ---- */

/* Length of the UTF-8 sequence at `s` (at most `n` bytes), or 0 when it is
 * not valid UTF-8 (overlong forms, surrogates, above U+10FFFF, NUL). */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    if (s[0] == 0)
        return 0;
    if (s[0] < 0x80)
        return 1;
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (len == 0 || s[0] > 0xF4 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
        return 0;
    return len;
}

/* Check the whole input; on a fault fill `error` with its line. */
static ac_status check_utf8(const char *data, size_t len, const char *source,
                            ac_error *error)
{
    int line = 1;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_length((const unsigned char *)data + i, len - i);
        if (n == 0)
            return fail(error, AC_ERR_ENCODING, source, line, 0,
                        "invalid UTF-8 or a NUL byte");
        if (data[i] == '\n')
            line++;
        i += n;
    }
    return AC_OK;
}

/* Undo the escapes of a value into a new string. NULL when out of memory,
 * or with `*bad` set to where a bad escape is (1-based). */
static ac_value *unescape(const char *s, size_t len, size_t *bad)
{
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\\') {
            out[n++] = s[i];
            continue;
        }
        char c = i + 1 < len ? s[i + 1] : '\0';
        if (c == '\\' || c == 'n' || c == 'r' || c == 't') {
            out[n++] = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
            i++;
        } else {
            *bad = i + 1; /* 1-based: the backslash */
            free(out);
            return NULL;
        }
    }
    ac_value *v = ac_value_new_string(out, n);
    free(out);
    return v;
}

/* Read one field line (`len` bytes, no line end) into `fields`. */
static ac_status read_line(ac_value *fields, const char *s, size_t len,
                           int line, const char *source, ac_error *error)
{
    const char *eq = memchr(s, '=', len);
    size_t key_end = eq ? (size_t)(eq - s) : len;
    bool is_item =
        key_end >= 2 && s[key_end - 2] == '[' && s[key_end - 1] == ']';
    size_t key_len = is_item ? key_end - 2 : key_end;
    if (key_len == 0 || (!eq && !is_item))
        return fail(error, AC_ERR_SYNTAX, source, line, 1,
                    "expected KEY=VALUE, KEY[]=VALUE or KEY[]");
    ac_value *value = NULL;
    if (eq) {
        size_t bad = 0;
        size_t start = key_end + 1;
        value = unescape(s + start, len - start, &bad);
        if (!value && bad)
            return fail(error, AC_ERR_SYNTAX, source, line, (int)(start + bad),
                        "unknown escape in a value");
        if (!value)
            return fail(error, AC_ERR_NOMEM, source, line, 0, "out of memory");
        ac_value_set_position(value, line, (int)start + 1);
    }
    ac_value *have = ac_map_getn(fields, s, key_len);
    if (have && (!is_item || ac_value_type(have) != AC_LIST)) {
        ac_value_free(value);
        return fail(error, AC_ERR_STRUCTURE, source, line, 1,
                    "duplicate key \"%.*s\"", (int)key_len, s);
    }
    if (!have) {
        ac_value *list = NULL;
        if (is_item) {
            list = ac_value_new_list();
            if (!list) {
                ac_value_free(value);
                return fail(error, AC_ERR_NOMEM, source, line, 0,
                            "out of memory");
            }
            ac_value_set_position(list, line, 1);
        }
        ac_value *put = is_item ? list : value;
        if (ac_map_set(fields, s, key_len, put) != AC_OK) {
            if (is_item)
                ac_value_free(value);
            return fail(error, AC_ERR_NOMEM, source, line, 0, "out of memory");
        }
        ac_map_set_key_position(fields, ac_value_size(fields) - 1, line, 1);
        have = is_item ? list : NULL;
    } else if (!eq) {
        return fail(error, AC_ERR_STRUCTURE, source, line, 1,
                    "\"%.*s[]\" after items of the list", (int)key_len, s);
    }
    if (is_item && value && ac_list_append(have, value) != AC_OK)
        return fail(error, AC_ERR_NOMEM, source, line, 0, "out of memory");
    return AC_OK;
}

static ac_status kv_read(ac_context *ctx, const ac_format *format,
                         const char *data, size_t len, const char *source,
                         ac_doc **out, ac_error *error)
{
    (void)ctx;
    (void)format;
    ac_status st = check_utf8(data, len, source, error);
    if (st != AC_OK)
        return st;
    ac_doc *doc = ac_doc_new();
    if (!doc)
        return fail(error, AC_ERR_NOMEM, source, 0, 0, "out of memory");
    size_t at = 0;
    int line = 1;
    while (at < len) {
        const char *nl = memchr(data + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - data) : len;
        size_t n = end - at;
        if (n > 0 && data[at + n - 1] == '\r')
            n--;
        size_t next = nl ? end + 1 : len;
        if (n == 0) {
            at = next;
            line++;
            break; /* the instructions follow */
        }
        if (data[at] != '#') {
            st = read_line(ac_doc_fields(doc), data + at, n, line, source,
                           error);
            if (st != AC_OK) {
                ac_doc_free(doc);
                return st;
            }
        }
        at = next;
        line++;
    }
    size_t text_len = len - at;
    char *text = malloc(text_len + 1);
    if (!text) {
        ac_doc_free(doc);
        return fail(error, AC_ERR_NOMEM, source, 0, 0, "out of memory");
    }
    memcpy(text, data + at, text_len);
    ac_normalize_instructions(text, &text_len);
    st = ac_doc_set_instructions(doc, text, text_len);
    free(text);
    if (st != AC_OK) {
        ac_doc_free(doc);
        return fail(error, st, source, 0, 0, "out of memory");
    }
    if (text_len > 0)
        ac_doc_set_instructions_line(doc, line);
    *out = doc;
    return AC_OK;
}

/* A kv file starts with a comment or a KEY=, KEY[]= or KEY[] line. */
static int kv_sniff(const char *data, size_t len)
{
    if (len > 0 && data[0] == '#')
        return 10;
    size_t i = 0;
    while (i < len && (data[i] == '_' || data[i] == '-' ||
                       (data[i] >= 'a' && data[i] <= 'z') ||
                       (data[i] >= 'A' && data[i] <= 'Z') ||
                       (data[i] >= '0' && data[i] <= '9')))
        i++;
    if (i == 0 || i == len)
        return 0;
    if (data[i] == '=')
        return 30;
    if (len - i >= 2 && data[i] == '[' && data[i + 1] == ']')
        return 30;
    return 0;
}

/* ---- writing ---- */

static ac_status put_escaped(ac_buf *out, const char *s, size_t len)
{
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        const char *esc = s[i] == '\\'   ? "\\\\"
                          : s[i] == '\n' ? "\\n"
                          : s[i] == '\r' ? "\\r"
                          : s[i] == '\t' ? "\\t"
                                         : NULL;
        if (!esc)
            continue;
        if (ac_buf_append(out, s + from, i - from) != AC_OK ||
            ac_buf_puts(out, esc) != AC_OK)
            return AC_ERR_NOMEM;
        from = i + 1;
    }
    return ac_buf_append(out, s + from, len - from);
}

/* A key the form can hold: not empty, no '=', '[', ']', '\\' nor line end,
 * not starting with '#'. */
static bool good_key(const char *k, size_t len)
{
    if (len == 0 || k[0] == '#')
        return false;
    for (size_t i = 0; i < len; i++)
        if (strchr("=[]\\\r\n", k[i]))
            return false;
    return true;
}

static ac_status put_line(ac_buf *out, const char *key, size_t key_len,
                          const char *tail, const ac_value *v)
{
    if (ac_buf_append(out, key, key_len) != AC_OK ||
        ac_buf_puts(out, tail) != AC_OK)
        return AC_ERR_NOMEM;
    if (v) {
        size_t n = 0;
        const char *s = ac_value_string(v, &n);
        if (put_escaped(out, s, n) != AC_OK)
            return AC_ERR_NOMEM;
    }
    return ac_buf_puts(out, "\n");
}

static ac_status kv_write(ac_context *ctx, const ac_format *format,
                          const ac_doc *doc, ac_buf *out, ac_error *error)
{
    (void)ctx;
    (void)format;
    const ac_value *fields = ac_doc_fields(doc);
    for (size_t i = 0; i < ac_value_size(fields); i++) {
        size_t key_len = 0;
        const char *key = ac_map_key(fields, i, &key_len);
        const ac_value *v = ac_map_value(fields, i);
        if (!good_key(key, key_len))
            return fail(error, AC_ERR_UNSUPPORTED, "kv", 0, 0,
                        "kv cannot hold the key \"%.*s\"", (int)key_len, key);
        ac_status st = AC_OK;
        if (ac_value_type(v) == AC_STRING) {
            st = put_line(out, key, key_len, "=", v);
        } else if (ac_value_type(v) == AC_LIST) {
            size_t n = ac_value_size(v);
            if (n == 0)
                st = put_line(out, key, key_len, "[]", NULL);
            for (size_t j = 0; j < n && st == AC_OK; j++) {
                const ac_value *item = ac_list_get(v, j);
                if (ac_value_type(item) != AC_STRING)
                    return fail(error, AC_ERR_UNSUPPORTED, "kv", 0, 0,
                                "kv holds strings and lists of strings "
                                "only: item %zu of \"%.*s\" has type %s",
                                j, (int)key_len, key,
                                ac_type_name(ac_value_type(item)));
                st = put_line(out, key, key_len, "[]=", item);
            }
        } else {
            return fail(error, AC_ERR_UNSUPPORTED, "kv", 0, 0,
                        "kv holds strings and lists of strings only: \"%.*s\" "
                        "has type %s",
                        (int)key_len, key, ac_type_name(ac_value_type(v)));
        }
        if (st != AC_OK)
            return fail(error, AC_ERR_NOMEM, "kv", 0, 0, "out of memory");
    }
    size_t text_len = 0;
    const char *text = ac_doc_instructions(doc, &text_len);
    if (text_len > 0 && (ac_buf_puts(out, "\n") != AC_OK ||
                         ac_buf_append(out, text, text_len) != AC_OK))
        return fail(error, AC_ERR_NOMEM, "kv", 0, 0, "out of memory");
    return AC_OK;
}

/* ---- the descriptors ---- */

static const char *const kv_extensions[] = {".kv", NULL};

static const ac_format kv_format = {
    .abi = AC_FORMAT_ABI,
    .name = "kv",
    .description = "key=value lines (example plugin)",
    .extensions = kv_extensions,
    .sniff = kv_sniff,
    .read = kv_read,
    .write = kv_write,
};

/*
 * A dialect too, as plugins may add: "kvbot", an imaginary tool that keeps
 * its agents as .kv files under .kvbot/, calls the name "id", the model
 * "engine" and its tools "look" and "run". It is data only: the library
 * translates to and from it like any built-in tool.
 */
static const ac_dialect_field kvbot_fields[] = {
    {"id", "name", AC_FIELD_NAME},
    {"about", "description", AC_FIELD_PLAIN},
    {"engine", "model", AC_FIELD_MODEL},
    {"abilities", "tools", AC_FIELD_TOOLS},
    {NULL, NULL, AC_FIELD_PLAIN},
};

static const ac_dialect_tool kvbot_tools[] = {
    {"look", "read", 0},
    {"run", "shell", 0},
    {NULL, NULL, 0},
};

static const ac_dialect_model kvbot_models[] = {
    {"big", "claude-opus-4-5", 0},
    {"small", "claude-haiku-4-5", 0},
    {NULL, NULL, 0},
};

static const char *const kvbot_paths[] = {"/.kvbot/", NULL};

static const ac_dialect kvbot = {
    .abi = AC_DIALECT_ABI,
    .name = "kvbot",
    .title = "KV Bot",
    .form = "kv",
    .folder = ".kvbot",
    .extension = ".kv",
    .path_markers = kvbot_paths,
    .fields = kvbot_fields,
    .tools = kvbot_tools,
    .tools_shape = AC_TOOLS_LIST,
    .tools_absent_means_all = true,
    .models = kvbot_models,
    .name_required = true,
    .name_chars = "a-z0-9-",
    .name_rule = "a KV Bot id is lowercase letters, digits and hyphens",
};

static ac_status kv_init(ac_context *ctx, const ac_plugin *plugin,
                         ac_error *error)
{
    (void)plugin;
    ac_status st = ac_context_add_format(ctx, &kv_format, error);
    if (st == AC_OK)
        st = ac_context_add_dialect(ctx, &kvbot, error);
    return st;
}

AC_PLUGIN_EXPORT const ac_plugin agentconv_plugin = {
    .abi = AC_PLUGIN_ABI,
    .name = "kv",
    .version = "1.0.0",
    .description = "the kv form: key=value lines",
    .init = kv_init,
};
