/*
 * The round-trip property over real files: every agent file under a
 * directory is read, and its model must survive every form the library can
 * read and write (md, json, yaml, xml: the context's formats, whichever
 * exist).
 *
 * Usage: roundtrip_corpus [--golden] [--min-files N] [DIR]
 *
 * Without --golden, every .md file under DIR (README.md aside) is read as
 * md: the corpus of real agents. With --golden, DIR is golden/valid and
 * every CASE/input.* is read in the form its extension names.
 *
 * For each file x, with m = read(x) and for every form A:
 *   - x_A = write_A(m) is the same bytes when written twice;
 *   - m_A = read_A(x_A) equals m, and write_A(m_A) gives x_A again;
 *   - for every form B, read_B(write_B(m_A)) equals m_A;
 *   - when x is canonical (written in its own form F, m gives x back),
 *     write_F(m_A) is x byte for byte.
 *
 * Files the reader rejects are listed ("rejected: path:line:col: text");
 * in the corpus they are counted but do not fail the run (recovering
 * invalid real-world YAML is a later step); a golden input that does not
 * read is a failure. The run fails when a file fails a check, or when
 * fewer than N files (300 by default) were found, which guards against an
 * empty or missing directory. It prints per-form counts and ends with
 * "N passed, M failed".
 *
 * Uses the public API only, like any other program.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agentconv/agentconv.h"

#ifndef CORPUS_DEFAULT_DIR
#define CORPUS_DEFAULT_DIR "tests/corpus"
#endif

#define DEFAULT_MIN_FILES 300

/* ---- the list of files ---- */

struct path_list {
    char **items;
    size_t len;
    size_t cap;
};

static int path_list_add(struct path_list *list, const char *path)
{
    if (list->len == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 256;
        char **items = realloc(list->items, cap * sizeof *items);
        if (!items)
            return -1;
        list->items = items;
        list->cap = cap;
    }
    size_t n = strlen(path);
    char *copy = malloc(n + 1);
    if (!copy)
        return -1;
    memcpy(copy, path, n + 1);
    list->items[list->len++] = copy;
    return 0;
}

static void path_list_free(struct path_list *list)
{
    for (size_t i = 0; i < list->len; i++)
        free(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->len = list->cap = 0;
}

static int compare_paths(const void *a, const void *b)
{
    const char *const *pa = a;
    const char *const *pb = b;
    return strcmp(*pa, *pb);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s);
    size_t m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Which files to check: .md files of the corpus, or the input.* files of
 * golden cases. */
static bool golden_mode;

/* Whether a directory entry named `name` is an agent file to check. */
static bool is_agent_file(const char *name)
{
    if (golden_mode)
        return strncmp(name, "input.", 6) == 0;
    return ends_with(name, ".md") && strcmp(name, "README.md") != 0;
}

/*
 * Collect the agent files under `dir` into `list`, recursing into
 * subdirectories. Hidden entries (".commit", ".git") are skipped, and so
 * are symbolic links. Returns 0, or -1 after printing why.
 */
static int collect(const char *dir, struct path_list *list)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "roundtrip_corpus: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        const char *name = ent->d_name;
        if (name[0] == '.')
            continue;
        size_t len = strlen(dir) + 1 + strlen(name) + 1;
        char *path = malloc(len);
        if (!path) {
            fprintf(stderr, "roundtrip_corpus: out of memory\n");
            rc = -1;
            break;
        }
        snprintf(path, len, "%s/%s", dir, name);
        struct stat st;
        if (lstat(path, &st) != 0) {
            fprintf(stderr, "roundtrip_corpus: %s: %s\n", path,
                    strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = collect(path, list);
        } else if (S_ISREG(st.st_mode) && is_agent_file(name)) {
            rc = path_list_add(list, path);
            if (rc != 0)
                fprintf(stderr, "roundtrip_corpus: out of memory\n");
        }
        free(path);
        if (rc != 0)
            break;
    }
    closedir(d);
    return rc;
}

/* ---- reading a whole file (to tell which files are already canonical) */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192;
    size_t n = 0;
    char *data = malloc(cap);
    while (data) {
        n += fread(data + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = realloc(data, cap * 2);
        if (!bigger) {
            free(data);
            data = NULL;
            break;
        }
        data = bigger;
        cap *= 2;
    }
    if (data && ferror(f)) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *len = n;
    return data;
}

/* ---- reporting ---- */

/* "path:line:col: text", leaving out what is unknown. */
static void print_location(FILE *out, const char *path, const ac_error *err)
{
    if (err->line > 0 && err->column > 0)
        fprintf(out, "%s:%d:%d: %s", path, err->line, err->column, err->text);
    else if (err->line > 0)
        fprintf(out, "%s:%d: %s", path, err->line, err->text);
    else
        fprintf(out, "%s: %s", path, err->text);
}

/* Print the first line where the debug dumps of two documents differ. */
static void print_first_difference(const ac_doc *a, const ac_doc *b)
{
    char *da = ac_doc_dump(a);
    char *db = ac_doc_dump(b);
    if (!da || !db) {
        printf("  (no dump: out of memory)\n");
        goto out;
    }
    const char *pa = da;
    const char *pb = db;
    int line = 1;
    for (;;) {
        size_t la = strcspn(pa, "\n");
        size_t lb = strcspn(pb, "\n");
        if (la != lb || memcmp(pa, pb, la) != 0) {
            printf("  first difference, dump line %d:\n", line);
            printf("    original:  %.*s\n", (int)la, pa);
            printf("    read back: %.*s\n", (int)lb, pb);
            break;
        }
        if (pa[la] == '\0' || pb[lb] == '\0') {
            printf("  (dumps are equal although the documents differ)\n");
            break;
        }
        pa += la + 1;
        pb += lb + 1;
        line++;
    }
out:
    free(da);
    free(db);
}

static void count_warning(void *user, const ac_error *warning)
{
    (void)warning;
    (*(unsigned long *)user)++;
}

/* ---- the checks ---- */

/* The forms to go through (those that read and write) and what they
 * counted. */
typedef struct form {
    const ac_format *format;
    unsigned long passed;
    unsigned long failed;
} form;

#define MAX_FORMS 16

typedef struct run {
    ac_context *ctx;
    form forms[MAX_FORMS];
    size_t nforms;
} run;

/* Write `doc` in `format` into a new buffer, printing a failure as
 * "FAIL: path: what: message". */
static char *write_doc(const run *r, const ac_format *format, const ac_doc *doc,
                       size_t *len, const char *path, const char *what)
{
    char *out = NULL;
    ac_error err;
    if (ac_write(r->ctx, format, doc, &out, len, &err) != AC_OK) {
        printf("FAIL: %s: %s: %s\n", path, what, err.text);
        return NULL;
    }
    return out;
}

/* Read text written in `format`, printing a failure. */
static ac_doc *read_doc(const run *r, const ac_format *format, const char *text,
                        size_t len, const char *path, const char *what)
{
    ac_doc *doc = NULL;
    ac_error err;
    char label[600];
    snprintf(label, sizeof label, "%s (as %s)", path, format->name);
    if (ac_read(r->ctx, format, text, len, label, &doc, &err) != AC_OK) {
        printf("FAIL: %s: %s does not read back: ", path, what);
        print_location(stdout, label, &err);
        printf("\n");
        return NULL;
    }
    return doc;
}

static bool same_bytes(const char *a, size_t a_len, const char *b, size_t b_len)
{
    return a_len == b_len && memcmp(a, b, a_len) == 0;
}

/* read_B(write_B(doc)) must equal doc. */
static bool through(const run *r, const ac_format *a, const ac_format *b,
                    const ac_doc *doc, const char *path)
{
    char what[128];
    snprintf(what, sizeof what, "%s -> %s", a->name, b->name);
    size_t len = 0;
    char *text = write_doc(r, b, doc, &len, path, what);
    if (!text)
        return false;
    ac_doc *back = read_doc(r, b, text, len, path, what);
    bool ok = back && ac_doc_equal(doc, back);
    if (back && !ok) {
        printf("FAIL: %s: %s -> model changed the model\n", path, what);
        print_first_difference(doc, back);
    }
    ac_doc_free(back);
    free(text);
    return ok;
}

/*
 * The checks of one form A for the model `doc` of a file `path`. When
 * `original` is not NULL the file is canonical in `own` (its own form):
 * it must come back byte for byte through A.
 */
static bool check_form(const run *r, const ac_format *a, const ac_doc *doc,
                       const char *path, const ac_format *own,
                       const char *original, size_t original_len)
{
    const char *name = a->name;
    char what[128];
    size_t first_len = 0, again_len = 0, back_len = 0, own_len = 0;
    char *again = NULL, *from_back = NULL, *own_text = NULL;
    ac_doc *back = NULL;
    bool ok = false;

    snprintf(what, sizeof what, "writing %s", name);
    char *first = write_doc(r, a, doc, &first_len, path, what);
    if (!first)
        goto out;
    again = write_doc(r, a, doc, &again_len, path, what);
    if (!again)
        goto out;
    if (!same_bytes(first, first_len, again, again_len)) {
        printf("FAIL: %s: writing %s twice gave different bytes\n", path, name);
        goto out;
    }
    snprintf(what, sizeof what, "the %s written", name);
    back = read_doc(r, a, first, first_len, path, what);
    if (!back)
        goto out;
    if (!ac_doc_equal(doc, back)) {
        printf("FAIL: %s: %s -> %s -> model changed the model\n", path,
               own->name, name);
        print_first_difference(doc, back);
        goto out;
    }
    snprintf(what, sizeof what, "writing the read-back model as %s", name);
    from_back = write_doc(r, a, back, &back_len, path, what);
    if (!from_back)
        goto out;
    if (!same_bytes(from_back, back_len, first, first_len)) {
        printf("FAIL: %s: the read-back model writes other %s bytes\n", path,
               name);
        goto out;
    }
    ok = true;
    for (size_t i = 0; i < r->nforms; i++)
        ok = through(r, a, r->forms[i].format, back, path) && ok;
    if (original) {
        snprintf(what, sizeof what, "writing %s after %s", own->name, name);
        own_text = write_doc(r, own, back, &own_len, path, what);
        if (!own_text) {
            ok = false;
        } else if (!same_bytes(own_text, own_len, original, original_len)) {
            printf("FAIL: %s: the canonical %s input does not come back "
                   "byte for byte through %s\n",
                   path, own->name, name);
            ok = false;
        }
    }
out:
    ac_doc_free(back);
    free(first);
    free(again);
    free(from_back);
    free(own_text);
    return ok;
}

enum outcome { PASSED, REJECTED, FAILED };

static enum outcome check_file(run *r, const char *path,
                               unsigned long *canonical_count)
{
    const ac_format *own = golden_mode ? ac_format_for_path(r->ctx, path)
                                       : ac_format_find(r->ctx, "md");
    if (!own || !own->read || !own->write) {
        printf("FAIL: %s: no form that reads and writes this file name\n",
               path);
        return FAILED;
    }
    ac_doc *doc = NULL;
    ac_error err;
    if (ac_read_file(r->ctx, own, path, &doc, &err) != AC_OK) {
        printf("%s: ", golden_mode ? "FAIL: rejected" : "rejected");
        print_location(stdout, path, &err);
        printf("\n");
        return golden_mode ? FAILED : REJECTED;
    }
    /* Is the file canonical in its own form? */
    size_t original_len = 0, own_len = 0;
    char *original = read_all(path, &original_len);
    char *own_text = NULL;
    ac_error werr;
    bool canonical =
        original &&
        ac_write(r->ctx, own, doc, &own_text, &own_len, &werr) == AC_OK &&
        same_bytes(own_text, own_len, original, original_len);
    free(own_text);
    if (canonical)
        (*canonical_count)++;

    bool ok = true;
    for (size_t i = 0; i < r->nforms; i++) {
        form *f = &r->forms[i];
        bool form_ok = check_form(r, f->format, doc, path, own,
                                  canonical ? original : NULL, original_len);
        if (form_ok)
            f->passed++;
        else
            f->failed++;
        ok = ok && form_ok;
    }
    free(original);
    ac_doc_free(doc);
    return ok ? PASSED : FAILED;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: roundtrip_corpus [--golden] [--min-files N] [DIR]\n"
            "Round-trips every .md agent file under DIR (default %s)\n"
            "through every form that reads and writes; with --golden, every\n"
            "CASE/input.* under DIR (golden/valid), read in the form of its\n"
            "extension. Fails when fewer than N files (default %d) are "
            "found.\n",
            CORPUS_DEFAULT_DIR, DEFAULT_MIN_FILES);
}

int main(int argc, char **argv)
{
    const char *dir = CORPUS_DEFAULT_DIR;
    unsigned long min_files = DEFAULT_MIN_FILES;
    bool have_dir = false;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--golden") == 0) {
            golden_mode = true;
        } else if (strcmp(argv[i], "--min-files") == 0 && i + 1 < argc) {
            char *end;
            errno = 0;
            min_files = strtoul(argv[++i], &end, 10);
            if (errno != 0 || *end != '\0' || end == argv[i]) {
                usage(stderr);
                return 2;
            }
        } else if (argv[i][0] == '-' || have_dir) {
            usage(stderr);
            return 2;
        } else {
            dir = argv[i];
            have_dir = true;
        }
    }

    struct path_list files = {NULL, 0, 0};
    if (collect(dir, &files) != 0) {
        path_list_free(&files);
        return 1;
    }
    qsort(files.items, files.len, sizeof files.items[0], compare_paths);

    ac_context *ctx = ac_context_new();
    if (!ctx) {
        fprintf(stderr, "roundtrip_corpus: out of memory\n");
        path_list_free(&files);
        return 1;
    }
    unsigned long warnings = 0;
    ac_context_set_warning_handler(ctx, count_warning, &warnings);
    run r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    for (size_t i = 0; i < ac_format_count(ctx); i++) {
        const ac_format *f = ac_format_at(ctx, i);
        if (f->read && f->write && r.nforms < MAX_FORMS)
            r.forms[r.nforms++].format = f;
    }
    if (!ac_format_find(ctx, "md") || r.nforms < 2) {
        fprintf(stderr, "roundtrip_corpus: fewer than two forms that read "
                        "and write, or no md\n");
        ac_context_free(ctx);
        path_list_free(&files);
        return 1;
    }

    unsigned long passed = 0;
    unsigned long rejected = 0;
    unsigned long failed = 0;
    unsigned long canonical = 0;
    for (size_t i = 0; i < files.len; i++) {
        switch (check_file(&r, files.items[i], &canonical)) {
        case PASSED:
            passed++;
            break;
        case REJECTED:
            rejected++;
            break;
        case FAILED:
            failed++;
            break;
        }
    }
    ac_context_free(ctx);

    unsigned long total = (unsigned long)files.len;
    unsigned long read = passed + failed;
    printf("corpus: %lu files, %lu read, %lu rejected, %lu failed round "
           "trip\n",
           total, read, rejected, failed);
    printf("corpus: %lu warnings; %lu files already canonical in their own "
           "form\n",
           warnings, canonical);
    for (size_t i = 0; i < r.nforms; i++)
        printf("form %s: %lu passed, %lu failed\n", r.forms[i].format->name,
               r.forms[i].passed, r.forms[i].failed);
    bool too_few = total < min_files;
    if (too_few)
        printf("corpus: only %lu files under %s, expected at least %lu\n",
               total, dir, min_files);
    printf("%lu passed, %lu failed\n", passed, failed);
    path_list_free(&files);
    return failed > 0 || too_few ? 1 : 0;
}
