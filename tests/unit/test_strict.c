/*
 * Unit tests of strict mode (ac_context_set_strict): every warning of a
 * read or a write becomes the call's error, with the warning's source,
 * position and text; the handler hears nothing; the first warning wins;
 * a call's own error wins over a warning; nested reads keep their own.
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
#include <unistd.h>

#include "internal.h"

/* ---- warnings seen by the handler ---- */

typedef struct seen {
    int count;
    ac_error first;
} seen;

static void on_warning(void *user, const ac_error *w)
{
    seen *s = user;
    if (s->count++ == 0)
        s->first = *w;
}

/* ---- a toy format whose reader and writer warn on demand ----
 *
 * The input is a list of one-letter commands:
 *   w  warn "first" at 1:1     v  warn "second" at 2:3
 *   e  fail with a syntax error at 5:6
 *   n  read an md document with a YAML comment through ac_read (nested)
 *   c  read a clean md document through ac_read (nested)
 * The writer warns "written" at 7:0 when the document has a field "w".
 */

static const char md_comment[] = "---\n# note\nname: a\n---\nBody\n";
static const char md_clean[] = "---\nname: a\n---\nBody\n";

static ac_status toy_read(ac_context *ctx, const ac_format *format,
                          const char *data, size_t len, const char *source,
                          ac_doc **out, ac_error *error)
{
    (void)format;
    ac_doc *doc = ac_doc_new();
    if (!doc)
        return AC_ERR_NOMEM;
    *out = doc;
    for (size_t i = 0; i < len; i++) {
        ac_doc *inner = NULL;
        ac_status st = AC_OK;
        switch (data[i]) {
        case 'w':
            ac_context_warn(ctx, source, 1, 1, "first");
            break;
        case 'v':
            ac_context_warn(ctx, source, 2, 3, "second");
            break;
        case 'e':
            error->status = AC_ERR_SYNTAX;
            error->line = 5;
            error->column = 6;
            snprintf(error->source, sizeof error->source, "%s", source);
            snprintf(error->text, sizeof error->text, "toy syntax error");
            return AC_ERR_SYNTAX;
        case 'n':
        case 'c': {
            const char *md = data[i] == 'n' ? md_comment : md_clean;
            st = ac_read(ctx, ac_format_find(ctx, "md"), md, strlen(md),
                         "inner.md", &inner, error);
            ac_doc_free(inner);
            if (st != AC_OK)
                return st;
            break;
        }
        case 'f': {
            ac_value *v = ac_value_new_bool(true);
            st = ac_map_set(ac_doc_fields(doc), "w", 1, v);
            if (st != AC_OK)
                return st;
            break;
        }
        default:
            break;
        }
    }
    return AC_OK;
}

static ac_status toy_write(ac_context *ctx, const ac_format *format,
                           const ac_doc *doc, ac_buf *out, ac_error *error)
{
    (void)format;
    (void)error;
    if (ac_map_get(ac_doc_fields(doc), "w"))
        ac_context_warn(ctx, "writer", 7, 0, "written");
    return ac_buf_puts(out, "toy\n");
}

static const ac_format toy_format = {
    .abi = AC_FORMAT_ABI,
    .name = "toy",
    .description = "warns on demand (test only)",
    .aliases = NULL,
    .extensions = NULL,
    .sniff = NULL,
    .read = toy_read,
    .write = toy_write,
    .user = NULL,
};

/* ---- fixtures ---- */

typedef struct fixture {
    ac_context *ctx;
    const ac_format *toy;
    const ac_format *md;
    seen warnings;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->ctx = ac_context_new();
    if (!f->ctx || ac_context_add_format(f->ctx, &toy_format, NULL) != AC_OK) {
        ac_context_free(f->ctx);
        free(f);
        return -1;
    }
    f->toy = ac_format_find(f->ctx, "toy");
    f->md = ac_format_find(f->ctx, "md");
    ac_context_set_warning_handler(f->ctx, on_warning, &f->warnings);
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

/* Read `data` with the toy format; returns the status. */
static ac_status toy(fixture *f, const char *data, ac_error *e)
{
    ac_doc *doc = (ac_doc *)(uintptr_t)1;
    memset(e, 0, sizeof *e);
    ac_status st =
        ac_read(f->ctx, f->toy, data, strlen(data), "toy.in", &doc, e);
    if (st == AC_OK) {
        assert_non_null(doc);
        ac_doc_free(doc);
    } else {
        assert_null(doc);
    }
    return st;
}

/* ---- tests ---- */

static void test_option(void **state)
{
    fixture *f = *state;
    assert_false(ac_context_strict(f->ctx));
    ac_context_set_strict(f->ctx, true);
    assert_true(ac_context_strict(f->ctx));
    ac_context_set_strict(f->ctx, false);
    assert_false(ac_context_strict(f->ctx));
    assert_false(ac_context_strict(NULL));
    ac_context_set_strict(NULL, true); /* no crash */
    assert_string_equal(ac_status_string(AC_ERR_STRICT),
                        "a warning under strict mode");
    /* A new context is not strict. */
    ac_context *other = ac_context_new();
    assert_non_null(other);
    assert_false(ac_context_strict(other));
    ac_context_free(other);
}

/* Off: a warning reaches the handler and the read succeeds. */
static void test_not_strict(void **state)
{
    fixture *f = *state;
    ac_error e;
    assert_int_equal(toy(f, "wv", &e), AC_OK);
    assert_int_equal(f->warnings.count, 2);
    assert_int_equal(f->warnings.first.status, AC_OK);
    assert_string_equal(f->warnings.first.text, "first");
}

/* On: the first warning is the error, the handler hears nothing. */
static void test_first_warning_fails(void **state)
{
    fixture *f = *state;
    ac_context_set_strict(f->ctx, true);
    ac_error e;
    assert_int_equal(toy(f, "vw", &e), AC_ERR_STRICT);
    assert_int_equal(e.status, AC_ERR_STRICT);
    assert_string_equal(e.source, "toy.in");
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 3);
    assert_string_equal(e.text, "second");
    assert_int_equal(f->warnings.count, 0);
    char msg[600];
    ac_error_format(&e, "error", msg, sizeof msg);
    assert_string_equal(msg, "toy.in:2:3: error: second");

    /* The next read starts afresh. */
    assert_int_equal(toy(f, "", &e), AC_OK);
    assert_int_equal(toy(f, "w", &e), AC_ERR_STRICT);
    assert_string_equal(e.text, "first");
    assert_int_equal(f->warnings.count, 0);
}

/* A read that fails anyway reports its own error. */
static void test_own_error_wins(void **state)
{
    fixture *f = *state;
    ac_context_set_strict(f->ctx, true);
    ac_error e;
    assert_int_equal(toy(f, "we", &e), AC_ERR_SYNTAX);
    assert_string_equal(e.text, "toy syntax error");
    assert_int_equal(e.line, 5);
    /* ... and leaves nothing behind for the next one. */
    assert_int_equal(toy(f, "", &e), AC_OK);
    assert_int_equal(f->warnings.count, 0);
}

/* A real reader: the md reader's comment warning. */
static void test_md_comment(void **state)
{
    fixture *f = *state;
    ac_doc *doc = NULL;
    ac_error e;
    assert_int_equal(ac_read(f->ctx, f->md, md_comment, strlen(md_comment),
                             "a.md", &doc, &e),
                     AC_OK);
    ac_doc_free(doc);
    assert_int_equal(f->warnings.count, 1);
    ac_error w = f->warnings.first;

    ac_context_set_strict(f->ctx, true);
    doc = (ac_doc *)(uintptr_t)1;
    assert_int_equal(ac_read(f->ctx, f->md, md_comment, strlen(md_comment),
                             "a.md", &doc, &e),
                     AC_ERR_STRICT);
    assert_null(doc);
    assert_int_equal(f->warnings.count, 1);
    /* Same source, position and text as the warning. */
    assert_string_equal(e.source, w.source);
    assert_int_equal(e.line, w.line);
    assert_int_equal(e.column, w.column);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 1);
    assert_string_equal(e.text, w.text);

    /* A clean document still reads. */
    assert_int_equal(
        ac_read(f->ctx, f->md, md_clean, strlen(md_clean), "b.md", &doc, &e),
        AC_OK);
    assert_non_null(doc);
    ac_doc_free(doc);
}

/* The xml reader's comment warning has a line and no column. */
static void test_xml_comment(void **state)
{
    fixture *f = *state;
    static const char xml[] = "<?xml version=\"1.0\"?>\n"
                              "<agent xmlns=\"urn:agentconv:agent:1\">\n"
                              "  <!-- a note -->\n"
                              "  <name>a</name>\n"
                              "</agent>\n";
    ac_context_set_strict(f->ctx, true);
    ac_doc *doc = NULL;
    ac_error e;
    assert_int_equal(ac_read(f->ctx, ac_format_find(f->ctx, "xml"), xml,
                             strlen(xml), "a.xml", &doc, &e),
                     AC_ERR_STRICT);
    assert_null(doc);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 0);
    assert_non_null(strstr(e.text, "XML comment is dropped"));
    assert_int_equal(f->warnings.count, 0);
}

/* ac_read_file goes through ac_read: the same failure. */
static void test_read_file(void **state)
{
    fixture *f = *state;
    char dir[] = "/tmp/agentconv-strict-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/a.md", dir);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(md_comment, 1, strlen(md_comment), fp),
                     strlen(md_comment));
    assert_int_equal(fclose(fp), 0);

    ac_context_set_strict(f->ctx, true);
    ac_doc *doc = NULL;
    ac_error e;
    assert_int_equal(ac_read_file(f->ctx, NULL, path, &doc, &e), AC_ERR_STRICT);
    assert_null(doc);
    assert_string_equal(e.source, path);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 1);
    assert_int_equal(f->warnings.count, 0);

    ac_context_set_strict(f->ctx, false);
    assert_int_equal(ac_read_file(f->ctx, NULL, path, &doc, &e), AC_OK);
    ac_doc_free(doc);
    assert_int_equal(f->warnings.count, 1);
    unlink(path);
    rmdir(dir);
}

/* A writer's warning fails ac_write and leaves no output. */
static void test_write(void **state)
{
    fixture *f = *state;
    ac_error e;
    ac_doc *doc = NULL;
    assert_int_equal(ac_read(f->ctx, f->toy, "f", 1, "toy.in", &doc, &e),
                     AC_OK);
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(ac_write(f->ctx, f->toy, doc, &out, &len, &e), AC_OK);
    assert_string_equal(out, "toy\n");
    free(out);
    assert_int_equal(f->warnings.count, 1);

    ac_context_set_strict(f->ctx, true);
    out = (char *)(uintptr_t)1;
    assert_int_equal(ac_write(f->ctx, f->toy, doc, &out, &len, &e),
                     AC_ERR_STRICT);
    assert_null(out);
    assert_int_equal(e.status, AC_ERR_STRICT);
    assert_string_equal(e.source, "writer");
    assert_int_equal(e.line, 7);
    assert_int_equal(e.column, 0);
    assert_string_equal(e.text, "written");
    assert_int_equal(f->warnings.count, 1);
    ac_doc_free(doc);
}

/* A warning outside any read or write has nothing to fail: it goes to the
 * handler, strict or not. */
static void test_warning_outside_a_call(void **state)
{
    fixture *f = *state;
    ac_context_set_strict(f->ctx, true);
    ac_context_warn(f->ctx, "prog", 3, 4, "by %s", "hand");
    assert_int_equal(f->warnings.count, 1);
    assert_int_equal(f->warnings.first.status, AC_OK);
    assert_string_equal(f->warnings.first.text, "by hand");
    /* ... and is not kept for the next read. */
    ac_error e;
    assert_int_equal(toy(f, "", &e), AC_OK);
}

/* A format that reads through another: each read keeps its own warning. */
static void test_nested(void **state)
{
    fixture *f = *state;
    ac_context_set_strict(f->ctx, true);
    ac_error e;
    /* The inner read fails with its warning; the outer passes it on. */
    assert_int_equal(toy(f, "n", &e), AC_ERR_STRICT);
    assert_string_equal(e.source, "inner.md");
    assert_int_equal(e.line, 2);
    /* The outer warning survives a clean inner read... */
    assert_int_equal(toy(f, "wc", &e), AC_ERR_STRICT);
    assert_string_equal(e.source, "toy.in");
    assert_string_equal(e.text, "first");
    /* ... and one after it is not lost either. */
    assert_int_equal(toy(f, "cw", &e), AC_ERR_STRICT);
    assert_string_equal(e.text, "first");
    assert_int_equal(toy(f, "c", &e), AC_OK);
    assert_int_equal(f->warnings.count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_option),
        T(test_not_strict),
        T(test_first_warning_fails),
        T(test_own_error_wins),
        T(test_md_comment),
        T(test_xml_comment),
        T(test_read_file),
        T(test_write),
        T(test_warning_outside_a_call),
        T(test_nested),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
