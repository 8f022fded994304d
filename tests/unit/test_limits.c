/*
 * The safety limits (docs/limits.md): each can be lowered, so that an input
 * just over it is refused with AC_ERR_LIMIT and a message naming it, and
 * raised, so that an input over its default converts in every form, up to
 * the ceilings of the parsers, which are checked to be where docs/limits.md
 * says (refused there with one line, never a crash).
 *
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentconv/agentconv.h"

static const char *const forms[] = {"md", "json", "yaml", "xml"};

/* ---- a growing text ---- */

typedef struct {
    char *p;
    size_t len, cap;
} text;

static void add(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1)
            cap *= 2;
        t->p = realloc(t->p, cap);
        assert_non_null(t->p);
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void adds(text *t, const char *s) { add(t, s, strlen(s)); }

static void repeat(text *t, const char *s, size_t times)
{
    for (size_t i = 0; i < times; i++)
        adds(t, s);
}

/* ---- helpers ---- */

static ac_context *context_with(ac_limit limit, uint64_t value)
{
    ac_context *ctx = ac_context_new();
    assert_non_null(ctx);
    assert_int_equal(ac_context_set_limit(ctx, limit, value), AC_OK);
    assert_true(ac_context_limit(ctx, limit) == value);
    return ctx;
}

/* Reading `t` in `form` fails with AC_ERR_LIMIT, a one-line message holding
 * `needle`. */
static void assert_refused(ac_context *ctx, const char *form, const text *t,
                           const char *needle)
{
    ac_doc *doc = NULL;
    ac_error e;
    ac_status st =
        ac_read(ctx, ac_format_find(ctx, form), t->p, t->len, "in", &doc, &e);
    if (st != AC_ERR_LIMIT || !strstr(e.text, needle) || strchr(e.text, '\n')) {
        fprintf(stderr, "%s: status %d, '%s', expected the %s limit\n", form,
                (int)st, st == AC_OK ? "" : e.text, needle);
        fail();
    }
    assert_null(doc);
}

/* Reading `t` in `form` fails (any status) with a one-line message holding
 * `needle`: a parser's own ceiling. */
static void assert_parser_refuses(ac_context *ctx, const char *form,
                                  const text *t, const char *needle)
{
    ac_doc *doc = NULL;
    ac_error e;
    ac_status st =
        ac_read(ctx, ac_format_find(ctx, form), t->p, t->len, "in", &doc, &e);
    if (st == AC_OK || !strstr(e.text, needle) || strchr(e.text, '\n')) {
        fprintf(stderr, "%s: status %d, '%s', expected '%s'\n", form, (int)st,
                st == AC_OK ? "" : e.text, needle);
        fail();
    }
    assert_null(doc);
}

/* `t` reads in `form`, and the document is written in every form and reads
 * back equal from each. Returns the document read. */
static ac_doc *assert_converts(ac_context *ctx, const char *form, const text *t)
{
    ac_doc *doc = NULL;
    ac_error e;
    ac_status st =
        ac_read(ctx, ac_format_find(ctx, form), t->p, t->len, "in", &doc, &e);
    if (st != AC_OK) {
        fprintf(stderr, "%s: %s\n", form, e.text);
        fail();
    }
    for (size_t f = 0; f < 4; f++) {
        const ac_format *to = ac_format_find(ctx, forms[f]);
        char *out = NULL;
        size_t len = 0;
        st = ac_write(ctx, to, doc, &out, &len, &e);
        if (st != AC_OK) {
            fprintf(stderr, "%s -> %s: %s\n", form, forms[f], e.text);
            fail();
        }
        ac_doc *back = NULL;
        st = ac_read(ctx, to, out, len, "out", &back, &e);
        if (st != AC_OK) {
            fprintf(stderr, "%s -> %s -> back: %s\n", form, forms[f], e.text);
            fail();
        }
        assert_true(ac_doc_equal(doc, back));
        ac_doc_free(back);
        free(out);
    }
    return doc;
}

/* An agent in `form` whose fields are `fields_yaml` (md, yaml) or
 * `fields_json` (json) or `fields_xml` (xml). */
static void agent(text *t, const char *form, const char *yaml, const char *json,
                  const char *xml)
{
    if (strcmp(form, "md") == 0) {
        adds(t, "---\nname: t\n");
        adds(t, yaml);
        adds(t, "---\nbody\n");
    } else if (strcmp(form, "yaml") == 0) {
        adds(t, "name: t\n");
        adds(t, yaml);
    } else if (strcmp(form, "json") == 0) {
        adds(t, "{\"name\": \"t\"");
        adds(t, json);
        adds(t, "}\n");
    } else {
        adds(t, "<agent xmlns=\"urn:agentconv:agent:1\"><name>t</name>");
        adds(t, xml);
        adds(t, "</agent>\n");
    }
}

/* A field `v` holding a list nested `depth` deep (the fields map is level
 * 1, so the value is at level 2 and the innermost list at depth + 1). */
static void deep_agent(text *t, const char *form, size_t depth)
{
    text y = {0}, j = {0}, x = {0};
    adds(&y, "v: ");
    repeat(&y, "[", depth);
    adds(&y, "1");
    repeat(&y, "]", depth);
    adds(&y, "\n");
    adds(&j, ", \"v\": ");
    repeat(&j, "[", depth);
    adds(&j, "1");
    repeat(&j, "]", depth);
    adds(&x, "<v type=\"list\">");
    repeat(&x, "<item type=\"list\">", depth - 1);
    adds(&x, "<item type=\"integer\">1</item>");
    repeat(&x, "</item>", depth - 1);
    adds(&x, "</v>");
    agent(t, form, y.p, j.p, x.p);
    free(y.p);
    free(j.p);
    free(x.p);
}

/* ---- the tests ---- */

static void limits_table(void **state)
{
    (void)state;
    /* The defaults docs/limits.md gives. */
    assert_true(ac_limit_default(AC_LIMIT_INPUT_SIZE) == 16u << 20);
    assert_true(ac_limit_default(AC_LIMIT_DEPTH) == 100);
    assert_true(ac_limit_default(AC_LIMIT_ALIAS_NODES) == 10000);
    assert_true(ac_limit_default(AC_LIMIT_STRING_LENGTH) == 8u << 20);
    assert_true(ac_limit_default(AC_LIMIT_KEYS) == 10000);
    assert_true(ac_limit_default(AC_LIMIT_KEY_LENGTH) == 1024);
    ac_context *ctx = ac_context_new();
    assert_non_null(ctx);
    for (int l = 0; l < AC_LIMIT_COUNT_; l++) {
        assert_true(ac_context_limit(ctx, (ac_limit)l) ==
                    ac_limit_default((ac_limit)l));
        /* 0 is refused; 1 and the largest value are taken. */
        assert_int_equal(ac_context_set_limit(ctx, (ac_limit)l, 0),
                         AC_ERR_ARGUMENT);
        assert_int_equal(ac_context_set_limit(ctx, (ac_limit)l, 1), AC_OK);
        assert_int_equal(ac_context_set_limit(ctx, (ac_limit)l, UINT64_MAX),
                         AC_OK);
        assert_true(ac_context_limit(ctx, (ac_limit)l) == UINT64_MAX);
    }
    ac_context_free(ctx);
}

static void input_size(void **state)
{
    (void)state;
    text t = {0};
    adds(&t, "---\nname: big\n---\n");
    repeat(&t, "0123456789abcdef0123456789abcdef0123456789abcdef012345678\n",
           350000); /* 20 MiB and more */
    ac_context *ctx = context_with(AC_LIMIT_INPUT_SIZE, 20);
    assert_refused(ctx, "md", &t, "input-size limit (20 bytes)");
    ac_context_free(ctx);
    ctx = ac_context_new();
    assert_refused(ctx, "md", &t, "input-size limit");
    /* Raised over the default: converts. (The xml reader's own ceiling
     * is 2 GiB - 1, INT_MAX, libxml2's int lengths: too big to test.) */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_INPUT_SIZE, 64u << 20),
                     AC_OK);
    ac_doc_free(assert_converts(ctx, "md", &t));
    ac_context_free(ctx);
    free(t.p);
}

static void depth(void **state)
{
    (void)state;
    for (size_t f = 0; f < 4; f++) {
        text t = {0};
        deep_agent(&t, forms[f], 3); /* innermost list at depth 4 */
        ac_context *ctx = context_with(AC_LIMIT_DEPTH, 3);
        assert_refused(ctx, forms[f], &t, "depth limit (3)");
        assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 4), AC_OK);
        ac_doc_free(assert_converts(ctx, forms[f], &t));
        ac_context_free(ctx);
        free(t.p);
    }
    /* Raised to 250: a 200-deep value converts in every form (libxml2's
     * 256 levels hold it: <agent>, the field, 199 <item>s). */
    for (size_t f = 0; f < 4; f++) {
        text t = {0};
        deep_agent(&t, forms[f], 200);
        ac_context *ctx = ac_context_new();
        assert_refused(ctx, forms[f], &t, "depth limit (100)");
        assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 250), AC_OK);
        ac_doc_free(assert_converts(ctx, forms[f], &t));
        ac_context_free(ctx);
        free(t.p);
    }
    /* The ceilings: libxml2 stops at 256 levels, jansson at 2048 (its
     * JSON_PARSER_MAX_DEPTH); md and yaml have none of their own (the
     * readers keep their own stack). */
    ac_context *ctx = context_with(AC_LIMIT_DEPTH, 100000);
    text t = {0};
    deep_agent(&t, "xml", 300);
    assert_parser_refuses(ctx, "xml", &t, "XML parser's own limit (256");
    free(t.p);
    t = (text){0};
    deep_agent(&t, "json", 3000);
    assert_parser_refuses(ctx, "json", &t, "JSON parser's own limit (2048");
    free(t.p);
    for (size_t f = 0; f < 3; f += 2) { /* md, yaml */
        t = (text){0};
        deep_agent(&t, forms[f], 3000);
        ac_doc *doc = NULL;
        ac_error e;
        assert_int_equal(ac_read(ctx, ac_format_find(ctx, forms[f]), t.p, t.len,
                                 "in", &doc, &e),
                         AC_OK);
        /* ... and the yaml writer writes it, and it reads back. */
        char *out = NULL;
        size_t len = 0;
        assert_int_equal(
            ac_write(ctx, ac_format_find(ctx, "yaml"), doc, &out, &len, &e),
            AC_OK);
        ac_doc *back = NULL;
        assert_int_equal(ac_read(ctx, ac_format_find(ctx, "yaml"), out, len,
                                 "out", &back, &e),
                         AC_OK);
        assert_true(ac_doc_equal(doc, back));
        ac_doc_free(back);
        free(out);
        ac_doc_free(doc);
        free(t.p);
    }
    ac_context_free(ctx);
}

/* Nine levels of `fan` aliases each: fan^9 nodes. */
static void alias_bomb(text *t, int levels, int fan)
{
    adds(t, "name: bomb\na0: &a0 [lol]\n");
    for (int i = 1; i <= levels; i++) {
        char line[64];
        snprintf(line, sizeof line, "a%d: &a%d [", i, i);
        adds(t, line);
        for (int j = 0; j < fan; j++) {
            snprintf(line, sizeof line, "%s*a%d", j ? ", " : "", i - 1);
            adds(t, line);
        }
        adds(t, "]\n");
    }
}

static void alias_nodes(void **state)
{
    (void)state;
    text t = {0};
    alias_bomb(&t, 4, 10); /* 10 + 100 + 1,000 + 10,000 aliases' nodes */
    ac_context *ctx = ac_context_new();
    assert_refused(ctx, "yaml", &t, "alias-nodes limit");
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_ALIAS_NODES, 5), AC_OK);
    assert_refused(ctx, "yaml", &t, "alias-nodes limit");
    /* Raised: the expansion is read (libyaml has no ceiling: memory is
     * the bound) and written in every form. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_ALIAS_NODES, 1000000),
                     AC_OK);
    ac_doc *doc = assert_converts(ctx, "yaml", &t);
    assert_int_equal(ac_value_size(ac_map_get(ac_doc_fields(doc), "a4")), 10);
    ac_doc_free(doc);
    ac_context_free(ctx);
    free(t.p);
}

static void string_length(void **state)
{
    (void)state;
    for (size_t f = 0; f < 4; f++) {
        text t = {0};
        agent(&t, forms[f], "description: abcdefghijk\n",
              ", \"description\": \"abcdefghijk\"",
              "<description>abcdefghijk</description>");
        ac_context *ctx = context_with(AC_LIMIT_STRING_LENGTH, 10);
        assert_refused(ctx, forms[f], &t, "string-length limit");
        assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_STRING_LENGTH, 11),
                         AC_OK);
        ac_doc_free(assert_converts(ctx, forms[f], &t));
        ac_context_free(ctx);
        free(t.p);
    }
    /* Raised over the default (8 MiB): a 12 MB value in every form. The
     * xml writer cuts CDATA sections at 4 MiB, under libxml2's 10,000,000
     * bytes a section; plain text has no ceiling of libxml2's. */
    text big = {0};
    repeat(&big, "abcdefghijkl", 1000000);
    text y = {0}, j = {0}, x = {0};
    adds(&y, "description: ");
    add(&y, big.p, big.len);
    adds(&y, "\n");
    adds(&j, ", \"description\": \"");
    add(&j, big.p, big.len);
    adds(&j, "\"");
    adds(&x, "<description>");
    add(&x, big.p, big.len);
    adds(&x, "</description>");
    for (size_t f = 0; f < 4; f++) {
        text t = {0};
        agent(&t, forms[f], y.p, j.p, x.p);
        ac_context *ctx = ac_context_new();
        assert_refused(ctx, forms[f], &t, "string-length limit");
        assert_int_equal(
            ac_context_set_limit(ctx, AC_LIMIT_STRING_LENGTH, 16u << 20),
            AC_OK);
        ac_doc_free(assert_converts(ctx, forms[f], &t));
        ac_context_free(ctx);
        free(t.p);
    }
    free(big.p);
    free(y.p);
    free(j.p);
    free(x.p);
}

static void keys(void **state)
{
    (void)state;
    for (size_t f = 0; f < 4; f++) {
        text y = {0}, j = {0}, x = {0};
        for (int i = 0; i < 20000; i++) {
            char line[64];
            snprintf(line, sizeof line, "k%d: v\n", i);
            adds(&y, line);
            snprintf(line, sizeof line, ", \"k%d\": \"v\"", i);
            adds(&j, line);
            snprintf(line, sizeof line, "<k%d>v</k%d>", i, i);
            adds(&x, line);
        }
        text t = {0};
        agent(&t, forms[f], y.p, j.p, x.p);
        ac_context *ctx = ac_context_new();
        assert_refused(ctx, forms[f], &t, "keys limit");
        assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_KEYS, 3), AC_OK);
        assert_refused(ctx, forms[f], &t, "keys limit");
        /* Raised: 20,001 fields (no parser has a ceiling). 20,002: in
         * json, yaml and xml the "instructions" entry is one more key of
         * the agent's map (docs/limits.md). */
        assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_KEYS, 20002),
                         AC_OK);
        ac_doc *doc = assert_converts(ctx, forms[f], &t);
        assert_int_equal(ac_value_size(ac_doc_fields(doc)), 20001);
        ac_doc_free(doc);
        ac_context_free(ctx);
        free(t.p);
        free(y.p);
        free(j.p);
        free(x.p);
    }
}

static void key_length(void **state)
{
    (void)state;
    for (size_t f = 0; f < 4; f++) {
        text t = {0};
        agent(&t, forms[f], "abcdefghijklm: v\n", ", \"abcdefghijklm\": \"v\"",
              "<abcdefghijklm>v</abcdefghijklm>");
        ac_context *ctx = context_with(AC_LIMIT_KEY_LENGTH, 12);
        assert_refused(ctx, forms[f], &t, "key-length limit");
        /* (12 and more: "instructions" is a key of json, yaml and xml.) */
        assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_KEY_LENGTH, 13),
                         AC_OK);
        ac_doc_free(assert_converts(ctx, forms[f], &t));
        ac_context_free(ctx);
        free(t.p);
    }
    /* Raised to 1 MiB: a key of 40,000 bytes converts in every form (the
     * yaml writers write it as an explicit "? " key: libyaml reads plain
     * keys of 1,024 characters at most). */
    text key = {0};
    repeat(&key, "k", 40000);
    text y = {0}, j = {0}, x = {0};
    adds(&y, "? ");
    add(&y, key.p, key.len);
    adds(&y, "\n: v\n");
    adds(&j, ", \"");
    add(&j, key.p, key.len);
    adds(&j, "\": \"v\"");
    adds(&x, "<");
    add(&x, key.p, key.len);
    adds(&x, ">v</");
    add(&x, key.p, key.len);
    adds(&x, ">");
    for (size_t f = 0; f < 4; f++) {
        text t = {0};
        agent(&t, forms[f], y.p, j.p, x.p);
        ac_context *ctx = ac_context_new();
        assert_refused(ctx, forms[f], &t, "key-length limit");
        assert_int_equal(
            ac_context_set_limit(ctx, AC_LIMIT_KEY_LENGTH, 1u << 20), AC_OK);
        ac_doc_free(assert_converts(ctx, forms[f], &t));
        ac_context_free(ctx);
        free(t.p);
    }
    /* The ceilings: a plain YAML key of more than 1,024 characters is a
     * libyaml syntax error; an XML element name of more than 50,000 bytes
     * is libxml2's (XML_MAX_NAME_LENGTH). */
    ac_context *ctx = context_with(AC_LIMIT_KEY_LENGTH, 1u << 20);
    text t = {0}, plain = {0};
    add(&plain, key.p, 1025);
    adds(&plain, ": v\n");
    agent(&t, "yaml", plain.p, "", "");
    assert_parser_refuses(ctx, "yaml", &t, "could not find expected ':'");
    free(t.p);
    free(plain.p);
    text name = {0};
    repeat(&name, "k", 50001);
    t = (text){0};
    adds(&t, "<agent xmlns=\"urn:agentconv:agent:1\"><name>t</name><");
    add(&t, name.p, name.len);
    adds(&t, ">v</");
    add(&t, name.p, name.len);
    adds(&t, "></agent>\n");
    assert_parser_refuses(ctx, "xml", &t, "invalid XML");
    free(t.p);
    free(name.p);
    ac_context_free(ctx);
    free(key.p);
    free(y.p);
    free(j.p);
    free(x.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(limits_table),  cmocka_unit_test(input_size),
        cmocka_unit_test(depth),         cmocka_unit_test(alias_nodes),
        cmocka_unit_test(string_length), cmocka_unit_test(keys),
        cmocka_unit_test(key_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
