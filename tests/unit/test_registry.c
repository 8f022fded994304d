/*
 * Unit tests of contexts: the format registry (built-in and custom formats,
 * lookup by name, path and content), ac_read/ac_write through custom
 * formats, limits, warnings and ac_read_file.
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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* ---- a toy read-only format: "key=value" lines ---- */

static int kv_sniff(const char *data, size_t len)
{
    /* Mine when the first line is "word=...". */
    size_t i = 0;
    while (i < len && ((data[i] >= 'a' && data[i] <= 'z') ||
                       (data[i] >= 'A' && data[i] <= 'Z') || data[i] == '_'))
        i++;
    return i > 0 && i < len && data[i] == '=' ? 70 : 0;
}

static ac_status kv_read(ac_context *ctx, const ac_format *format,
                         const char *data, size_t len, const char *source,
                         ac_doc **out, ac_error *error)
{
    (void)ctx;
    (void)format;
    ac_doc *doc = ac_doc_new();
    if (!doc)
        return AC_ERR_NOMEM;
    /* The reader hands out its document early, so that the failure paths
     * below check that ac_read releases it. */
    *out = doc;
    const char *p = data, *end = data + len;
    int line = 1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if (eol - p == 1 && *p == '!')
            return AC_ERR_SYNTAX; /* no message: ac_read supplies one */
        if (eol > p) {
            const char *eq = memchr(p, '=', (size_t)(eol - p));
            if (!eq) {
                error->status = AC_ERR_SYNTAX;
                error->line = line;
                error->column = 1;
                error->position = p - data;
                snprintf(error->source, sizeof error->source, "%s", source);
                snprintf(error->text, sizeof error->text, "expected key=value");
                return AC_ERR_SYNTAX;
            }
            if (eq - p == 12 && memcmp(p, "instructions", 12) == 0) {
                ac_status st = ac_doc_set_instructions(doc, eq + 1,
                                                       (size_t)(eol - eq - 1));
                if (st != AC_OK)
                    return st;
                ac_doc_set_instructions_line(doc, line);
            } else {
                ac_value *v =
                    ac_value_new_string(eq + 1, (size_t)(eol - eq - 1));
                if (!v)
                    return AC_ERR_NOMEM;
                ac_value_set_position(v, line, (int)(eq - p) + 2);
                ac_status st =
                    ac_map_set(ac_doc_fields(doc), p, (size_t)(eq - p), v);
                if (st != AC_OK)
                    return st;
            }
        }
        p = nl ? nl + 1 : end;
        line++;
    }
    return AC_OK;
}

static const char *const kv_aliases[] = {"keyvalue", "KVP", NULL};
static const char *const kv_extensions[] = {".kv", NULL};

static const ac_format kv_format = {
    .abi = AC_FORMAT_ABI,
    .name = "kv",
    .description = "key=value lines (test only)",
    .aliases = kv_aliases,
    .extensions = kv_extensions,
    .sniff = kv_sniff,
    .read = kv_read,
    .write = NULL,
    .user = NULL,
};

/* ---- a toy write-only format: a summary line ---- */

static int count_sniff(const char *data, size_t len)
{
    (void)data;
    (void)len;
    return 100; /* never used: the format cannot read */
}

static ac_status count_write(ac_context *ctx, const ac_format *format,
                             const ac_doc *doc, ac_buf *out, ac_error *error)
{
    (void)ctx;
    (void)error;
    char line[128];
    size_t ilen = 0;
    ac_doc_instructions(doc, &ilen);
    snprintf(line, sizeof line, "%s fields=%zu instructions=%zu\n",
             (const char *)format->user, ac_value_size(ac_doc_fields(doc)),
             ilen);
    ac_status st = ac_buf_puts(out, line);
    if (st == AC_OK && ac_buf_length(out) != strlen(line))
        return AC_ERR_ARGUMENT; /* the buffer starts empty */
    return st;
}

static const char *const count_extensions[] = {".count", ".x.md", NULL};

static const ac_format count_format = {
    .abi = AC_FORMAT_ABI,
    .name = "count",
    .description = "a summary (test only)",
    .aliases = NULL,
    .extensions = count_extensions,
    .sniff = count_sniff,
    .read = NULL,
    .write = count_write,
    .user = (void *)(uintptr_t) "summary:",
};

/* ---- fixtures ---- */

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

static void add(ac_context *ctx, const ac_format *f)
{
    ac_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(ac_context_add_format(ctx, f, &e), AC_OK);
}

/* ---- built-in formats ---- */

/* The built-in formats come first in every new context: md, json, yaml,
 * xml, html. */
#define BUILTIN 5

static void test_builtin_formats(void **state)
{
    ac_context *ctx = *state;
    assert_int_equal(ac_format_count(ctx), BUILTIN);
    const ac_format *md = ac_format_at(ctx, 0);
    const ac_format *json = ac_format_at(ctx, 1);
    const ac_format *yaml = ac_format_at(ctx, 2);
    const ac_format *xml = ac_format_at(ctx, 3);
    const ac_format *html = ac_format_at(ctx, 4);
    assert_non_null(md);
    assert_non_null(json);
    assert_non_null(yaml);
    assert_non_null(xml);
    assert_non_null(html);
    assert_null(ac_format_at(ctx, BUILTIN));
    assert_string_equal(md->name, "md");
    assert_string_equal(json->name, "json");
    assert_string_equal(yaml->name, "yaml");
    assert_string_equal(xml->name, "xml");
    assert_string_equal(html->name, "html");
    assert_int_equal(md->abi, AC_FORMAT_ABI);
    assert_int_equal(json->abi, AC_FORMAT_ABI);
    assert_int_equal(yaml->abi, AC_FORMAT_ABI);
    assert_int_equal(xml->abi, AC_FORMAT_ABI);
    assert_int_equal(html->abi, AC_FORMAT_ABI);
    /* html is write-only: no reader, never sniffed. */
    assert_null(html->read);
    assert_null(html->sniff);
    assert_non_null(html->write);
    assert_non_null(md->read);
    assert_non_null(md->write);
    assert_non_null(md->sniff);
    assert_non_null(md->description);
    assert_non_null(json->write);
    assert_non_null(json->sniff);
    assert_non_null(yaml->read);
    assert_non_null(yaml->write);
    assert_non_null(yaml->sniff);
    assert_string_equal(yaml->description,
                        "YAML mapping, instructions under the "
                        "\"instructions\" key");
    assert_ptr_equal(md, &acp_format_md);
    assert_ptr_equal(json, &acp_format_json);
    assert_ptr_equal(yaml, &acp_format_yaml);
    assert_ptr_equal(xml, &acp_format_xml);
    assert_ptr_equal(html, &acp_format_html);
    assert_int_equal(acp_builtin_format_count, BUILTIN);
    assert_ptr_equal(acp_builtin_formats[0], md);
    assert_ptr_equal(acp_builtin_formats[1], json);
    assert_ptr_equal(acp_builtin_formats[2], yaml);
    assert_ptr_equal(acp_builtin_formats[3], xml);
    assert_ptr_equal(acp_builtin_formats[4], html);
    assert_int_equal(ac_format_count(NULL), 0);
    assert_null(ac_format_at(NULL, 0));
}

static void test_format_find(void **state)
{
    ac_context *ctx = *state;
    const ac_format *md = &acp_format_md, *json = &acp_format_json;
    assert_ptr_equal(ac_format_find(ctx, "md"), md);
    assert_ptr_equal(ac_format_find(ctx, "MD"), md);
    assert_ptr_equal(ac_format_find(ctx, "Md"), md);
    assert_ptr_equal(ac_format_find(ctx, "markdown"), md);
    assert_ptr_equal(ac_format_find(ctx, "MarkDown"), md);
    assert_ptr_equal(ac_format_find(ctx, "MARKDOWN"), md);
    assert_ptr_equal(ac_format_find(ctx, "json"), json);
    assert_ptr_equal(ac_format_find(ctx, "JSON"), json);
    assert_ptr_equal(ac_format_find(ctx, "yaml"), &acp_format_yaml);
    assert_ptr_equal(ac_format_find(ctx, "YAML"), &acp_format_yaml);
    assert_ptr_equal(ac_format_find(ctx, "yml"), &acp_format_yaml);
    assert_ptr_equal(ac_format_find(ctx, "Yml"), &acp_format_yaml);
    assert_null(ac_format_find(ctx, "toml"));
    assert_null(ac_format_find(ctx, "yam"));
    assert_null(ac_format_find(ctx, "mdx"));
    assert_null(ac_format_find(ctx, "m"));
    assert_null(ac_format_find(ctx, ""));
    assert_null(ac_format_find(ctx, "markdow"));
    assert_null(ac_format_find(ctx, ".md"));
    assert_null(ac_format_find(ctx, NULL));
    assert_null(ac_format_find(NULL, "md"));
}

static void test_format_for_path(void **state)
{
    ac_context *ctx = *state;
    const ac_format *md = &acp_format_md, *json = &acp_format_json;
    assert_ptr_equal(ac_format_for_path(ctx, "x.md"), md);
    assert_ptr_equal(ac_format_for_path(ctx, "x.agent.md"), md);
    assert_ptr_equal(ac_format_for_path(ctx, "dir/x.chatmode.md"), md);
    assert_ptr_equal(ac_format_for_path(ctx, "/a/b/c.markdown"), md);
    assert_ptr_equal(ac_format_for_path(ctx, "X.MD"), md);
    assert_ptr_equal(ac_format_for_path(ctx, "dir/Y.Agent.MD"), md);
    assert_ptr_equal(ac_format_for_path(ctx, "x.json"), json);
    assert_ptr_equal(ac_format_for_path(ctx, "dir.md/x.json"), json);
    assert_ptr_equal(ac_format_for_path(ctx, "X.JSON"), json);
    assert_ptr_equal(ac_format_for_path(ctx, "x.yaml"), &acp_format_yaml);
    assert_ptr_equal(ac_format_for_path(ctx, "dir/x.yml"), &acp_format_yaml);
    assert_ptr_equal(ac_format_for_path(ctx, "X.YML"), &acp_format_yaml);
    assert_ptr_equal(ac_format_for_path(ctx, "x.agent.yaml"), &acp_format_yaml);
    assert_null(ac_format_for_path(ctx, ".yaml"));
    /* Only the last component counts. */
    assert_null(ac_format_for_path(ctx, "dir.md/file"));
    assert_null(ac_format_for_path(ctx, "dir.json/"));
    /* An extension alone is not a file name with that extension. */
    assert_null(ac_format_for_path(ctx, ".md"));
    assert_null(ac_format_for_path(ctx, "dir/.md"));
    assert_null(ac_format_for_path(ctx, ".json"));
    assert_null(ac_format_for_path(ctx, "x.md.bak"));
    assert_null(ac_format_for_path(ctx, "xmd"));
    assert_null(ac_format_for_path(ctx, "x.txt"));
    assert_null(ac_format_for_path(ctx, "x"));
    assert_null(ac_format_for_path(ctx, ""));
    assert_null(ac_format_for_path(ctx, NULL));
    assert_null(ac_format_for_path(NULL, "x.md"));

    /* The longest extension wins, also across formats. */
    add(ctx, &count_format);
    assert_ptr_equal(ac_format_for_path(ctx, "a.x.md"), &count_format);
    assert_ptr_equal(ac_format_for_path(ctx, "a.X.MD"), &count_format);
    assert_ptr_equal(ac_format_for_path(ctx, "a.y.md"), md);
    assert_ptr_equal(ac_format_for_path(ctx, "a.count"), &count_format);
    /* ".x.md" is the whole name: the shorter ".md" still applies. */
    assert_ptr_equal(ac_format_for_path(ctx, ".x.md"), md);
}

static void test_format_sniff(void **state)
{
    ac_context *ctx = *state;
    const ac_format *md = &acp_format_md, *json = &acp_format_json;
    const ac_format *yaml = &acp_format_yaml;
#define SNIFF(s) ac_format_sniff(ctx, s, sizeof s - 1)
    assert_ptr_equal(SNIFF("---\nname: x\n---\nbody\n"), md);
    assert_ptr_equal(SNIFF("---\r\nname: x\r\n---\r\n"), md);
    assert_ptr_equal(SNIFF("--- \t\nname: x\n---\n"), md);
    assert_ptr_equal(SNIFF("\xef\xbb\xbf---\nname: x\n---\n"), md);
    /* An opening line that nothing closes: a YAML document. */
    assert_ptr_equal(SNIFF("---"), yaml);
    assert_ptr_equal(SNIFF("---\nname: x\n"), yaml);
    assert_ptr_equal(SNIFF("\xef\xbb\xbf---\r\nname: x\r\n"), yaml);
    assert_ptr_equal(SNIFF("---\n...\n"), md);
    assert_ptr_equal(SNIFF("---\n---"), md);
    /* A first "key:" line at column 1, after blank and comment lines. */
    assert_ptr_equal(SNIFF("name: x\n"), yaml);
    assert_ptr_equal(SNIFF("name:\n  x\n"), yaml);
    assert_ptr_equal(SNIFF("# a comment\n\n  # another\nname: x\n"), yaml);
    assert_ptr_equal(SNIFF("\"a b\": 1\n"), yaml);
    assert_ptr_equal(SNIFF("'a b':\n"), yaml);
    assert_ptr_equal(SNIFF("tools: [Read, Grep]"), yaml);
    assert_ptr_equal(SNIFF("\xef\xbb\xbfname: x"), yaml);
    assert_ptr_equal(SNIFF("  name: x\n"), md);
    /* "- key: value" first: a YAML sequence of agents (a collection). */
    assert_ptr_equal(SNIFF("- name: x\n"), yaml);
    assert_ptr_equal(SNIFF("# agents\n-   'a b': 1\n"), yaml);
    assert_ptr_equal(SNIFF("- x\n"), md);
    assert_ptr_equal(SNIFF("-name: x\n"), md);
    assert_ptr_equal(SNIFF("http://example.com\n"), md);
    assert_ptr_equal(SNIFF("a # b: c\n"), md);
    assert_ptr_equal(SNIFF("\"a: b\"\n"), md);
    assert_ptr_equal(SNIFF("{\"name\": \"x\"}"), json);
    assert_ptr_equal(SNIFF("  \n\t{}"), json);
    assert_ptr_equal(SNIFF("\xef\xbb\xbf{}"), json);
    assert_ptr_equal(SNIFF("\xef\xbb\xbf \r\n {\n}\n"), json);
    /* Text nobody claims goes to md, whose reader says what is missing. */
    assert_ptr_equal(SNIFF("# Title\n\nJust markdown.\n"), md);
    assert_ptr_equal(SNIFF(""), md);
    /* A JSON array (a collection) is claimed less surely than an object. */
    assert_ptr_equal(SNIFF("[1, 2]"), json);
    assert_null(ac_format_sniff(ctx, NULL, 3));
    assert_null(ac_format_sniff(NULL, "{}", 2));
#undef SNIFF
}

/* ac_format_sniff accepts NULL data of length 0; the sniffers must not do
 * pointer arithmetic on it (clang's UBSan: "applying zero offset to null
 * pointer" in md_sniff). */
static void test_format_sniff_null_empty(void **state)
{
    ac_context *ctx = *state;
    assert_ptr_equal(ac_format_sniff(ctx, NULL, 0), &acp_format_md);
}

/* ---- custom formats ---- */

static void test_custom_read_only(void **state)
{
    ac_context *ctx = *state;
    add(ctx, &kv_format);
    assert_int_equal(ac_format_count(ctx), BUILTIN + 1);
    assert_ptr_equal(ac_format_at(ctx, BUILTIN), &kv_format);
    assert_ptr_equal(ac_format_find(ctx, "kv"), &kv_format);
    assert_ptr_equal(ac_format_find(ctx, "KeyValue"), &kv_format);
    assert_ptr_equal(ac_format_find(ctx, "kvp"), &kv_format);
    assert_ptr_equal(ac_format_for_path(ctx, "a/b.KV"), &kv_format);

    const char text[] = "name=agent\nmodel=opus\n\ninstructions=Be brief.";
    ac_doc *doc = NULL;
    ac_error e;
    assert_int_equal(
        ac_read(ctx, &kv_format, text, sizeof text - 1, "t.kv", &doc, &e),
        AC_OK);
    ac_value *f = ac_doc_fields(doc);
    assert_int_equal(ac_value_size(f), 2);
    assert_string_equal(ac_map_key(f, 0, NULL), "name");
    assert_string_equal(ac_value_string(ac_map_value(f, 0), NULL), "agent");
    assert_string_equal(ac_value_string(ac_map_get(f, "model"), NULL), "opus");
    assert_int_equal(ac_value_line(ac_map_get(f, "model")), 2);
    assert_int_equal(ac_value_column(ac_map_get(f, "model")), 7);
    assert_string_equal(ac_doc_instructions(doc, NULL), "Be brief.");
    assert_int_equal(ac_doc_instructions_line(doc), 4);

    /* The md writer takes what kv read. */
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(ac_write(ctx, &acp_format_md, doc, &out, &len, &e), AC_OK);
    assert_string_equal(out, "---\nname: agent\nmodel: opus\n---\n\nBe brief.");
    assert_int_equal(len, strlen(out));
    free(out);

    /* kv cannot write. */
    out = (char *)(uintptr_t)1;
    assert_int_equal(ac_write(ctx, &kv_format, doc, &out, &len, &e),
                     AC_ERR_UNSUPPORTED);
    assert_null(out);
    assert_int_equal(e.status, AC_ERR_UNSUPPORTED);
    assert_string_equal(e.text, "format 'kv' cannot be written");
    ac_doc_free(doc);

    /* Sniffing picks kv for its content, md and json for theirs. */
    doc = NULL;
    assert_int_equal(ac_read(ctx, NULL, "tools=Read\n", 11, NULL, &doc, &e),
                     AC_OK);
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(doc), "tools"), NULL), "Read");
    ac_doc_free(doc);
    assert_ptr_equal(ac_format_sniff(ctx, "a=b", 3), &kv_format);
    assert_ptr_equal(ac_format_sniff(ctx, "---\na=b\n---\n", 12),
                     &acp_format_md);
    assert_ptr_equal(ac_format_sniff(ctx, "{\"a=b\": 1}", 10),
                     &acp_format_json);
    assert_ptr_equal(ac_format_sniff(ctx, "plain text", 10), &acp_format_md);
}

static void test_sniff_tie(void **state)
{
    /* Equal scores: the format added first wins. */
    ac_context *ctx = *state;
    ac_format twin = kv_format;
    twin.name = "kv-twin";
    twin.aliases = NULL;
    twin.extensions = NULL;
    add(ctx, &kv_format);
    add(ctx, &twin);
    assert_ptr_equal(ac_format_sniff(ctx, "a=b", 3), &kv_format);
    ac_context *other = ac_context_new();
    assert_non_null(other);
    add(other, &twin);
    add(other, &kv_format);
    const ac_format *got = ac_format_sniff(other, "a=b", 3);
    ac_context_free(other);
    assert_ptr_equal(got, &twin);
}

static void test_custom_read_errors(void **state)
{
    ac_context *ctx = *state;
    add(ctx, &kv_format);
    ac_doc *doc = (ac_doc *)(uintptr_t)1;
    ac_error e;

    /* The reader's own error, with its position; its document is freed. */
    const char bad[] = "a=1\nb=2\noops\n";
    assert_int_equal(
        ac_read(ctx, &kv_format, bad, sizeof bad - 1, "bad.kv", &doc, &e),
        AC_ERR_SYNTAX);
    assert_null(doc);
    assert_int_equal(e.status, AC_ERR_SYNTAX);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 1);
    assert_int_equal(e.position, 8);
    assert_string_equal(e.source, "bad.kv");
    assert_string_equal(e.text, "expected key=value");
    char msg[512];
    ac_error_format(&e, "error", msg, sizeof msg);
    assert_string_equal(msg, "bad.kv:3:1: error: expected key=value");

    /* A reader that fails without a message gets the status's text. */
    doc = (ac_doc *)(uintptr_t)1;
    assert_int_equal(ac_read(ctx, &kv_format, "a=1\n!\n", 6, NULL, &doc, &e),
                     AC_ERR_SYNTAX);
    assert_null(doc);
    assert_int_equal(e.status, AC_ERR_SYNTAX);
    assert_string_equal(e.source, "<input>");
    assert_string_equal(e.text, "syntax error");
    assert_int_equal(e.line, 0);

    /* A NULL error is accepted. */
    assert_int_equal(ac_read(ctx, &kv_format, "oops", 4, "x.kv", &doc, NULL),
                     AC_ERR_SYNTAX);
    assert_null(doc);
}

static void test_custom_write_only(void **state)
{
    ac_context *ctx = *state;
    add(ctx, &count_format);
    assert_ptr_equal(ac_format_find(ctx, "COUNT"), &count_format);

    ac_doc *doc = ac_doc_new();
    assert_int_equal(
        ac_map_set(ac_doc_fields(doc), "a", 1, ac_value_new_integer(1)), AC_OK);
    assert_int_equal(
        ac_map_set(ac_doc_fields(doc), "b", 1, ac_value_new_null()), AC_OK);
    assert_int_equal(ac_doc_set_instructions(doc, "abc\n", 4), AC_OK);
    char *out = NULL;
    size_t len = 0;
    ac_error e;
    assert_int_equal(ac_write(ctx, &count_format, doc, &out, &len, &e), AC_OK);
    assert_string_equal(out, "summary: fields=2 instructions=4\n");
    assert_int_equal(len, 33);
    free(out);
    /* out_len may be NULL. */
    assert_int_equal(ac_write(ctx, &count_format, doc, &out, NULL, NULL),
                     AC_OK);
    assert_string_equal(out, "summary: fields=2 instructions=4\n");
    free(out);
    ac_doc_free(doc);

    /* It cannot read, and sniffing never picks it despite its score. */
    doc = (ac_doc *)(uintptr_t)1;
    assert_int_equal(ac_read(ctx, &count_format, "x", 1, "in", &doc, &e),
                     AC_ERR_UNSUPPORTED);
    assert_null(doc);
    assert_int_equal(e.status, AC_ERR_UNSUPPORTED);
    assert_string_equal(e.text, "format 'count' cannot be read");
    assert_string_equal(e.source, "in");
    assert_ptr_equal(ac_format_sniff(ctx, "x", 1), &acp_format_md);
    assert_ptr_equal(ac_format_sniff(ctx, "{}", 2), &acp_format_json);
}

static void expect_add_error(ac_context *ctx, const ac_format *f,
                             const char *text)
{
    ac_error e;
    memset(&e, 0, sizeof e);
    size_t before = ac_format_count(ctx);
    assert_int_equal(ac_context_add_format(ctx, f, &e), AC_ERR_ARGUMENT);
    assert_int_equal(e.status, AC_ERR_ARGUMENT);
    assert_string_equal(e.text, text);
    assert_int_equal(ac_format_count(ctx), before);
    /* A NULL error is accepted. */
    assert_int_equal(ac_context_add_format(ctx, f, NULL), AC_ERR_ARGUMENT);
}

static void test_add_format_errors(void **state)
{
    ac_context *ctx = *state;
    ac_format f = kv_format;

    /* Version 1 descriptors lack read_many, write_many and user. */
    f.abi = 1;
    expect_add_error(ctx, &f,
                     "format descriptor has ABI version 1, this library "
                     "needs 2");
    f.abi = 3;
    expect_add_error(ctx, &f,
                     "format descriptor has ABI version 3, this library "
                     "needs 2");
    f.abi = 0;
    expect_add_error(ctx, &f,
                     "format descriptor has ABI version 0, this library "
                     "needs 2");
    f = kv_format;
    f.name = NULL;
    expect_add_error(ctx, &f,
                     "format descriptor needs a name and a reader or a "
                     "writer");
    f.name = "";
    expect_add_error(ctx, &f,
                     "format descriptor needs a name and a reader or a "
                     "writer");
    f = kv_format;
    f.read = NULL;
    f.write = NULL;
    expect_add_error(ctx, &f,
                     "format descriptor needs a name and a reader or a "
                     "writer");
    expect_add_error(ctx, NULL, "no context or no format descriptor");

    /* Names and aliases taken, case-insensitively. */
    f = kv_format;
    f.name = "json";
    expect_add_error(ctx, &f, "format name 'json' is already taken");
    f.name = "MD";
    expect_add_error(ctx, &f, "format name 'MD' is already taken");
    f.name = "markdown";
    expect_add_error(ctx, &f, "format name 'markdown' is already taken");
    static const char *const alias_md[] = {"fine", "md", NULL};
    static const char *const alias_markdown[] = {"Markdown", NULL};
    static const char *const alias_self[] = {"KV2", NULL};
    f = kv_format;
    f.aliases = alias_md;
    expect_add_error(ctx, &f, "format alias 'md' is already taken");
    f.aliases = alias_markdown;
    expect_add_error(ctx, &f, "format alias 'Markdown' is already taken");
    f.name = "kv2";
    f.aliases = alias_self;
    expect_add_error(ctx, &f, "format alias 'KV2' is already taken");
    assert_null(ac_format_find(ctx, "fine"));

    /* The same descriptor twice; then a custom name clashes too. */
    add(ctx, &kv_format);
    expect_add_error(ctx, &kv_format, "format name 'kv' is already taken");
    f = count_format;
    f.name = "keyvalue";
    expect_add_error(ctx, &f, "format name 'keyvalue' is already taken");
    static const char *const alias_kv[] = {"Kv", NULL};
    f = count_format;
    f.aliases = alias_kv;
    expect_add_error(ctx, &f, "format alias 'Kv' is already taken");
    assert_int_equal(ac_format_count(ctx), BUILTIN + 1);

    /* A NULL context. */
    ac_error e;
    assert_int_equal(ac_context_add_format(NULL, &count_format, &e),
                     AC_ERR_ARGUMENT);
    assert_string_equal(e.text, "no context or no format descriptor");
}

static void test_many_formats(void **state)
{
    /* The registry grows past its first allocation. */
    ac_context *ctx = *state;
    static char names[20][8];
    static ac_format formats[20];
    for (int i = 0; i < 20; i++) {
        snprintf(names[i], sizeof names[i], "fmt%d", i);
        formats[i] = count_format;
        formats[i].name = names[i];
        formats[i].extensions = NULL;
        add(ctx, &formats[i]);
    }
    assert_int_equal(ac_format_count(ctx), BUILTIN + 20);
    for (int i = 0; i < 20; i++) {
        assert_ptr_equal(ac_format_at(ctx, (size_t)i + BUILTIN), &formats[i]);
        assert_ptr_equal(ac_format_find(ctx, names[i]), &formats[i]);
    }
    assert_ptr_equal(ac_format_find(ctx, "md"), &acp_format_md);
}

/* ---- limits ---- */

static void test_limits(void **state)
{
    ac_context *ctx = *state;
    static const struct {
        ac_limit limit;
        const char *name;
        uint64_t value;
    } table[] = {
        {AC_LIMIT_INPUT_SIZE, "input-size", 16u * 1024 * 1024},
        {AC_LIMIT_DEPTH, "depth", 100},
        {AC_LIMIT_ALIAS_NODES, "alias-nodes", 10000},
        {AC_LIMIT_STRING_LENGTH, "string-length", 8u * 1024 * 1024},
        {AC_LIMIT_KEYS, "keys", 10000},
        {AC_LIMIT_KEY_LENGTH, "key-length", 1024},
    };
    assert_int_equal(sizeof table / sizeof table[0], AC_LIMIT_COUNT_);
    for (size_t i = 0; i < AC_LIMIT_COUNT_; i++) {
        ac_limit l = table[i].limit;
        assert_int_equal(ac_limit_default(l), table[i].value);
        assert_int_equal(ac_context_limit(ctx, l), ac_limit_default(l));
        assert_string_equal(ac_limit_name(l), table[i].name);
    }
    assert_int_equal(ac_limit_default(AC_LIMIT_COUNT_), 0);
    assert_int_equal(ac_context_limit(ctx, AC_LIMIT_COUNT_), 0);
    assert_int_equal(ac_context_limit(ctx, (ac_limit)-1), 0);
    assert_string_equal(ac_limit_name(AC_LIMIT_COUNT_), "unknown");
    assert_string_equal(ac_limit_name((ac_limit)-1), "unknown");
    assert_int_equal(ac_context_limit(NULL, AC_LIMIT_DEPTH), 0);

    /* Set and get; 0 and unknown limits are rejected and change nothing. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 7), AC_OK);
    assert_int_equal(ac_context_limit(ctx, AC_LIMIT_DEPTH), 7);
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 0),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ac_context_limit(ctx, AC_LIMIT_DEPTH), 7);
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_KEYS, UINT64_MAX),
                     AC_OK);
    assert_true(ac_context_limit(ctx, AC_LIMIT_KEYS) == UINT64_MAX);
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_COUNT_, 5),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ac_context_set_limit(ctx, (ac_limit)-1, 5),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ac_context_set_limit(NULL, AC_LIMIT_DEPTH, 5),
                     AC_ERR_ARGUMENT);
    /* The default does not move, and other contexts keep theirs. */
    assert_int_equal(ac_limit_default(AC_LIMIT_DEPTH), 100);
    ac_context *other = ac_context_new();
    assert_int_equal(ac_context_limit(other, AC_LIMIT_DEPTH), 100);
    ac_context_free(other);
}

/* ---- warnings ---- */

typedef struct warnings {
    int calls;
    ac_error last;
} warnings;

static void on_warning(void *user, const ac_error *w)
{
    warnings *ws = user;
    ws->calls++;
    ws->last = *w;
}

static void test_warnings(void **state)
{
    ac_context *ctx = *state;
    warnings ws;
    memset(&ws, 0, sizeof ws);
    /* No handler: dropped. */
    ac_context_warn(ctx, "a.md", 1, 1, "dropped");
    ac_context_warn(NULL, "a.md", 1, 1, "dropped");

    ac_context_set_warning_handler(ctx, on_warning, &ws);
    ac_context_warn(ctx, "dir/a.md", 3, 14, "comment '%s' dropped (%d)", "# x",
                    2);
    assert_int_equal(ws.calls, 1);
    assert_int_equal(ws.last.status, AC_OK);
    assert_string_equal(ws.last.source, "dir/a.md");
    assert_int_equal(ws.last.line, 3);
    assert_int_equal(ws.last.column, 14);
    assert_int_equal(ws.last.position, -1);
    assert_string_equal(ws.last.text, "comment '# x' dropped (2)");
    char msg[512];
    ac_error_format(&ws.last, "warning", msg, sizeof msg);
    assert_string_equal(msg, "dir/a.md:3:14: warning: comment '# x' dropped "
                             "(2)");

    /* No line: no column. No source: "<input>". */
    ac_context_warn(ctx, NULL, 0, 9, "plain");
    assert_int_equal(ws.calls, 2);
    assert_string_equal(ws.last.source, "<input>");
    assert_int_equal(ws.last.line, 0);
    assert_int_equal(ws.last.column, 0);
    assert_string_equal(ws.last.text, "plain");

    /* Long messages are cut to the buffer. */
    char longtext[600];
    memset(longtext, 'w', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    ac_context_warn(ctx, "x", 1, 0, "%s", longtext);
    assert_int_equal(ws.calls, 3);
    assert_int_equal(strlen(ws.last.text), AC_ERROR_TEXT_LENGTH - 1);

    /* Removing the handler. */
    ac_context_set_warning_handler(ctx, NULL, NULL);
    ac_context_warn(ctx, "x", 1, 1, "dropped");
    assert_int_equal(ws.calls, 3);
    ac_context_set_warning_handler(NULL, on_warning, &ws);
}

/* ---- reading: arguments, limits, files ---- */

static void test_read_arguments(void **state)
{
    ac_context *ctx = *state;
    ac_doc *doc = NULL;
    ac_error e;
    assert_int_equal(ac_read(NULL, NULL, "x", 1, "s", &doc, &e),
                     AC_ERR_ARGUMENT);
    assert_string_equal(e.source, "s");
    assert_string_equal(e.text, "invalid argument");
    assert_int_equal(ac_read(ctx, NULL, "x", 1, NULL, NULL, &e),
                     AC_ERR_ARGUMENT);
    assert_string_equal(e.source, "<input>");
    assert_int_equal(ac_read(ctx, NULL, NULL, 3, NULL, &doc, &e),
                     AC_ERR_ARGUMENT);
    /* NULL data of length 0 is empty input: md says what is missing. */
    doc = (ac_doc *)(uintptr_t)1;
    assert_int_equal(ac_read(ctx, NULL, NULL, 0, "e.md", &doc, &e),
                     AC_ERR_NOT_AGENT);
    assert_null(doc);
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, 1);
    assert_string_equal(e.text, "no front matter: the file must start with a "
                                "line '---'");

    ac_doc *d = ac_doc_new();
    char *out = NULL;
    assert_int_equal(ac_write(NULL, &acp_format_md, d, &out, NULL, &e),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ac_write(ctx, NULL, d, &out, NULL, &e), AC_ERR_ARGUMENT);
    assert_int_equal(ac_write(ctx, &acp_format_md, NULL, &out, NULL, &e),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ac_write(ctx, &acp_format_md, d, NULL, NULL, &e),
                     AC_ERR_ARGUMENT);
    assert_string_equal(e.text, "invalid argument");
    ac_doc_free(d);
}

static void test_input_size_limit(void **state)
{
    ac_context *ctx = *state;
    const char text[] = "---\nname: x\n---\n"; /* 16 bytes */
    assert_int_equal(sizeof text - 1, 16);
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_INPUT_SIZE, 16), AC_OK);
    ac_doc *doc = NULL;
    ac_error e;
    assert_int_equal(ac_read(ctx, NULL, text, 16, "ok.md", &doc, &e), AC_OK);
    ac_doc_free(doc);
    doc = (ac_doc *)(uintptr_t)1;
    const char more[] = "---\nname: xy\n---\n";
    assert_int_equal(ac_read(ctx, NULL, more, 17, "big.md", &doc, &e),
                     AC_ERR_LIMIT);
    assert_null(doc);
    assert_int_equal(e.status, AC_ERR_LIMIT);
    assert_string_equal(e.source, "big.md");
    assert_int_equal(e.line, 0);
    assert_string_equal(e.text, "input of 17 bytes exceeds the input-size "
                                "limit (16 bytes)");
    /* The limit comes before the format: a write-only format too says
     * "limit". */
    assert_int_equal(ac_read(ctx, &count_format, more, 17, NULL, &doc, &e),
                     AC_ERR_LIMIT);
}

/* A fresh directory for files of one test. */
typedef struct tmpdir {
    char path[64];
    char files[8][128];
    int count;
} tmpdir;

static void tmp_make(tmpdir *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->path, sizeof t->path, "/tmp/agentconv-test-XXXXXX");
    assert_non_null(mkdtemp(t->path));
}

static const char *tmp_file(tmpdir *t, const char *name, const char *data,
                            size_t len)
{
    assert_true(t->count < 8);
    char *path = t->files[t->count++];
    char buf[128]; /* not straight into *t: gcc sees an overlap */
    snprintf(buf, sizeof buf, "%s/%s", t->path, name);
    memcpy(path, buf, sizeof buf);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
    return path;
}

static void tmp_remove(tmpdir *t)
{
    for (int i = 0; i < t->count; i++)
        remove(t->files[i]);
    rmdir(t->path);
}

static void test_read_file(void **state)
{
    ac_context *ctx = *state;
    add(ctx, &kv_format);
    tmpdir t;
    tmp_make(&t);
    const char md[] = "---\nname: from-file\n---\n\nBody.\n";
    const char kv[] = "name=kv-file\n";
    const char *md_path = tmp_file(&t, "a.agent.md", md, sizeof md - 1);
    const char *kv_path = tmp_file(&t, "b.kv", kv, sizeof kv - 1);
    const char *txt_path = tmp_file(&t, "c.txt", kv, sizeof kv - 1);
    const char *mdkv_path = tmp_file(&t, "d.md", kv, sizeof kv - 1);

    ac_doc *doc = NULL;
    ac_error e;
    /* By the file name. */
    assert_int_equal(ac_read_file(ctx, NULL, md_path, &doc, &e), AC_OK);
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(doc), "name"), NULL),
        "from-file");
    assert_string_equal(ac_doc_instructions(doc, NULL), "Body.\n");
    assert_int_equal(ac_doc_instructions_line(doc), 5);
    ac_doc_free(doc);
    assert_int_equal(ac_read_file(ctx, NULL, kv_path, &doc, &e), AC_OK);
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(doc), "name"), NULL),
        "kv-file");
    ac_doc_free(doc);
    /* By the content when the name says nothing. */
    assert_int_equal(ac_read_file(ctx, NULL, txt_path, &doc, &e), AC_OK);
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(doc), "name"), NULL),
        "kv-file");
    ac_doc_free(doc);
    /* The name wins over the content; an explicit format over both. */
    assert_int_equal(ac_read_file(ctx, NULL, mdkv_path, &doc, &e),
                     AC_ERR_NOT_AGENT);
    assert_null(doc);
    assert_string_equal(e.source, mdkv_path);
    assert_int_equal(ac_read_file(ctx, &kv_format, mdkv_path, &doc, &e), AC_OK);
    ac_doc_free(doc);

    /* A file over the input-size limit. */
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_INPUT_SIZE, 10), AC_OK);
    doc = (ac_doc *)(uintptr_t)1;
    assert_int_equal(ac_read_file(ctx, NULL, md_path, &doc, &e), AC_ERR_LIMIT);
    assert_null(doc);
    assert_string_equal(e.source, md_path);
    /* The file is not read: its size says it is too big, exactly. */
    char want_limit[128];
    snprintf(want_limit, sizeof want_limit,
             "input of %zu bytes exceeds the input-size limit (10 bytes)",
             sizeof md - 1);
    assert_string_equal(e.text, want_limit);
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_INPUT_SIZE, 13), AC_OK);
    assert_int_equal(ac_read_file(ctx, NULL, kv_path, &doc, &e), AC_OK);
    ac_doc_free(doc);

    /* A directory cannot be read. */
    doc = (ac_doc *)(uintptr_t)1;
    assert_int_equal(ac_read_file(ctx, NULL, t.path, &doc, &e), AC_ERR_IO);
    assert_null(doc);
    assert_string_equal(e.source, t.path);
    assert_non_null(strstr(e.text, "cannot "));
    tmp_remove(&t);
}

static void test_read_file_missing(void **state)
{
    ac_context *ctx = *state;
    const char *path = "/nonexistent-agentconv-dir/agent.md";
    ac_doc *doc = (ac_doc *)(uintptr_t)1;
    ac_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(ac_read_file(ctx, NULL, path, &doc, &e), AC_ERR_IO);
    assert_null(doc);
    assert_int_equal(e.status, AC_ERR_IO);
    assert_string_equal(e.source, path);
    assert_int_equal(e.line, 0);
    char want[300];
    snprintf(want, sizeof want, "cannot open: %s", strerror(ENOENT));
    assert_string_equal(e.text, want);
    char msg[600];
    ac_error_format(&e, "error", msg, sizeof msg);
    snprintf(want, sizeof want, "%s: error: cannot open: %s", path,
             strerror(ENOENT));
    assert_string_equal(msg, want);

    assert_int_equal(ac_read_file(ctx, NULL, NULL, &doc, &e), AC_ERR_ARGUMENT);
    assert_int_equal(ac_read_file(NULL, NULL, path, &doc, &e), AC_ERR_ARGUMENT);
    assert_int_equal(ac_read_file(ctx, NULL, path, NULL, &e), AC_ERR_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_builtin_formats),
        T(test_format_find),
        T(test_format_for_path),
        T(test_format_sniff),
        T(test_custom_read_only),
        T(test_sniff_tie),
        T(test_custom_read_errors),
        T(test_custom_write_only),
        T(test_add_format_errors),
        T(test_many_formats),
        T(test_limits),
        T(test_warnings),
        T(test_read_arguments),
        T(test_input_size_limit),
        T(test_read_file),
        T(test_read_file_missing),
        /* Last: under clang's UBSan this one aborts the program. */
        T(test_format_sniff_null_empty),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
