/*
 * Unit tests of collections (several agents in one file) in the json, yaml
 * and xml forms, through the public API (ac_read_many, ac_read_file_many,
 * ac_write_many): what counts as a collection in each form, collections of
 * 0, 1 and 3 agents, files of one agent, the canonical bytes of each
 * writer, round trips between every pair of forms, errors with their exact
 * messages and positions, limits (the depth allowance of each agent),
 * warnings (one per file), strict mode, sniffing, files and the locale.
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

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/globals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

#include "internal.h"
#include "yaml_internal.h"

/* ---- the fixture: a context whose warnings are counted ---- */

typedef struct fixture {
    ac_context *ctx;
    int warnings;
    ac_error first_warning;
} fixture;

static void on_warning(void *user, const ac_error *w)
{
    fixture *f = user;
    if (f->warnings++ == 0)
        f->first_warning = *w;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->ctx = ac_context_new();
    if (!f->ctx) {
        free(f);
        return -1;
    }
    ac_context_set_warning_handler(f->ctx, on_warning, f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ac_context_free(f->ctx);
    free(f);
    return 0;
}

static const char *const forms[] = {"json", "yaml", "xml"};
#define FORM_COUNT 3

static const ac_format *form(fixture *f, const char *name)
{
    const ac_format *fmt = ac_format_find(f->ctx, name);
    assert_non_null(fmt);
    return fmt;
}

/* ---- helpers ---- */

/* A collection read from text that must be accepted. */
typedef struct coll {
    ac_doc **docs;
    size_t count;
    bool is_collection;
} coll;

static coll read_ok(fixture *f, const char *format, const char *text)
{
    coll c = {(ac_doc **)&c, 99, false}; /* the reader must set them */
    ac_error e;
    const ac_format *fmt = format ? form(f, format) : NULL;
    ac_status st = ac_read_many(f->ctx, fmt, text, strlen(text), "t", &c.docs,
                                &c.count, &c.is_collection, &e);
    if (st != AC_OK)
        print_error("read_many %s failed: %d:%d: %s\n%s\n",
                    format ? format : "(sniffed)", e.line, e.column, e.text,
                    text);
    assert_int_equal(st, AC_OK);
    if (c.count == 0)
        assert_null(c.docs);
    for (size_t i = 0; i < c.count; i++)
        assert_non_null(c.docs[i]);
    return c;
}

static void coll_free(coll *c)
{
    ac_docs_free(c->docs, c->count);
    c->docs = NULL;
    c->count = 0;
}

/* Text that must be refused with this status, message and place. */
static void read_fails(fixture *f, const char *format, const char *text,
                       ac_status status, int line, int column,
                       const char *message)
{
    ac_doc **docs = (ac_doc **)&docs;
    size_t count = 99;
    bool is_collection = true;
    ac_error e;
    ac_status st = ac_read_many(f->ctx, form(f, format), text, strlen(text),
                                "t.in", &docs, &count, &is_collection, &e);
    if (st != status || e.line != line || e.column != column ||
        strcmp(e.text, message) != 0)
        print_error("input %s\n got %d at %d:%d: %s\n", text, (int)st, e.line,
                    e.column, e.text);
    assert_int_equal(st, status);
    assert_null(docs);
    assert_int_equal(count, 0);
    assert_int_equal(e.status, status);
    assert_string_equal(e.source, "t.in");
    assert_string_equal(e.text, message);
    assert_int_equal(e.line, line);
    assert_int_equal(e.column, column);
}

static char *write_ok(fixture *f, const char *format, ac_doc *const *docs,
                      size_t count)
{
    char *out = NULL;
    size_t len = 0;
    ac_error e;
    ac_status st =
        ac_write_many(f->ctx, form(f, format), docs, count, &out, &len, &e);
    if (st != AC_OK)
        print_error("write_many %s failed: %s\n", format, e.text);
    assert_int_equal(st, AC_OK);
    assert_non_null(out);
    assert_int_equal(strlen(out), len);
    /* The same documents always give the same bytes. */
    char *again = NULL;
    size_t again_len = 0;
    assert_int_equal(ac_write_many(f->ctx, form(f, format), docs, count, &again,
                                   &again_len, &e),
                     AC_OK);
    assert_int_equal(again_len, len);
    assert_memory_equal(again, out, len);
    free(again);
    return out;
}

static void write_fails(fixture *f, const char *format, ac_doc *const *docs,
                        size_t count, ac_status status, const char *message)
{
    char *out = (char *)&out;
    size_t len = 0;
    ac_error e;
    ac_status st =
        ac_write_many(f->ctx, form(f, format), docs, count, &out, &len, &e);
    if (st != status || strcmp(e.text, message) != 0)
        print_error("write_many %s: got %d: %s\n", format, (int)st, e.text);
    assert_int_equal(st, status);
    assert_null(out);
    assert_string_equal(e.text, message);
}

/* One agent from a JSON object, read with the single-agent reader. */
static ac_doc *agent(fixture *f, const char *json)
{
    ac_doc *doc = NULL;
    ac_error e;
    ac_status st =
        ac_read(f->ctx, form(f, "json"), json, strlen(json), "a", &doc, &e);
    if (st != AC_OK)
        print_error("agent: %s\n", e.text);
    assert_int_equal(st, AC_OK);
    return doc;
}

static void assert_docs_equal(ac_doc *const *a, size_t na, ac_doc *const *b,
                              size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        if (!ac_doc_equal(a[i], b[i])) {
            char *da = ac_doc_dump(a[i]), *db = ac_doc_dump(b[i]);
            print_error("agent %zu differs:\n%s\n---\n%s\n", i + 1, da, db);
            free(da);
            free(db);
        }
        assert_true(ac_doc_equal(a[i], b[i]));
    }
}

/* ---- the three agents, canonical in each form ---- */

static const char three_json[] = "[\n"
                                 "  {\n"
                                 "    \"name\": \"a\",\n"
                                 "    \"tools\": [\n"
                                 "      \"Read\",\n"
                                 "      \"Grep\"\n"
                                 "    ],\n"
                                 "    \"instructions\": \"One.\\n\"\n"
                                 "  },\n"
                                 "  {},\n"
                                 "  {\n"
                                 "    \"name\": \"c\",\n"
                                 "    \"count\": 1,\n"
                                 "    \"m\": {\n"
                                 "      \"x\": null\n"
                                 "    },\n"
                                 "    \"instructions\": \"Three\"\n"
                                 "  }\n"
                                 "]\n";

static const char three_yaml[] = "- name: a\n"
                                 "  tools:\n"
                                 "  - Read\n"
                                 "  - Grep\n"
                                 "  instructions: |\n"
                                 "    One.\n"
                                 "- {}\n"
                                 "- name: c\n"
                                 "  count: 1\n"
                                 "  m:\n"
                                 "    x: null\n"
                                 "  instructions: Three\n";

static const char three_xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<agents xmlns=\"urn:agentconv:agent:1\">\n"
                                "  <agent>\n"
                                "    <name>a</name>\n"
                                "    <tools type=\"list\">\n"
                                "      <item>Read</item>\n"
                                "      <item>Grep</item>\n"
                                "    </tools>\n"
                                "    <instructions>\n"
                                "One.\n"
                                "</instructions>\n"
                                "  </agent>\n"
                                "  <agent></agent>\n"
                                "  <agent>\n"
                                "    <name>c</name>\n"
                                "    <count type=\"integer\">1</count>\n"
                                "    <m type=\"map\">\n"
                                "      <x type=\"null\"></x>\n"
                                "    </m>\n"
                                "    <instructions>\n"
                                "Three</instructions>\n"
                                "  </agent>\n"
                                "</agents>\n";

static const char *canonical_three(const char *format)
{
    if (strcmp(format, "json") == 0)
        return three_json;
    if (strcmp(format, "yaml") == 0)
        return three_yaml;
    return three_xml;
}

/* The same three agents, built one by one with the single-agent reader. */
static void three_agents(fixture *f, ac_doc *out[3])
{
    out[0] = agent(f, "{\"name\": \"a\", \"tools\": [\"Read\", \"Grep\"], "
                      "\"instructions\": \"One.\\n\"}");
    out[1] = agent(f, "{}");
    out[2] = agent(f, "{\"name\": \"c\", \"count\": 1, \"m\": {\"x\": null}, "
                      "\"instructions\": \"Three\"}");
}

static void free_three(ac_doc *docs[3])
{
    for (int i = 0; i < 3; i++)
        ac_doc_free(docs[i]);
}

/* ---- collections of 3, 1 and 0 agents ---- */

static void test_three_agents(void **state)
{
    fixture *f = *state;
    ac_doc *want[3];
    three_agents(f, want);
    for (int i = 0; i < FORM_COUNT; i++) {
        coll c = read_ok(f, forms[i], canonical_three(forms[i]));
        assert_true(c.is_collection);
        assert_docs_equal(c.docs, c.count, want, 3);
        char *out = write_ok(f, forms[i], want, 3);
        assert_string_equal(out, canonical_three(forms[i]));
        free(out);
        coll_free(&c);
    }
    /* Hand-written variants of the same collection. */
    static const char *const variants[][2] = {
        {"json", "[{\"name\":\"a\",\"tools\":[\"Read\",\"Grep\"],"
                 "\"instructions\":\"\\n\\nOne.\\r\\n\"},{},"
                 "{\"instructions\":\"Three\",\"name\":\"c\",\"count\":1,"
                 "\"m\":{\"x\":null}}]"},
        {"yaml", "[{name: a, tools: [Read, Grep], instructions: \"One.\\n\"},"
                 " {}, {name: c, count: 1, m: {x: ~}, instructions: Three}]\n"},
        {"yaml", "name: a\ntools: [Read, Grep]\ninstructions: |\n  One.\n"
                 "---\n{}\n---\nname: c\ncount: 1\nm:\n  x:\n"
                 "instructions: Three\n...\n"},
        {"yaml", "%YAML 1.2\n---\n- name: a\n  tools:\n    - Read\n"
                 "    - Grep\n  instructions: \"One.\\n\"\n- {}\n"
                 "- {name: c, count: 1, m: {x: null}, instructions: Three}\n"},
        {"xml", "<agents xmlns='urn:agentconv:agent:1'><agent><name>a</name>"
                "<tools type='list'><item>Read</item><item>Grep</item>"
                "</tools><instructions>One.\n</instructions></agent>"
                "<agent/><agent><instructions>Three</instructions>"
                "<name>c</name><count type='integer'>1</count><m type='map'>"
                "<x type='null'/></m></agent></agents>"},
        {"xml", "<?xml version='1.0'?>\n<p:agents "
                "xmlns:p='urn:agentconv:agent:1'>\n<p:agent>\n<p:name>a"
                "</p:name><p:tools type='list'><p:item>Read</p:item>"
                "<p:item>Grep</p:item></p:tools><p:field key='instructions'>"
                "One.\n</p:field></p:agent><p:agent></p:agent>\n<p:agent>"
                "<p:name>c</p:name><p:count type='integer'> 1 </p:count>"
                "<p:m type='map'><p:x type='null'></p:x></p:m>"
                "<p:instructions>Three</p:instructions></p:agent>\n"
                "</p:agents>\n"},
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        coll c = read_ok(f, variants[i][0], variants[i][1]);
        assert_true(c.is_collection);
        assert_docs_equal(c.docs, c.count, want, 3);
        coll_free(&c);
    }
    free_three(want);
}

static void test_one_agent_collection(void **state)
{
    fixture *f = *state;
    ac_doc *want = agent(f, "{\"name\": \"solo\"}");
    static const char *const texts[][2] = {
        {"json", "[{\"name\": \"solo\"}]"},
        {"yaml", "- name: solo\n"},
        {"yaml", "[{name: solo}]"},
        {"xml", "<agents xmlns=\"urn:agentconv:agent:1\"><agent><name>solo"
                "</name></agent></agents>"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        coll c = read_ok(f, texts[i][0], texts[i][1]);
        /* A collection of one is still a collection. */
        assert_true(c.is_collection);
        assert_docs_equal(c.docs, c.count, &want, 1);
        coll_free(&c);
    }
    char *json = write_ok(f, "json", &want, 1);
    assert_string_equal(json, "[\n  {\n    \"name\": \"solo\"\n  }\n]\n");
    char *yaml = write_ok(f, "yaml", &want, 1);
    assert_string_equal(yaml, "- name: solo\n");
    char *xml = write_ok(f, "xml", &want, 1);
    assert_string_equal(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<agents xmlns=\"urn:agentconv:agent:1\">\n"
                             "  <agent>\n"
                             "    <name>solo</name>\n"
                             "  </agent>\n"
                             "</agents>\n");
    free(json);
    free(yaml);
    free(xml);
    ac_doc_free(want);
}

static void test_empty_collection(void **state)
{
    fixture *f = *state;
    static const char *const texts[][2] = {
        {"json", "[]"},
        {"json", "\xef\xbb\xbf [ \r\n ]\n"},
        {"yaml", "[]\n"},
        {"yaml", "--- []\n"},
        {"xml", "<agents xmlns=\"urn:agentconv:agent:1\"/>"},
        {"xml", "<agents xmlns=\"urn:agentconv:agent:1\">\n  <!-- none -->\n"
                "</agents>\n"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        coll c = read_ok(f, texts[i][0], texts[i][1]);
        assert_true(c.is_collection);
        assert_int_equal(c.count, 0);
        assert_null(c.docs);
    }
    static const char empty_xml[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<agents xmlns=\"urn:agentconv:agent:1\"></agents>\n";
    static const char *const written[FORM_COUNT] = {"[]\n", "[]\n", empty_xml};
    for (int i = 0; i < FORM_COUNT; i++) {
        char *out = write_ok(f, forms[i], NULL, 0);
        assert_string_equal(out, written[i]);
        coll c = read_ok(f, forms[i], out);
        assert_true(c.is_collection);
        assert_int_equal(c.count, 0);
        free(out);
    }
}

/* ---- files of one agent ---- */

static void test_single_agent_files(void **state)
{
    fixture *f = *state;
    static const char *const texts[][2] = {
        {"json", "{\"name\": \"a\", \"instructions\": \"Hi.\\n\"}"},
        {"yaml", "name: a\ninstructions: |\n  Hi.\n"},
        {"yaml", "---\nname: a\ninstructions: \"Hi.\\n\"\n...\n"},
        {"xml", "<agent xmlns=\"urn:agentconv:agent:1\"><name>a</name>"
                "<instructions>Hi.\n</instructions></agent>"},
        {"md", "---\nname: a\n---\n\nHi.\n"},
    };
    ac_doc *want = agent(f, "{\"name\": \"a\", \"instructions\": \"Hi.\\n\"}");
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        coll c = read_ok(f, texts[i][0], texts[i][1]);
        assert_false(c.is_collection);
        assert_docs_equal(c.docs, c.count, &want, 1);
        /* The same document as ac_read gives, positions included. */
        ac_doc *single = NULL;
        ac_error e;
        assert_int_equal(ac_read(f->ctx, form(f, texts[i][0]), texts[i][1],
                                 strlen(texts[i][1]), "t", &single, &e),
                         AC_OK);
        char *d1 = ac_doc_dump(single), *d2 = ac_doc_dump(c.docs[0]);
        assert_string_equal(d1, d2);
        free(d1);
        free(d2);
        ac_doc_free(single);
        coll_free(&c);
    }
    ac_doc_free(want);
}

/* ---- what ac_read says about a collection ---- */

static void read_one_fails(fixture *f, const char *format, const char *text,
                           int line, int column, const char *message)
{
    ac_doc *doc = NULL;
    ac_error e;
    ac_status st =
        ac_read(f->ctx, form(f, format), text, strlen(text), "t", &doc, &e);
    if (st != AC_ERR_STRUCTURE || strcmp(e.text, message) != 0)
        print_error("ac_read %s: %d:%d: %s\n", format, e.line, e.column,
                    e.text);
    assert_int_equal(st, AC_ERR_STRUCTURE);
    assert_null(doc);
    assert_string_equal(e.text, message);
    assert_int_equal(e.line, line);
    assert_int_equal(e.column, column);
}

static void test_read_one_refuses_collections(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < FORM_COUNT; i++) {
        const char *text = canonical_three(forms[i]);
        const char *message =
            i == 0   ? "expected a JSON object, found an array of 3 agents (a "
                       "collection: convert it whole, or split it with "
                       "--split)"
            : i == 1 ? "expected a YAML mapping, found a list of 3 agents (a "
                       "collection: convert it whole, or split it with "
                       "--split)"
                     : "expected <agent> in namespace urn:agentconv:agent:1, "
                       "found <agents> (a collection of 3 agents: convert it "
                       "whole, or split it with --split)";
        read_one_fails(f, forms[i], text, i == 2 ? 2 : 1, i == 2 ? 0 : 1,
                       message);
    }
    read_one_fails(f, "yaml", "name: a\n---\nname: b\n---\nname: c\n", 2, 1,
                   "expected one YAML document, found 3 (a collection of 3 "
                   "agents: convert it whole, or split it with --split)");
    read_one_fails(f, "xml",
                   "<agents xmlns=\"urn:agentconv:agent:1\"></agents>", 1, 0,
                   "expected <agent> in namespace urn:agentconv:agent:1, "
                   "found <agents> (a collection of no agents)");
    read_one_fails(f, "xml",
                   "<agents xmlns=\"urn:agentconv:agent:1\"><agent/></agents>",
                   1, 0,
                   "expected <agent> in namespace urn:agentconv:agent:1, "
                   "found <agents> (a collection of 1 agent: convert it "
                   "whole, or split it with --split)");
}

/* ---- round trips between every pair of forms ---- */

/* Values that are awkward for some form, in three agents. */
static const char awkward_yaml[] =
    "- name: awkward\n"
    "  \"key with spaces\": 1\n"
    "  \"1st\": \"1\"\n"
    "  \"\\u00e9t\\u00e9\": yes\n"
    "  agents: a field named agents\n"
    "  agent: {item: [field, c]}\n"
    "  \"k\\x01\": a key XML cannot hold\n"
    "  cdata: \"a ]]> b <c> & d\"\n"
    "  cr: \"one\\rtwo\\r\\nthree\"\n"
    "  controls: \"bell \\a tab \\t esc \\e \\uFFFE\"\n"
    "  emoji: \"\\U0001F600\"\n"
    "  edges: \"  both  \"\n"
    "  numbers: [0, -0.0, 1.0e+100, 0.1, 9223372036854775807, "
    "-9223372036854775808, 2.5e-8]\n"
    "  others: [null, \"\", true, \"false\", \"null\", \"0x1F\", \"1e3\"]\n"
    "  nested: {a: [{b: [[]]}], \"\": {}}\n"
    "  meta: {instructions: nested}\n"
    "  description: |\n"
    "    Two\n"
    "    lines\n"
    "  instructions: |+\n"
    "    Keep the final newlines.\n"
    "    ---\n"
    "\n"
    "\n"
    "- {}\n"
    "- instructions: \"  indented first line\\nspace at the end \\n"
    "\\ttab\\n]]>\"\n";

static void round_trips(fixture *f, const char *format, const char *text)
{
    coll src = read_ok(f, format, text);
    assert_true(src.is_collection);
    char *canonical[FORM_COUNT];
    for (int i = 0; i < FORM_COUNT; i++) {
        canonical[i] = write_ok(f, forms[i], src.docs, src.count);
        coll back = read_ok(f, forms[i], canonical[i]);
        assert_true(back.is_collection);
        assert_docs_equal(back.docs, back.count, src.docs, src.count);
        coll_free(&back);
    }
    /* Every written text is canonical: read as A, written as B, it is B's
     * text, byte for byte (3 x 3 directions). */
    for (int a = 0; a < FORM_COUNT; a++) {
        coll c = read_ok(f, forms[a], canonical[a]);
        for (int b = 0; b < FORM_COUNT; b++) {
            char *out = write_ok(f, forms[b], c.docs, c.count);
            assert_string_equal(out, canonical[b]);
            free(out);
        }
        coll_free(&c);
    }
    /* json -> yaml -> xml -> json in one chain gives the json back. */
    coll step = read_ok(f, "json", canonical[0]);
    char *yaml = write_ok(f, "yaml", step.docs, step.count);
    coll_free(&step);
    step = read_ok(f, "yaml", yaml);
    char *xml = write_ok(f, "xml", step.docs, step.count);
    coll_free(&step);
    step = read_ok(f, "xml", xml);
    char *json = write_ok(f, "json", step.docs, step.count);
    assert_string_equal(json, canonical[0]);
    assert_docs_equal(step.docs, step.count, src.docs, src.count);
    coll_free(&step);
    free(yaml);
    free(xml);
    free(json);
    for (int i = 0; i < FORM_COUNT; i++)
        free(canonical[i]);
    coll_free(&src);
}

static void test_round_trips(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < FORM_COUNT; i++)
        round_trips(f, forms[i], canonical_three(forms[i]));
    round_trips(f, "yaml", awkward_yaml);
    round_trips(f, "json", "[{}, {}, {\"instructions\": \"x\"}]");
    round_trips(f, "yaml", "a: 1\n---\nb: [1, 2]\n---\nc: {d: e}\n");
    assert_int_equal(f->warnings, 0);
}

/* The agents of a collection round-trip as the same agents written one by
 * one do: each agent of the collection equals its own single round trip. */
static void test_same_as_single_agents(void **state)
{
    fixture *f = *state;
    coll c = read_ok(f, "yaml", awkward_yaml);
    for (size_t i = 0; i < c.count; i++) {
        for (int k = 0; k < FORM_COUNT; k++) {
            char *one = NULL;
            size_t len = 0;
            ac_error e;
            assert_int_equal(
                ac_write(f->ctx, form(f, forms[k]), c.docs[i], &one, &len, &e),
                AC_OK);
            ac_doc *back = NULL;
            assert_int_equal(
                ac_read(f->ctx, form(f, forms[k]), one, len, "t", &back, &e),
                AC_OK);
            assert_true(ac_doc_equal(back, c.docs[i]));
            ac_doc_free(back);
            free(one);
        }
    }
    coll_free(&c);
}

/* ---- positions ---- */

static void test_positions(void **state)
{
    fixture *f = *state;
    coll c = read_ok(f, "json", three_json);
    ac_value *fields = ac_doc_fields(c.docs[2]);
    assert_int_equal(ac_value_line(fields), 11);
    assert_int_equal(ac_value_column(fields), 3);
    assert_int_equal(ac_value_line(ac_map_get(fields, "count")), 13);
    assert_int_equal(ac_value_column(ac_map_get(fields, "count")), 14);
    assert_int_equal(ac_doc_instructions_line(c.docs[0]), 8);
    assert_int_equal(ac_doc_instructions_line(c.docs[2]), 17);
    coll_free(&c);

    c = read_ok(f, "yaml", three_yaml);
    fields = ac_doc_fields(c.docs[2]);
    assert_int_equal(ac_value_line(fields), 8);
    assert_int_equal(ac_value_column(fields), 3);
    assert_int_equal(ac_map_key_line(fields, 1), 9);
    assert_int_equal(ac_map_key_column(fields, 1), 3);
    assert_int_equal(ac_doc_instructions_line(c.docs[2]), 12);
    coll_free(&c);

    c = read_ok(f, "yaml", "name: a\n---\nname: b\n");
    fields = ac_doc_fields(c.docs[1]);
    assert_int_equal(ac_value_line(ac_map_get(fields, "name")), 3);
    assert_int_equal(ac_value_column(ac_map_get(fields, "name")), 7);
    coll_free(&c);

    c = read_ok(f, "xml", three_xml);
    fields = ac_doc_fields(c.docs[2]);
    assert_int_equal(ac_value_line(fields), 14);
    assert_int_equal(ac_value_line(ac_map_get(fields, "count")), 16);
    assert_int_equal(ac_doc_instructions_line(c.docs[2]), 21);
    coll_free(&c);
}

/* ---- errors ---- */

static void test_json_errors(void **state)
{
    fixture *f = *state;
    read_fails(f, "json", "[{}, 1]", AC_ERR_STRUCTURE, 1, 6,
               "item 2 of the collection must be an agent object, found a "
               "number");
    read_fails(f, "json", "[\n  {},\n  {},\n  [{}]\n]", AC_ERR_STRUCTURE, 4, 3,
               "item 3 of the collection must be an agent object, found an "
               "array");
    read_fails(f, "json", "[\n  {\"a\": 1},\n  {\"a\": 1,\n   \"a\": 2}\n]",
               AC_ERR_SYNTAX, 4, 4, "duplicate key \"a\" (first on line 3)");
    read_fails(f, "json", "[{}, {\"instructions\": 1}]", AC_ERR_STRUCTURE, 1,
               23, "\"instructions\" must be a string, found an integer");
    read_fails(f, "json", "\"agents\"", AC_ERR_STRUCTURE, 1, 1,
               "expected a JSON object or an array of agent objects, found a "
               "string");
    read_fails(f, "json", "  \n", AC_ERR_SYNTAX, 2, 1,
               "expected a JSON object or an array of agent objects, found "
               "the end of the input");
    read_fails(f, "json", "[{}, {}", AC_ERR_SYNTAX, 1, 7,
               "invalid JSON: ']' expected near end of file");
    read_fails(f, "json", "[{}]\xff", AC_ERR_ENCODING, 1, 5,
               "invalid UTF-8 (byte 0xff)");
}

static void test_yaml_errors(void **state)
{
    fixture *f = *state;
    read_fails(f, "yaml", "- name: a\n- 5\n", AC_ERR_STRUCTURE, 2, 3,
               "item 2 of the collection must be an agent mapping, found an "
               "integer");
    read_fails(f, "yaml", "- name: a\n- [b]\n", AC_ERR_STRUCTURE, 2, 3,
               "item 2 of the collection must be an agent mapping, found a "
               "list");
    read_fails(f, "yaml", "name: a\n---\n- b\n", AC_ERR_STRUCTURE, 2, 1,
               "document 2 of the stream must be an agent mapping, found a "
               "list");
    read_fails(f, "yaml", "- a\n---\nname: b\n", AC_ERR_STRUCTURE, 1, 1,
               "document 1 of the stream must be an agent mapping, found a "
               "list");
    read_fails(f, "yaml", "name: a\n---\n---\nname: c\n", AC_ERR_STRUCTURE, 2,
               1,
               "document 2 of the stream must be an agent mapping, found "
               "null");
    read_fails(f, "yaml", "- a: 1\n- a: 1\n  b: 2\n  a: 3\n", AC_ERR_STRUCTURE,
               4, 3, "duplicate key \"a\" (first on line 2)");
    read_fails(f, "yaml", "- {}\n- instructions: [x]\n", AC_ERR_STRUCTURE, 2,
               17, "\"instructions\" must be a string, found a list");
    read_fails(f, "yaml", "5\n", AC_ERR_STRUCTURE, 1, 1,
               "expected a YAML mapping or a sequence of mappings, found an "
               "integer");
    read_fails(f, "yaml", "", AC_ERR_STRUCTURE, 1, 1,
               "expected a YAML mapping or a sequence of mappings, found "
               "nothing");
    /* Anchors do not cross documents; inside one document they do. */
    read_fails(f, "yaml", "a: &x 1\n---\nb: *x\n", AC_ERR_STRUCTURE, 3, 4,
               "unknown alias '*x'");
    coll c = read_ok(f, "yaml", "- &one {name: x, tools: [Read]}\n- *one\n");
    assert_int_equal(c.count, 2);
    assert_true(ac_doc_equal(c.docs[0], c.docs[1]));
    coll_free(&c);
    read_fails(f, "yaml", "- a: 1\n- b: [\n", AC_ERR_SYNTAX, 3, 1,
               "invalid YAML: did not find expected node content (while "
               "parsing a flow node on line 3)");
}

static void test_xml_errors(void **state)
{
    fixture *f = *state;
    read_fails(f, "xml",
               "<agents xmlns=\"urn:agentconv:agent:1\">\n<agent/>\n"
               "<name>b</name>\n</agents>",
               AC_ERR_STRUCTURE, 3, 0,
               "item 2 of the collection must be an <agent> element, found "
               "<name>");
    read_fails(f, "xml",
               "<agents xmlns=\"urn:agentconv:agent:1\">\n"
               "<x:agent xmlns:x=\"urn:other\"/>\n</agents>",
               AC_ERR_STRUCTURE, 2, 0,
               "expected an element in namespace urn:agentconv:agent:1, "
               "found <x:agent> in namespace urn:other");
    read_fails(f, "xml",
               "<agents xmlns=\"urn:agentconv:agent:1\">\n<agent id=\"1\"/>\n"
               "</agents>",
               AC_ERR_STRUCTURE, 2, 0, "unknown attribute \"id\" on <agent>");
    read_fails(f, "xml",
               "<agents xmlns=\"urn:agentconv:agent:1\">text<agent/></agents>",
               AC_ERR_STRUCTURE, 1, 0,
               "expected only elements in <agents>, found the text \"text\"");
    read_fails(f, "xml",
               "<agents xmlns=\"urn:agentconv:agent:1\" lang=\"en\"></agents>",
               AC_ERR_STRUCTURE, 1, 0,
               "unknown attribute \"lang\" on <agents>");
    read_fails(f, "xml", "<agents><agent/></agents>", AC_ERR_STRUCTURE, 1, 0,
               "expected <agent> or <agents> in namespace "
               "urn:agentconv:agent:1, found <agents> in no namespace");
    read_fails(f, "xml", "<list xmlns=\"urn:agentconv:agent:1\"/>",
               AC_ERR_STRUCTURE, 1, 0,
               "expected <agent> or <agents> in namespace "
               "urn:agentconv:agent:1, found <list>");
    /* Each agent has its own instructions. */
    coll c = read_ok(f, "xml",
                     "<agents xmlns=\"urn:agentconv:agent:1\">"
                     "<agent><instructions>A</instructions></agent>"
                     "<agent><instructions>B</instructions></agent>"
                     "</agents>");
    assert_string_equal(ac_doc_instructions(c.docs[1], NULL), "B");
    coll_free(&c);
    read_fails(f, "xml",
               "<agents xmlns=\"urn:agentconv:agent:1\">\n<agent>\n"
               "<instructions>A</instructions>\n</agent>\n<agent>\n"
               "<instructions>B</instructions>\n"
               "<field key=\"instructions\">C</field>\n</agent>\n</agents>",
               AC_ERR_SYNTAX, 7, 0,
               "duplicate key \"instructions\" (first on line 6)");
    read_fails(f, "xml",
               "<agents xmlns=\"urn:agentconv:agent:1\">\n"
               "<!DOCTYPE x>\n</agents>",
               AC_ERR_SYNTAX, 2, 2,
               "invalid XML: StartTag: invalid element name");
}

/* ---- limits ---- */

static void test_depth_allowance(void **state)
{
    fixture *f = *state;
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_DEPTH, 3), AC_OK);
    /* The agent's map, a map in it, a list in that: depth 3, as in a file
     * of one agent: the collection around them is not counted. */
    static const char *const ok[][2] = {
        {"json", "[{\"a\": {\"b\": [1]}}]"},
        {"json", "{\"a\": {\"b\": [1]}}"},
        {"yaml", "- a:\n    b: [1]\n"},
        {"yaml", "a:\n  b: [1]\n---\nc: 1\n"},
        {"yaml", "a:\n  b: [1]\n"},
        {"xml", "<agents xmlns=\"urn:agentconv:agent:1\"><agent>"
                "<a type=\"map\"><b type=\"list\"><item>1</item></b></a>"
                "</agent></agents>"},
        {"xml", "<agent xmlns=\"urn:agentconv:agent:1\">"
                "<a type=\"map\"><b type=\"list\"><item>1</item></b></a>"
                "</agent>"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        coll c = read_ok(f, ok[i][0], ok[i][1]);
        assert_int_equal(c.count, 1 + (i == 3));
        /* And it writes back as a collection within the same limit. */
        for (int k = 0; k < FORM_COUNT; k++)
            free(write_ok(f, forms[k], c.docs, c.count));
        coll_free(&c);
    }
    read_fails(f, "json", "[{\"a\": {\"b\": [[1]]}}]", AC_ERR_LIMIT, 1, 15,
               "nesting deeper than the depth limit (3)");
    read_fails(f, "yaml", "- a:\n    b: [[1]]\n", AC_ERR_LIMIT, 2, 9,
               "nesting deeper than the depth limit (3)");
    read_fails(f, "yaml", "- &x {a: {b: [1]}}\n- {c: *x}\n", AC_ERR_LIMIT, 2, 7,
               "nesting deeper than the depth limit (3)");
    read_fails(f, "xml",
               "<agents xmlns=\"urn:agentconv:agent:1\"><agent>\n"
               "<a type=\"map\"><b type=\"list\">\n"
               "<item type=\"list\"></item></b></a></agent></agents>",
               AC_ERR_LIMIT, 3, 0, "nesting deeper than the depth limit (3)");
    /* A list around a collection is not a collection. */
    read_fails(f, "yaml", "- - a: 1\n", AC_ERR_STRUCTURE, 1, 3,
               "item 1 of the collection must be an agent mapping, found a "
               "list");
}

static void test_other_limits(void **state)
{
    fixture *f = *state;
    /* The keys limit counts the entries of one map: each agent's own. */
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_KEYS, 2), AC_OK);
    coll c = read_ok(
        f, "json", "[{\"a\": 1, \"b\": 2}, {\"a\": 1, \"b\": 2}, {\"a\": 1}]");
    assert_int_equal(c.count, 3);
    coll_free(&c);
    c = read_ok(f, "yaml", "- {a: 1, b: 2}\n- {a: 1, b: 2}\n");
    coll_free(&c);
    /* The input size is the whole file's. */
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_INPUT_SIZE, 8),
                     AC_OK);
    read_fails(f, "json", "[{}, {}, {}]", AC_ERR_LIMIT, 0, 0,
               "input of 12 bytes exceeds the input-size limit (8 bytes)");
}

/* ---- warnings and strict mode ---- */

static void test_warnings_once(void **state)
{
    fixture *f = *state;
    coll c =
        read_ok(f, "yaml", "# one\nname: a # two\n---\n# three\nname: b\n");
    assert_int_equal(c.count, 2);
    assert_int_equal(f->warnings, 1);
    assert_string_equal(f->first_warning.text,
                        "3 YAML comments are dropped: the model does not "
                        "carry comments (the first is here)");
    assert_int_equal(f->first_warning.line, 1);
    assert_int_equal(f->first_warning.column, 1);
    coll_free(&c);

    f->warnings = 0;
    c = read_ok(f, "xml",
                "<agents xmlns=\"urn:agentconv:agent:1\">\n"
                "<agent><!-- a --></agent>\n<!-- b -->\n"
                "<agent><?pi c?></agent>\n</agents>\n<!-- d -->\n");
    assert_int_equal(c.count, 2);
    assert_int_equal(f->warnings, 1);
    assert_string_equal(f->first_warning.text,
                        "4 XML comments and processing instructions are "
                        "dropped: the model does not carry them (the first "
                        "is here)");
    assert_int_equal(f->first_warning.line, 2);
    coll_free(&c);
}

static void test_strict(void **state)
{
    fixture *f = *state;
    ac_context_set_strict(f->ctx, true);
    read_fails(f, "yaml", "- name: a\n- name: b # note\n", AC_ERR_STRICT, 2, 11,
               "1 YAML comment is dropped: the model does not carry comments "
               "(the first is here)");
    read_fails(f, "xml",
               "<agents xmlns=\"urn:agentconv:agent:1\">\n<agent/>\n"
               "<!-- note -->\n</agents>",
               AC_ERR_STRICT, 3, 0,
               "1 XML comment is dropped: the model does not carry them (the "
               "first is here)");
    /* md, which holds one agent, goes through ac_read: strict as well. */
    read_fails(f, "md", "---\n# note\nname: a\n---\n", AC_ERR_STRICT, 2, 1,
               "1 YAML comment is dropped: the model does not carry comments "
               "(the first is here)");
    /* A read's own error wins over a warning. */
    read_fails(f, "yaml", "# note\n- name: a\n- 5\n", AC_ERR_STRUCTURE, 3, 3,
               "item 2 of the collection must be an agent mapping, found an "
               "integer");
    /* Clean input reads as usual. */
    coll c = read_ok(f, "yaml", three_yaml);
    assert_int_equal(c.count, 3);
    coll_free(&c);
    assert_int_equal(f->warnings, 0);
}

/* ---- writers ---- */

static void test_write_errors(void **state)
{
    fixture *f = *state;
    ac_doc *docs[3];
    three_agents(f, docs);
    /* md holds one agent per file. */
    char *out = (char *)&out;
    size_t len = 7;
    ac_error e;
    assert_int_equal(
        ac_write_many(f->ctx, form(f, "md"), docs, 3, &out, &len, &e),
        AC_ERR_UNSUPPORTED);
    assert_null(out);
    assert_string_equal(e.text, "format 'md' holds one agent per file: it "
                                "cannot hold a collection");
    assert_int_equal(
        ac_write_many(f->ctx, form(f, "md"), NULL, 0, &out, &len, &e),
        AC_ERR_UNSUPPORTED);

    /* An error names the agent it is in, by its place and its name. */
    ac_value *fields = ac_doc_fields(docs[0]);
    assert_int_equal(
        ac_map_set(fields, "instructions", 12, ac_value_new_string("x", 1)),
        AC_OK);
    write_fails(f, "json", docs, 3, AC_ERR_STRUCTURE,
                "the fields hold the key \"instructions\", which is reserved "
                "for the instructions text (in agent 1 of the collection, "
                "\"a\")");
    write_fails(f, "yaml", docs, 3, AC_ERR_STRUCTURE,
                "the fields hold an \"instructions\" key, which the model "
                "reserves for the instructions (in agent 1 of the "
                "collection, \"a\")");
    write_fails(f, "xml", docs, 3, AC_ERR_STRUCTURE,
                "the fields hold the key \"instructions\", which is reserved "
                "for the instructions text (in agent 1 of the collection, "
                "\"a\")");
    ac_map_remove(fields, "instructions", 12);

    /* Invalid UTF-8 in the second agent, which has no name. */
    assert_int_equal(ac_map_set(ac_doc_fields(docs[1]), "bad", 3,
                                ac_value_new_string("\xff", 1)),
                     AC_OK);
    write_fails(f, "json", docs, 3, AC_ERR_ENCODING,
                "invalid UTF-8 (byte 0xff) in the string at /bad (in agent 2 "
                "of the collection)");
    write_fails(f, "xml", docs, 3, AC_ERR_ENCODING,
                "invalid UTF-8 (byte 0xff) in the string at /bad (in agent 2 "
                "of the collection)");
    write_fails(f, "yaml", docs, 3, AC_ERR_ENCODING,
                "invalid UTF-8 (byte 0xff) in a string (in agent 2 of the "
                "collection)");
    ac_map_remove(ac_doc_fields(docs[1]), "bad", 3);

    /* The depth limit applies to each agent as to a file of one. */
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_DEPTH, 1), AC_OK);
    write_fails(f, "json", docs, 3, AC_ERR_LIMIT,
                "nesting deeper than the depth limit (1) at /tools (in "
                "agent 1 of the collection, \"a\")");
    write_fails(f, "yaml", docs, 3, AC_ERR_LIMIT,
                "nesting deeper than the depth limit (1) (in agent 1 of the "
                "collection, \"a\")");
    write_fails(f, "xml", docs, 3, AC_ERR_LIMIT,
                "nesting deeper than the depth limit (1) at /tools (in "
                "agent 1 of the collection, \"a\")");
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_DEPTH, 100), AC_OK);

    /* A NULL agent is the caller's error. */
    ac_doc *with_null[2] = {docs[0], NULL};
    for (int i = 0; i < FORM_COUNT; i++)
        write_fails(f, forms[i], with_null, 2, AC_ERR_ARGUMENT,
                    "agent 2 of the collection is NULL");
    assert_int_equal(
        ac_write_many(f->ctx, form(f, "json"), NULL, 1, &out, &len, &e),
        AC_ERR_ARGUMENT);
    free_three(docs);
}

/* An agent whose name cannot be shown in a message is named by its place
 * only. */
static void test_write_error_names(void **state)
{
    fixture *f = *state;
    ac_doc *docs[2] = {agent(f, "{\"name\": \"quote\\\"d\"}"),
                       agent(f, "{\"name\": 1}")};
    for (int i = 0; i < 2; i++)
        assert_int_equal(ac_map_set(ac_doc_fields(docs[i]), "instructions", 12,
                                    ac_value_new_null()),
                         AC_OK);
    write_fails(f, "json", docs, 2, AC_ERR_STRUCTURE,
                "the fields hold the key \"instructions\", which is reserved "
                "for the instructions text (in agent 1 of the collection)");
    ac_map_remove(ac_doc_fields(docs[0]), "instructions", 12);
    write_fails(f, "json", docs, 2, AC_ERR_STRUCTURE,
                "the fields hold the key \"instructions\", which is reserved "
                "for the instructions text (in agent 2 of the collection)");
    ac_doc_free(docs[0]);
    ac_doc_free(docs[1]);
}

/* ---- sniffing and files ---- */

static void test_sniffing(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < FORM_COUNT; i++) {
        coll c = read_ok(f, NULL, canonical_three(forms[i]));
        assert_true(c.is_collection);
        assert_int_equal(c.count, 3);
        coll_free(&c);
    }
    assert_ptr_equal(ac_format_sniff(f->ctx, three_json, strlen(three_json)),
                     form(f, "json"));
    assert_ptr_equal(ac_format_sniff(f->ctx, three_yaml, strlen(three_yaml)),
                     form(f, "yaml"));
    assert_ptr_equal(ac_format_sniff(f->ctx, three_xml, strlen(three_xml)),
                     form(f, "xml"));
    /* One md agent through ac_read_many, sniffed. */
    coll c = read_ok(f, NULL, "---\nname: a\n---\nBody\n");
    assert_false(c.is_collection);
    assert_int_equal(c.count, 1);
    coll_free(&c);
}

static void test_files(void **state)
{
    fixture *f = *state;
    char dir[] = "/tmp/agentconv-collections.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    for (int i = 0; i < FORM_COUNT; i++) {
        snprintf(path, sizeof path, "%s/agents.%s", dir, forms[i]);
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        const char *text = canonical_three(forms[i]);
        assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
        assert_int_equal(fclose(fp), 0);
        ac_doc **docs = NULL;
        size_t count = 0;
        bool is_collection = false;
        ac_error e;
        /* The form from the file name. */
        assert_int_equal(ac_read_file_many(f->ctx, NULL, path, &docs, &count,
                                           &is_collection, &e),
                         AC_OK);
        assert_true(is_collection);
        assert_int_equal(count, 3);
        ac_docs_free(docs, count);
        /* An error names the file. */
        assert_int_not_equal(ac_read_file_many(f->ctx, form(f, "md"), path,
                                               &docs, &count, &is_collection,
                                               &e),
                             AC_OK);
        assert_string_equal(e.source, path);
        assert_null(docs);
        assert_int_equal(count, 0);
        assert_int_equal(unlink(path), 0);
    }
    assert_int_equal(rmdir(dir), 0);
}

/* ---- the YAML parser for md front matter still takes one document ---- */

static void test_front_matter_one_document(void **state)
{
    fixture *f = *state;
    ac_value *root = NULL;
    ac_error e;
    static const char text[] = "a: 1\n---\nb: 2\n";
    assert_int_equal(
        acp_yaml_parse(f->ctx, text, sizeof text - 1, "t", 1, &root, &e),
        AC_ERR_STRUCTURE);
    assert_null(root);
    assert_string_equal(e.text, "more than one YAML document");
    assert_int_equal(e.line, 3);
    /* The stream parser takes them all, each with where it starts. */
    acp_yaml_document *docs = NULL;
    size_t count = 0;
    assert_int_equal(acp_yaml_parse_stream(f->ctx, text, sizeof text - 1, "t",
                                           &docs, &count, &e),
                     AC_OK);
    assert_int_equal(count, 2);
    assert_int_equal(docs[0].line, 1);
    assert_int_equal(docs[1].line, 2);
    assert_int_equal(docs[1].column, 1);
    acp_yaml_documents_free(docs, count);
}

/* ---- the locale ---- */

static const char *enter_comma_locale(void)
{
    static const char *const names[] = {
        "de_DE.UTF-8", "de_DE.utf8",  "fr_FR.UTF-8", "fr_FR.utf8",
        "nl_NL.UTF-8", "ru_RU.UTF-8", NULL};
    for (const char *const *n = names; *n; n++) {
        if (setlocale(LC_ALL, *n)) {
            char probe[16];
            snprintf(probe, sizeof probe, "%.1f", 0.5);
            if (strcmp(probe, "0,5") == 0)
                return *n;
            setlocale(LC_ALL, "C");
        }
    }
    return NULL;
}

static void test_locale(void **state)
{
    fixture *f = *state;
    static const char text[] = "[{\"t\": 0.25, \"u\": [1.0e+100, -0.0]}, "
                               "{\"t\": 2.5e-8}]";
    coll c = read_ok(f, "json", text);
    char *in_c[FORM_COUNT];
    for (int i = 0; i < FORM_COUNT; i++)
        in_c[i] = write_ok(f, forms[i], c.docs, c.count);
    if (!enter_comma_locale()) {
        assert_null(getenv("AGENTCONV_REQUIRE_COMMA_LOCALE"));
        printf("note: no decimal-comma locale installed; test_locale "
               "checks nothing\n");
    } else {
        for (int i = 0; i < FORM_COUNT; i++) {
            char *out = write_ok(f, forms[i], c.docs, c.count);
            assert_string_equal(out, in_c[i]);
            coll back = read_ok(f, forms[i], out);
            assert_docs_equal(back.docs, back.count, c.docs, c.count);
            coll_free(&back);
            free(out);
        }
        setlocale(LC_ALL, "C");
    }
    for (int i = 0; i < FORM_COUNT; i++)
        free(in_c[i]);
    coll_free(&c);
}

/* ---- allocation failures inside libxml2 (xml collections) ---- */

/* The test replaces libxml2's allocator with one that fails the n-th
 * allocation, n = 0, 1, 2, ... until the call succeeds: each failure must
 * be AC_ERR_NOMEM with no output, never a cut-off collection; the
 * sanitizers look for leaks. */
static long countdown = -1; /* < 0: never fail */

static bool next_fails(void) { return countdown >= 0 && countdown-- == 0; }

static void *failing_malloc(size_t n)
{
    return next_fails() ? NULL : malloc(n);
}

static void *failing_realloc(void *p, size_t n)
{
    return next_fails() ? NULL : realloc(p, n);
}

static char *failing_strdup(const char *s)
{
    return next_fails() ? NULL : strdup(s);
}

static void quiet_generic(void *user, const char *fmt, ...)
{
    (void)user;
    (void)fmt;
}

static void quiet_structured(void *user, xmlErrorPtr e)
{
    (void)user;
    (void)e;
}

static void test_xml_allocation_failures(void **state)
{
    fixture *f = *state;
    ac_doc *docs[3];
    three_agents(f, docs);
    char *expect = write_ok(f, "xml", docs, 3);
    size_t expect_len = strlen(expect);

    xmlFreeFunc old_free;
    xmlMallocFunc old_malloc;
    xmlReallocFunc old_realloc;
    xmlStrdupFunc old_strdup;
    assert_int_equal(
        xmlMemGet(&old_free, &old_malloc, &old_realloc, &old_strdup), 0);
    xmlSetGenericErrorFunc(NULL, quiet_generic);
    xmlSetStructuredErrorFunc(NULL, quiet_structured);
    assert_int_equal(
        xmlMemSetup(free, failing_malloc, failing_realloc, failing_strdup), 0);
    bool wrote = false, read = false;
    for (long n = 0; n < 100000 && !(wrote && read); n++) {
        if (!wrote) {
            char *out = NULL;
            size_t len = 0;
            ac_error e;
            countdown = n;
            ac_status st =
                ac_write_many(f->ctx, form(f, "xml"), docs, 3, &out, &len, &e);
            countdown = -1;
            if (st == AC_OK) {
                assert_int_equal(len, expect_len);
                assert_memory_equal(out, expect, len);
                free(out);
                wrote = true;
            } else {
                assert_int_equal(st, AC_ERR_NOMEM);
                assert_null(out);
            }
        }
        if (!read) {
            ac_doc **back = NULL;
            size_t count = 0;
            bool is_collection = false;
            ac_error e;
            countdown = n;
            ac_status st =
                ac_read_many(f->ctx, form(f, "xml"), expect, expect_len, "t",
                             &back, &count, &is_collection, &e);
            countdown = -1;
            if (st == AC_OK) {
                assert_true(is_collection);
                assert_docs_equal(back, count, docs, 3);
                ac_docs_free(back, count);
                read = true;
            } else {
                assert_int_equal(st, AC_ERR_NOMEM);
                assert_string_equal(e.text, "out of memory");
                assert_null(back);
                assert_int_equal(count, 0);
            }
        }
    }
    assert_int_equal(xmlMemSetup(old_free, old_malloc, old_realloc, old_strdup),
                     0);
    xmlSetGenericErrorFunc(NULL, NULL);
    xmlSetStructuredErrorFunc(NULL, NULL);
    assert_true(wrote && read);
    free(expect);
    free_three(docs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_three_agents),
        T(test_one_agent_collection),
        T(test_empty_collection),
        T(test_single_agent_files),
        T(test_read_one_refuses_collections),
        T(test_round_trips),
        T(test_same_as_single_agents),
        T(test_positions),
        T(test_json_errors),
        T(test_yaml_errors),
        T(test_xml_errors),
        T(test_depth_allowance),
        T(test_other_limits),
        T(test_warnings_once),
        T(test_strict),
        T(test_write_errors),
        T(test_write_error_names),
        T(test_sniffing),
        T(test_files),
        T(test_front_matter_one_document),
        T(test_locale),
        T(test_xml_allocation_failures),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
