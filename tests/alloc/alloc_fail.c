/*
 * Allocation failure (docs/hardening.md): for each of the md, json, yaml
 * and xml readers and writers, make the N-th allocation fail, for N = 0,
 * 1, 2, ... until the call no longer reaches an N-th allocation, and check
 * each time that
 *   - the call fails with AC_ERR_NOMEM and a message, or succeeds with a
 *     result equal to the one made without a failure (a dependency may
 *     recover from a failed allocation; a truncated result taken as a
 *     success fails the test);
 *   - it leaks nothing: as many blocks are live after the call as before;
 *   - it does not crash (the whole run is one process).
 *
 * libyaml has no allocator hook, so malloc, calloc, realloc and free are
 * interposed here, in the executable, and forward to glibc's
 * __libc_malloc family; strdup and the like reach them through glibc's
 * own malloc. This program is built without sanitizers (an ASan runtime
 * owns malloc itself), and runs plainly and under valgrind memcheck
 * (valgrind must be told --soname-synonyms=somalloc=nouserintercepts, or
 * it replaces these functions with its own).
 *
 * Only allocations made while the test is armed count, so the libraries'
 * one-time setup (libxml2's, done by the first ac_context_new) is made
 * before and not counted.
 *
 * usage: alloc_fail [--verbose]
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlerror.h>

#include "agentconv/agentconv.h"

/* glibc's own allocator (exported for exactly this use). */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

static bool armed;                /* counting allocations */
static long fail_at = -1;         /* the allocation number to fail, or -1 */
static long seen;                 /* allocations counted since arming */
static long live;                 /* blocks allocated minus blocks freed */
static bool injected;             /* the failure happened */
static const void *failed_caller; /* the code that saw it fail */

/* Whether this allocation fails. `caller` is the allocating code. */
static bool should_fail(const void *caller)
{
    if (!armed)
        return false;
    long n = seen++;
    if (n == fail_at) {
        injected = true;
        failed_caller = caller;
        return true;
    }
    return false;
}

/* The file name of the shared object holding `addr` ("" if unknown). */
static const char *object_of(const void *addr)
{
    Dl_info info;
    if (addr && dladdr(addr, &info) && info.dli_fname)
        return info.dli_fname;
    return "";
}

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

void *malloc(size_t size)
{
    if (should_fail(__builtin_return_address(0)))
        return NULL;
    void *p = __libc_malloc(size);
    if (p)
        live++;
    return p;
}

void *calloc(size_t n, size_t size)
{
    if (should_fail(__builtin_return_address(0)))
        return NULL;
    void *p = __libc_calloc(n, size);
    if (p)
        live++;
    return p;
}

void *realloc(void *p, size_t size)
{
    if (!p) {
        if (should_fail(__builtin_return_address(0)))
            return NULL;
        void *q = __libc_malloc(size);
        if (q)
            live++;
        return q;
    }
    if (size == 0) {
        free(p);
        return NULL;
    }
    if (should_fail(__builtin_return_address(0)))
        return NULL;
    return __libc_realloc(p, size);
}

void free(void *p)
{
    if (!p)
        return;
    live--;
    __libc_free(p);
}

/* ---- the inputs ---- */

/* The reference agent's shape with every kind of value besides. */
static const char agent_md[] =
    "---\n"
    "name: alloc-test\n"
    "description: \"An agent with every kind of value: strings, lists, maps,"
    " numbers\"\n"
    "model: opus\n"
    "color: cyan\n"
    "tools:\n"
    "  - Read\n"
    "  - Grep\n"
    "  - Bash\n"
    "steps: 12\n"
    "temperature: 0.25\n"
    "enabled: true\n"
    "nothing: null\n"
    "permission:\n"
    "  edit: deny\n"
    "  bash:\n"
    "    \"git *\": allow\n"
    "    \"rm *\": deny\n"
    "  nested: [1, [2, 3], {a: b}]\n"
    "---\n"
    "\n"
    "You are a careful agent.\n"
    "\n"
    "1. **Read** the code.\n"
    "2. Write `tests` <first> & then \"code\".\n"
    "\n"
    "```rust\n"
    "fn main() { println!(\"]]>\"); }\n"
    "```\n";

static const char *const forms[] = {"md", "json", "yaml", "xml"};

static int failures;
static bool verbose;
static long as_syntax; /* failures reported as syntax errors (above) */

__attribute__((format(printf, 3, 4))) static void fail(const char *what, long n,
                                                       const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "FAIL [%s, allocation %ld in %s]: ", what, n,
            object_of(failed_caller));
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    failures++;
}

typedef struct {
    const char *what;
    ac_context *ctx;
    const ac_format *format;
    const char *text; /* the reader's input */
    size_t text_len;
    const ac_doc *doc;    /* the writer's input, and the reader's result */
    const char *expected; /* the writer's result */
    size_t expected_len;
} op;

static const char *only_what; /* --only WHAT N: one run, for a debugger */
static long only_n;

/* Run the operation once with allocation `n` failing (-1: none). Returns
 * true when the failure was injected. */
static bool run_once(const op *o, bool reading, long n)
{
    ac_error e;
    memset(&e, 0, sizeof e);
    ac_doc *doc = NULL;
    char *out = NULL;
    size_t out_len = 0;

    long live_before = live;
    seen = 0;
    injected = false;
    fail_at = n;
    armed = true;
    ac_status st =
        reading
            ? ac_read(o->ctx, o->format, o->text, o->text_len, "in", &doc, &e)
            : ac_write(o->ctx, o->format, o->doc, &out, &out_len, &e);
    armed = false;
    bool hit = injected;

    if (st == AC_OK) {
        if (reading && !ac_doc_equal(doc, o->doc)) {
            fail(o->what, n, "%s", "succeeded with a different document");
            if (only_what) {
                char *a = ac_doc_dump(o->doc), *b = ac_doc_dump(doc);
                fprintf(stderr, "expected:\n%s\nread:\n%s\n", a, b);
                free(a);
                free(b);
            }
        }
        if (!reading && (out_len != o->expected_len ||
                         memcmp(out, o->expected, out_len) != 0))
            fail(o->what, n, "succeeded with a different output: %s", out);
    } else if (!hit) {
        fail(o->what, n, "failed without a failed allocation: %s", e.text);
    } else if (st == AC_ERR_SYNTAX &&
               (strstr(object_of(failed_caller), "libjansson") ||
                strstr(object_of(failed_caller), "libxml2"))) {
        /* Dependencies that do not report some failed allocations as such
         * (docs/hardening.md): jansson 2.14's lexer reports one as a
         * syntax error ("invalid token"); libxml2 2.9's URI parser and
         * namespace table as a namespace error. The call still fails. */
        as_syntax++;
    } else if (st != AC_ERR_NOMEM) {
        fail(o->what, n, "failed, but not with AC_ERR_NOMEM: %s", e.text);
    } else if (e.text[0] == '\0') {
        fail(o->what, n, "%s", "AC_ERR_NOMEM without a message");
    }
    if (st != AC_OK && (doc || out))
        fail(o->what, n, "%s", "failed, but returned a result");
    ac_doc_free(doc);
    free(out);
    /* libxml2 keeps a copy of the last error per thread (the host's to
     * read); it is freed by the next error or here. */
    xmlResetLastError();
    if (live != live_before) {
        fail(o->what, n, "%ld block(s) leaked", live - live_before);
    }
    return hit;
}

/* N = 0, 1, 2, ... until the call makes fewer than N + 1 allocations. */
static void exhaust(const op *o, bool reading)
{
    if (only_what) {
        if (strcmp(only_what, o->what) == 0)
            run_once(o, reading, only_n);
        return;
    }
    long n = 0;
    while (run_once(o, reading, n))
        n++;
    if (n == 0)
        fail(o->what, 0, "%s", "made no allocation at all");
    if (verbose || failures)
        printf("%-10s %ld allocations, each failed in turn (%ld reported as "
               "syntax errors by the dependency)\n",
               o->what, n, as_syntax);
    as_syntax = 0;
}

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int main(int argc, char **argv)
{
    verbose = argc > 1 && strcmp(argv[1], "--verbose") == 0;
    /* The xml writer's failures go to libxml2's generic error handler,
     * which the library leaves to the host (this program): quiet. */
    xmlSetGenericErrorFunc(NULL, quiet);
    if (argc == 4 && strcmp(argv[1], "--only") == 0) {
        only_what = argv[2];
        only_n = strtol(argv[3], NULL, 10);
    }
    ac_context *ctx = ac_context_new();
    if (!ctx) {
        fprintf(stderr, "alloc_fail: ac_context_new failed\n");
        return 2;
    }
    ac_error e;
    ac_doc *agent = NULL;
    if (ac_read(ctx, ac_format_find(ctx, "md"), agent_md, sizeof agent_md - 1,
                "agent.md", &agent, &e) != AC_OK) {
        fprintf(stderr, "alloc_fail: the agent does not read: %s\n", e.text);
        return 2;
    }
    /* Each form's text, and a first run of each reader and writer, which
     * also makes the libraries' per-thread setup before counting. */
    char *texts[4];
    size_t lens[4];
    for (size_t f = 0; f < 4; f++) {
        const ac_format *fmt = ac_format_find(ctx, forms[f]);
        ac_doc *back = NULL;
        if (!fmt ||
            ac_write(ctx, fmt, agent, &texts[f], &lens[f], &e) != AC_OK ||
            ac_read(ctx, fmt, texts[f], lens[f], "in", &back, &e) != AC_OK ||
            !ac_doc_equal(back, agent)) {
            fprintf(stderr, "alloc_fail: %s does not round-trip: %s\n",
                    forms[f], e.text);
            return 2;
        }
        ac_doc_free(back);
    }
    for (size_t f = 0; f < 4; f++) {
        char what[32];
        op o = {what,     ctx,     ac_format_find(ctx, forms[f]),
                texts[f], lens[f], agent,
                texts[f], lens[f]};
        snprintf(what, sizeof what, "read %s", forms[f]);
        exhaust(&o, true);
        snprintf(what, sizeof what, "write %s", forms[f]);
        exhaust(&o, false);
    }
    /* The context itself. */
    long n = 0;
    for (;; n++) {
        long live_before = live;
        seen = 0;
        injected = false;
        fail_at = n;
        armed = true;
        ac_context *c = ac_context_new();
        armed = false;
        ac_context_free(c);
        if (live != live_before)
            fail("context", n, "%s", "leaked");
        if (!injected) {
            if (!c)
                fail("context", n, "%s", "failed without a failed allocation");
            break;
        }
    }
    if (verbose)
        printf("%-10s %ld allocations, each failed in turn\n", "context", n);
    for (size_t f = 0; f < 4; f++)
        free(texts[f]);
    ac_doc_free(agent);
    ac_context_free(ctx);
    printf("alloc_fail: %d failure(s)\n", failures);
    return failures ? 1 : 0;
}
