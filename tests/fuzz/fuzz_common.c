/*
 * The fuzz targets' shared helpers; see fuzz.h.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: invariant broken: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static void count_warning(void *user, const ac_error *warning)
{
    fuzz_warnings *w = user;
    if (w->count++ == 0)
        w->first = *warning;
}

ac_context *fuzz_context(fuzz_warnings *w, bool strict)
{
    ac_context *ctx = ac_context_new();
    if (!ctx)
        fuzz_fail("ac_context_new failed");
    memset(w, 0, sizeof *w);
    ac_context_set_warning_handler(ctx, count_warning, w);
    ac_context_set_strict(ctx, strict);
    return ctx;
}

void fuzz_check_status(const char *what, ac_status st, const ac_error *error,
                       bool made)
{
    if (st == AC_OK) {
        if (!made)
            fuzz_fail("%s succeeded without a result", what);
        return;
    }
    if (made)
        fuzz_fail("%s failed (%s) but left a result", what,
                  ac_status_string(st));
    if (error->status != st)
        fuzz_fail("%s returned %s, its error says %s", what,
                  ac_status_string(st), ac_status_string(error->status));
    if (error->text[0] == '\0')
        fuzz_fail("%s failed (%s) without a message", what,
                  ac_status_string(st));
    if (!memchr(error->text, '\0', sizeof error->text) ||
        !memchr(error->source, '\0', sizeof error->source))
        fuzz_fail("%s: the error's text is not terminated", what);
    char line[AC_ERROR_TEXT_LENGTH + AC_ERROR_SOURCE_LENGTH + 64];
    if (ac_error_format(error, "error", line, sizeof line) < 0)
        fuzz_fail("%s: ac_error_format failed", what);
}

void fuzz_check_position(const char *what, const ac_error *error,
                         const char *data, size_t size)
{
    long lines = 1;
    for (size_t i = 0; i < size; i++)
        if (data[i] == '\n' ||
            (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n')))
            lines++;
    if (error->line < 0 || error->line > lines || error->column < 0 ||
        (size_t)error->column > size + 1 || error->position < -1 ||
        (error->position >= 0 && (size_t)error->position > size))
        fuzz_fail("%s: \"%s\" at line %d, column %d, byte %ld of an input "
                  "of %ld lines and %zu bytes",
                  what, error->text, error->line, error->column,
                  error->position, lines, size);
}

void fuzz_expect_equal(const char *what, const ac_doc *expected,
                       const ac_doc *got)
{
    if (ac_doc_equal(expected, got))
        return;
    char *a = ac_doc_dump(expected);
    char *b = ac_doc_dump(got);
    const char *pa = a ? a : "";
    const char *pb = b ? b : "";
    int line = 1;
    for (;;) {
        size_t la = strcspn(pa, "\n");
        size_t lb = strcspn(pb, "\n");
        if (la != lb || memcmp(pa, pb, la) != 0) {
            fprintf(stderr,
                    "fuzz: first difference, dump line %d:\n"
                    "  expected: %.*s\n  got:      %.*s\n",
                    line, (int)la, pa, (int)lb, pb);
            break;
        }
        if (pa[la] == '\0' || pb[lb] == '\0')
            break;
        pa += la + 1;
        pb += lb + 1;
        line++;
    }
    free(a);
    free(b);
    fuzz_fail("%s: the documents differ", what);
}

void fuzz_expect_strict(const char *what, ac_status st, const ac_error *error,
                        const fuzz_warnings *w, ac_status strict_st,
                        const ac_error *strict_error)
{
    if (st != AC_OK) {
        if (strict_st != st || strcmp(strict_error->text, error->text) != 0)
            fuzz_fail("%s failed with \"%s\", in strict mode with %s \"%s\"",
                      what, error->text, ac_status_string(strict_st),
                      strict_st == AC_OK ? "" : strict_error->text);
        return;
    }
    if (w->count == 0) {
        if (strict_st != AC_OK)
            fuzz_fail("%s succeeded without a warning, but failed in strict "
                      "mode: %s",
                      what, strict_error->text);
        return;
    }
    if (strict_st != AC_ERR_STRICT ||
        strcmp(strict_error->text, w->first.text) != 0 ||
        strict_error->line != w->first.line ||
        strict_error->column != w->first.column)
        fuzz_fail(
            "%s warned \"%s\" (line %d), in strict mode it gave %s "
            "\"%s\" (line %d)",
            what, w->first.text, w->first.line, ac_status_string(strict_st),
            strict_st == AC_OK ? "" : strict_error->text, strict_error->line);
}

void fuzz_translate(ac_context *ctx, const ac_doc *doc, size_t pick)
{
    size_t n = ac_dialect_count(ctx);
    if (n == 0)
        fuzz_fail("the context has no dialects");
    const ac_dialect *from = ac_dialect_detect(ctx, NULL, doc);
    if (!from)
        from = ac_dialect_at(ctx, pick % n);
    ac_translate_options opt;
    memset(&opt, 0, sizeof opt);
    opt.source = "fuzz";
    opt.file_name = "fuzz-agent";
    opt.keep_name = (pick / n) % 2 == 1;
    /* never read a file the input names: resolve_prompt_files stays off */
    for (size_t i = 0; i < n; i++) {
        const ac_dialect *to = ac_dialect_at(ctx, i);
        ac_doc *out = NULL;
        ac_error err;
        ac_status st =
            ac_dialect_translate(ctx, from, to, doc, &opt, &out, &err);
        fuzz_check_status("ac_dialect_translate", st, &err, out != NULL);
        if (st != AC_OK)
            continue;
        if (from == to) {
            /* a copy, except for a name that breaks the tool's rule: that
             * one is renamed (docs/dialects.md) */
            ac_doc *want = ac_doc_new();
            size_t ilen = 0;
            const char *ins = ac_doc_instructions(doc, &ilen);
            if (!want || ac_doc_set_instructions(want, ins ? ins : "", ilen))
                fuzz_fail("out of memory");
            ac_doc_set_instructions_line(want, ac_doc_instructions_line(doc));
            ac_value *fields = ac_doc_fields(want);
            const ac_value *src = ac_doc_fields(doc);
            for (size_t k = 0; k < ac_value_size(src); k++) {
                size_t klen = 0;
                const char *key = ac_map_key(src, k, &klen);
                const ac_value *v = ac_map_value(src, k);
                const ac_value *o = ac_map_getn(ac_doc_fields(out), key, klen);
                bool renamed = false;
                for (const ac_dialect_field *f = from->fields; f->key; f++)
                    if (f->kind == AC_FIELD_NAME && strlen(f->key) == klen &&
                        memcmp(f->key, key, klen) == 0 && o &&
                        !ac_value_equal(o, v))
                        renamed = true;
                if (ac_map_set(fields, key, klen,
                               ac_value_copy(renamed ? o : v)) != AC_OK)
                    fuzz_fail("out of memory");
                ac_map_set_key_position(fields, k, ac_map_key_line(src, k),
                                        ac_map_key_column(src, k));
            }
            fuzz_expect_equal("ac_dialect_translate to the same dialect", want,
                              out);
            ac_doc_free(want);
        }
        if (ac_dialect_check(ctx, to, out, "fuzz", NULL, NULL) != 0)
            fuzz_fail("ac_dialect_translate to %s gave a document that "
                      "breaks its rules",
                      to->name);
        ac_doc_free(out);
    }
}
