/*
 * A reader's fuzz target: built once per form with FUZZ_FORM set to "md",
 * "json", "yaml" or "xml" (fuzz_md, fuzz_json, fuzz_yaml, fuzz_xml).
 *
 * For each input, in that form:
 * - ac_read keeps its contract (a document on success; on failure an
 *   error with the same status and a message, and no document), and its
 *   error and first warning point inside the input;
 * - in strict mode the read fails exactly as it did, succeeds exactly as
 *   it did when it gave no warning, and fails with AC_ERR_STRICT and the
 *   first warning when it gave one;
 * - a document read is checked (ac_doc_check), dumped, and translated from
 *   its dialect to every dialect (ac_dialect_translate; to its own it must
 *   be an equal copy);
 * - ac_read_many agrees with ac_read: one gives a document exactly when the
 *   other gives that document, not a collection;
 * - json and yaml only: the input read as a collection keyed by name
 *   (ac_read_keyed, at the top level with the key "prompt", and under
 *   "agent"), written back with ac_write_keyed and read again gives the
 *   same agents, each with its `name` first.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#ifndef FUZZ_FORM
#error "define FUZZ_FORM as the name of a form"
#endif

/* The document the keyed writer and reader make of `doc`: its `name`
 * first, the other fields in their order, the same instructions. */
static ac_doc *name_first(const ac_doc *doc)
{
    ac_doc *copy = ac_doc_new();
    if (!copy)
        fuzz_fail("out of memory");
    const ac_value *fields = ac_doc_fields(doc);
    ac_value *to = ac_doc_fields(copy);
    const ac_value *name = ac_map_get(fields, "name");
    if (name && ac_map_set(to, "name", 4, ac_value_copy(name)) != AC_OK)
        fuzz_fail("out of memory");
    for (size_t i = 0; i < ac_value_size(fields); i++) {
        size_t len;
        const char *key = ac_map_key(fields, i, &len);
        if (len == 4 && memcmp(key, "name", 4) == 0)
            continue;
        if (ac_map_set(to, key, len, ac_value_copy(ac_map_value(fields, i))) !=
            AC_OK)
            fuzz_fail("out of memory");
    }
    size_t ilen;
    const char *text = ac_doc_instructions(doc, &ilen);
    if (ac_doc_set_instructions(copy, text, ilen) != AC_OK)
        fuzz_fail("out of memory");
    return copy;
}

static void keyed(ac_context *ctx, const ac_format *format, const char *data,
                  size_t size, const char *member, const char *prompt_key)
{
    ac_doc **docs = NULL;
    size_t count = 0;
    ac_error err;
    ac_status st = ac_read_keyed(ctx, format, data, size, "fuzz", member,
                                 prompt_key, &docs, &count, &err);
    fuzz_check_status("ac_read_keyed", st, &err,
                      st == AC_OK || docs != NULL || count != 0);
    if (st != AC_OK)
        return;
    if (count && !docs)
        fuzz_fail("ac_read_keyed read %zu agents into no array", count);
    for (size_t i = 0; i < count; i++)
        if (!docs[i])
            fuzz_fail("ac_read_keyed gave a NULL agent");
    char *out = NULL;
    size_t out_len = 0;
    st = ac_write_keyed(ctx, format, docs, count, member, prompt_key, &out,
                        &out_len, &err);
    fuzz_check_status("ac_write_keyed", st, &err, out != NULL);
    if (st == AC_OK) {
        /* written: it must read back, as the same agents */
        ac_doc **back = NULL;
        size_t back_count = 0;
        st = ac_read_keyed(ctx, format, out, out_len, "fuzz-written", member,
                           prompt_key, &back, &back_count, &err);
        if (st != AC_OK)
            fuzz_fail("ac_write_keyed wrote what ac_read_keyed refuses: "
                      "%s:%d:%d: %s\n%s",
                      err.source, err.line, err.column, err.text, out);
        if (back_count != count)
            fuzz_fail("ac_read_keyed read back %zu agents of %zu", back_count,
                      count);
        for (size_t i = 0; i < count; i++) {
            ac_doc *expected = name_first(docs[i]);
            fuzz_expect_equal("keyed collection read back", expected, back[i]);
            ac_doc_free(expected);
        }
        ac_docs_free(back, back_count);
    }
    free(out);
    ac_docs_free(docs, count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    fuzz_warnings w, sw, mw;
    ac_context *ctx = fuzz_context(&w, false);
    ac_context *strict = fuzz_context(&sw, true);
    const ac_format *format = ac_format_find(ctx, FUZZ_FORM);
    if (!format)
        fuzz_fail("no format " FUZZ_FORM);

    ac_doc *doc = NULL;
    ac_error err;
    ac_status st = ac_read(ctx, format, text, size, "fuzz", &doc, &err);
    fuzz_check_status("ac_read", st, &err, doc != NULL);
    unsigned long read_warnings = w.count;
    if (st != AC_OK)
        fuzz_check_position("ac_read's error", &err, text, size);
    if (w.count)
        fuzz_check_position("ac_read's first warning", &w.first, text, size);

    ac_doc *sdoc = NULL;
    ac_error serr;
    ac_status sst = ac_read(strict, ac_format_find(strict, FUZZ_FORM), text,
                            size, "fuzz", &sdoc, &serr);
    fuzz_check_status("ac_read (strict)", sst, &serr, sdoc != NULL);
    fuzz_expect_strict("ac_read", st, &err, &w, sst, &serr);
    if (sdoc)
        fuzz_expect_equal("ac_read in strict mode", doc, sdoc);
    ac_doc_free(sdoc);

    if (doc) {
        ac_doc_check(ctx, doc, "fuzz", AC_CHECK_CLAUDE, NULL, NULL);
        char *dump = ac_doc_dump(doc);
        if (!dump)
            fuzz_fail("ac_doc_dump failed");
        free(dump);
        fuzz_translate(ctx, doc, size);
    }

    ac_context *many_ctx = fuzz_context(&mw, false);
    ac_doc **docs = NULL;
    size_t count = 0;
    bool is_collection = false;
    ac_status mst =
        ac_read_many(many_ctx, ac_format_find(many_ctx, FUZZ_FORM), text, size,
                     "fuzz", &docs, &count, &is_collection, &err);
    fuzz_check_status("ac_read_many", mst, &err,
                      mst == AC_OK || docs != NULL || count != 0);
    if (mst == AC_OK && count && !docs)
        fuzz_fail("ac_read_many read %zu agents into no array", count);
    bool one = mst == AC_OK && !is_collection;
    if (one != (st == AC_OK))
        fuzz_fail(
            "ac_read %s, ac_read_many %s", st == AC_OK ? "read" : "failed",
            mst != AC_OK ? "failed"
                         : (one ? "read one agent" : "read a collection"));
    if (one) {
        if (count != 1)
            fuzz_fail("ac_read_many read %zu agents, not a collection", count);
        fuzz_expect_equal("ac_read_many of one agent", doc, docs[0]);
        if (mw.count != read_warnings)
            fuzz_fail("ac_read warned %lu times, ac_read_many %lu",
                      read_warnings, mw.count);
    }
    for (size_t i = 0; i < count; i++)
        ac_doc_check(many_ctx, docs[i], "fuzz", 0, NULL, NULL);
    ac_docs_free(docs, count);
    ac_doc_free(doc);

    if (strcmp(FUZZ_FORM, "json") == 0 || strcmp(FUZZ_FORM, "yaml") == 0) {
        keyed(ctx, format, text, size, NULL, "prompt");
        keyed(ctx, format, text, size, "agent", NULL);
    }

    ac_context_free(many_ctx);
    ac_context_free(strict);
    ac_context_free(ctx);
    return 0;
}
