/*
 * The program the install tests build against an installed agentconv,
 * outside the source tree: with pkg-config, with find_package(agentconv),
 * and with the static library. It reads an agent file into memory,
 * converts it in memory (ac_read, ac_write) to the json form and prints
 * it; tests/install_test.sh compares that with the installed tool's
 * `agentconv FILE -t json`.
 *
 *   consumer AGENT-FILE
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <agentconv/agentconv.h>

/* The whole file in a new buffer, or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    size_t used = 0, size = 0;
    for (;;) {
        if (used == size) {
            size_t grown = size ? size * 2 : 4096;
            char *p = realloc(data, grown);
            if (!p) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = p;
            size = grown;
        }
        size_t n = fread(data + used, 1, size - used, f);
        used += n;
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(data);
        return NULL;
    }
    *len = used;
    return data;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s AGENT-FILE\n", argv[0]);
        return 2;
    }
    /* The header and the library loaded at run time must agree. */
    if (ac_version() != AGENTCONV_VERSION ||
        strcmp(ac_version_string(), AGENTCONV_VERSION_STRING) != 0) {
        fprintf(stderr, "header %s, library %s\n", AGENTCONV_VERSION_STRING,
                ac_version_string());
        return 1;
    }
    size_t len = 0;
    char *data = slurp(argv[1], &len);
    if (!data) {
        perror(argv[1]);
        return 1;
    }
    ac_context *ctx = ac_context_new();
    ac_doc *doc = NULL;
    char *json = NULL;
    size_t json_len = 0;
    ac_error err;
    int rc = 1;
    if (!ctx) {
        fputs("out of memory\n", stderr);
        goto done;
    }
    const ac_format *json_form = ac_format_find(ctx, "json");
    if (!json_form) {
        fputs("no json form\n", stderr);
        goto done;
    }
    if (ac_read(ctx, ac_format_for_path(ctx, argv[1]), data, len, argv[1], &doc,
                &err) != AC_OK ||
        ac_write(ctx, json_form, doc, &json, &json_len, &err) != AC_OK) {
        char line[AC_ERROR_SOURCE_LENGTH + AC_ERROR_TEXT_LENGTH + 64];
        ac_error_format(&err, "error", line, sizeof line);
        fprintf(stderr, "%s\n", line);
        goto done;
    }
    if (fwrite(json, 1, json_len, stdout) == json_len && fflush(stdout) == 0)
        rc = 0;
done:
    free(json);
    ac_doc_free(doc);
    ac_context_free(ctx);
    free(data);
    return rc;
}
