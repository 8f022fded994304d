/*
 * Print the html form's index page of some agents, for tests/check_html.sh
 * (which runs tidy on it). It reads each FILE with the public API and
 * writes the page with the library-internal acp_html_index, so it links
 * the static library.
 *
 * usage: html_index HREF FILE [HREF FILE]...
 *
 * HREF is the link to the agent's page written for FILE. Exit status 0, or
 * 1 after a message on stderr.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>

#include "agentconv/agentconv.h"
#include "html_internal.h"
#include "internal.h"

static void print_error(const ac_error *e)
{
    char line[AC_ERROR_SOURCE_LENGTH + AC_ERROR_TEXT_LENGTH + 64];
    ac_error_format(e, "error", line, sizeof line);
    fprintf(stderr, "html_index: %s\n", line);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc % 2 == 0) {
        fprintf(stderr, "usage: html_index HREF FILE [HREF FILE]...\n");
        return 1;
    }
    size_t n = (size_t)(argc - 1) / 2;
    ac_context *ctx = ac_context_new();
    acp_html_entry *entries = calloc(n, sizeof *entries);
    ac_doc **docs = calloc(n, sizeof *docs);
    if (!ctx || !entries || !docs) {
        fprintf(stderr, "html_index: out of memory\n");
        free(docs);
        free(entries);
        ac_context_free(ctx);
        return 1;
    }
    int status = 0;
    size_t read = 0;
    for (; read < n; read++) {
        ac_error e;
        if (ac_read_file(ctx, NULL, argv[2 + 2 * read], &docs[read], &e) !=
            AC_OK) {
            print_error(&e);
            status = 1;
            break;
        }
        entries[read].href = argv[1 + 2 * read];
        entries[read].doc = docs[read];
    }
    if (status == 0) {
        ac_buf out;
        ac_error e;
        acp_buf_init(&out);
        if (acp_html_index(ctx, entries, n, &out, &e) != AC_OK) {
            print_error(&e);
            status = 1;
        } else if (fwrite(out.data, 1, out.len, stdout) != out.len ||
                   fflush(stdout) != 0) {
            fprintf(stderr, "html_index: cannot write the page\n");
            status = 1;
        }
        acp_buf_release(&out);
    }
    for (size_t i = 0; i < read; i++)
        ac_doc_free(docs[i]);
    free(docs);
    free(entries);
    ac_context_free(ctx);
    return status;
}
