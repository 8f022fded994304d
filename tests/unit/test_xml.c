/*
 * Unit tests of the xml form: the writer's exact bytes, round trips of
 * every value type and of every awkward string (in values, keys and the
 * instructions), the reference agent through xml and back, a proof test
 * over generated models that also validates every output against
 * schemas/agent.xsd, source positions, every rejected input with its
 * message and line, the DOCTYPE, external-entity and "billion laughs"
 * defences, and independence from the host's libxml2 handlers and
 * settings and from the locale.
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

#include <fcntl.h>
#include <float.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "agentconv/agentconv.h"
#include "internal.h"
#include "xml_internal.h"

#ifndef AGENTCONV_SCHEMA_DIR
#error "AGENTCONV_SCHEMA_DIR must name the schemas directory"
#endif

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define AGENT "<agent xmlns=\"urn:agentconv:agent:1\">"

/* The reference example, a copy of examples/rust-backend-engineer.md (3277
 * bytes, embedded so that the test needs no file). */
static const char reference_md[] =
    "---\n"
    "name: rust-backend-engineer\n"
    "description: \"Use this agent when implementing backend systems, "
    "APIs, services, or infrastructure code in Rust. Examples: 'Desig"
    "n a REST API for user authentication using actix-web', 'Implemen"
    "t a concurrent job queue with tokio', 'Create a database migrati"
    "on system using sqlx', 'Build a WebSocket server for real-time c"
    "ommunication', 'Optimize this Rust service for better performanc"
    "e', 'Review this backend code for concurrency issues and error h"
    "andling'.\"\n"
    "model: opus\n"
    "color: cyan\n"
    "---\n"
    "\n"
    "You are an expert Rust backend engineer with deep expertise in b"
    "uilding high-performance, concurrent, and safe server-side syste"
    "ms. Your knowledge spans web frameworks (actix-web, axum, rocket"
    ", warp), async runtimes (tokio, async-std), database integration"
    " (sqlx, diesel), and systems programming.\n"
    "\n"
    "Your responsibilities:\n"
    "\n"
    "1. **Architecture & Design**: Design robust backend systems that"
    " leverage Rust's ownership model, zero-cost abstractions, and fe"
    "arless concurrency. Prioritize type safety, error handling with "
    "Result types, and compile-time guarantees.\n"
    "\n"
    "2. **Code Implementation**: Write idiomatic Rust that:\n"
    "   - Uses appropriate error handling with thiserror/anyhow\n"
    "   - Leverages the type system for correctness (newtypes, enums,"
    " traits)\n"
    "   - Implements efficient async/await patterns with tokio or asy"
    "nc-std\n"
    "   - Follows ownership and borrowing best practices\n"
    "   - Uses zero-copy techniques and efficient memory management\n"
    "   - Applies RAII principles for resource management\n"
    "\n"
    "3. **API Development**: Build RESTful and GraphQL APIs with prop"
    "er:\n"
    "   - Request validation and serialization (serde)\n"
    "   - Authentication/authorization patterns\n"
    "   - Middleware composition\n"
    "   - Error responses and status codes\n"
    "   - API versioning strategies\n"
    "\n"
    "4. **Database Integration**: Implement database layers with:\n"
    "   - Connection pooling\n"
    "   - Transaction management\n"
    "   - Type-safe query builders or compile-time checked queries\n"
    "   - Migration strategies\n"
    "   - Proper async database operations\n"
    "\n"
    "5. **Performance & Scalability**:\n"
    "   - Profile and optimize hot paths\n"
    "   - Implement efficient concurrency patterns (channels, mutexes"
    ", atomics)\n"
    "   - Use appropriate data structures (HashMap, BTreeMap, Vec vs "
    "VecDeque)\n"
    "   - Minimize allocations and clones\n"
    "   - Leverage zero-cost abstractions\n"
    "\n"
    "6. **Code Quality**:\n"
    "   - Write comprehensive tests (unit, integration, property-base"
    "d)\n"
    "   - Use cargo clippy recommendations\n"
    "   - Follow rustfmt formatting\n"
    "   - Document public APIs with rustdoc\n"
    "   - Handle all error cases explicitly\n"
    "\n"
    "7. **Security**: Implement secure practices including:\n"
    "   - Input validation and sanitization\n"
    "   - SQL injection prevention through parameterized queries\n"
    "   - Secure password hashing (argon2, bcrypt)\n"
    "   - CORS and CSRF protection\n"
    "   - Rate limiting and DoS prevention\n"
    "\n"
    "When solving problems:\n"
    "- Choose the right tool for the job (sync vs async, framework se"
    "lection)\n"
    "- Explain trade-offs in architectural decisions\n"
    "- Provide working, compile-ready code\n"
    "- Point out potential bottlenecks or edge cases\n"
    "- Suggest testing strategies for the implementation\n"
    "\n"
    "Be direct. Focus on correct, performant, and maintainable soluti"
    "ons. If requirements are ambiguous or a design choice has signif"
    "icant implications, ask for clarification rather than assume.\n";

/* ---- helpers ---- */

static ac_context *new_context(void)
{
    ac_context *ctx = ac_context_new();
    assert_non_null(ctx);
    return ctx;
}

static const ac_format *xml_format(const ac_context *ctx)
{
    const ac_format *f = ac_format_find(ctx, "xml");
    assert_non_null(f);
    assert_ptr_equal(f, &acp_format_xml);
    return f;
}

static const ac_format *md_format(const ac_context *ctx)
{
    const ac_format *f = ac_format_find(ctx, "md");
    assert_non_null(f);
    return f;
}

/* Read `len` bytes that must be accepted. */
static ac_doc *read_ok(ac_context *ctx, const char *text, size_t len)
{
    ac_doc *doc = NULL;
    ac_error e;
    ac_status st = ac_read(ctx, xml_format(ctx), text, len, "t.xml", &doc, &e);
    if (st != AC_OK)
        print_error("unexpected error %d at %d:%d: %s\n%.*s\n", (int)st, e.line,
                    e.column, e.text, (int)len, text);
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
    ac_status st = ac_write(ctx, xml_format(ctx), doc, &out, &n, &e);
    if (st != AC_OK)
        print_error("unexpected write error %d: %s\n", (int)st, e.text);
    assert_int_equal(st, AC_OK);
    assert_non_null(out);
    assert_int_equal(strlen(out), n);
    if (len)
        *len = n;
    return out;
}

/* Read input that must be refused with this status, message and line
 * (and column: libxml2's syntax errors have one, the rest do not). */
static void expect_error_n(ac_context *ctx, const char *text, size_t len,
                           ac_status status, int line, int column,
                           const char *message)
{
    ac_doc *doc = (ac_doc *)&doc; /* not NULL: the reader must clear it */
    ac_error e;
    ac_status st = ac_read(ctx, xml_format(ctx), text, len, "t.xml", &doc, &e);
    if (st != status || e.line != line || e.column != column ||
        strcmp(e.text, message) != 0)
        print_error("input %.*s\n got %d at %d:%d: %s\n", (int)len, text,
                    (int)st, e.line, e.column, e.text);
    assert_int_equal(st, status);
    assert_null(doc);
    assert_int_equal(e.status, status);
    assert_string_equal(e.text, message);
    assert_string_equal(e.source, "t.xml");
    assert_int_equal(e.line, line);
    assert_int_equal(e.column, column);
}

static void expect_error(ac_context *ctx, const char *text, ac_status status,
                         int line, int column, const char *message)
{
    expect_error_n(ctx, text, strlen(text), status, line, column, message);
}

/* A structural error: a line, no column. */
static void expect_structure(ac_context *ctx, const char *text, int line,
                             const char *message)
{
    expect_error(ctx, text, AC_ERR_STRUCTURE, line, 0, message);
}

static void set(ac_value *map, const char *key, ac_value *v)
{
    assert_non_null(v);
    assert_int_equal(ac_map_set(map, key, strlen(key), v), AC_OK);
}

static void setn(ac_value *map, const char *key, size_t len, ac_value *v)
{
    assert_non_null(v);
    assert_int_equal(ac_map_set(map, key, len, v), AC_OK);
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

static ac_value *list_of(const char *a, const char *b)
{
    ac_value *l = ac_value_new_list();
    assert_non_null(l);
    append(l, str(a));
    if (b)
        append(l, str(b));
    return l;
}

/* ---- the schema ---- */

static xmlSchemaPtr schema;

static int load_schema(void **state)
{
    (void)state;
    xmlSchemaParserCtxtPtr pc =
        xmlSchemaNewParserCtxt(AGENTCONV_SCHEMA_DIR "/agent.xsd");
    if (!pc)
        return -1;
    schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    return schema ? 0 : -1;
}

static int free_schema(void **state)
{
    (void)state;
    xmlSchemaFree(schema);
    schema = NULL;
    return 0;
}

static void collect_schema_error(void *user, xmlErrorPtr e)
{
    ac_buf *b = user;
    char line[512];
    snprintf(line, sizeof line, "  line %d: %s", e->line,
             e->message ? e->message : "?");
    ac_buf_puts(b, line);
}

/* Is the text valid against schemas/agent.xsd? Prints why not. */
static bool schema_valid(const char *text, size_t len)
{
    ac_buf errors;
    acp_buf_init(&errors);
    xmlDocPtr doc = xmlReadMemory(text, (int)len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING);
    assert_non_null(doc);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    assert_non_null(vc);
    xmlSchemaSetValidStructuredErrors(vc, collect_schema_error, &errors);
    int rc = xmlSchemaValidateDoc(vc, doc);
    if (rc != 0)
        print_error("schema rejects:\n%.*s\n%s\n", (int)len, text,
                    errors.data ? errors.data : "(no message)");
    xmlSchemaFreeValidCtxt(vc);
    xmlFreeDoc(doc);
    acp_buf_release(&errors);
    return rc == 0;
}

/* Write, check the schema accepts it, read back, compare; write again and
 * compare the bytes. */
static void round_trip(ac_context *ctx, const ac_doc *doc)
{
    size_t n1, n2;
    char *out1 = write_ok(ctx, doc, &n1);
    assert_true(schema_valid(out1, n1));
    ac_doc *back = read_ok(ctx, out1, n1);
    if (!ac_doc_equal(doc, back)) {
        char *a = ac_doc_dump(doc), *b = ac_doc_dump(back);
        print_error("round trip differs:\n%s\n--- wrote\n%s\n--- read\n%s\n",
                    out1, a, b);
        free(a);
        free(b);
    }
    assert_true(ac_doc_equal(doc, back));
    char *out2 = write_ok(ctx, back, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(out1, out2, n1);
    free(out2);
    ac_doc_free(back);
    free(out1);
}

/* Write one entry (key `key`, value `v`, stolen) and return the text
 * written for it, between the root's lines; round trip it too. */
static char *written_entry(ac_context *ctx, const char *key, size_t klen,
                           ac_value *v)
{
    static const char head[] = DECL AGENT "\n  ";
    static const char tail[] = "\n</agent>\n";
    ac_doc *doc = ac_doc_new();
    setn(ac_doc_fields(doc), key, klen, v);
    size_t n;
    char *out = write_ok(ctx, doc, &n);
    assert_true(n > sizeof head + sizeof tail - 2);
    assert_memory_equal(out, head, sizeof head - 1);
    assert_memory_equal(out + n - (sizeof tail - 1), tail, sizeof tail - 1);
    size_t vlen = n - (sizeof head - 1) - (sizeof tail - 1);
    memmove(out, out + sizeof head - 1, vlen);
    out[vlen] = '\0';
    round_trip(ctx, doc);
    ac_doc_free(doc);
    return out;
}

static char *written_value(ac_context *ctx, ac_value *v)
{
    return written_entry(ctx, "v", 1, v);
}

static void expect_written(ac_context *ctx, const char *s, size_t len,
                           const char *expected)
{
    char *t = written_value(ctx, ac_value_new_string(s, len));
    if (strcmp(t, expected) != 0)
        print_error("wrote %s\nexpected %s\n", t, expected);
    assert_string_equal(t, expected);
    free(t);
}

/* ---- descriptor and sniffing ---- */

static void test_descriptor(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    const ac_format *f = xml_format(ctx);
    assert_int_equal(f->abi, AC_FORMAT_ABI);
    assert_string_equal(f->name, "xml");
    assert_string_equal(f->description,
                        "XML document, <agent> root, instructions in "
                        "<instructions>");
    assert_null(f->aliases);
    assert_string_equal(f->extensions[0], ".xml");
    assert_null(f->extensions[1]);
    assert_non_null(f->read);
    assert_non_null(f->write);
    assert_ptr_equal(ac_format_for_path(ctx, "dir/agent.xml"), f);
    assert_ptr_equal(ac_format_for_path(ctx, "AGENT.XML"), f);

    assert_int_equal(f->sniff("<agent/>", 8), 80);
    assert_int_equal(f->sniff("<?xml version=\"1.0\"?>", 21), 80);
    assert_int_equal(f->sniff(" \r\n\t<a", 6), 80);
    assert_int_equal(f->sniff("\xEF\xBB\xBF\n<", 5), 80);
    assert_int_equal(f->sniff("<!-- c -->", 10), 80);
    assert_int_equal(f->sniff("", 0), 0);
    assert_int_equal(f->sniff("   ", 3), 0);
    assert_int_equal(f->sniff("---\nname: x\n---\n", 16), 0);
    assert_int_equal(f->sniff("{\"a\": 1}", 8), 0);
    assert_int_equal(f->sniff("x<a/>", 5), 0);
    assert_int_equal(f->sniff("<", 0), 0); /* only `len` bytes count */
    assert_ptr_equal(ac_format_sniff(ctx, DECL AGENT "</agent>", 77), f);

    /* Reading with the format sniffed. */
    ac_doc *doc = NULL;
    ac_error e;
    static const char text[] = AGENT "<name>x</name></agent>";
    assert_int_equal(
        ac_read(ctx, NULL, text, sizeof text - 1, "stdin", &doc, &e), AC_OK);
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(doc), "name"), NULL), "x");
    ac_doc_free(doc);
    ac_context_free(ctx);
}

/* ---- the writer's exact output ---- */

static void test_write_exact(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = ac_doc_new();
    ac_value *f = ac_doc_fields(doc);
    set(f, "name", str("x"));
    set(f, "tools", list_of("Read", "Grep"));
    set(f, "empty", ac_value_new_list());
    set(f, "m", ac_value_new_map());
    set(f, "n", ac_value_new_null());
    set(f, "i", ac_value_new_integer(42));
    set(f, "f", ac_value_new_number(0.5));
    set(f, "b", ac_value_new_bool(true));
    set(f, "s", str(""));
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
    set(f, "model", m);
    static const char instr[] = "Be \"good\" & <kind>.\n";
    assert_int_equal(ac_doc_set_instructions(doc, instr, sizeof instr - 1),
                     AC_OK);
    char *out = write_ok(ctx, doc, NULL);
    assert_string_equal(out,
                        DECL AGENT "\n"
                                   "  <name>x</name>\n"
                                   "  <tools type=\"list\">\n"
                                   "    <item>Read</item>\n"
                                   "    <item>Grep</item>\n"
                                   "  </tools>\n"
                                   "  <empty type=\"list\"></empty>\n"
                                   "  <m type=\"map\"></m>\n"
                                   "  <n type=\"null\"></n>\n"
                                   "  <i type=\"integer\">42</i>\n"
                                   "  <f type=\"number\">0.5</f>\n"
                                   "  <b type=\"boolean\">true</b>\n"
                                   "  <s></s>\n"
                                   "  <field key=\"model\" type=\"map\">\n"
                                   "    <list type=\"list\">\n"
                                   "      <item type=\"null\"></item>\n"
                                   "      <item type=\"boolean\">true</item>\n"
                                   "      <item type=\"map\"></item>\n"
                                   "      <item type=\"map\">\n"
                                   "        <k type=\"boolean\">false</k>\n"
                                   "      </item>\n"
                                   "    </list>\n"
                                   "    <n type=\"integer\">-7</n>\n"
                                   "    <field key=\"instructions\" "
                                   "type=\"number\">0.5</field>\n"
                                   "  </field>\n"
                                   "  <instructions><![CDATA[\n"
                                   "Be \"good\" & <kind>.\n"
                                   "]]></instructions>\n"
                                   "</agent>\n");
    free(out);
    round_trip(ctx, doc);
    ac_doc_free(doc);

    /* Nothing at all, and instructions only. */
    doc = ac_doc_new();
    out = write_ok(ctx, doc, NULL);
    assert_string_equal(out, DECL AGENT "</agent>\n");
    free(out);
    round_trip(ctx, doc);
    assert_int_equal(ac_doc_set_instructions(doc, "Hello", 5), AC_OK);
    out = write_ok(ctx, doc, NULL);
    assert_string_equal(out, DECL AGENT "\n  <instructions>\nHello"
                                        "</instructions>\n</agent>\n");
    free(out);
    round_trip(ctx, doc);
    ac_doc_free(doc);

    /* Empty instructions are left out. */
    doc = read_str(ctx, AGENT "<a type=\"integer\">1</a><instructions>\n\n"
                              "</instructions></agent>");
    size_t len;
    ac_doc_instructions(doc, &len);
    assert_int_equal(len, 0);
    out = write_ok(ctx, doc, NULL);
    assert_string_equal(out, DECL AGENT "\n  <a type=\"integer\">1</a>\n"
                                        "</agent>\n");
    free(out);
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
    set(f, "one", str("1")); /* "1" and 1 stay apart */
    set(f, "uno", ac_value_new_integer(1));
    set(f, "hundred", ac_value_new_number(100.0)); /* and 100.0 and 100 */
    set(f, "cent", ac_value_new_integer(100));
    set(f, "empty string", str(""));
    set(f, "", str("empty key"));
    set(f, "nul", str("null")); /* the string, not null */
    ac_value *l = ac_value_new_list();
    append(l, ac_value_new_list());
    append(l, ac_value_new_map());
    append(l, str(""));
    append(l, ac_value_new_null());
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
    assert_int_equal(ac_value_integer(ac_map_get(bf, "neg")), -42);
    assert_int_equal(ac_value_type(ac_map_get(bf, "num")), AC_NUMBER);
    assert_int_equal(ac_value_type(ac_map_get(bf, "str")), AC_STRING);
    assert_int_equal(ac_value_type(ac_map_get(bf, "one")), AC_STRING);
    assert_int_equal(ac_value_type(ac_map_get(bf, "uno")), AC_INTEGER);
    assert_int_equal(ac_value_type(ac_map_get(bf, "hundred")), AC_NUMBER);
    assert_int_equal(ac_value_type(ac_map_get(bf, "cent")), AC_INTEGER);
    assert_int_equal(ac_value_type(ac_map_get(bf, "empty string")), AC_STRING);
    assert_int_equal(ac_value_type(ac_map_get(bf, "nul")), AC_STRING);
    assert_int_equal(ac_value_type(ac_map_get(bf, "list")), AC_LIST);
    assert_int_equal(ac_value_type(ac_map_get(bf, "map")), AC_MAP);
    assert_string_equal(ac_map_key(bf, 12, NULL), "");
    assert_string_equal(
        ac_map_key(ac_map_get(ac_map_get(bf, "map"), "deep"), 0, NULL), "z");
    free(out);
    ac_doc_free(back);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

static void test_numbers(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    static const struct {
        double d;
        const char *text;
    } exact[] = {
        {0.1, "<v type=\"number\">0.1</v>"},
        {1e100, "<v type=\"number\">1.0e+100</v>"},
        {-0.0, "<v type=\"number\">-0.0</v>"},
        {0.0, "<v type=\"number\">0.0</v>"},
        {5e-324, "<v type=\"number\">5.0e-324</v>"},
        {1.7976931348623157e308,
         "<v type=\"number\">1.7976931348623157e+308</v>"},
        {100.0, "<v type=\"number\">100.0</v>"},
        {0.30000000000000004, "<v type=\"number\">0.30000000000000004</v>"},
    };
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        char *t = written_value(ctx, ac_value_new_number(exact[i].d));
        assert_string_equal(t, exact[i].text);
        free(t);
    }
    static const struct {
        int64_t i;
        const char *text;
    } ints[] = {{0, "<v type=\"integer\">0</v>"},
                {-1, "<v type=\"integer\">-1</v>"},
                {INT64_MAX, "<v type=\"integer\">9223372036854775807</v>"},
                {INT64_MIN, "<v type=\"integer\">-9223372036854775808</v>"}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        char *t = written_value(ctx, ac_value_new_integer(ints[i].i));
        assert_string_equal(t, ints[i].text);
        free(t);
    }
    char *t = written_value(ctx, ac_value_new_bool(false));
    assert_string_equal(t, "<v type=\"boolean\">false</v>");
    free(t);
    t = written_value(ctx, ac_value_new_null());
    assert_string_equal(t, "<v type=\"null\"></v>");
    free(t);

    /* What the reader accepts by hand: XML whitespace around the text,
     * a sign, leading zeros, the spellings of xs:double. */
    ac_doc *doc = read_str(
        ctx, AGENT "<a type=\"integer\"> +42\n</a><b type=\"integer\">007</b>"
                   "<c type=\"integer\">-9223372036854775808</c>"
                   "<d type=\"number\">1e3</d><e type=\"number\">.5</e>"
                   "<f type=\"number\">5.</f><g type=\"number\">-0</g>"
                   "<h type=\"number\">1E-400</h><i type=\"number\">7</i>"
                   "<j type=\"boolean\">\ttrue </j><k type=\"null\"> </k>"
                   "<l type=\"null\"/></agent>");
    const ac_value *fl = ac_doc_fields(doc);
    assert_int_equal(ac_value_integer(ac_map_get(fl, "a")), 42);
    assert_int_equal(ac_value_integer(ac_map_get(fl, "b")), 7);
    assert_true(ac_value_integer(ac_map_get(fl, "c")) == INT64_MIN);
    assert_true(ac_value_number(ac_map_get(fl, "d")) == 1000.0);
    assert_true(ac_value_number(ac_map_get(fl, "e")) == 0.5);
    assert_true(ac_value_number(ac_map_get(fl, "f")) == 5.0);
    assert_int_equal(ac_value_type(ac_map_get(fl, "g")), AC_NUMBER);
    assert_true(signbit(ac_value_number(ac_map_get(fl, "g"))));
    assert_true(ac_value_number(ac_map_get(fl, "h")) == 0.0);
    assert_int_equal(ac_value_type(ac_map_get(fl, "i")), AC_NUMBER);
    assert_true(ac_value_bool(ac_map_get(fl, "j")));
    assert_int_equal(ac_value_type(ac_map_get(fl, "k")), AC_NULL);
    assert_int_equal(ac_value_type(ac_map_get(fl, "l")), AC_NULL);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

/* The text plain libxml2 reads from the element `v` of an output. */
static char *libxml_text(const char *xml)
{
    xmlDocPtr d = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR);
    assert_non_null(d);
    xmlNodePtr v = xmlDocGetRootElement(d)->children;
    while (v && v->type != XML_ELEMENT_NODE)
        v = v->next;
    assert_non_null(v);
    xmlChar *c = xmlNodeGetContent(v);
    char *copy = strdup((const char *)c);
    xmlFree(c);
    xmlFreeDoc(d);
    return copy;
}

static void test_strings(void **state)
{
    (void)state;
    ac_context *ctx = new_context();

    /* Text is written exactly; markup goes in CDATA; CR as &#13;. */
    expect_written(ctx, "plain", 5, "<v>plain</v>");
    expect_written(ctx, "", 0, "<v></v>");
    expect_written(ctx, "  lead and trail  ", 18, "<v>  lead and trail  </v>");
    expect_written(ctx, "\t\n", 2, "<v>\t\n</v>");
    expect_written(ctx, "   ", 3, "<v>   </v>");
    expect_written(ctx, "a\rb", 3, "<v>a&#13;b</v>");
    expect_written(ctx, "a\r\nb\r", 5, "<v>a&#13;\nb&#13;</v>");
    expect_written(ctx, "\r", 1, "<v>&#13;</v>");
    expect_written(ctx, "]]>", 3, "<v><![CDATA[]]]]><![CDATA[>]]></v>");
    expect_written(ctx, "a]]>b]]>", 8,
                   "<v><![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>]]></v>");
    expect_written(ctx, "]]", 2, "<v>]]</v>");
    expect_written(ctx, "<example>\nContext: x\n</example>", 31,
                   "<v><![CDATA[<example>\nContext: x\n</example>]]></v>");
    expect_written(ctx, "a & b", 5, "<v><![CDATA[a & b]]></v>");
    expect_written(ctx, "a -> b", 6, "<v><![CDATA[a -> b]]></v>");
    expect_written(ctx, "&amp;", 5, "<v><![CDATA[&amp;]]></v>");
    expect_written(ctx, "x<\ry>", 5,
                   "<v><![CDATA[x<]]>&#13;<![CDATA[y>]]></v>");
    expect_written(ctx, "\x01", 1, "<v><c code=\"1\"></c></v>");
    expect_written(ctx,
                   "a\x1f"
                   "b",
                   3, "<v>a<c code=\"31\"></c>b</v>");
    expect_written(ctx, "<\x0b>", 3,
                   "<v><![CDATA[<]]><c code=\"11\"></c><![CDATA[>]]></v>");
    expect_written(ctx, "\xEF\xBF\xBE\xEF\xBF\xBF", 6,
                   "<v><c code=\"65534\"></c><c code=\"65535\"></c></v>");
    expect_written(ctx, " \x02 ", 3, "<v> <c code=\"2\"></c> </v>");
    /* Characters XML can hold are written as they are. */
    static const char raw[] = "caf\xC3\xA9 \xF0\x9F\x98\x80 \xC2\x85 "
                              "\xE2\x80\xA8 \x7f \xEF\xBF\xBD \xEF\xB7\x90 "
                              "\xF4\x8F\xBF\xBF \"quotes\" 'single'";
    char expect[256];
    snprintf(expect, sizeof expect, "<v>%s</v>", raw);
    expect_written(ctx, raw, sizeof raw - 1, expect);

    /* Every control character, one by one and all together. */
    char all[32];
    for (int c = 1; c < 0x20; c++) {
        all[c - 1] = (char)c;
        char *t = written_value(ctx, ac_value_new_string(all + c - 1, 1));
        if (c == '\t' || c == '\n')
            assert_true(t[3] == (char)c);
        else if (c == '\r')
            assert_string_equal(t, "<v>&#13;</v>");
        else
            assert_non_null(strstr(t, "<c code="));
        free(t);
    }
    all[31] = '<';
    char *t = written_value(ctx, ac_value_new_string(all, sizeof all));
    free(t);

    /* Plain libxml2 reads the same text back (no <c> in these). */
    static const char *const plain[] = {
        "a\rb",       "a\r\nb", "]]>",      "x<\ry>",    "  spaced  ",
        "<example>&", "]]]]>>", "\r\n\r\n", "tab\there", "caf\xC3\xA9"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        char *w = written_value(ctx, str(plain[i]));
        char xml[512];
        snprintf(xml, sizeof xml, AGENT "%s</agent>", w);
        char *back = libxml_text(xml);
        assert_string_equal(back, plain[i]);
        free(back);
        free(w);
    }

    /* Strings in lists and nested maps, and a long one. */
    ac_doc *doc = ac_doc_new();
    ac_value *l = ac_value_new_list();
    append(l, str("]]>"));
    append(l, str("\x01\r\n"));
    ac_value *m = ac_value_new_map();
    set(m, "k", str(" <a> & \x1b "));
    append(l, m);
    set(ac_doc_fields(doc), "l", l);
    size_t big = 1 << 20;
    char *long_text = malloc(big);
    assert_non_null(long_text);
    for (size_t i = 0; i < big; i++)
        long_text[i] = i % 7 == 0    ? '<'
                       : i % 11 == 0 ? '\r'
                       : i % 13 == 0 ? '\x01'
                                     : 'x';
    setn(ac_doc_fields(doc), "long", 4, ac_value_new_string(long_text, big));
    round_trip(ctx, doc);
    ac_doc_free(doc);
    free(long_text);

    /* The reader: CDATA is text, references are decoded, comments and
     * processing instructions inside text are dropped. */
    doc = read_str(ctx, AGENT "<a>x<![CDATA[<y>]]>&amp;&lt;&#x41;&#13;&#10;"
                              "<!-- c -->z<?pi d?></a><b><c code=\"27\"/></b>"
                              "<e type=\"string\"> </e><f/></agent>");
    size_t n;
    const char *s = ac_value_string(ac_map_get(ac_doc_fields(doc), "a"), &n);
    assert_int_equal(n, 10);
    assert_memory_equal(s, "x<y>&<A\r\nz", 10);
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(doc), "b"), NULL), "\x1b");
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(doc), "e"), NULL), " ");
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(doc), "f"), NULL), "");
    ac_doc_free(doc);
    ac_context_free(ctx);
}

static void expect_key(ac_context *ctx, const char *key, size_t klen,
                       ac_value *v, const char *expected)
{
    char *t = written_entry(ctx, key, klen, v);
    if (strcmp(t, expected) != 0)
        print_error("wrote %s\nexpected %s\n", t, expected);
    assert_string_equal(t, expected);
    free(t);
}

static void test_keys(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    /* XML names of ASCII letters, digits, '_', '-', '.' are element
     * names; other keys go in <field key="...">. */
    expect_key(ctx, "allowed-tools", 13, str("x"),
               "<allowed-tools>x</allowed-tools>");
    expect_key(ctx, "_a.b-c9", 7, str("x"), "<_a.b-c9>x</_a.b-c9>");
    expect_key(ctx, "xm", 2, str("x"), "<xm>x</xm>");
    expect_key(ctx, "a b", 3, str("x"), "<field key=\"a b\">x</field>");
    expect_key(ctx, "1st", 3, str("x"), "<field key=\"1st\">x</field>");
    expect_key(ctx, "-a", 2, str("x"), "<field key=\"-a\">x</field>");
    expect_key(ctx, ".a", 2, str("x"), "<field key=\".a\">x</field>");
    expect_key(ctx, "x:y", 3, str("x"), "<field key=\"x:y\">x</field>");
    expect_key(ctx, "\xC3\xA9t\xC3\xA9", 5, str("x"),
               "<field key=\"\xC3\xA9t\xC3\xA9\">x</field>");
    expect_key(ctx, "", 0, str("x"), "<field key=\"\">x</field>");
    expect_key(ctx, "xml", 3, str("x"), "<field key=\"xml\">x</field>");
    expect_key(ctx, "XmLfoo", 6, str("x"), "<field key=\"XmLfoo\">x</field>");
    expect_key(ctx, "xmlns", 5, str("x"), "<field key=\"xmlns\">x</field>");
    expect_key(ctx, "a\tb\nc\rd", 7, ac_value_new_integer(1),
               "<field key=\"a&#9;b&#10;c&#13;d\" type=\"integer\">1</field>");
    expect_key(ctx, "q\"<&>'", 6, str("x"),
               "<field key=\"q&quot;&lt;&amp;&gt;'\">x</field>");
    expect_key(ctx, " lead ", 6, str("x"), "<field key=\" lead \">x</field>");
    /* Characters XML cannot hold: the key's bytes in hexadecimal. */
    expect_key(ctx, "a\x01", 2, str("x"), "<field key-hex=\"6101\">x</field>");
    expect_key(ctx, "\xEF\xBF\xBE\xC3\xA9", 5, ac_value_new_null(),
               "<field key-hex=\"efbfbec3a9\" type=\"null\"></field>");
    /* The form's own names are never keys' element names. */
    expect_key(ctx, "field", 5, str("x"), "<field key=\"field\">x</field>");
    expect_key(ctx, "item", 4, str("x"), "<field key=\"item\">x</field>");
    expect_key(ctx, "c", 1, str("x"), "<field key=\"c\">x</field>");
    expect_key(ctx, "agent", 5, str("x"), "<field key=\"agent\">x</field>");
    /* The known fields are their elements when the schema allows the
     * value there. */
    expect_key(ctx, "name", 4, str("x"), "<name>x</name>");
    expect_key(ctx, "name", 4, ac_value_new_integer(1),
               "<field key=\"name\" type=\"integer\">1</field>");
    expect_key(ctx, "description", 11, ac_value_new_null(),
               "<field key=\"description\" type=\"null\"></field>");
    expect_key(ctx, "color", 5, str("cyan"), "<color>cyan</color>");
    expect_key(ctx, "model", 5, list_of("a", "b"),
               "<model type=\"list\">\n    <item>a</item>\n"
               "    <item>b</item>\n  </model>");
    ac_value *mixed = list_of("a", NULL);
    append(mixed, ac_value_new_integer(1));
    expect_key(ctx, "model", 5, mixed,
               "<field key=\"model\" type=\"list\">\n    <item>a</item>\n"
               "    <item type=\"integer\">1</item>\n  </field>");
    expect_key(ctx, "model", 5, ac_value_new_list(),
               "<model type=\"list\"></model>");
    ac_value *tools = ac_value_new_map();
    set(tools, "bash", ac_value_new_bool(false));
    set(tools, "name", ac_value_new_bool(true));
    expect_key(ctx, "tools", 5, tools,
               "<tools type=\"map\">\n    <bash type=\"boolean\">false</bash>\n"
               "    <field key=\"name\" type=\"boolean\">true</field>\n"
               "  </tools>");
    expect_key(ctx, "tools", 5, str("Read, Grep"), "<tools>Read, Grep</tools>");
    expect_key(ctx, "tools", 5, ac_value_new_bool(true),
               "<field key=\"tools\" type=\"boolean\">true</field>");

    /* The same keys nested in a map in a list, all in one document. */
    static const char *const keys[] = {
        "a b",   "1st",          "x:y",        "\xC3\xA9t\xC3\xA9",
        "",      "xml",          "field",      "item",
        "c",     "agent",        "name",       "model",
        "tools", "instructions", "a\tb\nc\rd", "q\"<&>'",
        "a\x01", "\xEF\xBF\xBF", "ok"};
    ac_doc *doc = ac_doc_new();
    ac_value *l = ac_value_new_list();
    ac_value *m = ac_value_new_map();
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        set(m, keys[i], ac_value_new_integer((int64_t)i));
        if (strcmp(keys[i], "instructions") != 0)
            set(ac_doc_fields(doc), keys[i], str(keys[i]));
    }
    append(l, m);
    set(ac_doc_fields(doc), "nested", l);
    round_trip(ctx, doc);
    ac_doc_free(doc);

    /* The reader: <field key> and the element name are the same key, and
     * a prefix is not part of it. */
    doc = read_str(ctx, "<a:agent xmlns:a=\"urn:agentconv:agent:1\">"
                        "<a:field key=\"name\">x</a:field><a:n2>y</a:n2>"
                        "<a:field key-hex=\"4142\">z</a:field>"
                        "<a:field key-hex=\"C3A9\">u</a:field></a:agent>");
    const ac_value *f = ac_doc_fields(doc);
    assert_string_equal(ac_map_key(f, 0, NULL), "name");
    assert_string_equal(ac_map_key(f, 1, NULL), "n2");
    assert_string_equal(ac_map_key(f, 2, NULL), "AB");
    assert_string_equal(ac_map_key(f, 3, NULL), "\xC3\xA9");
    ac_doc_free(doc);
    /* Attribute values: literal line ends and tabs are spaces (XML's
     * attribute-value normalization); references keep them. */
    doc = read_str(ctx, AGENT "<field key=\"a\tb\nc&#9;d&#10;\">x</field>"
                              "</agent>");
    assert_string_equal(ac_map_key(ac_doc_fields(doc), 0, NULL), "a b c\td\n");
    ac_doc_free(doc);
    ac_context_free(ctx);
}

static void test_instructions(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = ac_doc_new();
    set(ac_doc_fields(doc), "name", str("x"));

    static const struct {
        const char *text;
        const char *written;
    } cases[] = {
        {"Hello\n", "<instructions>\nHello\n</instructions>"},
        {"No final newline", "<instructions>\nNo final newline</instructions>"},
        {"   Indented\n  more\n",
         "<instructions>\n   Indented\n  more\n</instructions>"},
        {"Use <example> & ]]> here\n",
         "<instructions><![CDATA[\nUse <example> & ]]]]><![CDATA[> "
         "here\n]]></instructions>"},
        {"tab\there \x01 end\n",
         "<instructions>\ntab\there <c code=\"1\"></c> end\n</instructions>"},
        {"trailing spaces   \n\n\n",
         "<instructions>\ntrailing spaces   \n\n\n</instructions>"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *text = cases[i].text;
        assert_int_equal(ac_doc_set_instructions(doc, text, strlen(text)),
                         AC_OK);
        char *out = write_ok(ctx, doc, NULL);
        char expect[512];
        snprintf(expect, sizeof expect,
                 DECL AGENT "\n  <name>x</name>\n  %s\n</agent>\n",
                 cases[i].written);
        assert_string_equal(out, expect);
        free(out);
        round_trip(ctx, doc);
    }

    /* Instructions that are not normal (only through the API) read back
     * normalized, as from every form: CR as LF, leading blank lines
     * dropped. */
    static const char odd[] = "\n  \nA\r\nB\rC";
    assert_int_equal(ac_doc_set_instructions(doc, odd, sizeof odd - 1), AC_OK);
    char *out = write_ok(ctx, doc, NULL);
    assert_non_null(strstr(out, "<instructions>\n\n  \nA&#13;\nB&#13;C<"));
    ac_doc *back = read_str(ctx, out);
    assert_string_equal(ac_doc_instructions(back, NULL), "A\nB\nC");
    ac_doc_free(back);
    free(out);
    ac_doc_free(doc);

    /* The reader normalizes, and says where the text starts. */
    doc = read_str(ctx, AGENT "\n  <name>x</name>\n  <instructions>\r\n\n"
                              "  \n\tHello\r\nWorld\rEnd&#13;&#10;"
                              "</instructions>\n</agent>\n");
    size_t n;
    const char *s = ac_doc_instructions(doc, &n);
    assert_int_equal(n, 17);
    assert_memory_equal(s, "\tHello\nWorld\nEnd\n", 17);
    assert_int_equal(ac_doc_instructions_line(doc), 6);
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 1);
    assert_null(ac_map_get(ac_doc_fields(doc), "instructions"));
    ac_doc_free(doc);

    /* Empty ways of saying nothing. */
    static const char *const empty[] = {
        AGENT "<instructions/></agent>",
        AGENT "<instructions>  \n\t\n </instructions></agent>",
        AGENT "<instructions type=\"string\"></instructions></agent>",
        AGENT "</agent>"};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        doc = read_str(ctx, empty[i]);
        ac_doc_instructions(doc, &n);
        assert_int_equal(n, 0);
        assert_int_equal(ac_doc_instructions_line(doc), 0);
        ac_doc_free(doc);
    }

    /* At the top level the key "instructions" is the instructions however
     * it is written, and wherever it is; deeper down it is a key. */
    doc = read_str(ctx, AGENT "<field key=\"instructions\">Hi</field>"
                              "<name>x</name></agent>");
    assert_string_equal(ac_doc_instructions(doc, NULL), "Hi");
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 1);
    ac_doc_free(doc);
    doc = read_str(ctx, AGENT "<m type=\"map\"><instructions type=\"integer\">"
                              "5</instructions></m><l type=\"list\"><item "
                              "type=\"map\"><instructions>\r\n</instructions>"
                              "</item></l></agent>");
    const ac_value *m = ac_map_get(ac_doc_fields(doc), "m");
    assert_int_equal(ac_value_integer(ac_map_get(m, "instructions")), 5);
    const ac_value *l = ac_map_get(ac_doc_fields(doc), "l");
    assert_string_equal(
        ac_value_string(ac_map_get(ac_list_get(l, 0), "instructions"), NULL),
        "\n"); /* the XML parser reads a literal CRLF as LF */
    assert_int_equal(ac_doc_instructions(doc, NULL)[0], '\0');
    round_trip(ctx, doc);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

/* ---- the reference agent ---- */

static void test_reference(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    assert_int_equal(sizeof reference_md - 1, 3277);
    ac_doc *doc = NULL;
    ac_error e;
    assert_int_equal(ac_read(ctx, md_format(ctx), reference_md,
                             sizeof reference_md - 1, "ref.md", &doc, &e),
                     AC_OK);
    size_t xn;
    char *xml = write_ok(ctx, doc, &xn);
    assert_true(schema_valid(xml, xn));
    assert_non_null(strstr(xml, DECL AGENT "\n  <name>rust-backend-engineer"
                                           "</name>\n  <description>Use this "
                                           "agent when"));
    assert_non_null(strstr(xml, "</description>\n  <model>opus</model>\n"
                                "  <color>cyan</color>\n  <instructions>"
                                "<![CDATA[\nYou are an expert Rust"));
    assert_non_null(
        strstr(xml, "rather than assume.\n]]></instructions>\n</agent>\n"));
    ac_doc *back = read_ok(ctx, xml, xn);
    assert_true(ac_doc_equal(doc, back));
    char *md = NULL;
    size_t mn;
    assert_int_equal(ac_write(ctx, md_format(ctx), back, &md, &mn, &e), AC_OK);
    assert_int_equal(mn, sizeof reference_md - 1);
    assert_memory_equal(md, reference_md, mn);
    assert_int_equal(ac_doc_instructions_line(back), 8);
    free(md);
    ac_doc_free(back);
    free(xml);
    ac_doc_free(doc);
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
    "'",
    "\\",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x01",
    "\x0b",
    "\x1f",
    "\x7f",
    "<",
    ">",
    "&",
    "]]>",
    "]]",
    "]",
    "<![CDATA[",
    "<example>",
    "</example>",
    "&amp;",
    "&#13;",
    "<!--",
    "-->",
    "?>",
    "\xC3\xA9",
    "\xE2\x82\xAC",
    "\xF0\x9F\x98\x80",
    "\xC2\x85",
    "\xE2\x80\xA8",
    "\xEF\xBB\xBF",
    "\xEF\xBF\xBD",
    "\xEF\xBF\xBE",
    "\xEF\xBF\xBF",
    "\xF4\x8F\xBF\xBF",
    "x y",
    "0",
    ":",
    "-",
    ".",
    "_",
    "xml",
    "name",
    "item",
    "c",
    "field",
    "agent",
    "instructions",
};

/* Keys the form treats apart, often. */
static const char *const key_names[] = {
    "name", "description", "color", "model",   "tools", "instructions",
    "item", "field",       "c",     "agent",   "xml",   "Xml1",
    "xm",   "a",           "a.b",   "_x",      "-x",    "1st",
    "x:y",  "type",        "key",   "key-hex", "code",
};

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
    static const double special[] = {
        0.1,     -0.0,  0.0,   5e-324, DBL_MAX, -DBL_MAX,
        DBL_MIN, 1e100, 100.0, 1e21,   1e-7,    9007199254740993.0,
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
        ac_value *k =
            below(3) == 0
                ? str(key_names[below(sizeof key_names / sizeof key_names[0])])
                : random_string(false);
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
    size_t kind = below(depth >= 5 ? 5 : 8);
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
    case 5: { /* the shape of real tool lists */
        v = ac_value_new_list();
        size_t n = below(4);
        for (size_t i = 0; i < n; i++)
            append(v, random_string(false));
        break;
    }
    case 6: {
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

static void assert_positioned(const ac_value *v)
{
    assert_true(ac_value_line(v) > 0);
    assert_int_equal(ac_value_column(v), 0);
    for (size_t i = 0; i < ac_value_size(v); i++) {
        if (ac_value_type(v) == AC_MAP) {
            assert_int_equal(ac_map_key_line(v, i),
                             ac_value_line(ac_map_value(v, i)));
            assert_positioned(ac_map_value(v, i));
        } else {
            assert_positioned(ac_list_get(v, i));
        }
    }
}

static void test_proof(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    rng_state = 0x9E3779B97F4A7C15ULL;
    for (int round = 0; round < 1500; round++) {
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
        if (!schema_valid(out1, n1))
            fail_msg("round %d: the schema rejects the output", round);

        /* Our reader gives the same model back, every node placed. */
        ac_doc *back = read_ok(ctx, out1, n1);
        if (!ac_doc_equal(doc, back))
            fail_msg("round %d: differs after a round trip:\n%s", round, out1);
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

/* ---- the schema rejects what is not the form ---- */

static void test_schema(void **state)
{
    (void)state;
    static const char *const good[] = {
        DECL AGENT "</agent>",
        AGENT
        "<name>x<c code=\"1\"/></name><tools>Read</tools>"
        "<model type=\"list\"><item>a</item></model>"
        "<tools type=\"map\"><x type=\"boolean\">true</x></tools>"
        "<field key-hex=\"01\" type=\"list\"><item type=\"null\"/></field>"
        "<other type=\"map\"><name>n</name></other></agent>",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(schema_valid(good[i], strlen(good[i])));
    static const char *const bad[] = {
        "<agent/>",
        "<agent xmlns=\"urn:other\"/>",
        AGENT "<name type=\"integer\">1</name></agent>",
        AGENT "<model type=\"map\"></model></agent>",
        AGENT "<model type=\"list\"><item type=\"integer\">1</item></model>"
              "</agent>",
        AGENT "<tools type=\"boolean\">true</tools></agent>",
        AGENT "<x type=\"map\"><name type=\"null\"/></x></agent>",
        AGENT "<field key=\"a\" type=\"float\">1</field></agent>",
        AGENT "<field key-hex=\"abc\">x</field></agent>",
        AGENT "<v>a<c code=\"9\"/></v></agent>",
        AGENT "<v>a<c/></v></agent>",
        AGENT "<v><item type=\"list\"><item type=\"bad\"/></item></v></agent>",
        AGENT "<instructions type=\"list\"/></agent>",
        AGENT "<name><b/></name></agent>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        xmlDocPtr d = xmlReadMemory(bad[i], (int)strlen(bad[i]), NULL, NULL,
                                    XML_PARSE_NONET);
        assert_non_null(d);
        xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
        assert_non_null(vc);
        ac_buf quiet;
        acp_buf_init(&quiet);
        xmlSchemaSetValidStructuredErrors(vc, collect_schema_error, &quiet);
        if (xmlSchemaValidateDoc(vc, d) == 0)
            fail_msg("the schema accepts %s", bad[i]);
        acp_buf_release(&quiet);
        xmlSchemaFreeValidCtxt(vc);
        xmlFreeDoc(d);
    }
}

/* ---- positions ---- */

static const char sample[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                   /* 1 */
    "<!-- a comment -->\n"                                           /* 2 */
    AGENT "\n"                                                       /* 3 */
    "  <name>r\xC3\xBCst</name>\n"                                   /* 4 */
    "  <tools type=\"list\">\n"                                      /* 5 */
    "    <item>Read</item><item>Grep</item>\n"                       /* 6 */
    "    <item type=\"map\">\n"                                      /* 7 */
    "      <deep type=\"list\"><item type=\"boolean\">true</item>\n" /* 8 */
    "        <item type=\"null\"/></deep>\n"                         /* 9 */
    "    </item>\n"                                                  /* 10 */
    "  </tools>\n"                                                   /* 11 */
    "  <field key=\"a b\"\n"                                         /* 12 */
    "    type=\"integer\">12</field>\n"                              /* 13 */
    "  <description><![CDATA[multi\n"                                /* 14 */
    "line]]></description>\n"                                        /* 15 */
    "  <instructions>\n"                                             /* 16 */
    "Hi\n"                                                           /* 17 */
    "</instructions>\n"                                              /* 18 */
    "</agent>\n";                                                    /* 19 */

static void assert_line(const ac_value *v, int line)
{
    assert_non_null(v);
    if (ac_value_line(v) != line)
        print_error("expected line %d, found %d\n", line, ac_value_line(v));
    assert_int_equal(ac_value_line(v), line);
    assert_int_equal(ac_value_column(v), 0);
}

static void check_sample_positions(const ac_doc *doc)
{
    const ac_value *f = ac_doc_fields(doc);
    assert_line(f, 3);
    assert_line(ac_map_get(f, "name"), 4);
    assert_int_equal(ac_map_key_line(f, 0), 4);
    const ac_value *tools = ac_map_get(f, "tools");
    assert_line(tools, 5);
    assert_int_equal(ac_map_key_line(f, 1), 5);
    assert_line(ac_list_get(tools, 0), 6);
    assert_line(ac_list_get(tools, 1), 6);
    const ac_value *m = ac_list_get(tools, 2);
    assert_line(m, 7);
    const ac_value *deep = ac_map_get(m, "deep");
    assert_line(deep, 8);
    assert_int_equal(ac_map_key_line(m, 0), 8);
    assert_line(ac_list_get(deep, 0), 8);
    assert_line(ac_list_get(deep, 1), 9);
    /* A start tag over two lines: the line where it ends. */
    assert_line(ac_map_get(f, "a b"), 13);
    assert_int_equal(ac_map_key_line(f, 2), 13);
    assert_line(ac_map_get(f, "description"), 14);
    assert_string_equal(ac_value_string(ac_map_get(f, "description"), NULL),
                        "multi\nline");
    assert_int_equal(ac_doc_instructions_line(doc), 17);
    assert_string_equal(ac_doc_instructions(doc, NULL), "Hi\n");
}

/* The sample with each "\n" replaced by `eol`, after `prefix`. */
static char *with_line_ends(const char *prefix, const char *eol, size_t *len)
{
    ac_buf b;
    acp_buf_init(&b);
    assert_int_equal(ac_buf_puts(&b, prefix), AC_OK);
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
    static const char *const variants[][2] = {{"", "\n"},
                                              {"", "\r\n"},
                                              {"", "\r"},
                                              {"\xEF\xBB\xBF", "\n"},
                                              {"\xEF\xBB\xBF", "\r\n"}};
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        size_t len;
        char *text = with_line_ends(variants[i][0], variants[i][1], &len);
        ac_doc *doc = read_ok(ctx, text, len);
        check_sample_positions(doc);
        ac_doc_free(doc);
        free(text);
    }

    /* Errors point at the same lines whatever the line ends. */
    static const char *const eols[] = {"\n", "\r\n", "\r"};
    for (size_t i = 0; i < 3; i++) {
        char text[256];
        snprintf(text, sizeof text,
                 AGENT "%s  <a>x</a>%s%s  <b>%s</b>%s</agent>", eols[i],
                 eols[i], eols[i], "<b/>", eols[i]);
        expect_structure(ctx, text, 4,
                         "expected text in <b>, found the element <b> (a list "
                         "or a map needs type=\"list\" or type=\"map\")");
        snprintf(text, sizeof text,
                 AGENT "%s  <a>x</a>%s%s  <b>&</b>%s</agent>", eols[i], eols[i],
                 eols[i], eols[i]);
        expect_error(ctx, text, AC_ERR_SYNTAX, 4, 7,
                     "invalid XML: xmlParseEntityRef: no name");
    }

    /* Text in a container: the line where the text is, not where the
     * whitespace before it starts. */
    expect_structure(ctx,
                     AGENT "\n  <tools type=\"list\">\n\n    stray\n"
                           "  </tools>\n</agent>\n",
                     4,
                     "expected only elements in <tools>, found the text "
                     "\"stray\"");
    ac_context_free(ctx);
}

/* ---- what people write by hand ---- */

typedef struct warnings {
    int count;
    ac_error last;
} warnings;

static void on_warning(void *user, const ac_error *w)
{
    warnings *ws = user;
    ws->count++;
    ws->last = *w;
}

static void test_hand_edited(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    warnings ws = {0};
    ac_context_set_warning_handler(ctx, on_warning, &ws);
    static const char text[] =
        "\xEF\xBB\xBF  <!-- leading comment -->\n"
        "<?pi data?>\n"
        "<a:agent xmlns:a=\"urn:agentconv:agent:1\"\n"
        "         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
        "         xsi:schemaLocation=\"urn:agentconv:agent:1 agent.xsd\">\n"
        "  <a:name>x<!-- inside -->y</a:name>\n"
        "  <a:n type=\"integer\"> +42 </a:n>\n"
        "  <a:d type=\"number\">1e3</a:d>\n"
        "  <a:s type=\"string\"><![CDATA[<b>]]> &amp; &#x41;&#13;</a:s>\n"
        "  <a:field key=\"name2\"><?x y?>v</a:field>\n"
        "  <a:l type=\"list\"> <!-- none --> </a:l>\n"
        "  <a:instructions>\n"
        "    Hello\n"
        "  </a:instructions>\n"
        "</a:agent>\n"
        "<!-- trailing -->\n";
    ac_doc *doc = read_str(ctx, text);
    const ac_value *f = ac_doc_fields(doc);
    assert_string_equal(ac_value_string(ac_map_get(f, "name"), NULL), "xy");
    assert_int_equal(ac_value_integer(ac_map_get(f, "n")), 42);
    assert_true(ac_value_number(ac_map_get(f, "d")) == 1000.0);
    assert_string_equal(ac_value_string(ac_map_get(f, "s"), NULL), "<b> & A\r");
    assert_string_equal(ac_value_string(ac_map_get(f, "name2"), NULL), "v");
    assert_int_equal(ac_value_size(ac_map_get(f, "l")), 0);
    assert_string_equal(ac_doc_instructions(doc, NULL), "    Hello\n  ");
    assert_int_equal(ac_doc_instructions_line(doc), 13);
    assert_int_equal(ws.count, 1);
    assert_string_equal(ws.last.source, "t.xml");
    assert_int_equal(ws.last.line, 1);
    assert_int_equal(ws.last.column, 0);
    assert_string_equal(ws.last.text,
                        "6 XML comments and processing instructions are "
                        "dropped: the model does not carry them (the first "
                        "is here)");
    ac_doc_free(doc);

    ws.count = 0;
    doc = read_str(ctx, AGENT "\n  <name>x</name>\n  <!-- one -->\n</agent>");
    assert_int_equal(ws.count, 1);
    assert_int_equal(ws.last.line, 3);
    assert_string_equal(ws.last.text,
                        "1 XML comment is dropped: the model does not carry "
                        "them (the first is here)");
    ac_doc_free(doc);
    ws.count = 0;
    doc = read_str(ctx, "<?a?><?b?>\n" AGENT "</agent>");
    assert_int_equal(ws.count, 1);
    assert_string_equal(ws.last.text,
                        "2 XML processing instructions are dropped: the "
                        "model does not carry them (the first is here)");
    ac_doc_free(doc);
    ws.count = 0;
    doc = read_str(ctx, "\n\n  " AGENT "<name>x</name></agent>\n\n  ");
    assert_int_equal(ws.count, 0);
    ac_doc_free(doc);
    doc = read_str(ctx, DECL "\n \n" AGENT "<name>x</name></agent>\n");
    ac_doc_free(doc);
    /* The declaration comes first or not at all (XML says so). */
    expect_error(ctx, " " DECL AGENT "</agent>", AC_ERR_SYNTAX, 1, 7,
                 "invalid XML: XML declaration allowed only at the start of "
                 "the document");
    /* The declaration may say UTF-8 in any case, or be standalone. */
    doc = read_str(ctx, "<?xml version='1.0' encoding='utf-8' "
                        "standalone='yes'?>" AGENT "</agent>");
    ac_doc_free(doc);
    doc = read_str(ctx, "<?xml version=\"1.0\" encoding=\"UTF8\"?>" AGENT
                        "</agent>");
    ac_doc_free(doc);
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
        {AGENT "<name>x</nam></agent>", 1, 51,
         "invalid XML: Opening and ending tag mismatch: name line 1 and nam"},
        {AGENT "\n  <name>a & b</name>\n</agent>", 2, 12,
         "invalid XML: xmlParseEntityRef: no name"},
        {AGENT "<name>x</name>", 1, 52,
         "invalid XML: Premature end of data in tag agent line 1"},
        {"", 1, 1, "invalid XML: Document is empty"},
        {"   ", 1, 4, "invalid XML: Start tag expected, '<' not found"},
        {"hello", 1, 1, "invalid XML: Start tag expected, '<' not found"},
        {AGENT "</agent><x/>", 1, 46,
         "invalid XML: Extra content at the end of the document"},
        {AGENT "<name a=\"1\" a=\"2\">x</name></agent>", 1, 55,
         "invalid XML: Attribute a redefined"},
        {AGENT "<p:name>x</p:name></agent>", 1, 45,
         "invalid XML: Namespace prefix p on name is not defined"},
        {AGENT "<name>&#1;</name></agent>", 1, 48,
         "invalid XML: xmlParseCharRef: invalid xmlChar value 1"},
        {AGENT "<name>&#xFFFE;</name></agent>", 1, 52,
         "invalid XML: xmlParseCharRef: invalid xmlChar value 65534"},
        {AGENT "<name>\x01</name></agent>", 1, 44,
         "invalid XML: PCDATA invalid Char value 1"},
        {AGENT "<name>\xEF\xBF\xBE</name></agent>", 1, 44,
         "invalid XML: Char 0xFFFE out of allowed range"},
        {AGENT "<name>]]></name></agent>", 1, 44,
         "invalid XML: Sequence ']]>' not allowed in content"},
        {AGENT "<name><![CDATA[x]></name></agent>", 1, 71,
         "invalid XML: CData section not finished"},
        {AGENT "<!-- a -- b --></agent>", 1, 45,
         "invalid XML: Double hyphen within comment: <!-- a"},
        {"<?xml version=\"1.1\"?>" AGENT "</agent>", 1, 20,
         "invalid XML: Unsupported version '1.1'"},
        {AGENT "<name>&foo;</name></agent>", 1, 49,
         "invalid XML: Entity 'foo' not defined"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_error(ctx, cases[i].input, AC_ERR_SYNTAX, cases[i].line,
                     cases[i].column, cases[i].message);
    ac_context_free(ctx);
}

static void test_reject_structure(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    /* The root. */
    expect_structure(ctx, "<foo/>", 1,
                     "expected <agent> in namespace urn:agentconv:agent:1, "
                     "found <foo>");
    expect_structure(ctx, DECL "\n<agent/>", 3,
                     "expected <agent> in namespace urn:agentconv:agent:1, "
                     "found <agent> in no namespace");
    expect_structure(ctx, "<agent xmlns=\"urn:x\"/>", 1,
                     "expected <agent> in namespace urn:agentconv:agent:1, "
                     "found <agent> in namespace urn:x");
    expect_structure(ctx, "<a:agent xmlns:a=\"urn:x\"/>", 1,
                     "expected <agent> in namespace urn:agentconv:agent:1, "
                     "found <a:agent> in namespace urn:x");
    expect_structure(ctx,
                     "<agent xmlns=\"urn:agentconv:agent:1\" "
                     "version=\"1\"/>",
                     1, "unknown attribute \"version\" on <agent>");
    /* Children in another namespace. */
    expect_structure(ctx, AGENT "\n<name xmlns=\"\">x</name></agent>", 2,
                     "expected an element in namespace urn:agentconv:agent:1, "
                     "found <name> in no namespace");
    expect_structure(ctx, AGENT "<x:name xmlns:x=\"urn:o\">x</x:name></agent>",
                     1,
                     "expected an element in namespace urn:agentconv:agent:1, "
                     "found <x:name> in namespace urn:o");
    expect_structure(ctx,
                     AGENT "<l type=\"list\"><item xmlns=\"urn:o\"/></l>"
                           "</agent>",
                     1,
                     "expected an element in namespace urn:agentconv:agent:1, "
                     "found <item> in namespace urn:o");
    /* Attributes. */
    expect_structure(ctx, AGENT "<v type=\"float\">1</v></agent>", 1,
                     "unknown type \"float\" on <v>: expected string, "
                     "integer, number, boolean, null, list or map");
    expect_structure(ctx, AGENT "<v type=\" list\"/></agent>", 1,
                     "unknown type \" list\" on <v>: expected string, "
                     "integer, number, boolean, null, list or map");
    expect_structure(ctx, AGENT "\n\n<name lang=\"en\">x</name></agent>", 3,
                     "unknown attribute \"lang\" on <name>");
    expect_structure(ctx, AGENT "<name xml:lang=\"en\">x</name></agent>", 1,
                     "unknown attribute \"xml:lang\" on <name>");
    expect_structure(ctx, AGENT "<v key=\"a\">x</v></agent>", 1,
                     "unknown attribute \"key\" on <v>");
    expect_structure(ctx,
                     AGENT "<l type=\"list\"><item key=\"a\"/></l>"
                           "</agent>",
                     1, "unknown attribute \"key\" on <item>");
    /* Text where elements belong. */
    expect_structure(ctx, AGENT "\n  hello\n</agent>", 2,
                     "expected only elements in <agent>, found the text "
                     "\"hello\"");
    expect_structure(ctx, AGENT "<l type=\"list\"><item>a</item>b</l></agent>",
                     1, "expected only elements in <l>, found the text \"b\"");
    expect_structure(ctx, AGENT "<m type=\"map\"><![CDATA[x]]></m></agent>", 1,
                     "expected only elements in <m>, found the text \"x\"");
    expect_structure(ctx,
                     AGENT "<m type=\"map\">"
                           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                           "</m></agent>",
                     1,
                     "expected only elements in <m>, found the text "
                     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
    /* Items and lists. */
    expect_structure(ctx, AGENT "<item>x</item></agent>", 1,
                     "unexpected <item> in <agent>: items belong in a list "
                     "(type=\"list\"); the key \"item\" is written <field "
                     "key=\"item\">");
    expect_structure(ctx, AGENT "<m type=\"map\">\n<item>x</item></m></agent>",
                     2,
                     "unexpected <item> in <m>: items belong in a list "
                     "(type=\"list\"); the key \"item\" is written <field "
                     "key=\"item\">");
    expect_structure(ctx,
                     AGENT "<tools type=\"list\"><tool>x</tool></tools>"
                           "</agent>",
                     1, "expected <item> in the list <tools>, found <tool>");
    /* Text with elements in it. */
    expect_structure(ctx, AGENT "<name>a\n<b>x</b></name></agent>", 2,
                     "expected text in <name>, found the element <b> (a list "
                     "or a map needs type=\"list\" or type=\"map\")");
    expect_structure(ctx,
                     AGENT "<n type=\"integer\">1<c code=\"1\"/></n>"
                           "</agent>",
                     1, "expected text in <n>, found the element <c>");
    /* <c>. */
    static const char *const codes[] = {"9", "10",    "13", "0",  "01",
                                        "x", "65536", "",   "32", "1114111"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char text[160], message[256];
        snprintf(text, sizeof text, AGENT "<v>a<c code=\"%s\"/></v></agent>",
                 codes[i]);
        snprintf(message, sizeof message,
                 "bad code \"%s\" on <c>: expected the decimal code of a "
                 "character XML cannot hold (1-8, 11, 12, 14-31, 65534 or "
                 "65535)",
                 codes[i]);
        expect_structure(ctx, text, 1, message);
    }
    expect_structure(ctx, AGENT "<v><c/></v></agent>", 1,
                     "<c> needs a code attribute");
    expect_structure(ctx, AGENT "<v><c code=\"1\">x</c></v></agent>", 1,
                     "<c> must be empty: it stands for one character");
    expect_structure(ctx, AGENT "<v><c code=\"1\" x=\"y\"/></v></agent>", 1,
                     "unknown attribute \"x\" on <c>");
    /* <field>. */
    expect_structure(ctx, AGENT "<field>x</field></agent>", 1,
                     "<field> needs a key or key-hex attribute");
    expect_structure(ctx,
                     AGENT "<field key=\"a\" key-hex=\"61\">x</field>"
                           "</agent>",
                     1, "<field> has both key and key-hex: give one of them");
    expect_structure(ctx, AGENT "<field key-hex=\"6\">x</field></agent>", 1,
                     "bad key-hex \"6\" on <field>: expected the key's UTF-8 "
                     "bytes as pairs of hexadecimal digits");
    expect_structure(ctx, AGENT "<field key-hex=\"zz\">x</field></agent>", 1,
                     "bad key-hex \"zz\" on <field>: expected the key's UTF-8 "
                     "bytes as pairs of hexadecimal digits");
    expect_error(ctx, AGENT "<field key-hex=\"61ff\">x</field></agent>",
                 AC_ERR_ENCODING, 1, 0,
                 "key-hex \"61ff\" on <field> is not a key: invalid UTF-8 at "
                 "byte 1");
    expect_error(ctx, AGENT "<field key-hex=\"6100\">x</field></agent>",
                 AC_ERR_ENCODING, 1, 0,
                 "key-hex \"6100\" on <field> is not a key: NUL character "
                 "(U+0000) at byte 1");
    /* Duplicate keys, however they are written. */
    expect_error(ctx,
                 AGENT "\n  <name>a</name>\n  <x/>\n  <name>b</name>\n"
                       "</agent>",
                 AC_ERR_SYNTAX, 4, 0,
                 "duplicate key \"name\" (first on line 2)");
    expect_error(ctx,
                 AGENT "\n<name>a</name>\n<field key=\"name\">b</field>"
                       "</agent>",
                 AC_ERR_SYNTAX, 3, 0,
                 "duplicate key \"name\" (first on line 2)");
    expect_error(ctx,
                 AGENT "<m type=\"map\">\n<field key-hex=\"610a\"/>\n"
                       "<field key=\"a&#10;\"/></m></agent>",
                 AC_ERR_SYNTAX, 3, 0,
                 "duplicate key \"a\\n\" (first on line 2)");
    expect_error(ctx,
                 AGENT "\n<instructions>a</instructions>\n\n"
                       "<field key=\"instructions\">b</field></agent>",
                 AC_ERR_SYNTAX, 4, 0,
                 "duplicate key \"instructions\" (first on line 2)");
    /* Duplicates in different maps are fine. */
    ac_doc *doc = read_str(ctx, AGENT "<l type=\"list\"><item type=\"map\"><a/>"
                                      "</item><item type=\"map\"><a/></item>"
                                      "</l><a/></agent>");
    ac_doc_free(doc);
    /* Scalars. */
    expect_structure(ctx, AGENT "<n type=\"integer\">1.5</n></agent>", 1,
                     "expected an integer (decimal digits) in <n>, found "
                     "\"1.5\"");
    expect_structure(ctx, AGENT "<n type=\"integer\"/></agent>", 1,
                     "expected an integer (decimal digits) in <n>, found \"\"");
    expect_structure(
        ctx, AGENT "<n type=\"integer\">-</n></agent>", 1,
        "expected an integer (decimal digits) in <n>, found \"-\"");
    expect_structure(ctx, AGENT "<n type=\"integer\">1 2</n></agent>", 1,
                     "expected an integer (decimal digits) in <n>, found "
                     "\"1 2\"");
    expect_structure(ctx,
                     AGENT "<n type=\"integer\">99999999999999999999</n>"
                           "</agent>",
                     1,
                     "integer out of range: 99999999999999999999 does not fit "
                     "in 64 bits");
    expect_structure(ctx,
                     AGENT "<n type=\"integer\">9223372036854775808</n>"
                           "</agent>",
                     1,
                     "integer out of range: 9223372036854775808 does not fit "
                     "in 64 bits");
    expect_structure(ctx,
                     AGENT "<l type=\"list\">\n<item type=\"integer\">"
                           "-9223372036854775809</item></l></agent>",
                     2,
                     "integer out of range: -9223372036854775809 does not fit "
                     "in 64 bits");
    expect_structure(ctx, AGENT "<n type=\"number\">abc</n></agent>", 1,
                     "expected a number in <n>, found \"abc\"");
    expect_structure(ctx, AGENT "<n type=\"number\">inf</n></agent>", 1,
                     "expected a number in <n>, found \"inf\"");
    expect_structure(ctx, AGENT "<n type=\"number\">0x10</n></agent>", 1,
                     "expected a number in <n>, found \"0x10\"");
    expect_structure(ctx, AGENT "<n type=\"number\">1e</n></agent>", 1,
                     "expected a number in <n>, found \"1e\"");
    expect_structure(ctx, AGENT "<n type=\"number\">.</n></agent>", 1,
                     "expected a number in <n>, found \".\"");
    expect_structure(ctx, AGENT "<n type=\"number\">1e400</n></agent>", 1,
                     "number out of range: 1e400 is too large for a double");
    expect_structure(ctx, AGENT "<n type=\"number\"> -1.5E+999 </n></agent>", 1,
                     "number out of range: -1.5E+999 is too large for a "
                     "double");
    expect_structure(ctx, AGENT "<n type=\"number\">INF</n></agent>", 1,
                     "INF: infinity and NaN cannot be carried (JSON has no "
                     "such numbers)");
    expect_structure(ctx, AGENT "<n type=\"number\">-INF</n></agent>", 1,
                     "-INF: infinity and NaN cannot be carried (JSON has no "
                     "such numbers)");
    expect_structure(ctx, AGENT "<n type=\"number\">NaN</n></agent>", 1,
                     "NaN: infinity and NaN cannot be carried (JSON has no "
                     "such numbers)");
    expect_structure(ctx, AGENT "<b type=\"boolean\">yes</b></agent>", 1,
                     "expected true or false in <b>, found \"yes\"");
    expect_structure(ctx, AGENT "<b type=\"boolean\">1</b></agent>", 1,
                     "expected true or false in <b>, found \"1\"");
    expect_structure(ctx, AGENT "<b type=\"boolean\">True</b></agent>", 1,
                     "expected true or false in <b>, found \"True\"");
    expect_structure(ctx, AGENT "<z type=\"null\">x</z></agent>", 1,
                     "expected no text in <z> (type=\"null\"), found \"x\"");
    expect_structure(ctx, AGENT "<z type=\"null\"><c code=\"1\"/></z></agent>",
                     1, "expected text in <z>, found the element <c>");
    /* The instructions. */
    expect_structure(ctx,
                     AGENT "\n<instructions type=\"list\"><item>a</item>"
                           "</instructions></agent>",
                     2, "\"instructions\" must be a string, found a list");
    expect_structure(ctx,
                     AGENT "<instructions type=\"integer\">5"
                           "</instructions></agent>",
                     1, "\"instructions\" must be a string, found an integer");
    expect_structure(ctx, AGENT "<instructions type=\"null\"/></agent>", 1,
                     "\"instructions\" must be a string, found null");
    expect_structure(ctx, AGENT "<instructions type=\"map\"/></agent>", 1,
                     "\"instructions\" must be a string, found a map");
    expect_structure(ctx, AGENT "<instructions>a<b/></instructions></agent>", 1,
                     "expected text in <instructions>, found the element <b> "
                     "(a list or a map needs type=\"list\" or type=\"map\")");
    ac_context_free(ctx);
}

static void test_reject_encoding(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    expect_error(ctx, AGENT "<a>\xff</a></agent>", AC_ERR_ENCODING, 1, 41,
                 "invalid UTF-8 (byte 0xff)");
    expect_error(ctx, AGENT "\n<a>\xC3\xA9\xC3(</a></agent>", AC_ERR_ENCODING,
                 2, 5, "invalid UTF-8 (byte 0xc3)");
    expect_error(ctx, AGENT "<a>\xED\xA0\x80</a></agent>", AC_ERR_ENCODING, 1,
                 41, "invalid UTF-8 (byte 0xed)");
    static const char nul[] = AGENT "<a>\0</a></agent>";
    expect_error_n(ctx, nul, sizeof nul - 1, AC_ERR_ENCODING, 1, 41,
                   "NUL character (U+0000) in the input");
    expect_error(
        ctx, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" AGENT "</agent>",
        AC_ERR_ENCODING, 1, 31,
        "the XML declaration names the encoding \"ISO-8859-1\": "
        "agentconv reads UTF-8 only");
    expect_error(ctx,
                 "\xEF\xBB\xBF<?xml version='1.0'\n  encoding = 'UTF-16'"
                 "?>" AGENT "</agent>",
                 AC_ERR_ENCODING, 2, 15,
                 "the XML declaration names the encoding \"UTF-16\": "
                 "agentconv reads UTF-8 only");
    ac_context_free(ctx);
}

/* `n` nested lists under <a>, each start tag on a line of its own. */
static char *nested(size_t n, size_t *len)
{
    ac_buf b;
    acp_buf_init(&b);
    assert_int_equal(ac_buf_puts(&b, AGENT "\n<a type=\"list\">\n"), AC_OK);
    for (size_t i = 1; i < n; i++)
        assert_int_equal(ac_buf_puts(&b, "<item type=\"list\">\n"), AC_OK);
    for (size_t i = 1; i < n; i++)
        assert_int_equal(ac_buf_puts(&b, "</item>"), AC_OK);
    assert_int_equal(ac_buf_puts(&b, "</a></agent>"), AC_OK);
    return acp_buf_detach(&b, len);
}

static void test_reject_limits(void **state)
{
    (void)state;
    ac_context *ctx = new_context();

    /* Depth: the fields are depth 1. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 3), AC_OK);
    ac_doc *doc = read_str(ctx, AGENT "<a type=\"map\"><b type=\"list\"><item>"
                                      "1</item></b></a><c type=\"list\">"
                                      "<item type=\"list\"/></c></agent>");
    ac_doc_free(doc);
    expect_error(ctx,
                 AGENT "<a type=\"map\">\n<b type=\"map\">\n<c type=\"map\">"
                       "</c></b></a></agent>",
                 AC_ERR_LIMIT, 3, 0, "nesting deeper than the depth limit (3)");
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 1), AC_OK);
    expect_error(ctx,
                 AGENT "<a type=\"integer\">1</a>\n<b type=\"list\"/>"
                       "</agent>",
                 AC_ERR_LIMIT, 2, 0, "nesting deeper than the depth limit (1)");

    /* The default limit, below libxml2's own (256): 99 lists in the fields
     * are fine, 100 are not, and 300 give our error at the same place. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH,
                                          ac_limit_default(AC_LIMIT_DEPTH)),
                     AC_OK);
    size_t len;
    char *text = nested(99, &len);
    doc = read_ok(ctx, text, len);
    ac_doc_free(doc);
    free(text);
    text = nested(100, &len);
    expect_error_n(ctx, text, len, AC_ERR_LIMIT, 101, 0,
                   "nesting deeper than the depth limit (100)");
    free(text);
    text = nested(300, &len);
    expect_error_n(ctx, text, len, AC_ERR_LIMIT, 101, 0,
                   "nesting deeper than the depth limit (100)");
    /* A limit above libxml2's: libxml2's own limit is named. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 5000), AC_OK);
    expect_error_n(ctx, text, len, AC_ERR_LIMIT, 258, 0,
                   "nesting deeper than the XML parser's own limit (256 "
                   "levels)");
    free(text);
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 100), AC_OK);

    /* Keys per map, the top-level instructions included. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_KEYS, 2), AC_OK);
    doc = read_str(ctx, AGENT "<a/><b type=\"map\"><x/><y/></b></agent>");
    ac_doc_free(doc);
    expect_error(ctx, AGENT "<a/><b/>\n<c/></agent>", AC_ERR_LIMIT, 2, 0,
                 "map with more than 2 keys exceeds the keys limit (2)");
    expect_error(ctx, AGENT "<a/><b/>\n<instructions>x</instructions></agent>",
                 AC_ERR_LIMIT, 2, 0,
                 "map with more than 2 keys exceeds the keys limit (2)");
    expect_error(ctx, AGENT "<m type=\"map\">\n<a/>\n<b/>\n<c/></m></agent>",
                 AC_ERR_LIMIT, 4, 0,
                 "map with more than 2 keys exceeds the keys limit (2)");
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_KEYS, 10000), AC_OK);

    /* Key length in bytes. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_KEY_LENGTH, 3), AC_OK);
    doc = read_str(ctx, AGENT "<abc/><field key=\"\xC3\xA9\"/></agent>");
    ac_doc_free(doc);
    expect_error(ctx, AGENT "<abc/><abcd/></agent>", AC_ERR_LIMIT, 1, 0,
                 "key of 4 bytes exceeds the key-length limit (3 bytes)");
    expect_error(ctx, AGENT "<field key=\"\xC3\xA9\xC3\xA9\"/></agent>",
                 AC_ERR_LIMIT, 1, 0,
                 "key of 4 bytes exceeds the key-length limit (3 bytes)");
    expect_error(ctx, AGENT "<field key-hex=\"61626364\"/></agent>",
                 AC_ERR_LIMIT, 1, 0,
                 "key of 4 bytes exceeds the key-length limit (3 bytes)");
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_KEY_LENGTH, 1024),
                     AC_OK);

    /* String length in bytes, <c> included, the instructions too. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_STRING_LENGTH, 3),
                     AC_OK);
    doc = read_str(ctx, AGENT "<a>abc</a><b>\n\n\n</b><c>a<c code=\"1\"/>b</c>"
                              "</agent>");
    ac_doc_free(doc);
    expect_error(ctx, AGENT "<a type=\"list\">\n<item>abcd</item></a></agent>",
                 AC_ERR_LIMIT, 2, 0,
                 "string of 4 bytes exceeds the string-length limit (3 bytes)");
    expect_error(ctx,
                 AGENT "<a>ab<c code=\"1\"/><c code=\"65535\"/></a></agent>",
                 AC_ERR_LIMIT, 1, 0,
                 "string of 6 bytes exceeds the string-length limit (3 bytes)");
    /* The instructions are bounded by the input size, not by this limit
     * (docs/limits.md): an md body longer than it converts to xml and
     * back. */
    static const char xml_instructions[] =
        AGENT "<instructions>Hello</instructions></agent>";
    ac_doc *read = NULL;
    ac_error e;
    assert_int_equal(ac_read(ctx, ac_format_find(ctx, "xml"), xml_instructions,
                             sizeof xml_instructions - 1, "in", &read, &e),
                     AC_OK);
    assert_string_equal(ac_doc_instructions(read, NULL), "Hello");
    ac_doc_free(read);
    ac_context_free(ctx);

    /* libxml2 refuses a CDATA section of more than 10,000,000 bytes (we
     * do not pass XML_PARSE_HUGE; plain text has no such limit in 2.9). */
    ctx = new_context();
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_STRING_LENGTH, 1 << 26),
                     AC_OK);
    ac_buf b;
    acp_buf_init(&b);
    assert_int_equal(ac_buf_puts(&b, AGENT "\n<instructions><![CDATA["), AC_OK);
    char chunk[4096];
    memset(chunk, '<', sizeof chunk);
    for (size_t i = 0; i < 10000000 / sizeof chunk + 1; i++)
        assert_int_equal(ac_buf_append(&b, chunk, sizeof chunk), AC_OK);
    assert_int_equal(ac_buf_puts(&b, "]]></instructions></agent>"), AC_OK);
    expect_error_n(ctx, b.data, b.len, AC_ERR_SYNTAX, 2, 10000027,
                   "invalid XML: CData section too big found");
    acp_buf_release(&b);

    /* So the writer cuts long runs into several sections: 12 MB of text
     * full of markup (and of 2-byte characters) read back whole. */
    size_t big = 12000000;
    char *many = malloc(big);
    assert_non_null(many);
    for (size_t i = 0; i < big; i += 4)
        memcpy(many + i, i % 400 == 0 ? "<\xC3\xA9>" : "a&\xC3\xA9", 4);
    ac_doc *d = ac_doc_new();
    set(ac_doc_fields(d), "s", ac_value_new_string(many, big));
    assert_int_equal(ac_doc_set_instructions(d, many, big), AC_OK);
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_INPUT_SIZE, 1 << 26),
                     AC_OK);
    size_t n;
    char *out = write_ok(ctx, d, &n);
    ac_doc *back = read_ok(ctx, out, n);
    assert_true(ac_doc_equal(d, back));
    ac_doc_free(back);
    free(out);
    ac_doc_free(d);
    free(many);
    ac_context_free(ctx);
}

/* ---- DOCTYPE, external entities, entity expansion ---- */

static void test_doctype(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    static const char message[] = "a DOCTYPE is not allowed: agentconv reads "
                                  "no DTD and expands no entities";
    expect_error(ctx, DECL "<!DOCTYPE agent>\n" AGENT "</agent>", AC_ERR_SYNTAX,
                 2, 0, message);
    expect_error(ctx,
                 "\n\n<!DOCTYPE agent [\n<!ENTITY x \"y\">\n]>\n" AGENT
                 "<name>&x;</name></agent>",
                 AC_ERR_SYNTAX, 3, 0, message);
    expect_error(ctx,
                 "<!DOCTYPE agent PUBLIC \"-//x//y\" "
                 "\"http://example.invalid/agent.dtd\">" AGENT "</agent>",
                 AC_ERR_SYNTAX, 1, 0, message);
    ac_context_free(ctx);
}

/* Run `fn` with the process's standard output and error going to
 * temporary files, and return what was written to them (free()). */
static char *captured(void (*fn)(void *), void *arg)
{
    char path[] = "/tmp/agentconv-test-outXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    assert_true(saved_out >= 0 && saved_err >= 0);
    assert_true(dup2(fd, 1) >= 0 && dup2(fd, 2) >= 0);
    fn(arg);
    fflush(stdout);
    fflush(stderr);
    assert_true(dup2(saved_out, 1) >= 0 && dup2(saved_err, 2) >= 0);
    close(saved_out);
    close(saved_err);
    off_t size = lseek(fd, 0, SEEK_END);
    assert_true(size >= 0);
    char *text = calloc(1, (size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(pread(fd, text, (size_t)size, 0), size);
    close(fd);
    unlink(path);
    return text;
}

typedef struct xxe_case {
    ac_context *ctx;
    const char *text;
    ac_status status;
    ac_error error;
    ac_doc *doc;
} xxe_case;

static void run_read(void *arg)
{
    xxe_case *c = arg;
    c->status = ac_read(c->ctx, xml_format(c->ctx), c->text, strlen(c->text),
                        "xxe.xml", &c->doc, &c->error);
}

/* An external entity naming a local file is never read: the DOCTYPE stops
 * the parser first. The secret appears nowhere: not in the model, not in
 * the error, not on standard output or error. */
static void test_external_entity(void **state)
{
    (void)state;
    char path[] = "/tmp/agentconv-secretXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    char secret[64];
    snprintf(secret, sizeof secret, "TOP-SECRET-%ld-%d", (long)time(NULL),
             (int)getpid());
    assert_int_equal(write(fd, secret, strlen(secret)),
                     (ssize_t)strlen(secret));
    close(fd);

    char texts[4][512];
    snprintf(texts[0], sizeof texts[0],
             DECL
             "<!DOCTYPE agent [\n<!ENTITY x SYSTEM \"file://%s\">\n]>\n" AGENT
             "<name>&x;</name></agent>",
             path);
    snprintf(texts[1], sizeof texts[1],
             DECL "<!DOCTYPE agent SYSTEM \"file://%s\">\n" AGENT "</agent>",
             path);
    snprintf(texts[2], sizeof texts[2],
             DECL "<!DOCTYPE agent [\n<!ENTITY %% p SYSTEM \"file://%s\">\n"
                  "%%p;\n]>\n" AGENT "</agent>",
             path);
    snprintf(texts[3], sizeof texts[3],
             DECL "<!DOCTYPE agent [\n<!ENTITY x SYSTEM \"%s\">\n]>\n" AGENT
                  "<name>&x;</name></agent>",
             path);
    ac_context *ctx = new_context();
    for (int i = 0; i < 4; i++) {
        xxe_case c = {ctx, texts[i], AC_OK, {0}, NULL};
        c.doc = (ac_doc *)&c; /* not NULL: the reader must clear it */
        char *out = captured(run_read, &c);
        assert_int_equal(c.status, AC_ERR_SYNTAX);
        assert_null(c.doc);
        assert_int_equal(c.error.line, 2);
        assert_string_equal(c.error.text,
                            "a DOCTYPE is not allowed: agentconv reads no DTD "
                            "and expands no entities");
        assert_null(strstr(c.error.text, secret));
        assert_null(strstr(out, secret));
        assert_string_equal(out, ""); /* the library prints nothing */
        free(out);
    }
    ac_context_free(ctx);

    /* The control: libxml2 told to load and expand does read the file, so
     * the inputs above are real attacks. */
    xmlDocPtr d = xmlReadMemory(texts[0], (int)strlen(texts[0]), NULL, NULL,
                                XML_PARSE_NOENT | XML_PARSE_DTDLOAD |
                                    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    assert_non_null(d);
    xmlChar *content = xmlNodeGetContent(xmlDocGetRootElement(d));
    assert_non_null(strstr((const char *)content, secret));
    xmlFree(content);
    xmlFreeDoc(d);
    unlink(path);
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_billion_laughs(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    static const char bomb[] = DECL
        "<!DOCTYPE agent [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 "
        "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 "
        "\"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 "
        "\"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol4 "
        "\"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        " <!ENTITY lol5 "
        "\"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        " <!ENTITY lol6 "
        "\"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        " <!ENTITY lol7 "
        "\"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        " <!ENTITY lol8 "
        "\"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        " <!ENTITY lol9 "
        "\"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n" AGENT "<name>&lol9;</name><description>&lol9;&lol9;"
        "</description></agent>\n";
    double start = seconds();
    for (int i = 0; i < 100; i++)
        expect_error(ctx, bomb, AC_ERR_SYNTAX, 2, 0,
                     "a DOCTYPE is not allowed: agentconv reads no DTD and "
                     "expands no entities");
    double took = seconds() - start;
    assert_true(took < 5.0); /* 100 times, under any sanitizer */
    ac_context_free(ctx);
}

/* ---- the host's libxml2 handlers and settings ---- */

static int host_structured_calls;
static int host_generic_calls;
static int host_marker;

static void host_structured(void *user, xmlErrorPtr e)
{
    (void)user;
    (void)e;
    host_structured_calls++;
}

static void host_generic(void *user, const char *fmt, ...)
{
    (void)user;
    (void)fmt;
    host_generic_calls++;
}

static void test_host_handlers(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    /* The test, like a host, installs its own handlers (the library never
     * may). */
    xmlSetStructuredErrorFunc(&host_marker, host_structured);
    xmlSetGenericErrorFunc(&host_marker, host_generic);

    /* The control: plain libxml2 reports a bad document to them. */
    xmlDocPtr d = xmlReadMemory("<a>", 3, NULL, NULL, 0);
    assert_null(d);
    assert_true(host_structured_calls > 0);
    host_structured_calls = 0;
    host_generic_calls = 0;

    static const char *const bad[] = {
        AGENT "<name>x</nam></agent>",
        AGENT "<name>&foo;</name></agent>",
        "<?xml version=\"1.1\"?>" AGENT "</agent>",
        DECL "<!DOCTYPE agent [<!ENTITY x \"y\">]>" AGENT "</agent>",
        AGENT "<a type=\"list\"><item type=\"list\"><item type=\"list\"/>"
              "</item></a></agent>",
        AGENT "<a xmlns:b=\"not a uri\"/></agent>",
        "",
        "<foo/>",
    };
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 2), AC_OK);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ac_doc *doc = NULL;
        ac_error e;
        assert_int_not_equal(ac_read(ctx, xml_format(ctx), bad[i],
                                     strlen(bad[i]), "t.xml", &doc, &e),
                             AC_OK);
        assert_null(doc);
    }
    /* A good one, read and written. */
    ac_doc *doc = read_str(ctx, AGENT "<name>x</name></agent>");
    char *out = write_ok(ctx, doc, NULL);
    free(out);
    ac_doc_free(doc);

    assert_int_equal(host_structured_calls, 0);
    assert_int_equal(host_generic_calls, 0);
    assert_ptr_equal(xmlStructuredError, host_structured);
    assert_ptr_equal(xmlStructuredErrorContext, &host_marker);
    assert_ptr_equal(xmlGenericError, host_generic);
    assert_ptr_equal(xmlGenericErrorContext, &host_marker);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlSetGenericErrorFunc(NULL, NULL);
    ac_context_free(ctx);
}

/* libxml2 settings a host may change for its own use (per thread) must not
 * change what agentconv writes or reads. */
static void test_host_settings(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = ac_doc_new();
    set(ac_doc_fields(doc), "n", ac_value_new_null());
    set(ac_doc_fields(doc), "s", str(" \x01 "));
    set(ac_doc_fields(doc), "l", ac_value_new_list());
    size_t n1, n2;
    char *before = write_ok(ctx, doc, &n1);

    int old_keep = xmlKeepBlanksDefault(0);
    int old_indent = xmlIndentTreeOutput;
    int old_empty = xmlSaveNoEmptyTags;
    xmlSaveNoEmptyTags = 1;
    xmlIndentTreeOutput = 1;
    char *after = write_ok(ctx, doc, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    ac_doc *back = read_ok(ctx, after, n2);
    assert_true(ac_doc_equal(doc, back));
    ac_doc_free(back);
    /* Whitespace before an element in text is text, not "blanks". */
    back = read_str(ctx, AGENT "<s> <c code=\"1\"/></s><t>\n  <!-- x -->\n"
                               "</t></agent>");
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(back), "s"), NULL), " \x01");
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(back), "t"), NULL), "\n  \n");
    ac_doc_free(back);
    xmlKeepBlanksDefault(old_keep);
    xmlIndentTreeOutput = old_indent;
    xmlSaveNoEmptyTags = old_empty;

    free(after);
    free(before);
    ac_doc_free(doc);
    ac_context_free(ctx);
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
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = ac_doc_new();
    set(ac_doc_fields(doc), "t", ac_value_new_number(0.25));
    set(ac_doc_fields(doc), "big", ac_value_new_number(1e100));
    set(ac_doc_fields(doc), "i", ac_value_new_integer(-1234567));
    set(ac_doc_fields(doc), "s", str("caf\xC3\xA9 \xC2\xA0"));
    size_t n1, n2;
    char *c_out = write_ok(ctx, doc, &n1);
    const char *loc = enter_comma_locale();
    if (!loc) {
        /* Under ctest a de_DE locale is built into the build tree: there,
         * not finding it is a failure, not a reason to skip. */
        assert_null(getenv("AGENTCONV_REQUIRE_COMMA_LOCALE"));
        printf("note: no decimal-comma locale; the check is skipped\n");
    } else {
        char *out = write_ok(ctx, doc, &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(c_out, out, n1);
        assert_non_null(strstr(out, "<t type=\"number\">0.25</t>"));
        ac_doc *back = read_ok(ctx, out, n2);
        assert_true(ac_doc_equal(doc, back));
        ac_doc_free(back);
        free(out);
        setlocale(LC_ALL, "C");
    }
    free(c_out);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

/* ---- the writer refuses what the model should not hold ---- */

static void expect_write_error(ac_context *ctx, const ac_doc *doc,
                               ac_status status, const char *message)
{
    char *out = (char *)&out;
    size_t n = 1;
    ac_error e;
    ac_status st = ac_write(ctx, xml_format(ctx), doc, &out, &n, &e);
    if (st != status || strcmp(e.text, message) != 0)
        print_error("got %d: %s\n", (int)st, e.text);
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
    expect_write_error(ctx, doc, AC_ERR_ENCODING,
                       "NUL character (U+0000) in a key of the map at "
                       "/m/a~1b~0c");
    assert_true(ac_map_remove(f, "m", 1));

    assert_int_equal(ac_map_set(f, "\xC3", 1, ac_value_new_null()), AC_OK);
    expect_write_error(ctx, doc, AC_ERR_ENCODING,
                       "invalid UTF-8 (byte 0xc3) in a key of the fields");
    assert_true(ac_map_remove(f, "\xC3", 1));

    set(f, "nul", ac_value_new_string("a\0b", 3));
    expect_write_error(ctx, doc, AC_ERR_ENCODING,
                       "NUL character (U+0000) in the string at /nul");
    assert_true(ac_map_remove(f, "nul", 3));

    assert_int_equal(ac_doc_set_instructions(doc, "a\0b", 3), AC_OK);
    expect_write_error(ctx, doc, AC_ERR_ENCODING,
                       "NUL character (U+0000) in the instructions");
    assert_int_equal(ac_doc_set_instructions(doc, "", 0), AC_OK);

    /* A number that is not finite (only by writing the struct). */
    ac_value *num = ac_value_new_number(1.0);
    assert_non_null(num);
    num->u.d = HUGE_VAL;
    ac_value *l = ac_value_new_list();
    append(l, num);
    set(f, "n", l);
    expect_write_error(ctx, doc, AC_ERR_ARGUMENT,
                       "not a finite number at /n/0");
    assert_true(ac_map_remove(f, "n", 1));

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

/* ---- allocation failures inside libxml2 ---- */

/* The test (not the library) replaces libxml2's allocator with one that
 * fails the n-th allocation, for n = 0, 1, 2, ... until a call succeeds:
 * every failure must be AC_ERR_NOMEM, never a truncated or otherwise
 * wrong document, nor a crash; the sanitizers check for leaks. */
static long alloc_countdown = -1; /* < 0: never fail */

static bool alloc_fails(void)
{
    if (alloc_countdown < 0)
        return false;
    return alloc_countdown-- == 0;
}

static void *failing_malloc(size_t n)
{
    return alloc_fails() ? NULL : malloc(n);
}

static void *failing_realloc(void *p, size_t n)
{
    return alloc_fails() ? NULL : realloc(p, n);
}

static char *failing_strdup(const char *s)
{
    return alloc_fails() ? NULL : strdup(s);
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

static void test_allocation_failures(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = ac_doc_new();
    ac_value *f = ac_doc_fields(doc);
    set(f, "name", str("x"));
    set(f, "tools", list_of("Read", "a<b"));
    set(f, "a b", str("\x01\r"));
    ac_value *m = ac_value_new_map();
    set(m, "k", ac_value_new_number(0.5));
    set(f, "m", m);
    assert_int_equal(ac_doc_set_instructions(doc, "Hi & bye\n", 9), AC_OK);
    size_t expect_len;
    char *expect = write_ok(ctx, doc, &expect_len);

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
            alloc_countdown = n;
            ac_status st = ac_write(ctx, xml_format(ctx), doc, &out, &len, &e);
            alloc_countdown = -1;
            if (st == AC_OK) {
                if (len != expect_len)
                    print_error("n=%ld:\n%s\n---\n%s\n", n, out, expect);
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
            ac_doc *back = NULL;
            ac_error e;
            alloc_countdown = n;
            ac_status st = ac_read(ctx, xml_format(ctx), expect, expect_len,
                                   "t.xml", &back, &e);
            alloc_countdown = -1;
            if (st == AC_OK) {
                assert_true(ac_doc_equal(doc, back));
                ac_doc_free(back);
                read = true;
            } else {
                assert_int_equal(st, AC_ERR_NOMEM);
                assert_string_equal(e.text, "out of memory");
                assert_null(back);
            }
        }
    }
    assert_int_equal(xmlMemSetup(old_free, old_malloc, old_realloc, old_strdup),
                     0);
    xmlSetGenericErrorFunc(NULL, NULL);
    xmlSetStructuredErrorFunc(NULL, NULL);
    assert_true(wrote && read);
    free(expect);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_write_exact),
        cmocka_unit_test(test_round_trip_types),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_instructions),
        cmocka_unit_test(test_reference),
        cmocka_unit_test(test_proof),
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_hand_edited),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_reject_structure),
        cmocka_unit_test(test_reject_encoding),
        cmocka_unit_test(test_reject_limits),
        cmocka_unit_test(test_doctype),
        cmocka_unit_test(test_external_entity),
        cmocka_unit_test(test_billion_laughs),
        cmocka_unit_test(test_host_handlers),
        cmocka_unit_test(test_host_settings),
        cmocka_unit_test(test_locale),
        cmocka_unit_test(test_write_rejects),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests_name("xml", tests, load_schema, free_schema);
}
