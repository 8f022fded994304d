/*
 * A small program using libagentconv: read an agent, set one of its fields
 * and write it in another form.
 *
 *   edit AGENT-FILE MODEL FORM
 *
 * reads AGENT-FILE (any form, told by its name or its content), sets its
 * `model` field to MODEL (replacing the old value in place, or adding the
 * field at the end) and writes the agent in FORM (md, json, yaml, xml,
 * html) to standard output. For example:
 *
 *   edit rust-backend-engineer.md sonnet yaml
 *
 * Build it against an installed library with
 *
 *   cc edit.c $(pkg-config --cflags --libs agentconv) -o edit
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <agentconv/agentconv.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s AGENT-FILE MODEL FORM\n", argv[0]);
        return 2;
    }
    const char *path = argv[1], *model = argv[2], *form = argv[3];

    /* Everything the library needs lives in a context that we own: the
     * formats, the safety limits and the warning handler (none here, so
     * warnings are dropped). */
    ac_context *ctx = ac_context_new();
    if (!ctx) {
        fputs("out of memory\n", stderr);
        return 1;
    }
    /* A form is looked up by name; NULL means the name is unknown. */
    const ac_format *to = ac_format_find(ctx, form);
    if (!to || !to->write) {
        fprintf(stderr, "%s: not a form agentconv can write\n", form);
        ac_context_free(ctx);
        return 2;
    }

    ac_error err;
    ac_doc *doc = NULL;
    char *out = NULL;
    size_t out_len = 0;
    int rc = 1;

    /* Read the file. A NULL format means: from the file name's extension,
     * else sniffed from the content. On failure `err` says where and why. */
    if (ac_read_file(ctx, NULL, path, &doc, &err) != AC_OK)
        goto fail;

    /* The fields are an ordered map that the document owns; we borrow it
     * and edit it in place. ac_map_set copies the key and takes the value
     * (also when it fails, so there is nothing to free here). An existing
     * key keeps its place in the map, so the output keeps the field order. */
    ac_value *fields = ac_doc_fields(doc);
    ac_value *value = ac_value_new_string(model, strlen(model));
    if (ac_map_set(fields, "model", strlen("model"), value) != AC_OK) {
        fputs("out of memory\n", stderr);
        goto done;
    }

    /* Write it: `out` is a new NUL-terminated buffer of `out_len` bytes,
     * ours to free. */
    if (ac_write(ctx, to, doc, &out, &out_len, &err) != AC_OK)
        goto fail;
    if (fwrite(out, 1, out_len, stdout) != out_len || fflush(stdout) != 0) {
        perror("standard output");
        goto done;
    }
    rc = 0;
    goto done;

fail : {
    /* "file:line:column: error: text", as the command line prints it. */
    char line[AC_ERROR_SOURCE_LENGTH + AC_ERROR_TEXT_LENGTH + 64];
    ac_error_format(&err, "error", line, sizeof line);
    fprintf(stderr, "%s\n", line);
}
done:
    free(out);
    ac_doc_free(doc);
    ac_context_free(ctx);
    return rc;
}
