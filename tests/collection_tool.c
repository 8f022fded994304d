/*
 * collection_tool: convert a file that holds a collection of agents (or one
 * agent) through the public collection API, for the golden collection cases
 * (tests/run_collection_golden.sh).
 *
 * usage: collection_tool [--strict] FROM TO FILE
 *
 * Reads FILE ("-" is standard input) with ac_read_file_many in the form
 * FROM ("auto": from the file name, else sniffed) and writes the agents
 * with ac_write_many in the form TO to standard output. Warnings and the
 * error go to standard error as agentconv prints them
 * ("path:line:column: error: message"). A second line on standard error,
 * "collection_tool: one agent, not a collection", says when the input held
 * one agent (is_collection false); the output is then a collection of one.
 *
 * Exit status: 0 done, 1 the input or the output failed, 2 usage.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentconv/agentconv.h"

static void print_diagnostic(const ac_error *e, const char *level)
{
    char line[1024];
    ac_error_format(e, level, line, sizeof line);
    fprintf(stderr, "%s\n", line);
}

static void on_warning(void *user, const ac_error *warning)
{
    (void)user;
    print_diagnostic(warning, "warning");
}

static const ac_format *find_format(ac_context *ctx, const char *name,
                                    bool allow_auto)
{
    if (allow_auto && strcmp(name, "auto") == 0)
        return NULL;
    const ac_format *f = ac_format_find(ctx, name);
    if (!f) {
        fprintf(stderr, "collection_tool: unknown format '%s'\n", name);
        exit(2);
    }
    return f;
}

int main(int argc, char **argv)
{
    bool strict = false;
    int arg = 1;
    if (arg < argc && strcmp(argv[arg], "--strict") == 0) {
        strict = true;
        arg++;
    }
    if (argc - arg != 3) {
        fprintf(stderr, "usage: collection_tool [--strict] FROM TO FILE\n");
        return 2;
    }
    ac_context *ctx = ac_context_new();
    if (!ctx) {
        fprintf(stderr, "collection_tool: out of memory\n");
        return 1;
    }
    ac_context_set_warning_handler(ctx, on_warning, NULL);
    ac_context_set_strict(ctx, strict);
    const ac_format *from = find_format(ctx, argv[arg], true);
    const ac_format *to = find_format(ctx, argv[arg + 1], false);

    int status = 1;
    ac_doc **docs = NULL;
    size_t count = 0;
    bool is_collection = false;
    char *out = NULL;
    size_t out_len = 0;
    ac_error e;
    if (ac_read_file_many(ctx, from, argv[arg + 2], &docs, &count,
                          &is_collection, &e) != AC_OK) {
        print_diagnostic(&e, "error");
        goto done;
    }
    if (!is_collection)
        fprintf(stderr, "collection_tool: one agent, not a collection\n");
    if (ac_write_many(ctx, to, docs, count, &out, &out_len, &e) != AC_OK) {
        snprintf(e.source, sizeof e.source, "%s", argv[arg + 2]);
        print_diagnostic(&e, "error");
        goto done;
    }
    if (fwrite(out, 1, out_len, stdout) != out_len || fflush(stdout) != 0) {
        fprintf(stderr, "collection_tool: cannot write the output\n");
        goto done;
    }
    status = 0;
done:
    free(out);
    ac_docs_free(docs, count);
    ac_context_free(ctx);
    return status;
}
