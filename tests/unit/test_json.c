/*
 * Unit tests of the json form: the writer's exact bytes, round trips of
 * every value type, a proof test over generated models checked against
 * plain jansson, source positions (agreeing with jansson's own), and every
 * kind of rejected input with its message, line and column.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentconv/agentconv.h"
#include "internal.h"

/* ---- helpers ---- */

static ac_context *new_context(void)
{
    ac_context *ctx = ac_context_new();
    assert_non_null(ctx);
    return ctx;
}

static const ac_format *json_format(const ac_context *ctx)
{
    const ac_format *f = ac_format_find(ctx, "json");
    assert_non_null(f);
    assert_ptr_equal(f, &acp_format_json);
    return f;
}

/* Read `len` bytes that must be accepted. */
static ac_doc *read_ok(ac_context *ctx, const char *text, size_t len)
{
    ac_doc *doc = NULL;
    ac_error e;
    ac_status st =
        ac_read(ctx, json_format(ctx), text, len, "t.json", &doc, &e);
    if (st != AC_OK)
        print_error("unexpected error %d at %d:%d: %s\n", (int)st, e.line,
                    e.column, e.text);
    assert_int_equal(st, AC_OK);
    assert_non_null(doc);
    return doc;
}

static ac_doc *read_str(ac_context *ctx, const char *text)
{
    return read_ok(ctx, text, strlen(text));
}

/* Write a document that must be accepted; returns the bytes (free()). */
static char *write_ok(ac_context *ctx, const ac_doc *doc, size_t *len)
{
    char *out = NULL;
    size_t n = 0;
    ac_error e;
    ac_status st = ac_write(ctx, json_format(ctx), doc, &out, &n, &e);
    if (st != AC_OK)
        print_error("unexpected write error %d: %s\n", (int)st, e.text);
    assert_int_equal(st, AC_OK);
    assert_non_null(out);
    assert_int_equal(strlen(out), n);
    if (len)
        *len = n;
    return out;
}

/* Read input that must be refused with this status, message and place. */
static void expect_error_n(ac_context *ctx, const char *text, size_t len,
                           ac_status status, int line, int column,
                           const char *message)
{
    ac_doc *doc = (ac_doc *)&doc; /* not NULL: the reader must clear it */
    ac_error e;
    ac_status st =
        ac_read(ctx, json_format(ctx), text, len, "t.json", &doc, &e);
    if (st != status || e.line != line || e.column != column ||
        strcmp(e.text, message) != 0)
        print_error("input %.*s\n got %d at %d:%d: %s\n", (int)len, text,
                    (int)st, e.line, e.column, e.text);
    assert_int_equal(st, status);
    assert_null(doc);
    assert_int_equal(e.status, status);
    assert_string_equal(e.text, message);
    assert_string_equal(e.source, "t.json");
    assert_int_equal(e.line, line);
    assert_int_equal(e.column, column);
}

static void expect_error(ac_context *ctx, const char *text, ac_status status,
                         int line, int column, const char *message)
{
    expect_error_n(ctx, text, strlen(text), status, line, column, message);
}

static void set(ac_value *map, const char *key, ac_value *v)
{
    assert_non_null(v);
    assert_int_equal(ac_map_set(map, key, strlen(key), v), AC_OK);
}

static void append(ac_value *list, ac_value *v)
{
    assert_non_null(v);
    assert_int_equal(ac_list_append(list, v), AC_OK);
}

static ac_value *str(const char *s)
{
    return ac_value_new_string(s, strlen(s));
}

/* Write, read back, compare; write again and compare the bytes. */
static void round_trip(ac_context *ctx, const ac_doc *doc)
{
    size_t n1, n2;
    char *out1 = write_ok(ctx, doc, &n1);
    ac_doc *back = read_ok(ctx, out1, n1);
    assert_true(ac_doc_equal(doc, back));
    char *out2 = write_ok(ctx, back, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(out1, out2, n1);
    free(out2);
    ac_doc_free(back);
    free(out1);
}

/* ---- descriptor and sniffing ---- */

static void test_descriptor(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    const ac_format *f = json_format(ctx);
    assert_int_equal(f->abi, AC_FORMAT_ABI);
    assert_string_equal(f->name, "json");
    assert_string_equal(f->description,
                        "JSON object, instructions under the \"instructions\" "
                        "key");
    assert_null(f->aliases);
    assert_string_equal(f->extensions[0], ".json");
    assert_null(f->extensions[1]);
    assert_non_null(f->read);
    assert_non_null(f->write);
    assert_ptr_equal(ac_format_for_path(ctx, "dir/agent.json"), f);
    assert_ptr_equal(ac_format_for_path(ctx, "AGENT.JSON"), f);

    assert_int_equal(f->sniff("{}", 2), 60);
    assert_int_equal(f->sniff(" \r\n\t{\"a\": 1}", 12), 60);
    assert_int_equal(f->sniff("\xEF\xBB\xBF\n{", 5), 60);
    assert_int_equal(f->sniff("[{}]", 4), 30);
    assert_int_equal(f->sniff("", 0), 0);
    assert_int_equal(f->sniff("   ", 3), 0);
    assert_int_equal(f->sniff("---\nname: x\n---\n", 16), 0);
    assert_int_equal(f->sniff("\"a\"", 3), 0);
    assert_int_equal(f->sniff("{", 0), 0); /* only `len` bytes count */
    assert_ptr_equal(ac_format_sniff(ctx, "{\"a\": 1}", 8), f);
    ac_context_free(ctx);
}

/* ---- the writer's exact output ---- */

static void test_write_exact(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = ac_doc_new();
    ac_value *fields = ac_doc_fields(doc);
    set(fields, "name", str("x"));
    ac_value *tools = ac_value_new_list();
    append(tools, str("Read"));
    append(tools, str("Grep"));
    set(fields, "tools", tools);
    set(fields, "empty", ac_value_new_list());
    set(fields, "m", ac_value_new_map());
    char *out = write_ok(ctx, doc, NULL);
    assert_string_equal(out, "{\n"
                             "  \"name\": \"x\",\n"
                             "  \"tools\": [\n"
                             "    \"Read\",\n"
                             "    \"Grep\"\n"
                             "  ],\n"
                             "  \"empty\": [],\n"
                             "  \"m\": {}\n"
                             "}\n");
    free(out);

    /* Nested containers, scalars of every type, instructions last. */
    ac_value *m = ac_value_new_map();
    ac_value *l = ac_value_new_list();
    append(l, ac_value_new_null());
    append(l, ac_value_new_bool(true));
    append(l, ac_value_new_map());
    ac_value *inner = ac_value_new_map();
    set(inner, "k", ac_value_new_bool(false));
    append(l, inner);
    set(m, "list", l);
    set(m, "n", ac_value_new_integer(-7));
    set(m, "instructions", ac_value_new_number(0.5)); /* nested: a key */
    set(fields, "model", m);
    assert_int_equal(ac_doc_set_instructions(doc, "Be \"good\".\n", 11), AC_OK);
    out = write_ok(ctx, doc, NULL);
    assert_string_equal(out, "{\n"
                             "  \"name\": \"x\",\n"
                             "  \"tools\": [\n"
                             "    \"Read\",\n"
                             "    \"Grep\"\n"
                             "  ],\n"
                             "  \"empty\": [],\n"
                             "  \"m\": {},\n"
                             "  \"model\": {\n"
                             "    \"list\": [\n"
                             "      null,\n"
                             "      true,\n"
                             "      {},\n"
                             "      {\n"
                             "        \"k\": false\n"
                             "      }\n"
                             "    ],\n"
                             "    \"n\": -7,\n"
                             "    \"instructions\": 0.5\n"
                             "  },\n"
                             "  \"instructions\": \"Be \\\"good\\\".\\n\"\n"
                             "}\n");
    free(out);
    round_trip(ctx, doc);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

static void test_write_empty(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = ac_doc_new();
    char *out = write_ok(ctx, doc, NULL);
    assert_string_equal(out, "{}\n");
    free(out);
    round_trip(ctx, doc);

    assert_int_equal(ac_doc_set_instructions(doc, "Hello", 5), AC_OK);
    out = write_ok(ctx, doc, NULL);
    assert_string_equal(out, "{\n  \"instructions\": \"Hello\"\n}\n");
    free(out);
    round_trip(ctx, doc);

    /* Empty instructions are left out. */
    ac_doc *in = read_str(ctx, "{\"a\": 1, \"instructions\": \"\\n\\n\"}");
    size_t len;
    ac_doc_instructions(in, &len);
    assert_int_equal(len, 0);
    out = write_ok(ctx, in, NULL);
    assert_string_equal(out, "{\n  \"a\": 1\n}\n");
    free(out);
    ac_doc_free(in);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

/* ---- values ---- */

static void test_round_trip_types(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = ac_doc_new();
    ac_value *f = ac_doc_fields(doc);
    set(f, "null", ac_value_new_null());
    set(f, "true", ac_value_new_bool(true));
    set(f, "false", ac_value_new_bool(false));
    set(f, "int", ac_value_new_integer(42));
    set(f, "neg", ac_value_new_integer(-42));
    set(f, "num", ac_value_new_number(3.25));
    set(f, "str", str("text"));
    set(f, "empty string", str(""));
    set(f, "", str("empty key"));
    set(f, "1", str("a key that looks like a number"));
    ac_value *l = ac_value_new_list();
    append(l, ac_value_new_list());
    append(l, ac_value_new_map());
    append(l, str("x"));
    set(f, "list", l);
    ac_value *m = ac_value_new_map();
    ac_value *deep = ac_value_new_map();
    set(deep, "z", ac_value_new_integer(1));
    set(deep, "a", ac_value_new_integer(2)); /* order is kept, not sorted */
    set(m, "deep", deep);
    set(f, "map", m);
    assert_int_equal(ac_doc_set_instructions(doc, "Line 1\nLine 2\n", 14),
                     AC_OK);
    round_trip(ctx, doc);

    /* Each type reads back as that type. */
    char *out = write_ok(ctx, doc, NULL);
    ac_doc *back = read_str(ctx, out);
    const ac_value *bf = ac_doc_fields(back);
    assert_int_equal(ac_value_type(ac_map_get(bf, "null")), AC_NULL);
    assert_int_equal(ac_value_type(ac_map_get(bf, "true")), AC_BOOL);
    assert_true(ac_value_bool(ac_map_get(bf, "true")));
    assert_false(ac_value_bool(ac_map_get(bf, "false")));
    assert_int_equal(ac_value_type(ac_map_get(bf, "int")), AC_INTEGER);
    assert_int_equal(ac_value_type(ac_map_get(bf, "num")), AC_NUMBER);
    assert_int_equal(ac_value_type(ac_map_get(bf, "str")), AC_STRING);
    assert_int_equal(ac_value_type(ac_map_get(bf, "list")), AC_LIST);
    assert_int_equal(ac_value_type(ac_map_get(bf, "map")), AC_MAP);
    assert_string_equal(ac_map_key(bf, 8, NULL), "");
    assert_string_equal(
        ac_map_key(ac_map_get(ac_map_get(bf, "map"), "deep"), 0, NULL), "z");
    assert_int_equal(ac_doc_instructions_line(back), 23);
    free(out);
    ac_doc_free(back);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

/* Write one value under the key "v" and return the text written for it. */
static char *written_value(ac_context *ctx, ac_value *v)
{
    ac_doc *doc = ac_doc_new();
    set(ac_doc_fields(doc), "v", v);
    size_t n;
    char *out = write_ok(ctx, doc, &n);
    assert_true(n > 12);
    assert_memory_equal(out, "{\n  \"v\": ", 9);
    assert_memory_equal(out + n - 3, "\n}\n", 3);
    size_t vlen = n - 12;
    memmove(out, out + 9, vlen);
    out[vlen] = '\0';
    round_trip(ctx, doc);
    ac_doc_free(doc);
    return out;
}

static void test_numbers(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    static const struct {
        double d;
        const char *text;
    } exact[] = {
        {0.1, "0.1"},
        {1e100, "1.0e+100"},
        {-0.0, "-0.0"},
        {0.0, "0.0"},
        {5e-324, "5.0e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {-1.7976931348623157e308, "-1.7976931348623157e+308"},
        {2.2250738585072014e-308, "2.2250738585072014e-308"},
        {1.5, "1.5"},
        {0.30000000000000004, "0.30000000000000004"},
    };
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        char *t = written_value(ctx, ac_value_new_number(exact[i].d));
        assert_string_equal(t, exact[i].text);
        free(t);
    }

    /* Every number reads back as the same double, bit for bit, as a
     * number; jansson reads the text as a real of the same value. */
    static const double values[] = {0.1,
                                    1e100,
                                    -0.0,
                                    5e-324,
                                    1.7976931348623157e308,
                                    100.0,
                                    1e21,
                                    1e-7,
                                    1e16,
                                    1e15,
                                    123456.789,
                                    2.225073858507201e-308,
                                    -2.5,
                                    1e300,
                                    3e-5,
                                    4.0,
                                    9007199254740993.0,
                                    1.0 / 3.0};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char *t = written_value(ctx, ac_value_new_number(values[i]));
        char expect[32];
        acp_format_number(ctx, values[i], expect);
        assert_string_equal(t, expect);
        assert_true(strchr(t, '.') || strchr(t, 'e'));
        json_error_t jerr;
        json_t *j = json_loadb(t, strlen(t), JSON_DECODE_ANY, &jerr);
        assert_non_null(j);
        assert_true(json_is_real(j));
        double d = json_real_value(j);
        assert_memory_equal(&d, &values[i], sizeof d);
        json_decref(j);
        free(t);
    }

    /* 100.0 and 100 stay apart. */
    ac_doc *doc = ac_doc_new();
    set(ac_doc_fields(doc), "real", ac_value_new_number(100.0));
    set(ac_doc_fields(doc), "int", ac_value_new_integer(100));
    char *out = write_ok(ctx, doc, NULL);
    ac_doc *back = read_str(ctx, out);
    assert_int_equal(ac_value_type(ac_map_get(ac_doc_fields(back), "real")),
                     AC_NUMBER);
    assert_int_equal(ac_value_type(ac_map_get(ac_doc_fields(back), "int")),
                     AC_INTEGER);
    assert_true(ac_doc_equal(doc, back));
    free(out);
    ac_doc_free(back);
    ac_doc_free(doc);

    /* Integers. */
    static const struct {
        int64_t i;
        const char *text;
    } ints[] = {{0, "0"},
                {100, "100"},
                {-1, "-1"},
                {INT64_MAX, "9223372036854775807"},
                {INT64_MIN, "-9223372036854775808"}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        char *t = written_value(ctx, ac_value_new_integer(ints[i].i));
        assert_string_equal(t, ints[i].text);
        free(t);
    }

    /* How the reader types numbers. */
    doc = read_str(ctx, "{\"a\": 100, \"b\": 100.0, \"c\": 1e2, \"d\": -0, "
                        "\"e\": -0.0, \"f\": 1E+2, \"g\": 1e-400, "
                        "\"h\": -9223372036854775808}");
    const ac_value *f = ac_doc_fields(doc);
    assert_int_equal(ac_value_type(ac_map_get(f, "a")), AC_INTEGER);
    assert_int_equal(ac_value_integer(ac_map_get(f, "a")), 100);
    assert_int_equal(ac_value_type(ac_map_get(f, "b")), AC_NUMBER);
    assert_true(ac_value_number(ac_map_get(f, "b")) == 100.0);
    assert_int_equal(ac_value_type(ac_map_get(f, "c")), AC_NUMBER);
    assert_int_equal(ac_value_type(ac_map_get(f, "d")), AC_INTEGER);
    assert_int_equal(ac_value_integer(ac_map_get(f, "d")), 0);
    assert_int_equal(ac_value_type(ac_map_get(f, "e")), AC_NUMBER);
    assert_true(signbit(ac_value_number(ac_map_get(f, "e"))));
    assert_true(ac_value_number(ac_map_get(f, "f")) == 100.0);
    assert_true(ac_value_number(ac_map_get(f, "g")) == 0.0);
    assert_true(ac_value_integer(ac_map_get(f, "h")) == INT64_MIN);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

static void test_strings(void **state)
{
    (void)state;
    ac_context *ctx = new_context();

    /* Every control character, DEL, quote and backslash. */
    char all[34];
    for (int c = 1; c < 0x20; c++)
        all[c - 1] = (char)c;
    all[31] = 0x7f;
    all[32] = '"';
    all[33] = '\\';
    char *t = written_value(ctx, ac_value_new_string(all, sizeof all));
    assert_string_equal(t, "\"\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007"
                           "\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
                           "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016"
                           "\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d"
                           "\\u001e\\u001f\x7f\\\"\\\\\"");
    free(t);

    /* Non-ASCII, U+2028/2029, '/' and the BOM character stay as they are. */
    static const char raw[] = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 "
                              "\xE2\x80\xA8\xE2\x80\xA9 a/b \xEF\xBB\xBF "
                              "\xF4\x8F\xBF\xBF";
    t = written_value(ctx, str(raw));
    assert_int_equal(strlen(t), strlen(raw) + 2);
    assert_memory_equal(t + 1, raw, strlen(raw));
    free(t);

    /* Mixed runs of plain and escaped bytes. */
    t = written_value(ctx, str("ab\"cd\\\\ef\n\n\tg"));
    assert_string_equal(t, "\"ab\\\"cd\\\\\\\\ef\\n\\n\\tg\"");
    free(t);

    /* The reader decodes every escape. */
    ac_doc *doc = read_str(ctx, "{\"a\": \"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n"
                                "\\r\\t\\\"\\\\\\u2028\\u0001\"}");
    size_t n;
    const char *s = ac_value_string(ac_map_get(ac_doc_fields(doc), "a"), &n);
    static const char decoded[] = "\xC3\xA9\xF0\x9F\x98\x80/\b\f\n\r\t\"\\"
                                  "\xE2\x80\xA8\x01";
    assert_int_equal(n, sizeof decoded - 1);
    assert_memory_equal(s, decoded, n);
    round_trip(ctx, doc);
    ac_doc_free(doc);

    /* A long string with many escapes, written in runs. */
    size_t big = 1 << 20;
    char *long_text = malloc(big);
    assert_non_null(long_text);
    for (size_t i = 0; i < big; i++)
        long_text[i] = i % 7 == 0 ? '"' : i % 11 == 0 ? '\n' : 'x';
    ac_doc *ld = ac_doc_new();
    set(ac_doc_fields(ld), "long", ac_value_new_string(long_text, big));
    round_trip(ctx, ld);
    ac_doc_free(ld);
    free(long_text);
    ac_context_free(ctx);
}

/* The escaping of the writer, a byte at a time, as the writer's comment
 * at the top of json_write.c says: the reference the fast writer (eight
 * bytes at a time) must agree with. */
static void naive_escape(const char *s, size_t len, char *out)
{
    size_t n = 0;
    out[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *short_esc = c == '"'    ? "\\\""
                                : c == '\\' ? "\\\\"
                                : c == '\b' ? "\\b"
                                : c == '\f' ? "\\f"
                                : c == '\n' ? "\\n"
                                : c == '\r' ? "\\r"
                                : c == '\t' ? "\\t"
                                            : NULL;
        if (short_esc) {
            memcpy(out + n, short_esc, 2);
            n += 2;
        } else if (c < 0x20) {
            n += (size_t)snprintf(out + n, 7, "\\u%04x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n++] = '"';
    out[n] = '\0';
}

/* Each byte that needs an escape, at every place of a word and around
 * word edges, among plain ASCII and among UTF-8 sequences whose bytes
 * differ from '"', '\\' or a control character only in their high bit
 * (0xA2, 0xDC, 0x9C, 0x8A): the fast writer (eight bytes at a time)
 * escapes exactly the bytes the one-at-a-time reference does. The text is
 * `units` units, each a filler or a byte to escape (at `at`, and another
 * nine units later when there is room). */
static void test_string_runs(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    static const char specials[] = {'"', '\\', '\n', '\t', 0x01, 0x1f, 0x7f};
    static const char *const fillers[] = {
        "a", "\xE2\xA2\xA2", "\xDD\x9C", "\xCA\x8A", "\xC3\x9C", "~"};
    char text[128], expected[128 * 6 + 3];
    for (size_t f = 0; f < sizeof fillers / sizeof *fillers; f++) {
        size_t flen = strlen(fillers[f]);
        for (size_t k = 0; k < sizeof specials; k++) {
            for (size_t units = 1; units <= 30; units++) {
                for (size_t at = 0; at < units; at++) {
                    size_t n = 0;
                    for (size_t u = 0; u < units; u++) {
                        if (u == at) {
                            text[n++] = specials[k];
                        } else if (u == at + 9) {
                            text[n++] = specials[(k + 1) % sizeof specials];
                        } else {
                            memcpy(text + n, fillers[f], flen);
                            n += flen;
                        }
                    }
                    naive_escape(text, n, expected);
                    char *t = written_value(ctx, ac_value_new_string(text, n));
                    if (strcmp(t, expected) != 0)
                        fail_msg("filler %zu, byte 0x%02x, %zu units, at "
                                 "%zu: %s, expected %s",
                                 f, (unsigned char)specials[k], units, at, t,
                                 expected);
                    free(t);
                }
            }
        }
    }
    ac_context_free(ctx);
}

/* ---- the proof test ---- */

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64*: deterministic, so a failure can be replayed. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static size_t below(size_t n) { return (size_t)(rng() % n); }

static const char *const pieces[] = {
    "a",
    "Read",
    " ",
    "\"",
    "\\",
    "/",
    "\\u0000",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\b",
    "\f",
    "\x01",
    "\x1f",
    "\x7f",
    "\xC3\xA9",
    "\xE2\x82\xAC",
    "\xF0\x9F\x98\x80",
    "\xE2\x80\xA8",
    "\xE2\x80\xA9",
    "\xEF\xBB\xBF",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "true",
    "null",
    "-0",
    "1e5",
    "#",
    "'",
    "</script>",
    "&amp;",
    "\xC2\x80",
    "\xF4\x8F\xBF\xBF",
    "\xEF\xBF\xBF",
    "instructions",
    "---",
    "\\\"",
    "x y",
    "0",
};

/* Random text from the pieces; `long_ok`: now and then a long one. */
static void random_text(ac_buf *b, bool long_ok)
{
    size_t n = long_ok && below(20) == 0 ? 200 + below(800) : below(10);
    for (size_t i = 0; i < n; i++) {
        if (below(8) == 0) {
            char c = (char)(1 + below(0x1f));
            assert_int_equal(ac_buf_append(b, &c, 1), AC_OK);
        } else {
            const char *p = pieces[below(sizeof pieces / sizeof pieces[0])];
            assert_int_equal(ac_buf_puts(b, p), AC_OK);
        }
    }
}

static ac_value *random_string(bool long_ok)
{
    ac_buf b;
    acp_buf_init(&b);
    random_text(&b, long_ok);
    ac_value *v = ac_value_new_string(b.data ? b.data : "", b.len);
    acp_buf_release(&b);
    assert_non_null(v);
    return v;
}

static double random_double(void)
{
    static const double special[] = {0.1,
                                     -0.0,
                                     0.0,
                                     5e-324,
                                     DBL_MAX,
                                     -DBL_MAX,
                                     DBL_MIN,
                                     1e100,
                                     100.0,
                                     1e21,
                                     1e-7,
                                     2.2250738585072009e-308,
                                     9007199254740993.0,
                                     -1.5};
    if (below(3) == 0)
        return special[below(sizeof special / sizeof special[0])];
    for (;;) {
        uint64_t bits = rng();
        double d;
        memcpy(&d, &bits, sizeof d);
        if (d - d == 0.0)
            return d;
    }
}

static ac_value *random_value(int depth);

static void random_map_into(ac_value *map, int depth, bool top)
{
    size_t n = below(7);
    for (size_t i = 0; i < n; i++) {
        ac_value *k = random_string(false); /* within the key-length limit */
        size_t klen;
        const char *key = ac_value_string(k, &klen);
        bool skip = acp_map_find(map, key, klen) >= 0 ||
                    (top && klen == 12 && memcmp(key, "instructions", 12) == 0);
        if (!skip)
            assert_int_equal(
                acp_map_append(map, key, klen, random_value(depth + 1)), AC_OK);
        ac_value_free(k);
    }
}

static ac_value *random_value(int depth)
{
    size_t kind = below(depth >= 5 ? 5 : 7);
    ac_value *v = NULL;
    switch (kind) {
    case 0:
        v = below(2) ? ac_value_new_null() : ac_value_new_bool(below(2));
        break;
    case 1: {
        static const int64_t special[] = {INT64_MIN, INT64_MAX, 0, -1, 100};
        v = ac_value_new_integer(below(2) ? (int64_t)rng() : special[below(5)]);
        break;
    }
    case 2:
        v = ac_value_new_number(random_double());
        break;
    case 3:
    case 4:
        v = random_string(true);
        break;
    case 5: {
        v = ac_value_new_list();
        size_t n = below(6);
        for (size_t i = 0; i < n; i++)
            append(v, random_value(depth + 1));
        break;
    }
    default:
        v = ac_value_new_map();
        assert_non_null(v);
        random_map_into(v, depth, false);
        break;
    }
    assert_non_null(v);
    return v;
}

/* Does jansson's reading of the output hold exactly the model's value? */
static bool json_matches(json_t *j, const ac_value *v)
{
    switch (ac_value_type(v)) {
    case AC_NULL:
        return json_is_null(j);
    case AC_BOOL:
        return json_is_boolean(j) && json_is_true(j) == ac_value_bool(v);
    case AC_INTEGER:
        return json_is_integer(j) &&
               json_integer_value(j) == ac_value_integer(v);
    case AC_NUMBER: {
        double a = json_real_value(j), b = ac_value_number(v);
        return json_is_real(j) && memcmp(&a, &b, sizeof a) == 0;
    }
    case AC_STRING: {
        size_t n;
        const char *s = ac_value_string(v, &n);
        return json_is_string(j) && json_string_length(j) == n &&
               memcmp(json_string_value(j), s, n) == 0;
    }
    case AC_LIST:
        if (!json_is_array(j) || json_array_size(j) != ac_value_size(v))
            return false;
        for (size_t i = 0; i < ac_value_size(v); i++)
            if (!json_matches(json_array_get(j, i), ac_list_get(v, i)))
                return false;
        return true;
    case AC_MAP: {
        if (!json_is_object(j) || json_object_size(j) != ac_value_size(v))
            return false;
        size_t i = 0;
        for (void *it = json_object_iter(j); it;
             it = json_object_iter_next(j, it), i++) {
            size_t klen;
            const char *key = ac_map_key(v, i, &klen);
            if (json_object_iter_key_len(it) != klen ||
                memcmp(json_object_iter_key(it), key, klen) != 0 ||
                !json_matches(json_object_iter_value(it), ac_map_value(v, i)))
                return false;
        }
        return true;
    }
    }
    return false;
}

static void assert_positioned(const ac_value *v)
{
    assert_true(ac_value_line(v) > 0);
    assert_true(ac_value_column(v) > 0);
    for (size_t i = 0; i < ac_value_size(v); i++)
        assert_positioned(ac_value_type(v) == AC_LIST ? ac_list_get(v, i)
                                                      : ac_map_value(v, i));
}

static void test_proof(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    rng_state = 0x9E3779B97F4A7C15ULL;
    for (int round = 0; round < 2000; round++) {
        ac_doc *doc = ac_doc_new();
        assert_non_null(doc);
        random_map_into(ac_doc_fields(doc), 0, true);
        if (below(3)) {
            ac_buf b;
            acp_buf_init(&b);
            random_text(&b, true);
            size_t n = b.len;
            /* Readers normalize the instructions: generate normal ones. */
            if (b.data)
                ac_normalize_instructions(b.data, &n);
            assert_int_equal(
                ac_doc_set_instructions(doc, b.data ? b.data : "", n), AC_OK);
            acp_buf_release(&b);
        }

        size_t n1, n2;
        char *out1 = write_ok(ctx, doc, &n1);
        assert_true(n1 > 0 && out1[n1 - 1] == '\n');

        /* Plain jansson reads it, and holds the same values. */
        json_error_t jerr;
        json_t *j = json_loadb(out1, n1, 0, &jerr);
        if (!j)
            print_error("round %d: jansson: %d:%d: %s\n%s\n", round, jerr.line,
                        jerr.column, jerr.text, out1);
        assert_non_null(j);
        size_t ilen;
        const char *instr = ac_doc_instructions(doc, &ilen);
        json_t *ji = json_object_get(j, "instructions");
        if (ilen > 0) {
            assert_non_null(ji);
            assert_int_equal(json_string_length(ji), ilen);
            assert_memory_equal(json_string_value(ji), instr, ilen);
            assert_int_equal(json_object_del(j, "instructions"), 0);
        } else {
            assert_null(ji);
        }
        assert_true(json_matches(j, ac_doc_fields(doc)));
        json_decref(j);

        /* Our reader gives the same model back, every node placed. */
        ac_doc *back = read_ok(ctx, out1, n1);
        assert_true(ac_doc_equal(doc, back));
        assert_positioned(ac_doc_fields(back));

        /* Writing is deterministic and canonical. */
        char *again = write_ok(ctx, doc, &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(out1, again, n1);
        free(again);
        char *out2 = write_ok(ctx, back, &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(out1, out2, n1);
        free(out2);

        ac_doc_free(back);
        free(out1);
        ac_doc_free(doc);
    }
    ac_context_free(ctx);
}

/* ---- jansson's iteration order ---- */

static void test_jansson_order(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    /* 500 keys in an order that is neither sorted nor hash order. */
    ac_buf b;
    acp_buf_init(&b);
    assert_int_equal(ac_buf_puts(&b, "{"), AC_OK);
    rng_state = 42;
    char keys[500][16];
    for (int i = 0; i < 500; i++) {
        snprintf(keys[i], sizeof keys[i], "k%03d_%04x", 499 - i,
                 (unsigned)below(0x10000));
        char item[40];
        snprintf(item, sizeof item, "%s\"%.15s\": %d", i ? ", " : "", keys[i],
                 i);
        assert_int_equal(ac_buf_puts(&b, item), AC_OK);
    }
    assert_int_equal(ac_buf_puts(&b, "}"), AC_OK);

    json_t *j = json_loadb(b.data, b.len, 0, NULL);
    assert_non_null(j);
    int i = 0;
    for (void *it = json_object_iter(j); it;
         it = json_object_iter_next(j, it), i++)
        assert_string_equal(json_object_iter_key(it), keys[i]);
    assert_int_equal(i, 500);
    json_decref(j);

    ac_doc *doc = read_ok(ctx, b.data, b.len);
    const ac_value *f = ac_doc_fields(doc);
    assert_int_equal(ac_value_size(f), 500);
    for (i = 0; i < 500; i++) {
        assert_string_equal(ac_map_key(f, (size_t)i, NULL), keys[i]);
        assert_int_equal(ac_value_integer(ac_map_value(f, (size_t)i)), i);
    }
    ac_doc_free(doc);
    acp_buf_release(&b);
    ac_context_free(ctx);
}

/* ---- positions ---- */

/* The sample: non-ASCII before values (columns count code points), a tab,
 * a 4-byte character, nesting. */
static const char sample[] = "{\n"
                             "  \"name\": \"r\xC3\xBCst\",\n"
                             "  \"tools\": [\n"
                             "    \"Read\", \"\xF0\x9F\x98\x80\", 12,\n"
                             "    {\"deep\": [true, null, -1.5e3]}\n"
                             "  ],\n"
                             "  \"\xC3\xA9\": \"x\",\t\"t\": false,\n"
                             "  \"instructions\": \"Hi\"\n"
                             "}\n";

static void assert_at(const ac_value *v, int line, int column)
{
    assert_non_null(v);
    if (ac_value_line(v) != line || ac_value_column(v) != column)
        print_error("expected %d:%d, found %d:%d\n", line, column,
                    ac_value_line(v), ac_value_column(v));
    assert_int_equal(ac_value_line(v), line);
    assert_int_equal(ac_value_column(v), column);
}

/* The places of every node of the sample, whatever its line ends. */
static void check_sample_positions(const ac_doc *doc)
{
    const ac_value *f = ac_doc_fields(doc);
    assert_at(f, 1, 1);
    assert_at(ac_map_get(f, "name"), 2, 11);
    const ac_value *tools = ac_map_get(f, "tools");
    assert_at(tools, 3, 12);
    assert_at(ac_list_get(tools, 0), 4, 5);
    assert_at(ac_list_get(tools, 1), 4, 13);
    assert_at(ac_list_get(tools, 2), 4, 18);
    const ac_value *m = ac_list_get(tools, 3);
    assert_at(m, 5, 5);
    const ac_value *deep = ac_map_get(m, "deep");
    assert_at(deep, 5, 14);
    assert_at(ac_list_get(deep, 0), 5, 15);
    assert_at(ac_list_get(deep, 1), 5, 21);
    assert_at(ac_list_get(deep, 2), 5, 27);
    assert_at(ac_map_get(f, "\xC3\xA9"), 7, 8);
    assert_at(ac_map_get(f, "t"), 7, 18);
    assert_int_equal(ac_doc_instructions_line(doc), 8);
    assert_string_equal(ac_doc_instructions(doc, NULL), "Hi");
}

/* The byte offset of line:column, counted as the library counts. */
static size_t offset_of(const char *text, size_t len, int line, int column)
{
    for (size_t off = 0; off < len; off++) {
        int l, c;
        if (((unsigned char)text[off] & 0xc0) == 0x80)
            continue;
        acp_line_column(text, len, off, &l, &c);
        if (l == line && c == column)
            return off;
    }
    fail_msg("no offset for %d:%d", line, column);
    return 0;
}

/* Put '#' where a node starts: jansson's error must point where our
 * position index put the node, and so must our own syntax error. */
static void check_agrees(ac_context *ctx, const char *text, size_t len,
                         const ac_value *v)
{
    char *copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, text, len);
    size_t off = offset_of(text, len, ac_value_line(v), ac_value_column(v));
    copy[off] = '#';
    json_error_t jerr;
    json_t *j = json_loadb(copy, len, 0, &jerr);
    assert_null(j);
    assert_int_equal(jerr.line, ac_value_line(v));
    assert_int_equal(jerr.column, ac_value_column(v));
    ac_doc *doc = NULL;
    ac_error e;
    assert_int_equal(ac_read(ctx, json_format(ctx), copy, len, "t", &doc, &e),
                     AC_ERR_SYNTAX);
    assert_int_equal(e.line, ac_value_line(v));
    assert_int_equal(e.column, ac_value_column(v));
    assert_int_equal(e.position, (long)off);
    free(copy);
    for (size_t i = 0; i < ac_value_size(v); i++)
        check_agrees(ctx, text, len,
                     ac_value_type(v) == AC_LIST ? ac_list_get(v, i)
                                                 : ac_map_value(v, i));
}

/* Keys have no node: a keys limit of i stops the reader at key i of the
 * top-level object. That place must be where jansson points when the key's
 * opening quote is spoiled. */
static void check_key_positions(const char *text, size_t len)
{
    static const char *const keys[] = {"\"tools\"", "\"\xC3\xA9\"", "\"t\"",
                                       "\"instructions\""};
    for (size_t i = 0; i < 4; i++) {
        ac_context *ctx = new_context();
        assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_KEYS, i + 1),
                         AC_OK);
        ac_doc *doc = NULL;
        ac_error e;
        assert_int_equal(
            ac_read(ctx, json_format(ctx), text, len, "t", &doc, &e),
            AC_ERR_LIMIT);
        const char *at = strstr(text, keys[i]);
        assert_non_null(at);
        assert_int_equal(e.position, (long)(at - text));
        char *copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, text, len);
        copy[at - text] = '#';
        json_error_t jerr;
        assert_null(json_loadb(copy, len, 0, &jerr));
        assert_int_equal(e.line, jerr.line);
        assert_int_equal(e.column, jerr.column);
        free(copy);
        ac_context_free(ctx);
    }
}

/* The sample with each "\n" replaced by `eol`. */
static char *with_line_ends(const char *eol, size_t *len)
{
    ac_buf b;
    acp_buf_init(&b);
    for (const char *p = sample; *p; p++) {
        if (*p == '\n')
            assert_int_equal(ac_buf_puts(&b, eol), AC_OK);
        else
            assert_int_equal(ac_buf_append(&b, p, 1), AC_OK);
    }
    return acp_buf_detach(&b, len);
}

static void test_positions(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = read_str(ctx, sample);
    check_sample_positions(doc);
    check_agrees(ctx, sample, strlen(sample), ac_doc_fields(doc));
    check_key_positions(sample, strlen(sample));
    ac_doc_free(doc);

    /* CRLF: the same places; jansson agrees. */
    size_t len;
    char *crlf = with_line_ends("\r\n", &len);
    doc = read_ok(ctx, crlf, len);
    check_sample_positions(doc);
    check_agrees(ctx, crlf, len, ac_doc_fields(doc));
    check_key_positions(crlf, len);
    ac_doc_free(doc);
    free(crlf);

    /* Lone CR: the same places (jansson does not count a lone CR as a line
     * end, so there is nothing to agree with). */
    char *cr = with_line_ends("\r", &len);
    doc = read_ok(ctx, cr, len);
    check_sample_positions(doc);
    ac_doc_free(doc);
    free(cr);

    /* A BOM is dropped: the same places, and error positions count it. */
    ac_buf b;
    acp_buf_init(&b);
    assert_int_equal(ac_buf_puts(&b, "\xEF\xBB\xBF"), AC_OK);
    assert_int_equal(ac_buf_puts(&b, sample), AC_OK);
    doc = read_ok(ctx, b.data, b.len);
    check_sample_positions(doc);
    ac_doc_free(doc);
    acp_buf_release(&b);
    ac_error e;
    doc = NULL;
    assert_int_equal(ac_read(ctx, json_format(ctx), "\xEF\xBB\xBF{\"a\": tru}",
                             13, "t", &doc, &e),
                     AC_ERR_SYNTAX);
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, 9);
    assert_int_equal(e.position, 3 + 8);
    ac_context_free(ctx);
}

/* ---- rejected input ---- */

static void test_syntax_errors(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    static const struct {
        const char *input;
        int line, column;
        const char *message;
    } cases[] = {
        {"{\"a\": tru}", 1, 9, "invalid JSON: invalid token near 'tru'"},
        {"{\n  \"a\": tru\n}", 2, 10, "invalid JSON: invalid token near 'tru'"},
        {"{\"\xC3\xA9\xC3\xA9\": tru}", 1, 10,
         "invalid JSON: invalid token near 'tru'"},
        {"{\"a\": 1} x", 1, 10, "invalid JSON: end of file expected near 'x'"},
        {"{\"a\": [1, 2,]}", 1, 13, "invalid JSON: unexpected token near ']'"},
        {"{\"a\" 1}", 1, 6, "invalid JSON: ':' expected near '1'"},
        {"{\"a\": 1,}", 1, 9, "invalid JSON: string or '}' expected near '}'"},
        {"{'a': 1}", 1, 2, "invalid JSON: string or '}' expected near '''"},
        {"{\"a\": 1", 1, 7, "invalid JSON: '}' expected near end of file"},
        {"{\"a\": \"x\ty\"}", 1, 8,
         "invalid JSON: control character 0x9 near '\"x'"},
        {"{\"a\": \"x\ny\"}", 1, 8,
         "invalid JSON: unexpected newline near '\"x'"},
        {"{\"a\": \"\\ud800\"}", 1, 14,
         "invalid JSON: invalid Unicode '\\uD800' near '\"\\ud800\"'"},
        {"{\"a\": \"\\x\"}", 1, 9, "invalid JSON: invalid escape near '\"\\x'"},
        {"{\"a\": 012}", 1, 7, "invalid JSON: invalid token near '0'"},
        {"{\"a\": NaN}", 1, 9, "invalid JSON: invalid token near 'NaN'"},
        {"{\"a\": \"abc", 1, 10,
         "invalid JSON: premature end of input near '\"abc'"},
        {"{} {}", 1, 4, "invalid JSON: end of file expected near '{'"},
        {"{\"a\": 1 // comment\n}", 1, 9,
         "invalid JSON: '}' expected near '/'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_error(ctx, cases[i].input, AC_ERR_SYNTAX, cases[i].line,
                     cases[i].column, cases[i].message);
        /* Where jansson itself points. */
        json_error_t jerr;
        assert_null(json_loadb(cases[i].input, strlen(cases[i].input),
                               JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
                               &jerr));
        assert_int_equal(jerr.line, cases[i].line);
        assert_int_equal(jerr.column, cases[i].column);
    }

    /* At the end of the input after a final line end jansson says column 0
     * of the next line; we say column 1. */
    expect_error(ctx, "{\"a\": 1\n", AC_ERR_SYNTAX, 2, 1,
                 "invalid JSON: '}' expected near end of file");
    expect_error(ctx, "{\"a\": [\r\n", AC_ERR_SYNTAX, 2, 1,
                 "invalid JSON: ']' expected near end of file");
    expect_error(ctx, "", AC_ERR_SYNTAX, 1, 1,
                 "expected a JSON object, found the end of the input");
    expect_error(ctx, " \n  ", AC_ERR_SYNTAX, 2, 3,
                 "expected a JSON object, found the end of the input");
    expect_error(ctx, "hello", AC_ERR_SYNTAX, 1, 5,
                 "invalid JSON: invalid token near 'hello'");
    expect_error(ctx, "\xEF\xBB\xBF\xEF\xBB\xBF{}", AC_ERR_SYNTAX, 1, 1,
                 "invalid JSON: invalid token near '\xEF\xBB\xBF'");
    ac_context_free(ctx);
}

static void test_reject_duplicates(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    expect_error(
        ctx, "{\n  \"name\": \"a\",\n  \"x\": 1,\n  \"name\": \"b\"\n}",
        AC_ERR_SYNTAX, 4, 3, "duplicate key \"name\" (first on line 2)");
    /* In a nested object, not confused by the same key deeper down. */
    expect_error(ctx,
                 "{\"m\": {\"k\": 1,\n \"j\": {\"k\": [2, {\"k\": 3}]},\n"
                 " \"k\": 3}}",
                 AC_ERR_SYNTAX, 3, 2, "duplicate key \"k\" (first on line 1)");
    /* Keys are compared decoded; the message shows the key as written. */
    expect_error(ctx, "{\"ab\": 1,\n \"a\\u0062\": 2}", AC_ERR_SYNTAX, 2, 2,
                 "duplicate key \"a\\u0062\" (first on line 1)");
    expect_error(ctx, "{\"instructions\": \"a\",\n\n\"instructions\": \"b\"}",
                 AC_ERR_SYNTAX, 3, 1,
                 "duplicate key \"instructions\" (first on line 1)");
    /* Keys with escaped quotes, and values holding braces and quotes. */
    expect_error(ctx, "{\"q\\\"\": \"}{\\\"\", \"z\": [\"]\"],\n\"q\\\"\": 0}",
                 AC_ERR_SYNTAX, 2, 1,
                 "duplicate key \"q\\\"\" (first on line 1)");
    /* A long key is cut in the message, at 60 bytes. */
    char text[256], message[160], key[101];
    memset(key, 'k', 100);
    key[100] = '\0';
    snprintf(text, sizeof text, "{\"%s\": 1, \"%s\": 2}", key, key);
    snprintf(message, sizeof message,
             "duplicate key \"%.59s...\" (first on line 1)", key);
    expect_error(ctx, text, AC_ERR_SYNTAX, 1, 109, message);
    /* Duplicates in lists of objects are separate objects: fine. */
    ac_doc *doc = read_str(ctx, "{\"l\": [{\"a\": 1}, {\"a\": 2}]}");
    ac_doc_free(doc);
    ac_context_free(ctx);
}

static void test_reject_structure(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    expect_error(ctx, "\"hello\"", AC_ERR_STRUCTURE, 1, 1,
                 "expected a JSON object, found a string");
    expect_error(ctx, "  42", AC_ERR_STRUCTURE, 1, 3,
                 "expected a JSON object, found a number");
    expect_error(ctx, "-1.5", AC_ERR_STRUCTURE, 1, 1,
                 "expected a JSON object, found a number");
    expect_error(ctx, "\n true", AC_ERR_STRUCTURE, 2, 2,
                 "expected a JSON object, found a boolean");
    expect_error(ctx, "null\n", AC_ERR_STRUCTURE, 1, 1,
                 "expected a JSON object, found null");
    /* An array of objects is a collection (ac_read_many reads it); any
     * other array is only not an object. */
    expect_error(ctx, "[{\"name\": \"a\"}]", AC_ERR_STRUCTURE, 1, 1,
                 "expected a JSON object, found an array of 1 agent (a "
                 "collection: convert it whole, or split it with --split)");
    expect_error(ctx, "\n [{}, {}]", AC_ERR_STRUCTURE, 2, 2,
                 "expected a JSON object, found an array of 2 agents (a "
                 "collection: convert it whole, or split it with --split)");
    expect_error(ctx, "[]", AC_ERR_STRUCTURE, 1, 1,
                 "expected a JSON object, found an empty array (a "
                 "collection of no agents)");
    expect_error(ctx, "[{}, 1]", AC_ERR_STRUCTURE, 1, 1,
                 "expected a JSON object, found an array");
    expect_error(ctx, "\xEF\xBB\xBF\n  [", AC_ERR_SYNTAX, 2, 3,
                 "invalid JSON: ']' expected near end of file");

    expect_error(ctx, "{\"instructions\": [\"a\"]}", AC_ERR_STRUCTURE, 1, 18,
                 "\"instructions\" must be a string, found a list");
    expect_error(ctx, "{\n  \"instructions\":\n    5\n}", AC_ERR_STRUCTURE, 3,
                 5, "\"instructions\" must be a string, found an integer");
    expect_error(ctx, "{\"instructions\": null}", AC_ERR_STRUCTURE, 1, 18,
                 "\"instructions\" must be a string, found null");
    expect_error(ctx, "{\"instructions\": {}}", AC_ERR_STRUCTURE, 1, 18,
                 "\"instructions\" must be a string, found a map");
    expect_error(ctx, "{\"instructions\": 1.5}", AC_ERR_STRUCTURE, 1, 18,
                 "\"instructions\" must be a string, found a number");
    expect_error(ctx, "{\"instructions\": true}", AC_ERR_STRUCTURE, 1, 18,
                 "\"instructions\" must be a string, found a boolean");

    /* Numbers the model cannot hold. */
    expect_error(ctx, "{\"a\": 99999999999999999999}", AC_ERR_STRUCTURE, 1, 7,
                 "integer out of range: 99999999999999999999 does not fit in "
                 "64 bits");
    expect_error(ctx, "{\"a\": [1,\n -9223372036854775809]}", AC_ERR_STRUCTURE,
                 2, 2,
                 "integer out of range: -9223372036854775809 does not fit in "
                 "64 bits");
    expect_error(ctx, "{\"a\": 9223372036854775808}", AC_ERR_STRUCTURE, 1, 7,
                 "integer out of range: 9223372036854775808 does not fit in "
                 "64 bits");
    expect_error(ctx, "{\"a\": 1e400}", AC_ERR_STRUCTURE, 1, 7,
                 "number out of range: 1e400 is too large for a double");
    expect_error(ctx, "{\"a\": -1.5E+999}", AC_ERR_STRUCTURE, 1, 7,
                 "number out of range: -1.5E+999 is too large for a double");
    ac_context_free(ctx);
}

static void test_reject_encoding(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    expect_error(ctx, "{\"a\": \"\xff\"}", AC_ERR_ENCODING, 1, 8,
                 "invalid UTF-8 (byte 0xff)");
    expect_error(ctx, "{\n\"a\": \"\xC3\xA9\xC3(\"}", AC_ERR_ENCODING, 2, 8,
                 "invalid UTF-8 (byte 0xc3)");
    expect_error(ctx, "{\"a\": \"\xED\xA0\x80\"}", AC_ERR_ENCODING, 1, 8,
                 "invalid UTF-8 (byte 0xed)");
    expect_error_n(ctx, "{\"a\":\n 1}\0", 10, AC_ERR_ENCODING, 2, 4,
                   "NUL character (U+0000) in the input");
    expect_error_n(ctx, "{\"a\0\": 1}", 9, AC_ERR_ENCODING, 1, 4,
                   "NUL character (U+0000) in the input");
    expect_error(ctx, "{\"a\": \"x\\u0000y\"}", AC_ERR_ENCODING, 1, 7,
                 "NUL character (\\u0000) in a string");
    expect_error(ctx, "{\"a\": [\"\\\"\", \"\\\\\\u0000\"]}", AC_ERR_ENCODING,
                 1, 14, "NUL character (\\u0000) in a string");
    expect_error(ctx, "{\n \"x\\u0000\": 1}", AC_ERR_ENCODING, 2, 2,
                 "NUL character (\\u0000) in a key");
    ac_context_free(ctx);
}

/* `n` nested lists inside {"a": ...}. */
static char *nested(size_t n, size_t *len)
{
    ac_buf b;
    acp_buf_init(&b);
    assert_int_equal(ac_buf_puts(&b, "{\"a\": "), AC_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ac_buf_append(&b, "[", 1), AC_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ac_buf_append(&b, "]", 1), AC_OK);
    assert_int_equal(ac_buf_puts(&b, "}"), AC_OK);
    return acp_buf_detach(&b, len);
}

static void test_reject_limits(void **state)
{
    (void)state;
    ac_context *ctx = new_context();

    /* Depth: the top-level object is depth 1. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 3), AC_OK);
    ac_doc *doc = read_str(ctx, "{\"a\": {\"b\": [1, 2]}, \"c\": [[]]}");
    ac_doc_free(doc);
    expect_error(ctx, "{\"a\": {\"b\": {\"c\": {}}}}", AC_ERR_LIMIT, 1, 19,
                 "nesting deeper than the depth limit (3)");
    expect_error(ctx, "{\"a\": [1, [2,\n  [3]]]}", AC_ERR_LIMIT, 2, 3,
                 "nesting deeper than the depth limit (3)");
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 1), AC_OK);
    expect_error(ctx, "{\"a\": 1, \"b\": []}", AC_ERR_LIMIT, 1, 15,
                 "nesting deeper than the depth limit (1)");

    /* The default limit, below jansson's own: 99 lists in the object are
     * fine, 100 are not, and 3000 (beyond jansson's 2048) give our error
     * at the same place. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH,
                                          ac_limit_default(AC_LIMIT_DEPTH)),
                     AC_OK);
    size_t len;
    char *text = nested(99, &len);
    doc = read_ok(ctx, text, len);
    ac_doc_free(doc);
    free(text);
    text = nested(100, &len);
    expect_error_n(ctx, text, len, AC_ERR_LIMIT, 1, 106,
                   "nesting deeper than the depth limit (100)");
    free(text);
    text = nested(3000, &len);
    expect_error_n(ctx, text, len, AC_ERR_LIMIT, 1, 106,
                   "nesting deeper than the depth limit (100)");
    /* A limit above jansson's: jansson's own limit is named. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 5000), AC_OK);
    expect_error_n(ctx, text, len, AC_ERR_LIMIT, 1, 2054,
                   "nesting deeper than the JSON parser's own limit (2048 "
                   "levels)");
    free(text);
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 100), AC_OK);

    /* Keys per map, the top-level "instructions" included. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_KEYS, 2), AC_OK);
    doc = read_str(ctx, "{\"a\": 1, \"b\": {\"x\": 1, \"y\": 2}}");
    ac_doc_free(doc);
    expect_error(ctx, "{\"a\": 1, \"b\": 2, \"c\": 3}", AC_ERR_LIMIT, 1, 18,
                 "map with more than 2 keys exceeds the keys limit (2)");
    expect_error(ctx, "{\"a\": 1, \"b\": 2, \"instructions\": \"x\"}",
                 AC_ERR_LIMIT, 1, 18,
                 "map with more than 2 keys exceeds the keys limit (2)");
    expect_error(ctx, "{\"m\": {\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3}}",
                 AC_ERR_LIMIT, 4, 3,
                 "map with more than 2 keys exceeds the keys limit (2)");
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_KEYS, 10000), AC_OK);

    /* Key length in bytes. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_KEY_LENGTH, 3), AC_OK);
    doc = read_str(ctx, "{\"abc\": 1, \"\\u00e9\": 2}");
    ac_doc_free(doc);
    expect_error(ctx, "{\"abc\": 1, \"abcd\": 2}", AC_ERR_LIMIT, 1, 12,
                 "key of 4 bytes exceeds the key-length limit (3 bytes)");
    expect_error(ctx, "{\"\xC3\xA9\xC3\xA9\": 2}", AC_ERR_LIMIT, 1, 2,
                 "key of 4 bytes exceeds the key-length limit (3 bytes)");
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_KEY_LENGTH, 1024),
                     AC_OK);

    /* String length in bytes (decoded), the instructions included. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_STRING_LENGTH, 3),
                     AC_OK);
    doc = read_str(ctx, "{\"a\": \"abc\", \"b\": \"\\n\\n\\n\"}");
    ac_doc_free(doc);
    expect_error(ctx, "{\"a\": [\"abcd\"]}", AC_ERR_LIMIT, 1, 8,
                 "string of 4 bytes exceeds the string-length limit (3 "
                 "bytes)");
    /* The instructions are bounded by the input size, not by this limit
     * (docs/limits.md): an md body longer than it converts to json and
     * back. */
    static const char json_instructions[] = "{\"instructions\": \"Hello\"}";
    ac_doc *read = NULL;
    ac_error e;
    assert_int_equal(ac_read(ctx, ac_format_find(ctx, "json"),
                             json_instructions, sizeof json_instructions - 1,
                             "in", &read, &e),
                     AC_OK);
    assert_string_equal(ac_doc_instructions(read, NULL), "Hello");
    ac_doc_free(read);
    ac_context_free(ctx);
}

/* ---- instructions ---- */

static void test_instructions(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = read_str(ctx, "{\n  \"instructions\": \"\\r\\n\\n  \\n\\t\\n"
                                "Hello\\r\\nWorld\\rEnd\\r\\n\",\n"
                                "  \"name\": \"x\"\n}\n");
    size_t n;
    const char *s = ac_doc_instructions(doc, &n);
    assert_int_equal(n, 16);
    assert_memory_equal(s, "Hello\nWorld\nEnd\n", 16);
    assert_int_equal(ac_doc_instructions_line(doc), 2);
    /* The fields hold no "instructions"; it is written last. */
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 1);
    assert_null(ac_map_get(ac_doc_fields(doc), "instructions"));
    char *out = write_ok(ctx, doc, NULL);
    assert_string_equal(out, "{\n"
                             "  \"name\": \"x\",\n"
                             "  \"instructions\": \"Hello\\nWorld\\nEnd\\n\"\n"
                             "}\n");
    free(out);
    ac_doc_free(doc);

    /* Indentation of the first line and a missing final newline stay. */
    doc = read_str(ctx, "{\"instructions\": \"\\n   Indented\\n  more\"}");
    assert_string_equal(ac_doc_instructions(doc, NULL), "   Indented\n  more");
    ac_doc_free(doc);

    /* Deeper down "instructions" is an ordinary key. */
    doc = read_str(ctx, "{\"m\": {\"instructions\": 5}, \"l\": "
                        "[{\"instructions\": [\"\\r\\n\"]}]}");
    const ac_value *m = ac_map_get(ac_doc_fields(doc), "m");
    assert_int_equal(ac_value_integer(ac_map_get(m, "instructions")), 5);
    const ac_value *l = ac_map_get(ac_doc_fields(doc), "l");
    const ac_value *li = ac_map_get(ac_list_get(l, 0), "instructions");
    assert_string_equal(ac_value_string(ac_list_get(li, 0), NULL), "\r\n");
    assert_int_equal(ac_doc_instructions(doc, NULL)[0], '\0');
    assert_int_equal(ac_doc_instructions_line(doc), 0);
    round_trip(ctx, doc);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

/* ---- the writer refuses what JSON or the model cannot carry ---- */

static void expect_write_error(ac_context *ctx, const ac_doc *doc,
                               ac_status status, const char *message)
{
    char *out = (char *)&out;
    size_t n = 1;
    ac_error e;
    ac_status st = ac_write(ctx, json_format(ctx), doc, &out, &n, &e);
    assert_int_equal(st, status);
    assert_null(out);
    assert_int_equal(e.status, status);
    assert_string_equal(e.text, message);
}

static void test_write_rejects(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = ac_doc_new();
    ac_value *f = ac_doc_fields(doc);
    set(f, "name", str("x"));
    set(f, "instructions", str("a field named so"));
    expect_write_error(ctx, doc, AC_ERR_STRUCTURE,
                       "the fields hold the key \"instructions\", which is "
                       "reserved for the instructions text");
    assert_true(ac_map_remove(f, "instructions", 12));

    ac_value *tools = ac_value_new_list();
    append(tools, str("Read"));
    append(tools, ac_value_new_string("a\xff", 2));
    set(f, "tools", tools);
    expect_write_error(ctx, doc, AC_ERR_ENCODING,
                       "invalid UTF-8 (byte 0xff) in the string at /tools/1");
    assert_true(ac_map_remove(f, "tools", 5));

    ac_value *m = ac_value_new_map();
    ac_value *inner = ac_value_new_map();
    set(inner, "ok", ac_value_new_integer(1));
    assert_int_equal(ac_map_set(inner, "k\0", 2, ac_value_new_null()), AC_OK);
    set(m, "a/b~c", inner);
    set(f, "m", m);
    expect_write_error(
        ctx, doc, AC_ERR_ENCODING,
        "NUL character (U+0000) in a key of the map at /m/a~1b~0c");
    assert_true(ac_map_remove(f, "m", 1));

    assert_int_equal(ac_map_set(f, "\xC3", 1, ac_value_new_null()), AC_OK);
    expect_write_error(ctx, doc, AC_ERR_ENCODING,
                       "invalid UTF-8 (byte 0xc3) in a key of the fields");
    assert_true(ac_map_remove(f, "\xC3", 1));

    assert_int_equal(ac_doc_set_instructions(doc, "a\0b", 3), AC_OK);
    expect_write_error(ctx, doc, AC_ERR_ENCODING,
                       "NUL character (U+0000) in the instructions");
    assert_int_equal(ac_doc_set_instructions(doc, "", 0), AC_OK);

    /* Depth, as the reader counts it. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 3), AC_OK);
    ac_value *l1 = ac_value_new_list();
    ac_value *l2 = ac_value_new_list();
    ac_value *l3 = ac_value_new_list();
    append(l2, l3);
    append(l1, l2);
    set(f, "deep", l1);
    expect_write_error(ctx, doc, AC_ERR_LIMIT,
                       "nesting deeper than the depth limit (3) at /deep/0/0");
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 4), AC_OK);
    round_trip(ctx, doc);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_write_exact),
        cmocka_unit_test(test_write_empty),
        cmocka_unit_test(test_round_trip_types),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_string_runs),
        cmocka_unit_test(test_proof),
        cmocka_unit_test(test_jansson_order),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_reject_duplicates),
        cmocka_unit_test(test_reject_structure),
        cmocka_unit_test(test_reject_encoding),
        cmocka_unit_test(test_reject_limits),
        cmocka_unit_test(test_instructions),
        cmocka_unit_test(test_write_rejects),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
