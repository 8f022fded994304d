/*
 * Unit tests of the stream and file calls and of the one-call conversion:
 * ac_read_stream, ac_write_stream, ac_write_file, ac_convert, each with its
 * error paths.
 *
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agentconv/agentconv.h"

static const char md[] = "---\nname: demo\ndescription: A demo\ntools:\n"
                         "  - Read\n  - Write\nn: 0.25\n---\nDo things.\n";
static const char md_comment[] = "---\n# note\nname: a\n---\nBody\n";
static const char json_many[] = "[{\"name\": \"a\", \"n\": 1.5}, "
                                "{\"name\": \"b\", \"instructions\": \"x\"}]";

typedef struct fixture {
    ac_context *ctx;
    char dir[64]; /* a fresh folder for the file tests */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->ctx = ac_context_new();
    snprintf(f->dir, sizeof f->dir, "/tmp/agentconv-io.XXXXXX");
    if (!f->ctx || !mkdtemp(f->dir))
        return -1;
    *state = f;
    return 0;
}

/* Remove the folder with the files a test left (the tests check that no
 * temporary file is among them). */
static int teardown(void **state)
{
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", f->dir, e->d_name);
        if (unlink(path) != 0)
            rmdir(path);
    }
    if (d)
        closedir(d);
    rmdir(f->dir);
    ac_context_free(f->ctx);
    free(f);
    return 0;
}

static const ac_format *form(const fixture *f, const char *name)
{
    const ac_format *fmt = ac_format_find(f->ctx, name);
    assert_non_null(fmt);
    return fmt;
}

static ac_doc *read_md(const fixture *f, const char *text)
{
    ac_doc *doc = NULL;
    ac_error e;
    assert_int_equal(
        ac_read(f->ctx, form(f, "md"), text, strlen(text), "t", &doc, &e),
        AC_OK);
    return doc;
}

static char *write_mem(const fixture *f, const char *name, const ac_doc *doc)
{
    char *out = NULL;
    size_t len = 0;
    ac_error e;
    assert_int_equal(ac_write(f->ctx, form(f, name), doc, &out, &len, &e),
                     AC_OK);
    return out;
}

/* A stream holding `text`, at its start. */
static FILE *stream_of(const char *text, size_t len)
{
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    rewind(fp);
    return fp;
}

/* Everything a stream holds, from its start. */
static char *stream_text(FILE *fp)
{
    rewind(fp);
    char *buf = calloc(1, 65536);
    size_t n = fread(buf, 1, 65535, fp);
    buf[n] = '\0';
    return buf;
}

static char *file_text(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *text = stream_text(fp);
    fclose(fp);
    return text;
}

static void put_file(const char *path, const char *text, mode_t mode)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    assert_int_equal(chmod(path, mode), 0);
}

/* Names in the folder, other than . and .. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* ---- ac_read_stream ---- */

static void test_read_stream(void **state)
{
    fixture *f = *state;
    ac_doc *want = read_md(f, md);
    FILE *fp = stream_of(md, sizeof md - 1);
    ac_doc *doc = NULL;
    ac_error e;
    /* Sniffed. */
    assert_int_equal(ac_read_stream(f->ctx, NULL, fp, "in", &doc, &e), AC_OK);
    assert_true(ac_doc_equal(doc, want));
    assert_true(feof(fp));
    ac_doc_free(doc);
    /* Named, and read from where the stream is. */
    char *json = write_mem(f, "json", want);
    FILE *js = tmpfile();
    fputs("JUNK", js);
    fputs(json, js);
    fseek(js, 4, SEEK_SET);
    assert_int_equal(
        ac_read_stream(f->ctx, form(f, "json"), js, NULL, &doc, &e), AC_OK);
    assert_true(ac_doc_equal(doc, want));
    ac_doc_free(doc);
    fclose(js);
    free(json);
    fclose(fp);
    ac_doc_free(want);
}

static void test_read_stream_errors(void **state)
{
    fixture *f = *state;
    ac_doc *doc = (ac_doc *)&doc; /* must be set to NULL */
    ac_error e;
    /* The reader's error, the source defaulting to "<stream>". */
    static const char bad[] = "{\n  \"name\": }";
    FILE *fp = stream_of(bad, sizeof bad - 1);
    assert_int_equal(
        ac_read_stream(f->ctx, form(f, "json"), fp, NULL, &doc, &e),
        AC_ERR_SYNTAX);
    assert_null(doc);
    assert_string_equal(e.source, "<stream>");
    assert_int_equal(e.line, 2);
    fclose(fp);
    /* The input-size limit: read stops one byte past it. */
    assert_int_equal(ac_context_set_limit(f->ctx, AC_LIMIT_INPUT_SIZE, 10),
                     AC_OK);
    fp = stream_of(md, sizeof md - 1);
    assert_int_equal(ac_read_stream(f->ctx, NULL, fp, "big", &doc, &e),
                     AC_ERR_LIMIT);
    assert_string_equal(e.source, "big");
    assert_non_null(strstr(e.text, "exceeds the input-size limit (10 bytes)"));
    fclose(fp);
    assert_int_equal(
        ac_context_set_limit(f->ctx, AC_LIMIT_INPUT_SIZE,
                             ac_limit_default(AC_LIMIT_INPUT_SIZE)),
        AC_OK);
    /* A stream that cannot be read. */
    char path[128];
    snprintf(path, sizeof path, "%s/w", f->dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(ac_read_stream(f->ctx, NULL, fp, "w", &doc, &e),
                     AC_ERR_IO);
    assert_string_equal(e.text, "cannot read: Bad file descriptor");
    fclose(fp);
    /* Sniffed as md (which claims any text), which finds no agent. */
    fp = stream_of("@@@", 3);
    assert_int_equal(ac_read_stream(f->ctx, NULL, fp, "e", &doc, &e),
                     AC_ERR_NOT_AGENT);
    assert_string_equal(e.source, "e");
    fclose(fp);
    /* Arguments. */
    fp = stream_of(md, sizeof md - 1);
    assert_int_equal(ac_read_stream(NULL, NULL, fp, "a", &doc, &e),
                     AC_ERR_ARGUMENT);
    assert_null(doc);
    assert_int_equal(ac_read_stream(f->ctx, NULL, NULL, "a", &doc, &e),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ac_read_stream(f->ctx, NULL, fp, "a", NULL, NULL),
                     AC_ERR_ARGUMENT);
    fclose(fp);
}

/* ---- ac_write_stream ---- */

static void test_write_stream(void **state)
{
    fixture *f = *state;
    ac_doc *doc = read_md(f, md);
    for (size_t i = 0; i < ac_format_count(f->ctx); i++) {
        const ac_format *fmt = ac_format_at(f->ctx, i);
        char *want = write_mem(f, fmt->name, doc);
        FILE *fp = tmpfile();
        ac_error e;
        assert_int_equal(ac_write_stream(f->ctx, fmt, doc, fp, &e), AC_OK);
        char *got = stream_text(fp);
        assert_string_equal(got, want);
        free(got);
        free(want);
        fclose(fp);
    }
    ac_doc_free(doc);
}

static void test_write_stream_errors(void **state)
{
    fixture *f = *state;
    ac_doc *doc = read_md(f, md);
    ac_error e;
    /* A document the writer refuses: nothing reaches the stream. */
    ac_doc *bad = ac_doc_new();
    assert_int_equal(
        ac_map_set(ac_doc_fields(bad), "k", 1, ac_value_new_string("\xff", 1)),
        AC_OK);
    FILE *fp = tmpfile();
    assert_int_equal(ac_write_stream(f->ctx, form(f, "json"), bad, fp, &e),
                     AC_ERR_ENCODING);
    assert_int_equal(ftell(fp), 0);
    fclose(fp);
    ac_doc_free(bad);
    /* A full device: the flush fails. */
    fp = fopen("/dev/full", "w");
    assert_non_null(fp);
    assert_int_equal(ac_write_stream(f->ctx, form(f, "md"), doc, fp, &e),
                     AC_ERR_IO);
    assert_string_equal(e.text, "cannot write: No space left on device");
    fclose(fp);
    /* A format that cannot be written, and bad arguments. */
    fp = tmpfile();
    ac_format ro = *form(f, "md");
    ro.write = NULL;
    assert_int_equal(ac_write_stream(f->ctx, &ro, doc, fp, &e),
                     AC_ERR_UNSUPPORTED);
    assert_int_equal(ac_write_stream(f->ctx, form(f, "md"), doc, NULL, &e),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ac_write_stream(NULL, form(f, "md"), doc, fp, NULL),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ac_write_stream(f->ctx, form(f, "md"), NULL, fp, &e),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ftell(fp), 0);
    fclose(fp);
    ac_doc_free(doc);
}

/* ---- ac_write_file ---- */

static void test_write_file_new_and_replace(void **state)
{
    fixture *f = *state;
    ac_doc *doc = read_md(f, md);
    char path[128];
    snprintf(path, sizeof path, "%s/agent.json", f->dir);
    ac_error e;
    mode_t old_mask = umask(027);
    /* New, the format from the extension: 0666 less the umask. */
    assert_int_equal(ac_write_file(f->ctx, NULL, doc, path, &e), AC_OK);
    umask(old_mask);
    char *want = write_mem(f, "json", doc);
    char *got = file_text(path);
    assert_string_equal(got, want);
    free(got);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    assert_int_equal(entries(f->dir), 1);
    /* Replaced: the new text, the old permission bits. */
    put_file(path, "old text\n", 0604);
    assert_int_equal(ac_write_file(f->ctx, form(f, "yaml"), doc, path, &e),
                     AC_OK);
    free(want);
    want = write_mem(f, "yaml", doc);
    got = file_text(path);
    assert_string_equal(got, want);
    free(got);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0604);
    assert_int_equal(entries(f->dir), 1);
    free(want);
    ac_doc_free(doc);
}

/* A name of 255 bytes (NAME_MAX): the temporary name must fit too. */
static void test_write_file_long_name(void **state)
{
    fixture *f = *state;
    ac_doc *doc = read_md(f, md);
    char path[512];
    int n = snprintf(path, sizeof path, "%s/", f->dir);
    memset(path + n, 'a', 250);
    memcpy(path + n + 250, ".json", 6);
    ac_error e;
    assert_int_equal(ac_write_file(f->ctx, NULL, doc, path, &e), AC_OK);
    char *want = write_mem(f, "json", doc);
    char *got = file_text(path);
    assert_string_equal(got, want);
    free(got);
    free(want);
    assert_int_equal(entries(f->dir), 1);
    ac_doc_free(doc);
}

/* A symbolic link is replaced by the file; its target is left alone. */
static void test_write_file_symlink(void **state)
{
    fixture *f = *state;
    ac_doc *doc = read_md(f, md);
    char target[128], link_path[128];
    snprintf(target, sizeof target, "%s/target.md", f->dir);
    snprintf(link_path, sizeof link_path, "%s/link.md", f->dir);
    put_file(target, "target\n", 0644);
    assert_int_equal(symlink("target.md", link_path), 0);
    ac_error e;
    assert_int_equal(ac_write_file(f->ctx, NULL, doc, link_path, &e), AC_OK);
    struct stat st;
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    char *got = file_text(target);
    assert_string_equal(got, "target\n");
    free(got);
    got = file_text(link_path);
    char *want = write_mem(f, "md", doc);
    assert_string_equal(got, want);
    free(want);
    free(got);
    assert_int_equal(entries(f->dir), 2);
    ac_doc_free(doc);
}

static void test_write_file_errors(void **state)
{
    fixture *f = *state;
    ac_doc *doc = read_md(f, md);
    ac_error e;
    char path[160];
    /* The folder is missing. */
    snprintf(path, sizeof path, "%s/no/agent.md", f->dir);
    assert_int_equal(ac_write_file(f->ctx, NULL, doc, path, &e), AC_ERR_IO);
    assert_string_equal(e.source, path);
    assert_string_equal(e.text, "cannot write: No such file or directory");
    /* The path is a folder: the temporary file is removed again. */
    snprintf(path, sizeof path, "%s/sub.md", f->dir);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(ac_write_file(f->ctx, NULL, doc, path, &e), AC_ERR_IO);
    assert_string_equal(e.text, "cannot write: Is a directory");
    assert_int_equal(entries(f->dir), 1);
    rmdir(path);
    /* The writer refuses the document: the old file stays as it was. */
    snprintf(path, sizeof path, "%s/keep.json", f->dir);
    put_file(path, "keep\n", 0644);
    ac_doc *bad = ac_doc_new();
    assert_int_equal(
        ac_map_set(ac_doc_fields(bad), "k", 1, ac_value_new_string("\xff", 1)),
        AC_OK);
    assert_int_equal(ac_write_file(f->ctx, NULL, bad, path, &e),
                     AC_ERR_ENCODING);
    char *got = file_text(path);
    assert_string_equal(got, "keep\n");
    free(got);
    assert_int_equal(entries(f->dir), 1);
    ac_doc_free(bad);
    /* No format has the extension. */
    snprintf(path, sizeof path, "%s/agent.txt", f->dir);
    assert_int_equal(ac_write_file(f->ctx, NULL, doc, path, &e),
                     AC_ERR_ARGUMENT);
    assert_string_equal(e.source, path);
    assert_string_equal(e.text, "no format has this file name's extension; "
                                "name the format");
    assert_int_equal(entries(f->dir), 1);
    /* Arguments. */
    assert_int_equal(ac_write_file(NULL, NULL, doc, path, &e), AC_ERR_ARGUMENT);
    assert_int_equal(ac_write_file(f->ctx, NULL, NULL, path, &e),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ac_write_file(f->ctx, NULL, doc, NULL, NULL),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ac_write_file(f->ctx, form(f, "md"), doc, "", &e),
                     AC_ERR_ARGUMENT);
    ac_doc_free(doc);
}

/* ---- ac_convert ---- */

static void test_convert(void **state)
{
    fixture *f = *state;
    ac_doc *doc = read_md(f, md);
    ac_error e;
    for (size_t i = 0; i < ac_format_count(f->ctx); i++) {
        const ac_format *to = ac_format_at(f->ctx, i);
        char *want = write_mem(f, to->name, doc);
        char *out = NULL;
        size_t len = 0;
        assert_int_equal(ac_convert(f->ctx, NULL, to, md, sizeof md - 1, "t",
                                    &out, &len, &e),
                         AC_OK);
        assert_int_equal(len, strlen(want));
        assert_string_equal(out, want);
        free(out);
        free(want);
    }
    ac_doc_free(doc);
    /* A collection stays a collection. */
    ac_doc **docs = NULL;
    size_t count = 0;
    bool is_collection = false;
    assert_int_equal(ac_read_many(f->ctx, NULL, json_many, sizeof json_many - 1,
                                  "c", &docs, &count, &is_collection, &e),
                     AC_OK);
    assert_true(is_collection);
    char *want = NULL;
    size_t want_len = 0;
    assert_int_equal(ac_write_many(f->ctx, form(f, "yaml"), docs, count, &want,
                                   &want_len, &e),
                     AC_OK);
    char *out = NULL;
    assert_int_equal(ac_convert(f->ctx, form(f, "json"), form(f, "yaml"),
                                json_many, sizeof json_many - 1, "c", &out,
                                NULL, &e),
                     AC_OK);
    assert_string_equal(out, want);
    free(out);
    free(want);
    ac_docs_free(docs, count);
}

static void test_convert_errors(void **state)
{
    fixture *f = *state;
    ac_error e;
    char *out = (char *)&out;
    size_t len = 99;
    /* A collection cannot become md. */
    assert_int_equal(ac_convert(f->ctx, NULL, form(f, "md"), json_many,
                                sizeof json_many - 1, "c", &out, &len, &e),
                     AC_ERR_UNSUPPORTED);
    assert_null(out);
    assert_int_equal(len, 0);
    assert_string_equal(e.text, "format 'md' holds one agent per file: it "
                                "cannot hold a collection");
    /* The reader's error, with its position. */
    static const char bad[] = "{\"name\": }";
    assert_int_equal(ac_convert(f->ctx, NULL, form(f, "md"), bad,
                                sizeof bad - 1, "bad.json", &out, &len, &e),
                     AC_ERR_SYNTAX);
    assert_null(out);
    assert_string_equal(e.source, "bad.json");
    assert_int_equal(e.line, 1);
    /* The writer's error: html cannot be read. */
    assert_int_equal(ac_convert(f->ctx, form(f, "html"), form(f, "md"), md,
                                sizeof md - 1, NULL, &out, &len, &e),
                     AC_ERR_UNSUPPORTED);
    assert_string_equal(e.text, "format 'html' cannot be read");
    /* Strict mode: a warning fails the conversion. */
    ac_context_set_strict(f->ctx, true);
    assert_int_equal(ac_convert(f->ctx, NULL, form(f, "json"), md_comment,
                                sizeof md_comment - 1, "w.md", &out, &len, &e),
                     AC_ERR_STRICT);
    assert_null(out);
    assert_string_equal(e.source, "w.md");
    ac_context_set_strict(f->ctx, false);
    assert_int_equal(ac_convert(f->ctx, NULL, form(f, "json"), md_comment,
                                sizeof md_comment - 1, "w.md", &out, &len, &e),
                     AC_OK);
    free(out);
    /* Arguments. */
    assert_int_equal(ac_convert(NULL, NULL, form(f, "md"), md, sizeof md - 1,
                                NULL, &out, &len, &e),
                     AC_ERR_ARGUMENT);
    assert_int_equal(
        ac_convert(f->ctx, NULL, NULL, md, sizeof md - 1, NULL, &out, &len, &e),
        AC_ERR_ARGUMENT);
    assert_int_equal(ac_convert(f->ctx, NULL, form(f, "md"), NULL, 3, NULL,
                                &out, &len, NULL),
                     AC_ERR_ARGUMENT);
    assert_int_equal(ac_convert(f->ctx, NULL, form(f, "md"), md, sizeof md - 1,
                                NULL, NULL, &len, &e),
                     AC_ERR_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_read_stream),
        T(test_read_stream_errors),
        T(test_write_stream),
        T(test_write_stream_errors),
        T(test_write_file_new_and_replace),
        T(test_write_file_long_name),
        T(test_write_file_symlink),
        T(test_write_file_errors),
        T(test_convert),
        T(test_convert_errors),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
