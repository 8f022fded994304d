/*
 * A host program that sets up libxml2 and jansson its own way, then uses
 * libagentconv (the shared library, as a real host links it) to read and
 * write broken and good XML and JSON. Afterwards:
 *
 * - the host's libxml2 generic and structured error handlers, with their
 *   context pointers, are still installed, and an error libxml2 raises for
 *   the host still reaches them;
 * - none of agentconv's errors reached them (agentconv reports through its
 *   ac_error only);
 * - jansson's allocation functions are still the host's;
 * - the host's locale and libxml2's per-thread output setting
 *   (xmlSaveNoEmptyTags) are as the host left them, and agentconv's output
 *   does not depend on the latter;
 * - the library wrote nothing to standard error.
 *
 * Exits 0 when every check passes; else prints each failure and exits 1.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "agentconv/agentconv.h"

static int failures;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
            failures++;                                                        \
        }                                                                      \
    } while (0)

/* ---- the host's handlers ---- */

static int generic_calls, structured_calls;
static char generic_marker, structured_marker;

static void host_generic(void *ctx, const char *msg, ...)
{
    (void)msg;
    if (ctx == &generic_marker)
        generic_calls++;
}

static void host_structured(void *ctx, xmlErrorPtr error)
{
    (void)error;
    if (ctx == &structured_marker)
        structured_calls++;
}

static size_t host_allocs;

static void *host_malloc(size_t n)
{
    host_allocs++;
    return malloc(n);
}

static void host_free(void *p) { free(p); }

/* ---- agentconv calls ---- */

static const char good_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<agent xmlns=\"urn:agentconv:agent:1\">\n  <name>host</name>\n  <tools "
    "type=\"list\"><item>Read</item>"
    "</tools>\n  <instructions>Do it.</instructions>\n</agent>\n";
static const char broken_xml[] = "<agent>\n  <name>host</nam>\n</agent>\n";
static const char undefined_entity_xml[] = "<agent><name>&nope;</name></agent>";
static const char good_json[] =
    "{\"name\": \"host\", \"n\": 2.5, \"instructions\": \"Do it.\"}";
static const char broken_json[] = "{\"name\": \"host\",\n \"n\": }";
static const char broken_collection[] =
    "<agents xmlns=\"urn:agentconv:agent:1\"><agent><name>a</name>"
    "</agent><agent></agents>";

static const ac_format *form(ac_context *ctx, const char *name)
{
    const ac_format *f = ac_format_find(ctx, name);
    if (!f) {
        fprintf(stderr, "no format %s\n", name);
        exit(1);
    }
    return f;
}

/* Read `text` in `name`; expect `want` (and a doc when AC_OK). */
static ac_doc *read_expect(ac_context *ctx, const char *name, const char *text,
                           ac_status want, int want_line)
{
    ac_doc *doc = NULL;
    ac_error e;
    ac_status st =
        ac_read(ctx, form(ctx, name), text, strlen(text), "host", &doc, &e);
    CHECK(st == want);
    if (st != AC_OK) {
        CHECK(doc == NULL);
        CHECK(e.line == want_line);
        CHECK(e.text[0] != '\0');
    }
    return doc;
}

static char *write_xml(ac_context *ctx, const ac_doc *doc)
{
    char *out = NULL;
    size_t len = 0;
    CHECK(ac_write(ctx, form(ctx, "xml"), doc, &out, &len, NULL) == AC_OK);
    return out;
}

/* Everything agentconv does in this test: reads that fail and reads that
 * succeed, in both forms, one at a time and as collections, and writes. */
static void use_agentconv(void)
{
    ac_context *ctx = ac_context_new();
    CHECK(ctx != NULL);
    if (!ctx)
        return;
    ac_doc *doc = read_expect(ctx, "xml", broken_xml, AC_ERR_SYNTAX, 2);
    ac_doc_free(doc);
    doc = read_expect(ctx, "xml", undefined_entity_xml, AC_ERR_SYNTAX, 1);
    ac_doc_free(doc);
    doc = read_expect(ctx, "json", broken_json, AC_ERR_SYNTAX, 2);
    ac_doc_free(doc);

    ac_doc **docs = NULL;
    size_t count = 0;
    bool is_collection = false;
    ac_error e;
    CHECK(ac_read_many(ctx, form(ctx, "xml"), broken_collection,
                       strlen(broken_collection), "host", &docs, &count,
                       &is_collection, &e) == AC_ERR_SYNTAX);
    ac_docs_free(docs, count);

    doc = read_expect(ctx, "xml", good_xml, AC_OK, 0);
    ac_doc *json_doc = read_expect(ctx, "json", good_json, AC_OK, 0);
    CHECK(doc != NULL && json_doc != NULL);
    if (doc && json_doc) {
        /* The xml output does not depend on the host's per-thread
         * xmlSaveNoEmptyTags (an empty element is written the same). */
        CHECK(ac_map_set(ac_doc_fields(doc), "empty", 5,
                         ac_value_new_string("", 0)) == AC_OK);
        int saved = xmlSaveNoEmptyTags;
        xmlSaveNoEmptyTags = 0;
        char *a = write_xml(ctx, doc);
        xmlSaveNoEmptyTags = 1;
        char *b = write_xml(ctx, doc);
        CHECK(xmlSaveNoEmptyTags == 1);
        xmlSaveNoEmptyTags = saved;
        CHECK(a && b && strcmp(a, b) == 0);
        free(a);
        free(b);
        char *out = NULL;
        size_t len = 0;
        CHECK(ac_write(ctx, form(ctx, "json"), json_doc, &out, &len, &e) ==
              AC_OK);
        free(out);
        ac_doc *pair[2] = {doc, json_doc};
        CHECK(ac_write_many(ctx, form(ctx, "xml"), pair, 2, &out, &len, &e) ==
              AC_OK);
        /* And back: a collection read through libxml2 again. */
        CHECK(ac_read_many(ctx, form(ctx, "xml"), out, len, "host", &docs,
                           &count, &is_collection, &e) == AC_OK);
        CHECK(count == 2 && is_collection);
        ac_docs_free(docs, count);
        free(out);
    }
    ac_doc_free(doc);
    ac_doc_free(json_doc);
    ac_context_free(ctx);
}

/* Run use_agentconv() with standard error going to a temporary file; return
 * what was written there (the library must write nothing). */
static long stderr_bytes_during_use(void)
{
    fflush(stderr);
    FILE *tmp = tmpfile();
    int saved = dup(STDERR_FILENO);
    if (!tmp || saved < 0 || dup2(fileno(tmp), STDERR_FILENO) < 0) {
        perror("host_handlers: redirecting stderr");
        exit(1);
    }
    int before = failures;
    use_agentconv();
    int during = failures - before;
    fflush(stderr);
    long n = ftell(tmp);
    dup2(saved, STDERR_FILENO);
    close(saved);
    if (n > 0) {
        /* Show what was written (checks that failed are among it). */
        char buf[4096];
        rewind(tmp);
        size_t got = fread(buf, 1, sizeof buf - 1, tmp);
        buf[got] = '\0';
        fprintf(stderr, "written to stderr while agentconv ran:\n%s", buf);
    }
    fclose(tmp);
    /* A failed CHECK writes to stderr itself: count only the rest. */
    return during ? 0 : n;
}

int main(void)
{
    setlocale(LC_ALL, "C");
    char *locale_before = strdup(setlocale(LC_ALL, NULL));

    xmlInitParser();
    xmlSetGenericErrorFunc(&generic_marker, host_generic);
    xmlSetStructuredErrorFunc(&structured_marker, host_structured);
    json_set_alloc_funcs(host_malloc, host_free);

    long leaked = stderr_bytes_during_use();
    CHECK(leaked == 0);

    /* agentconv's errors went to its ac_error, not to the host. */
    CHECK(generic_calls == 0);
    CHECK(structured_calls == 0);

    /* The host's handlers are still the installed ones... */
    CHECK(xmlGenericError == host_generic);
    CHECK(xmlGenericErrorContext == &generic_marker);
    CHECK(xmlStructuredError == host_structured);
    CHECK(xmlStructuredErrorContext == &structured_marker);

    /* ... and libxml2 still calls them for the host's own parse. */
    xmlDocPtr d = xmlReadMemory("<a>", 3, "host.xml", NULL, 0);
    CHECK(d == NULL);
    xmlFreeDoc(d);
    CHECK(structured_calls > 0);

    /* jansson's allocator is still the host's, and agentconv's JSON went
     * through it (it is process-wide: the library does not replace it). */
    json_malloc_t m = NULL;
    json_free_t f = NULL;
    json_get_alloc_funcs(&m, &f);
    CHECK(m == host_malloc);
    CHECK(f == host_free);
    CHECK(host_allocs > 0);

    CHECK(strcmp(setlocale(LC_ALL, NULL), locale_before) == 0);
    free(locale_before);

    if (failures) {
        fprintf(stderr, "host_handlers: %d check(s) failed\n", failures);
        return 1;
    }
    printf("host_handlers: the host's libxml2 handlers, jansson allocator "
           "and locale are untouched; agentconv reported %s\n",
           "through ac_error only");
    return 0;
}
