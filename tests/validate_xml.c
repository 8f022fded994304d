/*
 * validate_xml: validate XML files against an XSD with libxml2.
 *
 * usage: validate_xml [--min N] SCHEMA.xsd PATTERN...
 *
 * Each PATTERN is a file name or a glob(3) pattern, expanded here (ctest
 * passes arguments without a shell), so that files added after CMake ran
 * are found too. Every file is parsed (no DTD, no entities, no network)
 * and validated; each failure is printed as "file:line: message". The
 * last line is "N passed, M failed". The exit status is 0 when nothing
 * failed and at least N files (default 1) were validated, else 1; 2 for a
 * usage error or a schema that does not load.
 *
 * A test tool: it links libxml2 only, not agentconv.
 *
 * SPDX-License-Identifier: MIT
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

typedef struct report {
    const char *file;
    int errors;
} report;

static void print_error(void *user, xmlErrorPtr e)
{
    report *r = user;
    const char *m = e->message ? e->message : "unknown error";
    size_t n = strcspn(m, "\n");
    r->errors++;
    printf("%s:%d: %.*s\n", r->file, e->line, (int)n, m);
}

static void print_schema_error(void *user, xmlErrorPtr e)
{
    const char *path = ((const char *const *)user)[0];
    const char *m = e->message ? e->message : "unknown error";
    fprintf(stderr, "%s:%d: %.*s\n", e->file ? e->file : path, e->line,
            (int)strcspn(m, "\n"), m);
}

static void quiet(void *user, xmlErrorPtr e)
{
    (void)user;
    (void)e;
}

/* 0: valid; 1: not. A parse error is reported from the parser context
 * (its handler only keeps libxml2 from printing), a validity error through
 * the validation context's handler. */
static int validate(xmlSchemaPtr schema, const char *file)
{
    report r = {file, 0};
    xmlParserCtxtPtr pc = xmlNewParserCtxt();
    if (!pc) {
        printf("%s: out of memory\n", file);
        return 1;
    }
    pc->sax->serror = quiet;
    xmlDocPtr doc = xmlCtxtReadFile(pc, file, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR |
                                        XML_PARSE_NOWARNING);
    if (!doc || !pc->wellFormed) {
        const char *m =
            pc->lastError.message ? pc->lastError.message : "cannot be read";
        printf("%s:%d: %.*s\n", file, pc->lastError.line, (int)strcspn(m, "\n"),
               m);
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(pc);
        return 1;
    }
    xmlFreeParserCtxt(pc);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    if (!vc) {
        printf("%s: out of memory\n", file);
        xmlFreeDoc(doc);
        return 1;
    }
    xmlSchemaSetValidStructuredErrors(vc, print_error, &r);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlFreeDoc(doc);
    if (rc != 0 && r.errors == 0)
        printf("%s: not valid\n", file);
    return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    long min = 1;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "--min") == 0) {
        char *end;
        min = strtol(argv[i + 1], &end, 10);
        if (*end != '\0' || min < 0) {
            fprintf(stderr, "validate_xml: bad --min %s\n", argv[i + 1]);
            return 2;
        }
        i += 2;
    }
    if (argc - i < 1) {
        fprintf(stderr,
                "usage: validate_xml [--min N] SCHEMA.xsd PATTERN...\n");
        return 2;
    }
    const char *schema_path = argv[i++];

    /* A program may set libxml2's handlers (the library may not): keep
     * anything not routed through a context from printing twice. */
    xmlSetStructuredErrorFunc(NULL, quiet);
    xmlSchemaParserCtxtPtr spc = xmlSchemaNewParserCtxt(schema_path);
    if (!spc) {
        fprintf(stderr, "validate_xml: %s: cannot read\n", schema_path);
        return 2;
    }
    xmlSchemaSetParserStructuredErrors(spc, print_schema_error, &schema_path);
    xmlSchemaPtr schema = xmlSchemaParse(spc);
    xmlSchemaFreeParserCtxt(spc);
    if (!schema) {
        fprintf(stderr, "validate_xml: %s: not a usable schema\n", schema_path);
        return 2;
    }

    long passed = 0, failed = 0;
    for (; i < argc; i++) {
        glob_t g;
        int rc = glob(argv[i], 0, NULL, &g);
        if (rc == GLOB_NOMATCH)
            continue;
        if (rc != 0) {
            fprintf(stderr, "validate_xml: %s: glob failed\n", argv[i]);
            failed++;
            continue;
        }
        for (size_t k = 0; k < g.gl_pathc; k++) {
            if (validate(schema, g.gl_pathv[k]) == 0)
                passed++;
            else
                failed++;
        }
        globfree(&g);
    }
    xmlSchemaFree(schema);
    printf("%ld passed, %ld failed\n", passed, failed);
    if (passed + failed < min) {
        printf("validate_xml: expected at least %ld file%s\n", min,
               min == 1 ? "" : "s");
        return 1;
    }
    return failed == 0 ? 0 : 1;
}
