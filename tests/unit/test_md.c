/*
 * Unit tests of the md form (markdown with YAML front matter) through
 * ac_read/ac_write: the splitter, positions, YAML 1.2 core resolution,
 * aliases and limits, duplicate and complex keys, the writer's canonical
 * style, the reference example byte for byte, and the scalar rules of
 * yaml_scalar.c.
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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "yaml_internal.h"

/* The reference example, a copy of examples/rust-backend-engineer.md (3277
 * bytes, embedded so that the test needs no file), which is canonical md
 * and must come back byte for byte. */
static const char reference_md[] =
    "---\n"
    "name: rust-backend-engineer\n"
    "description: \"Use this agent when implementing backend systems,"
    " APIs, services, or infrastructure code in Rust. Examples: 'Desi"
    "gn a REST API for user authentication using actix-web', 'Impleme"
    "nt a concurrent job queue with tokio', 'Create a database migrat"
    "ion system using sqlx', 'Build a WebSocket server for real-time "
    "communication', 'Optimize this Rust service for better performan"
    "ce', 'Review this backend code for concurrency issues and error "
    "handling'.\"\n"
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

/* ---- fixture: a context, and what a test allocates, released in
 * teardown so that a failing assertion leaks nothing ---- */

typedef struct fixture {
    ac_context *ctx;
    ac_doc *docs[64];
    size_t ndocs;
    char *bufs[64];
    size_t nbufs;
    int warnings;
    ac_error last_warning;
} fixture;

static void release_all(fixture *f);

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
    assert_true(f->ndocs < 64);
    f->docs[f->ndocs++] = doc;
    return doc;
}

static char *keep_buf(fixture *f, char *buf)
{
    assert_true(f->nbufs < 64);
    f->bufs[f->nbufs++] = buf;
    return buf;
}

/* Release what the test kept so far (for loops over many cases). */
static void release_all(fixture *f)
{
    for (size_t i = 0; i < f->ndocs; i++)
        ac_doc_free(f->docs[i]);
    for (size_t i = 0; i < f->nbufs; i++)
        free(f->bufs[i]);
    f->ndocs = f->nbufs = 0;
}

static ac_doc *new_doc(fixture *f)
{
    ac_doc *doc = ac_doc_new();
    assert_non_null(doc);
    return keep_doc(f, doc);
}

/* Read md text that must be valid. */
static ac_doc *read_len(fixture *f, const char *text, size_t len)
{
    ac_doc *doc = NULL;
    ac_error e;
    memset(&e, 0, sizeof e);
    ac_status st = ac_read(f->ctx, &acp_format_md, text, len, "t.md", &doc, &e);
    if (st != AC_OK)
        fail_msg("read failed: %s:%d:%d: %s", e.source, e.line, e.column,
                 e.text);
    assert_non_null(doc);
    return keep_doc(f, doc);
}

#define READ(f, lit) read_len(f, lit, sizeof(lit) - 1)

/* Read md text that must fail with `want`; returns the error. */
static ac_error read_fail_len(fixture *f, const char *text, size_t len,
                              ac_status want)
{
    ac_doc *doc = NULL;
    ac_error e;
    memset(&e, 0, sizeof e);
    ac_status st = ac_read(f->ctx, &acp_format_md, text, len, "t.md", &doc, &e);
    if (st == AC_OK) {
        keep_doc(f, doc);
        fail_msg("read succeeded, expected %s", ac_status_string(want));
    }
    assert_null(doc);
    if (st != want)
        fail_msg("read failed with %s (%s), expected %s", ac_status_string(st),
                 e.text, ac_status_string(want));
    assert_int_equal(e.status, want);
    assert_string_equal(e.source, "t.md");
    return e;
}

#define READ_FAIL(f, lit, want) read_fail_len(f, lit, sizeof(lit) - 1, want)

static void check_error(const ac_error *e, int line, int column,
                        const char *text)
{
    assert_string_equal(e->text, text);
    assert_int_equal(e->line, line);
    assert_int_equal(e->column, column);
}

/* Write a document as md that must succeed. */
static char *write_md(fixture *f, const ac_doc *doc, size_t *len)
{
    char *out = NULL;
    size_t n = 0;
    ac_error e;
    memset(&e, 0, sizeof e);
    ac_status st = ac_write(f->ctx, &acp_format_md, doc, &out, &n, &e);
    if (st != AC_OK)
        fail_msg("write failed: %s", e.text);
    keep_buf(f, out);
    assert_int_equal(strlen(out), n);
    if (len)
        *len = n;
    return out;
}

/* Read, write and compare with the input byte for byte. */
static ac_doc *same_bytes_len(fixture *f, const char *text, size_t len)
{
    ac_doc *doc = read_len(f, text, len);
    size_t n = 0;
    char *out = write_md(f, doc, &n);
    assert_string_equal(out, text);
    assert_int_equal(n, len);
    return doc;
}

#define SAME_BYTES(f, lit) same_bytes_len(f, lit, sizeof(lit) - 1)

/* Write, read back, and check the documents are equal. */
static void check_write_read(fixture *f, const ac_doc *doc)
{
    size_t n = 0;
    char *out = write_md(f, doc, &n);
    ac_doc *back = read_len(f, out, n);
    if (!ac_doc_equal(doc, back)) {
        char *a = keep_buf(f, ac_doc_dump(doc));
        char *b = keep_buf(f, ac_doc_dump(back));
        fail_msg("written as:\n%s\nwanted:\n%s\ngot:\n%s", out, a, b);
    }
}

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

static void assert_int64(const ac_value *v, int64_t want)
{
    assert_int_equal(ac_value_type(v), AC_INTEGER);
    assert_true(ac_value_integer(v) == want);
}

static void assert_num(const ac_value *v, double want)
{
    assert_int_equal(ac_value_type(v), AC_NUMBER);
    double d = ac_value_number(v);
    assert_memory_equal(&d, &want, sizeof d);
}

static void assert_bool(const ac_value *v, bool want)
{
    assert_int_equal(ac_value_type(v), AC_BOOL);
    assert_int_equal(ac_value_bool(v), want);
}

static void assert_pos(const ac_value *v, int line, int column)
{
    assert_int_equal(ac_value_line(v), line);
    assert_int_equal(ac_value_column(v), column);
}

static void assert_key_pos(const ac_value *map, size_t i, const char *key,
                           int line, int column)
{
    assert_true(i < ac_value_size(map));
    const acp_entry *e = &map->u.map.entries[i];
    assert_string_equal(e->key, key);
    assert_int_equal(e->key_line, line);
    assert_int_equal(e->key_column, column);
}

static void assert_instructions(const ac_doc *doc, const char *want, int line)
{
    size_t len = 0;
    const char *s = ac_doc_instructions(doc, &len);
    assert_int_equal(len, strlen(want));
    assert_string_equal(s, want);
    assert_int_equal(ac_doc_instructions_line(doc), line);
}

/* ---- the splitter ---- */

static void test_split_basic(void **state)
{
    fixture *f = *state;
    ac_doc *doc = SAME_BYTES(f, "---\nname: x\nmodel: opus\n---\n\nBody "
                                "line.\n\nSecond paragraph.\n");
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 2);
    assert_str(field(doc, "name"), "x");
    assert_str(field(doc, "model"), "opus");
    assert_instructions(doc, "Body line.\n\nSecond paragraph.\n", 6);
}

static void test_split_bom(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "\xef\xbb\xbf---\nname: x\n---\n\nBody\n");
    assert_str(field(doc, "name"), "x");
    assert_pos(field(doc, "name"), 2, 7);
    assert_instructions(doc, "Body\n", 5);
    /* The writer writes no BOM. */
    assert_string_equal(write_md(f, doc, NULL), "---\nname: x\n---\n\nBody\n");
    /* A BOM that is not at the start is no BOM. */
    ac_error e =
        READ_FAIL(f, "\n\xef\xbb\xbf---\nname: x\n---\n", AC_ERR_NOT_AGENT);
    check_error(&e, 1, 1,
                "no front matter: the file must start with a line '---'");
}

static void test_split_crlf(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "---\r\nname: x\r\ndescription: a b\r\n---\r\n\r\n"
                          "Line 1\r\n\r\nLine 2\r\n");
    assert_str(field(doc, "name"), "x");
    assert_str(field(doc, "description"), "a b");
    assert_pos(field(doc, "description"), 3, 14);
    assert_instructions(doc, "Line 1\n\nLine 2\n", 6);
    assert_string_equal(write_md(f, doc, NULL),
                        "---\nname: x\ndescription: a b\n---\n\nLine 1\n\n"
                        "Line 2\n");

    /* Lone CR line ends. */
    doc = READ(f, "---\rname: y\rmodel: m\r---\r\rA\rB\r");
    assert_str(field(doc, "name"), "y");
    assert_str(field(doc, "model"), "m");
    assert_pos(field(doc, "model"), 3, 8);
    assert_instructions(doc, "A\nB\n", 6);

    /* Mixed. */
    doc = READ(f, "---\nname: z\r\n---\rA\r\nB\rC\n");
    assert_str(field(doc, "name"), "z");
    assert_instructions(doc, "A\nB\nC\n", 4);
}

static void test_split_dots_close(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "---\nname: x\n...\n\nBody\n");
    assert_str(field(doc, "name"), "x");
    assert_instructions(doc, "Body\n", 5);
    /* The writer always closes with "---". */
    assert_string_equal(write_md(f, doc, NULL), "---\nname: x\n---\n\nBody\n");
    /* "..." does not open. */
    ac_error e = READ_FAIL(f, "...\nname: x\n---\n", AC_ERR_NOT_AGENT);
    check_error(&e, 1, 1,
                "no front matter: the file must start with a line '---'");
}

static void test_split_delimiter_spaces(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "--- \t\nname: x\n---  \n\nBody\n");
    assert_str(field(doc, "name"), "x");
    assert_instructions(doc, "Body\n", 5);
    doc = READ(f, "---\t\r\nname: x\r\n...\t \r\nBody");
    assert_str(field(doc, "name"), "x");
    assert_instructions(doc, "Body", 4);
    /* At the end of the input without a line break. */
    doc = READ(f, "---\nname: x\n--- ");
    assert_str(field(doc, "name"), "x");
    assert_instructions(doc, "", 0);
    /* Other text after the delimiter, or before it, makes no delimiter. */
    ac_error e = READ_FAIL(f, "--- x\nname: x\n---\n", AC_ERR_NOT_AGENT);
    check_error(&e, 1, 1,
                "no front matter: the file must start with a line '---'");
    e = READ_FAIL(f, " ---\nname: x\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 2,
                "no front matter: the file must start with a line '---', and "
                "this one is indented; move it to the start of line 1");
    e = READ_FAIL(f, "\n \n---\nname: x\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 3, 1,
                "no front matter: the file must start with a line '---', and "
                "this one is not the first line; move it to the start of line "
                "1");
    e = READ_FAIL(f, "----\nname: x\n---\n", AC_ERR_NOT_AGENT);
    check_error(&e, 1, 1,
                "no front matter: the file must start with a line '---'");
    e = READ_FAIL(f, "---\nname: x\n---x\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1,
                "front matter opened on line 1 is never closed (no line "
                "'---' or '...' after it)");
    e = READ_FAIL(f, "---\nname: x\n ---\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1,
                "front matter opened on line 1 is never closed (no line "
                "'---' or '...' after it)");
    e = READ_FAIL(f, "---\nname: x\n-- -\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1,
                "front matter opened on line 1 is never closed (no line "
                "'---' or '...' after it)");
}

static void test_split_later_dashes(void **state)
{
    fixture *f = *state;
    ac_doc *doc = SAME_BYTES(f, "---\nname: x\n---\n\nIntro\n\n---\n\nMore\n"
                                "...\n---\n");
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 1);
    assert_instructions(doc, "Intro\n\n---\n\nMore\n...\n---\n", 5);
    /* A body that starts with a "---" line right after the front matter. */
    doc = READ(f, "---\nname: x\n---\n---\nname: y\n---\n");
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 1);
    assert_str(field(doc, "name"), "x");
    assert_instructions(doc, "---\nname: y\n---\n", 4);
}

static void test_split_blank_lines(void **state)
{
    fixture *f = *state;
    const char *canonical = "---\na: 1\n---\n\nBody\n";
    /* Zero, one and two blank lines before the body read the same. */
    ac_doc *zero = READ(f, "---\na: 1\n---\nBody\n");
    ac_doc *one = READ(f, "---\na: 1\n---\n\nBody\n");
    ac_doc *two = READ(f, "---\na: 1\n---\n\n\nBody\n");
    ac_doc *spaces = READ(f, "---\na: 1\n---\n  \n\t\n \t\nBody\n");
    assert_instructions(zero, "Body\n", 4);
    assert_instructions(one, "Body\n", 5);
    assert_instructions(two, "Body\n", 6);
    assert_instructions(spaces, "Body\n", 7);
    assert_true(ac_doc_equal(zero, one));
    assert_true(ac_doc_equal(zero, two));
    assert_true(ac_doc_equal(zero, spaces));
    /* The writer puts exactly one blank line. */
    assert_string_equal(write_md(f, zero, NULL), canonical);
    assert_string_equal(write_md(f, two, NULL), canonical);
    assert_string_equal(write_md(f, spaces, NULL), canonical);
    /* The first body line keeps its indentation; trailing blank lines and
     * trailing spaces are kept. */
    ac_doc *doc = READ(f, "---\na: 1\n---\n\n    code\n\nend  \n\n\n");
    assert_instructions(doc, "    code\n\nend  \n\n\n", 5);
    assert_string_equal(write_md(f, doc, NULL),
                        "---\na: 1\n---\n\n    code\n\nend  \n\n\n");
}

static void test_split_no_final_newline(void **state)
{
    fixture *f = *state;
    ac_doc *doc = SAME_BYTES(f, "---\nname: x\n---\n\nBody without end");
    assert_instructions(doc, "Body without end", 5);
    doc = SAME_BYTES(f, "---\nname: x\n---\n\nA\n\nB");
    assert_instructions(doc, "A\n\nB", 5);
    /* The closing line itself without a line break. */
    doc = READ(f, "---\nname: x\n---");
    assert_instructions(doc, "", 0);
    assert_string_equal(write_md(f, doc, NULL), "---\nname: x\n---\n");
}

static void test_split_empty_front_matter(void **state)
{
    fixture *f = *state;
    ac_doc *doc = SAME_BYTES(f, "---\n---\n");
    assert_int_equal(ac_value_type(ac_doc_fields(doc)), AC_MAP);
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 0);
    assert_instructions(doc, "", 0);
    doc = SAME_BYTES(f, "---\n---\n\nOnly a body.\n");
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 0);
    assert_instructions(doc, "Only a body.\n", 4);
    doc = READ(f, "---\n...\nBody");
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 0);
    assert_instructions(doc, "Body", 3);
    /* Blank lines only in the front matter. */
    doc = READ(f, "---\n\n  \n---\nBody\n");
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 0);
    assert_instructions(doc, "Body\n", 5);
    assert_string_equal(write_md(f, doc, NULL), "---\n---\n\nBody\n");
    /* An empty document, built through the API. */
    assert_string_equal(write_md(f, new_doc(f), NULL), "---\n---\n");
}

static void test_split_comment_only(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "---\n# just a comment\n---\n\nBody\n");
    assert_int_equal(ac_value_type(ac_doc_fields(doc)), AC_MAP);
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 0);
    assert_instructions(doc, "Body\n", 5);
    assert_string_equal(write_md(f, doc, NULL), "---\n---\n\nBody\n");
    /* Comments around fields do not disturb them. */
    doc = READ(f, "---\n# head\nname: x # trailing\n# tail\n---\n");
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 1);
    assert_str(field(doc, "name"), "x");
    assert_pos(field(doc, "name"), 3, 7);
}

static void on_warning(void *user, const ac_error *w)
{
    fixture *f = user;
    f->warnings++;
    f->last_warning = *w;
}

/* FORMATS.md, rule 1: "a comment that is dropped gets a warning". */
static void test_comment_dropped_warns(void **state)
{
    fixture *f = *state;
    ac_context_set_warning_handler(f->ctx, on_warning, f);
    READ(f, "---\nname: x\n# a comment\n---\n\nBody\n");
    assert_int_equal(f->warnings, 1);
    assert_string_equal(f->last_warning.source, "t.md");
    assert_int_equal(f->last_warning.line, 3);
    assert_int_equal(f->last_warning.column, 1);
    assert_string_equal(f->last_warning.text,
                        "1 YAML comment is dropped: the model does not carry "
                        "comments (the first is here)");
    /* One warning for all comments, at the first; a '#' inside a scalar
     * is no comment. */
    f->warnings = 0;
    READ(f, "\xef\xbb\xbf---\r\nname: a#b\r\nd: \"x # y\"\r\ntools: [a, b] "
            "# two\r\n# three\r\n---\r\n");
    assert_int_equal(f->warnings, 1);
    assert_int_equal(f->last_warning.line, 4);
    assert_int_equal(f->last_warning.column, 15);
    assert_string_equal(f->last_warning.text,
                        "2 YAML comments are dropped: the model does not carry "
                        "comments (the first is here)");
    /* No comment, no warning. */
    f->warnings = 0;
    READ(f, "---\nname: x\n---\n\nBody # not YAML\n");
    assert_int_equal(f->warnings, 0);
}

static void test_split_empty_body(void **state)
{
    fixture *f = *state;
    ac_doc *doc = SAME_BYTES(f, "---\nname: x\n---\n");
    assert_instructions(doc, "", 0);
    /* Blank lines only: empty too, and the writer adds no blank line. */
    doc = READ(f, "---\nname: x\n---\n\n\n  \n\t");
    assert_instructions(doc, "", 0);
    assert_string_equal(write_md(f, doc, NULL), "---\nname: x\n---\n");
    doc = READ(f, "---\nname: x\n---\r\n\r\n");
    assert_instructions(doc, "", 0);
    assert_string_equal(write_md(f, doc, NULL), "---\nname: x\n---\n");
    /* Empty instructions set through the API. */
    doc = new_doc(f);
    assert_int_equal(
        ac_map_set(ac_doc_fields(doc), "name", 4, ac_value_new_string("x", 1)),
        AC_OK);
    assert_int_equal(ac_doc_set_instructions(doc, "", 0), AC_OK);
    assert_string_equal(write_md(f, doc, NULL), "---\nname: x\n---\n");
}

static void test_split_errors(void **state)
{
    fixture *f = *state;
    const char *none = "no front matter: the file must start with a line '---'";
    const char *open = "front matter opened on line 1 is never closed (no "
                       "line '---' or '...' after it)";
    ac_error e = READ_FAIL(f, "", AC_ERR_NOT_AGENT);
    check_error(&e, 1, 1, none);
    e = READ_FAIL(f, "name: x\n", AC_ERR_NOT_AGENT);
    check_error(&e, 1, 1, none);
    e = READ_FAIL(f, "# Title\n\n---\nname: x\n---\n", AC_ERR_NOT_AGENT);
    check_error(&e, 1, 1, none);
    e = READ_FAIL(f, "\n---\nname: x\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 1,
                "no front matter: the file must start with a line '---', and "
                "this one is not the first line; move it to the start of line "
                "1");
    e = READ_FAIL(f, "---", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1, open);
    e = READ_FAIL(f, "---\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1, open);
    e = READ_FAIL(f, "---\nname: x\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1, open);
    e = READ_FAIL(f, "---\nname: x\n\nBody\n", AC_ERR_STRUCTURE);
    check_error(&e, 1, 1, open);

    /* The front matter must be a mapping. */
    e = READ_FAIL(f, "---\n- a\n- b\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 1,
                "front matter is a list; it must be a mapping of fields");
    e = READ_FAIL(f, "---\njust text\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 1,
                "front matter is a string; it must be a mapping of fields");

    /* "instructions" is reserved. */
    e = READ_FAIL(f, "---\nname: x\ninstructions: y\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 3, 1,
                "front matter has an \"instructions\" key; in md the body "
                "holds the instructions");
    /* Only at the top level. */
    ac_doc *doc = READ(f, "---\nopts:\n  instructions: y\n---\n");
    assert_str(ac_map_get(field(doc, "opts"), "instructions"), "y");
    check_write_read(f, doc);
}

/* The article before the type name: "an integer", not "a integer". */
static void test_front_matter_integer_message(void **state)
{
    fixture *f = *state;
    ac_error e = READ_FAIL(f, "---\n42\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 1,
                "front matter is an integer; it must be a mapping of fields");
}

static void test_yaml_syntax_errors(void **state)
{
    fixture *f = *state;
    /* A block under an empty value that does not parse: the recovery takes
     * only values on a key's own line, so the error stands. */
    ac_error e =
        READ_FAIL(f, "---\nname: x\ntools:\n  - a\n - b\n---\n", AC_ERR_SYNTAX);
    assert_int_equal(e.line, 5);
    assert_non_null(strstr(e.text, "invalid YAML: "));
    e = READ_FAIL(f, "---\nname: x\n\tmodel: y\n---\n", AC_ERR_SYNTAX);
    assert_int_equal(e.line, 3);
    e = READ_FAIL(
        f, "\xef\xbb\xbf---\r\nname: x\r\ntools:\r\n  - [a, b\r\n---\r\n",
        AC_ERR_SYNTAX);
    assert_int_equal(e.line, 5);
    assert_non_null(strstr(e.text, "invalid YAML: "));
    /* A value that recovery would take as text, and a second fault that it
     * cannot mend: the first error stands. */
    e = READ_FAIL(
        f,
        "---\nname: x\ndescription: a: b\nmcp-servers:\n  k: {a: [1, 2}\n---\n",
        AC_ERR_SYNTAX);
    check_error(&e, 3, 15,
                "invalid YAML: mapping values are not allowed in this "
                "context");
    /* libyaml's reader errors come as byte offsets: the position counts
     * lines from the file's start and columns in code points. Control
     * characters are never recovered. */
    e = READ_FAIL(f,
                  "---\nname: x\nd: a\x01"
                  "b\n---\n",
                  AC_ERR_SYNTAX);
    check_error(&e, 3, 5, "invalid YAML: control characters are not allowed");
    e = READ_FAIL(f,
                  "---\nname: x\nd: \xc3\xa9\xc3\xa9\x01"
                  "b\n---\n",
                  AC_ERR_SYNTAX);
    check_error(&e, 3, 6, "invalid YAML: control characters are not allowed");
}

/* The recovery of front matter that is not YAML (recover.c,
 * docs/recovery.md): the three examples of the issue, and what it leaves
 * alone. */
static void test_recovery(void **state)
{
    fixture *f = *state;
    ac_context_set_warning_handler(f->ctx, on_warning, f);
    ac_doc *doc = READ(f, "---\nname: a\ndescription: Use it when: X. "
                          "Examples: 'a', 'b'.\nmodel: sonnet\n---\nB\n");
    assert_str(field(doc, "description"),
               "Use it when: X. Examples: 'a', 'b'.");
    assert_int_equal(ac_value_line(field(doc, "description")), 3);
    assert_int_equal(ac_value_column(field(doc, "description")), 14);
    assert_str(field(doc, "model"), "sonnet");
    assert_int_equal(f->warnings, 1);
    assert_int_equal(f->last_warning.line, 3);
    assert_int_equal(f->last_warning.column, 14);
    assert_non_null(strstr(f->last_warning.text, "quote the value"));

    doc = READ(f, "---\nname: b\ndescription: Use after edits.\\n\\n<example>"
                  "\\nuser: \"Hi\"\\n</example>\n---\n");
    assert_str(field(doc, "description"),
               "Use after edits.\\n\\n<example>\\nuser: \"Hi\"\\n</example>");

    doc = READ(f, "---\nname: c\ndescription: Review code. Examples:\nuser: "
                  "\"Review my PR\"\nassistant: \"I will\"\nmodel: sonnet\n"
                  "---\n");
    assert_str(field(doc, "description"),
               "Review code. Examples:\nuser: \"Review my PR\"\nassistant: "
               "\"I will\"");
    assert_str(field(doc, "model"), "sonnet");
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 3);

    /* Indented lines fold as YAML folds a plain scalar. */
    doc = READ(f, "---\ndescription: one\n  two: x\n\n  three\n---\n");
    assert_str(field(doc, "description"), "one two: x\nthree");

    /* Fields that parse stay typed; a # line stays a comment. */
    doc = READ(f, "---\ndescription: a: b\ntools: [Read, Grep]\n# note: x\n"
                  "n: 1\n---\n");
    assert_str(field(doc, "description"), "a: b");
    assert_int_equal(ac_value_type(field(doc, "tools")), AC_LIST);
    assert_int_equal(ac_value_type(field(doc, "n")), AC_INTEGER);

    /* A field name the context was told about ends the text. */
    assert_int_equal(ac_context_add_field_name(f->ctx, "owner"), AC_OK);
    doc = READ(f, "---\ndescription: a: b\nowner: me\n---\n");
    assert_str(field(doc, "description"), "a: b");
    assert_str(field(doc, "owner"), "me");
}

static void test_encoding_errors(void **state)
{
    fixture *f = *state;
    ac_error e = READ_FAIL(f, "---\nname: \xff\n---\n", AC_ERR_ENCODING);
    check_error(&e, 2, 7, "invalid UTF-8 (byte 0xff)");
    assert_int_equal(e.position, 10);
    e = READ_FAIL(f, "---\nname: x\n---\n\nab\xc3\xa9\xed\xa0\x80\n",
                  AC_ERR_ENCODING);
    check_error(&e, 5, 4, "invalid UTF-8 (byte 0xed)");
    e = READ_FAIL(f, "---\nname: x\n---\n\nab\0c\n", AC_ERR_ENCODING);
    check_error(&e, 5, 3, "NUL character (U+0000) in the input");
    e = READ_FAIL(f, "---\r\nn\xc3\xa9: \xc0\xaf\r\n---\r\n", AC_ERR_ENCODING);
    check_error(&e, 2, 5, "invalid UTF-8 (byte 0xc0)");
}

/* The model holds no NUL character: a YAML escape must not smuggle one in
 * (FORMATS.md rule 7). */
static void test_nul_escape_rejected(void **state)
{
    fixture *f = *state;
    ac_error e = READ_FAIL(f, "---\nname: \"a\\0b\"\n---\n", AC_ERR_ENCODING);
    check_error(&e, 2, 7, "NUL character (\\0) in a string");
    e = READ_FAIL(f, "---\nl:\n- \"\\x00\"\n---\n", AC_ERR_ENCODING);
    check_error(&e, 3, 3, "NUL character (\\0) in a string");
    e = READ_FAIL(f, "---\n\"k\\u0000\": v\n---\n", AC_ERR_ENCODING);
    check_error(&e, 2, 1, "NUL character (\\0) in a key");
}

/* ---- positions ---- */

static void test_positions(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "---\n"
                          "name: agent\n"
                          "tools:\n"
                          "  - Read\n"
                          "  - [a, b]\n"
                          "options:\n"
                          "  temp: 0.5\n"
                          "  \"q k\": 1\n"
                          "caf\xc3\xa9: \xc3\xa9\n"
                          "---\n"
                          "\n"
                          "Body\n");
    ac_value *fields = ac_doc_fields(doc);
    assert_pos(fields, 2, 1);
    assert_key_pos(fields, 0, "name", 2, 1);
    assert_key_pos(fields, 1, "tools", 3, 1);
    assert_key_pos(fields, 2, "options", 6, 1);
    assert_key_pos(fields, 3, "caf\xc3\xa9", 9, 1);
    assert_pos(field(doc, "name"), 2, 7);
    ac_value *tools = field(doc, "tools");
    assert_int_equal(ac_value_size(tools), 2);
    assert_pos(tools, 4, 3);
    assert_pos(ac_list_get(tools, 0), 4, 5);
    ac_value *inner = ac_list_get(tools, 1);
    assert_pos(inner, 5, 5);
    assert_pos(ac_list_get(inner, 0), 5, 6);
    assert_pos(ac_list_get(inner, 1), 5, 9);
    ac_value *options = field(doc, "options");
    assert_pos(options, 7, 3);
    assert_key_pos(options, 0, "temp", 7, 3);
    assert_key_pos(options, 1, "q k", 8, 3);
    assert_pos(ac_map_get(options, "temp"), 7, 9);
    assert_pos(ac_map_get(options, "q k"), 8, 10);
    /* Columns count code points: "é: é" puts the value at column 7. */
    assert_pos(field(doc, "caf\xc3\xa9"), 9, 7);
    assert_instructions(doc, "Body\n", 12);

    /* With a BOM and CRLF the lines are the same. */
    doc = READ(f, "\xef\xbb\xbf---\r\n\r\nname: x\r\nlist:\r\n- a\r\n---\r\n"
                  "Body\r\n");
    assert_key_pos(ac_doc_fields(doc), 0, "name", 3, 1);
    assert_pos(field(doc, "name"), 3, 7);
    assert_pos(ac_list_get(field(doc, "list"), 0), 5, 3);
    assert_instructions(doc, "Body\n", 7);
}

/* ---- YAML 1.2 core resolution ---- */

static void test_resolve_core(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "---\n"
                          "s1: yes\n"
                          "s2: no\n"
                          "s3: on\n"
                          "s4: off\n"
                          "s5: Yes\n"
                          "s6: y\n"
                          "b1: true\n"
                          "b2: false\n"
                          "b3: True\n"
                          "b4: FALSE\n"
                          "n1: null\n"
                          "n2: ~\n"
                          "n3:\n"
                          "n4: Null\n"
                          "i1: 0o17\n"
                          "i2: 0x1F\n"
                          "i3: -42\n"
                          "i4: +7\n"
                          "i5: 007\n"
                          "i6: 0\n"
                          "f1: 1.0\n"
                          "f2: .5\n"
                          "f3: 1e3\n"
                          "f4: -2.5E-3\n"
                          "f5: 1.\n"
                          "f6: -0.0\n"
                          "f7: +.5e+2\n"
                          "q1: \"true\"\n"
                          "q2: '42'\n"
                          "q3: \"null\"\n"
                          "q4: ''\n"
                          "q5: \"1.5\"\n"
                          "x1: 0b101\n"
                          "x2: 1_000\n"
                          "x3: 12:30\n"
                          "x4: 2001-12-14\n"
                          "x5: 0o8\n"
                          "x6: 0x\n"
                          "x7: -0o17\n"
                          "x8: 1e\n"
                          "x9: .\n"
                          "xa: 0X1F\n"
                          "xb: nULL\n"
                          "xc: tRUE\n"
                          "xd: -.5.\n"
                          "---\n");
    assert_str(field(doc, "s1"), "yes");
    assert_str(field(doc, "s2"), "no");
    assert_str(field(doc, "s3"), "on");
    assert_str(field(doc, "s4"), "off");
    assert_str(field(doc, "s5"), "Yes");
    assert_str(field(doc, "s6"), "y");
    assert_bool(field(doc, "b1"), true);
    assert_bool(field(doc, "b2"), false);
    assert_bool(field(doc, "b3"), true);
    assert_bool(field(doc, "b4"), false);
    assert_int_equal(ac_value_type(field(doc, "n1")), AC_NULL);
    assert_int_equal(ac_value_type(field(doc, "n2")), AC_NULL);
    assert_int_equal(ac_value_type(field(doc, "n3")), AC_NULL);
    assert_int_equal(ac_value_type(field(doc, "n4")), AC_NULL);
    assert_int64(field(doc, "i1"), 15);
    assert_int64(field(doc, "i2"), 31);
    assert_int64(field(doc, "i3"), -42);
    assert_int64(field(doc, "i4"), 7);
    assert_int64(field(doc, "i5"), 7);
    assert_int64(field(doc, "i6"), 0);
    assert_num(field(doc, "f1"), 1.0);
    assert_num(field(doc, "f2"), 0.5);
    assert_num(field(doc, "f3"), 1000.0);
    assert_num(field(doc, "f4"), -2.5e-3);
    assert_num(field(doc, "f5"), 1.0);
    assert_num(field(doc, "f6"), -0.0);
    assert_num(field(doc, "f7"), 50.0);
    assert_str(field(doc, "q1"), "true");
    assert_str(field(doc, "q2"), "42");
    assert_str(field(doc, "q3"), "null");
    assert_str(field(doc, "q4"), "");
    assert_str(field(doc, "q5"), "1.5");
    assert_str(field(doc, "x1"), "0b101");
    assert_str(field(doc, "x2"), "1_000");
    assert_str(field(doc, "x3"), "12:30");
    assert_str(field(doc, "x4"), "2001-12-14");
    assert_str(field(doc, "x5"), "0o8");
    assert_str(field(doc, "x6"), "0x");
    assert_str(field(doc, "x7"), "-0o17");
    assert_str(field(doc, "x8"), "1e");
    assert_str(field(doc, "x9"), ".");
    assert_str(field(doc, "xa"), "0X1F");
    assert_str(field(doc, "xb"), "nULL");
    assert_str(field(doc, "xc"), "tRUE");
    assert_str(field(doc, "xd"), "-.5.");
    check_write_read(f, doc);
}

static void test_resolve_tags(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "---\n"
                          "t1: !!str 123\n"
                          "t2: !!int \"12\"\n"
                          "t3: !!float 1\n"
                          "t4: !!bool \"true\"\n"
                          "t5: !!null \"\"\n"
                          "t6: ! 12\n"
                          "t7: !!str true\n"
                          "t8: !!int 0x10\n"
                          "t9: !!float '2.5'\n"
                          "ta: !!seq [1]\n"
                          "tb: !!map {a: 1}\n"
                          "tc: !!str\n"
                          "td: !<tag:yaml.org,2002:str> 5\n"
                          "---\n");
    assert_str(field(doc, "t1"), "123");
    assert_int64(field(doc, "t2"), 12);
    assert_num(field(doc, "t3"), 1.0);
    assert_bool(field(doc, "t4"), true);
    assert_int_equal(ac_value_type(field(doc, "t5")), AC_NULL);
    assert_str(field(doc, "t6"), "12");
    assert_str(field(doc, "t7"), "true");
    assert_int64(field(doc, "t8"), 16);
    assert_num(field(doc, "t9"), 2.5);
    assert_int_equal(ac_value_type(field(doc, "ta")), AC_LIST);
    assert_int64(ac_list_get(field(doc, "ta"), 0), 1);
    assert_int_equal(ac_value_type(field(doc, "tb")), AC_MAP);
    assert_int64(ac_map_get(field(doc, "tb"), "a"), 1);
    assert_str(field(doc, "tc"), "");
    assert_str(field(doc, "td"), "5");
    check_write_read(f, doc);
}

static void test_resolve_errors(void **state)
{
    fixture *f = *state;
    ac_error e =
        READ_FAIL(f, "---\nname: x\na: !foo bar\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 3, 4,
                "unsupported tag '!foo' (only the YAML core tags are "
                "allowed)");
    e = READ_FAIL(f, "---\na: !!binary aGk=\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4,
                "unsupported tag '!!binary' (only the YAML core tags are "
                "allowed)");
    e = READ_FAIL(f, "---\na: !!set {x: null}\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4,
                "unsupported tag '!!set' on a map (only the YAML core tags "
                "are allowed)");
    e = READ_FAIL(f, "---\na: !!map [1]\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4,
                "unsupported tag '!!map' on a list (only the YAML core tags "
                "are allowed)");
    e = READ_FAIL(f, "---\na: !local [1]\n---\n", AC_ERR_STRUCTURE);
    assert_int_equal(e.line, 2);

    /* The merge key. */
    e = READ_FAIL(f, "---\nbase: &b {a: 1}\nderived:\n  <<: *b\n---\n",
                  AC_ERR_STRUCTURE);
    check_error(&e, 4, 3,
                "merge keys (<<) are not supported; write the fields out");
    /* A quoted "<<" is an ordinary key. */
    ac_doc *doc = READ(f, "---\n\"<<\": 1\n---\n");
    assert_int64(field(doc, "<<"), 1);
    check_write_read(f, doc);

    /* Infinity and NaN. */
    e = READ_FAIL(f, "---\na: .inf\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4,
                ".inf: infinity and NaN cannot be carried (JSON has no such "
                "numbers)");
    e = READ_FAIL(f, "---\na: -.Inf\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4,
                "-.Inf: infinity and NaN cannot be carried (JSON has no such "
                "numbers)");
    e = READ_FAIL(f, "---\na: .NaN\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4,
                ".NaN: infinity and NaN cannot be carried (JSON has no such "
                "numbers)");
    e = READ_FAIL(f, "---\na: !!float .nan\n---\n", AC_ERR_STRUCTURE);
    assert_int_equal(e.line, 2);
    e = READ_FAIL(f, "---\na: 1e400\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4,
                "number out of range: 1e400 is too large for a double");
    /* Quoted, they are strings. */
    doc = READ(f, "---\na: \".inf\"\nb: '.nan'\n---\n");
    assert_str(field(doc, "a"), ".inf");
    assert_str(field(doc, "b"), ".nan");

    /* Values that do not match their tag. */
    e = READ_FAIL(f, "---\na: !!int abc\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4, "'abc' does not match its tag '!!int'");
    e = READ_FAIL(f, "---\na: !!bool yes\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4, "'yes' does not match its tag '!!bool'");
    e = READ_FAIL(f, "---\na: !!null 0\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4, "'0' does not match its tag '!!null'");
    e = READ_FAIL(f, "---\na: !<tag:yaml.org,2002:int> 1.5\n---\n",
                  AC_ERR_STRUCTURE);
    check_error(&e, 2, 4, "'1.5' does not match its tag '!!int'");
}

static void test_resolve_int_range(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "---\n"
                          "max: 9223372036854775807\n"
                          "min: -9223372036854775808\n"
                          "hex: 0x7FFFFFFFFFFFFFFF\n"
                          "oct: 0o777777777777777777777\n"
                          "zeros: 000000000000000000000000000001\n"
                          "---\n");
    assert_int64(field(doc, "max"), INT64_MAX);
    assert_int64(field(doc, "min"), INT64_MIN);
    assert_int64(field(doc, "hex"), INT64_MAX);
    assert_int64(field(doc, "oct"), INT64_MAX);
    assert_int64(field(doc, "zeros"), 1);
    check_write_read(f, doc);
    assert_string_equal(write_md(f, doc, NULL),
                        "---\nmax: 9223372036854775807\n"
                        "min: -9223372036854775808\n"
                        "hex: 9223372036854775807\n"
                        "oct: 9223372036854775807\n"
                        "zeros: 1\n---\n");

    ac_error e =
        READ_FAIL(f, "---\na: 9223372036854775808\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4,
                "integer out of range: 9223372036854775808 does not fit in 64 "
                "bits");
    e = READ_FAIL(f, "---\na: -9223372036854775809\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4,
                "integer out of range: -9223372036854775809 does not fit in "
                "64 bits");
    e = READ_FAIL(f, "---\na: +9223372036854775808\n---\n", AC_ERR_STRUCTURE);
    assert_int_equal(e.line, 2);
    e = READ_FAIL(f, "---\na: 0x8000000000000000\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4,
                "integer out of range: 0x8000000000000000 does not fit in 64 "
                "bits");
    e = READ_FAIL(f, "---\na: 0o1000000000000000000000\n---\n",
                  AC_ERR_STRUCTURE);
    assert_int_equal(e.line, 2);
    e = READ_FAIL(f, "---\na: 99999999999999999999999\n---\n",
                  AC_ERR_STRUCTURE);
    assert_int_equal(e.line, 2);
    /* As strings they are fine. */
    doc = READ(f, "---\na: \"9223372036854775808\"\n---\n");
    assert_str(field(doc, "a"), "9223372036854775808");
    check_write_read(f, doc);
}

/* ---- aliases ---- */

static void test_aliases(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "---\n"
                          "base: &b\n"
                          "  x: 1\n"
                          "  y: [a, b]\n"
                          "copy: *b\n"
                          "name: &n agent\n"
                          "again: *n\n"
                          "&k key1: v\n"
                          "other: *k\n"
                          "*n : as key\n"
                          "list: [*n, *b]\n"
                          "---\n");
    ac_value *base = field(doc, "base");
    ac_value *copy = field(doc, "copy");
    assert_ptr_not_equal(base, copy);
    assert_true(ac_value_equal(base, copy));
    assert_int_equal(ac_value_type(copy), AC_MAP);
    assert_int64(ac_map_get(copy, "x"), 1);
    /* The copy is where the alias is. */
    assert_pos(copy, 5, 7);
    assert_str(field(doc, "again"), "agent");
    assert_pos(field(doc, "again"), 7, 8);
    assert_str(field(doc, "key1"), "v");
    assert_str(field(doc, "other"), "key1");
    assert_str(field(doc, "agent"), "as key");
    ac_value *list = field(doc, "list");
    assert_str(ac_list_get(list, 0), "agent");
    assert_true(ac_value_equal(ac_list_get(list, 1), base));
    /* Field order is the source order. */
    static const char *const keys[] = {"base", "copy",  "name",  "again",
                                       "key1", "other", "agent", "list"};
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 8);
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(ac_map_key(ac_doc_fields(doc), i, NULL), keys[i]);
    /* Written expanded. */
    check_write_read(f, doc);

    /* The latest anchor of a name wins; unknown aliases are errors. */
    doc = READ(f, "---\na: &x 1\nb: &x 2\nc: *x\n---\n");
    assert_int64(field(doc, "c"), 2);
    ac_error e = READ_FAIL(f, "---\na: *nope\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 4, "unknown alias '*nope'");
    /* A collection cannot alias itself. */
    e = READ_FAIL(f, "---\na: &s [*s]\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 8, "unknown alias '*s'");
}

static void test_alias_nodes_limit(void **state)
{
    fixture *f = *state;
    /* Exactly at the limit is fine: two copies of 5 nodes with a limit of
     * 10. */
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_ALIAS_NODES, 10),
                     AC_OK);
    ac_doc *doc = READ(f, "---\na: &a [1, 2, 3, 4]\nb: *a\nc: *a\n---\n");
    assert_true(ac_value_equal(field(doc, "a"), field(doc, "c")));
    ac_error e = READ_FAIL(f,
                           "---\na: &a [1, 2, 3, 4]\nb: *a\nc: *a\nd: *a\n"
                           "---\n",
                           AC_ERR_LIMIT);
    check_error(&e, 5, 4,
                "aliases expand to more than 10 nodes (the alias-nodes "
                "limit)");
    /* Scalars count one each. */
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_ALIAS_NODES, 2),
                     AC_OK);
    e = READ_FAIL(f, "---\na: &a x\nb: [*a, *a, *a]\n---\n", AC_ERR_LIMIT);
    check_error(&e, 3, 13,
                "aliases expand to more than 2 nodes (the alias-nodes "
                "limit)");
}

static void test_billion_laughs(void **state)
{
    fixture *f = *state;
    const char lol[] = "---\n"
                       "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                       "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                       "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                       "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                       "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
                       "---\n"
                       "\n"
                       "Laugh.\n";
    clock_t start = clock();
    ac_error e = READ_FAIL(f, lol, AC_ERR_LIMIT);
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    /* With the default limit (10000) the first alias of line 6 passes
     * it: 90 + 819 + 7380 nodes so far, and 7381 more. */
    check_error(&e, 6, 8,
                "aliases expand to more than 10000 nodes (the alias-nodes "
                "limit)");
    assert_true(seconds < 2.0);
    /* A lower limit stops it earlier. */
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_ALIAS_NODES, 100),
                     AC_OK);
    e = READ_FAIL(f, lol, AC_ERR_LIMIT);
    check_error(&e, 4, 8,
                "aliases expand to more than 100 nodes (the alias-nodes "
                "limit)");
}

/* ---- limits ---- */

static void test_depth_limit(void **state)
{
    fixture *f = *state;
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_DEPTH, 5), AC_OK);
    /* The fields map is level 1; five levels are fine. */
    ac_doc *doc = READ(f, "---\na:\n  b:\n    c:\n      d: [1]\n---\n");
    check_write_read(f, doc);
    ac_error e = READ_FAIL(f, "---\na:\n  b:\n    c:\n      d: [[1]]\n---\n",
                           AC_ERR_LIMIT);
    check_error(&e, 5, 11, "nesting deeper than the depth limit (5)");
    e = READ_FAIL(f, "---\na: [[[[[1]]]]]\n---\n", AC_ERR_LIMIT);
    check_error(&e, 2, 8, "nesting deeper than the depth limit (5)");
    doc = READ(f, "---\na:\n  b:\n    c:\n      d:\n        e: 1\n---\n");
    e = READ_FAIL(f,
                  "---\na:\n  b:\n    c:\n      d:\n        e:\n          f: "
                  "1\n---\n",
                  AC_ERR_LIMIT);
    check_error(&e, 7, 11, "nesting deeper than the depth limit (5)");
    /* Through an alias. */
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_DEPTH, 3), AC_OK);
    doc = READ(f, "---\na: &x [[1]]\n---\n");
    e = READ_FAIL(f, "---\na: &x [[1]]\nb: [*x]\n---\n", AC_ERR_LIMIT);
    check_error(&e, 3, 5, "nesting deeper than the depth limit (3)");

    /* The writer checks the same limit. */
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_DEPTH, 5), AC_OK);
    doc = new_doc(f);
    ac_value *v = ac_value_new_integer(1);
    for (int i = 0; i < 4; i++) {
        ac_value *l = ac_value_new_list();
        assert_int_equal(ac_list_append(l, v), AC_OK);
        v = l;
    }
    assert_int_equal(ac_map_set(ac_doc_fields(doc), "a", 1, v), AC_OK);
    assert_string_equal(write_md(f, doc, NULL), "---\na:\n- - - - 1\n---\n");
    ac_value *deeper = ac_value_new_list();
    assert_int_equal(ac_list_append(deeper, ac_value_copy(v)), AC_OK);
    assert_int_equal(ac_map_set(ac_doc_fields(doc), "b", 1, deeper), AC_OK);
    char *out = (char *)(uintptr_t)1;
    assert_int_equal(ac_write(f->ctx, &acp_format_md, doc, &out, NULL, &e),
                     AC_ERR_LIMIT);
    assert_null(out);
    assert_string_equal(e.text, "nesting deeper than the depth limit (5)");
}

static void test_depth_default(void **state)
{
    fixture *f = *state;
    /* 99 nested lists under the fields map make 100 levels: fine; 100
     * lists make 101. */
    char text[512];
    int n = snprintf(text, sizeof text, "---\na: %.*s1%.*s\n---\n", 99,
                     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                     99,
                     "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
                     "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
    ac_doc *doc = read_len(f, text, (size_t)n);
    check_write_read(f, doc);
    n = snprintf(text, sizeof text, "---\na: %.*s1%.*s\n---\n", 100,
                 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                 100,
                 "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
                 "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
    ac_error e = read_fail_len(f, text, (size_t)n, AC_ERR_LIMIT);
    check_error(&e, 2, 103, "nesting deeper than the depth limit (100)");
}

static void test_keys_limit(void **state)
{
    fixture *f = *state;
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_KEYS, 3), AC_OK);
    ac_doc *doc = READ(f, "---\na: 1\nb: 2\nc: {x: 1, y: 2, z: 3}\n---\n");
    assert_int_equal(ac_value_size(ac_doc_fields(doc)), 3);
    ac_error e =
        READ_FAIL(f, "---\na: 1\nb: 2\nc: 3\nd: 4\n---\n", AC_ERR_LIMIT);
    assert_string_equal(e.text, "map has more entries than the keys limit (3)");
    assert_int_equal(e.line, 5);
    e = READ_FAIL(f, "---\nm: {w: 1, x: 1, y: 2, z: 3}\n---\n", AC_ERR_LIMIT);
    assert_string_equal(e.text, "map has more entries than the keys limit (3)");
    assert_int_equal(e.line, 2);
    /* Lists are not limited by it. */
    doc = READ(f, "---\nl: [1, 2, 3, 4, 5]\n---\n");
    assert_int_equal(ac_value_size(field(doc, "l")), 5);
}

static void test_key_length_limit(void **state)
{
    fixture *f = *state;
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_KEY_LENGTH, 5),
                     AC_OK);
    ac_doc *doc = READ(f, "---\nabcde: long value here\n---\n");
    assert_str(field(doc, "abcde"), "long value here");
    ac_error e = READ_FAIL(f, "---\nabcde: 1\nabcdef: 2\n---\n", AC_ERR_LIMIT);
    check_error(&e, 3, 1, "key of 6 bytes exceeds the key-length limit (5)");
    /* Nested keys and alias keys too; multibyte keys count bytes. */
    e = READ_FAIL(f, "---\na:\n  \"abc\xc3\xa9\xc3\xa9\": 1\n---\n",
                  AC_ERR_LIMIT);
    check_error(&e, 3, 3, "key of 7 bytes exceeds the key-length limit (5)");
    e = READ_FAIL(f, "---\na: &k abcdefg\n*k : 2\n---\n", AC_ERR_LIMIT);
    check_error(&e, 3, 1, "key of 7 bytes exceeds the key-length limit (5)");
}

static void test_string_length_limit(void **state)
{
    fixture *f = *state;
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_STRING_LENGTH, 5),
                     AC_OK);
    ac_doc *doc = READ(f, "---\na: abcde\nlongerkey: \"12345\"\n---\n");
    assert_str(field(doc, "a"), "abcde");
    ac_error e = READ_FAIL(f, "---\na: abcdef\n---\n", AC_ERR_LIMIT);
    check_error(&e, 2, 4,
                "string of 6 bytes exceeds the string-length limit (5)");
    e = READ_FAIL(f, "---\nl:\n  - ok\n  - \"a\\nbcde\"\n---\n", AC_ERR_LIMIT);
    check_error(&e, 4, 5,
                "string of 6 bytes exceeds the string-length limit (5)");
}

/* ---- keys ---- */

static void test_duplicate_keys(void **state)
{
    fixture *f = *state;
    ac_error e = READ_FAIL(f, "---\nname: a\nmodel: x\nname: b\n---\n",
                           AC_ERR_STRUCTURE);
    check_error(&e, 4, 1, "duplicate key \"name\" (first on line 2)");
    e = READ_FAIL(f, "---\nopts:\n  a: 1\n\n  a: 2\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 5, 3, "duplicate key \"a\" (first on line 3)");
    e = READ_FAIL(f, "---\nm: {a: 1, b: 2, a: 3}\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 17, "duplicate key \"a\" (first on line 2)");
    /* Quoting does not make another key. */
    e = READ_FAIL(f, "---\na: 1\n'a': 2\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 3, 1, "duplicate key \"a\" (first on line 2)");
    /* Nor does the type a plain key would resolve to. */
    e = READ_FAIL(f, "---\n1: a\n\"1\": b\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 3, 1, "duplicate key \"1\" (first on line 2)");
    /* Through an alias. */
    e = READ_FAIL(f, "---\n&k a: 1\n*k : 2\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 3, 1, "duplicate key \"a\" (first on line 2)");
    /* The same key in different maps is fine. */
    ac_doc *doc = READ(f, "---\na: {a: 1}\nb: {a: 2}\n---\n");
    assert_int64(ac_map_get(field(doc, "b"), "a"), 2);
}

/* Keys are strings taken from the key scalar's text (FORMATS.md): a plain
 * key that would be an out-of-range number, or .inf/.nan, as a value is
 * still a fine key. */
static void test_keys_from_text(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "---\n"
                          ".inf: a\n"
                          ".nan: b\n"
                          "9223372036854775808: c\n"
                          "1e400: d\n"
                          "---\n");
    assert_str(field(doc, ".inf"), "a");
    assert_str(field(doc, ".nan"), "b");
    assert_str(field(doc, "9223372036854775808"), "c");
    assert_str(field(doc, "1e400"), "d");
    check_write_read(f, doc);
}

static void test_complex_keys(void **state)
{
    fixture *f = *state;
    ac_error e = READ_FAIL(f, "---\n? [a]\n: 1\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 3, "a list cannot be a key (keys are strings)");
    e = READ_FAIL(f, "---\n[a, b]: 1\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 1, "a list cannot be a key (keys are strings)");
    e = READ_FAIL(f, "---\n{x: 1}: 2\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 2, 1, "a map cannot be a key (keys are strings)");
    e = READ_FAIL(f, "---\na: &l [1]\n*l : 2\n---\n", AC_ERR_STRUCTURE);
    check_error(&e, 3, 1, "a list cannot be a key (alias '*l')");

    /* Scalar keys are strings, from their text. */
    ac_doc *doc = READ(f, "---\n"
                          "1: a\n"
                          "true: b\n"
                          "null: c\n"
                          "~: d\n"
                          "1.0: e\n"
                          "\"q\": f\n"
                          "0x1F: g\n"
                          "? explicit\n"
                          ": h\n"
                          "---\n");
    static const char *const keys[] = {"1",   "true", "null", "~",
                                       "1.0", "q",    "0x1F", "explicit"};
    ac_value *fields = ac_doc_fields(doc);
    assert_int_equal(ac_value_size(fields), 8);
    for (size_t i = 0; i < 8; i++) {
        size_t len = 0;
        assert_string_equal(ac_map_key(fields, i, &len), keys[i]);
        assert_int_equal(len, strlen(keys[i]));
    }
    assert_str(field(doc, "explicit"), "h");
    assert_string_equal(write_md(f, doc, NULL),
                        "---\n\"1\": a\n\"true\": b\n\"null\": c\n\"~\": d\n"
                        "\"1.0\": e\nq: f\n\"0x1F\": g\nexplicit: h\n---\n");
    check_write_read(f, doc);
}

/* ---- the writer ---- */

typedef struct style_case {
    const char *value;
    const char *written;
} style_case;

static const style_case style_cases[] = {
    {"opus", "opus"},
    {"yes", "\"yes\""},
    {"Yes", "\"Yes\""},
    {"no", "\"no\""},
    {"on", "\"on\""},
    {"OFF", "\"OFF\""},
    {"y", "\"y\""},
    {"N", "\"N\""},
    {"true", "\"true\""},
    {"False", "\"False\""},
    {"1.0", "\"1.0\""},
    {"1", "\"1\""},
    {"-1", "\"-1\""},
    {"007", "\"007\""},
    {"0o17", "\"0o17\""},
    {"0x1F", "\"0x1F\""},
    {"0b101", "\"0b101\""},
    {"1_000", "\"1_000\""},
    {"1e3", "\"1e3\""},
    {".5", "\".5\""},
    {".inf", "\".inf\""},
    {"-.INF", "\"-.INF\""},
    {".NaN", "\".NaN\""},
    {"null", "\"null\""},
    {"NULL", "\"NULL\""},
    {"~", "\"~\""},
    {"", "\"\""},
    {"<<", "\"<<\""},
    {"=", "\"=\""},
    {" lead", "\" lead\""},
    {"trail ", "\"trail \""},
    {"a: b", "\"a: b\""},
    {"a #b", "\"a #b\""},
    {"#x", "\"#x\""},
    {"-x", "-x"},
    {"- x", "\"- x\""},
    {"-", "\"-\""},
    {"?", "\"?\""},
    {"? x", "\"? x\""},
    {": x", "\": x\""},
    {"key:", "\"key:\""},
    {"10:30", "\"10:30\""},
    {"1:20:30", "\"1:20:30\""},
    {"2001-12-14", "\"2001-12-14\""},
    {"2001-12-14 21:59:43.10 -5", "\"2001-12-14 21:59:43.10 -5\""},
    {"line1\nline2", "\"line1\\nline2\""},
    {"line\n", "\"line\\n\""},
    {"a\tb", "\"a\\tb\""},
    {"a\rb", "\"a\\rb\""},
    {"it's", "it's"},
    {"caf\xc3\xa9", "caf\xc3\xa9"},
    {"\xc3\xa9t\xc3\xa9 \xe2\x82\xac", "\xc3\xa9t\xc3\xa9 \xe2\x82\xac"},
    {"Read, Grep, Bash", "Read, Grep, Bash"},
    {"a:b", "a:b"},
    {"a#b", "a#b"},
    {"x-y_z.w", "x-y_z.w"},
    {"https://example.com/a#frag", "https://example.com/a#frag"},
    {"back\\slash", "back\\slash"},
    {"say \"hi\"", "say \"hi\""},
    {"v1.2.3", "v1.2.3"},
    {"50%", "50%"},
    {"---", "\"---\""},
    {"...", "\"...\""},
    {"[x]", "\"[x]\""},
    {"{x}", "\"{x}\""},
    {",x", "\",x\""},
    {"*x", "\"*x\""},
    {"&x", "\"&x\""},
    {"!x", "\"!x\""},
    {"|", "\"|\""},
    {">", "\">\""},
    {"'q'", "\"'q'\""},
    {"\"q\"", "\"\\\"q\\\"\""},
    {"%x", "\"%x\""},
    {"@x", "\"@x\""},
    {"`x`", "\"`x`\""},
    {"back\\slash: x", "\"back\\\\slash: x\""},
    {"\x7f", "\"\\x7F\""},
};

/* A document with one field `key` holding `value`. */
static ac_doc *one_field(fixture *f, const char *key, size_t key_len,
                         ac_value *value)
{
    ac_doc *doc = new_doc(f);
    assert_non_null(value);
    assert_int_equal(ac_map_set(ac_doc_fields(doc), key, key_len, value),
                     AC_OK);
    return doc;
}

static void test_writer_style_values(void **state)
{
    fixture *f = *state;
    char want[256];
    for (size_t i = 0; i < sizeof style_cases / sizeof style_cases[0]; i++) {
        const style_case *c = &style_cases[i];
        ac_doc *doc = one_field(
            f, "k", 1, ac_value_new_string(c->value, strlen(c->value)));
        snprintf(want, sizeof want, "---\nk: %s\n---\n", c->written);
        char *out = write_md(f, doc, NULL);
        if (strcmp(out, want) != 0)
            fail_msg("value '%s': written\n%s\nwanted\n%s", c->value, out,
                     want);
        check_write_read(f, doc);
        /* Release as we go: the fixture keeps 64 objects at most. */
        release_all(f);
    }
}

static void test_writer_style_keys(void **state)
{
    fixture *f = *state;
    char want[256];
    for (size_t i = 0; i < sizeof style_cases / sizeof style_cases[0]; i++) {
        const style_case *c = &style_cases[i];
        ac_doc *doc =
            one_field(f, c->value, strlen(c->value), ac_value_new_integer(1));
        snprintf(want, sizeof want, "---\n%s: 1\n---\n", c->written);
        char *out = write_md(f, doc, NULL);
        /* Keys with line breaks are written as complex keys by libyaml;
         * only compare simple ones. */
        if (!strpbrk(c->value, "\n\r") && strcmp(out, want) != 0)
            fail_msg("key '%s': written\n%s\nwanted\n%s", c->value, out, want);
        check_write_read(f, doc);
        release_all(f);
    }
}

static void test_writer_types(void **state)
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
    SETF("h", ac_value_new_number(0.5));
    ac_value *l = ac_value_new_list();
    assert_int_equal(ac_list_append(l, ac_value_new_string("a", 1)), AC_OK);
    assert_int_equal(ac_list_append(l, ac_value_new_integer(1)), AC_OK);
    ac_value *nested = ac_value_new_list();
    assert_int_equal(ac_list_append(nested, ac_value_new_string("yes", 3)),
                     AC_OK);
    assert_int_equal(ac_list_append(l, nested), AC_OK);
    ac_value *lm = ac_value_new_map();
    assert_int_equal(ac_map_set(lm, "a", 1, ac_value_new_integer(1)), AC_OK);
    assert_int_equal(ac_map_set(lm, "b", 1, ac_value_new_null()), AC_OK);
    assert_int_equal(ac_list_append(l, lm), AC_OK);
    SETF("l", l);
    ac_value *mm = ac_value_new_map();
    assert_int_equal(ac_map_set(mm, "x", 1, ac_value_new_integer(1)), AC_OK);
    ac_value *inner = ac_value_new_map();
    assert_int_equal(ac_map_set(inner, "z", 1, ac_value_new_string("on", 2)),
                     AC_OK);
    assert_int_equal(ac_map_set(mm, "w", 1, inner), AC_OK);
    /* "y" and "n" are booleans to YAML 1.1 readers: quoted keys. */
    assert_int_equal(ac_map_set(mm, "y", 1, ac_value_new_integer(2)), AC_OK);
    SETF("m", mm);
    SETF("el", ac_value_new_list());
    SETF("em", ac_value_new_map());
#undef SETF
    assert_int_equal(ac_doc_set_instructions(doc, "Do things.\n", 11), AC_OK);
    const char *want = "---\n"
                       "nul: null\n"
                       "t: true\n"
                       "f: false\n"
                       "i: -9223372036854775808\n"
                       "j: 9223372036854775807\n"
                       "d: 0.1\n"
                       "z: -0.0\n"
                       "e: 1.0e+100\n"
                       "h: 0.5\n"
                       "l:\n"
                       "- a\n"
                       "- 1\n"
                       "- - \"yes\"\n"
                       "- a: 1\n"
                       "  b: null\n"
                       "m:\n"
                       "  x: 1\n"
                       "  w:\n"
                       "    z: \"on\"\n"
                       "  \"y\": 2\n"
                       "el: []\n"
                       "em: {}\n"
                       "---\n"
                       "\n"
                       "Do things.\n";
    assert_string_equal(write_md(f, doc, NULL), want);
    check_write_read(f, doc);
    ac_doc *back = SAME_BYTES(f, "---\n"
                                 "nul: null\n"
                                 "t: true\n"
                                 "f: false\n"
                                 "i: -9223372036854775808\n"
                                 "j: 9223372036854775807\n"
                                 "d: 0.1\n"
                                 "z: -0.0\n"
                                 "e: 1.0e+100\n"
                                 "h: 0.5\n"
                                 "l:\n"
                                 "- a\n"
                                 "- 1\n"
                                 "- - \"yes\"\n"
                                 "- a: 1\n"
                                 "  b: null\n"
                                 "m:\n"
                                 "  x: 1\n"
                                 "  w:\n"
                                 "    z: \"on\"\n"
                                 "  \"y\": 2\n"
                                 "el: []\n"
                                 "em: {}\n"
                                 "---\n"
                                 "\n"
                                 "Do things.\n");
    assert_true(ac_doc_equal(doc, back));
    assert_num(field(back, "z"), -0.0);
    assert_num(field(back, "e"), 1e100);
}

/* Numbers are written in their shortest exact form and read back. */
static void test_writer_numbers(void **state)
{
    fixture *f = *state;
    static const struct {
        double d;
        const char *text;
    } cases[] = {
        {0.1, "0.1"},
        {0.30000000000000004, "0.30000000000000004"},
        {123456.789, "123456.789"},
        {-2.5e-3, "-0.0025"},
        {1e100, "1.0e+100"},
        {5e-324, "5.0e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
    };
    char want[128];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ac_doc *doc = one_field(f, "x", 1, ac_value_new_number(cases[i].d));
        snprintf(want, sizeof want, "---\nx: %s\n---\n", cases[i].text);
        assert_string_equal(write_md(f, doc, NULL), want);
        check_write_read(f, doc);
        release_all(f);
    }
}

/* "100.0" in FORMATS.md's number rule: 1e3 read from YAML is written as
 * "1000.0", not "1.0e+03". */
static void test_writer_whole_numbers(void **state)
{
    fixture *f = *state;
    SAME_BYTES(f, "---\nx: 100.0\n---\n");
    ac_doc *doc = READ(f, "---\nx: 1e3\n---\n");
    assert_string_equal(write_md(f, doc, NULL), "---\nx: 1000.0\n---\n");
}

/* Non-ASCII text outside the BMP (emoji): libyaml 0.2.5's emitter takes
 * it for unprintable, so the string is double-quoted with a \U escape
 * (docs/decisions.md). It reads back as the same string. */
static void test_writer_emoji(void **state)
{
    fixture *f = *state;
    ac_doc *doc =
        one_field(f, "description", 11,
                  ac_value_new_string("Ship it \xf0\x9f\x9a\x80", 12));
    check_write_read(f, doc);
    assert_string_equal(write_md(f, doc, NULL),
                        "---\ndescription: \"Ship it \\U0001F680\"\n---\n");
    assert_false(acp_yaml_plain_ok("Ship it \xf0\x9f\x9a\x80", 12));
    doc =
        one_field(f, "d", 1, ac_value_new_string("Note: \xf0\x9f\x9a\x80", 10));
    check_write_read(f, doc);
    assert_string_equal(write_md(f, doc, NULL),
                        "---\nd: \"Note: \\U0001F680\"\n---\n");
}

/* The writer reports text it cannot write as an encoding error (as the
 * json writer does), not as "out of memory". */
static void test_writer_invalid_utf8(void **state)
{
    fixture *f = *state;
    ac_doc *doc = one_field(f, "name", 4, ac_value_new_string("a\xff", 2));
    char *out = NULL;
    ac_error e;
    memset(&e, 0, sizeof e);
    ac_status st = ac_write(f->ctx, &acp_format_md, doc, &out, NULL, &e);
    if (out)
        keep_buf(f, out);
    assert_int_equal(st, AC_ERR_ENCODING);
    assert_int_equal(e.status, AC_ERR_ENCODING);
    assert_null(out);
    doc = one_field(f, "\xc0\xaf", 2, ac_value_new_integer(1));
    st = ac_write(f->ctx, &acp_format_md, doc, &out, NULL, &e);
    if (out)
        keep_buf(f, out);
    assert_int_equal(st, AC_ERR_ENCODING);
    assert_null(out);
}

/* A string holding NUL cannot be in the model (FORMATS.md rule 7): the
 * writer refuses it as the json writer does. */
static void test_writer_nul(void **state)
{
    fixture *f = *state;
    ac_doc *doc = one_field(f, "name", 4, ac_value_new_string("a\0b", 3));
    char *out = NULL;
    ac_error e;
    memset(&e, 0, sizeof e);
    ac_status st = ac_write(f->ctx, &acp_format_md, doc, &out, NULL, &e);
    if (out)
        keep_buf(f, out);
    assert_int_equal(st, AC_ERR_ENCODING);
    assert_null(out);
    doc = one_field(f, "a\0b", 3, ac_value_new_integer(1));
    st = ac_write(f->ctx, &acp_format_md, doc, &out, NULL, &e);
    if (out)
        keep_buf(f, out);
    assert_int_equal(st, AC_ERR_ENCODING);
    assert_null(out);
}

static void test_writer_long_strings(void **state)
{
    fixture *f = *state;
    /* No folding at 80 columns, plain or quoted. */
    char text[400];
    size_t n = 0;
    for (int i = 0; i < 40; i++)
        n +=
            (size_t)snprintf(text + n, sizeof text - n, "%sword", i ? " " : "");
    ac_doc *doc = one_field(f, "d", 1, ac_value_new_string(text, n));
    char want[512];
    snprintf(want, sizeof want, "---\nd: %s\n---\n", text);
    assert_string_equal(write_md(f, doc, NULL), want);
    check_write_read(f, doc);
    text[8] = ':'; /* "word wor: word ..." */
    doc = one_field(f, "d", 1, ac_value_new_string(text, n));
    snprintf(want, sizeof want, "---\nd: \"%s\"\n---\n", text);
    assert_string_equal(write_md(f, doc, NULL), want);
    check_write_read(f, doc);
    /* Multi-line text stays on one line, with \n escapes. */
    const char *multi = "Examples:\n\n<example>\nContext: x\n</example>";
    doc = one_field(f, "d", 1, ac_value_new_string(multi, strlen(multi)));
    assert_string_equal(write_md(f, doc, NULL),
                        "---\nd: \"Examples:\\n\\n<example>\\nContext: "
                        "x\\n</example>\"\n---\n");
    check_write_read(f, doc);
}

static void test_write_instructions_field(void **state)
{
    fixture *f = *state;
    ac_doc *doc =
        one_field(f, "instructions", 12, ac_value_new_string("Do it.", 6));
    char *out = (char *)(uintptr_t)1;
    size_t len = 99;
    ac_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(ac_write(f->ctx, &acp_format_md, doc, &out, &len, &e),
                     AC_ERR_STRUCTURE);
    assert_null(out);
    assert_int_equal(e.status, AC_ERR_STRUCTURE);
    assert_string_equal(e.text, "the fields hold an \"instructions\" key, "
                                "which the model reserves for the "
                                "instructions");
    /* Only the top level is reserved. */
    ac_value *inner = ac_value_new_map();
    assert_int_equal(ac_map_set(inner, "instructions", 12, ac_value_new_null()),
                     AC_OK);
    doc = one_field(f, "opts", 4, inner);
    assert_string_equal(write_md(f, doc, NULL),
                        "---\nopts:\n  instructions: null\n---\n");
}

static void test_write_twice_same_bytes(void **state)
{
    fixture *f = *state;
    ac_doc *doc = READ(f, "---\nname: x\ndescription: \"a: b\"\ntools:\n"
                          "- Read\n- 'Grep'\nnum: 0.1\n---\nBody\n\n");
    size_t n1 = 0, n2 = 0;
    char *a = write_md(f, doc, &n1);
    char *b = write_md(f, doc, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    /* And writing what was written changes nothing. */
    ac_doc *again = read_len(f, a, n1);
    assert_true(ac_doc_equal(doc, again));
    assert_string_equal(write_md(f, again, NULL), a);
    assert_string_equal(a, "---\nname: x\ndescription: \"a: b\"\ntools:\n"
                           "- Read\n- Grep\nnum: 0.1\n---\n\nBody\n\n");
}

/* ---- the reference example ---- */

static void test_reference_example(void **state)
{
    fixture *f = *state;
    assert_int_equal(sizeof reference_md - 1, 3277);
    ac_doc *doc = same_bytes_len(f, reference_md, sizeof reference_md - 1);
    ac_value *fields = ac_doc_fields(doc);
    assert_int_equal(ac_value_size(fields), 4);
    assert_string_equal(ac_map_key(fields, 0, NULL), "name");
    assert_string_equal(ac_map_key(fields, 1, NULL), "description");
    assert_string_equal(ac_map_key(fields, 2, NULL), "model");
    assert_string_equal(ac_map_key(fields, 3, NULL), "color");
    assert_str(field(doc, "name"), "rust-backend-engineer");
    assert_str(field(doc, "model"), "opus");
    assert_str(field(doc, "color"), "cyan");
    size_t len = 0;
    const char *d = ac_value_string(field(doc, "description"), &len);
    assert_int_equal(len, 443);
    assert_memory_equal(d, "Use this agent when implementing backend", 40);
    assert_pos(field(doc, "description"), 3, 14);
    assert_int_equal(ac_doc_instructions_line(doc), 8);
    const char *body = ac_doc_instructions(doc, &len);
    assert_memory_equal(body, "You are an expert Rust backend engineer", 39);
    assert_int_equal(
        len, 3277 - (size_t)(strstr(reference_md, "You are") - reference_md));
    /* CRLF and a BOM read to the same document; written canonically. */
    char crlf[4000];
    size_t n = 0;
    memcpy(crlf, "\xef\xbb\xbf", 3);
    n = 3;
    for (size_t i = 0; i < sizeof reference_md - 1; i++) {
        if (reference_md[i] == '\n')
            crlf[n++] = '\r';
        crlf[n++] = reference_md[i];
    }
    ac_doc *doc2 = read_len(f, crlf, n);
    assert_true(ac_doc_equal(doc, doc2));
    assert_string_equal(write_md(f, doc2, NULL), reference_md);
}

/* ---- locale ---- */

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
    if (!enter_comma_locale()) {
        /* Under ctest a de_DE locale is built into the build tree. */
        assert_null(getenv("AGENTCONV_REQUIRE_COMMA_LOCALE"));
        printf("note: no decimal-comma locale installed; test_locale "
               "checks nothing\n");
        return;
    }
    ac_doc *doc = READ(f, "---\na: 0.5\nb: 2.25e-7\nc: 1e100\n---\n");
    assert_num(field(doc, "a"), 0.5);
    assert_num(field(doc, "b"), 2.25e-7);
    ac_doc *built = one_field(f, "h", 1, ac_value_new_number(0.5));
    char *out = write_md(f, built, NULL);
    char *all = write_md(f, doc, NULL);
    /* The JSON writer too. */
    char *json = NULL;
    size_t json_len = 0;
    ac_error e;
    assert_int_equal(
        ac_write(f->ctx, &acp_format_json, doc, &json, &json_len, &e), AC_OK);
    setlocale(LC_ALL, "C");
    assert_string_equal(json, "{\n  \"a\": 0.5,\n  \"b\": 2.25e-7,\n  \"c\": "
                              "1.0e+100\n}\n");
    free(json);
    assert_string_equal(out, "---\nh: 0.5\n---\n");
    assert_string_equal(all, "---\na: 0.5\nb: 2.25e-7\nc: 1.0e+100\n---\n");
}

/* ---- the scalar rules, directly ---- */

static const char *const ambiguous[] = {"",
                                        "null",
                                        "Null",
                                        "NULL",
                                        "~",
                                        "true",
                                        "True",
                                        "TRUE",
                                        "false",
                                        "False",
                                        "FALSE",
                                        "y",
                                        "Y",
                                        "yes",
                                        "Yes",
                                        "YES",
                                        "n",
                                        "N",
                                        "no",
                                        "No",
                                        "NO",
                                        "on",
                                        "On",
                                        "ON",
                                        "off",
                                        "Off",
                                        "OFF",
                                        "<<",
                                        "=",
                                        "0",
                                        "-1",
                                        "+1",
                                        "007",
                                        "0o17",
                                        "0x1F",
                                        "0b101",
                                        "-0b1",
                                        "0x_1F",
                                        "1_000",
                                        "017",
                                        "1.0",
                                        ".5",
                                        "1.",
                                        "-.5",
                                        "+.5",
                                        "1e3",
                                        "1E3",
                                        "-1.5e-3",
                                        "1.5e+3",
                                        "1_000.5",
                                        "1.2.3",
                                        ".inf",
                                        ".Inf",
                                        ".INF",
                                        "-.inf",
                                        "+.inf",
                                        ".nan",
                                        ".NaN",
                                        ".NAN",
                                        "10:30",
                                        "1:20:30",
                                        "-1:30",
                                        "190:20:30.15",
                                        "2001-12-14",
                                        "2001-12-14t21:59:43.10-05:00",
                                        "2001-12-14 21:59:43.10 -5",
                                        ".",
                                        "..",
                                        NULL};

static const char *const not_ambiguous[] = {
    "yes!", "yesno",  "nope",   "tru",   "nulls", "abc",   "1a",
    "0xG",  "1e",     "e3",     "-",     "+",     "1:60",  "2001-12",
    "v1.0", "-.nan",  "on off", "null ", " null", "True!", "0x1G",
    "1e3x", "12:30:", "Yes.",   NULL};

static void test_yaml_string_is_ambiguous(void **state)
{
    (void)state;
    for (const char *const *s = ambiguous; *s; s++)
        if (!acp_yaml_string_is_ambiguous(*s, strlen(*s)))
            fail_msg("'%s' should be ambiguous", *s);
    for (const char *const *s = not_ambiguous; *s; s++)
        if (acp_yaml_string_is_ambiguous(*s, strlen(*s)))
            fail_msg("'%s' should not be ambiguous", *s);
    /* Only `n` bytes count. */
    assert_true(acp_yaml_string_is_ambiguous("yesterday", 3));
    assert_false(acp_yaml_string_is_ambiguous("yesterday", 5));
}

static const char *const plain_yes[] = {"opus",
                                        "Read, Grep",
                                        "it's",
                                        "caf\xc3\xa9",
                                        "-x",
                                        "a:b",
                                        "a#b",
                                        "back\\slash",
                                        "a \"q\" b",
                                        "x-y",
                                        "https://example.com/a#frag",
                                        "C++",
                                        "a,b",
                                        "a[0]",
                                        "x?",
                                        "50%",
                                        "e-mail",
                                        "?x",
                                        "multi word text",
                                        "trailing.",
                                        "1.2.3a",
                                        "yes!",
                                        "a\xc2\xa0"
                                        "b",
                                        NULL};

static const char *const plain_no[] = {"",
                                       "yes",
                                       "null",
                                       "1",
                                       "1.5",
                                       "2001-12-14",
                                       "- x",
                                       "-",
                                       "?",
                                       "? x",
                                       ":",
                                       ": x",
                                       "a: b",
                                       "a:",
                                       "a #b",
                                       "#x",
                                       " x",
                                       "x ",
                                       "---",
                                       "...",
                                       "--- x",
                                       "[x",
                                       "]",
                                       "{",
                                       "}",
                                       ",x",
                                       "&a",
                                       "*a",
                                       "!t",
                                       "|",
                                       ">",
                                       "'q",
                                       "\"q",
                                       "%x",
                                       "@x",
                                       "`x",
                                       "a\nb",
                                       "a\tb",
                                       "a\rb",
                                       "\x7f",
                                       "a\x01",
                                       "a\xc2\x85"
                                       "b",
                                       "\xef\xbb\xbfx",
                                       "a\xe2\x80\xa8"
                                       "b",
                                       "a\xe2\x80\xa9"
                                       "b",
                                       "x\xef\xbf\xbe",
                                       NULL};

static void test_yaml_plain_ok(void **state)
{
    (void)state;
    for (const char *const *s = plain_yes; *s; s++)
        if (!acp_yaml_plain_ok(*s, strlen(*s)))
            fail_msg("'%s' should be plain", *s);
    for (const char *const *s = plain_no; *s; s++)
        if (acp_yaml_plain_ok(*s, strlen(*s)))
            fail_msg("'%s' should not be plain", *s);
    /* Every ambiguous string is not plain. */
    for (const char *const *s = ambiguous; *s; s++)
        if (acp_yaml_plain_ok(*s, strlen(*s)))
            fail_msg("ambiguous '%s' should not be plain", *s);
    /* Only `n` bytes count. */
    assert_true(acp_yaml_plain_ok("ab: c", 2));
    assert_false(acp_yaml_plain_ok("a: b", 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_split_basic),
        T(test_split_bom),
        T(test_split_crlf),
        T(test_split_dots_close),
        T(test_split_delimiter_spaces),
        T(test_split_later_dashes),
        T(test_split_blank_lines),
        T(test_split_no_final_newline),
        T(test_split_empty_front_matter),
        T(test_split_comment_only),
        T(test_comment_dropped_warns),
        T(test_split_empty_body),
        T(test_split_errors),
        T(test_front_matter_integer_message),
        T(test_yaml_syntax_errors),
        T(test_recovery),
        T(test_encoding_errors),
        T(test_nul_escape_rejected),
        T(test_positions),
        T(test_resolve_core),
        T(test_resolve_tags),
        T(test_resolve_errors),
        T(test_resolve_int_range),
        T(test_aliases),
        T(test_alias_nodes_limit),
        T(test_billion_laughs),
        T(test_depth_limit),
        T(test_depth_default),
        T(test_keys_limit),
        T(test_key_length_limit),
        T(test_string_length_limit),
        T(test_duplicate_keys),
        T(test_keys_from_text),
        T(test_complex_keys),
        T(test_writer_style_values),
        T(test_writer_style_keys),
        T(test_writer_types),
        T(test_writer_numbers),
        T(test_writer_whole_numbers),
        T(test_writer_emoji),
        T(test_writer_invalid_utf8),
        T(test_writer_nul),
        T(test_writer_long_strings),
        T(test_write_instructions_field),
        T(test_write_twice_same_bytes),
        T(test_reference_example),
        T(test_locale),
        T(test_yaml_string_is_ambiguous),
        T(test_yaml_plain_ok),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
