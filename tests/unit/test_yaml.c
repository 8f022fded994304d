/*
 * Unit tests of the yaml form through ac_read/ac_write: the reader (a
 * mapping at the root, the "instructions" key, positions, errors with their
 * exact messages), the writer (every value type, literal block scalars and
 * where libyaml refuses them), the reference example md -> yaml -> md byte
 * for byte, the sniffer, and independence from the locale.
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

#include "internal.h"
#include "yaml_internal.h"

/* The reference example (examples/rust-backend-engineer.md, 3277 bytes),
 * canonical md: md -> yaml -> md must give it back byte for byte. */
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

/* ---- fixture: a context and what a test allocates, released in teardown
 * so that a failing assertion leaks nothing ---- */

#define KEEP_MAX 64

typedef struct fixture {
    ac_context *ctx;
    ac_doc *docs[KEEP_MAX];
    size_t ndocs;
    char *bufs[KEEP_MAX];
    size_t nbufs;
    int warnings;
    ac_error last_warning;
} fixture;

static void release_all(fixture *f)
{
    for (size_t i = 0; i < f->ndocs; i++)
        ac_doc_free(f->docs[i]);
    for (size_t i = 0; i < f->nbufs; i++)
        free(f->bufs[i]);
    f->ndocs = f->nbufs = 0;
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
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    release_all(f);
    ac_context_free(f->ctx);
    free(f);
    setlocale(LC_ALL, "C");
    return 0;
}

static ac_doc *keep_doc(fixture *f, ac_doc *doc)
{
    assert_true(f->ndocs < KEEP_MAX);
    f->docs[f->ndocs++] = doc;
    return doc;
}

static char *keep_buf(fixture *f, char *buf)
{
    assert_true(f->nbufs < KEEP_MAX);
    f->bufs[f->nbufs++] = buf;
    return buf;
}

static ac_doc *new_doc(fixture *f)
{
    ac_doc *doc = ac_doc_new();
    assert_non_null(doc);
    return keep_doc(f, doc);
}

static void on_warning(void *user, const ac_error *w)
{
    fixture *f = user;
    f->warnings++;
    f->last_warning = *w;
}

/* Read text in `format` that must be valid. */
static ac_doc *read_as(fixture *f, const ac_format *format, const char *text,
                       size_t len)
{
    ac_doc *doc = NULL;
    ac_error e;
    memset(&e, 0, sizeof e);
    ac_status st = ac_read(f->ctx, format, text, len, "t.yaml", &doc, &e);
    if (st != AC_OK)
        fail_msg("%s read failed: %s:%d:%d: %s\n%.*s", format->name, e.source,
                 e.line, e.column, e.text, (int)len, text);
    assert_non_null(doc);
    return keep_doc(f, doc);
}

#define READ(f, lit) read_as(f, &acp_format_yaml, lit, sizeof(lit) - 1)

/* Read yaml text that must fail with `want`; returns the error. */
static ac_error read_fail_len(fixture *f, const char *text, size_t len,
                              ac_status want)
{
    ac_doc *doc = NULL;
    ac_error e;
    memset(&e, 0, sizeof e);
    ac_status st =
        ac_read(f->ctx, &acp_format_yaml, text, len, "t.yaml", &doc, &e);
    if (st == AC_OK) {
        keep_doc(f, doc);
        fail_msg("read succeeded, expected %s:\n%.*s", ac_status_string(want),
                 (int)len, text);
    }
    assert_null(doc);
    if (st != want)
        fail_msg("read failed with %s (%s), expected %s", ac_status_string(st),
                 e.text, ac_status_string(want));
    assert_int_equal(e.status, want);
    assert_string_equal(e.source, "t.yaml");
    return e;
}

#define READ_FAIL(f, lit, want) read_fail_len(f, lit, sizeof(lit) - 1, want)

static void check_error(const ac_error *e, int line, int column,
                        const char *text)
{
    if (strcmp(e->text, text) != 0)
        fail_msg("message '%s', wanted '%s'", e->text, text);
    assert_int_equal(e->line, line);
    assert_int_equal(e->column, column);
}

/* Write a document in `format`; must succeed. */
static char *write_as(fixture *f, const ac_format *format, const ac_doc *doc,
                      size_t *len)
{
    char *out = NULL;
    size_t n = 0;
    ac_error e;
    memset(&e, 0, sizeof e);
    ac_status st = ac_write(f->ctx, format, doc, &out, &n, &e);
    if (st != AC_OK)
        fail_msg("%s write failed: %s", format->name, e.text);
    keep_buf(f, out);
    assert_int_equal(strlen(out), n);
    if (len)
        *len = n;
    return out;
}

static char *write_yaml(fixture *f, const ac_doc *doc)
{
    return write_as(f, &acp_format_yaml, doc, NULL);
}

/* Write as yaml, read back, and check the documents are equal; then check
 * the read-back document writes the same bytes. Returns the text. */
static char *check_write_read(fixture *f, const ac_doc *doc)
{
    size_t n = 0;
    char *out = write_as(f, &acp_format_yaml, doc, &n);
    ac_doc *back = read_as(f, &acp_format_yaml, out, n);
    if (!ac_doc_equal(doc, back)) {
        char *a = keep_buf(f, ac_doc_dump(doc));
        char *b = keep_buf(f, ac_doc_dump(back));
        fail_msg("written as:\n%s\nwanted:\n%s\ngot:\n%s", out, a, b);
    }
    assert_string_equal(write_yaml(f, back), out);
    return out;
}

/* Read yaml text, write it, and compare with the input byte for byte. */
static ac_doc *same_bytes_len(fixture *f, const char *text, size_t len)
{
    ac_doc *doc = read_as(f, &acp_format_yaml, text, len);
    size_t n = 0;
    char *out = write_as(f, &acp_format_yaml, doc, &n);
    if (n != len || memcmp(out, text, len) != 0)
        fail_msg("read\n%.*s\nwritten as\n%s", (int)len, text, out);
    return doc;
}

#define SAME_BYTES(f, lit) same_bytes_len(f, lit, sizeof(lit) - 1)

static ac_value *field(const ac_doc *doc, const char *key)
{
    ac_value *v = ac_map_get(ac_doc_fields(doc), key);
    if (!v)
        fail_msg("no field '%s'", key);
    return v;
}

static void assert_str(const ac_value *v, const char *want)
{
    assert_int_equal(ac_value_type(v), AC_STRING);
    size_t len = 0;
    const char *s = ac_value_string(v, &len);
    assert_int_equal(len, strlen(want));
    assert_string_equal(s, want);
}

static void assert_num(const ac_value *v, double want)
{
    assert_int_equal(ac_value_type(v), AC_NUMBER);
    double d = ac_value_number(v);
    assert_memory_equal(&d, &want, sizeof d);
}

static void assert_pos(const ac_value *v, int line, int column)
{
    assert_int_equal(ac_value_line(v), line);
    assert_int_equal(ac_value_column(v), column);
}

static void assert_instructions(const ac_doc *doc, const char *want, int line)
{
    size_t len = 0;
    const char *s = ac_doc_instructions(doc, &len);
    assert_int_equal(len, strlen(want));
    assert_string_equal(s, want);
    assert_int_equal(ac_doc_instructions_line(doc), line);
}

/* A document with one field `key` holding `value` (stolen). */
static ac_doc *one_field(fixture *f, const char *key, ac_value *value)
{
    ac_doc *doc = new_doc(f);
    assert_non_null(value);
    assert_int_equal(ac_map_set(ac_doc_fields(doc), key, strlen(key), value),
                     AC_OK);
    return doc;
}

static ac_doc *with_instructions(fixture *f, const char *text, size_t len)
{
    ac_doc *doc = new_doc(f);
    assert_int_equal(
        ac_map_set(ac_doc_fields(doc), "name", 4, ac_value_new_string("a", 1)),
        AC_OK);
    assert_int_equal(ac_doc_set_instructions(doc, text, len), AC_OK);
    return doc;
}

/* ---- the descriptor ---- */

static void test_descriptor(void **state)
{
    fixture *f = *state;
    const ac_format *y = &acp_format_yaml;
    assert_int_equal(y->abi, AC_FORMAT_ABI);
    assert_string_equal(y->name, "yaml");
    assert_string_equal(y->description, "YAML mapping, instructions under the "
                                        "\"instructions\" key");
    assert_string_equal(y->aliases[0], "yml");
    assert_null(y->aliases[1]);
    assert_string_equal(y->extensions[0], ".yaml");
    assert_string_equal(y->extensions[1], ".yml");
    assert_null(y->extensions[2]);
    assert_ptr_equal(ac_format_find(f->ctx, "yaml"), y);
    assert_ptr_equal(ac_format_find(f->ctx, "YML"), y);
    assert_ptr_equal(ac_format_for_path(f->ctx, "agents/a.yml"), y);
    assert_ptr_equal(ac_format_for_path(f->ctx, "A.YAML"), y);
}

/* ---- reading ---- */

static void test_read_basic(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "name: helper\n"
                          "description: Helps.\n"
                          "tools:\n"
                          "- Read\n"
                          "- Grep\n"
                          "instructions: |\n"
                          "  You help.\n"
                          "\n"
                          "  Be brief.\n"
                          "color: cyan\n");
    ac_value *fields = ac_doc_fields(doc);
    assert_int_equal(ac_value_size(fields), 4);
    assert_string_equal(ac_map_key(fields, 0, NULL), "name");
    assert_string_equal(ac_map_key(fields, 1, NULL), "description");
    assert_string_equal(ac_map_key(fields, 2, NULL), "tools");
    /* The instructions leave the fields wherever they stood. */
    assert_string_equal(ac_map_key(fields, 3, NULL), "color");
    assert_null(ac_map_get(fields, "instructions"));
    assert_str(field(doc, "name"), "helper");
    assert_pos(field(doc, "name"), 1, 7);
    assert_pos(field(doc, "tools"), 4, 1);
    assert_pos(ac_list_get(field(doc, "tools"), 1), 5, 3);
    assert_int_equal(ac_map_key_line(fields, 3), 10);
    assert_int_equal(ac_map_key_column(fields, 3), 1);
    /* The line of the instructions is the line of their value (here the
     * block's indicator). */
    assert_instructions(doc, "You help.\n\nBe brief.\n", 6);
}

static void test_read_no_instructions(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "name: x\n");
    assert_instructions(doc, "", 0);
    /* Empty instructions are no instructions. */
    doc = READ(f, "name: x\ninstructions: \"\"\n");
    assert_instructions(doc, "", 0);
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 1);
    doc = READ(f, "name: x\ninstructions: |\n\n\n");
    assert_instructions(doc, "", 0);
    /* An empty mapping is an agent with nothing in it. */
    doc = READ(f, "{}\n");
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 0);
    assert_instructions(doc, "", 0);
}

static void test_read_instructions_normalized(void **state)
{
    fixture *f = *state;
    /* Leading blank lines dropped, CR and CRLF read as LF: the escapes of
     * a double-quoted scalar too. */
    ac_doc *doc = READ(f, "instructions: \"\\n  \\nA\\r\\nB\\rC\\n\\n\"\n");
    assert_instructions(doc, "A\nB\nC\n\n", 1);
    /* CRLF line ends of the file. */
    doc = READ(f, "name: x\r\ninstructions: |-\r\n  A\r\n  B\r\n");
    assert_instructions(doc, "A\nB", 2);
    /* A plain scalar, a single-quoted one, a folded block. */
    doc = READ(f, "instructions: Just this.\n");
    assert_instructions(doc, "Just this.", 1);
    doc = READ(f, "instructions: 'It''s'\n");
    assert_instructions(doc, "It's", 1);
    doc = READ(f, "instructions: >\n  one\n  two\n\n  three\n");
    assert_instructions(doc, "one two\nthree\n", 1);
    /* An "instructions" key deeper down is an ordinary key. */
    doc = READ(f, "opts:\n  instructions: 1\n");
    assert_int_equal(
        ac_value_integer(ac_map_get(field(doc, "opts"), "instructions")), 1);
    assert_instructions(doc, "", 0);
}

static void test_read_markers_and_bom(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "---\nname: x\ninstructions: |\n  Hi.\n");
    assert_str(field(doc, "name"), "x");
    assert_pos(field(doc, "name"), 2, 7);
    assert_instructions(doc, "Hi.\n", 3);
    doc = READ(f, "--- # a comment\nname: x\n...\n");
    assert_str(field(doc, "name"), "x");
    doc = READ(f, "--- {name: x, tools: [a, b]}\n");
    assert_int_equal(ac_value_size(field(doc, "tools")), 2);
    doc = READ(f, "%YAML 1.2\n---\nname: x\n");
    assert_str(field(doc, "name"), "x");
    /* A BOM is dropped; positions are those of the text after it. */
    doc = READ(f, "\xef\xbb\xbfname: x\ncolor: red\n");
    assert_pos(field(doc, "name"), 1, 7);
    assert_pos(field(doc, "color"), 2, 8);
    /* The lines of a block that look like markers or comments are text. */
    doc = READ(f, "instructions: |\n  a\n  ---\n  ...\n  # not a comment\n"
                  "name: x\n");
    assert_instructions(doc, "a\n---\n...\n# not a comment\n", 1);
    assert_str(field(doc, "name"), "x");
}

static void test_read_styles(void **state)
{
    fixture *f = *state;
    /* Flow style, quoted keys, anchors and aliases, tags. */
    ac_doc *doc = READ(f, "\"a b\": {x: 1, 'y': [true, null]}\n"
                          "'1st': &t [Read, Grep]\n"
                          "again: *t\n"
                          "\"x:y\": !!str 1\n"
                          "? complex\n"
                          ": value\n");
    ac_value *ab = field(doc, "a b");
    assert_int_equal(ac_value_integer(ac_map_get(ab, "x")), 1);
    assert_int_equal(ac_value_type(ac_list_get(ac_map_get(ab, "y"), 1)),
                     AC_NULL);
    assert_true(ac_value_equal(field(doc, "1st"), field(doc, "again")));
    assert_str(field(doc, "x:y"), "1");
    assert_str(field(doc, "complex"), "value");
    assert_string_equal(write_yaml(f, doc), "a b:\n"
                                            "  x: 1\n"
                                            "  \"y\":\n"
                                            "  - true\n"
                                            "  - null\n"
                                            "1st:\n"
                                            "- Read\n"
                                            "- Grep\n"
                                            "again:\n"
                                            "- Read\n"
                                            "- Grep\n"
                                            "x:y: \"1\"\n"
                                            "complex: value\n");
}

static void test_comment_warning(void **state)
{
    fixture *f = *state;
    ac_context_set_warning_handler(f->ctx, on_warning, f);
    READ(f, "# An agent.\nname: x # its name\ninstructions: |\n  # Title\n");
    assert_int_equal(f->warnings, 1);
    assert_string_equal(f->last_warning.source, "t.yaml");
    assert_int_equal(f->last_warning.line, 1);
    assert_int_equal(f->last_warning.column, 1);
    assert_string_equal(f->last_warning.text,
                        "2 YAML comments are dropped: the model does not carry "
                        "comments (the first is here)");
    /* A '#' inside a block scalar is text, not a comment. */
    f->warnings = 0;
    READ(f, "instructions: |\n  # Title\n  text # more\n");
    assert_int_equal(f->warnings, 0);
}

/* ---- errors ---- */

static void test_errors_root(void **state)
{
    fixture *f = *state;
    ac_error e = READ_FAIL(f, "- a\n- b\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1, "expected a YAML mapping, found a list");
    e = READ_FAIL(f, "---\n- a\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 1, "expected a YAML mapping, found a list");
    /* A list of mappings is a collection (ac_read_many reads it). */
    e = READ_FAIL(f, "- a: 1\n- b: 2\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1,
                "expected a YAML mapping, found a list of 2 agents (a "
                "collection: convert it whole, or split it with --split)");
    e = READ_FAIL(f, "[]\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1,
                "expected a YAML mapping, found an empty list (a collection "
                "of no agents)");
    e = READ_FAIL(f, "", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1, "expected a YAML mapping, found nothing");
    e = READ_FAIL(f, "\n  \n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1, "expected a YAML mapping, found nothing");
    e = READ_FAIL(f, "# only a comment\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1, "expected a YAML mapping, found nothing");
    e = READ_FAIL(f, "Just some text.\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1, "expected a YAML mapping, found a string");
    e = READ_FAIL(f, "42\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1, "expected a YAML mapping, found an integer");
    e = READ_FAIL(f, "  null\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 3, "expected a YAML mapping, found null");
}

static void test_errors_instructions(void **state)
{
    fixture *f = *state;
    ac_error e = READ_FAIL(f, "name: a\ninstructions: 5\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 15,
                "\"instructions\" must be a string, found an integer");
    e = READ_FAIL(f, "instructions:\n- a\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 1, "\"instructions\" must be a string, found a list");
    e = READ_FAIL(f, "instructions: {a: 1}\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 15, "\"instructions\" must be a string, found a map");
    e = READ_FAIL(f, "x: 1\ninstructions:\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 14, "\"instructions\" must be a string, found null");
    e = READ_FAIL(f, "instructions: true\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 15,
                "\"instructions\" must be a string, found a boolean");
    e = READ_FAIL(f, "instructions: 1.5\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 15, "\"instructions\" must be a string, found a number");
    /* A quoted number is a string. */
    ac_doc *doc = READ(f, "instructions: \"5\"\n");
    assert_instructions(doc, "5", 1);
}

static void test_errors_syntax(void **state)
{
    fixture *f = *state;
    /* A stream of mappings is a collection (ac_read_many reads it). */
    ac_error e = READ_FAIL(f, "a: 1\n---\nb: 2\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 1,
                "expected one YAML document, found 2 (a collection of 2 "
                "agents: convert it whole, or split it with --split)");
    e = READ_FAIL(f, "a: 1\n...\n---\nb: 2\n", AC_ERR_STRUCTURE);
    check_error(&e, 3, 1,
                "expected one YAML document, found 2 (a collection of 2 "
                "agents: convert it whole, or split it with --split)");
    e = READ_FAIL(f, "a: 1\n---\n- b\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 1, "more than one YAML document");
    e = READ_FAIL(f, "name: x\nname: y\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 1, "duplicate key \"name\" (first on line 1)");
    e = READ_FAIL(f, "name: x\ninstructions: a\ninstructions: b\n",
                  AC_ERR_STRUCTURE);
    check_error(&e, 3, 1, "duplicate key \"instructions\" (first on line 2)");
    e = READ_FAIL(f, "a: [1\n", AC_ERR_SYNTAX);
    check_error(&e, 2, 1,
                "invalid YAML: did not find expected ',' or ']' (while "
                "parsing a flow sequence on line 1)");
    e = READ_FAIL(f, "a: b: c\n", AC_ERR_SYNTAX);
    check_error(&e, 1, 5,
                "invalid YAML: mapping values are not allowed in this "
                "context");
    e = READ_FAIL(f, "a: !custom x\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 4,
                "unsupported tag '!custom' (only the YAML core tags are "
                "allowed)");
    e = READ_FAIL(f, "base: &b {x: 1}\n<<: *b\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 1,
                "merge keys (<<) are not supported; write the fields out");
    e = READ_FAIL(f, "a: .inf\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 4,
                ".inf: infinity and NaN cannot be carried (JSON has no such "
                "numbers)");
    e = READ_FAIL(f, "name: a\xff\n", AC_ERR_ENCODING);
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, 8);
    e = READ_FAIL(f, "name: \"a\\0b\"\n", AC_ERR_ENCODING);
    check_error(&e, 1, 7, "NUL character (\\0) in a string");
}

/* ---- writing ---- */

static void test_write_types(void **state)
{
    fixture *f = *state;
    ac_doc *doc = new_doc(f);
    ac_value *m = ac_doc_fields(doc);
#define SETF(k, v) assert_int_equal(ac_map_set(m, k, strlen(k), v), AC_OK)
    SETF("nul", ac_value_new_null());
    SETF("t", ac_value_new_bool(true));
    SETF("f", ac_value_new_bool(false));
    SETF("i", ac_value_new_integer(INT64_MIN));
    SETF("j", ac_value_new_integer(INT64_MAX));
    SETF("d", ac_value_new_number(0.1));
    SETF("z", ac_value_new_number(-0.0));
    SETF("e", ac_value_new_number(1e100));
    SETF("s", ac_value_new_string("1", 1));
    SETF("yes", ac_value_new_string("yes", 3));
    ac_value *l = ac_value_new_list();
    assert_int_equal(ac_list_append(l, ac_value_new_string("a", 1)), AC_OK);
    assert_int_equal(ac_list_append(l, ac_value_new_integer(1)), AC_OK);
    ac_value *inner = ac_value_new_list();
    assert_int_equal(ac_list_append(inner, ac_value_new_string("on", 2)),
                     AC_OK);
    assert_int_equal(ac_list_append(l, inner), AC_OK);
    ac_value *lm = ac_value_new_map();
    assert_int_equal(ac_map_set(lm, "a", 1, ac_value_new_integer(1)), AC_OK);
    assert_int_equal(ac_map_set(lm, "b", 1, ac_value_new_string("x\ny\n", 4)),
                     AC_OK);
    assert_int_equal(ac_list_append(l, lm), AC_OK);
    SETF("l", l);
    ac_value *mm = ac_value_new_map();
    assert_int_equal(ac_map_set(mm, "x", 1, ac_value_new_integer(1)), AC_OK);
    assert_int_equal(ac_map_set(mm, "y", 1, ac_value_new_number(2.5)), AC_OK);
    SETF("m", mm);
    SETF("el", ac_value_new_list());
    SETF("em", ac_value_new_map());
    SETF("multi", ac_value_new_string("one\ntwo", 7));
#undef SETF
    assert_int_equal(ac_doc_set_instructions(doc, "Do things.\n", 11), AC_OK);
    const char *want = "nul: null\n"
                       "t: true\n"
                       "f: false\n"
                       "i: -9223372036854775808\n"
                       "j: 9223372036854775807\n"
                       "d: 0.1\n"
                       "z: -0.0\n"
                       "e: 1.0e+100\n"
                       "s: \"1\"\n"
                       "\"yes\": \"yes\"\n"
                       "l:\n"
                       "- a\n"
                       "- 1\n"
                       "- - \"on\"\n"
                       "- a: 1\n"
                       "  b: |\n"
                       "    x\n"
                       "    y\n"
                       "m:\n"
                       "  x: 1\n"
                       "  \"y\": 2.5\n"
                       "el: []\n"
                       "em: {}\n"
                       "multi: |-\n"
                       "  one\n"
                       "  two\n"
                       "instructions: |\n"
                       "  Do things.\n";
    assert_string_equal(check_write_read(f, doc), want);
    ac_doc *back = SAME_BYTES(f, "nul: null\n"
                                 "t: true\n"
                                 "f: false\n"
                                 "i: -9223372036854775808\n"
                                 "j: 9223372036854775807\n"
                                 "d: 0.1\n"
                                 "z: -0.0\n"
                                 "e: 1.0e+100\n"
                                 "s: \"1\"\n"
                                 "\"yes\": \"yes\"\n"
                                 "l:\n"
                                 "- a\n"
                                 "- 1\n"
                                 "- - \"on\"\n"
                                 "- a: 1\n"
                                 "  b: |\n"
                                 "    x\n"
                                 "    y\n"
                                 "m:\n"
                                 "  x: 1\n"
                                 "  \"y\": 2.5\n"
                                 "el: []\n"
                                 "em: {}\n"
                                 "multi: |-\n"
                                 "  one\n"
                                 "  two\n"
                                 "instructions: |\n"
                                 "  Do things.\n");
    assert_true(ac_doc_equal(doc, back));
    assert_num(field(back, "z"), -0.0);
    assert_num(field(back, "e"), 1e100);
    /* The md front matter writes the same values, multi-line strings
     * double-quoted. */
    char *md = write_as(f, &acp_format_md, doc, NULL);
    assert_non_null(strstr(md, "  b: \"x\\ny\\n\"\n"));
    assert_non_null(strstr(md, "multi: \"one\\ntwo\"\n"));
}

static void test_write_empty(void **state)
{
    fixture *f = *state;
    ac_doc *doc = new_doc(f);
    assert_string_equal(check_write_read(f, doc), "{}\n");
    /* Instructions alone. */
    assert_int_equal(ac_doc_set_instructions(doc, "Hi.\n", 4), AC_OK);
    assert_string_equal(check_write_read(f, doc), "instructions: |\n  Hi.\n");
    /* One line without a line break is a plain or quoted scalar. */
    assert_int_equal(ac_doc_set_instructions(doc, "Hi.", 3), AC_OK);
    assert_string_equal(check_write_read(f, doc), "instructions: Hi.\n");
    assert_int_equal(ac_doc_set_instructions(doc, "Note: hi", 8), AC_OK);
    assert_string_equal(check_write_read(f, doc),
                        "instructions: \"Note: hi\"\n");
}

/* The instructions as a literal block scalar, with the chomping and
 * indentation indicators libyaml chooses; or double-quoted where libyaml
 * refuses a block. Each must read back as it was. */
static void test_write_literal_variants(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *text;
        const char *written; /* after "name: a\ninstructions: " */
    } cases[] = {
        /* one final line break: "|" */
        {"a\nb\n", "|\n  a\n  b\n"},
        {"one line\n", "|\n  one line\n"},
        /* none: "|-" */
        {"a\nb", "|-\n  a\n  b\n"},
        /* several: "|+", and libyaml ends the open document with "..." */
        {"a\n\n", "|+\n  a\n\n...\n"},
        {"a\n\n\n", "|+\n  a\n\n\n...\n"},
        /* a first line starting with spaces: an indentation indicator */
        {"  indented\nnext\n", "|2\n    indented\n  next\n"},
        {" x\ny", "|2-\n   x\n  y\n"},
        {"  code\n\n", "|2+\n    code\n\n...\n"},
        /* lines that look like YAML are text inside the block */
        {"a\n---\nb\n", "|\n  a\n  ---\n  b\n"},
        {"---\n...\n", "|\n  ---\n  ...\n"},
        {"# Title\n  # indented\nkey: value\n- item\n",
         "|\n  # Title\n    # indented\n  key: value\n  - item\n"},
        {"\"q\" and 'q'\n|\n>\n", "|\n  \"q\" and 'q'\n  |\n  >\n"},
        {"blank\n\ninside\n", "|\n  blank\n\n  inside\n"},
        /* non-ASCII of the BMP, a no-break space at a line start */
        {"caf\xc3\xa9\n\xc2\xa0x\n", "|\n  caf\xc3\xa9\n  \xc2\xa0x\n"},
        /* refused by libyaml: a space before a line break or at the end */
        {"a \nb\n", "\"a \\nb\\n\"\n"},
        {"a\n \nb\n", "\"a\\n \\nb\\n\"\n"},
        {"a\nb ", "\"a\\nb \"\n"},
        /* a tab, a control character */
        {"a\tb\nc\n", "\"a\\tb\\nc\\n\"\n"},
        {"a\n\x01\n", "\"a\\n\\x01\\n\"\n"},
        {"a\n\x7f\n", "\"a\\n\\x7F\\n\"\n"},
        /* not printable to libyaml 0.2.5: beyond U+FFFF, the BOM, NEL, LS,
         * U+FFFE */
        {"a\n\xf0\x9f\x9a\x80\n", "\"a\\n\\U0001F680\\n\"\n"},
        {"a\n\xef\xbb\xbf\n", "\"a\\n\\uFEFF\\n\"\n"},
        {"a\xc2\x85\nb\n", "\"a\\N\\nb\\n\"\n"},
        {"a\xe2\x80\xa8\nb\n", "\"a\\L\\nb\\n\"\n"},
        {"a\n\xef\xbf\xbe\n", "\"a\\n\\uFFFE\\n\"\n"},
    };
    char want[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *t = cases[i].text;
        ac_doc *doc = with_instructions(f, t, strlen(t));
        snprintf(want, sizeof want, "name: a\ninstructions: %s",
                 cases[i].written);
        char *out = check_write_read(f, doc);
        if (strcmp(out, want) != 0)
            fail_msg("case %zu: written\n%s\nwanted\n%s", i, out, want);
        release_all(f);
    }
}

/* The instructions and other multi-line values read back through every
 * block style libyaml writes, also inside lists and maps. */
static void test_write_literal_nested(void **state)
{
    fixture *f = *state;
    static const char *const texts[] = {
        "a\nb\n",  "a\nb",      "a\n\n",
        " x\n",    "  x\n\n y", "\n",
        "\n\nx\n", "x\n\n\n",   "a\n---\n...\n# c\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *t = texts[i];
        size_t n = strlen(t);
        ac_doc *doc = new_doc(f);
        ac_value *fields = ac_doc_fields(doc);
        ac_value *l = ac_value_new_list();
        ac_value *m = ac_value_new_map();
        ac_value *lm = ac_value_new_map();
        assert_int_equal(ac_list_append(l, ac_value_new_string(t, n)), AC_OK);
        assert_int_equal(ac_map_set(lm, "k", 1, ac_value_new_string(t, n)),
                         AC_OK);
        assert_int_equal(ac_list_append(l, lm), AC_OK);
        assert_int_equal(ac_map_set(m, "k", 1, ac_value_new_string(t, n)),
                         AC_OK);
        assert_int_equal(ac_map_set(fields, "l", 1, l), AC_OK);
        assert_int_equal(ac_map_set(fields, "m", 1, m), AC_OK);
        assert_int_equal(ac_map_set(fields, "s", 1, ac_value_new_string(t, n)),
                         AC_OK);
        check_write_read(f, doc);
        release_all(f);
    }
}

/* Strings are written as in md front matter: plain where that reads back
 * the same in YAML 1.1 and 1.2, else double-quoted; keys never as blocks;
 * no folding of long lines. */
static void test_write_scalar_style(void **state)
{
    fixture *f = *state;
    ac_doc *doc = new_doc(f);
    ac_value *m = ac_doc_fields(doc);
    char long_text[300];
    size_t n = 0;
    for (int i = 0; i < 30; i++)
        n += (size_t)snprintf(long_text + n, sizeof long_text - n, "%sword",
                              i ? " " : "");
    assert_int_equal(ac_map_set(m, "a b", 3, ac_value_new_string("x:y", 3)),
                     AC_OK);
    assert_int_equal(ac_map_set(m, "1st", 3, ac_value_new_string("no", 2)),
                     AC_OK);
    assert_int_equal(ac_map_set(m, "x:y", 3, ac_value_new_string("a: b", 4)),
                     AC_OK);
    assert_int_equal(ac_map_set(m, "line\nkey", 8, ac_value_new_integer(1)),
                     AC_OK);
    assert_int_equal(
        ac_map_set(m, "long", 4, ac_value_new_string(long_text, n)), AC_OK);
    assert_int_equal(ac_map_set(m, "cr", 2, ac_value_new_string("a\rb\n", 4)),
                     AC_OK);
    assert_int_equal(ac_map_set(m, "sp", 2, ac_value_new_string(" a ", 3)),
                     AC_OK);
    char want[600];
    snprintf(want, sizeof want,
             "a b: x:y\n"
             "1st: \"no\"\n"
             "x:y: \"a: b\"\n"
             "? \"line\\nkey\"\n"
             ": 1\n"
             "long: %s\n"
             "cr: \"a\\rb\\n\"\n"
             "sp: \" a \"\n",
             long_text);
    assert_string_equal(check_write_read(f, doc), want);
}

static void test_write_instructions_field(void **state)
{
    fixture *f = *state;
    ac_doc *doc =
        one_field(f, "instructions", ac_value_new_string("Do it.", 6));
    char *out = (char *)(uintptr_t)1;
    size_t len = 99;
    ac_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(ac_write(f->ctx, &acp_format_yaml, doc, &out, &len, &e),
                     AC_ERR_STRUCTURE);
    assert_null(out);
    assert_string_equal(e.text, "the fields hold an \"instructions\" key, "
                                "which the model reserves for the "
                                "instructions");
}

static void test_write_refuses_bad_text(void **state)
{
    fixture *f = *state;
    ac_error e;
    char *out = NULL;
    ac_doc *doc = with_instructions(f, "a\xff\n", 3);
    assert_int_equal(ac_write(f->ctx, &acp_format_yaml, doc, &out, NULL, &e),
                     AC_ERR_ENCODING);
    assert_null(out);
    doc = with_instructions(f, "a\0b\n", 4);
    assert_int_equal(ac_write(f->ctx, &acp_format_yaml, doc, &out, NULL, &e),
                     AC_ERR_ENCODING);
    assert_null(out);
    doc = one_field(f, "k", ac_value_new_string("x\0y", 3));
    assert_int_equal(ac_write(f->ctx, &acp_format_yaml, doc, &out, NULL, &e),
                     AC_ERR_ENCODING);
    assert_null(out);
}

static void test_write_twice_same_bytes(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "name: x\n"
                          "description: 'a: b'\n"
                          "tools: [Read, \"Grep\"]\n"
                          "num: 0.10\n"
                          "instructions: |+\n"
                          "  Body\n"
                          "\n");
    size_t n1 = 0, n2 = 0;
    char *a = write_as(f, &acp_format_yaml, doc, &n1);
    char *b = write_as(f, &acp_format_yaml, doc, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    assert_string_equal(a, "name: x\n"
                           "description: \"a: b\"\n"
                           "tools:\n"
                           "- Read\n"
                           "- Grep\n"
                           "num: 0.1\n"
                           "instructions: |+\n"
                           "  Body\n"
                           "\n"
                           "...\n");
    ac_doc *again = read_as(f, &acp_format_yaml, a, n1);
    assert_true(ac_doc_equal(doc, again));
    assert_string_equal(write_yaml(f, again), a);
}

/* ---- the reference example through yaml ---- */

static void test_reference_md_yaml_md(void **state)
{
    fixture *f = *state;
    size_t ref_len = sizeof reference_md - 1;
    assert_int_equal(ref_len, 3277);
    ac_doc *doc = read_as(f, &acp_format_md, reference_md, ref_len);
    size_t yaml_len = 0;
    char *yaml = write_as(f, &acp_format_yaml, doc, &yaml_len);
    /* The fields as in the front matter, then the body as a literal
     * block: every line indented by two spaces, blank lines empty. */
    const char *body = strstr(reference_md, "\n---\n\n") + 6;
    size_t fm_len =
        (size_t)(strstr(reference_md, "\n---\n") + 1 - (reference_md + 4));
    assert_memory_equal(yaml, reference_md + 4, fm_len);
    const char *block = yaml + fm_len;
    assert_memory_equal(block, "instructions: |\n", 16);
    const char *p = block + 16;
    const char *q = body;
    while (*q) {
        const char *nl = strchr(q, '\n');
        size_t line = (size_t)(nl - q);
        if (line > 0) {
            assert_memory_equal(p, "  ", 2);
            p += 2;
        }
        assert_memory_equal(p, q, line + 1);
        p += line + 1;
        q = nl + 1;
    }
    assert_int_equal((size_t)(p - yaml), yaml_len);
    /* Back to md, byte for byte. */
    ac_doc *back = read_as(f, &acp_format_yaml, yaml, yaml_len);
    assert_true(ac_doc_equal(doc, back));
    size_t md_len = 0;
    char *md = write_as(f, &acp_format_md, back, &md_len);
    assert_int_equal(md_len, ref_len);
    assert_memory_equal(md, reference_md, ref_len);
    /* The yaml is canonical too. */
    assert_string_equal(write_yaml(f, back), yaml);
    /* And through json as well. */
    size_t json_len = 0;
    char *json = write_as(f, &acp_format_json, back, &json_len);
    ac_doc *from_json = read_as(f, &acp_format_json, json, json_len);
    assert_string_equal(write_yaml(f, from_json), yaml);
}

/* ---- sniffing ---- */

static void test_sniff(void **state)
{
    fixture *f = *state;
#define YS(s) acp_format_yaml.sniff(s, sizeof s - 1)
#define MS(s) acp_format_md.sniff(s, sizeof s - 1)
    /* An opening "---" that no later line closes: yaml 50, md 1. */
    assert_int_equal(YS("---\nname: x\n"), 50);
    assert_int_equal(MS("---\nname: x\n"), 1);
    assert_int_equal(YS("--- \t\r\nname: x\r\n"), 50);
    assert_int_equal(YS("\xef\xbb\xbf---\nname: x\n"), 50);
    assert_int_equal(YS("---"), 50);
    assert_int_equal(YS("---\ninstructions: |\n  ---x\n  -- -\n"), 50);
    /* Closed: md front matter, 90; yaml says 0. */
    assert_int_equal(YS("---\nname: x\n---\nBody\n"), 0);
    assert_int_equal(MS("---\nname: x\n---\nBody\n"), 90);
    assert_int_equal(YS("---\nname: x\n...\n"), 0);
    assert_int_equal(MS("---\nname: x\n...\n"), 90);
    assert_int_equal(YS("---\nname: x\n---  \n"), 0);
    assert_int_equal(MS("\xef\xbb\xbf---\r\n---\r\n"), 90);
    /* A first "key:" line at column 1: 40. */
    assert_int_equal(YS("name: x\n"), 40);
    assert_int_equal(YS("name:\n  x\n"), 40);
    assert_int_equal(YS("name:"), 40);
    assert_int_equal(YS("name:\tx"), 40);
    assert_int_equal(YS("\n\n# comment\n   # indented comment\nname: x\n"), 40);
    assert_int_equal(YS("\"a b\": 1\n"), 40);
    assert_int_equal(YS("\"a \\\" b\": 1\n"), 40);
    assert_int_equal(YS("'a b':\n"), 40);
    assert_int_equal(YS("'it''s': 1\n"), 40);
    assert_int_equal(YS("'it''s'\n"), 0);
    assert_int_equal(YS("x:y: 1\n"), 40);
    assert_int_equal(YS("\xef\xbb\xbfname: x\n"), 40);
    /* Anything else: 0. */
    assert_int_equal(YS(""), 0);
    assert_int_equal(YS("# only a comment\n"), 0);
    assert_int_equal(YS("  name: x\n"), 0);
    assert_int_equal(YS("\tname: x\n"), 0);
    assert_int_equal(YS("- a\n"), 0);
    assert_int_equal(YS("{a: 1}\n"), 0);
    assert_int_equal(YS("Some text\n"), 0);
    assert_int_equal(YS("http://example.com\n"), 0);
    assert_int_equal(YS("a #b: c\n"), 0);
    assert_int_equal(YS("\"a: b\"\n"), 0);
    assert_int_equal(YS("\"unclosed: x\n"), 0);
    assert_int_equal(YS("--- x\nname: y\n"), 0);
    assert_int_equal(YS("{\"name\": \"x\"}"), 0);
#undef YS
#undef MS
    /* Through the registry, and the reader sniffing. */
    ac_doc *doc = NULL;
    ac_error e;
    const char text[] = "name: x\ninstructions: |\n  Hi.\n";
    assert_int_equal(
        ac_read(f->ctx, NULL, text, sizeof text - 1, "in", &doc, &e), AC_OK);
    assert_string_equal(ac_doc_instructions(doc, NULL), "Hi.\n");
    ac_doc_free(doc);
    assert_ptr_equal(ac_format_sniff(f->ctx, "---\na: 1\n", 9),
                     &acp_format_yaml);
    assert_ptr_equal(ac_format_sniff(f->ctx, "---\na: 1\n---\n", 13),
                     &acp_format_md);
    assert_ptr_equal(ac_format_sniff(f->ctx, "Text\n", 5), &acp_format_md);
}

/* ---- locale ---- */

static const char *enter_comma_locale(void)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8",
                                        "fr_FR.UTF-8", "fr_FR.utf8",
                                        "nl_NL.UTF-8", NULL};
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
    if (!enter_comma_locale()) {
        /* Under ctest a de_DE locale is built into the build tree. */
        assert_null(getenv("AGENTCONV_REQUIRE_COMMA_LOCALE"));
        printf("note: no decimal-comma locale installed; test_locale "
               "checks nothing\n");
        return;
    }
    ac_doc *doc = READ(f, "a: 0.5\nb: 2.25e-7\nc: 1e100\nd: -0.0\n"
                          "instructions: |\n  Text 1,5.\n");
    assert_num(field(doc, "a"), 0.5);
    assert_num(field(doc, "b"), 2.25e-7);
    assert_num(field(doc, "c"), 1e100);
    assert_num(field(doc, "d"), -0.0);
    ac_doc *built = one_field(f, "h", ac_value_new_number(1234.5));
    char *out = write_yaml(f, built);
    char *all = write_yaml(f, doc);
    setlocale(LC_ALL, "C");
    assert_string_equal(out, "h: 1234.5\n");
    assert_string_equal(all, "a: 0.5\nb: 2.25e-7\nc: 1.0e+100\nd: -0.0\n"
                             "instructions: |\n  Text 1,5.\n");
}

/* A long string aliased a few thousand times: few nodes, many bytes. What
 * aliases copy is bounded by the input-size limit too. */
static void test_alias_bytes(void **state)
{
    fixture *f = *state;
    size_t str = 2000, uses = 9000;
    size_t cap = str + uses * 4 + 64, n = 0;
    char *text = keep_buf(f, malloc(cap));
    assert_non_null(text);
    n += (size_t)snprintf(text + n, cap - n, "a: &x ");
    memset(text + n, 'y', str);
    n += str;
    n += (size_t)snprintf(text + n, cap - n, "\nb: [");
    for (size_t i = 0; i < uses; i++)
        n += (size_t)snprintf(text + n, cap - n, "%s*x", i ? ", " : "");
    n += (size_t)snprintf(text + n, cap - n, "]\n");
    /* 9,000 x 2,000 bytes is past the 16 MiB default */
    ac_error e = read_fail_len(f, text, n, AC_ERR_LIMIT);
    assert_string_equal(e.text, "aliases expand to more than 16777216 bytes "
                                "(the input-size limit)");
    assert_int_equal(e.line, 2);
    /* the same limit raised: it reads */
    assert_int_equal(
        ac_context_set_limit(f->ctx, AC_LIMIT_INPUT_SIZE, 64u << 20), AC_OK);
    ac_doc *doc = read_as(f, &acp_format_yaml, text, n);
    assert_int_equal(ac_value_size(ac_map_get(ac_doc_fields(doc), "b")), uses);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_descriptor),
        T(test_read_basic),
        T(test_alias_bytes),
        T(test_read_no_instructions),
        T(test_read_instructions_normalized),
        T(test_read_markers_and_bom),
        T(test_read_styles),
        T(test_comment_warning),
        T(test_errors_root),
        T(test_errors_instructions),
        T(test_errors_syntax),
        T(test_write_types),
        T(test_write_empty),
        T(test_write_literal_variants),
        T(test_write_literal_nested),
        T(test_write_scalar_style),
        T(test_write_instructions_field),
        T(test_write_refuses_bad_text),
        T(test_write_twice_same_bytes),
        T(test_reference_md_yaml_md),
        T(test_sniff),
        T(test_locale),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
