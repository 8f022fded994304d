/*
 * Plugins through the public API (cmocka): the example kv plugin loaded
 * with ac_context_load_plugin and used for a round trip of the reference
 * agent, a plugin linked into the program added with
 * ac_context_add_plugin, and every error a host can meet, with its exact
 * message. Linked with the shared library, as plugins need.
 *
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agentconv/agentconv.h"

#define PLUGIN(name) AGENTCONV_PLUGIN_DIR "/" name ".so"
#define REFERENCE AGENTCONV_EXAMPLES_DIR "/rust-backend-engineer.md"

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *data = malloc(1 << 20);
    assert_non_null(data);
    *len = fread(data, 1, (1 << 20) - 1, fp);
    assert_true(feof(fp));
    fclose(fp);
    data[*len] = '\0';
    return data;
}

static void expect_load_error(ac_context *ctx, const char *path,
                              ac_status status, const char *text)
{
    size_t formats = ac_format_count(ctx);
    size_t plugins = ac_plugin_count(ctx);
    ac_error e;
    memset(&e, 0x55, sizeof e);
    assert_int_equal(ac_context_load_plugin(ctx, path, &e), status);
    assert_int_equal(e.status, status);
    assert_string_equal(e.source, path);
    assert_string_equal(e.text, text);
    assert_int_equal(e.line, 0);
    /* Nothing of the plugin stays. */
    assert_int_equal(ac_format_count(ctx), formats);
    assert_int_equal(ac_plugin_count(ctx), plugins);
    /* A NULL error is accepted. */
    assert_int_equal(ac_context_load_plugin(ctx, path, NULL), status);
}

/* The reference agent: md -> kv -> md gives the same bytes, and kv -> json
 * equals md -> json. */
static void test_kv_round_trip(void **state)
{
    (void)state;
    ac_context *ctx = ac_context_new();
    assert_non_null(ctx);
    assert_null(ac_format_find(ctx, "kv"));
    ac_error e;
    assert_int_equal(ac_context_load_plugin(ctx, PLUGIN("kv"), &e), AC_OK);
    assert_int_equal(ac_plugin_count(ctx), 1);
    const ac_plugin *p = ac_plugin_at(ctx, 0);
    assert_non_null(p);
    assert_int_equal(p->abi, AC_PLUGIN_ABI);
    assert_string_equal(p->name, "kv");
    assert_string_equal(p->version, "1.0.0");
    assert_null(ac_plugin_at(ctx, 1));
    const ac_format *kv = ac_format_find(ctx, "kv");
    assert_non_null(kv);
    assert_ptr_equal(ac_format_for_path(ctx, "x/agent.kv"), kv);

    size_t md_len = 0;
    char *md = slurp(REFERENCE, &md_len);
    char *kv_text = NULL;
    size_t kv_len = 0;
    assert_int_equal(
        ac_convert(ctx, NULL, kv, md, md_len, "ref.md", &kv_text, &kv_len, &e),
        AC_OK);
    assert_int_equal(strncmp(kv_text, "name=rust-backend-engineer\n", 27), 0);
    assert_non_null(strstr(kv_text, "\nmodel=opus\ncolor=cyan\n\nYou are"));
    /* Sniffed back as kv, and written as the same md. */
    assert_ptr_equal(ac_format_sniff(ctx, kv_text, kv_len), kv);
    char *back = NULL;
    size_t back_len = 0;
    assert_int_equal(ac_convert(ctx, NULL, ac_format_find(ctx, "md"), kv_text,
                                kv_len, "ref.kv", &back, &back_len, &e),
                     AC_OK);
    assert_int_equal(back_len, md_len);
    assert_memory_equal(back, md, md_len);
    char *j1 = NULL, *j2 = NULL;
    const ac_format *json = ac_format_find(ctx, "json");
    assert_int_equal(
        ac_convert(ctx, kv, json, kv_text, kv_len, NULL, &j1, NULL, &e), AC_OK);
    assert_int_equal(
        ac_convert(ctx, NULL, json, md, md_len, NULL, &j2, NULL, &e), AC_OK);
    assert_string_equal(j1, j2);
    free(j1);
    free(j2);
    free(back);
    free(kv_text);
    free(md);
    ac_context_free(ctx);
}

/* The kv form itself: lists, escapes, and the errors of its reader and
 * writer come back through ac_read and ac_write unchanged. */
static void test_kv_form(void **state)
{
    (void)state;
    ac_context *ctx = ac_context_new();
    ac_error e;
    assert_int_equal(ac_context_load_plugin(ctx, PLUGIN("kv"), &e), AC_OK);
    const ac_format *kv = ac_format_find(ctx, "kv");
    static const char text[] = "# comment\nname=a\\tb\\\\c\\nd\ntools[]=Read\n"
                               "tools[]=Write\nnone[]\n\nBody\n";
    ac_doc *doc = NULL;
    assert_int_equal(ac_read(ctx, kv, text, sizeof text - 1, "t.kv", &doc, &e),
                     AC_OK);
    const ac_value *f = ac_doc_fields(doc);
    assert_int_equal(ac_value_size(f), 3);
    assert_string_equal(ac_value_string(ac_map_get(f, "name"), NULL),
                        "a\tb\\c\nd");
    const ac_value *tools = ac_map_get(f, "tools");
    assert_int_equal(ac_value_size(tools), 2);
    assert_string_equal(ac_value_string(ac_list_get(tools, 1), NULL), "Write");
    assert_int_equal(ac_value_type(ac_map_get(f, "none")), AC_LIST);
    assert_int_equal(ac_value_size(ac_map_get(f, "none")), 0);
    assert_string_equal(ac_doc_instructions(doc, NULL), "Body\n");
    assert_int_equal(ac_map_key_line(f, 1), 3);
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(ac_write(ctx, kv, doc, &out, &len, &e), AC_OK);
    assert_string_equal(out, text + strlen("# comment\n"));
    free(out);

    /* A number: the writer refuses it, naming the field. */
    assert_int_equal(
        ac_map_set(ac_doc_fields(doc), "n", 1, ac_value_new_integer(3)), AC_OK);
    assert_int_equal(ac_write(ctx, kv, doc, &out, &len, &e),
                     AC_ERR_UNSUPPORTED);
    assert_null(out);
    assert_string_equal(e.text, "kv holds strings and lists of strings only: "
                                "\"n\" has type integer");
    ac_doc_free(doc);

    static const char dup[] = "a=1\na=2\n";
    assert_int_equal(ac_read(ctx, kv, dup, sizeof dup - 1, "d.kv", &doc, &e),
                     AC_ERR_STRUCTURE);
    assert_null(doc);
    assert_int_equal(e.line, 2);
    assert_string_equal(e.text, "duplicate key \"a\"");
    static const char esc[] = "a=x\\q\n";
    assert_int_equal(ac_read(ctx, kv, esc, sizeof esc - 1, "e.kv", &doc, &e),
                     AC_ERR_SYNTAX);
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, 4);
    assert_string_equal(e.text, "unknown escape in a value");
    static const char bad[] = "a=\xff\n";
    assert_int_equal(ac_read(ctx, kv, bad, sizeof bad - 1, "b.kv", &doc, &e),
                     AC_ERR_ENCODING);
    static const char nokey[] = "=x\n";
    assert_int_equal(
        ac_read(ctx, kv, nokey, sizeof nokey - 1, "k.kv", &doc, &e),
        AC_ERR_SYNTAX);
    assert_string_equal(e.text, "expected KEY=VALUE, KEY[]=VALUE or KEY[]");
    ac_context_free(ctx);
}

static void test_load_errors(void **state)
{
    (void)state;
    ac_context *ctx = ac_context_new();
    expect_load_error(ctx, PLUGIN("no_symbol"), AC_ERR_ARGUMENT,
                      "not an agentconv plugin: no symbol 'agentconv_plugin'");
    expect_load_error(ctx, PLUGIN("wrong_abi"), AC_ERR_ARGUMENT,
                      "plugin ABI version 99, this library loads version 1");
    expect_load_error(ctx, PLUGIN("incomplete"), AC_ERR_ARGUMENT,
                      "plugin descriptor needs a name and an init function");
    /* init added the format "half", then failed: "half" is gone. */
    expect_load_error(ctx, PLUGIN("init_fails"), AC_ERR_UNSUPPORTED,
                      "plugin 'init-fails' failed: needs agentconv 99.0 or "
                      "later");
    assert_null(ac_format_find(ctx, "half"));
    expect_load_error(ctx, PLUGIN("missing"), AC_ERR_IO,
                      "cannot load the plugin: cannot open shared object "
                      "file: No such file or directory");
    /* A file that is not a shared object at all. */
    expect_load_error(ctx, REFERENCE, AC_ERR_IO,
                      "cannot load the plugin: invalid ELF header");
    /* Twice in one context. */
    ac_error e;
    assert_int_equal(ac_context_load_plugin(ctx, PLUGIN("kv"), &e), AC_OK);
    expect_load_error(ctx, PLUGIN("kv"), AC_ERR_ARGUMENT,
                      "plugin 'kv' is already loaded");
    assert_int_equal(ac_context_load_plugin(NULL, PLUGIN("kv"), &e),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ac_context_load_plugin(ctx, NULL, &e), AC_ERR_ARGUMENT);
    assert_int_equal(ac_context_load_plugin(ctx, "", &e), AC_ERR_ARGUMENT);
    ac_context_free(ctx);
}

/* A name without '/' is a file of the current folder: never searched for in
 * the library path (where "libc.so.6" would be found). */
static void test_load_bare_name(void **state)
{
    (void)state;
    ac_context *ctx = ac_context_new();
    expect_load_error(ctx, "libc.so.6", AC_ERR_IO,
                      "cannot load the plugin: cannot open shared object "
                      "file: No such file or directory");
    ac_context_free(ctx);
}

/* ---- a plugin linked into the program ---- */

static int inline_inits;

static ac_status upper_write(ac_context *ctx, const ac_format *format,
                             const ac_doc *doc, ac_buf *out, ac_error *error)
{
    (void)ctx;
    (void)format;
    (void)error;
    const ac_value *name = ac_map_get(ac_doc_fields(doc), "name");
    size_t n = 0;
    const char *s = ac_value_string(name, &n);
    for (size_t i = 0; s && i < n; i++) {
        char c = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
        if (ac_buf_append(out, &c, 1) != AC_OK)
            return AC_ERR_NOMEM;
    }
    return ac_buf_puts(out, "\n");
}

static const ac_format upper_format = {
    .abi = AC_FORMAT_ABI,
    .name = "upper",
    .write = upper_write,
};

static ac_status inline_init(ac_context *ctx, const ac_plugin *plugin,
                             ac_error *error)
{
    inline_inits++;
    assert_string_equal(plugin->name, "inline");
    return ac_context_add_format(ctx, &upper_format, error);
}

static const ac_plugin inline_plugin = {
    .abi = AC_PLUGIN_ABI,
    .name = "inline",
    .init = inline_init,
};

static void test_add_plugin(void **state)
{
    (void)state;
    ac_context *ctx = ac_context_new();
    ac_error e;
    inline_inits = 0;
    assert_int_equal(ac_context_add_plugin(ctx, &inline_plugin, &e), AC_OK);
    assert_int_equal(inline_inits, 1);
    assert_ptr_equal(ac_plugin_at(ctx, 0), &inline_plugin);
    static const char md[] = "---\nname: quiet\n---\nBody\n";
    char *out = NULL;
    assert_int_equal(ac_convert(ctx, NULL, ac_format_find(ctx, "upper"), md,
                                sizeof md - 1, NULL, &out, NULL, &e),
                     AC_OK);
    assert_string_equal(out, "QUIET\n");
    free(out);
    /* Again: refused by name, init not called. */
    assert_int_equal(ac_context_add_plugin(ctx, &inline_plugin, &e),
                     AC_ERR_ARGUMENT);
    assert_string_equal(e.source, "agentconv");
    assert_string_equal(e.text, "plugin 'inline' is already loaded");
    assert_int_equal(inline_inits, 1);
    /* Each context runs init for itself. */
    ac_context *other = ac_context_new();
    assert_null(ac_format_find(other, "upper"));
    assert_int_equal(ac_context_add_plugin(other, &inline_plugin, &e), AC_OK);
    assert_int_equal(inline_inits, 2);
    ac_context_free(other);

    ac_plugin wrong = inline_plugin;
    wrong.abi = 0;
    wrong.init = NULL; /* never looked at: the version comes first */
    assert_int_equal(ac_context_add_plugin(ctx, &wrong, &e), AC_ERR_ARGUMENT);
    assert_string_equal(e.text,
                        "plugin ABI version 0, this library loads version 1");
    wrong = inline_plugin;
    wrong.name = "";
    assert_int_equal(ac_context_add_plugin(ctx, &wrong, &e), AC_ERR_ARGUMENT);
    assert_string_equal(e.text,
                        "plugin descriptor needs a name and an init function");
    assert_int_equal(ac_context_add_plugin(ctx, NULL, &e), AC_ERR_ARGUMENT);
    assert_int_equal(ac_context_add_plugin(NULL, &inline_plugin, NULL),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ac_plugin_count(ctx), 1);
    assert_int_equal(ac_plugin_count(NULL), 0);
    assert_null(ac_plugin_at(NULL, 0));
    ac_context_free(ctx);
}

/* Two contexts load the same object: each has its own registration, and
 * freeing one (dlclose) leaves the other working. */
static void test_two_contexts(void **state)
{
    (void)state;
    ac_context *a = ac_context_new(), *b = ac_context_new();
    ac_error e;
    assert_int_equal(ac_context_load_plugin(a, PLUGIN("kv"), &e), AC_OK);
    assert_int_equal(ac_context_load_plugin(b, PLUGIN("kv"), &e), AC_OK);
    ac_context_free(a);
    static const char text[] = "name=x\n";
    ac_doc *doc = NULL;
    assert_int_equal(ac_read(b, NULL, text, sizeof text - 1, NULL, &doc, &e),
                     AC_OK);
    ac_context_free(b);
    /* The document outlives the context and the plugin. */
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(doc), "name"), NULL), "x");
    ac_doc_free(doc);
}

/* The header this test was built with and the shared library it runs
 * with (the one plugins link) agree on the version. */
static void test_version(void **state)
{
    (void)state;
    assert_int_equal(ac_version(), AGENTCONV_VERSION);
    assert_string_equal(ac_version_string(), AGENTCONV_VERSION_STRING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_kv_round_trip),
        cmocka_unit_test(test_kv_form),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_load_bare_name),
        cmocka_unit_test(test_add_plugin),
        cmocka_unit_test(test_two_contexts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
