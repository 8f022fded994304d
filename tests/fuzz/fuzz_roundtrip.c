/*
 * The round-trip fuzz target (fuzz_roundtrip): an input in any form (the
 * form is sniffed, as for standard input) is read with ac_read_many, then
 * written in every form that can read it back, and read back:
 *
 * - one agent: for every form A that reads and writes (md, json, yaml,
 *   xml), write_A(m) gives the same bytes twice, read_A of them succeeds
 *   and equals m, and write_A of what was read back gives the same bytes
 *   (the output is canonical);
 * - a collection: the same with ac_write_many and ac_read_many for every
 *   form that writes collections (json, yaml, xml), which must read back
 *   as a collection of as many agents, each equal to its original;
 * - every agent of a collection also goes through the checks of one agent
 *   (as --split writes them), and every write-only form (html) writes
 *   each agent.
 *
 * Every agent a reader accepts must be writable in every form: a writer
 * refusing it is a failure too, except for the classes listed in
 * docs/fuzzing.md ("What the round trip excludes").
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Whether a writer may refuse the document with this error: see
 * docs/fuzzing.md. */
static bool refusal_allowed(const ac_format *format, const ac_error *err)
{
    (void)format;
    (void)err;
    return false;
}

/* Whether reading back what a writer wrote may fail with this error: only
 * when the output is larger than the input-size limit, as a model that
 * YAML aliases made large can be written (docs/fuzzing.md). */
static bool read_back_refusal_allowed(const ac_context *ctx, size_t out_len,
                                      ac_status st)
{
    return st == AC_ERR_LIMIT &&
           out_len > ac_context_limit(ctx, AC_LIMIT_INPUT_SIZE);
}

static void one_agent(ac_context *ctx, const ac_format *format,
                      const ac_doc *doc)
{
    char *out = NULL, *again = NULL, *third = NULL;
    size_t out_len = 0, again_len = 0, third_len = 0;
    ac_error err;
    ac_status st = ac_write(ctx, format, doc, &out, &out_len, &err);
    fuzz_check_status("ac_write", st, &err, out != NULL);
    if (st != AC_OK) {
        if (!refusal_allowed(format, &err))
            fuzz_fail("the %s writer refuses an agent that was read: %s",
                      format->name, err.text);
        return;
    }
    if (!format->read)
        goto out;
    st = ac_write(ctx, format, doc, &again, &again_len, &err);
    if (st != AC_OK || again_len != out_len || memcmp(out, again, out_len) != 0)
        fuzz_fail("the %s writer gave different bytes for the same agent",
                  format->name);
    ac_doc *back = NULL;
    st = ac_read(ctx, format, out, out_len, "fuzz-written", &back, &err);
    if (read_back_refusal_allowed(ctx, out_len, st))
        goto out;
    if (st != AC_OK)
        fuzz_fail("the %s reader refuses what its writer wrote: %d:%d: %s\n"
                  "--- written:\n%s",
                  format->name, err.line, err.column, err.text, out);
    fuzz_expect_equal(format->name, doc, back);
    st = ac_write(ctx, format, back, &third, &third_len, &err);
    if (st != AC_OK || third_len != out_len || memcmp(out, third, out_len))
        fuzz_fail("%s: the agent read back is written differently",
                  format->name);
    ac_doc_free(back);
out:
    free(out);
    free(again);
    free(third);
}

static void collection(ac_context *ctx, const ac_format *format,
                       ac_doc *const *docs, size_t count)
{
    if (!format->write_many || !format->read)
        return;
    char *out = NULL, *again = NULL;
    size_t out_len = 0, again_len = 0;
    ac_error err;
    ac_status st =
        ac_write_many(ctx, format, docs, count, &out, &out_len, &err);
    fuzz_check_status("ac_write_many", st, &err, out != NULL);
    if (st != AC_OK) {
        if (!refusal_allowed(format, &err))
            fuzz_fail("the %s writer refuses a collection that was read: %s",
                      format->name, err.text);
        return;
    }
    ac_doc **back = NULL;
    size_t back_count = 0;
    bool is_collection = false;
    st = ac_read_many(ctx, format, out, out_len, "fuzz-written", &back,
                      &back_count, &is_collection, &err);
    if (read_back_refusal_allowed(ctx, out_len, st)) {
        free(out);
        return;
    }
    if (st != AC_OK)
        fuzz_fail("the %s reader refuses the collection its writer wrote: "
                  "%d:%d: %s\n--- written:\n%s",
                  format->name, err.line, err.column, err.text, out);
    if (!is_collection || back_count != count)
        fuzz_fail("%s: a collection of %zu read back as %s of %zu",
                  format->name, count,
                  is_collection ? "a collection" : "one agent", back_count);
    for (size_t i = 0; i < count; i++)
        fuzz_expect_equal(format->name, docs[i], back[i]);
    st = ac_write_many(ctx, format, back, back_count, &again, &again_len, &err);
    if (st != AC_OK || again_len != out_len || memcmp(out, again, out_len))
        fuzz_fail("%s: the collection read back is written differently",
                  format->name);
    ac_docs_free(back, back_count);
    free(out);
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_warnings w;
    ac_context *ctx = fuzz_context(&w, false);
    ac_doc **docs = NULL;
    size_t count = 0;
    bool is_collection = false;
    ac_error err;
    ac_status st = ac_read_many(ctx, NULL, (const char *)data, size, "fuzz",
                                &docs, &count, &is_collection, &err);
    fuzz_check_status("ac_read_many", st, &err,
                      st == AC_OK || docs != NULL || count != 0);
    if (st == AC_OK && count && !docs)
        fuzz_fail("ac_read_many read %zu agents into no array", count);
    if (st == AC_OK) {
        for (size_t i = 0; i < ac_format_count(ctx); i++) {
            const ac_format *format = ac_format_at(ctx, i);
            if (!format->write)
                continue;
            if (is_collection)
                collection(ctx, format, docs, count);
            /* each agent alone too, as --split writes them */
            for (size_t k = 0; k < count; k++)
                one_agent(ctx, format, docs[k]);
        }
    }
    ac_docs_free(docs, count);
    ac_context_free(ctx);
    return 0;
}
