/*
 * The corpus round trip: every markdown agent definition under a directory
 * is read as md and must survive md -> json -> model and md -> md -> model
 * unchanged, and writing one model twice must give the same bytes.
 *
 * Usage: roundtrip_corpus [--min-files N] [DIR]
 *
 * Files the md reader rejects are listed ("rejected: path:line:col: text")
 * and counted but do not fail the run: recovering invalid real-world YAML
 * is a later step. The run fails when an accepted file fails a round trip,
 * or when fewer than N files (300 by default) were found, which guards
 * against an empty or missing directory.
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

/* Whether a directory entry named `name` is an agent file to check. */
static bool is_agent_file(const char *name)
{
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

/*
 * Write `doc` in `format`, read the text back and compare; write the model
 * again and the read-back model too, and compare the bytes. Returns true
 * when everything held. When `original` is not NULL and the first writing
 * equals it byte for byte, sets `*canonical`.
 */
static bool round_trip(ac_context *ctx, const ac_format *format,
                       const ac_doc *doc, const char *path,
                       const char *original, size_t original_len,
                       bool *canonical)
{
    const char *name = format->name;
    char *first = NULL;
    char *again = NULL;
    char *from_back = NULL;
    size_t first_len = 0;
    size_t again_len = 0;
    size_t back_len = 0;
    ac_doc *back = NULL;
    ac_error err;
    bool ok = false;

    if (ac_write(ctx, format, doc, &first, &first_len, &err) != AC_OK) {
        printf("FAIL: %s: writing %s: %s\n", path, name, err.text);
        goto out;
    }
    if (canonical && original && first_len == original_len &&
        memcmp(first, original, first_len) == 0)
        *canonical = true;

    char label[512];
    snprintf(label, sizeof label, "%s (as %s)", path, name);
    if (ac_read(ctx, format, first, first_len, label, &back, &err) != AC_OK) {
        printf("FAIL: %s: the %s written does not read back: ", path, name);
        print_location(stdout, label, &err);
        printf("\n");
        goto out;
    }
    if (!ac_doc_equal(doc, back)) {
        printf("FAIL: %s: md -> %s -> model changed the model\n", path, name);
        print_first_difference(doc, back);
        goto out;
    }
    if (ac_write(ctx, format, doc, &again, &again_len, &err) != AC_OK) {
        printf("FAIL: %s: writing %s a second time: %s\n", path, name,
               err.text);
        goto out;
    }
    if (again_len != first_len || memcmp(again, first, first_len) != 0) {
        printf("FAIL: %s: writing %s twice gave different bytes\n", path, name);
        goto out;
    }
    if (ac_write(ctx, format, back, &from_back, &back_len, &err) != AC_OK) {
        printf("FAIL: %s: writing the read-back model as %s: %s\n", path, name,
               err.text);
        goto out;
    }
    if (back_len != first_len || memcmp(from_back, first, first_len) != 0) {
        printf("FAIL: %s: the read-back model writes other %s bytes\n", path,
               name);
        goto out;
    }
    ok = true;
out:
    ac_doc_free(back);
    free(first);
    free(again);
    free(from_back);
    return ok;
}

enum outcome { PASSED, REJECTED, FAILED };

static enum outcome check_file(ac_context *ctx, const ac_format *md,
                               const ac_format *json, const char *path,
                               unsigned long *canonical_count)
{
    ac_doc *doc = NULL;
    ac_error err;
    if (ac_read_file(ctx, md, path, &doc, &err) != AC_OK) {
        printf("rejected: ");
        print_location(stdout, path, &err);
        printf("\n");
        return REJECTED;
    }
    size_t original_len = 0;
    char *original = read_all(path, &original_len);
    bool canonical = false;
    bool ok = round_trip(ctx, json, doc, path, NULL, 0, NULL);
    ok = round_trip(ctx, md, doc, path, original, original_len, &canonical) &&
         ok;
    if (canonical)
        (*canonical_count)++;
    free(original);
    ac_doc_free(doc);
    return ok ? PASSED : FAILED;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: roundtrip_corpus [--min-files N] [DIR]\n"
            "Round-trips every .md agent file under DIR (default %s)\n"
            "through json and md; fails when fewer than N files (default "
            "%d) are found.\n",
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
    const ac_format *md = ac_format_find(ctx, "md");
    const ac_format *json = ac_format_find(ctx, "json");
    if (!md || !json) {
        fprintf(stderr, "roundtrip_corpus: the md and json formats are not "
                        "both registered\n");
        ac_context_free(ctx);
        path_list_free(&files);
        return 1;
    }

    unsigned long passed = 0;
    unsigned long rejected = 0;
    unsigned long failed = 0;
    unsigned long canonical = 0;
    for (size_t i = 0; i < files.len; i++) {
        switch (check_file(ctx, md, json, files.items[i], &canonical)) {
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
    printf("corpus: %lu warnings; %lu files already canonical md\n", warnings,
           canonical);
    bool too_few = total < min_files;
    if (too_few)
        printf("corpus: only %lu files under %s, expected at least %lu\n",
               total, dir, min_files);
    printf("%lu passed, %lu failed\n", passed, failed);
    path_list_free(&files);
    return failed > 0 || too_few ? 1 : 0;
}
