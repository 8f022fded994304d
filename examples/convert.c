/*
 * A small program using libagentconv: read an agent in any form, print its
 * name and write it as JSON to standard output.
 *
 *   cc convert.c $(pkg-config --cflags --libs agentconv) -o convert
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>

#include <agentconv/agentconv.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s AGENT-FILE\n", argv[0]);
        return 2;
    }
    ac_context *ctx = ac_context_new();
    if (!ctx)
        return 1;
    ac_error err;
    ac_doc *doc = NULL;
    char *json = NULL;
    size_t len = 0;
    int rc = 1;
    /* NULL format: from the file name, else sniffed from the content. */
    if (ac_read_file(ctx, NULL, argv[1], &doc, &err) != AC_OK)
        goto fail;
    const char *name =
        ac_value_string(ac_map_get(ac_doc_fields(doc), "name"), NULL);
    fprintf(stderr, "agent: %s\n", name ? name : "(no name)");
    if (ac_write(ctx, ac_format_find(ctx, "json"), doc, &json, &len, &err) !=
        AC_OK)
        goto fail;
    fwrite(json, 1, len, stdout);
    rc = 0;
    goto done;
fail : {
    char line[700];
    ac_error_format(&err, "error", line, sizeof line);
    fprintf(stderr, "%s\n", line);
}
done:
    free(json);
    ac_doc_free(doc);
    ac_context_free(ctx);
    return rc;
}
