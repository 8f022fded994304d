/*
 * Unit tests of ac_doc_check: the schema's rules (schemas/agent.schema.json)
 * and Claude Code's, the exact diagnostics and their positions in every
 * form, the count it returns, and documents built through the API.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The diagnostics of one check, formatted as the CLI prints them, one per
 * line. */
typedef struct collected {
    char text[4096];
    size_t errors;
    size_t warnings;
} collected;

static void collect(void *user, const ac_error *d, bool is_error)
{
    collected *c = user;
    char line[700];
    ac_error_format(d, is_error ? "error" : "warning", line, sizeof line);
    size_t used = strlen(c->text);
    snprintf(c->text + used, sizeof c->text - used, "%s\n", line);
    if (is_error) {
        c->errors++;
        assert_int_equal(d->status, AC_ERR_STRUCTURE);
    } else {
        c->warnings++;
    }
    assert_int_equal(d->position, -1);
}

static int setup(void **state)
{
    ac_context *ctx = ac_context_new();
    if (!ctx)
        return -1;
    *state = ctx;
    return 0;
}

static int teardown(void **state)
{
    ac_context_free(*state);
    return 0;
}

/* Read `data` in `form`, check it with `flags`, and compare the
 * diagnostics with `want` (lines, each ending in a newline). */
static void expect(ac_context *ctx, const char *form, const char *data,
                   unsigned flags, const char *want)
{
    ac_doc *doc = NULL;
    ac_error e;
    char source[32];
    snprintf(source, sizeof source, "in.%s", form);
    ac_status st = ac_read(ctx, ac_format_find(ctx, form), data, strlen(data),
                           source, &doc, &e);
    if (st != AC_OK)
        fail_msg("read failed: %s", e.text);
    collected c;
    memset(&c, 0, sizeof c);
    size_t n = ac_doc_check(ctx, doc, source, flags, collect, &c);
    if (strcmp(c.text, want) != 0)
        fail_msg("diagnostics differ:\n--- got\n%s--- want\n%s", c.text, want);
    assert_int_equal(n, c.errors);
    assert_int_equal(c.warnings, 0);
    /* Without a callback the count is the same. */
    assert_int_equal(ac_doc_check(ctx, doc, source, flags, NULL, NULL), n);
    ac_doc_free(doc);
}

static void test_valid(void **state)
{
    ac_context *ctx = *state;
    expect(ctx, "md",
           "---\nname: a\ndescription: b\ncolor: red\nmodel: opus\n"
           "tools: Read, Grep\n---\nBody\n",
           AC_CHECK_CLAUDE, "");
    expect(ctx, "md", "---\nmodel: [a, b]\ntools: [Read]\n---\n", 0, "");
    expect(ctx, "md", "---\ntools: {read: true, write: false}\n---\n", 0, "");
    expect(ctx, "md", "---\ntools: []\nmodel: []\n---\n", 0, "");
    expect(ctx, "md", "---\ntools: {}\n---\n", 0, "");
    /* Other fields may hold anything; empty strings are strings. */
    expect(ctx, "md",
           "---\nname: ''\ntemperature: 0.2\nsteps: 3\nx: null\n"
           "handoffs: [{label: a}]\n---\n",
           0, "");
    expect(ctx, "json", "{}", 0, "");
}

static void test_schema_types(void **state)
{
    ac_context *ctx = *state;
    expect(ctx, "md", "---\nname: 1\ndescription: null\ncolor: [red]\n---\n", 0,
           "in.md:2:7: error: \"name\" must be a string, found an integer\n"
           "in.md:3:14: error: \"description\" must be a string, found null\n"
           "in.md:4:8: error: \"color\" must be a string, found a list\n");
    expect(ctx, "md", "---\nmodel: {a: b}\ntools: 5\n---\n", 0,
           "in.md:2:8: error: \"model\" must be a string or a list of "
           "strings, found a map\n"
           "in.md:3:8: error: \"tools\" must be a string, a list of strings "
           "or a map of booleans, found an integer\n");
    expect(ctx, "md", "---\ntools: true\nmodel: 1.5\n---\n", 0,
           "in.md:2:8: error: \"tools\" must be a string, a list of strings "
           "or a map of booleans, found a boolean\n"
           "in.md:3:8: error: \"model\" must be a string or a list of "
           "strings, found a number\n");
}

/* Items and entries are reported where they are, one by one. */
static void test_items(void **state)
{
    ac_context *ctx = *state;
    expect(ctx, "md",
           "---\ntools:\n- Read\n- 7\n- [x]\nmodel: [a, null]\n---\n", 0,
           "in.md:4:3: error: item 2 of \"tools\" must be a string, found an "
           "integer\n"
           "in.md:5:3: error: item 3 of \"tools\" must be a string, found a "
           "list\n"
           "in.md:6:12: error: item 2 of \"model\" must be a string, found "
           "null\n");
    expect(
        ctx, "md",
        "---\ntools:\n  read: true\n  write: \"yes\"\n  \"a\\\"b\": 1\n---\n",
        0,
        "in.md:4:10: error: entry \"write\" of \"tools\" must be a boolean, "
        "found a string\n"
        "in.md:5:11: error: entry \"a\\\"b\" of \"tools\" must be a boolean, "
        "found an integer\n");
}

/* The same document in every form: positions where the form has them. */
static void test_forms(void **state)
{
    ac_context *ctx = *state;
    expect(ctx, "json", "{\n  \"name\": \"a\",\n  \"tools\": 5\n}\n", 0,
           "in.json:3:12: error: \"tools\" must be a string, a list of "
           "strings or a map of booleans, found an integer\n");
    expect(ctx, "yaml", "name: a\ntools: 5\n", 0,
           "in.yaml:2:8: error: \"tools\" must be a string, a list of "
           "strings or a map of booleans, found an integer\n");
    expect(ctx, "xml",
           "<agent xmlns=\"urn:agentconv:agent:1\">\n"
           "  <name>a</name>\n"
           "  <tools type=\"integer\">5</tools>\n"
           "</agent>\n",
           AC_CHECK_CLAUDE,
           "in.xml:1: error: missing field \"description\": Claude Code "
           "requires a non-empty string\n"
           "in.xml:3: error: \"tools\" must be a string, a list of strings "
           "or a map of booleans, found an integer\n");
}

static void test_claude(void **state)
{
    ac_context *ctx = *state;
    static const char empty[] = "---\n---\nBody\n";
    expect(ctx, "md", empty, 0, "");
    expect(ctx, "md", empty, AC_CHECK_CLAUDE,
           "in.md:1:1: error: missing field \"name\": Claude Code requires a "
           "non-empty string\n"
           "in.md:1:1: error: missing field \"description\": Claude Code "
           "requires a non-empty string\n");
    expect(ctx, "md", "---\nname: \"\"\ndescription: ''\n---\n",
           AC_CHECK_CLAUDE,
           "in.md:2:7: error: \"name\" must be a non-empty string for Claude "
           "Code, found an empty string\n"
           "in.md:3:14: error: \"description\" must be a non-empty string for "
           "Claude Code, found an empty string\n");
    expect(ctx, "md", "---\nname: -a:b\ndescription: d\n---\n", AC_CHECK_CLAUDE,
           "in.md:2:7: error: \"name\" must not contain ':' for Claude Code, "
           "found \"-a:b\"\n"
           "in.md:2:7: error: \"name\" must not start with '-' for Claude "
           "Code, found \"-a:b\"\n");
    /* A map of tools is the schema's, not Claude Code's; its own problem
     * comes before its entries'. */
    expect(ctx, "md", "---\ntools: {read: true}\n---\n", 0, "");
    expect(ctx, "md", "---\nname: a\ndescription: d\ntools: {read: 1}\n---\n",
           AC_CHECK_CLAUDE,
           "in.md:4:8: error: \"tools\" must be a string or a list of strings "
           "for Claude Code, found a map\n"
           "in.md:4:15: error: entry \"read\" of \"tools\" must be a boolean, "
           "found an integer\n");
    /* A wrong type is the schema's error, not reported twice. */
    expect(ctx, "md", "---\nname: 5\ndescription: [d]\n---\n", AC_CHECK_CLAUDE,
           "in.md:2:7: error: \"name\" must be a string, found an integer\n"
           "in.md:3:14: error: \"description\" must be a string, found a "
           "list\n");
    /* Whitespace is not empty (Claude Code tests the string itself). */
    expect(ctx, "md", "---\nname: ' '\ndescription: d\n---\n", AC_CHECK_CLAUDE,
           "");
}

/* A long or awkward string is shown quoted, escaped and cut. */
static void test_quoting(void **state)
{
    ac_context *ctx = *state;
    expect(ctx, "md",
           "---\nname: \"x:\\t\\u00e9\\u0001 "
           "0123456789012345678901234567890123456789\xc3\xa9\xc3\xa9\"\n"
           "description: d\n---\n",
           AC_CHECK_CLAUDE,
           "in.md:2:7: error: \"name\" must not contain ':' for Claude Code, "
           "found \"x:\\t\xc3\xa9\\x01 0123456789012345678901234567890123456789"
           "...\"\n");
}

/* A document built through the API has no positions. */
static void test_no_positions(void **state)
{
    ac_context *ctx = *state;
    ac_doc *doc = ac_doc_new();
    assert_non_null(doc);
    ac_value *fields = ac_doc_fields(doc);
    assert_int_equal(ac_map_set(fields, "tools", 5, ac_value_new_integer(1)),
                     AC_OK);
    collected c;
    memset(&c, 0, sizeof c);
    assert_int_equal(ac_doc_check(ctx, doc, NULL, AC_CHECK_CLAUDE, collect, &c),
                     3);
    assert_string_equal(
        c.text, "<input>: error: missing field \"name\": Claude Code requires "
                "a non-empty string\n"
                "<input>: error: missing field \"description\": Claude Code "
                "requires a non-empty string\n"
                "<input>: error: \"tools\" must be a string, a list of strings "
                "or a map of booleans, found an integer\n");
    /* Strict mode changes nothing: no check warns. */
    ac_context_set_strict(ctx, true);
    assert_int_equal(ac_doc_check(ctx, doc, NULL, 0, NULL, NULL), 1);
    ac_doc_free(doc);
    /* No document: one error. */
    assert_int_equal(ac_doc_check(ctx, NULL, "x", 0, NULL, NULL), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_valid),        T(test_schema_types), T(test_items),
        T(test_forms),        T(test_claude),       T(test_quoting),
        T(test_no_positions),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
